//! `whatif`: a history replayed under the rule set in force and the one proposed — what
//! moves between levels, units, teams, agencies and deadlines, per category and per unit,
//! and what it does to each person's load.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use fengqiao::routing::Decision;
use fengqiao::whatif::{Comparison, HistoricalDispute};
use serde::Serialize;

use crate::output::{Lang, Out, Table};
use crate::{engine, read, Failure};

/// What moved, counted: the summary a report needs beside the library's comparison.
#[derive(Serialize, Default)]
pub(crate) struct Moves {
    /// `(level before, level after) → cases`, for cases whose level changed.
    pub levels: BTreeMap<String, u32>,
    /// Per category: cases whose level, unit, team, agencies or deadlines changed.
    pub by_category: BTreeMap<String, Counts>,
    /// Per handling unit: cases it loses and gains.
    pub by_unit: BTreeMap<String, UnitMoves>,
}

#[derive(Serialize, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub cases: u32,
    pub level: u32,
    pub unit: u32,
    pub team: u32,
    pub agencies: u32,
    pub deadlines: u32,
}

#[derive(Serialize, Default, Clone, Copy)]
pub(crate) struct UnitMoves {
    pub loses: u32,
    pub gains: u32,
}

fn staff_of(d: &Decision) -> Vec<&str> {
    let mut v: Vec<&str> = d.team.iter().map(|m| m.staff.as_str()).collect();
    v.sort_unstable();
    v
}

fn kinds_of(d: &Decision) -> Vec<&'static str> {
    let mut v: Vec<&str> = d.agencies.iter().map(|a| a.kind.as_str()).collect();
    v.sort_unstable();
    v
}

/// Counts the moves of `c` over `history`.
pub(crate) fn moves(history: &[HistoricalDispute], c: &Comparison) -> Moves {
    let category: HashMap<&str, &'static str> = history
        .iter()
        .map(|h| (h.id.as_str(), h.input.category.as_str()))
        .collect();
    let mut m = Moves::default();
    for h in history {
        m.by_category
            .entry(h.input.category.as_str().into())
            .or_default()
            .cases += 1;
    }
    for ch in &c.changed {
        let (a, b) = (&ch.a, &ch.b);
        let cat = category.get(ch.id.as_str()).copied().unwrap_or("?");
        let k = m.by_category.entry(cat.into()).or_default();
        if a.level != b.level {
            k.level += 1;
            *m.levels
                .entry(format!("{} → {}", a.level.as_str(), b.level.as_str()))
                .or_default() += 1;
        }
        if a.unit != b.unit {
            k.unit += 1;
            m.by_unit.entry(a.unit.to_string()).or_default().loses += 1;
            m.by_unit.entry(b.unit.to_string()).or_default().gains += 1;
        }
        k.team += u32::from(staff_of(a) != staff_of(b));
        k.agencies += u32::from(kinds_of(a) != kinds_of(b));
        k.deadlines += u32::from(a.deadlines != b.deadlines);
    }
    m
}

/// Reads JSON Lines of historical disputes, naming the line that cannot be read.
pub(crate) fn history(path: &Path) -> Result<Vec<HistoricalDispute>, Failure> {
    read(path)?
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Failure::Data(format!("{}:{}: {e}", path.display(), i + 1)))
        })
        .collect()
}

