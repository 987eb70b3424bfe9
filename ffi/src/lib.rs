//! # fengqiao C ABI
//!
//! A C interface to the fengqiao engine for hosts in C, Java (JNA / FFM), C# (P/Invoke), Go
//! (cgo) and Python (ctypes). Conversion only: every domain rule lives in the core.
//!
//! ## Conventions
//!
//! - **Handles.** `FqEngine` is opaque. Create it with `fq_engine_new`, release it with
//!   `fq_engine_free`. A null, foreign or already-freed handle is reported as
//!   `FQ_STATUS_INVALID_HANDLE` (or `FQ_STATUS_NULL_POINTER`), never dereferenced.
//! - **Data.** Structured values cross as UTF-8 JSON in the shapes of the Rust serde model
//!   (see `docs/data-model.md`). Times are milliseconds since the Unix epoch (UTC); dates are
//!   `YYYY-MM-DD` strings (China time).
//! - **Strings out.** Every `char*` the library returns through an out-parameter is owned by
//!   the caller and must be released with `fq_string_free` — never with `free`.
//! - **Errors as values.** Every fallible function returns an `FqStatus`. If its last
//!   argument `err` is not null and the call fails, `*err` receives an `FqError` with a code,
//!   a message and JSON details (rule ids and paths for rule-set errors, state and
//!   operation for lifecycle errors); release it with `fq_error_free`. There is no global or
//!   thread-local error state.
//! - **Panics** never cross the boundary: each entry point catches them and returns
//!   `FQ_STATUS_INTERNAL`.
//! - **Threads.** An `FqEngine` may be shared between threads: every `fq_engine_*` function
//!   takes an internal reader–writer lock (reads in parallel, changes one at a time).
//!   `fq_engine_free` must not race with other calls on the same handle.

use std::collections::BTreeSet;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock, RwLock};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fengqiao::engine::{Engine, EngineError, ErrorCode, WorldData};
use fengqiao::trace::Actor;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The library's semantic version, NUL-terminated.
pub const FQ_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The status of a call. `FQ_STATUS_OK` (0) is success; every other value names the kind of
/// failure, matching the core's error codes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FqStatus {
    /// Success.
    Ok = 0,
    /// Malformed input: invalid JSON, an unknown field or value, an out-of-range time.
    InvalidInput = 1,
    /// A hierarchy or division-code problem.
    Hierarchy = 2,
    /// An identity number or phone problem.
    Identity = 3,
    /// A person, staff member, agency or case that does not exist.
    NotFound = 4,
    /// An id that already exists.
    Duplicate = 5,
    /// A rule set with errors (the details list every diagnostic).
    RuleSet = 6,
    /// A dispute that could not be routed.
    Routing = 7,
    /// An operation the lifecycle refused (the details name the state and operation).
    Lifecycle = 8,
    /// A trace that does not verify (the details locate the problem).
    Trace = 9,
    /// A calendar problem (e.g. a year without a holiday notice).
    Calendar = 10,
    /// Outside the actor's remit; the attempt was logged.
    Denied = 11,
    /// A bug in the library (a caught panic).
    Internal = 12,
    /// A required pointer argument was null.
    NullPointer = 13,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 14,
    /// The engine handle is not a live handle from `fq_engine_new`.
    InvalidHandle = 15,
}

/// An error object: code, message and JSON details. Opaque; read it with
/// `fq_error_code`, `fq_error_message`, `fq_error_details`; release it with `fq_error_free`.
pub struct FqError {
    code: FqStatus,
    message: CString,
    details: CString,
}

/// An engine: a world (hierarchy, people, staff, agencies, rules, calendar) and its cases.
pub struct FqEngine {
    inner: RwLock<Engine>,
}

struct Failure {
    status: FqStatus,
    message: String,
    details: serde_json::Value,
}

impl Failure {
    fn new(status: FqStatus, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            details: serde_json::Value::Null,
        }
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Failure {
        let status = match e.code() {
            ErrorCode::InvalidInput => FqStatus::InvalidInput,
            ErrorCode::Hierarchy => FqStatus::Hierarchy,
            ErrorCode::Identity => FqStatus::Identity,
            ErrorCode::NotFound => FqStatus::NotFound,
            ErrorCode::Duplicate => FqStatus::Duplicate,
            ErrorCode::RuleSet => FqStatus::RuleSet,
            ErrorCode::Routing => FqStatus::Routing,
            ErrorCode::Lifecycle => FqStatus::Lifecycle,
            ErrorCode::Trace => FqStatus::Trace,
            ErrorCode::Calendar => FqStatus::Calendar,
            ErrorCode::Denied => FqStatus::Denied,
            ErrorCode::Internal => FqStatus::Internal,
        };
        Failure {
            status,
            message: e.to_string(),
            details: e.details(),
        }
    }
}

