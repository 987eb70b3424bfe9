use chrono::{TimeZone, Utc};

use super::*;
use crate::dispute::{Category, Channel, Flags, Party, RiskColour, Urgency};
use crate::hierarchy::{Hierarchy, Name, Unit, UnitKind};
use crate::lifecycle::operation::Method;
use crate::routing::Grade;

fn hierarchy() -> Hierarchy {
    let mut h = Hierarchy::default();
    for (c, k) in [
        ("522301000000", UnitKind::County),
        ("522301001000", UnitKind::Street),
        ("522301001001", UnitKind::Community),
        ("522301001001001", UnitKind::Grid),
    ] {
        h.add(Unit {
            code: c.parse().unwrap(),
            kind: k,
            name: Name::default(),
            retired: false,
        })
        .unwrap();
    }
    h
}

fn dispute(state: State) -> Dispute {
    let input = DisputeInput {
        category: Category::Neighbour,
        subtype: None,
        channel: Channel::HouseholdVisit,
        parties: vec![Party::Person("a".into())],
        headcount: 0,
        location: "522301001001001".parse().unwrap(),
        urgency: Urgency::Low,
        risk: RiskColour::Blue,
        amount_yuan: None,
        flags: Flags::EMPTY,
        description: String::new(),
        discovered_at: Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap(),
        assigned_by: Some("522301001000".parse().unwrap()),
        external: None,
        idempotency_key: None,
    };
    let mut d = register(
        "522301001001-20250609-0001".parse::<CaseCode>().unwrap(),
        std::sync::Arc::new(input),
        Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap(),
    );
    d.state = state;
    d.handling_unit = "522301001001".parse().unwrap();
    d.feedback_given = true;
    if state == State::Resolved {
        d.agreement = Some(agreement());
    }
    d
}

fn agreement() -> Agreement {
    Agreement {
        form: AgreementForm::Written,
        effective_on: "2025-05-02".parse().unwrap(),
        terms: "t".into(),
        amount_yuan: 0,
        parties_signed: true,
        mediator_signed: true,
        committee_sealed: true,
        excluded: None,
    }
}

fn ctx(h: &Hierarchy) -> Context<'_> {
    static CAL: std::sync::OnceLock<crate::calendar::Calendar> = std::sync::OnceLock::new();
    Context {
        hierarchy: h,
        windows: Default::default(),
        calendar: CAL.get_or_init(crate::calendar::Calendar::official),
        last_event: Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap(),
        // The street above the community handling the sample case.
        actor_unit: Some("522301001000".parse().unwrap()),
        max_extension_days: 20,
    }
}

/// A well-formed operation of each kind.
fn end(unit: &str) -> Box<crate::transfer::Endpoint> {
    Box::new(crate::transfer::Endpoint {
        unit: unit.parse().unwrap(),
        body: None,
    })
}

