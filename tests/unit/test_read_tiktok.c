/*
 * test_read_tiktok.c — the TikTok Research API reader. No real response is available, so the
 * fixtures in tests/data/tiktok are written from the documented shape (Query Videos, Query
 * Video Comments, the codebook), and every documented field the reader maps has a check here.
 */
#include "helpers.h"

#define TT CHORUS_TEST_DATA "/tiktok/"

READER_RUNNERS(ch_reader_tiktok)

/* A pretty-printed video query page: every mapped video field. */
static void test_video_query_page(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(TT "video_query.json", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_tiktok);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_POST], 2);

    /* id: an int64 beyond 2^53, kept exact */
    const ch_post *p = post(c, "7301234567890123456");
    assert_int_equal(ch_corpus_post_platform(c, index_of(c, "7301234567890123456")),
                     ch_corpus_platform_find(c, "tiktok"));
    /* username: the account id and handle */
    assert_string_equal(S(c, author(c, p)->id), "civic.desk");
    assert_string_equal(S(c, author(c, p)->handle), "civic.desk");
    /* create_time */
    assert_int_equal(p->created_at, 1700000000);
    /* video_description, then voice_to_text after a blank line */
    assert_string_equal(p->text,
                        "The ministry statement in full #election #vote with @newsroom.eu \xe2\x80\x94 "
                        "details at https://example.org/statement?id=7&lang=de\n\n"
                        "Today the ministry said the vote will go ahead as planned.");
    /* hashtag_names, video_mention_list, a link of the description (not of the transcript) */
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "election");
    assert_string_equal(S(c, ch_post_hashtags(p)[1]), "vote");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "newsroom.eu");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/statement?id=7&lang=de");
    /* region_code is a country, not a language */
    assert_int_equal(p->lang, 0);
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->ref_id, 0);

    /* an empty voice_to_text adds nothing; empty lists stay empty */
    p = post(c, "7301234567890123999");
    assert_string_equal(p->text, "The ministry statement in full #election");
    assert_int_equal(p->n_mentions, 0);
    assert_int_equal(p->n_hashtags, 1);
    assert_int_equal(p->created_at, 1700000042);
    chorus_corpus_free(c);
}

/* The comment list: the API names no commenter, so each comment is skipped, saying why. */
static void test_comment_list_has_no_authors(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(TT "comment_list.json", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_tiktok);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_AUTHOR], 2);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.line[0], 1);
    assert_non_null(strstr(log.msg[0], "comment:7302000000000000001"));
    assert_non_null(strstr(log.msg[0], "does not name commenters"));
    chorus_corpus_free(c);
}

/* Objects one per line: ids as strings, time as a string, hashtag_info_list, tags and
 * mentions of the description, comments with a collector's username, a comment whose number
 * is also a video's. */
static void test_objects_per_line(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(TT "objects.jsonl", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);

    const ch_post *p = post(c, "7301234567890124000");
    assert_int_equal(p->created_at, 1700000100);
    assert_int_equal(p->n_hashtags, 1); /* from hashtag_info_list, not the text */
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Election2024");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "someone.else");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/x");

    p = post(c, "7301234567890124001");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "fyp");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "friend_1");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "http://example.net/a");

    /* a comment on a video: reply to the video, root the video */
    p = post(c, "comment:7302000000000000003");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, author(c, p)->handle), "commenter_x");
    assert_string_equal(S(c, p->ref_id), "7301234567890124000");
    assert_string_equal(S(c, p->root_id), "7301234567890124000");
    assert_string_equal(p->text, "with an author from the collector");
    assert_int_equal(p->created_at, 1700000500);

    /* same digits as a video id, yet another post */
    p = post(c, "comment:7301234567890123456");
    assert_string_equal(S(c, p->ref_id), "7301234567890124001");
    assert_int_equal(find_post_any(c, "7301234567890123456"), SIZE_MAX); /* that video is not in this file */
    chorus_corpus_free(c);
}

