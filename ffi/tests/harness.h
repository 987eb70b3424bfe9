/* A tiny assert harness: CHECK records a failure and goes on; the summary line is what the
 * CI log reader looks for ("N passed, N failed"). */
#ifndef FQ_HARNESS_H
#define FQ_HARNESS_H
#include <stdio.h>
#include <string.h>

static int fq_passed = 0, fq_failed = 0;

#define CHECK(cond) do { \
    if (cond) { fq_passed++; } \
    else { fq_failed++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STATUS(expr, expected) do { \
    FqError *e_ = NULL; FqStatus s_ = (expr); \
    (void)e_; \
    if (s_ == (expected)) { fq_passed++; } \
    else { fq_failed++; fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__, __LINE__, #expr, (int)s_, (int)(expected)); } \
} while (0)

#define CONTAINS(haystack, needle) ((haystack) != NULL && strstr((haystack), (needle)) != NULL)

static int fq_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, fq_passed, fq_failed);
    return fq_failed == 0 ? 0 : 1;
}
#endif
