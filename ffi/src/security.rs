//! 国密 at the C boundary: a host's signer and protector as callbacks (its certified
//! module behind them), the built-in development ones, signed heads, erasure and the audit
//! record. See docs/security.md.
//!
//! Callback rules, for every function pointer below: it is called on the thread that made
//! the `fq_*` call, while the engine's lock is held — it must not call back into the same
//! engine; it must be safe to call from any thread the host calls the engine from; `ctx`
//! is passed back untouched and must stay valid until the engine is freed or the callback
//! replaced; it returns 0 for success, anything else for failure (the call then fails
//! with `FQ_STATUS_SIGNATURE` or `FQ_STATUS_PROTECTION` and nothing changes).

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use fengqiao::personal::{ProtectionError, Protector};
use fengqiao::signing::{SignatureError, Signer, Verifier};
use fengqiao_binding::ops;

use super::*;

/// Signs `message` (`message_len` bytes): writes at most `signature_cap` bytes of the
/// signature to `signature` and their number to `*signature_len` (at most 512); returns 0
/// on success.
///
/// Rules for every callback here: it is called on the thread that made the `fq_*` call,
/// while the engine's lock is held, so it must not call into the same engine; it must be
/// safe to call from any thread the host calls the engine from; `ctx` is passed back
/// untouched and must stay valid until the engine is freed or the callback replaced; it
/// returns 0 for success and anything else for failure (the call then fails with
/// `FQ_STATUS_SIGNATURE` or `FQ_STATUS_PROTECTION` and nothing changes).
pub type FqSignFn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        message: *const u8,
        message_len: usize,
        signature: *mut u8,
        signature_cap: usize,
        signature_len: *mut usize,
    ) -> i32,
>;

/// Checks that `signature` is `key_id`'s signature of `message` under `algorithm` (both
/// NUL-terminated UTF-8): returns 0 when it is, anything else when it is not. The rules of
/// `FqSignFn` apply.
pub type FqVerifyFn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        algorithm: *const c_char,
        key_id: *const c_char,
        message: *const u8,
        message_len: usize,
        signature: *const u8,
        signature_len: usize,
    ) -> i32,
>;

/// Seals or opens `input` for `subject` (NUL-terminated UTF-8): writes at most
/// `output_cap` bytes to `output` and their number to `*output_len`; returns 0 on
/// success. Sealing gets `output_cap = input_len + 256`; opening gets `input_len`. The
/// rules of `FqSignFn` apply.
pub type FqSealFn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        subject: *const c_char,
        input: *const u8,
        input_len: usize,
        output: *mut u8,
        output_cap: usize,
        output_len: *mut usize,
    ) -> i32,
>;

/// Destroys `subject`'s key; returns 0 on success. The rules of `FqSignFn` apply.
pub type FqEraseFn = Option<unsafe extern "C" fn(ctx: *mut c_void, subject: *const c_char) -> i32>;

/// The host's context pointer, carried to its callbacks.
#[derive(Clone, Copy)]
struct Ctx(*mut c_void);
// SAFETY: the header requires callbacks and their context to be callable from any thread
// the host calls the engine from; the library never dereferences the pointer itself.
unsafe impl Send for Ctx {}
unsafe impl Sync for Ctx {}

fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "")).expect("NULs removed")
}

struct CSigner {
    algorithm: String,
    key_id: String,
    sign: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut u8, usize, *mut usize) -> i32,
    ctx: Ctx,
}

impl Signer for CSigner {
    fn algorithm(&self) -> &str {
        &self.algorithm
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let mut out = vec![0u8; 512];
        let mut len = 0usize;
        // SAFETY: valid buffers of the stated sizes; the callback's contract is in the header.
        let rc = unsafe {
            (self.sign)(
                self.ctx.0,
                message.as_ptr(),
                message.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut len,
            )
        };
        if rc != 0 || len > out.len() {
            return Err(SignatureError::Signer {
                message: format!(
                    "the host's sign callback returned {rc} (length {len}, at most 512)"
                ),
            });
        }
        out.truncate(len);
        Ok(out)
    }
}

struct CVerifier {
    verify: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *const c_char,
        *const u8,
        usize,
        *const u8,
        usize,
    ) -> i32,
    ctx: Ctx,
}

impl Verifier for CVerifier {
    fn verify(
        &self,
        algorithm: &str,
        key_id: &str,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let (a, k) = (cstring(algorithm), cstring(key_id));
        // SAFETY: NUL-terminated strings and buffers valid for the call.
        let rc = unsafe {
            (self.verify)(
                self.ctx.0,
                a.as_ptr(),
                k.as_ptr(),
                message.as_ptr(),
                message.len(),
                signature.as_ptr(),
                signature.len(),
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(SignatureError::BadSignature {
                subject: String::new(),
                seq: 0,
            })
        }
    }
}

type SealCb = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    *const u8,
    usize,
    *mut u8,
    usize,
    *mut usize,
) -> i32;

