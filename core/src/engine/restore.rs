//! Restoring an engine from a world document and its stored journal, or from a snapshot
//! and the entries after it, and catching up with entries other engines stored: every
//! entry verified (its place in the journal's chain; a case event's content hash, its link
//! to the case's previous event and its place in the lifecycle) before it is applied as the
//! engine first applied it.

use std::sync::Arc;

use super::journal::{chain_event, refused, Journal};
use super::{Case, Engine, EngineError, WorldData};
use crate::calendar::china_date;
use crate::journal::{self, Change, JournalEntry, JournalError, JournalProblem, Snapshot, FORMAT};
use crate::lifecycle::{self, Operation};
use crate::trace::{self, Actor, Event, Hash};

impl Engine {
    /// Rebuilds an engine from the world document it was built from and its stored journal
    /// entries: the same cases, states, traces and heads, staff loads, statistics, zero
    /// reports, denials, rule-set versions and next case codes. Every case chain and the
    /// journal's own chain are verified; the first entry that is changed, missing,
    /// duplicated, reordered or from another world refuses the whole restore with an error
    /// naming it.
    pub fn restore(
        world: WorldData,
        entries: impl IntoIterator<Item = JournalEntry>,
    ) -> Result<Engine, EngineError> {
        Engine::restore_read(world, entries, Ok)
    }

