/*
 * test_read_presets.c — the table presets: CrowdTangle (the real CooRnet ct_shares table and
 * PyCooRnet's flattened /links table from the shared samples; the historical-data export built
 * from its documented header), Meta Content Library and 4CAT (no real export exists in the
 * samples: rows built from the documented columns, one check per column read), their
 * detection, and hard cases: byte order marks, CRLF, quoted newlines, semicolons, truncated
 * rows, empty files, zone names.
 */
#include "helpers.h"

#define PYCOORNET CHORUS_SHARED_DATA "/formats/facebook/pycoornet"

/* Reads `path` with `reader` (NULL: detected) as a scan does (posts required). */
static int read_file(ch_corpus *c, const char *path, const ch_reader *reader, diag_log *log,
                     const ch_reader **used)
{
    ch_ingest_opts o = {.reader = reader, .require_posts = true, .diag = on_diag,
                        .diag_ctx = log};
    return ch_ingest_file(c, path, &o, used);
}

/* The same over a string, written to a temporary file first. */
static int read_str(ch_corpus *c, const char *s, const ch_reader *reader, diag_log *log,
                    const ch_reader **used)
{
    char path[] = "/tmp/chorus_presetXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
    int rc = read_file(c, path, reader, log, used);
    remove(path);
    return rc;
}

static bool have_samples(void)
{
    FILE *f = fopen(PYCOORNET "/ct_shares.csv", "r");
    if (f)
        fclose(f);
    return f != NULL;
}

static void test_ct_shares(void **state)
{
    (void)state;
    if (!have_samples()) {
        print_message("SKIP: no shared samples at %s\n", PYCOORNET);
        skip();
    }
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_file(c, PYCOORNET "/ct_shares.csv", NULL, &log, &used), CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_crowdtangle);
    assert_int_equal(log.n, 0);
    /* 1,684 rows: one per (post, URL); 1,058 posts, 625 rows added a URL to a post, one row
     * repeats a (post, URL) pair */
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->records, 1684);
    assert_int_equal(ch_corpus_nposts(c), 1058);
    assert_int_equal(st->merged, 625);
    assert_int_equal(st->duplicates, 1);
    assert_int_equal(ch_corpus_naccounts(c), 407);
    assert_int_equal(st->min_time, 1484258718);   /* 2017-01-12 22:05:18 UTC */
    assert_int_equal(st->max_time, 1564736418);   /* 2019-08-02 09:00:18 UTC */

    /* the first row: a group (handle NA), its id, time and URL */
    const ch_post *p = post(c, "82580949333");
    assert_int_equal(p->created_at, 1484343670);  /* 2017-01-13 21:41:10 */
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_true(p->n_urls >= 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "http://www.cubadebate.cu/noticias/2017/01/12/"
                                           "fuentes-no-oficiales-barack-obama-pone-fin-a-la-"
                                           "politica-pies-secos-pies-mojados");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "300176403665207");
    assert_int_equal(a->handle, 0);
    assert_true(a->meta.present);
    assert_int_equal(a->meta.followers, 3183);
    assert_int_equal(a->meta.verified, 0);
    assert_string_equal(S(c, a->meta.display_name), "Periódico ¡ahora!");
    assert_string_equal(ch_corpus_platform_name(c, a->platform), "facebook");
    /* the post with the most rows holds each of its URLs once */
    size_t most = 0;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++)
        if (ch_corpus_post(c, i)->n_urls > most)
            most = ch_corpus_post(c, i)->n_urls;
    assert_int_equal(most, 34);
    chorus_corpus_free(c);
}

static void test_ct_links_without_date(void **state)
{
    (void)state;
    if (!have_samples()) {
        print_message("SKIP: no shared samples at %s\n", PYCOORNET);
        skip();
    }
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_file(c, PYCOORNET "/sample_ct_out.csv", NULL, &log, &used),
                     CHORUS_EFORMAT);
    assert_ptr_equal(used, &ch_reader_crowdtangle);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_true(log.n >= 1);
    assert_int_equal(log.line[0], 0);
    assert_non_null(strstr(log.msg[0], "no creation time"));
    chorus_corpus_free(c);
}

/* The historical-data export: BOM, CRLF, a quoted newline, zone names, a re-share, an
 * Instagram row, an ambiguous zone, a truncated row. */
