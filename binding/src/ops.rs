//! The operations every binding exposes, each once: decode the arguments, call the engine,
//! encode the answer as JSON text. A front-end adds only what its platform needs (handles
//! and C strings, or JS values) around these.
//!
//! Reads that return case or resident data take an actor and go through
//! [`fengqiao::engine::Reader`]. The few deliberately trusted calls say so in their names
//! or docs (`world_export`, `denials`, `verify`).

use fengqiao::cadence::ZeroReport;
use fengqiao::engine::{Engine, EngineError, WorldData};
use fengqiao::routing::{RuleSet, DEFAULT_RULES_JSON};
use fengqiao::stats::Query;
use fengqiao::trace::Event;
use fengqiao::whatif::HistoricalDispute;
use serde::Serialize;

use crate::args::{self, Res};
use crate::error::{BindingError, Code};

/// JSON text of a value (the core's serde shapes).
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> Res<String> {
    serde_json::to_string(v)
        .map_err(|e| BindingError::new(Code::Internal, format!("serialising a result: {e}")))
}

fn reader<'e>(e: &'e Engine, actor: &[u8], now_ms: i64) -> Res<fengqiao::engine::Reader<'e>> {
    let actor = args::actor("actor", actor)?;
    let now = args::time("now_ms", now_ms)?;
    Ok(e.reader(&actor, now)?)
}

// ---- free ----

/// The shipped default rule set (`RuleSet` JSON).
pub fn default_rules() -> Res<String> {
    let set = RuleSet::from_json(DEFAULT_RULES_JSON).map_err(EngineError::Rules)?;
    to_json(&set)
}

/// Verifies a trace (a JSON array of events or JSON Lines) and replays it: the rebuilt
/// case (`Dispute` JSON). A tampered trace fails with `trace` and the position in the
/// details.
pub fn trace_verify(events: &[u8]) -> Res<String> {
    let events: Vec<Event> = args::list("events", events)?;
    fengqiao::trace::verify(&events).map_err(EngineError::from)?;
    let d = fengqiao::trace::replay(&events).map_err(EngineError::from)?;
    to_json(&d)
}

/// An engine from a whole world (`WorldData` JSON); the first problem is returned.
pub fn engine_new(world: &[u8]) -> Res<Engine> {
    let data: WorldData = args::object("world", world)?;
    Ok(Engine::from_world(data)?)
}

// ---- the world ----

/// The world as `actor` may export it (residents of its area, identifiers as privacy
/// allows): see [`fengqiao::engine::Reader::world`].
pub fn world(e: &Engine, actor: &[u8], now_ms: i64) -> Res<String> {
    to_json(&reader(e, actor, now_ms)?.world())
}

/// Trusted: the whole world with every identifier, for the host's own persistence. Never
/// answer a user's request with it.
pub fn world_export(e: &Engine) -> Res<String> {
    to_json(&e.to_world())
}

/// A unit (`Unit` JSON).
pub fn unit(e: &Engine, code: &str) -> Res<String> {
    let c = args::unit("unit_code", code)?;
    to_json(e.hierarchy().unit(c).map_err(EngineError::from)?)
}

/// The root units (`Unit[]` JSON).
pub fn roots(e: &Engine) -> Res<String> {
    let h = e.hierarchy();
    let units: Vec<_> = h
        .roots()
        .into_iter()
        .filter_map(|c| h.unit(c).ok())
        .collect();
    to_json(&units)
}

/// A unit's children in code order (`Unit[]` JSON).
pub fn children(e: &Engine, code: &str) -> Res<String> {
    let h = e.hierarchy();
    let kids = h
        .children(args::unit("unit_code", code)?)
        .map_err(EngineError::from)?;
    let units: Vec<_> = kids.into_iter().filter_map(|c| h.unit(c).ok()).collect();
    to_json(&units)
}

