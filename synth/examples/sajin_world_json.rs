//! The Sajin Street world (no cases) as a world document, for a page that loads its world as
//! JSON: `cargo run -p fengqiao-synth --example sajin_world_json -- PATH [SEED]`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: sajin_world_json PATH [SEED]")?;
    let seed: u64 = args.next().map_or(Ok(2023), |s| s.parse())?;
    let (data, _) = fengqiao_synth::world_data(&fengqiao_synth::sajin::spec(seed))?;
    std::fs::write(&path, serde_json::to_vec(&data)?)?;
    println!(
        "{path}: the Sajin world (seed {seed}), {} residents",
        data.people.len()
    );
    Ok(())
}
