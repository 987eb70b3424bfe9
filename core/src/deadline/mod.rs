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

domain_enum! {
    /// A legal window (a natural-day or month period set by law or a court's rule) that can
    /// run for a case. Each names its source in [`WindowKind::source`].
    pub enum WindowKind {
        /// People's mediation should conclude within one month of acceptance.
        MediationMonth = ("mediation_month", "人民调解一个月调结期", "mediation month"),
        /// Labour mediation: 15 days from the application's receipt, then arbitration.
        LabourMediation = ("labour_mediation", "劳动争议调解十五日期限", "labour mediation 15 days"),
        /// Court-delegated pre-litigation mediation's period.
        CourtReferral = ("court_referral", "委派调解期限", "court referral period"),
        /// The joint application for judicial confirmation.
        ConfirmationApplication = ("confirmation_application", "司法确认申请期限", "confirmation application"),
        /// The court's decision whether to accept a confirmation application.
        CourtAcceptance = ("court_acceptance", "法院受理审查期限", "court acceptance"),
        /// The court's decision on an accepted application (extended when approved).
        CourtDecision = ("court_decision", "法院确认审查期限", "court decision"),
    }
}

impl WindowKind {
    /// The article the window implements.
    pub fn source(self) -> &'static str {
        match self {
            WindowKind::MediationMonth => "人民调解工作若干规定 (司法部令第75号) art. 33",
            WindowKind::LabourMediation => "劳动争议调解仲裁法 art. 14",
            WindowKind::CourtReferral => "委派调解: local court rules (commonly 30 days)",
            WindowKind::ConfirmationApplication => "人民调解法 art. 33; 民事诉讼法 (2023) art. 205",
            WindowKind::CourtAcceptance => "法释〔2011〕5号 art. 4; 民事诉讼法 (2023) art. 206",
            WindowKind::CourtDecision => "法释〔2011〕5号 art. 5; 民事诉讼法 (2023) art. 206",
        }
    }

    /// The notice raised once the window has passed.
    pub fn notice(self) -> LegalNotice {
        match self {
            WindowKind::MediationMonth => LegalNotice::MediationMonthPassed,
            WindowKind::LabourMediation => LegalNotice::LabourArbitrationOpen,
            WindowKind::CourtReferral => LegalNotice::CourtReferralPeriodPassed,
            WindowKind::ConfirmationApplication => LegalNotice::ConfirmationWindowClosed,
            WindowKind::CourtAcceptance => LegalNotice::CourtAcceptanceOverdue,
            WindowKind::CourtDecision => LegalNotice::CourtDecisionOverdue,
        }
    }
}

/// A legal window running for a case, shown from the day it starts so that nobody learns of
/// a last day only once it has passed (a labour case registered on 2025-01-21 must settle by
/// 2025-02-05: that is visible on day 1). Natural days, counted by [`Period::last_day`]
/// (民法典 art. 201–203; 民事诉讼法 art. 85).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LegalWindow {
    /// Which window.
    pub window: WindowKind,
    /// The article (or practice) it implements.
    // Borrowed from `WindowKind::source` when built here: a sweep builds one per running
    // window of every case.
    pub source: std::borrow::Cow<'static, str>,
    /// Its length, natural days or months (extension included for the court's decision).
    pub period: Period,
    /// The day of the event that starts it (itself not counted: 民法典 art. 201).
    pub started_on: NaiveDate,
    /// Its last day, moved past a statutory day off (民法典 art. 203); absent when that
    /// day lies in a year the calendar does not know (then see `last_day_bounds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day: Option<NaiveDate>,
    /// When the calendar does not know the year: the earliest and the latest the last day
    /// can be under any holiday notice ([`Period::last_day_bounds`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day_bounds: Option<(NaiveDate, NaiveDate)>,
    /// Whether this window governs the running phase's working-day limit: the phase's red
    /// day is this window's last day (the thresholds were brought forward to it, or end
    /// there anyway), the earliest of the windows that bound the phase.
    pub limits_brought_forward: bool,
}