/// The unit and the units above it, root first (`Unit[]` JSON).
pub fn unit_path(e: &Engine, code: &str) -> Res<String> {
    let h = e.hierarchy();
    let code = args::unit("unit_code", code)?;
    let mut path = h.ancestors(code).map_err(EngineError::from)?;
    path.reverse();
    path.push(code);
    let units: Vec<_> = path.into_iter().filter_map(|c| h.unit(c).ok()).collect();
    to_json(&units)
}

/// Staff serving a unit, based there or covering it (`Staff[]` JSON).
pub fn staff_at(e: &Engine, code: &str) -> Res<String> {
    let c = args::unit("unit_code", code)?;
    // A unit the world does not hold is not found, not a unit nobody serves.
    e.hierarchy().unit(c).map_err(EngineError::from)?;
    to_json(&e.staff_at(c))
}

/// The residents of a household as `actor` may see them (`PersonView[]` JSON).
pub fn residents(e: &Engine, actor: &[u8], household: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(&r.residents(args::unit("household", household)?)?)
}

/// Adds a unit (`Unit` JSON).
pub fn add_unit(e: &mut Engine, unit: &[u8]) -> Res<()> {
    Ok(e.add_unit(args::object("unit", unit)?)?)
}

/// Moves a unit and its subtree under `new_parent`, where it gets `new_code` (区划调整).
pub fn move_unit(e: &mut Engine, code: &str, new_parent: &str, new_code: &str) -> Res<()> {
    let code = args::unit("unit_code", code)?;
    let parent = args::unit("new_parent", new_parent)?;
    let new_code = args::unit("new_code", new_code)?;
    Ok(e.move_unit(code, parent, new_code)?)
}

/// Retires a unit (refused while it is in use).
pub fn retire_unit(e: &mut Engine, code: &str) -> Res<()> {
    Ok(e.retire_unit(args::unit("unit_code", code)?)?)
}

/// Adds a resident (`Person` JSON).
pub fn add_person(e: &mut Engine, person: &[u8]) -> Res<()> {
    Ok(e.add_person(args::object("person", person)?)?)
}

/// Replaces a resident's record (`Person` JSON, same `id`).
pub fn update_person(e: &mut Engine, person: &[u8]) -> Res<()> {
    Ok(e.update_person(args::object("person", person)?)?)
}

/// Adds a resident at `now_ms`: a birth date after it is refused (`born_in_future`).
pub fn add_person_at(e: &mut Engine, person: &[u8], now_ms: i64) -> Res<()> {
    let now = args::time("now_ms", now_ms)?;
    Ok(e.add_person_at(args::object("person", person)?, now)?)
}

/// Replaces a resident's record at `now_ms`: a birth date after it is refused.
pub fn update_person_at(e: &mut Engine, person: &[u8], now_ms: i64) -> Res<()> {
    let now = args::time("now_ms", now_ms)?;
    Ok(e.update_person_at(args::object("person", person)?, now)?)
}

/// Replaces a staff member's record (`Staff` JSON, same `id`; the load is kept).
pub fn update_staff(e: &mut Engine, staff: &[u8]) -> Res<()> {
    Ok(e.update_staff(args::object("staff", staff)?)?)
}

/// Adds a staff member (`Staff` JSON).
pub fn add_staff(e: &mut Engine, staff: &[u8]) -> Res<()> {
    Ok(e.add_staff(args::object("staff", staff)?)?)
}

/// Adds an agency (`Agency` JSON).
pub fn add_agency(e: &mut Engine, agency: &[u8]) -> Res<()> {
    Ok(e.add_agency(args::object("agency", agency)?)?)
}

/// Marks a staff member available or not (leave, illness).
pub fn set_available(e: &mut Engine, staff_id: &str, available: bool) -> Res<()> {
    Ok(e.set_available(staff_id, available)?)
}

/// Replaces who sees identifiers whole (`Privacy` JSON).
pub fn set_privacy(e: &mut Engine, privacy: &[u8]) -> Res<()> {
    e.set_privacy(args::object("privacy", privacy)?);
    Ok(())
}

/// Sets (or, with no days, removes) a unit's local calendar (`LocalCalendar` JSON).
pub fn set_local_calendar(e: &mut Engine, calendar: &[u8]) -> Res<()> {
    Ok(e.set_local_calendar(args::object("calendar", calendar)?)?)
}

