//! The table of operations every binding exposes: each entry names the operation, its
//! arguments and their types, its result, what it needs of the engine, what it records, and
//! its documentation. It is the source of the bindings: `cargo run -p xtask`
//! (`scripts/generate.sh`) writes from it the C exports, the WebAssembly methods (and so
//! their TypeScript declarations), the Java natives and `Engine` methods with their Javadoc,
//! and the operations table of `docs/integration.md`; CI fails when a checked-in file
//! differs from what the table writes. Adding an operation is the core method, its function
//! in [`crate::ops`], one entry here and tests.
//!
//! Documentation is written once, for every language, with three placeholders the
//! generator renders in each language's words: `{code:lifecycle}` (an error code: C's
//! `FQ_STATUS_LIFECYCLE`, JS's `"lifecycle"`, Java's `ErrorCode.LIFECYCLE`), `{op:apply}`
//! (another operation: `fq_engine_apply`, `apply`, `applyJson`) and `{arg:case_code}` (an
//! argument: `case_code` in C and JS, `caseCode` in Java).

/// What an operation needs of the engine, and so which lock C takes and whether a caller
/// may answer a user's request with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Needs no engine (a free function).
    Free,
    /// Reads the engine (C: shared lock). Reads of case or resident data take an actor and
    /// answer only what that actor may see.
    Read,
    /// A trusted read, for the host's own persistence or audit: never an answer to a user's
    /// request (C: shared lock). The generated docs begin with "TRUSTED".
    Trusted,
    /// Changes the engine (C: exclusive lock).
    Write,
    /// Changes the engine, or reads a case to send it, and signs what it hands back with
    /// the signer the front-end holds when it holds one (C `fq_engine_set_signer`, JS
    /// `setSigner`, Java `setSigner`): the front-end passes it, the caller does not (C:
    /// exclusive lock).
    Signs,
}

impl Access {
    /// Whether the operation needs an engine.
    pub fn needs_engine(self) -> bool {
        self != Access::Free
    }

    /// Whether the operation changes the engine (C takes the exclusive lock).
    pub fn changes(self) -> bool {
        matches!(self, Access::Write | Access::Signs)
    }

    /// Whether the front-end passes its signer (the binding function's second parameter).
    pub fn signs(self) -> bool {
        self == Access::Signs
    }
}

/// What an operation leaves in the records the host keeps: the journal (every accepted
/// change, which the host stores after the call) and the audit record (等保 GB/T
/// 22239-2019 8.1.4.3: refused and failed calls, whole reads of personal data, erasures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Nothing: the journal's head does not move.
    Nothing,
    /// Every accepted change is a journal entry: store the journal after the call.
    Journal,
    /// Journaled and audited (an erasure, a rule load).
    JournalAndAudit,
    /// A read that may write the journal: a whole read of personal data adds an audit entry
    /// (`read_whole`) and a refused read a denial, both journaled.
    AuditedRead,
}

