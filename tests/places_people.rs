//! People and places as the practice has them: 区划调整 moves communities and streets,
//! identity numbers and phones are checked and masked, a person is not in dispute with
//! themselves, and statistics say what they could not count.

mod common;

use common::*;
use fengqiao::hierarchy::HierarchyError;
use fengqiao::people::IdentityError;
use fengqiao::prelude::*;
use fengqiao::stats::Query;

fn unit(code: &str, kind: UnitKind) -> Unit {
    Unit {
        code: code.parse().unwrap(),
        kind,
        name: code.into(),
        retired: false,
    }
}

fn two_streets() -> Hierarchy {
    let mut h = Hierarchy::default();
    for (c, k) in [
        ("522301000000", UnitKind::County),
        ("522302000000", UnitKind::County),
        ("522301001000", UnitKind::Street),
        ("522301002000", UnitKind::Street),
        ("522301001003", UnitKind::Community),
        ("522301001003001", UnitKind::Grid),
    ] {
        h.add(unit(c, k)).unwrap();
    }
    h
}

fn code(s: &str) -> DivisionCode {
    s.parse().unwrap()
}

#[test]
fn a_community_moves_to_another_street_with_its_grids() {
    let mut h = two_streets();
    h.move_unit(
        code("522301001003"),
        code("522301002000"),
        code("522301002005"),
    )
    .unwrap();
    assert_eq!(
        h.parent(code("522301002005")).unwrap(),
        Some(code("522301002000"))
    );
    // Its grid is re-coded under the new code, and old codes still resolve.
    assert_eq!(
        h.parent(code("522301002005001")).unwrap(),
        Some(code("522301002005"))
    );
    assert_eq!(
        h.resolve(code("522301001003001")).unwrap(),
        code("522301002005001")
    );
}

#[test]
fn a_street_moves_to_another_county_with_its_communities() {
    let mut h = two_streets();
    h.move_unit(
        code("522301001000"),
        code("522302000000"),
        code("522302004000"),
    )
    .unwrap();
    assert_eq!(
        h.parent(code("522302004003")).unwrap(),
        Some(code("522302004000"))
    );
    assert_eq!(
        h.parent(code("522302004003001")).unwrap(),
        Some(code("522302004003"))
    );
    assert_eq!(
        h.resolve(code("522301001003")).unwrap(),
        code("522302004003")
    );
}

#[test]
fn a_moved_unit_new_code_is_checked_against_its_kind_and_parent() {
    let mut h = two_streets();
    let before = h.to_data();
    // A community re-coded as a village committee (200–399) is another kind of unit.
    let r = h.move_unit(
        code("522301001003"),
        code("522301002000"),
        code("522301002205"),
    );
    assert!(
        matches!(r, Err(HierarchyError::KindMismatch { .. })),
        "{r:?}"
    );
    // A code under a different street than the new parent.
    let r = h.move_unit(
        code("522301001003"),
        code("522301002000"),
        code("522301009005"),
    );
    assert!(matches!(r, Err(HierarchyError::BadMove { .. })), "{r:?}");
    assert_eq!(h.to_data(), before, "a refused move changes nothing");
}

#[test]
fn identity_numbers_with_impossible_parts_are_refused() {
    let with = |first17: &str| {
        let check = fengqiao::people::IdNumber::check_char(first17.as_bytes());
        fengqiao::people::IdNumber::parse(&format!("{first17}{check}"))
    };
    assert!(with("52230119850101123").is_ok());
    assert_eq!(with("00000019850101123"), Err(IdentityError::IdAddress));
    assert_eq!(with("99230119850101123"), Err(IdentityError::IdAddress));
    assert_eq!(with("52230118990101123"), Err(IdentityError::IdBirthDate));
}

#[test]
fn short_phone_numbers_are_never_shown_whole() {
    let p = Phone::parse("3221234").unwrap();
    assert_eq!(p.masked(), "32***34");
    assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
    assert_eq!(
        Phone::parse("0859-3221234").unwrap().masked(),
        "085*****1234"
    );
}

