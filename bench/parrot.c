/*
 * bench/parrot.c — speed and memory of the parroting matcher against many statements.
 *
 * usage: bench_parrot [DIR] [--statements N] [--bytes B] [--stress] [--lang L] [--budget N]
 *                     [--shingle K] [--synth PATH]
 *   DIR           a chorus-synth output directory (posts.v1.jsonl, statements.jsonl); without
 *                 one, chorus-synth --seed 7 --posts 200000 is run into a temporary directory;
 *   --statements  total statements to index (default 10000): the scenario's own plus
 *                 generated ones;
 *   --bytes       average bytes per generated statement (default 1000: 10,000 ≈ 10 MB);
 *   --stress      train the generator on the posts too (see gen_statements.h);
 *   --lang L      train it on the statements in language L only (zh: an index of Chinese text,
 *                 where every character is a token, is the largest per byte);
 *   --budget, --shingle  matcher parameters (ch_parrot_params), for the measurements in
 *                 docs/parroting.md;
 *   --lex LIST    canonical word forms: all (default), none, or a comma-separated list of
 *                 tags, abbrev, numbers, stem, synonyms.
 *
 * Generated statements come from gen_statements.h (random walks over the posts' word pairs).
 * The scenario's own statements stay in, so the posts still parrot some.
 *
 * Prints: index build time and size against the statement text; and, per post, the time to
 * ingest (read, parse, normalize into the corpus), to normalize alone, and to match (which
 * includes normalizing again) on 1 and 2 threads; and, as the baseline measured in the same
 * run, matching on 1 thread with an index without canonical word forms (--lex none), with
 * the ratio.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "gen_statements.h"
#include "chorus.h"
#include "core/post.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"
#include "ingest/ingest.h"
#include "text/normalize.h"

/* ---- measurements -------------------------------------------------------------------------- */

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Matches the corpus; returns wall seconds and the process CPU seconds it took in *cpu
 * (the figure per core that does not depend on what else the machine runs). */
