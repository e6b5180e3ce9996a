/*
 * coact.c — the co-action stage: window, per-object sweeps, candidate pairs, significance,
 * evidence (see coact.h for the definitions, docs/coordination.md for the reasoning).
 *
 * Phases of ch_coact_run:
 *   1. extract events (coact_events.c), serially — one pass over the posts;
 *   2. per behaviour, in parallel: group by object and sort by time, gap histogram;
 *   3. windows (given: one look; auto: a short look estimated per behaviour and pooled, and
 *      a long look per behaviour);
 *   4. per behaviour, in parallel: per-account k (events) and D (co-occurrence slots within
 *      each look's window), per-object actors and rarity weight, an upper bound on generated
 *      pairs;
 *   5a. prefilter, chunks of objects in parallel: one sweep marks the pairs generated twice
 *      or more in a bit array (a pair generated once shares one object at most);
 *   5. tasks (behaviour, partition) in parallel: sweep every object at the long look's
 *      window, generate the bounded pairs, count those that pass the prefilter and whose hash
 *      falls in the partition in an open-addressing table with, per look, "last object" and
 *      "last occasion" stamps per pair (so objects and occasions are counted once), keep the
 *      pairs with enough objects, compute their Poisson p-values per look and keep the better
 *      look's (corrected for the two looks) when it passes the screening level;
 *   6. Benjamini–Hochberg over all account pairs flags the significant edges; the screened
 *      edges, at most max_edges by ascending p, sorted by (behaviour, a, b);
 *   7. per behaviour, in parallel: sweep again to collect the evidence of the edges (one row
 *      per shared object, within max_evidence rows) and who acted first in each pair.
 * The parallel phases run on ch_parallel_for (core/parallel.h). Every task writes only its own
 * output slot and outputs are merged in task order, then sorted on a total order: the result
 * does not depend on the number of threads or partitions.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "core/hash.h"
#include "core/sort.h"
#include "core/spill.h"
#include "detect/coact/coact_int.h"
#include "detect/coact/shuffle.h"

#define DEFAULT_K 20
#define DEFAULT_TABLE_BYTES ((size_t)256 << 20)
#define DEFAULT_SCREEN_P 0.01
/* Bytes one candidate pair may take in a table: an 80-byte entry at load <= 0.7, doubled for
 * the power-of-two rounding of the capacity. Used to size partitions. */
#define PAIR_BYTES 230
/* Behaviours generating fewer pairs are counted without the prefilter (phase 5a). */
#define FILTER_MIN_PAIRS 100000
/* Audience objects and sources (coact.h): the share of an object's (a source's) accounts that
 * its occasions (posts) bring together on average, below which it counts as an audience's. */
#define AUDIENCE_SHARE 0.3
#define AUDIENCE_SHARE_SOURCE 0.5

void ch_coact_opts_default(ch_coact_opts *o)
{
    memset(o, 0, sizeof *o);
    o->window = 0;
    for (int b = 0; b < CH_B__COUNT; b++)
        o->long_window[b] = CH_COACT_LONG_ACTION;
    o->long_window[CH_B_NARRATIVE] = 0;   /* one look: see coact.h */
    o->long_window[CH_B_STATEMENT] = CH_COACT_LONG_STATEMENT;
    o->min_objects = 1;
    o->min_units = 2;
    o->alpha = 1e-3;
    o->screen_p = DEFAULT_SCREEN_P;
    o->combine_p = CH_COACT_COMBINE_P;
    o->combine_units = CH_COACT_COMBINE_UNITS;
    o->max_object_actors = CH_COACT_MAX_OBJECT_ACTORS;
    o->max_edges = CH_COACT_MAX_EDGES;
    o->max_pairs_per_event = DEFAULT_K;
    o->threads = 0;
    o->behaviours = 0;
    o->max_table_bytes = DEFAULT_TABLE_BYTES;
    o->compat = CH_COMPAT_NONE;
    o->compat_min = 2;
    o->compat_similarity = CH_COACT_CNT_SIMILARITY;
    o->max_evidence = CH_COACT_MAX_EVIDENCE;
}

void ch_coact_result_free(ch_coact_result *r)
{
    if (!r)
        return;
    ch_free(r->edges);
    ch_free(r->shared);
    ch_free(r->evidence);
    ch_free(r->lead);
    ch_free(r->shared_obj);
    ch_arena_free(&r->text);
    ch_free(r);
}

/* b - a for a <= b, without signed overflow even when the two are 2^63 apart (times come
 * from input); compared against a window, which is positive. */
static inline uint64_t tdiff(int64_t b, int64_t a)
{
    return (uint64_t)b - (uint64_t)a;
}

/* ---- state ------------------------------------------------------------------------------- */

/* A candidate pair kept for the significance test. */
typedef struct cand {
    ch_edge e;
    double logp;
    double logc;   /* log p for the combined screen: as logp, without min_units */
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
} cands;

/* Per behaviour. */
typedef struct bstate {
    ch_evset es;
    double hist[CH_GAP_BINS];
    int64_t window;     /* the short look's window */
    int64_t wlong;      /* the long look's window, which the sweeps use (= window: one look) */
    int looks;          /* 1 or 2 */
    uint32_t *k;        /* events per account */
    double *D[2];       /* per look and account: other events within the look's window of the
                           account's events, on the same object */
    uint8_t *crowd;     /* per object: 1 when acted on by more than max_object_actors accounts
                           (no pairs; NULL when there is none) */
    uint64_t ncrowd;
    uint32_t *occ[2];   /* per look and event: its occasion, a run of the object's events with
                           gaps <= the look's window (numbered from 1 across objects) */
    uint32_t *unit[2];  /* per look and event: its unit of evidence (coact.h): the occasion, or
                           for an object with a source, the source (numbered from 1, contiguous
                           in sweep order); == occ when the behaviour has no sources */
    uint16_t *cnt;      /* per event: events of its account on its object (saturated) */
    double span;        /* seconds between the behaviour's first and last event (>= 1) */
    int64_t *delay;     /* statements only (the timing null, below), per event: seconds after
                           its object's first event; NULL for the other behaviours */
    int64_t *dsorted;   /* the same delays, sorted */
    float *idf;         /* per object: ln(1 + N / actors) */
    double E;           /* events */
    uint64_t est_pairs; /* upper bound on pairs the sweep generates */
    uint64_t capped;    /* objects where the rank bound cut pairs */
    uint32_t nactive;   /* accounts with at least one event */
    _Atomic uint64_t *fa, *fb;  /* prefilter bit arrays (NULL: not filtered) */
    uint64_t fmask;     /* bits - 1 */
    size_t fwords;
    double distinct_est; /* distinct pairs seen, estimated from the prefilter */
    uint32_t nparts;
} bstate;

/* Per (behaviour, partition) task. */
typedef struct ptask {
    uint8_t beh;
    uint32_t part;
    cands out;
    uint64_t candidates, tested, generated, trimmed;
} ptask;

typedef struct run {
    const ch_corpus *c;
    ch_coact_opts o;
    uint32_t mask;       /* behaviours extracted (their gaps feed the pooled window) */
    uint32_t count_mask; /* behaviours whose pairs are counted */
    uint32_t nacc;
    uint32_t keep_min;  /* pairs with fewer objects are dropped at extraction */
    uint32_t keep_min_units; /* ... and pairs with fewer units */
    bool keep_all;      /* ch_coact_pairs: every pair, whatever its p-value */
    double keep_logp;   /* otherwise pairs with a larger log p are dropped at extraction */
    double keep_logc;   /* ... unless the combined screen may use them (-INFINITY: off) */
    size_t max_edges;
    int threads;
    ch_evraw raw[CH_B__COUNT];
    ch_spill spill;     /* sorted runs of events past max_event_bytes (evrun.h) */
    uint64_t spill_runs, spill_events;
    bstate b[CH_B__COUNT];
    size_t budget;      /* bytes for one table (and for both filter arrays) */
    struct ftask *ftasks;
    size_t nftasks;
    ptask *tasks;
    size_t ntasks;
    /* evidence phase */
    ch_edge *edges;
    size_t nedges;
    size_t ebeg[CH_B__COUNT + 1];   /* edges of behaviour b: [ebeg[b], ebeg[b+1]) */
    ch_shared *ev;                  /* evidence slots: edge e's are [evbeg[e], evbeg[e+1]) */
    size_t *evbeg;                  /* n_edges + 1 offsets */
    uint32_t *nev;                  /* slots used per edge */
    ch_edge_lead *lead;             /* per edge (the result's) */
    /* distributed (o.dist): the sorted runs gathered on rank 0, per behaviour */
    ch_evrec *dist_runs[CH_B__COUNT];
    bool idle;                      /* a rank other than 0: its share is sent, nothing left */
} run;

static void run_free(run *r)
{
    for (int b = 0; b < CH_B__COUNT; b++) {
        ch_free(r->raw[b].ev);
        ch_evruns_free(&r->raw[b].runs);
        ch_evset_free(&r->b[b].es);
        ch_free(r->b[b].k);
        ch_free(r->b[b].D[0]);
        ch_free(r->b[b].D[1]);
        for (int L = 0; L < 2; L++) {
            if (r->b[b].unit[L] != r->b[b].occ[L])
                ch_free(r->b[b].unit[L]);
            ch_free(r->b[b].occ[L]);
        }
        ch_free(r->b[b].cnt);
        ch_free(r->b[b].delay);
        ch_free(r->b[b].dsorted);
        ch_free(r->b[b].crowd);
        ch_free(r->b[b].idf);
        ch_free((void *)r->b[b].fa);
        ch_free((void *)r->b[b].fb);
    }
    ch_free(r->ftasks);
    for (size_t i = 0; i < r->ntasks; i++)
        ch_free(r->tasks[i].out.v);
    ch_free(r->tasks);
    ch_free(r->ev);
    ch_free(r->evbeg);
    ch_free(r->nev);
    for (int b = 0; b < CH_B__COUNT; b++)
        ch_free(r->dist_runs[b]);
    ch_spill_free(&r->spill);
}

/* ---- phase 2: group and sort ---------------------------------------------------------- */

