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
}
