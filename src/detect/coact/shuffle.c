/*
 * shuffle.c — co-action events sent to the rank owning their object key, hot keys split by
 * time (see shuffle.h for the partitioning and why the grouped result does not change).
 */
#include <stdbool.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"
#include "core/sort.h"
#include "detect/coact/shuffle.h"

/* Keys looked at to find the candidates for hot keys: a sample, so the plan costs little. */
#define SAMPLE_MAX 65536

int ch_shuf_owner(uint64_t key, int size)
{
    if (size <= 1)
        return 0;
    /* the high bits of the mixed key times size: even shares without a division */
    const uint64_t h = ch_mix64(key ^ UINT64_C(0x5348554646));   /* "SHUFF" */
    return (int)(((h >> 32) * (uint64_t)size) >> 32);
}

int ch_shuf_dest(const ch_shuf_plan *p, uint64_t key, int64_t t)
{
    const int size = p->size;
    const int own = ch_shuf_owner(key, size);
    if (!p->nhot)
        return own;
    /* the hot keys are few and sorted: a binary search */
    size_t a = 0, b = p->nhot;
    while (a < b) {
        const size_t m = a + (b - a) / 2;
        if (p->hot[m] < key)
            a = m + 1;
        else
            b = m;
    }
    if (a == p->nhot || p->hot[a] != key)
        return own;
    const int64_t *cut = p->cut + a * (size_t)(size - 1);
    int s = 0;   /* slices whose start is <= t */
    while (s < size - 1 && cut[s] <= t)
        s++;
    return (own + s) % size;
}

void ch_shuf_plan_free(ch_shuf_plan *p)
{
    if (!p)
        return;
    ch_free(p->hot);
    ch_free(p->cut);
    p->hot = NULL;
    p->cut = NULL;
    p->nhot = 0;
}

/* What a rank says of one key that may be hot. */
/* report, point and keyid sort by their first member (ch_cmp_u64, ch_cmp_i64 read it). */
typedef struct report {
    uint64_t key;
    uint64_t count;                    /* this rank's events of the key */
    int64_t q[CH_SHUF_QUANTILES];      /* their times at 0, 1/Q, 2/Q, ... of the count */
} report;

typedef struct point {
    int64_t t;
    uint64_t w;
} point;

/* This rank's reports: keys with at least `local_min` of its events (estimated on a sample,
 * then counted exactly), with their time quantiles. */
static int local_reports(const ch_evrec *ev, size_t n, uint64_t local_min, report **out,
                         size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n || !local_min)
        return CHORUS_OK;
    int rc = CHORUS_ENOMEM;
    const size_t stride = n / SAMPLE_MAX + 1, ns = (n + stride - 1) / stride;
    uint64_t *sample = ch_malloc(ns * sizeof *sample), *cand = NULL;
    size_t *cnt = NULL, *at = NULL;
    int64_t *times = NULL;
    report *rep = NULL;
    if (!sample)
        goto out;
    for (size_t i = 0, k = 0; i < n; i += stride)
        sample[k++] = ev[i].key;
    ch_sort(sample, ns, sizeof *sample, ch_cmp_u64);
    /* candidates: keys seen at least local_min / stride times in the sample (one at least) */
    const uint64_t need = local_min / stride > 0 ? local_min / stride : 1;
    size_t nc = 0;
    for (size_t i = 0; i < ns;) {
        size_t j = i + 1;
        while (j < ns && sample[j] == sample[i])
            j++;
        if (j - i >= need)
            sample[nc++] = sample[i];   /* in place: nc <= i */
        i = j;
    }
    cand = sample;
    sample = NULL;
    if (!nc) {
        rc = CHORUS_OK;
        goto out;
    }
    /* exact counts, then each candidate's times together (counting sort by candidate) */
    if (!(cnt = ch_calloc(nc + 1, sizeof *cnt)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        const uint64_t *f = bsearch(&ev[i].key, cand, nc, sizeof *cand, ch_cmp_u64);
        if (f)
            cnt[(size_t)(f - cand) + 1]++;
    }
    for (size_t c = 0; c < nc; c++)
        cnt[c + 1] += cnt[c];
    if (!(at = ch_malloc(nc * sizeof *at)) || !(times = ch_malloc((cnt[nc] ? cnt[nc] : 1) * sizeof *times)) ||
        !(rep = ch_calloc(nc, sizeof *rep)))
        goto out;
    memcpy(at, cnt, nc * sizeof *at);
    for (size_t i = 0; i < n; i++) {
        const uint64_t *f = bsearch(&ev[i].key, cand, nc, sizeof *cand, ch_cmp_u64);
        if (f)
            times[at[f - cand]++] = ev[i].t;
    }
    size_t nr = 0;
    for (size_t c = 0; c < nc; c++) {
        const size_t m = cnt[c + 1] - cnt[c];
        if (m < local_min)
            continue;   /* the sample overrated it */
        int64_t *tc = times + cnt[c];
        ch_sort(tc, m, sizeof *tc, ch_cmp_i64);
        report *r = &rep[nr++];
        r->key = cand[c];
        r->count = m;
        for (size_t j = 0; j < CH_SHUF_QUANTILES; j++)
            r->q[j] = tc[j * m / CH_SHUF_QUANTILES];
    }
    *out = rep;
    *nout = nr;
    rep = NULL;
    rc = CHORUS_OK;
out:
    ch_free(sample);
    ch_free(cand);
    ch_free(cnt);
    ch_free(at);
    ch_free(times);
    ch_free(rep);
    return rc;
}

