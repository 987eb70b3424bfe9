//! The shipped rules against the seed article and the statutes: where a dispute goes, who
//! joins, and that an escalation always goes up. Each test names its source.

mod common;

use common::*;
use fengqiao::agency::AgencyKind;
use fengqiao::prelude::*;
use fengqiao::routing::{DiagnosticCode, RuleSet, Severity};

fn route(w: &mut World, input: DisputeInput) -> (CaseCode, Decision) {
    let when = input.discovered_at;
    let code = w.engine.register(&w.grid_worker(0), input, when).unwrap();
    let d = w.engine.route(&Actor::System, &code, when).unwrap();
    (code, d)
}

fn joined(d: &Decision, k: AgencyKind) -> bool {
    d.agencies.iter().any(|a| a.kind == k)
}

#[test]
fn cross_region_goes_to_the_next_centre_up_from_where_the_parties_meet() {
    // seed: 涉及多部门、跨区域复杂矛盾纠纷,及时通过平台报上级综治中心处置; 大事不出街道.
    let mut w = World::small();
    // Two grids of community A: they meet in the community; the next centre up is the street.
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p6-0"], at(2025, 5, 6));
    input.flags.insert(Flag::CrossRegion);
    let (code, d) = route(&mut w, input);
    assert_eq!(d.unit, w.places.communities[0]);
    let case = w.engine.case(&code).unwrap();
    assert_eq!(case.dispute.handling_unit, w.places.streets[0]);
    assert_eq!(case.dispute.escalations, 1);
    // Two communities of the street: they meet in the street; the next centre is the county.
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p12-0"], at(2025, 5, 6));
    input.flags.insert(Flag::MultiDepartment);
    let (code, _) = route(&mut w, input);
    let case = w.engine.case(&code).unwrap();
    assert_eq!(Some(case.dispute.handling_unit), w.places.county);
}

#[test]
fn risk_colours_follow_the_practice() {
    // red: report up at once; orange: handle the same day; yellow: resolved on the spot.
    let mut w = World::small();
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 6));
    input.urgency = Urgency::Low;
    input.risk = RiskColour::Yellow;
    let (_, d) = route(&mut w, input.clone());
    assert_eq!(d.level, Level::Grid, "{:?}", d.matched);
    assert!(d.matched.iter().any(|r| r == "on-the-spot"));
    input.risk = RiskColour::Orange;
    let (code, d) = route(&mut w, input.clone());
    assert_eq!(d.deadlines.accept.unwrap().red, 0);
    let s = w.engine.deadlines(at(2025, 5, 6)).unwrap();
    let s = s.iter().find(|s| s.case == code).unwrap();
    assert_eq!(s.red_on, Some(date("2025-05-06")), "orange: the same day");
    input.risk = RiskColour::Red;
    let (_, d) = route(&mut w, input);
    assert_eq!(
        (d.level, d.deadlines.accept.unwrap().red),
        (Level::Street, 0)
    );
}

#[test]
fn the_plus_n_department_is_the_competent_one() {
    let mut w = World::small();
    let set = RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).unwrap();
    let sectors = &set.vocabulary.sectors;
    // 道路交通安全法 art. 74: accident compensation is mediated by the traffic police.
    assert_eq!(sectors.get(&Category::Traffic), Some(&AgencyKind::Police));
    // 宅基地 is the natural-resources (and agriculture) administration's, not housing's.
    assert_eq!(
        sectors.get(&Category::HousingHomestead),
        Some(&AgencyKind::Land)
    );
    // Nothing makes civil affairs the department of neighbour disputes.
    assert_eq!(sectors.get(&Category::Neighbour), None);
    // 劳动争议调解仲裁法 art. 7: ten or more workers with a common claim is collective, and
    // the labour department joins whatever the bucket.
    let mut input = w.dispute(Category::Labour, &["p0-0"], at(2025, 5, 6));
    input.headcount = 60;
    let (_, d) = route(&mut w, input.clone());
    assert!(joined(&d, AgencyKind::Labour), "{:?}", d.matched);
    input.headcount = 3;
    let (_, d) = route(&mut w, input);
    assert!(!joined(&d, AgencyKind::Labour));
}

#[test]
fn referrals_keep_the_referring_body_informed_and_the_court_period_caps_the_limit() {
    let mut w = World::small();
    let mut input = w.dispute(Category::Contract, &["p0-0", "p1-0"], at(2025, 5, 6));
    input.channel = Channel::ReferredByPolice;
    let (_, d) = route(&mut w, input.clone());
    assert!(
        joined(&d, AgencyKind::Police),
        "人民调解法 art. 18: {:?}",
        d.matched
    );
    // Court-referred: the court's 30 days from 2025-03-03 end on 04-02; the 20-working-day
    // red limit from a late acceptance (03-20) would end on 04-18.
    input.channel = Channel::ReferredByCourt;
    input.discovered_at = at(2025, 3, 3);
    let (code, d) = route(&mut w, input);
    assert!(joined(&d, AgencyKind::Court));
    w.engine
        .apply(
            &w.handler(&code),
            &code,
            Operation::Accept {
                note: String::new(),
            },
            at(2025, 3, 20),
        )
        .unwrap();
    let s = w.engine.deadlines(at(2025, 4, 3)).unwrap();
    let s = s.iter().find(|s| s.case == code).unwrap();
    assert_eq!(s.red_on, Some(date("2025-04-02")));
    assert!(s
        .legal
        .contains(&fengqiao::deadline::LegalNotice::CourtReferralPeriodPassed));
}

#[test]
fn domestic_violence_joins_the_police_without_the_flag() {
    // 反家庭暴力法 art. 13; 人民调解法 art. 25.
    let mut w = World::small();
    let mut input = w.dispute(Category::MarriageFamily, &["p0-0", "p0-1"], at(2025, 5, 6));
    input.subtype = Some("domestic_violence".into());
    let (_, d) = route(&mut w, input);
    assert!(joined(&d, AgencyKind::Police));
    assert!(joined(&d, AgencyKind::WomensFederation));
}

#[test]
fn an_escalation_always_goes_up() {
    // A street-level case under the default escalation (`next` at red) goes to the county
    // once, when the sweep finds it red.
    let mut w = World::small();
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 6));
    input.urgency = Urgency::High;
    let (code, d) = route(&mut w, input);
    assert_eq!(d.level, Level::Street);
    let sweep = w.engine.sweep(at(2025, 7, 1)).unwrap();
    assert_eq!(
        sweep.escalated,
        vec![(code.clone(), w.places.county.unwrap())]
    );
    let again = w.engine.sweep(at(2025, 7, 2)).unwrap();
    assert!(again.escalated.is_empty(), "escalated twice");

    // The validator says when a fixed target cannot rise above a rule's level.
    let mut set = RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).unwrap();
    set.defaults.escalation.as_mut().unwrap().to = Level::Street.into();
    let diags = fengqiao::routing::validate(&set, None);
    let warned: Vec<_> = diags
        .items
        .iter()
        .filter(|d| d.code == DiagnosticCode::EscalationDown)
        .collect();
    assert!(
        warned
            .iter()
            .any(|d| d.rule.as_deref() == Some("big-to-street") && d.severity == Severity::Warning),
        "{warned:?}"
    );
    // A rule's own escalation to its own level is an error.
    set.rules[0].then.level = Some(Level::Street);
    set.rules[0].then.escalation = Some(fengqiao::routing::Escalation {
        to: Level::Street.into(),
        cc: vec![],
        when: fengqiao::routing::EscalateWhen::Red,
    });
    assert!(fengqiao::routing::validate(&set, None).has_errors());
}
