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

/// The smallest of 1, 2 or 5 × 10^k at or above `v`: the top of a value axis.
fn nice_ceiling(v: f64) -> f64 {
    let v = v.max(1.0);
    let unit = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * unit)
        .find(|t| *t >= v)
        .unwrap_or(10.0 * unit)
}

/// A number as a label: whole numbers without a fraction.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `label` cut to at most `cells` terminal cells (a Chinese character takes two), with `…`.
fn shorten(label: &str, cells: usize) -> String {
    if fengqiao::table::width(label) <= cells {
        return label.to_string();
    }
    let mut out = String::new();
    for c in label.chars() {
        if fengqiao::table::width(&out) + fengqiao::table::width(c.encode_utf8(&mut [0; 4]))
            >= cells
        {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// Grouped bars: one group a label, two bars (before, after) in it, each with its value on
/// top, over a value axis with ticks. Labels too wide for their slot (staff ids, names) are
/// shortened and turned, as the web page's chart does, so they never run into each other.
fn bars(out: &mut String, top: f64, title: &str, groups: &[(String, f64, f64)]) -> f64 {
    let (left, width, height) = (100.0, 660.0, 180.0);
    let max = nice_ceiling(groups.iter().map(|g| g.1.max(g.2)).fold(0.0_f64, f64::max));
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
    // The value axis: a line and three ticks (0, half, top).
    let _ = writeln!(
        out,
        r##"<line class="axis" x1="{left}" y1="{:.1}" x2="{left}" y2="{base}" stroke="#333"/>"##,
        base - height
    );
    for t in [0.0, max / 2.0, max] {
        let y = base - height * t / max;
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{y:.1}" x2="{left}" y2="{y:.1}" stroke="#333"/><text class="tick" x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
            left - 4.0,
            left - 6.0,
            y + 3.5,
            number(t)
        );
    }
    let slot = width / groups.len().max(1) as f64;
    let bar = (slot * 0.35).min(28.0);
    // About 6.5 px a cell at 11 px: turn the labels when one does not fit its slot.
    let fits = |l: &str| fengqiao::table::width(l) as f64 * 6.5 <= slot - 6.0;
    let turn = !groups.iter().all(|g| fits(&g.0));
    for (i, (label, a, b)) in groups.iter().enumerate() {
        let x = left + slot * i as f64 + slot / 2.0 - bar;
        for (k, (v, color)) in [(*a, BEFORE), (*b, AFTER)].into_iter().enumerate() {
            let h = height * v / max;
            let bx = x + bar * k as f64;
            let _ = writeln!(
                out,
                r#"<rect x="{bx:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{color}"><title>{} {v}</title></rect>"#,
                base - h,
                esc(label)
            );
            let _ = writeln!(
                out,
                r#"<text class="value" x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
                bx + bar / 2.0,
                base - h - 3.0,
                number(v)
            );
        }
        let (lx, ly) = (x + bar, base + 14.0);
        if turn {
            let _ = writeln!(
                out,
                r#"<text class="label" x="{lx:.1}" y="{ly:.1}" font-size="11" text-anchor="end" transform="rotate(-40 {lx:.1} {ly:.1})"><title>{}</title>{}</text>"#,
                esc(label),
                esc(&shorten(label, 18))
            );
        } else {
            let _ = writeln!(
                out,
                r#"<text class="label" x="{lx:.1}" y="{ly:.1}" font-size="11" text-anchor="middle">{}</text>"#,
                esc(label)
            );
        }
    }
    // Turned labels need the room their 18 cells take at 40°.
    base + if turn { 95.0 } else { 30.0 }
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
