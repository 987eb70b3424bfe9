//! The legal windows and refusals, each test naming the article it follows: natural days
//! against working days, periods counted as the Civil Code counts them, agreements and
//! judicial confirmation as the statutes require, and statistics that do not rewrite the past.

mod common;

use common::*;
use fengqiao::deadline::{LegalNotice as N, Phase, Standing};
use fengqiao::lifecycle::{ExcludedMatter, OperationKind, Refusal};
use fengqiao::prelude::*;
use fengqiao::stats::Query;

#[test]
fn a_working_day_limit_never_ends_after_the_labour_fifteen_days_art_14() {
    // 劳动争议调解仲裁法 art. 14: 15 natural days. Accepted 2025-09-26, the 10-working-day red
    // limit would fall on 10-16 (National Day in between); the 15 days end on 10-11.
    let mut w = World::small();
    let code = registered(&mut w, Category::Labour, at(2025, 9, 26));
    accept(&mut w, &code, at(2025, 9, 26));
    let s = status(&w, &code, at(2025, 9, 29));
    assert_eq!(s.phase, Some(Phase::Handle));
    assert_eq!(s.red_on, Some(date("2025-10-11")));
    assert!(s.yellow_on.unwrap() <= s.red_on.unwrap());
    assert_eq!(status(&w, &code, at(2025, 10, 12)).standing, Standing::Red);
    // A result on 10-15 is late, and statistics say so.
    resolve(&mut w, &code, "2025-10-15", at(2025, 10, 15));
    let r = w
        .engine
        .reader(&w.street_centre(), at(2025, 10, 31))
        .and_then(|r| r.statistics(&Query::default()))
        .unwrap();
    assert_eq!(
        (r.total.counts.results, r.total.counts.results_on_time),
        (1, 0)
    );
}

#[test]
fn the_labour_fifteen_days_run_from_the_application_not_acceptance_art_14() {
    // 自收到调解申请之日起十五日内: a labour case registered on 09-01 and never accepted is past
    // the window after 09-16.
    let mut w = World::small();
    let code = registered(&mut w, Category::Labour, at(2025, 9, 1));
    assert!(!status(&w, &code, at(2025, 9, 16))
        .legal
        .contains(&N::LabourArbitrationOpen));
    assert!(status(&w, &code, at(2025, 9, 17))
        .legal
        .contains(&N::LabourArbitrationOpen));
}

#[test]
fn one_month_ends_on_the_corresponding_day_or_the_month_end_civil_code_202() {
    // 司法部令第75号 art. 33: one month from acceptance; accepted 2025-01-31, the month ends
    // 2025-02-28 (民法典 art. 202), not 30 days later on 03-02.
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 1, 31));
    accept(&mut w, &code, at(2025, 1, 31));
    assert!(!status(&w, &code, at(2025, 2, 28))
        .legal
        .contains(&N::MediationMonthPassed));
    let s = status(&w, &code, at(2025, 3, 1));
    assert!(s.legal.contains(&N::MediationMonthPassed));
    assert!(s.red_on.unwrap() <= date("2025-02-28"));
}

#[test]
fn a_window_ending_on_a_day_off_runs_to_the_next_working_day_civil_code_203() {
    // 人民调解法 art. 33: 30 days; the agreement took effect 2025-09-01, day 30 is 10-01
    // (National Day, off until 10-08): an application on 10-09 is in time (民事诉讼法 art. 85).
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 8, 29));
    accept(&mut w, &code, at(2025, 8, 29));
    resolve(&mut w, &code, "2025-09-01", at(2025, 9, 1));
    let md = w.handler(&code);
    let applicants = w.parties(&code);
    let late = w.engine.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-10-10"),
            applicants: applicants.clone(),
        },
        at(2025, 10, 10),
    );
    assert!(
        matches!(late, Err(EngineError::Lifecycle(ref l)) if l.refusal == Refusal::Law && l.message.contains("2025-10-09")),
        "{late:?}"
    );
    w.engine
        .apply(
            &md,
            &code,
            Operation::ApplyConfirmation {
                applied_on: date("2025-10-09"),
                applicants,
            },
            at(2025, 10, 9),
        )
        .unwrap();
}

