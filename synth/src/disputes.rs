//! Disputes as the practice sees them: the category mix of Sajin's 2023 ledger, the
//! channels grid workers hear them through, the parties each kind of dispute has, and the
//! occasional group, violence risk or large sum. The Sajin scenario, the statistics and
//! routing benchmarks and the zen-engine comparison all draw from here, so every number is
//! measured on the same kind of caseload.

use chrono::{DateTime, Duration, Utc};

use super::{Places, Rng};
use fengqiao::dispute::{Category, Channel, DisputeInput, Flag, Flags, Party, RiskColour, Urgency};

/// The 2023 caseload of the Sajin ledger: the article's five professional categories
/// (marriage/family 186, neighbour 34, labour 68, property management 22, education 17)
/// and the other categories in the proportions the scenario uses for them.
pub const MIX_2023: [(Category, u32); 12] = [
    (Category::MarriageFamily, 186),
    (Category::Neighbour, 34),
    (Category::Labour, 68),
    (Category::PropertyManagement, 22),
    (Category::Education, 17),
    (Category::Contract, 30),
    (Category::ForestLand, 20),
    (Category::Damages, 15),
    (Category::HousingHomestead, 12),
    (Category::Consumer, 8),
    (Category::Traffic, 6),
    (Category::Other, 10),
];

/// How disputes come to light (the scenario's weights, in percent).
const CHANNELS: [(Channel, u32); 6] = [
    (Channel::HouseholdVisit, 35),
    (Channel::NeighbourTalk, 20),
    (Channel::RelativesFeedback, 15),
    (Channel::WalkIn, 15),
    (Channel::App, 7),
    (Channel::AssignedFromAbove, 8),
];

impl Rng {
    /// An item drawn with probability proportional to its weight (`weights` not all zero).
    pub fn weighted<T: Copy>(&mut self, weights: &[(T, u32)]) -> T {
        let total: u64 = weights.iter().map(|w| w.1 as u64).sum();
        let mut r = self.below(total);
        for &(item, w) in weights {
            if r < w as u64 {
                return item;
            }
            r -= w as u64;
        }
        unreachable!("r < total = the sum of the weights")
    }
}

/// A dispute of `category` (a major one if `major`) in a household drawn from `dir`,
/// registered at `registered` and discovered up to two days before. `assigned_by` is the
/// unit that assigns the disputes arriving through [`Channel::AssignedFromAbove`].
///
/// `dir` must hold at least two households.
pub fn dispute(
    rng: &mut Rng,
    dir: &Places,
    category: Category,
    major: bool,
    registered: DateTime<Utc>,
    assigned_by: fengqiao::hierarchy::DivisionCode,
) -> DisputeInput {
    let hh_index = rng.below(dir.households.len() as u64) as usize;
    let household = dir.households[hh_index];
    let residents: &[String] = dir
        .residents
        .get(hh_index)
        .map_or(&[], |r| &dir.persons[r.clone()]);
    // Worlds built without residents (the benchmark sizes) name the household instead.
    let person = |k: usize| match residents.len() {
        0 => Party::Household(household),
        n => Party::Person(residents[k.min(n - 1)].clone()),
    };
    // A neighbour: a household next door in the same household group.
    let next_door = {
        let j = if hh_index % 10 == 9 || hh_index + 1 == dir.households.len() {
            hh_index - 1
        } else {
            hh_index + 1
        };
        Party::Household(dir.households[j])
    };
    let org = |name: &str| Party::Organisation {
        name: name.into(),
        unit: None,
    };
    let parties = match category {
        Category::MarriageFamily => vec![person(0), person(1)],
        Category::Neighbour | Category::HousingHomestead | Category::ForestLand => {
            vec![person(0), next_door]
        }
        Category::Labour => vec![person(0), org("某建筑劳务公司")],
        Category::PropertyManagement => vec![person(0), org("某物业服务公司")],
        Category::Education => vec![person(0), org("某小学")],
        Category::Consumer => vec![person(0), org("某商店")],
        _ => vec![person(0), next_door],
    };
    let channel = rng.weighted(&CHANNELS);
    let urgency = *rng.pick(&[
        Urgency::Low,
        Urgency::Low,
        Urgency::Medium,
        Urgency::Medium,
        Urgency::High,
    ]);
    let risk = match rng.below(100) {
        0..=44 => RiskColour::Blue,
        45..=84 => RiskColour::Yellow,
        85..=97 => RiskColour::Orange,
        _ => RiskColour::Red,
    };
    let mut flags = Flags::EMPTY;
    if major {
        flags.insert(Flag::Major);
    }
    if matches!(category, Category::Education | Category::MarriageFamily) && rng.chance(0.2) {
        flags.insert(Flag::Minors);
    }
    if rng.chance(0.03) {
        flags.insert(Flag::ViolenceRisk);
    }
    let headcount = match category {
        Category::Labour if major => 40 + rng.below(50) as u32,
        Category::Labour if rng.chance(0.1) => 5 + rng.below(30) as u32,
        Category::PropertyManagement if rng.chance(0.15) => 20 + rng.below(60) as u32,
        _ => 0,
    };
    let amount_yuan = match category {
        Category::Labour | Category::Contract | Category::Damages | Category::Traffic => {
            Some(2_000 + rng.below(if major { 400_000 } else { 60_000 }))
        }
        Category::HousingHomestead | Category::ForestLand => Some(5_000 + rng.below(80_000)),
        _ => None,
    };
    DisputeInput {
        category,
        subtype: None,
        channel,
        parties,
        headcount,
        location: household,
        urgency,
        risk,
        amount_yuan,
        flags,
        description: format!("{}纠纷", category.label_zh()),
        discovered_at: registered - Duration::hours(rng.below(48) as i64),
        assigned_by: (channel == Channel::AssignedFromAbove).then_some(assigned_by),
        external: None,
        idempotency_key: None,
    }
}

