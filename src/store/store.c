/* store.c — SQLite results writer: one transaction, prepared statements, the file stamped with
 * chorus's application id and schema version, renamed into place atomically. */
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/outfile.h"
#include "store_sql.h"

enum { Q_RUN, Q_STMT, Q_POST, Q_ACCT, Q_CLUSTER, Q_EDGE, Q_EVID, Q_MATCH, Q_NARR, Q_ERR,
       Q_ALERT, Q_TRACK, Q_TIME, Q__N };

static const char *const sql_insert[Q__N] = {
    "INSERT OR REPLACE INTO run VALUES (?1, ?2)",
    "INSERT OR REPLACE INTO statements VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO posts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT INTO accounts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16, ?17)",
    "INSERT INTO clusters VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO edges VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    "INSERT INTO evidence VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT INTO matches VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT INTO narratives VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO ingest_errors VALUES (?1, ?2, ?3)",
    "INSERT OR IGNORE INTO alerts (alert_id, created_at, kind, cluster_id, statement_id, summary, evidence)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO cluster_tracks VALUES (?1, ?2, ?3)",
    "INSERT INTO timeline VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

struct ch_store {
    sqlite3 *db;
    bool live;                    /* ch_store_live_open: written in place, kept open */
    bool in_tx, tx_results;       /* live: a transaction is open (and empties the results) */
    bool posts_indexed;
    sqlite3_stmt *q[Q__N];
    ch_outfile *file;             /* the temporary file SQLite writes, renamed on commit */
    char *json[3];                /* a post's URLs, hashtags, mentions as JSON (json_list) */
    size_t json_cap[3];
};

/* Why SQLite failed, in words: the system's reason first when an operating-system call failed
 * ("No space left on device (SQLite: database or disk is full)"), else SQLite's message. The
 * system errno is used only for SQLite's I/O-class errors, where it is the failing call's. */
static void describe(sqlite3 *db, char *buf, size_t cap)
{
    if (!db) {
        snprintf(buf, cap, "out of memory");
        return;
    }
    const int code = sqlite3_errcode(db) & 0xff;
    int e = sqlite3_system_errno(db);
    /* SQLite keeps the errno of a failed write on the file, not the connection */
    if (e <= 0 && sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e) != SQLITE_OK)
        e = 0;
    if (e <= 0 && code == SQLITE_FULL)
        e = ENOSPC;   /* SQLite's word for a write that found no room */
    const bool io = code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN ||
                    code == SQLITE_READONLY || code == SQLITE_PERM;
    if (io && e > 0)
        snprintf(buf, cap, "%s (SQLite: %s)", strerror(e), sqlite3_errmsg(db));
    else
        snprintf(buf, cap, "%s", sqlite3_errmsg(db));
}

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
    char why[512];
    describe(db, why, sizeof why);
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, why);
}

/* Prepares every insert statement (a new results file and a live one share them). */
static int prepare_inserts(ch_store *s, char *err, size_t errlen)
{
    for (int i = 0; i < Q__N; i++) {
        if (sqlite3_prepare_v2(s->db, sql_insert[i], -1, &s->q[i], NULL) != SQLITE_OK) {
            set_err(err, errlen, "cannot prepare statements", s->db);
            return CHORUS_EDB;
        }
    }
    return CHORUS_OK;
}

