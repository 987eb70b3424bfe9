//! Renders the table's documentation in each language's words: the placeholders
//! `{code:…}`, `{op:…}` and `{arg:…}`, the records an operation leaves, and the trust it
//! needs. A placeholder that names nothing fails the generator, so the docs cannot cite an
//! error code, an operation or an argument that does not exist.

use fengqiao_binding::{surface, Access, Op, Records, CODES};

/// The language a text is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Rust doc comments that cbindgen copies into the C header.
    C,
    /// Rust doc comments that wasm-bindgen copies into the TypeScript declarations.
    Js,
    /// Javadoc.
    Java,
    /// Markdown in `docs/`.
    Markdown,
}

/// `fq_engine_world` → `FQ_STATUS_…` style: `not_found` → `NOT_FOUND`.
pub fn upper(word: &str) -> String {
    word.to_ascii_uppercase()
}

/// The Java name of an argument: camelCase, and `now_ms` is `now` (an `Instant`).
pub fn java_arg(name: &str) -> String {
    surface::camel(name.strip_suffix("_ms").unwrap_or(name))
}

/// The operation's documentation with its placeholders rendered, the trust it needs and the
/// records it leaves, as paragraphs (no comment markers).
pub fn doc(op: &Op, lang: Lang) -> Result<Vec<String>, String> {
    let mut paras = Vec::new();
    let mut first = placeholders(op, op.doc, lang)?;
    if op.access == Access::Trusted {
        let mut chars = first.chars();
        let head: String = chars
            .next()
            .map(|c| c.to_lowercase().collect())
            .unwrap_or_default();
        first = format!("TRUSTED: {head}{}", chars.as_str());
    }
    paras.push(first);
    let records = match op.records {
        Records::Nothing => None,
        Records::Journal => Some("Journaled: store the journal after the call."),
        Records::JournalAndAudit => {
            Some("Journaled and audited: store the journal after the call.")
        }
        Records::AuditedRead => Some(
            "**Writes the journal.** A whole read of personal data (an actor who sees \
             identifiers whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 \
             8.1.4.3), and a refused read a denial: both move the journal's head, so store the \
             journal after this read as after a write.",
        ),
    };
    if let Some(r) = records {
        paras.push(r.to_string());
    }
    Ok(paras
        .into_iter()
        .map(|p| if lang == Lang::Java { javadoc(&p) } else { p })
        .collect())
}

/// One paragraph with `{code:…}`, `{op:…}` and `{arg:…}` rendered.
pub fn placeholders(op: &Op, text: &str, lang: Lang) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find('}') else {
            out.push_str(tail);
            rest = "";
            break;
        };
        let inner = &tail[1..end];
        let rendered = match inner.split_once(':') {
            Some(("code", w)) => Some(code(op, w, lang)?),
            Some(("op", n)) => Some(operation(op, n, lang)?),
            Some(("arg", a)) => Some(argument(op, a, lang)?),
            _ => None,
        };
        match rendered {
            Some(r) => out.push_str(&r),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn code(op: &Op, word: &str, lang: Lang) -> Result<String, String> {
    if !CODES.iter().any(|c| c.word == word) {
        return Err(format!(
            "operation `{}`: its docs cite the error code `{word}`, which is not in fengqiao_binding::CODES",
            op.name
        ));
    }
    Ok(match lang {
        Lang::C => format!("`FQ_STATUS_{}`", upper(word)),
        Lang::Java => format!("`ErrorCode.{}`", upper(word)),
        Lang::Js | Lang::Markdown => format!("`{word}`"),
    })
}

fn operation(op: &Op, name: &str, lang: Lang) -> Result<String, String> {
    let other = surface::operation(name).ok_or_else(|| {
        format!(
            "operation `{}`: its docs cite the operation `{name}`, which is not in the table",
            op.name
        )
    })?;
    Ok(match lang {
        Lang::C => format!("`{}`", other.c_name()),
        Lang::Js => format!("`{}`", other.js_name()),
        Lang::Java => format!("`{}`", other.java_name()),
        Lang::Markdown => format!("`{}`", other.name),
    })
}

fn argument(op: &Op, name: &str, lang: Lang) -> Result<String, String> {
    if !op.args.iter().any(|a| a.name == name) {
        return Err(format!(
            "operation `{}`: its docs cite the argument `{name}`, which it does not take",
            op.name
        ));
    }
    Ok(match lang {
        Lang::Java => format!("`{}`", java_arg(name)),
        _ => format!("`{name}`"),
    })
}

/// Markdown to Javadoc: `code` → `{@code code}`, `**bold**` → `<b>bold</b>`, and `<`, `>`,
/// `&` escaped outside code.
pub fn javadoc(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut bold = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' if in_code => {
                out.push('}');
                in_code = false;
            }
            '`' => {
                out.push_str("{@code ");
                in_code = true;
            }
            '*' if !in_code && chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(if bold { "</b>" } else { "<b>" });
                bold = !bold;
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '&' if !in_code => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Words wrapped at `width` columns after `prefix` (each line starts with it).
pub fn wrap(text: &str, prefix: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    // `{@code x}` stays on one line: a Javadoc tag broken after its name reads badly.
    let mut words: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if last.ends_with("{@code") => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    for word in words.iter().map(String::as_str) {
        let len = |s: &str| s.chars().count();
        if !line.is_empty() && len(prefix) + len(&line) + 1 + len(word) > width {
            out.push_str(prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(prefix);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Paragraphs as comment lines, a blank comment line between them.
pub fn comment(paras: &[String], prefix: &str, width: usize) -> String {
    let blank = prefix.trim_end();
    paras
        .iter()
        .map(|p| wrap(p, prefix, width))
        .collect::<Vec<_>>()
        .join(&format!("{blank}\n"))
}
