//! Rule sets as decision tables, the way analysts write rules in Excel (and GoRules and DMN
//! lay them out): one row a rule, one column a condition or an outcome. Read from `.xlsx`
//! (calamine) or `.csv`, written back to either.
//!
//! The layout, on the sheet `rules` (or the whole CSV file):
//!
//! ```text
//! @id          fengqiao-default          ← the rule set's own fields, one a row,
//! @version     1.1.0                       structured ones (vocabulary, defaults,
//! @hit_policy  priority                    windows, time_limits) as JSON
//! …
//!                                        ← a blank row
//! id   description  source  priority  category_in   people  …  level  agencies  team …
//! r1   …            …       10        labour, …     10..       street police     [JSON]
//! ```
//!
//! A condition column holds a word, a list of words (`labour, neighbour`, also with `，`
//! or `、`), or a range (`10..`, `..5`, `3..9`); a rule's conditions are all required. A
//! condition that is not such a conjunction (`any`, `not`, nested) is written whole in the
//! `when` column as JSON. An outcome column holds a word, a list, `true`/`false`, or JSON
//! (team, deadlines, escalation). A blank cell is "any" (conditions) or "not set" (outcomes).
//!
//! Every problem names the sheet, the row and the column, as the analyst sees them.

use std::path::Path;

use fengqiao::routing::{Diagnostic, RuleSet};
use serde_json::{Map, Value};

/// The simple conditions, each a column: (column, kind of cell).
const CONDITIONS: &[(&str, Cell)] = &[
    ("category_in", Cell::List),
    ("subtype_in", Cell::List),
    ("channel_in", Cell::List),
    ("urgency_at_least", Cell::Word),
    ("urgency_in", Cell::List),
    ("risk_at_least", Cell::Word),
    ("risk_in", Cell::List),
    ("people", Cell::Range),
    ("group_size_in", Cell::List),
    ("amount_yuan", Cell::Range),
    ("flags_all", Cell::List),
    ("flags_any", Cell::List),
    ("within", Cell::Word),
    ("level_in", Cell::List),
];

/// The outcome fields, each a column.
const OUTCOMES: &[(&str, Cell)] = &[
    ("level", Cell::Word),
    ("agencies", Cell::List),
    ("sector_department", Cell::Bool),
    ("offer_confirmation", Cell::Bool),
    ("supervision", Cell::Word),
    ("team", Cell::Json),
    ("deadlines", Cell::Json),
    ("escalation", Cell::Json),
];

/// The rule's own fields, then `when` for conditions beyond a conjunction.
const RULE_FIELDS: &[&str] = &["id", "description", "source", "priority"];

/// The rule set's fields written above the table (structured ones as JSON).
const SET_FIELDS: &[(&str, Cell)] = &[
    ("id", Cell::Word),
    ("version", Cell::Word),
    ("description", Cell::Word),
    ("hit_policy", Cell::Word),
    ("vocabulary", Cell::Json),
    ("defaults", Cell::Json),
    ("windows", Cell::Json),
    ("time_limits", Cell::Json),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Word,
    List,
    Range,
    Bool,
    Json,
}

/// A problem in a table, where the analyst sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct TableProblem {
    pub sheet: String,
    /// 1-based, as the spreadsheet numbers rows.
    pub row: usize,
    /// The column's letter(s) and head, e.g. `E (category_in)`.
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for TableProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sheet {}, row {}, column {}: {}",
            self.sheet, self.row, self.column, self.message
        )
    }
}

/// `A`, `B`, … `Z`, `AA` … for a 0-based column.
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

// ---- reading -------------------------------------------------------------------------------

/// The grid of a `.xlsx`/`.xls`/`.ods` sheet `rules` (or its first sheet) or a CSV file, as
/// text cells, with the sheet's name.
pub(crate) fn read_grid(path: &Path) -> Result<(String, Vec<Vec<String>>), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "csv" {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // The reader skips blank lines: place each record at its own line, so rows are
        // numbered as an editor numbers them.
        let mut rows: Vec<Vec<String>> = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let line = rec.position().map_or(rows.len() + 1, |p| p.line() as usize);
            while rows.len() + 1 < line {
                rows.push(Vec::new());
            }
            rows.push(rec.iter().map(str::to_string).collect());
        }
        let name = path
            .file_name()
            .map_or("csv".into(), |n| n.to_string_lossy().into_owned());
        return Ok((name, rows));
    }
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.as_str() == "rules")
        .or(names.first())
        .cloned()
        .ok_or_else(|| format!("{}: the workbook has no sheet", path.display()))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("{}: sheet {name}: {e}", path.display()))?;
    // Keep the sheet's own row numbers: pad the rows above where its data starts.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top as usize];
    for r in range.rows() {
        let mut cells = vec![String::new(); left as usize];
        cells.extend(r.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            other => other.to_string(),
        }));
        rows.push(cells);
    }
    Ok((name, rows))
}

