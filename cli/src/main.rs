//! `fengqiao`: the workbench of the people who write and test routing rules — a county's
//! 综治 analyst asking what happens to last year's cases if a rule changes, a vendor's
//! engineer showing that a rule table is complete.
//!
//! ```sh
//! fengqiao validate rules.json --world world.json
//! fengqiao route rules.json --world world.json dispute.json
//! fengqiao whatif --world world.json --history history.jsonl --before a.json --after b.json --svg moves.svg
//! fengqiao verify --world world.json journal.jsonl --heads heads.json --keys keys.json
//! fengqiao transfer escalation.json --keys keys.json
//! ```
//!
//! Output is a table for people (`--lang zh` or `en`) or JSON for programs (`--format
//! json`). Exit status: 0 clean, 1 warnings only (validate), 2 errors in what was checked,
//! 64 a usage error, 65 input that cannot be read as what it should be, 66 a file that
//! cannot be opened, 130 interrupted (Ctrl-C) after reporting what was done.

mod bench;
mod decision_table;
mod output;
mod rules;
mod stats;
mod svg;
mod verify;
mod whatif;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use fengqiao::engine::{Engine, WorldData};

/// The workbench for fengqiao's routing rules.
#[derive(Parser)]
#[command(name = "fengqiao", version, about, long_about = None)]
struct Cli {
    /// How results are written: a table for people, JSON or CSV for programs.
    #[arg(long, value_enum, global = true, default_value_t = Format::Table)]
    format: Format,
    /// The language of a table's labels.
    #[arg(long, value_enum, global = true, default_value_t = output::Lang::Zh)]
    lang: output::Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned tables with Chinese or English labels.
    Table,
    /// The library's JSON shapes.
    Json,
    /// The tables as CSV.
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Checks a rule set; every diagnostic with the file's own lines and a caret under the
    /// value. Exit 0 clean, 1 warnings only, 2 errors.
    Validate {
        /// The rule set: JSON, or a decision table (.xlsx, .csv).
        rules: PathBuf,
        /// The world it will run in: checks unit codes and staffing too.
        #[arg(long)]
        world: Option<PathBuf>,
    },
    /// Routes disputes under a rule set: the decision and why.
    Route {
        /// The rule set: JSON, or a decision table (.xlsx, .csv).
        rules: PathBuf,
        /// The world (places, staff, agencies).
        #[arg(long)]
        world: PathBuf,
        /// Disputes (`DisputeInput` JSON), one file each.
        #[arg(required = true)]
        disputes: Vec<PathBuf>,
    },
    /// Replays a history under two rule sets: what moves between levels, teams, agencies
    /// and deadlines, per category and unit, and the load per person.
    Whatif {
        /// The world.
        #[arg(long)]
        world: PathBuf,
        /// Historical disputes, JSON Lines of `HistoricalDispute`.
        #[arg(long)]
        history: PathBuf,
        /// The rule set in force (JSON or a decision table).
        #[arg(long)]
        before: PathBuf,
        /// The rule set proposed (JSON or a decision table).
        #[arg(long)]
        after: PathBuf,
        /// Also write a chart of the moves and the load (SVG) to this file.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Reads a decision table (.xlsx, .csv: one row a rule) into a rule set (JSON), every
    /// problem named by sheet, row and column.
    Import {
        /// The table.
        table: PathBuf,
        /// Where to write the rule set (JSON); standard output if absent.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Writes a rule set as a decision table (.xlsx or .csv) an analyst edits in Excel.
    Export {
        /// The rule set: JSON, or a decision table (.xlsx, .csv). or `default` for the shipped default rules.
        rules: String,
        /// The table to write: `.xlsx` or `.csv`.
        #[arg(long)]
        to: PathBuf,
    },
    /// How fast a rule set decides: decisions per second over a history cycled to a scale,
    /// and (`--growth`) with the rules copied 1, 2, 4 and 8 times. Ctrl-C stops cleanly
    /// with what was measured (exit 130).
    Bench {
        /// The rule set: JSON, or a decision table (.xlsx, .csv).
        rules: PathBuf,
        /// The world.
        #[arg(long)]
        world: PathBuf,
        /// Disputes to decide, JSON Lines of `HistoricalDispute`.
        #[arg(long)]
        history: PathBuf,
        /// How many decisions (the history cycled); the history's length if absent.
        #[arg(long)]
        scale: Option<usize>,
        /// Also measure with the rule set copied 2, 4 and 8 times.
        #[arg(long)]
        growth: bool,
    },
    /// The statistics report (排查/受理/化解 …) from a world and its journal, by category,
    /// level and period.
    Stats {
        /// The world document the journal started from.
        #[arg(long)]
        world: PathBuf,
        /// The journal, JSON Lines.
        journal: PathBuf,
        /// First day of registration counted (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last day counted.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// One row per unit at this level (county, street, community, grid …).
        #[arg(long)]
        level: Option<fengqiao::hierarchy::Level>,
        /// One row per category.
        #[arg(long)]
        by_category: bool,
        /// One row per period: week, month, quarter or year.
        #[arg(long)]
        by_period: Option<fengqiao::stats::Period>,
        /// The moment overdue states are taken at (RFC 3339); the journal's last event if absent.
        #[arg(long)]
        as_of: Option<chrono::DateTime<chrono::Utc>>,
        /// Also write a chart (SVG) of the rows.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Verifies a journal (JSON Lines) from its world document, or one case's trace
    /// (`--trace`), and against signed heads.
    Verify {
        /// The world document the journal started from (not needed for a trace).
        #[arg(long, required_unless_present = "trace")]
        world: Option<PathBuf>,
        /// The journal, JSON Lines from its first entry.
        #[arg(required_unless_present = "trace", conflicts_with = "trace")]
        journal: Option<PathBuf>,
        /// A case's trace instead (JSON Lines of its events, as `trace_jsonl` writes them).
        #[arg(long)]
        trace: Option<PathBuf>,
        /// Signed heads (`SignedHead[]` JSON) to check the journal against.
        #[arg(long, requires = "keys")]
        heads: Option<PathBuf>,
        /// SM2 public keys by key id (`{"id": "04…"}`), for the heads.
        #[arg(long)]
        keys: Option<PathBuf>,
    },
    /// Inspects and verifies a transfer document (移交文书) without an engine: what it
    /// carries, its form, its chain and, with `--keys`, the sender's signature. Exit 0 when
    /// it verifies, 2 when it does not.
    Transfer {
        /// The document (`TransferDocument` JSON).
        document: PathBuf,
        /// SM2 public keys trusted, by key id (`{"id": "04…"}`); the signature is checked.
        #[arg(long)]
        keys: Option<PathBuf>,
    },
}

/// A failure, with the exit status it gives (sysexits.h).
#[derive(Debug)]
pub(crate) enum Failure {
    /// The file cannot be opened (66).
    NoInput(String),
    /// The input is not what it should be (65).
    Data(String),
    /// What was checked has errors, already reported (2).
    Found,
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::NoInput(_) => 66,
            Failure::Data(_) => 65,
            Failure::Found => 2,
        }
    }
}

/// A file's text, or a failure that names it.
pub(crate) fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::NoInput(format!("{}: {e}", path.display())))
}