pub(crate) fn run(
    out: &Out,
    world: &Path,
    history_path: &Path,
    before: &Path,
    after: &Path,
    svg: Option<&Path>,
) -> Result<u8, Failure> {
    let engine = engine(world)?;
    let history = history(history_path)?;
    let (a, b) = (
        crate::rules::load(out, before)?.0,
        crate::rules::load(out, after)?.0,
    );
    let c = engine.what_if(&history, a, b).map_err(|e| {
        eprintln!("fengqiao: {e}");
        Failure::Found
    })?;
    let m = moves(&history, &c);
    if let Some(path) = svg {
        std::fs::write(path, crate::svg::whatif(&c, out.lang))
            .map_err(|e| Failure::NoInput(format!("{}: {e}", path.display())))?;
    }
    if out.json {
        #[derive(Serialize)]
        struct Both<'a> {
            comparison: &'a Comparison,
            moves: &'a Moves,
        }
        out.json(&Both {
            comparison: &c,
            moves: &m,
        });
        return Ok(0);
    }
    let l = |zh: &str, en: &str| out.label(zh, en).to_string();
    out.say(&format!(
        "{} {} → {}: {} {}, {} {}\n",
        l("规则集", "rule sets"),
        c.a.rule_set,
        c.b.rule_set,
        history.len(),
        l("件历史纠纷", "historical disputes"),
        c.changed.len(),
        l("件处理方式改变", "handled differently")
    ));
    let mut t = Table::new(&[
        &l("指标", "measure"),
        &l("之前", "before"),
        &l("之后", "after"),
    ]);
    let pct = |x: f64| format!("{:.1}", 100.0 * x);
    t.row(vec![
        l("社区化解率 %", "community rate %"),
        pct(c.a.community_rate),
        pct(c.b.community_rate),
    ]);
    t.row(vec![
        l("街道化解率 %", "street rate %"),
        pct(c.a.street_rate),
        pct(c.b.street_rate),
    ]);
    t.row(vec![
        l("联动部门参与", "with agencies"),
        c.a.with_agencies.to_string(),
        c.b.with_agencies.to_string(),
    ]);
    t.row(vec![
        l("预计黄灯", "predicted yellow"),
        c.a.predicted_yellow.to_string(),
        c.b.predicted_yellow.to_string(),
    ]);
    t.row(vec![
        l("预计红灯", "predicted red"),
        c.a.predicted_red.to_string(),
        c.b.predicted_red.to_string(),
    ]);
    t.row(vec![
        l("人均承办（最多）", "load per person (max)"),
        c.a.load_max.to_string(),
        c.b.load_max.to_string(),
    ]);
    t.row(vec![
        l("人均承办（平均）", "load per person (mean)"),
        format!("{:.2}", c.a.load_mean),
        format!("{:.2}", c.b.load_mean),
    ]);
    t.row(vec![
        l("负载均衡度", "load fairness"),
        format!("{:.3}", c.a.load_fairness),
        format!("{:.3}", c.b.load_fairness),
    ]);
    out.print(&t);
    out.say("");
    let mut t = Table::new(&[
        &l("类别", "category"),
        &l("件数", "cases"),
        &l("层级变", "level"),
        &l("单位变", "unit"),
        &l("团队变", "team"),
        &l("部门变", "agencies"),
        &l("时限变", "deadlines"),
    ]);
    for (cat, k) in &m.by_category {
        let name = category_label(cat, out.lang);
        t.row(vec![
            name,
            k.cases.to_string(),
            k.level.to_string(),
            k.unit.to_string(),
            k.team.to_string(),
            k.agencies.to_string(),
            k.deadlines.to_string(),
        ]);
    }
    out.print(&t);
    if !m.levels.is_empty() {
        out.say("");
        let mut t = Table::new(&[&l("层级移动", "level moves"), &l("件数", "cases")]);
        for (mv, n) in &m.levels {
            t.row(vec![mv.clone(), n.to_string()]);
        }
        out.print(&t);
    }
    if !m.by_unit.is_empty() {
        out.say("");
        let mut t = Table::new(&[
            &l("承办单位", "unit"),
            &l("移出", "loses"),
            &l("移入", "gains"),
        ]);
        for (u, k) in &m.by_unit {
            t.row(vec![u.clone(), k.loses.to_string(), k.gains.to_string()]);
        }
        out.print(&t);
    }
    // The people whose load changes most.
    let mut people: Vec<(&String, i64, u32, u32)> = loads(&c)
        .into_iter()
        .map(|(s, x, y)| (s, i64::from(y) - i64::from(x), x, y))
        .filter(|p| p.1 != 0)
        .collect();
    people.sort_by(|p, q| q.1.abs().cmp(&p.1.abs()).then(p.0.cmp(q.0)));
    if !people.is_empty() {
        out.say("");
        let mut t = Table::new(&[
            &l("人员", "person"),
            &l("之前", "before"),
            &l("之后", "after"),
            &l("变化", "change"),
        ]);
        for (s, d, x, y) in people.iter().take(15) {
            t.row(vec![
                s.to_string(),
                x.to_string(),
                y.to_string(),
                format!("{d:+}"),
            ]);
        }
        out.print(&t);
    }
    Ok(0)
}

/// A category's label in the table's language.
fn category_label(word: &str, lang: Lang) -> String {
    use std::str::FromStr;
    match fengqiao::dispute::Category::from_str(word) {
        Ok(c) if lang == Lang::Zh => c.label_zh().to_string(),
        Ok(c) => c.label_en().to_string(),
        Err(_) => word.to_string(),
    }
}

/// Every person with a load under either rule set: (staff, before, after), by id.
pub(crate) fn loads(c: &Comparison) -> Vec<(&String, u32, u32)> {
    let people: std::collections::BTreeSet<&String> =
        c.a.load.keys().chain(c.b.load.keys()).collect();
    people
        .into_iter()
        .map(|s| {
            let load = |o: &fengqiao::whatif::Outcomes| o.load.get(s).copied().unwrap_or(0);
            (s, load(&c.a), load(&c.b))
        })
        .collect()
}
