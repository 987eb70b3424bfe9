//! The binding error: one stable code, a message a host developer understands, and JSON
//! details a program can read. The C ABI turns the code into its `FqStatus` (same numbers),
//! WebAssembly into a `FengqiaoError` whose `code` is [`Code::as_str`].

use fengqiao::engine::{EngineError, ErrorCode};
use serde_json::Value;

/// Declares the one list of error codes: the `Code` enum and its table. Each row is the
/// variant, its number (the C ABI's status, never changed; new codes go at the end), its
/// word (JS `code`, `fq_status_name`, Java `ErrorCode.word()`), the core code it carries
/// (or `None` for a code that only exists at a boundary), whether JavaScript can meet it,
/// and its documentation.
macro_rules! codes {
    ($( $(#[doc = $doc:literal])+ $var:ident = ($n:literal, $word:literal, $core:expr, $js:literal) ),+ $(,)?) => {
        /// Every code a binding call can fail with: the core's [`ErrorCode`]s and the few that
        /// only exist at a boundary (a null pointer, invalid UTF-8, a dead handle). The numbers
        /// are the C ABI's statuses and never change; new codes are added at the end.
        ///
        /// This is the one list: `cargo run -p xtask` writes from [`CODES`] the C `FqStatus`
        /// (and so the header), Java's `ErrorCode`, the TypeScript union and the error
        /// schema's enum.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u8)]
        pub enum Code {
            $( $(#[doc = $doc])+ $var = $n, )+
        }

        /// The list, in number order: what generators and hosts enumerate.
        pub const CODES: &[CodeInfo] = &[
            $( CodeInfo {
                code: Code::$var,
                name: stringify!($var),
                number: $n,
                word: $word,
                core: $core,
                javascript: $js,
                doc: concat!($($doc, "\n"),+),
            }, )+
        ];
    };
}

/// One row of [`CODES`].
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Its Rust variant's name (`NotFound`): generators derive `FQ_STATUS_NOT_FOUND`,
    /// `NOT_FOUND`.
    pub name: &'static str,
    /// The C status number.
    pub number: u8,
    /// The stable word.
    pub word: &'static str,
    /// The core code it carries; `None` for a boundary-only code.
    pub core: Option<ErrorCode>,
    /// Whether JavaScript can meet it (no pointers or handles there).
    pub javascript: bool,
    /// Its documentation, one line per doc-comment line.
    pub doc: &'static str,
}

codes! {
    /// Malformed input: invalid JSON, an unknown field or value, an out-of-range time; the
    /// message names the argument, the value and what is allowed.
    InvalidInput = (1, "invalid_input", Some(ErrorCode::InvalidInput), true),
    /// A hierarchy or division-code problem.
    Hierarchy = (2, "hierarchy", Some(ErrorCode::Hierarchy), true),
    /// An identity number or phone problem.
    Identity = (3, "identity", Some(ErrorCode::Identity), true),
    /// A person, staff member, agency, unit or case that does not exist.
    NotFound = (4, "not_found", Some(ErrorCode::NotFound), true),
    /// An id that already exists.
    Duplicate = (5, "duplicate", Some(ErrorCode::Duplicate), true),
    /// A rule set with errors (the details list every diagnostic).
    RuleSet = (6, "rule_set", Some(ErrorCode::RuleSet), true),
    /// A dispute that could not be routed.
    Routing = (7, "routing", Some(ErrorCode::Routing), true),
    /// An operation the lifecycle refused (the details name the state, the operation and
    /// the refusal).
    Lifecycle = (8, "lifecycle", Some(ErrorCode::Lifecycle), true),
    /// A trace that does not verify (the details locate the problem).
    Trace = (9, "trace", Some(ErrorCode::Trace), true),
    /// A calendar problem (a year without a holiday notice, a contradictory local calendar).
    Calendar = (10, "calendar", Some(ErrorCode::Calendar), true),
    /// Outside the actor's remit; the attempt was logged.
    Denied = (11, "denied", Some(ErrorCode::Denied), true),
    /// A bug in the library (a caught panic): report it.
    Internal = (12, "internal", Some(ErrorCode::Internal), true),
    /// A required pointer argument was null (C and Java only).
    NullPointer = (13, "null_pointer", None, false),
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = (14, "invalid_utf8", None, true),
    /// The engine handle is not a live handle from `fq_engine_new` (C and Java only).
    InvalidHandle = (15, "invalid_handle", None, false),
    /// A journal or snapshot that does not restore (the details name the entry: journal
    /// sequence, case, case sequence, problem).
    Journal = (16, "journal", Some(ErrorCode::Journal), true),
    /// The case is not at the expected sequence number: another writer changed it first.
    Conflict = (17, "conflict", Some(ErrorCode::Conflict), true),
    /// A signed head that does not verify, or a signer that failed.
    Signature = (18, "signature", Some(ErrorCode::Signature), true),
    /// Personal data that could not be sealed or opened.
    Protection = (19, "protection", Some(ErrorCode::Protection), true),
    /// A transfer document intake refused (the details name the problem: `format`,
    /// `shape`, `unsigned`, `elsewhere`, `not_sent_here`).
    Transfer = (20, "transfer", Some(ErrorCode::Transfer), true),
    /// A statistical return a consolidation refused (the details name the problem and the
    /// unit: `format`, `period`, `not_below`, `twice`, `counted_twice`, `inconsistent`,
    /// `unsigned`).
    StatisticalReturn = (21, "statistical_return", Some(ErrorCode::StatisticalReturn), true),
}

impl Code {
    /// Every code, in number order.
    pub const ALL: &'static [Code] = &{
        let mut all = [Code::Internal; CODES.len()];
        let mut i = 0;
        while i < CODES.len() {
            all[i] = CODES[i].code;
            i += 1;
        }
        all
    };

    fn info(self) -> &'static CodeInfo {
        &CODES[self as usize - 1]
    }

    /// The stable word for the code (`"lifecycle"`, `"not_found"` …): the JS error's
    /// `code`, and what `fq_status_name` returns.
    pub fn as_str(self) -> &'static str {
        self.info().word
    }

    /// The core's code of the same name, for the codes that have one.
    pub fn core(self) -> Option<ErrorCode> {
        self.info().core
    }

    /// The binding code of a core code.
    pub fn of(code: ErrorCode) -> Code {
        CODES
            .iter()
            .find(|c| c.core == Some(code))
            .map_or(Code::Internal, |c| c.code)
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
            assert_eq!(CODES[i].number as usize, i + 1);
        }
    }
}
