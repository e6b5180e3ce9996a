/* scan_write.c — a scan's results as rows of the results database, and the posts job on a
 * worker thread (see scan_write.h). */
#include "store/scan_write.h"

#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/sys.h"

static const char *sid_str(const ch_corpus *c, ch_sid s)
{
    return ch_pool_str(ch_corpus_pool(c), s);
}

static const char *acct_id(const ch_corpus *c, uint32_t a)
{
    return sid_str(c, ch_corpus_account(c, a)->id);
}

static const char *post_id(const ch_corpus *c, uint32_t p)
{
    return sid_str(c, ch_corpus_post(c, p)->id);
}

/* Byte offset off of text[0..n) in characters (clamped to the text). */
static int64_t char_offset(const char *text, size_t n, int64_t off)
{
    if (!text || off <= 0)
        return off < 0 ? off : 0;
    return (int64_t)ch_store_utf8_chars(text, (size_t)off < n ? (size_t)off : n);
}

static const char *acct_platform(const ch_corpus *c, uint32_t a)
{
    return ch_corpus_platform_name(c, ch_corpus_account(c, a)->platform);
}

/* The id of an evidence object within its type (docs/schema.md, evidence.object_id): the
 * readable text without its prefix ("post 123" -> "123", "narrative 7" -> "7", "statement
 * S1" -> "S1"); URLs and hashtag sets are their own id; a post known only by its text
 * ("a post of @h") by its key in hex, into buf. */
static const char *object_id(const ch_object *ob, char *buf, size_t cap)
{
    static const char *const prefix[CH_OBJ__COUNT] = {
        [CH_OBJ_POST] = "post ", [CH_OBJ_NARRATIVE] = "narrative ",
        [CH_OBJ_STATEMENT] = "statement ",
    };
    const char *t = ob->text ? ob->text : "";
    if (ob->type == CH_OBJ_POST_TEXT) {
        snprintf(buf, cap, "%016llx", (unsigned long long)ob->key);
        return buf;
    }
    const char *pre = ob->type < CH_OBJ__COUNT ? prefix[ob->type] : NULL;
    if (pre && strncmp(t, pre, strlen(pre)) == 0)
        return t + strlen(pre);
    return t;
}

void ch_store_behaviours_text(uint32_t mask, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int b = 0; b < CH_B__COUNT; b++) {
        if (!(mask & (1u << b)))
            continue;
        int n = snprintf(buf + o, cap - o, "%s%s", o ? "," : "", ch_behaviour_name((ch_behaviour)b));
        if (n < 0 || (size_t)n >= cap - o)
            break;
        o += (size_t)n;
    }
}

/* Run-table writers that keep the first error, so that a sequence of rows is checked once. */
static void run_str(ch_store *s, int *rc, const char *key, const char *value)
{
    if (!*rc)
        *rc = ch_store_run(s, key, value);
}

static void run_i64(ch_store *s, int *rc, const char *key, int64_t value)
{
    if (!*rc)
        *rc = ch_store_run_i64(s, key, value);
}

static void run_f64(ch_store *s, int *rc, const char *key, double value)
{
    if (!*rc)
        *rc = ch_store_run_f64(s, key, value);
}

