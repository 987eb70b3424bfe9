//! # The scenario corpus, one for every binding
//!
//! `tests/scenarios/*.jsonl` hold scenarios as JSON Lines, as regex's `testdata/` holds one
//! corpus that runs against every engine: the first line names the scenario and its world,
//! each following line is a step — an operation of the binding layer's table with its
//! arguments by name and the outcome it must have:
//!
//! ```text
//! {"scenario": "a refused close", "world": "examples/data/world-small.json", "about": "…"}
//! {"op": "register", "args": {"actor": {"staff": "gw-…"}, "input": {…}, "now_ms": 1749430800000}, "save": "case", "expect": {"ok": "*"}}
//! {"op": "apply", "args": {"actor": …, "case_code": "$case", "operation": {"op": "close"}, "now_ms": …}, "expect": {"error": "lifecycle"}}
//! {"restart": true}
//! ```
//!
//! - `expect.ok` is a pattern: an object matches an object holding at least its keys with
//!   matching values, an array one of the same length whose items match in order, `"*"`
//!   anything, any other value itself. The result is compared as JSON (JSON Lines as an
//!   array of their lines, text as a string, no result as `null`).
//! - `expect.error` is the error code the step must fail with (never just "an error").
//! - `save` keeps a result's text (a case code, a transfer document's JSON) under a name; `"$name"` in a later step's
//!   arguments is replaced by it.
//! - `{"restart": true}` rebuilds the engine from the world and its whole journal, as a host
//!   does after a crash, and checks that the journal's head is the same.
//!
//! The Rust runner is this crate's test; the C suite runs the corpus through the C ABI with
//! the plan and check of `fengqiao-corpus` (`src/main.rs`); the Java and Node suites run it
//! with their own runners, reading the arguments' order and types from
//! `docs/operations.json`. All four assert the same outcomes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fengqiao_binding::{Op, Output, Ty, OPERATIONS};
use serde_json::Value as J;

mod calls;

pub use calls::call;

/// The repository's root (the scenario files name worlds relative to it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a step expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Success, with a result matching the pattern.
    Ok(J),
    /// Failure with this error code.
    Error(String),
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// An operation of the table.
    Call {
        /// The line in the file (1-based), for messages.
        line: usize,
        /// The operation's name.
        op: String,
        /// Its arguments by name.
        args: serde_json::Map<String, J>,
        /// The name its text result is saved under.
        save: Option<String>,
        /// The outcome it must have.
        expect: Expect,
    },
    /// The engine rebuilt from the world and its journal.
    Restart {
        /// The line in the file.
        line: usize,
    },
}

/// A scenario: a world and steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its file's name.
    pub file: String,
    /// What it is called.
    pub name: String,
    /// The world document, relative to the repository's root.
    pub world: String,
    /// Its steps.
    pub steps: Vec<Step>,
}

/// Every scenario of `tests/scenarios`, in file-name order.
pub fn load_all() -> Result<Vec<Scenario>, String> {
    let dir = root().join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files.iter().map(|f| load(f)).collect()
}

/// One scenario file.
pub fn load(path: &Path) -> Result<Scenario, String> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, head) = lines.next().ok_or_else(|| format!("{file}: empty"))?;
    let head: J = serde_json::from_str(head).map_err(|e| format!("{file}:1: {e}"))?;
    let text_of = |k: &str| {
        head.get(k)
            .and_then(J::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{file}:1: the header needs \"{k}\" (text)"))
    };
    let (name, world) = (text_of("scenario")?, text_of("world")?);
    let mut steps = Vec::new();
    for (i, l) in lines {
        let line = i + 1;
        let at = |m: String| format!("{file}:{line}: {m}");
        let v: J = serde_json::from_str(l).map_err(|e| at(e.to_string()))?;
        if v.get("restart").is_some() {
            steps.push(Step::Restart { line });
            continue;
        }
        let op = v
            .get("op")
            .and_then(J::as_str)
            .ok_or_else(|| at("a step needs \"op\" or \"restart\"".into()))?;
        if fengqiao_binding::surface::operation(op).is_none() {
            return Err(at(format!("no operation `{op}` in the table")));
        }
        let args = match v.get("args") {
            None => serde_json::Map::new(),
            Some(J::Object(m)) => m.clone(),
            Some(_) => return Err(at("\"args\" must be an object".into())),
        };
        let expect = match v.get("expect") {
            Some(e) if e.get("error").is_some() => Expect::Error(
                e["error"]
                    .as_str()
                    .ok_or_else(|| at("\"error\" must be a code".into()))?
                    .to_string(),
            ),
            Some(e) if e.get("ok").is_some() => Expect::Ok(e["ok"].clone()),
            _ => {
                return Err(at(
                    "a step needs \"expect\": {\"ok\": …} or {\"error\": code}".into(),
                ))
            }
        };
        let save = v.get("save").and_then(J::as_str).map(str::to_string);
        steps.push(Step::Call {
            line,
            op: op.to_string(),
            args,
            save,
            expect,
        });
    }
    Ok(Scenario {
        file,
        name,
        world,
        steps,
    })
}

