//! The audit record (安全审计, 等保 2.0 level 3: GB/T 22239-2019 8.1.4.3, security audit of the computing
//! environment — date and time, user, event type, outcome and object of every audited
//! event; records protected from deletion and change and kept for review).
//!
//! The engine writes an [`AuditEntry`] for every call an actor made that it refused (bad
//! input, a lifecycle refusal) or that failed (a protector or signer error), and for every
//! view that showed an actor personal data whole. Denials (a request outside the actor's
//! remit) stay in the access log, [`crate::access::Denial`], and are part of the record as
//! well. Each entry is a journal entry, so the SM3 chain and the signed journal heads
//! ([`crate::signing`]) protect the record exactly as they protect the cases; a host exports
//! it with [`crate::engine::Engine::audit_record`] for its retention (six months at least,
//! 网络安全法 art. 21(3)).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::trace::Actor;

/// How an audited call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Named apart from the rules' `Outcome` in the schemas (and so in Java and TypeScript).
#[cfg_attr(feature = "schema", schemars(rename = "AuditOutcome"))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Outside the actor's remit (the access log's denials).
    Denied,
    /// Refused: the input or the lifecycle did not allow it; nothing changed.
    Refused,
    /// A component failed (the protector, the signer); nothing changed.
    Failed,
    /// Personal data shown whole to the actor.
    ReadWhole,
    /// Personal data erased (its key destroyed).
    Erased,
}

/// One audited event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// When (the time the call gave).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// What was called (`register`, an operation's name, `view`, `residents`, `erase`).
    pub action: String,
    /// How it ended.
    pub outcome: Outcome,
    /// On what: a case code, a unit code, `person:<id>`.
    pub target: String,
    /// The error's code for refusals and failures (see `ErrorCode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error's message, or what was read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl AuditEntry {
    /// A refused access ([`crate::access::Denial`], kept in the journal as its own change)
    /// as the audit record lists it: outcome `denied`, code `denied`. One mapping, so the
    /// engine's record and a store's export list the same entries.
    pub fn denied(d: crate::access::Denial) -> AuditEntry {
        AuditEntry {
            at: d.at,
            actor: d.actor,
            action: d.action,
            outcome: Outcome::Denied,
            target: d.target,
            code: Some(crate::error::ErrorCode::Denied.as_str().to_string()),
            detail: String::new(),
        }
    }
}
