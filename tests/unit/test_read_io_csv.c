/* test_read_io_csv.c — the X/Twitter information-operations archive reader, on a hand-written
 * fixture in the real 31-column layout (tests/data/io_csv_small.csv) and on in-memory
 * variants (omitted columns, TSV, strict mode, allocation failures). */
#include "helpers.h"

#define FIXTURE CHORUS_TEST_DATA "/io_csv_small.csv"

/* Runs the io-csv reader over a string. */
static int run_mem(ch_corpus *c, const char *data, bool strict, diags *g)
{
    ch_input *in = NULL;
    uint32_t file;
    assert_int_equal(ch_input_open_mem(data, strlen(data), 0, &in), CHORUS_OK);
    assert_int_equal(ch_corpus_add_file(c, "mem.csv", &file), CHORUS_OK);
    ch_ingest_opts o = {.reader = &ch_reader_io_csv, .strict = strict, .diag = collect, .diag_ctx = g};
    ch_ingest_ctx ctx = {.corpus = c, .opts = &o, .fname = "mem.csv", .file = file, .in = in};
    int rc = ch_reader_io_csv.read(&ctx);
    ch_input_close(in);
    return rc;
}

static const ch_account *account_by_id(const ch_corpus *c, const char *id)
{
    size_t i = find_account_any(c, id);
    assert_true(i != SIZE_MAX);
    return ch_corpus_account(c, i);
}

#define HASHED "3c1f0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f5e4d3c"

