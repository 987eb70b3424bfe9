//! The exported functions. Each one is a shim over one operation of `fengqiao-binding`:
//! check the handle, take the strings, call, hand back the result.
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

/// The shipped default rule set (`RuleSet` JSON) into `*out`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_default_rules(
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, ops::default_rules()?)
    })
}

/// Verifies a trace given as JSON Lines (or a JSON array of events), without an engine, and
/// replays it; `*out` receives the rebuilt case (`Dispute` JSON). A tampered trace fails
/// with `FQ_STATUS_TRACE` and the position of the problem in the details; text that is not
/// a list of events fails with `FQ_STATUS_INVALID_INPUT`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_trace_verify(
    events: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, ops::trace_verify(bytes(events, "events")?)?)
    })
}

/// The world as `actor` may export it (`WorldData` JSON): residents of the actor's area
/// only, identity numbers and phones removed unless the world's privacy settings let the
/// actor see them. `now_ms` is the time a refusal is logged with.
///
/// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
/// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
/// read a denial: both move the journal's head, so store the journal after this read as
/// after a write.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_world(
    engine: *const FqEngine,
    actor: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::world(e, bytes(actor, "actor")?, now_ms))?,
        )
    })
}

/// TRUSTED: the whole world with every identifier (`WorldData` JSON, no cases), for the
/// host's own persistence. Never answer a user's request with it; use `fq_engine_world`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_world_export(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::world_export)?)
    })
}

/// A unit by division code (`Unit` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_unit(
    engine: *const FqEngine,
    unit_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::unit(e, text(unit_code, "unit_code")?))?,
        )
    })
}

/// The root units, counties or above (`Unit[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_roots(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::roots)?)
    })
}

/// A unit's children, in code order (`Unit[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_children(
    engine: *const FqEngine,
    unit_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::children(e, text(unit_code, "unit_code")?))?,
        )
    })
}

/// The staff serving a unit, based there or covering it (`Staff[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_staff_at(
    engine: *const FqEngine,
    unit_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::staff_at(e, text(unit_code, "unit_code")?))?,
        )
    })
}

/// The residents of a household in `actor`'s area (`PersonView[]` JSON), identifiers masked
/// unless the world's privacy settings let the actor see them.
///
/// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
/// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
/// read a denial: both move the journal's head, so store the journal after this read as
/// after a write.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_residents(
    engine: *const FqEngine,
    actor: *const c_char,
    household: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let r = read(engine, |e| {
            ops::residents(
                e,
                bytes(actor, "actor")?,
                text(household, "household")?,
                now_ms,
            )
        })?;
        put(out, r)
    })
}

/// Adds a unit (`Unit` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_unit(
    engine: *const FqEngine,
    unit: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::add_unit(e, bytes(unit, "unit")?))
    })
}

/// Moves a unit and its subtree under `new_parent`, where it is coded `new_code` (区划调整).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_move_unit(
    engine: *const FqEngine,
    unit_code: *const c_char,
    new_parent: *const c_char,
    new_code: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::move_unit(
                e,
                text(unit_code, "unit_code")?,
                text(new_parent, "new_parent")?,
                text(new_code, "new_code")?,
            )
        })
    })
}

/// Retires a unit; refused while staff serve it or open cases are in it.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_retire_unit(
    engine: *const FqEngine,
    unit_code: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::retire_unit(e, text(unit_code, "unit_code")?)
        })
    })
}

/// Adds a resident (`Person` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_person(
    engine: *const FqEngine,
    person: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::add_person(e, bytes(person, "person")?))
    })
}

/// Adds a resident as [`fq_engine_add_person`] does, at `now_ms` (milliseconds since the
/// Unix epoch): an identity number whose birth date is after that day (China time) is
/// refused with `FQ_STATUS_INVALID_INPUT` (problem `born_in_future`) and nothing changes.
/// Prefer it whenever the host knows the time.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_person_at(
    engine: *const FqEngine,
    person: *const c_char,
    now_ms: i64,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::add_person_at(e, bytes(person, "person")?, now_ms)
        })
    })
}

