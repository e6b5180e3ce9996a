/*
 * store.h — the SQLite results database, both ways (schema: src/store/schema.sql; contract:
 * docs/DESIGN.md; versions and compatibility: docs/schema.md).
 *
 * Writing: ch_store_open creates a temporary file beside the final path (core/outfile.h),
 * stamps it with chorus's application id and schema version, and writes everything inside one
 * transaction; ch_store_commit creates the indexes, commits, closes and renames the file over
 * `path`. ch_store_abort (or a crash) leaves any previous database at `path` untouched. Rows
 * are plain structs so that this file depends on no detection stage; store/scan_write.h maps a
 * scan's results to them. Strings are borrowed for the duration of each call. Every function
 * returns CHORUS_OK or an error code (CHORUS_EDB when SQLite refuses a row).
 *
 * Reading: ch_store_open_read is the one "is this our database?" check, used by the read API
 * (store/results.c), the report and the exports.
 */
#ifndef CH_STORE_H
#define CH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "detect/timeline/timeline.h"

#include <sqlite3.h>
#include <stdbool.h>

#include "core/outfile.h"

/* What a chorus results database says it is: PRAGMA application_id is always this ("CHRS"),
 * PRAGMA user_version the schema version. CH_STORE_SCHEMA is what this chorus writes; it reads
 * CH_STORE_SCHEMA_MIN_READ to CH_STORE_SCHEMA, and also the unstamped files of the chorus
 * versions before the stamp (schema 0, recognised by their run table). docs/schema.md says what
 * changed in each version; bump CH_STORE_SCHEMA with every change of schema.sql. */
#define CH_STORE_APPLICATION_ID 0x43485253
#define CH_STORE_SCHEMA 3
#define CH_STORE_SCHEMA_MIN_READ 0

typedef struct ch_store ch_store;

/* Opens a new database to be renamed to `path` on commit. `o` (may be NULL) gives the files
 * the database must not replace (the inputs of the scan), CH_OUT_FORCE, and the notice callback
 * for stale temporary files removed (core/outfile.h); the rest of the output policy is the
 * store's: an existing file is replaced only when it is a chorus results database
 * (ch_store_is_ours) or empty, and devices and FIFOs are refused (SQLite needs a regular file).
 * err gets a message on failure. Returns CHORUS_OK, CHORUS_EUSAGE (path refused: a directory,
 * a device, a protected file, another program's file), CHORUS_EDB (cannot create the file or
 * the schema), CHORUS_ENOMEM. */
int ch_store_open(const char *path, const ch_outfile_opts *o, ch_store **out, char *err,
                  size_t errlen);
/* Bounds SQLite's page cache of a store being written to `bytes` (at least 1 MiB; the default
 * is 64 MiB): for a scan under a memory budget. Call before writing. Returns CHORUS_OK or
 * CHORUS_EDB. The database written is the same whatever the cache. */
int ch_store_set_cache(ch_store *s, uint64_t bytes);
/* The policy of ch_store_open without creating anything (a scan checks before it reads).
 * Returns CHORUS_OK, CHORUS_EUSAGE or CHORUS_EDB (cannot be written, with the reason). */
int ch_store_check(const char *path, const ch_outfile_opts *o, char *err, size_t errlen);
/* Whether an existing file is a chorus results database: SQLite's header with chorus's
 * application id (any schema version), or an unstamped file of a chorus before the stamp
 * (ch_store_open_read accepts it). head holds the file's first n bytes (ch_outfile_opts.is_ours). */
bool ch_store_is_ours(const char *path, const unsigned char *head, size_t n);
/* Why the last call that touched the database failed, in words, into buf ("No space left on
 * device (SQLite: database or disk is full)"). Returns buf. */
const char *ch_store_errmsg(const ch_store *s, char *buf, size_t cap);
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

/* Every post of the corpus, with its thread root, language and entities (URLs, hashtags and
 * mentions as JSON arrays); narrative_of_post may be NULL (CH_NONE entries store NULL).
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
    const char *platform_a, *platform_b;
    int64_t a_first, b_first, same_time;   /* CH_UNKNOWN_I64 = NULL */
    const char *leader;           /* a or b, NULL when neither came first more often */
    double lead_share;            /* < 0 = NULL */
} ch_edge_row;
int ch_store_edge(ch_store *s, const ch_edge_row *r);

typedef struct ch_evidence_row {
    const char *a, *b, *behaviour, *post_a, *post_b;
    const char *object;           /* readable text */
    const char *object_type, *object_id;
    int64_t t_a, t_b;             /* the posts' times (CH_UNKNOWN_I64 = NULL); gap is derived */
    const char *platform_a, *platform_b;
} ch_evidence_row;
int ch_store_evidence(ch_store *s, const ch_evidence_row *r);

typedef struct ch_match_row {
    const char *post_id, *statement_id;
    double similarity;
    int64_t post_start, post_end, stmt_start, stmt_end;   /* UTF-8 bytes */
    int before_publication;       /* 1 before, 0 after, -1 unknown (NULL) */
    const char *platform;         /* the post's */
    int64_t post_start_char, post_end_char, stmt_start_char, stmt_end_char; /* code points */
} ch_match_row;

/* Characters (Unicode code points) in the UTF-8 text s[0..n): the bytes that do not continue
 * a sequence. A byte offset into s becomes a character offset as Python, R and SQLite's
 * substr on TEXT count. O(n). */
size_t ch_store_utf8_chars(const char *s, size_t n);
int ch_store_match(ch_store *s, const ch_match_row *r);

typedef struct ch_narrative_row {
    int64_t id, size, n_accounts, first_seen, last_seen;
    const char *text;
} ch_narrative_row;
int ch_store_narrative(ch_store *s, const ch_narrative_row *r);

