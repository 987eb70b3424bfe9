//! The outbox and the inbox (issue 35) against a real PostgreSQL server, in one process: a
//! county escalates to the prefecture's engine through the store and the result comes back,
//! each document taken in exactly once; a poison document is parked and blocks nothing; two
//! engines of one journal receiving at once cannot both take a document in; unsigned
//! documents are refused where keys are trusted; returns travel the same way. The same flows
//! as separate OS processes killed and restarted are in `prefecture.rs`.

use chrono::{Duration, NaiveDate};
use fengqiao::engine::Engine;
use fengqiao::lifecycle::State;
use fengqiao::signing::{Sm2Signer, Sm2Verifier};
use fengqiao_store::{MessageKind, Store};
use fengqiao_synth::prefecture::{self, county_centre, prefecture_centre, QIANXINAN};
use fengqiao_synth::Rng;

mod common;
use common::{at, server};

const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex("qxn-2026", SECRET).unwrap();
    let mut v = Sm2Verifier::default();
    v.add_key("qxn-2026", &signer.public_key_hex()).unwrap();
    (signer, v)
}

/// A county (522301) and the prefecture, their journals created; the county's engine and
/// its places.
fn two_journals(store: &mut Store) -> (Engine, fengqiao_synth::Places) {
    let (world, places) = prefecture::county("522301").unwrap();
    assert_eq!(store.create(&world).unwrap(), "522301");
    let pw = prefecture::prefecture(&["522301", "522302"]).unwrap();
    // The prefecture's engine keeps its journal under the prefecture's six digits.
    assert_eq!(store.create(&pw).unwrap(), "522300");
    (store.restore("522301").unwrap(), places)
}

#[test]
fn an_escalation_and_its_result_cross_through_the_store_once_each() {
    let (_pg, mut store) = server();
    let (signer, verifier) = keys();
    store.sign_transfers(Box::new(signer));
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(1);
    let code =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    // Stored with its document, in one transaction.
    store.append(&county).unwrap();
    let waiting = store.pending("522300", None).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].from.as_str(), waiting[0].seq), ("522301", 1));
    assert_eq!(waiting[0].kind, MessageKind::Transfer);
    assert_eq!(waiting[0].case.as_deref(), Some(code.as_str()));

    let mut pref = store.restore("522300").unwrap();
    let now = at(2025, 7, 1);
    let got = store
        .receive(&mut pref, &prefecture_centre(), Some(&verifier), now)
        .unwrap();
    assert_eq!((got.cases.clone(), got.parked), (vec![code.clone()], 0));
    // Received: nothing waits, a second receive takes nothing.
    assert!(store.pending("522300", None).unwrap().is_empty());
    assert!(store
        .receive(&mut pref, &prefecture_centre(), Some(&verifier), now)
        .unwrap()
        .is_empty());
    // The intake is in the prefecture's journal: a restored engine holds the case.
    let again = store.restore("522300").unwrap();
    assert_eq!(again.journal_digest(), pref.journal_digest());
    assert_eq!(
        again.case(&code).unwrap().events.len(),
        pref.case(&code).unwrap().events.len()
    );

    prefecture::settle(&mut pref, &code, now).unwrap();
    store.append(&pref).unwrap();
    let back = store.pending("522301", None).unwrap();
    assert_eq!((back.len(), back[0].from.as_str()), (1, "522300"));
    let got = store
        .receive(
            &mut county,
            &county_centre("522301"),
            Some(&verifier),
            now + Duration::days(1),
        )
        .unwrap();
    assert_eq!(got.cases, vec![code.clone()]);
    prefecture::close_returned(&mut county, "522301", &code, now + Duration::days(1)).unwrap();
    store.append(&county).unwrap();
    let restored = store.restore("522301").unwrap();
    let case = restored.case(&code).unwrap();
    assert_eq!(case.dispute.state, State::Closed);
    // One chain across both engines, every step there once.
    let kinds: Vec<&str> = case.events.iter().map(|e| e.op.kind().as_str()).collect();
    assert_eq!(kinds, prefecture::ESCALATED_TRACE);
    fengqiao::trace::verify(&case.events).unwrap();
}

