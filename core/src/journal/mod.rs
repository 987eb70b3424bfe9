//! The journal (变更日志): every change an engine accepts, in the order it accepted it, with
//! a global, gap-free sequence number, so that a host stores it in its own database (the
//! outbox pattern: in the same transaction as its own data) and rebuilds the engine from it
//! after a restart. The engine never does I/O; `fengqiao-store` is one store built on this,
//! and a host on a database the library does not know (达梦, Oracle) stores the same
//! entries through its own driver.
//!
//! Each entry carries a **digest** that chains it to everything before it, back to the world
//! document the engine was built from:
//!
//! ```text
//! origin   = SM3("fengqiao-journal/1\n" ‖ canonical JSON of the world document)
//! digest_n = SM3(digest_{n-1} ‖ "E" ‖ event.hash)               for a case event
//! digest_n = SM3(digest_{n-1} ‖ "C" ‖ canonical JSON of change)  for any other change
//! ```
//!
//! (digests as their raw 32 bytes; the canonical JSON is what `serde_json` writes for the
//! types here, fields in declaration order, no spaces). A case event's own hash already
//! commits to its content and to the case's previous event (see [`crate::trace`]), so the
//! journal digest costs one SM3 block per event. An entry that was changed, dropped,
//! duplicated, moved or taken from another world's journal breaks the chain at that entry;
//! the digest at a sequence number is a head a host can keep apart from the entries (or
//! sign) to detect a journal rewritten as a whole.
//!
//! ```
//! use fengqiao::engine::{Engine, WorldData};
//! use fengqiao::trace::Actor;
//! let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
//! let mut engine = Engine::from_world(world.clone())?;
//! engine.set_available("gw-522301001001001", false)?;
//! let entries = engine.journal(0, usize::MAX)?;
//! assert_eq!(entries.len(), 1);
//! // A restart: the same engine, rebuilt from the world document and the stored entries.
//! let again = Engine::restore(world, entries.clone())?;
//! assert_eq!(again.journal_digest(), engine.journal_digest());
//! assert!(!again.staff("gw-522301001001001").unwrap().available);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::access::{Denial, Privacy};
use crate::agency::Agency;
use crate::cadence::ZeroReport;
use crate::calendar::YearNotice;
use crate::dispute::CaseCode;
use crate::hierarchy::{DivisionCode, Unit};
use crate::people::Person;
use crate::routing::RuleSet;
use crate::staff::Staff;
use crate::trace::{Actor, Event, Hash};

mod parts;
pub use parts::{is_parts, PartsHead, PARTS_FORMAT};
pub(crate) use parts::{read_case_line, PartsForm};

/// The journal format this library writes and reads. An entry of another format is refused
/// by restore, by name.
pub const FORMAT: u32 = 1;

/// One accepted change: see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    /// The format ([`FORMAT`]).
    pub v: u32,
    /// 1, 2, 3 … without gaps, in the order the engine accepted the changes.
    pub seq: u64,
    /// The digest of the journal up to and including this entry.
    pub digest: Hash,
    /// What changed.
    pub change: Change,
}

