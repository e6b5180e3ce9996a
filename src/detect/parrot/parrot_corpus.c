/* parrot_corpus.c — matching every post of a corpus, on one or more threads, with reposts
 * attributed to their originals (see ch_parrot_match_corpus in parrot.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "core/sort.h"
#include "detect/parrot/parrot_int.h"

/* Posts per task: large enough that handing tasks out costs nothing, small enough that the
 * workers finish together. */
#define PX_CHUNK 512
/* Time scale of the context rule (see resolve_ties): campaigns push a statement in the hours
 * after it is published. 12 h was best on the tuning seeds (docs/parroting.md: 6 h and 12 h
 * gave 18 wrong attributions, 1 h 23, 1 day 25, 3 days 50). */
#define PX_CONTEXT_TAU 43200.0

/* Why a post is not matched (per post, 0 = it is). */
enum { SKIP_REPOST = 1, SKIP_LIKE = 2 };

/* One statement of a tie: several statements contain the passage a post copies. */
typedef struct tie {
    uint32_t post;
    ch_parrot_match m;
} tie;

/* What one worker found, in the order it matched its posts. */
typedef struct worker {
    ch_parrot_scratch *sc;      /* made on the worker's first task */
    ch_parrot_row *rows;
    size_t nrows, cap;
    tie *ties;
    size_t nties, cap_ties;
} worker;

typedef struct job {
    const ch_parrot_index *ix;
    const ch_corpus *c;
    const uint8_t *skip;        /* per post: not matched (SKIP_*) */
    uint32_t *post_stmt;        /* per post: written by the task that holds the post */
    unsigned max_per_post;
    size_t from, np;            /* the posts [from, np) */
    worker *ws;                 /* one per worker */
} job;

/* Task: the posts of one chunk. */
static int match_task(void *ctx, size_t task, unsigned wi)
{
    job *j = ctx;
    worker *w = &j->ws[wi];
    int rc;
    if (!w->sc && (rc = ch_parrot_scratch_new(j->ix, &w->sc)))
        return rc;
    const ch_stmtset *set = j->ix->set;
    const size_t b = j->from + task * PX_CHUNK, e = b + PX_CHUNK < j->np ? b + PX_CHUNK : j->np;
    for (size_t i = b; i < e; i++) {
        if (j->skip[i])
            continue;
        const ch_post *p = ch_corpus_post(j->c, i);
        const ch_parrot_match *m;
        size_t n;
        if ((rc = ch_parrot_match_text(j->ix, w->sc, p->text, p->text_len, p->created_at,
                                       j->ix->p.max_candidates, &m, &n)))
            return rc;
        if (n == 0)
            continue;
        j->post_stmt[i] = m[0].stmt;
        size_t nt = 1;
        while (nt < n && m[nt].similarity == m[0].similarity)
            nt++;
        if (nt > 1) { /* keep the tie for resolve_ties */
            if (ch_grow((void **)&w->ties, &w->cap_ties, w->nties + nt, sizeof *w->ties))
                return CHORUS_ENOMEM;
            for (size_t k = 0; k < nt; k++) {
                memset(&w->ties[w->nties], 0, sizeof *w->ties);
                w->ties[w->nties].post = (uint32_t)i;
                w->ties[w->nties++].m = m[k];
            }
        }
        if (n > j->max_per_post)
            n = j->max_per_post;
        if (ch_grow((void **)&w->rows, &w->cap, w->nrows + n, sizeof *w->rows))
            return CHORUS_ENOMEM;
        for (size_t k = 0; k < n; k++) {
            ch_parrot_row *r = &w->rows[w->nrows++];
            memset(r, 0, sizeof *r); /* padding too: rows compare with memcmp */
            r->post = (uint32_t)i;
            r->m = m[k];
            r->before_publication =
                (int8_t)ch_parrot_before(ch_stmtset_get(set, m[k].stmt), p->created_at);
        }
    }
    return CHORUS_OK;
}

/* Rows of one post are contiguous in one worker's list and already best first, so sorting by
 * (post, position in the concatenation) restores a thread-independent order. */