/// Saved text results by name.
pub type Vars = BTreeMap<String, String>;

/// `"$name"` replaced by its saved value, in every string of `v`.
pub fn substitute(v: &J, vars: &Vars) -> J {
    match v {
        J::String(s) => {
            let mut out = s.clone();
            // Longest names first, so `$case2` is not read as `$case` and a 2.
            let mut names: Vec<&String> = vars.keys().collect();
            names.sort_by_key(|n| std::cmp::Reverse(n.len()));
            for n in names {
                out = out.replace(&format!("${n}"), &vars[n]);
            }
            J::String(out)
        }
        J::Array(a) => J::Array(a.iter().map(|x| substitute(x, vars)).collect()),
        J::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), substitute(x, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// An argument as the bindings pass it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text: a JSON document serialised, JSON Lines, a code or a word.
    Text(String),
    /// An optional argument left out.
    Absent,
    /// A time (milliseconds).
    Time(i64),
    /// A count.
    Count(u64),
    /// A flag.
    Flag(bool),
}

impl Value {
    /// The text (`""` for anything else: the table's types keep that from happening).
    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }

    /// The text's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.text().as_bytes()
    }

    /// The text, or nothing when absent.
    pub fn opt_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The time.
    pub fn time(&self) -> i64 {
        match self {
            Value::Time(t) => *t,
            _ => 0,
        }
    }

    /// The count.
    pub fn count(&self) -> u64 {
        match self {
            Value::Count(n) => *n,
            _ => 0,
        }
    }

    /// The flag.
    pub fn flag(&self) -> bool {
        matches!(self, Value::Flag(true))
    }

    /// As the C plan writes it: text, decimal, `1`/`0`; `None` when absent.
    pub fn plan_text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.clone()),
            Value::Absent => None,
            Value::Time(t) => Some(t.to_string()),
            Value::Count(n) => Some(n.to_string()),
            Value::Flag(b) => Some(if *b { "1" } else { "0" }.into()),
        }
    }
}

/// The arguments of a step in the table's order, each as its type says it is passed.
pub fn arguments(op: &Op, args: &serde_json::Map<String, J>) -> Result<Vec<Value>, String> {
    if let Some(k) = args.keys().find(|k| !op.args.iter().any(|a| a.name == *k)) {
        return Err(format!("`{}` takes no argument `{k}`", op.name));
    }
    op.args
        .iter()
        .map(|a| {
            let v = args.get(a.name).unwrap_or(&J::Null);
            let bad = || {
                format!(
                    "argument `{}` of `{}`: {v} is not {}",
                    a.name,
                    op.name,
                    a.ty.describe()
                )
            };
            Ok(match (a.ty, v) {
                (_, J::Null) if a.optional => Value::Absent,
                (Ty::Time, J::Number(n)) => Value::Time(n.as_i64().ok_or_else(bad)?),
                (Ty::Count, J::Number(n)) => Value::Count(n.as_u64().ok_or_else(bad)?),
                (Ty::Flag, J::Bool(b)) => Value::Flag(*b),
                (Ty::Text(_), J::String(s)) => Value::Text(s.clone()),
                (Ty::Lines(_) | Ty::ListOrLines(_) | Ty::Source(_), J::String(s)) => {
                    Value::Text(s.clone())
                }
                (
                    Ty::Actor | Ty::Json(_) | Ty::Lines(_) | Ty::ListOrLines(_) | Ty::Source(_),
                    v,
                ) => Value::Text(v.to_string()),
                _ => return Err(bad()),
            })
        })
        .collect()
}

/// A result as the corpus compares it: JSON parsed, JSON Lines as an array of their
/// lines, text as a string, no result as `null`.
pub fn result_value(op: &Op, out: Option<&str>) -> Result<J, String> {
    let Some(text) = out else {
        return Ok(J::Null);
    };
    match op.output {
        Output::Nothing => Ok(J::Null),
        Output::Text(_) => Ok(J::String(text.to_string())),
        Output::Json(_) => {
            serde_json::from_str(text).map_err(|e| format!("result is not JSON: {e}"))
        }
        Output::Lines(_) => text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| format!("a result line is not JSON: {e}")))
            .collect::<Result<Vec<J>, String>>()
            .map(J::Array),
    }
}

/// Whether `actual` matches `pattern` (see the module docs); the error names the path of
/// the first difference.
pub fn matches(pattern: &J, actual: &J) -> Result<(), String> {
    fn at(pattern: &J, actual: &J, path: &str) -> Result<(), String> {
        match (pattern, actual) {
            (J::String(s), _) if s == "*" => Ok(()),
            (J::Object(p), J::Object(a)) => {
                for (k, pv) in p {
                    let av = a
                        .get(k)
                        .ok_or_else(|| format!("{path}/{k}: missing (expected {pv})"))?;
                    at(pv, av, &format!("{path}/{k}"))?;
                }
                Ok(())
            }
            (J::Array(p), J::Array(a)) => {
                if p.len() != a.len() {
                    return Err(format!("{path}: {} items, expected {}", a.len(), p.len()));
                }
                for (i, (pv, av)) in p.iter().zip(a).enumerate() {
                    at(pv, av, &format!("{path}/{i}"))?;
                }
                Ok(())
            }
            (p, a) if p == a => Ok(()),
            (p, a) => Err(format!("{path}: {a}, expected {p}")),
        }
    }
    at(pattern, actual, "")
}

