//! 黔西南州 as a prefecture of engines: eight county processes and the prefecture's, over
//! one PostgreSQL this example starts itself, for a synthetic June — disputes every day,
//! some escalated to the prefecture and returned settled, a return from every county
//! consolidated — while a county's process is killed mid-transfer, the prefecture's is
//! killed, and the database crashes, each started again. Then it checks that nothing was
//! lost or doubled and prints what it measured (BENCHMARKS.md, docs/deployment.md).
//!
//! ```text
//! cargo run --release -p fengqiao-store --example prefecture              # 8 counties
//! cargo run --release -p fengqiao-store --example prefecture -- --calm    # no kills
//! cargo run --release -p fengqiao-store --example prefecture -- --counties 3 --days 5
//! ```
//!
//! `FENGQIAO_PREFECTURE_DB="host=… dbname=…"` runs it on a database of the host's instead of
//! a server of its own (a Citus coordinator: the store distributes itself); its `fengqiao`
//! schema is dropped first, and the database is not crashed.

mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = run::as_child(&args) {
        return code;
    }
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(default)
    };
    let counties = opt("--counties", 8).clamp(1, 8);
    let per_day = opt("--per-day", 40).max(1);
    let plan = run::Plan {
        counties: fengqiao_synth::prefecture::COUNTIES[..counties]
            .iter()
            .map(|(c, _)| c.to_string())
            .collect(),
        days: opt("--days", 30).clamp(1, 30) as u32,
        // At most 400 escalations a day (from 17:00, a minute apart: all before midnight).
        per_day,
        escalated: opt("--escalated", 4).min(400).min(per_day),
    };
    let calm = args.iter().any(|a| a == "--calm");
    let disturb = if calm {
        run::Disturb::default()
    } else {
        run::Disturb::typical(&plan)
    };
    println!(
        "prefecture: {} counties × {} days × {} disputes a day ({} escalated), {}",
        plan.counties.len(),
        plan.days,
        plan.per_day,
        plan.escalated,
        if calm {
            "calm"
        } else {
            "with kills and a database crash"
        }
    );
    let exe = std::env::current_exe().expect("this binary");
    let database = std::env::var("FENGQIAO_PREFECTURE_DB").ok();
    match run::run(&exe, &[], &plan, &disturb, database.as_deref()) {
        Ok(r) => {
            println!(
                "run: {:.2} s; {:.0} transfers/s; sender's commit → receipt {:.0} ms median, {:.0} ms p95",
                r.run.as_secs_f64(),
                r.transfers_per_second,
                r.latency_ms.0,
                r.latency_ms.1
            );
            println!(
                "disturbed: {} processes killed and started again; database crashed and restarted: {}; parked: {:?}",
                r.restarts, r.database_restarted, r.parked
            );
            println!(
                "every journal restored at once (a process each): {:.2} s",
                r.restart.as_secs_f64()
            );
            println!("journal   cases  entries  restore (ms)  peak RSS over start (KiB)");
            for (code, cases, entries, us, kib) in &r.restores {
                println!(
                    "{code}  {cases:>7}  {entries:>7}  {:>12.1}  {kib:>25}",
                    *us as f64 / 1000.0
                );
            }
            println!(
                "checked: {} cases in {} counties, {} escalated and returned, every trace verified, every document received once, consolidated {} cases once each",
                r.cases,
                plan.counties.len(),
                r.escalated,
                r.consolidated
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("failed: {e}");
            ExitCode::FAILURE
        }
    }
}
