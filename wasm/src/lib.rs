//! # fengqiao for WebAssembly
//!
//! A typed `Engine` class for web front-ends (dashboards, the grid worker's web app) and
//! Node. Values cross as plain JS objects in the shapes of the Rust serde model (the same
//! shapes as the C ABI's JSON); TypeScript declarations for every argument and result are
//! in `types.d.ts`, emitted into the generated `.d.ts`.
//!
//! - Errors are thrown as `FengqiaoError` (an `Error` subclass) with `code` (the core's
//!   error code, e.g. `"lifecycle"`) and `details` (e.g. the state and operation).
//! - A panic (a bug) is turned by a panic hook into a `FengqiaoError` with code
//!   `"internal"` instead of an opaque `RuntimeError: unreachable`. After one, free the
//!   engine: its state may be inconsistent.
//! - Memory: an `Engine` holds Rust memory; call `free()`, or let the garbage collector
//!   release it (wasm-bindgen's weak references).
//! - Time is always passed in, as milliseconds since the Unix epoch (`Date.now()`).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fengqiao::dispute::CaseCode;
use fengqiao::engine::{Engine as Core, EngineError, WorldData};
use fengqiao::hierarchy::DivisionCode;
use fengqiao::trace::Actor;
use serde::de::DeserializeOwned;
use serde::Serialize;
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
    #[wasm_bindgen(typescript_type = "ZeroReport")]
    pub type JsZeroReport;
    #[wasm_bindgen(typescript_type = "MissingReport[]")]
    pub type JsMissing;
    #[wasm_bindgen(typescript_type = "WeekRow[]")]
    pub type JsWeek;
    #[wasm_bindgen(typescript_type = "Ranked[]")]
    pub type JsRanked;
    #[wasm_bindgen(typescript_type = "HistoricalDispute[]")]
    pub type JsHistory;
    #[wasm_bindgen(typescript_type = "Comparison")]
    pub type JsComparison;
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type JsStrings;
}

fn throw(code: &str, message: String, details: JsValue) -> JsValue {
    FengqiaoError::new(code, &message, details).into()
}

fn engine_error(e: EngineError) -> JsValue {
    let details = to_js(&e.details()).unwrap_or(JsValue::NULL);
    throw(e.code().as_str(), e.to_string(), details)
}

fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v)
        .map_err(|e| throw("invalid_input", format!("{what}: {e}"), JsValue::NULL))
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            throw(
                "internal",
                format!("serialising a result: {e}"),
                JsValue::NULL,
            )
        })
}

fn out<T: Serialize + ?Sized, J: JsCast>(v: &T) -> Result<J, JsValue> {
    to_js(v).map(JsCast::unchecked_into)
}

fn time(ms: f64) -> Result<DateTime<Utc>, JsValue> {
    if !ms.is_finite() {
        return Err(throw(
            "invalid_input",
            format!("time {ms} is not a number of milliseconds"),
            JsValue::NULL,
        ));
    }
    Utc.timestamp_millis_opt(ms as i64).single().ok_or_else(|| {
        throw(
            "invalid_input",
            format!("time {ms} ms is out of range"),
            JsValue::NULL,
        )
    })
}

fn code(s: &str) -> Result<DivisionCode, JsValue> {
    s.parse().map_err(|e: fengqiao::hierarchy::CodeError| {
        throw("hierarchy", e.to_string(), JsValue::NULL)
    })
}

fn date(s: &str) -> Result<NaiveDate, JsValue> {
    s.parse().map_err(|e| {
        throw(
            "invalid_input",
            format!("date `{s}` must be YYYY-MM-DD: {e}"),
            JsValue::NULL,
        )
    })
}

/// Turns panics into thrown `FengqiaoError`s with code `internal`. Installed once, on load.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error (a bug in fengqiao): {info}");
        wasm_bindgen::throw_val(throw("internal", msg, JsValue::NULL));
    }));
}

/// The library's semantic version.
#[wasm_bindgen]
pub fn version() -> String {
    fengqiao::VERSION.to_string()
}

/// Panics inside the library, to test that a bug comes out as a clear `internal` error.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() {
    panic!("debugPanic was called");
}

/// Verifies a trace (an array of events, e.g. from another system) and replays it,
/// returning the rebuilt case. A tampered trace throws code `trace` with the position.
#[wasm_bindgen(js_name = verifyTrace)]
pub fn verify_trace(events: JsEvents) -> Result<JsDispute, JsValue> {
    let events: Vec<fengqiao::trace::Event> = from_js(events.into(), "events")?;
    fengqiao::trace::verify(&events).map_err(|e| engine_error(e.into()))?;
    let d = fengqiao::trace::replay(&events).map_err(|e| engine_error(e.into()))?;
    out(&d)
}

