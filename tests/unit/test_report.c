/* test_report.c — the HTML report on a tiny hand-built results database: standalone (nothing
 * loaded from anywhere), one network node per clustered account, <mark> around exactly the
 * span bytes (UTF-8 included), hostile texts and handles rendered as text, bounded sections
 * with "and N more", an empty database, errors (missing, not ours, unwritable) that leave a
 * previous report in place, reproducible bytes, and allocation failures at every point.
 * Also the escaping and passage helpers on their own. */
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

#include "chorus.h"
#include "core/alloc.h"
#include "report/report.h"
#include "report/report_int.h"
#include "store_sql.h"

#define T0 INT64_C(1677600000)   /* 2023-02-28 16:00 UTC */

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-report-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* ---- helpers -------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0, n = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + n, needle))
        k++;
    return k;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sql: %s: %s", msg, sql);
}

/* Runs one INSERT with text/int parameters given as a format: 't' text (NUL-terminated),
 * 'b' text with explicit length (const char *, int), 'i' int64, 'd' double, 'n' NULL. */
static void row(sqlite3 *db, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        switch (fmt[i]) {
        case 't': sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT); break;
        case 'b': {
            const char *s = va_arg(ap, const char *);
            int n = va_arg(ap, int);
            sqlite3_bind_text(q, i + 1, s, n, SQLITE_TRANSIENT);
            break;
        }
        case 'i': sqlite3_bind_int64(q, i + 1, va_arg(ap, int64_t)); break;
        case 'd': sqlite3_bind_double(q, i + 1, va_arg(ap, double)); break;
        default: sqlite3_bind_null(q, i + 1); break;
        }
    }
    va_end(ap);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
}

static sqlite3 *new_db(const char *path)
{
    sqlite3 *db;
    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, ch_schema_sql);
    exec(db, ch_indexes_sql);
    return db;
}

/* The texts of the fixture, with the spans the tests expect between <mark> and </mark>. */
static const char POST1[] = "Hello. We firmly oppose interference in internal affairs. Bye";
static const char SPAN1[] = "We firmly oppose interference in internal affairs.";
static const char STMT1[] = "Preamble text. We firmly oppose interference in internal affairs. "
                            "Closing words.";
static const char POST3[] = "Ministère : « non-ingérence » & paix, dit-il";
static const char SPAN3[] = "« non-ingérence » & paix";
static const char STMT2[] = "Le principe : « non-ingérence » & paix entre les peuples.";
static const char HOSTILE[] =
    "</script><script>alert(1)</script><img src=x onerror=alert(2)> https://evil.example/x.js "
    "<link rel=stylesheet href=https://evil.example/s.css> \x01\x7f\xc3\x28 \xe2\x80\xae end";
static const char HANDLE2[] = "\"><svg onload=alert(3)>";

static int64_t off(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    assert_non_null(p);
    return p - hay;
}

/* Two clusters (3 + 2 accounts), an unclustered partner, an unclustered poster, statements
 * with matches (ASCII and UTF-8 spans, and one out of range), a repost evidence object. */
