//! 国密 in the browser and Node: the host's signer, verifier and protector as JS objects
//! (WebCrypto has no SM2 or SM4: a JS SM library in the page, or Node's `crypto`; the
//! calls are synchronous), signed heads, erasure and the audit record. See
//! docs/security.md.

use std::sync::Arc;

use fengqiao::personal::{ProtectionError, Protector};
use fengqiao::signing::{SignatureError, Signer, Verifier};
use fengqiao_binding::ops;
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::{
    arg, ms, ret, throw, Engine, JsHeadSigner, JsHeadVerifier, JsProtector, JsSealReport,
    JsSignedHead, JsSignedHeads, JsTraceInput, JsWorld,
};

/// A JS object held by the engine. JS values live on the one thread of a WebAssembly
/// instance built without shared memory (this crate enables no atomics), so the engine's
/// `Send + Sync` never lets another thread touch them.
struct Held(JsValue);
// SAFETY: see above — there is no second thread in this build.
unsafe impl Send for Held {}
unsafe impl Sync for Held {}

fn method(obj: &JsValue, name: &str, what: &str) -> Result<Function, JsValue> {
    Reflect::get(obj, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            throw(fengqiao_binding::BindingError::argument(
                what,
                format!("has no function `{name}`"),
            ))
        })
}

fn text(obj: &JsValue, name: &str, what: &str) -> Result<String, JsValue> {
    Reflect::get(obj, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| {
            throw(fengqiao_binding::BindingError::argument(
                what,
                format!("has no string `{name}`"),
            ))
        })
}

fn message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "it threw".into())
}

fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    v.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// The signer set by `setSigner`.
pub(crate) struct JsSigner {
    algorithm: String,
    key_id: String,
    sign: Held,
    this: Held,
}

impl Signer for JsSigner {
    fn algorithm(&self) -> &str {
        &self.algorithm
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn sign(&self, m: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let f: &Function = self.sign.0.unchecked_ref();
        let r =
            f.call1(&self.this.0, &Uint8Array::from(m))
                .map_err(|e| SignatureError::Signer {
                    message: format!("the host's sign function failed: {}", message(&e)),
                })?;
        bytes_of(&r).ok_or_else(|| SignatureError::Signer {
            message: "the host's sign function must return a Uint8Array".into(),
        })
    }
}

struct JsVerifier {
    verify: Held,
    this: Held,
}

impl JsVerifier {
    /// The host's verifier object `{ verify(algorithm, keyId, message, signature) → boolean }`.
    fn of(verifier: JsHeadVerifier) -> Result<JsVerifier, JsValue> {
        let v: JsValue = verifier.into();
        let verify = method(&v, "verify", "verifier")?;
        Ok(JsVerifier {
            verify: Held(verify.into()),
            this: Held(v),
        })
    }
}

impl Verifier for JsVerifier {
    fn verify(
        &self,
        algorithm: &str,
        key_id: &str,
        m: &[u8],
        sig: &[u8],
    ) -> Result<(), SignatureError> {
        let f: &Function = self.verify.0.unchecked_ref();
        let args = js_sys::Array::of4(
            &JsValue::from_str(algorithm),
            &JsValue::from_str(key_id),
            &Uint8Array::from(m),
            &Uint8Array::from(sig),
        );
        match f.apply(&self.this.0, &args) {
            Ok(v) if v.as_bool() == Some(true) => Ok(()),
            Ok(_) => Err(SignatureError::BadSignature {
                subject: String::new(),
                seq: 0,
            }),
            Err(e) => Err(SignatureError::Signer {
                message: format!("the host's verify function failed: {}", message(&e)),
            }),
        }
    }
}

struct JsProtectorImpl {
    algorithm: String,
    this: Held,
    seal: Held,
    open: Held,
    erase: Held,
}

impl JsProtectorImpl {
    fn run(
        &self,
        f: &Held,
        what: &str,
        subject: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, ProtectionError> {
        let f: &Function = f.0.unchecked_ref();
        let r = f
            .call2(
                &self.this.0,
                &JsValue::from_str(subject),
                &Uint8Array::from(input),
            )
            .map_err(|e| ProtectionError::Module {
                message: format!("the host's {what} failed for {subject}: {}", message(&e)),
            })?;
        bytes_of(&r).ok_or_else(|| ProtectionError::Module {
            message: format!("the host's {what} must return a Uint8Array"),
        })
    }
}

impl Protector for JsProtectorImpl {
    fn algorithm(&self) -> &str {
        &self.algorithm
    }
    fn seal(&self, subject: &str, plain: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        self.run(&self.seal, "seal", subject, plain)
    }
    fn open(&self, subject: &str, sealed: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        self.run(&self.open, "open", subject, sealed)
    }
    fn erase(&self, subject: &str) -> Result<(), ProtectionError> {
        let f: &Function = self.erase.0.unchecked_ref();
        f.call1(&self.this.0, &JsValue::from_str(subject))
            .map(|_| ())
            .map_err(|e| ProtectionError::Module {
                message: format!("the host's erase failed for {subject}: {}", message(&e)),
            })
    }
}

#[wasm_bindgen]
impl Engine {
    /// Sets the host's signer: `{ algorithm, keyId, sign(message) → signature }` over its
    /// certified module (or, in development, an SM2 library). Replaces an earlier one.
    #[wasm_bindgen(js_name = setSigner)]
    pub fn set_signer(&mut self, signer: JsHeadSigner) -> Result<(), JsValue> {
        let s: JsValue = signer.into();
        let sign = method(&s, "sign", "signer")?;
        self.signer = Some(JsSigner {
            algorithm: text(&s, "algorithm", "signer")?,
            key_id: text(&s, "keyId", "signer")?,
            sign: Held(sign.into()),
            this: Held(s),
        });
        Ok(())
    }

