//! Transfer between systems (issue 33): three engines in one test — a street, its county, and
//! one standing for the court's platform. The street escalates to the county, the county
//! refers the confirmation application to the court, the court's decision comes back the way
//! the case came, and the street closes it; every trace verifies at every end. Then what
//! intake refuses, each with its code: the same document twice (nothing changes), a tampered
//! document, one signed by an unknown key or not at all, a case code already present, a
//! result skipping the system that holds the case, a result for a case never sent.
#![cfg(feature = "guomi")]

mod common;

use chrono::{DateTime, Utc};
use common::*;
use fengqiao::error::ErrorCode;
use fengqiao::prelude::*;
use fengqiao::signing::{self, Sm2Signer, Sm2Verifier};
use fengqiao::transfer::{Endpoint, TransferDocument, TransferReason};

const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

/// Every engine signs with one key here (a real deployment has one per system); the
/// verifier trusts it.
fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex("xingyi-2026", SECRET).unwrap();
    let mut v = Sm2Verifier::default();
    v.add_key("xingyi-2026", &signer.public_key_hex()).unwrap();
    (signer, v)
}

fn county_centre(w: &World) -> Actor {
    Actor::Staff(ids::centre_staff(w.places.county.unwrap()))
}

fn to(unit: DivisionCode, body: Option<&str>) -> Endpoint {
    Endpoint {
        unit,
        body: body.map(str::to_string),
    }
}

/// The path of one case: the documents each hop sent, and the engines at the end.
struct Path {
    street: World,
    county: World,
    court: World,
    code: CaseCode,
    escalation: TransferDocument,
    referral: TransferDocument,
    court_result: TransferDocument,
    county_result: TransferDocument,
}

fn t(day: u32) -> DateTime<Utc> {
    at(2025, 5, day)
}

/// Street → county (escalation) → court (referral for judicial confirmation) → county
/// (result) → street (result), each document signed.
fn path() -> Path {
    let (signer, verifier) = keys();
    let (mut street, mut county, mut court) = (World::small(), World::small(), World::small());
    let code = registered(&mut street, Category::Neighbour, t(6));
    accept(&mut street, &code, t(6));
    let md = street.handler(&code);
    street
        .engine
        .apply(&md, &code, session(Method::FaceToFace), t(7))
        .unwrap();
    let county_unit = street.places.county.unwrap();
    let escalation = street
        .engine
        .transfer_out(
            &street.street_centre(),
            &code,
            to(county_unit, None),
            TransferReason::Escalation,
            "涉及多户，街道调解未果".into(),
            t(8),
            Some(&signer),
        )
        .unwrap();

    let cc = county_centre(&county);
    let taken = county
        .engine
        .intake(&cc, escalation.clone(), Some(&verifier), t(8))
        .unwrap();
    assert_eq!(taken.added, escalation.events.len() as u64 + 1);
    county
        .engine
        .apply(
            &cc,
            &code,
            Operation::Resolve {
                agreement: written_agreement("2025-05-09", 3000),
            },
            t(9),
        )
        .unwrap();
    let parties = county.parties(&code);
    county
        .engine
        .apply(
            &cc,
            &code,
            Operation::ApplyConfirmation {
                applied_on: date("2025-05-12"),
                applicants: parties,
            },
            t(12),
        )
        .unwrap();
    let referral = county
        .engine
        .transfer_out(
            &cc,
            &code,
            to(county_unit, Some("court")),
            TransferReason::Referral,
            "申请司法确认".into(),
            t(12),
            Some(&signer),
        )
        .unwrap();

    let judge = court.court();
    court
        .engine
        .intake(&judge, referral.clone(), Some(&verifier), t(12))
        .unwrap();
    for op in [
        Operation::AcceptConfirmation {
            accepted_on: date("2025-05-13"),
        },
        Operation::GrantConfirmation {
            decided_on: date("2025-05-20"),
        },
    ] {
        court.engine.apply(&judge, &code, op, t(20)).unwrap();
    }
    let court_result = court
        .engine
        .transfer_out(
            &judge,
            &code,
            to(county_unit, None),
            TransferReason::Result,
            "确认有效".into(),
            t(20),
            Some(&signer),
        )
        .unwrap();

    county
        .engine
        .intake(&cc, court_result.clone(), Some(&verifier), t(21))
        .unwrap();
    let street_unit = street.places.streets[0];
    let county_result = county
        .engine
        .transfer_out(
            &cc,
            &code,
            to(street_unit, None),
            TransferReason::Result,
            String::new(),
            t(21),
            Some(&signer),
        )
        .unwrap();
    street
        .engine
        .intake(
            &street.street_centre(),
            county_result.clone(),
            Some(&verifier),
            t(22),
        )
        .unwrap();
    Path {
        street,
        county,
        court,
        code,
        escalation,
        referral,
        court_result,
        county_result,
    }
}