/// Trusted: every refused request (`Denial[]` JSON), for the host's audit.
pub fn denials(e: &Engine) -> Res<String> {
    to_json(&e.denials())
}

// ---- rules ----

/// The rule set in force (`RuleSet` JSON).
pub fn rules(e: &Engine) -> Res<String> {
    to_json(e.router().rule_set())
}

/// Every diagnostic of a rule set against this world, without loading it
/// (`Diagnostic[]` JSON). A rule set that cannot be read fails with `rule_set`.
pub fn validate_rules(e: &Engine, rules: &[u8]) -> Res<String> {
    let set = args::rules("rules", rules)?;
    to_json(&e.validate_rules(&set).items)
}

/// Every diagnostic of a rule set given as text (as an editor holds it), against this
/// world, each with the line and column of the value it names (`Located[]` JSON). Text
/// that is not a rule set gives its reading's diagnostic, located, not an error.
pub fn validate_rules_text(e: &Engine, rules: &[u8]) -> Res<String> {
    let text = args::utf8("rules", rules)?;
    to_json(&e.validate_rules_text(text))
}

/// Validates and loads a rule set on behalf of `actor` at `now_ms` (the journal records
/// who loaded which version, and when); the warnings (`Diagnostic[]` JSON).
pub fn load_rules(e: &mut Engine, actor: &[u8], rules: &[u8], now_ms: i64) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let set = args::rules("rules", rules)?;
    let now = args::time("now_ms", now_ms)?;
    to_json(&e.load_rules_as(&actor, set, Some(now))?)
}

// ---- cases ----

/// Registers a dispute (`DisputeInput` JSON): the new case code (bare text, not JSON).
pub fn register(e: &mut Engine, actor: &[u8], input: &[u8], now_ms: i64) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let input = args::object("input", input)?;
    let now = args::time("now_ms", now_ms)?;
    Ok(e.register(&actor, input, now)?.into())
}

/// What routing would decide for a case now (`Decision` JSON), without applying it.
pub fn decide(e: &Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(&r.decide(&args::case("case_code", case)?)?)
}

/// What routing would decide for an unregistered dispute (`Decision` JSON).
pub fn decide_input(e: &Engine, input: &[u8]) -> Res<String> {
    let input = args::object("input", input)?;
    to_json(&e.decide_input(&input)?)
}

/// Routes a case (a traced `route`, and `report_up` when the rules escalate at once):
/// the decision with its explanation (`Decision` JSON).
pub fn route(e: &mut Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let case = args::case("case_code", case)?;
    let now = args::time("now_ms", now_ms)?;
    to_json(&e.route(&actor, &case, now)?)
}

/// Applies a lifecycle operation (`Operation` JSON): the case's new state (`Dispute`
/// JSON). Refused, nothing changes.
pub fn apply(e: &mut Engine, actor: &[u8], case: &str, op: &[u8], now_ms: i64) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let case = args::case("case_code", case)?;
    let op = args::object("operation", op)?;
    let now = args::time("now_ms", now_ms)?;
    to_json(e.apply(&actor, &case, op, now)?)
}

/// A case as `actor` may see it (`CaseView` JSON).
pub fn view_case(e: &Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(&r.case(&args::case("case_code", case)?)?)
}

/// Codes of the cases `actor` may see (`string[]` JSON).
pub fn case_codes(e: &Engine, actor: &[u8], now_ms: i64) -> Res<String> {
    to_json(&reader(e, actor, now_ms)?.case_codes())
}

/// A case's trace as `actor` may read it (`TraceEvent[]` JSON).
pub fn trace(e: &Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(r.trace(&args::case("case_code", case)?)?)
}

/// A case's trace as JSON Lines (one event a line), as a host stores it.
pub fn trace_jsonl(e: &Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    Ok(fengqiao::trace::to_jsonl(
        r.trace(&args::case("case_code", case)?)?,
    ))
}

