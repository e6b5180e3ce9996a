/* test_api.c — the public API (include/chorus.h) as a client sees it: options by key with
 * their messages, the option and format lists, the three jobs (ingest, scan, match) with
 * their diagnostics, progress, summary figures and JSON, the rules for inputs that cannot be
 * read, a handle that runs one job only, the read API over the database a scan wrote
 * (filters, order, paging, not found), the report and export wrappers, and allocation
 * failures at every point of a small ingest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "detect/parrot/parrot.h"
#include "detect/score/score.h"
#include "ingest/ingest.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-api-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* A corpus with a planted network: 8 accounts repost the same 40 originals within seconds of
 * each other; 120 others post and repost at random over two weeks. */
static unsigned long rnd(unsigned long *x)
{
    *x = *x * 6364136223846793005UL + 1442695040888963407UL;
    return *x >> 33;
}

static void write_corpus(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    const long t0 = 1677628800;
    unsigned long x = 12345;
    /* two sources: reposting every post of one popular account counts once (an audience's
     * act, docs/coordination.md §5); the network amplifies two */
    for (int i = 0; i < 40; i++)
        fprintf(f, "{\"id\":\"o%d\",\"author_id\":\"src%d\",\"author\":\"source%d\","
                   "\"created_at\":%ld,\"text\":\"original number %d about the harbour\"}\n",
                i, i % 2, i % 2, t0 + i * 20000L, i);
    for (int i = 0; i < 40; i++)
        for (int a = 0; a < 8; a++)
            fprintf(f, "{\"id\":\"r%d_%d\",\"author_id\":\"bot%d\",\"author\":\"bot_%d\","
                       "\"created_at\":%ld,\"kind\":\"repost\",\"ref_id\":\"o%d\","
                       "\"text\":\"RT @source%d: original number %d about the harbour\"}\n",
                    i, a, a, a, t0 + i * 20000L + 30 + a * 3, i, i % 2, i);
    for (int u = 0; u < 120; u++) {
        for (int k = 0; k < 12; k++) {
            long t = t0 + (long)(rnd(&x) % (14 * 86400));
            unsigned long a = rnd(&x), b = rnd(&x);
            if (a % 3 == 0)
                fprintf(f, "{\"id\":\"h%d_%d\",\"author_id\":\"user%d\",\"created_at\":%ld,"
                           "\"kind\":\"repost\",\"ref_id\":\"o%lu\",\"text\":\"RT\"}\n",
                        u, k, u, t, b % 40);
            else
                fprintf(f, "{\"id\":\"h%d_%d\",\"author_id\":\"user%d\",\"created_at\":%ld,"
                           "\"text\":\"my own words %lu and %lu\"}\n",
                        u, k, u, t, a, b);
        }
    }
    fputs("{\"id\":\"broken\n", f);                  /* one bad record */
    fclose(f);
}

/* ---- options and vocabulary ---------------------------------------------------------------- */

