//! Signed heads (签名的链头): a case's last hash or the journal's digest, signed, so that a
//! chain rewritten as a whole is refused.
//!
//! The SM3 chains of [`crate::trace`] and [`crate::journal`] detect any change to one event
//! or entry, but not a forger who can write the whole store: change an agreement's amount,
//! recompute every later hash, and the chain verifies again. A head signed with a key the
//! forger does not hold closes that gap (GB/T 39786-2021 8.4, 重要数据存储完整性:
//! integrity of important data in storage; 不可否认性 for judicial confirmation): a re-chained forgery ends in
//! another digest, and the signature over the old one no longer matches what the entries
//! give.
//!
//! The library never holds a production key. A [`Signer`] signs the bytes of
//! [`SignedHead::message`] and a [`Verifier`] checks them: in production a certified
//! cryptographic module (an HSM behind the SDF interface, GM/T 0018) behind the host's own
//! implementation of these traits (in C, a callback pair; in JavaScript, two functions). The
//! built-in [`Sm2Signer`]/[`Sm2Verifier`] (feature `guomi`) are for development and tests.
//!
//! Sign the journal's digest once per batch the host commits, not each event: the digest at
//! a sequence number covers every entry before it, so one signature covers them all (see
//! BENCHMARKS.md for what each costs).
//!
//! ```
//! # #[cfg(feature = "guomi")] {
//! use fengqiao::engine::{Engine, WorldData};
//! use fengqiao::signing::{self, Sm2Signer, Sm2Verifier};
//! let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
//! let mut engine = Engine::from_world(world.clone())?;
//! engine.set_available("gw-522301001001001", false)?;
//! let signer = Sm2Signer::from_secret_hex("dev-1", &"11".repeat(32))?;
//! let now = "2025-06-09T08:00:00Z".parse()?;
//! let head = engine.sign_journal_head(&signer, now)?;
//! let mut verifier = Sm2Verifier::default();
//! verifier.add_key("dev-1", &signer.public_key_hex())?;
//! let entries = engine.journal(0, usize::MAX)?;
//! let origin = fengqiao::journal::origin(&world);
//! let report = signing::verify_journal(origin, &entries, &[head], &verifier)?;
//! assert_eq!(report.signed_to, 1);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::dispute::CaseCode;
use crate::journal::{Change, JournalEntry};
use crate::trace::{Event, Hash};

/// The distinguishing identifier SM2 signatures use when the parties agree on no other:
/// GB/T 35276-2017 (SM2 密码算法使用规范) §10 — `1234567812345678`.
pub const DEFAULT_SM2_ID: &str = "1234567812345678";

/// Signs heads. Implement it over the host's certified module in production.
pub trait Signer: Send + Sync {
    /// The algorithm written into each head (`"SM2"` for GB/T 32918 with SM3).
    fn algorithm(&self) -> &str;
    /// Which key signs (a certificate serial, a key index in the module): what a verifier
    /// needs to choose the public key.
    fn key_id(&self) -> &str;
    /// The signature of `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError>;
}

/// Checks signatures. Implement it over the host's certified module or its certificates.
pub trait Verifier: Send + Sync {
    /// `Ok(())` when `signature` is `key_id`'s signature of `message` under `algorithm`;
    /// [`SignatureError::BadSignature`] or [`SignatureError::UnknownKey`] otherwise.
    fn verify(
        &self,
        algorithm: &str,
        key_id: &str,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError>;
}

/// What a head signs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The whole journal up to `seq`.
    Journal,
    /// One case's trace up to event `seq`.
    Case(CaseCode),
    /// The register of every case's head ([`CaseHead`], [`register_digest`]): `seq` is
    /// the number of cases. One signature covers a prefecture's million heads.
    Register,
    /// A statistical return sent up ([`crate::returns`]): `head` is its digest, `seq` the
    /// number of cases it counts.
    Return,
}

impl Subject {
    /// The subject as the signed message and the store write it: `journal`, `register`,
    /// `return` or `case:<code>`.
    pub fn word(&self) -> String {
        match self {
            Subject::Journal => "journal".into(),
            Subject::Case(c) => format!("case:{c}"),
            Subject::Register => "register".into(),
            Subject::Return => "return".into(),
        }
    }
}

/// One line of the register of heads: a case, its last event's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseHead {
    /// The case.
    pub case: CaseCode,
    /// Its last event's sequence number.
    pub seq: u64,
    /// Its last event's hash.
    pub head: Hash,
}

