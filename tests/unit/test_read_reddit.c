/*
 * test_read_reddit.c — the Reddit reader against real data (PRAW's recorded API objects and
 * Pushshift / Arctic Shift dump lines, in ../shared/data/formats/reddit) and hand-written hard
 * cases: wrappers and Listings, reply trees, crossposts, deleted authors and removed texts,
 * times as numbers and strings, links and names in markdown, broken lines, and a zstd frame
 * with the 2 GiB window of the Pushshift dumps.
 */
#include "helpers.h"

#include <zstd.h>
#include <zstd_errors.h>

#define REDDIT CHORUS_SHARED_DATA "/formats/reddit/"
#define PRAW REDDIT "praw-cassettes/"
#define DUMPS REDDIT "pushshift-importer/"

READER_RUNNERS(ch_reader_reddit)

/* ---- real data: PRAW API objects ---------------------------------------------------------- */

static void test_praw_submission_with_reply_tree(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(PRAW "TestSubmission.test_comments.ndjson", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_reddit);
    assert_int_equal(log.n, 0);
    /* a submission and two comments; the second comment is also inside the first one's
     * replies Listing, so it is read twice and kept once */
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_POST], 1);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 2);

    const ch_post *p = post(c, "t3_2gmzqe");
    assert_string_equal(S(c, author(c, p)->id), "bboe");
    assert_string_equal(S(c, author(c, p)->handle), "bboe");
    assert_int_equal(p->created_at, 1410935671); /* 1410935671.0 */
    assert_int_equal(strncmp(p->text, "[PRAW] HTTPS enabled PRAW testing needed\n\nPRAW client developers,", 65), 0);
    /* a self post: no url of its own; the https link of its text (closing ')' left out),
     * not the git:// one */
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://github.com/praw-dev/praw/issues");
    assert_int_equal(p->root_id, 0);

    p = post(c, "t1_cklfmye");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "t3_2gmzqe");
    assert_string_equal(S(c, p->root_id), "t3_2gmzqe");
    assert_string_equal(S(c, author(c, p)->handle), "paneer_burrito");

    p = post(c, "t1_cklhv0f");
    assert_string_equal(S(c, p->ref_id), "t1_cklfmye");
    assert_string_equal(S(c, p->root_id), "t3_2gmzqe");
    assert_int_equal(p->created_at, 1411010034);
    chorus_corpus_free(c);
}

static void test_praw_crosspost(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(PRAW "TestSubmission.test_crosspost.ndjson", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    /* the original, and the crosspost whose embedded original is the same id */
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    const ch_post *orig = post(c, "t3_6vx01b");
    assert_int_equal(orig->kind, CH_KIND_POST);
    assert_string_equal(S(c, author(c, orig)->handle), "kwwxis2");
    assert_string_equal(orig->text, "Test Title\n\ncrossposting");
    const ch_post *x = post(c, "t3_6vx8n0");
    assert_int_equal(x->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, x->ref_id), "t3_6vx01b");
    assert_string_equal(S(c, x->ref_account), "kwwxis2");
    assert_string_equal(S(c, x->ref_handle), "kwwxis2");
    assert_string_equal(S(c, author(c, x)->handle), "<USERNAME>");
    assert_int_equal(x->created_at, 1503650742);
    assert_true(index_of(c, "t3_6vx01b") < index_of(c, "t3_6vx8n0"));
    chorus_corpus_free(c);
}

static void test_praw_same_url_in_three_subreddits(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(PRAW "TestSubmission.test_duplicates.ndjson", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(ch_corpus_naccounts(c), 2);
    static const char *const bobcat[] = {"t3_avj2r", "t3_avj2v", "t3_avj32"};
    static const int64_t when[] = {1264743147, 1264743157, 1264743182};
    for (int i = 0; i < 3; i++) {
        const ch_post *p = post(c, bobcat[i]);
        assert_string_equal(S(c, author(c, p)->id), "bobcat");
        assert_int_equal(p->created_at, when[i]);
        assert_string_equal(p->text, "xkcd: Spirit");
        assert_int_equal(p->n_urls, 1);
        assert_string_equal(S(c, ch_post_urls(p)[0]), "http://www.xkcd.com/695");
    }
    const ch_post *p = post(c, "t3_hk49g");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "http://xkcd.com/695");
    assert_string_equal(S(c, author(c, p)->handle), "one-half");
    chorus_corpus_free(c);
}