static void test_options(void **state)
{
    (void)state;
    chorus_scan *s;
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_error(s)->code, CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "window", "60"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "window", "auto"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "threads", "0"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "strict", "yes"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "threshold", "0.8"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "format", "twitter-v1"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "map", "id=tweetid,time=ts"), CHORUS_OK);

    /* a bad value names the key first and keeps the old value */
    assert_int_equal(chorus_scan_set(s, "window", "-5"), CHORUS_EUSAGE);
    assert_string_equal(chorus_scan_error(s)->message,
                        "window takes 'auto', seconds between 1 and 2592000, or entries "
                        "BEHAVIOUR=SECONDS separated by commas (repost=60,link=600), not '-5'");
    assert_int_equal(chorus_scan_set(s, "threads", "many"), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(s)->message, "threads takes"));
    assert_int_equal(chorus_scan_set(s, "threshold", "0"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "threshold", "1.5"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "strict", "maybe"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "format", "myspace"), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(s)->message, "twitter-v1"));   /* lists them */
    assert_int_equal(chorus_scan_set(s, "map", "colour=x"), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(s)->message, "map takes"));
    assert_int_equal(chorus_scan_set(s, "windw", "60"), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(s)->message, "unknown option 'windw'"));
    assert_non_null(strstr(chorus_scan_error(s)->message, "window"));
    assert_int_equal(chorus_scan_set(s, NULL, "1"), CHORUS_EUSAGE);
    /* expert controls */
    assert_int_equal(chorus_scan_set(s, "window", "repost=60, link=600"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "window", "60,Thread=3600"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "window", "auto,like=30"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "window", "repost=0"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "window", "repost=60,"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "window", "retweet=60"), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(s)->message, "unknown behaviour 'retweet'"));
    assert_non_null(strstr(chorus_scan_error(s)->message, "thread"));   /* lists them */
    assert_int_equal(chorus_scan_set(s, "behaviours", "repost,link"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "behaviours", "all"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "behaviours", "repost,,link"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "behaviours", ""), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "min_events", "3"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "min_events", "0"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "min_events", "auto"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "fdr", "0.05"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "fdr", "0"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "fdr", "nan"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "compat", "CooRTweet"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "compat", "cnt"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "compat", "none"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "compat", "purisa"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "similarity", "0.9"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "similarity", "1.1"), CHORUS_EUSAGE);
    /* a good call clears the last error */
    assert_int_equal(chorus_scan_set(s, "window", "3600"), CHORUS_OK);
    assert_int_equal(chorus_scan_error(s)->code, CHORUS_OK);
    /* inputs and statements are checked when added */
    assert_int_equal(chorus_scan_add_input(s, "x.csv", "nope", NULL), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_add_input(s, "x.csv", "csv", "bogus"), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_add_input(s, "", NULL, NULL), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_add_input(s, "x.csv", "csv", "id=a,time=b"), CHORUS_OK);
    assert_int_equal(chorus_scan_input_count(s), 1);
    assert_int_equal(chorus_scan_add_statements(s, NULL, false), CHORUS_EUSAGE);
    chorus_scan_free(s);
    chorus_scan_free(NULL);
}

static void test_vocabulary(void **state)
{
    (void)state;
    /* every option is listed, found by key, and documented */
    size_t n = 0;
    for (const chorus_option_info *o; (o = chorus_option_at(n)); n++) {
        assert_ptr_equal(chorus_option_find(o->key), o);
        assert_true(strlen(o->help) > 10 && o->values && o->default_value);
    }
    assert_true(n >= 9);
    assert_null(chorus_option_find("nope"));
    /* the documented defaults are the stages' */
    ch_parrot_params pp;
    ch_parrot_params_default(&pp);
    assert_float_equal(strtod(chorus_option_find("threshold")->default_value, NULL), pp.threshold,
                       1e-9);
    assert_float_equal(CHORUS_SCORE_FLAG, CH_SCORE_FLAG, 1e-12);
    /* formats: the reader table, in order */
    size_t k = 0;
    for (const chorus_format_info *f; (f = chorus_format_at(k)); k++)
        assert_string_equal(f->name, ch_reader_at(k)->name);
    assert_int_equal(k, ch_reader_count());
    size_t r = 0;
    while (chorus_reason_at(r))
        r++;
    assert_int_equal(r, CH_R__COUNT);
    assert_string_equal(chorus_reason_at(0), "bad_json");
    char buf[48];
    assert_string_equal(chorus_time_format(0, buf, sizeof buf), "1970-01-01T00:00:00Z");
    assert_string_equal(chorus_time_format(CHORUS_NULL, buf, sizeof buf), "unknown");
    assert_string_equal(chorus_time_format(INT64_MAX, buf, sizeof buf), "unknown");
    assert_string_equal(chorus_strerror(CHORUS_ENOTFOUND), "not found");
    assert_non_null(chorus_version());
}

/* ---- jobs ------------------------------------------------------------------------------------ */

