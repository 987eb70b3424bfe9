//! Statistics (统计): the counts a governance centre reports — screened (排查), accepted,
//! mediated (调处), succeeded (化解), stabilised (稳控), escalated, referred, judicially
//! confirmed, overdue and closed — with rates, by category, by level and by period, rolled
//! up the hierarchy once per query.
//!
//! Definitions (each a property of a case at the query's `as_of` time):
//! - **screened**: registered (every case counts once);
//! - **accepted**: accepted by a handling unit;
//! - **mediated**: at least one mediation session held;
//! - **succeeded**: an agreement took effect (resolved, or closed after resolving) — in this
//!   phase or an earlier one of a reopened case, so a period's count never drops after the
//!   fact; distinct from **mediated** (调处: a session held);
//! - **stabilised**: currently under stabilisation (稳控);
//! - **coverage** = (succeeded + stabilised) / screened — the seed's "稳控化解全覆盖";
//! - **success rate** = succeeded / mediated;
//! - **on-time rate** (按时办结率) = cases concluded by the red day of their handling limit
//!   (brought forward to the legal window's last day where that is earlier) / cases
//!   concluded (办结: resolved, terminated or referred; a stabilisation is not a conclusion;
//!   see [`Counts::results`]);
//! - **transferred_out** (移交): the case left for another system with its trace
//!   ([`crate::transfer`]) and counts nothing else here — a case counts where it is held, so
//!   the counts of a sender and a receiver add up ([`Counts::add`]) without counting it twice.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::deadline::Standing;
use crate::dispute::Category;
use crate::hierarchy::{DivisionCode, Level};
use crate::lifecycle::{ConfirmationStatus, Dispute, State};
use crate::vocab::domain_enum;

pub(crate) mod ledger;
pub(crate) use ledger::{Entry, Ledger};

domain_enum! {
    /// A reporting period, in China time.
    pub enum Period {
        /// ISO week, e.g. `2023-W07`.
        Week = ("week", "周", "ISO week"),
        /// Month, e.g. `2023-02`.
        Month = ("month", "月", "month"),
        /// Quarter, e.g. `2023-Q1`.
        Quarter = ("quarter", "季度", "quarter"),
        /// Year, e.g. `2023`.
        Year = ("year", "年", "year"),
    }
}

impl Period {
    /// The label of the period containing `date`.
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            Period::Week => {
                let w = date.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{}-{:02}", date.year(), date.month()),
            Period::Quarter => format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
            Period::Year => date.year().to_string(),
        }
    }

    /// The first day of the period containing `date`: a key that sorts like the label.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| {
            NaiveDate::from_ymd_opt(date.year(), month, 1).expect("the first of a month exists")
        };
        match self {
            Period::Week => date - Days::new(date.weekday().num_days_from_monday() as u64),
            Period::Month => first_of(date.month()),
            Period::Quarter => first_of((date.month() - 1) / 3 * 3 + 1),
            Period::Year => first_of(1),
        }
    }
}

