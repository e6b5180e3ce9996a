/*
 * test_read_twitter_v2.c — the Twitter API v2 reader against real collector output (twarc2
 * test data and tweepy's recorded responses, in ../shared/data) and hand-written hard cases.
 */
#include "helpers.h"

#define TWARC CHORUS_SHARED_DATA "/twitter-api-v2-fixtures-twarc-csv/"
#define TWEEPY CHORUS_SHARED_DATA "/twitter-api-fixtures-tweepy/v2/"

/* ---- helpers ------------------------------------------------------------------------------ */

READER_RUNNERS(ch_reader_twitter_v2)

/* Reads a real file through the ingest driver, as `chorus ingest --format twitter-v2` does. */
/* ---- real data ---------------------------------------------------------------------------- */

static void test_brexit_page(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(TWARC "brexit.jsonl", &ch_reader_twitter_v2, &log, NULL);
    assert_int_equal(log.n, 0);
    /* 100 data tweets and 59 included ones; 4 of the included are also in data. */
    assert_int_equal(ch_corpus_nposts(c), 155);
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], 47);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 67);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPLY], 17);
    assert_int_equal(st->posts_by_kind[CH_KIND_QUOTE], 24);

    /* A retweet: the original comes from includes.tweets, its author from includes.users. */
    const ch_post *p = post(c, "1440716856763977732");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1632328640); /* 2021-09-22T16:37:20.000Z */
    assert_string_equal(S(c, author(c, p)->id), "4100727022");
    assert_string_equal(S(c, author(c, p)->handle), "jacquip537");
    assert_string_equal(S(c, p->ref_id), "1440713161355583489");
    assert_string_equal(S(c, p->ref_account), "711945679");
    assert_string_equal(S(c, p->ref_handle), "carolJhedges");
    assert_string_equal(S(c, ch_corpus_client(c, p)), "Twitter Web App");
    assert_string_equal(S(c, p->lang), "en");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "BorisJohnson");
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "carolJhedges");
    const ch_post *orig = post(c, "1440713161355583489");
    assert_string_equal(S(c, author(c, orig)->handle), "carolJhedges");
    assert_true(index_of(c, "1440713161355583489") < index_of(c, "1440716856763977732"));

    /* HTML entities in v2 text are decoded. */
    p = post(c, "1440716848299872269");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(strncmp(p->text, "Id rather have had Billions in Debt & owned something", 53),
                     0);
    assert_null(strstr(p->text, "&amp;"));
    assert_int_equal(p->n_hashtags, 5);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Tories");
    assert_string_equal(S(c, ch_post_hashtags(p)[4]), "Brexit");

    /* A reply: parent author from includes; the URL expanded. */
    p = post(c, "1440716745577140229");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "1440621713281093641");
    assert_string_equal(S(c, p->ref_account), "1717521084");
    assert_string_equal(S(c, p->ref_handle), "AndrewKnight226");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "https://twitter.com/calin_a/status/1440716745577140229/photo/1");
    assert_int_equal(p->n_hashtags, 8); /* #Brexit twice, as written */

    /* Account metadata from includes.users. */
    p = post(c, "1440716895355764743");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->handle), "WarmongerHodges");
    assert_true(a->meta.present);
    assert_int_equal(a->meta.followers, 34920);
    assert_int_equal(a->meta.following, 3552);
    assert_int_equal(a->meta.statuses, 108443);
    assert_int_equal(a->meta.created_at, 1447693421); /* 2015-11-16T17:03:41.000Z */
    assert_int_equal(a->meta.verified, 0);
    assert_int_equal(a->meta.default_profile_image, 0);
    assert_int_equal(a->meta.default_profile, -1);
    assert_int_equal(strncmp(S(c, a->meta.display_name), "Frank Owen's Legendary Paintbrush", 33),
                     0);
    chorus_corpus_free(c);

    /* Format detection picks this reader too. */
    diag_log alog = {0};
    c = ingest_path(TWARC "brexit.jsonl", NULL, &alog, NULL);
    assert_int_equal(ch_corpus_nposts(c), 155);
    chorus_corpus_free(c);
}

