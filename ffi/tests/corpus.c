/* The scenario corpus (tests/scenarios) through the C ABI. `fengqiao-corpus plan` writes
 * the scenarios as a plan this runner reads without a JSON parser; this runner calls each
 * step's function (corpus_calls.c, generated from the table of operations), writes what it
 * returned, and `fengqiao-corpus check` asserts those outcomes against the corpus, as the
 * Rust, Java and Node runners assert theirs. Run from the repository's root:
 *   corpus PLAN OUTCOMES */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fengqiao.h"
#include "corpus_calls.c"

#define MAX_ARGS 8
#define MAX_VARS 16

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    if (len) *len = (size_t)n;
    return buf;
}

/* The plan, read as a cursor over its bytes. */
typedef struct {
    char *p, *end;
} Cursor;

/* The next line, NUL-terminated in place (the newline replaced). */
static char *line(Cursor *c) {
    if (c->p >= c->end) return NULL;
    char *start = c->p;
    char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl) nl = c->end;
    *nl = '\0';
    c->p = nl + 1;
    return start;
}

/* `len` bytes and their newline, NUL-terminated in place. */
static char *bytes(Cursor *c, long len) {
    char *start = c->p;
    start[len] = '\0';
    c->p += len + 1;
    return start;
}

typedef struct {
    char *name, *value;
} Var;

/* strdup is POSIX, not C11. */
static char *copy(const char *s) {
    size_t n = strlen(s) + 1;
    char *out = malloc(n);
    memcpy(out, s, n);
    return out;
}

/* `text` with every `$name` replaced by its saved value, longest names first. */
static char *substitute(const char *text, Var *vars, int nvars) {
    size_t cap = strlen(text) + 1;
    for (int i = 0; i < nvars; i++) cap += strlen(vars[i].value) * 8;
    char *out = malloc(cap);
    size_t o = 0;
    for (const char *p = text; *p;) {
        int best = -1;
        size_t best_len = 0;
        if (*p == '$') {
            for (int i = 0; i < nvars; i++) {
                size_t n = strlen(vars[i].name);
                if (n > best_len && strncmp(p + 1, vars[i].name, n) == 0) {
                    best = i;
                    best_len = n;
                }
            }
        }
        if (best >= 0) {
            size_t n = strlen(vars[best].value);
            memcpy(out + o, vars[best].value, n);
            o += n;
            p += best_len + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

static void outcome(FILE *f, const char *status, const char *text) {
    if (text) {
        fprintf(f, "outcome %s %zu\n%s\n", status, strlen(text), text);
    } else {
        fprintf(f, "outcome %s -1\n\n", status);
    }
}

/* Rebuilds the engine from its world and whole journal, as a host after a crash. */
static FqEngine *restart(FqEngine *e, const char *world, FILE *f) {
    FqError *err = NULL;
    char *journal = NULL, *head = NULL, *again = NULL;
    FqEngine *e2 = NULL;
    int st = fq_engine_journal(e, 0, UINT64_MAX, &journal, &err);
    if (st == FQ_STATUS_OK) st = fq_engine_journal_head(e, &head, &err);
    if (st == FQ_STATUS_OK) st = fq_engine_restore(world, journal, &e2, &err);
    if (st == FQ_STATUS_OK) st = fq_engine_journal_head(e2, &again, &err);
    if (st != FQ_STATUS_OK) {
        outcome(f, fq_status_name(st), fq_error_message(err));
    } else if (strcmp(head, again) != 0) {
        outcome(f, "journal", "the restored engine's journal head differs");
    } else {
        outcome(f, "ok", NULL);
    }
    fq_error_free(err);
    fq_string_free(journal);
    fq_string_free(head);
    fq_string_free(again);
    if (e2) {
        fq_engine_free(e);
        return e2;
    }
    return e;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: corpus PLAN OUTCOMES\n");
        return 2;
    }
    size_t plan_len = 0;
    char *plan = read_file(argv[1], &plan_len);
    FILE *f = fopen(argv[2], "wb");
    if (!plan || !f) {
        fprintf(stderr, "corpus: cannot read %s or write %s\n", argv[1], argv[2]);
        return 2;
    }
    Cursor c = {plan, plan + plan_len};
    FqEngine *e = NULL;
    char *world = NULL;
    Var vars[MAX_VARS];
    int nvars = 0, scenarios = 0, steps = 0;
    char *l;
    while ((l = line(&c)) != NULL) {
        if (strncmp(l, "scenario ", 9) == 0) {
            scenarios++;
        } else if (strncmp(l, "world ", 6) == 0) {
            world = read_file(l + 6, NULL);
            FqError *err = NULL;
            if (!world || fq_engine_new(world, &e, &err) != FQ_STATUS_OK) {
                fprintf(stderr, "corpus: the world %s: %s\n", l + 6, err ? fq_error_message(err) : "unreadable");
                return 2;
            }
        } else if (strcmp(l, "restart") == 0) {
            steps++;
            e = restart(e, world, f);
        } else if (strncmp(l, "call ", 5) == 0) {
            steps++;
            char op[64], save[64];
            int n = 0;
            if (sscanf(l + 5, "%63s %d %63s", op, &n, save) != 3 || n > MAX_ARGS) {
                fprintf(stderr, "corpus: a bad step: %s\n", l);
                return 2;
            }
            char *args[MAX_ARGS] = {0};
            for (int i = 0; i < n; i++) {
                long len = strtol(line(&c), NULL, 10);
                if (len < 0) {
                    line(&c);
                } else {
                    args[i] = substitute(bytes(&c, len), vars, nvars);
                }
            }
            char *out = NULL;
            FqError *err = NULL;
            int st = corpus_call(e, op, args, &out, &err);
            if (st == FQ_STATUS_INTERNAL + 1000) {
                fprintf(stderr, "corpus: no C function for `%s`\n", op);
                return 2;
            }
            if (st == FQ_STATUS_OK) {
                outcome(f, "ok", out);
                if (strcmp(save, "-") != 0 && out && nvars < MAX_VARS) {
                    vars[nvars].name = copy(save);
                    vars[nvars].value = copy(out);
                    nvars++;
                }
            } else {
                outcome(f, fq_status_name(st), fq_error_message(err));
            }
            fq_string_free(out);
            fq_error_free(err);
            for (int i = 0; i < n; i++) free(args[i]);
        } else if (strcmp(l, "end") == 0) {
            fq_engine_free(e);
            e = NULL;
            free(world);
            world = NULL;
            for (int i = 0; i < nvars; i++) {
                free(vars[i].name);
                free(vars[i].value);
            }
            nvars = 0;
        }
    }
    fclose(f);
    free(plan);
    printf("C corpus ran: %d scenarios, %d steps\n", scenarios, steps);
    return 0;
}