fn sample(kind: OperationKind) -> Operation {
    use Operation as O;
    use OperationKind as K;
    let day = |s: &str| s.parse().unwrap();
    match kind {
        K::Register => O::Register {
            code: "522301001001-20250609-0001".parse::<CaseCode>().unwrap(),
            input: dispute(State::Registered).input,
        },
        K::Route => O::Route {
            decision: std::sync::Arc::new(crate::routing::Decision {
                rule_set: "t@1".into(),
                policy: crate::routing::HitPolicy::First,
                matched: vec![],
                deciding_unit: "522301001001".parse().unwrap(),
                level: crate::hierarchy::Level::Community,
                unit: "522301001001".parse().unwrap(),
                team: vec![],
                unfilled: vec![],
                agencies: vec![],
                deadlines: Default::default(),
                escalation: None,
                offer_confirmation: false,
                supervision: None,
                explanation: Default::default(),
                legal_windows: Vec::new(),
            }),
        },
        K::Accept => O::Accept {
            note: String::new(),
        },
        K::AssignDown => O::AssignDown {
            to: "522301001001001".parse().unwrap(),
            note: String::new(),
        },
        K::ReportUp => O::ReportUp {
            to: "522301001000".parse().unwrap(),
            reason: String::new(),
            cc: vec![],
        },
        K::RecordSession => O::RecordSession {
            method: Method::FaceToFace,
            summary: String::new(),
            parties_consent: true,
        },
        K::Resolve => O::Resolve {
            agreement: agreement(),
        },
        K::Stabilise => O::Stabilise {
            plan: "p".into(),
            next_review: day("2025-06-30"),
        },
        K::Terminate => O::Terminate {
            reason: "r".into(),
            routes: vec![OtherRoute::Litigation],
        },
        K::Refer => O::Refer {
            to: ReferralTarget::Court,
            note: String::new(),
        },
        K::ApplyConfirmation => O::ApplyConfirmation {
            applied_on: day("2025-05-03"),
            applicants: vec![Party::Person("a".into())],
        },
        K::AcceptConfirmation => O::AcceptConfirmation {
            accepted_on: day("2025-05-03"),
        },
        K::ExtendConfirmation => O::ExtendConfirmation {
            approved_on: day("2025-05-04"),
            reason: "r".into(),
        },
        K::GrantConfirmation => O::GrantConfirmation {
            decided_on: day("2025-05-04"),
        },
        K::RefuseConfirmation => O::RefuseConfirmation {
            decided_on: day("2025-05-04"),
            reason: "r".into(),
        },
        K::Feedback => O::Feedback {
            summary: "s".into(),
        },
        K::Verify => O::Verify {
            satisfied: true,
            note: String::new(),
        },
        K::Close => O::Close {
            summary: String::new(),
        },
        K::Return => O::Return { reason: "r".into() },
        K::Reopen => O::Reopen { reason: "r".into() },
        K::Supervise => O::Supervise {
            grade: Grade::RedCard,
            note: String::new(),
        },
        K::Expedite => O::Expedite {
            note: String::new(),
        },
        K::MarkHistoric => O::MarkHistoric {
            note: String::new(),
        },
        K::Reassess => O::Reassess {
            urgency: Some(Urgency::High),
            risk: None,
            add_flags: Flags::EMPTY.with(crate::dispute::Flag::ViolenceRisk),
            remove_flags: Flags::EMPTY,
            reason: "threats".into(),
        },
        K::Suspend => O::Suspend {
            reason: PauseReason::Appraisal,
            note: String::new(),
        },
        K::Resume => O::Resume {
            note: String::new(),
        },
        K::RequestExtension => O::RequestExtension {
            days: 5,
            reason: "waiting for the survey report".into(),
        },
        K::DecideExtension => O::DecideExtension {
            approved: true,
            days: Some(3),
            note: String::new(),
        },
        K::TransferOut => O::TransferOut {
            from: end("522301001000"),
            to: end("522301000000"),
            reason: crate::transfer::TransferReason::Escalation,
            note: String::new(),
        },
        K::TransferIn => O::TransferIn {
            from: end("522301001000"),
            at: end("522301000000"),
            reason: crate::transfer::TransferReason::Escalation,
        },
    }
}

/// The system may do only what the platform does; for the table test, find an actor
/// permitted to do each operation.
fn someone_permitted(kind: OperationKind) -> ActorKind {
    let mut all: Vec<ActorKind> = vec![ActorKind::System];
    all.extend(crate::staff::Role::ALL.iter().map(|r| ActorKind::Staff(*r)));
    all.extend(
        crate::agency::AgencyKind::ALL
            .iter()
            .map(|k| ActorKind::Agency(*k)),
    );
    all.into_iter()
        .find(|a| permitted(kind, *a))
        .expect("someone may do everything")
}

#[test]
fn every_operation_in_every_state_follows_the_table() {
    let h = hierarchy();
    let ctx = ctx(&h);
    let now = Utc.with_ymd_and_hms(2025, 5, 20, 0, 0, 0).unwrap();
    for &kind in OperationKind::ALL {
        if kind == OperationKind::Register {
            continue;
        }
        for &state in State::ALL {
            let mut d = dispute(state);
            use OperationKind as K;
            if matches!(
                kind,
                K::AcceptConfirmation
                    | K::ExtendConfirmation
                    | K::GrantConfirmation
                    | K::RefuseConfirmation
            ) {
                d.confirmation = Some(Box::new(Confirmation {
                    status: ConfirmationStatus::Applied,
                    applied_on: "2025-05-03".parse().unwrap(),
                    applicants: vec![Party::Person("a".into())],
                    accepted_on: (kind != K::AcceptConfirmation)
                        .then(|| "2025-05-03".parse().unwrap()),
                    extended: false,
                    decided_on: None,
                    reason: None,
                }));
            }
            let phase = clock::clock_phase(state).unwrap_or(crate::deadline::Phase::Handle);
            if kind == K::Resume {
                d.pauses.push(Pause {
                    phase,
                    reason: PauseReason::WaitingForParty,
                    since: d.registered_at,
                    until: None,
                });
            }
            if kind == K::DecideExtension {
                d.extensions.push(Extension {
                    phase,
                    requested_at: d.registered_at,
                    days: 5,
                    reason: "r".into(),
                    status: ExtensionStatus::Pending,
                    granted: 0,
                    decided_at: None,
                });
            }
            let r = check(&d, &sample(kind), someone_permitted(kind), now, &ctx);
            let allowed = allowed_from(kind).contains(&state);
            match r {
                Ok(()) => assert!(allowed, "{kind} accepted in {state}"),
                Err(e) if e.refusal == Refusal::WrongState => {
                    assert!(!allowed, "{kind} refused in {state}: {e}")
                }
                Err(e) => panic!("{kind} in {state}: unexpected {e}"),
            }
            if allowed {
                let before = d.clone();
                apply(&mut d, &sample(kind), now);
                if let Some(to) = TRANSITIONS.iter().find(|t| t.0 == kind).unwrap().2 {
                    let expect = if kind == OperationKind::Reopen {
                        State::Accepted
                    } else {
                        to
                    };
                    assert_eq!(d.state, expect, "{kind} from {state}");
                } else if kind != OperationKind::ReportUp {
                    assert_eq!(d.state, before.state, "{kind} keeps the state");
                }
            }
        }
    }
}

