//! The C ABI fed arbitrary bytes (invalid UTF-8 included) through every string argument.
#![no_main]
use std::ffi::{c_char, CString};

use fengqiao_ffi::*;
use libfuzzer_sys::fuzz_target;

const WORLD: &str = include_str!("../../examples/data/world-small.json");

fn cstr(b: &[u8]) -> CString {
    CString::new(b.iter().copied().filter(|&x| x != 0).collect::<Vec<u8>>()).expect("no NUL")
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.splitn(4, |&b| b == b'\n').collect();
    let get = |i: usize| cstr(parts.get(i).copied().unwrap_or(&[]));
    // One engine for the whole run (built once: parsing the world each time would make
    // the target a hundred times slower); every call below leaves it consistent.
    static ENGINE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let engine = *ENGINE.get_or_init(|| {
        let world = CString::new(WORLD).unwrap();
        let mut e: *mut FqEngine = std::ptr::null_mut();
        // SAFETY: a valid C string and out-pointer.
        assert_eq!(unsafe { fq_engine_new(world.as_ptr(), &mut e, std::ptr::null_mut()) }, FqStatus::Ok);
        e as usize
    }) as *mut FqEngine;
    let mut fresh: *mut FqEngine = std::ptr::null_mut();
    let mut err: *mut FqError = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: every pointer is valid or null as the API allows; every output is freed.
    unsafe {
        let _ = fq_engine_new(get(0).as_ptr(), &mut fresh, &mut err);
        fq_engine_free(fresh);
        fq_error_free(err);
        let _ = fq_engine_decide_input(engine, get(1).as_ptr(), &mut out, &mut err);
        fq_string_free(out);
        fq_error_free(err);
        let _ = fq_engine_register(engine, get(2).as_ptr(), get(1).as_ptr(), 1_749_430_800_000, &mut out, &mut err);
        fq_string_free(out);
        fq_error_free(err);
        let _ = fq_engine_validate_rules(engine, get(3).as_ptr(), &mut out, &mut err);
        fq_string_free(out);
        fq_error_free(err);
        let _ = fq_trace_verify(get(3).as_ptr(), &mut out, &mut err);
        fq_string_free(out);
        fq_error_free(err);
    }
});
