/*
 * test_read_twitter_v1.c — the Twitter API v1.1 reader against real recorded responses
 * (tweepy's cassettes, in ../shared/data) and against hand-written hard cases.
 */
#include <zlib.h>

#include "helpers.h"

#define TWEEPY CHORUS_SHARED_DATA "/twitter-api-fixtures-tweepy/v1.1/"

/* ---- helpers ------------------------------------------------------------------------------ */

READER_RUNNERS(ch_reader_twitter_v1)

static ch_corpus *load_tweepy(const char *name, diag_log *log)
{
    size_t n;
    char *jsonl = tweepy_bodies(TWEEPY, name, &n);
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, jsonl, n, 0, false, log), CHORUS_OK);
    free(jsonl);
    return c;
}

static bool has(const ch_corpus *c, const ch_sid *list, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(S(c, list[i]), want) == 0)
            return true;
    return false;
}

/* ---- real data ---------------------------------------------------------------------------- */

static void test_retweets_of_one_status(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load_tweepy("testgetretweets", &log);
    assert_int_equal(log.n, 0);
    /* 15 retweets, plus the original they embed, emitted once. */
    assert_int_equal(ch_corpus_nposts(c), 16);
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 15);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], 1);
    assert_int_equal(st->duplicates, 14);

    /* The original is emitted before the first retweet that carries it. */
    const ch_post *orig = ch_corpus_post(c, 0);
    assert_string_equal(S(c, orig->id), "266367358078169089");
    assert_int_equal(orig->kind, CH_KIND_POST);
    assert_int_equal(orig->created_at, 1352341901); /* Thu Nov 08 02:31:41 +0000 2012 */
    assert_string_equal(S(c, ch_corpus_client(c, orig)), "Twitter Web Client");
    const ch_account *tw = author(c, orig);
    assert_string_equal(S(c, tw->id), "783214");
    assert_string_equal(S(c, tw->handle), "Twitter");
    assert_true(tw->meta.present);
    assert_int_equal(tw->meta.verified, 1);
    assert_int_equal(tw->meta.followers, 56335783);
    assert_int_equal(tw->meta.following, 140);
    assert_int_equal(tw->meta.statuses, 10829);
    assert_int_equal(tw->meta.created_at, 1171982154); /* Tue Feb 20 14:35:54 +0000 2007 */
    assert_string_equal(S(c, tw->meta.description), "What\xe2\x80\x99s happening?!");
    assert_int_equal(orig->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(orig)[0]), "TwitterEng");

    const ch_post *p = post(c, "486663181901627392");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1404864519); /* Wed Jul 09 00:08:39 +0000 2014 */
    assert_string_equal(S(c, p->ref_id), "266367358078169089");
    assert_string_equal(S(c, p->ref_account), "783214");
    assert_string_equal(S(c, p->ref_handle), "Twitter");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Twitter for iPhone");
    assert_string_equal(S(c, p->lang), "en");
    assert_string_equal(p->text, "RT @twitter: RT @TwitterEng: Bolstering our infrastructure. "
                                 "\"As  usage patterns change, Twitter can remain resilient.\" "
                                 "http://t.co/uML86B6s");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "https://engineering.twitter.com/2012/11/bolstering-our-infrastructure.html");
    assert_int_equal(p->n_mentions, 2);
    assert_true(has(c, ch_post_mentions(p), p->n_mentions, "Twitter"));
    assert_true(has(c, ch_post_mentions(p), p->n_mentions, "TwitterEng"));
    assert_int_equal(p->n_hashtags, 0);
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "2390428970");
    assert_string_equal(S(c, a->handle), "aosuzhsbwusnshs");
    assert_string_equal(S(c, a->meta.display_name), "snsuajsbsjsuziajwhau");
    assert_int_equal(a->meta.followers, 35);
    assert_int_equal(a->meta.following, 0);
    assert_int_equal(a->meta.statuses, 18547);
    assert_int_equal(a->meta.created_at, 1394859644); /* Sat Mar 15 05:00:44 +0000 2014 */
    assert_int_equal(a->meta.default_profile, 1);
    assert_int_equal(a->meta.default_profile_image, 1);
    assert_int_equal(a->meta.verified, 0);
    chorus_corpus_free(c);
}

