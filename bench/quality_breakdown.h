/*
 * quality_breakdown.h — the detailed quality figures of bench/quality_coord.c, computed from
 * plain per-account arrays (labels, campaigns, clusters, scores) so they do not depend on how
 * the detection ran:
 *
 *   by kind, by size class  precision, recall and F1 of "clustered" and of "flagged" (score >=
 *                  the flag threshold) per campaign kind (truth "kind") and per size class of
 *                  the campaign (3-5, 6-12, 13-60, 61+ accounts, truth "size"). A true
 *                  positive or false negative belongs to its campaign's kind and class; a false
 *                  positive belongs to the kind and class of the campaign with the most members
 *                  in its cluster when that campaign makes up at least half of the cluster (the
 *                  cluster is a detection of that campaign, "attributed"); otherwise (a cluster
 *                  of mostly non-campaign accounts, or flagged without a cluster) it belongs to
 *                  no kind ("unattributed"). Also
 *                  per group: campaigns, campaigns with at least one / at least half of their
 *                  accounts clustered;
 *   hard negatives per label  clustered and flagged counts and the highest score, with "ok"
 *                  when none is clustered or flagged;
 *   merges         clusters holding accounts of two or more campaigns, the campaign pairs they
 *                  join (any member of each), and the twin pairs (campaigns run alongside each
 *                  other on one theme without shared objects) that ended up in one cluster;
 *   score ranking  scores of the flagged accounts (how many >= 0.995 and >= 0.99, quantiles,
 *                  distinct values at three decimals), the AUC of the account score for
 *                  campaign accounts against all others (ties count one half), R-precision (the
 *                  share of campaign accounts among the R best-scored, R = campaign accounts;
 *                  ties at the cut shared in proportion), and per cluster its score against its
 *                  members' scores (mean, min, max; correlation over clusters).
 *
 * Cost: O(A log A) for A accounts (sorting scores) plus O(C^2 / 8) bytes for C campaigns.
 * Everything here is the benchmark's own; the library never sees it.
 */
#ifndef CHORUS_QUALITY_BREAKDOWN_H
#define CHORUS_QUALITY_BREAKDOWN_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QB_NONE UINT32_MAX
#define QB_MAX_KINDS 16
#define QB_N_SIZES 4 /* 3-5, 6-12, 13-60, 61+ */

static const char *const qb_size_names[QB_N_SIZES] = {"3-5", "6-12", "13-60", "61+"};

static inline int qb_size_class(int size)
{
    return size <= 5 ? 0 : size <= 12 ? 1 : size <= 60 ? 2 : 3;
}

typedef struct qb_input {
    size_t n_accounts;
    const int *label;          /* per account: index into label_names */
    const int *campaign;       /* per account: campaign id or -1 */
    const uint32_t *cluster;   /* per account: cluster id or QB_NONE */
    const double *score;       /* per account, 0..1 */
    double flag;               /* flag threshold */
    size_t n_clusters;
    const double *cluster_score;
    int n_camp;                /* campaign ids are 0..n_camp-1 */
    const int *camp_kind;      /* per campaign: index into kind_names, -1 unknown */
    const int *camp_size;      /* per campaign: planned size (truth) */
    const int *camp_twin;      /* per campaign: twin campaign or -1 */
    const char *const *kind_names;
    int n_kinds;
    const char *const *label_names;
    const bool *label_hard;    /* per label: a hard negative */
    int n_labels;
    int label_campaign;        /* the label of campaign accounts */
} qb_input;

typedef struct qb_prf {
    size_t tp, fp, fn;
} qb_prf;

typedef struct qb_group {
    qb_prf cl, fl;
    int campaigns, detected, half;
    size_t accounts;
} qb_group;

typedef struct qb_result {
    qb_group kind[QB_MAX_KINDS + 1];   /* last: unattributed false positives */
    qb_group size[QB_N_SIZES + 1];     /* last: unattributed */
    size_t hn_cl[64], hn_fl[64];       /* per label */
    double hn_max[64];
    size_t hn_n[64];
    size_t merged_clusters, merged_pairs, twin_pairs, twins_merged, twins_both_found;
    int *pair_a, *pair_b;              /* the merged campaign pairs (n = merged_pairs) */
    /* score ranking */
    size_t n_flagged, n_995, n_99, n_distinct;
    double q[5];                       /* flagged scores at 10, 25, 50, 75, 90 % */
    double auc, r_precision;
    size_t n_pos;
    double *cl_mean, *cl_min, *cl_max, *cl_share; /* per cluster */
    double corr_cluster_member;        /* Pearson over clusters: cluster score vs mean member score */
    size_t clusters_all_995;           /* clusters whose every member scores >= 0.995 */
} qb_result;

