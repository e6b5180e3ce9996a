/* test_json.c — unit tests of the simdjson adapter (src/core/json.h). */
#include "helpers.h"

/* Parses a NUL-terminated literal without padding (the parser copies it). */
static ch_json_val parse_ok(ch_json_parser *p, const char *s)
{
    ch_json_val root;
    const char *msg = NULL;
    ch_json_err e = ch_json_parse(p, s, strlen(s), false, &root, &msg);
    if (e != CH_JSON_OK)
        fail_msg("parse of '%.60s' failed: %s", s, msg ? msg : "?");
    return root;
}

static void assert_str(ch_json_val v, const char *want)
{
    const char *s;
    size_t n;
    assert_true(ch_json_str(v, &s, &n));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(s, want, n);
}

static void test_scalars_and_lookup(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    ch_json_val r = parse_ok(p, "{\"s\":\"h\\u00e9\\n\\\"x\\\"\",\"i\":-42,\"big\":18446744073709551615,"
                                "\"id\":1440716895355764743,\"d\":2.5,\"t\":true,\"f\":false,"
                                "\"n\":null,\"a\":[1,\"two\",[3]],\"o\":{\"k\":{\"deep\":\"yes\"}},"
                                "\"s\":\"second\"}");
    assert_int_equal(ch_json_type_of(r), CH_JSON_OBJECT);
    assert_int_equal(ch_json_len(r), 11);
    assert_str(ch_json_get(r, "s"), "h\xc3\xa9\n\"x\""); /* the first of a repeated key */

    int64_t i;
    uint64_t u;
    double d;
    bool b;
    assert_true(ch_json_int64(ch_json_get(r, "i"), &i));
    assert_int_equal(i, -42);
    assert_false(ch_json_uint64(ch_json_get(r, "i"), &u)); /* negative */
    assert_int_equal(ch_json_type_of(ch_json_get(r, "big")), CH_JSON_UINT64);
    assert_false(ch_json_int64(ch_json_get(r, "big"), &i));
    assert_true(ch_json_uint64(ch_json_get(r, "big"), &u));
    assert_true(u == UINT64_MAX);
    /* Ids beyond 2^53 stay exact. */
    assert_true(ch_json_int64(ch_json_get(r, "id"), &i));
    assert_true(i == INT64_C(1440716895355764743));
    char buf[32];
    assert_int_equal(ch_json_int_text(ch_json_get(r, "id"), buf, sizeof buf), 19);
    assert_string_equal(buf, "1440716895355764743");
    assert_int_equal(ch_json_int_text(ch_json_get(r, "big"), buf, sizeof buf), 20);
    assert_string_equal(buf, "18446744073709551615");
    assert_int_equal(ch_json_int_text(ch_json_get(r, "i"), buf, sizeof buf), 3);
    assert_string_equal(buf, "-42");
    assert_int_equal(ch_json_int_text(ch_json_get(r, "d"), buf, sizeof buf), 0);
    assert_true(ch_json_double(ch_json_get(r, "d"), &d));
    assert_true(d == 2.5);
    assert_true(ch_json_double(ch_json_get(r, "i"), &d));
    assert_true(d == -42.0);
    assert_true(ch_json_bool(ch_json_get(r, "t"), &b) && b);
    assert_true(ch_json_bool(ch_json_get(r, "f"), &b) && !b);
    assert_false(ch_json_bool(ch_json_get(r, "n"), &b));
    assert_true(ch_json_is_null(ch_json_get(r, "n")));
    assert_int_equal(ch_json_type_of(ch_json_get(r, "n")), CH_JSON_NULL);

    /* Wrong types answer false and leave outputs alone. */
    const char *s = "untouched";
    size_t n = 99;
    assert_false(ch_json_str(ch_json_get(r, "i"), &s, &n));
    assert_string_equal(s, "untouched");
    assert_int_equal(n, 99);

    /* Absent values chain safely. */
    ch_json_val none = ch_json_get(ch_json_get(r, "nope"), "deeper");
    assert_false(ch_json_present(none));
    assert_int_equal(ch_json_type_of(none), CH_JSON_NONE);
    assert_false(ch_json_present(ch_json_get(ch_json_get(r, "i"), "x"))); /* not an object */
    assert_str(ch_json_path(r, "o.k.deep"), "yes");
    assert_false(ch_json_present(ch_json_path(r, "o.k.missing")));
    assert_false(ch_json_present(ch_json_path(r, "o.k.deep.more")));
    assert_true(ch_json_get_str(ch_json_get(r, "o"), "k", &s, &n) == false);

    /* Array iteration, nested array skipped as one element. */
    ch_json_iter it;
    ch_json_val e = {0};
    assert_true(ch_json_iter_init(ch_json_get(r, "a"), &it));
    assert_true(ch_json_arr_next(&it, &e));
    assert_true(ch_json_int64(e, &i) && i == 1);
    assert_true(ch_json_arr_next(&it, &e));
    assert_str(e, "two");
    assert_true(ch_json_arr_next(&it, &e));
    assert_int_equal(ch_json_type_of(e), CH_JSON_ARRAY);
    assert_int_equal(ch_json_len(e), 1);
    assert_false(ch_json_arr_next(&it, &e));
    assert_false(ch_json_iter_init(ch_json_get(r, "i"), &it));
    assert_false(ch_json_arr_next(&it, &e)); /* an empty iterator stays empty */

    /* Object iteration yields keys in document order. */
    static const char *const keys[] = {"s", "i", "big", "id", "d", "t", "f", "n", "a", "o", "s"};
    const char *k;
    size_t kn, count = 0;
    assert_true(ch_json_iter_init(r, &it));
    while (ch_json_obj_next(&it, &k, &kn, &e)) {
        assert_true(count < 11);
        assert_int_equal(kn, strlen(keys[count]));
        assert_memory_equal(k, keys[count], kn);
        count++;
    }
    assert_int_equal(count, 11);
    ch_json_parser_free(p);
}