/// The shipped default rule set.
#[wasm_bindgen(js_name = defaultRules)]
pub fn default_rules() -> Result<JsRuleSet, JsValue> {
    let set = fengqiao::routing::RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON)
        .map_err(|d| engine_error(EngineError::Rules(d)))?;
    out(&set)
}

/// An engine: a world (places, residents, staff, agencies, rules, calendar) and its cases.
#[wasm_bindgen]
pub struct Engine {
    inner: Core,
}

#[wasm_bindgen]
impl Engine {
    /// Builds an engine from a whole world; throws on the first problem.
    #[wasm_bindgen(constructor)]
    pub fn new(world: JsWorld) -> Result<Engine, JsValue> {
        let data: WorldData = from_js(world.into(), "world")?;
        Core::from_world(data)
            .map(|inner| Engine { inner })
            .map_err(engine_error)
    }

    /// The small synthetic world of the examples: one street, two communities.
    pub fn sample() -> Result<Engine, JsValue> {
        let (inner, _) =
            fengqiao_synth::world(&fengqiao_synth::Spec::small()).map_err(engine_error)?;
        Ok(Engine { inner })
    }

    /// The world of the Sajin Street scenario (no cases): 5 villages/communities, 65 grids,
    /// 2,470 household groups, 24,700 households.
    #[wasm_bindgen(js_name = sajinWorld)]
    pub fn sajin_world(seed: u32) -> Result<Engine, JsValue> {
        let (inner, _) = fengqiao_synth::world(&fengqiao_synth::sajin::spec(seed as u64))
            .map_err(engine_error)?;
        Ok(Engine { inner })
    }

    /// The world without its cases.
    pub fn world(&self) -> Result<JsWorld, JsValue> {
        out(&self.inner.to_world())
    }

    /// A unit by code.
    pub fn unit(&self, code_text: &str) -> Result<JsUnit, JsValue> {
        let u = self
            .inner
            .hierarchy()
            .unit(code(code_text)?)
            .map_err(|e| engine_error(e.into()))?;
        out(u)
    }

    /// The root units (counties or above).
    pub fn roots(&self) -> Result<JsUnits, JsValue> {
        let h = self.inner.hierarchy();
        let units: Vec<_> = h
            .roots()
            .into_iter()
            .filter_map(|c| h.unit(c).ok())
            .collect();
        out(&units)
    }

    /// A unit's children, in code order.
    pub fn children(&self, code_text: &str) -> Result<JsUnits, JsValue> {
        let h = self.inner.hierarchy();
        let kids = h
            .children(code(code_text)?)
            .map_err(|e| engine_error(e.into()))?;
        let units: Vec<_> = kids.into_iter().filter_map(|c| h.unit(c).ok()).collect();
        out(&units)
    }

    /// Staff serving a unit (directly or by covering it).
    #[wasm_bindgen(js_name = staffAt)]
    pub fn staff_at(&self, code_text: &str) -> Result<JsStaffList, JsValue> {
        let c = code(code_text)?;
        let list: Vec<_> = self
            .inner
            .all_staff()
            .iter()
            .filter(|s| s.unit == c || s.covers.contains(&c))
            .collect();
        out(&list)
    }

    /// The residents of a household, without identity numbers and phones (a browser shows
    /// them to many people).
    pub fn residents(&self, household: &str) -> Result<JsPeople, JsValue> {
        let people: Vec<fengqiao::people::Person> = self
            .inner
            .residents(code(household)?)
            .into_iter()
            .map(|p| {
                let mut p = p.clone();
                p.id_number = None;
                p.phone = None;
                p
            })
            .collect();
        out(&people)
    }

    /// Adds a unit.
    #[wasm_bindgen(js_name = addUnit)]
    pub fn add_unit(&mut self, unit: JsUnit) -> Result<(), JsValue> {
        let u = from_js(unit.into(), "unit")?;
        self.inner.add_unit(u).map_err(engine_error)
    }

    /// Adds a resident.
    #[wasm_bindgen(js_name = addPerson)]
    pub fn add_person(&mut self, person: JsPerson) -> Result<(), JsValue> {
        let p = from_js(person.into(), "person")?;
        self.inner.add_person(p).map_err(engine_error)
    }

    /// Adds a staff member.
    #[wasm_bindgen(js_name = addStaff)]
    pub fn add_staff(&mut self, staff: JsStaff) -> Result<(), JsValue> {
        let s = from_js(staff.into(), "staff")?;
        self.inner.add_staff(s).map_err(engine_error)
    }

