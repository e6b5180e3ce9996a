/*
 * coact_stats.c — grouping events by object (radix sort), the window estimate, and the Poisson
 * tail of the significance test. See coact_int.h for the contracts and docs/coordination.md for
 * the reasoning and the numbers.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/sort.h"
#include "detect/coact/coact_int.h"

typedef struct skey {
    uint64_t k;    /* (object << tbits) | (t - tmin) */
    uint32_t i;    /* index into the raw events */
} skey;

static int bits_for(uint64_t v)
{
    int b = 0;
    while (b < 64 && (v >> b))
        b++;
    return b;
}

/* Fallback order when object and time do not fit in 64 bits together (times spread over more
 * than 2^(64 - object bits) seconds: corrupt timestamps). */
typedef struct fkey {
    uint32_t obj, i;
    int64_t t;
} fkey;

static int cmp_fkey(const void *a, const void *b)
{
    const fkey *x = a, *y = b;
    if (x->obj != y->obj)
        return x->obj < y->obj ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

void ch_evset_free(ch_evset *es)
{
    if (!es)
        return;
    ch_free(es->ostart);
    ch_free(es->okey);
    ch_free(es->osrc);
    ch_free(es->t);
    ch_free(es->acct);
    ch_free(es->post);
    memset(es, 0, sizeof *es);
}

/* Sources: dense source ids in order of first appearance (osrc), and the objects renumbered
 * so that one source's objects are contiguous, in the order of their source's first object;
 * objects without a source keep their place among them. Renumbers dense[] and out->okey.
 * Leaves osrc NULL and nsrc 0 when no event has a source. */
static int order_by_source(const ch_evraw *raw, uint32_t *dense, uint32_t nobj, ch_evset *out)
{
    const size_t n = raw->n;
    bool any = false;
    for (size_t i = 0; i < n && !any; i++)
        any = raw->ev[i].src != 0;
    if (!any)
        return CHORUS_OK;
    /* each object's source key: that of its first event */
    uint64_t *osk = ch_malloc((size_t)nobj * sizeof *osk);
    uint32_t *perm = NULL;
    if (!osk)
        return CHORUS_ENOMEM;
    for (uint32_t o = 0; o < nobj; o++)
        osk[o] = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (osk[dense[i]] == UINT64_MAX)
            osk[dense[i]] = raw->ev[i].src;
    int rc = ch_evset_order_sources(osk, nobj, out, &perm);
    if (!rc)
        for (size_t i = 0; i < n; i++)
            dense[i] = perm[dense[i]];
    ch_free(osk);
    ch_free(perm);
    return rc;
}

int ch_evset_order_sources(const uint64_t *osk, uint32_t nobj, ch_evset *out, uint32_t **perm_out)
{
    int rc = CHORUS_ENOMEM;
    uint64_t *skeys = NULL;
    uint32_t *slots = NULL, *first = NULL, *cnt = NULL, *perm = NULL, *src = NULL;
    uint64_t *okey2 = NULL;
    *perm_out = NULL;
    size_t cap = 16;
    while (cap < 2 * (size_t)nobj)
        cap *= 2;
    if (!(slots = ch_calloc(cap, sizeof *slots)) || !(skeys = ch_malloc((size_t)nobj * sizeof *skeys)) ||
        !(src = ch_malloc((size_t)nobj * sizeof *src)) ||
        !(first = ch_malloc((size_t)nobj * sizeof *first)))
        goto out;
    uint32_t nsrc = 0;
    for (uint32_t o = 0; o < nobj; o++) {
        const uint64_t k = osk[o];
        if (!k) {
            src[o] = CH_NONE;
            continue;
        }
        size_t sl = ch_mix64(k) & (cap - 1);
        while (slots[sl] && skeys[slots[sl] - 1] != k)
            sl = (sl + 1) & (cap - 1);
        if (!slots[sl]) {
            skeys[nsrc] = k;
            first[nsrc] = o;
            slots[sl] = ++nsrc;
        }
        src[o] = slots[sl] - 1;
    }
    /* stable counting sort of the objects by (bucket, object): a sourced object's bucket is its
     * source's first object, an unsourced object's its own index */
    if (!(cnt = ch_calloc((size_t)nobj + 1, sizeof *cnt)) ||
        !(perm = ch_malloc((size_t)nobj * sizeof *perm)) ||
        !(okey2 = ch_malloc((size_t)nobj * sizeof *okey2)) ||
        !(out->osrc = ch_malloc((size_t)nobj * sizeof *out->osrc)))
        goto out;
    for (uint32_t o = 0; o < nobj; o++)
        cnt[(src[o] == CH_NONE ? o : first[src[o]]) + 1]++;
    for (uint32_t o = 0; o < nobj; o++)
        cnt[o + 1] += cnt[o];
    for (uint32_t o = 0; o < nobj; o++) {
        const uint32_t pos = cnt[src[o] == CH_NONE ? o : first[src[o]]]++;
        perm[o] = pos;
        okey2[pos] = out->okey[o];
        out->osrc[pos] = src[o];
    }
    memcpy(out->okey, okey2, (size_t)nobj * sizeof *okey2);
    out->nsrc = nsrc;
    *perm_out = perm;
    perm = NULL;
    rc = CHORUS_OK;
out:
    ch_free(skeys);
    ch_free(slots);
    ch_free(first);
    ch_free(cnt);
    ch_free(perm);
    ch_free(src);
    ch_free(okey2);
    return rc;
}

int ch_evset_build(ch_evraw *raw, ch_evset *out)
{
    int rc = CHORUS_ENOMEM;
    memset(out, 0, sizeof *out);
    const size_t n = raw->n;
    uint32_t *dense = NULL, *slots = NULL;
    uint64_t *okeys = NULL;
    skey *a = NULL, *b = NULL;
    fkey *f = NULL;
    if (n >= UINT32_MAX) {
        rc = CHORUS_ELIMIT;
        goto out;
    }
    if (n == 0) {
        if (!(out->ostart = ch_calloc(1, sizeof *out->ostart)) ||
            !(out->okey = ch_calloc(1, sizeof *out->okey)))
            goto out;
        rc = CHORUS_OK;
        goto out;
    }

    /* 1. Dense object ids in order of first appearance: an open-addressing table of slots
     * holding (object id + 1), keys compared through okeys. Load <= 50%. */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    const size_t mask = cap - 1;
    if (!(dense = ch_malloc(n * sizeof *dense)) || !(slots = ch_calloc(cap, sizeof *slots)) ||
        !(okeys = ch_malloc(n * sizeof *okeys)))
        goto out;
    uint32_t nobj = 0;
    int64_t tmin = raw->ev[0].t, tmax = raw->ev[0].t;
    for (size_t i = 0; i < n; i++) {
        const uint64_t key = raw->ev[i].key;
        size_t s = ch_mix64(key) & mask;
        while (slots[s] && okeys[slots[s] - 1] != key)
            s = (s + 1) & mask;
        if (!slots[s]) {
            okeys[nobj] = key;
            slots[s] = ++nobj;
        }
        dense[i] = slots[s] - 1;
        if (raw->ev[i].t < tmin)
            tmin = raw->ev[i].t;
        if (raw->ev[i].t > tmax)
            tmax = raw->ev[i].t;
    }
    ch_free(slots);
    slots = NULL;
    /* the keys stay with the set (ch_object needs them); trimmed to the objects */
    uint64_t *kept = ch_realloc(okeys, ((size_t)nobj ? nobj : 1) * sizeof *okeys);
    out->okey = kept ? kept : okeys;
    okeys = NULL;
    if ((rc = order_by_source(raw, dense, nobj, out)))
        goto out;
    rc = CHORUS_ENOMEM;

    if (!(out->ostart = ch_calloc((size_t)nobj + 1, sizeof *out->ostart)))
        goto out;
    out->n = n;
    out->nobj = nobj;

    /* 2. Sort by (object, time), stable so equal times keep post order. */
    const uint64_t span = (uint64_t)tmax - (uint64_t)tmin;
    const int tbits = bits_for(span), obits = bits_for(nobj);
    if (tbits + obits <= 64) {
        if (!(a = ch_malloc(n * sizeof *a)) || !(b = ch_malloc(n * sizeof *b)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            uint64_t rel = (uint64_t)raw->ev[i].t - (uint64_t)tmin;
            a[i].k = (tbits == 64 ? 0 : (uint64_t)dense[i] << tbits) | rel;
            a[i].i = (uint32_t)i;
        }
        /* LSD radix sort, 8 bits per pass, over the bits in use; passes where every key has
         * the same digit are skipped. */
        const int bits = tbits + obits;
        for (int shift = 0; shift < bits; shift += 8) {
            size_t cnt[256] = {0};
            for (size_t i = 0; i < n; i++)
                cnt[(a[i].k >> shift) & 255]++;
            if (cnt[(a[0].k >> shift) & 255] == n)
                continue;
            size_t sum = 0;
            for (int d = 0; d < 256; d++) {
                size_t c = cnt[d];
                cnt[d] = sum;
                sum += c;
            }
            for (size_t i = 0; i < n; i++)
                b[cnt[(a[i].k >> shift) & 255]++] = a[i];
            skey *tmp = a;
            a = b;
            b = tmp;
        }
        /* the sort's second buffer goes before the set's arrays come: 16 bytes per event
         * less at the stage's peak */
        ch_free(b);
        b = NULL;
        if (!(out->t = ch_malloc(n * sizeof *out->t)) ||
            !(out->acct = ch_malloc(n * sizeof *out->acct)) ||
            !(out->post = ch_malloc(n * sizeof *out->post)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            const ch_ev *e = &raw->ev[a[i].i];
            out->t[i] = e->t;
            out->acct[i] = e->acct;
            out->post[i] = e->post;
            out->ostart[dense[a[i].i] + 1]++;
        }
    } else {
        if (!(f = ch_malloc(n * sizeof *f)))
            goto out;
        for (size_t i = 0; i < n; i++)
            f[i] = (fkey){dense[i], (uint32_t)i, raw->ev[i].t};
        ch_sort(f, n, sizeof *f, cmp_fkey);
        if (!(out->t = ch_malloc(n * sizeof *out->t)) ||
            !(out->acct = ch_malloc(n * sizeof *out->acct)) ||
            !(out->post = ch_malloc(n * sizeof *out->post)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            const ch_ev *e = &raw->ev[f[i].i];
            out->t[i] = e->t;
            out->acct[i] = e->acct;
            out->post[i] = e->post;
            out->ostart[f[i].obj + 1]++;
        }
    }
    for (uint32_t o = 0; o < nobj; o++)
        out->ostart[o + 1] += out->ostart[o];
    rc = CHORUS_OK;
out:
    ch_free(dense);
    ch_free(slots);
    ch_free(okeys);
    ch_free(a);
    ch_free(b);
    ch_free(f);
    ch_free(raw->ev);
    memset(raw, 0, sizeof *raw);
    if (rc)
        ch_evset_free(out);
    return rc;
}

/* ---- window estimate --------------------------------------------------------------------- */

/* Bin of a gap: 0 for gap 0, else 1 + floor(4 log2 gap) (quarter octaves), capped. */
static int gap_bin(uint64_t g)
{
    if (g == 0)
        return 0;
    int b = 1 + (int)floor(4.0 * log2((double)g));
    return b < CH_GAP_BINS - 1 ? b : CH_GAP_BINS - 1;
}

/* Upper edge of bin b in seconds: gaps in bins <= b are < this. */
static double bin_upper(int b)
{
    return b == 0 ? 1.0 : exp2((double)b / 4.0);
}

void ch_gap_hist_add(const ch_evset *es, double hist[CH_GAP_BINS])
{
    for (uint32_t o = 0; o < es->nobj; o++) {
        const uint32_t s = es->ostart[o], f = es->ostart[o + 1];
        uint32_t ngaps = 0;
        for (uint32_t i = s + 1; i < f; i++)
            ngaps += es->acct[i] != es->acct[i - 1];
        if (!ngaps)
            continue;
        /* Each object weighs 1, split over its gaps: a viral post with 10^4 reposts would
         * otherwise fill the histogram with its own (short) gaps. */
        const double w = 1.0 / ngaps;
        for (uint32_t i = s + 1; i < f; i++) {
            if (es->acct[i] != es->acct[i - 1])
                hist[gap_bin((uint64_t)es->t[i] - (uint64_t)es->t[i - 1])] += w; /* sorted */
        }
    }
}

int64_t ch_gap_hist_window(const double hist[CH_GAP_BINS], double *eta_out)
{
    double total = 0, mu = 0;
    for (int b = 0; b < CH_GAP_BINS; b++) {
        total += hist[b];
        mu += hist[b] * b;
    }
    if (eta_out)
        *eta_out = 0;
    if (total < CH_WINDOW_MIN_OBJECTS)
        return 0;
    mu /= total;
    double var = 0;
    for (int b = 0; b < CH_GAP_BINS; b++)
        var += hist[b] * (b - mu) * (b - mu);
    var /= total;
    /* Otsu: the split of the log-gap histogram that maximizes the between-class variance. Its
     * share of the total variance (eta) says how bimodal the histogram is: 2/pi = 0.64 for one
     * normal mode, -> 1 for two separated modes. */
    double w0 = 0, m0 = 0, best = 0;
    int kbest = 0;
    for (int k = 0; k < CH_GAP_BINS - 1; k++) {
        w0 += hist[k];
        m0 += hist[k] * k;
        const double w1 = total - w0;
        if (w0 <= 0 || w1 <= 0)
            continue;
        const double d = m0 / w0 - (mu * total - m0) / w1;
        const double v = (w0 / total) * (w1 / total) * d * d;
        if (v > best) {
            best = v;
            kbest = k;
        }
    }
    const double eta = var > 0 ? best / var : 0;
    if (eta_out)
        *eta_out = eta;
    /* With two modes ("acted together" and "acted independently", eta high) the threshold is
     * the valley between them. With one mode it falls near the typical gap between consecutive
     * shares, and actions closer than that are "faster than usual". A low quantile of the gaps
     * (CooRnet's choice) would be smaller, but a window too small sees nothing (CooRTweet: no
     * significant pair at 60 s, the first ones from 120 s on), while a generous one costs the
     * null model little power, because it accounts for the window (docs/coordination.md). */
    double w = bin_upper(kbest);
    w = ceil(w);
    if (w < CH_WINDOW_MIN)
        w = CH_WINDOW_MIN;
    if (w > CH_WINDOW_MAX)
        w = CH_WINDOW_MAX;
    return (int64_t)w;
}

/* ---- Poisson tail ------------------------------------------------------------------------ */

/* ln(n!). lgamma() would do, but it writes the global signgam: a data race when the pair
 * tasks run on several threads. Sum of logs below 32, Stirling's series above (error below
 * 1e-13 there). */
static double log_factorial(uint64_t n)
{
    if (n < 32) {
        double s = 0;
        for (uint64_t k = 2; k <= n; k++)
            s += log((double)k);
        return s;
    }
    const double x = (double)n, x2 = x * x;
    return x * log(x) - x + 0.5 * log(2 * 3.14159265358979323846 * x) + 1.0 / (12 * x) -
           1.0 / (360 * x * x2) + 1.0 / (1260 * x * x2 * x2);
}

double ch_poisson_log_sf(uint64_t n, double lam)
{
    if (n == 0)
        return 0.0;
    if (!(lam > 0))
        return -INFINITY;
    const double dn = (double)n;
    if (lam < dn) {
        /* P(X >= n) = e^-lam lam^n / n! * sum_j prod_{i=1..j} lam / (n + i); the ratios fall
         * below lam / n < 1, so the series converges (after ~ sqrt(n) terms when lam ~ n). */
        const double lt = -lam + dn * log(lam) - log_factorial(n);
        double s = 1.0, term = 1.0;
        for (uint64_t j = 1; j < 10000000; j++) {
            term *= lam / (dn + (double)j);
            s += term;
            if (term < 1e-17 * s)
                break;
        }
        return lt + log(s);
    }
    /* lam >= n: the tail is large; 1 - P(X <= n-1), the cdf summed downward from n-1. */
    const double lt = -lam + (dn - 1.0) * log(lam) - log_factorial(n - 1);
    double s = 1.0, term = 1.0;
    for (uint64_t j = 1; j < n; j++) {
        term *= (dn - (double)j) / lam;
        s += term;
        if (term < 1e-17 * s)
            break;
    }
    double cdf = exp(lt + log(s));
    if (cdf >= 1.0)
        return 0.0;  /* cannot happen for lam >= n; rounding errs towards "not significant" */
    return log1p(-cdf);
}

/* The truncated product (Zaykin et al. 2002): given k of the L p-values at or below tau,
 * P(all k <= tau and their product <= w) = w sum_{s<k} x^s / s!, x = ln(tau^k / w), when
 * w <= tau^k, else tau^k; the other L - k lie above tau with probability (1 - tau)^(L-k).
 * Summed over k in log space (log-sum-exp), so products far below the double range order. */
double ch_tpm_log_sf(double log_w, uint32_t L, double tau)
{
    if (L == 0 || !(tau > 0) || !(log_w < 0))
        return 0.0;
    if (tau >= 1)
        tau = 1;
    const double lt = log(tau), l1t = tau < 1 ? log1p(-tau) : -INFINITY;
    double mx = -INFINITY, sum = 0;
    for (uint32_t k = 1; k <= L; k++) {
        double lg;
        const double x = k * lt - log_w;
        if (x >= 0) {
            /* log sum_{s<k} x^s / s!, itself by log-sum-exp (x may be large) */
            double m2 = -INFINITY, s2 = 0;
            const double lx = x > 0 ? log(x) : -INFINITY;
            for (uint32_t s = 0; s < k; s++) {
                const double t = s == 0 ? 0.0 : s * lx - lgamma((double)s + 1);
                if (t > m2) {
                    s2 = s2 * exp(m2 - t) + 1;
                    m2 = t;
                } else {
                    s2 += exp(t - m2);
                }
            }
            lg = log_w + m2 + log(s2);
        } else {
            lg = k * lt;
        }
        const double rest = L - k ? (double)(L - k) * l1t : 0.0;
        const double t = lgamma((double)L + 1) - lgamma((double)k + 1) -
                         lgamma((double)(L - k) + 1) + rest + lg;
        if (t == -INFINITY)
            continue;
        if (t > mx) {
            sum = sum * exp(mx - t) + 1;
            mx = t;
        } else {
            sum += exp(t - mx);
        }
    }
    if (mx == -INFINITY)
        return -INFINITY;
    const double r = mx + log(sum);
    return r < 0 ? r : 0.0;
}
