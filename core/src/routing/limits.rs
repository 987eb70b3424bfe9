//! Time-limit standards (时限标准) as data: the working-day limits per functional
//! department and per category or subtype, with a default row, the share of a limit that
//! raises an early warning, the most an extension may grant, and the weights of the
//! assessment (考核) — versioned with the rule set that carries them.
//!
//! Vendors' platforms keep these as a table an administrator edits (the Tianque
//! grid-management platform's 职能部门时限标准: 受理/办理/验证, yellow and red, a default
//! row); here they are the rule set's `time_limits`. A routed case's limits come, phase by
//! phase, from the matched rules' own `deadlines`, else from the most specific standard row,
//! else from the rule set's `defaults.deadlines`.

use serde::{Deserialize, Serialize};

use super::model::{Deadlines, Limit};
use crate::agency::AgencyKind;
use crate::dispute::Category;

/// The time-limit settings of a rule set. Every field has the practice's default, so a
/// rule set without `time_limits` behaves as before this section existed.
///
/// ```
/// use fengqiao::routing::RuleSet;
/// let set = RuleSet::from_json(r#"{"id": "t", "version": "1", "hit_policy": "first",
///   "defaults": {"level": "community"},
///   "time_limits": {"warning_percent": 60, "standards": [
///     {"deadlines": {"handle": {"yellow": 10, "red": 15}}, "source": "县综治中心时限标准"},
///     {"category": "labour", "deadlines": {"handle": {"yellow": 5, "red": 10}}}]},
///   "rules": [{"id": "all", "description": "d"}]}"#)?;
/// assert_eq!(set.time_limits.warning_percent, 60);
/// assert_eq!(set.time_limits.standards.len(), 2);
/// # Ok::<(), fengqiao::routing::Diagnostics>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeLimits {
    /// The share of a limit, in percent, past which a case stands in early warning (临期
    /// 预警), before yellow: counted on the yellow limit (with extensions), rounded down.
    /// Practice default 70 (the Tianque platform's 预警比例); 1–99.
    #[serde(default = "warning_percent_default")]
    pub warning_percent: u8,
    /// The most working days extensions may add to one phase's limit in all (延期). A
    /// practice bound, default 20 working days — about the 30 natural days 信访工作条例
    /// (2022) art. 33 allows for extending a petition's handling.
    #[serde(default = "max_extension_default")]
    pub max_extension_days: u32,
    /// The limit standards: the most specific row that sets a phase decides it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<LimitStandard>,
    /// The assessment's weights.
    #[serde(default)]
    pub assessment: AssessmentWeights,
}

fn warning_percent_default() -> u8 {
    70
}

fn max_extension_default() -> u32 {
    20
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            warning_percent: warning_percent_default(),
            max_extension_days: max_extension_default(),
            standards: Vec::new(),
            assessment: AssessmentWeights::default(),
        }
    }
}

impl TimeLimits {
    /// Whether every setting is the default (the rule set then omits the section in JSON,
    /// so a rule set written before it existed serialises, and hashes, as it did).
    pub fn is_default(&self) -> bool {
        *self == TimeLimits::default()
    }

    /// The limits the standards give a dispute of `category`/`subtype` joined by agencies of
    /// `departments`, phase by phase: for each phase, the most specific row that sets it
    /// (subtype over category over department over the default row); rows equally specific
    /// combine to the strictest. `None` in a phase no row sets.
    pub fn standard_for(
        &self,
        category: Category,
        subtype: Option<&str>,
        departments: &[AgencyKind],
    ) -> Deadlines {
        self.standard_rows(category, subtype, departments).0
    }