/// The case registered for `system`'s `id` (bare text: its case code), if `actor` may see
/// it.
pub fn case_by_external(
    e: &Engine,
    actor: &[u8],
    system: &str,
    id: &str,
    now_ms: i64,
) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    let external = fengqiao::dispute::ExternalRef {
        system: system.to_string(),
        id: id.to_string(),
    };
    Ok(r.case_by_external(&external)?.to_string())
}

/// Cases `actor` may see that may be the same matter as `case` captured twice (a JSON array
/// of case codes, in code order).
pub fn possible_duplicates(e: &Engine, actor: &[u8], case: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(&r.possible_duplicates(&args::case("case_code", case)?)?)
}

/// The GB/T 31000-2015 codes of a dispute (`DisputeInput` JSON in, `EventCodes` JSON out):
/// its 事件类型 and the 层级 of the unit it is located in.
pub fn event_codes(e: &Engine, input: &[u8]) -> Res<String> {
    let input: fengqiao::dispute::DisputeInput = args::object("input", input)?;
    let unit = e
        .hierarchy()
        .unit(input.location)
        .map_err(EngineError::from)?;
    to_json(&fengqiao::gbt31000::event_codes(
        input.category,
        input.subtype.as_deref(),
        unit.level(),
    ))
}

/// Trusted: verifies a case's trace and that replaying it gives the live state (reveals
/// nothing but whether it holds).
pub fn verify(e: &Engine, case: &str) -> Res<()> {
    Ok(e.verify(&args::case("case_code", case)?)?)
}

/// Every case's standing against its limits and the legal windows (`DeadlineStatus[]`
/// JSON). A read.
pub fn deadlines(e: &Engine, now_ms: i64) -> Res<String> {
    to_json(&e.deadlines(args::time("now_ms", now_ms)?)?)
}

/// The deadline sweep: standings, and cases reported up as their rules say (`Sweep` JSON).
pub fn sweep(e: &mut Engine, now_ms: i64) -> Res<String> {
    to_json(&e.sweep(args::time("now_ms", now_ms)?)?)
}

// ---- statistics and cadence ----

/// Statistics over the cases `actor` may see (`Query` JSON in, `Report` JSON out).
pub fn statistics(e: &Engine, actor: &[u8], query: &[u8], now_ms: i64) -> Res<String> {
    let q: Query = args::object("query", query)?;
    to_json(&reader(e, actor, now_ms)?.statistics(&q)?)
}

/// The assessment (考核) over the cases `actor` may see (`AssessmentQuery` JSON in,
/// `Assessment` JSON out).
pub fn assessment(e: &Engine, actor: &[u8], query: &[u8], now_ms: i64) -> Res<String> {
    let q: fengqiao::assessment::AssessmentQuery = args::object("query", query)?;
    to_json(&reader(e, actor, now_ms)?.assessment(&q)?)
}

/// Files a daily zero report (`ZeroReport` JSON) by a household head or grid worker.
pub fn file_report(e: &mut Engine, actor: &[u8], report: &[u8]) -> Res<()> {
    let actor = args::actor("actor", actor)?;
    let r: ZeroReport = args::object("report", report)?;
    Ok(e.file_report(&actor, r)?)
}

/// Who in `unit`'s subtree did not report on `date` (absent: the day of `now_ms`, China
/// time) (`MissingReport[]` JSON).
pub fn missing_reports(
    e: &Engine,
    actor: &[u8],
    unit: &str,
    date: Option<&str>,
    now_ms: i64,
) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    let unit = args::unit("unit_code", unit)?;
    let day = args::date_or_day_of("date", date, now_ms)?;
    to_json(&r.missing_reports(unit, day)?)
}

/// The daily analysis (日研判) of `unit`'s subtree (`Ranked[]` JSON).
pub fn daily_analysis(e: &Engine, actor: &[u8], unit: &str, now_ms: i64) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    to_json(&r.daily_analysis(args::unit("unit_code", unit)?)?)
}

