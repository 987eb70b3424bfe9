//! The PostgreSQL store (see BENCHMARKS.md), against a throw-away server with PostgreSQL's
//! defaults (`fsync` and `synchronous_commit` on):
//!
//! - `append`: a county's journal stored by `Store::append` (entries serialised, partitions,
//!   projections, case heads, the expected-version check) against `plain_insert`, the same
//!   rows, already serialised, inserted into a plain table with the same keys (the entry's
//!   `(county, seq)` and a case event's `(county, case_code, case_seq)`) through the same
//!   client, in the same batches and one transaction: the ratio is what the store's protocol
//!   costs; `plain_insert_pk_only` is the same into a table without the case key, to show
//!   what that key itself costs;
//! - `restore`: the county restored from the journal alone, and from a snapshot.
//!
//! `cargo bench -p fengqiao-store --bench store`; `FQ_STORE_CASES=100000` for a county of
//! that many cases (default 2,000). Sizes are printed as `size:` lines.

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use fengqiao::engine::Engine;
use fengqiao_store::cluster::Cluster;
use fengqiao_store::Store;
use fengqiao_synth::{county, world_data, Rng, Spec};

/// A journal row as the plain insert writes it: seq, v, kind, case, case seq, digest, body.
type Row = (
    i64,
    i32,
    &'static str,
    Option<String>,
    Option<i64>,
    Vec<u8>,
    String,
);

fn cases() -> usize {
    std::env::var("FQ_STORE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

/// An empty schema with the county's journal created.
fn fresh(store: &mut Store, world: &fengqiao::engine::WorldData) {
    store
        .client()
        .batch_execute(
            "DROP SCHEMA IF EXISTS fengqiao CASCADE;
             DROP TABLE IF EXISTS plain_journal, plain_journal_pk;
             CREATE TABLE plain_journal (county text, seq bigint, v integer, kind text,
                 case_code text, case_seq bigint, digest bytea, body text,
                 stored_at timestamptz DEFAULT now(), PRIMARY KEY (county, seq),
                 UNIQUE (county, case_code, case_seq));
             CREATE TABLE plain_journal_pk (LIKE plain_journal INCLUDING DEFAULTS, PRIMARY KEY (county, seq));",
        )
        .unwrap();
    store.migrate().unwrap();
    store.create(world).unwrap();
}

fn bench(c: &mut Criterion) {
    let n = cases();
    let cluster = Cluster::start(&[]).expect("a throw-away PostgreSQL server");
    let store = std::cell::RefCell::new(Store::connect(&cluster.params()).unwrap());
    // A county sized to its caseload: about one dispute a year per eight households.
    let households = (n as u64 * 8).max(2_000);
    let (world, places) = world_data(&Spec::scaled(households, 7)).unwrap();
    let mut engine = Engine::from_world(world.clone()).unwrap();
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    county::caseload(&mut engine, &places, &mut Rng::new(3), t0, n).unwrap();
    let entries = engine.journal(0, usize::MAX).unwrap();
    let total = entries.len() as u64;
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| {
            let ev = e.change.event();
            (
                e.seq as i64,
                e.v as i32,
                e.change.kind(),
                ev.map(|ev| ev.case.to_string()),
                ev.map(|ev| ev.seq as i64),
                e.digest.0.to_vec(),
                serde_json::to_string(&e.change).unwrap(),
            )
        })
        .collect();
    let bytes: usize = rows.iter().map(|r| r.6.len()).sum();
    println!(
        "size: county of {n} cases: {total} entries, {:.0} bytes of JSON per entry",
        bytes as f64 / total as f64
    );

    let mut g = c.benchmark_group("store");
    g.sample_size(10);
    g.throughput(Throughput::Elements(total));
    g.bench_function(format!("append/{n}_cases"), |b| {
        b.iter_batched(
            || fresh(&mut store.borrow_mut(), &world),
            |()| store.borrow_mut().append(black_box(&engine)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    for (label, table) in [
        ("plain_insert", "plain_journal"),
        ("plain_insert_pk_only", "plain_journal_pk"),
    ] {
        g.bench_function(format!("{label}/{n}_cases"), |b| {
        b.iter_batched(
            || fresh(&mut store.borrow_mut(), &world),
            |()| {
                let mut store = store.borrow_mut();
                let mut tx = store.client().transaction().unwrap();
                for chunk in rows.chunks(2_000) {
                    let seq: Vec<i64> = chunk.iter().map(|r| r.0).collect();
                    let v: Vec<i32> = chunk.iter().map(|r| r.1).collect();
                    let kind: Vec<&str> = chunk.iter().map(|r| r.2).collect();
                    let case: Vec<Option<&str>> = chunk.iter().map(|r| r.3.as_deref()).collect();
                    let case_seq: Vec<Option<i64>> = chunk.iter().map(|r| r.4).collect();
                    let digest: Vec<&[u8]> = chunk.iter().map(|r| r.5.as_slice()).collect();
                    let body: Vec<&str> = chunk.iter().map(|r| r.6.as_str()).collect();
                    tx.execute(
                        &format!("INSERT INTO {table} (county, seq, v, kind, case_code, case_seq, digest, body)
                         SELECT '522301', * FROM unnest($1::bigint[], $2::integer[], $3::text[],
                                $4::text[], $5::bigint[], $6::bytea[], $7::text[])"),
                        &[&seq, &v, &kind, &case, &case_seq, &digest, &body],
                    )
                    .unwrap();
                }
                tx.commit().unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    }
    let mut store = store.into_inner();
    fresh(&mut store, &world);
    store.append(&engine).unwrap();
    g.bench_function(format!("restore_journal/{n}_cases"), |b| {
        b.iter(|| black_box(store.restore("522301").unwrap()))
    });
    store.snapshot(&engine).unwrap();
    g.bench_function(format!("restore_snapshot/{n}_cases"), |b| {
        b.iter(|| black_box(store.restore("522301").unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