static int build_task(void *ctx, size_t i, unsigned worker)
{
    run *r = ctx;
    bstate *bs = &r->b[i];
    if (!(r->mask & (1u << i)))
        return CHORUS_OK;
    const int rc = r->raw[i].runs.nruns ? ch_evset_build_runs(&r->raw[i], &bs->es)
                                        : ch_evset_build(&r->raw[i], &bs->es);
    if (!rc)
        ch_gap_hist_add(&bs->es, bs->hist);
    return rc;
}

/* ---- phase 3: windows -------------------------------------------------------------------- */

static int64_t pooled_window(const run *r)
{
    double pool[CH_GAP_BINS] = {0};
    for (int b = 0; b < CH_B__COUNT; b++) {
        for (int k = 0; k < CH_GAP_BINS; k++)
            pool[k] += r->b[b].hist[k];
    }
    int64_t w = ch_gap_hist_window(pool, NULL);
    return w ? w : CH_WINDOW_FALLBACK;
}

/* A fixed window is one look. Window auto: the short look is estimated per behaviour (or
 * pooled), the long look is long_window[b] when that is longer. */
static int64_t set_windows(run *r)
{
    if (r->o.window > 0) {
        for (int b = 0; b < CH_B__COUNT; b++) {
            r->b[b].window = r->b[b].wlong = r->o.window;
            r->b[b].looks = 1;
        }
    } else {
        int64_t pooled = pooled_window(r);
        for (int b = 0; b < CH_B__COUNT; b++) {
            bstate *bs = &r->b[b];
            int64_t w = ch_gap_hist_window(bs->hist, NULL);
            bs->window = bs->wlong = w ? w : pooled;
            bs->looks = 1;
            if (r->o.long_window[b] > bs->window) {
                bs->wlong = r->o.long_window[b];
                bs->looks = 2;
            }
        }
    }
    /* a behaviour's own window is fixed: one look */
    for (int b = 0; b < CH_B__COUNT; b++) {
        if (r->o.window_of[b] > 0) {
            r->b[b].window = r->b[b].wlong = r->o.window_of[b];
            r->b[b].looks = 1;
        }
    }
    return r->o.window > 0 ? r->o.window : pooled_window(r);
}

/* ---- phase 4: statistics for the null model and the partitioning ------------------------ */

/* The statement behaviour's timing null (coact.h). Which statement two parrots share is no
 * evidence: everyone who parrots repeats the same few official lines, and when one campaign
 * is most of a statement's parrots, the popularity null counts the campaign's own waves as
 * the statement's popularity. What is evidence is timing: posting a statement within minutes
 * of the same accounts, statement after statement, at whatever delay after its release. So
 * each event's delay is measured from its statement's first post (the official's, in
 * general) and the delays of all statements are pooled. Under the null, an account's delay on
 * a statement is a draw from that pool, independent of the other account's; for a shared
 * statement with delays d_a, d_b and gap g = |d_a - d_b|, the chance of a gap as small is
 * gap_p(d_a, g), the share of the pool within g of d_a (the larger of the two readings).
 * Pooling over statements is what breaks the circularity: a campaign's wave sits at another
 * delay for every statement, while the crowd right after each release (officials, wires, fast
 * campaigns) keeps the chance high there. Cost O(n log n) for n events. */
static int timing_null(bstate *bs)
{
    const ch_evset *es = &bs->es;
    if (es->n < 2)
        return CHORUS_OK;
    if (!(bs->delay = ch_malloc(es->n * sizeof *bs->delay)) ||
        !(bs->dsorted = ch_malloc(es->n * sizeof *bs->dsorted)))
        return CHORUS_ENOMEM;
    for (uint32_t o = 0; o < es->nobj; o++)
        for (uint32_t i = es->ostart[o]; i < es->ostart[o + 1]; i++)
            bs->delay[i] = es->t[i] - es->t[es->ostart[o]];   /* time-sorted per object */
    memcpy(bs->dsorted, bs->delay, es->n * sizeof *bs->delay);
    ch_sort(bs->dsorted, es->n, sizeof *bs->dsorted, ch_cmp_i64);
    return CHORUS_OK;
}

/* How many of the sorted v[0..n) are below x (binary search). */
static size_t count_below(const int64_t *v, size_t n, int64_t x)
{
    size_t a = 0, b = n;
    while (a < b) {
        const size_t m = a + (b - a) / 2;
        if (v[m] < x)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

/* The share of the pooled delays other than d's own event within g of d: the chance that an
 * independent parrot of the statement lands that close (at least one event: the other one of
 * the pair is there). Two binary searches (count_below). */
static double gap_p(const bstate *bs, int64_t d, uint64_t g)
{
    const size_t n = bs->es.n;
    const int64_t w = g > (uint64_t)INT64_MAX / 4 ? INT64_MAX / 4 : (int64_t)g;
    const size_t lo = count_below(bs->dsorted, n, d - w);
    const size_t hi = count_below(bs->dsorted, n, d + w + 1);   /* first > d + w */
    const double c = (double)(hi - lo) - 1;
    return (c < 1 ? 1 : c) / (double)(n - 1);
}

static int stats_task(void *ctx, size_t bi, unsigned worker)
{
    run *r = ctx;
    bstate *bs = &r->b[bi];
    if (!(r->count_mask & (1u << bi)))
        return CHORUS_OK;
    const ch_evset *es = &bs->es;
    const uint32_t K = r->o.max_pairs_per_event;
    uint32_t *stamp = NULL, *actors = NULL, *kc = NULL;
    uint8_t *aud_src = NULL;
    int rc = CHORUS_ENOMEM;
    const size_t n1 = es->n ? es->n : 1;
    if (!(bs->k = ch_calloc(r->nacc, sizeof *bs->k)) ||
        !(bs->D[0] = ch_calloc(r->nacc, sizeof *bs->D[0])) ||
        !(bs->D[1] = ch_calloc(r->nacc, sizeof *bs->D[1])) ||
        !(bs->occ[0] = ch_malloc(n1 * sizeof *bs->occ[0])) ||
        !(bs->occ[1] = ch_malloc(n1 * sizeof *bs->occ[1])) ||
        !(bs->cnt = ch_malloc(n1 * sizeof *bs->cnt)) ||
        !(bs->idf = ch_malloc(((size_t)es->nobj + 1) * sizeof *bs->idf)) ||
        !(actors = ch_malloc(((size_t)es->nobj + 1) * sizeof *actors)) ||
        !(stamp = ch_calloc(r->nacc, sizeof *stamp)) || !(kc = ch_calloc(r->nacc, sizeof *kc)))
        goto out;
    const bool use_src = es->nsrc != 0;
    if (use_src) {
        for (int L = 0; L < 2; L++)
            if (!(bs->unit[L] = ch_malloc(n1 * sizeof *bs->unit[L])))
                goto out;
    } else {
        bs->unit[0] = bs->occ[0];
        bs->unit[1] = bs->occ[1];
    }
    /* Events per account, actors per object (distinct accounts, via a per-account stamp of the
     * last object), each event's account's events on its object (counted in kc, then copied
     * and reset), and the time span. */
    uint32_t nactive = 0;
    int64_t tmin = es->n ? es->t[0] : 0, tmax = tmin;
    for (uint32_t o = 0; o < es->nobj; o++) {
        uint32_t na = 0;
        const uint32_t s0 = es->ostart[o], s1 = es->ostart[o + 1];
        for (uint32_t i = s0; i < s1; i++) {
            const uint32_t a = es->acct[i];
            if (bs->k[a]++ == 0)
                nactive++;
            if (stamp[a] != o + 1) {
                stamp[a] = o + 1;
                na++;
            }
            kc[a]++;
            tmin = es->t[i] < tmin ? es->t[i] : tmin;
            tmax = es->t[i] > tmax ? es->t[i] : tmax;
        }
        for (uint32_t i = s0; i < s1; i++)
            bs->cnt[i] = (uint16_t)(kc[es->acct[i]] < UINT16_MAX ? kc[es->acct[i]] : UINT16_MAX);
        for (uint32_t i = s0; i < s1; i++)
            kc[es->acct[i]] = 0;
        actors[o] = na;
    }
    bs->span = es->n && tmax > tmin ? (double)((uint64_t)tmax - (uint64_t)tmin) : 1.0;
    bs->nactive = nactive;
    const double N = nactive;
    const uint32_t amax = r->o.max_object_actors;
    for (uint32_t o = 0; o < es->nobj; o++) {
        uint32_t na = actors[o];
        bs->idf[o] = (float)log1p(N / (na ? na : 1));
        if (amax && na > amax) {
            if (!bs->crowd && !(bs->crowd = ch_calloc(es->nobj, 1)))
                goto out;
            bs->crowd[o] = 1;
            bs->ncrowd++;
        }
    }
    /* D per look, and the generated-pair bound at the long look (which the sweeps use): two
     * pointers per look over each object's time-sorted events. Occasions per look: a new one
     * at each object and after each gap longer than the look's window, so two events that
     * co-act within the window are always in one occasion. */
    uint64_t est = 0, capped = 0;
    const uint64_t Wlook[2] = {(uint64_t)bs->window, (uint64_t)bs->wlong};
    uint32_t nocc[2] = {0, 0}, nunit[2] = {0, 0};
    /* Audience sources (coact.h): a source whose posts are each acted on by a different part
     * of the accounts acting on its posts; only their posts count once together. */
    if (use_src) {
        if (!(aud_src = ch_calloc(es->nsrc, 1)))
            goto out;
        memset(stamp, 0, r->nacc * sizeof *stamp);
        for (uint32_t o0 = 0; o0 < es->nobj;) {
            const uint32_t sc = es->osrc[o0];
            uint32_t o1 = o0 + 1;
            while (o1 < es->nobj && es->osrc[o1] == sc)
                o1++;
            if (sc != CH_NONE) {
                uint32_t distinct = 0, nob = 0;
                double sum = 0;
                for (uint32_t o = o0; o < o1; o++) {
                    for (uint32_t i = es->ostart[o]; i < es->ostart[o + 1]; i++) {
                        const uint32_t a = es->acct[i];
                        if (stamp[a] != sc + 1) {
                            stamp[a] = sc + 1;
                            distinct++;
                        }
                    }
                    if (actors[o] >= 2) {
                        sum += actors[o];
                        nob++;
                    }
                }
                aud_src[sc] = nob >= 2 && sum / nob < AUDIENCE_SHARE_SOURCE * distinct;
            }
            o0 = o1;
        }
    }
    for (uint32_t o = 0; o < es->nobj; o++) {
        const uint32_t s = es->ostart[o], f = es->ostart[o + 1];
        const uint32_t src = use_src && es->osrc[o] != CH_NONE && aud_src[es->osrc[o]]
                                 ? es->osrc[o] : CH_NONE;
        /* a source's objects are contiguous: a new unit when the source changes */
        const bool new_src = src != CH_NONE && (o == 0 || es->osrc[o - 1] != src);
        for (int L = 0; L < 2; L++) {
            const uint64_t W = Wlook[L];
            uint32_t lo = s, hi = s;
            bool cut = false;
            /* the short look counts occasions: a tight burst on an audience source's post
             * is evidence of its own */
            const bool srcL = src != CH_NONE && L == 1;
            if (new_src && srcL)
                nunit[L]++;
            for (uint32_t i = s; i < f; i++) {
                if (i == s || tdiff(es->t[i], es->t[i - 1]) > W) {
                    nocc[L]++;
                    if (!srcL)
                        nunit[L]++;
                }
                bs->occ[L][i] = nocc[L];
                if (use_src)
                    bs->unit[L][i] = nunit[L];
                while (tdiff(es->t[i], es->t[lo]) > W)
                    lo++;
                if (hi < i + 1)
                    hi = i + 1;
                while (hi < f && tdiff(es->t[hi], es->t[i]) <= W)
                    hi++;
                bs->D[L][es->acct[i]] += (double)(hi - lo - 1);
                if (L == 1 && !(bs->crowd && bs->crowd[o])) {
                    uint32_t fwd = hi - i - 1;
                    if (K && fwd > K) {
                        fwd = K;
                        cut = true;
                    }
                    est += fwd;
                }
            }
            capped += L == 1 && cut;
        }
    }
    /* Audience objects (coact.h): a tag or a mentioned account whose occasions (long look)
     * each bring together a different part of its users. */
    if (bi == CH_B_HASHTAG || bi == CH_B_MENTION) {
        memset(stamp, 0, r->nacc * sizeof *stamp);
        for (uint32_t o = 0; o < es->nobj; o++) {
            const uint32_t s = es->ostart[o], f = es->ostart[o + 1];
            if (actors[o] < 2 || (bs->crowd && bs->crowd[o]))
                continue;
            double sum = 0;
            uint32_t nocc2 = 0;
            for (uint32_t i = s; i < f;) {
                const uint32_t oc = bs->occ[1][i];
                uint32_t j = i, na = 0;
                for (; j < f && bs->occ[1][j] == oc; j++) {
                    const uint32_t a = es->acct[j];
                    if (stamp[a] != oc) {
                        stamp[a] = oc;
                        na++;
                    }
                }
                if (na >= 2) {
                    sum += na;
                    nocc2++;
                }
                i = j;
            }
            if (nocc2 >= 2 && sum / nocc2 < AUDIENCE_SHARE * actors[o]) {
                if (!bs->crowd && !(bs->crowd = ch_calloc(es->nobj, 1)))
                    goto out;
                bs->crowd[o] = 1;
                bs->ncrowd++;
            }
        }
    }
    if (bi == CH_B_STATEMENT && (rc = timing_null(bs)))
        goto out;
    bs->E = (double)es->n;
    bs->est_pairs = est;
    bs->capped = capped;
    rc = CHORUS_OK;
out:
    ch_free(stamp);
    ch_free(actors);
    ch_free(kc);
    ch_free(aud_src);
    return rc;
}

/* ---- phase 5: candidate pairs ------------------------------------------------------------ */

/* A pair's counts per look (0 short, 1 long; equal with one look). */
typedef struct pent {
    uint64_t key;       /* a << 32 | b; EMPTY when free */
    uint32_t last[2];   /* last object counted, + 1 */
    uint32_t last_occ[2]; /* last occasion counted (occasion ids start at 1) */
    uint32_t last_unit[2]; /* last unit counted (== occasions without sources) */
    uint32_t n_obj[2], n_occ[2], n_ev[2], n_unit[2];
    float w[2];
    float kk[2];        /* sum over the objects counted of k_a(o) k_b(o), events of a and of b
                           on the object: the time-placement null (coact.h) */
} pent;

#define EMPTY UINT64_MAX

typedef struct ptable {
    pent *e;
    size_t mask, n;
} ptable;

static int pt_init(ptable *t, size_t cap)
{
    t->e = ch_malloc(cap * sizeof *t->e);
    if (!t->e)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        t->e[i].key = EMPTY;
    t->mask = cap - 1;
    t->n = 0;
    return CHORUS_OK;
}

static int pt_grow(ptable *t)
{
    size_t cap = (t->mask + 1) * 2;
    ptable nt;
    if (pt_init(&nt, cap))
        return CHORUS_ENOMEM;
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->e[i].key == EMPTY)
            continue;
        size_t s = ch_mix64(t->e[i].key) & nt.mask;
        while (nt.e[s].key != EMPTY)
            s = (s + 1) & nt.mask;
        nt.e[s] = t->e[i];
    }
    nt.n = t->n;
    ch_free(t->e);
    *t = nt;
    return CHORUS_OK;
}

