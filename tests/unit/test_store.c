/* test_store.c — results database: schema per contract, rows, atomic replace, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-store-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static ch_slice S(const char *s) { return (ch_slice){s, strlen(s)}; }

static chorus_corpus *small_corpus(void)
{
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    ch_rawpost_clear(&r);
    r.id = S("p1");
    r.author_id = S("a1");
    r.author = S("alice");
    r.created_at = 1000;
    r.text = S("hello world");
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    ch_rawpost_clear(&r);
    r.id = S("p2");
    r.author_id = S("a2");
    r.created_at = 1010;
    r.kind = CH_KIND_REPOST;
    r.ref_id = S("p1");
    r.text = S("RT @alice: hello world");
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    return c;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static void test_write_read(void **state)
{
    (void)state;
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/r.db", dir);
    chorus_corpus *c = small_corpus();
    ch_store *s;
    assert_int_equal(ch_store_open(path, NULL, &s, err, sizeof err), 0);
    assert_int_equal(access(path, F_OK), -1);  /* not there until commit */
    assert_int_equal(ch_store_run(s, "version", "test"), 0);
    assert_int_equal(ch_store_run_i64(s, "posts", 2), 0);
    assert_int_equal(ch_store_posts(s, c, NULL), 0);
    ch_account_row rows[2] = {{0.9, 1, "{\"x\":1}"}, {-1, UINT32_MAX, NULL}};
    assert_int_equal(ch_store_accounts(s, c, rows), 0);
    ch_cluster_row cr = {1, 2, 0.8, "repost", 1000, 1010, "2 accounts"};
    assert_int_equal(ch_store_cluster(s, &cr), 0);
    ch_edge_row er = {"a1", "a2", "repost", 1.5, 3, 2, 1e-6, "", "", CH_UNKNOWN_I64,
                      CH_UNKNOWN_I64, CH_UNKNOWN_I64, NULL, -1};
    assert_int_equal(ch_store_edge(s, &er), 0);
    ch_match_row mr = {"p1", "s1", 0.97, 0, 5, 10, 15, 0, "", 0, 5, 10, 15};
    assert_int_equal(ch_store_match(s, &mr), 0);
    ch_statement_row sr = {"s1", "embassy", "hello world and more", "en", 900};
    assert_int_equal(ch_store_statement(s, &sr), 0);
    assert_int_equal(ch_store_ingest_error(s, "x.jsonl", 7, "bad_json"), 0);
    assert_int_equal(ch_store_commit(s, err, sizeof err), 0);

    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM posts"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM posts WHERE kind='repost' AND ref_id='p1'"), 1);
    assert_int_equal(count(db, "SELECT created_at FROM posts WHERE post_id='p2'"), 1010);
    assert_int_equal(count(db, "SELECT count(*) FROM accounts WHERE score IS NULL"), 1);
    assert_int_equal(count(db, "SELECT cluster_id FROM accounts WHERE handle='alice'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM clusters"), 1);
    assert_int_equal(count(db, "SELECT n_events FROM edges"), 3);
    assert_int_equal(count(db, "SELECT stmt_end FROM matches"), 15);
    assert_int_equal(count(db, "SELECT published_at FROM statements"), 900);
    assert_int_equal(count(db, "SELECT line FROM ingest_errors"), 7);
    assert_int_equal(count(db, "SELECT count(*) FROM run WHERE key='version'"), 1);
    /* the contract's columns exist */
    assert_int_equal(count(db, "SELECT count(*) FROM pragma_table_info('accounts') WHERE name "
                               "IN ('account_id','handle','n_posts','score','cluster_id','reasons')"),
                     6);
    assert_int_equal(count(db, "SELECT count(*) FROM sqlite_master WHERE type='index'") >= 5, 1);
    sqlite3_close(db);

    /* An aborted second run leaves the first database untouched. */
    assert_int_equal(ch_store_open(path, NULL, &s, err, sizeof err), 0);
    assert_int_equal(ch_store_run(s, "version", "second"), 0);
    ch_store_abort(s);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM run WHERE value='test'"), 1);
    sqlite3_close(db);
    chorus_corpus_free(c);
    ch_store_abort(NULL);
}

