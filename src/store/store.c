/* store.c — SQLite results writer: one transaction, prepared statements, the file stamped with
 * chorus's application id and schema version, renamed into place atomically. */
#include "store/store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/outfile.h"
#include "store_sql.h"

enum { Q_RUN, Q_STMT, Q_POST, Q_ACCT, Q_CLUSTER, Q_EDGE, Q_EVID, Q_MATCH, Q_NARR, Q_ERR, Q_TIME, Q__N };

static const char *const sql_insert[Q__N] = {
    "INSERT OR REPLACE INTO run VALUES (?1, ?2)",
    "INSERT OR REPLACE INTO statements VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO posts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO accounts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO clusters VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO edges VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO evidence VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO matches VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO narratives VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO ingest_errors VALUES (?1, ?2, ?3)",
    "INSERT INTO timeline VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

struct ch_store {
    sqlite3 *db;
    bool posts_indexed;
    sqlite3_stmt *q[Q__N];
    ch_outfile *file;             /* the temporary file SQLite writes, renamed on commit */
};

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static void finalize_all(ch_store *s)
{
    for (int i = 0; i < Q__N; i++)
        sqlite3_finalize(s->q[i]);
    memset(s->q, 0, sizeof s->q);
}

static void close_all(ch_store *s)
{
    finalize_all(s);
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
}

void ch_store_abort(ch_store *s)
{
    if (!s)
        return;
    close_all(s);
    ch_outfile_abort(s->file);
    ch_free(s);
}

int ch_store_open(const char *path, const ch_outfile_protect *protect, size_t nprotect,
                  ch_store **out, char *err, size_t errlen)
{
    *out = NULL;
    ch_store *s = ch_calloc(1, sizeof *s);
    if (!s) {
        set_err(err, errlen, "cannot create the results database", NULL);
        return CHORUS_ENOMEM;
    }
    const ch_outfile_opts oo = {.protect = protect, .nprotect = nprotect};
    int rc = ch_outfile_open(path, &oo, &s->file, err, errlen);
    if (rc) {
        ch_free(s);
        return rc == CHORUS_EIO ? CHORUS_EDB : rc;
    }
    const char *tmp = ch_outfile_temp(s->file);
    rc = sqlite3_open_v2(tmp, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        char what[600];
        snprintf(what, sizeof what, "cannot create '%s'", tmp);
        set_err(err, errlen, what, s->db);
        goto fail;
    }
    /* The file says what it is (docs/schema.md): read back by ch_store_open_read. */
    char stamp[96];
    snprintf(stamp, sizeof stamp, "PRAGMA application_id=%ld; PRAGMA user_version=%d;",
             (long)CH_STORE_APPLICATION_ID, CH_STORE_SCHEMA);
    /* The file is private until renamed, so durability during the bulk load buys nothing:
     * no journal, no syncs; one fsync happens at commit. threads=2 lets the sorter of
     * CREATE INDEX use a helper thread (the indexes are built after the bulk insert). */
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=65536;"
                     "PRAGMA cache_size=-65536; PRAGMA threads=2;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, ch_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, stamp, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot create the schema", s->db);
        goto fail;
    }
    for (int i = 0; i < Q__N; i++) {
        if (sqlite3_prepare_v2(s->db, sql_insert[i], -1, &s->q[i], NULL) != SQLITE_OK) {
            set_err(err, errlen, "cannot prepare statements", s->db);
            goto fail;
        }
    }
    *out = s;
    return CHORUS_OK;
fail:
    ch_store_abort(s);
    return CHORUS_EDB;
}

