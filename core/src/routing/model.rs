//! The rule language: what a rule set looks like as data.
//!
//! A [`RuleSet`] is a decision table. Each [`Rule`] has a condition ([`Condition`]) over the
//! dispute's facts and an [`Outcome`]: the handling level, the team, the agencies that join,
//! the deadlines, escalation and supervision. The [`HitPolicy`] says whether the first
//! matching rule decides or all matching rules are merged (see [`Outcome::merge`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::dispute::{Category, Channel, Flag, GroupSize, RiskColour, Urgency};
use crate::hierarchy::{DivisionCode, Level};
use crate::period::Period;
use crate::staff::Role;
use crate::vocab::domain_enum;

use super::limits::TimeLimits;

/// A rule set: versioned, validated before use, compiled once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Identifier, e.g. `fengqiao-default`.
    pub id: String,
    /// Version, recorded with every decision so a case record says which rules decided it.
    pub version: String,
    /// What the rule set is for.
    #[serde(default)]
    pub description: String,
    /// How matching rules combine.
    pub hit_policy: HitPolicy,
    /// Words the rules may use beyond the built-in enums.
    #[serde(default)]
    pub vocabulary: Vocabulary,
    /// The outcome for every field a matching rule leaves unset.
    #[serde(default)]
    pub defaults: Outcome,
    /// The legal windows (calendar days) the lifecycle and the deadline sweep enforce.
    #[serde(default)]
    pub windows: LegalWindows,
    /// Time-limit standards, early warning, extensions and assessment weights (see
    /// [`crate::routing::TimeLimits`]); omitted when all are the defaults.
    #[serde(default, skip_serializing_if = "TimeLimits::is_default")]
    pub time_limits: TimeLimits,
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// `id@version`, as recorded in decisions.
    pub fn label(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

/// Time limits set by law: natural-day or month periods (自然日, never working days),
/// counted by [`Period::last_day`] (民法典 art. 201–203). They are data like everything
/// else, with the law's values as defaults, because local rules extend some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LegalWindows {
    /// People's mediation should conclude within one month of acceptance
    /// (人民调解工作若干规定, 司法部令第75号, art. 33).
    pub mediation: Period,
    /// Labour mediation: no agreement within 15 days of the mediation body receiving the
    /// application, and the parties may go to arbitration (劳动争议调解仲裁法 art. 14).
    pub labour_mediation: Period,
    /// Joint application for judicial confirmation within 30 days of the agreement taking
    /// effect (人民调解法 art. 33; 民事诉讼法 art. 205).
    pub confirmation_apply: Period,
    /// The court decides whether to accept an application within 3 days (法释〔2011〕5号 art. 4).
    pub court_accept: Period,
    /// The court decides within 15 days of accepting (法释〔2011〕5号 art. 5) …
    pub court_decide: Period,
    /// … extendable by 10 days with the court president's approval (ibid.).
    pub court_extension: Period,
    /// Pre-litigation mediation the court delegates (委派调解): commonly 30 days from the
    /// referral, extendable by at most 30 with the parties' consent (local court rules).
    #[serde(default = "court_referral_default")]
    pub court_referral: Period,
}

fn court_referral_default() -> Period {
    Period::Days(30)
}

impl Default for LegalWindows {
    fn default() -> Self {
        LegalWindows {
            mediation: Period::Months(1),
            labour_mediation: Period::Days(15),
            confirmation_apply: Period::Days(30),
            court_accept: Period::Days(3),
            court_decide: Period::Days(15),
            court_extension: Period::Days(10),
            court_referral: court_referral_default(),
        }
    }
}

/// Extra vocabulary of a rule set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Known subtypes per category (e.g. labour: wage_arrears, injury). Conditions and
    /// disputes may use only these.
    #[serde(default)]
    pub subtypes: BTreeMap<Category, Vec<String>>,
    /// The sector department that is the "+N" of each category (labour → labour
    /// department, property management → housing …).
    #[serde(default)]
    pub sectors: BTreeMap<Category, AgencyKind>,
}

