//! `verify`: a journal recomputed from its world document, every event and digest, and
//! checked against signed heads with SM2 public keys; `transfer`: a transfer document
//! inspected and verified on its own.

use std::collections::BTreeMap;
use std::path::Path;

use fengqiao::engine::WorldData;
use fengqiao::journal::JournalEntry;
use fengqiao::signing::{self, SignedHead, Sm2Verifier};

use crate::output::{Out, Table};
use crate::{read, read_json, Failure};

pub(crate) fn run(
    out: &Out,
    world: &Path,
    journal: &Path,
    heads: Option<&Path>,
    keys: Option<&Path>,
) -> Result<u8, Failure> {
    let world: WorldData = read_json(world)?;
    let text = read(journal)?;
    let entries: Vec<JournalEntry> = fengqiao::journal::from_jsonl(&text)
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Data(format!("{}: {e}", journal.display())))?;
    let (heads, verifier) = heads_and_keys(heads, keys)?;
    let origin = fengqiao::journal::origin(&world);
    report(
        out,
        journal,
        signing::verify_journal(origin, &entries, &heads, &verifier),
    )
}

/// One case's trace (JSON Lines of events) against the signed heads of that case.
pub(crate) fn trace(
    out: &Out,
    trace: &Path,
    heads: Option<&Path>,
    keys: Option<&Path>,
) -> Result<u8, Failure> {
    let events = fengqiao::trace::from_jsonl(&read(trace)?)
        .map_err(|e| Failure::Data(format!("{}: {e}", trace.display())))?;
    let (heads, verifier) = heads_and_keys(heads, keys)?;
    report(
        out,
        trace,
        signing::verify_trace(&events, &heads, &verifier),
    )
}

/// A transfer document: what it carries, and its form, chain and (with keys) signature.
pub(crate) fn transfer(out: &Out, document: &Path, keys: Option<&Path>) -> Result<u8, Failure> {
    let doc: fengqiao::transfer::TransferDocument = read_json(document)?;
    let (_, verifier) = heads_and_keys(None, keys)?;
    let checked = doc.check(keys.map(|_| &verifier as &dyn signing::Verifier));
    match checked {
        Ok(c) => {
            if out.json {
                out.json(&c);
            } else {
                let l = |zh: &str, en: &str| out.label(zh, en).to_string();
                let end = |e: &fengqiao::transfer::Endpoint| match &e.body {
                    Some(b) => format!("{} ({b})", e.unit),
                    None => e.unit.to_string(),
                };
                let mut t = Table::new(&[&l("项目", "item"), &l("内容", "value")]);
                t.row(vec![l("案件", "case"), c.case.to_string()]);
                t.row(vec![
                    l("移交原因", "reason"),
                    l(c.reason.label_zh(), c.reason.as_str()),
                ]);
                t.row(vec![l("移出方", "from"), end(&c.from)]);
                t.row(vec![l("接收方", "to"), end(&c.to)]);
                t.row(vec![l("移交时间", "sent at"), c.sent_at.to_rfc3339()]);
                t.row(vec![
                    l("事件类型（GB/T 31000）", "event type (GB/T 31000)"),
                    doc.codes.event_type.clone(),
                ]);
                t.row(vec![
                    l("留痕（链逐条重算）", "events (chain recomputed)"),
                    c.events.to_string(),
                ]);
                let signed = match (&c.signed_by, c.signature_checked) {
                    (Some(k), true) => format!("{k} ✓"),
                    (Some(k), false) => l(
                        &format!("{k}（未给公钥，未核验）"),
                        &format!("{k} (no keys given: not checked)"),
                    ),
                    (None, _) => l("未签名", "unsigned"),
                };
                t.row(vec![l("签名", "signature"), signed]);
                out.print(&t);
            }
            Ok(0)
        }
        Err(e) => {
            if out.json {
                out.json(&serde_json::json!({
                    "code": e.code().as_str(),
                    "message": e.to_string(),
                    "details": e.details(),
                }));
            } else {
                eprintln!(
                    "fengqiao: {}: {} ({})",
                    document.display(),
                    e,
                    e.code().as_str()
                );
            }
            Ok(2)
        }
    }
}

fn heads_and_keys(
    heads: Option<&Path>,
    keys: Option<&Path>,
) -> Result<(Vec<SignedHead>, Sm2Verifier), Failure> {
    let heads: Vec<SignedHead> = heads.map(read_json).transpose()?.unwrap_or_default();
    let mut verifier = Sm2Verifier::default();
    if let Some(k) = keys {
        let keys: BTreeMap<String, String> = read_json(k)?;
        for (id, key) in &keys {
            verifier
                .add_key(id, key)
                .map_err(|e| Failure::Data(format!("{}: key {id}: {e}", k.display())))?;
        }
    }
    Ok((heads, verifier))
}

fn report(
    out: &Out,
    journal: &Path,
    result: Result<signing::SignatureReport, signing::SignatureError>,
) -> Result<u8, Failure> {
    match result {
        Ok(report) => {
            if out.json {
                out.json(&report);
            } else {
                let l = |zh: &str, en: &str| out.label(zh, en).to_string();
                let mut t = Table::new(&[&l("校验", "check"), &l("结果", "result")]);
                t.row(vec![
                    l(
                        "条目（链与摘要逐条重算）",
                        "entries (chain and digests recomputed)",
                    ),
                    report.end.to_string(),
                ]);
                t.row(vec![
                    l("已核验签名链头", "signed heads checked"),
                    report.heads.to_string(),
                ]);
                t.row(vec![
                    l("签名覆盖至", "signed up to entry"),
                    report.signed_to.to_string(),
                ]);
                t.row(vec![
                    l("未签名的尾部条目", "unsigned entries at the end"),
                    report.unsigned.to_string(),
                ]);
                out.print(&t);
            }
            Ok(0)
        }
        Err(e) => {
            if out.json {
                out.json(&e);
            } else {
                eprintln!("fengqiao: {}: {e}", journal.display());
            }
            Ok(2)
        }
    }
}
