/*
 * test_read_telegram_4cat.c — the reader of 4CAT's Telegram CSV. No real export exists in the
 * shared samples, so the rows are built from the columns 4CAT's Telegram data source writes
 * (map_item), one check per column the reader uses.
 */
#include "helpers.h"

READER_RUNNERS(ch_reader_telegram_4cat)

static ch_corpus *read_str(const char *s, diag_log *log)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, s, log), CHORUS_OK);
    return c;
}

static const char header[] =
    "id,thread_id,chat,author,author_username,author_name,author_is_bot,body,body_markdown,"
    "is_reply,reply_to,views,reactions,timestamp,unix_timestamp,timestamp_edited,"
    "unix_timestamp_edited,author_forwarded_from_name,author_forwarded_from_username,"
    "author_forwarded_from_id,entities_linked,entities_mentioned,all_connections,"
    "timestamp_forwarded_from,unix_timestamp_forwarded_from,link_title,link_description,"
    "link_attached,attachment_type,attachment_data,attachment_filename\n";

static void test_columns(void **state)
{
    (void)state;
    char text[8192];
    snprintf(text, sizeof text, "%s%s", header,
             /* a channel post by the channel (author = the chat's username) */
             "bloomberg-3148,bloomberg,bloomberg,1488156064,bloomberg,Bloomberg,no,"
             "\"Prices jumped, read: https://bloom.bg/4lzgWdi\",,False,,11849,\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d,"
             "2025-08-20 07:54:04,1755669244,,,,,,,,,,,Grab Fares,desc,https://bloom.bg/4lzgWdi,url,,\n"
             /* a forward (no original id in 4CAT): the source's username is the reposted handle */
             "bloomberg-3149,bloomberg,bloomberg,1488156064,bloomberg,Bloomberg,no,forwarded,,False,,"
             "1,,2025-08-20 08:00:00,1755676800,,,Reuters,reuters,1001,,\"ana,bo\",,2025-08-19 "
             "00:00:00,1755561600,,,,,,\n"
             /* a group message by a user, replying */
             "-100123-7,-100123,-100123,42,bo,Bo Ek,yes,\"multi\nline\",,True,6,,,2025-08-20 "
             "09:00:00,1755680400,,,,,,,,,,,,,,,,\n"
             /* no unix_timestamp: the local timestamp */
             "1050982793-9,1050982793,1050982793,77,,,no,hi,,False,,,,2025-08-20 10:00:00,,,,,,,,,,,,,,,,,\n"
             /* a forward known only by name */
             "1050982793-10,1050982793,1050982793,77,,,no,fw,,False,,,,,1755684000,,,Jordan,,,,,,,,,,,,,\n"
             /* bad time, wrong column count */
             "1050982793-11,1050982793,1050982793,77,,,no,x,,False,,,,,yesterday,,,,,,,,,,,,,,,,\n"
             "1050982793-12,1050982793\n");
    diag_log log = {0};
    ch_corpus *c = read_str(text, &log);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.reason[0], CH_R_BAD_TIME);
    assert_int_equal(log.reason[1], CH_R_COLUMNS);

    const ch_post *p = post(c, "bloomberg/3148");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->created_at, 1755669244);
    assert_string_equal(p->text, "Prices jumped, read: https://bloom.bg/4lzgWdi");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "channel1488156064");
    assert_string_equal(S(c, a->handle), "bloomberg");
    assert_string_equal(S(c, a->meta.display_name), "Bloomberg");
    assert_int_equal(a->meta.bot, 0);
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://bloom.bg/4lzgWdi");

    p = post(c, "bloomberg/3149");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(S(c, p->ref_handle), "reuters");
    assert_int_equal(p->n_mentions, 2);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "ana");
    assert_string_equal(S(c, ch_post_mentions(p)[1]), "bo");

    p = post(c, "-100123/7");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "-100123/6");
    assert_string_equal(p->text, "multi\nline");
    a = author(c, p);
    assert_string_equal(S(c, a->id), "user42");
    assert_string_equal(S(c, a->handle), "bo");
    assert_int_equal(a->meta.bot, 1);

    p = post(c, "1050982793/9");
    assert_int_equal(p->created_at, 1755684000); /* 2025-08-20 10:00:00 read as UTC */
    assert_string_equal(S(c, author(c, p)->id), "user77");

    p = post(c, "1050982793/10");
    assert_string_equal(S(c, p->ref_handle), "Jordan");
    chorus_corpus_free(c);
}

static void test_old_columns_and_missing(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str("id,thread_id,author,body,unix_timestamp,forwarded_from_name\n"
                            "chan-1,chan,5,x,1700000000,Src\n",
                            &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(post(c, "chan/1")->kind, CH_KIND_REPOST);
    chorus_corpus_free(c);

    memset(&log, 0, sizeof log);
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, "id,thread_id,author,unix_timestamp\n1,2,3,4\n", &log),
                     CHORUS_EFORMAT);
    assert_int_equal(log.n, 1);
    assert_non_null(strstr(log.msg[0], "no 'body' column"));
    chorus_corpus_free(c);
}

static void test_detected(void **state)
{
    (void)state;
    assert_ptr_equal(ch_ingest_sniff(header, strlen(header)), &ch_reader_telegram_4cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_old_columns_and_missing),
        cmocka_unit_test(test_detected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