/* The plan from every rank's reports (all[0..n), in rank order): the same on every rank. */
static int plan_from(report *all, size_t n, int size, uint64_t hot_min, ch_shuf_plan *p)
{
    /* stable enough: equal keys' reports are summed, and the cuts depend on the set of
     * points only (sorted by time; equal times are one cut value) */
    ch_sort(all, n, sizeof *all, ch_cmp_u64);
    size_t nhot = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        uint64_t total = 0;
        for (; j < n && all[j].key == all[i].key; j++)
            total += all[j].count;
        nhot += total >= hot_min;
        i = j;
    }
    if (!nhot)
        return CHORUS_OK;
    point *pts = NULL;
    if (!(p->hot = ch_malloc(nhot * sizeof *p->hot)) ||
        !(p->cut = ch_malloc(nhot * (size_t)(size - 1) * sizeof *p->cut)) ||
        !(pts = ch_malloc(n * CH_SHUF_QUANTILES * sizeof *pts))) {
        ch_free(pts);
        ch_shuf_plan_free(p);
        return CHORUS_ENOMEM;
    }
    size_t h = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, np = 0;
        uint64_t total = 0;
        for (; j < n && all[j].key == all[i].key; j++) {
            total += all[j].count;
            /* each quantile stands for count / Q events of its rank: weights in units of
             * 1/Q event, integers, so every rank sums them exactly alike */
            for (size_t k = 0; k < CH_SHUF_QUANTILES; k++)
                pts[np++] = (point){all[j].q[k], all[j].count};
        }
        if (total >= hot_min) {
            ch_sort(pts, np, sizeof *pts, ch_cmp_i64);
            const uint64_t W = total * CH_SHUF_QUANTILES;
            uint64_t cum = 0;
            size_t k = 0;
            p->hot[h] = all[i].key;
            for (int s = 1; s < size; s++) {
                /* slice s starts at the first point where the weight before it reaches s/size */
                const uint64_t target = W / (uint64_t)size * (uint64_t)s;
                while (k < np && cum + pts[k].w <= target)
                    cum += pts[k++].w;
                p->cut[h * (size_t)(size - 1) + (size_t)(s - 1)] =
                    k < np ? pts[k].t : pts[np - 1].t + 1;
            }
            h++;
        }
        i = j;
    }
    ch_free(pts);
    p->nhot = nhot;
    return CHORUS_OK;
}

int ch_shuf_plan_make(const ch_dist *d, int status, const ch_evrec *ev, size_t n,
                      uint64_t hot_min, ch_shuf_plan *p)
{
    const int size = ch_dist_active(d) ? d->size : 1;
    memset(p, 0, sizeof *p);
    p->size = size;
    if (size <= 1 || !hot_min)
        return status;   /* one rank owns everything; nothing to split */
    report *mine = NULL, *all = NULL, *rep = NULL;
    size_t nmine = 0, *scount = NULL, *rcount = NULL;
    if (!status)
        status = local_reports(ev, n, hot_min / (uint64_t)size ? hot_min / (uint64_t)size : 1,
                               &mine, &nmine);
    /* every rank gets every report: the same block to each */
    if (!status && (!(scount = ch_malloc((size_t)size * sizeof *scount)) ||
                    !(rcount = ch_malloc((size_t)size * sizeof *rcount)) ||
                    (nmine && !(rep = ch_malloc((size_t)size * nmine * sizeof *rep)))))
        status = CHORUS_ENOMEM;
    if (!status)
        for (int k = 0; k < size; k++) {
            scount[k] = nmine * sizeof *rep;
            if (nmine)
                memcpy(rep + (size_t)k * nmine, mine, nmine * sizeof *rep);
        }
    /* with a failure the counts are not read: every rank still takes part */
    int rc = d->exchange(d, status, rep, status ? NULL : scount, (void **)&all,
                         status ? NULL : rcount);
    size_t nall = 0;
    if (!rc) {
        for (int k = 0; k < size; k++)
            nall += rcount[k] / sizeof(report);
        rc = plan_from(all, nall, size, hot_min, p);
    }
    ch_free(mine);
    ch_free(rep);
    ch_free(all);
    ch_free(scount);
    ch_free(rcount);
    return rc;
}

typedef struct keyid {
    uint64_t key;
    uint32_t id;
} keyid;

/* Sorts rec[0..n), which is in event-number order, by (key, time, event number): the keys
 * numbered by a hash table and ordered (a sort of the distinct keys only), the events placed
 * by a stable counting sort on their key's place, then each key's events by time (stable: they
 * are in event-number order already). O(n + k log k) for k keys, plus the sorts by time of
 * the keys' events; a comparison sort of every event costs several times more. */
