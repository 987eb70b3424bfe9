//! Statistics, cadence, jurisdiction and what-if: what the operations issue asks to see.

mod common;

use common::*;
use fengqiao::cadence::ZeroReport;
use fengqiao::prelude::*;
use fengqiao::stats::{Lang, Period, Query};
use fengqiao::whatif::HistoricalDispute;
use fengqiao_synth::Rng;

/// Five cases with known ends, in community A (grids 0, 1) and B (grid 2):
/// 1 resolved and confirmed, 2 stabilised, 3 resolved then closed, 4 terminated and referred,
/// 5 registered only (and left to go red).
fn five_cases(w: &mut World) -> Vec<CaseCode> {
    let md_a = w.community_centre(0); // acts on every case of A (the mediators split them)
    let md_b = w.community_centre(1);
    let centre = w.street_centre();
    let court = w.court();
    let persons = w.places.persons.clone();
    let p_b = persons[persons.len() - 1].clone();
    let mut codes = Vec::new();
    let specs: [(Category, &str, Actor); 5] = [
        (Category::Neighbour, "p0-0", md_a.clone()),
        (Category::MarriageFamily, "p2-0", md_a.clone()),
        (Category::Labour, "p4-0", md_a.clone()),
        (Category::Labour, p_b.as_str(), md_b.clone()),
        (Category::Other, "p1-0", md_a.clone()),
    ];
    for (i, (cat, who, _)) in specs.iter().enumerate() {
        let d = w.dispute(*cat, &[who], at(2025, 3, 3));
        codes.push(
            w.engine
                .register(&centre, d, at(2025, 3, 3 + i as u32))
                .unwrap(),
        );
    }
    let e = &mut w.engine;
    let t = |d| at(2025, 3, d);
    for (i, code) in codes.iter().enumerate().take(4) {
        let md = &specs[i].2;
        e.route(&centre, code, t(10)).unwrap();
        e.apply(
            md,
            code,
            Operation::Accept {
                note: String::new(),
            },
            t(10),
        )
        .unwrap();
    }
    // 1: resolved, confirmed.
    e.apply(&md_a, &codes[0], session(Method::FaceToFace), t(11))
        .unwrap();
    e.apply(
        &md_a,
        &codes[0],
        Operation::Resolve {
            agreement: written_agreement("2025-03-11", 1200),
        },
        t(11),
    )
    .unwrap();
    e.apply(
        &md_a,
        &codes[0],
        Operation::ApplyConfirmation {
            applied_on: date("2025-03-12"),
            applicants: vec![Party::Person("p0-0".into())],
        },
        t(12),
    )
    .unwrap();
    e.apply(
        &court,
        &codes[0],
        Operation::AcceptConfirmation {
            accepted_on: date("2025-03-13"),
        },
        t(13),
    )
    .unwrap();
    e.apply(
        &court,
        &codes[0],
        Operation::GrantConfirmation {
            decided_on: date("2025-03-14"),
        },
        t(14),
    )
    .unwrap();
    // 2: stabilised without a session.
    e.apply(
        &md_a,
        &codes[1],
        Operation::Stabilise {
            plan: "watch".into(),
            next_review: date("2025-12-01"),
        },
        t(12),
    )
    .unwrap();
    // 3: resolved and closed.
    e.apply(&md_a, &codes[2], session(Method::Joint), t(12))
        .unwrap();
    e.apply(
        &md_a,
        &codes[2],
        Operation::Resolve {
            agreement: written_agreement("2025-03-12", 800),
        },
        t(12),
    )
    .unwrap();
    e.apply(
        &md_a,
        &codes[2],
        Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        t(13),
    )
    .unwrap();
    e.apply(
        &md_a,
        &codes[2],
        Operation::Close {
            summary: String::new(),
        },
        t(13),
    )
    .unwrap();
    // 4: a session, terminated, referred.
    e.apply(&md_b, &codes[3], session(Method::FaceToFace), t(12))
        .unwrap();
    e.apply(
        &md_b,
        &codes[3],
        Operation::Terminate {
            reason: "no".into(),
            routes: vec![OtherRoute::Arbitration],
        },
        t(13),
    )
    .unwrap();
    e.apply(
        &md_b,
        &codes[3],
        Operation::Refer {
            to: ReferralTarget::LabourArbitration,
            note: String::new(),
        },
        t(13),
    )
    .unwrap();
    codes
}

