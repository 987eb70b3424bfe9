//! Durable state (see BENCHMARKS.md): what the journal adds to each operation, how fast an
//! engine is restored from its journal with every SM3 chain verified, and snapshots.
//!
//! `cargo bench --bench journal`; `FQ_BENCH_QUICK=1` for a short run (10,000 cases instead
//! of 200,000). Sizes are printed as `size:` lines.

mod common;

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::engine::Engine;
use fengqiao::journal::{self, Change};
use fengqiao::lifecycle::{Agreement, AgreementForm, Method, Operation};
use fengqiao::trace::{Actor, Hash};
use fengqiao_synth::{ids, world_data, Rng, Spec};

fn agreement() -> Agreement {
    Agreement {
        form: AgreementForm::Oral,
        effective_on: "2025-06-03".parse().unwrap(),
        terms: "t".into(),
        amount_yuan: 0,
        parties_signed: false,
        mediator_signed: false,
        committee_sealed: false,
        excluded: None,
    }
}

/// Registers `n` disputes over the county's households and takes each through routing,
/// acceptance, a session and an agreement: five events a case.
fn caseload(e: &mut Engine, places: &fengqiao_synth::Places, n: usize) {
    let mut rng = Rng::new(11);
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let every = chrono::Duration::minutes(3 * 365 * 24 * 60) / n as i32;
    let cases: Vec<_> = fengqiao_synth::disputes::caseload(&mut rng, places, t0, every)
        .take(n)
        .collect();
    for (at, d) in cases {
        let grid = places
            .grids
            .iter()
            .find(|g| d.location.starts_with(**g))
            .copied();
        let Some(grid) = grid else { continue };
        let gw = Actor::Staff(ids::grid_worker(grid));
        let Ok(code) = e.register(&gw, d, at) else {
            continue;
        };
        let Ok(decision) = e.route(&Actor::System, &code, at) else {
            continue;
        };
        let Some(m) = decision
            .team
            .iter()
            .find(|m| m.role == fengqiao::staff::Role::Mediator)
        else {
            continue;
        };
        let md = Actor::Staff(m.staff.clone());
        let later = at + chrono::Duration::hours(1);
        let _ = e.apply(
            &md,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            later,
        );
        let session = Operation::RecordSession {
            method: Method::FaceToFace,
            summary: String::new(),
            parties_consent: true,
        };
        let _ = e.apply(&md, &code, session, later);
        let mut a = agreement();
        a.effective_on = fengqiao::calendar::china_date(later);
        let _ = e.apply(&md, &code, Operation::Resolve { agreement: a }, later);
    }
}

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
    let cases = engine.case_count();
    println!(
        "size: {cases} cases, {events} events; journal {} bytes ({} per event); snapshot {} bytes ({} per case)",
        text.len(),
        text.len() / events.max(1),
        snap_json.len(),
        snap_json.len() / cases.max(1)
    );
    let mut g = c.benchmark_group("restore");
    g.sample_size(10);
    // The world alone: every restore starts by building it; subtract it to get the
    // journal's own replay rate.
    g.bench_function("world_only", |b| {
        b.iter(|| black_box(Engine::from_world(data.clone()).unwrap()))
    });
    g.throughput(Throughput::Elements(events as u64));
    g.bench_function(BenchmarkId::new("from_jsonl_events", events), |b| {
        b.iter(|| {
            black_box(
                Engine::restore_results(data.clone(), journal::from_jsonl(black_box(&text)))
                    .unwrap(),
            )
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
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::tune(10);
    targets = overhead, restore
}
criterion_main!(benches);
