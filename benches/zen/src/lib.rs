//! fengqiao's routing rules written as a GoRules JDM decision table, so that zen-engine can
//! evaluate the very same table on the very same disputes, in the same benchmark run.
//!
//! The translation is what an analyst would write in the JDM editor: one input column per
//! fact (category, channel, urgency …), a cell per test (`"labour", "contract"`,
//! `[3..10]`, `some($, # in ["major"])`), and, for the tests a single column cannot hold
//! (`any`, `not`, a second test on one fact), a column without a field whose cell is a
//! full expression. One output column names the rule. The hit policy is carried over:
//! under `first` the rows are written in fengqiao's evaluation order (priority, then file
//! order); under `collect` in file order.
//!
//! [`Zen::matching`] then answers fengqiao's [`Router::matching`] question (which rules
//! hit) through zen-engine; the tests and the benchmark's setup check that the two agree on
//! every dispute before anything is timed.
//!
//! [`Router::matching`]: fengqiao::routing::Router::matching

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use fengqiao::dispute::{Flag, GroupSize, RiskColour, Urgency};
use fengqiao::hierarchy::{CodeScheme, DivisionCode};
use fengqiao::routing::{Condition, Facts, HitPolicy, Range, RuleSet};
use serde_json::{json, Value};
use zen_engine::model::GraphContent;
use zen_engine::Decision;
use zen_engine::EvaluationError;

pub use zen_engine::Variable;

/// The input columns: the fact each one reads, in the order the JDM editor shows them.
const COLUMNS: [&str; 10] = [
    "category",
    "subtype",
    "channel",
    "urgency",
    "risk",
    "people",
    "group_size",
    "amount",
    "flags",
    "location",
];

/// The column for what no single fact column can hold.
const EXPRESSION: &str = "condition";

fn list<T: AsRef<str>>(xs: impl IntoIterator<Item = T>) -> String {
    xs.into_iter()
        .map(|x| format!("\"{}\"", x.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn at_least<T: Copy + PartialOrd>(all: &[T], floor: T, name: fn(T) -> &'static str) -> String {
    list(all.iter().copied().filter(|x| *x >= floor).map(name))
}

/// A range as a unary cell (`[3..10]`, `>= 3`, `<= 10`) and as a standard expression
/// over `field`.
fn range(r: &Range, field: &str) -> (String, String) {
    match (r.min, r.max) {
        (Some(a), Some(b)) => (
            format!("[{a}..{b}]"),
            format!("({field} != null and {field} >= {a} and {field} <= {b})"),
        ),
        (Some(a), None) => (
            format!(">= {a}"),
            format!("({field} != null and {field} >= {a})"),
        ),
        (None, Some(b)) => (
            format!("<= {b}"),
            format!("({field} != null and {field} <= {b})"),
        ),
        (None, None) => ("".into(), format!("({field} != null)")),
    }
}

/// The significant prefix of a unit's code: every place inside the unit has it.
fn prefix(code: DivisionCode) -> String {
    let scheme = CodeScheme::default();
    let digits = scheme.significant_digits(scheme.level_of(code)) as usize;
    code.to_string()[..digits].to_string()
}

/// A single-fact test as (column, unary cell, standard expression); `None` for the
/// compound conditions.
fn simple(c: &Condition) -> Option<(&'static str, String, String)> {
    let cell = |col: &'static str, values: String| {
        let std = format!("{col} in [{values}]");
        Some((col, values, std))
    };
    match c {
        Condition::CategoryIn(v) => cell("category", list(v.iter().map(|x| x.as_str()))),
        Condition::SubtypeIn(v) => cell("subtype", list(v)),
        Condition::ChannelIn(v) => cell("channel", list(v.iter().map(|x| x.as_str()))),
        Condition::UrgencyIn(v) => cell("urgency", list(v.iter().map(|x| x.as_str()))),
        Condition::UrgencyAtLeast(u) => {
            cell("urgency", at_least(Urgency::ALL, *u, Urgency::as_str))
        }
        Condition::RiskIn(v) => cell("risk", list(v.iter().map(|x| x.as_str()))),
        Condition::RiskAtLeast(r) => {
            cell("risk", at_least(RiskColour::ALL, *r, RiskColour::as_str))
        }
        Condition::GroupSizeIn(v) => cell("group_size", list(v.iter().map(|x| x.as_str()))),
        Condition::People(r) => {
            let (u, s) = range(r, "people");
            Some(("people", u, s))
        }
        Condition::AmountYuan(r) => {
            let (u, s) = range(r, "amount");
            Some(("amount", u, s))
        }
        Condition::FlagsAll(v) => Some((
            "flags",
            v.iter()
                .map(|f| format!("contains($, \"{}\")", f.as_str()))
                .collect::<Vec<_>>()
                .join(" and "),
            format!(
                "({})",
                v.iter()
                    .map(|f| format!("contains(flags, \"{}\")", f.as_str()))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )),
        Condition::FlagsAny(v) => {
            let names = list(v.iter().map(|x| x.as_str()));
            Some((
                "flags",
                format!("some($, # in [{names}])"),
                format!("some(flags, # in [{names}])"),
            ))
        }
        Condition::Within(code) => {
            let p = prefix(*code);
            Some((
                "location",
                format!("startsWith($, \"{p}\")"),
                format!("(location != null and startsWith(location, \"{p}\"))"),
            ))
        }
        _ => None,
    }
}

/// A condition as one standard (boolean) expression over the context.
fn expression(c: &Condition) -> Result<String, Unsupported> {
    if let Some((_, _, s)) = simple(c) {
        return Ok(s);
    }
    let join = |cs: &[Condition], op: &str, empty: &str| -> Result<String, Unsupported> {
        if cs.is_empty() {
            return Ok(empty.into());
        }
        let parts = cs.iter().map(expression).collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(op)))
    };
    match c {
        Condition::Always => Ok("true".into()),
        Condition::All(cs) => join(cs, " and ", "true"),
        Condition::Any(cs) => join(cs, " or ", "false"),
        Condition::Not(c) => Ok(format!("not ({})", expression(c)?)),
        Condition::LevelIn(_) => Err(Unsupported("level_in")),
        _ => unreachable!("every single-fact test is handled by `simple`"),
    }
}

/// A test this translation has no column for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub &'static str);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` depends on the hierarchy walk, which a decision table cannot do",
            self.0
        )
    }
}

