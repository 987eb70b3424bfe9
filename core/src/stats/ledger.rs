//! The statistics ledger (统计台账): one small, fixed-size entry per case, kept up to date
//! by the engine whenever a case changes, so that a roll-up over a prefecture's million
//! cases reads a dense array instead of a million case records.
//!
//! An entry holds what a case contributes to the counts that does not depend on the moment
//! of the query: its registration day, place, handling unit, category, the 0/1 counters of
//! [`Counts::of`] and its agreement amount, and the due days of its running limit. What
//! does depend on the query is derived from the entry: where the case stands at `as_of`
//! ([`Standing::on`] against the due days), and the level of its handling unit (from the
//! unit's current code, so moved units count where they are now).
//!
//! The entry depends on the case, the rule set (default limits of unrouted cases) and the
//! calendar (due days); the engine refreshes one entry per accepted operation and every
//! entry when the rules or the calendar are replaced.

use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use super::{Counter, Counts, COUNTERS};
use crate::calendar::china_date;
use crate::calendar::Calendar;
use crate::deadline::{self, Standing};
use crate::dispute::Category;
use crate::hierarchy::{DivisionCode, Level};
use crate::lifecycle::Dispute;
use crate::routing::RuleSet;

/// The counters that depend on the moment of the query (where the case stands, the level
/// of its handling unit now) or are not 0/1: everything else is fixed by the case alone
/// and kept as one bit per counter, at the counter's position.
const AT_QUERY: [Counter; 6] = [
    Counter::early_warning,
    Counter::overdue_yellow,
    Counter::overdue_red,
    Counter::kept_in_community,
    Counter::kept_in_street,
    Counter::agreement_yuan,
];

/// One case, as statistics read it (64 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Registration day, China time.
    pub day: NaiveDate,
    /// Due days of the running limit; where it reaches a year the calendar does not know,
    /// the latest any holiday notice can give.
    due: Option<deadline::Due>,
    /// Where the limit reaches a year the calendar does not know: how many days before
    /// `due`'s each threshold (warning, yellow, red) the earliest possible one falls
    /// (`u16::MAX`: unknown, so calendars may disagree from the start); zeros otherwise. A
    /// query counts the standing every calendar gives and names the cases where they
    /// disagree. Kept as day counts so an entry stays within 64 bytes.
    slack: [u16; 3],
    /// Where the dispute is (its code at registration).
    pub location: DivisionCode,
    /// The unit handling it (its code when last changed).
    pub handling: DivisionCode,
    /// Category.
    pub category: Category,
    /// The case-fixed 0/1 counters, one bit at each counter's position (see [`AT_QUERY`]).
    tally: u32,
    /// Agreement amount in force, yuan.
    agreement_yuan: u64,
}

/// The tally bit past the counters that marks a result whose timeliness depends on a year
/// the calendar does not know ([`Entry::unjudged`]); `add_to` adds only the counters' bits.
const UNJUDGED_BIT: u32 = 31;
const _: () = assert!(COUNTERS <= UNJUDGED_BIT as usize);

