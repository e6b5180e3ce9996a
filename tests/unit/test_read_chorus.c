/* test_read_chorus.c — the canonical chorus JSONL reader. */
#include "helpers.h"

READER_RUNNERS(ch_reader_chorus)

/* The hand-written sample in tests/data, read through the driver with format detection. */
static void test_sample_file(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts opts = {.reader = NULL, .diag = on_diag, .diag_ctx = &log};
    assert_int_equal(ch_ingest_file(c, CHORUS_TEST_DATA "/chorus_sample.jsonl", &opts, NULL),
                     CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);

    const ch_post *p = post(c, "1001");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->created_at, 1709283600);
    /* not HTML-escaped: '&' stays as written */
    assert_string_equal(p->text, "Our position is clear: the referendum was free & fair.");
    assert_string_equal(S(c, p->lang), "en");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Web");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Referendum");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/statement");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "u1");
    assert_string_equal(S(c, a->handle), "embassy_x");
    assert_true(a->meta.present);
    assert_int_equal(a->meta.created_at, 1433116800);
    assert_int_equal(a->meta.followers, 120000);
    assert_int_equal(a->meta.following, 300);
    assert_int_equal(a->meta.statuses, 5400);
    assert_int_equal(a->meta.verified, 1);
    assert_int_equal(a->meta.default_profile, 0);
    assert_int_equal(a->meta.default_profile_image, 0);
    assert_string_equal(S(c, a->meta.display_name), "Embassy X");
    assert_string_equal(S(c, a->meta.description), "Official account");

    p = post(c, "1002");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1709283660);
    assert_string_equal(S(c, p->ref_id), "1001");
    assert_string_equal(S(c, p->ref_account), "u1");
    assert_string_equal(S(c, p->ref_handle), "embassy_x");
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "embassy_x");
    a = author(c, p);
    assert_int_equal(a->meta.created_at, 1709000000);
    assert_int_equal(a->meta.default_profile_image, 1);
    assert_int_equal(a->meta.verified, -1);

    p = post(c, "1003"); /* integer ids, time as a string of seconds */
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_int_equal(p->created_at, 1709283720);
    assert_string_equal(S(c, author(c, p)->id), "3");
    assert_string_equal(S(c, p->ref_id), "1001");
    assert_false(author(c, p)->meta.present);

    p = post(c, "1004"); /* author handle only, IO-archive style time, nulls */
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_int_equal(p->created_at, 1709283780);
    assert_string_equal(S(c, author(c, p)->id), "amplifier_02");
    assert_string_equal(S(c, author(c, p)->handle), "amplifier_02");
    assert_string_equal(S(c, p->ref_handle), "embassy_x");
    assert_int_equal(p->lang, 0);
    assert_int_equal(p->n_urls, 0);
    chorus_corpus_free(c);
}

static void test_times_and_ids(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"id\":18446744073709551615,\"author_id\":\"a\",\"created_at\":1610000000.75,\"text\":\"\"}\n"
        "{\"id\":\"9007199254740993\",\"author_id\":9007199254740993,\"created_at\":1610000000,"
        "\"text\":\"big\"}\n"
        "{\"id\":\"x3\",\"author_id\":\"a\",\"created_at\":\"2021-01-07T08:13:20+02:00\",\"text\":\"tz\","
        "\"kind\":\"retweet\"}\n"
        "{\"id\":-5,\"author_id\":\"a\",\"created_at\":\"1610000000\",\"text\":\"neg\"}\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(post(c, "18446744073709551615")->created_at, 1610000000);
    assert_string_equal(post(c, "18446744073709551615")->text, "");
    const ch_post *p = post(c, "9007199254740993");
    assert_int_equal(p->created_at, 1610000000);
    assert_string_equal(S(c, author(c, p)->id), "9007199254740993");
    assert_int_equal(post(c, "x3")->created_at, 1610000000);
    assert_int_equal(post(c, "x3")->kind, CH_KIND_REPOST);
    assert_int_equal(post(c, "-5")->created_at, 1610000000);
    chorus_corpus_free(c);

    /* seconds, never milliseconds: a millisecond value is out of range, not divided; times
     * outside 1990..2100 are refused; an account's creation time outside it is unknown */
    const char *bad =
        "{\"id\":\"m\",\"author_id\":\"a\",\"created_at\":1610000000000,\"text\":\"ms\"}\n"
        "{\"id\":\"e\",\"author_id\":\"a\",\"created_at\":\"1989-12-31T23:59:59Z\",\"text\":\"\"}\n"
        "{\"id\":\"f\",\"author_id\":\"a\",\"created_at\":4102444800,\"text\":\"\"}\n"
        "{\"id\":\"ok\",\"author_id\":\"a\",\"created_at\":631152000,\"text\":\"\","
        "\"author_meta\":{\"created_at\":0,\"followers\":3}}\n";
    diag_log log2 = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, bad, &log2), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(log2.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(log2.reason[i], CH_R_BAD_TIME);
        assert_non_null(strstr(log2.msg[i], "out of range") ? log2.msg[i]
                                                           : strstr(log2.msg[i], "out-of-range"));
    }
    assert_int_equal(post(c, "ok")->created_at, 631152000);
    assert_int_equal(author(c, post(c, "ok"))->meta.created_at, CH_UNKNOWN_I64);
    assert_int_equal(author(c, post(c, "ok"))->meta.followers, 3);
    chorus_corpus_free(c);
}

