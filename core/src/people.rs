//! Residents: persons, their identity numbers (GB 11643) and phones, and the key-person
//! flag (重点人员). Identity numbers and phones are validated on the way in and masked on
//! the way out ([`IdNumber::masked`], [`Phone::masked`]), because governance systems show
//! case records to many people who do not need them whole.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;

/// Why a personal identifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// Not 18 characters of 17 digits plus a digit or `X`.
    #[error("identity number must be 17 digits followed by a digit or X (18 characters), got {len} characters")]
    IdFormat {
        /// Length of what was given (the value itself is not echoed: it is personal data).
        len: usize,
    },
    /// The birth date inside the number is not a real date, or is before 1900.
    #[error("identity number has an impossible birth date (a real date from 1900 on)")]
    IdBirthDate,
    /// The address code does not begin with a province of GB/T 2260 (11–15, 21–23, 31–37,
    /// 41–46, 50–54, 61–65, 71, 81, 82); `000000` and the like are refused.
    #[error("identity number has an impossible address code: it must begin with a GB/T 2260 province code")]
    IdAddress,
    /// The check character does not match (ISO 7064 MOD 11-2).
    #[error("identity number check character is wrong: expected `{expected}`")]
    IdChecksum {
        /// The check character the first 17 digits require.
        expected: char,
    },
    /// A phone number with characters other than digits and `-`, or of implausible length.
    #[error("phone number must be 7–20 digits (a `-` may separate an area code)")]
    Phone,
}

impl IdentityError {
    /// The problem as a stable word, for details (the value itself is never echoed).
    pub fn kind(&self) -> &'static str {
        match self {
            IdentityError::IdFormat { .. } => "id_format",
            IdentityError::IdBirthDate => "id_birth_date",
            IdentityError::IdAddress => "id_address",
            IdentityError::IdChecksum { .. } => "id_checksum",
            IdentityError::Phone => "phone",
        }
    }

    /// The problem named by a message this error wrote, when only its text survives (serde
    /// carries a deserializer's error as text): lets the bindings answer a bad identity
    /// number or phone inside a JSON document with the `identity` code and its problem, as
    /// the core answers it, rather than as any malformed input.
    ///
    /// ```
    /// use fengqiao::people::{IdNumber, IdentityError};
    /// let e = IdNumber::parse("522301198206074675").unwrap_err();
    /// let text = format!("{e} at line 1 column 80");
    /// assert_eq!(IdentityError::kind_in_message(&text), Some("id_checksum"));
    /// assert_eq!(IdentityError::kind_in_message("missing field `name`"), None);
    /// ```
    pub fn kind_in_message(message: &str) -> Option<&'static str> {
        // Each variant's message begins with its own fixed words (see the #[error]s above).
        const HEADS: [(&str, &str); 5] = [
            ("identity number must be 17 digits", "id_format"),
            (
                "identity number has an impossible birth date",
                "id_birth_date",
            ),
            (
                "identity number has an impossible address code",
                "id_address",
            ),
            ("identity number check character is wrong", "id_checksum"),
            ("phone number must be 7", "phone"),
        ];
        HEADS
            .iter()
            .find(|(head, _)| message.starts_with(head))
            .map(|(_, kind)| *kind)
    }
}

/// A resident identity number (居民身份证号码, GB 11643): 6-digit address code, 8-digit
/// birth date, 3-digit sequence, and a check character computed by ISO 7064 MOD 11-2.
/// Invariant: always valid. `Debug` and `Display` mask it; [`IdNumber::as_str`] is the
/// only way to the whole number.
///
/// ```
/// use fengqiao::people::IdNumber;
/// let id = IdNumber::parse("11010519491231002X")?; // GB 11643's worked example
/// assert_eq!(id.masked(), "110105********002X");
/// assert!(IdNumber::parse("110105194912310021").is_err()); // wrong check character
/// # Ok::<(), fengqiao::people::IdentityError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

