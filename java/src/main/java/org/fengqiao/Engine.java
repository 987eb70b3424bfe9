package org.fengqiao;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fengqiao.model.Assessment;
import org.fengqiao.model.AssessmentQuery;
import org.fengqiao.model.CaseView;
import org.fengqiao.model.DeadlineStatus;
import org.fengqiao.model.Decision;
import org.fengqiao.model.Dispute;
import org.fengqiao.model.DisputeInput;
import org.fengqiao.model.JournalEntry;
import org.fengqiao.model.LocalCalendar;
import org.fengqiao.model.Operation;
import org.fengqiao.model.Person;
import org.fengqiao.model.Staff;
import org.fengqiao.model.StatsQuery;
import org.fengqiao.model.StatsReport;
import org.fengqiao.model.Sweep;
import org.fengqiao.model.WorldData;

/**
 * An engine: a world (hierarchy, residents, staff, agencies, rules, calendar) and its cases,
 * over the C ABI. Every C function is reachable: the {@code …Json} methods take and return
 * the library's JSON as strings (for hosts with their own classes); the others take and
 * return the classes of {@link org.fengqiao.model}.
 *
 * <p><b>Threads.</b> One engine may be shared by every thread of a host: reads run in
 * parallel, changes one at a time (the C ABI's lock). {@link #close()} waits for calls in
 * flight and is harmless twice; a call after it throws {@link IllegalStateException}, never
 * touches freed memory.
 *
 * <p><b>Memory.</b> The native engine is freed by {@link #close()} (use try-with-resources).
 * An engine dropped without it is freed when the garbage collector finds it unreachable (a
 * phantom-reference reaper, Java 8's equivalent of {@code java.lang.ref.Cleaner}, not a
 * finalizer) — a safety net, not a way of working.
 *
 * <p><b>Refusals</b> are {@link FengqiaoException}s naming the argument, the value and what
 * is allowed; nothing changes in the engine when one is thrown.
 *
 * <pre>{@code
 * try (Engine engine = Engine.create(worldJson)) {
 *     String code = engine.register(Actor.staff("gw-522301001001001"), input, Instant.now());
 *     Decision d = engine.route(Actor.system(), code, Instant.now());
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private final Handle handle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private Engine(Pointer p) {
        this.handle = new Handle(p);
        Reaper.watch(this, handle);
    }

    // ----- the library ---------------------------------------------------------------------

    /** The native library's version ({@code 0.1.0}). */
    public static String version() {
        return FqLibrary.fq_version();
    }

    /** The native library's version as {@code major * 10000 + minor * 100 + patch}. */
    public static int versionNumber() {
        return FqLibrary.fq_version_number();
    }

    /** The stable word of a C status ({@code lifecycle}, {@code not_found} …). */
    public static String statusName(int status) {
        return FqLibrary.fq_status_name(status);
    }

    /** Where the native library was loaded from (a path and how it was found). */
    public static String nativeSource() {
        return NativeLoader.source;
    }

    /** The process-wide largest string argument, in bytes (0: the default, 512 MiB). */
    public static void setProcessMaxInputBytes(long bytes) {
        FqLibrary.fq_set_max_input_bytes(bytes);
    }

    /** The shipped default rule set ({@code RuleSet} JSON). */
    public static String defaultRulesJson() {
        return out(null, (h, o, e) -> FqLibrary.fq_default_rules(o, e));
    }

    /** Verifies a trace ({@code Event[]} JSON) on its own; returns the verification JSON. */
    public static String traceVerifyJson(String events) {
        return out(null, (h, o, e) -> FqLibrary.fq_trace_verify(c(events), o, e));
    }

    // ----- constructors --------------------------------------------------------------------

    /** An engine from a world document ({@code WorldData} JSON). */
    public static Engine create(String worldJson) {
        return construct((o, e) -> FqLibrary.fq_engine_new(c(worldJson), o, e));
    }

    /** An engine from a world. */
    public static Engine create(WorldData world) {
        return create(Json.write(world));
    }

    /** An engine from a world document as UTF-8 bytes (a file read whole; no copy into a String). */
    public static Engine create(byte[] worldUtf8) {
        return construct((o, e) -> FqLibrary.fq_engine_new_n(worldUtf8, worldUtf8.length, o, e));
    }

    /**
     * Rebuilds an engine from the world document it was built from and its stored journal
     * (JSON Lines): every chain verified; a changed, missing or foreign entry throws
     * {@link FengqiaoException.JournalException} naming it.
     */
    public static Engine restore(String worldJson, String journalJsonl) {
        return construct((o, e) -> FqLibrary.fq_engine_restore(c(worldJson), c(journalJsonl), o, e));
    }

    /**
     * {@link #restore(String, String)} from the world as {@link #create(WorldData)} takes it:
     * the same world the engine was first built from (its digest is the journal's origin).
     */
    public static Engine restore(WorldData world, String journalJsonl) {
        return restore(Json.write(world), journalJsonl);
    }

    /** {@link #restore(String, String)} from UTF-8 bytes (large journals). */
    public static Engine restore(byte[] worldUtf8, byte[] journalUtf8) {
        return construct((o, e) -> FqLibrary.fq_engine_restore_n(worldUtf8, worldUtf8.length, journalUtf8, journalUtf8.length, o, e));
    }

    /** Rebuilds an engine from a snapshot and the journal entries after it (JSON Lines). */
    public static Engine restoreSnapshot(String snapshotJson, String tailJsonl) {
        return construct((o, e) -> FqLibrary.fq_engine_restore_snapshot(c(snapshotJson), c(tailJsonl), o, e));
    }

    /** {@link #restoreSnapshot(String, String)} from UTF-8 bytes. */
    public static Engine restoreSnapshot(byte[] snapshotUtf8, byte[] tailUtf8) {
        return construct((o, e) -> FqLibrary.fq_engine_restore_snapshot_n(snapshotUtf8, snapshotUtf8.length, tailUtf8, tailUtf8.length, o, e));
    }

    // ----- the world -----------------------------------------------------------------------

    /** This engine's own input limit in bytes, over the process-wide one (0: back to it). */
    public void setMaxInputBytes(long bytes) {
        run((h, e) -> FqLibrary.fq_engine_set_max_input_bytes(h, bytes, e));
    }

    /**
     * The world as {@code actor} may see it at {@code now} ({@code WorldData} JSON).
     * <p><b>Writes the journal.</b> A whole read of personal data (an actor who sees
     * identifiers whole) adds an audit entry ({@code read_whole}; 等保 GB/T 22239-2019
     * 8.1.4.3), and a refused read a denial: both move the journal's head, so store the
     * journal after this read as after a write.
     */
    public String worldJson(Actor actor, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_world(h, c(actor.toJson()), ms(now), o, e));
    }

    /** The whole world, trusted (a document to build another engine from). */
    public WorldData worldExport() {
        return Json.read(worldExportJson(), WorldData.class);
    }

    /** {@link #worldExport()} as JSON. */
    public String worldExportJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_world_export(h, o, e));
    }

    /** A unit ({@code Unit} JSON). */
    public String unitJson(String unitCode) {
        return call((h, o, e) -> FqLibrary.fq_engine_unit(h, c(unitCode), o, e));
    }

    /** The hierarchy's roots ({@code Unit[]} JSON). */
    public String rootsJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_roots(h, o, e));
    }

    /** A unit's children ({@code Unit[]} JSON). */
    public String childrenJson(String unitCode) {
        return call((h, o, e) -> FqLibrary.fq_engine_children(h, c(unitCode), o, e));
    }

    /** Staff of a unit ({@code Staff[]} JSON). */
    public String staffAtJson(String unitCode) {
        return call((h, o, e) -> FqLibrary.fq_engine_staff_at(h, c(unitCode), o, e));
    }

    /**
     * A household's residents as {@code actor} may see them ({@code PersonView[]} JSON).
     * <p><b>Writes the journal.</b> A whole read of personal data (an actor who sees
     * identifiers whole) adds an audit entry ({@code read_whole}; 等保 GB/T 22239-2019
     * 8.1.4.3), and a refused read a denial: both move the journal's head, so store the
     * journal after this read as after a write.
     */
    public String residentsJson(Actor actor, String household, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_residents(h, c(actor.toJson()), c(household), ms(now), o, e));
    }

    /** Adds a unit ({@code Unit} JSON). */
    public void addUnitJson(String unit) {
        run((h, e) -> FqLibrary.fq_engine_add_unit(h, c(unit), e));
    }

    /** Moves a unit and its subtree under a new parent, with its new code (区划调整). */
    public void moveUnit(String unitCode, String newParent, String newCode) {
        run((h, e) -> FqLibrary.fq_engine_move_unit(h, c(unitCode), c(newParent), c(newCode), e));
    }

    /** Retires a unit. */
    public void retireUnit(String unitCode) {
        run((h, e) -> FqLibrary.fq_engine_retire_unit(h, c(unitCode), e));
    }

    /** Adds a resident. */
    public void addPerson(Person person) {
        addPersonJson(Json.write(person));
    }

    /** Adds a resident ({@code Person} JSON). */
    public void addPersonJson(String person) {
        run((h, e) -> FqLibrary.fq_engine_add_person(h, c(person), e));
    }

    /** Replaces a resident's record ({@code Person} JSON). */
    public void updatePersonJson(String person) {
        run((h, e) -> FqLibrary.fq_engine_update_person(h, c(person), e));
    }

    /**
     * Adds a resident at {@code now}: an identity number whose birth date (GB 11643, digits
     * 7–14) is after that day is refused with {@link ErrorCode#INVALID_INPUT} (problem
     * {@code born_in_future}) and nothing changes. Prefer it to {@link #addPerson(Person)}
     * whenever the host knows the time (the engine reads no clock).
     */
    public void addPerson(Person person, Instant now) {
        String json = Json.write(person);
        run((h, e) -> FqLibrary.fq_engine_add_person_at(h, c(json), ms(now), e));
    }

    /** Replaces a resident's record at {@code now}: a birth date after that day is refused. */
    public void updatePerson(Person person, Instant now) {
        String json = Json.write(person);
        run((h, e) -> FqLibrary.fq_engine_update_person_at(h, c(json), ms(now), e));
    }

    /** Adds a staff member. */
    public void addStaff(Staff staff) {
        addStaffJson(Json.write(staff));
    }

    /** Adds a staff member ({@code Staff} JSON). */
    public void addStaffJson(String staff) {
        run((h, e) -> FqLibrary.fq_engine_add_staff(h, c(staff), e));
    }

    /** Replaces a staff member's record ({@code Staff} JSON). */
    public void updateStaffJson(String staff) {
        run((h, e) -> FqLibrary.fq_engine_update_staff(h, c(staff), e));
    }

    /** Adds an agency ({@code Agency} JSON). */
    public void addAgencyJson(String agency) {
        run((h, e) -> FqLibrary.fq_engine_add_agency(h, c(agency), e));
    }

    /** Marks a staff member available or not (leave, illness). */
    public void setAvailable(String staffId, boolean available) {
        run((h, e) -> FqLibrary.fq_engine_set_available(h, c(staffId), (byte) (available ? 1 : 0), e));
    }

    /** Replaces the privacy settings ({@code Privacy} JSON). */
    public void setPrivacyJson(String privacy) {
        run((h, e) -> FqLibrary.fq_engine_set_privacy(h, c(privacy), e));
    }

    /**
     * Sets a unit's own days off and working days over the national calendar (特色日历), or
     * removes them (no days). A calendar that contradicts itself or the national one is refused
     * ({@link ErrorCode#CALENDAR}) and nothing changes.
     */
    public void setLocalCalendar(LocalCalendar calendar) {
        setLocalCalendarJson(Json.write(calendar));
    }

    /** {@link #setLocalCalendar} with JSON ({@code LocalCalendar}). */
    public void setLocalCalendarJson(String calendar) {
        run((h, e) -> FqLibrary.fq_engine_set_local_calendar(h, c(calendar), e));
    }

    /** Refused requests, oldest first ({@code Denial[]} JSON). */
    public String denialsJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_denials(h, o, e));
    }

    // ----- rules ---------------------------------------------------------------------------

    /** The rule set in force ({@code RuleSet} JSON). */
    public String rulesJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_rules(h, o, e));
    }

    /** Validates a rule set against this world ({@code Diagnostic[]} JSON; empty when clean). */
    public String validateRulesJson(String rules) {
        return call((h, o, e) -> FqLibrary.fq_engine_validate_rules(h, c(rules), o, e));
    }

    /** Every diagnostic of a rule set given as text, each with its line and column ({@code Located[]} JSON): for editors. */
    public String validateRulesTextJson(String rules) {
        return call((h, o, e) -> FqLibrary.fq_engine_validate_rules_text(h, c(rules), o, e));
    }

    /** Loads a rule set as {@code actor}; returns its warnings ({@code Diagnostic[]} JSON). */
    public String loadRulesJson(Actor actor, String rules, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_load_rules(h, c(actor.toJson()), c(rules), ms(now), o, e));
    }

    /** Compares two rule sets over a history ({@code Comparison} JSON). */
    public String whatIfJson(String history, String rulesA, String rulesB) {
        return call((h, o, e) -> FqLibrary.fq_engine_what_if(h, c(history), c(rulesA), c(rulesB), o, e));
    }

    // ----- cases ---------------------------------------------------------------------------

    /** Registers a dispute; returns its case code. */
    public String register(Actor actor, DisputeInput input, Instant now) {
        return registerJson(actor, Json.write(input), now);
    }

    /** Registers a dispute ({@code DisputeInput} JSON); returns its case code. */
    public String registerJson(Actor actor, String input, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_register(h, c(actor.toJson()), c(input), ms(now), o, e));
    }

    /** What routing would decide for a case, without applying it. */
    public Decision decide(Actor actor, String caseCode, Instant now) {
        return Json.read(decideJson(actor, caseCode, now), Decision.class);
    }

    /** {@link #decide} as JSON. */
    public String decideJson(Actor actor, String caseCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_decide(h, c(actor.toJson()), c(caseCode), ms(now), o, e));
    }

    /** What routing would decide for a dispute not registered: no case, no trace, no change. */
    public Decision decideInput(DisputeInput input) {
        return Json.read(decideInputJson(Json.write(input)), Decision.class);
    }

    /** What routing would decide for a dispute not registered ({@code Decision} JSON). */
    public String decideInputJson(String input) {
        return call((h, o, e) -> FqLibrary.fq_engine_decide_input(h, c(input), o, e));
    }

    /** Routes a case by the rules in force (traced); returns the decision with its explanation. */
    public Decision route(Actor actor, String caseCode, Instant now) {
        return Json.read(routeJson(actor, caseCode, now), Decision.class);
    }

    /** {@link #route} as JSON. */
    public String routeJson(Actor actor, String caseCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_route(h, c(actor.toJson()), c(caseCode), ms(now), o, e));
    }

    /** Applies a lifecycle operation; returns the case's new state. */
    public Dispute apply(Actor actor, String caseCode, Operation op, Instant now) {
        return Json.read(applyJson(actor, caseCode, Json.write(op), now), Dispute.class);
    }

    /** Applies an operation ({@code Operation} JSON); returns the {@code Dispute} JSON. */
    public String applyJson(Actor actor, String caseCode, String operation, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_apply(h, c(actor.toJson()), c(caseCode), c(operation), ms(now), o, e));
    }

    /**
     * {@link #apply}, only if the case's last event still has sequence number {@code
     * expectedSeq}; otherwise a {@link FengqiaoException.ConflictException} and nothing
     * changes.
     */
    public Dispute applyExpecting(Actor actor, String caseCode, Operation op, long expectedSeq, Instant now) {
        return Json.read(applyExpectingJson(actor, caseCode, Json.write(op), expectedSeq, now), Dispute.class);
    }

    /** {@link #applyExpecting} with JSON. */
    public String applyExpectingJson(Actor actor, String caseCode, String operation, long expectedSeq, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_apply_expecting(h, c(actor.toJson()), c(caseCode), c(operation), expectedSeq, ms(now), o, e));
    }

    /**
     * A case as {@code actor} may see it (identifiers masked as configured).
     * <p><b>Writes the journal.</b> A whole read of personal data (an actor who sees
     * identifiers whole) adds an audit entry ({@code read_whole}; 等保 GB/T 22239-2019
     * 8.1.4.3), and a refused read a denial: both move the journal's head, so store the
     * journal after this read as after a write.
     */
    public CaseView viewCase(Actor actor, String caseCode, Instant now) {
        return Json.read(viewCaseJson(actor, caseCode, now), CaseView.class);
    }

    /** {@link #viewCase} as JSON. */
    public String viewCaseJson(Actor actor, String caseCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_view_case(h, c(actor.toJson()), c(caseCode), ms(now), o, e));
    }

    /** Codes of the cases {@code actor} may see, in code order. */
    public List<String> caseCodes(Actor actor, Instant now) {
        return Json.read(call((h, o, e) -> FqLibrary.fq_engine_case_codes(h, c(actor.toJson()), ms(now), o, e)),
                new TypeReference<List<String>>() {});
    }

    /** A case's trace as {@code actor} may read it ({@code TraceEvent[]} JSON). */
    public String traceJson(Actor actor, String caseCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_trace(h, c(actor.toJson()), c(caseCode), ms(now), o, e));
    }

    /** A case's trace as JSON Lines (one event a line, the form a host stores). */
    public String traceJsonl(Actor actor, String caseCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_trace_jsonl(h, c(actor.toJson()), c(caseCode), ms(now), o, e));
    }

    /** Verifies a case's trace (SM3 chain and replay); throws if it does not verify. */
    public void verify(String caseCode) {
        run((h, e) -> FqLibrary.fq_engine_verify(h, c(caseCode), e));
    }

    /** Every case's standing against its limits and legal windows, most urgent first. */
    public List<DeadlineStatus> deadlines(Instant now) {
        return Json.read(call((h, o, e) -> FqLibrary.fq_engine_deadlines(h, ms(now), o, e)),
                new TypeReference<List<DeadlineStatus>>() {});
    }

    /** The deadline sweep: standings, and overdue cases reported up as their rules say (traced). */
    public Sweep sweep(Instant now) {
        return Json.read(call((h, o, e) -> FqLibrary.fq_engine_sweep(h, ms(now), o, e)), Sweep.class);
    }

    /** Statistics over the cases {@code actor} may see. */
    public StatsReport statistics(Actor actor, StatsQuery query, Instant now) {
        return Json.read(statisticsJson(actor, Json.write(query), now), StatsReport.class);
    }

    /** {@link #statistics} with JSON ({@code Query} in, {@code Report} out). */
    public String statisticsJson(Actor actor, String query, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_statistics(h, c(actor.toJson()), c(query), ms(now), o, e));
    }

    /**
     * The assessment (考核) over the cases {@code actor} may see: per unit, supervision cards,
     * cases gone red, extensions and suspensions in the period, and a score.
     */
    public Assessment assessment(Actor actor, AssessmentQuery query, Instant now) {
        return Json.read(assessmentJson(actor, Json.write(query), now), Assessment.class);
    }

    /** {@link #assessment} with JSON ({@code AssessmentQuery} in, {@code Assessment} out). */
    public String assessmentJson(Actor actor, String query, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_assessment(h, c(actor.toJson()), c(query), ms(now), o, e));
    }

    /** Files a zero report (无事报平安; {@code ZeroReport} JSON). */
    public void fileReportJson(Actor actor, String report) {
        run((h, e) -> FqLibrary.fq_engine_file_report(h, c(actor.toJson()), c(report), e));
    }

    /** Reporters who did not report on {@code date} ({@code MissingReport[]} JSON). */
    public String missingReportsJson(Actor actor, String unitCode, String date, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_missing_reports(h, c(actor.toJson()), c(unitCode), c(date), ms(now), o, e));
    }

    /** The day's analysis for a unit (每日研判 JSON). */
    public String dailyAnalysisJson(Actor actor, String unitCode, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_daily_analysis(h, c(actor.toJson()), c(unitCode), ms(now), o, e));
    }

    /** The weekly dispatch table (每周调度 JSON). */
    public String weeklyDispatchJson(Actor actor, String unitCode, String level, String date, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_weekly_dispatch(h, c(actor.toJson()), c(unitCode), c(level), c(date), ms(now), o, e));
    }

    // ----- the journal ---------------------------------------------------------------------

    /**
     * The journal entries after {@code afterSeq}, at most {@code max}, parsed. All of them:
     * {@code journal(0, Long.MAX_VALUE)}; what is new since the last stored entry:
     * {@code journal(storedSeq, batch)} until it returns fewer than {@code batch}. Entries
     * before a snapshot the engine was restored from, or released with
     * {@code releaseJournal}, are not held (a {@code JournalException}).
     */
    public List<JournalEntry> journal(long afterSeq, long max) {
        String lines = journalJsonl(afterSeq, max);
        List<JournalEntry> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isEmpty()) {
                out.add(Json.read(line, JournalEntry.class));
            }
        }
        return out;
    }

    /**
     * The journal entries after {@code afterSeq}, at most {@code max}, as JSON Lines (store
     * them). All of them: {@code journalJsonl(0, Long.MAX_VALUE)}; see {@link #journal(long, long)}.
     */
    public String journalJsonl(long afterSeq, long max) {
        return call((h, o, e) -> FqLibrary.fq_engine_journal(h, afterSeq, max, o, e));
    }

    /** The journal's position: {@code {"seq", "digest", "origin"}}. */
    public JsonNode journalHead() {
        return Json.tree(call((h, o, e) -> FqLibrary.fq_engine_journal_head(h, o, e)));
    }

    /** A case's head: the hash of its last event (64 hex digits). */
    public String caseHead(String caseCode) {
        return call((h, o, e) -> FqLibrary.fq_engine_case_head(h, c(caseCode), o, e));
    }

    /** The whole engine at its journal position ({@code Snapshot} JSON). */
    public String snapshotJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_snapshot(h, o, e));
    }

    /** Lets the engine forget the entries up to {@code seq}, once the host stored them. */
    public void releaseJournal(long seq) {
        run((h, e) -> FqLibrary.fq_engine_release_journal(h, seq, e));
    }

    // ----- 国密: signed heads, personal data, the audit record (see Guomi) -----------------

    private static volatile Object keepAlive;

    /** The registered callbacks, kept reachable while the native engine may call them. */
    private volatile Object[] callbacks = new Object[2];

    /** Registers the host's signer: {@code algorithm} ("SM2") and {@code keyId} go into each head. */
    public void setSigner(String algorithm, String keyId, Guomi.HeadSigner signer) {
        Guomi.SignFn fn = Guomi.signFn(signer);
        run((h, e) -> FqLibrary.fq_engine_set_signer(h, c(algorithm), c(keyId), fn, null, e));
        callbacks = new Object[] {fn, callbacks[1]};
    }

    /** DEVELOPMENT ONLY: the built-in SM2 signer with a secret key in process memory; returns its public key (SEC1 hex). */
    public String setSm2Signer(String keyId, String secretHex) {
        return call((h, o, e) -> FqLibrary.fq_engine_set_sm2_signer(h, c(keyId), c(secretHex), o, e));
    }

    /** Signs the head of {@code subject}, "journal" or a case code ({@code SignedHead} JSON). */
    public String signHeadJson(String subject, Instant now) {
        return call((h, o, e) -> FqLibrary.fq_engine_sign_head(h, c(subject), ms(now), o, e));
    }

    /** Verifies a journal (JSON Lines) from its world against signed heads ({@code SignatureReport} JSON). */
    public static String verifyHeadsJson(String world, String journal, String heads, Guomi.HeadVerifier verifier) {
        Guomi.VerifyFn fn = Guomi.verifyFn(verifier);
        String report = out(null, (h, o, e) -> FqLibrary.fq_verify_heads(c(world), c(journal), c(heads), fn, null, o, e));
        keepAlive = fn; // Java 8 has no reachabilityFence: a volatile write after the call keeps it reachable
        return report;
    }

    /** {@link #verifyHeadsJson} with the built-in SM2 verifier: {@code keys} is {@code {"keyId": "04…"}}. */
    public static String verifyHeadsSm2Json(String world, String journal, String heads, String keys) {
        return out(null, (h, o, e) -> FqLibrary.fq_verify_heads_sm2(c(world), c(journal), c(heads), c(keys), o, e));
    }

    /** Registers the host's protector for personal data; residents restored sealed are opened now. */
    public void setProtector(String algorithm, Guomi.Protector protector) {
        Object[] fns = {Guomi.sealFn(protector, true), Guomi.sealFn(protector, false), Guomi.eraseFn(protector)};
        lock.writeLock().lock();
        try {
            PointerByReference err = SLOTS.get()[1];
            err.setValue(null);
            check(FqLibrary.fq_engine_set_protector(live(), c(algorithm), (Guomi.SealFn) fns[0], (Guomi.SealFn) fns[1],
                    (Guomi.EraseFn) fns[2], null, err), err);
            callbacks = new Object[] {callbacks[0], fns};
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** DEVELOPMENT ONLY: the built-in SM4-GCM protector, keys in process memory. */
    public void setSm4Keyring() {
        run((h, e) -> FqLibrary.fq_engine_set_sm4_keyring(h, e));
    }

    /** Erases a subject's personal data (a resident's id or a case code) by destroying its key. */
    public void erasePersonal(Actor actor, String subject, Instant now) {
        run((h, e) -> FqLibrary.fq_engine_erase_personal(h, c(actor.toJson()), c(subject), ms(now), e));
    }

    /** The audit record, oldest first ({@code AuditEntry[]} JSON): keep it six months at least. */
    public String auditRecordJson() {
        return call((h, o, e) -> FqLibrary.fq_engine_audit_record(h, o, e));
    }

    // ----- life ----------------------------------------------------------------------------

    /** Frees the native engine; waits for calls in flight. Harmless twice. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            handle.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return handle.pointer == null;
    }

    // ----- plumbing ------------------------------------------------------------------------

    private interface WithOut {
        int call(Pointer engine, PointerByReference out, PointerByReference err);
    }

    private interface NoOut {
        int call(Pointer engine, PointerByReference err);
    }

    private interface Make {
        int call(PointerByReference out, PointerByReference err);
    }

    /** A string as the C ABI reads it: UTF-8, NUL-terminated; a NUL inside is refused. */
    private static byte[] c(String s) {
        if (s == null) {
            throw new IllegalArgumentException("fengqiao: a string argument is null");
        }
        if (s.indexOf('\0') >= 0) {
            throw new FengqiaoException(ErrorCode.INVALID_INPUT, "a string argument contains NUL (U+0000) at "
                    + s.indexOf('\0') + ": C would read it short; remove it", Json.tree("{}"));
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    private static long ms(Instant now) {
        if (now == null) {
            throw new IllegalArgumentException("argument `now`: null; an instant is required");
        }
        return now.toEpochMilli();
    }

    private String call(WithOut f) {
        lock.readLock().lock();
        try {
            return out(live(), f);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void run(NoOut f) {
        lock.readLock().lock();
        try {
            PointerByReference err = SLOTS.get()[1];
            err.setValue(null);
            check(f.call(live(), err), err);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Pointer live() {
        Pointer p = handle.pointer;
        if (p == null) {
            throw new IllegalStateException("fengqiao: the engine is closed");
        }
        return p;
    }

    /**
     * Each thread's two result slots, reused: a {@link PointerByReference} is native memory
     * with a cleaner, and allocating two per call cost more than the call itself. The C ABI
     * sets both to NULL before anything else, so a reused slot never shows a stale value.
     */
    private static final ThreadLocal<PointerByReference[]> SLOTS =
            ThreadLocal.withInitial(() -> new PointerByReference[] {new PointerByReference(), new PointerByReference()});

    private static String out(Pointer engine, WithOut f) {
        PointerByReference[] slots = SLOTS.get();
        PointerByReference out = slots[0];
        PointerByReference err = slots[1];
        out.setValue(null);
        err.setValue(null);
        check(f.call(engine, out, err), err);
        Pointer s = out.getValue();
        if (s == null) {
            return "";
        }
        try {
            return s.getString(0, StandardCharsets.UTF_8.name());
        } finally {
            FqLibrary.fq_string_free(s);
        }
    }

    private static Engine construct(Make f) {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        check(f.call(out, err), err);
        return new Engine(out.getValue());
    }

    private static void check(int status, PointerByReference err) {
        if (status == 0) {
            return;
        }
        Pointer e = err.getValue();
        if (e == null) {
            throw FengqiaoException.of(ErrorCode.of(status), statusName(status), Json.tree("{}"));
        }
        try {
            ErrorCode code = ErrorCode.of(FqLibrary.fq_error_code(e));
            throw FengqiaoException.of(code, FqLibrary.fq_error_message(e), Json.tree(FqLibrary.fq_error_details(e)));
        } finally {
            FqLibrary.fq_error_free(e);
        }
    }

    /** The native pointer, freed once by whoever comes first: close, or the reaper. */
    private static final class Handle implements Runnable {
        volatile Pointer pointer;

        Handle(Pointer pointer) {
            this.pointer = pointer;
        }

        @Override
        public synchronized void run() {
            Pointer p = pointer;
            pointer = null;
            if (p != null) {
                FqLibrary.fq_engine_free(p);
            }
        }
    }

    /** How many engines the reaper freed (for the test that it does). */
    static int reaped() {
        return Reaper.REAPED.get();
    }

    /** Frees the handles of engines that became unreachable without {@link #close()}. */
    private static final class Reaper extends PhantomReference<Engine> {
        private static final ReferenceQueue<Engine> QUEUE = new ReferenceQueue<>();
        private static final java.util.concurrent.atomic.AtomicInteger REAPED = new java.util.concurrent.atomic.AtomicInteger();
        private static final Set<Reaper> LIVE = Collections.newSetFromMap(new ConcurrentHashMap<>());

        static {
            Thread t = new Thread(Reaper::drain, "fengqiao-reaper");
            t.setDaemon(true);
            t.start();
        }

        private final Handle handle;

        private Reaper(Engine engine, Handle handle) {
            super(engine, QUEUE);
            this.handle = handle;
        }

        static void watch(Engine engine, Handle handle) {
            LIVE.add(new Reaper(engine, handle));
        }

        private static void drain() {
            while (true) {
                try {
                    Reference<? extends Engine> r = QUEUE.remove();
                    if (r instanceof Reaper) {
                        LIVE.remove(r);
                        Handle h = ((Reaper) r).handle;
                        if (h.pointer != null) {
                            h.run();
                            REAPED.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // A failed free must not end the reaper; nothing can be reported here.
                }
            }
        }
    }
}