#[test]
fn a_poison_document_is_parked_with_its_code_and_blocks_nothing() {
    let (_pg, mut store) = server();
    let (signer, verifier) = keys();
    store.sign_transfers(Box::new(signer));
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(2);
    let first =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    store.append(&county).unwrap();
    // A document rewritten on the way (its note changed after signing), sent as the county's
    // second message, then a good one behind it.
    let body: String = store
        .client()
        .query_one(
            "SELECT body FROM fengqiao.outbox WHERE county = '522301' AND seq = 1",
            &[],
        )
        .unwrap()
        .get(0);
    let forged = body.replace("当事人跨县", "当事人同县");
    assert_ne!(forged, body);
    let digest = fengqiao::trace::Hash::sm3(forged.as_bytes());
    store
        .client()
        .execute(
            "WITH taken AS (UPDATE fengqiao.journals SET sent = sent + 1 WHERE county = '522301')
             INSERT INTO fengqiao.outbox (county, seq, kind, to_county, sm3, body)
             VALUES ('522301', 2, 'transfer', '522300', $1, $2)",
            &[&digest.0.as_slice(), &forged],
        )
        .unwrap();
    let mut county = store.restore("522301").unwrap();
    let second =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 4)).unwrap();
    store.append(&county).unwrap();

    let mut pref = store.restore("522300").unwrap();
    let got = store
        .receive(
            &mut pref,
            &prefecture_centre(),
            Some(&verifier),
            at(2025, 7, 1),
        )
        .unwrap();
    assert_eq!((got.cases, got.parked), (vec![first, second], 1));
    let parked = store.parked("522300").unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!((parked[0].from.as_str(), parked[0].seq), ("522301", 2));
    assert_eq!(parked[0].code, "trace", "{}", parked[0].message);
    // Parked is received: it is not offered again, and the refusal is in the audit record.
    assert!(store.pending("522300", None).unwrap().is_empty());
    let restored = store.restore("522300").unwrap();
    assert!(restored
        .audit_record()
        .iter()
        .any(|a| a.action == "transfer_in" && a.code.as_deref() == Some("trace")));
}

#[test]
fn two_engines_of_one_journal_cannot_both_take_a_document_in() {
    let (_pg, mut store) = server();
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(3);
    prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    store.append(&county).unwrap();
    let mut one = store.restore("522300").unwrap();
    let mut two = store.restore("522300").unwrap();
    let now = at(2025, 7, 1);
    assert_eq!(
        store
            .receive(&mut one, &prefecture_centre(), None, now)
            .unwrap()
            .cases
            .len(),
        1
    );
    // The second engine is at the position from before: nothing waits for it any more
    // (the first committed), and the store takes nothing from it twice.
    assert!(store.pending("522300", None).unwrap().is_empty());
    let rows: i64 = store
        .client()
        .query_one(
            "SELECT count(*) FROM fengqiao.inbox WHERE county = '522300'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
    // A second document: the stale engine takes it in, in memory, but its append is
    // refused whole (the journal moved past it), and the document is received once.
    prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 4)).unwrap();
    store.append(&county).unwrap();
    let e = store
        .receive(&mut two, &prefecture_centre(), None, now)
        .unwrap_err();
    assert!(e.is_conflict(), "{e}");
    assert_eq!(
        store
            .receive(&mut one, &prefecture_centre(), None, now)
            .unwrap()
            .cases
            .len(),
        1
    );
    let rows: i64 = store
        .client()
        .query_one(
            "SELECT count(*) FROM fengqiao.inbox WHERE county = '522300'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(rows, 2);
}

#[test]
fn unsigned_documents_are_parked_where_keys_are_trusted() {
    let (_pg, mut store) = server();
    let (_, verifier) = keys();
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(4);
    prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    store.append(&county).unwrap(); // no signer set
    let mut pref = store.restore("522300").unwrap();
    let got = store
        .receive(
            &mut pref,
            &prefecture_centre(),
            Some(&verifier),
            at(2025, 7, 1),
        )
        .unwrap();
    assert_eq!((got.cases.len(), got.parked), (0, 1));
    assert_eq!(store.parked("522300").unwrap()[0].code, "transfer");
}

#[test]
fn a_return_travels_to_the_prefecture_and_consolidates() {
    let (_pg, mut store) = server();
    let (signer, verifier) = keys();
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(5);
    fengqiao_synth::county::caseload(&mut county, &places, &mut rng, at(2025, 6, 2), 6).unwrap();
    store.append(&county).unwrap();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
    );
    let unit = "522301000000".parse().unwrap();
    let r = county
        .reader(&county_centre("522301"), at(2025, 7, 2))
        .unwrap()
        .statistical_return(unit, from, to, Some(&signer))
        .unwrap();
    assert_eq!(
        store
            .send_return("522301", QIANXINAN.parse().unwrap(), &r)
            .unwrap(),
        1
    );
    let mut pref = store.restore("522300").unwrap();
    let got = store
        .receive(
            &mut pref,
            &prefecture_centre(),
            Some(&verifier),
            at(2025, 7, 3),
        )
        .unwrap();
    assert_eq!((got.returns, got.parked), (1, 0));
    let returns = store.received_returns("522300").unwrap();
    assert_eq!(returns, vec![r.clone()]);
    let c = pref
        .reader(&prefecture_centre(), at(2025, 7, 3))
        .unwrap()
        .consolidate(
            QIANXINAN.parse().unwrap(),
            from,
            to,
            &returns,
            Some(&verifier),
        )
        .unwrap();
    assert_eq!(c.counts.screened, r.counts.screened);
    assert_eq!((c.counts.screened, c.cases), (6, 6));
}

