//! The exported functions. Each one is a thin conversion around one engine method.

use std::ffi::{c_char, CString};

use super::*;

fn case_arg(p: *const c_char) -> Res<fengqiao::dispute::CaseCode> {
    Ok(fengqiao::dispute::CaseCode(
        text(p, "case_code")?.to_string(),
    ))
}

fn unit_arg(p: *const c_char) -> Res<fengqiao::hierarchy::DivisionCode> {
    text(p, "unit_code")?
        .parse()
        .map_err(|e: fengqiao::hierarchy::CodeError| {
            Failure::new(FqStatus::Hierarchy, e.to_string())
        })
}

/// The library's semantic version (e.g. "0.1.0"). Static: do not free.
#[no_mangle]
pub extern "C" fn fq_version() -> *const c_char {
    FQ_VERSION.as_ptr().cast()
}

/// Sets the largest string argument any call accepts (0 restores the default, 512 MiB).
/// Larger inputs fail with `FQ_STATUS_INVALID_INPUT` before they are parsed. A
/// process-wide resource limit, not error state; set it once at start-up.
#[no_mangle]
pub extern "C" fn fq_set_max_input_bytes(bytes: usize) {
    set_max_input(bytes);
}

/// Creates an engine from a world (`WorldData` JSON: hierarchy, people, staff, agencies,
/// optional rules and calendar years). On success `*out` is a new handle.
///
/// # Safety
/// `world_json` must be a NUL-terminated string; `out` a valid `FqEngine*` slot; `err` null or
/// a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_new(
    world_json: *const c_char,
    out: *mut *mut FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        if out.is_null() {
            return Err(Failure::new(
                FqStatus::NullPointer,
                "the output argument is null",
            ));
        }
        // SAFETY: checked non-null.
        unsafe { *out = std::ptr::null_mut() };
        let world: WorldData = json(world_json, "world_json")?;
        let engine = Engine::from_world(world)?;
        let p = Box::into_raw(Box::new(FqEngine {
            inner: RwLock::new(engine),
        }));
        lock_live().insert(p as usize);
        // SAFETY: checked non-null.
        unsafe { *out = p };
        Ok(())
    })
}

/// Releases an engine. Null, foreign and already-freed handles are ignored.
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

/// Releases a string returned by the library. Null is ignored.
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

/// Releases an error. Null is ignored.
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

/// The error's status code (`FQ_STATUS_INTERNAL` for a null error).
///
/// # Safety
/// `e` must be null or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_code(e: *const FqError) -> FqStatus {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(FqStatus::Internal, |e| e.code)
}

/// The error's message, borrowed: valid until `fq_error_free`. Empty for a null error.
///
/// # Safety
/// `e` must be null or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_message(e: *const FqError) -> *const c_char {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
}

/// The error's details as JSON (`null` if none), borrowed: valid until `fq_error_free`.
///
/// # Safety
/// `e` must be null or a live error.
#[no_mangle]
pub unsafe extern "C" fn fq_error_details(e: *const FqError) -> *const c_char {
    // SAFETY: null or live, per the contract.
    unsafe { e.as_ref() }.map_or(c"null".as_ptr(), |e| e.details.as_ptr())
}

/// Always fails with `FQ_STATUS_INTERNAL` by panicking inside the library: lets a host test
/// that no panic crosses the boundary.
///
/// # Safety
/// `err` null or a valid `FqError*` slot.
#[no_mangle]
pub unsafe extern "C" fn fq_debug_panic(err: *mut *mut FqError) -> FqStatus {
    call(err, || panic!("fq_debug_panic was called"))
}

/// The engine's world (`WorldData` JSON, without cases) into `*out`.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_world(
    engine: *const FqEngine,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || read(engine, |e| put_json(out, &e.to_world())))
}

/// Adds a unit (`Unit` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_unit(
    engine: *const FqEngine,
    unit_json: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let u = json(unit_json, "unit_json")?;
        write(engine, |e| Ok(e.add_unit(u)?))
    })
}

/// Adds a resident (`Person` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_person(
    engine: *const FqEngine,
    person_json: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let p = json(person_json, "person_json")?;
        write(engine, |e| Ok(e.add_person(p)?))
    })
}

/// Adds a staff member (`Staff` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_staff(
    engine: *const FqEngine,
    staff_json: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let s = json(staff_json, "staff_json")?;
        write(engine, |e| Ok(e.add_staff(s)?))
    })
}

/// Adds an agency (`Agency` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_add_agency(
    engine: *const FqEngine,
    agency_json: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let a = json(agency_json, "agency_json")?;
        write(engine, |e| Ok(e.add_agency(a)?))
    })
}

