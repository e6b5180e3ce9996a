/*
 * test_read_telethon.c — the Telethon reader against every real sample in
 * ../shared/data/formats/telegram/telethon (public channel and group messages), and against
 * hand-written cases: 4CAT's NDJSON layout, forwards of every origin, UTF-16 entity offsets,
 * service messages, garbled records.
 */
#include <unistd.h>

#include "helpers.h"

#define TELETHON CHORUS_SHARED_DATA "/formats/telegram/telethon/"

READER_RUNNERS(ch_reader_telethon)

static ch_corpus *load(const char *name, diag_log *log)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", TELETHON, name);
    if (access(path, R_OK) != 0) {
        print_message("SKIP: %s is absent (shared sample data not installed)\n", path);
        skip();
    }
    size_t n = 0;
    char *text = slurp(path, &n);
    assert_non_null(text);
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, text, n, 0, false, log), CHORUS_OK);
    if (ch_ingest_sniff(text, n < 65536 ? n : 65536) != &ch_reader_telethon)
        fail_msg("%s is not detected as a Telethon dump", name);
    free(text);
    return c;
}

static ch_corpus *read_str(const char *s, diag_log *log)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, s, log), CHORUS_OK);
    return c;
}

/* ---- real samples ------------------------------------------------------------------------- */

static void test_every_sample(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t posts, reposts, replies, dups, accounts;
    } samples[] = {
        {"bloomberg_1488156064.jsonl", 40, 0, 0, 0, 1},
        {"britishnewspatriot_1799276919.jsonl", 20, 17, 0, 0, 1},
        {"python_group_1050982793.jsonl", 11, 0, 7, 3, 6}, /* 3 messages repeat */
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        diag_log log = {0};
        ch_corpus *c = load(samples[i].file, &log);
        const ch_corpus_stats *st = ch_corpus_stats_get(c);
        if (ch_corpus_nposts(c) != samples[i].posts ||
            st->posts_by_kind[CH_KIND_REPOST] != samples[i].reposts ||
            st->posts_by_kind[CH_KIND_REPLY] != samples[i].replies ||
            st->duplicates != samples[i].dups || ch_corpus_naccounts(c) != samples[i].accounts)
            fail_msg("%s: %zu posts, %llu reposts, %llu replies, %llu duplicates, %zu accounts",
                     samples[i].file, ch_corpus_nposts(c),
                     (unsigned long long)st->posts_by_kind[CH_KIND_REPOST],
                     (unsigned long long)st->posts_by_kind[CH_KIND_REPLY],
                     (unsigned long long)st->duplicates, ch_corpus_naccounts(c));
        assert_int_equal(log.n, 0);
        chorus_corpus_free(c);
    }
}

static void test_channel_forwards(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load("britishnewspatriot_1799276919.jsonl", &log);
    /* a channel post: by the channel, no from_id */
    const ch_post *p = post(c, "1799276919/2483");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(S(c, author(c, p)->id), "channel1799276919");
    assert_int_equal(p->created_at, 1688060102); /* 2023-06-29 17:35:02 */
    assert_string_equal(p->text, "https://vm.tiktok.com/ZGJXMAEsf/");
    assert_int_equal(p->n_urls, 1); /* the entity and the link preview are one URL */
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://vm.tiktok.com/ZGJXMAEsf/");

    /* a forward of another channel's post: a repost of that post */
    p = post(c, "1799276919/2481");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_id), "1322667292/11482");
    assert_string_equal(S(c, p->ref_account), "channel1322667292");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://www.dailymail.co.uk/health/article-12093195/"
                                          "15-babies-toddlers-sickened-deadly-heart-condition.html");
    assert_true(strncmp(p->text, "15 UK newborns diagnosed with myocarditis", 41) == 0);

    /* a url and a mention located by UTF-16 offsets past multi-byte text */
    p = post(c, "1799276919/2478");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://twitter.com/NikoTheAwakened/status/"
                                          "1653313085069836295?t=mi1y63EFzbOhQFp0mq0pxQ&s=19");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "awakenedspecies");

    /* a forward from a hidden account: only its name */
    p = post(c, "1799276919/2476");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(S(c, p->ref_handle), "Jordan");

    /* media-only forwards have no text */
    p = post(c, "1799276919/2480");
    assert_string_equal(p->text, "");
    assert_string_equal(S(c, p->ref_id), "1387912140/3986");

    /* two channels' forwards of one channel: one original each */
    p = post(c, "1799276919/2482");
    assert_string_equal(S(c, p->ref_account), "channel1724102370");
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "redpillboy");
    chorus_corpus_free(c);
}

