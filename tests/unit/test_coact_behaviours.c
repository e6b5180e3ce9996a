/* test_coact_behaviours.c — the co-action behaviours added for likes and threads (co-like,
 * co-thread, Telegram forwards as co-reposts), per-behaviour windows, and the compatibility
 * modes: CooRTweet's detect_groups + generate_coordinated_network (min_participation, the
 * window boundary, weights; checked against a direct all-pairs reading of its rules on random
 * corpora and, when ../shared is there, the 3,721 pairs among 2,110 accounts of its own
 * sample), CNT's directed weights, min_edge_weight and co_similar_tweet, and the network of a
 * compatibility mode (connected components). */
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
#include "ingest/ingest.h"

#define COORTWEET CHORUS_SHARED_DATA "/coortweet-russian-coord-retweets/russian_coord_tweets.csv"
#define T0 INT64_C(1600000000)
#define BIT(b) (1u << (b))

typedef struct P {
    const char *id, *author;
    int64_t t;
    ch_kind kind;
    const char *ref, *root, *text, *url, *platform;
} P;

static void addp(ch_corpus *c, P p)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){p.id, strlen(p.id)};
    r.author_id = (ch_slice){p.author, strlen(p.author)};
    r.created_at = p.t;
    r.kind = p.kind;
    if (p.kind != CH_KIND_LIKE) {
        const char *text = p.text ? p.text : "text";
        r.text = (ch_slice){text, strlen(text)};
    }
    if (p.ref)
        r.ref_id = (ch_slice){p.ref, strlen(p.ref)};
    if (p.root)
        r.root_id = (ch_slice){p.root, strlen(p.root)};
    if (p.url)
        ch_rawpost_add_url(&r, p.url, strlen(p.url));
    if (p.platform)
        r.platform = (ch_slice){p.platform, strlen(p.platform)};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static ch_corpus *new_corpus(void)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    return c;
}

static uint32_t acct(const ch_corpus *c, const char *platform, const char *id)
{
    size_t a = SIZE_MAX;
    for (size_t i = 0; i < ch_corpus_naccounts(c); i++) {
        const ch_account *x = ch_corpus_account(c, i);
        const ch_pool *pool = ch_corpus_pool(c);
        if (!strcmp(ch_pool_str(pool, x->id), id) &&
            !strcmp(ch_corpus_platform_name(c, x->platform), platform ? platform : ""))
            a = i;
    }
    assert_true(a != SIZE_MAX);
    return (uint32_t)a;
}

/* Every pair with a shared object is an edge (no test), behaviours `mask`. */
static ch_coact_opts open_opts(int64_t window, uint32_t mask)
{
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.window = window;
    o.threads = 1;
    o.screen_p = 1;
    o.min_objects = 1;
    o.min_units = 1;       /* extraction, not the repeated-co-action rule, is tested here */
    o.behaviours = mask;
    return o;
}

static const ch_edge *edge(const ch_coact_result *r, ch_behaviour b, uint32_t x, uint32_t y)
{
    const uint32_t a = x < y ? x : y, bb = x < y ? y : x;
    for (size_t i = 0; i < r->n_edges; i++)
        if (r->edges[i].behaviour == b && r->edges[i].a == a && r->edges[i].b == bb)
            return &r->edges[i];
    return NULL;
}

static bool has_object(const ch_coact_result *r, ch_behaviour b, const char *text)
{
    for (size_t i = 0; i < r->n_shared_obj; i++)
        if (r->shared_obj[i].behaviour == b && !strcmp(r->shared_obj[i].text, text))
            return true;
    return false;
}

/* ---- co-like, co-thread, forwards ---------------------------------------------------------- */