typedef struct seen {
    int diags, file_diags, stages, reads;
    char last_reason[32];
    char stage_list[512];
} seen;

static void on_diag(void *ctx, const chorus_diag *d)
{
    seen *s = ctx;
    s->diags++;
    if (d->line == 0) {
        s->file_diags++;
        assert_null(d->reason);
    } else {
        snprintf(s->last_reason, sizeof s->last_reason, "%s", d->reason);
    }
    assert_non_null(d->message);
    assert_non_null(d->file);
}

static void on_progress(void *ctx, const chorus_progress *p)
{
    seen *s = ctx;
    assert_non_null(p->stage);
    assert_non_null(p->what);
    if (!strcmp(p->stage, "read")) {
        s->reads++;
        if (s->reads > 1)
            return;
    }
    s->stages++;
    size_t n = strlen(s->stage_list);
    snprintf(s->stage_list + n, sizeof s->stage_list - n, "%s%s", n ? "," : "", p->stage);
}

static int64_t count(const chorus_scan *s, const char *name)
{
    int64_t v = -1;
    assert_int_equal(chorus_scan_count(s, name, &v), CHORUS_OK);
    return v;
}

static void test_ingest(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/corpus.jsonl", dir);
    write_corpus(path);
    chorus_scan *s;
    seen sn = {0};
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    chorus_scan_set_diag(s, on_diag, &sn);
    chorus_scan_set_progress(s, on_progress, &sn);
    assert_int_equal(chorus_scan_add_input(s, path, NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/chorus_sample.jsonl", "chorus", NULL),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, "/nonexistent/x.jsonl", NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_ingest(s), CHORUS_OK);
    assert_int_equal(count(s, "inputs"), 3);
    assert_int_equal(count(s, "inputs_failed"), 1);
    assert_int_equal(count(s, "errors"), 1);
    assert_int_equal(count(s, "errors_by_reason.bad_json"), 1);
    assert_true(count(s, "by_kind.repost") >= 320);   /* the planted network's, and more */
    assert_true(count(s, "posts") > 1500);
    assert_int_equal(count(s, "posts"),
                     count(s, "by_kind.post") + count(s, "by_kind.repost") +
                         count(s, "by_kind.reply") + count(s, "by_kind.quote") +
                         count(s, "by_kind.like"));
    assert_true(count(s, "first") >= 1677628800);
    int64_t v;
    assert_int_equal(chorus_scan_count(s, "clusters", &v), CHORUS_ENOTFOUND);
    assert_int_equal(chorus_scan_count(s, "by_kind.nope", &v), CHORUS_ENOTFOUND);
    assert_int_equal(sn.diags, 2);
    assert_int_equal(sn.file_diags, 1);
    assert_string_equal(sn.last_reason, "bad_json");
    assert_string_equal(sn.stage_list, "read");
    /* per input: its format, its share, or why it failed */
    chorus_input_info in;
    assert_int_equal(chorus_scan_input(s, 0, &in), CHORUS_OK);
    assert_string_equal(in.format, "chorus");
    assert_int_equal(in.status, CHORUS_OK);
    assert_int_equal(in.errors, 1);
    assert_int_equal(chorus_scan_input(s, 2, &in), CHORUS_OK);
    assert_null(in.format);
    assert_int_equal(in.status, CHORUS_EIO);
    assert_int_equal(chorus_scan_input(s, 3, &in), CHORUS_ENOTFOUND);
    double secs;
    assert_int_equal(chorus_scan_seconds(s, "read", &secs), CHORUS_OK);
    assert_int_equal(chorus_scan_seconds(s, "coact", &secs), CHORUS_ENOTFOUND);
    const char *j = chorus_scan_summary_json(s);
    assert_non_null(j);
    assert_non_null(strstr(j, "\"errors_by_reason\":{\"bad_json\":1}"));
    assert_non_null(strstr(j, "\"formats\":[\"chorus\",\"chorus\",null]"));
    /* one job per handle */
    assert_int_equal(chorus_scan_ingest(s), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_add_input(s, path, NULL, NULL), CHORUS_EUSAGE);
    assert_int_equal(chorus_scan_set(s, "window", "60"), CHORUS_EUSAGE);
    chorus_scan_free(s);

    /* strict: the first bad record stops the job */
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "strict", "true"), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, path, NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_ingest(s), CHORUS_EPARSE);
    assert_string_equal(chorus_scan_error(s)->file, path);
    assert_non_null(strstr(chorus_scan_error(s)->message, "stopping at the first bad record"));
    assert_non_null(chorus_scan_summary_json(s));   /* what was read is still summed up */
    chorus_scan_free(s);

    /* no input */
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_ingest(s), CHORUS_EUSAGE);
    assert_null(chorus_scan_summary_json(s));
    chorus_scan_free(s);
}