impl std::error::Error for Unsupported {}

/// One row: its cells by column id.
fn row(c: &Condition) -> Result<serde_json::Map<String, Value>, Unsupported> {
    let mut cells = serde_json::Map::new();
    let mut rest = Vec::new();
    let tests: Vec<&Condition> = match c {
        Condition::Always => vec![],
        Condition::All(cs) => cs.iter().collect(),
        other => vec![other],
    };
    for t in tests {
        match simple(t) {
            Some((col, unary, _)) if !cells.contains_key(col) => {
                cells.insert(col.into(), Value::String(unary));
            }
            _ => rest.push(expression(t)?),
        }
    }
    if !rest.is_empty() {
        cells.insert(EXPRESSION.into(), Value::String(rest.join(" and ")));
    }
    Ok(cells)
}

/// A JSON value as a zen expression literal (`"street"`, `["police", "court"]`,
/// `{role: "mediator", from: ["community"]}`).
fn literal(v: &Value) -> String {
    match v {
        Value::Array(xs) => format!(
            "[{}]",
            xs.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// An outcome as output cells: one per field it sets, nested objects flattened to dotted
/// paths (`deadlines.handle.red`), so that zen-engine builds the same structure.
fn outputs(prefix: &str, v: &Value, cells: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                outputs(&path, v, cells);
            }
        }
        leaf => cells.push((prefix.to_string(), literal(leaf))),
    }
}

