//! Where in a JSON text a byte lies, as the validator names places: `rules[3].when.all[0]`.
//!
//! A rule set is read by `serde_json` straight into its types (the same reader the journal
//! uses, so the WebAssembly module carries one deserialiser per type); when that fails, the
//! error's line and column are turned into a path here, by walking the text's tokens up to
//! that point. A key is part of the path from the moment it is read until its value ends, so
//! an unknown field is named by its own key (`rules[0].colour`) and a missing field by the
//! object that lacks it (`rules[0]`).

/// One level of nesting.
enum Frame {
    /// An object, and the key whose value is being read (if any).
    Object(Option<String>),
    /// An array, and the index of the element being read.
    Array(usize),
}

/// The path of the value being read at byte `offset` of `text` (empty at the top level).
pub(super) fn path_at(text: &str, offset: usize) -> String {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() && i < offset {
        match b[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            b'"' => {
                // A string: a key if the innermost object has none yet, else a value.
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let raw = &text[start..i.min(b.len())];
                    *key = Some(
                        serde_json::from_str(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

/// The byte offset of serde_json's 1-based `line` and `column` (bytes) in `text`.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column).min(text.len())
}

/// The path (`agreement.amount_yuan`, `rules[3].when`) of the value serde_json was reading
/// when it stopped at its 1-based `line` and `column` in `text`: what an error about a
/// value names, so that "invalid type: null, expected u64" says which field was null.
///
/// ```
/// let text = r#"{"op": "resolve", "agreement": {"terms": "x", "amount_yuan": null}}"#;
/// let e = serde_json::from_str::<serde_json::Value>(text).err();
/// assert!(e.is_none());
/// assert_eq!(fengqiao::routing::path_at_position(text, 1, 63), "agreement.amount_yuan");
/// ```
pub fn path_at_position(text: &str, line: usize, column: usize) -> String {
    path_at(text, offset_of(text, line, column))
}

/// The paths of every `null` in `text`, in order: what an error about a null names when
/// serde_json could not say where it was (an internally tagged enum buffers its content
/// and loses the position).
pub fn null_paths(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let (mut out, mut i, mut in_string) = (Vec::new(), 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'n' if !in_string && bytes[i..].starts_with(b"null") => {
                out.push(path_at(text, i));
                i += 3;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Where a value lies in a JSON text: what a diagnostic's path points at, for an editor or
/// a terminal to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    /// Byte offset of the value's first byte.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
    /// 1-based line of its first byte.
    pub line: usize,
    /// 1-based column of its first byte, in characters.
    pub column: usize,
}

/// The span of the value at `path` (as the validator writes paths: `rules[3].when.all[0]`)
/// in `text`; if no value is there (a missing field), the nearest enclosing one that is.
/// `None` only for text that is not a JSON document.
pub fn locate(text: &str, path: &str) -> Option<Span> {
    let mut target = path.to_string();
    loop {
        let mut found = None;
        let mut current = String::new();
        scan(
            text.as_bytes(),
            skip_ws(text.as_bytes(), 0),
            &mut current,
            &target,
            &mut found,
        )?;
        if let Some((start, end)) = found {
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Some(Span {
                start,
                end,
                line,
                column,
            });
        }
        if target.is_empty() {
            return None;
        }
        // Drop the last segment: `a.b[2]` → `a.b` → `a` → ``.
        let cut = target.rfind(['.', '[']).unwrap_or(0);
        target.truncate(cut);
    }
}

/// A diagnostic and where it lies in the rule set's text: what an editor underlines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Located {
    /// The diagnostic.
    pub diagnostic: super::Diagnostic,
    /// The value its path names (or the nearest enclosing one); absent only when the text
    /// is not a JSON document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Span>,
}

/// Every diagnostic of the rule set in `text` — its reading, then its validation (against
/// `schema`, the world's units and staff, when given) — each with where it lies. What an
/// editor shows as the analyst types, and what the command line draws under the lines.
///
/// ```
/// let text = "{\"id\": \"x\", \"version\": \"1\", \"hit_policy\": \"first\",\n \"rules\": [{\"id\": \"a\", \"when\": {\"category_in\": [\"labor\"]}}]}";
/// let found = fengqiao::routing::diagnose(text, None);
/// assert_eq!(found[0].diagnostic.path, "rules[0].when.category_in[0]");
/// assert_eq!(found[0].at.map(|s| (s.line, s.column)), Some((2, 49)));
/// ```
pub fn diagnose(text: &str, schema: Option<&super::Schema>) -> Vec<Located> {
    let items = match super::RuleSet::from_json(text) {
        Err(d) => d.items,
        Ok(set) => super::validate(&set, schema).items,
    };
    items
        .into_iter()
        .map(|d| Located {
            at: locate(text, &d.path),
            diagnostic: d,
        })
        .collect()
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Scans the value starting at `i`; returns the index past it (`None`: not JSON). Records
/// the span of the value whose path is `target`.
fn scan(
    b: &[u8],
    i: usize,
    path: &mut String,
    target: &str,
    found: &mut Option<(usize, usize)>,
) -> Option<usize> {
    let start = i;
    let end = match *b.get(i)? {
        b'{' => {
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b'}') {
                j + 1
            } else {
                loop {
                    let key_end = string_end(b, j)?;
                    let key: String = serde_json::from_slice(&b[j..key_end]).ok()?;
                    j = skip_ws(b, key_end);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key);
                    j = scan(b, skip_ws(b, j + 1), path, target, found)?;
                    path.truncate(len);
                    j = skip_ws(b, j);
                    match b.get(j)? {
                        b',' => j = skip_ws(b, j + 1),
                        b'}' => break j + 1,
                        _ => return None,
                    }
                }
            }
        }
        b'[' => {
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b']') {
                j + 1
            } else {
                let mut n = 0;
                loop {
                    let len = path.len();
                    path.push_str(&format!("[{n}]"));
                    j = scan(b, j, path, target, found)?;
                    path.truncate(len);
                    n += 1;
                    j = skip_ws(b, j);
                    match b.get(j)? {
                        b',' => j = skip_ws(b, j + 1),
                        b']' => break j + 1,
                        _ => return None,
                    }
                }
            }
        }
        b'"' => string_end(b, i)?,
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            if j == i {
                return None;
            }
            j
        }
    };
    if found.is_none() && path == target {
        *found = Some((start, end));
    }
    Some(end)
}

/// The index past the string starting at `i` (its opening quote).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_keys_and_indexes() {
        let t = r#"{"rules": [{"id": "a"}, {"id": "b", "when": {"category_in": ["x", "labor"]}}]}"#;
        let at = |needle: &str| path_at(t, t.find(needle).unwrap() + needle.len());
        assert_eq!(at(r#""labor""#), "rules[1].when.category_in[1]");
        assert_eq!(at(r#""id": "b""#), "rules[1].id");
        assert_eq!(at(r#"{"id": "a"}"#), "rules[0]");
        assert_eq!(path_at(t, 0), "");
        // Escapes inside strings do not end them; a quoted key is unescaped.
        let e = r#"{"a\"b": {"c": "x\"y", "d": 1}}"#;
        assert_eq!(path_at(e, e.find("1").unwrap()), "a\"b.d");
        assert_eq!(offset_of("ab\ncd", 2, 1), 4);
    }

    #[test]
    fn paths_locate_their_values_or_the_nearest_enclosing_one() {
        let t = "{\n  \"rules\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"when\": {\"category_in\": [\"x\", \"labor\"]}}\n  ]\n}";
        let at = |p: &str| locate(t, p).map(|s| (&t[s.start..s.end], s.line, s.column));
        assert_eq!(
            at("rules[1].when.category_in[1]"),
            Some(("\"labor\"", 4, 47))
        );
        assert_eq!(at("rules[0].id"), Some(("\"a\"", 3, 12)));
        assert_eq!(at("rules[0]"), Some(("{\"id\": \"a\"}", 3, 5)));
        // A field that is not there: the object that lacks it.
        assert_eq!(at("rules[0].then"), at("rules[0]"));
        assert_eq!(at("").map(|x| x.1), Some(1));
        // Columns count characters, not bytes.
        let c = "{\"名称\": \"调解\", \"x\": 1}";
        assert_eq!(locate(c, "x").map(|s| s.column), Some(19));
        assert_eq!(locate("{\"a\": ", "a"), None);
    }
}