static void test_praw_comment_listing(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(PRAW "TestSubredditListings.test_comments.ndjson", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 100);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 100);
    assert_int_equal(ch_corpus_naccounts(c), 97);

    /* a reply to a comment, in its thread */
    const ch_post *p = post(c, "t1_d4y8bdn");
    assert_string_equal(S(c, author(c, p)->id), "LoneStarCub15");
    assert_int_equal(p->created_at, 1467590690);
    assert_string_equal(S(c, p->ref_id), "t1_d4xrzgq");
    assert_string_equal(S(c, p->root_id), "t3_4r2hd3");
    /* a top-level comment: its parent is the submission */
    p = post(c, "t1_d4y8bdp");
    assert_string_equal(S(c, p->ref_id), "t3_4r4inc");
    assert_string_equal(S(c, p->root_id), "t3_4r4inc");
    /* markdown link, bare link */
    p = post(c, "t1_d4y8ax4");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "http://i.imgur.com/AkC7sat.jpg");
    p = post(c, "t1_d4y8awr");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://youtu.be/_l3oUjAN1IA");
    /* a relative markdown link is not a web link */
    p = post(c, "t1_d4y8b8s");
    for (int i = 0; i < p->n_urls; i++)
        assert_non_null(strstr(S(c, ch_post_urls(p)[i]), "://"));
    chorus_corpus_free(c);
}

static void test_praw_submission_listing(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(PRAW "TestSubredditListings.test_new.ndjson", NULL, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 100);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_POST], 100);
    assert_int_equal(ch_corpus_naccounts(c), 89);
    const ch_post *p = post(c, "t3_48fbm9");
    assert_string_equal(S(c, author(c, p)->handle), "RedHeadQc");
    assert_int_equal(p->created_at, 1456821458);
    assert_int_equal(p->n_urls, 0); /* self posts only */
    /* the same account posting twice */
    assert_int_equal(author(c, post(c, "t3_48fbg9"))->n_posts, 3); /* ravemyworld */
    chorus_corpus_free(c);
}

/* ---- real data: dump lines ---------------------------------------------------------------- */

