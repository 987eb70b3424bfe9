//! The main job: the Sajin Street scenario of the seed article, end to end on the built-in
//! default rules, printing the report a governance centre would recognise.
//!
//! ```sh
//! cargo run --release --example sajin              # seed 2023
//! cargo run --release --example sajin -- 7         # another seed
//! cargo run --release --example sajin -- 2023 out/ # also write the data set to out/
//! ```

use std::time::Instant;

use fengqiao_synth::sajin;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2023);
    let out = args.next();
    let started = Instant::now();
    let scenario = sajin::run(seed)?;
    let ran = started.elapsed();
    let figures = sajin::figures(&scenario)?;
    print!("{}", figures.to_text(&scenario));
    println!(
        "\n(simulated in {:.2} s, figures and verification in {:.2} s)",
        ran.as_secs_f64(),
        (started.elapsed() - ran).as_secs_f64()
    );
    // A restart, as a host restarts: the engine rebuilt from the world document and its
    // journal must print the very same report.
    let restarted = Instant::now();
    let restored = sajin::restored(&scenario)?;
    let same = sajin::figures(&restored)?.to_text(&restored) == figures.to_text(&scenario);
    println!(
        "restored from its journal ({} entries, digest {}) in {:.2} s: {}",
        restored.engine.journal_seq(),
        &restored.engine.journal_digest().to_string()[..16],
        restarted.elapsed().as_secs_f64(),
        if same {
            "the same figures"
        } else {
            "DIFFERENT FIGURES"
        }
    );
    if !same {
        return Err("the restored engine's figures differ".into());
    }
    // Signing, as a centre does before an inspection (docs/security.md): the journal's head
    // and the register of every case's head signed once each, and the restarted engine's
    // register checked against that signature. A development key: production signs in the
    // host's certified module.
    let signing = Instant::now();
    let signer = fengqiao::signing::Sm2Signer::from_secret_hex("sajin-dev", &"5a".repeat(32))?;
    let mut verifier = fengqiao::signing::Sm2Verifier::default();
    verifier.add_key("sajin-dev", &signer.public_key_hex())?;
    let at = scenario.engine.journal_seq();
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let head = scenario.engine.sign_journal_head(&signer, now)?;
    let (register, signed) = scenario.engine.sign_case_register(&signer, now)?;
    fengqiao::signing::verify_register(&restored.engine.case_heads(), &signed, &verifier)?;
    head.check(&verifier)?;
    println!(
        "signed with SM2 (development key): the journal at {at}, the register of {} case heads; the restored engine's register verifies against it ({:.0} ms)",
        register.len(),
        signing.elapsed().as_secs_f64() * 1e3
    );
    if let Some(dir) = out {
        write_data(&scenario, std::path::Path::new(&dir))?;
        println!("data set written to {dir}/");
    }
    Ok(())
}

/// Writes the world, the rules and every trace, so the C, Python and web examples can load
/// the same world.
fn write_data(s: &sajin::Scenario, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let e = &s.engine;
    std::fs::write(
        dir.join("hierarchy.json"),
        serde_json::to_string(&e.hierarchy().to_data())?,
    )?;
    std::fs::write(
        dir.join("staff.json"),
        serde_json::to_string_pretty(e.all_staff())?,
    )?;
    std::fs::write(
        dir.join("agencies.json"),
        serde_json::to_string_pretty(e.agencies())?,
    )?;
    std::fs::write(
        dir.join("rules.json"),
        serde_json::to_string_pretty(e.router().rule_set())?,
    )?;
    let mut traces = String::new();
    for c in e.cases() {
        traces.push_str(&fengqiao::trace::to_jsonl(&c.events));
    }
    std::fs::write(dir.join("traces.jsonl"), traces)
}