static inline double qb_ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

static inline void qb_add(qb_prf *p, bool pred, bool pos)
{
    if (pred && pos)
        p->tp++;
    else if (pred)
        p->fp++;
    else if (pos)
        p->fn++;
}

static inline int qb_cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static inline int qb_cmp_double_desc(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

static inline double qb_quantile(const double *asc, size_t n, double q)
{
    if (!n)
        return 0;
    const double pos = q * (double)(n - 1);
    const size_t i = (size_t)pos;
    const double f = pos - (double)i;
    return i + 1 < n ? asc[i] * (1 - f) + asc[i + 1] * f : asc[n - 1];
}

static inline double qb_pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++)
        mx += x[i], my += y[i];
    if (n < 3)
        return NAN;
    mx /= (double)n, my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

typedef struct qb_scored {
    double s;
    int pos;
} qb_scored;

static inline int qb_cmp_scored_desc(const void *a, const void *b)
{
    const qb_scored *x = a, *y = b;
    return x->s > y->s ? -1 : x->s < y->s;
}

/* Computes everything; returns 0, or -1 when out of memory. Free with qb_free. */
static inline int qb_compute(const qb_input *in, qb_result *r)
{
    memset(r, 0, sizeof *r);
    const size_t na = in->n_accounts, nc = in->n_clusters;
    const int ncamp = in->n_camp > 0 ? in->n_camp : 0;
    int *camp_n = calloc((size_t)ncamp + 1, sizeof *camp_n);
    int *camp_cl = calloc((size_t)ncamp + 1, sizeof *camp_cl);
    int *major = malloc((nc + 1) * sizeof *major);  /* per cluster: campaign with most members */
    int *major_n = calloc(nc + 1, sizeof *major_n);
    size_t *cl_n = calloc(nc + 1, sizeof *cl_n), *cl_camp = calloc(nc + 1, sizeof *cl_camp);
    size_t *cl_size = calloc(nc + 1, sizeof *cl_size);
    uint8_t *pairs = calloc((size_t)ncamp * (size_t)ncamp / 8 + 1, 1);
    size_t *cnt_pair = NULL; /* (cluster, campaign) counts, sorted */
    qb_scored *sc = malloc((na + 1) * sizeof *sc);
    double *flagged = malloc((na + 1) * sizeof *flagged);
    r->cl_mean = calloc(nc + 1, sizeof(double));
    r->cl_min = malloc((nc + 1) * sizeof(double));
    r->cl_max = calloc(nc + 1, sizeof(double));
    r->cl_share = calloc(nc + 1, sizeof(double));
    r->pair_a = malloc(((size_t)ncamp * (size_t)ncamp / 2 + 1) * sizeof(int));
    r->pair_b = malloc(((size_t)ncamp * (size_t)ncamp / 2 + 1) * sizeof(int));
    int rc = -1;
    if (!camp_n || !camp_cl || !major || !major_n || !cl_n || !cl_camp || !cl_size || !pairs || !sc || !flagged ||
        !r->cl_mean || !r->cl_min || !r->cl_max || !r->cl_share || !r->pair_a || !r->pair_b)
        goto out;
    for (size_t k = 0; k < nc; k++)
        r->cl_min[k] = 1.0;

    /* per cluster: the campaign with most members (ties: the smallest id) */
    {
        size_t m = 0;
        for (size_t a = 0; a < na; a++)
            m += in->cluster[a] != QB_NONE && in->campaign[a] >= 0 && in->campaign[a] < ncamp;
        cnt_pair = malloc((m + 1) * sizeof *cnt_pair);
        if (!cnt_pair)
            goto out;
        m = 0;
        for (size_t a = 0; a < na; a++)
            if (in->cluster[a] != QB_NONE && in->campaign[a] >= 0 && in->campaign[a] < ncamp)
                cnt_pair[m++] = (size_t)in->cluster[a] * (size_t)(ncamp + 1) + (size_t)in->campaign[a];
        qsort(cnt_pair, m, sizeof *cnt_pair, qb_cmp_size);
        for (size_t k = 0; k < nc; k++)
            major[k] = -1;
        for (size_t i = 0; i < m;) {
            size_t j = i;
            while (j < m && cnt_pair[j] == cnt_pair[i])
                j++;
            const size_t k = cnt_pair[i] / (size_t)(ncamp + 1);
            const int cp = (int)(cnt_pair[i] % (size_t)(ncamp + 1));
            if ((int)(j - i) > major_n[k]) {
                major_n[k] = (int)(j - i);
                major[k] = cp;
            }
            cl_camp[k]++;
            /* every campaign pair in this cluster */
            for (size_t x = i; x > 0;) {
                /* walk back over the earlier campaigns of the same cluster */
                x--;
                if (cnt_pair[x] / (size_t)(ncamp + 1) != k)
                    break;
                const int o = (int)(cnt_pair[x] % (size_t)(ncamp + 1));
                if (o == cp)
                    continue;
                const int lo = o < cp ? o : cp, hi = o < cp ? cp : o;
                const size_t bit = (size_t)lo * (size_t)ncamp + (size_t)hi;
                if (!(pairs[bit / 8] >> (bit % 8) & 1)) {
                    pairs[bit / 8] |= (uint8_t)(1u << (bit % 8));
                    r->pair_a[r->merged_pairs] = lo;
                    r->pair_b[r->merged_pairs] = hi;
                    r->merged_pairs++;
                }
            }
            i = j;
        }
        for (size_t k = 0; k < nc; k++)
            r->merged_clusters += cl_camp[k] >= 2;
    }
    for (int cp = 0; cp < ncamp; cp++) {
        const int t = in->camp_twin ? in->camp_twin[cp] : -1;
        if (t > cp && t < ncamp) {
            r->twin_pairs++;
            const size_t bit = (size_t)cp * (size_t)ncamp + (size_t)t;
            r->twins_merged += pairs[bit / 8] >> (bit % 8) & 1;
        }
    }

    for (size_t a = 0; a < na; a++)
        if (in->cluster[a] != QB_NONE && in->cluster[a] < nc)
            cl_size[in->cluster[a]]++;
    /* accounts: groups by kind and size class, hard negatives, cluster members' scores */
    const int none_kind = QB_MAX_KINDS, none_size = QB_N_SIZES;
    for (size_t a = 0; a < na; a++) {
        const int cp = in->campaign[a];
        const bool pos = in->label[a] == in->label_campaign && cp >= 0 && cp < ncamp;
        const uint32_t k = in->cluster[a];
        const bool inc = k != QB_NONE, flag = in->score[a] >= in->flag;
        int gk = none_kind, gs = none_size;
        if (pos) {
            gk = in->camp_kind[cp] >= 0 && in->camp_kind[cp] < QB_MAX_KINDS ? in->camp_kind[cp] : none_kind;
            gs = qb_size_class(in->camp_size[cp]);
            camp_n[cp]++;
            camp_cl[cp] += inc;
        } else if (inc && major[k] >= 0 && 2 * (size_t)major_n[k] >= cl_size[k]) {
            const int mc = major[k];
            gk = in->camp_kind[mc] >= 0 && in->camp_kind[mc] < QB_MAX_KINDS ? in->camp_kind[mc] : none_kind;
            gs = qb_size_class(in->camp_size[mc]);
        }
        qb_add(&r->kind[gk].cl, inc, pos);
        qb_add(&r->kind[gk].fl, flag, pos);
        qb_add(&r->size[gs].cl, inc, pos);
        qb_add(&r->size[gs].fl, flag, pos);
        r->kind[gk].accounts += pos;
        r->size[gs].accounts += pos;
        const int l = in->label[a];
        if (l >= 0 && l < in->n_labels && l < 64 && in->label_hard[l]) {
            r->hn_n[l]++;
            r->hn_cl[l] += inc;
            r->hn_fl[l] += flag;
            if (in->score[a] > r->hn_max[l])
                r->hn_max[l] = in->score[a];
        }
        if (inc && k < nc) {
            cl_n[k]++;
            r->cl_mean[k] += in->score[a];
            r->cl_min[k] = in->score[a] < r->cl_min[k] ? in->score[a] : r->cl_min[k];
            r->cl_max[k] = in->score[a] > r->cl_max[k] ? in->score[a] : r->cl_max[k];
            r->cl_share[k] += pos;
        }
        sc[a].s = in->score[a];
        sc[a].pos = pos;
        r->n_pos += pos;
        if (flag) {
            flagged[r->n_flagged++] = in->score[a];
            r->n_995 += in->score[a] >= 0.995;
            r->n_99 += in->score[a] >= 0.99;
        }
    }
    for (int cp = 0; cp < ncamp; cp++) {
        if (!camp_n[cp])
            continue;
        const int gk = in->camp_kind[cp] >= 0 && in->camp_kind[cp] < QB_MAX_KINDS ? in->camp_kind[cp] : none_kind;
        const int gs = qb_size_class(in->camp_size[cp]);
        qb_group *g[2] = {&r->kind[gk], &r->size[gs]};
        for (int j = 0; j < 2; j++) {
            g[j]->campaigns++;
            g[j]->detected += camp_cl[cp] > 0;
            g[j]->half += 2 * camp_cl[cp] >= camp_n[cp];
        }
        const int t = in->camp_twin ? in->camp_twin[cp] : -1;
        if (t > cp && t < ncamp && camp_cl[cp] > 0 && camp_cl[t] > 0)
            r->twins_both_found++;
    }
    for (size_t k = 0; k < nc; k++) {
        if (cl_n[k]) {
            r->cl_mean[k] /= (double)cl_n[k];
            r->cl_share[k] /= (double)cl_n[k];
        } else
            r->cl_min[k] = 0;
        r->clusters_all_995 += cl_n[k] && r->cl_min[k] >= 0.995;
    }
    r->corr_cluster_member = qb_pearson(in->cluster_score, r->cl_mean, nc);

    /* flagged scores: quantiles and distinct values */
    qsort(flagged, r->n_flagged, sizeof *flagged, qb_cmp_double_desc);
    for (size_t i = 0; i < r->n_flagged / 2; i++) { /* ascending for the quantiles */
        const double t = flagged[i];
        flagged[i] = flagged[r->n_flagged - 1 - i];
        flagged[r->n_flagged - 1 - i] = t;
    }
    static const double qs[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
    for (int j = 0; j < 5; j++)
        r->q[j] = qb_quantile(flagged, r->n_flagged, qs[j]);
    for (size_t i = 0; i < r->n_flagged; i++)
        r->n_distinct += i == 0 || lround(flagged[i] * 1000) != lround(flagged[i - 1] * 1000);

    /* AUC (Mann-Whitney with ties) and R-precision, over every account */
    qsort(sc, na, sizeof *sc, qb_cmp_scored_desc);
    {
        const size_t npos = r->n_pos, nneg = na - npos;
        double above_neg = 0, wins = 0, taken = 0, got = 0;
        for (size_t i = 0; i < na;) {
            size_t j = i, p = 0;
            while (j < na && sc[j].s == sc[i].s) {
                p += (size_t)sc[j].pos;
                j++;
            }
            const size_t g = j - i, n = g - p;
            /* positives in this group beat the negatives below and tie with those in it */
            wins += (double)p * ((double)nneg - above_neg - (double)n) + 0.5 * (double)p * (double)n;
            above_neg += (double)n;
            if (taken < (double)npos) {
                const double room = (double)npos - taken, use = room < (double)g ? room : (double)g;
                got += (double)p * use / (double)g;
                taken += use;
            }
            i = j;
        }
        r->auc = npos && nneg ? wins / ((double)npos * (double)nneg) : NAN;
        r->r_precision = npos ? got / (double)npos : NAN;
    }
    rc = 0;
out:
    free(cl_size);
    free(camp_n);
    free(camp_cl);
    free(major);
    free(major_n);
    free(cl_n);
    free(cl_camp);
    free(pairs);
    free(cnt_pair);
    free(sc);
    free(flagged);
    return rc;
}

static inline void qb_free(qb_result *r)
{
    free(r->cl_mean);
    free(r->cl_min);
    free(r->cl_max);
    free(r->cl_share);
    free(r->pair_a);
    free(r->pair_b);
    memset(r, 0, sizeof *r);
}

static inline double qb_f1(double p, double rc)
{
    return p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
}

static inline void qb_num_json(FILE *f, double v)
{
    if (isnan(v))
        fputs("null", f);
    else
        fprintf(f, "%.4f", v);
}

static inline void qb_prf_text(FILE *f, const qb_prf *p)
{
    const double pr = qb_ratio(p->tp, p->tp + p->fp), rc = qb_ratio(p->tp, p->tp + p->fn);
    if (p->tp + p->fp)
        fprintf(f, "P %.3f ", pr);
    else
        fprintf(f, "P   -   ");
    fprintf(f, "R %.3f F1 %.3f (tp %zu fp %zu fn %zu)", rc, qb_f1(pr, rc), p->tp, p->fp, p->fn);
}

static inline void qb_group_text(FILE *f, const char *name, const qb_group *g)
{
    fprintf(f, "  %-14s %2d campaigns (%2d found, %2d half) %4zu accounts | clustered ", name, g->campaigns,
            g->detected, g->half, g->accounts);
    qb_prf_text(f, &g->cl);
    fprintf(f, " | flagged ");
    qb_prf_text(f, &g->fl);
    fprintf(f, "\n");
}

static inline void qb_print_text(FILE *f, const qb_input *in, const qb_result *r)
{
    fprintf(f, "by campaign kind (false positives attributed to their cluster's main campaign):\n");
    for (int k = 0; k < in->n_kinds && k < QB_MAX_KINDS; k++)
        if (r->kind[k].campaigns || r->kind[k].cl.fp || r->kind[k].fl.fp)
            qb_group_text(f, in->kind_names[k], &r->kind[k]);
    if (r->kind[QB_MAX_KINDS].cl.fp || r->kind[QB_MAX_KINDS].fl.fp)
        fprintf(f, "  %-14s false positives: clustered %zu, flagged %zu\n", "unattributed",
                r->kind[QB_MAX_KINDS].cl.fp, r->kind[QB_MAX_KINDS].fl.fp);
    fprintf(f, "by campaign size class:\n");
    for (int k = 0; k < QB_N_SIZES; k++)
        if (r->size[k].campaigns || r->size[k].cl.fp || r->size[k].fl.fp)
            qb_group_text(f, qb_size_names[k], &r->size[k]);
    fprintf(f, "hard negatives (clustered / flagged / highest score):");
    for (int l = 0; l < in->n_labels && l < 64; l++)
        if (in->label_hard[l] && r->hn_n[l])
            fprintf(f, " %s %zu/%zu/%.3f%s", in->label_names[l], r->hn_cl[l], r->hn_fl[l], r->hn_max[l],
                    r->hn_cl[l] || r->hn_fl[l] ? " FAIL" : "");
    fprintf(f, "\nmerges: %zu cluster(s) hold two or more campaigns, %zu campaign pair(s) joined;"
               " twins: %zu pair(s), both found %zu, merged %zu\n",
            r->merged_clusters, r->merged_pairs, r->twin_pairs, r->twins_both_found, r->twins_merged);
    for (size_t i = 0; i < r->merged_pairs && i < 20; i++)
        fprintf(f, "  merged: campaign %d (%s) with %d (%s)\n", r->pair_a[i],
                in->camp_kind[r->pair_a[i]] >= 0 ? in->kind_names[in->camp_kind[r->pair_a[i]]] : "?", r->pair_b[i],
                in->camp_kind[r->pair_b[i]] >= 0 ? in->kind_names[in->camp_kind[r->pair_b[i]]] : "?");
    fprintf(f, "scores: %zu flagged, %zu >= 0.995, %zu >= 0.99, %zu distinct (3 decimals); flagged "
               "quantiles 10/25/50/75/90%%: %.3f %.3f %.3f %.3f %.3f; AUC %.4f; R-precision %.3f\n",
            r->n_flagged, r->n_995, r->n_99, r->n_distinct, r->q[0], r->q[1], r->q[2], r->q[3], r->q[4], r->auc,
            r->r_precision);
    fprintf(f, "clusters: score vs mean member score, correlation %.3f; %zu of %zu clusters have every "
               "member >= 0.995\n",
            r->corr_cluster_member, r->clusters_all_995, in->n_clusters);
    for (size_t k = 0; k < in->n_clusters && k < 40; k++)
        fprintf(f, "  cluster %zu: score %.3f, members mean %.3f min %.3f max %.3f, campaign share %.2f\n", k,
                in->cluster_score[k], r->cl_mean[k], r->cl_min[k], r->cl_max[k], r->cl_share[k]);
}


static inline void qb_prf_json(FILE *f, const qb_prf *p)
{
    const double pr = qb_ratio(p->tp, p->tp + p->fp), rc = qb_ratio(p->tp, p->tp + p->fn);
    fprintf(f, "{\"tp\":%zu,\"fp\":%zu,\"fn\":%zu,\"precision\":", p->tp, p->fp, p->fn);
    qb_num_json(f, p->tp + p->fp ? pr : NAN);
    fprintf(f, ",\"recall\":");
    qb_num_json(f, p->tp + p->fn ? rc : NAN);
    fprintf(f, ",\"f1\":%.4f}", qb_f1(pr, rc));
}

static inline void qb_group_json(FILE *f, const char *name, const qb_group *g, bool *first)
{
    fprintf(f, "%s\"%s\":{\"campaigns\":%d,\"found\":%d,\"half\":%d,\"accounts\":%zu,\"clustered\":", *first ? "" : ",",
            name, g->campaigns, g->detected, g->half, g->accounts);
    qb_prf_json(f, &g->cl);
    fprintf(f, ",\"flagged\":");
    qb_prf_json(f, &g->fl);
    fputc('}', f);
    *first = false;
}

/* The members of one JSON object (no braces): by_kind, by_size, hard_negative_check, merges,
 * score_ranking, clusters_scores. */
static inline void qb_print_json(FILE *f, const qb_input *in, const qb_result *r)
{
    bool first = true;
    fprintf(f, "\"by_kind\":{");
    for (int k = 0; k < in->n_kinds && k < QB_MAX_KINDS; k++)
        if (r->kind[k].campaigns || r->kind[k].cl.fp || r->kind[k].fl.fp)
            qb_group_json(f, in->kind_names[k], &r->kind[k], &first);
    qb_group_json(f, "_unattributed", &r->kind[QB_MAX_KINDS], &first);
    fprintf(f, "},\"by_size\":{");
    first = true;
    for (int k = 0; k < QB_N_SIZES; k++)
        if (r->size[k].campaigns || r->size[k].cl.fp || r->size[k].fl.fp)
            qb_group_json(f, qb_size_names[k], &r->size[k], &first);
    qb_group_json(f, "_unattributed", &r->size[QB_N_SIZES], &first);
    fprintf(f, "},\"hard_negative_check\":{");
    first = true;
    for (int l = 0; l < in->n_labels && l < 64; l++) {
        if (!in->label_hard[l])
            continue;
        fprintf(f, "%s\"%s\":{\"accounts\":%zu,\"clustered\":%zu,\"flagged\":%zu,\"max_score\":%.4f,\"ok\":%s}",
                first ? "" : ",", in->label_names[l], r->hn_n[l], r->hn_cl[l], r->hn_fl[l], r->hn_max[l],
                r->hn_cl[l] || r->hn_fl[l] ? "false" : "true");
        first = false;
    }
    fprintf(f, "},\"merges\":{\"clusters\":%zu,\"campaign_pairs\":%zu,\"twin_pairs\":%zu,\"twins_both_found\":%zu,"
               "\"twins_merged\":%zu,\"pairs\":[",
            r->merged_clusters, r->merged_pairs, r->twin_pairs, r->twins_both_found, r->twins_merged);
    for (size_t i = 0; i < r->merged_pairs; i++)
        fprintf(f, "%s[%d,%d]", i ? "," : "", r->pair_a[i], r->pair_b[i]);
    fprintf(f, "]},\"score_ranking\":{\"flagged\":%zu,\"ge_0995\":%zu,\"ge_099\":%zu,\"distinct\":%zu,"
               "\"quantiles\":[%.4f,%.4f,%.4f,%.4f,%.4f],\"auc\":",
            r->n_flagged, r->n_995, r->n_99, r->n_distinct, r->q[0], r->q[1], r->q[2], r->q[3], r->q[4]);
    qb_num_json(f, r->auc);
    fprintf(f, ",\"r_precision\":");
    qb_num_json(f, r->r_precision);
    fprintf(f, ",\"campaign_accounts\":%zu,\"cluster_vs_members_corr\":", r->n_pos);
    qb_num_json(f, r->corr_cluster_member);
    fprintf(f, ",\"clusters_all_ge_0995\":%zu},\"clusters_scores\":[", r->clusters_all_995);
    for (size_t k = 0; k < in->n_clusters; k++)
        fprintf(f, "%s{\"score\":%.4f,\"member_mean\":%.4f,\"member_min\":%.4f,\"member_max\":%.4f,"
                   "\"campaign_share\":%.4f}",
                k ? "," : "", in->cluster_score[k], r->cl_mean[k], r->cl_min[k], r->cl_max[k], r->cl_share[k]);
    fputc(']', f);
}

#endif
