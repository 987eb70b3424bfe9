//! Intake fed any bytes as a transfer document: refused cleanly or taken in, and a refusal
//! changes nothing but the audit record (issue 33). The seed is a real escalation
//! (`cargo run --example exchange -- fuzz/seeds/intake/escalation.json`), so mutations reach
//! the chain, signature and history checks, not only the parser.
#![no_main]
use std::sync::{Mutex, OnceLock};

use fengqiao::engine::{Engine, WorldData};
use fengqiao::trace::Actor;
use fengqiao::transfer::TransferDocument;
use libfuzzer_sys::fuzz_target;

const WORLD: &str = include_str!("../../examples/data/world-small.json");

fuzz_target!(|data: &[u8]| {
    // One engine for the whole run (a world parsed per input would make the target slow).
    static ENGINE: OnceLock<Mutex<Engine>> = OnceLock::new();
    let engine = ENGINE.get_or_init(|| {
        let world: WorldData = serde_json::from_str(WORLD).expect("the example world");
        Mutex::new(Engine::from_world(world).expect("the example world"))
    });
    let mut e = engine.lock().unwrap_or_else(|p| p.into_inner());
    let Ok(doc) = serde_json::from_slice::<TransferDocument>(data) else {
        return;
    };
    let (cases, seq) = (e.case_count(), e.journal_seq());
    let now = "2025-06-30T00:00:00Z".parse().expect("an instant");
    let centre = Actor::Staff("cs-522301000000".into());
    match e.intake(&centre, doc, None, now) {
        Ok(taken) => {
            let case = e.case(&taken.case).expect("taken in");
            fengqiao::trace::verify(&case.events).expect("a taken-in case verifies");
            assert_eq!(e.journal_seq(), seq + taken.added);
        }
        Err(_) => {
            assert_eq!(e.case_count(), cases, "a refusal added a case");
            assert!(e.journal_seq() <= seq + 1, "a refusal wrote more than its audit entry");
        }
    }
    let head = e.journal_seq();
    e.release_journal(head);
});
