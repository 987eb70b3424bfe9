//! Working days (工作日) in China: weekends off, official holidays off, and the weekend days
//! that the yearly notice turns into working days (调休). Deadlines in the practice are
//! counted in working days, so this is what turns "5 working days" into a date.
//!
//! The calendar is data. The years 2021–2026 ship with the library (from the State Council
//! General Office's notices); a host loads later years as they are published. A question
//! about a year the calendar does not know is an error ([`CalendarError::UnknownYear`]),
//! never a silent guess that only weekends are off.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The shipped official calendar, as JSON.
pub const OFFICIAL_JSON: &str = include_str!("../data/holidays.json");

/// Why a calendar question could not be answered or a year could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The calendar has no notice for this year; load it with [`Calendar::load_year`].
    #[error("the working-day calendar does not know the year {0}; load that year's official holiday notice")]
    UnknownYear(i32),
    /// A holiday's `off` span is reversed or lies outside the year's reach.
    #[error("holiday `{name}` of {year}: {reason}")]
    BadHoliday {
        /// The notice year.
        year: i32,
        /// The holiday's name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The JSON could not be read.
    #[error("calendar JSON: {0}")]
    Json(String),
}

/// One holiday of a yearly notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// Name, e.g. "春节".
    pub name: String,
    /// First and last day off, inclusive.
    pub off: (NaiveDate, NaiveDate),
    /// Weekend days that become working days for this holiday.
    #[serde(default)]
    pub work: Vec<NaiveDate>,
}

/// One year's official notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct YearNotice {
    /// The year the notice is for.
    pub year: i32,
    /// The notice's reference, e.g. "国办发明电〔2022〕16号".
    #[serde(default)]
    pub source: String,
    /// The holidays.
    pub holidays: Vec<Holiday>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct CalendarFile {
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
    years: Vec<YearNotice>,
}

/// A working-day calendar. Built once per engine; every question is answered in constant
/// time from a day index (a working-day flag and a running count per day of the known
/// range), so deadline sweeps and statistics over millions of cases stay cheap.
///
/// ```
/// use fengqiao::calendar::Calendar;
/// let cal = Calendar::official();
/// let due = cal.add_working_days("2025-09-25".parse()?, 5)?; // across National Day, with 调休
/// assert_eq!(due.to_string(), "2025-10-09");
/// assert!(cal.is_working_day("2027-01-04".parse()?).is_err()); // unknown year: an error, not a guess
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    notices: BTreeMap<i32, YearNotice>,
    /// The first day of the indexed range (1 January of the first known year).
    start: Option<NaiveDate>,
    /// Per day from `start`: whether it is a working day.
    working: Vec<bool>,
    /// Per day from `start`: working days in `start..=day`.
    count: Vec<u32>,
    /// Index (from `start`) of the k-th working day, k from 0.
    nth: Vec<u32>,
}

impl Calendar {
    /// An empty calendar: knows no year.
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// The shipped official calendar (2021–2026).
    pub fn official() -> Calendar {
        Calendar::from_json(OFFICIAL_JSON).expect("shipped calendar is valid")
    }

    /// Reads a calendar file of the shape of `core/data/holidays.json`.
    pub fn from_json(json: &str) -> Result<Calendar, CalendarError> {
        let file: CalendarFile =
            serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        let mut cal = Calendar::empty();
        for y in file.years {
            cal.load_year(y)?;
        }
        Ok(cal)
    }

    /// Adds (or replaces) a year's notice. Checked first; on error nothing changes.
    pub fn load_year(&mut self, notice: YearNotice) -> Result<(), CalendarError> {
        for h in &notice.holidays {
            let bad = |reason| CalendarError::BadHoliday {
                year: notice.year,
                name: h.name.clone(),
                reason,
            };
            if h.off.0 > h.off.1 {
                return Err(bad("the first day off is after the last"));
            }
            if (h.off.1 - h.off.0).num_days() > 15 {
                return Err(bad("a holiday longer than 15 days is not plausible"));
            }
            if (h.off.0.year() - notice.year).abs() > 1 {
                return Err(bad("days off must lie in or next to the notice's year"));
            }
            if h.work.iter().any(|d| !is_weekend(*d)) {
                return Err(bad("a make-up working day must fall on a weekend"));
            }
        }
        self.notices.insert(notice.year, notice);
        self.rebuild();
        Ok(())
    }

    fn rebuild(&mut self) {
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        for n in self.notices.values() {
            for h in &n.holidays {
                let mut d = h.off.0;
                while d <= h.off.1 {
                    off.insert(d);
                    d = d.succ_opt().expect("in range");
                }
                work.extend(h.work.iter().copied());
            }
        }
        self.working.clear();
        self.count.clear();
        self.nth.clear();
        let (Some(first), Some(last)) = (self.notices.keys().next(), self.notices.keys().last())
        else {
            self.start = None;
            return;
        };
        let start = NaiveDate::from_ymd_opt(*first, 1, 1).expect("valid");
        let end = NaiveDate::from_ymd_opt(*last, 12, 31).expect("valid");
        self.start = Some(start);
        let mut d = start;
        let mut total = 0u32;
        while d <= end {
            let w = work.contains(&d) || (!is_weekend(d) && !off.contains(&d));
            if w {
                self.nth.push(self.working.len() as u32);
                total += 1;
            }
            self.working.push(w);
            self.count.push(total);
            d = d.succ_opt().expect("in range");
        }
    }