struct CProtector {
    algorithm: String,
    seal: SealCb,
    open: SealCb,
    erase: unsafe extern "C" fn(*mut c_void, *const c_char) -> i32,
    ctx: Ctx,
}

impl CProtector {
    fn run(
        &self,
        f: SealCb,
        what: &str,
        subject: &str,
        input: &[u8],
        cap: usize,
    ) -> Result<Vec<u8>, ProtectionError> {
        let s = cstring(subject);
        let mut out = vec![0u8; cap];
        let mut len = 0usize;
        // SAFETY: valid buffers of the stated sizes; the callback's contract is in the header.
        let rc = unsafe {
            f(
                self.ctx.0,
                s.as_ptr(),
                input.as_ptr(),
                input.len(),
                out.as_mut_ptr(),
                cap,
                &mut len,
            )
        };
        if rc != 0 || len > cap {
            return Err(ProtectionError::Module {
                message: format!("the host's {what} callback returned {rc} for {subject} (length {len}, at most {cap})"),
            });
        }
        out.truncate(len);
        Ok(out)
    }
}

impl Protector for CProtector {
    fn algorithm(&self) -> &str {
        &self.algorithm
    }
    fn seal(&self, subject: &str, plain: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        self.run(self.seal, "seal", subject, plain, plain.len() + 256)
    }
    fn open(&self, subject: &str, sealed: &[u8]) -> Result<Vec<u8>, ProtectionError> {
        self.run(self.open, "open", subject, sealed, sealed.len())
    }
    fn erase(&self, subject: &str) -> Result<(), ProtectionError> {
        let s = cstring(subject);
        // SAFETY: a NUL-terminated string valid for the call.
        let rc = unsafe { (self.erase)(self.ctx.0, s.as_ptr()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(ProtectionError::Module {
                message: format!("the host's erase callback returned {rc} for {subject}"),
            })
        }
    }
}

fn need<T>(f: Option<T>, name: &str) -> Res<T> {
    f.ok_or_else(|| failure(Code::NullPointer, format!("argument `{name}` is null")))
}

/// Registers the host's signer (its certified module, GM/T 0018): `algorithm` (`"SM2"`)
/// and `key_id` are written into every head it signs. Replaces an earlier signer.
///
/// # Safety
/// See the pointer rules at the top of this header and the callback rules above.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_signer(
    engine: *const FqEngine,
    algorithm: *const c_char,
    key_id: *const c_char,
    sign: FqSignFn,
    ctx: *mut c_void,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let h = handle(engine)?;
        let signer = CSigner {
            algorithm: text(algorithm, "algorithm")?.to_string(),
            key_id: text(key_id, "key_id")?.to_string(),
            sign: need(sign, "sign")?,
            ctx: Ctx(ctx),
        };
        *h.signer.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(signer));
        Ok(())
    })
}

/// DEVELOPMENT ONLY: registers the built-in SM2 signer with a secret key (64 hex digits)
/// held in process memory. Production signs in a certified module (`fq_engine_set_signer`).
/// `*public_key` (may be NULL) receives the public key, SEC1 hex, for verifiers.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_sm2_signer(
    engine: *const FqEngine,
    key_id: *const c_char,
    secret_hex: *const c_char,
    public_key: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(public_key);
        let h = handle(engine)?;
        let signer = fengqiao::signing::Sm2Signer::from_secret_hex(
            text(key_id, "key_id")?,
            text(secret_hex, "secret_hex")?,
        )
        .map_err(|e| BindingError::from(fengqiao::engine::EngineError::Signature(e)))?;
        let public = signer.public_key_hex();
        *h.signer.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(signer));
        put(public_key, public)
    })
}

/// Signs the head of `subject` — `"journal"` (the journal's digest: seals every entry up
/// to now) or a case code — with the registered signer at `now_ms` (`SignedHead` JSON).
/// `FQ_STATUS_SIGNATURE` without a signer or when it fails.
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_sign_head(
    engine: *const FqEngine,
    subject: *const c_char,
    now_ms: i64,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let signer = signer(engine)?.ok_or_else(|| {
            failure(
                Code::Signature,
                "no signer: register one with fq_engine_set_signer first",
            )
        })?;
        let subject = text(subject, "subject")?;
        put(
            out,
            read(engine, |e| {
                ops::sign_head(e, signer.as_ref(), subject, now_ms)
            })?,
        )
    })
}

