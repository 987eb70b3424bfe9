//! Statistical division codes (统计用区划代码) and the codes that extend them below village.
//!
//! The national code has 12 digits: province 2, city 2, county 2 (GB/T 2260), township 3
//! (GB/T 10114) and village 3. Grids, household groups and households have no national code;
//! practice extends the parent's code with a sequence of configurable width. A code is kept
//! as a `u64` with its digit count (at most 19 digits, which always fits), so looking a unit
//! up by code hashes one integer and a code costs no heap memory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Level, UnitKind};

/// Digits of the national statistical division code.
pub const NATIONAL_DIGITS: u8 = 12;
/// The most digits a code may have: a `u64` holds every 19-digit number.
pub const MAX_DIGITS: u8 = 19;

/// Why a code was rejected. Each variant says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not only ASCII digits, or empty.
    #[error("code `{0}` must consist of ASCII digits only")]
    NotDigits(String),
    /// Wrong number of digits for any known level.
    #[error("code `{code}` has {digits} digits; expected 12 (national) or 12 + the configured grid/group/household widths (at most 19)")]
    BadLength {
        /// The code as given.
        code: String,
        /// How many digits it has.
        digits: usize,
    },
    /// The digits do not form a valid national structure (e.g. a village part without a
    /// township part, or a township number outside the GB/T 10114 ranges).
    #[error("code `{code}` is not a valid statistical division code: {reason}")]
    Structure {
        /// The code as given.
        code: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The configured widths do not fit in 19 digits or are zero.
    #[error("code widths grid={grid}, group={group}, household={household} are invalid: each must be 1..=4 and 12 + their sum at most 19")]
    BadScheme {
        /// Grid sequence width.
        grid: u8,
        /// Household-group sequence width.
        group: u8,
        /// Household sequence width.
        household: u8,
    },
}

/// A division code: a unit's identity in the hierarchy, readable by people and stable in
/// databases. Invariant: `1 <= digits <= 19` and `value < 10^digits`. Packed to 12 bytes
/// (4-byte alignment): a prefecture holds a million of them.
///
/// ```
/// use fengqiao::hierarchy::{CodeScheme, DivisionCode, UnitKind};
/// let sajin: DivisionCode = "522301001000".parse()?;
/// let grid: DivisionCode = "522301001001003".parse()?;
/// assert!(grid.starts_with(sajin.prefix(9).unwrap()));
/// assert_eq!(CodeScheme::default().classify(sajin)?, UnitKind::Street); // 001–099: 街道
/// assert!("52230100100x".parse::<DivisionCode>().is_err());
/// # Ok::<(), fengqiao::hierarchy::CodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C, packed(4))]
pub struct DivisionCode {
    value: u64,
    digits: u8,
}

impl DivisionCode {
    /// Parses a string of digits without checking its structure (see
    /// [`CodeScheme::classify`] for that).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::NotDigits(s.to_string()));
        }
        if s.len() > MAX_DIGITS as usize {
            return Err(CodeError::BadLength {
                code: s.to_string(),
                digits: s.len(),
            });
        }
        let value = s
            .parse::<u64>()
            .map_err(|_| CodeError::NotDigits(s.to_string()))?;
        Ok(DivisionCode {
            value,
            digits: s.len() as u8,
        })
    }

    /// Number of digits.
    pub const fn digits(self) -> u8 {
        self.digits
    }

    /// The code as a number (leading zeros are kept by [`Self::digits`]).
    pub const fn value(self) -> u64 {
        self.value
    }

    /// The first `digits` digits of this code (`None` if it is shorter).
    pub fn prefix(self, digits: u8) -> Option<DivisionCode> {
        if digits == 0 || digits > self.digits {
            return None;
        }
        Some(DivisionCode {
            value: self.value / 10u64.pow((self.digits - digits) as u32),
            digits,
        })
    }

    /// Whether `self` starts with `prefix`'s digits.
    pub fn starts_with(self, prefix: DivisionCode) -> bool {
        self.prefix(prefix.digits) == Some(prefix)
    }

    /// This code with `seq` appended in `width` digits (a child's code). `None` if the
    /// sequence does not fit or the result would exceed 19 digits.
    pub fn child(self, seq: u64, width: u8) -> Option<DivisionCode> {
        let digits = self.digits.checked_add(width)?;
        if digits > MAX_DIGITS || seq >= 10u64.pow(width as u32) {
            return None;
        }
        Some(DivisionCode {
            value: self.value * 10u64.pow(width as u32) + seq,
            digits,
        })
    }

    /// Digits `from..to` (0-based, end exclusive) as a number.
    fn part(self, from: u8, to: u8) -> u64 {
        (self.value / 10u64.pow((self.digits - to) as u32)) % 10u64.pow((to - from) as u32)
    }
}

