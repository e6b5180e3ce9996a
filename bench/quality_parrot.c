/*
 * bench/quality_parrot.c — quality of the parroting matcher on generated data with ground
 * truth: precision and recall overall, recall per paraphrase kind, precision and recall per
 * language, and the recall curve (recall per kind against the similarity threshold).
 *
 * usage: bench_quality_parrot [DIR...] [--seeds A-B] [--noise X] [--posts N]
 *                             [--synth PATH] [--curve] [--threshold X] [--shingle K]
 *                             [--min-tokens X] [--subst-credit X] [--budget N]
 *                             [--candidates N] [--distractors N]
 *                             [--misses] [--hist] [--rewrites N [--pool A|B]] [--lex LIST]
 *   DIR        an existing chorus-synth output (posts.v1.jsonl, statements.jsonl, truth.jsonl);
 *   --seeds    generate scenarios with chorus-synth for seeds A..B instead (default 11-15)
 *              into a temporary directory;
 *   --curve    also print precision and recall per kind for thresholds 0.30..0.95;
 *   --distractors N  add N generated statements (~1 KB each, gen_statements.h, in the
 *              statements' idiom) to each scenario's statements, to measure quality against a
 *              large statement set;
 *   --misses   print every missed or wrong post (for tuning);
 *   --hist     print how the best similarity of positives and negatives is distributed;
 *   --rewrites N  measure the light-rewrite test set instead (quality_rewrites.h): chorus-synth
 *              --rewrites N writes N rewrites of statements per rewrite kind and N hard
 *              negatives per kind for each seed (DIRs must hold rewrites.jsonl);
 *   --pool     with --rewrites: the half of the extra statements (A tuning, B held out);
 *   --lex      canonical word forms of the matcher: all (default), none, or a comma-separated
 *              list of tags, abbrev, numbers, stem, synonyms.
 *
 * Positives are the posts whose truth line carries a statement_id (campaign parrots, official
 * accounts posting their own statements, journalists quoting them); a prediction is right when
 * the best statement is the truth's. Every other post is a negative: any match on it is a false
 * positive. A wrong statement counts as both a false positive and a miss; "ties" counts the
 * wrong ones where the truth's statement holds the same passage (equal similarity), which text
 * alone cannot resolve. Reposts of posts in the corpus are attributed to their originals and not
 * matched (as chorus match does); none is a positive in the truth.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "gen_statements.h"
#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/post.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"
#include "ingest/ingest.h"
#include "quality_rewrites.h"

enum { K_VERBATIM, K_EXCERPT, K_SUBST, K_REORDER, K_TRUNC, K_ADD, K_NOISE, K_TYPOS, K_UNICODE,
       K_CHINESE, K_JOURNALIST, K_OTHER, K_N };
static const char *const kind_names[K_N] = {
    "verbatim", "excerpt", "substitution", "reorder", "truncation", "additions", "noise",
    "typos", "unicode", "chinese", "journalist_quote", "other"};

static int kind_of(const char *s, size_t n)
{
    for (int k = 0; k < K_OTHER; k++)
        if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0)
            return k;
    return K_OTHER;
}

#define NLANG 4
static const char *const lang_names[NLANG] = {"en", "zh", "fr", "other"};
static int lang_of(const char *s)
{
    for (int i = 0; i < NLANG - 1; i++)
        if (!strcmp(s, lang_names[i]))
            return i;
    return NLANG - 1;
}

typedef struct counts {
    uint64_t tp, fp, fn, ties, wrong;
    uint64_t fp_distractor;       /* negatives matched to a generated distractor statement */
    uint64_t kind_pos[K_N], kind_hit[K_N];
    uint64_t lang_pos[NLANG], lang_hit[NLANG], lang_pred[NLANG], lang_pred_ok[NLANG];
    uint64_t posts, reposts_skipped;
} counts;

/* Truth for one scenario: per corpus post, the statement index it copies (UINT32_MAX none)
 * and the paraphrase kind. */
typedef struct truth {
    uint32_t *stmt;
    uint8_t *kind;
} truth;