static void test_unwritable(void **state)
{
    (void)state;
    ch_store *s = NULL;
    char err[256] = "";
    assert_int_equal(ch_store_open("/nonexistent-dir/x.db", NULL, &s, err, sizeof err), CHORUS_EDB);
    assert_null(s);
    assert_string_equal(err, "cannot write '/nonexistent-dir/x.db': No such file or directory");
}

static void exec(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sql: %s: %s", msg, sql);
    sqlite3_close(db);
}

static int open_read(const char *path, ch_store_info *info, char *err, size_t errlen)
{
    sqlite3 *db = (sqlite3 *)1;
    int rc = ch_store_open_read(path, &db, info, err, errlen);
    if (rc)
        assert_null(db);
    sqlite3_close(db);
    return rc;
}

/* The stamp a written database carries, and the one check every reader makes. */
static void test_versions(void **state)
{
    (void)state;
    char path[300], other[300], err[512];
    snprintf(path, sizeof path, "%s/v.db", dir);
    ch_store *s;
    assert_int_equal(ch_store_open(path, NULL, &s, err, sizeof err), 0);
    assert_int_equal(ch_store_commit(s, err, sizeof err), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count(db, "PRAGMA application_id"), CH_STORE_APPLICATION_ID);
    assert_int_equal(count(db, "PRAGMA user_version"), CH_STORE_SCHEMA);
    sqlite3_close(db);

    ch_store_info info;
    assert_int_equal(open_read(path, &info, err, sizeof err), CHORUS_OK);
    assert_int_equal(info.schema, CH_STORE_SCHEMA);
    assert_true(info.has_evidence && info.has_narratives && info.has_before_pub);
    assert_true(info.has_edge_stats && info.has_platform);

    /* a newer chorus's file is refused, saying so */
    exec(path, "PRAGMA user_version = 99");
    assert_int_equal(open_read(path, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "written by a newer chorus"));
    /* another application's file */
    exec(path, "PRAGMA application_id = 1; PRAGMA user_version = 1");
    assert_int_equal(open_read(path, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "not a chorus results database"));
    /* a file of a chorus before the stamp: read as schema 0 */
    exec(path, "PRAGMA application_id = 0; PRAGMA user_version = 0");
    assert_int_equal(open_read(path, &info, err, sizeof err), CHORUS_OK);
    assert_int_equal(info.schema, 0);
    /* an unstamped SQLite file of someone else, text, a folder, nothing */
    snprintf(other, sizeof other, "%s/recipes.db", dir);
    exec(other, "CREATE TABLE recipes (name TEXT)");
    assert_int_equal(open_read(other, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "no table 'run'"));
    snprintf(other, sizeof other, "%s/text.db", dir);
    FILE *f = fopen(other, "w");
    fputs("just some text, long enough to look like it could hold a header ....\n", f);
    fclose(f);
    assert_int_equal(open_read(other, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "not a chorus results database"));
    assert_int_equal(open_read(dir, NULL, err, sizeof err), CHORUS_EIO);
    assert_non_null(strstr(err, "is a directory"));
    snprintf(other, sizeof other, "%s/missing.db", dir);
    assert_int_equal(open_read(other, NULL, err, sizeof err), CHORUS_EIO);
    assert_non_null(strstr(err, "cannot open"));
}

static char *text_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(q, 0);
    char *s = strdup(t ? (const char *)t : "(null)");
    sqlite3_finalize(q);
    return s;
}