static void test_user_timeline_replies(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load_tweepy("testusertimeline", &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 24);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 19);
    const ch_post *p = post(c, "1341793727208181762");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "1341404809354760192");
    assert_string_equal(S(c, p->ref_account), "211002550");
    assert_string_equal(S(c, p->ref_handle), "TreyNKennedy");
    assert_string_equal(S(c, author(c, p)->handle), "Twitter");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Twitter for iPhone");
    assert_string_equal(S(c, p->lang), "und");
    assert_string_equal(p->text, "@TreyNKennedy \xf0\x9f\x91\x80 https://t.co/1CZ6VbgaIL");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "TreyNKennedy");

    p = post(c, "1149914662164684800");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Testing for Tweepy");
    assert_string_equal(S(c, author(c, p)->id), "1072250532645998596");
    chorus_corpus_free(c);
}

static void test_search_page_hashtags(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load_tweepy("testsearchtweets", &log); /* {"statuses": [...]} */
    assert_int_equal(log.n, 0);
    /* 15 statuses, 6 of them retweets whose originals come along. */
    assert_int_equal(ch_corpus_nposts(c), 21);
    const ch_post *p = post(c, "1149698684646563840");
    assert_int_equal(p->created_at, 1562944501); /* Fri Jul 12 15:15:01 +0000 2019 */
    assert_string_equal(S(c, author(c, p)->handle), "curated_data");
    assert_string_equal(S(c, author(c, p)->id), "939060292008468480");
    assert_int_equal(p->n_hashtags, 4);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "data");
    assert_string_equal(S(c, ch_post_hashtags(p)[1]), "tweets");
    assert_string_equal(S(c, ch_post_hashtags(p)[2]), "python");
    assert_string_equal(S(c, ch_post_hashtags(p)[3]), "twitter");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "https://www.data-blogger.com/2017/02/24/gathering-tweets-with-python/");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "TweetFeedDataBlogger");
    assert_string_equal(p->text, "Scrape Tweets from Twitter using Python and Tweepy #data #tweets "
                                 "#python #twitter https://t.co/JJfExblgzY");

    p = post(c, "1149603881011126272"); /* truncated text, no extended_tweet in this mode */
    assert_string_equal(S(c, p->lang), "nl");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "libellen");
    chorus_corpus_free(c);
}

static void test_users_with_status(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = load_tweepy("testsearchusers", &log); /* an array of user objects */
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 20);
    const ch_post *p = post(c, "1149637938608668673");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_id), "1149503800446636033");
    assert_int_equal(p->created_at, 1562930018); /* Fri Jul 12 11:13:38 +0000 2019 */
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "103770785");
    assert_string_equal(S(c, a->handle), "TwitterIndia");
    assert_string_equal(S(c, a->meta.display_name), "Twitter India");
    assert_int_equal(a->meta.followers, 2041194);
    assert_int_equal(a->meta.following, 100);
    assert_int_equal(a->meta.statuses, 5240);
    assert_int_equal(a->meta.verified, 1);
    assert_int_equal(a->meta.default_profile, 0);
    assert_int_equal(a->meta.created_at, 1263188675); /* Mon Jan 11 05:44:35 +0000 2010 */

    /* Retweets inside user objects embed originals without users: the handle comes from the
     * "RT @handle:" text, and the incomplete original is not a post. */
    bool seen = false;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *q = ch_corpus_post(c, i);
        if (q->kind == CH_KIND_REPOST && strcmp(S(c, author(c, q)->handle), "TwitterUK") == 0) {
            assert_string_equal(S(c, q->ref_handle), "disneylionking");
            assert_int_not_equal(q->ref_id, 0);
            seen = true;
        }
    }
    assert_true(seen);
    chorus_corpus_free(c);

    c = load_tweepy("testgetlistmembers", &log); /* {"users": [...]} */
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 20);
    chorus_corpus_free(c);
}