#[test]
fn a_case_escalated_referred_to_the_court_and_returned_closes_at_the_street() {
    let mut p = path();
    let code = p.code.clone();
    let d = &p.street.engine.case(&code).unwrap().dispute;
    // Back at the street as the court left it: resolved, the confirmation granted.
    assert_eq!(d.state, State::Resolved);
    assert_eq!(
        d.confirmation.as_ref().unwrap().status,
        fengqiao::lifecycle::ConfirmationStatus::Granted
    );
    assert_eq!(d.handling_unit, p.street.places.streets[0]);
    assert!(d.came_from.is_empty() && d.transferred.is_none());
    let sc = p.street.street_centre();
    for op in [
        Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        Operation::Close {
            summary: "司法确认后回访结案".into(),
        },
    ] {
        p.street.engine.apply(&sc, &code, op, t(23)).unwrap();
    }
    let trace = &p.street.engine.case(&code).unwrap().events;
    let kinds: Vec<&str> = trace.iter().map(|e| e.op.kind().as_str()).collect();
    assert_eq!(
        kinds,
        [
            "register",
            "route",
            "accept",
            "record_session",
            "transfer_out",
            "transfer_in",
            "resolve",
            "apply_confirmation",
            "transfer_out",
            "transfer_in",
            "accept_confirmation",
            "grant_confirmation",
            "transfer_out",
            "transfer_in",
            "transfer_out",
            "transfer_in",
            "verify",
            "close"
        ]
    );
    // One chain from the registration to the close, with the court's steps in it; each
    // engine's trace is a prefix of it, and each verifies with the signed heads.
    fengqiao::trace::verify(trace).unwrap();
    let (signer, verifier) = keys();
    let head = p
        .street
        .engine
        .sign_case_head(&code, &signer, t(23))
        .unwrap();
    signing::verify_trace(trace, &[head], &verifier).unwrap();
    for (w, doc) in [(&p.county, &p.county_result), (&p.court, &p.court_result)] {
        let theirs = &w.engine.case(&code).unwrap().events;
        assert_eq!(theirs[..], trace[..theirs.len()]);
        assert_eq!(theirs.last().unwrap().hash, doc.last().unwrap().hash);
        signing::verify_trace(theirs, &[doc.head.clone().unwrap()], &verifier).unwrap();
    }
    // The county and the court keep the case read-only, where it went.
    for w in [&mut p.county, &mut p.court] {
        let d = &w.engine.case(&code).unwrap().dispute;
        assert_eq!(d.state, State::TransferredOut);
        let e = w
            .engine
            .apply(
                &Actor::System,
                &code,
                Operation::Supervise {
                    grade: fengqiao::routing::Grade::YellowCard,
                    note: String::new(),
                },
                t(24),
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Lifecycle);
    }
}

#[test]
fn every_engine_restores_its_transfers_from_its_journal() {
    let p = path();
    for w in [&p.street, &p.county, &p.court] {
        let (world, _) = fengqiao_synth::world_data(&fengqiao_synth::Spec::small()).unwrap();
        let again = Engine::restore(world, w.engine.journal(0, usize::MAX).unwrap());
        let again = again.unwrap();
        assert_eq!(again.journal_digest(), w.engine.journal_digest());
        assert_eq!(
            again.head(&p.code).unwrap(),
            w.engine.head(&p.code).unwrap()
        );
        assert_eq!(
            again.case(&p.code).unwrap().dispute,
            w.engine.case(&p.code).unwrap().dispute
        );
    }
}