static inline uint64_t pair_key(uint32_t x, uint32_t y)
{
    return x < y ? (uint64_t)x << 32 | y : (uint64_t)y << 32 | x;
}

/* Partition of a pair: high bits of its hash (the low bits pick the table slot). */
static inline uint32_t part_of(uint64_t h, uint32_t nparts)
{
    return (uint32_t)((h >> 32) % nparts);
}

/* The pair generation rule, shared by every pass so they see the same pairs: for each event
 * i of object o (in time order), the events j after it that are at most W seconds later and at
 * most K positions later (K = 0: no rank bound), by another account; crowd objects (crowd[o]
 * set, see stats_task) generate none. BODY runs with o, i, j, ai = acct[i], aj = acct[j] in
 * scope. */
#define SWEEP(es, crowd, o_begin, o_end, W, K, ...)                                     \
    for (uint32_t o = (o_begin); o < (o_end); o++) {                                      \
        if ((crowd) && (crowd)[o])                                                        \
            continue;                                                                     \
        const uint32_t s_ = (es)->ostart[o], f_ = (es)->ostart[o + 1];                    \
        for (uint32_t i = s_; i + 1 < f_; i++) {                                          \
            const int64_t ti_ = (es)->t[i];                                               \
            const uint32_t ai = (es)->acct[i];                                            \
            const uint32_t jmax_ = (K) && f_ - i - 1 > (K) ? i + 1 + (K) : f_;           \
            for (uint32_t j = i + 1; j < jmax_ && tdiff((es)->t[j], ti_) <= (W); j++) {   \
                const uint32_t aj = (es)->acct[j];                                        \
                if (aj == ai)                                                             \
                    continue;                                                             \
                __VA_ARGS__                                                               \
            }                                                                             \
        }                                                                                 \
    }

/* ---- phase 5a: prefilter -------------------------------------------------------------------
 * Most candidate pairs share one object only (two strangers on a popular post) and can never
 * become edges, yet they would fill the counting tables: 8.9 million of them against 233,000
 * pairs with two or more objects in the 1M-post benchmark at 3600 s. A first sweep marks every
 * generated pair in bit array A (one hash, one bit) and, when A's bit was already set, in B.
 * A pair seen twice always has its B bit set; the counting sweep then skips pairs whose B bit
 * is clear, which are exactly seen once (or never). Collisions only let extra pairs through,
 * and those are counted exactly and dropped: the result is the same as without the filter.
 * The bits are set with atomic OR, so chunks of objects can run on several threads; the final
 * bits (B set iff a bit was hit twice) do not depend on the order. */

typedef struct ftask {
    uint8_t beh;
    uint32_t o0, o1;     /* objects [o0, o1) */
    uint64_t generated;
} ftask;

static int filter_task(void *ctx, size_t ti, unsigned worker)
{
    run *r = ctx;
    ftask *ft = &r->ftasks[ti];
    bstate *bs = &r->b[ft->beh];
    const ch_evset *es = &bs->es;
    const int64_t W = bs->wlong;
    const uint32_t K = r->o.max_pairs_per_event;
    _Atomic uint64_t *A = bs->fa, *B = bs->fb;
    const uint64_t fmask = bs->fmask;
    uint64_t generated = 0;
    SWEEP(es, bs->crowd, ft->o0, ft->o1, (uint64_t)W, K, {
        generated++;
        const uint64_t bit = ch_mix64(pair_key(ai, aj)) & fmask;
        const uint64_t m = UINT64_C(1) << (bit & 63);
        if (atomic_fetch_or_explicit(&A[bit >> 6], m, memory_order_relaxed) & m)
            atomic_fetch_or_explicit(&B[bit >> 6], m, memory_order_relaxed);
    })
    ft->generated = generated;
    return CHORUS_OK;
}

static uint64_t popcount_bits(_Atomic uint64_t *v, size_t words)
{
    uint64_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint64_t)__builtin_popcountll(atomic_load_explicit(&v[i], memory_order_relaxed));
    return n;
}

/* Allocates the filters, runs the first sweep and replaces est_pairs by a bound on the pairs
 * that pass it. Behaviours too small to gain are left unfiltered (fa == NULL). */
