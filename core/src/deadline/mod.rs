//! Deadlines: where each case stands against its working-day limits (yellow warning, red
//! overdue) and against the legal windows, at a given moment.
//!
//! The phase timed depends on the state: registered cases against the *accept* limit from
//! registration; accepted and mediating cases against the *handle* limit from acceptance;
//! results not yet verified by a revisit against the *verify* limit from the result. A limit
//! of N working days falls due at the end of the N-th working day after the start day
//! (China time); past that day the case is in that colour. Before yellow, a share of the
//! yellow limit (the rule set's `time_limits.warning_percent`, 70 % by default) raises an
//! early warning (临期预警).
//!
//! The working days are those of the handling unit's calendar ([`Calendar::at`]: a local
//! calendar over the national one). A suspension (中止计时) stops the count: the working
//! days after the day it began up to and including the day it ended are not counted, and
//! while it lasts no threshold not yet passed can be reached. Extensions granted (延期) add
//! their working days to every threshold of their phase. Neither moves a legal window.
//!
//! Working days and natural days are never confused. The working-day limits are the
//! practice's; the law's windows are natural-day periods ([`crate::period`]). A working-day
//! limit that implements a legal window never ends after it: the accept and handle due days
//! are brought forward to the earliest legal last day running for the case (one month from
//! acceptance; labour: 15 days from the application; court referrals: the court's period),
//! and statistics use the due days so brought forward. Each handling phase has its own
//! clock: a reopened case, or a stabilised one taken up again, is timed from that moment.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::china_date;
use crate::calendar::{Calendar, CalendarError};
use crate::dispute::{CaseCode, Category, Channel};
use crate::lifecycle::{ConfirmationStatus, Dispute, State};
use crate::period::Period;
use crate::routing::{Limit, RuleSet};
use crate::vocab::domain_enum;

mod due;

use due::clock_due;
pub use due::{stand, Due};