/* Every recorded v1.1 body reads without a single rejection. */
static void test_all_fixtures_clean(void **state)
{
    (void)state;
    static const char *const names[] = {
        "testgetretweets", "testhometimeline", "testidcursoritems", "testlisttimeline",
        "testlookupusers", "testsearchtweets", "testsearchusers", "testusertimeline",
        "testgetlistmembers",
    };
    static const size_t posts[] = {16, 22, 10, 20, 3, 21, 20, 24, 20};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        diag_log log = {0};
        ch_corpus *c = load_tweepy(names[i], &log);
        if (log.n)
            fail_msg("%s: %s", names[i], log.msg[0]);
        assert_int_equal(ch_corpus_nposts(c), posts[i]);
        chorus_corpus_free(c);
    }
}

/* ---- hand-written layouts ----------------------------------------------------------------- */

/* Extended (280-character) layout, a quote with its quoted status embedded, entities in
 * extended_tweet, HTML entities, and a numeric id beyond 2^53 without id_str. */
static void test_extended_quote_and_numeric_ids(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"created_at\":\"Mon Jan 04 10:00:00 +0000 2021\",\"id\":1440716895355764743,"
        "\"text\":\"short &amp; cut\\u2026 https://t.co/x\",\"truncated\":true,"
        "\"extended_tweet\":{\"full_text\":\"Full text: 5 &lt; 6 &amp;&amp; 7 &gt; 3 #Win @bob "
        "https://t.co/abc\",\"entities\":{\"hashtags\":[{\"text\":\"Win\",\"indices\":[0,4]}],"
        "\"user_mentions\":[{\"screen_name\":\"bob\",\"id_str\":\"42\"}],"
        "\"urls\":[{\"url\":\"https://t.co/abc\",\"expanded_url\":\"https://example.org/a?b=1\"},"
        "{\"url\":\"https://t.co/noexp\",\"expanded_url\":null}]}},"
        "\"entities\":{\"hashtags\":[],\"urls\":[{\"url\":\"https://t.co/x\","
        "\"expanded_url\":\"https://twitter.com/i/web/status/1\"}],\"user_mentions\":[]},"
        "\"source\":\"Plain Client\",\"lang\":\"en\","
        "\"user\":{\"id\":9007199254740993,\"screen_name\":\"alice\",\"name\":\"Alice\","
        "\"created_at\":\"Sun Jan 01 00:00:00 +0000 2012\",\"followers_count\":10,"
        "\"friends_count\":20,\"statuses_count\":30,\"verified\":false,"
        "\"default_profile\":true,\"default_profile_image\":false,\"description\":\"d\"},"
        "\"is_quote_status\":true,\"quoted_status_id_str\":\"1100\","
        "\"quoted_status\":{\"created_at\":\"Sun Jan 03 09:00:00 +0000 2021\",\"id_str\":\"1100\","
        "\"full_text\":\"the original &gt; all\",\"user\":{\"id_str\":\"77\",\"screen_name\":\"carol\"},"
        "\"entities\":{\"hashtags\":[{\"text\":\"Orig\"}]}}}\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    /* the quoted status first */
    const ch_post *q = ch_corpus_post(c, 0);
    assert_string_equal(S(c, q->id), "1100");
    assert_string_equal(q->text, "the original > all");
    assert_string_equal(S(c, author(c, q)->handle), "carol");
    assert_false(author(c, q)->meta.present);
    assert_int_equal(q->created_at, 1609664400);
    assert_string_equal(S(c, ch_post_hashtags(q)[0]), "Orig");

    const ch_post *p = ch_corpus_post(c, 1);
    assert_string_equal(S(c, p->id), "1440716895355764743");
    assert_string_equal(p->text, "Full text: 5 < 6 && 7 > 3 #Win @bob https://t.co/abc");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_id), "1100");
    assert_string_equal(S(c, p->ref_account), "77");
    assert_string_equal(S(c, p->ref_handle), "carol");
    assert_int_equal(p->n_urls, 2);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://example.org/a?b=1");
    assert_string_equal(S(c, ch_post_urls(p)[1]), "https://t.co/noexp"); /* null expanded_url */
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Win");
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "bob");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Plain Client");
    assert_int_equal(p->created_at, 1609754400);
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "9007199254740993"); /* 2^53 + 1, exact */
    assert_int_equal(a->meta.followers, 10);
    assert_int_equal(a->meta.following, 20);
    assert_int_equal(a->meta.statuses, 30);
    assert_int_equal(a->meta.default_profile, 1);
    assert_int_equal(a->meta.default_profile_image, 0);
    assert_int_equal(a->meta.verified, 0);
    assert_int_equal(a->meta.created_at, 1325376000);
    chorus_corpus_free(c);
}

