//! The engine's side of [`crate::personal`] and [`crate::audit`]: sealing residents'
//! records and a case's free text before they are journaled and hashed, opening them for
//! the actors who may see them whole (each such read audited), erasure, and the audit record.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Engine, EngineError};
use crate::audit::{AuditEntry, Outcome};
use crate::dispute::CaseCode;
use crate::journal::Change;
use crate::lifecycle::Operation;
use crate::people::{Person, PersonId};
use crate::personal::{self, Protector, SealedPerson};
use crate::trace::Actor;

/// What the engine keeps for protection: the protector, every resident's stored (sealed)
/// record, which of them are not opened yet, and the erased subjects.
#[derive(Clone, Default)]
pub(crate) struct Protection {
    pub(super) protector: Option<Arc<dyn Protector>>,
    /// Each protected resident's record as journaled: what a world export carries.
    pub(super) sealed: HashMap<PersonId, SealedPerson>,
    /// Residents read from sealed records while no protector was set.
    pub(super) unopened: BTreeSet<PersonId>,
    /// Subjects whose key was destroyed.
    pub(super) erased: BTreeSet<String>,
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Protection")
            .field("protector", &self.protector.as_ref().map(|p| p.algorithm()))
            .field("sealed", &self.sealed.len())
            .field("unopened", &self.unopened.len())
            .field("erased", &self.erased.len())
            .finish()
    }
}

impl Engine {
    /// Sets the protector that seals personal data from now on (see [`crate::personal`]),
    /// and opens the residents read from sealed records before it was set (a restart:
    /// build or restore the engine, then set the protector). Returns how many were opened.
    /// Refused, nothing changed, if one does not open (its key is missing, or it was
    /// changed): the error names the resident.
    ///
    /// Set it before any resident is added: what was journaled in the clear before stays
    /// in the clear (the host migrates its old entries itself).
    pub fn set_protector(&mut self, protector: Arc<dyn Protector>) -> Result<usize, EngineError> {
        let mut opened = Vec::with_capacity(self.protection.unopened.len());
        for id in &self.protection.unopened {
            let sealed = &self.protection.sealed[id];
            opened.push(sealed.open(protector.as_ref())?);
        }
        let n = opened.len();
        for p in opened {
            self.people.insert(p.id.clone(), p);
        }
        self.protection.unopened.clear();
        self.protection.protector = Some(protector);
        Ok(n)
    }

    /// Whether a protector is set.
    pub fn protected(&self) -> bool {
        self.protection.protector.is_some()
    }

    /// The change that records `person`: sealed when a protector is set.
    pub(super) fn person_change(
        &self,
        person: &Person,
        replaces: bool,
    ) -> Result<(Change, Option<SealedPerson>), EngineError> {
        Ok(match &self.protection.protector {
            Some(p) => {
                let sealed = SealedPerson::seal(p.as_ref(), person)?;
                (Change::PersonSealed(sealed.clone()), Some(sealed))
            }
            None if replaces => (Change::PersonUpdated(person.clone()), None),
            None => (Change::PersonAdded(person.clone()), None),
        })
    }

    /// A sealed resident from the journal or a world document: opened if a protector is
    /// set, else kept as a placeholder until one is.
    pub(super) fn add_sealed_person(&mut self, sealed: SealedPerson) -> Result<(), EngineError> {
        let person = if self.protection.erased.contains(&sealed.id) {
            sealed.erased()
        } else if let Some(p) = &self.protection.protector {
            sealed.open(p.as_ref())?
        } else {
            self.protection.unopened.insert(sealed.id.clone());
            let mut p = sealed.erased();
            p.name = personal::MASKED_TEXT.to_string();
            p
        };
        self.check_person(&person)?;
        self.journal_change(Change::PersonSealed(sealed.clone()));
        self.protection.sealed.insert(sealed.id.clone(), sealed);
        self.people.insert(person.id.clone(), person);
        Ok(())
    }

    /// `op`'s free text sealed under the case's code, when a protector is set.
    pub(super) fn seal_texts(
        &self,
        code: &CaseCode,
        op: &mut Operation,
    ) -> Result<(), EngineError> {
        if let Some(p) = &self.protection.protector {
            for t in op.texts_mut() {
                *t = personal::seal_text(p.as_ref(), code.as_str(), t)?;
            }
        }
        Ok(())
    }

    /// A case's stored texts as `actor` may read them: sealed text opened for those who
    /// see personal data whole, masked for others, marked once erased. One audit entry for
    /// the whole read (`read_whole`, with how many texts were opened), one for a text that
    /// does not open (`failed`, which is then masked).
    pub(super) fn read_texts(
        &self,
        subject: &str,
        texts: Vec<&mut String>,
        whole: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) {
        let mut opened = 0;
        for t in texts {
            if !personal::is_sealed(t) {
                continue;
            }
            if self.protection.erased.contains(subject) {
                *t = personal::ERASED_TEXT.to_string();
                continue;
            }
            *t = match (&self.protection.protector, whole) {
                (Some(p), true) => match personal::open_text(p.as_ref(), subject, t) {
                    Ok(plain) => {
                        opened += 1;
                        plain
                    }
                    Err(e) => {
                        let code = Some(super::ErrorCode::Protection);
                        let detail = e.to_string();
                        self.audit(
                            actor,
                            "read_text",
                            Outcome::Failed,
                            subject,
                            now,
                            code,
                            &detail,
                        );
                        personal::MASKED_TEXT.to_string()
                    }
                },
                _ => personal::MASKED_TEXT.to_string(),
            };
        }
        if opened > 0 {
            let detail = format!("{opened} text(s)");
            self.audit(
                actor,
                "read_text",
                Outcome::ReadWhole,
                subject,
                now,
                None,
                &detail,
            );
        }
    }

