/*
 * timeline.c — the hourly coordination index and its spikes (timeline.h): one sort of the
 * posts by (hour, account), one walk over it, then the robust z-score of each hour's share.
 */
#include "detect/timeline/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sort.h"
#include "core/vocab.h"

typedef struct hpost {
    int64_t hour;
    uint32_t acct;
    uint32_t coord;   /* 1: by a clustered account */
} hpost;

static int cmp_hpost(const void *x, const void *y)
{
    const hpost *a = x, *b = y;
    if (a->hour != b->hour)
        return a->hour < b->hour ? -1 : 1;
    return (a->acct > b->acct) - (a->acct < b->acct);
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of v[0..n), n >= 1 (sorts v). */
static double median(double *v, size_t n)
{
    ch_sort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* robust_z and spike of every row; coord[i] the coordinated posts of row i. */
static int score_rows(ch_timeline_row *r, size_t n, const uint64_t *coord)
{
    double *v = ch_malloc(n * sizeof *v);
    if (!v)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = r[i].coordination;
    const double med = median(v, n);
    double mean_ad = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = fabs(r[i].coordination - med);
        mean_ad += v[i];
    }
    mean_ad /= (double)n;
    const double mad = median(v, n);
    ch_free(v);
    const double scale = mad > 0 ? 1.4826 * mad : 1.2533 * mean_ad;
    for (size_t i = 0; i < n; i++) {
        r[i].robust_z = scale > 0 ? (r[i].coordination - med) / scale : 0;
        r[i].spike = r[i].robust_z >= CH_TIMELINE_SPIKE_Z && coord[i] >= CH_TIMELINE_SPIKE_POSTS;
    }
    return CHORUS_OK;
}

int ch_timeline_build(const ch_corpus *c, const uint32_t *cluster_of_account,
                      ch_timeline_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    const size_t np = ch_corpus_nposts(c);
    hpost *hp = ch_malloc((np ? np : 1) * sizeof *hp);
    ch_timeline_row *r = NULL;
    uint64_t *coord = NULL;
    int rc = CHORUS_ENOMEM;
    if (!hp)
        goto out;
    size_t m = 0;
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->created_at == CH_UNKNOWN_I64)
            continue;
        /* floor division: hours before 1970 start on the hour too */
        int64_t h = p->created_at / 3600 - (p->created_at % 3600 < 0);
        hp[m++] = (hpost){h * 3600, p->account,
                          cluster_of_account && cluster_of_account[p->account] != CH_NONE};
    }
    ch_sort(hp, m, sizeof *hp, cmp_hpost);
    size_t nh = 0;
    for (size_t i = 0; i < m; i++)
        nh += i == 0 || hp[i].hour != hp[i - 1].hour;
    if (!nh) {
        rc = CHORUS_OK;
        goto out;
    }
    if (!(r = ch_calloc(nh, sizeof *r)) || !(coord = ch_calloc(nh, sizeof *coord)))
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && hp[i].hour != hp[i - 1].hour)
            k++;
        r[k].hour_start = hp[i].hour;
        r[k].events++;
        r[k].accounts += i == 0 || hp[i].hour != hp[i - 1].hour || hp[i].acct != hp[i - 1].acct;
        coord[k] += hp[i].coord;
    }
    for (size_t i = 0; i < nh; i++)
        r[i].coordination = (double)coord[i] / (double)r[i].events;
    if ((rc = score_rows(r, nh, coord)))
        goto out;
    *rows = r;
    *n = nh;
    r = NULL;
out:
    ch_free(hp);
    ch_free(r);
    ch_free(coord);
    return rc;
}
