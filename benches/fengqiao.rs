//! Benchmarks at prefecture scale (see BENCHMARKS.md for the table and how it was made).
//!
//! `cargo bench --bench fengqiao` runs everything; `FQ_BENCH_QUICK=1` shortens every
//! measurement so the whole run fits in a few minutes on 2 cores. Memory figures come from a
//! counting allocator and are printed as `memory:` lines.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::dispute::{Category, Channel, DisputeInput, Flag, Flags, Party, RiskColour, Urgency};
use fengqiao::hierarchy::Level;
use fengqiao::lifecycle::{Method, Operation};
use fengqiao::routing::{NoUnits, Router};
use fengqiao::trace::{self, Actor};
use fengqiao_synth::{self as synth, ids, Rng, Spec};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator and only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SIZES: [(&str, u64); 3] = [
    ("street", 24_700),
    ("county", 107_000),
    ("prefecture", 1_070_000),
];

fn hierarchy_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("hierarchy_build");
    g.sample_size(10);
    for (name, households) in SIZES {
        let spec = Spec::scaled(households, 1);
        let before = LIVE.load(Ordering::Relaxed);
        let (h, dir) = synth::hierarchy(&spec).unwrap();
        let n = dir.households.len();
        drop(dir);
        let bytes = LIVE.load(Ordering::Relaxed) - before;
        println!(
            "memory: hierarchy {name}: {} units, {n} households, {bytes} bytes, {:.1} bytes/household",
            h.len(),
            bytes as f64 / n as f64
        );
        drop(h);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(synth::hierarchy(&spec).unwrap()))
        });
    }
    g.finish();
}

fn routing(c: &mut Criterion) {
    let mut g = c.benchmark_group("routing");
    let mut rng = Rng::new(3);
    let fs = synth::rules::facts(&mut rng, 1000);
    for n in [10, 100, 1_000, 10_000] {
        let router =
            Router::new(synth::rules::table(n, &mut rng), None).expect("generated tables validate");
        g.throughput(Throughput::Elements(fs.len() as u64));
        g.bench_with_input(BenchmarkId::new("compiled", n), &router, |b, r| {
            b.iter(|| {
                fs.iter()
                    .map(|f| r.matching(f, &NoUnits).len())
                    .sum::<usize>()
            })
        });
        if n <= 1_000 || !common::quick() {
            g.bench_with_input(BenchmarkId::new("reference", n), &router, |b, r| {
                b.iter(|| {
                    fs.iter()
                        .map(|f| r.matching_reference(f, &NoUnits).len())
                        .sum::<usize>()
                })
            });
        }
    }
    g.finish();
}

fn dispute_at(location: fengqiao::hierarchy::DivisionCode) -> DisputeInput {
    DisputeInput {
        category: Category::Labour,
        subtype: None,
        channel: Channel::HouseholdVisit,
        parties: vec![Party::Household(location)],
        headcount: 3,
        location,
        urgency: Urgency::Medium,
        risk: RiskColour::Yellow,
        amount_yuan: Some(20_000),
        flags: Flags::EMPTY.with(Flag::ViolenceRisk),
        description: String::new(),
        discovered_at: Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap(),
        assigned_by: None,
        external: None,
        idempotency_key: None,
    }
}

fn team_assembly(c: &mut Criterion) {
    let mut g = c.benchmark_group("team_assembly");
    g.sample_size(10);
    for households in [10_000u64, 100_000, 1_000_000] {
        let (engine, dir) = synth::world(&Spec::scaled(households, 2)).unwrap();
        let input = dispute_at(dir.households[dir.households.len() / 2]);
        g.throughput(Throughput::Elements(1));
        g.bench_function(BenchmarkId::from_parameter(households), |b| {
            b.iter(|| black_box(engine.decide_input(&input).unwrap()))
        });
    }
    g.finish();
}

fn lifecycle(c: &mut Criterion) {
    let (engine, dir) = synth::world(&Spec::small()).unwrap();
    let t = |d: u32| Utc.with_ymd_and_hms(2025, 6, d, 1, 0, 0).unwrap();
    let gw = Actor::Staff(ids::grid_worker(dir.grids[0]));
    let md = Actor::Staff(ids::mediator(dir.communities[0], 1));
    let input = dispute_at(dir.households[0]);
    let mut g = c.benchmark_group("lifecycle");
    g.throughput(Throughput::Elements(5));
    g.bench_function("register_route_accept_session_resolve", |b| {
        b.iter_batched(
            || engine.clone(),
            |mut e| {
                let code = e.register(&gw, input.clone(), t(2)).unwrap();
                e.route(&Actor::System, &code, t(2)).unwrap();
                e.apply(
                    &md,
                    &code,
                    Operation::Accept {
                        note: String::new(),
                    },
                    t(2),
                )
                .unwrap();
                e.apply(
                    &md,
                    &code,
                    Operation::RecordSession {
                        method: Method::FaceToFace,
                        summary: String::new(),
                        parties_consent: true,
                    },
                    t(3),
                )
                .unwrap();
                // Written and signed: the bench's dispute is a labour one, whose agreement
                // must be a signed 调解协议书 (劳动争议调解仲裁法 art. 14).
                let agreement = fengqiao::lifecycle::Agreement {
                    form: fengqiao::lifecycle::AgreementForm::Written,
                    effective_on: "2025-06-03".parse().unwrap(),
                    terms: "t".into(),
                    amount_yuan: 0,
                    parties_signed: true,
                    mediator_signed: true,
                    committee_sealed: true,
                    excluded: None,
                };
                e.apply(&md, &code, Operation::Resolve { agreement }, t(3))
                    .unwrap();
                e
            },
            criterion::BatchSize::LargeInput,
        )
    });
    // A long trace: registration, routing and 998 supervision events.
    let mut e = engine.clone();
    let code = e.register(&gw, input.clone(), t(2)).unwrap();
    e.route(&Actor::System, &code, t(2)).unwrap();
    let centre = Actor::Staff(ids::centre_staff(dir.communities[0]));
    for _ in 0..998 {
        e.apply(
            &centre,
            &code,
            Operation::Supervise {
                grade: fengqiao::routing::Grade::Ordinary,
                note: String::new(),
            },
            t(4),
        )
        .unwrap();
    }
    let events = e.case(&code).unwrap().events.clone();
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("trace_verify_and_replay_1000", |b| {
        b.iter(|| {
            trace::verify(&events).unwrap();
            black_box(trace::replay(&events).unwrap())
        })
    });
    g.finish();
}

