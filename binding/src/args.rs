//! Argument decoders: how every binding turns what a host passes (JSON bytes, words, codes,
//! milliseconds) into the core's types. Each rule is written once here; each failure names
//! the argument, the value and what is allowed.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fengqiao::engine::Details;
use serde::de::DeserializeOwned;

use crate::error::{BindingError, Code};
use fengqiao::dispute::CaseCode;
use fengqiao::hierarchy::{DivisionCode, Level};
use fengqiao::routing::RuleSet;
use fengqiao::trace::Actor;

/// A result of a binding call.
pub type Res<T> = Result<T, BindingError>;

/// Shows at most 40 characters of a value in a message (a whole 50 MB argument, or a whole
/// identity number pasted into the wrong argument, never lands in a log).
pub fn shown(value: &str) -> String {
    let mut s: String = value.chars().take(40).collect();
    if s.len() < value.len() {
        s.push('…');
    }
    s
}

/// A JSON argument, decoded into `T`. A byte-order mark is refused by name (JSON text has
/// none), and a JSON syntax error carries its line and column in the details.
pub fn json<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Res<T> {
    // Only the read itself is generic: the checks and the error's wording are one function
    // each, not one copy per argument type in the .wasm (≈1.7 KB each, twenty types).
    let text = json_text(name, bytes)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| json_error(name, text, e))
}

/// The argument as JSON text: no byte-order mark, not empty, UTF-8.
fn json_text<'a>(name: &str, bytes: &'a [u8]) -> Res<&'a str> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(BindingError::argument(
            name,
            "starts with a UTF-8 byte-order mark; JSON text must not have one",
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(
            BindingError::argument(name, "is empty: a JSON value is expected").with_details(
                Details::new()
                    .text("argument", name)
                    .text("problem", "empty")
                    .build(),
            ),
        );
    }
    // Read as text, as the core reads journal lines: one monomorphised deserializer per
    // type (a `from_slice` here beside the core's `from_str` doubled them in the .wasm).
    std::str::from_utf8(bytes)
        .map_err(|e| BindingError::new(Code::InvalidUtf8, format!("argument `{name}`: {e}")))
}

/// What serde's error `e` on the argument `text` means, named for the host: the field it
/// stopped at, its line and column, an identity problem by its own code.
fn json_error(name: &str, text: &str, e: serde_json::Error) -> BindingError {
    if e.line() == 0 {
        // No position (an error raised after reading, without one): a null still names
        // where it was.
        let nulls = fengqiao::routing::null_paths(text);
        return if e.to_string().starts_with("invalid type: null") && !nulls.is_empty() {
            let fields = nulls
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            BindingError::argument(
                name,
                format!(
                    "{e}: null at {fields}; leave an optional field out rather than sending null"
                ),
            )
            .with_details(
                Details::new()
                    .text("argument", name)
                    .text("problem", "null")
                    .text("path", &nulls[0])
                    .build(),
            )
        } else {
            BindingError::argument(name, &e)
        };
    }
    // The field being read when serde stopped: "invalid type: null, expected u64"
    // alone names no field (a Java model's unset optional sent as null).
    let path = fengqiao::routing::path_at_position(text, e.line(), e.column());
    let mut err = if path.is_empty() {
        BindingError::argument(name, &e)
    } else {
        BindingError::argument(name, format!("field `{path}`: {e}"))
    };
    // serde counts columns from 0 at the start of a line (before any byte read):
    // report the first column as 1, as editors do.
    let details = Details::new()
        .text("argument", name)
        .number("line", e.line() as u64)
        .number("column", e.column().max(1) as u64);
    let details = if path.is_empty() {
        details
    } else {
        details.text("path", &path)
    };
    // A bad identity number or phone inside the document is an identity problem, as
    // the core names it (the code `identity`, its problem word), not mere bad input.
    err.details = match fengqiao::people::IdentityError::kind_in_message(&e.to_string()) {
        Some(kind) => {
            err.code = Code::Identity;
            details.text("problem", kind)
        }
        None => details,
    }
    .build();
    err
}

