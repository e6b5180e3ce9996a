/*
 * bench/quality_rewrites.h — the light-rewrite test of bench_quality_parrot (--rewrites N):
 * recall per rewrite kind and false matches per hard-negative kind on the paraphrase test set
 * that chorus-synth --rewrites writes (rewrites.jsonl, rewrite_statements.jsonl; the kinds are
 * described in tools/synth/rewrite.c and docs/parroting.md).
 *
 * The statements of the scenario and the extra statements are indexed together; every item is
 * matched on its own (ch_parrot_match_text, no date). A paraphrase is found when its statement
 * is among the best matches (statements holding the same passage tie; which of them it was is
 * the corpus stage's question, not this test's). A negative is a false match when any statement
 * matches. slot_swap negatives (a template with other slot values) are counted apart from the
 * clear negatives: a text matcher cannot tell them from copies.
 */
#ifndef CHORUS_BENCH_QUALITY_REWRITES_H
#define CHORUS_BENCH_QUALITY_REWRITES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "ingest/input.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"

/* The kinds of tools/synth/rewrite.c, paraphrases first. */
enum { RWB_NPOS = 12, RWB_N = 18 };
static const char *const rwb_name[RWB_N] = {
    "hashtag", "abbreviation", "numbers", "source_added", "inflection", "synonym",
    "clause_swap", "headline", "sentence_added", "sentence_dropped", "mixed", "quote_refute",
    "other_claim", "same_entities", "refutation", "stock_phrases", "organic_topic", "slot_swap"};
#define RWB_SLOT_SWAP (RWB_N - 1)

typedef struct rwb_counts {
    uint64_t n[RWB_N];     /* items */
    uint64_t hit[RWB_N];   /* paraphrases found / negatives matched */
    uint64_t wrong[RWB_N]; /* paraphrases matched to another statement only */
    uint64_t quoted[RWB_N]; /* matched items whose best match is quoted (ch_parrot_match) */
} rwb_counts;

static int rwb_kind(const char *s, size_t n)
{
    for (int k = 0; k < RWB_N; k++)
        if (strlen(rwb_name[k]) == n && memcmp(rwb_name[k], s, n) == 0)
            return k;
    return -1;
}

/* Matches every item of DIR/rewrites.jsonl; adds to k. Returns 0, or -1 on a missing file. */
static int rwb_eval(const char *dir, const ch_parrot_params *p, rwb_counts *k, bool misses)
{
    char path[700];
    ch_stmtset *set = NULL;
    ch_parrot_index *ix = NULL;
    ch_parrot_scratch *sc = NULL;
    ch_input *in = NULL;
    ch_json_parser *jp = NULL;
    int rc = -1;
    if (ch_stmtset_new(&set))
        return -1;
    snprintf(path, sizeof path, "%s/statements.jsonl", dir);
    if (ch_stmtset_load(set, path, NULL))
        goto out;
    snprintf(path, sizeof path, "%s/rewrite_statements.jsonl", dir);
    if (ch_stmtset_load(set, path, NULL))
        goto out;
    if (ch_parrot_build(set, p, &ix) || ch_parrot_scratch_new(ix, &sc))
        goto out;
    char err[256];
    snprintf(path, sizeof path, "%s/rewrites.jsonl", dir);
    if (ch_input_open(path, 0, &in, err, sizeof err)) {
        fprintf(stderr, "bench_quality_parrot: %s\n", err);
        goto out;
    }
    ch_json_parser_new(0, &jp);
    const char *line;
    size_t len;
    uint64_t no;
    while (ch_input_line(in, &line, &len, &no) == CH_LINE_OK) {
        ch_json_val root;
        const char *kind, *label, *text, *sid = NULL;
        size_t kn, ln, tn, sn = 0;
        if (ch_json_parse(jp, line, len, true, &root, NULL) != CH_JSON_OK ||
            !ch_json_get_str(root, "kind", &kind, &kn) ||
            !ch_json_get_str(root, "label", &label, &ln) ||
            !ch_json_get_str(root, "text", &text, &tn))
            continue;
        int kk = rwb_kind(kind, kn);
        if (kk < 0)
            continue;
        bool pos = ln == 10 && !memcmp(label, "paraphrase", 10);
        size_t want = SIZE_MAX;
        if (pos && ch_json_get_str(root, "statement_id", &sid, &sn))
            want = ch_stmtset_find(set, sid, sn);
        /* the text is a view into the parser's buffer: copy it before matching */
        char tbuf[4096];
        if (tn >= sizeof tbuf)
            continue;
        memcpy(tbuf, text, tn);
        tbuf[tn] = 0;
        const ch_parrot_match *m;
        size_t n;
        if (ch_parrot_match_text(ix, sc, tbuf, tn, CH_UNKNOWN_I64, 8, &m, &n))
            goto out;
        k->n[kk]++;
        k->quoted[kk] += n > 0 && m[0].quoted;
        bool found = false;
        for (size_t j = 0; j < n && m[j].similarity == m[0].similarity; j++)
            found |= m[j].stmt == want;
        if (pos) {
            k->hit[kk] += found;
            k->wrong[kk] += !found && n > 0;
        } else {
            k->hit[kk] += n > 0;
        }
        if (misses && (pos ? !found : n > 0))
            printf("  %s %-16s sim %.3f %s\n    %s\n", pos ? (n ? "WRONG" : "MISS ") : "FALSE",
                   rwb_name[kk], n ? m[0].similarity : 0.0,
                   n ? ch_stmtset_get(set, m[0].stmt)->id : "-", tbuf);
    }
    rc = 0;
out:
    ch_json_parser_free(jp);
    ch_input_close(in);
    ch_parrot_scratch_free(sc);
    ch_parrot_free(ix);
    ch_stmtset_free(set);
    return rc;
}

static void rwb_report(const rwb_counts *k)
{
    uint64_t pn = 0, ph = 0, pw = 0, nn = 0, nh = 0;
    printf("  %-18s %-10s %8s %8s %8s %8s\n", "kind", "label", "items", "found", "rate", "quoted");
    for (int i = 0; i < RWB_N; i++) {
        if (!k->n[i])
            continue;
        bool pos = i < RWB_NPOS;
        printf("  %-18s %-10s %8llu %8llu %8.4f %8llu%s\n", rwb_name[i],
               pos ? "paraphrase" : "negative", (unsigned long long)k->n[i],
               (unsigned long long)k->hit[i], (double)k->hit[i] / (double)k->n[i],
               (unsigned long long)k->quoted[i],
               pos ? "  recall" : i == RWB_SLOT_SWAP ? "  false matches (not a clear negative)"
                                                     : "  false matches");
        if (pos) {
            pn += k->n[i];
            ph += k->hit[i];
            pw += k->wrong[i];
        } else if (i != RWB_SLOT_SWAP) {
            nn += k->n[i];
            nh += k->hit[i];
        }
    }
    printf("  paraphrases: recall %.4f (%llu of %llu; %llu matched another statement only)\n",
           pn ? (double)ph / (double)pn : 0.0, (unsigned long long)ph, (unsigned long long)pn,
           (unsigned long long)pw);
    printf("  clear negatives: %llu of %llu matched (false match rate %.4f)\n",
           (unsigned long long)nh, (unsigned long long)nn, nn ? (double)nh / (double)nn : 0.0);
    fflush(stdout);
}

#endif
