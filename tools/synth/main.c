/* main.c — command line of chorus-synth, the seeded scenario generator.
 *
 *   chorus-synth [--seed N] [--posts N] [--accounts N] [--format F[,F...]] [--campaigns N]
 *                [--campaign-size MIN:MAX] [--days N] [--start UNIX] [--noise 0..1]
 *                [--statements N] [--scenario NAME] [--kinds LIST] [--size-mix S:M:L]
 *                [--timing LIST] [--compress none|gz|zst] [--rewrites N]
 *                [--rewrite-pool A|B] [--platform-mix X:B:M] [--quiet] -o OUTDIR
 *
 * Same seed and parameters give byte-identical files. Exit 0 on success, 1 on a runtime
 * error, 2 on a usage error. */
#include "synth.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

Scenario S;

static void usage(FILE *f)
{
    fputs("usage: chorus-synth [options] -o OUTDIR\n"
          "  --seed N               scenario seed (default 1)\n"
          "  --posts N              approximate number of posts (default 50000)\n"
          "  --accounts N           number of accounts (default posts/10, at least 300)\n"
          "  --format LIST          twitter-v1, twitter-v2, io-csv, csv, chorus, jetstream, mastodon\n"
          "                         or all;\n"
          "                         comma-separated\n"
          "                         or repeated (default twitter-v1)\n"
          "  --campaigns N          planted coordinated networks (default 6)\n"
          "  --campaign-size A:B    members per network, log-uniform in [A, B] (default 5:60)\n"
          "  --days N               length of the period in days (default 14)\n"
          "  --start UNIX           start of the period (default 1677628800 = 2023-03-01T00:00Z)\n"
          "  --noise X              0..1, share of evasive paraphrases and obfuscation (default 0.5)\n"
          "  --statements N         number of official statements (default about 1.3 per day, 4..30)\n"
          "  --scenario NAME        default, hashtag, cells, rotating, hard or all: which campaign kinds\n"
          "                         and hard negatives are planted (default: default)\n"
          "  --kinds LIST           campaign kinds, comma-separated: mixed, parrot, echo, rotating_echo,\n"
          "                         repost_ring, hashtag_push, mention_push, link_push (default: the\n"
          "                         scenario's)\n"
          "  --size-mix S:M:L       weights of the size classes 3-5, 6-12 and 13-60 (default: the\n"
          "                         scenario's; --campaign-size when given instead)\n"
          "  --timing LIST          campaign timings allowed: tight, loose, spread, office (default all)\n"
          "  --compress none|gz|zst compress post files through the gzip/zstd commands (default none)\n"
          "  --rewrites N           also write rewrites.jsonl: N light rewrites of statements per\n"
          "                         rewrite kind and N hard negatives per kind, with the extra\n"
          "                         statements they need in rewrite_statements.jsonl\n"
          "  --rewrite-pool A|B     the half of the extra statements to use (default both): A for\n"
          "                         tuning, B held out\n"
          "  --platform-mix X:B:M   spread the accounts over X, Bluesky and Mastodon with these\n"
          "                         weights (e.g. 1:1:1); campaigns span platforms; posts go to\n"
          "                         posts.v1.jsonl, posts.jetstream.jsonl (+ profiles.bsky.jsonl)\n"
          "                         and posts.mastodon.jsonl by their author's platform (replaces\n"
          "                         --format)\n"
          "  --quiet                no summary on stderr\n"
          "  -o, --out DIR          output directory (created if missing)\n"
          "Outputs: posts.v1.jsonl, posts.v2.jsonl, posts.io.csv, posts.csv, posts.chorus.jsonl,\n"
          "posts.jetstream.jsonl and profiles.bsky.jsonl, posts.mastodon.jsonl (as requested),\n"
          "statements.jsonl, statements/<id>.txt, truth.jsonl (and rewrites.jsonl,\n"
          "rewrite_statements.jsonl with --rewrites). See docs/generator.md.\n",
          f);
}

static void usage_error(const char *fmt, const char *arg)
{
    fputs("chorus-synth: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    usage(stderr);
    exit(2);
}

static long parse_long(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || end == v || x < lo || x > hi) {
        char msg[256];
        snprintf(msg, sizeof msg, "invalid value for %s: '%%s' (expected %ld..%ld)", opt, lo, hi);
        usage_error(msg, v);
    }
    return x;
}