static void test_pushshift_comments(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(DUMPS "RC_sample_27_comments.ndjson", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_reddit);
    /* 27 lines; 5 by deleted accounts are skipped, each named */
    assert_int_equal(ch_corpus_nposts(c), 22);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 22);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_AUTHOR], 5);
    assert_int_equal(log.n, 5);
    static const uint64_t lines[] = {7, 9, 13, 18, 19};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(log.line[i], lines[i]);
        assert_int_equal(log.reason[i], CH_R_NO_AUTHOR);
        assert_non_null(strstr(log.msg[i], "'[deleted]'"));
    }
    assert_non_null(strstr(log.msg[0], "t1_kod0bkj"));

    /* Arctic Shift 2024: float time, _meta, author_fullname (not the account id) */
    const ch_post *p = post(c, "t1_kod0bkd");
    assert_int_equal(p->created_at, 1706745600);
    assert_string_equal(S(c, author(c, p)->id), "DubsAli");
    assert_string_equal(S(c, p->ref_id), "t3_1afjd7n");
    assert_string_equal(S(c, p->root_id), "t3_1afjd7n");
    assert_string_equal(p->text, "Absolutely stunning. Really love this, perfect finish IMO as well.");
    /* a bot's reply: a u/ name, markdown links with superscript markup, &amp; in a link */
    p = post(c, "t1_kod0bke");
    assert_string_equal(S(c, p->ref_id), "t1_kihqg38");
    assert_string_equal(S(c, p->root_id), "t3_199i3jp");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "Cultural_Entrance312");
    assert_int_equal(p->n_urls, 5);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://bittybot.net/paper-trading");
    assert_string_equal(S(c, ch_post_urls(p)[4]),
                        "https://reddit.com/message/compose/?to=Bitty_Bot&subject=Bitty_Bot%20Feedback");
    /* 2009: created_utc as a string; no `name` in 2005 lines: the fullname is built */
    p = post(c, "t1_c0cmuol");
    assert_int_equal(p->created_at, 1251763200);
    assert_string_equal(S(c, author(c, p)->id), "tells");
    p = post(c, "t1_c0cmuoo");
    assert_int_equal(p->created_at, 1251763202);
    assert_int_equal(strncmp(p->text, ">Nebraska\n>Diocese", 18), 0); /* &gt; decoded */
    p = post(c, "t1_c13");
    assert_int_equal(p->created_at, 1134365188);
    assert_string_equal(S(c, author(c, p)->id), "frjo");
    assert_string_equal(S(c, p->ref_id), "t3_17863");
    /* author_created_utc gives the account's age */
    const ch_account *a = author(c, post(c, "t1_fp09438"));
    assert_true(a->meta.present);
    assert_int_equal(a->meta.created_at, 1328231460);
    assert_false(author(c, post(c, "t1_kod0bkd"))->meta.present);
    /* the 2012 comment by a co-founder, string time */
    p = post(c, "t1_c63fp23");
    assert_int_equal(p->created_at, 1346790399);
    assert_string_equal(S(c, author(c, p)->handle), "kn0thing");
    chorus_corpus_free(c);
}

static void test_pushshift_submissions(void **state)
{
    (void)state;
    diag_log log = {0};
    const ch_reader *used = NULL;
    ch_corpus *c = ingest_path(DUMPS "RS_sample_31_submissions.ndjson", NULL, &log, &used);
    assert_ptr_equal(used, &ch_reader_reddit);
    assert_int_equal(log.n, 0);
    /* 31 lines, and the original that the one crosspost embeds */
    assert_int_equal(ch_corpus_nposts(c), 32);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_POST], 31);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPOST], 1);

    const ch_post *x = post(c, "t3_1afwvv9");
    assert_int_equal(x->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, author(c, x)->handle), "Beastking_17");
    assert_string_equal(S(c, x->ref_id), "t3_1abw4nj");
    assert_string_equal(S(c, x->ref_handle), "Romano16");
    assert_string_equal(S(c, ch_post_urls(x)[0]), "https://v.redd.it/74ah6jubbvec1");
    const ch_post *orig = post(c, "t3_1abw4nj");
    assert_int_equal(orig->kind, CH_KIND_POST);
    assert_string_equal(S(c, author(c, orig)->handle), "Romano16");
    assert_int_equal(orig->created_at, 1706311301);
    assert_true(index_of(c, "t3_1abw4nj") < index_of(c, "t3_1afwvv9"));

    /* 2005: integer time, no `name`, link post; &amp; in a title and in a url */
    const ch_post *p = post(c, "t3_87");
    assert_int_equal(p->created_at, 1119552233);
    assert_string_equal(S(c, author(c, p)->id), "kn0thing");
    assert_string_equal(p->text, "The Downing Street Memo");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "http://www.downingstreetmemo.com");
    p = post(c, "t3_1v3sg");
    assert_string_equal(p->text, "NUMBERS & WEB SITES");
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "http://www.nola.com/hurricane/t-p/index.ssf?/base/news-3/118042089721740.xml&coll=1&thispage=23");
    /* 2014: string time; a self post has no url */
    p = post(c, "t3_2f4i98");
    assert_int_equal(p->created_at, 1409529601);
    assert_int_equal(p->n_urls, 0);
    assert_int_equal(strncmp(p->text, "Does anybody else drink liquid egg whites?\n\n", 44), 0);
    /* a removed selftext leaves the title alone */
    p = post(c, "t3_abdn5a");
    assert_string_equal(p->text, "What new stone sales are coming with the years banner on global?");
    assert_int_equal(author(c, p)->meta.created_at, 1544487819);
    /* links in a selftext, &amp; undone */
    p = post(c, "t3_jk3lbh");
    assert_int_equal(p->n_urls, 5);
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "https://preview.redd.it/g9wl61ehom261.jpg?width=572&format=pjpg&auto=webp&s=5a5b0fb74c0abd6d3d790f2d8e2da7bf470449f7");
    chorus_corpus_free(c);
}

