/* test_coact.c — co-actions: object keys of every behaviour, the window boundary, repeated
 * accounts, occasions, the pair bound and crowd objects, the null model on scenarios that
 * must produce no significant edge and no cluster (the screened edges go through the network
 * stage) and on a ring that must, the two looks of window auto, screening and its cap, thread
 * independence, allocation failures, the window estimate, and the CooRTweet reference
 * (co-repost pairs equal to an all-pairs implementation); the objects of the evidence (named
 * once, stable keys across corpora, platform-scoped post ids, likes no reposts) and the
 * network counting them. */
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
#include "detect/coact/coact_int.h"
#include "detect/network/network.h"
#include "ingest/ingest.h"

#define COORTWEET CHORUS_SHARED_DATA "/coortweet-russian-coord-retweets/russian_coord_tweets.csv"
#define T0 INT64_C(1600000000)

/* ---- building corpora in memory ---------------------------------------------------------- */

typedef struct P {
    const char *id, *author;
    int64_t t;
    ch_kind kind;
    const char *ref, *ref_author, *text;
    const char *urls[4];
    const char *tags[6];
    const char *platform;   /* NULL: the file's (none) */
    const char *mentions[4];
} P;

static size_t addp(ch_corpus *c, P p)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){p.id, strlen(p.id)};
    r.author_id = (ch_slice){p.author, strlen(p.author)};
    r.created_at = p.t;
    r.kind = p.kind;
    const char *text = p.text ? p.text : "text";
    r.text = (ch_slice){text, strlen(text)};
    if (p.ref)
        r.ref_id = (ch_slice){p.ref, strlen(p.ref)};
    if (p.ref_author)
        r.ref_author = (ch_slice){p.ref_author, strlen(p.ref_author)};
    for (int i = 0; i < 4 && p.urls[i]; i++)
        ch_rawpost_add_url(&r, p.urls[i], strlen(p.urls[i]));
    for (int i = 0; i < 6 && p.tags[i]; i++)
        ch_rawpost_add_hashtag(&r, p.tags[i], strlen(p.tags[i]));
    for (int i = 0; i < 4 && p.mentions[i]; i++)
        ch_rawpost_add_mention(&r, p.mentions[i], strlen(p.mentions[i]));
    if (p.platform)
        r.platform = (ch_slice){p.platform, strlen(p.platform)};
    if (p.kind == CH_KIND_LIKE)
        r.text = (ch_slice){NULL, 0};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
    return ch_corpus_nposts(c) - 1;
}

static unsigned next_id;

/* A repost of `ref` by `author` at t. */
static size_t rp(ch_corpus *c, const char *author, const char *ref, int64_t t)
{
    char id[32];
    snprintf(id, sizeof id, "p%u", next_id++);
    return addp(c, (P){.id = id, .author = author, .t = t, .kind = CH_KIND_REPOST, .ref = ref, .urls = {0}});
}

static ch_corpus *new_corpus(void)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    next_id = 0;
    return c;
}

static uint32_t acct(const ch_corpus *c, const char *id)
{
    size_t a = ch_corpus_find_account(c, 0, id, strlen(id));
    assert_true(a != SIZE_MAX);
    return (uint32_t)a;
}

static ch_coact_opts opts(int64_t window, uint32_t k)
{
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.window = window;
    o.max_pairs_per_event = k;
    o.threads = 1;
    return o;
}

/* The candidate pair (a, b) of behaviour beh, or NULL. */
static const ch_edge *find_pair(const ch_edge *e, size_t n, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) {
        if (e[i].a == a && e[i].b == b)
            return &e[i];
    }
    return NULL;
}

static void pairs(const ch_corpus *c, ch_behaviour b, int64_t w, ch_edge **e, size_t *n)
{
    ch_coact_opts o = opts(w, 0);
    assert_int_equal(ch_coact_pairs(c, &o, b, e, n, NULL), CHORUS_OK);
}

/* Deterministic generator for scenarios. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}
static double unif(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }
static int64_t expo(double mean) { return (int64_t)(-mean * log(1.0 - unif())); }

static ch_corpus *mixed_corpus(void);

/* ---- keys and definitions ---------------------------------------------------------------- */

static void test_window_boundary(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    const int64_t W = 60;
    /* o1, o2: B exactly W after A (counts); o3, o4: W + 1 (does not); o5: B before A by W. */
    rp(c, "A", "o1", T0);
    rp(c, "B", "o1", T0 + W);
    rp(c, "A", "o2", T0 + 1000);
    rp(c, "B", "o2", T0 + 1000 + W);
    rp(c, "A", "o3", T0 + 2000);
    rp(c, "B", "o3", T0 + 2000 + W + 1);
    rp(c, "A", "o4", T0 + 3000 + W + 1);
    rp(c, "B", "o4", T0 + 3000);
    rp(c, "A", "o5", T0 + 4000 + W);
    rp(c, "B", "o5", T0 + 4000);
    ch_edge *e;
    size_t n;
    int64_t used;
    ch_coact_opts o = opts(W, 0);
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_REPOST, &e, &n, &used), CHORUS_OK);
    assert_int_equal(used, W);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].a, acct(c, "A"));
    assert_int_equal(e[0].b, acct(c, "B"));
    assert_int_equal(e[0].n_objects, 3);
    assert_int_equal(e[0].n_events, 3);
    assert_int_equal(e[0].behaviour, CH_B_REPOST);
    ch_free(e);
    chorus_corpus_free(c);
}

/* Times from input can be anything: 2^64 apart they force the comparison-sort path and must
 * not overflow the window arithmetic (UBSan checks it). */
static void test_extreme_times(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    rp(c, "A", "o1", INT64_MIN + 1);
    rp(c, "B", "o1", INT64_MIN + 61);
    rp(c, "A", "o2", INT64_MAX - 100);
    rp(c, "B", "o2", INT64_MAX - 40);
    rp(c, "C", "o2", INT64_MIN + 1);
    rp(c, "A", "o3", 0);
    rp(c, "B", "o3", 60);
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_REPOST, 60, &e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].n_objects, 3);
    ch_free(e);
    ch_coact_opts o = opts(0, 20);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->window, CH_WINDOW_FALLBACK);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* No posts, no events, or only some behaviours selected. */
static void test_empty_and_mask(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    ch_coact_opts o = opts(0, 20);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_edges, 0);
    assert_int_equal(r->window, CH_WINDOW_FALLBACK);
    ch_coact_result_free(r);
    chorus_corpus_free(c);

    c = mixed_corpus();
    o = opts(60, 20);
    o.behaviours = 1u << CH_B_LINK;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->events[CH_B_REPOST], 0);
    assert_int_equal(r->events[CH_B_HASHTAG], 0);
    assert_true(r->events[CH_B_LINK] > 0);
    assert_true(r->n_edges > 0);
    for (size_t i = 0; i < r->n_edges; i++)
        assert_int_equal(r->edges[i].behaviour, CH_B_LINK);
    ch_coact_result_free(r);
    /* bad arguments */
    int64_t w[CH_B__COUNT];
    assert_int_equal(ch_coact_estimate_window(c, NULL, w, NULL), CHORUS_EUSAGE);
    assert_int_equal(ch_coact_run(c, &o, NULL), CHORUS_EUSAGE);
    ch_edge *e;
    size_t n;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B__COUNT, &e, &n, NULL), CHORUS_EUSAGE);
    chorus_corpus_free(c);
}

static void test_same_account_repeated(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* A acts three times on o1, B once: one object, three event pairs; A never pairs with
     * itself; C acts alone twice on o2. */
    rp(c, "A", "o1", T0);
    rp(c, "A", "o1", T0 + 1);
    rp(c, "A", "o1", T0 + 2);
    rp(c, "B", "o1", T0 + 3);
    rp(c, "C", "o2", T0);
    rp(c, "C", "o2", T0 + 1);
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_REPOST, 60, &e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].n_objects, 1);
    assert_int_equal(e[0].n_events, 3);
    ch_free(e);
    chorus_corpus_free(c);
}

static void test_rt_handle_key(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    /* Reposts known only by their text: same handle (any case) + same normalized text = one
     * object; another handle or another text = another object. */
    addp(c, (P){"r1", "A", T0, CH_KIND_REPOST, NULL, "Source", "RT @Source: Hello, World!", .urls = {0}});
    addp(c, (P){"r2", "B", T0 + 5, CH_KIND_REPOST, NULL, NULL, "RT @source:   hello world", .urls = {0}});
    addp(c, (P){"r3", "C", T0 + 6, CH_KIND_REPOST, NULL, NULL, "RT @SOURCE: HELLO WORLD…", .urls = {0}});
    addp(c, (P){"r4", "D", T0 + 7, CH_KIND_REPOST, NULL, NULL, "RT @other: Hello, World!", .urls = {0}});
    addp(c, (P){"r5", "E", T0 + 8, CH_KIND_REPOST, NULL, NULL, "RT @Source: Goodbye", .urls = {0}});
    /* A manual retweet read as a plain post counts too. */
    addp(c, (P){"r6", "F", T0 + 9, CH_KIND_POST, NULL, NULL, "RT @source: hello WORLD", .urls = {0}});
    /* No prefix: the ref handle names the original, the whole text is its text. */
    addp(c, (P){"r7", "G", T0 + 10, CH_KIND_REPOST, NULL, "@Source", "Hello world", .urls = {0}});
    /* Neither id, handle nor account: no object. */
    addp(c, (P){"r8", "H", T0 + 11, CH_KIND_REPOST, NULL, NULL, "Hello world", .urls = {0}});
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_REPOST, 60, &e, &n);
    const char *same[] = {"A", "B", "C", "F", "G"};
    size_t ns = sizeof same / sizeof same[0];
    assert_int_equal(n, ns * (ns - 1) / 2);
    for (size_t i = 0; i < ns; i++) {
        for (size_t j = i + 1; j < ns; j++) {
            const ch_edge *p = find_pair(e, n, acct(c, same[i]), acct(c, same[j]));
            assert_non_null(p);
            assert_int_equal(p->n_objects, 1);
        }
    }
    ch_free(e);
    chorus_corpus_free(c);
}

static void test_reply_quote_keys(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    addp(c, (P){"a1", "A", T0, CH_KIND_REPLY, "parent1", .urls = {0}});
    addp(c, (P){"b1", "B", T0 + 1, CH_KIND_REPLY, "parent1", .urls = {0}});
    addp(c, (P){"c1", "C", T0 + 2, CH_KIND_QUOTE, "parent1", .urls = {0}});
    addp(c, (P){"d1", "D", T0 + 3, CH_KIND_QUOTE, "parent1", .urls = {0}});
    addp(c, (P){"e1", "E", T0 + 4, CH_KIND_REPOST, "parent1", .urls = {0}});
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_REPLY, 60, &e, &n);
    assert_int_equal(n, 1);
    assert_non_null(find_pair(e, n, acct(c, "A"), acct(c, "B")));
    ch_free(e);
    pairs(c, CH_B_QUOTE, 60, &e, &n);
    assert_int_equal(n, 1);
    assert_non_null(find_pair(e, n, acct(c, "C"), acct(c, "D")));
    ch_free(e);
    chorus_corpus_free(c);
}

