//! Routes one dispute with a rule set and prints the decision with its explanation.
//!
//! ```sh
//! cargo run --example route                                   # default rules, sample dispute
//! cargo run --example route -- my-rules.json my-dispute.json  # your files
//! ```
//!
//! The world is the small synthetic one (`fengqiao_synth::Spec::small`): one street, two
//! communities, persons `p0-0` … . A rule set with errors is refused with every diagnostic,
//! each naming the rule and the path inside the file.

use std::process::ExitCode;

use fengqiao::dispute::DisputeInput;
use fengqiao::routing::RuleSet;
use fengqiao_synth::{world, Spec};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let rules_path = args.next();
    let dispute_path = args.next().unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/dispute.json").into()
    });
    let (mut engine, _) = world(&Spec::small()).map_err(|e| e.to_string())?;
    if let Some(path) = rules_path {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let set = RuleSet::from_json(&text).map_err(|d| format!("{path}: {d}"))?;
        let warnings = engine.load_rules(set).map_err(|e| format!("{path}: {e}"))?;
        for w in warnings {
            eprintln!("{path}: {w}");
        }
    }
    let text =
        std::fs::read_to_string(&dispute_path).map_err(|e| format!("{dispute_path}: {e}"))?;
    let input: DisputeInput =
        serde_json::from_str(&text).map_err(|e| format!("{dispute_path}: {e}"))?;
    let d = engine
        .decide_input(&input)
        .map_err(|e| format!("{dispute_path}: {e}"))?;
    let h = engine.hierarchy();
    let name = |c| h.unit(c).map(|u| u.name.clone()).unwrap_or_default();
    println!("规则集 rule set: {}  ({})", d.rule_set, d.policy.label_zh());
    println!("命中规则 matched: {}", d.matched.join(", "));
    println!(
        "处置层级 level: {} / {}   处置单位 unit: {} {}",
        d.level.label_zh(),
        d.level.label_en(),
        d.unit,
        name(d.unit)
    );
    println!("团队 team:");
    for m in &d.team {
        println!("  {:<12} {:<24} ({})", m.role.label_zh(), m.staff, m.unit);
    }
    for u in &d.unfilled {
        println!("  未配齐 unfilled: {} — {}", u.role.label_zh(), u.reason);
    }
    println!("联动部门 agencies:");
    for a in &d.agencies {
        println!(
            "  {:<14} {}",
            a.kind.label_zh(),
            a.agency.as_deref().unwrap_or("(none found)")
        );
    }
    let lim = |l: Option<fengqiao::routing::Limit>| {
        l.map_or("-".to_string(), |l| {
            format!("{}/{} working days", l.yellow, l.red)
        })
    };
    println!(
        "时限 deadlines (yellow/red): accept {}, handle {}, verify {}",
        lim(d.deadlines.accept),
        lim(d.deadlines.handle),
        lim(d.deadlines.verify)
    );
    if let Some(e) = &d.escalation {
        println!(
            "上报 escalation: to {} {}",
            e.to.label_zh(),
            e.when.label_zh()
        );
    }
    println!(
        "司法确认 offer judicial confirmation: {}",
        d.offer_confirmation
    );
    if let Some(g) = d.supervision {
        println!("督办 supervision: {}", g.label_zh());
    }
    println!("\n解释 explanation:");
    for r in &d.explanation.rules {
        println!("  rule {:<30} {}  [{}]", r.id, r.description, r.source);
    }
    for n in &d.explanation.notes {
        println!("  note: {n}");
    }
    for c in &d.explanation.candidates {
        println!(
            "  {:<12} {:<24} {:?}",
            c.role.label_zh(),
            c.staff,
            c.verdict
        );
    }
    Ok(())
}
