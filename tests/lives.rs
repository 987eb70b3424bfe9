//! Whole lives of disputes, through the engine: what the core issue asks to see working.

mod common;

use common::*;
use fengqiao::lifecycle::{ConfirmationStatus, Refusal};
use fengqiao::prelude::*;
use fengqiao::trace::{self, TraceError};
use fengqiao_synth::ids;

#[test]
fn neighbour_dispute_resolved_with_written_agreement_and_judicial_confirmation() {
    let mut w = World::small();
    let gw = w.grid_worker(0);
    let md = w.mediator(0);
    let code = w
        .engine
        .register(
            &gw,
            w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 6, 9)),
            at(2025, 6, 9),
        )
        .unwrap();
    let centre = w.community_centre(0);
    let decision = w.engine.route(&centre, &code, at(2025, 6, 9)).unwrap();
    assert_eq!(decision.level, Level::Community);
    assert!(decision.offer_confirmation);
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 6, 9),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::BenchMeeting), at(2025, 6, 10))
        .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("2025-06-11", 3000),
        },
        at(2025, 6, 11),
    )
    .unwrap();
    // A one-sided application is refused (人民调解法 art. 33: 共同申请).
    let one_sided = e.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-06-20"),
            applicants: vec![Party::Person("p0-0".into())],
        },
        at(2025, 6, 20),
    );
    assert!(
        matches!(one_sided, Err(EngineError::Lifecycle(ref l)) if l.refusal == Refusal::Law && l.message.contains("art. 33") && l.message.contains("p1-0")),
        "{one_sided:?}"
    );
    let parties = e.case(&code).unwrap().dispute.input.parties.clone();
    e.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-06-20"),
            applicants: parties,
        },
        at(2025, 6, 20),
    )
    .unwrap();
    // Closing while the court has not decided is refused.
    let err = e
        .apply(
            &md,
            &code,
            Operation::Close {
                summary: String::new(),
            },
            at(2025, 6, 21),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Lifecycle);
    // Only the court grants.
    let err = e
        .apply(
            &md,
            &code,
            Operation::GrantConfirmation {
                decided_on: date("2025-06-25"),
            },
            at(2025, 6, 25),
        )
        .unwrap_err();
    assert!(matches!(err, EngineError::Lifecycle(ref l) if l.refusal == Refusal::NotPermitted));
    let court = w.court();
    let e = &mut w.engine;
    // The court rules only on an application it accepted (法释〔2011〕5号 art. 4–5).
    let unaccepted = e.apply(
        &court,
        &code,
        Operation::GrantConfirmation {
            decided_on: date("2025-06-25"),
        },
        at(2025, 6, 25),
    );
    assert!(unaccepted
        .unwrap_err()
        .to_string()
        .contains("accept_confirmation"));
    e.apply(
        &court,
        &code,
        Operation::AcceptConfirmation {
            accepted_on: date("2025-06-23"),
        },
        at(2025, 6, 23),
    )
    .unwrap();
    e.apply(
        &court,
        &code,
        Operation::GrantConfirmation {
            decided_on: date("2025-06-25"),
        },
        at(2025, 6, 25),
    )
    .unwrap();
    e.apply(
        &gw,
        &code,
        Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        at(2025, 7, 1),
    )
    .unwrap();
    let d = e
        .apply(
            &md,
            &code,
            Operation::Close {
                summary: "done".into(),
            },
            at(2025, 7, 2),
        )
        .unwrap();
    assert_eq!(d.state, State::Closed);
    assert_eq!(
        d.confirmation.as_ref().unwrap().status,
        ConfirmationStatus::Granted
    );
    let case = e.case(&code).unwrap();
    assert_eq!(case.events.len(), 10);
    e.verify(&code).unwrap();
    assert_eq!(trace::replay(&case.events).unwrap(), case.dispute);
}