static int prefilter(run *r)
{
    const size_t budget = r->budget;
    size_t nt = 0;
    for (int b = 0; b < CH_B__COUNT; b++) {
        bstate *bs = &r->b[b];
        if (!(r->count_mask & (1u << b)) || bs->est_pairs < FILTER_MIN_PAIRS)
            continue;
        /* 8 bits per generated pair: a single pair then finds its B bit set by a collision
         * with probability ~1/8; both arrays together within half the table budget. */
        uint64_t nbits = 1 << 16;
        while (nbits < 8 * bs->est_pairs && nbits / 4 < budget / 2)
            nbits *= 2;
        const size_t words = (size_t)(nbits / 64);
        if (!(bs->fa = ch_calloc(words, sizeof *bs->fa)) ||
            !(bs->fb = ch_calloc(words, sizeof *bs->fb)))
            return CHORUS_ENOMEM;
        bs->fmask = nbits - 1;
        bs->fwords = words;
        /* chunks of about equal events, more than threads for balance */
        const uint32_t chunks = r->threads > 1 ? (uint32_t)r->threads * 4 : 1;
        nt += chunks;
    }
    if (!nt)
        return CHORUS_OK;
    if (!(r->ftasks = ch_calloc(nt, sizeof *r->ftasks)))
        return CHORUS_ENOMEM;
    size_t k = 0;
    for (int b = 0; b < CH_B__COUNT; b++) {
        bstate *bs = &r->b[b];
        if (!bs->fa)
            continue;
        const uint32_t chunks = r->threads > 1 ? (uint32_t)r->threads * 4 : 1;
        const ch_evset *es = &bs->es;
        uint32_t o = 0;
        for (uint32_t c = 0; c < chunks; c++) {
            const uint64_t upto = es->n * (uint64_t)(c + 1) / chunks;
            uint32_t o1 = o;
            while (o1 < es->nobj && (c + 1 == chunks || es->ostart[o1] < upto))
                o1++;
            r->ftasks[k++] = (ftask){(uint8_t)b, o, o1, 0};
            o = o1;
        }
    }
    r->nftasks = nt;
    int rc = ch_parallel_for(r->threads, nt, filter_task, r);
    if (rc)
        return rc;
    uint64_t gen[CH_B__COUNT] = {0};
    for (size_t i = 0; i < nt; i++)
        gen[r->ftasks[i].beh] += r->ftasks[i].generated;
    for (int b = 0; b < CH_B__COUNT; b++) {
        bstate *bs = &r->b[b];
        if (!bs->fa)
            continue;
        const uint64_t ones_a = popcount_bits(bs->fa, bs->fwords);
        const uint64_t ones_b = popcount_bits(bs->fb, bs->fwords);
        /* Sightings on bits hit twice or more bound the distinct pairs that pass. */
        bs->est_pairs = gen[b] - (ones_a - ones_b);
        /* Distinct pairs seen, by linear counting on A. */
        const double m = (double)(bs->fmask + 1);
        bs->distinct_est = ones_a < bs->fmask + 1 ? -m * log1p(-(double)ones_a / m) : (double)gen[b];
    }
    return CHORUS_OK;
}

static int cands_push(cands *c, const cand *x)
{
    if (c->n == c->cap && ch_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v))
        return CHORUS_ENOMEM;
    c->v[c->n++] = *x;
    return CHORUS_OK;
}

/* Null model (coact.h): lambda = max(k_b D_a / E, k_a D_b / E, sum k_a(o) k_b(o) 2W / span),
 * per look; the better look's p-value, times the number of looks. Ties go to the short look
 * when it saw as many objects (the same evidence in a narrower window), else to the long
 * one. */
/* Fisher's combination of the k gap chances of the statements a pair shares: with S = -sum
 * ln p_s, P(chi2(2k) >= 2S) = P(Gamma(k) >= S) = P(Poisson(S) <= k - 1), in log space. */
static double fisher_log_sf(double S, uint32_t k)
{
    if (k == 0 || S <= 0)
        return 0;
    const double lS = log(S);
    double mx = -INFINITY, sum = 0;
    for (uint32_t i = 0; i < k; i++) {   /* log-sum-exp of the Poisson terms */
        const double t = -S + i * lS - lgamma((double)i + 1);
        if (t > mx) {
            sum = sum * exp(mx - t) + 1;
            mx = t;
        } else {
            sum += exp(t - mx);
        }
    }
    const double r = mx + log(sum);
    return r < 0 ? r : 0;
}

static void score(const run *r, const bstate *bs, const pent *e, uint8_t beh, cand *x)
{
    const uint32_t a = (uint32_t)(e->key >> 32), b = (uint32_t)e->key;
    double lam[2], logp[2], logc[2];
    const double E = bs->E > 0 ? bs->E : 1;
    const double Wl[2] = {(double)bs->window, (double)bs->wlong};
    for (int L = 0; L < 2; L++) {
        const double la = (double)bs->k[b] * bs->D[L][a], lb = (double)bs->k[a] * bs->D[L][b];
        double f = 2 * Wl[L] / bs->span;
        /* the time-placement null, at the long look only (see above) */
        const double lt = L == 1 ? (double)e->kk[L] * (f < 1 ? f : 1) : 0;
        lam[L] = (la > lb ? la : lb) / E;
        lam[L] = lt > lam[L] ? lt : lam[L];
        const bool test = e->n_obj[L] >= r->o.min_objects && e->n_unit[L] >= r->o.min_units;
        const bool test_c = e->n_obj[L] >= r->o.min_objects && e->n_unit[L] >= 1;
        if (bs->delay) {
            /* statements: the timing null (timing_null) over every statement the pair shares
             * at the long look, asked of pairs that co-acted at the look (the short one, with
             * two looks: below); kk[0] is the sum of -ln gap_p, kk[1] the expected co-actions
             * within the short window */
            lam[L] = e->kk[1];
            logc[L] = test_c ? fisher_log_sf(e->kk[0], e->n_obj[1]) : 0;
        } else {
            logc[L] = test_c ? ch_poisson_log_sf(e->n_unit[L], lam[L]) : 0;
        }
        logp[L] = test ? logc[L] : 0;
    }
    int L = 1;
    double lp = logp[1], lc = logc[1];
    if (bs->delay && bs->looks == 2) {
        /* statements: under the timing null the long look (3 days) cannot find anything (every
         * parrot of a statement lands within days of the others); it only bounds the shared
         * statements counted. One look, the short one: no correction. */
        L = 0;
        lp = logp[0];
        lc = logc[0];
    } else if (bs->looks == 2) {
        /* a pair below min_units at both looks: the look the combined screen would use */
        const double *lv =
            r->o.combine_p > 0 && logp[0] == 0 && logp[1] == 0 ? logc : logp;
        if (lv[0] < lv[1] || (lv[0] == lv[1] && e->n_obj[0] == e->n_obj[1]))
            L = 0;
        lp = logp[L] + log(2.0);
        if (lp > 0)
            lp = 0;
        lc = logc[L] + log(2.0);
        if (lc > 0)
            lc = 0;
    }
    x->e = (ch_edge){.a = a, .b = b, .behaviour = beh, .n_objects = e->n_obj[L],
                     .n_occasions = e->n_occ[L], .n_units = e->n_unit[L],
                     .n_events = e->n_ev[L], .weight = e->w[L], .expected = lam[L],
                     .pvalue = exp(lp), .window = L ? bs->wlong : bs->window,
                     .flags = L && bs->looks == 2 ? CH_EDGE_LONG : 0};
    x->logp = lp;
    x->logc = lc;
}

static int cmp_logp_val(const void *x, const void *y);

/* Keeps a task's max_edges candidates of smallest p (the order of cmp_logp_val, a total
 * order, so the union of the tasks' survivors holds the global max_edges smallest). */
static void trim(run *r, ptask *pt)
{
    ch_sort(pt->out.v, pt->out.n, sizeof *pt->out.v, cmp_logp_val);
    const double ls = r->o.screen_p > 0 ? log(r->o.screen_p) : -INFINITY;
    for (size_t i = r->max_edges; i < pt->out.n; i++)
        pt->trimmed += pt->out.v[i].logp <= ls;
    pt->out.n = r->max_edges;
}

static int pair_task(void *ctx, size_t ti, unsigned worker)
{
    run *r = ctx;
    ptask *pt = &r->tasks[ti];
    const bstate *bs = &r->b[pt->beh];
    const ch_evset *es = &bs->es;
    const int64_t W = bs->wlong;
    const uint64_t Ws = (uint64_t)bs->window;
    const uint32_t K = r->o.max_pairs_per_event;
    const uint32_t P = bs->nparts, part = pt->part;
    const _Atomic uint64_t *B = bs->fb;
    const uint64_t fmask = bs->fmask;
    ptable t = {0};
    uint64_t generated = 0;
    /* Sized for this partition's share of the pairs expected, so that growing (rehashing and
     * faulting in fresh pages) is rare. */
    size_t cap = 4096;
    const uint64_t want = bs->est_pairs / (P ? P : 1) * 10 / 7 + 1;
    while (cap < want && cap * sizeof(pent) < r->budget / 4)
        cap *= 2;
    int rc = pt_init(&t, cap);
    if (rc)
        goto out;
    SWEEP(es, bs->crowd, 0, es->nobj, (uint64_t)W, K, {
        generated++;
        const uint64_t key = pair_key(ai, aj);
        const uint64_t h = ch_mix64(key);
        if (P > 1 && part_of(h, P) != part)
            continue;
        if (B && !(atomic_load_explicit(&B[(h & fmask) >> 6], memory_order_relaxed) &
                   (UINT64_C(1) << (h & 63))))
            continue;
        const bool in_short = tdiff(es->t[j], es->t[i]) <= Ws;
        const float wo = bs->idf[o];
        size_t sl = h & t.mask;
        while (t.e[sl].key != EMPTY && t.e[sl].key != key)
            sl = (sl + 1) & t.mask;
        pent *e = &t.e[sl];
        if (e->key == EMPTY) {
            *e = (pent){.key = key};
            if (++t.n * 10 > (t.mask + 1) * 7) {
                if ((rc = pt_grow(&t)))
                    goto out;
                sl = h & t.mask;
                while (t.e[sl].key != key)
                    sl = (sl + 1) & t.mask;
                e = &t.e[sl];
            }
        }
        for (int L = in_short ? 0 : 1; L < 2; L++) {
            if (e->n_ev[L] < UINT32_MAX)
                e->n_ev[L]++;
            if (e->last[L] != o + 1) {
                e->last[L] = o + 1;
                e->n_obj[L]++;
                e->w[L] += wo;
                const float kk = (float)bs->cnt[i] * (float)bs->cnt[j];
                if (!bs->delay) {
                    e->kk[L] += kk;
                } else if (L == 1) {
                    /* the timing null, over every statement the pair shares at the long
                     * look, whether or not it co-acted at the short one (score) */
                    const uint64_t g = tdiff(es->t[j], es->t[i]);
                    const double pa = gap_p(bs, bs->delay[i], g), pb = gap_p(bs, bs->delay[j], g);
                    const double qa = gap_p(bs, bs->delay[i], Ws), qb = gap_p(bs, bs->delay[j], Ws);
                    e->kk[0] -= (float)log(pa > pb ? pa : pb);
                    e->kk[1] += (float)(qa > qb ? qa : qb);
                }
            }
            const uint32_t oc = bs->occ[L][i];
            if (e->last_occ[L] != oc) {
                e->last_occ[L] = oc;
                e->n_occ[L]++;
            }
            const uint32_t un = bs->unit[L][i];
            if (e->last_unit[L] != un) {
                e->last_unit[L] = un;
                e->n_unit[L]++;
            }
        }
    })
    pt->generated = generated;
    pt->candidates = t.n;
    for (size_t i = 0; i <= t.mask; i++) {
        const pent *e = &t.e[i];
        if (e->key == EMPTY)
            continue;
        /* the long look's units decide: an audience source's posts count once there, whatever
         * the short look counts (coact.h) */
        const uint32_t units = e->n_unit[1];
        if (e->n_obj[1] >= r->o.min_objects && units >= r->o.min_units)
            pt->tested++;
        if (e->n_obj[1] < r->keep_min || units < r->keep_min_units)
            continue;
        cand x;
        score(r, bs, e, pt->beh, &x);
        if (!r->keep_all && !(x.logp <= r->keep_logp) && !(x.logc <= r->keep_logc))
            continue;
        if ((rc = cands_push(&pt->out, &x)))
            goto out;
        if (!r->keep_all && pt->out.n >= 2 * r->max_edges)
            trim(r, pt);
    }
out:
    ch_free(t.e);
    return rc;
}