static void test_unwound_urls(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(TWARC "2sets.jsonl", &ch_reader_twitter_v2, &log, NULL);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 276);
    const ch_post *p = post(c, "1440717170493689866");
    assert_string_equal(S(c, author(c, p)->id), "1433267766912557062");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://www.chartsecuador.biz/");
    chorus_corpus_free(c);
}

/* flat.jsonl is noflat.jsonl flattened by twarc: the same posts must come out of both. */
static void test_flat_equals_pages(void **state)
{
    (void)state;
    diag_log l1 = {0}, l2 = {0};
    ch_corpus *flat = ingest_path(TWARC "flat.jsonl", &ch_reader_twitter_v2, &l1, NULL);
    ch_corpus *pages = ingest_path(TWARC "noflat.jsonl", &ch_reader_twitter_v2, &l2, NULL);
    assert_int_equal(l1.n, 0);
    assert_int_equal(l2.n, 0);
    assert_int_equal(ch_corpus_nposts(flat), 164);
    assert_int_equal(ch_corpus_nposts(pages), 164);
    size_t missing_handles = 0;
    for (size_t i = 0; i < ch_corpus_nposts(pages); i++) {
        const ch_post *a = ch_corpus_post(pages, i);
        const char *id = S(pages, a->id);
        const ch_post *b = post(flat, id);
        assert_int_equal(a->created_at, b->created_at);
        assert_int_equal(a->kind, b->kind);
        assert_string_equal(a->text, b->text);
        assert_string_equal(S(pages, a->ref_id), S(flat, b->ref_id));
        assert_string_equal(S(pages, a->ref_account), S(flat, b->ref_account));
        /* A tweet first met as another line's inline reference has only bare references of
         * its own; the corpus keeps that first copy, so the referenced handle can be missing
         * in the flat file (never different). */
        if (b->ref_handle)
            assert_string_equal(S(pages, a->ref_handle), S(flat, b->ref_handle));
        else
            missing_handles += a->ref_handle != 0;
        assert_string_equal(S(pages, ch_corpus_client(pages, a)), S(flat, ch_corpus_client(flat, b)));
        assert_string_equal(S(pages, author(pages, a)->id), S(flat, author(flat, b)->id));
        assert_string_equal(S(pages, author(pages, a)->handle), S(flat, author(flat, b)->handle));
        assert_int_equal(a->n_urls, b->n_urls);
        assert_int_equal(a->n_hashtags, b->n_hashtags);
        assert_int_equal(a->n_mentions, b->n_mentions);
        for (size_t k = 0; k < a->n_mentions; k++)
            assert_string_equal(S(pages, ch_post_mentions(a)[k]), S(flat, ch_post_mentions(b)[k]));
        for (size_t k = 0; k < a->n_urls; k++)
            assert_string_equal(S(pages, ch_post_urls(a)[k]), S(flat, ch_post_urls(b)[k]));
    }
    assert_int_equal(missing_handles, 1); /* one tweet in this file */
    /* The first flattened line: a retweet whose original is expanded inline. */
    const ch_post *p = post(flat, "1380242611781386245");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(flat, p->ref_id), "1380175475545362437");
    assert_string_equal(S(flat, p->ref_account), "2718660392");
    assert_string_equal(S(flat, p->ref_handle), "williamserafino");
    const ch_account *a = author(flat, p);
    assert_string_equal(S(flat, a->handle), "Alexandravm12");
    assert_int_equal(a->meta.default_profile_image, 1); /* .../default_profile_images/... */
    assert_int_equal(a->meta.followers, 58);
    assert_int_equal(a->meta.following, 49);
    assert_int_equal(a->meta.statuses, 14483);
    const ch_post *o = post(flat, "1380175475545362437");
    assert_string_equal(S(flat, author(flat, o)->handle), "williamserafino");
    assert_string_equal(S(flat, o->lang), "es");
    assert_true(index_of(flat, "1380175475545362437") < index_of(flat, "1380242611781386245"));
    chorus_corpus_free(flat);
    chorus_corpus_free(pages);
}

