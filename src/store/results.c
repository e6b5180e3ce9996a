/*
 * results.c — the public read API of a results database (chorus_results_*, include/chorus.h):
 * the queries `chorus inspect` makes, and a server or the Python module will, as typed rows
 * through callbacks, a page at a time.
 *
 * Each query is one SQL statement built from its filters (named parameters :cluster,
 * :account, :statement, :limit, :offset), so that what the command line shows and what an API
 * returns come from the same text. Columns added to the schema after version 0 are selected
 * only when the file has them (ch_store_info), NULL otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/error.h"
#include "store/store.h"

struct chorus_results {
    sqlite3 *db;
    ch_store_info info;
    chorus_error err;
    char *path;
};

chorus_err chorus_results_open(const char *path, chorus_results **out, chorus_error *err)
{
    if (!out)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "no handle to open into");
    *out = NULL;
    if (!path)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "no results database named");
    chorus_results *r = ch_calloc(1, sizeof *r);
    if (!r || !(r->path = ch_strndup(path, strlen(path)))) {
        ch_free(r);
        return ch_error_set(err, CHORUS_ENOMEM, path, 0, "out of memory");
    }
    char msg[1024];
    int rc = ch_store_open_read(path, &r->db, &r->info, msg, sizeof msg);
    if (rc) {
        ch_free(r->path);
        ch_free(r);
        return ch_error_set(err, (chorus_err)rc, path, 0, "%s", msg);
    }
    ch_error_clear(&r->err);
    ch_error_clear(err);
    *out = r;
    return CHORUS_OK;
}

void chorus_results_close(chorus_results *r)
{
    if (!r)
        return;
    sqlite3_close(r->db);
    ch_free(r->path);
    ch_free(r);
}

const chorus_error *chorus_results_error(const chorus_results *r)
{
    return r ? &r->err : NULL;
}

int chorus_results_schema(const chorus_results *r)
{
    return r ? r->info.schema : -1;
}

void chorus_query_init(chorus_query *q)
{
    if (q)
        *q = (chorus_query){.cluster = -1};
}

/* ---- running a query ----------------------------------------------------------------------- */

static chorus_err db_fail(chorus_results *r)
{
    return ch_error_set(&r->err, CHORUS_EDB, r->path, 0, "cannot read '%s': %s", r->path,
                        sqlite3_errmsg(r->db));
}

/* Which filters a query takes. */
enum { F_CLUSTER = 1, F_ACCOUNT = 2, F_STATEMENT = 4 };

static chorus_err check_filters(chorus_results *r, const chorus_query *q, unsigned allowed,
                                const char *what)
{
    ch_error_clear(&r->err);
    if ((q->cluster >= 0 && !(allowed & F_CLUSTER)) || (q->account && !(allowed & F_ACCOUNT)) ||
        (q->statement && !(allowed & F_STATEMENT)))
        return ch_error_set(&r->err, CHORUS_EUSAGE, NULL, 0,
                            "%s: a filter this query does not take", what);
    return CHORUS_OK;
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_named_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_int64(st, i, v);
}

/* Prepares sql and binds the query's filters and page. */
static chorus_err prepare(chorus_results *r, const chorus_query *q, const char *sql,
                          sqlite3_stmt **out)
{
    *out = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, out, NULL) != SQLITE_OK) {
        sqlite3_finalize(*out);
        *out = NULL;
        return db_fail(r);
    }
    if (q->account)
        bind_named_text(*out, ":account", q->account[0] == '@' ? q->account + 1 : q->account);
    if (q->statement)
        bind_named_text(*out, ":statement", q->statement);
    if (q->cluster >= 0)
        bind_named_i64(*out, ":cluster", q->cluster);
    bind_named_i64(*out, ":limit", q->limit && q->limit <= INT64_MAX ? (int64_t)q->limit : -1);
    bind_named_i64(*out, ":offset", q->offset <= INT64_MAX ? (int64_t)q->offset : INT64_MAX);
    return CHORUS_OK;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? CHORUS_NULL : sqlite3_column_int64(st, i);
}

static double col_f64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Steps st, handing each row to row(); stops when row returns nonzero. `one` says the filter
 * names a single object, so no row is CHORUS_ENOTFOUND. */
typedef int (*row_fn)(sqlite3_stmt *st, void *fn, void *ctx);