static void fixture(const char *path)
{
    sqlite3 *db = new_db(path);
    exec(db, "BEGIN");
    const char *run[][2] = {{"version", "0.1.0"},          {"input.0", "/data/posts.jsonl"},
                            {"statements.0", "/data/s.jsonl"}, {"param.window_seconds", "60"},
                            {"count.ingest_errors", "1"},   {"time.ingest", "0.25"},
                            {"param.<b>hostile</b>", "<i>x</i>"}};
    for (size_t i = 0; i < sizeof run / sizeof run[0]; i++)
        row(db, "INSERT INTO run VALUES (?1, ?2)", "tt", run[i][0], run[i][1]);
    row(db, "INSERT INTO statements VALUES (?1, ?2, ?3, ?4, 'en')", "ttit", "S1", "embassy", T0, STMT1);
    row(db, "INSERT INTO statements VALUES (?1, ?2, ?3, ?4, 'fr')", "ttit", "S\"2<x>", "<b>ministry</b>",
        T0 + 3600, STMT2);
    row(db, "INSERT INTO statements VALUES (?1, ?2, ?3, ?4, 'en')", "ttnt", "S3", "nobody", "never repeated");

    const char *reasons = "{\"score\":0.9,\"top_reasons\":[\"member of cluster 0 (3 accounts)\","
                          "\"co-reposted <b>bold</b> with 2 accounts\",\"posts at night\"]}";
    struct { const char *id, *handle; double score; int cluster; const char *reasons; } acc[] = {
        {"a1", "alice", 0.95, 0, reasons}, {"a2", HANDLE2, 0.90, 0, "not json {"},
        {"a3", "\xe2\x80\xae" "evil", 0.85, 0, NULL}, {"a4", "dora", 0.70, 1, reasons},
        {"a5", "eve", 0.65, 1, "{\"top_reasons\":\"not a list\"}"}, {"a6", "partner", 0.30, -1, "{}"},
        {"a7", "origin", 0.05, -1, "{}"},
    };
    for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) {
        if (acc[i].cluster >= 0)
            row(db, "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES (?1, ?2, 3, ?3, ?4, ?5)", acc[i].reasons ? "ttdit" : "ttdin",
                acc[i].id, acc[i].handle, acc[i].score, (int64_t)acc[i].cluster, acc[i].reasons);
        else
            row(db, "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES (?1, ?2, 3, ?3, NULL, ?4)", "ttdt", acc[i].id,
                acc[i].handle, acc[i].score, acc[i].reasons);
    }
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'post', NULL, ?4, NULL)", "ttit", "p1", "a1", T0 + 120, POST1);
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'post', NULL, ?4, NULL)", "ttib", "p2", "a2", T0 + 300,
        HOSTILE, (int)sizeof HOSTILE - 1);
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'post', NULL, ?4, NULL)", "ttit", "p3", "a3", T0 + 4000, POST3);
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'post', NULL, ?4, NULL)", "ttit", "p4", "a7", T0 + 86400,
        "the original <u>post</u>");
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'repost', 'p4', ?4, NULL)", "ttit", "p5", "a4",
        T0 + 86400 + 60, "RT @origin: the original <u>post</u>");
    row(db, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?2, ?3, 'repost', 'p4', ?4, NULL)", "ttit", "p6", "a5",
        T0 + 86400 + 95, "RT @origin: the original <u>post</u>");
    row(db, "INSERT INTO clusters VALUES (0, 3, 0.8, 'narrative,statement', ?1, ?2, ?3)", "iit", T0 + 120,
        T0 + 4000, "3 accounts <script>x</script>");
    row(db, "INSERT INTO clusters VALUES (1, 2, 0.6, 'repost', ?1, ?2, '2 accounts; co-repost')", "ii",
        T0 + 86400 + 60, T0 + 86400 + 95);
    const char *edges[][3] = {{"a1", "a2", "narrative"}, {"a1", "a3", "statement"}, {"a2", "a3", "narrative"},
                              {"a4", "a5", "repost"},    {"a4", "a6", "repost"},    {"a1", "a4", "link"},
                              {"a1", "a2", "statement"}};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        row(db, "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES (?1, ?2, ?3, ?4, 3, 3, 1e-9)", "tttd", edges[i][0], edges[i][1],
            edges[i][2], 10.0 + (double)i);
    row(db, "INSERT INTO evidence(account_a, account_b, behaviour, post_a, post_b, object) VALUES ('a4', 'a5', 'repost', 'p5', 'p6', 'post p4')", "");
    row(db, "INSERT INTO evidence(account_a, account_b, behaviour, post_a, post_b, object) VALUES ('a1', 'a2', 'narrative', 'p1', 'p2', ?1)", "t", "narrative <7>");
    row(db, "INSERT INTO matches(post_id, statement_id, similarity, post_start, post_end, stmt_start, stmt_end, before_publication) VALUES ('p1', 'S1', 0.97, ?1, ?2, ?3, ?4, 0)", "iiii", off(POST1, SPAN1),
        off(POST1, SPAN1) + (int64_t)strlen(SPAN1), off(STMT1, SPAN1), off(STMT1, SPAN1) + (int64_t)strlen(SPAN1));
    row(db, "INSERT INTO matches(post_id, statement_id, similarity, post_start, post_end, stmt_start, stmt_end, before_publication) VALUES ('p3', ?1, 0.91, ?2, ?3, ?4, ?5, 1)", "tiiii", "S\"2<x>",
        off(POST3, SPAN3), off(POST3, SPAN3) + (int64_t)strlen(SPAN3), off(STMT2, SPAN3),
        off(STMT2, SPAN3) + (int64_t)strlen(SPAN3));
    /* a span past the end of the text must not be trusted */
    row(db, "INSERT INTO matches(post_id, statement_id, similarity, post_start, post_end, stmt_start, stmt_end, before_publication) VALUES ('p2', 'S1', 0.5, 10, 99999, -5, 3, NULL)", "");
    row(db, "INSERT INTO ingest_errors VALUES ('posts.jsonl', 7, '<bad_json>')", "");
    exec(db, "COMMIT");
    sqlite3_close(db);
}

