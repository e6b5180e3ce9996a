/* test_quality_breakdown.c — the quality benchmark's breakdown (bench/quality_breakdown.h) on a
 * hand-made case worked out on paper: precision and recall per campaign kind and size class
 * with false positives attributed to their cluster's main campaign only when it makes up half
 * of the cluster, the hard-negative check, merged campaigns and twins, and the score ranking
 * (quantiles, AUC with ties, R-precision, cluster score against its members); the JSON and
 * text outputs; an empty input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/quality_breakdown.h"
#include "core/json.h"

enum { ORGANIC, CAMPAIGN, JOURNALIST, FAN, N_LABELS };
static const char *const label_names[N_LABELS] = {"organic", "campaign", "journalist", "fan"};
static const bool label_hard[N_LABELS] = {false, false, true, true};
static const char *const kind_names[2] = {"hashtag_push", "echo"};

/* 13 accounts: a0-a3 campaign 0, a4-a7 campaign 1 (both hashtag_push, 4 accounts, twins),
 * a8-a9 campaign 2 (echo, 20 accounts planned), a10 and a12 organic, a11 a fan.
 * Clusters: 0 = {a0 a1 a2 a4} (two campaigns), 1 = {a8 a10} (half campaign 2),
 * 2 = {a5 a11 a12} (a third campaign 1: its false positives stay unattributed). */
static const int label[13] = {CAMPAIGN, CAMPAIGN, CAMPAIGN, CAMPAIGN, CAMPAIGN, CAMPAIGN, CAMPAIGN,
                              CAMPAIGN, CAMPAIGN, CAMPAIGN, ORGANIC, FAN, ORGANIC};
static const int campaign[13] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, -1, -1, -1};
static const uint32_t cluster[13] = {0, 0, 0, QB_NONE, 0, 2, QB_NONE, QB_NONE, 1, QB_NONE, 1, 2, 2};
static const double score[13] = {0.99, 0.9, 0.6, 0.2, 0.7, 0.4, 0.1, 0.0, 0.999, 0.3, 0.55, 0.8, 0.05};
static const double cluster_score[3] = {0.9, 0.5, 0.2};
static const int camp_kind[3] = {0, 0, 1}, camp_size[3] = {4, 4, 20}, camp_twin[3] = {1, 0, -1};

static qb_input example(void)
{
    return (qb_input){.n_accounts = 13, .label = label, .campaign = campaign, .cluster = cluster,
                      .score = score, .flag = 0.5, .n_clusters = 3, .cluster_score = cluster_score,
                      .n_camp = 3, .camp_kind = camp_kind, .camp_size = camp_size,
                      .camp_twin = camp_twin, .kind_names = kind_names, .n_kinds = 2,
                      .label_names = label_names, .label_hard = label_hard, .n_labels = N_LABELS,
                      .label_campaign = CAMPAIGN};
}

static void test_groups(void **state)
{
    (void)state;
    qb_input in = example();
    qb_result r;
    assert_int_equal(qb_compute(&in, &r), 0);
    /* hashtag_push: clustered a0 a1 a2 a4 a5, missed a3 a6 a7; a11 and a12 are in a cluster
     * that is only a third campaign 1, so they count for no kind */
    const qb_group *a = &r.kind[0], *b = &r.kind[1], *none = &r.kind[QB_MAX_KINDS];
    assert_int_equal(a->cl.tp, 5);
    assert_int_equal(a->cl.fp, 0);
    assert_int_equal(a->cl.fn, 3);
    assert_int_equal(a->campaigns, 2);
    assert_int_equal(a->detected, 2);
    assert_int_equal(a->half, 2);
    assert_int_equal(a->accounts, 8);
    /* flagged (>= 0.5): a0 a1 a2 a4 of the push */
    assert_int_equal(a->fl.tp, 4);
    assert_int_equal(a->fl.fn, 4);
    assert_int_equal(a->fl.fp, 0);
    /* echo: a8 found, a9 missed, organic a10 in its cluster (half of it) is its false positive */
    assert_int_equal(b->cl.tp, 1);
    assert_int_equal(b->cl.fn, 1);
    assert_int_equal(b->cl.fp, 1);
    assert_int_equal(b->fl.tp, 1);
    assert_int_equal(b->fl.fp, 1);
    assert_int_equal(b->half, 1);
    assert_int_equal(none->cl.fp, 2);
    assert_int_equal(none->fl.fp, 1); /* a11 (0.8); a12 scores 0.05 */
    /* size classes follow the planned sizes: 4 -> 3-5, 20 -> 13-60 */
    assert_int_equal(r.size[0].cl.tp, 5);
    assert_int_equal(r.size[2].cl.tp, 1);
    assert_int_equal(r.size[2].cl.fp, 1);
    assert_int_equal(r.size[1].campaigns, 0);
    assert_int_equal(r.size[QB_N_SIZES].cl.fp, 2);
    /* hard negatives: the fan is clustered and flagged, no journalist exists */
    assert_int_equal(r.hn_n[FAN], 1);
    assert_int_equal(r.hn_cl[FAN], 1);
    assert_int_equal(r.hn_fl[FAN], 1);
    assert_true(fabs(r.hn_max[FAN] - 0.8) < 1e-12);
    assert_int_equal(r.hn_n[JOURNALIST], 0);
    /* merges: cluster 0 joins campaigns 0 and 1, which are twins */
    assert_int_equal(r.merged_clusters, 1);
    assert_int_equal(r.merged_pairs, 1);
    assert_int_equal(r.pair_a[0], 0);
    assert_int_equal(r.pair_b[0], 1);
    assert_int_equal(r.twin_pairs, 1);
    assert_int_equal(r.twins_merged, 1);
    assert_int_equal(r.twins_both_found, 1);
    qb_free(&r);
}

