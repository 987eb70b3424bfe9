//! The Sajin Street scenario persisted in PostgreSQL and restored in a second process,
//! which prints the very same figures: what a host does across a restart.
//!
//! ```sh
//! cargo run --release -p fengqiao-store --example sajin_postgres            # a throw-away server
//! FENGQIAO_STORE_PARAMS="host=… user=… dbname=…" \
//!   cargo run --release -p fengqiao-store --example sajin_postgres          # your server
//! ```
//!
//! The first restore reads the whole journal; then a snapshot is stored and the second
//! restore starts from it.

use std::process::Command;
use std::time::Instant;

use fengqiao_store::cluster::Cluster;
use fengqiao_store::Store;
use fengqiao_synth::sajin;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--restore") {
        return restore(&args[1], args[2].parse()?, args[3].parse()?);
    }
    let seed = args.first().map(|s| s.parse()).transpose()?.unwrap_or(2023);
    // A server of our own unless the host names one (kept alive until the end).
    let (_cluster, params) = match std::env::var("FENGQIAO_STORE_PARAMS") {
        Ok(p) => (None, p),
        Err(_) => {
            let c = Cluster::start(&[])?;
            let p = c.params();
            (Some(c), p)
        }
    };
    let started = Instant::now();
    let scenario = sajin::run(seed)?;
    let figures = sajin::figures(&scenario)?.to_text(&scenario);
    print!("{figures}");
    println!("(simulated in {:.1} s)", started.elapsed().as_secs_f64());

    let mut store = Store::connect(&params)?;
    store.migrate()?;
    let county = store.create(&scenario.world)?;
    let t = Instant::now();
    let stored = store.append(&scenario.engine)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "stored in PostgreSQL, county {county}: {} entries in one transaction in {secs:.1} s ({:.0} entries/s)",
        stored.count(),
        stored.count() as f64 / secs
    );
    let check = |label: &str| -> Result<(), Box<dyn std::error::Error>> {
        let exe = std::env::current_exe()?;
        let out = Command::new(exe)
            .args(["--restore", &params, &seed.to_string()])
            .arg(scenario.sweeps.to_string())
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "the second process failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let text = String::from_utf8(out.stdout)?;
        let (restored, timing) = text.rsplit_once("\nRESTORED ").ok_or("no figures")?;
        let (timing, digest) = timing.split_once(" DIGEST ").ok_or("no digest")?;
        // The journal's digest chains every event's hash: equal digests, equal traces and
        // heads (and every chain was verified while restoring).
        let same = restored == figures.trim_end_matches('\n')
            && digest.trim() == scenario.engine.journal_digest().to_string();
        println!(
            "restored in a second process {label}: {}: {}",
            timing.trim(),
            if same {
                "the same figures, traces and heads (journal digest)"
            } else {
                "DIFFERENT FIGURES OR TRACES"
            }
        );
        if same {
            Ok(())
        } else {
            Err(format!("the restored figures or digest differ ({digest}):\n{restored}").into())
        }
    };
    check("from the journal")?;
    let t = Instant::now();
    let at = store.snapshot(&scenario.engine)?;
    println!(
        "snapshot at entry {at} stored in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    check("from the snapshot")?;
    Ok(())
}

/// The second process: restore the county, print the figures and the time it took.
fn restore(params: &str, seed: u64, sweeps: u32) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let mut store = Store::connect(params)?;
    let engine = store.restore("522301")?;
    let secs = t.elapsed().as_secs_f64();
    let (world, places) = fengqiao_synth::world_data(&sajin::spec(seed))?;
    let scenario = sajin::Scenario {
        engine,
        places,
        seed,
        sweeps,
        world,
    };
    let figures = sajin::figures(&scenario)?.to_text(&scenario);
    print!("{}", figures.trim_end_matches('\n'));
    println!(
        "\nRESTORED {} entries in {secs:.1} s DIGEST {}",
        scenario.engine.journal_seq(),
        scenario.engine.journal_digest()
    );
    Ok(())
}