static void test_co_like(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A and B like three posts within seconds of each other; C likes one a day later */
    const char *liked[3] = {"L1", "L2", "L3"};
    for (int k = 0; k < 3; k++) {
        char ia[16], ib[16];
        snprintf(ia, sizeof ia, "a%d", k);
        snprintf(ib, sizeof ib, "b%d", k);
        addp(c, (P){.id = ia, .author = "A", .t = T0 + 1000 * k, .kind = CH_KIND_LIKE, .ref = liked[k]});
        addp(c, (P){.id = ib, .author = "B", .t = T0 + 1000 * k + 5, .kind = CH_KIND_LIKE, .ref = liked[k]});
    }
    addp(c, (P){.id = "c0", .author = "C", .t = T0 + 86400, .kind = CH_KIND_LIKE, .ref = "L1"});
    ch_coact_opts o = open_opts(60, 0);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    const uint32_t A = acct(c, NULL, "A"), B = acct(c, NULL, "B"), C = acct(c, NULL, "C");
    const ch_edge *e = edge(r, CH_B_LIKE, A, B);
    assert_non_null(e);
    assert_int_equal(e->n_objects, 3);
    assert_null(edge(r, CH_B_LIKE, A, C));
    assert_null(edge(r, CH_B_REPOST, A, B));   /* a like is no repost */
    assert_int_equal(r->n_edges, 1);
    assert_int_equal(r->events[CH_B_LIKE], 7);
    assert_true(has_object(r, CH_B_LIKE, "post L2"));
    assert_string_equal(ch_behaviour_name(CH_B_LIKE), "like");
    assert_string_equal(ch_network_object_noun(CH_B_LIKE), "posts");
    ch_coact_result_free(r);
    /* not selected: no like events */
    o.behaviours = BIT(CH_B_REPOST);
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 0);
    assert_int_equal(r->events[CH_B_LIKE], 0);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

