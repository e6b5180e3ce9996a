/*
 * store.h — the SQLite results database (schema: src/store/schema.sql, contract in
 * docs/DESIGN.md).
 *
 * Atomicity: ch_store_open creates "<path>.tmp-<pid>" beside the final path and writes
 * everything inside one transaction; ch_store_commit creates the indexes, commits, closes and
 * renames the file over `path`. ch_store_abort (or a crash) leaves any previous database at
 * `path` untouched.
 *
 * Rows are plain structs so this module depends on no detection stage: the caller maps its
 * results to rows. Strings are borrowed for the duration of each call.
 */
#ifndef CH_STORE_H
#define CH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"

typedef struct ch_store ch_store;

/* Opens a new database to be renamed to `path` on commit. err gets a message on failure. */
int ch_store_open(const char *path, ch_store **out, char *err, size_t errlen);
/* Creates indexes, commits and renames into place; frees the store whatever happens. */
int ch_store_commit(ch_store *s, char *err, size_t errlen);
/* Discards everything written (removes the temporary file); NULL is fine. */
void ch_store_abort(ch_store *s);

int ch_store_run(ch_store *s, const char *key, const char *value);
int ch_store_run_i64(ch_store *s, const char *key, int64_t value);
int ch_store_run_f64(ch_store *s, const char *key, double value);

typedef struct ch_statement_row {
    const char *id, *source, *text, *lang;
    int64_t published_at;         /* CH_UNKNOWN_I64 = NULL */
} ch_statement_row;
int ch_store_statement(ch_store *s, const ch_statement_row *r);

/* Every post of the corpus; narrative_of_post may be NULL (CH_NONE entries store NULL).
 * The store may be used from one thread at a time: a caller may run this (and
 * ch_store_posts_index) on a worker thread while it computes the other tables, then join. */
int ch_store_posts(ch_store *s, const ch_corpus *c, const uint32_t *narrative_of_post);
/* Builds the posts table's indexes (src/store/indexes_posts.sql); ch_store_commit does it
 * when this was not called. */
int ch_store_posts_index(ch_store *s);

typedef struct ch_account_row {
    double score;                 /* < 0 = NULL */
    uint32_t cluster;             /* UINT32_MAX = NULL */
    const char *reasons;          /* JSON or NULL */
} ch_account_row;
/* Every account of the corpus; rows may be NULL (score and cluster NULL). */
int ch_store_accounts(ch_store *s, const ch_corpus *c, const ch_account_row *rows);
/* Account i of the corpus; row may be NULL. */
int ch_store_account(ch_store *s, const ch_corpus *c, size_t i, const ch_account_row *row);

typedef struct ch_cluster_row {
    int64_t id;
    int64_t size;
    double score;
    const char *behaviours;       /* e.g. "repost,statement" */
    int64_t first_seen, last_seen;
    const char *summary;
} ch_cluster_row;
int ch_store_cluster(ch_store *s, const ch_cluster_row *r);

typedef struct ch_edge_row {
    const char *a, *b, *behaviour;
    double weight;
    int64_t n_events, n_objects;
    double pvalue;
} ch_edge_row;
int ch_store_edge(ch_store *s, const ch_edge_row *r);

typedef struct ch_evidence_row {
    const char *a, *b, *behaviour, *post_a, *post_b, *object;
} ch_evidence_row;
int ch_store_evidence(ch_store *s, const ch_evidence_row *r);

typedef struct ch_match_row {
    const char *post_id, *statement_id;
    double similarity;
    int64_t post_start, post_end, stmt_start, stmt_end;
    int before_publication;       /* 1 before, 0 after, -1 unknown (NULL) */
} ch_match_row;
int ch_store_match(ch_store *s, const ch_match_row *r);

typedef struct ch_narrative_row {
    int64_t id, size, n_accounts, first_seen, last_seen;
    const char *text;
} ch_narrative_row;
int ch_store_narrative(ch_store *s, const ch_narrative_row *r);

int ch_store_ingest_error(ch_store *s, const char *file, uint64_t line, const char *reason);

#endif
