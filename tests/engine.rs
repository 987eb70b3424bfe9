//! The engine through its public API on the small synthetic world: registration, routing,
//! operations, sweeps, jurisdiction.

use chrono::{DateTime, TimeZone, Utc};

use fengqiao::deadline::{Phase, Standing};
use fengqiao::dispute::Party;
use fengqiao::dispute::{Category, Channel, DisputeInput, Flag, Flags, RiskColour, Urgency};
use fengqiao::engine::*;
use fengqiao::hierarchy::Level;
use fengqiao::lifecycle::{Operation, State};
use fengqiao::routing::Verdict;
use fengqiao::trace::Actor;
use fengqiao_synth::{ids, world, Places, Spec};

/// 09:00 China time on a date.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

fn setup() -> (Engine, Places) {
    world(&Spec::small()).unwrap()
}

fn input(places: &Places, category: Category, parties: &[&str]) -> DisputeInput {
    let first = parties[0];
    let household = places.households[places.persons.iter().position(|p| p == first).unwrap() / 2];
    DisputeInput {
        category,
        subtype: None,
        channel: Channel::HouseholdVisit,
        parties: parties
            .iter()
            .map(|p| Party::Person(p.to_string()))
            .collect(),
        headcount: 0,
        location: household,
        urgency: Urgency::Medium,
        risk: RiskColour::Yellow,
        amount_yuan: None,
        flags: Flags::EMPTY,
        description: "test".into(),
        discovered_at: at(2025, 9, 24),
        assigned_by: None,
        external: None,
        idempotency_key: None,
    }
}

fn gw(places: &Places, i: usize) -> Actor {
    ids::grid_worker_actor(places.grids[i])
}

fn centre(places: &Places) -> Actor {
    Actor::Staff(ids::centre_staff(places.streets[0]))
}

#[test]
fn register_assigns_a_readable_case_code_and_starts_the_trace() {
    let (mut e, p) = setup();
    let d = input(&p, Category::Neighbour, &["p0-0", "p1-0"]);
    let c1 = e.register(&gw(&p, 0), d.clone(), at(2025, 9, 25)).unwrap();
    let c2 = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap();
    assert_eq!(c1.as_str(), format!("{}-20250925-0001", p.households[0]));
    assert_eq!(c2.as_str(), format!("{}-20250925-0002", p.households[0]));
    let case = e.case(&c1).unwrap();
    assert_eq!(case.events.len(), 1);
    assert_eq!(case.dispute.state, State::Registered);
    e.verify(&c1).unwrap();
}

#[test]
fn a_neighbour_dispute_gets_the_professional_team_in_its_community() {
    let (mut e, p) = setup();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0", "p1-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    let d = e.route(&centre(&p), &code, at(2025, 9, 25)).unwrap();
    assert_eq!(d.level, Level::Community);
    assert_eq!(d.unit, p.communities[0]);
    let roles: Vec<Role> = d.team.iter().map(|m| m.role).collect();
    use fengqiao::staff::Role;
    assert_eq!(
        roles,
        [
            Role::GridWorker,
            Role::HouseholdHead,
            Role::Mediator,
            Role::LegalLiterate,
            Role::LegalCounsel
        ]
    );
    assert!(d.unfilled.is_empty());
    assert!(d.matched.contains(&"professional-team".to_string()));
    assert!(d.offer_confirmation);
    // The chosen are now loaded; a second dispute gets the other mediator.
    let code2 = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p2-0", "p3-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    let d2 = e.route(&centre(&p), &code2, at(2025, 9, 25)).unwrap();
    let med = |d: &fengqiao::routing::Decision| {
        d.team
            .iter()
            .find(|m| m.role == Role::Mediator)
            .unwrap()
            .staff
            .clone()
    };
    assert_ne!(med(&d), med(&d2));
    assert!(d2
        .explanation
        .candidates
        .iter()
        .any(|c| c.staff == med(&d) && matches!(c.verdict, Verdict::MoreLoaded { load: 1 })));
    assert_eq!(e.case(&code).unwrap().events.len(), 2);
}