int ch_store_commit(ch_store *s, char *err, size_t errlen)
{
    int rc = CHORUS_OK;
    if (ch_store_posts_index(s) != CHORUS_OK ||
        sqlite3_exec(s->db, ch_indexes_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot write the results database", s->db);
        rc = CHORUS_EDB;
        goto out;
    }
    finalize_all(s);
    if (sqlite3_close(s->db) != SQLITE_OK) {
        set_err(err, errlen, "cannot close the results database", s->db);
        rc = CHORUS_EDB;
        goto out;
    }
    s->db = NULL;
    /* the file is complete: fsync, rename into place, fsync the folder (core/outfile.h) */
    rc = ch_outfile_commit(s->file, err, errlen);
    s->file = NULL;
    if (rc)
        rc = CHORUS_EDB;
out:
    if (rc) {
        ch_store_abort(s);
        return rc;
    }
    ch_free(s);
    return CHORUS_OK;
}

/* Binding helpers: text NULL when s is NULL; integers NULL when CH_UNKNOWN_I64. */
static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}
static void bind_textn(sqlite3_stmt *q, int i, const char *s, size_t n)
{
    sqlite3_bind_text(q, i, s, (int)n, SQLITE_STATIC);
}
/* A string of the corpus pool; callers leave the parameter unbound (NULL) where id may be 0. */
static void bind_sid(sqlite3_stmt *q, int i, const ch_pool *pool, ch_sid id)
{
    bind_textn(q, i, ch_pool_str(pool, id), ch_pool_len(pool, id));
}
static void bind_i64(sqlite3_stmt *q, int i, int64_t v)
{
    if (v == CH_UNKNOWN_I64)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_int64(q, i, v);
}

static int step(ch_store *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE ? CHORUS_OK : CHORUS_EDB;
}

int ch_store_run(ch_store *s, const char *key, const char *value)
{
    sqlite3_stmt *q = s->q[Q_RUN];
    bind_text(q, 1, key);
    bind_text(q, 2, value);
    return step(s, q);
}

int ch_store_run_i64(ch_store *s, const char *key, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)value);
    return ch_store_run(s, key, buf);
}

int ch_store_run_f64(ch_store *s, const char *key, double value)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.6g", value);
    return ch_store_run(s, key, buf);
}

int ch_store_statement(ch_store *s, const ch_statement_row *r)
{
    sqlite3_stmt *q = s->q[Q_STMT];
    bind_text(q, 1, r->id);
    bind_text(q, 2, r->source);
    bind_i64(q, 3, r->published_at);
    bind_text(q, 4, r->text);
    bind_text(q, 5, r->lang);
    return step(s, q);
}

int ch_store_posts(ch_store *s, const ch_corpus *c, const uint32_t *narrative_of_post)
{
    const ch_pool *pool = ch_corpus_pool(c);
    sqlite3_stmt *q = s->q[Q_POST];
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const ch_account *a = ch_corpus_account(c, p->account);
        bind_sid(q, 1, pool, p->id);
        bind_sid(q, 2, pool, a->id);
        sqlite3_bind_int64(q, 3, p->created_at);
        bind_text(q, 4, ch_kind_name((ch_kind)p->kind));
        if (p->ref_id)
            bind_sid(q, 5, pool, p->ref_id);
        bind_textn(q, 6, p->text, p->text_len);
        if (narrative_of_post && narrative_of_post[i] != UINT32_MAX)
            sqlite3_bind_int64(q, 7, narrative_of_post[i]);
        bind_text(q, 8, ch_corpus_platform_name(c, a->platform));
        if (step(s, q))
            return CHORUS_EDB;
    }
    return CHORUS_OK;
}

int ch_store_posts_index(ch_store *s)
{
    if (s->posts_indexed)
        return CHORUS_OK;
    if (sqlite3_exec(s->db, ch_indexes_posts_sql, NULL, NULL, NULL) != SQLITE_OK)
        return CHORUS_EDB;
    s->posts_indexed = true;
    return CHORUS_OK;
}

int ch_store_account(ch_store *s, const ch_corpus *c, size_t i, const ch_account_row *row)
{
    const ch_pool *pool = ch_corpus_pool(c);
    sqlite3_stmt *q = s->q[Q_ACCT];
    const ch_account *a = ch_corpus_account(c, i);
    bind_sid(q, 1, pool, a->id);
    if (a->handle)
        bind_sid(q, 2, pool, a->handle);
    sqlite3_bind_int64(q, 3, a->n_posts);
    if (row) {
        if (row->score >= 0)
            sqlite3_bind_double(q, 4, row->score);
        if (row->cluster != UINT32_MAX)
            sqlite3_bind_int64(q, 5, row->cluster);
        bind_text(q, 6, row->reasons);
    }
    bind_text(q, 7, ch_corpus_platform_name(c, a->platform));
    return step(s, q);
}

