//! Deadlines: where each case stands against its working-day limits (yellow warning, red
//! overdue) and against the legal windows, at a given moment.
//!
//! The phase timed depends on the state: registered cases against the *accept* limit from
//! registration; accepted and mediating cases against the *handle* limit from acceptance;
//! results not yet verified by a revisit against the *verify* limit from the result. A limit
//! of N working days falls due at the end of the N-th working day after the start day
//! (China time); past that day the case is in that colour.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::china_date;
use crate::calendar::{Calendar, CalendarError};
use crate::dispute::{CaseCode, Category};
use crate::lifecycle::{ConfirmationStatus, Dispute, State};
use crate::routing::{Limit, RuleSet};
use crate::vocab::domain_enum;

domain_enum! {
    /// Where a case stands against a limit.
    pub enum Standing {
        /// Within the yellow limit.
        OnTime = ("on_time", "正常", "on time"),
        /// Past the yellow limit (预警).
        Yellow = ("yellow", "黄色预警", "yellow warning"),
        /// Past the red limit (超期).
        Red = ("red", "红色超期", "red, overdue"),
    }
}

domain_enum! {
    /// The phase being timed.
    pub enum Phase {
        /// Registration to acceptance.
        Accept = ("accept", "受理", "acceptance"),
        /// Acceptance to a result.
        Handle = ("handle", "办理", "handling"),
        /// Result to revisit.
        Verify = ("verify", "回访验证", "verification"),
    }
}

domain_enum! {
    /// A legal window that has passed or is running out.
    pub enum LegalNotice {
        /// More than a month in mediation (人民调解工作若干规定 art. 33): conclude, or go on
        /// only with both parties' consent.
        MediationMonthPassed = ("mediation_month_passed", "调解已逾一个月", "mediation past one month"),
        /// Labour mediation past 15 days without agreement: the parties may go to arbitration
        /// (劳动争议调解仲裁法 art. 14).
        LabourArbitrationOpen = ("labour_arbitration_open", "劳动争议调解逾15日，可申请仲裁", "labour: arbitration now open"),
        /// The 30-day window to apply for judicial confirmation has closed unused.
        ConfirmationWindowClosed = ("confirmation_window_closed", "司法确认申请期限已过", "confirmation window closed"),
        /// The court has not decided a confirmation application within 3 + 15 days
        /// (+10 with approval) (法释〔2011〕5号 art. 4–5).
        CourtDecisionOverdue = ("court_decision_overdue", "法院确认审查超期", "court decision overdue"),
        /// A stabilised case's review date has passed.
        ReviewOverdue = ("review_overdue", "稳控复查超期", "stabilisation review overdue"),
    }
}

/// One case's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeadlineStatus {
    /// The case.
    pub case: CaseCode,
    /// The phase timed, if a limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// The last day before yellow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_on: Option<NaiveDate>,
    /// The last day before red.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_on: Option<NaiveDate>,
    /// Where it stands.
    pub standing: Standing,
    /// Legal windows passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalNotice>,
    /// Set when the limit could not be computed (a year the calendar does not know).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The timed phase of a case on `today`: which limit runs, its two due days, the standing.
struct Timed {
    phase: Option<Phase>,
    due: Option<(NaiveDate, NaiveDate)>,
    standing: Standing,
    error: Option<CalendarError>,
}

/// The limits that apply to a case: its routing's, or the rule set's defaults before routing.
fn limits_of(d: &Dispute, rules: &RuleSet) -> crate::routing::Deadlines {
    match &d.routing {
        Some(r) => r.deadlines,
        None => rules.defaults.deadlines.unwrap_or_default(),
    }
}

/// The yellow and red due days of `limit` counted from `start`, and where `day` stands
/// against them. The one place a limit is turned into a standing (sweeps, statistics and
/// what-if all call it).
pub fn stand(
    calendar: &Calendar,
    start: NaiveDate,
    limit: Limit,
    day: NaiveDate,
) -> Result<((NaiveDate, NaiveDate), Standing), CalendarError> {
    let y = calendar.add_working_days(start, limit.yellow)?;
    let r = calendar.add_working_days(start, limit.red)?;
    Ok(((y, r), Standing::on((y, r), day)))
}

impl Standing {
    /// Where `day` stands against the yellow and red due days `(yellow, red)`: past the red
    /// day is red, past the yellow day yellow.
    pub fn on((yellow, red): (NaiveDate, NaiveDate), day: NaiveDate) -> Standing {
        if day > red {
            Standing::Red
        } else if day > yellow {
            Standing::Yellow
        } else {
            Standing::OnTime
        }
    }
}