/// The rule set as a JDM graph: request → decision table → response. Each row outputs
/// the rule's id and its whole outcome, as a table written for zen-engine would.
pub fn jdm(set: &RuleSet) -> Result<Value, Unsupported> {
    let mut order: Vec<usize> = (0..set.rules.len()).collect();
    if set.hit_policy == HitPolicy::First {
        order.sort_by_key(|&i| std::cmp::Reverse(set.rules[i].priority));
    }
    let mut rules = Vec::with_capacity(order.len());
    let mut fields: Vec<String> = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        let rule = &set.rules[i];
        let mut cells = row(&rule.when)?;
        cells.insert("_id".into(), Value::String(format!("row-{n}")));
        cells.insert("out_rule".into(), Value::String(format!("\"{}\"", rule.id)));
        let mut outs = Vec::new();
        outputs(
            "",
            &serde_json::to_value(&rule.then).expect("outcomes serialize"),
            &mut outs,
        );
        for (path, cell) in outs {
            if !fields.contains(&path) {
                fields.push(path.clone());
            }
            cells.insert(format!("out_{path}"), Value::String(cell));
        }
        rules.push(Value::Object(cells));
    }
    let mut out_columns = vec![json!({"id": "out_rule", "name": "rule", "field": "rule"})];
    out_columns.extend(
        fields
            .iter()
            .map(|f| json!({"id": format!("out_{f}"), "name": f, "field": f})),
    );
    let mut inputs: Vec<Value> = COLUMNS
        .iter()
        .map(|c| json!({"id": c, "name": c, "field": c}))
        .collect();
    inputs.push(json!({"id": EXPRESSION, "name": "condition"}));
    let hit_policy = match set.hit_policy {
        HitPolicy::First => "first",
        HitPolicy::Collect => "collect",
    };
    Ok(json!({
        "nodes": [
            {"id": "request", "name": "request", "type": "inputNode"},
            {"id": "routing", "name": set.label(), "type": "decisionTableNode", "content": {
                "hitPolicy": hit_policy,
                "inputs": inputs,
                "outputs": out_columns,
                "rules": rules,
            }},
            {"id": "response", "name": "response", "type": "outputNode"},
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": "routing"},
            {"id": "e2", "sourceId": "routing", "targetId": "response"},
        ],
    }))
}

/// The facts as the JSON context a zen-engine host would pass.
pub fn context(f: &Facts, location: Option<DivisionCode>) -> Variable {
    let flags: Vec<&str> = Flag::ALL
        .iter()
        .filter(|x| f.flags.has(**x))
        .map(|x| x.as_str())
        .collect();
    Variable::from(json!({
        "category": f.category.as_str(),
        "subtype": f.subtype,
        "channel": f.channel.as_str(),
        "urgency": f.urgency.as_str(),
        "risk": f.risk.as_str(),
        "people": f.people,
        "group_size": GroupSize::of(f.people).as_str(),
        "amount": f.amount,
        "flags": flags,
        "location": location.map(|c| c.to_string()),
    }))
}

/// Runs a future that never waits on I/O (zen-engine's evaluation of a table without
/// function nodes) to completion on this thread, without a runtime.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// A rule set compiled by zen-engine (expressions precompiled, table indexed).
pub struct Zen {
    decision: Decision,
    ids: HashMap<String, usize>,
    first: bool,
}

impl Zen {
    /// Translates and compiles `set`.
    pub fn new(set: &RuleSet) -> Result<Zen, Box<dyn std::error::Error>> {
        let graph: GraphContent = serde_json::from_value(jdm(set)?)?;
        let mut decision = Decision::from(graph);
        decision.compile();
        decision.validate()?;
        let ids = set
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(Zen {
            decision,
            ids,
            first: set.hit_policy == HitPolicy::First,
        })
    }

    /// zen-engine's raw answer for a context: what a host receives.
    pub fn evaluate(&self, context: &Variable) -> Result<Variable, Box<EvaluationError>> {
        block_on(self.decision.evaluate(context.clone())).map(|r| r.result)
    }

    /// The matching rules' indices (into `set.rules`), in the table's order, as
    /// [`fengqiao::routing::Router::matching`] gives them.
    pub fn matching(&self, context: &Variable) -> Result<Vec<usize>, Box<EvaluationError>> {
        let result = self.evaluate(context)?;
        let rows = if self.first {
            vec![result]
        } else {
            result
                .as_array()
                .map(|a| a.borrow().clone())
                .unwrap_or_default()
        };
        Ok(rows
            .iter()
            .filter_map(|r| r.dot("rule"))
            .filter_map(|r| r.as_str().and_then(|s| self.ids.get(s)).copied())
            .collect())
    }
}
