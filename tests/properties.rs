//! Property tests. `PROPTEST_CASES=N` raises the number of cases (the default here keeps
//! `cargo test` fast; CI runs the default).

mod common;

use common::*;
use fengqiao::lifecycle::{OperationKind, State};
use fengqiao::prelude::*;
use fengqiao::stats::Query;
use fengqiao::trace::{self, Event};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Random operations by random actors: every accepted one is in the trace exactly once,
    /// a refused one changes nothing at all, the trace always verifies and replays to the
    /// live state, and a closed case takes no handling but reopening and feedback.
    #[test]
    fn lifecycle_invariants(steps in proptest::collection::vec((0u8..19, 0usize..7), 1..40)) {
        let mut w = World::small();
        let code = w.engine.register(&w.grid_worker(0), w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 1)), at(2025, 5, 1)).unwrap();
        w.engine.route(&Actor::System, &code, at(2025, 5, 1)).unwrap();
        let actors = actors(&w);
        for (i, (k, a)) in steps.into_iter().enumerate() {
            let day = 2 + (i as u32) / 2;
            let before = w.engine.case(&code).unwrap().clone();
            let operation = op(k, day, &w);
            let kind = operation.kind();
            let result = w.engine.apply(&actors[a], &code, operation, at(2025, 5, day)).map(|_| ());
            let after = w.engine.case(&code).unwrap().clone();
            match result {
                Ok(_) => {
                    prop_assert_eq!(after.events.len(), before.events.len() + 1);
                    prop_assert_eq!(after.events.last().unwrap().op.kind(), kind);
                    if before.dispute.state == State::Closed {
                        prop_assert!(matches!(kind, OperationKind::Reopen | OperationKind::Feedback), "{kind} on a closed case");
                    }
                }
                Err(_) => prop_assert_eq!(&after, &before),
            }
            trace::verify(&after.events).unwrap();
            prop_assert_eq!(trace::replay(&after.events).unwrap(), after.dispute);
        }
    }

    /// Changing, dropping, reordering or inserting any single event is detected.
    #[test]
    fn any_single_tampering_is_detected(target in 0usize..100, how in 0u8..4) {
        let mut w = World::small();
        let md = w.mediator(0);
        let code = w.engine.register(&w.grid_worker(0), w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 1)), at(2025, 5, 1)).unwrap();
        w.engine.route(&Actor::System, &code, at(2025, 5, 1)).unwrap();
        w.engine.apply(&md, &code, Operation::Accept { note: String::new() }, at(2025, 5, 2)).unwrap();
        w.engine.apply(&md, &code, session(Method::HomeVisit), at(2025, 5, 3)).unwrap();
        w.engine.apply(&md, &code, Operation::Resolve { agreement: written_agreement("2025-05-03", 900) }, at(2025, 5, 3)).unwrap();
        let events: Vec<Event> = w.engine.case(&code).unwrap().events.clone();
        let n = events.len();
        let i = target % n;
        let mut t = events.clone();
        match how {
            0 => t[i].at += chrono::Duration::seconds(1),
            1 => { t.remove(i); }
            2 => { let j = (i + 1) % n; if i == j { t[i].seq += 1 } else { t.swap(i, j) } }
            _ => { let copy = t[i].clone(); t.insert(i, copy); }
        }
        if how == 1 && i == n - 1 {
            // Cutting off the tail leaves a valid shorter chain: only the recorded head
            // (kept elsewhere, as a sealed case file) catches it.
            prop_assert!(trace::verify_head(&t, events[n - 1].hash).is_err());
        } else {
            prop_assert!(trace::verify(&t).is_err());
        }
    }

    /// Statistics agree with a brute-force recount, and the rows of a roll-up add up to the total.
    #[test]
    fn statistics_agree_with_a_recount(plan in proptest::collection::vec((0usize..48, 0u8..4), 1..30)) {
        let mut w = World::small();
        let centre = w.street_centre();
        let persons = w.places.persons.clone();
        for (i, (p, fate)) in plan.iter().enumerate() {
            let who = persons[*p].clone();
            let cat = Category::ALL[i % Category::ALL.len()];
            let code = w.engine.register(&centre, w.dispute(cat, &[&who], at(2025, 5, 1)), at(2025, 5, 1)).unwrap();
            w.engine.route(&Actor::System, &code, at(2025, 5, 1)).unwrap();
            if *fate >= 1 {
                w.engine.apply(&centre, &code, Operation::Accept { note: String::new() }, at(2025, 5, 2)).unwrap();
            }
            if *fate == 2 {
                w.engine.apply(&centre, &code, session(Method::FaceToFace), at(2025, 5, 3)).unwrap();
                w.engine.apply(&centre, &code, Operation::Resolve { agreement: written_agreement("2025-05-03", 10) }, at(2025, 5, 3)).unwrap();
            }
            if *fate == 3 {
                w.engine.apply(&centre, &code, Operation::Stabilise { plan: "w".into(), next_review: date("2025-06-30") }, at(2025, 5, 3)).unwrap();
            }
        }
        let as_of = at(2025, 5, 20);
        let total = w.engine.reader(&centre, as_of).and_then(|r| r.statistics(&Query::default())).unwrap().total.counts;
        // The ledger the engine keeps gives what the definition gives, case by case; for
        // the system, for staff filtered case by case, and for staff asking within their area.
        let e = &w.engine;
        let h = e.hierarchy();
        let mut defined = fengqiao::stats::Counts::default();
        for c in e.cases() {
            let d = &c.dispute;
            let one = fengqiao::stats::Counts::of(
                d,
                fengqiao::deadline::standing(d, e.calendar(), e.router().rule_set(), as_of),
                Some(h.scheme().level_of(h.current_code(d.handling_unit))),
                fengqiao::deadline::result_on_time(d, e.calendar(), e.router().rule_set()),
            );
            defined = add(defined, one);
        }
        prop_assert_eq!(total, defined);
        prop_assert_eq!(e.reader(&Actor::System, as_of).and_then(|r| r.statistics(&Query::default())).unwrap().total.counts, defined);
        let within = Query { within: Some(w.places.streets[0]), ..Query::default() };
        prop_assert_eq!(e.reader(&centre, as_of).and_then(|r| r.statistics(&within)).unwrap().total.counts, defined);
        let all: Vec<_> = w.engine.cases().map(|c| c.dispute.clone()).collect();
        prop_assert_eq!(total.screened as usize, all.len());
        prop_assert_eq!(total.accepted as usize, all.iter().filter(|d| d.accepted_at.is_some()).count());
        prop_assert_eq!(total.succeeded as usize, all.iter().filter(|d| d.agreement.is_some()).count());
        prop_assert_eq!(total.stabilised as usize, all.iter().filter(|d| d.state == State::Stabilised).count());
        for (level, period) in [
            (Level::Community, None),
            (Level::Grid, Some(fengqiao::stats::Period::Week)),
            (Level::HouseholdGroup, Some(fengqiao::stats::Period::Month)),
        ] {
            let q = Query { by_level: Some(level), by_category: true, by_period: period, ..Query::default() };
            let r = w.engine.reader(&centre, as_of).and_then(|r| r.statistics(&q)).unwrap();
            let sum = |f: fn(&fengqiao::stats::Counts) -> u64| r.rows.iter().map(|x| f(&x.counts)).sum::<u64>();
            prop_assert_eq!(sum(|c| c.screened), total.screened);
            prop_assert_eq!(sum(|c| c.succeeded), total.succeeded);
            prop_assert_eq!(sum(|c| c.overdue_red), total.overdue_red);
            prop_assert_eq!(r.total.counts, total);
        }
    }
}

/// Field-by-field sum (the library's own `add` is what is under test).
fn add(a: fengqiao::stats::Counts, b: fengqiao::stats::Counts) -> fengqiao::stats::Counts {
    let mut a = serde_json::to_value(a).unwrap();
    let b = serde_json::to_value(b).unwrap();
    for (k, v) in a.as_object_mut().unwrap() {
        *v = (v.as_u64().unwrap() + b[k].as_u64().unwrap()).into();
    }
    serde_json::from_value(a).unwrap()
}