static char *write_report(const char *db, const ch_report_opts *o, ch_report_info *info)
{
    char out[300], err[512];
    snprintf(out, sizeof out, "%s/r.html", dir);
    int rc = ch_report_write(db, out, o, info, err, sizeof err);
    if (rc)
        fail_msg("ch_report_write: %d %s", rc, err);
    return slurp(out, NULL);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_standalone(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    fixture(db);
    ch_report_info info;
    char *h = write_report(db, NULL, &info);
    assert_true(strncmp(h, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(h, "</html>\n"));
    /* nothing that loads anything: one inline script (ours, allowed by its hash), no src
     * attributes, no external stylesheet, font or import, no link element, no absolute URL
     * in an href */
    assert_int_equal(count(h, "<script"), 1);
    assert_non_null(strstr(h, "script-src 'sha256-"));
    assert_null(strstr(h, " src=\""));
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, "<link"));
    assert_null(strstr(h, "@import"));
    assert_null(strstr(h, "url("));
    assert_null(strstr(h, "@font-face"));
    assert_null(strstr(h, "href=\"http"));
    assert_null(strstr(h, "href=\"//"));
    assert_null(strstr(h, "<iframe"));
    /* and a policy that forbids it anyway */
    assert_non_null(strstr(h, "Content-Security-Policy\" content=\"default-src 'none'"));
    /* every in-page link points at an anchor that exists */
    for (const char *p = strstr(h, "href=\""); p; p = strstr(p + 6, "href=\"")) {
        assert_true(p[6] == '#');
        const char *e = strchr(p + 7, '"');
        char id[200];
        snprintf(id, sizeof id, "id=\"%.*s\"", (int)(e - p - 7), p + 7);
        if (!strstr(h, id))
            fail_msg("dangling link %s", id);
    }
    assert_int_equal(info.clusters, 2);
    assert_int_equal(info.clustered, 5);
    assert_int_equal(info.nodes, 5);
    assert_int_equal(info.statements, 3);
    free(h);
}

static void test_nodes(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    fixture(db);
    char *h = write_report(db, NULL, NULL);
    /* one node per account with a cluster_id, the partner faded and apart */
    assert_int_equal(count(h, "class=\"node\""), 5);
    assert_int_equal(count(h, "class=\"nbr\""), 1);
    assert_non_null(strstr(h, "data-nodes=\"5\" data-clustered=\"5\""));
    assert_int_equal(count(h, "<details class=\"sec cluster\""), 2);
    /* without partners */
    ch_report_opts o;
    ch_report_opts_default(&o);
    o.max_neighbours = 0;
    free(h);
    h = write_report(db, &o, NULL);
    assert_int_equal(count(h, "class=\"node\""), 5);
    assert_int_equal(count(h, "class=\"nbr\""), 0);
    /* a node budget draws whole clusters, strongest first, and says so */
    o.max_nodes = 4;
    free(h);
    h = write_report(db, &o, NULL);
    assert_int_equal(count(h, "class=\"node\""), 3);
    assert_non_null(strstr(h, "data-nodes=\"3\" data-clustered=\"5\""));
    assert_non_null(strstr(h, "Only the 1 strongest clusters are drawn"));
    free(h);
}