static void test_fixture(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts o = {.reader = NULL, .diag = collect, .diag_ctx = &g};
    assert_int_equal(ch_ingest_file(c, FIXTURE, &o, NULL), CHORUS_OK);

    /* 9 data rows: 5 kept, 4 skipped with their reasons and lines */
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_int_equal(ch_corpus_naccounts(c), 3);
    assert_int_equal(st->records, 9);
    assert_int_equal(st->errors[CH_R_COLUMNS], 1);
    assert_int_equal(st->errors[CH_R_UTF8], 1);
    assert_int_equal(st->errors[CH_R_BAD_TIME], 1);
    assert_int_equal(st->errors[CH_R_NO_ID], 1);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], 2);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 1);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPLY], 1);
    assert_int_equal(st->posts_by_kind[CH_KIND_QUOTE], 1);
    assert_int_equal(st->min_time, 1560436320);
    assert_int_equal(st->max_time, 1560592800);

    assert_int_equal(g.n, 4);
    assert_int_equal(g.d[0].line, 6);
    assert_int_equal(g.d[0].reason, CH_R_COLUMNS);
    assert_string_equal(g.d[0].msg, "expected 31 columns, got 5");
    assert_int_equal(g.d[1].line, 8);
    assert_int_equal(g.d[1].reason, CH_R_UTF8);
    assert_string_equal(g.d[1].msg, "invalid UTF-8 in column 'tweet_text'");
    assert_int_equal(g.d[2].line, 9);
    assert_int_equal(g.d[2].reason, CH_R_BAD_TIME);
    assert_string_equal(g.d[2].msg, "unparseable tweet_time 'yesterday'");
    assert_int_equal(g.d[3].line, 10);
    assert_int_equal(g.d[3].reason, CH_R_NO_ID);

    /* row at lines 2-3: a post whose text holds a quoted newline and doubled quotes */
    const ch_post *p = post_by_id(c, "1139100000000000001");
    const ch_account *a = ch_corpus_account(c, p->account);
    assert_string_equal(str(c, a->id), "712345678901234567");
    assert_string_equal(str(c, a->handle), "newsvoice_hk");
    assert_int_equal(p->created_at, 1560436320);
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(p->text, "Stop the \"riots\" in Hong Kong!\nRestore order now #HongKong "
                                 "#China https://t.co/Xy12AbCd");
    assert_string_equal(str(c, p->lang), "en");
    assert_string_equal(str(c, ch_corpus_client(c, p)), "Twitter for Android");
    assert_int_equal(p->ref_id, 0);
    assert_int_equal(p->ref_account, 0);
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(str(c, ch_post_hashtags(p)[0]), "HongKong");
    assert_string_equal(str(c, ch_post_hashtags(p)[1]), "China");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(str(c, ch_post_urls(p)[0]), "https://t.co/Xy12AbCd");
    assert_int_equal(p->n_mentions, 0);

    /* line 4: a retweet; the handle comes from the "RT @handle:" text */
    p = post_by_id(c, "1139100000000000002");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1560438060);
    assert_string_equal(str(c, p->ref_id), "1139131234567890123");
    assert_string_equal(str(c, p->ref_account), "25073877");
    assert_string_equal(str(c, p->ref_handle), "hkfp_news");
    assert_string_equal(p->text, "RT @hkfp_news: Thousands march in Hong Kong against the bill");
    assert_int_equal(p->n_hashtags, 0);
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(str(c, ch_post_mentions(p)[0]), "25073877");

    /* line 5: a reply by a hashed account; "….0" is stripped from the float-written id */
    p = post_by_id(c, "1139100000000000003");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_int_equal(p->created_at, 1560478200);
    assert_string_equal(str(c, p->ref_id), "1139100000000000001");
    assert_string_equal(str(c, p->ref_account), "712345678901234567");
    assert_string_equal(str(c, ch_corpus_account(c, p->account)->id), HASHED);
    assert_string_equal(str(c, ch_corpus_account(c, p->account)->handle), HASHED);
    assert_string_equal(str(c, ch_corpus_client(c, p)), "Twitter Web Client");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(str(c, ch_post_mentions(p)[0]), "712345678901234567");

    /* line 7: a quote; list cells without quotes, a URL list, entities in the text */
    p = post_by_id(c, "1139100000000000005");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_int_equal(p->created_at, 1560591900);
    assert_string_equal(str(c, p->ref_id), "1139200000000000002");
    assert_int_equal(p->ref_account, 0);
    /* tweet_text is HTML-escaped as the API gave it; the corpus holds it decoded */
    assert_string_equal(p->text, "Look at this, HK police & army are heroes <3 https://t.co/q1");
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(str(c, ch_post_hashtags(p)[0]), "HK");
    assert_string_equal(str(c, ch_post_hashtags(p)[1]), "\xe9\xa6\x99\xe6\xb8\xaf");
    assert_int_equal(p->n_urls, 2);
    assert_string_equal(str(c, ch_post_urls(p)[0]),
                        "https://twitter.com/someone/status/1139200000000000002");
    assert_string_equal(str(c, ch_post_urls(p)[1]), "http://bit.ly/2XyZ");

    /* line 11: CRLF row, Chinese text, two mention ids */
    p = post_by_id(c, "1139100000000000009");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(str(c, p->lang), "zh");
    assert_string_equal(p->text, "\xe6\x94\xaf\xe6\x8c\x81\xe9\xa6\x99\xe6\xb8\xaf\xe8\xad\xa6"
                                 "\xe5\xaf\x9f @newsvoice_hk @hkfp_news");
    assert_int_equal(p->n_mentions, 2);
    assert_string_equal(str(c, ch_post_mentions(p)[1]), "25073877");
    assert_int_equal(p->n_hashtags, 1);

    /* account snapshots: the latest row's counts are kept */
    a = account_by_id(c, "712345678901234567");
    assert_int_equal(a->n_posts, 2);
    assert_true(a->meta.present);
    assert_int_equal(a->meta.followers, 1525);
    assert_int_equal(a->meta.following, 312);
    assert_int_equal(a->meta.created_at, 1457740800);
    assert_int_equal(a->meta.statuses, CH_UNKNOWN_I64);
    assert_string_equal(str(c, a->meta.display_name), "\xe9\xa6\x99\xe6\xb8\xaf\xe4\xb9\x8b"
                                                      "\xe5\xa3\xb0 News");
    assert_string_equal(str(c, a->meta.description), "Daily news, the truth about HK.");
    a = account_by_id(c, HASHED);
    assert_int_equal(a->meta.followers, 0);
    assert_int_equal(a->meta.following, 12);
    assert_int_equal(a->meta.created_at, 1559174400);
    assert_int_equal(a->meta.description, 0);
    a = account_by_id(c, "998877665544332211");
    assert_int_equal(a->n_posts, 2);
    assert_string_equal(str(c, a->handle), "truth_teller_88");
    assert_int_equal(a->meta.followers, 88);
    assert_int_equal(a->meta.following, 1201);
    assert_int_equal(a->meta.created_at, 1541116800);
    assert_string_equal(str(c, a->meta.description), "Patriot, father.");

    chorus_corpus_free(c);
}

