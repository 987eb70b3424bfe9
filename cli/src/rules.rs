//! `validate` and `route`: a rule set checked with its diagnostics drawn under the file's own
//! lines, and disputes routed with the decision and its reasons.

use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use fengqiao::dispute::DisputeInput;
use fengqiao::routing::{self, Diagnostic, RuleSet, Severity};

use crate::output::{Out, Table};
use crate::{engine, read, read_json, Failure};

/// The diagnostics of the rule set in `text`, each with where it lies: its reading, then
/// its validation (against the world when one is given).
pub(crate) fn diagnostics(
    text: &str,
    world: Option<&fengqiao::engine::Engine>,
) -> Vec<routing::Located> {
    match world {
        Some(e) => e.validate_rules_text(text),
        None => routing::diagnose(text, None),
    }
}

/// Renders `items` as a compiler does: the line, a caret under the value, the rule and path.
pub(crate) fn render(name: &str, text: &str, items: &[Diagnostic], color: bool) -> String {
    let file = SimpleFile::new(name, text);
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    for d in items {
        let level = match d.severity {
            Severity::Error => Level::Error,
            _ => Level::Warning,
        };
        let span = routing::locate(text, &d.path).map_or(0..0, |s| s.start..s.end);
        let mut notes = vec![format!(
            "path: {}",
            if d.path.is_empty() {
                "(the whole rule set)"
            } else {
                &d.path
            }
        )];
        if let Some(rule) = &d.rule {
            notes.push(format!("rule: {rule}"));
        }
        let report = Report::new(level)
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_labels(vec![
                Label::primary((), span).with_message(d.code.label_en())
            ])
            .with_notes(notes);
        term::emit(&mut buffer, &config, &file, &report).expect("writing to a buffer");
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

pub(crate) fn validate(out: &Out, rules: &Path, world: Option<&Path>) -> Result<u8, Failure> {
    let world = world.map(engine).transpose()?;
    if is_table(rules) {
        return validate_table(out, rules, world.as_ref());
    }
    let text = read(rules)?;
    let located = diagnostics(&text, world.as_ref());
    let items: Vec<Diagnostic> = located.iter().map(|l| l.diagnostic.clone()).collect();
    let errors = items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = items.len() - errors;
    if out.json {
        out.json(&located);
    } else if out.csv {
        let mut t = Table::new(&[
            "severity", "code", "rule", "path", "line", "column", "message",
        ]);
        for l in &located {
            let (d, at) = (&l.diagnostic, l.at);
            t.row(vec![
                d.severity.as_str().into(),
                d.code.as_str().into(),
                d.rule.clone().unwrap_or_default(),
                d.path.clone(),
                at.map_or(String::new(), |s| s.line.to_string()),
                at.map_or(String::new(), |s| s.column.to_string()),
                d.message.clone(),
            ]);
        }
        out.print(&t);
    } else {
        let color = std::env::var_os("NO_COLOR").is_none() && is_terminal();
        print!(
            "{}",
            render(&rules.display().to_string(), &text, &items, color)
        );
        summary(out, rules, errors, warnings);
    }
    Ok(severity_status(errors, warnings))
}

fn is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

pub(crate) fn route(
    out: &Out,
    rules: &Path,
    world: &Path,
    disputes: &[std::path::PathBuf],
) -> Result<u8, Failure> {
    let mut engine = engine(world)?;
    let (set, text) = load(out, rules)?;
    if let Err(e) = engine.load_rules(set) {
        match (&e, &text) {
            (fengqiao::engine::EngineError::Rules(d), Some(text)) => eprint!(
                "{}",
                render(&rules.display().to_string(), text, &d.items, false)
            ),
            _ => eprintln!("fengqiao: {}: {e}", rules.display()),
        }
        return Err(Failure::Found);
    }
    let mut decisions = Vec::new();
    for path in disputes {
        let input: DisputeInput = read_json(path)?;
        let decision = engine
            .decide_input(&input)
            .map_err(|e| Failure::Data(format!("{}: {e}", path.display())))?;
        decisions.push((path, decision));
    }
    if out.json {
        let all: Vec<_> = decisions.iter().map(|(_, d)| d).collect();
        out.json(&all);
        return Ok(0);
    }
    if out.csv {
        let mut t = Table::new(&[
            "dispute",
            "level",
            "unit",
            "team",
            "agencies",
            "accept",
            "handle",
            "verify",
            "matched",
            "legal_windows",
        ]);
        let limit = |l: Option<fengqiao::routing::Limit>| {
            l.map_or(String::new(), |l| format!("{}/{}", l.yellow, l.red))
        };
        for (path, d) in &decisions {
            t.row(vec![
                path.display().to_string(),
                d.level.as_str().into(),
                d.unit.to_string(),
                d.team
                    .iter()
                    .map(|m| format!("{}:{}", m.role.as_str(), m.staff))
                    .collect::<Vec<_>>()
                    .join(" "),
                d.agencies
                    .iter()
                    .map(|a| a.kind.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                limit(d.deadlines.accept),
                limit(d.deadlines.handle),
                limit(d.deadlines.verify),
                d.matched.join(" "),
                d.legal_windows
                    .iter()
                    .map(|w| {
                        format!(
                            "{}:{}",
                            w.window.as_str(),
                            w.last_day.map_or("unknown".to_string(), |x| x.to_string())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
        }
        out.print(&t);
        return Ok(0);
    }
    for (path, d) in &decisions {
        let mut t = Table::new(&[out.label("项目", "item"), out.label("决定", "decision")]);
        let lang = |zh: &str, en: &str| out.label(zh, en).to_string();
        let pick = |zh: &'static str, en: &'static str| {
            if out.lang == crate::output::Lang::Zh {
                zh
            } else {
                en
            }
        };
        t.row(vec![
            lang("层级", "level"),
            pick(d.level.label_zh(), d.level.label_en()).to_string(),
        ]);
        t.row(vec![lang("承办单位", "unit"), d.unit.to_string()]);
        let team: Vec<String> = d
            .team
            .iter()
            .map(|m| format!("{} {}", pick(m.role.label_zh(), m.role.label_en()), m.staff))
            .collect();
        t.row(vec![lang("团队", "team"), team.join("、")]);
        let agencies: Vec<String> = d
            .agencies
            .iter()
            .map(|a| pick(a.kind.label_zh(), a.kind.label_en()).to_string())
            .collect();
        t.row(vec![lang("联动部门", "agencies"), agencies.join("、")]);
        let limit = |l: Option<fengqiao::routing::Limit>| {
            l.map_or("—".to_string(), |l| format!("{}/{}", l.yellow, l.red))
        };
        t.row(vec![
            lang("时限（黄/红，工作日）", "limits (yellow/red, working days)"),
            format!(
                "{} {} · {} {} · {} {}",
                lang("受理", "accept"),
                limit(d.deadlines.accept),
                lang("办理", "handle"),
                limit(d.deadlines.handle),
                lang("验证", "verify"),
                limit(d.deadlines.verify)
            ),
        ]);
        for w in &d.legal_windows {
            let last = match (w.last_day, w.last_day_bounds) {
                (Some(day), _) => day.to_string(),
                (None, Some((early, late))) => format!("{early} … {late}"),
                _ => "—".to_string(),
            };
            t.row(vec![
                pick(w.window.label_zh(), w.window.label_en()).to_string(),
                format!(
                    "{} {} → {} {} ({}; {})",
                    lang("自", "from"),
                    w.started_on,
                    lang("止于", "last day"),
                    last,
                    w.period,
                    w.source
                ),
            ]);
        }
        t.row(vec![
            lang("命中规则", "rules matched"),
            d.matched.join(", "),
        ]);
        println!("{}", path.display());
        out.print(&t);
        for r in &d.explanation.rules {
            let source = if r.source.is_empty() {
                String::new()
            } else {
                format!(" [{}]", r.source)
            };
            println!("  · {}: {}{source}", r.id, r.description);
        }
        for n in &d.explanation.notes {
            println!("  · {n}");
        }
        println!();
    }
    Ok(0)
}

/// Whether a path names a decision table rather than JSON.
pub(crate) fn is_table(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("csv" | "xlsx" | "xls" | "xlsm" | "ods")
    )
}

/// Prints table problems; with `--format json`, as JSON.
fn report_table(out: &Out, problems: &[crate::decision_table::TableProblem]) {
    if out.json {
        out.json(problems);
    } else {
        for p in problems {
            eprintln!("error: {p}");
        }
    }
}

/// A rule set in any form `validate` takes: JSON (`.json` or anything else), or a decision
/// table (`.xlsx`, `.csv`, … as `fengqiao import` reads it). Problems are reported as
/// `validate` reports them (drawn under the JSON's lines, or named by sheet, row and
/// column). Returns the rule set and, for JSON, its text (to draw later diagnostics).
pub(crate) fn load(out: &Out, path: &Path) -> Result<(RuleSet, Option<String>), Failure> {
    if is_table(path) {
        return table_rules(out, path).map(|(set, _)| (set, None));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Failure::NoInput(format!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::Data(format!(
            "{}: not a rule set: a rule set is JSON text (UTF-8), or a decision table ending in .xlsx or .csv (see `fengqiao import`)",
            path.display()
        ))
    })?;
    let set = RuleSet::from_json(&text).map_err(|d| {
        eprint!(
            "{}",
            render(&path.display().to_string(), &text, &d.items, false)
        );
        Failure::Found
    })?;
    Ok((set, Some(text)))
}

/// A table's rule set and where its rules came from, or its problems reported.
pub(crate) fn table_rules(
    out: &Out,
    path: &Path,
) -> Result<(RuleSet, crate::decision_table::Locator), Failure> {
    let (sheet, grid) = crate::decision_table::read_grid(path).map_err(Failure::NoInput)?;
    crate::decision_table::from_grid(&sheet, &grid).map_err(|problems| {
        report_table(out, &problems);
        Failure::Found
    })
}

pub(crate) fn import(out: &Out, table: &Path, to: Option<&Path>) -> Result<u8, Failure> {
    let (set, _) = table_rules(out, table)?;
    let text = serde_json::to_string_pretty(&set).expect("rule sets serialise") + "\n";
    match to {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::NoInput(format!("{}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(0)
}

pub(crate) fn export(out: &Out, rules: &str, to: &Path) -> Result<u8, Failure> {
    let set = if rules == "default" {
        RuleSet::from_json(fengqiao::routing::DEFAULT_RULES_JSON).expect("the shipped rules read")
    } else {
        load(out, Path::new(rules))?.0
    };
    crate::decision_table::write(to, &crate::decision_table::to_grid(&set))
        .map_err(Failure::NoInput)?;
    Ok(0)
}

/// `validate` of a decision table: its problems and the validator's, by sheet, row and column.
fn validate_table(
    out: &Out,
    rules: &Path,
    world: Option<&fengqiao::engine::Engine>,
) -> Result<u8, Failure> {
    let (set, locator) = match table_rules(out, rules) {
        Ok(x) => x,
        Err(Failure::Found) => return Ok(2),
        Err(e) => return Err(e),
    };
    let items = match world {
        Some(e) => e.validate_rules(&set).items,
        None => routing::validate(&set, None).items,
    };
    let errors = items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = items.len() - errors;
    let placed: Vec<_> = items
        .iter()
        .map(|d| (d.severity, locator.place(d)))
        .collect();
    if out.json {
        let list: Vec<_> = placed.iter().map(|(_, p)| p).collect();
        out.json(&list);
    } else if out.csv {
        let mut t = Table::new(&["severity", "sheet", "row", "column", "message"]);
        for (sev, p) in &placed {
            t.row(vec![
                sev.as_str().into(),
                p.sheet.clone(),
                p.row.to_string(),
                p.column.clone(),
                p.message.clone(),
            ]);
        }
        out.print(&t);
    } else {
        for (sev, p) in &placed {
            println!("{}: {p}", sev.as_str());
        }
        summary(out, rules, errors, warnings);
    }
    Ok(severity_status(errors, warnings))
}

/// The closing line of `validate`: the file, its errors and warnings.
fn summary(out: &Out, rules: &Path, errors: usize, warnings: usize) {
    println!(
        "{}: {errors} {}, {warnings} {}",
        rules.display(),
        out.label("个错误", "error(s)"),
        out.label("个警告", "warning(s)")
    );
}

/// `validate`'s exit status: 2 with errors, 1 with warnings only, 0 clean.
fn severity_status(errors: usize, warnings: usize) -> u8 {
    if errors > 0 {
        2
    } else if warnings > 0 {
        1
    } else {
        0
    }
}
