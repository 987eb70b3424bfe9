//! Capture devices (issue 36): grid workers' phones register offline in engines of their own,
//! each numbering in its device's block, and the street takes every capture in — no two codes
//! collide, whoever registered first, and each engine numbers on from its own count after a
//! restore, a snapshot or an intake of another's cases.

mod common;

use common::*;
use fengqiao::capture::CaptureDevice;
use fengqiao::error::ErrorCode;
use fengqiao::prelude::*;
use fengqiao::transfer::{Endpoint, TransferReason};

/// An engine over the street's world on the phone numbered `device`.
fn phone(street: &World, device: u64) -> Engine {
    let mut world = street.engine.to_world();
    world.capture_device = Some(device);
    Engine::from_world(world).unwrap()
}

fn sequence(code: &CaseCode) -> &str {
    code.as_str().rsplit('-').next().unwrap()
}

#[test]
fn phones_and_the_street_never_share_a_code() {
    let mut street = World::small();
    let when = at(2026, 6, 8);
    let (mut one, mut two) = (phone(&street, 1), phone(&street, 12));
    let gw = street.grid_worker(0);
    let input = street.dispute(Category::Neighbour, &["p0-0", "p1-0"], when);
    // The same household, the same day, three engines that cannot talk.
    let a = one.register(&gw, input.clone(), when).unwrap();
    let a2 = one.register(&gw, input.clone(), when).unwrap();
    let b = two.register(&gw, input.clone(), when).unwrap();
    let own = street.engine.register(&gw, input.clone(), when).unwrap();
    assert_eq!(
        [sequence(&a), sequence(&a2), sequence(&b), sequence(&own)],
        ["1000010001", "1000010002", "1000120001", "0001"]
    );
    assert_eq!(
        CaptureDevice::of_sequence(a.sequence()).map(|d| d.get()),
        Some(1)
    );
    // Every capture reaches the street (the phone's host sends as the system), once.
    let to = Endpoint {
        unit: street.places.streets[0],
        body: None,
    };
    let centre = street.street_centre();
    for (device, code) in [(0, &a), (0, &a2), (1, &b)] {
        let engine = if device == 0 { &mut one } else { &mut two };
        let doc = engine
            .transfer_out(
                &Actor::System,
                code,
                to.clone(),
                TransferReason::Escalation,
                String::new(),
                when,
                None,
            )
            .unwrap();
        let taken = street
            .engine
            .intake(&centre, doc.clone(), None, when)
            .unwrap();
        assert_eq!((&taken.case, taken.added), (code, 3));
        assert_eq!(
            street
                .engine
                .intake(&centre, doc, None, when)
                .unwrap()
                .added,
            0
        );
        street.engine.verify(code).unwrap();
    }
    // The street numbers on from its own registrations, not from the blocks it took in.
    let next = street.engine.register(&gw, input, when).unwrap();
    assert_eq!(sequence(&next), "0002");
    assert_eq!(street.engine.cases().count(), 5);
}

#[test]
fn a_restored_phone_numbers_on_in_its_block() {
    let street = World::small();
    let mut p = phone(&street, 7);
    let world = p.to_world();
    assert_eq!(
        world.capture_device,
        Some(7),
        "the world carries the device"
    );
    let when = at(2026, 6, 8);
    let gw = street.grid_worker(0);
    let input = street.dispute(Category::Labour, &["p0-0", "p1-0"], when);
    p.register(&gw, input.clone(), when).unwrap();
    let entries = p.journal(0, usize::MAX).unwrap();
    let snapshot = p.snapshot();
    let mut from_journal = Engine::restore(world, entries).unwrap();
    let mut from_snapshot = Engine::restore_snapshot(snapshot, []).unwrap();
    for e in [&mut from_journal, &mut from_snapshot] {
        let code = e.register(&gw, input.clone(), when).unwrap();
        assert_eq!(sequence(&code), "1000070002");
    }
}

#[test]
fn a_device_number_outside_its_range_is_refused_by_name() {
    let street = World::small();
    for bad in [0, 100_000, u64::MAX] {
        let mut world = street.engine.to_world();
        world.capture_device = Some(bad);
        let Err(e) = Engine::from_world(world) else {
            panic!("device {bad} accepted")
        };
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        let d = e.details();
        assert_eq!(d["argument"], "capture_device");
        assert_eq!(d["value"], bad.to_string());
        assert_eq!(d["allowed"], "1 to 99999");
    }
}

#[test]
fn a_device_codes_at_most_9999_a_location_a_day() {
    let d = CaptureDevice::new(99_999).unwrap();
    assert_eq!(d.sequence(9_999).unwrap(), 1_999_999_999);
    let full = EngineError::from(d.sequence(10_000).unwrap_err());
    assert_eq!(full.code(), ErrorCode::InvalidInput);
    assert_eq!(full.details()["problem"], "capture_block_full");
    // Sequences no device makes belong to no block.
    for seq in [999_999_999, 1_000_000_000, 1_000_010_000, 2_000_000_001] {
        assert_eq!(CaptureDevice::of_sequence(seq), None, "{seq}");
    }
}

#[test]
fn the_same_matter_is_looked_for_within_30_natural_days() {
    let mut street = World::small();
    let gw = street.grid_worker(0);
    let centre = street.street_centre();
    let day = |d| at(2026, 3, d);
    let first = {
        let input = street.dispute(Category::Neighbour, &["p0-0", "p1-0"], day(1));
        street.engine.register(&gw, input, day(1)).unwrap()
    };
    // 30 natural days later (over the 清明 holiday: days, not working days) it is looked for…
    let later = at(2026, 3, 31);
    let same = {
        let input = street.dispute(Category::Neighbour, &["p0-0", "p1-0"], later);
        street.engine.register(&gw, input, later).unwrap()
    };
    // …31 days later it is a new case; another category is another matter; a party in common
    // elsewhere (p1-0 at p1-0's own household) is the same matter.
    let too_late = at(2026, 4, 1);
    let input = street.dispute(Category::Neighbour, &["p0-0", "p1-0"], too_late);
    let new_case = street.engine.register(&gw, input, too_late).unwrap();
    let input = street.dispute(Category::Labour, &["p0-0", "p1-0"], later);
    let other_matter = street.engine.register(&gw, input, later).unwrap();
    let input = street.dispute(Category::Neighbour, &["p1-0", "p1-1"], later);
    let elsewhere = street.engine.register(&gw, input, later).unwrap();
    let r = street.engine.reader(&centre, too_late).unwrap();
    let found = r.possible_duplicates(&first).unwrap();
    let mut expected = vec![&same, &elsewhere];
    expected.sort(); // in code order
    assert_eq!(found, expected);
    assert!(!found.contains(&&new_case) && !found.contains(&&other_matter));
    // An actor outside the area is refused by name.
    let other_grid = Actor::Staff(ids::grid_worker(street.places.grids[3]));
    let refused = street
        .engine
        .reader(&other_grid, later)
        .unwrap()
        .possible_duplicates(&first);
    assert_eq!(refused.unwrap_err().code(), ErrorCode::Denied);
}