static void test_link_keys(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    addp(c, (P){"1", "A", T0, CH_KIND_POST, .urls = {"http://www.News.example/story?utm_source=tw"}});
    addp(c, (P){"2", "B", T0 + 1, CH_KIND_POST, .urls = {"https://news.example/story/#top"}});
    /* the same URL twice in a post is one action */
    addp(c, (P){"3", "C", T0 + 2, CH_KIND_POST,
                .urls = {"https://news.example/story?fbclid=1", "news.example/story"}});
    /* another story */
    addp(c, (P){"4", "D", T0 + 3, CH_KIND_POST, .urls = {"https://news.example/story2"}});
    /* a repost carries its original's URL: not a co-link */
    addp(c, (P){"5", "E", T0 + 4, CH_KIND_REPOST, "1", .urls = {"https://news.example/story"}});
    /* a quote's permalink to the quoted post is the quote itself, not a link */
    addp(c, (P){"6", "F", T0 + 5, CH_KIND_QUOTE, "777",
                .urls = {"https://twitter.com/someone/status/777"}});
    addp(c, (P){"7", "G", T0 + 6, CH_KIND_POST, .urls = {"https://x.com/someone/status/777?s=20"}});
    addp(c, (P){"8", "H", T0 + 7, CH_KIND_POST, .urls = {"not a url", "ftp://news.example/story"}});
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_LINK, 60, &e, &n);
    assert_int_equal(n, 3);
    assert_non_null(find_pair(e, n, acct(c, "A"), acct(c, "B")));
    assert_non_null(find_pair(e, n, acct(c, "A"), acct(c, "C")));
    const ch_edge *bc = find_pair(e, n, acct(c, "B"), acct(c, "C"));
    assert_non_null(bc);
    assert_int_equal(bc->n_events, 1);
    ch_free(e);
    chorus_corpus_free(c);
}

/* Hashtags: a post acts on its rarest tag (fewest distinct accounts), folded like text; a
 * repost takes no part. vote: A-F (6 accounts), now: A-D (4), today: D only. */
static void test_hashtag_sets(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    addp(c, (P){"1", "A", T0, CH_KIND_POST, .tags = {"Vote", "Now"}});
    addp(c, (P){"2", "B", T0 + 1, CH_KIND_POST, .tags = {"now", "VOTE", "vote"}});
    addp(c, (P){"3", "C", T0 + 2, CH_KIND_POST, .tags = {"#NOW", "Ｖｏｔｅ"}}); /* full width */
    addp(c, (P){"4", "D", T0 + 3, CH_KIND_POST, .tags = {"vote", "now", "today"}}); /* today */
    addp(c, (P){"5", "E", T0 + 4, CH_KIND_POST, .tags = {"vote"}});
    addp(c, (P){"6", "F", T0 + 5, CH_KIND_POST, .tags = {"vote", "vote"}});
    addp(c, (P){"7", "G", T0 + 6, CH_KIND_REPOST, "1", .tags = {"vote", "now"}});
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_HASHTAG, 60, &e, &n);
    assert_int_equal(n, 4);
    assert_non_null(find_pair(e, n, acct(c, "A"), acct(c, "B")));   /* #now */
    assert_non_null(find_pair(e, n, acct(c, "A"), acct(c, "C")));
    assert_non_null(find_pair(e, n, acct(c, "B"), acct(c, "C")));
    assert_non_null(find_pair(e, n, acct(c, "E"), acct(c, "F")));   /* #vote */
    assert_null(find_pair(e, n, acct(c, "A"), acct(c, "D")));        /* D's act is #today */
    ch_free(e);
    chorus_corpus_free(c);
}

/* Mentions: a post acts on its least-mentioned account, by handle in lower case; the author's
 * own handle does not count, a reply's addressee does (a push at one account mixes "@target"
 * posts with replies under the target's posts). Audiences: a tag whose every occasion
 * brings together another part of its users generates no pairs; a cell's tag, whose bursts
 * bring back the same accounts, does. */
static void test_mentions_and_audiences(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    char id[32], au[32];
    for (int d = 0; d < 3; d++) {
        const int64_t t = T0 + d * 86400;
        snprintf(id, sizeof id, "ma%d", d);
        addp(c, (P){id, "A", t, CH_KIND_POST, .mentions = {"@Critic", "@popular"}});
        snprintf(id, sizeof id, "mb%d", d);
        addp(c, (P){id, "B", t + 20, CH_KIND_POST, .mentions = {"critic"}});
        snprintf(id, sizeof id, "mc%d", d);   /* C mentions an account nobody else does */
        addp(c, (P){id, "C", t + 30, CH_KIND_POST, .mentions = {"someone"}});
        for (int u = 0; u < 4; u++) {        /* @popular is everyone's */
            snprintf(id, sizeof id, "mp%d_%d", d, u);
            snprintf(au, sizeof au, "pop%d", u);
            addp(c, (P){id, au, t + 3600 * (u + 1), CH_KIND_POST, .mentions = {"popular"}});
        }
    }
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_MENTION, 60, &e, &n);
    const ch_edge *ab = find_pair(e, n, acct(c, "A"), acct(c, "B"));
    assert_non_null(ab);
    assert_int_equal(ab->n_objects, 1);      /* @critic, A's rarest */
    assert_int_equal(ab->n_occasions, 3);
    assert_null(find_pair(e, n, acct(c, "A"), acct(c, "C")));
    ch_free(e);
    chorus_corpus_free(c);

    /* D writes "@Target ..." and E replies under Target's post of the day, three days running:
     * both address @target (E's reply mentions nobody else; a self-reply addresses nobody) */
    c = new_corpus();
    for (int d = 0; d < 3; d++) {
        const int64_t t = T0 + d * 86400;
        snprintf(id, sizeof id, "tp%d", d);
        addp(c, (P){id, "T", t - 600, CH_KIND_POST, .text = "news"});
        snprintf(id, sizeof id, "md%d", d);
        addp(c, (P){id, "D", t, CH_KIND_POST, .mentions = {"@Target"}});
        snprintf(id, sizeof id, "re%d", d);
        char ref[32];
        snprintf(ref, sizeof ref, "tp%d", d);
        addp(c, (P){id, "E", t + 30, CH_KIND_REPLY, .ref = ref, .ref_author = "target"});
    }
    pairs(c, CH_B_MENTION, 60, &e, &n);
    const ch_edge *de = find_pair(e, n, acct(c, "D"), acct(c, "E"));
    assert_non_null(de);
    assert_int_equal(de->n_objects, 1);
    assert_int_equal(de->n_occasions, 3);
    ch_free(e);
    chorus_corpus_free(c);

    /* 40 fans, each game (six, a day apart) brings 6 of them: an audience tag; a cell of 5
     * uses its own tag in the same hours, all five each time */
    c = new_corpus();
    rng_state = 3;
    for (int g = 0; g < 6; g++) {
        const int64_t t = T0 + g * 86400;
        for (int k = 0; k < 6; k++) {
            snprintf(id, sizeof id, "f%d_%d", g, k);
            snprintf(au, sizeof au, "fan%d", (g * 7 + k * 5) % 40);
            addp(c, (P){id, au, t + (int64_t)(rnd() % 600), CH_KIND_POST, .tags = {"GoTeam"}});
        }
        for (int m = 0; m < 5; m++) {
            snprintf(id, sizeof id, "c%d_%d", g, m);
            snprintf(au, sizeof au, "cell%d", m);
            addp(c, (P){id, au, t + (int64_t)(rnd() % 600), CH_KIND_POST, .tags = {"OurTag"}});
        }
    }
    pairs(c, CH_B_HASHTAG, 600, &e, &n);
    size_t cell = 0, fans = 0;
    for (size_t i = 0; i < n; i++) {
        const ch_account *x = ch_corpus_account(c, e[i].a), *y = ch_corpus_account(c, e[i].b);
        const char *hx = ch_pool_str(ch_corpus_pool(c), x->id);
        const char *hy = ch_pool_str(ch_corpus_pool(c), y->id);
        cell += strncmp(hx, "cell", 4) == 0 && strncmp(hy, "cell", 4) == 0;
        fans += strncmp(hx, "fan", 3) == 0 || strncmp(hy, "fan", 3) == 0;
    }
    assert_int_equal(cell, 10);
    assert_int_equal(fans, 0);
    ch_free(e);
    chorus_corpus_free(c);
}

static void test_narrative_statement(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    for (int i = 0; i < 6; i++) {
        char id[8], au[8];
        snprintf(id, sizeof id, "%d", i);
        snprintf(au, sizeof au, "U%d", i % 3);
        addp(c, (P){id, au, T0 + i, CH_KIND_POST, .urls = {0}});
    }
    /* posts 0..5 by U0 U1 U2 U0 U1 U2 */
    const uint32_t narr[6] = {7, 7, CH_NONE, 0, 0, 9};
    const uint32_t stmt[6] = {CH_NONE, 3, 3, CH_NONE, CH_NONE, 3};
    ch_coact_opts o = opts(60, 0);
    o.narrative_of_post = narr;
    o.statement_of_post = stmt;
    ch_edge *e;
    size_t n;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_NARRATIVE, &e, &n, NULL), CHORUS_OK);
    /* narrative 7: U0, U1; narrative 0: U0, U1 (id 0 is a valid narrative) */
    assert_int_equal(n, 1);
    assert_int_equal(e[0].n_objects, 2);
    ch_free(e);
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_STATEMENT, &e, &n, NULL), CHORUS_OK);
    /* statement 3: U1 (post 1), U2 (posts 2 and 5) */
    assert_int_equal(n, 1);
    assert_int_equal(e[0].n_objects, 1);
    assert_int_equal(e[0].n_events, 2);
    ch_free(e);
    /* Without the arrays the behaviours have no events. */
    o.narrative_of_post = o.statement_of_post = NULL;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_NARRATIVE, &e, &n, NULL), CHORUS_OK);
    assert_int_equal(n, 0);
    ch_free(e);
    chorus_corpus_free(c);
}

/* The rank bound: a viral post with m actors in one burst yields at most K * m pairs. */
static void test_pair_bound(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    const int m = 2000, K = 20;
    for (int i = 0; i < m; i++) {
        char au[16];
        snprintf(au, sizeof au, "u%d", i);
        rp(c, au, "viral", T0 + i % 600);
    }
    ch_coact_opts o = opts(3600, K);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_true(r->pairs_generated[CH_B_REPOST] <= (uint64_t)K * m);
    assert_true(r->pairs_generated[CH_B_REPOST] >= (uint64_t)K * (m - K));
    assert_int_equal(r->objects_capped[CH_B_REPOST], 1);
    assert_int_equal(r->n_edges, 0);
    ch_coact_result_free(r);
    /* Unbounded: every pair. */
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_REPOST, 3600, &e, &n);
    assert_int_equal(n, (size_t)m * (m - 1) / 2);
    ch_free(e);
    chorus_corpus_free(c);
}

