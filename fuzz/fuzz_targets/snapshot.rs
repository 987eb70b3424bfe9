//! A snapshot in parts whose case lines are any bytes, after a real head and snapshot line
//! (the example world's engine): refused with a journal error, or restored with every
//! case's trace verifying and ending in the head its line gave. The seed is a real case
//! line (the escalated case of `fuzz/seeds/intake`, in format 2), so mutations reach the
//! chain, the head and the lifecycle's replay, not only the parser.
#![no_main]
use std::sync::OnceLock;

use fengqiao::engine::{Engine, EngineError, WorldData};
use libfuzzer_sys::fuzz_target;

const WORLD: &str = include_str!("../../examples/data/world-small.json");

fuzz_target!(|data: &[u8]| {
    // The snapshot's own line, once for the run (a world per input would make it slow).
    static OWN_LINE: OnceLock<String> = OnceLock::new();
    let own = OWN_LINE.get_or_init(|| {
        let world: WorldData = serde_json::from_str(WORLD).expect("the example world");
        let parts = Engine::from_world(world).expect("the example world").snapshot().into_parts();
        parts.lines().nth(1).expect("the snapshot's own line").to_owned()
    });
    let Ok(lines) = std::str::from_utf8(data) else { return };
    let cases = lines.lines().filter(|l| !l.trim().is_empty()).count();
    // The first byte picks the format the head names: the lines are read as either.
    let format = if data.first().is_some_and(|b| b % 2 == 1) { 1 } else { 2 };
    let parts = format!(
        "{{\"format\":\"fengqiao-snapshot-parts/{format}\",\"cases\":{cases}}}\n{own}\n{lines}"
    );
    match Engine::restore_snapshot_parts(&parts, std::iter::empty()) {
        Ok(engine) => {
            assert_eq!(engine.case_count(), cases, "a restored snapshot lost or added a case");
            for case in engine.cases() {
                fengqiao::trace::verify(&case.events).expect("a restored case verifies");
            }
        }
        Err(EngineError::Journal(_)) => {}
        Err(other) => panic!("a snapshot refused with another error than the journal's: {other}"),
    }
});
