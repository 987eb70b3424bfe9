//! Evaluation of conditions: the plain reference evaluator, and the compiled index.
//!
//! Each rule's condition is over-approximated by a [`Region`]: for every enumerable
//! dimension (category, channel, urgency, risk, group size, level, flag combination) the set
//! of values it can accept, plus intervals for head count and amount. A region is *exact*
//! when the condition is precisely that box (a conjunction of such tests, or the negation of
//! one); otherwise the full condition is re-checked on the rules the index proposes.
//!
//! The index keeps, for every dimension and value, a bitset of the rules (in evaluation
//! order) whose region accepts that value. A decision ANDs seven bitsets word by word and
//! only looks at the surviving rules, so its cost grows with the number of rules that could
//! match, not with the size of the rule set.

use crate::hierarchy::UnitRef;

use super::model::{Condition, Range};
use crate::dispute::{
    Category, Channel, DisputeInput, Flag, Flags, GroupSize, RiskColour, Urgency,
};
use crate::hierarchy::{Hierarchy, Level};

/// The facts a condition is evaluated against: a dispute seen from routing.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Category.
    pub category: Category,
    /// Subtype, if any.
    pub subtype: Option<&'a str>,
    /// Discovery channel.
    pub channel: Channel,
    /// Urgency.
    pub urgency: Urgency,
    /// Risk colour.
    pub risk: RiskColour,
    /// People involved.
    pub people: u32,
    /// Amount in yuan.
    pub amount: Option<u64>,
    /// Flags.
    pub flags: Flags,
    /// The dispute's location, if it is in the hierarchy.
    pub location: Option<UnitRef>,
    /// Level of the deciding unit.
    pub level: Level,
}

impl<'a> Facts<'a> {
    /// The facts of `d`, located at `location` and decided by a unit at `level` (what
    /// [`super::Router::decide`] finds by walking the hierarchy).
    pub fn of(d: &'a DisputeInput, location: Option<UnitRef>, level: Level) -> Facts<'a> {
        Facts {
            category: d.category,
            subtype: d.subtype.as_deref(),
            channel: d.channel,
            urgency: d.urgency,
            risk: d.risk,
            people: d.people(),
            amount: d.amount_yuan,
            flags: d.flags,
            location,
            level,
        }
    }

    fn values(&self) -> [usize; DIMS] {
        [
            self.category.index(),
            self.channel.index(),
            self.urgency.index(),
            self.risk.index(),
            GroupSize::of(self.people).index(),
            self.level.index(),
            self.flags.bits() as usize,
        ]
    }
}

const DIMS: usize = 7;
const FLAG_VALUES: usize = 1 << Flag::ALL.len();
const DIM_SIZES: [usize; DIMS] = [
    Category::ALL.len(),
    Channel::ALL.len(),
    Urgency::ALL.len(),
    RiskColour::ALL.len(),
    GroupSize::ALL.len(),
    Level::ALL.len(),
    FLAG_VALUES,
];

fn full_mask(dim: usize) -> u128 {
    if DIM_SIZES[dim] == 128 {
        u128::MAX
    } else {
        (1u128 << DIM_SIZES[dim]) - 1
    }
}

fn mask_of(idx: impl IntoIterator<Item = usize>) -> u128 {
    idx.into_iter().fold(0, |m, i| m | 1u128 << i)
}

fn flag_mask(pred: impl Fn(u8) -> bool) -> u128 {
    mask_of((0..FLAG_VALUES).filter(|&v| pred(v as u8)))
}

/// The box a condition fits in. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    masks: [u128; DIMS],
    people: (u64, u64),
    amount: (u64, u64),
    /// Whether a dispute with no amount can match.
    no_amount: bool,
    /// Whether the condition is exactly this box.
    pub exact: bool,
}

impl Region {
    /// Everything.
    pub fn full() -> Region {
        Region {
            masks: std::array::from_fn(full_mask),
            people: (0, u64::MAX),
            amount: (0, u64::MAX),
            no_amount: true,
            exact: true,
        }
    }

    fn with_mask(dim: usize, mask: u128) -> Region {
        let mut r = Region::full();
        r.masks[dim] = mask & full_mask(dim);
        r
    }

    fn inexact() -> Region {
        Region {
            exact: false,
            ..Region::full()
        }
    }

    /// Whether no dispute can fall in the box.
    pub fn is_empty(&self) -> bool {
        self.masks.contains(&0)
            || self.people.0 > self.people.1
            || (self.amount.0 > self.amount.1 && !self.no_amount)
    }

    /// Whether every point of `other` is in `self`.
    pub fn covers(&self, other: &Region) -> bool {
        self.masks.iter().zip(other.masks).all(|(a, b)| b & !a == 0)
            && self.people.0 <= other.people.0
            && self.people.1 >= other.people.1
            && (!other.no_amount || self.no_amount)
            && (other.amount.0 > other.amount.1
                || (self.amount.0 <= other.amount.0 && self.amount.1 >= other.amount.1))
    }