#[test]
fn dates_an_operation_carries_stay_inside_the_case_history() {
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 5, 6));
    let md = w.handler(&code);
    accept(&mut w, &code, at(2025, 5, 6));
    w.engine
        .apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    // An agreement "effective" in 1900 would open the art. 33 window at will.
    let old = w.engine.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("1900-01-01", 100),
        },
        at(2025, 5, 8),
    );
    assert!(old.unwrap_err().to_string().contains("1900-01-01"));
    w.engine
        .apply(
            &md,
            &code,
            Operation::Resolve {
                agreement: written_agreement("2025-05-08", 100),
            },
            at(2025, 5, 8),
        )
        .unwrap();
    w.engine
        .apply(
            &w.grid_worker(0),
            &code,
            Operation::Verify {
                satisfied: true,
                note: String::new(),
            },
            at(2025, 6, 1),
        )
        .unwrap();
    // An application dated before the last recorded step (the revisit of 06-01) is backdated.
    let backdated = w.engine.apply(
        &md,
        &code,
        Operation::ApplyConfirmation {
            applied_on: date("2025-05-20"),
            applicants: w.parties(&code),
        },
        at(2025, 6, 2),
    );
    assert!(backdated
        .unwrap_err()
        .to_string()
        .contains("last recorded step"));
}

#[test]
fn oral_agreements_are_refused_where_the_law_wants_writing() {
    let mut w = World::small();
    let oral = |amount| Agreement {
        form: AgreementForm::Oral,
        parties_signed: false,
        mediator_signed: false,
        committee_sealed: false,
        ..written_agreement("2025-05-07", amount)
    };
    // 劳动争议调解仲裁法 art. 14: a labour agreement is a written 调解协议书.
    let labour = registered(&mut w, Category::Labour, at(2025, 5, 6));
    let md = w.handler(&labour);
    accept(&mut w, &labour, at(2025, 5, 6));
    w.engine
        .apply(&md, &labour, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    let r = w.engine.apply(
        &md,
        &labour,
        Operation::Resolve { agreement: oral(0) },
        at(2025, 5, 7),
    );
    assert!(r.unwrap_err().to_string().contains("art. 14"));
    // 司法部令第75号 art. 34: civil rights and obligations (money) are written down.
    let money = registered(&mut w, Category::Neighbour, at(2025, 5, 6));
    let md = w.handler(&money);
    accept(&mut w, &money, at(2025, 5, 6));
    w.engine
        .apply(&md, &money, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    let r = w.engine.apply(
        &md,
        &money,
        Operation::Resolve {
            agreement: oral(500),
        },
        at(2025, 5, 7),
    );
    assert!(r.unwrap_err().to_string().contains("art. 34"));
    // A simple oral settlement without money stands (人民调解法 art. 30) — but cannot be
    // judicially confirmed (法释〔2011〕5号 art. 3).
    w.engine
        .apply(
            &md,
            &money,
            Operation::Resolve { agreement: oral(0) },
            at(2025, 5, 7),
        )
        .unwrap();
    let r = w.engine.apply(
        &md,
        &money,
        Operation::ApplyConfirmation {
            applied_on: date("2025-05-08"),
            applicants: w.parties(&money),
        },
        at(2025, 5, 8),
    );
    assert!(r
        .unwrap_err()
        .to_string()
        .contains("oral agreement cannot be confirmed"));
}

#[test]
fn ownership_agreements_are_not_confirmed_judicial_interpretation_355() {
    for matter in [
        ExcludedMatter::PersonalStatus,
        ExcludedMatter::SpecialProcedure,
        ExcludedMatter::PropertyOwnership,
        ExcludedMatter::IpOwnership,
    ] {
        let mut w = World::small();
        let code = registered(&mut w, Category::ForestLand, at(2025, 5, 6));
        let md = w.handler(&code);
        accept(&mut w, &code, at(2025, 5, 6));
        w.engine
            .apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 7))
            .unwrap();
        let agreement = Agreement {
            excluded: Some(matter),
            ..written_agreement("2025-05-07", 0)
        };
        w.engine
            .apply(&md, &code, Operation::Resolve { agreement }, at(2025, 5, 7))
            .unwrap();
        let r = w.engine.apply(
            &md,
            &code,
            Operation::ApplyConfirmation {
                applied_on: date("2025-05-08"),
                applicants: w.parties(&code),
            },
            at(2025, 5, 8),
        );
        let e = r.unwrap_err().to_string();
        assert!(
            e.contains("art. 355") && e.contains(matter.label_zh()),
            "{e}"
        );
    }
}

