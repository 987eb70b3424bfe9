//! Statistical returns (see [`crate::returns`]): a unit's return computed from the cases
//! held here, and the consolidation of returns from below.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::{Engine, EngineError};
use crate::calendar::china_date;
use crate::hierarchy::DivisionCode;
use crate::lifecycle::State;
use crate::returns::{Consolidation, ReturnAdded, ReturnProblem, StatisticalReturn, FORMAT};
use crate::signing::{self, CaseHead, SignedHead, Signer, Subject, Verifier};
use crate::stats::{Counts, Query};
use crate::trace::{Actor, Hash};

fn refused(unit: DivisionCode, problem: ReturnProblem, message: impl Into<String>) -> EngineError {
    EngineError::Return {
        problem,
        unit,
        message: message.into(),
    }
}

impl Engine {
    /// 报表: `unit`'s return for the cases registered from `from` to `to` (China time), as
    /// `actor` may count them at `now`: the counts, the counts by GB/T 31000 事件类型 and the
    /// heads of the cases counted, signed by `signer` when one is given. A case this engine
    /// sent to another system counts only as `transferred_out` and is not among the heads.
    /// Refused as [`crate::engine::Reader::statistics`] is (`denied` outside the actor's
    /// area; `not_found` for an unknown unit; `invalid_input` for `to` before `from`).
    ///
    /// Writes the journal as a statistics read does: a refusal is logged.
    pub(crate) fn statistical_return(
        &self,
        actor: &Actor,
        unit: DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
        signer: Option<&dyn Signer>,
    ) -> Result<StatisticalReturn, EngineError> {
        if to < from {
            return Err(EngineError::BadPeriod { from, to });
        }
        let query = Query {
            within: Some(unit),
            from: Some(from),
            to: Some(to),
            ..Query::default()
        };
        let counts = self.statistics(actor, &query, now)?.total.counts;
        let h = &self.hierarchy;
        let scope = h.resolve(unit)?;
        let mut heads = Vec::new();
        let mut by_event_type: BTreeMap<String, u64> = BTreeMap::new();
        for (code, case) in &self.cases {
            let d = &case.dispute;
            let day = china_date(d.registered_at);
            if d.state == State::TransferredOut || day < from || day > to {
                continue;
            }
            if !h
                .is_within(h.current_code(d.input.location), scope)
                .unwrap_or(false)
            {
                continue;
            }
            let last = case.events.last().expect("a case has its registration");
            heads.push(CaseHead {
                case: code.clone(),
                seq: last.seq,
                head: last.hash,
            });
            let t = crate::gbt31000::event_type(d.input.category, d.input.subtype.as_deref());
            *by_event_type.entry(t.code.to_string()).or_insert(0) += 1;
        }
        let mut r = StatisticalReturn {
            format: FORMAT.to_string(),
            unit: scope,
            from,
            to,
            as_of: now,
            counts,
            by_event_type,
            register: signing::register_digest(&heads),
            heads,
            supersedes: None,
            head: None,
        };
        if let Some(s) = signer {
            r.head = Some(
                SignedHead::sign(Subject::Return, r.heads.len() as u64, r.digest(), now, s)
                    .map_err(EngineError::Signature)?,
            );
        }
        Ok(r)
    }

