//! The same routing workload through the C ABI (JSON text in and out, as a host sends it)
//! and in Rust (parse the same JSON, decide, serialise): the ABI's own overhead.

use std::ffi::{c_char, CString};
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fengqiao_ffi::*;

const WORLD: &str = include_str!("../../examples/data/world-small.json");
const DISPUTE: &str = include_str!("../../examples/data/dispute.json");

fn abi(c: &mut Criterion) {
    let mut g = c.benchmark_group("route_json");
    g.throughput(Throughput::Elements(1));
    if std::env::var_os("FQ_BENCH_QUICK").is_some() {
        g.sample_size(10)
            .measurement_time(Duration::from_secs(1))
            .warm_up_time(Duration::from_millis(300));
    }
    let engine =
        fengqiao::engine::Engine::from_world(serde_json::from_str(WORLD).unwrap()).unwrap();
    g.bench_function("rust", |b| {
        b.iter(|| {
            let input: fengqiao::dispute::DisputeInput =
                serde_json::from_str(black_box(DISPUTE)).unwrap();
            let d = engine.decide_input(&input).unwrap();
            black_box(serde_json::to_string(&d).unwrap())
        })
    });
    let world = CString::new(WORLD).unwrap();
    let dispute = CString::new(DISPUTE).unwrap();
    let mut handle: *mut FqEngine = std::ptr::null_mut();
    // SAFETY: valid C strings and out-pointers; the handle is freed below.
    unsafe {
        assert_eq!(
            fq_engine_new(world.as_ptr(), &mut handle, std::ptr::null_mut()),
            FqStatus::Ok
        );
    }
    g.bench_function("c_abi", |b| {
        b.iter(|| {
            let mut out: *mut c_char = std::ptr::null_mut();
            // SAFETY: as above; the returned string is released with fq_string_free.
            unsafe {
                let s = fq_engine_decide_input(
                    handle,
                    dispute.as_ptr(),
                    &mut out,
                    std::ptr::null_mut(),
                );
                assert_eq!(s, FqStatus::Ok);
                black_box(std::ffi::CStr::from_ptr(out).to_bytes().len());
                fq_string_free(out);
            }
        })
    });
    // SAFETY: created above, not used afterwards.
    unsafe { fq_engine_free(handle) };
    g.finish();
}

criterion_group!(benches, abi);
criterion_main!(benches);