/// Marks a staff member available or not.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_available(
    engine: *const FqEngine,
    staff_id: *const c_char,
    available: bool,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let id = text(staff_id, "staff_id")?;
        write(engine, |e| Ok(e.set_available(id, available)?))
    })
}

/// Validates a rule set against the engine's world without loading it. Succeeds whenever
/// the rule set could be read; `*diagnostics_out` receives every diagnostic (JSON array).
/// A rule set that cannot be parsed fails with `FQ_STATUS_RULE_SET` and the diagnostics in
/// the error's details.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_validate_rules(
    engine: *const FqEngine,
    rules_json: *const c_char,
    diagnostics_out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(diagnostics_out)?;
        let set = parse_rules(rules_json)?;
        read(engine, |e| {
            put_json(diagnostics_out, &e.validate_rules(&set).items)
        })
    })
}

fn parse_rules(p: *const c_char) -> Res<fengqiao::routing::RuleSet> {
    let s = text(p, "rules_json")?;
    fengqiao::routing::RuleSet::from_json(s).map_err(|d| Failure::from(EngineError::Rules(d)))
}

/// Validates and loads a rule set; refused with every diagnostic if it has errors (nothing
/// changes). `*warnings_out` receives the warnings (JSON array).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_load_rules(
    engine: *const FqEngine,
    rules_json: *const c_char,
    warnings_out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(warnings_out)?;
        let set = parse_rules(rules_json)?;
        let warnings = write(engine, |e| Ok(e.load_rules(set)?))?;
        put_json(warnings_out, &warnings)
    })
}

/// Registers a dispute (`DisputeInput` JSON) by `actor` (`{"staff": id}`, `{"agency": id}` or
/// `"system"`) at `now_ms`; `*case_code_out` receives the case code.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_register(
    engine: *const FqEngine,
    actor_json: *const c_char,
    input_json: *const c_char,
    now_ms: i64,
    case_code_out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(case_code_out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let input = json(input_json, "input_json")?;
        let now = time(now_ms)?;
        let code = write(engine, |e| Ok(e.register(&actor, input, now)?))?;
        put(case_code_out, code.0)
    })
}

/// What routing would decide for a registered case (`Decision` JSON), without applying it.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_decide(
    engine: *const FqEngine,
    case_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let code = case_arg(case_code)?;
        let d = read(engine, |e| Ok(e.decide(&code)?))?;
        put_json(out, &d)
    })
}

/// What routing would decide for an unregistered dispute (`DisputeInput` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_decide_input(
    engine: *const FqEngine,
    input_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let input = json(input_json, "input_json")?;
        let d = read(engine, |e| Ok(e.decide_input(&input)?))?;
        put_json(out, &d)
    })
}

/// Routes a case (a traced `route` event, and `report_up` if the rules escalate at once);
/// `*out` receives the `Decision` JSON with its explanation.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_route(
    engine: *const FqEngine,
    actor_json: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let code = case_arg(case_code)?;
        let now = time(now_ms)?;
        let d = write(engine, |e| Ok(e.route(&actor, &code, now)?))?;
        put_json(out, &d)
    })
}

/// Applies a lifecycle operation (`Operation` JSON, e.g. `{"op":"accept"}`); `*out` receives
/// the case's new state (`Dispute` JSON). On refusal nothing changes.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_apply(
    engine: *const FqEngine,
    actor_json: *const c_char,
    case_code: *const c_char,
    operation_json: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let code = case_arg(case_code)?;
        let op = json(operation_json, "operation_json")?;
        let now = time(now_ms)?;
        write(engine, |e| put_json(out, e.apply(&actor, &code, op, now)?))
    })
}

/// A case as `actor` may see it (`CaseView` JSON: identifiers masked as configured).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_view_case(
    engine: *const FqEngine,
    actor_json: *const c_char,
    case_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let code = case_arg(case_code)?;
        let now = time(now_ms)?;
        let v = read(engine, |e| Ok(e.view_case(&actor, &code, now)?))?;
        put_json(out, &v)
    })
}

/// A case's trace as JSON Lines (one event per line).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_trace(
    engine: *const FqEngine,
    case_code: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let code = case_arg(case_code)?;
        let t = read(engine, |e| {
            Ok(fengqiao::trace::to_jsonl(&e.case(&code)?.events))
        })?;
        put(out, t)
    })
}

/// Verifies a case's trace (SM3 chain) and that replaying it gives the live state.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_verify(
    engine: *const FqEngine,
    case_code: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let code = case_arg(case_code)?;
        read(engine, |e| Ok(e.verify(&code)?))
    })
}