/// A rule set from a table: its JSON built cell by cell, then read and checked by the
/// library (`RuleSet::from_json`), each problem named by sheet, row and column.
pub(crate) fn from_grid(
    sheet: &str,
    grid: &[Vec<String>],
) -> Result<(RuleSet, Locator), Vec<TableProblem>> {
    let problem = |row: usize, col: usize, head: &str, message: String| TableProblem {
        sheet: sheet.to_string(),
        row: row + 1,
        column: format!("{} ({head})", letters(col)),
        message,
    };
    let mut problems = Vec::new();
    let mut set = Map::new();
    let cell = |row: &Vec<String>, i: usize| row.get(i).map_or("", |s| s.trim()).to_string();
    // The rule set's fields, until the table's head (a row whose first cell is `id`).
    let mut r = 0;
    while r < grid.len() && cell(&grid[r], 0) != "id" {
        let key = cell(&grid[r], 0);
        if let Some(field) = key.strip_prefix('@') {
            match SET_FIELDS.iter().find(|(f, _)| *f == field) {
                Some((f, kind)) => match parse(*kind, &cell(&grid[r], 1)) {
                    Ok(Some(v)) => {
                        set.insert(f.to_string(), v);
                    }
                    Ok(None) => {}
                    Err(m) => problems.push(problem(r, 1, f, m)),
                },
                None => problems.push(problem(
                    r,
                    0,
                    &key,
                    format!(
                        "unknown rule-set field `{field}`: expected one of {}",
                        SET_FIELDS
                            .iter()
                            .map(|(f, _)| format!("@{f}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        } else if !key.is_empty() {
            problems.push(problem(
                r,
                0,
                &key,
                "above the table, a row names a rule-set field (`@id`, `@version` …) or is blank"
                    .into(),
            ));
        }
        r += 1;
    }
    if r == grid.len() {
        problems.push(problem(
            r.saturating_sub(1),
            0,
            "id",
            "no table: a head row starting with `id` is expected".into(),
        ));
        return Err(problems);
    }
    let head: Vec<String> = grid[r].iter().map(|h| h.trim().to_string()).collect();
    for (i, h) in head.iter().enumerate() {
        let known = h.is_empty()
            || RULE_FIELDS.contains(&h.as_str())
            || h == "when"
            || CONDITIONS.iter().any(|(c, _)| c == h)
            || OUTCOMES.iter().any(|(o, _)| o == h);
        if !known {
            problems.push(problem(r, i, h, "unknown column: a rule field (id, description, source, priority), a condition (category_in, people …), `when`, or an outcome (level, agencies …)".into()));
        }
    }
    let head_row = r;
    let mut rules = Vec::new();
    let mut rows = Vec::new(); // the sheet row of each rule
    for (k, row) in grid.iter().enumerate().skip(head_row + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut rule = Map::new();
        let mut leaves = Vec::new();
        let mut then = Map::new();
        for (i, h) in head.iter().enumerate() {
            let text = cell(row, i);
            if text.is_empty() {
                continue;
            }
            let kind = if RULE_FIELDS.contains(&h.as_str()) {
                if h == "priority" {
                    Cell::Json
                } else {
                    Cell::Word
                }
            } else if h == "when" {
                Cell::Json
            } else if let Some((_, k)) = CONDITIONS.iter().find(|(c, _)| c == h) {
                *k
            } else if let Some((_, k)) = OUTCOMES.iter().find(|(o, _)| o == h) {
                *k
            } else {
                continue;
            };
            match parse(kind, &text) {
                Ok(Some(v)) => {
                    if RULE_FIELDS.contains(&h.as_str()) {
                        rule.insert(h.clone(), v);
                    } else if h == "when" {
                        leaves.insert(0, v);
                    } else if CONDITIONS.iter().any(|(c, _)| c == h) {
                        leaves.push(Value::Object(Map::from_iter([(h.clone(), v)])));
                    } else {
                        then.insert(h.clone(), v);
                    }
                }
                Ok(None) => {}
                Err(m) => problems.push(problem(k, i, h, m)),
            }
        }
        match leaves.len() {
            0 => {}
            1 => {
                rule.insert("when".into(), leaves.pop().expect("one"));
            }
            _ => {
                rule.insert(
                    "when".into(),
                    Value::Object(Map::from_iter([("all".to_string(), Value::Array(leaves))])),
                );
            }
        }
        if !then.is_empty() {
            rule.insert("then".into(), Value::Object(then));
        }
        rules.push(Value::Object(rule));
        rows.push(k);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    set.insert("rules".into(), Value::Array(rules));
    let text = serde_json::to_string(&Value::Object(set)).expect("values serialise");
    let locator = Locator {
        sheet: sheet.to_string(),
        head,
        head_row,
        rows,
    };
    match RuleSet::from_json(&text) {
        Ok(set) => Ok((set, locator)),
        Err(d) => Err(d.items.iter().map(|x| locator.place(x)).collect()),
    }
}

/// Where the rules of a table came from: to name a validator's diagnostic by row and column.
pub(crate) struct Locator {
    sheet: String,
    head: Vec<String>,
    head_row: usize,
    rows: Vec<usize>,
}

impl Locator {
    /// Where a diagnostic of the built rule set lies in the table.
    pub(crate) fn place(&self, d: &Diagnostic) -> TableProblem {
        locate(&self.sheet, &self.head, self.head_row, &self.rows, d)
    }
}

fn locate(
    sheet: &str,
    head: &[String],
    head_row: usize,
    rows: &[usize],
    d: &Diagnostic,
) -> TableProblem {
    let mut row = head_row;
    let mut column = 0;
    if let Some(rest) = d.path.strip_prefix("rules[") {
        let (i, tail) = rest.split_once(']').unwrap_or((rest, ""));
        if let Some(r) = i.parse::<usize>().ok().and_then(|i| rows.get(i)) {
            row = *r;
        }
        let tail = tail.trim_start_matches('.');
        let field = tail
            .trim_start_matches("when.")
            .trim_start_matches("then.")
            .split(['.', '['])
            .next()
            .unwrap_or("");
        let field = if tail.starts_with("when.all") {
            head.iter().position(|h| h == "when").map_or("", |_| "when")
        } else {
            field
        };
        column = head
            .iter()
            .position(|h| h == field)
            .or_else(|| head.iter().position(|h| h == "when"))
            .unwrap_or(0);
    }
    TableProblem {
        sheet: sheet.to_string(),
        row: row + 1,
        column: format!(
            "{} ({})",
            letters(column),
            head.get(column).map_or("", |s| s.as_str())
        ),
        message: format!("{}: {}", d.code, d.message),
    }
}

/// A cell's value, `None` when blank.
fn parse(kind: Cell, text: &str) -> Result<Option<Value>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(match kind {
        Cell::Word => Value::String(text.to_string()),
        Cell::List => Value::Array(
            text.split([',', '，', '、', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
        Cell::Range => {
            let (a, b) = text
                .split_once("..")
                .ok_or_else(|| format!("`{text}`: a range is `min..max`, `min..` or `..max`"))?;
            let num = |s: &str| -> Result<Option<Value>, String> {
                let s = s.trim();
                if s.is_empty() {
                    return Ok(None);
                }
                s.parse::<u64>()
                    .map(|n| Some(Value::from(n)))
                    .map_err(|_| format!("`{s}` in `{text}`: a whole number is expected"))
            };
            let mut m = Map::new();
            if let Some(v) = num(a)? {
                m.insert("min".into(), v);
            }
            if let Some(v) = num(b)? {
                m.insert("max".into(), v);
            }
            Value::Object(m)
        }
        Cell::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "是" | "1" => Value::Bool(true),
            "false" | "no" | "否" | "0" => Value::Bool(false),
            _ => return Err(format!("`{text}`: true or false (是/否) is expected")),
        },
        Cell::Json => {
            serde_json::from_str(text).map_err(|e| format!("`{text}` is not JSON: {e}"))?
        }
    }))
}

// ---- writing -------------------------------------------------------------------------------

/// The table of a rule set: the rows `from_grid` reads back to the same rule set.
pub(crate) fn to_grid(set: &RuleSet) -> Vec<Vec<String>> {
    let v = serde_json::to_value(set).expect("rule sets serialise");
    let mut grid = Vec::new();
    for (f, kind) in SET_FIELDS {
        if let Some(x) = v.get(*f) {
            grid.push(vec![format!("@{f}"), show(*kind, x)]);
        }
    }
    grid.push(vec![]);
    let mut head: Vec<String> = RULE_FIELDS.iter().map(|s| s.to_string()).collect();
    head.extend(CONDITIONS.iter().map(|(c, _)| c.to_string()));
    head.push("when".into());
    head.extend(OUTCOMES.iter().map(|(o, _)| o.to_string()));
    grid.push(head.clone());
    for rule in v["rules"].as_array().into_iter().flatten() {
        let mut row = vec![String::new(); head.len()];
        let col = |name: &str| head.iter().position(|h| h == name).expect("a known column");
        for f in RULE_FIELDS {
            if let Some(x) = rule.get(*f) {
                row[col(f)] = match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
            }
        }
        if let Some(when) = rule.get("when") {
            match simple_leaves(when) {
                Some(leaves) => {
                    for (name, x) in leaves {
                        let kind = CONDITIONS
                            .iter()
                            .find(|(c, _)| *c == name)
                            .expect("a simple leaf")
                            .1;
                        row[col(&name)] = show(kind, &x);
                    }
                }
                None => row[col("when")] = when.to_string(),
            }
        }
        if let Some(Value::Object(then)) = rule.get("then") {
            for (o, kind) in OUTCOMES {
                if let Some(x) = then.get(*o) {
                    row[col(o)] = show(*kind, x);
                }
            }
        }
        grid.push(row);
    }
    grid
}

/// The leaves of a condition that the columns can hold: one simple leaf, or `all` of simple
/// leaves of distinct kinds. `None` otherwise (it goes whole into `when`).
fn simple_leaves(when: &Value) -> Option<Vec<(String, Value)>> {
    if when == "always" {
        return Some(vec![]);
    }
    let leaf = |v: &Value| -> Option<(String, Value)> {
        let m = v.as_object()?;
        let (k, x) = m.iter().next()?;
        (m.len() == 1 && CONDITIONS.iter().any(|(c, _)| c == k)).then(|| (k.clone(), x.clone()))
    };
    if let Some(l) = leaf(when) {
        return Some(vec![l]);
    }
    let all = when.get("all")?.as_array()?;
    let leaves: Vec<_> = all.iter().map(leaf).collect::<Option<_>>()?;
    let mut names: Vec<&String> = leaves.iter().map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    (names.len() == leaves.len() && !leaves.is_empty()).then_some(leaves)
}

/// A value as its cell shows it.
fn show(kind: Cell, v: &Value) -> String {
    match (kind, v) {
        (Cell::Word, Value::String(s)) => s.clone(),
        (Cell::List, Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        (Cell::Range, Value::Object(m)) => format!(
            "{}..{}",
            m.get("min").map_or(String::new(), |x| x.to_string()),
            m.get("max").map_or(String::new(), |x| x.to_string())
        ),
        (Cell::Bool, Value::Bool(b)) => b.to_string(),
        (_, other) => other.to_string(),
    }
}

/// Writes the table as CSV (`.csv`) or as the sheet `rules` of a workbook (`.xlsx`).
pub(crate) fn write(path: &Path, grid: &[Vec<String>]) -> Result<(), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    match ext.as_str() {
        "csv" => {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_path(path)
                .map_err(|e| fail(&e))?;
            for row in grid {
                w.write_record(row).map_err(|e| fail(&e))?;
            }
            w.flush().map_err(|e| fail(&e))
        }
        "xlsx" => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("rules").map_err(|e| fail(&e))?;
            for (r, row) in grid.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    if !text.is_empty() {
                        sheet
                            .write_string(r as u32, c as u16, text)
                            .map_err(|e| fail(&e))?;
                    }
                }
            }
            book.save(path).map_err(|e| fail(&e))
        }
        other => Err(format!(
            "{}: `.{other}`: a table is written as .csv or .xlsx",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_their_kinds() {
        assert_eq!(
            parse(Cell::List, "labour，neighbour、 x").unwrap(),
            Some(serde_json::json!(["labour", "neighbour", "x"]))
        );
        assert_eq!(
            parse(Cell::Range, "10..").unwrap(),
            Some(serde_json::json!({"min": 10}))
        );
        assert_eq!(
            parse(Cell::Range, "..5").unwrap(),
            Some(serde_json::json!({"max": 5}))
        );
        assert!(parse(Cell::Range, "ten..")
            .unwrap_err()
            .contains("whole number"));
        assert_eq!(parse(Cell::Bool, "是").unwrap(), Some(Value::Bool(true)));
        assert_eq!(parse(Cell::Word, "  ").unwrap(), None);
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
    }
}
