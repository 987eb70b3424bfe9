//! Charts for a report, as SVG written by hand (a few rectangles and labels need no plotting
//! library): the cases per level and the load per person, before and after a rule change.

use std::fmt::Write;

use fengqiao::hierarchy::Level;
use fengqiao::whatif::{Comparison, Outcomes};

use crate::output::Lang;

const BEFORE: &str = "#8c9bab";
const AFTER: &str = "#c0392b";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Grouped bars: one group a label, two bars (before, after) in it.
fn bars(out: &mut String, top: f64, title: &str, groups: &[(String, f64, f64)]) -> f64 {
    let (left, width, height) = (60.0, 680.0, 180.0);
    let max = groups.iter().map(|g| g.1.max(g.2)).fold(1.0_f64, f64::max);
    let _ = writeln!(
        out,
        r#"<text x="{left}" y="{}" font-size="15" font-weight="bold">{}</text>"#,
        top + 16.0,
        esc(title)
    );
    let base = top + 30.0 + height;
    let _ = writeln!(
        out,
        r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#333"/>"##,
        left + width
    );
    let slot = width / groups.len().max(1) as f64;
    let bar = (slot * 0.35).min(28.0);
    for (i, (label, a, b)) in groups.iter().enumerate() {
        let x = left + slot * i as f64 + slot / 2.0 - bar;
        for (k, (v, color)) in [(*a, BEFORE), (*b, AFTER)].into_iter().enumerate() {
            let h = height * v / max;
            let _ = writeln!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{color}"><title>{} {v}</title></rect>"#,
                x + bar * k as f64,
                base - h,
                esc(label)
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
            x + bar,
            base + 14.0,
            esc(label)
        );
    }
    base + 30.0
}

fn level_counts(o: &Outcomes, l: Level) -> f64 {
    f64::from(o.levels.get(&l).copied().unwrap_or(0))
}

/// Bars to draw: a label and the values before and after.
pub(crate) type Groups = Vec<(String, f64, f64)>;

/// An SVG document: a subtitle and a legend (before/after colours) over sections of grouped
/// bars.
pub(crate) fn document(
    subtitle: &str,
    legend: (&str, &str),
    sections: &[(&str, Groups)],
) -> String {
    let mut body = String::new();
    let mut y = 40.0;
    for (title, groups) in sections {
        y = bars(&mut body, y, title, groups);
    }
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="{:.0}" viewBox="0 0 800 {:.0}" font-family="sans-serif">"#,
        y + 10.0,
        y + 10.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="60" y="22" font-size="13">{}</text><rect x="560" y="10" width="12" height="12" fill="{BEFORE}"/><text x="578" y="21" font-size="12">{}</text><rect x="640" y="10" width="12" height="12" fill="{AFTER}"/><text x="658" y="21" font-size="12">{}</text>"#,
        esc(subtitle),
        esc(legend.0),
        esc(legend.1)
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// One section of grouped bars.
pub(crate) fn bar_chart(title: &str, legend: (&str, &str), rows: &[(String, f64, f64)]) -> String {
    document("", legend, &[(title, rows.to_vec())])
}

/// The what-if chart: cases per level, then the load of the busiest people.
pub(crate) fn whatif(c: &Comparison, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let levels: Vec<(String, f64, f64)> = Level::ALL
        .iter()
        .filter(|l| level_counts(&c.a, **l) + level_counts(&c.b, **l) > 0.0)
        .map(|l| {
            let name = if zh { l.label_zh() } else { l.label_en() };
            (
                name.to_string(),
                level_counts(&c.a, *l),
                level_counts(&c.b, *l),
            )
        })
        .collect();
    let mut people = crate::whatif::loads(c);
    people.sort_by(|p, q| q.2.max(q.1).cmp(&p.2.max(p.1)).then(p.0.cmp(q.0)));
    let people: Vec<(String, f64, f64)> = people
        .into_iter()
        .take(12)
        .map(|(s, a, b)| (s.clone(), f64::from(a), f64::from(b)))
        .collect();
    let (t1, t2) = if zh {
        ("各层级承办件数", "承办最多的人员（前12）")
    } else {
        ("Cases per level", "Load of the busiest people (top 12)")
    };
    let legend = if zh {
        ("之前", "之后")
    } else {
        ("before", "after")
    };
    let subtitle = format!("{} → {}", c.a.rule_set, c.b.rule_set);
    document(&subtitle, legend, &[(t1, levels), (t2, people)])
}