/* ---- hand-written cases ----------------------------------------------------------------- */

#define C(id, author, t, body, extra)                                                             \
    "{\"id\":\"" id "\",\"author\":\"" author "\",\"created_utc\":" t ",\"body\":\"" body      \
    "\",\"link_id\":\"t3_s1\",\"parent_id\":\"t3_s1\",\"subreddit\":\"news\"" extra "}"

static void test_things_listings_and_kinds(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        /* line 1: a saved /comments page: [submission listing, comment listing] with a reply tree
         * and a "more" placeholder */
        "[{\"kind\":\"Listing\",\"data\":{\"children\":[{\"kind\":\"t3\",\"data\":{\"id\":\"s1\","
        "\"author\":\"op\",\"created_utc\":100,\"title\":\"T\",\"selftext\":\"\",\"is_self\":true,"
        "\"url\":\"https://www.reddit.com/r/x/comments/s1/t/\"}}]}},"
        "{\"kind\":\"Listing\",\"data\":{\"children\":[{\"kind\":\"t1\",\"data\":{\"id\":\"a\","
        "\"author\":\"u1\",\"created_utc\":101,\"body\":\"top\",\"link_id\":\"t3_s1\","
        "\"parent_id\":\"t3_s1\",\"replies\":{\"kind\":\"Listing\",\"data\":{\"children\":["
        "{\"kind\":\"t1\",\"data\":{\"id\":\"b\",\"author\":\"u2\",\"created_utc\":102,"
        "\"body\":\"under\",\"link_id\":\"t3_s1\",\"parent_id\":\"t1_a\",\"replies\":\"\"}},"
        "{\"kind\":\"more\",\"data\":{\"count\":5,\"children\":[\"x\",\"y\"]}}]}}}}]}}]\n"
        /* lines 2-4: other things, an empty Listing */
        "{\"kind\":\"t5\",\"data\":{\"display_name\":\"news\",\"subscribers\":10}}\n"
        "{\"kind\":\"t9\",\"data\":{\"x\":1}}\n"
        "{\"kind\":\"Listing\",\"data\":{\"children\":[]}}\n"
        /* line 5: a subreddit line from a dump: no wrapper */
        "{\"display_name\":\"news\",\"subscribers\":10}\n"
        /* lines 6-7: fullnames as ids, a link post with a relative url */
        "{\"name\":\"t3_s2\",\"id\":\"s2\",\"author\":\"op\",\"created_utc\":\"200.5\","
        "\"title\":\"Look\",\"url\":\"/r/x/comments/s1/t/\",\"domain\":\"self.x\"}\n"
        "{\"id\":\"t3_s3\",\"author\":\"op\",\"created_utc\":201,\"title\":\"Link\","
        "\"url\":\"/r/x/comments/s1/t/\",\"is_self\":false}\n"
        /* line 8: an API comment whose id already is a fullname, `name` missing */
        "{\"id\":\"t1_c9\",\"author\":\"u3\",\"created_utc\":1.5e2,\"body\":\"x\","
        "\"link_id\":\"t3_s1\"}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 6);
    const ch_post *s1 = post(c, "t3_s1");
    assert_int_equal(s1->kind, CH_KIND_POST);
    assert_int_equal(s1->n_urls, 0);
    const ch_post *a = post(c, "t1_a");
    assert_string_equal(S(c, a->ref_id), "t3_s1");
    const ch_post *b = post(c, "t1_b");
    assert_string_equal(S(c, b->ref_id), "t1_a");
    assert_string_equal(S(c, b->root_id), "t3_s1");
    assert_true(index_of(c, "t1_a") < index_of(c, "t1_b"));
    /* s2: domain self.* means a self post even without is_self; string float time */
    const ch_post *s2 = post(c, "t3_s2");
    assert_int_equal(s2->created_at, 200);
    assert_int_equal(s2->n_urls, 0);
    const ch_post *s3 = post(c, "t3_s3");
    assert_int_equal(s3->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(s3)[0]), "https://www.reddit.com/r/x/comments/s1/t/");
    const ch_post *c9 = post(c, "t1_c9");
    assert_int_equal(c9->created_at, 150);
    assert_string_equal(S(c, c9->ref_id), "t3_s1"); /* no parent_id: the submission */

    /* not_a_post: more, t5, unknown kind, empty listing, a dump subreddit line */
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 5);
    assert_int_equal(log.n, 5);
    assert_int_equal(log.line[0], 1);
    assert_non_null(strstr(log.msg[0], "not loaded"));
    assert_int_equal(log.line[1], 2);
    assert_non_null(strstr(log.msg[1], "subreddit"));
    assert_non_null(strstr(log.msg[2], "'t9'"));
    assert_non_null(strstr(log.msg[3], "empty listing"));
    assert_non_null(strstr(log.msg[4], "neither"));
    chorus_corpus_free(c);
}

