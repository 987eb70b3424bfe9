//! The working-day clock of a case: suspensions (中止计时) and extensions (延期).
//!
//! A handler may stop the clock while the case waits on something outside the handling
//! unit's hands — a party who cannot be reached, an appraisal or survey, a hearing at another
//! body — and start it again; the suspended working days do not count towards the
//! practice's limits. A handler may ask for more working days; a unit above the handling
//! unit approves (possibly fewer) or refuses, and the days granted move the early-warning,
//! yellow and red days of the phase. Neither moves a legal window: the law's natural-day
//! periods (the mediation month, the labour 15 days, the court's periods) keep running, and
//! a working-day limit never ends after them ([`crate::deadline`]).
//!
//! Both belong to the phase they were recorded in (acceptance or handling): a suspension
//! still open when the phase ends (the case is accepted, resolved, referred …) ends with it,
//! and a request not decided by then lapses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Context, Dispute, Operation, Refusal, State};
use crate::deadline::Phase;
use crate::vocab::domain_enum;

domain_enum! {
    /// Why the clock was suspended.
    pub enum PauseReason {
        /// 等待当事人: a party cannot be reached or asked for time.
        WaitingForParty = ("waiting_for_party", "等待当事人", "waiting for a party"),
        /// 鉴定、勘验、评估: an appraisal, survey or valuation is under way.
        Appraisal = ("appraisal", "鉴定勘验评估", "appraisal or survey"),
        /// 等待其他机关: a hearing or decision at another body the outcome depends on.
        OtherBody = ("other_body", "等待其他机关处理", "waiting for another body"),
        /// 其他: stated in the note.
        Other = ("other", "其他", "other"),
    }
}

domain_enum! {
    /// Where an extension request stands.
    pub enum ExtensionStatus {
        /// 待审批.
        Pending = ("pending", "待审批", "pending"),
        /// 已批准 (possibly fewer days than asked).
        Approved = ("approved", "已批准", "approved"),
        /// 不予批准.
        Refused = ("refused", "不予批准", "refused"),
        /// 已失效: the phase ended before a decision.
        Lapsed = ("lapsed", "已失效", "lapsed"),
    }
}

/// One suspension of the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pause {
    /// The phase it stopped.
    pub phase: Phase,
    /// Why.
    pub reason: PauseReason,
    /// When it began.
    pub since: DateTime<Utc>,
    /// When the clock started again; `None` while suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

/// One extension request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Extension {
    /// The phase whose limit it extends.
    pub phase: Phase,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// Working days asked for.
    pub days: u32,
    /// Why.
    pub reason: String,
    /// Where it stands.
    pub status: ExtensionStatus,
    /// Working days granted (0 unless approved).
    #[serde(default)]
    pub granted: u32,
    /// When it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

/// The phase whose working-day limit runs in `state`, if it can be suspended or extended:
/// acceptance while registered, handling while accepted or in mediation.
pub fn clock_phase(state: State) -> Option<Phase> {
    match state {
        State::Registered => Some(Phase::Accept),
        State::Accepted | State::Mediating => Some(Phase::Handle),
        _ => None,
    }
}

impl Dispute {
    /// The suspension in force, if the clock is stopped.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.last().filter(|p| p.until.is_none())
    }

    /// The extension request awaiting a decision.
    pub fn pending_extension(&self) -> Option<&Extension> {
        self.extensions
            .last()
            .filter(|e| e.status == ExtensionStatus::Pending)
    }

    /// Working days granted to `phase` by extensions asked at or after `since` (the phase's
    /// start).
    pub fn granted_days(&self, phase: Phase, since: DateTime<Utc>) -> u32 {
        self.extensions
            .iter()
            .filter(|e| e.phase == phase && e.requested_at >= since)
            .map(|e| e.granted)
            .sum()
    }
}

type Refused = (Refusal, String);