#[test]
fn recusal_passes_over_staff_in_a_party_household() {
    let (mut e, p) = setup();
    // Make the first mediator of community A a resident of household 0 (a party's).
    let c = p.communities[0];
    let mut staff = e.staff(&ids::mediator(c, 1)).unwrap().clone();
    staff.id = "md-relative".into();
    staff.person = Some("p0-1".into());
    e.add_staff(staff).unwrap();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0", "p1-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    let d = e.decide(&code).unwrap();
    let cand = d
        .explanation
        .candidates
        .iter()
        .find(|c| c.staff == "md-relative")
        .unwrap();
    assert!(matches!(&cand.verdict, Verdict::Recused { reason } if reason.contains("household")));
    assert!(d.team.iter().all(|m| m.staff != "md-relative"));
}

#[test]
fn a_role_nobody_can_fill_is_reported_not_dropped() {
    let (mut e, p) = setup();
    let c = p.communities[0];
    e.set_available(&ids::legal_literate(c, 1), false).unwrap();
    e.set_available(&ids::legal_literate(c, 2), false).unwrap();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Labour, &["p0-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    let d = e.decide(&code).unwrap();
    assert_eq!(d.unfilled.len(), 1);
    assert_eq!(d.unfilled[0].role, fengqiao::staff::Role::LegalLiterate);
    assert!(d
        .explanation
        .candidates
        .iter()
        .any(|x| x.staff == ids::legal_literate(c, 1) && x.verdict == Verdict::Unavailable));
}

#[test]
fn cross_community_disputes_are_decided_where_the_parties_meet() {
    let (mut e, p) = setup();
    // p0-0 lives in community A, the last person in community B.
    let other = p.persons.last().unwrap().clone();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0", &other]),
            at(2025, 9, 25),
        )
        .unwrap();
    let d = e.decide(&code).unwrap();
    assert_eq!(d.deciding_unit, p.streets[0]);
    assert_eq!(d.unit, p.streets[0]);
    assert_eq!(d.level, Level::Street);
    assert!(d.explanation.notes.iter().any(|n| n.contains("meet")));
}

#[test]
fn deadlines_count_working_days_across_national_day() {
    let (mut e, p) = setup();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    e.route(&centre(&p), &code, at(2025, 9, 25)).unwrap();
    // Accept limit (defaults): yellow 1, red 2 working days from Thu 25 Sep: Fri 26, Sun 28 (调休).
    let s = e.deadlines(at(2025, 9, 27)).unwrap();
    let st = &s[0];
    assert_eq!(st.phase, Some(Phase::Accept));
    assert_eq!(st.yellow_on, Some("2025-09-26".parse().unwrap()));
    assert_eq!(st.red_on, Some("2025-09-28".parse().unwrap()));
    assert_eq!(st.standing, Standing::Yellow);
    e.apply(
        &centre(&p),
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 9, 29),
    )
    .unwrap();
    // Handle limit: yellow 15 working days from Mon 29 Sep: 30 Sep, then 1–8 Oct off,
    // 9, 10, Sat 11 (调休), 13–17, 20–24, and the 15th on Mon 27 Oct.
    let s = e.deadlines(at(2025, 10, 9)).unwrap();
    assert_eq!(s[0].phase, Some(Phase::Handle));
    assert_eq!(s[0].yellow_on, Some("2025-10-27".parse().unwrap()));
    assert_eq!(s[0].standing, Standing::OnTime);
}

#[test]
fn the_sweep_escalates_overdue_cases_through_the_lifecycle() {
    let (mut e, p) = setup();
    let mut d = input(&p, Category::Neighbour, &["p0-0"]);
    d.discovered_at = at(2025, 3, 1);
    let code = e.register(&gw(&p, 0), d, at(2025, 3, 3)).unwrap();
    e.route(&centre(&p), &code, at(2025, 3, 3)).unwrap();
    e.apply(
        &centre(&p),
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at(2025, 3, 3),
    )
    .unwrap();
    let s = e.sweep(at(2025, 5, 30)).unwrap();
    assert_eq!(s.statuses[0].standing, Standing::Red);
    assert_eq!(s.escalated, vec![(code.clone(), p.streets[0])]);
    let case = e.case(&code).unwrap();
    assert_eq!(case.dispute.handling_unit, p.streets[0]);
    assert_eq!(case.dispute.escalations, 1);
    let last = case.events.last().unwrap();
    assert_eq!(last.actor, Actor::System);
    assert!(matches!(last.op, Operation::ReportUp { .. }));
    // A second sweep does not escalate again: the case is at the target level.
    assert!(e.sweep(at(2025, 5, 30)).unwrap().escalated.is_empty());
    e.verify(&code).unwrap();
}

