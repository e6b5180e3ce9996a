/*
 * score.c — account features, the logistic combination and the reasons JSON (see score.h for
 * the definitions, docs/scoring.md for the reasoning, the fitted weights and the measurements).
 */
#include "detect/score/score.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/duration.h"
#include "core/sort.h"

/* Fitted weights, bias last, in ch_score_feature order. Obtained by tools/fit/fit.py (logistic
 * loss, hard negatives weighted 10, L2 0.5 on the weights, the support clamp of score.h in
 * the model) on the feature dumps of `bench_quality_coord --dump` (the stages as `chorus scan`
 * runs them, with its defaults) over chorus-synth seeds 1-4 (default sizes), Twitter v1.1 and
 * IO CSV, 29,999 accounts with 1,078 campaign members and 6,700 hard negatives; held-out seeds
 * 5-8: precision 1.000, recall 0.942, no hard negative flagged. docs/scoring.md has the
 * commands and the numbers (tools/fit/quality.sh BUILD WORK fit reproduces them). */
static const double fitted_weights[CH_SF__COUNT + 1] = {
    /* coord_partners  */ 3.158,
    /* coord_strength  */ 5.482,
    /* cluster         */ 9.644,
    /* institutional   */ -7.879,
    /* parrot_share    */ 14.322,
    /* dup_share       */ 0.192,
    /* echo_speed      */ 5.980,
    /* regularity      */ 2.236,
    /* burstiness      */ -0.585,
    /* round_seconds   */ 0.340,
    /* rate            */ -3.269,
    /* hours_window    */ 0.004,
    /* hours_entropy   */ 1.799,
    /* young           */ 3.919,
    /* follow_ratio    */ 0.068,
    /* default_image   */ 0.365,
    /* handle_digits   */ -0.256,
    /* empty_desc      */ 0.343,
    /* created_burst   */ 2.700,
    /* bias            */ -7.742,
};

static const char *const feature_names[CH_SF__COUNT] = {
    "coord_partners", "coord_strength", "cluster",       "institutional", "parrot_share",
    "dup_share",      "echo_speed",     "regularity",    "burstiness",    "round_seconds",
    "rate",           "hours_window",   "hours_entropy", "young",         "follow_ratio",
    "default_image",  "handle_digits",  "empty_desc",    "created_burst",
};

const char *ch_score_feature_name(ch_score_feature f)
{
    return (unsigned)f < CH_SF__COUNT ? feature_names[f] : "?";
}

/* The flag's log-odds, logit(CH_SCORE_FLAG), the calibration's intercept. */
static double flag_logit(void)
{
    return log(CH_SCORE_FLAG / (1 - CH_SCORE_FLAG));
}

double ch_score_calibrate(double z)
{
    if (isnan(z))
        return 0;
    const double t = flag_logit() + CH_SCORE_CAL_NEG * (z < 0 ? z : 0) +
                     CH_SCORE_CAL_POS * (z > 0 ? z : 0);
    const double p = 1 / (1 + exp(-t));
    /* the flag is "z >= 0"; rounding in logit and exp must not move an account across it */
    if (z >= 0)
        return p < CH_SCORE_FLAG ? CH_SCORE_FLAG : p;
    return p >= CH_SCORE_FLAG ? nextafter(CH_SCORE_FLAG, 0) : p;
}

const double *ch_score_default_weights(void)
{
    return fitted_weights;
}

void ch_score_opts_default(ch_score_opts *o)
{
    memset(o, 0, sizeof *o);
    o->weights = NULL;
    o->support_max = 0.4;
}

void ch_scores_free(ch_scores *s)
{
    if (!s)
        return;
    ch_free(s->score);
    ch_free(s->evidence);
    ch_free(s->cluster_score);
    ch_free(s->features);
    ch_free(s->present);
    ch_free(s->raw);
    ch_free(s);
}