static void test_edits_and_streams(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = ingest_path(TWARC "edited.jsonl", &ch_reader_twitter_v2, &log, NULL);
    assert_int_equal(log.n, 0);
    /* two versions of one tweet, each its own post */
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_string_equal(post(c, "1576994789110992896")->text, "hey :) https://t.co/rnwEIoNuqd");
    assert_string_equal(S(c, post(c, "1576994789110992896")->lang), "qst");
    assert_int_equal(post(c, "1576994746135764992")->n_urls, 2);
    assert_string_equal(S(c, author(c, post(c, "1576994746135764992"))->handle), "wongmjane");
    assert_int_equal(author(c, post(c, "1576994746135764992"))->meta.verified, 1);
    chorus_corpus_free(c);

    /* filtered-stream output: {"data": {...}} per line, the file cut mid-line at the end */
    diag_log slog = {0};
    c = ingest_path(TWARC "streaming_output_with_error.jsonl", &ch_reader_twitter_v2, &slog, NULL);
    assert_int_equal(ch_corpus_nposts(c), 11);
    assert_int_equal(slog.n, 1);
    assert_int_equal(slog.line[0], 8);
    assert_int_equal(slog.reason[0], CH_R_JSON);
    const ch_post *p = post(c, "1377650093109743620");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_account), "601852746");
    chorus_corpus_free(c);

    diag_log wlog = {0};
    c = ingest_path(TWARC "withheld.jsonl", &ch_reader_twitter_v2, &wlog, NULL);
    assert_int_equal(wlog.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 284);
    assert_int_equal(post(c, "25712847277")->created_at, 1285614365); /* 2010-09-27T19:06:05Z */
    chorus_corpus_free(c);
}

/* Lines that hold no tweets are counted as not_a_post; nothing else is reported. */
static void test_lines_without_tweets(void **state)
{
    (void)state;
    static const struct { const char *file; int rejected; } cases[] = {
        {"counts.jsonl", 1},          {"users.jsonl", 1},         {"lists.jsonl", 2},
        {"tweets_compliance.jsonl", 2}, {"users_compliance.jsonl", 2}, {"empty.json", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", TWARC, cases[i].file);
        diag_log log = {0};
        ch_corpus *c = ingest_path(path, &ch_reader_twitter_v2, &log, NULL);
        assert_int_equal(ch_corpus_nposts(c), 0);
        assert_int_equal(log.n, cases[i].rejected);
        assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST],
                         (uint64_t)cases[i].rejected);
        chorus_corpus_free(c);
    }
}

/* tweepy's v2 responses carry default fields only (no author_id, no created_at). */
static void test_tweepy_minimal_fields(void **state)
{
    (void)state;
    size_t n;
    char *jsonl = tweepy_bodies(TWEEPY, "test_client_get_tweet", &n);
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, jsonl, n, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.reason[0], CH_R_NO_AUTHOR);
    free(jsonl);
    chorus_corpus_free(c);

    jsonl = tweepy_bodies(TWEEPY, "test_client_get_retweeters", &n); /* users, not tweets */
    diag_log ulog = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, jsonl, n, 0, false, &ulog), CHORUS_OK);
    assert_int_equal(ulog.n, 1);
    assert_int_equal(ulog.reason[0], CH_R_NOT_POST);
    free(jsonl);
    chorus_corpus_free(c);
}

/* ---- hand-written ------------------------------------------------------------------------- */

/* Long posts (note_tweet), a reply whose parent is not included (in_reply_to_user_id), a
 * quote, numeric ids, an array of pages, an errors-only page, an empty data page. */