#[test]
fn labour_dispute_fails_mediation_and_is_referred_to_arbitration() {
    let mut w = World::small();
    let (gw, md, centre) = (w.grid_worker(0), w.mediator(0), w.community_centre(0));
    let code = w
        .engine
        .register(
            &gw,
            w.dispute(Category::Labour, &["p0-0"], at(2025, 3, 3)),
            at(2025, 3, 3),
        )
        .unwrap();
    let decision = w.engine.route(&centre, &code, at(2025, 3, 3)).unwrap();
    assert_eq!(
        decision.deadlines.handle.unwrap().red,
        10,
        "labour's 15-day window"
    );
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 3, 3),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::FaceToFace), at(2025, 3, 5))
        .unwrap();
    // The sweep tells that arbitration is open after 15 days.
    let s = e.deadlines(at(2025, 3, 20)).unwrap();
    assert!(s[0]
        .legal
        .contains(&fengqiao::deadline::LegalNotice::LabourArbitrationOpen));
    // Terminating without telling the parties of other routes is refused (art. 26).
    let bad = Operation::Terminate {
        reason: "no agreement".into(),
        routes: vec![],
    };
    let err = e.apply(&md, &code, bad, at(2025, 3, 20)).unwrap_err();
    assert!(matches!(err, EngineError::Lifecycle(ref l) if l.refusal == Refusal::Law));
    e.apply(
        &md,
        &code,
        Operation::Terminate {
            reason: "no agreement".into(),
            routes: vec![OtherRoute::Arbitration],
        },
        at(2025, 3, 20),
    )
    .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Refer {
            to: ReferralTarget::LabourArbitration,
            note: String::new(),
        },
        at(2025, 3, 21),
    )
    .unwrap();
    let d = e
        .apply(
            &centre,
            &code,
            Operation::Close {
                summary: String::new(),
            },
            at(2025, 3, 24),
        )
        .unwrap();
    assert_eq!(d.state, State::Closed);
    assert_eq!(d.referred_to, Some(ReferralTarget::LabourArbitration));
    e.verify(&code).unwrap();
}

#[test]
fn dispute_assigned_from_the_street_needs_feedback_before_closing() {
    let mut w = World::small();
    let street = w.places.streets[0];
    let community = w.places.communities[0];
    let centre = w.street_centre();
    let mut input = w.dispute(Category::PropertyManagement, &["p0-0"], at(2025, 4, 7));
    input.channel = Channel::AssignedFromAbove;
    input.location = street;
    let code = w.engine.register(&centre, input, at(2025, 4, 7)).unwrap();
    let e = &mut w.engine;
    e.apply(
        &centre,
        &code,
        Operation::AssignDown {
            to: community,
            note: "investigate".into(),
        },
        at(2025, 4, 7),
    )
    .unwrap();
    // Assigning "down" to a unit that is not inside is refused.
    let err = e
        .apply(
            &centre,
            &code,
            Operation::AssignDown {
                to: street,
                note: String::new(),
            },
            at(2025, 4, 7),
        )
        .unwrap_err();
    assert!(matches!(err, EngineError::Lifecycle(ref l) if l.refusal == Refusal::MissingData));
    let md = w.mediator(0);
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 4, 8),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::HomeVisit), at(2025, 4, 9))
        .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: Agreement {
                form: AgreementForm::Oral,
                ..written_agreement("2025-04-09", 0)
            },
        },
        at(2025, 4, 9),
    )
    .unwrap();
    let err = e
        .apply(
            &md,
            &code,
            Operation::Close {
                summary: String::new(),
            },
            at(2025, 4, 10),
        )
        .unwrap_err();
    assert!(err.to_string().contains("feedback"), "{err}");
    e.apply(
        &md,
        &code,
        Operation::Feedback {
            summary: "resolved on a home visit".into(),
        },
        at(2025, 4, 10),
    )
    .unwrap();
    let d = e
        .apply(
            &md,
            &code,
            Operation::Close {
                summary: String::new(),
            },
            at(2025, 4, 10),
        )
        .unwrap();
    assert_eq!(d.state, State::Closed);
    assert_eq!(d.assigned_by, Some(street));
    e.verify(&code).unwrap();
}

#[test]
fn stabilised_dispute_reopens_when_it_flares_again() {
    let mut w = World::small();
    let (gw, md) = (w.grid_worker(0), w.mediator(0));
    let code = w
        .engine
        .register(
            &gw,
            w.dispute(Category::MarriageFamily, &["p0-0", "p0-1"], at(2025, 5, 6)),
            at(2025, 5, 6),
        )
        .unwrap();
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 5, 6),
    )
    .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Stabilise {
            plan: "weekly visits by the head".into(),
            next_review: date("2025-05-20"),
        },
        at(2025, 5, 7),
    )
    .unwrap();
    let s = e.deadlines(at(2025, 5, 25)).unwrap();
    assert!(s.iter().any(|x| x
        .legal
        .contains(&fengqiao::deadline::LegalNotice::ReviewOverdue)));
    let d = e
        .apply(
            &gw,
            &code,
            Operation::Reopen {
                reason: "quarrel again".into(),
            },
            at(2025, 5, 26),
        )
        .unwrap();
    assert_eq!(d.state, State::Accepted);
    assert_eq!(d.reopened, 1);
    assert!(d.watch.is_none());
    e.apply(&md, &code, session(Method::HomeVisit), at(2025, 5, 27))
        .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("2025-05-27", 0),
        },
        at(2025, 5, 27),
    )
    .unwrap();
    e.verify(&code).unwrap();
}

