//! A prefecture of engines as separate OS processes (issue 35), against a real PostgreSQL
//! it starts itself: three county processes and the prefecture's, a synthetic fortnight of
//! disputes with escalations and their results, while processes are killed with SIGKILL at
//! exact places and from outside and the database crashes and restarts. Then nothing may be
//! lost or doubled: every case there, every escalated case back and closed with one
//! verifying chain across the engines, every document received once, the poison document
//! parked, the returns consolidating to every case once.
//!
//! Its own harness (`harness = false`): the binary is also each child process, re-executed
//! with a role (`county …`, `prefecture …`, `restore …`; see `examples/prefecture/run.rs`,
//! shared with the eight-county example).

#[path = "../examples/prefecture/run.rs"]
mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = run::as_child(&args) {
        return code;
    }
    // `cargo test` passes its own flags (`--quiet`, a filter): this one test runs unless a
    // filter names something else.
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-')) {
        if !"a_prefecture_of_processes_survives_kills_and_a_database_crash"
            .contains(filter.as_str())
        {
            return ExitCode::SUCCESS;
        }
    }
    let plan = run::Plan {
        counties: vec!["522301".into(), "522302".into(), "522323".into()],
        days: 10,
        per_day: 8,
        escalated: 3,
    };
    let disturb = run::Disturb::typical(&plan);
    let exe = std::env::current_exe().expect("this binary");
    let report = match run::run(&exe, &[], &plan, &disturb, None) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("a_prefecture_of_processes_survives_kills_and_a_database_crash: FAILED: {e}");
            return ExitCode::FAILURE;
        }
    };
    let checks = [
        (report.cases == 240, "every county's 80 cases"),
        (report.escalated == 90, "30 escalations a county, all back"),
        (
            report.consolidated == 240,
            "the consolidation counts every case once",
        ),
        (
            report.parked == ["transfer"],
            "the poison document parked as `transfer`, only it",
        ),
        // Two crash points in counties, one in the prefecture, one kill from outside.
        (
            report.restarts == 4,
            "four processes killed and started again",
        ),
        (
            report.database_restarted,
            "the database crashed and restarted",
        ),
        (
            report.restores.len() == 4,
            "all four journals restored at once",
        ),
    ];
    let mut ok = true;
    for (passed, what) in checks {
        if !passed {
            eprintln!("FAILED: {what}: {report:?}");
            ok = false;
        }
    }
    if ok {
        println!(
            "test a_prefecture_of_processes_survives_kills_and_a_database_crash ... ok ({} restarts, run {:?})",
            report.restarts, report.run
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
