//! Personal information (个人信息) at rest: residents' names, identity numbers, phones and
//! key-person notes, and the free text that describes the people in a case, sealed by a
//! [`Protector`] wherever the library writes them for storage — the journal, snapshots and
//! world exports — so that what a host stores is ciphertext (GB/T 39786-2021 8.4,
//! 重要数据存储机密性: confidentiality of important data in storage; 个人信息保护法 art. 51).
//!
//! **Subjects and erasure.** Every sealed value belongs to a *subject*: a resident's id for
//! their record, a case code for the free text of that case. A protector keeps one key per
//! subject, so when the law asks for deletion (个人信息保护法 art. 47) the host calls
//! [`Engine::erase_personal`](crate::engine::Engine::erase_personal): the subject's key is
//! destroyed (crypto-shredding) and every copy of its ciphertext — in the journal, in old
//! snapshots, in backups — becomes unreadable at once, while every hash chain still verifies:
//! the chains are computed over the sealed text, and destroying a key changes no byte of it.
//! What stays readable is what the chains exist for: who did what to which case, when.
//!
//! **The mode.** SM4 (GB/T 32907) in GCM (GB/T 17964-2021 §9; the mode TLS 1.3's SM suite
//! uses, RFC 8998): one pass that encrypts and authenticates, a 12-byte random nonce per
//! value, the subject as associated data so a value moved to another subject fails to open.
//! CBC with HMAC-SM3 would need two keys and two passes for the same guarantees.
//!
//! **Who sees what.** Views ([`crate::engine::Reader`]) open sealed values only for actors
//! [`crate::access::Privacy`] lets see identifiers whole; others get masks. Every whole read
//! of personal data is an audit entry ([`crate::audit`]).
//!
//! The built-in [`Sm4Keyring`] (feature `guomi`) keeps keys in process memory: for
//! development and tests. In production a host's certified module (GM/T 0018 SDF, a KMS)
//! implements [`Protector`], keeping keys it never hands out.

use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;
use crate::people::{IdNumber, Person, PersonId, Phone};

/// Seals and opens personal values, one key per subject. Implement it over the host's
/// certified module in production.
pub trait Protector: Send + Sync {
    /// The algorithm written into each sealed value (`"SM4-GCM"`).
    fn algorithm(&self) -> &str;
    /// `plain` sealed under `subject`'s key (created on first use).
    fn seal(&self, subject: &str, plain: &[u8]) -> Result<Vec<u8>, ProtectionError>;
    /// What [`Protector::seal`] sealed; an error if the key is gone or the value was
    /// changed or belongs to another subject.
    fn open(&self, subject: &str, sealed: &[u8]) -> Result<Vec<u8>, ProtectionError>;
    /// Destroys `subject`'s key: everything sealed under it is unreadable from now on.
    fn erase(&self, subject: &str) -> Result<(), ProtectionError>;
}

/// Why sealing or opening failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum ProtectionError {
    /// No key for the subject (never made here, or erased).
    #[error("no key for {subject}: it was erased, or the keys were not loaded")]
    NoKey {
        /// The subject.
        subject: String,
    },
    /// The sealed value does not open: changed, or sealed for another subject.
    #[error(
        "a sealed value of {subject} does not open: it was changed or belongs to another subject"
    )]
    Tampered {
        /// The subject.
        subject: String,
    },
    /// The host's module failed.
    #[error("the protector failed: {message}")]
    Module {
        /// Its message.
        message: String,
    },
    /// A sealed value or a key could not be read.
    #[error("{what}: {message}")]
    Malformed {
        /// Which argument.
        what: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

/// How a sealed value is written where a string is expected: `fq-sealed/1:<algorithm>:`
/// and the base64 of what the protector returned.
pub const SEALED_PREFIX: &str = "fq-sealed/1:";

/// What a view shows instead of a value the actor may not see whole.
pub const MASKED_TEXT: &str = "〔受保护〕";
/// What a view shows for a value whose subject was erased.
pub const ERASED_TEXT: &str = "〔已删除〕";

/// Whether `text` is a sealed value.
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(SEALED_PREFIX)
}

/// `text` sealed under `subject`, as text.
pub fn seal_text(p: &dyn Protector, subject: &str, text: &str) -> Result<String, ProtectionError> {
    let sealed = p.seal(subject, text.as_bytes())?;
    let mut out = format!("{SEALED_PREFIX}{}:", p.algorithm());
    base64::encode(&sealed, &mut out);
    Ok(out)
}