static chorus_err run(chorus_results *r, sqlite3_stmt *st, row_fn row, void *fn, void *ctx,
                      bool one, const char *what)
{
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        if (row(st, fn, ctx))
            break;
    }
    chorus_err e = CHORUS_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = db_fail(r);
    else if (one && n == 0)
        e = ch_error_set(&r->err, CHORUS_ENOTFOUND, NULL, 0, "no %s", what);
    sqlite3_finalize(st);
    return e;
}

/* ---- the queries --------------------------------------------------------------------------- */

static int run_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    return ((chorus_run_fn)fn)(ctx, col_text(st, 0), col_text(st, 1));
}

chorus_err chorus_results_run(chorus_results *r, chorus_run_fn fn, void *ctx)
{
    if (!r || !fn)
        return CHORUS_EUSAGE;
    chorus_query q;
    chorus_query_init(&q);
    ch_error_clear(&r->err);
    sqlite3_stmt *st;
    chorus_err e = prepare(r, &q, "SELECT key, value FROM run ORDER BY key", &st);
    return e ? e : run(r, st, run_row, (void *)fn, ctx, false, "run table");
}

static int cluster_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_cluster c = {col_i64(st, 0), col_i64(st, 1), col_f64(st, 2), col_text(st, 3),
                        col_i64(st, 4), col_i64(st, 5), col_text(st, 6)};
    return ((chorus_cluster_fn)fn)(ctx, &c);
}

chorus_err chorus_results_clusters(chorus_results *r, const chorus_query *q,
                                   chorus_cluster_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER, "clusters");
    if (e)
        return e;
    const char *sql =
        q->cluster >= 0
            ? "SELECT cluster_id, size, score, behaviours, first_seen, last_seen, summary "
              "FROM clusters WHERE cluster_id = :cluster LIMIT :limit OFFSET :offset"
            : "SELECT cluster_id, size, score, behaviours, first_seen, last_seen, summary "
              "FROM clusters ORDER BY score DESC, cluster_id LIMIT :limit OFFSET :offset";
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    char what[64];
    snprintf(what, sizeof what, "cluster %lld", (long long)q->cluster);
    return run(r, st, cluster_row, (void *)fn, ctx, q->cluster >= 0, what);
}

static int account_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_account a = {col_text(st, 0), col_text(st, 1), col_text(st, 6), col_i64(st, 2),
                        col_f64(st, 3), col_i64(st, 4), col_text(st, 5), col_text(st, 7)};
    return ((chorus_account_fn)fn)(ctx, &a);
}

chorus_err chorus_results_accounts(chorus_results *r, const chorus_query *q,
                                   chorus_account_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER | F_ACCOUNT, "accounts");
    if (e)
        return e;
    if (q->cluster >= 0 && q->account)
        return ch_error_set(&r->err, CHORUS_EUSAGE, NULL, 0,
                            "accounts: a cluster or an account, not both");
    char sql[1024];
    /* the reasons in words, one a line: for a terminal, which should not parse JSON */
#define TOP_REASONS "(SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN " \
                    "json_valid(reasons) THEN reasons ELSE '{}' END, '$.top_reasons'))"
    const char *cols = r->info.has_platform
                           ? "account_id, handle, n_posts, score, cluster_id, reasons, platform, "
                             TOP_REASONS
                           : "account_id, handle, n_posts, score, cluster_id, reasons, NULL, "
                             TOP_REASONS;
#undef TOP_REASONS
    if (q->account)
        snprintf(sql, sizeof sql, "SELECT %s FROM accounts WHERE account_id = :account OR "
                                  "handle = :account LIMIT 1", cols);
    else if (q->cluster >= 0)
        snprintf(sql, sizeof sql, "SELECT %s FROM accounts WHERE cluster_id = :cluster "
                                  "ORDER BY score DESC, account_id LIMIT :limit OFFSET :offset",
                 cols);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM accounts WHERE score IS NOT NULL "
                                  "ORDER BY score DESC, account_id LIMIT :limit OFFSET :offset",
                 cols);
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    char what[300];
    snprintf(what, sizeof what, "account with id or handle '%.256s'", q->account ? q->account : "");
    return run(r, st, account_row, (void *)fn, ctx, q->account != NULL, what);
}

static int edge_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_edge e = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_f64(st, 3),
                     col_i64(st, 4), col_i64(st, 5), col_f64(st, 6), col_text(st, 7),
                     col_text(st, 8)};
    return ((chorus_edge_fn)fn)(ctx, &e);
}

