//! The JSON Schemas in docs/schema/ are exactly what the Rust types generate
//! (`cargo test --features schema --test schema`; `FENGQIAO_BLESS=1` rewrites them), and the
//! example files validate-load through the same types.
#![cfg(feature = "schema")]

#[test]
fn schemas_match_the_types() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("docs/schema");
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

/// The TypeScript declarations the WebAssembly module ships (`wasm/types.d.ts`) have their
/// shapes written by hand (their words and vocabularies come from the schemas, by xtask);
/// this checks every interface that names a schema shape against the schema: the
/// same properties, optional exactly where the schema does not require them.
#[test]
fn typescript_declarations_match_the_schemas() {
    let ts = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../wasm/types.d.ts"))
        .unwrap();
    let interfaces = ts_interfaces(&ts);
    // Rust type name → TypeScript name, where they differ.
    let alias = |rust: &str| -> String {
        match rust {
            "Event" => "TraceEvent",
            "Query" => "StatsQuery",
            "Report" => "StatsReport",
            "Row" => "StatsRow",
            "BindingError" => "FengqiaoError",
            other => other,
        }
        .to_string()
    };
    let mut checked = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for (_, schema) in fengqiao::schema::all() {
        let root = schema.as_value().clone();
        let mut shapes: Vec<(String, serde_json::Value)> = Vec::new();
        if let Some(title) = root["title"].as_str() {
            shapes.push((title.to_string(), root.clone()));
        }
        if let Some(defs) = root["$defs"].as_object() {
            shapes.extend(defs.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for (name, shape) in shapes {
            let Some(props) = shape["properties"].as_object() else {
                continue;
            };
            let ts_name = alias(&name);
            let Some(members) = interfaces.get(&ts_name) else {
                continue;
            };
            if !checked.insert(ts_name.clone()) {
                continue;
            }
            let required: std::collections::BTreeSet<&str> = shape["required"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let ts_names: std::collections::BTreeSet<&str> =
                members.iter().map(|(n, _)| n.as_str()).collect();
            for p in props.keys() {
                if !ts_names.contains(p.as_str()) {
                    problems.push(format!("{ts_name}.{p}: in the schema, not in types.d.ts"));
                }
            }
            for (m, optional) in members {
                if ts_name == "FengqiaoError" && m == "name" {
                    continue; // the JS Error's own property
                }
                if !props.contains_key(m) {
                    problems.push(format!("{ts_name}.{m}: in types.d.ts, not in the schema"));
                } else if *optional && required.contains(m.as_str()) {
                    problems.push(format!(
                        "{ts_name}.{m}: optional in types.d.ts, required in the schema"
                    ));
                } else if !*optional
                    && !required.contains(m.as_str())
                    && props[m].get("default").is_none()
                {
                    // Present in every output only when the schema gives a default.
                    problems.push(format!(
                        "{ts_name}.{m}: required in types.d.ts, optional in the schema"
                    ));
                }
            }
        }
    }
    assert!(
        checked.len() >= 30,
        "only {} interfaces were checked: {checked:?}",
        checked.len()
    );
    assert!(
        problems.is_empty(),
        "types.d.ts disagrees with the schemas:\n{}",
        problems.join("\n")
    );
}

/// `export interface Name { member?: type; … }` → name → [(member, optional)].
fn ts_interfaces(ts: &str) -> std::collections::BTreeMap<String, Vec<(String, bool)>> {
    let mut out = std::collections::BTreeMap::new();
    // Doc comments carry the schemas' words, which may hold `;`, braces or colons.
    let mut bare = String::new();
    let mut from = ts;
    while let Some(i) = from.find("/*") {
        bare.push_str(&from[..i]);
        from = from[i..].find("*/").map_or("", |e| &from[i + e + 2..]);
    }
    bare.push_str(from);
    let mut rest = bare.as_str();
    while let Some(i) = rest.find("export interface ") {
        rest = &rest[i + "export interface ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let Some(open) = rest.find('{') else { break };
        let body_start = open + 1;
        let mut depth = 1;
        let mut end = body_start;
        for (k, c) in rest[body_start..].char_indices() {
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = body_start + k;
                break;
            }
        }
        let body = &rest[body_start..end];
        let mut members = Vec::new();
        let (mut depth, mut start) = (0, 0);
        let mut push = |part: &str| {
            let part = part.trim();
            let part = part
                .lines()
                .filter(|l| !l.trim_start().starts_with("/**") && !l.trim_start().starts_with('*'))
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(colon) = part.find(':') {
                let head = part[..colon].trim();
                let optional = head.ends_with('?');
                members.push((head.trim_end_matches('?').to_string(), optional));
            }
        };
        for (k, c) in body.char_indices() {
            match c {
                '{' | '(' | '[' | '<' => depth += 1,
                '}' | ')' | ']' | '>' => depth -= 1,
                ';' if depth == 0 => {
                    push(&body[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        push(&body[start..]);
        out.insert(name, members);
        rest = &rest[end..];
    }
    out
}
