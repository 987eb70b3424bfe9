/* A decision through the C ABI, the C side of scripts/java-bench.sh: the same world, dispute
 * and loop as java/bench/DecideBench.java; prints the median of seven rounds in ns/call. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fengqiao.h"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    s[n] = 0;
    fclose(f);
    return s;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: decide world.json dispute.json n\n"); return 2; }
    char *world = slurp(argv[1]), *dispute = slurp(argv[2]);
    int n = atoi(argv[3]);
    FqEngine *e = NULL;
    if (fq_engine_new(world, &e, NULL) != FQ_STATUS_OK) return 1;
    size_t sink = 0;
    double rounds[7];
    for (int r = -1; r < 7; r++) {
        double t = now_ns();
        for (int i = 0; i < n; i++) {
            char *out = NULL;
            if (fq_engine_decide_input(e, dispute, &out, NULL) != FQ_STATUS_OK) return 1;
            sink += strlen(out);
            fq_string_free(out);
        }
        if (r >= 0) rounds[r] = (now_ns() - t) / n;
    }
    qsort(rounds, 7, sizeof rounds[0], cmp);
    printf("c_ns %.0f\n(sink %zu)\n", rounds[3], sink);
    fq_engine_free(e);
    free(world);
    free(dispute);
    return 0;
}