#[test]
fn large_group_disputes_skip_levels_at_once() {
    let (mut e, p) = setup();
    let mut d = input(&p, Category::Labour, &["p0-0"]);
    d.headcount = 180;
    let code = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap();
    let decision = e.route(&centre(&p), &code, at(2025, 9, 25)).unwrap();
    assert_eq!(decision.level, Level::Street);
    let case = e.case(&code).unwrap();
    assert_eq!(case.dispute.handling_unit, p.county.unwrap());
    assert_eq!(case.events.len(), 3);
    assert_eq!(
        case.dispute.supervision,
        Some(fengqiao::routing::Grade::YellowCard)
    );
}

#[test]
fn major_disputes_engage_the_joint_mechanism() {
    let (mut e, p) = setup();
    let mut d = input(&p, Category::Labour, &["p0-0", "p1-0"]);
    d.flags = Flags::EMPTY.with(Flag::Major);
    let code = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap();
    let decision = e.decide(&code).unwrap();
    assert!(decision.is_joint());
    let kinds: Vec<_> = decision.agencies.iter().map(|a| a.kind).collect();
    assert!(
        kinds.contains(&fengqiao::agency::AgencyKind::Labour),
        "+N for labour: {kinds:?}"
    );
    assert!(decision.agencies.iter().all(|a| a.agency.is_some()));
}

#[test]
fn retiring_a_unit_in_use_is_refused() {
    let (mut e, p) = setup();
    let err = e.retire_unit(p.grids[0]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Hierarchy);
    assert!(!e.hierarchy().unit(p.grids[0]).unwrap().retired);
}

#[test]
fn outsiders_are_denied_and_the_attempt_is_logged() {
    let (mut e, p) = setup();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    // The grid worker of community B's grid may not touch a case of community A.
    let outsider = gw(&p, 3);
    let err = e
        .apply(
            &outsider,
            &code,
            Operation::Expedite {
                note: String::new(),
            },
            at(2025, 9, 25),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Denied);
    assert!(e
        .reader(&outsider, at(2025, 9, 25))
        .and_then(|r| r.case(&code))
        .is_err());
    let log = e.denials();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].actor, outsider);
    assert_eq!(log[0].action, "expedite");
    assert_eq!(e.case(&code).unwrap().events.len(), 1);
    // Registering outside one's area is refused too.
    let err = e.register(
        &outsider,
        input(&p, Category::Neighbour, &["p0-0"]),
        at(2025, 9, 25),
    );
    assert_eq!(err.unwrap_err().code(), ErrorCode::Denied);
}

#[test]
fn identifiers_are_masked_for_those_who_do_not_need_them() {
    let (mut e, p) = setup();
    let code = e
        .register(
            &gw(&p, 0),
            input(&p, Category::Neighbour, &["p0-0"]),
            at(2025, 9, 25),
        )
        .unwrap();
    let whole = e.person("p0-0").unwrap().id_number.clone().unwrap();
    let v = e
        .reader(&gw(&p, 0), at(2025, 9, 25))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert_eq!(
        v.parties[0].id_number.as_deref(),
        Some(whole.masked().as_str())
    );
    assert!(v.parties[0].phone.as_ref().unwrap().contains("****"));
    let v = e
        .reader(&centre(&p), at(2025, 9, 25))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert_eq!(v.parties[0].id_number.as_deref(), Some(whole.as_str()));
}

#[test]
fn bad_rule_sets_are_refused_and_change_nothing() {
    let (mut e, _) = setup();
    let before = e.router().rule_set().label();
    let mut set = e.router().rule_set().clone();
    set.version = "2".into();
    set.rules[0].then.level = Some(Level::Household);
    let err = e.load_rules(set).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RuleSet);
    assert!(err.details().to_string().contains("bad_level"));
    assert_eq!(e.router().rule_set().label(), before);
}