typedef struct keyed {
    uint64_t key;
    size_t at;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Context rule for ties. When several statements contain the passage a post copies (stock
 * sentences recur from statement to statement), the text cannot tell which one the author
 * copied. The time rule (the latest published before the post) is a fair guess alone; with a
 * corpus there is a better witness: what the posts around it copy. Each tied statement scores
 * sum(exp(-|t_u - t| / tau)) over the posts u that copy it and nothing else; statements
 * published by the post's time are preferred to later ones; the best score wins, and equal
 * scores (none nearby) keep the time rule. Ties are resolved against unambiguous posts only,
 * so the result does not depend on the order posts are visited in.
 * ties[] holds each tied post's matches contiguously, best first, sorted by post.
 */
static int resolve_ties(const ch_parrot_index *ix, const ch_corpus *c, const tie *ties,
                        size_t nties, const uint8_t *ambiguous, uint32_t *post_stmt,
                        uint32_t *choice)
{
    size_t ns = ix->nstmt, np = ch_corpus_nposts(c);
    size_t *start = ch_calloc(ns + 1, sizeof *start);
    if (!start)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < np; i++)
        if (post_stmt[i] != CH_NONE && !ambiguous[i])
            start[post_stmt[i] + 1]++;
    for (size_t s = 0; s < ns; s++)
        start[s + 1] += start[s];
    int64_t *times = ch_malloc((start[ns] ? start[ns] : 1) * sizeof *times);
    size_t *fill = ch_malloc((ns ? ns : 1) * sizeof *fill);
    if (!times || !fill) {
        ch_free(start);
        ch_free(times);
        ch_free(fill);
        return CHORUS_ENOMEM;
    }
    memcpy(fill, start, ns * sizeof *fill);
    for (size_t i = 0; i < np; i++)
        if (post_stmt[i] != CH_NONE && !ambiguous[i])
            times[fill[post_stmt[i]]++] = ch_corpus_post(c, i)->created_at;
    for (size_t s = 0; s < ns; s++)
        ch_sort(times + start[s], start[s + 1] - start[s], sizeof *times, ch_cmp_i64);

    const double span = 8 * PX_CONTEXT_TAU;
    for (size_t a = 0; a < nties;) {
        size_t b = a;
        while (b < nties && ties[b].post == ties[a].post)
            b++;
        int64_t t = ch_corpus_post(c, ties[a].post)->created_at;
        bool any_before = false;
        for (size_t k = a; k < b; k++)
            any_before |= ch_parrot_before(ch_stmtset_get(ix->set, ties[k].m.stmt), t) == 0;
        double best = 0;
        uint32_t pick = ties[a].m.stmt;
        for (size_t k = a; k < b; k++) {
            uint32_t s = ties[k].m.stmt;
            if (any_before && ch_parrot_before(ch_stmtset_get(ix->set, s), t) != 0)
                continue;
            /* posts within ±8 tau: binary search for the first one */
            size_t lo = start[s], hi = start[s + 1];
            double from = (double)t - span;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if ((double)times[mid] < from)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            double score = 0;
            for (size_t u = lo; u < start[s + 1] && (double)times[u] <= (double)t + span; u++)
                score += exp(-fabs((double)(times[u] - t)) / PX_CONTEXT_TAU);
            if (score > best) {
                best = score;
                pick = s;
            }
        }
        choice[ties[a].post] = pick;
        a = b;
    }
    ch_free(start);
    ch_free(times);
    ch_free(fill);
    return CHORUS_OK;
}

/* A distributed scan: the rows and ties every rank found for its block of posts go to rank 0,
 * where they become worker 0's lists (the other workers' emptied), each post's first row
 * giving its post_stmt. Rows of a post stay contiguous and best first, so the sort by post
 * that follows gives the order of one process. Returns, on every rank, the first failure of
 * any rank (status is this rank's). */
static int gather_workers(const ch_dist *d, int status, worker *ws, unsigned nth,
                          uint32_t *post_stmt)
{
    size_t nr = 0, nt = 0;
    for (unsigned t = 0; t < nth; t++)
        nr += ws[t].nrows, nt += ws[t].nties;
    ch_parrot_row *rows = ch_malloc((nr ? nr : 1) * sizeof *rows);
    tie *ties = ch_malloc((nt ? nt : 1) * sizeof *ties);
    if (!status && (!rows || !ties))
        status = CHORUS_ENOMEM;
    for (unsigned t = 0, ar = 0, at = 0; !status && t < nth; t++) {
        if (ws[t].nrows)
            memcpy(rows + ar, ws[t].rows, ws[t].nrows * sizeof *rows);
        if (ws[t].nties)
            memcpy(ties + at, ws[t].ties, ws[t].nties * sizeof *ties);
        ar += ws[t].nrows, at += ws[t].nties;
    }
    void *all_rows = NULL, *all_ties = NULL;
    size_t *lens = ch_malloc((size_t)d->size * sizeof *lens);
    if (!status && !lens)
        status = CHORUS_ENOMEM;
    size_t br = 0, bt = 0;   /* bytes gathered, on rank 0 */
    int rc = d->gather(d, status, rows, status ? 0 : nr * sizeof *rows, NULL, &all_rows, lens);
    for (int k = 0; !rc && d->rank == 0 && k < d->size; k++)
        br += lens[k];
    rc = d->gather(d, rc, ties, rc ? 0 : nt * sizeof *ties, NULL, &all_ties, lens);
    for (int k = 0; !rc && d->rank == 0 && k < d->size; k++)
        bt += lens[k];
    ch_free(rows);
    ch_free(ties);
    ch_free(lens);
    if (rc || d->rank != 0) {
        ch_free(all_rows);
        ch_free(all_ties);
        return rc;
    }
    for (unsigned t = 0; t < nth; t++) {
        ch_free(ws[t].rows);
        ch_free(ws[t].ties);
        ws[t].rows = NULL, ws[t].ties = NULL;
        ws[t].nrows = ws[t].cap = ws[t].nties = ws[t].cap_ties = 0;
    }
    ws[0].rows = all_rows;
    ws[0].nrows = ws[0].cap = br / sizeof(ch_parrot_row);
    ws[0].ties = all_ties;
    ws[0].nties = ws[0].cap_ties = bt / sizeof(tie);
    for (size_t i = 0; i < ws[0].nrows; i++) {
        const ch_parrot_row *r = &ws[0].rows[i];
        if (post_stmt[r->post] == CH_NONE)   /* a post's first row is its best match */
            post_stmt[r->post] = r->m.stmt;
    }
    return CHORUS_OK;
}

