/*
 * test_read_telegram.c — the Telegram Desktop export reader (result.json). No licensed real
 * export exists in the shared samples, so the inputs are built from the shape Telegram Desktop
 * writes (export_output_json.cpp: pretty-printed, one-space indent), one test per documented
 * field, and the same messages are checked to get the ids a Telethon dump gives them.
 */
#include "helpers.h"

READER_RUNNERS(ch_reader_telegram)

static ch_corpus *read_str(const char *s, diag_log *log)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, s, log), CHORUS_OK);
    return c;
}

/* A single-chat export of a public channel. */
static const char channel[] =
    "{\n"
    " \"name\": \"British News\",\n"
    " \"type\": \"public_channel\",\n"
    " \"id\": 1799276919,\n"
    " \"messages\": [\n"
    "  {\n"
    "   \"id\": 2470,\n"
    "   \"type\": \"service\",\n"
    "   \"date\": \"2023-04-12T10:00:00\",\n"
    "   \"date_unixtime\": \"1681293600\",\n"
    "   \"actor\": \"British News\",\n"
    "   \"actor_id\": \"channel1799276919\",\n"
    "   \"action\": \"pin_message\",\n"
    "   \"message_id\": 2469,\n"
    "   \"text\": \"\",\n"
    "   \"text_entities\": []\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2471,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2023-04-12T11:12:03\",\n"
    "   \"date_unixtime\": \"1681290723\",\n"
    "   \"edited\": \"2023-04-12T11:13:00\",\n"
    "   \"edited_unixtime\": \"1681290780\",\n"
    "   \"from\": \"British News\",\n"
    "   \"from_id\": \"channel1799276919\",\n"
    "   \"author\": \"Editor\",\n"
    "   \"text\": [\n"
    "    \"Read \",\n"
    "    {\n"
    "     \"type\": \"link\",\n"
    "     \"text\": \"https://news.example/a\"\n"
    "    },\n"
    "    \" and \",\n"
    "    {\n"
    "     \"type\": \"text_link\",\n"
    "     \"text\": \"this\",\n"
    "     \"href\": \"https://news.example/b?x=1&y=2\"\n"
    "    },\n"
    "    \" \",\n"
    "    {\n"
    "     \"type\": \"hashtag\",\n"
    "     \"text\": \"#UK\"\n"
    "    },\n"
    "    \" \",\n"
    "    {\n"
    "     \"type\": \"mention\",\n"
    "     \"text\": \"@redpillboy\"\n"
    "    },\n"
    "    \" \",\n"
    "    {\n"
    "     \"type\": \"mention_name\",\n"
    "     \"text\": \"Ana\",\n"
    "     \"user_id\": 123\n"
    "    },\n"
    "    \" \",\n"
    "    {\n"
    "     \"type\": \"bold\",\n"
    "     \"text\": \"\xc3\xa9t\xc3\xa9 \xf0\x9f\x87\xac\xf0\x9f\x87\xa7\"\n"
    "    }\n"
    "   ],\n"
    "   \"text_entities\": [\n"
    "    {\"type\": \"plain\", \"text\": \"Read \"},\n"
    "    {\"type\": \"link\", \"text\": \"https://news.example/a\"},\n"
    "    {\"type\": \"plain\", \"text\": \" and \"},\n"
    "    {\"type\": \"text_link\", \"text\": \"this\", \"href\": \"https://news.example/b?x=1&y=2\"},\n"
    "    {\"type\": \"plain\", \"text\": \" \"},\n"
    "    {\"type\": \"hashtag\", \"text\": \"#UK\"},\n"
    "    {\"type\": \"plain\", \"text\": \" \"},\n"
    "    {\"type\": \"mention\", \"text\": \"@redpillboy\"},\n"
    "    {\"type\": \"plain\", \"text\": \" \"},\n"
    "    {\"type\": \"mention_name\", \"text\": \"Ana\", \"user_id\": 123},\n"
    "    {\"type\": \"plain\", \"text\": \" \"},\n"
    "    {\"type\": \"bold\", \"text\": \"\xc3\xa9t\xc3\xa9 \xf0\x9f\x87\xac\xf0\x9f\x87\xa7\"}\n"
    "   ]\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2472,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2023-04-13T23:42:42\",\n"
    "   \"date_unixtime\": \"1681429362\",\n"
    "   \"from\": \"British News\",\n"
    "   \"from_id\": \"channel1799276919\",\n"
    "   \"forwarded_from\": \"Patriot Channel\",\n"
    "   \"photo\": \"photos/photo_1.jpg\",\n"
    "   \"width\": 800,\n"
    "   \"height\": 600,\n"
    "   \"text\": \"Dangerous chemicals found\",\n"
    "   \"text_entities\": [{\"type\": \"plain\", \"text\": \"Dangerous chemicals found\"}]\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2473,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2023-04-14T08:00:00\",\n"
    "   \"date_unixtime\": \"1681459200\",\n"
    "   \"text\": \"older export: no from_id on channel posts\"\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2474,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2023-04-14T09:00:00\",\n"
    "   \"from\": \"British News\",\n"
    "   \"from_id\": \"channel1799276919\",\n"
    "   \"reply_to_message_id\": 2471,\n"
    "   \"text\": \"no date_unixtime: the local date is read as UTC\"\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2475,\n"
    "   \"type\": \"message\",\n"
    "   \"date_unixtime\": \"1681462800\",\n"
    "   \"from\": \"British News\",\n"
    "   \"from_id\": \"channel1799276919\",\n"
    "   \"reply_to_message_id\": 16072,\n"
    "   \"reply_to_peer_id\": \"channel1724102370\",\n"
    "   \"text\": \"\"\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2476,\n"
    "   \"type\": \"unsupported\"\n"
    "  }\n"
    " ]\n"
    "}\n";

