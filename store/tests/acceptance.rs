//! What a database engineer found attacking the store (issue 31, items 7–9): a newer schema
//! is refused, the audit table is whole (denials included) and checked against the journal,
//! index columns changed beside an untouched body are found, and messages say what failed.

mod common;

use common::{at, server, small};
use fengqiao::audit::Outcome;
use fengqiao::engine::{Engine, EngineError};
use fengqiao::journal::JournalProblem;
use fengqiao::prelude::*;
use fengqiao::signing::Sm2Verifier;
use fengqiao_store::cluster::Cluster;
use fengqiao_store::{Store, StoreError};
use fengqiao_synth::{county, ids, Rng};

/// A county with a few cases, one denied read among them, all stored.
fn stored_county() -> (Cluster, Store, Engine) {
    let (cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    let codes =
        county::caseload(&mut engine, &places, &mut Rng::new(5), at(2025, 3, 3), 4).unwrap();
    let denied = places.grids.iter().any(|g| {
        let gw = Actor::Staff(ids::grid_worker(*g));
        engine
            .reader(&gw, at(2025, 3, 20))
            .and_then(|r| r.case(&codes[0]))
            .is_err()
    });
    assert!(denied, "some grid worker may not read the case");
    // A whole read (a street centre's staff viewing the case) leaves an audit entry too.
    engine
        .reader(
            &Actor::Staff(ids::centre_staff(places.streets[0])),
            at(2025, 3, 20),
        )
        .and_then(|r| r.case(&codes[0]))
        .unwrap();
    store.append(&engine).unwrap();
    (cluster, store, engine)
}

fn superuser(store: &mut Store, sql: &str) -> u64 {
    let c = store.client();
    c.batch_execute("SET session_replication_role = replica")
        .unwrap();
    let n = c.execute(sql, &[]).unwrap();
    c.batch_execute("SET session_replication_role = origin")
        .unwrap();
    n
}

#[test]
fn a_database_migrated_by_a_newer_library_is_refused() {
    // A newer library's next migration (any text): this library must neither migrate over it
    // nor read or write it (its rows may mean what this version cannot check).
    let (_cluster, mut store) = server();
    store
        .client()
        .execute(
            "INSERT INTO fengqiao.migrations (version, name, sm3) VALUES ($1, 'future', '\\x00')",
            &[&(fengqiao_store::migrations::VERSION + 1)],
        )
        .unwrap();
    let err = store.migrate().unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 4, known: 3 }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade the library"), "{err}");
    let mut again = Store::connect(&_cluster.params()).unwrap();
    let err = again.restore("522301").unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 4, known: 3 }),
        "{err}"
    );
}

#[test]
fn the_audit_export_is_the_engines_audit_record_denials_included() {
    // 等保 安全审计 (GB/T 22239-2019 8.1.4.3): the record a host exports is the whole record.
    let (_cluster, mut store, engine) = stored_county();
    let exported = store
        .audit("522301", at(2025, 1, 1), at(2026, 1, 1))
        .unwrap();
    let held = engine.audit_record();
    assert!(held.iter().any(|e| e.outcome == Outcome::Denied));
    assert!(held.iter().any(|e| e.outcome == Outcome::ReadWhole));
    assert_eq!(exported, held);
}

#[test]
fn a_deleted_audit_row_is_found_by_restore_and_by_verify() {
    let (_cluster, mut store, _engine) = stored_county();
    assert!(store.restore("522301").is_ok());
    let n = superuser(
        &mut store,
        "DELETE FROM fengqiao.audit WHERE seq = (SELECT max(seq) FROM fengqiao.audit)",
    );
    assert_eq!(n, 1);
    let err = store.restore("522301").unwrap_err();
    assert!(matches!(err, StoreError::Tampered { .. }), "{err}");
    assert!(err.to_string().contains("audit and denial rows"), "{err}");
    let err = store.verify("522301", &Sm2Verifier::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Tampered { message, .. } if message.contains("audit row")),
        "{err}"
    );
}

#[test]
fn a_deleted_denial_row_is_found_by_verify() {
    let (_cluster, mut store, _engine) = stored_county();
    assert_eq!(
        superuser(&mut store, "DELETE FROM fengqiao.denials"),
        1,
        "one denial stored"
    );
    let err = store.verify("522301", &Sm2Verifier::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Tampered { message, .. } if message.contains("denial row")),
        "{err}"
    );
    assert!(matches!(
        store.restore("522301").unwrap_err(),
        StoreError::Tampered { .. }
    ));
}

#[test]
fn index_columns_changed_beside_an_untouched_body_are_found() {
    // kind, case_code and case_seq are the store's copy of what the body says: a query by
    // case or kind must not be misdirected by a changed column the digest cannot see.
    for (column, sql) in [
        ("kind", "UPDATE fengqiao.journal SET kind = 'denied' WHERE seq = (SELECT min(seq) FROM fengqiao.journal WHERE kind = 'event')"),
        ("case_seq", "UPDATE fengqiao.journal SET case_seq = case_seq + 1000 WHERE seq = (SELECT max(seq) FROM fengqiao.journal WHERE kind = 'event')"),
        ("case_code", "UPDATE fengqiao.journal SET case_code = '5223010010010010101-20250303-9999' WHERE seq = (SELECT min(seq) FROM fengqiao.journal WHERE kind = 'event')"),
    ] {
        let (_cluster, mut store, _engine) = stored_county();
        assert_eq!(superuser(&mut store, sql), 1, "{column}");
        let err = store.restore("522301").unwrap_err();
        let StoreError::Engine(EngineError::Journal(j)) = &err else {
            panic!("{column}: expected a journal refusal, got {err}")
        };
        assert_eq!(j.problem, JournalProblem::Unreadable, "{column}");
        assert!(err.to_string().contains("columns"), "{column}: {err}");
        assert!(store.verify("522301", &Sm2Verifier::default()).is_err(), "{column}");
    }
}

#[test]
fn append_errors_say_what_failed() {
    // Not "restore refused:" for what was no restore; an engine that released entries
    // before storing them says so; a journal from another world document says that.
    let (_cluster, mut store) = server();
    let (world, places, mut engine) = small("522301");
    store.create(&world).unwrap();
    county::caseload(&mut engine, &places, &mut Rng::new(7), at(2025, 3, 3), 2).unwrap();
    engine.release_journal(engine.journal_seq() - 1);
    let err = store.append(&engine).unwrap_err();
    let text = err.to_string();
    assert!(!text.starts_with("restore refused"), "{text}");
    assert!(text.contains("released"), "{text}");
    assert!(!text.contains("snapshot"), "{text}");

    // The same county built from another world document (another staff list).
    let (mut other_world, places2, _) = small("522301");
    other_world.staff.pop();
    let mut other = Engine::from_world(other_world).unwrap();
    county::caseload(&mut other, &places2, &mut Rng::new(8), at(2025, 3, 3), 1).unwrap();
    let err = store.append(&other).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert!(err.to_string().contains("another world document"), "{err}");
}
