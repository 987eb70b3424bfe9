//! Periods as the law counts them (期间): natural days or months, never working days.
//!
//! The legal windows a dispute runs against — one month of people's mediation, the 15 days
//! of labour mediation, the 30 days to apply for judicial confirmation, the court's 3 and 15
//! days — are natural-day (自然日) periods, counted by the rules of 民法典 art. 200–204 and
//! 民事诉讼法 art. 85 (the numbering is unchanged by the 2023 amendment, in force since
//! 2024-01-01), which [`Period::last_day`] implements:
//!
//! - the day the period starts is not counted; it runs from the next day (民法典 art. 201);
//! - a period of months ends on the corresponding day of the last month, or on that month's
//!   last day when it has no such day (民法典 art. 202): accepted 2025-01-31, one month ends
//!   2025-02-28;
//! - when the last day is a statutory day off (a holiday or a weekend that is not worked),
//!   the period ends on the first working day after it (民法典 art. 203; 民事诉讼法 art. 85).
//!
//! The practice's working-day limits (yellow and red) are a different thing, counted by
//! [`Calendar::add_working_days`]; [`crate::deadline`] makes sure a working-day limit never
//! ends after the legal period it implements.
//!
//! ```
//! use chrono::NaiveDate;
//! use fengqiao::calendar::Calendar;
//! use fengqiao::period::Period;
//!
//! let cal = Calendar::official();
//! let d = |s: &str| s.parse::<NaiveDate>().unwrap();
//! // One month from 2025-01-31 ends on the month's last day.
//! assert_eq!(Period::Months(1).last_day(d("2025-01-31"), &cal)?, d("2025-02-28"));
//! // 30 days from 2025-09-01 end on 10-01, National Day: the period runs to 10-09, the
//! // first working day after the holiday.
//! assert_eq!(Period::Days(30).last_day(d("2025-09-01"), &cal)?, d("2025-10-09"));
//! # Ok::<(), fengqiao::calendar::CalendarError>(())
//! ```

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};

/// A legal period: `n` natural days or `n` months. JSON: a number of days (`30`) or
/// `{"months": 1}` (`{"days": 30}` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// `n` natural days (自然日).
    Days(u32),
    /// `n` months (民法典 art. 202).
    Months(u32),
}

impl Period {
    /// The last day of the period that starts on `start` (the day of the event that starts
    /// it, itself not counted), moved past a statutory day off as 民法典 art. 203 says.
    /// Fails only when the calendar does not know the year of the last day (a host loads
    /// it; the law's extension cannot be decided without it).
    pub fn last_day(
        self,
        start: NaiveDate,
        calendar: &Calendar,
    ) -> Result<NaiveDate, CalendarError> {
        past_days_off(self.plain_last_day(start), calendar)
    }

    /// The last day of this period lengthened by `extension` (延长), counted from `start`.
    /// An extension makes one longer period, so 民法典 art. 203 moves only its final last
    /// day: the court's 15 days extended by 10 end 25 days after the acceptance, moved past
    /// a day off then (法释〔2011〕5号 art. 5: 自受理之日起十五日内……可以延长十日), not 10
    /// days after a 15th day that a holiday had already moved.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fengqiao::calendar::Calendar;
    /// use fengqiao::period::Period;
    /// let cal = Calendar::official();
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// // Accepted 2025-09-16: 15 days end 10-01 (National Day, moved to 10-09 if not extended);
    /// // extended, 25 days end 10-11, a Saturday worked (调休): the last day.
    /// assert_eq!(Period::Days(15).last_day(d("2025-09-16"), &cal)?, d("2025-10-09"));
    /// assert_eq!(Period::Days(15).extended_last_day(Period::Days(10), d("2025-09-16"), &cal)?, d("2025-10-11"));
    /// # Ok::<(), fengqiao::calendar::CalendarError>(())
    /// ```
    pub fn extended_last_day(
        self,
        extension: Period,
        start: NaiveDate,
        calendar: &Calendar,
    ) -> Result<NaiveDate, CalendarError> {
        past_days_off(
            extension.plain_last_day(self.plain_last_day(start)),
            calendar,
        )
    }

    /// The earliest and the latest day the period's last day can be under any calendar a
    /// holiday notice may set for a year the calendar does not know (equal when it knows
    /// every year reached). The earliest is the plain last day (民法典 art. 201–202: art. 203
    /// only moves it later); the latest assumes every weekend and the first
    /// [`MOST_WEEKDAYS_OFF_A_YEAR`] weekdays met in each unknown year are days off.
    pub fn last_day_bounds(self, start: NaiveDate, calendar: &Calendar) -> (NaiveDate, NaiveDate) {
        let plain = self.plain_last_day(start);
        if let Ok(day) = past_days_off(plain, calendar) {
            return (day, day);
        }
        let mut possibly = PossiblyOff::default();
        let mut day = plain;
        while possibly.off(day, |d| calendar.is_working_day(d)) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        (plain, day)
    }