impl DivisionCode {
    /// The code's digits written into `buf`, leading zeros kept: the one rendering Display
    /// and serialisation share, without the formatting machinery (codes are written
    /// several times in every decision and every trace event).
    fn render(self, buf: &mut [u8; MAX_DIGITS as usize]) -> &str {
        let n = self.digits as usize;
        let mut v = self.value;
        for b in buf[..n].iter_mut().rev() {
            *b = b'0' + (v % 10) as u8;
            v /= 10;
        }
        std::str::from_utf8(&buf[..n]).expect("ASCII digits")
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.render(&mut [0; MAX_DIGITS as usize]))
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({self})")
    }
}

impl FromStr for DivisionCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DivisionCode::parse(s)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.render(&mut [0; MAX_DIGITS as usize]))
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DivisionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How codes below village level are formed: the widths of the grid, household-group and
/// household sequences. Local standards differ, so they are configuration; the defaults
/// (3, 2, 2) give 15-digit grid codes, the common practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeScheme {
    /// Digits appended to a village/community code for a grid.
    pub grid_digits: u8,
    /// Digits appended to a grid code for a household group (联户).
    pub group_digits: u8,
    /// Digits appended to a household group code for a household.
    pub household_digits: u8,
}

impl Default for CodeScheme {
    fn default() -> Self {
        CodeScheme {
            grid_digits: 3,
            group_digits: 2,
            household_digits: 2,
        }
    }
}

impl CodeScheme {
    /// Checks the widths: each 1..=4, and a household code at most 19 digits.
    pub fn validate(&self) -> Result<(), CodeError> {
        let ok = |w: u8| (1..=4).contains(&w);
        let total = NATIONAL_DIGITS as u32
            + self.grid_digits as u32
            + self.group_digits as u32
            + self.household_digits as u32;
        if ok(self.grid_digits)
            && ok(self.group_digits)
            && ok(self.household_digits)
            && total <= MAX_DIGITS as u32
        {
            Ok(())
        } else {
            Err(CodeError::BadScheme {
                grid: self.grid_digits,
                group: self.group_digits,
                household: self.household_digits,
            })
        }
    }

    /// Digits of a code at `level`.
    pub fn digits_at(&self, level: Level) -> u8 {
        match level {
            Level::Province
            | Level::Prefecture
            | Level::County
            | Level::Street
            | Level::Community => NATIONAL_DIGITS,
            Level::Grid => NATIONAL_DIGITS + self.grid_digits,
            Level::HouseholdGroup => NATIONAL_DIGITS + self.grid_digits + self.group_digits,
            Level::Household => {
                NATIONAL_DIGITS + self.grid_digits + self.group_digits + self.household_digits
            }
        }
    }

    /// The level a well-formed code denotes, by arithmetic only (no validation): what hot
    /// paths use once a code is known to be in the hierarchy.
    pub fn level_of(&self, code: DivisionCode) -> Level {
        let d = code.digits;
        if d == self.digits_at(Level::Household) {
            Level::Household
        } else if d == self.digits_at(Level::HouseholdGroup) {
            Level::HouseholdGroup
        } else if d == self.digits_at(Level::Grid) {
            Level::Grid
        } else if d != NATIONAL_DIGITS {
            Level::Household
        } else if code.part(9, 12) != 0 {
            Level::Community
        } else if code.part(6, 9) != 0 {
            Level::Street
        } else if code.part(4, 6) != 0 {
            Level::County
        } else if code.part(2, 4) != 0 {
            Level::Prefecture
        } else {
            Level::Province
        }
    }

    /// How many leading digits identify a unit at `level` (the rest are its descendants'
    /// parts, or zeros): province 2, prefecture 4, county 6, street 9, community 12, then the
    /// configured widths.
    pub fn significant_digits(&self, level: Level) -> u8 {
        match level {
            Level::Province => 2,
            Level::Prefecture => 4,
            Level::County => 6,
            Level::Street => 9,
            _ => self.digits_at(level),
        }
    }

    /// The code of the structural ancestor of `code` at `level` (itself at its own level),
    /// by arithmetic: codes extend their parents', so no tree walk is needed. `None` if
    /// `level` is below the code's own.
    pub fn ancestor_code(&self, code: DivisionCode, level: Level) -> Option<DivisionCode> {
        if level > self.level_of(code) {
            return None;
        }
        let keep = self.significant_digits(level);
        let width = self.digits_at(level);
        let head = code.prefix(keep)?;
        Some(DivisionCode {
            value: head.value * 10u64.pow((width - keep) as u32),
            digits: width,
        })
    }

