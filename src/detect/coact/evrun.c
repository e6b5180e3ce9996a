/* evrun.c — co-action events as sorted runs in a temporary file, merged by object key into
 * the grouped set (see evrun.h for the order it reproduces and its cost). */
#include <stdbool.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/sort.h"
#include "detect/coact/coact_int.h"
#include "detect/coact/evrun.h"

/* A merge drops the pages it read from the resident set after this many records (8 MiB). */
#define RELEASE_RECORDS (((size_t)8 << 20) / sizeof(ch_evrec))

/* The merge order: object key, then time, then event number (a total order: numbers are
 * unique), which inside one object is the in-memory build's stable sort by time. */
static int rec_cmp(const ch_evrec *a, const ch_evrec *b)
{
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

int ch_evrec_cmp(const void *a, const void *b)
{
    return rec_cmp(a, b);
}

void ch_evrec_from(ch_evrec *out, const void *evv, size_t n, uint64_t seq0)
{
    const ch_ev *ev = evv;
    for (size_t i = 0; i < n; i++)
        out[i] = (ch_evrec){ev[i].key, ev[i].t, ev[i].src, ev[i].acct, ev[i].post, seq0 + i};
}

int ch_evruns_write(ch_evruns *rs, const void *evv, size_t n)
{
    const ch_ev *ev = evv;
    int rc;
    if (n == 0)
        return CHORUS_OK;
    if (n > SIZE_MAX / sizeof(ch_evrec))
        return CHORUS_ELIMIT;
    if (ch_grow((void **)&rs->runs, &rs->cap, rs->nruns + 1, sizeof *rs->runs))
        return CHORUS_ENOMEM;
    ch_evrec *r = (ch_evrec *)ch_spill_alloc(rs->sp, n * sizeof *r, &rc);
    if (!r)
        return rc;
    ch_evrec_from(r, ev, n, rs->written);
    ch_sort(r, n, sizeof *r, ch_evrec_cmp);
    /* written: the pages go to the file, out of the resident set */
    ch_spill_release(rs->sp);
    rs->runs[rs->nruns++] = (ch_evrun){r, n};
    rs->written += n;
    return CHORUS_OK;
}

void ch_evruns_free(ch_evruns *rs)
{
    ch_free(rs->runs);
    rs->runs = NULL;
    rs->nruns = rs->cap = 0;
    rs->written = 0;
}

int ch_evraw_room(ch_evraw *raw)
{
    ch_evruns *rs = &raw->runs;
    if (raw->n < raw->cap)
        return CHORUS_OK;
    if (raw->cap < rs->max_events) {
        /* The buffer doubles up to its bound rather than taking the bound at once: the bound
         * is a share of the whole budget (gigabytes by default), and a scan that never comes
         * near it should hold, and have mapped, only what it uses. */
        size_t want = raw->cap ? raw->cap * 2 : 4096;
        if (want > rs->max_events || want < raw->cap)
            want = rs->max_events;
        void *p = ch_realloc(raw->ev, want * sizeof *raw->ev);
        if (!p)
            return CHORUS_ENOMEM;
        raw->ev = p;
        raw->cap = want;
        return CHORUS_OK;
    }
    int rc = ch_evruns_write(rs, raw->ev, raw->n);
    if (!rc)
        raw->n = 0;
    return rc;
}

int ch_evraw_finish(ch_evraw *raw)
{
    if (!raw->runs.nruns || !raw->n)
        return CHORUS_OK;
    int rc = ch_evruns_write(&raw->runs, raw->ev, raw->n);
    if (!rc) {
        raw->n = 0;
        ch_free(raw->ev);   /* the buffer is not needed any more */
        raw->ev = NULL;
        raw->cap = 0;
    }
    return rc;
}

/* ---- merging -------------------------------------------------------------------------------- */

/* A heap of the runs' heads, smallest on top. */
typedef struct merger {
    const ch_evrun *runs;
    const ch_spill *sp;
    size_t *pos;        /* per run: the next record */
    uint32_t *heap;     /* run indices */
    size_t nh;
    size_t since;       /* records read since the pages were last dropped */
} merger;

static const ch_evrec *head(const merger *m, uint32_t r)
{
    return &m->runs[r].rec[m->pos[r]];
}

static bool less(const merger *m, uint32_t a, uint32_t b)
{
    return rec_cmp(head(m, a), head(m, b)) < 0;
}

static void sift_down(merger *m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, s = i;
        if (l < m->nh && less(m, m->heap[l], m->heap[s]))
            s = l;
        if (l + 1 < m->nh && less(m, m->heap[l + 1], m->heap[s]))
            s = l + 1;
        if (s == i)
            return;
        uint32_t t = m->heap[i];
        m->heap[i] = m->heap[s];
        m->heap[s] = t;
        i = s;
    }
}

static int merge_open(merger *m, const ch_evruns *rs)
{
    memset(m, 0, sizeof *m);
    m->runs = rs->runs;
    m->sp = rs->sp;
    if (rs->nruns > UINT32_MAX || !(m->pos = ch_calloc(rs->nruns + 1, sizeof *m->pos)) ||
        !(m->heap = ch_malloc((rs->nruns + 1) * sizeof *m->heap))) {
        ch_free(m->pos);
        m->pos = NULL;
        return CHORUS_ENOMEM;
    }
    for (size_t r = 0; r < rs->nruns; r++)
        if (rs->runs[r].n)
            m->heap[m->nh++] = (uint32_t)r;
    for (size_t i = m->nh / 2; i-- > 0;)
        sift_down(m, i);
    return CHORUS_OK;
}

static void merge_close(merger *m)
{
    ch_free(m->pos);
    ch_free(m->heap);
    memset(m, 0, sizeof *m);
}