/// Replaces a resident's record as [`fq_engine_update_person`] does, at `now_ms`: a birth
/// date after that day is refused (`born_in_future`).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_update_person_at(
    engine: *const FqEngine,
    person: *const c_char,
    now_ms: i64,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::update_person_at(e, bytes(person, "person")?, now_ms)
        })
    })
}

/// Replaces a resident's record (`Person` JSON with the id of a known resident): a new
/// phone or identity number, a move to another household. Checked as a new resident is;
/// journaled. `FQ_STATUS_NOT_FOUND` for an unknown id.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_update_person(
    engine: *const FqEngine,
    person: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::update_person(e, bytes(person, "person")?))
    })
}

/// Replaces a staff member's record (`Staff` JSON with the id of known staff): a new post,
/// other units covered, another role. Checked as new staff are; the open-case load is kept;
/// journaled. `FQ_STATUS_NOT_FOUND` for an unknown id.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_update_staff(
    engine: *const FqEngine,
    staff: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::update_staff(e, bytes(staff, "staff")?))
    })
}

/// Adds a staff member (`Staff` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_staff(
    engine: *const FqEngine,
    staff: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::add_staff(e, bytes(staff, "staff")?))
    })
}

/// Adds an agency (`Agency` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_agency(
    engine: *const FqEngine,
    agency: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::add_agency(e, bytes(agency, "agency")?))
    })
}

/// Marks a staff member available or not (leave, illness).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_available(
    engine: *const FqEngine,
    staff_id: *const c_char,
    available: bool,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::set_available(e, text(staff_id, "staff_id")?, available)
        })
    })
}

/// Replaces who sees identity numbers and phones whole (`Privacy` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_privacy(
    engine: *const FqEngine,
    privacy: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| ops::set_privacy(e, bytes(privacy, "privacy")?))
    })
}

/// Sets a unit's local calendar (`LocalCalendar` JSON: its own days off and working days
/// over the national calendar, 特色日历), or removes it (no days). Refused (`FQ_STATUS_CALENDAR`,
/// nothing changed) when it contradicts itself or the national calendar.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_local_calendar(
    engine: *const FqEngine,
    calendar: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::set_local_calendar(e, bytes(calendar, "calendar")?)
        })
    })
}

/// TRUSTED: every refused request, oldest first (`Denial[]` JSON), for the host's audit.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_denials(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::denials)?)
    })
}

/// The rule set in force (`RuleSet` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_rules(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::rules)?)
    })
}

/// Validates a rule set against the engine's world without loading it. Succeeds whenever
/// the rule set could be read; `*out` receives every diagnostic (`Diagnostic[]` JSON). A
/// rule set that cannot be parsed fails with `FQ_STATUS_RULE_SET` and the diagnostics in
/// the error's details.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_validate_rules(
    engine: *const FqEngine,
    rules: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::validate_rules(e, bytes(rules, "rules")?))?,
        )
    })
}

/// Every diagnostic of a rule set given as text (as an editor holds it), each with the
/// line, column and bytes of the value it names (`Located[]` JSON): text that is not a
/// rule set gives its reading's diagnostic, located, not an error.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_validate_rules_text(
    engine: *const FqEngine,
    rules: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| {
                ops::validate_rules_text(e, bytes(rules, "rules")?)
            })?,
        )
    })
}

/// Validates and loads a rule set on behalf of `actor` at `now_ms` (the journal records who
/// loaded which version, and when); refused with every diagnostic if it has errors, or if
/// another body was loaded under the same `id@version` (nothing changes). Cases already
/// routed keep the version that decided them. `*out` receives the warnings
/// (`Diagnostic[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_load_rules(
    engine: *const FqEngine,
    actor: *const c_char,
    rules: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let w = write(engine, |e| {
            ops::load_rules(e, bytes(actor, "actor")?, bytes(rules, "rules")?, now_ms)
        })?;
        put(out, w)
    })
}

/// Registers a dispute (`DisputeInput` JSON) by `actor` (`{"staff": id}`, `{"agency": id}`
/// or `"system"`; the library trusts the actor it is given: the host authenticates
/// people) at `now_ms`; `*out` receives the case code (plain text).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_register(
    engine: *const FqEngine,
    actor: *const c_char,
    input: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let code = write(engine, |e| {
            ops::register(e, bytes(actor, "actor")?, bytes(input, "input")?, now_ms)
        })?;
        put(out, code)
    })
}

