//! Statistical returns sent up (issue 33, item 8): a unit's return as a signed document, and
//! the consolidation at the level above, which refuses a return from a unit not below it,
//! of another period, a second one of a unit unless it supersedes the first, an
//! inconsistent or wrongly signed one, and a case counted twice — the stale return of a
//! community made before its case was transferred to the street's engine.
#![cfg(feature = "guomi")]

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::*;
use fengqiao::error::ErrorCode;
use fengqiao::prelude::*;
use fengqiao::returns::StatisticalReturn;
use fengqiao::signing::{self, Sm2Signer, Sm2Verifier};
use fengqiao::transfer::{Endpoint, TransferReason};

fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex("community-2026", &"5c".repeat(32)).unwrap();
    let mut v = Sm2Verifier::default();
    v.add_key("community-2026", &signer.public_key_hex())
        .unwrap();
    (signer, v)
}

fn t(day: u32) -> DateTime<Utc> {
    at(2025, 5, day)
}

const FROM: &str = "2025-05-01";
const TO: &str = "2025-05-31";

fn period() -> (NaiveDate, NaiveDate) {
    (date(FROM), date(TO))
}

/// A community's engine (community `i`) with one case in it, and its signed return.
fn community(i: usize, person: &str) -> (World, CaseCode, StatisticalReturn) {
    let mut w = World::small();
    let gw = w.grid_worker(if i == 0 { 0 } else { 2 });
    let input = w.dispute(Category::Neighbour, &[person, "p1-0"], t(6));
    let code = w.engine.register(&gw, input, t(6)).unwrap();
    let (signer, _) = keys();
    let (from, to) = period();
    let unit = w.places.communities[i];
    let r = w
        .engine
        .reader(&Actor::System, t(30))
        .unwrap()
        .statistical_return(unit, from, to, Some(&signer))
        .unwrap();
    (w, code, r)
}

fn consolidate(
    w: &World,
    returns: &[StatisticalReturn],
    verifier: Option<&Sm2Verifier>,
) -> Result<fengqiao::returns::Consolidation, EngineError> {
    let (from, to) = period();
    w.engine.reader(&Actor::System, t(31)).unwrap().consolidate(
        w.places.streets[0],
        from,
        to,
        returns,
        verifier.map(|v| v as &dyn signing::Verifier),
    )
}

fn refused(e: EngineError, problem: &str) {
    assert_eq!(e.code(), ErrorCode::StatisticalReturn, "{e}");
    assert_eq!(e.details()["problem"], problem, "{e}");
}

#[test]
fn the_street_adds_up_its_communities_returns() {
    let (_, a, ra) = community(0, "p0-0");
    let (_, b, rb) = community(1, "p12-0");
    assert_eq!(ra.heads.len(), 1);
    assert_eq!(ra.heads[0].case, a);
    assert_eq!(ra.by_event_type.get("0299"), Some(&1));
    assert_eq!(ra.register, signing::register_digest(&ra.heads));
    let street = World::small();
    let (_, v) = keys();
    let c = consolidate(&street, &[ra.clone(), rb.clone()], Some(&v)).unwrap();
    assert_eq!(c.cases, 2);
    assert_eq!(c.counts.screened, 2);
    assert_eq!(c.by_event_type.get("0299"), Some(&2));
    assert_eq!(c.returns.len(), 2);
    assert_ne!(a, b);
}

#[test]
fn returns_from_elsewhere_or_another_period_are_refused() {
    let (w, _, ra) = community(0, "p0-0");
    // The county's own return offered to the street.
    let (signer, v) = keys();
    let (from, to) = period();
    let county = w
        .engine
        .reader(&Actor::System, t(30))
        .unwrap()
        .statistical_return(w.places.county.unwrap(), from, to, Some(&signer))
        .unwrap();
    refused(
        consolidate(&w, &[county], Some(&v)).unwrap_err(),
        "not_below",
    );
    // Another month.
    let june = w
        .engine
        .reader(&Actor::System, t(30))
        .unwrap()
        .statistical_return(
            w.places.communities[0],
            date("2025-06-01"),
            date("2025-06-30"),
            Some(&signer),
        )
        .unwrap();
    refused(
        consolidate(&w, &[ra.clone(), june], Some(&v)).unwrap_err(),
        "period",
    );
    // Another form.
    let mut other = ra.clone();
    other.format = "fengqiao-return/2".into();
    refused(consolidate(&w, &[other], None).unwrap_err(), "format");
}