/* id_str always wins over a numeric id: a number beyond 2^64 (which JSON parsers refuse)
 * must not lose a record that has a valid id_str, at the top or inside user objects. */
static void test_ids_beyond_64_bits(void **state)
{
    (void)state;
    const char *jsonl =
        /* top-level id above 2^64, id_str valid */
        "{\"id\":123456789012345678901234567890,\"id_str\":\"1440716895355764743\","
        "\"created_at\":\"Mon Jan 04 10:00:00 +0000 2021\",\"text\":\"a\","
        "\"user\":{\"id\":99999999999999999999999,\"id_str\":\"42\",\"screen_name\":\"x\"}}\n"
        /* id above 2^53 as a number and as text: the same id */
        "{\"id\":9007199254740993,\"id_str\":\"9007199254740993\",\"created_at\":"
        "\"Mon Jan 04 10:00:00 +0000 2021\",\"text\":\"b\",\"user\":{\"id_str\":\"42\"}}\n"
        /* a negative one beyond 64 bits, and a big number inside a string stays as it is */
        "{\"id\":-99999999999999999999,\"id_str\":\"7\",\"created_at\":"
        "\"Mon Jan 04 10:00:00 +0000 2021\",\"text\":\"c 123456789012345678901234567890\","
        "\"user\":{\"id_str\":\"42\"},\"favorite_count\":1e5}\n"
        /* no id_str: the oversized number is no id (the record is refused for its id, not as
         * malformed JSON) */
        "{\"id\":123456789012345678901234567890,\"created_at\":"
        "\"Mon Jan 04 10:00:00 +0000 2021\",\"text\":\"d\",\"user\":{\"id_str\":\"42\"}}\n"
        /* timestamp_ms (milliseconds by name) when created_at is absent */
        "{\"id_str\":\"8\",\"timestamp_ms\":\"1609754400123\",\"text\":\"e\","
        "\"user\":{\"id_str\":\"42\"}}\n"
        /* created_at out of the post window */
        "{\"id_str\":\"9\",\"created_at\":\"Mon Jan 04 10:00:00 +0000 1988\",\"text\":\"f\","
        "\"user\":{\"id_str\":\"42\"}}\n"
        /* a pretty-printed document over several lines, with an oversized id */
        "{\n  \"id\": 123456789012345678901234567890,\n  \"id_str\": \"10\",\n"
        "  \"created_at\": \"Mon Jan 04 10:00:00 +0000 2021\",\n  \"text\": \"g\",\n"
        "  \"user\": {\"id_str\": \"42\"}\n}\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_string_equal(post(c, "10")->text, "g");
    assert_string_equal(post(c, "1440716895355764743")->text, "a");
    assert_string_equal(S(c, author(c, post(c, "1440716895355764743"))->id), "42");
    assert_string_equal(post(c, "9007199254740993")->text, "b");
    assert_string_equal(post(c, "7")->text, "c 123456789012345678901234567890");
    assert_int_equal(post(c, "8")->created_at, 1609754400);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.reason[0], CH_R_NO_ID);
    assert_int_equal(log.line[0], 4);
    assert_int_equal(log.reason[1], CH_R_BAD_TIME);
    assert_non_null(strstr(log.msg[1], "out-of-range"));
    chorus_corpus_free(c);
}

/* full_text (tweet_mode=extended) wins over text; numeric reply ids; a retweet of a quote
 * emits both embedded posts. */
