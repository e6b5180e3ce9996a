/* test_report_timeline.c — the report's "Coordination over time" section on hand-built
 * databases: a database without the timeline table (before schema 3) gets a line and no chart,
 * an empty table and a single hour render, a planted spike gets its marker and a table row
 * naming the cluster that posted in that hour, long periods are drawn per day or per week
 * with at most CH_REPORT_TL_MAX_POINTS points (and say so), and values no scan writes (text
 * times, negative counts, huge z-scores) still render. Also the point width on its own. */
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

#define H0 INT64_C(1677628800)   /* 2023-03-01 00:00 UTC */

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-report-tl-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sql: %s: %s", msg, sql);
}

static sqlite3 *new_db(const char *name, char path[300])
{
    sqlite3 *db;
    snprintf(path, 300, "%s/%s", dir, name);
    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, ch_schema_sql);
    exec(db, ch_indexes_sql);
    exec(db, "INSERT INTO run VALUES ('version', 'test')");
    return db;
}

static void hour(sqlite3 *db, int64_t t, int64_t events, double coord, double z, int spike)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO timeline VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
                                        -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, t);
    sqlite3_bind_int64(q, 2, events);
    sqlite3_bind_double(q, 3, coord);
    sqlite3_bind_double(q, 4, z);
    sqlite3_bind_int(q, 5, spike);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
}

static char *slurp(const char *path)
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
    return s;
}

static char *report(const char *db)
{
    char out[300], err[512];
    snprintf(out, sizeof out, "%s/r.html", dir);
    int rc = ch_report_write(db, out, NULL, NULL, err, sizeof err);
    if (rc)
        fail_msg("ch_report_write: %d %s", rc, err);
    return slurp(out);
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0, n = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + n, needle))
        k++;
    return k;
}

/* The section of the page (from its opening tag to the next section). */
static const char *section(const char *h)
{
    const char *s = strstr(h, "<section id=\"timeline\">");
    assert_non_null(s);
    return s;
}

static long points(const char *h)
{
    const char *p = strstr(section(h), "data-points=\"");
    return p ? strtol(p + 13, NULL, 10) : -1;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_width(void **state)
{
    (void)state;
    const int64_t week = 7 * 86400;
    assert_int_equal(ch_report_tl_width(H0, H0, 1200), 3600);
    assert_int_equal(ch_report_tl_width(H0, H0 + 1198 * 3600, 1200), 3600);
    assert_int_equal(ch_report_tl_width(H0, H0 + 1199 * 3600, 1200), 86400);
    assert_int_equal(ch_report_tl_width(H0, H0 + 1000 * 86400LL, 1200), 86400);
    assert_int_equal(ch_report_tl_width(H0, H0 + 1300 * 86400LL, 1200), week);
    /* any span: a width of the three kinds whose points fit, and the smallest such */
    const int64_t spans[] = {0, 3600, 86400 * 50, 86400 * 49, 86400 * 4000LL, 86400 * 40000LL,
                             253402300799LL + 62135596800LL};
    const size_t maxes[] = {1, 2, 3, 10, 1200};
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++)
        for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
            const int64_t w = ch_report_tl_width(0, spans[i], maxes[m]);
            assert_true(w == 3600 || w == 86400 || w % week == 0);
            const uint64_t mx = maxes[m] < 3 ? 3 : maxes[m];
            assert_true((uint64_t)(spans[i] / w) + 2 <= mx);
            if (w > week)
                assert_true((uint64_t)(spans[i] / (w - week)) + 2 > mx);
        }
}

/* A database written before schema 3 has no timeline table: a line says so, no chart. */
static void test_no_table(void **state)
{
    (void)state;
    char path[300];
    sqlite3 *db = new_db("old.db", path);
    exec(db, "DROP TABLE timeline; PRAGMA application_id = 1128813139; PRAGMA user_version = 2");
    sqlite3_close(db);
    char *h = report(path);
    assert_non_null(strstr(section(h), "has no coordination timeline"));
    assert_non_null(strstr(h, "<a href=\"#timeline\">Over time</a>"));
    assert_null(strstr(h, "class=\"tl\""));
    assert_non_null(strstr(h, "</html>"));
    free(h);
}

static void test_empty(void **state)
{
    (void)state;
    char path[300];
    sqlite3_close(new_db("empty.db", path));
    char *h = report(path);
    assert_non_null(strstr(section(h), "The timeline is empty"));
    assert_null(strstr(h, "class=\"tl\""));
    free(h);
}

static void test_one_hour(void **state)
{
    (void)state;
    char path[300];
    sqlite3 *db = new_db("one.db", path);
    hour(db, H0 + 5 * 3600, 7, 0.0, 0.0, 0);
    sqlite3_close(db);
    char *h = report(path);
    assert_int_equal(points(h), 1);
    assert_int_equal(count(h, "class=\"spike\""), 0);
    assert_non_null(strstr(section(h), "No hour stands out"));
    assert_non_null(strstr(section(h), "posts per hour (7 in all, peak 7)"));
    /* the date on the axis, in words */
    assert_non_null(strstr(section(h), "03-01 "));
    free(h);
}

