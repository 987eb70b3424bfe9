//! Synthetic rule tables and facts: what the routing benchmarks and the comparison with a
//! general rule engine evaluate. A generated table looks like an analyst's (a category and
//! one more test per rule, sometimes a channel or an amount), so timings at 10 or 10,000
//! rules say something about real tables, and the same table can be written out for
//! another engine.

use super::Rng;
use fengqiao::dispute::{Category, Channel, DisputeInput, Flag, GroupSize, RiskColour, Urgency};
use fengqiao::hierarchy::Level;
use fengqiao::routing::{Condition, Facts, HitPolicy, Outcome, Range, Rule, RuleSet};

/// A decision table of `n` rules like an analyst writes them: a category, a floor on
/// urgency or risk, sometimes a group size or flags; and a default rule last.
pub fn table(n: usize, rng: &mut Rng) -> RuleSet {
    let mut rules: Vec<Rule> = (0..n.saturating_sub(1))
        .map(|i| {
            let mut all = vec![Condition::CategoryIn(vec![*rng.pick(Category::ALL)])];
            match rng.below(4) {
                0 => all.push(Condition::UrgencyAtLeast(*rng.pick(Urgency::ALL))),
                1 => all.push(Condition::RiskAtLeast(*rng.pick(RiskColour::ALL))),
                2 => all.push(Condition::GroupSizeIn(vec![*rng.pick(GroupSize::ALL)])),
                _ => all.push(Condition::FlagsAny(vec![*rng.pick(Flag::ALL)])),
            }
            if rng.chance(0.3) {
                all.push(Condition::ChannelIn(vec![
                    *rng.pick(Channel::ALL),
                    *rng.pick(Channel::ALL),
                ]));
            }
            if rng.chance(0.2) {
                all.push(Condition::AmountYuan(Range {
                    min: Some(rng.below(50_000)),
                    max: None,
                }));
            }
            Rule {
                id: format!("r{i}"),
                description: "generated".into(),
                source: String::new(),
                priority: rng.below(100) as i32,
                when: Condition::All(all),
                then: Outcome {
                    level: Some(*rng.pick(&[Level::Community, Level::Street])),
                    ..Outcome::default()
                },
            }
        })
        .collect();
    rules.push(Rule {
        id: "default".into(),
        description: "default".into(),
        source: String::new(),
        priority: -1000,
        when: Condition::Always,
        then: Outcome::default(),
    });
    RuleSet {
        id: format!("bench-{n}"),
        version: "1".into(),
        description: String::new(),
        hit_policy: HitPolicy::First,
        vocabulary: Default::default(),
        defaults: Outcome {
            level: Some(Level::Community),
            ..Outcome::default()
        },
        windows: Default::default(),
        time_limits: Default::default(),
        rules,
    }
}

/// `n` facts drawn uniformly over every dimension (about half with an amount, each flag
/// one time in ten) outside any hierarchy: no location, the level of a household. Uniform
/// on purpose, so that every rule of a [`table`] gets its share of hits.
pub fn facts(rng: &mut Rng, n: usize) -> Vec<Facts<'static>> {
    (0..n)
        .map(|_| Facts {
            category: *rng.pick(Category::ALL),
            subtype: None,
            channel: *rng.pick(Channel::ALL),
            urgency: *rng.pick(Urgency::ALL),
            risk: *rng.pick(RiskColour::ALL),
            people: *rng.pick(&[1, 2, 3, 20, 60, 200]),
            amount: rng.chance(0.5).then(|| rng.below(100_000)),
            flags: Flag::ALL
                .iter()
                .copied()
                .filter(|_| rng.chance(0.1))
                .collect(),
            location: None,
            level: Level::Household,
        })
        .collect()
}

/// The facts of a dispute routed outside any hierarchy (no location; decided at its
/// household), as [`fengqiao::routing::Router::decide`] would see them for a dispute whose
/// parties all live in one household. For comparing rule evaluation alone, without the
/// hierarchy walk and team assembly that a full decision adds.
pub fn facts_of(d: &DisputeInput) -> Facts<'_> {
    Facts::of(d, None, Level::Household)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fengqiao::routing::{NoUnits, Router};

    #[test]
    fn generated_tables_validate_and_every_fact_meets_a_rule() {
        let mut rng = Rng::new(1);
        for n in [1, 10, 300] {
            let set = table(n, &mut rng);
            assert_eq!(set.rules.len(), n);
            let router = Router::new(set, None).expect("generated tables validate");
            for f in facts(&mut rng, 200) {
                let hit = router.matching(&f, &NoUnits);
                assert_eq!(
                    hit.len(),
                    1,
                    "first hit: exactly one rule (the default catches all)"
                );
                assert_eq!(hit, router.matching_reference(&f, &NoUnits));
            }
        }
    }

    #[test]
    fn facts_of_a_dispute_carry_its_head_count() {
        let mut rng = Rng::new(2);
        let (_, dir) = crate::hierarchy(&crate::Spec::small()).unwrap();
        let t = chrono::DateTime::UNIX_EPOCH;
        for d in crate::disputes::disputes(&mut rng, &dir, 300, t) {
            let f = facts_of(&d);
            assert_eq!(
                (f.category, f.people, f.flags),
                (d.category, d.people(), d.flags)
            );
            assert_eq!(GroupSize::of(f.people), d.group_size());
        }
    }
}