impl IdNumber {
    /// Validates and normalises (a lowercase `x` becomes `X`).
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(IdentityError::IdFormat {
                len: s.chars().count(),
            });
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        if !matches!(num(0..2), 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
        {
            return Err(IdentityError::IdAddress);
        }
        let born = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14));
        if born.is_none_or(|d| d.year() < 1900) {
            return Err(IdentityError::IdBirthDate);
        }
        let expected = Self::check_char(&b[..17]);
        if b[17] as char != expected {
            return Err(IdentityError::IdChecksum { expected });
        }
        Ok(IdNumber(s))
    }

    /// ISO 7064 MOD 11-2 over the first 17 digits: weights 2^(17-i) mod 11, and the check
    /// value (12 - sum mod 11) mod 11, written `X` for 10.
    pub fn check_char(first17: &[u8]) -> char {
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .iter()
            .zip(W)
            .map(|(d, w)| (d - b'0') as u32 * w)
            .sum();
        match (12 - sum % 11) % 11 {
            10 => 'X',
            v => char::from(b'0' + v as u8),
        }
    }

    /// The whole number. Call it only where the viewer is allowed to see it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `522301********1234`: address code and last four kept, the birth date hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The birth date encoded in the number.
    pub fn birth_date(&self) -> NaiveDate {
        let n = |r: std::ops::Range<usize>| self.0[r].parse::<u32>().expect("validated");
        NaiveDate::from_ymd_opt(n(6..10) as i32, n(10..12), n(12..14)).expect("validated")
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A phone number: mobile (11 digits) or landline with an optional area-code hyphen.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Validates: digits and at most one `-`, 7–20 characters.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let s = s.trim();
        let ok = (7..=20).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            && s.bytes().filter(|&b| b == b'-').count() <= 1
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Phone(s.to_string()))
        } else {
            Err(IdentityError::Phone)
        }
    }

    /// The whole number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: the first three and last four characters of a mobile or long number
    /// kept; a short landline (7–10 characters) keeps two at each end (`32***34`), so that no
    /// number is ever shown whole.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        let (head, tail) = if n >= 11 { (3, 4) } else { (2, 2) };
        format!(
            "{}{}{}",
            &self.0[..head],
            "*".repeat(n - head - tail),
            &self.0[n - tail..]
        )
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A host-chosen identifier for a person (the vendor's own key).
pub type PersonId = String;

/// A resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The host's key for this person.
    pub id: PersonId,
    /// Name.
    pub name: String,
    /// Resident identity number, validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<IdNumber>,
    /// Phone, validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// The household unit the person belongs to.
    pub household: DivisionCode,
    /// Set for key persons (重点人员), with the reason they need attention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_person: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant's message is recognised as its own kind, so the bindings' `identity`
    /// answers cannot drift from the messages.
    #[test]
    fn every_identity_message_names_its_kind() {
        let all = [
            IdentityError::IdFormat { len: 3 },
            IdentityError::IdBirthDate,
            IdentityError::IdAddress,
            IdentityError::IdChecksum { expected: 'X' },
            IdentityError::Phone,
        ];
        for e in all {
            assert_eq!(
                IdentityError::kind_in_message(&e.to_string()),
                Some(e.kind()),
                "{e}"
            );
        }
    }

    #[test]
    fn identity_numbers_are_checked() {
        // A structurally valid number: compute its check char, then test both ways.
        let body = b"52230119900307123";
        let check = IdNumber::check_char(body);
        let good = format!("{}{}", std::str::from_utf8(body).unwrap(), check);
        let id = IdNumber::parse(&good).unwrap();
        assert_eq!(id.masked(), format!("522301********123{check}"));
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1990, 3, 7).unwrap()
        );
        let wrong = if check == '0' { '1' } else { '0' };
        assert_eq!(
            IdNumber::parse(&format!("52230119900307123{wrong}")),
            Err(IdentityError::IdChecksum { expected: check })
        );
        assert_eq!(
            IdNumber::parse("5223011990030712"),
            Err(IdentityError::IdFormat { len: 16 })
        );
        assert!(matches!(
            IdNumber::parse("522301199002301230"),
            Err(IdentityError::IdBirthDate)
        ));
        // Debug never prints the whole number.
        assert!(!format!("{id:?}").contains("19900307"));
    }

    #[test]
    fn published_example_with_x_check() {
        // GB 11643's worked example: 11010519491231002X.
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn phones_are_checked_and_masked() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(
            Phone::parse("0859-3221234").unwrap().masked(),
            "085*****1234"
        );
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("138-1234-5678").is_err());
        assert!(Phone::parse("138abc45678").is_err());
    }
}