    /// The index of `date` in the day tables, if the range covers it.
    fn index(&self, date: NaiveDate) -> Option<usize> {
        let i = (date - self.start?).num_days();
        (0..self.working.len() as i64)
            .contains(&i)
            .then_some(i as usize)
    }

    fn check_years(&self, from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
        for y in from.year().min(to.year())..=from.year().max(to.year()) {
            if !self.notices.contains_key(&y) {
                return Err(CalendarError::UnknownYear(y));
            }
        }
        Ok(())
    }

    /// The years this calendar knows.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }

    /// The notices, for saving or showing.
    pub fn notices(&self) -> impl Iterator<Item = &YearNotice> {
        self.notices.values()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_years(date, date)?;
        Ok(self.working[self.index(date).expect("known years are indexed")])
    }

    /// The date `n` working days after `start` (`start` itself not counted; `n = 0` gives
    /// `start`). A deadline of "5 working days" from a registration on `start` falls due at
    /// the end of the returned day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            self.check_years(start, start)?;
            return Ok(start);
        }
        let i = self
            .index(start)
            .ok_or(CalendarError::UnknownYear(start.year()))?;
        let k = self.count[i] as usize + n as usize - 1;
        let Some(&j) = self.nth.get(k) else {
            let after = self.notices.keys().last().copied().unwrap_or(start.year()) + 1;
            return Err(CalendarError::UnknownYear(after));
        };
        let date = self.start.expect("indexed") + Days::new(j as u64);
        self.check_years(start, date)?;
        Ok(date)
    }

    /// Working days after `from` up to and including `to` (0 if `to <= from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        self.check_years(from, to)?;
        let (i, j) = (
            self.index(from).expect("indexed"),
            self.index(to).expect("indexed"),
        );
        Ok(self.count[j] - self.count[i])
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// China Standard Time (UTC+8): every day boundary in the library is drawn here.
pub fn china_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The instant of a wall-clock time on a day in China (the inverse of [`china_date`]).
/// `None` for an impossible time of day.
pub fn china_instant(day: NaiveDate, hour: u32, minute: u32, second: u32) -> Option<DateTime<Utc>> {
    let local = day.and_hms_opt(hour, minute, second)?;
    Some(local.and_utc() - chrono::Duration::hours(8))
}

/// The calendar date in China of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china_time()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn holidays_and_make_up_days() {
        let c = Calendar::official();
        assert!(!c.is_working_day(d("2026-02-16")).unwrap()); // Spring Festival, a Monday
        assert!(c.is_working_day(d("2026-02-14")).unwrap()); // Saturday made a working day
        assert!(!c.is_working_day(d("2025-06-07")).unwrap()); // ordinary Saturday
        assert!(c.is_working_day(d("2025-06-03")).unwrap()); // ordinary Tuesday
        assert!(!c.is_working_day(d("2022-12-31")).unwrap()); // 2023 New Year spans into 2022
        assert_eq!(
            c.years().collect::<Vec<_>>(),
            vec![2021, 2022, 2023, 2024, 2025, 2026]
        );
    }

    #[test]
    fn deadlines_cross_a_holiday_with_tiaoxiu() {
        let c = Calendar::official();
        // Registered Thu 2025-09-25; 5 working days: Fri 26, Sun 28 (调休), Mon 29, Tue 30,
        // then National Day 1–8 off, Thu 9.
        assert_eq!(
            c.add_working_days(d("2025-09-25"), 5).unwrap(),
            d("2025-10-09")
        );
        assert_eq!(
            c.working_days_between(d("2025-09-25"), d("2025-10-09"))
                .unwrap(),
            5
        );
        assert_eq!(
            c.add_working_days(d("2025-09-25"), 0).unwrap(),
            d("2025-09-25")
        );
    }

    #[test]
    fn unknown_years_are_errors_not_guesses() {
        let c = Calendar::official();
        assert_eq!(
            c.is_working_day(d("2027-03-01")),
            Err(CalendarError::UnknownYear(2027))
        );
        assert_eq!(
            c.add_working_days(d("2026-12-28"), 10),
            Err(CalendarError::UnknownYear(2027))
        );
        let mut c2 = c.clone();
        c2.load_year(YearNotice {
            year: 2027,
            source: "test".into(),
            holidays: vec![],
        })
        .unwrap();
        assert!(c2.add_working_days(d("2026-12-28"), 10).is_ok());
    }

    #[test]
    fn bad_notices_change_nothing() {
        let mut c = Calendar::official();
        let before = c.clone();
        let err = c.load_year(YearNotice {
            year: 2027,
            source: String::new(),
            holidays: vec![Holiday {
                name: "x".into(),
                off: (d("2027-02-10"), d("2027-02-01")),
                work: vec![],
            }],
        });
        assert!(matches!(err, Err(CalendarError::BadHoliday { .. })));
        assert_eq!(c, before);
    }
}
