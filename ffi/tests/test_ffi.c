/* The C test suite of the fengqiao C ABI: happy paths and every kind of bad input, run
 * normally and under valgrind in CI. Usage: test_ffi path/to/world-small.json */
#include <pthread.h>
#include <stdlib.h>
#include "fengqiao.h"
#include "harness.h"

#define T0 1749430800000LL /* 2025-06-09 09:00 China time */
#define DAY 86400000LL

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) { perror("fread"); exit(2); }
    buf[n] = 0;
    fclose(f);
    return buf;
}

static const char *GW = "{\"staff\":\"gw-522301001001001\"}";
static const char *MD = "{\"staff\":\"md-522301001001-1\"}";
static const char *CC = "{\"staff\":\"cs-522301001001\"}"; /* community A's centre */
static const char *OUTSIDER = "{\"staff\":\"gw-522301001002002\"}";
static const char *DISPUTE =
    "{\"category\":\"neighbour\",\"channel\":\"household_visit\","
    "\"parties\":[{\"person\":\"p0-0\"},{\"person\":\"p1-0\"}],"
    "\"location\":\"5223010010010010101\",\"urgency\":\"medium\",\"risk\":\"yellow\","
    "\"description\":\"院墙排水\",\"discovered_at\":\"2025-06-08T02:00:00Z\"}";

static void test_version(void) {
    CHECK(strcmp(fq_version(), FQ_VERSION_STRING) == 0);
}

static void test_bad_construction(const char *world) {
    FqEngine *e = NULL;
    FqError *err = NULL;
    CHECK(fq_engine_new(NULL, &e, &err) == FQ_STATUS_NULL_POINTER);
    CHECK(e == NULL && err != NULL);
    CHECK(fq_error_code(err) == FQ_STATUS_NULL_POINTER);
    fq_error_free(err);
    CHECK(fq_engine_new("{ not json", &e, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "argument `world`"));
    CHECK(CONTAINS(fq_error_details(err), "\"line\""));
    fq_error_free(err);
    CHECK(fq_engine_new("\xff\xfe", &e, &err) == FQ_STATUS_INVALID_UTF8);
    fq_error_free(err);
    /* An unknown enum value in the world. */
    CHECK(fq_engine_new("{\"hierarchy\":{\"units\":[{\"code\":\"522301000000\",\"kind\":\"kingdom\"}]}}", &e, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "kingdom"));
    fq_error_free(err);
    /* An invalid division code. */
    CHECK(fq_engine_new("{\"hierarchy\":{\"units\":[{\"code\":\"522301000001\",\"kind\":\"county\"}]}}", &e, &err) == FQ_STATUS_HIERARCHY);
    fq_error_free(err);
    /* An invalid identity number. */
    const char *bad_id = "{\"hierarchy\":{\"units\":[]},\"people\":[{\"id\":\"x\",\"name\":\"x\",\"id_number\":\"110105194912310021\",\"household\":\"5223010010010010101\"}]}";
    CHECK(fq_engine_new(bad_id, &e, &err) == FQ_STATUS_IDENTITY);
    CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"id_checksum\""));
    CHECK(CONTAINS(fq_error_message(err), "check character"));
    fq_error_free(err);
    /* Oversized input: refused before parsing. */
    fq_set_max_input_bytes(1000);
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "more than the limit of 1000"));
    fq_error_free(err);
    fq_set_max_input_bytes(0);
    /* No error slot: still a status, nothing leaks. */
    CHECK(fq_engine_new("[]", &e, NULL) == FQ_STATUS_INVALID_INPUT);
    CHECK(fq_engine_new(world, NULL, NULL) == FQ_STATUS_NULL_POINTER);
}

static void test_life(FqEngine *e) {
    FqError *err = NULL;
    char *code = NULL, *out = NULL;
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(code, "5223010010010010101-20250609-"));
    CHECK(fq_engine_route(e, "\"system\"", code, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"level\":\"community\""));
    CHECK(CONTAINS(out, "professional-team"));
    fq_string_free(out);

    /* Resolving before any session: a lifecycle error with state and operation. */
    const char *resolve = "{\"op\":\"resolve\",\"agreement\":{\"form\":\"written\",\"effective_on\":\"2025-06-10\","
                          "\"terms\":\"修排水沟\",\"amount_yuan\":3000,\"parties_signed\":true,\"mediator_signed\":true,\"committee_sealed\":true}}";
    CHECK(fq_engine_apply(e, MD, code, resolve, T0, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(out == NULL);
    CHECK(CONTAINS(fq_error_details(err), "\"refusal\":\"wrong_state\""));
    CHECK(CONTAINS(fq_error_details(err), "\"operation\":\"resolve\""));
    CHECK(CONTAINS(fq_error_details(err), "\"state\":\"registered\""));
    fq_error_free(err);

    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"state\":\"accepted\""));
    /* The mediation month is shown from acceptance with its last day (issue 31;
     * 司法部令第75号 art. 33): accepted 2025-06-09, it ends 2025-07-09. */
    {
        char *view = NULL;
        CHECK(fq_engine_view_case(e, MD, code, T0, &view, &err) == FQ_STATUS_OK);
        CHECK(CONTAINS(view, "\"window\":\"mediation_month\""));
        CHECK(CONTAINS(view, "\"last_day\":\"2025-07-09\""));
        fq_string_free(view);
    }
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"record_session\",\"method\":\"bench_meeting\",\"parties_consent\":true}", T0 + DAY, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, resolve, T0 + DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"state\":\"resolved\""));
    fq_string_free(out);
    /* An unknown operation and a malformed one. */
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"dance\"}", T0 + DAY, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"close\"", T0 + DAY, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    /* Outside the actor's area: denied. */
    CHECK(fq_engine_view_case(e, OUTSIDER, code, T0, &out, &err) == FQ_STATUS_DENIED);
    fq_error_free(err);
    CHECK(fq_engine_view_case(e, GW, code, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "********")); /* the grid worker sees masked identity numbers */
    fq_string_free(out);
    /* Unknown case. */
    CHECK(fq_engine_decide(e, GW, "522301001001-20250609-9999", T0, &out, &err) == FQ_STATUS_NOT_FOUND);
    fq_error_free(err);
    /* Not a case code at all: named, with the expected form. */
    CHECK(fq_engine_decide(e, GW, "no-such-case", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "case_code"));
    CHECK(CONTAINS(fq_error_message(err), "yyyymmdd"));
    fq_error_free(err);
    /* A result nobody asked for: out may be NULL, the call still works. */
    CHECK(fq_engine_decide(e, GW, code, T0, NULL, &err) == FQ_STATUS_OK);
    /* The trace through the actor's reader; an outsider is refused. */
    CHECK(fq_engine_trace(e, OUTSIDER, code, T0, &out, &err) == FQ_STATUS_DENIED);
    fq_error_free(err);
    CHECK(fq_engine_trace(e, GW, code, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"op\":\"register\""));
    fq_string_free(out);

    /* The trace: verify in the engine, then standalone, then tampered. */
    CHECK(fq_engine_verify(e, code, &err) == FQ_STATUS_OK);
    char *jsonl = NULL;
    CHECK(fq_engine_trace_jsonl(e, GW, code, T0, &jsonl, &err) == FQ_STATUS_OK);
    CHECK(fq_trace_verify(jsonl, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"state\":\"resolved\""));
    fq_string_free(out);
    char *amount = strstr(jsonl, "\"amount_yuan\":3000");
    CHECK(amount != NULL);
    if (amount) {
        amount[14] = '9'; /* 3000 → 9000 */
        CHECK(fq_trace_verify(jsonl, &out, &err) == FQ_STATUS_TRACE);
        CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"changed\""));
        CHECK(CONTAINS(fq_error_details(err), "\"position\":4"));
        fq_error_free(err);
    }
    fq_string_free(jsonl);
    CHECK(fq_trace_verify("not a trace", &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "argument `events`"));
    fq_error_free(err);
    fq_string_free(code);
}

