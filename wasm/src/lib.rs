//! # fengqiao for WebAssembly
//!
//! A typed `Engine` class for web front-ends (dashboards, the grid worker's web app) and
//! Node. Values cross as plain JS objects in the shapes of the Rust serde model (the same
//! shapes as the C ABI's JSON); TypeScript declarations for every argument and result are
//! in `types.d.ts`, emitted into the generated `.d.ts`.
//!
//! - Errors are thrown as `FengqiaoError` (an `Error` subclass) with `code` (the core's
//!   error code, e.g. `"lifecycle"`) and `details` (e.g. the state and operation).
//! - Every method is a shim over `fengqiao-binding` (the layer the C ABI shares): the JS
//!   values go in as JSON (`JSON.stringify`) and come out as JSON (`JSON.parse`).
//! - A panic (a bug) is turned by a panic hook into a `FengqiaoError` with code
//!   `"internal"` instead of an opaque `RuntimeError: unreachable`. After one, free the
//!   engine: its state may be inconsistent.
//! - Memory: an `Engine` holds Rust memory; call `free()`, or let the garbage collector
//!   release it (wasm-bindgen's weak references).
//! - Time is always passed in, as milliseconds since the Unix epoch (`Date.now()`).

use fengqiao::engine::Engine as Core;
use fengqiao_binding::args::{self, Res};
use fengqiao_binding::{ops, BindingError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../types.d.ts");

#[wasm_bindgen(inline_js = "export class FengqiaoError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'FengqiaoError';
    this.code = code;
    this.details = details;
  }
}")]
extern "C" {
    type FengqiaoError;
    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str, details: JsValue) -> FengqiaoError;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "WorldData")]
    pub type JsWorld;
    #[wasm_bindgen(typescript_type = "TraceEvent[] | string")]
    pub type JsTraceInput;
    #[wasm_bindgen(typescript_type = "Snapshot")]
    pub type JsSnapshot;
    #[wasm_bindgen(typescript_type = "HeadSigner")]
    pub type JsHeadSigner;
    #[wasm_bindgen(typescript_type = "HeadVerifier")]
    pub type JsHeadVerifier;
    #[wasm_bindgen(typescript_type = "Protector")]
    pub type JsProtector;
    #[wasm_bindgen(typescript_type = "SignedHead")]
    pub type JsSignedHead;
    #[wasm_bindgen(typescript_type = "SignedHead[]")]
    pub type JsSignedHeads;
    #[wasm_bindgen(typescript_type = "SignatureReport")]
    pub type JsSealReport;
}

fn throw(e: BindingError) -> JsValue {
    let details = js_sys::JSON::parse(&e.details.to_string()).unwrap_or(JsValue::NULL);
    FengqiaoError::new(e.code.as_str(), &e.message, details).into()
}

/// A JS value as JSON text (`JSON.stringify`), named in the error when it cannot be one.
fn arg(v: &JsValue, name: &str) -> Result<String, JsValue> {
    let s = js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string());
    s.ok_or_else(|| {
        throw(BindingError::argument(
            name,
            "is not a JSON value (undefined, a function, a symbol or a BigInt)",
        ))
    })
}

/// JSON text from an operation as a JS value (`JSON.parse`).
fn ret<J: JsCast>(r: Res<String>) -> Result<J, JsValue> {
    let text = r.map_err(throw)?;
    js_sys::JSON::parse(&text)
        .map(JsCast::unchecked_into)
        .map_err(|_| {
            throw(BindingError::new(
                fengqiao_binding::Code::Internal,
                "result is not JSON",
            ))
        })
}

/// A JS number of milliseconds, checked once here as the C ABI checks its `int64_t`.
fn ms(v: f64, name: &str) -> Result<i64, JsValue> {
    args::time_f64(name, v)
        .map(|t| t.timestamp_millis())
        .map_err(throw)
}

/// A JS number that must be a count or a sequence number (a non-negative integer).
fn count(v: f64, name: &str) -> Result<u64, JsValue> {
    args::count_f64(name, v).map_err(throw)
}

/// A list given as a JS array (stringified) or as JSON Lines text (passed as it is).
fn list_or_lines(v: &JsValue, name: &str) -> Result<String, JsValue> {
    match v.as_string() {
        Some(lines) => Ok(lines),
        None => arg(v, name),
    }
}