chorus_err chorus_results_edges(chorus_results *r, const chorus_query *q, chorus_edge_fn fn,
                                void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER | F_ACCOUNT, "edges");
    if (e)
        return e;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT account_a, account_b, behaviour, weight, n_events, %s, "
             "(SELECT handle FROM accounts WHERE account_id = account_a LIMIT 1), "
             "(SELECT handle FROM accounts WHERE account_id = account_b LIMIT 1) "
             "FROM edges WHERE %s%s%s "
             "ORDER BY pvalue, n_objects DESC LIMIT :limit OFFSET :offset",
             r->info.has_edge_stats ? "n_objects, pvalue" : "NULL AS n_objects, NULL AS pvalue",
             q->account ? "(account_a = :account OR account_b = :account)" : "1",
             q->cluster >= 0 ? " AND account_a IN (SELECT account_id FROM accounts WHERE "
                               "cluster_id = :cluster)" : "",
             q->cluster >= 0 ? " AND account_b IN (SELECT account_id FROM accounts WHERE "
                               "cluster_id = :cluster)" : "");
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    return run(r, st, edge_row, (void *)fn, ctx, false, "edge");
}

static int evidence_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_evidence e = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
                         col_text(st, 4), col_text(st, 5), col_text(st, 6), col_text(st, 7),
                         col_text(st, 8), col_text(st, 9), col_i64(st, 10), col_i64(st, 11)};
    return ((chorus_evidence_fn)fn)(ctx, &e);
}

chorus_err chorus_results_evidence(chorus_results *r, const chorus_query *q,
                                   chorus_evidence_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER | F_ACCOUNT, "evidence");
    if (e || !r->info.has_evidence)
        return e;   /* a file without the table has no evidence to give */
    char sql[1400];
    /* schema 2 says on which platform each side is: an id shared by two platforms then joins
     * the right account and post */
    const bool typed = r->info.has_evidence_typed;
    snprintf(sql, sizeof sql,
             "SELECT e.account_a, e.account_b, aa.handle, ab.handle, e.behaviour, e.post_a, "
             "e.post_b, e.object, pa.text, pb.text, pa.created_at, pb.created_at FROM evidence e "
             "JOIN accounts aa ON aa.account_id = e.account_a%s "
             "JOIN accounts ab ON ab.account_id = e.account_b%s "
             "JOIN posts pa ON pa.post_id = e.post_a%s JOIN posts pb ON pb.post_id = e.post_b%s "
             "WHERE %s%s ORDER BY pa.created_at LIMIT :limit OFFSET :offset",
             typed ? " AND aa.platform = coalesce(e.platform_a, aa.platform)" : "",
             typed ? " AND ab.platform = coalesce(e.platform_b, ab.platform)" : "",
             typed ? " AND pa.platform = coalesce(e.platform_a, pa.platform)" : "",
             typed ? " AND pb.platform = coalesce(e.platform_b, pb.platform)" : "",
             q->cluster >= 0 ? "aa.cluster_id = :cluster AND ab.cluster_id = :cluster" : "1",
             q->account ? " AND (e.account_a = :account OR e.account_b = :account)" : "");
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    return run(r, st, evidence_row, (void *)fn, ctx, false, "evidence");
}

static int match_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    int before = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 12) != 0;
    /* text before bytes (SQLite's rule), outside the initializer, whose order is unspecified */
    const char *ptext = col_text(st, 6), *stext = col_text(st, 9);
    size_t plen = (size_t)sqlite3_column_bytes(st, 6), slen = (size_t)sqlite3_column_bytes(st, 9);
    chorus_match m = {
        .post_id = col_text(st, 0),
        .account_id = col_text(st, 1),
        .handle = col_text(st, 2),
        .statement_id = col_text(st, 4),
        .created_at = col_i64(st, 3),
        .similarity = col_f64(st, 5),
        .post_text = ptext,
        .post_len = plen,
        .post_start = col_i64(st, 7),
        .post_end = col_i64(st, 8),
        .statement_text = stext,
        .statement_len = slen,
        .stmt_start = col_i64(st, 10),
        .stmt_end = col_i64(st, 11),
        .before_publication = before,
    };
    return ((chorus_match_fn)fn)(ctx, &m);
}

