/* test_core.c — arena, string pool, corpus (dedup, accounts, HTML unescape), time parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/pool.h"
#include "core/post.h"
#include "core/timeparse.h"

static ch_slice S(const char *s) { return (ch_slice){s, strlen(s)}; }

static void test_arena(void **state)
{
    (void)state;
    ch_arena a;
    ch_arena_init(&a);
    char *p = ch_arena_strndup(&a, "hello", 5);
    assert_string_equal(p, "hello");
    void *big = ch_arena_alloc(&a, 1 << 20, 8);  /* bigger than a block */
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    for (int i = 0; i < 10000; i++) {
        uint64_t *x = ch_arena_alloc(&a, sizeof *x, 8);
        assert_non_null(x);
        assert_int_equal((uintptr_t)x % 8, 0);
        *x = (uint64_t)i;
    }
    assert_string_equal(p, "hello");  /* earlier allocations stay valid */
    ch_arena_free(&a);
}

/* Big blocks (mapped in huge pages in plain builds, from the heap under sanitizers) come
 * zeroed, keep their contents when grown or shrunk, and fail cleanly under injection. */
static void test_alloc_big(void **state)
{
    (void)state;
    size_t sizes[] = {16, CH_ALLOC_MAP_MIN - 8, CH_ALLOC_MAP_MIN, 3 * CH_ALLOC_BIG_MIN + 5};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = ch_alloc_big(sizes[k]);
        assert_non_null(p);
        assert_int_equal(p[0] | p[sizes[k] / 2] | p[sizes[k] - 1], 0);
        memset(p, 0xab, sizes[k]);
        ch_free_big(p, sizes[k]);
    }
    ch_free_big(NULL, CH_ALLOC_BIG_MIN);
    /* an array of uint32 grown from the heap into mapped blocks and back down */
    uint32_t *a = NULL;
    size_t cap = 0;
    for (uint32_t n = 1; n <= 2000000; n = n * 3 + 1) {
        size_t old = cap;
        assert_int_equal(ch_grow_big((void **)&a, &cap, n, sizeof *a), 0);
        assert_true(cap >= n);
        for (size_t i = old; i < cap; i++)
            assert_int_equal(a[i], 0);  /* new room comes zeroed */
        for (size_t i = old; i < cap; i++)
            a[i] = (uint32_t)i * 7u;
        for (size_t i = 0; i < cap; i += cap / 97 + 1)
            assert_int_equal(a[i], (uint32_t)i * 7u);
    }
    ch_shrink_big((void **)&a, &cap, 700000, sizeof *a);  /* still mapped */
    assert_int_equal(cap, 700000);
    assert_int_equal(a[699999], 699999u * 7u);
    ch_shrink_big((void **)&a, &cap, 1000, sizeof *a);     /* back to the heap */
    assert_int_equal(cap, 1000);
    assert_int_equal(a[999], 999u * 7u);
    ch_free_big(a, cap * sizeof *a);
    /* a failed growth leaves the array as it was */
    a = NULL;
    cap = 0;
    assert_int_equal(ch_grow_big((void **)&a, &cap, 300000, sizeof *a), 0);
    a[5] = 42;
    size_t had = cap;
    ch_alloc_fail_after(1);
    assert_int_equal(ch_grow_big((void **)&a, &cap, had + 1, sizeof *a), CHORUS_ENOMEM);
    ch_alloc_fail_after(0);
    assert_int_equal(cap, had);
    assert_int_equal(a[5], 42);
    ch_free_big(a, cap * sizeof *a);
}

static void test_pool(void **state)
{
    (void)state;
    ch_pool p;
    assert_int_equal(ch_pool_init(&p), 0);
    ch_sid a, b, c;
    assert_int_equal(ch_pool_intern(&p, "alpha", 5, &a), 0);
    assert_int_equal(ch_pool_intern(&p, "beta", 4, &b), 0);
    assert_int_equal(ch_pool_intern(&p, "alpha", 5, &c), 0);
    assert_int_equal(a, c);
    assert_int_not_equal(a, b);
    assert_string_equal(ch_pool_str(&p, b), "beta");
    assert_int_equal(ch_pool_len(&p, a), 5);
    assert_string_equal(ch_pool_str(&p, 0), "");
    /* many strings force rehashing; ids stay stable */
    char buf[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(buf, sizeof buf, "s%d", i);
        ch_sid id;
        assert_int_equal(ch_pool_intern(&p, buf, (size_t)n, &id), 0);
    }
    assert_int_equal(ch_pool_find(&p, "alpha", 5), a);
    assert_int_equal(ch_pool_find(&p, "s99999", 6), ch_pool_count(&p));
    assert_int_equal(ch_pool_find(&p, "nope", 4), 0);
    /* embedded NUL bytes are part of the string */
    ch_sid z1, z2;
    assert_int_equal(ch_pool_intern(&p, "a\0b", 3, &z1), 0);
    assert_int_equal(ch_pool_intern(&p, "a\0c", 3, &z2), 0);
    assert_int_not_equal(z1, z2);
    ch_pool_free(&p);
}

