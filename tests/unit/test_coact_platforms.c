/* test_coact_platforms.c — one scan across platforms: accounts of X, Bluesky and Mastodon that
 * share a URL, a hashtag, a near-duplicate text (narrative) or a parroted statement co-act,
 * since those objects mean the same thing on every platform; a post id (repost, reply, quote),
 * a mentioned handle and an "RT @handle:" original are their platform's, so the same id or
 * handle on two platforms connects nobody. The narrative comes from the neardup stage itself,
 * so the test covers that a near-duplicate text is one narrative whatever platform posts it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/neardup/neardup.h"
#include "ingest/ingest.h"

#define T0 INT64_C(1700000000)
#define BIT(b) (1u << (b))

typedef struct P {
    const char *id, *author, *platform;
    int64_t t;
    ch_kind kind;
    const char *ref, *text, *url, *tag, *mention;
} P;

static void addp(ch_corpus *c, P p)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){p.id, strlen(p.id)};
    r.author_id = (ch_slice){p.author, strlen(p.author)};
    r.platform = (ch_slice){p.platform, strlen(p.platform)};
    r.created_at = p.t;
    r.kind = p.kind;
    const char *text = p.text ? p.text : "short";
    r.text = (ch_slice){text, strlen(text)};
    if (p.ref)
        r.ref_id = (ch_slice){p.ref, strlen(p.ref)};
    if (p.url)
        ch_rawpost_add_url(&r, p.url, strlen(p.url));
    if (p.tag)
        ch_rawpost_add_hashtag(&r, p.tag, strlen(p.tag));
    if (p.mention)
        ch_rawpost_add_mention(&r, p.mention, strlen(p.mention));
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static uint32_t acct(const ch_corpus *c, const char *platform, const char *id)
{
    size_t a = SIZE_MAX;
    const ch_pool *pool = ch_corpus_pool(c);
    for (size_t i = 0; i < ch_corpus_naccounts(c); i++) {
        const ch_account *x = ch_corpus_account(c, i);
        if (!strcmp(ch_pool_str(pool, x->id), id) &&
            !strcmp(ch_corpus_platform_name(c, x->platform), platform))
            a = i;
    }
    assert_true(a != SIZE_MAX);
    return (uint32_t)a;
}

static const ch_edge *edge(const ch_coact_result *r, ch_behaviour b, uint32_t x, uint32_t y)
{
    const uint32_t a = x < y ? x : y, bb = x < y ? y : x;
    for (size_t i = 0; i < r->n_edges; i++)
        if (r->edges[i].behaviour == b && r->edges[i].a == a && r->edges[i].b == bb)
            return &r->edges[i];
    return NULL;
}

static const char *const NARR =
    "the so-called interference claims are a smear campaign driven by ideological prejudice";

/* The same account id "7" on X, Bluesky and Mastodon: three accounts (identity is scoped by
 * platform), which act on the same objects within seconds. */
static ch_corpus *three_platforms(void)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    static const char *const pf[3] = {"x", "bluesky", "mastodon"};
    for (int k = 0; k < 3; k++) {
        char id[8][32];
        for (int j = 0; j < 8; j++)
            snprintf(id[j], sizeof id[j], "%s-%d", pf[k], j);
        const int64_t t = T0 + k * 20;
        /* a URL in three spellings: one canonical object */
        static const char *const url[3] = {"https://www.news.example/story?utm_source=x",
                                           "http://news.example/story/", "news.example/story"};
        addp(c, (P){id[0], "7", pf[k], t, CH_KIND_POST, .url = url[k]});
        addp(c, (P){id[1], "7", pf[k], t + 1000, CH_KIND_POST, .tag = k == 1 ? "STOPSMEAR" : "StopSmear"});
        addp(c, (P){id[2], "7", pf[k], t + 2000, CH_KIND_POST, .text = NARR});
        addp(c, (P){id[3], "7", pf[k], t + 3000, CH_KIND_POST, .text = "statement copy"});
        /* post-id and handle objects: the same strings on each platform */
        addp(c, (P){id[4], "7", pf[k], t + 4000, CH_KIND_REPOST, .ref = "orig-1"});
        addp(c, (P){id[5], "7", pf[k], t + 5000, CH_KIND_REPLY, .ref = "parent-1"});
        addp(c, (P){id[6], "7", pf[k], t + 6000, CH_KIND_QUOTE, .ref = "quoted-1"});
        addp(c, (P){id[7], "7", pf[k], t + 7000, CH_KIND_POST, .mention = "someone"});
    }
    /* on X, a second account reposts, replies to and quotes the same posts and mentions the
     * same handle: the post-id and handle objects do connect within a platform */
    addp(c, (P){"x-b4", "8", "x", T0 + 4005, CH_KIND_REPOST, .ref = "orig-1"});
    addp(c, (P){"x-b5", "8", "x", T0 + 5005, CH_KIND_REPLY, .ref = "parent-1"});
    addp(c, (P){"x-b6", "8", "x", T0 + 6005, CH_KIND_QUOTE, .ref = "quoted-1"});
    addp(c, (P){"x-b7", "8", "x", T0 + 7005, CH_KIND_POST, .mention = "SomeOne"});
    return c;
}

