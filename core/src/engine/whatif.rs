//! The engine's side of what-if (see [`crate::whatif`]): a history replayed under two rule
//! sets in this world.

use crate::deadline::Standing;
use crate::engine::{Engine, EngineError};
use crate::hierarchy::Level;
use crate::routing::{Decision, Router, RuleSet};
use crate::whatif::*;

impl Engine {
    /// Replays `history` under two rule sets (both validated against this world first) and
    /// compares them. Changes nothing in the engine.
    pub fn what_if(
        &self,
        history: &[HistoricalDispute],
        a: RuleSet,
        b: RuleSet,
    ) -> Result<Comparison, EngineError> {
        let schema = self.schema();
        let ra = Router::new(a, Some(&schema)).map_err(EngineError::Rules)?;
        let rb = Router::new(b, Some(&schema)).map_err(EngineError::Rules)?;
        let (oa, da) = self.replay_under(&ra, history);
        let (ob, db) = self.replay_under(&rb, history);
        let changed = history
            .iter()
            .zip(da.into_iter().zip(db))
            .filter_map(|(h, pair)| match pair {
                (Some(x), Some(y)) if !same_routing(&x, &y) => Some(Change {
                    id: h.id.clone(),
                    a: Box::new(x),
                    b: Box::new(y),
                }),
                _ => None,
            })
            .collect();
        Ok(Comparison {
            a: oa,
            b: ob,
            changed,
        })
    }

    fn replay_under(
        &self,
        router: &Router,
        history: &[HistoricalDispute],
    ) -> (Outcomes, Vec<Option<Decision>>) {
        let mut staff = self.all_staff().to_vec();
        let index: std::collections::HashMap<&str, usize> = self
            .all_staff()
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let base = self.world();
        let mut o = Outcomes {
            rule_set: router.rule_set().label(),
            ..Outcomes::default()
        };
        let mut decisions = Vec::with_capacity(history.len());
        for h in history {
            let world = crate::routing::World {
                staff: &staff,
                ..base
            };
            let Ok(d) = router.decide(&h.input, &world) else {
                o.failed += 1;
                decisions.push(None);
                continue;
            };
            o.routed += 1;
            *o.levels.entry(d.level).or_default() += 1;
            for m in &d.team {
                *o.load.entry(m.staff.clone()).or_default() += 1;
                if let Some(&i) = index.get(m.staff.as_str()) {
                    staff[i].active_cases += 1;
                }
            }
            o.unfilled += d.unfilled.len() as u32;
            o.with_agencies += u32::from(d.agencies.iter().any(|a| a.agency.is_some()));
            o.joint += u32::from(d.is_joint());
            match predicted(self.calendar(), &d, h) {
                Standing::Yellow => o.predicted_yellow += 1,
                Standing::Red => o.predicted_red += 1,
                Standing::OnTime | Standing::Warning => {}
            }
            decisions.push(Some(d));
        }
        let n = o.routed.max(1) as f64;
        let count = |pred: fn(Level) -> bool| {
            o.levels
                .iter()
                .filter(|(l, _)| pred(**l))
                .map(|(_, c)| *c)
                .sum::<u32>()
        };
        o.community_rate = count(|l| l >= Level::Community) as f64 / n;
        o.street_rate = count(|l| l >= Level::Street) as f64 / n;
        let loads: Vec<f64> = o.load.values().map(|&v| v as f64).collect();
        o.load_max = o.load.values().copied().max().unwrap_or(0);
        if !loads.is_empty() {
            let sum: f64 = loads.iter().fold(0.0, |a, b| a + b);
            let sq: f64 = loads.iter().fold(0.0, |a, b| a + b * b);
            o.load_mean = sum / loads.len() as f64;
            o.load_fairness = sum * sum / (loads.len() as f64 * sq);
        }
        (o, decisions)
    }
}