    /// 汇总: adds up the returns of the units below `unit` for the period `from`..=`to`,
    /// refusing the whole set (nothing is added) when a return is of another form or period,
    /// from a unit not below `unit`, a second one of a unit that does not supersede the
    /// first (a correction names the digest of the return it replaces), inconsistent (its
    /// heads, register digest and count of cases screened disagree), unsigned or wrongly
    /// signed where `verifier` is given (`signature`), or counts a case another return
    /// counts too (a stale return after a transfer). The error is `statistical_return`
    /// with the problem and the unit; `denied` when `actor` may not report for `unit`.
    // Who, where, the period's two days, what, with which keys, when: each is needed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn consolidate(
        &self,
        actor: &Actor,
        unit: DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        returns: &[StatisticalReturn],
        verifier: Option<&dyn Verifier>,
        now: DateTime<Utc>,
    ) -> Result<Consolidation, EngineError> {
        self.actor_kind(actor)?;
        let unit = self.hierarchy.resolve(unit)?;
        self.authorize_unit(actor, unit, "consolidate", now)?;
        let mut digests = Vec::with_capacity(returns.len());
        for r in returns {
            digests.push(check_return(self, r, unit, from, to, verifier)?);
        }
        // A return superseded by another of its unit drops out; one per unit must remain.
        let superseded: Vec<bool> = digests
            .iter()
            .map(|d| returns.iter().any(|r| r.supersedes.as_ref() == Some(d)))
            .collect();
        let mut by_unit: BTreeMap<DivisionCode, usize> = BTreeMap::new();
        for (i, r) in returns.iter().enumerate() {
            if superseded[i] {
                continue;
            }
            if let Some(&j) = by_unit.get(&r.unit) {
                return Err(refused(
                    r.unit,
                    ReturnProblem::Twice,
                    format!(
                        "two returns of {} for {from}..{to} ({} and {}), neither superseding the other: a correction names the digest of the return it replaces in `supersedes`",
                        r.unit, digests[j], digests[i]
                    ),
                ));
            }
            by_unit.insert(r.unit, i);
        }
        let mut counted: HashMap<&crate::dispute::CaseCode, DivisionCode> = HashMap::new();
        let mut out = Consolidation {
            unit,
            from,
            to,
            returns: Vec::with_capacity(by_unit.len()),
            counts: Counts::default(),
            by_event_type: BTreeMap::new(),
            cases: 0,
        };
        for (&u, &i) in &by_unit {
            let r = &returns[i];
            for h in &r.heads {
                if let Some(other) = counted.insert(&h.case, u) {
                    return Err(refused(
                        u,
                        ReturnProblem::CountedTwice,
                        format!(
                            "case {} is counted by the returns of {other} and {u}: a case counts where it is held; the return made before the case was transferred is stale — send a correction",
                            h.case
                        ),
                    ));
                }
            }
            out.returns.push(ReturnAdded {
                unit: u,
                digest: digests[i],
            });
            out.counts.add(&r.counts);
            for (code, n) in &r.by_event_type {
                *out.by_event_type.entry(code.clone()).or_insert(0) += n;
            }
            out.cases += r.heads.len() as u64;
        }
        Ok(out)
    }
}

/// One return on its own: form, period, place, consistency, signature; its digest (what
/// the signature covers and a correction names), computed once.
fn check_return(
    e: &Engine,
    r: &StatisticalReturn,
    unit: DivisionCode,
    from: NaiveDate,
    to: NaiveDate,
    verifier: Option<&dyn Verifier>,
) -> Result<Hash, EngineError> {
    use ReturnProblem as P;
    if r.format != FORMAT {
        return Err(refused(
            r.unit,
            P::Format,
            format!("the form is `{}`; this library reads `{FORMAT}`", r.format),
        ));
    }
    if (r.from, r.to) != (from, to) {
        return Err(refused(
            r.unit,
            P::Period,
            format!(
                "the return is for {}..{}, the consolidation for {from}..{to}",
                r.from, r.to
            ),
        ));
    }
    let h = e.hierarchy();
    let below = r.unit != unit && h.is_within(r.unit, unit).unwrap_or(false);
    if !below {
        return Err(refused(
            r.unit,
            P::NotBelow,
            format!("{} is not a unit below {unit}", r.unit),
        ));
    }
    let sorted = r.heads.windows(2).all(|w| w[0].case < w[1].case);
    if !sorted
        || signing::register_digest(&r.heads) != r.register
        || r.counts.screened != r.heads.len() as u64
        || r.by_event_type.values().sum::<u64>() != r.heads.len() as u64
    {
        return Err(refused(
            r.unit,
            P::Inconsistent,
            "its heads (one per case counted, in case-code order), register digest, cases screened and counts by event type disagree",
        ));
    }
    let digest = r.digest();
    match (&r.head, verifier) {
        (None, Some(_)) => Err(refused(
            r.unit,
            P::Unsigned,
            "keys are trusted but the return carries no signed head",
        )),
        (Some(head), Some(v)) => {
            if head.subject != Subject::Return
                || head.seq != r.heads.len() as u64
                || head.head != digest
            {
                return Err(EngineError::Signature(signing::SignatureError::Rewritten {
                    subject: "return".into(),
                    seq: head.seq,
                    expected: head.head,
                    found: digest,
                }));
            }
            head.check(v).map_err(EngineError::Signature)
        }
        (_, None) => Ok(()),
    }
    .map(|()| digest)
}