static int write_run(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                     const ch_stmtset *stmts, const ch_detect_result *r)
{
    int rc = CHORUS_OK;
    char buf[256];
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    const ch_coact_result *co = r->co;
    const ch_network *net = r->net;
    uint64_t errors = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        errors += st->errors[k];
    run_str(s, &rc, "version", chorus_version());
    for (size_t i = 0; i < m->ninputs; i++) {
        snprintf(buf, sizeof buf, "input.%zu", i);
        run_str(s, &rc, buf, m->inputs[i]);
        if (m->input_formats && m->input_formats[i]) {
            snprintf(buf, sizeof buf, "input_format.%zu", i);
            run_str(s, &rc, buf, m->input_formats[i]);
        }
    }
    for (size_t i = 0; i < m->nstatements; i++) {
        snprintf(buf, sizeof buf, "statements.%zu", i);
        run_str(s, &rc, buf, m->statements[i]);
    }
    run_str(s, &rc, "param.window", m->window_fixed ? "fixed" : "auto");
    run_i64(s, &rc, "param.window_seconds", co->window);
    for (int b = 0; b < CH_B__COUNT; b++) {
        snprintf(buf, sizeof buf, "param.window.%s", ch_behaviour_name((ch_behaviour)b));
        run_i64(s, &rc, buf, co->windows[b]);
        /* window auto's second look (0: one look) */
        snprintf(buf, sizeof buf, "param.window_long.%s", ch_behaviour_name((ch_behaviour)b));
        run_i64(s, &rc, buf, co->windows_long[b]);
    }
    run_f64(s, &rc, "param.screen_p", m->screen_p);
    run_f64(s, &rc, "param.min_weight", net->min_weight);
    run_str(s, &rc, "param.format", m->format ? m->format : "auto");
    run_i64(s, &rc, "param.threads", m->threads);
    run_str(s, &rc, "param.compat", ch_coact_compat_name(m->compat));
    if (m->behaviours) {
        ch_store_behaviours_text(m->behaviours, buf, sizeof buf);
        run_str(s, &rc, "param.behaviours", buf);
    }
    if (m->min_events)
        run_i64(s, &rc, "param.min_events", m->min_events);
    if (m->fdr > 0)
        run_f64(s, &rc, "param.fdr", m->fdr);
    if (m->match_threshold > 0)
        run_f64(s, &rc, "param.match_threshold", m->match_threshold);
    run_i64(s, &rc, "count.posts", (int64_t)ch_corpus_nposts(c));
    run_i64(s, &rc, "count.accounts", (int64_t)ch_corpus_naccounts(c));
    run_i64(s, &rc, "count.records", (int64_t)st->records);
    run_i64(s, &rc, "count.duplicates", (int64_t)st->duplicates);
    run_i64(s, &rc, "count.ingest_errors", (int64_t)errors);
    run_i64(s, &rc, "count.unreadable_bytes", (int64_t)st->unreadable_bytes);
    run_i64(s, &rc, "count.statements", stmts ? (int64_t)ch_stmtset_count(stmts) : 0);
    run_i64(s, &rc, "count.matches", (int64_t)r->parrot.nrows);
    run_i64(s, &rc, "count.posts_matched", (int64_t)r->parrot.posts_matched);
    run_i64(s, &rc, "count.narratives", (int64_t)r->nd->n_narratives);
    /* edges: the per-behaviour edges of the account pairs the network used */
    run_i64(s, &rc, "count.edges", (int64_t)net->n_coact_kept);
    run_i64(s, &rc, "count.edges_screened", (int64_t)co->n_edges);
    run_i64(s, &rc, "count.edges_significant", (int64_t)co->n_significant);
    run_i64(s, &rc, "count.clusters", (int64_t)net->n_clusters);
    /* evidence: rows of the kept edges; edges cut by the evidence bound (coact.h) */
    uint64_t nev = 0;
    for (size_t k = 0; k < co->n_evidence; k++)
        nev += net->coact_kept[co->evidence[k].edge] != 0;
    run_i64(s, &rc, "count.evidence", (int64_t)nev);
    run_i64(s, &rc, "count.evidence_trimmed", (int64_t)co->evidence_trimmed);
    if (st->min_time != CH_UNKNOWN_I64) {
        run_i64(s, &rc, "data.first", st->min_time);
        run_i64(s, &rc, "data.last", st->max_time);
    }
    run_f64(s, &rc, "time.ingest", m->seconds_ingest);
    run_f64(s, &rc, "time.normalize", r->seconds[CH_DS_NORMALIZE]);
    run_f64(s, &rc, "time.parrot", r->seconds[CH_DS_PARROT]);
    run_f64(s, &rc, "time.neardup", r->seconds[CH_DS_NEARDUP]);
    run_f64(s, &rc, "time.coact", r->seconds[CH_DS_COACT]);
    run_f64(s, &rc, "time.network", r->seconds[CH_DS_NETWORK]);
    run_f64(s, &rc, "time.score", r->seconds[CH_DS_SCORE]);
    run_f64(s, &rc, "time.store_posts", m->seconds_store_posts);
    /* past the memory budget: the narrative sketches and co-action events that went through
     * the disk (how the scan ran, like the times, not a result: absent when nothing spilled) */
    if (r->nd && r->nd->stats.spilled_bytes)
        run_i64(s, &rc, "spill.narrative_sketch_bytes", (int64_t)r->nd->stats.spilled_bytes);
    if (co->spill_runs) {
        run_i64(s, &rc, "spill.coact_runs", (int64_t)co->spill_runs);
        run_i64(s, &rc, "spill.coact_events", (int64_t)co->spill_events);
    }
    return rc;
}