    /// [`Engine::restore`] over entries as a store keeps them (a JSON line, a database
    /// row, or a `Result` of one already read: `read` is then `|r| r`), which `read` turns
    /// into [`JournalEntry`]s (the first failure refuses the restore): reading them and checking each case
    /// event's content against its hash (its canonical JSON through SM3, most of a
    /// restore's work) run on reader threads, one per core, while this one applies the
    /// entries before in order, so a long journal restores on every core. Where no thread
    /// can be started (WebAssembly), or the journal is short, everything runs on the
    /// calling thread; the result and every refusal are the same either way.
    ///
    /// ```
    /// use fengqiao::engine::{Engine, WorldData};
    /// use fengqiao::journal;
    /// let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// let mut engine = Engine::from_world(world.clone())?;
    /// engine.set_available("gw-522301001001001", false)?;
    /// let stored = journal::to_jsonl(&engine.journal(0, usize::MAX)?);
    /// let again = Engine::restore_read(world, journal::jsonl_lines(&stored), journal::read_line)?;
    /// assert_eq!(again.journal_digest(), engine.journal_digest());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_read<T, R>(
        world: WorldData,
        stored: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<Engine, EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        let mut e = Engine::from_world(world)?;
        e.replay_read(stored, read)?;
        Ok(e)
    }

    /// Rebuilds an engine from a snapshot and the entries after it (see [`Snapshot`]).
    /// Together with [`Engine::restore`] the two ways to restore; their `_read` forms take
    /// entries as a store keeps them.
    pub fn restore_snapshot(
        snapshot: Snapshot,
        tail: impl IntoIterator<Item = JournalEntry>,
    ) -> Result<Engine, EngineError> {
        Engine::restore_snapshot_read(snapshot, tail, Ok)
    }

    /// [`Engine::restore_snapshot`] with the entries after the snapshot as a store keeps
    /// them (see [`Engine::restore_read`]). The snapshot's traces are verified on every
    /// core available before any is applied.
    pub fn restore_snapshot_read<T, R>(
        mut snapshot: Snapshot,
        tail: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<Engine, EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        check_format(&snapshot)?;
        let cases = std::mem::take(&mut snapshot.cases);
        let replayed = verify_traces(&cases);
        let (e, rest) = Engine::from_snapshot_world(snapshot)?;
        e.restore_verified(rest, cases.into_iter().zip(replayed), tail, read)
    }

    /// Rebuilds an engine from a snapshot in parts ([`Snapshot::into_parts`]) and the entries
    /// after it: the case lines are parsed and their traces verified on every core available
    /// (on the calling thread where no thread can be started: WebAssembly), then applied in
    /// order. A part that cannot be read is refused naming its line; so is a snapshot with
    /// fewer or more case lines than its head announces.
    pub fn restore_snapshot_parts(
        parts: &str,
        tail: impl IntoIterator<Item = JournalEntry>,
    ) -> Result<Engine, EngineError> {
        Engine::restore_snapshot_parts_read(parts, tail, Ok)
    }

    /// [`Engine::restore_snapshot_parts`] with the entries after the snapshot as a store
    /// keeps them (see [`Engine::restore_read`]).
    pub fn restore_snapshot_parts_read<T, R>(
        parts: &str,
        tail: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<Engine, EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        let bad = |line: usize, message: String| {
            EngineError::Journal(refused(
                0,
                JournalProblem::Unreadable,
                format!("snapshot part at line {line}: {message}"),
            ))
        };
        let mut lines = journal::jsonl_lines(parts);
        let (n, head) = lines.next().ok_or_else(|| bad(1, "empty".into()))?;
        let head: journal::PartsHead =
            serde_json::from_str(head).map_err(|e| bad(n, e.to_string()))?;
        let Some(form) = journal::PartsForm::of(&head) else {
            return Err(EngineError::Journal(refused(
                0,
                JournalProblem::Format,
                format!(
                    "snapshot parts {:?} (this library reads {} and format 1)",
                    head.format,
                    journal::PARTS_FORMAT
                ),
            )));
        };
        let (n, body) = lines
            .next()
            .ok_or_else(|| bad(n + 1, "the snapshot's own line is missing".into()))?;
        let snapshot: Snapshot = serde_json::from_str(body).map_err(|e| bad(n, e.to_string()))?;
        if !snapshot.cases.is_empty() {
            return Err(bad(
                n,
                "the snapshot's own line holds cases: they are parts".into(),
            ));
        }
        let rest: Vec<(usize, &str)> = lines.collect();
        if rest.len() as u64 != head.cases {
            return Err(bad(
                rest.last().map_or(n, |(l, _)| *l),
                format!(
                    "{} case lines, the head announces {}: the snapshot is cut short or added to",
                    rest.len(),
                    head.cases
                ),
            ));
        }
        check_format(&snapshot)?;
        // The world is built here while the case lines are read on the other cores.
        let (built, parts) = beside(
            || Engine::from_snapshot_world(snapshot),
            || read_parts(form, &rest),
        );
        let (e, snapshot_rest) = built?;
        let mut cases = Vec::with_capacity(parts.len());
        for part in parts {
            cases.push(part.map_err(|(line, message)| bad(line, message))?);
        }
        e.restore_verified(snapshot_rest, cases, tail, read)
    }

    /// The engine over a snapshot's world and rule sets, and what else the snapshot holds.
    fn from_snapshot_world(snapshot: Snapshot) -> Result<(Engine, SnapshotRest), EngineError> {
        let Snapshot {
            world,
            rule_sets,
            seq,
            digest,
            origin,
            reports,
            denials,
            audit,
            ..
        } = snapshot;
        let mut e = Engine::from_world_at(world, origin)?;
        for set in rule_sets {
            e.rule_sets.insert(set.label(), Arc::new(set));
        }
        Ok((
            e,
            SnapshotRest {
                seq,
                digest,
                origin,
                reports,
                denials,
                audit,
            },
        ))
    }

    /// The restore of a snapshot over its built world, whose cases are read, their traces
    /// verified and replayed.
    fn restore_verified<T, R>(
        mut self,
        rest: SnapshotRest,
        cases: impl IntoIterator<Item = (Vec<Event>, Result<lifecycle::Dispute, trace::TraceError>)>,
        tail: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<Engine, EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        let bad = |problem, message: String| EngineError::Journal(refused(0, problem, message));
        // Each case's statistics entry (its deadlines counted over the calendar, day by
        // day) is worked out on every core, before the cases go in one by one.
        let cases: Vec<_> = cases.into_iter().collect();
        let engine = &self;
        let entries = on_every_core(&cases, |part: &[ReadCase]| {
            part.iter()
                .map(|(_, replayed)| Some(engine.ledger_entry(replayed.as_ref().ok()?)))
                .collect()
        });
        let e = &mut self;
        for ((events, replayed), entry) in cases.into_iter().zip(entries) {
            let Some(first) = events.first() else {
                return Err(bad(JournalProblem::Event, "a case without events".into()));
            };
            let code = first.case.clone();
            let located = |t: trace::TraceError| {
                EngineError::Journal(JournalError {
                    seq: 0,
                    case: Some(code.clone()),
                    case_seq: None,
                    problem: JournalProblem::Event,
                    message: format!("snapshot: {t}"),
                })
            };
            let dispute = replayed.map_err(located)?;
            if let Some(r) = &dispute.routing {
                if !e.rule_sets.contains_key(&r.rule_set) {
                    return Err(bad(
                        JournalProblem::Event,
                        format!(
                            "snapshot: case {code} was decided under rule set {}, which the snapshot does not hold",
                            r.rule_set
                        ),
                    ));
                }
            }
            if e.cases.contains_key(&code) {
                return Err(bad(
                    JournalProblem::Event,
                    format!("snapshot: case {code} appears twice"),
                ));
            }
            let Operation::Register { input, .. } = &first.op else {
                unreachable!("replay checked the first event is a registration")
            };
            *e.day_seq
                .entry(day_count_key(&code, input.location, first.at))
                .or_insert(0) += 1;
            // One allocation of the code for the case and its events, as live; a case that
            // takes no more steps here without spare room (see `Case::push`).
            let mut events = events;
            for ev in &mut events {
                ev.case = dispute.code.clone();
            }
            if dispute.state == lifecycle::State::Closed {
                events.shrink_to_fit();
            }
            let case = Case {
                dispute,
                events,
                slot: 0,
            };
            let entry = entry.expect("worked out for every case that replayed");
            e.insert_case_with(case, entry);
        }
        for (staff, report) in rest.reports {
            e.reports.insert(&staff, report);
        }
        for a in rest.audit {
            e.access_log.push_audit(a);
        }
        for d in rest.denials {
            e.access_log.push(d);
        }
        e.recount();
        *e.journal.get_mut() = Journal::at(rest.origin, rest.seq, rest.digest);
        e.replay_read(tail, read)?;
        Ok(self)
    }

    /// Inserts a case (restore), giving it a ledger slot.
    fn insert_case(&mut self, case: Case) {
        let entry = self.ledger_entry(&case.dispute);
        self.insert_case_with(case, entry);
    }

    /// Inserts a case with its statistics entry worked out already.
    fn insert_case_with(&mut self, mut case: Case, entry: crate::stats::Entry) {
        case.slot = self.ledger.push(entry);
        self.codes.push(case.dispute.code.clone());
        self.index_references(&case.dispute.code, &case.dispute.input);
        self.cases.insert(case.dispute.code.clone(), Box::new(case));
    }

    /// Staff loads from the cases (after a restore from a snapshot, whose cases' statistics
    /// entries were worked out as they went in).
    fn recount(&mut self) {
        for s in &mut self.staff {
            s.active_cases = 0;
        }
        let loads: Vec<String> = self
            .cases
            .values()
            .flat_map(|c| super::cases::team_load(&c.dispute))
            .collect();
        self.adjust_load(&loads, 1);
    }

    /// Brings a running engine up to date with entries another engine over the same
    /// journal stored after this one's last entry (several engines, one store): each entry
    /// is verified as [`Engine::restore`] verifies it and applied as it was accepted.
    ///
    /// The engine must hold nothing the store does not: catch up before applying, never
    /// after (an engine with changes of its own has left the store's chain, and the first
    /// stored entry is refused with [`JournalProblem::Digest`]; restore it instead). On a
    /// refused entry the engine stays at the entry before it, a position the store holds.
    ///
    /// ```
    /// use fengqiao::engine::{Engine, WorldData};
    /// let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// let mut writer = Engine::from_world(world.clone())?;
    /// let mut reader = Engine::from_world(world)?;
    /// writer.set_available("gw-522301001001001", false)?;
    /// reader.catch_up(writer.journal(reader.journal_seq(), usize::MAX)?.into_iter().map(Ok))?;
    /// assert_eq!(reader.journal_digest(), writer.journal_digest());
    /// assert!(!reader.staff("gw-522301001001001").unwrap().available);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn catch_up(
        &mut self,
        entries: impl IntoIterator<Item = Result<JournalEntry, JournalError>>,
    ) -> Result<(), EngineError> {
        self.replay_read(entries, |entry| entry)
    }

    /// [`Engine::catch_up`] with entries as a store keeps them (see
    /// [`Engine::restore_read`]).
    pub fn catch_up_read<T, R>(
        &mut self,
        stored: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<(), EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        self.replay_read(stored, read)
    }

    /// Reads, verifies and applies stored entries, in batches: a journal of one batch or
    /// less on this thread, a longer one with the reading and content checks on others.
    fn replay_read<T, R>(
        &mut self,
        stored: impl IntoIterator<Item = T>,
        read: R,
    ) -> Result<(), EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        let from = self.journal_seq();
        let mut stored = stored.into_iter();
        let first: Vec<T> = stored.by_ref().take(BATCH).collect();
        // WebAssembly has no threads to spawn: there the whole journal is replayed here, and
        // the reader path is not even compiled.
        let result = if first.len() < BATCH || cfg!(target_arch = "wasm32") {
            self.replay_here(first.into_iter().chain(stored), &read)
        } else {
            self.replay_beside_reader(first, stored, &read)
        };
        // Also after a refusal: the entries before it were applied (catch_up keeps them).
        self.refresh_cases_after(from);
        result
    }

    /// Brings the statistics entries of the cases whose events were replayed after `seq` up
    /// to date (replaying an event does not: a case's entry is worked out once, however
    /// many of its events a journal holds), on every core. A calendar or a rule set
    /// replayed meanwhile refreshed every entry then. Only those cases: an engine catching
    /// up with a few entries, or restored from a snapshot with none after it, does not work
    /// out every case's deadlines again.
    fn refresh_cases_after(&mut self, seq: u64) {
        let slots = self
            .journal
            .get_mut()
            .event_slots_after(seq, self.codes.len());
        self.refresh_slots(&slots);
    }

    /// Works out again the statistics entries of the cases in these ledger slots, on every
    /// core.
    pub(super) fn refresh_slots(&mut self, slots: &[u32]) {
        let engine = &*self;
        let entries = on_every_core(slots, |part: &[u32]| {
            part.iter()
                .map(|&slot| {
                    let code = &engine.codes[slot as usize];
                    engine.ledger_entry(&engine.cases[code].dispute)
                })
                .collect()
        });
        for (&slot, entry) in slots.iter().zip(entries) {
            self.ledger.set(slot, entry);
        }
    }

    /// The restore beside readers: scoped reader threads, one per core, read and check the
    /// batches ahead (batch j on reader j mod k) while this thread applies them in order.
    /// Each reader has at most two batches outstanding, so memory stays flat however long
    /// the journal; a refusal stops every thread (their channels close).
    fn replay_beside_reader<T, R>(
        &mut self,
        first: Vec<T>,
        mut rest: impl Iterator<Item = T>,
        read: &R,
    ) -> Result<(), EngineError>
    where
        T: Send,
        R: Fn(T) -> Result<JournalEntry, JournalError> + Sync,
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::scope(|scope| {
            let mut readers = Vec::new();
            for _ in 0..cores.clamp(1, 8) {
                let (to_reader, batches) = std::sync::mpsc::sync_channel::<Vec<T>>(2);
                let (to_applier, checked) = std::sync::mpsc::sync_channel::<Vec<Checked>>(2);
                let spawned = std::thread::Builder::new()
                    .name("fengqiao-restore".into())
                    .spawn_scoped(scope, move || {
                        for batch in batches {
                            let checked = batch.into_iter().map(|t| Checked::read(read, t));
                            if to_applier.send(checked.collect()).is_err() {
                                break;
                            }
                        }
                    });
                if spawned.is_err() {
                    break; // the system gives no more threads: use those it gave
                }
                readers.push((to_reader, checked));
            }
            if readers.is_empty() {
                // No second thread here (WebAssembly, or the system refused one).
                return self.replay_here(first.into_iter().chain(rest), read);
            }
            let k = readers.len();
            let (mut next, mut sent, mut applied) = (Some(first), 0usize, 0usize);
            loop {
                if let Some(batch) = next.take() {
                    if readers[sent % k].0.send(batch).is_err() {
                        break; // a reader stopped: its panic is re-raised by the scope
                    }
                    sent += 1;
                    let more: Vec<T> = rest.by_ref().take(BATCH).collect();
                    next = (!more.is_empty()).then_some(more);
                }
                if applied == sent {
                    return Ok(());
                }
                if sent - applied >= 2 * k || next.is_none() {
                    let Ok(batch) = readers[applied % k].1.recv() else {
                        break;
                    };
                    applied += 1;
                    self.replay_checked(batch.into_iter())?;
                }
            }
            unreachable!("a restore's reader thread stopped without a panic")
        })
    }

    /// Reads, checks and applies stored entries on this thread alone.
    fn replay_here<T>(
        &mut self,
        stored: impl Iterator<Item = T>,
        read: &impl Fn(T) -> Result<JournalEntry, JournalError>,
    ) -> Result<(), EngineError> {
        self.replay_checked(stored.map(|t| Checked::read(read, t)))
    }

    /// Applies entries read and checked, up to the first refusal.
    fn replay_checked(
        &mut self,
        entries: impl Iterator<Item = Checked>,
    ) -> Result<(), EngineError> {
        for Checked { entry, content } in entries {
            let replayed = match entry {
                Ok(entry) => self.replay_entry(entry, content),
                Err(mut e) => {
                    e.seq = self.journal_seq() + 1;
                    Err(e)
                }
            };
            replayed.map_err(EngineError::Journal)?;
        }
        Ok(())
    }

    fn replay_entry(&mut self, entry: JournalEntry, content: Content) -> Result<(), JournalError> {
        let expected = self.journal_seq() + 1;
        let (case, case_seq) = match &entry.change {
            Change::Event(ev) => (Some(ev.case.clone()), Some(ev.seq)),
            _ => (None, None),
        };
        let fail = |problem, message: String| JournalError {
            seq: entry.seq,
            case: case.clone(),
            case_seq,
            problem,
            message,
        };
        if entry.v != FORMAT {
            return Err(fail(
                JournalProblem::Format,
                format!("format {} (this library reads {FORMAT})", entry.v),
            ));
        }
        if entry.seq != expected {
            return Err(fail(
                JournalProblem::Sequence,
                format!(
                    "expected entry {expected} next: entries are missing, duplicated or reordered"
                ),
            ));
        }
        let next = match &entry.change {
            Change::Event(ev) => chain_event(&self.journal.get_mut().digest(), &ev.hash),
            other => journal::chain(&self.journal.get_mut().digest(), other),
        };
        if next != entry.digest {
            return Err(fail(
                JournalProblem::Digest,
                "its digest does not follow the entries before it: it was changed, or it belongs to another engine's journal (restore from the world document this journal started from)".into(),
            ));
        }
        let kept = match &entry.change {
            Change::Event(_) => None,
            other => Some(other.clone()),
        };
        self.journal.get_mut().replaying = kept.is_some();
        let result = match entry.change {
            Change::Event(ev) => self
                .replay_event(ev, content)
                .map_err(|m| fail(JournalProblem::Event, m)),
            Change::RulesLoaded(r) => self
                .load_rules_as(&r.by, r.rules, r.at)
                .map(|_| ())
                .map_err(|e| fail(JournalProblem::Refused, e.to_string())),
            Change::Denied(d) => {
                self.access_log.push(d);
                Ok(())
            }
            Change::Audit(a) => {
                self.access_log.push_audit(a);
                Ok(())
            }
            other => self
                .apply_change(other)
                .map_err(|e| fail(JournalProblem::Refused, e.to_string())),
        };
        let journal = self.journal.get_mut();
        journal.replaying = false;
        result?;
        if let Some(change) = kept {
            journal.push_verified(change, entry.digest);
        }
        debug_assert_eq!(self.journal_digest(), entry.digest);
        Ok(())
    }

    /// A world change from the journal, through the same method that accepted it.
    fn apply_change(&mut self, change: Change) -> Result<(), EngineError> {
        match change {
            Change::UnitAdded(u) => self.add_unit(u),
            Change::UnitMoved {
                code,
                new_parent,
                new_code,
            } => self.move_unit(code, new_parent, new_code),
            Change::UnitRetired { code } => self.retire_unit(code),
            Change::PersonAdded(p) => self.add_person(p),
            Change::PersonUpdated(p) => self.update_person(p),
            Change::StaffAdded(s) => self.add_staff(s),
            Change::StaffUpdated(s) => self.update_staff(s),
            Change::AgencyAdded(a) => self.add_agency(a),
            Change::Availability { staff, available } => self.set_available(&staff, available),
            Change::CalendarSet { years } => {
                // The entry holds every notice of the calendar it set: start from none.
                let mut cal = crate::calendar::Calendar::empty();
                for y in years {
                    cal.load_year(y)?;
                }
                self.set_calendar(cal);
                Ok(())
            }
            Change::LocalCalendarSet(l) => self.set_local_calendar(l),
            Change::PrivacySet(p) => {
                self.set_privacy(p);
                Ok(())
            }
            Change::ReportFiled { staff, report } => self.file_report(&Actor::Staff(staff), report),
            Change::PersonSealed(p) => self.add_sealed_person(p),
            Change::PersonalErased { subject, .. } => {
                self.mark_erased(&subject);
                Ok(())
            }
            Change::Event(_) | Change::RulesLoaded(_) | Change::Denied(_) | Change::Audit(_) => {
                unreachable!("handled by replay_entry")
            }
        }
    }

    /// A case event from the journal: verified (its hash, its link, its place in the
    /// lifecycle) and applied as the engine applied it.
    pub(super) fn replay_event(&mut self, mut ev: Event, content: Content) -> Result<(), String> {
        if content != Content::Matches {
            return Err("the event was changed: its content does not match its hash".into());
        }
        if ev.seq == 1 {
            let Operation::Register { code, input } = &ev.op else {
                return Err("a case's first event must be its registration".into());
            };
            if *code != ev.case || ev.prev != Hash::GENESIS {
                return Err("the registration does not start the case's chain".into());
            }
            if self.cases.contains_key(code) {
                return Err("the case is registered twice".into());
            }
            *self
                .day_seq
                .entry(day_count_key(code, input.location, ev.at))
                .or_insert(0) += 1;
            let dispute = lifecycle::register(code.clone(), input.clone(), ev.at);
            // One allocation of the code for the case, as a live registration has.
            ev.case = code.clone();
            let hash = ev.hash;
            self.insert_case(Case {
                dispute,
                events: vec![ev],
                slot: 0,
            });
            let slot = (self.codes.len() - 1) as u32;
            self.journal.get_mut().push_event(slot, 0, hash);
            return Ok(());
        }
        let Some(case) = self.cases.get_mut(&ev.case) else {
            return Err("the case has no registration before this event".into());
        };
        let last = case.events.last().expect("a case has its registration");
        if ev.seq != last.seq + 1 {
            return Err(format!(
                "expected the case's event {} next: its events are missing, duplicated or reordered",
                last.seq + 1
            ));
        }
        if ev.prev != last.hash {
            return Err("the event does not follow the case's previous event".into());
        }
        if ev.at < last.at {
            return Err("the event goes back in time".into());
        }
        let kind = ev.op.kind();
        if kind == lifecycle::OperationKind::Register
            || !lifecycle::allowed_from(kind).contains(&case.dispute.state)
        {
            return Err(format!(
                "{kind} is not allowed in state {}",
                case.dispute.state
            ));
        }
        let mark = super::cases::LoadMark::before(&case.dispute, &ev.op);
        lifecycle::apply(&mut case.dispute, &ev.op, ev.at);
        let (off, on) = mark.after(&case.dispute);
        let (slot, index, hash) = (case.slot, case.events.len(), ev.hash);
        case.push(ev);
        self.adjust_load(&off, -1);
        self.adjust_load(&on, 1);
        self.journal.get_mut().push_event(slot, index as u32, hash);
        Ok(())
    }
}

