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

use fengqiao::engine::Engine;
use fengqiao_binding::{BindingError, Code};

type Res<T> = Result<T, BindingError>;

/// The library's semantic version, NUL-terminated.
pub const FQ_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version as one number, `major * 10000 + minor * 100 + patch`, for
/// compile-time checks (`#if FQ_VERSION_NUMBER >= 100`) beside `fq_version_number()` at
/// run time.
pub const FQ_VERSION_NUMBER: u32 = 100;

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
    /// This engine's input limit in bytes; 0: the process-wide one.
    max_input: std::sync::atomic::AtomicUsize,
    /// The signer registered with `fq_engine_set_signer` (or the built-in SM2 one).
    signer: Mutex<Option<std::sync::Arc<dyn fengqiao::signing::Signer>>>,
}

thread_local! {
    /// The input limit of the engine whose call is running on this thread (0: none), so
    /// that argument reading inside `read`/`write` applies it.
    static ENGINE_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` with `limit` as this thread's engine input limit, restoring the previous one
/// afterwards (also when `f` unwinds).
fn with_limit<T>(limit: usize, f: impl FnOnce() -> T) -> T {
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            ENGINE_LIMIT.with(|l| l.set(self.0));
        }
    }
    let _restore = Restore(ENGINE_LIMIT.with(|l| l.replace(limit)));
    f()
}

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

fn failure(code: Code, message: impl Into<String>) -> BindingError {
    BindingError::new(code, message)
}

/// Runs `f`, catching panics, and turns a failure into a status and an error object.
/// Panics are caught silently (the message goes into the error, never to the host's
/// stderr: see `quiet_panics`).
fn call(err: *mut *mut FqError, f: impl FnOnce() -> Res<()>) -> FqStatus {
    if !err.is_null() {
        // SAFETY: the caller passes either null or a valid pointer to an FqError* slot.
        unsafe { *err = std::ptr::null_mut() };
    }
    quiet_panics();
    let outer = IN_CALL.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_CALL.with(|c| c.set(outer));
    let failure = match result {
        Ok(Ok(())) => return FqStatus::Ok,
        Ok(Err(f)) => f,
        Err(panic) => BindingError::panic(panic.as_ref()),
    };
    let status = FqStatus::of(failure.code);
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

thread_local! {
    /// Set while this thread is inside a library call.
    static IN_CALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that prints nothing for panics inside this library's
/// calls: the default hook writes to the host's stderr (and with `RUST_BACKTRACE` set,
/// captures a backtrace). The message is still reported, in the `FqError`. Panics outside
/// our calls (the host's own Rust code, if any) go to the hook that was there before.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CALL.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
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

/// The input limit in force for this call, and the function that set it: the running
/// engine's own, else the process-wide one.
fn input_limit() -> (usize, &'static str) {
    match ENGINE_LIMIT.with(|l| l.get()) {
        0 => (
            MAX_INPUT.load(std::sync::atomic::Ordering::Relaxed),
            "fq_set_max_input_bytes",
        ),
        engine => (engine, "fq_engine_set_max_input_bytes"),
    }
}

/// A `(pointer, length)` UTF-8 argument: `len` bytes from `p`, no NUL needed (a buffer
/// read from a file, a Java `byte[]`, an mmap). NULL with length 0 is the empty string.
fn bytes_n<'a>(p: *const c_char, len: usize, name: &str) -> Res<&'a [u8]> {
    if p.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(failure(
            Code::NullPointer,
            format!("argument `{name}` is null with length {len}"),
        ));
    }
    let (max, setting) = input_limit();
    if len > max {
        return Err(fengqiao_binding::args::too_large(name, len, max, setting));
    }
    // SAFETY: non-null, and the caller promises `len` readable bytes that outlive the call.
    let b = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    std::str::from_utf8(b).map(str::as_bytes).map_err(|e| {
        failure(
            Code::InvalidUtf8,
            format!("argument `{name}` is not valid UTF-8: {e}"),
        )
    })
}

/// A NUL-terminated UTF-8 argument.
fn text<'a>(p: *const c_char, name: &str) -> Res<&'a str> {
    std::str::from_utf8(bytes(p, name)?).map_err(|e| {
        failure(
            Code::InvalidUtf8,
            format!("argument `{name}` is not valid UTF-8: {e}"),
        )
    })
}

/// An optional NUL-terminated UTF-8 argument: NULL is absent.
fn opt_text<'a>(p: *const c_char, name: &str) -> Res<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        text(p, name).map(Some)
    }
}

/// A NUL-terminated argument's bytes, checked for null and size only: the binding layer
/// reads them as UTF-8 itself, so a damaged journal entry is named as an entry
/// (`args::journal_text`), not as a byte offset into the whole argument.
fn bytes<'a>(p: *const c_char, name: &str) -> Res<&'a [u8]> {
    if p.is_null() {
        return Err(failure(
            Code::NullPointer,
            format!("argument `{name}` is null"),
        ));
    }
    // SAFETY: non-null, and the caller promises a NUL-terminated string that outlives the call.
    let s = unsafe { CStr::from_ptr(p) }.to_bytes();
    let (max, setting) = input_limit();
    if s.len() > max {
        return Err(fengqiao_binding::args::too_large(
            name,
            s.len(),
            max,
            setting,
        ));
    }
    Ok(s)
}

/// Clears an optional out slot. A NULL `out` is allowed: the call still does its work and
/// the result is discarded (as sqlite3 allows for results a caller does not need).
fn clear(out: *mut *mut c_char) {
    if !out.is_null() {
        // SAFETY: non-null pointer to a char* slot provided by the caller.
        unsafe { *out = std::ptr::null_mut() };
    }
}

/// Hands a result string to the caller, if it asked for it.
fn put(out: *mut *mut c_char, s: String) -> Res<()> {
    if !out.is_null() {
        // SAFETY: non-null pointer to a char* slot provided by the caller.
        unsafe { *out = c_string(s).into_raw() };
    }
    Ok(())
}

fn handle<'a>(p: *const FqEngine) -> Res<&'a FqEngine> {
    if p.is_null() {
        return Err(failure(Code::NullPointer, "the engine handle is null"));
    }
    if !lock_live().contains(&(p as usize)) {
        return Err(failure(
            Code::InvalidHandle,
            "the engine handle is not live (never created by fq_engine_new, or already freed)",
        ));
    }
    // SAFETY: the registry holds exactly the pointers produced by fq_engine_new and not yet
    // freed; the caller must not free concurrently (documented).
    Ok(unsafe { &*p })
}

/// A read under the shared lock; the handle is checked before any argument is decoded.
fn read<T>(p: *const FqEngine, f: impl FnOnce(&Engine) -> Res<T>) -> Res<T> {
    let h = handle(p)?;
    let g = h.inner.read().unwrap_or_else(|e| e.into_inner());
    with_limit(
        h.max_input.load(std::sync::atomic::Ordering::Relaxed),
        || f(&g),
    )
}

/// A change under the exclusive lock; the handle is checked first.
fn write<T>(p: *const FqEngine, f: impl FnOnce(&mut Engine) -> Res<T>) -> Res<T> {
    let h = handle(p)?;
    let mut g = h.inner.write().unwrap_or_else(|e| e.into_inner());
    with_limit(
        h.max_input.load(std::sync::atomic::Ordering::Relaxed),
        || f(&mut g),
    )
}

/// The signer registered on the handle, if any: the operations of the table that sign what
/// they hand back take it (a separate lock from the engine's, taken for the call).
fn signer(p: *const FqEngine) -> Res<Option<std::sync::Arc<dyn fengqiao::signing::Signer>>> {
    Ok(handle(p)?
        .signer
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone())
}

mod api;
pub use api::*;
mod operations;
pub use operations::*;
mod status;
pub use status::FqStatus;
mod security;
pub use security::*;

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
        let n: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
        assert_eq!(FQ_VERSION_NUMBER, n[0] * 10000 + n[1] * 100 + n[2]);
        assert_eq!(fq_version_number(), FQ_VERSION_NUMBER);
    }

    #[test]
    fn every_binding_code_maps_to_the_status_of_the_same_number_and_name() {
        for &code in Code::ALL {
            let status = FqStatus::of(code);
            assert_eq!(status as u8, code as u8, "{code:?}");
            // SAFETY: fq_status_name returns a static NUL-terminated string.
            let name = unsafe { std::ffi::CStr::from_ptr(fq_status_name(status as i32)) };
            assert_eq!(name.to_str().unwrap(), code.as_str());
        }
    }
}
