//! Working days (工作日) in China: weekends off, official holidays off, and the weekend days
//! that the yearly notice turns into working days (调休). Deadlines in the practice are
//! counted in working days, so this is what turns "5 working days" into a date.
//!
//! The calendar is data. The years 2021–2026 ship with the library (from the State Council
//! General Office's notices); a host loads later years as they are published. A question
//! about a year the calendar does not know is an error ([`CalendarError::UnknownYear`]),
//! never a silent guess that only weekends are off.
//!
//! Over the national calendar a unit (a county, a street) may keep its own days off and
//! working days ([`LocalCalendar`], 特色日历): the practice's working-day limits of a case
//! are counted on the calendar of the unit handling it ([`Calendar::at`]); the law's
//! natural-day windows end on the national calendar ([`Calendar::is_working_day`]),
//! because 民法典 art. 203 moves a period's last day past the *statutory* days off only.

mod local;

pub use local::{LocalCalendar, LocalDay};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::hierarchy::{CodeScheme, DivisionCode};

/// The shipped official calendar, as JSON (a `static`: one copy in the binary).
pub static OFFICIAL_JSON: &str = include_str!("../../data/holidays.json");

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
    /// A local calendar that contradicts itself or the national calendar; nothing changed.
    #[error("local calendar of {unit}: {date}: {reason}")]
    BadLocal {
        /// The unit whose calendar it is.
        unit: DivisionCode,
        /// The day in question.
        date: NaiveDate,
        /// What is wrong, and what is allowed.
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
/// range), so deadline sweeps and statistics over millions of cases stay cheap. Local
/// calendars ([`Calendar::set_local`]) get an index of their own.
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
    /// The national working days.
    national: DayIndex,
    /// Local calendars by unit, each with its own day index over the national one.
    locals: BTreeMap<DivisionCode, Local>,
}

/// A local calendar as held: its data, the code prefix of the units it covers, its days.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Local {
    data: LocalCalendar,
    /// The unit's significant digits: a unit is covered when its code starts with them.
    prefix: DivisionCode,
    index: DayIndex,
}

/// Working days as a dense index: per day of the known years whether it is a working day
/// and how many working days precede it, so every question is answered in constant time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct DayIndex {
    /// The first day of the indexed range (1 January of the first known year).
    start: Option<NaiveDate>,
    /// Per day from `start`: whether it is a working day.
    working: Vec<bool>,
    /// Per day from `start`: working days in `start..=day`.
    count: Vec<u32>,
    /// Index (from `start`) of the k-th working day, k from 0.
    nth: Vec<u32>,
}

/// The working days of one place: the national calendar, or a unit's local calendar over
/// it. What the practice's limits are counted on ([`Calendar::at`]).
#[derive(Debug, Clone, Copy)]
pub struct WorkingDays<'a> {
    notices: &'a BTreeMap<i32, YearNotice>,
    index: &'a DayIndex,
    unit: Option<DivisionCode>,
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
        self.national = DayIndex::build(&self.notices, &BTreeSet::new(), &BTreeSet::new());
        let notices = &self.notices;
        for l in self.locals.values_mut() {
            l.index = DayIndex::build(notices, &l.data.off_set(), &l.data.work_set());
        }
    }

    /// The national working days: what the law's windows are counted on.
    pub fn national(&self) -> WorkingDays<'_> {
        WorkingDays {
            notices: &self.notices,
            index: &self.national,
            unit: None,
        }
    }

    /// The working days of `unit`: those of the nearest local calendar whose unit contains
    /// it (a street's over its county's), or the national ones. A case's working-day limits
    /// are counted on `calendar.at(handling unit)`.
    ///
    /// ```
    /// use fengqiao::calendar::{Calendar, LocalCalendar, LocalDay};
    /// use fengqiao::hierarchy::CodeScheme;
    /// let mut cal = Calendar::official();
    /// let county = "522301000000".parse()?;
    /// cal.set_local(LocalCalendar {
    ///     unit: county,
    ///     source: "县政府通知".into(),
    ///     days_off: vec![LocalDay { date: "2026-04-20".parse()?, name: "三月三".into() }],
    ///     working_days: vec![],
    /// }, &CodeScheme::default())?;
    /// let village = "522301001001".parse()?;
    /// assert!(!cal.at(village).is_working_day("2026-04-20".parse()?)?);
    /// assert!(cal.is_working_day("2026-04-20".parse()?)?); // the national calendar
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at(&self, unit: DivisionCode) -> WorkingDays<'_> {
        let local = self
            .locals
            .values()
            .filter(|l| unit.starts_with(l.prefix))
            .max_by_key(|l| l.prefix.digits());
        match local {
            Some(l) => WorkingDays {
                notices: &self.notices,
                index: &l.index,
                unit: Some(l.data.unit),
            },
            None => self.national(),
        }
    }

    /// Sets (or, with no days, removes) a unit's local calendar. Checked against itself and
    /// the national calendar first ([`LocalCalendar::check`]); on error nothing changes.
    pub fn set_local(
        &mut self,
        local: LocalCalendar,
        scheme: &CodeScheme,
    ) -> Result<(), CalendarError> {
        local.check(self.national())?;
        let unit = local.unit;
        if local.days_off.is_empty() && local.working_days.is_empty() {
            self.locals.remove(&unit);
            return Ok(());
        }
        let level = scheme.level_of(unit);
        let prefix = unit
            .prefix(scheme.significant_digits(level).min(unit.digits()))
            .unwrap_or(unit);
        let index = DayIndex::build(&self.notices, &local.off_set(), &local.work_set());
        self.locals.insert(
            unit,
            Local {
                data: local,
                prefix,
                index,
            },
        );
        Ok(())
    }

    /// The local calendars, by unit.
    pub fn locals(&self) -> impl Iterator<Item = &LocalCalendar> {
        self.locals.values().map(|l| &l.data)
    }

    /// This calendar's national years with `other`'s local calendars (the engine keeps its
    /// local calendars when the national notices are replaced).
    pub(crate) fn with_locals_of(mut self, other: &Calendar) -> Calendar {
        self.locals = other.locals.clone();
        self.rebuild();
        self
    }

    /// The years this calendar knows.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }

    /// The notices, for saving or showing.
    pub fn notices(&self) -> impl Iterator<Item = &YearNotice> {
        self.notices.values()
    }

    /// Whether `date` is a working day on the national calendar.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.national().is_working_day(date)
    }

    /// [`WorkingDays::add_working_days`] on the national calendar.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.national().add_working_days(start, n)
    }

    /// [`WorkingDays::working_days_between`] on the national calendar.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        self.national().working_days_between(from, to)
    }
}