static void test_co_thread(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A and B comment inside the same threads (replying to different comments of each); a
     * reply straight to the root is a co-reply, not a co-thread event */
    addp(c, (P){.id = "R1", .author = "OP", .t = T0 - 100, .kind = CH_KIND_POST});
    addp(c, (P){.id = "R2", .author = "OP", .t = T0 - 100, .kind = CH_KIND_POST});
    addp(c, (P){.id = "x1", .author = "X", .t = T0, .kind = CH_KIND_REPLY, .ref = "R1", .root = "R1"});
    addp(c, (P){.id = "x2", .author = "X", .t = T0 + 1, .kind = CH_KIND_REPLY, .ref = "R1", .root = "R1"});
    addp(c, (P){.id = "a1", .author = "A", .t = T0 + 10, .kind = CH_KIND_REPLY, .ref = "x1", .root = "R1"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 + 20, .kind = CH_KIND_REPLY, .ref = "x2", .root = "R1"});
    addp(c, (P){.id = "y2", .author = "Y", .t = T0 + 5000, .kind = CH_KIND_REPLY, .ref = "R2", .root = "R2"});
    addp(c, (P){.id = "a2", .author = "A", .t = T0 + 5010, .kind = CH_KIND_REPLY, .ref = "y2", .root = "R2"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 5030, .kind = CH_KIND_REPLY, .ref = "a2", .root = "R2"});
    ch_coact_opts o = open_opts(60, BIT(CH_B_THREAD) | BIT(CH_B_REPLY));
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    const uint32_t A = acct(c, NULL, "A"), B = acct(c, NULL, "B"), X = acct(c, NULL, "X");
    const ch_edge *e = edge(r, CH_B_THREAD, A, B);
    assert_non_null(e);
    assert_int_equal(e->n_objects, 2);
    assert_int_equal(r->events[CH_B_THREAD], 4);   /* a1 b1 a2 b2: x1, x2, y2 reply to roots */
    assert_null(edge(r, CH_B_THREAD, A, X));
    for (size_t i = 0; i < r->n_edges; i++)   /* every parent has one replier */
        assert_int_not_equal(r->edges[i].behaviour, CH_B_REPLY);
    assert_true(has_object(r, CH_B_THREAD, "thread of post R1"));
    assert_true(has_object(r, CH_B_THREAD, "thread of post R2"));
    assert_string_equal(ch_behaviour_name(CH_B_THREAD), "thread");
    assert_string_equal(ch_network_object_noun(CH_B_THREAD), "threads");
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

static void test_telegram_forwards(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    addp(c, (P){.id = "f1", .author = "chanA", .t = T0, .kind = CH_KIND_REPOST, .ref = "src/10", .platform = "telegram"});
    addp(c, (P){.id = "f2", .author = "chanB", .t = T0 + 30, .kind = CH_KIND_REPOST, .ref = "src/10", .platform = "telegram"});
    addp(c, (P){.id = "r1", .author = "A", .t = T0, .kind = CH_KIND_REPOST, .ref = "src/10"});   /* another platform's post */
    ch_coact_opts o = open_opts(60, BIT(CH_B_REPOST));
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 1);
    assert_non_null(edge(r, CH_B_REPOST, acct(c, "telegram", "chanA"), acct(c, "telegram", "chanB")));
    assert_true(has_object(r, CH_B_REPOST, "forwarded message src/10"));
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* ---- per-behaviour windows ----------------------------------------------------------------- */

static void test_window_of(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A and B repost two posts 100 s apart and share two URLs 100 s apart */
    addp(c, (P){.id = "a1", .author = "A", .t = T0, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 + 100, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "a2", .author = "A", .t = T0 + 1000, .kind = CH_KIND_REPOST, .ref = "O2"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 1100, .kind = CH_KIND_REPOST, .ref = "O2"});
    addp(c, (P){.id = "a3", .author = "A", .t = T0 + 2000, .kind = CH_KIND_POST, .url = "https://x.example/1"});
    addp(c, (P){.id = "b3", .author = "B", .t = T0 + 2100, .kind = CH_KIND_POST, .url = "https://x.example/1"});
    addp(c, (P){.id = "a4", .author = "A", .t = T0 + 3000, .kind = CH_KIND_POST, .url = "https://x.example/2"});
    addp(c, (P){.id = "b4", .author = "B", .t = T0 + 3100, .kind = CH_KIND_POST, .url = "https://x.example/2"});
    ch_coact_opts o = open_opts(60, BIT(CH_B_REPOST) | BIT(CH_B_LINK));
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 0);   /* 100 s > 60 s */
    ch_coact_result_free(r);
    o.window_of[CH_B_LINK] = 100;      /* link alone gets 100 s: |dt| <= window */
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 1);
    assert_int_equal(r->edges[0].behaviour, CH_B_LINK);
    assert_int_equal(r->edges[0].window, 100);
    assert_int_equal(r->windows[CH_B_LINK], 100);
    assert_int_equal(r->windows[CH_B_REPOST], 60);
    ch_coact_result_free(r);
    /* under window auto the named behaviour is fixed (one look) */
    o.window = 0;
    o.window_of[CH_B_LINK] = 99;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->windows[CH_B_LINK], 99);
    assert_int_equal(r->windows_long[CH_B_LINK], 0);   /* one look */
    assert_null(edge(r, CH_B_LINK, 0, 1));
    ch_coact_result_free(r);
    o.window_of[CH_B_LINK] = -1;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_EUSAGE);
    chorus_corpus_free(c);
}

/* ---- CooRTweet ----------------------------------------------------------------------------- */

static ch_coact_opts compat_opts(int compat, int64_t window, uint32_t min)
{
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.threads = 1;
    o.compat = (uint8_t)compat;
    o.window = window;
    o.compat_min = min;
    return o;
}

