//! `fengqiao-corpus plan FILE` writes the scenario corpus as a plan the C suite's runner
//! reads without a JSON parser (length-prefixed arguments, already in the C ABI's text);
//! `fengqiao-corpus check FILE` checks the outcomes that runner wrote against the corpus's
//! expectations, so C asserts exactly what Rust, Java and Node assert.
//!
//! The plan, per scenario: `scenario NAME`, `world PATH`, then per step either `restart`
//! or `call OP N SAVE` followed by N arguments, each a line with its length in bytes (-1:
//! absent) and a line with the bytes; `end` closes the scenario. The outcomes, per step:
//! `outcome STATUS LEN` and a line of LEN bytes (-1: no text).
//!
//! `fengqiao-corpus show SCENARIO.jsonl` runs one scenario in Rust and prints what each
//! step returned, for whoever writes its expectations.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use fengqiao_corpus::{arguments, check, load_all, Outcome, Step};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("plan"), Some(file)) => plan(file),
        (Some("check"), Some(file)) => check_outcomes(file),
        (Some("show"), Some(file)) => show(file),
        _ => Err("usage: fengqiao-corpus plan FILE | check FILE | show SCENARIO.jsonl".into()),
    };
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fengqiao-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn plan(file: &str) -> Result<String, String> {
    let mut out = Vec::new();
    let scenarios = load_all()?;
    let mut steps = 0;
    for s in &scenarios {
        writeln!(out, "scenario {}", s.file).map_err(|e| e.to_string())?;
        writeln!(out, "world {}", s.world).map_err(|e| e.to_string())?;
        for step in &s.steps {
            steps += 1;
            match step {
                Step::Restart { .. } => writeln!(out, "restart").map_err(|e| e.to_string())?,
                Step::Call {
                    line,
                    op,
                    args,
                    save,
                    ..
                } => {
                    let table = fengqiao_binding::surface::operation(op).expect("checked");
                    let values =
                        arguments(table, args).map_err(|m| format!("{}:{line}: {m}", s.file))?;
                    writeln!(
                        out,
                        "call {op} {} {}",
                        values.len(),
                        save.as_deref().unwrap_or("-")
                    )
                    .map_err(|e| e.to_string())?;
                    for v in values {
                        match v.plan_text() {
                            None => writeln!(out, "-1\n").map_err(|e| e.to_string())?,
                            Some(t) => {
                                writeln!(out, "{}", t.len()).map_err(|e| e.to_string())?;
                                out.extend_from_slice(t.as_bytes());
                                out.push(b'\n');
                            }
                        }
                    }
                }
            }
        }
        writeln!(out, "end").map_err(|e| e.to_string())?;
    }
    std::fs::write(file, out).map_err(|e| format!("{file}: {e}"))?;
    Ok(format!(
        "plan: {} scenarios, {steps} steps",
        scenarios.len()
    ))
}

fn check_outcomes(file: &str) -> Result<String, String> {
    let f = std::fs::File::open(file).map_err(|e| format!("{file}: {e}"))?;
    let mut r = std::io::BufReader::new(f);
    let scenarios = load_all()?;
    let (mut passed, mut failed) = (0, Vec::new());
    for s in &scenarios {
        let before = failed.len();
        let mut vars = fengqiao_corpus::Vars::new();
        for step in &s.steps {
            let mut head = String::new();
            r.read_line(&mut head).map_err(|e| e.to_string())?;
            let parts: Vec<&str> = head.split_whitespace().collect();
            let [_, status, len] = parts[..] else {
                return Err(format!("{file}: the outcomes end early, at {}", s.file));
            };
            let len: i64 = len
                .parse()
                .map_err(|_| format!("{file}: bad length {len}"))?;
            let out = if len < 0 {
                let mut nl = String::new();
                r.read_line(&mut nl).map_err(|e| e.to_string())?;
                None
            } else {
                let mut buf = vec![0; len as usize + 1];
                r.read_exact(&mut buf).map_err(|e| e.to_string())?;
                buf.pop();
                Some(String::from_utf8(buf).map_err(|e| e.to_string())?)
            };
            let outcome = Outcome {
                status: status.to_string(),
                out,
            };
            match step {
                Step::Restart { line } if outcome.status != "ok" => {
                    failed.push(format!("{}:{line}: restart: {:?}", s.file, outcome.out));
                }
                Step::Restart { .. } => {}
                Step::Call {
                    line,
                    op,
                    expect,
                    save,
                    ..
                } => {
                    let table = fengqiao_binding::surface::operation(op).expect("checked");
                    if let Err(m) = check(table, expect, &outcome, &vars) {
                        failed.push(format!("{}:{line}: `{op}`: {m}", s.file));
                    }
                    if let (Some(name), "ok", Some(out)) =
                        (save, outcome.status.as_str(), &outcome.out)
                    {
                        vars.insert(name.clone(), out.clone());
                    }
                }
            }
        }
        if failed.len() == before {
            passed += 1;
        }
    }
    if failed.is_empty() {
        Ok(format!("C corpus: {passed} scenarios passed, 0 failed"))
    } else {
        Err(format!(
            "C corpus: {passed} scenarios passed; {} step(s) failed:\n{}",
            failed.len(),
            failed.join("\n")
        ))
    }
}

fn show(file: &str) -> Result<String, String> {
    let s = fengqiao_corpus::load(std::path::Path::new(file))?;
    fengqiao_corpus::run_with(&s, false, |line, op, o| {
        let out = o.out.as_deref().unwrap_or("");
        let cut: String = out.chars().take(600).collect();
        println!("{line} {op}: {} {cut}", o.status);
    })?;
    Ok(format!("{}: {} steps", s.file, s.steps.len()))
}