/// The weekly dispatch (周调度) of the ISO week containing `date` (absent: the day of
/// `now_ms`, China time), one row per unit at `level` (`WeekRow[]` JSON).
pub fn weekly_dispatch(
    e: &Engine,
    actor: &[u8],
    unit: &str,
    level: &str,
    date: Option<&str>,
    now_ms: i64,
) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    let unit = args::unit("unit_code", unit)?;
    let level = args::level("level", level)?;
    let day = args::date_or_day_of("date", date, now_ms)?;
    to_json(&r.weekly_dispatch(unit, level, day)?)
}

/// What-if: a history (JSON array or JSON Lines of `HistoricalDispute`) under rule sets A
/// and B, compared (`Comparison` JSON).
pub fn what_if(e: &Engine, history: &[u8], rules_a: &[u8], rules_b: &[u8]) -> Res<String> {
    let history: Vec<HistoricalDispute> = args::list("history", history)?;
    let a = args::rules("rules_a", rules_a)?;
    let b = args::rules("rules_b", rules_b)?;
    // Each rule set is validated against this world on its own, so the error names which
    // one is wrong and carries its diagnostics.
    for (name, set) in [("rules_a", &a), ("rules_b", &b)] {
        let diags = e.validate_rules(set);
        if diags.has_errors() {
            let errors: Vec<_> = diags.errors().collect();
            return Err(BindingError::new(
                Code::RuleSet,
                format!(
                    "argument `{name}`: the rule set {} has {} error(s); the first: {}",
                    set.label(),
                    errors.len(),
                    errors[0]
                ),
            )
            .with_details(
                fengqiao::engine::Details::new()
                    .text("argument", name)
                    .value("diagnostics", fengqiao::engine::to_json_value(&errors))
                    .build(),
            ));
        }
    }
    to_json(&e.what_if(&history, a, b)?)
}

// ---- durable state

/// An engine rebuilt from the world document it was built from and its journal (JSON
/// Lines of `JournalEntry`): see `Engine::restore`. Refused whole, with the entry named in
/// the details, when any entry is changed, missing, duplicated, reordered or foreign.
pub fn restore(world: &[u8], journal: &[u8]) -> Res<Engine> {
    let data: WorldData = args::object("world", world)?;
    let text = args::journal_text("journal", journal)?;
    // Parsed and checked on a second thread where there is one (see Engine::restore_read).
    let lines = fengqiao::journal::jsonl_lines(text);
    Ok(Engine::restore_read(
        data,
        lines,
        fengqiao::journal::read_line,
    )?)
}

/// An engine rebuilt from a snapshot and the journal entries after it (JSON Lines; may be
/// empty). The snapshot is either form: one `Snapshot` JSON document, or the snapshot in
/// parts ([`snapshot_parts`]), whose cases are parsed and verified on every core.
pub fn restore_snapshot(snapshot: &[u8], tail: &[u8]) -> Res<Engine> {
    let text = args::journal_text("tail", tail)?;
    let lines = fengqiao::journal::jsonl_lines(text);
    if let Ok(parts) = std::str::from_utf8(snapshot) {
        if fengqiao::journal::is_parts(parts) {
            return Ok(Engine::restore_snapshot_parts_read(
                parts,
                lines,
                fengqiao::journal::read_line,
            )?);
        }
    }
    let snap: fengqiao::journal::Snapshot = args::object("snapshot", snapshot)?;
    Ok(Engine::restore_snapshot_read(
        snap,
        lines,
        fengqiao::journal::read_line,
    )?)
}

/// The journal entries after `after_seq`, at most `max_entries`, as JSON Lines (empty text
/// when there are none): store them in the same transaction as your own data.
pub fn journal(e: &Engine, after_seq: u64, max_entries: u64) -> Res<String> {
    let max = usize::try_from(max_entries).unwrap_or(usize::MAX);
    Ok(fengqiao::journal::to_jsonl(&e.journal(after_seq, max)?))
}

/// The journal's position: `{"seq": N, "digest": "…", "origin": "…"}` (JSON). Keep the
/// digest apart from the entries, or sign it.
pub fn journal_head(e: &Engine) -> Res<String> {
    to_json(
        &fengqiao::engine::Details::new()
            .number("seq", e.journal_seq())
            .text("digest", e.journal_digest())
            .text("origin", e.journal_origin())
            .build(),
    )
}