static void test_replies_pages_and_errors(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        /* 1: a reply to a comment (parent_comment_id is not the video) */
        "{\"id\":2,\"video_id\":1,\"parent_comment_id\":3,\"text\":\"re\",\"create_time\":5,"
        "\"username\":\"u\"}\n"
        /* 2: an array of two pages: videos and a liked-videos list */
        "[{\"data\":{\"videos\":[{\"id\":10,\"username\":\"a\",\"create_time\":1}]}},"
        "{\"data\":{\"user_liked_videos\":[{\"id\":11,\"username\":\"b\",\"create_time\":2,"
        "\"liked_by_user\":\"x\"}],\"has_more\":false}}]\n"
        /* 3-6: an error response, a user profile, an empty page, something else */
        "{\"data\":{},\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"daily quota\"}}\n"
        "{\"data\":{\"display_name\":\"A\",\"follower_count\":3},\"error\":{\"code\":\"ok\"}}\n"
        "{\"data\":{\"videos\":[],\"has_more\":false},\"error\":{\"code\":\"ok\"}}\n"
        "{\"foo\":1}\n"
        /* 7-10: bad time, no username, no id, a numeric time as a float */
        "{\"id\":12,\"username\":\"a\",\"create_time\":\"soon\"}\n"
        "{\"id\":13,\"create_time\":1,\"video_description\":\"x\"}\n"
        "{\"username\":\"a\",\"create_time\":1,\"video_description\":\"x\"}\n"
        "{\"id\":14,\"username\":\"a\",\"create_time\":1.7e9}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 4);
    const ch_post *p = post(c, "comment:2");
    assert_string_equal(S(c, p->ref_id), "comment:3");
    assert_string_equal(S(c, p->root_id), "1");
    assert_int_equal(post(c, "10")->created_at, 1);
    assert_string_equal(S(c, author(c, post(c, "11"))->id), "b");
    assert_int_equal(post(c, "14")->created_at, 1700000000);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 4);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_BAD_TIME], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_AUTHOR], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_ID], 1);
    assert_int_equal(log.line[0], 3);
    assert_non_null(strstr(log.msg[0], "'rate_limit_exceeded': daily quota"));
    assert_non_null(strstr(log.msg[1], "without videos or comments"));
    assert_non_null(strstr(log.msg[3], "neither"));
    assert_non_null(strstr(log.msg[4], "'soon'"));
    assert_non_null(strstr(log.msg[5], "video 13 has no username"));
    chorus_corpus_free(c);
}

static void test_broken_input(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        "{\"data\":{\"videos\":[{\"id\":1,\"username\":\"a\",\"create_ti\n"
        "{\"id\":2,\"username\":\"\\u00e9l\\u00e8ve\",\"create_time\":3,\"video_description\":"
        "\"\\ud83c\\udf89 #f\\u00eate @b\\u00e9b\\u00e9 #123\"}\n"
        "\xff\xfe{}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    const ch_post *p = post(c, "2");
    assert_string_equal(S(c, author(c, p)->handle), "\xc3\xa9l\xc3\xa8ve");
    assert_int_equal(p->n_hashtags, 1); /* "#123" is not a tag */
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "f\xc3\xaate");
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "b\xc3\xa9" "b\xc3\xa9");
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_JSON] + ch_corpus_stats_get(c)->errors[CH_R_UTF8], 2);
    chorus_corpus_free(c);
}

static void test_detection(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"data\":{\"videos\":[{\"id\":1,\"video_description\":\"x\"}]},\"error\":{\"code\":\"ok\"}}",
        "{\"id\":1,\"video_id\":2,\"text\":\"x\",\"parent_comment_id\":2}",
        "{\"id\":1,\"username\":\"a\",\"create_time\":1}",
        "{\n  \"data\": {\n    \"comments\": [\n      {\"id\": 1, \"video_id\": 2, \"create_time\": 3}\n    ]\n  }\n}\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        assert_ptr_equal(ch_ingest_sniff(docs[i], strlen(docs[i])), &ch_reader_tiktok);
    assert_ptr_equal(ch_reader_find("tiktok-research"), &ch_reader_tiktok);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *in =
        "{\"data\":{\"videos\":[{\"id\":1,\"username\":\"a\",\"create_time\":1,"
        "\"video_description\":\"d https://x.org #t\",\"voice_to_text\":\"v\"}]}}\n"
        "{\"id\":2,\"video_id\":1,\"text\":\"c\",\"create_time\":2,\"username\":\"b\"}\n";
    for (uint64_t nth = 1; nth < 200; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, in, &rc, &n))
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
        cmocka_unit_test(test_video_query_page),
        cmocka_unit_test(test_comment_list_has_no_authors),
        cmocka_unit_test(test_objects_per_line),
        cmocka_unit_test(test_replies_pages_and_errors),
        cmocka_unit_test(test_broken_input),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