/// An argument larger than the limit the host set (`setting` names how it is set): refused
/// before it is parsed.
pub fn too_large(name: &str, bytes: usize, limit: usize, setting: &str) -> BindingError {
    BindingError::new(
        Code::InvalidInput,
        format!("argument `{name}` is {bytes} bytes, more than the limit of {limit} ({setting})"),
    )
    .with_details(
        Details::new()
            .text("argument", name)
            .number("bytes", bytes as u64)
            .number("limit", limit as u64)
            .text("problem", "too_large")
            .build(),
    )
}

/// A JSON argument that must be an object (a world, a dispute, a person, an operation …):
/// serde would also take a struct as a positional array (`["neighbour", …]`), which no host
/// means and whose errors ("expected u8") say nothing useful.
pub fn object<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Res<T> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF));
    if matches!(first, Some(b'[')) {
        return Err(BindingError::argument(
            name,
            "is a JSON array; it must be a JSON object with named fields (see docs/data-model.md)",
        ));
    }
    json(name, bytes)
}

/// A list argument given either as one JSON array or as JSON Lines (one value a line;
/// blank lines skipped): traces and histories are both stored as JSON Lines.
pub fn list<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Res<Vec<T>> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return json(name, bytes);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| BindingError::new(Code::InvalidUtf8, format!("argument `{name}`: {e}")))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| line_error(name, i, e))?);
    }
    Ok(out)
}

/// Line `i` (from 0) of a JSON Lines argument did not read: named by its line and column.
fn line_error(name: &str, i: usize, e: serde_json::Error) -> BindingError {
    BindingError::argument(name, format!("line {}: {e}", i + 1)).with_details(
        Details::new()
            .text("argument", name)
            .number("line", i as u64 + 1)
            .number("column", e.column() as u64)
            .build(),
    )
}

/// An actor: JSON `"system"`, `{"staff": id}` or `{"agency": id}`. The bare word
/// `system` (without JSON quotes) is accepted too, since every other word argument is bare.
pub fn actor(name: &str, bytes: &[u8]) -> Res<Actor> {
    if bytes.trim_ascii() == b"system" {
        return Ok(Actor::System);
    }
    json(name, bytes).map_err(|mut e| {
        e.message = format!(
            "{}; an actor is JSON: \"system\", {{\"staff\": \"id\"}} or {{\"agency\": \"id\"}}",
            e.message
        );
        e
    })
}

/// The earliest time the engine reasons about: 2000-01-01 (UTC).
pub const MIN_MS: i64 = 946_684_800_000;
/// The latest: 2100-01-01 (UTC); a time past it is most likely microseconds or nanoseconds
/// passed as milliseconds.
pub const MAX_MS: i64 = 4_102_444_800_000;

/// A time in milliseconds since the Unix epoch (UTC).
pub fn time(name: &str, ms: i64) -> Res<DateTime<Utc>> {
    if !(MIN_MS..MAX_MS).contains(&ms) {
        return Err(BindingError::argument(
            name,
            format!(
                "{ms} is not a time from 2000 to 2099 in milliseconds since 1970-01-01 UTC{}",
                if ms >= MAX_MS {
                    " (microseconds or nanoseconds passed by mistake?)"
                } else {
                    ""
                }
            ),
        ));
    }
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| BindingError::argument(name, format!("{ms} ms is out of range")))
}

/// A time given as a JS number of milliseconds (`Date.now()`).
pub fn time_f64(name: &str, ms: f64) -> Res<DateTime<Utc>> {
    if !ms.is_finite() || ms.fract() != 0.0 {
        return Err(BindingError::argument(
            name,
            format!("{ms} is not a whole number of milliseconds"),
        ));
    }
    time(name, ms as i64)
}

/// A calendar date written `YYYY-MM-DD` (China time), exactly 10 characters, from 2000 to
/// 2099 (the years the engine reasons about).
pub fn date(name: &str, text: &str) -> Res<NaiveDate> {
    date_checked(name, text)
}

/// An optional date: absent, the day (China time, UTC+8) of `now_ms`, which is checked as
/// [`time`] checks it. A dashboard asks about "today" without computing China's date.
pub fn date_or_day_of(name: &str, text: Option<&str>, now_ms: i64) -> Res<NaiveDate> {
    match text {
        Some(t) => date(name, t),
        None => Ok(fengqiao::calendar::china_date(time("now_ms", now_ms)?)),
    }
}