static void test_handwritten_pages(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"data\":[{\"id\":\"10\",\"author_id\":\"1\",\"created_at\":\"2023-01-01T00:00:00.000Z\","
        "\"text\":\"short version\\u2026 https://t.co/a\",\"note_tweet\":{\"text\":\"the long "
        "version &amp; more #Long\",\"entities\":{\"hashtags\":[{\"start\":1,\"end\":2,"
        "\"tag\":\"Long\"}]}},\"entities\":{\"urls\":[{\"url\":\"https://t.co/a\"}]}},"
        "{\"id\":\"11\",\"author_id\":\"2\",\"created_at\":\"2023-01-01T00:01:00Z\",\"text\":\"@one hi\","
        "\"in_reply_to_user_id\":\"1\",\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\"9\"},"
        "{\"type\":\"quoted\",\"id\":\"10\"}]},"
        "{\"id\":12,\"author_id\":3,\"created_at\":\"2023-01-01T00:02:00Z\",\"text\":\"q\","
        "\"referenced_tweets\":[{\"type\":\"quoted\",\"id\":\"10\"}]}],"
        "\"includes\":{\"users\":[{\"id\":\"1\",\"username\":\"one\",\"name\":\"One\","
        "\"profile_image_url\":\"https://abs.twimg.com/sticky/default_profile_images/x.png\"},"
        "{\"id\":\"2\",\"username\":\"two\",\"public_metrics\":{\"followers_count\":5}}]},"
        "\"errors\":[{\"title\":\"Not Found Error\",\"resource_id\":\"9\"}]}\n"
        "{\"errors\":[{\"title\":\"Forbidden\"}]}\n"
        "{\"data\":[],\"meta\":{\"result_count\":0}}\n"
        "[{\"data\":{\"id\":\"20\",\"author_id\":\"4\",\"created_at\":\"2023-01-02T00:00:00Z\","
        "\"text\":\"a\"}},{\"data\":{\"id\":\"21\",\"author_id\":\"4\","
        "\"created_at\":\"2023-01-02T00:00:01Z\",\"text\":\"b\"}}]\r\n";
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.line[0], 2);
    assert_int_equal(log.reason[0], CH_R_NOT_POST);
    assert_int_equal(log.line[1], 3);
    assert_int_equal(log.reason[1], CH_R_NOT_POST);

    const ch_post *p = post(c, "10");
    assert_string_equal(p->text, "the long version & more #Long");
    assert_int_equal(p->n_hashtags, 1);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "Long");
    assert_int_equal(p->n_urls, 0); /* note_tweet entities replace the short ones */
    assert_int_equal(author(c, p)->meta.default_profile_image, 1);
    assert_string_equal(S(c, author(c, p)->meta.display_name), "One");

    p = post(c, "11");
    assert_int_equal(p->kind, CH_KIND_REPLY); /* a reply that also quotes is a reply */
    assert_string_equal(S(c, p->ref_id), "9");
    assert_string_equal(S(c, p->ref_account), "1");
    assert_string_equal(S(c, p->ref_handle), "one");
    assert_int_equal(author(c, p)->meta.followers, 5);

    p = post(c, "12");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, author(c, p)->id), "3");
    assert_string_equal(S(c, p->ref_id), "10");
    assert_int_equal(p->ref_account, 0); /* 10 is in data, not in includes */
    assert_string_equal(post(c, "21")->text, "b");
    chorus_corpus_free(c);
}

#define GOOD(id)                                                                               \
    "{\"data\":[{\"id\":\"" id "\",\"author_id\":\"1\",\"created_at\":\"2023-01-01T00:00:00Z\"," \
    "\"text\":\"t" id "\"}]}"