/// What a journal entry records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// An event of a case's trace (registration, routing, every lifecycle operation).
    Event(Event),
    /// A unit was added.
    UnitAdded(Unit),
    /// A unit and its subtree moved (区划调整).
    UnitMoved {
        /// Its code before.
        code: DivisionCode,
        /// Its new parent.
        new_parent: DivisionCode,
        /// Its code after.
        new_code: DivisionCode,
    },
    /// A unit was retired.
    UnitRetired {
        /// The unit.
        code: DivisionCode,
    },
    /// A resident was added.
    PersonAdded(Person),
    /// A resident's record was replaced (a new phone, a move to another household).
    PersonUpdated(Person),
    /// A staff member was added.
    StaffAdded(Staff),
    /// A staff member's record was replaced (a new post, other units covered).
    StaffUpdated(Staff),
    /// An agency was added.
    AgencyAdded(Agency),
    /// A staff member became available or unavailable.
    Availability {
        /// The staff member.
        staff: String,
        /// Available or not.
        available: bool,
    },
    /// A rule set was loaded: who loaded which version, and when.
    // Boxed: a rule set is the largest change by far, and every entry read in a restore is
    // one of these values.
    RulesLoaded(Box<RulesLoaded>),
    /// The calendar was replaced: every holiday notice it holds.
    CalendarSet {
        /// The notices, by year.
        years: Vec<YearNotice>,
    },
    /// A unit's local calendar was set (or removed: no days).
    LocalCalendarSet(crate::calendar::LocalCalendar),
    /// The privacy settings were replaced.
    PrivacySet(Privacy),
    /// A zero report was filed.
    ReportFiled {
        /// By whom.
        staff: String,
        /// The report.
        report: ZeroReport,
    },
    /// A request was refused (the access log).
    Denied(Denial),
    /// A resident's record, added or replaced, with its personal data sealed (see
    /// [`crate::personal`]).
    PersonSealed(crate::personal::SealedPerson),
    /// A subject's personal data was erased: its key destroyed.
    PersonalErased {
        /// A resident's id or a case code.
        subject: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// An audit entry (see [`crate::audit`]).
    Audit(crate::audit::AuditEntry),
}

impl Change {
    /// The case event, if this is one.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Change::Event(e) => Some(e),
            _ => None,
        }
    }

    /// The kind of change as a word (`event`, `unit_added`, …), for messages and indexes.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Event(_) => "event",
            Change::UnitAdded(_) => "unit_added",
            Change::UnitMoved { .. } => "unit_moved",
            Change::UnitRetired { .. } => "unit_retired",
            Change::PersonAdded(_) => "person_added",
            Change::PersonUpdated(_) => "person_updated",
            Change::StaffAdded(_) => "staff_added",
            Change::StaffUpdated(_) => "staff_updated",
            Change::AgencyAdded(_) => "agency_added",
            Change::Availability { .. } => "availability",
            Change::RulesLoaded(_) => "rules_loaded",
            Change::CalendarSet { .. } => "calendar_set",
            Change::LocalCalendarSet(_) => "local_calendar_set",
            Change::PrivacySet(_) => "privacy_set",
            Change::ReportFiled { .. } => "report_filed",
            Change::Denied(_) => "denied",
            Change::PersonSealed(_) => "person_sealed",
            Change::PersonalErased { .. } => "personal_erased",
            Change::Audit(_) => "audit",
        }
    }
}

/// A rule-set load, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RulesLoaded {
    /// The rule set, whole.
    pub rules: RuleSet,
    /// SM3 of the rule set's canonical JSON: the version's fingerprint.
    pub body_sm3: Hash,
    /// Who loaded it.
    pub by: Actor,
    /// When (absent for loads that carried no time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// Why a journal, a snapshot or an expected version was refused, and where. Restore refuses
/// the whole journal on the first problem: never a half-restored engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("journal entry {seq}{}: {message}", case.as_ref().map(|c| format!(" (case {c}, seq {})", case_seq.unwrap_or(0))).unwrap_or_default())]
pub struct JournalError {
    /// The journal sequence number of the entry (0 for the snapshot itself).
    pub seq: u64,
    /// The case, for a case event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseCode>,
    /// The event's sequence number within its case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_seq: Option<u64>,
    /// What is wrong, as a word.
    pub problem: JournalProblem,
    /// What is wrong, for people.
    pub message: String,
}

crate::vocab::domain_enum! {
    /// What is wrong with a journal entry.
    #[non_exhaustive]
    pub enum JournalProblem {
        /// Another format than [`FORMAT`].
        Format = ("format", "格式版本不符", "unsupported format"),
        /// Not the next sequence number: entries are missing, duplicated or reordered.
        Sequence = ("sequence", "序号不连续", "sequence gap"),
        /// The digest does not follow: the entry was changed, or it belongs to another world.
        Digest = ("digest", "摘要不符", "digest mismatch"),
        /// A case event that does not verify or replay.
        Event = ("event", "案件事件校验失败", "case event does not verify"),
        /// A change the engine refuses (it refused it then too, or the world differs).
        Refused = ("refused", "变更被拒绝", "change refused"),
        /// The entry could not be read.
        Unreadable = ("unreadable", "无法读取", "unreadable entry"),
        /// Asked for entries the engine no longer holds (before its snapshot).
        Unavailable = ("unavailable", "条目不可用", "entries unavailable"),
    }
}