static void test_deleted_removed_and_times(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        C("k1", "[removed]", "1", "x", "") "\n"
        /* a known author whose text was removed: kept, without the placeholder */
        C("k2", "ana", "2", "[removed]", "") "\n"
        C("k3", "ana", "\"3\"", "[deleted]", "") "\n"
        C("k4", "ana", "\"yesterday\"", "x", "") "\n"
        C("k5", "ana", "true", "x", "") "\n"
        "{\"id\":\"k6\",\"author\":\"ana\",\"body\":\"no time\",\"link_id\":\"t3_s1\"}\n"
        "{\"author\":\"ana\",\"created_utc\":7,\"body\":\"no id\",\"link_id\":\"t3_s1\"}\n"
        "{\"id\":\"k8\",\"author\":null,\"created_utc\":8,\"body\":\"x\",\"link_id\":\"t3_s1\"}\n"
        C("k9", "ana", "1e300", "x", "") "\n"
        /* a submission whose selftext was deleted */
        "{\"id\":\"s9\",\"author\":\"bo\",\"created_utc\":9,\"title\":\"Only the title\","
        "\"selftext\":\"[deleted]\",\"is_self\":true}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(post(c, "t1_k2")->text_len, 0);
    assert_int_equal(post(c, "t1_k3")->created_at, 3);
    assert_int_equal(post(c, "t1_k3")->text_len, 0);
    assert_string_equal(post(c, "t3_s9")->text, "Only the title");
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_AUTHOR], 2);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_BAD_TIME], 3);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_TIME], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NO_ID], 1);
    assert_int_equal(log.line[0], 1);
    assert_non_null(strstr(log.msg[0], "'[removed]'"));
    assert_non_null(strstr(log.msg[1], "'yesterday'"));
    chorus_corpus_free(c);
}

