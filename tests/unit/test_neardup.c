/* test_neardup.c — near-duplicate narratives: evasion variants cluster, same-topic texts do
 * not, Chinese, short texts and reposts get none, a 20,000-copy template stays bounded,
 * narrative ids/fields/representative, determinism across runs and thread counts, options,
 * the sketch and exact similarity, empty corpus, allocation failure, sketches spilled to a
 * file (same narratives). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/neardup/neardup.h"

/* ---- corpus helpers --------------------------------------------------------------------- */

static chorus_corpus *corpus(void)
{
    chorus_corpus *c;
    uint32_t f;
    assert_int_equal(chorus_corpus_new(&c), 0);
    assert_int_equal(ch_corpus_add_file(c, "mem", &f), 0);
    return c;
}

static size_t add_kind(chorus_corpus *c, const char *author, int64_t t, const char *text,
                       ch_kind kind)
{
    static ch_rawpost r;
    static unsigned long seq;
    char id[32];
    int n = snprintf(id, sizeof id, "p%lu", ++seq);
    ch_rawpost_clear(&r);
    r.id = (ch_slice){id, (size_t)n};
    r.author_id = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.text = (ch_slice){text, strlen(text)};
    r.kind = kind;
    if (kind == CH_KIND_REPOST || kind == CH_KIND_LIKE)
        r.ref_id = (ch_slice){"orig", 4};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    assert_true(kept);
    return ch_corpus_nposts(c) - 1;
}

static size_t add(chorus_corpus *c, const char *author, int64_t t, const char *text)
{
    return add_kind(c, author, t, text, CH_KIND_POST);
}

static ch_neardup_result *run(const chorus_corpus *c, int threads)
{
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    o.threads = threads;
    ch_neardup_result *r = NULL;
    assert_int_equal(ch_neardup_run(c, &o, &r), CHORUS_OK);
    assert_non_null(r);
    assert_int_equal(r->n_posts, ch_corpus_nposts(c));
    return r;
}

static uint32_t nid(const ch_neardup_result *r, size_t post)
{
    return r->narrative_of_post[post];
}

/* ---- texts --------------------------------------------------------------------------------- */

static const char *const BASE =
    "The so-called interference story is built on anonymous leaks and no evidence at all, "
    "where is the proof?";

static const char *const VARIANTS[] = {
    /* case and punctuation */
    "THE SO-CALLED INTERFERENCE STORY IS BUILT ON ANONYMOUS LEAKS AND NO EVIDENCE AT ALL... "
    "WHERE IS THE PROOF?!!",
    /* emoji */
    "The so-called interference story 🔥 is built on anonymous leaks and no evidence at all 😡 "
    "where is the proof? 👇👇",
    /* hashtags added, one word written as a hashtag */
    "The so-called #interference story is built on anonymous leaks and no evidence at all, "
    "where is the proof? #StopTheHype #NoWitchHunt",
    /* a mention in front, a link behind */
    "@CanadaPolitics The so-called interference story is built on anonymous leaks and no "
    "evidence at all, where is the proof? https://t.co/Xy12abCD",
    /* one word swapped */
    "The so-called interference scandal is built on anonymous leaks and no evidence at all, "
    "where is the proof?",
    /* Cyrillic look-alikes (ѕ і о р) and a zero-width space inside a word */
    "The \xd1\x95o-called \xd1\x96nter\xe2\x80\x8b" "ference story is built \xd0\xben anonymous "
    "leaks and n\xd0\xbe evidence at all, where is the \xd1\x80roof?",
    /* full-width letters */
    "\xef\xbc\xb4\xef\xbd\x88\xef\xbd\x85 so-called interference story is built on anonymous "
    "leaks and no evidence at all, where is the proof?",
};
#define NVAR (sizeof VARIANTS / sizeof *VARIANTS)

