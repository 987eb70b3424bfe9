//! Transfer between systems (跨系统移交): a case leaves one engine with its whole verified
//! history and continues in another — a street's deployment escalating to the county's, a
//! centre referring to the court's mediation platform (诉调对接), a result returned (反馈).
//!
//! Vendors do this today with outbox tables and id-mapping tables, and the receiving side
//! trusts whatever it is sent (`shared/EXCHANGE.md`). Here a case travels as a
//! [`TransferDocument`]: its trace, chained with SM3 from its registration, and the sender's
//! signed head of it. The receiver ([`crate::engine::Engine::intake`]) recomputes the chain,
//! checks the signature against keys it trusts and continues the same chain, so the case's
//! history verifies end to end wherever it ends up. The one case code follows the case: the
//! document is the id mapping.
//!
//! The lifecycle gains two operations and a state: `transfer_out` (移交) leaves the case at
//! the sender in `transferred_out` (已移交, read-only, not open: counted as moved on, never
//! as handled), and `transfer_in` (接收移交) at the receiver puts it back in the state it was
//! sent in. A result goes back the way the case came: each transfer in remembers where it
//! came from ([`crate::lifecycle::Dispute::came_from`]) and a `result` transfer goes only
//! there, so a case is open in one engine at a time.

mod document;
mod intake;

pub use document::{TransferCodes, TransferDocument, TransferSender, FORMAT};
pub use intake::{Intake, TransferCheck, TransferProblem};

use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;
use crate::vocab::domain_enum;

domain_enum! {
    /// Why a case moves to another system.
    pub enum TransferReason {
        /// 上报: to the deployment of a level above (street → county → prefecture).
        Escalation = ("escalation", "上报移交", "escalation"),
        /// 移送: to another body's platform (the court's for judicial confirmation or
        /// 诉前委派 back, the police's, the petition bureau's).
        Referral = ("referral", "移送", "referral"),
        /// 反馈: the result returned to the system the case came from.
        Result = ("result", "结果反馈", "result returned"),
    }
}

/// One end of a transfer: a unit's governance centre, or another body's platform at that
/// unit (the court's, the police's). Two bodies at one unit are two ends: a result goes back
/// to the very end the case came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The unit (a county's code for the county's deployment; the court's county for the
    /// court's platform).
    pub unit: DivisionCode,
    /// The body when it is not the unit's governance centre (`"court"`, `"police"`, a
    /// platform's own name; an agency sending gives its kind); 1–64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// The most characters of an end's body (as of an external reference).
pub const MAX_BODY_CHARS: usize = crate::dispute::MAX_REFERENCE_CHARS;

/// What a case in `transferred_out` keeps of its transfer: where it went, why, and the state
/// it was sent in (a result returned restores the state the receiver sent it back in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Transferred {
    /// Where it went.
    pub to: Endpoint,
    /// Why.
    pub reason: TransferReason,
    /// The state it was in when it left.
    pub state: crate::lifecycle::State,
}
