//! What intake answers and why it refuses.

use serde::{Deserialize, Serialize};

use super::TransferReason;
use crate::dispute::CaseCode;
use crate::error::ErrorCode;
use crate::vocab::domain_enum;

domain_enum! {
    /// Why intake refused a transfer document (the `problem` of the error's details).
    pub enum TransferProblem {
        /// Not a document of [`super::FORMAT`].
        Format = ("format", "文书版本不符", "not this version's form"),
        /// Its events do not begin with the case's registration or do not end in the
        /// transfer the document describes.
        Shape = ("shape", "文书内容不一致", "events and document disagree"),
        /// Keys are trusted but the document carries no signed head of its last event.
        Unsigned = ("unsigned", "缺少签名", "no signed head of the transfer"),
        /// A case with this code is here with another history (code `duplicate`).
        Present = ("present", "案件已存在", "the case is here with another history"),
        /// The case went on from here to another system since; its result comes back
        /// through that system first.
        Elsewhere = ("elsewhere", "案件在他处办理", "the case is held elsewhere"),
        /// A result for a case this engine never sent.
        NotSentHere = ("not_sent_here", "非本系统移出的案件", "a result for a case not sent from here"),
    }
}

impl TransferProblem {
    /// The error code: `duplicate` for a case present with another history, `transfer`
    /// for the rest.
    pub fn code(self) -> ErrorCode {
        match self {
            TransferProblem::Present => ErrorCode::Duplicate,
            _ => ErrorCode::Transfer,
        }
    }
}

/// What intake did: the case, and how many events it appended here (the document's new
/// events and this engine's `transfer_in`; 0 when the document was taken in before, which
/// changes nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// The case.
    pub case: CaseCode,
    /// Events appended to its trace here.
    pub added: u64,
    /// Why it came.
    pub reason: TransferReason,
}

/// What a document says and what was checked of it without an engine
/// ([`TransferDocument::check`](super::TransferDocument::check)): a receiver's first look,
/// or a court's check of a case sent to it, before any intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferCheck {
    /// The case.
    pub case: CaseCode,
    /// Why it moves.
    pub reason: TransferReason,
    /// Who sent it.
    pub from: super::Endpoint,
    /// Where it goes.
    pub to: super::Endpoint,
    /// When it was sent.
    pub sent_at: chrono::DateTime<chrono::Utc>,
    /// Events in its trace, each hash and link recomputed.
    pub events: u64,
    /// The key whose signed head it carries (absent: unsigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Whether that signature was checked against trusted keys (false: keys not given).
    pub signature_checked: bool,
}