static void test_ct_export(void **state)
{
    (void)state;
    static const char csv[] =
        "\xEF\xBB\xBF" "Page Name,User Name,Facebook Id,Page Category,Likes at Posting,"
        "Followers at Posting,Post Created,Type,URL,Message,Link,Final Link,Link Text\r\n"
        "Daily News,dailynews,1234,MEDIA,100,150,2021-03-01 11:00:00 EST,Link,"
        "https://www.facebook.com/dailynews/posts/99,\"Read\r\nthis #now\",https://ex.com/a,"
        "https://ex.com/a?x=1,A story\r\n"
        "Other,,55,,,,2021-03-01 11:05:00 EST,Link,https://www.facebook.com/other/posts/7,,"
        "https://www.facebook.com/dailynews/posts/99,,This is a re-share of a post\r\n"
        "Gram,gram,66,,,,2021-03-01 17:00:00 CET,Photo,https://www.instagram.com/p/abc,pic,,,\r\n"
        "Bad,x,56,,,,2021-03-01 11:05:00 CST,Link,https://www.facebook.com/x/posts/8,,,,\r\n"
        "Cut,y,57,,,,2021-03-01 11:05:00 EST,Link\r\n";
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_str(c, csv, NULL, &log, &used), CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_crowdtangle);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.reason[0], CH_R_BAD_TIME);
    assert_int_equal(log.line[0], 6);
    assert_non_null(strstr(log.msg[0], "ambiguous"));
    assert_int_equal(log.reason[1], CH_R_COLUMNS);

    const ch_post *p = post(c, "https://www.facebook.com/dailynews/posts/99");
    assert_int_equal(p->created_at, 1614614400);  /* 11:00 EST = 16:00 UTC */
    assert_true(strncmp(p->text, "Read\r\nthis #now", 17) == 0 ||
                strncmp(p->text, "Read\nthis #now", 15) == 0);
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://ex.com/a?x=1");   /* Final Link first */
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "1234");
    assert_string_equal(S(c, a->handle), "dailynews");
    assert_int_equal(a->meta.followers, 150);
    const ch_post *r = post(c, "https://www.facebook.com/other/posts/7");
    assert_int_equal(r->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, r->ref_id), "https://www.facebook.com/dailynews/posts/99");
    const ch_post *g = post(c, "https://www.instagram.com/p/abc");
    assert_int_equal(g->created_at, 1614614400);
    assert_string_equal(ch_corpus_platform_name(c, author(c, g)->platform), "instagram");
    chorus_corpus_free(c);
}

static void test_meta_cl(void **state)
{
    (void)state;
    /* semicolons, as a spreadsheet in many European locales saves a table */
    static const char csv[] =
        "id;creation_time;modified_time;text;post_owner.id;post_owner.name;post_owner.type;"
        "post_owner.username;lang;link_attachment.link;shared_post_id;statistics.reaction_count\n"
        "1001;2024-05-01T10:00:00+0000;;Vote early, often #vote;77;Daily News;page;dailynews;en;"
        "https://ex.com/a;;12\n"
        "1002;1714557660;;\"\xD0\x93\xD0\xBE\xD0\xBB\xD0\xBE\xD1\x81\xD1\x83\xD0\xB9\";78;Bo;"
        "profile;;ru;;1001;3\n"
        "1003;not a time;;x;79;;page;;;;;\n";
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_str(c, csv, NULL, &log, &used), CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_meta_cl);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.reason[0], CH_R_BAD_TIME);
    const ch_post *p = post(c, "1001");
    assert_int_equal(p->created_at, 1714557600);
    assert_string_equal(p->text, "Vote early, often #vote");
    assert_string_equal(S(c, p->lang), "en");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://ex.com/a");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "77");
    assert_string_equal(S(c, a->handle), "dailynews");
    assert_string_equal(S(c, a->meta.display_name), "Daily News");
    assert_string_equal(ch_corpus_platform_name(c, a->platform), "facebook");
    const ch_post *q = post(c, "1002");
    assert_int_equal(q->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, q->ref_id), "1001");
    assert_int_equal(author(c, q)->handle, 0);

    /* Instagram posts name their owner owner.* */
    ch_corpus *c2;
    diag_log log2 = {0};
    assert_int_equal(chorus_corpus_new(&c2), CHORUS_OK);
    assert_int_equal(read_str(c2, "id,creation_time,text,owner.id,owner.username\n"
                                  "5,2024-05-01T10:00:00Z,pic,9,gram\n", NULL, &log2, &used),
                     CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_meta_cl);
    assert_string_equal(ch_corpus_platform_name(c2, author(c2, post(c2, "5"))->platform),
                        "instagram");
    chorus_corpus_free(c2);
    chorus_corpus_free(c);
}

