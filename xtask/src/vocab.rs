//! The vocabularies of the JSON Schemas (`docs/schema`): every string enumeration — a
//! category, a role, an agency kind, a level, a state — as a TypeScript string-literal
//! union with each word's label in its doc comment, written into `wasm/types.d.ts`. Java's
//! enums come from the same schemas (`scripts/java-model.py`).

use std::collections::BTreeMap;
use std::path::Path;

/// One vocabulary: its description and its words with their labels.
struct Vocabulary {
    about: String,
    words: Vec<(String, String)>,
}

/// A schema's description as one line, rustdoc's intra-doc links (`` [`Category::moj`] ``)
/// left as code.
fn plain(text: &str) -> String {
    crate::schemas::unlink(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn words(def: &serde_json::Value) -> Option<Vec<(String, String)>> {
    if let Some(list) = def.get("enum").and_then(|e| e.as_array()) {
        return list
            .iter()
            .map(|w| w.as_str().map(|w| (w.to_string(), String::new())))
            .collect();
    }
    let alts = def.get("oneOf")?.as_array()?;
    alts.iter()
        .map(|a| {
            let word = a.get("const")?.as_str()?;
            (a.get("type")?.as_str()? == "string").then(|| {
                let label = a.get("description").and_then(|d| d.as_str()).unwrap_or("");
                (word.to_string(), plain(label))
            })
        })
        .collect()
}

fn vocabularies(root: &Path) -> Result<BTreeMap<String, Vocabulary>, String> {
    let mut out: BTreeMap<String, Vocabulary> = BTreeMap::new();
    for schema in crate::schemas::read_all(root)? {
        let Some(defs) = schema.get("$defs").and_then(|d| d.as_object()) else {
            continue;
        };
        for (name, def) in defs {
            let Some(words) = words(def) else { continue };
            let about = plain(
                def.get("description")
                    .and_then(|d| d.as_str())
                    .unwrap_or(name),
            );
            if let Some(seen) = out.get(name) {
                if seen
                    .words
                    .iter()
                    .map(|w| &w.0)
                    .ne(words.iter().map(|w| &w.0))
                {
                    return Err(format!(
                        "two schemas define the vocabulary {name} with different words: rename one (schemars(rename))"
                    ));
                }
                continue;
            }
            out.insert(name.clone(), Vocabulary { about, words });
        }
    }
    Ok(out)
}

/// The TypeScript unions, one per vocabulary.
pub fn typescript(root: &Path) -> Result<String, String> {
    let mut s =
        String::from("// The vocabularies of docs/schema, each word with the schema's label.\n");
    for (name, v) in vocabularies(root)? {
        s.push_str(&format!("/**\n * {}\n", v.about));
        for (w, label) in &v.words {
            if label.is_empty() {
                s.push_str(&format!(" * - `{w}`\n"));
            } else {
                s.push_str(&format!(" * - `{w}`: {}\n", label));
            }
        }
        let union: Vec<String> = v.words.iter().map(|(w, _)| format!("\"{w}\"")).collect();
        s.push_str(&format!(
            " */\nexport type {name} = {};\n",
            union.join(" | ")
        ));
    }
    Ok(s)
}
