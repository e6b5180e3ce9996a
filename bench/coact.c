/*
 * bench/coact.c — speed of the co-action stage against the time to merely ingest the input.
 *
 *   bench_coact [FILE] [--format F] [--map SPEC] [--posts N] [--threads T] [--keep]
 *
 * Without FILE, writes N (default 1,000,000) generated Twitter v1.1 statuses to a temporary
 * file — long-tailed popularity (a few posts reposted tens of thousands of times within
 * hours), links in many spellings, hashtag sets, replies and quotes, and 30 rings of 25
 * accounts co-reposting, co-linking and co-tagging within 90 s — and reads that.
 * Then times (best of 2 for ingest, of 3 for the rest): ingest; the coact stage with window
 * 60 s, 3600 s and auto (two looks: the estimate and 6 h) on all threads, 60 s and 3600 s
 * on one thread (K = 20, the default), and 60 s and 3600 s with K = 50. Prints events/s,
 * pairs generated, candidate pairs, tested pairs, screened edges and those significant on
 * their own, seconds, the ratio to ingest, the windows, and the peak RSS at the end. Without
 * narratives or statements (those need the other stages; bench_quality_coord times them).
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "ingest/ingest.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rs = 12345;
static uint64_t rnd(void)
{
    uint64_t x = rs += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}
static double unif(void) { return ((double)(rnd() >> 11) + 0.5) * 0x1.0p-53; }
static double gauss(void) { return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif()); }
/* Rank with P(r) ~ 1/r over [0, n): log-uniform. */
static uint64_t zipf(uint64_t n) { return (uint64_t)floor(exp(unif() * log((double)n))) - 1; }

#define T0 INT64_C(1630000000)
#define SPAN (30 * 86400)
#define NACC 100000

typedef struct orig {
    uint64_t id;
    uint32_t acct;
    int64_t t;
} orig;

static const char *words[] = {
    "the", "news", "today", "people", "government", "vote", "city", "people", "world",
    "new", "report", "says", "minister", "statement", "about", "watch", "read", "this",
    "great", "bad", "election", "war", "peace", "economy", "prices", "health", "school",
};

static void put_time(FILE *f, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char b[64];
    strftime(b, sizeof b, "%a %b %d %H:%M:%S +0000 %Y", &tm);
    fprintf(f, "\"created_at\":\"%s\"", b);
}

static void put_text(FILE *f, uint64_t seed)
{
    uint64_t save = rs;
    rs = seed;
    fputs("\"full_text\":\"", f);
    int n = 8 + (int)(rnd() % 12);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " " : "", words[rnd() % (sizeof words / sizeof words[0])]);
    fputc('"', f);
    rs = save;
}

static void put_user(FILE *f, uint32_t a)
{
    fprintf(f, "\"user\":{\"id_str\":\"%u\",\"screen_name\":\"user%u\"}", 100000 + a, a);
}

static void put_entities(FILE *f, int64_t url, int tags, uint64_t tagseed)
{
    static const char *spell[] = {"https://%s/a/%lld", "http://www.%s/a/%lld/",
                                  "https://%s/a/%lld?utm_source=twitter&utm_medium=social",
                                  "https://%s/a/%lld?fbclid=IwAR%llu"};
    fputs(",\"entities\":{\"urls\":[", f);
    if (url >= 0) {
        char host[32];
        snprintf(host, sizeof host, "site%lld.example", (long long)(url % 997));
        fputs("{\"expanded_url\":\"", f);
        fprintf(f, spell[rnd() % 4], host, (long long)url, (unsigned long long)(rnd() % 1000));
        fputs("\"}", f);
    }
    fputs("],\"hashtags\":[", f);
    for (int i = 0; i < tags; i++)
        fprintf(f, "%s{\"text\":\"tag%llu\"}", i ? "," : "",
                (unsigned long long)(i == 0 ? tagseed % 5000 : zipf(5000)));
    fputs("]}", f);
}

static void status(FILE *f, uint64_t id, uint32_t a, int64_t t, const char *kind_fields,
                   int64_t url, int tags)
{
    fprintf(f, "{\"id_str\":\"%llu\",", (unsigned long long)id);
    put_time(f, t);
    fputc(',', f);
    put_text(f, id);
    fputc(',', f);
    put_user(f, a);
    put_entities(f, url, tags, rnd());
    if (kind_fields)
        fputs(kind_fields, f);
}

