//! The lifecycle (流转) of a dispute as an explicit state machine.
//!
//! A dispute is changed only by an [`Operation`]. [`check`] decides whether an operation is
//! allowed — in this state ([`allowed_from`]), by this kind of actor ([`permitted`]), with
//! this data, under the legal windows — and [`apply`] performs it. `check` then `apply` is
//! what the engine does; replaying a trace runs `apply` alone on already-accepted events,
//! so a replay rebuilds the state exactly even after the hierarchy has changed.
//!
//! ```text
//! registered ─accept→ accepted ─record_session→ mediating ─resolve→ resolved ─close→ closed
//!      │                 │  └──────stabilise──────┬─────→ stabilised ─reopen→ accepted
//!      └─refer→ referred  └─terminate→ terminated ─refer→ referred ─close→ closed
//! ```
//! The complete table is [`TRANSITIONS`]; `docs/lifecycle.md` is tested against it.

pub mod clock;
mod operation;

pub use clock::{Extension, ExtensionStatus, Pause, PauseReason};

pub use operation::{
    Agreement, AgreementForm, Confirmation, ConfirmationStatus, ExcludedMatter, Method, Operation,
    OperationKind, OtherRoute, ReferralTarget,
};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::calendar::Calendar;
use crate::dispute::{CaseCode, DisputeInput, Flag};
use crate::hierarchy::{DivisionCode, Hierarchy};
use crate::routing::{Decision, Grade, LegalWindows};
use crate::staff::Role;
use crate::vocab::domain_enum;

domain_enum! {
    /// Where a dispute stands.
    pub enum State {
        /// 已登记: entered, not yet accepted by a handling unit.
        Registered = ("registered", "已登记", "registered"),
        /// 已受理: accepted; handling has begun.
        Accepted = ("accepted", "已受理", "accepted"),
        /// 调解中: at least one mediation session held.
        Mediating = ("mediating", "调解中", "in mediation"),
        /// 已化解: an agreement took effect (调处成功).
        Resolved = ("resolved", "已化解", "resolved"),
        /// 稳控中: not resolvable yet, kept under control and watched.
        Stabilised = ("stabilised", "稳控中", "stabilised"),
        /// 调解终止: mediation failed; the parties were told of other routes (人民调解法 art. 26).
        Terminated = ("terminated", "调解终止", "mediation terminated"),
        /// 已移送: referred to a court, labour arbitration or the police.
        Referred = ("referred", "已移送", "referred"),
        /// 已结案: closed.
        Closed = ("closed", "已结案", "closed"),
        /// 已移交: sent to another system with its trace ([`crate::transfer`]); kept here
        /// read-only until a result comes back.
        TransferredOut = ("transferred_out", "已移交", "transferred to another system"),
    }
}

impl State {
    /// Whether the case still needs handling (counts as open in sweeps and rankings).
    pub const fn is_open(self) -> bool {
        matches!(self, State::Registered | State::Accepted | State::Mediating)
    }
}

/// Who performs an operation, as the lifecycle sees them: a staff role, an agency kind, or
/// the platform itself (automatic routing, escalation by the deadline sweep).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A staff member in this role.
    Staff(Role),
    /// A body of this kind.
    Agency(AgencyKind),
    /// The platform (综治信息系统) acting by rule.
    System,
}

impl std::fmt::Display for ActorKind {
    /// In words a host developer reads in a message: `a grid worker (网格员)`,
    /// `the court (人民法院)`, `the system`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActorKind::Staff(r) => write!(f, "a {} ({})", r.label_en(), r.label_zh()),
            ActorKind::Agency(k) => write!(f, "the {} ({})", k.label_en(), k.label_zh()),
            ActorKind::System => f.write_str("the system"),
        }
    }
}

