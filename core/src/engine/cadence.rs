//! The engine's side of the reporting cadence (see [`crate::cadence`]): filing zero
//! reports, missing reports, daily analysis and weekly dispatch over the engine's cases.

use crate::cadence::*;
use crate::calendar::china_date;
use crate::deadline::{self, Standing};
use crate::dispute::Flag;
use crate::engine::{Engine, EngineError};
use crate::hierarchy::{DivisionCode, Level};
use crate::lifecycle::OperationKind;
use crate::staff::Role;
use crate::trace::Actor;
use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use std::collections::{BTreeMap, HashMap};

impl Engine {
    /// Files a reporter's daily report. The actor must be a household head or a grid
    /// worker; a second report for the same day replaces the first (recorded as filed).
    pub fn file_report(&mut self, actor: &Actor, report: ZeroReport) -> Result<(), EngineError> {
        let Actor::Staff(id) = actor else {
            return Err(EngineError::NotAReporter {
                actor: actor.to_string(),
            });
        };
        let s = self
            .staff(id)
            .ok_or_else(|| EngineError::UnknownStaff(id.clone()))?;
        if !matches!(s.role, Role::HouseholdHead | Role::GridWorker) {
            return Err(EngineError::NotAReporter {
                actor: format!("{actor} (a {})", s.role.label_en()),
            });
        }
        for c in &report.disputes {
            self.case(c)?;
        }
        let id = id.clone();
        self.reports.insert(&id, report.clone());
        self.journal_change(crate::journal::Change::ReportFiled { staff: id, report });
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
    pub(crate) fn missing_reports(
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
    pub(crate) fn daily_analysis(
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
    pub(crate) fn weekly_dispatch(
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
        let end = crate::calendar::china_instant(sunday, 23, 59, 59).expect("valid time of day");
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
