//! Signed heads and the audit record in the store (migration 2, docs/security.md): heads
//! kept in their own append-only table, apart from the entries they cover, and checked
//! against the journal as stored; the audit record queryable by time.

use chrono::{DateTime, Utc};
use fengqiao::audit::{AuditEntry, Outcome};
use fengqiao::engine::EngineError;
use fengqiao::signing::{SignatureReport, SignedHead, Subject, Verifier};

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
    s.word()
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
                return Err(StoreError::Engine(EngineError::Signature(
                    fengqiao::signing::SignatureError::Rewritten {
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
    /// recomputed — against every signed head kept for it ([`fengqiao::signing`]). A journal
    /// rewritten and re-chained by someone with write access to the database still
    /// restores; this refuses it, naming the signed position it no longer matches.
    pub fn verify(
        &mut self,
        county: &str,
        verifier: &dyn Verifier,
    ) -> Result<SignatureReport, StoreError> {
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
        self.check_audit_tables(county, &entries)?;
        fengqiao::signing::verify_heads(origin, &entries, &heads, verifier)
            .map_err(|e| StoreError::Engine(EngineError::Signature(e)))
    }

    /// Every audit and denial row against the journal entry it projects (same seq, same
    /// content), both ways: a deleted, added or rewritten row is named.
    fn check_audit_tables(
        &mut self,
        county: &str,
        entries: &[fengqiao::journal::JournalEntry],
    ) -> Result<(), StoreError> {
        use fengqiao::journal::Change;
        let tampered = |message: String| StoreError::Tampered {
            county: county.to_string(),
            message,
        };
        let mut want_audit = Vec::new();
        let mut want_denied = Vec::new();
        for e in entries {
            match &e.change {
                Change::Audit(a) => want_audit.push((
                    e.seq as i64,
                    serde_json::to_string(a).expect("audit entries serialise"),
                )),
                Change::Denied(d) => want_denied.push((
                    e.seq as i64,
                    d.at.timestamp_millis(),
                    d.actor.to_string(),
                    d.action.clone(),
                    d.target.clone(),
                )),
                _ => {}
            }
        }
        let audit: Vec<(i64, String)> = self
            .client
            .query(
                "SELECT seq, body FROM fengqiao.audit WHERE county = $1 ORDER BY seq",
                &[&county],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        if let Some(seq) = first_difference(&audit, &want_audit, |x| x.0) {
            return Err(tampered(format!(
                "the audit row of journal entry {seq} differs from the entry (deleted, added or changed)"
            )));
        }
        let denied: Vec<(i64, i64, String, String, String)> = self
            .client
            .query(
                "SELECT seq, (extract(epoch FROM at) * 1000)::bigint, actor, action, target
                 FROM fengqiao.denials WHERE county = $1 ORDER BY seq",
                &[&county],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        if let Some(seq) = first_difference(&denied, &want_denied, |x| x.0) {
            return Err(tampered(format!(
                "the denial row of journal entry {seq} differs from the entry (deleted, added or changed)"
            )));
        }
        Ok(())
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
        // The audit rows, and the denials (kept as their own journal change and table)
        // read from their journal bodies: the same entries as Engine::audit_record.
        let rows = self.client.query(
            "SELECT at, seq, body, false FROM fengqiao.audit
             WHERE county = $1 AND at BETWEEN $2::text::timestamptz AND $3::text::timestamptz
             UNION ALL
             SELECT d.at, d.seq, j.body, true FROM fengqiao.denials d
               JOIN fengqiao.journal j ON j.county = d.county AND j.seq = d.seq
             WHERE d.county = $1 AND d.at BETWEEN $2::text::timestamptz AND $3::text::timestamptz
             ORDER BY 1, 2",
            &[&county, &from.to_rfc3339(), &to.to_rfc3339()],
        )?;
        rows.iter()
            .map(|r| {
                let body: &str = r.get(2);
                let entry = if r.get::<_, bool>(3) {
                    match serde_json::from_str(body) {
                        Ok(fengqiao::journal::Change::Denied(d)) => Ok(AuditEntry::denied(d)),
                        Ok(_) => Err("a denial row points at another kind of entry".to_string()),
                        Err(e) => Err(e.to_string()),
                    }
                } else {
                    serde_json::from_str(body).map_err(|e| e.to_string())
                };
                entry.map_err(|e| StoreError::Tampered {
                    county: county.to_string(),
                    message: format!(
                        "the audit row of entry {} cannot be read: {e}",
                        r.get::<_, i64>(1)
                    ),
                })
            })
            .collect()
    }
}

/// The key of the first row where `stored` and `wanted` (both in key order) differ, if any.
fn first_difference<T: PartialEq>(
    stored: &[T],
    wanted: &[T],
    key: impl Fn(&T) -> i64,
) -> Option<i64> {
    let n = stored.len().max(wanted.len());
    (0..n).find_map(|i| match (stored.get(i), wanted.get(i)) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) => Some(key(a).min(key(b))),
        (Some(x), None) | (None, Some(x)) => Some(key(x)),
        (None, None) => None,
    })
}