int ch_scores_renumber_clusters(ch_scores *s, const uint32_t *new_id)
{
    if (!s || (!new_id && s->n_clusters))
        return CHORUS_EUSAGE;
    if (!s->n_clusters)
        return CHORUS_OK;
    for (size_t k = 0; k < s->n_clusters; k++)
        if (new_id[k] >= s->n_clusters)
            return CHORUS_EUSAGE;
    double *t = ch_malloc(s->n_clusters * sizeof *t);
    if (!t)
        return CHORUS_ENOMEM;
    for (size_t k = 0; k < s->n_clusters; k++)
        t[new_id[k]] = s->cluster_score[k];
    memcpy(s->cluster_score, t, s->n_clusters * sizeof *t);
    ch_free(t);
    for (size_t a = 0; a < s->n_accounts; a++)
        if (s->raw[a].cluster != CH_NONE && s->raw[a].cluster < s->n_clusters)
            s->raw[a].cluster = new_id[s->raw[a].cluster];
    return CHORUS_OK;
}

/* ---- helpers ------------------------------------------------------------------------------ */

#define DAY 86400
#define SHRINK 10.0   /* pseudo-count of the shrinkage towards "no signal" */
#define INTERVAL_BINS 48

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Half-octave bin of an interval: 0 for 0 s, then 1 + floor(2 log2 dt), capped. */
static int interval_bin(int64_t dt)
{
    if (dt <= 0)
        return 0;
    int b = 1 + (int)floor(2 * log2((double)dt));
    return b < 1 ? 1 : b >= INTERVAL_BINS ? INTERVAL_BINS - 1 : b;
}

static int64_t mod_floor(int64_t a, int64_t m)
{
    int64_t r = a % m;
    return r < 0 ? r + m : r;
}

/* Timing features of one account from its sorted times t[0..n). */
static void timing(const int64_t *t, size_t n, bool minute_res, double *x, uint32_t *present,
                   ch_score_raw *r)
{
    /* intervals */
    const size_t m = n ? n - 1 : 0;
    if (m >= 2) {
        unsigned hist[INTERVAL_BINS] = {0};
        double sum = 0, sum2 = 0;
        for (size_t i = 0; i < m; i++) {
            const int64_t dt = t[i + 1] - t[i];
            hist[interval_bin(dt)]++;
            sum += (double)dt;
            sum2 += (double)dt * (double)dt;
        }
        double h = 0;
        for (int b = 0; b < INTERVAL_BINS; b++)
            if (hist[b]) {
                const double p = (double)hist[b] / m;
                h -= p * log2(p);
            }
        /* the most bins m intervals can fill is min(m, bins) */
        const double hmax = log2((double)(m < 24 ? m : 24));
        r->interval_entropy = hmax > 0 ? clamp01(h / hmax) : 1;
        const double w = m / (m + SHRINK);
        x[CH_SF_REGULARITY] = w * (1 - r->interval_entropy);
        const double mu = sum / m;
        const double var = sum2 / m - mu * mu;
        const double sd = var > 0 ? sqrt(var) : 0;
        r->burstiness = sd + mu > 0 ? (sd - mu) / (sd + mu) : 0;
        x[CH_SF_BURSTINESS] = w * r->burstiness;
        *present |= 1u << CH_SF_REGULARITY | 1u << CH_SF_BURSTINESS;
    }
    if (n == 0)
        return;
    /* posts at :00 seconds: 1/60 expected by chance */
    size_t round = 0;
    unsigned hours[24] = {0};
    for (size_t i = 0; i < n; i++) {
        round += mod_floor(t[i], 60) == 0;
        hours[mod_floor(t[i], DAY) / 3600]++;
    }
    r->round_share = (double)round / n;
    if (!minute_res) {
        const double s = (round + SHRINK / 60) / (n + SHRINK);
        x[CH_SF_ROUND_SECONDS] = clamp01((s - 1.0 / 60) / (1 - 1.0 / 60));
        *present |= 1u << CH_SF_ROUND_SECONDS;
    }
    /* rate over the active span, at least a day */
    const double span = (double)(t[n - 1] - t[0]);
    r->rate = n / (span > DAY ? span / DAY : 1.0);
    x[CH_SF_RATE] = clamp01(log10(1 + r->rate) / 2);
    *present |= 1u << CH_SF_RATE;
    /* hour-of-day profile (UTC): busiest circular 9-hour window, and entropy */
    unsigned best = 0;
    for (int h0 = 0; h0 < 24; h0++) {
        unsigned s = 0;
        for (int k = 0; k < 9; k++)
            s += hours[(h0 + k) % 24];
        best = s > best ? s : best;
    }
    r->hours_window = (double)best / n;
    const double uni = 9.0 / 24;
    const double sw = (best + SHRINK * uni) / (n + SHRINK);
    x[CH_SF_HOURS_WINDOW] = clamp01((sw - uni) / (1 - uni));
    double he = 0;
    for (int h = 0; h < 24; h++)
        if (hours[h]) {
            const double p = (double)hours[h] / n;
            he -= p * log2(p);
        }
    x[CH_SF_HOURS_ENTROPY] = (1 - he / log2(24.0)) * n / (n + SHRINK);
    *present |= 1u << CH_SF_HOURS_WINDOW | 1u << CH_SF_HOURS_ENTROPY;
}