static void test_channel_export(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str(channel, &log);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_int_equal(log.n, 2); /* the service message and the unsupported one */
    assert_int_equal(log.reason[0], CH_R_NOT_POST);
    assert_non_null(strstr(log.msg[0], "service message ('pin_message')"));
    assert_int_equal(log.line[0], 1); /* errors name the document's first line */
    assert_int_equal(log.reason[1], CH_R_NOT_POST);

    /* id: "<chat id>/<message id>", as Telethon's ids; from_id as the account */
    const ch_post *p = post(c, "1799276919/2471");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->created_at, 1681290723); /* date_unixtime, not the local `date` */
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "channel1799276919");
    assert_string_equal(S(c, a->meta.display_name), "British News");
    /* text_entities joined; link text and text_link href are URLs */
    assert_string_equal(p->text, "Read https://news.example/a and this #UK @redpillboy Ana "
                                 "\xc3\xa9t\xc3\xa9 \xf0\x9f\x87\xac\xf0\x9f\x87\xa7");
    assert_int_equal(p->n_urls, 2);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://news.example/a");
    assert_string_equal(S(c, ch_post_urls(p)[1]), "https://news.example/b?x=1&y=2");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "UK");
    assert_int_equal(p->n_mentions, 1); /* mention_name is a user id */
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "redpillboy");

    /* forwarded_from: a repost known by the source's name */
    p = post(c, "1799276919/2472");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(S(c, p->ref_handle), "Patriot Channel");
    assert_string_equal(p->text, "Dangerous chemicals found");

    /* a channel post without from_id is the channel's */
    p = post(c, "1799276919/2473");
    assert_string_equal(S(c, author(c, p)->id), "channel1799276919");

    /* reply_to_message_id in the same chat; `date` when date_unixtime is missing */
    p = post(c, "1799276919/2474");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "1799276919/2471");
    assert_int_equal(p->created_at, 1681462800); /* 2023-04-14T09:00:00 read as UTC */

    /* reply_to_peer_id: a reply to another chat's message */
    p = post(c, "1799276919/2475");
    assert_string_equal(S(c, p->ref_id), "1724102370/16072");
    chorus_corpus_free(c);
}

/* A whole-account export: chats.list and left_chats.list; a group with users; `text` as a
 * plain string without text_entities. */
