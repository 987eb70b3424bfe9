//! The store against a real PostgreSQL server (a throw-away cluster per test, made with
//! `initdb`, stopped at the end): round trip through a second process, racing writers,
//! tampered rows, a connection dropped mid-transaction, and partition pruning.

use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use fengqiao::cadence::ZeroReport;
use fengqiao::engine::{Engine, EngineError};
use fengqiao::journal::JournalProblem;
use fengqiao::lifecycle::{Method, Operation};
use fengqiao::prelude::*;
use fengqiao::stats::Query;
use fengqiao_store::cluster::Cluster;
use fengqiao_store::{Store, StoreError};
use fengqiao_synth::{county, ids, Rng};

mod common;
use common::{at, server, small};

/// Everything a host reads that must survive a restart, as one JSON value.
fn summary(e: &Engine) -> serde_json::Value {
    let query = Query {
        by_category: true,
        ..Query::default()
    };
    let traces: Vec<_> = e.cases().map(|c| &c.events).collect();
    serde_json::json!({
        "seq": e.journal_seq(),
        "digest": e.journal_digest().to_string(),
        "heads": e.cases().map(|c| (c.dispute.code.to_string(), c.head().to_string())).collect::<Vec<_>>(),
        "traces": fengqiao::trace::Hash::sm3(serde_json::to_string(&traces).unwrap().as_bytes()).to_string(),
        "stats": e.reader(&Actor::System, at(2025, 12, 31)).and_then(|r| r.statistics(&query)).unwrap(),
        "deadlines": e.deadlines(at(2025, 12, 31)).unwrap().len(),
        "loads": e.all_staff().iter().map(|s| s.active_cases).sum::<u32>(),
        "denials": e.denials().len(),
    })
}

/// The child half of the round trip: a new process restores the county and prints what
/// it reads.
#[test]
#[ignore = "run by round_trip_in_a_new_process, in a child process"]
fn child_restores() {
    let params = std::env::var("FENGQIAO_STORE_PARAMS").expect("run by the round trip");
    let mut store = Store::connect(&params).unwrap();
    let engine = store.restore("522301").unwrap();
    println!("SUMMARY {}", summary(&engine));
}