/* Same topic, same vocabulary, different texts: not near-duplicates. */
static const char *const TOPIC[] = {
    "Anonymous leaks about interference should be investigated by an independent inquiry "
    "before anyone is blamed.",
    "Canada needs a public inquiry into foreign interference in the last two elections, and "
    "it needs one now.",
    "Interference allegations are serious and the evidence so far comes from anonymous leaks "
    "to the press.",
    "Nobody has shown proof of interference, and the story keeps changing every week in the "
    "media.",
    "Where is the proof? The leaks are anonymous and the so-called evidence has never been "
    "released to the public.",
};
#define NTOPIC (sizeof TOPIC / sizeof *TOPIC)

static void test_variants_cluster(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    size_t b = add(c, "a0", 1000, BASE);
    size_t v[NVAR];
    char who[16];
    for (size_t i = 0; i < NVAR; i++) {
        snprintf(who, sizeof who, "a%zu", i + 1);
        v[i] = add(c, who, 1100 + (int64_t)i * 10, VARIANTS[i]);
    }
    add(c, "a1", 2000, VARIANTS[0]);   /* a second post by an account already counted */
    ch_neardup_result *r = run(c, 1);
    assert_int_equal(r->n_narratives, 1);
    assert_int_equal(nid(r, b), 0);
    for (size_t i = 0; i < NVAR; i++) {
        if (nid(r, v[i]) != 0)
            fail_msg("variant %zu did not join the narrative: %s", i, VARIANTS[i]);
    }
    const ch_narrative *n = &r->narratives[0];
    assert_int_equal(n->size, NVAR + 2);
    assert_int_equal(n->n_accounts, NVAR + 1);
    assert_int_equal(n->first_seen, 1000);
    assert_int_equal(n->last_seen, 2000);
    assert_int_equal(n->first_post, b);
    assert_true(n->rep_post < ch_corpus_nposts(c));
    assert_int_equal(nid(r, n->rep_post), 0);
    assert_int_equal(r->stats.in_narratives, NVAR + 2);
    assert_int_equal(r->stats.eligible, NVAR + 2);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

static void test_same_topic_apart(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    size_t b = add(c, "a0", 1000, BASE);
    size_t b2 = add(c, "a9", 1001, VARIANTS[0]);
    size_t t[NTOPIC];
    for (size_t i = 0; i < NTOPIC; i++)
        t[i] = add(c, "b", 2000 + (int64_t)i, TOPIC[i]);
    ch_neardup_result *r = run(c, 1);
    assert_int_equal(r->n_narratives, 1);   /* only the base and its copy */
    assert_int_equal(nid(r, b), nid(r, b2));
    for (size_t i = 0; i < NTOPIC; i++)
        assert_int_equal(nid(r, t[i]), CH_NONE);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

static void test_chinese(void **state)
{
    (void)state;
    static const char *const zh[] = {
        "所谓中国干预纯属炒作，加拿大政客应该先管好自己的事情，把心思放在民生上。",
        "所谓“中国干预”纯属炒作！！加拿大政客应该先管好自己的事情，把心思放在民生上！",
        "所谓中国干预完全是炒作，加拿大政客应该先管好自己的事情，把心思放在民生上。",
        "所谓中国干预纯属炒作，加拿大政客应该先管好自己的事情，把心思放在民生上。#停止抹黑#",
        "@someone 所谓中国干预纯属炒作🔥加拿大政客应该先管好自己的事情，把心思放在民生上 https://t.co/a",
    };
    static const char *const other[] = {
        "中加关系需要相互尊重和平等对话，冷战思维没有出路，只会害了自己。",
        "华人不是替罪羊！停止抹黑中国，也请停止抹黑在加拿大的华人社区。",
        "加拿大政客炒作所谓干预，其实是为了转移选民对住房和物价问题的注意力。",
    };
    chorus_corpus *c = corpus();
    size_t p[5], q[3];
    for (size_t i = 0; i < 5; i++) {
        char who[8];
        snprintf(who, sizeof who, "z%zu", i);
        p[i] = add(c, who, 500 + (int64_t)i, zh[i]);
    }
    for (size_t i = 0; i < 3; i++)
        q[i] = add(c, "y", 900 + (int64_t)i, other[i]);
    ch_neardup_result *r = run(c, 2);
    assert_int_equal(r->n_narratives, 1);
    for (size_t i = 0; i < 5; i++)
        if (nid(r, p[i]) != 0)
            fail_msg("chinese variant %zu did not join: %s", i, zh[i]);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(nid(r, q[i]), CH_NONE);
    assert_int_equal(r->narratives[0].size, 5);
    assert_int_equal(r->narratives[0].n_accounts, 5);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

static void test_short_texts(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    size_t s[6], f[3];
    for (int i = 0; i < 3; i++) {
        s[i] = add(c, "u", 10 + i, "China is great!");           /* 3 words */
        s[3 + i] = add(c, "v", 20 + i, "中国真的很好啊");          /* 7 characters = 3.5 */
    }
    for (int i = 0; i < 3; i++)   /* exactly 5 words: enough */
        f[i] = add(c, "w", 30 + i, "Stop smearing China right now! 🔥 https://t.co/x");
    add(c, "x", 40, "");
    add(c, "x", 41, "https://t.co/only @link #");
    ch_neardup_result *r = run(c, 1);
    for (int i = 0; i < 6; i++)
        assert_int_equal(nid(r, s[i]), CH_NONE);
    assert_int_equal(r->n_narratives, 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(nid(r, f[i]), 0);
    assert_int_equal(r->stats.short_texts, 8);
    assert_int_equal(r->stats.eligible, 3);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

/* Reposts and likes are not new copies of a narrative. */
static void test_reposts_excluded(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    size_t o1 = add(c, "a", 100, BASE);
    size_t o2 = add(c, "b", 110, VARIANTS[4]);
    char rt[512];
    snprintf(rt, sizeof rt, "RT @a: %s", BASE);
    size_t r1 = add_kind(c, "c", 120, rt, CH_KIND_REPOST);
    size_t r2 = add(c, "d", 130, rt);   /* old-style manual retweet, read as a plain post */
    size_t r3 = add_kind(c, "e", 140, BASE, CH_KIND_REPOST);
    size_t q = add_kind(c, "f", 150, BASE, CH_KIND_QUOTE);   /* a quote's own text counts */
    /* likes have no text of their own: none, or the liked post's that a reader attached */
    size_t k1 = add_kind(c, "g", 160, "", CH_KIND_LIKE);
    size_t k2 = add_kind(c, "h", 170, BASE, CH_KIND_LIKE);
    ch_neardup_result *r = run(c, 1);
    assert_int_equal(r->n_narratives, 1);
    assert_int_equal(nid(r, o1), 0);
    assert_int_equal(nid(r, o2), 0);
    assert_int_equal(nid(r, q), 0);
    assert_int_equal(nid(r, r1), CH_NONE);
    assert_int_equal(nid(r, r2), CH_NONE);
    assert_int_equal(nid(r, r3), CH_NONE);
    assert_int_equal(nid(r, k1), CH_NONE);
    assert_int_equal(nid(r, k2), CH_NONE);
    assert_int_equal(r->stats.reposts, 3);
    assert_int_equal(r->stats.likes, 2);
    assert_int_equal(r->stats.eligible, 3);
    assert_int_equal(r->narratives[0].size, 3);
    assert_true(ch_neardup_is_repost(ch_corpus_post(c, r2)));
    assert_false(ch_neardup_is_repost(ch_corpus_post(c, q)));
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

/* A viral template: 20,000 near-identical copies by 500 accounts. The leader rule bounds the
 * work per bucket member, so this is one narrative at a linear cost. */
static void test_template_20000(void **state)
{
    (void)state;
    enum { N = 20000 };
    static const char *const tags[] = {"", " #StopTheHype", " #NoWitchHunt", " 🔥🔥", "!!!"};
    chorus_corpus *c = corpus();
    char buf[512], who[16];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "%s%s https://t.co/%05d", i % 7 == 0 ? "@user " : "", BASE, i);
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof buf - l, "%s", tags[i % 5]);
        if (i % 3 == 0)
            for (char *p = buf; *p; p++)
                *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        snprintf(who, sizeof who, "acct%d", i % 500);
        add(c, who, 10000 + i, buf);
    }
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    o.threads = 2;
    ch_neardup_result *r;
    assert_int_equal(ch_neardup_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_narratives, 1);
    assert_int_equal(r->narratives[0].size, N);
    assert_int_equal(r->narratives[0].n_accounts, 500);
    assert_int_equal(r->narratives[0].first_seen, 10000);
    assert_int_equal(r->narratives[0].last_seen, 10000 + N - 1);
    /* bounded work: per band at most max_leaders steps per bucket member (32 bands) */
    uint64_t steps = r->stats.compared + r->stats.skipped;
    assert_true(steps <= (uint64_t)32 * N * o.max_leaders);
    assert_true(r->stats.compared <= (uint64_t)N * 8);   /* in practice ~1 per post */
    assert_true(r->stats.max_bucket >= N / 2);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

/* Narrative ids follow (first time, first post), whatever the corpus order. */
static void test_id_order_and_rep(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    /* narrative B (later in the corpus, earlier in time) */
    size_t a1 = add(c, "a", 5000, TOPIC[0]);
    size_t a2 = add(c, "b", 5001, TOPIC[0]);
    size_t b1 = add(c, "c", 100, TOPIC[1]);
    size_t b2 = add(c, "d", 90, TOPIC[1]);
    /* narrative C: the earliest post is an outlier variant (extra words); the medoid is a
     * typical copy */
    char outlier[512];
    snprintf(outlier, sizeof outlier, "%s And that is the whole story, friends.", TOPIC[3]);
    size_t c0 = add(c, "e", 3000, outlier);
    size_t cs[5];
    for (int i = 0; i < 5; i++)
        cs[i] = add(c, "f", 3001 + i, TOPIC[3]);
    /* ties on time: the smaller post index is first */
    size_t d1 = add(c, "g", 4000, TOPIC[4]);
    size_t d2 = add(c, "h", 4000, TOPIC[4]);
    ch_neardup_result *r = run(c, 1);
    assert_int_equal(r->n_narratives, 4);
    assert_int_equal(nid(r, b1), 0);
    assert_int_equal(nid(r, b2), 0);
    assert_int_equal(r->narratives[0].first_post, b2);
    assert_int_equal(r->narratives[0].first_seen, 90);
    assert_int_equal(r->narratives[0].last_seen, 100);
    assert_int_equal(nid(r, c0), 1);
    assert_int_equal(r->narratives[1].first_post, c0);
    assert_int_not_equal(r->narratives[1].rep_post, c0);
    assert_int_equal(r->narratives[1].rep_post, cs[0]);
    assert_int_equal(nid(r, d1), 2);
    assert_int_equal(nid(r, d2), 2);
    assert_int_equal(r->narratives[2].first_post, d1);
    assert_int_equal(r->narratives[2].rep_post, d1);   /* identical copies: the first */
    assert_int_equal(nid(r, a1), 3);
    assert_int_equal(nid(r, a2), 3);
    ch_neardup_result_free(r);
    chorus_corpus_free(c);
}

/* A mixed corpus from a fixed seed: templates with word swaps, unique texts, Chinese. */
static chorus_corpus *mixed_corpus(unsigned n)
{
    static const char *const words[] = {
        "china", "canada", "media", "leaks", "proof", "story", "interference", "ottawa",
        "farmers", "trade", "respect", "dialogue", "hype", "truth", "sanctions", "history",
        "people", "government", "election", "inquiry", "witch", "hunt", "racism", "families",
        "the", "is", "and", "of", "to", "a", "no", "our", "their", "every", "day", "now"};
    const unsigned nw = sizeof words / sizeof *words;
    chorus_corpus *c = corpus();
    uint64_t s = 99;
    char buf[1024], who[16];
    for (unsigned i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned kind = (unsigned)(s >> 60) % 4;
        unsigned tpl = (unsigned)(s >> 40) % 20;
        size_t l = 0;
        buf[0] = 0;
        if (kind < 3) {   /* a template: 15 words from the template's seed, one maybe swapped */
            uint64_t t = tpl * 7919 + 1;
            unsigned swap = (unsigned)(s >> 20) % 30;
            for (unsigned w = 0; w < 15; w++) {
                t = t * 6364136223846793005ULL + 1;
                unsigned wi = w == swap ? (unsigned)(s >> 8) % nw : (unsigned)(t >> 33) % nw;
                l += (size_t)snprintf(buf + l, sizeof buf - l, "%s ", words[wi]);
            }
            if (tpl % 5 == 0)
                l += (size_t)snprintf(buf + l, sizeof buf - l, "中国加拿大关系相互尊重%u", tpl);
        } else {          /* unique */
            uint64_t t = s;
            for (unsigned w = 0; w < 12; w++) {
                t = t * 6364136223846793005ULL + 1;
                l += (size_t)snprintf(buf + l, sizeof buf - l, "%s ", words[(t >> 33) % nw]);
            }
        }
        snprintf(who, sizeof who, "u%u", (unsigned)(s >> 50) % 97);
        add(c, who, (int64_t)(s >> 45) % 100000, buf);
    }
    return c;
}

static void test_determinism(void **state)
{
    (void)state;
    chorus_corpus *c = mixed_corpus(5000);
    ch_neardup_result *ref = run(c, 1);
    assert_true(ref->n_narratives > 5);
    static const int th[] = {1, 2, 3, 0};
    for (size_t i = 0; i < sizeof th / sizeof *th; i++) {
        ch_neardup_result *r = run(c, th[i]);
        assert_int_equal(r->n_narratives, ref->n_narratives);
        assert_memory_equal(r->narrative_of_post, ref->narrative_of_post,
                            r->n_posts * sizeof *r->narrative_of_post);
        assert_memory_equal(r->narratives, ref->narratives,
                            r->n_narratives * sizeof *r->narratives);
        assert_int_equal(r->stats.links, ref->stats.links);
        ch_neardup_result_free(r);
    }
    /* every narrative holds >= 2 posts, ids are in (first time, first post) order */
    for (size_t i = 0; i < ref->n_narratives; i++) {
        const ch_narrative *n = &ref->narratives[i];
        assert_true(n->size >= 2);
        assert_true(n->first_seen <= n->last_seen);
        assert_int_equal(nid(ref, n->first_post), i);
        if (i > 0) {
            const ch_narrative *p = &ref->narratives[i - 1];
            assert_true(p->first_seen < n->first_seen ||
                        (p->first_seen == n->first_seen && p->first_post < n->first_post));
        }
    }
    ch_neardup_result_free(ref);
    chorus_corpus_free(c);
}

/* Sketches spilled past max_sketch_bytes (read back from the file by the buckets and the
 * representatives): the same narratives, representatives and comparisons as in memory; a
 * spill directory that cannot be written is an error with a message. */
static void test_spilled_sketches(void **state)
{
    (void)state;
    chorus_corpus *c = mixed_corpus(5000);
    ch_neardup_result *ref = run(c, 2);
    assert_true(ref->n_narratives > 5);
    assert_int_equal(ref->stats.spilled_bytes, 0);
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    o.threads = 2;
    o.max_sketch_bytes = 1;
    ch_neardup_result *r;
    assert_int_equal(ch_neardup_run(c, &o, &r), CHORUS_OK);
    assert_int_equal(r->stats.spilled_bytes, (uint64_t)5000 * o.hashes);
    assert_int_equal(r->n_narratives, ref->n_narratives);
    assert_memory_equal(r->narrative_of_post, ref->narrative_of_post,
                        r->n_posts * sizeof *r->narrative_of_post);
    assert_memory_equal(r->narratives, ref->narratives, r->n_narratives * sizeof *r->narratives);
    assert_int_equal(r->stats.compared, ref->stats.compared);
    assert_int_equal(r->stats.exact, ref->stats.exact);
    assert_int_equal(r->stats.links, ref->stats.links);
    ch_neardup_result_free(r);
    char err[256] = "";
    o.spill_dir = "/nonexistent/chorus-test";
    o.err = err;
    o.err_size = sizeof err;
    assert_int_equal(ch_neardup_run(c, &o, &r), CHORUS_EIO);
    assert_null(r);
    assert_non_null(strstr(err, "cannot create a temporary file"));
    ch_neardup_result_free(ref);
    chorus_corpus_free(c);
}

static void test_empty(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    ch_neardup_result *r = run(c, 0);
    assert_int_equal(r->n_posts, 0);
    assert_int_equal(r->n_narratives, 0);
    ch_neardup_result_free(r);
    /* nothing eligible */
    add_kind(c, "a", 1, BASE, CH_KIND_REPOST);
    add(c, "b", 2, "too short");
    r = run(c, 2);
    assert_int_equal(r->n_narratives, 0);
    assert_int_equal(nid(r, 0), CH_NONE);
    assert_int_equal(nid(r, 1), CH_NONE);
    ch_neardup_result_free(r);
    /* one eligible post: a narrative needs two */
    add(c, "c", 3, BASE);
    r = run(c, 1);
    assert_int_equal(r->n_narratives, 0);
    assert_int_equal(r->stats.eligible, 1);
    ch_neardup_result_free(r);
    ch_neardup_result_free(NULL);
    chorus_corpus_free(c);
}

static void test_options(void **state)
{
    (void)state;
    chorus_corpus *c = corpus();
    ch_neardup_result *r = (ch_neardup_result *)&r;
    ch_neardup_opts o;
    const ch_neardup_opts *d = NULL;
    assert_int_equal(ch_neardup_run(c, d, &r), CHORUS_OK);   /* NULL options = defaults */
    ch_neardup_result_free(r);
#define BAD(field, value)                                                 \
    do {                                                                  \
        ch_neardup_opts_default(&o);                                      \
        o.field = value;                                                  \
        r = (ch_neardup_result *)&o;                                      \
        assert_int_equal(ch_neardup_run(c, &o, &r), CHORUS_EUSAGE);       \
        assert_null(r);                                                   \
    } while (0)
    BAD(shingle, 0);
    BAD(shingle, 9);
    BAD(threshold, 0.0);
    BAD(threshold, 1.5);
    BAD(min_words, 0);
    BAD(hashes, 8);
    BAD(hashes, 256);
    BAD(rows, 1);
    BAD(rows, 9);
    BAD(max_leaders, 0);
    BAD(max_leaders, 65);
#undef BAD
    ch_neardup_sketcher *s = (ch_neardup_sketcher *)&o;
    ch_neardup_opts_default(&o);
    o.hashes = 300;
    assert_int_equal(ch_neardup_sketcher_new(&o, &s), CHORUS_EUSAGE);
    assert_null(s);
    /* other sizes work: 128 hashes, 3 rows, word trigrams, sketch-only decisions */
    chorus_corpus *c2 = corpus();
    size_t b = add(c2, "a", 1, BASE);
    size_t v = add(c2, "b", 2, VARIANTS[0]);
    ch_neardup_opts_default(&o);
    o.hashes = 128;
    o.rows = 3;
    o.shingle = 3;
    o.sketch_only = true;
    o.crossed = false;
    assert_int_equal(ch_neardup_run(c2, &o, &r), CHORUS_OK);
    assert_int_equal(r->n_narratives, 1);
    assert_int_equal(nid(r, b), nid(r, v));
    ch_neardup_result_free(r);
    chorus_corpus_free(c2);
    chorus_corpus_free(c);
}

static void test_sketch_similarity(void **state)
{
    (void)state;
    ch_neardup_sketcher *s;
    assert_int_equal(ch_neardup_sketcher_new(NULL, &s), CHORUS_OK);
    uint8_t a[CH_NEARDUP_MAX_HASHES], b[CH_NEARDUP_MAX_HASHES];
    uint32_t u;
    /* normalization makes these identical */
    assert_int_equal(ch_neardup_sketch(s, BASE, strlen(BASE), a, &u), CHORUS_OK);
    assert_int_equal(u, 2 * 19);
    assert_int_equal(ch_neardup_sketch(s, VARIANTS[0], strlen(VARIANTS[0]), b, &u), CHORUS_OK);
    assert_true(ch_neardup_estimate(a, b, 64) == 1.0);
    double j;
    assert_int_equal(ch_neardup_jaccard(s, BASE, strlen(BASE), VARIANTS[5], strlen(VARIANTS[5]),
                                        &j), CHORUS_OK);
    assert_true(j == 1.0);
    /* bigrams {ab bc cd de} vs {ab bc cd df}: 3 / 5 */
    assert_int_equal(ch_neardup_jaccard(s, "a b c d e", 9, "A, b; c d f!", 12, &j), CHORUS_OK);
    assert_true(j > 0.5999 && j < 0.6001);
    /* order matters within a shingle: {ab} vs {ba} */
    assert_int_equal(ch_neardup_jaccard(s, "alpha beta", 10, "beta alpha", 10, &j), CHORUS_OK);
    assert_true(j == 0.0);
    /* Chinese: one token per character, half a unit each */
    const char *zh = "中国从不干涉别国内政";
    assert_int_equal(ch_neardup_sketch(s, zh, strlen(zh), a, &u), CHORUS_OK);
    assert_int_equal(u, 10);
    /* no tokens: zero sketch, zero units; both empty: Jaccard 1 */
    assert_int_equal(ch_neardup_sketch(s, "!!! 🔥", 8, a, &u), CHORUS_OK);
    assert_int_equal(u, 0);
    assert_int_equal(ch_neardup_jaccard(s, "", 0, "...", 3, &j), CHORUS_OK);
    assert_true(j == 1.0);
    /* unrelated texts estimate near 0; a one-word swap in a long text stays high */
    const char *x = "Mutual respect and dialogue is the only way forward for Canada and China, "
                    "stop the hype and the hysteria in the media every single day";
    const char *y = "Mutual respect and dialogue is the only way forward for Canada and China, "
                    "stop the hype and the hysteria in the press every single day";
    assert_int_equal(ch_neardup_sketch(s, x, strlen(x), a, &u), CHORUS_OK);
    assert_int_equal(ch_neardup_sketch(s, BASE, strlen(BASE), b, &u), CHORUS_OK);
    assert_true(ch_neardup_estimate(a, b, 64) < 0.2);
    assert_int_equal(ch_neardup_sketch(s, y, strlen(y), b, &u), CHORUS_OK);
    assert_true(ch_neardup_estimate(a, b, 64) > 0.6);
    ch_neardup_sketcher_free(s);
    ch_neardup_sketcher_free(NULL);
}

/* Fail each allocation in turn (one thread, so the failure hits the worker too): every
 * failure is reported as CHORUS_ENOMEM, nothing leaks or crashes. */
static void test_oom(void **state)
{
    (void)state;
    chorus_corpus *c = mixed_corpus(300);
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    o.threads = 1;
    int ok = 0, failed = 0;
    for (uint64_t k = 1; k < 200 && !ok; k++) {
        ch_neardup_result *r = (ch_neardup_result *)&o;
        ch_alloc_fail_after(k);
        int rc = ch_neardup_run(c, &o, &r);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            ok = 1;
            assert_true(r->n_narratives > 0);
            ch_neardup_result_free(r);
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_null(r);
            failed++;
        }
    }
    assert_true(ok);
    assert_true(failed >= 10);   /* every allocation of the run was made to fail once */
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_cluster), cmocka_unit_test(test_same_topic_apart),
        cmocka_unit_test(test_chinese),          cmocka_unit_test(test_short_texts),
        cmocka_unit_test(test_reposts_excluded), cmocka_unit_test(test_template_20000),
        cmocka_unit_test(test_id_order_and_rep), cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_empty),            cmocka_unit_test(test_options),
        cmocka_unit_test(test_sketch_similarity), cmocka_unit_test(test_oom),
        cmocka_unit_test(test_spilled_sketches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