static void test_group_replies(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load("python_group_1050982793.jsonl", &log);
    /* group messages are by their senders */
    const ch_post *p = post(c, "1050982793/2004369");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, author(c, p)->id), "user338930785");
    assert_string_equal(S(c, p->ref_id), "1050982793/2004368");
    assert_string_equal(S(c, p->root_id), "1050982793/2004364"); /* reply_to_top_id */
    assert_string_equal(p->text, "thanks\nhttps://pastebin.com/NW6ynk8D");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://pastebin.com/NW6ynk8D");
    p = post(c, "1050982793/2004371");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "Kol1w");
    p = post(c, "1050982793/2004378");
    assert_string_equal(S(c, p->ref_id), "1050982793/2004221");
    assert_int_equal(p->root_id, 0);
    chorus_corpus_free(c);

    c = load("bloomberg_1488156064.jsonl", &log);
    p = post(c, "1488156064/3146");
    /* 🎙 and ’ and — before the link: UTF-16 offsets, not bytes */
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://link.podtrac.com/jxfy2rhy");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, author(c, p)->id), "channel1488156064");
    chorus_corpus_free(c);
}

/* ---- hand-written ------------------------------------------------------------------------- */

/* 4CAT's NDJSON: "_type", Unix times, the sender and chat resolved. */
static void test_4cat_ndjson(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str(
        "{\"_type\":\"Message\",\"id\":12,\"peer_id\":{\"_type\":\"PeerChannel\",\"channel_id\":555},"
        "\"date\":1677664800.0,\"message\":\"#Vote for \\ud83d\\ude00 @ana now\",\"from_id\":null,"
        "\"entities\":[{\"_type\":\"MessageEntityHashtag\",\"offset\":0,\"length\":5},"
        "{\"_type\":\"MessageEntityMention\",\"offset\":13,\"length\":4},"
        "{\"_type\":\"MessageEntityTextUrl\",\"offset\":6,\"length\":3,\"url\":\"https://x.example/\"},"
        "{\"_type\":\"MessageEntityMentionName\",\"offset\":0,\"length\":1,\"user_id\":9}],"
        "\"_chat\":{\"id\":555,\"username\":\"newsroom\",\"title\":\"Newsroom\"},"
        "\"_sender\":{\"id\":555,\"username\":\"newsroom\",\"title\":\"Newsroom\"},"
        "\"fwd_from\":{\"_type\":\"MessageFwdHeader\",\"date\":1677600000,\"from_id\":"
        "{\"_type\":\"PeerChannel\",\"channel_id\":777},\"channel_post\":99}}\n"
        "{\"_type\":\"Message\",\"id\":13,\"peer_id\":{\"_type\":\"PeerChannel\",\"channel_id\":556},"
        "\"date\":1677664900,\"message\":\"hi\",\"from_id\":{\"_type\":\"PeerUser\",\"user_id\":42},"
        "\"_sender\":{\"id\":42,\"username\":\"bo\",\"first_name\":\"Bo\",\"last_name\":\"Ek\","
        "\"bot\":true},\"reply_to\":{\"_type\":\"MessageReplyHeader\",\"reply_to_msg_id\":7,"
        "\"reply_to_peer_id\":{\"_type\":\"PeerChannel\",\"channel_id\":555}}}\n",
        &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    const ch_post *p = post(c, "555/12");
    assert_int_equal(p->created_at, 1677664800);
    assert_string_equal(S(c, author(c, p)->id), "channel555");
    assert_string_equal(S(c, author(c, p)->handle), "newsroom");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_id), "777/99");
    assert_string_equal(S(c, p->ref_account), "channel777");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Vote");
    assert_int_equal(p->n_mentions, 1); /* MentionName is a user id, not a handle */
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "ana");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://x.example/");
    p = post(c, "556/13");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "user42");
    assert_string_equal(S(c, a->handle), "bo");
    assert_string_equal(S(c, a->meta.display_name), "Bo Ek");
    assert_int_equal(a->meta.bot, 1);
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "555/7"); /* a comment on the channel's post */
    chorus_corpus_free(c);
}