static int load_truth(const char *path, const chorus_corpus *c, const ch_stmtset *set, truth *t)
{
    size_t np = ch_corpus_nposts(c);
    t->stmt = malloc((np ? np : 1) * sizeof *t->stmt);
    t->kind = calloc(np ? np : 1, 1);
    for (size_t i = 0; i < np; i++)
        t->stmt[i] = UINT32_MAX;
    ch_input *in;
    char err[256];
    if (ch_input_open(path, 0, &in, err, sizeof err)) {
        fprintf(stderr, "bench_quality_parrot: %s\n", err);
        return -1;
    }
    ch_json_parser *jp;
    ch_json_parser_new(0, &jp);
    const char *line;
    size_t len;
    uint64_t no;
    int missing = 0;
    while (ch_input_line(in, &line, &len, &no) == CH_LINE_OK) {
        ch_json_val root;
        if (ch_json_parse(jp, line, len, true, &root, NULL) != CH_JSON_OK)
            continue;
        const char *ty, *pid, *sid, *para;
        size_t tyn, pidn, sidn, paran;
        if (!ch_json_get_str(root, "type", &ty, &tyn) || tyn != 4 || memcmp(ty, "post", 4))
            continue;
        if (!ch_json_get_str(root, "statement_id", &sid, &sidn))
            continue; /* null: not a copy of a statement */
        if (!ch_json_get_str(root, "post_id", &pid, &pidn))
            continue;
        size_t pi = bench_find_post(c, pid, pidn);
        size_t si = ch_stmtset_find(set, sid, sidn);
        if (pi == SIZE_MAX || si == SIZE_MAX) {
            missing++;
            continue;
        }
        t->stmt[pi] = (uint32_t)si;
        t->kind[pi] = ch_json_get_str(root, "paraphrase", &para, &paran)
                          ? (uint8_t)kind_of(para, paran) : K_OTHER;
    }
    ch_json_parser_free(jp);
    ch_input_close(in);
    if (missing)
        fprintf(stderr, "bench_quality_parrot: %d truth posts not found in the corpus\n", missing);
    return 0;
}

typedef struct scenario {
    char dir[512];
    size_t own;                   /* the scenario's statements; later ones are distractors */
    ch_stmtset *set;
    chorus_corpus *c;
    truth t;
} scenario;

static int load_scenario(scenario *s)
{
    char path[600];
    if (ch_stmtset_new(&s->set) || chorus_corpus_new(&s->c))
        return -1;
    snprintf(path, sizeof path, "%s/statements.jsonl", s->dir);
    if (ch_stmtset_load(s->set, path, NULL)) {
        fprintf(stderr, "bench_quality_parrot: cannot load %s\n", path);
        return -1;
    }
    s->own = ch_stmtset_count(s->set);
    snprintf(path, sizeof path, "%s/posts.v1.jsonl", s->dir);
    ch_ingest_opts io = {0};
    if (ch_ingest_file(s->c, path, &io, NULL)) {
        fprintf(stderr, "bench_quality_parrot: cannot read %s\n", path);
        return -1;
    }
    snprintf(path, sizeof path, "%s/truth.jsonl", s->dir);
    return load_truth(path, s->c, s->set, &s->t);
}

static void free_scenario(scenario *s)
{
    free(s->t.stmt);
    free(s->t.kind);
    chorus_corpus_free(s->c);
    ch_stmtset_free(s->set);
}