const char *ch_store_errmsg(const ch_store *s, char *buf, size_t cap)
{
    describe(s ? s->db : NULL, buf, cap);
    return buf;
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

static void store_free(ch_store *s)
{
    for (int i = 0; i < 3; i++)
        ch_free(s->json[i]);
    ch_free(s);
}

void ch_store_abort(ch_store *s)
{
    if (!s)
        return;
    close_all(s);
    ch_outfile_abort(s->file);
    store_free(s);
}

bool ch_store_is_ours(const char *path, const unsigned char *head, size_t n)
{
    /* SQLite's file header: the magic string, then application_id at offset 68 and
     * user_version at 60, both big-endian (sqlite.org/fileformat.html) */
    static const char magic[16] = "SQLite format 3";
    if (n < 100 || memcmp(head, magic, sizeof magic) != 0)
        return false;
    const uint32_t app = (uint32_t)head[68] << 24 | (uint32_t)head[69] << 16 |
                         (uint32_t)head[70] << 8 | head[71];
    if (app == CH_STORE_APPLICATION_ID)
        return true;
    if (app != 0)
        return false;
    sqlite3 *db = NULL;
    bool ours = ch_store_open_read(path, &db, NULL, NULL, 0) == CHORUS_OK;   /* schema 0 */
    sqlite3_close(db);
    return ours;
}

/* The store's output policy on top of the caller's (see ch_store_open). */
static ch_outfile_opts store_policy(const ch_outfile_opts *o)
{
    ch_outfile_opts oo = {0};
    if (o)
        oo = *o;
    oo.flags &= CH_OUT_FORCE;
    oo.is_ours = ch_store_is_ours;
    oo.kind = "a chorus results database";
    return oo;
}

int ch_store_check(const char *path, const ch_outfile_opts *o, char *err, size_t errlen)
{
    const ch_outfile_opts oo = store_policy(o);
    int rc = ch_outfile_check(path, &oo, err, errlen);
    return rc == CHORUS_EIO ? CHORUS_EDB : rc;
}

int ch_store_open(const char *path, const ch_outfile_opts *o, ch_store **out, char *err,
                  size_t errlen)
{
    *out = NULL;
    ch_store *s = ch_calloc(1, sizeof *s);
    if (!s) {
        set_err(err, errlen, "cannot create the results database", NULL);
        return CHORUS_ENOMEM;
    }
    const ch_outfile_opts oo = store_policy(o);
    int rc = ch_outfile_open(path, &oo, &s->file, err, errlen);
    if (rc) {
        ch_free(s);
        return rc == CHORUS_EIO ? CHORUS_EDB : rc;
    }
    const char *tmp = ch_outfile_temp(s->file);
    char what[PATH_MAX + 64];
    rc = sqlite3_open_v2(tmp, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
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
        snprintf(what, sizeof what, "cannot write '%s'", path);
        set_err(err, errlen, what, s->db);
        goto fail;
    }
    if (prepare_inserts(s, err, errlen))
        goto fail;
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
        char what[PATH_MAX + 64];
        snprintf(what, sizeof what, "cannot write '%s'", ch_outfile_path(s->file));
        set_err(err, errlen, what, s->db);
        rc = CHORUS_EDB;
        goto out;
    }
    finalize_all(s);
    if (sqlite3_close(s->db) != SQLITE_OK) {
        char what[PATH_MAX + 64];
        snprintf(what, sizeof what, "cannot write '%s'", ch_outfile_path(s->file));
        set_err(err, errlen, what, s->db);
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
    store_free(s);
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
/* A yes/no/unknown flag: -1 (unknown) stays NULL. */
static void bind_flag(sqlite3_stmt *q, int i, int8_t v)
{
    if (v >= 0)
        sqlite3_bind_int(q, i, v != 0);
}
/* A pool string; 0 (absent) stays NULL. */
static void bind_sid0(sqlite3_stmt *q, int i, const ch_pool *pool, ch_sid id)
{
    if (id)
        bind_sid(q, i, pool, id);
}

size_t ch_store_utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* The pool strings ids[0..n) as a JSON array of strings in buffer s->json[slot]
 * (NUL-terminated), or NULL for an empty list or when out of memory (the column is then NULL;
 * *oom says which). Each buffer grows to the longest list met: n <= CH_MAX_ENTITIES strings of
 * the pool, each escaped to at most 6 bytes per byte. */
static const char *json_list(ch_store *s, int slot, const ch_pool *pool, const ch_sid *ids,
                             size_t n, bool *oom)
{
    if (!n || !ids)
        return NULL;
    size_t need = 3;
    for (size_t k = 0; k < n; k++) {
        size_t m;
        if (!ch_mul_ok(ch_pool_len(pool, ids[k]), 6, &m) || !ch_add_ok(need, m + 3, &need)) {
            *oom = true;
            return NULL;
        }
    }
    if (need > s->json_cap[slot] &&
        ch_grow((void **)&s->json[slot], &s->json_cap[slot], need, 1)) {
        *oom = true;
        return NULL;
    }
    static const char hex[] = "0123456789abcdef";
    char *o = s->json[slot];
    *o++ = '[';
    for (size_t k = 0; k < n; k++) {
        const unsigned char *p = (const unsigned char *)ch_pool_str(pool, ids[k]);
        const size_t m = ch_pool_len(pool, ids[k]);
        if (k)
            *o++ = ',';
        *o++ = '"';
        for (size_t i = 0; i < m; i++) {
            const unsigned char ch = p[i];
            if (ch == '"' || ch == '\\') {
                *o++ = '\\';
                *o++ = (char)ch;
            } else if (ch < 0x20) {
                *o++ = '\\';
                *o++ = 'u';
                *o++ = '0';
                *o++ = '0';
                *o++ = hex[ch >> 4];
                *o++ = hex[ch & 15];
            } else {
                *o++ = (char)ch;
            }
        }
        *o++ = '"';
    }
    *o++ = ']';
    *o = '\0';
    return s->json[slot];
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

int ch_store_set_cache(ch_store *s, uint64_t bytes)
{
    char sql[64];
    const uint64_t kib = bytes < ((uint64_t)1 << 20) ? 1024 : bytes >> 10;
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%llu;", (unsigned long long)kib);
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? CHORUS_OK : CHORUS_EDB;
}

int ch_store_posts(ch_store *s, const ch_corpus *c, const uint32_t *narrative_of_post)
{
    const ch_pool *pool = ch_corpus_pool(c);
    sqlite3_stmt *q = s->q[Q_POST];
    bool oom = false;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const ch_account *a = ch_corpus_account(c, p->account);
        if ((i & 65535) == 65535)
            ch_corpus_release_text(c);   /* spilled texts written so far leave the resident set */
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
        bind_sid0(q, 9, pool, p->root_id);
        bind_sid0(q, 10, pool, p->lang);
        /* a buffer per list, valid until the step */
        const char *j;
        if ((j = json_list(s, 0, pool, ch_post_urls(p), p->n_urls, &oom)))
            sqlite3_bind_text(q, 11, j, -1, SQLITE_STATIC);
        if ((j = json_list(s, 1, pool, ch_post_hashtags(p), p->n_hashtags, &oom)))
            sqlite3_bind_text(q, 12, j, -1, SQLITE_STATIC);
        if ((j = json_list(s, 2, pool, ch_post_mentions(p), p->n_mentions, &oom)))
            sqlite3_bind_text(q, 13, j, -1, SQLITE_STATIC);
        if (oom) {
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
            return CHORUS_ENOMEM;
        }
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
    const ch_account_meta *m = &a->meta;
    if (m->present) {
        bind_i64(q, 8, m->created_at);
        bind_i64(q, 9, m->followers);
        bind_i64(q, 10, m->following);
        bind_i64(q, 11, m->statuses);
        bind_flag(q, 12, m->verified);
        bind_flag(q, 13, m->default_profile);
        bind_flag(q, 14, m->default_profile_image);
        bind_flag(q, 15, m->bot);
        bind_sid0(q, 16, pool, m->display_name);
        bind_sid0(q, 17, pool, m->description);
    }
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
    bind_text(q, 8, r->platform_a);
    bind_text(q, 9, r->platform_b);
    bind_i64(q, 10, r->a_first);
    bind_i64(q, 11, r->b_first);
    bind_i64(q, 12, r->same_time);
    bind_text(q, 13, r->leader);
    if (r->lead_share >= 0)
        sqlite3_bind_double(q, 14, r->lead_share);
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
    bind_text(q, 7, r->object_type);
    bind_text(q, 8, r->object_id);
    bind_i64(q, 9, r->t_a);
    bind_i64(q, 10, r->t_b);
    if (r->t_a != CH_UNKNOWN_I64 && r->t_b != CH_UNKNOWN_I64) {
        /* in unsigned arithmetic: times from input may be 2^63 apart */
        const uint64_t d = r->t_a < r->t_b ? (uint64_t)r->t_b - (uint64_t)r->t_a
                                           : (uint64_t)r->t_a - (uint64_t)r->t_b;
        sqlite3_bind_int64(q, 11, d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d);
    }
    bind_text(q, 12, r->platform_a);
    bind_text(q, 13, r->platform_b);
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
    bind_text(q, 9, r->platform);
    sqlite3_bind_int64(q, 10, r->post_start_char);
    sqlite3_bind_int64(q, 11, r->post_end_char);
    sqlite3_bind_int64(q, 12, r->stmt_start_char);
    sqlite3_bind_int64(q, 13, r->stmt_end_char);
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

/* ---- the live database ---------------------------------------------------------------------- */

/* The tables a refresh replaces; alerts accumulate and are not among them. */
static const char *const live_tables[] = {
    "run", "statements", "posts", "accounts", "clusters", "edges", "matches", "narratives",
    "evidence", "ingest_errors", "cluster_tracks", "timeline",
};
#define N_LIVE_TABLES (sizeof live_tables / sizeof live_tables[0])

/* Creates an empty stamped database at path in WAL mode, written beside it and renamed. */
static int live_create(const char *path, const ch_outfile_protect *protect, size_t nprotect,
                       char *err, size_t errlen)
{
    ch_outfile *f = NULL;
    const ch_outfile_opts oo = {.protect = protect, .nprotect = nprotect};
    int rc = ch_outfile_open(path, &oo, &f, err, errlen);
    if (rc)
        return rc == CHORUS_EIO ? CHORUS_EDB : rc;
    sqlite3 *db = NULL;
    char stamp[96];
    snprintf(stamp, sizeof stamp, "PRAGMA application_id=%ld; PRAGMA user_version=%d;",
             (long)CH_STORE_APPLICATION_ID, CH_STORE_SCHEMA);
    if (sqlite3_open_v2(ch_outfile_temp(f), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA page_size=65536;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, ch_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, stamp, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot create the results database", db);
        sqlite3_close(db);
        ch_outfile_abort(f);
        return CHORUS_EDB;
    }
    if (sqlite3_close(db) != SQLITE_OK) {
        set_err(err, errlen, "cannot create the results database", db);
        ch_outfile_abort(f);
        return CHORUS_EDB;
    }
    rc = ch_outfile_commit(f, err, errlen);
    return rc ? CHORUS_EDB : CHORUS_OK;
}

int ch_store_live_open(const char *path, const ch_outfile_protect *protect, size_t nprotect,
                       ch_store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    bool create = stat(path, &st) != 0;
    if (!create) {
        /* the output policy (a directory, a protected file) applies in place too: ask it */
        ch_outfile *probe = NULL;
        const ch_outfile_opts oo = {.protect = protect, .nprotect = nprotect};
        int prc = ch_outfile_open(path, &oo, &probe, err, errlen);
        ch_outfile_abort(probe);
        if (prc)
            return prc == CHORUS_EIO ? CHORUS_EDB : prc;
        sqlite3 *rd = NULL;
        ch_store_info info;
        char why[512];
        int rc = ch_store_open_read(path, &rd, &info, why, sizeof why);
        sqlite3_close(rd);
        if (rc == CHORUS_EDB && strstr(why, "not a chorus results database")) {
            if (err && errlen)
                snprintf(err, errlen,
                         "'%s' exists and is not a chorus results database: choose another "
                         "output", path);
            return CHORUS_EUSAGE;
        }
        if (rc) {
            if (err && errlen)
                snprintf(err, errlen, "%s", why);
            return rc;
        }
        /* ours, of an older schema: results of an older chorus, replaced as a scan would */
        create = info.schema < CH_STORE_SCHEMA;
    }
    if (create) {
        int rc = live_create(path, protect, nprotect, err, errlen);
        if (rc)
            return rc;
    }
    ch_store *s = ch_calloc(1, sizeof *s);
    if (!s)
        return CHORUS_ENOMEM;
    s->live = true;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        char what[600];
        snprintf(what, sizeof what, "cannot open '%s'", path);
        set_err(err, errlen, what, s->db);
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL: readers keep the last committed refresh while the next is written. NORMAL
     * synchronisation: a committed refresh survives the process being killed; a power cut may
     * lose the last ones, never the file (the watcher redoes them from its checkpoint). */
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "PRAGMA cache_size=-65536; PRAGMA threads=2;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot open the results database", s->db);
        goto fail;
    }
    if (prepare_inserts(s, err, errlen))
        goto fail;
    *out = s;
    return CHORUS_OK;
fail:
    close_all(s);
    ch_free(s);
    return CHORUS_EDB;
}

/* Drops the indexes of the results tables (rebuilt at commit: faster than keeping them up
 * to date row by row). */
static int drop_indexes(ch_store *s)
{
    sqlite3_stmt *q = NULL;
    char names[64][96];
    size_t n = 0;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
                                "AND sql IS NOT NULL",
                                -1, &q, NULL);
    while (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW && n < 64) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        const char *tbl = (const char *)sqlite3_column_text(q, 1);
        bool ours = false;
        for (size_t t = 0; t < N_LIVE_TABLES && tbl; t++)
            ours |= !strcmp(tbl, live_tables[t]);
        if (ours && name && strlen(name) < sizeof names[0])
            snprintf(names[n++], sizeof names[0], "%s", name);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_OK)
        return CHORUS_EDB;
    for (size_t i = 0; i < n; i++) {
        char sql[sizeof names[0] + 32];
        snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS \"%.*s\"", (int)sizeof names[0], names[i]);
        if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return CHORUS_EDB;
    }
    return CHORUS_OK;
}