/// Verifies a trace given as JSON Lines, without an engine, and replays it; `*out` receives
/// the rebuilt case (`Dispute` JSON). A tampered trace fails with `FQ_STATUS_TRACE` and the
/// position of the problem in the details.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_trace_verify(
    jsonl: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let text = text(jsonl, "jsonl")?;
        let events =
            fengqiao::trace::from_jsonl(text).map_err(|e| Failure::from(EngineError::Trace(e)))?;
        fengqiao::trace::verify(&events).map_err(|e| Failure::from(EngineError::Trace(e)))?;
        let d =
            fengqiao::trace::replay(&events).map_err(|e| Failure::from(EngineError::Trace(e)))?;
        put_json(out, &d)
    })
}

/// The deadline sweep at `now_ms` (`Sweep` JSON); with `escalate`, overdue cases are reported
/// up as the rules say (traced).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_sweep(
    engine: *const FqEngine,
    now_ms: i64,
    escalate: bool,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let now = time(now_ms)?;
        let s = write(engine, |e| Ok(e.sweep(now, escalate)?))?;
        put_json(out, &s)
    })
}

/// Statistics (`Query` JSON in, `Report` JSON out) over the cases `actor` may see.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_statistics(
    engine: *const FqEngine,
    actor_json: *const c_char,
    query_json: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let q = json(query_json, "query_json")?;
        let now = time(now_ms)?;
        let r = read(engine, |e| Ok(e.statistics(&actor, &q, now)?))?;
        put_json(out, &r)
    })
}

/// Files a daily zero report (`ZeroReport` JSON) by a household head or grid worker.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_file_report(
    engine: *const FqEngine,
    actor_json: *const c_char,
    report_json: *const c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let actor: Actor = json(actor_json, "actor_json")?;
        let r = json(report_json, "report_json")?;
        write(engine, |e| Ok(e.file_report(&actor, r)?))
    })
}

/// Who in `unit_code`'s subtree did not report on `date` (`YYYY-MM-DD`), with streaks.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_missing_reports(
    engine: *const FqEngine,
    unit_code: *const c_char,
    date_text: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let unit = unit_arg(unit_code)?;
        let day = date(date_text, "date")?;
        let m = read(engine, |e| Ok(e.missing_reports(unit, day)?))?;
        put_json(out, &m)
    })
}

/// The daily analysis (日研判) of `unit_code`'s subtree, most urgent first.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_daily_analysis(
    engine: *const FqEngine,
    actor_json: *const c_char,
    unit_code: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let unit = unit_arg(unit_code)?;
        let now = time(now_ms)?;
        let r = read(engine, |e| Ok(e.daily_analysis(&actor, unit, now)?))?;
        put_json(out, &r)
    })
}

/// What-if: replays a history (JSON Lines of `HistoricalDispute`) under rule sets A and B
/// (`RuleSet` JSON) and compares them (`Comparison` JSON).
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_what_if(
    engine: *const FqEngine,
    history_jsonl: *const c_char,
    rules_a_json: *const c_char,
    rules_b_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let lines = text(history_jsonl, "history_jsonl")?;
        let mut history = Vec::new();
        for (i, l) in lines
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let h: fengqiao::whatif::HistoricalDispute = serde_json::from_str(l).map_err(|e| {
                Failure::new(
                    FqStatus::InvalidInput,
                    format!("history_jsonl line {}: {e}", i + 1),
                )
            })?;
            history.push(h);
        }
        let a = parse_rules(rules_a_json)?;
        let b = parse_rules(rules_b_json)?;
        let c = read(engine, |e| Ok(e.what_if(&history, a, b)?))?;
        put_json(out, &c)
    })
}

/// The weekly dispatch (周调度) of the ISO week containing `date` (`YYYY-MM-DD`): one row per
/// unit at `level` (e.g. `"community"`) inside `unit_code`.
///
/// # Safety
/// Pointers as documented in the crate docs.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_weekly_dispatch(
    engine: *const FqEngine,
    actor_json: *const c_char,
    unit_code: *const c_char,
    level: *const c_char,
    date_text: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        out_slot(out)?;
        let actor: Actor = json(actor_json, "actor_json")?;
        let unit = unit_arg(unit_code)?;
        let level: fengqiao::hierarchy::Level =
            text(level, "level")?
                .parse()
                .map_err(|e: fengqiao::UnknownWord| {
                    Failure::new(FqStatus::InvalidInput, e.to_string())
                })?;
        let day = date(date_text, "date")?;
        let rows = read(engine, |e| Ok(e.weekly_dispatch(&actor, unit, level, day)?))?;
        put_json(out, &rows)
    })
}