static void test_rules(FqEngine *e) {
    FqError *err = NULL;
    char *out = NULL;
    const char *bad = "{\"id\":\"t\",\"version\":\"1\",\"hit_policy\":\"first\",\"defaults\":{\"level\":\"community\"},"
                      "\"rules\":[{\"id\":\"r1\",\"description\":\"d\",\"when\":{\"category_in\":[]}},{\"id\":\"z\",\"description\":\"d\",\"priority\":-1}]}";
    CHECK(fq_engine_load_rules(e, CC, bad, T0, &out, &err) == FQ_STATUS_RULE_SET);
    CHECK(CONTAINS(fq_error_details(err), "\"code\":\"empty_set\""));
    CHECK(CONTAINS(fq_error_details(err), "\"rule\":\"r1\""));
    CHECK(CONTAINS(fq_error_details(err), "rules[0].when.category_in"));
    fq_error_free(err);
    CHECK(fq_engine_validate_rules(e, bad, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "empty_set"));
    fq_string_free(out);
    /* As an editor holds it: every diagnostic with its line and column, even unreadable text. */
    CHECK(fq_engine_validate_rules_text(e, bad, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"code\":\"empty_set\"") && CONTAINS(out, "\"line\":1,"));
    fq_string_free(out);
    CHECK(fq_engine_validate_rules_text(e, "{\"id\":\"t\",\n\"rules\":[{\"id\":\"a\",\"when\":{\"category_in\":[\"labor\"]}}]}", &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"code\":\"parse\"") && CONTAINS(out, "\"line\":2,\"column\":43"));
    fq_string_free(out);
    /* Deeply nested JSON is an error, not a stack overflow: a condition nested 100,000 deep
     * (`not` inside `not` …) where the rule set's types recurse, and arrays nested as deep
     * under an unknown key. */
    {
        size_t depth = 100000;
        const char *head = "{\"id\":\"t\",\"version\":\"1\",\"hit_policy\":\"first\",\"rules\":[{\"id\":\"a\",\"when\":";
        const char *tail = "}]}";
        size_t h = strlen(head), t = strlen(tail), step = strlen("{\"not\":");
        char *deep = malloc(h + depth * (step + 1) + 8 + t + 1);
        char *p = deep;
        memcpy(p, head, h); p += h;
        for (size_t i = 0; i < depth; i++) { memcpy(p, "{\"not\":", step); p += step; }
        memcpy(p, "\"always\"", 8); p += 8;
        memset(p, '}', depth); p += depth;
        memcpy(p, tail, t + 1);
        CHECK(fq_engine_load_rules(e, CC, deep, T0, &out, &err) == FQ_STATUS_RULE_SET);
        CHECK(CONTAINS(fq_error_message(err), "recursion limit"));
        fq_error_free(err);
        free(deep);
        deep = malloc(2 * depth + 8);
        memcpy(deep, "{\"x\":", 5);
        memset(deep + 5, '[', depth);
        memset(deep + 5 + depth, ']', depth);
        memcpy(deep + 5 + 2 * depth, "}", 2);
        CHECK(fq_engine_load_rules(e, CC, deep, T0, &out, &err) == FQ_STATUS_RULE_SET);
        CHECK(CONTAINS(fq_error_message(err), "unknown field `x`"));
        fq_error_free(err);
        free(deep);
    }
    CHECK(fq_engine_load_rules(e, CC, "{\"id\":1}", T0, &out, &err) == FQ_STATUS_RULE_SET);
    CHECK(CONTAINS(fq_error_details(err), "\"code\":\"parse\""));
    fq_error_free(err);
}