/// Stored entries handed from the reading thread to the applying one at a time.
const BATCH: usize = 512;

/// Whether a case event's content matches its hash (checked where the entry was read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Content {
    /// It does (or the entry is not a case event).
    Matches,
    /// It does not: the event was changed.
    Changed,
}

/// A stored entry read, with its content check.
struct Checked {
    entry: Result<JournalEntry, JournalError>,
    content: Content,
}

impl Checked {
    fn read<T>(read: &impl Fn(T) -> Result<JournalEntry, JournalError>, stored: T) -> Checked {
        let entry = read(stored);
        let content = match &entry {
            Ok(JournalEntry {
                change: Change::Event(ev),
                ..
            }) if ev.compute_hash() != ev.hash => Content::Changed,
            _ => Content::Matches,
        };
        Checked { entry, content }
    }
}

/// A snapshot's case lines read, their chains verified and their traces replayed, on every
/// core; a line that cannot be read gives its line number and why.
fn read_parts(
    form: journal::PartsForm,
    lines: &[(usize, &str)],
) -> Vec<Result<ReadCase, (usize, String)>> {
    on_every_core(lines, |part: &[(usize, &str)]| {
        part.iter()
            .map(|(line, text)| {
                let (events, chain) =
                    journal::read_case_line(form, text).map_err(|e| (*line, e.to_string()))?;
                let replayed = chain.and_then(|()| trace::replay(&events));
                Ok((events, replayed))
            })
            .collect()
    })
}

