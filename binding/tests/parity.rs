//! Both front-ends expose the same operations: every operation of the binding layer has its
//! C function in the checked-in header and its method in the WebAssembly class, and neither
//! front-end has an operation the layer does not know (apart from what only makes sense on
//! one platform, listed here with the reason).

use std::collections::BTreeSet;

use fengqiao_binding::{CONSTRUCTORS, OPERATIONS};

fn read(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::fs::read_to_string(format!("{root}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `fq_…` functions declared in the header.
fn c_functions() -> BTreeSet<String> {
    let header = read("ffi/include/fengqiao.h");
    header
        .lines()
        .filter(|l| !l.starts_with("//") && l.contains(" fq_") && l.contains('('))
        .filter_map(|l| {
            let start = l.find("fq_")?;
            let name: String = l[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            Some(name)
        })
        .collect()
}

/// Methods and functions the WebAssembly module exports, by their JS names.
fn js_names() -> BTreeSet<String> {
    let src =
        read("wasm/src/lib.rs") + &read("wasm/src/operations.rs") + &read("wasm/src/security.rs");
    let mut names = BTreeSet::new();
    let mut pending_js_name: Option<String> = None;
    for line in src.lines().map(str::trim) {
        if let Some(i) = line.find("js_name = ") {
            let rest = &line[i + 10..];
            pending_js_name = Some(rest.split([')', ',']).next().unwrap().trim().to_string());
        }
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let rust: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            names.insert(pending_js_name.take().unwrap_or(rust));
        }
    }
    names
}

/// Calls both bindings have whose arguments are the host's own code (C callbacks, JS
/// objects), so they are not in the shared operation list: (C function, JS name).
const CALLBACKS: &[(&str, &str)] = &[
    ("fq_engine_set_signer", "setSigner"),
    ("fq_engine_set_protector", "setProtector"),
    ("fq_verify_heads", "verifyHeads"),
];

#[test]
fn every_operation_is_in_the_c_header() {
    let c = c_functions();
    for op in OPERATIONS {
        assert!(
            c.contains(&op.c_name()),
            "{} is missing from fengqiao.h",
            op.c_name()
        );
    }
    // C-only: handles, strings and errors, the version and the input limit.
    let platform = [
        "fq_version",
        "fq_version_number",
        "fq_status_name",
        "fq_set_max_input_bytes",
        "fq_engine_set_max_input_bytes",
        // (pointer, length) variants of the constructors, for large buffers without a NUL.
        "fq_engine_new_n",
        "fq_engine_restore_n",
        "fq_engine_restore_snapshot_n",
        "fq_engine_free",
        "fq_string_free",
        "fq_error_free",
        "fq_error_code",
        "fq_error_message",
        "fq_error_details",
        "fq_debug_panic",
        // The built-in development signer and protector (JS hosts bring their own).
        "fq_engine_set_sm2_signer",
        "fq_engine_set_sm4_keyring",
        "fq_verify_heads_sm2",
        "fq_verify_case_sm2",
    ];
    for (c_name, _) in CONSTRUCTORS {
        assert!(c.contains(*c_name), "{c_name} is missing from fengqiao.h");
    }
    let known: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|o| o.c_name())
        .chain(CONSTRUCTORS.iter().map(|(c, _)| c.to_string()))
        .chain(platform.iter().map(|s| s.to_string()))
        .chain(CALLBACKS.iter().map(|(c, _)| c.to_string()))
        .collect();
    for (c_name, _) in CALLBACKS {
        assert!(c.contains(*c_name), "{c_name} is missing from fengqiao.h");
    }
    let extra: Vec<_> = c.difference(&known).collect();
    assert!(
        extra.is_empty(),
        "C functions the binding layer does not know: {extra:?}"
    );
}

#[test]
fn every_operation_is_in_the_js_class() {
    let js = js_names();
    for op in OPERATIONS {
        assert!(
            js.contains(&op.js_name()),
            "{} is missing from the wasm module",
            op.js_name()
        );
    }
    // JS-only: the constructor and its bytes variant, the demo worlds of the web page, the
    // JSON-text and bytes fast paths of decideInput, the version, the panic hook's start.
    let platform = [
        "fromJsonBytes",
        "sample",
        "sajinWorld",
        "decideInputJson",
        "decideInputJsonBytes",
        "version",
        "debugPanic",
        "start",
    ];
    for (_, js_name) in CONSTRUCTORS {
        assert!(
            js.contains(*js_name),
            "{js_name} is missing from the wasm module"
        );
    }
    let known: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|o| o.js_name())
        .chain(CONSTRUCTORS.iter().map(|(_, j)| j.to_string()))
        .chain(platform.iter().map(|s| s.to_string()))
        .chain(CALLBACKS.iter().map(|(_, j)| j.to_string()))
        .collect();
    for (_, js_name) in CALLBACKS {
        assert!(
            js.contains(*js_name),
            "{js_name} is missing from the wasm module"
        );
    }
    let extra: Vec<_> = js.difference(&known).collect();
    assert!(
        extra.is_empty(),
        "JS methods the binding layer does not know: {extra:?}"
    );
}

/// Every `FQ_…` name the header's comments use is one the header defines: the docs named
/// `FQ_CALENDAR`, which never existed, while the status is `FQ_STATUS_CALENDAR` (issue 32).
#[test]
fn the_header_names_only_what_it_defines() {
    let header = read("ffi/include/fengqiao.h");
    let names = |text: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(at) = text[i..].find("FQ_") {
            let start = i + at;
            let end = start
                + text[start..]
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(text.len() - start);
            if start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_')
            {
                out.insert(text[start..end].trim_end_matches('_').to_string());
            }
            i = end.max(start + 3);
        }
        out
    };
    let (comments, code): (Vec<&str>, Vec<&str>) = header
        .lines()
        .partition(|l| l.trim_start().starts_with("//") || l.trim_start().starts_with('*'));
    let defined = names(&code.join("\n"));
    let used = names(&comments.join("\n"));
    let unknown: Vec<&String> = used.difference(&defined).collect();
    assert!(
        unknown.is_empty(),
        "the header's comments name {unknown:?}, which it does not define"
    );
    // And every status of the one list is in the header.
    for c in fengqiao_binding::CODES {
        let name = format!(
            "FQ_STATUS_{}",
            c.name
                .chars()
                .enumerate()
                .flat_map(|(i, ch)| {
                    let sep = (i > 0 && ch.is_ascii_uppercase()).then_some('_');
                    sep.into_iter()
                        .chain(std::iter::once(ch.to_ascii_uppercase()))
                })
                .collect::<String>()
        );
        assert!(defined.contains(&name), "{name} is not in the header");
    }
}