/// The type of an argument as a host passes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Who acts: `"system"`, `{"staff": id}` or `{"agency": id}` (the library trusts the
    /// actor it is given: the host authenticates people).
    Actor,
    /// A JSON document of the named shape (the schema and TypeScript type of that name).
    Json(&'static str),
    /// JSON Lines, one value of the named shape a line (a journal as it is stored).
    Lines(&'static str),
    /// A list of the named shape, as a JSON array or as JSON Lines text.
    ListOrLines(&'static str),
    /// A document's text as written (an editor's buffer), read by the operation itself so
    /// that it can locate what it reports.
    Source(&'static str),
    /// Bare text of the kind named: a division code, a case code, a date, a word.
    Text(&'static str),
    /// An instant: milliseconds since 1970-01-01 UTC (2000 to 2099).
    Time,
    /// A count or a sequence number (non-negative integer).
    Count,
    /// Yes or no.
    Flag,
}

impl Ty {
    /// Whether the argument crosses C as a string (`const char *`).
    pub fn is_text(self) -> bool {
        !matches!(self, Ty::Time | Ty::Count | Ty::Flag)
    }

    /// How the docs describe the argument's value.
    pub fn describe(self) -> String {
        match self {
            Ty::Actor => "`Actor` JSON".into(),
            Ty::Json(s) => format!("`{s}` JSON"),
            Ty::Lines(s) => format!("JSON Lines of `{s}`"),
            Ty::ListOrLines(s) => format!("a JSON array or JSON Lines of `{s}`"),
            Ty::Source(s) => format!("`{s}` as text"),
            Ty::Text(s) => s.to_string(),
            Ty::Time => "milliseconds since the Unix epoch".into(),
            Ty::Count => "a non-negative integer".into(),
            Ty::Flag => "yes or no".into(),
        }
    }
}

/// One argument of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    /// The snake_case name errors name it by (Java: camelCase).
    pub name: &'static str,
    /// What is passed.
    pub ty: Ty,
    /// Whether it may be absent (C: NULL; JS: `null` or `undefined`; Java: `null`).
    pub optional: bool,
}

/// What an operation returns on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Nothing.
    Nothing,
    /// A JSON document of the named shape (JS: the parsed value).
    Json(&'static str),
    /// JSON Lines of the named shape (a string everywhere: it is stored as it is).
    Lines(&'static str),
    /// Bare text of the kind named (a case code, a digest).
    Text(&'static str),
}

/// How a front-end binds an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    /// Written by the generator in every front-end.
    Generated,
    /// Written by hand in each front-end, for the reason given (its arguments are the
    /// host's own code, or it reads state only the front-end holds).
    Hand(&'static str),
}

/// One operation of the binding surface, by its snake_case name. The C function is
/// `fq_engine_{name}` (`fq_{name}` for free ones), the JS method its camelCase, the Java
/// method its camelCase with `Json` (or `Jsonl`) added when it takes or returns JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// The snake_case name.
    pub name: &'static str,
    /// What it needs of the engine.
    pub access: Access,
    /// Its arguments, in order (the engine first where it needs one, is implied).
    pub args: &'static [Arg],
    /// What it returns.
    pub output: Output,
    /// What it records.
    pub records: Records,
    /// Its documentation, in every binding (see the module docs for the placeholders).
    pub doc: &'static str,
    /// How the front-ends bind it.
    pub bind: Bind,
}

impl Op {
    /// The C function's name.
    pub fn c_name(&self) -> String {
        match self.access {
            Access::Free => format!("fq_{}", self.name),
            _ => format!("fq_engine_{}", self.name),
        }
    }

    /// The JS name (camelCase).
    pub fn js_name(&self) -> String {
        camel(self.name)
    }

    /// The Java method that takes and returns JSON text: camelCase, with `Json` when an
    /// argument or the result is a JSON document, `Jsonl` when the result is JSON Lines.
    pub fn java_name(&self) -> String {
        let base = camel(self.name);
        let json_arg = self
            .args
            .iter()
            .any(|a| matches!(a.ty, Ty::Json(_) | Ty::ListOrLines(_) | Ty::Lines(_)));
        match self.output {
            Output::Lines(_) if base.ends_with("Jsonl") => base,
            Output::Lines(_) => base + "Jsonl",
            Output::Json(_) => base + "Json",
            _ if json_arg => base + "Json",
            _ => base,
        }
    }
}

/// `snake_case` → `camelCase`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for ch in name.chars() {
        if ch == '_' {
            up = true;
        } else if up {
            out.extend(ch.to_uppercase());
            up = false;
        } else {
            out.push(ch);
        }
    }
    out
}

const fn arg(name: &'static str, ty: Ty) -> Arg {
    Arg {
        name,
        ty,
        optional: false,
    }
}

const ACTOR: Arg = arg("actor", Ty::Actor);
const NOW: Arg = arg("now_ms", Ty::Time);
const CASE: Arg = arg("case_code", Ty::Text("a case code"));
const UNIT: Arg = arg("unit_code", Ty::Text("a division code"));
/// The SM2 public keys a document's signature is checked against; absent, the host trusts
/// its transport (the browser module has no SM2).
const KEYS: Arg = Arg {
    name: "keys",
    ty: Ty::Text(
        "the SM2 public keys trusted, a JSON object by key id (`{\"centre-2026\": \"04…\"}`)",
    ),
    optional: true,
};
/// The day a cadence read is about; absent, the day of `now_ms` (China time).
const DATE: Arg = Arg {
    name: "date",
    ty: Ty::Text("a date, `YYYY-MM-DD` (China time); absent: the day of `now_ms`"),
    optional: true,
};

/// An argument that may be absent.
const fn opt(name: &'static str, ty: Ty) -> Arg {
    Arg {
        name,
        ty,
        optional: true,
    }
}

/// The shape of a generated operation, with nothing recorded.
const fn gen(
    name: &'static str,
    access: Access,
    args: &'static [Arg],
    output: Output,
    doc: &'static str,
) -> Op {
    Op {
        name,
        access,
        args,
        output,
        records: match access {
            Access::Write | Access::Signs => Records::Journal,
            _ => Records::Nothing,
        },
        doc,
        bind: Bind::Generated,
    }
}

const fn records(op: Op, records: Records) -> Op {
    Op { records, ..op }
}

const fn hand(op: Op, why: &'static str) -> Op {
    Op {
        bind: Bind::Hand(why),
        ..op
    }
}

use Access::{Free, Read, Signs, Trusted, Write};
use Output::{Json as J, Nothing as N};

/// Every operation, which every binding exposes (a test checks the C header and the JS
/// class against this list, both ways).
pub const OPERATIONS: &[Op] = &[
    gen(
        "default_rules",
        Free,
        &[],
        J("RuleSet"),
        "The shipped default rule set.",
    ),
    gen(
        "trace_verify",
        Free,
        &[arg("events", Ty::ListOrLines("TraceEvent"))],
        J("Dispute"),
        "Verifies a trace without an engine (its SM3 chain) and replays it: the rebuilt case. \
         A tampered trace fails with {code:trace} and the position of the problem in the \
         details; text that is not a list of events with {code:invalid_input}.",
    ),
    records(
        gen(
            "world",
            Read,
            &[ACTOR, NOW],
            J("WorldData"),
            "The world as {arg:actor} may export it: residents of the actor's area only, \
             identity numbers and phones removed unless the world's privacy settings let the \
             actor see them. {arg:now_ms} is the time a refusal is logged with.",
        ),
        Records::AuditedRead,
    ),
    gen(
        "world_export",
        Trusted,
        &[],
        J("WorldData"),
        "The whole world with every identifier (no cases), for the host's own persistence. \
         Never answer a user's request with it; use {op:world}.",
    ),
    gen("unit", Read, &[UNIT], J("Unit"), "A unit by division code."),
    gen(
        "roots",
        Read,
        &[],
        J("Unit[]"),
        "The root units, counties or above.",
    ),
    gen(
        "children",
        Read,
        &[UNIT],
        J("Unit[]"),
        "A unit's children, in code order.",
    ),
    gen(
        "unit_path",
        Read,
        &[UNIT],
        J("Unit[]"),
        "The unit and the units above it, root first (county, street, community, grid …): the \
         breadcrumb a front-end shows above a case or a grid.",
    ),
    gen(
        "staff_at",
        Read,
        &[UNIT],
        J("Staff[]"),
        "The staff serving a unit, based there or covering it.",
    ),
    records(
        gen(
            "residents",
            Read,
            &[ACTOR, arg("household", Ty::Text("a household's id")), NOW],
            J("PersonView[]"),
            "The residents of a household in {arg:actor}'s area, identifiers masked unless \
             the world's privacy settings let the actor see them.",
        ),
        Records::AuditedRead,
    ),
    gen(
        "add_unit",
        Write,
        &[arg("unit", Ty::Json("Unit"))],
        N,
        "Adds a unit.",
    ),
    gen(
        "move_unit",
        Write,
        &[
            UNIT,
            arg("new_parent", Ty::Text("a division code")),
            arg("new_code", Ty::Text("a division code")),
        ],
        N,
        "Moves a unit and its subtree under {arg:new_parent}, where it is coded \
         {arg:new_code} (区划调整).",
    ),
    gen(
        "retire_unit",
        Write,
        &[UNIT],
        N,
        "Retires a unit; refused while staff serve it or open cases are in it.",
    ),
    gen(
        "add_person",
        Write,
        &[arg("person", Ty::Json("Person"))],
        N,
        "Adds a resident. Prefer {op:add_person_at} whenever the host knows the time.",
    ),
    gen(
        "update_person",
        Write,
        &[arg("person", Ty::Json("Person"))],
        N,
        "Replaces a resident's record (the id of a known resident): a new phone or identity \
         number, a move to another household. Checked as a new resident is. \
         {code:not_found} for an unknown id.",
    ),
    gen(
        "add_person_at",
        Write,
        &[arg("person", Ty::Json("Person")), NOW],
        N,
        "Adds a resident as {op:add_person} does, at {arg:now_ms}: an identity number whose \
         birth date is after that day (China time) is refused with {code:invalid_input} \
         (problem `born_in_future`) and nothing changes.",
    ),
    gen(
        "update_person_at",
        Write,
        &[arg("person", Ty::Json("Person")), NOW],
        N,
        "Replaces a resident's record as {op:update_person} does, at {arg:now_ms}: a birth \
         date after that day is refused (`born_in_future`).",
    ),
    gen(
        "add_staff",
        Write,
        &[arg("staff", Ty::Json("Staff"))],
        N,
        "Adds a staff member.",
    ),
    gen(
        "update_staff",
        Write,
        &[arg("staff", Ty::Json("Staff"))],
        N,
        "Replaces a staff member's record (the id of known staff): a new post, other units \
         covered, another role. Checked as new staff are; the open-case load is kept. \
         {code:not_found} for an unknown id.",
    ),
    gen(
        "add_agency",
        Write,
        &[arg("agency", Ty::Json("Agency"))],
        N,
        "Adds an agency (a body of 公安+司法+法院+综治+N).",
    ),
    gen(
        "set_available",
        Write,
        &[
            arg("staff_id", Ty::Text("a staff member's id")),
            arg("available", Ty::Flag),
        ],
        N,
        "Marks a staff member available or not (leave, illness): routing skips the \
         unavailable.",
    ),
    gen(
        "set_privacy",
        Write,
        &[arg("privacy", Ty::Json("Privacy"))],
        N,
        "Replaces who sees identity numbers and phones whole.",
    ),
    gen(
        "set_local_calendar",
        Write,
        &[arg("calendar", Ty::Json("LocalCalendar"))],
        N,
        "Sets a unit's local calendar (its own days off and working days over the national \
         calendar, 特色日历), or removes it (no days). Refused with {code:calendar}, nothing \
         changed, when it contradicts itself or the national calendar.",
    ),
    gen(
        "denials",
        Trusted,
        &[],
        J("Denial[]"),
        "Every refused request, oldest first, for the host's audit.",
    ),
    gen("rules", Read, &[], J("RuleSet"), "The rule set in force."),
    gen(
        "validate_rules",
        Read,
        &[arg("rules", Ty::Json("RuleSet"))],
        J("Diagnostic[]"),
        "Validates a rule set against the engine's world without loading it: every \
         diagnostic. A rule set that cannot be read fails with {code:rule_set} and the \
         diagnostics in the error's details.",
    ),
    gen(
        "validate_rules_text",
        Read,
        &[arg("rules", Ty::Source("RuleSet"))],
        J("Located[]"),
        "Every diagnostic of a rule set given as text (as an editor holds it), each with the \
         line, column and bytes of the value it names: text that is not a rule set gives its \
         reading's diagnostic, located, not an error. For live validation as the analyst \
         types.",
    ),
    records(
        gen(
            "load_rules",
            Write,
            &[ACTOR, arg("rules", Ty::Json("RuleSet")), NOW],
            J("Diagnostic[]"),
            "Validates and loads a rule set on behalf of {arg:actor} at {arg:now_ms} (the \
             journal records who loaded which version, and when): the warnings. Refused with \
             {code:rule_set} and every diagnostic if it has errors, or if another body was \
             loaded under the same `id@version`; nothing changes. Cases already routed keep \
             the version that decided them.",
        ),
        Records::JournalAndAudit,
    ),
    gen(
        "register",
        Write,
        &[ACTOR, arg("input", Ty::Json("DisputeInput")), NOW],
        Output::Text("a case code"),
        "Registers a dispute (录入) by {arg:actor} at {arg:now_ms}: its case code. The \
         library trusts the actor it is given: the host authenticates people. With an \
         `idempotency_key` the same registration resent returns the same case and changes \
         nothing ({code:conflict} if the key made another dispute); an `external` reference \
         registers once ({code:duplicate} names the case it is).",
    ),
    gen(
        "case_by_external",
        Read,
        &[
            ACTOR,
            arg("system", Ty::Text("the other system's name, e.g. `110`")),
            arg("id", Ty::Text("the case's id in that system")),
            NOW,
        ],
        Output::Text("a case code"),
        "The case registered here for a case of another system (a 110 call, a 12345 ticket, \
         a court's 委派 case), if {arg:actor} may see it; {code:not_found} when none is. The \
         other way, a case's reference is its input's `external`.",
    ),
    gen(
        "possible_duplicates",
        Read,
        &[ACTOR, CASE, NOW],
        J("string[]"),
        "Cases {arg:actor} may see that may be the same matter as {arg:case_code} captured \
         twice — two grid workers' phones at one household, a capture and the centre's own \
         registration: open, of the same category, at the same location or with a resident \
         party in common, registered within 30 natural days of it. Nothing is merged (one \
         matter, one case: the centre decides which stands); show them side by side.",
    ),
    records(
        gen(
            "transfer_out",
            Signs,
            &[
                ACTOR,
                CASE,
                arg("to", Ty::Json("Endpoint")),
                arg("reason", Ty::Text("`escalation`, `referral` or `result`")),
                opt("note", Ty::Text("remarks")),
                NOW,
            ],
            J("TransferDocument"),
            "移交: sends a case to another system — the deployment of a level above \
             (`escalation`), another body's platform such as the court's (`referral`), or \
             back where it came from (`result`) — and returns the document to deliver, its \
             case head signed with the front-end's signer when one is set. The case stays \
             here `transferred_out`, read-only. {code:lifecycle} for a closed or already sent \
             case, an unknown destination, or a result that does not go back where the case \
             came from.",
        ),
        Records::Journal,
    ),
    records(
        gen(
            "transfer_document",
            Signs,
            &[CASE, NOW],
            J("TransferDocument"),
            "The document of a case this engine transferred out, again (a resend after a lost \
             delivery: intake takes it in once), signed with the front-end's signer when one \
             is set. {code:lifecycle} when the case is not `transferred_out` here.",
        ),
        Records::Nothing,
    ),
    gen(
        "transfer_check",
        Free,
        &[arg("document", Ty::Source("TransferDocument")), KEYS],
        J("TransferCheck"),
        "What a transfer document says, and what can be checked of it without an engine: its \
         form and that its events end in the transfer it describes ({code:transfer}), its \
         chain ({code:trace}), and its head against {arg:keys} ({code:signature}) — a \
         receiver's first look before {op:intake}, or a court's check of a case sent to it.",
    ),
    records(
        gen(
            "intake",
            Write,
            &[
                ACTOR,
                arg("document", Ty::Source("TransferDocument")),
                KEYS,
                NOW,
            ],
            J("Intake"),
            "接收移交: takes in a case another system transferred, checking before anything \
             changes its form ({code:transfer}), its chain ({code:trace}), its head against \
             {arg:keys} ({code:signature}; absent keys: the host trusts its transport and no \
             signature is checked — the browser module has no SM2, so check the head with \
             {op:verify_case} first), the units ({code:not_found}) and that the case is not \
             here with another history ({code:duplicate}). The case continues its chain here; \
             a result continues the trace of a case this engine sent. The same document twice \
             returns `added: 0` and changes nothing.",
        ),
        Records::JournalAndAudit,
    ),
    gen(
        "decide",
        Read,
        &[ACTOR, CASE, NOW],
        J("Decision"),
        "What routing would decide for a case {arg:actor} may see, without applying it.",
    ),
    gen(
        "event_codes",
        Read,
        &[arg("input", Ty::Json("DisputeInput"))],
        J("EventCodes"),
        "The GB/T 31000-2015 codes an upper platform expects of a dispute: its 事件类型 (from \
         the category and, where it decides, the subtype) and the 层级 of the unit it is located \
         in, each saying whether the mapping is exact and, if not, which way it loses.",
    ),
    gen(
        "decide_input",
        Read,
        &[arg("input", Ty::Json("DisputeInput"))],
        J("Decision"),
        "What routing would decide for an unregistered dispute: previews and what-if.",
    ),
    gen(
        "route",
        Write,
        &[ACTOR, CASE, NOW],
        J("Decision"),
        "Routes a case (流转; a traced `route` event, and `report_up` if the rules escalate at \
         once): the decision with its explanation and the legal windows it starts.",
    ),
    gen(
        "apply",
        Write,
        &[ACTOR, CASE, arg("operation", Ty::Json("Operation")), NOW],
        J("Dispute"),
        "Applies a lifecycle operation (e.g. `{\"op\":\"accept\"}`): the case's new state. \
         Refused with {code:lifecycle} (details: refusal, operation, state) and nothing \
         changes when the state or the law does not allow it.",
    ),
    records(
        gen(
            "view_case",
            Read,
            &[ACTOR, CASE, NOW],
            J("CaseView"),
            "A case as {arg:actor} may see it (identifiers masked as configured), with its \
             standing and legal windows.",
        ),
        Records::AuditedRead,
    ),
    gen(
        "case_codes",
        Read,
        &[ACTOR, NOW],
        J("string[]"),
        "Codes of the cases {arg:actor} may see, in code order.",
    ),
    gen(
        "trace",
        Read,
        &[ACTOR, CASE, NOW],
        J("TraceEvent[]"),
        "A case's trace (留痕) as {arg:actor} may read it.",
    ),
    gen(
        "trace_jsonl",
        Read,
        &[ACTOR, CASE, NOW],
        Output::Lines("TraceEvent"),
        "A case's trace as JSON Lines (one event a line), as a host stores it.",
    ),
    gen(
        "verify",
        Trusted,
        &[CASE],
        N,
        "Verifies a case's trace (its SM3 chain) and that replaying it gives the live state; \
         {code:trace} if it does not. Reveals nothing but whether it holds.",
    ),
    gen(
        "deadlines",
        Read,
        &[NOW],
        J("DeadlineStatus[]"),
        "Every case's standing against its limits and the legal windows at {arg:now_ms}, most \
         urgent first. A read: changes nothing.",
    ),
    gen(
        "sweep",
        Write,
        &[NOW],
        J("Sweep"),
        "The deadline sweep at {arg:now_ms}: the standings, and overdue cases reported up as \
         their rules say (traced).",
    ),
    gen(
        "statistics",
        Read,
        &[ACTOR, arg("query", Ty::Json("StatsQuery")), NOW],
        J("StatsReport"),
        "Statistics over the cases {arg:actor} may see.",
    ),
    gen(
        "statistical_return",
        Signs,
        &[
            ACTOR,
            UNIT,
            arg(
                "from",
                Ty::Text("the first day of registration counted, `YYYY-MM-DD`"),
            ),
            arg("to", Ty::Text("the last day counted, `YYYY-MM-DD`")),
            NOW,
        ],
        J("StatisticalReturn"),
        "报表: {arg:unit_code}'s statistical return for the cases registered from {arg:from} \
         to {arg:to}, as {arg:actor} may count them: the counts, the counts by GB/T 31000 \
         事件类型 and the heads of the cases counted, signed with the front-end's signer when \
         one is set. A case sent to another system counts only as `transferred_out`. \
         {code:denied} outside the actor's area.",
    ),
    gen(
        "consolidate",
        Read,
        &[
            ACTOR,
            UNIT,
            arg(
                "from",
                Ty::Text("the first day of registration counted, `YYYY-MM-DD`"),
            ),
            arg("to", Ty::Text("the last day counted, `YYYY-MM-DD`")),
            arg("returns", Ty::ListOrLines("StatisticalReturn")),
            KEYS,
            NOW,
        ],
        J("Consolidation"),
        "汇总: adds up the returns of the units below {arg:unit_code} for the period, \
         refusing the whole set with {code:statistical_return} (the details name the problem \
         and the unit) for a return of another form or period, from a unit not below, a \
         second one of a unit that does not supersede the first, an inconsistent or unsigned \
         one, or a case counted in two returns; {code:signature} for a wrong signature.",
    ),
    gen(
        "assessment",
        Read,
        &[ACTOR, arg("query", Ty::Json("AssessmentQuery")), NOW],
        J("Assessment"),
        "The assessment (考核: supervision cards, cases gone red, extensions, suspensions and \
         a score per unit) over the cases {arg:actor} may see, judged at {arg:now_ms}.",
    ),
    gen(
        "file_report",
        Write,
        &[ACTOR, arg("report", Ty::Json("ZeroReport"))],
        N,
        "Files a daily zero report (有事报情况、无事报平安) by a household head or grid worker.",
    ),
    gen(
        "missing_reports",
        Read,
        &[ACTOR, UNIT, DATE, NOW],
        J("MissingReport[]"),
        "Who in {arg:unit_code}'s subtree (in {arg:actor}'s area) did not report on \
         {arg:date}, with streaks.",
    ),
    gen(
        "daily_analysis",
        Read,
        &[ACTOR, UNIT, NOW],
        J("Ranked[]"),
        "The daily analysis (日研判) of {arg:unit_code}'s subtree, most urgent first.",
    ),
    gen(
        "weekly_dispatch",
        Read,
        &[
            ACTOR,
            UNIT,
            arg("level", Ty::Text("a level word, e.g. `community`")),
            DATE,
            NOW,
        ],
        J("WeekRow[]"),
        "The weekly dispatch (周调度) of the ISO week containing {arg:date}: one row per unit \
         at {arg:level} inside {arg:unit_code}.",
    ),
    gen(
        "what_if",
        Read,
        &[
            arg("history", Ty::ListOrLines("HistoricalDispute")),
            arg("rules_a", Ty::Json("RuleSet")),
            arg("rules_b", Ty::Json("RuleSet")),
        ],
        J("Comparison"),
        "What-if: replays a history under rule sets A and B and compares them. A rule set with \
         errors fails with {code:rule_set} naming which one.",
    ),
    gen(
        "journal",
        Trusted,
        &[arg("after_seq", Ty::Count), arg("max_entries", Ty::Count)],
        Output::Lines("JournalEntry"),
        "The journal entries after {arg:after_seq}, at most {arg:max_entries} (empty text when \
         there are none). The host's loop: apply, read the journal after the last stored \
         position, store the entries in the same transaction as its own data.",
    ),
    gen(
        "journal_head",
        Read,
        &[],
        J("JournalHead"),
        "The journal's position (sequence number, digest, origin). Keep the digest apart from \
         the entries, or sign it: a journal rewritten as a whole ends in another digest.",
    ),
    gen(
        "case_head",
        Read,
        &[CASE],
        Output::Text("64 hex digits"),
        "A case's head, the SM3 hash of its last event.",
    ),
    gen(
        "snapshot",
        Trusted,
        &[],
        J("Snapshot"),
        "A snapshot of the whole engine at its journal position, to restore from with the \
         journal entries after it.",
    ),
    gen(
        "snapshot_parts",
        Trusted,
        &[],
        Output::Text("JSON Lines: the snapshot in parts"),
        "The same snapshot in independently parsable parts, as JSON Lines: a head naming \
         the form and the number of cases, the snapshot without its cases, then one line per \
         case (its code, its head and its events without what the chain derives: their \
         hashes are recomputed and must end in the head). A restore from a snapshot takes either form; this one is parsed \
         and verified on every core, so a large engine restores from it faster than from its \
         journal. A snapshot cut short is refused, never restored with fewer cases.",
    ),
    gen(
        "apply_expecting",
        Write,
        &[
            ACTOR,
            CASE,
            arg("operation", Ty::Json("Operation")),
            arg("expected_seq", Ty::Count),
            NOW,
        ],
        J("Dispute"),
        "{op:apply}, only if the case's last event has sequence number {arg:expected_seq} \
         (optimistic concurrency for hosts that run several engines over one store); \
         otherwise {code:conflict} and nothing changes: reload the case and retry.",
    ),
    records(
        gen(
            "release_journal",
            Write,
            &[arg("seq", Ty::Count)],
            N,
            "Lets the engine forget the journal entries up to and including {arg:seq} once \
             the host has stored them: an engine that runs for years keeps only what is not \
             yet stored. Reading entries before it afterwards fails with {code:journal}.",
        ),
        Records::Nothing,
    ),
    hand(
        gen(
            "sign_head",
            Read,
            &[
                arg("subject", Ty::Text("`journal`, `register` or a case code")),
                NOW,
            ],
            J("SignedHead"),
            "Signs the head of {arg:subject} with the registered signer at {arg:now_ms}. \
             {code:signature} without a signer or when it fails.",
        ),
        "signs with the signer the front-end holds (C callbacks, a JS function)",
    ),
    hand(
        gen(
            "verify_case",
            Free,
            &[
                arg("events", Ty::ListOrLines("TraceEvent")),
                arg("heads", Ty::Json("SignedHead[]")),
            ],
            J("SignatureReport"),
            "Verifies one case on its own — its trace and the signed heads of that case among \
             {arg:heads} — without the world document or the journal: what a court does with \
             the one case it receives. {code:signature} when no head of the case is given (a \
             trace alone proves only that it is unbroken) or the chain is rewritten, cut short \
             or wrongly signed.",
        ),
        "verifies with the host's verifier (a C callback, a JS object, a Java interface), or \
         the built-in SM2 one (`_sm2` in C and Java)",
    ),
    records(
        gen(
            "erase_personal",
            Write,
            &[
                ACTOR,
                arg("subject", Ty::Text("a resident's id or a case code")),
                NOW,
            ],
            N,
            "Erases a subject's personal data by destroying its key (个人信息保护法 art. 47). \
             Every chain still verifies.",
        ),
        Records::JournalAndAudit,
    ),
    gen(
        "audit_record",
        Trusted,
        &[],
        J("AuditEntry[]"),
        "The audit record, oldest first: denials, refused and failed calls, whole reads of \
         personal data, erasures. Keep it six months at least (等保 GB/T 22239-2019 \
         8.1.4.3).",
    ),
];

/// The calls that make an engine, by (C function, JS name): the C ABI hands out a handle,
/// JavaScript a new `Engine` object (constructor or static method). Written by hand in each
/// front-end: each also takes the platform's byte form of large documents.
pub const CONSTRUCTORS: &[(&str, &str)] = &[
    ("fq_engine_new", "new"),
    ("fq_engine_restore", "restore"),
    ("fq_engine_restore_snapshot", "restoreSnapshot"),
];

/// The operation of that name.
pub fn operation(name: &str) -> Option<&'static Op> {
    OPERATIONS.iter().find(|o| o.name == name)
}
