//! Output for people (tables with Chinese or English labels, columns aligned by display
//! width: a Chinese character takes two cells) or for programs (JSON).

use clap::ValueEnum;
use serde::Serialize;

/// The language of labels.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

/// Where and how results go.
pub(crate) struct Out {
    pub json: bool,
    /// Tables as CSV (for spreadsheets and scripts), without the prose around them.
    pub csv: bool,
    pub lang: Lang,
}

impl Out {
    /// `zh` or `en` as the table's language says.
    pub fn label<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Prints a table as text, or as CSV (tables separated by a blank line).
    pub fn print(&self, t: &Table) {
        if self.csv {
            print!("{}", t.csv());
        } else {
            print!("{}", t.render());
        }
    }

    /// Prints a line of prose around the tables (not in CSV).
    pub fn say(&self, line: &str) {
        if !self.csv {
            println!("{line}");
        }
    }

    /// Writes `value` as pretty JSON on standard output.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        println!(
            "{}",
            serde_json::to_string_pretty(value).expect("the library's types serialise")
        );
    }
}

/// The cells a string takes in a terminal: two for East Asian wide characters.
pub(crate) fn width(s: &str) -> usize {
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

/// A table: a head row and rows, columns padded to their widest cell.
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Table {
        Table {
            rows: vec![head.iter().map(|s| s.to_string()).collect()],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as CSV (RFC 4180 quoting), then a blank line.
    pub fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in &self.rows {
            w.write_record(row).expect("writing to memory");
        }
        let mut text =
            String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells");
        text.push('\n');
        text
    }

    /// The table as text: the first column left-aligned, numbers right-aligned.
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
        // A column is right-aligned when every cell under its head is a number.
        let numeric: Vec<bool> = (0..n)
            .map(|i| {
                i > 0
                    && self.rows[1..]
                        .iter()
                        .filter_map(|r| r.get(i))
                        .all(|c| c.trim_start_matches(['+', '-']).parse::<f64>().is_ok())
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
        let mut t = Table::new(&["层级", "n"]);
        t.row(vec!["社区".into(), "12".into()]);
        t.row(vec!["street".into(), "3".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "社区    12");
        assert_eq!(lines[3], "street   3");
    }
}