static void assert_sql_text(sqlite3 *db, const char *sql, const char *want)
{
    char *got = text_of(db, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", sql, got, want);
    free(got);
}

/* Schema 2, for people: entity lists as JSON, the profile, typed and timed evidence, who came
 * first, character offsets, and the views over them. */
static void test_schema2_rows(void **state)
{
    (void)state;
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/s2.db", dir);
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t file;
    assert_int_equal(ch_corpus_add_file(c, "x.jsonl", &file), 0);
    assert_int_equal(ch_corpus_file_platform(c, file, "x"), 0);
    static ch_rawpost r;
    bool kept;
    ch_reason why;
    ch_rawpost_clear(&r);
    r.id = S("p1");
    r.author_id = S("a1");
    r.author = S("alice");
    r.created_at = 1000;
    r.text = S("Été — 🎉 hello");
    r.lang = S("fr");
    r.root_id = S("p0");
    ch_rawpost_add_url(&r, "https://example.org/a?b=\"c\"", 27);
    ch_rawpost_add_hashtag(&r, "tag\\one", 7);
    ch_rawpost_add_hashtag(&r, "two", 4);
    ch_rawpost_add_mention(&r, "bob", 3);
    r.meta.present = true;
    r.meta.created_at = 500;
    r.meta.followers = 12;
    r.meta.following = 34;
    r.meta.statuses = CH_UNKNOWN_I64;
    r.meta.verified = 0;
    r.meta.default_profile = 1;
    r.meta.default_profile_image = -1;
    r.meta.bot = -1;
    r.meta.display_name = S("Alice \"A\"");
    r.meta.description = S("");
    assert_int_equal(ch_corpus_add(c, &r, file, &kept, &why), 0);
    ch_rawpost_clear(&r);
    r.id = S("p2");
    r.author_id = S("a2");
    r.created_at = 1010;
    r.text = S("plain");
    assert_int_equal(ch_corpus_add(c, &r, file, &kept, &why), 0);

    ch_store *s;
    assert_int_equal(ch_store_open(path, NULL, &s, err, sizeof err), 0);
    assert_int_equal(ch_store_posts(s, c, NULL), 0);
    ch_account_row rows[2] = {
        {0.9, 0, "{\"top_reasons\":[\"co-reposted with 1 account\",\"young account\"]}"},
        {0.7, 0, "{\"top_reasons\":[]}"}};
    assert_int_equal(ch_store_accounts(s, c, rows), 0);
    ch_edge_row er = {"a1", "a2", "repost", 1.5, 5, 2, 1e-6, "x", "x", 1, 3, 1, "a2", 0.6};
    assert_int_equal(ch_store_edge(s, &er), 0);
    ch_evidence_row ev = {"a1", "a2", "repost", "p1", "p2", "post 9", "post", "9", 1000, 1010,
                          "x", "x"};
    assert_int_equal(ch_store_evidence(s, &ev), 0);
    /* hostile times: the gap saturates instead of overflowing */
    ch_evidence_row ev2 = {"a1", "a2", "link", "p1", "p2", "https://e.org/", "url",
                           "https://e.org/", INT64_MIN + 1, INT64_MAX, "x", "x"};
    assert_int_equal(ch_store_evidence(s, &ev2), 0);
    const char *txt = "Été — 🎉 hello";
    ch_match_row mr = {"p1", "s1", 0.9, 0, (int64_t)strlen(txt), 0, 4, 0, "x",
                       0, (int64_t)ch_store_utf8_chars(txt, strlen(txt)), 0, 4};
    assert_int_equal(ch_store_match(s, &mr), 0);
    ch_statement_row sr = {"s1", "embassy", "Été — 🎉 hello", "fr", 900};
    assert_int_equal(ch_store_statement(s, &sr), 0);
    assert_int_equal(ch_store_commit(s, err, sizeof err), 0);

    /* code points: 2-byte É/é, 3-byte em dash, 4-byte emoji */
    assert_int_equal(ch_store_utf8_chars(txt, strlen(txt)), 13);
    assert_int_equal(ch_store_utf8_chars("", 0), 0);

    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count(db, "PRAGMA user_version"), 3);
    /* the entity lists are valid JSON that reads back as written */
    assert_int_equal(count(db, "SELECT json_valid(urls) AND json_valid(hashtags) AND "
                               "json_valid(mentions) FROM posts WHERE post_id = 'p1'"), 1);
    assert_sql_text(db, "SELECT json_extract(urls, '$[0]') FROM posts WHERE post_id = 'p1'",
                    "https://example.org/a?b=\"c\"");
    assert_sql_text(db, "SELECT json_extract(hashtags, '$[0]') FROM posts WHERE post_id = 'p1'",
                    "tag\\one");
    assert_sql_text(db, "SELECT json_extract(hashtags, '$[1]') FROM posts WHERE post_id = 'p1'",
                    "two");
    assert_int_equal(count(db, "SELECT json_array_length(hashtags) FROM posts WHERE post_id='p1'"),
                     2);
    assert_sql_text(db, "SELECT mentions || lang || root_id || platform FROM posts "
                        "WHERE post_id = 'p1'", "[\"bob\"]frp0x");
    assert_int_equal(count(db, "SELECT count(*) FROM posts WHERE post_id = 'p2' AND urls IS NULL "
                               "AND hashtags IS NULL AND mentions IS NULL AND lang IS NULL "
                               "AND root_id IS NULL"), 1);
    /* the profile: unknown stays NULL */
    assert_int_equal(count(db, "SELECT count(*) FROM accounts WHERE account_id = 'a1' AND "
                               "created_at = 500 AND followers = 12 AND following = 34 AND "
                               "statuses IS NULL AND verified = 0 AND default_profile = 1 AND "
                               "default_profile_image IS NULL AND bot IS NULL AND "
                               "description IS NULL"), 1);
    assert_sql_text(db, "SELECT display_name FROM accounts WHERE account_id = 'a1'",
                    "Alice \"A\"");
    assert_int_equal(count(db, "SELECT count(*) FROM accounts WHERE account_id = 'a2' AND "
                               "created_at IS NULL AND followers IS NULL"), 1);
    /* evidence: typed, timed; the gap is |t_b - t_a| */
    assert_int_equal(count(db, "SELECT gap FROM evidence WHERE behaviour = 'repost'"), 10);
    assert_int_equal(count(db, "SELECT gap FROM evidence WHERE behaviour = 'link'"), INT64_MAX);
    assert_sql_text(db, "SELECT object_type || ' ' || object_id FROM evidence "
                        "WHERE behaviour = 'repost'", "post 9");
    /* the views answer the common questions */
    assert_int_equal(count(db, "SELECT count(*) FROM cluster_members WHERE cluster_id = 0"), 2);
    assert_sql_text(db, "SELECT reasons_text FROM cluster_members WHERE account_id = 'a1'",
                    "co-reposted with 1 account; young account");
    assert_sql_text(db, "SELECT leader_handle || ' ' || lead_share FROM pairs", "(null)");
    assert_sql_text(db, "SELECT leader || ' ' || lead_share FROM pairs", "a2 0.6");
    assert_sql_text(db, "SELECT handle_a || ' ' || text_b || ' ' || gap || ' ' || "
                        "first_account FROM pair_shared WHERE behaviour = 'repost'",
                    "alice plain 10 a1");
    assert_sql_text(db, "SELECT handle || ' ' || rank || ' ' || first_of_account || ' ' || "
                        "delay || ' ' || passage FROM statement_echoes",
                    "alice 1 1 100 Été — 🎉 hello");
    sqlite3_close(db);

    ch_store_info info;
    assert_int_equal(open_read(path, &info, err, sizeof err), CHORUS_OK);
    assert_true(info.has_evidence_typed && info.has_match_platform);
    chorus_corpus_free(c);
}

