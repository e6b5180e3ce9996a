/*
 * bench_util.h — helpers shared by the benchmarks: wall clock, peak RSS, and running one
 * measurement in a child process so each gets its own peak-RSS figure.
 */
#ifndef CHORUS_BENCH_UTIL_H
#define CHORUS_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/post.h"

typedef struct bench_result {
    double seconds;   /* wall clock */
    double cpu;       /* user + system CPU seconds of the measurement (robust on a busy machine) */
    double bytes;     /* input bytes processed (decompressed) */
    double items;     /* records / posts */
    long peak_rss_kb;
    int ok;
} bench_result;

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static inline long bench_peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Runs fn(arg, &r) in a forked child and returns what it measured (peak RSS of the child). */
static inline bench_result bench_in_child(void (*fn)(void *, bench_result *), void *arg)
{
    bench_result r;
    memset(&r, 0, sizeof r);
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        bench_result c;
        memset(&c, 0, sizeof c);
        double cpu0 = bench_cpu();
        fn(arg, &c);
        if (c.cpu == 0)
            c.cpu = bench_cpu() - cpu0;
        c.peak_rss_kb = bench_peak_rss_kb();
        ssize_t w = write(fds[1], &c, sizeof c);
        _exit(w == (ssize_t)sizeof c ? 0 : 1);
    }
    close(fds[1]);
    if (pid > 0) {
        ssize_t n = read(fds[0], &r, sizeof r);
        if (n != (ssize_t)sizeof r)
            memset(&r, 0, sizeof r);
        int st;
        waitpid(pid, &st, 0);
    }
    close(fds[0]);
    return r;
}

static inline void bench_print(const char *what, const bench_result *r, const char *unit,
                               const bench_result *base)
{
    /* Rates use CPU time: on a shared machine it moves far less than wall time. */
    double t = r->cpu > 0 ? r->cpu : r->seconds;
    printf("%-26s %6.2f s wall %6.2f s cpu %8.1f MB/s %10.0f %s/s %7.1f MB peak", what,
           r->seconds, r->cpu, r->bytes / 1e6 / t, r->items / t, unit, r->peak_rss_kb / 1024.0);
    if (base && base->cpu > 0 && r->cpu > 0)
        printf("  %.2fx of baseline speed", base->cpu / r->cpu);
    printf("\n");
    fflush(stdout);
}

/* Truth files name accounts and posts by id alone: the first platform of the corpus that
 * holds the id (the benchmarks read one platform at a time). SIZE_MAX when none does. */
static inline size_t bench_find_account(const ch_corpus *c, const char *id, size_t n)
{
    for (size_t pf = 0; pf < ch_corpus_nplatforms(c); pf++) {
        size_t a = ch_corpus_find_account(c, (uint8_t)pf, id, n);
        if (a != SIZE_MAX)
            return a;
    }
    return SIZE_MAX;
}

/* --lex LIST for the parroting benchmarks: "all", "none", or a comma-separated list of tags,
 * abbrev, numbers, stem, synonyms, sentences (text/lex.h CH_LEX_* bits). -1 on an unknown
 * name. */
static inline int bench_lex_opts(const char *list)
{
    static const char *const names[] = {"tags", "abbrev", "numbers", "stem", "synonyms",
                                        "sentences"};
    if (!strcmp(list, "all"))
        return (1 << 6) - 1;
    if (!strcmp(list, "none"))
        return 0;
    int bits = 0;
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", list);
    for (char *t = strtok(tmp, ","); t; t = strtok(NULL, ",")) {
        int k = 0;
        while (k < 6 && strcmp(t, names[k]))
            k++;
        if (k == 6)
            return -1;
        bits |= 1 << k;
    }
    return bits;
}

static inline size_t bench_find_post(const ch_corpus *c, const char *id, size_t n)
{
    for (size_t pf = 0; pf < ch_corpus_nplatforms(c); pf++) {
        size_t p = ch_corpus_find_post(c, (uint8_t)pf, id, n);
        if (p != SIZE_MAX)
            return p;
    }
    return SIZE_MAX;
}

#endif