#[test]
fn counts_and_rates_on_a_hand_checked_set() {
    let mut w = World::small();
    five_cases(&mut w);
    let centre = w.street_centre();
    let r = w
        .engine
        .reader(&centre, at(2025, 6, 30))
        .and_then(|r| r.statistics(&Query::default()))
        .unwrap();
    let c = r.total.counts;
    assert_eq!(c.screened, 5);
    assert_eq!(c.accepted, 4);
    assert_eq!(c.mediated, 3);
    assert_eq!(c.succeeded, 2);
    assert_eq!(c.stabilised, 1);
    assert_eq!(c.referred, 1);
    assert_eq!(c.confirmed, 1);
    assert_eq!(c.closed, 1);
    assert_eq!(c.agreement_yuan, 2000);
    // Case 5 was never accepted: red by June. Case 2 (stabilised) and 4 (referred) have no
    // verification yet: red on the verify limit. Case 1 (resolved, unverified) too.
    assert_eq!(c.overdue_red, 4);
    let rates = r.total.rates;
    assert!((rates.success - 2.0 / 3.0).abs() < 1e-9);
    assert!((rates.coverage - 3.0 / 5.0).abs() < 1e-9);
    // Three cases concluded (办结: two resolved, one referred), all within their handling
    // limits; the stabilised case is not a conclusion.
    assert_eq!((c.results, c.results_on_time), (3, 3));
    assert!((rates.on_time - 1.0).abs() < 1e-9);
    assert_eq!(c.kept_in_community, 5);

    // By community: A has 4, B has 1; the rows sum to the total.
    let q = Query {
        by_level: Some(Level::Community),
        ..Query::default()
    };
    let r = w
        .engine
        .reader(&centre, at(2025, 6, 30))
        .and_then(|r| r.statistics(&q))
        .unwrap();
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0].unit, Some(w.places.communities[0]));
    assert_eq!(r.rows[0].counts.screened, 4);
    assert_eq!(r.rows[1].counts.screened, 1);
    assert_eq!(r.rows.iter().map(|x| x.counts.succeeded).sum::<u64>(), 2);

    // By category and month.
    let q = Query {
        by_category: true,
        by_period: Some(Period::Month),
        ..Query::default()
    };
    let r = w
        .engine
        .reader(&centre, at(2025, 6, 30))
        .and_then(|r| r.statistics(&q))
        .unwrap();
    let labour = r
        .rows
        .iter()
        .find(|x| x.category == Some(Category::Labour))
        .unwrap();
    assert_eq!(labour.counts.screened, 2);
    assert_eq!(labour.period.as_deref(), Some("2025-03"));
    let table = r.to_table(Lang::Both);
    assert!(table.contains("劳动争议/labour"), "{table}");
    assert!(table.contains("合计/total"));
    // Aligned by display width (a Chinese character takes two cells): every line but the
    // rule under the head ends in the same terminal column (issue 31: the rows were
    // shifted against their head).
    assert_aligned(&table);

    // A date range that excludes everything.
    let q = Query {
        from: Some(date("2025-04-01")),
        ..Query::default()
    };
    assert_eq!(
        w.engine
            .reader(&centre, at(2025, 6, 30))
            .and_then(|r| r.statistics(&q))
            .unwrap()
            .total
            .counts
            .screened,
        0
    );
}

