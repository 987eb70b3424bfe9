//! Plain-text tables for people, aligned by **display width**: a Chinese character takes two
//! cells of a terminal, so padding by characters shifts every Chinese row against its head.
//! The one renderer of the library's tables ([`crate::stats::Report::to_table`], the
//! assessment table) and of the `fengqiao` workbench's, so they all line up alike.
//!
//! ```
//! use fengqiao::table::{width, Table};
//! let mut t = Table::new(vec!["社区/community".into(), "排查/screened".into()]);
//! t.row(vec!["洒金社区".into(), "12".into()]);
//! t.row(vec!["total".into(), "3".into()]);
//! let text = t.render();
//! let lines: Vec<&str> = text.lines().collect();
//! // Every line ends in the same terminal column: the numbers line up under their head.
//! assert_eq!(width(lines[0]), width(lines[2]));
//! assert_eq!(width(lines[2]), width(lines[3]));
//! ```

/// The cells `s` takes in a terminal: two for East Asian wide characters (CJK ideographs,
/// Hangul, full-width forms, CJK punctuation), one otherwise.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// A table: a head row and rows, each column padded to its widest cell by display width;
/// the first column left-aligned, a column whose every cell is a number right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with this head row.
    pub fn new(head: Vec<String>) -> Table {
        Table { rows: vec![head] }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The head row, then the rows.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// The table as text: columns two cells apart, a rule under the head, no trailing
    /// spaces.
    pub fn render(&self) -> String {
        let n = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| width(c))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // A column is right-aligned when every cell under its head is a number (or `-`).
        let numeric: Vec<bool> = (0..n)
            .map(|i| {
                i > 0
                    && self.rows[1..].iter().filter_map(|r| r.get(i)).all(|c| {
                        c == "-"
                            || c.trim_start_matches(['+', '-'])
                                .trim_end_matches('%')
                                .parse::<f64>()
                                .is_ok()
                    })
            })
            .collect();
        let mut out = String::new();
        for (k, row) in self.rows.iter().enumerate() {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(width(cell));
                if i > 0 {
                    line.push_str("  ");
                }
                if numeric[i] {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if i + 1 < row.len() {
                        line.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if k == 0 {
                let total: usize =
                    widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
                out.push_str(&"─".repeat(total.min(72)));
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_cells_and_columns_line_up() {
        assert_eq!(width("社区"), 4);
        assert_eq!(width("a社"), 3);
        let mut t = Table::new(vec!["层级".into(), "n".into()]);
        t.row(vec!["社区".into(), "12".into()]);
        t.row(vec!["street".into(), "3".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "社区    12");
        assert_eq!(lines[3], "street   3");
    }
}