static void test_pool_oom(void **state)
{
    (void)state;
    /* Fail each allocation in turn: every failure is reported, nothing leaks or crashes. */
    for (uint64_t k = 1; k < 40; k++) {
        ch_pool p;
        ch_alloc_fail_after(k);
        if (ch_pool_init(&p) != 0) {
            ch_alloc_fail_after(0);
            continue;
        }
        char buf[16];
        int failed = 0;
        for (int i = 0; i < 3000 && !failed; i++) {
            ch_sid id;
            int n = snprintf(buf, sizeof buf, "%d", i);
            failed = ch_pool_intern(&p, buf, (size_t)n, &id) != 0;
        }
        ch_alloc_fail_after(0);
        ch_pool_free(&p);
    }
}

static void raw_basic(ch_rawpost *r, const char *id, const char *author, int64_t t,
                      const char *text)
{
    ch_rawpost_clear(r);
    r->id = S(id);
    r->author_id = S(author);
    r->created_at = t;
    r->text = S(text);
}

static void test_corpus(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "a.jsonl", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;

    raw_basic(&r, "1", "u1", 100, "Tom &amp; Jerry &lt;3 &gt; &quot;x&quot; &amp;amp;");
    r.text_html_escaped = true;
    r.author = S("tom");
    ch_rawpost_add_hashtag(&r, "tag", 3);
    ch_rawpost_add_url(&r, "https://example.com/a", 21);
    ch_rawpost_add_mention(&r, "jerry", 5);
    r.meta.present = true;
    r.meta.followers = 10;
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_true(kept);

    /* same id again: kept once */
    raw_basic(&r, "1", "u1", 100, "other text");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_false(kept);

    raw_basic(&r, "2", "u2", 50, "a repost");
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("1");
    r.ref_author_id = S("u1");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_true(kept);

    /* missing fields are rejected with a reason */
    raw_basic(&r, "", "u1", 1, "x");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), CHORUS_EPARSE);
    assert_int_equal(why, CH_R_NO_ID);
    raw_basic(&r, "3", "", 1, "x");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), CHORUS_EPARSE);
    assert_int_equal(why, CH_R_NO_AUTHOR);
    raw_basic(&r, "3", "u1", CH_UNKNOWN_I64, "x");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), CHORUS_EPARSE);
    assert_int_equal(why, CH_R_NO_TIME);

    /* a handle alone identifies an account */
    ch_rawpost_clear(&r);
    r.id = S("4");
    r.author = S("onlyhandle");
    r.created_at = 7;
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);

    assert_int_equal(chorus_corpus_posts(c), 3);
    assert_int_equal(chorus_corpus_accounts(c), 3);
    const ch_pool *pool = ch_corpus_pool(c);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_string_equal(p->text, "Tom & Jerry <3 > \"x\" &amp;");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(ch_pool_str(pool, ch_post_hashtags(p)[0]), "tag");
    assert_string_equal(ch_pool_str(pool, ch_post_urls(p)[0]), "https://example.com/a");
    assert_string_equal(ch_pool_str(pool, ch_post_mentions(p)[0]), "jerry");
    const ch_account *a = ch_corpus_account(c, p->account);
    assert_string_equal(ch_pool_str(pool, a->handle), "tom");
    assert_true(a->meta.present);
    assert_int_equal(a->meta.followers, 10);
    assert_int_equal(a->meta.following, CH_UNKNOWN_I64);
    const ch_post *rp = ch_corpus_post(c, ch_corpus_find_post(c, 0, "2", 1));
    assert_int_equal(rp->kind, CH_KIND_REPOST);
    assert_string_equal(ch_pool_str(pool, rp->ref_id), "1");
    assert_int_equal(ch_corpus_find_post(c, 0, "99", 2), SIZE_MAX);
    size_t ai = ch_corpus_find_account(c, 0, "onlyhandle", 10);
    assert_int_not_equal(ai, SIZE_MAX);
    assert_string_equal(ch_pool_str(pool, ch_corpus_account(c, ai)->handle), "onlyhandle");

    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->duplicates, 1);
    assert_int_equal(st->errors[CH_R_NO_ID], 1);
    assert_int_equal(st->errors[CH_R_NO_AUTHOR], 1);
    assert_int_equal(st->errors[CH_R_NO_TIME], 1);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], 2);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 1);
    assert_int_equal(st->min_time, 7);
    assert_int_equal(st->max_time, 100);
    chorus_corpus_free(c);
    chorus_corpus_free(NULL);
}

