//! Local calendars (特色日历): the days off and working days a unit keeps over the national
//! calendar — an ethnic festival an autonomous prefecture or county gives off under its
//! autonomy regulations (布依族“三月三”, 苗族“四月八”), a county's own 调休 for it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{is_weekend, CalendarError, WorkingDays};
use crate::hierarchy::DivisionCode;

/// One day of a local calendar, with what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalDay {
    /// The day.
    pub date: NaiveDate,
    /// What it is, e.g. "三月三" or "三月三调休".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// A unit's own days off and working days over the national calendar. It covers the unit's
/// whole subtree; a street's calendar over its county's replaces the county's for the
/// street (the nearest one applies). It moves the practice's working-day limits of the cases
/// handled there, never a legal window (民法典 art. 203 extends a period only past the
/// statutory days off, which the national calendar holds).
///
/// A local calendar must not contradict itself or the national calendar
/// ([`LocalCalendar::check`]): a day listed twice, or both off and working; a day off that is
/// already off nationally, or a working day that already is one; a national holiday made a
/// working day (the national holidays are set by the State Council, 全国年节及纪念日放假办法
/// art. 2, and only a weekend day may be worked locally).
///
/// JSON: `{"unit": "522301000000", "source": "…", "days_off": [{"date": "2026-04-20",
/// "name": "三月三"}], "working_days": [{"date": "2026-04-26", "name": "三月三调休"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalCalendar {
    /// The unit (typically a county or a street) whose calendar it is.
    pub unit: DivisionCode,
    /// The notice that sets these days, e.g. the county government's notice.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Extra days off: working days on the national calendar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_off: Vec<LocalDay>,
    /// Extra working days: ordinary weekend days on the national calendar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<LocalDay>,
}

impl LocalCalendar {
    pub(super) fn off_set(&self) -> BTreeSet<NaiveDate> {
        self.days_off.iter().map(|d| d.date).collect()
    }

    pub(super) fn work_set(&self) -> BTreeSet<NaiveDate> {
        self.working_days.iter().map(|d| d.date).collect()
    }

    /// Checks the calendar against itself and the national calendar `national`; the first
    /// contradiction is returned, naming the day. A day in a year the national calendar does
    /// not know is [`CalendarError::UnknownYear`]: load the year's notice first.
    pub fn check(&self, national: WorkingDays<'_>) -> Result<(), CalendarError> {
        let bad = |date, reason| CalendarError::BadLocal {
            unit: self.unit,
            date,
            reason,
        };
        let mut seen = BTreeSet::new();
        for d in &self.days_off {
            if !seen.insert(d.date) {
                return Err(bad(d.date, "listed twice as a day off"));
            }
            if !national.is_working_day(d.date)? {
                return Err(bad(
                    d.date,
                    "already a day off on the national calendar; a local day off must be a national working day",
                ));
            }
        }
        let mut worked = BTreeSet::new();
        for d in &self.working_days {
            if seen.contains(&d.date) {
                return Err(bad(d.date, "listed both as a day off and as a working day"));
            }
            if !worked.insert(d.date) {
                return Err(bad(d.date, "listed twice as a working day"));
            }
            if national.is_working_day(d.date)? {
                return Err(bad(
                    d.date,
                    "already a working day on the national calendar; a local working day must be an ordinary weekend day",
                ));
            }
            if !is_weekend(d.date) || national.in_national_holiday(d.date) {
                return Err(bad(
                    d.date,
                    "a national holiday (全国年节及纪念日放假办法 art. 2) cannot be made a working day locally; only an ordinary weekend day can",
                ));
            }
        }
        Ok(())
    }
}
