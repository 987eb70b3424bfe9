//! The reporting cadence (日反馈、周调度、日研判).
//!
//! - **Zero reports** (零报告): every household head (联户长) and grid worker (网格员) reports
//!   each working day — "有事报情况，无事报平安": either all is well or the disputes found.
//!   [`Reader::missing_reports`](crate::engine::Reader::missing_reports) lists, for a day and a subtree, who did not report and for
//!   how many working days in a row. Rest days (weekends, holidays) neither need a report
//!   nor break a streak.
//! - **Daily analysis** (日研判): [`Reader::daily_analysis`](crate::engine::Reader::daily_analysis) ranks open cases by risk, with
//!   the reason for each score.
//! - **Weekly dispatch** (周调度): [`Reader::weekly_dispatch`](crate::engine::Reader::weekly_dispatch) summarises an ISO week per unit,
//!   from the traces.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::deadline::Standing;
use crate::dispute::{CaseCode, GroupSize, RiskColour, Urgency};
use crate::hierarchy::DivisionCode;
use crate::routing::Grade;
use crate::staff::{Role, StaffId};

/// A daily report by a household head or grid worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ZeroReport {
    /// The day reported on (China time).
    pub date: NaiveDate,
    /// The disputes found that day; empty means "all is well" (无事报平安).
    #[serde(default)]
    pub disputes: Vec<CaseCode>,
    /// Remarks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A reporter who did not report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MissingReport {
    /// The unit they report for (a household group or a grid).
    pub unit: DivisionCode,
    /// Who should have reported.
    pub staff: StaffId,
    /// Their role.
    pub role: Role,
    /// Working days in a row without a report, ending on the day asked about.
    pub streak: u32,
}

/// The reports filed, per reporter. "All is well" days, by far the most common, are kept
/// as bare dates (about 8 bytes each), so a street's three years of daily reports by every
/// household head fit in a few megabytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportBook(HashMap<StaffId, Filed>);

#[derive(Debug, Clone, Default)]
struct Filed {
    all_well: BTreeSet<NaiveDate>,
    detailed: BTreeMap<NaiveDate, ZeroReport>,
}

impl ReportBook {
    pub(crate) fn insert(&mut self, staff: &str, report: ZeroReport) {
        let f = self.0.entry(staff.to_string()).or_default();
        f.all_well.remove(&report.date);
        f.detailed.remove(&report.date);
        if report.disputes.is_empty() && report.note.is_empty() {
            f.all_well.insert(report.date);
        } else {
            f.detailed.insert(report.date, report);
        }
    }

    /// Every report, by staff id then date (for snapshots).
    pub(crate) fn all(&self) -> Vec<(String, ZeroReport)> {
        let mut staff: Vec<&String> = self.0.keys().collect();
        staff.sort();
        let mut out = Vec::new();
        for id in staff {
            let f = &self.0[id];
            let mut days: Vec<ZeroReport> = f
                .all_well
                .iter()
                .map(|&date| ZeroReport {
                    date,
                    disputes: Vec::new(),
                    note: String::new(),
                })
                .chain(f.detailed.values().cloned())
                .collect();
            days.sort_by_key(|r| r.date);
            out.extend(days.into_iter().map(|r| (id.clone(), r)));
        }
        out
    }

    pub(crate) fn get(&self, staff: &str, date: NaiveDate) -> Option<ZeroReport> {
        let f = self.0.get(staff)?;
        if f.all_well.contains(&date) {
            return Some(ZeroReport {
                date,
                disputes: Vec::new(),
                note: String::new(),
            });
        }
        f.detailed.get(&date).cloned()
    }

    pub(crate) fn has(&self, staff: &str, date: NaiveDate) -> bool {
        self.0
            .get(staff)
            .is_some_and(|f| f.all_well.contains(&date) || f.detailed.contains_key(&date))
    }

    /// Number of reports filed in all.
    pub(crate) fn len(&self) -> usize {
        self.0
            .values()
            .map(|f| f.all_well.len() + f.detailed.len())
            .sum()
    }
}

/// A case in the daily analysis, with its score and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ranked {
    /// The case.
    pub case: CaseCode,
    /// Higher is more urgent.
    pub score: u32,
    /// What contributed, e.g. "red risk +40".
    pub reasons: Vec<String>,
}

/// One unit's week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WeekRow {
    /// The unit.
    pub unit: Option<DivisionCode>,
    /// Its name.
    pub unit_name: String,
    /// Registered during the week.
    pub new: u32,
    /// Resolved during the week.
    pub resolved: u32,
    /// Stabilised during the week.
    pub stabilised: u32,
    /// Reported up during the week.
    pub escalated: u32,
    /// Red at the end of the week.
    pub overdue: u32,
    /// Open and under supervision at the end of the week.
    pub supervised: Vec<CaseCode>,
}

/// How much each risk factor weighs in the daily analysis.
pub(crate) fn score(
    risk: RiskColour,
    urgency: Urgency,
    standing: Standing,
    group: GroupSize,
    key_person: bool,
    violence: bool,
    supervision: Option<Grade>,
) -> (u32, Vec<String>) {
    let mut s = 0;
    let mut why = Vec::new();
    let mut add = |points: u32, reason: String| {
        if points > 0 {
            s += points;
            why.push(format!("{reason} +{points}"));
        }
    };
    add(
        (risk.index() as u32 + 1) * 10,
        format!("{} risk", risk.label_en()),
    );
    add(
        urgency.index() as u32 * 8,
        format!("{} urgency", urgency.label_en()),
    );
    // Red weighs 20, yellow 10, the early warning (临期) 5: a case about to go yellow
    // comes before one that is merely on time.
    let late = match standing {
        Standing::OnTime => 0,
        Standing::Warning => 5,
        Standing::Yellow => 10,
        Standing::Red => 20,
    };
    add(late, standing.label_en().to_string());
    add(
        group.index() as u32 * 5,
        format!("group {}", group.label_en()),
    );
    add(
        if key_person { 10 } else { 0 },
        "key person involved".into(),
    );
    add(if violence { 10 } else { 0 }, "violence risk".into());
    add(
        supervision.map_or(0, |g| (g.index() as u32 + 1) * 5),
        "under supervision".into(),
    );
    (s, why)
}