#[test]
fn statistics_only_count_what_the_actor_may_see() {
    let mut w = World::small();
    five_cases(&mut w);
    // Community B's mediator sees only case 4.
    let r = w
        .engine
        .reader(&w.mediator(1), at(2025, 6, 30))
        .and_then(|r| r.statistics(&Query::default()))
        .unwrap();
    assert_eq!(r.total.counts.screened, 1);
    // Asking for another area is refused.
    let q = Query {
        within: Some(w.places.communities[0]),
        ..Query::default()
    };
    assert_eq!(
        w.engine
            .reader(&w.mediator(1), at(2025, 6, 30))
            .and_then(|r| r.statistics(&q))
            .unwrap_err()
            .code(),
        ErrorCode::Denied
    );
}

#[test]
fn missing_zero_reports_skip_rest_days_and_count_streaks() {
    let mut w = World::small();
    let head = ids::household_head(w.places.groups[0]);
    let gw = ids::grid_worker(w.places.grids[0]);
    let community = w.places.communities[0];
    // The head reports on Thu 2025-09-25 and then not again; National Day is 1–8 October,
    // with Sun 28 Sep and Sat 11 Oct working days (调休).
    w.engine
        .file_report(
            &Actor::Staff(head.clone()),
            ZeroReport {
                date: date("2025-09-25"),
                disputes: vec![],
                note: String::new(),
            },
        )
        .unwrap();
    w.engine
        .file_report(
            &Actor::Staff(gw.clone()),
            ZeroReport {
                date: date("2025-10-09"),
                disputes: vec![],
                note: String::new(),
            },
        )
        .unwrap();
    // On a holiday nobody is missing.
    let system = w.engine.reader(&Actor::System, at(2025, 10, 9)).unwrap();
    assert!(system
        .missing_reports(community, date("2025-10-03"))
        .unwrap()
        .is_empty());
    let missing = system
        .missing_reports(community, date("2025-10-09"))
        .unwrap();
    let h = missing.iter().find(|m| m.staff == head).unwrap();
    // Missed: Fri 26, Sun 28 (调休), Mon 29, Tue 30 Sep, Thu 9 Oct = 5 working days.
    assert_eq!(h.streak, 5);
    assert!(
        missing.iter().all(|m| m.staff != gw),
        "the grid worker reported"
    );
    // Only reporters of the subtree are listed, and only heads and grid workers report.
    assert!(missing
        .iter()
        .all(|m| m.unit.to_string().starts_with(&community.to_string())));
    let err = w.engine.file_report(
        &w.mediator(0),
        ZeroReport {
            date: date("2025-10-09"),
            disputes: vec![],
            note: String::new(),
        },
    );
    assert!(matches!(err, Err(EngineError::NotAReporter { .. })));
}

#[test]
fn daily_analysis_ranks_by_risk_with_reasons() {
    let mut w = World::small();
    let centre = w.street_centre();
    let mk = |w: &World, risk: RiskColour, urgency: Urgency, flags: Flags, who: &str| {
        let mut d = w.dispute(Category::Neighbour, &[who], at(2025, 9, 1));
        d.risk = risk;
        d.urgency = urgency;
        d.flags = flags;
        d
    };
    let low = mk(&w, RiskColour::Blue, Urgency::Low, Flags::EMPTY, "p0-0");
    let mid = mk(
        &w,
        RiskColour::Orange,
        Urgency::Medium,
        Flags::EMPTY,
        "p1-0",
    );
    let high = mk(
        &w,
        RiskColour::Orange,
        Urgency::Medium,
        Flags::EMPTY.with(Flag::ViolenceRisk),
        "p2-0",
    );
    let a = w.engine.register(&centre, low, at(2025, 9, 1)).unwrap();
    let b = w.engine.register(&centre, mid, at(2025, 9, 1)).unwrap();
    let c = w.engine.register(&centre, high, at(2025, 9, 1)).unwrap();
    let ranked = w
        .engine
        .reader(&centre, at(2025, 9, 1))
        .and_then(|r| r.daily_analysis(w.places.streets[0]))
        .unwrap();
    let order: Vec<_> = ranked.iter().map(|r| r.case.clone()).collect();
    assert_eq!(order, vec![c.clone(), b, a]);
    assert!(ranked[0]
        .reasons
        .iter()
        .any(|r| r.starts_with("violence risk")));
    assert!(ranked[0].score > ranked[1].score && ranked[1].score > ranked[2].score);
}