/* The IO archives replace the handles of small accounts by a base64 hash (44 characters
 * ending in '='): its digits say nothing about the account. Handles are at most 15
 * characters on the platform, so anything of 32 or more base64 characters is taken as one. */
static bool hashed_handle(const char *h, uint32_t len)
{
    if (len < 32)
        return false;
    for (uint32_t i = 0; i < len; i++) {
        const char ch = h[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '+' || ch == '/' || ch == '=' || ch == '-' || ch == '_'))
            return false;
    }
    return true;
}

/* Metadata features that need only the account. */
static void metadata(const ch_corpus *c, const ch_account *a, int64_t first_post, double *x,
                     uint32_t *present, ch_score_raw *r)
{
    const ch_account_meta *m = &a->meta;
    r->age_days = -1;
    r->followers = r->following = CH_UNKNOWN_I64;
    if (a->handle) {
        const ch_pool *pool = ch_corpus_pool(c);
        const char *h = ch_pool_str(pool, a->handle);
        const uint32_t len = ch_pool_len(pool, a->handle);
        if (!hashed_handle(h, len)) {
            for (uint32_t i = 0; i < len; i++)
                r->handle_digits += h[i] >= '0' && h[i] <= '9';
            x[CH_SF_HANDLE_DIGITS] = clamp01(r->handle_digits / 6.0);
            *present |= 1u << CH_SF_HANDLE_DIGITS;
        }
    }
    if (!m->present)
        return;
    if (m->created_at != CH_UNKNOWN_I64) {
        const double age = (double)(first_post - m->created_at) / DAY;
        r->age_days = age > 0 ? age : 0;
        x[CH_SF_YOUNG] = 1 - clamp01(log1p(r->age_days) / log1p(365));
        *present |= 1u << CH_SF_YOUNG;
    }
    if (m->followers != CH_UNKNOWN_I64 && m->following != CH_UNKNOWN_I64 && m->followers >= 0 &&
        m->following >= 0) {
        r->followers = m->followers;
        r->following = m->following;
        x[CH_SF_FOLLOW_RATIO] =
            clamp01(-log10(((double)m->followers + 1) / ((double)m->following + 1)) / 2);
        *present |= 1u << CH_SF_FOLLOW_RATIO;
    }
    if (m->default_profile_image >= 0) {
        x[CH_SF_DEFAULT_IMAGE] = m->default_profile_image == 1;
        *present |= 1u << CH_SF_DEFAULT_IMAGE;
    }
    /* the description is interned: 0 means empty or absent, both "no description" */
    x[CH_SF_EMPTY_DESC] = m->description == 0;
    *present |= 1u << CH_SF_EMPTY_DESC;
}

static double logit(double p)
{
    return log(p / (1 - p));
}

/* z from features and weights; *sum and *applied receive the non-coordination sum before and
 * after the clamp. */
static double combine(const ch_scores *s, const double *x, double *sum, double *applied)
{
    const double *w = s->weights;
    double z = w[CH_SF__COUNT];
    for (int f = 0; f < CH_SF_N_COORD; f++)
        z += w[f] * x[f];
    double sup = 0;
    for (int f = CH_SF_N_COORD; f < CH_SF__COUNT; f++)
        sup += w[f] * x[f];
    double app = sup > s->support_cap ? s->support_cap : sup;
    app = app < -CH_SCORE_SUPPORT_NEG ? -CH_SCORE_SUPPORT_NEG : app;
    if (sum)
        *sum = sup;
    if (applied)
        *applied = app;
    return z + app;
}