/// What routing would decide for a case `actor` may see (`Decision` JSON), without applying
/// it.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_decide(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let d = read(engine, |e| {
            ops::decide(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                now_ms,
            )
        })?;
        put(out, d)
    })
}

/// What routing would decide for an unregistered dispute (`DisputeInput` JSON in,
/// `Decision` JSON out): previews and what-if.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_decide_input(
    engine: *const FqEngine,
    input: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::decide_input(e, bytes(input, "input")?))?,
        )
    })
}

/// Routes a case (a traced `route` event, and `report_up` if the rules escalate at once);
/// `*out` receives the `Decision` JSON with its explanation.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_route(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let d = write(engine, |e| {
            ops::route(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                now_ms,
            )
        })?;
        put(out, d)
    })
}

/// Applies a lifecycle operation (`Operation` JSON, e.g. `{"op":"accept"}`); `*out`
/// receives the case's new state (`Dispute` JSON). On refusal nothing changes.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_apply(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    operation: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let d = write(engine, |e| {
            ops::apply(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                bytes(operation, "operation")?,
                now_ms,
            )
        })?;
        put(out, d)
    })
}

/// A case as `actor` may see it (`CaseView` JSON: identifiers masked as configured).
///
/// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
/// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
/// read a denial: both move the journal's head, so store the journal after this read as
/// after a write.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_view_case(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let v = read(engine, |e| {
            ops::view_case(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                now_ms,
            )
        })?;
        put(out, v)
    })
}

/// Codes of the cases `actor` may see, in code order (`string[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_case_codes(
    engine: *const FqEngine,
    actor: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| {
                ops::case_codes(e, bytes(actor, "actor")?, now_ms)
            })?,
        )
    })
}

/// A case's trace as `actor` may read it (`TraceEvent[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_trace(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let t = read(engine, |e| {
            ops::trace(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                now_ms,
            )
        })?;
        put(out, t)
    })
}

/// A case's trace as JSON Lines (one event a line), as a host stores it.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_trace_jsonl(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let t = read(engine, |e| {
            ops::trace_jsonl(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                now_ms,
            )
        })?;
        put(out, t)
    })
}

/// Verifies a case's trace (SM3 chain) and that replaying it gives the live state.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_verify(
    engine: *const FqEngine,
    case_code: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        read(engine, |e| ops::verify(e, text(case_code, "case_code")?))
    })
}

/// Every case's standing against its limits and the legal windows at `now_ms`, most urgent
/// first (`DeadlineStatus[]` JSON). A read: takes the shared lock, changes nothing.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_deadlines(
    engine: *const FqEngine,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, |e| ops::deadlines(e, now_ms))?)
    })
}

/// The deadline sweep at `now_ms` (`Sweep` JSON): the standings, and overdue cases reported
/// up as their rules say (traced).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_sweep(
    engine: *const FqEngine,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, write(engine, |e| ops::sweep(e, now_ms))?)
    })
}

/// Statistics (`Query` JSON in, `Report` JSON out) over the cases `actor` may see.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_statistics(
    engine: *const FqEngine,
    actor: *const c_char,
    query: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let r = read(engine, |e| {
            ops::statistics(e, bytes(actor, "actor")?, bytes(query, "query")?, now_ms)
        })?;
        put(out, r)
    })
}

/// The assessment (考核: supervision cards, cases gone red, extensions, suspensions and a
/// score per unit; `AssessmentQuery` JSON in, `Assessment` JSON out) over the cases
/// `actor` may see, judged at `now_ms`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_assessment(
    engine: *const FqEngine,
    actor: *const c_char,
    query: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let r = read(engine, |e| {
            ops::assessment(e, bytes(actor, "actor")?, bytes(query, "query")?, now_ms)
        })?;
        put(out, r)
    })
}

/// Files a daily zero report (`ZeroReport` JSON) by a household head or grid worker.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_file_report(
    engine: *const FqEngine,
    actor: *const c_char,
    report: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            ops::file_report(e, bytes(actor, "actor")?, bytes(report, "report")?)
        })
    })
}

