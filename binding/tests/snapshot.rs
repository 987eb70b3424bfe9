//! A snapshot in parts through the binding layer (issue 37, item 2): the one restore takes
//! either form; the parts form restores the same engine, and one cut short is refused with
//! `journal`, naming what is missing.
use fengqiao_binding::{ops, Code};

const WORLD: &[u8] = include_bytes!("../../examples/data/world-small.json");

#[test]
fn either_form_restores_the_same_engine_and_a_cut_short_one_is_refused() {
    let mut e = ops::engine_new(WORLD).unwrap();
    let input = br#"{"category": "neighbour", "channel": "walk_in", "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101", "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z", "description": "leak"}"#;
    ops::register(
        &mut e,
        br#"{"staff": "gw-522301001001001"}"#,
        input,
        1749430800000,
    )
    .unwrap();
    let head = ops::journal_head(&e).unwrap();
    let json = ops::snapshot(&e).unwrap();
    let parts = ops::snapshot_parts(&e).unwrap();
    assert_eq!(parts.lines().count(), 3, "head, snapshot, one case");
    for form in [&json, &parts] {
        let again = ops::restore_snapshot(form.as_bytes(), b"").unwrap();
        assert_eq!(ops::journal_head(&again).unwrap(), head);
    }
    let cut: Vec<&str> = parts.lines().take(2).collect();
    let err = ops::restore_snapshot(cut.join("\n").as_bytes(), b"")
        .err()
        .unwrap();
    assert_eq!(err.code, Code::Journal);
    assert!(err.message.contains("cut short"), "{}", err.message);
}
