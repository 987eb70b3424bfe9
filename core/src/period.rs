//! Periods as the law counts them (期间): natural days or months, never working days.
//!
//! The legal windows a dispute runs against — one month of people's mediation, the 15 days
//! of labour mediation, the 30 days to apply for judicial confirmation, the court's 3 and 15
//! days — are natural-day (自然日) periods, counted by the rules of 民法典 art. 200–204 and
//! 民事诉讼法 art. 85 (2021 text), which [`Period::last_day`] implements:
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
        let mut day = self.plain_last_day(start);
        // A holiday run is at most a couple of weeks: the loop ends at the first working day.
        while !calendar.is_working_day(day)? {
            day = day
                .succ_opt()
                .ok_or(CalendarError::UnknownYear(day.year()))?;
        }
        Ok(day)
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
