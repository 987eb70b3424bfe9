//! What each set of matched rules decides, computed once per rule set and shared.
//!
//! A rule set is data that does not change once compiled, and the disputes a county routes
//! match few distinct sets of its rules (the shipped seventeen `collect` rules: a few dozen
//! sets over a county's caseload). Merging the matched rules' outcomes afresh for every
//! dispute built the same team, agency and escalation lists again and again — it cost more
//! than matching them (benches/zen; issue 37). So the outcome of each set is merged once,
//! on first use, and handed out as a shared [`Arc`]: under `first` each rule's outcome with
//! the defaults filled in is ready from the start; under `collect` the merged outcome of
//! each matched set is kept, keyed by a bit per rule.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::model::{HitPolicy, Outcome, RuleSet};
// The roll-up's multiplicative hasher: the keys are the rule set's own bits, not outside
// input, and SipHash's rounds would cost as much as the rest of the lookup.
use crate::stats::ledger::Keyed;

/// At most this many merged outcomes are kept per rule set (each a few hundred bytes): a
/// rule set whose matches keep producing new sets — possible in principle, 2ⁿ of n rules —
/// stops keeping them and merges those afresh, as before, so memory stays bounded.
pub(crate) const MERGED_KEPT: usize = 4_096;

/// Collect sets are keyed by a bit per rule index: rule sets of more rules merge afresh
/// (the shipped set has 17; a table of 128 `collect` rules is already far past practice).
const KEYED_RULES: usize = 128;

/// The outcomes of a compiled rule set: see the module's documentation.
pub(crate) struct Outcomes {
    /// Under `first`: rule index → its outcome, defaults filled in. Empty under `collect`.
    first: Vec<Arc<Outcome>>,
    /// The defaults alone: what decides when no rule matched.
    defaults: Arc<Outcome>,
    /// Under `collect`: matched set (a bit per rule index) → merged outcome, defaults
    /// filled in. Filled on first use; a read lock on the hot path.
    merged: RwLock<HashMap<u128, Arc<Outcome>, Keyed>>,
}

impl Outcomes {
    /// Prepares the outcomes of `set`.
    pub(crate) fn new(set: &RuleSet) -> Outcomes {
        let first = match set.hit_policy {
            HitPolicy::First => set
                .rules
                .iter()
                .map(|r| Arc::new(r.then.or_defaults(&set.defaults)))
                .collect(),
            HitPolicy::Collect => Vec::new(),
        };
        Outcomes {
            first,
            defaults: Arc::new(set.defaults.clone()),
            merged: RwLock::default(),
        }
    }

    /// The combined outcome of `matched` (rule indices in evaluation order) under the set's
    /// hit policy, defaults filled in.
    pub(crate) fn of(&self, set: &RuleSet, matched: &[usize]) -> Arc<Outcome> {
        match set.hit_policy {
            HitPolicy::First => matched
                .first()
                .map_or_else(|| self.defaults.clone(), |&i| self.first[i].clone()),
            HitPolicy::Collect => {
                if matched.is_empty() {
                    return self.defaults.clone();
                }
                let Some(key) = key(matched) else {
                    return Arc::new(merge(set, matched));
                };
                // A poisoned lock only means a thread panicked while inserting: the map
                // itself is intact (an insert does not leave it half done), so read on.
                let known = self
                    .merged
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&key)
                    .cloned();
                if let Some(o) = known {
                    return o;
                }
                let o = Arc::new(merge(set, matched));
                let mut kept = self.merged.write().unwrap_or_else(|e| e.into_inner());
                if kept.len() < MERGED_KEPT {
                    kept.entry(key).or_insert_with(|| o.clone());
                }
                o
            }
        }
    }

    /// How many merged outcomes are kept (for tests of the bound).
    #[cfg(test)]
    pub(crate) fn kept(&self) -> usize {
        self.merged.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A copy starts with the outcomes already merged: the rule set is the same.
impl Clone for Outcomes {
    fn clone(&self) -> Outcomes {
        let merged = self
            .merged
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        Outcomes {
            first: self.first.clone(),
            defaults: self.defaults.clone(),
            merged: RwLock::new(merged),
        }
    }
}

impl std::fmt::Debug for Outcomes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcomes")
            .field("first", &self.first.len())
            .field(
                "merged",
                &self.merged.read().unwrap_or_else(|e| e.into_inner()).len(),
            )
            .finish()
    }
}

/// The `collect` merge itself: every matched rule's outcome, then the defaults.
fn merge(set: &RuleSet, matched: &[usize]) -> Outcome {
    let mut o = Outcome::default();
    for &i in matched {
        o.merge(&set.rules[i].then);
    }
    o.with_defaults(&set.defaults)
}

/// A bit per matched rule index, or `None` past [`KEYED_RULES`] or out of file order. Under
/// `collect` the rules are evaluated in file order, so `matching` gives each set in one
/// order; a caller's other order merges afresh (the merged lists keep the order merged in).
fn key(matched: &[usize]) -> Option<u128> {
    // One pass: each index below the key's width and above the one before.
    let mut key = 0u128;
    let mut next = 0;
    for &i in matched {
        if i < next || i >= KEYED_RULES {
            return None;
        }
        key |= 1u128 << i;
        next = i + 1;
    }
    Some(key)
}