typedef struct rows {
    int n, stop_after;
    int64_t last_cluster_score_x1000;
    char first_id[64];
} rows;

static int count_match(void *ctx, const chorus_match *m)
{
    rows *r = ctx;
    if (!r->n)
        snprintf(r->first_id, sizeof r->first_id, "%s", m->post_id);
    r->n++;
    assert_true(m->post_start >= 0 && m->post_end <= (int64_t)m->post_len);
    assert_true(m->stmt_start >= 0 && m->stmt_end <= (int64_t)m->statement_len);
    assert_true(m->similarity > 0 && m->similarity <= 1);
    return r->stop_after && r->n >= r->stop_after;
}

static void test_match(void **state)
{
    (void)state;
    chorus_scan *s;
    rows r = {0};
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, CHORUS_TEST_DATA "/match/statements", false),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/match/posts.jsonl", NULL, NULL),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_match(s, count_match, &r), CHORUS_OK);
    FILE *f = fopen(CHORUS_TEST_DATA "/match/expected.jsonl", "r");
    assert_non_null(f);
    int expected = 0, ch;
    while ((ch = fgetc(f)) != EOF)
        expected += ch == '\n';
    fclose(f);
    assert_int_equal(r.n, expected);
    assert_int_equal(count(s, "matches"), expected);
    assert_true(count(s, "index_bytes") > 0);
    assert_true(count(s, "statements") >= 4);
    assert_int_equal(count(s, "statements_failed"), 0);
    assert_non_null(strstr(chorus_scan_summary_json(s), "\"matches\":"));
    chorus_scan_free(s);

    /* a nonzero return stops the rows; a statements path that cannot be read is skipped */
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, "/nonexistent/statements", false), CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, CHORUS_TEST_DATA "/match/statements", false),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/match/posts.jsonl", NULL, NULL),
                     CHORUS_OK);
    rows r2 = {.stop_after = 2};
    assert_int_equal(chorus_scan_match(s, count_match, &r2), CHORUS_OK);
    assert_int_equal(r2.n, 2);
    assert_int_equal(count(s, "statements_failed"), 1);
    chorus_scan_free(s);

    /* no statement loaded at all */
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, "/nonexistent/statements", false), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/match/posts.jsonl", NULL, NULL),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_match(s, count_match, &r2), CHORUS_EIO);
    assert_string_equal(chorus_scan_error(s)->message, "no statements loaded");
    chorus_scan_free(s);
}

/* ---- scan, then the results read back ------------------------------------------------------ */

static int run_kv(void *ctx, const char *k, const char *v)
{
    int *n = ctx;
    if (!strcmp(k, "version"))
        assert_string_equal(v, chorus_version());
    (*n)++;
    return 0;
}

static int cluster_row(void *ctx, const chorus_cluster *c)
{
    rows *r = ctx;
    int64_t s = (int64_t)(c->score * 1000 + 0.5);
    if (r->n)
        assert_true(s <= r->last_cluster_score_x1000);   /* strongest first */
    r->last_cluster_score_x1000 = s;
    r->n++;
    assert_non_null(c->summary);
    return 0;
}

