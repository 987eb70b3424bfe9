//! The engine's side of the journal (see [`crate::journal`]): recording every accepted
//! change, reading entries after a position, snapshots, and restoring an engine from a
//! world document and its stored entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Engine, EngineError};
use crate::journal::{
    self, Change, JournalEntry, JournalError, JournalProblem, RulesLoaded, Snapshot, FORMAT,
};
use crate::lifecycle;
use crate::routing::RuleSet;
use crate::trace::{Actor, Hash};

/// What the engine keeps of its journal: one small record per entry (a case event is
/// referenced where it already lives, in its case's trace) and the digest after it.
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    origin: Hash,
    /// The sequence number before the first record (a snapshot's, or 0).
    base_seq: u64,
    /// The digest at `base_seq`.
    base_digest: Hash,
    records: Vec<Record>,
    digests: Vec<Hash>,
    /// While a restore replays an entry: the methods it calls do not record it again (the
    /// entry, its digest verified, is recorded once).
    pub(super) replaying: bool,
    /// The sequence number a restore from a snapshot started at (0: none): entries up to
    /// it were never held; those between it and `base_seq` were released by the host.
    restored_at: u64,
}

#[derive(Debug, Clone)]
enum Record {
    Event { slot: u32, index: u32 },
    Change(Box<Change>),
}

impl Journal {
    pub(crate) fn new(origin: Hash) -> Journal {
        Journal::at(origin, 0, origin)
    }

    pub(super) fn at(origin: Hash, base_seq: u64, base_digest: Hash) -> Journal {
        Journal {
            origin,
            base_seq,
            base_digest,
            records: Vec::new(),
            digests: Vec::new(),
            replaying: false,
            restored_at: base_seq,
        }
    }

    fn seq(&self) -> u64 {
        self.base_seq + self.records.len() as u64
    }

    pub(super) fn digest(&self) -> Hash {
        self.digests.last().copied().unwrap_or(self.base_digest)
    }

    pub(super) fn push_event(&mut self, slot: u32, index: u32, hash: Hash) {
        let digest = chain_event(&self.digest(), &hash);
        self.records.push(Record::Event { slot, index });
        self.digests.push(digest);
    }

    fn push(&mut self, change: Change) {
        if self.replaying {
            return;
        }
        let digest = journal::chain(&self.digest(), &change);
        self.records.push(Record::Change(Box::new(change)));
        self.digests.push(digest);
    }

    /// Drops the records up to and including `seq` (they are stored by the host).
    fn release(&mut self, seq: u64) {
        let n = seq
            .saturating_sub(self.base_seq)
            .min(self.records.len() as u64) as usize;
        if n == 0 {
            return;
        }
        self.base_digest = self.digests[n - 1];
        self.base_seq += n as u64;
        self.records.drain(..n);
        self.digests.drain(..n);
        // Give the room back: a host releases what it stored, usually everything, and a
        // drained vector keeps its capacity — the released journal held its memory (issue
        // 37). Kept room is at most twice what is held, so appends do not regrow each time.
        shrink_room(&mut self.records);
        shrink_room(&mut self.digests);
    }

    /// The ledger slots (below `slots`) of the case events recorded after `seq`, each once.
    pub(super) fn event_slots_after(&self, seq: u64, slots: usize) -> Vec<u32> {
        let from = seq.saturating_sub(self.base_seq) as usize;
        let Some(records) = self.records.get(from..).filter(|r| !r.is_empty()) else {
            return Vec::new();
        };
        // Marks rather than a sort: the WebAssembly module carries no sort for this.
        let mut seen = vec![false; slots];
        let mut found = Vec::new();
        for r in records {
            if let Record::Event { slot, .. } = r {
                if !std::mem::replace(&mut seen[*slot as usize], true) {
                    found.push(*slot);
                }
            }
        }
        found
    }

    /// Appends a change whose digest was verified already (restore).
    pub(super) fn push_verified(&mut self, change: Change, digest: Hash) {
        self.records.push(Record::Change(Box::new(change)));
        self.digests.push(digest);
    }
}

/// Frees a vector's room beyond twice its length (all of it when it is empty).
fn shrink_room<T>(v: &mut Vec<T>) {
    if v.is_empty() {
        *v = Vec::new();
    } else if v.capacity() > 2 * v.len() {
        v.shrink_to(2 * v.len());
    }
}