/* Each bad record is reported with the right reason; the good ones around it are kept. */
static void test_bad_records(void **state)
{
    (void)state;
    static const struct { const char *line; ch_reason reason; const char *in_msg; } cases[] = {
        {"{\"author_id\":\"a\",\"created_at\":1600000001,\"text\":\"x\"}", CH_R_NO_ID, NULL},
        {"{\"id\":\"1\",\"created_at\":1600000001,\"text\":\"x\"}", CH_R_NO_AUTHOR, NULL},
        {"{\"id\":\"1\",\"author\":\"h\",\"text\":\"x\"}", CH_R_NO_TIME, NULL},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":null,\"text\":\"x\"}", CH_R_NO_TIME, NULL},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001}", CH_R_BAD_FIELD, "'text' is missing"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":\"last tuesday\",\"text\":\"x\"}",
         CH_R_BAD_TIME, "last tuesday"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1e300,\"text\":\"x\"}", CH_R_BAD_TIME, NULL},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":true,\"text\":\"x\"}", CH_R_BAD_FIELD,
         "'created_at'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\",\"kind\":\"favourite\"}",
         CH_R_BAD_FIELD, "unknown kind 'favourite'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\",\"kind\":3}", CH_R_BAD_FIELD,
         "'kind'"},
        {"{\"id\":1.5,\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\"}", CH_R_BAD_FIELD, "'id'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":5}", CH_R_BAD_FIELD, "'text'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\",\"urls\":\"u\"}",
         CH_R_BAD_FIELD, "'urls'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\",\"hashtags\":[1]}",
         CH_R_BAD_FIELD, "'hashtags'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\",\"author_meta\":[]}",
         CH_R_BAD_FIELD, "'author_meta'"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\","
         "\"author_meta\":{\"followers\":-1}}", CH_R_BAD_FIELD, "followers"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\","
         "\"author_meta\":{\"verified\":\"yes\"}}", CH_R_BAD_FIELD, "verified"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\","
         "\"author_meta\":{\"created_at\":\"never\"}}", CH_R_BAD_TIME, "never"},
        {"[\"an array of records holds objects\"]", CH_R_NOT_POST, NULL},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"x\"", CH_R_JSON,
         "malformed json"},
        {"{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"\xe2\x82\"}", CH_R_UTF8, NULL},
    };
    size_t ncases = sizeof cases / sizeof cases[0];
    char *buf = malloc(16384);
    assert_non_null(buf);
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++) {
        /* a good record before each bad one */
        n += (size_t)snprintf(buf + n, 16384 - n,
                              "{\"id\":\"g%zu\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"ok\"}\n"
                              "%s\r\n", i, cases[i].line);
    }
    n += (size_t)snprintf(buf + n, 16384 - n,
                          "{\"id\":\"last\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"ok\"}");
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), ncases + 1);
    assert_int_equal(log.n, (int)ncases);
    for (size_t i = 0; i < ncases; i++) {
        if (log.reason[i] != cases[i].reason || log.line[i] != 2 * i + 2)
            fail_msg("case %zu: line %llu reason %s (%s)", i, (unsigned long long)log.line[i],
                     ch_reason_name(log.reason[i]), log.msg[i]);
        if (cases[i].in_msg && !strstr(log.msg[i], cases[i].in_msg))
            fail_msg("case %zu: message '%s' lacks '%s'", i, log.msg[i], cases[i].in_msg);
    }
    chorus_corpus_free(c);
    free(buf);
}

static void test_limits_and_layout(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *buf = malloc(2 * depth + 200000);
    assert_non_null(buf);
    size_t n = 0;
    n += (size_t)sprintf(buf + n, "\xef\xbb\xbf{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,"
                                  "\"text\":\"first\"}\n\n  \n");
    n += (size_t)sprintf(buf + n, "{\"id\":\"2\",\"author\":\"h\",\"created_at\":1600000001,\"text\":");
    memset(buf + n, '[', depth);
    n += depth;
    memset(buf + n, ']', depth);
    n += depth;
    n += (size_t)sprintf(buf + n, "}\n{\"id\":\"3\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"");
    memset(buf + n, 'y', 100000);
    n += 100000;
    n += (size_t)sprintf(buf + n, "\"}\n{\"id\":\"1\",\"author\":\"other\",\"created_at\":1600000002,"
                                  "\"text\":\"dup\"}\n"
                                  "{\"id\":\"4\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"end\"}");
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, 65536, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_string_equal(post(c, "1")->text, "first");
    assert_string_equal(post(c, "4")->text, "end");
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.line[0], 4);
    assert_int_equal(log.reason[0], CH_R_DEPTH);
    assert_int_equal(log.line[1], 5);
    assert_int_equal(log.reason[1], CH_R_TOO_LONG);
    chorus_corpus_free(c);

    /* the long line fits with a larger limit */
    diag_log big = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, 0, false, &big), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(post(c, "3")->text_len, 100000);
    chorus_corpus_free(c);

    /* empty input, and strict mode stopping at the first bad line */
    diag_log e = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, "", 0, 0, false, &e), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(run(c, buf, n, 65536, true, &e), CHORUS_EPARSE);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(e.n, 1);
    chorus_corpus_free(c);
    free(buf);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *jsonl = "{\"id\":\"1\",\"author\":\"h\",\"created_at\":1600000001,\"text\":\"a\","
                        "\"hashtags\":[\"x\"],\"author_meta\":{\"name\":\"n\"}}\n"
                        "{\"id\":2,\"author_id\":3,\"created_at\":1600000001,\"text\":\"b\"}\n";
    for (uint64_t nth = 1; nth < 200; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, jsonl, &rc, &n))
            continue;
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK) {
            assert_int_equal(n, 2);
            return;
        }
    }
    fail_msg("still failing after 200 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_file),
        cmocka_unit_test(test_times_and_ids),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_limits_and_layout),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