static void test_empty_containers_and_root_scalars(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    ch_json_iter it;
    ch_json_val e = {0};
    const char *k;
    size_t kn;
    ch_json_val r = parse_ok(p, "{}");
    assert_int_equal(ch_json_len(r), 0);
    assert_true(ch_json_iter_init(r, &it));
    assert_false(ch_json_obj_next(&it, &k, &kn, &e));
    r = parse_ok(p, "[]");
    assert_true(ch_json_iter_init(r, &it));
    assert_false(ch_json_arr_next(&it, &e));
    r = parse_ok(p, "  \"just a string\"  ");
    assert_str(r, "just a string");
    r = parse_ok(p, "17");
    int64_t i;
    assert_true(ch_json_int64(r, &i) && i == 17);
    /* A key holding a NUL byte is matched by length, not by strlen. */
    r = parse_ok(p, "{\"a\\u0000b\":1,\"a\":2}");
    assert_true(ch_json_int64(ch_json_getn(r, "a\0b", 3), &i) && i == 1);
    assert_true(ch_json_int64(ch_json_get(r, "a"), &i) && i == 2);
    ch_json_parser_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    ch_json_parser *p;
    ch_json_val r;
    const char *msg;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);

    static const char *const bad[] = {
        "{\"a\":", "{\"a\" 1}", "[1,]", "", "   ", "{\"a\":\"unterminated}", "nul", "[1] [2]",
        "{\"id\":123456789012345678901234567890}", "{'a':1}", "{\"a\":01}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msg = NULL;
        assert_int_equal(ch_json_parse(p, bad[i], strlen(bad[i]), false, &r, &msg),
                         CH_JSON_ESYNTAX);
        assert_non_null(msg);
        assert_true(msg[0] >= 'a' && msg[0] <= 'z'); /* lowercase, per STYLE.md */
        assert_true(msg[strlen(msg) - 1] != '.');
        assert_false(ch_json_present(r));
    }

    const char utf8[] = "{\"text\":\"caf\xc3\"}";
    assert_int_equal(ch_json_parse(p, utf8, strlen(utf8), false, &r, &msg), CH_JSON_EUTF8);
    const char surrogate[] = "{\"text\":\"\xed\xa0\x80\"}"; /* UTF-16 surrogate in UTF-8 */
    assert_int_equal(ch_json_parse(p, surrogate, strlen(surrogate), false, &r, &msg),
                     CH_JSON_EUTF8);

    /* 10,000-deep nesting is an error, not a stack overflow. */
    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    assert_int_equal(ch_json_parse(p, deep, 2 * depth, false, &r, &msg), CH_JSON_EDEPTH);
    assert_non_null(msg);
    /* The parser is usable after errors. */
    r = parse_ok(p, "{\"ok\":true}");
    bool b;
    assert_true(ch_json_bool(ch_json_get(r, "ok"), &b) && b);
    ch_json_parser_free(p);

    /* A parser with a small depth limit. */
    assert_int_equal(ch_json_parser_new(4, &p), CHORUS_OK);
    assert_int_equal(ch_json_parse(p, "[[[[[1]]]]]", 11, false, &r, &msg), CH_JSON_EDEPTH);
    assert_int_equal(ch_json_parse(p, "[[[1]]]", 7, false, &r, &msg), CH_JSON_OK);
    ch_json_parser_free(p);
    /* The default limit accepts 1000 levels. */
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    assert_int_equal(ch_json_parse(p, deep + depth - 1000, 2000, false, &r, &msg), CH_JSON_OK);
    ch_json_parser_free(p);
    free(deep);
    ch_json_parser_free(NULL);
}