/// An endless caseload with the 2023 category mix ([`MIX_2023`]), about 2 % of it major:
/// one dispute every `every` from `start`, each with the moment it is registered, assigned
/// from the first street when it comes from above. Deterministic for a given `rng` and
/// `dir`; take as many as needed.
pub fn caseload<'a>(
    rng: &'a mut Rng,
    dir: &'a Places,
    start: DateTime<Utc>,
    every: Duration,
) -> impl Iterator<Item = (DateTime<Utc>, DisputeInput)> + 'a {
    let above = dir
        .streets
        .first()
        .or(dir.county.as_ref())
        .copied()
        .expect("a directory with a street or a county");
    (0..).map(move |i: i32| {
        let category = rng.weighted(&MIX_2023);
        let major = rng.chance(0.02);
        let at = start + every * i;
        (at, dispute(rng, dir, category, major, at, above))
    })
}

/// The first `n` disputes of a [`caseload`] registered ten minutes apart.
pub fn disputes(rng: &mut Rng, dir: &Places, n: usize, start: DateTime<Utc>) -> Vec<DisputeInput> {
    caseload(rng, dir, start, Duration::minutes(10))
        .take(n)
        .map(|(_, d)| d)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{world, Spec};

    #[test]
    fn the_mix_begins_with_the_article_counts() {
        let article = crate::sajin::ARTICLE_2023;
        assert_eq!(
            MIX_2023[..article.len()]
                .iter()
                .map(|&(c, n)| (c, n as u64))
                .collect::<Vec<_>>(),
            article
        );
    }

    #[test]
    fn weighted_draws_follow_the_weights() {
        let mut rng = Rng::new(9);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[rng.weighted(&[(0usize, 1), (1, 0), (2, 2)])] += 1;
        }
        assert_eq!(counts[1], 0, "a zero weight is never drawn");
        let ratio = counts[2] as f64 / counts[0] as f64;
        assert!((1.8..2.2).contains(&ratio), "2:1 weights gave {counts:?}");
    }

    #[test]
    fn the_caseload_has_the_ledger_mix_and_valid_places() {
        let (_, dir) = world(&Spec::small()).unwrap();
        let mut rng = Rng::new(5);
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 3, 3, 1, 0, 0).unwrap();
        let ds = disputes(&mut rng, &dir, 4_280, t);
        let family = ds
            .iter()
            .filter(|d| d.category == Category::MarriageFamily)
            .count();
        // 186 of 428 are marriage/family: 1,860 expected of 4,280.
        assert!((1_700..2_020).contains(&family), "{family}");
        assert!(ds.iter().all(|d| dir.households.contains(&d.location)));
        assert!(ds
            .iter()
            .all(|d| d.discovered_at <= t + Duration::minutes(10 * 4_280)));
        let majors = ds.iter().filter(|d| d.flags.has(Flag::Major)).count();
        assert!((40..140).contains(&majors), "{majors}");
        assert!(ds
            .iter()
            .filter(|d| d.channel == Channel::AssignedFromAbove)
            .all(|d| d.assigned_by == Some(dir.streets[0])));
    }
}