static void test_strict(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts o = {.reader = &ch_reader_io_csv, .strict = true, .diag = collect, .diag_ctx = &g};
    assert_int_equal(ch_ingest_file(c, FIXTURE, &o, NULL), CHORUS_EPARSE);
    assert_int_equal(ch_corpus_nposts(c), 3);     /* stopped at the bad row on line 6 */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.d[0].line, 6);
    chorus_corpus_free(c);
}

/* A release without is_retweet, counts or lists, columns in another order, as TSV. */
static void test_omitted_columns_tsv(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *data = "tweet_time\tUserID\ttweetid\ttweet_text\tretweet_tweetid\tretweet_userid\n"
                       "2020-01-02 03:04\tu1\t10\tRT @orig: hello, world\t99\tu9\n"
                       "2020-01-02 03:05\tu2\t11\tjust a post\t\t\n";
    assert_int_equal(run_mem(c, data, false, &g), CHORUS_OK);
    assert_int_equal(g.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    const ch_post *p = post_by_id(c, "10");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(str(c, p->ref_id), "99");
    assert_string_equal(str(c, p->ref_account), "u9");
    assert_string_equal(str(c, p->ref_handle), "orig");
    assert_string_equal(p->text, "RT @orig: hello, world");
    assert_int_equal(p->created_at, 1577934240);
    const ch_account *a = ch_corpus_account(c, p->account);
    assert_string_equal(str(c, a->id), "u1");
    assert_int_equal(a->handle, 0);
    assert_false(a->meta.present);
    p = post_by_id(c, "11");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->ref_id, 0);
    chorus_corpus_free(c);
}

static void test_file_level(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* no tweet_time column: refused at the header */
    assert_int_equal(run_mem(c, "tweetid,userid,tweet_text\n1,2,x\n", false, &g), CHORUS_EFORMAT);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.d[0].line, 1);
    assert_int_equal(g.d[0].reason, CH_R_BAD_FIELD);
    assert_string_equal(g.d[0].msg, "not an io-csv file: the header has no 'tweet_time' column");
    /* empty input and a header-only file hold no posts and are not errors */
    g.n = 0;
    assert_int_equal(run_mem(c, "", false, &g), CHORUS_OK);
    assert_int_equal(run_mem(c, "\n\n", false, &g), CHORUS_OK);
    assert_int_equal(run_mem(c, "tweetid,userid,tweet_text,tweet_time\n", false, &g), CHORUS_OK);
    assert_int_equal(g.n, 0);
    /* an unterminated quote at the end of the file */
    assert_int_equal(run_mem(c, "tweetid,userid,tweet_text,tweet_time\n"
                                "1,2,ok,2020-01-01\n"
                                "3,4,\"never closed,2020-01-01\n",
                             false, &g),
                     CHORUS_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.d[0].line, 3);
    assert_int_equal(g.d[0].reason, CH_R_CSV);
    assert_int_equal(ch_corpus_nposts(c), 1);
    chorus_corpus_free(c);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    for (uint64_t nth = 1; nth < 100000; nth++) {
        ch_corpus *c = NULL;
        ch_alloc_fail_after(nth);
        int rc = chorus_corpus_new(&c);
        if (rc == CHORUS_OK) {
            ch_ingest_opts o = {.reader = &ch_reader_io_csv};
            rc = ch_ingest_file(c, FIXTURE, &o, NULL);
        }
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_int_equal(ch_corpus_nposts(c), 5);
            chorus_corpus_free(c);
            return;
        }
        assert_true(rc == CHORUS_ENOMEM || rc == CHORUS_EIO);
        chorus_corpus_free(c);
    }
    fail_msg("allocation failures never stopped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_omitted_columns_tsv),
        cmocka_unit_test(test_file_level),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