/* Padded input is parsed in place; the bytes after the end are ignored whatever they hold. */
static void test_padded_in_place(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    const char *doc = "{\"id_str\":\"1\",\"text\":\"hi\"}";
    size_t n = strlen(doc);
    char *buf = malloc(n + CH_JSON_PADDING);
    assert_non_null(buf);
    memcpy(buf, doc, n);
    memset(buf + n, '}', CH_JSON_PADDING); /* garbage after the document */
    ch_json_val r;
    assert_int_equal(ch_json_parse(p, buf, n, true, &r, NULL), CH_JSON_OK);
    const char *s;
    size_t sn;
    assert_true(ch_json_get_str(r, "text", &s, &sn));
    assert_int_equal(sn, 2);
    assert_memory_equal(s, "hi", 2);
    /* Unpadded input of the exact size (ASan checks no byte past it is read). */
    char *exact = malloc(n);
    assert_non_null(exact);
    memcpy(exact, doc, n);
    assert_int_equal(ch_json_parse(p, exact, n, false, &r, NULL), CH_JSON_OK);
    assert_true(ch_json_get_str(r, "id_str", &s, &sn));
    assert_memory_equal(s, "1", 1);
    free(exact);
    free(buf);
    ch_json_parser_free(p);
}

/* A parser grows for a large document and keeps working on small ones after it. */
static void test_reuse_and_growth(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    size_t count = 200000;
    size_t cap = count * 8 + 16;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t n = 0;
    big[n++] = '[';
    for (size_t i = 0; i < count; i++)
        n += (size_t)snprintf(big + n, cap - n, "%s%zu", i ? "," : "", i);
    big[n++] = ']';
    ch_json_val r;
    assert_int_equal(ch_json_parse(p, big, n, false, &r, NULL), CH_JSON_OK);
    assert_int_equal(ch_json_len(r), count);
    ch_json_iter it;
    ch_json_val e = {0};
    int64_t x = -1, last = -1;
    ch_json_iter_init(r, &it);
    while (ch_json_arr_next(&it, &e))
        assert_true(ch_json_int64(e, &x) && x == last + 1 && (last = x) >= 0);
    assert_int_equal(last, (int64_t)count - 1);
    free(big);
    assert_true(ch_json_parser_capacity(p) >= n);
    for (int i = 0; i < 1000; i++) {
        char small[64];
        int k = snprintf(small, sizeof small, "{\"n\":%d}", i);
        assert_int_equal(ch_json_parse(p, small, (size_t)k, false, &r, NULL), CH_JSON_OK);
        assert_true(ch_json_int64(ch_json_get(r, "n"), &x) && x == i);
    }
    ch_json_parser_free(p);
}

