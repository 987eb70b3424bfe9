//! The built-in SM2 signer and verifier (GB/T 32918, signatures with SM3, the default
//! distinguishing id of GB/T 35276-2017): for development and tests. A key in process
//! memory is not what 密评 accepts for production; use a certified module there.

use std::collections::HashMap;

use sm2::dsa::signature::{Signer as _, Verifier as _};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};

use super::{hex, unhex, SignatureError, Signer, Verifier, DEFAULT_SM2_ID};

/// An SM2 key pair that signs heads. Signatures are deterministic (RFC 6979 over SM3), so
/// signing needs no randomness; only [`Sm2Signer::generate`] does.
pub struct Sm2Signer {
    key_id: String,
    key: SigningKey,
}

impl std::fmt::Debug for Sm2Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Sm2Signer")
            .field("key_id", &self.key_id)
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

fn malformed(what: &str, message: impl Into<String>) -> SignatureError {
    SignatureError::Malformed {
        what: what.into(),
        message: message.into(),
    }
}

impl Sm2Signer {
    /// A signer from a 32-byte secret key written as 64 hex digits (a scalar in 1..n−1).
    pub fn from_secret_hex(key_id: &str, secret: &str) -> Result<Sm2Signer, SignatureError> {
        let bytes = unhex(secret)
            .filter(|b| b.len() == 32)
            .ok_or_else(|| malformed("secret", "an SM2 secret key is 64 hex digits"))?;
        let key = SigningKey::from_slice(DEFAULT_SM2_ID, &bytes)
            .map_err(|_| malformed("secret", "not a scalar in 1 … n−1 of the SM2 curve"))?;
        Ok(Sm2Signer {
            key_id: key_id.to_string(),
            key,
        })
    }

    /// A fresh key pair from the operating system's randomness.
    pub fn generate(key_id: &str) -> Result<Sm2Signer, SignatureError> {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| SignatureError::Signer {
                message: format!("no randomness: {e}"),
            })?;
            if let Ok(key) = SigningKey::from_slice(DEFAULT_SM2_ID, &bytes) {
                return Ok(Sm2Signer {
                    key_id: key_id.to_string(),
                    key,
                });
            }
        }
    }

    /// The public key, uncompressed SEC1 (`04‖x‖y`, 130 hex digits): give it to verifiers.
    pub fn public_key_hex(&self) -> String {
        hex(&self.key.verifying_key().to_sec1_bytes())
    }
}

impl Signer for Sm2Signer {
    fn algorithm(&self) -> &str {
        "SM2"
    }

    fn key_id(&self) -> &str {
        &self.key_id
    }

    /// `r‖s`, 64 bytes.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let signature: Signature = self.key.sign(message);
        Ok(signature.to_bytes().to_vec())
    }
}

/// Public SM2 keys by key id.
#[derive(Default)]
pub struct Sm2Verifier {
    keys: HashMap<String, VerifyingKey>,
}

impl std::fmt::Debug for Sm2Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sm2Verifier")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Sm2Verifier {
    /// Adds a public key (SEC1 as hex: `04‖x‖y` or compressed) under `key_id`.
    pub fn add_key(&mut self, key_id: &str, public: &str) -> Result<(), SignatureError> {
        let bytes =
            unhex(public).ok_or_else(|| malformed("public_key", "hex digits of a SEC1 point"))?;
        let key = VerifyingKey::from_sec1_bytes(DEFAULT_SM2_ID, &bytes)
            .map_err(|_| malformed("public_key", "not a point of the SM2 curve"))?;
        self.keys.insert(key_id.to_string(), key);
        Ok(())
    }
}

impl Verifier for Sm2Verifier {
    fn verify(
        &self,
        algorithm: &str,
        key_id: &str,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let bad = || SignatureError::BadSignature {
            subject: String::new(),
            seq: 0,
        };
        if algorithm != "SM2" {
            return Err(malformed(
                "algorithm",
                format!("{algorithm:?}: this verifier checks SM2 only"),
            ));
        }
        let key = self
            .keys
            .get(key_id)
            .ok_or_else(|| SignatureError::UnknownKey {
                key_id: key_id.to_string(),
            })?;
        let signature = Signature::from_slice(signature).map_err(|_| bad())?;
        key.verify(message, &signature).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // GB/T 32918.5-2017 (GM/T 0003.5-2012) Annex A: the signature example on the
    // recommended curve, user id 1234567812345678, message "message digest".
    const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
    const PUBLIC: &str = "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020\
                          ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
    const SIGNATURE: &str = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3\
                             b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";

    #[test]
    fn the_standards_example_verifies_and_its_key_derives_its_public_key() {
        let signer = Sm2Signer::from_secret_hex("a", SECRET).unwrap();
        assert_eq!(signer.public_key_hex(), PUBLIC);
        let mut v = Sm2Verifier::default();
        v.add_key("a", PUBLIC).unwrap();
        let sig = unhex(SIGNATURE).unwrap();
        v.verify("SM2", "a", b"message digest", &sig).unwrap();
        // One bit of the message, the signature or the id changed: refused.
        assert!(v.verify("SM2", "a", b"message digesT", &sig).is_err());
        let mut other = sig.clone();
        other[63] ^= 1;
        assert!(v.verify("SM2", "a", b"message digest", &other).is_err());
        assert_eq!(
            v.verify("SM2", "b", b"message digest", &sig),
            Err(SignatureError::UnknownKey { key_id: "b".into() })
        );
        // Our own (deterministic) signature of the same message verifies too, and is stable.
        let ours = signer.sign(b"message digest").unwrap();
        assert_eq!(ours, signer.sign(b"message digest").unwrap());
        v.verify("SM2", "a", b"message digest", &ours).unwrap();
    }

    #[test]
    fn bad_keys_are_refused_by_name() {
        let e = Sm2Signer::from_secret_hex("a", "12").unwrap_err();
        assert!(e.to_string().starts_with("secret: "), "{e}");
        let zero = "00".repeat(32);
        assert!(Sm2Signer::from_secret_hex("a", &zero).is_err());
        let mut v = Sm2Verifier::default();
        let e = v.add_key("a", "04abcd").unwrap_err();
        assert!(e.to_string().starts_with("public_key: "), "{e}");
        let g = Sm2Signer::generate("g").unwrap();
        assert_eq!(g.public_key_hex().len(), 130);
        assert!(!format!("{g:?}").contains(SECRET));
    }
}
