//! Writes the operations table of `docs/integration.md`: every operation with its name in
//! each binding, what it needs of the engine, what it records, and its first sentence.

use fengqiao_binding::{Access, Bind, Output, Records, OPERATIONS};

use crate::render::{self, Lang};

/// The table, in Markdown.
pub fn table() -> Result<String, String> {
    let mut s = String::from(
        "| operation | C | JavaScript | Java (`Engine`) | access | records | what it does |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for op in OPERATIONS {
        let access = match op.access {
            Access::Free => "no engine",
            Access::Read => "read",
            Access::Trusted => "trusted read",
            Access::Write => "write",
            Access::Signs => "write, signed",
        };
        let records = match op.records {
            Records::Nothing => "—",
            Records::Journal => "journal",
            Records::JournalAndAudit => "journal, audit",
            Records::AuditedRead => "journal, audit (whole reads, refusals)",
        };
        let doc = render::placeholders(op, op.doc, Lang::Markdown)?;
        let first = match doc.find(". ") {
            Some(i) => &doc[..=i],
            None => doc.as_str(),
        };
        let mut what = first.replace('|', "\\|");
        if let Output::Json(t) | Output::Lines(t) = op.output {
            what.push_str(&format!(" → `{t}`"));
        }
        if let Bind::Hand(why) = op.bind {
            what.push_str(&format!(" (bound by hand: {why})"));
        }
        s.push_str(&format!(
            "| `{}` | `{}` | `{}` | `{}` | {access} | {records} | {what} |\n",
            op.name,
            op.c_name(),
            op.js_name(),
            op.java_name(),
        ));
    }
    Ok(s)
}