    /// Adds an agency.
    #[wasm_bindgen(js_name = addAgency)]
    pub fn add_agency(&mut self, agency: JsAgency) -> Result<(), JsValue> {
        let a = from_js(agency.into(), "agency")?;
        self.inner.add_agency(a).map_err(engine_error)
    }

    /// Marks a staff member available or not.
    #[wasm_bindgen(js_name = setAvailable)]
    pub fn set_available(&mut self, staff_id: &str, available: bool) -> Result<(), JsValue> {
        self.inner
            .set_available(staff_id, available)
            .map_err(engine_error)
    }

    /// The rule set in force.
    pub fn rules(&self) -> Result<JsRuleSet, JsValue> {
        out(self.inner.router().rule_set())
    }

    /// Every diagnostic of a rule set against this world, without loading it.
    #[wasm_bindgen(js_name = validateRules)]
    pub fn validate_rules(&self, rules: JsRuleSet) -> Result<JsDiagnostics, JsValue> {
        let set = parse_rules(rules)?;
        out(&self.inner.validate_rules(&set).items)
    }

    /// Validates and loads a rule set (throws `rule_set` with every diagnostic on errors);
    /// returns the warnings.
    #[wasm_bindgen(js_name = loadRules)]
    pub fn load_rules(&mut self, rules: JsRuleSet) -> Result<JsDiagnostics, JsValue> {
        let set = parse_rules(rules)?;
        out(&self.inner.load_rules(set).map_err(engine_error)?)
    }

    /// Registers a dispute (录入); returns its case code.
    pub fn register(
        &mut self,
        actor: JsActor,
        input: JsDisputeInput,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let input = from_js(input.into(), "input")?;
        let c = self
            .inner
            .register(&actor, input, time(now_ms)?)
            .map_err(engine_error)?;
        Ok(c.0)
    }

    /// What routing would decide for a registered case, without applying it.
    pub fn decide(&self, case_code: &str) -> Result<JsDecision, JsValue> {
        out(&self
            .inner
            .decide(&CaseCode(case_code.into()))
            .map_err(engine_error)?)
    }

    /// What routing would decide for an unregistered dispute.
    #[wasm_bindgen(js_name = decideInput)]
    pub fn decide_input(&self, input: JsDisputeInput) -> Result<JsDecision, JsValue> {
        let input = from_js(input.into(), "input")?;
        out(&self.inner.decide_input(&input).map_err(engine_error)?)
    }

    /// [`Engine::decide_input`] with JSON text in and out: for hot paths, where building
    /// JS objects across the boundary costs more than the decision itself.
    #[wasm_bindgen(js_name = decideInputJson)]
    pub fn decide_input_json(&self, input_json: &str) -> Result<String, JsValue> {
        let bytes = self.decide_input_json_bytes(input_json.as_bytes())?;
        String::from_utf8(bytes).map_err(|e| throw("internal", e.to_string(), JsValue::NULL))
    }

    /// [`Engine::decide_input`] with UTF-8 JSON bytes in and out (`Uint8Array`), as the C
    /// ABI does: for servers that read a request body and write a response body, no JS
    /// string is made at all (under Node, decoding a 3 KB decision into a string costs a
    /// quarter of the call).
    #[wasm_bindgen(js_name = decideInputJsonBytes)]
    pub fn decide_input_json_bytes(&self, input_json: &[u8]) -> Result<Vec<u8>, JsValue> {
        let input = serde_json::from_slice(input_json)
            .map_err(|e| throw("invalid_input", format!("input: {e}"), JsValue::NULL))?;
        let d = self.inner.decide_input(&input).map_err(engine_error)?;
        serde_json::to_vec(&d).map_err(|e| throw("internal", e.to_string(), JsValue::NULL))
    }

    /// Routes a case (流转), traced; returns the decision with its explanation.
    pub fn route(
        &mut self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<JsDecision, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let d = self
            .inner
            .route(&actor, &CaseCode(case_code.into()), time(now_ms)?)
            .map_err(engine_error)?;
        out(&d)
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
        let actor: Actor = from_js(actor.into(), "actor")?;
        let op = from_js(operation.into(), "operation")?;
        let d = self
            .inner
            .apply(&actor, &CaseCode(case_code.into()), op, time(now_ms)?)
            .map_err(engine_error)?;
        out(d)
    }

