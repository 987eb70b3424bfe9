use super::*;

fn c(s: &str) -> DivisionCode {
    s.parse().unwrap()
}

fn unit(code: &str, kind: UnitKind, name: &str) -> Unit {
    Unit {
        code: c(code),
        kind,
        name: name.into(),
        retired: false,
    }
}

/// Xingyi City → Sajin Street → two communities → grids → groups → households.
fn sample() -> Hierarchy {
    let mut h = Hierarchy::default();
    h.add(unit("522301000000", UnitKind::County, "兴义市"))
        .unwrap();
    h.add(unit("522301010000", UnitKind::Street, "洒金街道"))
        .unwrap();
    h.add(unit("522301010001", UnitKind::Community, "A社区"))
        .unwrap();
    h.add(unit("522301010002", UnitKind::Community, "B社区"))
        .unwrap();
    h.add(unit("522301010001001", UnitKind::Grid, "A1"))
        .unwrap();
    h.add(unit("522301010001002", UnitKind::Grid, "A2"))
        .unwrap();
    h.add(unit("522301010002001", UnitKind::Grid, "B1"))
        .unwrap();
    h.add(unit("52230101000100101", UnitKind::HouseholdGroup, ""))
        .unwrap();
    h.add(unit("5223010100010010101", UnitKind::Household, ""))
        .unwrap();
    h.add(unit("5223010100010010102", UnitKind::Household, ""))
        .unwrap();
    h
}

#[test]
fn parent_is_derived_from_the_code() {
    let h = sample();
    assert_eq!(
        h.parent(c("522301010001001")).unwrap(),
        Some(c("522301010001"))
    );
    assert_eq!(
        h.parent(c("522301010000")).unwrap(),
        Some(c("522301000000"))
    );
    assert_eq!(h.parent(c("522301000000")).unwrap(), None);
    assert_eq!(
        h.children(c("522301010001")).unwrap(),
        vec![c("522301010001001"), c("522301010001002")]
    );
    assert_eq!(h.depth(c("5223010100010010101")).unwrap(), 5);
    assert_eq!(h.len(), 10);
}

#[test]
fn refuses_orphans_duplicates_and_wrong_kinds() {
    let mut h = sample();
    let before = h.len();
    assert!(matches!(
        h.add(unit("522301010003001", UnitKind::Grid, "")),
        Err(HierarchyError::MissingParent { .. })
    ));
    assert!(matches!(
        h.add(unit("522301010001", UnitKind::Community, "")),
        Err(HierarchyError::Duplicate(_))
    ));
    assert!(matches!(
        h.add(unit("522301010003", UnitKind::Village, "")),
        Err(HierarchyError::KindMismatch { .. })
    ));
    assert_eq!(h.len(), before);
}

#[test]
fn ancestors_subtree_and_within() {
    let h = sample();
    assert_eq!(
        h.ancestors(c("52230101000100101")).unwrap(),
        vec![
            c("522301010001001"),
            c("522301010001"),
            c("522301010000"),
            c("522301000000")
        ]
    );
    assert_eq!(h.subtree_len(c("522301010001")).unwrap(), 6);
    let sub = h.subtree(c("522301010001001")).unwrap();
    assert_eq!(sub[0], c("522301010001001"));
    assert_eq!(sub.len(), 4);
    assert!(h
        .is_within(c("5223010100010010101"), c("522301010000"))
        .unwrap());
    assert!(!h
        .is_within(c("522301010002001"), c("522301010001"))
        .unwrap());
    assert!(h.is_within(c("522301010001"), c("522301010001")).unwrap());
}

