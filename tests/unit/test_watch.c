/*
 * test_watch.c — the pieces of `chorus watch`: the horizon (append, eviction in any time
 * order, the saved mark), the JSON buffer, the checkpoint folder (segments written and read
 * back, the lock, state replaced atomically, pruning), the statement echo (K accounts within T,
 * raised once, raised again only after falling below K, state saved and loaded) and the
 * engine (an echo alert through the callback and the alerts table; a resumed engine does not
 * raise it twice).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "watch/alerts.h"
#include "watch/checkpoint.h"
#include "watch/horizon.h"
#include "core/jbuf.h"
#include "watch/watch.h"

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/test_watch.XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void rmtree(const char *d)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    assert_int_equal(system(cmd), 0);
}

/* ---- horizon ---- */

static void test_horizon(void **st)
{
    (void)st;
    ch_horizon h;
    ch_horizon_init(&h);
    assert_int_equal(ch_horizon_append(&h, "{\"a\":1}", 7, 100), 0);
    assert_int_equal(ch_horizon_append(&h, "{\"b\":2}", 7, 50), 0);   /* out of order */
    assert_int_equal(ch_horizon_append(&h, "{\"c\":3}", 7, 200), 0);
    assert_int_equal(h.n, 3);
    assert_memory_equal(h.buf, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", h.len);
    h.saved = 2;
    /* everything older than 101 goes, wherever it is; the order of the others is kept */
    assert_int_equal(ch_horizon_evict(&h, 101), 2);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.saved, 0);   /* both saved records were evicted */
    assert_memory_equal(ch_horizon_data(&h, 0), "{\"c\":3}\n", 8);
    assert_int_equal(h.len, 8);
    assert_int_equal(ch_horizon_evict(&h, 0), 0);
    /* many records, evicted by halves: memory is given back */
    for (int i = 0; i < 10000; i++)
        assert_int_equal(ch_horizon_append(&h, "{\"x\":\"0123456789\"}", 18, 1000 + i), 0);
    size_t big = ch_horizon_bytes(&h);
    assert_int_equal(ch_horizon_evict(&h, 1000 + 9900), 9900 + 1);
    assert_int_equal(h.n, 100);
    assert_true(ch_horizon_bytes(&h) < big);
    assert_int_equal(h.rec[0].time, 10900);
    ch_horizon_free(&h);
}

/* ---- jbuf ---- */

static void test_jbuf(void **st)
{
    (void)st;
    ch_jbuf b = {0};
    ch_jbuf_str(&b, "a\"b\\c\n\x01é");
    ch_jbuf_put(&b, ",");
    ch_jbuf_str(&b, NULL);
    ch_jbuf_put(&b, ",");
    ch_jbuf_i64(&b, INT64_MIN);
    assert_true(ch_jbuf_ok(&b));
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\u0001é\",null,-9223372036854775808");
    ch_jbuf_free(&b);
    ch_jbuf small = {.max = 8};
    ch_jbuf_put(&small, "0123456789");
    assert_false(ch_jbuf_ok(&small));   /* past its limit: failed, and stays so */
    ch_jbuf_free(&small);
}

/* ---- checkpoint ---- */

typedef struct seen {
    int n;
    size_t src[8];
    int64_t t[8];
    char data[8][32];
} seen;

static int on_rec(void *ctx, size_t source, int64_t time, const char *data, size_t len)
{
    seen *s = ctx;
    if (s->n >= 8 || len >= 32)
        return CHORUS_EPARSE;
    s->src[s->n] = source;
    s->t[s->n] = time;
    memcpy(s->data[s->n], data, len);
    s->data[s->n][len] = '\0';
    s->n++;
    return 0;
}

