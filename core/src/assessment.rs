//! Assessment (考核): how each unit kept to its time limits over a period — the supervision
//! cards it drew, the cases that went red, the extensions and suspensions it asked for —
//! and a score from the rule set's weights ([`crate::routing::AssessmentWeights`]: a unit
//! starts at 100 and loses 5 per yellow card, 10 per red card, 2 per case gone red and 1
//! per extension granted, unless the county's 考核办法 sets other weights).
//!
//! What is counted, per unit at the level asked (a case belongs to the unit at that level
//! that contains the unit handling it now, or to the handling unit itself when it is above
//! that level), over the China days `from..=to`:
//! - **cases**: registered in the period;
//! - **yellow cards / red cards**: `supervise` events of that grade in the period (黄牌/红牌
//!   督办);
//! - **overdue**: cases that went red in the period — the day after the red day of the limit
//!   that ran (the handling limit for a concluded case that concluded after it; the running
//!   limit of a case still open) lies in the period and on or before `as_of`;
//! - **extensions asked / granted / days granted**: `request_extension` events in the period;
//!   approvals decided in the period and the working days they granted;
//! - **suspensions**: `suspend` events in the period.
//!
//! The same numbers come from the engine ([`crate::engine::Reader::assessment`]) and from
//! both bindings (`fq_assessment`, `assessment`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::hierarchy::{DivisionCode, Level};
use crate::routing::AssessmentWeights;
use crate::stats::{Lang, TextTable};

/// What to assess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    /// Only cases handled inside this unit's subtree (default: all the actor may see).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<DivisionCode>,
    /// One row per unit at this level (default: village/community, the level the practice
    /// assesses).
    #[serde(default = "community")]
    pub level: Level,
    /// The first day of the period (China time).
    pub from: NaiveDate,
    /// The last day of the period.
    pub to: NaiveDate,
    /// Weights other than the rule set's, for a what-if of the assessment itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<AssessmentWeights>,
}

fn community() -> Level {
    Level::Community
}

/// One unit's counts and score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AssessmentCounts {
    /// Cases registered in the period.
    pub cases: u64,
    /// 黄牌督办 in the period.
    pub yellow_cards: u64,
    /// 红牌督办 in the period.
    pub red_cards: u64,
    /// Cases that went red in the period.
    pub overdue: u64,
    /// Extensions asked for in the period.
    pub extensions_requested: u64,
    /// Extensions approved in the period.
    pub extensions_granted: u64,
    /// Working days those approvals granted.
    pub extension_days: u64,
    /// Suspensions begun in the period.
    pub suspensions: u64,
}

impl AssessmentCounts {
    pub(crate) fn add(&mut self, o: &AssessmentCounts) {
        self.cases += o.cases;
        self.yellow_cards += o.yellow_cards;
        self.red_cards += o.red_cards;
        self.overdue += o.overdue;
        self.extensions_requested += o.extensions_requested;
        self.extensions_granted += o.extensions_granted;
        self.extension_days += o.extension_days;
        self.suspensions += o.suspensions;
    }

    /// The score under `w`: the base less each weight times its count, never below 0.
    pub fn score(&self, w: &AssessmentWeights) -> u64 {
        let lost = self.yellow_cards * u64::from(w.yellow_card)
            + self.red_cards * u64::from(w.red_card)
            + self.overdue * u64::from(w.overdue)
            + self.extensions_granted * u64::from(w.extension);
        u64::from(w.base).saturating_sub(lost)
    }
}

/// One row: a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AssessmentRow {
    /// The unit.
    pub unit: DivisionCode,
    /// Its name.
    pub unit_name: String,
    /// The counts.
    pub counts: AssessmentCounts,
    /// The score.
    pub score: u64,
}

/// An assessment table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assessment {
    /// The query answered.
    pub query: AssessmentQuery,
    /// The moment red was judged at.
    pub as_of: DateTime<Utc>,
    /// The weights used.
    pub weights: AssessmentWeights,
    /// One row per unit with anything counted, in code order.
    pub rows: Vec<AssessmentRow>,
    /// The counts over every row (the score of a whole area is not the sum of its units':
    /// it is not given).
    pub total: AssessmentCounts,
}

impl Assessment {
    /// A plain-text table for the assessment meeting (考核通报).
    ///
    /// ```
    /// use fengqiao::assessment::*;
    /// use fengqiao::stats::Lang;
    /// let a = Assessment {
    ///     query: AssessmentQuery { within: None, level: fengqiao::hierarchy::Level::Community,
    ///         from: "2026-01-01".parse()?, to: "2026-03-31".parse()?, weights: None },
    ///     as_of: "2026-04-01T00:00:00Z".parse()?,
    ///     weights: Default::default(),
    ///     rows: vec![AssessmentRow { unit: "522301001001".parse()?, unit_name: "坪寨村".into(),
    ///         counts: AssessmentCounts { cases: 12, yellow_cards: 1, ..Default::default() }, score: 95 }],
    ///     total: AssessmentCounts { cases: 12, yellow_cards: 1, ..Default::default() },
    /// };
    /// let t = a.to_table(Lang::Both);
    /// assert!(t.contains("得分/score") && t.contains("坪寨村") && t.contains("95"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_table(&self, lang: Lang) -> String {
        let head: [(&str, &str); 9] = [
            ("案件", "cases"),
            ("黄牌", "yellow card"),
            ("红牌", "red card"),
            ("超期", "overdue"),
            ("延期申请", "ext. asked"),
            ("延期批准", "ext. granted"),
            ("延期天数", "ext. days"),
            ("中止计时", "suspended"),
            ("得分", "score"),
        ];
        let mut table = TextTable::new(lang, ("单位", "unit"), &head);
        let cells = |c: &AssessmentCounts, score: Option<u64>| {
            [
                c.cases,
                c.yellow_cards,
                c.red_cards,
                c.overdue,
                c.extensions_requested,
                c.extensions_granted,
                c.extension_days,
                c.suspensions,
            ]
            .map(|v| v.to_string())
            .into_iter()
            .chain([score.map_or("-".to_string(), |s| s.to_string())])
        };
        for r in &self.rows {
            let name = if r.unit_name.is_empty() {
                r.unit.to_string()
            } else {
                r.unit_name.clone()
            };
            table.row(&name, cells(&r.counts, Some(r.score)));
        }
        table.row(&lang.label("合计", "total"), cells(&self.total, None));
        table.finish()
    }
}