static int64_t T(const char *s)
{
    int64_t t = -1;
    if (ch_time_parse(s, strlen(s), &t) != 0)
        return -1;
    return t;
}

/* A NUL character in a text (JSON \u0000) becomes U+FFFD: the text is never cut short. */
/* Ids and authors hashed ahead by the reader (ch_corpus_prefetch_ids) land where the corpus's
 * own hashing puts them: thousands of accounts (the account map grows several times), every
 * post added twice, once each way. */
static void test_corpus_prefetch_ids(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "a.jsonl", &f), 0);
    ch_rawpost r;
    bool kept;
    ch_reason why;
    char id[32], who[32];
    for (int i = 0; i < 6000; i++) {
        snprintf(id, sizeof id, "post%d", i);
        snprintf(who, sizeof who, "acct%d", i / 2);
        raw_basic(&r, id, who, 10 + i, "text");
        if (i % 3)
            ch_corpus_prefetch_ids(c, &r);
        assert_true(r.ids_hashed == (i % 3 != 0));
        assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
        assert_true(kept);
        raw_basic(&r, id, who, 10 + i, "text");
        if (i % 3 == 0)
            ch_corpus_prefetch_ids(c, &r);
        assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
        assert_false(kept);
    }
    /* an account named by its handle alone */
    ch_rawpost_clear(&r);
    r.id = S("byhandle");
    r.author = S("someone");
    r.created_at = 5;
    ch_corpus_prefetch_ids(c, &r);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_true(kept);
    ch_corpus_prefetch_ids(NULL, &r); /* a reader capturing for another rank: nothing */
    assert_int_equal(ch_corpus_nposts(c), 6001);
    assert_int_equal(ch_corpus_naccounts(c), 3001);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 6000);
    for (int k = 0; k < 3000; k += 7) {
        snprintf(who, sizeof who, "acct%d", k);
        size_t a = ch_corpus_find_account(c, 0, who, strlen(who));
        assert_int_equal(a, (size_t)k);
        assert_int_equal(ch_corpus_account(c, a)->n_posts, 2);
        snprintf(id, sizeof id, "post%d", 2 * k + 1);
        size_t p = ch_corpus_find_post(c, 0, id, strlen(id));
        assert_int_equal(p, (size_t)(2 * k + 1));
        assert_int_equal(ch_corpus_post(c, p)->account, (uint32_t)k);
    }
    assert_int_equal(ch_corpus_find_account(c, 0, "someone", 7), 3000);
    assert_int_equal(ch_corpus_find_account(c, 0, "acct3000", 8), SIZE_MAX);
    /* the pool hash a reader takes is the one the pool keeps */
    const ch_pool *pool = ch_corpus_pool(c);
    ch_sid sid = ch_pool_find(pool, "acct42", 6);
    assert_int_not_equal(sid, 0);
    assert_int_equal(ch_pool_hash_of(pool, sid), ch_pool_hash("acct42", 6));
    assert_int_equal(ch_pool_hash_of(pool, 0), 0);
    chorus_corpus_free(c);
}

