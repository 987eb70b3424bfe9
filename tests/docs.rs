//! The documentation cannot drift from the code: generated parts are compared with the
//! files, and every example file is loaded. Set `FENGQIAO_BLESS=1` to rewrite the
//! generated parts after a deliberate change.

use fengqiao::hierarchy::{Hierarchy, HierarchyData};

fn root(p: &str) -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(p)
}

/// Replaces or checks the text between `<!-- BEGIN name -->` and `<!-- END name -->`.
fn generated_block(file: &str, name: &str, body: &str) {
    let path = root(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        format!("<!-- BEGIN {name} -->\n"),
        format!("<!-- END {name} -->"),
    );
    let a = text
        .find(&begin)
        .unwrap_or_else(|| panic!("{file} lacks {begin}"))
        + begin.len();
    let b = text
        .find(&end)
        .unwrap_or_else(|| panic!("{file} lacks {end}"));
    if std::env::var_os("FENGQIAO_BLESS").is_some() {
        let new = format!("{}{}{}", &text[..a], body, &text[b..]);
        std::fs::write(&path, new).unwrap();
    } else {
        assert_eq!(
            &text[a..b],
            body,
            "{file} is stale: run FENGQIAO_BLESS=1 cargo test --test docs"
        );
    }
}

#[test]
fn lifecycle_table_matches_the_code() {
    generated_block(
        "docs/lifecycle.md",
        "table",
        &fengqiao::lifecycle::markdown_table(),
    );
}

#[test]
fn hierarchy_example_loads() {
    let text = std::fs::read_to_string(root("docs/examples/hierarchy.json")).unwrap();
    let data: HierarchyData = serde_json::from_str(&text).unwrap();
    let h = Hierarchy::from_data(data).unwrap();
    assert_eq!(h.len(), 8);
}

#[test]
fn dispute_example_loads_and_routes() {
    let text = std::fs::read_to_string(root("examples/data/dispute.json")).unwrap();
    let input: fengqiao::dispute::DisputeInput = serde_json::from_str(&text).unwrap();
    let (engine, _) = fengqiao_synth::world(&fengqiao_synth::Spec::small()).unwrap();
    let d = engine.decide_input(&input).unwrap();
    assert!(d.matched.contains(&"violence-police".to_string()));
}

#[test]
fn what_if_example_files_load() {
    let rules = std::fs::read_to_string(root("examples/data/rules-labour-to-street.json")).unwrap();
    fengqiao::routing::RuleSet::from_json(&rules).unwrap();
    let history = std::fs::read_to_string(root("examples/data/history.jsonl")).unwrap();
    let parsed: Vec<fengqiao::whatif::HistoricalDispute> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 60);
}

/// The what-if variant is the shipped rule set with one change (labour to the street), so a
/// what-if run shows that change and nothing else: it is regenerated when the defaults change.
#[test]
fn the_what_if_variant_differs_from_the_defaults_only_in_the_labour_rule() {
    use fengqiao::hierarchy::Level;
    let text = std::fs::read_to_string(root("examples/data/rules-labour-to-street.json")).unwrap();
    let mut variant = fengqiao::routing::RuleSet::from_json(&text).unwrap();
    let default =
        fengqiao::routing::RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).unwrap();
    let labour = variant
        .rules
        .iter_mut()
        .find(|r| r.id == "labour-window")
        .unwrap();
    assert_eq!(labour.then.level.take(), Some(Level::Street));
    labour.description = labour
        .description
        .trim_end_matches(" Variant: labour disputes go to the street.")
        .into();
    assert_eq!(variant.rules, default.rules);
    assert_eq!(
        (&variant.vocabulary, &variant.windows, &variant.defaults),
        (&default.vocabulary, &default.windows, &default.defaults)
    );
    assert_eq!(
        variant.version,
        format!("{}-labour-to-street", default.version)
    );
}

