//! Durable state (see BENCHMARKS.md): what the journal adds to each operation, how fast an
//! engine is restored from its journal with every SM3 chain verified, and snapshots.
//!
//! `cargo bench --bench journal`; `FQ_BENCH_QUICK=1` for a short run (10,000 cases instead
//! of 200,000); `FQ_BENCH_PREFECTURE=1000000` adds the prefecture (see `prefecture`).
//! Sizes are printed as `size:` lines.

#[path = "common/caseload.rs"]
mod caseload;
mod common;
use caseload::{agreement, caseload};

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::engine::Engine;
use fengqiao::journal::{self, Change};
use fengqiao::lifecycle::{Method, Operation};
use fengqiao::trace::{Actor, Hash};
use fengqiao_synth::{ids, world_data, Rng, Spec};

/// What the journal adds to an operation: one SM3 block over the previous digest and the
/// event's hash (and two vector pushes), beside the five-operation life it is part of.
fn overhead(c: &mut Criterion) {
    let (data, places) = world_data(&Spec::small()).unwrap();
    let engine = Engine::from_world(data).unwrap();
    let t = |d: u32| Utc.with_ymd_and_hms(2025, 6, d, 1, 0, 0).unwrap();
    let gw = Actor::Staff(ids::grid_worker(places.grids[0]));
    let md = Actor::Staff(ids::mediator(places.communities[0], 1));
    let mut input =
        fengqiao_synth::disputes::disputes(&mut Rng::new(3), &places, 1, t(1)).remove(0);
    input.location = places.households[0];
    let mut g = c.benchmark_group("journal_overhead");
    g.throughput(Throughput::Elements(5));
    g.bench_function("five_operations_journaled", |b| {
        b.iter_batched(
            || engine.clone(),
            |mut e| {
                let code = e.register(&gw, input.clone(), t(2)).unwrap();
                e.route(&Actor::System, &code, t(2)).unwrap();
                let accept = Operation::Accept {
                    note: String::new(),
                };
                e.apply(&md, &code, accept, t(2)).unwrap();
                let session = Operation::RecordSession {
                    method: Method::FaceToFace,
                    summary: String::new(),
                    parties_consent: true,
                };
                e.apply(&md, &code, session, t(3)).unwrap();
                let resolve = Operation::Resolve {
                    agreement: agreement(),
                };
                e.apply(&md, &code, resolve, t(3)).unwrap();
                e
            },
            criterion::BatchSize::LargeInput,
        )
    });
    let mut e = engine.clone();
    let code = e.register(&gw, input.clone(), t(2)).unwrap();
    let event = Change::Event(e.case(&code).unwrap().events[0].clone());
    let prev = Hash::sm3(b"prev");
    g.bench_function("five_journal_digests", |b| {
        b.iter(|| {
            let mut d = prev;
            for _ in 0..5 {
                d = journal::chain(black_box(&d), black_box(&event));
            }
            black_box(d)
        })
    });
    g.finish();

    // SM3 itself over a kilobyte, about a case event's canonical JSON: what bounds
    // verification (every event's content is hashed once on restore).
    let mut g = c.benchmark_group("sm3");
    let kib = vec![0x5au8; 1024];
    g.throughput(Throughput::Bytes(kib.len() as u64));
    g.bench_function("one_kib", |b| {
        b.iter(|| black_box(Hash::sm3(black_box(&kib))))
    });
    g.finish();
}

