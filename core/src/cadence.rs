//! The reporting cadence (日反馈、周调度、日研判).
//!
//! - **Zero reports** (零报告): every household head (联户长) and grid worker (网格员) reports
//!   each working day — "有事报情况，无事报平安": either all is well or the disputes found.
//!   [`Engine::missing_reports`] lists, for a day and a subtree, who did not report and for
//!   how many working days in a row. Rest days (weekends, holidays) neither need a report
//!   nor break a streak.
//! - **Daily analysis** (日研判): [`Engine::daily_analysis`] ranks open cases by risk, with
//!   the reason for each score.
//! - **Weekly dispatch** (周调度): [`Engine::weekly_dispatch`] summarises an ISO week per unit,
//!   from the traces.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::deadline::{self, Standing};
use crate::dispute::{china_date, CaseCode, Flag, GroupSize, RiskColour, Urgency};
use crate::engine::{Engine, EngineError};
use crate::hierarchy::{DivisionCode, Level};
use crate::lifecycle::OperationKind;
use crate::routing::Grade;
use crate::staff::{Role, StaffId};
use crate::trace::Actor;

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
    fn insert(&mut self, staff: &str, report: ZeroReport) {
        let f = self.0.entry(staff.to_string()).or_default();
        f.all_well.remove(&report.date);
        f.detailed.remove(&report.date);
        if report.disputes.is_empty() && report.note.is_empty() {
            f.all_well.insert(report.date);
        } else {
            f.detailed.insert(report.date, report);
        }
    }

    fn get(&self, staff: &str, date: NaiveDate) -> Option<ZeroReport> {
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

    fn has(&self, staff: &str, date: NaiveDate) -> bool {
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
fn score(
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
    add(
        standing.index() as u32 * 10,
        standing.label_en().to_string(),
    );
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

impl Engine {
    /// Files a reporter's daily report. The actor must be a household head or a grid
    /// worker; a second report for the same day replaces the first (recorded as filed).
    pub fn file_report(&mut self, actor: &Actor, report: ZeroReport) -> Result<(), EngineError> {
        let Actor::Staff(id) = actor else {
            return Err(EngineError::Invalid(
                "zero reports are filed by staff".into(),
            ));
        };
        let s = self
            .staff(id)
            .ok_or_else(|| EngineError::UnknownStaff(id.clone()))?;
        if !matches!(s.role, Role::HouseholdHead | Role::GridWorker) {
            return Err(EngineError::Invalid(format!(
                "zero reports are filed by household heads and grid workers, not a {}",
                s.role.label_en()
            )));
        }
        for c in &report.disputes {
            self.case(c)?;
        }
        let id = id.clone();
        self.reports.insert(&id, report);
        Ok(())
    }

    /// The report a staff member filed for a day.
    pub fn report(&self, staff: &str, date: NaiveDate) -> Option<ZeroReport> {
        self.reports.get(staff, date)
    }

    /// The number of zero reports filed in all.
    pub fn report_count(&self) -> usize {
        self.reports.len()
    }

    /// Who in `within`'s subtree did not report on `date`, with their streak of missed
    /// working days. A rest day needs no report: asking about one returns nothing.
    pub fn missing_reports(
        &self,
        within: DivisionCode,
        date: NaiveDate,
    ) -> Result<Vec<MissingReport>, EngineError> {
        if !self.calendar().is_working_day(date)? {
            return Ok(Vec::new());
        }
        let h = self.hierarchy();
        let root = h.node(within)?;
        let mut out = Vec::new();
        for s in self.all_staff() {
            if !matches!(s.role, Role::HouseholdHead | Role::GridWorker) || !s.available {
                continue;
            }
            let Ok(n) = h.node(s.unit) else { continue };
            if !h.is_within_node(n, root) || h.unit_at(n).retired {
                continue;
            }
            let mut streak = 0;
            let mut day = date;
            // Walk back over working days until a report is found (at most a year).
            for _ in 0..366 {
                if self.calendar().is_working_day(day).unwrap_or(false) {
                    if self.reports.has(&s.id, day) {
                        break;
                    }
                    streak += 1;
                }
                match day.pred_opt() {
                    Some(d) if self.calendar().is_working_day(d).is_ok() => day = d,
                    _ => break,
                }
            }
            if streak > 0 {
                out.push(MissingReport {
                    unit: s.unit,
                    staff: s.id.clone(),
                    role: s.role,
                    streak,
                });
            }
        }
        out.sort_by(|a, b| b.streak.cmp(&a.streak).then_with(|| a.unit.cmp(&b.unit)));
        Ok(out)
    }

    /// 日研判: the open cases in `within`'s subtree that `actor` may see, most urgent first,
    /// each with its score and reasons.
    pub fn daily_analysis(
        &self,
        actor: &Actor,
        within: DivisionCode,
        now: DateTime<Utc>,
    ) -> Result<Vec<Ranked>, EngineError> {
        self.authorize_unit(actor, within, "daily_analysis", now)?;
        let h = self.hierarchy();
        let root = h.node(within)?;
        let rules = self.router().rule_set();
        let mut out: Vec<Ranked> = self
            .visible_cases(actor)
            .filter(|c| {
                c.dispute.state.is_open() || c.dispute.state == crate::lifecycle::State::Stabilised
            })
            .filter(|c| {
                h.node(c.dispute.input.location)
                    .is_ok_and(|n| h.is_within_node(n, root))
            })
            .map(|c| {
                let d = &c.dispute;
                let st = deadline::standing(d, self.calendar(), rules, now);
                let key = d.input.flags.has(Flag::KeyPerson)
                    || d.input.parties.iter().any(|p| match p {
                        crate::dispute::Party::Person(id) => {
                            self.person(id).is_some_and(|x| x.key_person.is_some())
                        }
                        _ => false,
                    });
                let (score, reasons) = score(
                    d.input.risk,
                    d.input.urgency,
                    st,
                    d.input.group_size(),
                    key,
                    d.input.flags.has(Flag::ViolenceRisk),
                    d.supervision,
                );
                Ranked {
                    case: d.code.clone(),
                    score,
                    reasons,
                }
            })
            .collect();
        out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.case.cmp(&b.case)));
        Ok(out)
    }

    /// 周调度: the ISO week containing `day`, per unit at `level` inside `within`.
    pub fn weekly_dispatch(
        &self,
        actor: &Actor,
        within: DivisionCode,
        level: Level,
        day: NaiveDate,
    ) -> Result<Vec<WeekRow>, EngineError> {
        let week = day.iso_week();
        let monday =
            NaiveDate::from_isoywd_opt(week.year(), week.week(), Weekday::Mon).expect("valid week");
        let sunday =
            NaiveDate::from_isoywd_opt(week.year(), week.week(), Weekday::Sun).expect("valid week");
        let end = crate::dispute::china_instant(sunday, 23, 59, 59).expect("valid time of day");
        self.authorize_unit(actor, within, "weekly_dispatch", end)?;
        let h = self.hierarchy();
        let root = h.node(within)?;
        let rules = self.router().rule_set();
        let mut rows: BTreeMap<DivisionCode, WeekRow> = BTreeMap::new();
        let mut ancestor: HashMap<_, Option<DivisionCode>> = HashMap::new();
        let in_week = |t: DateTime<Utc>| (monday..=sunday).contains(&china_date(t));
        for case in self.visible_cases(actor) {
            let d = &case.dispute;
            let Ok(loc) = h.node(d.input.location) else {
                continue;
            };
            if !h.is_within_node(loc, root) || china_date(d.registered_at) > sunday {
                continue;
            }
            let Some(unit) = *ancestor
                .entry(loc)
                .or_insert_with(|| h.ancestor_at_level(loc, level).map(|n| h.unit_at(n).code))
            else {
                continue;
            };
            let row = rows.entry(unit).or_insert_with(|| WeekRow {
                unit: Some(unit),
                unit_name: h.unit(unit).map(|u| u.name.to_string()).unwrap_or_default(),
                ..WeekRow::default()
            });
            for e in case.events.iter().filter(|e| in_week(e.at)) {
                match e.op.kind() {
                    OperationKind::Register => row.new += 1,
                    OperationKind::Resolve => row.resolved += 1,
                    OperationKind::Stabilise => row.stabilised += 1,
                    OperationKind::ReportUp => row.escalated += 1,
                    _ => {}
                }
            }
            // State at the end of the week, by replaying the events up to then.
            let upto: Vec<_> = case
                .events
                .iter()
                .filter(|e| e.at <= end)
                .cloned()
                .collect();
            if let Ok(then) = crate::trace::replay(&upto) {
                if deadline::status(&then, self.calendar(), rules, end).standing == Standing::Red {
                    row.overdue += 1;
                }
                if then.supervision.is_some()
                    && (then.state.is_open() || then.state == crate::lifecycle::State::Stabilised)
                {
                    row.supervised.push(then.code.clone());
                }
            }
        }
        Ok(rows.into_values().collect())
    }
}