/// The mutable state of a case: the registration plus everything the lifecycle recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dispute {
    /// The case code.
    pub code: CaseCode,
    /// What was registered.
    // The registration event's own value, shared; a reassessment that changes the urgency,
    // the risk or the flags makes the record its own copy (`Arc::make_mut`).
    pub input: std::sync::Arc<DisputeInput>,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Where it stands.
    pub state: State,
    /// The unit now handling it.
    pub handling_unit: DivisionCode,
    /// The last routing decision applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<std::sync::Arc<Decision>>,
    /// The unit that assigned it down and expects feedback (上级交办).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<DivisionCode>,
    /// Whether feedback has been given to `assigned_by` since the last assignment.
    #[serde(default)]
    pub feedback_given: bool,
    /// When it was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<DateTime<Utc>>,
    /// Mediation sessions held.
    #[serde(default)]
    pub sessions: u32,
    /// The agreement in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    /// Judicial confirmation of the agreement.
    // Boxed, as `transferred`: few cases have one, and every case record held the room
    // (issue 37, memory per case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Box<Confirmation>>,
    /// The stabilisation plan and next review.
    // Boxed: only a stabilised case has one (issue 37, memory per case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch: Option<Box<(String, NaiveDate)>>,
    /// The routes given when mediation was terminated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes_given: Vec<OtherRoute>,
    /// Where it was referred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_to: Option<ReferralTarget>,
    /// When it reached its present result (resolved, stabilised, terminated, referred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_at: Option<DateTime<Utc>>,
    /// Whether a revisit verified the result, and whether the parties were satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Highest supervision grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Grade>,
    /// Whether it was expedited.
    #[serde(default)]
    pub expedited: bool,
    /// How often it was reported up.
    #[serde(default)]
    pub escalations: u32,
    /// How often it was reopened.
    #[serde(default)]
    pub reopened: u32,
    /// When the present handling phase began, if not at registration: a reopening, or a
    /// stabilised case taken up again. The phase's clocks (the handling limit, the labour
    /// 15 days) run from here; each phase has its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_since: Option<DateTime<Utc>>,
    /// The results of earlier phases, oldest first, kept when the case is reopened: what a
    /// case achieved stays counted in the period it was achieved in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous: Vec<PreviousResult>,
    /// Suspensions of the working-day clock (中止计时), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// Extension requests (延期申请) and their decisions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// Where it went, while it is `transferred_out` (see [`crate::transfer`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred: Option<Box<crate::transfer::Transferred>>,
    /// The ends it was transferred in from, nearest last: a result goes back to the last
    /// (反馈 retraces the path, so the case is open in one engine at a time).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub came_from: Vec<crate::transfer::Endpoint>,
}

/// The result of an earlier handling phase of a reopened case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PreviousResult {
    /// The state it ended in.
    pub state: State,
    /// When that phase was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it reached its result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_at: Option<DateTime<Utc>>,
    /// The agreement then in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    /// Its judicial confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Box<Confirmation>>,
    /// The revisit's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

domain_enum! {
    /// Why an operation was refused.
    pub enum Refusal {
        /// Not allowed in the current state.
        WrongState = ("wrong_state", "当前状态不允许该操作", "not allowed in this state"),
        /// The actor's role or kind may not perform it.
        NotPermitted = ("not_permitted", "无权执行该操作", "actor not permitted"),
        /// Data the operation needs is missing or inconsistent.
        MissingData = ("missing_data", "缺少必要信息", "missing or inconsistent data"),
        /// The law forbids it (a window passed, consent missing, an excluded matter).
        Law = ("law", "不符合法律规定", "not allowed by law"),
    }
}

/// A refused operation: typed, naming the state and the operation. Nothing changed.
/// Displayed as `resolve refused in state accepted: …`; a refused registration, which has
/// no case and so no state yet, as `register refused: …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LifecycleError {
    /// The kind of refusal.
    pub refusal: Refusal,
    /// The operation.
    pub operation: OperationKind,
    /// The state it was tried in.
    pub state: State,
    /// What is wrong, and what to do instead.
    pub message: String,
}

/// The largest amount (yuan) a dispute or an agreement may name: a trillion yuan is beyond
/// any mediated dispute, and keeps sums over a province's cases far from overflowing.
pub const MAX_AMOUNT_YUAN: u64 = 1_000_000_000_000;

impl std::fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.operation == OperationKind::Register {
            write!(f, "register refused: {}", self.message)
        } else {
            write!(
                f,
                "{} refused in state {}: {}",
                self.operation, self.state, self.message
            )
        }
    }
}

impl std::error::Error for LifecycleError {}

