//! The PostgreSQL store (see BENCHMARKS.md), against a throw-away server with PostgreSQL's
//! defaults (`fsync` and `synchronous_commit` on):
//!
//! - `append`: a county's journal stored by `Store::append` (entries serialised, partitions,
//!   projections, case heads, the expected-version check) against `plain_insert`, the same
//!   rows, already serialised, inserted into a plain table with the same keys (the entry's
//!   `(county, seq)` and a case event's `(county, case_code, case_seq)`) through the same
//!   client, in the same batches and one transaction: the ratio is what the store's protocol
//!   costs; `plain_insert_pk_only` is the same into a table without the case key, to show
//!   what that key itself costs; `plain_insert_from_engine` is `plain_insert` with the rows
//!   read from the engine and serialised in the timed part, as a host's own outbox insert
//!   must (the store does this on a second thread);
//! - `restore`: the county restored from the journal alone, and from a snapshot;
//! - `exchange`: one escalation through the outbox and the inbox (see `exchange`).
//!
//! `cargo bench -p fengqiao-store --bench store`; `FQ_STORE_CASES=100000` for a county of
//! that many cases (default 2,000); `FQ_STORE_PREFECTURE=1000000` adds a prefecture's
//! database (see `prefecture`). Sizes are printed as `size:` lines.

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

/// A journal entry as a plain row (its JSON serialised).
fn row(e: &fengqiao::journal::JournalEntry) -> Row {
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
}

/// The plain INSERT of a batch of rows into `table` (one statement).
fn insert(tx: &mut postgres::Transaction<'_>, table: &str, chunk: &[Row]) {
    let seq: Vec<i64> = chunk.iter().map(|r| r.0).collect();
    let v: Vec<i32> = chunk.iter().map(|r| r.1).collect();
    let kind: Vec<&str> = chunk.iter().map(|r| r.2).collect();
    let case: Vec<Option<&str>> = chunk.iter().map(|r| r.3.as_deref()).collect();
    let case_seq: Vec<Option<i64>> = chunk.iter().map(|r| r.4).collect();
    let digest: Vec<&[u8]> = chunk.iter().map(|r| r.5.as_slice()).collect();
    let body: Vec<&str> = chunk.iter().map(|r| r.6.as_str()).collect();
    tx.execute(
        &format!(
            "INSERT INTO {table} (county, seq, v, kind, case_code, case_seq, digest, body)
             SELECT '522301', * FROM unnest($1::bigint[], $2::integer[], $3::text[],
                    $4::text[], $5::bigint[], $6::bytea[], $7::text[])"
        ),
        &[&seq, &v, &kind, &case, &case_seq, &digest, &body],
    )
    .unwrap();
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
    let rows: Vec<Row> = entries.iter().map(row).collect();
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
                        insert(&mut tx, table, chunk);
                    }
                    tx.commit().unwrap();
                },
                BatchSize::PerIteration,
            )
        });
    }
    // What a host's own outbox insert does without the store: read the entries from the
    // engine and serialise them (on the one thread), then insert them, batch by batch.
    g.bench_function(format!("plain_insert_from_engine/{n}_cases"), |b| {
        b.iter_batched(
            || fresh(&mut store.borrow_mut(), &world),
            |()| {
                let mut store = store.borrow_mut();
                let mut tx = store.client().transaction().unwrap();
                let mut after = 0;
                loop {
                    let page = engine.journal(after, 2_000).unwrap();
                    let Some(last) = page.last() else { break };
                    after = last.seq;
                    let chunk: Vec<Row> = page.iter().map(row).collect();
                    insert(&mut tx, "plain_journal", &chunk);
                }
                tx.commit().unwrap();
            },
            BatchSize::PerIteration,
        )
    });
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

/// 黔西南州's eight county-level divisions: a prefecture's database.
const PREFECTURE: [(&str, &str); 8] = fengqiao_synth::prefecture::COUNTIES;