/// What a step did: `"ok"` or the error code's word, and the text it returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `"ok"` or an error code.
    pub status: String,
    /// The result's text, if any.
    pub out: Option<String>,
}

/// Checks an outcome against a step's expectation, with saved values put into the
/// pattern (`["$case"]` is the case registered before).
pub fn check(op: &Op, expect: &Expect, outcome: &Outcome, vars: &Vars) -> Result<(), String> {
    let expect = match expect {
        Expect::Ok(p) => Expect::Ok(substitute(p, vars)),
        e => e.clone(),
    };
    match (&expect, outcome.status.as_str()) {
        (Expect::Error(code), status) if status == code => Ok(()),
        (Expect::Error(code), "ok") => Err(format!(
            "succeeded, expected the error `{code}`: {}",
            outcome.out.as_deref().unwrap_or("")
        )),
        (Expect::Error(code), status) => Err(format!(
            "failed with `{status}`, expected `{code}`: {}",
            outcome.out.as_deref().unwrap_or("")
        )),
        (Expect::Ok(pattern), "ok") => matches(pattern, &result_value(op, outcome.out.as_deref())?),
        (Expect::Ok(_), status) => Err(format!(
            "failed with `{status}`, expected success: {}",
            outcome.out.as_deref().unwrap_or("")
        )),
    }
}

/// The codes no JSON scenario can reach, and why (each binding's own suite tests them).
pub const OUT_OF_REACH: &[(&str, &str)] = &[
    ("null_pointer", "a C NULL where an argument is required"),
    ("invalid_handle", "a freed or foreign C handle"),
    (
        "invalid_utf8",
        "bytes that are not UTF-8: JSON text is always Unicode",
    ),
    (
        "internal",
        "a bug (fq_debug_panic, debugPanic in test builds)",
    ),
    (
        "signature",
        "signing needs the host's signer, which is code, not JSON",
    ),
];

/// Every operation of the table a corpus can call (the generated ones).
pub fn callable() -> impl Iterator<Item = &'static Op> {
    OPERATIONS
        .iter()
        .filter(|o| o.bind == fengqiao_binding::Bind::Generated)
}

/// Runs a scenario against the binding layer in Rust; the error names the file, the line,
/// the operation and the first difference.
pub fn run(s: &Scenario) -> Result<(), String> {
    run_with(s, true, |_, _, _| {})
}

/// Runs a scenario, showing each call's outcome to `seen` (line, operation, outcome); with
/// `checking` off it goes on past a difference (`fengqiao-corpus show`, for authors).
pub fn run_with(
    s: &Scenario,
    checking: bool,
    mut seen: impl FnMut(usize, &str, &Outcome),
) -> Result<(), String> {
    use fengqiao_binding::ops;
    let fail = |line: usize, m: String| format!("{}:{line}: {m}", s.file);
    let world = std::fs::read(root().join(&s.world)).map_err(|e| format!("{}: {e}", s.world))?;
    let mut engine = ops::engine_new(&world).map_err(|e| fail(1, e.message))?;
    let mut vars = Vars::new();
    for step in &s.steps {
        match step {
            Step::Restart { line } => {
                let journal =
                    ops::journal(&engine, 0, u64::MAX).map_err(|e| fail(*line, e.message))?;
                let head = ops::journal_head(&engine).map_err(|e| fail(*line, e.message))?;
                engine = ops::restore(&world, journal.as_bytes())
                    .map_err(|e| fail(*line, format!("restart: {}", e.message)))?;
                let again = ops::journal_head(&engine).map_err(|e| fail(*line, e.message))?;
                if again != head {
                    return Err(fail(*line, format!("restart: head {again}, before {head}")));
                }
            }
            Step::Call {
                line,
                op,
                args,
                save,
                expect,
            } => {
                let table = fengqiao_binding::surface::operation(op).expect("checked on load");
                let args = match substitute(&J::Object(args.clone()), &vars) {
                    J::Object(m) => m,
                    _ => unreachable!("an object stays an object"),
                };
                let values = arguments(table, &args).map_err(|m| fail(*line, m))?;
                let outcome = match call(&mut engine, op, &values) {
                    None => return Err(fail(*line, format!("`{op}` is bound by hand"))),
                    Some(Ok(out)) => Outcome {
                        status: "ok".into(),
                        out,
                    },
                    Some(Err(e)) => Outcome {
                        status: e.code.as_str().to_string(),
                        out: Some(e.message),
                    },
                };
                seen(*line, op, &outcome);
                if checking {
                    check(table, expect, &outcome, &vars)
                        .map_err(|m| fail(*line, format!("`{op}`: {m}")))?;
                }
                if let (Some(name), "ok", Some(out)) = (save, outcome.status.as_str(), &outcome.out)
                {
                    vars.insert(name.clone(), out.clone());
                }
            }
        }
    }
    Ok(())
}