static void test_operations(FqEngine *e, const char *history, const char *rules_b) {
    FqError *err = NULL;
    char *out = NULL;
    const char *centre = "{\"staff\":\"cs-522301001000\"}";
    CHECK(fq_engine_statistics(e, centre, "{\"by_category\":true}", T0 + 30 * DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"screened\""));
    fq_string_free(out);
    CHECK(fq_engine_deadlines(e, T0 + 60 * DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(out[0] == '[');
    fq_string_free(out);
    CHECK(fq_engine_sweep(e, T0 + 60 * DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"statuses\""));
    fq_string_free(out);
    /* Microseconds passed as milliseconds: refused with a hint, nothing changes. */
    CHECK(fq_engine_sweep(e, T0 * 1000, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "microseconds"));
    fq_error_free(err);
    CHECK(fq_engine_file_report(e, GW, "{\"date\":\"2025-06-09\"}", &err) == FQ_STATUS_OK);
    CHECK(fq_engine_missing_reports(e, CC, "522301001001", "2025-06-09", T0, &out, &err) == FQ_STATUS_OK);
    CHECK(!CONTAINS(out, "gw-522301001001001"));
    CHECK(CONTAINS(out, "hh-52230100100100101"));
    /* An absent date (NULL) is the day of now_ms, China time: the same answer. */
    char *today = NULL;
    CHECK(fq_engine_missing_reports(e, CC, "522301001001", NULL, T0, &today, &err) == FQ_STATUS_OK);
    CHECK(today && strcmp(out, today) == 0);
    fq_string_free(today);
    fq_string_free(out);
    /* The grid worker may not ask about the whole community. */
    CHECK(fq_engine_missing_reports(e, GW, "522301001001", "2025-06-09", T0, &out, &err) == FQ_STATUS_DENIED);
    fq_error_free(err);
    CHECK(fq_engine_missing_reports(e, CC, "522301001001", "09/06/2025", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    CHECK(fq_engine_missing_reports(e, CC, "522301001001", "2031-06-09", T0, &out, &err) == FQ_STATUS_CALENDAR);
    CHECK(CONTAINS(fq_error_message(err), "2031"));
    fq_error_free(err);
    CHECK(fq_engine_daily_analysis(e, centre, "522301001000", T0, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_weekly_dispatch(e, centre, "522301001000", "community", "2025-06-09", T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"new\":1"));
    fq_string_free(out);
    /* NULL date: the week of now_ms; the other arguments stay required. */
    CHECK(fq_engine_weekly_dispatch(e, centre, "522301001000", "community", NULL, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"new\":1"));
    fq_string_free(out);
    CHECK(fq_engine_weekly_dispatch(e, centre, NULL, "community", NULL, T0, &out, &err) == FQ_STATUS_NULL_POINTER);
    CHECK(CONTAINS(fq_error_message(err), "unit_code"));
    fq_error_free(err);
    CHECK(fq_engine_weekly_dispatch(e, centre, "522301001000", "parish", "2025-06-09", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "allowed: "));
    CHECK(CONTAINS(fq_error_message(err), "community"));
    fq_error_free(err);
    char *world = NULL;
    /* The grid worker's export: its residents only, identifiers removed. */
    CHECK(fq_engine_world(e, GW, T0, &world, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(world, "\"rules\":"));
    CHECK(!CONTAINS(world, "\"id_number\""));
    CHECK(CONTAINS(world, "\"household\":\"5223010010010010101\""));
    CHECK(!CONTAINS(world, "\"household\":\"5223010010020020101\""));
    fq_string_free(world);
    /* The trusted export keeps every identifier. */
    CHECK(fq_engine_world_export(e, &world, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(world, "\"id_number\""));
    fq_string_free(world);
    /* Residents through the reader: masked for the grid worker. */
    CHECK(fq_engine_residents(e, GW, "5223010010010010101", T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "********"));
    fq_string_free(out);
    CHECK(fq_engine_residents(e, OUTSIDER, "5223010010010010101", T0, &out, &err) == FQ_STATUS_DENIED);
    fq_error_free(err);
    CHECK(fq_engine_denials(e, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"action\":\"residents\""));
    fq_string_free(out);
    /* The hierarchy reads. */
    CHECK(fq_engine_children(e, "522301001000", &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "522301001001"));
    fq_string_free(out);
    CHECK(fq_engine_staff_at(e, "522301001001001", &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "gw-522301001001001"));
    fq_string_free(out);
    CHECK(fq_engine_what_if(e, history, rules_b, rules_b, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"changed\":[]")); /* the same rules twice change nothing */
    fq_string_free(out);
    CHECK(fq_engine_what_if(e, "{bad", rules_b, rules_b, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
}

/* Time limits (issue 20): a local calendar, a suspension and an extension decided by the
 * street, then the assessment. wasm/tests/engine.test.mjs runs the same steps and expects
 * the same numbers. */
static void test_time_limits(const char *world) {
    FqEngine *e = NULL;
    FqError *err = NULL;
    char *code = NULL, *out = NULL;
    const char *street = "{\"staff\":\"cs-522301001000\"}";
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    const char *local = "{\"unit\":\"522301000000\",\"source\":\"test\","
                        "\"days_off\":[{\"date\":\"2025-06-11\",\"name\":\"三月三\"}]}";
    CHECK(fq_engine_set_local_calendar(e, local, &err) == FQ_STATUS_OK);
    const char *twice = "{\"unit\":\"522301000000\",\"days_off\":[{\"date\":\"2025-06-11\"},{\"date\":\"2025-06-11\"}]}";
    CHECK(fq_engine_set_local_calendar(e, twice, &err) == FQ_STATUS_CALENDAR);
    CHECK(CONTAINS(fq_error_message(err), "2025-06-11"));
    CHECK(CONTAINS(fq_error_message(err), "listed twice"));
    fq_error_free(err);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_route(e, "\"system\"", code, T0, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"suspend\",\"reason\":\"appraisal\"}", T0 + DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"pauses\""));
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"resume\"}", T0 + 3 * DAY, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"request_extension\",\"days\":5,\"reason\":\"等待鉴定\"}", T0 + 3 * DAY, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    /* The community's own centre is not above the community: refused, nothing changes. */
    CHECK(fq_engine_apply(e, CC, code, "{\"op\":\"decide_extension\",\"approved\":true}", T0 + 3 * DAY, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_details(err), "\"refusal\":\"not_permitted\""));
    fq_error_free(err);
    CHECK(fq_engine_apply(e, street, code, "{\"op\":\"decide_extension\",\"approved\":true,\"days\":3}", T0 + 3 * DAY, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    const char *q = "{\"from\":\"2025-06-01\",\"to\":\"2025-06-30\"}";
    CHECK(fq_engine_assessment(e, street, q, T0 + 4 * DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"unit\":\"522301001001\""));
    CHECK(CONTAINS(out, "\"suspensions\":1"));
    CHECK(CONTAINS(out, "\"extensions_granted\":1,\"extension_days\":3"));
    CHECK(CONTAINS(out, "\"score\":99"));
    fq_string_free(out);
    CHECK(fq_engine_assessment(e, street, "{\"from\":\"2025-07-01\",\"to\":\"2025-06-30\"}", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "query.from 2025-07-01"));
    CHECK(out == NULL);
    fq_error_free(err);
    fq_string_free(code);
    fq_engine_free(e);
}

static void test_handles(const char *world) {
    FqError *err = NULL;
    char *out = NULL;
    FqEngine *e = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    fq_engine_free(e);
    CHECK(fq_engine_decide(e, GW, "x", T0, &out, &err) == FQ_STATUS_INVALID_HANDLE);
    fq_error_free(err);
    fq_engine_free(e); /* double free: ignored */
    CHECK(fq_engine_decide(NULL, GW, "x", T0, &out, &err) == FQ_STATUS_NULL_POINTER);
    fq_error_free(err);
    /* A NULL handle is reported before any bad argument. */
    CHECK(fq_engine_load_rules(NULL, CC, "{bad", T0, &out, &err) == FQ_STATUS_NULL_POINTER);
    CHECK(CONTAINS(fq_error_message(err), "handle"));
    fq_error_free(err);
    int not_an_engine = 42;
    CHECK(fq_engine_decide((FqEngine *)&not_an_engine, GW, "x", T0, &out, &err) == FQ_STATUS_INVALID_HANDLE);
    fq_error_free(err);
    fq_engine_free(NULL);
    fq_string_free(NULL);
    fq_error_free(NULL);
    CHECK(fq_error_code(NULL) == FQ_STATUS_INTERNAL);
    CHECK(strcmp(fq_status_name(FQ_STATUS_LIFECYCLE), "lifecycle") == 0);
    CHECK(strcmp(fq_status_name(99), "unknown") == 0);
    CHECK(fq_version_number() == FQ_VERSION_NUMBER);
    CHECK(strcmp(fq_error_details(NULL), "null") == 0);
}

/* Hostile input a vendor tried from the header alone: each refused with the right status
 * and words, and nothing changed. */
static void test_hostile(const char *world) {
    FqEngine *e = NULL;
    FqError *err = NULL;
    char *code = NULL, *out = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    /* A forged decision: route is made by the engine, never taken from outside. */
    CHECK(fq_engine_apply(e, "system", code, "{\"op\":\"route\",\"decision\":{}}", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    CHECK(fq_engine_decide(e, GW, code, T0, &out, &err) == FQ_STATUS_OK);
    size_t n = strlen(out) + 64;
    char *op = malloc(n);
    snprintf(op, n, "{\"op\":\"route\",\"decision\":%s}", out);
    fq_string_free(out);
    CHECK(fq_engine_apply(e, "system", code, op, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "not accepted from outside"));
    fq_error_free(err);
    free(op);
    /* A dispute as a positional array. */
    CHECK(fq_engine_register(e, GW, "[\"neighbour\",\"household_visit\"]", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "JSON object"));
    fq_error_free(err);
    /* Year 0 and year 10000 in a date. */
    CHECK(fq_engine_weekly_dispatch(e, "system", "522301001000", "community", "0000-06-09", T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "2000 to 2099"));
    fq_error_free(err);
    /* A unit that does not exist: not found for everyone, no denial logged. */
    const char *nowhere = "{\"category\":\"neighbour\",\"channel\":\"walk_in\",\"parties\":[{\"person\":\"p0-0\"}],"
                          "\"location\":\"522301001009\",\"urgency\":\"low\",\"risk\":\"blue\",\"discovered_at\":\"2025-06-08T02:00:00Z\"}";
    CHECK(fq_engine_register(e, "{\"staff\":\"cs-522301000000\"}", nowhere, T0, &out, &err) == FQ_STATUS_NOT_FOUND);
    fq_error_free(err);
    CHECK(fq_engine_denials(e, &out, &err) == FQ_STATUS_OK);
    CHECK(strcmp(out, "[]") == 0);
    fq_string_free(out);
    /* A duplicate unit answers as duplicate people and staff do. */
    CHECK(fq_engine_add_unit(e, "{\"code\":\"522301001001001\",\"kind\":\"grid\",\"name\":\"x\"}", &err) == FQ_STATUS_DUPLICATE);
    fq_error_free(err);
    /* A grid worker placed on a household. */
    CHECK(fq_engine_add_staff(e, "{\"id\":\"gw-x\",\"name\":\"x\",\"role\":\"grid_worker\",\"unit\":\"5223010010010010101\"}", &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "serves a grid"));
    fq_error_free(err);
    /* The same party twice; an amount in 分 read as 元; a discovery in 1800. */
    const char *twice = "{\"category\":\"neighbour\",\"channel\":\"walk_in\",\"parties\":[{\"person\":\"p0-0\"},{\"person\":\"p0-0\"}],"
                        "\"location\":\"5223010010010010101\",\"urgency\":\"low\",\"risk\":\"blue\",\"discovered_at\":\"2025-06-08T02:00:00Z\"}";
    CHECK(fq_engine_register(e, GW, twice, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "named twice"));
    fq_error_free(err);
    const char *huge = "{\"category\":\"contract\",\"channel\":\"walk_in\",\"parties\":[{\"person\":\"p0-0\"}],\"amount_yuan\":18446744073709551615,"
                       "\"location\":\"5223010010010010101\",\"urgency\":\"low\",\"risk\":\"blue\",\"discovered_at\":\"2025-06-08T02:00:00Z\"}";
    CHECK(fq_engine_register(e, GW, huge, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "amount_yuan"));
    CHECK(CONTAINS(fq_error_details(err), "\"argument\":\"amount_yuan\""));
    fq_error_free(err);
    const char *ancient = "{\"category\":\"neighbour\",\"channel\":\"walk_in\",\"parties\":[{\"person\":\"p0-0\"}],"
                          "\"location\":\"5223010010010010101\",\"urgency\":\"low\",\"risk\":\"blue\",\"discovered_at\":\"1800-01-01T00:00:00Z\"}";
    CHECK(fq_engine_register(e, GW, ancient, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "before 1900"));
    fq_error_free(err);
    /* Updating someone who does not exist; a what-if whose second rule set is wrong. */
    CHECK(fq_engine_update_person(e, "{\"id\":\"nobody\",\"name\":\"x\",\"household\":\"5223010010010010101\"}", &err) == FQ_STATUS_NOT_FOUND);
    fq_error_free(err);
    CHECK(fq_engine_what_if(e, "", "{\"id\":\"a\",\"version\":\"1\",\"hit_policy\":\"first\",\"rules\":[{\"id\":\"all\",\"description\":\"every dispute\",\"then\":{\"level\":\"community\"}}]}",
                            "{\"id\":\"b\",\"version\":\"1\",\"hit_policy\":\"first\",\"rules\":[]}", &out, &err) == FQ_STATUS_RULE_SET);
    CHECK(CONTAINS(fq_error_message(err), "rules_b"));
    CHECK(CONTAINS(fq_error_details(err), "\"argument\":\"rules_b\""));
    fq_error_free(err);
    /* Nothing of the above changed the case: after its registration the journal holds
     * only the audit record of the refused calls. */
    CHECK(fq_engine_journal(e, 1, 1000, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"change\":{\"audit\":"));
    CHECK(!CONTAINS(out, "\"change\":{\"event\":"));
    fq_string_free(out);
    /* Once routed, a mediator off the case's team may read it but not handle it. */
    CHECK(fq_engine_route(e, "system", code, T0, NULL, &err) == FQ_STATUS_OK);
    const char *other = "{\"staff\":\"md-522301001001-2\"}";
    CHECK(fq_engine_apply(e, other, code, "{\"op\":\"accept\"}", T0, &out, &err) == FQ_STATUS_DENIED);
    CHECK(CONTAINS(fq_error_message(err), "team"));
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0, NULL, &err) == FQ_STATUS_OK);
    /* A resident's record is updated (journaled). */
    CHECK(fq_engine_update_person(e, "{\"id\":\"p0-0\",\"name\":\"新名\",\"household\":\"5223010010010010101\"}", &err) == FQ_STATUS_OK);
    CHECK(fq_engine_journal(e, 0, 100, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "person_updated"));
    fq_string_free(out);
    /* An input limit for this engine alone: a second engine keeps the process-wide one. */
    FqEngine *other_engine = NULL;
    CHECK(fq_engine_new(world, &other_engine, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_set_max_input_bytes(e, 64, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "fq_engine_set_max_input_bytes"));
    CHECK(CONTAINS(fq_error_details(err), "\"limit\":64"));
    fq_error_free(err);
    CHECK(fq_engine_register(other_engine, GW, DISPUTE, T0, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_set_max_input_bytes(e, 0, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_engine_set_max_input_bytes(NULL, 1, &err) == FQ_STATUS_NULL_POINTER);
    fq_error_free(err);
    fq_engine_free(other_engine);
    fq_string_free(code);
    fq_engine_free(e);
}

/* The rows of the README's bad-input table the other tests do not reach from C: the wrong
 * actor, the law's refusals, dates outside the case's history, a tampered trace, a year
 * without a holiday notice, another rule set under a loaded id@version. Each checks the
 * status and the words of the message. */
static void test_law_rows(const char *world) {
    FqEngine *e = NULL;
    FqError *err = NULL;
    char *code = NULL, *out = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    const char *labour = "{\"category\":\"labour\",\"channel\":\"walk_in\",\"parties\":[{\"person\":\"p0-0\"},{\"person\":\"p1-0\"}],"
                         "\"location\":\"5223010010010010101\",\"urgency\":\"medium\",\"risk\":\"yellow\",\"discovered_at\":\"2025-06-08T02:00:00Z\"}";
    const char *session = "{\"op\":\"record_session\",\"method\":\"bench_meeting\",\"parties_consent\":true}";
    const char *written = "{\"op\":\"resolve\",\"agreement\":{\"form\":\"written\",\"effective_on\":\"2025-06-09\",\"terms\":\"分期支付\",\"amount_yuan\":3000,"
                          "\"parties_signed\":true,\"mediator_signed\":true,\"committee_sealed\":true}}";
    CHECK(fq_engine_register(e, GW, labour, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_route(e, "system", code, T0, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_apply(e, MD, code, session, T0, NULL, &err) == FQ_STATUS_OK);
    /* The wrong actor: the household head is on the team but does not settle disputes. */
    CHECK(fq_engine_apply(e, "{\"staff\":\"hh-52230100100100101\"}", code, written, T0, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_details(err), "\"refusal\":\"not_permitted\""));
    CHECK(CONTAINS(fq_error_message(err), "a household head (联户长) may not"));
    fq_error_free(err);
    /* Against the law: an oral agreement in a labour dispute. */
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"resolve\",\"agreement\":{\"form\":\"oral\",\"effective_on\":\"2025-06-09\",\"terms\":\"x\"}}", T0, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_details(err), "\"refusal\":\"law\""));
    CHECK(CONTAINS(fq_error_message(err), "劳动争议调解仲裁法 art. 14"));
    fq_error_free(err);
    /* A date outside the case's history: an agreement effective in 1900. */
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"resolve\",\"agreement\":{\"form\":\"written\",\"effective_on\":\"1900-01-01\",\"terms\":\"x\","
                                      "\"parties_signed\":true,\"mediator_signed\":true,\"committee_sealed\":true}}", T0, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_message(err), "1900-01-01"));
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, written, T0, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_apply(e, GW, code, "{\"op\":\"verify\",\"satisfied\":true}", T0 + DAY, NULL, &err) == FQ_STATUS_OK);
    /* A one-sided application, then a backdated joint one. */
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"apply_confirmation\",\"applied_on\":\"2025-06-11\",\"applicants\":[{\"person\":\"p0-0\"}]}", T0 + 2 * DAY, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_message(err), "人民调解法 art. 33"));
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"apply_confirmation\",\"applied_on\":\"2025-06-09\",\"applicants\":[{\"person\":\"p0-0\"},{\"person\":\"p1-0\"}]}", T0 + 2 * DAY, &out, &err) == FQ_STATUS_LIFECYCLE);
    CHECK(CONTAINS(fq_error_message(err), "last recorded step"));
    fq_error_free(err);
    /* A tampered trace: the agreed amount changed after the fact. */
    CHECK(fq_engine_trace_jsonl(e, MD, code, T0 + 2 * DAY, &out, &err) == FQ_STATUS_OK);
    char *at = strstr(out, "\"amount_yuan\":3000");
    CHECK(at != NULL);
    if (at) {
        at[15] = '9';
        char *verified = NULL;
        CHECK(fq_trace_verify(out, &verified, &err) == FQ_STATUS_TRACE);
        CHECK(CONTAINS(fq_error_message(err), "changed"));
        fq_error_free(err);
    }
    fq_string_free(out);
    /* A year without a holiday notice. */
    CHECK(fq_engine_missing_reports(e, "system", "522301001001", "2027-01-04", T0 + 2 * DAY, &out, &err) == FQ_STATUS_CALENDAR);
    CHECK(CONTAINS(fq_error_message(err), "2027"));
    fq_error_free(err);
    /* Another rule set under a loaded id@version. */
    CHECK(fq_engine_rules(e, &out, &err) == FQ_STATUS_OK);
    char *desc = strstr(out, "\"description\":\"");
    CHECK(desc != NULL);
    if (desc) {
        desc[15] = 'X';
        CHECK(fq_engine_load_rules(e, "system", out, T0 + 2 * DAY, NULL, &err) == FQ_STATUS_DUPLICATE);
        CHECK(CONTAINS(fq_error_message(err), "version"));
        fq_error_free(err);
    }
    fq_string_free(out);
    /* A division code whose parts are impossible; an identity number with address code
     * 000000 (never echoed); an empty argument. */
    CHECK(fq_engine_add_unit(e, "{\"code\":\"522301001000001\",\"kind\":\"grid\",\"name\":\"x\"}", &err) == FQ_STATUS_HIERARCHY);
    CHECK(fq_error_message(err)[0] != '\0');
    fq_error_free(err);
    CHECK(fq_engine_add_person(e, "{\"id\":\"z\",\"name\":\"z\",\"id_number\":\"000000198501011230\",\"household\":\"5223010010010010101\"}", &err) == FQ_STATUS_IDENTITY);
    CHECK(CONTAINS(fq_error_message(err), "address code"));
    CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"id_address\""));
    CHECK(!CONTAINS(fq_error_message(err), "000000198501011230"));
    fq_error_free(err);
    CHECK(fq_engine_register(e, GW, "  ", T0 + 2 * DAY, &out, &err) == FQ_STATUS_INVALID_INPUT);
    CHECK(CONTAINS(fq_error_message(err), "is empty"));
    fq_error_free(err);
    /* A birth date in the future (GB 11643 digits 7-14: 2099-01-01) is refused when the
     * host gives the time, and nothing is added; a real one is accepted (issue 31). */
    {
        const char *born_2099 = "{\"id\":\"p-2099\",\"name\":\"x\",\"id_number\":\"522301209901010112\",\"household\":\"5223010010010010101\"}";
        CHECK(fq_engine_add_person_at(e, born_2099, T0, &err) == FQ_STATUS_INVALID_INPUT);
        CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"born_in_future\""));
        CHECK(CONTAINS(fq_error_message(err), "2099-01-01"));
        fq_error_free(err);
        CHECK(fq_engine_update_person_at(e, born_2099, T0, &err) == FQ_STATUS_INVALID_INPUT);
        CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"born_in_future\""));
        fq_error_free(err);
        CHECK(fq_engine_add_person_at(e, "{\"id\":\"p-1985\",\"name\":\"x\",\"household\":\"5223010010010010101\"}", T0, &err) == FQ_STATUS_OK);
    }
    fq_string_free(code);
    fq_engine_free(e);
}