/* Sets partitions per behaviour and creates the task list (behaviour-major). */
static int make_tasks(run *r)
{
    const size_t budget = r->budget;
    size_t n = 0;
    for (int b = 0; b < CH_B__COUNT; b++) {
        bstate *bs = &r->b[b];
        if (!(r->count_mask & (1u << b)) || bs->est_pairs == 0) {
            bs->nparts = 0;
            continue;
        }
        double need = (double)bs->est_pairs * PAIR_BYTES / (double)budget;
        uint64_t p = (uint64_t)ceil(need);
        if (p < 1)
            p = 1;
        /* Not split further for threads: every partition repeats the whole sweep, which after
         * the prefilter costs about as much as the counting; threads take behaviours instead. */
        if (p > 4096)
            p = 4096;   /* beyond this the sweeps, not the tables, dominate */
        bs->nparts = (uint32_t)p;
        n += p;
    }
    if (n && !(r->tasks = ch_calloc(n, sizeof *r->tasks)))
        return CHORUS_ENOMEM;
    r->ntasks = n;
    size_t i = 0;
    for (int b = 0; b < CH_B__COUNT; b++) {
        for (uint32_t p = 0; p < r->b[b].nparts; p++) {
            r->tasks[i].beh = (uint8_t)b;
            r->tasks[i].part = p;
            i++;
        }
    }
    return CHORUS_OK;
}

/* Phase 1 over the ranks of a distributed scan (coact.h, shuffle.h): this rank's block of
 * posts, its events numbered as one process numbers them (the blocks' counts before it), sent
 * to the ranks owning their keys, sorted there, and the sorted runs gathered on rank 0, where
 * ch_evset_build_runs merges them into the grouped set of one process. Collective: every
 * exchange carries the status, so all ranks leave at the same step. */
static int extract_dist(run *r)
{
    const ch_dist *d = r->o.dist;
    const int size = d->size;
    size_t from, to;
    ch_dist_block(ch_corpus_nposts(r->c), d->rank, size, &from, &to);
    /* Narratives and statements come from per-post arrays rank 0 alone holds (the ranks sent
     * it their shares): rank 0 extracts those two behaviours for every post, a lookup each. */
    const uint32_t at0 = (1u << CH_B_NARRATIVE) | (1u << CH_B_STATEMENT);
    const uint32_t mask = r->mask & ~at0;
    int rc = ch_coact_extract_range(r->c, &r->o, mask, r->raw, from, to), local = 0;
    /* every rank's event counts per behaviour, to every rank */
    uint64_t mine[CH_B__COUNT];
    uint64_t *sendc = NULL, *counts = NULL;
    size_t *sc = NULL, *rcnt = NULL, *lens = NULL;
    for (int b = 0; b < CH_B__COUNT; b++)
        mine[b] = r->raw[b].n;
    if (!rc && (!(sendc = ch_malloc((size_t)size * sizeof mine)) ||
                !(sc = ch_malloc((size_t)size * sizeof *sc)) ||
                !(rcnt = ch_malloc((size_t)size * sizeof *rcnt)) ||
                !(lens = ch_malloc((size_t)size * sizeof *lens))))
        rc = CHORUS_ENOMEM;
    if (!rc)
        for (int k = 0; k < size; k++) {
            memcpy(sendc + (size_t)k * CH_B__COUNT, mine, sizeof mine);
            sc[k] = sizeof mine;
        }
    rc = d->exchange(d, rc, sendc, rc ? NULL : sc, (void **)&counts, rc ? NULL : rcnt);
    for (int b = 0; b < CH_B__COUNT && !rc; b++) {
        if (!(mask & (1u << b)))
            continue;
        uint64_t off = 0, total = 0;
        for (int k = 0; k < size; k++) {
            const uint64_t nk = counts[(size_t)k * CH_B__COUNT + (size_t)b];
            off += k < d->rank ? nk : 0;
            total += nk;
        }
        ch_evraw *raw = &r->raw[b];
        ch_evrec *rec = raw->n ? ch_malloc(raw->n * sizeof *rec) : NULL;
        int st = raw->n && !rec ? CHORUS_ENOMEM : CHORUS_OK;
        if (rec)
            ch_evrec_from(rec, raw->ev, raw->n, off);
        const size_t n = raw->n;
        ch_free(raw->ev);
        raw->ev = NULL;
        raw->n = raw->cap = 0;
        /* hot: a quarter of a rank's even share of the behaviour's events, and not few */
        uint64_t hot = r->o.shuffle_hot;
        if (!hot) {
            hot = total / (uint64_t)size / 4;
            hot = hot > CH_COACT_SHUFFLE_HOT_MIN ? hot : CH_COACT_SHUFFLE_HOT_MIN;
        }
        ch_shuf_plan plan;
        ch_evrec *got = NULL, *all = NULL;
        size_t ngot = 0;
        rc = ch_shuf_plan_make(d, st, rec, n, hot, &plan);
        rc = ch_shuf_events(d, rc, &plan, rec, n, &got, &ngot);
        ch_shuf_plan_free(&plan);
        ch_free(rec);
        /* Past the memory budget rank 0 receives the runs into its spill file, as runs it
         * wrote itself would be (evrun.h); their pages leave the resident set as they merge. */
        ch_evrec *into = NULL;
        int st0 = rc;
        if (!rc && d->rank == 0 && r->o.max_event_bytes && total) {
            if (total > SIZE_MAX / sizeof *into)
                st0 = CHORUS_ELIMIT;
            else if (!(into = (ch_evrec *)ch_spill_alloc(&r->spill, (size_t)total * sizeof *into,
                                                         &st0)) &&
                     st0 == CHORUS_EIO && r->o.err && r->o.err_size)
                snprintf(r->o.err, r->o.err_size, "%s", r->spill.err);
        }
        rc = d->gather(d, st0, got, ngot * sizeof *got, into, into ? NULL : (void **)&all, lens);
        ch_free(got);
        if (rc || d->rank != 0)
            continue;
        if (into)
            all = into;
        else
            r->dist_runs[b] = all;
        /* rank 0: one run per rank that sorted events, merged by ch_evset_build_runs */
        ch_evruns *rs = &raw->runs;
        *rs = (ch_evruns){.sp = &r->spill, .max_events = 1};
        size_t at = 0;
        /* the others go on with the next behaviour's exchanges: a failure here is rank 0's
         * alone and is returned once they are done */
        for (int k = 0; k < size && !local; k++) {
            const size_t nk = lens[k] / sizeof *all;
            if (nk && ch_grow((void **)&rs->runs, &rs->cap, rs->nruns + 1, sizeof *rs->runs))
                local = CHORUS_ENOMEM;
            else if (nk)
                rs->runs[rs->nruns++] = (ch_evrun){all + at, nk};
            at += nk;
        }
        rs->written = at;
        if (into) {   /* runs in the spill file, as the spill counters report them */
            r->spill_runs += rs->nruns;
            r->spill_events += at;
        }
    }
    if (!rc)
        rc = local;
    if (!rc && d->rank == 0 && (r->mask & at0))
        rc = ch_coact_extract_range(r->c, &r->o, r->mask & at0, r->raw, 0, ch_corpus_nposts(r->c));
    ch_free(sendc);
    ch_free(counts);
    ch_free(sc);
    ch_free(rcnt);
    ch_free(lens);
    if (!rc && d->rank != 0)
        r->idle = true;
    else if (!rc && r->o.threads_alone > 0)   /* the other ranks are done: their cores are free */
        r->threads = ch_parallel_threads(r->o.threads_alone);
    return rc;
}

/* Phase 1. Past the memory budget (max_event_bytes), each behaviour holds a bounded buffer
 * of events and writes the rest as sorted runs to one temporary file (evrun.h). */
static int extract(run *r)
{
    if (ch_dist_active(r->o.dist) && r->o.dist->exchange)
        return extract_dist(r);
    const size_t max_events = r->o.max_event_bytes / sizeof(ch_ev);
    if (r->o.max_event_bytes) {
        ch_spill_init(&r->spill, r->o.spill_dir);
        for (int b = 0; b < CH_B__COUNT; b++)
            r->raw[b].runs = (ch_evruns){.sp = &r->spill,
                                         .max_events = max_events ? max_events : 1};
    }
    int rc = ch_coact_extract(r->c, &r->o, r->mask, r->raw);
    for (int b = 0; b < CH_B__COUNT && !rc; b++) {
        rc = ch_evraw_finish(&r->raw[b]);
        r->spill_runs += r->raw[b].runs.nruns;
        r->spill_events += r->raw[b].runs.written;
    }
    if (rc == CHORUS_EIO && r->o.err && r->o.err_size)
        snprintf(r->o.err, r->o.err_size, "%s", r->spill.err);
    return rc;
}