/// Where each operation may start from, and where it leads (`None`: stays in place).
/// `docs/lifecycle.md` is generated from and tested against this table.
pub const TRANSITIONS: &[(OperationKind, &[State], Option<State>)] = {
    use OperationKind as O;
    use State::*;
    &[
        (O::Route, &[Registered, Accepted, Mediating], None),
        (O::Accept, &[Registered], Some(Accepted)),
        (O::AssignDown, &[Registered, Accepted, Mediating], None),
        (
            O::ReportUp,
            &[Registered, Accepted, Mediating, Stabilised],
            None,
        ),
        (O::RecordSession, &[Accepted, Mediating], Some(Mediating)),
        (O::Resolve, &[Mediating], Some(Resolved)),
        (
            O::Stabilise,
            &[Accepted, Mediating, Stabilised],
            Some(Stabilised),
        ),
        (O::Terminate, &[Accepted, Mediating], Some(Terminated)),
        (
            O::Refer,
            &[Registered, Accepted, Mediating, Terminated],
            Some(Referred),
        ),
        (O::ApplyConfirmation, &[Resolved], None),
        (O::AcceptConfirmation, &[Resolved], None),
        (O::ExtendConfirmation, &[Resolved], None),
        (O::GrantConfirmation, &[Resolved], None),
        (O::RefuseConfirmation, &[Resolved], None),
        (
            O::Feedback,
            &[
                Accepted, Mediating, Resolved, Stabilised, Terminated, Referred, Closed,
            ],
            None,
        ),
        (
            O::Verify,
            &[Resolved, Stabilised, Terminated, Referred],
            None,
        ),
        (O::Close, &[Resolved, Terminated, Referred], Some(Closed)),
        (O::Return, &[Registered, Accepted], Some(Registered)),
        (
            O::Reopen,
            &[Resolved, Stabilised, Terminated, Closed],
            Some(Accepted),
        ),
        (
            O::Supervise,
            &[
                Registered, Accepted, Mediating, Resolved, Stabilised, Terminated, Referred,
            ],
            None,
        ),
        (
            O::Expedite,
            &[Registered, Accepted, Mediating, Stabilised],
            None,
        ),
        (
            O::MarkHistoric,
            &[Registered, Accepted, Mediating, Stabilised],
            None,
        ),
        (
            O::Reassess,
            &[Registered, Accepted, Mediating, Stabilised],
            None,
        ),
        (O::Suspend, &[Registered, Accepted, Mediating], None),
        (O::Resume, &[Registered, Accepted, Mediating], None),
        (
            O::RequestExtension,
            &[Registered, Accepted, Mediating],
            None,
        ),
        (O::DecideExtension, &[Registered, Accepted, Mediating], None),
        (
            O::TransferOut,
            &[
                Registered, Accepted, Mediating, Resolved, Stabilised, Terminated, Referred,
            ],
            Some(TransferredOut),
        ),
        // The state it was sent in comes back with it (`Dispute::transferred`).
        (O::TransferIn, &[TransferredOut], None),
    ]
};

/// The states an operation may start from (empty for `register`, which creates the case).
pub fn allowed_from(op: OperationKind) -> &'static [State] {
    TRANSITIONS.iter().find(|t| t.0 == op).map_or(&[], |t| t.1)
}