static int write_rows(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                      const ch_stmtset *stmts, const ch_detect_result *r)
{
    int rc = CHORUS_OK;
    const ch_parrot_result *parrot = &r->parrot;
    const ch_neardup_result *nd = r->nd;
    const ch_coact_result *co = r->co;
    const ch_network *net = r->net;
    if (stmts) {
        for (size_t i = 0; i < ch_stmtset_count(stmts); i++) {
            const ch_statement *x = ch_stmtset_get(stmts, i);
            ch_statement_row row = {x->id, x->source, x->text, x->lang, x->published_at};
            if ((rc = ch_store_statement(s, &row)))
                return rc;
        }
    }
    /* Reasons are generated on demand, one account at a time, into one buffer. */
    char *reasons = ch_malloc(CH_SCORE_REASONS_MAX);
    if (!reasons)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < ch_corpus_naccounts(c) && !rc; i++) {
        ch_score_reasons(r->scores, i, reasons, CH_SCORE_REASONS_MAX);
        ch_account_row row = {r->scores->score[i], net->cluster_of_account[i], reasons};
        rc = ch_store_account(s, c, i, &row);
    }
    ch_free(reasons);
    if (rc)
        return rc;

    for (size_t k = 0; k < net->n_clusters; k++) {
        const ch_cluster *cl = &net->clusters[k];
        char beh[160];
        ch_store_behaviours_text(cl->behaviours, beh, sizeof beh);
        ch_cluster_row row = {(int64_t)k, cl->n_members, cl->score, beh,
                              cl->first_seen, cl->last_seen, cl->summary};
        if ((rc = ch_store_cluster(s, &row)))
            return rc;
    }
    for (size_t k = 0; k < co->n_edges; k++) {
        if (!net->coact_kept[k])
            continue;
        const ch_edge *e = &co->edges[k];
        ch_edge_row row = {acct_id(c, e->a), acct_id(c, e->b),
                           ch_behaviour_name((ch_behaviour)e->behaviour), e->weight,
                           e->n_events, e->n_objects, e->pvalue,
                           acct_platform(c, e->a), acct_platform(c, e->b),
                           CH_UNKNOWN_I64, CH_UNKNOWN_I64, CH_UNKNOWN_I64, NULL, -1};
        if (co->lead) {
            /* who came first, over the pairs of posts the edge counts */
            const ch_edge_lead *ld = &co->lead[k];
            const uint64_t all = (uint64_t)ld->a_first + ld->b_first + ld->same_time;
            row.a_first = ld->a_first;
            row.b_first = ld->b_first;
            row.same_time = ld->same_time;
            if (ld->a_first != ld->b_first && all) {
                row.leader = ld->a_first > ld->b_first ? row.a : row.b;
                const uint32_t led = ld->a_first > ld->b_first ? ld->a_first : ld->b_first;
                row.lead_share = (double)led / (double)all;
            }
        }
        if ((rc = ch_store_edge(s, &row)))
            return rc;
    }
    /* complete evidence: one row per object each kept edge shared (coact.h) */
    for (size_t k = 0; k < co->n_evidence; k++) {
        const ch_shared *sh = &co->evidence[k];
        if (!net->coact_kept[sh->edge])
            continue;
        const ch_edge *e = &co->edges[sh->edge];
        /* the shared object as co-action named it, once, when it collected the evidence */
        const ch_object *ob = ch_coact_evidence_object(co, k);
        char idbuf[24];
        ch_evidence_row row = {acct_id(c, e->a), acct_id(c, e->b),
                               ch_behaviour_name((ch_behaviour)e->behaviour),
                               post_id(c, sh->post_a), post_id(c, sh->post_b),
                               ob->text ? ob->text : "",
                               ch_object_type_name((ch_object_type)ob->type),
                               object_id(ob, idbuf, sizeof idbuf),
                               ch_corpus_post(c, sh->post_a)->created_at,
                               ch_corpus_post(c, sh->post_b)->created_at,
                               acct_platform(c, e->a), acct_platform(c, e->b)};
        if ((rc = ch_store_evidence(s, &row)))
            return rc;
    }
    for (size_t k = 0; k < parrot->nrows; k++) {
        const ch_parrot_row *pm = &parrot->rows[k];
        const ch_post *p = ch_corpus_post(c, pm->post);
        /* past the memory budget the texts read for the offsets are in the spill file: their
         * pages leave the resident set as the rows go (ch_corpus_release_text) */
        if ((k & 65535) == 65535)
            ch_corpus_release_text(c);
        const ch_statement *st = ch_stmtset_get(stmts, pm->m.stmt);
        ch_match_row row = {post_id(c, pm->post), st->id,
                            pm->m.similarity, pm->m.post_start, pm->m.post_end,
                            pm->m.stmt_start, pm->m.stmt_end, pm->before_publication,
                            ch_corpus_platform_name(c, ch_corpus_post_platform(c, pm->post)),
                            char_offset(p->text, p->text_len, pm->m.post_start),
                            char_offset(p->text, p->text_len, pm->m.post_end),
                            char_offset(st->text, st->text_len, pm->m.stmt_start),
                            char_offset(st->text, st->text_len, pm->m.stmt_end)};
        if ((rc = ch_store_match(s, &row)))
            return rc;
    }
    ch_corpus_release_text(c);
    for (size_t k = 0; k < nd->n_narratives; k++) {
        const ch_narrative *n = &nd->narratives[k];
        if ((k & 65535) == 65535)
            ch_corpus_release_text(c);
        ch_narrative_row row = {(int64_t)k, n->size, n->n_accounts, n->first_seen, n->last_seen,
                                ch_corpus_post(c, n->rep_post)->text};
        if ((rc = ch_store_narrative(s, &row)))
            return rc;
    }
    ch_corpus_release_text(c);
    for (size_t k = 0; k < m->nbad; k++) {
        if ((rc = ch_store_ingest_error(s, m->bad[k].file, m->bad[k].line, m->bad[k].reason)))
            return rc;
    }
    return CHORUS_OK;
}

