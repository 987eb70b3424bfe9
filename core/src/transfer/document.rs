//! The transfer document: what crosses from one system to another.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Endpoint, TransferReason};
use crate::dispute::{CaseCode, ExternalRef};
use crate::signing::SignedHead;
use crate::trace::{Event, Hash};

/// The version of the document's form, in its `format` field. A receiver refuses another
/// (`transfer`, problem `format`) rather than guess at a form it does not know.
pub const FORMAT: &str = "fengqiao-transfer/1";

/// A case on its way to another system, with everything the receiver needs to trust it:
/// the trace from the registration to the `transfer_out` event, and the sender's signed head
/// of that last event when the sender has a signer. JSON Schema: `docs/schemas/
/// TransferDocument.json`; examples in `docs/exchange.md`.
///
/// Everything but `events` and `head` restates what the last event says, for a receiver
/// that files the document before reading the trace (the GB/T 31000 codes an upper platform
/// indexes by); intake checks that the two agree.
///
/// ```
/// use fengqiao::transfer::{TransferDocument, FORMAT};
/// let text = r#"{"format": "fengqiao-transfer/0", "case": "x"}"#;
/// // Parsing is the receiver's first check; intake then checks the form's version.
/// assert!(serde_json::from_str::<TransferDocument>(text).is_err());
/// assert_eq!(FORMAT, "fengqiao-transfer/1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferDocument {
    /// [`FORMAT`].
    pub format: String,
    /// The case (its code travels with it: the document is the id mapping).
    pub case: CaseCode,
    /// Why it moves.
    pub reason: TransferReason,
    /// Who sends it.
    pub from: TransferSender,
    /// Where it goes.
    pub to: Endpoint,
    /// When it was sent (the `transfer_out` event's time).
    pub sent_at: DateTime<Utc>,
    /// The case's id in the platform it first came from (a 110 call, a 12345 ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalRef>,
    /// The national standard's codes of the case, for platforms that index by them.
    pub codes: TransferCodes,
    /// The case's whole trace, from its registration to this transfer.
    pub events: Vec<Event>,
    /// The sender's signed head of the last event (absent when the sender has no signer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<SignedHead>,
}

/// The sending engine: its end and its journal's origin (the SM3 of the world document its
/// journal started from), which names the deployment the document left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferSender {
    /// The end that sent it.
    pub end: Endpoint,
    /// The sending engine's journal origin.
    pub origin: Hash,
}

/// GB/T 31000-2015 codes of a transferred case (see [`crate::gbt31000`]): the 事件类型 of its
/// category and subtype, whether that mapping is exact, and the 层级 of both ends. 事件规模
/// is not given: the standard's text as we have it sets no head count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferCodes {
    /// 事件类型 (`0202`).
    pub event_type: String,
    /// Whether the category maps to it exactly.
    pub event_type_exact: bool,
    /// 层级 of the sending unit (`05`).
    pub from_level: String,
    /// 层级 of the receiving unit (`04`).
    pub to_level: String,
}

impl TransferDocument {
    /// The last event: the `transfer_out` this document carries.
    pub fn last(&self) -> Option<&Event> {
        self.events.last()
    }
}
