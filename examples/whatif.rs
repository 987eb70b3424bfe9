//! What-if ("benchmarking routing rules"): replays historical disputes under two rule sets
//! and prints how handling would change.
//!
//! ```sh
//! cargo run --example whatif                                  # shipped rules vs the sample variant
//! cargo run --example whatif -- a.json b.json history.jsonl   # your files
//! cargo run --example whatif -- --generate 200 > history.jsonl
//! ```
//!
//! The world is the small synthetic one; history lines are `HistoricalDispute` JSON.

use std::process::ExitCode;

use fengqiao::dispute::{Category, Channel, DisputeInput, Flags, Party, RiskColour, Urgency};
use fengqiao::routing::RuleSet;
use fengqiao::whatif::HistoricalDispute;
use fengqiao_synth::{world, Rng, Spec};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
        for h in generate(n) {
            println!("{}", serde_json::to_string(&h).map_err(|e| e.to_string())?);
        }
        return Ok(());
    }
    let (engine, _) = world(&Spec::small()).map_err(|e| e.to_string())?;
    let a = match args.first() {
        Some(p) => RuleSet::from_json(&read(p)?).map_err(|d| format!("{p}: {d}"))?,
        None => engine.router().rule_set().clone(),
    };
    let b_path = args
        .get(1)
        .cloned()
        .unwrap_or(format!("{DATA}/rules-labour-to-street.json"));
    let b = RuleSet::from_json(&read(&b_path)?).map_err(|d| format!("{b_path}: {d}"))?;
    let h_path = args
        .get(2)
        .cloned()
        .unwrap_or(format!("{DATA}/history.jsonl"));
    let history = read(&h_path)?
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("{h_path}:{}: {e}", i + 1)))
        .collect::<Result<Vec<HistoricalDispute>, _>>()?;
    let cmp = engine.what_if(&history, a, b).map_err(|e| e.to_string())?;
    println!("{:<32} {:>14} {:>14}", "", cmp.a.rule_set, cmp.b.rule_set);
    let row = |k: &str, x: String, y: String| println!("{k:<32} {x:>14} {y:>14}");
    for level in fengqiao::hierarchy::Level::ALL {
        let (x, y) = (cmp.a.levels.get(level), cmp.b.levels.get(level));
        if x.is_some() || y.is_some() {
            row(
                &format!("level {} {}", level.label_zh(), level.as_str()),
                x.copied().unwrap_or(0).to_string(),
                y.copied().unwrap_or(0).to_string(),
            );
        }
    }
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    row(
        "小事不出社区 in community",
        pct(cmp.a.community_rate),
        pct(cmp.b.community_rate),
    );
    row(
        "大事不出街道 in street",
        pct(cmp.a.street_rate),
        pct(cmp.b.street_rate),
    );
    row(
        "max load per staff",
        cmp.a.load_max.to_string(),
        cmp.b.load_max.to_string(),
    );
    row(
        "mean load",
        format!("{:.2}", cmp.a.load_mean),
        format!("{:.2}", cmp.b.load_mean),
    );
    row(
        "load fairness (Jain)",
        format!("{:.3}", cmp.a.load_fairness),
        format!("{:.3}", cmp.b.load_fairness),
    );
    row(
        "with agencies",
        cmp.a.with_agencies.to_string(),
        cmp.b.with_agencies.to_string(),
    );
    row(
        "joint 公安+司法+法院+综治",
        cmp.a.joint.to_string(),
        cmp.b.joint.to_string(),
    );
    row(
        "predicted yellow",
        cmp.a.predicted_yellow.to_string(),
        cmp.b.predicted_yellow.to_string(),
    );
    row(
        "predicted red",
        cmp.a.predicted_red.to_string(),
        cmp.b.predicted_red.to_string(),
    );
    println!("\n{} dispute(s) routed differently:", cmp.changed.len());
    for c in &cmp.changed {
        println!(
            "  {:<10} {} {} [{}]  →  {} {} [{}]",
            c.id,
            c.a.level.as_str(),
            c.a.unit,
            c.a.matched.join(","),
            c.b.level.as_str(),
            c.b.unit,
            c.b.matched.join(",")
        );
    }
    Ok(())
}

/// A seeded history over the small world's residents.
fn generate(n: usize) -> Vec<HistoricalDispute> {
    let (engine, places) = world(&Spec::small()).expect("small world builds");
    let mut rng = Rng::new(11);
    let start = chrono::DateTime::parse_from_rfc3339("2025-03-03T01:00:00Z")
        .expect("valid")
        .to_utc();
    (0..n)
        .map(|i| {
            let who = rng.pick(&places.persons).clone();
            let at = start + chrono::Duration::days(rng.below(250) as i64);
            let input = DisputeInput {
                category: *rng.pick(Category::ALL),
                subtype: None,
                channel: *rng.pick(Channel::ALL),
                location: engine.person(&who).expect("generated").household,
                parties: vec![Party::Person(who)],
                headcount: 0,
                urgency: *rng.pick(Urgency::ALL),
                risk: *rng.pick(RiskColour::ALL),
                amount_yuan: None,
                flags: Flags::EMPTY,
                description: String::new(),
                discovered_at: at,
                assigned_by: None,
                external: None,
                idempotency_key: None,
            };
            HistoricalDispute {
                id: format!("h{i:04}"),
                input,
                registered_at: at,
                result_at: Some(at + chrono::Duration::days(1 + rng.below(30) as i64)),
            }
        })
        .collect()
}