/// Restoring a county's cases from the journal (JSON Lines, as a store holds them, and
/// already-parsed entries), and from a snapshot.
fn restore(c: &mut Criterion) {
    let n = if common::quick() { 10_000 } else { 200_000 };
    let (data, places) = world_data(&Spec::scaled(107_000, 3)).unwrap();
    let mut engine = Engine::from_world(data.clone()).unwrap();
    caseload(&mut engine, &places, n);
    let entries = engine.journal(0, usize::MAX).unwrap();
    let events = entries
        .iter()
        .filter(|e| matches!(e.change, Change::Event(_)))
        .count();
    let text = journal::to_jsonl(&entries);
    let snapshot = engine.snapshot();
    let snap_json = serde_json::to_string(&snapshot).unwrap();
    let snap_parts = snapshot.clone().into_parts();
    let cases = engine.case_count();
    // The same snapshot in parts as format 1 wrote it (each case line a whole trace, every
    // event's case, sequence number and hashes written): measured beside format 2.
    let format_1 = snap_parts
        .lines()
        .take(2)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + snapshot
            .cases
            .iter()
            .map(|c| serde_json::to_string(c).unwrap().len() + 1)
            .sum::<usize>();
    // The same journal as it was before route events stopped copying their rules' text
    // (0.1's slim events): each route event's explanation held every matched rule's
    // description and source. Measured here, in the same run, by adding that text back.
    // Likewise the chosen candidates, which copied the team until session 10: measured by
    // putting them back.
    let routes = entries.iter().filter_map(|e| match &e.change {
        Change::Event(ev) => match &ev.op {
            Operation::Route { decision } => Some(decision),
            _ => None,
        },
        _ => None,
    });
    let (mut copied, mut chosen) = (0usize, 0usize);
    for d in routes {
        let notes = engine.router().rule_set().notes(&d.matched);
        copied += ",\"rules\":".len() + serde_json::to_string(&notes).unwrap().len();
        let mut whole = d.as_ref().clone();
        whole.restore_chosen();
        chosen += serde_json::to_string(&whole).unwrap().len()
            - serde_json::to_string(d.as_ref()).unwrap().len();
    }
    println!(
        "size: {cases} cases, {events} events; journal {} bytes ({} per event; {} with each route copying its chosen candidates, as before session 10; {} copying its rules' text too, as before slim events); snapshot {} bytes ({} per case), in parts {} bytes ({} per case; {} in format 1, each line a whole trace; the world {} bytes of it)",
        text.len(),
        text.len() / events.max(1),
        (text.len() + chosen) / events.max(1),
        (text.len() + chosen + copied) / events.max(1),
        snap_json.len(),
        snap_json.len() / cases.max(1),
        snap_parts.len(),
        snap_parts.len() / cases.max(1),
        format_1 / cases.max(1),
        serde_json::to_string(&snapshot.world).unwrap().len(),
    );
    let mut g = c.benchmark_group("restore");
    g.sample_size(10);
    // The world alone: every restore starts by building it; subtract it to get the
    // journal's own replay rate.
    g.bench_function("world_only", |b| {
        b.iter(|| black_box(Engine::from_world(data.clone()).unwrap()))
    });
    g.throughput(Throughput::Elements(events as u64));
    // As the bindings restore: lines parsed and events checked on a second thread.
    g.bench_function(BenchmarkId::new("from_jsonl_events", events), |b| {
        b.iter(|| {
            let lines = journal::jsonl_lines(black_box(&text));
            black_box(Engine::restore_read(data.clone(), lines, journal::read_line).unwrap())
        })
    });
    g.bench_function(
        BenchmarkId::new("from_parsed_entries_events", events),
        |b| {
            b.iter_batched(
                || entries.clone(),
                |es| black_box(Engine::restore(data.clone(), es).unwrap()),
                criterion::BatchSize::LargeInput,
            )
        },
    );
    g.throughput(Throughput::Elements(cases as u64));
    g.bench_function(BenchmarkId::new("from_snapshot_json_cases", cases), |b| {
        b.iter(|| {
            let s: journal::Snapshot = serde_json::from_str(black_box(&snap_json)).unwrap();
            black_box(Engine::restore_snapshot(s, std::iter::empty()).unwrap())
        })
    });
    // The snapshot in parts: its case lines parsed and verified on every core.
    g.bench_function(BenchmarkId::new("from_snapshot_parts_cases", cases), |b| {
        b.iter(|| {
            black_box(
                Engine::restore_snapshot_parts(black_box(&snap_parts), std::iter::empty()).unwrap(),
            )
        })
    });
    g.finish();
}

