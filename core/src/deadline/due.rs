//! The due days of a limit: the `n`-th counted working day after a phase's start, on the
//! working days of a place, skipping what suspensions stopped and adding what extensions
//! granted — one jump through the calendar's day index per suspension, never a walk day
//! by day (a sweep computes this for every case).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Standing;
use crate::calendar::{CalendarError, WorkingDays};
use crate::period::PossiblyOff;
#[cfg(doc)]
use crate::period::MOST_WEEKDAYS_OFF_A_YEAR;
use crate::routing::Limit;

/// The last days before each threshold of a running limit: early warning, yellow, red.
/// A threshold the clock cannot reach while it is suspended is [`NaiveDate::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Due {
    /// The last day before the early warning.
    pub warning: NaiveDate,
    /// The last day before yellow.
    pub yellow: NaiveDate,
    /// The last day before red.
    pub red: NaiveDate,
}

impl Due {
    /// Each threshold brought forward to `cap` where it is later (a working-day limit
    /// never ends after the legal window it implements). When that puts yellow on the red
    /// day, the early warning and yellow are counted anew on the working days of `days`
    /// from `start` to `cap`, in the proportions of `thresholds` (warning, yellow, red
    /// working days), so a case still passes through early warning and yellow before red
    /// (practice: 临期预警 and 黄灯 come before 红灯). Where a count reaches a year the
    /// calendar does not know, the thresholds are only brought forward.
    pub(super) fn capped(
        self,
        cap: NaiveDate,
        days: WorkingDays<'_>,
        start: NaiveDate,
        thresholds: [u32; 3],
    ) -> Due {
        if self.red <= cap {
            return self;
        }
        let plain = Due {
            warning: self.warning.min(cap),
            yellow: self.yellow.min(cap),
            red: cap,
        };
        if plain.yellow < cap {
            return plain;
        }
        let [w, y, r] = thresholds.map(u64::from);
        let spread = || -> Result<Due, CalendarError> {
            let span = u64::from(days.working_days_between(start, cap)?);
            let yellow_n = (span * y / r.max(1)).min(span.saturating_sub(1));
            let warning_n = (yellow_n * w / y.max(1)).min(yellow_n.saturating_sub(1));
            Ok(Due {
                warning: days
                    .add_working_days(start, warning_n as u32)?
                    .min(plain.warning),
                yellow: days
                    .add_working_days(start, yellow_n as u32)?
                    .min(plain.yellow),
                red: cap,
            })
        };
        spread().unwrap_or(plain)
    }

    pub(super) fn known(d: NaiveDate) -> Option<NaiveDate> {
        (d != NaiveDate::MAX).then_some(d)
    }
}

/// The due days of `limit` counted from `start` on `days` with no suspension or extension
/// and the early warning at `warning_percent` of the yellow limit, and where `day` stands
/// against them. What-if predicts with it.
pub fn stand(
    days: WorkingDays<'_>,
    start: NaiveDate,
    limit: Limit,
    warning_percent: u8,
    day: NaiveDate,
) -> Result<(Due, Standing), CalendarError> {
    let due = clock_due(days, start, limit, warning_percent, 0, &[])?;
    Ok((due, Standing::on(due, day)))
}

/// The working days of the thresholds of `limit` plus `extra`, the warning at
/// `warning_percent` of the yellow one (rounded down).
pub(super) fn thresholds(limit: Limit, warning_percent: u8, extra: u32) -> [u32; 3] {
    let yellow = limit.yellow.saturating_add(extra);
    let warning = (u64::from(yellow) * u64::from(warning_percent.min(100)) / 100) as u32;
    [warning, yellow, limit.red.saturating_add(extra)]
}

/// The `n`-th counted working day after `start` (`start` for `n = 0`), when the working
/// days after each suspension's first day up to and including its last are not counted.
/// `pauses` are in order, as (first day, last day or `None` while it lasts); a suspension
/// that begins on or after the day is reached does not move it (the `n` days were already
/// counted), and one still lasting that begins before gives [`NaiveDate::MAX`] (not reached
/// while suspended).
fn counted_day(
    days: WorkingDays<'_>,
    start: NaiveDate,
    n: u32,
    pauses: &[(NaiveDate, Option<NaiveDate>)],
) -> Result<NaiveDate, CalendarError> {
    let mut due = days.add_working_days(start, n)?;
    for &(from, until) in pauses {
        if from >= due {
            break;
        }
        match until {
            None => return Ok(NaiveDate::MAX),
            Some(until) => {
                let lost = days.working_days_between(from.max(start), until)?;
                due = days.add_working_days(due, lost)?;
            }
        }
    }
    Ok(due)
}

/// How far a bound walks before it gives up ([`NaiveDate::MAX`]): ten years of days.
const HORIZON_DAYS: u32 = 3660;