/// `work` over `items` in one share per core, the results in order; on the calling thread
/// where there is one core, few items, or no threads (WebAssembly).
fn on_every_core<I: Sync, O: Send>(items: &[I], work: impl Fn(&[I]) -> Vec<O> + Sync) -> Vec<O> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || items.len() < BATCH || cfg!(target_arch = "wasm32") {
        return work(items);
    }
    let share = items.len().div_ceil(cores);
    let work = &work;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(share)
            .map(|part| {
                let thread = std::thread::Builder::new().spawn_scoped(scope, move || work(part));
                (part, thread)
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|(part, thread)| match thread {
                Ok(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: this part here.
                Err(_) => work(part),
            })
            .collect()
    })
}

/// Verifies each case's trace (see [`trace::verify`]) and replays it, the cases split over
/// the cores available; the results in the cases' order.
fn verify_traces(cases: &[Vec<Event>]) -> Vec<Result<lifecycle::Dispute, trace::TraceError>> {
    fn verify_part(part: &[Vec<Event>]) -> Vec<Result<lifecycle::Dispute, trace::TraceError>> {
        part.iter().map(|events| verified_replay(events)).collect()
    }
    on_every_core(cases, verify_part)
}

/// A case's chain verified (every hash and link) and its trace replayed: the case record.
fn verified_replay(events: &[Event]) -> Result<lifecycle::Dispute, trace::TraceError> {
    trace::verify(events)?;
    trace::replay(events)
}

