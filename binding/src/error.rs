//! The binding error: one stable code, a message a host developer understands, and JSON
//! details a program can read. The C ABI turns the code into its `FqStatus` (same numbers),
//! WebAssembly into a `FengqiaoError` whose `code` is [`Code::as_str`].

use fengqiao::engine::{EngineError, ErrorCode};
use serde_json::Value;

/// Every code a binding call can fail with: the core's [`ErrorCode`]s and the few that only
/// exist at a boundary (a null pointer, invalid UTF-8, a dead handle). The numbers are the
/// C ABI's statuses and never change; new codes are added at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u8)]
pub enum Code {
    /// Malformed input: invalid JSON, an unknown field or value, an out-of-range time.
    InvalidInput = 1,
    /// A hierarchy or division-code problem.
    Hierarchy = 2,
    /// An identity number or phone problem.
    Identity = 3,
    /// Something referred to does not exist.
    NotFound = 4,
    /// An id that already exists.
    Duplicate = 5,
    /// A rule set with errors.
    RuleSet = 6,
    /// A dispute that could not be routed.
    Routing = 7,
    /// An operation the lifecycle refused.
    Lifecycle = 8,
    /// A trace that does not verify.
    Trace = 9,
    /// A calendar problem.
    Calendar = 10,
    /// Outside the actor's remit.
    Denied = 11,
    /// A bug: a panic caught at the boundary.
    Internal = 12,
    /// A required pointer argument was null (C only).
    NullPointer = 13,
    /// A string argument was not valid UTF-8 (C only).
    InvalidUtf8 = 14,
    /// A handle that is not live (C only).
    InvalidHandle = 15,
    /// A journal or snapshot that does not restore (the details name the entry).
    Journal = 16,
    /// A stale expected version: another writer changed the case first.
    Conflict = 17,
    /// A signed head that does not verify, or a signer that failed.
    Seal = 18,
    /// Personal data that could not be sealed or opened.
    Protection = 19,
}

impl Code {
    /// Every code, in number order.
    pub const ALL: &'static [Code] = &[
        Code::InvalidInput,
        Code::Hierarchy,
        Code::Identity,
        Code::NotFound,
        Code::Duplicate,
        Code::RuleSet,
        Code::Routing,
        Code::Lifecycle,
        Code::Trace,
        Code::Calendar,
        Code::Denied,
        Code::Internal,
        Code::NullPointer,
        Code::InvalidUtf8,
        Code::InvalidHandle,
        Code::Journal,
        Code::Conflict,
        Code::Seal,
        Code::Protection,
    ];

    /// The stable word for the code (`"lifecycle"`, `"not_found"` …): the JS error's
    /// `code`, and what `fq_status_name` returns.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NullPointer => "null_pointer",
            Code::InvalidUtf8 => "invalid_utf8",
            Code::InvalidHandle => "invalid_handle",
            other => other.core().map_or("internal", ErrorCode::as_str),
        }
    }

    /// The core's code of the same name, for the codes that have one.
    pub fn core(self) -> Option<ErrorCode> {
        Some(match self {
            Code::InvalidInput => ErrorCode::InvalidInput,
            Code::Hierarchy => ErrorCode::Hierarchy,
            Code::Identity => ErrorCode::Identity,
            Code::NotFound => ErrorCode::NotFound,
            Code::Duplicate => ErrorCode::Duplicate,
            Code::RuleSet => ErrorCode::RuleSet,
            Code::Routing => ErrorCode::Routing,
            Code::Lifecycle => ErrorCode::Lifecycle,
            Code::Trace => ErrorCode::Trace,
            Code::Calendar => ErrorCode::Calendar,
            Code::Denied => ErrorCode::Denied,
            Code::Internal => ErrorCode::Internal,
            Code::Journal => ErrorCode::Journal,
            Code::Conflict => ErrorCode::Conflict,
            Code::Seal => ErrorCode::Seal,
            Code::Protection => ErrorCode::Protection,
            Code::NullPointer | Code::InvalidUtf8 | Code::InvalidHandle => return None,
        })
    }

    /// The binding code of a core code.
    pub fn of(code: ErrorCode) -> Code {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.core() == Some(code))
            .unwrap_or(Code::Internal)
    }
}

/// A failed binding call: see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingError {
    /// What kind of failure.
    pub code: Code,
    /// For people: names the argument, the value (never a whole identity number) and what
    /// is allowed.
    pub message: String,
    /// For programs: rule diagnostics, the refused state and operation, the argument and
    /// position of a JSON error … (`null` when there are none).
    pub details: Value,
}

impl BindingError {
    /// An error without details.
    pub fn new(code: Code, message: impl Into<String>) -> BindingError {
        BindingError {
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    /// The same error with details.
    pub fn with_details(mut self, details: Value) -> BindingError {
        self.details = details;
        self
    }

    /// A malformed argument: the message names it.
    pub fn argument(name: &str, what: impl std::fmt::Display) -> BindingError {
        BindingError::new(Code::InvalidInput, format!("argument `{name}`: {what}")).with_details(
            fengqiao::engine::Details::new()
                .text("argument", name)
                .build(),
        )
    }

    /// A caught panic: a bug in fengqiao, reported as `internal` with its message.
    pub fn panic(payload: &(dyn std::any::Any + Send)) -> BindingError {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        BindingError::new(
            Code::Internal,
            format!("internal error (a bug in fengqiao): {what}"),
        )
    }
}

impl From<EngineError> for BindingError {
    fn from(e: EngineError) -> BindingError {
        BindingError {
            code: Code::of(e.code()),
            message: e.to_string(),
            details: e.details(),
        }
    }
}

impl std::fmt::Display for BindingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for BindingError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_a_binding_code_of_the_same_word() {
        for &c in ErrorCode::ALL {
            assert_eq!(Code::of(c).as_str(), c.as_str());
            assert_eq!(Code::of(c).core(), Some(c));
        }
        let words: std::collections::BTreeSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(words.len(), Code::ALL.len(), "words are distinct");
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i + 1, "numbers are dense and in order");
        }
    }
}
