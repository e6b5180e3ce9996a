/* test_score.c — account features on tiny corpora: regular intervals, office hours, posts at
 * :00 and minute-resolution corpora, parroting and echo latency, metadata; a lookalike new
 * account scores low whatever the metadata weights; coordination lifts members of a cluster;
 * the reasons are valid JSON; allocation failures; empty input; the calibrated score is bounded,
 * monotone and flags exactly at evidence 0; a cluster's score is its members' mean; rescoring
 * re-sorts the clusters and renumbers them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/network/network.h"
#include "detect/score/score.h"

#define T0 INT64_C(1600000000)   /* 2020-09-13 12:26:40 UTC */
#define DAY0 INT64_C(1599955200)  /* 2020-09-13 00:00:00 UTC */
#define LOGIT_SUPPORT_MAX (-0.4054651081081644)   /* logit(0.4), the default support_max */

typedef struct meta {
    bool present;
    int64_t created, followers, following;
    int8_t def_image;
    const char *desc;
} meta;

static uint32_t seq;

static void add(ch_corpus *c, const char *author, int64_t t, ch_kind kind, const char *ref,
                const meta *m)
{
    char id[32];
    snprintf(id, sizeof id, "p%u", ++seq);
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){id, strlen(id)};
    r.author = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.kind = kind;
    r.text = (ch_slice){"hello world", 11};
    if (ref)
        r.ref_id = (ch_slice){ref, strlen(ref)};
    if (m && m->present) {
        r.meta.present = true;
        r.meta.created_at = m->created;
        r.meta.followers = m->followers;
        r.meta.following = m->following;
        r.meta.default_profile_image = m->def_image;
        if (m->desc)
            r.meta.description = (ch_slice){m->desc, strlen(m->desc)};
    }
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static size_t acct(const ch_corpus *c, const char *handle)
{
    size_t a = ch_corpus_find_account(c, 0, handle, strlen(handle));
    assert_true(a != SIZE_MAX);
    return a;
}

/* deterministic pseudo-random numbers for "organic" timings */
static uint64_t rs = 88172645463325252ull;
static double urand(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) / 9007199254740992.0;
}

/* ---- a small JSON validator (RFC 8259 grammar, no semantics) ----------------------------- */

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *jvalue(const char *p, int depth);

