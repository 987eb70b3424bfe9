//! The validator: every problem of a rule set, found before it is used, each with the rule
//! id and the path inside the rule set (`rules[3].when.all[0].category_in`).
//!
//! Errors make a rule set unusable; warnings do not. The checks:
//!
//! | code | severity | finds |
//! |---|---|---|
//! | `parse` | error | malformed JSON, unknown fields or words (category, role, agency, level …) |
//! | `duplicate_rule_id`, `empty_rule_id` | error | rule ids that cannot name a rule |
//! | `empty_set` | error | a set condition with no values (`category_in: []`, `any: []`) |
//! | `empty_range` | error | `min > max` |
//! | `unsatisfiable` | error | a condition no dispute can meet (`category_in [labour]` and `category_in [neighbour]`) |
//! | `unknown_subtype` | error | a subtype not declared in the vocabulary |
//! | `unknown_unit` | error | `within` a unit the hierarchy does not have (with a schema) |
//! | `bad_level` | error | a handling level that is not grid, community, street or county |
//! | `no_level` | error | a rule whose outcome, with the defaults, has no handling level |
//! | `limit_order` | error | a yellow limit after the red one |
//! | `escalation_down` | error | escalation to a level not above the handling level |
//! | `role_missing` | error | a team role at levels where the world has no such staff (with a schema) |
//! | `uncovered` | error | a dispute shape no rule matches, with an example |
//! | `shadowed` | warning | under `first`, a rule an earlier rule always pre-empts |
//! | `agency_missing` | warning | an agency kind the world has no body of (with a schema) |
//! | `sector_unmapped` | warning | "+N" asked for a category with no sector department |
//! | `undocumented` | warning | a rule without a description |
//! | `limit_overlap` | error | two limit standards for the same cases setting the same phase |
//! | `limit_gap` | error | a category no limit standard gives a phase that other rows time, and no default row |
//! | `bad_time_limits` | error | a warning share outside 1–99 %, a standard's subtype without its category, an empty standard |

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::index::{Facts, NoUnits, Region};
use super::model::{Condition, Outcome, RuleSet};
use super::{Directory, HitPolicy, Router, Target};
use crate::dispute::{Category, Channel, Flag, Flags, GroupSize, RiskColour, Urgency};
use crate::hierarchy::{Hierarchy, Level};
use crate::vocab::domain_enum;

/// The world a rule set is checked against: the places and who serves them.
pub struct Schema<'a> {
    /// The hierarchy.
    pub hierarchy: &'a Hierarchy,
    /// Staff and agencies by unit.
    pub directory: &'a Directory,
}

domain_enum! {
    /// Error or warning.
    pub enum Severity {
        /// The rule set cannot be used.
        Error = ("error", "错误", "error"),
        /// The rule set can be used, but something is probably wrong.
        Warning = ("warning", "警告", "warning"),
    }
}