static int parse_formats(const char *v)
{
    int f = 0;
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", v);
    for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "twitter-v1") || !strcmp(tok, "v1"))
            f |= FMT_V1;
        else if (!strcmp(tok, "twitter-v2") || !strcmp(tok, "v2"))
            f |= FMT_V2;
        else if (!strcmp(tok, "io-csv") || !strcmp(tok, "io"))
            f |= FMT_IO;
        else if (!strcmp(tok, "csv"))
            f |= FMT_CSV;
        else if (!strcmp(tok, "chorus"))
            f |= FMT_CHORUS;
        else if (!strcmp(tok, "jetstream") || !strcmp(tok, "bluesky-jetstream"))
            f |= FMT_JETSTREAM;
        else if (!strcmp(tok, "mastodon"))
            f |= FMT_MASTODON;
        else if (!strcmp(tok, "all"))
            f |= FMT_V1 | FMT_V2 | FMT_IO | FMT_CSV | FMT_CHORUS | FMT_JETSTREAM | FMT_MASTODON;
        else
            usage_error("unknown format '%s'", tok);
    }
    return f;
}

static int parse_scenario(const char *v)
{
    for (int k = 0; k < SC_N; k++)
        if (!strcmp(v, scenario_name[k]))
            return k;
    usage_error("unknown scenario '%s' (expected default, hashtag, cells, rotating, hard or all)", v);
    return 0;
}

/* A comma-separated list of names from `names` (n of them) as a bit set. */
static unsigned parse_names(const char *opt, const char *v, const char *const *names, int n)
{
    unsigned bits = 0;
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", v);
    for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
        int k = 0;
        while (k < n && strcmp(tok, names[k]))
            k++;
        if (k == n) {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown value for %s: '%%s'", opt);
            usage_error(msg, tok);
        }
        bits |= 1u << k;
    }
    if (!bits)
        usage_error("empty list for '%s'", opt);
    return bits;
}

static void parse_size_mix(const char *v, double *w)
{
    char *end;
    const char *p = v;
    double sum = 0;
    for (int k = 0; k < SZ_N; k++) {
        w[k] = strtod(p, &end);
        if (end == p || w[k] < 0 || (k < SZ_N - 1 ? *end != ':' : *end != 0))
            usage_error("invalid --size-mix '%s' (expected three weights S:M:L, e.g. 1:2:1)", v);
        sum += w[k];
        p = end + 1;
    }
    if (sum <= 0)
        usage_error("invalid --size-mix '%s' (all weights are 0)", v);
}

static void parse_platform_mix(const char *v, double *w)
{
    char *end;
    const char *p = v;
    double sum = 0;
    for (int k = 0; k < PF_N; k++) {
        w[k] = strtod(p, &end);
        if (end == p || !(w[k] >= 0 && w[k] <= 1e6) || (k < PF_N - 1 ? *end != ':' : *end != 0))
            usage_error("invalid --platform-mix '%s' (expected three weights X:B:M, e.g. 1:1:1)", v);
        sum += w[k];
        p = end + 1;
    }
    if (sum <= 0)
        usage_error("invalid --platform-mix '%s' (all weights are 0)", v);
}

static void mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                die("cannot create '%s': %s", tmp, strerror(errno));
            *p = '/';
        }
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", tmp, strerror(errno));
}