static void test_corpus_nul(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "a.jsonl", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    raw_basic(&r, "1", "u1", 100, "");
    r.text = (ch_slice){"a\0b\0", 4};
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "2", "u1", 100, "");
    r.text = (ch_slice){"\0x &amp; y", 10};
    r.text_html_escaped = true;
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_int_equal(p->text_len, 8);
    assert_memory_equal(p->text, "a\xef\xbf\xbd" "b\xef\xbf\xbd", 9);
    p = ch_corpus_post(c, 1);
    assert_string_equal(p->text, "\xef\xbf\xbdx & y");
    assert_int_equal(p->text_len, strlen(p->text));
    chorus_corpus_free(c);
}

/* The same id text on two platforms names two posts and two accounts; within a platform it is
 * still one post (duplicates dropped). A file's platform applies to records that name none. */
static void test_corpus_platforms(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    uint32_t fx, ft;
    assert_int_equal(ch_corpus_add_file(c, "x.jsonl", &fx), 0);
    assert_int_equal(ch_corpus_file_platform(c, fx, "x"), 0);
    assert_int_equal(ch_corpus_add_file(c, "tg.jsonl", &ft), 0);
    assert_int_equal(ch_corpus_file_platform(c, ft, "telegram"), 0);
    ch_rawpost r;
    bool kept;
    ch_reason why;
    raw_basic(&r, "100", "7", 10, "on x");
    assert_int_equal(ch_corpus_add(c, &r, fx, &kept, &why), 0);
    assert_true(kept);
    raw_basic(&r, "100", "7", 11, "on telegram");
    assert_int_equal(ch_corpus_add(c, &r, ft, &kept, &why), 0);
    assert_true(kept);
    raw_basic(&r, "100", "7", 12, "again on telegram");
    assert_int_equal(ch_corpus_add(c, &r, ft, &kept, &why), 0);
    assert_false(kept);
    /* a record may name its own platform, whatever its file's */
    raw_basic(&r, "100", "7", 13, "on bluesky");
    r.platform = S("bluesky");
    assert_int_equal(ch_corpus_add(c, &r, fx, &kept, &why), 0);
    assert_true(kept);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(ch_corpus_naccounts(c), 3);
    assert_int_equal(ch_corpus_nplatforms(c), 4); /* "", x, telegram, bluesky */
    int x = ch_corpus_platform_find(c, "x"), tg = ch_corpus_platform_find(c, "telegram"),
        bs = ch_corpus_platform_find(c, "bluesky");
    assert_true(x > 0 && tg > 0 && bs > 0);
    assert_int_equal(ch_corpus_platform_find(c, "reddit"), -1);
    assert_string_equal(ch_corpus_platform_name(c, 0), "");
    size_t px = ch_corpus_find_post(c, (uint8_t)x, "100", 3);
    size_t pt = ch_corpus_find_post(c, (uint8_t)tg, "100", 3);
    size_t pb = ch_corpus_find_post(c, (uint8_t)bs, "100", 3);
    assert_string_equal(ch_corpus_post(c, px)->text, "on x");
    assert_string_equal(ch_corpus_post(c, pt)->text, "on telegram");
    assert_string_equal(ch_corpus_post(c, pb)->text, "on bluesky");
    assert_int_equal(ch_corpus_post_platform(c, pt), tg);
    assert_int_equal(ch_corpus_find_post(c, 0, "100", 3), SIZE_MAX);
    size_t at = ch_corpus_find_account(c, (uint8_t)tg, "7", 1);
    assert_int_equal(ch_corpus_account(c, at)->platform, tg);
    assert_int_equal(ch_corpus_account(c, at)->n_posts, 1);
    assert_int_not_equal(at, ch_corpus_find_account(c, (uint8_t)x, "7", 1));
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    /* many collisions: the side table grows */
    char id[16];
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "%d", 1000 + i);
        raw_basic(&r, id, id, 20, "x");
        assert_int_equal(ch_corpus_add(c, &r, fx, &kept, &why), 0);
        assert_int_equal(ch_corpus_add(c, &r, ft, &kept, &why), 0);
        assert_true(kept);
    }
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "%d", 1000 + i);
        size_t a = ch_corpus_find_post(c, (uint8_t)x, id, strlen(id));
        size_t b = ch_corpus_find_post(c, (uint8_t)tg, id, strlen(id));
        assert_true(a != SIZE_MAX && b != SIZE_MAX && a != b);
        assert_int_equal(ch_corpus_post_platform(c, b), tg);
    }
    chorus_corpus_free(c);
}