static void test_full_text_reply_and_nested_embeds(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"id_str\":\"500\",\"created_at\":\"Tue Jan 05 00:00:00 +0000 2021\","
        "\"full_text\":\"@dan yes\",\"text\":\"IGNORED\",\"user\":{\"id_str\":\"5\",\"screen_name\":\"eve\"},"
        "\"in_reply_to_status_id\":18446744073709551615,\"in_reply_to_user_id\":6,"
        "\"in_reply_to_screen_name\":\"dan\",\"in_reply_to_status_id_str\":null}\n"
        "{\"id_str\":\"600\",\"created_at\":\"Tue Jan 05 01:00:00 +0000 2021\",\"text\":\"RT @q: x\","
        "\"user\":{\"id_str\":\"8\",\"screen_name\":\"rter\"},"
        "\"retweeted_status\":{\"id_str\":\"601\",\"created_at\":\"Tue Jan 05 00:30:00 +0000 2021\","
        "\"text\":\"quoting\",\"user\":{\"id_str\":\"9\",\"screen_name\":\"q\"},"
        "\"quoted_status_id_str\":\"602\",\"quoted_status\":{\"id_str\":\"602\","
        "\"created_at\":\"Mon Jan 04 00:00:00 +0000 2021\",\"text\":\"deepest\","
        "\"user\":{\"id_str\":\"10\",\"screen_name\":\"z\"}}}}\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);
    const ch_post *p = post(c, "500");
    assert_string_equal(p->text, "@dan yes");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "18446744073709551615");
    assert_string_equal(S(c, p->ref_account), "6");
    assert_string_equal(S(c, p->ref_handle), "dan");
    /* order: deepest first, then the quote, then the retweet */
    assert_string_equal(S(c, ch_corpus_post(c, 1)->id), "602");
    assert_string_equal(S(c, ch_corpus_post(c, 2)->id), "601");
    assert_string_equal(S(c, ch_corpus_post(c, 3)->id), "600");
    p = post(c, "601");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_id), "602");
    assert_string_equal(S(c, p->ref_handle), "z");
    p = post(c, "600");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_id), "601");
    assert_string_equal(S(c, p->ref_account), "9");
    assert_string_equal(S(c, p->ref_handle), "q");
    chorus_corpus_free(c);
}

/* TwiBot-20 profiles: every value a string with a trailing space. */
static void test_twibot_strings(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"id\":\"17461978 \",\"id_str\":\"17461978 \",\"name\":\"SHAQ \",\"screen_name\":\"SHAQ \","
        "\"description\":\"VERY QUOTATIOUS \",\"followers_count\":\"15349596 \","
        "\"friends_count\":\"692 \",\"statuses_count\":\"9798 \",\"verified\":\"True \","
        "\"default_profile\":\"False \",\"default_profile_image\":\"False \","
        "\"created_at\":\"Tue Nov 18 10:27:25 +0000 2008 \","
        "\"status\":{\"id_str\":\"1000 \",\"text\":\"hi\",\"created_at\":\"Tue Jan 05 00:00:00 +0000 2021\"}}\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    const ch_post *p = post(c, "1000");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "17461978");
    assert_string_equal(S(c, a->handle), "SHAQ");
    assert_int_equal(a->meta.followers, 15349596);
    assert_int_equal(a->meta.following, 692);
    assert_int_equal(a->meta.statuses, 9798);
    assert_int_equal(a->meta.verified, 1);
    assert_int_equal(a->meta.default_profile, 0);
    assert_int_equal(a->meta.created_at, 1227004045);
    chorus_corpus_free(c);
}

#define GOOD(id)                                                                             \
    "{\"id_str\":\"" id "\",\"created_at\":\"Tue Jan 05 00:00:00 +0000 2021\",\"text\":\"t" id \
    "\",\"user\":{\"id_str\":\"1\",\"screen_name\":\"u\"}}"