/// The earliest and the latest day [`counted_day`] can give under any calendar a holiday
/// notice may set for the years `days` does not know, found by walking the days: in such
/// a year the earliest counts every day as a working day, the latest counts none of the
/// weekends nor the first [`MOST_WEEKDAYS_OFF_A_YEAR`] weekdays it meets. Only cases that
/// reach an unloaded year take this path.
fn counted_day_bounds(
    days: WorkingDays<'_>,
    start: NaiveDate,
    n: u32,
    pauses: &[(NaiveDate, Option<NaiveDate>)],
) -> (NaiveDate, NaiveDate) {
    let walk = |latest: bool| {
        let mut possibly = PossiblyOff::default();
        let (mut day, mut counted, mut walked) = (start, 0, 0);
        while counted < n {
            if pauses.iter().any(|&(f, u)| u.is_none() && day >= f) || walked > HORIZON_DAYS {
                return NaiveDate::MAX;
            }
            let Some(next) = day.succ_opt() else {
                return NaiveDate::MAX;
            };
            (day, walked) = (next, walked + 1);
            let paused = pauses
                .iter()
                .any(|&(f, u)| day > f && u.is_some_and(|u| day <= u));
            let working = match days.is_working_day(day) {
                Ok(w) => w,
                Err(_) if latest => !possibly.off(day, |d| days.is_working_day(d)),
                Err(_) => true,
            };
            if !paused && working {
                counted += 1;
            }
        }
        day
    };
    (walk(false), walk(true))
}

/// The earliest and the latest due days of a phase's clock under any calendar for the
/// years `days` does not know ([`counted_day_bounds`]); equal when every year is known.
pub(super) fn clock_due_bounds(
    days: WorkingDays<'_>,
    start: NaiveDate,
    limit: Limit,
    warning_percent: u8,
    extra: u32,
    pauses: &[(NaiveDate, Option<NaiveDate>)],
) -> (Due, Due) {
    let [w, y, r] = thresholds(limit, warning_percent, extra)
        .map(|n| counted_day_bounds(days, start, n, pauses));
    (
        Due {
            warning: w.0,
            yellow: y.0,
            red: r.0,
        },
        Due {
            warning: w.1,
            yellow: y.1,
            red: r.1,
        },
    )
}

/// The three due days of a phase's clock.
pub(super) fn clock_due(
    days: WorkingDays<'_>,
    start: NaiveDate,
    limit: Limit,
    warning_percent: u8,
    extra: u32,
    pauses: &[(NaiveDate, Option<NaiveDate>)],
) -> Result<Due, CalendarError> {
    let [w, y, r] = thresholds(limit, warning_percent, extra);
    Ok(Due {
        warning: counted_day(days, start, w, pauses)?,
        yellow: counted_day(days, start, y, pauses)?,
        red: counted_day(days, start, r, pauses)?,
    })
}

impl Standing {
    /// Where `day` stands against the due days: past the red day is red, past the yellow
    /// day yellow, past the warning day in early warning.
    pub fn on(due: Due, day: NaiveDate) -> Standing {
        if day > due.red {
            Standing::Red
        } else if day > due.yellow {
            Standing::Yellow
        } else if day > due.warning {
            Standing::Warning
        } else {
            Standing::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    /// The plain definition, day by day: the `n`-th working day after `start` that lies in no
    /// suspension's (first day, last day]; `MAX` if a suspension still lasting begins before
    /// it is reached.
    fn by_walking(
        cal: &Calendar,
        start: NaiveDate,
        n: u32,
        pauses: &[(NaiveDate, Option<NaiveDate>)],
    ) -> NaiveDate {
        let (mut day, mut counted) = (start, 0);
        while counted < n {
            if pauses.iter().any(|&(f, u)| u.is_none() && day >= f) {
                return NaiveDate::MAX;
            }
            day = day.succ_opt().unwrap();
            let paused = pauses
                .iter()
                .any(|&(f, u)| day > f && u.is_some_and(|u| day <= u));
            if !paused && cal.is_working_day(day).unwrap() {
                counted += 1;
            }
        }
        day
    }

    /// `counted_day` (index arithmetic, one jump per suspension) agrees with walking the days,
    /// over random starts, limits and suspensions across 2025's holidays and 调休.
    #[test]
    fn counting_around_suspensions_agrees_with_walking_the_days() {
        let cal = Calendar::official();
        let days = cal.national();
        let mut seed = 0x2025_u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        for _ in 0..3000 {
            let start = base + chrono::Days::new(next(300));
            let n = next(25) as u32;
            let mut pauses = Vec::new();
            let mut at = start;
            for k in 0..next(4) {
                let from = at + chrono::Days::new(next(12));
                let open = k == 2 && next(2) == 0;
                let until = (!open).then(|| from + chrono::Days::new(next(15)));
                pauses.push((from, until));
                match until {
                    Some(u) => at = u + chrono::Days::new(1),
                    None => break,
                }
            }
            assert_eq!(
                counted_day(days, start, n, &pauses).unwrap(),
                by_walking(&cal, start, n, &pauses),
                "start {start}, n {n}, pauses {pauses:?}"
            );
        }
    }
}