impl LegalWindow {
    /// The window `kind` of `period` (lengthened by `extension`) started on `from`, its
    /// last day on `calendar` (or its bounds in a year the calendar does not know); not
    /// marked as bringing any threshold forward.
    fn new(
        kind: WindowKind,
        period: Period,
        from: NaiveDate,
        extension: Option<Period>,
        calendar: &Calendar,
    ) -> LegalWindow {
        let last_day = window_end(period, from, extension, calendar).ok();
        let last_day_bounds = last_day
            .is_none()
            .then(|| window_end_bounds(period, from, extension, calendar));
        let period = match (period, extension) {
            (Period::Days(p), Some(Period::Days(e))) => Period::Days(p + e),
            _ => period,
        };
        LegalWindow {
            window: kind,
            source: std::borrow::Cow::Borrowed(kind.source()),
            period,
            started_on: from,
            last_day,
            last_day_bounds,
            limits_brought_forward: false,
        }
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
    /// Every legal window that has started and not been closed by the case's progress,
    /// passed or not, with its last day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<LegalWindow>,
    /// Set when a limit or a window reaches a year the calendar does not know. The standing
    /// is then the one every possible calendar gives, or, where calendars disagree, the
    /// least of them (said here with the bounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
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

/// The legal windows running while `d` is handled in its present phase, with their periods
/// and start days: the mediation month from acceptance (司法部令第75号 art. 33), the labour
/// 15 days from the application (劳动争议调解仲裁法 art. 14) and the court's referral period
/// (委派调解). The working-day limits of the accept and handle phases are brought forward
/// to the earliest of their last days. Empty when none applies (a general case not accepted
/// yet).
pub fn legal_windows(
    d: &Dispute,
    rules: &RuleSet,
) -> impl Iterator<Item = (WindowKind, Period, NaiveDate)> {
    // At most three, on the path every accepted operation takes (the ledger): no allocation.
    let w = &rules.windows;
    let received = china_date(received_at(d));
    [
        d.accepted_at
            .map(|a| (WindowKind::MediationMonth, w.mediation, china_date(a))),
        (d.input.category == Category::Labour).then_some((
            WindowKind::LabourMediation,
            w.labour_mediation,
            received,
        )),
        (d.input.channel == Channel::ReferredByCourt).then_some((
            WindowKind::CourtReferral,
            w.court_referral,
            received,
        )),
    ]
    .into_iter()
    .flatten()
}

/// The windows of judicial confirmation running for a resolved case: the application's 30
/// days while it is offered and not applied for, the court's 3 days to accept, then its 15
/// (or 25, extended) days to decide. The third element is the extension, if approved.
fn confirmation_windows(
    d: &Dispute,
    rules: &RuleSet,
) -> Option<(WindowKind, Period, NaiveDate, Option<Period>)> {
    let w = &rules.windows;
    if d.state != State::Resolved {
        return None;
    }
    match &d.confirmation {
        None => {
            let a = d.agreement.as_ref()?;
            let offered = d.routing.as_ref().is_some_and(|r| r.offer_confirmation);
            offered.then_some((
                WindowKind::ConfirmationApplication,
                w.confirmation_apply,
                a.effective_on,
                None,
            ))
        }
        Some(c) if c.status == ConfirmationStatus::Applied => Some(match c.accepted_on {
            None => (
                WindowKind::CourtAcceptance,
                w.court_accept,
                c.applied_on,
                None,
            ),
            // 法释〔2011〕5号 art. 5: 15 days from acceptance, extended by 10 — one period of 25
            // days from acceptance (see Period::extended_last_day).
            Some(accepted) => (
                WindowKind::CourtDecision,
                w.court_decide,
                accepted,
                c.extended.then_some(w.court_extension),
            ),
        }),
        Some(_) => None,
    }
}

/// Every legal window running for `d` (those of its handling phase while it is open, those
/// of judicial confirmation once resolved), with period, start day and extension.
fn running_windows(
    d: &Dispute,
    rules: &RuleSet,
) -> impl Iterator<Item = (WindowKind, Period, NaiveDate, Option<Period>)> {
    let open = d.state.is_open();
    legal_windows(d, rules)
        .filter(move |_| open)
        .map(|(k, p, from)| (k, p, from, None))
        .chain(confirmation_windows(d, rules))
}

/// The last day of a window, extension included.
fn window_end(
    period: Period,
    from: NaiveDate,
    extension: Option<Period>,
    calendar: &Calendar,
) -> Result<NaiveDate, CalendarError> {
    match extension {
        Some(ext) => period.extended_last_day(ext, from, calendar),
        None => period.last_day(from, calendar),
    }
}

/// The earliest and latest last day of a window under any calendar for unknown years.
fn window_end_bounds(
    period: Period,
    from: NaiveDate,
    extension: Option<Period>,
    calendar: &Calendar,
) -> (NaiveDate, NaiveDate) {
    match extension {
        // The plain end of the first part starts the extension (extended_last_day).
        Some(ext) => ext.last_day_bounds(period.plain_last_day(from), calendar),
        None => period.last_day_bounds(from, calendar),
    }
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

/// What a phase's clock counts: its start, the working days of the handling unit, its
/// suspensions and its thresholds in working days.
struct Clock<'a> {
    start: NaiveDate,
    days: crate::calendar::WorkingDays<'a>,
    pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
    extra: u32,
    percent: u8,
    limit: Limit,
}

impl Clock<'_> {
    /// The thresholds in working days (warning, yellow, red), extensions included.
    fn thresholds(&self) -> [u32; 3] {
        due::thresholds(self.limit, self.percent, self.extra)
    }

    /// The due days, before any legal window brings them forward.
    fn due(&self) -> Result<Due, CalendarError> {
        clock_due(
            self.days,
            self.start,
            self.limit,
            self.percent,
            self.extra,
            &self.pauses,
        )
    }
}

fn clock<'a>(
    d: &Dispute,
    calendar: &'a Calendar,
    rules: &RuleSet,
    phase: Phase,
    limit: Limit,
) -> Clock<'a> {
    let since = d.phase_start(phase);
    let pauses = d
        .pauses
        .iter()
        .filter(|p| p.phase == phase && p.since >= since)
        .map(|p| (china_date(p.since), p.until.map(china_date)))
        .collect();
    let extra = d.granted_days(phase, since);
    let percent = rules.time_limits.warning_percent;
    Clock {
        start: china_date(since),
        days: calendar.at(d.handling_unit),
        pauses,
        extra,
        percent,
        limit,
    }
}