/// Who may perform each operation. `docs/lifecycle.md` is tested against this table.
pub fn permitted(op: OperationKind, actor: ActorKind) -> bool {
    use AgencyKind as A;
    use OperationKind as O;
    use Role as R;
    let staff = |roles: &[Role]| matches!(actor, ActorKind::Staff(r) if roles.contains(&r));
    let agency = |kinds: &[AgencyKind]| matches!(actor, ActorKind::Agency(k) if kinds.contains(&k));
    let system = actor == ActorKind::System;
    let centre = agency(&[A::GovernanceCentre]) || staff(&[R::CentreStaff]);
    let mediators = staff(&[
        R::Mediator,
        R::LegalLiterate,
        R::LegalCounsel,
        R::VillageCadre,
        R::CentreStaff,
    ]) || agency(&[A::GovernanceCentre, A::Justice]);
    match op {
        O::Register => {
            matches!(actor, ActorKind::Staff(_))
                || agency(&[A::GovernanceCentre, A::Court, A::Police, A::Justice])
        }
        O::Route => centre || system,
        // The grid worker takes (受理) the small matters handled in the grid.
        O::Accept => centre || staff(&[R::Mediator, R::GridWorker]) || agency(&[A::Justice]),
        O::AssignDown | O::Return => centre,
        O::ReportUp => centre || system || staff(&[R::GridWorker, R::VillageCadre, R::Mediator]),
        // 小事就地化解: the grid worker may mediate and settle small matters on the spot.
        O::RecordSession | O::Resolve => mediators || staff(&[R::GridWorker]),
        O::Terminate => mediators,
        O::Stabilise => mediators || staff(&[R::GridWorker]) || agency(&[A::Police]),
        O::Refer => centre || staff(&[R::Mediator]) || agency(&[A::Justice]),
        O::ApplyConfirmation => centre || staff(&[R::Mediator]) || agency(&[A::Justice, A::Court]),
        O::AcceptConfirmation
        | O::ExtendConfirmation
        | O::GrantConfirmation
        | O::RefuseConfirmation => agency(&[A::Court]),
        O::Feedback => centre || staff(&[R::Mediator, R::GridWorker]),
        O::Verify => {
            centre
                || staff(&[
                    R::GridWorker,
                    R::HouseholdHead,
                    R::Mediator,
                    R::VillageCadre,
                ])
        }
        O::Close => centre || staff(&[R::Mediator]),
        O::Reopen => centre || staff(&[R::Mediator, R::GridWorker]),
        O::Supervise | O::Expedite => centre || system,
        O::MarkHistoric => centre,
        // Those who meet the parties find the risk; the police assess violence.
        O::Reassess => {
            centre
                || system
                || staff(&[R::GridWorker, R::Mediator, R::VillageCadre, R::LegalCounsel])
                || agency(&[A::Police, A::Justice])
        }
        // Those handling the case stop and start its clock and ask for time; a centre above
        // decides (the unit is checked with the data: 上级审批).
        O::Suspend | O::Resume | O::RequestExtension => mediators || staff(&[R::GridWorker]),
        O::DecideExtension => centre,
        // The centre sends and receives (the system, for a host's automatic exchange); so
        // do the joint mechanism's bodies on their own platforms (诉调对接, 警调对接, 访调对接).
        O::TransferOut | O::TransferIn => {
            centre || system || agency(&[A::Court, A::Police, A::Justice, A::Petitions])
        }
    }
}

/// What `check` needs besides the case: the places (for assign/report targets), the legal
/// windows of the rule set in force, the calendar (a window whose last day is a day off
/// runs to the next working day) and when the case's last step was recorded (no date an
/// operation carries may precede it).
pub struct Context<'a> {
    /// The hierarchy.
    pub hierarchy: &'a Hierarchy,
    /// Legal windows.
    pub windows: LegalWindows,
    /// The working calendar.
    pub calendar: &'a Calendar,
    /// The time of the case's last event.
    pub last_event: DateTime<Utc>,
    /// The unit the actor serves (`None` for the system): an extension is decided above
    /// the handling unit.
    pub actor_unit: Option<DivisionCode>,
    /// The most working days extensions may add to a phase (the rule set's
    /// `time_limits.max_extension_days`).
    pub max_extension_days: u32,
}

/// Decides whether `op` may be applied to `d` by `actor` at `at`. Changes nothing.
pub fn check(
    d: &Dispute,
    op: &Operation,
    actor: ActorKind,
    at: DateTime<Utc>,
    ctx: &Context,
) -> Result<(), LifecycleError> {
    let kind = op.kind();
    let refuse = |refusal, message: String| LifecycleError {
        refusal,
        operation: kind,
        state: d.state,
        message,
    };
    if kind == OperationKind::Register {
        return Err(refuse(
            Refusal::WrongState,
            "the case is already registered".into(),
        ));
    }
    if !allowed_from(kind).contains(&d.state) {
        let from: Vec<&str> = allowed_from(kind).iter().map(|s| s.as_str()).collect();
        return Err(refuse(
            Refusal::WrongState,
            format!(
                "{} is allowed only in: {}",
                kind.label_en(),
                from.join(", ")
            ),
        ));
    }
    if !permitted(kind, actor) {
        return Err(refuse(
            Refusal::NotPermitted,
            format!("{actor} may not {}", kind.label_en()),
        ));
    }
    operation::check_data(d, op, at, ctx).map_err(|(refusal, message)| refuse(refusal, message))
}