void ch_parrot_result_free(ch_parrot_result *r)
{
    if (!r)
        return;
    ch_free(r->post_stmt);
    ch_free(r->rows);
    memset(r, 0, sizeof *r);
}

int ch_parrot_match_corpus(const ch_parrot_index *ix, const ch_corpus *c,
                           const ch_parrot_corpus_opts *o, ch_parrot_result *out)
{
    memset(out, 0, sizeof *out);
    const unsigned nth = (unsigned)ch_parallel_threads(o ? o->threads : 0);
    unsigned per = o && o->max_per_post ? o->max_per_post : 1;
    size_t np = ch_corpus_nposts(c);
    if (np >= UINT32_MAX)
        return CHORUS_ELIMIT;
    int rc = CHORUS_ENOMEM;
    uint8_t *skip = ch_calloc(np ? np : 1, 1);
    worker *ws = ch_calloc(nth, sizeof *ws);
    out->post_stmt = ch_malloc((np ? np : 1) * sizeof *out->post_stmt);
    keyed *keys = NULL;
    if (!skip || !ws || !out->post_stmt)
        goto out;
    out->nposts = np;
    for (size_t i = 0; i < np; i++)
        out->post_stmt[i] = CH_NONE;

    /* A repost of a post we hold is the original's copy, not a new parroting act; a like has
     * no text of its own (whatever a reader attached) and parrots nothing. */
    const ch_pool *pool = ch_corpus_pool(c);
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind == CH_KIND_LIKE) {
            skip[i] = SKIP_LIKE;
            continue;
        }
        if (p->kind != CH_KIND_REPOST || !p->ref_id)
            continue;
        size_t r = ch_corpus_find_post(c, ch_corpus_post_platform(c, i),
                                       ch_pool_str(pool, p->ref_id), ch_pool_len(pool, p->ref_id));
        if (r != SIZE_MAX && r != i) {
            skip[i] = SKIP_REPOST;
            out->reposts_skipped++;
        }
    }

    /* a distributed scan matches this rank's block of the posts; one process all of them */
    const ch_dist *dist = o && ch_dist_active(o->dist) ? o->dist : NULL;
    size_t from = 0, to = np;
    if (dist)
        ch_dist_block(np, dist->rank, dist->size, &from, &to);
    job jb = {.ix = ix, .c = c, .skip = skip, .post_stmt = out->post_stmt,
             .max_per_post = per, .from = from, .np = to, .ws = ws};
    rc = ch_parallel_for((int)nth, (to - from + PX_CHUNK - 1) / PX_CHUNK, match_task, &jb);
    if (dist && (rc = gather_workers(dist, rc, ws, nth, out->post_stmt)) == 0 && dist->rank)
        goto out;   /* rc 0: this rank's share is with rank 0, which finishes the stage */
    if (rc)
        goto out;
    size_t total = 0;
    for (unsigned t = 0; t < nth; t++)
        total += ws[t].nrows;

    /* gather the rows in post order */
    rc = CHORUS_ENOMEM;
    if (total) {
        out->rows = ch_malloc(total * sizeof *out->rows);
        keys = ch_malloc(total * sizeof *keys);
        ch_parrot_row *tmp = ch_malloc(total * sizeof *tmp);
        if (!out->rows || !keys || !tmp) {
            ch_free(tmp);
            goto out;
        }
        size_t at = 0;
        for (unsigned t = 0; t < nth; t++) {
            if (ws[t].nrows)   /* a worker without rows has no array (NULL) */
                memcpy(tmp + at, ws[t].rows, ws[t].nrows * sizeof *tmp);
            at += ws[t].nrows;
        }
        for (size_t i = 0; i < total; i++)
            keys[i] = (keyed){tmp[i].post, i};
        ch_sort(keys, total, sizeof *keys, cmp_keyed);
        for (size_t i = 0; i < total; i++)
            out->rows[i] = tmp[keys[i].at];
        ch_free(tmp);
    }
    out->nrows = total;

    /* ties: gathered in post order like the rows, then resolved by context */
    size_t nties = 0;
    for (unsigned t = 0; t < nth; t++)
        nties += ws[t].nties;
    if (nties) {
        tie *all = ch_malloc(nties * sizeof *all), *sorted = ch_malloc(nties * sizeof *sorted);
        keyed *tk = ch_malloc(nties * sizeof *tk);
        uint8_t *amb = ch_calloc(np, 1);
        uint32_t *choice = ch_malloc(np * sizeof *choice);
        ch_parrot_row *newrows = ch_malloc(per * sizeof *newrows);
        int trc = !all || !sorted || !tk || !amb || !choice || !newrows ? CHORUS_ENOMEM : CHORUS_OK;
        if (!trc) {
            size_t at = 0;
            for (unsigned t = 0; t < nth; t++) {
                if (ws[t].nties)   /* a worker without ties may hold no array */
                    memcpy(all + at, ws[t].ties, ws[t].nties * sizeof *all);
                at += ws[t].nties;
            }
            for (size_t i = 0; i < nties; i++)
                tk[i] = (keyed){all[i].post, i};
            ch_sort(tk, nties, sizeof *tk, cmp_keyed);
            for (size_t i = 0; i < nties; i++) {
                sorted[i] = all[tk[i].at];
                amb[sorted[i].post] = 1;
            }
            for (size_t i = 0; i < np; i++)
                choice[i] = out->post_stmt[i];
            trc = resolve_ties(ix, c, sorted, nties, amb, out->post_stmt, choice);
        }
        /* a changed choice moves that statement's match to the front of the post's rows */
        for (size_t r = 0, a = 0; !trc && r < total;) {
            uint32_t post = out->rows[r].post;
            size_t e = r;
            while (e < total && out->rows[e].post == post)
                e++;
            if (choice[post] != out->post_stmt[post]) {
                while (a < nties && sorted[a].post < post)
                    a++;
                const ch_parrot_match *m = NULL;
                for (size_t k = a; k < nties && sorted[k].post == post; k++)
                    if (sorted[k].m.stmt == choice[post])
                        m = &sorted[k].m;
                if (m) {
                    /* chosen first, then the others in their order, as many rows as before */
                    size_t cnt = e - r, k = 1;
                    newrows[0] = out->rows[r];
                    newrows[0].m = *m;
                    newrows[0].before_publication = (int8_t)ch_parrot_before(
                        ch_stmtset_get(ix->set, m->stmt), ch_corpus_post(c, post)->created_at);
                    for (size_t j = r; j < e && k < cnt; j++)
                        if (out->rows[j].m.stmt != m->stmt)
                            newrows[k++] = out->rows[j];
                    memcpy(out->rows + r, newrows, k * sizeof *newrows);
                    out->post_stmt[post] = m->stmt;
                }
            }
            r = e;
        }
        ch_free(all);
        ch_free(sorted);
        ch_free(tk);
        ch_free(amb);
        ch_free(choice);
        ch_free(newrows);
        if (trc) {
            rc = trc;
            goto out;
        }
    }
    for (size_t i = 0; i < np; i++) {
        if (out->post_stmt[i] != CH_NONE)
            out->posts_matched++;
    }
    for (size_t i = 0; i < np; i++) {
        if (skip[i] != SKIP_REPOST)
            continue;
        const ch_post *p = ch_corpus_post(c, i);
        size_t r = ch_corpus_find_post(c, ch_corpus_post_platform(c, i),
                                       ch_pool_str(pool, p->ref_id), ch_pool_len(pool, p->ref_id));
        if (r != SIZE_MAX && out->post_stmt[r] != CH_NONE)
            out->reposts_of_matched++;
    }
    rc = CHORUS_OK;
out:
    for (unsigned t = 0; ws && t < nth; t++) {
        ch_parrot_scratch_free(ws[t].sc);
        ch_free(ws[t].rows);
        ch_free(ws[t].ties);
    }
    ch_free(ws);
    ch_free(skip);
    ch_free(keys);
    if (rc)
        ch_parrot_result_free(out);
    return rc;
}