/// The due days of `phase`'s `limit` for `d`: on the handling unit's working days, with
/// the phase's suspensions and extensions, the acceptance and handling limits brought
/// forward so that none ends after the legal window it implements: when both apply, the
/// earlier governs (a red day on 10-16 for a labour case whose 15 days end on 10-11 becomes
/// 10-11), suspended or extended or not, and the early warning and yellow come before it
/// ([`Due::capped`]).
fn phase_due(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    phase: Phase,
    limit: Limit,
) -> Result<Due, CalendarError> {
    let c = clock(d, calendar, rules, phase, limit);
    let due = c.due()?;
    if phase == Phase::Verify {
        return Ok(due);
    }
    Ok(match legal_cap(d, calendar, rules)? {
        Some(cap) => due.capped(cap, c.days, c.start, c.thresholds()),
        None => due,
    })
}

/// [`phase_due`] where a count reaches a year the calendar does not know: the earliest and
/// the latest due days any holiday notice for that year can give.
fn phase_due_bounds(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    phase: Phase,
    limit: Limit,
) -> (Due, Due) {
    let c = clock(d, calendar, rules, phase, limit);
    let (mut early, mut late) =
        due::clock_due_bounds(c.days, c.start, c.limit, c.percent, c.extra, &c.pauses);
    if phase != Phase::Verify {
        for (_, period, from) in legal_windows(d, rules) {
            let (e, l) = period.last_day_bounds(from, calendar);
            early = early.capped(e, c.days, c.start, c.thresholds());
            late = late.capped(l, c.days, c.start, c.thresholds());
        }
    }
    (early, late)
}