    /// Whether the whole space is in the box and the condition is exactly that.
    pub fn is_universal(&self) -> bool {
        self.exact && self.covers(&Region::full())
    }

    fn intersect(&self, o: &Region) -> Region {
        Region {
            masks: std::array::from_fn(|i| self.masks[i] & o.masks[i]),
            people: (self.people.0.max(o.people.0), self.people.1.min(o.people.1)),
            amount: (self.amount.0.max(o.amount.0), self.amount.1.min(o.amount.1)),
            no_amount: self.no_amount && o.no_amount,
            exact: self.exact && o.exact,
        }
    }

    fn union(&self, o: &Region) -> Region {
        Region {
            masks: std::array::from_fn(|i| self.masks[i] | o.masks[i]),
            people: (self.people.0.min(o.people.0), self.people.1.max(o.people.1)),
            amount: (self.amount.0.min(o.amount.0), self.amount.1.max(o.amount.1)),
            no_amount: self.no_amount || o.no_amount,
            exact: false,
        }
    }

    /// The dimensions where the box is narrower than everything, for a negation.
    fn restricted_dims(&self) -> Vec<usize> {
        (0..DIMS)
            .filter(|&d| self.masks[d] != full_mask(d))
            .collect()
    }

    /// Whether the facts fall in the box (all dimensions, intervals included).
    fn admits(&self, f: &Facts) -> bool {
        let v = f.values();
        (0..DIMS).all(|d| self.masks[d] >> v[d] & 1 == 1)
            && (self.people.0..=self.people.1).contains(&(f.people as u64))
            && match f.amount {
                None => self.no_amount,
                Some(a) => (self.amount.0..=self.amount.1).contains(&a),
            }
    }

    /// The region of a condition.
    pub fn of(c: &Condition) -> Region {
        let range = |r: &Range| (r.min.unwrap_or(0), r.max.unwrap_or(u64::MAX));
        match c {
            Condition::Always => Region::full(),
            Condition::All(cs) => cs
                .iter()
                .fold(Region::full(), |acc, c| acc.intersect(&Region::of(c))),
            Condition::Any(cs) => match cs.as_slice() {
                [one] => Region::of(one),
                _ => {
                    let mut empty = Region::full();
                    empty.masks = [0; DIMS];
                    empty.no_amount = false;
                    empty.exact = false;
                    empty.people = (1, 0);
                    empty.amount = (1, 0);
                    cs.iter().fold(empty, |acc, c| acc.union(&Region::of(c)))
                }
            },
            Condition::Not(inner) => {
                let r = Region::of(inner);
                match r.restricted_dims().as_slice() {
                    // The negation of a one-dimension test is exactly its complement.
                    [d] if r.exact
                        && r.people == (0, u64::MAX)
                        && r.amount == (0, u64::MAX)
                        && r.no_amount =>
                    {
                        Region::with_mask(*d, !r.masks[*d])
                    }
                    _ => Region::inexact(),
                }
            }
            Condition::CategoryIn(v) => Region::with_mask(0, mask_of(v.iter().map(|c| c.index()))),
            Condition::ChannelIn(v) => Region::with_mask(1, mask_of(v.iter().map(|c| c.index()))),
            Condition::UrgencyAtLeast(u) => {
                Region::with_mask(2, mask_of(u.index()..Urgency::ALL.len()))
            }
            Condition::UrgencyIn(v) => Region::with_mask(2, mask_of(v.iter().map(|c| c.index()))),
            Condition::RiskAtLeast(r) => {
                Region::with_mask(3, mask_of(r.index()..RiskColour::ALL.len()))
            }
            Condition::RiskIn(v) => Region::with_mask(3, mask_of(v.iter().map(|c| c.index()))),
            Condition::GroupSizeIn(v) => Region::with_mask(4, mask_of(v.iter().map(|c| c.index()))),
            Condition::LevelIn(v) => Region::with_mask(5, mask_of(v.iter().map(|c| c.index()))),
            Condition::FlagsAll(v) => {
                let need: Flags = v.iter().copied().collect();
                Region::with_mask(6, flag_mask(|bits| bits & need.bits() == need.bits()))
            }
            Condition::FlagsAny(v) => {
                let any: Flags = v.iter().copied().collect();
                Region::with_mask(6, flag_mask(|bits| bits & any.bits() != 0))
            }
            Condition::People(r) => Region {
                people: range(r),
                ..Region::full()
            },
            Condition::AmountYuan(r) => Region {
                amount: range(r),
                no_amount: false,
                ..Region::full()
            },
            Condition::SubtypeIn(_) | Condition::Within(_) => Region::inexact(),
        }
    }
}

