//! Memory per case (issue 37, item 3): the engine's heap, counted by a counting allocator,
//! for a county's world alone, then with its cases — live (as they were registered and
//! handled), restored from the journal, and after the journal is released — so a host can
//! size a deployment and a change can show what it cut. Bytes requested from the allocator,
//! not RSS: the allocator's own overhead and fragmentation come on top.
//!
//! `cargo bench --bench memory` (county, 100,000 cases); `FQ_BENCH_QUICK=1` for 20,000.
//! `FQ_BENCH_PREFECTURE=1` adds a prefecture-sized world (ten times the households).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "common/caseload.rs"]
mod caseload;

use fengqiao::engine::Engine;
use fengqiao::journal;
use fengqiao::lifecycle::Operation;
use fengqiao_synth::{world_data, Spec};

/// The system allocator, counting the bytes it holds for the program.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is
// updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            HELD.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            HELD.fetch_add(new_size, Ordering::Relaxed);
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn held() -> usize {
    HELD.load(Ordering::Relaxed)
}

/// Heap of the world alone and per case, live, restored and released, at one scale.
fn measure(name: &str, spec: &Spec, n: usize) {
    let (data, places) = world_data(spec).unwrap();
    let before = held();
    let mut engine = Engine::from_world(data.clone()).unwrap();
    let world = held() - before;
    caseload::caseload_to_closing(&mut engine, &places, n);
    let cases = engine.case_count();
    let events: usize = engine.cases().map(|c| c.events.len()).sum();
    let live = held() - before - world;
    let parts = breakdown(&engine);
    let entries = engine.journal(0, usize::MAX).unwrap();
    let text = journal::to_jsonl(&entries);
    drop(entries);
    let seq = engine.journal_seq();
    let at_release = held();
    engine.release_journal(seq);
    let released = at_release.saturating_sub(held());
    drop(engine);
    let before = held();
    let mut restored_engine = Engine::restore_read(
        data.clone(),
        journal::jsonl_lines(&text),
        journal::read_line,
    )
    .unwrap();
    let restored = held() - before - world;
    let seq = restored_engine.journal_seq();
    restored_engine.release_journal(seq);
    let restored_released = held() - before - world;
    drop(restored_engine);
    let per = |b: usize| b as f64 / cases.max(1) as f64;
    println!(
        "{name}: {cases} cases ({:.1} events a case), taken to closing; world {:.1} MB; the journal's JSON Lines {:.0} B a case",
        events as f64 / cases.max(1) as f64,
        world as f64 / 1e6,
        per(text.len()),
    );
    println!(
        "  heap per case: live {:.0} B, {:.0} B once the host stored and released the journal; restored {:.0} B, {:.0} B released",
        per(live),
        per(live - released),
        per(restored),
        per(restored_released),
    );
    let (events, decisions, records) = parts;
    println!(
        "  of the live heap per case: events {:.0} B (without their decisions), routing decisions {:.0} B, case records {:.0} B (without what they share with the events), the rest {:.0} B (the journal not yet released, the case map, ledger and indexes)",
        per(events),
        per(decisions),
        per(records),
        per(live.saturating_sub(events + decisions + records)),
    );
}

/// What the cases' parts hold, each measured by the heap a deep copy of it takes: the events
/// (what they share with the case record counted once, with the record), the routing
/// decisions (one per routed case, shared by its route event and its record), the records.
fn breakdown(engine: &Engine) -> (usize, usize, usize) {
    let (mut events, mut decisions, mut records) = (0, 0, 0);
    for c in engine.cases() {
        events += deep(&c.events);
        records += deep(&c.dispute);
        for e in &c.events {
            if let Operation::Route { decision } = &e.op {
                decisions += deep(&**decision);
            }
        }
    }
    (events, decisions, records)
}

/// The heap a copy of `v` takes (what it shares through `Arc`s is not copied).
fn deep<T: Clone>(v: &T) -> usize {
    let before = held();
    let kept = v.clone();
    let n = held() - before;
    drop(kept);
    n
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips the measurement.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !args.is_empty() && !args.iter().any(|a| "memory".contains(a.as_str())) {
        return;
    }
    let n = if std::env::var_os("FQ_BENCH_QUICK").is_some() {
        20_000
    } else {
        100_000
    };
    measure("county (107,000 households)", &Spec::scaled(107_000, 3), n);
    if std::env::var_os("FQ_BENCH_PREFECTURE").is_some() {
        measure(
            "prefecture (1,070,000 households)",
            &Spec::scaled(1_070_000, 3),
            n * 10,
        );
    }
}