#[test]
fn invalid_operations_are_refused_and_change_nothing() {
    let mut w = World::small();
    let (gw, md) = (w.grid_worker(0), w.mediator(0));
    let code = w
        .engine
        .register(
            &gw,
            w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 6)),
            at(2025, 5, 6),
        )
        .unwrap();
    let snapshot = w.engine.case(&code).unwrap().clone();
    let e = &mut w.engine;
    let t = at(2025, 5, 7);
    let cases: Vec<(Actor, Operation, Refusal)> = vec![
        // Wrong state: resolve before any session.
        (
            md.clone(),
            Operation::Resolve {
                agreement: written_agreement("2025-05-07", 0),
            },
            Refusal::WrongState,
        ),
        // Wrong actor: a household head cannot accept.
        (
            Actor::Staff(ids::household_head(w.places.groups[0])),
            Operation::Accept {
                note: String::new(),
            },
            Refusal::NotPermitted,
        ),
        // Missing data: report "up" to a unit that is not above.
        (
            md.clone(),
            Operation::ReportUp {
                to: w.places.grids[3],
                reason: String::new(),
                cc: vec![],
            },
            Refusal::MissingData,
        ),
    ];
    for (actor, op, refusal) in cases {
        let kind = op.kind();
        match e.apply(&actor, &code, op, t) {
            Err(EngineError::Lifecycle(l)) => {
                assert_eq!(l.refusal, refusal, "{l}");
                assert_eq!(l.operation, kind);
                assert_eq!(l.state, State::Registered);
                assert!(l.to_string().contains(kind.as_str()));
            }
            other => panic!("expected a lifecycle refusal, got {other:?}"),
        }
    }
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        t,
    )
    .unwrap();
    let refused = e.apply(
        &md,
        &code,
        Operation::RecordSession {
            method: Method::FaceToFace,
            summary: String::new(),
            parties_consent: false,
        },
        t,
    );
    assert!(matches!(refused, Err(EngineError::Lifecycle(ref l)) if l.refusal == Refusal::Law));
    let unsigned = Agreement {
        committee_sealed: false,
        ..written_agreement("2025-05-07", 0)
    };
    e.apply(&md, &code, session(Method::FaceToFace), t).unwrap();
    let refused = e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: unsigned,
        },
        t,
    );
    assert!(matches!(refused, Err(EngineError::Lifecycle(ref l)) if l.refusal == Refusal::Law));
    // Going back in time is refused.
    let refused = e.apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 1));
    assert!(matches!(refused, Err(EngineError::TimeGoesBack { ref case, .. }) if *case == code));
    // Only the accepted operations are in the trace.
    let case = e.case(&code).unwrap();
    assert_eq!(case.events.len(), snapshot.events.len() + 2);
    assert_eq!(case.events[..1], snapshot.events[..]);
}

#[test]
fn judicial_confirmation_respects_its_window_and_exclusions() {
    let mut w = World::small();
    let md = w.mediator(0);
    let code = w
        .engine
        .register(
            &w.grid_worker(0),
            w.dispute(Category::MarriageFamily, &["p0-0", "p0-1"], at(2025, 5, 6)),
            at(2025, 5, 6),
        )
        .unwrap();
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 5, 6),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::HomeVisit), at(2025, 5, 6))
        .unwrap();
    let status = Agreement {
        excluded: Some(fengqiao::lifecycle::ExcludedMatter::PersonalStatus),
        ..written_agreement("2025-05-07", 0)
    };
    e.apply(
        &md,
        &code,
        Operation::Resolve { agreement: status },
        at(2025, 5, 7),
    )
    .unwrap();
    let applicants = e.case(&code).unwrap().dispute.input.parties.clone();
    let r = e.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-05-08"),
            applicants,
        },
        at(2025, 5, 8),
    );
    assert!(r.unwrap_err().to_string().contains("personal-status"));

    let code = w
        .engine
        .register(
            &w.grid_worker(0),
            w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 6)),
            at(2025, 5, 6),
        )
        .unwrap();
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 5, 6),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::HomeVisit), at(2025, 5, 6))
        .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("2025-05-07", 100),
        },
        at(2025, 5, 7),
    )
    .unwrap();
    let applicants = w.parties(&code);
    let e = &mut w.engine;
    let late = e.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-06-07"),
            applicants: applicants.clone(),
        },
        at(2025, 6, 7),
    );
    assert!(late.unwrap_err().to_string().contains("within 30 days"));
    e.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-06-06"),
            applicants,
        },
        at(2025, 6, 7),
    )
    .unwrap();
    // The court's clocks (法释〔2011〕5号 art. 4–5), natural days with the last day moved
    // past a day off (民事诉讼法 art. 85): 3 days to accept (06-09, a Monday) …
    use fengqiao::deadline::LegalNotice as N;
    let legal = |e: &Engine, y, m, d| {
        let s = e.deadlines(at(y, m, d)).unwrap();
        s.into_iter().find(|x| x.case == code).unwrap().legal
    };
    assert!(!legal(e, 2025, 6, 9).contains(&N::CourtAcceptanceOverdue));
    assert!(legal(e, 2025, 6, 10).contains(&N::CourtAcceptanceOverdue));
    let court = w.court();
    let e = &mut w.engine;
    e.apply(
        &court,
        &code,
        Operation::AcceptConfirmation {
            accepted_on: date("2025-06-10"),
        },
        at(2025, 6, 10),
    )
    .unwrap();
    // … then 15 days to decide from acceptance (06-25), not 3 + 15 + 10 from the application.
    assert!(!legal(e, 2025, 6, 25).contains(&N::CourtDecisionOverdue));
    assert!(legal(e, 2025, 6, 26).contains(&N::CourtDecisionOverdue));
    // An approved extension adds 10 days once (to 07-05, a Saturday: 07-07).
    e.apply(
        &court,
        &code,
        Operation::ExtendConfirmation {
            approved_on: date("2025-06-20"),
            reason: "需要核实".into(),
        },
        at(2025, 6, 20),
    )
    .unwrap();
    assert!(!legal(e, 2025, 7, 7).contains(&N::CourtDecisionOverdue));
    assert!(legal(e, 2025, 7, 8).contains(&N::CourtDecisionOverdue));
    let twice = e.apply(
        &court,
        &code,
        Operation::ExtendConfirmation {
            approved_on: date("2025-06-21"),
            reason: "again".into(),
        },
        at(2025, 6, 21),
    );
    assert!(twice.unwrap_err().to_string().contains("one extension"));
}