/* Non-status JSON, arrays, blank lines, CRLF and a byte order mark. */
static void test_stream_messages_and_layout(void **state)
{
    (void)state;
    const char *jsonl = "\xef\xbb\xbf" GOOD("1") "\r\n"
                        "\r\n"
                        "   \t \n"
                        "{\"delete\":{\"status\":{\"id\":1,\"id_str\":\"1\",\"user_id\":3}}}\r\n"
                        "{\"limit\":{\"track\":5,\"timestamp_ms\":\"1\"}}\n"
                        "[" GOOD("2") "," GOOD("3") ",42]\n"
                        "[]\n"
                        "\"a string\"\n"
                        "{\"statuses\":[" GOOD("4") "],\"search_metadata\":{}}\n"
                        GOOD("5"); /* no final newline */
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 5);
    for (int i = 1; i <= 5; i++) {
        char id[16], text[16];
        snprintf(id, sizeof id, "%d", i);
        snprintf(text, sizeof text, "t%d", i);
        assert_string_equal(post(c, id)->text, text); /* no '\r' left in the text */
    }
    assert_int_equal(log.n, 4);
    assert_int_equal(log.line[0], 4);
    assert_int_equal(log.reason[0], CH_R_NOT_POST);
    assert_non_null(strstr(log.msg[0], "'delete'"));
    assert_int_equal(log.line[1], 5);
    assert_int_equal(log.line[2], 7);
    assert_int_equal(log.line[3], 8);
    for (int i = 0; i < 4; i++)
        assert_int_equal(log.reason[i], CH_R_NOT_POST);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 4);
    chorus_corpus_free(c);
}

/* Bad lines between good ones: each is reported with its line and reason, and nothing before
 * or after it is lost. */
static void test_bad_lines_between_good(void **state)
{
    (void)state;
    size_t depth = 10000;
    size_t max_line = 32768; /* the deep line (20,001 bytes) fits, the huge one does not */
    size_t huge = 40000;
    size_t cap = 4096 + 2 * depth + huge;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = 0;
#define ADD(s)                                   \
    do {                                         \
        size_t l_ = strlen(s);                   \
        memcpy(buf + n, s, l_);                  \
        n += l_;                                 \
    } while (0)
    ADD(GOOD("1") "\n");                                               /* 1 */
    ADD("{\"id_str\":\"2\",\"created_at\":\"Tue Jan 05 00:00:00 +00\n"); /* 2 truncated */
    ADD(GOOD("3") "\n");                                               /* 3 */
    ADD("\x01\x02garbage}}{{\n");                                      /* 4 */
    ADD("{\"id_str\":\"5\",\"text\":\"caf\xc3\x28\"}\n");                /* 5 bad UTF-8 */
    memset(buf + n, '[', depth);                                       /* 6 deep */
    n += depth;
    memset(buf + n, ']', depth);
    n += depth;
    buf[n++] = '\n';
    ADD("{\"id_str\":\"7\",\"text\":\"");                               /* 7 too long */
    memset(buf + n, 'x', huge);
    n += huge;
    ADD("\"}\n");
    ADD("{\"id_str\":\"8\",\"text\":\"no user\",\"created_at\":\"Tue Jan 05 00:00:00 +0000 2021\"}\n");
    ADD("{\"id_str\":\"9\",\"text\":\"bad time\",\"created_at\":\"yesterday\",\"user\":{\"id_str\":\"1\"}}\n");
    ADD("{\"id_str\":\"10\",\"text\":\"no time\",\"user\":{\"id_str\":\"1\"}}\n");
    ADD(GOOD("11") "\n");                                              /* 11 */
#undef ADD
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, max_line, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_string_equal(post(c, "1")->text, "t1");
    assert_string_equal(post(c, "3")->text, "t3");
    assert_string_equal(post(c, "11")->text, "t11");
    static const struct { uint64_t line; ch_reason reason; } want[] = {
        {2, CH_R_JSON}, {4, CH_R_JSON}, {5, CH_R_UTF8}, {6, CH_R_DEPTH}, {7, CH_R_TOO_LONG},
        {8, CH_R_NO_AUTHOR}, {9, CH_R_BAD_TIME}, {10, CH_R_NO_TIME},
    };
    assert_int_equal(log.n, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(log.line[i], want[i].line);
        assert_int_equal(log.reason[i], want[i].reason);
    }
    assert_non_null(strstr(log.msg[0], "malformed json"));
    assert_non_null(strstr(log.msg[6], "yesterday"));
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->errors[CH_R_JSON], 2);
    assert_int_equal(st->errors[CH_R_DEPTH], 1);
    assert_int_equal(st->errors[CH_R_UTF8], 1);
    assert_int_equal(st->errors[CH_R_TOO_LONG], 1);
    chorus_corpus_free(c);

    /* Strict mode: the first bad record stops the run. */
    diag_log slog = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, max_line, true, &slog), CHORUS_EPARSE);
    assert_int_equal(slog.n, 1);
    assert_int_equal(slog.line[0], 2);
    assert_int_equal(ch_corpus_nposts(c), 1);
    chorus_corpus_free(c);
    free(buf);
}