static void test_crosspost_parents(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        /* the parent list names two: the one matching crosspost_parent gives the author */
        "{\"id\":\"x1\",\"author\":\"rep\",\"created_utc\":50,\"title\":\"Same\",\"url\":"
        "\"https://ex.org/a\",\"crosspost_parent\":\"t3_o2\",\"crosspost_parent_list\":["
        "{\"id\":\"o1\",\"author\":\"other\",\"created_utc\":10,\"title\":\"O1\"},"
        "{\"id\":\"o2\",\"name\":\"t3_o2\",\"author\":\"orig\",\"created_utc\":20,\"title\":\"Same\","
        "\"url\":\"https://ex.org/a\",\"crosspost_parent_list\":[{\"id\":\"o0\",\"author\":\"z\","
        "\"created_utc\":1,\"title\":\"too deep\"}]}]}\n"
        /* an original by a deleted account: skipped silently; the crosspost stays */
        "{\"id\":\"x2\",\"author\":\"rep\",\"created_utc\":60,\"title\":\"Again\",\"crosspost_parent\":"
        "\"t3_o3\",\"crosspost_parent_list\":[{\"id\":\"o3\",\"author\":\"[deleted]\","
        "\"created_utc\":30,\"title\":\"gone\"},{\"id\":\"o4\"}]}\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4); /* o1, o2, x1, x2 */
    assert_int_equal(find_post_any(c, "t3_o0"), SIZE_MAX);
    assert_int_equal(find_post_any(c, "t3_o3"), SIZE_MAX);
    const ch_post *x1 = post(c, "t3_x1");
    assert_int_equal(x1->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, x1->ref_id), "t3_o2");
    assert_string_equal(S(c, x1->ref_handle), "orig");
    const ch_post *x2 = post(c, "t3_x2");
    assert_string_equal(S(c, x2->ref_id), "t3_o3");
    assert_int_equal(x2->ref_handle, 0);
    chorus_corpus_free(c);
}

static void test_text_entities(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    const char *in =
        C("e1", "ana",  "1",
          "see [the *report*](https://ex.org/a_(b)?x=1&amp;y=2). and https://ex.org/c\\\\_d, "
          "(https://ex.org/e) &lt;https://ex.org/f&gt; [https://ex.org/g](https://ex.org/g) "
          "u/first /u/Second_One u/some\\\\_name u/ab u/waytoolongnamethatisnotreddit x/u/no "
          "https://reddit.com/u/inlink reddit.com/u/nolink",
          "") "\n"
        /* Unicode around entities; a name at the very end */
        C("e2", "ana", "2", "\\u00e9t\\u00e9 \\ud83d\\ude00 https://ex.org/\\u00e9 \\u0436 u/end", "")
        "\n"
        /* a name that runs into a link: both decoded, within bounds */
        C("e3", "ana", "3", "u/x\\\\_yhttps://a.org/b&amp;c\\\\_d", "") "\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    const ch_post *p = post(c, "t1_e1");
    static const char *const urls[] = {"https://ex.org/a_(b)?x=1&y=2", "https://ex.org/c_d",
                                       "https://ex.org/e", "https://ex.org/f",
                                       "https://ex.org/g", "https://reddit.com/u/inlink"};
    assert_int_equal(p->n_urls, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(S(c, ch_post_urls(p)[i]), urls[i]);
    static const char *const names[] = {"first", "Second_One", "some_name"};
    assert_int_equal(p->n_mentions, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(S(c, ch_post_mentions(p)[i]), names[i]);
    assert_int_equal(p->n_hashtags, 0);
    /* the text itself keeps the markdown, entities decoded */
    assert_non_null(strstr(p->text, "x=1&y=2). and"));
    assert_non_null(strstr(p->text, "<https://ex.org/f>"));

    p = post(c, "t1_e2");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://ex.org/\xc3\xa9"); /* an IRI */
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "end");
    assert_int_equal(strncmp(p->text, "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80", 10), 0);
    p = post(c, "t1_e3");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://a.org/b&c_d");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "x_yhttps");
    chorus_corpus_free(c);
}

static void test_bad_lines_and_limits(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    /* a truncated line, garbage, a number, then a good line; then a line over the limit */
    char big[600];
    snprintf(big, sizeof big, "%s\n", C("g1", "ana", "1", "ok", ""));
    const char *head =
        "{\"id\":\"t1\",\"author\":\"ana\",\"created_utc\":1,\"body\":\"cut\n"
        "not json\n"
        "42\n";
    char in[16000];
    size_t len = (size_t)snprintf(in, sizeof in, "%s%s{\"body\":\"", head, big);
    memset(in + len, 'x', 5000);
    len += 5000;
    len += (size_t)snprintf(in + len, sizeof in - len, "\"}\n%s", big);
    assert_int_equal(run(c, in, len, 4096, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_JSON], 2);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_TOO_LONG], 1);
    chorus_corpus_free(c);

    /* an empty input and a blank one hold nothing and are fine */
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log l2 = {0};
    assert_int_equal(run_str(c, "", &l2), CHORUS_OK);
    assert_int_equal(run_str(c, "\n\n  \n", &l2), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(l2.n, 0);
    chorus_corpus_free(c);

    /* strict mode stops at the first skipped record */
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log l3 = {0};
    const char *strict_in = C("d1", "[deleted]", "1", "x", "") "\n" C("d2", "ana", "2", "x", "") "\n";
    assert_int_equal(run(c, strict_in, strlen(strict_in), 0, true, &l3), CHORUS_EPARSE);
    assert_int_equal(ch_corpus_nposts(c), 0);
    chorus_corpus_free(c);
}

