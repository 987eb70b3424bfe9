//! The operations of the lifecycle and the data each carries, with the checks of that data
//! against the law (人民调解法, 法释〔2011〕5号) and the hierarchy.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Context, Dispute, Refusal};
use crate::calendar::china_date;
use crate::dispute::{CaseCode, Category, DisputeInput, Party};
use crate::hierarchy::DivisionCode;
use crate::routing::{Decision, Grade};
use crate::tagged::tagged_enum;
use crate::vocab::domain_enum;

domain_enum! {
    /// The kind of an operation, without its data: for tables, permissions and errors.
    pub enum OperationKind {
        /// 录入
        Register = ("register", "录入登记", "register"),
        /// 流转 (apply a routing decision)
        Route = ("route", "流转分派", "route"),
        /// 受理
        Accept = ("accept", "受理", "accept"),
        /// 交办
        AssignDown = ("assign_down", "交办", "assign down"),
        /// 上报
        ReportUp = ("report_up", "上报", "report up"),
        /// 调解 (a session)
        RecordSession = ("record_session", "调解", "record a mediation session"),
        /// 调解成功
        Resolve = ("resolve", "调解成功", "resolve with an agreement"),
        /// 稳控
        Stabilise = ("stabilise", "稳控", "stabilise"),
        /// 终止调解
        Terminate = ("terminate", "终止调解", "terminate mediation"),
        /// 移送 / 诉调对接
        Refer = ("refer", "移送", "refer"),
        /// 申请司法确认
        ApplyConfirmation = ("apply_confirmation", "申请司法确认", "apply for judicial confirmation"),
        /// 法院受理确认申请
        AcceptConfirmation = ("accept_confirmation", "受理司法确认申请", "accept the confirmation application"),
        /// 延长审查期限
        ExtendConfirmation = ("extend_confirmation", "延长司法确认审查期限", "extend the confirmation review"),
        /// 确认有效
        GrantConfirmation = ("grant_confirmation", "司法确认有效", "grant judicial confirmation"),
        /// 驳回申请
        RefuseConfirmation = ("refuse_confirmation", "驳回确认申请", "refuse judicial confirmation"),
        /// 反馈
        Feedback = ("feedback", "反馈", "feedback"),
        /// 回访验证
        Verify = ("verify", "回访验证", "verify by revisit"),
        /// 结案
        Close = ("close", "结案", "close"),
        /// 回退
        Return = ("return", "回退", "return"),
        /// 重新启动
        Reopen = ("reopen", "重新启动", "reopen"),
        /// 督办
        Supervise = ("supervise", "督办", "supervise"),
        /// 加急
        Expedite = ("expedite", "加急", "expedite"),
        /// 历史遗留
        MarkHistoric = ("mark_historic", "标记历史遗留", "mark historic"),
        /// 重新研判: urgency, risk or flags change (a violence risk found during mediation)
        Reassess = ("reassess", "重新研判", "reassess"),
        /// 中止计时: the working-day clock stops while the case waits on others
        Suspend = ("suspend", "中止计时", "suspend the clock"),
        /// 恢复计时
        Resume = ("resume", "恢复计时", "resume the clock"),
        /// 延期申请
        RequestExtension = ("request_extension", "延期申请", "request an extension"),
        /// 延期审批 (by a unit above the handling unit)
        DecideExtension = ("decide_extension", "延期审批", "decide an extension"),
        /// 移交 (to another system)
        TransferOut = ("transfer_out", "移交", "transfer to another system"),
        /// 接收移交 (from another system)
        TransferIn = ("transfer_in", "接收移交", "take in a transfer"),
    }
}

domain_enum! {
    /// How a session was held (the seed's methods).
    pub enum Method {
        /// 面对面调解
        FaceToFace = ("face_to_face", "面对面调解", "face-to-face mediation"),
        /// 板凳议事会
        BenchMeeting = ("bench_meeting", "板凳议事会", "bench meeting"),
        /// 院坝会
        CourtyardMeeting = ("courtyard_meeting", "院坝会", "courtyard meeting"),
        /// 入户拉家常
        HomeVisit = ("home_visit", "入户拉家常", "home visit"),
        /// 电话/视频
        Remote = ("remote", "电话或视频调解", "remote"),
        /// 联合调处
        Joint = ("joint", "联合调处", "joint mediation"),
    }
}