/// The digest of a register of heads, in the order given (the engine gives case-code
/// order): `SM3("fengqiao-heads/1\n" ‖ for each: code ‖ "\n" ‖ seq as 8 bytes big-endian ‖
/// hash)`. What [`Subject::Register`] signs: verifying a million heads is one pass of SM3
/// and one signature check, where a signature per case would be a million checks.
pub fn register_digest(heads: &[CaseHead]) -> Hash {
    use sm3::{Digest, Sm3};
    let mut h = Sm3::new();
    h.update(b"fengqiao-heads/1\n");
    for c in heads {
        h.update(c.case.as_str().as_bytes());
        h.update(b"\n");
        h.update(c.seq.to_be_bytes());
        h.update(c.head.0);
    }
    Hash(h.finalize().into())
}

/// Verifies a register of heads against its signed head: the signature, the count and the
/// digest. Then a case's trace is as signed when it verifies ([`crate::trace::verify`]) and
/// ends in its register line.
pub fn verify_register(
    heads: &[CaseHead],
    signed: &SignedHead,
    verifier: &dyn Verifier,
) -> Result<(), SignatureError> {
    if signed.subject != Subject::Register {
        return Err(SignatureError::Malformed {
            what: "head".into(),
            message: "a register is verified against a head of subject `register`".into(),
        });
    }
    signed.check(verifier)?;
    let found = register_digest(heads);
    if signed.seq != heads.len() as u64 || found != signed.head {
        return Err(SignatureError::Rewritten {
            subject: "register".into(),
            seq: signed.seq,
            expected: signed.head,
            found,
        });
    }
    Ok(())
}

/// A signed head: a digest, where it stands, and a signature over both. Keep heads apart
/// from the entries they cover (another table, another system, a time-stamp service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedHead {
    /// The journal or a case.
    pub subject: Subject,
    /// The journal sequence number, or the case's event sequence number, signed.
    pub seq: u64,
    /// The journal digest or the case's event hash at `seq`.
    pub head: Hash,
    /// When it was signed (the host's clock, an argument like every time in the engine).
    pub signed_at: DateTime<Utc>,
    /// The signer's algorithm.
    pub algorithm: String,
    /// The signer's key.
    pub key_id: String,
    /// The signature, as hex.
    pub signature: String,
}

impl SignedHead {
    /// The bytes that are signed, one field a line, so a third party can check a head with
    /// any SM2 tool: `fengqiao-head/1`, the subject (`journal` or `case:<code>`), the
    /// sequence number, the head's 64 hex digits, the signing time (RFC 3339, seconds, Z),
    /// the algorithm and the key id.
    pub fn message(&self) -> Vec<u8> {
        message(
            &self.subject,
            self.seq,
            &self.head,
            &self.signed_at,
            &self.algorithm,
            &self.key_id,
        )
    }

    /// Signs `head` at `seq` of `subject` with `signer`.
    pub fn sign(
        subject: Subject,
        seq: u64,
        head: Hash,
        signed_at: DateTime<Utc>,
        signer: &dyn Signer,
    ) -> Result<SignedHead, SignatureError> {
        let algorithm = signer.algorithm().to_string();
        let key_id = signer.key_id().to_string();
        let bytes = message(&subject, seq, &head, &signed_at, &algorithm, &key_id);
        let signature = signer.sign(&bytes)?;
        Ok(SignedHead {
            subject,
            seq,
            head,
            signed_at,
            algorithm,
            key_id,
            signature: hex(&signature),
        })
    }

    /// Checks the signature (not yet that `head` is what the entries give).
    pub fn check(&self, verifier: &dyn Verifier) -> Result<(), SignatureError> {
        let signature = unhex(&self.signature).ok_or_else(|| SignatureError::Malformed {
            what: "signature".into(),
            message: "not an even number of hex digits".into(),
        })?;
        verifier
            .verify(&self.algorithm, &self.key_id, &self.message(), &signature)
            .map_err(|e| match e {
                SignatureError::BadSignature { .. } => SignatureError::BadSignature {
                    subject: self.subject_text(),
                    seq: self.seq,
                },
                other => other,
            })
    }

    fn subject_text(&self) -> String {
        self.subject.word()
    }
}