static void test_4cat(void **state)
{
    (void)state;
    static const char csv[] =
        "id,thread_id,timestamp,unix_timestamp,author,author_fullname,author_id,body,"
        "is_retweet,is_quote_tweet,is_reply,hashtags,urls,mentions\r\n"
        "15,15,2024-05-01 10:00:00,1714557600,ana,Ana A,7,Vote early #vote,no,no,no,vote,"
        "https://ex.com/a,\r\n"
        "16,15,2024-05-01 10:01:00,1714557660,bob,,8,@ana agree,no,no,yes,,,ana\r\n"
        "17,17,2024-05-01 10:02:00,1714557720,cy,,9,RT @ana: Vote early,yes,no,no,vote,,ana\r\n"
        "18,18,2024-05-01 10:03:00,,dee,,10,quoting,no,yes,no,\"a,b\",,\r\n";
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_str(c, csv, NULL, &log, &used), CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_4cat);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 4);
    const ch_post *p = post(c, "15");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->root_id, 0);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "vote");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://ex.com/a");
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->id), "7");
    assert_string_equal(S(c, a->handle), "ana");
    assert_string_equal(S(c, a->meta.display_name), "Ana A");
    assert_string_equal(ch_corpus_platform_name(c, a->platform), "x");
    const ch_post *r = post(c, "16");
    assert_int_equal(r->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, r->root_id), "15");
    assert_string_equal(S(c, r->ref_id), "15");
    assert_string_equal(S(c, ch_post_mentions(r)[0]), "ana");
    assert_int_equal(post(c, "17")->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, post(c, "17")->ref_handle), "ana");
    const ch_post *q = post(c, "18");
    assert_int_equal(q->kind, CH_KIND_QUOTE);
    assert_int_equal(q->created_at, 1714557780);   /* timestamp when unix_timestamp is empty */
    assert_int_equal(q->n_hashtags, 2);
    chorus_corpus_free(c);

    /* an unknown data source keeps its own platform; 4CAT's Telegram CSV is not read here */
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_str(c, "id,thread_id,timestamp,author,body\n1,1,2024-05-01 10:00:00,a,b\n",
                              NULL, &log, &used), CHORUS_OK);
    assert_ptr_equal(used, &ch_reader_4cat);
    assert_string_equal(ch_corpus_platform_name(c, author(c, post(c, "1"))->platform), "4cat");
    chorus_corpus_free(c);
    const char *tg = "id,thread_id,chat,author,body,timestamp,author_forwarded_from_name\n";
    assert_ptr_equal(ch_ingest_sniff(tg, strlen(tg)), &ch_reader_telegram_4cat);
}

/* Files that give nothing are refused, naming what they look like. */
static void test_nothing_read(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    const ch_reader *used = NULL;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(read_str(c, "", NULL, &log, &used), CHORUS_EFORMAT);
    assert_string_equal(log.msg[0], "no posts read: the file is empty");
    /* a header alone */
    log.n = 0;
    assert_int_equal(read_str(c, "\xEF\xBB\xBFid,creation_time,post_owner.id\r\n", NULL, &log,
                              &used), CHORUS_EFORMAT);
    assert_ptr_equal(used, &ch_reader_meta_cl);
    assert_non_null(strstr(log.msg[0], "no posts read as meta-cl: 0 records"));
    assert_non_null(strstr(log.msg[0], "columns id, creation_time, post_owner.id"));
    /* every row refused: the reasons are named */
    log.n = 0;
    assert_int_equal(read_str(c, "id;creation_time;post_owner.id\n1;03/01/2021;7\n2;04/01/2021;7\n",
                              NULL, &log, &used), CHORUS_EFORMAT);
    assert_int_equal(log.n, 3);
    assert_non_null(strstr(log.msg[0], "either way round"));
    assert_non_null(strstr(log.msg[2], "2 skipped (bad_time 2)"));
    assert_non_null(strstr(log.msg[2], "(separator ';')"));
    /* read with a format that does not fit: what it looks like */
    log.n = 0;
    assert_int_equal(read_str(c, "id,thread_id,timestamp,author,body\n1,1,soon,a,b\n",
                              &ch_reader_meta_cl, &log, &used), CHORUS_EFORMAT);
    assert_non_null(strstr(log.msg[log.n - 1], "has no time column (looked for 'creation_time')"));
    assert_int_equal(ch_corpus_nposts(c), 0);
    chorus_corpus_free(c);
}

/* --time-format reaches the table presets. */
static void test_time_format(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    char path[] = "/tmp/chorus_presetXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("id,creation_time,post_owner.id\n1,03/01/2021 11:00 AM,7\n2,2021-03-01T12:00:00Z,7\n", f);
    fclose(f);
    ch_ingest_opts o = {.time_format = "%m/%d/%Y %I:%M %p", .require_posts = true,
                        .diag = on_diag, .diag_ctx = &log};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(ch_ingest_file(c, path, &o, NULL), CHORUS_OK);
    remove(path);
    assert_int_equal(log.n, 0);
    assert_int_equal(post(c, "1")->created_at, 1614596400);   /* 2021-03-01 11:00 UTC */
    assert_int_equal(post(c, "2")->created_at, 1614600000);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ct_shares),   cmocka_unit_test(test_ct_links_without_date),
        cmocka_unit_test(test_ct_export),   cmocka_unit_test(test_meta_cl),
        cmocka_unit_test(test_4cat),        cmocka_unit_test(test_nothing_read),
        cmocka_unit_test(test_time_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