/// Resolves `within` codes to nodes once; unknown codes never match.
pub trait UnitLookup {
    /// Whether `location` lies within the unit `code`.
    fn within(&self, location: Option<UnitRef>, code: crate::hierarchy::DivisionCode) -> bool;
}

impl UnitLookup for Hierarchy {
    fn within(&self, location: Option<UnitRef>, code: crate::hierarchy::DivisionCode) -> bool {
        match (location, self.unit_ref(code)) {
            (Some(l), Ok(u)) => self.is_within_ref(l, u),
            _ => false,
        }
    }
}

/// No hierarchy: `within` never matches (used when validating a rule set on its own).
pub struct NoUnits;

impl UnitLookup for NoUnits {
    fn within(&self, _: Option<UnitRef>, _: crate::hierarchy::DivisionCode) -> bool {
        false
    }
}

/// The reference evaluator: the meaning of a condition, written as plainly as possible.
pub fn eval(c: &Condition, f: &Facts, units: &dyn UnitLookup) -> bool {
    match c {
        Condition::Always => true,
        Condition::All(cs) => cs.iter().all(|c| eval(c, f, units)),
        Condition::Any(cs) => cs.iter().any(|c| eval(c, f, units)),
        Condition::Not(c) => !eval(c, f, units),
        Condition::CategoryIn(v) => v.contains(&f.category),
        Condition::SubtypeIn(v) => f.subtype.is_some_and(|s| v.iter().any(|x| x == s)),
        Condition::ChannelIn(v) => v.contains(&f.channel),
        Condition::UrgencyAtLeast(u) => f.urgency >= *u,
        Condition::UrgencyIn(v) => v.contains(&f.urgency),
        Condition::RiskAtLeast(r) => f.risk >= *r,
        Condition::RiskIn(v) => v.contains(&f.risk),
        Condition::People(r) => r.contains(f.people as u64),
        Condition::GroupSizeIn(v) => v.contains(&GroupSize::of(f.people)),
        Condition::AmountYuan(r) => f.amount.is_some_and(|a| r.contains(a)),
        Condition::FlagsAll(v) => v.iter().all(|x| f.flags.has(*x)),
        Condition::FlagsAny(v) => v.iter().any(|x| f.flags.has(*x)),
        Condition::Within(code) => units.within(f.location, *code),
        Condition::LevelIn(v) => v.contains(&f.level),
    }
}

/// The compiled index over a list of conditions (already in evaluation order).
#[derive(Debug, Clone)]
pub struct Index {
    words: usize,
    /// `bits[(offset[dim] + value) * words + w]`
    bits: Vec<u64>,
    offsets: [usize; DIMS],
    regions: Vec<Region>,
}

impl Index {
    /// Builds the index for conditions in evaluation order.
    pub fn build<'a>(conditions: impl IntoIterator<Item = &'a Condition>) -> Index {
        let regions: Vec<Region> = conditions.into_iter().map(Region::of).collect();
        let words = regions.len().div_ceil(64).max(1);
        let mut offsets = [0; DIMS];
        let mut total = 0;
        for d in 0..DIMS {
            offsets[d] = total;
            total += DIM_SIZES[d];
        }
        let mut bits = vec![0u64; total * words];
        for (i, r) in regions.iter().enumerate() {
            for d in 0..DIMS {
                for v in 0..DIM_SIZES[d] {
                    if r.masks[d] >> v & 1 == 1 {
                        bits[(offsets[d] + v) * words + i / 64] |= 1 << (i % 64);
                    }
                }
            }
        }
        Index {
            words,
            bits,
            offsets,
            regions,
        }
    }

    /// The region of rule `i`.
    pub fn region(&self, i: usize) -> &Region {
        &self.regions[i]
    }

    /// Calls `hit(i)` for every rule (in order) whose condition holds, until `hit` returns
    /// false. `condition(i)` must be the condition rule `i` was built from.
    pub fn matches<'c>(
        &self,
        f: &Facts,
        condition: impl Fn(usize) -> &'c Condition,
        units: &dyn UnitLookup,
        mut hit: impl FnMut(usize) -> bool,
    ) {
        let v = f.values();
        let rows: [&[u64]; DIMS] = std::array::from_fn(|d| {
            let start = (self.offsets[d] + v[d]) * self.words;
            &self.bits[start..start + self.words]
        });
        for w in 0..self.words {
            let mut word = rows.iter().fold(u64::MAX, |acc, r| acc & r[w]);
            while word != 0 {
                let i = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let r = &self.regions[i];
                let ok = if r.exact {
                    r.admits(f)
                } else {
                    r.admits(f) && eval(condition(i), f, units)
                };
                if ok && !hit(i) {
                    return;
                }
            }
        }
    }
}