int ch_store_accounts(ch_store *s, const ch_corpus *c, const ch_account_row *rows)
{
    for (size_t i = 0; i < ch_corpus_naccounts(c); i++) {
        if (ch_store_account(s, c, i, rows ? &rows[i] : NULL))
            return CHORUS_EDB;
    }
    return CHORUS_OK;
}

int ch_store_cluster(ch_store *s, const ch_cluster_row *r)
{
    sqlite3_stmt *q = s->q[Q_CLUSTER];
    sqlite3_bind_int64(q, 1, r->id);
    sqlite3_bind_int64(q, 2, r->size);
    sqlite3_bind_double(q, 3, r->score);
    bind_text(q, 4, r->behaviours);
    bind_i64(q, 5, r->first_seen);
    bind_i64(q, 6, r->last_seen);
    bind_text(q, 7, r->summary);
    return step(s, q);
}

int ch_store_edge(ch_store *s, const ch_edge_row *r)
{
    sqlite3_stmt *q = s->q[Q_EDGE];
    bind_text(q, 1, r->a);
    bind_text(q, 2, r->b);
    bind_text(q, 3, r->behaviour);
    sqlite3_bind_double(q, 4, r->weight);
    sqlite3_bind_int64(q, 5, r->n_events);
    sqlite3_bind_int64(q, 6, r->n_objects);
    sqlite3_bind_double(q, 7, r->pvalue);
    return step(s, q);
}

int ch_store_evidence(ch_store *s, const ch_evidence_row *r)
{
    sqlite3_stmt *q = s->q[Q_EVID];
    bind_text(q, 1, r->a);
    bind_text(q, 2, r->b);
    bind_text(q, 3, r->behaviour);
    bind_text(q, 4, r->post_a);
    bind_text(q, 5, r->post_b);
    bind_text(q, 6, r->object);
    return step(s, q);
}

int ch_store_match(ch_store *s, const ch_match_row *r)
{
    sqlite3_stmt *q = s->q[Q_MATCH];
    bind_text(q, 1, r->post_id);
    bind_text(q, 2, r->statement_id);
    sqlite3_bind_double(q, 3, r->similarity);
    sqlite3_bind_int64(q, 4, r->post_start);
    sqlite3_bind_int64(q, 5, r->post_end);
    sqlite3_bind_int64(q, 6, r->stmt_start);
    sqlite3_bind_int64(q, 7, r->stmt_end);
    if (r->before_publication >= 0)
        sqlite3_bind_int(q, 8, r->before_publication);
    return step(s, q);
}

int ch_store_narrative(ch_store *s, const ch_narrative_row *r)
{
    sqlite3_stmt *q = s->q[Q_NARR];
    sqlite3_bind_int64(q, 1, r->id);
    sqlite3_bind_int64(q, 2, r->size);
    sqlite3_bind_int64(q, 3, r->n_accounts);
    bind_i64(q, 4, r->first_seen);
    bind_i64(q, 5, r->last_seen);
    bind_text(q, 6, r->text);
    return step(s, q);
}

int ch_store_timeline(ch_store *s, const ch_timeline_row *r)
{
    sqlite3_stmt *q = s->q[Q_TIME];
    sqlite3_bind_int64(q, 1, r->hour_start);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)r->events);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)r->accounts);
    sqlite3_bind_double(q, 4, r->coordination);
    sqlite3_bind_double(q, 5, r->robust_z);
    sqlite3_bind_int(q, 6, r->spike);
    return step(s, q);
}

int ch_store_ingest_error(ch_store *s, const char *file, uint64_t line, const char *reason)
{
    sqlite3_stmt *q = s->q[Q_ERR];
    bind_text(q, 1, file);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)line);
    bind_text(q, 3, reason);
    return step(s, q);
}