/* Runs the matcher on one scenario with params p and adds to the counts. */
static int evaluate(scenario *s, const ch_parrot_params *p, counts *k, bool misses)
{
    ch_parrot_index *ix;
    if (ch_parrot_build(s->set, p, &ix))
        return -1;
    ch_parrot_result r;
    ch_parrot_corpus_opts o = {.threads = 2};
    if (ch_parrot_match_corpus(ix, s->c, &o, &r)) {
        ch_parrot_free(ix);
        return -1;
    }
    ch_parrot_scratch *sc;
    ch_parrot_scratch_new(ix, &sc);
    const ch_pool *pool = ch_corpus_pool(s->c);
    k->posts += r.nposts;
    k->reposts_skipped += r.reposts_skipped;
    for (size_t i = 0; i < r.nposts; i++) {
        uint32_t want = s->t.stmt[i], got = r.post_stmt[i];
        const ch_post *post = ch_corpus_post(s->c, i);
        if (want == UINT32_MAX && got == UINT32_MAX)
            continue;
        int lang = lang_of(ch_stmtset_get(s->set, want != UINT32_MAX ? want : got)->lang);
        if (got != UINT32_MAX) {
            int gl = lang_of(ch_stmtset_get(s->set, got)->lang);
            k->lang_pred[gl]++;
            k->lang_pred_ok[gl] += got == want;
        }
        if (want != UINT32_MAX) {
            k->kind_pos[s->t.kind[i]]++;
            k->lang_pos[lang]++;
        }
        if (got == want) {
            k->tp++;
            k->kind_hit[s->t.kind[i]]++;
            k->lang_hit[lang]++;
            continue;
        }
        if (got != UINT32_MAX)
            k->fp++;
        if (got != UINT32_MAX && want == UINT32_MAX && got >= s->own)
            k->fp_distractor++;
        if (want != UINT32_MAX)
            k->fn++;
        bool tie = false;
        if (got != UINT32_MAX && want != UINT32_MAX) {
            k->wrong++;
            const ch_parrot_match *m;
            size_t n;
            ch_parrot_match_text(ix, sc, post->text, post->text_len, post->created_at, 8, &m, &n);
            for (size_t j = 0; j < n; j++)
                if (m[j].stmt == want && m[j].similarity == m[0].similarity)
                    tie = true;
            k->ties += tie;
        }
        if (misses) {
            const ch_parrot_match *m;
            size_t n;
            ch_parrot_match_text(ix, sc, post->text, post->text_len, post->created_at, 8, &m, &n);
            printf("  %s %-16s post %s want %s got %s sim %.3f%s\n    %s\n",
                   want == UINT32_MAX ? "FP  " : got == UINT32_MAX ? "MISS" : "WRONG",
                   want != UINT32_MAX ? kind_names[s->t.kind[i]] : "-",
                   ch_pool_str(pool, post->id),
                   want != UINT32_MAX ? ch_stmtset_get(s->set, want)->id : "-",
                   got != UINT32_MAX ? ch_stmtset_get(s->set, got)->id : "-",
                   n ? m[0].similarity : 0.0, tie ? " (tie)" : "", post->text);
        }
    }
    ch_parrot_scratch_free(sc);
    ch_parrot_result_free(&r);
    ch_parrot_free(ix);
    return 0;
}

/* Where positives and negatives fall: the best similarity of every post that reaches any
 * (threshold 0.01; min_tokens still applies), in bins of 0.05. */
static void histogram(scenario *sc, int n, const ch_parrot_params *p)
{
    uint64_t pos[21] = {0}, neg[21] = {0}, pos_none = 0;
    ch_parrot_params q = *p;
    q.threshold = 0.01;
    for (int i = 0; i < n; i++) {
        ch_parrot_index *ix;
        ch_parrot_scratch *s;
        if (ch_parrot_build(sc[i].set, &q, &ix) || ch_parrot_scratch_new(ix, &s))
            return;
        for (size_t j = 0; j < ch_corpus_nposts(sc[i].c); j++) {
            const ch_post *post = ch_corpus_post(sc[i].c, j);
            const ch_pool *pool = ch_corpus_pool(sc[i].c);
            if (post->kind == CH_KIND_REPOST && post->ref_id &&
                ch_corpus_find_post(sc[i].c, ch_corpus_post_platform(sc[i].c, j),
                                    ch_pool_str(pool, post->ref_id),
                                    ch_pool_len(pool, post->ref_id)) != SIZE_MAX)
                continue; /* attributed to its original, as in ch_parrot_match_corpus */
            const ch_parrot_match *m;
            size_t k;
            ch_parrot_match_text(ix, s, post->text, post->text_len, post->created_at, 8, &m, &k);
            bool positive = sc[i].t.stmt[j] != UINT32_MAX;
            if (k == 0) {
                pos_none += positive;
                continue;
            }
            int bin = (int)(m[0].similarity * 20.0f);
            (positive ? pos : neg)[bin > 20 ? 20 : bin]++;
        }
        ch_parrot_scratch_free(s);
        ch_parrot_free(ix);
    }
    printf("\nbest similarity of every post that reaches any (min_tokens %.1f applies)\n",
           p->min_tokens);
    printf("%-12s %10s %10s\n", "similarity", "positives", "negatives");
    for (int b = 0; b <= 20; b++)
        if (pos[b] || neg[b])
            printf("%.2f-%-7.2f %10llu %10llu\n", b / 20.0, b == 20 ? 1.0 : (b + 1) / 20.0,
                   (unsigned long long)pos[b], (unsigned long long)neg[b]);
    printf("positives with no candidate at all: %llu\n", (unsigned long long)pos_none);
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 1.0; }