    /// A case as `actor` may see it (identifiers masked as configured).
    #[wasm_bindgen(js_name = viewCase)]
    pub fn view_case(
        &self,
        actor: JsActor,
        case_code: &str,
        now_ms: f64,
    ) -> Result<JsCaseView, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let v = self
            .inner
            .view_case(&actor, &CaseCode(case_code.into()), time(now_ms)?)
            .map_err(engine_error)?;
        out(&v)
    }

    /// Codes of the cases `actor` may see.
    #[wasm_bindgen(js_name = caseCodes)]
    pub fn case_codes(&self, actor: JsActor) -> Result<JsStrings, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let codes: Vec<&str> = self
            .inner
            .visible_cases(&actor)
            .map(|c| c.dispute.code.0.as_str())
            .collect();
        out(&codes)
    }

    /// A case's trace, as events.
    pub fn trace(&self, case_code: &str) -> Result<JsEvents, JsValue> {
        let c = self
            .inner
            .case(&CaseCode(case_code.into()))
            .map_err(engine_error)?;
        out(&c.events)
    }

    /// A case's trace as JSON Lines.
    #[wasm_bindgen(js_name = traceJsonl)]
    pub fn trace_jsonl(&self, case_code: &str) -> Result<String, JsValue> {
        let c = self
            .inner
            .case(&CaseCode(case_code.into()))
            .map_err(engine_error)?;
        Ok(fengqiao::trace::to_jsonl(&c.events))
    }

    /// Verifies a case's trace and its replay; throws `trace` if it does not verify.
    pub fn verify(&self, case_code: &str) -> Result<(), JsValue> {
        self.inner
            .verify(&CaseCode(case_code.into()))
            .map_err(engine_error)
    }

    /// The deadline sweep; with `escalate`, overdue cases are reported up (traced).
    pub fn sweep(&mut self, now_ms: f64, escalate: bool) -> Result<JsSweep, JsValue> {
        out(&self
            .inner
            .sweep(time(now_ms)?, escalate)
            .map_err(engine_error)?)
    }

    /// Statistics over the cases `actor` may see.
    pub fn statistics(
        &self,
        actor: JsActor,
        query: JsQuery,
        now_ms: f64,
    ) -> Result<JsReport, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let q = from_js(query.into(), "query")?;
        out(&self
            .inner
            .statistics(&actor, &q, time(now_ms)?)
            .map_err(engine_error)?)
    }

    /// Files a daily zero report (有事报情况、无事报平安).
    #[wasm_bindgen(js_name = fileReport)]
    pub fn file_report(&mut self, actor: JsActor, report: JsZeroReport) -> Result<(), JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let r = from_js(report.into(), "report")?;
        self.inner.file_report(&actor, r).map_err(engine_error)
    }

    /// Who in a subtree did not report on a day (`YYYY-MM-DD`), with streaks.
    #[wasm_bindgen(js_name = missingReports)]
    pub fn missing_reports(&self, unit_code: &str, day: &str) -> Result<JsMissing, JsValue> {
        out(&self
            .inner
            .missing_reports(code(unit_code)?, date(day)?)
            .map_err(engine_error)?)
    }

    /// The daily analysis (日研判) of a subtree.
    #[wasm_bindgen(js_name = dailyAnalysis)]
    pub fn daily_analysis(
        &self,
        actor: JsActor,
        unit_code: &str,
        now_ms: f64,
    ) -> Result<JsRanked, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        out(&self
            .inner
            .daily_analysis(&actor, code(unit_code)?, time(now_ms)?)
            .map_err(engine_error)?)
    }

    /// The weekly dispatch (周调度) of the ISO week containing `day`, per unit at `level`.
    #[wasm_bindgen(js_name = weeklyDispatch)]
    pub fn weekly_dispatch(
        &self,
        actor: JsActor,
        unit_code: &str,
        level: &str,
        day: &str,
    ) -> Result<JsWeek, JsValue> {
        let actor: Actor = from_js(actor.into(), "actor")?;
        let level: fengqiao::hierarchy::Level =
            level.parse().map_err(|e: fengqiao::UnknownWord| {
                throw("invalid_input", e.to_string(), JsValue::NULL)
            })?;
        out(&self
            .inner
            .weekly_dispatch(&actor, code(unit_code)?, level, date(day)?)
            .map_err(engine_error)?)
    }

    /// What-if: a history under rule sets A and B, compared.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(
        &self,
        history: JsHistory,
        a: JsRuleSet,
        b: JsRuleSet,
    ) -> Result<JsComparison, JsValue> {
        let history: Vec<fengqiao::whatif::HistoricalDispute> = from_js(history.into(), "history")?;
        let (a, b) = (parse_rules(a)?, parse_rules(b)?);
        out(&self.inner.what_if(&history, a, b).map_err(engine_error)?)
    }
}

/// Rule sets go through the core's parser, so a bad one gets located diagnostics.
fn parse_rules(rules: JsRuleSet) -> Result<fengqiao::routing::RuleSet, JsValue> {
    let value: serde_json::Value = from_js(rules.into(), "rules")?;
    fengqiao::routing::RuleSet::from_json(&value.to_string())
        .map_err(|d| engine_error(EngineError::Rules(d)))
}
