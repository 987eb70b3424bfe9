//! The trace (留痕): every accepted operation of a case as an event, chained with SM3
//! (GB/T 32905) so that changing, removing, reordering or inserting any event is detected.
//!
//! Each event's hash is `SM3(prev_hash ‖ canonical JSON of {case, seq, at, actor, op})`;
//! the first event's `prev` is 32 zero bytes. Replaying a trace ([`replay`]) rebuilds the
//! case exactly. Verification ([`verify`]) recomputes the chain; to also catch a forger who
//! rewrites the whole chain, compare the last hash with one stored elsewhere
//! ([`verify_head`]), as a case file (立卷归档, 人民调解法 art. 27) is sealed.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::dispute::CaseCode;
use crate::lifecycle::{self, Dispute, Operation};

/// A 32-byte SM3 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The all-zero hash that precedes the first event.
    pub const GENESIS: Hash = Hash([0; 32]);

    /// SM3 of `bytes`.
    pub fn sm3(bytes: &[u8]) -> Hash {
        Hash(Sm3::digest(bytes).into())
    }
}

impl Hash {
    /// The 64 lowercase hex digits, without a formatter per byte: hashes are written into
    /// every event's canonical JSON, so into every hash computed and every entry stored.
    fn hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[(b >> 4) as usize];
            out[2 * i + 1] = DIGITS[(b & 0xf) as usize];
        }
        out
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.hex();
        f.write_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hex = self.hex();
        s.serialize_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"))
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let bad = || serde::de::Error::custom("a hash is 64 hex digits");
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Hash(out))
    }
}

/// Who performed an operation, by identity (the trace keeps who, not only which role).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A staff member.
    Staff(String),
    /// An agency.
    Agency(String),
    /// The platform, acting by rule (automatic routing, deadline escalation).
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::Agency(id) => write!(f, "agency:{id}"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// One accepted operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The case.
    pub case: CaseCode,
    /// 1, 2, 3 … without gaps.
    pub seq: u64,
    /// When it was applied.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// What.
    pub op: Operation,
    /// The previous event's hash.
    pub prev: Hash,
    /// This event's hash.
    pub hash: Hash,
}

#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct Hashed<'a> {
    case: &'a CaseCode,
    seq: u64,
    at: &'a DateTime<Utc>,
    actor: &'a Actor,
    op: &'a Operation,
}

impl Event {
    /// Builds the event following `prev` (None for the first), computing its hash.
    pub fn new(
        case: CaseCode,
        prev: Option<&Event>,
        at: DateTime<Utc>,
        actor: Actor,
        op: Operation,
    ) -> Event {
        let seq = prev.map_or(1, |p| p.seq + 1);
        let prev = prev.map_or(Hash::GENESIS, |p| p.hash);
        let mut e = Event {
            case,
            seq,
            at,
            actor,
            op,
            prev,
            hash: Hash::GENESIS,
        };
        e.hash = e.compute_hash();
        e
    }

    /// The hash this event's content and `prev` give.
    pub fn compute_hash(&self) -> Hash {
        let mut h = Sm3::new();
        h.update(self.prev.0);
        hash_json(
            &mut h,
            &Hashed {
                case: &self.case,
                seq: self.seq,
                at: &self.at,
                actor: &self.actor,
                op: &self.op,
            },
        );
        Hash(h.finalize().into())
    }
}

thread_local! {
    /// The canonical JSON of what is being hashed, reused call after call.
    static CANONICAL: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Feeds `value`'s canonical JSON (serde_json's compact form) into `h`. Written into a
/// reused buffer, not streamed through a writer of its own: serialising into a `Vec<u8>`
/// is what every output of the library does too, so each type's serialiser is compiled
/// once (a hashing writer beside it doubled them; the WebAssembly module is the smaller
/// for it), at the cost of one copy of bytes SM3 reads anyway.
pub(crate) fn hash_json<T: Serialize + ?Sized>(h: &mut Sm3, value: &T) {
    CANONICAL.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        serde_json::to_writer(&mut *buf, value).expect("the library's types serialise");
        h.update(&buf[..]);
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new(); // a large world: do not keep its size for the small events
        }
    })
}

