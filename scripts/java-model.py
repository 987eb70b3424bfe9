#!/usr/bin/env python3
"""Generates the Java model classes (java/src/main/java/org/fengqiao/model) from the JSON
Schemas in docs/schema: one class per object shape, public fields named after the JSON
properties. Run after a schema changes (FENGQIAO_BLESS=1 cargo test --features schema --test
schema); the Java suite's SchemaDriftTest fails until it is run.

Vocabularies (a string enumeration in a schema: categories, roles, agency kinds, levels,
states …) become Java enums with the wire word, the label the schema gives each word, its
Chinese term and the word in English, and an UNKNOWN constant a word from a newer library
reads as. Unions whose every alternative is an object of one property (a party is a person,
a household or an organisation) become classes with one field per alternative, exactly one
set. The actor is org.fengqiao.Actor. True unions (a rule's condition, a journal change
with mixed alternatives) and maps stay Jackson trees (JsonNode); Operation is written by
hand."""
import json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "docs", "schema")
OUT = os.path.join(ROOT, "java", "src", "main", "java", "org", "fengqiao", "model")

# Top-level schema file -> Java class name.
TOP = {
    "world": "WorldData", "dispute-input": "DisputeInput", "decision": "Decision",
    "case-view": "CaseView", "dispute": "Dispute", "event": "Event",
    "journal-entry": "JournalEntry", "stats-query": "StatsQuery", "stats-report": "StatsReport",
    "sweep": "Sweep", "person": "Person", "staff": "Staff", "agency": "Agency",
    "zero-report": "ZeroReport", "missing-report": "MissingReport", "diagnostic": "Diagnostic",
    "hierarchy": "HierarchyData", "unit": "Unit", "deadline-status": "DeadlineStatus",
    "denial": "Denial", "snapshot": "Snapshot", "assessment-query": "AssessmentQuery",
    "assessment": "Assessment", "local-calendar": "LocalCalendar",
    "signed-head": "SignedHead", "signature-report": "SignatureReport", "audit-entry": "AuditEntry",
    "located": "Located", "transfer-document": "TransferDocument", "intake": "Intake",
    "transfer-check": "TransferCheck", "statistical-return": "StatisticalReturn",
    "consolidation": "Consolidation",
}
RENAME = {"Query": "StatsQuery", "Report": "StatsReport"}
HAND = {"Operation": "Operation", "Actor": "org.fengqiao.Actor"}  # written by hand
enums = {}  # name -> (schema file, def name, definition)
tagged = {}  # name -> (schema file, def name, definition)
KEYWORDS = {"case", "default", "class", "new", "package", "import", "final", "static", "public",
            "private", "int", "long", "for", "if", "else", "switch", "return", "this", "try"}

classes = {}  # name -> (schema file, def name or "", properties dict, required, description)


def camel(name):
    parts = name.split("_")
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return out + "_" if out in KEYWORDS else out


def java_type(prop, defs, file):
    if "$ref" in prop:
        name = prop["$ref"].split("/")[-1]
        return ref_type(name, defs, file)
    for key in ("anyOf", "oneOf"):
        if key in prop:
            alts = [a for a in prop[key] if a.get("type") != "null"]
            if len(alts) == 1:
                return java_type(alts[0], defs, file)
            return "JsonNode"
    t = prop.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"]
        t = t[0] if len(t) == 1 else None
    if t == "string":
        return "String"
    if t == "integer":
        return "Long"
    if t == "number":
        return "Double"
    if t == "boolean":
        return "Boolean"
    if t == "array" and "items" in prop and isinstance(prop["items"], dict):
        return "List<%s>" % java_type(prop["items"], defs, file)
    return "JsonNode"


def enum_words(d):
    """The words of a string enumeration with their labels, or None."""
    if isinstance(d.get("enum"), list) and all(isinstance(w, str) for w in d["enum"]):
        return [(w, "") for w in d["enum"]]
    alts = d.get("oneOf")
    if alts and all(a.get("type") == "string" and "const" in a for a in alts):
        return [(a["const"], (a.get("description") or "").strip().replace("[`", "`").replace("`]", "`")) for a in alts]
    return None