#[test]
fn round_trip_in_a_new_process() {
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    assert_eq!(store.create(&world).unwrap(), "522301");
    let mut rng = Rng::new(11);
    let codes = county::caseload(&mut engine, &places, &mut rng, at(2025, 3, 3), 30).unwrap();
    let first = store.append(&engine).unwrap();
    assert_eq!((first.from, first.to), (0, engine.journal_seq()));
    assert_eq!(store.snapshot(&engine).unwrap(), first.to);
    // After the snapshot: every other kind of change, and more cases.
    let gw = ids::grid_worker(places.grids[0]);
    let report = ZeroReport {
        date: "2025-04-01".parse().unwrap(),
        disputes: vec![],
        note: String::new(),
    };
    engine
        .file_report(&Actor::Staff(gw.clone()), report)
        .unwrap();
    let outsider = Actor::Staff(ids::grid_worker(places.grids[3]));
    assert!(engine
        .reader(&outsider, at(2025, 4, 2))
        .and_then(|r| r.case(&codes[0]))
        .is_err());
    engine.set_available(&gw, false).unwrap();
    let mut rules = engine.router().rule_set().clone();
    rules.version = "2.0.0".into();
    engine.load_rules(rules).unwrap();
    county::caseload(&mut engine, &places, &mut rng, at(2025, 4, 7), 12).unwrap();
    let second = store.append(&engine).unwrap();
    assert_eq!((second.from, second.to), (first.to, engine.journal_seq()));
    assert_eq!(
        store.append(&engine).unwrap().count(),
        0,
        "nothing left to store"
    );

    // The projections hold what the journal holds.
    let c = store.client();
    let count = |c: &mut postgres::Client, table: &str| -> i64 {
        c.query_one(
            &format!("SELECT count(*) FROM fengqiao.{table} WHERE county = '522301'"),
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert_eq!(count(c, "journal"), engine.journal_seq() as i64);
    assert_eq!(count(c, "heads"), engine.case_count() as i64);
    assert_eq!(count(c, "zero_reports"), 1);
    assert_eq!(count(c, "denials"), 1);
    assert_eq!(count(c, "rule_sets"), 1);

    let out = Command::new(std::env::current_exe().unwrap())
        .args(["child_restores", "--exact", "--ignored", "--nocapture"])
        .env("FENGQIAO_STORE_PARAMS", cluster.params())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY "))
        .expect("the child prints its summary");
    let restored: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(restored, summary(&engine));
}

#[test]
fn two_writers_on_one_case_one_wins_the_other_retries() {
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let mut rng = Rng::new(5);
    county::caseload(&mut engine, &places, &mut rng, at(2025, 3, 3), 5).unwrap();
    // One case registered and routed, waiting to be accepted.
    let input = fengqiao_synth::disputes::disputes(&mut rng, &places, 1, at(2025, 3, 10)).remove(0);
    let gw = ids::grid_worker_actor(
        input
            .location
            .prefix(
                engine
                    .hierarchy()
                    .scheme()
                    .digits_at(fengqiao::hierarchy::Level::Grid),
            )
            .unwrap(),
    );
    let code = engine.register(&gw, input, at(2025, 3, 10)).unwrap();
    engine
        .route(&Actor::System, &code, at(2025, 3, 10))
        .unwrap();
    store.append(&engine).unwrap();
    let before = store.position("522301").unwrap().0;

    let mut a = store.restore("522301").unwrap();
    let mut b = store.restore("522301").unwrap();
    let who = Actor::Staff(ids::centre_staff(
        a.case(&code).unwrap().dispute.handling_unit,
    ));
    let who = a
        .case(&code)
        .unwrap()
        .dispute
        .routing
        .as_ref()
        .and_then(|r| r.team.first())
        .map(|m| Actor::Staff(m.staff.clone()))
        .unwrap_or(who);
    // Two different changes: identical ones would be the same entries, which the store
    // rightly takes once and reports stored to both (the second append, starting after the
    // first committed, finds nothing to store) — no race to lose.
    let accept = |note: &str| Operation::Accept {
        note: note.to_string(),
    };
    a.apply(&who, &code, accept("a"), at(2025, 3, 11)).unwrap();
    b.apply(&who, &code, accept("b"), at(2025, 3, 11)).unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let results: Vec<Result<_, StoreError>> = [a, b]
        .into_iter()
        .map(|engine| {
            let (params, barrier) = (cluster.params(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = Store::connect(&params).unwrap();
                barrier.wait();
                store.append(&engine).map(|_| engine)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "exactly one append wins");
    let lost = results.into_iter().find_map(|r| r.err()).unwrap();
    assert!(lost.is_conflict(), "{lost}");
    assert!(lost.to_string().contains("522301"), "{lost}");

    // The loser reloads: the case is accepted now; it records its session instead.
    let mut b = store.restore("522301").unwrap();
    assert_eq!(b.journal_seq(), before + 1);
    let expected = b.case(&code).unwrap().events.len() as u64;
    let session = Operation::RecordSession {
        method: Method::FaceToFace,
        summary: "重试".into(),
        parties_consent: true,
    };
    b.apply_expecting(&who, &code, session, at(2025, 3, 12), expected)
        .unwrap();
    store.append(&b).unwrap();
    let restored = store.restore("522301").unwrap();
    let kinds: Vec<&str> = restored
        .case(&code)
        .unwrap()
        .events
        .iter()
        .map(|e| e.op.kind().as_str())
        .collect();
    assert_eq!(kinds, ["register", "route", "accept", "record_session"]);
    let rows: i64 = store
        .client()
        .query_one(
            "SELECT count(*) FROM fengqiao.journal WHERE county = '522301' AND case_code = $1",
            &[&code.to_string()],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 4, "nothing lost, nothing duplicated");
}

#[test]
fn a_row_changed_by_a_superuser_is_refused_at_restore() {
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let codes =
        county::caseload(&mut engine, &places, &mut Rng::new(3), at(2025, 3, 3), 6).unwrap();
    store.append(&engine).unwrap();
    let c = store.client();
    // The trigger refuses UPDATE and DELETE to everyone, the owner included …
    let refused = c
        .execute(
            "UPDATE fengqiao.journal SET body = body WHERE county = '522301'",
            &[],
        )
        .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some("FQ001"), "{refused}");
    let refused = c
        .execute("DELETE FROM fengqiao.journal_522301", &[])
        .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some("FQ001"), "{refused}");
    let refused = c
        .execute("TRUNCATE fengqiao.journal_522301", &[])
        .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some("FQ001"), "{refused}");
    // … and the application role has no UPDATE at all; it appends.
    c.batch_execute("CREATE ROLE app LOGIN").unwrap();
    store.grant_writer("app").unwrap();
    let mut app = Store::connect(&cluster.params_as("app")).unwrap();
    let denied = app
        .client()
        .execute("UPDATE fengqiao.journal SET body = body", &[])
        .unwrap_err();
    assert_eq!(
        denied.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    engine
        .set_available(&ids::grid_worker(places.grids[0]), false)
        .unwrap();
    app.append(&engine).unwrap();
    assert_eq!(
        app.restore("522301").unwrap().journal_digest(),
        engine.journal_digest()
    );

    // A superuser who switches the trigger off and edits a session's summary.
    let code = codes[0].to_string();
    let c = store.client();
    c.batch_execute("SET session_replication_role = replica")
        .unwrap();
    let changed = c
        .execute(
            "UPDATE fengqiao.journal SET body = replace(body, '双方陈述', '单方陈述')
             WHERE county = '522301' AND case_code = $1 AND case_seq = 4",
            &[&code],
        )
        .unwrap();
    assert_eq!(changed, 1);
    c.batch_execute("SET session_replication_role = origin")
        .unwrap();
    let err = store.restore("522301").unwrap_err();
    let StoreError::Engine(EngineError::Journal(j)) = &err else {
        panic!("expected a journal refusal, got {err}")
    };
    assert_eq!(j.case.as_ref().map(|c| c.to_string()), Some(code.clone()));
    assert_eq!(j.case_seq, Some(4));
    assert_eq!(j.problem, JournalProblem::Event);
    assert!(
        err.to_string().contains(&format!("case {code}, seq 4")),
        "{err}"
    );
}

#[test]
fn a_connection_dropped_mid_transaction_leaves_nothing_half_written() {
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let mut rng = Rng::new(9);
    let codes = county::caseload(&mut engine, &places, &mut rng, at(2025, 3, 3), 8).unwrap();
    store.append(&engine).unwrap();
    let (committed, digest) = store.position("522301").unwrap();
    // New work: more cases, and a step on a stored case (its head row moves).
    county::caseload(&mut engine, &places, &mut rng, at(2025, 3, 20), 20).unwrap();
    let stabilised = engine.case(&codes[7]).unwrap().dispute.watch.clone();
    assert!(stabilised.is_some(), "the eighth case is stabilised");
    engine
        .set_available(&ids::grid_worker(places.grids[1]), false)
        .unwrap();
    let review = Operation::Stabilise {
        plan: "继续关注".into(),
        next_review: "2025-05-10".parse().unwrap(),
    };
    let who = engine
        .case(&codes[7])
        .unwrap()
        .events
        .iter()
        .rev()
        .find_map(|e| match &e.actor {
            Actor::Staff(s) => Some(Actor::Staff(s.clone())),
            _ => None,
        })
        .unwrap();
    engine
        .apply(&who, &codes[7], review, at(2025, 4, 8))
        .unwrap();

    // Hold the row lock of that case's head, so the writer stops mid-transaction.
    let mut holder = postgres::Client::connect(&cluster.params(), postgres::NoTls).unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.execute(
        "SELECT 1 FROM fengqiao.heads WHERE county = '522301' AND case_code = $1 FOR UPDATE",
        &[&codes[7].to_string()],
    )
    .unwrap();
    let writer_engine = engine.clone();
    let params = format!("{} application_name=fq-writer", cluster.params());
    let writer = std::thread::spawn(move || {
        let mut store = Store::connect(&params).unwrap();
        store.append(&writer_engine)
    });
    let mut killer = postgres::Client::connect(&cluster.params(), postgres::NoTls).unwrap();
    let started = Instant::now();
    loop {
        let killed: i64 = killer
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE application_name = 'fq-writer' AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap()
            .get(0);
        if killed == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the writer never blocked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let failed = writer.join().unwrap();
    assert!(matches!(failed, Err(StoreError::Database(_))), "{failed:?}");
    lock.rollback().unwrap();

    // Nothing of the dropped transaction is visible; everything committed is.
    assert_eq!(store.position("522301").unwrap(), (committed, digest));
    let rows: i64 = store
        .client()
        .query_one(
            "SELECT count(*) FROM fengqiao.journal WHERE county = '522301'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows as u64, committed);
    assert_eq!(store.restore("522301").unwrap().journal_seq(), committed);
    // The engine still holds its entries: the next append stores them all.
    let again = store.append(&engine).unwrap();
    assert_eq!((again.from, again.to), (committed, engine.journal_seq()));
    assert_eq!(
        store.restore("522301").unwrap().journal_digest(),
        engine.journal_digest()
    );
}

#[test]
fn a_county_restore_reads_only_its_partitions() {
    let (_cluster, mut store) = server();
    for county in ["522301", "522302"] {
        let (world, places, mut engine) = small(county);
        store.create(&world).unwrap();
        county::caseload(&mut engine, &places, &mut Rng::new(1), at(2025, 3, 3), 3).unwrap();
        store.append(&engine).unwrap();
        store.snapshot(&engine).unwrap();
    }
    let plan = |store: &mut Store, sql: &str| -> String {
        store
            .client()
            .query(&format!("EXPLAIN (COSTS OFF) {sql}"), &[&"522301", &0i64])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for sql in [
        fengqiao_store::TAIL,
        "SELECT part, bytes FROM fengqiao.snapshots WHERE county = $1 AND seq > $2 ORDER BY part",
        "SELECT case_code, seq, head FROM fengqiao.heads WHERE county = $1 AND seq > $2",
    ] {
        let p = plan(&mut store, sql);
        assert!(p.contains("_522301"), "{p}");
        assert!(
            !p.contains("_522302"),
            "another county's partition was read:\n{p}"
        );
    }
    // And each county restores on its own.
    assert_eq!(store.restore("522302").unwrap().case_count(), 3);
    assert_eq!(store.restore("522301").unwrap().case_count(), 3);
}

#[test]
fn bad_arguments_are_refused_by_name() {
    let (_cluster, mut store) = server();
    assert!(matches!(
        store.restore("522399"),
        Err(StoreError::NoJournal { county }) if county == "522399"
    ));
    let (world, _, engine) = small("522301");
    assert!(matches!(
        store.append(&engine),
        Err(StoreError::NoJournal { .. })
    ));
    store.create(&world).unwrap();
    assert_eq!(
        store.create(&world).unwrap(),
        "522301",
        "creating twice is harmless"
    );
    // Another world claiming the same county is refused.
    let mut other = world.clone();
    other.staff.pop();
    let err = store.create(&other).unwrap_err();
    assert!(err.to_string().contains("already has a journal"), "{err}");
    // An engine whose changes the store does not hold cannot snapshot or catch up.
    let mut engine = engine;
    engine
        .set_available(&engine.all_staff()[0].id.clone(), false)
        .unwrap();
    assert!(matches!(
        store.snapshot(&engine),
        Err(StoreError::Unstored { .. })
    ));
    assert!(matches!(
        store.catch_up(&mut engine),
        Err(StoreError::Unstored { .. })
    ));
}

#[test]
fn a_second_engine_catches_up_with_what_the_first_stored() {
    let (_cluster, mut store) = server();
    let (world, places, mut writer) = small("522301");
    store.create(&world).unwrap();
    let mut reader = store.restore("522301").unwrap();
    county::caseload(&mut writer, &places, &mut Rng::new(2), at(2025, 3, 3), 4).unwrap();
    store.append(&writer).unwrap();
    assert_eq!(store.catch_up(&mut reader).unwrap(), writer.journal_seq());
    assert_eq!(summary(&reader), summary(&writer));
    assert_eq!(store.catch_up(&mut reader).unwrap(), 0);
}

#[test]
fn an_unmigrated_database_says_so() {
    let cluster = Cluster::start(&[("fsync", "off")]).unwrap();
    let mut store = Store::connect(&cluster.params()).unwrap();
    let err = store.restore("522301").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Schema {
                found: 0,
                needed: 3
            }
        ),
        "{err}"
    );
    assert_eq!(store.migrate().unwrap(), 3);
    assert_eq!(store.migrate().unwrap(), 3, "migrating twice is harmless");
}

#[test]
fn distributing_without_citus_says_so_and_changes_nothing() {
    let (_cluster, mut store) = server();
    assert!(!store.on_citus().unwrap());
    let err = store.distribute().unwrap_err();
    assert!(matches!(err, StoreError::NotDistributed), "{err}");
    assert!(err.to_string().contains("CREATE EXTENSION citus"), "{err}");
    // The partitions are still there: a county is created and restored as before.
    let (world, _, engine) = small("522301");
    store.create(&world).unwrap();
    store.append(&engine).unwrap();
    assert_eq!(
        store.restore("522301").unwrap().journal_digest(),
        engine.journal_digest()
    );
    let partitioned: bool = store
        .client()
        .query_one(
            "SELECT relkind = 'p' FROM pg_class WHERE oid = 'fengqiao.journal'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(partitioned);
}

/// A county whose journal is many batches long: its rows are parsed and checked on reader
/// threads while the restoring thread applies them, and a row changed deep inside is still
/// named by its case and seq.
#[test]
fn a_long_journal_restores_on_reader_threads_and_names_a_changed_row() {
    let (_cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    county::caseload(&mut engine, &places, &mut Rng::new(4), at(2025, 3, 3), 400).unwrap();
    store.append(&engine).unwrap();
    assert!(
        engine.journal_seq() > 1_500,
        "{} entries",
        engine.journal_seq()
    );
    let restored = store.restore("522301").unwrap();
    assert_eq!(summary(&restored), summary(&engine));
    assert_eq!(restored.journal_digest(), engine.journal_digest());
    // A superuser rewrites a session summary three quarters of the way in.
    let row = store
        .client()
        .query_one(
            "SELECT seq, case_code, case_seq FROM fengqiao.journal
             WHERE county = '522301' AND kind = 'event' AND body LIKE '%record_session%'
             AND seq > $1 ORDER BY seq LIMIT 1",
            &[&((engine.journal_seq() * 3 / 4) as i64)],
        )
        .unwrap();
    let (seq, case, case_seq): (i64, String, i64) = (row.get(0), row.get(1), row.get(2));
    store
        .client()
        .batch_execute(&format!(
            "ALTER TABLE fengqiao.journal_522301 DISABLE TRIGGER USER;
             UPDATE fengqiao.journal_522301 SET body = replace(body, '\"summary\":\"', '\"summary\":\"x')
             WHERE seq = {seq}"
        ))
        .unwrap();
    match store.restore("522301") {
        Err(StoreError::Engine(EngineError::Journal(e))) => {
            assert_eq!(e.seq, seq as u64);
            assert_eq!(e.case.map(|c| c.to_string()), Some(case));
            assert_eq!(e.case_seq, Some(case_seq as u64));
        }
        other => panic!(
            "a changed row was restored: {:?}",
            other.map(|e| e.journal_seq())
        ),
    }
}

/// Someone with superuser access rewrites a session summary and re-chains everything after
/// it — the event hashes, the journal digests, the head rows: the store restores it (a chain
/// alone cannot tell), but it no longer verifies against the signed heads kept apart. The
/// audit record is queryable by time.
#[test]
fn a_rechained_journal_restores_but_is_refused_against_its_signed_heads() {
    use fengqiao::signing::{SignatureError, Sm2Signer, Sm2Verifier};
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let codes =
        county::caseload(&mut engine, &places, &mut Rng::new(5), at(2025, 3, 3), 6).unwrap();
    // A refused operation: in the audit record, and so in the journal.
    let handler = Actor::Staff(ids::mediator(places.communities[0], 1));
    let refused = engine.apply(
        &handler,
        &codes[0],
        Operation::Reopen { reason: "x".into() },
        at(2025, 3, 4),
    );
    assert!(refused.is_err());
    store.append(&engine).unwrap();
    let signer = Sm2Signer::from_secret_hex("county-2025", &"3c".repeat(32)).unwrap();
    let mut verifier = Sm2Verifier::default();
    verifier
        .add_key("county-2025", &signer.public_key_hex())
        .unwrap();
    let head = engine.sign_journal_head(&signer, at(2025, 3, 5)).unwrap();
    store.keep_head("522301", &head).unwrap();
    store.keep_head("522301", &head).unwrap(); // twice: harmless
    let case_head = engine
        .sign_case_head(&codes[0], &signer, at(2025, 3, 5))
        .unwrap();
    store.keep_head("522301", &case_head).unwrap();
    assert_eq!(
        store.signed_heads("522301").unwrap(),
        [head.clone(), case_head.clone()]
    );
    let report = store.verify("522301", &verifier).unwrap();
    assert_eq!((report.signed_to, report.unsigned), (head.seq, 0));
    // A head of entries the store does not hold is refused: append first.
    engine
        .set_available(&ids::grid_worker(places.grids[0]), false)
        .unwrap();
    let ahead = engine.sign_journal_head(&signer, at(2025, 3, 6)).unwrap();
    assert!(matches!(
        store.keep_head("522301", &ahead),
        Err(StoreError::Unstored { .. })
    ));
    // The audit record, by time.
    let audit = store
        .audit("522301", at(2025, 3, 1), at(2025, 3, 31))
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "reopen" && a.actor == handler),
        "{audit:?}"
    );
    assert!(store
        .audit("522301", at(2025, 4, 1), at(2025, 4, 30))
        .unwrap()
        .is_empty());

    // The forgery, computed outside and written with the triggers off.
    let mut entries = engine.journal(0, usize::MAX).unwrap();
    entries.truncate(head.seq as usize);
    let origin = fengqiao::journal::origin(&world);
    let touched =
        fengqiao_synth::forgery::rechain(origin, &mut entries, &codes[0], |op| match op {
            Operation::RecordSession { summary, .. } => {
                *summary = "单方陈述".into();
                true
            }
            _ => false,
        });
    assert!(!touched.is_empty());
    let c = store.client();
    c.batch_execute("SET session_replication_role = replica")
        .unwrap();
    for seq in &touched {
        let e = &entries[*seq as usize - 1];
        c.execute(
            "UPDATE fengqiao.journal SET body = $3, digest = $4 WHERE county = $1 AND seq = $2",
            &[
                &"522301",
                &(*seq as i64),
                &serde_json::to_string(&e.change).unwrap(),
                &e.digest.0.as_slice(),
            ],
        )
        .unwrap();
    }
    let last = entries
        .iter()
        .rev()
        .find_map(|e| e.change.event().filter(|ev| ev.case == codes[0]))
        .unwrap();
    c.execute(
        "UPDATE fengqiao.heads SET seq = $3, head = $4 WHERE county = $1 AND case_code = $2",
        &[
            &"522301",
            &codes[0].to_string(),
            &(last.seq as i64),
            &last.hash.0.as_slice(),
        ],
    )
    .unwrap();
    c.execute(
        "UPDATE fengqiao.journals SET digest = $2 WHERE county = $1",
        &[&"522301", &entries.last().unwrap().digest.0.as_slice()],
    )
    .unwrap();
    c.batch_execute("SET session_replication_role = origin")
        .unwrap();
    // The chain alone cannot tell: the forged journal restores …
    let forged = store.restore("522301").unwrap();
    assert_ne!(forged.journal_digest(), engine.journal_digest());
    // … the signed heads can.
    let err = store.verify("522301", &verifier).unwrap_err();
    let StoreError::Engine(EngineError::Signature(SignatureError::Rewritten {
        subject, seq, ..
    })) = &err
    else {
        panic!("expected the rewrite refused, got {err}")
    };
    assert_eq!((subject.as_str(), *seq), ("journal", head.seq));
    // The application role may keep heads and read the audit record, not change them.
    store
        .client()
        .batch_execute("CREATE ROLE app2 LOGIN")
        .unwrap();
    store.grant_writer("app2").unwrap();
    let mut app = Store::connect(&cluster.params_as("app2")).unwrap();
    assert!(app.signed_heads("522301").unwrap().len() == 2);
    let denied = app
        .client()
        .execute("DELETE FROM fengqiao.signed_heads", &[])
        .unwrap_err();
    assert!(denied.code().is_some(), "{denied}");
}

/// A snapshot is stored in parts (format 2: a restore reads its case lines on every core);
/// one stored as a JSON document, as before, still restores; a case line whose events do not
/// end in its head is refused, naming the case.
#[test]
fn snapshots_are_stored_in_parts_and_documents_still_restore() {
    let (_cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let codes =
        county::caseload(&mut engine, &places, &mut Rng::new(5), at(2025, 3, 3), 6).unwrap();
    store.append(&engine).unwrap();
    let seq = store.snapshot(&engine).unwrap() as i64;
    let stored = |store: &mut Store| -> String {
        let rows = store
            .client()
            .query(
                "SELECT bytes FROM fengqiao.snapshots WHERE county = '522301' AND seq = $1 ORDER BY part",
                &[&seq],
            )
            .unwrap();
        let bytes: Vec<u8> = rows.iter().flat_map(|r| r.get::<_, Vec<u8>>(0)).collect();
        String::from_utf8(bytes).unwrap()
    };
    let parts = stored(&mut store);
    assert!(
        parts.starts_with(r#"{"format":"fengqiao-snapshot-parts/2""#),
        "{}",
        &parts[..60]
    );
    assert_eq!(parts, engine.snapshot().into_parts());
    assert_eq!(summary(&store.restore("522301").unwrap()), summary(&engine));

    let replace = |store: &mut Store, text: &str| {
        let c = store.client();
        c.batch_execute("SET session_replication_role = replica")
            .unwrap();
        c.execute(
            "UPDATE fengqiao.snapshots SET bytes = $2 WHERE county = '522301' AND seq = $1",
            &[&seq, &text.as_bytes()],
        )
        .unwrap();
        c.execute(
            "DELETE FROM fengqiao.snapshots WHERE county = '522301' AND seq = $1 AND part > 0",
            &[&seq],
        )
        .unwrap();
        c.batch_execute("SET session_replication_role = origin")
            .unwrap();
    };
    // As a store before format 2 wrote it: one JSON document.
    let document = serde_json::to_string(&engine.snapshot()).unwrap();
    replace(&mut store, &document);
    assert_eq!(summary(&store.restore("522301").unwrap()), summary(&engine));

    // A case line's head rewritten: its events no longer end in it.
    let code = codes[0].to_string();
    let line = parts
        .lines()
        .position(|l| l.starts_with(&format!("{{\"case\":\"{code}\"")))
        .unwrap();
    let mut lines: Vec<String> = parts.lines().map(str::to_owned).collect();
    let mut case: serde_json::Value = serde_json::from_str(&lines[line]).unwrap();
    case["head"] = serde_json::json!(fengqiao::trace::Hash::sm3(b"elsewhere"));
    lines[line] = case.to_string();
    replace(&mut store, &(lines.join("\n") + "\n"));
    let err = store.restore("522301").unwrap_err();
    let StoreError::Engine(EngineError::Journal(j)) = &err else {
        panic!("expected a journal refusal, got {err}")
    };
    assert_eq!(
        (j.problem, j.case.as_ref().map(|c| c.to_string())),
        (JournalProblem::Event, Some(code))
    );
}