/* The hourly coordination index (detect/timeline/timeline.h) and its spike count. */
static int write_timeline(ch_store *s, const ch_corpus *c, const ch_detect_result *r)
{
    ch_timeline_row *rows;
    size_t n;
    int rc = ch_timeline_build(c, r->net->cluster_of_account, &rows, &n);
    int64_t spikes = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        spikes += rows[i].spike;
        rc = ch_store_timeline(s, &rows[i]);
    }
    ch_free(rows);
    if (!rc)
        rc = ch_store_run_i64(s, "count.timeline_hours", (int64_t)n);
    if (!rc)
        rc = ch_store_run_i64(s, "count.timeline_spikes", spikes);
    return rc;
}

int ch_store_write_results(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                           const ch_stmtset *stmts, const ch_detect_result *r, char *err,
                           size_t errlen)
{
    const double t0 = ch_now();
    int rc = write_run(s, m, c, stmts, r);
    if (!rc)
        rc = write_rows(s, m, c, stmts, r);
    if (!rc)
        rc = write_timeline(s, c, r);
    if (!rc)
        rc = ch_store_run_f64(s, "time.store", ch_now() - t0);
    if (rc) {
        char why[512];
        snprintf(err, errlen, "cannot write '%s': %s", m->output,
                 rc == CHORUS_EDB ? ch_store_errmsg(s, why, sizeof why)
                                  : chorus_strerror((chorus_err)rc));
    }
    return rc;
}

int ch_store_write_scan(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                        const ch_stmtset *stmts, const ch_detect_result *r, char *err,
                        size_t errlen)
{
    int rc = ch_store_write_results(s, m, c, stmts, r, err, errlen);
    if (rc) {
        ch_store_abort(s);
        return rc;
    }
    return ch_store_commit(s, err, errlen);
}

/* ---- the posts job ------------------------------------------------------------------------- */

static void *posts_run(void *arg)
{
    ch_store_posts_job *j = arg;
    double t0 = ch_now();
    j->rc = ch_store_posts(j->s, j->c, j->narrative_of_post);
    if (!j->rc)
        j->rc = ch_store_posts_index(j->s);
    j->seconds = ch_now() - t0;
    return NULL;
}

void ch_store_posts_start(void *ctx, const uint32_t *narrative_of_post)
{
    ch_store_posts_job *j = ctx;
    if (j->done)
        return;
    j->done = true;
    j->narrative_of_post = narrative_of_post;
    if (pthread_create(&j->tid, NULL, posts_run, j) == 0)
        j->started = true;
    else
        posts_run(j); /* no thread: write them now */
}

int ch_store_posts_join(ch_store_posts_job *j)
{
    if (j->started) {
        pthread_join(j->tid, NULL);
        j->started = false;
    }
    return j->rc;
}