/* Reply trees nested past the limit are cut with a named reason; the rest is read. */
static void test_deep_reply_tree(void **state)
{
    (void)state;
    enum { LEVELS = 150 };
    size_t cap = LEVELS * 200 + 100, len = 0;
    char *in = malloc(cap);
    assert_non_null(in);
    for (int i = 0; i < LEVELS; i++)
        len += (size_t)snprintf(in + len, cap - len,
                                "{\"kind\":\"Listing\",\"data\":{\"children\":[{\"kind\":\"t1\","
                                "\"data\":{\"id\":\"r%d\",\"author\":\"a\",\"created_utc\":%d,"
                                "\"body\":\"b\",\"link_id\":\"t3_s\",\"replies\":",
                                i, i + 1);
    len += (size_t)snprintf(in + len, cap - len, "\"\"");
    for (int i = 0; i < LEVELS; i++)
        len += (size_t)snprintf(in + len, cap - len, "}}]}}");
    in[len++] = '\n';
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    assert_int_equal(run(c, in, len, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 100);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_DEPTH], 1);
    assert_non_null(strstr(log.msg[0], "deeper than 100"));
    chorus_corpus_free(c);
    free(in);
}

/* A zstd frame that declares the 2 GiB window of the Pushshift dumps (zstd --long=31) is
 * read; the decoder's default limit (2^27) would refuse it. */