#[test]
fn a_second_return_counts_only_when_it_supersedes_the_first() {
    let (mut w, _, first) = community(0, "p0-0");
    // Another case registered later in the month; the community sends its return again.
    let gw = w.grid_worker(0);
    let input = w.dispute(Category::Contract, &["p0-1", "p1-1"], t(20));
    w.engine.register(&gw, input, t(20)).unwrap();
    let (signer, v) = keys();
    let (from, to) = period();
    let unit = w.places.communities[0];
    let again = w
        .engine
        .reader(&Actor::System, t(31))
        .unwrap()
        .statistical_return(unit, from, to, Some(&signer))
        .unwrap();
    refused(
        consolidate(&w, &[first.clone(), again.clone()], Some(&v)).unwrap_err(),
        "twice",
    );
    // A correction names the return it replaces (and is signed again).
    let mut correction = again;
    correction.supersedes = Some(first.digest());
    correction.head = Some(
        signing::SignedHead::sign(
            signing::Subject::Return,
            correction.heads.len() as u64,
            correction.digest(),
            t(31),
            &signer,
        )
        .unwrap(),
    );
    let c = consolidate(&w, &[first, correction.clone()], Some(&v)).unwrap();
    assert_eq!(c.cases, 2);
    assert_eq!(
        c.returns,
        [fengqiao::returns::ReturnAdded {
            unit,
            digest: correction.digest()
        }]
    );
}

#[test]
fn tampered_unsigned_and_inconsistent_returns_are_refused() {
    let (w, _, r) = community(0, "p0-0");
    let (_, v) = keys();
    let mut inflated = r.clone();
    inflated.counts.succeeded += 5;
    assert_eq!(
        consolidate(&w, &[inflated], Some(&v)).unwrap_err().code(),
        ErrorCode::Signature
    );
    let stranger = Sm2Verifier::default();
    assert_eq!(
        consolidate(&w, std::slice::from_ref(&r), Some(&stranger))
            .unwrap_err()
            .code(),
        ErrorCode::Signature
    );
    let mut unsigned = r.clone();
    unsigned.head = None;
    refused(
        consolidate(&w, &[unsigned.clone()], Some(&v)).unwrap_err(),
        "unsigned",
    );
    // Without keys the host trusts its transport, but the return must still add up.
    consolidate(&w, &[unsigned.clone()], None).unwrap();
    let mut short = unsigned;
    short.heads.clear();
    refused(consolidate(&w, &[short], None).unwrap_err(), "inconsistent");
}

#[test]
fn a_case_counted_in_two_returns_is_refused() {
    let (mut community_engine, code, stale) = community(0, "p0-0");
    // The community's centre sends the case up to the street's engine.
    let cc = community_engine.community_centre(0);
    let street_unit = community_engine.places.streets[0];
    let doc = community_engine
        .engine
        .transfer_out(
            &cc,
            &code,
            Endpoint {
                unit: street_unit,
                body: None,
            },
            TransferReason::Escalation,
            String::new(),
            t(10),
            None,
        )
        .unwrap();
    let mut street = World::small();
    let sc = street.street_centre();
    street.engine.intake(&sc, doc, None, t(10)).unwrap();
    let (from, to) = period();
    let held = street
        .engine
        .reader(&Actor::System, t(30))
        .unwrap()
        .statistical_return(street_unit, from, to, None)
        .unwrap();
    assert_eq!(held.heads.len(), 1);
    // The county adds the street's return and the community's stale one: the case twice.
    let county = World::small();
    let county_unit = county.places.county.unwrap();
    let e = county
        .engine
        .reader(&Actor::System, t(31))
        .unwrap()
        .consolidate(county_unit, from, to, &[stale, held.clone()], None)
        .unwrap_err();
    refused(e, "counted_twice");
    // The community's return made after the transfer counts it as transferred only.
    let fresh = community_engine
        .engine
        .reader(&Actor::System, t(30))
        .unwrap()
        .statistical_return(community_engine.places.communities[0], from, to, None)
        .unwrap();
    assert!(fresh.heads.is_empty());
    // Nothing else, though the case was handled in the community and its limit runs on.
    assert_eq!(
        fresh.counts,
        fengqiao::stats::Counts {
            transferred_out: 1,
            ..Default::default()
        }
    );
    let c = county
        .engine
        .reader(&Actor::System, t(31))
        .unwrap()
        .consolidate(county_unit, from, to, &[fresh, held], None)
        .unwrap();
    assert_eq!(
        (c.cases, c.counts.screened, c.counts.transferred_out),
        (1, 1, 1)
    );
}