static void test_time(void **state)
{
    (void)state;
    assert_int_equal(T("Wed Oct 10 20:19:24 +0000 2018"), 1539202764);
    assert_int_equal(T("Wed Oct 10 22:19:24 +0200 2018"), 1539202764);
    assert_int_equal(T("2018-10-10T20:19:24Z"), 1539202764);
    assert_int_equal(T("2018-10-10T20:19:24.000Z"), 1539202764);
    assert_int_equal(T("2018-10-10T22:19:24+02:00"), 1539202764);
    assert_int_equal(T("2018-10-10T22:19:24+0200"), 1539202764);
    assert_int_equal(T("2018-10-10 20:19:24"), 1539202764);
    assert_int_equal(T("2018-10-10 20:19"), 1539202740);
    assert_int_equal(T("2018-10-10"), 1539129600);
    assert_int_equal(T(" 1539202764 "), 1539202764);
    assert_int_equal(T("1539202764.75"), 1539202764);
    /* seconds by default, whatever the size: a millisecond value is refused, not divided */
    int64_t t = 0;
    assert_int_equal(ch_time_parse("1539202764123", 13, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_ms("1539202764123", 13, &t), CHORUS_OK);
    assert_int_equal(t, 1539202764);
    assert_int_equal(ch_time_parse_ms(" 1539202764999.5 ", 17, &t), CHORUS_OK);
    assert_int_equal(t, 1539202764);
    assert_int_equal(ch_time_parse_ms("2018-10-10T20:19:24Z", 20, &t), CHORUS_OK); /* not a number */
    assert_int_equal(t, 1539202764);
    assert_int_equal(ch_time_parse_ms("1539202764", 10, &t), CHORUS_OK); /* 1970, as ms */
    assert_int_equal(t, 1539202);
    assert_int_equal(ch_time_parse("99999999999999999999", 20, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse("253402300800", 12, &t), CHORUS_ELIMIT); /* year 10000 */
    /* the post window: 1990-01-01 (included) to 2100-01-01 (excluded) */
    assert_int_equal(ch_time_check(CH_TIME_MIN), CHORUS_OK);
    assert_int_equal(ch_time_check(CH_TIME_MIN - 1), CHORUS_ELIMIT);
    assert_int_equal(ch_time_check(CH_TIME_MAX - 1), CHORUS_OK);
    assert_int_equal(ch_time_check(CH_TIME_MAX), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post("1990-01-01", 10, false, &t), CHORUS_OK);
    assert_int_equal(t, CH_TIME_MIN);
    assert_int_equal(ch_time_parse_post("1989-12-31T23:59:59Z", 20, false, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post("2100-01-01", 10, false, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post("0", 1, false, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post("1539202764123", 13, false, &t), CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post("1539202764123", 13, true, &t), CHORUS_OK);
    assert_int_equal(ch_time_parse_post("soon", 4, false, &t), CHORUS_EPARSE);
    assert_string_equal(ch_time_problem(CHORUS_ELIMIT), "out-of-range");
    assert_string_equal(ch_time_problem(CHORUS_EPARSE), "unparseable");
    assert_int_equal(T("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(T("2000-02-29T00:00:00Z"), 951782400);
    assert_int_equal(T(""), -1);
    assert_int_equal(T("yesterday"), -1);
    assert_int_equal(T("2018-13-10T20:19:24Z"), -1);
    assert_int_equal(T("2018-02-30"), -1);
    assert_int_equal(T("Wed Foo 10 20:19:24 +0000 2018"), -1);
    assert_int_equal(T("2018-10-10T20:19:24Zjunk"), -1);
    char buf[48];
    ch_time_format(1539202764, buf);
    assert_string_equal(buf, "2018-10-10T20:19:24Z");
    ch_time_format(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

static int64_t TF(const char *fmt, const char *s)
{
    int64_t t = -1;
    if (ch_time_parse_fmt(fmt, s, strlen(s), &t) != 0)
        return -1;
    return t;
}

/* Zone names after a time, --time-format, and the hints of a failed parse. */
static void test_time_zones_formats(void **state)
{
    (void)state;
    /* 2021-03-01 16:00:00 UTC = 1614614400 */
    assert_int_equal(T("2021-03-01 11:00:00 EST"), 1614614400);
    assert_int_equal(T("2021-03-01 08:00:00 pst"), 1614614400);
    assert_int_equal(T("2021-03-01 17:00:00 CET"), 1614614400);
    assert_int_equal(T("2021-03-01 16:00:00 UTC"), 1614614400);
    assert_int_equal(T("2021-03-01 21:30:00 +0530"), 1614614400);
    assert_int_equal(T("2021-03-02 01:00:00 JST"), 1614614400);
    /* ambiguous and unknown names are refused, never guessed */
    assert_int_equal(T("2021-03-01 10:00:00 CST"), -1);
    assert_int_equal(T("2021-03-01 10:00:00 IST"), -1);
    assert_int_equal(T("2021-03-01 10:00:00 XYZ"), -1);
    assert_int_equal(T("2021-03-01 10:00:00 ESTX"), -1);

    char h[256];
    assert_true(ch_time_hint("2021-03-01 10:00:00 CST", 23, h, sizeof h));
    assert_non_null(strstr(h, "ambiguous"));
    assert_true(ch_time_hint("2021-03-01 10:00:00 QQT", 23, h, sizeof h));
    assert_non_null(strstr(h, "unknown zone"));
    assert_true(ch_time_hint("03/01/2021 11:00", 16, h, sizeof h));
    assert_non_null(strstr(h, "either way round"));
    assert_non_null(strstr(h, "'%m/%d/%Y %H:%M'"));
    assert_true(ch_time_hint("25/01/2021", 10, h, sizeof h));
    assert_non_null(strstr(h, "day-first"));
    assert_false(ch_time_hint("soon", 4, h, sizeof h));

    /* --time-format */
    assert_int_equal(TF("%m/%d/%Y %H:%M", "03/01/2021 16:00"), 1614614400);
    assert_int_equal(TF("%m/%d/%Y %H:%M", "3/1/2021 16:00"), 1614614400);
    assert_int_equal(TF("%d.%m.%Y %H:%M:%S", "01.03.2021 16:00:00"), 1614614400);
    assert_int_equal(TF("%m/%d/%y %I:%M %p", "03/01/21 4:00 PM"), 1614614400);
    assert_int_equal(TF("%m/%d/%y %I:%M %p", "03/01/21 4:00 p.m."), 1614614400);
    assert_int_equal(TF("%I:%M %p", "12:00 AM"), -1);                /* no year */
    assert_int_equal(TF("%d %b %Y %T %z", "1 Mar 2021 11:00:00 -0500"), 1614614400);
    assert_int_equal(TF("%A, %B %d, %Y %H:%M %Z", "Monday, March 01, 2021 11:00 EST"),
                     1614614400);
    assert_int_equal(TF("%Y-%m-%d %H:%M:%S.%f", "2021-03-01 16:00:00.123456"), 1614614400);
    assert_int_equal(TF("%s", "1614614400"), 1614614400);
    assert_int_equal(TF("%m/%d/%Y", "13/01/2021"), -1);                /* month 13 */
    assert_int_equal(TF("%m/%d/%Y", "02/30/2021"), -1);
    assert_int_equal(TF("%m/%d/%Y", "03/01/2021 extra"), -1);
    assert_int_equal(TF("%I:%M %m/%d/%Y", "4:00 03/01/2021"), -1);   /* %I without %p */
    assert_int_equal(TF("%H:%M %Z %Y", "4:00 CST 2021"), -1);        /* ambiguous */
    int64_t t;
    assert_int_equal(ch_time_parse_fmt("%Y", "1800", 4, &t), CHORUS_ELIMIT);

    char err[200];
    assert_int_equal(ch_time_fmt_check("%m/%d/%Y", err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_time_fmt_check("%m/%d %H", err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "no year"));
    assert_int_equal(ch_time_fmt_check("%Y %Q", err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "'%Q'"));
    assert_int_equal(ch_time_fmt_check("%Y %", err, sizeof err), CHORUS_EUSAGE);
    assert_int_equal(ch_time_fmt_check("", err, sizeof err), CHORUS_EUSAGE);

    /* with a post format: the format first, the built-in forms for what it does not match */
    assert_int_equal(ch_time_parse_post_fmt("%m/%d/%Y %H:%M", "03/01/2021 16:00", 16, false, &t),
                     CHORUS_OK);
    assert_int_equal(t, 1614614400);
    assert_int_equal(ch_time_parse_post_fmt("%m/%d/%Y %H:%M", "2021-03-01T16:00:00Z", 20, false,
                                            &t), CHORUS_OK);
    assert_int_equal(t, 1614614400);
    assert_int_equal(ch_time_parse_post_fmt("%m/%d/%Y", "01/01/1950", 10, false, &t),
                     CHORUS_ELIMIT);
    assert_int_equal(ch_time_parse_post_fmt(NULL, "03/01/2021", 10, false, &t), CHORUS_EPARSE);
}

/* Rows of a table of shares that repeat a post id with another URL are merged into the post;
 * a repeat that disagrees (another account or time) is a duplicate and changes nothing. */
static void test_corpus_merge(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "shares.csv", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    raw_basic(&r, "p1", "u1", 100, "look");
    ch_rawpost_add_url(&r, "https://a.example/1", 19);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_true(kept);
    raw_basic(&r, "p1", "u1", 100, "look");
    ch_rawpost_add_url(&r, "https://b.example/2", 19);
    ch_rawpost_add_url(&r, "https://a.example/1", 19);
    ch_rawpost_add_hashtag(&r, "tag", 3);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_false(kept);
    /* the same row again adds nothing: a duplicate */
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    /* another time: a duplicate, its URL not taken */
    raw_basic(&r, "p1", "u1", 101, "look");
    ch_rawpost_add_url(&r, "https://c.example/3", 19);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    /* another account */
    raw_basic(&r, "p1", "u2", 100, "look");
    ch_rawpost_add_url(&r, "https://c.example/3", 19);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);

    assert_int_equal(chorus_corpus_posts(c), 1);
    const ch_pool *pool = ch_corpus_pool(c);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_int_equal(p->n_urls, 2);
    assert_string_equal(ch_pool_str(pool, ch_post_urls(p)[0]), "https://a.example/1");
    assert_string_equal(ch_pool_str(pool, ch_post_urls(p)[1]), "https://b.example/2");
    assert_int_equal(p->n_hashtags, 1);
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->merged, 1);
    assert_int_equal(st->duplicates, 3);
    chorus_corpus_free(c);
}

/* One entity array per post: URLs, then hashtags, then mentions; a merge that adds to each
 * list keeps the three in their order. */
static void test_corpus_entities(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "shares.csv", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    raw_basic(&r, "p1", "u1", 100, "look");
    ch_rawpost_add_url(&r, "https://a.example/1", 19);
    ch_rawpost_add_mention(&r, "ann", 3);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "p2", "u1", 100, "none");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "p1", "u1", 100, "look");
    ch_rawpost_add_url(&r, "https://b.example/2", 19);
    ch_rawpost_add_hashtag(&r, "t1", 2);
    ch_rawpost_add_hashtag(&r, "t2", 2);
    ch_rawpost_add_mention(&r, "bob", 3);
    ch_rawpost_add_mention(&r, "ann", 3);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    const ch_pool *pool = ch_corpus_pool(c);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_int_equal(p->n_urls, 2);
    assert_int_equal(p->n_hashtags, 2);
    assert_int_equal(p->n_mentions, 2);
    assert_string_equal(ch_pool_str(pool, ch_post_urls(p)[0]), "https://a.example/1");
    assert_string_equal(ch_pool_str(pool, ch_post_urls(p)[1]), "https://b.example/2");
    assert_string_equal(ch_pool_str(pool, ch_post_hashtags(p)[0]), "t1");
    assert_string_equal(ch_pool_str(pool, ch_post_hashtags(p)[1]), "t2");
    assert_string_equal(ch_pool_str(pool, ch_post_mentions(p)[0]), "ann");
    assert_string_equal(ch_pool_str(pool, ch_post_mentions(p)[1]), "bob");
    /* a post without entities has no array */
    const ch_post *q = ch_corpus_post(c, 1);
    assert_null(q->ents);
    assert_null(ch_post_hashtags(q));
    assert_null(ch_post_mentions(q));
    /* more than CH_MAX_ENTITIES of one kind: the first ones kept, the others lists intact */
    raw_basic(&r, "p3", "u1", 100, "many");
    char buf[16];
    static char tags[CH_MAX_ENTITIES + 5][16];
    for (int i = 0; i < CH_MAX_ENTITIES + 5; i++) {
        int n = snprintf(tags[i], sizeof tags[i], "h%d", i);
        ch_rawpost_add_hashtag(&r, tags[i], (size_t)n);
    }
    ch_rawpost_add_mention(&r, "zed", 3);
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    p = ch_corpus_post(c, 2);
    assert_int_equal(p->n_urls, 0);
    assert_int_equal(p->n_hashtags, CH_MAX_ENTITIES);
    snprintf(buf, sizeof buf, "h%d", CH_MAX_ENTITIES - 1);
    assert_string_equal(ch_pool_str(pool, ch_post_hashtags(p)[CH_MAX_ENTITIES - 1]), buf);
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(ch_pool_str(pool, ch_post_mentions(p)[0]), "zed");
    chorus_corpus_free(c);
}

/* The client is held beside the posts from the first record that names one. */
static void test_corpus_client(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "p.jsonl", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    char id[16];
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "p%d", i);
        raw_basic(&r, id, "u1", 100 + i, "text");
        if (i >= 1000 && i % 2 == 0)
            r.client = i < 2000 ? S("Web") : S("App");
        assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    }
    ch_corpus_shrink(c);
    const ch_pool *pool = ch_corpus_pool(c);
    for (size_t i = 0; i < 3000; i++) {
        ch_sid s = ch_corpus_client(c, ch_corpus_post(c, i));
        const char *want = i < 1000 || i % 2 ? "" : i < 2000 ? "Web" : "App";
        assert_string_equal(ch_pool_str(pool, s), want);
    }
    chorus_corpus_free(c);
}

/* A repost whose text is the reposted post's holds the same bytes once; any other text is its
 * own copy. */
static void test_corpus_repost_text(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "p.jsonl", &f), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    raw_basic(&r, "o1", "u1", 100, "the original words");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "r1", "u2", 101, "the original words");     /* same text */
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("o1");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "r2", "u3", 102, "RT @u1: the original words"); /* another text */
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("o1");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "r3", "u4", 103, "the original words");     /* a reply: not shared */
    r.kind = CH_KIND_REPLY;
    r.ref_id = S("o1");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "r4", "u5", 104, "the original words");     /* reposts a post not held */
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("o9");
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    raw_basic(&r, "r5", "u6", 105, "the original words");     /* escaped text: copied */
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("o1");
    r.text_html_escaped = true;
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), 0);
    assert_int_equal(chorus_corpus_posts(c), 6);
    const ch_post *o = ch_corpus_post(c, 0);
    assert_ptr_equal(ch_corpus_post(c, 1)->text, o->text);
    assert_int_equal(ch_corpus_post(c, 1)->text_len, o->text_len);
    for (size_t i = 2; i < 6; i++)
        assert_ptr_not_equal(ch_corpus_post(c, i)->text, o->text);
    assert_string_equal(ch_corpus_post(c, 2)->text, "RT @u1: the original words");
    for (size_t i = 3; i < 6; i++)
        assert_string_equal(ch_corpus_post(c, i)->text, "the original words");
    chorus_corpus_free(c);
}