static void test_coortweet_rules(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A, B: two co-retweets each (both participate). C co-retweets once with A (C does not
     * participate, A does: the pair is an edge). D co-retweets once with E, neither
     * participates (E retweets twice but once alone): no edge. F retweets once: filtered
     * before the join. Boundary: dt == window co-acts, window + 1 does not. */
    addp(c, (P){.id = "a1", .author = "A", .t = T0, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 + 10, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "a2", .author = "A", .t = T0 + 1000, .kind = CH_KIND_REPOST, .ref = "O2"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 1010, .kind = CH_KIND_REPOST, .ref = "O2"});
    addp(c, (P){.id = "c1", .author = "C", .t = T0 + 1005, .kind = CH_KIND_REPOST, .ref = "O2"});
    addp(c, (P){.id = "c2", .author = "C", .t = T0 + 50000, .kind = CH_KIND_REPOST, .ref = "O9"});
    addp(c, (P){.id = "d1", .author = "D", .t = T0 + 5000, .kind = CH_KIND_REPOST, .ref = "O3"});
    addp(c, (P){.id = "e1", .author = "E", .t = T0 + 5010, .kind = CH_KIND_REPOST, .ref = "O3"});   /* dt 10 == window */
    addp(c, (P){.id = "d2", .author = "D", .t = T0 + 9000, .kind = CH_KIND_REPOST, .ref = "O4"});
    addp(c, (P){.id = "e2", .author = "E", .t = T0 + 9011, .kind = CH_KIND_REPOST, .ref = "O4"});   /* dt 11 > window */
    addp(c, (P){.id = "f1", .author = "F", .t = T0 + 1001, .kind = CH_KIND_REPOST, .ref = "O2"});
    ch_coact_opts o = compat_opts(CH_COMPAT_COORTWEET, 0, 2);   /* window: the default, 10 */
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    const uint32_t A = acct(c, NULL, "A"), B = acct(c, NULL, "B"), C = acct(c, NULL, "C"),
                   D = acct(c, NULL, "D"), E = acct(c, NULL, "E"), F = acct(c, NULL, "F");
    assert_int_equal(r->windows[CH_B_REPOST], CH_COACT_COORTWEET_WINDOW);
    const ch_edge *ab = edge(r, CH_B_REPOST, A, B);
    assert_non_null(ab);
    assert_true(ab->weight == 2);     /* two co-acting event pairs */
    assert_int_equal(ab->n_objects, 2);
    assert_true(isnan(ab->pvalue));
    assert_non_null(edge(r, CH_B_REPOST, A, C));
    assert_non_null(edge(r, CH_B_REPOST, B, C));
    assert_null(edge(r, CH_B_REPOST, D, E));
    assert_null(edge(r, CH_B_REPOST, A, F));
    assert_int_equal(r->n_edges, 3);
    /* the evidence names the objects */
    assert_true(r->n_shared >= 4);
    ch_coact_result_free(r);
    /* min_participation 1: D-E co-act once (dt == 10) and become an edge; F too */
    o.compat_min = 1;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_non_null(edge(r, CH_B_REPOST, D, E));
    assert_non_null(edge(r, CH_B_REPOST, A, F));
    assert_int_equal(edge(r, CH_B_REPOST, D, E)->n_objects, 1);
    ch_coact_result_free(r);
    /* a bad similarity is refused */
    o.compat_similarity = 0;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_EUSAGE);
    o.compat_similarity = 0.8;
    o.compat = 7;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_EUSAGE);
    chorus_corpus_free(c);
    assert_string_equal(ch_coact_compat_name(CH_COMPAT_COORTWEET), "coortweet");
    assert_string_equal(ch_coact_compat_name(CH_COMPAT_CNT), "cnt");
    assert_string_equal(ch_coact_compat_name(9), "?");
}

/* CooRTweet's rules read directly, all pairs: for a random corpus the compatibility mode
 * gives exactly these pairs and weights. */
