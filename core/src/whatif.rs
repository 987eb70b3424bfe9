//! What-if replay ("benchmarking routing rules"): run a set of historical disputes through
//! two rule sets in the same world and compare what would have happened — handling levels,
//! the share kept in the community (小事不出社区), load per staff member, agency
//! involvement, predicted yellow/red counts — and list every dispute whose routing changes,
//! with both explanations.
//!
//! Each replay starts from the staff's present load and adds every assignment it makes, so
//! least-loaded selection behaves as it would have over the period.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::deadline::Standing;
use crate::dispute::{china_date, DisputeInput};
use crate::engine::{Engine, EngineError};
use crate::hierarchy::Level;
use crate::routing::{Decision, Router, RuleSet};
use crate::staff::StaffId;

/// A dispute from the past, with when it was registered and when it reached a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HistoricalDispute {
    /// An identifier (the old case code).
    pub id: String,
    /// The dispute as registered.
    pub input: DisputeInput,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// When it reached a result (resolved, stabilised …), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_at: Option<DateTime<Utc>>,
}

/// What one rule set would have done with the whole set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Outcomes {
    /// `id@version`.
    pub rule_set: String,
    /// Disputes routed.
    pub routed: u32,
    /// Disputes that could not be routed (unknown location …).
    pub failed: u32,
    /// Handling-level distribution.
    pub levels: BTreeMap<Level, u32>,
    /// Share handled at grid or community level (小事不出社区).
    pub community_rate: f64,
    /// Share handled at street level or below (大事不出街道).
    pub street_rate: f64,
    /// Assignments per staff member.
    pub load: BTreeMap<StaffId, u32>,
    /// The largest load.
    pub load_max: u32,
    /// The mean load over staff with at least one assignment.
    pub load_mean: f64,
    /// Jain's fairness index of the loads, 1.0 = perfectly even.
    pub load_fairness: f64,
    /// Disputes joined by at least one agency.
    pub with_agencies: u32,
    /// Disputes handled by the joint mechanism (公安+司法+法院+综治).
    pub joint: u32,
    /// Disputes whose result came after the yellow limit (but not the red).
    pub predicted_yellow: u32,
    /// Disputes whose result came after the red limit, or that never reached one.
    pub predicted_red: u32,
    /// Roles no one could fill, counted.
    pub unfilled: u32,
}

/// A dispute routed differently by the two rule sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    /// The dispute's id.
    pub id: String,
    /// What rule set A decided.
    pub a: Box<Decision>,
    /// What rule set B decided.
    pub b: Box<Decision>,
}

/// The comparison of two rule sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// Rule set A's outcomes.
    pub a: Outcomes,
    /// Rule set B's outcomes.
    pub b: Outcomes,
    /// Disputes whose level, unit, team roles or agencies differ.
    pub changed: Vec<Change>,
}

fn same_routing(x: &Decision, y: &Decision) -> bool {
    let roles = |d: &Decision| d.team.iter().map(|m| m.role).collect::<Vec<_>>();
    let kinds = |d: &Decision| d.agencies.iter().map(|a| a.kind).collect::<Vec<_>>();
    x.level == y.level && x.unit == y.unit && roles(x) == roles(y) && kinds(x) == kinds(y)
}

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
            match predicted(self, &d, h) {
                Standing::Yellow => o.predicted_yellow += 1,
                Standing::Red => o.predicted_red += 1,
                Standing::OnTime => {}
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

/// Where the dispute's actual result time stands against the handling limit of `d`
/// (registration to result; no result counts as red).
fn predicted(engine: &Engine, d: &Decision, h: &HistoricalDispute) -> Standing {
    let Some(limit) = d.deadlines.handle else {
        return Standing::OnTime;
    };
    let Some(done) = h.result_at else {
        return Standing::Red;
    };
    crate::deadline::stand(
        engine.calendar(),
        china_date(h.registered_at),
        limit,
        china_date(done),
    )
    .map_or(Standing::OnTime, |(_, standing)| standing)
}