/// Checks a clock operation's data (the states and actors are checked by the tables).
pub(super) fn check(d: &Dispute, op: &Operation, ctx: &Context) -> Result<(), Refused> {
    use Operation as O;
    use Refusal::{MissingData, NotPermitted, WrongState};
    match op {
        O::Suspend { reason, note } => {
            if let Some(p) = d.open_pause() {
                return Err((
                    WrongState,
                    format!(
                        "the clock is already suspended since {} ({}): resume it first",
                        p.since,
                        p.reason.label_en()
                    ),
                ));
            }
            if *reason == PauseReason::Other && note.trim().is_empty() {
                return Err((
                    MissingData,
                    "a suspension for another reason needs a note saying which".into(),
                ));
            }
            Ok(())
        }
        O::Resume { .. } => match d.open_pause() {
            Some(_) => Ok(()),
            None => Err((WrongState, "the clock is not suspended".into())),
        },
        O::RequestExtension { days, reason } => {
            if let Some(e) = d.pending_extension() {
                return Err((
                    WrongState,
                    format!(
                        "a request for {} working day(s) made at {} awaits a decision",
                        e.days, e.requested_at
                    ),
                ));
            }
            if reason.trim().is_empty() {
                return Err((MissingData, "say why more time is needed".into()));
            }
            let phase = clock_phase(d.state).expect("the table allows only timed states");
            let since = d.phase_start(phase);
            let granted = d.granted_days(phase, since);
            let left = ctx.max_extension_days.saturating_sub(granted);
            if *days == 0 || *days > left {
                return Err((
                    MissingData,
                    format!(
                        "days {days}: ask for 1 to {left} working day(s) (time_limits.max_extension_days is {} for a phase, {granted} already granted)",
                        ctx.max_extension_days
                    ),
                ));
            }
            Ok(())
        }
        O::DecideExtension { approved, days, .. } => {
            let e = d.pending_extension().ok_or((
                WrongState,
                "there is no extension request awaiting a decision".to_string(),
            ))?;
            let above = ctx.actor_unit.is_some_and(|u| {
                u != d.handling_unit && ctx.hierarchy.is_within(d.handling_unit, u).unwrap_or(false)
            });
            if !above {
                return Err((
                    NotPermitted,
                    format!(
                        "an extension is decided by a unit above the handling unit {} (上级审批); {} is not above it",
                        d.handling_unit,
                        ctx.actor_unit
                            .map_or("the system".to_string(), |u| u.to_string())
                    ),
                ));
            }
            match (approved, days) {
                (true, Some(n)) if *n == 0 || *n > e.days => Err((
                    MissingData,
                    format!(
                        "days {n}: grant 1 to {} working day(s), the days asked for",
                        e.days
                    ),
                )),
                (false, Some(n)) => Err((
                    MissingData,
                    format!("days {n}: a refusal grants no days; omit `days`"),
                )),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Applies a clock operation, and ends what belongs to a phase that just ended: `before`
/// is the phase timed before the operation.
pub(super) fn apply(d: &mut Dispute, op: &Operation, at: DateTime<Utc>, before: Option<Phase>) {
    use Operation as O;
    match op {
        O::Suspend { reason, .. } => d.pauses.push(Pause {
            phase: clock_phase(d.state).unwrap_or(Phase::Handle),
            reason: *reason,
            since: at,
            until: None,
        }),
        O::Resume { .. } => {
            if let Some(p) = d.pauses.last_mut() {
                p.until = Some(at);
            }
        }
        O::RequestExtension { days, reason } => d.extensions.push(Extension {
            phase: clock_phase(d.state).unwrap_or(Phase::Handle),
            requested_at: at,
            days: *days,
            reason: reason.clone(),
            status: ExtensionStatus::Pending,
            granted: 0,
            decided_at: None,
        }),
        O::DecideExtension { approved, days, .. } => {
            if let Some(e) = d.extensions.last_mut() {
                e.status = match approved {
                    true => ExtensionStatus::Approved,
                    false => ExtensionStatus::Refused,
                };
                e.granted = if *approved { days.unwrap_or(e.days) } else { 0 };
                e.decided_at = Some(at);
            }
        }
        _ => {}
    }
    // A new phase (accepted, concluded, returned, reopened, taken up again): what was
    // recorded for the old one ends.
    let new_phase = matches!(op, O::Reopen { .. } | O::Return { .. })
        || matches!(op, O::ReportUp { .. } if before.is_none());
    if before != clock_phase(d.state) || new_phase {
        if let Some(p) = d.pauses.last_mut().filter(|p| p.until.is_none()) {
            p.until = Some(at);
        }
        if let Some(e) = d
            .extensions
            .last_mut()
            .filter(|e| e.status == ExtensionStatus::Pending)
        {
            e.status = ExtensionStatus::Lapsed;
            e.decided_at = Some(at);
        }
    }
}

impl Dispute {
    /// When `phase` began for this case: the registration for acceptance; the acceptance
    /// (or the moment the case was taken up again) for handling; the result for
    /// verification.
    pub fn phase_start(&self, phase: Phase) -> DateTime<Utc> {
        match phase {
            Phase::Accept => self.registered_at,
            Phase::Handle => self.accepted_at.unwrap_or(self.registered_at),
            Phase::Verify => self.result_at.unwrap_or(self.registered_at),
        }
    }
}