/// A case's head, the hash of its last event (64 hex digits, bare text).
pub fn case_head(e: &Engine, case: &str) -> Res<String> {
    Ok(e.head(&args::case("case_code", case)?)?.to_string())
}

/// A snapshot of the whole engine at its journal position (`Snapshot` JSON).
pub fn snapshot(e: &Engine) -> Res<String> {
    to_json(&e.snapshot())
}

/// The snapshot in independently parsable parts (JSON Lines), restored on every core.
pub fn snapshot_parts(e: &Engine) -> Res<String> {
    Ok(e.snapshot().into_parts())
}

/// [`apply`], only if the case's last event has sequence number `expected_seq`
/// (optimistic concurrency); otherwise `conflict`, and nothing changes.
pub fn apply_expecting(
    e: &mut Engine,
    actor: &[u8],
    case: &str,
    op: &[u8],
    expected_seq: u64,
    now_ms: i64,
) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let case = args::case("case_code", case)?;
    let op = args::object("operation", op)?;
    let now = args::time("now_ms", now_ms)?;
    to_json(e.apply_expecting(&actor, &case, op, now, expected_seq)?)
}

/// Lets the engine forget the journal entries up to and including `seq`, once stored.
pub fn release_journal(e: &mut Engine, seq: u64) -> Res<()> {
    e.release_journal(seq);
    Ok(())
}

// ---- 国密: signed heads, personal data, the audit record ----

/// Signs the head of `subject` — `"journal"`, `"register"` (every case's head at once) or
/// a case code — with `signer` at `now_ms`
/// (`SignedHead` JSON). Each front-end supplies its own signer (C callbacks, a JS
/// function) over the host's module.
pub fn sign_head(
    e: &Engine,
    signer: &dyn fengqiao::signing::Signer,
    subject: &str,
    now_ms: i64,
) -> Res<String> {
    let now = args::time("now_ms", now_ms)?;
    let head = if subject == "journal" {
        e.sign_journal_head(signer, now)?
    } else if subject == "register" {
        e.sign_case_register(signer, now)?.1
    } else {
        e.sign_case_head(&args::case("subject", subject)?, signer, now)?
    };
    to_json(&head)
}

/// Verifies a journal (JSON Lines, from its first entry) from its world document against
/// signed heads (`SignedHead[]` JSON), every kind at once (`signing::verify_heads`): the
/// journal's report (`SignatureReport` JSON). A rewritten, truncated or wrongly signed chain fails with `seal`, naming the
/// subject and position.
pub fn verify_heads(
    world: &[u8],
    journal: &[u8],
    heads: &[u8],
    verifier: &dyn fengqiao::signing::Verifier,
) -> Res<String> {
    use fengqiao::signing;
    let data: WorldData = args::object("world", world)?;
    let text = args::journal_text("journal", journal)?;
    let heads: Vec<signing::SignedHead> = args::list("heads", heads)?;
    let entries = fengqiao::journal::jsonl_lines(text)
        .map(fengqiao::journal::read_line)
        .collect::<Result<Vec<_>, _>>()
        .map_err(EngineError::from)?;
    let origin = fengqiao::journal::origin(&data);
    let report =
        signing::verify_heads(origin, &entries, &heads, verifier).map_err(EngineError::from)?;
    to_json(&report)
}