static const char *jstring(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
                          (p[i] >= 'A' && p[i] <= 'F')))
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
                return NULL;
            }
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *jnumber(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *jvalue(const char *p, int depth)
{
    if (depth > 32)
        return NULL;
    p = ws(p);
    if (*p == '{') {
        p = ws(p + 1);
        if (*p == '}')
            return p + 1;
        for (;;) {
            if (!(p = jstring(ws(p))))
                return NULL;
            p = ws(p);
            if (*p++ != ':')
                return NULL;
            if (!(p = jvalue(p, depth + 1)))
                return NULL;
            p = ws(p);
            if (*p == '}')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '[') {
        p = ws(p + 1);
        if (*p == ']')
            return p + 1;
        for (;;) {
            if (!(p = jvalue(p, depth + 1)))
                return NULL;
            p = ws(p);
            if (*p == ']')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '"')
        return jstring(p);
    if (!strncmp(p, "true", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (!strncmp(p, "null", 4))
        return p + 4;
    return jnumber(p);
}

static bool json_valid(const char *s)
{
    const char *p = jvalue(s, 0);
    return p && *ws(p) == '\0';
}

static void check_reasons(const ch_scores *s, size_t i, char *buf, size_t cap)
{
    size_t n = ch_score_reasons(s, i, buf, cap);
    assert_true(n < cap);
    assert_int_equal(strlen(buf), n);
    if (!json_valid(buf))
        fail_msg("invalid JSON: %s", buf);
    assert_non_null(strstr(buf, "\"score\":"));
    assert_non_null(strstr(buf, "\"features\":{"));
    assert_non_null(strstr(buf, "\"top_reasons\":["));
    for (int f = 0; f < CH_SF__COUNT; f++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\":{\"value\":", ch_score_feature_name((ch_score_feature)f));
        assert_non_null(strstr(buf, key));
    }
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_regular_and_office_hours(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* "clock": every 2 hours exactly, day and night, at :00 seconds */
    for (int i = 0; i < 80; i++)
        add(c, "clock", DAY0 + i * 7200, CH_KIND_POST, NULL, NULL);
    /* "office": weekdays 06:00-14:59 UTC only (09-18 in UTC+3), random minutes */
    for (int d = 0; d < 28; d++) {
        if ((d + 0) % 7 >= 5)
            continue;
        for (int k = 0; k < 4; k++)
            add(c, "office", DAY0 + d * 86400 + 6 * 3600 + (int64_t)(urand() * 9 * 3600),
                CH_KIND_POST, NULL, NULL);
    }
    /* "human": Poisson-like posting during 16 waking hours, random seconds */
    int64_t t = DAY0;
    for (int i = 0; i < 80; i++) {
        t += 60 + (int64_t)(-log(1 - urand()) * 20000);
        int64_t sod = t % 86400;
        if (sod < 7 * 3600)  /* asleep until 07:00 */
            t += 7 * 3600 - sod + (int64_t)(urand() * 3600);
        add(c, "human", t, CH_KIND_POST, NULL, NULL);
    }
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, &s), CHORUS_OK);
    assert_false(s->minute_resolution);
    const double *clock = s->features[acct(c, "clock")];
    const double *office = s->features[acct(c, "office")];
    const double *human = s->features[acct(c, "human")];
    /* regular intervals: entropy 0, burstiness -1, both shrunk by 79 / 89 */
    assert_true(clock[CH_SF_REGULARITY] > 0.85);
    assert_true(clock[CH_SF_BURSTINESS] < -0.85);
    assert_true(human[CH_SF_REGULARITY] < 0.6);
    assert_true(human[CH_SF_BURSTINESS] > clock[CH_SF_BURSTINESS] + 0.5);
    /* every clock post at :00; the human's by chance only */
    assert_true(clock[CH_SF_ROUND_SECONDS] > 0.85);
    assert_true(human[CH_SF_ROUND_SECONDS] < 0.1);
    /* office hours: all posts in one 9-hour window; the clock posts round the clock */
    assert_true(office[CH_SF_HOURS_WINDOW] > 0.85);
    assert_true(clock[CH_SF_HOURS_WINDOW] < 0.1);
    assert_true(human[CH_SF_HOURS_WINDOW] < office[CH_SF_HOURS_WINDOW] - 0.3);
    assert_true(office[CH_SF_HOURS_ENTROPY] > human[CH_SF_HOURS_ENTROPY]);
    assert_true(s->raw[acct(c, "office")].hours_window > 0.999);
    /* 12 posts a day for the clock */
    assert_true(fabs(s->raw[acct(c, "clock")].rate - 80.0 / (79 * 7200.0 / 86400)) < 0.01);
    /* timing alone never flags */
    for (size_t a = 0; a < s->n_accounts; a++) {
        assert_true(s->evidence[a] <= LOGIT_SUPPORT_MAX + 1e-9);
        assert_true(s->score[a] < CH_SCORE_FLAG);
    }
    char buf[CH_SCORE_REASONS_MAX];
    check_reasons(s, acct(c, "clock"), buf, sizeof buf);
    assert_non_null(strstr(buf, "regular intervals"));
    check_reasons(s, acct(c, "office"), buf, sizeof buf);
    assert_non_null(strstr(buf, "9-hour window"));
    ch_scores_free(s);
    chorus_corpus_free(c);
}

static void test_minute_resolution(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    for (int i = 0; i < 30; i++)
        add(c, i % 2 ? "a" : "b", T0 - T0 % 60 + i * 60 * 17, CH_KIND_POST, NULL, NULL);
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, &s), CHORUS_OK);
    assert_true(s->minute_resolution);
    assert_false(s->present[acct(c, "a")] & (1u << CH_SF_ROUND_SECONDS));
    assert_true(s->features[acct(c, "a")][CH_SF_ROUND_SECONDS] == 0);
    char buf[CH_SCORE_REASONS_MAX];
    check_reasons(s, acct(c, "a"), buf, sizeof buf);
    assert_non_null(strstr(buf, "\"round_seconds\":{\"value\":null,\"contribution\":0}"));
    ch_scores_free(s);
    chorus_corpus_free(c);
}

static void test_lookalike_low(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* new account, default image, 8 digits in the handle, empty description, follows many */
    const meta look = {true, T0 - 86400, 2, 900, 1, NULL};
    const meta normal = {true, T0 - 3 * 365 * 86400, 300, 200, 0, "I like trains"};
    for (int i = 0; i < 12; i++) {
        add(c, "maria48213377", T0 + i * 5000 + (i * 37) % 60, CH_KIND_POST, NULL, &look);
        add(c, "trainfan", T0 + i * 6100 + (i * 13) % 60, CH_KIND_POST, NULL, &normal);
    }
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, &s), CHORUS_OK);
    const size_t l = acct(c, "maria48213377"), n = acct(c, "trainfan");
    const double *x = s->features[l];
    assert_true(x[CH_SF_YOUNG] > 0.8);
    assert_true(x[CH_SF_DEFAULT_IMAGE] == 1);
    assert_true(x[CH_SF_HANDLE_DIGITS] == 1);
    assert_true(x[CH_SF_EMPTY_DESC] == 1);
    assert_true(x[CH_SF_FOLLOW_RATIO] > 0.9);
    assert_int_equal(s->raw[l].handle_digits, 8);
    assert_true(s->features[n][CH_SF_YOUNG] < 0.1);
    assert_true(s->features[n][CH_SF_EMPTY_DESC] == 0);
    assert_true(s->features[n][CH_SF_FOLLOW_RATIO] == 0);
    /* metadata alone cannot flag */
    assert_true(s->score[l] < CH_SCORE_FLAG);
    assert_true(s->evidence[l] <= LOGIT_SUPPORT_MAX + 1e-9);
    assert_true(s->score[l] > s->score[n]);
    char buf[CH_SCORE_REASONS_MAX];
    check_reasons(s, l, buf, sizeof buf);
    ch_scores_free(s);

    /* not even with absurd metadata weights */
    double w[CH_SF__COUNT + 1];
    memcpy(w, ch_score_default_weights(), sizeof w);
    for (int f = CH_SF_YOUNG; f <= CH_SF_CREATED_BURST; f++)
        w[f] = 50;
    ch_score_opts o;
    ch_score_opts_default(&o);
    o.weights = w;
    assert_int_equal(ch_score_run(c, NULL, NULL, &o, &s), CHORUS_OK);
    assert_true(s->evidence[l] <= LOGIT_SUPPORT_MAX + 1e-9);
    assert_true(s->score[l] < CH_SCORE_FLAG);
    check_reasons(s, l, buf, sizeof buf);
    assert_non_null(strstr(buf, "default profile image"));
    ch_scores_free(s);
    chorus_corpus_free(c);
}

