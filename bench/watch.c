/*
 * bench/watch.c — sustained throughput and memory of the `chorus watch` engine (watch/watch.h)
 * with alerts on, against a baseline measured in the same run: plain ingest of the same events.
 *
 *   baseline: ingest     the same events parsed in batches of 4096 by the chorus reader into a
 *                        corpus that is dropped after each batch (ingest/ingest.h): the parse
 *                        every engine has to pay, nothing kept
 *   watch                the events fed to the engine one by one: horizon, parroting at arrival
 *                        (statement echo alerts), refreshes on a wall-clock schedule (the whole
 *                        detection chain over the horizon, the live database rewritten in one
 *                        transaction, cluster tracking, spike alerts, a checkpoint)
 *
 * The events are generated on the fly (chorus JSON lines, ~230 bytes): background posts by
 * 50,000 accounts with words drawn from a vocabulary, and every 2,000 events a campaign of 8
 * accounts posting paraphrases of one of 6 statements within a few minutes (so clusters form,
 * grow and alerts fire). Data time advances 0.1 s per event, so a horizon of 2 h holds about
 * 72,000 events however long the run: memory must stay flat. RSS (current) and peak RSS are
 * printed at each quarter of the run and at 1M, 5M and 10M events.
 *
 * usage: bench_watch [--events N] [--full] [--refresh S] [--horizon S] [--dir D]
 *   --events N   events (default 1,000,000); --full: 10,000,000 (prints 1M, 5M, 10M)
 *   --refresh S  wall seconds between refreshes (default 10)
 *   --horizon S  data seconds held (default 7200)
 * Each measurement runs in its own child process (its own peak RSS), on one core
 * (threads = 1).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "ingest/ingest.h"
#include "watch/watch.h"

#define N_ACCOUNTS 50000
#define N_WORDS 4000
#define N_STMT 6
#define CAMPAIGN_EVERY 2000
#define CAMPAIGN_SIZE 8

static const char *const statements[N_STMT] = {
    "The harbour expansion will create ten thousand jobs for the people of the coast",
    "Foreign media spread lies about our election and we call on them to stop at once",
    "Our country has always respected the sovereignty and the choices of its neighbours",
    "The new bridge shows what cooperation between our two peoples can achieve together",
    "We firmly oppose the interference of outside forces in the internal affairs of others",
    "Vaccines donated by our government have saved countless lives across the whole region",
};

typedef struct gen {
    uint64_t state, n;
    int64_t t0;
    char line[1024];
} gen;

static uint64_t rnd(gen *g)
{
    g->state ^= g->state << 13;
    g->state ^= g->state >> 7;
    g->state ^= g->state << 17;
    return g->state;
}

/* Event i (0-based) into g->line; returns its length. Deterministic in i's order. */
static size_t gen_next(gen *g)
{
    uint64_t i = g->n++;
    int64_t t = g->t0 + (int64_t)(i / 10);
    char text[600];
    size_t tl = 0;
    uint64_t acct;
    uint64_t phase = i % CAMPAIGN_EVERY;
    if (phase < CAMPAIGN_SIZE * 4 && phase % 4 == 0) {
        /* a campaign: group (i / CAMPAIGN_EVERY) % 10, member phase / 4, one statement */
        uint64_t camp = (i / CAMPAIGN_EVERY) % 10;
        acct = N_ACCOUNTS + camp * CAMPAIGN_SIZE + phase / 4;
        const char *s = statements[(i / CAMPAIGN_EVERY) % N_STMT];
        tl = (size_t)snprintf(text, sizeof text, "%s #%s%u", s,
                              (i / CAMPAIGN_EVERY) % 2 ? "truth" : "facts",
                              (unsigned)(rnd(g) % 3));
    } else {
        acct = rnd(g) % N_ACCOUNTS;
        unsigned nw = 8 + (unsigned)(rnd(g) % 16);
        for (unsigned k = 0; k < nw && tl < sizeof text - 16; k++)
            tl += (size_t)snprintf(text + tl, sizeof text - tl, "%sw%u", k ? " " : "",
                                   (unsigned)(rnd(g) % N_WORDS));
    }
    return (size_t)snprintf(g->line, sizeof g->line,
                            "{\"id\":\"%" PRIu64 "\",\"author_id\":\"a%" PRIu64 "\",\"author\":\"u%"
                            PRIu64 "\",\"created_at\":%" PRId64 ",\"text\":\"%.*s\",\"kind\":\"post\"}",
                            i + 1, acct, acct, t, (int)tl, text);
}

static long rss_now_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

typedef struct job {
    uint64_t events;
    double refresh;
    int64_t horizon;
    char dir[512];
    char stmts[600];
} job;

static void run_baseline(void *arg, bench_result *r)
{
    const job *j = arg;
    gen g = {.state = 0x9e3779b97f4a7c15ull, .t0 = 1700000000};
    const ch_reader *rd = ch_reader_find("chorus");
    size_t cap = 4096 * 1100, len = 0, nb = 0;
    char *buf = malloc(cap);
    if (!buf || !rd)
        return;
    const double t0 = bench_now();
    for (uint64_t i = 0; i < j->events; i++) {
        size_t n = gen_next(&g);
        memcpy(buf + len, g.line, n);
        len += n;
        buf[len++] = '\n';
        if (++nb == 4096 || i + 1 == j->events) {
            ch_corpus *c = NULL;
            uint32_t file;
            if (chorus_corpus_new(&c) || ch_corpus_add_file(c, "bench", &file))
                return;
            ch_ingest_opts io = {.reader = rd};
            if (ch_ingest_mem(c, file, "bench", buf, len, rd, &io))
                return;
            chorus_corpus_free(c);
            len = nb = 0;
        }
    }
    r->seconds = bench_now() - t0;
    r->items = (double)j->events;
    r->ok = 1;
    free(buf);
}