/// Declares the counters once: the [`Counts`] struct, their order (the array view the
/// ledger and the roll-ups use) and their names. Adding a counter is one line here and one
/// in [`Counts::of`].
macro_rules! counters {
    ($( $(#[$m:meta])* $name:ident ),+ $(,)?) => {
        /// The counts of a set of cases.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub struct Counts {
            $( $(#[$m])* pub $name: u64, )+
        }

        /// Each counter's position in [`Counts::to_array`].
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Debug, Clone, Copy)]
        pub(crate) enum Counter {
            $( $name ),+
        }

        /// How many counters there are.
        pub(crate) const COUNTERS: usize = [$(stringify!($name)),+].len();

        impl Counts {
            /// The counters' JSON names, in order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),+];

            /// The counters in order.
            pub(crate) fn to_array(self) -> [u64; COUNTERS] {
                [$(self.$name),+]
            }

            /// Counts from counters in order.
            pub(crate) fn from_array(a: [u64; COUNTERS]) -> Counts {
                let [$($name),+] = a;
                Counts { $($name),+ }
            }
        }
    };
}

counters! {
    /// 排查数: registered.
    screened,
    /// 受理数.
    accepted,
    /// 调处数: mediation held.
    mediated,
    /// 化解/成功数: an agreement took effect (in any phase of the case).
    succeeded,
    /// 稳控数.
    stabilised,
    /// 上报数: reported up at least once.
    escalated,
    /// 移送数.
    referred,
    /// 司法确认数: confirmation granted.
    confirmed,
    /// Early warning now (临期预警: past the warning share of the yellow limit).
    early_warning,
    /// Yellow warning now.
    overdue_yellow,
    /// Red, overdue now.
    overdue_red,
    /// 结案数.
    closed,
    /// 联合调处: handled by 公安+司法+法院+综治(+N).
    joint,
    /// 协议金额 (yuan) of agreements in force.
    agreement_yuan,
    /// Handled at grid or village/community level (小事不出社区).
    kept_in_community,
    /// Handled at street level or below (大事不出街道).
    kept_in_street,
    /// Cases concluded (办结: resolved, terminated or referred; a stabilisation is not a
    /// conclusion) with a handling limit to judge them by.
    results,
    /// … of which by the red day of their handling limit, or the legal window's last day
    /// where that is earlier (按时办结).
    results_on_time,
    /// 移交数: cases that left for another system with their trace (see `transfer`). Such a
    /// case counts nothing else here: a case counts where it is held, so reports from the
    /// sender and the receiver add up without counting it twice.
    transferred_out,
}

impl Counts {
    /// Adds `o` counter by counter (saturating): the counts of units that hold disjoint
    /// cases add up, as a level above adds its units' reports (a case counts where it is
    /// held: see `transferred_out`).
    pub fn add(&mut self, o: &Counts) {
        let (mut a, b) = (self.to_array(), o.to_array());
        for (x, y) in a.iter_mut().zip(b) {
            *x = x.saturating_add(y);
        }
        *self = Counts::from_array(a);
    }

    /// The counts of one case: `standing` is where it stands now, `handled_at` the level
    /// of the unit handling it, `on_time` whether its result came within its limit.
    pub fn of(
        d: &Dispute,
        standing: Standing,
        handled_at: Option<Level>,
        on_time: Option<bool>,
    ) -> Counts {
        let b = |x: bool| x as u64;
        if d.state == State::TransferredOut {
            return Counts {
                transferred_out: 1,
                ..Counts::default()
            };
        }
        Counts {
            screened: 1,
            accepted: b(d.accepted_at.is_some()),
            mediated: b(d.sessions > 0),
            succeeded: b(d.agreement.is_some() || d.previous.iter().any(|p| p.agreement.is_some())),
            stabilised: b(d.state == State::Stabilised),
            escalated: b(d.escalations > 0),
            referred: b(d.referred_to.is_some()),
            confirmed: b(d
                .confirmation
                .iter()
                .chain(d.previous.iter().filter_map(|p| p.confirmation.as_ref()))
                .any(|c| c.status == ConfirmationStatus::Granted)),
            early_warning: b(standing == Standing::Warning),
            overdue_yellow: b(standing == Standing::Yellow),
            overdue_red: b(standing == Standing::Red),
            closed: b(d.state == State::Closed),
            joint: b(d.routing.as_ref().is_some_and(|r| r.is_joint())),
            // The agreement in force, or the last one of an earlier phase.
            agreement_yuan: d
                .agreement
                .iter()
                .chain(d.previous.iter().rev().filter_map(|p| p.agreement.as_ref()))
                .next()
                .map_or(0, |a| a.amount_yuan),
            kept_in_community: b(handled_at.is_some_and(|l| l >= Level::Community)),
            kept_in_street: b(handled_at.is_some_and(|l| l >= Level::Street)),
            results: b(on_time.is_some()),
            results_on_time: b(on_time == Some(true)),
            transferred_out: 0,
        }
    }

    /// The rates derived from the counts.
    pub fn rates(&self) -> Rates {
        let r = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Rates {
            success: r(self.succeeded, self.mediated),
            on_time: r(self.results_on_time, self.results),
            coverage: r(self.succeeded + self.stabilised, self.screened),
            in_community: r(self.kept_in_community, self.screened),
            in_street: r(self.kept_in_street, self.screened),
        }
    }
}

/// Rates in `0.0..=1.0` (0 when the denominator is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rates {
    /// succeeded / mediated.
    pub success: f64,
    /// results on time / results.
    pub on_time: f64,
    /// (succeeded + stabilised) / screened.
    pub coverage: f64,
    /// kept in community / screened (小事不出社区).
    pub in_community: f64,
    /// kept in street / screened (大事不出街道).
    pub in_street: f64,
}

/// What to count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Only cases located in this unit's subtree (default: all the actor may see).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<DivisionCode>,
    /// Only cases registered on or after this day (China time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Only cases registered on or before this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// One row per unit at this level (cases roll up to their ancestor there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_level: Option<Level>,
    /// One row per category.
    #[serde(default)]
    pub by_category: bool,
    /// One row per period of registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_period: Option<Period>,
}

/// One row of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Row {
    /// The unit, when grouped by level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<DivisionCode>,
    /// Its name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit_name: String,
    /// The category, when grouped by category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The period, when grouped by period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Counts.
    pub counts: Counts,
    /// Rates.
    pub rates: Rates,
}