static void test_checkpoint(void **st)
{
    (void)st;
    char *dir = tmpdir();
    char ck[600], err[512];
    snprintf(ck, sizeof ck, "%s/ck", dir);
    ch_ckpt *k = NULL, *k2 = NULL;
    assert_int_equal(ch_ckpt_open(ck, false, &k, err, sizeof err), 0);
    /* a second watcher on the same folder is refused */
    assert_int_equal(ch_ckpt_open(ck, false, &k2, err, sizeof err), CHORUS_EUSAGE);
    assert_null(k2);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(ch_ckpt_read_state(k, &text, &len, err, sizeof err), 0);
    assert_null(text);   /* none yet */

    ch_horizon h0, h1;
    ch_horizon_init(&h0);
    ch_horizon_init(&h1);
    assert_int_equal(ch_horizon_append(&h0, "{\"a\":1}", 7, 10), 0);
    assert_int_equal(ch_horizon_append(&h1, "{\"b\":\"x\\ty\"}", 12, 30), 0);
    ch_horizon *hs[2] = {&h0, &h1};
    char name[CH_CKPT_SEG_NAME];
    int64_t maxt;
    uint64_t nrec;
    assert_int_equal(ch_ckpt_write_segment(k, 1, hs, 2, false, name, &maxt, &nrec, err, sizeof err), 0);
    assert_int_equal(nrec, 2);
    assert_int_equal(maxt, 30);
    assert_int_equal(h0.saved, 1);
    /* nothing new: no segment */
    char name2[CH_CKPT_SEG_NAME];
    assert_int_equal(ch_ckpt_write_segment(k, 2, hs, 2, false, name2, &maxt, &nrec, err, sizeof err), 0);
    assert_string_equal(name2, "");
    seen s = {0};
    assert_int_equal(ch_ckpt_read_segment(k, name, on_rec, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.src[0], 0);
    assert_int_equal(s.t[0], 10);
    assert_string_equal(s.data[0], "{\"a\":1}");
    assert_int_equal(s.src[1], 1);
    assert_string_equal(s.data[1], "{\"b\":\"x\\ty\"}");

    assert_int_equal(ch_ckpt_write_state(k, "{\"v\":1}", 7, err, sizeof err), 0);
    assert_int_equal(ch_ckpt_write_state(k, "{\"v\":2}", 7, err, sizeof err), 0);
    assert_int_equal(ch_ckpt_read_state(k, &text, &len, err, sizeof err), 0);
    assert_string_equal(text, "{\"v\":2}");
    ch_free(text);
    /* pruning keeps what is named, removes the rest */
    assert_int_equal(ch_horizon_append(&h0, "{\"c\":1}", 7, 40), 0);
    assert_int_equal(ch_ckpt_write_segment(k, 3, hs, 2, false, name2, &maxt, &nrec, err, sizeof err), 0);
    const char *keep[] = {name2};
    ch_ckpt_prune(k, keep, 1);
    char p[700];
    snprintf(p, sizeof p, "%s/%s", ck, name);
    assert_int_not_equal(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/%s", ck, name2);
    assert_int_equal(access(p, F_OK), 0);
    ch_ckpt_close(k);
    /* released: the folder can be opened again, and fresh removes the old state */
    assert_int_equal(ch_ckpt_open(ck, true, &k, err, sizeof err), 0);
    assert_int_equal(ch_ckpt_read_state(k, &text, &len, err, sizeof err), 0);
    assert_null(text);
    ch_ckpt_close(k);
    ch_horizon_free(&h0);
    ch_horizon_free(&h1);
    rmtree(dir);
    free(dir);
}

/* ---- statement echo ---- */

static void test_echo(void **st)
{
    (void)st;
    ch_echo *e = NULL;
    ch_alertq q = {.next_id = 1};
    assert_int_equal(ch_echo_new(3, 600, &e), 0);
    /* the same account three times is one account */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ch_echo_add(e, "S1", 1, "a1", "p", 1000 + i, 1000 + i, &q, 5), 0);
    assert_int_equal(q.n, 0);
    assert_int_equal(ch_echo_add(e, "S1", 2, "a2", "p2", 1100, 1100, &q, 5), 0);
    assert_int_equal(q.n, 0);
    /* a match outside the window does not count: a1 and a2 are forgotten at t = 1800 */
    assert_int_equal(ch_echo_add(e, "S1", 3, "a3", "p3", 1800, 1800, &q, 5), 0);
    assert_int_equal(q.n, 0);
    assert_int_equal(ch_echo_add(e, "S1", 4, "a4", "p4", 1810, 1810, &q, 5), 0);
    assert_int_equal(ch_echo_add(e, "S2", 5, "a5", "p5", 1810, 1810, &q, 5), 0);   /* another statement */
    assert_int_equal(q.n, 0);
    assert_int_equal(ch_echo_add(e, "S1", 5, "a5", "p6", 1820, 1820, &q, 5), 0);
    assert_int_equal(q.n, 1);
    assert_string_equal(q.a[0].kind, "statement_echo");
    assert_string_equal(q.a[0].statement_id, "S1");
    assert_int_equal(q.a[0].id, 1);
    assert_non_null(strstr(q.a[0].evidence, "\"p6\""));
    assert_non_null(strstr(q.a[0].evidence, "\"a3\""));
    /* still at K: not raised again */
    assert_int_equal(ch_echo_add(e, "S1", 6, "a6", "p7", 1830, 1830, &q, 5), 0);
    assert_int_equal(q.n, 1);

    /* saved and loaded: the loaded state does not raise it again either */
    ch_jbuf b = {0};
    ch_echo_save(e, &b);
    assert_true(ch_jbuf_ok(&b));
    ch_json_parser *jp = NULL;
    assert_int_equal(ch_json_parser_new(0, &jp), 0);
    ch_json_val root;
    assert_int_equal(ch_json_parse(jp, b.p, b.len, false, &root, NULL), CH_JSON_OK);
    ch_echo *e2 = NULL;
    assert_int_equal(ch_echo_new(3, 600, &e2), 0);
    assert_int_equal(ch_echo_load(e2, root), 0);
    assert_int_equal(ch_echo_add(e2, "S1", 7, "a7", "p8", 1840, 1840, &q, 5), 0);
    assert_int_equal(q.n, 1);
    /* after falling below K (the window passes), reaching K again raises a new alert */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ch_echo_add(e2, "S1", 10 + (uint64_t)i, "b", "q", 5000 + i, 5000 + i, &q, 5), 0);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.a[1].id, 2);

    /* the queue saved and loaded */
    ch_jbuf qb = {0};
    ch_alertq_save(&q, &qb);
    assert_true(ch_jbuf_ok(&qb));
    assert_int_equal(ch_json_parse(jp, qb.p, qb.len, false, &root, NULL), CH_JSON_OK);
    ch_alertq q2 = {.next_id = 1};
    assert_int_equal(ch_alertq_load(&q2, root), 0);
    assert_int_equal(q2.n, 2);
    assert_int_equal(q2.next_id, 3);
    assert_string_equal(q2.a[1].statement_id, "S1");
    ch_alertq_free(&q2);
    ch_jbuf_free(&qb);
    ch_json_parser_free(jp);
    ch_jbuf_free(&b);
    ch_echo_free(e2);
    ch_echo_free(e);
    ch_alertq_free(&q);
}