/* After one huge document the parser gives its memory back once small ones follow. */
static void test_shrink_after_huge(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    size_t n = 8 * 1024 * 1024;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    memcpy(big, "{\"text\":\"", 9);
    memset(big + 9, 'x', n - 100);
    memcpy(big + 9 + n - 100, "\"}", 2);
    ch_json_val r;
    assert_int_equal(ch_json_parse(p, big, n, false, &r, NULL), CH_JSON_OK);
    const char *s;
    size_t sn;
    assert_true(ch_json_get_str(r, "text", &s, &sn));
    assert_int_equal(sn, n - 100);
    assert_true(ch_json_parser_capacity(p) >= n);
    for (int i = 0; i < 100; i++) {
        char small[32];
        int k = snprintf(small, sizeof small, "[%d]", i);
        assert_int_equal(ch_json_parse(p, small, (size_t)k, false, &r, NULL), CH_JSON_OK);
        int64_t x;
        ch_json_iter it;
        ch_json_val e = {0};
        assert_true(ch_json_iter_init(r, &it) && ch_json_arr_next(&it, &e));
        assert_true(ch_json_int64(e, &x) && x == i);
    }
    assert_true(ch_json_parser_capacity(p) < 1024 * 1024);
    /* and grows again when needed */
    assert_int_equal(ch_json_parse(p, big, n, false, &r, NULL), CH_JSON_OK);
    assert_true(ch_json_get_str(r, "text", &s, &sn) && sn == n - 100);
    free(big);
    ch_json_parser_free(p);
}

static void test_validate_utf8(void **state)
{
    (void)state;
    assert_true(ch_json_validate_utf8("", 0));
    assert_true(ch_json_validate_utf8("plain ascii", 11));
    static const char flags[] = "caf\xc3\xa9 \xf0\x9f\x87\xb5\xf0\x9f\x87\xb8";
    assert_true(ch_json_validate_utf8(flags, sizeof flags - 1));
    assert_false(ch_json_validate_utf8("caf\xc3", 4));             /* truncated sequence */
    assert_false(ch_json_validate_utf8("\xc0\xaf", 2));            /* overlong '/' */
    assert_false(ch_json_validate_utf8("\xed\xa0\x80", 3));        /* surrogate */
    assert_false(ch_json_validate_utf8("\xf4\x90\x80\x80", 4));    /* above U+10FFFF */
    assert_false(ch_json_validate_utf8("ok\xff", 3));
    /* Long input crosses SIMD blocks; the bad byte sits near the end. */
    char buf[1000];
    memset(buf, 'a', sizeof buf);
    assert_true(ch_json_validate_utf8(buf, sizeof buf));
    buf[997] = (char)0x80;
    assert_false(ch_json_validate_utf8(buf, sizeof buf));
}

static void test_serialize_roundtrip(void **state)
{
    (void)state;
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    const char *doc = "{\"a\":[1,-2,3.5,1e3,true,false,null,\"q\\\"\\\\\\n\\t\\u0001\"],"
                      "\"b\":{},\"c\":[],\"d\":{\"e\":{\"f\":[[]]}},\"u\":18446744073709551615}";
    ch_json_val r = parse_ok(p, doc);
    char *out;
    size_t n;
    assert_int_equal(ch_json_serialize(r, &out, &n), CHORUS_OK);
    assert_string_equal(out, "{\"a\":[1,-2,3.5,1000.0,true,false,null,\"q\\\"\\\\\\n\\t\\u0001\"],"
                             "\"b\":{},\"c\":[],\"d\":{\"e\":{\"f\":[[]]}},"
                             "\"u\":18446744073709551615}");
    assert_int_equal(n, strlen(out));
    /* Serializing a part, and reparsing the output, gives the same text again. */
    char *part;
    size_t pn;
    assert_int_equal(ch_json_serialize(ch_json_get(r, "d"), &part, &pn), CHORUS_OK);
    assert_string_equal(part, "{\"e\":{\"f\":[[]]}}");
    ch_json_val r2 = parse_ok(p, out);
    char *again;
    size_t an;
    assert_int_equal(ch_json_serialize(r2, &again, &an), CHORUS_OK);
    assert_string_equal(again, out);
    ch_free(out);
    ch_free(part);
    ch_free(again);
    /* Absent value: empty text. */
    ch_json_val none = {0};
    assert_int_equal(ch_json_serialize(none, &out, &n), CHORUS_OK);
    assert_int_equal(n, 0);
    ch_free(out);
    ch_json_parser_free(p);
}