#[test]
fn default_rules_doc_names_every_rule() {
    let doc = std::fs::read_to_string(root("docs/rules.md")).unwrap();
    let set = fengqiao::routing::RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).unwrap();
    for r in &set.rules {
        assert!(
            doc.contains(&format!("`{}`", r.id)),
            "docs/rules.md does not explain rule `{}`",
            r.id
        );
    }
}

#[test]
fn small_world_file_matches_the_generator() {
    let (engine, _) = fengqiao_synth::world(&fengqiao_synth::Spec::small()).unwrap();
    let mut world = engine.to_world();
    world.rules = None; // the file uses the shipped rules
    world.privacy = None; // and the default privacy settings
    let json = serde_json::to_string_pretty(&world).unwrap() + "\n";
    let path = root("examples/data/world-small.json");
    if std::env::var_os("FENGQIAO_BLESS").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        file, json,
        "examples/data/world-small.json is stale: FENGQIAO_BLESS=1 cargo test --test docs"
    );
    let loaded =
        fengqiao::engine::Engine::from_world(serde_json::from_str(&file).unwrap()).unwrap();
    assert_eq!(loaded.all_staff().len(), engine.all_staff().len());
}

/// Every read that writes the journal (an audit entry for a whole read of personal data, a
/// denial for a refused one) says so wherever a host reads about it — the Rust docs, the C
/// header, the TypeScript declarations (written from the WebAssembly methods' docs) and
/// the Javadoc — because it moves the journal's head (issue 31; 等保 GB/T 22239-2019
/// 8.1.4.3). And it does move it.
#[test]
fn reads_that_write_the_audit_record_say_so_in_every_language() {
    let says = |file: &str, item: &str| {
        let text = std::fs::read_to_string(root(file)).unwrap();
        let at = text
            .find(item)
            .unwrap_or_else(|| panic!("{file} has no {item}"));
        // The doc comment stands just before the item.
        let before = &text[at.saturating_sub(900)..at];
        assert!(
            before.contains("Writes the journal"),
            "{file}: {item} does not say it writes the journal"
        );
    };
    for f in [
        "fq_engine_view_case(",
        "fq_engine_residents(",
        "fq_engine_world(",
    ] {
        says("ffi/include/fengqiao.h", f);
    }
    for f in ["pub fn view_case(", "pub fn residents(", "pub fn world("] {
        says("wasm/src/operations.rs", f);
    }
    says("core/src/engine/reader.rs", "pub fn case(&self");
    says("core/src/engine/reader.rs", "pub fn residents(");
    says("core/src/engine/reader.rs", "pub fn world(&self)");
    for f in [
        "public CaseView viewCase(",
        "public String residentsJson(",
        "public String worldJson(",
    ] {
        says("java/src/main/java/org/fengqiao/Engine.java", f);
    }
    // The behaviour the words describe: a whole read moves the head.
    let world: fengqiao::engine::WorldData =
        serde_json::from_str(include_str!("../examples/data/world-small.json")).unwrap();
    let engine = fengqiao::engine::Engine::from_world(world).unwrap();
    let before = engine.journal_seq();
    let centre = fengqiao::trace::Actor::Staff("cs-522301001000".into());
    let household = engine
        .hierarchy()
        .units()
        .find(|u| u.level() == fengqiao::hierarchy::Level::Household)
        .unwrap()
        .code;
    let at = "2025-06-09T02:00:00Z".parse().unwrap();
    let _ = engine.reader(&centre, at).unwrap().residents(household);
    assert!(engine.journal_seq() > before, "a read that writes nothing");
}

/// The npm package's and the Java binding's READMEs show a world document a developer can
/// start from (issue 32): it loads as written, and a dispute between its two households
/// registers and routes in its community, with the team the README promises.
#[test]
fn the_readmes_world_example_builds_an_engine_that_routes() {
    for file in ["npm/README.md", "java/README.md"] {
        world_example_routes(file);
    }
}