/// [`journal::chain`] for a case event, from its hash alone (no clone of the event).
pub(super) fn chain_event(prev: &Hash, hash: &Hash) -> Hash {
    use sm3::{Digest, Sm3};
    let mut h = Sm3::new();
    h.update(prev.0);
    h.update(b"E");
    h.update(hash.0);
    Hash(h.finalize().into())
}

/// The journal behind a mutex: a refused *read* (`&Engine`) is a change the journal keeps.
#[derive(Debug)]
pub(crate) struct JournalCell(Mutex<Journal>);

impl JournalCell {
    pub(crate) fn new(origin: Hash) -> JournalCell {
        JournalCell(Mutex::new(Journal::new(origin)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn get_mut(&mut self) -> &mut Journal {
        self.0.get_mut().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clone for JournalCell {
    fn clone(&self) -> Self {
        JournalCell(Mutex::new(self.lock().clone()))
    }
}

/// The rule set a case's deadlines, windows and outcomes follow: the version that decided
/// it (kept as long as the engine lives), or the current one while it is not routed.
pub(crate) fn rules_for<'a>(
    versions: &'a HashMap<String, Arc<RuleSet>>,
    current: &'a RuleSet,
    d: &lifecycle::Dispute,
) -> &'a RuleSet {
    d.routing
        .as_ref()
        .and_then(|r| versions.get(&r.rule_set))
        .map_or(current, |s| s.as_ref())
}

pub(super) fn refused(
    seq: u64,
    problem: JournalProblem,
    message: impl Into<String>,
) -> JournalError {
    JournalError {
        seq,
        case: None,
        case_seq: None,
        problem,
        message: message.into(),
    }
}

impl Engine {
    /// Records a change in the journal (after the engine accepted it).
    pub(crate) fn journal_change(&mut self, change: Change) {
        self.journal.get_mut().push(change);
    }

    /// Records a change from a read (a denial).
    pub(crate) fn journal_change_shared(&self, change: Change) {
        self.journal.lock().push(change);
    }

    /// Records a case's event `index` (0-based) in the journal.
    pub(crate) fn journal_event(&mut self, slot: u32, index: usize, hash: Hash) {
        self.journal.get_mut().push_event(slot, index as u32, hash);
    }

    /// Starts the journal afresh at `origin` (a new engine: its world is the origin).
    pub(crate) fn reset_journal(&mut self, origin: Hash) {
        *self.journal.get_mut() = Journal::new(origin);
    }

    /// The sequence number of the last journal entry (0 before any change).
    pub fn journal_seq(&self) -> u64 {
        self.journal.lock().seq()
    }

    /// The journal's digest at its last entry: keep it apart from the entries (or sign it)
    /// to detect a journal rewritten as a whole.
    pub fn journal_digest(&self) -> Hash {
        self.journal.lock().digest()
    }

    /// The digest of the world document the journal starts from.
    pub fn journal_origin(&self) -> Hash {
        self.journal.lock().origin
    }

    /// A case's head: the hash of its last event. Keep it apart from the events (or sign
    /// it) to detect a trace rewritten and re-chained as a whole.
    pub fn head(&self, code: &crate::dispute::CaseCode) -> Result<Hash, EngineError> {
        Ok(self.case(code)?.head())
    }

    /// The journal entries after `after`, at most `max` of them, oldest first. Entries
    /// before a snapshot the engine was restored from are not held.
    pub fn journal(&self, after: u64, max: usize) -> Result<Vec<JournalEntry>, EngineError> {
        let j = self.journal.lock();
        if after < j.base_seq {
            return Err(EngineError::Journal(refused(
                after + 1,
                JournalProblem::Unavailable,
                if j.base_seq > j.restored_at {
                    format!(
                        "the engine holds the journal from entry {} on: entries up to {} were released (Engine::release_journal) — store entries before releasing them, and read released ones from your store",
                        j.base_seq + 1,
                        j.base_seq
                    )
                } else {
                    format!(
                        "the engine holds the journal from entry {} on (it was restored from a snapshot at {}); read the earlier entries from your store",
                        j.base_seq + 1,
                        j.base_seq
                    )
                },
            )));
        }
        let start = (after - j.base_seq) as usize;
        let end = start.saturating_add(max).min(j.records.len());
        let mut out = Vec::with_capacity(end.saturating_sub(start));
        for i in start..end {
            let change = match &j.records[i] {
                Record::Event { slot, index } => {
                    let code = &self.codes[*slot as usize];
                    Change::Event(self.cases[code].events[*index as usize].clone())
                }
                Record::Change(c) => (**c).clone(),
            };
            out.push(JournalEntry {
                v: FORMAT,
                seq: j.base_seq + i as u64 + 1,
                digest: j.digests[i],
                change,
            });
        }
        Ok(out)
    }

    /// Lets the engine forget the journal entries up to and including `seq`, once the host
    /// has stored them (an outbox acknowledged): an engine that runs for years keeps only
    /// what is not yet stored. Reading entries before `seq` afterwards is refused
    /// ([`JournalProblem::Unavailable`]); the digests and sequence numbers go on unchanged.
    pub fn release_journal(&mut self, seq: u64) {
        self.journal.get_mut().release(seq);
    }

    /// The whole engine at its current journal position: see [`Snapshot`].
    pub fn snapshot(&self) -> Snapshot {
        let j = self.journal.lock();
        let current = self.router.rule_set().label();
        let mut rule_sets: Vec<RuleSet> = self
            .rule_sets
            .iter()
            .filter(|(label, _)| **label != current)
            .filter(|(label, _)| {
                self.cases.values().any(|c| {
                    c.dispute
                        .routing
                        .as_ref()
                        .is_some_and(|r| &r.rule_set == *label)
                })
            })
            .map(|(_, s)| s.as_ref().clone())
            .collect();
        rule_sets.sort_by_key(|s| s.label());
        Snapshot {
            v: FORMAT,
            seq: j.seq(),
            digest: j.digest(),
            origin: j.origin,
            world: self.to_world(),
            rule_sets,
            cases: self.cases.values().map(|c| c.events.clone()).collect(),
            reports: self.reports.all(),
            denials: self.denials(),
            audit: self.access_log.audit(),
        }
    }

    /// Validates and loads a rule set on behalf of `by` at `at`, as the journal records it.
    /// A different rule set under a version label already loaded is refused: cases decided
    /// under that label must keep meaning what they meant. A refusal with a time is audited.
    pub fn load_rules_as(
        &mut self,
        by: &Actor,
        set: RuleSet,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Vec<crate::routing::Diagnostic>, EngineError> {
        let label = set.label();
        self.load_rules_checked(by, set, at).inspect_err(|e| {
            if let Some(at) = at {
                self.audit_error(by, "load_rules", &label, at, e);
            }
        })
    }

    fn load_rules_checked(
        &mut self,
        by: &Actor,
        set: RuleSet,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Vec<crate::routing::Diagnostic>, EngineError> {
        let label = set.label();
        // Errors in the rule set first: they are what its author must fix.
        let diagnostics = self.validate_rules(&set);
        if diagnostics.has_errors() {
            return Err(EngineError::Rules(diagnostics));
        }
        if let Some(old) = self.rule_sets.get(&label) {
            if **old != set {
                return Err(EngineError::Duplicate(format!(
                    "rule set {label} with a different body (raise its version: cases decided under {label} keep the rules they were decided under)"
                )));
            }
        }
        let warnings = self.install_rules(set.clone())?;
        let body_sm3 = journal::rules_sm3(&set);
        self.rule_sets.insert(label, Arc::new(set.clone()));
        self.journal_change(Change::RulesLoaded(Box::new(RulesLoaded {
            rules: set,
            body_sm3,
            by: by.clone(),
            at,
        })));
        Ok(warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Releasing gives the room back: all of it when everything stored is released, else
    /// what is beyond twice the records kept; the digest and the numbering carry on.
    #[test]
    fn releasing_gives_the_room_back() {
        let mut j = Journal::new(Hash::GENESIS);
        for i in 0..1_000 {
            j.push_event(i, 0, Hash::GENESIS);
        }
        let digest = j.digest();
        j.release(900);
        assert_eq!(j.seq(), 1_000);
        assert_eq!(j.digest(), digest);
        assert_eq!(j.records.len(), 100);
        assert!(j.records.capacity() <= 200, "{}", j.records.capacity());
        assert!(j.digests.capacity() <= 200, "{}", j.digests.capacity());
        j.release(1_000);
        assert_eq!((j.records.capacity(), j.digests.capacity()), (0, 0));
        assert_eq!(j.digest(), digest);
        j.push_event(7, 0, Hash::GENESIS);
        assert_eq!(j.seq(), 1_001);
    }
}