/// `FQ_STORE_PREFECTURE=1000000`: a prefecture's database — eight county journals (one
/// partition each), the cases split evenly — and one county restored from it. A county is
/// restored on its own (a case lives in its county; one engine per county), so the
/// prefecture restores in eight such restores. Skipped unless set (about ten minutes).
fn prefecture(c: &mut Criterion) {
    let Some(total) = std::env::var("FQ_STORE_PREFECTURE")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return;
    };
    let per = total / PREFECTURE.len();
    let cluster = Cluster::start(&[]).expect("a throw-away PostgreSQL server");
    let mut store = Store::connect(&cluster.params()).unwrap();
    store.migrate().unwrap();
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let (mut cases, mut entries) = (0, 0);
    let mut last = 0;
    for (i, (code, name)) in PREFECTURE.iter().enumerate() {
        let mut spec = Spec::scaled((per as u64 * 8).max(2_000), 7 + i as u64);
        spec.county = format!("{code}000000");
        spec.county_name = name.to_string();
        let (world, places) = world_data(&spec).unwrap();
        let mut engine = Engine::from_world(world.clone()).unwrap();
        county::caseload(&mut engine, &places, &mut Rng::new(3 + i as u64), t0, per).unwrap();
        store.create(&world).unwrap();
        store.append(&engine).unwrap();
        cases += engine.case_count();
        last = engine.journal_seq();
        entries += last;
    }
    let (code, _) = PREFECTURE[PREFECTURE.len() - 1];
    println!(
        "size: prefecture of {} counties: {cases} cases, {entries} entries; county {code} holds {last}",
        PREFECTURE.len()
    );
    let mut g = c.benchmark_group("store_prefecture");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(1));
    g.warm_up_time(std::time::Duration::from_millis(1));
    g.throughput(Throughput::Elements(last));
    g.bench_function(format!("restore_one_county/{per}_cases"), |b| {
        b.iter_with_large_drop(|| store.restore(code).unwrap())
    });
    g.finish();
}

/// `exchange`: one escalation from a county's engine to the prefecture's through the store —
/// the county's append with the document written to the outbox (SM2-signed), then the
/// prefecture's receive (read what waits, parse, check the chain and the signature, replay,
/// append with the inbox row) — and the same without the signature. What the prefecture
/// example's processes do for each transfer, without their polling interval.
fn exchange(c: &mut Criterion) {
    use fengqiao::signing::{Sm2Signer, Sm2Verifier};
    use fengqiao_synth::prefecture::{self, prefecture_centre};
    let pg = Cluster::start(&[]).unwrap();
    let secret = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
    let mut g = c.benchmark_group("exchange");
    g.sample_size(20);
    for signed in [true, false] {
        let mut store = Store::connect(&pg.params()).unwrap();
        store
            .client()
            .batch_execute("DROP SCHEMA IF EXISTS fengqiao CASCADE")
            .unwrap();
        store.migrate().unwrap();
        let (world, places) = prefecture::county("522301").unwrap();
        store.create(&world).unwrap();
        store
            .create(&prefecture::prefecture(&["522301"]).unwrap())
            .unwrap();
        let signer = Sm2Signer::from_secret_hex("qxn", secret).unwrap();
        let mut verifier = Sm2Verifier::default();
        verifier.add_key("qxn", &signer.public_key_hex()).unwrap();
        if signed {
            store.sign_transfers(Box::new(signer));
        }
        let mut county = store.restore("522301").unwrap();
        let mut pref = store.restore("522300").unwrap();
        let mut rng = Rng::new(1);
        let mut day = Utc.with_ymd_and_hms(2025, 1, 1, 1, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap();
        let name = if signed {
            "one_transfer_sm2"
        } else {
            "one_transfer_unsigned"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                day += chrono::Duration::hours(3);
                prefecture::escalate(&mut county, "522301", &places, &mut rng, day).unwrap();
                store.append(&county).unwrap();
                let v = signed.then_some(&verifier as &dyn fengqiao::signing::Verifier);
                let got = store
                    .receive(&mut pref, &prefecture_centre(), v, now)
                    .unwrap();
                assert_eq!(got.cases.len(), 1);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, prefecture, exchange);
criterion_main!(benches);