static void test_kind(void **state)
{
    (void)state;
    ch_kind k;
    assert_int_equal(ch_kind_parse("quote", 5, &k), 0);
    assert_int_equal(k, CH_KIND_QUOTE);
    assert_int_equal(ch_kind_parse("retweet", 7, &k), 0);
    assert_int_equal(k, CH_KIND_REPOST);
    assert_int_equal(ch_kind_parse("like", 4, &k), 0);
    assert_int_equal(k, CH_KIND_LIKE);
    assert_int_equal(ch_kind_parse("favourite", 9, &k), CHORUS_EPARSE);
    assert_string_equal(ch_kind_name(CH_KIND_REPLY), "reply");
    assert_string_equal(ch_reason_name(CH_R_JSON), "bad_json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena), cmocka_unit_test(test_alloc_big), cmocka_unit_test(test_pool),
        cmocka_unit_test(test_pool_oom), cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_corpus_platforms), cmocka_unit_test(test_corpus_prefetch_ids),
        cmocka_unit_test(test_time), cmocka_unit_test(test_kind),
        cmocka_unit_test(test_time_zones_formats), cmocka_unit_test(test_corpus_merge),
        cmocka_unit_test(test_corpus_nul), cmocka_unit_test(test_corpus_entities),
        cmocka_unit_test(test_corpus_repost_text), cmocka_unit_test(test_corpus_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