    /// [`TimeLimits::standard_for`], with the rows that decided each phase (accept, handle,
    /// verify), for the decision's explanation.
    pub(crate) fn standard_rows(
        &self,
        category: Category,
        subtype: Option<&str>,
        departments: &[AgencyKind],
    ) -> (Deadlines, [Vec<usize>; 3]) {
        let mut best: [(i32, Option<Limit>); 3] = [(-1, None); 3];
        let mut rows: [Vec<usize>; 3] = Default::default();
        for (i, s) in self.standards.iter().enumerate() {
            let Some(score) = s.specificity(category, subtype, departments) else {
                continue;
            };
            let phases = [s.deadlines.accept, s.deadlines.handle, s.deadlines.verify];
            for ((b, r), l) in best.iter_mut().zip(rows.iter_mut()).zip(phases) {
                let Some(l) = l else { continue };
                if score > b.0 {
                    *b = (score, Some(l));
                    *r = vec![i];
                } else if score == b.0 {
                    b.1 = Some(b.1.map_or(l, |x| x.strictest(l)));
                    r.push(i);
                }
            }
        }
        let limits = Deadlines {
            accept: best[0].1,
            handle: best[1].1,
            verify: best[2].1,
        };
        (limits, rows)
    }
}

/// One row of the limit standards: which cases it is for (every field omitted: the default
/// row) and their limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitStandard {
    /// The functional department (职能部门) it is for: cases the routing joins an agency of
    /// this kind to (the labour department for wage arrears, housing for property disputes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<AgencyKind>,
    /// The category it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The subtype it is for (needs `category`; declared in the vocabulary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// The limits: accept, handle, verify, each yellow and red, in working days.
    pub deadlines: Deadlines,
    /// Where the standard comes from (the county's 时限标准 notice).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl LimitStandard {
    /// How specific the row is for this case (subtype 4, category 2, department 1), or
    /// `None` when it is not for it.
    fn specificity(
        &self,
        category: Category,
        subtype: Option<&str>,
        departments: &[AgencyKind],
    ) -> Option<i32> {
        let mut score = 0;
        if let Some(c) = self.category {
            if c != category {
                return None;
            }
            score += 2;
        }
        if let Some(s) = &self.subtype {
            if subtype != Some(s.as_str()) {
                return None;
            }
            score += 4;
        }
        if let Some(k) = self.department {
            if !departments.contains(&k) {
                return None;
            }
            score += 1;
        }
        Some(score)
    }

    /// The row's key: two rows with the same key that set the same phase overlap.
    pub(crate) fn key(&self) -> (Option<AgencyKind>, Option<Category>, Option<&str>) {
        (self.department, self.category, self.subtype.as_deref())
    }
}

/// The weights of the assessment (考核): a unit starts a period at `base` points and loses
/// the weight of each event. Practice defaults: a yellow card 5, a red card 10 (the Tianque
/// platform's 督办等级 weights); a case gone red 2 and an extension granted 1 are this
/// library's defaults — set them to the county's 考核办法.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentWeights {
    /// Points at the start of a period.
    #[serde(default = "base_default")]
    pub base: u32,
    /// Per yellow-card supervision (黄牌督办).
    #[serde(default = "yellow_default")]
    pub yellow_card: u32,
    /// Per red-card supervision (红牌督办).
    #[serde(default = "red_default")]
    pub red_card: u32,
    /// Per case that went red (超期) in the period.
    #[serde(default = "overdue_default")]
    pub overdue: u32,
    /// Per extension granted (延期) in the period.
    #[serde(default = "extension_default")]
    pub extension: u32,
}

fn base_default() -> u32 {
    100
}
fn yellow_default() -> u32 {
    5
}
fn red_default() -> u32 {
    10
}
fn overdue_default() -> u32 {
    2
}
fn extension_default() -> u32 {
    1
}

impl Default for AssessmentWeights {
    fn default() -> Self {
        AssessmentWeights {
            base: base_default(),
            yellow_card: yellow_default(),
            red_card: red_default(),
            overdue: overdue_default(),
            extension: extension_default(),
        }
    }
}