int ch_store_live_begin(ch_store *s, bool results, char *err, size_t errlen)
{
    if (!s || !s->live || s->in_tx)
        return CHORUS_EUSAGE;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot write the results database", s->db);
        return CHORUS_EDB;
    }
    s->in_tx = true;
    s->tx_results = results;
    if (!results)
        return CHORUS_OK;
    int rc = drop_indexes(s);
    for (size_t t = 0; t < N_LIVE_TABLES && !rc; t++) {
        char sql[64];
        snprintf(sql, sizeof sql, "DELETE FROM %s", live_tables[t]);
        if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = CHORUS_EDB;
    }
    s->posts_indexed = false;
    if (rc) {
        set_err(err, errlen, "cannot write the results database", s->db);
        ch_store_live_rollback(s);
    }
    return rc;
}

void ch_store_live_rollback(ch_store *s)
{
    if (s && s->in_tx) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_tx = false;
    }
}

int ch_store_live_commit(ch_store *s, char *err, size_t errlen)
{
    if (!s || !s->in_tx)
        return CHORUS_EUSAGE;
    if ((s->tx_results && (ch_store_posts_index(s) != CHORUS_OK ||
                           sqlite3_exec(s->db, ch_indexes_sql, NULL, NULL, NULL) != SQLITE_OK)) ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot write the results database", s->db);
        ch_store_live_rollback(s);
        return CHORUS_EDB;
    }
    s->in_tx = false;
    return CHORUS_OK;
}