/// The journal's origin: the digest of the world document an engine was built from.
pub fn origin(world: &crate::world::WorldData) -> Hash {
    let mut h = Sm3::new();
    h.update(b"fengqiao-journal/1\n");
    h.update(serde_json::to_vec(world).expect("worlds serialise"));
    Hash(h.finalize().into())
}

/// The digest after `change`, following `prev`: see the module docs.
pub fn chain(prev: &Hash, change: &Change) -> Hash {
    let mut h = Sm3::new();
    h.update(prev.0);
    match change {
        Change::Event(e) => {
            h.update(b"E");
            h.update(e.hash.0);
        }
        other => {
            h.update(b"C");
            crate::trace::hash_json(&mut h, other);
        }
    }
    Hash(h.finalize().into())
}

/// SM3 of a rule set's canonical JSON.
pub fn rules_sm3(rules: &RuleSet) -> Hash {
    Hash::sm3(&serde_json::to_vec(rules).expect("rule sets serialise"))
}

/// A whole engine at one journal sequence number: the world as it is then (places,
/// residents, staff without loads, agencies, current rules, calendar, privacy), every rule
/// set a case was decided under, every case's trace, the zero reports and the denials.
/// Restore from it and the entries after `seq` instead of from the whole journal.
///
/// The snapshot is checked when restored: every case's trace verifies and replays, every
/// rule-set version a decision names is present, and the entries after it chain from
/// `digest`. Compare `digest` with the one you keep apart to know it is the one you wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The format ([`FORMAT`]).
    pub v: u32,
    /// The journal sequence number it was taken at.
    pub seq: u64,
    /// The journal digest at `seq`.
    pub digest: Hash,
    /// The journal's origin (the digest of the first world document).
    pub origin: Hash,
    /// The world at `seq`.
    pub world: crate::world::WorldData,
    /// Every rule set a case was decided under, besides the current one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_sets: Vec<RuleSet>,
    /// Every case's trace, in case-code order.
    pub cases: Vec<Vec<Event>>,
    /// Zero reports: (staff, report).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<(String, ZeroReport)>,
    /// Refused requests, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denials: Vec<Denial>,
    /// The audit record besides the denials, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<crate::audit::AuditEntry>,
}

/// Parses JSON Lines of journal entries (blank lines skipped); a line that cannot be read
/// is an [`JournalProblem::Unreadable`] error naming the line.
pub fn from_jsonl(text: &str) -> impl Iterator<Item = Result<JournalEntry, JournalError>> + '_ {
    jsonl_lines(text).map(read_line)
}

/// The lines of JSON Lines that hold an entry (blank lines skipped), each with its line
/// number (from 1), not yet parsed: for [`crate::engine::Engine::restore_read`], which
/// parses them with [`read_line`] on a second thread.
pub fn jsonl_lines(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
}

/// Parses one line of [`jsonl_lines`]; a line that cannot be read is an
/// [`JournalProblem::Unreadable`] error naming it.
pub fn read_line((number, line): (usize, &str)) -> Result<JournalEntry, JournalError> {
    serde_json::from_str(line).map_err(|e| JournalError {
        seq: 0,
        case: None,
        case_seq: None,
        problem: JournalProblem::Unreadable,
        message: format!("line {number} cannot be read: {e}"),
    })
}

/// Writes entries as JSON Lines.
pub fn to_jsonl(entries: &[JournalEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(&serde_json::to_string(e).expect("entries serialise"));
        out.push('\n');
    }
    out
}