domain_enum! {
    /// Where a case stands against a limit.
    pub enum Standing {
        /// Within the early-warning share of the limit.
        OnTime = ("on_time", "正常", "on time"),
        /// Past the early-warning share of the yellow limit (临期预警, 70 % by default).
        Warning = ("warning", "临期预警", "early warning"),
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
        /// The court has not decided within 3 days whether to accept a confirmation
        /// application (法释〔2011〕5号 art. 4).
        CourtAcceptanceOverdue = ("court_acceptance_overdue", "法院受理审查超期", "court acceptance overdue"),
        /// The court has not decided an accepted application within 15 days of accepting it,
        /// or 25 when an extension was approved (法释〔2011〕5号 art. 5).
        CourtDecisionOverdue = ("court_decision_overdue", "法院确认审查超期", "court decision overdue"),
        /// Court-delegated pre-litigation mediation (委派调解) past its period, commonly 30
        /// days (local court rules): report back to the court.
        CourtReferralPeriodPassed = ("court_referral_period_passed", "委派调解期限已满", "court referral period passed"),
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
    /// The last day before the early warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_on: Option<NaiveDate>,
    /// The last day before yellow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_on: Option<NaiveDate>,
    /// The last day before red.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_on: Option<NaiveDate>,
    /// Where it stands.
    pub standing: Standing,
    /// The day the clock was suspended, while it is (中止计时): thresholds not yet passed
    /// are not reached until it runs again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_since: Option<NaiveDate>,
    /// Working days extensions granted to the phase (延期).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extended_days: u32,
    /// Legal windows passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalNotice>,
    /// Set when the limit could not be computed (a year the calendar does not know).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The timed phase of a case on `today`: which limit runs, its due days, the standing.
struct Timed {
    phase: Option<Phase>,
    due: Option<Due>,
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

/// The due days of the limit running for `d` now, if one runs and the calendar knows the
/// days it reaches. Fixed until the case changes, so statistics compute it when a case
/// changes and compare days at query time ([`Standing::on`]).
pub fn running_due(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> Option<Due> {
    timed(d, calendar, rules, NaiveDate::MIN).due
}

/// When the present handling phase's application was received: the registration, or the
/// moment the case was taken up again (a reopening, a stabilised case reported up). The
/// labour and court-referral periods run from here (劳动争议调解仲裁法 art. 14:
/// 自收到调解申请之日起).
fn received_at(d: &Dispute) -> DateTime<Utc> {
    d.phase_since.unwrap_or(d.registered_at)
}

/// The legal windows running while `d` is handled in its present phase, each with the
/// notice it raises once passed, its period and its start day: the mediation month from
/// acceptance (司法部令第75号 art. 33), the labour 15 days from the application
/// (劳动争议调解仲裁法 art. 14) and the court's referral period (委派调解). Empty when none
/// applies (a general case not accepted yet).
pub fn legal_windows(
    d: &Dispute,
    rules: &RuleSet,
) -> impl Iterator<Item = (LegalNotice, Period, NaiveDate)> {
    // At most three, on the path every accepted operation takes (the ledger): no allocation.
    let w = &rules.windows;
    let received = china_date(received_at(d));
    [
        d.accepted_at.map(|a| {
            (
                LegalNotice::MediationMonthPassed,
                w.mediation,
                china_date(a),
            )
        }),
        (d.input.category == Category::Labour).then_some((
            LegalNotice::LabourArbitrationOpen,
            w.labour_mediation,
            received,
        )),
        (d.input.channel == Channel::ReferredByCourt).then_some((
            LegalNotice::CourtReferralPeriodPassed,
            w.court_referral,
            received,
        )),
    ]
    .into_iter()
    .flatten()
}

/// The earliest legal last day among the windows running for an open case, if the calendar
/// can tell where each ends.
fn legal_cap(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
) -> Result<Option<NaiveDate>, CalendarError> {
    let mut cap: Option<NaiveDate> = None;
    for (_, period, from) in legal_windows(d, rules) {
        let end = period.last_day(from, calendar)?;
        cap = Some(cap.map_or(end, |c| c.min(end)));
    }
    Ok(cap)
}

/// The due days of `phase`'s `limit` for `d`: on the handling unit's working days, with
/// the phase's suspensions and extensions, the acceptance and handling limits brought
/// forward so that none ends after the legal window it implements: when both apply, the
/// earlier governs (a red day on 10-16 for a labour case whose 15 days end on 10-11 becomes
/// 10-11), suspended or extended or not.
fn phase_due(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    phase: Phase,
    limit: Limit,
) -> Result<Due, CalendarError> {
    let since = d.phase_start(phase);
    let start = china_date(since);
    let days = calendar.at(d.handling_unit);
    let mut pauses: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for p in d
        .pauses
        .iter()
        .filter(|p| p.phase == phase && p.since >= since)
    {
        pauses.push((china_date(p.since), p.until.map(china_date)));
    }
    let extra = d.granted_days(phase, since);
    let percent = rules.time_limits.warning_percent;
    let due = clock_due(days, start, limit, percent, extra, &pauses)?;
    if phase == Phase::Verify {
        return Ok(due);
    }
    Ok(match legal_cap(d, calendar, rules)? {
        Some(cap) => due.capped(cap),
        None => due,
    })
}

/// Whether a limit applies to `d` (running, or the handling limit its result is judged by)
/// that the calendar cannot compute: a year it does not know. Statistics count such cases
/// as on time and say so in the report's warnings.
pub fn undetermined(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> bool {
    ledger_facts(d, calendar, rules).undetermined
}

/// What the statistics ledger keeps of a case's time, computed once per change: the due
/// days of its running limit, whether its conclusion came on time, and whether a limit
/// could not be computed.
pub(crate) struct LedgerFacts {
    /// [`running_due`].
    pub due: Option<Due>,
    /// [`result_on_time`].
    pub on_time: Option<bool>,
    /// [`undetermined`].
    pub undetermined: bool,
}

/// [`running_due`], [`result_on_time`] and [`undetermined`] in one pass.
pub(crate) fn ledger_facts(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> LedgerFacts {
    let t = timed(d, calendar, rules, NaiveDate::MIN);
    let (on_time, unjudged) = match (d.result_at, limits_of(d, rules).handle) {
        (Some(done), Some(limit)) if d.state != State::Stabilised => {
            match phase_due(d, calendar, rules, Phase::Handle, limit) {
                Ok(due) => (
                    Some(Standing::on(due, china_date(done)) != Standing::Red),
                    false,
                ),
                Err(_) => (None, true),
            }
        }
        _ => (None, false),
    };
    LedgerFacts {
        due: t.due,
        on_time,
        undetermined: t.error.is_some() || unjudged,
    }
}

fn timed(d: &Dispute, calendar: &Calendar, rules: &RuleSet, today: NaiveDate) -> Timed {
    let limits = limits_of(d, rules);
    let (phase, limit): (Phase, Option<Limit>) = match d.state {
        State::Registered => (Phase::Accept, limits.accept),
        State::Accepted | State::Mediating => (Phase::Handle, limits.handle),
        State::Resolved | State::Stabilised | State::Terminated | State::Referred
            if d.verified.is_none() && d.result_at.is_some() =>
        {
            (Phase::Verify, limits.verify)
        }
        _ => (Phase::Accept, None),
    };
    let none = Timed {
        phase: None,
        due: None,
        standing: Standing::OnTime,
        error: None,
    };
    let Some(limit) = limit else {
        return none;
    };
    match phase_due(d, calendar, rules, phase, limit) {
        Ok(due) => Timed {
            phase: Some(phase),
            due: Some(due),
            standing: Standing::on(due, today),
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
/// limits, or the rule set's default limits for a case not routed yet, and the legal
/// windows (natural days, 民法典 art. 201–203) that have passed.
pub fn status(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    now: DateTime<Utc>,
) -> DeadlineStatus {
    let today = china_date(now);
    let windows = &rules.windows;
    let t = timed(d, calendar, rules, today);
    let unknown = |e: CalendarError, what: &str| match e {
        CalendarError::UnknownYear(y) => format!(
            "the {what} runs into {y}, a year the calendar does not know: load its holiday notice"
        ),
        other => other.to_string(),
    };
    let mut warnings = Vec::new();
    if let Some(e) = t.error {
        let what = format!("{} limit", t.phase.map_or("", |p| p.label_en()));
        warnings.push(unknown(e, &what));
    }
    let mut legal = Vec::new();
    // Each window has passed when today is after its last day (art. 203 extension included).
    let mut passed = |notice: LegalNotice, end: Result<NaiveDate, CalendarError>| match end {
        Ok(end) if today > end => legal.push(notice),
        Ok(_) => {}
        Err(e) => warnings.push(unknown(e, notice.label_en())),
    };
    if d.state.is_open() {
        for (notice, period, from) in legal_windows(d, rules) {
            passed(notice, period.last_day(from, calendar));
        }
    }
    if d.state == State::Resolved {
        if let Some(a) = &d.agreement {
            let offered = d.routing.as_ref().is_some_and(|r| r.offer_confirmation);
            if offered && d.confirmation.is_none() {
                passed(
                    LegalNotice::ConfirmationWindowClosed,
                    windows
                        .confirmation_apply
                        .last_day(a.effective_on, calendar),
                );
            }
        }
        if let Some(c) = d
            .confirmation
            .as_ref()
            .filter(|c| c.status == ConfirmationStatus::Applied)
        {
            match c.accepted_on {
                None => passed(
                    LegalNotice::CourtAcceptanceOverdue,
                    windows.court_accept.last_day(c.applied_on, calendar),
                ),
                // 15 days from acceptance, and 10 more from their end when extended.
                Some(accepted) => {
                    let end = windows
                        .court_decide
                        .last_day(accepted, calendar)
                        .and_then(|end| match c.extended {
                            true => windows.court_extension.last_day(end, calendar),
                            false => Ok(end),
                        });
                    passed(LegalNotice::CourtDecisionOverdue, end)
                }
            }
        }
    }
    if d.state == State::Stabilised {
        if let Some((_, review)) = &d.watch {
            if today > *review {
                legal.push(LegalNotice::ReviewOverdue);
            }
        }
    }
    DeadlineStatus {
        case: d.code.clone(),
        phase: t.phase,
        warning_on: t.due.and_then(|x| Due::known(x.warning)),
        yellow_on: t.due.and_then(|x| Due::known(x.yellow)),
        red_on: t.due.and_then(|x| Due::known(x.red)),
        standing: t.standing,
        suspended_since: d
            .open_pause()
            .filter(|p| t.phase == Some(p.phase))
            .map(|p| china_date(p.since)),
        extended_days: t.phase.map_or(0, |p| d.granted_days(p, d.phase_start(p))),
        legal,
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    }
}

/// Whether a case reached its result (resolved, terminated, referred — not a stabilisation,
/// which is not 办结) by the end of its handling limit's red day, brought forward to the
/// legal window's last day where that is earlier; `None` if it has no such result or no
/// limit, or the limit cannot be computed.
pub fn result_on_time(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> Option<bool> {
    ledger_facts(d, calendar, rules).on_time
}

/// The days a case went red, or goes red unless something changes: the day after its
/// running limit's red day, and, for a concluded case that concluded after its handling
/// limit's red day, the day after that. What the assessment counts as overdue
/// ([`crate::assessment`]).
pub fn red_days(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> [Option<NaiveDate>; 2] {
    let next = |day: NaiveDate| (day != NaiveDate::MAX).then(|| day.succ_opt()).flatten();
    let running = timed(d, calendar, rules, NaiveDate::MIN)
        .due
        .and_then(|due| next(due.red));
    let late = match (d.result_at, limits_of(d, rules).handle) {
        (Some(done), Some(limit)) if d.state != State::Stabilised => {
            phase_due(d, calendar, rules, Phase::Handle, limit)
                .ok()
                .filter(|due| china_date(done) > due.red)
                .and_then(|due| next(due.red))
        }
        _ => None,
    };
    [running, late]
}