static void report(const counts *k, const ch_parrot_params *p)
{
    printf("shingle %u, threshold %.2f, min_tokens %.1f, subst_credit %.2f, vote_budget %u, "
           "max_candidates %u, lex 0x%x: %llu posts (%llu reposts attributed to their "
           "originals)\n",
           p->shingle, p->threshold, p->min_tokens, p->subst_credit, p->vote_budget,
           p->max_candidates, p->lex,
           (unsigned long long)k->posts, (unsigned long long)k->reposts_skipped);
    printf("  overall  precision %.4f  recall %.4f  (tp %llu, fp %llu, fn %llu; wrong statement "
           "%llu of which ties %llu)\n",
           ratio(k->tp, k->tp + k->fp), ratio(k->tp, k->tp + k->fn), (unsigned long long)k->tp,
           (unsigned long long)k->fp, (unsigned long long)k->fn,
           (unsigned long long)k->wrong, (unsigned long long)k->ties);
    printf("  counting a tie as right (the passage is in both statements): precision %.4f, "
           "recall %.4f\n",
           ratio(k->tp + k->ties, k->tp + k->fp), ratio(k->tp + k->ties, k->tp + k->fn));
    if (k->fp_distractor)
        printf("  %llu false positives are organic posts found in a generated distractor "
               "statement (a random walk that happens to contain their text); without them "
               "precision is %.4f\n",
               (unsigned long long)k->fp_distractor,
               ratio(k->tp, k->tp + k->fp - k->fp_distractor));
    printf("  %-18s %8s %8s\n", "kind", "recall", "posts");
    for (int i = 0; i < K_N; i++)
        if (k->kind_pos[i])
            printf("  %-18s %8.4f %8llu\n", kind_names[i], ratio(k->kind_hit[i], k->kind_pos[i]),
                   (unsigned long long)k->kind_pos[i]);
    printf("  %-18s %9s %8s %8s\n", "language", "precision", "recall", "posts");
    for (int i = 0; i < NLANG; i++)
        if (k->lang_pos[i] || k->lang_pred[i])
            printf("  %-18s %9.4f %8.4f %8llu\n", lang_names[i],
                   ratio(k->lang_pred_ok[i], k->lang_pred[i]),
                   ratio(k->lang_hit[i], k->lang_pos[i]),
                   (unsigned long long)k->lang_pos[i]);
    fflush(stdout);
}

static void bar(const counts *k)
{
    bool ok = ratio(k->tp, k->tp + k->fp) >= 0.95 && ratio(k->tp, k->tp + k->fn) >= 0.90;
    for (int i = 0; i < K_OTHER; i++)
        if (k->kind_pos[i] && ratio(k->kind_hit[i], k->kind_pos[i]) < 0.80)
            ok = false;
    printf("  bar (precision >= 0.95, recall >= 0.90, every kind >= 0.80): %s\n",
           ok ? "met" : "NOT met");
}