type Res<T> = Result<T, Failure>;

fn live() -> &'static Mutex<BTreeSet<usize>> {
    static LIVE: OnceLock<Mutex<BTreeSet<usize>>> = OnceLock::new();
    LIVE.get_or_init(|| Mutex::new(BTreeSet::new()))
}

fn lock_live() -> std::sync::MutexGuard<'static, BTreeSet<usize>> {
    live().lock().unwrap_or_else(|p| p.into_inner())
}

fn c_string(s: String) -> CString {
    // JSON and messages never contain NUL; if one did, it is replaced rather than lost.
    CString::new(s).unwrap_or_else(|e| {
        let bytes: Vec<u8> = e
            .into_vec()
            .into_iter()
            .map(|b| if b == 0 { b'?' } else { b })
            .collect();
        CString::new(bytes).expect("NULs replaced")
    })
}

/// Runs `f`, catching panics, and turns a failure into a status and an error object.
fn call(err: *mut *mut FqError, f: impl FnOnce() -> Res<()>) -> FqStatus {
    if !err.is_null() {
        // SAFETY: the caller passes either null or a valid pointer to an FqError* slot.
        unsafe { *err = std::ptr::null_mut() };
    }
    let failure = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return FqStatus::Ok,
        Ok(Err(f)) => f,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Failure::new(
                FqStatus::Internal,
                format!("internal error (a bug in fengqiao): {what}"),
            )
        }
    };
    let status = failure.status;
    if !err.is_null() {
        let e = Box::new(FqError {
            code: status,
            message: c_string(failure.message),
            details: c_string(failure.details.to_string()),
        });
        // SAFETY: as above.
        unsafe { *err = Box::into_raw(e) };
    }
    status
}

/// The default largest string argument accepted: 512 MiB.
pub const FQ_DEFAULT_MAX_INPUT_BYTES: usize = 512 << 20;

static MAX_INPUT: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(FQ_DEFAULT_MAX_INPUT_BYTES);

fn set_max_input(n: usize) {
    let n = if n == 0 {
        FQ_DEFAULT_MAX_INPUT_BYTES
    } else {
        n
    };
    MAX_INPUT.store(n, std::sync::atomic::Ordering::Relaxed);
}

fn text<'a>(p: *const c_char, name: &str) -> Res<&'a str> {
    if p.is_null() {
        return Err(Failure::new(
            FqStatus::NullPointer,
            format!("argument `{name}` is null"),
        ));
    }
    // SAFETY: non-null, and the caller promises a NUL-terminated string that outlives the call.
    let s = unsafe { CStr::from_ptr(p) };
    let max = MAX_INPUT.load(std::sync::atomic::Ordering::Relaxed);
    if s.to_bytes().len() > max {
        return Err(Failure::new(
            FqStatus::InvalidInput,
            format!(
                "argument `{name}` is {} bytes, more than the limit of {max} (fq_set_max_input_bytes)",
                s.to_bytes().len()
            ),
        ));
    }
    s.to_str().map_err(|e| {
        Failure::new(
            FqStatus::InvalidUtf8,
            format!("argument `{name}` is not valid UTF-8: {e}"),
        )
    })
}

fn json<T: DeserializeOwned>(p: *const c_char, name: &str) -> Res<T> {
    let s = text(p, name)?;
    serde_json::from_str(s).map_err(|e| {
        let mut f = Failure::new(FqStatus::InvalidInput, format!("argument `{name}`: {e}"));
        f.details = serde_json::json!({"argument": name, "line": e.line(), "column": e.column()});
        f
    })
}

fn time(ms: i64) -> Res<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single().ok_or_else(|| {
        Failure::new(
            FqStatus::InvalidInput,
            format!("time {ms} ms is out of range"),
        )
    })
}

fn date(p: *const c_char, name: &str) -> Res<NaiveDate> {
    let s = text(p, name)?;
    s.parse().map_err(|e| {
        Failure::new(
            FqStatus::InvalidInput,
            format!("argument `{name}` must be YYYY-MM-DD: {e}"),
        )
    })
}

fn out_slot(out: *mut *mut c_char) -> Res<()> {
    if out.is_null() {
        return Err(Failure::new(
            FqStatus::NullPointer,
            "the output argument is null",
        ));
    }
    // SAFETY: non-null pointer to a char* slot provided by the caller.
    unsafe { *out = std::ptr::null_mut() };
    Ok(())
}

