/*
 * detect.c — the detection chain after ingest (see detect.h): one function that `chorus scan`
 * and the quality benchmark share, so that what is measured is what ships.
 */
#include "detect/detect.h"
#include "core/parallel.h"
#include "core/sys.h"

#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "text/features.h"

void ch_detect_opts_default(ch_detect_opts *o)
{
    memset(o, 0, sizeof *o);
    o->threads = 0;
    o->narratives = true;
    ch_parrot_params_default(&o->parrot);
    ch_neardup_opts_default(&o->neardup);
    ch_coact_opts_default(&o->coact);
    ch_network_opts_default(&o->network);
    ch_score_opts_default(&o->score);
}

void ch_detect_result_free(ch_detect_result *r)
{
    if (!r)
        return;
    ch_scores_free(r->scores);
    ch_network_free(r->net);
    ch_coact_result_free(r->co);
    ch_neardup_result_free(r->nd);
    ch_parrot_result_free(&r->parrot);
    ch_free(r->published);
    memset(r, 0, sizeof *r);
}


static void progress(const ch_detect_opts *o, ch_detect_stage stage, const char *what)
{
    if (o->progress)
        o->progress(o->progress_ctx, stage, what);
}

int ch_detect_run(ch_corpus *c, const ch_stmtset *stmts, const ch_detect_opts *o,
                  ch_detect_result *out)
{
    if (!c || !o || !out)
        return CHORUS_EUSAGE;
    memset(out, 0, sizeof *out);
    int threads = ch_parallel_threads(o->threads);
    double t = ch_now();
    int rc;

    progress(o, CH_DS_NORMALIZE, "normalizing texts");
    ch_corpus_shrink(c);   /* reading is over: the arrays' doubling slack goes back */
    /* Past its memory budget (its texts spill: ch_corpus_set_memory), the corpus keeps no
     * normalized texts: the narratives normalize each text as they read it, with the same
     * function and flags, so the result is the same; 64 bytes a post less for time. In a
     * distributed scan the other ranks do the same for the posts of their share, while rank
     * 0 normalizes every post: its banding compares posts of every block, and normalizing
     * once is cheaper than at each comparison. */
    const bool ranks = ch_dist_active(o->dist), root = !ranks || o->dist->rank == 0;
    if (!ch_corpus_spilling(c) && root && (rc = ch_corpus_normalize(c, threads)))
        goto out;
    /* the stages that read every text (normalization, narratives, parroting, co-actions'
     * "RT @" keys) leave spilled texts resident; each gives them back when it ends */
    ch_corpus_release_text(c);
    out->seconds[CH_DS_NORMALIZE] = ch_now() - t;

    t = ch_now();
    progress(o, CH_DS_NEARDUP, "grouping near-identical posts");
    const uint32_t *narr_of_post = NULL;
    if (o->narratives) {
        ch_neardup_opts no = o->neardup;
        no.threads = threads;
        no.dist = ranks ? o->dist : NULL;
        no.err = out->spill_err;
        no.err_size = sizeof out->spill_err;
        out->spill_what = "narrative sketches";
        if ((rc = ch_neardup_run(c, &no, &out->nd)))
            goto out;
        narr_of_post = out->nd->narrative_of_post;
    }
    /* Narratives are the only reader of the normalized texts (parroting normalizes with
     * its own settings): they go as soon as the narratives are known. */
    ch_corpus_drop_derived(c);
    ch_corpus_release_text(c);
    ch_mem_trim();   /* the normalized texts and the stage's scratch go back to the system */
    out->seconds[CH_DS_NEARDUP] = ch_now() - t;
    if (o->narratives_ready && root)
        o->narratives_ready(o->narratives_ready_ctx, narr_of_post);

    t = ch_now();
    progress(o, CH_DS_PARROT, "matching posts to statements");
    const uint32_t *stmt_of_post = NULL;
    if (stmts && ch_stmtset_count(stmts) > 0) {
        ch_parrot_corpus_opts po = {.threads = threads, .max_per_post = 1,
                                    .dist = ranks ? o->dist : NULL};
        if ((rc = ch_parrot_run(stmts, c, &o->parrot, &po, &out->parrot)))
            goto out;
        stmt_of_post = out->parrot.post_stmt;
        out->n_statements = ch_stmtset_count(stmts);
        if (!(out->published = ch_malloc(out->n_statements * sizeof *out->published))) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < out->n_statements; i++)
            out->published[i] = ch_stmtset_get(stmts, i)->published_at;
    }
    ch_corpus_release_text(c);
    ch_mem_trim();
    out->seconds[CH_DS_PARROT] = ch_now() - t;

    /* Co-actions are shared too (coact.h): every rank extracts the events of its block and
     * sends them to the ranks owning their objects; rank 0 runs the rest of the stage. */
    t = ch_now();
    progress(o, CH_DS_COACT, "finding co-actions");
    ch_coact_opts co = o->coact;
    co.threads = threads;
    co.dist = ranks ? o->dist : NULL;
    co.threads_alone = o->threads_alone;
    co.narrative_of_post = narr_of_post;
    co.err = out->spill_err;
    co.err_size = sizeof out->spill_err;
    out->spill_what = "co-action events";
    /* A post that quotes a statement in quotation marks reports it (a journalist's quote,
     * attributed, with a comment): it is no co-action on the statement, which is reserved for
     * posts presenting its words as their own (docs/parroting.md, "Co-parroting"). The scores
     * still see every match. */
    uint32_t *co_stmt = NULL;
    const char **stmt_ids = NULL;   /* names statement objects in the evidence */
    if (stmt_of_post && root) {   /* rank 0 extracts the statement events (coact.h) */
        if (!(co_stmt = ch_malloc(out->parrot.nposts * sizeof *co_stmt)) ||
            !(stmt_ids = ch_malloc(out->n_statements * sizeof *stmt_ids))) {
            ch_free(co_stmt);
            rc = CHORUS_ENOMEM;
            goto out;
        }
        memcpy(co_stmt, stmt_of_post, out->parrot.nposts * sizeof *co_stmt);
        for (size_t k = 0; k < out->parrot.nrows; k++) {
            const ch_parrot_row *pr = &out->parrot.rows[k];
            const bool best = k == 0 || pr[-1].post != pr->post;   /* rows: best first */
            if (best && pr->m.quoted)
                co_stmt[pr->post] = CH_NONE;
        }
        co.statement_of_post = co_stmt;
        for (size_t i = 0; i < out->n_statements; i++)
            stmt_ids[i] = ch_stmtset_get(stmts, i)->id;
        co.statement_ids = stmt_ids;
        co.n_statements = out->n_statements;
    }
    rc = ch_coact_run(c, &co, &out->co);
    ch_corpus_release_text(c);
    ch_mem_trim();   /* events and pair tables */
    ch_free(stmt_ids);
    ch_free(co_stmt);
    if (rc)
        goto out;
    out->seconds[CH_DS_COACT] = ch_now() - t;
    if (!root) {   /* this rank's shares are with rank 0, which runs the rest */
        ch_detect_result_free(out);
        goto out;
    }
    if (ranks && o->threads_alone > 0)   /* the other ranks are done: their cores are free */
        threads = ch_parallel_threads(o->threads_alone);

    t = ch_now();
    progress(o, CH_DS_NETWORK, "clustering the account network");
    /* a compatibility mode keeps the peer tool's graph as it is (network_compat.c) */
    rc = o->coact.compat ? ch_network_build_compat(c, out->co, o->coact.compat, &out->net)
                         : ch_network_build(c, out->co, &o->network, &out->net);
    if (rc)
        goto out;
    out->seconds[CH_DS_NETWORK] = ch_now() - t;

    t = ch_now();
    progress(o, CH_DS_SCORE, "scoring accounts");
    ch_score_inputs si = {.statement_of_post = stmt_of_post,
                          .statement_published = out->published,
                          .n_statements = out->n_statements,
                          .narrative_of_post = narr_of_post};
    if ((rc = ch_score_run(c, out->net, &si, &o->score, &out->scores)))
        goto out;
    /* clusters take the mean of their members' calibrated scores, and their order from it
     * (docs/scoring.md); a compatibility mode keeps the peer tool's clusters as they are */
    if (!o->coact.compat && out->scores->n_clusters) {
        uint32_t *new_id = ch_malloc(out->scores->n_clusters * sizeof *new_id);
        if (!new_id) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        rc = ch_network_rescore(out->net, out->scores->cluster_score, new_id);
        if (!rc)
            rc = ch_scores_renumber_clusters(out->scores, new_id);
        ch_free(new_id);
        if (rc)
            goto out;
    }
    out->seconds[CH_DS_SCORE] = ch_now() - t;
out:
    progress(o, CH_DS__COUNT, NULL);
    return rc;
}