fn date_checked(name: &str, text: &str) -> Res<NaiveDate> {
    let ok = text.len() == 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && (text.starts_with("20"));
    let parsed = if ok {
        let b = text.as_bytes();
        let digits = [b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9]];
        fengqiao::calendar::date_from_digits(&digits)
    } else {
        None
    };
    parsed.ok_or_else(|| {
        BindingError::argument(
            name,
            format!(
                "`{}` is not a date written YYYY-MM-DD from 2000 to 2099",
                shown(text)
            ),
        )
    })
}

/// A statistical division code (6 to 21 digits, as the hierarchy's scheme allows).
pub fn unit(name: &str, text: &str) -> Res<DivisionCode> {
    text.parse().map_err(|e: fengqiao::hierarchy::CodeError| {
        BindingError::new(
            Code::Hierarchy,
            format!("argument `{name}`: `{}`: {e}", shown(text)),
        )
        .with_details(Details::new().text("argument", name).build())
    })
}

/// A case code (`{unit}-{yyyymmdd}-{sequence}`).
pub fn case(name: &str, text: &str) -> Res<CaseCode> {
    text.parse()
        .map_err(|e: fengqiao::dispute::CaseCodeError| BindingError::argument(name, e))
}

/// A level word (`county`, `street`, `community`, `grid`, `household_group`, `household`).
pub fn level(name: &str, text: &str) -> Res<Level> {
    text.parse().map_err(|_| {
        let allowed: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        BindingError::argument(
            name,
            format!(
                "`{}` is not a level; allowed: {}",
                shown(text),
                allowed.join(", ")
            ),
        )
    })
}

/// A UTF-8 text argument.
pub fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Res<&'a str> {
    std::str::from_utf8(bytes)
        .map_err(|e| BindingError::new(Code::InvalidUtf8, format!("argument `{name}`: {e}")))
}

/// JSON Lines of journal entries as text. Bytes that are not UTF-8 inside one entry are
/// that entry's fault, so they are a `journal` error naming the line and, where its bytes
/// still show it, the entry's seq (as the README's error table promises) — not an
/// `invalid_utf8` error with an offset into the whole argument.
pub fn journal_text<'a>(name: &str, bytes: &'a [u8]) -> Res<&'a str> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = e.valid_up_to();
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let number = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line = String::from_utf8_lossy(&bytes[line_start..line_end]);
    // The entry's own "seq" (the first key of an entry as the library writes it).
    let seq = line
        .find("\"seq\":")
        .map(|i| &line[i + 6..])
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|d| d.parse::<u64>().ok())
        .unwrap_or(0);
    let entry = if seq > 0 {
        format!("line {number} (entry {seq})")
    } else {
        format!("line {number}")
    };
    Err(fengqiao::engine::EngineError::Journal(fengqiao::journal::JournalError {
        seq,
        case: None,
        case_seq: None,
        problem: fengqiao::journal::JournalProblem::Unreadable,
        message: format!(
            "argument `{name}`: {entry} is not UTF-8 (at byte {} of the line): the entry was damaged",
            at - line_start
        ),
    })
    .into())
}

/// A count or sequence number given as a JS number: a whole number from 0 to 2^53.
pub fn count_f64(name: &str, n: f64) -> Res<u64> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0 {
        Ok(n as u64)
    } else {
        Err(BindingError::argument(
            name,
            format!("{n} is not a whole number from 0 to 2^53"),
        ))
    }
}