static void test_parrot_and_echo(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* statement 0 published at T0, statement 1 at T0 + 1 day. "fast" echoes both within 2 and 4
     * minutes; "slow" (a journalist) quotes statement 0 after 2 days; "none" never does. */
    add(c, "fast", T0 + 120, CH_KIND_POST, NULL, NULL);
    add(c, "fast", T0 + 86400 + 240, CH_KIND_POST, NULL, NULL);
    add(c, "fast", T0 + 3 * 86400, CH_KIND_POST, NULL, NULL);
    add(c, "fast", T0 + 4 * 86400, CH_KIND_POST, NULL, NULL);
    add(c, "slow", T0 + 2 * 86400, CH_KIND_POST, NULL, NULL);
    add(c, "slow", T0 + 3 * 86400, CH_KIND_POST, NULL, NULL);
    add(c, "none", T0 + 500, CH_KIND_POST, NULL, NULL);
    const uint32_t stmt[7] = {0, 1, CH_NONE, CH_NONE, 0, CH_NONE, CH_NONE};
    const uint32_t narr[7] = {5, 5, 5, CH_NONE, CH_NONE, CH_NONE, CH_NONE};
    const int64_t pub[2] = {T0, T0 + 86400};
    ch_score_inputs in = {stmt, pub, 2, narr};
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, NULL, &in, NULL, &s), CHORUS_OK);
    const size_t f = acct(c, "fast"), sl = acct(c, "slow"), no = acct(c, "none");
    assert_true(fabs(s->features[f][CH_SF_PARROT_SHARE] - 0.5) < 1e-9);
    assert_true(fabs(s->features[f][CH_SF_DUP_SHARE] - 0.75) < 1e-9);
    assert_true(fabs(s->features[sl][CH_SF_PARROT_SHARE] - 0.5) < 1e-9);
    assert_int_equal(s->raw[f].n_echo, 2);
    assert_true(fabs(s->raw[f].echo_median - 180) < 1e-9);
    assert_true(fabs(s->features[f][CH_SF_ECHO_SPEED] - exp2(-0.1) * 0.5) < 1e-9);
    assert_true(s->features[sl][CH_SF_ECHO_SPEED] < 0.01);
    assert_true(s->features[no][CH_SF_ECHO_SPEED] == 0);
    assert_true(s->present[no] & (1u << CH_SF_ECHO_SPEED));
    char buf[CH_SCORE_REASONS_MAX];
    for (size_t a = 0; a < s->n_accounts; a++)
        check_reasons(s, a, buf, sizeof buf);
    ch_scores_free(s);
    /* without the inputs the features are absent, not zero-valued evidence */
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, &s), CHORUS_OK);
    assert_false(s->present[f] & (1u << CH_SF_PARROT_SHARE));
    assert_false(s->present[f] & (1u << CH_SF_ECHO_SPEED));
    ch_scores_free(s);
    chorus_corpus_free(c);
}

