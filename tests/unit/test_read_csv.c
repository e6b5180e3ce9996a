/* test_read_csv.c — the generic csv reader with a column map: the real CooRTweet table
 * (35,125 retweets), maps without ids, "RT @handle:" rows, kind columns, list columns, and the
 * --map parser. */
#include "helpers.h"

#define COORTWEET CHORUS_SHARED_DATA "/coortweet-russian-coord-retweets/russian_coord_tweets.csv"

static ch_csvmap map_of(const char *spec)
{
    ch_csvmap m = {0};
    char err[256];
    assert_int_equal(ch_csvmap_parse(&m, spec, err, sizeof err), CHORUS_OK);
    return m;
}

/* Runs the csv reader over a string named "dir/mem.csv". */
static int run_mem(ch_corpus *c, const char *data, const char *spec, diags *g)
{
    ch_input *in = NULL;
    uint32_t file;
    ch_csvmap m = map_of(spec);
    assert_int_equal(ch_input_open_mem(data, strlen(data), 0, &in), CHORUS_OK);
    assert_int_equal(ch_corpus_add_file(c, "dir/mem.csv", &file), CHORUS_OK);
    ch_ingest_opts o = {.reader = &ch_reader_csv, .map = &m, .diag = collect, .diag_ctx = g};
    ch_ingest_ctx ctx = {.corpus = c, .opts = &o, .fname = "dir/mem.csv", .file = file, .in = in};
    int rc = ch_reader_csv.read(&ctx);
    ch_input_close(in);
    return rc;
}

static void test_coortweet(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    require_shared(COORTWEET);
    ch_csvmap m = map_of("id=content_id,author_id=account_id,ref_id=object_id,time=timestamp_share");
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts o = {.reader = &ch_reader_csv, .map = &m, .diag = collect, .diag_ctx = &g};
    assert_int_equal(ch_ingest_file(c, COORTWEET, &o, NULL), CHORUS_OK);
    assert_int_equal(g.n, 0);

    /* 35,125 rows; 40 content_ids occur twice (same account and second, another object): the
     * corpus keeps the first copy, so 35,085 posts by 9,509 accounts */
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->records, 35125);
    assert_int_equal(st->duplicates, 40);
    assert_int_equal(ch_corpus_nposts(c), 35085);
    assert_int_equal(ch_corpus_naccounts(c), 9509);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 35085);
    for (int r = 0; r < CH_R__COUNT; r++)
        assert_int_equal(st->errors[r], 0);
    assert_int_equal(st->min_time, 1610870193);
    assert_int_equal(st->max_time, 1630318860);
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        assert_int_equal(p->kind, CH_KIND_REPOST);
        assert_int_equal(ch_pool_len(ch_corpus_pool(c), p->ref_id), 32);
        assert_int_equal(p->text_len, 0);
    }

    /* first row: "85d2d1…","0fb423…","114e22…",1623881091 */
    const ch_post *p = ch_corpus_post(c, 0);
    assert_string_equal(str(c, p->id), "114e22f1b2b648528277b76f0b0224e7");
    assert_string_equal(str(c, ch_corpus_account(c, p->account)->id),
                        "0fb4232d1b7b37069c13ee17579bd10e");
    assert_string_equal(str(c, p->ref_id), "85d2d12251a735ce05255061f7f231e2");
    assert_int_equal(p->created_at, 1623881091);
    assert_string_equal(p->text, "");
    assert_int_equal(p->ref_account, 0);
    /* last row */
    p = ch_corpus_post(c, ch_corpus_nposts(c) - 1);
    assert_string_equal(str(c, p->id), "3f7a1afe07e8a2fe75323744c2d48991");
    assert_string_equal(str(c, ch_corpus_account(c, p->account)->id),
                        "6e0edbc53dd12ce41ebffcc6eb4dad8e");
    assert_string_equal(str(c, p->ref_id), "29d48e46c24d07986e4ab5720d4cd391");
    assert_int_equal(p->created_at, 1611830282);
    /* the first duplicate (line 24) lost to its earlier copy */
    p = post_by_id(c, "77f7a2d01238779cf4f9c84e57dce19a");
    assert_string_equal(str(c, p->ref_id), "bb1fe038be0d8fde2ec6b8d5173b0f2b");
    chorus_corpus_free(c);
}