/* Writes the scenario; returns the number of lines. */
static size_t generate(const char *path, size_t nposts)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    const size_t norig = nposts * 40 / 100, nrep = nposts * 33 / 100, nreply = nposts * 10 / 100,
                 nquote = nposts * 5 / 100;
    orig *o = malloc(norig * sizeof *o);
    uint64_t id = 1000000000000ULL;
    size_t lines = 0;
    for (size_t i = 0; i < norig; i++) {
        /* active accounts post more: account index skewed towards 0 */
        uint32_t a = (uint32_t)(NACC * 0.9 * pow(unif(), 3));
        o[i] = (orig){id++, a, T0 + (int64_t)(rnd() % SPAN)};
        int64_t url = unif() < 0.3 ? (int64_t)zipf(100000) : -1;
        int tags = unif() < 0.2 ? 2 + (int)(rnd() % 2) : 0;
        status(f, o[i].id, a, o[i].t, NULL, url, tags);
        fputs("}\n", f);
        lines++;
    }
    char kf[512];
    for (size_t i = 0; i < nrep + nreply + nquote; i++) {
        const orig *p = &o[zipf(norig)];
        uint32_t a = (uint32_t)(NACC * 0.9 * pow(unif(), 3));
        int64_t t = p->t + (int64_t)exp(log(1800.0) + 1.5 * gauss());
        if (i < nrep) {
            /* a retweet embeds its original */
            fprintf(f, "{\"id_str\":\"%llu\",", (unsigned long long)id++);
            put_time(f, t);
            fprintf(f, ",\"full_text\":\"RT @user%u: ...\",", p->acct);
            put_user(f, a);
            fputs(",\"retweeted_status\":", f);
            status(f, p->id, p->acct, p->t, NULL, -1, 0);
            fputs("}}\n", f);
        } else {
            bool reply = i < nrep + nreply;
            if (reply)
                snprintf(kf, sizeof kf,
                         ",\"in_reply_to_status_id_str\":\"%llu\",\"in_reply_to_screen_name\":"
                         "\"user%u\"", (unsigned long long)p->id, p->acct);
            else
                snprintf(kf, sizeof kf, ",\"is_quote_status\":true,\"quoted_status_id_str\":"
                         "\"%llu\"", (unsigned long long)p->id);
            int64_t url = unif() < 0.2 ? (int64_t)zipf(100000) : -1;
            status(f, id++, a, t, kf, url, 0);
            fputs("}\n", f);
        }
        lines++;
    }
    /* 30 rings of 25 accounts: each ring reposts 40 posts of its seed within 90 s of each other,
     * and each member posts the ring's link of the day with the ring's hashtag pair. */
    for (int g = 0; g < 30; g++) {
        for (int k = 0; k < 40; k++) {
            uint32_t seed_acct = NACC - 1000 + (uint32_t)g;
            int64_t t0 = T0 + (int64_t)(rnd() % SPAN);
            uint64_t oid = id++;
            status(f, oid, seed_acct, t0, NULL, -1, 0);
            fputs("}\n", f);
            lines++;
            for (int m = 0; m < 25; m++) {
                uint32_t a = NACC - 900 + (uint32_t)(g * 25 + m);
                int64_t t = t0 + 60 + (int64_t)(rnd() % 90);
                fprintf(f, "{\"id_str\":\"%llu\",", (unsigned long long)id++);
                put_time(f, t);
                fputs(",\"full_text\":\"RT\",", f);
                put_user(f, a);
                fputs(",\"retweeted_status\":", f);
                status(f, oid, seed_acct, t0, NULL, -1, 0);
                fputs("}}\n", f);
                fprintf(f, "{\"id_str\":\"%llu\",", (unsigned long long)id++);
                put_time(f, t + 30 + (int64_t)(rnd() % 60));
                fputs(",\"full_text\":\"look\",", f);
                put_user(f, a);
                fprintf(f, ",\"entities\":{\"urls\":[{\"expanded_url\":\"https://ring%d.example/p/%d"
                           "?utm_campaign=%d\"}],\"hashtags\":[{\"text\":\"Ring%d\"},"
                           "{\"text\":\"day%d\"}]}}\n", g, k, m, g, k);
                lines += 2;
            }
        }
    }
    free(o);
    fclose(f);
    return lines;
}

static void diag(void *ctx, const char *file, uint64_t line, ch_reason r, const char *msg)
{
    size_t *n = ctx;
    if ((*n)++ < 5)
        fprintf(stderr, "bench: %s:%llu: %s\n", file, (unsigned long long)line, msg);
}