/// What verification found wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum TraceError {
    /// The trace has no events.
    #[error("the trace is empty")]
    Empty,
    /// An event's content does not match its hash: it was changed.
    #[error(
        "event at position {position} (seq {seq}) was changed: its content does not match its hash"
    )]
    Changed {
        /// 0-based position in the trace.
        position: usize,
        /// The event's stated sequence number.
        seq: u64,
    },
    /// An event's `prev` is not the hash of the event before it: one was removed, inserted
    /// or moved here.
    #[error("event at position {position} (seq {seq}) does not follow the one before it: an event was removed, inserted or moved")]
    BrokenLink {
        /// 0-based position.
        position: usize,
        /// Its sequence number.
        seq: u64,
    },
    /// The sequence numbers are not 1, 2, 3 …
    #[error("event at position {position} has seq {found}, expected {expected}: events were removed, inserted or reordered")]
    Sequence {
        /// 0-based position.
        position: usize,
        /// What it should be.
        expected: u64,
        /// What it is.
        found: u64,
    },
    /// An event belongs to another case.
    #[error("event at position {position} belongs to case {found}, not {expected}")]
    OtherCase {
        /// 0-based position.
        position: usize,
        /// The trace's case.
        expected: CaseCode,
        /// The event's case.
        found: CaseCode,
    },
    /// The last hash is not the one recorded elsewhere: the chain was rewritten or cut.
    #[error(
        "the trace ends in {found}, but {expected} was recorded: it was rewritten or truncated"
    )]
    Head {
        /// The recorded head.
        expected: Hash,
        /// The trace's head.
        found: Hash,
    },
    /// The first event is not a registration, or a later one is.
    #[error("event at position {position}: a trace starts with exactly one `register`")]
    NotRegistration {
        /// 0-based position.
        position: usize,
    },
    /// The trace verifies, but replaying it does not give the state the engine holds: the
    /// live record was changed outside the engine.
    #[error("replaying the trace of {case} does not give the live state")]
    Diverged {
        /// The case.
        case: CaseCode,
    },
    /// Replaying hit an operation the state machine does not allow there.
    #[error("event at position {position}: {operation} is not allowed in state {state}")]
    Replay {
        /// 0-based position.
        position: usize,
        /// The operation.
        operation: lifecycle::OperationKind,
        /// The state it met.
        state: lifecycle::State,
    },
    /// A line of a JSON Lines file could not be read.
    #[error("line {line}: {message}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
}

/// ```
/// use fengqiao::trace::{verify, Actor, Event, TraceError};
/// use fengqiao::lifecycle::Operation;
/// use fengqiao::dispute::CaseCode;
/// let at = "2025-06-09T01:00:00Z".parse().unwrap();
/// let case: CaseCode = "522301001001-20250609-0001".parse().unwrap();
/// let first = Event::new(case.clone(), None, at, Actor::System, Operation::Expedite { note: String::new() });
/// let mut second = Event::new(case, Some(&first), at, Actor::System, Operation::Expedite { note: "加急".into() });
/// assert!(verify(&[first.clone(), second.clone()]).is_ok());
/// second.actor = Actor::Staff("someone-else".into()); // tampering
/// assert_eq!(verify(&[first, second]), Err(TraceError::Changed { position: 1, seq: 2 }));
/// ```
/// Verifies a trace's chain: sequence, links and hashes. The first problem is returned.
pub fn verify(events: &[Event]) -> Result<(), TraceError> {
    let first = events.first().ok_or(TraceError::Empty)?;
    let mut prev = Hash::GENESIS;
    for (i, e) in events.iter().enumerate() {
        if e.case != first.case {
            return Err(TraceError::OtherCase {
                position: i,
                expected: first.case.clone(),
                found: e.case.clone(),
            });
        }
        if e.seq != i as u64 + 1 {
            return Err(TraceError::Sequence {
                position: i,
                expected: i as u64 + 1,
                found: e.seq,
            });
        }
        if e.prev != prev {
            return Err(TraceError::BrokenLink {
                position: i,
                seq: e.seq,
            });
        }
        if e.compute_hash() != e.hash {
            return Err(TraceError::Changed {
                position: i,
                seq: e.seq,
            });
        }
        prev = e.hash;
    }
    Ok(())
}

/// [`verify`], and the last hash equals `head` (recorded elsewhere).
pub fn verify_head(events: &[Event], head: Hash) -> Result<(), TraceError> {
    verify(events)?;
    let found = events.last().expect("verified non-empty").hash;
    if found != head {
        return Err(TraceError::Head {
            expected: head,
            found,
        });
    }
    Ok(())
}

/// Rebuilds a case from its trace (which should be verified first).
pub fn replay(events: &[Event]) -> Result<Dispute, TraceError> {
    let (first, rest) = events.split_first().ok_or(TraceError::Empty)?;
    let Operation::Register { code, input } = &first.op else {
        return Err(TraceError::NotRegistration { position: 0 });
    };
    let mut d = lifecycle::register(code.clone(), input.clone(), first.at);
    for (i, e) in rest.iter().enumerate() {
        let kind = e.op.kind();
        if kind == lifecycle::OperationKind::Register {
            return Err(TraceError::NotRegistration { position: i + 1 });
        }
        if !lifecycle::allowed_from(kind).contains(&d.state) {
            return Err(TraceError::Replay {
                position: i + 1,
                operation: kind,
                state: d.state,
            });
        }
        lifecycle::apply(&mut d, &e.op, e.at);
    }
    Ok(d)
}

/// Writes events as JSON Lines (one event per line).
pub fn to_jsonl(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        out.push_str(&serde_json::to_string(e).expect("events serialise"));
        out.push('\n');
    }
    out
}

/// Reads events from JSON Lines (blank lines are skipped). Does not verify.
pub fn from_jsonl(text: &str) -> Result<Vec<Event>, TraceError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| TraceError::Json {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: Hash) -> String {
        h.to_string()
    }

    /// GB/T 32905-2016 Appendix A, examples 1 and 2.
    #[test]
    fn sm3_standard_vectors() {
        assert_eq!(
            hex(Hash::sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        let long: Vec<u8> = b"abcd".iter().copied().cycle().take(64).collect();
        assert_eq!(
            hex(Hash::sm3(&long)),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    #[test]
    fn hash_hex_round_trip() {
        let h = Hash::sm3(b"x");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<Hash>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Hash>("\"zz\"").is_err());
        assert!(serde_json::from_str::<Hash>(&format!("\"{}\"", "é".repeat(32))).is_err());
    }
}