/// A JSON file read as `T`, or a failure that names the file and the place.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let text = read(path)?;
    serde_json::from_str(&text).map_err(|e| Failure::Data(format!("{}: {e}", path.display())))
}

/// An engine over the world document at `path`.
pub(crate) fn engine(path: &Path) -> Result<Engine, Failure> {
    let world: WorldData = read_json(path)?;
    Engine::from_world(world).map_err(|e| Failure::Data(format!("{}: {e}", path.display())))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 64 } else { 0 });
        }
    };
    let out = output::Out {
        json: cli.format == Format::Json,
        csv: cli.format == Format::Csv,
        lang: cli.lang,
    };
    let result = match cli.command {
        Command::Validate { rules, world } => rules::validate(&out, &rules, world.as_deref()),
        Command::Route {
            rules,
            world,
            disputes,
        } => rules::route(&out, &rules, &world, &disputes),
        Command::Whatif {
            world,
            history,
            before,
            after,
            svg,
        } => whatif::run(&out, &world, &history, &before, &after, svg.as_deref()),
        Command::Bench {
            rules,
            world,
            history,
            scale,
            growth,
        } => bench::run(&out, &rules, &world, &history, scale, growth),
        Command::Stats {
            world,
            journal,
            from,
            to,
            level,
            by_category,
            by_period,
            as_of,
            svg,
        } => stats::run(
            &out,
            &stats::Ask {
                world: &world,
                journal: &journal,
                from,
                to,
                level,
                by_category,
                by_period,
                as_of,
                svg: svg.as_deref(),
            },
        ),
        Command::Import { table, to } => rules::import(&out, &table, to.as_deref()),
        Command::Export { rules, to } => rules::export(&out, &rules, &to),
        Command::Transfer { document, keys } => verify::transfer(&out, &document, keys.as_deref()),
        Command::Verify {
            world,
            journal,
            trace,
            heads,
            keys,
        } => match (world, journal, trace) {
            (_, _, Some(trace)) => verify::trace(&out, &trace, heads.as_deref(), keys.as_deref()),
            (Some(world), Some(journal), None) => {
                verify::run(&out, &world, &journal, heads.as_deref(), keys.as_deref())
            }
            _ => unreachable!("clap requires a world and a journal, or a trace"),
        },
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(f) => {
            match &f {
                Failure::NoInput(m) | Failure::Data(m) => eprintln!("fengqiao: {m}"),
                Failure::Found => {}
            }
            ExitCode::from(f.code())
        }
    }
}