/* Eight accounts co-reposting six posts within seconds, a hand-built co-action result, the
 * network, and the scores. */
static void test_coordinated(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const meta fresh = {true, T0 - 2 * 86400, 3, 400, 1, NULL};
    char h[16], ref[16];
    uint32_t rp[8][6];
    for (int o = 0; o < 6; o++) {
        snprintf(ref, sizeof ref, "orig%d", o);
        ch_rawpost r;
        ch_rawpost_clear(&r);
        r.id = (ch_slice){ref, strlen(ref)};
        r.author = (ch_slice){"hub", 3};
        r.created_at = T0 + o * 7200;
        r.text = (ch_slice){"x", 1};
        bool kept;
        ch_reason why;
        assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
        for (int a = 0; a < 8; a++) {
            snprintf(h, sizeof h, "bot%d", a);
            add(c, h, T0 + o * 7200 + 5 + a, CH_KIND_REPOST, ref, &fresh);
            rp[a][o] = (uint32_t)(ch_corpus_nposts(c) - 1);
        }
    }
    /* a lookalike with the same metadata but no co-actions */
    for (int i = 0; i < 6; i++)
        add(c, "alone1234", T0 + i * 9000 + 17, CH_KIND_POST, NULL, &fresh);
    ch_edge edges[28];
    ch_shared shared[28 * 5];
    size_t ne = 0, ns = 0;
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++) {
            char hi[16], hj[16];
            snprintf(hi, sizeof hi, "bot%d", i);
            snprintf(hj, sizeof hj, "bot%d", j);
            uint32_t a = (uint32_t)acct(c, hi), b = (uint32_t)acct(c, hj);
            assert_true(a < b);
            edges[ne] = (ch_edge){.a = a, .b = b, .behaviour = CH_B_REPOST, .n_objects = 6,
                                  .n_events = 6, .weight = 12.0, .expected = 0.01,
                                  .pvalue = 1e-15, .window = 60, .n_occasions = 6};
            for (int o = 0; o < 5; o++)
                shared[ns++] = (ch_shared){(uint32_t)ne, rp[i][o], rp[j][o], (uint32_t)o, 0};
            ne++;
        }
    ch_coact_result co;
    memset(&co, 0, sizeof co);
    co.edges = edges;
    co.n_edges = ne;
    co.shared = shared;
    co.n_shared = ns;
    ch_object objects[5];   /* the five reposted posts, as co-action names them */
    for (int o = 0; o < 5; o++)
        objects[o] = (ch_object){.key = (uint64_t)o, .behaviour = CH_B_REPOST,
                                 .type = CH_OBJ_POST, .text = "post"};
    co.shared_obj = objects;
    co.n_shared_obj = 5;
    co.window = 60;
    ch_network *net = NULL;
    assert_int_equal(ch_network_build(c, &co, NULL, &net), CHORUS_OK);
    assert_int_equal(net->n_clusters, 1);
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, net, NULL, NULL, &s), CHORUS_OK);
    char buf[CH_SCORE_REASONS_MAX];
    for (int i = 0; i < 8; i++) {
        snprintf(h, sizeof h, "bot%d", i);
        const size_t a = acct(c, h);
        assert_true(s->score[a] >= CH_SCORE_FLAG);
        assert_int_equal(s->raw[a].partners, 7);
        assert_int_equal(s->raw[a].cluster, 0);
        assert_int_equal(s->raw[a].created_burst, 7);
        assert_true(s->features[a][CH_SF_CREATED_BURST] == 1);
        check_reasons(s, a, buf, sizeof buf);
        assert_non_null(
            strstr(buf, "co-reposted with 7 accounts within 60 seconds (up to 6 posts with one of them)"));
        assert_non_null(strstr(buf, "\"cluster\":0"));
    }
    /* the cluster's score is its members' mean, within their range */
    assert_int_equal(s->n_clusters, 1);
    {
        double sum = 0, lo = 1, hi = 0;
        for (uint32_t j = 0; j < net->clusters[0].n_members; j++) {
            const double v = s->score[net->clusters[0].members[j]];
            sum += v;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        assert_float_equal(s->cluster_score[0], sum / net->clusters[0].n_members, 1e-12);
        assert_true(s->cluster_score[0] >= lo && s->cluster_score[0] <= hi);
        assert_true(s->cluster_score[0] >= CH_SCORE_FLAG);
        check_reasons(s, acct(c, "bot0"), buf, sizeof buf);
        char want[64];
        snprintf(want, sizeof want, "cluster score %.2f", s->cluster_score[0]);
        assert_non_null(strstr(buf, want));
        assert_non_null(strstr(buf, "\"evidence\":"));
        /* the structural strength stays the account feature */
        assert_float_equal(s->features[acct(c, "bot0")][CH_SF_CLUSTER], net->clusters[0].strength,
                           1e-12);
    }
    /* when the edges came from the co-action stage's long look, the reason names its window */
    {
        ch_edge long_edges[28];
        memcpy(long_edges, edges, sizeof long_edges);
        for (size_t i = 0; i < ne; i++) {
            long_edges[i].flags = CH_EDGE_LONG;
            long_edges[i].window = 21600;
        }
        ch_coact_result co2 = co;
        co2.edges = long_edges;
        co2.windows_long[CH_B_REPOST] = 21600;
        ch_network *net2 = NULL;
        ch_scores *s2 = NULL;
        assert_int_equal(ch_network_build(c, &co2, NULL, &net2), CHORUS_OK);
        assert_int_equal(ch_score_run(c, net2, NULL, NULL, &s2), CHORUS_OK);
        check_reasons(s2, acct(c, "bot0"), buf, sizeof buf);
        assert_non_null(strstr(buf, "co-reposted with 7 accounts within 6 hours"));
        assert_int_equal(s2->raw[acct(c, "bot0")].top_window, 21600);
        ch_scores_free(s2);
        ch_network_free(net2);
    }
    const size_t al = acct(c, "alone1234");
    assert_true(s->score[al] < CH_SCORE_FLAG);
    assert_true(s->score[acct(c, "hub")] < CH_SCORE_FLAG);
    check_reasons(s, al, buf, sizeof buf);
    assert_non_null(strstr(buf, "\"cluster\":null"));
    /* a truncated buffer still reports the full length and stays NUL-terminated */
    char small[16];
    size_t full = ch_score_reasons(s, 0, small, sizeof small);
    assert_true(full >= sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);

    /* allocation failures: every one is reported, nothing leaks */
    int ok = 0;
    for (uint64_t k = 1; k < 40; k++) {
        ch_scores *t = NULL;
        ch_alloc_fail_after(k);
        int rc = ch_score_run(c, net, NULL, NULL, &t);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_true(t->score[0] == s->score[0]);
            ok++;
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_null(t);
        }
        ch_scores_free(t);
    }
    assert_true(ok > 0);
    ch_scores_free(s);
    ch_network_free(net);
    chorus_corpus_free(c);
}