static int account_row(void *ctx, const chorus_account *a)
{
    rows *r = ctx;
    if (!r->n)
        snprintf(r->first_id, sizeof r->first_id, "%s", a->id);
    r->n++;
    assert_true(isnan(a->score) || (a->score >= 0 && a->score <= 1));
    return 0;
}

static int edge_row(void *ctx, const chorus_edge *e)
{
    rows *r = ctx;
    r->n++;
    assert_non_null(e->behaviour);
    return 0;
}

static int evidence_row(void *ctx, const chorus_evidence *e)
{
    rows *r = ctx;
    r->n++;
    assert_true(e->time_a != CHORUS_NULL);
    return 0;
}

static int statement_row(void *ctx, const chorus_statement *s)
{
    rows *r = ctx;
    r->n++;
    assert_true(s->text_len == strlen(s->text));
    return 0;
}

static void test_scan_and_results(void **state)
{
    (void)state;
    char corpus[300], db[300], report[300];
    snprintf(corpus, sizeof corpus, "%s/corpus.jsonl", dir);
    snprintf(db, sizeof db, "%s/scan.db", dir);
    snprintf(report, sizeof report, "%s/scan.html", dir);
    write_corpus(corpus);
    chorus_scan *s;
    seen sn = {0};
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    chorus_scan_set_diag(s, on_diag, &sn);
    chorus_scan_set_progress(s, on_progress, &sn);
    assert_int_equal(chorus_scan_set(s, "threads", "2"), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "report", report), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, corpus, NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, CHORUS_TEST_DATA "/match/statements", false),
                     CHORUS_OK);
    /* the database never replaces an input */
    chorus_scan *bad;
    assert_int_equal(chorus_scan_new(&bad), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(bad, corpus, NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_run(bad, corpus), CHORUS_EUSAGE);
    assert_non_null(strstr(chorus_scan_error(bad)->message, "is an input of the scan"));
    chorus_scan_free(bad);

    assert_int_equal(chorus_scan_run(s, db), CHORUS_OK);
    assert_string_equal(sn.stage_list, "read,statements,normalize,narratives,parrot,coact,"
                                       "network,score,store,report");
    assert_int_equal(access(report, F_OK), 0);
    int64_t clusters = count(s, "clusters"), accounts = count(s, "accounts");
    assert_true(clusters >= 1);   /* the planted network */
    assert_true(count(s, "clustered_accounts") >= 8);
    assert_int_equal(count(s, "window.repost") > 0, 1);
    double secs;
    assert_int_equal(chorus_scan_seconds(s, NULL, &secs), CHORUS_OK);
    assert_int_equal(chorus_scan_seconds(s, "report", &secs), CHORUS_OK);
    chorus_cluster c0;
    assert_int_equal(chorus_scan_cluster(s, 0, &c0), CHORUS_OK);
    assert_int_equal(c0.id, 0);
    assert_non_null(strstr(c0.behaviours, "repost"));
    assert_int_equal(chorus_scan_cluster(s, (size_t)clusters, &c0), CHORUS_ENOTFOUND);
    const char *j = chorus_scan_summary_json(s);
    assert_non_null(strstr(j, "\"top_clusters\":[{\"id\":0,"));
    assert_non_null(strstr(j, "\"database\":\""));
    assert_non_null(strstr(j, "\"formats\":[\"chorus\"]"));
    int64_t edges = count(s, "edges"), matches = count(s, "matches");
    chorus_scan_free(s);

    /* read it back */
    chorus_results *r;
    chorus_error err;
    assert_int_equal(chorus_results_open(db, &r, &err), CHORUS_OK);
    assert_int_equal(err.code, CHORUS_OK);
    assert_int_equal(chorus_results_schema(r), 3);
    int nrun = 0;
    assert_int_equal(chorus_results_run(r, run_kv, &nrun), CHORUS_OK);
    assert_true(nrun > 20);
    chorus_query q;
    chorus_query_init(&q);
    rows rc = {0};
    assert_int_equal(chorus_results_clusters(r, &q, cluster_row, &rc), CHORUS_OK);
    assert_int_equal(rc.n, clusters);
    rows ra = {0};
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &ra), CHORUS_OK);
    assert_int_equal(ra.n, accounts);   /* every account is scored */
    rows re = {0};
    assert_int_equal(chorus_results_edges(r, &q, edge_row, &re), CHORUS_OK);
    assert_int_equal(re.n, edges);
    rows rm = {0};
    assert_int_equal(chorus_results_matches(r, &q, count_match, &rm), CHORUS_OK);
    assert_int_equal(rm.n, matches);
    rows rs = {0};
    assert_int_equal(chorus_results_statements(r, &q, statement_row, &rs), CHORUS_OK);
    assert_true(rs.n >= 4);

    /* paging: the second account of the list is the first of the page at offset 1 */
    rows p1 = {0}, p2 = {0};
    q.limit = 2;
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &p1), CHORUS_OK);
    assert_int_equal(p1.n, 2);
    q.limit = 1;
    q.offset = 1;
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &p2), CHORUS_OK);
    assert_int_equal(p2.n, 1);
    chorus_query_init(&q);

    /* one cluster, its members, its evidence; one account by handle, its edges */
    q.cluster = 0;
    rows one = {0}, members = {0}, ev = {0};
    assert_int_equal(chorus_results_clusters(r, &q, cluster_row, &one), CHORUS_OK);
    assert_int_equal(one.n, 1);
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &members), CHORUS_OK);
    assert_true(members.n >= 2);
    assert_int_equal(chorus_results_evidence(r, &q, evidence_row, &ev), CHORUS_OK);
    assert_true(ev.n >= 1);
    q.cluster = 9999;
    assert_int_equal(chorus_results_clusters(r, &q, cluster_row, &one), CHORUS_ENOTFOUND);
    chorus_query_init(&q);
    q.account = "@bot_0";
    rows acct = {0}, partners = {0};
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &acct), CHORUS_OK);
    assert_int_equal(acct.n, 1);
    assert_string_equal(acct.first_id, "bot0");
    q.account = "bot0";
    assert_int_equal(chorus_results_edges(r, &q, edge_row, &partners), CHORUS_OK);
    assert_true(partners.n >= 1);
    q.account = "nobody";
    assert_int_equal(chorus_results_accounts(r, &q, account_row, &acct), CHORUS_ENOTFOUND);
    /* a filter a query does not take */
    chorus_query_init(&q);
    q.statement = "ferry";
    assert_int_equal(chorus_results_clusters(r, &q, cluster_row, &one), CHORUS_EUSAGE);
    assert_int_equal(chorus_results_error(r)->code, CHORUS_EUSAGE);
    rows st = {0};
    assert_int_equal(chorus_results_statements(r, &q, statement_row, &st), CHORUS_OK);
    assert_int_equal(st.n, 1);
    q.statement = "no-such-statement";
    assert_int_equal(chorus_results_statements(r, &q, statement_row, &st), CHORUS_ENOTFOUND);
    chorus_results_close(r);
    chorus_results_close(NULL);

    /* report and export through the public wrappers */
    char html[300], net[300];
    snprintf(html, sizeof html, "%s/again.html", dir);
    snprintf(net, sizeof net, "%s/net.gexf", dir);
    chorus_report_opts ro;
    chorus_report_opts_init(&ro);
    ro.top_clusters = 1;
    chorus_report_info ri;
    assert_int_equal(chorus_report_write(db, html, &ro, &ri, &err), CHORUS_OK);
    assert_int_equal(ri.clusters_detailed, 1);
    assert_int_equal(chorus_report_write(db, db, NULL, NULL, &err), CHORUS_EUSAGE);
    assert_non_null(strstr(err.message, "is the results database"));
    chorus_export_info xi;
    assert_int_equal(chorus_export_write(db, net, NULL, &xi, &err), CHORUS_OK);
    assert_string_equal(xi.format, "gexf");   /* from the extension */
    assert_int_equal(xi.edges, (uint64_t)edges);
    chorus_export_opts xo = {.format = "csv"};
    assert_int_equal(chorus_export_write(db, dir, &xo, &xi, &err), CHORUS_OK);
    assert_non_null(strstr(xi.edges_path, "edges.csv"));
    xo.format = "dot";
    assert_int_equal(chorus_export_write(db, NULL, &xo, &xi, &err), CHORUS_EUSAGE);
    assert_string_equal(err.message, "unknown format 'dot' (graphml, gexf, csv or json)");
    /* not ours */
    assert_int_equal(chorus_results_open(corpus, &r, &err), CHORUS_EDB);
    assert_null(r);
    assert_non_null(strstr(err.message, "not a chorus results database"));
}