fn put(out: *mut *mut c_char, s: String) -> Res<()> {
    out_slot(out)?;
    // SAFETY: checked non-null above.
    unsafe { *out = c_string(s).into_raw() };
    Ok(())
}

fn put_json<T: Serialize>(out: *mut *mut c_char, v: &T) -> Res<()> {
    let s =
        serde_json::to_string(v).map_err(|e| Failure::new(FqStatus::Internal, e.to_string()))?;
    put(out, s)
}

fn handle<'a>(p: *const FqEngine) -> Res<&'a FqEngine> {
    if p.is_null() {
        return Err(Failure::new(
            FqStatus::NullPointer,
            "the engine handle is null",
        ));
    }
    if !lock_live().contains(&(p as usize)) {
        return Err(Failure::new(
            FqStatus::InvalidHandle,
            "the engine handle is not live (never created by fq_engine_new, or already freed)",
        ));
    }
    // SAFETY: the registry holds exactly the pointers produced by fq_engine_new and not yet
    // freed; the caller must not free concurrently (documented).
    Ok(unsafe { &*p })
}

fn read<T>(p: *const FqEngine, f: impl FnOnce(&Engine) -> Res<T>) -> Res<T> {
    let h = handle(p)?;
    let g = h.inner.read().unwrap_or_else(|e| e.into_inner());
    f(&g)
}

fn write<T>(p: *const FqEngine, f: impl FnOnce(&mut Engine) -> Res<T>) -> Res<T> {
    let h = handle(p)?;
    let mut g = h.inner.write().unwrap_or_else(|e| e.into_inner());
    f(&mut g)
}

mod api;
pub use api::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_pkg_config_carry_the_crate_version() {
        let v = env!("CARGO_PKG_VERSION");
        let header = include_str!("../include/fengqiao.h");
        assert!(
            header.contains(&format!("#define FQ_VERSION_STRING \"{v}\"")),
            "update ffi/cbindgen.toml"
        );
        let pc = include_str!("../fengqiao.pc.in");
        assert!(
            pc.contains(&format!("Version: {v}")),
            "update ffi/fengqiao.pc.in"
        );
        // SAFETY: fq_version returns a static NUL-terminated string.
        let got = unsafe { std::ffi::CStr::from_ptr(fq_version()) };
        assert_eq!(got.to_str().unwrap(), v);
    }

    #[test]
    fn every_core_error_code_maps_to_the_status_of_the_same_name() {
        let snake = |s: String| {
            s.chars()
                .enumerate()
                .fold(String::new(), |mut acc, (i, c)| {
                    if c.is_uppercase() && i > 0 {
                        acc.push('_');
                    }
                    acc.push(c.to_ascii_lowercase());
                    acc
                })
        };
        for code in ErrorCode::ALL.iter().filter(|c| **c != ErrorCode::Internal) {
            let status = Failure::from(sample(*code)).status;
            assert_eq!(snake(format!("{status:?}")), code.as_str());
        }
    }

    fn sample(code: ErrorCode) -> EngineError {
        use fengqiao::hierarchy::HierarchyError;
        match code {
            ErrorCode::InvalidInput | ErrorCode::Internal => EngineError::Invalid(String::new()),
            ErrorCode::Hierarchy => {
                HierarchyError::Duplicate("522301000000".parse().unwrap()).into()
            }
            ErrorCode::Identity => fengqiao::people::IdentityError::Phone.into(),
            ErrorCode::NotFound => EngineError::UnknownStaff(String::new()),
            ErrorCode::Duplicate => EngineError::Duplicate(String::new()),
            ErrorCode::RuleSet => EngineError::Rules(Default::default()),
            ErrorCode::Routing => fengqiao::routing::RoutingError::NoDecision(String::new()).into(),
            ErrorCode::Lifecycle => EngineError::Lifecycle(fengqiao::lifecycle::LifecycleError {
                refusal: fengqiao::lifecycle::Refusal::Law,
                operation: fengqiao::lifecycle::OperationKind::Close,
                state: fengqiao::lifecycle::State::Closed,
                message: String::new(),
            }),
            ErrorCode::Trace => fengqiao::trace::TraceError::Empty.into(),
            ErrorCode::Calendar => fengqiao::calendar::CalendarError::UnknownYear(2031).into(),
            ErrorCode::Denied => EngineError::Denied {
                actor: String::new(),
                action: String::new(),
                target: String::new(),
                reason: String::new(),
            },
        }
    }
}