/* Two days of quiet hours and one planted burst: cluster 0 posts 6 times in hour 30. */
static void test_spike(void **state)
{
    (void)state;
    char path[300];
    sqlite3 *db = new_db("spike.db", path);
    exec(db, "BEGIN");
    for (int i = 0; i < 48; i++)
        hour(db, H0 + i * 3600, 20, i == 30 ? 0.6 : 0.02, i == 30 ? 9.25 : 0.1, i == 30);
    exec(db, "INSERT INTO clusters VALUES (0, 2, 0.9, 'repost', 0, 0, 'two'),"
             " (1, 2, 0.8, 'link', 0, 0, 'two more');"
             "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES"
             " ('a1', 'alice', 4, 0.9, 0, '{}'), ('a2', 'bob', 2, 0.9, 0, '{}'),"
             " ('a3', 'carol', 1, 0.8, 1, '{}'), ('a4', 'dan', 9, 0.1, NULL, '{}')");
    const char *who[] = {"a1", "a1", "a1", "a1", "a2", "a2", "a3", "a4", "a4"};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "INSERT INTO posts(post_id, account_id, created_at, kind, text) "
                                  "VALUES ('p%zu', '%s', %lld, 'post', 'x')",
                 i, who[i], (long long)(H0 + 30 * 3600 + 60 * (int64_t)i));
        exec(db, sql);
    }
    /* a post of a member in the next hour is not the spike's */
    exec(db, "INSERT INTO posts(post_id, account_id, created_at, kind, text) VALUES "
             "('late', 'a3', 1677740400, 'post', 'x')");   /* H0 + 31 h */
    exec(db, "COMMIT");
    sqlite3_close(db);
    char *h = report(path);
    const char *s = section(h);
    assert_int_equal(points(h), 48);
    assert_int_equal(count(h, "class=\"spike\""), 1);
    assert_non_null(strstr(s, "data-spikes=\"1\""));
    assert_non_null(strstr(s, "<title>2023-03-02 06:00 UTC: spike, 60% of 20 posts by accounts "
                              "in clusters, robust z 9.2</title>"));
    assert_non_null(strstr(s, "The strongest spikes"));
    assert_non_null(strstr(s, "<td>2023-03-02 06:00</td>"));
    /* what drove it: cluster 0 first (6 posts), then cluster 1 (1), linked to their sections */
    assert_non_null(strstr(s, "#0</a> (6 posts), "));
    assert_non_null(strstr(s, "#1</a> (1 post)</td>"));
    assert_non_null(strstr(s, "1 spike hour<"));
    assert_null(strstr(s, "too long to draw hour by hour"));
    free(h);
}

/* Three years of an hour every 50 hours: days; 40 years: weeks. Points stay bounded. */
static void test_long(void **state)
{
    (void)state;
    char path[300];
    sqlite3 *db = new_db("long.db", path);
    exec(db, "BEGIN");
    for (int64_t i = 0; i < 3 * 365 * 24 / 50; i++)
        hour(db, H0 + i * 50 * 3600, 3, i % 97 == 0 ? 1.0 : 0.0, i % 97 == 0 ? 5.0 : 0.0,
             i % 97 == 0);
    exec(db, "COMMIT");
    sqlite3_close(db);
    char *h = report(path);
    long np = points(h);
    assert_true(np > 1000 && np <= CH_REPORT_TL_MAX_POINTS);
    assert_non_null(strstr(section(h), "too long to draw hour by hour"));
    assert_non_null(strstr(section(h), "each point is a day"));
    assert_non_null(strstr(section(h), "posts per day"));
    assert_int_equal(count(h, "class=\"spike\""), 3 * 365 * 24 / 50 / 97 + 1);
    free(h);

    db = new_db("longer.db", path);
    hour(db, H0, 1, 0, 0, 0);
    hour(db, H0 + 40 * 365 * 86400LL, 1, 1, 4, 1);
    sqlite3_close(db);
    h = report(path);
    np = points(h);
    assert_true(np >= 2 && np <= CH_REPORT_TL_MAX_POINTS);
    assert_non_null(strstr(section(h), "each point is 14 days"));
    assert_non_null(strstr(section(h), "days from "));
    assert_int_equal(count(h, "class=\"spike\""), 1);
    free(h);
}

/* Values no scan writes: the section renders (ASan watches) with sane numbers. */
static void test_chaos(void **state)
{
    (void)state;
    char path[300];
    sqlite3 *db = new_db("chaos.db", path);
    exec(db, "INSERT INTO timeline VALUES (9000000000000000000, -5, -5, 1e308, 1e308, 1),"
             " (-9000000000000000000, 9000000000000000000, 1, -3, -1e308, 1),"
             " (1677632400, 'x', NULL, 'y', 'z', 'w'), (NULL, 1, 1, 0.5, 0, 0),"
             " (1677628800, 2, 2, NULL, NULL, NULL)");
    sqlite3_close(db);
    char *h = report(path);
    long np = points(h);
    assert_true(np >= 1 && np <= CH_REPORT_TL_MAX_POINTS);
    assert_null(strstr(section(h), "nan"));
    assert_null(strstr(section(h), "inf"));
    assert_non_null(strstr(h, "</html>"));
    free(h);
}

/* Every allocation of a report with a timeline failed in turn: an error or a report. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char path[300], out[300], err[512];
    sqlite3 *db = new_db("af.db", path);
    for (int i = 0; i < 5; i++)
        hour(db, H0 + i * 3600, 4, i == 2 ? 0.5 : 0, i == 2 ? 6 : 0, i == 2);
    sqlite3_close(db);
    snprintf(out, sizeof out, "%s/af.html", dir);
    int rc = -1;
    for (uint64_t n = 1; n < 2000 && rc != CHORUS_OK; n++) {
        unlink(out);
        ch_alloc_fail_after(n);
        rc = ch_report_write(path, out, NULL, NULL, err, sizeof err);
        ch_alloc_fail_after(0);
        if (rc) {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_int_equal(access(out, F_OK), -1);
        }
    }
    assert_int_equal(rc, CHORUS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_no_table),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_one_hour),
        cmocka_unit_test(test_spike),
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_chaos),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
