//! Rule sets as decision tables: the round trip through .xlsx and .csv gives the same rule
//! set, the shipped spreadsheets are the default rules, and a bad cell is named by sheet,
//! row and column.

mod common;

use common::{root, run};

use std::path::{Path, PathBuf};

use fengqiao::routing::{RuleSet, DEFAULT_RULES_JSON};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("fengqiao-tables-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn import(table: &Path) -> RuleSet {
    let out = dir().join(format!(
        "{}.json",
        table.file_name().unwrap().to_string_lossy()
    ));
    let o = run(&[
        "import",
        table.to_str().unwrap(),
        "--to",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    RuleSet::from_json(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn rule_sets_round_trip_through_xlsx_and_csv() {
    let default = RuleSet::from_json(DEFAULT_RULES_JSON).unwrap();
    let variant_path = root().join("examples/data/rules-labour-to-street.json");
    let variant = RuleSet::from_json(&std::fs::read_to_string(&variant_path).unwrap()).unwrap();
    for (name, rules, set) in [
        ("default", "default".to_string(), &default),
        ("variant", variant_path.display().to_string(), &variant),
    ] {
        for ext in ["xlsx", "csv"] {
            let table = dir().join(format!("{name}.{ext}"));
            let o = run(&["export", &rules, "--to", table.to_str().unwrap()]);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(
                &import(&table),
                set,
                "{name}.{ext} reads back to another rule set"
            );
        }
    }
}

#[test]
fn the_shipped_spreadsheets_are_the_default_rules() {
    let default = RuleSet::from_json(DEFAULT_RULES_JSON).unwrap();
    for ext in ["xlsx", "csv"] {
        let path = root().join(format!("examples/data/default-rules.{ext}"));
        if std::env::var_os("FENGQIAO_BLESS").is_some() {
            run(&["export", "default", "--to", path.to_str().unwrap()]);
        }
        assert_eq!(
            import(&path),
            default,
            "examples/data/default-rules.{ext} is stale: FENGQIAO_BLESS=1 cargo test -p fengqiao-cli --test tables"
        );
    }
}

#[test]
fn a_bad_cell_is_named_by_sheet_row_and_column() {
    let table = dir().join("bad.csv");
    std::fs::write(
        &table,
        "@id,county\n@version,1\n@hit_policy,first\n\n\
         id,description,priority,category_in,people,level\n\
         labour,Labour disputes go to the street,1,labor,,street\n\
         crowd,Ten or more people,2,,ten..,street\n\
         rest,Everything else,-1,,,community\n",
    )
    .unwrap();
    let o = run(&["import", table.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    // The range is checked while the table is read, …
    assert!(
        err.contains(
            "sheet bad.csv, row 7, column E (people): `ten` in `ten..`: a whole number is expected"
        ),
        "{err}"
    );
    // … a word once the rule set is read, named where it was typed.
    std::fs::write(
        &table,
        std::fs::read_to_string(&table)
            .unwrap()
            .replace("ten..", "10.."),
    )
    .unwrap();
    let o = run(&["--format", "json", "import", table.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let problems: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(problems[0]["row"], 6);
    assert_eq!(problems[0]["column"], "D (category_in)");
    assert!(problems[0]["message"].as_str().unwrap().contains("labor"));
    // An unknown column, and validation of a table against a world.
    let bad_head = dir().join("head.csv");
    std::fs::write(&bad_head, "id,colour\nx,red\n").unwrap();
    let o = run(&["import", bad_head.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("row 1, column B (colour): unknown column"));
    std::fs::write(
        &table,
        std::fs::read_to_string(&table)
            .unwrap()
            .replace("labor", "labour"),
    )
    .unwrap();
    let world = root().join("examples/data/world-small.json");
    let o = run(&[
        "--lang",
        "en",
        "validate",
        table.to_str().unwrap(),
        "--world",
        world.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("0 error(s)"), "{text}");
}