/* An input that cannot be read: the scan goes on over the others, unless strict or nothing
 * was read. */
static void test_scan_inputs(void **state)
{
    (void)state;
    char corpus[300], db[300];
    snprintf(corpus, sizeof corpus, "%s/corpus2.jsonl", dir);
    snprintf(db, sizeof db, "%s/partial.db", dir);
    write_corpus(corpus);
    chorus_scan *s;
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, corpus, NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, "/nonexistent/x.jsonl", NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_run(s, db), CHORUS_OK);
    assert_int_equal(count(s, "inputs_failed"), 1);
    assert_int_equal(access(db, F_OK), 0);
    chorus_scan_free(s);

    snprintf(db, sizeof db, "%s/none.db", dir);
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, "/nonexistent/x.jsonl", NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_run(s, db), CHORUS_EIO);
    assert_true(chorus_scan_error(s)->reported);
    assert_int_equal(access(db, F_OK), -1);
    chorus_scan_free(s);

    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "strict", "1"), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/chorus_sample.jsonl", NULL, NULL),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, "/nonexistent/x.jsonl", NULL, NULL), CHORUS_OK);
    assert_int_equal(chorus_scan_run(s, db), CHORUS_EIO);
    assert_int_equal(access(db, F_OK), -1);
    chorus_scan_free(s);

    /* statements that cannot be read stop a scan */
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, CHORUS_TEST_DATA "/chorus_sample.jsonl", NULL, NULL),
                     CHORUS_OK);
    assert_int_equal(chorus_scan_add_statements(s, "/nonexistent/s.jsonl", false), CHORUS_OK);
    assert_int_equal(chorus_scan_run(s, db), CHORUS_EIO);
    assert_true(chorus_scan_error(s)->reported);
    assert_int_equal(access(db, F_OK), -1);
    chorus_scan_free(s);
}

/* Every allocation of a small ingest failing in turn: a clean error, no leak (under ASan). */
static void test_alloc_failures(void **state)
{
    (void)state;
    chorus_err rc = CHORUS_ENOMEM;
    const char *json = NULL;
    uint64_t n;
    for (n = 1; n < 5000 && (rc != CHORUS_OK || !json); n++) {
        chorus_scan *s = NULL;
        json = NULL;
        ch_alloc_fail_after(n);
        rc = chorus_scan_new(&s);
        if (rc == CHORUS_OK)
            rc = chorus_scan_add_input(s, CHORUS_TEST_DATA "/chorus_sample.jsonl", "chorus", NULL);
        if (rc == CHORUS_OK)
            rc = chorus_scan_ingest(s);
        if (rc == CHORUS_OK)
            json = chorus_scan_summary_json(s);
        ch_alloc_fail_after(0);
        if (rc)
            assert_int_equal(rc, CHORUS_ENOMEM);
        chorus_scan_free(s);
    }
    assert_int_equal(rc, CHORUS_OK);
    assert_true(n > 5);   /* the loop did exercise failures */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_vocabulary),
        cmocka_unit_test(test_ingest),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_scan_and_results),
        cmocka_unit_test(test_scan_inputs),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
