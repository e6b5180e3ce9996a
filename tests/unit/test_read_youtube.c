/*
 * test_read_youtube.c — the YouTube Data API v3 reader. No real response is available, so the
 * fixtures in tests/data/youtube are written from the API reference (commentThread, comment,
 * video and searchResult resources), and every documented field the reader maps has a check.
 */
#include "helpers.h"

#define YT CHORUS_TEST_DATA "/youtube/"

READER_RUNNERS(ch_reader_youtube)

/* commentThreads.list, pretty-printed: a thread with two replies, a channel discussion. */
static void test_comment_threads(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(YT "comment_threads.json", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_youtube);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 3);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_POST], 1);

    /* the top-level comment: a reply to the video, whose channel is the referenced account */
    const ch_post *p = post(c, "UgzT0pLevel1AaABAg");
    assert_int_equal(ch_corpus_post_platform(c, index_of(c, "UgzT0pLevel1AaABAg")),
                     ch_corpus_platform_find(c, "youtube"));
    assert_string_equal(S(c, author(c, p)->id), "UCfirst00000000000000000"); /* authorChannelId.value */
    assert_string_equal(S(c, author(c, p)->handle), "firstposter");          /* authorDisplayName */
    assert_int_equal(p->created_at, 1709287200);                            /* publishedAt */
    assert_string_equal(p->text, "Read the statement: https://example.org/s?a=1&b=2 #truth"); /* textOriginal */
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "vid00000001");                    /* videoId */
    assert_string_equal(S(c, p->root_id), "vid00000001");
    assert_string_equal(S(c, p->ref_account), "UCvideoOwner000000000000");  /* channelId */
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/s?a=1&b=2");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "truth");

    /* a reply: to its parent (parentId), root the video, the parent's author known */
    p = post(c, "UgzT0pLevel1AaABAg.A1reply1");
    assert_string_equal(S(c, p->ref_id), "UgzT0pLevel1AaABAg");
    assert_string_equal(S(c, p->root_id), "vid00000001");
    assert_string_equal(S(c, p->ref_account), "UCfirst00000000000000000");
    assert_string_equal(S(c, p->ref_handle), "firstposter");
    assert_int_equal(p->created_at, 1709287290);
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "firstposter");
    /* a reply whose snippet names neither parent nor video: the thread tells */
    p = post(c, "UgzT0pLevel1AaABAg.A1reply2");
    assert_string_equal(S(c, p->ref_id), "UgzT0pLevel1AaABAg");
    assert_string_equal(S(c, p->root_id), "vid00000001");
    assert_string_equal(p->text, "\xc3\x9cn\xc3\xaf" "code r\xc3\xa9ply \xf0\x9f\x99\x82");
    assert_int_equal(p->created_at, 1709287320); /* fractional seconds */
    assert_string_equal(S(c, author(c, p)->handle), "third.voice");

    /* a channel discussion (no video): a post; the offset time is converted to UTC */
    p = post(c, "UgyChannelTalkAaABAg");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->ref_id, 0);
    assert_int_equal(p->created_at, 1709362800);
    assert_int_equal(author(c, p)->n_posts, 2);
    chorus_corpus_free(c);
}

/* comments.list: an HTML textDisplay only, a display name of the old kind; a comment alone */
static void test_comments_list(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(YT "comments_list.jsonl", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    const ch_post *p = post(c, "UgzT0pLevel1AaABAg.A1reply3");
    assert_string_equal(p->text, "Same here, see example.net/a\nand this's it \"ok\"");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.net/a?x=1&y=2");
    assert_string_equal(S(c, p->ref_id), "UgzT0pLevel1AaABAg");
    assert_string_equal(S(c, p->root_id), "UgzT0pLevel1AaABAg"); /* no video named */
    assert_string_equal(S(c, author(c, p)->handle), "OldStyle Name");
    p = post(c, "UgxStandalone1AaABAg");
    assert_string_equal(S(c, p->ref_id), "vid00000002");
    assert_string_equal(S(c, p->ref_account), "UCother00000000000000000");
    chorus_corpus_free(c);
}

/* videos.list and search.list pages in one array */
static void test_videos(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(YT "videos.json", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2); /* the channel search result is no post */
    const ch_post *p = post(c, "vid00000001");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(S(c, author(c, p)->id), "UCvideoOwner000000000000");
    assert_int_equal(author(c, p)->handle, 0); /* channelTitle is no handle */
    assert_int_equal(p->created_at, 1709231400);
    assert_string_equal(p->text, "Minister speaks on the vote\n\n"
                                 "Full statement. #election More: https://example.org/statement @civicdesk");
    assert_string_equal(S(c, p->lang), "en");
    assert_int_equal(p->n_hashtags, 1); /* not the uploader's tags */
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "election");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/statement");
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "civicdesk");
    p = post(c, "vid00000003");
    assert_string_equal(p->text, "Reupload");
    assert_string_equal(S(c, author(c, p)->id), "UCother00000000000000000");
    chorus_corpus_free(c);
}