fn world_example_routes(file: &str) {
    let readme = std::fs::read_to_string(root(file)).unwrap();
    let at = readme.find("<!-- world example -->").expect("the marker");
    let block = &readme[at..];
    let start = block.find("```json\n").unwrap() + 8;
    let end = block[start..].find("```").unwrap() + start;
    let world: fengqiao::engine::WorldData = serde_json::from_str(&block[start..end]).unwrap();
    let mut engine = fengqiao::engine::Engine::from_world(world).unwrap();
    let now: chrono::DateTime<chrono::Utc> = "2025-06-09T01:00:00Z".parse().unwrap();
    let input: fengqiao::dispute::DisputeInput = serde_json::from_value(serde_json::json!({
        "category": "neighbour", "channel": "household_visit",
        "parties": [{"person": "p1"}, {"person": "p2"}],
        "location": "5223010010010010101", "urgency": "medium", "risk": "yellow",
        "discovered_at": "2025-06-09T01:00:00Z"
    }))
    .unwrap();
    let gw = fengqiao::trace::Actor::Staff("gw-1".into());
    let code = engine.register(&gw, input, now).unwrap();
    let d = engine
        .route(&fengqiao::trace::Actor::System, &code, now)
        .unwrap();
    assert_eq!(d.unit.to_string(), "522301001001");
    assert!(d.team.iter().any(|m| m.staff == "md-1"), "{:?}", d.team);
}

/// The layering the code shows (issue 32): the engine uses the domain modules, never the
/// other way round — the world document, error codes and details live in their own
/// crate-level modules, so no module below `engine` imports it (`lib.rs` and the schema
/// list, which gather everything, are not below it).
#[test]
fn no_module_below_the_engine_imports_it() {
    let mut offenders = Vec::new();
    let mut stack = vec![root("core/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root("core/src"))
                .unwrap()
                .to_string_lossy()
                .to_string();
            if path.is_dir() {
                if rel != "engine" {
                    stack.push(path);
                }
                continue;
            }
            if rel == "lib.rs" || rel == "schema.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if !code.starts_with("//") && code.contains("crate::engine") {
                    offenders.push(format!("core/src/{rel}:{}", n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "modules below the engine import it: {offenders:?}"
    );
}

/// One way to read as an actor (issue 32, item 4): every public engine method that takes
/// an actor and only reads (`&self`) is on `Reader`, apart from making the reader itself
/// and the yes-or-no questions a host's own authorisation asks; an actor-taking method on
/// `Engine` changes the engine (`&mut self`).
#[test]
fn reads_that_take_an_actor_are_on_the_reader_only() {
    let allowed = [
        "reader",
        "actor_kind",
        "actor_unit",
        "may_access",
        "may_act",
    ];
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(root("core/src/engine")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "reader.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Each public function's signature, up to its body.
        for (at, _) in text.match_indices("    pub fn ") {
            let sig = &text[at..text[at..].find('{').map_or(text.len(), |e| at + e)];
            let fn_name: String = sig["    pub fn ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if sig.contains("&self")
                && sig.contains(": &Actor")
                && !allowed.contains(&fn_name.as_str())
            {
                offenders.push(format!("{name}: {fn_name}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "public reads that take an actor outside Reader: {offenders:?}"
    );
}

/// One module-file style (issue 32): a module with submodules is `name/mod.rs`, never
/// `name.rs` beside a `name/` directory.
#[test]
fn modules_with_submodules_are_directories_with_mod_rs() {
    for krate in [
        "core/src",
        "binding/src",
        "ffi/src",
        "wasm/src",
        "store/src",
        "cli/src",
        "synth/src",
    ] {
        let mut stack = vec![root(krate)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    let beside = path.with_extension("rs");
                    assert!(
                        !beside.exists(),
                        "{} beside {}: use mod.rs",
                        beside.display(),
                        path.display()
                    );
                    stack.push(path);
                }
            }
        }
    }
}