/* The same file without an id column: ids are "<basename>:<line>", so every row is kept. */
static void test_coortweet_no_id(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    require_shared(COORTWEET);
    ch_csvmap m = map_of("author_id=account_id,ref_id=object_id,time=timestamp_share");
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts o = {.reader = &ch_reader_csv, .map = &m, .diag = collect, .diag_ctx = &g};
    assert_int_equal(ch_ingest_file(c, COORTWEET, &o, NULL), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 35125);
    assert_int_equal(ch_corpus_naccounts(c), 9509);
    assert_string_equal(str(c, ch_corpus_post(c, 0)->id), "russian_coord_tweets.csv:2");
    assert_string_equal(str(c, ch_corpus_post(c, 35124)->id), "russian_coord_tweets.csv:35126");
    chorus_corpus_free(c);
}

static void test_no_id_multiline(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *data = "user,date,content\n"
                       "@alice,2021-03-01T10:00:00Z,\"first\nsecond line\"\n"
                       "bob,2021-03-01 10:05,plain\n";
    assert_int_equal(run_mem(c, data, "author=user,time=date,text=content", &g), CHORUS_OK);
    assert_int_equal(g.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 2);
    const ch_post *p = post_by_id(c, "mem.csv:2");
    assert_string_equal(p->text, "first\nsecond line");
    assert_int_equal(p->created_at, 1614592800);
    /* only a handle: it is also the account id */
    const ch_account *a = ch_corpus_account(c, p->account);
    assert_string_equal(str(c, a->id), "alice");
    assert_string_equal(str(c, a->handle), "alice");
    p = post_by_id(c, "mem.csv:4");
    assert_string_equal(p->text, "plain");
    assert_int_equal(p->kind, CH_KIND_POST);
    chorus_corpus_free(c);
}

static void test_rt_handle(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *data = "id,handle,ts,text\n"
                       "1,troll_01,1600000000,RT @embassy_ru: Statement on the events\n"
                       "2,troll_02,1600000010,\"RT @embassy_ru: Statement, again\"\n"
                       "3,troll_03,1600000020,  not a retweet RT @x: hi\n"
                       "4,troll_04,1600000030,RT @bad handle: spaces\n";
    assert_int_equal(run_mem(c, data, "id=id,author=handle,time=ts,text=text", &g), CHORUS_OK);
    assert_int_equal(g.n, 0);
    const ch_post *p = post_by_id(c, "1");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(str(c, p->ref_handle), "embassy_ru");
    assert_int_equal(p->ref_id, 0);
    assert_string_equal(p->text, "RT @embassy_ru: Statement on the events");
    p = post_by_id(c, "2");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(str(c, p->ref_handle), "embassy_ru");
    p = post_by_id(c, "3");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(p->text, "  not a retweet RT @x: hi");    /* text is not trimmed */
    assert_int_equal(post_by_id(c, "4")->kind, CH_KIND_POST);
    chorus_corpus_free(c);
}