/* A real recorded response: the v1.1 retweets of one status. */
static void test_real_fixture(void **state)
{
    (void)state;
    size_t len = 0;
    require_shared(CHORUS_SHARED_DATA
                   "/twitter-api-fixtures-tweepy/v1.1/testgetretweets.responses.json");
    char *text = slurp(CHORUS_SHARED_DATA
                       "/twitter-api-fixtures-tweepy/v1.1/testgetretweets.responses.json", &len);
    assert_non_null(text);
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    ch_json_val r;
    assert_int_equal(ch_json_parse(p, text, len, false, &r, NULL), CH_JSON_OK);
    assert_int_equal(ch_json_len(r), 1);
    ch_json_iter it;
    ch_json_val e = {0};
    assert_true(ch_json_iter_init(r, &it) && ch_json_arr_next(&it, &e));
    ch_json_val body = ch_json_get(e, "body");
    assert_int_equal(ch_json_type_of(body), CH_JSON_ARRAY);
    assert_int_equal(ch_json_len(body), 15);
    int64_t status;
    assert_true(ch_json_int64(ch_json_get(e, "status"), &status) && status == 200);
    ch_json_iter_init(body, &it);
    assert_true(ch_json_arr_next(&it, &e));
    assert_str(ch_json_get(e, "id_str"), "486663181901627392");
    int64_t id;
    assert_true(ch_json_int64(ch_json_get(e, "id"), &id) && id == INT64_C(486663181901627392));
    assert_str(ch_json_path(e, "user.screen_name"), "aosuzhsbwusnshs");
    assert_str(ch_json_path(e, "retweeted_status.user.description"),
               "What\xe2\x80\x99s happening?!");

    /* Serialize the status, parse it again: the same fields come back. */
    char *one;
    size_t on;
    assert_int_equal(ch_json_serialize(e, &one, &on), CHORUS_OK);
    assert_true(on < len);
    ch_json_parser *p2;
    assert_int_equal(ch_json_parser_new(0, &p2), CHORUS_OK);
    ch_json_val s2 = parse_ok(p2, one);
    assert_str(ch_json_path(s2, "retweeted_status.id_str"), "266367358078169089");
    assert_str(ch_json_get(s2, "created_at"), "Wed Jul 09 00:08:39 +0000 2014");
    assert_true(ch_json_is_null(ch_json_get(s2, "in_reply_to_status_id_str")));
    ch_free(one);
    ch_json_parser_free(p2);
    ch_json_parser_free(p);
    free(text);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    ch_json_parser *p = (ch_json_parser *)1;
    ch_alloc_fail_after(1);
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_ENOMEM);
    ch_alloc_fail_after(0);
    assert_null(p);

    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    ch_json_val r = parse_ok(p, "[\"a long enough string to need the buffer\",1,2,3]");
    char *out = (char *)1;
    size_t n;
    ch_alloc_fail_after(1);
    assert_int_equal(ch_json_serialize(r, &out, &n), CHORUS_ENOMEM);
    ch_alloc_fail_after(0);
    assert_null(out);
    ch_json_parser_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_and_lookup),
        cmocka_unit_test(test_empty_containers_and_root_scalars),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_padded_in_place),
        cmocka_unit_test(test_reuse_and_growth),
        cmocka_unit_test(test_shrink_after_huge),
        cmocka_unit_test(test_validate_utf8),
        cmocka_unit_test(test_serialize_roundtrip),
        cmocka_unit_test(test_real_fixture),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