static void test_bad_lines_between_good(void **state)
{
    (void)state;
    size_t depth = 10000, huge = 40000, max_line = 32768;
    size_t cap = 4096 + 6 * depth + huge;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = 0;
#define ADD(s)                                   \
    do {                                         \
        size_t l_ = strlen(s);                   \
        memcpy(buf + n, s, l_);                  \
        n += l_;                                 \
    } while (0)
    ADD(GOOD("1") "\n");
    ADD("{\"data\":[{\"id\":\"2\",\"author_id\":\"1\",\"crea\n");  /* 2 truncated */
    ADD(GOOD("3") "\r\n");
    ADD("{\"data\":[{\"id\":\"4\",\"text\":\"\xff\xfe\"}]}\n");       /* 4 bad UTF-8 */
    for (size_t i = 0; i < depth; i++)                            /* 5 deep objects */
        ADD("{\"a\":");
    ADD("1");
    memset(buf + n, '}', depth);
    n += depth;
    ADD("\n");
    ADD("{\"data\":[{\"id\":\"6\",\"text\":\"");                 /* 6 too long */
    memset(buf + n, 'x', huge);
    n += huge;
    ADD("\"}]}\n");
    ADD("{\"data\":[{\"id\":\"7\",\"author_id\":\"1\",\"created_at\":\"soon\",\"text\":\"x\"}]}\n");
    ADD(GOOD("8") "\n");
#undef ADD
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, max_line, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_string_equal(post(c, "1")->text, "t1");
    assert_string_equal(post(c, "3")->text, "t3");
    assert_string_equal(post(c, "8")->text, "t8");
    static const struct { uint64_t line; ch_reason reason; } want[] = {
        {2, CH_R_JSON}, {4, CH_R_UTF8}, {5, CH_R_TOO_LONG}, {6, CH_R_TOO_LONG}, {7, CH_R_BAD_TIME},
    };
    /* line 5 is 60,001 bytes: over the limit before the depth is even seen */
    assert_int_equal(log.n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(log.line[i], want[i].line);
        assert_int_equal(log.reason[i], want[i].reason);
    }
    chorus_corpus_free(c);

    /* the same deep line with room for it: a depth error */
    diag_log dlog = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, buf, n, 1 << 20, false, &dlog), CHORUS_OK);
    static const ch_reason dwant[] = {CH_R_JSON, CH_R_UTF8, CH_R_DEPTH, CH_R_NO_AUTHOR,
                                      CH_R_BAD_TIME};
    assert_int_equal(dlog.n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(dlog.reason[i], dwant[i]);
    assert_int_equal(ch_corpus_nposts(c), 3);
    chorus_corpus_free(c);
    free(buf);
}

static void test_empty_duplicates_and_big_ids(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, "", 0, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 0);
    const char *jsonl = GOOD("1") "\n" GOOD("1") "\n"
        "{\"data\":{\"id\":18446744073709551615,\"author_id\":9007199254740993,"
        "\"created_at\":\"2023-01-01T00:00:00Z\",\"text\":\"big\"}}\n";
    assert_int_equal(run_str(c, jsonl, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    const ch_post *p = post(c, "18446744073709551615");
    assert_string_equal(S(c, author(c, p)->id), "9007199254740993");
    chorus_corpus_free(c);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *jsonl = GOOD("1") "\n"
        "{\"data\":[{\"id\":\"2\",\"author_id\":\"1\",\"created_at\":\"2023-01-01T00:00:00Z\","
        "\"text\":\"x\",\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"3\"}]}],"
        "\"includes\":{\"users\":[{\"id\":\"1\",\"username\":\"u\"}],\"tweets\":[{\"id\":\"3\","
        "\"author_id\":\"1\",\"created_at\":\"2023-01-01T00:00:00Z\",\"text\":\"o\"}]}}\n";
    for (uint64_t nth = 1; nth < 300; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, jsonl, &rc, &n))
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
        cmocka_unit_test(test_brexit_page),
        cmocka_unit_test(test_unwound_urls),
        cmocka_unit_test(test_flat_equals_pages),
        cmocka_unit_test(test_edits_and_streams),
        cmocka_unit_test(test_lines_without_tweets),
        cmocka_unit_test(test_tweepy_minimal_fields),
        cmocka_unit_test(test_handwritten_pages),
        cmocka_unit_test(test_bad_lines_between_good),
        cmocka_unit_test(test_empty_duplicates_and_big_ids),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