/// Turns panics into thrown `FengqiaoError`s with code `internal`. Installed once, on load.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let e = BindingError::new(
            fengqiao_binding::Code::Internal,
            format!("internal error (a bug in fengqiao): {info}"),
        );
        wasm_bindgen::throw_val(throw(e));
    }));
}

/// The library's semantic version.
#[wasm_bindgen]
pub fn version() -> String {
    fengqiao::VERSION.to_string()
}

/// Panics inside the library, to test that a bug comes out as a clear `internal` error.
/// Only in builds with the `debug-panic` feature.
#[cfg(feature = "debug-panic")]
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("debugPanic was called");
}

/// An engine: a world (places, residents, staff, agencies, rules, calendar) and its cases.
#[wasm_bindgen]
pub struct Engine {
    inner: Core,
    /// The host's signer (`setSigner`).
    signer: Option<security::JsSigner>,
}

impl Engine {
    fn of(inner: Core) -> Engine {
        Engine {
            inner,
            signer: None,
        }
    }
}

mod operations;
mod security;

#[wasm_bindgen]
impl Engine {
    /// Builds an engine from a whole world; throws on the first problem.
    #[wasm_bindgen(constructor)]
    pub fn new(world: JsWorld) -> Result<Engine, JsValue> {
        let w = arg(&world, "world")?;
        ops::engine_new(w.as_bytes()).map(Engine::of).map_err(throw)
    }

    /// Builds an engine from a world given as UTF-8 JSON bytes (a file or a response body).
    #[wasm_bindgen(js_name = fromJsonBytes)]
    pub fn from_json_bytes(world: &[u8]) -> Result<Engine, JsValue> {
        ops::engine_new(world).map(Engine::of).map_err(throw)
    }

    /// The small synthetic world of the examples: one street, two communities (demo; not in
    /// the npm package, built without the `demo-worlds` feature).
    #[cfg(feature = "demo-worlds")]
    pub fn sample() -> Result<Engine, JsValue> {
        let (inner, _) =
            fengqiao_synth::world(&fengqiao_synth::Spec::small()).map_err(|e| throw(e.into()))?;
        Ok(Engine::of(inner))
    }

    /// The world of the Sajin Street scenario (no cases): 5 villages/communities, 65 grids,
    /// 2,470 household groups, 24,700 households (demo; not in the npm package).
    #[cfg(feature = "demo-worlds")]
    #[wasm_bindgen(js_name = sajinWorld)]
    pub fn sajin_world(seed: u32) -> Result<Engine, JsValue> {
        let (inner, _) = fengqiao_synth::world(&fengqiao_synth::sajin::spec(seed as u64))
            .map_err(|e| throw(e.into()))?;
        Ok(Engine::of(inner))
    }

    /// [`Engine::decide_input`] with JSON text in and out: for hot paths, where building
    /// JS objects across the boundary costs more than the decision itself.
    #[wasm_bindgen(js_name = decideInputJson)]
    pub fn decide_input_json(&self, input_json: &str) -> Result<String, JsValue> {
        ops::decide_input(&self.inner, input_json.as_bytes()).map_err(throw)
    }

    /// [`Engine::decide_input`] with UTF-8 JSON bytes in and out (`Uint8Array`), as the C
    /// ABI does: for servers that read a request body and write a response body, no JS
    /// string is made at all.
    #[wasm_bindgen(js_name = decideInputJsonBytes)]
    pub fn decide_input_json_bytes(&self, input_json: &[u8]) -> Result<Vec<u8>, JsValue> {
        ops::decide_input(&self.inner, input_json)
            .map(String::into_bytes)
            .map_err(throw)
    }

    /// Rebuilds an engine after a restart from the world document it was built from and
    /// its journal (JSON Lines, as `journal()` wrote them). Throws `journal` with the entry
    /// in `details` when any entry is changed, missing, duplicated, reordered or foreign.
    pub fn restore(world: JsWorld, journal: &str) -> Result<Engine, JsValue> {
        let w = arg(&world, "world")?;
        ops::restore(w.as_bytes(), journal.as_bytes())
            .map(Engine::of)
            .map_err(throw)
    }

    /// Rebuilds an engine from a snapshot and the journal entries after it (JSON Lines).
    #[wasm_bindgen(js_name = restoreSnapshot)]
    pub fn restore_snapshot(snapshot: JsSnapshot, tail: &str) -> Result<Engine, JsValue> {
        let s = arg(&snapshot, "snapshot")?;
        ops::restore_snapshot(s.as_bytes(), tail.as_bytes())
            .map(Engine::of)
            .map_err(throw)
    }
}