/// Exchange (issue 33): one case of six events sent with its signed trace and taken in by a
/// second engine — SM2 signing at the sender, the document through JSON text (what crosses
/// the wire), and intake with the chain recomputed and the signature checked.
fn exchange(c: &mut Criterion) {
    use fengqiao::signing::{Signer, Sm2Signer, Sm2Verifier};
    use fengqiao::transfer::{Endpoint, TransferDocument, TransferReason};
    let (engine, dir) = synth::world(&Spec::small()).unwrap();
    let t = |d: u32| Utc.with_ymd_and_hms(2025, 6, d, 1, 0, 0).unwrap();
    let gw = Actor::Staff(ids::grid_worker(dir.grids[0]));
    let centre = Actor::Staff(ids::centre_staff(dir.streets[0]));
    let county = Actor::Staff(ids::centre_staff(dir.county.unwrap()));
    let signer = Sm2Signer::from_secret_hex("street-2026", &"1a".repeat(32)).unwrap();
    let mut verifier = Sm2Verifier::default();
    verifier
        .add_key(signer.key_id(), &signer.public_key_hex())
        .unwrap();
    let mut street = engine.clone();
    let code = street
        .register(&gw, dispute_at(dir.households[0]), t(2))
        .unwrap();
    street.route(&Actor::System, &code, t(2)).unwrap();
    for _ in 0..3 {
        street
            .apply(
                &centre,
                &code,
                Operation::Supervise {
                    grade: fengqiao::routing::Grade::Ordinary,
                    note: String::new(),
                },
                t(3),
            )
            .unwrap();
    }
    let to = Endpoint {
        unit: dir.county.unwrap(),
        body: None,
    };
    let mut g = c.benchmark_group("exchange");
    g.throughput(Throughput::Elements(1));
    g.bench_function("transfer_out_signed", |b| {
        b.iter_batched(
            || street.clone(),
            |mut e| {
                black_box(
                    e.transfer_out(
                        &centre,
                        &code,
                        to.clone(),
                        TransferReason::Escalation,
                        String::new(),
                        t(4),
                        Some(&signer),
                    )
                    .unwrap(),
                )
            },
            criterion::BatchSize::LargeInput,
        )
    });
    let doc = street
        .clone()
        .transfer_out(
            &centre,
            &code,
            to,
            TransferReason::Escalation,
            String::new(),
            t(4),
            Some(&signer),
        )
        .unwrap();
    let text = serde_json::to_string(&doc).unwrap();
    println!(
        "exchange: a document of {} events is {} bytes of JSON",
        doc.events.len(),
        text.len()
    );
    g.bench_function("intake_json_chain_sm2", |b| {
        b.iter_batched(
            || engine.clone(),
            |mut e| {
                let doc: TransferDocument = serde_json::from_str(&text).unwrap();
                black_box(e.intake(&county, doc, Some(&verifier), t(4)).unwrap())
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The roll-up a centre runs for its weekly dispatch: community × category over every case,
/// with the 2023 ledger's category mix. Quick mode: 100,000 cases in a county; full mode:
/// 1,000,000 cases in a prefecture (the size; ≈1.5 GB of case records).
fn statistics(c: &mut Criterion) {
    let (households, n): (u64, usize) = if common::quick() {
        (107_000, 100_000)
    } else {
        (1_070_000, 1_000_000)
    };
    let (mut engine, dir) = synth::world(&Spec::scaled(households, 3)).unwrap();
    let top = dir.county.unwrap();
    let centre = Actor::Staff(ids::centre_staff(top));
    let mut rng = Rng::new(4);
    // Spread over 2023–2025 (the calendar's years), a registration every few minutes.
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let every = chrono::Duration::minutes(3 * 365 * 24 * 60) / n as i32;
    for (at, d) in synth::disputes::caseload(&mut rng, &dir, t0, every).take(n) {
        engine.register(&centre, d, at).unwrap();
    }
    let as_of = t0 + chrono::Duration::days(3 * 365);
    let q = fengqiao::stats::Query {
        by_level: Some(Level::Community),
        by_category: true,
        ..Default::default()
    };
    let within = fengqiao::stats::Query {
        within: Some(top),
        ..q.clone()
    };
    let mut g = c.benchmark_group("statistics");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("rollup_community_x_category", n), |b| {
        b.iter(|| {
            black_box(
                engine
                    .reader(&Actor::System, as_of)
                    .and_then(|r| r.statistics(&q))
                    .unwrap(),
            )
        })
    });
    g.bench_function(BenchmarkId::new("county_centre_within_county", n), |b| {
        b.iter(|| {
            black_box(
                engine
                    .reader(&centre, as_of)
                    .and_then(|r| r.statistics(&within))
                    .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::tune(20);
    targets = hierarchy_build, routing, team_assembly, lifecycle, exchange, statistics
}
criterion_main!(benches);