static void test_empty_and_duplicates(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, "", 0, 0, false, &log), CHORUS_OK);
    assert_int_equal(run_str(c, "\n\n\r\n", &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(log.n, 0);
    /* The same id twice (two lines, or two files): the first copy is kept. */
    const char *dup = GOOD("77") "\n"
        "{\"id_str\":\"77\",\"created_at\":\"Wed Jan 06 00:00:00 +0000 2021\",\"text\":\"other\","
        "\"user\":{\"id_str\":\"2\"}}\n";
    assert_int_equal(run_str(c, dup, &log), CHORUS_OK);
    assert_int_equal(run_str(c, dup, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_string_equal(post(c, "77")->text, "t77");
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 3);
    assert_int_equal(log.n, 0);
    chorus_corpus_free(c);
}

/* A gzip stream cut short: the lines before the cut are kept, the cut is reported once. */
static void test_truncated_gzip(void **state)
{
    (void)state;
    char plain[8192];
    size_t pn = 0;
    for (int i = 1; i <= 40; i++)
        pn += (size_t)snprintf(plain + pn, sizeof plain - pn,
                               "{\"id_str\":\"%d\",\"created_at\":\"Tue Jan 05 00:00:00 +0000 2021\","
                               "\"text\":\"post number %d of forty\",\"user\":{\"id_str\":\"%d\"}}\n",
                               i, i, i % 7);
    unsigned char gz[8192];
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)plain;
    z.avail_in = (uInt)pn;
    z.next_out = gz;
    z.avail_out = sizeof gz;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gn = sizeof gz - z.avail_out;
    deflateEnd(&z);

    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, gz, gn, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 40);
    assert_int_equal(log.n, 0);
    chorus_corpus_free(c);

    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, gz, gn * 2 / 3, 0, false, &log), CHORUS_OK);
    size_t kept = ch_corpus_nposts(c);
    assert_true(kept > 0 && kept < 40);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.reason[0], CH_R_TRUNCATED);
    assert_int_equal(log.line[0], kept + 1);
    for (size_t i = 1; i <= kept; i++) {
        char id[8];
        snprintf(id, sizeof id, "%zu", i);
        assert_int_not_equal(find_post_any(c, id), SIZE_MAX);
    }
    chorus_corpus_free(c);
}

/* Every allocation failing in turn: the reader returns ENOMEM or finishes; nothing leaks
 * (ASan) and nothing crashes. */
static void test_allocation_failures(void **state)
{
    (void)state;
    const char *jsonl = GOOD("1") "\n[" GOOD("2") "]\n{\"delete\":{}}\n";
    for (uint64_t nth = 1; nth < 200; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, jsonl, &rc, &n))
            continue;
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK) {
            /* no failure hit any more: the whole input was read */
            assert_int_equal(n, 2);
            assert_true(nth > 3);
            return;
        }
    }
    fail_msg("still failing after 200 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retweets_of_one_status),
        cmocka_unit_test(test_user_timeline_replies),
        cmocka_unit_test(test_search_page_hashtags),
        cmocka_unit_test(test_users_with_status),
        cmocka_unit_test(test_all_fixtures_clean),
        cmocka_unit_test(test_extended_quote_and_numeric_ids),
        cmocka_unit_test(test_ids_beyond_64_bits),
        cmocka_unit_test(test_full_text_reply_and_nested_embeds),
        cmocka_unit_test(test_twibot_strings),
        cmocka_unit_test(test_stream_messages_and_layout),
        cmocka_unit_test(test_bad_lines_between_good),
        cmocka_unit_test(test_empty_and_duplicates),
        cmocka_unit_test(test_truncated_gzip),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
