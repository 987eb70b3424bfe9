//! What time limits cost: the deadline sweep's read (every case's standing, legal windows
//! and due days) over a county caseload, and — with this round's time limits — the same
//! with a local calendar, suspensions and extensions in play, and the assessment.
//!
//! `FQ_BENCH_QUICK=1 cargo bench --bench deadlines`. The part between the `time-limits`
//! markers uses the APIs of issue 20; the rest compiles on earlier commits too, which is how
//! BENCHMARKS.md compares before and after in one run.

mod common;

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::engine::Engine;
use fengqiao::lifecycle::Operation;
use fengqiao::trace::Actor;
use fengqiao_synth::{self as synth, ids, Rng, Spec};

/// A county of 107,000 households with `n` cases registered over 2023–2025, routed and
/// accepted by the centre of the unit each was routed to.
fn county(n: usize) -> (Engine, synth::Places, chrono::DateTime<Utc>) {
    let (mut engine, dir) = synth::world(&Spec::scaled(107_000, 3)).unwrap();
    let top = dir.county.unwrap();
    let centre = Actor::Staff(ids::centre_staff(top));
    let mut rng = Rng::new(4);
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let every = chrono::Duration::minutes(3 * 365 * 24 * 60) / n as i32;
    let load: Vec<_> = synth::disputes::caseload(&mut rng, &dir, t0, every)
        .take(n)
        .collect();
    for (at, d) in load {
        // The generator draws a few disputes the engine refuses (a party named twice).
        let Ok(code) = engine.register(&centre, d, at) else {
            continue;
        };
        engine.route(&Actor::System, &code, at).unwrap();
        let accept = Operation::Accept {
            note: String::new(),
        };
        // The county centre may accept anything in the county.
        let _ = engine.apply(&centre, &code, accept, at);
    }
    (engine, dir, t0 + chrono::Duration::days(3 * 365))
}

fn deadlines(c: &mut Criterion) {
    let n = if common::quick() { 20_000 } else { 100_000 };
    let (engine, _dir, as_of) = county(n);
    let mut g = c.benchmark_group("deadlines");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("sweep_read", n), |b| {
        b.iter(|| black_box(engine.deadlines(as_of).unwrap()))
    });
    // time-limits: begin
    let mut timed = engine.clone();
    time_limits::prepare(&mut timed, &_dir);
    g.bench_function(
        BenchmarkId::new("sweep_read_local_calendar_suspensions", n),
        |b| b.iter(|| black_box(timed.deadlines(as_of).unwrap())),
    );
    let street = Actor::System;
    let q = fengqiao::assessment::AssessmentQuery {
        within: None,
        level: fengqiao::hierarchy::Level::Community,
        from: "2023-01-01".parse().unwrap(),
        to: "2025-12-31".parse().unwrap(),
        weights: None,
    };
    g.bench_function(BenchmarkId::new("assessment_by_community", n), |b| {
        b.iter(|| {
            black_box(
                timed
                    .reader(&street, as_of)
                    .and_then(|r| r.assessment(&q))
                    .unwrap(),
            )
        })
    });
    // time-limits: end
    g.finish();
}

// time-limits: begin
mod time_limits {
    use super::*;
    use fengqiao::calendar::{LocalCalendar, LocalDay};
    use fengqiao::lifecycle::PauseReason;

    /// A local calendar on the county (a festival day off each year), and one open case in
    /// ten suspended for a week and then granted three extra working days (by the county's
    /// centre, above every unit but the county itself).
    pub fn prepare(engine: &mut Engine, dir: &synth::Places) {
        let day = |d: &str| LocalDay {
            date: d.parse().unwrap(),
            name: "三月三".into(),
        };
        engine
            .set_local_calendar(LocalCalendar {
                unit: dir.county.unwrap(),
                source: "bench".into(),
                days_off: vec![day("2023-04-21"), day("2024-04-11"), day("2025-03-31")],
                working_days: vec![],
            })
            .unwrap();
        let centre = Actor::Staff(ids::centre_staff(dir.county.unwrap()));
        let codes: Vec<_> = engine
            .cases()
            .filter(|c| c.dispute.state.is_open())
            .map(|c| (c.dispute.code.clone(), c.events.last().unwrap().at))
            .step_by(10)
            .collect();
        for (code, at) in codes {
            let ops = [
                (
                    Operation::Suspend {
                        reason: PauseReason::Appraisal,
                        note: String::new(),
                    },
                    0,
                ),
                (
                    Operation::Resume {
                        note: String::new(),
                    },
                    7,
                ),
                (
                    Operation::RequestExtension {
                        days: 3,
                        reason: "bench".into(),
                    },
                    7,
                ),
                (
                    Operation::DecideExtension {
                        approved: true,
                        days: None,
                        note: String::new(),
                    },
                    8,
                ),
            ];
            for (op, days) in ops {
                let _ = engine.apply(&centre, &code, op, at + chrono::Duration::days(days));
            }
        }
    }
}
// time-limits: end

criterion_group! {
    name = benches;
    config = common::tune(10);
    targets = deadlines
}
criterion_main!(benches);