/// A snapshot case read: its events and the record they replay to (or why not).
type ReadCase = (Vec<Event>, Result<lifecycle::Dispute, trace::TraceError>);

/// What a snapshot holds besides its world, its rule sets and its cases.
struct SnapshotRest {
    seq: u64,
    digest: crate::trace::Hash,
    origin: crate::trace::Hash,
    reports: Vec<(String, crate::cadence::ZeroReport)>,
    denials: Vec<crate::access::Denial>,
    audit: Vec<crate::audit::AuditEntry>,
}

/// A snapshot's form checked before anything is built.
fn check_format(snapshot: &Snapshot) -> Result<(), EngineError> {
    if snapshot.v != FORMAT {
        return Err(EngineError::Journal(refused(
            0,
            JournalProblem::Format,
            format!(
                "snapshot format {} (this library reads {FORMAT})",
                snapshot.v
            ),
        )));
    }
    Ok(())
}

/// `here` on this thread while `there` runs on another, where a thread can be had (not in
/// WebAssembly: one after the other); both results.
fn beside<A, B: Send>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B) {
    if cfg!(target_arch = "wasm32") {
        let a = here();
        return (a, there());
    }
    // The other work waits in a slot: the thread takes it, or, where no thread can be
    // started, this one does after its own.
    let slot = std::sync::Mutex::new(Some(there));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().spawn_scoped(scope, || take().map(|f| f()));
        let a = here();
        let b = match thread {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        let b = b.or_else(|| take().map(|f| f()));
        (a, b.expect("the other work ran on one thread or the other"))
    })
}

/// Where a replayed registration counts: its location, its day, and the capture device whose
/// block its code is in (0: an engine's own numbering), so that an engine numbers on from its
/// own registrations and never from a phone's block it took in.
fn day_count_key(
    code: &crate::dispute::CaseCode,
    location: crate::hierarchy::DivisionCode,
    at: chrono::DateTime<chrono::Utc>,
) -> (crate::hierarchy::DivisionCode, chrono::NaiveDate, u32) {
    let device = crate::capture::CaptureDevice::of_sequence(code.sequence()).map_or(0, |d| d.get());
    (location, china_date(at), device)
}
