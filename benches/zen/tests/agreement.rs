//! The translation is only worth timing if zen-engine and fengqiao answer the same question
//! the same way: every test here compares the two, rule for rule, on every dispute.

use chrono::{TimeZone, Utc};
use fengqiao::routing::{Condition, NoUnits, Router};
use fengqiao_synth::{rules, Rng, Spec};
use fengqiao_zen_bench::{context, jdm, Zen};

fn agree(router: &Router, zen: &Zen, facts: &[fengqiao::routing::Facts]) -> usize {
    let mut hits = 0;
    for f in facts {
        let ours = router.matching(f, &NoUnits);
        let theirs = zen.matching(&context(f, None)).expect("zen evaluates");
        assert_eq!(ours, theirs, "facts {f:?}");
        hits += ours.len();
    }
    hits
}

#[test]
fn the_default_rules_agree_on_the_ledger_caseload() {
    let router = Router::default_rules();
    let zen = Zen::new(router.rule_set()).unwrap();
    let (_, dir) = fengqiao_synth::hierarchy(&Spec::small()).unwrap();
    let t = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
    let disputes = fengqiao_synth::disputes::disputes(&mut Rng::new(7), &dir, 2_000, t);
    let facts: Vec<_> = disputes.iter().map(rules::facts_of).collect();
    let hits = agree(&router, &zen, &facts);
    // Collect: the base rule, one of the two team rules, often more.
    assert!(hits >= 2 * facts.len(), "{hits}");
}

#[test]
fn the_default_rules_agree_on_uniform_facts() {
    let router = Router::default_rules();
    let zen = Zen::new(router.rule_set()).unwrap();
    let facts = rules::facts(&mut Rng::new(8), 3_000);
    agree(&router, &zen, &facts);
}

#[test]
fn generated_tables_agree_under_first_hit() {
    let mut rng = Rng::new(3);
    for n in [10, 100, 1_000] {
        let router = Router::new(rules::table(n, &mut rng), None).unwrap();
        let zen = Zen::new(router.rule_set()).unwrap();
        let facts = rules::facts(&mut rng, 500);
        assert_eq!(agree(&router, &zen, &facts), facts.len());
    }
}

#[test]
fn compound_conditions_become_an_expression_column() {
    let set = Router::default_rules().rule_set().clone();
    let table = jdm(&set).unwrap();
    let rows = table["nodes"][1]["content"]["rules"].as_array().unwrap();
    let general = set
        .rules
        .iter()
        .position(|r| r.id == "general-mediation")
        .unwrap();
    assert!(matches!(set.rules[general].when, Condition::Not(_)));
    let cell = rows[general]["condition"].as_str().unwrap();
    assert!(cell.starts_with("not ("), "{cell}");
    let labour = set
        .rules
        .iter()
        .position(|r| r.id == "labour-window")
        .unwrap();
    assert_eq!(rows[labour]["category"], "\"labour\"");
}

#[test]
fn the_level_of_the_deciding_unit_is_refused() {
    let mut set = Router::default_rules().rule_set().clone();
    set.rules[0].when = Condition::LevelIn(vec![fengqiao::hierarchy::Level::Street]);
    assert!(jdm(&set).is_err());
}

#[test]
fn each_row_outputs_its_rule_and_outcome() {
    let router = Router::default_rules();
    let zen = Zen::new(router.rule_set()).unwrap();
    // A red-risk dispute: the red-risk rule escalates to the county with a yellow card.
    let mut f = rules::facts(&mut Rng::new(1), 1)[0];
    f.risk = fengqiao::dispute::RiskColour::Red;
    let out = zen.evaluate(&context(&f, None)).unwrap();
    let rows = out.as_array().unwrap();
    let rows = rows.borrow();
    let red = rows
        .iter()
        .find(|r| {
            r.dot("rule").and_then(|v| v.as_str().map(String::from)) == Some("red-risk".into())
        })
        .expect("red-risk hits");
    assert_eq!(red.dot("escalation.to").unwrap().as_str(), Some("county"));
    assert_eq!(
        red.dot("supervision").unwrap().as_str(),
        Some("yellow_card")
    );
    assert_eq!(red.dot("level").unwrap().as_str(), Some("street"));
}