static void run_watch(void *arg, bench_result *r)
{
    const job *j = arg;
    gen g = {.state = 0x9e3779b97f4a7c15ull, .t0 = 1700000000};
    char db[600], err[512];
    snprintf(db, sizeof db, "%s/live.db", j->dir);
    const char *stmts[] = {j->stmts};
    ch_watch_opts o = {
        .db_path = db, .fresh = true, .horizon = j->horizon, .refresh_s = j->refresh,
        .threads = 1, .reader = ch_reader_find("chorus"), .stmt_paths = stmts, .nstmt = 1,
    };
    ch_watch *w = NULL;
    if (ch_watch_open(&o, NULL, 0, "bench", &w, err, sizeof err)) {
        fprintf(stderr, "bench_watch: %s\n", err);
        return;
    }
    const double t0 = bench_now(), c0 = bench_cpu();
    double last_refresh = t0;
    for (uint64_t i = 0; i < j->events; i++) {
        size_t n = gen_next(&g);
        if (ch_watch_feed(w, g.line, n, err, sizeof err)) {
            fprintf(stderr, "bench_watch: %s\n", err);
            ch_watch_close(w);
            return;
        }
        if ((i & 1023) == 0 && bench_now() - last_refresh >= j->refresh) {
            if (ch_watch_refresh(w, err, sizeof err)) {
                fprintf(stderr, "bench_watch: %s\n", err);
                ch_watch_close(w);
                return;
            }
            last_refresh = bench_now();
        }
        uint64_t done = i + 1;
        if (done == 1000000 || done == 5000000 || done == 10000000 || done % (j->events / 4 ? j->events / 4 : 1) == 0) {
            ch_watch_stats st;
            ch_watch_stats_get(w, &st);
            double el = bench_now() - t0, cpu = bench_cpu() - c0;
            printf("  watch at %6.2fM events: %8.0f events/s (%8.0f per CPU s), RSS %5ld MiB, "
                   "peak %5ld MiB; %zu held (%zu MiB), %" PRIu64 " refreshes, %zu clusters, "
                   "%" PRIu64 " alerts\n",
                   (double)done / 1e6, (double)done / el, (double)done / cpu,
                   rss_now_kb() / 1024, bench_peak_rss_kb() / 1024, st.held,
                   st.horizon_bytes >> 20, st.refreshes, st.clusters, st.alerts);
            fflush(stdout);
        }
    }
    if (ch_watch_refresh(w, err, sizeof err))
        fprintf(stderr, "bench_watch: %s\n", err);
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = (double)j->events;
    ch_watch_stats st;
    ch_watch_stats_get(w, &st);
    printf("  watch: %" PRIu64 " refreshes took %.1f s of %.1f s; %" PRIu64 " alerts, %" PRIu64
           " matches at arrival\n",
           st.refreshes, st.seconds_refresh, r->seconds, st.alerts, st.posts_matched);
    ch_watch_close(w);
    r->ok = 1;
}

int main(int argc, char **argv)
{
    job j = {.events = 1000000, .refresh = 10, .horizon = 7200};
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--events") && i + 1 < argc)
            j.events = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--full"))
            j.events = 10000000;
        else if (!strcmp(argv[i], "--refresh") && i + 1 < argc)
            j.refresh = atof(argv[++i]);
        else if (!strcmp(argv[i], "--horizon") && i + 1 < argc)
            j.horizon = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_watch [--events N] [--full] [--refresh S] "
                            "[--horizon S] [--dir D]\n");
            return 2;
        }
    }
    char tmpl[] = "/tmp/bench_watch.XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) {
        perror("bench_watch: mkdtemp");
        return 1;
    }
    snprintf(j.dir, sizeof j.dir, "%s", dir);
    snprintf(j.stmts, sizeof j.stmts, "%s/statements.jsonl", dir);
    FILE *f = fopen(j.stmts, "w");
    if (!f) {
        perror("bench_watch: statements");
        return 1;
    }
    for (int k = 0; k < N_STMT; k++)
        fprintf(f, "{\"id\":\"S%d\",\"text\":\"%s\"}\n", k + 1, statements[k]);
    fclose(f);
    printf("bench_watch: %" PRIu64 " generated events (chorus JSON lines), horizon %" PRId64
           " s of data (~%" PRId64 " events), refresh every %.0f s, one core\n",
           j.events, j.horizon, j.horizon * 10, j.refresh);
    bench_result b = bench_in_child(run_baseline, &j);
    printf("  baseline: plain ingest: %8.0f events/s (%8.0f per CPU s), peak RSS %ld MiB\n",
           b.ok ? b.items / b.seconds : 0.0, b.ok ? b.items / b.cpu : 0.0,
           b.peak_rss_kb / 1024);
    fflush(stdout);
    bench_result w = bench_in_child(run_watch, &j);
    if (!w.ok || !b.ok) {
        fprintf(stderr, "bench_watch: a measurement failed\n");
        return 1;
    }
    printf("watch: %.0f events/s sustained with alerts on (%.0f per CPU s; %.2fx the plain "
           "ingest rate per CPU s), peak RSS %ld MiB (baseline %ld MiB)\n",
           w.items / w.seconds, w.items / w.cpu, (w.items / w.cpu) / (b.items / b.cpu),
           w.peak_rss_kb / 1024, b.peak_rss_kb / 1024);
    char cmd[700];
    if (!strncmp(dir, "/tmp/bench_watch.", 17)) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_watch: could not remove %s\n", dir);
    }
    return 0;
}