static void test_poisson_tail(void **state)
{
    (void)state;
    assert_true(ch_poisson_log_sf(0, 3.0) == 0.0);
    assert_true(fabs(exp(ch_poisson_log_sf(1, 0.5)) - (1 - exp(-0.5))) < 1e-12);
    assert_true(fabs(exp(ch_poisson_log_sf(2, 1.0)) - (1 - 2 * exp(-1.0))) < 1e-12);
    /* lam >= n branch */
    double p = 1 - exp(-5.0) * (1 + 5 + 12.5);
    assert_true(fabs(exp(ch_poisson_log_sf(3, 5.0)) - p) < 1e-12);
    /* far tail in log space: P(X >= 100 | 0.01) ~ 0.01^100 / 100! */
    double lp = ch_poisson_log_sf(100, 0.01);
    double want = -0.01 + 100 * log(0.01) - lgamma(101.0);
    assert_true(lp >= want && lp - want < 1e-3);
    assert_true(isfinite(lp));
    /* continuity around lam = n and for large n */
    double a = ch_poisson_log_sf(1000, 999.999), b = ch_poisson_log_sf(1000, 1000.0);
    assert_true(fabs(a - b) < 1e-3 && exp(a) > 0.4 && exp(a) < 0.6);
    assert_true(ch_poisson_log_sf(5, 0.0) == -INFINITY);
    /* ln n! around the switch from sums to Stirling's series agrees with lgamma */
    for (uint64_t n = 1; n < 200; n++) {
        double got = ch_poisson_log_sf(n, 1e-3), ref = -1e-3 + n * log(1e-3) - lgamma(n + 1.0);
        assert_true(got >= ref && got - ref < 1e-3 / n + 1e-9);
    }
}

/* Calibration of the null model: the number of account pairs expected to share >= 2 objects
 * by chance, sum over all pairs of P(Poisson(lambda_ab) >= 2) with lambda_ab = max(k_b D_a,
 * k_a D_b) / E computed from the unbounded candidate pairs (D_a = sum of a's co-action events,
 * k_a = a's events, E = all events). Returns it and *observed, the pairs that did. */
static double chance_pairs(const ch_corpus *c, ch_behaviour beh, int64_t w, size_t *observed)
{
    ch_edge *e;
    size_t n;
    pairs(c, beh, w, &e, &n);
    const size_t na = ch_corpus_naccounts(c);
    double *D = calloc(na, sizeof *D), *k = calloc(na, sizeof *k);
    assert_non_null(D);
    assert_non_null(k);
    *observed = 0;
    for (size_t i = 0; i < n; i++) {
        D[e[i].a] += e[i].n_events;
        D[e[i].b] += e[i].n_events;
        *observed += e[i].n_objects >= 2;
    }
    double E = 0;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (beh == CH_B_REPOST && p->kind == CH_KIND_REPOST) {
            k[p->account]++;
            E++;
        }
    }
    double expect = 0;
    for (size_t a = 0; a < na; a++) {
        if (!k[a])
            continue;
        for (size_t b = a + 1; b < na; b++) {
            double la = k[b] * D[a], lb = k[a] * D[b];
            double lam = (la > lb ? la : lb) / E;
            if (lam > 0)
                expect += exp(ch_poisson_log_sf(2, lam));
        }
    }
    free(D);
    free(k);
    ch_free(e);
    return expect;
}

/* ---- scenarios ------------------------------------------------------------------------- */

/* Ordinary users: each reposts a few long-tail posts (rarely the same ones) at random times
 * over a week, so the corpus has realistic background activity. */
static void background(ch_corpus *c, int users, const char *prefix)
{
    char au[32], ref[32];
    for (int u = 0; u < users; u++) {
        snprintf(au, sizeof au, "%s%d", prefix, u);
        int k = 3 + (int)(rnd() % 6);
        for (int i = 0; i < k; i++) {
            snprintf(ref, sizeof ref, "tail%u", (unsigned)(rnd() % 5000));
            rp(c, au, ref, T0 + (int64_t)(rnd() % (7 * 86400)));
        }
    }
}

static ch_coact_result *run_all(const ch_corpus *c, int64_t w, const uint32_t *stmt)
{
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.window = w;
    o.threads = 2;
    o.statement_of_post = stmt;
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    return r;
}

/* Clusters the network stage (defaults) finds on the screened edges. */
static size_t clusters_of(const ch_corpus *c, const ch_coact_result *r)
{
    ch_network *n;
    assert_int_equal(ch_network_build(c, r, NULL, &n), CHORUS_OK);
    const size_t k = n->n_clusters;
    ch_network_free(n);
    return k;
}

static void print_result(const ch_corpus *c, const char *name, const ch_coact_result *r)
{
    print_message("%-28s window %4lld  events %6llu  cand %7llu  tested %5llu  screened %4zu  "
                  "significant %3zu  clusters %zu\n",
                  name, (long long)r->window,
                  (unsigned long long)(r->events[CH_B_REPOST] + r->events[CH_B_LINK] +
                                       r->events[CH_B_QUOTE] + r->events[CH_B_STATEMENT]),
                  (unsigned long long)(r->candidates[CH_B_REPOST] + r->candidates[CH_B_LINK] +
                                       r->candidates[CH_B_QUOTE] + r->candidates[CH_B_STATEMENT]),
                  (unsigned long long)(r->pairs_tested[CH_B_REPOST] + r->pairs_tested[CH_B_LINK] +
                                       r->pairs_tested[CH_B_QUOTE] +
                                       r->pairs_tested[CH_B_STATEMENT]),
                  r->n_edges, r->n_significant, clusters_of(c, r));
}

/* Windows every negative scenario is tried with: auto, a minute, an hour. */
static const int64_t windows[] = {0, 60, 3600};

/* Hundreds of ordinary users reposting one viral post within an hour. */
static void test_negative_viral(void **state)
{
    (void)state;
    rng_state = 1;
    ch_corpus *c = new_corpus();
    background(c, 600, "u");
    char au[32];
    for (int u = 0; u < 400; u++) {
        snprintf(au, sizeof au, "u%d", u);
        rp(c, au, "viral", T0 + 86400 + expo(900) % 3600);
    }
    for (size_t i = 0; i < 3; i++) {
        ch_coact_result *r = run_all(c, windows[i], NULL);
        print_result(c, "viral post", r);
        assert_int_equal(r->n_significant, 0);
        assert_int_equal(clusters_of(c, r), 0);
        ch_coact_result_free(r);
    }
    chorus_corpus_free(c);
}

/* Many users sharing one popular news URL (in many spellings) in a day. */
static void test_negative_news_url(void **state)
{
    (void)state;
    rng_state = 2;
    ch_corpus *c = new_corpus();
    background(c, 600, "u");
    const char *spell[] = {"https://news.example/big-story", "http://www.news.example/big-story/",
                           "https://news.example/big-story?utm_source=twitter",
                           "https://news.example/big-story?fbclid=x"};
    char au[32], id[32];
    for (int u = 0; u < 500; u++) {
        snprintf(au, sizeof au, "u%d", u);
        snprintf(id, sizeof id, "news%d", u);
        addp(c, (P){id, au, T0 + 2 * 86400 + (int64_t)(rnd() % 86400), CH_KIND_POST,
                    .urls = {spell[rnd() % 4]}});
    }
    for (size_t i = 0; i < 3; i++) {
        ch_coact_result *r = run_all(c, windows[i], NULL);
        print_result(c, "popular news url", r);
        assert_int_equal(r->events[CH_B_LINK], 500);
        assert_int_equal(r->objects[CH_B_LINK], 1);
        assert_int_equal(r->n_significant, 0);
        assert_int_equal(clusters_of(c, r), 0);
        ch_coact_result_free(r);
    }
    chorus_corpus_free(c);
}

/* Journalists quoting (and parroting) each statement of a ministry over the following days. */
static void test_negative_journalists(void **state)
{
    (void)state;
    rng_state = 3;
    ch_corpus *c = new_corpus();
    background(c, 600, "u");
    const int J = 25, S = 6;
    uint32_t *stmt = NULL;
    size_t cap = 0;
    char au[32], id[32], ref[32];
    for (int s = 0; s < S; s++) {
        snprintf(ref, sizeof ref, "ministry%d", s);
        int64_t pub = T0 + s * 86400;
        addp(c, (P){ref, "ministry", pub, CH_KIND_POST, .urls = {0}});
        for (int j = 0; j < J; j++) {
            if (rnd() % 10 == 0)
                continue;    /* not every journalist covers every statement */
            snprintf(au, sizeof au, "journalist%d", j);
            snprintf(id, sizeof id, "q%d_%d", s, j);
            size_t pi = addp(c, (P){id, au, pub + 600 + expo(8 * 3600), CH_KIND_QUOTE, ref, .urls = {0}});
            assert_int_equal(ch_grow((void **)&stmt, &cap, pi + 1, sizeof *stmt), 0);
            stmt[pi] = (uint32_t)s;
        }
    }
    /* every other post: no statement */
    size_t np = ch_corpus_nposts(c);
    assert_int_equal(ch_grow((void **)&stmt, &cap, np, sizeof *stmt), 0);
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind != CH_KIND_QUOTE)
            stmt[i] = CH_NONE;
    }
    for (size_t i = 0; i < 3; i++) {
        ch_coact_result *r = run_all(c, windows[i], stmt);
        print_result(c, "journalists quoting", r);
        assert_int_equal(r->n_significant, 0);
        assert_int_equal(clusters_of(c, r), 0);
        ch_coact_result_free(r);
    }
    ch_free(stmt);
    chorus_corpus_free(c);
}

/* Co-parroting (the statement behaviour's timing null, coact.h). A ministry posts ten
 * statements a day apart; 20 fast accounts (wires, fans of the ministry) post most of them on
 * their own schedule, mostly within the first hours; a cell of 4 posts each statement it
 * pushes within 15 minutes of each other, at a delay after the release that changes from
 * statement to statement (half an hour to a day and a half). Which statements two accounts
 * share is no evidence (everyone parrots the same few); timing is: the cell's pairs must be
 * screened statement edges, nobody else's. */
