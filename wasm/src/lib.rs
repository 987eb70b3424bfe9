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
    #[wasm_bindgen(typescript_type = "Unit")]
    pub type JsUnit;
    #[wasm_bindgen(typescript_type = "Unit[]")]
    pub type JsUnits;
    #[wasm_bindgen(typescript_type = "Person")]
    pub type JsPerson;
    #[wasm_bindgen(typescript_type = "Person[]")]
    pub type JsPeople;
    #[wasm_bindgen(typescript_type = "Staff")]
    pub type JsStaff;
    #[wasm_bindgen(typescript_type = "Staff[]")]
    pub type JsStaffList;
    #[wasm_bindgen(typescript_type = "Agency")]
    pub type JsAgency;
    #[wasm_bindgen(typescript_type = "RuleSet")]
    pub type JsRuleSet;
    #[wasm_bindgen(typescript_type = "Diagnostic[]")]
    pub type JsDiagnostics;
    #[wasm_bindgen(typescript_type = "Located[]")]
    pub type JsLocated;
    #[wasm_bindgen(typescript_type = "Actor")]
    pub type JsActor;
    #[wasm_bindgen(typescript_type = "DisputeInput")]
    pub type JsDisputeInput;
    #[wasm_bindgen(typescript_type = "Decision")]
    pub type JsDecision;
    #[wasm_bindgen(typescript_type = "Operation")]
    pub type JsOperation;
    #[wasm_bindgen(typescript_type = "Dispute")]
    pub type JsDispute;
    #[wasm_bindgen(typescript_type = "CaseView")]
    pub type JsCaseView;
    #[wasm_bindgen(typescript_type = "TraceEvent[]")]
    pub type JsEvents;
    #[wasm_bindgen(typescript_type = "Sweep")]
    pub type JsSweep;
    #[wasm_bindgen(typescript_type = "StatsQuery")]
    pub type JsQuery;
    #[wasm_bindgen(typescript_type = "StatsReport")]
    pub type JsReport;
    #[wasm_bindgen(typescript_type = "AssessmentQuery")]
    pub type JsAssessmentQuery;
    #[wasm_bindgen(typescript_type = "Assessment")]
    pub type JsAssessment;
    #[wasm_bindgen(typescript_type = "LocalCalendar")]
    pub type JsLocalCalendar;
    #[wasm_bindgen(typescript_type = "ZeroReport")]
    pub type JsZeroReport;
    #[wasm_bindgen(typescript_type = "MissingReport[]")]
    pub type JsMissing;
    #[wasm_bindgen(typescript_type = "WeekRow[]")]
    pub type JsWeek;
    #[wasm_bindgen(typescript_type = "Ranked[]")]
    pub type JsRanked;
    #[wasm_bindgen(typescript_type = "HistoricalDispute[] | string")]
    pub type JsHistory;
    #[wasm_bindgen(typescript_type = "Comparison")]
    pub type JsComparison;
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type JsStrings;
    #[wasm_bindgen(typescript_type = "PersonView[]")]
    pub type JsPersonViews;
    #[wasm_bindgen(typescript_type = "Privacy")]
    pub type JsPrivacy;
    #[wasm_bindgen(typescript_type = "Denial[]")]
    pub type JsDenials;
    #[wasm_bindgen(typescript_type = "DeadlineStatus[]")]
    pub type JsStatuses;
    #[wasm_bindgen(typescript_type = "TraceEvent[] | string")]
    pub type JsTraceInput;
    #[wasm_bindgen(typescript_type = "Snapshot")]
    pub type JsSnapshot;
    #[wasm_bindgen(typescript_type = "JournalHead")]
    pub type JsJournalHead;
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
    #[wasm_bindgen(typescript_type = "AuditEntry[]")]
    pub type JsAuditRecord;
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
fn ms(v: f64) -> Result<i64, JsValue> {
    args::time_f64("now_ms", v)
        .map(|t| t.timestamp_millis())
        .map_err(throw)
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

/// Verifies a trace (an array of events, or JSON Lines text) and replays it, returning the
/// rebuilt case. A tampered trace throws code `trace` with the position.
#[wasm_bindgen(js_name = traceVerify)]
pub fn trace_verify(events: JsTraceInput) -> Result<JsDispute, JsValue> {
    let events: JsValue = events.into();
    let text = match events.as_string() {
        Some(jsonl) => jsonl,
        None => arg(&events, "events")?,
    };
    ret(ops::trace_verify(text.as_bytes()))
}

/// The shipped default rule set.
#[wasm_bindgen(js_name = defaultRules)]
pub fn default_rules() -> Result<JsRuleSet, JsValue> {
    ret(ops::default_rules())
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

    /// The world as `actor` may export it: residents of its area, identifiers as the
    /// world's privacy settings allow.
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub fn world(&self, actor: JsActor, now_ms: f64) -> Result<JsWorld, JsValue> {
        ret(ops::world(
            &self.inner,
            arg(&actor, "actor")?.as_bytes(),
            ms(now_ms)?,
        ))
    }

    /// TRUSTED: the whole world with every identifier, for the host's own persistence.
    #[wasm_bindgen(js_name = worldExport)]
    pub fn world_export(&self) -> Result<JsWorld, JsValue> {
        ret(ops::world_export(&self.inner))
    }

    /// A unit by code.
    pub fn unit(&self, unit_code: &str) -> Result<JsUnit, JsValue> {
        ret(ops::unit(&self.inner, unit_code))
    }

    /// The root units (counties or above).
    pub fn roots(&self) -> Result<JsUnits, JsValue> {
        ret(ops::roots(&self.inner))
    }

    /// A unit's children, in code order.
    pub fn children(&self, unit_code: &str) -> Result<JsUnits, JsValue> {
        ret(ops::children(&self.inner, unit_code))
    }

    /// Staff serving a unit (based there or covering it).
    #[wasm_bindgen(js_name = staffAt)]
    pub fn staff_at(&self, unit_code: &str) -> Result<JsStaffList, JsValue> {
        ret(ops::staff_at(&self.inner, unit_code))
    }

    /// The residents of a household in `actor`'s area, identifiers masked as the world's
    /// privacy settings require.
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub fn residents(
        &self,
        actor: JsActor,
        household: &str,
        now_ms: f64,
    ) -> Result<JsPersonViews, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::residents(
            &self.inner,
            a.as_bytes(),
            household,
            ms(now_ms)?,
        ))
    }

    /// Sets (or, with no days, removes) a unit's local calendar (特色日历).
    #[wasm_bindgen(js_name = setLocalCalendar)]
    pub fn set_local_calendar(&mut self, calendar: JsLocalCalendar) -> Result<(), JsValue> {
        ops::set_local_calendar(&mut self.inner, arg(&calendar, "calendar")?.as_bytes())
            .map_err(throw)
    }

    /// The assessment (考核) over the cases `actor` may see, judged at `now_ms`.
    pub fn assessment(
        &self,
        actor: JsActor,
        query: JsAssessmentQuery,
        now_ms: f64,
    ) -> Result<JsAssessment, JsValue> {
        let (a, q) = (arg(&actor, "actor")?, arg(&query, "query")?);
        ret(ops::assessment(
            &self.inner,
            a.as_bytes(),
            q.as_bytes(),
            ms(now_ms)?,
        ))
    }

    /// Adds a unit.
    #[wasm_bindgen(js_name = addUnit)]
    pub fn add_unit(&mut self, unit: JsUnit) -> Result<(), JsValue> {
        ops::add_unit(&mut self.inner, arg(&unit, "unit")?.as_bytes()).map_err(throw)
    }

    /// Moves a unit and its subtree under `newParent`, coded `newCode` (区划调整).
    #[wasm_bindgen(js_name = moveUnit)]
    pub fn move_unit(
        &mut self,
        unit_code: &str,
        new_parent: &str,
        new_code: &str,
    ) -> Result<(), JsValue> {
        ops::move_unit(&mut self.inner, unit_code, new_parent, new_code).map_err(throw)
    }

    /// Retires a unit; refused while staff serve it or open cases are in it.
    #[wasm_bindgen(js_name = retireUnit)]
    pub fn retire_unit(&mut self, unit_code: &str) -> Result<(), JsValue> {
        ops::retire_unit(&mut self.inner, unit_code).map_err(throw)
    }

    /// Adds a resident.
    #[wasm_bindgen(js_name = addPerson)]
    pub fn add_person(&mut self, person: JsPerson) -> Result<(), JsValue> {
        ops::add_person(&mut self.inner, arg(&person, "person")?.as_bytes()).map_err(throw)
    }

    /// Replaces a resident's record (same id): a new phone, a move to another household.
    #[wasm_bindgen(js_name = updatePerson)]
    pub fn update_person(&mut self, person: JsPerson) -> Result<(), JsValue> {
        ops::update_person(&mut self.inner, arg(&person, "person")?.as_bytes()).map_err(throw)
    }

    /// Adds a resident at `now_ms`: a birth date after that day is refused
    /// (`invalid_input`, problem `born_in_future`).
    #[wasm_bindgen(js_name = addPersonAt)]
    pub fn add_person_at(&mut self, person: JsPerson, now_ms: f64) -> Result<(), JsValue> {
        ops::add_person_at(
            &mut self.inner,
            arg(&person, "person")?.as_bytes(),
            ms(now_ms)?,
        )
        .map_err(throw)
    }

    /// Replaces a resident's record at `now_ms`: a birth date after that day is refused.
    #[wasm_bindgen(js_name = updatePersonAt)]
    pub fn update_person_at(&mut self, person: JsPerson, now_ms: f64) -> Result<(), JsValue> {
        ops::update_person_at(
            &mut self.inner,
            arg(&person, "person")?.as_bytes(),
            ms(now_ms)?,
        )
        .map_err(throw)
    }

    /// Replaces a staff member's record (same id; the open-case load is kept).
    #[wasm_bindgen(js_name = updateStaff)]
    pub fn update_staff(&mut self, staff: JsStaff) -> Result<(), JsValue> {
        ops::update_staff(&mut self.inner, arg(&staff, "staff")?.as_bytes()).map_err(throw)
    }

    /// Adds a staff member.
    #[wasm_bindgen(js_name = addStaff)]
    pub fn add_staff(&mut self, staff: JsStaff) -> Result<(), JsValue> {
        ops::add_staff(&mut self.inner, arg(&staff, "staff")?.as_bytes()).map_err(throw)
    }

    /// Adds an agency.
    #[wasm_bindgen(js_name = addAgency)]
    pub fn add_agency(&mut self, agency: JsAgency) -> Result<(), JsValue> {
        ops::add_agency(&mut self.inner, arg(&agency, "agency")?.as_bytes()).map_err(throw)
    }

    /// Marks a staff member available or not.
    #[wasm_bindgen(js_name = setAvailable)]
    pub fn set_available(&mut self, staff_id: &str, available: bool) -> Result<(), JsValue> {
        ops::set_available(&mut self.inner, staff_id, available).map_err(throw)
    }

    /// Replaces who sees identity numbers and phones whole.
    #[wasm_bindgen(js_name = setPrivacy)]
    pub fn set_privacy(&mut self, privacy: JsPrivacy) -> Result<(), JsValue> {
        ops::set_privacy(&mut self.inner, arg(&privacy, "privacy")?.as_bytes()).map_err(throw)
    }

    /// TRUSTED: every refused request, oldest first, for the host's audit.
    pub fn denials(&self) -> Result<JsDenials, JsValue> {
        ret(ops::denials(&self.inner))
    }

    /// The rule set in force.
    pub fn rules(&self) -> Result<JsRuleSet, JsValue> {
        ret(ops::rules(&self.inner))
    }

    /// Every diagnostic of a rule set against this world, without loading it.
    #[wasm_bindgen(js_name = validateRules)]
    pub fn validate_rules(&self, rules: JsRuleSet) -> Result<JsDiagnostics, JsValue> {
        ret(ops::validate_rules(
            &self.inner,
            arg(&rules, "rules")?.as_bytes(),
        ))
    }

    /// Every diagnostic of a rule set given as text (as an editor holds it), each with the
    /// line and column of the value it names: for live validation as the analyst types.
    #[wasm_bindgen(js_name = validateRulesText)]
    pub fn validate_rules_text(&self, rules: &str) -> Result<JsLocated, JsValue> {
        ret(ops::validate_rules_text(&self.inner, rules.as_bytes()))
    }

    /// Validates and loads a rule set on behalf of `actor` at `now_ms` (the journal records
    /// who loaded which version, and when); throws `rule_set` with every diagnostic on
    /// errors. Returns the warnings.
    #[wasm_bindgen(js_name = loadRules)]
    pub fn load_rules(
        &mut self,
        actor: JsActor,
        rules: JsRuleSet,
        now_ms: f64,
    ) -> Result<JsDiagnostics, JsValue> {
        let (a, r) = (arg(&actor, "actor")?, arg(&rules, "rules")?);
        ret(ops::load_rules(
            &mut self.inner,
            a.as_bytes(),
            r.as_bytes(),
            ms(now_ms)?,
        ))
    }

    /// Registers a dispute (录入); returns its case code. The library trusts the actor it is
    /// given: the host authenticates people.
    pub fn register(
        &mut self,
        actor: JsActor,
        input: JsDisputeInput,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let (a, i) = (arg(&actor, "actor")?, arg(&input, "input")?);
        ops::register(&mut self.inner, a.as_bytes(), i.as_bytes(), ms(now_ms)?).map_err(throw)
    }

    /// What routing would decide for a case `actor` may see, without applying it.
    pub fn decide(
        &self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<JsDecision, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::decide(
            &self.inner,
            a.as_bytes(),
            case_code,
            ms(now_ms)?,
        ))
    }

    /// What routing would decide for an unregistered dispute.
    #[wasm_bindgen(js_name = decideInput)]
    pub fn decide_input(&self, input: JsDisputeInput) -> Result<JsDecision, JsValue> {
        ret(ops::decide_input(
            &self.inner,
            arg(&input, "input")?.as_bytes(),
        ))
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

    /// Routes a case (流转), traced; returns the decision with its explanation.
    pub fn route(
        &mut self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<JsDecision, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::route(
            &mut self.inner,
            a.as_bytes(),
            case_code,
            ms(now_ms)?,
        ))
    }

    /// Applies a lifecycle operation; returns the case's new state. Throws `lifecycle`
    /// (details: refusal, operation, state, message) and changes nothing when refused.
    pub fn apply(
        &mut self,
        actor: JsActor,
        case_code: &str,
        operation: JsOperation,
        now_ms: f64,
    ) -> Result<JsDispute, JsValue> {
        let (a, o) = (arg(&actor, "actor")?, arg(&operation, "operation")?);
        ret(ops::apply(
            &mut self.inner,
            a.as_bytes(),
            case_code,
            o.as_bytes(),
            ms(now_ms)?,
        ))
    }

    /// A case as `actor` may see it (identifiers masked as configured).
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    #[wasm_bindgen(js_name = viewCase)]
    pub fn view_case(
        &self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<JsCaseView, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::view_case(
            &self.inner,
            a.as_bytes(),
            case_code,
            ms(now_ms)?,
        ))
    }

    /// Codes of the cases `actor` may see.
    #[wasm_bindgen(js_name = caseCodes)]
    pub fn case_codes(&self, actor: JsActor, now_ms: f64) -> Result<JsStrings, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::case_codes(&self.inner, a.as_bytes(), ms(now_ms)?))
    }

    /// A case's trace as `actor` may read it, as events.
    pub fn trace(&self, actor: JsActor, case_code: &str, now_ms: f64) -> Result<JsEvents, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::trace(
            &self.inner,
            a.as_bytes(),
            case_code,
            ms(now_ms)?,
        ))
    }

    /// A case's trace as JSON Lines.
    #[wasm_bindgen(js_name = traceJsonl)]
    pub fn trace_jsonl(
        &self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let a = arg(&actor, "actor")?;
        ops::trace_jsonl(&self.inner, a.as_bytes(), case_code, ms(now_ms)?).map_err(throw)
    }

    /// Verifies a case's trace and its replay; throws `trace` if it does not verify.
    pub fn verify(&self, case_code: &str) -> Result<(), JsValue> {
        ops::verify(&self.inner, case_code).map_err(throw)
    }

    /// Every case's standing against its limits and the legal windows (a read).
    pub fn deadlines(&self, now_ms: f64) -> Result<JsStatuses, JsValue> {
        ret(ops::deadlines(&self.inner, ms(now_ms)?))
    }

    /// The deadline sweep: standings, and overdue cases reported up (traced).
    pub fn sweep(&mut self, now_ms: f64) -> Result<JsSweep, JsValue> {
        ret(ops::sweep(&mut self.inner, ms(now_ms)?))
    }

    /// Statistics over the cases `actor` may see.
    pub fn statistics(
        &self,
        actor: JsActor,
        query: JsQuery,
        now_ms: f64,
    ) -> Result<JsReport, JsValue> {
        let (a, q) = (arg(&actor, "actor")?, arg(&query, "query")?);
        ret(ops::statistics(
            &self.inner,
            a.as_bytes(),
            q.as_bytes(),
            ms(now_ms)?,
        ))
    }

    /// Files a daily zero report (有事报情况、无事报平安).
    #[wasm_bindgen(js_name = fileReport)]
    pub fn file_report(&mut self, actor: JsActor, report: JsZeroReport) -> Result<(), JsValue> {
        let (a, r) = (arg(&actor, "actor")?, arg(&report, "report")?);
        ops::file_report(&mut self.inner, a.as_bytes(), r.as_bytes()).map_err(throw)
    }

    /// Who in a subtree in `actor`'s area did not report on a day (`YYYY-MM-DD`), with
    /// streaks.
    #[wasm_bindgen(js_name = missingReports)]
    pub fn missing_reports(
        &self,
        actor: JsActor,
        unit_code: &str,
        date: &str,
        now_ms: f64,
    ) -> Result<JsMissing, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::missing_reports(
            &self.inner,
            a.as_bytes(),
            unit_code,
            date,
            ms(now_ms)?,
        ))
    }

    /// The daily analysis (日研判) of a subtree.
    #[wasm_bindgen(js_name = dailyAnalysis)]
    pub fn daily_analysis(
        &self,
        actor: JsActor,
        unit_code: &str,
        now_ms: f64,
    ) -> Result<JsRanked, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::daily_analysis(
            &self.inner,
            a.as_bytes(),
            unit_code,
            ms(now_ms)?,
        ))
    }

    /// The weekly dispatch (周调度) of the ISO week containing `date`, per unit at `level`.
    #[wasm_bindgen(js_name = weeklyDispatch)]
    pub fn weekly_dispatch(
        &self,
        actor: JsActor,
        unit_code: &str,
        level: &str,
        date: &str,
        now_ms: f64,
    ) -> Result<JsWeek, JsValue> {
        let a = arg(&actor, "actor")?;
        ret(ops::weekly_dispatch(
            &self.inner,
            a.as_bytes(),
            unit_code,
            level,
            date,
            ms(now_ms)?,
        ))
    }

    /// What-if: a history (an array, or JSON Lines text) under rule sets A and B, compared.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(
        &self,
        history: JsHistory,
        rules_a: JsRuleSet,
        rules_b: JsRuleSet,
    ) -> Result<JsComparison, JsValue> {
        let history: JsValue = history.into();
        let h = match history.as_string() {
            Some(jsonl) => jsonl,
            None => arg(&history, "history")?,
        };
        let (a, b) = (arg(&rules_a, "rules_a")?, arg(&rules_b, "rules_b")?);
        ret(ops::what_if(
            &self.inner,
            h.as_bytes(),
            a.as_bytes(),
            b.as_bytes(),
        ))
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

    /// The journal entries after `afterSeq`, at most `maxEntries`, as JSON Lines: store
    /// them with your own data.
    pub fn journal(&self, after_seq: f64, max_entries: f64) -> Result<String, JsValue> {
        let after = args::count_f64("afterSeq", after_seq).map_err(throw)?;
        let max = args::count_f64("maxEntries", max_entries).map_err(throw)?;
        ops::journal(&self.inner, after, max).map_err(throw)
    }

    /// The journal's position: sequence number, digest and origin.
    #[wasm_bindgen(js_name = journalHead)]
    pub fn journal_head(&self) -> Result<JsJournalHead, JsValue> {
        ret(ops::journal_head(&self.inner))
    }

    /// A case's head: the hash of its last event.
    #[wasm_bindgen(js_name = caseHead)]
    pub fn case_head(&self, case_code: &str) -> Result<String, JsValue> {
        ops::case_head(&self.inner, case_code).map_err(throw)
    }

    /// A snapshot of the whole engine at its journal position.
    pub fn snapshot(&self) -> Result<JsSnapshot, JsValue> {
        ret(ops::snapshot(&self.inner))
    }

    /// `apply`, only if the case's last event has sequence number `expectedSeq`; otherwise
    /// throws `conflict` and changes nothing.
    #[wasm_bindgen(js_name = applyExpecting)]
    pub fn apply_expecting(
        &mut self,
        actor: JsActor,
        case_code: &str,
        operation: JsOperation,
        expected_seq: f64,
        now_ms: f64,
    ) -> Result<JsDispute, JsValue> {
        let (a, o) = (arg(&actor, "actor")?, arg(&operation, "operation")?);
        let expected = args::count_f64("expectedSeq", expected_seq).map_err(throw)?;
        ret(ops::apply_expecting(
            &mut self.inner,
            a.as_bytes(),
            case_code,
            o.as_bytes(),
            expected,
            ms(now_ms)?,
        ))
    }

    /// Lets the engine forget the journal entries up to and including `seq`, once stored.
    #[wasm_bindgen(js_name = releaseJournal)]
    pub fn release_journal(&mut self, seq: f64) -> Result<(), JsValue> {
        let seq = args::count_f64("seq", seq).map_err(throw)?;
        ops::release_journal(&mut self.inner, seq).map_err(throw)
    }
}