chorus_err chorus_results_matches(chorus_results *r, const chorus_query *q, chorus_match_fn fn,
                                  void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER | F_ACCOUNT | F_STATEMENT, "matches");
    if (e)
        return e;
    char sql[1400];
    snprintf(sql, sizeof sql,
             "SELECT m.post_id, p.account_id, a.handle, p.created_at, m.statement_id, "
             "m.similarity, p.text, m.post_start, m.post_end, s.text, m.stmt_start, m.stmt_end, "
             "%s FROM matches m JOIN posts p ON p.post_id = m.post_id%s "
             "JOIN accounts a ON a.account_id = p.account_id%s "
             "LEFT JOIN statements s ON s.statement_id = m.statement_id "
             "WHERE %s%s%s ORDER BY p.created_at LIMIT :limit OFFSET :offset",
             r->info.has_before_pub ? "m.before_publication" : "NULL",
             r->info.has_match_platform ? " AND p.platform = coalesce(m.platform, p.platform)" : "",
             r->info.has_match_platform ? " AND a.platform = p.platform" : "",
             q->cluster >= 0 ? "a.cluster_id = :cluster" : "1",
             q->account ? " AND p.account_id = :account" : "",
             q->statement ? " AND m.statement_id = :statement" : "");
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    return run(r, st, match_row, (void *)fn, ctx, false, "match");
}

static int timeline_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_timeline t = {col_i64(st, 0), col_i64(st, 1), col_i64(st, 2),
                         sqlite3_column_double(st, 3), sqlite3_column_double(st, 4),
                         sqlite3_column_int(st, 5) != 0};
    return ((chorus_timeline_fn)fn)(ctx, &t);
}

chorus_err chorus_results_timeline(chorus_results *r, const chorus_query *q, bool spikes_only,
                                   chorus_timeline_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, 0, "timeline");
    if (e || !r->info.has_timeline)
        return e;   /* a file before schema 2 has no timeline */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT hour_start, events, accounts, coordination, robust_z, spike FROM timeline "
             "WHERE %s ORDER BY hour_start LIMIT :limit OFFSET :offset",
             spikes_only ? "spike = 1" : "1");
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    return run(r, st, timeline_row, (void *)fn, ctx, false, "timeline");
}

static int statement_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    const char *text = col_text(st, 3);
    size_t len = (size_t)sqlite3_column_bytes(st, 3);
    chorus_statement s = {col_text(st, 0), col_text(st, 1), col_text(st, 2), text, len,
                          col_i64(st, 4)};
    return ((chorus_statement_fn)fn)(ctx, &s);
}

chorus_err chorus_results_statements(chorus_results *r, const chorus_query *q,
                                     chorus_statement_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_STATEMENT, "statements");
    if (e)
        return e;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT statement_id, source, %s, text, published_at FROM statements WHERE %s "
             "ORDER BY published_at IS NULL, published_at, statement_id "
             "LIMIT :limit OFFSET :offset",
             r->info.has_stmt_lang ? "lang" : "NULL",
             q->statement ? "statement_id = :statement" : "1");
    sqlite3_stmt *st;
    if ((e = prepare(r, q, sql, &st)))
        return e;
    char what[300];
    snprintf(what, sizeof what, "statement '%.256s'", q->statement ? q->statement : "");
    return run(r, st, statement_row, (void *)fn, ctx, q->statement != NULL, what);
}

/* ---- alerts (written by `chorus watch`; absent from a scan's file) ------------------------- */

static int alert_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    chorus_alert a = {col_i64(st, 0), col_i64(st, 1), col_text(st, 2), col_i64(st, 3),
                      col_text(st, 4), col_text(st, 5), col_text(st, 6),
                      sqlite3_column_int(st, 7) != 0};
    return ((chorus_alert_fn)fn)(ctx, &a);
}

chorus_err chorus_results_alerts(chorus_results *r, const chorus_query *q, int64_t after_id,
                                 chorus_alert_fn fn, void *ctx)
{
    if (!r || !q || !fn)
        return CHORUS_EUSAGE;
    chorus_err e = check_filters(r, q, F_CLUSTER, "alerts");
    if (e)
        return e;
    /* looked up on every call: a watcher may create the table after the file was opened */
    sqlite3_stmt *st;
    chorus_query none;
    chorus_query_init(&none);
    if ((e = prepare(r, &none,
                     "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'", &st)))
        return e;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return CHORUS_OK;
    if (rc != SQLITE_ROW)
        return db_fail(r);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT alert_id, created_at, kind, cluster_id, statement_id, summary, evidence, "
             "muted FROM alerts WHERE alert_id > :after AND %s "
             "ORDER BY alert_id DESC LIMIT :limit OFFSET :offset",
             q->cluster >= 0 ? "cluster_id = :cluster" : "1");
    if ((e = prepare(r, q, sql, &st)))
        return e;
    bind_named_i64(st, ":after", after_id > 0 ? after_id : 0);
    return run(r, st, alert_row, (void *)fn, ctx, false, "alerts");
}
