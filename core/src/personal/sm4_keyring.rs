//! The built-in SM4-GCM protector: one random 128-bit key per subject, in process memory.
//! For development and tests: keys in memory are not what 密评 accepts for production.

use std::collections::HashMap;
use std::sync::Mutex;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use sm4::cipher::consts::U12;
use sm4::Sm4;

use super::{ProtectionError, Protector};

type Sm4Gcm = AesGcm<Sm4, U12>;

const NONCE: usize = 12;

/// SM4-GCM with a key per subject (see the module docs of [`crate::personal`]).
#[derive(Default)]
pub struct Sm4Keyring {
    keys: Mutex<HashMap<String, [u8; 16]>>,
}

impl std::fmt::Debug for Sm4Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys.
        f.debug_struct("Sm4Keyring")
            .field("subjects", &self.lock().len())
            .finish()
    }
}

impl Sm4Keyring {
    /// An empty keyring.
    pub fn new() -> Sm4Keyring {
        Sm4Keyring::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 16]>> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The keys, by subject, as hex: to carry a development keyring across a restart.
    pub fn export(&self) -> Vec<(String, String)> {
        let mut keys: Vec<_> = self
            .lock()
            .iter()
            .map(|(s, k)| (s.clone(), crate::signing::hex(k)))
            .collect();
        keys.sort();
        keys
    }

    /// Adds keys exported by [`Sm4Keyring::export`].
    pub fn import(&self, keys: &[(String, String)]) -> Result<(), ProtectionError> {
        let mut parsed = Vec::with_capacity(keys.len());
        for (subject, hex) in keys {
            let key: [u8; 16] = crate::signing::unhex(hex)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| ProtectionError::Malformed {
                    what: format!("key of {subject}"),
                    message: "an SM4 key is 32 hex digits".into(),
                })?;
            parsed.push((subject.clone(), key));
        }
        self.lock().extend(parsed);
        Ok(())
    }

    /// SM4-GCM with `key` and `nonce` over `plain`, `aad` authenticated: the raw mode, for
    /// the standard's test vectors.
    pub fn seal_with(key: &[u8; 16], nonce: &[u8; NONCE], plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let cipher = Sm4Gcm::new(key.into());
        cipher
            .encrypt(nonce.into(), Payload { msg: plain, aad })
            .expect("GCM seals any message shorter than 64 GiB")
    }
}

fn random<const N: usize>() -> Result<[u8; N], ProtectionError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| ProtectionError::Module {
        message: format!("no randomness: {e}"),
    })?;
    Ok(out)
}

impl Protector for Sm4Keyring {
    fn algorithm(&self) -> &str {
        "SM4-GCM"
    }

    /// `nonce ‖ ciphertext ‖ tag`, the subject as associated data.
    fn seal(&self, subject: &str, plain: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        let key = {
            let mut keys = self.lock();
            match keys.get(subject) {
                Some(k) => *k,
                None => {
                    let k = random::<16>()?;
                    keys.insert(subject.to_string(), k);
                    k
                }
            }
        };
        let nonce = random::<NONCE>()?;
        let mut out = nonce.to_vec();
        out.extend(Sm4Keyring::seal_with(
            &key,
            &nonce,
            plain,
            subject.as_bytes(),
        ));
        Ok(out)
    }

    fn open(&self, subject: &str, sealed: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        let key = self
            .lock()
            .get(subject)
            .copied()
            .ok_or_else(|| ProtectionError::NoKey {
                subject: subject.to_string(),
            })?;
        let tampered = || ProtectionError::Tampered {
            subject: subject.to_string(),
        };
        if sealed.len() < NONCE + 16 {
            return Err(tampered());
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: &[u8; NONCE] = nonce.try_into().expect("split at NONCE");
        Sm4Gcm::new((&key).into())
            .decrypt(
                nonce.into(),
                Payload {
                    msg: body,
                    aad: subject.as_bytes(),
                },
            )
            .map_err(|_| tampered())
    }

    fn erase(&self, subject: &str) -> Result<(), ProtectionError> {
        if let Some(mut k) = self.lock().remove(subject) {
            k.fill(0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        crate::signing::unhex(s).unwrap()
    }

    #[test]
    fn sm4_block_and_gcm_match_the_published_vectors() {
        // GB/T 32907-2016 Annex A.1: one block.
        use sm4::cipher::{BlockCipherEncrypt, KeyInit as _};
        let key: [u8; 16] = unhex("0123456789abcdeffedcba9876543210")
            .try_into()
            .unwrap();
        let mut block = sm4::cipher::Array::from(key);
        Sm4::new(&key.into()).encrypt_block(&mut block);
        assert_eq!(
            crate::signing::hex(&block),
            "681edf34d206965e86b3e94f536e4246"
        );
        // RFC 8998 Appendix A.1: SM4-GCM.
        let nonce: [u8; 12] = unhex("00001234567800000000abcd").try_into().unwrap();
        let aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let plain = unhex(&format!(
            "{}{}{}{}{}{}{}{}",
            "a".repeat(16),
            "b".repeat(16),
            "c".repeat(16),
            "d".repeat(16),
            "e".repeat(16),
            "f".repeat(16),
            "e".repeat(16),
            "a".repeat(16)
        ));
        let out = Sm4Keyring::seal_with(&key, &nonce, &plain, &aad);
        assert_eq!(
            crate::signing::hex(&out),
            "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735\
             d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d\
             83de3541e4c2b58177e065a9bf7b62ec"
        );
    }

    #[test]
    fn a_value_opens_for_its_subject_only_and_not_after_erasure() {
        let k = Sm4Keyring::new();
        let a = k.seal("p1", "张三 13812345678".as_bytes()).unwrap();
        let b = k.seal("p1", "张三 13812345678".as_bytes()).unwrap();
        assert_ne!(a, b, "a fresh nonce per value");
        assert_eq!(k.open("p1", &a).unwrap(), "张三 13812345678".as_bytes());
        k.seal("p2", b"x").unwrap();
        assert!(matches!(
            k.open("p2", &a),
            Err(ProtectionError::Tampered { .. })
        ));
        let mut changed = a.clone();
        changed[20] ^= 1;
        assert!(matches!(
            k.open("p1", &changed),
            Err(ProtectionError::Tampered { .. })
        ));
        let keys = k.export();
        k.erase("p1").unwrap();
        assert!(matches!(
            k.open("p1", &a),
            Err(ProtectionError::NoKey { .. })
        ));
        // A development keyring carried across a restart opens what it sealed.
        let again = Sm4Keyring::new();
        again.import(&keys).unwrap();
        assert_eq!(again.open("p1", &a).unwrap(), "张三 13812345678".as_bytes());
        assert!(again.import(&[("x".into(), "12".into())]).is_err());
    }
}