domain_enum! {
    /// How matching rules combine (as in DMN decision tables).
    pub enum HitPolicy {
        /// The matching rule with the highest priority decides (ties: the earlier rule).
        First = ("first", "首条命中", "first match"),
        /// Every matching rule contributes; outcomes merge (see [`Outcome::merge`]).
        Collect = ("collect", "合并命中", "collect and merge"),
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique within the set; named in decisions and diagnostics.
    pub id: String,
    /// What the rule does, for people.
    #[serde(default)]
    pub description: String,
    /// Its basis: the article of law or the practice it encodes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Higher is evaluated first.
    #[serde(default)]
    pub priority: i32,
    /// When the rule applies. Omitted: always.
    #[serde(default)]
    pub when: Condition,
    /// What it decides.
    #[serde(default)]
    pub then: Outcome,
}

/// An inclusive numeric range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Smallest value that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Largest value that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: u64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

/// A condition over a dispute's facts. JSON: one key naming the test, e.g.
/// `{"category_in": ["labour"]}`, `{"all": [..]}`, or the string `"always"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Always true: a default rule.
    #[default]
    Always,
    /// Every sub-condition holds (true when empty).
    All(Vec<Condition>),
    /// At least one sub-condition holds (false when empty; the validator warns).
    Any(Vec<Condition>),
    /// The sub-condition does not hold.
    Not(Box<Condition>),
    /// Category in the set.
    CategoryIn(Vec<Category>),
    /// Subtype in the set (a dispute without a subtype never matches).
    SubtypeIn(Vec<String>),
    /// Discovery channel in the set.
    ChannelIn(Vec<Channel>),
    /// Urgency at least this.
    UrgencyAtLeast(Urgency),
    /// Urgency in the set.
    UrgencyIn(Vec<Urgency>),
    /// Risk colour at least this (blue < yellow < orange < red).
    RiskAtLeast(RiskColour),
    /// Risk colour in the set.
    RiskIn(Vec<RiskColour>),
    /// Number of people involved in the range.
    People(Range),
    /// Group-size bucket in the set.
    GroupSizeIn(Vec<GroupSize>),
    /// Amount in dispute (yuan) in the range; a dispute without an amount never matches.
    AmountYuan(Range),
    /// Every listed flag is set.
    FlagsAll(Vec<Flag>),
    /// At least one listed flag is set.
    FlagsAny(Vec<Flag>),
    /// The dispute's location is inside this unit's subtree (Cedar's `in`).
    Within(DivisionCode),
    /// The deciding unit (where the parties' units meet) is at one of these levels.
    LevelIn(Vec<Level>),
}

domain_enum! {
    /// Supervision grade (督办).
    pub enum Grade {
        /// 一般督办
        Ordinary = ("ordinary", "一般督办", "ordinary supervision"),
        /// 黄牌督办
        YellowCard = ("yellow_card", "黄牌督办", "yellow-card supervision"),
        /// 红牌督办
        RedCard = ("red_card", "红牌督办", "red-card supervision"),
    }
}

domain_enum! {
    /// When a rule's escalation fires.
    pub enum EscalateWhen {
        /// At routing: the case goes straight to the target level (越级上报).
        Immediately = ("immediately", "立即上报", "immediately"),
        /// When the handling deadline turns yellow.
        Yellow = ("yellow", "黄色预警时", "at the yellow limit"),
        /// When the handling deadline turns red (overdue).
        Red = ("red", "红色超期时", "at the red limit"),
    }
}

/// A working-day limit with a warning (yellow) and an overdue (red) threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Working days after which the case is in warning.
    pub yellow: u32,
    /// Working days after which the case is overdue.
    pub red: u32,
}