    /// Whether `inner` lies in the subtree of `outer`, by their codes alone.
    pub fn code_within(&self, inner: DivisionCode, outer: DivisionCode) -> bool {
        self.ancestor_code(inner, self.level_of(outer)) == Some(outer)
    }

    /// What kind of unit a code denotes, from its digits alone.
    ///
    /// National codes are read by their parts: `pp0000000000` province, `ppcc00000000`
    /// prefecture, `ppccdd000000` county, `ppccddttt000` township (001–099 street 街道,
    /// 100–199 town 镇, 200–399 township 乡, 400–599 government-enterprise unit), and
    /// `ppccddtttvvv` village level (001–199 community 社区/居委会, 200–399 village 村委会).
    /// Longer codes are grids, household groups or households by their length.
    pub fn classify(&self, code: DivisionCode) -> Result<UnitKind, CodeError> {
        let err = |reason| CodeError::Structure {
            code: code.to_string(),
            reason,
        };
        let d = code.digits;
        if d == self.digits_at(Level::Grid) {
            return self.national_village(code).map(|_| UnitKind::Grid);
        }
        if d == self.digits_at(Level::HouseholdGroup) {
            return self
                .national_village(code)
                .map(|_| UnitKind::HouseholdGroup);
        }
        if d == self.digits_at(Level::Household) {
            return self.national_village(code).map(|_| UnitKind::Household);
        }
        if d != NATIONAL_DIGITS {
            return Err(CodeError::BadLength {
                code: code.to_string(),
                digits: d as usize,
            });
        }
        let (p, c, k, t, v) = (
            code.part(0, 2),
            code.part(2, 4),
            code.part(4, 6),
            code.part(6, 9),
            code.part(9, 12),
        );
        if !(11..=82).contains(&p) {
            return Err(err("province part must be 11–82 (GB/T 2260)"));
        }
        match (c, k, t, v) {
            (0, 0, 0, 0) => Ok(UnitKind::Province),
            (_, 0, 0, 0) => Ok(UnitKind::Prefecture),
            (0, _, _, _) => Err(err("a county, township or village part needs a city part")),
            (_, _, 0, 0) => Ok(UnitKind::County),
            (_, 0, _, _) => Err(err("a township or village part needs a county part")),
            (_, _, 0, _) => Err(err("a village part needs a township part")),
            (_, _, t, 0) => match t {
                1..=99 => Ok(UnitKind::Street),
                100..=199 => Ok(UnitKind::Town),
                200..=399 => Ok(UnitKind::Township),
                400..=599 => Ok(UnitKind::SpecialArea),
                _ => Err(err("township part must be 001–599 (GB/T 10114)")),
            },
            (_, _, _, v) => match v {
                1..=199 => Ok(UnitKind::Community),
                200..=399 => Ok(UnitKind::Village),
                _ => Err(err(
                    "village part must be 001–199 (community) or 200–399 (village)",
                )),
            },
        }
    }

    fn national_village(&self, code: DivisionCode) -> Result<(), CodeError> {
        let village = code.prefix(NATIONAL_DIGITS).expect("longer than 12 digits");
        match self.classify(village)? {
            UnitKind::Community | UnitKind::Village => Ok(()),
            _ => Err(CodeError::Structure {
                code: code.to_string(),
                reason: "codes below village level must extend a village or community code",
            }),
        }
    }

