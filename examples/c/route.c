/* Build a world, register and route a dispute, walk it to an agreement and read its trace:
 * the C API in one page. Usage: route world.json dispute.json
 *
 *   cargo build -p fengqiao-ffi
 *   gcc -Iffi/include examples/c/route.c target/debug/libfengqiao_ffi.a -lpthread -ldl -lm -o route
 */
#include <stdio.h>
#include <stdlib.h>
#include "fengqiao.h"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* Prints the error, frees it and returns 1. */
static int fail(const char *what, FqError *err) {
    fprintf(stderr, "%s failed (status %d): %s\ndetails: %s\n", what, (int)fq_error_code(err),
            fq_error_message(err), fq_error_details(err));
    fq_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s world.json dispute.json\n", argv[0]); return 2; }
    char *world = slurp(argv[1]), *dispute = slurp(argv[2]);
    const int64_t now = 1758763800000LL; /* 2025-09-25 09:30 China time */
    const char *grid_worker = "{\"staff\":\"gw-522301001001001\"}";
    const char *mediator = "{\"staff\":\"md-522301001001-1\"}";
    FqEngine *engine = NULL;
    FqError *err = NULL;
    char *code = NULL, *decision = NULL, *state = NULL, *trace = NULL;
    int rc = 0;

    printf("fengqiao %s\n", fq_version());
    if (fq_engine_new(world, &engine, &err) != FQ_STATUS_OK) { rc = fail("fq_engine_new", err); goto done; }
    if (fq_engine_register(engine, grid_worker, dispute, now, &code, &err)) { rc = fail("register", err); goto done; }
    printf("registered %s\n", code);
    if (fq_engine_route(engine, "\"system\"", code, now, &decision, &err)) { rc = fail("route", err); goto done; }
    printf("decision: %.300s...\n", decision);
    if (fq_engine_apply(engine, mediator, code, "{\"op\":\"accept\"}", now, &state, &err)) { rc = fail("accept", err); goto done; }
    fq_string_free(state);
    state = NULL;
    /* A refused operation: errors are values, with machine-readable details. */
    if (fq_engine_apply(engine, mediator, code, "{\"op\":\"close\"}", now, &state, &err) == FQ_STATUS_LIFECYCLE) {
        printf("refused as expected: %s\n", fq_error_details(err));
        fq_error_free(err);
        err = NULL;
    }
    if (fq_engine_trace_jsonl(engine, mediator, code, now, &trace, &err)) { rc = fail("trace", err); goto done; }
    printf("trace (JSON Lines):\n%.400s...\n", trace);
    if (fq_engine_verify(engine, code, &err)) { rc = fail("verify", err); goto done; }
    printf("trace verified\n");

done:
    fq_string_free(code);
    fq_string_free(decision);
    fq_string_free(state);
    fq_string_free(trace);
    fq_engine_free(engine);
    free(world);
    free(dispute);
    return rc;
}