/* ---- the run ------------------------------------------------------------------------------ */

int ch_score_run(const ch_corpus *c, const ch_network *net, const ch_score_inputs *in,
                 const ch_score_opts *o, ch_scores **out)
{
    ch_score_opts defaults;
    ch_score_inputs none;
    ch_scores *s = NULL;
    uint32_t *off = NULL, *order = NULL, *ptop = NULL, *otop = NULL;
    uint8_t *ltop = NULL;
    int64_t *tbuf = NULL, *cbuf = NULL;
    double *lbuf = NULL;
    int rc = CHORUS_EUSAGE;

    if (!c || !out)
        return CHORUS_EUSAGE;
    *out = NULL;
    if (!o) {
        ch_score_opts_default(&defaults);
        o = &defaults;
    }
    if (!in) {
        memset(&none, 0, sizeof none);
        in = &none;
    }
    if (!(o->support_max > 0 && o->support_max < 1))
        return CHORUS_EUSAGE;
    const double *w = o->weights ? o->weights : fitted_weights;
    for (int f = 0; f <= CH_SF__COUNT; f++)
        if (!isfinite(w[f]))
            return CHORUS_EUSAGE;
    const size_t na = ch_corpus_naccounts(c), np = ch_corpus_nposts(c);
    if (net && net->n_accounts != na)
        return CHORUS_EUSAGE;
    if (na >= UINT32_MAX || np >= UINT32_MAX)
        return CHORUS_ELIMIT;

    rc = CHORUS_ENOMEM;
    const size_t na1 = na ? na : 1;
    if (!(s = ch_calloc(1, sizeof *s)) || !(s->score = ch_calloc(na1, sizeof *s->score)) ||
        !(s->evidence = ch_calloc(na1, sizeof *s->evidence)) ||
        !(s->features = ch_calloc(na1, sizeof *s->features)) ||
        !(s->present = ch_calloc(na1, sizeof *s->present)) ||
        !(s->raw = ch_calloc(na1, sizeof *s->raw)))
        goto out;
    s->n_accounts = na;
    memcpy(s->weights, w, sizeof s->weights);
    /* the cap keeps score(no coordination) <= support_max; never below 0 (a bias above the
     * cap's logit would make any clamp meaningless, so it clamps at 0 then) */
    s->support_cap = logit(o->support_max) - w[CH_SF__COUNT];
    if (s->support_cap < 0)
        s->support_cap = 0;
    for (int b = 0; b < CH_B__COUNT; b++)
        s->windows[b] = net ? net->windows[b] : 0;

    /* posts grouped by account (counting sort), and the corpus' time resolution */
    if (!(off = ch_calloc(na + 1, sizeof *off)) || !(order = ch_malloc((np ? np : 1) * sizeof *order)))
        goto out;
    size_t round = 0;
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        off[p->account + 1]++;
        round += mod_floor(p->created_at, 60) == 0;
    }
    /* IO archives give minutes only: then every post is "at :00" and the feature says nothing */
    s->minute_resolution = np >= 20 && round >= 0.9 * np;
    for (size_t a = 0; a < na; a++)
        off[a + 1] += off[a];
    {
        uint32_t *cur = ch_malloc(na1 * sizeof *cur);
        if (!cur)
            goto out;
        memcpy(cur, off, na * sizeof *cur);
        for (size_t i = 0; i < np; i++)
            order[cur[ch_corpus_post(c, i)->account]++] = (uint32_t)i;
        ch_free(cur);
    }
    size_t maxn = 0;
    for (size_t a = 0; a < na; a++)
        maxn = off[a + 1] - off[a] > maxn ? off[a + 1] - off[a] : maxn;
    if (!(tbuf = ch_malloc((maxn ? maxn : 1) * sizeof *tbuf)) ||
        !(lbuf = ch_malloc((maxn ? maxn : 1) * sizeof *lbuf)))
        goto out;

    /* coordination statistics from the network */
    if (net) {
        /* per account and behaviour: partners, and most objects shared with one partner */
        if (!(ptop = ch_calloc(na1 * CH_B__COUNT, sizeof *ptop)) ||
            !(otop = ch_calloc(na1 * CH_B__COUNT, sizeof *otop)) ||
            !(ltop = ch_calloc(na1 * CH_B__COUNT, sizeof *ltop)))
            goto out;
        for (size_t i = 0; i < net->n_edges; i++) {
            const ch_network_edge *e = &net->edges[i];
            if (e->a >= na || e->b >= na) {
                rc = CHORUS_EUSAGE;
                goto out;
            }
            const uint32_t ab[2] = {e->a, e->b};
            for (int k = 0; k < 2; k++) {
                ch_score_raw *r = &s->raw[ab[k]];
                r->partners++;
                r->strength += e->weight;
                for (int b = 0; b < CH_B__COUNT; b++) {
                    if (!(e->behaviours & (1u << b)))
                        continue;
                    const size_t j = (size_t)ab[k] * CH_B__COUNT + b;
                    ptop[j]++;
                    otop[j] = e->n_objects[b] > otop[j] ? e->n_objects[b] : otop[j];
                    if (e->long_looks & (1u << b))
                        ltop[j] = 1;
                }
            }
        }
        for (size_t a = 0; a < na; a++) {
            ch_score_raw *r = &s->raw[a];
            r->top_behaviour = CH_B__COUNT;
            for (int b = 0; b < CH_B__COUNT; b++) {
                const size_t j = a * CH_B__COUNT + b;
                if (ptop[j] > r->top_partners ||
                    (ptop[j] && ptop[j] == r->top_partners && otop[j] > r->top_objects)) {
                    r->top_behaviour = (uint8_t)b;
                    r->top_partners = ptop[j];
                    r->top_objects = otop[j];
                    r->top_window = ltop[j] && net->windows_long[b] ? net->windows_long[b]
                                                                     : net->windows[b];
                }
            }
        }
    } else {
        for (size_t a = 0; a < na; a++)
            s->raw[a].top_behaviour = CH_B__COUNT;
    }

    /* per account */
    for (size_t a = 0; a < na; a++) {
        const ch_account *acc = ch_corpus_account(c, a);
        ch_score_raw *r = &s->raw[a];
        double *x = s->features[a];
        uint32_t *pr = &s->present[a];
        const uint32_t n = off[a + 1] - off[a];
        r->n_posts = n;
        r->cluster = CH_NONE;
        size_t nl = 0;
        for (uint32_t k = 0; k < n; k++) {
            const uint32_t pi = order[off[a] + k];
            const ch_post *p = ch_corpus_post(c, pi);
            tbuf[k] = p->created_at;
            if (in->statement_of_post && in->statement_of_post[pi] != CH_NONE) {
                const uint32_t st = in->statement_of_post[pi];
                r->n_parrot++;
                if (in->statement_published && st < in->n_statements &&
                    in->statement_published[st] != CH_UNKNOWN_I64 &&
                    p->created_at >= in->statement_published[st])
                    lbuf[nl++] = (double)(p->created_at - in->statement_published[st]);
            }
            if (in->narrative_of_post && in->narrative_of_post[pi] != CH_NONE)
                r->n_dup++;
        }
        ch_sort(tbuf, n, sizeof *tbuf, ch_cmp_i64);
        timing(tbuf, n, s->minute_resolution, x, pr, r);
        metadata(c, acc, n ? tbuf[0] : 0, x, pr, r);
        if (in->statement_of_post && n) {
            x[CH_SF_PARROT_SHARE] = (double)r->n_parrot / n;
            *pr |= 1u << CH_SF_PARROT_SHARE;
        }
        if (in->narrative_of_post && n) {
            x[CH_SF_DUP_SHARE] = (double)r->n_dup / n;
            *pr |= 1u << CH_SF_DUP_SHARE;
        }
        if (in->statement_of_post && in->statement_published) {
            r->n_echo = (uint32_t)nl;
            if (nl) {
                ch_sort(lbuf, nl, sizeof *lbuf, cmp_dbl);
                r->echo_median = nl % 2 ? lbuf[nl / 2] : (lbuf[nl / 2 - 1] + lbuf[nl / 2]) / 2;
                x[CH_SF_ECHO_SPEED] = exp2(-r->echo_median / 1800) * nl / (nl + 2.0);
            }
            *pr |= 1u << CH_SF_ECHO_SPEED;
        }
        if (net) {
            x[CH_SF_COORD_PARTNERS] = clamp01(log2(1 + (double)r->partners) / 5);
            x[CH_SF_COORD_STRENGTH] = clamp01(log10(1 + r->strength) / 3);
            const uint32_t cl = net->cluster_of_account[a];
            if (cl != CH_NONE && cl < net->n_clusters) {
                r->cluster = cl;
                r->cluster_size = net->clusters[cl].n_members;
                x[CH_SF_CLUSTER] = net->clusters[cl].strength;
            }
            if (net->institutional)
                r->institutional = net->institutional[a];
            if (r->partners && r->institutional)
                x[CH_SF_INSTITUTIONAL] = 1;
            *pr |= 1u << CH_SF_COORD_PARTNERS | 1u << CH_SF_COORD_STRENGTH | 1u << CH_SF_CLUSTER |
                   1u << CH_SF_INSTITUTIONAL;
        }
    }

    /* created_burst: per cluster, members created within a day of each other */
    if (net) {
        size_t maxk = 0;
        for (size_t i = 0; i < net->n_clusters; i++)
            maxk = net->clusters[i].n_members > maxk ? net->clusters[i].n_members : maxk;
        if (!(cbuf = ch_malloc((maxk ? maxk : 1) * sizeof *cbuf)))
            goto out;
        for (size_t i = 0; i < net->n_clusters; i++) {
            const ch_cluster *cl = &net->clusters[i];
            size_t k = 0;
            for (uint32_t j = 0; j < cl->n_members; j++) {
                const ch_account_meta *m = &ch_corpus_account(c, cl->members[j])->meta;
                if (m->present && m->created_at != CH_UNKNOWN_I64)
                    cbuf[k++] = m->created_at;
            }
            if (k < 2)
                continue;
            ch_sort(cbuf, k, sizeof *cbuf, ch_cmp_i64);
            for (uint32_t j = 0; j < cl->n_members; j++) {
                const uint32_t a = cl->members[j];
                const ch_account_meta *m = &ch_corpus_account(c, a)->meta;
                if (!m->present || m->created_at == CH_UNKNOWN_I64)
                    continue;
                /* members in [t - DAY, t + DAY), found by binary search, minus itself */
                size_t lo = 0, hi = k;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (cbuf[mid] <= m->created_at - DAY)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                size_t lo2 = lo, hi2 = k;
                while (lo2 < hi2) {
                    size_t mid = (lo2 + hi2) / 2;
                    if (cbuf[mid] < m->created_at + DAY)
                        lo2 = mid + 1;
                    else
                        hi2 = mid;
                }
                s->raw[a].created_burst = (uint32_t)(lo2 - lo - 1);
                s->features[a][CH_SF_CREATED_BURST] = (double)(lo2 - lo - 1) / (k - 1);
                s->present[a] |= 1u << CH_SF_CREATED_BURST;
            }
        }
    }

    for (size_t a = 0; a < na; a++) {
        s->evidence[a] = combine(s, s->features[a], NULL, NULL);
        s->score[a] = ch_score_calibrate(s->evidence[a]);
    }
    /* a cluster's score: the mean of its members' (the expected share of campaign members) */
    if (net && net->n_clusters) {
        if (!(s->cluster_score = ch_calloc(net->n_clusters, sizeof *s->cluster_score)))
            goto out;
        s->n_clusters = net->n_clusters;
        for (size_t k = 0; k < net->n_clusters; k++) {
            const ch_cluster *cl = &net->clusters[k];
            double sum = 0;
            for (uint32_t j = 0; j < cl->n_members; j++)
                sum += s->score[cl->members[j]];
            s->cluster_score[k] = cl->n_members ? sum / cl->n_members : 0;
        }
    }
    rc = CHORUS_OK;