static void test_ranking(void **state)
{
    (void)state;
    qb_input in = example();
    qb_result r;
    assert_int_equal(qb_compute(&in, &r), 0);
    assert_int_equal(r.n_flagged, 7);
    assert_int_equal(r.n_995, 1);
    assert_int_equal(r.n_99, 2);
    /* flagged ascending: .55 .6 .7 .8 .9 .99 .999 */
    assert_true(fabs(r.q[0] - 0.58) < 1e-9);
    assert_true(fabs(r.q[2] - 0.8) < 1e-9);
    assert_true(fabs(r.q[4] - (0.99 + 0.4 * 0.009)) < 1e-9);
    assert_int_equal(r.n_distinct, 7);
    /* 17 of the 10 x 3 (campaign, other) pairs are ordered right */
    assert_true(fabs(r.auc - 17.0 / 30.0) < 1e-12);
    /* the 10 best: .999 .99 .9 .8(fan) .7 .6 .55(organic) .4 .3 .2 -> 8 campaign accounts */
    assert_true(fabs(r.r_precision - 0.8) < 1e-12);
    assert_true(fabs(r.cl_mean[0] - 0.7975) < 1e-12);
    assert_true(fabs(r.cl_min[0] - 0.6) < 1e-12);
    assert_true(fabs(r.cl_max[1] - 0.999) < 1e-12);
    assert_true(fabs(r.cl_share[2] - 1.0 / 3) < 1e-12);
    assert_true(r.corr_cluster_member > 0.85 && r.corr_cluster_member < 0.853);
    assert_int_equal(r.clusters_all_995, 0);
    qb_free(&r);
}

static void test_ties(void **state)
{
    (void)state;
    /* every account scores 1: the ranking cannot tell them apart */
    static const double ones[13] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    qb_input in = example();
    in.score = ones;
    qb_result r;
    assert_int_equal(qb_compute(&in, &r), 0);
    assert_true(fabs(r.auc - 0.5) < 1e-12);
    assert_true(fabs(r.r_precision - 10.0 / 13) < 1e-12);
    assert_int_equal(r.n_995, 13);
    assert_int_equal(r.n_distinct, 1);
    qb_free(&r);
}

static void check_json(const qb_input *in, const qb_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fputc('{', f);
    qb_print_json(f, in, r);
    fputc('}', f);
    fclose(f);
    ch_json_parser *jp;
    assert_int_equal(ch_json_parser_new(0, &jp), 0);
    ch_json_val root;
    assert_int_equal(ch_json_parse(jp, buf, len, false, &root, NULL), CH_JSON_OK);
    static const char *const keys[] = {"by_kind", "by_size", "hard_negative_check", "merges",
                                       "score_ranking", "clusters_scores"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        assert_true(ch_json_present(ch_json_get(root, keys[k])));
    int64_t tp = -1;
    if (in->n_accounts) {
        assert_true(ch_json_int64(ch_json_path(root, "by_kind.hashtag_push.clustered.tp"), &tp));
        assert_int_equal(tp, 5);
        assert_true(ch_json_int64(ch_json_path(root, "merges.twins_merged"), &tp));
        assert_int_equal(tp, 1);
    } else {
        assert_true(ch_json_is_null(ch_json_path(root, "score_ranking.auc")));
    }
    ch_json_parser_free(jp);
    free(buf);
}

static void test_output(void **state)
{
    (void)state;
    qb_input in = example();
    qb_result r;
    assert_int_equal(qb_compute(&in, &r), 0);
    check_json(&in, &r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    qb_print_text(f, &in, &r);
    fclose(f);
    assert_non_null(strstr(buf, "hashtag_push"));
    assert_non_null(strstr(buf, "fan 1/1/0.800 FAIL"));
    assert_non_null(strstr(buf, "merged: campaign 0 (hashtag_push) with 1 (hashtag_push)"));
    assert_non_null(strstr(buf, "twins: 1 pair(s), both found 1, merged 1"));
    free(buf);
    qb_free(&r);
}

static void test_empty(void **state)
{
    (void)state;
    qb_input in = example();
    in.n_accounts = 0;
    in.n_clusters = 0;
    in.n_camp = 0;
    qb_result r;
    assert_int_equal(qb_compute(&in, &r), 0);
    assert_int_equal(r.n_flagged, 0);
    assert_true(isnan(r.auc));
    assert_true(isnan(r.r_precision));
    assert_int_equal(r.merged_pairs, 0);
    check_json(&in, &r);
    qb_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups), cmocka_unit_test(test_ranking), cmocka_unit_test(test_ties),
        cmocka_unit_test(test_output), cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