#[test]
fn tampering_with_a_trace_is_detected_and_located() {
    let mut w = World::small();
    let (gw, md) = (w.grid_worker(0), w.mediator(0));
    let code = w
        .engine
        .register(
            &gw,
            w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 6)),
            at(2025, 5, 6),
        )
        .unwrap();
    let e = &mut w.engine;
    e.apply(
        &md,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 5, 6),
    )
    .unwrap();
    e.apply(&md, &code, session(Method::HomeVisit), at(2025, 5, 7))
        .unwrap();
    e.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("2025-05-07", 500),
        },
        at(2025, 5, 7),
    )
    .unwrap();
    let events = e.case(&code).unwrap().events.clone();
    trace::verify(&events).unwrap();

    // Changed: the agreed amount is edited.
    let mut changed = events.clone();
    if let Operation::Resolve { agreement } = &mut changed[3].op {
        agreement.amount_yuan = 50_000;
    }
    assert_eq!(
        trace::verify(&changed),
        Err(TraceError::Changed {
            position: 3,
            seq: 4
        })
    );
    // Removed.
    let mut removed = events.clone();
    removed.remove(2);
    assert!(matches!(
        trace::verify(&removed),
        Err(TraceError::Sequence { position: 2, .. })
    ));
    // Reordered.
    let mut reordered = events.clone();
    reordered.swap(1, 2);
    assert!(matches!(
        trace::verify(&reordered),
        Err(TraceError::Sequence { position: 1, .. })
    ));
    // Inserted, with a plausible sequence number and link: the following event breaks.
    let mut inserted = events.clone();
    let fake = fengqiao::trace::Event::new(
        code.clone(),
        Some(&events[1]),
        at(2025, 5, 6),
        md.clone(),
        Operation::Expedite {
            note: String::new(),
        },
    );
    inserted.insert(2, fake);
    for (i, e) in inserted.iter_mut().enumerate().skip(3) {
        e.seq = i as u64 + 1;
    }
    assert!(matches!(
        trace::verify(&inserted),
        Err(TraceError::BrokenLink { position: 3, .. } | TraceError::Changed { position: 3, .. })
    ));
    // A rewritten chain verifies on its own, but not against the recorded head.
    let head = events.last().unwrap().hash;
    let mut forged = events[..3].to_vec();
    let last = fengqiao::trace::Event::new(
        code.clone(),
        forged.last(),
        at(2025, 5, 7),
        md.clone(),
        Operation::Expedite {
            note: String::new(),
        },
    );
    forged.push(last);
    trace::verify(&forged).unwrap();
    assert!(matches!(
        trace::verify_head(&forged, head),
        Err(TraceError::Head { .. })
    ));
    // JSON Lines round trip.
    let text = trace::to_jsonl(&events);
    assert_eq!(text.lines().count(), 4);
    assert_eq!(trace::from_jsonl(&text).unwrap(), events);
    assert!(matches!(
        trace::from_jsonl("{}\n"),
        Err(TraceError::Json { line: 1, .. })
    ));
}