static void test_coparroting_cell(void **state)
{
    (void)state;
    rng_state = 11;
    ch_corpus *c = new_corpus();
    background(c, 600, "u");
    const int S = 10, F = 20, CELL = 4;
    size_t who[10 * (1 + 20 + 4)], nwho = 0;   /* posts with a statement, and which */
    uint32_t which[10 * (1 + 20 + 4)];
    char au[32], id[32];
    for (int s = 0; s < S; s++) {
        const int64_t pub = T0 + s * 86400;
        snprintf(id, sizeof id, "m%d", s);
        size_t pi = addp(c, (P){id, "ministry", pub, CH_KIND_POST, .urls = {0}});
        who[nwho] = pi, which[nwho++] = (uint32_t)s;
        for (int f = 0; f < F; f++) {
            if (rnd() % 10 < 4)
                continue;
            snprintf(au, sizeof au, "fast%d", f);
            snprintf(id, sizeof id, "f%d_%d", s, f);
            pi = addp(c, (P){id, au, pub + 120 + expo(2 * 3600), CH_KIND_POST, .urls = {0}});
            who[nwho] = pi, which[nwho++] = (uint32_t)s;
        }
        if (rnd() % 10 < 2)
            continue;   /* the cell pushes most statements, not all */
        const int64_t wave = pub + 1800 + (int64_t)(rnd() % (36 * 3600));
        for (int m = 0; m < CELL; m++) {
            snprintf(au, sizeof au, "cell%d", m);
            snprintf(id, sizeof id, "c%d_%d", s, m);
            pi = addp(c, (P){id, au, wave + (int64_t)(rnd() % 900), CH_KIND_POST, .urls = {0}});
            who[nwho] = pi, which[nwho++] = (uint32_t)s;
        }
    }
    const size_t np = ch_corpus_nposts(c);
    uint32_t *stmt = ch_malloc(np * sizeof *stmt);
    assert_non_null(stmt);
    for (size_t i = 0; i < np; i++)
        stmt[i] = CH_NONE;   /* the background reposts */
    for (size_t i = 0; i < nwho; i++)
        stmt[who[i]] = which[i];
    /* auto and an hour (a minute is narrower than the cell's waves) */
    const int64_t looks[2] = {0, 3600};
    for (size_t w = 0; w < 2; w++) {
        ch_coact_result *r = run_all(c, looks[w], stmt);
        print_result(c, "co-parroting cell", r);
        size_t cell = 0, other = 0;
        for (size_t i = 0; i < r->n_edges; i++) {
            const ch_edge *e = &r->edges[i];
            if (e->behaviour != CH_B_STATEMENT)
                continue;
            const ch_account *a = ch_corpus_account(c, e->a), *b = ch_corpus_account(c, e->b);
            const char *ia = ch_pool_str(ch_corpus_pool(c), a->id);
            const char *ib = ch_pool_str(ch_corpus_pool(c), b->id);
            const bool in = strncmp(ia, "cell", 4) == 0 && strncmp(ib, "cell", 4) == 0;
            cell += in;
            other += !in && (e->flags & CH_EDGE_SIGNIFICANT);   /* screened: chance pairs too */
        }
        print_message("  statement edges: cell %zu / 6, other significant %zu\n", cell, other);
        assert_true(cell >= 5);
        assert_int_equal(other, 0);
        assert_int_equal(clusters_of(c, r), 1);
        ch_coact_result_free(r);
    }
    ch_free(stmt);
    chorus_corpus_free(c);
}

/* Ordinary users who each repost a few of the day's popular posts: they share several objects
 * with many others, often within minutes (the reposts come in the first hour of each post). */
static void test_negative_popular_posts(void **state)
{
    (void)state;
    rng_state = 4;
    ch_corpus *c = new_corpus();
    background(c, 800, "u");
    const int NPOP = 20;
    int64_t pub[20];
    for (int i = 0; i < NPOP; i++)
        pub[i] = T0 + (int64_t)(rnd() % (7 * 86400));
    char au[32], ref[32];
    for (int u = 0; u < 800; u++) {
        snprintf(au, sizeof au, "u%d", u);
        int k = 2 + (int)(rnd() % 4);
        for (int i = 0; i < k; i++) {
            /* popularity is skewed: low indices are the most popular */
            int p = (int)(NPOP * unif() * unif());
            snprintf(ref, sizeof ref, "pop%d", p);
            rp(c, au, ref, pub[p] + expo(1200));
        }
    }
    for (int64_t w = 60; w <= 3600; w *= 60) {
        size_t obs;
        double exp2 = chance_pairs(c, CH_B_REPOST, w, &obs);
        print_message("  window %llds: pairs sharing >= 2 objects: observed %zu, chance "
                      "(null model) %.0f\n", (long long)w, obs, exp2);
        /* The null model must not expect less than happens by chance (that would make chance
         * look significant); it may expect more: it is conservative. */
        assert_true(obs <= exp2);
    }
    for (size_t i = 0; i < 3; i++) {
        ch_coact_result *r = run_all(c, windows[i], NULL);
        print_result(c, "few popular posts each", r);
        assert_int_equal(r->n_significant, 0);
        assert_int_equal(clusters_of(c, r), 0);
        ch_coact_result_free(r);
    }
    chorus_corpus_free(c);
}

static bool is_ring(const ch_corpus *c, uint32_t a)
{
    return strncmp(ch_pool_str(ch_corpus_pool(c), ch_corpus_account(c, a)->id), "ring", 4) == 0;
}

/* A ring of 10 accounts reposting the same 8 low-popularity posts within a minute each, inside
 * the background and the negative scenarios above: edges between (nearly) all members, and
 * none between anyone else. */
static ch_corpus *ring_corpus(void)
{
    rng_state = 5;
    ch_corpus *c = new_corpus();
    background(c, 800, "u");
    char au[32], ref[32];
    for (int u = 0; u < 300; u++) {   /* a viral post */
        snprintf(au, sizeof au, "u%d", u);
        rp(c, au, "viral", T0 + 86400 + expo(900) % 3600);
    }
    for (int u = 0; u < 800; u++) {   /* popular posts */
        snprintf(au, sizeof au, "u%d", u);
        for (int i = 0; i < 3; i++) {
            int p = (int)(20 * unif() * unif());
            snprintf(ref, sizeof ref, "pop%d", p);
            rp(c, au, ref, T0 + p * 30000 + expo(1200));
        }
    }
    background(c, 10, "ring");        /* the ring's own ordinary activity */
    for (int o = 0; o < 8; o++) {
        snprintf(ref, sizeof ref, "campaign%d", o);
        int64_t t = T0 + o * 50000 + 777;
        for (int m = 0; m < 10; m++) {
            snprintf(au, sizeof au, "ring%d", m);
            rp(c, au, ref, t + (int64_t)(rnd() % 60));
        }
        /* a few ordinary users also repost the campaign post, later */
        for (int k = 0; k < 3; k++) {
            snprintf(au, sizeof au, "u%u", (unsigned)(rnd() % 800));
            rp(c, au, ref, t + 3600 + (int64_t)(rnd() % 86400));
        }
    }
    return c;
}

static void test_ring_detected(void **state)
{
    (void)state;
    ch_corpus *c = ring_corpus();
    for (size_t w = 0; w < 3; w++) {
        ch_coact_result *r = run_all(c, windows[w], NULL);
        print_result(c, "ring of 10 in background", r);
        size_t ring_edges = 0, other = 0;
        for (size_t i = 0; i < r->n_edges; i++) {
            const ch_edge *e = &r->edges[i];
            assert_true(e->pvalue <= 0.01 || (e->flags & CH_EDGE_SIGNIFICANT));
            if (!(e->flags & CH_EDGE_SIGNIFICANT))
                continue;
            if (is_ring(c, e->a) && is_ring(c, e->b))
                ring_edges++;
            else
                other++;
        }
        print_message("  significant: ring edges %zu / 45, other edges %zu, p cutoff %.3g\n",
                      ring_edges, other, r->p_cutoff);
        assert_true(ring_edges >= 41);
        assert_int_equal(other, 0);
        /* the network: one cluster, the ring */
        ch_network *n;
        assert_int_equal(ch_network_build(c, r, NULL, &n), CHORUS_OK);
        assert_int_equal(n->n_clusters, 1);
        assert_int_equal(n->clusters[0].n_members, 10);
        for (uint32_t m = 0; m < 10; m++)
            assert_true(is_ring(c, n->clusters[0].members[m]));
        ch_network_free(n);
        /* evidence: up to 5 per edge, naming posts of the two accounts on one object */
        assert_true(r->n_shared >= r->n_edges * 2);
        for (size_t i = 0; i < r->n_shared; i++) {
            const ch_shared *s = &r->shared[i];
            assert_true(s->edge < r->n_edges);
            assert_true(i == 0 || r->shared[i - 1].edge <= s->edge);
            const ch_post *pa = ch_corpus_post(c, s->post_a), *pb = ch_corpus_post(c, s->post_b);
            assert_int_equal(pa->account, r->edges[s->edge].a);
            assert_int_equal(pb->account, r->edges[s->edge].b);
            assert_int_equal(pa->ref_id, pb->ref_id);
            assert_true(llabs(pa->created_at - pb->created_at) <= r->edges[s->edge].window);
        }
        ch_coact_result_free(r);
    }
    chorus_corpus_free(c);
}

/* ---- the objects of the evidence ----------------------------------------------------------- */

/* Every behaviour once between A and B (and C), with the cases object naming must get right:
 * two links shared by the same two posts, one hashtag set written two ways, a repost known by
 * its text only, narratives and statements. `noise` posts first change every pool id. */
static ch_corpus *objects_corpus(int noise)
{
    ch_corpus *c = new_corpus();
    for (int i = 0; i < noise; i++) {
        char id[16], ref[16];
        snprintf(id, sizeof id, "noise%d", i);
        snprintf(ref, sizeof ref, "zz%d", i);
        addp(c, (P){id, "Z", T0 - 100000 + i, CH_KIND_REPOST, ref, .urls = {0}});
    }
    const char *ab[2] = {"A", "B"};
    for (int k = 0; k < 2; k++) {
        char id[16];
        snprintf(id, sizeof id, "o1%s", ab[k]);
        addp(c, (P){id, ab[k], T0 + k, CH_KIND_REPOST, "orig1", .urls = {0}});
        snprintf(id, sizeof id, "o2%s", ab[k]);
        addp(c, (P){id, ab[k], T0 + 1000 + k, CH_KIND_REPOST, "orig2", .urls = {0}});
        snprintf(id, sizeof id, "rp%s", ab[k]);
        addp(c, (P){id, ab[k], T0 + 1500 + k, CH_KIND_REPLY, "parent", .urls = {0}});
    }
    addp(c, (P){"l1", "A", T0 + 2000, CH_KIND_POST,
                .urls = {"http://www.site.example/a?utm_source=x", "https://site.example/b"}});
    addp(c, (P){"l2", "B", T0 + 2001, CH_KIND_POST,
                .urls = {"https://site.example/b/", "site.example/a"}});
    addp(c, (P){"h1", "A", T0 + 3000, CH_KIND_POST, .tags = {"Vote", "Now", "Vote"}});
    addp(c, (P){"h2", "B", T0 + 3001, CH_KIND_POST, .tags = {"now", "VOTE"}});
    addp(c, (P){"t1", "A", T0 + 4000, CH_KIND_POST, NULL, NULL, "RT @Someone: Hello, world",
                .urls = {0}});
    addp(c, (P){"t2", "B", T0 + 4001, CH_KIND_POST, NULL, NULL, "RT @someone: hello world!",
                .urls = {0}});
    addp(c, (P){"n1", "A", T0 + 5000, CH_KIND_POST, .urls = {0}});
    addp(c, (P){"n2", "B", T0 + 5001, CH_KIND_POST, .urls = {0}});
    /* the same post id on another platform is another post: no co-repost with A or B */
    addp(c, (P){"o1D", "D", T0 + 2, CH_KIND_REPOST, "orig1", .urls = {0}, .platform = "bluesky"});
    /* likes of the same post are no repost */
    addp(c, (P){"k1", "E", T0 + 3, CH_KIND_LIKE, "orig1", .urls = {0}});
    addp(c, (P){"k2", "F", T0 + 4, CH_KIND_LIKE, "orig1", .urls = {0}});
    return c;
}