/// Verifies one case on its own — its trace (a JSON array or JSON Lines of events) and the
/// signed heads of that case among `heads` — with `verifier`, without the world document
/// or the journal: what a court does with the one case it receives. The report
/// (`SignatureReport` JSON). A trace without a signed head of its case proves only that it
/// is unbroken, not who wrote it: refused with `signature`.
pub fn verify_case(
    events: &[u8],
    heads: &[u8],
    verifier: &dyn fengqiao::signing::Verifier,
) -> Res<String> {
    use fengqiao::signing::{self, SignatureError, Subject};
    let events: Vec<Event> = args::list("events", events)?;
    let heads: Vec<signing::SignedHead> = args::list("heads", heads)?;
    let Some(first) = events.first() else {
        return Err(BindingError::argument(
            "events",
            "is empty: a case's trace has its registration at least",
        ));
    };
    let case = first.case.clone();
    if !heads
        .iter()
        .any(|h| matches!(&h.subject, Subject::Case(c) if *c == case))
    {
        return Err(EngineError::Signature(SignatureError::Malformed {
            what: "heads".into(),
            message: format!(
                "no signed head of case {case} among the heads: a trace alone proves only that it is unbroken, not who kept it"
            ),
        })
        .into());
    }
    let report = signing::verify_trace(&events, &heads, verifier).map_err(EngineError::from)?;
    to_json(&report)
}

/// The built-in SM2 verifier over `keys`, a JSON object of public keys by key id
/// (`{"centre-2025": "04…"}`, SEC1 hex).
#[cfg(feature = "guomi")]
pub fn sm2_verifier(keys: &[u8]) -> Res<fengqiao::signing::Sm2Verifier> {
    let keys: std::collections::BTreeMap<String, String> = args::object("keys", keys)?;
    let mut v = fengqiao::signing::Sm2Verifier::default();
    for (id, key) in &keys {
        v.add_key(id, key).map_err(EngineError::Signature)?;
    }
    Ok(v)
}

/// Destroys the key of `subject` (a resident's id or a case code): see
/// `Engine::erase_personal`.
pub fn erase_personal(e: &mut Engine, actor: &[u8], subject: &str, now_ms: i64) -> Res<()> {
    let actor = args::actor("actor", actor)?;
    let now = args::time("now_ms", now_ms)?;
    Ok(e.erase_personal(&actor, subject, now)?)
}

/// Trusted: the audit record, oldest first (`AuditEntry[]` JSON), for the host to keep.
pub fn audit_record(e: &Engine) -> Res<String> {
    to_json(&e.audit_record())
}

/// 移交: sends a case to another system (`TransferDocument` JSON), signed by the front-end's
/// signer when it holds one.
#[allow(clippy::too_many_arguments)]
pub fn transfer_out(
    e: &mut Engine,
    signer: Option<&dyn fengqiao::signing::Signer>,
    actor: &[u8],
    case: &str,
    to: &[u8],
    reason: &str,
    note: Option<&str>,
    now_ms: i64,
) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let case = args::case("case_code", case)?;
    let to: fengqiao::transfer::Endpoint = args::object("to", to)?;
    let reason: fengqiao::transfer::TransferReason = reason.parse().map_err(|_| {
        let allowed: Vec<&str> = fengqiao::transfer::TransferReason::ALL
            .iter()
            .map(|r| r.as_str())
            .collect();
        BindingError::argument(
            "reason",
            format!(
                "`{}` is not a transfer reason; allowed: {}",
                args::shown(reason),
                allowed.join(", ")
            ),
        )
    })?;
    let now = args::time("now_ms", now_ms)?;
    let doc = e.transfer_out(
        &actor,
        &case,
        to,
        reason,
        note.unwrap_or_default().to_string(),
        now,
        signer,
    )?;
    to_json(&doc)
}

/// The transfer document of a case this engine sent, again (a resend), signed by the
/// front-end's signer when it holds one.
pub fn transfer_document(
    e: &mut Engine,
    signer: Option<&dyn fengqiao::signing::Signer>,
    case: &str,
    now_ms: i64,
) -> Res<String> {
    let case = args::case("case_code", case)?;
    let now = args::time("now_ms", now_ms)?;
    to_json(&e.transfer_document(&case, now, signer)?)
}

/// What a transfer document says and what was checked of it without an engine
/// (`TransferCheck` JSON): the form, the chain, and the head against the SM2 public keys
/// `keys` when given.
pub fn transfer_check(document: &[u8], keys: Option<&str>) -> Res<String> {
    let doc: fengqiao::transfer::TransferDocument = args::object("document", document)?;
    let checked = match keys {
        None => doc.check(None)?,
        Some(keys) => {
            let v = verifier_of(keys)?;
            doc.check(Some(&v))?
        }
    };
    to_json(&checked)
}