impl Entry {
    /// The entry of a case under `rules` and `calendar`.
    pub fn of(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> Entry {
        let facts = deadline::ledger_facts(d, calendar, rules);
        let c = Counts::of(d, Standing::OnTime, None, facts.on_time);
        let mut tally = c
            .to_array()
            .iter()
            .enumerate()
            .fold(0u32, |t, (i, &b)| t | ((b.min(1) as u32) << i));
        for q in AT_QUERY {
            tally &= !(1 << q as u32);
        }
        tally |= u32::from(facts.unjudged) << UNJUDGED_BIT;
        Entry {
            day: china_date(d.registered_at),
            due: facts.due,
            slack: match (facts.due, facts.earliest) {
                (Some(late), Some(early)) => {
                    let gap = |l: NaiveDate, e: NaiveDate| {
                        u16::try_from((l - e).num_days()).unwrap_or(u16::MAX)
                    };
                    [
                        gap(late.warning, early.warning),
                        gap(late.yellow, early.yellow),
                        gap(late.red, early.red),
                    ]
                }
                _ => [0; 3],
            },
            location: d.input.location,
            handling: d.handling_unit,
            category: d.input.category,
            tally,
            agreement_yuan: c.agreement_yuan,
        }
    }

    /// Where the case stands on `today`, and whether calendars for a year the calendar does
    /// not know would disagree (then the least standing they give).
    #[inline]
    pub fn standing(&self, today: NaiveDate) -> (Standing, bool) {
        let Some(late) = self.due else {
            return (Standing::OnTime, false);
        };
        if !self.bounded() {
            return (Standing::on(late, today), false);
        }
        let before = |day: NaiveDate, gap: u16| match gap {
            u16::MAX => NaiveDate::MIN,
            g => day - chrono::Days::new(u64::from(g)),
        };
        let early = deadline::Due {
            warning: before(late.warning, self.slack[0]),
            yellow: before(late.yellow, self.slack[1]),
            red: before(late.red, self.slack[2]),
        };
        deadline::stand_bounded(early, late, today)
    }

    /// Whether the running limit reaches a year the calendar does not know.
    pub fn bounded(&self) -> bool {
        self.slack != [0; 3]
    }

    /// Whether the result's timeliness depends on a year the calendar does not know.
    pub fn unjudged(&self) -> bool {
        self.tally >> UNJUDGED_BIT & 1 == 1
    }

    /// Adds this case's counts to `t`: the same as adding [`Counts::of`] for the case at a
    /// moment when it stands `standing` and is handled at `handled_at`.
    #[inline]
    pub fn add_to(&self, t: &mut Tally, standing: Standing, handled_at: Level) {
        let at = |c: Counter, on: bool| (on as u32) << c as u32;
        // A case sent to another system counts only as sent here (see
        // `Counts::transferred_out`): nothing that depends on the moment is added.
        if self.tally & at(Counter::transferred_out, true) != 0 {
            for (i, n) in t.n.iter_mut().enumerate() {
                *n += (self.tally >> i) & 1;
            }
            return;
        }
        let bits = self.tally
            | at(Counter::early_warning, standing == Standing::Warning)
            | at(Counter::overdue_yellow, standing == Standing::Yellow)
            | at(Counter::overdue_red, standing == Standing::Red)
            | at(Counter::kept_in_community, handled_at >= Level::Community)
            | at(Counter::kept_in_street, handled_at >= Level::Street);
        for (i, n) in t.n.iter_mut().enumerate() {
            *n += (bits >> i) & 1;
        }
        t.yuan = t.yuan.saturating_add(self.agreement_yuan);
    }
}

/// The counts of one row while a roll-up runs: 32-bit counters (a row of four billion cases
/// is not a county's) in counter order, so that the rows of a prefecture stay in cache while
/// a million entries stream past; the agreement amount apart, in 64 bits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    n: [u32; COUNTERS],
    yuan: u64,
}

impl Tally {
    /// The row's counts.
    pub fn counts(&self) -> Counts {
        // A plain loop, not `[u32; N]::map`: LLVM stopped inlining that closure here once
        // the crate around it changed (+2.9 % instructions a roll-up, for the same code).
        let mut a = [0u64; COUNTERS];
        for (wide, &n) in a.iter_mut().zip(&self.n) {
            *wide = u64::from(n);
        }
        a[Counter::agreement_yuan as usize] = self.yuan;
        Counts::from_array(a)
    }
}

/// Every case's entry, by the slot the engine gave the case at registration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    entries: Vec<Entry>,
}

impl Ledger {
    /// Adds a case; returns its slot.
    pub fn push(&mut self, e: Entry) -> u32 {
        self.entries.push(e);
        (self.entries.len() - 1) as u32
    }

    /// Replaces the entry in `slot`.
    pub fn set(&mut self, slot: u32, e: Entry) {
        self.entries[slot as usize] = e;
    }

    /// The entry in `slot`.
    pub fn get(&self, slot: u32) -> &Entry {
        &self.entries[slot as usize]
    }

    /// Every entry, in registration order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// A multiplicative hasher for the roll-up's keys (unit codes, categories, days): the
/// keys are the engine's own, so the DoS resistance of the default hasher buys nothing,
/// and it costs more than the rest of the per-case work.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.write_u64(i as u32 as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
}

/// `HashMap` state for [`KeyHasher`].
pub(crate) type Keyed = BuildHasherDefault<KeyHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_small() {
        assert!(
            std::mem::size_of::<Entry>() <= 64,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }
}
