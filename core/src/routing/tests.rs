use super::*;
use crate::dispute::{Category, Channel, Flag, Flags, RiskColour, Urgency};

fn facts() -> Facts<'static> {
    Facts {
        category: Category::Neighbour,
        subtype: None,
        channel: Channel::HouseholdVisit,
        urgency: Urgency::Low,
        risk: RiskColour::Blue,
        people: 2,
        amount: None,
        flags: Flags::EMPTY,
        location: None,
        level: Level::Household,
    }
}

fn cond(json: &str) -> Condition {
    serde_json::from_str(json).unwrap()
}

fn set(json: &str) -> RuleSet {
    RuleSet::from_json(json).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn default_rules_validate_without_warnings() {
    let set = RuleSet::from_json(DEFAULT_RULES_JSON).unwrap();
    let d = validate(&set, None);
    assert!(d.items.is_empty(), "{d}");
    assert!(
        set.rules.iter().all(|r| !r.source.is_empty()),
        "every shipped rule names its source"
    );
}

#[test]
fn each_condition_means_what_it_says() {
    let f = facts();
    let yes = |j: &str, f: &Facts| assert!(eval(&cond(j), f, &NoUnits), "{j} should hold");
    let no = |j: &str, f: &Facts| assert!(!eval(&cond(j), f, &NoUnits), "{j} should not hold");
    yes(r#""always""#, &f);
    yes(r#"{"category_in": ["neighbour", "labour"]}"#, &f);
    no(r#"{"category_in": ["labour"]}"#, &f);
    no(r#"{"subtype_in": ["noise"]}"#, &f);
    yes(
        r#"{"subtype_in": ["noise"]}"#,
        &Facts {
            subtype: Some("noise"),
            ..f
        },
    );
    yes(r#"{"channel_in": ["household_visit"]}"#, &f);
    no(r#"{"urgency_at_least": "medium"}"#, &f);
    yes(
        r#"{"urgency_at_least": "medium"}"#,
        &Facts {
            urgency: Urgency::High,
            ..f
        },
    );
    yes(r#"{"urgency_in": ["low"]}"#, &f);
    no(r#"{"risk_at_least": "yellow"}"#, &f);
    yes(
        r#"{"risk_at_least": "orange"}"#,
        &Facts {
            risk: RiskColour::Red,
            ..f
        },
    );
    yes(r#"{"risk_in": ["blue"]}"#, &f);
    yes(r#"{"people": {"min": 2, "max": 2}}"#, &f);
    no(r#"{"people": {"min": 3}}"#, &f);
    yes(r#"{"group_size_in": ["under_50"]}"#, &f);
    yes(
        r#"{"group_size_in": ["50_to_100"]}"#,
        &Facts { people: 100, ..f },
    );
    yes(
        r#"{"group_size_in": ["100_to_500"]}"#,
        &Facts { people: 101, ..f },
    );
    no(r#"{"amount_yuan": {"min": 0}}"#, &f);
    yes(
        r#"{"amount_yuan": {"min": 100, "max": 200}}"#,
        &Facts {
            amount: Some(150),
            ..f
        },
    );
    let flagged = Facts {
        flags: Flags::EMPTY.with(Flag::Minors).with(Flag::Major),
        ..f
    };
    yes(r#"{"flags_all": ["minors", "major"]}"#, &flagged);
    no(r#"{"flags_all": ["minors", "violence_risk"]}"#, &flagged);
    yes(r#"{"flags_any": ["minors", "violence_risk"]}"#, &flagged);
    no(r#"{"within": "522301010001"}"#, &f); // no location: never within
    yes(r#"{"level_in": ["household"]}"#, &f);
    yes(r#"{"all": []}"#, &f);
    no(r#"{"any": []}"#, &f);
    yes(r#"{"not": {"category_in": ["labour"]}}"#, &f);
    yes(
        r#"{"any": [{"category_in": ["labour"]}, {"urgency_in": ["low"]}]}"#,
        &f,
    );
    no(
        r#"{"all": [{"category_in": ["neighbour"]}, {"urgency_in": ["high"]}]}"#,
        &f,
    );
}

const TWO_RULES: &str = r#"{
  "id": "t", "version": "1", "hit_policy": "HP",
  "defaults": {"level": "community", "deadlines": {"handle": {"yellow": 10, "red": 20}}},
  "rules": [
    {"id": "street", "description": "d", "priority": 1, "when": {"urgency_in": ["high"]},
     "then": {"level": "street", "agencies": ["police"], "deadlines": {"handle": {"yellow": 5, "red": 8}}}},
    {"id": "labour", "description": "d", "priority": 2, "when": {"category_in": ["labour"]},
     "then": {"agencies": ["labour"], "team": [{"role": "mediator"}], "deadlines": {"handle": {"yellow": 7, "red": 10}}, "supervision": "ordinary"}},
    {"id": "default", "description": "d", "priority": -1, "when": "always", "then": {}}
  ]
}"#;

#[test]
fn first_hit_takes_the_highest_priority() {
    let r = Router::new(set(&TWO_RULES.replace("HP", "first")), None).unwrap();
    let f = Facts {
        category: Category::Labour,
        urgency: Urgency::High,
        ..facts()
    };
    let m = r.matching(&f, &NoUnits);
    assert_eq!(m.len(), 1);
    assert_eq!(r.rule_set().rules[m[0]].id, "labour");
    let o = r.outcome(&m);
    assert_eq!(o.level, Some(Level::Community)); // from the defaults
    assert_eq!(o.agencies, Some(vec![AgencyKind::Labour]));
    assert_eq!(
        o.deadlines.unwrap().handle,
        Some(Limit { yellow: 7, red: 10 })
    );
}

/// Each matched set's outcome is merged once and shared; what is shared equals a fresh
/// merge, whatever the set; past [`outcomes::MERGED_KEPT`] sets nothing more is kept (the
/// bound on memory) and the answers stay the same; a set of more rules than the key holds
/// merges afresh.
#[test]
fn collected_outcomes_are_merged_once_and_kept_within_a_bound() {
    let base = RuleSet::from_json(DEFAULT_RULES_JSON).unwrap();
    assert_eq!(base.hit_policy, HitPolicy::Collect);
    let fresh = |set: &RuleSet, m: &[usize]| {
        let mut o = Outcome::default();
        for &i in m {
            o.merge(&set.rules[i].then);
        }
        o.with_defaults(&set.defaults)
    };
    let r = Router::new(base.clone(), None).unwrap();
    let n = base.rules.len();
    assert!(n >= 13, "2^13 sets exceed the bound");
    let sets = (1u32..=5_000).map(|mask| (0..n).filter(|i| mask >> i & 1 == 1).collect::<Vec<_>>());
    for m in sets.clone() {
        let o = r.outcome(&m);
        assert_eq!(*o, fresh(&base, &m), "{m:?}");
    }
    assert_eq!(r.outcomes.kept(), outcomes::MERGED_KEPT);
    let kept = r.outcome(&[0, 2]);
    assert!(Arc::ptr_eq(&kept, &r.outcome(&[0, 2])));
    // Another order than evaluation order merges afresh, in that order.
    assert_eq!(*r.outcome(&[2, 0]), fresh(&base, &[2, 0]));
    assert!(!Arc::ptr_eq(&kept, &r.outcome(&[2, 0])));
    for m in sets.skip(4_500) {
        assert_eq!(*r.outcome(&m), fresh(&base, &m), "past the bound: {m:?}");
    }
    assert_eq!(r.outcomes.kept(), outcomes::MERGED_KEPT);
    assert_eq!(*r.outcome(&[]), base.defaults);

    // 130 rules: the last ones are past the key's 128 bits.
    let mut wide = base.clone();
    while wide.rules.len() < 130 {
        let mut rule = base.rules[wide.rules.len() % n].clone();
        rule.id = format!("copy-{}", wide.rules.len());
        wide.rules.push(rule);
    }
    let r = Router::new(wide.clone(), None).unwrap();
    assert_eq!(*r.outcome(&[1, 129]), fresh(&wide, &[1, 129]));
    assert_eq!(r.outcomes.kept(), 0);
    assert_eq!(*r.outcome(&[1, 127]), fresh(&wide, &[1, 127]));
    assert_eq!(r.outcomes.kept(), 1);
}

#[test]
fn collect_merges_every_match() {
    let r = Router::new(set(&TWO_RULES.replace("HP", "collect")), None).unwrap();
    let f = Facts {
        category: Category::Labour,
        urgency: Urgency::High,
        ..facts()
    };
    let m = r.matching(&f, &NoUnits);
    assert_eq!(m.len(), 3);
    let o = r.outcome(&m);
    assert_eq!(o.level, Some(Level::Street)); // the highest
    assert_eq!(
        o.agencies,
        Some(vec![AgencyKind::Police, AgencyKind::Labour])
    ); // union
    assert_eq!(
        o.deadlines.unwrap().handle,
        Some(Limit { yellow: 5, red: 8 })
    ); // strictest
    assert_eq!(o.supervision, Some(Grade::Ordinary));
    assert_eq!(o.team.as_ref().unwrap().len(), 1);
}

use crate::agency::AgencyKind;

fn codes(d: &Diagnostics) -> Vec<(Severity, DiagnosticCode, Option<String>, String)> {
    d.items
        .iter()
        .map(|x| (x.severity, x.code, x.rule.clone(), x.path.clone()))
        .collect()
}

#[test]
fn parse_errors_name_the_rule_and_the_path() {
    let bad = TWO_RULES.replace("HP", "first").replace(
        r#""category_in": ["labour"]"#,
        r#""category_in": ["labor"]"#,
    );
    let d = RuleSet::from_json(&bad).unwrap_err();
    let x = &d.items[0];
    assert_eq!(x.code, DiagnosticCode::Parse);
    assert_eq!(x.rule.as_deref(), Some("labour"));
    assert_eq!(x.path, "rules[1].when.category_in[0]");
    assert!(x.message.contains("labor"), "{}", x.message);
    let d = RuleSet::from_json("{ not json").unwrap_err();
    assert!(d.items[0].message.contains("invalid JSON"));
    let d = RuleSet::from_json(
        &TWO_RULES
            .replace("HP", "first")
            .replace("\"priority\": 1,", "\"priority\": 1, \"colour\": 2,"),
    )
    .unwrap_err();
    assert_eq!(d.items[0].path, "rules[0].colour");
}

fn diag_of(rules: &str, policy: &str) -> Diagnostics {
    let json = format!(
        r#"{{"id": "t", "version": "1", "hit_policy": "{policy}", "defaults": {{"level": "community"}},
            "vocabulary": {{"subtypes": {{"labour": ["wage_arrears"]}}}},
            "rules": [{rules}, {{"id": "z", "description": "d", "priority": -100}}]}}"#
    );
    validate(&set(&json), None)
}

#[test]
fn validator_reports_each_problem_with_its_location() {
    use DiagnosticCode as C;
    use Severity::{Error as E, Warning as W};
    let one = |rules: &str, policy: &str| codes(&diag_of(rules, policy));
    assert!(one(
        r#"{"id": "a", "description": "d", "when": {"category_in": []}}"#,
        "first"
    )
    .contains(&(
        E,
        C::EmptySet,
        Some("a".into()),
        "rules[0].when.category_in".into()
    )));
    assert!(one(
        r#"{"id": "a", "description": "d", "when": {"any": []}}"#,
        "first"
    )
    .contains(&(E, C::EmptySet, Some("a".into()), "rules[0].when.any".into())));
    assert!(one(
        r#"{"id": "a", "description": "d", "when": {"people": {"min": 5, "max": 2}}}"#,
        "first"
    )
    .contains(&(
        E,
        C::EmptyRange,
        Some("a".into()),
        "rules[0].when.people".into()
    )));
    assert!(one(
        r#"{"id": "a", "description": "d", "when": {"all": [{"category_in": ["labour"]}, {"category_in": ["neighbour"]}]}}"#,
        "first"
    )
    .contains(&(E, C::Unsatisfiable, Some("a".into()), "rules[0].when".into())));
    assert!(one(
        r#"{"id": "a", "description": "d", "when": {"subtype_in": ["wages"]}}"#,
        "first"
    )
    .contains(&(
        E,
        C::UnknownSubtype,
        Some("a".into()),
        "rules[0].when.subtype_in[0]".into()
    )));
    assert!(one(
        r#"{"id": "a", "description": "d", "then": {"level": "household"}}"#,
        "first"
    )
    .contains(&(
        E,
        C::BadLevel,
        Some("a".into()),
        "rules[0].then.level".into()
    )));
    assert!(one(
        r#"{"id": "a", "description": "d", "then": {"deadlines": {"handle": {"yellow": 9, "red": 3}}}}"#,
        "first"
    )
    .contains(&(E, C::LimitOrder, Some("a".into()), "rules[0].then.deadlines.handle".into())));
    assert!(one(
        r#"{"id": "a", "description": "d", "then": {"level": "street", "escalation": {"to": "community", "when": "red"}}}"#,
        "first"
    )
    .contains(&(E, C::EscalationDown, Some("a".into()), "rules[0].then.escalation.to".into())));
    assert!(
        one(r#"{"id": "z", "description": "d"}"#, "first").contains(&(
            E,
            C::DuplicateRuleId,
            Some("z".into()),
            "rules[1].id".into()
        ))
    );
    assert!(
        one(r#"{"id": "", "description": "d"}"#, "first").contains(&(
            E,
            C::EmptyRuleId,
            None,
            "rules[0].id".into()
        ))
    );
    assert!(one(r#"{"id": "a"}"#, "first").contains(&(
        W,
        C::Undocumented,
        Some("a".into()),
        "rules[0].description".into()
    )));
    assert!(one(
        r#"{"id": "a", "description": "d", "then": {"sector_department": true}}"#,
        "first"
    )
    .contains(&(
        W,
        C::SectorUnmapped,
        Some("a".into()),
        "rules[0].then.sector_department".into()
    )));
    // Shadowed: the earlier, exact rule covers everything the later one matches.
    let d = one(
        r#"{"id": "a", "description": "d", "priority": 5, "when": {"category_in": ["labour", "neighbour"]}},
           {"id": "b", "description": "d", "priority": 1, "when": {"all": [{"category_in": ["labour"]}, {"urgency_in": ["high"]}]}}"#,
        "first",
    );
    assert!(
        d.contains(&(W, C::Shadowed, Some("b".into()), "rules[1].when".into())),
        "{d:?}"
    );
    // Not shadowed under collect.
    let d = one(
        r#"{"id": "a", "description": "d", "priority": 5, "when": {"category_in": ["labour", "neighbour"]}},
           {"id": "b", "description": "d", "priority": 1, "when": {"category_in": ["labour"]}}"#,
        "collect",
    );
    assert!(!d.iter().any(|x| x.1 == C::Shadowed));
}

#[test]
fn validator_finds_uncovered_disputes_with_an_example() {
    let json = r#"{"id": "t", "version": "1", "hit_policy": "first", "defaults": {"level": "community"},
        "rules": [{"id": "a", "description": "d", "when": {"category_in": ["labour"]}},
                  {"id": "b", "description": "d", "when": {"not": {"category_in": ["labour", "education"]}}}]}"#;
    let d = validate(&set(json), None);
    let u = d
        .items
        .iter()
        .find(|x| x.code == DiagnosticCode::Uncovered)
        .expect("uncovered");
    assert!(u.message.contains("category=education"), "{}", u.message);
    assert!(Router::new(set(json), None).is_err());
}

/// A tiny seeded generator (xorshift64*) for the differential test; the synthetic-world
/// crate's generator cannot be used in the core's own unit tests.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.below(1 << 20) as f64) < p * (1 << 20) as f64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// A random condition over the enumerable and the residual dimensions.
fn random_condition(rng: &mut Rng, depth: u32) -> Condition {
    let pick_some = |rng: &mut Rng, n: usize| -> Vec<usize> {
        let k = 1 + rng.below(3) as usize;
        (0..k).map(|_| rng.below(n as u64) as usize).collect()
    };
    match rng.below(if depth > 1 { 11 } else { 14 }) {
        0 => Condition::CategoryIn(
            pick_some(rng, 16)
                .into_iter()
                .map(|i| Category::ALL[i])
                .collect(),
        ),
        1 => Condition::ChannelIn(
            pick_some(rng, 9)
                .into_iter()
                .map(|i| Channel::ALL[i])
                .collect(),
        ),
        2 => Condition::UrgencyAtLeast(*rng.pick(Urgency::ALL)),
        3 => Condition::RiskAtLeast(*rng.pick(RiskColour::ALL)),
        4 => Condition::RiskIn(
            pick_some(rng, 4)
                .into_iter()
                .map(|i| RiskColour::ALL[i])
                .collect(),
        ),
        5 => Condition::People(Range {
            min: Some(rng.below(60)),
            max: Some(60 + rng.below(600)),
        }),
        6 => Condition::AmountYuan(Range {
            min: Some(rng.below(10_000)),
            max: None,
        }),
        7 => Condition::FlagsAll(vec![*rng.pick(Flag::ALL)]),
        8 => Condition::FlagsAny(vec![*rng.pick(Flag::ALL), *rng.pick(Flag::ALL)]),
        9 => Condition::LevelIn(vec![*rng.pick(&[
            Level::Grid,
            Level::Community,
            Level::Household,
        ])]),
        10 => Condition::SubtypeIn(vec!["x".into()]),
        11 => Condition::All((0..2).map(|_| random_condition(rng, depth + 1)).collect()),
        12 => Condition::Any((0..2).map(|_| random_condition(rng, depth + 1)).collect()),
        _ => Condition::Not(Box::new(random_condition(rng, depth + 1))),
    }
}

fn random_facts(rng: &mut Rng) -> Facts<'static> {
    Facts {
        category: *rng.pick(Category::ALL),
        subtype: if rng.chance(0.3) { Some("x") } else { None },
        channel: *rng.pick(Channel::ALL),
        urgency: *rng.pick(Urgency::ALL),
        risk: *rng.pick(RiskColour::ALL),
        people: *rng.pick(&[1, 2, 30, 60, 150, 700]),
        amount: if rng.chance(0.5) {
            Some(rng.below(20_000))
        } else {
            None
        },
        flags: Flag::ALL
            .iter()
            .copied()
            .filter(|_| rng.chance(0.2))
            .collect(),
        location: None,
        level: *rng.pick(&[Level::Grid, Level::Community, Level::Household]),
    }
}

/// The compiled index and the reference evaluator agree, under both hit policies, on rule
/// sets of up to 200 random rules (more than one bitset word).
#[test]
fn compiled_and_reference_evaluators_agree() {
    let mut rng = Rng::new(42);
    for round in 0..40 {
        let n = 1 + rng.below(200) as usize;
        let rules = (0..n)
            .map(|i| Rule {
                id: format!("r{i}"),
                description: String::new(),
                source: String::new(),
                priority: rng.below(5) as i32,
                when: random_condition(&mut rng, 0),
                then: Outcome::default(),
            })
            .collect();
        let policy = if round % 2 == 0 {
            HitPolicy::First
        } else {
            HitPolicy::Collect
        };
        let set = RuleSet {
            id: "random".into(),
            version: "1".into(),
            description: String::new(),
            hit_policy: policy,
            vocabulary: Vocabulary::default(),
            defaults: Outcome::default(),
            windows: LegalWindows::default(),
            time_limits: Default::default(),
            rules,
        };
        let router = Router::compile_unchecked(set, Vec::new());
        for _ in 0..300 {
            let f = random_facts(&mut rng);
            assert_eq!(
                router.matching(&f, &NoUnits),
                router.matching_reference(&f, &NoUnits)
            );
        }
    }
}

#[test]
fn validator_requires_a_handling_level() {
    let json = r#"{"id": "t", "version": "1", "hit_policy": "first",
        "rules": [{"id": "a", "description": "d", "when": "always", "then": {}}]}"#;
    let d = validate(&set(json), None);
    assert!(codes(&d).contains(&(
        Severity::Error,
        DiagnosticCode::NoLevel,
        Some("a".into()),
        "rules[0].then.level".into()
    )));
    let collect = json.replace("\"first\"", "\"collect\"");
    let d = validate(&set(&collect), None);
    assert!(codes(&d).contains(&(
        Severity::Error,
        DiagnosticCode::NoLevel,
        None,
        "defaults.level".into()
    )));
}

/// A condition nested far past serde_json's recursion limit is a parse diagnostic, not a
/// stack overflow, now that rule sets are read straight into their (recursive) types.
#[test]
fn a_condition_nested_too_deep_is_refused_not_overflowed() {
    let depth = 50_000;
    let text = format!(
        r#"{{"id":"t","version":"1","hit_policy":"first","rules":[{{"id":"a","when":{}"always"{}}}]}}"#,
        r#"{"not":"#.repeat(depth),
        "}".repeat(depth)
    );
    let d = RuleSet::from_json(&text).unwrap_err();
    assert_eq!(d.items[0].code, DiagnosticCode::Parse);
    assert!(
        d.items[0].message.contains("recursion limit"),
        "{}",
        d.items[0].message
    );
}

/// A candidate reads back as written, its verdict's fields beside its own, and a verdict
/// without what it needs is refused by name.
#[test]
fn candidates_read_back_with_their_verdicts() {
    let unit: DivisionCode = "522301001001".parse().unwrap();
    for verdict in [
        Verdict::Chosen { load: 2 },
        Verdict::MoreLoaded { load: 5 },
        Verdict::Unavailable,
        Verdict::Recused {
            reason: "当事人近亲属".into(),
        },
    ] {
        let c = Candidate {
            role: crate::staff::Role::Mediator,
            staff: "md-522301001001-1".into(),
            unit,
            verdict,
        };
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(
            serde_json::from_str::<Candidate>(&text).unwrap(),
            c,
            "{text}"
        );
    }
    let e = serde_json::from_str::<Candidate>(
        r#"{"role":"mediator","staff":"md-1","unit":"522301001001","verdict":"chosen"}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("missing field `load`"), "{e}");
    let e = serde_json::from_str::<Candidate>(
        r#"{"role":"mediator","staff":"md-1","unit":"522301001001","verdict":"sleeping"}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("unknown variant `sleeping`"),
        "{e}"
    );
}