#[test]
fn a_receiver_behind_the_document_leaves_it_waiting_instead_of_parking_it() {
    let (_pg, mut store) = server();
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(6);
    let code =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    store.append(&county).unwrap();
    let mut pref = store.restore("522300").unwrap();
    // The receiver's clock reads a day before the document was sent: its own fault.
    let e = store
        .receive(&mut pref, &prefecture_centre(), None, at(2025, 6, 2))
        .unwrap_err();
    assert!(
        matches!(
            e,
            fengqiao_store::StoreError::Engine(fengqiao::engine::EngineError::TimeGoesBack { .. })
        ),
        "{e}"
    );
    assert!(store.parked("522300").unwrap().is_empty());
    assert_eq!(store.pending("522300", None).unwrap().len(), 1);
    // A centre unknown here: the same.
    let stranger = fengqiao::trace::Actor::Staff("cs-999999000000".into());
    let e = store
        .receive(&mut pref, &stranger, None, at(2025, 7, 1))
        .unwrap_err();
    assert!(
        matches!(
            e,
            fengqiao_store::StoreError::Engine(fengqiao::engine::EngineError::UnknownStaff(_))
        ),
        "{e}"
    );
    // With its clock right it takes the document in, once.
    let mut pref = store.restore("522300").unwrap();
    let got = store
        .receive(&mut pref, &prefecture_centre(), None, at(2025, 7, 1))
        .unwrap();
    assert_eq!((got.cases, got.parked, got.held), (vec![code], 0, None));
}

#[test]
fn a_bodys_bridge_reads_and_acknowledges_its_own_documents() {
    use fengqiao::transfer::{Endpoint, TransferReason};
    let (_pg, mut store) = server();
    let (mut county, places) = two_journals(&mut store);
    let mut rng = Rng::new(7);
    let one =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    let two =
        prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 4)).unwrap();
    store.append(&county).unwrap();
    let mut pref = store.restore("522300").unwrap();
    let now = at(2025, 7, 1);
    store
        .receive(&mut pref, &prefecture_centre(), None, now)
        .unwrap();
    // The prefecture sends the first to the county's court (its message 1), the second's
    // result to the county's engine (message 2): one receiving journal, two readers.
    let court = Endpoint {
        unit: "522301000000".parse().unwrap(),
        body: Some("court".into()),
    };
    pref.transfer_out(
        &prefecture_centre(),
        &one,
        court,
        TransferReason::Referral,
        "诉调对接".into(),
        now,
        None,
    )
    .unwrap();
    prefecture::settle(&mut pref, &two, now).unwrap();
    store.append(&pref).unwrap();
    let got = store
        .receive(&mut county, &county_centre("522301"), None, at(2025, 7, 2))
        .unwrap();
    assert_eq!(got.cases, vec![two]);
    // The engine read past message 2; the court's bridge still finds message 1.
    let for_court = store.pending("522301", Some("court")).unwrap();
    assert_eq!(for_court.len(), 1);
    assert_eq!(
        (for_court[0].seq, for_court[0].case.as_deref()),
        (1, Some(one.as_str()))
    );
    store.acknowledge(&for_court[0], None).unwrap();
    assert!(store.pending("522301", Some("court")).unwrap().is_empty());
    let again = store.acknowledge(&for_court[0], None).unwrap_err();
    assert!(again.is_conflict(), "{again}");
    // A document for the engine is not a bridge's to acknowledge.
    let engines: Vec<_> = store
        .client()
        .query(
            "SELECT seq FROM fengqiao.outbox WHERE county = '522300' AND to_body IS NULL",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect();
    assert_eq!(engines, vec![2]);
    let mut theirs = for_court[0].clone();
    theirs.to_body = None;
    assert!(matches!(
        store.acknowledge(&theirs, None),
        Err(fengqiao_store::StoreError::ForTheEngine { seq: 1, .. })
    ));
}

#[test]
fn a_waiting_receiver_is_woken_by_the_commit_of_a_document_for_it() {
    let (pg, mut store) = server();
    let (mut county, places) = two_journals(&mut store);
    let params = pg.params();
    let mut waiter = Store::connect(&params).unwrap();
    // Subscribed, nothing committed: the timeout.
    assert!(!waiter
        .wait("522300", std::time::Duration::from_millis(50))
        .unwrap());
    let waiting = std::thread::spawn(move || {
        let woke = waiter
            .wait("522300", std::time::Duration::from_secs(60))
            .unwrap();
        (woke, waiter)
    });
    // A document for the county itself would not wake it; the escalation does.
    let mut rng = Rng::new(8);
    prefecture::escalate(&mut county, "522301", &places, &mut rng, at(2025, 6, 3)).unwrap();
    store.append(&county).unwrap();
    let (woke, mut waiter) = waiting.join().unwrap();
    assert!(woke);
    let mut pref = waiter.restore("522300").unwrap();
    let got = waiter
        .receive(&mut pref, &prefecture_centre(), None, at(2025, 7, 1))
        .unwrap();
    assert_eq!(got.cases.len(), 1);
    // A document for another journal does not wake it.
    prefecture::settle(&mut pref, &got.cases[0], at(2025, 7, 1)).unwrap();
    waiter.append(&pref).unwrap();
    assert!(!waiter
        .wait("522300", std::time::Duration::from_millis(200))
        .unwrap());
}
