//! The `fengqiao` program run as an analyst runs it: every subcommand's exit status and
//! output shape, and a bad rule file's rendered diagnostic against its snapshot
//! (`FENGQIAO_BLESS=1` rewrites the snapshots after a deliberate change).

mod common;

use common::{data, root, run};

use std::path::PathBuf;
use std::process::{Command, Output};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn status(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fengqiao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Compares `text` with the snapshot `name` (or writes it, when blessing).
fn snapshot(name: &str, text: &str) {
    let path = root().join("cli/tests/snapshots").join(name);
    if std::env::var_os("FENGQIAO_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("missing snapshot {name}: FENGQIAO_BLESS=1 cargo test -p fengqiao-cli")
    });
    assert_eq!(
        text, want,
        "snapshot {name} differs: FENGQIAO_BLESS=1 after a deliberate change"
    );
}

const BAD: &str = r#"{"id": "county", "version": "2", "hit_policy": "first", "rules": [
  {"id": "labour", "description": "Labour disputes go to the street",
   "when": {"category_in": ["labor"]}, "then": {"level": "street"}},
  {"id": "rest", "description": "Everything else", "priority": -1, "then": {"level": "community"}}
]}
"#;

#[test]
fn validate_draws_the_diagnostic_under_the_value_and_exits_by_severity() {
    // Clean: 0.
    let o = run(&[
        "validate",
        &data("rules-labour-to-street.json"),
        "--world",
        &data("world-small.json"),
    ]);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("0 个错误, 0 个警告"));
    // An unknown word: an error drawn at its line and column, 2.
    let bad = temp("bad.json", BAD);
    let o = run(&["--lang", "en", "validate", bad.to_str().unwrap()]);
    assert_eq!(status(&o), 2);
    let text = stdout(&o).replace(bad.to_str().unwrap(), "bad.json");
    snapshot("validate-bad.txt", &text);
    assert!(text.contains("┌─ bad.json:3:29"), "{text}");
    // For programs: the same diagnostic with its line and column.
    let o = run(&["--format", "json", "validate", bad.to_str().unwrap()]);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(items[0]["diagnostic"]["code"], "parse");
    assert_eq!(
        items[0]["diagnostic"]["path"],
        "rules[0].when.category_in[0]"
    );
    assert_eq!(
        (
            items[0]["at"]["line"].as_u64(),
            items[0]["at"]["column"].as_u64()
        ),
        (Some(3), Some(29))
    );
    // Warnings only (a rule without a description): 1.
    let mut rules: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data("rules-labour-to-street.json")).unwrap(),
    )
    .unwrap();
    rules["rules"][0]["description"] = "".into();
    let warn = temp("warn.json", &serde_json::to_string_pretty(&rules).unwrap());
    let o = run(&["validate", warn.to_str().unwrap()]);
    assert_eq!(status(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("warning[undocumented]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn route_prints_the_decision_and_its_reasons() {
    let rules = data("rules-labour-to-street.json");
    let world = data("world-small.json");
    let dispute = data("dispute.json");
    let o = run(&["--lang", "en", "route", &rules, "--world", &world, &dispute]);
    assert_eq!(status(&o), 0);
    let text = stdout(&o);
    assert!(
        text.contains("level") && text.contains("street/township"),
        "{text}"
    );
    assert!(
        text.contains("labour-window") && text.contains("劳动争议调解仲裁法 art. 14"),
        "{text}"
    );
    // The labour 15 days are shown with their last day before anything has passed (issue
    // 31: legal windows in advance; 劳动争议调解仲裁法 art. 14).
    assert!(text.contains("labour mediation 15 days"), "{text}");
    let o = run(&[
        "--format", "json", "route", &rules, "--world", &world, &dispute,
    ]);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d[0]["level"], "street");
    assert_eq!(d[0]["unit"], "522301001000");
    assert_eq!(d[0]["legal_windows"][0]["window"], "labour_mediation");
    assert_eq!(d[0]["legal_windows"][0]["last_day"], "2025-10-10");
    let o = run(&[
        "--format", "csv", "route", &rules, "--world", &world, &dispute,
    ]);
    let text = stdout(&o);
    assert!(
        text.starts_with(
            "dispute,level,unit,team,agencies,accept,handle,verify,matched,legal_windows\n"
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .contains(",street,522301001000,"),
        "{text}"
    );
    // A bad rule file is drawn on stderr and routes nothing: 2.
    let bad = temp("bad-route.json", BAD);
    let o = run(&["route", bad.to_str().unwrap(), "--world", &world, &dispute]);
    assert_eq!(status(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[parse]"));
}

#[test]
fn every_subcommand_takes_every_form_of_rule_set() {
    // As an analyst would (issue 31): the shipped spreadsheets work wherever a rule set
    // does, and a file that is neither says which forms there are.
    let world = data("world-small.json");
    let dispute = data("dispute.json");
    for table in ["default-rules.xlsx", "default-rules.csv"] {
        let o = run(&[
            "--format",
            "json",
            "route",
            &data(table),
            "--world",
            &world,
            &dispute,
        ]);
        assert_eq!(
            status(&o),
            0,
            "{table}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(d[0]["rule_set"], "fengqiao-default@1.1.0", "{table}");
    }
    let o = run(&[
        "--format",
        "json",
        "whatif",
        "--world",
        &world,
        "--history",
        &data("history.jsonl"),
        "--before",
        &data("default-rules.xlsx"),
        "--after",
        &data("rules-labour-to-street.json"),
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["moves"]["levels"]["community → street"].as_u64().unwrap() > 0);
    let o = run(&[
        "bench",
        &data("default-rules.csv"),
        "--world",
        &world,
        "--history",
        &data("history.jsonl"),
        "--scale",
        "100",
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // A spreadsheet under another name: not UTF-8, and the message names the forms (65).
    let xlsx = std::fs::read(root().join("examples/data/default-rules.xlsx")).unwrap();
    let renamed =
        std::env::temp_dir().join(format!("fengqiao-cli-{}-rules.bin", std::process::id()));
    std::fs::write(&renamed, xlsx).unwrap();
    let o = run(&[
        "route",
        renamed.to_str().unwrap(),
        "--world",
        &world,
        &dispute,
    ]);
    assert_eq!(status(&o), 65);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(".xlsx") && err.contains("fengqiao import"),
        "{err}"
    );
}

#[test]
fn whatif_counts_the_moves_and_draws_them() {
    let world = data("world-small.json");
    let before = temp(
        "default.json",
        &serde_json::to_string(
            &fengqiao::routing::RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).unwrap(),
        )
        .unwrap(),
    );
    let after = data("rules-labour-to-street.json");
    let svg = std::env::temp_dir().join(format!("fengqiao-cli-{}-moves.svg", std::process::id()));
    let args = [
        "whatif",
        "--world",
        &world,
        "--history",
        &data("history.jsonl"),
        "--before",
        before.to_str().unwrap(),
        "--after",
        &after,
        "--svg",
        svg.to_str().unwrap(),
    ];
    let o = run(&args);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains("劳动争议"), "{text}");
    assert!(text.contains("community → street"), "{text}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    assert!(chart.matches("<rect").count() > 4);
    // Readable (issue 31): every bar shows its value, a value axis with ticks, and the
    // twelve people's labels turned (and shortened) instead of one line under the bars.
    let bars = chart.matches("<rect").count() - 2; // less the legend's two swatches
    assert_eq!(chart.matches(r#"class="value""#).count(), bars, "{chart}");
    assert_eq!(chart.matches(r#"class="axis""#).count(), 2);
    assert!(chart.matches(r#"class="tick""#).count() >= 6);
    assert!(chart.contains("rotate(-40"), "{chart}");
    let mut json = vec!["--format", "json"];
    json.extend_from_slice(&args[..args.len() - 2]);
    let o = run(&json);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let moved = v["moves"]["levels"]["community → street"].as_u64().unwrap();
    let labour = v["moves"]["by_category"]["labour"]["level"]
        .as_u64()
        .unwrap();
    assert!(moved > 0);
    assert_eq!(labour, moved, "the variant moves labour disputes only");
    assert!(v["comparison"]["changed"].as_array().unwrap().len() as u64 >= moved);
}

#[test]
fn verify_checks_a_journal_against_signed_heads() {
    use fengqiao::engine::{Engine, WorldData};
    use fengqiao::signing::Sm2Signer;
    let world_text = std::fs::read_to_string(data("world-small.json")).unwrap();
    let world: WorldData = serde_json::from_str(&world_text).unwrap();
    let mut e = Engine::from_world(world).unwrap();
    e.set_available("gw-522301001001001", false).unwrap();
    e.set_available("gw-522301001001001", true).unwrap();
    let signer = Sm2Signer::from_secret_hex("k1", &"42".repeat(32)).unwrap();
    let head = e
        .sign_journal_head(&signer, "2025-06-09T08:00:00Z".parse().unwrap())
        .unwrap();
    let journal = fengqiao::journal::to_jsonl(&e.journal(0, usize::MAX).unwrap());
    let j = temp("journal.jsonl", &journal);
    let h = temp("heads.json", &serde_json::to_string(&[head]).unwrap());
    let k = temp(
        "keys.json",
        &format!(r#"{{"k1": "{}"}}"#, signer.public_key_hex()),
    );
    let w = data("world-small.json");
    let o = run(&[
        "--lang",
        "en",
        "verify",
        "--world",
        &w,
        j.to_str().unwrap(),
        "--heads",
        h.to_str().unwrap(),
        "--keys",
        k.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("signed heads checked"));
    // The last entry cut off: the signed head lies past the journal.
    let cut = temp("cut.jsonl", journal.lines().next().unwrap());
    let o = run(&[
        "--format",
        "json",
        "verify",
        "--world",
        &w,
        cut.to_str().unwrap(),
        "--heads",
        h.to_str().unwrap(),
        "--keys",
        k.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 2);
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["problem"], "truncated");
    // Neither a journal nor a trace: a usage error.
    assert_eq!(status(&run(&["verify", "--world", &w])), 64);
}

#[test]
fn verify_checks_a_case_trace_against_its_signed_head() {
    use fengqiao::engine::{Engine, WorldData};
    use fengqiao::signing::Sm2Signer;
    use fengqiao::trace::Actor;
    let world: WorldData =
        serde_json::from_str(&std::fs::read_to_string(data("world-small.json")).unwrap()).unwrap();
    let input: fengqiao::dispute::DisputeInput =
        serde_json::from_str(&std::fs::read_to_string(data("dispute.json")).unwrap()).unwrap();
    let mut e = Engine::from_world(world).unwrap();
    let at: chrono::DateTime<chrono::Utc> = "2025-09-25T01:30:00Z".parse().unwrap();
    let code = e
        .register(&Actor::Staff("gw-522301001001001".into()), input, at)
        .unwrap();
    e.route(&Actor::System, &code, at).unwrap();
    let signer = Sm2Signer::from_secret_hex("k1", &"42".repeat(32)).unwrap();
    let head = e.sign_case_head(&code, &signer, at).unwrap();
    let events = e.case(&code).unwrap().events.clone();
    let t = temp("trace.jsonl", &fengqiao::trace::to_jsonl(&events));
    let h = temp("case-heads.json", &serde_json::to_string(&[head]).unwrap());
    let k = temp(
        "keys1.json",
        &format!(r#"{{"k1": "{}"}}"#, signer.public_key_hex()),
    );
    let args = |t: &PathBuf| {
        run(&[
            "--format",
            "json",
            "verify",
            "--trace",
            t.to_str().unwrap(),
            "--heads",
            h.to_str().unwrap(),
            "--keys",
            k.to_str().unwrap(),
        ])
    };
    let o = args(&t);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (r["heads"].as_u64(), r["unsigned"].as_u64()),
        (Some(1), Some(0))
    );
    // The amount in dispute changed: the chain itself breaks.
    let text = fengqiao::trace::to_jsonl(&events);
    assert!(text.contains("\"amount_yuan\":36000"));
    let changed = text.replacen("\"amount_yuan\":36000", "\"amount_yuan\":3600", 1);
    let o = args(&temp("changed.jsonl", &changed));
    assert_eq!(status(&o), 2);
}

#[test]
fn bad_invocations_get_their_own_exit_status() {
    // A usage error: 64, with clap's message.
    let o = run(&["validate"]);
    assert_eq!(status(&o), 64);
    assert!(String::from_utf8_lossy(&o.stderr).contains("<RULES>"));
    // A file that is not there: 66, named.
    let o = run(&["validate", "/nonexistent/rules.json"]);
    assert_eq!(status(&o), 66);
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/rules.json"));
    // A world that is not a world: 65.
    let w = temp("world.json", "{\"hierarchy\": 1}");
    let o = run(&[
        "validate",
        &data("rules-labour-to-street.json"),
        "--world",
        w.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 65);
    // Help: 0.
    assert_eq!(status(&run(&["--help"])), 0);
}

#[test]
fn stats_reports_by_category_and_period_and_draws_them() {
    use fengqiao::engine::{Engine, WorldData};
    use fengqiao::trace::Actor;
    let world: WorldData =
        serde_json::from_str(&std::fs::read_to_string(data("world-small.json")).unwrap()).unwrap();
    let input: fengqiao::dispute::DisputeInput =
        serde_json::from_str(&std::fs::read_to_string(data("dispute.json")).unwrap()).unwrap();
    let mut e = Engine::from_world(world).unwrap();
    let gw = Actor::Staff("gw-522301001001001".into());
    let t0: chrono::DateTime<chrono::Utc> = "2025-09-25T01:30:00Z".parse().unwrap();
    for i in 0..3 {
        let at = t0 + chrono::Duration::days(40 * i);
        let mut d = input.clone();
        d.discovered_at = at;
        let code = e.register(&gw, d, at).unwrap();
        e.route(&Actor::System, &code, at).unwrap();
    }
    let journal = temp(
        "stats.jsonl",
        &fengqiao::journal::to_jsonl(&e.journal(0, usize::MAX).unwrap()),
    );
    let svg = std::env::temp_dir().join(format!("fengqiao-cli-{}-stats.svg", std::process::id()));
    let w = data("world-small.json");
    let j = journal.to_str().unwrap();
    let o = run(&[
        "stats",
        "--world",
        &w,
        j,
        "--by-category",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("劳动争议"), "{}", stdout(&o));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("排查"));
    let o = run(&[
        "--format",
        "json",
        "stats",
        "--world",
        &w,
        j,
        "--by-period",
        "month",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["total"]["counts"]["screened"], 3);
    let months: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["period"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2025-09", "2025-11", "2025-12"]);
    // For spreadsheets: CSV, a row a month and the total.
    let o = run(&[
        "--format",
        "csv",
        "stats",
        "--world",
        &w,
        j,
        "--by-period",
        "month",
    ]);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("unit,unit_name,category,period,screened,"),
        "{text}"
    );
    assert_eq!(lines.len(), 1 + 3 + 1, "{text}");
    assert!(lines[1].contains(",2025-09,1,"), "{text}");
    // A word clap does not know is a usage error naming the value.
    let o = run(&["stats", "--world", &w, j, "--by-period", "fortnight"]);
    assert_eq!(status(&o), 64);
    assert!(String::from_utf8_lossy(&o.stderr).contains("fortnight"));
}

#[test]
fn bench_measures_growth_and_stops_cleanly_on_ctrl_c() {
    let rules = data("rules-labour-to-street.json");
    let (w, h) = (data("world-small.json"), data("history.jsonl"));
    let o = run(&[
        "--format",
        "json",
        "bench",
        &rules,
        "--world",
        &w,
        "--history",
        &h,
        "--scale",
        "500",
        "--growth",
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let runs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sizes: Vec<u64> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rules"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes.len(), 4);
    assert_eq!(
        sizes.iter().map(|s| s / sizes[0]).collect::<Vec<_>>(),
        [1, 2, 4, 8]
    );
    assert!(runs
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["decisions"] == 500 && r["failed"] == 0));
    // Ctrl-C in the middle of a long run: exit 130, with what was measured.
    let child = Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args([
            "--format",
            "json",
            "bench",
            &rules,
            "--world",
            &w,
            "--history",
            &h,
            "--scale",
            "100000000",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    let runs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let done = runs[0]["decisions"].as_u64().unwrap();
    assert!(done > 0 && done < 100_000_000, "{done}");
}

#[test]
fn transfer_inspects_and_verifies_a_document() {
    use fengqiao::engine::{Engine, WorldData};
    use fengqiao::signing::Sm2Signer;
    use fengqiao::trace::Actor;
    use fengqiao::transfer::{Endpoint, TransferReason};
    let world: WorldData =
        serde_json::from_str(&std::fs::read_to_string(data("world-small.json")).unwrap()).unwrap();
    let mut e = Engine::from_world(world).unwrap();
    let centre = Actor::Staff("cs-522301001000".into());
    let input = serde_json::from_value(serde_json::json!({
        "category": "neighbour", "channel": "walk_in",
        "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101",
        "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z"
    }))
    .unwrap();
    let now = "2025-06-09T01:00:00Z".parse().unwrap();
    let code = e.register(&centre, input, now).unwrap();
    let signer = Sm2Signer::from_secret_hex("street", &"42".repeat(32)).unwrap();
    let to = Endpoint {
        unit: "522301000000".parse().unwrap(),
        body: None,
    };
    let doc = e
        .transfer_out(
            &centre,
            &code,
            to,
            TransferReason::Escalation,
            String::new(),
            now,
            Some(&signer),
        )
        .unwrap();
    let d = temp("transfer.json", &serde_json::to_string(&doc).unwrap());
    let k = temp(
        "transfer-keys.json",
        &format!(r#"{{"street": "{}"}}"#, signer.public_key_hex()),
    );
    let o = run(&[
        "--lang",
        "en",
        "transfer",
        d.to_str().unwrap(),
        "--keys",
        k.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("street ✓"), "{}", stdout(&o));
    assert!(stdout(&o).contains(code.as_str()));
    // Signed by a key the reader does not trust.
    let other = temp("other-keys.json", r#"{}"#);
    let o = run(&[
        "--format",
        "json",
        "transfer",
        d.to_str().unwrap(),
        "--keys",
        other.to_str().unwrap(),
    ]);
    assert_eq!(status(&o), 2);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "signature");
    // The trace rewritten on the way.
    let mut bad = doc.clone();
    bad.events[0].at = "2025-06-09T00:59:00Z".parse().unwrap();
    let b = temp("transfer-bad.json", &serde_json::to_string(&bad).unwrap());
    let o = run(&["--format", "json", "transfer", b.to_str().unwrap()]);
    assert_eq!(status(&o), 2);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "trace");
    // Not a document at all.
    let n = temp("not-a-transfer.json", r#"{"format": "x"}"#);
    assert_eq!(status(&run(&["transfer", n.to_str().unwrap()])), 65);
}