#[test]
fn statistics_follow_new_rules_and_a_new_calendar() {
    use fengqiao::routing::Limit;
    use fengqiao::stats::Query;
    let (mut e, p) = setup();
    // Registered, never accepted: the default accept limit (red after 2 working days).
    let mut d = input(&p, Category::Neighbour, &["p0-0"]);
    d.discovered_at = at(2025, 3, 1);
    e.register(&gw(&p, 0), d, at(2025, 3, 3)).unwrap();
    let red = |e: &Engine| {
        e.reader(&Actor::System, at(2025, 3, 12))
            .and_then(|r| r.statistics(&Query::default()))
            .unwrap()
            .total
            .counts
            .overdue_red
    };
    assert_eq!(red(&e), 1);
    let mut set = e.router().rule_set().clone();
    let mut defaults = set.defaults.deadlines.unwrap();
    defaults.accept = Some(Limit {
        yellow: 20,
        red: 30,
    });
    set.defaults.deadlines = Some(defaults);
    // The same version label with another body is refused: decided cases keep meaning
    // what they meant.
    assert!(matches!(
        e.load_rules(set.clone()),
        Err(EngineError::Duplicate(ref m)) if m.contains("raise its version")
    ));
    set.version = "2".into();
    e.load_rules(set).unwrap();
    assert_eq!(
        red(&e),
        0,
        "the longer default limit is in force at once for unrouted cases"
    );
    // A calendar without 2025: the limit's days are unknown, so nothing is counted overdue
    // (the sweep reports the missing year instead).
    let mut set = e.router().rule_set().clone();
    set.defaults.deadlines = Some(fengqiao::routing::Deadlines {
        accept: Some(Limit { yellow: 1, red: 2 }),
        ..defaults
    });
    set.version = "3".into();
    e.load_rules(set).unwrap();
    assert_eq!(red(&e), 1);
    e.set_calendar(fengqiao::calendar::Calendar::empty());
    assert_eq!(red(&e), 0);
}

/// Refusals a host branches on are variants, not message text.
#[test]
fn refusals_are_typed_variants_with_details() {
    let (mut e, p) = setup();
    let mut d = input(&p, Category::Neighbour, &["p0-0", "p1-0"]);
    d.parties.clear();
    assert_eq!(
        e.register(&gw(&p, 0), d, at(2025, 9, 25)),
        Err(EngineError::NoParties)
    );
    let mut d = input(&p, Category::Labour, &["p0-0"]);
    d.subtype = Some("unheard_of".into());
    let err = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap_err();
    assert!(
        matches!(err, EngineError::UndeclaredSubtype { ref subtype, .. } if subtype == "unheard_of")
    );
    assert_eq!(err.details()["problem"], "undeclared_subtype");
    let d = input(&p, Category::Neighbour, &["p0-0"]);
    let err = e.register(&gw(&p, 0), d, at(2025, 9, 20)).unwrap_err();
    assert!(matches!(err, EngineError::DiscoveredInFuture { .. }));
    let err = e
        .file_report(
            &Actor::System,
            fengqiao::cadence::ZeroReport {
                date: "2025-09-25".parse().unwrap(),
                disputes: vec![],
                note: String::new(),
            },
        )
        .unwrap_err();
    assert!(matches!(err, EngineError::NotAReporter { .. }));
    let mut person = e.person("p0-0").unwrap().clone();
    person.id = "elsewhere".into();
    person.household = p.grids[0];
    let err = e.add_person(person).unwrap_err();
    assert!(matches!(err, EngineError::NotAHousehold { unit, .. } if unit == p.grids[0]));
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let err = e.add_unit(fengqiao::hierarchy::Unit {
        code: p.grids[0],
        kind: fengqiao::hierarchy::UnitKind::Grid,
        name: "again".into(),
        retired: false,
    });
    let err = err.unwrap_err();
    assert_eq!(err.details()["problem"], "duplicate");
    assert_eq!(err.details()["code"], p.grids[0].to_string());
}