#[test]
fn weekly_dispatch_counts_the_week_from_the_traces() {
    let mut w = World::small();
    five_cases(&mut w);
    let centre = w.street_centre();
    // Week of Mon 10 March 2025: 1 resolved on 11th, 1 resolved on 12th, 1 stabilised.
    let reader = w.engine.reader(&centre, at(2025, 3, 14)).unwrap();
    let rows = reader
        .weekly_dispatch(w.places.streets[0], Level::Community, date("2025-03-12"))
        .unwrap();
    let a = rows
        .iter()
        .find(|r| r.unit == Some(w.places.communities[0]))
        .unwrap();
    assert_eq!((a.new, a.resolved, a.stabilised), (0, 2, 1));
    let rows = reader
        .weekly_dispatch(w.places.streets[0], Level::Community, date("2025-03-05"))
        .unwrap();
    let total_new: u32 = rows.iter().map(|r| r.new).sum();
    assert_eq!(total_new, 5);
}

#[test]
fn jurisdiction_rules_hold() {
    let mut w = World::small();
    let codes = five_cases(&mut w);
    let t = at(2025, 6, 1);
    let e = &w.engine;
    let b_case = &codes[3];
    // Staff: their subtree only.
    assert!(e
        .reader(&w.mediator(1), t)
        .and_then(|r| r.case(b_case))
        .is_ok());
    assert!(e
        .reader(&w.mediator(0), t)
        .and_then(|r| r.case(b_case))
        .is_err());
    // The street sees both communities.
    assert!(e
        .reader(&w.street_centre(), t)
        .and_then(|r| r.case(b_case))
        .is_ok());
    // A team member from outside the area (the street's counsel is on community teams).
    let counsel_on_team = e
        .case(&codes[0])
        .unwrap()
        .dispute
        .routing
        .as_ref()
        .unwrap()
        .team
        .iter()
        .any(|m| m.staff.starts_with("lc-"));
    assert!(counsel_on_team);
    // Agencies: the county court sees the county; a street's police station only its street.
    assert!(e.reader(&w.court(), t).and_then(|r| r.case(b_case)).is_ok());
    let police = Actor::Agency(ids::agency(
        fengqiao::agency::AgencyKind::Police,
        w.places.streets[0],
    ));
    assert!(e.reader(&police, t).and_then(|r| r.case(b_case)).is_ok());
    // Unknown actors are refused before anything else.
    assert_eq!(
        e.reader(&Actor::Staff("nobody".into()), t)
            .and_then(|r| r.case(b_case))
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

/// Random actors against random cases: nobody ever reads or acts outside their remit.
#[test]
fn randomized_jurisdiction() {
    let mut w = World::small();
    let mut rng = Rng::new(9);
    let centre = w.street_centre();
    let persons = w.places.persons.clone();
    let mut codes = Vec::new();
    for i in 0..30 {
        let who = rng.pick(&persons).clone();
        let d = w.dispute(*rng.pick(Category::ALL), &[&who], at(2025, 4, 1));
        let code = w.engine.register(&centre, d, at(2025, 4, 1)).unwrap();
        if i % 2 == 0 {
            w.engine.route(&centre, &code, at(2025, 4, 1)).unwrap();
        }
        codes.push(code);
    }
    let actors: Vec<Actor> = w
        .engine
        .all_staff()
        .iter()
        .map(|s| Actor::Staff(s.id.clone()))
        .chain(
            w.engine
                .agencies()
                .iter()
                .map(|a| Actor::Agency(a.id.clone())),
        )
        .collect();
    for _ in 0..400 {
        let actor = rng.pick(&actors).clone();
        let code = rng.pick(&codes).clone();
        let d = w.engine.case(&code).unwrap().dispute.clone();
        let unit = w.engine.actor_unit(&actor).unwrap();
        let h = w.engine.hierarchy();
        let covers: Vec<DivisionCode> = match &actor {
            Actor::Staff(id) => w.engine.staff(id).unwrap().covers.clone(),
            _ => vec![],
        };
        let in_area = std::iter::once(unit).chain(covers).any(|u| {
            h.is_within(d.input.location, u).unwrap() || h.is_within(d.handling_unit, u).unwrap()
        });
        let joined = d.routing.as_ref().is_some_and(|r| {
            r.team
                .iter()
                .any(|m| Actor::Staff(m.staff.clone()) == actor)
                || r.agencies.iter().any(|a| {
                    a.agency.as_ref().map(|x| Actor::Agency(x.clone())) == Some(actor.clone())
                })
        });
        let allowed = in_area || joined;
        let before = w.engine.case(&code).unwrap().events.len();
        let seen = w
            .engine
            .reader(&actor, at(2025, 4, 2))
            .and_then(|r| r.case(&code))
            .is_ok();
        assert_eq!(seen, allowed, "{actor} on {code}");
        let acted = w.engine.apply(
            &actor,
            &code,
            Operation::MarkHistoric {
                note: String::new(),
            },
            at(2025, 4, 2),
        );
        if !allowed {
            assert_eq!(acted.unwrap_err().code(), ErrorCode::Denied);
            assert_eq!(w.engine.case(&code).unwrap().events.len(), before);
        }
    }
}

#[test]
fn what_if_moves_a_known_set_of_disputes() {
    let w = World::small();
    let mut history = Vec::new();
    for (i, cat) in [
        Category::Labour,
        Category::Labour,
        Category::Neighbour,
        Category::Consumer,
    ]
    .iter()
    .enumerate()
    {
        let who = format!("p{i}-0");
        let mut input = w.dispute(*cat, &[&who], at(2025, 3, 3));
        input.urgency = Urgency::Medium;
        history.push(HistoricalDispute {
            id: format!("h{i}"),
            input,
            registered_at: at(2025, 3, 3),
            result_at: Some(at(2025, 3, 20)),
        });
    }
    let a = w.engine.router().rule_set().clone();
    let mut b = a.clone();
    b.version = "labour-to-street".into();
    let rule = b
        .rules
        .iter_mut()
        .find(|r| r.id == "labour-window")
        .unwrap();
    rule.then.level = Some(Level::Street);
    let cmp = w.engine.what_if(&history, a, b).unwrap();
    let moved: Vec<_> = cmp.changed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(moved, ["h0", "h1"]);
    assert_eq!(cmp.a.levels.get(&Level::Community), Some(&4));
    assert_eq!(cmp.b.levels.get(&Level::Street), Some(&2));
    assert!((cmp.a.community_rate - 1.0).abs() < 1e-9);
    assert!((cmp.b.community_rate - 0.5).abs() < 1e-9);
    assert!(cmp.changed[0]
        .b
        .explanation
        .rules
        .iter()
        .any(|r| r.id == "labour-window"));
    // Labour's red limit is 10 working days; 3 → 20 March is 13: both labour disputes red.
    assert_eq!(cmp.a.predicted_red, 2);
    assert!(cmp.a.load_fairness > 0.0 && cmp.a.load_fairness <= 1.0);
    // A broken rule set B is refused with its diagnostics.
    let mut bad = w.engine.router().rule_set().clone();
    bad.rules[0].id = String::new();
    let err = w
        .engine
        .what_if(&history, w.engine.router().rule_set().clone(), bad)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RuleSet);
}