static double rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    const char *file = NULL, *format = "auto", *mapspec = NULL;
    size_t nposts = 1000000;
    int threads = 0;
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(argv[i], "--map") && i + 1 < argc)
            mapspec = argv[++i];
        else if (!strcmp(argv[i], "--posts") && i + 1 < argc)
            nposts = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--keep"))
            keep = true;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "usage: bench_coact [FILE] [--format F] [--map SPEC] [--posts N] "
                            "[--threads T] [--keep]\n");
            return 2;
        }
    }
    char tmp[] = "/tmp/chorus-bench-coact-XXXXXX";
    char path[128];
    if (!file) {
        if (!mkdtemp(tmp)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(path, sizeof path, "%s/posts.v1.jsonl", tmp);
        double t = now();
        size_t lines = generate(path, nposts);
        fprintf(stderr, "generated %zu lines in %.1f s: %s\n", lines, now() - t, path);
        file = path;
    }

    ch_corpus *c;
    if (chorus_corpus_new(&c))
        return 1;
    ch_csvmap map = {0};
    char err[256];
    ch_ingest_opts io = {0};
    if (strcmp(format, "auto") && !(io.reader = ch_reader_find(format))) {
        fprintf(stderr, "bench: unknown format '%s'\n", format);
        return 2;
    }
    if (mapspec) {
        if (ch_csvmap_parse(&map, mapspec, err, sizeof err)) {
            fprintf(stderr, "bench: %s\n", err);
            return 2;
        }
        io.map = &map;
    }
    size_t ndiag = 0;
    io.diag = diag;
    io.diag_ctx = &ndiag;
    /* ingest twice (a fresh corpus each time), keep the faster time and the second corpus */
    double t = 0, t_ingest = 1e300;
    int rc = 0;
    for (int rep = 0; rep < 2; rep++) {
        if (rep) {
            chorus_corpus_free(c);
            if (chorus_corpus_new(&c))
                return 1;
        }
        t = now();
        rc = ch_ingest_file(c, file, &io, NULL);
        const double d = now() - t;
        if (rc) {
            fprintf(stderr, "bench: ingest failed: %s\n", chorus_strerror(rc));
            return 1;
        }
        t_ingest = d < t_ingest ? d : t_ingest;
    }
    printf("input     %s\n", file);
    printf("ingest    %zu posts, %zu accounts in %.3f s (%.0f posts/s), rss %.0f MB\n",
           ch_corpus_nposts(c), ch_corpus_naccounts(c), t_ingest,
           ch_corpus_nposts(c) / t_ingest, rss_mb());

    const struct { int64_t window; int threads; uint32_t k; } runs[] = {
        {60, threads, 20}, {3600, threads, 20}, {0, threads, 20}, {60, 1, 20}, {3600, 1, 20},
        {60, threads, 50}, {3600, threads, 50},
    };
    printf("%-8s %-7s %-3s %10s %12s %12s %11s %8s %8s %6s %8s %7s %s\n", "window", "threads",
           "K", "events", "events/s", "generated", "candidates", "tested", "screened", "signif",
           "seconds", "/ingest", "windows (repost link hashtag; long look)");
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ch_coact_opts o;
        ch_coact_opts_default(&o);
        o.window = runs[i].window;
        o.threads = runs[i].threads;
        o.max_pairs_per_event = runs[i].k;
        /* best of three: the machine may be shared, and the minimum is the least disturbed */
        ch_coact_result *r = NULL;
        double dt = 1e300;
        for (int rep = 0; rep < 3; rep++) {
            ch_coact_result_free(r);
            t = now();
            rc = ch_coact_run(c, &o, &r);
            const double d = now() - t;
            if (rc) {
                fprintf(stderr, "bench: coact failed: %s\n", chorus_strerror(rc));
                return 1;
            }
            dt = d < dt ? d : dt;
        }
        uint64_t ev = 0, gen = 0, cand = 0, tested = 0;
        for (int b = 0; b < CH_B__COUNT; b++) {
            ev += r->events[b];
            gen += r->pairs_generated[b];
            cand += r->candidates[b];
            tested += r->pairs_tested[b];
        }
        char wname[16];
        snprintf(wname, sizeof wname, runs[i].window ? "%lld" : "auto",
                 (long long)runs[i].window);
        printf("%-8s %-7d %-3u %10llu %12.0f %12llu %11llu %8llu %8zu %6zu %8.3f %7.2f %lld %lld "
               "%lld; %lld\n",
               wname, runs[i].threads, runs[i].k, (unsigned long long)ev, ev / dt,
               (unsigned long long)gen, (unsigned long long)cand, (unsigned long long)tested,
               r->n_edges, r->n_significant, dt, dt / t_ingest, (long long)r->windows[CH_B_REPOST],
               (long long)r->windows[CH_B_LINK], (long long)r->windows[CH_B_HASHTAG],
               (long long)r->windows_long[CH_B_REPOST]);
        if (i == 0 || runs[i].window == 0) {
            printf("         edges by behaviour (screened/significant):");
            for (int b = 0; b < CH_B__COUNT; b++)
                printf(" %s %llu/%llu", ch_behaviour_name(b), (unsigned long long)r->edges_by[b],
                       (unsigned long long)r->significant_by[b]);
            printf("\n");
        }
        ch_coact_result_free(r);
    }
    printf("peak rss  %.0f MB\n", rss_mb());
    chorus_corpus_free(c);
    if (file == path && !keep) {
        unlink(path);
        rmdir(tmp);
    }
    return 0;
}