static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_coortweet_all_pairs(void **state)
{
    (void)state;
    for (int round = 0; round < 4; round++) {
        ch_corpus *c = new_corpus();
        enum { NA = 40, NO = 25, NP = 600 };
        int64_t t[NP];
        uint32_t who[NP], obj[NP];
        for (int i = 0; i < NP; i++) {
            char id[16], au[16], ob[16];
            who[i] = (uint32_t)(rnd() % NA);
            obj[i] = (uint32_t)(rnd() % NO);
            t[i] = T0 + (int64_t)(rnd() % 20000);
            snprintf(id, sizeof id, "p%d", i);
            snprintf(au, sizeof au, "u%u", who[i]);
            snprintf(ob, sizeof ob, "o%u", obj[i]);
            addp(c, (P){.id = id, .author = au, .t = t[i], .kind = CH_KIND_REPOST, .ref = ob});
        }
        const int64_t W = 30 + 30 * round;
        const uint32_t mp = 1 + (uint32_t)round % 3;
        /* accounts by corpus index */
        uint32_t idx[NA];
        bool present[NA] = {0};
        for (int i = 0; i < NP; i++)
            present[who[i]] = true;
        for (uint32_t a = 0; a < NA; a++) {
            char au[16];
            snprintf(au, sizeof au, "u%u", a);
            idx[a] = present[a] ? acct(c, NULL, au) : UINT32_MAX;
        }
        uint32_t k[NA] = {0}, marked[NA] = {0};
        for (int i = 0; i < NP; i++)
            k[who[i]]++;
        static uint32_t w[NA][NA];
        memset(w, 0, sizeof w);
        bool hit[NP] = {0};
        for (int i = 0; i < NP; i++)
            for (int j = i + 1; j < NP; j++)
                if (obj[i] == obj[j] && who[i] != who[j] && k[who[i]] >= mp &&
                    k[who[j]] >= mp && llabs(t[i] - t[j]) <= W) {
                    w[who[i]][who[j]]++;
                    w[who[j]][who[i]]++;
                    hit[i] = hit[j] = true;
                }
        for (int i = 0; i < NP; i++)
            marked[who[i]] += hit[i];
        ch_coact_opts o = compat_opts(CH_COMPAT_COORTWEET, W, mp);
        ch_coact_result *r;
        assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
        size_t want = 0;
        for (uint32_t a = 0; a < NA; a++)
            for (uint32_t b = a + 1; b < NA; b++) {
                if (!w[a][b] || (marked[a] < mp && marked[b] < mp))
                    continue;
                want++;
                const ch_edge *e = edge(r, CH_B_REPOST, idx[a], idx[b]);
                assert_non_null(e);
                assert_true(e->weight == w[a][b]);
            }
        assert_int_equal(r->n_edges, want);
        assert_true(want > 0);
        ch_coact_result_free(r);
        chorus_corpus_free(c);
    }
}

/* CooRTweet's own sample: 3,721 pairs among 2,110 accounts at time_window 60,
 * min_participation 2 (its detect_groups + generate_coordinated_network). */
static void test_coortweet_sample(void **state)
{
    (void)state;
    FILE *f = fopen(COORTWEET, "rb");
    if (!f) {
        printf("skipped: %s is absent\n", COORTWEET);
        skip();
    }
    fclose(f);
    ch_corpus *c = new_corpus();
    ch_ingest_opts io = {.reader = &ch_reader_csv};
    assert_int_equal(ch_ingest_file(c, COORTWEET, &io, NULL), CHORUS_OK);
    ch_coact_opts o = compat_opts(CH_COMPAT_COORTWEET, 60, 2);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 3721);
    ch_network *n;
    assert_int_equal(ch_network_build_compat(c, r, CH_COMPAT_COORTWEET, &n), CHORUS_OK);
    assert_int_equal(n->n_edges, 3721);
    size_t paired = 0;
    for (size_t i = 0; i < ch_corpus_naccounts(c); i++)
        paired += n->cluster_of_account[i] != CH_NONE;
    assert_int_equal(paired, 2110);
    ch_network_free(n);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* ---- CNT ----------------------------------------------------------------------------------- */