out:
    ch_free(off);
    ch_free(order);
    ch_free(ptop);
    ch_free(otop);
    ch_free(ltop);
    ch_free(tbuf);
    ch_free(lbuf);
    ch_free(cbuf);
    if (rc) {
        ch_scores_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

/* ---- reasons ------------------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t cap, len;   /* len counts everything written, even past cap (snprintf style) */
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const size_t room = b->len < b->cap ? b->cap - b->len : 0;
    const int n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n;
}

/* A JSON number: finite, short, never "nan"/"inf" (JSON has neither). */
static void put_num(sbuf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    if (fabs(v) < 5e-5)
        v = 0;
    put(b, "%.4g", v);
}

/* Durations in words, as everywhere a person reads one (core/duration.h). */
static const char *duration(double secs, char *buf, size_t cap)
{
    return ch_duration_words(secs, buf, cap);
}

/* The sentence for feature f of account i (only called for positive contributions). */
static void reason_text(const ch_scores *s, size_t i, int f, sbuf *b)
{
    static const char *const verb[CH_B__COUNT] = {
        /* followed by "N objects" or "with N accounts" */
        [CH_B_REPOST] = "co-reposted",    [CH_B_REPLY] = "co-replied to",
        [CH_B_QUOTE] = "co-quoted",       [CH_B_LINK] = "co-shared",
        [CH_B_HASHTAG] = "co-used",       [CH_B_NARRATIVE] = "co-posted",
        [CH_B_STATEMENT] = "co-parroted", [CH_B_MENTION] = "co-mentioned",
        [CH_B_LIKE] = "co-liked",         [CH_B_THREAD] = "co-commented in",
    };
    const ch_score_raw *r = &s->raw[i];
    char d[32];
    switch (f) {
    case CH_SF_COORD_PARTNERS:
    case CH_SF_COORD_STRENGTH:
        if (r->top_behaviour < CH_B__COUNT && r->top_partners == 1)
            put(b, "%s %u %s with 1 account within %s", verb[r->top_behaviour],
                r->top_objects, ch_network_object_noun((ch_behaviour)r->top_behaviour),
                duration((double)r->top_window, d, sizeof d));
        else if (r->top_behaviour < CH_B__COUNT)
            put(b, "%s with %u accounts within %s (up to %u %s with one of them)",
                verb[r->top_behaviour], r->top_partners,
                duration((double)r->top_window, d, sizeof d),
                r->top_objects, ch_network_object_noun((ch_behaviour)r->top_behaviour));
        if (r->top_partners != r->partners)
            put(b, "%s%u co-action partners in all behaviours",
                r->top_behaviour < CH_B__COUNT ? "; " : "", r->partners);
        break;
    case CH_SF_INSTITUTIONAL:
        put(b, r->institutional == CH_INST_ASSOCIATE
                   ? "acts most strongly with an institutional account"
                   : "institutional account (verified or widely followed)");
        break;
    case CH_SF_CLUSTER:
        if (s->cluster_score && r->cluster < s->n_clusters)
            put(b, "member of cluster %u (%u accounts, cluster score %.2f)", r->cluster,
                r->cluster_size, s->cluster_score[r->cluster]);
        else
            put(b, "member of cluster %u (%u accounts, strength %.2f)", r->cluster,
                r->cluster_size, s->features[i][CH_SF_CLUSTER]);
        break;
    case CH_SF_PARROT_SHARE:
        put(b, "%u of %u posts repeat an official statement", r->n_parrot, r->n_posts);
        break;
    case CH_SF_DUP_SHARE:
        put(b, "%u of %u posts are near-duplicates of other posts", r->n_dup, r->n_posts);
        break;
    case CH_SF_ECHO_SPEED:
        put(b, "repeats statements a median %s after publication",
            duration(r->echo_median, d, sizeof d));
        break;
    case CH_SF_REGULARITY:
        put(b, "posts at regular intervals (interval entropy %.2f)", r->interval_entropy);
        break;
    case CH_SF_BURSTINESS:
        put(b, "posting burstiness %.2f", r->burstiness);
        break;
    case CH_SF_ROUND_SECONDS:
        put(b, "%.0f%% of posts at :00 seconds", 100 * r->round_share);
        break;
    case CH_SF_RATE:
        put(b, "posts %.1f times a day", r->rate);
        break;
    case CH_SF_HOURS_WINDOW:
    case CH_SF_HOURS_ENTROPY:
        put(b, "%.0f%% of posts within one 9-hour window of the day", 100 * r->hours_window);
        break;
    case CH_SF_YOUNG:
        put(b, "account created %s before its first post", duration(r->age_days * DAY, d, sizeof d));
        break;
    case CH_SF_FOLLOW_RATIO:
        put(b, "follows %lld accounts, followed by %lld", (long long)r->following,
            (long long)r->followers);
        break;
    case CH_SF_DEFAULT_IMAGE:
        put(b, "default profile image");
        break;
    case CH_SF_HANDLE_DIGITS:
        put(b, "%u digits in the handle", r->handle_digits);
        break;
    case CH_SF_EMPTY_DESC:
        put(b, "empty profile description");
        break;
    case CH_SF_CREATED_BURST:
        put(b, "created within a day of %u other cluster member%s", r->created_burst,
            r->created_burst == 1 ? "" : "s");
        break;
    }
}

