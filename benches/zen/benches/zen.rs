//! fengqiao vs zen-engine on the same decision tables and the same disputes, in one run.
//!
//! `cargo bench --manifest-path benches/zen/Cargo.toml` (add `FQ_BENCH_QUICK=1` for the
//! quick mode). Each group times both engines on the same inputs; divide zen-engine's time
//! by fengqiao's for the ratio. Before timing, every input is checked to get the same
//! matching rules from both, so the two sides answer the same question.

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::routing::{Facts, NoUnits, Router};
use fengqiao_synth::{rules, Rng, Spec};
use fengqiao_zen_bench::{context, Variable, Zen};

fn tune() -> Criterion {
    if std::env::var_os("FQ_BENCH_QUICK").is_some() {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
    } else {
        Criterion::default()
            .sample_size(20)
            .measurement_time(Duration::from_secs(4))
    }
}

/// Checks that both engines pick the same rules for every input, then times both.
fn side_by_side(c: &mut Criterion, group: &str, label: String, router: &Router, facts: &[Facts]) {
    let zen = Zen::new(router.rule_set()).expect("the table translates and compiles");
    let contexts: Vec<Variable> = facts.iter().map(|f| context(f, None)).collect();
    for (f, ctx) in facts.iter().zip(&contexts) {
        assert_eq!(
            router.matching(f, &NoUnits),
            zen.matching(ctx).expect("zen evaluates"),
            "the engines disagree on {f:?}"
        );
    }
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(facts.len() as u64));
    g.bench_function(BenchmarkId::new("fengqiao", &label), |b| {
        b.iter(|| {
            facts
                .iter()
                .map(|f| {
                    let m = router.matching(f, &NoUnits);
                    black_box(router.outcome(&m));
                    m.len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("fengqiao-matching-only", &label), |b| {
        b.iter(|| {
            facts
                .iter()
                .map(|f| router.matching(f, &NoUnits).len())
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("zen-engine", &label), |b| {
        b.iter(|| {
            for ctx in &contexts {
                black_box(zen.evaluate(ctx).expect("zen evaluates"));
            }
        })
    });
    g.finish();
}

/// The shipped rules (17, collect) on 1,000 disputes with the 2023 ledger's mix.
fn default_rules(c: &mut Criterion) {
    let router = Router::default_rules();
    let (_, dir) = fengqiao_synth::hierarchy(&Spec::small()).unwrap();
    let t = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
    let disputes = fengqiao_synth::disputes::disputes(&mut Rng::new(7), &dir, 1_000, t);
    let facts: Vec<Facts> = disputes.iter().map(rules::facts_of).collect();
    side_by_side(c, "default_rules", "17".into(), &router, &facts);
}

/// Generated first-hit tables of 10 to 1,000 rules (10,000 in the full mode).
fn generated(c: &mut Criterion) {
    let mut rng = Rng::new(3);
    let facts = rules::facts(&mut rng, 1_000);
    let quick = std::env::var_os("FQ_BENCH_QUICK").is_some();
    for n in [10, 100, 1_000, 10_000] {
        if n == 10_000 && quick {
            continue;
        }
        let router = Router::new(rules::table(n, &mut rng), None).unwrap();
        side_by_side(c, "generated_first_hit", n.to_string(), &router, &facts);
    }
}

criterion_group! {
    name = benches;
    config = tune();
    targets = default_rules, generated
}
criterion_main!(benches);
