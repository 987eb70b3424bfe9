//! The words of `wasm/types.d.ts` from the JSON Schemas: every interface that names a schema
//! shape gets the schema's description as its doc comment, and each of its members the
//! description of that property, so a front-end developer reads in the declarations what
//! the Java developer reads in the Javadoc (both from `docs/schema`). The shapes of the
//! interfaces stay as written; `tests/schema.rs` checks them against the schemas.

use std::collections::BTreeMap;
use std::path::Path;

/// A schema shape's words.
#[derive(Default)]
struct Words {
    about: Option<String>,
    members: BTreeMap<String, String>,
}

/// The TypeScript name of a Rust shape, where they differ.
fn ts_name(rust: &str) -> &str {
    match rust {
        "Event" => "TraceEvent",
        "Query" => "StatsQuery",
        "Report" => "StatsReport",
        "Row" => "StatsRow",
        "BindingError" => "FengqiaoError",
        other => other,
    }
}

fn text(v: &serde_json::Value) -> Option<String> {
    let t = v.get("description")?.as_str()?.trim();
    (!t.is_empty()).then(|| crate::schemas::unlink(t))
}

fn words(root: &Path) -> Result<BTreeMap<String, Words>, String> {
    let mut out = BTreeMap::new();
    for schema in crate::schemas::read_all(root)? {
        let mut shapes = Vec::new();
        if let Some(title) = schema.get("title").and_then(|t| t.as_str()) {
            shapes.push((title.to_string(), schema.clone()));
        }
        if let Some(defs) = schema.get("$defs").and_then(|d| d.as_object()) {
            shapes.extend(defs.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for (name, shape) in shapes {
            let Some(props) = shape.get("properties").and_then(|p| p.as_object()) else {
                continue;
            };
            let w = Words {
                about: text(&shape),
                members: props
                    .iter()
                    .filter_map(|(k, v)| text(v).map(|t| (k.clone(), t)))
                    .collect(),
            };
            out.entry(ts_name(&name).to_string()).or_insert(w);
        }
    }
    Ok(out)
}

/// A doc comment at `indent`, wrapped at 100 columns; paragraphs kept.
fn doc(text: &str, indent: &str) -> String {
    let paras: Vec<String> = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let one = format!("{indent}/** {} */", paras.join(" "));
    if paras.len() == 1 && one.chars().count() <= 100 {
        return one + "\n";
    }
    let prefix = format!("{indent} * ");
    let body = crate::render::comment(&paras, &prefix, 100);
    format!("{indent}/**\n{body}{indent} */\n")
}

/// The members of an interface body (between its braces), each with the doc comment written
/// above it, split at the `;` that are not inside brackets (a member may span lines).
fn members(body: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let (mut depth, mut cur, mut comment) = (0i32, String::new(), None::<String>);
    let mut rest = body;
    while !rest.is_empty() {
        if depth == 0 && cur.trim().is_empty() && rest.trim_start().starts_with("/**") {
            let start = rest.find("/**").expect("found");
            let end = rest[start..]
                .find("*/")
                .map_or(rest.len(), |e| start + e + 2);
            let c = rest[start + 3..end.saturating_sub(2)]
                .lines()
                .map(|l| l.trim().trim_start_matches('*').trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            comment = Some(c);
            rest = &rest[end..];
            continue;
        }
        let ch = rest.chars().next().expect("not empty");
        rest = &rest[ch.len_utf8()..];
        match ch {
            '{' | '[' | '(' | '<' => depth += 1,
            '}' | ']' | ')' | '>' if !cur.ends_with('=') => depth -= 1,
            ';' if depth == 0 => {
                if !cur.trim().is_empty() {
                    out.push((comment.take(), cur.trim().to_string()));
                }
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push((comment.take(), cur.trim().to_string()));
    }
    out
}

/// `ts` with the words of every interface that names a schema shape taken from the schema.
pub fn document(root: &Path, ts: &str) -> Result<String, String> {
    let words = words(root)?;
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = ts.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let name = line
            .strip_prefix("export interface ")
            .map(|r| r.split([' ', '{', '<']).next().unwrap_or(""));
        let Some(w) = name.and_then(|n| words.get(n)) else {
            out.push(line.to_string());
            i += 1;
            continue;
        };
        // The whole declaration, to the brace that closes it.
        let mut text = String::new();
        let mut depth = 0i32;
        let mut j = i;
        loop {
            text.push_str(lines[j]);
            text.push('\n');
            depth += lines[j].matches('{').count() as i32 - lines[j].matches('}').count() as i32;
            j += 1;
            if depth <= 0 || j >= lines.len() {
                break;
            }
        }
        let open = text
            .find('{')
            .ok_or_else(|| format!("types.d.ts: {line}: no body"))?;
        let close = text
            .rfind('}')
            .ok_or_else(|| format!("types.d.ts: {line}: no end"))?;
        let header = text[..open].trim_end();
        let body = &text[open + 1..close];
        // The doc comment written above: replaced by the schema's, when it has one.
        if w.about.is_some() {
            if out.last().is_some_and(|l| l.trim_end().ends_with("*/")) {
                while let Some(l) = out.pop() {
                    if l.trim_start().starts_with("/**") {
                        break;
                    }
                }
            }
            out.push(
                doc(w.about.as_deref().unwrap_or(""), "")
                    .trim_end()
                    .to_string(),
            );
        }
        out.push(format!("{header} {{"));
        for (comment, member) in members(body) {
            let key = member
                .split([':', '?', '('])
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            if let Some(d) = w.members.get(&key).cloned().or(comment) {
                out.push(doc(&d, "  ").trim_end().to_string());
            }
            out.push(format!("  {member};"));
        }
        out.push("}".to_string());
        i = j;
    }
    Ok(out.join("\n") + "\n")
}
