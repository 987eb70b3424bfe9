//! `stats`: the statistics centres report (排查/受理/化解 … by category × level × period),
//! from a world document and its journal, as a table, JSON or an SVG chart.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use fengqiao::engine::{Engine, WorldData};
use fengqiao::hierarchy::Level;
use fengqiao::stats::{Period, Query, Report};
use fengqiao::trace::Actor;

use crate::output::{Lang, Out};
use crate::{read, read_json, Failure};

/// What to count, as the command line gives it.
pub(crate) struct Ask<'a> {
    pub world: &'a Path,
    pub journal: &'a Path,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub level: Option<Level>,
    pub by_category: bool,
    pub by_period: Option<Period>,
    pub as_of: Option<DateTime<Utc>>,
    pub svg: Option<&'a Path>,
}

pub(crate) fn run(out: &Out, ask: &Ask) -> Result<u8, Failure> {
    let world: WorldData = read_json(ask.world)?;
    let text = read(ask.journal)?;
    let engine = Engine::restore_read(
        world,
        fengqiao::journal::jsonl_lines(&text),
        fengqiao::journal::read_line,
    )
    .map_err(|e| Failure::Data(format!("{}: {e}", ask.journal.display())))?;
    let query = Query {
        from: ask.from,
        to: ask.to,
        by_level: ask.level,
        by_category: ask.by_category,
        by_period: ask.by_period,
        ..Query::default()
    };
    // Overdue states are taken at the given moment, else at the journal's last event.
    let as_of = ask.as_of.or_else(|| {
        engine
            .cases()
            .flat_map(|c| c.events.last())
            .map(|e| e.at)
            .max()
    });
    let as_of = as_of.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let report = engine
        .reader(&Actor::System, as_of)
        .and_then(|r| r.statistics(&query))
        .map_err(|e| Failure::Data(e.to_string()))?;
    if let Some(path) = ask.svg {
        std::fs::write(path, chart(&report, out.lang))
            .map_err(|e| Failure::NoInput(format!("{}: {e}", path.display())))?;
    }
    if out.json {
        out.json(&report);
    } else if out.csv {
        let mut head = vec!["unit", "unit_name", "category", "period"];
        head.extend(fengqiao::stats::Counts::NAMES);
        let mut t = crate::output::Table::new(&head);
        for r in report.rows.iter().chain(std::iter::once(&report.total)) {
            let counts = serde_json::to_value(r.counts).expect("counts serialise");
            let mut cells = vec![
                r.unit.map_or(String::new(), |u| u.to_string()),
                r.unit_name.clone(),
                r.category.map_or(String::new(), |c| c.as_str().to_string()),
                r.period.clone().unwrap_or_default(),
            ];
            cells.extend(
                fengqiao::stats::Counts::NAMES
                    .iter()
                    .map(|n| counts[n].to_string()),
            );
            t.row(cells);
        }
        out.print(&t);
    } else {
        let lang = match out.lang {
            Lang::Zh => fengqiao::stats::Lang::Zh,
            Lang::En => fengqiao::stats::Lang::En,
        };
        print!("{}", report.to_table(lang));
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(0)
}

/// Cases registered and resolved per row (category, unit or period), as bars.
fn chart(report: &Report, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let rows: Vec<(String, f64, f64)> = report
        .rows
        .iter()
        .map(|r| {
            let name = r
                .period
                .clone()
                .or_else(|| {
                    r.category
                        .map(|c| if zh { c.label_zh() } else { c.label_en() }.to_string())
                })
                .unwrap_or_else(|| {
                    if r.unit_name.is_empty() {
                        r.unit.map_or(String::new(), |u| u.to_string())
                    } else {
                        r.unit_name.clone()
                    }
                });
            (name, r.counts.screened as f64, r.counts.succeeded as f64)
        })
        .collect();
    let legend = if zh {
        ("排查", "化解")
    } else {
        ("screened", "resolved")
    };
    let title = if zh {
        "矛盾纠纷排查与化解"
    } else {
        "Disputes screened and resolved"
    };
    crate::svg::bar_chart(title, legend, &rows)
}
