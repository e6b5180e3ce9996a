/*
 * detect.h — the detection chain that runs after ingest, in one place so that `chorus scan`
 * and the quality benchmark (bench/quality_coord.c) run the same stages, in the same order,
 * with the same defaults:
 *
 *   normalize texts -> narratives (neardup) -> parroting (when statements are given)
 *     -> co-actions -> network -> account scores
 *
 * (Narratives and parroting are independent; narratives run first so that a caller can
 * start storing posts, which carry their narrative id, while the later stages run.)
 *
 * Each stage's options start from its own *_opts_default; ch_detect_opts_default gathers
 * them, and ch_detect_run wires the outputs of one stage into the next (the per-post
 * statement and narrative arrays into coact, network and score; statement publication times
 * into score) and applies `threads` to every stage. A caller that wants other settings edits
 * the stage options between ch_detect_opts_default and ch_detect_run; the fields that
 * ch_detect_run sets itself are listed below.
 *
 * Ownership: the result owns everything it points to (ch_detect_result_free); the corpus
 * must outlive it (the network's cluster evidence points into the co-action result), and the
 * statement set too (the parroting result refers to statements by their index in it). The corpus is
 * modified only by normalization (ch_corpus_normalize fills each post's normalized text).
 *
 * Cost: the sum of the stages (see their headers). Results do not depend on `threads`.
 */
#ifndef CH_DETECT_H
#define CH_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/neardup/neardup.h"
#include "detect/network/network.h"
#include "detect/parrot/parrot.h"
#include "detect/score/score.h"
#include "ingest/statements.h"

typedef enum ch_detect_stage {
    CH_DS_NORMALIZE = 0,
    CH_DS_PARROT,
    CH_DS_NEARDUP,
    CH_DS_COACT,
    CH_DS_NETWORK,
    CH_DS_SCORE,
    CH_DS__COUNT
} ch_detect_stage;


typedef struct ch_detect_opts {
    int threads;               /* every stage; 0 = all cores. Results do not depend on it */
    bool narratives;           /* run neardup and use its narratives (default true) */
    ch_parrot_params parrot;
    ch_neardup_opts neardup;   /* .threads set by ch_detect_run */
    ch_coact_opts coact;       /* .threads, .narrative_of_post, .statement_of_post,
                                  .statement_ids, .n_statements set by ch_detect_run */
    ch_network_opts network;
    ch_score_opts score;
    /* Optional progress callback, called with a stage and its description before it runs
     * and with (CH_DS__COUNT, NULL) at the end. */
    void (*progress)(void *ctx, ch_detect_stage stage, const char *what);
    void *progress_ctx;
    /* Optional: called once the narratives are known, right after the narrative stage (which
     * runs before parroting), with the per-post narrative ids (NULL when narratives are off).
     * Lets a caller start writing posts while the remaining stages run. */
    void (*narratives_ready)(void *ctx, const uint32_t *narrative_of_post);
    void *narratives_ready_ctx;
    /* Optional: the ranks of a distributed scan (core/dist.h), every one holding the same
     * corpus and statements and calling ch_detect_run. The narratives' sketching and the
     * parroting of posts are split between the ranks by blocks of posts, and so is the
     * extraction of co-action events, which are shuffled to the ranks owning their objects
     * (coact.h); rank 0 finishes each stage and runs the rest of co-actions, network and
     * scores alone, so its result is the one of a single process. On the other ranks ch_detect_run returns 0 once their share is sent,
     * with an empty result; narratives_ready is not called there. */
    const ch_dist *dist;
    /* With dist: rank 0's threads for the stages it runs alone (co-actions onwards), once the
     * other ranks have ended and given their cores back; 0 keeps `threads`. */
    int threads_alone;
} ch_detect_opts;

void ch_detect_opts_default(ch_detect_opts *o);

typedef struct ch_detect_result {
    ch_parrot_result parrot;       /* zeroed without statements */
    int64_t *published;            /* per statement: published_at (NULL without statements) */
    size_t n_statements;
    ch_neardup_result *nd;         /* NULL when narratives are off */
    ch_coact_result *co;
    ch_network *net;
    ch_scores *scores;
    double seconds[CH_DS__COUNT];  /* wall time per stage */
    char spill_err[256];           /* why a stage could not spill past the memory budget (it
                                      returned CHORUS_EIO); "" otherwise */
    const char *spill_what;        /* what that stage spills ("co-action events") */
} ch_detect_result;

/*
 * Runs the chain on c. stmts may be NULL (no parroting; co-actions on statements are then
 * absent). Returns CHORUS_OK or the first stage's error (CHORUS_ENOMEM, CHORUS_EUSAGE for bad
 * options, ...); on error *out holds what was computed so far and must still be freed.
 */
int ch_detect_run(ch_corpus *c, const ch_stmtset *stmts, const ch_detect_opts *o,
                  ch_detect_result *out);
void ch_detect_result_free(ch_detect_result *r);   /* harmless on a zeroed result */

#endif
