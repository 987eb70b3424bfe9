//! The exported functions written by hand: the library's version, errors and strings,
//! input limits, and the constructors (each with a `(pointer, length)` form). The
//! operations of the binding layer's table are generated into `operations.rs`.
//!
//! Pointer rules, the same for every function unless its docs say otherwise (sqlite3
//! style): `engine` is a live handle from `fq_engine_new` (NULL gives
//! `FQ_STATUS_NULL_POINTER`, a freed or foreign one `FQ_STATUS_INVALID_HANDLE`); every
//! `const char *` argument is a NUL-terminated UTF-8 string that must not be NULL and is
//! only read during the call; `out` may be NULL (the call still does its work and the
//! result is discarded), otherwise `*out` is set to NULL and, on success, to a new string
//! the caller releases with `fq_string_free`; `err` may be NULL, otherwise `*err` is set to
//! NULL and, on failure, to a new `FqError` the caller releases with `fq_error_free`.

use std::ffi::{c_char, CString};

use fengqiao_binding::ops;

use super::*;

/// The library's semantic version (e.g. "0.1.0"). Static: do not free.
#[no_mangle]
pub extern "C" fn fq_version() -> *const c_char {
    FQ_VERSION.as_ptr().cast()
}

/// The library's version as `major * 10000 + minor * 100 + patch`: compare it at run time
/// with `FQ_VERSION_NUMBER` from the header the host was compiled with.
#[no_mangle]
pub extern "C" fn fq_version_number() -> u32 {
    FQ_VERSION_NUMBER
}

/// The stable word of a status (`"ok"`, `"lifecycle"`, `"not_found"` …), as JS and Java
/// name it; `"unknown"` for a number that is no status. Static: do not free.
#[no_mangle]
pub extern "C" fn fq_status_name(status: i32) -> *const c_char {
    usize::try_from(status)
        .ok()
        .and_then(|i| super::status::STATUS_NAMES.get(i))
        .map_or(c"unknown".as_ptr(), |s| s.as_ptr())
}

/// Sets the largest string argument any call accepts (0 restores the default, 512 MiB).
/// Larger inputs fail with `FQ_STATUS_INVALID_INPUT` before they are parsed. A
/// process-wide resource limit, not error state; set it once at start-up.
#[no_mangle]
pub extern "C" fn fq_set_max_input_bytes(bytes: usize) {
    set_max_input(bytes);
}

/// Sets the largest string argument calls on this engine accept, in bytes, over the
/// process-wide limit (`fq_set_max_input_bytes`); 0 returns the engine to the process-wide
/// limit. A host serving several tenants gives each engine its own. Larger inputs fail with
/// `FQ_STATUS_INVALID_INPUT` (details: `argument`, `bytes`, `limit`) before they are parsed.
/// Thread-safe; takes effect for calls that start after it returns.
///
/// # Safety
/// `engine` a live handle (NULL: `FQ_STATUS_NULL_POINTER`; freed: `FQ_STATUS_INVALID_HANDLE`).
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_max_input_bytes(
    engine: *const FqEngine,
    bytes: usize,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let h = handle(engine)?;
        h.max_input
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    })
}

/// Creates an engine from a world (`WorldData` JSON: hierarchy, people, staff, agencies,
/// optional rules, calendar years and privacy). On success `*out` is a new handle, released
/// with `fq_engine_free`; on failure `*out` is NULL.
///
/// # Safety
/// `world` NUL-terminated; `out` a valid `FqEngine*` slot (not NULL); `err` NULL or a valid
/// `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_new(
    world: *const c_char,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || ops::engine_new(bytes(world, "world")?))
    })
}

/// `fq_engine_new` with the world as `(pointer, length)`: `world_len` bytes, no NUL needed
/// (a file read into memory, a Java `byte[]`), and no `strlen` over a large document.
///
/// # Safety
/// `world` NULL only with `world_len` 0, else `world_len` readable bytes; `out` a valid
/// `FqEngine*` slot (not NULL); `err` NULL or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_new_n(
    world: *const c_char,
    world_len: usize,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || ops::engine_new(bytes_n(world, world_len, "world")?))
    })
}

/// Releases an engine. NULL, foreign and already-freed handles are ignored.
///
/// # Safety
/// No other call may use `engine` concurrently.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_free(engine: *mut FqEngine) {
    let _ = catch_unwind(|| {
        if !engine.is_null() && lock_live().remove(&(engine as usize)) {
            // SAFETY: it was live, so it came from Box::into_raw in fq_engine_new.
            drop(unsafe { Box::from_raw(engine) });
        }
    });
}

/// Releases a string returned by the library. NULL is ignored.
///
/// # Safety
/// `s` must come from this library and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn fq_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: produced by CString::into_raw in this library.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Releases an error. NULL is ignored.
///
/// # Safety
/// `e` must come from this library and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn fq_error_free(e: *mut FqError) {
    if !e.is_null() {
        // SAFETY: produced by Box::into_raw in `call`.
        drop(unsafe { Box::from_raw(e) });
    }
}