/// The validator's checks of `time_limits` (see [`super::validate`]): the warning share,
/// each standard's own shape and yellow/red order, overlaps (two rows with the same key
/// setting the same phase) and gaps (a category no row times in a phase that some row
/// times, when no row is for every category).
pub(super) fn check(
    set: &super::RuleSet,
    known_subtypes: &std::collections::HashSet<&str>,
    d: &mut super::Diagnostics,
) {
    use super::validate::{DiagnosticCode as C, Severity::Error as E};
    let t = &set.time_limits;
    if !(1..=99).contains(&t.warning_percent) {
        d.push(
            E,
            C::BadTimeLimits,
            None,
            "time_limits.warning_percent".into(),
            format!(
                "{} is not a share of a limit: use 1–99 (percent; the practice's default is 70)",
                t.warning_percent
            ),
        );
    }
    const PHASES: [&str; 3] = ["accept", "handle", "verify"];
    let phases = |s: &LimitStandard| [s.deadlines.accept, s.deadlines.handle, s.deadlines.verify];
    for (i, s) in t.standards.iter().enumerate() {
        let p = format!("time_limits.standards[{i}]");
        if s.subtype.is_some() && s.category.is_none() {
            d.push(
                E,
                C::BadTimeLimits,
                None,
                format!("{p}.subtype"),
                "a subtype belongs to a category: set `category` too".into(),
            );
        }
        if let Some(st) = &s.subtype {
            if !known_subtypes.contains(st.as_str()) {
                d.push(
                    E,
                    super::validate::DiagnosticCode::UnknownSubtype,
                    None,
                    format!("{p}.subtype"),
                    format!("subtype `{st}` is not declared in vocabulary.subtypes"),
                );
            }
        }
        if phases(s).iter().all(Option::is_none) {
            d.push(
                E,
                C::BadTimeLimits,
                None,
                format!("{p}.deadlines"),
                "a standard sets no limit: give accept, handle or verify".into(),
            );
        }
        for (name, l) in PHASES.iter().zip(phases(s)) {
            if let Some(l) = l.filter(|l| l.yellow > l.red) {
                d.push(
                    E,
                    C::LimitOrder,
                    None,
                    format!("{p}.deadlines.{name}"),
                    format!("yellow ({}) must not come after red ({})", l.yellow, l.red),
                );
            }
        }
        for (j, earlier) in t.standards[..i].iter().enumerate() {
            if earlier.key() != s.key() {
                continue;
            }
            for (name, (a, b)) in PHASES.iter().zip(phases(earlier).iter().zip(phases(s))) {
                if a.is_some() && b.is_some() {
                    d.push(
                        E,
                        C::LimitOverlap,
                        None,
                        format!("{p}.deadlines.{name}"),
                        format!(
                            "time_limits.standards[{j}] already sets the {name} limit for the same cases: keep one row"
                        ),
                    );
                }
            }
        }
    }
    // Gaps: a phase some row times must be timed for every category, by a row for it (or
    // for one of its subtypes' departments — those do not cover the category as a whole)
    // or by a row for every category, or by the rule set's defaults.
    let defaults = set.defaults.deadlines.unwrap_or_default();
    let default_phases = [defaults.accept, defaults.handle, defaults.verify];
    for (k, name) in PHASES.iter().enumerate() {
        if default_phases[k].is_some() {
            continue;
        }
        let timed: Vec<&LimitStandard> = t
            .standards
            .iter()
            .filter(|s| phases(s)[k].is_some())
            .collect();
        if timed.is_empty() {
            continue;
        }
        let whole = |s: &&LimitStandard| s.department.is_none() && s.subtype.is_none();
        if timed.iter().any(|s| whole(s) && s.category.is_none()) {
            continue;
        }
        let missing: Vec<&str> = Category::ALL
            .iter()
            .filter(|c| !timed.iter().any(|s| whole(s) && s.category == Some(**c)))
            .map(|c| c.as_str())
            .collect();
        if !missing.is_empty() {
            d.push(
                E,
                C::LimitGap,
                None,
                "time_limits.standards".into(),
                format!(
                    "no standard gives the {name} limit for {}: add a default row (no department, category or subtype) or a row for each",
                    missing.join(", ")
                ),
            );
        }
    }
}