def tags_of(d):
    """The alternatives of a union of one-property objects, as (tag, schema), or None."""
    alts = d.get("oneOf")
    if not alts:
        return None
    out = []
    for a in alts:
        props = a.get("properties", {})
        if a.get("type") != "object" or len(props) != 1 or a.get("required") != list(props):
            return None
        tag, schema = next(iter(props.items()))
        out.append((tag, schema, (a.get("description") or "").strip()))
    return out


def ref_type(name, defs, file):
    if name in HAND:
        return HAND[name]
    d = defs.get(name)
    if d is None:
        return "JsonNode"
    if enum_words(d) is not None:
        enums.setdefault(name, (file, name, d))
        return name
    if tags_of(d) is not None:
        if name not in tagged:
            tagged[name] = (file, name, d)
            for _, schema, _ in tags_of(d):
                java_type(schema, defs, file)
        return name
    if d.get("type") == "object" and "properties" in d and "oneOf" not in d:
        cls = RENAME.get(name, name)
        if cls not in classes:
            classes[cls] = (file, name, d)
            for p in d["properties"].values():
                java_type(p, defs, file)
        return cls
    # Strings with a pattern or an enumeration of words: plain strings in Java.
    t = d.get("type")
    if t == "string" or all(a.get("type") == "string" for a in d.get("oneOf", [{}])):
        return "String"
    if t == "integer":
        return "Long"
    if t == "array" and isinstance(d.get("items"), dict):
        return "List<%s>" % java_type(d["items"], defs, file)
    return "JsonNode"


for stem, cls in TOP.items():
    file = stem + ".schema.json"
    s = json.load(open(os.path.join(SCHEMA, file), encoding="utf-8"))
    defs = s.get("$defs", {})
    classes[cls] = (file, "", s)
    for p in s.get("properties", {}).values():
        java_type(p, defs, file)

# Every vocabulary of every schema, referenced by a generated class or not (the hand-written
# Operation takes them too).
for file in sorted(os.listdir(SCHEMA)):
    if file.endswith(".schema.json"):
        defs = json.load(open(os.path.join(SCHEMA, file), encoding="utf-8")).get("$defs", {})
        for name, d in defs.items():
            if name not in HAND and enum_words(d) is not None:
                enums.setdefault(name, (file, name, d))

os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):
    if old.endswith(".java") and old[:-5] not in HAND:
        os.remove(os.path.join(OUT, old))
