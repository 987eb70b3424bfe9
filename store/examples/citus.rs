//! The store on a Citus cluster beside plain PostgreSQL, same machine, same run (issue 34):
//! the schema migrated and distributed by the store itself, a county's journal appended and
//! restored on each, then four counties restored in parallel.
//!
//! ```sh
//! FENGQIAO_CITUS="host=127.0.0.1 port=9700 user=postgres dbname=fengqiao" \
//!   FQ_STORE_CASES=5000 cargo run --release -p fengqiao-store --example citus
//! ```
//!
//! `FQ_CITUS_RESTORE_ONLY=1` restores what the last run stored instead (after adding a
//! worker and rebalancing). `FENGQIAO_CITUS` names the coordinator of a cluster the host runs (the extension created,
//! the workers added); the example drops and recreates the `fengqiao` schema there. Without
//! it, only plain PostgreSQL runs (a throw-away server). Citus is not in this machine's
//! package registries: BENCHMARKS.md says what was built by hand and what it measured.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use fengqiao::engine::{Engine, WorldData};
use fengqiao_store::cluster::Cluster;
use fengqiao_store::Store;
use fengqiao_synth::{county, world_data, Rng, Spec};

fn cases() -> usize {
    std::env::var("FQ_STORE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

/// A county of `n` cases, its code `code` (six digits), with the world it started from.
fn county_engine(code: &str, n: usize, seed: u64) -> (WorldData, Engine) {
    let households = (n as u64 * 8).max(2_000);
    let spec = Spec {
        county: format!("{code}000000"),
        ..Spec::scaled(households, 7)
    };
    let (world, places) = world_data(&spec).expect("a synthetic county");
    let mut engine = Engine::from_world(world.clone()).expect("its engine");
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    county::caseload(&mut engine, &places, &mut Rng::new(seed), t0, n).expect("its caseload");
    (world, engine)
}

fn run(label: &str, params: &str, fresh: bool) -> Result<(), Box<dyn std::error::Error>> {
    let n = cases();
    let mut store = Store::connect(params)?;
    if fresh && std::env::var_os("FQ_CITUS_RESTORE_ONLY").is_some() {
        // After adding workers and rebalancing: the counties the last run stored restore
        // with the digests the same synthetic engines give.
        store.migrate()?;
        let t = Instant::now();
        for (i, c) in ["522301", "522322", "522323", "522324"].iter().enumerate() {
            let (_, e) = county_engine(c, n, 3 + i as u64);
            assert_eq!(store.restore(c)?.journal_digest(), e.journal_digest());
        }
        println!(
            "{label}: the four counties restored after the move, every digest the same ({:.0} ms)",
            t.elapsed().as_secs_f64() * 1e3
        );
        return Ok(());
    }
    if fresh {
        store
            .client()
            .batch_execute("DROP SCHEMA IF EXISTS fengqiao CASCADE")?;
    }
    store.migrate()?;
    if store.on_citus()? {
        let t = Instant::now();
        let layout = match std::env::var("FQ_CITUS_LAYOUT").as_deref() {
            Ok("partitions") => fengqiao_store::Layout::PartitionsByCounty,
            _ => fengqiao_store::Layout::ByCounty,
        };
        let done = store.distribute_as(layout)?;
        println!(
            "{label}: distributed {done} tables by county ({layout:?}) in {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let codes = ["522301", "522322", "522323", "522324"];
    let counties: Vec<(WorldData, Engine)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| county_engine(c, n, 3 + i as u64))
        .collect();
    for (world, _) in &counties {
        store.create(world)?;
    }
    let engines: Vec<&Engine> = counties.iter().map(|(_, e)| e).collect();
    let entries = engines[0].journal_seq();
    let t = Instant::now();
    store.append(engines[0])?;
    let append = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again = store.restore(codes[0])?;
    let restore = t.elapsed().as_secs_f64();
    assert_eq!(again.journal_digest(), engines[0].journal_digest());
    println!(
        "{label}: one county of {n} cases ({entries} entries): append {:.0} ms ({:.0} entries/s), restore {:.0} ms ({:.0} entries/s), same digest",
        append * 1e3,
        entries as f64 / append,
        restore * 1e3,
        entries as f64 / restore
    );
    for e in &engines[1..] {
        store.append(e)?;
    }
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = codes
            .iter()
            .map(|c| {
                s.spawn(move || {
                    let mut st = Store::connect(params).expect("a connection");
                    st.migrate().expect("the schema");
                    st.restore(c).expect("a restore").journal_digest()
                })
            })
            .collect();
        for (h, e) in handles.into_iter().zip(&engines) {
            assert_eq!(h.join().expect("a thread"), e.journal_digest());
        }
    });
    println!(
        "{label}: four counties restored in parallel: {:.0} ms, every digest the same",
        t.elapsed().as_secs_f64() * 1e3
    );
    if store.on_citus()? {
        let shards: i64 = store
            .client()
            .query_one(
                "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid::text LIKE 'fengqiao.%'",
                &[],
            )?
            .get(0);
        println!("{label}: {shards} shards for the schema's tables and their partitions");
        let plan = store.client().query(
            "EXPLAIN SELECT seq, body FROM fengqiao.journal WHERE county = '522301' AND seq > 0 AND seq <= 4096 ORDER BY seq",
            &[],
        )?;
        for row in plan {
            let line: String = row.get(0);
            if line.contains("Task Count") || line.contains("Custom Scan") {
                println!("{label}: plan of a restore page: {}", line.trim());
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plain = Cluster::start(&[])?;
    run("postgresql", &plain.params(), false)?;
    if let Ok(citus) = std::env::var("FENGQIAO_CITUS") {
        run("citus", &citus, true)?;
    }
    Ok(())
}