/* ---- the engine ---- */

typedef struct got {
    int n;
    char last[4096];
} got;

static void on_alert(void *ctx, const char *json)
{
    got *g = ctx;
    g->n++;
    snprintf(g->last, sizeof g->last, "%s", json);
}

static int64_t count_rows(const char *db, const char *sql)
{
    sqlite3 *d = NULL;
    sqlite3_stmt *q = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(d, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(d);
    return n;
}

#define TEXT "The harbour expansion will create ten thousand jobs for the people of the coast"

static void feed_posts(ch_watch *w, int from, int to)
{
    char line[512], err[256];
    for (int i = from; i < to; i++) {
        int n = snprintf(line, sizeof line,
                         "{\"id\":\"p%d\",\"author_id\":\"a%d\",\"author\":\"u%d\",\"created_at\":%d,"
                         "\"text\":\"" TEXT "\",\"kind\":\"post\"}",
                         i, i, i, 1700000000 + 60 * i);
        assert_int_equal(ch_watch_feed(w, line, (size_t)n, err, sizeof err), 0);
    }
}

static void test_engine(void **st)
{
    (void)st;
    char *dir = tmpdir();
    char db[600], stmts[600], err[512];
    snprintf(db, sizeof db, "%s/live.db", dir);
    snprintf(stmts, sizeof stmts, "%s/s.jsonl", dir);
    FILE *f = fopen(stmts, "w");
    assert_non_null(f);
    fprintf(f, "{\"id\":\"S1\",\"text\":\"%s\"}\n", TEXT);
    fclose(f);
    const char *paths[] = {stmts};
    got g = {0};
    ch_watch_opts o = {.db_path = db, .echo_k = 3, .threads = 1,
                       .reader = ch_reader_find("chorus"), .stmt_paths = paths, .nstmt = 1,
                       .alert = on_alert, .alert_ctx = &g};
    ch_watch *w = NULL;
    assert_int_equal(ch_watch_open(&o, NULL, 0, "feed", &w, err, sizeof err), 0);
    feed_posts(w, 0, 2);
    assert_int_equal(ch_watch_refresh(w, err, sizeof err), 0);   /* checkpoint after 2 */
    feed_posts(w, 2, 4);
    assert_int_equal(ch_watch_flush(w, err, sizeof err), 0);
    assert_int_equal(g.n, 1);
    assert_non_null(strstr(g.last, "\"kind\":\"statement_echo\""));
    assert_non_null(strstr(g.last, "\"statement_id\":\"S1\""));
    assert_int_equal(count_rows(db, "select count(*) from alerts"), 1);
    ch_watch_stats s;
    ch_watch_stats_get(w, &s);
    assert_int_equal(s.records, 4);
    assert_int_equal(s.posts_matched, 4);
    /* a crash here: the engine is dropped without a checkpoint of posts 2 and 3 */
    ch_watch_close(w);

    /* resumed: 2 records back from the checkpoint; the same posts read again raise the same
     * alert (same id), which is neither inserted nor announced again */
    g.n = 0;
    assert_int_equal(ch_watch_open(&o, NULL, 0, "feed", &w, err, sizeof err), 0);
    ch_watch_stats_get(w, &s);
    assert_int_equal(s.records, 2);
    assert_int_equal(s.held, 2);
    feed_posts(w, 2, 4);
    assert_int_equal(ch_watch_refresh(w, err, sizeof err), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(count_rows(db, "select count(*) from alerts"), 1);
    assert_int_equal(count_rows(db, "select count(*) from posts"), 4);
    assert_int_equal(count_rows(db, "select value from run where key = 'watch.records'"), 4);
    ch_watch_close(w);
    /* another watcher of other sources on the same checkpoint is refused */
    assert_int_equal(ch_watch_open(&o, NULL, 0, "other", &w, err, sizeof err), CHORUS_EUSAGE);
    assert_null(w);
    assert_non_null(strstr(err, "other sources"));
    rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_horizon),   cmocka_unit_test(test_jbuf),
        cmocka_unit_test(test_checkpoint), cmocka_unit_test(test_echo),
        cmocka_unit_test(test_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
