//! Signing the engine's heads (see [`crate::seal`]).

use chrono::{DateTime, Utc};

use super::{Engine, EngineError};
use crate::dispute::CaseCode;
use crate::seal::{SignedHead, Signer, Subject};

impl Engine {
    /// Signs the journal's digest at its last entry: one signature seals every entry up to
    /// it. Call it when a batch is committed and keep the head apart from the entries.
    /// Nothing changes in the engine (a signature is not a change of the world).
    pub fn sign_journal_head(
        &self,
        signer: &dyn Signer,
        now: DateTime<Utc>,
    ) -> Result<SignedHead, EngineError> {
        SignedHead::sign(
            Subject::Journal,
            self.journal_seq(),
            self.journal_digest(),
            now,
            signer,
        )
        .map_err(EngineError::Seal)
    }

    /// Signs a case's head (its last event's hash): what a court receives with a trace
    /// for judicial confirmation, or what is sealed when a case file is archived.
    pub fn sign_case_head(
        &self,
        code: &CaseCode,
        signer: &dyn Signer,
        now: DateTime<Utc>,
    ) -> Result<SignedHead, EngineError> {
        let case = self.case(code)?;
        let last = case.events.last().expect("a case has its registration");
        SignedHead::sign(
            Subject::Case(code.clone()),
            last.seq,
            last.hash,
            now,
            signer,
        )
        .map_err(EngineError::Seal)
    }
}