/// A routed case keeps the rule-set version that decided it: loading new rules changes
/// neither its deadlines nor its legal windows (issue: rule-set versions belong to cases).
#[test]
fn routed_cases_keep_the_rules_that_decided_them() {
    let (mut e, p) = setup();
    let d = input(&p, Category::Neighbour, &["p0-0", "p1-0"]);
    let code = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap();
    let decision = e.route(&Actor::System, &code, at(2025, 9, 25)).unwrap();
    let before = e.deadlines(at(2025, 10, 9)).unwrap();
    let mut set = e.router().rule_set().clone();
    set.version = "tighter".into();
    for r in &mut set.rules {
        r.then.deadlines = None;
    }
    set.defaults.deadlines = Some(fengqiao::routing::Deadlines {
        accept: Some(fengqiao::routing::Limit { yellow: 1, red: 1 }),
        handle: Some(fengqiao::routing::Limit { yellow: 1, red: 1 }),
        verify: Some(fengqiao::routing::Limit { yellow: 1, red: 1 }),
    });
    set.windows.mediation = fengqiao::period::Period::Days(1);
    e.load_rules(set).unwrap();
    assert_eq!(e.deadlines(at(2025, 10, 9)).unwrap(), before);
    assert_eq!(
        e.case(&code)
            .unwrap()
            .dispute
            .routing
            .as_ref()
            .unwrap()
            .rule_set,
        decision.rule_set
    );
    // A new case is decided under the new version.
    let d = input(&p, Category::Neighbour, &["p0-0", "p1-0"]);
    let code2 = e.register(&gw(&p, 0), d, at(2025, 9, 26)).unwrap();
    let d2 = e.route(&Actor::System, &code2, at(2025, 9, 26)).unwrap();
    assert!(d2.rule_set.ends_with("@tighter"));
}

/// A decision is made by the engine's rules, never supplied from outside: a forged `route`
/// naming a staff member who does not exist, or handing the case to another community, is
/// refused and changes nothing.
#[test]
fn a_forged_route_is_refused() {
    let (mut e, p) = setup();
    let d = input(&p, Category::Neighbour, &["p0-0"]);
    let code = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap();
    let mut forged = e.decide(&code).unwrap();
    forged.team[0].staff = "nobody".into();
    forged.unit = p.communities[1];
    let before = e.case(&code).unwrap().clone();
    let err = e
        .apply(
            &Actor::System,
            &code,
            Operation::Route {
                decision: std::sync::Arc::new(forged),
            },
            at(2025, 9, 25),
        )
        .unwrap_err();
    assert!(matches!(err, EngineError::NotSupplied { .. }));
    assert_eq!(e.case(&code).unwrap(), &before);
}

/// 一中心一张网十联户: a grid worker serves a grid, a household head a household group, and
/// nobody serves a household.
#[test]
fn staff_serve_where_their_role_serves() {
    let (mut e, p) = setup();
    let mut s = e.staff(&ids::grid_worker(p.grids[0])).unwrap().clone();
    s.id = "gw-on-a-household".into();
    s.unit = p.households[0];
    let err = e.add_staff(s).unwrap_err();
    assert!(matches!(err, EngineError::StaffPlacement { allowed, .. } if allowed == "a grid"));
    let mut s = e
        .staff(&ids::mediator(p.communities[0], 1))
        .unwrap()
        .clone();
    s.id = "md-on-a-grid".into();
    s.unit = p.grids[0];
    assert!(matches!(
        e.add_staff(s),
        Err(EngineError::StaffPlacement { .. })
    ));
}

/// Codes a host branches on: a unit that already exists is `duplicate` (as people and staff
/// are), and a unit that does not exist is `not_found` even for an actor whose area it would
/// be outside, and no denial is logged.
#[test]
fn duplicate_and_unknown_units_have_the_codes_of_people_and_staff() {
    let (mut e, p) = setup();
    let unit = e.hierarchy().unit(p.grids[0]).unwrap().clone();
    assert_eq!(e.add_unit(unit).unwrap_err().code(), ErrorCode::Duplicate);
    let mut d = input(&p, Category::Neighbour, &["p0-0"]);
    d.location = "522301001009".parse().unwrap();
    let err = e.register(&gw(&p, 0), d, at(2025, 9, 25)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(e.denials().is_empty());
}