/// A prefecture: about `FQ_BENCH_PREFECTURE=1000000` cases over 1.07 million households (ten
/// counties' worth in one engine); skipped unless set (about a quarter of an hour and
/// 12 GB). The journal goes to a file as JSON Lines and the snapshot to another, and the
/// engine that wrote them is dropped, so a restore holds only the engine it builds and
/// streams its input as a store streams rows.
fn prefecture(c: &mut Criterion) {
    let Some(n) = std::env::var("FQ_BENCH_PREFECTURE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("fengqiao-prefecture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (journal_file, snapshot_file) = (dir.join("journal.jsonl"), dir.join("snapshot.json"));
    let parts_file = dir.join("snapshot.parts.jsonl");
    let (data, places) = world_data(&Spec::scaled(1_070_000, 3)).unwrap();
    let (events, cases) = {
        let mut engine = Engine::from_world(data.clone()).unwrap();
        caseload(&mut engine, &places, n);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&journal_file).unwrap());
        let (mut after, mut events) = (0, 0);
        loop {
            let page = engine.journal(after, 100_000).unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            events += page
                .iter()
                .filter(|e| matches!(e.change, Change::Event(_)))
                .count();
            std::io::Write::write_all(&mut out, journal::to_jsonl(&page).as_bytes()).unwrap();
        }
        std::io::Write::flush(&mut out).unwrap();
        let out = std::io::BufWriter::new(std::fs::File::create(&snapshot_file).unwrap());
        serde_json::to_writer(out, &engine.snapshot()).unwrap();
        std::fs::write(&parts_file, engine.snapshot().into_parts()).unwrap();
        (events, engine.case_count())
    };
    let size = |f: &std::path::Path| std::fs::metadata(f).unwrap().len();
    println!(
        "size: prefecture: {cases} cases, {events} events; journal {} bytes ({} per event); snapshot {} bytes ({} per case), in parts {} bytes ({} per case)",
        size(&journal_file),
        size(&journal_file) / events.max(1) as u64,
        size(&snapshot_file),
        size(&snapshot_file) / cases.max(1) as u64,
        size(&parts_file),
        size(&parts_file) / cases.max(1) as u64
    );
    let open = |f: &std::path::Path| {
        std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(f).unwrap())
    };
    let mut g = c.benchmark_group("prefecture");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(1));
    g.warm_up_time(std::time::Duration::from_millis(1));
    g.throughput(Throughput::Elements(events as u64));
    g.bench_function(BenchmarkId::new("from_jsonl_file_events", events), |b| {
        b.iter_with_large_drop(|| {
            let lines = std::io::BufRead::lines(open(&journal_file))
                .enumerate()
                .map(|(i, line)| (i + 1, line.expect("the journal file reads")));
            let read = |(n, line): (usize, String)| journal::read_line((n, &line));
            Engine::restore_read(data.clone(), lines, read).unwrap()
        })
    });
    g.throughput(Throughput::Elements(cases as u64));
    g.bench_function(BenchmarkId::new("from_snapshot_file_cases", cases), |b| {
        b.iter_with_large_drop(|| {
            let s: journal::Snapshot = serde_json::from_reader(open(&snapshot_file)).unwrap();
            Engine::restore_snapshot(s, std::iter::empty()).unwrap()
        })
    });
    // The same snapshot in parts: read whole, its case lines parsed and verified on every core.
    g.bench_function(
        BenchmarkId::new("from_snapshot_parts_file_cases", cases),
        |b| {
            b.iter_with_large_drop(|| {
                let text = std::fs::read_to_string(&parts_file).unwrap();
                Engine::restore_snapshot_parts(&text, std::iter::empty()).unwrap()
            })
        },
    );
    g.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group! {
    name = benches;
    config = common::tune(10);
    targets = overhead, restore, prefecture
}
criterion_main!(benches);
