//! Signed heads and the audit record in the store (migration 2, docs/security.md): heads
//! kept in their own append-only table, apart from the entries they seal, and checked
//! against the journal as stored; the audit record queryable by time.

use chrono::{DateTime, Utc};
use fengqiao::audit::{AuditEntry, Outcome};
use fengqiao::engine::EngineError;
use fengqiao::seal::{SealReport, SignedHead, Subject, Verifier};

use crate::journal::{Stored, TAIL};
use crate::{hash, Store, StoreError};

/// The word an outcome is stored under (as its JSON says).
pub(crate) fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Denied => "denied",
        Outcome::Refused => "refused",
        Outcome::Failed => "failed",
        Outcome::ReadWhole => "read_whole",
        Outcome::Erased => "erased",
    }
}

fn subject_word(s: &Subject) -> String {
    match s {
        Subject::Journal => "journal".into(),
        Subject::Register => "register".into(),
        Subject::Case(c) => format!("case:{c}"),
    }
}

impl Store {
    /// Keeps a signed head of `county`. A journal head must be the digest the store holds
    /// at its position (a head of entries not yet appended, or of another journal, is
    /// refused: append first); case and register heads are kept as signed and checked by
    /// [`Store::verify`]. Keeping the same head twice is harmless.
    pub fn keep_head(&mut self, county: &str, head: &SignedHead) -> Result<(), StoreError> {
        self.check_schema()?;
        if head.subject == Subject::Journal {
            let (stored_seq, _) = self.position(county)?;
            if head.seq > stored_seq {
                return Err(StoreError::Unstored {
                    county: county.to_string(),
                    engine: head.seq,
                    stored: stored_seq,
                    action: "keeping its signed head",
                });
            }
            if self.digest_at(county, head.seq)? != head.head {
                return Err(StoreError::Engine(EngineError::Seal(
                    fengqiao::seal::SealError::Rewritten {
                        subject: "journal".into(),
                        seq: head.seq,
                        expected: head.head,
                        found: self.digest_at(county, head.seq)?,
                    },
                )));
            }
        }
        let body = serde_json::to_string(head).expect("heads serialise");
        self.client.execute(
            "INSERT INTO fengqiao.signed_heads
                 (county, subject, seq, head, signed_at, algorithm, key_id, body)
             VALUES ($1, $2, $3, $4, $5::text::timestamptz, $6, $7, $8)
             ON CONFLICT DO NOTHING",
            &[
                &county,
                &subject_word(&head.subject),
                &(head.seq as i64),
                &head.head.0.as_slice(),
                &head.signed_at.to_rfc3339(),
                &head.algorithm,
                &head.key_id,
                &body,
            ],
        )?;
        Ok(())
    }

    /// Every signed head kept for `county`, in the order they were signed (then kept).
    pub fn signed_heads(&mut self, county: &str) -> Result<Vec<SignedHead>, StoreError> {
        self.check_schema()?;
        let rows = self.client.query(
            "SELECT body FROM fengqiao.signed_heads WHERE county = $1 ORDER BY signed_at, stored_at",
            &[&county],
        )?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(r.get(0)).map_err(|e| StoreError::Tampered {
                    county: county.to_string(),
                    message: format!("a signed head cannot be read: {e}"),
                })
            })
            .collect()
    }

    /// Verifies the county's journal as stored — every entry from the world document on,
    /// recomputed — against every signed head kept for it ([`fengqiao::seal`]). A journal
    /// rewritten and re-chained by someone with write access to the database still
    /// restores; this refuses it, naming the signed position it no longer matches.
    pub fn verify(
        &mut self,
        county: &str,
        verifier: &dyn Verifier,
    ) -> Result<SealReport, StoreError> {
        self.check_schema()?;
        let heads = self.signed_heads(county)?;
        let (origin, entries) = self.in_one_snapshot(|store| {
            let row = store
                .client
                .query_opt(
                    "SELECT origin FROM fengqiao.journals WHERE county = $1",
                    &[&county],
                )?
                .ok_or_else(|| StoreError::NoJournal {
                    county: county.to_string(),
                })?;
            let rows = store.client.query(TAIL, &[&county, &0i64])?;
            let entries = rows
                .iter()
                .map(|r| Stored::of(r).read())
                .collect::<Result<Vec<_>, _>>()
                .map_err(EngineError::from)?;
            Ok((hash(row.get(0)), entries))
        })?;
        fengqiao::seal::verify_heads(origin, &entries, &heads, verifier)
            .map_err(|e| StoreError::Engine(EngineError::Seal(e)))
    }

    /// The audit record of `county` between `from` and `to` (inclusive), oldest first:
    /// what a host exports for its retention (six months at least).
    pub fn audit(
        &mut self,
        county: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.check_schema()?;
        let rows = self.client.query(
            "SELECT body FROM fengqiao.audit
             WHERE county = $1 AND at BETWEEN $2::text::timestamptz AND $3::text::timestamptz
             ORDER BY at, seq",
            &[&county, &from.to_rfc3339(), &to.to_rfc3339()],
        )?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(r.get(0)).map_err(|e| StoreError::Tampered {
                    county: county.to_string(),
                    message: format!("an audit row cannot be read: {e}"),
                })
            })
            .collect()
    }
}
