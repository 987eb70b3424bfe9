//! A snapshot in parts: JSON Lines that a restore parses and verifies on every core.
//!
//! ```text
//! {"format":"fengqiao-snapshot-parts/2","cases":N}             the head
//! {"v":1,"seq":…,"digest":…,"world":…,"cases":[],…}            the snapshot without its cases
//! {"case":"…","head":"…","events":[{"at":…,"actor":…,"op":…},…]}   one line per case
//! ```
//!
//! A case line holds what its events say and nothing that follows from the chain: each
//! event's case, sequence number, `prev` and `hash` are what [`crate::trace`] derives from
//! the line's `case` and the events' order, so they are not written (≈ 200 bytes an event,
//! a quarter of a case's line; issue 37). The line's `head` is its last event's hash: a
//! restore recomputes every hash from the content and the chain, and a line whose events
//! do not give its head was changed — the same evidence the hashes written beside every
//! event gave, at the same cost (one SM3 of each event's canonical JSON), from fewer bytes.
//! The form of format 1 (each line a whole trace, hashes included) is still read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

use super::Snapshot;
use crate::dispute::CaseCode;
use crate::lifecycle::Operation;
use crate::trace::{self, Actor, Event, Hash, TraceError};

/// The first line of a snapshot in parts ([`Snapshot::into_parts`]).
pub const PARTS_FORMAT: &str = "fengqiao-snapshot-parts/2";

/// Format 1: each case line a whole trace, every event with its hashes. Read, not written.
const PARTS_FORMAT_1: &str = "fengqiao-snapshot-parts/1";

/// The first line of a snapshot in parts: its form and how many case lines follow (a
/// snapshot cut short is refused, not restored with fewer cases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsHead {
    /// [`PARTS_FORMAT`] (format 1 is still read).
    pub format: String,
    /// The case lines after the snapshot's own line.
    pub cases: u64,
}

/// How a snapshot's case lines are written, from its head's `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartsForm {
    /// Format 1: a JSON array of whole events.
    Traces,
    /// Format 2: the case, its head and its events without what the chain derives.
    Compact,
}

impl PartsForm {
    /// The form a head names, or `None` for a format this library does not read.
    pub(crate) fn of(head: &PartsHead) -> Option<PartsForm> {
        match head.format.as_str() {
            PARTS_FORMAT => Some(PartsForm::Compact),
            PARTS_FORMAT_1 => Some(PartsForm::Traces),
            _ => None,
        }
    }
}

impl Snapshot {
    /// The snapshot in independently parsable parts, as JSON Lines: a [`PartsHead`], the
    /// snapshot without its cases, then one line per case in case-code order — its code,
    /// its head (the last event's hash) and its events without what the chain derives (see
    /// the module). A restore parses and verifies the case lines on every core
    /// ([`crate::engine::Engine::restore_snapshot_parts`]); one JSON document is parsed on
    /// one core, which made a 1M-case prefecture slower to restore from its snapshot
    /// (53.6 s) than from its journal (40.4 s) (issue 37).
    ///
    /// ```
    /// use fengqiao::engine::{Engine, WorldData};
    /// let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// let engine = Engine::from_world(world)?;
    /// let parts = engine.snapshot().into_parts();
    /// assert!(parts.starts_with(r#"{"format":"fengqiao-snapshot-parts/2","cases":0}"#));
    /// let again = Engine::restore_snapshot_parts(&parts, std::iter::empty())?;
    /// assert_eq!(again.journal_digest(), engine.journal_digest());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_parts(mut self) -> String {
        let cases = std::mem::take(&mut self.cases);
        let head = PartsHead {
            format: PARTS_FORMAT.into(),
            cases: cases.len() as u64,
        };
        let mut out = serde_json::to_string(&head).expect("a head serialises");
        out.push('\n');
        out.push_str(&serde_json::to_string(&self).expect("a snapshot serialises"));
        out.push('\n');
        let mut line = Vec::new();
        for events in &cases {
            let Some(first) = events.first() else {
                continue; // an engine's case has its registration; `cases` above counted it
            };
            line.clear();
            let written = CaseLineOut {
                case: &first.case,
                head: &events[events.len() - 1].hash,
                events: Steps(events),
            };
            serde_json::to_writer(&mut line, &written).expect("events serialise");
            out.push_str(std::str::from_utf8(&line).expect("serde_json writes UTF-8"));
            out.push('\n');
        }
        out
    }
}

/// Whether a text is a snapshot in parts (its first line a [`PartsHead`]) rather than one
/// JSON document: what a host that keeps either passes to the one restore.
pub fn is_parts(text: &str) -> bool {
    text.trim_start()
        .strip_prefix('{')
        .is_some_and(|rest| rest.trim_start().starts_with("\"format\""))
}

/// Reads one case line of the given form: its events, whole, and whether their chain holds
/// (format 2: the events give the line's head and the registration names the line's case;
/// format 1: [`trace::verify`]). The line's lifecycle is not replayed here.
pub(crate) fn read_case_line(
    form: PartsForm,
    text: &str,
) -> Result<(Vec<Event>, Result<(), TraceError>), serde_json::Error> {
    match form {
        PartsForm::Traces => {
            let events: Vec<Event> = serde_json::from_str(text)?;
            let chain = trace::verify(&events);
            Ok((events, chain))
        }
        PartsForm::Compact => {
            let line: CaseLine = serde_json::from_str(text)?;
            Ok(line.into_events())
        }
    }
}

#[derive(Serialize)]
struct CaseLineOut<'a> {
    case: &'a CaseCode,
    head: &'a Hash,
    events: Steps<'a>,
}

/// A case's events written without what the chain derives.
struct Steps<'a>(&'a [Event]);

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|e| StepOut {
            at: &e.at,
            actor: &e.actor,
            op: &e.op,
        }))
    }
}

#[derive(Serialize)]
struct StepOut<'a> {
    at: &'a DateTime<Utc>,
    actor: &'a Actor,
    op: &'a Operation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseLine {
    case: CaseCode,
    head: Hash,
    events: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: DateTime<Utc>,
    actor: Actor,
    op: Operation,
}

impl CaseLine {
    /// The whole events, each hash computed from its content and the one before, and
    /// whether the last is the line's head and the registration names the line's case.
    fn into_events(self) -> (Vec<Event>, Result<(), TraceError>) {
        let CaseLine {
            case,
            head,
            events: steps,
        } = self;
        let mut events: Vec<Event> = Vec::with_capacity(steps.len());
        for Step { at, actor, op } in steps {
            let e = Event::new(case.clone(), events.last(), at, actor, op);
            events.push(e);
        }
        let last = events.last().map_or(Hash::GENESIS, |e| e.hash);
        let chain = match events.first().map(|e| &e.op) {
            Some(Operation::Register { code, .. }) if *code != case => Err(TraceError::OtherCase {
                position: 0,
                expected: case,
                found: code.clone(),
            }),
            _ if !events.is_empty() && last != head => Err(TraceError::Head {
                expected: head,
                found: last,
            }),
            _ => Ok(()),
        };
        (events, chain)
    }
}
