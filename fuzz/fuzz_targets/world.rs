//! World and dispute ingest: JSON for a whole world, then a dispute to route in it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // First half: a world; second half: a dispute.
    let (a, b) = data.split_at(data.len() / 2);
    let world = serde_json::from_slice::<fengqiao::engine::WorldData>(a)
        .ok()
        .and_then(|w| fengqiao::engine::Engine::from_world(w).ok());
    let Ok(input) = serde_json::from_slice::<fengqiao::dispute::DisputeInput>(b) else { return };
    if let Some(engine) = world {
        let _ = engine.decide_input(&input);
    }
    static SMALL: std::sync::OnceLock<fengqiao::engine::Engine> = std::sync::OnceLock::new();
    let engine = SMALL.get_or_init(|| fengqiao_synth::world(&fengqiao_synth::Spec::small()).expect("builds").0);
    let _ = engine.decide_input(&input);
});