impl DayIndex {
    /// The index over the years of `notices`: weekends and holidays off, make-up days
    /// working, then a local calendar's days off and working days over them.
    fn build(
        notices: &BTreeMap<i32, YearNotice>,
        local_off: &BTreeSet<NaiveDate>,
        local_work: &BTreeSet<NaiveDate>,
    ) -> DayIndex {
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        for n in notices.values() {
            for h in &n.holidays {
                let mut d = h.off.0;
                while d <= h.off.1 {
                    off.insert(d);
                    d = d.succ_opt().expect("in range");
                }
                work.extend(h.work.iter().copied());
            }
        }
        let mut ix = DayIndex::default();
        let (Some(first), Some(last)) = (notices.keys().next(), notices.keys().last()) else {
            return ix;
        };
        let start = NaiveDate::from_ymd_opt(*first, 1, 1).expect("valid");
        let end = NaiveDate::from_ymd_opt(*last, 12, 31).expect("valid");
        ix.start = Some(start);
        let mut d = start;
        let mut total = 0u32;
        while d <= end {
            let national = work.contains(&d) || (!is_weekend(d) && !off.contains(&d));
            // A later national notice wins over a local working day that falls in its holiday.
            let w = (national || (local_work.contains(&d) && !off.contains(&d)))
                && !local_off.contains(&d);
            if w {
                ix.nth.push(ix.working.len() as u32);
                total += 1;
            }
            ix.working.push(w);
            ix.count.push(total);
            d = d.succ_opt().expect("in range");
        }
        ix
    }

    /// The index of `date` in the day tables, if the range covers it.
    fn index(&self, date: NaiveDate) -> Option<usize> {
        let i = (date - self.start?).num_days();
        (0..self.working.len() as i64)
            .contains(&i)
            .then_some(i as usize)
    }
}

impl WorkingDays<'_> {
    /// The unit whose local calendar this is; `None` for the national calendar.
    pub fn unit(&self) -> Option<DivisionCode> {
        self.unit
    }

    fn check_years(&self, from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
        for y in from.year().min(to.year())..=from.year().max(to.year()) {
            if !self.notices.contains_key(&y) {
                return Err(CalendarError::UnknownYear(y));
            }
        }
        Ok(())
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_years(date, date)?;
        Ok(self.index.working[self.index.index(date).expect("known years are indexed")])
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
            .index
            .index(start)
            .ok_or(CalendarError::UnknownYear(start.year()))?;
        let k = self.index.count[i] as usize + n as usize - 1;
        let Some(&j) = self.index.nth.get(k) else {
            let after = self.notices.keys().last().copied().unwrap_or(start.year()) + 1;
            return Err(CalendarError::UnknownYear(after));
        };
        let date = self.index.start.expect("indexed") + Days::new(j as u64);
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
            self.index.index(from).expect("indexed"),
            self.index.index(to).expect("indexed"),
        );
        Ok(self.index.count[j] - self.index.count[i])
    }

    /// Whether `date` lies in a national holiday's days off (not an ordinary weekend).
    fn in_national_holiday(&self, date: NaiveDate) -> bool {
        self.notices
            .values()
            .flat_map(|n| &n.holidays)
            .any(|h| h.off.0 <= date && date <= h.off.1)
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date written as the eight ASCII digits `yyyymmdd`, if they are that and name a real
/// day (case codes carry their registration day so). Checked by hand: chrono's strftime
/// parser is otherwise unused and weighs in the WebAssembly module.
pub fn date_from_digits(digits: &[u8]) -> Option<NaiveDate> {
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'))
    };
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8))
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
    fn eight_digits_name_a_day_or_nothing() {
        assert_eq!(date_from_digits(b"20250609"), Some(d("2025-06-09")));
        assert_eq!(date_from_digits(b"20240229"), Some(d("2024-02-29")));
        for bad in [
            &b"20250229"[..],
            b"20251301",
            b"2025069",
            b"2025-6-9",
            b"+2025069",
        ] {
            assert_eq!(
                date_from_digits(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
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