static void test_kind_column(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *data = "id,a,t,kind,ref,ref_user,ref_uid\n"
                       "1,x,2021-01-01,post,,,\n"
                       "2,x,2021-01-01,Retweet,r2,@orig,55\n"
                       "3,x,2021-01-01,reply,r3,,\n"
                       "4,x,2021-01-01,QUOTE,r4,,\n"
                       "5,x,2021-01-01,True,r5,,\n"
                       "6,x,2021-01-01,false,,,\n"
                       "7,x,2021-01-01,,r7,,\n"
                       "8,x,2021-01-01,bogus,,,\n"
                       "9,x,2021-01-01,tweet,,,\n";
    assert_int_equal(run_mem(c, data, "id=id,author=a,time=t,kind=kind,ref_id=ref,"
                                      "ref_author=ref_user,ref_author_id=ref_uid", &g),
                     CHORUS_OK);
    static const ch_kind want[] = {CH_KIND_POST, CH_KIND_REPOST, CH_KIND_REPLY, CH_KIND_QUOTE,
                                   CH_KIND_REPOST, CH_KIND_POST, CH_KIND_REPOST};
    for (int i = 0; i < 7; i++) {
        char id[4];
        snprintf(id, sizeof id, "%d", i + 1);
        assert_int_equal(post_by_id(c, id)->kind, want[i]);
    }
    assert_int_equal(post_by_id(c, "9")->kind, CH_KIND_POST);
    const ch_post *p = post_by_id(c, "2");
    assert_string_equal(str(c, p->ref_id), "r2");
    assert_string_equal(str(c, p->ref_handle), "orig");
    assert_string_equal(str(c, p->ref_account), "55");
    assert_int_equal(find_post_any(c, "8"), SIZE_MAX);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.d[0].line, 9);
    assert_int_equal(g.d[0].reason, CH_R_BAD_FIELD);
    assert_string_equal(g.d[0].msg, "unknown kind 'bogus'");
    chorus_corpus_free(c);
}

static void test_lists_and_bad_rows(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *data = "id,uid,t,tags,links,at,lang,app\n"
                       "1,u1,1600000000,#a #b,\"['http://x.org/1', 'http://y.org/2']\",@m1;@m2,ru,web\n"
                       "2,u1,1600000000\n"                      /* wrong column count */
                       "3,,1600000000,,,,,\n"                   /* no author */
                       "4,u2,,,,,,\n"                           /* no time */
                       "5,u2,31/12/2020,,,,,\n";                /* bad time */
    assert_int_equal(run_mem(c, data, "id=id,author_id=uid,time=t,hashtags=tags,urls=links,"
                                      "mentions=at,lang=lang,client=app", &g),
                     CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    const ch_post *p = post_by_id(c, "1");
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(str(c, ch_post_hashtags(p)[1]), "b");
    assert_int_equal(p->n_urls, 2);
    assert_string_equal(str(c, ch_post_urls(p)[1]), "http://y.org/2");
    assert_int_equal(p->n_mentions, 2);
    assert_string_equal(str(c, ch_post_mentions(p)[0]), "m1");
    assert_string_equal(str(c, p->lang), "ru");
    assert_string_equal(str(c, ch_corpus_client(c, p)), "web");
    assert_int_equal(g.n, 4);
    assert_int_equal(g.d[0].reason, CH_R_COLUMNS);
    assert_string_equal(g.d[0].msg, "expected 8 columns, got 3");
    assert_int_equal(g.d[1].reason, CH_R_NO_AUTHOR);
    assert_int_equal(g.d[1].line, 4);
    assert_int_equal(g.d[2].reason, CH_R_NO_TIME);
    assert_int_equal(g.d[3].reason, CH_R_BAD_TIME);
    assert_string_equal(g.d[3].msg, "unparseable time '31/12/2020': a day-first date (31 is no month): give --time-format '%d/%m/%Y'");
    chorus_corpus_free(c);
}

static void test_header_errors(void **state)
{
    (void)state;
    ch_corpus *c;
    diags g = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    /* a mapped column missing from the header fails the file at line 1 */
    assert_int_equal(run_mem(c, "id,user,when\n1,a,2020-01-01\n",
                             "id=id,author=user,time=time", &g),
                     CHORUS_EFORMAT);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.d[0].line, 1);
    assert_int_equal(g.d[0].reason, CH_R_BAD_FIELD);
    assert_string_equal(g.d[0].msg, "column 'time' (--map time=time) is not in the header");
    assert_int_equal(ch_corpus_nposts(c), 0);
    /* a map with no time or no author is a usage error */
    g.n = 0;
    assert_int_equal(run_mem(c, "id,user\n1,a\n", "id=id,author=user", &g), CHORUS_EUSAGE);
    assert_int_equal(run_mem(c, "id,t\n1,2020-01-01\n", "id=id,time=t", &g), CHORUS_EUSAGE);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.d[0].line, 0);
    /* column names match case-insensitively; an empty file is fine */
    g.n = 0;
    assert_int_equal(run_mem(c, "ID,User,TIME\n1,a,2020-01-01\n", "id=id,author=user,time=time",
                             &g),
                     CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(run_mem(c, "", "id=id,author=user,time=time", &g), CHORUS_OK);
    assert_int_equal(g.n, 0);
    chorus_corpus_free(c);
}

