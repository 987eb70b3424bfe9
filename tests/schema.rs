//! The JSON Schemas in docs/schema/ are exactly what the Rust types generate
//! (`cargo test --features schema --test schema`; `FENGQIAO_BLESS=1` rewrites them), and the
//! example files validate-load through the same types.
#![cfg(feature = "schema")]

#[test]
fn schemas_match_the_types() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
    let bless = std::env::var_os("FENGQIAO_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for (name, schema) in fengqiao::schema::all() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = dir.join(format!("{name}.schema.json"));
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run FENGQIAO_BLESS=1 cargo test --features schema --test schema"
    );
}

#[test]
fn schemas_name_the_domain_words() {
    let all = fengqiao::schema::all();
    let rules =
        serde_json::to_string(&all.iter().find(|(n, _)| *n == "rule-set").unwrap().1).unwrap();
    for word in [
        "category_in",
        "flags_any",
        "within",
        "hit_policy",
        "escalation",
    ] {
        assert!(rules.contains(word), "rule-set schema lacks {word}");
    }
    let op =
        serde_json::to_string(&all.iter().find(|(n, _)| *n == "operation").unwrap().1).unwrap();
    for word in ["apply_confirmation", "record_session", "parties_consent"] {
        assert!(op.contains(word), "operation schema lacks {word}");
    }
}
