/* test_spill.c — the spill file (core/spill.h) and a corpus under a memory budget whose texts
 * go there (ch_corpus_set_memory): bytes kept across releases and chunks, texts equal to those
 * of a corpus without a budget, errors reported and not signals, bytes read back from the file
 * (ch_spill_read) equal to those written through the mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/post.h"
#include "core/spill.h"
#include "scratch_dir.h"

SCRATCH_DIR_GROUP("test_spill")

static void test_spill_bytes(void **state)
{
    (void)state;
    ch_spill s;
    ch_spill_init(&s, dir);
    enum { N = 20000 };
    char *p[N];
    int rc;
    /* many small pieces, then one larger than what is left of the chunk, then more */
    for (int i = 0; i < N; i++) {
        const size_t n = 1 + (size_t)(i % 300);
        p[i] = ch_spill_alloc(&s, n, &rc);
        assert_non_null(p[i]);
        assert_int_equal(rc, CHORUS_OK);
        memset(p[i], 'a' + i % 26, n);
        if (i == N / 2) {
            char *big = ch_spill_alloc(&s, CH_SPILL_CHUNK - 100, &rc);
            assert_non_null(big);
            big[0] = 'x';
            big[CH_SPILL_CHUNK - 101] = 'y';
        }
    }
    assert_int_equal(scratch_files_in(dir), 0);   /* unlinked at once */
    assert_true(s.nchunks >= 2);
    ch_spill_release(&s);
    for (int i = 0; i < N; i++) {
        const size_t n = 1 + (size_t)(i % 300);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(p[i][k], 'a' + i % 26);
    }
    ch_spill_free(&s);
}

static void test_spill_error(void **state)
{
    (void)state;
    ch_spill s;
    ch_spill_init(&s, "/nonexistent/chorus-test");
    int rc;
    assert_null(ch_spill_alloc(&s, 10, &rc));
    assert_int_equal(rc, CHORUS_EIO);
    assert_non_null(strstr(s.err, "cannot create a temporary file"));
    ch_spill_free(&s);
}

/* ch_spill_read: the bytes written through the mapping, read back from the file, before and
 * after the pages are dropped, across many one-page chunks; a pointer outside the store or a
 * read past its allocation's chunk is refused. */
static void test_spill_read(void **state)
{
    (void)state;
    ch_spill s;
    ch_spill_init(&s, dir);
    s.chunk = (size_t)sysconf(_SC_PAGESIZE);
    enum { N = 3000 };
    char *p[N];
    int rc;
    for (int i = 0; i < N; i++) {
        const size_t n = 1 + (size_t)(i % 97);
        p[i] = ch_spill_alloc(&s, n, &rc);
        assert_non_null(p[i]);
        for (size_t k = 0; k < n; k++)
            p[i][k] = (char)(i * 31 + (int)k);
    }
    assert_true(s.nchunks > 20);
    char buf[128];
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < N; i++) {
            const size_t n = 1 + (size_t)(i % 97);
            memset(buf, 0, sizeof buf);
            assert_int_equal(ch_spill_read(&s, p[i], n, buf), CHORUS_OK);
            for (size_t k = 0; k < n; k++)
                assert_int_equal(buf[k], (char)(i * 31 + (int)k));
            if (n > 1)   /* a tail of the allocation */
                assert_int_equal(ch_spill_read(&s, p[i] + 1, n - 1, buf), CHORUS_OK);
            assert_int_equal(buf[0], (char)(i * 31 + 1 - (n == 1)));
        }
        ch_spill_release(&s);
    }
    char outside[4];
    assert_int_equal(ch_spill_read(&s, outside, sizeof outside, buf), CHORUS_EUSAGE);
    assert_int_equal(ch_spill_read(&s, s.chunks[0].base + s.chunks[0].size - 2, 4, buf),
                     CHORUS_EUSAGE);
    ch_spill_free(&s);
}

static ch_slice S(const char *s) { return (ch_slice){s, strlen(s)}; }

/* The same records into a corpus without a budget and one with the smallest: same texts. */
static void test_corpus_budget(void **state)
{
    (void)state;
    chorus_corpus *a, *b;
    assert_int_equal(chorus_corpus_new(&a), CHORUS_OK);
    assert_int_equal(chorus_corpus_new(&b), CHORUS_OK);
    ch_corpus_set_memory(b, 1, dir);
    uint32_t fa, fb;
    assert_int_equal(ch_corpus_add_file(a, "x", &fa), CHORUS_OK);
    assert_int_equal(ch_corpus_add_file(b, "x", &fb), CHORUS_OK);
    char id[32], text[128];
    for (int i = 0; i < 3000; i++) {
        ch_rawpost r;
        ch_rawpost_clear(&r);
        snprintf(id, sizeof id, "p%d", i);
        /* escaped text (decoded on the way in), an embedded NUL, an empty text */
        snprintf(text, sizeof text, "post %d &amp; more \xc3\xa9", i);
        r.id = S(id);
        r.author_id = S(i % 2 ? "a1" : "a2");
        r.created_at = 1000 + i;
        r.text = i % 7 == 0 ? (ch_slice){"", 0} : S(text);
        r.text_html_escaped = i % 3 == 0;
        if (i == 5)
            r.text = (ch_slice){"nul\0here", 8};
        bool ka, kb;
        ch_reason why;
        assert_int_equal(ch_corpus_add(a, &r, fa, &ka, &why), CHORUS_OK);
        assert_int_equal(ch_corpus_add(b, &r, fb, &kb, &why), CHORUS_OK);
        assert_true(ka && kb);
    }
    ch_corpus_mem ma, mb;
    ch_corpus_mem_get(a, &ma);
    ch_corpus_mem_get(b, &mb);
    assert_int_equal(ma.spilled, 0);
    assert_true(mb.spilled > 3000 * 10);   /* every text but the empty ones */
    ch_corpus_release_text(b);
    assert_int_equal(ch_corpus_nposts(a), ch_corpus_nposts(b));
    for (size_t i = 0; i < ch_corpus_nposts(a); i++) {
        const ch_post *x = ch_corpus_post(a, i), *y = ch_corpus_post(b, i);
        assert_int_equal(x->text_len, y->text_len);
        assert_memory_equal(x->text, y->text, x->text_len + 1);
    }
    assert_null(ch_corpus_spill_error(b));
    assert_int_equal(scratch_files_in(dir), 0);
    chorus_corpus_free(a);
    chorus_corpus_free(b);
}

static void test_corpus_spill_error(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_corpus_set_memory(c, 1, "/nonexistent/chorus-test");
    uint32_t f;
    assert_int_equal(ch_corpus_add_file(c, "x", &f), CHORUS_OK);
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = S("1");
    r.author_id = S("a");
    r.created_at = 1;
    r.text = S("hello");
    bool kept = false;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, f, &kept, &why), CHORUS_EIO);
    assert_false(kept);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_non_null(ch_corpus_spill_error(c));
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spill_bytes),
        cmocka_unit_test(test_spill_error),
        cmocka_unit_test(test_spill_read),
        cmocka_unit_test(test_corpus_budget),
        cmocka_unit_test(test_corpus_spill_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
