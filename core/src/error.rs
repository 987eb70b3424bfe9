//! What an error says to a program, shared by every layer: the stable codes
//! ([`ErrorCode`]: the C ABI's statuses, the JS error's `code`) and the machine-readable
//! details (`{"problem": "…", "case": "…", …}`, built field by field by [`Details`]). A
//! crate-level module so that the places, the routing and the journal can describe their
//! errors without importing the engine that uses them.
//!
//! Details are built field by field from text, numbers and instants, not with
//! `serde_json::json!`, which sends every value through `serde_json::to_value`: a second
//! serialiser (into `Value`) beside the text one every output uses, which the WebAssembly
//! module carried both of.

use crate::vocab::domain_enum;

domain_enum! {
    /// A stable, machine-readable error code: the C ABI's status and the JS error's `code`.
    pub enum ErrorCode {
        /// Malformed input (JSON, UTF-8, a value out of range).
        InvalidInput = ("invalid_input", "输入无效", "invalid input"),
        /// A hierarchy or division-code problem.
        Hierarchy = ("hierarchy", "区划层级错误", "hierarchy error"),
        /// An identity number or phone problem.
        Identity = ("identity", "身份信息无效", "invalid identity data"),
        /// Something referred to does not exist.
        NotFound = ("not_found", "对象不存在", "not found"),
        /// Something with this id exists already.
        Duplicate = ("duplicate", "对象已存在", "duplicate"),
        /// A rule set with errors.
        RuleSet = ("rule_set", "规则集错误", "rule-set errors"),
        /// A dispute could not be routed.
        Routing = ("routing", "流转失败", "routing failed"),
        /// An operation refused by the lifecycle.
        Lifecycle = ("lifecycle", "流程操作被拒绝", "operation refused"),
        /// A trace that does not verify.
        Trace = ("trace", "留痕校验失败", "trace does not verify"),
        /// A calendar problem.
        Calendar = ("calendar", "日历错误", "calendar error"),
        /// Outside the actor's remit.
        Denied = ("denied", "超出权限范围", "access denied"),
        /// A bug: a panic caught at the boundary.
        Internal = ("internal", "内部错误", "internal error"),
        /// A journal or snapshot that does not restore (the details name the entry).
        Journal = ("journal", "变更日志校验失败", "journal does not restore"),
        /// A stale expected version: another writer changed the case first.
        Conflict = ("conflict", "版本冲突", "version conflict"),
        /// A signature or signed head that does not verify, or a signer that failed.
        Signature = ("signature", "签名校验失败", "signature check failed"),
        /// Personal data that could not be sealed or opened (see `personal`).
        Protection = ("protection", "个人信息保护失败", "personal-data protection failed"),
        /// A transfer document refused by intake (see `transfer`): not this version's form,
        /// events that do not end in the transfer it describes, unsigned where keys are
        /// trusted, a case held elsewhere, a result for a case never sent from here.
        Transfer = ("transfer", "移交文书被拒绝", "transfer document refused"),
        /// A statistical return a consolidation refused (see `returns`): another form or
        /// period, a unit not below, a second return of one unit, a case counted twice.
        StatisticalReturn = ("statistical_return", "报表被拒绝", "statistical return refused"),
    }
}

use std::fmt::Display;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A details object under construction.
///
/// ```
/// use fengqiao::error::Details;
/// let d = Details::new().text("problem", "too_large").number("bytes", 70_000).build();
/// assert_eq!(d, serde_json::json!({"problem": "too_large", "bytes": 70000}));
/// ```
#[derive(Debug, Default)]
pub struct Details(Map<String, Value>);

impl Details {
    /// No fields yet.
    pub fn new() -> Details {
        Details::default()
    }

    /// A field whose value is the text of `value` (codes, names, enum words, dates).
    pub fn text(mut self, key: &str, value: impl Display) -> Details {
        self.0
            .insert(key.to_string(), Value::String(value.to_string()));
        self
    }

    /// A numeric field.
    pub fn number(mut self, key: &str, value: u64) -> Details {
        self.0.insert(key.to_string(), Value::from(value));
        self
    }

    /// An instant, written as the library writes instants (RFC 3339, UTC).
    pub fn instant(mut self, key: &str, value: DateTime<Utc>) -> Details {
        let quoted = serde_json::to_string(&value).unwrap_or_default();
        let text = quoted.trim_matches('"').to_string();
        self.0.insert(key.to_string(), Value::String(text));
        self
    }

    /// A field whose value is already JSON.
    pub fn value(mut self, key: &str, value: Value) -> Details {
        self.0.insert(key.to_string(), value);
        self
    }

    /// The object.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// Any serialisable value as JSON, through its text (the one serialiser every output uses).
pub fn to_json_value<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}