#[test]
fn lowest_common_ancestor_of_parties() {
    let h = sample();
    let lca = |xs: &[&str]| {
        h.lowest_common_ancestor(&xs.iter().map(|s| c(s)).collect::<Vec<_>>())
            .unwrap()
    };
    assert_eq!(
        lca(&["5223010100010010101", "5223010100010010102"]),
        Some(c("52230101000100101"))
    );
    assert_eq!(
        lca(&["5223010100010010101", "522301010001002"]),
        Some(c("522301010001"))
    );
    assert_eq!(
        lca(&["5223010100010010101", "522301010002001"]),
        Some(c("522301010000"))
    );
    assert_eq!(lca(&["522301010002001"]), Some(c("522301010002001")));
    assert_eq!(lca(&[]), None);
}

#[test]
fn ancestor_at_level() {
    let h = sample();
    let n = h.node(c("5223010100010010101")).unwrap();
    let street = h.ancestor_at_level(n, Level::Street).unwrap();
    assert_eq!(h.unit_at(street).code, c("522301010000"));
    assert!(h
        .ancestor_at_level(h.node(c("522301010000")).unwrap(), Level::Grid)
        .is_none());
}

#[test]
fn retire_refuses_units_with_active_children() {
    let mut h = sample();
    assert!(matches!(
        h.retire(c("522301010001")),
        Err(HierarchyError::StillInUse { .. })
    ));
    h.retire(c("522301010002001")).unwrap();
    assert!(h.unit(c("522301010002001")).unwrap().retired);
    h.retire(c("522301010002")).unwrap();
    assert!(matches!(
        h.add(unit("522301010002002", UnitKind::Grid, "")),
        Err(HierarchyError::ParentRetired { .. })
    ));
}

#[test]
fn moving_a_grid_recodes_its_subtree_and_keeps_aliases() {
    let mut h = sample();
    h.move_unit(
        c("522301010001001"),
        c("522301010002"),
        c("522301010002005"),
    )
    .unwrap();
    assert_eq!(
        h.parent(c("522301010002005")).unwrap(),
        Some(c("522301010002"))
    );
    assert!(h.contains(c("5223010100020050101")));
    // Old codes still resolve to the moved units.
    assert_eq!(
        h.resolve(c("5223010100010010101")).unwrap(),
        c("5223010100020050101")
    );
    assert_eq!(
        h.children(c("522301010001")).unwrap(),
        vec![c("522301010001002")]
    );
    // Moving into a different level, or onto an existing code, changes nothing.
    let before = h.to_data();
    assert!(h
        .move_unit(
            c("522301010002005"),
            c("522301010000"),
            c("522301010002005")
        )
        .is_err());
    assert!(h
        .move_unit(
            c("522301010002005"),
            c("522301010002"),
            c("522301010002001")
        )
        .is_err());
    assert_eq!(h.to_data(), before);
}

#[test]
fn json_round_trip() {
    let h = sample();
    let json = serde_json::to_string(&h.to_data()).unwrap();
    let back = Hierarchy::from_data(serde_json::from_str(&json).unwrap()).unwrap();
    assert_eq!(back.to_data(), h.to_data());
    assert!(json.contains("\"kind\":\"household_group\""));
    let bad = r#"{"units":[{"code":"5223010100x1","kind":"community"}]}"#;
    let err = serde_json::from_str::<HierarchyData>(bad).unwrap_err();
    assert!(err.to_string().contains("ASCII digits"), "{err}");
}

#[test]
fn a_name_is_one_pointer_and_reads_as_a_string() {
    assert_eq!(std::mem::size_of::<Name>(), 8);
    let n = Name::from("洒金街道");
    assert_eq!(n, "洒金街道");
    assert_eq!(n.len(), "洒金街道".len());
    assert_eq!(serde_json::to_string(&n).unwrap(), "\"洒金街道\"");
    let back: Name = serde_json::from_str("\"\\u6d12\\u91d1\"").unwrap();
    assert_eq!(back.as_str(), "洒金");
    let empty = Name::from(String::new());
    assert!(empty.is_empty() && empty == Name::default());
    assert_eq!(format!("{empty}|{n}"), "|洒金街道");
}