static ch_coact_result *objects_run(const ch_corpus *c, int noise, uint32_t *narr, uint32_t *stmt)
{
    const size_t np = ch_corpus_nposts(c);
    for (size_t i = 0; i < np; i++)
        narr[i] = stmt[i] = CH_NONE;
    /* n1, n2 (posts 12 and 13 after the noise): narrative 4 and statement 2 */
    narr[(size_t)noise + 12] = narr[(size_t)noise + 13] = 4;
    stmt[(size_t)noise + 12] = stmt[(size_t)noise + 13] = 2;
    static const char *const ids[3] = {"s-zero", "s-one", "s-two"};
    ch_coact_opts o = opts(60, 0);
    o.screen_p = 1;        /* every pair with an object is an edge */
    o.min_objects = 1;
    /* co-like and co-thread have their own tests (test_coact_behaviours.c) */
    o.behaviours = ((1u << CH_B__COUNT) - 1) & ~(1u << CH_B_LIKE | 1u << CH_B_THREAD);
    o.min_units = 1;
    o.narrative_of_post = narr;
    o.statement_of_post = stmt;
    o.statement_ids = ids;
    o.n_statements = 3;
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    return r;
}

static const ch_object *find_object(const ch_coact_result *r, ch_behaviour b, const char *text)
{
    const ch_object *found = NULL;
    for (size_t i = 0; i < r->n_shared_obj; i++) {
        if (r->shared_obj[i].behaviour == b && strcmp(r->shared_obj[i].text, text) == 0) {
            assert_null(found);   /* named once */
            found = &r->shared_obj[i];
        }
    }
    return found;
}

static void test_evidence_objects(void **state)
{
    (void)state;
    uint32_t narr[64], stmt[64];
    ch_corpus *c = objects_corpus(0);
    ch_coact_result *r = objects_run(c, 0, narr, stmt);
    const uint32_t A = acct(c, "A"), B = acct(c, "B");
    /* only A and B co-act: D's orig1 is another platform's post, likes are not reposts */
    for (size_t i = 0; i < r->n_edges; i++) {
        assert_int_equal(r->edges[i].a, A < B ? A : B);
        assert_int_equal(r->edges[i].b, A < B ? B : A);
    }
    assert_int_equal(r->events[CH_B_REPOST], 2 + 2 + 1 + 2);  /* o1 x2, o2 x2, D, t1 t2 */
    /* every evidence row names an object of its edge's behaviour; the objects are distinct */
    size_t per_type[CH_OBJ__COUNT] = {0};
    for (size_t i = 0; i < r->n_shared; i++) {
        assert_true(r->shared[i].object < r->n_shared_obj);
        const ch_object *ob = ch_coact_shared_object(r, i);
        assert_int_equal(ob->behaviour, r->edges[r->shared[i].edge].behaviour);
    }
    for (size_t i = 0; i < r->n_shared_obj; i++) {
        per_type[r->shared_obj[i].type]++;
        for (size_t j = 0; j < i; j++)
            assert_false(r->shared_obj[i].behaviour == r->shared_obj[j].behaviour &&
                         r->shared_obj[i].key == r->shared_obj[j].key);
    }
    assert_int_equal(r->n_shared_obj, 9);
    assert_int_equal(per_type[CH_OBJ_POST], 3);   /* orig1, orig2 (repost), parent (reply) */
    assert_int_equal(per_type[CH_OBJ_POST_TEXT], 1);
    assert_int_equal(per_type[CH_OBJ_URL], 2);    /* two links of the same two posts */
    assert_int_equal(per_type[CH_OBJ_HASHTAG], 1);  /* each post's rarest tag (a tie here) */
    assert_int_equal(per_type[CH_OBJ_NARRATIVE], 1);
    assert_int_equal(per_type[CH_OBJ_STATEMENT], 1);
    assert_non_null(find_object(r, CH_B_REPOST, "post orig1"));
    assert_non_null(find_object(r, CH_B_REPOST, "post orig2"));
    assert_non_null(find_object(r, CH_B_REPLY, "post parent"));
    assert_non_null(find_object(r, CH_B_REPOST, "a post of @Someone"));
    assert_non_null(find_object(r, CH_B_LINK, "https://site.example/a"));
    assert_non_null(find_object(r, CH_B_LINK, "https://site.example/b"));
    /* as the first post wrote it; both tags have two users, the smaller key wins */
    assert_true(find_object(r, CH_B_HASHTAG, "#Now") || find_object(r, CH_B_HASHTAG, "#Vote"));
    const ch_object *nar = find_object(r, CH_B_NARRATIVE, "narrative 4");
    assert_non_null(nar);
    assert_int_equal(nar->key, 4);
    const ch_object *st = find_object(r, CH_B_STATEMENT, "statement s-two");
    assert_non_null(st);
    assert_int_equal(st->key, 2);
    assert_string_equal(ch_object_type_name(CH_OBJ_POST_TEXT), "post_text");
    assert_string_equal(ch_object_type_name(CH_OBJ__COUNT), "?");

    /* Keys are stable across corpora: other posts first (other pool ids), same keys. */
    ch_corpus *c2 = objects_corpus(7);
    uint32_t narr2[64], stmt2[64];
    ch_coact_result *r2 = objects_run(c2, 7, narr2, stmt2);
    assert_int_equal(r2->n_shared_obj, r->n_shared_obj);
    for (size_t i = 0; i < r->n_shared_obj; i++) {
        const ch_object *x = &r->shared_obj[i];
        const ch_object *y = find_object(r2, (ch_behaviour)x->behaviour, x->text);
        assert_non_null(y);
        assert_true(x->key == y->key);
        assert_int_equal(x->type, y->type);
    }
    ch_coact_result_free(r2);
    chorus_corpus_free(c2);

    /* Without statement ids, a statement is named by its index. */
    ch_coact_opts o = opts(60, 0);
    o.screen_p = 1;
    o.min_objects = 1;
    o.min_units = 1;
    o.statement_of_post = stmt;
    o.behaviours = 1u << CH_B_STATEMENT;
    ch_coact_result *r3;
    assert_int_equal(ch_coact_run(c, &o, &r3), CHORUS_OK);
    assert_int_equal(r3->n_shared_obj, 1);
    assert_string_equal(r3->shared_obj[0].text, "statement #2");
    ch_coact_result_free(r3);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* The network counts a cluster's objects by the co-action stage's identity: a ring whose posts
 * carry two links each shares two objects per post, not one. */
static void test_network_counts_objects(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    char id[32], au[16], u1[64], u2[64];
    for (int o = 0; o < 2; o++) {
        snprintf(u1, sizeof u1, "https://one.example/%d", o);
        snprintf(u2, sizeof u2, "https://two.example/%d", o);
        for (int m = 0; m < 5; m++) {
            snprintf(id, sizeof id, "p%d_%d", o, m);
            snprintf(au, sizeof au, "m%d", m);
            addp(c, (P){id, au, T0 + o * 5000 + m, CH_KIND_POST, .urls = {u1, u2}});
        }
    }
    ch_coact_opts o = opts(60, 0);
    o.screen_p = 1;
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_shared_obj, 4);
    ch_network_opts no;
    ch_network_opts_default(&no);
    no.min_weight = 0;
    no.alpha = 1;
    no.min_mean_weight = 0;
    ch_network *n;
    assert_int_equal(ch_network_build(c, r, &no, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].n_members, 5);
    assert_int_equal(n->clusters[0].n_objects, 4);
    assert_int_equal(n->clusters[0].objects_by[CH_B_LINK], 4);
    ch_network_free(n);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* ---- determinism, partitions, failures --------------------------------------------------- */

static ch_corpus *mixed_corpus(void)
{
    rng_state = 6;
    ch_corpus *c = new_corpus();
    background(c, 500, "u");
    char au[32], ref[32], id[32], url[64], tag[16], tag2[16];
    for (int u = 0; u < 500; u++) {   /* ordinary links and hashtags */
        snprintf(au, sizeof au, "u%d", u);
        for (int k = 0; k < 3; k++) {
            snprintf(id, sizeof id, "own%d_%d", u, k);
            snprintf(url, sizeof url, "https://site.example/%d", (int)(300 * unif() * unif()));
            snprintf(tag, sizeof tag, "t%d", (int)(50 * unif() * unif()));
            snprintf(tag2, sizeof tag2, "t%d", (int)(50 * unif() * unif()));
            addp(c, (P){id, au, T0 + (int64_t)(rnd() % (7 * 86400)), CH_KIND_POST, .urls = {url},
                        .tags = {tag, tag2}});
        }
    }
    for (int g = 0; g < 4; g++) {     /* four rings of 8 over reposts, links, hashtags (each
                                          ring its own tags: a tag shared by the four would be
                                          an audience's, each burst a different quarter) */
        for (int o = 0; o < 10; o++) {
            int64_t t = T0 + (g * 10 + o) * 7000;
            snprintf(ref, sizeof ref, "camp%d_%d", g, o);
            snprintf(url, sizeof url, "https://site%d.example/a%d?utm_source=%d", g, o, o);
            snprintf(tag, sizeof tag, "tag%d_%d", g, o);
            snprintf(tag2, sizeof tag2, "camp%d", g);
            for (int m = 0; m < 8; m++) {
                snprintf(au, sizeof au, "g%dm%d", g, m);
                rp(c, au, ref, t + (int64_t)(rnd() % 30));
                snprintf(id, sizeof id, "l%d_%d_%d", g, o, m);
                addp(c, (P){id, au, t + (int64_t)(rnd() % 30), CH_KIND_POST, .urls = {url},
                            .tags = {tag2, tag}});
            }
        }
    }
    return c;
}

static int same_result(const ch_coact_result *x, const ch_coact_result *y)
{
    if (x->n_edges != y->n_edges || x->n_shared != y->n_shared || x->window != y->window)
        return 0;
    for (size_t i = 0; i < x->n_edges; i++) {
        const ch_edge *a = &x->edges[i], *b = &y->edges[i];
        if (a->a != b->a || a->b != b->b || a->behaviour != b->behaviour ||
            a->n_objects != b->n_objects || a->n_events != b->n_events ||
            a->n_occasions != b->n_occasions || a->window != b->window ||
            a->flags != b->flags || a->weight != b->weight || a->pvalue != b->pvalue ||
            a->expected != b->expected)
            return 0;
    }
    if (x->n_significant != y->n_significant || x->edges_capped != y->edges_capped ||
        memcmp(x->windows_long, y->windows_long, sizeof x->windows_long))
        return 0;
    if (x->n_shared_obj != y->n_shared_obj)
        return 0;
    for (size_t i = 0; i < x->n_shared_obj; i++) {
        const ch_object *a = &x->shared_obj[i], *b = &y->shared_obj[i];
        if (a->key != b->key || a->behaviour != b->behaviour || a->type != b->type ||
            strcmp(a->text, b->text) != 0)
            return 0;
    }
    if (x->n_evidence != y->n_evidence || x->evidence_cap != y->evidence_cap ||
        memcmp(x->evidence, y->evidence, x->n_evidence * sizeof *x->evidence) != 0 ||
        (x->n_edges && memcmp(x->lead, y->lead, x->n_edges * sizeof *x->lead) != 0))
        return 0;
    return memcmp(x->shared, y->shared, x->n_shared * sizeof *x->shared) == 0 &&
           memcmp(x->candidates, y->candidates, sizeof x->candidates) == 0 &&
           memcmp(x->pairs_tested, y->pairs_tested, sizeof x->pairs_tested) == 0;
}

static void test_threads_and_partitions(void **state)
{
    (void)state;
    ch_corpus *c = mixed_corpus();
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.threads = 1;
    ch_coact_result *base;
    assert_int_equal(ch_coact_run(c, &o, &base), CHORUS_OK);
    assert_true(base->edges_by[CH_B_REPOST] > 0);
    assert_true(base->edges_by[CH_B_LINK] > 0);
    assert_true(base->edges_by[CH_B_HASHTAG] > 0);
    const struct { int threads; size_t table; } cfg[] = {
        {2, 0}, {3, 0}, {8, 0}, {1, 4096}, {2, 4096}, {3, 70000},
    };
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        o.threads = cfg[i].threads;
        o.max_table_bytes = cfg[i].table ? cfg[i].table : (size_t)256 << 20;
        ch_coact_result *r;
        assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
        assert_true(same_result(base, r));
        ch_coact_result_free(r);
    }
    ch_coact_result_free(base);
    chorus_corpus_free(c);
}