void ch_store_live_close(ch_store *s)
{
    if (!s)
        return;
    ch_store_live_rollback(s);
    close_all(s);
    store_free(s);
}

int ch_store_live_run_i64(ch_store *s, const char *key, int64_t *out)
{
    sqlite3_stmt *q = NULL;
    int rc = CHORUS_ENOTFOUND;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM run WHERE key = ?1", -1, &q, NULL) !=
        SQLITE_OK)
        return CHORUS_EDB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
        const char *v = (const char *)sqlite3_column_text(q, 0);
        char *end;
        long long x = v ? strtoll(v, &end, 10) : 0;
        if (v && *v && !*end) {
            *out = x;
            rc = CHORUS_OK;
        }
    }
    sqlite3_finalize(q);
    return rc;
}

int ch_store_alert(ch_store *s, const ch_alert_row *r, bool *inserted)
{
    if (inserted)
        *inserted = false;
    sqlite3_stmt *q = s->q[Q_ALERT];
    sqlite3_bind_int64(q, 1, r->id);
    bind_i64(q, 2, r->created_at);
    bind_text(q, 3, r->kind);
    bind_i64(q, 4, r->cluster_id);
    bind_text(q, 5, r->statement_id);
    bind_text(q, 6, r->summary);
    bind_text(q, 7, r->evidence);
    int rc = step(s, q);
    if (!rc && inserted)
        *inserted = sqlite3_changes(s->db) > 0;
    return rc;
}

int ch_store_cluster_track(ch_store *s, int64_t cluster_id, int64_t track_id, int64_t since)
{
    sqlite3_stmt *q = s->q[Q_TRACK];
    sqlite3_bind_int64(q, 1, cluster_id);
    sqlite3_bind_int64(q, 2, track_id);
    bind_i64(q, 3, since);
    return step(s, q);
}
