//! What a forger who can write the whole store does, for the tests that show signed heads
//! refusing it: change one case event, then recompute that event's hash, every later event
//! of the case and every later journal digest, so the chains verify again.

use fengqiao::dispute::CaseCode;
use fengqiao::journal::{self, Change, JournalEntry};
use fengqiao::lifecycle::Operation;
use fengqiao::trace::{Event, Hash};

/// Applies `change` to the first event of `case` it returns `true` for, re-chains
/// everything after it from `origin`, and returns the sequence numbers of the journal
/// entries whose content or digest changed (none if `change` matched no event).
pub fn rechain(
    origin: Hash,
    entries: &mut [JournalEntry],
    case: &CaseCode,
    mut change: impl FnMut(&mut Operation) -> bool,
) -> Vec<u64> {
    let mut prev: Option<Event> = None;
    let mut digest = origin;
    let mut forging = false;
    let mut touched = Vec::new();
    for entry in entries.iter_mut() {
        if let Change::Event(e) = &mut entry.change {
            if &e.case == case {
                if !forging && change(&mut e.op) {
                    forging = true;
                }
                if forging {
                    e.prev = prev.as_ref().map_or(Hash::GENESIS, |p| p.hash);
                    e.hash = e.compute_hash();
                }
                prev = Some(e.clone());
            }
        }
        digest = journal::chain(&digest, &entry.change);
        if forging {
            entry.digest = digest;
            touched.push(entry.seq);
        }
    }
    touched
}