/* The calibration: bounded, monotone, the flag exactly at evidence 0. */
static void test_calibration(void **state)
{
    (void)state;
    double prev = -1;
    for (int i = -4000; i <= 4000; i++) {
        const double z = i / 100.0, p = ch_score_calibrate(z);
        assert_true(p >= 0 && p <= 1);
        assert_true(p >= prev);
        assert_true((p >= CH_SCORE_FLAG) == (z >= 0));
        prev = p;
    }
    assert_true(ch_score_calibrate(0) >= CH_SCORE_FLAG);
    assert_true(ch_score_calibrate(nextafter(0, -1)) < CH_SCORE_FLAG);
    assert_true(ch_score_calibrate(-1e-300) < CH_SCORE_FLAG);
    assert_float_equal(ch_score_calibrate(0), CH_SCORE_FLAG, 1e-12);
    assert_true(ch_score_calibrate(INFINITY) == 1);
    assert_true(ch_score_calibrate(-INFINITY) == 0);
    assert_true(ch_score_calibrate(NAN) == 0);
    assert_true(ch_score_calibrate(1e308) <= 1);
    /* strictly increasing where a double can show it: scores rank */
    assert_true(ch_score_calibrate(1) < ch_score_calibrate(2));
    assert_true(ch_score_calibrate(5) < ch_score_calibrate(10));
    assert_true(ch_score_calibrate(-3) < ch_score_calibrate(-1));
    /* the public constant is the library's */
    assert_float_equal(CHORUS_SCORE_FLAG, CH_SCORE_FLAG, 1e-12);
    /* without coordination evidence (z <= logit(support_max)) never flagged */
    assert_true(ch_score_calibrate(LOGIT_SUPPORT_MAX) < CH_SCORE_FLAG);
}