/* Phases 1-5, shared by ch_coact_run, ch_coact_pairs and ch_coact_estimate_window. */
static int run_front(run *r, bool windows_only)
{
    int rc = extract(r);
    if (!rc && r->idle)
        return CHORUS_OK;   /* a rank other than 0: its share went to rank 0 */
    if (rc || (rc = ch_parallel_for(r->threads, CH_B__COUNT, build_task, r)))
        return rc;
    ch_spill_free(&r->spill);   /* the runs are merged: the file goes */
    set_windows(r);
    if (windows_only)
        return CHORUS_OK;
    if ((rc = ch_parallel_for(r->threads, CH_B__COUNT, stats_task, r)))
        return rc;
    if (r->o.compat) {
        /* The peer tools have no crowd or audience objects: the evidence sweep (which needs
         * the occasions the statistics numbered) passes over every object. */
        for (int b = 0; b < CH_B__COUNT; b++) {
            ch_free(r->b[b].crowd);
            r->b[b].crowd = NULL;
            r->b[b].ncrowd = 0;
        }
        return CHORUS_OK;
    }
    if ((r->keep_min >= 2 || r->keep_min_units >= 2) && (rc = prefilter(r)))
        return rc;
    if ((rc = make_tasks(r)))
        return rc;
    return ch_parallel_for(r->threads, r->ntasks, pair_task, r);
}

uint32_t ch_coact_compat_behaviours(int compat)
{
    switch (compat) {
    case CH_COMPAT_COORTWEET: return 1u << CH_B_REPOST | 1u << CH_B_LINK;
    case CH_COMPAT_CNT:
        return 1u << CH_B_REPOST | 1u << CH_B_REPLY | 1u << CH_B_LINK | 1u << CH_B_NARRATIVE;
    default: return (1u << CH_B__COUNT) - 1;
    }
}

const char *ch_coact_compat_name(int compat)
{
    static const char *const names[] = {"none", "coortweet", "cnt"};
    return compat >= 0 && compat <= CH_COMPAT_CNT ? names[compat] : "?";
}