fn message(
    subject: &Subject,
    seq: u64,
    head: &Hash,
    at: &DateTime<Utc>,
    algorithm: &str,
    key_id: &str,
) -> Vec<u8> {
    let subject = subject.word();
    format!(
        "fengqiao-head/1\n{subject}\n{seq}\n{head}\n{}\n{algorithm}\n{key_id}\n",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
    .into_bytes()
}

/// Why signing or verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum SignatureError {
    /// The signer failed (the module refused, a key is missing).
    #[error("the signer failed: {message}")]
    Signer {
        /// The signer's message.
        message: String,
    },
    /// The verifier has no key of that id.
    #[error("no public key {key_id} to verify with")]
    UnknownKey {
        /// The key asked for.
        key_id: String,
    },
    /// A signature does not verify: the head or its signature was changed, or another key
    /// signed.
    #[error("the signature of {subject} at {seq} does not verify")]
    BadSignature {
        /// `journal` or `case:<code>`.
        subject: String,
        /// The head's sequence number.
        seq: u64,
    },
    /// The entries give another digest at a signed head's position: they were rewritten
    /// (a re-chained forgery ends here).
    #[error(
        "{subject} at {seq} gives {found}, but {expected} was signed: the chain was rewritten"
    )]
    Rewritten {
        /// `journal` or `case:<code>`.
        subject: String,
        /// The signed position.
        seq: u64,
        /// The signed head.
        expected: Hash,
        /// What the entries give.
        found: Hash,
    },
    /// A signed head lies past the entries given: they were cut short.
    #[error("{subject} was signed at {seq}, but the entries end at {end}: they were truncated")]
    Truncated {
        /// `journal` or `case:<code>`.
        subject: String,
        /// The signed position.
        seq: u64,
        /// The last position the entries reach.
        end: u64,
    },
    /// The entries themselves do not chain (see the message).
    #[error("entry {seq}: {message}")]
    Chain {
        /// The journal or case sequence number where the chain breaks.
        seq: u64,
        /// What is wrong.
        message: String,
    },
    /// A key, signature or head could not be read.
    #[error("{what}: {message}")]
    Malformed {
        /// Which argument.
        what: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

/// What [`verify_journal`] and [`verify_trace`] established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SignatureReport {
    /// The last position the entries reach.
    pub end: u64,
    /// Heads checked (signature, and digest or trace): by [`verify_heads`], every head of
    /// every subject; by [`verify_journal`] and [`verify_trace`], that subject's.
    pub heads: usize,
    /// The last position a checked head covers (0 if none): everything up to it is as signed.
    pub signed_to: u64,
    /// Entries after `signed_to`: chained but not yet signed.
    pub unsigned: u64,
}

/// Verifies consecutive journal entries from `origin` (the digest before the first of
/// them: [`crate::journal::origin`] of the world document for a journal from its start, a
/// snapshot's digest after it) and the signed journal heads among `heads`. Each event is
/// recomputed from its content and linked to its case's previous event where that is among
/// the entries; each digest is recomputed. Heads of cases are ignored here (see
/// [`verify_trace`]). A head past the entries is [`SignatureError::Truncated`]; a head whose
/// digest the entries do not give is [`SignatureError::Rewritten`].
pub fn verify_journal(
    origin: Hash,
    entries: &[JournalEntry],
    heads: &[SignedHead],
    verifier: &dyn Verifier,
) -> Result<SignatureReport, SignatureError> {
    let start = entries.first().map_or(0, |e| e.seq.saturating_sub(1));
    let mut digests = Vec::with_capacity(entries.len());
    let mut digest = origin;
    let mut last: HashMap<&CaseCode, &Event> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let seq = start + i as u64 + 1;
        let broken = |message: String| SignatureError::Chain { seq, message };
        if entry.seq != seq {
            return Err(broken(format!("expected seq {seq}, found {}", entry.seq)));
        }
        if let Change::Event(e) = &entry.change {
            if e.compute_hash() != e.hash {
                return Err(broken(format!(
                    "event {} of {} was changed: its content does not match its hash",
                    e.seq, e.case
                )));
            }
            if let Some(p) = last.get(&e.case) {
                if e.prev != p.hash || e.seq != p.seq + 1 {
                    return Err(broken(format!(
                        "event {} of {} does not follow event {}",
                        e.seq, e.case, p.seq
                    )));
                }
            }
            last.insert(&e.case, e);
        }
        digest = crate::journal::chain(&digest, &entry.change);
        if digest != entry.digest {
            return Err(broken(
                "its digest does not chain from the entry before".into(),
            ));
        }
        digests.push(digest);
    }
    let end = start + entries.len() as u64;
    let at = |seq: u64| -> Option<Hash> {
        if seq == start {
            Some(origin)
        } else if seq > start && seq <= end {
            Some(digests[(seq - start - 1) as usize])
        } else {
            None
        }
    };
    check_heads(
        heads.iter().filter(|h| h.subject == Subject::Journal),
        "journal",
        end,
        at,
        verifier,
    )
}