/* The next record in merge order; NULL when every run is read. The record stays readable
 * until the next call. */
static const ch_evrec *merge_next(merger *m)
{
    if (!m->nh)
        return NULL;
    if (++m->since >= RELEASE_RECORDS) {
        ch_spill_release(m->sp);
        m->since = 0;
    }
    const uint32_t r = m->heap[0];
    const ch_evrec *e = head(m, r);
    if (++m->pos[r] == m->runs[r].n)
        m->heap[0] = m->heap[--m->nh];
    if (m->nh)
        sift_down(m, 0);
    return e;
}

int ch_evset_build_runs(ch_evraw *raw, ch_evset *out)
{
    int rc = CHORUS_ENOMEM;
    memset(out, 0, sizeof *out);
    ch_evruns *rs = &raw->runs;
    const uint64_t n64 = rs->written;
    merger m = {0};
    /* per object in key order (the merge's): key, first event, its source, events */
    uint64_t *okey = NULL, *osk = NULL, *ord = NULL;
    uint32_t *ocnt = NULL, *fin = NULL, *perm = NULL;
    size_t cap_k = 0, cap_s = 0, cap_c = 0, cap_f = 0;
    bool any_src = false;
    if (n64 >= UINT32_MAX) {
        rc = CHORUS_ELIMIT;
        goto out;
    }
    const size_t n = (size_t)n64;

    /* 1. First merge: the objects. An object's first event is its smallest number. */
    if ((rc = merge_open(&m, rs)))
        goto out;
    rc = CHORUS_ENOMEM;
    size_t nobj = 0;
    uint64_t *oseq = NULL;   /* first event per object (in ord below) */
    const ch_evrec *e;
    while ((e = merge_next(&m))) {
        if (!nobj || okey[nobj - 1] != e->key) {
            if (ch_grow((void **)&okey, &cap_k, nobj + 1, sizeof *okey) ||
                ch_grow((void **)&osk, &cap_s, nobj + 1, sizeof *osk) ||
                ch_grow((void **)&ocnt, &cap_c, nobj + 1, sizeof *ocnt) ||
                ch_grow((void **)&oseq, &cap_f, nobj + 1, sizeof *oseq)) {
                ch_free(oseq);
                goto out;
            }
            okey[nobj] = e->key;
            osk[nobj] = e->src;
            ocnt[nobj] = 0;
            oseq[nobj] = e->seq;
            nobj++;
        }
        ocnt[nobj - 1]++;
        if (e->seq < oseq[nobj - 1]) {
            oseq[nobj - 1] = e->seq;
            osk[nobj - 1] = e->src;
        }
        any_src |= e->src != 0;
    }
    merge_close(&m);
    /* order of first appearance: (first event << 32 | key rank), sorted */
    ord = (uint64_t *)oseq;
    for (size_t k = 0; k < nobj; k++)
        ord[k] = ord[k] << 32 | k;
    ch_sort(ord, nobj, sizeof *ord, ch_cmp_u64);
    if (!(fin = ch_malloc((nobj ? nobj : 1) * sizeof *fin)) ||
        !(out->okey = ch_malloc((nobj ? nobj : 1) * sizeof *out->okey)))
        goto out;
    for (size_t d = 0; d < nobj; d++) {
        const uint32_t k = (uint32_t)ord[d];
        fin[k] = (uint32_t)d;
        out->okey[d] = okey[k];
        ord[d] = osk[k];   /* the source keys, in order of first appearance */
    }
    ch_free(okey);
    okey = NULL;
    ch_free(osk);
    osk = NULL;
    out->n = n;
    out->nobj = (uint32_t)nobj;
    if (any_src) {
        if ((rc = ch_evset_order_sources(ord, (uint32_t)nobj, out, &perm)))
            goto out;
        rc = CHORUS_ENOMEM;
        for (size_t k = 0; k < nobj; k++)
            fin[k] = perm[fin[k]];
    }
    ch_free(ord);
    ord = NULL;
    if (!(out->ostart = ch_calloc(nobj + 1, sizeof *out->ostart)))
        goto out;
    for (size_t k = 0; k < nobj; k++)
        out->ostart[fin[k] + 1] = ocnt[k];
    for (size_t o = 0; o < nobj; o++)
        out->ostart[o + 1] += out->ostart[o];
    ch_free(ocnt);
    ocnt = NULL;

    /* 2. Second merge: each object's events, in (time, number) order, in its final place. */
    const size_t n1 = n ? n : 1;
    if (!(out->t = ch_malloc(n1 * sizeof *out->t)) ||
        !(out->acct = ch_malloc(n1 * sizeof *out->acct)) ||
        !(out->post = ch_malloc(n1 * sizeof *out->post)))
        goto out;
    if ((rc = merge_open(&m, rs)))
        goto out;
    size_t k = 0, at = 0;
    uint64_t cur = 0;
    bool first = true;
    while ((e = merge_next(&m))) {
        if (first || e->key != cur) {
            if (!first)
                k++;
            first = false;
            cur = e->key;
            at = out->ostart[fin[k]];
        }
        out->t[at] = e->t;
        out->acct[at] = e->acct;
        out->post[at] = e->post;
        at++;
    }
    rc = CHORUS_OK;
out:
    merge_close(&m);
    if (rs->sp)
        ch_spill_release(rs->sp);
    ch_free(okey);
    ch_free(osk);
    ch_free(ord);
    ch_free(ocnt);
    ch_free(fin);
    ch_free(perm);
    ch_free(raw->ev);
    ch_evruns_free(rs);
    raw->ev = NULL;
    raw->n = raw->cap = 0;
    if (rc)
        ch_evset_free(out);
    return rc;
}