/// Verifies a journal (JSON Lines from its first entry) from its world document against
/// signed heads (`SignedHead[]` JSON) with the host's `verify` callback (`SignatureReport`
/// JSON). `FQ_STATUS_SIGNATURE` names the subject and position of a rewritten, truncated or
/// wrongly signed chain.
///
/// # Safety
/// See the pointer rules at the top of this header and the callback rules above.
#[no_mangle]
pub unsafe extern "C" fn fq_verify_heads(
    world: *const c_char,
    journal: *const c_char,
    heads: *const c_char,
    verify: FqVerifyFn,
    ctx: *mut c_void,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let v = CVerifier {
            verify: need(verify, "verify")?,
            ctx: Ctx(ctx),
        };
        verify_into(world, journal, heads, &v, out)
    })
}

/// The shared body of the two `fq_verify_heads*`: decode, verify, write the report.
fn verify_into(
    world: *const c_char,
    journal: *const c_char,
    heads: *const c_char,
    v: &dyn Verifier,
    out: *mut *mut c_char,
) -> Res<()> {
    let report = ops::verify_heads(
        bytes(world, "world")?,
        bytes(journal, "journal")?,
        bytes(heads, "heads")?,
        v,
    )?;
    put(out, report)
}

/// `fq_verify_heads` with the built-in SM2 verifier: `keys` is a JSON object of public
/// keys by key id (`{"centre-2025": "04…"}`, SEC1 hex).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_verify_heads_sm2(
    world: *const c_char,
    journal: *const c_char,
    heads: *const c_char,
    keys: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let v = ops::sm2_verifier(bytes(keys, "keys")?)?;
        verify_into(world, journal, heads, &v, out)
    })
}

/// Verifies one case on its own — its trace (`events`: JSON Lines or a JSON array of
/// events) and the signed heads of that case among `heads` (`SignedHead[]` JSON) — with
/// the host's `verify` callback, without the world document or the journal: what a court
/// does with the one case it receives. `*out` receives the report (`SignatureReport` JSON).
/// A trace without a signed head of its case is refused (`FQ_STATUS_SIGNATURE`): it proves
/// only that it is unbroken; so is one rewritten, cut short or wrongly signed.
///
/// # Safety
/// See the pointer rules at the top of this header and the callback rules above.
#[no_mangle]
pub unsafe extern "C" fn fq_verify_case(
    events: *const c_char,
    heads: *const c_char,
    verify: FqVerifyFn,
    ctx: *mut c_void,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let v = CVerifier {
            verify: need(verify, "verify")?,
            ctx: Ctx(ctx),
        };
        verify_case_into(events, heads, &v, out)
    })
}

/// The shared body of the two `fq_verify_case*`: decode, verify, write the report.
fn verify_case_into(
    events: *const c_char,
    heads: *const c_char,
    v: &dyn Verifier,
    out: *mut *mut c_char,
) -> Res<()> {
    put(
        out,
        ops::verify_case(bytes(events, "events")?, bytes(heads, "heads")?, v)?,
    )
}

/// `fq_verify_case` with the built-in SM2 verifier: `keys` is a JSON object of public keys
/// by key id (`{"centre-2025": "04…"}`, SEC1 hex).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_verify_case_sm2(
    events: *const c_char,
    heads: *const c_char,
    keys: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        clear(out);
        let v = ops::sm2_verifier(bytes(keys, "keys")?)?;
        verify_case_into(events, heads, &v, out)
    })
}

/// Registers the host's protector for personal data (its certified module; see
/// `personal` in docs/security.md): from now on residents' records and cases' free text are
/// sealed before they are journaled. Residents restored from sealed records are opened
/// now; `FQ_STATUS_PROTECTION` (nothing changed) names one that does not open.
///
/// # Safety
/// See the pointer rules at the top of this header and the callback rules above.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_protector(
    engine: *const FqEngine,
    algorithm: *const c_char,
    seal: FqSealFn,
    open: FqSealFn,
    erase: FqEraseFn,
    ctx: *mut c_void,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        let p = CProtector {
            algorithm: text(algorithm, "algorithm")?.to_string(),
            seal: need(seal, "seal")?,
            open: need(open, "open")?,
            erase: need(erase, "erase")?,
            ctx: Ctx(ctx),
        };
        write(engine, |e| {
            e.set_protector(Arc::new(p))?;
            Ok(())
        })
    })
}

/// DEVELOPMENT ONLY: the built-in SM4-GCM protector, its keys in process memory (lost
/// with the process: what it sealed cannot be opened after a restart).
///
/// # Safety
/// See the pointer rules at the top of this header.
#[no_mangle]
pub unsafe extern "C" fn fq_engine_set_sm4_keyring(
    engine: *const FqEngine,
    err: *mut *mut FqError,
) -> FqStatus {
    call(err, || {
        write(engine, |e| {
            e.set_protector(Arc::new(fengqiao::personal::Sm4Keyring::new()))?;
            Ok(())
        })
    })
}