/// Creates the state of a newly registered case.
pub fn register(code: CaseCode, input: std::sync::Arc<DisputeInput>, at: DateTime<Utc>) -> Dispute {
    Dispute {
        code,
        handling_unit: input.location,
        assigned_by: input.assigned_by,
        input,
        registered_at: at,
        state: State::Registered,
        routing: None,
        feedback_given: false,
        accepted_at: None,
        sessions: 0,
        agreement: None,
        confirmation: None,
        watch: None,
        routes_given: Vec::new(),
        referred_to: None,
        result_at: None,
        verified: None,
        closed_at: None,
        supervision: None,
        expedited: false,
        escalations: 0,
        reopened: 0,
        phase_since: None,
        previous: Vec::new(),
        pauses: Vec::new(),
        extensions: Vec::new(),
        transferred: None,
        came_from: Vec::new(),
    }
}

/// Applies an accepted operation. Infallible: everything that can fail was checked.
pub fn apply(d: &mut Dispute, op: &Operation, at: DateTime<Utc>) {
    let phase_before = clock::clock_phase(d.state);
    apply_state(d, op, at);
    clock::apply(d, op, at, phase_before);
}

fn apply_state(d: &mut Dispute, op: &Operation, at: DateTime<Utc>) {
    use Operation as O;
    let before = d.state;
    if let Some(to) = TRANSITIONS
        .iter()
        .find(|t| t.0 == op.kind())
        .and_then(|t| t.2)
    {
        d.state = to;
    }
    match op {
        O::Register { .. } => {}
        O::Route { decision } => {
            d.handling_unit = decision.unit;
            if decision.supervision > d.supervision {
                d.supervision = decision.supervision;
            }
            // Shared with the route event, not copied: a routed case held the decision
            // twice (issue 37, memory per case).
            d.routing = Some(decision.clone());
        }
        O::Accept { .. } => d.accepted_at = Some(at),
        O::AssignDown { to, .. } => {
            d.assigned_by = Some(d.handling_unit);
            d.feedback_given = false;
            d.handling_unit = *to;
        }
        O::ReportUp { to, .. } => {
            d.handling_unit = *to;
            d.escalations += 1;
            if d.state == State::Stabilised {
                // Taken up again by the unit above: a new handling phase with its own clock.
                d.state = State::Accepted;
                d.accepted_at = Some(at);
                d.phase_since = Some(at);
            }
        }
        O::RecordSession { .. } => d.sessions += 1,
        O::Resolve { agreement } => {
            d.agreement = Some(agreement.clone());
            d.result_at = Some(at);
        }
        O::Stabilise { plan, next_review } => {
            d.watch = Some(Box::new((plan.clone(), *next_review)));
            if d.result_at.is_none() || d.state != State::Stabilised {
                d.result_at = Some(at);
            }
        }
        O::Terminate { routes, .. } => {
            d.routes_given = routes.clone();
            d.result_at = Some(at);
        }
        O::Refer { to, .. } => {
            d.referred_to = Some(*to);
            d.result_at = Some(at);
        }
        O::ApplyConfirmation {
            applied_on,
            applicants,
        } => {
            d.confirmation = Some(Box::new(Confirmation {
                status: ConfirmationStatus::Applied,
                applied_on: *applied_on,
                applicants: applicants.clone(),
                accepted_on: None,
                extended: false,
                decided_on: None,
                reason: None,
            }))
        }
        O::AcceptConfirmation { accepted_on } => {
            if let Some(c) = &mut d.confirmation {
                c.accepted_on = Some(*accepted_on);
            }
        }
        O::ExtendConfirmation { .. } => {
            if let Some(c) = &mut d.confirmation {
                c.extended = true;
            }
        }
        O::GrantConfirmation { decided_on } | O::RefuseConfirmation { decided_on, .. } => {
            if let Some(c) = &mut d.confirmation {
                c.decided_on = Some(*decided_on);
                if let O::RefuseConfirmation { reason, .. } = op {
                    c.status = ConfirmationStatus::Refused;
                    c.reason = Some(reason.clone());
                } else {
                    c.status = ConfirmationStatus::Granted;
                }
            }
        }
        O::Feedback { .. } => d.feedback_given = true,
        O::Verify { satisfied, .. } => d.verified = Some(*satisfied),
        O::Close { .. } => d.closed_at = Some(at),
        O::TransferOut { to, reason, .. } => {
            d.transferred = Some(Box::new(crate::transfer::Transferred {
                to: (**to).clone(),
                reason: *reason,
                state: before,
            }));
        }
        O::TransferIn { from, at, reason } => {
            if let Some(t) = d.transferred.take() {
                d.state = t.state;
            }
            d.handling_unit = at.unit;
            if *reason == crate::transfer::TransferReason::Result {
                d.came_from.pop();
            } else {
                d.came_from.push((**from).clone());
            }
        }
        O::Return { .. } => {
            if let Some(up) = d.assigned_by.take() {
                d.handling_unit = up;
            }
            d.feedback_given = false;
            d.accepted_at = None;
        }
        O::Reopen { .. } => {
            // The `state` already moved to `accepted`: what the phase ended in is kept from
            // the result fields.
            let ended = if d.agreement.is_some() {
                State::Resolved
            } else if d.referred_to.is_some() {
                State::Referred
            } else if !d.routes_given.is_empty() {
                State::Terminated
            } else {
                State::Stabilised
            };
            d.previous.push(PreviousResult {
                state: ended,
                accepted_at: d.accepted_at,
                result_at: d.result_at,
                agreement: d.agreement.take(),
                confirmation: d.confirmation.take(),
                verified: d.verified.take(),
            });
            d.reopened += 1;
            d.accepted_at = Some(at);
            d.phase_since = Some(at);
            d.closed_at = None;
            d.result_at = None;
            d.watch = None;
            d.routes_given.clear();
            d.referred_to = None;
        }
        O::Supervise { grade, .. } => {
            if Some(*grade) > d.supervision {
                d.supervision = Some(*grade);
            }
        }
        O::Expedite { .. } => {
            d.expedited = true;
            std::sync::Arc::make_mut(&mut d.input).urgency = crate::dispute::Urgency::High;
        }
        O::MarkHistoric { .. } => std::sync::Arc::make_mut(&mut d.input)
            .flags
            .insert(Flag::Historic),
        O::Reassess {
            urgency,
            risk,
            add_flags,
            remove_flags,
            ..
        } => {
            if let Some(u) = urgency {
                std::sync::Arc::make_mut(&mut d.input).urgency = *u;
            }
            if let Some(r) = risk {
                std::sync::Arc::make_mut(&mut d.input).risk = *r;
            }
            if !add_flags.is_empty() || !remove_flags.is_empty() {
                let input = std::sync::Arc::make_mut(&mut d.input);
                for f in add_flags.iter() {
                    input.flags.insert(f);
                }
                for f in remove_flags.iter() {
                    input.flags.remove(f);
                }
            }
        }
        O::Suspend { .. }
        | O::Resume { .. }
        | O::RequestExtension { .. }
        | O::DecideExtension { .. } => {}
    }
}