domain_enum! {
    /// What kind of problem a diagnostic reports (stable, for programs).
    pub enum DiagnosticCode {
        /// Malformed JSON or an unknown word.
        Parse = ("parse", "格式错误", "parse error"),
        /// Two rules share an id.
        DuplicateRuleId = ("duplicate_rule_id", "规则编号重复", "duplicate rule id"),
        /// A rule has no id.
        EmptyRuleId = ("empty_rule_id", "规则编号为空", "empty rule id"),
        /// A set condition with no values.
        EmptySet = ("empty_set", "条件集合为空", "empty set"),
        /// A range with min > max.
        EmptyRange = ("empty_range", "区间为空", "empty range"),
        /// A condition nothing can meet.
        Unsatisfiable = ("unsatisfiable", "条件不可满足", "unsatisfiable condition"),
        /// A subtype outside the vocabulary.
        UnknownSubtype = ("unknown_subtype", "未知子类", "unknown subtype"),
        /// A unit outside the hierarchy.
        UnknownUnit = ("unknown_unit", "未知单位", "unknown unit"),
        /// A handling level that is not one.
        BadLevel = ("bad_level", "处置层级无效", "invalid handling level"),
        /// No handling level.
        NoLevel = ("no_level", "缺少处置层级", "no handling level"),
        /// Yellow after red.
        LimitOrder = ("limit_order", "时限顺序错误", "yellow limit after red"),
        /// Escalation not upward.
        EscalationDown = ("escalation_down", "上报层级不高于处置层级", "escalation not upward"),
        /// A role no staff can fill at the levels asked.
        RoleMissing = ("role_missing", "层级无此角色", "role missing at level"),
        /// A dispute shape no rule matches.
        Uncovered = ("uncovered", "存在未覆盖的纠纷", "uncovered dispute"),
        /// A rule that can never decide under `first`.
        Shadowed = ("shadowed", "规则被遮蔽", "shadowed rule"),
        /// An agency kind nobody provides.
        AgencyMissing = ("agency_missing", "无此类机构", "agency missing"),
        /// "+N" without a mapping.
        SectorUnmapped = ("sector_unmapped", "未配置行业部门", "sector department unmapped"),
        /// A rule without a description.
        Undocumented = ("undocumented", "规则缺少说明", "undocumented rule"),
        /// Two limit standards for the same cases set the same phase.
        LimitOverlap = ("limit_overlap", "时限标准重叠", "overlapping limit standards"),
        /// A category without a limit in a phase other categories are timed in.
        LimitGap = ("limit_gap", "时限标准缺口", "gap in the limit standards"),
        /// A time-limit setting outside what is allowed.
        BadTimeLimits = ("bad_time_limits", "时限设置无效", "invalid time-limit setting"),
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: DiagnosticCode,
    /// The rule it is in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Where inside the rule set, e.g. `rules[3].when.all[0].category_in`.
    pub path: String,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}] {}", self.severity, self.code, self.path)?;
        if let Some(r) = &self.rule {
            write!(f, " (rule `{r}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All diagnostics of a rule set, errors first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("{}", self.summary())]
pub struct Diagnostics {
    /// The problems.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    fn summary(&self) -> String {
        let e = self.errors().count();
        let w = self.warnings().count();
        let mut s = format!("rule set has {e} error(s) and {w} warning(s)");
        for d in &self.items {
            s.push_str("\n  ");
            s.push_str(&d.to_string());
        }
        s
    }

    pub(super) fn push(
        &mut self,
        severity: Severity,
        code: DiagnosticCode,
        rule: Option<&str>,
        path: String,
        message: String,
    ) {
        self.items.push(Diagnostic {
            severity,
            code,
            rule: rule.map(str::to_string),
            path,
            message,
        });
    }
}

impl RuleSet {
    /// Parses a rule set. Failures come back as a `parse` diagnostic with the path of the
    /// offending element and the id of the rule it is in.
    ///
    /// ```
    /// use fengqiao::routing::{Router, RuleSet};
    /// let set = RuleSet::from_json(r#"{
    ///   "id": "demo", "version": "1", "hit_policy": "first",
    ///   "defaults": {"level": "community"},
    ///   "rules": [
    ///     {"id": "big", "description": "大事不出街道", "priority": 1,
    ///      "when": {"risk_at_least": "orange"}, "then": {"level": "street"}},
    ///     {"id": "rest", "description": "小事不出社区", "when": "always"}
    ///   ]}"#)?;
    /// let router = Router::new(set, None)?;
    /// assert!(router.warnings().is_empty());
    /// // A typo is located: rule id and path.
    /// let err = RuleSet::from_json(r#"{"id":"x","version":"1","hit_policy":"first","rules":[{"id":"a","when":{"risk_at_least":"pink"}}]}"#).unwrap_err();
    /// assert_eq!(err.items[0].path, "rules[0].when.risk_at_least");
    /// # Ok::<(), fengqiao::routing::Diagnostics>(())
    /// ```
    pub fn from_json(text: &str) -> Result<RuleSet, Diagnostics> {
        let fail = |path: String, rule: Option<String>, message: String| {
            let mut d = Diagnostics::default();
            d.push(
                Severity::Error,
                DiagnosticCode::Parse,
                rule.as_deref(),
                path,
                message,
            );
            d
        };
        let err = match serde_json::from_str::<RuleSet>(text) {
            Ok(set) => return Ok(set),
            Err(e) => e,
        };
        if err.classify() != serde_json::error::Category::Data {
            return Err(fail(String::new(), None, format!("invalid JSON: {err}")));
        }
        let path = super::json_path::path_at(
            text,
            super::json_path::offset_of(text, err.line(), err.column()),
        );
        // Name the rule the path is in, if it is in one.
        let rule = path
            .strip_prefix("rules[")
            .and_then(|r| r.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| {
                let value: serde_json::Value = serde_json::from_str(text).ok()?;
                value
                    .get("rules")?
                    .get(i)?
                    .get("id")?
                    .as_str()
                    .map(str::to_string)
            });
        let message = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        let message = message
            .strip_suffix(&position)
            .unwrap_or(&message)
            .to_string();
        Err(fail(path, rule, message))
    }
}

/// Checks a rule set, against a world if one is given. See the module docs for the checks.
pub fn validate(set: &RuleSet, schema: Option<&Schema>) -> Diagnostics {
    use DiagnosticCode as C;
    use Severity::{Error as E, Warning as W};
    let mut d = Diagnostics::default();
    let known_subtypes: HashSet<&str> = set
        .vocabulary
        .subtypes
        .values()
        .flatten()
        .map(String::as_str)
        .collect();

    let mut ids = HashSet::new();
    for (i, r) in set.rules.iter().enumerate() {
        let p = format!("rules[{i}]");
        let rid = Some(r.id.as_str()).filter(|s| !s.is_empty());
        if r.id.trim().is_empty() {
            d.push(
                E,
                C::EmptyRuleId,
                None,
                format!("{p}.id"),
                "every rule needs an id".into(),
            );
        } else if !ids.insert(r.id.as_str()) {
            d.push(
                E,
                C::DuplicateRuleId,
                rid,
                format!("{p}.id"),
                format!("rule id `{}` is used twice", r.id),
            );
        }
        if r.description.trim().is_empty() {
            d.push(
                W,
                C::Undocumented,
                rid,
                format!("{p}.description"),
                "say what the rule does and why".into(),
            );
        }
        check_condition(
            &r.when,
            &format!("{p}.when"),
            rid,
            &known_subtypes,
            schema,
            &mut d,
        );
        if Region::of(&r.when).is_empty() {
            d.push(
                E,
                C::Unsatisfiable,
                rid,
                format!("{p}.when"),
                "no dispute can meet this condition (its tests contradict each other)".into(),
            );
        }
        check_outcome(&r.then, &format!("{p}.then"), rid, set, schema, &mut d);
        let effective = r.then.or_defaults(&set.defaults);
        if effective.level.is_none() && set.hit_policy == HitPolicy::First {
            d.push(
                E,
                C::NoLevel,
                rid,
                format!("{p}.then.level"),
                "neither the rule nor the defaults set a handling level".into(),
            );
        }
    }
    check_outcome(&set.defaults, "defaults", None, set, schema, &mut d);
    super::limits::check(set, &known_subtypes, &mut d);
    if set.hit_policy == HitPolicy::Collect
        && set.defaults.level.is_none()
        && set.rules.iter().any(|r| r.then.level.is_none())
    {
        d.push(
            E,
            C::NoLevel,
            None,
            "defaults.level".into(),
            "under `collect`, set a default handling level: a dispute matched only by rules without a level would have none".into(),
        );
    }

    if !d.has_errors() {
        let router = Router::compile_unchecked(set.clone(), Vec::new());
        if set.hit_policy == HitPolicy::First {
            shadowed(set, &router, &mut d);
        }
        uncovered(set, &router, &mut d);
    }
    d.items.sort_by_key(|x| x.severity);
    d
}

fn check_condition(
    c: &Condition,
    path: &str,
    rule: Option<&str>,
    subtypes: &HashSet<&str>,
    schema: Option<&Schema>,
    d: &mut Diagnostics,
) {
    use DiagnosticCode as C;
    let e = Severity::Error;
    let empty = |d: &mut Diagnostics, key: &str, n: usize| {
        if n == 0 {
            d.push(
                e,
                C::EmptySet,
                rule,
                format!("{path}.{key}"),
                format!("`{key}` lists no values: it can never match"),
            );
        }
    };
    match c {
        Condition::All(cs) => {
            for (i, c) in cs.iter().enumerate() {
                check_condition(c, &format!("{path}.all[{i}]"), rule, subtypes, schema, d);
            }
        }
        Condition::Any(cs) => {
            empty(d, "any", cs.len());
            for (i, c) in cs.iter().enumerate() {
                check_condition(c, &format!("{path}.any[{i}]"), rule, subtypes, schema, d);
            }
        }
        Condition::Not(c) => check_condition(c, &format!("{path}.not"), rule, subtypes, schema, d),
        Condition::CategoryIn(v) => empty(d, "category_in", v.len()),
        Condition::ChannelIn(v) => empty(d, "channel_in", v.len()),
        Condition::UrgencyIn(v) => empty(d, "urgency_in", v.len()),
        Condition::RiskIn(v) => empty(d, "risk_in", v.len()),
        Condition::GroupSizeIn(v) => empty(d, "group_size_in", v.len()),
        Condition::LevelIn(v) => empty(d, "level_in", v.len()),
        Condition::FlagsAll(v) => empty(d, "flags_all", v.len()),
        Condition::FlagsAny(v) => empty(d, "flags_any", v.len()),
        Condition::SubtypeIn(v) => {
            empty(d, "subtype_in", v.len());
            for (i, s) in v.iter().enumerate() {
                if !subtypes.contains(s.as_str()) {
                    d.push(
                        e,
                        C::UnknownSubtype,
                        rule,
                        format!("{path}.subtype_in[{i}]"),
                        format!("subtype `{s}` is not declared in vocabulary.subtypes"),
                    );
                }
            }
        }
        Condition::People(r) | Condition::AmountYuan(r) => {
            if let (Some(a), Some(b)) = (r.min, r.max) {
                if a > b {
                    let key = if matches!(c, Condition::People(_)) {
                        "people"
                    } else {
                        "amount_yuan"
                    };
                    d.push(
                        e,
                        C::EmptyRange,
                        rule,
                        format!("{path}.{key}"),
                        format!("min {a} is greater than max {b}"),
                    );
                }
            }
        }
        Condition::Within(code) => {
            if let Some(s) = schema {
                if !s.hierarchy.contains(*code) {
                    d.push(
                        e,
                        C::UnknownUnit,
                        rule,
                        format!("{path}.within"),
                        format!("unit {code} is not in the hierarchy"),
                    );
                }
            }
        }
        Condition::Always | Condition::UrgencyAtLeast(_) | Condition::RiskAtLeast(_) => {}
    }
}

fn check_outcome(
    o: &Outcome,
    path: &str,
    rule: Option<&str>,
    set: &RuleSet,
    schema: Option<&Schema>,
    d: &mut Diagnostics,
) {
    use DiagnosticCode as C;
    use Severity::{Error as E, Warning as W};
    const HANDLING: [Level; 4] = [Level::Grid, Level::Community, Level::Street, Level::County];
    if let Some(l) = o.level {
        if !HANDLING.contains(&l) {
            d.push(
                E,
                C::BadLevel,
                rule,
                format!("{path}.level"),
                format!("`{l}` is not a handling level; use grid, community, street or county"),
            );
        }
    }
    if let Some(dl) = o.deadlines {
        for (name, lim) in [
            ("accept", dl.accept),
            ("handle", dl.handle),
            ("verify", dl.verify),
        ] {
            if let Some(l) = lim {
                if l.yellow > l.red {
                    d.push(
                        E,
                        C::LimitOrder,
                        rule,
                        format!("{path}.deadlines.{name}"),
                        format!("yellow ({}) must not come after red ({})", l.yellow, l.red),
                    );
                }
            }
        }
    }
    // An escalation must go up. A rule's own fixed target at or below its own level is an
    // error; a level this rule sets that the escalation it inherits from the defaults cannot
    // rise above is a warning (the case would go one level up, not to the named level:
    // write `"to": "next"` to say so).
    let level = o.level.or(set.defaults.level);
    if let (Some(esc), Some(l)) = (&o.escalation, level) {
        if matches!(esc.to, Target::Level(t) if t >= l) {
            d.push(
                E,
                C::EscalationDown,
                rule,
                format!("{path}.escalation.to"),
                format!(
                    "escalation to `{}` is not above the handling level `{l}`: name a higher level, or `next` for the level above",
                    esc.to
                ),
            );
        }
    } else if let (None, Some(l), Some(inherited)) =
        (&o.escalation, o.level, &set.defaults.escalation)
    {
        if matches!(inherited.to, Target::Level(t) if t >= l) {
            d.push(
                W,
                C::EscalationDown,
                rule,
                format!("{path}.level"),
                format!(
                    "cases this rule sends to the {l} level inherit the default escalation to `{}`, which is not above it: they would go one level up instead; set defaults.escalation.to to `next`, or give this rule its own escalation",
                    inherited.to
                ),
            );
        }
    }
    if o.sector_department == Some(true) && set.vocabulary.sectors.is_empty() {
        d.push(
            W,
            C::SectorUnmapped,
            rule,
            format!("{path}.sector_department"),
            "\"+N\" is asked for but vocabulary.sectors maps no category to a department".into(),
        );
    }
    let Some(schema) = schema else { return };
    if let Some(team) = &o.team {
        for (i, slot) in team.iter().enumerate() {
            let levels: Vec<Level> = if slot.from.is_empty() {
                Level::ALL.to_vec()
            } else {
                slot.from.clone()
            };
            if !levels
                .iter()
                .any(|l| schema.directory.has_role_at(*l, slot.role))
            {
                d.push(
                    E,
                    C::RoleMissing,
                    rule,
                    format!("{path}.team[{i}]"),
                    format!(
                        "no {} ({}) serves at {} in this hierarchy",
                        slot.role.label_en(),
                        slot.role.label_zh(),
                        levels
                            .iter()
                            .map(|l| l.as_str())
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
                );
            }
        }
    }
    if let Some(ags) = &o.agencies {
        for (i, k) in ags.iter().enumerate() {
            if !schema.directory.has_agency(*k) {
                d.push(
                    W,
                    C::AgencyMissing,
                    rule,
                    format!("{path}.agencies[{i}]"),
                    format!(
                        "no {} ({}) exists in this world",
                        k.label_en(),
                        k.label_zh()
                    ),
                );
            }
        }
    }
}

fn shadowed(set: &RuleSet, router: &Router, d: &mut Diagnostics) {
    for (pos, &i) in router.order.iter().enumerate() {
        let ri = router.index.region(pos);
        for (earlier_pos, &j) in router.order[..pos].iter().enumerate() {
            let rj = router.index.region(earlier_pos);
            if rj.exact && rj.covers(ri) {
                let r = &set.rules[i];
                d.push(
                    Severity::Warning,
                    DiagnosticCode::Shadowed,
                    Some(&r.id),
                    format!("rules[{i}].when"),
                    format!(
                        "under `first`, rule `{}` (priority {}) matches every dispute this rule matches, so this rule never decides",
                        set.rules[j].id, set.rules[j].priority
                    ),
                );
                break;
            }
        }
    }
}

/// Searches the enumerable dimensions for a dispute shape no rule matches. Unknown units
/// (`within`) and subtypes are taken as absent, the worst case.
fn uncovered(set: &RuleSet, router: &Router, d: &mut Diagnostics) {
    if (0..set.rules.len()).any(|k| router.index.region(k).is_universal()) {
        return;
    }
    let flag_sets: Vec<Flags> = std::iter::once(Flags::EMPTY)
        .chain(Flag::ALL.iter().map(|f| Flags::EMPTY.with(*f)))
        .collect();
    let levels = [
        Level::Household,
        Level::HouseholdGroup,
        Level::Grid,
        Level::Community,
        Level::Street,
        Level::County,
    ];
    let people_for = |g: GroupSize| match g {
        GroupSize::Under50 => 2,
        GroupSize::From50To100 => 60,
        GroupSize::From100To500 => 200,
        GroupSize::Over500 => 600,
    };
    for &category in Category::ALL {
        for &channel in Channel::ALL {
            for &urgency in Urgency::ALL {
                for &risk in RiskColour::ALL {
                    for &group in GroupSize::ALL {
                        for &level in &levels {
                            for &flags in &flag_sets {
                                for amount in [None, Some(5_000)] {
                                    let f = Facts {
                                        category,
                                        subtype: None,
                                        channel,
                                        urgency,
                                        risk,
                                        people: people_for(group),
                                        amount,
                                        flags,
                                        location: None,
                                        level,
                                    };
                                    if router.matching(&f, &NoUnits).is_empty() {
                                        d.push(
                                            Severity::Error,
                                            DiagnosticCode::Uncovered,
                                            None,
                                            "rules".into(),
                                            format!(
                                                "no rule matches e.g. category={category}, channel={channel}, urgency={urgency}, risk={risk}, people={}, parties meeting at the {level} level, flags [{}], amount {}; add a default rule (`\"when\": \"always\"`, lowest priority)",
                                                people_for(group),
                                                flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", "),
                                                amount.map_or("none".to_string(), |a| format!("{a} yuan"))
                                            ),
                                        );
                                        return;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