    /// Signs the head of `subject` — `"journal"` or a case code — with the signer set by
    /// `setSigner`; throws `seal` without one.
    #[wasm_bindgen(js_name = signHead)]
    pub fn sign_head(&self, subject: &str, now_ms: f64) -> Result<JsSignedHead, JsValue> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            throw(fengqiao_binding::BindingError::new(
                fengqiao_binding::Code::Signature,
                "no signer: call setSigner first",
            ))
        })?;
        ret(ops::sign_head(
            &self.inner,
            signer,
            subject,
            ms(now_ms, "now_ms")?,
        ))
    }

    /// Verifies a journal (JSON Lines from its first entry) from its world document against
    /// signed heads with the host's verifier `{ verify(algorithm, keyId, message, signature)
    /// → boolean }`; throws `seal` naming the subject and position of a rewritten, truncated
    /// or wrongly signed chain.
    #[wasm_bindgen(js_name = verifyHeads)]
    pub fn verify_heads(
        world: JsWorld,
        journal: &str,
        heads: JsSignedHeads,
        verifier: JsHeadVerifier,
    ) -> Result<JsSealReport, JsValue> {
        let verifier = JsVerifier::of(verifier)?;
        let (w, h) = (arg(&world.into(), "world")?, arg(&heads.into(), "heads")?);
        ret(ops::verify_heads(
            w.as_bytes(),
            journal.as_bytes(),
            h.as_bytes(),
            &verifier,
        ))
    }

    /// Verifies one case on its own — its trace (an array of events or JSON Lines text) and
    /// the signed heads of that case among `heads` — with the host's verifier `{
    /// verify(algorithm, keyId, message, signature) → boolean }`, without the world document
    /// or the journal: what a court does with the one case it receives. Throws `signature`
    /// when no head of the case is given (a trace alone proves only that it is unbroken) or
    /// the chain is rewritten, cut short or wrongly signed.
    #[wasm_bindgen(js_name = verifyCase)]
    pub fn verify_case(
        events: JsTraceInput,
        heads: JsSignedHeads,
        verifier: JsHeadVerifier,
    ) -> Result<JsSealReport, JsValue> {
        let verifier = JsVerifier::of(verifier)?;
        let events: JsValue = events.into();
        let events = match events.as_string() {
            Some(lines) => lines,
            None => arg(&events, "events")?,
        };
        let h = arg(&heads.into(), "heads")?;
        ret(ops::verify_case(events.as_bytes(), h.as_bytes(), &verifier))
    }

    /// Sets the host's protector for personal data: `{ algorithm, seal(subject, bytes),
    /// open(subject, bytes), erase(subject) }`. Residents restored from sealed records are
    /// opened now; throws `protection` naming one that does not open. Returns how many.
    #[wasm_bindgen(js_name = setProtector)]
    pub fn set_protector(&mut self, protector: JsProtector) -> Result<u32, JsValue> {
        let p: JsValue = protector.into();
        let imp = JsProtectorImpl {
            algorithm: text(&p, "algorithm", "protector")?,
            seal: Held(method(&p, "seal", "protector")?.into()),
            open: Held(method(&p, "open", "protector")?.into()),
            erase: Held(method(&p, "erase", "protector")?.into()),
            this: Held(p),
        };
        self.inner
            .set_protector(Arc::new(imp))
            .map(|n| n as u32)
            .map_err(|e| throw(e.into()))
    }
}