/// A sealed text opened (or plain text as it is).
pub fn open_text(p: &dyn Protector, subject: &str, text: &str) -> Result<String, ProtectionError> {
    let Some(rest) = text.strip_prefix(SEALED_PREFIX) else {
        return Ok(text.to_string());
    };
    let malformed = |m: &str| ProtectionError::Malformed {
        what: "sealed".into(),
        message: m.into(),
    };
    // The algorithm is the host's word and may hold a colon; base64 never does.
    let (_, b64) = rest
        .rsplit_once(':')
        .ok_or_else(|| malformed("fq-sealed/1:<algorithm>:<base64>"))?;
    let bytes = base64::decode(b64).ok_or_else(|| malformed("not base64"))?;
    let plain = p.open(subject, &bytes)?;
    String::from_utf8(plain).map_err(|_| ProtectionError::Tampered {
        subject: subject.to_string(),
    })
}

/// A resident's record as stored when a protector is set: what the hierarchy needs in the
/// clear (id, household) and the rest sealed under the resident's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedPerson {
    /// The host's key for this person (the subject of the sealed value).
    pub id: PersonId,
    /// The household unit.
    pub household: DivisionCode,
    /// Name, identity number, phone and key-person note, sealed ([`SEALED_PREFIX`]).
    pub sealed: String,
}

#[derive(Serialize, Deserialize)]
struct Fields {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_number: Option<IdNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_person: Option<String>,
}

impl SealedPerson {
    /// `person` sealed by `p`.
    pub fn seal(p: &dyn Protector, person: &Person) -> Result<SealedPerson, ProtectionError> {
        let fields = Fields {
            name: person.name.clone(),
            id_number: person.id_number.clone(),
            phone: person.phone.clone(),
            key_person: person.key_person.clone(),
        };
        let json = serde_json::to_string(&fields).expect("fields serialise");
        Ok(SealedPerson {
            id: person.id.clone(),
            household: person.household,
            sealed: seal_text(p, &person.id, &json)?,
        })
    }

    /// The person again.
    pub fn open(&self, p: &dyn Protector) -> Result<Person, ProtectionError> {
        let json = open_text(p, &self.id, &self.sealed)?;
        let f: Fields = serde_json::from_str(&json).map_err(|_| ProtectionError::Tampered {
            subject: self.id.clone(),
        })?;
        Ok(Person {
            id: self.id.clone(),
            name: f.name,
            id_number: f.id_number,
            phone: f.phone,
            household: self.household,
            key_person: f.key_person,
        })
    }

    /// The record of an erased person: the id and household stay (the hierarchy and the
    /// cases refer to them), nothing else.
    pub fn erased(&self) -> Person {
        Person {
            id: self.id.clone(),
            name: ERASED_TEXT.to_string(),
            id_number: None,
            phone: None,
            household: self.household,
            key_person: None,
        }
    }
}

mod base64;
#[cfg(feature = "guomi")]
mod sm4_keyring;

#[cfg(feature = "guomi")]
pub use sm4_keyring::Sm4Keyring;

#[cfg(test)]
mod tests {
    use super::*;

    /// A protector whose algorithm word holds a colon, sealing by reversing the bytes.
    struct Reverse;
    impl Protector for Reverse {
        fn algorithm(&self) -> &str {
            "HOST:SM4"
        }
        fn seal(&self, _: &str, plain: &[u8]) -> Result<Vec<u8>, ProtectionError> {
            Ok(plain.iter().rev().copied().collect())
        }
        fn open(&self, _: &str, sealed: &[u8]) -> Result<Vec<u8>, ProtectionError> {
            Ok(sealed.iter().rev().copied().collect())
        }
        fn erase(&self, _: &str) -> Result<(), ProtectionError> {
            Ok(())
        }
    }

    #[test]
    fn sealed_text_opens_whatever_the_algorithm_is_called() {
        let sealed = seal_text(&Reverse, "p1", "张三 13812345678").unwrap();
        assert!(sealed.starts_with("fq-sealed/1:HOST:SM4:"), "{sealed}");
        assert!(is_sealed(&sealed));
        assert_eq!(
            open_text(&Reverse, "p1", &sealed).unwrap(),
            "张三 13812345678"
        );
        assert_eq!(open_text(&Reverse, "p1", "plain").unwrap(), "plain");
        assert!(open_text(&Reverse, "p1", "fq-sealed/1:x").is_err());
        assert!(open_text(&Reverse, "p1", "fq-sealed/1:x:***").is_err());
    }
}