#[test]
fn the_same_document_twice_changes_nothing() {
    let mut p = path();
    let (_, verifier) = keys();
    let cc = county_centre(&p.county);
    let seq = p.county.engine.journal_seq();
    // The escalation, long since taken in and sent on, and the court's result.
    for doc in [&p.escalation, &p.court_result] {
        let again = p
            .county
            .engine
            .intake(&cc, doc.clone(), Some(&verifier), t(25))
            .unwrap();
        assert_eq!((again.case, again.added), (p.code.clone(), 0));
    }
    assert_eq!(p.county.engine.journal_seq(), seq);
    // The sender taking in its own document: it holds its last event already.
    let sc = p.street.street_centre();
    let seq = p.street.engine.journal_seq();
    let own = p
        .street
        .engine
        .intake(&sc, p.county_result.clone(), None, t(25));
    assert_eq!(own.unwrap().added, 0);
    assert_eq!(p.street.engine.journal_seq(), seq);
}

/// Intake of `doc` by a fresh county engine, refused with `code` and `problem`, changing
/// nothing.
fn refused(doc: TransferDocument, verifier: Option<&Sm2Verifier>, code: ErrorCode, problem: &str) {
    let mut county = World::small();
    let cc = county_centre(&county);
    let seq = county.engine.journal_seq();
    let cases = county.engine.case_count();
    let e = county
        .engine
        .intake(
            &cc,
            doc,
            verifier.map(|v| v as &dyn signing::Verifier),
            t(25),
        )
        .unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    if !problem.is_empty() {
        assert_eq!(e.details()["problem"], problem, "{e}");
    }
    assert_eq!(county.engine.case_count(), cases);
    // The refusal is audited (a journal entry), nothing else.
    assert_eq!(county.engine.journal_seq(), seq + 1);
}

#[test]
fn a_tampered_document_is_refused_naming_what_failed() {
    let p = path();
    let (_, verifier) = keys();
    // An event's note changed: its hash no longer matches.
    let mut doc = p.escalation.clone();
    if let Operation::TransferOut { note, .. } = &mut doc.events.last_mut().unwrap().op {
        *note = "改过的".into();
    }
    refused(doc, Some(&verifier), ErrorCode::Trace, "");
    // The events re-chained by a forger: the chain holds, the signed head does not.
    let mut doc = p.escalation.clone();
    doc.events.truncate(doc.events.len() - 1);
    let forged = fengqiao::trace::Event::new(
        p.code.clone(),
        doc.events.last(),
        t(8),
        Actor::System,
        p.escalation.events.last().unwrap().op.clone(),
    );
    doc.events.push(forged);
    refused(doc, Some(&verifier), ErrorCode::Signature, "");
    // The document says another reason than its last event.
    let mut doc = p.escalation.clone();
    doc.reason = TransferReason::Referral;
    refused(doc, Some(&verifier), ErrorCode::Transfer, "shape");
    // Another version of the form.
    let mut doc = p.escalation.clone();
    doc.format = "fengqiao-transfer/2".into();
    refused(doc, Some(&verifier), ErrorCode::Transfer, "format");
}

#[test]
fn unknown_keys_and_missing_signatures_are_refused() {
    let p = path();
    let other = Sm2Verifier::default();
    refused(p.escalation.clone(), Some(&other), ErrorCode::Signature, "");
    let (_, verifier) = keys();
    let mut doc = p.escalation.clone();
    doc.head = None;
    refused(
        doc.clone(),
        Some(&verifier),
        ErrorCode::Transfer,
        "unsigned",
    );
    // A host that trusts its transport (no keys) takes an unsigned document in.
    let mut county = World::small();
    let cc = county_centre(&county);
    county.engine.intake(&cc, doc, None, t(25)).unwrap();
}

/// A county's engine escalates to the prefecture above it by the national code (its world
/// holds the county, not the prefecture's subtree); any other unit it does not hold is
/// refused, naming the destination, and nothing changes.
#[test]
fn a_county_escalates_to_the_prefecture_above_it_by_code() {
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, t(6));
    let cc = county_centre(&w);
    // A neighbouring county (普安县, the parties across the border) goes through the
    // prefecture above both, as the source article's practice has it (跨区域 → 上级综治中心);
    // so does another prefecture's unit (毕节市: not above 兴义市).
    for other in ["522323000000", "522400000000"] {
        let e = w
            .engine
            .transfer_out(
                &cc,
                &code,
                to(other.parse().unwrap(), None),
                TransferReason::Referral,
                String::new(),
                t(7),
                None,
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Lifecycle);
        assert!(e.to_string().contains(other), "{e}");
    }
    let other = "522400000000".parse().unwrap();
    let e = w
        .engine
        .transfer_out(
            &cc,
            &code,
            to(other, None),
            TransferReason::Escalation,
            String::new(),
            t(7),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Lifecycle);
    assert!(e.to_string().contains("522400000000"), "{e}");
    assert_eq!(w.engine.case(&code).unwrap().events.len(), 2);
    let prefecture = "522300000000".parse().unwrap();
    let doc = w
        .engine
        .transfer_out(
            &cc,
            &code,
            to(prefecture, None),
            TransferReason::Escalation,
            String::new(),
            t(7),
            None,
        )
        .unwrap();
    // Its level is the prefecture's (GB/T 31000 层级), from the code alone.
    assert_eq!(
        doc.codes.to_level,
        fengqiao::gbt31000::level_code(fengqiao::hierarchy::Level::Prefecture).code
    );
}