index = []
for cls in sorted(classes):
    file, def_name, d = classes[cls]
    defs = json.load(open(os.path.join(SCHEMA, file), encoding="utf-8")).get("$defs", {})
    index.append((cls, file, def_name))
    desc = (d.get("description") or d.get("title") or cls).strip().replace("*/", "*\u200b/")
    lines = [
        "// Generated by scripts/java-model.py from docs/schema/%s%s; do not edit." % (file, ("#/$defs/" + def_name) if def_name else ""),
        "package org.fengqiao.model;",
        "",
        "import com.fasterxml.jackson.annotation.JsonProperty;",
        "import com.fasterxml.jackson.databind.JsonNode;",
        "import java.util.List;",
        "",
        "/**",
    ]
    for l in desc.splitlines():
        lines.append(" * " + l.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    lines += [" */", "public class %s {" % cls]
    for name, p in sorted(d.get("properties", {}).items()):
        t = java_type(p, defs, file)
        pd = (p.get("description") or name).strip().replace("*/", "*\u200b/")
        pd = pd.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append("    /** %s */" % " ".join(pd.split()))
        lines.append('    @JsonProperty("%s")' % name)
        lines.append("    public %s %s;" % (t, camel(name)))
        lines.append("")
    if lines[-1] == "":
        lines.pop()
    lines.append("}")
    src = "\n".join(lines) + "\n"
    if "List<" not in src.split("public class")[1]:
        src = src.replace("import java.util.List;\n", "")
    if "JsonNode" not in src.split("public class")[1]:
        src = src.replace("import com.fasterxml.jackson.databind.JsonNode;\n", "")
    open(os.path.join(OUT, cls + ".java"), "w", encoding="utf-8").write(src)

def javadoc_text(t):
    """Markdown to Javadoc: escaped, and `code` as {@code code}."""
    t = t.replace("*/", "*\u200b/").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parts = t.replace("[`", "`").replace("`]", "`").split("`")
    return "".join(("{@code %s}" % p) if i % 2 else p for i, p in enumerate(parts))


def chinese(label):
    """The Chinese term a label begins with (婚姻家庭 of "婚姻家庭 (the article's …)")."""
    out = ""
    for ch in label:
        if "\u4e00" <= ch <= "\u9fff" or ch in "、·":
            out += ch
        else:
            break
    return out


def constant(word):
    c = "".join(ch if ch.isalnum() else "_" for ch in word).upper()
    return c if c[:1].isalpha() else "W_" + c


def java_string(t):
    return json.dumps(t, ensure_ascii=False)


enum_index, tagged_index = [], []
for name in sorted(enums):
    file, def_name, d = enums[name]
    words = enum_words(d)
    desc = (d.get("description") or name).strip()
    lines = [
        "// Generated by scripts/java-model.py from docs/schema/%s#/$defs/%s; do not edit." % (file, def_name),
        "package org.fengqiao.model;", "",
        "import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;",
        "import com.fasterxml.jackson.annotation.JsonProperty;", "", "/**",
    ]
    lines += [" * " + javadoc_text(l) for l in desc.splitlines()]
    lines += [" *", " * <ul>"]
    for w, label in words:
        lines.append(" * <li>{@code %s}%s" % (w, (": " + javadoc_text(" ".join(label.split()))) if label else ""))
    lines += [" * </ul>", " */", "public enum %s {" % name]
    for w, label in words:
        label = " ".join(label.split())
        lines.append("    /** %s */" % javadoc_text(label or w))
        lines.append('    @JsonProperty(%s)' % java_string(w))
        lines.append("    %s(%s, %s, %s)," % (constant(w), java_string(w), java_string(label), java_string(chinese(label))))
        lines.append("")
    lines += [
        "    /** A word this binding does not know (a newer native library wrote it): read, never written. */",
        "    @JsonEnumDefaultValue",
        '    UNKNOWN(null, "", "");', "",
        "    private final String word;",
        "    private final String label;",
        "    private final String chinese;", "",
        "    %s(String word, String label, String chinese) {" % name,
        "        this.word = word;", "        this.label = label;", "        this.chinese = chinese;", "    }", "",
        "    /** The wire word, as JSON and the other bindings write it ({@code null} for UNKNOWN). */",
        "    public String word() {", "        return word;", "    }", "",
        "    /** The schema's label of the word (the Chinese term and notes; empty when it has none). */",
        "    public String label() {", "        return label;", "    }", "",
        "    /** The Chinese term the label begins with (empty when it has none). */",
        "    public String chinese() {", "        return chinese;", "    }", "",
        "    /** The word in English: its parts separated by spaces. */",
        "    public String english() {", '        return word == null ? "" : word.replace(\'_\', \' \');', "    }", "",
        "    /** The constant of a wire word; {@link #UNKNOWN} for a word this binding does not know. */",
        "    public static %s of(String word) {" % name,
        "        for (%s v : values()) {" % name,
        "            if (v.word != null && v.word.equals(word)) {", "                return v;", "            }", "        }",
        "        return UNKNOWN;", "    }", "}",
    ]
    open(os.path.join(OUT, name + ".java"), "w", encoding="utf-8").write("\n".join(lines) + "\n")
    enum_index.append((name, file, def_name))

for name in sorted(tagged):
    file, def_name, d = tagged[name]
    defs = json.load(open(os.path.join(SCHEMA, file), encoding="utf-8")).get("$defs", {})
    desc = (d.get("description") or name).strip()
    lines = [
        "// Generated by scripts/java-model.py from docs/schema/%s#/$defs/%s; do not edit." % (file, def_name),
        "package org.fengqiao.model;", "",
        "import com.fasterxml.jackson.annotation.JsonProperty;",
        "import com.fasterxml.jackson.databind.JsonNode;",
        "import java.util.List;", "", "/**",
    ]
    lines += [" * " + javadoc_text(l) for l in desc.splitlines()]
    lines += [" *", " * <p>Exactly one field is set (JSON: an object with that one property); the static",
              " * methods make each kind.", " */", "public class %s {" % name]
    nested = []
    for tag, schema, alt_desc in tags_of(d):
        t = java_type(schema, defs, file)
        if t == "JsonNode" and schema.get("type") == "object" and schema.get("properties"):
            t = camel(tag)[:1].upper() + camel(tag)[1:]
            nested.append((t, schema))
        lines.append("    /** %s */" % javadoc_text(alt_desc or tag))
        lines.append('    @JsonProperty("%s")' % tag)
        lines.append("    public %s %s;" % (t, camel(tag)))
        lines.append("")
    for tag, schema, alt_desc in tags_of(d):
        t = java_type(schema, defs, file)
        if t == "JsonNode" and schema.get("type") == "object" and schema.get("properties"):
            t = camel(tag)[:1].upper() + camel(tag)[1:]
        lines.append("    /** %s */" % javadoc_text(alt_desc or tag))
        lines.append("    public static %s %s(%s value) {" % (name, camel(tag).rstrip("_"), t))
        lines.append("        %s v = new %s();" % (name, name))
        lines.append("        v.%s = value;" % camel(tag))
        lines.append("        return v;")
        lines.append("    }")
        lines.append("")
    for cls_name, schema in nested:
        lines.append("    /** %s */" % javadoc_text((schema.get("description") or cls_name).strip()))
        lines.append("    public static class %s {" % cls_name)
        for pname, ps in sorted(schema["properties"].items()):
            pd = javadoc_text(" ".join((ps.get("description") or pname).split()))
            lines.append("        /** %s */" % pd)
            lines.append('        @JsonProperty("%s")' % pname)
            lines.append("        public %s %s;" % (java_type(ps, defs, file), camel(pname)))
            lines.append("")
        lines[-1:] = ["    }", ""]
    if lines[-1] == "":
        lines.pop()
    lines.append("}")
    src = "\n".join(lines) + "\n"
    body = src.split("public class")[1]
    if "List<" not in body:
        src = src.replace("import java.util.List;\n", "")
    if "JsonNode" not in body:
        src = src.replace("import com.fasterxml.jackson.databind.JsonNode;\n", "")
    open(os.path.join(OUT, name + ".java"), "w", encoding="utf-8").write(src)
    tagged_index.append((name, file, def_name))

idx = ["// Generated by scripts/java-model.py; do not edit.", "package org.fengqiao.model;", "",
       "/** Which schema each generated class comes from: the drift test compares them. */",
       "public final class Schemas {", "    private Schemas() {}", "",
       "    /** {class, schema file, $defs name or empty for the schema itself}. */",
       "    public static final String[][] CLASSES = {"]
for cls, file, def_name in index:
    idx.append('        {"%s", "%s", "%s"},' % (cls, file, def_name))
idx += ["    };", "",
        "    /** The vocabularies (enums): {enum, schema file, $defs name}. */",
        "    public static final String[][] ENUMS = {"]
for cls, file, def_name in enum_index:
    idx.append('        {"%s", "%s", "%s"},' % (cls, file, def_name))
idx += ["    };", "",
        "    /** The unions of one-property objects: {class, schema file, $defs name}. */",
        "    public static final String[][] ONE_OF = {"]
for cls, file, def_name in tagged_index:
    idx.append('        {"%s", "%s", "%s"},' % (cls, file, def_name))
idx += ["    };", "}"]
open(os.path.join(OUT, "Schemas.java"), "w", encoding="utf-8").write("\n".join(idx) + "\n")
print("generated %d classes, %d vocabularies, %d one-of classes in %s" % (len(index), len(enum_index), len(tagged_index), os.path.relpath(OUT, ROOT)))