/* The host's loop: apply, read the journal after the stored position, store; restart;
 * restore from the world document and the stored entries; the same engine. */
static void test_persistence(const char *world) {
    FqEngine *e = NULL, *again = NULL, *from_snap = NULL;
    FqError *err = NULL;
    char *code = NULL, *out = NULL, *journal = NULL, *head = NULL, *head2 = NULL, *snap = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_route(e, "system", code, T0, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_set_available(e, "gw-522301001002002", false, &err) == FQ_STATUS_OK);
    /* A stale expected version: a conflict, nothing changes. */
    CHECK(fq_engine_apply_expecting(e, MD, code, "{\"op\":\"expedite\"}", 2, T0, &out, &err) == FQ_STATUS_CONFLICT);
    CHECK(CONTAINS(fq_error_details(err), "\"actual\":3"));
    fq_error_free(err);
    CHECK(fq_engine_apply_expecting(e, MD, code, "{\"op\":\"record_session\",\"method\":\"bench_meeting\",\"parties_consent\":true}", 3, T0, NULL, &err) == FQ_STATUS_OK);
    /* The journal in two pages, as a host reads it after its last stored position. */
    char *page1 = NULL, *page2 = NULL;
    CHECK(fq_engine_journal(e, 0, 2, &page1, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_journal(e, 2, 100, &page2, &err) == FQ_STATUS_OK);
    size_t n = strlen(page1) + strlen(page2) + 1;
    journal = malloc(n);
    snprintf(journal, n, "%s%s", page1, page2);
    fq_string_free(page1);
    fq_string_free(page2);
    CHECK(CONTAINS(journal, "\"seq\":5,"));
    CHECK(fq_engine_journal_head(e, &head, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(head, "\"seq\":5"));
    CHECK(fq_engine_snapshot(e, &snap, &err) == FQ_STATUS_OK);
    /* The same restart from (pointer, length) buffers: no NUL needed, the length is
     * respected (bytes after it are not read), and a NULL buffer needs length 0. */
    {
        FqEngine *n = NULL;
        size_t wl = strlen(world), jl = strlen(journal);
        char *wbuf = malloc(wl + 4), *jbuf = malloc(jl + 4);
        memcpy(wbuf, world, wl);
        memcpy(wbuf + wl, "XXXX", 4);
        memcpy(jbuf, journal, jl);
        memcpy(jbuf + jl, "\xff\xff\xff\xff", 4);
        CHECK(fq_engine_restore_n(wbuf, wl, jbuf, jl, &n, &err) == FQ_STATUS_OK);
        char *nh = NULL;
        CHECK(fq_engine_journal_head(n, &nh, &err) == FQ_STATUS_OK);
        CHECK(CONTAINS(nh, "\"seq\":5"));
        fq_string_free(nh);
        fq_engine_free(n);
        CHECK(fq_engine_new_n(wbuf, wl, &n, &err) == FQ_STATUS_OK);
        fq_engine_free(n);
        CHECK(fq_engine_new_n(NULL, 10, &n, &err) == FQ_STATUS_NULL_POINTER);
        fq_error_free(err);
        CHECK(fq_engine_restore_n(wbuf, wl, jbuf, jl + 4, &n, &err) == FQ_STATUS_INVALID_UTF8);
        CHECK(CONTAINS(fq_error_message(err), "journal"));
        fq_error_free(err);
        CHECK(fq_engine_restore_snapshot_n(snap, strlen(snap), NULL, 0, &n, &err) == FQ_STATUS_OK);
        fq_engine_free(n);
        free(wbuf);
        free(jbuf);
    }
    /* Restart: the same engine from the world document and the journal. */
    CHECK(fq_engine_restore(world, journal, &again, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_journal_head(again, &head2, &err) == FQ_STATUS_OK);
    CHECK(head2 && strcmp(head, head2) == 0);
    fq_string_free(head2);
    head2 = NULL;
    CHECK(fq_engine_case_head(again, code, &out, &err) == FQ_STATUS_OK);
    char *orig = NULL;
    CHECK(fq_engine_case_head(e, code, &orig, &err) == FQ_STATUS_OK);
    CHECK(out && orig && strlen(out) == 64 && strcmp(out, orig) == 0);
    fq_string_free(out);
    fq_string_free(orig);
    CHECK(fq_engine_verify(again, code, &err) == FQ_STATUS_OK);
    /* From the snapshot and an empty tail. */
    CHECK(fq_engine_restore_snapshot(snap, "", &from_snap, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_journal_head(from_snap, &head2, &err) == FQ_STATUS_OK);
    CHECK(head2 && strcmp(head, head2) == 0);
    /* Stored entries may be released: reading them again is refused, the chain goes on. */
    CHECK(fq_engine_release_journal(e, 5, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_journal(e, 0, 10, &out, &err) == FQ_STATUS_JOURNAL);
    CHECK(CONTAINS(fq_error_details(err), "unavailable"));
    fq_error_free(err);
    /* A tampered journal: refused whole, the entry named. */
    char *tampered = malloc(strlen(journal) + 1);
    memcpy(tampered, journal, strlen(journal) + 1);
    char *at = strstr(tampered, "\"op\":\"accept\"");
    CHECK(at != NULL);
    if (at) memcpy(at + 6, "ACCEPT", 6);
    FqEngine *bad = NULL;
    CHECK(fq_engine_restore(world, tampered, &bad, &err) == FQ_STATUS_JOURNAL);
    CHECK(bad == NULL);
    CHECK(CONTAINS(fq_error_details(err), "\"seq\":3"));
    fq_error_free(err);
    /* A byte that is not UTF-8 inside entry 3's accept note: a JOURNAL error naming the
     * line and the entry, as README's table promises, not INVALID_UTF8 (issue 31). */
    memcpy(tampered, journal, strlen(journal) + 1);
    at = strstr(tampered, "\"op\":\"accept\"");
    CHECK(at != NULL);
    if (at) at[6] = (char)0xFF;
    CHECK(fq_engine_restore(world, tampered, &bad, &err) == FQ_STATUS_JOURNAL);
    CHECK(bad == NULL);
    CHECK(CONTAINS(fq_error_details(err), "\"seq\":3"));
    CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"unreadable\""));
    CHECK(CONTAINS(fq_error_message(err), "line 3 (entry 3) is not UTF-8"));
    fq_error_free(err);
    free(tampered);
    /* Not JSON Lines at all. */
    CHECK(fq_engine_restore(world, "{nope", &bad, &err) == FQ_STATUS_JOURNAL);
    CHECK(CONTAINS(fq_error_details(err), "\"problem\":\"unreadable\""));
    fq_error_free(err);
    fq_string_free(head);
    fq_string_free(head2);
    fq_string_free(snap);
    fq_string_free(code);
    free(journal);
    fq_engine_free(e);
    fq_engine_free(again);
    fq_engine_free(from_snap);
}

#ifdef FQ_DEBUG_PANIC
static void test_panic(void) {
    FqError *err = NULL;
    CHECK(fq_debug_panic(&err) == FQ_STATUS_INTERNAL);
    CHECK(CONTAINS(fq_error_message(err), "fq_debug_panic"));
    fq_error_free(err);
    CHECK(fq_debug_panic(NULL) == FQ_STATUS_INTERNAL);
}
#endif

#define THREADS 8
#define PER_THREAD 12
static FqEngine *shared;
static int thread_failures = 0;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char *code = NULL, *out = NULL;
        FqError *err = NULL;
        int ok = fq_engine_register(shared, GW, DISPUTE, T0 + id * 1000 + i, &code, &err) == FQ_STATUS_OK
              && fq_engine_route(shared, "\"system\"", code, T0 + DAY, &out, &err) == FQ_STATUS_OK;
        fq_string_free(out);
        out = NULL;
        /* The centre accepts: the router spreads the cases over both mediators, and only a
           case's own team (or its centre, or a unit above) acts on it. */
        ok = ok && fq_engine_apply(shared, CC, code, "{\"op\":\"accept\"}", T0 + DAY, &out, &err) == FQ_STATUS_OK;
        ok = ok && fq_engine_verify(shared, code, &err) == FQ_STATUS_OK;
        if (!ok) {
            pthread_mutex_lock(&fail_lock);
            thread_failures++;
            fprintf(stderr, "thread %ld: %s\n", id, fq_error_message(err));
            pthread_mutex_unlock(&fail_lock);
        }
        fq_error_free(err);
        fq_string_free(out);
        fq_string_free(code);
    }
    return NULL;
}

static void test_threads(const char *world) {
    FqError *err = NULL;
    CHECK(fq_engine_new(world, &shared, &err) == FQ_STATUS_OK);
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    CHECK(thread_failures == 0);
    char *out = NULL;
    CHECK(fq_engine_statistics(shared, "\"system\"", "{}", T0 + DAY, &out, &err) == FQ_STATUS_OK);
    char expected[64];
    snprintf(expected, sizeof expected, "\"screened\":%d,", THREADS * PER_THREAD);
    CHECK(CONTAINS(out, expected));
    fq_string_free(out);
    fq_engine_free(shared);
}

/* ---- 国密: a host's module behind callbacks. A toy stands in for the module here (the
 * wiring is what is tested; SM2 and SM4 themselves are tested against the standards'
 * vectors in Rust, and the built-in SM2 below). */
static unsigned toy_key(const char *subject) {
    unsigned h = 2166136261u;
    for (const char *c = subject; *c; c++) h = (h ^ (unsigned char)*c) * 16777619u;
    return h;
}
static int toy_fail_signing = 0;
static int toy_sign(void *ctx, const uint8_t *m, size_t n, uint8_t *sig, size_t cap, size_t *len) {
    (void)ctx;
    if (toy_fail_signing || cap < 8) return 7;
    unsigned a = 1, b = 0;
    for (size_t i = 0; i < n; i++) { a = (a + m[i]) % 65521u; b = (b + a) % 65521u; }
    unsigned v = (b << 16) | a;
    for (int i = 0; i < 8; i++) sig[i] = (uint8_t)((v >> ((i % 4) * 8)) ^ 0x5a);
    *len = 8;
    return 0;
}
static int toy_verify(void *ctx, const char *alg, const char *key_id, const uint8_t *m, size_t n,
                      const uint8_t *sig, size_t sig_len) {
    uint8_t want[8];
    size_t len = 0;
    if (strcmp(alg, "TOY") != 0 || strcmp(key_id, "toy-1") != 0) return 1;
    toy_sign(ctx, m, n, want, sizeof want, &len);
    return (sig_len == len && memcmp(want, sig, len) == 0) ? 0 : 1;
}
static char toy_erased[8][64];
static int toy_erased_n = 0;
static int toy_is_erased(const char *subject) {
    for (int i = 0; i < toy_erased_n; i++) if (strcmp(toy_erased[i], subject) == 0) return 1;
    return 0;
}
static int toy_xor(void *ctx, const char *subject, const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *len) {
    (void)ctx;
    if (toy_is_erased(subject) || cap < n) return 3;
    unsigned k = toy_key(subject);
    for (size_t i = 0; i < n; i++) out[i] = in[i] ^ (uint8_t)(k >> ((i % 4) * 8));
    *len = n;
    return 0;
}
static int toy_erase(void *ctx, const char *subject) {
    (void)ctx;
    if (toy_erased_n < 8) { strncpy(toy_erased[toy_erased_n], subject, 63); toy_erased[toy_erased_n++][63] = 0; }
    return 0;
}

static char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    memcpy(d, s, n);
    return d;
}

