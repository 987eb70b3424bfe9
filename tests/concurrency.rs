//! The engine's thread-safety story: an `Engine` is `Send + Sync` with no interior
//! mutability except its access log (behind a mutex); share it behind an `RwLock`. Eight
//! threads register, route and operate at once; no event is lost or duplicated and every
//! trace verifies. (The C ABI's own 8-thread test is in ffi/tests/test_ffi.c.)

mod common;

use std::sync::{Arc, RwLock};

use common::*;
use fengqiao::prelude::*;

#[test]
fn engine_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
}

#[test]
fn eight_threads_lose_nothing() {
    let w = World::small();
    // The community's centre accepts: the router spreads the cases over both mediators.
    let md = w.community_centre(0);
    let gw = w.grid_worker(0);
    let template = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 1));
    let engine = Arc::new(RwLock::new(w.engine));
    const THREADS: usize = 8;
    const PER: usize = 25;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let engine = Arc::clone(&engine);
            let (md, gw, template) = (md.clone(), gw.clone(), template.clone());
            std::thread::spawn(move || {
                let mut codes = Vec::new();
                for i in 0..PER {
                    let now = at(2025, 5, 2) + chrono::Duration::seconds((t * PER + i) as i64);
                    let code = engine
                        .write()
                        .unwrap()
                        .register(&gw, template.clone(), now)
                        .unwrap();
                    engine
                        .write()
                        .unwrap()
                        .route(&Actor::System, &code, now)
                        .unwrap();
                    engine
                        .write()
                        .unwrap()
                        .apply(
                            &md,
                            &code,
                            Operation::Accept {
                                note: String::new(),
                            },
                            now,
                        )
                        .unwrap();
                    // Readers interleave with writers.
                    let seen = engine
                        .read()
                        .unwrap()
                        .reader(&gw, now)
                        .and_then(|r| r.case(&code))
                        .unwrap();
                    assert_eq!(seen.events, 3);
                    codes.push(code);
                }
                codes
            })
        })
        .collect();
    let mut all: Vec<CaseCode> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let e = engine.read().unwrap();
    assert_eq!(e.case_count(), THREADS * PER);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), THREADS * PER, "case codes are unique");
    let events: usize = e.cases().map(|c| c.events.len()).sum();
    assert_eq!(events, THREADS * PER * 3, "no event lost or duplicated");
    for c in e.cases() {
        e.verify(&c.dispute.code).unwrap();
    }
    // Team loads add up: each accepted case occupies its team.
    let load: u32 = e.all_staff().iter().map(|s| s.active_cases).sum();
    let members: usize = e
        .cases()
        .map(|c| c.dispute.routing.as_ref().unwrap().team.len())
        .sum();
    assert_eq!(load as usize, members);
}
