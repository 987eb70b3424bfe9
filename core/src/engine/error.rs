//! The engine's one error type, with a stable code per kind for the bindings.

use crate::calendar::CalendarError;
use chrono::{DateTime, Utc};

use crate::dispute::{CaseCode, Category};
pub use crate::error::ErrorCode;
use crate::hierarchy::HierarchyError;
use crate::hierarchy::{DivisionCode, UnitKind};
use crate::lifecycle::LifecycleError;
use crate::people::IdentityError;
use crate::routing::{Diagnostics, RoutingError};
use crate::trace::TraceError;

/// Everything the engine can refuse, each with the details a program needs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The unit is retired (区划调整): nothing new may be registered or placed there.
    #[error("unit {0} is retired: register at or assign to its successor")]
    RetiredUnit(DivisionCode),
    /// A subtype the rule set's vocabulary does not declare for the category.
    #[error("subtype `{subtype}` is not declared for category `{category}` in the rule set's vocabulary")]
    UndeclaredSubtype {
        /// The category.
        category: Category,
        /// The subtype given.
        subtype: String,
    },
    /// A dispute discovered after the time it is registered at.
    #[error("a dispute cannot be discovered ({discovered_at}) after it is registered ({now})")]
    DiscoveredInFuture {
        /// When it says it was discovered.
        discovered_at: DateTime<Utc>,
        /// The registration time.
        now: DateTime<Utc>,
    },
    /// A discovery time before 1900: no record of a dispute goes back so far; a mistake
    /// (year −1, a zero timestamp read as seconds).
    #[error("discovered_at {discovered_at} is before 1900: give the time the dispute was found (RFC 3339, e.g. 2025-06-09T08:30:00+08:00)")]
    DiscoveredTooEarly {
        /// The time given.
        discovered_at: DateTime<Utc>,
    },
    /// An operation dated before the case's last event: a trace only moves forward.
    #[error("operations on {case} must not go back in time: its last event is at {last}, this one at {now}")]
    TimeGoesBack {
        /// The case.
        case: CaseCode,
        /// Its last event's time.
        last: DateTime<Utc>,
        /// The operation's time.
        now: DateTime<Utc>,
    },
    /// Zero reports (有事报情况、无事报平安) are filed by household heads and grid workers.
    #[error("zero reports are filed by household heads and grid workers, not by {actor}")]
    NotAReporter {
        /// Who tried.
        actor: String,
    },
    /// A resident placed on a unit that is not a household.
    #[error("person {person} must belong to a household, not to {unit} (a {kind})")]
    NotAHousehold {
        /// The person.
        person: String,
        /// The unit given.
        unit: DivisionCode,
        /// What the unit is.
        kind: UnitKind,
    },
    /// A dispute without parties.
    #[error("a dispute needs at least one party")]
    NoParties,
    /// The same party named twice: a person cannot be in dispute with themselves.
    #[error("party {party} is named twice: a dispute is between different parties")]
    DuplicateParty {
        /// The party, as JSON.
        party: String,
    },
    /// A party whose identity number says they were born after the dispute was registered.
    #[error(
        "person {person}'s identity number gives a birth date after {registered}: check the number"
    )]
    BornLater {
        /// The person.
        person: String,
        /// The registration day.
        registered: chrono::NaiveDate,
    },
    /// A resident added or updated at a moment before the birth date their identity number
    /// gives (GB 11643: digits 7–14 are the birth date): a mistyped number, refused so it
    /// never reaches a case.
    #[error(
        "person {person}'s identity number gives the birth date {born}, after today ({today}): check the number (GB 11643, digits 7–14)"
    )]
    BornInFuture {
        /// The person.
        person: String,
        /// The birth date the number gives.
        born: chrono::NaiveDate,
        /// The day the record was added or updated (China time).
        today: chrono::NaiveDate,
    },
    /// An amount no mediation agreement or dispute reaches (more than a trillion yuan):
    /// almost always a unit mistake (分 for 元) or garbage, and it would overflow sums.
    #[error(
        "amount_yuan {amount} is beyond any dispute (at most {max}): is it in 分 rather than 元?"
    )]
    ImplausibleAmount {
        /// The amount given.
        amount: u64,
        /// The largest accepted.
        max: u64,
    },
    /// An operation only the engine makes (`route` from its rules, `register`), supplied
    /// from outside.
    #[error("`{operation}` is not accepted from outside: call route (the engine decides by its rules) or register")]
    NotSupplied {
        /// The operation.
        operation: crate::lifecycle::OperationKind,
    },
    /// A staff member placed where the role does not serve (a grid worker on a household…).
    #[error("staff {staff}: a {role} serves {allowed}, not a {kind} ({unit})")]
    StaffPlacement {
        /// The staff member.
        staff: String,
        /// The role.
        role: crate::staff::Role,
        /// The unit given.
        unit: DivisionCode,
        /// What the unit is.
        kind: UnitKind,
        /// Where the role serves.
        allowed: &'static str,
    },
    /// A period whose first day is after its last.
    #[error("query.from {from} is after query.to {to}: give a period whose first day is on or before its last")]
    BadPeriod {
        /// The first day given.
        from: chrono::NaiveDate,
        /// The last day given.
        to: chrono::NaiveDate,
    },
    /// A journal or snapshot that does not restore.
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// The case is not at the version the caller expected: another writer changed it
    /// first. Reload the case and retry.
    #[error("case {case} is at event {actual}, not {expected} as expected: another writer changed it first; reload it and retry")]
    Conflict {
        /// The case.
        case: CaseCode,
        /// The sequence number the caller expected the case's last event to have.
        expected: u64,
        /// The last event's sequence number.
        actual: u64,
    },
    /// A hierarchy problem.
    #[error(transparent)]
    Hierarchy(#[from] HierarchyError),
    /// An identity-number or phone problem.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// No such person.
    #[error("no person with id `{0}`")]
    UnknownPerson(String),
    /// No such staff member.
    #[error("no staff member with id `{0}`")]
    UnknownStaff(String),
    /// No such agency.
    #[error("no agency with id `{0}`")]
    UnknownAgency(String),
    /// No such case.
    #[error("no case with code `{0}`")]
    UnknownCase(CaseCode),
    /// No case registered for this external reference.
    #[error("no case registered for {system} `{id}`")]
    UnknownExternal {
        /// The other system.
        system: String,
        /// The id there.
        id: String,
    },
    /// An id used twice.
    #[error("{0} already exists")]
    Duplicate(String),
    /// A rule set with errors (all diagnostics inside).
    #[error(transparent)]
    Rules(Diagnostics),
    /// Routing failed.
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// The lifecycle refused an operation.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// A trace does not verify.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// A calendar problem.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Signing or checking a signed head failed.
    #[error(transparent)]
    Signature(#[from] crate::signing::SignatureError),
    /// Sealing or opening personal data failed.
    #[error(transparent)]
    Protection(#[from] crate::personal::ProtectionError),
    /// An external reference or idempotency key that is empty, too long or holds control
    /// characters.
    #[error("input.{field}: {message}")]
    BadReference {
        /// The field (`external.system`, `external.id`, `idempotency_key`).
        field: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A capture device number out of range, or a device's block used up (see
    /// [`crate::capture`]).
    #[error(transparent)]
    Capture(#[from] crate::capture::CaptureError),
    /// An idempotency key already used for another dispute: a key names one registration.
    #[error("idempotency key `{key}` registered {case} with another dispute: a key names one registration; make a new key for a new dispute")]
    KeyReused {
        /// The key.
        key: String,
        /// The case it registered.
        case: CaseCode,
    },
    /// A transfer document intake refused (see [`crate::transfer`]); nothing changed.
    #[error("transfer of {case}: {message}")]
    Transfer {
        /// What is wrong, as a word.
        problem: crate::transfer::TransferProblem,
        /// The case the document carries.
        case: CaseCode,
        /// What is wrong and what to do.
        message: String,
    },
    /// A statistical return a consolidation refused (see [`crate::returns`]); nothing added.
    #[error("return of {unit}: {message}")]
    Return {
        /// What is wrong, as a word.
        problem: crate::returns::ReturnProblem,
        /// The reporting unit.
        unit: crate::hierarchy::DivisionCode,
        /// What is wrong and what to do.
        message: String,
    },
    /// An external reference already registered (without the same idempotency key).
    #[error("{system} `{id}` is already case {case}: a reference is registered once (send the same idempotency key to get the case back)")]
    ExternalTaken {
        /// The other system.
        system: String,
        /// The id there.
        id: String,
        /// The case it is here.
        case: CaseCode,
    },
    /// The actor may not see or act on this.
    #[error("access denied: {actor} may not {action} {target}: {reason}")]
    Denied {
        /// Who tried.
        actor: String,
        /// What they tried.
        action: String,
        /// On what.
        target: String,
        /// Why not.
        reason: String,
    },
}

impl EngineError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::RetiredUnit(_) => ErrorCode::Hierarchy,
            EngineError::UndeclaredSubtype { .. }
            | EngineError::DiscoveredInFuture { .. }
            | EngineError::DiscoveredTooEarly { .. }
            | EngineError::TimeGoesBack { .. }
            | EngineError::NotAReporter { .. }
            | EngineError::NotAHousehold { .. }
            | EngineError::NoParties
            | EngineError::DuplicateParty { .. }
            | EngineError::BornLater { .. }
            | EngineError::BornInFuture { .. }
            | EngineError::ImplausibleAmount { .. }
            | EngineError::NotSupplied { .. }
            | EngineError::StaffPlacement { .. }
            | EngineError::BadPeriod { .. }
            | EngineError::BadReference { .. }
            | EngineError::Capture(_) => ErrorCode::InvalidInput,
            EngineError::KeyReused { .. } => ErrorCode::Conflict,
            EngineError::ExternalTaken { .. } => ErrorCode::Duplicate,
            EngineError::Transfer { problem, .. } => problem.code(),
            EngineError::Return { .. } => ErrorCode::StatisticalReturn,
            EngineError::Journal(_) => ErrorCode::Journal,
            EngineError::Conflict { .. } => ErrorCode::Conflict,
            EngineError::Hierarchy(HierarchyError::Duplicate(_)) => ErrorCode::Duplicate,
            EngineError::Hierarchy(HierarchyError::Unknown(_)) => ErrorCode::NotFound,
            EngineError::Hierarchy(_) => ErrorCode::Hierarchy,
            EngineError::Identity(_) => ErrorCode::Identity,
            EngineError::UnknownPerson(_)
            | EngineError::UnknownStaff(_)
            | EngineError::UnknownAgency(_)
            | EngineError::UnknownCase(_)
            | EngineError::UnknownExternal { .. } => ErrorCode::NotFound,
            EngineError::Duplicate(_) => ErrorCode::Duplicate,
            EngineError::Rules(_) => ErrorCode::RuleSet,
            EngineError::Routing(_) => ErrorCode::Routing,
            EngineError::Lifecycle(_) => ErrorCode::Lifecycle,
            EngineError::Trace(_) => ErrorCode::Trace,
            EngineError::Calendar(_) => ErrorCode::Calendar,
            EngineError::Denied { .. } => ErrorCode::Denied,
            EngineError::Signature(_) => ErrorCode::Signature,
            EngineError::Protection(_) => ErrorCode::Protection,
        }
    }

    /// Machine-readable details: the diagnostics of a rule set, the state and operation of a
    /// refused operation, the position of a trace problem … (`null` when there are none).
    pub fn details(&self) -> serde_json::Value {
        use crate::error::{to_json_value as j, Details as D};
        let problem = |p: &str| D::new().text("problem", p);
        match self {
            EngineError::Rules(d) => j(&d.items),
            EngineError::Lifecycle(e) => j(e),
            EngineError::Trace(e) => j(e),
            EngineError::Denied {
                actor,
                action,
                target,
                reason,
            } => D::new()
                .text("actor", actor)
                .text("action", action)
                .text("target", target)
                .text("reason", reason)
                .build(),
            EngineError::UnknownCase(c) => D::new().text("case", c).build(),
            EngineError::RetiredUnit(u) => problem("retired").text("unit", u).build(),
            EngineError::UndeclaredSubtype { category, subtype } => problem("undeclared_subtype")
                .text("category", category)
                .text("subtype", subtype)
                .build(),
            EngineError::DiscoveredInFuture { discovered_at, now } => {
                problem("discovered_in_future")
                    .instant("discovered_at", *discovered_at)
                    .instant("now", *now)
                    .build()
            }
            EngineError::DiscoveredTooEarly { discovered_at } => problem("discovered_too_early")
                .text("argument", "discovered_at")
                .instant("value", *discovered_at)
                .text("allowed", "from 1900-01-01")
                .build(),
            EngineError::TimeGoesBack { case, last, now } => problem("time_goes_back")
                .text("case", case)
                .instant("last", *last)
                .instant("now", *now)
                .build(),
            EngineError::NotAReporter { actor } => {
                problem("not_a_reporter").text("actor", actor).build()
            }
            EngineError::NotAHousehold { person, unit, kind } => problem("not_a_household")
                .text("person", person)
                .text("unit", unit)
                .text("kind", kind)
                .build(),
            EngineError::NoParties => problem("no_parties").build(),
            EngineError::DuplicateParty { party } => {
                problem("duplicate_party").text("party", party).build()
            }
            EngineError::BornLater { person, registered } => problem("born_later")
                .text("person", person)
                .text("registered", registered)
                .build(),
            EngineError::BornInFuture {
                person,
                born,
                today,
            } => problem("born_in_future")
                .text("argument", "person.id_number")
                .text("person", person)
                .text("born", born)
                .text("today", today)
                .build(),
            EngineError::ImplausibleAmount { amount, max } => problem("implausible_amount")
                .text("argument", "amount_yuan")
                .number("value", *amount)
                .number("max", *max)
                .build(),
            EngineError::NotSupplied { operation } => {
                problem("not_supplied").text("operation", operation).build()
            }
            EngineError::StaffPlacement {
                staff,
                role,
                unit,
                kind,
                allowed,
            } => problem("staff_placement")
                .text("staff", staff)
                .text("role", role)
                .text("unit", unit)
                .text("kind", kind)
                .text("allowed", allowed)
                .build(),
            EngineError::BadPeriod { from, to } => problem("bad_period")
                .text("argument", "query.from")
                .text("value", from)
                .text("to", to)
                .build(),
            EngineError::Journal(e) => j(e),
            EngineError::Signature(e) => j(e),
            EngineError::Protection(e) => j(e),
            EngineError::Conflict {
                case,
                expected,
                actual,
            } => D::new()
                .text("case", case)
                .number("expected", *expected)
                .number("actual", *actual)
                .build(),
            EngineError::Hierarchy(e) => e.details(),
            EngineError::Identity(e) => problem(e.kind()).build(),
            EngineError::BadReference { field, .. } => problem("bad_reference")
                .text("argument", format!("input.{field}"))
                .build(),
            EngineError::Capture(crate::capture::CaptureError::BadDevice { value }) => {
                problem("bad_capture_device")
                    .text("argument", "capture_device")
                    .text("value", value)
                    .text("allowed", "1 to 99999")
                    .build()
            }
            EngineError::Capture(crate::capture::CaptureError::BlockFull { device }) => {
                problem("capture_block_full")
                    .text("device", device)
                    .text("allowed", "9999 registrations a location a day")
                    .build()
            }
            EngineError::KeyReused { key, case } => problem("key_reused")
                .text("key", key)
                .text("case", case)
                .build(),
            EngineError::Transfer {
                problem: p, case, ..
            } => problem(p.as_str()).text("case", case).build(),
            EngineError::Return {
                problem: p, unit, ..
            } => problem(p.as_str()).text("unit", unit).build(),
            EngineError::ExternalTaken { system, id, case } => problem("external_taken")
                .text("system", system)
                .text("id", id)
                .text("case", case)
                .build(),
            EngineError::UnknownPerson(id)
            | EngineError::UnknownStaff(id)
            | EngineError::UnknownAgency(id) => D::new().text("id", id).build(),
            _ => serde_json::Value::Null,
        }
    }
}
