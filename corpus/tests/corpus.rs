//! The scenario corpus against the binding layer in Rust, and what it covers: at least 40
//! scenarios, every operation a JSON corpus can call, and every error code but those no
//! JSON value can reach (each binding's own suite tests those).

use std::collections::BTreeSet;

use fengqiao_corpus::{callable, load_all, run, Expect, Step, OUT_OF_REACH};

#[test]
fn every_scenario_has_its_outcomes_in_rust() {
    let scenarios = load_all().unwrap();
    let failures: Vec<String> = scenarios.iter().filter_map(|s| run(s).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_covers_every_operation_and_every_reachable_code() {
    let scenarios = load_all().unwrap();
    assert!(
        scenarios.len() >= 40,
        "{} scenarios; at least 40",
        scenarios.len()
    );
    let mut ops = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for s in &scenarios {
        for step in &s.steps {
            if let Step::Call { op, expect, .. } = step {
                ops.insert(op.as_str());
                if let Expect::Error(c) = expect {
                    codes.insert(c.as_str());
                }
            }
        }
    }
    let missing: Vec<_> = callable()
        .map(|o| o.name)
        .filter(|n| !ops.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "operations no scenario calls: {missing:?}"
    );
    let out: BTreeSet<&str> = OUT_OF_REACH.iter().map(|(c, _)| *c).collect();
    let unexpected: Vec<_> = codes.iter().filter(|c| out.contains(*c)).collect();
    assert!(
        unexpected.is_empty(),
        "codes listed as out of reach but expected: {unexpected:?}"
    );
    let missing: Vec<_> = fengqiao_binding::CODES
        .iter()
        .map(|c| c.word)
        .filter(|w| !codes.contains(w) && !out.contains(w))
        .collect();
    assert!(
        missing.is_empty(),
        "error codes no scenario expects: {missing:?}"
    );
}

#[test]
fn a_wrong_expectation_fails_naming_the_line_and_the_difference() {
    let dir = std::env::temp_dir().join(format!("fq-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("wrong.jsonl");
    std::fs::write(
        &f,
        "{\"scenario\":\"wrong\",\"world\":\"examples/data/world-small.json\"}\n\
         {\"op\":\"unit\",\"args\":{\"unit_code\":\"522301001001\"},\"expect\":{\"ok\":{\"kind\":\"street\"}}}\n\
         {\"op\":\"unit\",\"args\":{\"unit_code\":\"522301001001\"},\"expect\":{\"error\":\"not_found\"}}\n",
    )
    .unwrap();
    let s = fengqiao_corpus::load(&f).unwrap();
    let err = run(&s).unwrap_err();
    assert!(
        err.contains("wrong.jsonl:2") && err.contains("/kind"),
        "{err}"
    );
    // And an error expected where the call succeeds is a failure too.
    let mut s2 = s.clone();
    s2.steps.remove(0);
    let err = run(&s2).unwrap_err();
    assert!(
        err.contains("wrong.jsonl:3") && err.contains("expected the error `not_found`"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).ok();
}