/// A rule set, through the core's parser, so a bad one gets located diagnostics.
pub fn rules(name: &str, bytes: &[u8]) -> Res<RuleSet> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(BindingError::argument(
            name,
            "is a JSON array; a rule set is a JSON object (see docs/rules.md)",
        ));
    }
    let text = utf8(name, bytes)?;
    RuleSet::from_json(text).map_err(|d| fengqiao::engine::EngineError::Rules(d).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_about_a_value_names_its_field() {
        // A Java model's unset optional sent as null used to be refused naming no field.
        let e = json::<fengqiao::lifecycle::Operation>(
            "operation",
            br#"{"op": "resolve", "agreement": {"form": "written", "terms": "x", "effective_on": "2025-06-09", "amount_yuan": null}}"#,
        )
        .unwrap_err();
        assert!(
            e.message.contains("`agreement.amount_yuan`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("null"), "{}", e.message);
    }

    #[test]
    fn bytes_not_utf8_inside_a_journal_entry_name_the_line_and_entry() {
        // README's error table: a damaged entry is a `journal` error naming it (issue 31).
        let text = b"{\"v\":1,\"seq\":1}\n{\"v\":1,\"seq\":2,\"x\":\"\xff\"}\n";
        let e = journal_text("journal", text).unwrap_err();
        assert_eq!(e.code, Code::Journal);
        assert!(
            e.message.contains("line 2 (entry 2) is not UTF-8"),
            "{}",
            e.message
        );
        assert!(journal_text("journal", b"{}\n").is_ok());
    }

    #[test]
    fn times_outside_2000_to_2099_are_refused_with_a_hint() {
        assert!(time("now_ms", 1_750_000_000_000).is_ok());
        let e = time("now_ms", 1_750_000_000_000_000).unwrap_err();
        assert_eq!(e.code, Code::InvalidInput);
        assert!(e.message.contains("now_ms") && e.message.contains("microseconds"));
        assert!(time("now_ms", 0).is_err());
        assert!(time_f64("now_ms", f64::NAN).is_err());
        assert!(time_f64("now_ms", 1.5e12 + 0.5).is_err());
    }

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert!(date("date", "2025-06-09").is_ok());
        for bad in [
            "2025-6-9",
            "2025-06-9",
            "20250609",
            "2025-02-30",
            "",
            "0000-06-09",
            "1999-12-31",
        ] {
            let e = date("date", bad).unwrap_err();
            assert!(e.message.contains("YYYY-MM-DD"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn actors_are_json_or_the_bare_word_system() {
        assert_eq!(actor("actor", b"system").unwrap(), Actor::System);
        assert_eq!(actor("actor", b"\"system\"").unwrap(), Actor::System);
        assert_eq!(
            actor("actor", br#"{"staff":"gw-1"}"#).unwrap(),
            Actor::Staff("gw-1".into())
        );
        let e = actor("actor", b"staff").unwrap_err();
        assert!(e.message.contains("{\"staff\": \"id\"}"), "{}", e.message);
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let e = json::<serde_json::Value>("world", b"\xEF\xBB\xBF{}").unwrap_err();
        assert!(e.message.contains("byte-order mark"));
    }

    #[test]
    fn levels_list_what_is_allowed() {
        let e = level("level", "village").unwrap_err();
        assert!(e.message.contains("street") && e.message.contains("household_group"));
    }

    #[test]
    fn empty_input_says_it_is_empty_and_columns_start_at_one() {
        let e = json::<serde_json::Value>("world", b"  \n").unwrap_err();
        assert!(e.message.contains("`world`: is empty"), "{}", e.message);
        assert_eq!(e.details["problem"], "empty");
        let e = json::<Vec<u8>>("rules", b"\n{").unwrap_err();
        assert!(e.details["column"].as_u64().unwrap() >= 1, "{}", e.details);
    }

    #[test]
    fn objects_are_not_taken_as_positional_arrays() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Two {
            a: u8,
            b: u8,
        }
        assert!(object::<Two>("input", br#"{"a":1,"b":2}"#).is_ok());
        assert!(
            json::<Two>("input", b"[1,2]").is_ok(),
            "serde alone takes it"
        );
        let e = object::<Two>("input", b" [1,2]").unwrap_err();
        assert!(e.message.contains("`input`") && e.message.contains("JSON object"));
    }

    #[test]
    fn lists_are_arrays_or_json_lines() {
        let a: Vec<u32> = list("xs", b" [1, 2]").unwrap();
        let b: Vec<u32> = list("xs", b"1\n\n2\n").unwrap();
        assert_eq!(a, b);
        let e = list::<u32>("xs", b"1\nx\n").unwrap_err();
        assert!(e.message.contains("line 2"));
    }
}