#[cfg(test)]
mod tests;

/// The transition and permission tables as Markdown, for documentation: one row per
/// operation with the states it starts from, where it leads and who may perform it.
/// `docs/lifecycle.md` embeds this text and a test keeps the two identical.
pub fn markdown_table() -> String {
    use std::fmt::Write as _;
    let mut actors: Vec<(ActorKind, &str)> = vec![(ActorKind::System, "system 系统")];
    let mut names = Vec::new();
    for r in Role::ALL {
        names.push((
            ActorKind::Staff(*r),
            format!("{} {}", r.as_str(), r.label_zh()),
        ));
    }
    for k in AgencyKind::ALL {
        names.push((
            ActorKind::Agency(*k),
            format!("{} {}", k.as_str(), k.label_zh()),
        ));
    }
    actors.extend(names.iter().map(|(a, n)| (*a, n.as_str())));
    let mut out = String::from(
        "| operation | 操作 | from states | to state | who may |\n|---|---|---|---|---|\n",
    );
    for &op in OperationKind::ALL {
        let (from, to) = match TRANSITIONS.iter().find(|t| t.0 == op) {
            Some(t) => (
                t.1.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.2.map_or("(unchanged)".to_string(), |s| format!("`{s}`")),
            ),
            None => ("(new case)".to_string(), "`registered`".to_string()),
        };
        let who: Vec<&str> = actors
            .iter()
            .filter(|(a, _)| permitted(op, *a))
            .map(|(_, n)| *n)
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            op,
            op.label_zh(),
            from,
            to,
            who.join(", ")
        );
    }
    out.push_str("\n| state | 状态 | open (timed, ranked) |\n|---|---|---|\n");
    for s in State::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            s,
            s.label_zh(),
            if s.is_open() { "yes" } else { "no" }
        );
    }
    out
}