static void test_account_export(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str(
        "{\n"
        " \"about\": \"Here is the data you requested.\",\n"
        " \"personal_information\": {\"user_id\": 1, \"first_name\": \"Me\"},\n"
        " \"contacts\": {\"about\": \"\", \"list\": []},\n"
        " \"chats\": {\n"
        "  \"about\": \"This page lists all chats from this export.\",\n"
        "  \"list\": [\n"
        "   {\n"
        "    \"name\": \"Python\",\n"
        "    \"type\": \"public_supergroup\",\n"
        "    \"id\": 1050982793,\n"
        "    \"messages\": [\n"
        "     {\"id\": 2004369, \"type\": \"message\", \"date\": \"2024-01-25T16:42:20\",\n"
        "      \"date_unixtime\": \"1706197340\", \"from\": \"Dev\", \"from_id\": \"user338930785\",\n"
        "      \"reply_to_message_id\": 2004368, \"text\": \"thanks\"},\n"
        "     {\"id\": 2004370, \"type\": \"message\", \"date_unixtime\": \"1706197418\",\n"
        "      \"from\": \"Dev\", \"from_id\": \"user338930785\", \"text\": \"I have bad results\"}\n"
        "    ]\n"
        "   },\n"
        "   {\"name\": \"Saved\", \"type\": \"saved_messages\", \"id\": 1, \"messages\": []}\n"
        "  ]\n"
        " },\n"
        " \"left_chats\": {\n"
        "  \"about\": \"\",\n"
        "  \"list\": [\n"
        "   {\"name\": \"Old\", \"type\": \"private_channel\", \"id\": 42, \"messages\": [\n"
        "     {\"id\": 1, \"type\": \"message\", \"date_unixtime\": \"1600000000\", \"text\": \"gone\"}\n"
        "   ]}\n"
        "  ]\n"
        " }\n"
        "}\n",
        &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 3);
    const ch_post *p = post(c, "1050982793/2004369");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "1050982793/2004368"); /* as the Telethon dump has it */
    assert_string_equal(S(c, author(c, p)->id), "user338930785");
    assert_string_equal(p->text, "thanks");
    p = post(c, "42/1");
    assert_string_equal(S(c, author(c, p)->id), "channel42");
    assert_string_equal(S(c, author(c, p)->meta.display_name), "Old");
    chorus_corpus_free(c);
}

static void test_not_an_export(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str("[{\"id\": 1, \"type\": \"message\", \"text\": \"x\"}]\n"
                            "{\"name\": \"x\"}\n"
                            "{\"name\": \"x\", \"id\": 5, \"messages\": [{\"id\": 1, \"type\": "
                            "\"message\", \"date_unixtime\": \"nope\", \"from_id\": \"user1\"}, "
                            "{\"id\": 2, \"type\": \"message\", \"from_id\": \"user1\", \"text\": "
                            "\"no time\"}]}\n"
                            "{\"name\": \"cut\", \"messages\": [\n",
                            &log);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(log.n, 5);
    assert_int_equal(log.reason[0], CH_R_NOT_POST);
    assert_non_null(strstr(log.msg[0], "give the whole result.json"));
    assert_int_equal(log.reason[1], CH_R_NOT_POST);
    assert_int_equal(log.reason[2], CH_R_BAD_TIME);
    assert_int_equal(log.reason[3], CH_R_NO_TIME);
    assert_int_equal(log.reason[4], CH_R_JSON);
    chorus_corpus_free(c);
}

static void test_detected(void **state)
{
    (void)state;
    assert_ptr_equal(ch_ingest_sniff(channel, strlen(channel)), &ch_reader_telegram);
    const char *full = "{\n \"about\": \"Here is the data you requested.\",\n \"personal_information\": {}}";
    assert_ptr_equal(ch_ingest_sniff(full, strlen(full)), &ch_reader_telegram);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    for (uint64_t nth = 1; nth < 200; nth++) {
        int rc;
        size_t n;
        assert_true(run_failing_from(nth, run_str, channel, &rc, &n));
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK && n == 5)
            break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel_export),
        cmocka_unit_test(test_account_export),
        cmocka_unit_test(test_not_an_export),
        cmocka_unit_test(test_detected),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