/// A statistics report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// The query answered.
    pub query: Query,
    /// The moment overdue states were taken at.
    pub as_of: DateTime<Utc>,
    /// Rows in (unit, category, period) order.
    pub rows: Vec<Row>,
    /// The total over every row.
    pub total: Row,
    /// What the counts could not decide, e.g. cases whose limits run into a year the
    /// calendar does not know (counted as on time until the year is loaded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A row's key: unit, category, first day of the period.
pub(crate) type Key = (Option<DivisionCode>, Option<Category>, Option<NaiveDate>);

/// Language of a printed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
    /// 中文 / English
    Both,
}

impl Lang {
    /// A label in this language: `zh`, `en`, or `zh/en` (the tables' column heads).
    pub fn label(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
            Lang::Both => format!("{zh}/{en}"),
        }
    }
}

/// A plain-text table for people (a dispatch meeting, an assessment report): a name column,
/// then one column a head, with bilingual heads, drawn by [`crate::table::Table`] (aligned
/// by display width, so Chinese rows line up under their heads).
pub(crate) struct TextTable {
    table: crate::table::Table,
}

impl TextTable {
    /// A table whose first head is `first` and the others `heads`, in `lang`.
    pub(crate) fn new(lang: Lang, first: (&str, &str), heads: &[(&str, &str)]) -> TextTable {
        let head = std::iter::once(lang.label(first.0, first.1))
            .chain(heads.iter().map(|(zh, en)| lang.label(zh, en)))
            .collect();
        TextTable {
            table: crate::table::Table::new(head),
        }
    }

    /// One row: its name and its cells.
    pub(crate) fn row(&mut self, name: &str, cells: impl IntoIterator<Item = String>) {
        self.table
            .row(std::iter::once(name.to_string()).chain(cells).collect());
    }

    /// The text.
    pub(crate) fn finish(self) -> String {
        self.table.render()
    }
}

impl Report {
    /// A plain-text table for a dispatch meeting (周调度会): one line per row plus the total.
    pub fn to_table(&self, lang: Lang) -> String {
        let head: [(&str, &str); 12] = [
            ("排查", "screened"),
            ("受理", "accepted"),
            ("调处", "mediated"),
            ("化解", "succeeded"),
            ("稳控", "stabilised"),
            ("上报", "escalated"),
            ("移送", "referred"),
            ("司法确认", "confirmed"),
            ("临期", "warning"),
            ("黄灯", "yellow"),
            ("超期", "red"),
            ("覆盖率", "coverage"),
        ];
        let label = |zh: &str, en: &str| lang.label(zh, en);
        let mut table = TextTable::new(lang, ("分组", "group"), &head);
        let cells = |c: &Counts| {
            [
                c.screened,
                c.accepted,
                c.mediated,
                c.succeeded,
                c.stabilised,
                c.escalated,
                c.referred,
                c.confirmed,
                c.early_warning,
                c.overdue_yellow,
                c.overdue_red,
            ]
            .map(|v| v.to_string())
            .into_iter()
            .chain([format!("{:.1}%", c.rates().coverage * 100.0)])
        };
        for r in &self.rows {
            let mut parts = Vec::new();
            if let Some(u) = r.unit {
                parts.push(if r.unit_name.is_empty() {
                    u.to_string()
                } else {
                    r.unit_name.clone()
                });
            }
            if let Some(c) = r.category {
                parts.push(label(c.label_zh(), c.label_en()));
            }
            if let Some(p) = &r.period {
                parts.push(p.clone());
            }
            table.row(&parts.join(" "), cells(&r.counts));
        }
        table.row(&label("合计", "total"), cells(&self.total.counts));
        table.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows are keyed by the first day of their period and labelled from it: every day must
    /// get its own period's label back, and the keys must sort as the labels do.
    #[test]
    fn a_period_starts_on_a_day_with_the_same_label() {
        let mut day = NaiveDate::from_ymd_opt(2020, 12, 20).unwrap();
        let last = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        for p in Period::ALL {
            let mut previous: Option<NaiveDate> = None;
            let mut d = day;
            while d <= last {
                let start = p.start(d);
                assert!(start <= d, "{p:?} {d}");
                assert_eq!(p.label(start), p.label(d), "{p:?} {d}");
                assert_eq!(p.start(start), start, "{p:?} {d}");
                if let Some(prev) = previous {
                    assert!(start >= prev);
                    assert_eq!(start > prev, p.label(start) > p.label(prev), "{p:?} {d}");
                }
                previous = Some(start);
                d = d.succ_opt().unwrap();
            }
        }
        // ISO weeks cross years: 2021-01-03 (a Sunday) is in week 53 of 2020.
        day = NaiveDate::from_ymd_opt(2021, 1, 3).unwrap();
        assert_eq!(Period::Week.label(day), "2020-W53");
        assert_eq!(
            Period::Week.start(day),
            NaiveDate::from_ymd_opt(2020, 12, 28).unwrap()
        );
    }
}