static void test_map_parse(void **state)
{
    (void)state;
    ch_csvmap m = {0};
    char err[256];
    assert_int_equal(ch_csvmap_parse(&m, "id=tweetid, author = user_screen_name ,time=tweet time",
                                     err, sizeof err),
                     CHORUS_OK);
    assert_int_equal(m.n, 3);
    assert_string_equal(ch_csvmap_get(&m, "id"), "tweetid");
    assert_string_equal(ch_csvmap_get(&m, "author"), "user_screen_name");
    assert_string_equal(ch_csvmap_get(&m, "time"), "tweet time");
    assert_null(ch_csvmap_get(&m, "text"));
    assert_null(ch_csvmap_get(NULL, "id"));
    /* entries accumulate; a field named again takes the new column */
    assert_int_equal(ch_csvmap_parse(&m, "text=tweet_text,id=tid", err, sizeof err), CHORUS_OK);
    assert_int_equal(m.n, 4);
    assert_string_equal(ch_csvmap_get(&m, "id"), "tid");
    assert_string_equal(ch_csvmap_get(&m, "text"), "tweet_text");

    static const struct { const char *spec, *msg; } bad[] = {
        {"", "empty column map"},
        {"id", "expected FIELD=COLUMN, got 'id'"},
        {"id=a,,time=b", "expected FIELD=COLUMN, got ''"},
        {"id=a,", "expected FIELD=COLUMN, got ''"},
        {"bogus=x", NULL},
        {"id=", "no column named for field 'id'"},
        {"=x", NULL},
        {"Id=x", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ch_csvmap before = m;
        err[0] = '\0';
        assert_int_equal(ch_csvmap_parse(&m, bad[i].spec, err, sizeof err), CHORUS_EUSAGE);
        assert_memory_equal(&before, &m, sizeof m);     /* unchanged on error */
        if (bad[i].msg)
            assert_string_equal(err, bad[i].msg);
        else
            assert_non_null(strstr(err, "unknown field"));
    }
    char longspec[300];
    memset(longspec, 'c', sizeof longspec);
    memcpy(longspec, "text=", 5);
    longspec[sizeof longspec - 1] = '\0';
    assert_int_equal(ch_csvmap_parse(&m, longspec, err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "too long"));
    assert_int_equal(ch_csvmap_parse(&m, NULL, NULL, 0), CHORUS_EUSAGE);
    /* every documented field is accepted */
    ch_csvmap all = {0};
    assert_int_equal(ch_csvmap_parse(&all, "id=a,author=b,author_id=c,time=d,text=e,kind=f,"
                                           "ref_id=g,ref_author=h,ref_author_id=i,lang=j,"
                                           "urls=k,hashtags=l,mentions=m,client=n",
                                     err, sizeof err),
                     CHORUS_OK);
    assert_int_equal(all.n, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coortweet),       cmocka_unit_test(test_coortweet_no_id),
        cmocka_unit_test(test_no_id_multiline), cmocka_unit_test(test_rt_handle),
        cmocka_unit_test(test_kind_column),     cmocka_unit_test(test_lists_and_bad_rows),
        cmocka_unit_test(test_header_errors),   cmocka_unit_test(test_map_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