static int sort_events(ch_evrec **recp, size_t n)
{
    ch_evrec *rec = *recp, *out = NULL;
    if (n < 2)
        return CHORUS_OK;
    if (n >= UINT32_MAX)
        return CHORUS_ELIMIT;
    int rc = CHORUS_ENOMEM;
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slots = ch_calloc(cap, sizeof *slots), *dense = ch_malloc(n * sizeof *dense);
    uint32_t *place = NULL, *start = NULL;
    keyid *keys = ch_malloc(n * sizeof *keys);
    if (!slots || !dense || !keys)
        goto out;
    uint32_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        size_t sl = ch_mix64(rec[i].key) & (cap - 1);
        while (slots[sl] && keys[slots[sl] - 1].key != rec[i].key)
            sl = (sl + 1) & (cap - 1);
        if (!slots[sl]) {
            keys[nk] = (keyid){rec[i].key, nk};
            slots[sl] = ++nk;
        }
        dense[i] = slots[sl] - 1;
    }
    ch_free(slots);
    slots = NULL;
    ch_sort(keys, nk, sizeof *keys, ch_cmp_u64);
    if (!(place = ch_malloc((size_t)nk * sizeof *place)) ||
        !(start = ch_calloc((size_t)nk + 1, sizeof *start)) || !(out = ch_malloc(n * sizeof *out)))
        goto out;
    for (uint32_t k = 0; k < nk; k++)
        place[keys[k].id] = k;
    for (size_t i = 0; i < n; i++)
        start[place[dense[i]] + 1]++;
    for (uint32_t k = 0; k < nk; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        out[start[place[dense[i]]]++] = rec[i];
    /* start[k] is now the end of key k's events; within a key, the merge order is by time */
    for (uint32_t k = 0, a = 0; k < nk; a = start[k], k++) {
        const uint32_t b = start[k];
        bool sorted = true;
        for (uint32_t i = a + 1; i < b && sorted; i++)
            sorted = out[i - 1].t <= out[i].t;
        if (!sorted)
            ch_sort(out + a, b - a, sizeof *out, ch_evrec_cmp);
    }
    ch_free(rec);
    *recp = out;
    out = NULL;
    rc = CHORUS_OK;
out:
    ch_free(slots);
    ch_free(dense);
    ch_free(keys);
    ch_free(place);
    ch_free(start);
    ch_free(out);
    return rc;
}

int ch_shuf_events(const ch_dist *d, int status, const ch_shuf_plan *p, const ch_evrec *ev,
                   size_t n, ch_evrec **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    const int size = ch_dist_active(d) ? d->size : 1;
    if (size <= 1) {
        /* one rank: its own events, sorted */
        if (status || !n)
            return status;
        if (!(*out = ch_malloc(n * sizeof **out)))
            return CHORUS_ENOMEM;
        memcpy(*out, ev, n * sizeof **out);
        int rc = sort_events(out, n);
        if (rc) {
            ch_free(*out);
            *out = NULL;
            return rc;
        }
        *nout = n;
        return CHORUS_OK;
    }
    size_t *scount = ch_calloc((size_t)size, sizeof *scount);
    size_t *rcount = ch_calloc((size_t)size, sizeof *rcount);
    size_t *at = ch_calloc((size_t)size, sizeof *at);
    int *dest = n ? ch_malloc(n * sizeof *dest) : NULL;
    ch_evrec *sbuf = n ? ch_malloc(n * sizeof *sbuf) : NULL;
    ch_evrec *recv = NULL;
    if (!status && (!scount || !rcount || !at || (n && (!dest || !sbuf))))
        status = CHORUS_ENOMEM;
    if (!status) {
        /* a counting sort by destination: each rank's block keeps the extraction order */
        for (size_t i = 0; i < n; i++) {
            dest[i] = ch_shuf_dest(p, ev[i].key, ev[i].t);
            scount[dest[i]]++;
        }
        for (int k = 1; k < size; k++)
            at[k] = at[k - 1] + scount[k - 1];
        for (size_t i = 0; i < n; i++)
            sbuf[at[dest[i]]++] = ev[i];
        for (int k = 0; k < size; k++)
            scount[k] *= sizeof *sbuf;
    }
    ch_free(dest);
    int rc = d->exchange(d, status, sbuf, status ? NULL : scount, (void **)&recv,
                         status ? NULL : rcount);
    ch_free(sbuf);
    if (!rc) {
        size_t total = 0;
        for (int k = 0; k < size; k++)
            total += rcount[k];
        /* the blocks came in rank order, each in event-number order: all of it is */
        const size_t m = total / sizeof *recv;
        if (!(rc = sort_events(&recv, m))) {
            *nout = m;
            *out = recv;
            recv = NULL;
        }
    }
    ch_free(recv);
    ch_free(scount);
    ch_free(rcount);
    ch_free(at);
    return rc;
}