#[test]
fn a_reopened_case_gets_a_new_clock_and_keeps_its_past_in_the_statistics() {
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 3, 3));
    let md = w.handler(&code);
    accept(&mut w, &code, at(2025, 3, 3));
    resolve(&mut w, &code, "2025-03-05", at(2025, 3, 5));
    let centre = w.street_centre();
    let march = Query::default();
    let before = w
        .engine
        .reader(&centre, at(2025, 3, 31))
        .and_then(|r| r.statistics(&march))
        .unwrap()
        .total
        .counts;
    assert_eq!((before.succeeded, before.agreement_yuan), (1, 800));
    // Months later the dispute flares again.
    w.engine
        .apply(
            &md,
            &code,
            Operation::Reopen {
                reason: "又起争执".into(),
            },
            at(2025, 7, 1),
        )
        .unwrap();
    let s = status(&w, &code, at(2025, 7, 1));
    assert_eq!(
        (s.phase, s.standing),
        (Some(Phase::Handle), Standing::OnTime)
    );
    assert!(s.red_on.unwrap() > date("2025-07-01"));
    assert!(s.legal.is_empty(), "{:?}", s.legal);
    // What March achieved is still counted for March.
    let after = w
        .engine
        .reader(&centre, at(2025, 7, 2))
        .and_then(|r| r.statistics(&march))
        .unwrap()
        .total
        .counts;
    assert_eq!((after.succeeded, after.agreement_yuan), (1, 800));
    let d = &w.engine.case(&code).unwrap().dispute;
    assert_eq!(d.previous.len(), 1);
    assert_eq!(d.previous[0].state, State::Resolved);
    w.engine.verify(&code).unwrap();
}

#[test]
fn a_confirmed_agreement_is_enforced_not_mediated_again_art_33() {
    let mut w = World::small();
    let court = w.court();
    let code = registered(&mut w, Category::Neighbour, at(2025, 3, 3));
    let md = w.handler(&code);
    accept(&mut w, &code, at(2025, 3, 3));
    resolve(&mut w, &code, "2025-03-05", at(2025, 3, 5));
    let applicants = w.parties(&code);
    w.engine
        .apply(
            &md,
            &code,
            Operation::ApplyConfirmation {
                applied_on: date("2025-03-06"),
                applicants,
            },
            at(2025, 3, 6),
        )
        .unwrap();
    for op in [
        Operation::AcceptConfirmation {
            accepted_on: date("2025-03-07"),
        },
        Operation::GrantConfirmation {
            decided_on: date("2025-03-10"),
        },
    ] {
        w.engine.apply(&court, &code, op, at(2025, 3, 10)).unwrap();
    }
    let r = w.engine.apply(
        &md,
        &code,
        Operation::Reopen {
            reason: "不履行".into(),
        },
        at(2025, 6, 1),
    );
    assert!(
        matches!(r, Err(EngineError::Lifecycle(ref l)) if l.refusal == Refusal::Law && l.message.contains("强制执行")),
        "{r:?}"
    );
    let c = w
        .engine
        .reader(&w.street_centre(), at(2025, 6, 1))
        .and_then(|r| r.statistics(&Query::default()))
        .unwrap()
        .total
        .counts;
    assert_eq!((c.succeeded, c.confirmed), (1, 1));
}

#[test]
fn a_violence_risk_found_during_mediation_calls_in_the_police_art_25() {
    // 人民调解法 art. 25: a dispute likely to turn violent is reported to the police. Found
    // during mediation, it is recorded by a reassessment, and the case is routed again.
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 5, 6));
    let md = w.handler(&code);
    accept(&mut w, &code, at(2025, 5, 6));
    w.engine
        .apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    let police = |w: &World| {
        w.engine
            .case(&code)
            .unwrap()
            .dispute
            .routing
            .as_ref()
            .unwrap()
            .agencies
            .iter()
            .any(|a| a.kind == fengqiao::agency::AgencyKind::Police)
    };
    assert!(!police(&w));
    let nothing = w.engine.apply(
        &md,
        &code,
        Operation::Reassess {
            urgency: None,
            risk: None,
            add_flags: Flags::EMPTY,
            remove_flags: Flags::EMPTY,
            reason: "复查".into(),
        },
        at(2025, 5, 8),
    );
    assert!(nothing.unwrap_err().to_string().contains("changes nothing"));
    let d = w
        .engine
        .apply(
            &md,
            &code,
            Operation::Reassess {
                urgency: None,
                risk: Some(RiskColour::Orange),
                add_flags: Flags::EMPTY.with(Flag::ViolenceRisk),
                remove_flags: Flags::EMPTY,
                reason: "一方扬言报复".into(),
            },
            at(2025, 5, 8),
        )
        .unwrap();
    assert!(d.input.flags.has(Flag::ViolenceRisk));
    assert!(police(&w));
    let events = &w.engine.case(&code).unwrap().events;
    let kinds: Vec<_> = events.iter().rev().take(2).map(|e| e.op.kind()).collect();
    assert_eq!(kinds, [OperationKind::Route, OperationKind::Reassess]);
    w.engine.verify(&code).unwrap();
}