/// The yellow and red due days of the limit running for `d` now, if one runs and the
/// calendar knows the days it reaches. Fixed once the phase starts, so statistics compute
/// it when a case changes and compare days at query time ([`Standing::on`]).
pub fn running_due(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
) -> Option<(NaiveDate, NaiveDate)> {
    timed(d, calendar, rules, NaiveDate::MIN).due
}

fn timed(d: &Dispute, calendar: &Calendar, rules: &RuleSet, today: NaiveDate) -> Timed {
    let limits = limits_of(d, rules);
    let (phase, start, limit): (Phase, Option<DateTime<Utc>>, Option<Limit>) = match d.state {
        State::Registered => (Phase::Accept, Some(d.registered_at), limits.accept),
        State::Accepted | State::Mediating => (
            Phase::Handle,
            Some(d.accepted_at.unwrap_or(d.registered_at)),
            limits.handle,
        ),
        State::Resolved | State::Stabilised | State::Terminated | State::Referred
            if d.verified.is_none() =>
        {
            (Phase::Verify, d.result_at, limits.verify)
        }
        _ => (Phase::Accept, None, None),
    };
    let none = Timed {
        phase: None,
        due: None,
        standing: Standing::OnTime,
        error: None,
    };
    let (Some(start), Some(limit)) = (start, limit) else {
        return none;
    };
    match stand(calendar, china_date(start), limit, today) {
        Ok((due, standing)) => Timed {
            phase: Some(phase),
            due: Some(due),
            standing,
            error: None,
        },
        Err(e) => Timed {
            phase: Some(phase),
            error: Some(e),
            ..none
        },
    }
}

/// Only where a case stands against its running limit at `now` (no legal notices, no
/// allocation): what statistics need for every case.
pub fn standing(d: &Dispute, calendar: &Calendar, rules: &RuleSet, now: DateTime<Utc>) -> Standing {
    timed(d, calendar, rules, china_date(now)).standing
}

/// Computes a case's standing at `now` under the rule set in force: the routed case's own
/// limits, or the rule set's default limits for a case not routed yet.
pub fn status(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    now: DateTime<Utc>,
) -> DeadlineStatus {
    let today = china_date(now);
    let windows = &rules.windows;
    let t = timed(d, calendar, rules, today);
    let mut out = DeadlineStatus {
        case: d.code.clone(),
        phase: t.phase,
        yellow_on: t.due.map(|x| x.0),
        red_on: t.due.map(|x| x.1),
        standing: t.standing,
        legal: Vec::new(),
        warning: t.error.map(|e| match e {
            CalendarError::UnknownYear(y) => format!(
                "the {} limit runs into {y}, a year the calendar does not know: load its holiday notice",
                t.phase.map_or("", |p| p.label_en())
            ),
            other => other.to_string(),
        }),
    };
    // Legal windows, in calendar days.
    let since = |t: DateTime<Utc>| (today - china_date(t)).num_days();
    if matches!(d.state, State::Accepted | State::Mediating) {
        let accepted = d.accepted_at.unwrap_or(d.registered_at);
        if since(accepted) > windows.mediation as i64 {
            out.legal.push(LegalNotice::MediationMonthPassed);
        }
        if d.input.category == Category::Labour && since(accepted) > windows.labour_mediation as i64
        {
            out.legal.push(LegalNotice::LabourArbitrationOpen);
        }
    }
    if d.state == State::Resolved {
        if let Some(a) = &d.agreement {
            let offered = d.routing.as_ref().is_some_and(|r| r.offer_confirmation);
            let closes = a
                .effective_on
                .checked_add_days(Days::new(windows.confirmation_apply as u64));
            if offered && d.confirmation.is_none() && closes.is_some_and(|c| today > c) {
                out.legal.push(LegalNotice::ConfirmationWindowClosed);
            }
        }
        if let Some(c) = &d.confirmation {
            let limit = windows.court_accept + windows.court_decide + windows.court_extension;
            if c.status == ConfirmationStatus::Applied
                && (today - c.applied_on).num_days() > limit as i64
            {
                out.legal.push(LegalNotice::CourtDecisionOverdue);
            }
        }
    }
    if d.state == State::Stabilised {
        if let Some((_, review)) = &d.watch {
            if today > *review {
                out.legal.push(LegalNotice::ReviewOverdue);
            }
        }
    }
    out
}

/// Whether a case reached its result (resolved, stabilised, terminated, referred) by the end
/// of its handling limit's red day; `None` if it has no result or no limit, or the limit
/// cannot be computed.
pub fn result_on_time(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> Option<bool> {
    let done = d.result_at?;
    let limit = limits_of(d, rules).handle?;
    let start = china_date(d.accepted_at.unwrap_or(d.registered_at));
    let (_, standing) = stand(calendar, start, limit, china_date(done)).ok()?;
    Some(standing != Standing::Red)
}
