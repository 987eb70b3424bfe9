//! The hot paths whose instruction counts CI watches (issue 37, item 6): each path's work,
//! run under callgrind by `scripts/instructions.sh`, once with its setup alone and once
//! with its setup and its work, so the difference is the work's instructions alone — a
//! count that does not depend on a shared, noisy machine, as a time does.
//!
//! `instructions PATH setup|work`, PATH one of [`PATHS`]. Every path is deterministic: the
//! same input, the same world, the same number of repetitions.

use std::ffi::{c_char, CString};
use std::hint::black_box;

use chrono::{TimeZone, Utc};
use fengqiao::engine::{Engine, WorldData};
use fengqiao::trace::Actor;
use fengqiao_ffi::*;

const WORLD: &str = include_str!("../../examples/data/world-small.json");
const DISPUTE: &str = include_str!("../../examples/data/dispute.json");

/// The paths, each with how many times its work is repeated (the count is per repetition).
/// Enough that the work outweighs its setup's own variation: a setup builds hash maps with
/// the process's random keys, and differs from run to run by ≈10,000 instructions — at 20
/// repetitions that moved the roll-up's count by ±2.7 %, past the tolerance.
const PATHS: &[(&str, u32)] = &[
    ("decide_rust", 200),
    ("decide_c_abi", 200),
    ("restore", 5),
    ("statistics", 400),
    ("intake", 10),
    ("rules_matching", 5),
    ("rules_outcome", 50),
];

fn world() -> WorldData {
    serde_json::from_str(WORLD).expect("the example world")
}

/// The county of `world-small.json` with `n` cases taken through their lifecycle.
fn county(n: usize) -> (fengqiao_synth::Places, Engine) {
    let (data, places) =
        fengqiao_synth::world_data(&fengqiao_synth::Spec::small()).expect("a world");
    let mut engine = Engine::from_world(data).expect("a world");
    let start = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
    fengqiao_synth::county::caseload(
        &mut engine,
        &places,
        &mut fengqiao_synth::Rng::new(3),
        start,
        n,
    )
    .expect("a caseload");
    (places, engine)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(mode)) = (args.first(), args.get(1)) else {
        eprintln!("usage: instructions PATH setup|work; PATH: {PATHS:?}");
        std::process::exit(2);
    };
    let Some(&(_, times)) = PATHS.iter().find(|(p, _)| p == path) else {
        eprintln!("no path {path}: {PATHS:?}");
        std::process::exit(2);
    };
    let work = mode == "work";
    match path.as_str() {
        "decide_rust" => {
            let engine = Engine::from_world(world()).expect("a world");
            for _ in 0..times * u32::from(work) {
                let input: fengqiao::dispute::DisputeInput =
                    serde_json::from_str(black_box(DISPUTE)).expect("a dispute");
                let d = engine.decide_input(&input).expect("a decision");
                black_box(serde_json::to_string(&d).expect("serialises"));
            }
        }
        "decide_c_abi" => {
            let world = CString::new(WORLD).unwrap();
            let dispute = CString::new(DISPUTE).unwrap();
            let mut handle: *mut FqEngine = std::ptr::null_mut();
            // SAFETY: valid C strings and out-pointers; the handle is freed below, the
            // strings returned are released with fq_string_free.
            unsafe {
                assert_eq!(
                    fq_engine_new(world.as_ptr(), &mut handle, std::ptr::null_mut()),
                    FqStatus::Ok
                );
                for _ in 0..times * u32::from(work) {
                    let mut out: *mut c_char = std::ptr::null_mut();
                    let s = fq_engine_decide_input(
                        handle,
                        black_box(dispute.as_ptr()),
                        &mut out,
                        std::ptr::null_mut(),
                    );
                    assert_eq!(s, FqStatus::Ok);
                    black_box(std::ffi::CStr::from_ptr(out).to_bytes().len());
                    fq_string_free(out);
                }
                fq_engine_free(handle);
            }
        }
        "restore" => {
            let (_, engine) = county(40);
            let data = fengqiao_synth::world_data(&fengqiao_synth::Spec::small())
                .unwrap()
                .0;
            let stored = fengqiao::journal::to_jsonl(&engine.journal(0, usize::MAX).unwrap());
            for _ in 0..times * u32::from(work) {
                let again = Engine::restore_read(
                    data.clone(),
                    fengqiao::journal::jsonl_lines(black_box(&stored)),
                    fengqiao::journal::read_line,
                )
                .expect("restores");
                assert_eq!(again.journal_digest(), engine.journal_digest());
            }
        }
        "statistics" => {
            let (_, engine) = county(40);
            let at = Utc.with_ymd_and_hms(2025, 12, 31, 1, 0, 0).unwrap();
            let reader = engine.reader(&Actor::System, at).unwrap();
            let query = fengqiao::stats::Query {
                by_category: true,
                ..Default::default()
            };
            for _ in 0..times * u32::from(work) {
                black_box(reader.statistics(black_box(&query)).unwrap());
            }
        }
        "intake" => {
            let (places, mut street) = county(0);
            let at = Utc.with_ymd_and_hms(2025, 6, 3, 1, 0, 0).unwrap();
            let code = fengqiao_synth::prefecture::escalate(
                &mut street,
                "522301",
                &places,
                &mut fengqiao_synth::Rng::new(1),
                at,
            )
            .unwrap();
            let doc = street.transfer_document(&code, at, None).unwrap();
            let pw = fengqiao_synth::prefecture::prefecture(&["522301"]).unwrap();
            let mut receivers: Vec<Engine> = (0..times)
                .map(|_| Engine::from_world(pw.clone()).unwrap())
                .collect();
            let centre = fengqiao_synth::prefecture::prefecture_centre();
            let now = Utc.with_ymd_and_hms(2025, 7, 1, 1, 0, 0).unwrap();
            for (i, r) in receivers.iter_mut().enumerate() {
                let d = doc.clone();
                if work {
                    assert_eq!(
                        r.intake(&centre, black_box(d), None, now).unwrap().added,
                        5,
                        "{i}"
                    );
                } else {
                    black_box(d);
                }
            }
        }
        // The default rules on the 1,000 ledger disputes of the zen-engine comparison
        // (benches/zen): which rules match, then the outcome merged from them.
        "rules_matching" | "rules_outcome" => {
            use fengqiao::routing::{NoUnits, Router};
            let router = Router::default_rules();
            let (_, dir) = fengqiao_synth::hierarchy(&fengqiao_synth::Spec::small()).unwrap();
            let t = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
            let disputes = fengqiao_synth::disputes::disputes(
                &mut fengqiao_synth::Rng::new(7),
                &dir,
                1_000,
                t,
            );
            let facts: Vec<_> = disputes
                .iter()
                .map(fengqiao_synth::rules::facts_of)
                .collect();
            let matched: Vec<_> = facts.iter().map(|f| router.matching(f, &NoUnits)).collect();
            for _ in 0..times * u32::from(work) {
                if path == "rules_matching" {
                    for f in &facts {
                        black_box(router.matching(black_box(f), &NoUnits));
                    }
                } else {
                    for m in &matched {
                        black_box(router.outcome(black_box(m)));
                    }
                }
            }
        }
        _ => unreachable!("checked against PATHS"),
    }
}
