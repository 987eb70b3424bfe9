//! The engine's side of time limits: local calendars (特色日历) as journaled world data, and
//! the assessment (考核) over the cases an actor may see.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::assessment::{Assessment, AssessmentCounts, AssessmentQuery, AssessmentRow};
use crate::calendar::{china_date, LocalCalendar};
use crate::engine::{Engine, EngineError};
use crate::lifecycle::{ExtensionStatus, Operation};
use crate::routing::Grade;
use crate::trace::Actor;

impl Engine {
    /// Sets a unit's local calendar (特色日历) over the national one, or removes it (no
    /// days). Checked first — the unit exists; the calendar contradicts neither itself nor
    /// the national calendar ([`LocalCalendar::check`]) — and on error nothing changes.
    /// The due days of every case change with it; the journal records it.
    ///
    /// ```
    /// # use fengqiao::engine::Engine;
    /// # use fengqiao::calendar::{LocalCalendar, LocalDay};
    /// # let mut engine = Engine::from_world(fengqiao_synth_free_world())?;
    /// # fn fengqiao_synth_free_world() -> fengqiao::engine::WorldData {
    /// #   serde_json::from_str(r#"{"hierarchy": {"units": [{"code": "522301000000", "name": "兴义市", "kind": "county"}]}}"#).unwrap() }
    /// let county = "522301000000".parse()?;
    /// engine.set_local_calendar(LocalCalendar {
    ///     unit: county,
    ///     source: "县政府通知".into(),
    ///     days_off: vec![LocalDay { date: "2026-04-20".parse()?, name: "三月三".into() }],
    ///     working_days: vec![],
    /// })?;
    /// assert!(!engine.calendar().at(county).is_working_day("2026-04-20".parse()?)?);
    /// // A day listed twice is refused, naming it; nothing changes.
    /// let twice = LocalDay { date: "2026-04-21".parse()?, name: String::new() };
    /// let err = engine.set_local_calendar(LocalCalendar {
    ///     unit: county, source: String::new(),
    ///     days_off: vec![twice.clone(), twice], working_days: vec![],
    /// }).unwrap_err();
    /// assert!(err.to_string().contains("2026-04-21"));
    /// assert_eq!(engine.local_calendars().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_local_calendar(&mut self, local: LocalCalendar) -> Result<(), EngineError> {
        self.hierarchy.unit(local.unit)?;
        // `set_local` checks before it changes anything.
        self.calendar
            .set_local(local.clone(), &self.hierarchy.scheme())?;
        self.refresh_ledger();
        self.journal_change(crate::journal::Change::LocalCalendarSet(local));
        Ok(())
    }

    /// The local calendars, by unit.
    pub fn local_calendars(&self) -> impl Iterator<Item = &LocalCalendar> {
        self.calendar.locals()
    }

    /// The assessment (考核) of the units at `query.level` over `query.from..=query.to`,
    /// over the cases `actor` may see, judged at `as_of`; see [`crate::assessment`] for what
    /// is counted. Weights: the query's, else the rule set's in force.
    pub(crate) fn assessment(
        &self,
        actor: &Actor,
        query: &AssessmentQuery,
        as_of: DateTime<Utc>,
    ) -> Result<Assessment, EngineError> {
        self.actor_kind(actor)?;
        if query.from > query.to {
            return Err(EngineError::BadPeriod {
                from: query.from,
                to: query.to,
            });
        }
        let h = &self.hierarchy;
        let scope = match query.within {
            Some(u) => {
                self.authorize_unit(actor, u, "assessment", as_of)?;
                Some(h.resolve(u)?)
            }
            None => None,
        };
        let current = self.router.rule_set();
        let weights = query.weights.unwrap_or(current.time_limits.assessment);
        let today = china_date(as_of);
        let (from, to) = (query.from, query.to.min(today));
        let inside = |day: chrono::NaiveDate| from <= day && day <= to;
        let mut rows: BTreeMap<crate::hierarchy::DivisionCode, AssessmentCounts> = BTreeMap::new();
        for case in self.visible_cases(actor) {
            let d = &case.dispute;
            let handling = h.current_code(d.handling_unit);
            if scope.is_some_and(|s| !h.is_within(handling, s).unwrap_or(false)) {
                continue;
            }
            let unit = h
                .node(handling)
                .ok()
                .and_then(|n| h.ancestor_at_level(n, query.level))
                .map_or(handling, |n| h.unit_at(n).code);
            let mut c = AssessmentCounts {
                cases: u64::from(inside(china_date(d.registered_at))),
                ..Default::default()
            };
            for ev in case.events.iter().filter(|e| inside(china_date(e.at))) {
                match &ev.op {
                    Operation::Supervise { grade, .. } => match grade {
                        Grade::YellowCard => c.yellow_cards += 1,
                        Grade::RedCard => c.red_cards += 1,
                        Grade::Ordinary => {}
                    },
                    Operation::RequestExtension { .. } => c.extensions_requested += 1,
                    Operation::Suspend { .. } => c.suspensions += 1,
                    _ => {}
                }
            }
            for e in d.extensions.iter().filter(|e| {
                e.status == ExtensionStatus::Approved
                    && e.decided_at.is_some_and(|t| inside(china_date(t)))
            }) {
                c.extensions_granted += 1;
                c.extension_days += u64::from(e.granted);
            }
            let rules = super::journal::rules_for(&self.rule_sets, current, d);
            let red = crate::deadline::red_days(d, &self.calendar, rules);
            c.overdue = u64::from(red.iter().flatten().any(|&day| inside(day)));
            if c != AssessmentCounts::default() {
                rows.entry(unit).or_default().add(&c);
            }
        }
        let mut total = AssessmentCounts::default();
        let rows = rows
            .into_iter()
            .map(|(unit, counts)| {
                total.add(&counts);
                AssessmentRow {
                    unit,
                    unit_name: h.unit(unit).map(|u| u.name.to_string()).unwrap_or_default(),
                    score: counts.score(&weights),
                    counts,
                }
            })
            .collect();
        Ok(Assessment {
            query: query.clone(),
            as_of,
            weights,
            rows,
            total,
        })
    }
}