/* A schema 1 file (no typed evidence, no character offsets) is still read. */
static void test_schema1_readable(void **state)
{
    (void)state;
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/v1.db", dir);
    exec(path, "CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT);"
               "CREATE TABLE evidence (account_a TEXT, account_b TEXT, behaviour TEXT, "
               "post_a TEXT, post_b TEXT, object TEXT);"
               "CREATE TABLE matches (post_id TEXT, statement_id TEXT, similarity REAL, "
               "post_start INTEGER, post_end INTEGER, stmt_start INTEGER, stmt_end INTEGER, "
               "before_publication INTEGER);"
               "PRAGMA application_id = 1128813139; PRAGMA user_version = 1;");
    ch_store_info info;
    assert_int_equal(open_read(path, &info, err, sizeof err), CHORUS_OK);
    assert_int_equal(info.schema, 1);
    assert_true(info.has_evidence && info.has_before_pub);
    assert_false(info.has_evidence_typed);
    assert_false(info.has_match_platform);
}

/* A database never replaces a protected file (an input of the scan). */
static void test_protected(void **state)
{
    (void)state;
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/posts.jsonl", dir);
    FILE *f = fopen(path, "w");
    fputs("{}\n", f);
    fclose(f);
    const ch_outfile_protect keep = {path, "an input of the scan"};
    const ch_outfile_opts oo = {.protect = &keep, .nprotect = 1};
    ch_store *s = NULL;
    assert_int_equal(ch_store_open(path, &oo, &s, err, sizeof err), CHORUS_EUSAGE);
    assert_null(s);
    assert_non_null(strstr(err, "is an input of the scan"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_protected),
        cmocka_unit_test(test_schema2_rows),
        cmocka_unit_test(test_schema1_readable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