/* Complete evidence: one row per shared object of every edge, the first CH_SHARED_PER_EDGE of
 * them in shared[], who came first adding up to n_events; under a small max_evidence, every
 * edge keeps the same number of first rows and the cut edges are counted. */
static void check_evidence(const ch_corpus *c, const ch_coact_result *r, uint64_t cap)
{
    size_t k = 0, sh = 0;
    for (size_t e = 0; e < r->n_edges; e++) {
        const ch_edge *ed = &r->edges[e];
        const ch_edge_lead *ld = &r->lead[e];
        assert_int_equal((uint64_t)ld->a_first + ld->b_first + ld->same_time, ed->n_events);
        const size_t beg = k;
        while (k < r->n_evidence && r->evidence[k].edge == e) {
            const ch_shared *v = &r->evidence[k];
            const ch_post *pa = ch_corpus_post(c, v->post_a), *pb = ch_corpus_post(c, v->post_b);
            assert_int_equal(pa->account, ed->a);
            assert_int_equal(pb->account, ed->b);
            assert_true(llabs(pa->created_at - pb->created_at) <= ed->window);
            assert_true(v->object < r->n_shared_obj);
            for (size_t j = beg; j < k; j++)   /* each object once per edge */
                assert_int_not_equal(r->evidence[j].object, v->object);
            k++;
        }
        const size_t rows = k - beg;
        assert_int_equal(rows, ed->n_objects < cap ? ed->n_objects : cap);
        /* shared[]: the first rows of the same edge */
        for (size_t j = 0; j < rows && j < CH_SHARED_PER_EDGE; j++, sh++) {
            assert_int_equal(r->shared[sh].edge, e);
            assert_int_equal(r->shared[sh].post_a, r->evidence[beg + j].post_a);
            assert_int_equal(r->shared[sh].post_b, r->evidence[beg + j].post_b);
            assert_string_equal(ch_coact_shared_object(r, sh)->text,
                                ch_coact_evidence_object(r, beg + j)->text);
        }
    }
    assert_int_equal(k, r->n_evidence);
    assert_int_equal(sh, r->n_shared);
}

/* Evidence rows an edge may hold: one per burst of a shared object (coact.c edge_slots). */
static uint32_t ev_slots(const ch_edge *e)
{
    return e->n_occasions > e->n_objects ? e->n_occasions : e->n_objects;
}

static void test_evidence_complete_and_cut(void **state)
{
    (void)state;
    ch_corpus *c = mixed_corpus();
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_true(r->n_edges > 0);
    assert_int_equal(r->evidence_cap, 0);
    assert_int_equal(r->evidence_trimmed, 0);
    size_t objects = 0, slots = 0;
    uint32_t most = 0;
    for (size_t e = 0; e < r->n_edges; e++) {
        objects += r->edges[e].n_objects;
        slots += ev_slots(&r->edges[e]);
        most = ev_slots(&r->edges[e]) > most ? ev_slots(&r->edges[e]) : most;
    }
    /* every shared object at least once, every burst of it at most once */
    assert_true(r->n_evidence >= objects && r->n_evidence <= slots);
    assert_true(most > CH_SHARED_PER_EDGE + 1);   /* the cut below bites */
    check_evidence(c, r, UINT64_MAX);
    /* a bound below the total: the largest per-edge count that fits */
    o.max_evidence = slots - 1;
    ch_coact_result *cut;
    assert_int_equal(ch_coact_run(c, &o, &cut), CHORUS_OK);
    assert_true(cut->evidence_cap >= CH_SHARED_PER_EDGE && cut->evidence_cap < most);
    assert_true(cut->n_evidence <= o.max_evidence);
    uint64_t over = 0, rows_next = 0;
    for (size_t e = 0; e < r->n_edges; e++) {
        over += ev_slots(&r->edges[e]) > cut->evidence_cap;
        const uint32_t no = ev_slots(&r->edges[e]);
        rows_next += no < cut->evidence_cap + 1 ? no : cut->evidence_cap + 1;
    }
    assert_int_equal(cut->evidence_trimmed, over);
    assert_true(rows_next > o.max_evidence);   /* one more per edge would not fit */
    check_evidence(c, cut, cut->evidence_cap);
    /* the edges, their first evidence and leads do not change with the bound */
    assert_int_equal(cut->n_shared, r->n_shared);
    assert_memory_equal(cut->shared, r->shared, r->n_shared * sizeof *r->shared);
    assert_memory_equal(cut->lead, r->lead, r->n_edges * sizeof *r->lead);
    /* a bound below CH_SHARED_PER_EDGE per edge still keeps shared[] whole */
    o.max_evidence = 1;
    ch_coact_result *tiny;
    assert_int_equal(ch_coact_run(c, &o, &tiny), CHORUS_OK);
    assert_int_equal(tiny->evidence_cap, CH_SHARED_PER_EDGE);
    check_evidence(c, tiny, CH_SHARED_PER_EDGE);
    ch_coact_result_free(tiny);
    ch_coact_result_free(cut);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ch_corpus *c = mixed_corpus();
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.threads = 1;   /* injection counts the calling thread's allocations */
    ch_coact_result *ok;
    assert_int_equal(ch_coact_run(c, &o, &ok), CHORUS_OK);
    int failures = 0;
    bool succeeded = false;
    for (uint64_t k = 1; k < 2000 && !succeeded; k++) {
        ch_coact_result *r = NULL;
        ch_alloc_fail_after(k);
        int rc = ch_coact_run(c, &o, &r);
        ch_alloc_fail_after(0);
        if (rc) {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_null(r);
            failures++;
        } else {
            assert_true(same_result(ok, r));
            ch_coact_result_free(r);
            succeeded = true;
        }
    }
    assert_true(succeeded);
    print_message("allocation failures injected: %d, each reported as CHORUS_ENOMEM\n", failures);
    assert_true(failures > 10);
    ch_coact_result_free(ok);
    ch_coact_result_free(NULL);
    /* bad options */
    ch_coact_result *r;
    o.alpha = 0;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_EUSAGE);
    assert_null(r);
    chorus_corpus_free(c);
}

/* Window auto on a corpus with bursts of coordinated reposts (seconds apart) and organic
 * reposts (hours apart): the estimate separates the two. */
static void test_window_auto(void **state)
{
    (void)state;
    rng_state = 7;
    ch_corpus *c = new_corpus();
    char au[32], ref[32];
    for (int o = 0; o < 300; o++) {   /* organic: gaps of hours */
        snprintf(ref, sizeof ref, "org%d", o);
        int64_t t = T0 + (int64_t)(rnd() % (30 * 86400));
        for (int k = 0; k < 6; k++) {
            snprintf(au, sizeof au, "u%u", (unsigned)(rnd() % 2000));
            t += expo(4 * 3600);
            rp(c, au, ref, t);
        }
    }
    for (int o = 0; o < 100; o++) {   /* coordinated: gaps of seconds */
        snprintf(ref, sizeof ref, "coord%d", o);
        int64_t t = T0 + (int64_t)(rnd() % (30 * 86400));
        for (int k = 0; k < 6; k++) {
            snprintf(au, sizeof au, "bot%d", k);
            t += expo(8);
            rp(c, au, ref, t);
        }
    }
    int64_t w[CH_B__COUNT], pooled;
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    assert_int_equal(ch_coact_estimate_window(c, &o, w, &pooled), CHORUS_OK);
    print_message("window auto, seconds-vs-hours mixture: repost %lld, pooled %lld\n",
                  (long long)w[CH_B_REPOST], (long long)pooled);
    assert_true(w[CH_B_REPOST] >= 10 && w[CH_B_REPOST] <= 600);
    /* behaviours without events take the pooled estimate */
    assert_int_equal(w[CH_B_LINK], pooled);
    chorus_corpus_free(c);

    /* Too little data: the fallback. */
    c = new_corpus();
    rp(c, "a", "x", T0);
    rp(c, "b", "x", T0 + 5);
    assert_int_equal(ch_coact_estimate_window(c, &o, w, &pooled), CHORUS_OK);
    assert_int_equal(pooled, CH_WINDOW_FALLBACK);
    chorus_corpus_free(c);
}

/* ---- reference: CooRTweet co-reposts against all pairs ------------------------------------ */

typedef struct trip {
    uint32_t a, b, obj;
} trip;

static int cmp_trip(const void *x, const void *y)
{
    const trip *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->obj > q->obj) - (p->obj < q->obj);
}

static int cmp_by_ref(const void *x, const void *y)
{
    const ch_post *p = *(const ch_post *const *)x, *q = *(const ch_post *const *)y;
    return (p->ref_id > q->ref_id) - (p->ref_id < q->ref_id);
}

static ch_corpus *load_coortweet(void)
{
    FILE *f = fopen(COORTWEET, "rb");
    if (!f)
        return NULL;
    fclose(f);
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_csvmap map = {0};
    char err[256];
    assert_int_equal(ch_csvmap_parse(&map, "id=content_id,author_id=account_id,ref_id=object_id,"
                                           "time=timestamp_share", err, sizeof err), CHORUS_OK);
    ch_ingest_opts io = {.reader = &ch_reader_csv, .map = &map};
    assert_int_equal(ch_ingest_file(c, COORTWEET, &io, NULL), CHORUS_OK);
    return c;
}