#[test]
fn a_case_code_already_present_is_a_duplicate() {
    let p = path();
    // The county registered a case of its own at the same place the same day: same code.
    let mut county = World::small();
    let code = registered(&mut county, Category::Neighbour, t(6));
    assert_eq!(code, p.code);
    let cc = county_centre(&county);
    let e = county
        .engine
        .intake(&cc, p.escalation.clone(), None, t(25))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Duplicate);
    assert_eq!(e.details()["problem"], "present");
}

#[test]
fn a_result_goes_back_the_way_the_case_came() {
    let p = path();
    let (_, verifier) = keys();
    // The court's result, addressed to the county, offered to the street: not its to take.
    let mut street = World::small();
    let sc = street.street_centre();
    let e = street
        .engine
        .intake(&sc, p.court_result.clone(), Some(&verifier), t(25))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Denied);
    // The court referred the case on to the police; the police's result goes back to the
    // court, not to the county, though both sit at the county's unit.
    let (signer, _) = keys();
    let county_unit = street.places.county.unwrap();
    let (mut county, mut court, mut police) = (World::small(), World::small(), World::small());
    let cc = county_centre(&county);
    county
        .engine
        .intake(&cc, p.escalation.clone(), Some(&verifier), t(8))
        .unwrap();
    let referral = county
        .engine
        .transfer_out(
            &cc,
            &p.code,
            to(county_unit, Some("court")),
            TransferReason::Referral,
            String::new(),
            t(9),
            Some(&signer),
        )
        .unwrap();
    let judge = court.court();
    court
        .engine
        .intake(&judge, referral, Some(&verifier), t(9))
        .unwrap();
    let onward = court
        .engine
        .transfer_out(
            &judge,
            &p.code,
            to(county_unit, Some("police")),
            TransferReason::Referral,
            String::new(),
            t(10),
            Some(&signer),
        )
        .unwrap();
    let officer = Actor::Agency(ids::agency(
        fengqiao::agency::AgencyKind::Police,
        county_unit,
    ));
    police
        .engine
        .intake(&officer, onward, Some(&verifier), t(10))
        .unwrap();
    // A result addressed to the county's centre is refused at the police: it goes to the court.
    let e = police
        .engine
        .transfer_out(
            &officer,
            &p.code,
            to(county_unit, None),
            TransferReason::Result,
            String::new(),
            t(11),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Lifecycle);
    let result = police
        .engine
        .transfer_out(
            &officer,
            &p.code,
            to(county_unit, Some("court")),
            TransferReason::Result,
            String::new(),
            t(11),
            Some(&signer),
        )
        .unwrap();
    let seq = county.engine.journal_seq();
    let e = county
        .engine
        .intake(&cc, result.clone(), Some(&verifier), t(12))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transfer);
    assert_eq!(e.details()["problem"], "elsewhere");
    assert_eq!(
        county.engine.journal_seq(),
        seq + 1,
        "only the refusal's audit entry"
    );
    // The court takes it back.
    let back = court
        .engine
        .intake(&judge, result, Some(&verifier), t(12))
        .unwrap();
    assert_eq!(back.added, 3);
    assert_eq!(
        court.engine.case(&p.code).unwrap().dispute.came_from,
        [to(street.places.streets[0], None), to(county_unit, None)]
    );
    // A result for a case an engine never sent.
    refused(
        p.court_result.clone(),
        Some(&verifier),
        ErrorCode::Transfer,
        "not_sent_here",
    );
    // A case that was never taken in has no result to return.
    let fresh = registered(&mut street, Category::Neighbour, t(9));
    let county_unit = street.places.county.unwrap();
    let e = street.engine.transfer_out(
        &sc,
        &fresh,
        to(county_unit, None),
        TransferReason::Result,
        String::new(),
        t(9),
        None,
    );
    assert_eq!(e.unwrap_err().code(), ErrorCode::Lifecycle);
}

