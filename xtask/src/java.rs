//! Writes the Java side of the generated operations: the JNA natives of `FqLibrary` and the
//! JSON-text methods of `Engine` with their Javadoc, each between its file's marker lines
//! (the rest of those files, the typed methods and the plumbing, is written by hand).

use fengqiao_binding::{Arg, Bind, Op, Output, Ty, OPERATIONS};

use crate::render::{self, java_arg, Lang};

fn generated() -> impl Iterator<Item = &'static Op> {
    OPERATIONS.iter().filter(|o| o.bind == Bind::Generated)
}

/// `FqLibrary`'s natives, one per C function of the table.
pub fn natives() -> String {
    let mut s = String::from(
        "    // The C functions of the table of operations (fengqiao_binding::surface).\n",
    );
    for op in generated() {
        let mut params = Vec::new();
        if op.access.needs_engine() {
            params.push("Pointer engine".to_string());
        }
        for a in op.args {
            let ty = match a.ty {
                Ty::Time | Ty::Count => "long",
                Ty::Flag => "byte",
                _ => "byte[]",
            };
            params.push(format!("{ty} {}", java_arg(a.name)));
        }
        if op.output != Output::Nothing {
            params.push("PointerByReference out".into());
        }
        params.push("PointerByReference err".into());
        s.push_str(&format!(
            "    static native int {}({});\n",
            op.c_name(),
            params.join(", ")
        ));
    }
    s
}

fn java_type(a: &Arg) -> &'static str {
    match a.ty {
        Ty::Actor => "Actor",
        Ty::Time => "Instant",
        Ty::Count => "long",
        Ty::Flag => "boolean",
        _ => "String",
    }
}

fn value(a: &Arg) -> String {
    let n = java_arg(a.name);
    match (a.ty, a.optional) {
        (Ty::Actor, _) => format!("c(actor({n}))"),
        (Ty::Time, _) => format!("ms({n})"),
        (Ty::Count, _) => n,
        (Ty::Flag, _) => format!("(byte) ({n} ? 1 : 0)"),
        (_, true) => format!("cOrNull({n})"),
        (_, false) => format!("c({n})"),
    }
}

/// `Engine`'s JSON-text methods, one per operation of the table.
pub fn methods() -> Result<String, String> {
    let mut s = String::new();
    for op in generated() {
        s.push('\n');
        let mut paras = render::doc(op, Lang::Java)?;
        for a in op.args {
            let absent = if a.optional {
                "; {@code null}: absent"
            } else {
                ""
            };
            let what = match a.ty {
                Ty::Time => "the time of the call".to_string(),
                Ty::Actor => "who acts".to_string(),
                ty => render::javadoc(&ty.describe()),
            };
            paras.push(format!("@param {} {what}{absent}", java_arg(a.name)));
        }
        match op.output {
            Output::Nothing => {}
            Output::Json(t) => paras.push(format!("@return {{@code {t}}} JSON")),
            Output::Lines(t) => paras.push(format!("@return JSON Lines of {{@code {t}}}")),
            Output::Text(t) => paras.push(format!("@return {}", render::javadoc(t))),
        }
        paras.push("@throws FengqiaoException when refused (nothing changes)".into());
        s.push_str("    /**\n");
        for (i, p) in paras.iter().enumerate() {
            let tag = p.starts_with('@');
            if i > 0 && !(tag && paras[i - 1].starts_with('@')) {
                s.push_str("     *\n");
            }
            let p = if i > 0 && !tag {
                format!("<p>{p}")
            } else {
                p.clone()
            };
            s.push_str(&render::wrap(&p, "     * ", 100));
        }
        s.push_str("     */\n");
        let params: Vec<String> = op
            .args
            .iter()
            .map(|a| format!("{} {}", java_type(a), java_arg(a.name)))
            .collect();
        let mut values: Vec<String> = Vec::new();
        if op.access.needs_engine() {
            values.push("h".into());
        }
        values.extend(op.args.iter().map(value));
        let native = format!("FqLibrary.{}", op.c_name());
        let name = op.java_name();
        let params = params.join(", ");
        let line = match (op.access.needs_engine(), op.output) {
            (true, Output::Nothing) => format!(
                "    public void {name}({params}) {{\n        run((h, e) -> {native}({}, e));\n    }}\n",
                values.join(", ")
            ),
            (true, _) => format!(
                "    public String {name}({params}) {{\n        return call((h, o, e) -> {native}({}, o, e));\n    }}\n",
                values.join(", ")
            ),
            (false, Output::Nothing) => {
                return Err(format!(
                    "operation `{}`: a free operation with no result has no Java form",
                    op.name
                ))
            }
            (false, _) => {
                let vals = if values.is_empty() {
                    String::new()
                } else {
                    format!("{}, ", values.join(", "))
                };
                format!(
                    "    public static String {name}({params}) {{\n        return out(null, (h, o, e) -> {native}({vals}o, e));\n    }}\n"
                )
            }
        };
        let line = line.replace("(h, , e)", "(h, e)");
        s.push_str(&line);
    }
    Ok(s)
}