static void test_other_resources_and_bad_records(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        "{\"error\":{\"code\":403,\"message\":\"The video has disabled comments.\"}}\n"
        "{\"kind\":\"youtube#channelListResponse\",\"items\":[{\"kind\":\"youtube#channel\","
        "\"id\":\"UC1\"}]}\n"
        "{\"kind\":\"youtube#playlist\",\"id\":\"PL1\"}\n"
        "{\"kind\":\"youtube#commentThreadListResponse\",\"items\":[]}\n"
        /* 5-8: a bad time, no author, no time, a comment without kind (inferred) */
        "{\"kind\":\"youtube#comment\",\"id\":\"c1\",\"snippet\":{\"textOriginal\":\"x\","
        "\"authorChannelId\":{\"value\":\"UCa\"},\"publishedAt\":\"last week\"}}\n"
        "{\"kind\":\"youtube#comment\",\"id\":\"c2\",\"snippet\":{\"textOriginal\":\"x\","
        "\"publishedAt\":\"2024-01-01T00:00:00Z\"}}\n"
        "{\"kind\":\"youtube#comment\",\"id\":\"c3\",\"snippet\":{\"textOriginal\":\"x\","
        "\"authorChannelId\":{\"value\":\"UCa\"}}}\n"
        "{\"id\":\"c4\",\"snippet\":{\"textOriginal\":\"inferred\",\"authorChannelId\":{\"value\":"
        "\"UCa\"},\"publishedAt\":\"2024-01-01T00:00:00Z\",\"videoId\":\"v1\"}}\n"
        /* 9: HTML with anchors that are not shared links: a timestamp, a tag, a handle */
        "{\"kind\":\"youtube#comment\",\"id\":\"c5\",\"snippet\":{\"textDisplay\":\"at <a "
        "href=\\\"https://www.youtube.com/watch?v=v1&amp;t=95\\\">1:35</a> <a href=\\\"https://"
        "www.youtube.com/hashtag/x\\\">#x</a> <a href=\\\"http://www.youtube.com/channel/UCb\\\">"
        "@b.c</a> &lt;3 <b>bold\",\"authorChannelId\":{\"value\":\"UCa\"},"
        "\"publishedAt\":\"2024-01-01T00:00:01Z\",\"videoId\":\"v1\"}}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_string_equal(post(c, "c4")->text, "inferred");
    const ch_post *p = post(c, "c5");
    assert_string_equal(p->text, "at 1:35 #x @b.c <3 bold");
    assert_int_equal(p->n_urls, 0);
    assert_int_equal(p->n_hashtags, 1);
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "b.c");
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 4);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_BAD_TIME], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_AUTHOR], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_TIME], 1);
    assert_non_null(strstr(log.msg[0], "403: The video has disabled comments."));
    assert_non_null(strstr(log.msg[1], "youtube#channelListResponse"));
    assert_non_null(strstr(log.msg[2], "youtube#playlist"));
    assert_non_null(strstr(log.msg[4], "'last week'"));
    assert_non_null(strstr(log.msg[5], "comment c2 has neither authorChannelId"));
    chorus_corpus_free(c);
}

static void test_broken_input(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        "{\"kind\":\"youtube#commentThread\",\"id\":\"t1\",\"snippet\":{\"topLevelComment\":\n"
        "[1,2\n"
        "{\"kind\":\"youtube#commentThread\",\"id\":\"t2\",\"snippet\":{\"videoId\":\"v\","
        "\"topLevelComment\":{\"snippet\":{\"textOriginal\":\"ok\",\"authorChannelId\":"
        "{\"value\":\"UCa\"},\"publishedAt\":\"2024-01-01T00:00:00Z\"}}}}\n"
        "{\"kind\":\"youtube#comment\",\"id\":\"x\",\"snippet\":{\"textDisplay\":\"<a href=\\\"\"}}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    /* the thread's id stands for a top-level comment that lacks one */
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_string_equal(post(c, "t2")->text, "ok");
    assert_true(ch_corpus_stats_get(c)->errors[CH_R_JSON] >= 2);
    chorus_corpus_free(c);
}

static void test_detection(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"kind\":\"youtube#commentThreadListResponse\",\"items\":[]}",
        "{\"id\":\"x\",\"snippet\":{\"topLevelComment\":{}}}",
        "{\"id\":\"x\",\"snippet\":{\"authorChannelId\":{\"value\":\"UC\"},\"textOriginal\":\"t\"}}",
        "[\n {\n  \"kind\": \"youtube#video\",\n  \"id\": \"v\"\n }\n]\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        assert_ptr_equal(ch_ingest_sniff(docs[i], strlen(docs[i])), &ch_reader_youtube);
    assert_ptr_equal(ch_reader_find("yt"), &ch_reader_youtube);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *in =
        "{\"kind\":\"youtube#commentThread\",\"id\":\"t\",\"snippet\":{\"videoId\":\"v\","
        "\"topLevelComment\":{\"id\":\"t\",\"snippet\":{\"textDisplay\":\"<a href=\\\"https://"
        "x.org/?a&amp;b\\\">x.org</a> #tag\",\"authorChannelId\":{\"value\":\"UCa\"},"
        "\"publishedAt\":\"2024-01-01T00:00:00Z\"}}},\"replies\":{\"comments\":[{\"id\":\"t.r\","
        "\"snippet\":{\"textOriginal\":\"@a hi\",\"authorChannelId\":{\"value\":\"UCb\"},"
        "\"publishedAt\":\"2024-01-01T00:00:01Z\"}}]}}\n"
        "{\"kind\":\"youtube#video\",\"id\":\"v\",\"snippet\":{\"channelId\":\"UCc\",\"title\":\"T\","
        "\"description\":\"D\",\"publishedAt\":\"2024-01-01T00:00:00Z\"}}\n";
    for (uint64_t nth = 1; nth < 200; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, in, &rc, &n))
            continue;
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK) {
            assert_int_equal(n, 3);
            return;
        }
    }
    fail_msg("still failing after 200 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comment_threads),
        cmocka_unit_test(test_comments_list),
        cmocka_unit_test(test_videos),
        cmocka_unit_test(test_other_resources_and_bad_records),
        cmocka_unit_test(test_broken_input),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