#[test]
fn the_document_carries_the_codes_and_the_reference() {
    let p = path();
    let doc = &p.escalation;
    assert_eq!(doc.format, fengqiao::transfer::FORMAT);
    assert_eq!(doc.codes.event_type, "0299");
    assert!(!doc.codes.event_type_exact);
    assert_eq!(doc.from.end, to(p.street.places.streets[0], None));
    assert_eq!(
        (doc.codes.from_level.as_str(), doc.codes.to_level.as_str()),
        ("05", "04")
    );
    assert_eq!(doc.from.origin, p.street.engine.journal_origin());
    assert_eq!(p.referral.to.body.as_deref(), Some("court"));
    // A JSON round trip gives the same document (what crosses the wire).
    let text = serde_json::to_string(doc).unwrap();
    assert_eq!(
        &serde_json::from_str::<TransferDocument>(&text).unwrap(),
        doc
    );
}

/// The counts of every case `engine` holds, as the system reads them.
fn counts(engine: &Engine, now: DateTime<Utc>) -> fengqiao::stats::Counts {
    let r = engine.reader(&Actor::System, now).unwrap();
    r.statistics(&fengqiao::stats::Query::default())
        .unwrap()
        .total
        .counts
}

#[test]
fn statistics_count_a_transferred_case_once_where_it_is_held() {
    let mut p = path();
    let sc = p.street.street_centre();
    for op in [
        Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        Operation::Close {
            summary: String::new(),
        },
    ] {
        p.street.engine.apply(&sc, &p.code, op, t(23)).unwrap();
    }
    let now = t(24);
    let (street, county, court) = (
        counts(&p.street.engine, now),
        counts(&p.county.engine, now),
        counts(&p.court.engine, now),
    );
    // The county and the court moved it on: that is all they count of it.
    for c in [county, court] {
        assert_eq!(
            c,
            fengqiao::stats::Counts {
                transferred_out: 1,
                ..Default::default()
            }
        );
    }
    // One engine that did it all, at the same steps: its counts are the street's.
    let mut one = World::small();
    let code = registered(&mut one, Category::Neighbour, t(6));
    accept(&mut one, &code, t(6));
    let md = one.handler(&code);
    let cc = county_centre(&one);
    let judge = one.court();
    let parties = one.parties(&code);
    let steps: Vec<(Actor, Operation, u32)> = vec![
        (md, session(Method::FaceToFace), 7),
        (
            cc.clone(),
            Operation::Resolve {
                agreement: written_agreement("2025-05-09", 3000),
            },
            9,
        ),
        (
            cc.clone(),
            Operation::ApplyConfirmation {
                applied_on: date("2025-05-12"),
                applicants: parties,
            },
            12,
        ),
        (
            judge.clone(),
            Operation::AcceptConfirmation {
                accepted_on: date("2025-05-13"),
            },
            20,
        ),
        (
            judge,
            Operation::GrantConfirmation {
                decided_on: date("2025-05-20"),
            },
            20,
        ),
        (
            cc.clone(),
            Operation::Verify {
                satisfied: true,
                note: String::new(),
            },
            23,
        ),
        (
            cc,
            Operation::Close {
                summary: String::new(),
            },
            23,
        ),
    ];
    for (actor, op, day) in steps {
        one.engine.apply(&actor, &code, op, t(day)).unwrap();
    }
    let alone = counts(&one.engine, now);
    let mut sum = street;
    sum.add(&county);
    sum.add(&court);
    let without_moves = fengqiao::stats::Counts {
        transferred_out: 0,
        ..sum
    };
    // Where it was handled differs (the street took the result back; alone, the routed
    // community kept it), so compare what was done.
    let done = |c: &fengqiao::stats::Counts| {
        (
            c.screened,
            c.accepted,
            c.mediated,
            c.succeeded,
            c.confirmed,
            c.closed,
            c.agreement_yuan,
        )
    };
    assert_eq!(done(&without_moves), done(&alone));
    assert_eq!(done(&alone), (1, 1, 1, 1, 1, 1, 3000));
    assert_eq!(sum.transferred_out, 2);
}