static void test_cnt_weights(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A retweets O1 once; B retweets it three times around A's (ids differ): a->b 1, b->a 3.
     * C and D share a URL twice within the window: weight 2 each way. */
    addp(c, (P){.id = "a1", .author = "A", .t = T0, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 - 20, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 10, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "b3", .author = "B", .t = T0 + 30, .kind = CH_KIND_REPOST, .ref = "O1"});
    addp(c, (P){.id = "c1", .author = "C", .t = T0, .kind = CH_KIND_POST, .text = "one", .url = "https://l.example/u"});
    addp(c, (P){.id = "d1", .author = "D", .t = T0 + 59, .kind = CH_KIND_POST, .text = "two", .url = "https://l.example/u"});
    addp(c, (P){.id = "c2", .author = "C", .t = T0 + 500, .kind = CH_KIND_POST, .text = "three", .url = "https://l.example/v"});
    addp(c, (P){.id = "d2", .author = "D", .t = T0 + 520, .kind = CH_KIND_POST, .text = "four", .url = "https://l.example/v"});
    ch_coact_opts o = compat_opts(CH_COMPAT_CNT, 60, 2);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    const uint32_t A = acct(c, NULL, "A"), B = acct(c, NULL, "B"), C = acct(c, NULL, "C"),
                   D = acct(c, NULL, "D");
    const ch_edge *ab = edge(r, CH_B_REPOST, A, B);
    assert_non_null(ab);
    assert_true(ab->weight == 3);      /* the larger direction */
    const ch_edge *cd = edge(r, CH_B_LINK, C, D);
    assert_non_null(cd);
    assert_true(cd->weight == 2);
    assert_true(has_object(r, CH_B_LINK, "https://l.example/u"));
    ch_coact_result_free(r);
    o.compat_min = 4;                  /* min_edge_weight above both */
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 0);
    ch_coact_result_free(r);
    o.compat_min = 2;
    o.window = 1;                      /* the toolkit's own default window: nothing */
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 0);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