static void test_forward_origins(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_str(
        "{\"_\":\"Message\",\"id\":1,\"peer_id\":{\"_\":\"PeerChat\",\"chat_id\":31},\"date\":"
        "\"2023-03-01 10:00:00+00:00\",\"message\":\"fw\",\"from_id\":{\"_\":\"PeerUser\","
        "\"user_id\":5},\"fwd_from\":{\"_\":\"MessageFwdHeader\",\"from_id\":{\"_\":\"PeerUser\","
        "\"user_id\":6},\"channel_post\":null}}\n"
        "{\"_\":\"MessageService\",\"id\":2,\"peer_id\":{\"_\":\"PeerChat\",\"chat_id\":31},"
        "\"date\":\"2023-03-01 10:00:00\",\"action\":{\"_\":\"MessageActionChatAddUser\"}}\n"
        "{\"_\":\"Channel\",\"id\":31}\n"
        "{\"_\":\"Message\",\"id\":3,\"date\":\"2023-03-01 10:00:00\",\"message\":\"no chat\"}\n"
        "{\"_\":\"Message\",\"id\":4,\"peer_id\":{\"_\":\"PeerChat\",\"chat_id\":31},\"date\":"
        "\"soon\",\"message\":\"x\"}\n"
        "{\"_\":\"Message\",\"id\":5,\"peer_id\":{\"_\":\"PeerChat\",\"chat_id\":31},\"date\":\n"
        "[{\"_\":\"Message\",\"id\":6,\"peer_id\":{\"_\":\"PeerChannel\",\"channel_id\":8},\"date\":"
        "\"2023-03-01 10:00:00\",\"message\":\"\\ud83c\\uddfa\\ud83c\\udde6 https://a.example\","
        "\"entities\":[{\"_\":\"MessageEntityUrl\",\"offset\":5,\"length\":17},"
        "{\"_\":\"MessageEntityUrl\",\"offset\":5,\"length\":900},"
        "{\"_\":\"MessageEntityUrl\",\"offset\":-1,\"length\":3},"
        "{\"_\":\"MessageEntityUrl\",\"offset\":1,\"length\":2}]}]\n",
        &log);
    assert_int_equal(ch_corpus_nposts(c), 2);
    const ch_post *p = post(c, "31/1");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_account), "user6");
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(S(c, author(c, p)->id), "user5");
    p = post(c, "8/6");
    assert_int_equal(p->n_urls, 1); /* out-of-range and mid-character entities are skipped */
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://a.example");
    assert_int_equal(log.n, 5);
    assert_int_equal(log.reason[0], CH_R_NOT_POST);
    assert_non_null(strstr(log.msg[0], "service message"));
    assert_int_equal(log.reason[1], CH_R_NOT_POST);
    assert_int_equal(log.reason[2], CH_R_NO_ID);
    assert_int_equal(log.reason[3], CH_R_BAD_TIME);
    assert_int_equal(log.reason[4], CH_R_JSON);
    chorus_corpus_free(c);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *text =
        "{\"_\":\"Message\",\"id\":1,\"peer_id\":{\"_\":\"PeerChannel\",\"channel_id\":2},\"date\":"
        "\"2023-03-01 10:00:00\",\"message\":\"#a @b https://c.example\",\"entities\":[{\"_\":"
        "\"MessageEntityHashtag\",\"offset\":0,\"length\":2},{\"_\":\"MessageEntityMention\","
        "\"offset\":3,\"length\":2},{\"_\":\"MessageEntityUrl\",\"offset\":6,\"length\":17}]}\n";
    for (uint64_t nth = 1; nth < 100; nth++) {
        int rc;
        size_t n;
        assert_true(run_failing_from(nth, run_str, text, &rc, &n));
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK && n == 1)
            break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_sample),
        cmocka_unit_test(test_channel_forwards),
        cmocka_unit_test(test_group_replies),
        cmocka_unit_test(test_4cat_ndjson),
        cmocka_unit_test(test_forward_origins),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
