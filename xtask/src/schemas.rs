//! The JSON Schemas of `docs/schema`, read once for the generators that take words from
//! them (the TypeScript vocabularies and doc comments).

use std::path::Path;

/// Every `*.schema.json` of `docs/schema`, parsed, in file-name order.
pub fn read_all(root: &Path) -> Result<Vec<serde_json::Value>, String> {
    let dir = root.join("docs/schema");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))
        })
        .collect()
}

/// A schema description with rustdoc's intra-doc links (`` [`Category::moj`] ``) left as
/// code, and nothing that would end a doc comment.
pub fn unlink(text: &str) -> String {
    text.replace("[`", "`")
        .replace("`]", "`")
        .replace("*/", "* /")
}