int main(int argc, char **argv)
{
    const char *dirs[64];
    int ndirs = 0, s0 = 11, s1 = 15;
    double noise = -1;
    long posts = 0;
    bool curve = false, misses = false, hist = false;
    int rewrites = 0;
    char pool = 0;
    size_t distractors = 0;
    char synth[600];
    snprintf(synth, sizeof synth, "%s", argv[0]);
    char *slash = strrchr(synth, '/');
    snprintf(slash ? slash + 1 : synth, sizeof synth - (size_t)(slash ? slash + 1 - synth : 0),
             "chorus-synth");
    ch_parrot_params p;
    ch_parrot_params_default(&p);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seeds") && v) {
            if (sscanf(v, "%d-%d", &s0, &s1) != 2)
                s1 = s0 = atoi(v);
            i++;
        } else if (!strcmp(a, "--noise") && v) {
            noise = atof(v);
            i++;
        } else if (!strcmp(a, "--posts") && v) {
            posts = atol(v);
            i++;
        } else if (!strcmp(a, "--synth") && v) {
            snprintf(synth, sizeof synth, "%s", v);
            i++;
        } else if (!strcmp(a, "--threshold") && v) {
            p.threshold = atof(v);
            i++;
        } else if (!strcmp(a, "--shingle") && v) {
            p.shingle = (unsigned)atoi(v);
            i++;
        } else if (!strcmp(a, "--min-tokens") && v) {
            p.min_tokens = atof(v);
            i++;
        } else if (!strcmp(a, "--budget") && v) {
            p.vote_budget = (unsigned)atoi(v);
            i++;
        } else if (!strcmp(a, "--candidates") && v) {
            p.max_candidates = (unsigned)atoi(v);
            i++;
        } else if (!strcmp(a, "--subst-credit") && v) {
            p.subst_credit = atof(v);
            i++;
        } else if (!strcmp(a, "--curve")) {
            curve = true;
        } else if (!strcmp(a, "--misses")) {
            misses = true;
        } else if (!strcmp(a, "--distractors") && v) {
            distractors = (size_t)atol(v);
            i++;
        } else if (!strcmp(a, "--hist")) {
            hist = true;
        } else if (!strcmp(a, "--rewrites") && v) {
            rewrites = atoi(v);
            i++;
        } else if (!strcmp(a, "--lex") && v && bench_lex_opts(v) >= 0) {
            p.lex = (unsigned)bench_lex_opts(v);
            i++;
        } else if (!strcmp(a, "--pool") && v && (!strcmp(v, "A") || !strcmp(v, "B"))) {
            pool = v[0];
            i++;
        } else if (a[0] != '-' && ndirs < 64) {
            dirs[ndirs++] = a;
        } else {
            fprintf(stderr, "usage: bench_quality_parrot [DIR...] [--seeds A-B] [--noise X] "
                            "[--posts N] [--synth PATH] [--curve] [--threshold X] [--shingle K] "
                            "[--min-tokens X] [--subst-credit X] [--budget N] [--candidates N] "
                            "[--distractors N] [--misses] [--hist] [--rewrites N [--pool A|B]] [--lex LIST]\n");
            return 2;
        }
    }
    /* scenarios: the given directories, or generated ones */
    int n = ndirs ? ndirs : s1 - s0 + 1;
    if (n <= 0 || n > 64) {
        fprintf(stderr, "bench_quality_parrot: bad seed range\n");
        return 2;
    }
    scenario *sc = calloc((size_t)n, sizeof *sc);
    char tmp[] = "/tmp/chorus_quality_XXXXXX";
    bool made = false;
    for (int i = 0; i < n; i++) {
        if (ndirs) {
            snprintf(sc[i].dir, sizeof sc[i].dir, "%s", dirs[i]);
        } else {
            if (!made && !mkdtemp(tmp)) {
                perror("mkdtemp");
                return 1;
            }
            made = true;
            snprintf(sc[i].dir, sizeof sc[i].dir, "%s/seed%d", tmp, s0 + i);
            char cmd[2048], extra[128] = "";
            if (noise >= 0)
                snprintf(extra, sizeof extra, " --noise %.3f", noise);
            if (posts > 0 || rewrites > 0)
                snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " --posts %ld",
                         rewrites > 0 && posts <= 0 ? 300 : posts);
            if (rewrites > 0)
                snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                         " --rewrites %d%s%c", rewrites, pool ? " --rewrite-pool " : "",
                         pool ? pool : ' ');
            snprintf(cmd, sizeof cmd, "'%s' --quiet --seed %d%s -o '%s'", synth, s0 + i, extra,
                     sc[i].dir);
            if (system(cmd) != 0) {
                fprintf(stderr, "bench_quality_parrot: '%s' failed (build chorus-synth, or pass "
                                "--synth PATH)\n", cmd);
                return 1;
            }
        }
        if (rewrites > 0)
            continue; /* the rewrite test reads its own files */
        if (load_scenario(&sc[i]))
            return 1;
        if (distractors)
            gen_statements(sc[i].set, sc[i].c, false, NULL, sc[i].own + distractors, 1000);
    }
    if (ndirs)
        printf("scenarios: %d director%s\n", n, n == 1 ? "y" : "ies");
    else
        printf("scenarios: chorus-synth seeds %d..%d%s\n", s0, s1,
               noise >= 0 ? "" : " (noise 0.5)");
    if (noise >= 0)
        printf("noise %.2f\n", noise);
    if (distractors)
        printf("plus %zu generated distractor statements per scenario (gen_statements.h, "
               "trained on the statements)\n",
               distractors);

    if (rewrites > 0) {
        rwb_counts rk;
        memset(&rk, 0, sizeof rk);
        printf("light rewrites (chorus-synth --rewrites %d%s%c): threshold %.2f, min_tokens %.1f, "
               "lex 0x%x\n",
               rewrites, pool ? ", extra statements " : "", pool ? pool : ' ', p.threshold,
               p.min_tokens, p.lex);
        for (int i = 0; i < n; i++)
            if (rwb_eval(sc[i].dir, &p, &rk, misses)) {
                fprintf(stderr, "bench_quality_parrot: cannot evaluate %s\n", sc[i].dir);
                return 1;
            }
        rwb_report(&rk);
        if (made) {
            char cmd[600];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
            if (system(cmd) != 0)
                fprintf(stderr, "bench_quality_parrot: could not remove %s\n", tmp);
        }
        free(sc);
        return 0;
    }
    counts k;
    memset(&k, 0, sizeof k);
    double t0 = bench_now();
    for (int i = 0; i < n; i++)
        if (evaluate(&sc[i], &p, &k, misses))
            return 1;
    report(&k, &p);
    bar(&k);
    printf("  (%.2f s)\n", bench_now() - t0);

    if (curve) {
        printf("\nrecall curve: recall per kind (and overall precision/recall) against the "
               "threshold\n");
        printf("%-9s %6s %6s", "threshold", "prec", "recall");
        for (int i = 0; i < K_OTHER; i++)
            if (k.kind_pos[i])
                printf(" %6.6s", kind_names[i]);
        printf("\n");
        for (int th = 30; th <= 95; th += 5) {
            ch_parrot_params q = p;
            q.threshold = th / 100.0;
            counts c;
            memset(&c, 0, sizeof c);
            for (int i = 0; i < n; i++)
                if (evaluate(&sc[i], &q, &c, false))
                    return 1;
            printf("%-9.2f %6.3f %6.3f", q.threshold, ratio(c.tp, c.tp + c.fp),
                   ratio(c.tp, c.tp + c.fn));
            for (int i = 0; i < K_OTHER; i++)
                if (k.kind_pos[i])
                    printf(" %6.3f", ratio(c.kind_hit[i], c.kind_pos[i]));
            printf("\n");
            fflush(stdout);
        }
    }
    if (hist)
        histogram(sc, n, &p);
    for (int i = 0; i < n; i++)
        free_scenario(&sc[i]);
    free(sc);
    if (made) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_quality_parrot: could not remove %s\n", tmp);
    }
    return 0;
}
