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

use crate::calendar::china_date;
use crate::calendar::Calendar;
use crate::deadline::Standing;
use crate::dispute::DisputeInput;
use crate::hierarchy::Level;
use crate::routing::Decision;
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

pub(crate) fn same_routing(x: &Decision, y: &Decision) -> bool {
    let roles = |d: &Decision| d.team.iter().map(|m| m.role).collect::<Vec<_>>();
    let kinds = |d: &Decision| d.agencies.iter().map(|a| a.kind).collect::<Vec<_>>();
    x.level == y.level && x.unit == y.unit && roles(x) == roles(y) && kinds(x) == kinds(y)
}

/// Where a dispute's actual result time stands against the handling limit of `d`
/// (registration to result, on the working days of the decision's handling unit; no result
/// counts as red).
pub fn predicted(calendar: &Calendar, d: &Decision, h: &HistoricalDispute) -> Standing {
    let Some(limit) = d.deadlines.handle else {
        return Standing::OnTime;
    };
    let Some(done) = h.result_at else {
        return Standing::Red;
    };
    crate::deadline::stand(
        calendar.at(d.unit),
        china_date(h.registered_at),
        limit,
        crate::routing::TimeLimits::default().warning_percent,
        china_date(done),
    )
    .map_or(Standing::OnTime, |(_, standing)| standing)
}
