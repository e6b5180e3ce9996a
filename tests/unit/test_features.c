/* test_features.c — corpus-wide normalization: every post gets its normalized text, and the
 * result does not depend on the number of threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text/features.h"

static chorus_corpus *make(size_t n)
{
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    static ch_rawpost r;
    for (size_t i = 0; i < n; i++) {
        char id[32], text[128];
        snprintf(id, sizeof id, "%zu", i);
        snprintf(text, sizeof text, "Post NUMBER %zu: Ｃｈｉｎａ &amp; #Tag https://t.co/x @who", i % 97);
        ch_rawpost_clear(&r);
        r.id = (ch_slice){id, strlen(id)};
        r.author_id = (ch_slice){"a", 1};
        r.created_at = (int64_t)i;
        r.text = (ch_slice){text, strlen(text)};
        r.text_html_escaped = true;
        bool kept;
        ch_reason why;
        assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    }
    return c;
}

static void test_normalize_corpus(void **state)
{
    (void)state;
    chorus_corpus *one = make(5000), *two = make(5000);
    assert_int_equal(ch_corpus_normalize(one, 1), 0);
    assert_int_equal(ch_corpus_normalize(two, 2), 0);
    for (size_t i = 0; i < 5000; i++) {
        uint32_t na, nb;
        const char *a = ch_corpus_norm(one, i, &na), *b = ch_corpus_norm(two, i, &nb);
        assert_non_null(a);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
    }
    /* HTML entities decoded at ingest, then folded: full-width letters, case, URL and
     * mention set aside, '#' dropped, punctuation to spaces */
    char want[64];
    snprintf(want, sizeof want, "post number %d china tag", 3);
    uint32_t n3;
    assert_string_equal(ch_corpus_norm(one, 3, &n3), want);
    assert_int_equal(n3, strlen(want));
    /* dropped once the stages that read them are over */
    ch_corpus_drop_derived(one);
    assert_null(ch_corpus_norm(one, 3, &n3));
    assert_int_equal(n3, 0);
    chorus_corpus_free(one);
    chorus_corpus_free(two);
    assert_int_equal(ch_parallel_threads(100), CH_PARALLEL_MAX);
    assert_true(ch_parallel_threads(0) >= 1);
}

static void test_empty(void **state)
{
    (void)state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    assert_int_equal(ch_corpus_normalize(c, 2), 0);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_corpus),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