#define MAX_REASONS 5
#define MIN_REASON 0.25   /* contributions below this are not worth a sentence */

size_t ch_score_reasons(const ch_scores *s, size_t i, char *buf, size_t cap)
{
    sbuf b = {buf, cap, 0};
    if (cap)
        buf[0] = '\0';
    if (!s || i >= s->n_accounts) {
        put(&b, "{}");
        return b.len;
    }
    const double *x = s->features[i];
    const double *w = s->weights;
    double sum, applied;
    combine(s, x, &sum, &applied);
    put(&b, "{\"score\":");
    put_num(&b, s->score[i]);
    put(&b, ",\"evidence\":");
    put_num(&b, s->evidence[i]);
    if (s->raw[i].cluster == CH_NONE)
        put(&b, ",\"cluster\":null");
    else
        put(&b, ",\"cluster\":%u", s->raw[i].cluster);
    put(&b, ",\"features\":{");
    for (int f = 0; f < CH_SF__COUNT; f++) {
        put(&b, "%s\"%s\":{\"value\":", f ? "," : "", feature_names[f]);
        if (s->present[i] & (1u << f)) {
            put_num(&b, x[f]);
            put(&b, ",\"contribution\":");
            put_num(&b, w[f] * x[f]);
        } else {
            put(&b, "null,\"contribution\":0");
        }
        put(&b, "}");
    }
    put(&b, "},\"support\":{\"sum\":");
    put_num(&b, sum);
    put(&b, ",\"applied\":");
    put_num(&b, applied);
    put(&b, "},\"top_reasons\":[");
    /* features by descending contribution; the two coordination measures share one sentence,
     * as do the two hour-of-day measures */
    int idx[CH_SF__COUNT], k = 0;
    for (int f = 0; f < CH_SF__COUNT; f++)
        if ((s->present[i] & (1u << f)) && w[f] * x[f] >= MIN_REASON)
            idx[k++] = f;
    for (int a = 1; a < k; a++)
        for (int j = a; j > 0 && w[idx[j]] * x[idx[j]] > w[idx[j - 1]] * x[idx[j - 1]]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    int shown = 0;
    bool coord_done = false, hours_done = false;
    for (int a = 0; a < k && shown < MAX_REASONS; a++) {
        const int f = idx[a];
        if (f == CH_SF_COORD_PARTNERS || f == CH_SF_COORD_STRENGTH) {
            if (coord_done)
                continue;
            coord_done = true;
        }
        if (f == CH_SF_HOURS_WINDOW || f == CH_SF_HOURS_ENTROPY) {
            if (hours_done)
                continue;
            hours_done = true;
        }
        put(&b, "%s\"", shown ? "," : "");
        reason_text(s, i, f, &b);
        put(&b, "\"");
        shown++;
    }
    put(&b, "]}");
    return b.len;
}
