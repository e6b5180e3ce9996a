/* test_timeline.c — the hourly coordination index (detect/timeline): hours on the clock
 * (before 1970 too), events and distinct accounts per hour,
 * the share of clustered accounts' posts, the robust z-score with its fallback when most
 * hours have no coordination (MAD 0), a flat series without spikes, and a spike needing
 * enough coordinated posts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "core/vocab.h"
#include "detect/timeline/timeline.h"

#define H0 INT64_C(1700000000) / 3600 * 3600

static void add(ch_corpus *c, const char *author, int64_t t)
{
    static unsigned id;
    char pid[32];
    snprintf(pid, sizeof pid, "p%u", id++);
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){pid, strlen(pid)};
    r.author_id = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.kind = CH_KIND_POST;
    r.text = (ch_slice){"words", 5};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static uint32_t acct(const ch_corpus *c, const char *id)
{
    size_t a = ch_corpus_find_account(c, 0, id, strlen(id));
    assert_true(a != SIZE_MAX);
    return (uint32_t)a;
}

static void test_hours_and_counts(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_timeline_row *r;
    size_t n;
    assert_int_equal(ch_timeline_build(c, NULL, &r, &n), CHORUS_OK);   /* empty corpus */
    assert_int_equal(n, 0);
    assert_null(r);
    add(c, "a", H0 + 10);
    add(c, "a", H0 + 3599);
    add(c, "b", H0 + 100);
    add(c, "b", H0 + 3600);        /* the next hour */
    add(c, "c", -1);               /* 1969-12-31T23:00 */
    uint32_t cl[3];
    cl[acct(c, "a")] = 0;
    cl[acct(c, "b")] = CH_NONE;
    cl[acct(c, "c")] = CH_NONE;
    assert_int_equal(ch_timeline_build(c, cl, &r, &n), CHORUS_OK);
    assert_int_equal(n, 3);
    assert_true(r[0].hour_start == -3600);
    assert_true(r[1].hour_start == H0);
    assert_true(r[2].hour_start == H0 + 3600);
    assert_int_equal(r[1].events, 3);
    assert_int_equal(r[1].accounts, 2);
    assert_true(fabs(r[1].coordination - 2.0 / 3) < 1e-12);
    assert_true(r[0].coordination == 0 && r[2].coordination == 0);
    for (size_t i = 0; i < n; i++)
        assert_false(r[i].spike);   /* two coordinated posts are too few */
    ch_free(r);
    /* without clusters nothing is coordinated and the series is flat */
    assert_int_equal(ch_timeline_build(c, NULL, &r, &n), CHORUS_OK);
    for (size_t i = 0; i < n; i++) {
        assert_true(r[i].coordination == 0);
        assert_true(r[i].robust_z == 0);
        assert_false(r[i].spike);
    }
    ch_free(r);
    chorus_corpus_free(c);
}

static void test_spike(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* 48 organic hours (2 posts each, now and then one by a campaign account), then one hour
     * where 8 campaign accounts post together */
    char who[16];
    for (int h = 0; h < 48; h++) {
        snprintf(who, sizeof who, "o%d", h % 7);
        add(c, who, H0 + 3600 * h + 5);
        add(c, h % 12 == 0 ? "m0" : "o9", H0 + 3600 * h + 50);
    }
    for (int k = 0; k < 8; k++) {
        snprintf(who, sizeof who, "m%d", k);
        add(c, who, H0 + 3600 * 48 + 60 * k);
    }
    add(c, "o1", H0 + 3600 * 48 + 30);
    const size_t na = ch_corpus_naccounts(c);
    uint32_t cl[64];
    for (size_t i = 0; i < na; i++)
        cl[i] = CH_NONE;
    for (int k = 0; k < 8; k++) {
        snprintf(who, sizeof who, "m%d", k);
        cl[acct(c, who)] = 0;
    }
    ch_timeline_row *r;
    size_t n;
    assert_int_equal(ch_timeline_build(c, cl, &r, &n), CHORUS_OK);
    assert_int_equal(n, 49);
    /* most hours have no coordination: MAD is 0 and the mean absolute deviation stands in */
    int spikes = 0;
    for (size_t i = 0; i < n; i++)
        spikes += r[i].spike;
    assert_int_equal(spikes, 1);
    assert_true(r[48].spike);
    assert_true(r[48].robust_z >= CH_TIMELINE_SPIKE_Z);
    assert_true(fabs(r[48].coordination - 8.0 / 9) < 1e-12);
    assert_false(r[0].spike);      /* one campaign post among two: too few to be a spike */
    assert_true(r[0].robust_z > 0);
    assert_true(r[1].robust_z == 0);   /* at the median */
    ch_free(r);
    chorus_corpus_free(c);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    for (int h = 0; h < 10; h++)
        add(c, h % 2 ? "x" : "y", H0 + 3600 * h);
    bool ok = false;
    for (uint64_t k = 1; k < 50 && !ok; k++) {
        ch_timeline_row *r = NULL;
        size_t n;
        ch_alloc_fail_after(k);
        int rc = ch_timeline_build(c, NULL, &r, &n);
        ch_alloc_fail_after(0);
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc)
            assert_null(r);
        ok = rc == CHORUS_OK;
        ch_free(r);
    }
    assert_true(ok);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hours_and_counts),
        cmocka_unit_test(test_spike),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