/// Who in `unit_code`'s subtree (in `actor`'s area) did not report on `date`
/// (`YYYY-MM-DD`), with streaks (`MissingReport[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_missing_reports(
    engine: *const FqEngine,
    actor: *const c_char,
    unit_code: *const c_char,
    date: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let m = read(engine, |e| {
            ops::missing_reports(
                e,
                bytes(actor, "actor")?,
                text(unit_code, "unit_code")?,
                text(date, "date")?,
                now_ms,
            )
        })?;
        put(out, m)
    })
}

/// The daily analysis (日研判) of `unit_code`'s subtree, most urgent first (`Ranked[]`
/// JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_daily_analysis(
    engine: *const FqEngine,
    actor: *const c_char,
    unit_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let r = read(engine, |e| {
            ops::daily_analysis(
                e,
                bytes(actor, "actor")?,
                text(unit_code, "unit_code")?,
                now_ms,
            )
        })?;
        put(out, r)
    })
}

/// The weekly dispatch (周调度) of the ISO week containing `date` (`YYYY-MM-DD`): one row per
/// unit at `level` (e.g. `community`, a bare word) inside `unit_code` (`WeekRow[]` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_weekly_dispatch(
    engine: *const FqEngine,
    actor: *const c_char,
    unit_code: *const c_char,
    level: *const c_char,
    date: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let rows = read(engine, |e| {
            ops::weekly_dispatch(
                e,
                bytes(actor, "actor")?,
                text(unit_code, "unit_code")?,
                text(level, "level")?,
                text(date, "date")?,
                now_ms,
            )
        })?;
        put(out, rows)
    })
}

/// What-if: replays a history (JSON Lines or a JSON array of `HistoricalDispute`) under
/// rule sets A and B (`RuleSet` JSON) and compares them (`Comparison` JSON).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_what_if(
    engine: *const FqEngine,
    history: *const c_char,
    rules_a: *const c_char,
    rules_b: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let c = read(engine, |e| {
            ops::what_if(
                e,
                bytes(history, "history")?,
                bytes(rules_a, "rules_a")?,
                bytes(rules_b, "rules_b")?,
            )
        })?;
        put(out, c)
    })
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

/// The journal entries after `after_seq`, at most `max_entries`, as JSON Lines into `*out`
/// (an empty string when there are none). The host's loop: apply, read the journal after
/// the last stored position, store the entries in the same transaction as its own data.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_journal(
    engine: *const FqEngine,
    after_seq: u64,
    max_entries: u64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::journal(e, after_seq, max_entries))?,
        )
    })
}

/// The journal's position: `{"seq": N, "digest": "…", "origin": "…"}` into `*out`. Keep the
/// digest apart from the entries (or sign it): a journal rewritten as a whole ends in
/// another digest.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_journal_head(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::journal_head)?)
    })
}

/// A case's head, the hash of its last event (64 hex digits) into `*out`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_case_head(
    engine: *const FqEngine,
    case_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(
            out,
            read(engine, |e| ops::case_head(e, text(case_code, "case_code")?))?,
        )
    })
}

/// A snapshot of the whole engine at its journal position (`Snapshot` JSON) into `*out`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_snapshot(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        put(out, read(engine, ops::snapshot)?)
    })
}

/// `fq_engine_apply`, only if the case's last event has sequence number `expected_seq`
/// (optimistic concurrency for hosts that run several engines over one store); otherwise
/// `FQ_STATUS_CONFLICT`, nothing changes: reload the case from the store and retry.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_apply_expecting(
    engine: *const FqEngine,
    actor: *const c_char,
    case_code: *const c_char,
    operation: *const c_char,
    expected_seq: u64,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let d = write(engine, |e| {
            ops::apply_expecting(
                e,
                bytes(actor, "actor")?,
                text(case_code, "case_code")?,
                bytes(operation, "operation")?,
                expected_seq,
                now_ms,
            )
        })?;
        put(out, d)
    })
}

/// Lets the engine forget the journal entries up to and including `seq` once the host has
/// stored them: an engine that runs for years keeps only what is not yet stored. Reading
/// entries before `seq` afterwards fails with `FQ_STATUS_JOURNAL`.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_release_journal(
    engine: *const FqEngine,
    seq: u64,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || write(engine, |e| ops::release_journal(e, seq)))
}