/* Rescoring re-sorts the clusters and the scores follow their new ids. */
static void test_rescore(void **state)
{
    (void)state;
    uint32_t m0[] = {0, 1, 2}, m1[] = {3, 4, 5, 6}, m2[] = {7, 8, 9};
    ch_cluster cl[3];
    memset(cl, 0, sizeof cl);
    cl[0] = (ch_cluster){.members = m0, .n_members = 3, .score = 0.9, .strength = 0.9};
    cl[1] = (ch_cluster){.members = m1, .n_members = 4, .score = 0.5, .strength = 0.5};
    cl[2] = (ch_cluster){.members = m2, .n_members = 3, .score = 0.2, .strength = 0.2};
    uint32_t of[11];
    for (int a = 0; a < 10; a++)
        of[a] = a < 3 ? 0 : a < 7 ? 1 : 2;
    of[10] = CH_NONE;
    ch_network net;
    memset(&net, 0, sizeof net);
    net.n_accounts = 11;
    net.clusters = cl;
    net.n_clusters = 3;
    net.cluster_of_account = of;

    ch_score_raw raw[11];
    memset(raw, 0, sizeof raw);
    for (int a = 0; a < 11; a++)
        raw[a].cluster = of[a];
    double cs[3] = {0.93, 0.99, 0.95};   /* members' means: the order becomes 1, 2, 0 */
    ch_scores sc;
    memset(&sc, 0, sizeof sc);
    sc.n_accounts = 11;
    sc.raw = raw;
    sc.cluster_score = cs;
    sc.n_clusters = 3;

    uint32_t new_id[3];
    const double bad[3] = {0.5, 1.5, 0.1};
    assert_int_equal(ch_network_rescore(&net, bad, new_id), CHORUS_EUSAGE);
    assert_true(cl[0].score == 0.9);   /* nothing changed */
    assert_int_equal(ch_network_rescore(&net, NULL, new_id), CHORUS_EUSAGE);
    assert_int_equal(ch_network_rescore(&net, cs, new_id), CHORUS_OK);
    assert_int_equal(new_id[0], 2);
    assert_int_equal(new_id[1], 0);
    assert_int_equal(new_id[2], 1);
    assert_true(net.clusters[0].score == 0.99 && net.clusters[0].members == m1);
    assert_true(net.clusters[1].score == 0.95 && net.clusters[1].members == m2);
    assert_true(net.clusters[2].score == 0.93 && net.clusters[2].members == m0);
    assert_true(net.clusters[2].strength == 0.9);
    for (size_t k = 0; k < 3; k++)
        for (uint32_t j = 0; j < net.clusters[k].n_members; j++)
            assert_int_equal(of[net.clusters[k].members[j]], k);
    assert_int_equal(of[10], CH_NONE);

    assert_int_equal(ch_scores_renumber_clusters(&sc, new_id), CHORUS_OK);
    assert_true(cs[0] == 0.99 && cs[1] == 0.95 && cs[2] == 0.93);
    for (int a = 0; a < 11; a++)
        assert_int_equal(raw[a].cluster, of[a]);
    const uint32_t out_of_range[3] = {0, 1, 3};
    assert_int_equal(ch_scores_renumber_clusters(&sc, out_of_range), CHORUS_EUSAGE);
    /* allocation failure: reported, nothing changed */
    ch_alloc_fail_after(1);
    assert_int_equal(ch_network_rescore(&net, cs, new_id), CHORUS_ENOMEM);
    ch_alloc_fail_after(0);
    ch_alloc_fail_after(1);
    assert_int_equal(ch_scores_renumber_clusters(&sc, new_id), CHORUS_ENOMEM);
    ch_alloc_fail_after(0);
    assert_true(cs[0] == 0.99);
    /* no clusters: nothing to do */
    ch_network empty;
    memset(&empty, 0, sizeof empty);
    assert_int_equal(ch_network_rescore(&empty, NULL, NULL), CHORUS_OK);
}