/// Verifies journal entries against every kind of signed head at once — what a verifier
/// of a stored journal calls: the journal's heads against the digests
/// ([`verify_journal`]), each case's heads against that case's trace as the entries hold
/// it ([`verify_trace`]; a case with no event among them is [`SignatureError::Truncated`]),
/// and each register's signature (its lines describe the case heads when it was signed,
/// which later entries move: check them with [`verify_register`] against the register
/// kept with it). Returns the journal's report, whose `heads` counts every head checked,
/// of every subject (journal, case and register).
pub fn verify_heads(
    origin: Hash,
    entries: &[JournalEntry],
    heads: &[SignedHead],
    verifier: &dyn Verifier,
) -> Result<SignatureReport, SignatureError> {
    let mut report = verify_journal(origin, entries, heads, verifier)?;
    let mut checked: Vec<&CaseCode> = Vec::new();
    for h in heads {
        match &h.subject {
            Subject::Case(code) if !checked.contains(&code) => {
                checked.push(code);
                let trace: Vec<Event> = entries
                    .iter()
                    .filter_map(|e| e.change.event())
                    .filter(|ev| &ev.case == code)
                    .cloned()
                    .collect();
                if trace.is_empty() {
                    return Err(SignatureError::Truncated {
                        subject: format!("case:{code}"),
                        seq: h.seq,
                        end: 0,
                    });
                }
                report.heads += verify_trace(&trace, heads, verifier)?.heads;
            }
            Subject::Register => {
                h.check(verifier)?;
                report.heads += 1;
            }
            Subject::Case(_) | Subject::Journal | Subject::Return => {}
        }
    }
    Ok(report)
}

/// Verifies one case's trace ([`crate::trace::verify`]) and the signed heads of that case
/// among `heads`, as [`verify_journal`] does for the journal.
pub fn verify_trace(
    events: &[Event],
    heads: &[SignedHead],
    verifier: &dyn Verifier,
) -> Result<SignatureReport, SignatureError> {
    crate::trace::verify(events).map_err(|e| SignatureError::Chain {
        seq: match &e {
            crate::trace::TraceError::Changed { seq, .. }
            | crate::trace::TraceError::BrokenLink { seq, .. } => *seq,
            _ => 0,
        },
        message: e.to_string(),
    })?;
    let case = &events[0].case;
    let end = events.len() as u64;
    let at = |seq: u64| -> Option<Hash> {
        (seq >= 1 && seq <= end).then(|| events[seq as usize - 1].hash)
    };
    check_heads(
        heads
            .iter()
            .filter(|h| matches!(&h.subject, Subject::Case(c) if c == case)),
        &format!("case:{case}"),
        end,
        at,
        verifier,
    )
}

fn check_heads<'h>(
    heads: impl Iterator<Item = &'h SignedHead>,
    subject: &str,
    end: u64,
    at: impl Fn(u64) -> Option<Hash>,
    verifier: &dyn Verifier,
) -> Result<SignatureReport, SignatureError> {
    let mut report = SignatureReport {
        end,
        heads: 0,
        signed_to: 0,
        unsigned: end,
    };
    for head in heads {
        head.check(verifier)?;
        let found = at(head.seq).ok_or_else(|| SignatureError::Truncated {
            subject: subject.to_string(),
            seq: head.seq,
            end,
        })?;
        if found != head.head {
            return Err(SignatureError::Rewritten {
                subject: subject.to_string(),
                seq: head.seq,
                expected: head.head,
                found,
            });
        }
        report.heads += 1;
        report.signed_to = report.signed_to.max(head.seq);
    }
    report.unsigned = end - report.signed_to.min(end);
    Ok(report)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(feature = "guomi")]
mod sm2_keys;
#[cfg(feature = "guomi")]
pub use sm2_keys::{Sm2Signer, Sm2Verifier};