domain_enum! {
    /// Written or oral agreement (人民调解法 art. 28–30).
    pub enum AgreementForm {
        /// 书面调解协议: effective when parties sign/seal/fingerprint, the mediator signs and
        /// the committee seals (art. 29).
        Written = ("written", "书面协议", "written"),
        /// 口头协议: effective when reached (art. 30).
        Oral = ("oral", "口头协议", "oral"),
    }
}

domain_enum! {
    /// Other routes the parties are told of when mediation ends (art. 26).
    pub enum OtherRoute {
        /// 仲裁
        Arbitration = ("arbitration", "仲裁", "arbitration"),
        /// 行政途径
        Administrative = ("administrative", "行政途径", "administrative route"),
        /// 诉讼
        Litigation = ("litigation", "诉讼", "litigation"),
    }
}

domain_enum! {
    /// Where a case is referred.
    pub enum ReferralTarget {
        /// 法院 (诉调对接, litigation)
        Court = ("court", "法院", "court"),
        /// 劳动人事争议仲裁委员会
        LabourArbitration = ("labour_arbitration", "劳动仲裁", "labour arbitration"),
        /// 公安机关
        Police = ("police", "公安机关", "police"),
        /// 行政主管部门
        Department = ("department", "行政主管部门", "competent department"),
    }
}

domain_enum! {
    /// Where a judicial-confirmation application stands.
    pub enum ConfirmationStatus {
        /// 已申请
        Applied = ("applied", "已申请", "applied"),
        /// 确认有效
        Granted = ("granted", "确认有效", "granted"),
        /// 驳回
        Refused = ("refused", "驳回", "refused"),
    }
}

/// A mediation agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Written or oral.
    pub form: AgreementForm,
    /// The day it took effect: the 30-day confirmation window runs from here.
    pub effective_on: NaiveDate,
    /// What was agreed.
    pub terms: String,
    /// Money the agreement settles, in yuan (reported as 协议涉及金额).
    #[serde(default)]
    pub amount_yuan: u64,
    /// Written: every party signed, sealed or fingerprinted.
    #[serde(default)]
    pub parties_signed: bool,
    /// Written: the mediator signed.
    #[serde(default)]
    pub mediator_signed: bool,
    /// Written: the mediation committee sealed it.
    #[serde(default)]
    pub committee_sealed: bool,
    /// A matter the court does not accept for judicial confirmation, if the agreement is
    /// about one (民诉法解释 art. 355; 法释〔2011〕5号 art. 4): a personal-status
    /// relationship, a matter of another special procedure, ownership of property or of
    /// intellectual property. Property and support terms between family members are not
    /// excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<ExcludedMatter>,
}

domain_enum! {
    /// Matters a court does not accept for judicial confirmation of a mediation agreement
    /// (民诉法解释, 2022 text, art. 355; 法释〔2011〕5号 art. 4).
    pub enum ExcludedMatter {
        /// Confirming, annulling or dissolving a marriage, parent–child, adoption or other
        /// personal-status relationship (婚姻关系、亲子关系、收养关系等身份关系).
        PersonalStatus = ("personal_status", "身份关系", "a personal-status relationship"),
        /// A matter for another special procedure, public summons or bankruptcy
        /// (其他特别程序、公示催告程序、破产程序).
        SpecialProcedure = ("special_procedure", "特别程序、公示催告或破产程序事项", "a special-procedure matter"),
        /// Determining ownership of property, land use rights included (物权确权).
        PropertyOwnership = ("property_ownership", "物权确权", "ownership of property"),
        /// Determining ownership of intellectual property (知识产权确权).
        IpOwnership = ("ip_ownership", "知识产权确权", "ownership of intellectual property"),
    }
}

