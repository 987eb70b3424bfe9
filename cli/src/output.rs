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

/// A table: a head row and rows, drawn as text by the library's one renderer
/// ([`fengqiao::table::Table`], aligned by display width), or written as CSV.
pub(crate) struct Table {
    inner: fengqiao::table::Table,
}

impl Table {
    pub fn new(head: &[&str]) -> Table {
        Table {
            inner: fengqiao::table::Table::new(head.iter().map(|s| s.to_string()).collect()),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.inner.row(cells);
    }

    /// The table as CSV (RFC 4180 quoting), then a blank line.
    pub fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in self.inner.rows() {
            w.write_record(row).expect("writing to memory");
        }
        let mut text =
            String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells");
        text.push('\n');
        text
    }

    /// The table as text.
    pub fn render(&self) -> String {
        self.inner.render()
    }
}
