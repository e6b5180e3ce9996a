/* test_readers.c — the reader table: every read_*.c file is in it, names and aliases resolve,
 * and detection picks the right reader for the first bytes of each format. */
#include "helpers.h"

static void test_every_file_is_in_the_table(void **state)
{
    (void)state;
    /* CHORUS_READER_FILES is the number of src/ingest/read_*.c files the build found. */
    assert_int_equal(ch_reader_count(), CHORUS_READER_FILES);
    for (size_t i = 0; i < ch_reader_count(); i++) {
        const ch_reader *r = ch_reader_at(i);
        assert_non_null(r);
        assert_non_null(r->name);
        assert_non_null(r->read);
        assert_non_null(r->summary);
        assert_non_null(r->example);
        assert_non_null(r->platform);
        assert_ptr_equal(ch_reader_find(r->name), r);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ch_reader_at(j)->name, r->name);
    }
    assert_null(ch_reader_at(ch_reader_count()));
}

static void test_find_by_alias(void **state)
{
    (void)state;
    assert_ptr_equal(ch_reader_find("v1"), &ch_reader_twitter_v1);
    assert_ptr_equal(ch_reader_find("TWITTER-V2"), &ch_reader_twitter_v2);
    assert_ptr_equal(ch_reader_find("iocsv"), &ch_reader_io_csv);
    assert_ptr_equal(ch_reader_find("jsonl"), &ch_reader_chorus);
    assert_null(ch_reader_find("nope"));
    assert_null(ch_reader_find(NULL));
}

static const ch_reader *sniff_str(const char *s)
{
    return ch_ingest_sniff(s, strlen(s));
}

static void test_sniff(void **state)
{
    (void)state;
    assert_ptr_equal(sniff_str("\xef\xbb\xbf\n  {\"id_str\":\"1\",\"user\":{\"screen_name\":\"a\"}}\n"),
                     &ch_reader_twitter_v1);
    assert_ptr_equal(sniff_str("{\"data\":[{\"id\":\"1\",\"edit_history_tweet_ids\":[\"1\"]}]}"),
                     &ch_reader_twitter_v2);
    assert_ptr_equal(sniff_str("{\"id\":\"1\",\"author_id\":\"7\",\"text\":\"x\"}"),
                     &ch_reader_chorus);
    assert_ptr_equal(sniff_str("tweetid,userid,tweet_text,tweet_time\r\n1,2,x,2020-01-01"),
                     &ch_reader_io_csv);
    assert_ptr_equal(sniff_str("\"object_id\",\"account_id\",\"content_id\",\"timestamp_share\"\n"),
                     &ch_reader_csv);
    assert_ptr_equal(sniff_str("a\tb\tc\n1\t2\t3\n"), &ch_reader_csv);
    /* a pretty-printed document: its keys are on later lines */
    assert_ptr_equal(sniff_str("[\n  {\n    \"id_str\": \"1\",\n    \"text\": \"{\"\n  }\n]\n"),
                     &ch_reader_twitter_v1);
    assert_ptr_equal(sniff_str("{\n \"id\": \"1\",\n \"author_id\": \"7\"\n}\n{\"screen_name\":1}"),
                     &ch_reader_chorus);
    /* Nothing to go on: blank, binary, JSON without known keys, one bare word. */
    assert_null(sniff_str(" \n\t\r\n"));
    assert_null(sniff_str("\x01\x02\x03,\x04"));
    assert_null(sniff_str("{\"foo\":1}"));
    assert_null(sniff_str("hello"));
    assert_null(sniff_str("caf\xc3,\x28"));  /* invalid UTF-8 in a would-be header */
}

/* Every descriptor's example reads as at least one post with its own reader, and detection
 * of the example picks that reader (for the formats that are detected at all). */
static void test_examples_read(void **state)
{
    (void)state;
    for (size_t i = 0; i < ch_reader_count(); i++) {
        const ch_reader *r = ch_reader_at(i);
        ch_corpus *c;
        assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
        diag_log log = {0};
        ch_csvmap map = {0};
        char err[64];
        if (r == &ch_reader_csv)
            assert_int_equal(ch_csvmap_parse(&map, "id=post,author=user,time=when,text=body", err,
                                             sizeof err), CHORUS_OK);
        ch_ingest_opts opts = {.reader = r, .map = &map, .diag = on_diag, .diag_ctx = &log};
        ch_input *in;
        assert_int_equal(ch_input_open_mem(r->example, strlen(r->example), 0, &in), CHORUS_OK);
        uint32_t file;
        assert_int_equal(ch_corpus_add_file(c, "example", &file), CHORUS_OK);
        ch_ingest_ctx ctx = {.corpus = c, .opts = &opts, .fname = "example", .file = file, .in = in};
        assert_int_equal(r->read(&ctx), CHORUS_OK);
        ch_input_close(in);
        if (ch_corpus_nposts(c) < 1)
            fail_msg("the example of '%s' reads as no post", r->name);
        if (r->sniff)
            assert_ptr_equal(sniff_str(r->example), r);
        chorus_corpus_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file_is_in_the_table),
        cmocka_unit_test(test_find_by_alias),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_examples_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