impl Limit {
    /// The stricter of two limits, threshold by threshold.
    pub fn strictest(self, other: Limit) -> Limit {
        Limit {
            yellow: self.yellow.min(other.yellow),
            red: self.red.min(other.red),
        }
    }
}

/// Limits for the three phases the practice times separately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// From registration to acceptance (受理).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<Limit>,
    /// From acceptance to a result (化解, 稳控, 终止 or 移送).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<Limit>,
    /// From the result to the revisit (回访验证).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Limit>,
}

impl Deadlines {
    pub(crate) fn merge(self, other: Deadlines) -> Deadlines {
        let m = |a: Option<Limit>, b: Option<Limit>| match (a, b) {
            (Some(x), Some(y)) => Some(x.strictest(y)),
            (x, y) => x.or(y),
        };
        Deadlines {
            accept: m(self.accept, other.accept),
            handle: m(self.handle, other.handle),
            verify: m(self.verify, other.verify),
        }
    }

    pub(crate) fn or(self, other: Deadlines) -> Deadlines {
        Deadlines {
            accept: self.accept.or(other.accept),
            handle: self.handle.or(other.handle),
            verify: self.verify.or(other.verify),
        }
    }
}

/// Where an escalation goes. JSON: a level name (`"county"`) or `"next"`.
///
/// `next` is the seed's 报上级综治中心: the centre one level above the unit handling the
/// case — a dispute whose parties meet in a community goes to the street, one whose parties
/// meet in a street goes to the county. A fixed level that is not above the handling unit
/// also goes one level up when it fires (an escalation always goes up); the validator warns
/// about such rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The unit at this level above the handling unit.
    Level(Level),
    /// The parent of the handling unit (上一级).
    Next,
}

impl Target {
    /// The Chinese label: the level's, or 上一级.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Target::Level(l) => l.label_zh(),
            Target::Next => "上一级",
        }
    }

    /// The English label: the level's, or "the next level up".
    pub const fn label_en(self) -> &'static str {
        match self {
            Target::Level(l) => l.label_en(),
            Target::Next => "the next level up",
        }
    }

    /// The higher of two targets, for merging rules: a fixed level wins over `next`, because
    /// when it fires a fixed target not above the handling unit goes one up anyway, so it
    /// reaches at least as high as `next`.
    pub fn higher(self, other: Target) -> Target {
        match (self, other) {
            (Target::Level(a), Target::Level(b)) => Target::Level(a.min(b)),
            (Target::Level(a), Target::Next) | (Target::Next, Target::Level(a)) => Target::Level(a),
            (Target::Next, Target::Next) => Target::Next,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Level(l) => f.write_str(l.as_str()),
            Target::Next => f.write_str("next"),
        }
    }
}

impl From<Level> for Target {
    fn from(l: Level) -> Target {
        Target::Level(l)
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s == "next" {
            return Ok(Target::Next);
        }
        s.parse::<Level>().map(Target::Level).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown escalation target `{s}`: a level (county, street, community, grid …) or `next`"
            ))
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Target {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EscalationTarget".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut words: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        words.push("next");
        schemars::json_schema!({
            "description": "Where an escalation goes: a level, or `next` (one level above the handling unit).",
            "type": "string",
            "enum": words
        })
    }
}

/// Level-skipping escalation (越级上报): where to report, the agencies to copy, and when it
/// fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Where it goes.
    pub to: Target,
    /// Agencies copied (CC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<AgencyKind>,
    /// When it fires.
    pub when: EscalateWhen,
}

/// A role a team needs, and the levels it may be drawn from (nearest first when searching
/// up from the dispute; empty means any level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamSlot {
    /// The role.
    pub role: Role,
    /// Allowed levels of the unit the staff member serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<Level>,
}

