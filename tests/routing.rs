//! Routing against a whole world: the validator's world checks and the shipped default
//! rules on every category and group size (小事不出社区、大事不出街道).

use fengqiao::agency::AgencyKind;
use fengqiao::dispute::{
    Category, Channel, DisputeInput, Flags, GroupSize, Party, RiskColour, Urgency,
};
use fengqiao::engine::Engine;
use fengqiao::hierarchy::Level;
use fengqiao::routing::{DiagnosticCode, Diagnostics, EscalateWhen, Grade, RuleSet, Severity};
use fengqiao::staff::Role;
use fengqiao_synth::{world, Spec};

fn set(json: &str) -> RuleSet {
    RuleSet::from_json(json).unwrap_or_else(|d| panic!("{d}"))
}

fn codes(d: &Diagnostics) -> Vec<(Severity, DiagnosticCode, Option<String>, String)> {
    d.items
        .iter()
        .map(|x| (x.severity, x.code, x.rule.clone(), x.path.clone()))
        .collect()
}

#[test]
fn validator_checks_against_the_world() {
    let (engine, _) = world(&Spec::small()).unwrap();
    let json = r#"{"id": "t", "version": "1", "hit_policy": "first", "defaults": {"level": "community"},
        "rules": [{"id": "a", "description": "d", "when": {"within": "522301010009"},
                   "then": {"team": [{"role": "legal_counsel", "from": ["grid"]}], "agencies": ["petitions"]}},
                  {"id": "b", "description": "d", "priority": -1}]}"#;
    let d = engine.validate_rules(&set(json));
    let c = codes(&d);
    assert!(c.contains(&(
        Severity::Error,
        DiagnosticCode::UnknownUnit,
        Some("a".into()),
        "rules[0].when.within".into()
    )));
    assert!(c.contains(&(
        Severity::Error,
        DiagnosticCode::RoleMissing,
        Some("a".into()),
        "rules[0].then.team[0]".into()
    )));
    // The small world has a petitions bureau at the county: no warning for it.
    assert!(!c.iter().any(|x| x.1 == DiagnosticCode::AgencyMissing));
    // A world without agencies: asking for one is a warning, not an error.
    let bare = Engine::new(engine.hierarchy().clone());
    let json2 = json
        .replace(r#""within": "522301010009""#, r#""within": "522301001001""#)
        .replace(
            r#""team": [{"role": "legal_counsel", "from": ["grid"]}], "#,
            "",
        );
    let d = bare.validate_rules(&set(&json2));
    assert!(!d.has_errors(), "{d}");
    assert_eq!(
        codes(&d),
        vec![(
            Severity::Warning,
            DiagnosticCode::AgencyMissing,
            Some("a".into()),
            "rules[0].then.agencies[0]".into()
        )]
    );
}

/// The shipped rules on one dispute of each category and each group size, in the small world.
#[test]
fn default_rules_on_every_category_and_size() {
    let (engine, places) = world(&Spec::small()).unwrap();
    let professional = [
        Category::MarriageFamily,
        Category::Neighbour,
        Category::Education,
        Category::Labour,
        Category::PropertyManagement,
    ];
    for &category in Category::ALL {
        for (size, people) in [
            (GroupSize::Under50, 2),
            (GroupSize::From50To100, 60),
            (GroupSize::From100To500, 200),
            (GroupSize::Over500, 800),
        ] {
            let input = DisputeInput {
                category,
                subtype: None,
                channel: Channel::HouseholdVisit,
                parties: vec![Party::Person("p0-0".into())],
                headcount: people,
                location: places.households[0],
                urgency: Urgency::Medium,
                risk: RiskColour::Yellow,
                amount_yuan: None,
                flags: Flags::EMPTY,
                description: String::new(),
                discovered_at: chrono::DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
                    .unwrap()
                    .to_utc(),
                assigned_by: None,
                external: None,
                idempotency_key: None,
            };
            let d = engine.decide_input(&input).unwrap();
            let roles: Vec<Role> = d.team.iter().map(|m| m.role).collect();
            assert!(
                roles.contains(&Role::GridWorker) && roles.contains(&Role::HouseholdHead),
                "{category} {size}"
            );
            assert!(roles.contains(&Role::Mediator), "{category} {size}");
            assert_eq!(
                roles.contains(&Role::LegalLiterate),
                professional.contains(&category),
                "{category} {size}"
            );
            assert!(d.unfilled.is_empty(), "{category} {size}: {:?}", d.unfilled);
            match size {
                GroupSize::Under50 => {
                    assert_eq!(d.level, Level::Community, "{category}: 小事不出社区");
                    assert!(d
                        .escalation
                        .as_ref()
                        .is_none_or(|e| e.when != EscalateWhen::Immediately));
                }
                GroupSize::From50To100 => {
                    assert_eq!(
                        d.level,
                        Level::Street,
                        "{category}: group disputes go to the street"
                    );
                    assert!(d.agencies.iter().any(|a| a.kind == AgencyKind::Police));
                }
                _ => {
                    assert_eq!(d.level, Level::Street);
                    let e = d.escalation.as_ref().expect("large groups escalate");
                    assert_eq!(
                        (e.to, e.when),
                        (Level::County.into(), EscalateWhen::Immediately),
                        "{category} {size}"
                    );
                    assert_eq!(d.supervision, Some(Grade::YellowCard));
                }
            }
            assert_eq!(
                d.offer_confirmation,
                [
                    Category::MarriageFamily,
                    Category::Labour,
                    Category::PropertyManagement,
                    Category::Neighbour
                ]
                .contains(&category),
                "{category}"
            );
        }
    }
}
