//! `bench`: how fast a rule set decides — decisions per second over a history (cycled to a
//! chosen scale), and how that grows with the number of rules (the set copied 1, 2, 4, 8
//! times). Progress on a terminal; Ctrl-C stops with what was measured so far.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use fengqiao::dispute::DisputeInput;
use fengqiao::routing::RuleSet;
use serde::Serialize;

use crate::output::{Out, Table};
use crate::{engine, Failure};

/// Set by Ctrl-C: loops stop at the next check and report what they measured.
pub(crate) static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once.
pub(crate) fn catch_interrupt() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// One measurement.
#[derive(Serialize)]
pub(crate) struct Run {
    pub rules: usize,
    pub decisions: usize,
    pub failed: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub micros_each: f64,
}

/// `set` with its rules copied `k` times (ids made unique): the same decisions from `k`
/// times the rules, to see how deciding grows with a table's size.
fn copies(set: &RuleSet, k: usize) -> RuleSet {
    let mut out = set.clone();
    for j in 1..k {
        for r in &set.rules {
            let mut c = r.clone();
            c.id = format!("{}#{j}", r.id);
            out.rules.push(c);
        }
    }
    out.version = format!("{}-x{k}", set.version);
    out
}

pub(crate) fn run(
    out: &Out,
    rules: &Path,
    world: &Path,
    history: &Path,
    scale: Option<usize>,
    growth: bool,
) -> Result<u8, Failure> {
    catch_interrupt();
    let base = engine(world)?;
    let (set, _) = crate::rules::load(out, rules)?;
    let path = history;
    let history = crate::whatif::history(path)?;
    if history.is_empty() {
        return Err(Failure::Data(format!(
            "{}: no disputes to decide",
            path.display()
        )));
    }
    let n = scale.unwrap_or(history.len());
    let inputs: Vec<&DisputeInput> = history.iter().map(|h| &h.input).collect();
    let factors: &[usize] = if growth { &[1, 2, 4, 8] } else { &[1] };
    let bar = indicatif::ProgressBar::new((n * factors.len()) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} decisions, {per_sec}, {eta} left",
        )
        .expect("a valid template"),
    );
    let mut runs = Vec::new();
    'sizes: for &k in factors {
        let mut e = base.clone();
        let sized = copies(&set, k);
        let count = sized.rules.len();
        e.load_rules(sized)
            .map_err(|err| Failure::Data(format!("{}: {err}", rules.display())))?;
        let (mut done, mut failed) = (0usize, 0usize);
        let start = Instant::now();
        // The history cycled to `n` decisions, in chunks between checks for Ctrl-C.
        while done < n {
            if INTERRUPTED.load(Ordering::SeqCst) {
                runs.push(measure(count, done, failed, start));
                break 'sizes;
            }
            let chunk = (n - done).min(256);
            for i in done..done + chunk {
                failed += usize::from(e.decide_input(inputs[i % inputs.len()]).is_err());
            }
            done += chunk;
            bar.inc(chunk as u64);
        }
        runs.push(measure(count, done, failed, start));
    }
    bar.finish_and_clear();
    let interrupted = INTERRUPTED.load(Ordering::SeqCst);
    if out.json {
        out.json(&runs);
    } else {
        let l = |zh: &str, en: &str| out.label(zh, en).to_string();
        let mut t = Table::new(&[
            &l("规则数", "rules"),
            &l("决定数", "decisions"),
            &l("失败", "failed"),
            &l("秒", "seconds"),
            &l("每秒决定", "per second"),
            &l("每次（微秒）", "µs each"),
        ]);
        for r in &runs {
            t.row(vec![
                r.rules.to_string(),
                r.decisions.to_string(),
                r.failed.to_string(),
                format!("{:.3}", r.seconds),
                format!("{:.0}", r.per_second),
                format!("{:.2}", r.micros_each),
            ]);
        }
        out.print(&t);
        if interrupted {
            out.say(&l(
                "（已中断：以上为中断前的测量）",
                "(interrupted: measured up to the interruption)",
            ));
        }
    }
    Ok(if interrupted { 130 } else { 0 })
}

fn measure(rules: usize, decisions: usize, failed: usize, start: Instant) -> Run {
    let seconds = start.elapsed().as_secs_f64();
    Run {
        rules,
        decisions,
        failed,
        seconds,
        per_second: if seconds > 0.0 {
            decisions as f64 / seconds
        } else {
            0.0
        },
        micros_each: if decisions > 0 {
            seconds * 1e6 / decisions as f64
        } else {
            0.0
        },
    }
}