/// The built-in SM2 verifier over `keys`, where the build has one.
#[cfg(feature = "guomi")]
fn verifier_of(keys: &str) -> Res<fengqiao::signing::Sm2Verifier> {
    sm2_verifier(keys.as_bytes())
}

/// No SM2 in this build (the browser module): keys cannot be checked here.
#[cfg(not(feature = "guomi"))]
fn verifier_of(_keys: &str) -> Res<NoSm2> {
    Err(EngineError::Signature(fengqiao::signing::SignatureError::Malformed {
        what: "keys".into(),
        message: "this build has no SM2 verifier (the browser module): check the document's head with verify_case and the host's verifier, then pass no keys".into(),
    })
    .into())
}

/// Stands for the verifier a build without SM2 cannot make (never constructed).
#[cfg(not(feature = "guomi"))]
enum NoSm2 {}

#[cfg(not(feature = "guomi"))]
impl fengqiao::signing::Verifier for NoSm2 {
    fn verify(
        &self,
        _: &str,
        _: &str,
        _: &[u8],
        _: &[u8],
    ) -> Result<(), fengqiao::signing::SignatureError> {
        match *self {}
    }
}

/// 接收移交: takes in a transfer document (its text as received), verifying its head with the
/// SM2 public keys `keys` (a JSON object by key id) when given (`Intake` JSON).
pub fn intake(
    e: &mut Engine,
    actor: &[u8],
    document: &[u8],
    keys: Option<&str>,
    now_ms: i64,
) -> Res<String> {
    let actor = args::actor("actor", actor)?;
    let doc: fengqiao::transfer::TransferDocument = args::object("document", document)?;
    let now = args::time("now_ms", now_ms)?;
    let taken = match keys {
        None => e.intake(&actor, doc, None, now)?,
        Some(keys) => {
            let v = verifier_of(keys)?;
            e.intake(&actor, doc, Some(&v), now)?
        }
    };
    to_json(&taken)
}

/// A return's unit and period (`unit_code`, `from`, `to`), as the return and the
/// consolidation take them.
fn unit_period(
    unit: &str,
    from: &str,
    to: &str,
) -> Res<(
    fengqiao::hierarchy::DivisionCode,
    chrono::NaiveDate,
    chrono::NaiveDate,
)> {
    Ok((
        args::unit("unit_code", unit)?,
        args::date("from", from)?,
        args::date("to", to)?,
    ))
}

/// 报表: a unit's statistical return for a period (`StatisticalReturn` JSON), signed by the
/// front-end's signer when it holds one.
pub fn statistical_return(
    e: &mut Engine,
    signer: Option<&dyn fengqiao::signing::Signer>,
    actor: &[u8],
    unit: &str,
    from: &str,
    to: &str,
    now_ms: i64,
) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    let (unit, from, to) = unit_period(unit, from, to)?;
    to_json(&r.statistical_return(unit, from, to, signer)?)
}

/// 汇总: the returns of the units below a unit added up (`Consolidation` JSON), their heads
/// checked against the SM2 public keys `keys` when given.
#[allow(clippy::too_many_arguments)]
pub fn consolidate(
    e: &Engine,
    actor: &[u8],
    unit: &str,
    from: &str,
    to: &str,
    returns: &[u8],
    keys: Option<&str>,
    now_ms: i64,
) -> Res<String> {
    let r = reader(e, actor, now_ms)?;
    let (unit, from, to) = unit_period(unit, from, to)?;
    let returns: Vec<fengqiao::returns::StatisticalReturn> = args::list("returns", returns)?;
    let done = match keys {
        None => r.consolidate(unit, from, to, &returns, None)?,
        Some(keys) => {
            let v = verifier_of(keys)?;
            r.consolidate(unit, from, to, &returns, Some(&v))?
        }
    };
    to_json(&done)
}
