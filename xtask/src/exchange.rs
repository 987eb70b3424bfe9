//! The GB/T 31000-2015 mapping table of `docs/exchange.md`, written from the code that maps
//! (`fengqiao::gbt31000`), so the document cannot say one thing while the library does
//! another.

use fengqiao::dispute::Category;
use fengqiao::gbt31000::{event_type, level_code};
use fengqiao::hierarchy::Level;

/// The shipped rule set's subtypes that decide a subclass, by category.
fn subtypes(c: Category) -> &'static [&'static str] {
    match c {
        Category::MarriageFamily => &[
            "divorce",
            "domestic_violence",
            "support",
            "child_custody",
            "inheritance",
        ],
        Category::Neighbour => &["water_drainage", "right_of_way", "boundary", "noise"],
        Category::Contract => &["loan", "sale", "economic_dealings"],
        Category::ForestLand => &["contracting"],
        Category::Labour => &[
            "wage_arrears",
            "contract_termination",
            "social_insurance",
            "work_injury",
        ],
        _ => &[],
    }
}

/// The Markdown tables: categories (and deciding subtypes) to 事件类型, levels to 层级.
pub fn tables() -> String {
    let mut s = String::from(
        "| category (中文) | subtype | 事件类型 | name | exact | what an inexact mapping loses |\n|---|---|---|---|---|---|\n",
    );
    for &c in Category::ALL {
        let mut row = |sub: Option<&str>| {
            let t = event_type(c, sub);
            s.push_str(&format!(
                "| `{}` ({}) | {} | `{}` | {} | {} | {} |\n",
                c.as_str(),
                c.label_zh(),
                sub.map_or("—".to_string(), |x| format!("`{x}`")),
                t.code,
                t.name,
                if t.exact { "yes" } else { "no" },
                t.note
            ));
        };
        row(None);
        for sub in subtypes(c) {
            row(Some(sub));
        }
    }
    s.push_str("\n| level | 层级 | name | exact |\n|---|---|---|---|\n");
    for &l in Level::ALL {
        let c = level_code(l);
        s.push_str(&format!(
            "| `{}` ({}) | `{}` | {} | {} |\n",
            l.as_str(),
            l.label_zh(),
            c.code,
            c.name,
            if c.exact {
                "yes"
            } else {
                "no: below 村社区 the standard has no level"
            }
        ));
    }
    s
}