/// A judicial-confirmation application and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Confirmation {
    /// Where it stands.
    pub status: ConfirmationStatus,
    /// When the parties applied.
    pub applied_on: NaiveDate,
    /// Who applied: every party, jointly (人民调解法 art. 33).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applicants: Vec<Party>,
    /// When the court accepted the application (立案); its 15 days run from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<NaiveDate>,
    /// Whether the court president approved 10 more days (法释〔2011〕5号 art. 5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extended: bool,
    /// When the court decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    /// The court's reason for refusing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

tagged_enum! {
tag = "op";
// Read with the tag first, without buffering the object (`crate::tagged`).
/// An operation with its data. JSON: `{"op": "resolve", "agreement": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    /// 录入: the first event of every trace.
    Register {
        /// The case code assigned.
        code: CaseCode,
        /// What was entered.
        // One value shared with the case record (`Dispute::input`): the input is most of an
        // operation's size and every event holds an `Operation` inline — held by value, each
        // accept, session or close carried a registration's 216 bytes, and the case record a
        // second copy of the input with its texts (issue 37, memory per case). The JSON, the
        // schema and the hashes are the same.
        input: std::sync::Arc<DisputeInput>,
    },
    /// 流转: apply a routing decision (handling unit, team, agencies, deadlines).
    Route {
        /// The decision, with its explanation.
        decision: std::sync::Arc<Decision>,
    },
    /// 受理.
    Accept {
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 交办: hand down to a unit inside the handling unit's area; feedback becomes due.
    AssignDown {
        /// The unit it goes to.
        to: DivisionCode,
        /// Instructions.
        #[serde(default)]
        note: String,
    },
    /// 上报: report up to an ancestor of the handling unit.
    ReportUp {
        /// The unit it goes to.
        to: DivisionCode,
        /// Why.
        #[serde(default)]
        reason: String,
        /// Agencies copied.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cc: Vec<String>,
    },
    /// A mediation session. Needs the parties' consent (人民调解法 art. 17).
    RecordSession {
        /// How it was held.
        method: Method,
        /// What happened.
        #[serde(default)]
        summary: String,
        /// Whether every party agreed to mediation.
        parties_consent: bool,
    },
    /// 调解成功: an agreement took effect.
    Resolve {
        /// The agreement.
        agreement: Agreement,
    },
    /// 稳控: not resolvable yet; watched under a plan until the next review.
    Stabilise {
        /// The watch plan.
        plan: String,
        /// When it is next reviewed.
        next_review: NaiveDate,
    },
    /// 终止调解: mediation failed; the parties were told of other routes (art. 26).
    Terminate {
        /// Why it failed.
        reason: String,
        /// The routes the parties were told of (at least one).
        routes: Vec<OtherRoute>,
    },
    /// 移送: to a court, labour arbitration, the police or a department.
    Refer {
        /// Where.
        to: ReferralTarget,
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 申请司法确认: both parties, jointly, within the window after the agreement took effect.
    ApplyConfirmation {
        /// The day of the application.
        applied_on: NaiveDate,
        /// Who applied: every party of the dispute (人民调解法 art. 33: 共同申请).
        applicants: Vec<Party>,
    },
    /// The court accepts the application (受理, within 3 days: 法释〔2011〕5号 art. 4); its
    /// decision is due 15 days later.
    AcceptConfirmation {
        /// The day the court accepted it.
        accepted_on: NaiveDate,
    },
    /// The court president approves 10 more days for the decision (法释〔2011〕5号 art. 5).
    ExtendConfirmation {
        /// The day of the approval.
        approved_on: NaiveDate,
        /// Why more time is needed.
        reason: String,
    },
    /// The court confirms the agreement (it becomes enforceable).
    GrantConfirmation {
        /// The day of the ruling.
        decided_on: NaiveDate,
    },
    /// The court refuses the application.
    RefuseConfirmation {
        /// The day of the ruling.
        decided_on: NaiveDate,
        /// The court's reason.
        reason: String,
    },
    /// 反馈 to the unit that assigned the case.
    Feedback {
        /// What was done.
        summary: String,
    },
    /// 回访验证.
    Verify {
        /// Whether the parties are satisfied.
        satisfied: bool,
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 结案.
    Close {
        /// Summary.
        #[serde(default)]
        summary: String,
    },
    /// 回退: send back to the assigning unit (wrongly assigned, outside remit).
    Return {
        /// Why.
        reason: String,
    },
    /// 重新启动: the dispute flared again.
    Reopen {
        /// What happened.
        reason: String,
    },
    /// 督办.
    Supervise {
        /// Grade.
        grade: Grade,
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 加急: urgency becomes high.
    Expedite {
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 历史遗留.
    MarkHistoric {
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 重新研判: what is known about the dispute changed — a violence risk found during
    /// mediation (人民调解法 art. 25), an urgency or risk colour reassessed. The engine then
    /// routes the case again on the new facts, so the agencies the law calls in join.
    Reassess {
        /// The new urgency, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<crate::dispute::Urgency>,
        /// The new risk colour, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        risk: Option<crate::dispute::RiskColour>,
        /// Flags now set.
        #[serde(default, skip_serializing_if = "crate::dispute::Flags::is_empty")]
        add_flags: crate::dispute::Flags,
        /// Flags no longer set.
        #[serde(default, skip_serializing_if = "crate::dispute::Flags::is_empty")]
        remove_flags: crate::dispute::Flags,
        /// What was found.
        reason: String,
    },
    /// 中止计时: the working-day clock stops (see [`super::clock`]); the legal windows run on.
    Suspend {
        /// Why.
        reason: super::PauseReason,
        /// Remarks (required for `other`).
        #[serde(default)]
        note: String,
    },
    /// 恢复计时: the clock runs again.
    Resume {
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 延期申请: the handler asks for more working days in this phase.
    RequestExtension {
        /// Working days asked for.
        days: u32,
        /// Why.
        reason: String,
    },
    /// 延期审批: a unit above the handling unit approves (possibly fewer days) or refuses.
    DecideExtension {
        /// Approved or refused.
        approved: bool,
        /// Working days granted when approved (at most those asked; omitted: all of them).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 移交: the case leaves this engine for another system with its whole trace
    /// ([`crate::transfer`]); here it becomes `transferred_out`, read-only. Made by
    /// `Engine::transfer_out`, never supplied through `apply`.
    // The ends are boxed, here and in `TransferIn`: inline they made every operation 112
    // bytes where the next largest needs 56, and every event holds one (issue 37, memory).
    TransferOut {
        /// The end that sent it: the actor's unit (with its kind as the body for an agency),
        /// or the handling unit when the system sends.
        from: Box<crate::transfer::Endpoint>,
        /// Where it goes.
        to: Box<crate::transfer::Endpoint>,
        /// Why.
        reason: crate::transfer::TransferReason,
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 接收移交: the first event the receiving engine adds after the sender's trace; the
    /// case is back in the state it was sent in, handled at `at`. Made by `Engine::intake`.
    TransferIn {
        /// The end that sent it.
        from: Box<crate::transfer::Endpoint>,
        /// The end that received it (the document's `to`).
        at: Box<crate::transfer::Endpoint>,
        /// Why it was sent.
        reason: crate::transfer::TransferReason,
    },
}
}

impl Operation {
    /// The free text an operation carries (descriptions, notes, summaries, reasons, an
    /// agreement's terms): what may describe the people in a case, and what a
    /// [`crate::personal::Protector`] seals before the event is hashed. Empty texts are
    /// left out (nothing to protect, and an empty note stays visibly empty).
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        use Operation as O;
        let texts: Vec<&mut String> = match self {
            O::Register { input, .. } => vec![&mut std::sync::Arc::make_mut(input).description],
            O::Route { .. }
            | O::ApplyConfirmation { .. }
            | O::AcceptConfirmation { .. }
            | O::GrantConfirmation { .. }
            | O::TransferIn { .. } => vec![],
            O::Accept { note }
            | O::AssignDown { note, .. }
            | O::Refer { note, .. }
            | O::Verify { note, .. }
            | O::Supervise { note, .. }
            | O::Expedite { note }
            | O::MarkHistoric { note }
            | O::Suspend { note, .. }
            | O::Resume { note }
            | O::DecideExtension { note, .. }
            | O::TransferOut { note, .. } => vec![note],
            O::ReportUp { reason, .. }
            | O::Terminate { reason, .. }
            | O::ExtendConfirmation { reason, .. }
            | O::RefuseConfirmation { reason, .. }
            | O::Return { reason }
            | O::Reopen { reason }
            | O::Reassess { reason, .. }
            | O::RequestExtension { reason, .. } => vec![reason],
            O::RecordSession { summary, .. } | O::Feedback { summary } | O::Close { summary } => {
                vec![summary]
            }
            O::Resolve { agreement } => vec![&mut agreement.terms],
            O::Stabilise { plan, .. } => vec![plan],
        };
        texts.into_iter().filter(|t| !t.is_empty()).collect()
    }
}

impl Operation {
    /// The kind of this operation.
    pub fn kind(&self) -> OperationKind {
        use Operation as O;
        use OperationKind as K;
        match self {
            O::Register { .. } => K::Register,
            O::Route { .. } => K::Route,
            O::Accept { .. } => K::Accept,
            O::AssignDown { .. } => K::AssignDown,
            O::ReportUp { .. } => K::ReportUp,
            O::RecordSession { .. } => K::RecordSession,
            O::Resolve { .. } => K::Resolve,
            O::Stabilise { .. } => K::Stabilise,
            O::Terminate { .. } => K::Terminate,
            O::Refer { .. } => K::Refer,
            O::ApplyConfirmation { .. } => K::ApplyConfirmation,
            O::AcceptConfirmation { .. } => K::AcceptConfirmation,
            O::ExtendConfirmation { .. } => K::ExtendConfirmation,
            O::GrantConfirmation { .. } => K::GrantConfirmation,
            O::RefuseConfirmation { .. } => K::RefuseConfirmation,
            O::Feedback { .. } => K::Feedback,
            O::Verify { .. } => K::Verify,
            O::Close { .. } => K::Close,
            O::Return { .. } => K::Return,
            O::Reopen { .. } => K::Reopen,
            O::Supervise { .. } => K::Supervise,
            O::Expedite { .. } => K::Expedite,
            O::MarkHistoric { .. } => K::MarkHistoric,
            O::Reassess { .. } => K::Reassess,
            O::Suspend { .. } => K::Suspend,
            O::Resume { .. } => K::Resume,
            O::RequestExtension { .. } => K::RequestExtension,
            O::DecideExtension { .. } => K::DecideExtension,
            O::TransferOut { .. } => K::TransferOut,
            O::TransferIn { .. } => K::TransferIn,
        }
    }
}

type Refused = (Refusal, String);

fn need(ok: bool, refusal: Refusal, msg: impl FnOnce() -> String) -> Result<(), Refused> {
    if ok {
        Ok(())
    } else {
        Err((refusal, msg()))
    }
}

/// The application waiting for the court.
fn pending(d: &Dispute) -> Result<&Confirmation, Refused> {
    d.confirmation
        .as_deref()
        .filter(|c| c.status == ConfirmationStatus::Applied)
        .ok_or((
            Refusal::WrongState,
            "there is no pending confirmation application".to_string(),
        ))
}

/// Checks the operation's data against the case, the hierarchy and the law.
pub(super) fn check_data(
    d: &Dispute,
    op: &Operation,
    at: DateTime<Utc>,
    ctx: &Context,
) -> Result<(), Refused> {
    use Operation as O;
    use Refusal::{Law, MissingData};
    let h = ctx.hierarchy;
    let today = china_date(at);
    match op {
        O::Register { .. } => Err((Refusal::WrongState, "already registered".into())),
        O::Route { decision } => need(h.contains(decision.unit), MissingData, || {
            format!(
                "the decision's handling unit {} is not in the hierarchy",
                decision.unit
            )
        }),
        O::AssignDown { to, .. } => {
            let inside =
                h.is_within(*to, d.handling_unit).unwrap_or(false) && *to != d.handling_unit;
            need(inside, MissingData, || {
                format!(
                    "{to} is not a unit inside the handling unit {}",
                    d.handling_unit
                )
            })
        }
        O::ReportUp { to, .. } => {
            let above =
                h.is_within(d.handling_unit, *to).unwrap_or(false) && *to != d.handling_unit;
            need(above, MissingData, || {
                format!(
                    "{to} is not a unit above the handling unit {}",
                    d.handling_unit
                )
            })
        }
        O::RecordSession {
            parties_consent, ..
        } => need(*parties_consent, Law, || {
            "mediation needs every party's consent (人民调解法 art. 17); without it, terminate and tell the parties of other routes".into()
        }),
        O::Resolve { agreement: a } => {
            let since = china_date(d.accepted_at.or(d.phase_since).unwrap_or(d.registered_at));
            need(
                a.effective_on >= since && a.effective_on <= today,
                MissingData,
                || {
                    format!(
                    "the agreement's effective day {} must lie between the start of this handling ({since}) and today ({today}): a date outside the case's own history is refused",
                    a.effective_on
                )
                },
            )?;
            need(!a.terms.trim().is_empty(), MissingData, || {
                "the agreement's terms are empty".into()
            })?;
            need(a.amount_yuan <= super::MAX_AMOUNT_YUAN, MissingData, || {
                format!(
                    "amount_yuan {} is beyond any agreement (at most {}): is it in 分 rather than 元?",
                    a.amount_yuan,
                    super::MAX_AMOUNT_YUAN
                )
            })?;
            if a.form == AgreementForm::Oral {
                need(d.input.category != Category::Labour, Law, || {
                    "a labour-dispute agreement must be a written 调解协议书 signed by both parties and the mediator (劳动争议调解仲裁法 art. 14)".into()
                })?;
                need(a.amount_yuan == 0, Law, || {
                    format!("an agreement with civil rights and obligations ({} yuan) must be written (人民调解工作若干规定, 司法部令第75号, art. 34); an oral agreement suits only simple matters settled on the spot (人民调解法 art. 28)", a.amount_yuan)
                })?;
            }
            need(
                a.form == AgreementForm::Oral
                    || (a.parties_signed && a.mediator_signed && a.committee_sealed),
                Law,
                || {
                    "a written agreement takes effect only when the parties sign, seal or fingerprint it, the mediator signs and the committee seals it (人民调解法 art. 29)".into()
                },
            )
        }
        O::Stabilise { plan, next_review } => {
            need(!plan.trim().is_empty(), MissingData, || {
                "a stabilisation needs a watch plan".into()
            })?;
            need(*next_review > today, MissingData, || {
                format!("the next review ({next_review}) must be after today ({today})")
            })
        }
        O::Terminate { routes, reason } => {
            need(!routes.is_empty(), Law, || {
                "terminating mediation, the parties must be told of other routes: arbitration, administrative or litigation (人民调解法 art. 26)".into()
            })?;
            need(!reason.trim().is_empty(), MissingData, || {
                "say why mediation failed".into()
            })
        }
        O::ApplyConfirmation {
            applied_on,
            applicants,
        } => {
            let a = d
                .agreement
                .as_ref()
                .ok_or((MissingData, "there is no agreement to confirm".to_string()))?;
            need(d.confirmation.is_none(), Refusal::WrongState, || {
                "a confirmation application was already made for this agreement".into()
            })?;
            need(a.form == AgreementForm::Written, Law, || {
                "judicial confirmation needs the written agreement, submitted with the application (法释〔2011〕5号 art. 3); an oral agreement cannot be confirmed".into()
            })?;
            if let Some(m) = a.excluded {
                return Err((
                    Law,
                    format!(
                        "an agreement about {} ({}) is not accepted for judicial confirmation (民诉法解释 art. 355; 法释〔2011〕5号 art. 4): the parties go to court instead",
                        m.label_en(),
                        m.label_zh()
                    ),
                ));
            }
            let missing: Vec<&Party> = d
                .input
                .parties
                .iter()
                .filter(|p| !applicants.contains(p))
                .collect();
            need(missing.is_empty(), Law, || {
                format!(
                    "the application must be joint (人民调解法 art. 33: 双方当事人共同申请); these parties did not apply: {}",
                    serde_json::to_string(&missing).unwrap_or_default()
                )
            })?;
            let strangers: Vec<&Party> = applicants
                .iter()
                .filter(|p| !d.input.parties.contains(p))
                .collect();
            need(strangers.is_empty(), MissingData, || {
                format!(
                    "only the parties of the dispute apply; these are not parties: {}",
                    serde_json::to_string(&strangers).unwrap_or_default()
                )
            })?;
            let recorded = china_date(ctx.last_event);
            need(
                *applied_on >= recorded && *applied_on <= today,
                MissingData,
                || {
                    format!(
                    "the application day {applied_on} must lie between the case's last recorded step ({recorded}) and today ({today}): record the application when it is made"
                )
                },
            )?;
            let window = ctx.windows.confirmation_apply;
            // Where the last day lies in a year the calendar does not know, 民法典 art. 203
            // may carry it past days off nobody can name yet: a day up to the plain last
            // day is inside under every calendar, one past the latest bound outside under
            // every calendar; between them the host must load the year, never a refusal
            // of a day that may lie inside the window.
            let end = match window.last_day(a.effective_on, ctx.calendar) {
                Ok(end) => end,
                Err(_) => {
                    let (plain, latest) = window.last_day_bounds(a.effective_on, ctx.calendar);
                    if *applied_on <= plain {
                        return Ok(());
                    }
                    need(*applied_on > latest, MissingData, || {
                        format!(
                            "whether {applied_on} lies within {window} of the agreement taking effect on {} (人民调解法 art. 33) depends on the holiday notice of {}, which the calendar does not know (民法典 art. 203 moves a last day off, {plain}, to the next working day): load that year's notice, then record the application",
                            a.effective_on,
                            chrono::Datelike::year(&plain)
                        )
                    })?;
                    latest
                }
            };
            need(*applied_on <= end, Law, || {
                format!(
                    "the joint application must be made within {window} of the agreement taking effect on {} (人民调解法 art. 33), that is by {end} (a last day off moves to the next working day: 民法典 art. 203); {applied_on} is too late",
                    a.effective_on
                )
            })
        }
        O::AcceptConfirmation { accepted_on } => {
            let c = pending(d)?;
            need(c.accepted_on.is_none(), Refusal::WrongState, || {
                format!(
                    "the court already accepted the application on {}",
                    c.accepted_on.unwrap_or_default()
                )
            })?;
            need(
                *accepted_on >= c.applied_on && *accepted_on <= today,
                MissingData,
                || {
                    format!("the acceptance day {accepted_on} must be between the application ({}) and today ({today})", c.applied_on)
                },
            )
        }
        O::ExtendConfirmation {
            approved_on,
            reason,
        } => {
            let c = pending(d)?;
            let accepted = c.accepted_on.ok_or((
                Refusal::WrongState,
                "only an accepted application's review can be extended: record the court's acceptance first".to_string(),
            ))?;
            need(!c.extended, Law, || {
                "the review was already extended once; the court president may approve one extension of 10 days (法释〔2011〕5号 art. 5)".into()
            })?;
            need(!reason.trim().is_empty(), MissingData, || {
                "say why the court needs more time".into()
            })?;
            need(
                *approved_on >= accepted && *approved_on <= today,
                MissingData,
                || {
                    format!("the approval day {approved_on} must be between the acceptance ({accepted}) and today ({today})")
                },
            )
        }
        O::GrantConfirmation { decided_on } | O::RefuseConfirmation { decided_on, .. } => {
            let c = pending(d)?;
            let granting = matches!(op, O::GrantConfirmation { .. });
            if granting && c.accepted_on.is_none() {
                return Err((
                    Refusal::WrongState,
                    "the court confirms only an application it accepted (法释〔2011〕5号 art. 4–5): record accept_confirmation first; an application it does not accept is refused".into(),
                ));
            }
            let from = c.accepted_on.unwrap_or(c.applied_on);
            need(
                *decided_on >= from && *decided_on <= today,
                MissingData,
                || {
                    format!("the ruling day {decided_on} must be between {from} (application or acceptance) and today ({today})")
                },
            )
        }
        O::Feedback { summary } => {
            need(d.assigned_by.is_some(), MissingData, || {
                "feedback goes to the unit that assigned the case; this case was not assigned from above".into()
            })?;
            need(!summary.trim().is_empty(), MissingData, || {
                "feedback needs a summary".into()
            })
        }
        O::Close { .. } => {
            need(
                d.assigned_by.is_none() || d.feedback_given,
                MissingData,
                || {
                    "give feedback to the assigning unit before closing (上级交办 cases are closed after 反馈)".into()
                },
            )?;
            need(
                !matches!(&d.confirmation, Some(c) if c.status == ConfirmationStatus::Applied),
                Refusal::WrongState,
                || "a judicial-confirmation application is pending; wait for the court".into(),
            )
        }
        O::Return { reason } => {
            need(d.assigned_by.is_some(), MissingData, || {
                "only a case assigned from above can be returned".into()
            })?;
            need(!reason.trim().is_empty(), MissingData, || {
                "say why the case is returned".into()
            })
        }
        O::Reopen { reason } => {
            let confirmed =
                matches!(&d.confirmation, Some(c) if c.status == ConfirmationStatus::Granted);
            need(!confirmed, Law, || {
                "a court-confirmed agreement is binding and enforceable: if a party does not perform it, the other applies to the court for enforcement (人民调解法 art. 33: 申请强制执行), or, where the confirmation was wrong, the court is asked to set it aside; it is not mediated again".into()
            })?;
            need(!reason.trim().is_empty(), MissingData, || {
                "say why the case is reopened".into()
            })
        }
        O::Reassess {
            urgency,
            risk,
            add_flags,
            remove_flags,
            reason,
        } => {
            need(!reason.trim().is_empty(), MissingData, || {
                "say what was found that changes the assessment".into()
            })?;
            let i = &d.input;
            let changes = urgency.is_some_and(|u| u != i.urgency)
                || risk.is_some_and(|r| r != i.risk)
                || add_flags.iter().any(|f| !i.flags.has(f))
                || remove_flags.iter().any(|f| i.flags.has(f));
            need(changes, MissingData, || {
                "the reassessment changes nothing: give a new urgency, risk colour or flags".into()
            })?;
            need(!add_flags.intersects(*remove_flags), MissingData, || {
                "a flag cannot be both added and removed".into()
            })
        }
        O::Suspend { .. }
        | O::Resume { .. }
        | O::RequestExtension { .. }
        | O::DecideExtension { .. } => super::clock::check(d, op, ctx),
        O::TransferOut { to, reason, .. } => {
            // A unit here, or the prefecture or province above (上报 by code).
            let known =
                ctx.hierarchy.unit(to.unit).is_ok() || ctx.hierarchy.is_above_roots(to.unit);
            need(known, MissingData, || {
                format!(
                    "the destination unit {} is neither in this engine's hierarchy nor the prefecture or province above it",
                    to.unit
                )
            })?;
            if let Some(body) = &to.body {
                let n = body.chars().count();
                need(
                    n > 0
                        && n <= crate::transfer::MAX_BODY_CHARS
                        && !body.chars().any(char::is_control),
                    MissingData,
                    || {
                        format!("the destination's body is 1 to {} characters without control characters", crate::transfer::MAX_BODY_CHARS)
                    },
                )?;
            }
            // A result goes back the way the case came (反馈 to the sender), so a case is
            // open in one engine at a time.
            match (reason, d.came_from.last()) {
                (crate::transfer::TransferReason::Result, None) => Err((
                    MissingData,
                    "only a case taken in from another system returns a result".into(),
                )),
                (crate::transfer::TransferReason::Result, Some(back)) if back != &**to => Err((
                    MissingData,
                    format!(
                        "a result goes back where the case came from: {}{}",
                        back.unit,
                        back.body
                            .as_deref()
                            .map(|b| format!(" ({b})"))
                            .unwrap_or_default()
                    ),
                )),
                _ => Ok(()),
            }
        }
        O::Accept { .. }
        | O::Refer { .. }
        | O::Verify { .. }
        | O::Supervise { .. }
        | O::Expedite { .. }
        | O::MarkHistoric { .. }
        | O::TransferIn { .. } => Ok(()),
    }
}
