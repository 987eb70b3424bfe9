//! The machine-readable details of an error (`{"problem": "…", "case": "…", …}`), built
//! field by field from text, numbers and instants. Not with `serde_json::json!`, which sends
//! every value through `serde_json::to_value`: that is a second serialiser (into `Value`)
//! beside the text one every output uses, and the WebAssembly module carried both.

use std::fmt::Display;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A details object under construction.
///
/// ```
/// use fengqiao::engine::Details;
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