static double match_all(const ch_parrot_index *ix, const chorus_corpus *c, unsigned threads,
                        ch_parrot_result *r, double *cpu)
{
    ch_parrot_corpus_opts o = {.threads = threads};
    double c0 = cpu_now(), t0 = bench_now();
    if (ch_parrot_match_corpus(ix, c, &o, r))
        return -1;
    *cpu = cpu_now() - c0;
    return bench_now() - t0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    size_t want = 10000, bytes = 1000;
    bool stress = false;
    ch_parrot_params pp;
    ch_parrot_params_default(&pp);
    const char *lang = NULL;
    char synth[600];
    snprintf(synth, sizeof synth, "%s", argv[0]);
    char *slash = strrchr(synth, '/');
    snprintf(slash ? slash + 1 : synth, sizeof synth - (size_t)(slash ? slash + 1 - synth : 0),
             "chorus-synth");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--statements") && i + 1 < argc)
            want = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
            bytes = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc)
            pp.vote_budget = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--shingle") && i + 1 < argc)
            pp.shingle = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--lex") && i + 1 < argc && bench_lex_opts(argv[i + 1]) >= 0)
            pp.lex = (unsigned)bench_lex_opts(argv[++i]);
        else if (!strcmp(argv[i], "--stress"))
            stress = true;
        else if (!strcmp(argv[i], "--synth") && i + 1 < argc)
            snprintf(synth, sizeof synth, "%s", argv[++i]);
        else if (argv[i][0] != '-')
            dir = argv[i];
        else {
            fprintf(stderr, "usage: bench_parrot [DIR] [--statements N] [--bytes B] "
                            "[--stress] [--lang L] [--budget N] [--shingle K] [--lex LIST] "
                            "[--synth PATH]\n");
            return 2;
        }
    }
    char tmp[] = "/tmp/chorus_bench_parrot_XXXXXX";
    if (!dir) {
        if (!mkdtemp(tmp)) {
            perror("mkdtemp");
            return 1;
        }
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "'%s' --quiet --seed 7 --posts 200000 -o '%s'", synth, tmp);
        if (system(cmd) != 0) {
            fprintf(stderr, "bench_parrot: '%s' failed\n", cmd);
            return 1;
        }
        dir = tmp;
    }
    char posts_path[700], stmt_path[700];
    snprintf(posts_path, sizeof posts_path, "%s/posts.v1.jsonl", dir);
    snprintf(stmt_path, sizeof stmt_path, "%s/statements.jsonl", dir);

    /* ingest: read, parse, normalize, store */
    chorus_corpus *c;
    chorus_corpus_new(&c);
    ch_ingest_opts io = {0};
    double t0 = bench_now(), c0 = cpu_now();
    if (ch_ingest_file(c, posts_path, &io, NULL)) {
        fprintf(stderr, "bench_parrot: cannot read %s\n", posts_path);
        return 1;
    }
    double t_ingest = bench_now() - t0, c_ingest = cpu_now() - c0;
    size_t np = ch_corpus_nposts(c);
    double text_bytes = 0;
    for (size_t i = 0; i < np; i++)
        text_bytes += ch_corpus_post(c, i)->text_len;

    /* normalization alone, with the offset map as the matcher does it */
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    t0 = bench_now();
    c0 = cpu_now();
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        ch_normalize(p->text, p->text_len, CH_NORM_MAP, &nb);
    }
    double t_norm = bench_now() - t0, c_norm = cpu_now() - c0;
    ch_normbuf_free(&nb);

    /* statements: the scenario's plus generated ones */
    ch_stmtset *set;
    ch_stmtset_new(&set);
    if (ch_stmtset_load(set, stmt_path, NULL)) {
        fprintf(stderr, "bench_parrot: cannot load %s\n", stmt_path);
        return 1;
    }
    size_t own = ch_stmtset_count(set);
    gen_statements(set, c, stress, lang, want, bytes);

    ch_parrot_index *ix;
    t0 = bench_now();
    if (ch_parrot_build(set, &pp, &ix)) {
        fprintf(stderr, "bench_parrot: index build failed\n");
        return 1;
    }
    double t_build = bench_now() - t0;
    double st_bytes = (double)ch_stmtset_text_bytes(set);
    printf("statements   %zu (%zu from %s, %zu generated%s), %.1f MB of text\n",
           ch_stmtset_count(set), own, dir, ch_stmtset_count(set) - own,
           stress ? " from the statements' and the posts' word pairs" : " in the statements' idiom",
           st_bytes / 1e6);
    printf("index        %.1f MB = %.1fx the statement text, built in %.2f s (%.1f MB/s)\n",
           (double)ch_parrot_bytes(ix) / 1e6, (double)ch_parrot_bytes(ix) / st_bytes, t_build,
           st_bytes / 1e6 / t_build);
    printf("posts        %zu, %.1f MB of text (%.0f bytes each)\n", np, text_bytes / 1e6,
           text_bytes / (double)np);
    printf("%-34s %8.2f s %10.0f posts/s  CPU %.2f s: %.0f posts/s\n",
           "ingest (read+parse+normalize)", t_ingest, (double)np / t_ingest, c_ingest,
           (double)np / c_ingest);
    printf("%-34s %8.2f s %10.0f posts/s  CPU %.2f s: %.0f posts/s\n",
           "normalize only (with offset map)", t_norm, (double)np / t_norm, c_norm,
           (double)np / c_norm);
    ch_parrot_result r;
    double cpu1 = 0;
    for (unsigned th = 1; th <= 2; th++) {
        double cpu = 0, t = match_all(ix, c, th, &r, &cpu);
        if (th == 1)
            cpu1 = cpu;
        char what[64];
        snprintf(what, sizeof what, "match, %u thread%s", th, th > 1 ? "s" : "");
        /* reposts of posts in the corpus are attributed, not matched: count the texts that
         * were matched too, so the figure is not flattered by them */
        double texts = (double)(np - r.reposts_skipped);
        printf("%-34s %8.2f s %10.0f posts/s  CPU %.2f s: %.0f posts/s, %.0f texts/s per core "
               "(%llu posts matched, %llu reposts attributed)\n",
               what, t, (double)np / t, cpu, (double)np / cpu, texts / cpu,
               (unsigned long long)r.posts_matched, (unsigned long long)r.reposts_skipped);
        ch_parrot_result_free(&r);
        fflush(stdout);
    }
    if (pp.lex) {
        /* baseline: the same statements without canonical word forms */
        ch_parrot_params bp = pp;
        bp.lex = 0;
        ch_parrot_index *bx;
        if (ch_parrot_build(set, &bp, &bx) == 0) {
            double cpu = 0, t = match_all(bx, c, 1, &r, &cpu);
            printf("%-34s %8.2f s %10.0f posts/s  CPU %.2f s: %.0f posts/s (%llu posts matched); "
                   "with canonical forms %.2fx its CPU time, index %.1f MB\n",
                   "match, 1 thread, --lex none", t, (double)np / t, cpu, (double)np / cpu,
                   (unsigned long long)r.posts_matched, cpu1 / cpu,
                   (double)ch_parrot_bytes(bx) / 1e6);
            ch_parrot_result_free(&r);
            ch_parrot_free(bx);
        }
    }
    printf("peak RSS     %.0f MB\n", bench_peak_rss_kb() / 1024.0);
    ch_parrot_free(ix);
    ch_stmtset_free(set);
    chorus_corpus_free(c);
    if (dir == tmp) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_parrot: could not remove %s\n", tmp);
    }
    return 0;
}
