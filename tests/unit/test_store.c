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
    ch_edge_row er = {"a1", "a2", "repost", 1.5, 3, 2, 1e-6};
    assert_int_equal(ch_store_edge(s, &er), 0);
    ch_match_row mr = {"p1", "s1", 0.97, 0, 5, 10, 15, 0};
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