static void test_zstd_long_window(void **state)
{
    (void)state;
    /* More than the reader's first window holds, so the stream is decoded piecewise (a frame
     * that fits the output at once is decoded without the window check). */
    enum { LINES = 300 };
    char *content = malloc(LINES * 200);
    assert_non_null(content);
    size_t n = 0;
    for (int i = 0; i < LINES; i++)
        n += (size_t)sprintf(content + n,
                             "{\"id\":\"z%d\",\"author\":\"ana\",\"created_utc\":%d,"
                             "\"body\":\"long window\",\"link_id\":\"t3_s1\"}\n",
                             i, 1700000000 + i);
    assert_true(n > 16384 && n < 65536 + 256);
    unsigned char *frame = malloc(n + 16);
    assert_non_null(frame);
    size_t k = 0;
    memcpy(frame, "\x28\xb5\x2f\xfd", 4);            /* magic */
    k = 4;
    frame[k++] = 0x40;                               /* 2-byte content size, windowed */
    frame[k++] = (unsigned char)((31 - 10) << 3);    /* window descriptor: 2^31 */
    frame[k++] = (unsigned char)((n - 256) & 0xff);  /* content size - 256 */
    frame[k++] = (unsigned char)((n - 256) >> 8);
    uint32_t bh = 1u | ((uint32_t)n << 3);           /* last block, raw, n bytes */
    frame[k++] = (unsigned char)(bh & 0xff);
    frame[k++] = (unsigned char)((bh >> 8) & 0xff);
    frame[k++] = (unsigned char)((bh >> 16) & 0xff);
    memcpy(frame + k, content, n);
    k += n;

    /* the frame is what the test says: a decoder with the default limit refuses its window */
    ZSTD_DStream *ds = ZSTD_createDStream();
    assert_non_null(ds);
    ZSTD_initDStream(ds);
    char out[256];
    ZSTD_inBuffer ib = {frame, k, 0};
    ZSTD_outBuffer ob = {out, sizeof out, 0};
    size_t zr = ZSTD_decompressStream(ds, &ob, &ib);
    assert_true(ZSTD_isError(zr));
    assert_int_equal(ZSTD_getErrorCode(zr), ZSTD_error_frameParameter_windowTooLarge);
    ZSTD_freeDStream(ds);

    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    diag_log log = {0};
    assert_int_equal(run(c, frame, k, 0, false, &log), CHORUS_OK);
    if (log.n)
        fail_msg("%s", log.msg[0]);
    assert_int_equal(ch_corpus_nposts(c), LINES);
    assert_string_equal(post(c, "t1_z299")->text, "long window");
    chorus_corpus_free(c);
    free(frame);
    free(content);
}

static void test_detection(void **state)
{
    (void)state;
    static const char *const lines[] = {
        C("a", "b", "1", "x", ""),
        "{\"kind\":\"t3\",\"data\":{\"subreddit\":\"x\",\"id\":\"1\",\"author\":\"a\"}}",
        "{\"kind\":\"Listing\",\"data\":{\"modhash\":\"\",\"children\":[]}}",
        "[\n  {\n    \"kind\": \"t1\",\n    \"data\": {\"link_id\": \"t3_x\"}\n  }\n]\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_ptr_equal(ch_ingest_sniff(lines[i], strlen(lines[i])), &ch_reader_reddit);
    assert_ptr_equal(ch_reader_find("pushshift"), &ch_reader_reddit);
    assert_ptr_equal(ch_reader_find("praw"), &ch_reader_reddit);
    assert_string_equal(ch_reader_reddit.platform, "reddit");
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *in =
        C("a1", "ana", "1", "see https://ex.org/a&amp;b u/bob", "") "\n"
        "{\"id\":\"x1\",\"author\":\"rep\",\"created_utc\":50,\"title\":\"T\",\"selftext\":\"S\","
        "\"url\":\"/r/x\",\"crosspost_parent\":\"t3_o1\",\"crosspost_parent_list\":[{\"id\":\"o1\","
        "\"author\":\"orig\",\"created_utc\":20,\"title\":\"O\"}]}\n"
        "{\"kind\":\"t5\",\"data\":{}}\n";
    for (uint64_t nth = 1; nth < 300; nth++) {
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
    fail_msg("still failing after 300 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_praw_submission_with_reply_tree),
        cmocka_unit_test(test_praw_crosspost),
        cmocka_unit_test(test_praw_same_url_in_three_subreddits),
        cmocka_unit_test(test_praw_comment_listing),
        cmocka_unit_test(test_praw_submission_listing),
        cmocka_unit_test(test_pushshift_comments),
        cmocka_unit_test(test_pushshift_submissions),
        cmocka_unit_test(test_things_listings_and_kinds),
        cmocka_unit_test(test_deleted_removed_and_times),
        cmocka_unit_test(test_crosspost_parents),
        cmocka_unit_test(test_text_entities),
        cmocka_unit_test(test_bad_lines_and_limits),
        cmocka_unit_test(test_deep_reply_tree),
        cmocka_unit_test(test_zstd_long_window),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