static void test_reference_coortweet(void **state)
{
    (void)state;
    ch_corpus *c = load_coortweet();
    if (!c)
        skip();
    const int64_t W = 60;
    const size_t np = ch_corpus_nposts(c);
    assert_int_equal(np, 35085);   /* 35,125 rows, 40 repeated content ids */

    /* All pairs, per object: every two reposts of one original by different accounts at most
     * W apart is one event of the pair; the pair's objects are counted distinct. */
    const ch_post **v = malloc(np * sizeof *v);
    assert_non_null(v);
    size_t nv = 0;
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind == CH_KIND_REPOST && p->ref_id)
            v[nv++] = p;
    }
    qsort(v, nv, sizeof *v, cmp_by_ref);
    trip *tr = NULL;
    size_t ntr = 0, cap = 0;
    for (size_t s = 0; s < nv;) {
        size_t f = s;
        while (f < nv && v[f]->ref_id == v[s]->ref_id)
            f++;
        for (size_t i = s; i < f; i++) {
            for (size_t j = s; j < f; j++) {
                if (i >= j || v[i]->account == v[j]->account ||
                    llabs(v[i]->created_at - v[j]->created_at) > W)
                    continue;
                if (ntr == cap) {
                    cap = cap ? cap * 2 : 1024;
                    tr = realloc(tr, cap * sizeof *tr);
                    assert_non_null(tr);
                }
                uint32_t a = v[i]->account, b = v[j]->account;
                tr[ntr++] = (trip){a < b ? a : b, a < b ? b : a, v[s]->ref_id};
            }
        }
        s = f;
    }
    qsort(tr, ntr, sizeof *tr, cmp_trip);

    ch_edge *e;
    size_t n;
    ch_coact_opts o = opts(W, 0);
    o.threads = 2;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_REPOST, &e, &n, NULL), CHORUS_OK);

    size_t k = 0, npairs = 0, multi = 0;
    uint64_t events = 0;
    for (size_t i = 0; i < ntr;) {
        size_t j = i;
        uint32_t objs = 0;
        while (j < ntr && tr[j].a == tr[i].a && tr[j].b == tr[i].b) {
            if (j == i || tr[j].obj != tr[j - 1].obj)
                objs++;
            j++;
        }
        assert_true(k < n);
        assert_int_equal(e[k].a, tr[i].a);
        assert_int_equal(e[k].b, tr[i].b);
        assert_int_equal(e[k].n_objects, objs);
        assert_int_equal(e[k].n_events, j - i);
        events += j - i;
        multi += objs >= 2;
        npairs++;
        k++;
        i = j;
    }
    assert_int_equal(k, n);
    print_message("CooRTweet co-repost, window %llds: %zu candidate pairs (all-pairs agrees), "
                  "%zu with >= 2 objects, %llu co-action events\n",
                  (long long)W, npairs, multi, (unsigned long long)events);
    size_t obs;
    double chance = chance_pairs(c, CH_B_REPOST, W, &obs);
    print_message("  pairs sharing >= 2 objects: observed %zu, chance (null model) %.1f\n", obs,
                  chance);
    ch_free(e);
    free(tr);
    free(v);

    /* The significance test on the same data: at 60 s, then at the window auto picks. */
    const int64_t wins[2] = {W, 0};
    for (int wi = 0; wi < 2; wi++) {
        ch_coact_opts ro;
        ch_coact_opts_default(&ro);
        ro.window = wins[wi];
        ro.threads = 2;
        ch_coact_result *r;
        assert_int_equal(ch_coact_run(c, &ro, &r), CHORUS_OK);
        /* accounts in at least one significant edge */
        uint8_t *in = calloc(ch_corpus_naccounts(c), 1);
        size_t nacc = 0;
        for (size_t i = 0; i < r->n_edges; i++) {
            if (!(r->edges[i].flags & CH_EDGE_SIGNIFICANT))
                continue;
            nacc += !in[r->edges[i].a] + !in[r->edges[i].b];
            in[r->edges[i].a] = in[r->edges[i].b] = 1;
        }
        free(in);
        print_message("  window %llds (long look %llds): candidates %llu, tested %llu, screened "
                      "%zu, significant %zu over %zu accounts (BH FDR %.0e over %.3g pairs, p "
                      "cutoff %.3g), clusters %zu\n",
                      (long long)r->windows[CH_B_REPOST], (long long)r->windows_long[CH_B_REPOST],
                      (unsigned long long)r->candidates[CH_B_REPOST],
                      (unsigned long long)r->pairs_tested[CH_B_REPOST], r->n_edges,
                      r->n_significant, nacc, ro.alpha, r->family, r->p_cutoff,
                      clusters_of(c, r));
        if (wi == 0) {
            assert_int_equal(r->pairs_tested[CH_B_REPOST], multi);
            assert_int_equal(r->n_significant, 0);
        } else {
            assert_true(r->n_significant > 0);   /* coordination shows at minutes, not seconds */
        }
        assert_true(r->n_edges <= r->pairs_tested[CH_B_REPOST]);
        ch_coact_result_free(r);
    }
    int64_t w[CH_B__COUNT], pooled;
    ch_coact_opts wo;
    ch_coact_opts_default(&wo);
    assert_int_equal(ch_coact_estimate_window(c, &wo, w, &pooled), CHORUS_OK);
    print_message("  window auto on CooRTweet: %lld s\n", (long long)w[CH_B_REPOST]);
    assert_true(w[CH_B_REPOST] >= CH_WINDOW_MIN && w[CH_B_REPOST] <= CH_WINDOW_MAX);
    chorus_corpus_free(c);
}


/* ---- looks, occasions, screening, crowd objects ------------------------------------------ */

/* A slow ring (8 accounts reposting 8 rare posts, each member at its own delay of up to two
 * hours) inside ordinary background activity: window auto finds most of its pairs at the short
 * look (the p-value doubled for the two looks); a fixed window is one look, uncorrected. */
static void test_two_looks(void **state)
{
    (void)state;
    rng_state = 11;
    ch_corpus *c = new_corpus();
    background(c, 600, "u");
    char au[32], ref[32];
    for (int u = 0; u < 600; u++) {   /* popular posts reposted within minutes */
        snprintf(au, sizeof au, "u%d", u);
        for (int i = 0; i < 3; i++) {
            int p = (int)(20 * unif() * unif());
            snprintf(ref, sizeof ref, "pop%d", p);
            rp(c, au, ref, T0 + p * 30000 + expo(300));
        }
    }
    for (int o = 0; o < 8; o++) {
        snprintf(ref, sizeof ref, "slow%d", o);
        for (int m = 0; m < 8; m++) {
            snprintf(au, sizeof au, "ring%d", m);
            rp(c, au, ref, T0 + o * 80000 + (int64_t)(rnd() % 7200));
        }
    }
    ch_coact_opts o = opts(0, 20);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->windows_long[CH_B_REPOST], CH_COACT_LONG_ACTION);
    assert_true(r->windows[CH_B_REPOST] < CH_COACT_LONG_ACTION);
    size_t ring = 0, ring_long = 0, other = 0;
    for (size_t i = 0; i < r->n_edges; i++) {
        const ch_edge *e = &r->edges[i];
        /* the p-value is the better look's, times two (the number of looks) */
        const double p1 = exp(ch_poisson_log_sf(e->n_occasions, e->expected));
        assert_true(fabs(e->pvalue - fmin(1, 2 * p1)) <= 1e-9 * e->pvalue + 1e-300);
        assert_int_equal(e->window, (e->flags & CH_EDGE_LONG) ? CH_COACT_LONG_ACTION
                                                              : r->windows[CH_B_REPOST]);
        if (!(e->flags & CH_EDGE_SIGNIFICANT))
            continue;
        if (is_ring(c, e->a) && is_ring(c, e->b)) {
            ring++;
            ring_long += (e->flags & CH_EDGE_LONG) != 0;
        } else {
            other++;
        }
    }
    print_message("slow ring, window auto %llds / %llds: significant ring edges %zu / 28 (%zu "
                  "from the long look), other %zu, clusters %zu\n",
                  (long long)r->windows[CH_B_REPOST], (long long)r->windows_long[CH_B_REPOST],
                  ring, ring_long, other, clusters_of(c, r));
    /* the long look carries the time-placement null (coact.h), so most ring pairs are found
     * at the short look; some need the long one */
    assert_true(ring >= 20);
    assert_int_equal(other, 0);
    assert_int_equal(clusters_of(c, r), 1);
    ch_coact_result_free(r);
    /* a fixed window: one look, no correction, no long look */
    o = opts(60, 20);
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    for (int b = 0; b < CH_B__COUNT; b++) {
        assert_int_equal(r->windows[b], 60);
        assert_int_equal(r->windows_long[b], 0);
    }
    for (size_t i = 0; i < r->n_edges; i++) {
        const ch_edge *e = &r->edges[i];
        assert_false(e->flags & CH_EDGE_LONG);
        assert_int_equal(e->window, 60);
        const double p1 = exp(ch_poisson_log_sf(e->n_occasions, e->expected));
        assert_true(fabs(e->pvalue - p1) <= 1e-9 * p1 + 1e-300);
    }
    ch_coact_result_free(r);
    /* a long look no longer than the short one is no second look */
    o = opts(0, 20);
    for (int b = 0; b < CH_B__COUNT; b++)
        o.long_window[b] = 10;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    for (int b = 0; b < CH_B__COUNT; b++)
        assert_int_equal(r->windows_long[b], 0);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

/* Occasions: the same hashtag set used together on several days is several co-actions of one
 * object; n_objects counts the object once, n_occasions each day. */
static void test_occasions(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    char id[32];
    for (int d = 0; d < 4; d++) {
        snprintf(id, sizeof id, "x%d", d);
        addp(c, (P){id, "X", T0 + d * 86400, CH_KIND_POST, .tags = {"a", "b"}});
        snprintf(id, sizeof id, "y%d", d);
        addp(c, (P){id, "Y", T0 + d * 86400 + 30, CH_KIND_POST, .tags = {"B", "a"}});
        /* Z uses the set hours away from them */
        snprintf(id, sizeof id, "z%d", d);
        addp(c, (P){id, "Z", T0 + d * 86400 + 5 * 3600, CH_KIND_POST, .tags = {"a", "b"}});
    }
    for (int d = 0; d < 2; d++) {
        snprintf(id, sizeof id, "xx%d", d);
        addp(c, (P){id, "X", T0 + 10 * 86400 + d * 86400, CH_KIND_POST, .tags = {"c", "d"}});
        snprintf(id, sizeof id, "yy%d", d);
        addp(c, (P){id, "Y", T0 + 10 * 86400 + d * 86400 + 5, CH_KIND_POST, .tags = {"c", "d"}});
    }
    ch_edge *e;
    size_t n;
    pairs(c, CH_B_HASHTAG, 600, &e, &n);
    const ch_edge *xy = find_pair(e, n, acct(c, "X"), acct(c, "Y"));
    assert_non_null(xy);
    assert_int_equal(xy->n_objects, 2);
    assert_int_equal(xy->n_occasions, 6);
    assert_int_equal(xy->n_events, 6);
    assert_null(find_pair(e, n, acct(c, "X"), acct(c, "Z")));
    ch_free(e);
    chorus_corpus_free(c);
}

/* Screening returns the weak pairs too (p <= screen_p), flags the significant ones, and stops
 * at max_edges, keeping the smallest p-values. */