    /// The codes of the structural ancestors of `code`, nearest first (the township of a
    /// village, the county of a township, …). Used to find a new unit's parent.
    pub fn structural_ancestors(&self, code: DivisionCode) -> Vec<DivisionCode> {
        let mut out = Vec::new();
        let d = code.digits;
        for level in [Level::HouseholdGroup, Level::Grid] {
            let w = self.digits_at(level);
            if d > w {
                out.push(code.prefix(w).expect("shorter"));
            }
        }
        if d > NATIONAL_DIGITS {
            out.push(code.prefix(NATIONAL_DIGITS).expect("shorter"));
        }
        let national = code.prefix(NATIONAL_DIGITS.min(d)).expect("non-empty");
        // Zero the trailing parts of the national code: village → township → county → city → province.
        for keep in [9u8, 6, 4, 2] {
            if national.digits < NATIONAL_DIGITS {
                break;
            }
            let zeros = 10u64.pow((NATIONAL_DIGITS - keep) as u32);
            let value = national.value / zeros * zeros;
            let candidate = DivisionCode {
                value,
                digits: NATIONAL_DIGITS,
            };
            if candidate != national
                && !out.contains(&candidate)
                && candidate.value < national.value
            {
                out.push(candidate);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn classifies_national_codes() {
        let s = CodeScheme::default();
        assert_eq!(s.classify(c("520000000000")).unwrap(), UnitKind::Province);
        assert_eq!(s.classify(c("522300000000")).unwrap(), UnitKind::Prefecture);
        assert_eq!(s.classify(c("522301000000")).unwrap(), UnitKind::County);
        assert_eq!(s.classify(c("522301010000")).unwrap(), UnitKind::Street);
        assert_eq!(s.classify(c("522301100000")).unwrap(), UnitKind::Town);
        assert_eq!(s.classify(c("522301200000")).unwrap(), UnitKind::Township);
        assert_eq!(s.classify(c("522301010001")).unwrap(), UnitKind::Community);
        assert_eq!(s.classify(c("522301010201")).unwrap(), UnitKind::Village);
        assert_eq!(s.classify(c("522301010001003")).unwrap(), UnitKind::Grid);
        assert_eq!(
            s.classify(c("52230101000100301")).unwrap(),
            UnitKind::HouseholdGroup
        );
        assert_eq!(
            s.classify(c("5223010100010030102")).unwrap(),
            UnitKind::Household
        );
    }

    #[test]
    fn rejects_bad_structures() {
        let s = CodeScheme::default();
        assert!(matches!(
            DivisionCode::parse("52a301"),
            Err(CodeError::NotDigits(_))
        ));
        assert!(matches!(
            DivisionCode::parse(""),
            Err(CodeError::NotDigits(_))
        ));
        assert!(matches!(
            s.classify(c("5223")),
            Err(CodeError::BadLength { .. })
        ));
        assert!(matches!(
            s.classify(c("522301000001")),
            Err(CodeError::Structure { .. })
        ));
        assert!(matches!(
            s.classify(c("522301700000")),
            Err(CodeError::Structure { .. })
        ));
        assert!(matches!(
            s.classify(c("522301010500")),
            Err(CodeError::Structure { .. })
        ));
        assert!(matches!(
            s.classify(c("992301000000")),
            Err(CodeError::Structure { .. })
        ));
        // A grid under a township (not a village) is refused.
        assert!(matches!(
            s.classify(c("522301010000003")),
            Err(CodeError::Structure { .. })
        ));
    }

    #[test]
    fn keeps_leading_zeros_and_prefixes() {
        let code = c("0012");
        assert_eq!(code.to_string(), "0012");
        let grid = c("522301010001003");
        assert_eq!(grid.prefix(12), Some(c("522301010001")));
        assert!(grid.starts_with(c("522301010001")));
        assert!(!grid.starts_with(c("522301010002")));
        assert_eq!(c("522301010001").child(3, 3), Some(grid));
        assert_eq!(c("522301010001").child(1000, 3), None);
    }

    #[test]
    fn structural_ancestors_walk_up() {
        let s = CodeScheme::default();
        let anc: Vec<String> = s
            .structural_ancestors(c("5223010100010030102"))
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            anc,
            [
                "52230101000100301",
                "522301010001003",
                "522301010001",
                "522301010000",
                "522301000000",
                "522300000000",
                "520000000000"
            ]
        );
    }

    #[test]
    fn ancestors_by_arithmetic() {
        let s = CodeScheme::default();
        let hh = c("5223010100010030102");
        assert_eq!(s.level_of(hh), Level::Household);
        assert_eq!(s.level_of(c("522301010001")), Level::Community);
        assert_eq!(s.level_of(c("522301010000")), Level::Street);
        assert_eq!(s.level_of(c("522301000000")), Level::County);
        assert_eq!(s.ancestor_code(hh, Level::Grid), Some(c("522301010001003")));
        assert_eq!(
            s.ancestor_code(hh, Level::Community),
            Some(c("522301010001"))
        );
        assert_eq!(s.ancestor_code(hh, Level::Street), Some(c("522301010000")));
        assert_eq!(s.ancestor_code(hh, Level::County), Some(c("522301000000")));
        assert_eq!(
            s.ancestor_code(hh, Level::Prefecture),
            Some(c("522300000000"))
        );
        assert_eq!(s.ancestor_code(c("522301010000"), Level::Grid), None);
        assert!(s.code_within(hh, c("522301000000")));
        assert!(s.code_within(hh, hh));
        assert!(!s.code_within(hh, c("522301010002")));
        assert!(!s.code_within(c("522301010000"), hh));
    }

    #[test]
    fn scheme_widths_are_checked() {
        assert!(CodeScheme::default().validate().is_ok());
        let bad = CodeScheme {
            grid_digits: 4,
            group_digits: 4,
            household_digits: 0,
        };
        assert!(bad.validate().is_err());
        let too_long = CodeScheme {
            grid_digits: 4,
            group_digits: 4,
            household_digits: 4,
        };
        assert!(too_long.validate().is_err());
    }
}