#[test]
fn closed_cases_take_no_new_handling() {
    let h = hierarchy();
    let ctx = ctx(&h);
    let now = Utc.with_ymd_and_hms(2025, 5, 20, 0, 0, 0).unwrap();
    let d = dispute(State::Closed);
    for &kind in OperationKind::ALL {
        let ok = check(&d, &sample(kind), someone_permitted(kind), now, &ctx).is_ok();
        assert_eq!(
            ok,
            matches!(kind, OperationKind::Reopen | OperationKind::Feedback),
            "{kind}"
        );
    }
}

#[test]
fn permissions_follow_the_practice() {
    use crate::agency::AgencyKind as A;
    use crate::staff::Role as R;
    let s = ActorKind::Staff;
    assert!(permitted(OperationKind::Register, s(R::HouseholdHead)));
    assert!(!permitted(OperationKind::Accept, s(R::HouseholdHead)));
    assert!(permitted(OperationKind::Resolve, s(R::Mediator)));
    assert!(permitted(OperationKind::Resolve, s(R::GridWorker)));
    assert!(!permitted(OperationKind::Resolve, s(R::HouseholdHead)));
    assert!(!permitted(OperationKind::Terminate, s(R::GridWorker)));
    assert!(permitted(
        OperationKind::GrantConfirmation,
        ActorKind::Agency(A::Court)
    ));
    assert!(!permitted(
        OperationKind::GrantConfirmation,
        s(R::CentreStaff)
    ));
    assert!(permitted(OperationKind::ReportUp, ActorKind::System));
    assert!(!permitted(OperationKind::Resolve, ActorKind::System));
    assert!(permitted(
        OperationKind::Stabilise,
        ActorKind::Agency(A::Police)
    ));
}

#[test]
fn supervision_only_rises() {
    let mut d = dispute(State::Accepted);
    let now = Utc.with_ymd_and_hms(2025, 5, 20, 0, 0, 0).unwrap();
    apply(
        &mut d,
        &Operation::Supervise {
            grade: Grade::RedCard,
            note: String::new(),
        },
        now,
    );
    apply(
        &mut d,
        &Operation::Supervise {
            grade: Grade::Ordinary,
            note: String::new(),
        },
        now,
    );
    assert_eq!(d.supervision, Some(Grade::RedCard));
}

/// Every operation reads back as it was written, whether its tag comes first (as the
/// library writes it) or last (hand-written JSON): the reader's mirror of the variants
/// (`crate::tagged`) agrees with the enum, variant by variant.
#[test]
fn every_operation_reads_back_with_its_tag_anywhere() {
    for &kind in OperationKind::ALL {
        let op = sample(kind);
        let text = serde_json::to_string(&op).unwrap();
        assert!(
            text.starts_with(&format!(r#"{{"op":"{}""#, kind.as_str())),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<Operation>(&text).unwrap(),
            op,
            "{text}"
        );
        let mut object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap();
        let tag = object.remove("op").unwrap();
        let mut last = serde_json::to_string(&object).unwrap();
        last.pop();
        let sep = if object.is_empty() { "" } else { "," };
        let last = format!(r#"{last}{sep}"op":{tag}}}"#);
        assert_eq!(
            serde_json::from_str::<Operation>(&last).unwrap(),
            op,
            "{last}"
        );
    }
}
