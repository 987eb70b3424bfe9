//! The engine's side of statistics (see [`crate::stats`]): a query over the cases an actor
//! may see, answered from the ledger.

use crate::calendar::china_date;
use crate::deadline::Standing;
use crate::engine::{Engine, EngineError};
use crate::hierarchy::DivisionCode;
use crate::stats::ledger::{Keyed, Tally};
use crate::stats::*;
use crate::trace::Actor;
use chrono::{DateTime, Datelike, Utc};
use std::collections::{BTreeMap, HashMap};

impl Engine {
    /// Counts the cases `actor` may see, as `query` asks, at `as_of`.
    ///
    /// Reads the statistics ledger (one small entry per case, kept current by the engine),
    /// not the case records: when `actor` sees every case in the query's scope (the
    /// system, or staff and agencies asking `within` their own area) the whole roll-up is
    /// one pass over a dense array. Otherwise the cases are filtered one by one by what the
    /// actor may see, then read the same way.
    pub(crate) fn statistics(
        &self,
        actor: &Actor,
        query: &Query,
        as_of: DateTime<Utc>,
    ) -> Result<Report, EngineError> {
        self.actor_kind(actor)?;
        let h = self.hierarchy();
        let scope = match query.within {
            Some(u) => {
                self.authorize_unit(actor, u, "statistics", as_of)?;
                Some(h.resolve(u)?)
            }
            None => None,
        };
        let scheme = h.scheme();
        let today = china_date(as_of);
        let sees_scope = *actor == Actor::System
            || scope.is_some_and(|s| {
                self.actor_units(actor)
                    .into_iter()
                    .any(|a| h.is_within(s, a).unwrap_or(false))
            });
        // First pass: per (unit at the level, category, period). Places are handled by
        // their codes, which encode the tree: a unit's ancestor at any level is arithmetic,
        // so no case walks the graph, and the map holds one entry per row, not per place.
        // Keyed by the key packed into one integer (the unit's code value: all units at one
        // level have the same number of digits), which hashes and compares in a few
        // instructions; the full key rides along.
        let mut leaves: HashMap<u128, (Key, Tally), Keyed> = HashMap::default();
        // Inside the scope ⇔ the code starts with the scope's significant digits (a unit's
        // last significant part is never zero, so no unit above the scope matches).
        let scope_prefix =
            scope.and_then(|s| s.prefix(scheme.significant_digits(scheme.level_of(s))));
        let (mut undecided, mut bounded_red, mut unjudged) = (0u64, 0u64, 0u64);
        let mut count = |e: &Entry| {
            if query.from.is_some_and(|f| e.day < f) || query.to.is_some_and(|t| e.day > t) {
                return;
            }
            let loc = h.current_code(e.location);
            if scope_prefix.is_some_and(|p| !loc.starts_with(p)) {
                return;
            }
            let unit = match query.by_level {
                Some(level) => match scheme.ancestor_code(loc, level) {
                    Some(u) => Some(u),
                    None => return, // located above the level asked for
                },
                None => None,
            };
            let (standing, disagree) = e.standing(today);
            undecided += u64::from(disagree);
            bounded_red += u64::from(e.bounded() && standing == Standing::Red);
            unjudged += u64::from(e.unjudged());
            let handled_at = scheme.level_of(h.current_code(e.handling));
            let category = query.by_category.then_some(e.category);
            let period = query.by_period.map(|p| p.start(e.day));
            let packed = (unit.map_or(0, |u| u.value()) as u128) << 64
                | (category.map_or(0, |c| c.index() + 1) as u128) << 32
                | period.map_or(0, |d| d.num_days_from_ce() as u32) as u128;
            let (_, tally) = leaves
                .entry(packed)
                .or_insert_with(|| ((unit, category, period), Tally::default()));
            e.add_to(tally, standing, handled_at);
        };
        if sees_scope {
            self.ledger.entries().iter().for_each(&mut count);
        } else {
            self.visible_cases(actor)
                .for_each(|c| count(self.ledger.get(c.slot)));
        }
        // Rows: only units the hierarchy has (each checked once).
        let mut exists: HashMap<DivisionCode, bool, Keyed> = HashMap::default();
        let mut rows: BTreeMap<Key, Counts> = BTreeMap::new();
        let mut total = Counts::default();
        for (key, t) in leaves.into_values() {
            let c = t.counts();
            if let (Some(unit), Some(level)) = (key.0, query.by_level) {
                let known = *exists
                    .entry(unit)
                    .or_insert_with(|| h.ancestor_code_at_level(unit, level).is_some());
                if !known {
                    continue;
                }
            }
            rows.entry(key).or_default().add(&c);
            total.add(&c);
        }
        let row = |(unit, category, period): Key, counts: Counts| Row {
            unit_name: unit
                .and_then(|u| h.unit(u).ok())
                .map(|u| u.name.to_string())
                .unwrap_or_default(),
            unit,
            category,
            period: period.zip(query.by_period).map(|(d, p)| p.label(d)),
            rates: counts.rates(),
            counts,
        };
        let mut warnings = Vec::new();
        if bounded_red > 0 {
            warnings.push(format!(
                "{bounded_red} case(s) whose limit runs into a year the calendar does not know are counted overdue: they are past the latest red day any holiday notice can give (every weekend and {} weekdays of that year off)",
                crate::period::MOST_WEEKDAYS_OFF_A_YEAR
            ));
        }
        if undecided > 0 || unjudged > 0 {
            warnings.push(format!(
                "{undecided} case(s) have a time limit, and {unjudged} a result, that holiday notices for a year the calendar does not know could put either side of a threshold: counted at the least standing and not judged on time or late; load the year's holiday notice"
            ));
        }
        Ok(Report {
            query: query.clone(),
            as_of,
            rows: rows.into_iter().map(|(k, c)| row(k, c)).collect(),
            total: row((None, None, None), total),
            warnings,
        })
    }
}