/// The error's status code (`FQ_STATUS_INTERNAL` for a NULL error).
///
/// # Safety
/// `e` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_code(e: *const FqError) -> FqStatus {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(FqStatus::Internal, |e| e.code)
}

/// The error's message, borrowed: valid until `fq_error_free`. Empty for a NULL error.
///
/// # Safety
/// `e` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_message(e: *const FqError) -> *const c_char {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
}

/// The error's details as JSON (`null` if none), borrowed: valid until `fq_error_free`.
///
/// # Safety
/// `e` must be NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_details(e: *const FqError) -> *const c_char {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(c"null".as_ptr(), |e| e.details.as_ptr())
}

/// Always fails with `FQ_STATUS_INTERNAL` by panicking inside the library: lets a host test
/// that no panic crosses the boundary. Only in builds with the `debug-panic` feature.
///
/// # Safety
/// `err` NULL or a valid `FqError*` slot.
#[cfg(feature = "debug-panic")]
#[no_mangle]
pub unsafe extern "C" fn fq_debug_panic(err: *mut *mut FqError) -> FqStatus {
    call(err, || panic!("fq_debug_panic was called"))
}

/// Hands a new engine to the caller through `out` (not NULL).
fn new_handle(out: *mut *mut FqEngine, make: impl FnOnce() -> Res<Engine>) -> Res<()> {
    if out.is_null() {
        return Err(failure(Code::NullPointer, "argument `out` is null"));
    }
    // SAFETY: checked non-null.
    unsafe { *out = std::ptr::null_mut() };
    let engine = make()?;
    let p = Box::into_raw(Box::new(FqEngine {
        inner: RwLock::new(engine),
        max_input: std::sync::atomic::AtomicUsize::new(0),
        signer: Mutex::new(None),
    }));
    lock_live().insert(p as usize);
    // SAFETY: checked non-null.
    unsafe { *out = p };
    Ok(())
}

/// Rebuilds an engine after a restart from the world document it was built from and its
/// journal (JSON Lines of `JournalEntry`, as `fq_engine_journal` wrote them): the same
/// cases, traces, heads, loads, statistics, reports, denials and rule-set versions. Every
/// case chain and the journal's chain are verified; a changed, missing, duplicated,
/// reordered or foreign entry refuses the whole restore with `FQ_STATUS_JOURNAL` and the
/// entry in the details (`seq`, `case`, `case_seq`, `problem`). On success `*out` is a new
/// handle (released with `fq_engine_free`).
///
/// # Safety
/// `world` and `journal` NUL-terminated; `out` a valid `FqEngine*` slot (not NULL); `err`
/// NULL or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_restore(
    world: *const c_char,
    journal: *const c_char,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || {
            ops::restore(bytes(world, "world")?, bytes(journal, "journal")?)
        })
    })
}

/// `fq_engine_restore` with `(pointer, length)` arguments: a journal of millions of entries
/// read into memory is passed without a NUL and without `strlen`.
///
/// # Safety
/// Each pointer NULL only with length 0, else that many readable bytes; `out` a valid
/// `FqEngine*` slot (not NULL); `err` NULL or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_restore_n(
    world: *const c_char,
    world_len: usize,
    journal: *const c_char,
    journal_len: usize,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || {
            ops::restore(
                bytes_n(world, world_len, "world")?,
                bytes_n(journal, journal_len, "journal")?,
            )
        })
    })
}

/// `fq_engine_restore_snapshot` with `(pointer, length)` arguments.
///
/// # Safety
/// Each pointer NULL only with length 0, else that many readable bytes; `out` a valid
/// `FqEngine*` slot (not NULL); `err` NULL or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_restore_snapshot_n(
    snapshot: *const c_char,
    snapshot_len: usize,
    tail: *const c_char,
    tail_len: usize,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || {
            ops::restore_snapshot(
                bytes_n(snapshot, snapshot_len, "snapshot")?,
                bytes_n(tail, tail_len, "tail")?,
            )
        })
    })
}

/// Rebuilds an engine from a snapshot (`Snapshot` JSON, from `fq_engine_snapshot`) and the
/// journal entries after it (JSON Lines; "" when there are none). The snapshot is checked
/// too: every case's trace verifies and replays, and the tail chains from its digest.
///
/// # Safety
/// `snapshot` and `tail` NUL-terminated; `out` a valid `FqEngine*` slot (not NULL); `err`
/// NULL or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_restore_snapshot(
    snapshot: *const c_char,
    tail: *const c_char,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        new_handle(out, || {
            ops::restore_snapshot(bytes(snapshot, "snapshot")?, bytes(tail, "tail")?)
        })
    })
}