static void test_cnt_similarity(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* same words, other case, spacing and mentions: similar; a word more of ten: 10/11 >= 0.8;
     * half the words: not; reposts are never compared; too far apart in time: not */
    addp(c, (P){.id = "a1", .author = "A", .t = T0, .kind = CH_KIND_POST, .text = "the minister said the bridge will open on monday for all traffic"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 + 30, .kind = CH_KIND_POST, .text = "@someone THE Minister said the bridge will open on Monday for all  traffic"});
    addp(c, (P){.id = "a2", .author = "A", .t = T0 + 1000, .kind = CH_KIND_POST, .text = "one two three four five six seven eight nine ten"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 1010, .kind = CH_KIND_POST, .text = "one two three four five six seven eight nine ten eleven"});
    addp(c, (P){.id = "e1", .author = "E", .t = T0 + 1020, .kind = CH_KIND_POST, .text = "one two three four five"});
    addp(c, (P){.id = "f1", .author = "F", .t = T0 + 1030, .kind = CH_KIND_REPOST, .ref = "X", .text = "one two three four five six seven eight nine ten"});
    addp(c, (P){.id = "g1", .author = "G", .t = T0 + 5000, .kind = CH_KIND_POST, .text = "one two three four five six seven eight nine ten"});
    ch_coact_opts o = compat_opts(CH_COMPAT_CNT, 60, 1);
    o.behaviours = BIT(CH_B_NARRATIVE);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    const uint32_t A = acct(c, NULL, "A"), B = acct(c, NULL, "B"), E = acct(c, NULL, "E"),
                   F = acct(c, NULL, "F"), G = acct(c, NULL, "G");
    const ch_edge *ab = edge(r, CH_B_NARRATIVE, A, B);
    assert_non_null(ab);
    assert_true(ab->weight == 2);
    assert_null(edge(r, CH_B_NARRATIVE, A, E));
    assert_null(edge(r, CH_B_NARRATIVE, B, E));
    assert_null(edge(r, CH_B_NARRATIVE, A, F));
    assert_null(edge(r, CH_B_NARRATIVE, A, G));
    assert_int_equal(r->n_edges, 1);
    /* evidence: the similar post pairs, named by the earlier post */
    assert_int_equal(r->n_shared, 2);
    assert_true(has_object(r, CH_B_NARRATIVE, "text similar to post a1"));
    ch_coact_result_free(r);
    o.compat_similarity = 0.5;         /* 5 of A's 10 words: E joins A, not B (5 of 11) */
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_non_null(edge(r, CH_B_NARRATIVE, A, E));
    assert_null(edge(r, CH_B_NARRATIVE, B, E));
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* ---- the network of a compatibility mode ----------------------------------------------------- */

static void test_compat_network(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* a chain A-B-C (two co-retweets each) and a separate pair D-E */
    const char *chain[3][2] = {{"A", "B"}, {"B", "C"}, {"D", "E"}};
    int id = 0;
    for (int g = 0; g < 3; g++)
        for (int k = 0; k < 2; k++) {
            char o[16], i1[16], i2[16];
            snprintf(o, sizeof o, "O%d_%d", g, k);
            snprintf(i1, sizeof i1, "p%d", id++);
            snprintf(i2, sizeof i2, "p%d", id++);
            const int64_t t = T0 + 1000 * (3 * g + k);
            addp(c, (P){.id = i1, .author = chain[g][0], .t = t, .kind = CH_KIND_REPOST, .ref = o});
            addp(c, (P){.id = i2, .author = chain[g][1], .t = t + 5, .kind = CH_KIND_REPOST, .ref = o});
        }
    ch_coact_opts o = compat_opts(CH_COMPAT_COORTWEET, 10, 2);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 3);
    ch_network *n;
    assert_int_equal(ch_network_build_compat(c, r, CH_COMPAT_COORTWEET, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 2);
    assert_int_equal(n->clusters[0].n_members, 3);   /* largest first */
    assert_int_equal(n->clusters[1].n_members, 2);
    assert_int_equal(n->clusters[0].n_edges, 2);
    assert_true(fabs(n->clusters[0].density - 2.0 / 3) < 1e-9);
    assert_true(n->clusters[1].density == 1);
    assert_int_equal(n->n_coact_kept, 3);
    assert_non_null(strstr(n->clusters[0].summary, "3 accounts, 2 pairs"));
    assert_non_null(strstr(n->clusters[0].summary, "coortweet"));
    const uint32_t A = acct(c, NULL, "A"), C = acct(c, NULL, "C"), D = acct(c, NULL, "D");
    assert_int_equal(n->cluster_of_account[A], n->cluster_of_account[C]);
    assert_int_not_equal(n->cluster_of_account[A], n->cluster_of_account[D]);
    assert_int_equal(n->clusters[0].n_objects, 4);
    assert_true(n->clusters[0].first_seen == T0);
    ch_network_free(n);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* Allocation failures in a compatibility run come back as CHORUS_ENOMEM, never a crash. */
static void test_compat_alloc_failures(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    addp(c, (P){.id = "a1", .author = "A", .t = T0, .kind = CH_KIND_POST, .text = "same words here", .url = "https://u.example"});
    addp(c, (P){.id = "b1", .author = "B", .t = T0 + 5, .kind = CH_KIND_POST, .text = "same words here", .url = "https://u.example"});
    addp(c, (P){.id = "a2", .author = "A", .t = T0 + 100, .kind = CH_KIND_REPOST, .ref = "O"});
    addp(c, (P){.id = "b2", .author = "B", .t = T0 + 101, .kind = CH_KIND_REPOST, .ref = "O"});
    for (int compat = CH_COMPAT_COORTWEET; compat <= CH_COMPAT_CNT; compat++) {
        ch_coact_opts o = compat_opts(compat, 60, 1);
        int ok = 0;
        for (uint64_t k = 1; k < 400 && !ok; k++) {
            ch_alloc_fail_after(k);
            ch_coact_result *r = NULL;
            int rc = ch_coact_run(c, &o, &r);
            ch_network *n = NULL;
            if (rc == CHORUS_OK) {
                rc = ch_network_build_compat(c, r, compat, &n);
                ok = rc == CHORUS_OK;
            }
            ch_alloc_fail_after(0);
            assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
            ch_network_free(n);
            ch_coact_result_free(r);
        }
        assert_true(ok);
    }
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_co_like),
        cmocka_unit_test(test_co_thread),
        cmocka_unit_test(test_telegram_forwards),
        cmocka_unit_test(test_window_of),
        cmocka_unit_test(test_coortweet_rules),
        cmocka_unit_test(test_coortweet_all_pairs),
        cmocka_unit_test(test_coortweet_sample),
        cmocka_unit_test(test_cnt_weights),
        cmocka_unit_test(test_cnt_similarity),
        cmocka_unit_test(test_compat_network),
        cmocka_unit_test(test_compat_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