static void test_marks(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    fixture(db);
    char *h = write_report(db, NULL, NULL);
    /* the ASCII span in post and statement, in the cluster section and the statement section */
    char want[300];
    snprintf(want, sizeof want, "<mark>%s</mark>", SPAN1);
    assert_true(count(h, want) >= 2);
    /* the UTF-8 span, cut at its bytes, & escaped */
    assert_true(count(h, "<mark>« non-ingérence » &amp; paix</mark>") >= 2);
    /* the context around it */
    assert_non_null(strstr(h, "Ministère : <mark>"));
    assert_non_null(strstr(h, "</mark>, dit-il"));
    /* every <mark> is closed and none nests */
    assert_int_equal(count(h, "<mark>"), count(h, "</mark>"));
    /* the out-of-range span of p2 gives no mark inside the hostile text */
    const char *p = strstr(h, "&lt;/script&gt;");
    assert_non_null(p);
    free(h);
}

static void test_hostile(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    fixture(db);
    char *h = write_report(db, NULL, NULL);
    assert_int_equal(count(h, "<script"), 1);   /* ours only */
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, "<svg onload"));
    assert_null(strstr(h, "<b>hostile"));
    assert_null(strstr(h, "<b>ministry"));
    assert_null(strstr(h, "<b>bold"));
    assert_null(strstr(h, "<u>post"));
    assert_null(strstr(h, "<i>x</i>"));
    assert_non_null(strstr(h, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x "
                              "onerror=alert(2)&gt;"));
    assert_non_null(strstr(h, "@&quot;&gt;&lt;svg onload=alert(3)&gt;"));
    assert_non_null(strstr(h, "co-reposted &lt;b&gt;bold&lt;/b&gt; with 2 accounts"));
    assert_non_null(strstr(h, "S&quot;2&lt;x&gt;"));
    assert_non_null(strstr(h, "3 accounts &lt;script&gt;x&lt;/script&gt;"));
    assert_non_null(strstr(h, "&lt;bad_json&gt;"));
    /* control bytes and broken UTF-8 replaced; the bidi override isolated in <bdi> */
    assert_null(memchr(h, '\x01', strlen(h)));
    assert_null(memchr(h, '\x7f', strlen(h)));
    assert_non_null(strstr(h, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd("));
    assert_non_null(strstr(h, "<bdi class=\"h\">@\xe2\x80\xae" "evil</bdi>"));
    /* the repost evidence shows the original post once, escaped */
    assert_non_null(strstr(h, "the original &lt;u&gt;post&lt;/u&gt;"));
    free(h);
}

static void test_bounded(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/big.db", dir);
    sqlite3 *d = new_db(db);
    exec(d, "BEGIN");
    row(d, "INSERT INTO run VALUES ('version', 'x')", "");
    /* 120 clusters of 4 accounts, each account with a post */
    for (int k = 0; k < 120; k++) {
        row(d, "INSERT INTO clusters VALUES (?1, 4, ?2, 'repost', ?3, ?3, 'four')", "idi", (int64_t)k,
            0.9 - k / 1000.0, T0);
        for (int j = 0; j < 4; j++) {
            char id[32];
            snprintf(id, sizeof id, "c%d_%d", k, j);
            row(d, "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES (?1, ?1, 1, 0.5, ?2, '{}')", "ti", id, (int64_t)k);
            row(d, "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES (?1, ?1, ?2, 'post', NULL, 'x', NULL)", "ti", id,
                T0 + k * 60 + j);
        }
        char a[32], b[32];
        snprintf(a, sizeof a, "c%d_0", k);
        snprintf(b, sizeof b, "c%d_1", k);
        row(d, "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES (?1, ?2, 'repost', 5, 1, 1, 0.001)", "tt", a, b);
    }
    exec(d, "COMMIT");
    sqlite3_close(d);
    ch_report_opts o;
    ch_report_opts_default(&o);
    o.top_clusters = 5;
    o.max_items = 3;
    ch_report_info info;
    char *h = write_report(db, &o, &info);
    assert_int_equal(count(h, "<details class=\"sec cluster\""), 5);
    assert_non_null(strstr(h, "115 more clusters"));
    /* every member is in the page: past max_items, under a collapsed "more members" */
    assert_non_null(strstr(h, "1 more members (lower scores)"));
    assert_null(strstr(h, "lists them all"));
    assert_int_equal(count(h, "class=\"node\""), 480);
    assert_int_equal(info.clusters_detailed, 5);
    free(h);
}

static void test_empty(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/empty.db", dir);
    sqlite3 *d = new_db(db);
    sqlite3_close(d);
    char *h = write_report(db, NULL, NULL);
    assert_non_null(strstr(h, "data-nodes=\"0\""));
    assert_int_equal(count(h, "class=\"node\""), 0);
    assert_non_null(strstr(h, "No cluster was found"));
    assert_non_null(strstr(h, "</html>"));
    free(h);
}

/* Values no scan writes but a database may hold: wrong types, NULLs, extreme times and
 * weights, dangling references. The report renders (ASan watches) and counts stay exact. */
static void test_chaos(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/chaos.db", dir);
    sqlite3 *d = new_db(db);
    exec(d, "INSERT INTO run VALUES ('version', NULL), ('data.first', '-9000000000000000000'), "
            "('data.last', '9000000000000000000'), ('time.x', 'abc'), ('count.ingest_errors', 'x');"
            "INSERT INTO statements VALUES ('S', NULL, -9000000000000000000, NULL, NULL),"
            " (NULL, 'src', 'tomorrow', 'text', 'en');"
            "INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id) VALUES ('p1', 'a1', 'abc', NULL, NULL, NULL, NULL),"
            " ('p2', 'a2', 9000000000000000000, 'repost', 'p-missing', 'x', 'n'),"
            " ('p3', 'a3', -9000000000000000000, 'repost', NULL, '', NULL),"
            " ('p4', NULL, NULL, 'post', NULL, 'orphan', NULL);"
            "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES ('a1', NULL, NULL, 'high', 7, 'null'),"
            " ('a2', '', -5, 5.0, 7, '[]'), ('a3', 'c', 1, -1.0, 'abc', '{\"top_reasons\":[1,{},null]}'),"
            " ('a4', 'd', 1, NULL, 8, NULL);"
            "INSERT INTO clusters VALUES (7, -3, 1e308, NULL, 9000000000000000000, "
            " -9000000000000000000, NULL), (9, 0, NULL, 'x', NULL, NULL, 'empty');"
            "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES ('a1', 'a2', NULL, NULL, NULL, NULL, NULL),"
            " ('a1', 'a1', 'repost', 5, 1, 1, 0), ('a2', 'a1', 'link', -4, 1, 1, 0),"
            " ('a1', 'zz', 'link', 1e308, 1, 1, 0), (NULL, 'a2', 'link', 1, 1, 1, 0),"
            " ('a3', 'a4', 'repost', 2, 1, 1, 0);"
            "INSERT INTO evidence(account_a, account_b, behaviour, post_a, post_b, object) VALUES ('a1', 'a2', NULL, 'nope', NULL, NULL),"
            " ('a1', 'a2', 'repost', 'p2', 'p1', 'post p-missing');"
            "INSERT INTO matches(post_id, statement_id, similarity, post_start, post_end, stmt_start, stmt_end, before_publication) VALUES ('p2', 'S', NULL, NULL, NULL, NULL, NULL, NULL),"
            " ('p1', 'S', 2.0, -9000000000000000000, 9000000000000000000, 5, 1, 1),"
            " ('nope', 'S', 1, 0, 1, 0, 1, 0);");
    sqlite3_close(d);
    ch_report_info info;
    char *h = write_report(db, NULL, &info);
    /* clustered accounts: a1, a2 (cluster 7), a3 ('abc'), a4 (8) */
    assert_int_equal(info.clustered, 4);
    assert_int_equal(count(h, "class=\"node\""), 4);
    assert_int_equal(info.nodes, 4);
    assert_non_null(strstr(h, "</html>"));
    free(h);
}

static void test_errors(void **state)
{
    (void)state;
    char db[300], out[300], err[512], other[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    snprintf(out, sizeof out, "%s/keep.html", dir);
    fixture(db);
    assert_int_equal(ch_report_write(db, out, NULL, NULL, err, sizeof err), CHORUS_OK);
    size_t before_len;
    char *before = slurp(out, &before_len);

    snprintf(other, sizeof other, "%s/missing.db", dir);
    assert_int_equal(ch_report_write(other, out, NULL, NULL, err, sizeof err), CHORUS_EIO);
    assert_non_null(strstr(err, "cannot open"));
    assert_non_null(strstr(err, "missing.db"));

    /* a text file, and an SQLite file of someone else */
    snprintf(other, sizeof other, "%s/text.db", dir);
    FILE *f = fopen(other, "w");
    fputs("this is not a database, just text that is long enough to have a header ....\n", f);
    fclose(f);
    assert_int_equal(ch_report_write(other, out, NULL, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "not a chorus results database"));
    snprintf(other, sizeof other, "%s/foreign.db", dir);
    sqlite3 *d;
    assert_int_equal(sqlite3_open(other, &d), SQLITE_OK);
    exec(d, "CREATE TABLE recipes (name TEXT)");
    sqlite3_close(d);
    assert_int_equal(ch_report_write(other, out, NULL, NULL, err, sizeof err), CHORUS_EDB);
    assert_non_null(strstr(err, "not a chorus results database"));
    assert_non_null(strstr(err, "no table 'run'"));
    /* a directory is not a database */
    assert_int_equal(ch_report_write(dir, out, NULL, NULL, err, sizeof err), CHORUS_EIO);

    /* the database is not overwritten by its own report */
    assert_int_equal(ch_report_write(db, db, NULL, NULL, err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "is the results database"));
    sqlite3 *check;
    assert_int_equal(sqlite3_open_v2(db, &check, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *cq;
    assert_int_equal(sqlite3_prepare_v2(check, "SELECT count(*) FROM posts", -1, &cq, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(cq), SQLITE_ROW);
    sqlite3_finalize(cq);
    sqlite3_close(check);

    /* unwritable output */
    assert_int_equal(ch_report_write(db, "/nonexistent-dir/r.html", NULL, NULL, err, sizeof err),
                     CHORUS_EIO);
    assert_non_null(strstr(err, "cannot write '/nonexistent-dir/r.html': No such file or directory"));

    /* the report written first is untouched, and no temporary file is left */
    size_t after_len;
    char *after = slurp(out, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q chorus-tmp-", dir);
    assert_int_not_equal(system(cmd), 0);
    free(before);
    free(after);
}

static void test_reproducible(void **state)
{
    (void)state;
    char db[300];
    snprintf(db, sizeof db, "%s/f.db", dir);
    fixture(db);
    char *a = write_report(db, NULL, NULL);
    char *b = write_report(db, NULL, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* Fail the n-th allocation of the library for every n until a report is written: each run
 * must fail cleanly (an error code, no leak under ASan, no partial file) or succeed. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char db[300], out[300], err[512];
    snprintf(db, sizeof db, "%s/f.db", dir);
    snprintf(out, sizeof out, "%s/af.html", dir);
    fixture(db);
    int rc = -1;
    uint64_t n;
    for (n = 1; n < 5000 && rc != CHORUS_OK; n++) {
        unlink(out);
        ch_alloc_fail_after(n);
        rc = ch_report_write(db, out, NULL, NULL, err, sizeof err);
        ch_alloc_fail_after(0);
        if (rc) {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_int_equal(access(out, F_OK), -1);
        }
    }
    assert_int_equal(rc, CHORUS_OK);
    assert_true(n > 5);   /* the loop did exercise failures */
}

/* ---- helpers on their own ------------------------------------------------------------------- */

static char *render(void (*fn)(ch_report_out *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ch_report_out o = {f, 0, 0};
    fn(&o, arg);
    fclose(f);
    assert_int_equal(o.bytes, len);
    return buf;
}

static void esc(ch_report_out *o, const void *s) { ch_report_textz(o, s); }

static void test_escape(void **state)
{
    (void)state;
    char *s = render(esc, "a&b<c>\"d'e");
    assert_string_equal(s, "a&amp;b&lt;c&gt;&quot;d&#39;e");
    free(s);
    s = render(esc, "tab\tnl\ncr\r\x01x");
    assert_string_equal(s, "tab\tnl\ncr\xef\xbf\xbdx");
    free(s);
    /* overlong, surrogate, C1, truncated sequence, and good multibyte text */
    s = render(esc, "\xc0\xaf|\xed\xa0\x80|\xc2\x85|\xe2\x82|é€😀");
    assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
                           "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|é€😀");
    free(s);
}

typedef struct pcase {
    const char *text;
    int64_t a, b;
    size_t ctx, maxmark;
} pcase;

static void pass(ch_report_out *o, const void *arg)
{
    const pcase *p = arg;
    ch_report_passage(o, p->text, strlen(p->text), p->a, p->b, p->ctx, p->maxmark);
}

static void test_passage(void **state)
{
    (void)state;
    pcase p = {"one two three four five", 8, 13, 100, 1000};
    char *s = render(pass, &p);
    assert_string_equal(s, "one two <mark>three</mark> four five");
    free(s);
    /* short context: cut at a word boundary, with ellipses */
    p = (pcase){"alpha beta gamma delta epsilon zeta", 11, 16, 8, 1000};
    s = render(pass, &p);
    assert_string_equal(s, "…beta <mark>gamma</mark> delta…");
    free(s);
    /* a span inside a multibyte character still marks exactly those bytes (repaired) */
    p = (pcase){"aé b", 1, 2, 10, 1000};
    s = render(pass, &p);
    assert_string_equal(s, "a<mark>\xef\xbf\xbd</mark>\xef\xbf\xbd b");
    free(s);
    /* out-of-range and empty spans: an excerpt, no mark */
    p = (pcase){"short text", 3, 99, 10, 1000};
    s = render(pass, &p);
    assert_string_equal(s, "short text");
    free(s);
    p = (pcase){"short text", 4, 4, 10, 1000};
    s = render(pass, &p);
    assert_null(strstr(s, "<mark>"));
    free(s);
    /* a long passage shows its two ends */
    p = (pcase){"xx 0123456789abcdefghij yy", 3, 23, 3, 10};
    s = render(pass, &p);
    assert_string_equal(s, "xx <mark>01234</mark><span class=\"gap\"> […] </span><mark>fghij</mark> yy");
    free(s);
}

static void test_formats(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ch_report_num(0, b), "0");
    assert_string_equal(ch_report_num(1234567, b), "1,234,567");
    assert_string_equal(ch_report_time(T0, b), "2023-02-28 16:00");
    assert_string_equal(ch_report_date(T0, b), "2023-02-28");
    assert_string_equal(ch_report_time(INT64_MAX, b), "?");
    assert_string_equal(ch_report_dur(45, b), "45 seconds");
    assert_string_equal(ch_report_dur(-600, b), "-10 minutes");
    assert_string_equal(ch_report_dur(3 * 3600, b), "3 hours");
    assert_string_equal(ch_report_dur(5 * 86400, b), "5 days");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_passage),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_standalone),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_chaos),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