/// Whether a limit applies to `d` (running, or the handling limit its result is judged by)
/// that the calendar cannot compute: a year it does not know. Statistics count such a case
/// at the standing every possible calendar gives, or the least of them, and say so.
pub fn undetermined(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> bool {
    let f = ledger_facts(d, calendar, rules);
    f.earliest.is_some() || f.unjudged
}

/// What the statistics ledger keeps of a case's time, computed once per change: the due
/// days of its running limit, whether its conclusion came on time, and, where a count
/// reaches a year the calendar does not know, the bounds.
pub(crate) struct LedgerFacts {
    /// [`running_due`]; the latest possible due days where the calendar cannot tell.
    pub due: Option<Due>,
    /// The earliest possible due days, where the calendar cannot tell.
    pub earliest: Option<Due>,
    /// [`result_on_time`].
    pub on_time: Option<bool>,
    /// The result's timeliness depends on a year the calendar does not know.
    pub unjudged: bool,
}

/// [`running_due`], [`result_on_time`] and the bounds in one pass.
pub(crate) fn ledger_facts(d: &Dispute, calendar: &Calendar, rules: &RuleSet) -> LedgerFacts {
    let t = timed(d, calendar, rules, NaiveDate::MIN);
    let (on_time, unjudged) = match (d.result_at, limits_of(d, rules).handle) {
        (Some(done), Some(limit)) if d.state != State::Stabilised => {
            let done = china_date(done);
            match phase_due(d, calendar, rules, Phase::Handle, limit) {
                Ok(due) => (Some(Standing::on(due, done) != Standing::Red), false),
                Err(_) => {
                    let (early, late) = phase_due_bounds(d, calendar, rules, Phase::Handle, limit);
                    if done <= early.red {
                        (Some(true), false)
                    } else if done > late.red {
                        (Some(false), false)
                    } else {
                        (None, true)
                    }
                }
            }
        }
        _ => (None, false),
    };
    LedgerFacts {
        due: t.due.or(t.bounds.map(|b| b.1)),
        earliest: t.bounds.map(|b| b.0),
        on_time,
        unjudged,
    }
}

/// The timed phase of a case on `today`: which limit runs, its due days (or their bounds
/// where the calendar cannot tell), the standing.
struct Timed {
    phase: Option<Phase>,
    due: Option<Due>,
    /// Earliest and latest due days, when a count reaches an unknown year.
    bounds: Option<(Due, Due)>,
    standing: Standing,
    /// Where calendars would disagree on the standing today.
    undecided: bool,
}

/// Where `today` stands against bounds: the standing every calendar gives, else the least
/// (the latest due days') and `true`.
pub(crate) fn stand_bounded(early: Due, late: Due, today: NaiveDate) -> (Standing, bool) {
    let (a, b) = (Standing::on(late, today), Standing::on(early, today));
    (a, a != b)
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
    let Some(limit) = limit else {
        return Timed {
            phase: None,
            due: None,
            bounds: None,
            standing: Standing::OnTime,
            undecided: false,
        };
    };
    match phase_due(d, calendar, rules, phase, limit) {
        Ok(due) => Timed {
            phase: Some(phase),
            due: Some(due),
            bounds: None,
            standing: Standing::on(due, today),
            undecided: false,
        },
        Err(_) => {
            let (early, late) = phase_due_bounds(d, calendar, rules, phase, limit);
            let (standing, undecided) = stand_bounded(early, late, today);
            Timed {
                phase: Some(phase),
                due: None,
                bounds: Some((early, late)),
                standing,
                undecided,
            }
        }
    }
}

/// Only where a case stands against its running limit at `now` (no legal notices, no
/// allocation): what statistics need for every case.
pub fn standing(d: &Dispute, calendar: &Calendar, rules: &RuleSet, now: DateTime<Utc>) -> Standing {
    timed(d, calendar, rules, china_date(now)).standing
}

/// The legal windows running for `d`, with their last days, whether each has passed by
/// `today` (or certainly passed, where the calendar does not know the year), and which
/// governs the running phase's limit, whose red day is `red` ([`running_due`]). Each last
/// day is computed once: a sweep calls this for every case.
pub fn windows(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    today: NaiveDate,
    red: Option<NaiveDate>,
) -> Vec<(LegalWindow, bool)> {
    let mut out: Vec<(LegalWindow, bool)> = running_windows(d, rules)
        .map(|(kind, period, from, ext)| {
            let w = LegalWindow::new(kind, period, from, ext, calendar);
            let passed = match (w.last_day, w.last_day_bounds) {
                (Some(end), _) => today > end,
                (None, Some((_, late))) => today > late,
                _ => false,
            };
            (w, passed)
        })
        .collect();
    let limited = matches!(
        d.state,
        State::Registered | State::Accepted | State::Mediating
    );
    let bounding = |k: WindowKind| {
        matches!(
            k,
            WindowKind::MediationMonth | WindowKind::LabourMediation | WindowKind::CourtReferral
        )
    };
    if let (true, Some(red)) = (limited, red) {
        if let Some((w, _)) = out
            .iter_mut()
            .filter(|(w, _)| bounding(w.window) && w.last_day.is_some())
            .min_by_key(|(w, _)| w.last_day)
        {
            w.limits_brought_forward = w.last_day == Some(red);
        }
    }
    out
}

/// The legal windows a dispute registered on `day` starts at once (its labour 15 days, a
/// court referral's period), for a decision previewed before registration
/// ([`crate::engine::Engine::decide_input`]); the others start later (acceptance, an agreement).
pub fn registration_windows(
    input: &crate::dispute::DisputeInput,
    calendar: &Calendar,
    rules: &RuleSet,
    day: NaiveDate,
) -> Vec<LegalWindow> {
    let w = &rules.windows;
    [
        (input.category == Category::Labour)
            .then_some((WindowKind::LabourMediation, w.labour_mediation)),
        (input.channel == Channel::ReferredByCourt)
            .then_some((WindowKind::CourtReferral, w.court_referral)),
    ]
    .into_iter()
    .flatten()
    .map(|(kind, period)| LegalWindow::new(kind, period, day, None, calendar))
    .collect()
}

/// Computes a case's standing at `now` under the rule set in force: the routed case's own
/// limits, or the rule set's default limits for a case not routed yet, every legal window
/// running (natural days, 民法典 art. 201–203) and those that have passed.
pub fn status(
    d: &Dispute,
    calendar: &Calendar,
    rules: &RuleSet,
    now: DateTime<Utc>,
) -> DeadlineStatus {
    let today = china_date(now);
    let t = timed(d, calendar, rules, today);
    let mut warnings = Vec::new();
    if let (Some((early, late)), Some(phase)) = (t.bounds, t.phase) {
        let year = unknown_year(calendar, early.red);
        warnings.push(format!(
            "the {} limit runs into {year}, a year the calendar does not know (load its holiday notice): its red day lies between {} and {}; {}",
            phase.label_en(),
            early.red,
            Due::known(late.red).map_or("an open suspension's end".to_string(), |d| d.to_string()),
            if t.undecided {
                format!("calendars disagree today, counted as {}", t.standing.label_en())
            } else {
                format!("{} under every calendar", t.standing.label_en())
            }
        ));
    }
    let mut legal = Vec::new();
    let red = t.due.map(|x| x.red).filter(|r| *r != NaiveDate::MAX);
    let windows: Vec<LegalWindow> = windows(d, calendar, rules, today, red)
        .into_iter()
        .map(|(w, passed)| {
            if passed {
                legal.push(w.window.notice());
            }
            if let (None, Some((early, late))) = (w.last_day, w.last_day_bounds) {
                warnings.push(format!(
                    "the {} window ends in a year the calendar does not know (load its holiday notice): its last day lies between {early} and {late}",
                    w.window.label_en()
                ));
            }
            w
        })
        .collect();
    if d.state == State::Stabilised {
        if let Some((_, review)) = d.watch.as_deref() {
            if today > *review {
                legal.push(LegalNotice::ReviewOverdue);
            }
        }
    }
    let due = t.due.or(t.bounds.map(|b| b.1));
    DeadlineStatus {
        case: d.code.clone(),
        phase: t.phase,
        warning_on: due.and_then(|x| Due::known(x.warning)),
        yellow_on: due.and_then(|x| Due::known(x.yellow)),
        red_on: due.and_then(|x| Due::known(x.red)),
        standing: t.standing,
        suspended_since: d
            .open_pause()
            .filter(|p| t.phase == Some(p.phase))
            .map(|p| china_date(p.since)),
        extended_days: t.phase.map_or(0, |p| d.granted_days(p, d.phase_start(p))),
        legal,
        windows,
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    }
}

/// The first year up to `day` the calendar does not know (for messages).
fn unknown_year(calendar: &Calendar, day: NaiveDate) -> i32 {
    use chrono::Datelike;
    let last_known = calendar.years().last().unwrap_or(day.year() - 1);
    (last_known + 1).min(day.year())
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