    /// Destroys a subject's key (a resident's id, or a case code for that case's free
    /// text): the right to deletion (个人信息保护法 art. 47) by crypto-shredding. Every
    /// sealed copy — journal, snapshots, backups — becomes unreadable; every chain still
    /// verifies. The erasure is journaled and audited. Refused without a protector (there
    /// is no key to destroy: delete the host's own copies instead), for an unknown subject,
    /// and for one already erased.
    pub fn erase_personal(
        &mut self,
        actor: &Actor,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.erase_checked(actor, subject, now)
            .inspect_err(|e| self.audit_error(actor, "erase", subject, now, e))
    }

    fn erase_checked(
        &mut self,
        actor: &Actor,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let Some(p) = self.protection.protector.clone() else {
            return Err(EngineError::Protection(
                personal::ProtectionError::Malformed {
                    what: "protector".into(),
                    message: "no protector is set: nothing is sealed, so no key can be destroyed"
                        .into(),
                },
            ));
        };
        let case = subject
            .parse::<CaseCode>()
            .ok()
            .and_then(|c| self.cases.get(&c));
        // Its texts are what the handlers work from while the case is open (个人信息保护法
        // art. 47(1): deletion once the purpose of handling is achieved).
        if let Some(c) = case.filter(|c| c.dispute.state.is_open()) {
            return Err(EngineError::Protection(
                personal::ProtectionError::Malformed {
                    what: "subject".into(),
                    message: format!(
                        "case {} is open ({}): its texts are erased once it is closed",
                        subject, c.dispute.state
                    ),
                },
            ));
        }
        let is_case = case.is_some();
        if !is_case && !self.people.contains_key(subject) {
            return Err(EngineError::UnknownPerson(subject.to_string()));
        }
        if self.protection.erased.contains(subject) {
            return Err(EngineError::Duplicate(format!("erasure of {subject}")));
        }
        p.erase(subject)?;
        self.mark_erased(subject);
        self.journal_change(Change::PersonalErased {
            subject: subject.to_string(),
            at: now,
        });
        self.audit(actor, "erase", Outcome::Erased, subject, now, None, "");
        Ok(())
    }

    /// Records an erasure (also when replayed from the journal).
    pub(super) fn mark_erased(&mut self, subject: &str) {
        self.protection.erased.insert(subject.to_string());
        self.protection.unopened.remove(subject);
        if let Some(s) = self.protection.sealed.get(subject) {
            self.people.insert(s.id.clone(), s.erased());
        }
    }

    /// Writes an audit entry (journal and log). From reads too: behind the journal's lock.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit(
        &self,
        actor: &Actor,
        action: &str,
        outcome: Outcome,
        target: &str,
        at: DateTime<Utc>,
        code: Option<super::ErrorCode>,
        detail: &str,
    ) {
        let entry = AuditEntry {
            at,
            actor: actor.clone(),
            action: action.to_string(),
            outcome,
            target: target.to_string(),
            code: code.map(|c| c.as_str().to_string()),
            detail: detail.to_string(),
        };
        self.access_log.push_audit(entry.clone());
        self.journal_change_shared(Change::Audit(entry));
    }

    /// Audits a call that ended in `error` (a denial is in the access log already).
    pub(crate) fn audit_error(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        at: DateTime<Utc>,
        error: &EngineError,
    ) {
        let outcome = match error {
            EngineError::Denied { .. } => return,
            EngineError::Protection(_) | EngineError::Signature(_) => Outcome::Failed,
            _ => Outcome::Refused,
        };
        self.audit(
            actor,
            action,
            outcome,
            target,
            at,
            Some(error.code()),
            &error.to_string(),
        );
    }

    /// The audit record, oldest first: denials, refusals, failures, whole reads and
    /// erasures (see [`crate::audit`]), for the host to keep (six months at least).
    pub fn audit_record(&self) -> Vec<AuditEntry> {
        let mut all: Vec<AuditEntry> = self
            .denials()
            .into_iter()
            .map(AuditEntry::denied)
            .chain(self.access_log.audit())
            .collect();
        all.sort_by_key(|e| e.at); // stable: equal times keep their order
        all
    }

    /// The world's residents as stored: plain ones, and sealed ones as journaled.
    pub(super) fn stored_people(&self) -> (Vec<Person>, Vec<SealedPerson>, Vec<String>) {
        let mut plain: Vec<Person> = self
            .people
            .values()
            .filter(|p| !self.protection.sealed.contains_key(&p.id))
            .cloned()
            .collect();
        plain.sort_by(|a, b| a.id.cmp(&b.id));
        let mut sealed: Vec<SealedPerson> = self.protection.sealed.values().cloned().collect();
        sealed.sort_by(|a, b| a.id.cmp(&b.id));
        (
            plain,
            sealed,
            self.protection.erased.iter().cloned().collect(),
        )
    }
}