int ch_store_ingest_error(ch_store *s, const char *file, uint64_t line, const char *reason);

/* One hour of the coordination timeline (detect/timeline/timeline.h; schema 3). */
int ch_store_timeline(ch_store *s, const ch_timeline_row *r);

/* ---- the live database of `chorus watch` -------------------------------------------------- */

/*
 * A live store is the same database written in place, again and again: `chorus watch` replaces
 * the results at every refresh while others read the file. The file is in WAL mode, so a
 * reader sees the last committed refresh while the next one is written, and each refresh is
 * one transaction, so no reader ever sees half of one. The alerts table accumulates across
 * refreshes (a refresh adds rows, never rewrites it).
 *
 * ch_store_live_open: creates `path` when missing (written beside it and renamed into place,
 * like a scan's database, then switched to WAL), or opens it in place when it is a chorus
 * results database of this schema; a chorus database of an older schema is replaced by a new
 * empty one; a newer one, or a file that is not a chorus database, is refused (CHORUS_EDB /
 * CHORUS_EUSAGE: "'x' exists and is not a chorus results database: choose another output"),
 * and so are the protected files. The connection stays open until ch_store_live_close, which
 * keeps the WAL files in place for readers.
 * ch_store_live_begin: starts a transaction (BEGIN IMMEDIATE: waits up to 5 s for a writer
 * such as a server muting an alert); with `results`, also empties every results table (not
 * alerts) and drops their indexes, so that the rows of ch_store_write_results and the row
 * functions above go into a clean slate.
 * ch_store_live_commit: with `results` begun, rebuilds the indexes; commits. On failure the
 * transaction is rolled back and the previous refresh stays what readers see.
 * ch_store_live_run_i64: a run-table value of the committed database as an integer
 * (CHORUS_ENOTFOUND when absent or not a number).
 * Returns CHORUS_OK, CHORUS_EDB (with the message in err where there is one), CHORUS_ENOMEM.
 */
int ch_store_live_open(const char *path, const ch_outfile_protect *protect, size_t nprotect,
                       ch_store **out, char *err, size_t errlen);
int ch_store_live_begin(ch_store *s, bool results, char *err, size_t errlen);
int ch_store_live_commit(ch_store *s, char *err, size_t errlen);
void ch_store_live_rollback(ch_store *s);
void ch_store_live_close(ch_store *s);   /* NULL is fine */
int ch_store_live_run_i64(ch_store *s, const char *key, int64_t *out);

typedef struct ch_alert_row {
    int64_t id;
    int64_t created_at;
    const char *kind;             /* new_cluster, cluster_grew, statement_echo,
                                     coordination_spike */
    int64_t cluster_id;           /* CH_UNKNOWN_I64 = NULL */
    const char *statement_id;     /* NULL when none */
    const char *summary;
    const char *evidence;         /* JSON */
} ch_alert_row;
/* Adds an alert unless one with its id is there already (a watcher resumed after a crash
 * raises again the alerts it raised after its last checkpoint, with the same ids): *inserted
 * (may be NULL) says which. */
int ch_store_alert(ch_store *s, const ch_alert_row *r, bool *inserted);
/* A row of cluster_tracks: the stable id of cluster `cluster_id` of this refresh. */
int ch_store_cluster_track(ch_store *s, int64_t cluster_id, int64_t track_id, int64_t since);

/* ---- reading ------------------------------------------------------------------------------ */

/* What an open results database holds beyond the minimum every reader needs. */
typedef struct ch_store_info {
    int schema;                   /* user_version; 0 for a file of a chorus before the stamp */
    bool has_evidence;            /* the evidence table */
    bool has_narratives;          /* the narratives table */
    bool has_before_pub;          /* matches.before_publication */
    bool has_edge_stats;          /* edges.n_objects and edges.pvalue */
    bool has_platform;            /* accounts.platform and posts.platform */
    bool has_stmt_lang;           /* statements.lang */
    bool has_evidence_typed;      /* evidence.object_type, t_a, t_b, gap, platform_a/b
                                     (schema 2) */
    bool has_match_platform;      /* matches.platform and the *_char offsets (schema 2) */
    bool has_timeline;            /* the timeline table (schema 3) */
    bool has_alerts;              /* the alerts table (schema 2) */
} ch_store_info;

/*
 * Opens the results database at `path` read-only and checks that it is one of ours:
 *   - PRAGMA application_id is CH_STORE_APPLICATION_ID and user_version is within
 *     CH_STORE_SCHEMA_MIN_READ..CH_STORE_SCHEMA: read;
 *   - our id with a newer version: refused, "'x' was written by a newer chorus (schema N; this
 *     chorus reads up to M): update chorus";
 *   - our id with a version older than CH_STORE_SCHEMA_MIN_READ: refused, "'x' was written by
 *     an older chorus (schema N) that this one cannot read: scan the inputs again";
 *   - no id and no version (a file of a chorus before the stamp): read as schema 0 when it
 *     has the run table every version wrote; otherwise refused, "'x' is not a chorus results
 *     database (no table 'run')". A table a reader needs and such a file lacks fails that
 *     reader's query (CHORUS_EDB, "no such table");
 *   - anything else (not SQLite, another application's id): refused, "'x' is not a chorus
 *     results database (...)".
 * On success *db is open (busy timeout 5 s; close with sqlite3_close) and *info (may be NULL)
 * says what the file holds. Returns CHORUS_OK, CHORUS_EIO (missing, a directory, unreadable:
 * "cannot open 'x': ..."), CHORUS_EDB (refused as above) or CHORUS_ENOMEM; err gets one line.
 * Cost: a few catalogue queries.
 */
int ch_store_open_read(const char *path, sqlite3 **db, ch_store_info *info, char *err,
                       size_t errlen);

#endif