static int run_init(run *r, const ch_corpus *c, const ch_coact_opts *o)
{
    memset(r, 0, sizeof *r);
    ch_spill_init(&r->spill, NULL);   /* no file until a run is written */
    if (!c || !o)
        return CHORUS_EUSAGE;
    r->c = c;
    r->o = *o;
    if (r->o.min_objects == 0)
        r->o.min_objects = 1;
    if (r->o.min_units == 0)
        r->o.min_units = 1;
    if (!(r->o.alpha > 0 && r->o.alpha <= 1) || !(r->o.screen_p >= 0 && r->o.screen_p <= 1) ||
        !(r->o.combine_p >= 0 && r->o.combine_p <= 1))
        return CHORUS_EUSAGE;
    if (r->o.screen_p == 0)
        r->o.combine_p = 0;   /* the significant edges only */
    if (r->o.compat > CH_COMPAT_CNT || !(r->o.compat_similarity > 0) ||
        !(r->o.compat_similarity <= 1))
        return CHORUS_EUSAGE;
    for (int b = 0; b < CH_B__COUNT; b++)
        if (r->o.window_of[b] < 0)
            return CHORUS_EUSAGE;
    if (r->o.compat) {
        /* the peer tools: every pair within the window, a fixed window */
        r->o.max_pairs_per_event = 0;
        r->o.max_object_actors = 0;
        if (r->o.window <= 0)
            r->o.window = r->o.compat == CH_COMPAT_COORTWEET ? CH_COACT_COORTWEET_WINDOW
                                                              : CH_COACT_CNT_WINDOW;
        if (r->o.compat_min == 0)
            r->o.compat_min = 1;
    }
    const uint32_t all = (1u << CH_B__COUNT) - 1;
    r->mask = o->behaviours ? o->behaviours & all
              : r->o.compat  ? ch_coact_compat_behaviours(r->o.compat)
                             : all;
    r->count_mask = r->mask;
    if (ch_corpus_naccounts(c) > UINT32_MAX - 1 || ch_corpus_nposts(c) > UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    r->nacc = (uint32_t)ch_corpus_naccounts(c);
    r->threads = ch_parallel_threads(o->threads);
    r->keep_min = r->o.min_objects;
    r->keep_min_units = r->o.min_units;
    r->max_edges = o->max_edges ? o->max_edges : CH_COACT_MAX_EDGES;
    /* BH accepts p-values <= alpha only (its threshold alpha k / m never exceeds alpha), so
     * the pairs above both levels can be dropped as soon as they are scored */
    r->keep_logp = log(r->o.screen_p > r->o.alpha ? r->o.screen_p : r->o.alpha);
    /* the combined screen's evidence: single units too, when asked */
    r->keep_logc = r->o.combine_p > 0 ? log(r->o.combine_p) : -INFINITY;
    if (r->o.combine_p > 0 && r->o.combine_units && r->o.combine_units < r->keep_min_units)
        r->keep_min_units = r->o.combine_units;
    r->budget = o->max_table_bytes ? o->max_table_bytes : DEFAULT_TABLE_BYTES;
    return CHORUS_OK;
}

/* ---- phase 6: significance --------------------------------------------------------------- */

/* Candidates by ascending log p, then (behaviour, a, b): a total order. */
static int cand_order(const cand *a, const cand *b)
{
    if (a->logp != b->logp)
        return a->logp < b->logp ? -1 : 1;
    if (a->e.behaviour != b->e.behaviour)
        return a->e.behaviour < b->e.behaviour ? -1 : 1;
    if (a->e.a != b->e.a)
        return a->e.a < b->e.a ? -1 : 1;
    return (a->e.b > b->e.b) - (a->e.b < b->e.b);
}

/* qsort comparators: over an array of candidates, and over an array of pointers to them. */
static int cmp_logp_val(const void *x, const void *y)
{
    return cand_order(x, y);
}

static int cmp_logp(const void *x, const void *y)
{
    return cand_order(*(cand *const *)x, *(cand *const *)y);
}

static int cmp_edge(const void *x, const void *y)
{
    const ch_edge *a = x, *b = y;
    if (a->behaviour != b->behaviour)
        return a->behaviour < b->behaviour ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

/* Candidates by pair (a, b), then behaviour. */
static int cmp_pair(const void *x, const void *y)
{
    const cand *a = *(cand *const *)x, *b = *(cand *const *)y;
    if (a->e.a != b->e.a)
        return a->e.a < b->e.a ? -1 : 1;
    if (a->e.b != b->e.b)
        return a->e.b < b->e.b ? -1 : 1;
    return (a->e.behaviour > b->e.behaviour) - (a->e.behaviour < b->e.behaviour);
}

/* Behaviours in which both accounts act: the L of the truncated product. */
static uint32_t shared_behaviours(const run *r, uint32_t a, uint32_t b)
{
    uint32_t L = 0;
    for (int h = 0; h < CH_B__COUNT; h++) {
        const bstate *bs = &r->b[h];
        if ((r->count_mask & (1u << h)) && bs->k && bs->k[a] && bs->k[b])
            L++;
    }
    return L;
}

/* The combined screen (coact.h). v[0, m) holds the candidates by ascending p, the first nout
 * screened in on their own. Candidates of v[nout, m) whose combined-screen p (logc) is <=
 * combine_p and whose pair's truncated product passes screen_p are flagged CH_EDGE_COMBINED,
 * take that p-value, and move, in their order, to v[nout, nout + *nadd). */
static int combine(run *r, cand **v, size_t m, size_t nout, size_t *nadd)
{
    *nadd = 0;
    const double lt = log(r->o.combine_p), ls = log(r->o.screen_p);
    size_t n = 0;
    for (size_t k = 0; k < m; k++)
        n += v[k]->logc <= lt;
    if (n < 2)
        return CHORUS_OK;
    cand **u = ch_malloc((n > m - nout ? n : m - nout) * sizeof *u);
    if (!u)
        return CHORUS_ENOMEM;
    n = 0;
    for (size_t k = 0; k < m; k++)
        if (v[k]->logc <= lt)
            u[n++] = v[k];
    ch_sort(u, n, sizeof *u, cmp_pair);
    for (size_t i = 0, j; i < n; i = j) {
        double lw = 0;
        bool weak = false;
        for (j = i; j < n && u[j]->e.a == u[i]->e.a && u[j]->e.b == u[i]->e.b; j++) {
            lw += u[j]->logc;
            weak |= !(u[j]->logp <= ls);
        }
        if (!weak || j - i < 2)
            continue;   /* nothing to add, or one behaviour: screened alone */
        const uint32_t L = shared_behaviours(r, u[i]->e.a, u[i]->e.b);
        if (!(ch_tpm_log_sf(lw, L > j - i ? L : (uint32_t)(j - i), r->o.combine_p) <= ls))
            continue;
        for (size_t k = i; k < j; k++) {
            if (!(u[k]->logp <= ls)) {
                u[k]->e.flags |= CH_EDGE_COMBINED;
                u[k]->e.pvalue = exp(u[k]->logc);
            }
        }
    }
    /* stable partition of v[nout, m): the flagged ones first (u reused as scratch) */
    size_t w = nout, n_rest = 0;
    for (size_t k = nout; k < m; k++) {
        if (v[k]->e.flags & CH_EDGE_COMBINED)
            v[w++] = v[k];
        else
            u[n_rest++] = v[k];
    }
    memcpy(&v[w], u, n_rest * sizeof *u);
    ch_free(u);
    *nadd = w - nout;
    return CHORUS_OK;
}

/* Benjamini–Hochberg at level alpha. The family is every pair of accounts active in a
 * behaviour, sum over behaviours of N(N-1)/2: a pair that never co-acted was tested too (its
 * p-value is 1). Counting only the pairs that reached min_objects would select on the outcome
 * (chance pairs with two coincidences enter, the thousands with one do not) and let through
 * pairs whose p-value is small only because so many pairs were looked at. The k smallest
 * p-values are accepted, k the largest rank with p_(k) <= alpha k / m. Compared in log space,
 * so p-values far below the double range still order correctly. The candidates kept hold every
 * p-value <= alpha (see keep_logp), so their ranks are the ranks among all pairs; when a task
 * trimmed candidates (max_edges), the flags are a lower bound.
 * The edges returned: the significant ones and those with p <= screen_p, at most max_edges in
 * ascending order of p (a prefix of the sorted candidates). */
static int significance(run *r, ch_coact_result *res)
{
    size_t m = 0;
    for (size_t i = 0; i < r->ntasks; i++) {
        m += r->tasks[i].out.n;
        res->edges_capped += r->tasks[i].trimmed;
    }
    double family = 0;
    for (int b = 0; b < CH_B__COUNT; b++) {
        const double n = r->b[b].nactive;
        family += n * (n - 1) / 2;
    }
    if (family < (double)m)
        family = (double)m;
    res->family = family;
    if (m == 0)
        return CHORUS_OK;
    cand **v = ch_malloc(m * sizeof *v);
    if (!v)
        return CHORUS_ENOMEM;
    size_t j = 0;
    for (size_t i = 0; i < r->ntasks; i++) {
        for (size_t k = 0; k < r->tasks[i].out.n; k++)
            v[j++] = &r->tasks[i].out.v[k];
    }
    ch_sort(v, m, sizeof *v, cmp_logp);
    const double la = log(r->o.alpha), lm = log(family);
    size_t kmax = 0;
    for (size_t k = m; k >= 1; k--) {
        if (v[k - 1]->logp <= la + log((double)k) - lm) {
            kmax = k;
            break;
        }
    }
    size_t nout = kmax;
    if (r->o.screen_p > 0) {
        const double ls = log(r->o.screen_p);
        while (nout < m && v[nout]->logp <= ls)
            nout++;
    }
    int rc = CHORUS_OK;
    /* the combined screen: the weaker candidates of pairs whose behaviours together pass move
     * up to follow the screened prefix, in the same order */
    size_t ncomb = 0;
    if (r->o.combine_p > 0 && nout < m && (rc = combine(r, v, m, nout, &ncomb)))
        goto out;
    nout += ncomb;
    if (nout > r->max_edges) {
        res->edges_capped += nout - r->max_edges;
        nout = r->max_edges;
    }
    if (kmax)
        res->p_cutoff = exp(v[kmax - 1]->logp);
    if (nout) {
        if (!(res->edges = ch_malloc(nout * sizeof *res->edges))) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        for (size_t k = 0; k < nout; k++) {
            res->edges[k] = v[k]->e;
            if (k < kmax)
                res->edges[k].flags |= CH_EDGE_SIGNIFICANT;
        }
        res->n_edges = nout;
        ch_sort(res->edges, nout, sizeof *res->edges, cmp_edge);
    }
out:
    ch_free(v);
    return rc;
}

/* ---- phase 7: evidence ------------------------------------------------------------------- */

typedef struct etab {
    uint64_t *key;      /* pair key, EMPTY when free */
    uint32_t *edge;     /* edge index */
    uint32_t *last;     /* last occasion (long look) with evidence */
    size_t mask;
} etab;

static int evidence_task(void *ctx, size_t bi, unsigned worker)
{
    run *r = ctx;
    const size_t e0 = r->ebeg[bi], e1 = r->ebeg[bi + 1];
    if (e0 == e1)
        return CHORUS_OK;
    const bstate *bs = &r->b[bi];
    const ch_evset *es = &bs->es;
    const int64_t W = bs->wlong;
    const uint32_t K = r->o.max_pairs_per_event;
    etab t = {0};
    size_t cap = 16;
    while (cap < 2 * (e1 - e0))
        cap *= 2;
    int rc = CHORUS_ENOMEM;
    if (!(t.key = ch_malloc(cap * sizeof *t.key)) || !(t.edge = ch_malloc(cap * sizeof *t.edge)) ||
        !(t.last = ch_calloc(cap, sizeof *t.last)))
        goto out;
    t.mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        t.key[i] = EMPTY;
    for (size_t e = e0; e < e1; e++) {
        uint64_t key = pair_key(r->edges[e].a, r->edges[e].b);
        size_t s = ch_mix64(key) & t.mask;
        while (t.key[s] != EMPTY)
            s = (s + 1) & t.mask;
        t.key[s] = key;
        t.edge[s] = (uint32_t)e;
    }
    /* The same sweep as pair_task, so evidence is drawn from the pairs that were counted, in
     * the window of the edge's look. */
    SWEEP(es, bs->crowd, 0, es->nobj, (uint64_t)W, K, {
        const uint64_t key = pair_key(ai, aj);
        size_t sl = ch_mix64(key) & t.mask;
        while (t.key[sl] != EMPTY && t.key[sl] != key)
            sl = (sl + 1) & t.mask;
        if (t.key[sl] == EMPTY)
            continue;
        const uint32_t e = t.edge[sl];
        if (tdiff(es->t[j], es->t[i]) > (uint64_t)r->edges[e].window)
            continue;
        /* every pair the edge's n_events counts: i is the earlier (the object's events are in
         * time order), j the later unless their times are equal */
        const bool i_is_a = ai < aj;
        ch_edge_lead *ld = &r->lead[e];
        if (es->t[i] == es->t[j])
            ld->same_time += ld->same_time < UINT32_MAX;
        else if (i_is_a)
            ld->a_first += ld->a_first < UINT32_MAX;
        else
            ld->b_first += ld->b_first < UINT32_MAX;
        /* one row per occasion (a burst of the object; ids start at 1 and differ between
         * objects), so a tag pushed in five bursts gives five rows */
        const uint32_t oc = bs->occ[1][i];
        if (t.last[sl] == oc)
            continue;
        t.last[sl] = oc;
        if (r->nev[e] >= r->evbeg[e + 1] - r->evbeg[e])
            continue;
        /* .object holds the sweep's object index until evidence() names the objects */
        r->ev[r->evbeg[e] + r->nev[e]++] = (ch_shared){
            e, i_is_a ? es->post[i] : es->post[j], i_is_a ? es->post[j] : es->post[i], o, oc};
    })
    rc = CHORUS_OK;
out:
    ch_free(t.key);
    ch_free(t.edge);
    ch_free(t.last);
    return rc;
}

/* Each object the evidence names becomes one ch_object, in order of first use by shared[],
 * then by evidence[]: .object turns from the sweep's object index into an index of
 * res->shared_obj. */
static int name_objects(run *r, ch_coact_result *res)
{
    int rc = CHORUS_ENOMEM;
    uint32_t *idx[CH_B__COUNT] = {0};   /* per behaviour and object: its ch_object, or CH_NONE */
    size_t cap = 0;
    const size_t n = res->n_shared + res->n_evidence;
    for (size_t i = 0; i < n; i++) {
        ch_shared *sh = i < res->n_shared ? &res->shared[i] : &res->evidence[i - res->n_shared];
        const uint8_t b = res->edges[sh->edge].behaviour;
        const ch_evset *es = &r->b[b].es;
        if (!idx[b]) {
            if (!(idx[b] = ch_malloc((es->nobj ? es->nobj : 1) * sizeof *idx[b])))
                goto out;
            for (uint32_t o = 0; o < es->nobj; o++)
                idx[b][o] = CH_NONE;
        }
        const uint32_t o = sh->object;
        if (idx[b][o] == CH_NONE) {
            if (res->n_shared_obj == cap &&
                ch_grow((void **)&res->shared_obj, &cap, res->n_shared_obj + 1,
                        sizeof *res->shared_obj))
                goto out;
            if ((rc = ch_coact_name_object(r->c, &r->o, (ch_behaviour)b, es->okey[o],
                                           sh->post_a, &res->text,
                                           &res->shared_obj[res->n_shared_obj])))
                goto out;
            rc = CHORUS_ENOMEM;
            idx[b][o] = (uint32_t)res->n_shared_obj++;
        }
        sh->object = idx[b][o];
    }
    rc = CHORUS_OK;
out:
    for (int b = 0; b < CH_B__COUNT; b++)
        ch_free(idx[b]);
    return rc;
}

/* Evidence rows an edge can fill: one per occasion (a burst of one object) at most; the
 * occasions of a short-look edge are at least as many as the long-look bursts its rows name. */
static uint32_t edge_slots(const ch_edge *e)
{
    return e->n_occasions > e->n_objects ? e->n_occasions : e->n_objects;
}

/* Rows of evidence when every edge keeps at most cap of its slots. */
static size_t evidence_rows(const ch_edge *e, size_t n, uint64_t cap)
{
    size_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += edge_slots(&e[i]) < cap ? edge_slots(&e[i]) : (size_t)cap;
    return rows;
}

/* The per-edge cap of the evidence (ch_coact_result): 0 when every edge's objects fit in
 * max rows, else the largest cap >= CH_SHARED_PER_EDGE whose rows fit (CH_SHARED_PER_EDGE
 * when none does: shared[] holds as much anyway). Bisection: O(edges log objects). */
static uint32_t evidence_cap(const ch_edge *e, size_t n, size_t max)
{
    uint32_t hi = 0;
    for (size_t i = 0; i < n; i++)
        hi = edge_slots(&e[i]) > hi ? edge_slots(&e[i]) : hi;
    if (evidence_rows(e, n, hi) <= max)
        return 0;
    uint32_t lo = CH_SHARED_PER_EDGE;   /* invariant: lo fits or is the floor; hi does not */
    if (hi <= lo)
        return lo;
    while (hi - lo > 1) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (evidence_rows(e, n, mid) <= max)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int evidence(run *r, ch_coact_result *res)
{
    if (res->n_edges == 0)
        return CHORUS_OK;
    r->edges = res->edges;
    r->nedges = res->n_edges;
    const size_t max = r->o.max_evidence ? r->o.max_evidence : CH_COACT_MAX_EVIDENCE;
    res->evidence_cap = evidence_cap(res->edges, res->n_edges, max);
    const uint64_t cap = res->evidence_cap ? res->evidence_cap : UINT64_MAX;
    if (!(r->evbeg = ch_malloc((res->n_edges + 1) * sizeof *r->evbeg)))
        return CHORUS_ENOMEM;
    size_t slots = 0;
    for (size_t i = 0; i < res->n_edges; i++) {
        r->evbeg[i] = slots;
        const uint32_t no = edge_slots(&res->edges[i]);
        slots += no < cap ? no : (size_t)cap;
        res->evidence_trimmed += no > cap;
    }
    r->evbeg[res->n_edges] = slots;
    if (!(r->ev = ch_malloc((slots ? slots : 1) * sizeof *r->ev)) ||
        !(r->nev = ch_calloc(res->n_edges, sizeof *r->nev)) ||
        !(r->lead = res->lead = ch_calloc(res->n_edges, sizeof *res->lead)))
        return CHORUS_ENOMEM;
    size_t e = 0;
    for (int b = 0; b <= CH_B__COUNT; b++) {
        while (e < res->n_edges && res->edges[e].behaviour < b)
            e++;
        r->ebeg[b] = b == CH_B__COUNT ? res->n_edges : e;
    }
    int rc = ch_parallel_for(r->threads, CH_B__COUNT, evidence_task, r);
    if (rc)
        return rc;
    /* shared[]: the first CH_SHARED_PER_EDGE rows of each edge; evidence[]: all of them,
     * closed up in place (an edge fills one slot per long-look burst it shared) */
    size_t n = 0;
    for (size_t i = 0; i < res->n_edges; i++)
        n += r->nev[i] < CH_SHARED_PER_EDGE ? r->nev[i] : CH_SHARED_PER_EDGE;
    if (!(res->shared = ch_malloc((n ? n : 1) * sizeof *res->shared)))
        return CHORUS_ENOMEM;
    size_t k = 0, m = 0;
    for (size_t i = 0; i < res->n_edges; i++) {
        for (uint32_t s = 0; s < r->nev[i]; s++) {
            if (s < CH_SHARED_PER_EDGE)
                res->shared[k++] = r->ev[r->evbeg[i] + s];
            r->ev[m++] = r->ev[r->evbeg[i] + s];
        }
    }
    res->n_shared = n;
    res->evidence = r->ev;   /* ownership moves to the result */
    res->n_evidence = m;
    r->ev = NULL;
    return name_objects(r, res);
}

/* ---- compatibility modes ----------------------------------------------------------------- */

/* The edges of a peer tool (coact_compat.c) in place of the test, then the evidence as for
 * the test's edges (the sweep finds every pair: no rank bound, no crowd objects), with the
 * co-similarity evidence merged in. */
static int compat(run *r, ch_coact_result *res)
{
    const ch_evset *es[CH_B__COUNT];
    int64_t win[CH_B__COUNT];
    for (int b = 0; b < CH_B__COUNT; b++) {
        es[b] = (r->mask & (1u << b)) ? &r->b[b].es : NULL;
        win[b] = r->b[b].window;
    }
    ch_compat_out co;
    int rc = ch_coact_compat_run(r->c, &r->o, r->mask, es, win, &co);
    if (rc)
        return rc;
    for (int b = 0; b < CH_B__COUNT; b++)
        res->pairs_generated[b] = co.pairs_generated[b];
    if (r->o.compat == CH_COMPAT_CNT && (r->mask & (1u << CH_B_NARRATIVE)))
        res->events[CH_B_NARRATIVE] = co.events_similarity;
    res->edges = co.edges;
    res->n_edges = co.n_edges;
    res->family = 0;
    for (size_t i = 0; i < res->n_edges; i++) {
        res->edges_by[res->edges[i].behaviour]++;
        res->candidates[res->edges[i].behaviour]++;
    }
    if ((rc = evidence(r, res)))
        goto out;
    if (co.n_sim) {
        /* one object per co-similarity row: the earlier post's text is the "object" */
        size_t n = res->n_shared + co.n_sim, cap = res->n_shared_obj;
        ch_shared *all = ch_malloc(n * sizeof *all);
        if (!all) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < co.n_sim; i++) {
            ch_shared *sh = &co.sim[i];
            if (res->n_shared_obj == cap &&
                ch_grow((void **)&res->shared_obj, &cap, res->n_shared_obj + 1,
                        sizeof *res->shared_obj)) {
                ch_free(all);
                rc = CHORUS_ENOMEM;
                goto out;
            }
            const ch_post *pa = ch_corpus_post(r->c, sh->post_a);
            char *t = ch_arena_alloc(&res->text, 24 + ch_pool_len(ch_corpus_pool(r->c), pa->id), 1);
            if (!t) {
                ch_free(all);
                rc = CHORUS_ENOMEM;
                goto out;
            }
            strcpy(t, "text similar to post ");
            strcat(t, ch_pool_str(ch_corpus_pool(r->c), pa->id));
            res->shared_obj[res->n_shared_obj] = (ch_object){
                .key = sh->post_a, .behaviour = CH_B_NARRATIVE, .type = CH_OBJ_NARRATIVE,
                .text = t};
            sh->object = (uint32_t)res->n_shared_obj++;
        }
        /* merge: both parts are sorted by edge, and hold different edges; the co-similarity
         * rows are complete evidence too (at most CH_SHARED_PER_EDGE per edge) */
        size_t i = 0, j = 0, k = 0;
        while (i < res->n_shared || j < co.n_sim)
            all[k++] = j == co.n_sim || (i < res->n_shared && res->shared[i].edge < co.sim[j].edge)
                           ? res->shared[i++]
                           : co.sim[j++];
        const size_t nev = res->n_evidence + co.n_sim;
        ch_shared *ev = ch_malloc(nev * sizeof *ev);
        if (!ev) {
            ch_free(all);
            rc = CHORUS_ENOMEM;
            goto out;
        }
        i = j = k = 0;
        while (i < res->n_evidence || j < co.n_sim)
            ev[k++] = j == co.n_sim ||
                              (i < res->n_evidence && res->evidence[i].edge < co.sim[j].edge)
                          ? res->evidence[i++]
                          : co.sim[j++];
        ch_free(res->shared);
        res->shared = all;
        res->n_shared = n;
        ch_free(res->evidence);
        res->evidence = ev;
        res->n_evidence = nev;
    }
out:
    ch_free(co.sim);
    return rc;
}

/* ---- public entry points ----------------------------------------------------------------- */

int ch_coact_run(const ch_corpus *c, const ch_coact_opts *o, ch_coact_result **out)
{
    if (!out)
        return CHORUS_EUSAGE;
    *out = NULL;
    run r;
    int rc = run_init(&r, c, o);
    ch_coact_result *res = NULL;
    if (rc)
        goto out;
    /* the ranks' exchanges first: a rank short of memory for its result leaves the others
     * waiting for nobody (theirs is empty, rank 0's is filled below) */
    if ((rc = run_front(&r, false)))
        goto out;
    if (!(res = ch_calloc(1, sizeof *res))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    if (r.idle)
        goto out;
    res->window = r.o.window > 0 ? r.o.window : pooled_window(&r);
    for (int b = 0; b < CH_B__COUNT; b++) {
        res->windows[b] = r.b[b].window;
        res->windows_long[b] = r.b[b].looks == 2 ? r.b[b].wlong : 0;
        res->events[b] = r.b[b].es.n;
        res->objects[b] = r.b[b].es.nobj;
        res->objects_capped[b] = r.b[b].capped;
        res->objects_crowd[b] = r.b[b].ncrowd;
    }
    res->spill_runs = r.spill_runs;
    res->spill_events = r.spill_events;
    if (r.o.compat) {
        rc = compat(&r, res);
        goto out;
    }
    for (size_t i = 0; i < r.ntasks; i++) {
        const ptask *t = &r.tasks[i];
        res->candidates[t->beh] += t->candidates;
        res->pairs_tested[t->beh] += t->tested;
        /* every partition sweeps every pair; count them once */
        if (t->part == 0)
            res->pairs_generated[t->beh] += t->generated;
    }
    for (int b = 0; b < CH_B__COUNT; b++) {
        if (r.b[b].fa)  /* the tables held only pairs that passed the prefilter */
            res->candidates[b] = (uint64_t)llround(r.b[b].distinct_est);
    }
    if ((rc = significance(&r, res)) || (rc = evidence(&r, res)))
        goto out;
    for (size_t i = 0; i < res->n_edges; i++) {
        const ch_edge *e = &res->edges[i];
        res->edges_by[e->behaviour]++;
        if (e->flags & CH_EDGE_SIGNIFICANT) {
            res->significant_by[e->behaviour]++;
            res->n_significant++;
        }
    }
out:
    run_free(&r);
    if (rc) {
        ch_coact_result_free(res);
        return rc;
    }
    *out = res;
    return CHORUS_OK;
}

static int cmp_cand_ab(const void *x, const void *y)
{
    const ch_edge *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

int ch_coact_pairs(const ch_corpus *c, const ch_coact_opts *o, ch_behaviour b, ch_edge **out,
                   size_t *n, int64_t *window_used)
{
    if (!out || !n || (unsigned)b >= CH_B__COUNT)
        return CHORUS_EUSAGE;
    *out = NULL;
    *n = 0;
    run r;
    int rc = run_init(&r, c, o);
    r.o.dist = NULL;   /* one process: only ch_coact_run spreads over ranks */
    if (rc)
        goto out;
    /* every behaviour is extracted, so that the windows are those of ch_coact_run */
    r.count_mask = 1u << b;
    r.keep_min = 1;
    r.keep_min_units = 1;
    r.keep_all = true;
    if ((rc = run_front(&r, false)))
        goto out;
    if (window_used)
        *window_used = r.b[b].window;
    size_t m = 0;
    for (size_t i = 0; i < r.ntasks; i++)
        m += r.tasks[i].out.n;
    ch_edge *e = ch_malloc((m ? m : 1) * sizeof *e);
    if (!e) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < r.ntasks; i++) {
        for (size_t j = 0; j < r.tasks[i].out.n; j++)
            e[k++] = r.tasks[i].out.v[j].e;
    }
    ch_sort(e, m, sizeof *e, cmp_cand_ab);
    *out = e;
    *n = m;
out:
    run_free(&r);
    return rc;
}

int ch_coact_estimate_window(const ch_corpus *c, const ch_coact_opts *o,
                             int64_t windows[CH_B__COUNT], int64_t *pooled)
{
    if (!o || !windows)
        return CHORUS_EUSAGE;
    run r;
    ch_coact_opts oo = *o;
    oo.window = 0;
    oo.dist = NULL;   /* one process: only ch_coact_run spreads over ranks */
    int rc = run_init(&r, c, &oo);
    if (!rc)
        rc = run_front(&r, true);
    if (!rc) {
        for (int b = 0; b < CH_B__COUNT; b++)
            windows[b] = r.b[b].window;
        if (pooled)
            *pooled = pooled_window(&r);
    }
    run_free(&r);
    return rc;
}