#[test]
fn a_person_is_not_in_dispute_with_themselves_nor_born_after_the_dispute() {
    let mut w = World::small();
    let gw = w.grid_worker(0);
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p0-0"], at(2025, 5, 6));
    let r = w.engine.register(&gw, input.clone(), at(2025, 5, 6));
    assert!(
        matches!(r, Err(EngineError::DuplicateParty { .. })),
        "{r:?}"
    );
    // A person whose identity number says 2030.
    let household = w.household_of("p0-0");
    let born = "52230120300101123";
    let check = fengqiao::people::IdNumber::check_char(born.as_bytes());
    w.engine
        .add_person(Person {
            id: "future".into(),
            name: "未来".into(),
            id_number: Some(IdNumber::parse(&format!("{born}{check}")).unwrap()),
            phone: None,
            household,
            key_person: None,
        })
        .unwrap();
    input.parties = vec![Party::Person("p0-0".into()), Party::Person("future".into())];
    let r = w.engine.register(&gw, input.clone(), at(2025, 5, 6));
    assert!(matches!(r, Err(EngineError::BornLater { .. })), "{r:?}");
    // An amount in 分 mistaken for 元, or garbage.
    input.parties.pop();
    input.amount_yuan = Some(u64::MAX);
    let r = w.engine.register(&gw, input, at(2025, 5, 6));
    assert!(
        matches!(r, Err(EngineError::ImplausibleAmount { .. })),
        "{r:?}"
    );
    assert_eq!(w.engine.case_count(), 0);
}

#[test]
fn statistics_say_when_a_limit_cannot_be_computed() {
    // A case registered late in 2026 whose accept limit runs into 2027, a year the shipped
    // calendar does not know: counted as on time, and the report says so.
    let mut w = World::small();
    let gw = w.grid_worker(0);
    let input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2026, 12, 31));
    w.engine.register(&gw, input, at(2026, 12, 31)).unwrap();
    let r = w
        .engine
        .reader(&w.street_centre(), at(2027, 2, 1))
        .and_then(|r| r.statistics(&Query::default()))
        .unwrap();
    assert_eq!(r.total.counts.overdue_red, 0);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("1 case"));
    assert_eq!(GroupSize::From100To500.label_zh(), "101–500人");
}

#[test]
fn people_and_staff_records_are_updated_checked_and_journaled() {
    let mut w = World::small();
    // An engine whose journal starts from this world document, as a host's does.
    let world = w.engine.to_world();
    w.engine = Engine::from_world(world.clone()).unwrap();
    let start = w.engine.journal_seq();
    // A resident moves to another household and changes phone.
    let mut p = w.engine.person("p0-0").unwrap().clone();
    p.household = w.household_of("p12-0");
    p.phone = Some(Phone::parse("13900001111").unwrap());
    w.engine.update_person(p.clone()).unwrap();
    assert_eq!(w.engine.person("p0-0").unwrap().household, p.household);
    // Not onto a grid, and not someone unknown.
    let mut bad = p.clone();
    bad.household = w.places.grids[0];
    assert!(matches!(
        w.engine.update_person(bad),
        Err(EngineError::NotAHousehold { .. })
    ));
    let mut stranger = p.clone();
    stranger.id = "nobody".into();
    assert!(matches!(
        w.engine.update_person(stranger),
        Err(EngineError::UnknownPerson(_))
    ));
    // A mediator posted to community B: routing finds them there, and keeps their load.
    let Actor::Staff(id) = w.mediator(0) else {
        unreachable!()
    };
    let mut s = w.engine.staff(&id).unwrap().clone();
    s.unit = w.places.communities[1];
    w.engine.update_staff(s.clone()).unwrap();
    assert!(w
        .engine
        .staff_at(w.places.communities[1])
        .iter()
        .any(|x| x.id == id));
    assert!(!w
        .engine
        .staff_at(w.places.communities[0])
        .iter()
        .any(|x| x.id == id));
    // A grid worker cannot be made to serve a household.
    let Actor::Staff(gw) = w.grid_worker(0) else {
        unreachable!()
    };
    let mut g = w.engine.staff(&gw).unwrap().clone();
    g.unit = w.household_of("p1-0");
    assert!(matches!(
        w.engine.update_staff(g),
        Err(EngineError::StaffPlacement { .. })
    ));
    // Both updates are in the journal, and a restored engine has them.
    let entries = w.engine.journal(start, usize::MAX).unwrap();
    assert_eq!(entries.len(), 2);
    let restored = Engine::restore(world, w.engine.journal(0, usize::MAX).unwrap()).unwrap();
    assert_eq!(
        restored.person("p0-0").unwrap(),
        w.engine.person("p0-0").unwrap()
    );
    assert_eq!(restored.staff(&id).unwrap().unit, w.places.communities[1]);
}