static char *whole_journal(FqEngine *e) {
    char *j = NULL;
    FqError *err = NULL;
    CHECK(fq_engine_journal(e, 0, 100000, &j, &err) == FQ_STATUS_OK);
    return j;
}

static void test_security(const char *world) {
    FqEngine *e = NULL;
    FqError *err = NULL;
    char *code = NULL, *out = NULL, *head = NULL, *pub = NULL, *journal = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    /* No signer yet: refused by name. */
    CHECK(fq_engine_sign_head(e, "journal", T0, &out, &err) == FQ_STATUS_SIGNATURE);
    CHECK(CONTAINS(fq_error_message(err), "fq_engine_set_signer"));
    fq_error_free(err);
    /* The built-in SM2 signer with the key of GB/T 32918.5 Annex A derives its published key. */
    CHECK(fq_engine_set_sm2_signer(e, "centre-2025",
          "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8", &pub, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(pub, "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"));
    CHECK(fq_engine_set_sm2_signer(e, "x", "zz", NULL, &err) == FQ_STATUS_SIGNATURE);
    CHECK(CONTAINS(fq_error_message(err), "secret"));
    fq_error_free(err);
    /* Protection through the host's callbacks, then a case whose description is sealed. */
    CHECK(fq_engine_set_protector(e, "TOY-XOR", toy_xor, toy_xor, NULL, NULL, &err) == FQ_STATUS_NULL_POINTER);
    CHECK(CONTAINS(fq_error_message(err), "erase"));
    fq_error_free(err);
    CHECK(fq_engine_set_protector(e, "TOY-XOR", toy_xor, toy_xor, toy_erase, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_register(e, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_route(e, "system", code, T0, NULL, &err) == FQ_STATUS_OK);
    journal = whole_journal(e);
    CHECK(!CONTAINS(journal, "院墙排水"));
    CHECK(CONTAINS(journal, "fq-sealed/1:TOY-XOR:"));
    /* The mediator reads it whole (audited); the grid worker sees a mask. */
    CHECK(fq_engine_view_case(e, MD, code, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "院墙排水"));
    fq_string_free(out);
    CHECK(fq_engine_view_case(e, GW, code, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(!CONTAINS(out, "院墙排水") && CONTAINS(out, "受保护"));
    fq_string_free(out);
    CHECK(fq_engine_sign_head(e, "journal", T0, &head, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(head, "\"subject\":\"journal\"") && CONTAINS(head, "\"algorithm\":\"SM2\""));
    /* Verify the journal against the head with the SM2 public key. */
    size_t hl = strlen(head) + 3;
    char *heads = malloc(hl);
    snprintf(heads, hl, "[%s]", head);
    char keyjson[300];
    snprintf(keyjson, sizeof keyjson, "{\"centre-2025\":\"%s\"}", pub);
    fq_string_free(journal);
    journal = whole_journal(e);
    CHECK(fq_verify_heads_sm2(world, journal, heads, keyjson, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"unsigned\":0"));
    fq_string_free(out);
    /* The register of every case's head, signed once, verified against the journal. */
    {
        char *reg = NULL, *regs = NULL;
        CHECK(fq_engine_sign_head(e, "register", T0, &reg, &err) == FQ_STATUS_OK);
        CHECK(CONTAINS(reg, "\"subject\":\"register\"") && CONTAINS(reg, "\"seq\":1,"));
        size_t rl = strlen(reg) + 3;
        regs = malloc(rl);
        snprintf(regs, rl, "[%s]", reg);
        CHECK(fq_verify_heads_sm2(world, journal, regs, keyjson, &out, &err) == FQ_STATUS_OK);
        /* The register head alone is counted as the head it checked (issue 31). */
        CHECK(CONTAINS(out, "\"heads\":1"));
        fq_string_free(out);
        free(regs);
        fq_string_free(reg);
    }
    /* One case verified on its own (issue 33): its trace and its signed head, no world, no
     * journal — what a court does with the one case it receives. */
    {
        char *ch = NULL, *chs = NULL, *trace = NULL;
        CHECK(fq_engine_sign_head(e, code, T0, &ch, &err) == FQ_STATUS_OK);
        size_t n = strlen(ch) + 3;
        chs = malloc(n);
        snprintf(chs, n, "[%s]", ch);
        CHECK(fq_engine_trace_jsonl(e, "system", code, T0, &trace, &err) == FQ_STATUS_OK);
        CHECK(fq_verify_case_sm2(trace, chs, keyjson, &out, &err) == FQ_STATUS_OK);
        CHECK(CONTAINS(out, "\"heads\":1") && CONTAINS(out, "\"unsigned\":0"));
        fq_string_free(out);
        /* The journal's head is no head of the case: a bare trace proves only it is unbroken. */
        CHECK(fq_verify_case_sm2(trace, heads, keyjson, &out, &err) == FQ_STATUS_SIGNATURE);
        CHECK(CONTAINS(fq_error_message(err), "no signed head"));
        fq_error_free(err);
        /* Another key, and a trace whose last event was dropped. */
        CHECK(fq_verify_case_sm2(trace, chs, "{\"centre-2025\":\"04ab\"}", &out, &err) == FQ_STATUS_SIGNATURE);
        fq_error_free(err);
        char *first = dup(trace);
        *(strchr(first, '\n') + 1) = 0;
        CHECK(fq_verify_case_sm2(first, chs, keyjson, &out, &err) == FQ_STATUS_SIGNATURE);
        CHECK(CONTAINS(fq_error_message(err), "truncated"));
        fq_error_free(err);
        free(first);
        CHECK(fq_verify_case_sm2("", chs, keyjson, &out, &err) == FQ_STATUS_INVALID_INPUT);
        fq_error_free(err);
        fq_string_free(trace);
        free(chs);
        fq_string_free(ch);
    }
    /* Cut short (the last entry dropped): refused as truncated. */
    char *cut = dup(journal);
    size_t cl = strlen(cut);
    cut[cl - 1] = 0;
    *(strrchr(cut, '\n') + 1) = 0;
    CHECK(fq_verify_heads_sm2(world, cut, heads, keyjson, &out, &err) == FQ_STATUS_SIGNATURE);
    CHECK(CONTAINS(fq_error_message(err), "truncated"));
    CHECK(out == NULL);
    fq_error_free(err);
    free(cut);
    /* A head whose position was changed no longer verifies. */
    char *moved = dup(heads);
    char *seq = strstr(moved, "\"seq\":");
    seq[6] = seq[6] == '1' ? '2' : '1';
    CHECK(fq_verify_heads_sm2(world, journal, moved, keyjson, &out, &err) == FQ_STATUS_SIGNATURE);
    fq_error_free(err);
    free(moved);
    CHECK(fq_verify_heads_sm2(world, journal, heads, "{\"centre-2025\":\"04ab\"}", &out, &err) == FQ_STATUS_SIGNATURE);
    CHECK(CONTAINS(fq_error_message(err), "public_key"));
    fq_error_free(err);
    free(heads);
    /* A host signer and verifier by callback. */
    CHECK(fq_engine_set_signer(e, "TOY", "toy-1", toy_sign, NULL, &err) == FQ_STATUS_OK);
    fq_string_free(head);
    CHECK(fq_engine_sign_head(e, code, T0, &head, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(head, "\"subject\":{\"case\":"));
    hl = strlen(head) + 3;
    heads = malloc(hl);
    snprintf(heads, hl, "[%s]", head);
    CHECK(fq_verify_heads(world, journal, heads, toy_verify, NULL, &out, &err) == FQ_STATUS_OK);
    fq_string_free(out);
    CHECK(fq_verify_heads(world, journal, heads, NULL, NULL, &out, &err) == FQ_STATUS_NULL_POINTER);
    fq_error_free(err);
    {
        /* The one case with the host's verifier, as a court's platform would. */
        char *trace = NULL;
        CHECK(fq_engine_trace_jsonl(e, "system", code, T0, &trace, &err) == FQ_STATUS_OK);
        CHECK(fq_verify_case(trace, heads, toy_verify, NULL, &out, &err) == FQ_STATUS_OK);
        CHECK(CONTAINS(out, "\"heads\":1"));
        fq_string_free(out);
        CHECK(fq_verify_case(trace, heads, NULL, NULL, &out, &err) == FQ_STATUS_NULL_POINTER);
        fq_error_free(err);
        fq_string_free(trace);
    }
    toy_fail_signing = 1;
    CHECK(fq_engine_sign_head(e, "journal", T0, &out, &err) == FQ_STATUS_SIGNATURE);
    CHECK(CONTAINS(fq_error_message(err), "returned 7"));
    fq_error_free(err);
    toy_fail_signing = 0;
    free(heads);
    /* Erasure: refused while the case is open; once it is closed, the case's text is gone
     * for everyone; the audit record has it all. */
    CHECK(fq_engine_erase_personal(e, CC, code, T0 + DAY, &err) == FQ_STATUS_PROTECTION);
    CHECK(CONTAINS(fq_error_message(err), "is open"));
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"accept\"}", T0 + DAY, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"terminate\",\"reason\":\"一方拒绝调解\",\"routes\":[\"litigation\"]}", T0 + DAY, NULL, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_erase_personal(e, CC, code, T0 + DAY, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_view_case(e, MD, code, T0 + DAY, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "已删除") && !CONTAINS(out, "院墙排水"));
    fq_string_free(out);
    CHECK(fq_engine_erase_personal(e, CC, "nobody", T0 + DAY, &err) == FQ_STATUS_NOT_FOUND);
    fq_error_free(err);
    CHECK(fq_engine_apply(e, MD, code, "{\"op\":\"terminate\",\"reason\":\"x\",\"routes\":[]}", T0 + DAY, &out, &err) != FQ_STATUS_OK);
    fq_error_free(err);
    CHECK(fq_engine_audit_record(e, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"outcome\":\"read_whole\""));
    CHECK(CONTAINS(out, "\"outcome\":\"erased\""));
    CHECK(CONTAINS(out, "\"action\":\"terminate\",\"outcome\":\"refused\""));
    fq_string_free(out);
    fq_string_free(journal);
    fq_string_free(head);
    fq_string_free(pub);
    fq_string_free(code);
    fq_engine_free(e);
}

/* Two engines exchanging a case through the C ABI (issue 33): the street's engine sends a
 * signed document, the county's checks it and takes it in once, returns the result, and
 * the street takes the county's steps into its trace; every refusal has its own status. */
static void test_transfer(const char *world) {
    FqEngine *street = NULL, *county = NULL;
    FqError *err = NULL;
    char *code = NULL, *doc = NULL, *out = NULL, *pub = NULL, *back = NULL;
    const char *SC = "{\"staff\":\"cs-522301001000\"}", *KC = "{\"staff\":\"cs-522301000000\"}";
    CHECK(fq_engine_new(world, &street, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_new(world, &county, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_set_sm2_signer(street, "street-2026",
          "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8", &pub, &err) == FQ_STATUS_OK);
    char keys[300];
    snprintf(keys, sizeof keys, "{\"street-2026\":\"%s\"}", pub);
    CHECK(fq_engine_register(street, GW, DISPUTE, T0, &code, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_transfer_out(street, SC, code, "{\"unit\":\"522301000000\"}", "sideways", NULL, T0, &doc, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    CHECK(fq_engine_transfer_out(street, SC, code, "{\"unit\":\"522301000000\"}", "escalation", "涉及多户", T0, &doc, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(doc, "\"format\":\"fengqiao-transfer/1\"") && CONTAINS(doc, "\"key_id\":\"street-2026\""));
    CHECK(fq_transfer_check(doc, keys, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"signature_checked\":true"));
    fq_string_free(out);
    /* A key the county does not trust; then taken in, twice (the second changes nothing). */
    CHECK(fq_engine_intake(county, KC, doc, "{}", T0, &out, &err) == FQ_STATUS_SIGNATURE);
    fq_error_free(err);
    CHECK(fq_engine_intake(county, KC, doc, keys, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"added\":3"));
    fq_string_free(out);
    CHECK(fq_engine_intake(county, KC, doc, keys, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"added\":0"));
    fq_string_free(out);
    /* A result sent anywhere but back is refused; back to the street it goes. */
    CHECK(fq_engine_transfer_out(county, KC, code, "{\"unit\":\"522301001001\"}", "result", NULL, T0, &back, &err) == FQ_STATUS_LIFECYCLE);
    fq_error_free(err);
    CHECK(fq_engine_transfer_out(county, KC, code, "{\"unit\":\"522301001000\"}", "result", NULL, T0, &back, &err) == FQ_STATUS_OK);
    CHECK(fq_engine_intake(street, SC, back, NULL, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"added\":3"));
    fq_string_free(out);
    /* The county's document offered again to the county, which sent it: nothing changes. */
    CHECK(fq_engine_intake(county, KC, back, NULL, T0, &out, &err) == FQ_STATUS_OK);
    CHECK(CONTAINS(out, "\"added\":0"));
    fq_string_free(out);
    /* Not a document of this form. */
    CHECK(fq_engine_intake(county, KC, "{\"format\":1}", NULL, T0, &out, &err) == FQ_STATUS_INVALID_INPUT);
    fq_error_free(err);
    fq_string_free(back);
    fq_string_free(doc);
    fq_string_free(code);
    fq_string_free(pub);
    fq_engine_free(street);
    fq_engine_free(county);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s world.json history.jsonl rules.json\n", argv[0]);
        return 2;
    }
    char *world = read_file(argv[1]);
    char *history = read_file(argv[2]);
    char *rules_b = read_file(argv[3]);
    test_version();
    test_bad_construction(world);
    FqEngine *e = NULL;
    FqError *err = NULL;
    CHECK(fq_engine_new(world, &e, &err) == FQ_STATUS_OK);
    test_life(e);
    test_rules(e);
    test_operations(e, history, rules_b);
    fq_engine_free(e);
    test_time_limits(world);
    test_handles(world);
    test_persistence(world);
    test_hostile(world);
    test_law_rows(world);
    test_security(world);
    test_transfer(world);
#ifdef FQ_DEBUG_PANIC
    test_panic();
#endif
    test_threads(world);
    free(world);
    free(history);
    free(rules_b);
    return fq_summary("ffi C suite");
}