    /// The last day before any holiday extension (民法典 art. 201–202 alone).
    pub fn plain_last_day(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Days(n) => start.checked_add_days(Days::new(n as u64)),
            // chrono clamps to the month's last day, which is art. 202's rule.
            Period::Months(n) => start.checked_add_months(Months::new(n)),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

/// `day`, or the first working day after it when it is a statutory day off (民法典 art. 203;
/// 民事诉讼法 art. 85).
fn past_days_off(mut day: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    // A holiday run is at most a couple of weeks: the loop ends at the first working day.
    while !calendar.is_working_day(day)? {
        day = day
            .succ_opt()
            .ok_or(CalendarError::UnknownYear(day.year()))?;
    }
    Ok(day)
}

/// How many weekdays (Monday to Friday) a year's holiday notice can give off, for bounds
/// over a year the calendar does not know: the 13 statutory holiday days of
/// 全国年节及纪念日放假办法 (2024 revision, art. 2) plus the weekdays given off in exchange
/// for worked weekend days (调休) — at most 8 in the notices of 2021–2026 (2024 had 8);
/// 10 are allowed, so no notice of the present kind can put a day outside the bounds.
pub const MOST_WEEKDAYS_OFF_A_YEAR: u32 = 23;

/// Whether a day may be a day off under some calendar: the calendar's answer where it knows
/// the year; in a year it does not know, every weekend and the first
/// [`MOST_WEEKDAYS_OFF_A_YEAR`] weekdays asked about (those nearest the start of a walk:
/// the worst case for a count that walks forward).
#[derive(Debug, Default)]
pub(crate) struct PossiblyOff {
    year: i32,
    weekdays_off: u32,
}

impl PossiblyOff {
    /// Whether `day` may be off, `known` answering for the years the calendar knows.
    pub(crate) fn off(
        &mut self,
        day: NaiveDate,
        known: impl Fn(NaiveDate) -> Result<bool, CalendarError>,
    ) -> bool {
        if let Ok(working) = known(day) {
            return !working;
        }
        if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            return true;
        }
        if self.year != day.year() {
            (self.year, self.weekdays_off) = (day.year(), 0);
        }
        self.weekdays_off += 1;
        self.weekdays_off <= MOST_WEEKDAYS_OFF_A_YEAR
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Days(n) => write!(f, "{n} days"),
            Period::Months(1) => f.write_str("one month"),
            Period::Months(n) => write!(f, "{n} months"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Period::Days(n) => s.serialize_u32(*n),
            Period::Months(n) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("months", n)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of natural days, or {\"months\": n}, or {\"days\": n}")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Period, E> {
                u32::try_from(v).map(Period::Days).map_err(|_| {
                    E::custom(format!("{v} days is not a period (at most {})", u32::MAX))
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Period, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("a period cannot be negative ({v})")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Period, A::Error> {
                let key: String = m.next_key()?.ok_or_else(|| {
                    serde::de::Error::custom("a period needs \"days\" or \"months\"")
                })?;
                let n: u32 = m.next_value()?;
                if m.next_key::<String>()?.is_some() {
                    return Err(serde::de::Error::custom(
                        "a period has one key: \"days\" or \"months\"",
                    ));
                }
                match key.as_str() {
                    "days" => Ok(Period::Days(n)),
                    "months" => Ok(Period::Months(n)),
                    other => Err(serde::de::Error::unknown_field(other, &["days", "months"])),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LegalPeriod".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A legal period in natural days (a number) or months ({\"months\": n}).",
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": u32::MAX},
                {"type": "object", "properties": {"months": {"type": "integer", "minimum": 0}}, "required": ["months"], "additionalProperties": false},
                {"type": "object", "properties": {"days": {"type": "integer", "minimum": 0}}, "required": ["days"], "additionalProperties": false}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_end_on_the_corresponding_day_or_the_month_end_civil_code_202() {
        let cal = Calendar::official();
        assert_eq!(
            Period::Months(1).plain_last_day(d("2025-01-31")),
            d("2025-02-28")
        );
        assert_eq!(
            Period::Months(1).plain_last_day(d("2024-01-31")),
            d("2024-02-29")
        );
        assert_eq!(
            Period::Months(1).plain_last_day(d("2025-03-15")),
            d("2025-04-15")
        );
        // 2025-04-15 is a Tuesday, a working day: no extension.
        assert_eq!(
            Period::Months(1).last_day(d("2025-03-15"), &cal).unwrap(),
            d("2025-04-15")
        );
    }

    #[test]
    fn a_last_day_off_moves_to_the_next_working_day_civil_code_203() {
        let cal = Calendar::official();
        // 15 days from 2025-09-26 end on 10-11, a Saturday worked (调休): no extension.
        assert_eq!(
            Period::Days(15).last_day(d("2025-09-26"), &cal).unwrap(),
            d("2025-10-11")
        );
        // 30 days from 2025-01-10 end on 02-09, a Sunday: to Monday 02-10.
        assert_eq!(
            Period::Days(30).last_day(d("2025-01-10"), &cal).unwrap(),
            d("2025-02-10")
        );
        // Ending inside the Spring Festival of 2026 (02-15..02-23): to 02-24.
        assert_eq!(
            Period::Days(30).last_day(d("2026-01-17"), &cal).unwrap(),
            d("2026-02-24")
        );
        // A last day in a year the calendar does not know cannot be decided.
        assert!(Period::Days(30)
            .last_day(d("2026-12-15"), &Calendar::official())
            .is_err());
    }

    #[test]
    fn periods_read_and_write_as_the_rule_sets_spell_them() {
        let p: Period = serde_json::from_str("30").unwrap();
        assert_eq!(p, Period::Days(30));
        let m: Period = serde_json::from_str(r#"{"months": 1}"#).unwrap();
        assert_eq!(m, Period::Months(1));
        assert_eq!(
            serde_json::from_str::<Period>(r#"{"days": 15}"#).unwrap(),
            Period::Days(15)
        );
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"months":1}"#);
        assert_eq!(serde_json::to_string(&p).unwrap(), "30");
        for bad in [
            "-1",
            r#"{"weeks": 2}"#,
            r#"{"days": 1, "months": 1}"#,
            "\"30\"",
            "{}",
        ] {
            assert!(
                serde_json::from_str::<Period>(bad).is_err(),
                "{bad} accepted"
            );
        }
    }
}
