//! Statistical returns sent up (报表上报): a unit's counts for a period as a signed
//! document, and their consolidation (汇总) at the level above.
//!
//! Statistics go up as periodic returns (月报: 矛盾纠纷排查情况表, "填报单位（盖章）";
//! `shared/EXCHANGE.md`). Where each level runs its own deployment, a prefecture adds up its
//! counties' returns and must neither take one from outside its area, nor two of one unit
//! for one period, nor count a case twice — a case transferred between two counties' engines
//! is counted where it is held ([`crate::stats::Counts::transferred_out`]), and a return
//! lists the heads of the cases it counts, so a stale return that still counts a case sent
//! on is found. A [`StatisticalReturn`] carries the counts, the counts by GB/T 31000 事件类型
//! and the register of the heads it was computed from, signed ([`crate::signing::Subject::Return`]);
//! [`crate::engine::Reader::consolidate`] checks and adds them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;
use crate::signing::{CaseHead, SignedHead};
use crate::stats::Counts;
use crate::trace::Hash;
use crate::vocab::domain_enum;

/// The version of a return's form, in its `format` field.
pub const FORMAT: &str = "fengqiao-return/1";

/// A unit's statistical return for a period (cases registered from `from` to `to`, China
/// time), as the engine holding its cases computed it at `as_of`. JSON Schema:
/// `docs/schema/statistical-return.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatisticalReturn {
    /// [`FORMAT`].
    pub format: String,
    /// The reporting unit (填报单位).
    pub unit: DivisionCode,
    /// First day of registration counted.
    pub from: NaiveDate,
    /// Last day of registration counted.
    pub to: NaiveDate,
    /// When the counts were taken (overdue states are as of then).
    pub as_of: DateTime<Utc>,
    /// The counts (a case sent to another system counts only as `transferred_out`).
    pub counts: Counts,
    /// Cases counted by their GB/T 31000-2015 事件类型 (`0202` → 3).
    pub by_event_type: BTreeMap<String, u64>,
    /// The heads of the cases counted (held here: not `transferred_out`), in case-code order.
    pub heads: Vec<CaseHead>,
    /// [`crate::signing::register_digest`] of `heads`.
    pub register: Hash,
    /// The digest of the return this one replaces (a correction, 更正), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Hash>,
    /// The signed head: subject `return`, `seq` the number of heads, `head` [`Self::digest`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<SignedHead>,
}

impl StatisticalReturn {
    /// `SM3("fengqiao-return/1\n" ‖ the return's JSON without its head)`: what the head signs
    /// and what a correction names in `supersedes`.
    pub fn digest(&self) -> Hash {
        let unsigned = StatisticalReturn {
            head: None,
            ..self.clone()
        };
        let json = serde_json::to_vec(&unsigned).expect("a return serialises");
        let mut bytes = b"fengqiao-return/1\n".to_vec();
        bytes.extend_from_slice(&json);
        Hash::sm3(&bytes)
    }
}

/// The returns of a level's units added up: what the level reports in turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Consolidation {
    /// The consolidating unit.
    pub unit: DivisionCode,
    /// First day of registration counted.
    pub from: NaiveDate,
    /// Last day of registration counted.
    pub to: NaiveDate,
    /// The returns added, one per unit, by unit.
    pub returns: Vec<ReturnAdded>,
    /// Their counts added.
    pub counts: Counts,
    /// Their counts by 事件类型 added.
    pub by_event_type: BTreeMap<String, u64>,
    /// Cases counted, each once.
    pub cases: u64,
}

/// A return a consolidation added: its unit and its digest (what a later correction names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnAdded {
    /// The reporting unit.
    pub unit: DivisionCode,
    /// [`StatisticalReturn::digest`].
    pub digest: Hash,
}

domain_enum! {
    /// Why a consolidation refused a return (the `problem` of the error's details).
    pub enum ReturnProblem {
        /// Not a return of [`FORMAT`].
        Format = ("format", "报表版本不符", "not this version's form"),
        /// Another period than the consolidation's.
        Period = ("period", "报表期间不符", "another period"),
        /// From a unit not below the consolidating one.
        NotBelow = ("not_below", "非下级单位报表", "from a unit not below"),
        /// A second return of one unit for the period that does not supersede the first.
        Twice = ("twice", "重复报送", "a second return of one unit"),
        /// A case counted in two returns (a stale return after a transfer).
        CountedTwice = ("counted_twice", "案件重复统计", "a case counted twice"),
        /// The heads, the register digest and the counts disagree.
        Inconsistent = ("inconsistent", "报表内容不一致", "heads, register and counts disagree"),
        /// Keys are trusted but the return carries no signed head of itself.
        Unsigned = ("unsigned", "缺少签名", "no signed head"),
    }
}