#[test]
fn who_acts_on_a_routed_case_follows_its_team() {
    // A mediator of the same community who is not on the team may read the case but not
    // handle it; the team's mediator, the community's centre and the street above may.
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 5, 6));
    let on_team = w.handler(&code);
    let other = [
        w.mediator(0),
        Actor::Staff(fengqiao_synth::ids::mediator(w.places.communities[0], 2)),
    ]
    .into_iter()
    .find(|m| *m != on_team)
    .unwrap();
    let accept_by = |w: &mut World, who: &Actor| {
        w.engine
            .apply(
                who,
                &code,
                Operation::Accept {
                    note: String::new(),
                },
                at(2025, 5, 6),
            )
            .map(|_| ())
    };
    let r = accept_by(&mut w, &other);
    assert!(
        matches!(r, Err(EngineError::Denied { ref reason, .. }) if reason.contains("team")),
        "{r:?}"
    );
    assert!(
        w.engine
            .reader(&other, at(2025, 5, 6))
            .and_then(|r| r.case(&code))
            .is_ok(),
        "still reads it"
    );
    let street = w.street_centre();
    assert!(accept_by(&mut w, &street).is_ok());
    // `decide` on a routed case is the decision applied, whatever the rules say today.
    let applied = w
        .engine
        .case(&code)
        .unwrap()
        .dispute
        .routing
        .clone()
        .unwrap();
    // The recorded decision carries no rule text (issue 37: slim events); `decide`
    // rebuilds it from the rule set version the decision names.
    assert!(applied.explanation.rules.is_empty());
    let decided = w.engine.decide(&code).unwrap();
    let ids: Vec<&str> = decided
        .explanation
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, applied.matched);
    assert!(decided
        .explanation
        .rules
        .iter()
        .all(|r| !r.description.is_empty()));
    // Nor the chosen candidates, which are the team: each member keeps where its candidate
    // stood and its load, and `decide` puts them back where they were.
    assert!(applied
        .explanation
        .candidates
        .iter()
        .all(|c| !matches!(c.verdict, fengqiao::routing::Verdict::Chosen { .. })));
    assert!(applied.team.iter().all(|m| m.chosen.is_some()));
    let chosen: Vec<&str> = decided
        .explanation
        .candidates
        .iter()
        .filter(|c| matches!(c.verdict, fengqiao::routing::Verdict::Chosen { .. }))
        .map(|c| c.staff.as_str())
        .collect();
    let team: Vec<&str> = decided.team.iter().map(|m| m.staff.as_str()).collect();
    assert_eq!(chosen, team);
    assert!(decided.team.iter().all(|m| m.chosen.is_none()));
    assert_eq!(decided.recorded(), *applied);
}

#[test]
fn an_agreement_amount_cannot_overflow_the_sums() {
    // Two agreements of 2^64 − 1 yuan would wrap a sum; no agreement is worth more than a
    // trillion yuan, so such an amount is refused as a unit mistake or garbage.
    let mut w = World::small();
    let code = registered(&mut w, Category::Contract, at(2025, 5, 6));
    let md = w.handler(&code);
    accept(&mut w, &code, at(2025, 5, 6));
    w.engine
        .apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    let r = w.engine.apply(
        &md,
        &code,
        Operation::Resolve {
            agreement: written_agreement("2025-05-07", u64::MAX),
        },
        at(2025, 5, 7),
    );
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("amount_yuan") && e.contains("1000000000000"),
        "{e}"
    );
    assert_eq!(
        w.engine.case(&code).unwrap().dispute.state,
        State::Mediating
    );
}