static void test_objects_across_platforms(void **state)
{
    (void)state;
    ch_corpus *c = three_platforms();
    const size_t np = ch_corpus_nposts(c);
    const uint32_t X = acct(c, "x", "7"), B = acct(c, "bluesky", "7"), M = acct(c, "mastodon", "7");
    const uint32_t X2 = acct(c, "x", "8");
    assert_int_equal(ch_corpus_naccounts(c), 4);

    /* the near-duplicate text is one narrative on all three platforms */
    ch_neardup_opts no;
    ch_neardup_opts_default(&no);
    no.threads = 1;
    ch_neardup_result *nd = NULL;
    assert_int_equal(ch_neardup_run(c, &no, &nd), CHORUS_OK);
    uint32_t narr = CH_NONE;
    size_t in_narr = 0;
    for (size_t i = 0; i < np; i++) {
        if (nd->narrative_of_post[i] == CH_NONE)
            continue;
        assert_true(narr == CH_NONE || narr == nd->narrative_of_post[i]);
        narr = nd->narrative_of_post[i];
        in_narr++;
    }
    assert_int_equal(in_narr, 3);
    assert_int_equal(nd->narratives[narr].n_accounts, 3);

    /* the statement copies (every fourth post of each platform's block) parrot statement 0 */
    uint32_t *stmt = malloc(np * sizeof *stmt);
    assert_non_null(stmt);
    for (size_t i = 0; i < np; i++)
        stmt[i] = CH_NONE;
    for (int k = 0; k < 3; k++)
        stmt[(size_t)k * 8 + 3] = 0;
    static const char *const ids[1] = {"S1"};

    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.window = 600;
    o.threads = 1;
    o.screen_p = 1;
    o.min_objects = 1;
    o.min_units = 1;
    o.behaviours = BIT(CH_B_REPOST) | BIT(CH_B_REPLY) | BIT(CH_B_QUOTE) | BIT(CH_B_LINK) |
                   BIT(CH_B_HASHTAG) | BIT(CH_B_NARRATIVE) | BIT(CH_B_STATEMENT) | BIT(CH_B_MENTION);
    o.narrative_of_post = nd->narrative_of_post;
    o.statement_of_post = stmt;
    o.statement_ids = ids;
    o.n_statements = 1;
    ch_coact_result *r = NULL;
    assert_int_equal(ch_coact_run(c, &o, &r), CHORUS_OK);

    /* content objects: every pair of platforms co-acts */
    const ch_behaviour shared[4] = {CH_B_LINK, CH_B_HASHTAG, CH_B_NARRATIVE, CH_B_STATEMENT};
    for (int k = 0; k < 4; k++) {
        assert_non_null(edge(r, shared[k], X, B));
        assert_non_null(edge(r, shared[k], X, M));
        assert_non_null(edge(r, shared[k], B, M));
    }
    /* post ids and handles: only the two X accounts */
    const ch_behaviour scoped[4] = {CH_B_REPOST, CH_B_REPLY, CH_B_QUOTE, CH_B_MENTION};
    for (int k = 0; k < 4; k++) {
        assert_non_null(edge(r, scoped[k], X, X2));
        assert_null(edge(r, scoped[k], X, B));
        assert_null(edge(r, scoped[k], X, M));
        assert_null(edge(r, scoped[k], B, M));
        assert_null(edge(r, scoped[k], X2, B));
        assert_null(edge(r, scoped[k], X2, M));
    }
    ch_coact_result_free(r);
    free(stmt);
    ch_neardup_result_free(nd);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_across_platforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