static void test_empty_and_invalid(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_scores *s = NULL;
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, &s), CHORUS_OK);
    assert_int_equal(s->n_accounts, 0);
    char buf[64];
    assert_int_equal(ch_score_reasons(s, 0, buf, sizeof buf), 2);
    assert_string_equal(buf, "{}");
    ch_scores_free(s);
    ch_scores_free(NULL);
    ch_score_opts o;
    ch_score_opts_default(&o);
    o.support_max = 1.5;
    assert_int_equal(ch_score_run(c, NULL, NULL, &o, &s), CHORUS_EUSAGE);
    assert_null(s);
    double w[CH_SF__COUNT + 1] = {0};
    w[3] = NAN;
    ch_score_opts_default(&o);
    o.weights = w;
    assert_int_equal(ch_score_run(c, NULL, NULL, &o, &s), CHORUS_EUSAGE);
    assert_int_equal(ch_score_run(c, NULL, NULL, NULL, NULL), CHORUS_EUSAGE);
    /* a network of another corpus */
    ch_network fake;
    memset(&fake, 0, sizeof fake);
    fake.n_accounts = 3;
    assert_int_equal(ch_score_run(c, &fake, NULL, NULL, &s), CHORUS_EUSAGE);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_and_office_hours),
        cmocka_unit_test(test_minute_resolution),
        cmocka_unit_test(test_lookalike_low),
        cmocka_unit_test(test_parrot_and_echo),
        cmocka_unit_test(test_coordinated),
        cmocka_unit_test(test_empty_and_invalid),
        cmocka_unit_test(test_calibration),
        cmocka_unit_test(test_rescore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