int main(int argc, char **argv)
{
    Params *p = &S.p;
    p->seed = 1;
    p->posts = 50000;
    p->accounts = 0;
    p->formats = 0;
    p->campaigns = 6;
    p->csize_min = 5;
    p->csize_max = 60;
    p->days = 14;
    p->start = 1677628800;
    p->noise = 0.5;
    p->compress = "none";
    p->outdir = NULL;
    int rewrites = 0;
    char rewrite_pool = 0;
    bool mix = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED()                                              \
    do {                                                    \
        if (!v)                                             \
            usage_error("option '%s' needs a value", a);    \
        i++;                                                \
    } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--seed")) {
            NEED();
            char *end;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (errno || *end || end == v)
                usage_error("invalid seed '%s'", v);
            p->seed = s;
        } else if (!strcmp(a, "--posts")) {
            NEED();
            p->posts = parse_long(a, v, 100, 2000000000L);
        } else if (!strcmp(a, "--accounts")) {
            NEED();
            p->accounts = parse_long(a, v, 100, 200000000L);
        } else if (!strcmp(a, "--format")) {
            NEED();
            p->formats |= parse_formats(v);
        } else if (!strcmp(a, "--campaigns")) {
            NEED();
            p->campaigns = (int)parse_long(a, v, 0, 64);
            p->campaigns_set = true;
        } else if (!strcmp(a, "--campaign-size")) {
            NEED();
            char *colon = strchr(v, ':');
            if (!colon)
                usage_error("invalid --campaign-size '%s' (expected MIN:MAX)", v);
            char lo[32];
            snprintf(lo, sizeof lo, "%.*s", (int)(colon - v), v);
            p->csize_min = (int)parse_long(a, lo, 2, 5000);
            p->csize_max = (int)parse_long(a, colon + 1, 2, 5000);
            if (p->csize_max < p->csize_min)
                usage_error("invalid --campaign-size '%s' (MAX < MIN)", v);
            p->csize_set = true;
        } else if (!strcmp(a, "--scenario")) {
            NEED();
            p->scenario = parse_scenario(v);
        } else if (!strcmp(a, "--kinds")) {
            NEED();
            p->kinds = parse_names(a, v, ckind_name, CK_N);
        } else if (!strcmp(a, "--size-mix")) {
            NEED();
            parse_size_mix(v, p->size_mix);
        } else if (!strcmp(a, "--timing")) {
            NEED();
            static const char *const timing[4] = {"tight", "loose", "spread", "office"};
            p->timings = parse_names(a, v, timing, 4);
        } else if (!strcmp(a, "--days")) {
            NEED();
            p->days = (int)parse_long(a, v, 1, 366);
        } else if (!strcmp(a, "--start")) {
            NEED();
            p->start = parse_long(a, v, 1230768000L, 4102444800L);
        } else if (!strcmp(a, "--noise")) {
            NEED();
            char *end;
            double x = strtod(v, &end);
            if (*end || end == v || x < 0 || x > 1)
                usage_error("invalid --noise '%s' (expected 0..1)", v);
            p->noise = x;
        } else if (!strcmp(a, "--statements")) {
            NEED();
            p->statements = (int)parse_long(a, v, 1, 60);
        } else if (!strcmp(a, "--compress")) {
            NEED();
            if (strcmp(v, "none") && strcmp(v, "gz") && strcmp(v, "zst"))
                usage_error("invalid --compress '%s' (expected none, gz or zst)", v);
            p->compress = v;
        } else if (!strcmp(a, "--rewrites")) {
            NEED();
            rewrites = (int)parse_long(a, v, 1, 100000);
        } else if (!strcmp(a, "--rewrite-pool")) {
            NEED();
            if (strcmp(v, "A") && strcmp(v, "B"))
                usage_error("invalid --rewrite-pool '%s' (expected A or B)", v);
            rewrite_pool = v[0];
        } else if (!strcmp(a, "--platform-mix")) {
            NEED();
            parse_platform_mix(v, p->mix);
            mix = true;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            p->quiet = true;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            NEED();
            p->outdir = v;
        } else {
            usage_error("unknown option '%s'", a);
        }
#undef NEED
    }
    if (!p->outdir)
        usage_error("%s", "missing -o OUTDIR");
    if (mix) {
        if (p->formats)
            usage_error("%s", "--platform-mix writes each platform's native format: no --format with it");
        p->formats = (p->mix[PF_X] > 0 ? FMT_V1 : 0) | (p->mix[PF_BLUESKY] > 0 ? FMT_JETSTREAM : 0) |
                     (p->mix[PF_MASTODON] > 0 ? FMT_MASTODON : 0);
    }
    if (!p->formats)
        p->formats = FMT_V1;
    if (!p->accounts)
        p->accounts = p->posts / 10 < 300 ? 300 : p->posts / 10;
    cells_defaults(p);

    struct timespec ts0, ts1;
    clock_gettime(CLOCK_MONOTONIC, &ts0); /* timing of the run only, never a source of randomness */

    mkdirs(p->outdir);
    S.t0 = p->start;
    S.t1 = p->start + (int64_t)p->days * 86400;
    gram_init();
    campaigns_setup();
    accounts_build();
    statements_build();
    plan_build();
    if (mix)
        mix_assign();
    writers_open();
    sim_run();
    writers_close();
    statements_write();
    truth_write();
    if (rewrites)
        rewrites_write(rewrites, rewrite_pool);

    clock_gettime(CLOCK_MONOTONIC, &ts1);
    if (!p->quiet) {
        double secs = (double)(ts1.tv_sec - ts0.tv_sec) + (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9;
        long camp_members = 0;
        for (int i = 0; i < S.n_camp; i++)
            camp_members += S.camp[i].size;
        fprintf(stderr,
                "chorus-synth: %llu posts (%llu posts, %llu reposts, %llu replies, %llu quotes), %u accounts "
                "(%ld in %d campaigns), %d statements, %u planted posts, %.2f s\n",
                (unsigned long long)S.n_posts_out, (unsigned long long)S.n_kind[0], (unsigned long long)S.n_kind[1],
                (unsigned long long)S.n_kind[2], (unsigned long long)S.n_kind[3], S.n_acct, camp_members, S.n_camp,
                S.n_st, S.n_pl, secs);
    }
    return 0;
}