static void test_screen_and_cap(void **state)
{
    (void)state;
    ch_corpus *c = ring_corpus();
    ch_coact_opts o = opts(60, 20);
    ch_coact_result *all, *sig, *cap;
    assert_int_equal(ch_coact_run(c, &o, &all), CHORUS_OK);
    size_t nsig = 0;
    for (size_t i = 0; i < all->n_edges; i++) {
        const ch_edge *e = &all->edges[i];
        assert_true(e->n_objects >= o.min_objects && e->n_units >= o.min_units);
        assert_true(e->pvalue <= o.screen_p || (e->flags & CH_EDGE_SIGNIFICANT));
        assert_true(!(e->flags & CH_EDGE_SIGNIFICANT) || e->pvalue <= all->p_cutoff);
        nsig += (e->flags & CH_EDGE_SIGNIFICANT) != 0;
    }
    assert_int_equal(nsig, all->n_significant);
    assert_true(all->n_significant > 0 && all->n_edges > all->n_significant);
    assert_int_equal(all->edges_capped, 0);
    /* screen_p = 0: the significant edges only, the same ones */
    o.screen_p = 0;
    assert_int_equal(ch_coact_run(c, &o, &sig), CHORUS_OK);
    assert_int_equal(sig->n_edges, all->n_significant);
    for (size_t i = 0; i < sig->n_edges; i++)
        assert_true(sig->edges[i].flags & CH_EDGE_SIGNIFICANT);
    /* a cap of 10: the 10 smallest p-values (all significant here), the rest counted */
    o.screen_p = 0.01;
    o.max_edges = 10;
    assert_int_equal(ch_coact_run(c, &o, &cap), CHORUS_OK);
    assert_int_equal(cap->n_edges, 10);
    assert_int_equal(cap->edges_capped, all->n_edges - 10);
    double pmax = 0;
    for (size_t i = 0; i < cap->n_edges; i++)
        pmax = fmax(pmax, cap->edges[i].pvalue);
    size_t smaller = 0;
    for (size_t i = 0; i < all->n_edges; i++)
        smaller += all->edges[i].pvalue < pmax;
    assert_true(smaller <= 10);
    print_message("screened %zu, significant %zu, capped at 10: %llu dropped\n", all->n_edges,
                  all->n_significant, (unsigned long long)cap->edges_capped);
    ch_coact_result_free(all);
    ch_coact_result_free(sig);
    ch_coact_result_free(cap);
    /* bad screening level */
    o.screen_p = 2;
    assert_int_equal(ch_coact_run(c, &o, &cap), CHORUS_EUSAGE);
    chorus_corpus_free(c);
}

/* The truncated product of the combined screen: one p-value is itself, tau = 1 is Fisher's
 * combination, and under the null (independent uniform p-values) its tail is exact. */
static void test_truncated_product(void **state)
{
    (void)state;
    assert_true(fabs(exp(ch_tpm_log_sf(log(0.003), 1, 0.1)) - 0.003) < 1e-12);
    const double w = 1e-3;   /* Fisher, two p-values: w (1 - ln w) */
    assert_true(fabs(exp(ch_tpm_log_sf(log(w), 2, 1.0)) - w * (1 - log(w))) < 1e-12);
    assert_true(ch_tpm_log_sf(0.0, 3, 0.1) == 0.0);
    assert_true(ch_tpm_log_sf(log(0.01), 0, 0.1) == 0.0);
    const double deep = ch_tpm_log_sf(-800.0, 4, 0.05);   /* far below the double range */
    assert_true(isfinite(deep) && deep < -780);
    /* more behaviours looked at, the same product: less surprising */
    assert_true(ch_tpm_log_sf(log(1e-4), 2, 0.1) < ch_tpm_log_sf(log(1e-4), 5, 0.1));
    /* Monte Carlo under the null: L = 3 uniform p-values, tau 0.1, level 0.01 */
    rng_state = 11;
    const int n = 200000;
    int hits = 0;
    for (int i = 0; i < n; i++) {
        double lw = 0;
        for (int k = 0; k < 3; k++) {
            const double u = unif();
            if (u <= 0.1)
                lw += log(u > 0 ? u : 1e-300);
        }
        hits += lw < 0 && ch_tpm_log_sf(lw, 3, 0.1) <= log(0.01);
    }
    print_message("truncated product: %d of %d null draws at level 0.01\n", hits, n);
    assert_true(hits > 0.008 * n && hits < 0.012 * n);
}

/* A three-account cell that pushes one rare tag and one link together on two days each: each
 * behaviour alone stays above the screening level, the two together pass the combined screen.
 * Hundreds of ordinary users sharing a viral link with its tag in bursts do not. */
static void test_combined_screen(void **state)
{
    (void)state;
    rng_state = 12;
    ch_corpus *c = new_corpus();
    background(c, 400, "u");
    char au[32], id[32];
    for (int day = 0; day < 2; day++) {
        for (int k = 0; k < 3; k++) {
            snprintf(au, sizeof au, "cell%d", k);
            snprintf(id, sizeof id, "t%d%d", day, k);
            addp(c, (P){id, au, T0 + day * 86400 + 60 * k, CH_KIND_POST,
                        .tags = {"cellpush"}});
            snprintf(id, sizeof id, "l%d%d", day, k);
            addp(c, (P){id, au, T0 + day * 86400 + 7200 + 60 * k, CH_KIND_POST,
                        .urls = {"https://cell.example/story"}});
        }
    }
    for (int u = 0; u < 300; u++) {   /* a viral link and its tag, in bursts over two days */
        snprintf(au, sizeof au, "u%d", u);
        snprintf(id, sizeof id, "v%d", u);
        addp(c, (P){id, au, T0 + 3 * 86400 + (u % 2) * 86400 + expo(600) % 3600,
                    CH_KIND_POST, .urls = {"https://viral.example/now"}, .tags = {"viralnow"}});
    }
    const uint32_t a = acct(c, "cell0"), b = acct(c, "cell1"), cell2 = acct(c, "cell2");
#define IN_CELL(x) ((x) == a || (x) == b || (x) == cell2)
    ch_coact_opts o = opts(0, 20);
    o.alpha = 1e-300;     /* no edge returned for significance alone */
    o.screen_p = 1;
    o.combine_p = 0;
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    double ph = 0, pl = 0;
    for (size_t i = 0; i < r->n_edges; i++) {
        const ch_edge *e = &r->edges[i];
        if (e->a == (a < b ? a : b) && e->b == (a < b ? b : a)) {
            if (e->behaviour == CH_B_HASHTAG)
                ph = e->pvalue;
            if (e->behaviour == CH_B_LINK)
                pl = e->pvalue;
        }
    }
    ch_coact_result_free(r);
    assert_true(ph > 0 && pl > 0);
    /* a screening level between the pair's combined evidence and each behaviour's */
    const double tau = fmin(1, 2 * fmax(ph, pl));
    const double lc = ch_tpm_log_sf(log(ph) + log(pl), 2, tau);
    const double screen = exp(0.5 * (lc + log(fmin(ph, pl))));
    print_message("cell pair: hashtag p %.3g, link p %.3g, combined %.3g, screen %.3g\n", ph, pl,
                  exp(lc), screen);
    assert_true(exp(lc) < screen && screen < fmin(ph, pl));
    o.screen_p = screen;
    for (int on = 0; on < 2; on++) {
        o.combine_p = on ? tau : 0;
        assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
        size_t cell = 0, viral = 0;
        for (size_t i = 0; i < r->n_edges; i++) {
            const ch_edge *e = &r->edges[i];
            const bool in_cell = IN_CELL(e->a) && IN_CELL(e->b);
            assert_true(e->pvalue > screen ? (e->flags & CH_EDGE_COMBINED) != 0
                                           : !(e->flags & CH_EDGE_COMBINED));
            cell += in_cell;
            viral += !in_cell;
        }
        /* three pairs, two behaviours each, only with the combined screen */
        assert_int_equal(cell, on ? 6 : 0);
        assert_int_equal(viral, 0);
        ch_coact_result_free(r);
    }
    /* the shipped levels: the viral crowd gets no combined edge */
    ch_coact_opts_default(&o);
    o.threads = 1;
    o.combine_p = 0.1;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    for (size_t i = 0; i < r->n_edges; i++)
        assert_true(!(r->edges[i].flags & CH_EDGE_COMBINED) || IN_CELL(r->edges[i].a));
#undef IN_CELL
    ch_coact_result_free(r);
    o.combine_p = 1.5;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_EUSAGE);
    chorus_corpus_free(c);
}

/* Crowd objects: an object acted on by more than max_object_actors accounts generates no
 * pairs (it stays in the null model); pairs keep their other objects. */
static void test_crowd_objects(void **state)
{
    (void)state;
    ch_corpus *c = new_corpus();
    char au[32];
    for (int u = 0; u < 300; u++) {
        snprintf(au, sizeof au, "u%d", u);
        rp(c, au, "viral", T0 + u);
    }
    rp(c, "u0", "rare1", T0 + 5000);
    rp(c, "u1", "rare1", T0 + 5010);
    rp(c, "u0", "rare2", T0 + 9000);
    rp(c, "u1", "rare2", T0 + 9010);
    ch_coact_opts o = opts(600, 0);
    ch_edge *e;
    size_t n;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_REPOST, &e, &n, NULL), CHORUS_OK);
    assert_int_equal(n, 300 * 299 / 2);
    assert_int_equal(find_pair(e, n, acct(c, "u0"), acct(c, "u1"))->n_objects, 3);
    ch_free(e);
    o.max_object_actors = 100;
    assert_int_equal(ch_coact_pairs(c, &o, CH_B_REPOST, &e, &n, NULL), CHORUS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].n_objects, 2);
    ch_free(e);
    ch_coact_result *r;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->objects_crowd[CH_B_REPOST], 1);
    assert_int_equal(r->pairs_generated[CH_B_REPOST], 2);
    ch_coact_result_free(r);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_boundary),
        cmocka_unit_test(test_extreme_times),
        cmocka_unit_test(test_empty_and_mask),
        cmocka_unit_test(test_same_account_repeated),
        cmocka_unit_test(test_rt_handle_key),
        cmocka_unit_test(test_reply_quote_keys),
        cmocka_unit_test(test_link_keys),
        cmocka_unit_test(test_hashtag_sets),
        cmocka_unit_test(test_mentions_and_audiences),
        cmocka_unit_test(test_narrative_statement),
        cmocka_unit_test(test_pair_bound),
        cmocka_unit_test(test_poisson_tail),
        cmocka_unit_test(test_truncated_product),
        cmocka_unit_test(test_combined_screen),
        cmocka_unit_test(test_negative_viral),
        cmocka_unit_test(test_negative_news_url),
        cmocka_unit_test(test_negative_journalists),
        cmocka_unit_test(test_coparroting_cell),
        cmocka_unit_test(test_negative_popular_posts),
        cmocka_unit_test(test_ring_detected),
        cmocka_unit_test(test_two_looks),
        cmocka_unit_test(test_occasions),
        cmocka_unit_test(test_screen_and_cap),
        cmocka_unit_test(test_crowd_objects),
        cmocka_unit_test(test_evidence_objects),
        cmocka_unit_test(test_network_counts_objects),
        cmocka_unit_test(test_threads_and_partitions),
        cmocka_unit_test(test_evidence_complete_and_cut),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_window_auto),
        cmocka_unit_test(test_reference_coortweet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