/// What a rule decides. Every field may be left unset; unset fields fall back to the rule
/// set's `defaults` (and, under `collect`, to other matching rules first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Handling level: grid, community, street or county.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// The team's roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Vec<TeamSlot>>,
    /// Agencies that join, by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agencies: Option<Vec<AgencyKind>>,
    /// Whether the sector department of the dispute's category joins ("+N").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector_department: Option<bool>,
    /// Working-day limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<Deadlines>,
    /// Level-skipping escalation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    /// Whether judicial confirmation (司法确认) is to be offered once agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_confirmation: Option<bool>,
    /// Supervision grade from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Grade>,
}

impl Outcome {
    /// Merges `other` into `self` (the `collect` semantics):
    /// - level: the higher of the two (county above street above community above grid);
    /// - team: union of roles (a role's allowed levels are the union too);
    /// - agencies: union; sector department: either;
    /// - deadlines: the strictest yellow and red of each phase;
    /// - escalation: the one to the higher level, firing at the earlier of the two moments,
    ///   copying the union of both CC lists;
    /// - offer_confirmation: either; supervision: the higher grade.
    pub fn merge(&mut self, other: &Outcome) {
        self.level = match (self.level, other.level) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = &other.team {
            // Teams have a handful of roles: one allocation for the usual case.
            let team = self.team.get_or_insert_with(|| Vec::with_capacity(8));
            for slot in t {
                match team.iter_mut().find(|s| s.role == slot.role) {
                    Some(s) if s.from.is_empty() || slot.from.is_empty() => s.from.clear(),
                    Some(s) => {
                        for l in &slot.from {
                            if !s.from.contains(l) {
                                s.from.push(*l);
                            }
                        }
                    }
                    None => team.push(slot.clone()),
                }
            }
        }
        if let Some(a) = &other.agencies {
            let mine = self.agencies.get_or_insert_with(Vec::new);
            for k in a {
                if !mine.contains(k) {
                    mine.push(*k);
                }
            }
        }
        self.sector_department = match (self.sector_department, other.sector_department) {
            (Some(a), Some(b)) => Some(a || b),
            (a, b) => a.or(b),
        };
        self.deadlines = match (self.deadlines, other.deadlines) {
            (Some(a), Some(b)) => Some(a.merge(b)),
            (a, b) => a.or(b),
        };
        self.escalation = match (self.escalation.take(), &other.escalation) {
            (Some(a), Some(b)) => {
                let mut cc = a.cc.clone();
                cc.extend(b.cc.iter().filter(|k| !a.cc.contains(k)));
                Some(Escalation {
                    to: a.to.higher(b.to),
                    cc,
                    when: a.when.min(b.when),
                })
            }
            (a, b) => a.or_else(|| b.clone()),
        };
        self.offer_confirmation = match (self.offer_confirmation, other.offer_confirmation) {
            (Some(a), Some(b)) => Some(a || b),
            (a, b) => a.or(b),
        };
        self.supervision = self.supervision.max(other.supervision);
    }

    /// Fills the fields `self` leaves unset from `defaults` (the `first` semantics).
    pub fn or_defaults(&self, defaults: &Outcome) -> Outcome {
        self.clone().with_defaults(defaults)
    }

    /// [`Outcome::or_defaults`] by value: the fields already set are moved, not copied,
    /// which is what makes a collected outcome cheap to finish.
    pub fn with_defaults(self, defaults: &Outcome) -> Outcome {
        Outcome {
            level: self.level.or(defaults.level),
            team: self.team.or_else(|| defaults.team.clone()),
            agencies: self.agencies.or_else(|| defaults.agencies.clone()),
            sector_department: self.sector_department.or(defaults.sector_department),
            deadlines: match (self.deadlines, defaults.deadlines) {
                (Some(a), Some(d)) => Some(a.or(d)),
                (a, d) => a.or(d),
            },
            escalation: self.escalation.or_else(|| defaults.escalation.clone()),
            offer_confirmation: self.offer_confirmation.or(defaults.offer_confirmation),
            supervision: self.supervision.or(defaults.supervision),
        }
    }
}
