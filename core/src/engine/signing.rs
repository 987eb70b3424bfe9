//! Signing the engine's heads (see [`crate::signing`]).

use chrono::{DateTime, Utc};

use super::{Engine, EngineError};
use crate::dispute::CaseCode;
use crate::signing::{CaseHead, SignedHead, Signer, Subject};

impl Engine {
    /// Signs the journal's digest at its last entry: one signature covers every entry up to
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
        .map_err(EngineError::Signature)
    }

    /// Signs a case's head (its last event's hash): what a court receives with a trace
    /// for judicial confirmation, or what is signed when a case file is archived.
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
        .map_err(EngineError::Signature)
    }

    /// The register of every case's head, in case-code order (see
    /// [`crate::signing::register_digest`]).
    pub fn case_heads(&self) -> Vec<CaseHead> {
        self.cases
            .iter()
            .map(|(code, c)| {
                let last = c.events.last().expect("a case has its registration");
                CaseHead {
                    case: code.clone(),
                    seq: last.seq,
                    head: last.hash,
                }
            })
            .collect()
    }

    /// Signs the register of every case's head: one signature for all of them. Returns the
    /// register with its signed head; keep both apart from the traces.
    pub fn sign_case_register(
        &self,
        signer: &dyn Signer,
        now: DateTime<Utc>,
    ) -> Result<(Vec<CaseHead>, SignedHead), EngineError> {
        let heads = self.case_heads();
        let digest = crate::signing::register_digest(&heads);
        let signed = SignedHead::sign(Subject::Register, heads.len() as u64, digest, now, signer)
            .map_err(EngineError::Signature)?;
        Ok((heads, signed))
    }
}
