/*
 * chorus.h — the public API of libchorus, a library that finds coordinated inauthentic
 * behaviour in dumps of social-media posts: accounts that act in concert, posts that parrot
 * official statements, and the evidence.
 *
 * This is the only header the `chorus` command (src/cli/) includes, and the one a Python
 * module or an HTTP server builds on (guide: docs/api.md). Reading order:
 *
 *   1. errors          chorus_err, chorus_error, chorus_strerror
 *   2. vocabulary      formats, options, time formatting
 *   3. a scan          chorus_scan: options, inputs, statements, callbacks; three jobs:
 *                      chorus_scan_run (the results database), chorus_scan_ingest (read and
 *                      count), chorus_scan_match (parroting matches only); then its summary
 *   4. results         chorus_results: a results database read back (clusters, accounts,
 *                      edges, evidence, matches, statements) as typed rows
 *   5. outputs         chorus_report_write (HTML), chorus_export_write (GraphML, GEXF, CSV,
 *                      JSON)
 *   7. watching        chorus_watch: live sources, a live database, alerts, checkpoints
 *
 * Conventions (the whole library follows them):
 *  - every function that can fail returns a chorus_err (0 = CHORUS_OK) and writes results
 *    through OUT parameters; a handle keeps the detail of its last failure (chorus_scan_error,
 *    chorus_results_error), a function without a handle fills the chorus_error it is given;
 *  - handles are opaque and come in create/free pairs; free functions accept NULL; a handle is
 *    used by one thread at a time, different handles are independent;
 *  - strings passed in are copied when kept; strings handed out are owned by the handle (or, in
 *    a callback, by the call) and say how long they stay valid;
 *  - the library never prints, exits or aborts: what a user should see reaches the caller
 *    through callbacks (diagnostics, progress) and error details;
 *  - options are set by string key and value (chorus_scan_set), so a command-line flag, a
 *    Python keyword argument and an HTTP parameter name the same documented keys.
 *
 * Files: every file the library writes (results database, report, export) is written to a
 * temporary file beside the target and renamed into place: a failure never leaves a half-
 * written file where a good one stood. An output never replaces the files a job reads (inputs,
 * statements, the database a report is made from: compared by device and inode, so links are
 * caught), nor an existing file that is not an output of the same kind unless forced; a
 * symbolic link is followed to the file it names, a character device or FIFO (/dev/null, a
 * pipe) is written directly, never replaced. docs/reliability.md has the whole policy.
 */
#ifndef CHORUS_H
#define CHORUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== 1. errors ============================================================================ */

typedef enum chorus_err {
    CHORUS_OK = 0,
    CHORUS_ENOMEM,   /* allocation failed or a size limit would overflow */
    CHORUS_EIO,      /* a file could not be opened, read or written */
    CHORUS_EFORMAT,  /* unknown or undetectable input format */
    CHORUS_EPARSE,   /* a malformed record (fatal only in strict mode) */
    CHORUS_ELIMIT,   /* input exceeds a documented limit */
    CHORUS_EUSAGE,   /* invalid argument or option */
    CHORUS_EDB,      /* the results database could not be written or read, or is not ours */
    CHORUS_EINTERNAL,/* a bug or an error from a dependency */
    CHORUS_ENOTFOUND /* no such cluster, account, statement, input or summary figure */
} chorus_err;

/* A short constant description of a code ("out of memory"). Never NULL. */
const char *chorus_strerror(chorus_err e);
/* The library's version, "MAJOR.MINOR.PATCH". */
const char *chorus_version(void);

/*
 * Distributed scans (docs/scale.md). A program started by an MPI launcher (`mpirun -n N`,
 * Slurm's `srun`) calls chorus_dist_init once before its scan and chorus_dist_finish once
 * after it; every rank then runs the same chorus_scan_run. The ranks share the reading of the
 * inputs (every rank builds the corpus a single process would) and the per-post work of the
 * narratives and parroting; rank 0 finishes those stages, runs the rest and writes the
 * database (the results do not depend on the number of ranks), while chorus_scan_run returns
 * CHORUS_OK on the other ranks as soon as their part is sent, without writing anything.
 * Outside an MPI launch, or in a build without MPI (chorus_has_mpi), the process is rank 0
 * of 1 and a scan runs as usual. Returns CHORUS_OK, or CHORUS_EIO when MPI fails to start.
 */
chorus_err chorus_dist_init(int *rank, int *nranks);
void chorus_dist_finish(void);
bool chorus_has_mpi(void);
/* Bytes this rank has sent to the other ranks so far (each receiver counted), 0 outside an
 * MPI job: what a distributed scan costs the network. */
uint64_t chorus_dist_bytes_sent(void);

/* The detail of a failure. `message` is one line without a "chorus:" prefix that says what is
 * wrong first and quotes names ("cannot open 'x.jsonl': No such file or directory"); `file`,
 * `line` and `offset` locate it when it is about a place in a file. */
typedef struct chorus_error {
    chorus_err code;          /* CHORUS_OK when nothing failed */
    char message[1024];
    char file[1024];          /* the file concerned (cut to fit), "" when none */
    uint64_t line;            /* 1-based line in `file`, 0 when not about a line */
    int64_t offset;           /* byte offset in `file` (decompressed), -1 when unknown */
    bool reported;            /* the problem was already passed to the diagnostic callback
                                 (an unreadable input, say): a caller that shows diagnostics
                                 need not show it again */
} chorus_error;

/* ==== 2. vocabulary ======================================================================== */

/* The null of an integer read from a results database or summary (a time or cluster that is
 * not known). Reals use NaN, strings NULL. */
#define CHORUS_NULL INT64_MIN
/* An account scoring at least this is "flagged" in summaries and reports. Scores are calibrated
 * probabilities of being a campaign member; the flag is the score at which the detector's
 * evidence threshold sits (docs/scoring.md). Databases of chorus before calibrated scores
 * flagged at 0.5. */
#define CHORUS_SCORE_FLAG 0.91

/* Writes Unix time t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (cap >= 21, else cut), or
 * "unknown" for CHORUS_NULL or a time outside the years 1 to 9999. Returns buf. */
const char *chorus_time_format(int64_t t, char *buf, size_t cap);
/* Writes a duration in seconds in words into buf (cap >= 24 always suffices; else cut):
 * "45 seconds", "29 minutes", "6 hours", "1.5 hours", "3 days"; a negative one with a leading
 * '-'. The spelling of summaries, reasons and the report. Returns buf. */
const char *chorus_duration_format(double seconds, char *buf, size_t cap);

/* The reasons a record is skipped ("bad_json", "missing_id", ...; chorus_diag.reason), in a
 * fixed order: i from 0 until NULL. Constants. */
const char *chorus_reason_at(size_t i);

/* The input formats (`chorus formats`), in a fixed order: i from 0 until NULL. The strings are
 * constants. */
typedef struct chorus_format_info {
    const char *name;         /* what the "format" option takes: "twitter-v1", "csv", ... */
    const char *platform;     /* "x", "bluesky", ...; "" when the format does not say */
    const char *summary;      /* one line */
    const char *example;      /* a minimal input */
    bool detected;            /* chosen automatically from the first bytes ("auto") */
    const char *aliases;      /* other names the "format" option takes, comma-separated
                                 ("ct, ct-shares"); "" when none */
} chorus_format_info;
const chorus_format_info *chorus_format_at(size_t i);

/* The options of a scan, i from 0 until NULL (for help texts, Python docstrings, HTTP
 * validation); chorus_option_find looks one up by key. The strings are constants.
 *
 *   key              values                                default  used by
 *   format           auto, or a format name                auto     every job: inputs added
 *                                                                   without a format
 *   map              FIELD=COLUMN,... (see `chorus ingest   none     every job: inputs added
 *                    --help`); repeatable, entries                  without a map; implies
 *                    accumulate                                     format csv under auto
 *   strict           true/false (also 1/0, yes/no, on/off) false    every job: the first bad
 *                                                                   record stops it
 *   threads          0..1024: worker threads, 0 = all      0        scan, match (results never
 *                    cores (at most 16 are used)                    depend on it)
 *   window           auto, or seconds 1..2592000           auto     scan: co-action window
 *   threshold        a number in (0, 1]                    0.60     scan, match: minimum
 *                                                                   similarity of a parroting
 *                                                                   match
 *   all_matches      true/false                            false    match: every matching
 *                                                                   statement per post, not
 *                                                                   only the best
 *   errors_per_file  0..1000000                            100      scan: bad records kept per
 *                                                                   file in ingest_errors
 *   report           a path                                none     scan: also write the HTML
 *                                                                   report there
 *   force            true/false                            false    scan: replace an existing
 *                                                                   database or report file
 *                                                                   that chorus did not write
 *   memory           auto, or a size from 1M (2G, 500M,    auto     every job: memory budget
 *                    bytes; K/M/G/T are powers of 1024)             (auto: half the physical
 *                                                                   memory); past half of it,
 *                                                                   post texts go to a temporary
 *                                                                   file in $TMPDIR mapped back
 *                                                                   (results never depend on it)
 */
typedef struct chorus_option_info {
    const char *key;
    const char *values;       /* what it takes, in words */
    const char *default_value;
    const char *help;         /* one line */
} chorus_option_info;
const chorus_option_info *chorus_option_at(size_t i);
const chorus_option_info *chorus_option_find(const char *key);   /* NULL when unknown */

/* ==== 3. a scan ============================================================================ */

/*
 * A scan handle gathers a job's options, inputs and statements, runs ONE job, and then holds
 * its summary until freed:
 *
 *   chorus_scan *s;
 *   chorus_scan_new(&s);
 *   chorus_scan_set(s, "window", "60");
 *   chorus_scan_add_input(s, "tweets.jsonl.gz", NULL, NULL);
 *   chorus_scan_add_statements(s, "statements/", false);
 *   chorus_scan_set_diag(s, on_bad_record, ctx);
 *   if (chorus_scan_run(s, "results.db") != CHORUS_OK)
 *       fprintf(stderr, "%s\n", chorus_scan_error(s)->message);
 *   chorus_scan_summary_json(s);   ... chorus_scan_free(s);
 *
 * Reading inputs (every job): each input is read in turn by its format (named, or detected
 * from its first bytes); bad records are skipped, counted by reason and passed to the
 * diagnostic callback. An input that cannot be read at all (missing, unknown format) is
 * passed to the callback (line 0), recorded in its chorus_input_info, and the others are still
 * read; reading stops early only at the first bad record in strict mode (CHORUS_EPARSE) or
 * when memory runs out (CHORUS_ENOMEM). Posts are deduplicated by (platform, post id).
 */
typedef struct chorus_scan chorus_scan;

/* Returns CHORUS_OK or CHORUS_ENOMEM. */
chorus_err chorus_scan_new(chorus_scan **out);
/* Releases the handle, its corpus, results and summary. NULL is fine. */
void chorus_scan_free(chorus_scan *s);
/* The detail of the handle's last failure (code CHORUS_OK when the last call succeeded).
 * Valid until the next call on the handle. */
const chorus_error *chorus_scan_error(const chorus_scan *s);

/* Sets option `key` (see chorus_option_at) from its text `value`. Returns CHORUS_OK, or
 * CHORUS_EUSAGE with a message naming the key first ("window takes 'auto' or seconds between
 * 1 and 2592000, not '-5'"; "unknown option 'x' (format, map, ...)"); the option keeps its
 * previous value. Options must be set before the job runs. Cost: O(1) (format: O(formats)). */
chorus_err chorus_scan_set(chorus_scan *s, const char *key, const char *value);

/* Adds an input file ("-" is standard input; .gz and .zst are decompressed). `format` names
 * its format (NULL: the "format" option, else detected); `map` is its column map (NULL: the
 * "map" option). Both are checked now: CHORUS_EUSAGE with a message for an unknown format or
 * a bad map. The path is copied; the file is opened only when the job runs. */
chorus_err chorus_scan_add_input(chorus_scan *s, const char *path, const char *format,
                                 const char *map);
/* Adds statements to match posts against: a .txt or .md file (one statement, or with `split`
 * one per paragraph), a .jsonl file of {"id","source","published_at","lang","text"}, or a
 * directory of them (docs/parroting.md). Loaded when the job runs. */
chorus_err chorus_scan_add_statements(chorus_scan *s, const char *path, bool split);

/* A record skipped, or a file that cannot be read (line 0). Strings valid during the call. */
typedef struct chorus_diag {
    const char *file;         /* the input or statements file, as given */
    uint64_t line;            /* 1-based line of the record; 0: about the whole file */
    int64_t offset;           /* byte offset of the record, -1 when unknown */
    const char *reason;       /* why the record was skipped, a short name ("bad_json",
                                 "missing_id", ...: docs/formats.md); NULL for a whole file */
    const char *message;      /* one line, no prefix ("unterminated string in 'full_text'") */
} chorus_diag;
typedef void (*chorus_diag_fn)(void *ctx, const chorus_diag *d);
/* Every diagnostic of the job goes to fn(ctx, ...), on the thread that runs the job. */
void chorus_scan_set_diag(chorus_scan *s, chorus_diag_fn fn, void *ctx);

/* Where a job is. Strings valid during the call. */
typedef struct chorus_progress {
    const char *stage;        /* "read", "statements", "index", "normalize", "narratives",
                                 "parrot", "coact", "network", "score", "store", "report",
                                 "match" */
    const char *what;         /* the stage in words ("grouping near-identical posts") */
    const char *file;         /* read: the input being read; else NULL */
    uint64_t done;            /* read: bytes of that input consumed; else 0 */
    int64_t total;            /* read: that input's size in bytes; -1 when unknown (a pipe) or
                                 for other stages */
    uint64_t records;         /* records read so far, all inputs together */
} chorus_progress;
typedef void (*chorus_progress_fn)(void *ctx, const chorus_progress *p);
/* fn is called when each stage starts and, while reading, every few thousand records and at
 * the end of each input, on the thread that runs the job. The summary accessors may be called
 * from it (the reading figures are complete once a later stage starts). */
void chorus_scan_set_progress(chorus_scan *s, chorus_progress_fn fn, void *ctx);

/*
 * The main job: reads the inputs, then the statements, finds parroting, narratives,
 * co-actions, the account network and its clusters, scores every account, and writes the
 * results database to db_path (docs/schema.md), then the report when the "report" option is
 * set. Both outputs are checked before anything is read (CHORUS_EUSAGE when refused: one of the
 * inputs or statements files, the same file twice, an existing file that is not a chorus
 * database or report without "force", a device for the database; CHORUS_EDB or CHORUS_EIO when
 * it cannot be written, with the system's reason). Stale temporary files of interrupted runs
 * removed beside an output are told to the diagnostic callback (line 0).
 *
 * Inputs that cannot be read: the job goes on over the others (check chorus_scan_count
 * "inputs_failed"), unless the "strict" option is set or no post was read at all, and returns
 * that input's code (CHORUS_EIO, CHORUS_EFORMAT) before writing anything; an input refused as
 * a usage error (a table without a column map) returns CHORUS_EUSAGE, likewise. A statements
 * file that cannot be read stops the job (CHORUS_EIO). Other returns: CHORUS_EPARSE (strict:
 * the first bad record), CHORUS_ENOMEM, CHORUS_EDB (the database cannot be written),
 * CHORUS_EIO (the report cannot be written: the database was), CHORUS_EUSAGE (the handle
 * already ran a job). On failure no database replaces an older one at db_path.
 *
 * Cost: about 3 times reading the inputs alone, on 2 cores (8 s and 600 MB for a million
 * posts: docs/performance.md). Results never depend on "threads".
 */
chorus_err chorus_scan_run(chorus_scan *s, const char *db_path);

/* Reads the inputs only (`chorus ingest`), for the reading figures of the summary. Returns
 * CHORUS_OK once every input was tried (unreadable inputs are counted in "inputs_failed"),
 * CHORUS_EUSAGE when an input was refused as a usage error (the others were read),
 * CHORUS_EPARSE (strict: stopped at the first bad record), CHORUS_ENOMEM. The summary is
 * available whatever the return. Cost: reading only, O(input bytes). */
chorus_err chorus_scan_ingest(chorus_scan *s);

/* A post that copies, excerpts or paraphrases a statement, with the aligned passages.
 * Offsets are UTF-8 byte offsets into post_text and statement_text; [post_start, post_end)
 * covers every segment. Strings valid during the callback. */
typedef struct chorus_segment {
    int64_t post_start, post_end, stmt_start, stmt_end;
} chorus_segment;
typedef struct chorus_match {
    const char *post_id, *account_id;
    const char *handle;       /* NULL when unknown */
    const char *statement_id;
    int64_t created_at;       /* the post's time, Unix seconds */
    double similarity;        /* share of the post found in the statement, 0..1 */
    const char *post_text;
    size_t post_len;
    const char *statement_text; /* as loaded (Markdown: after markup removal) */
    size_t statement_len;
    int64_t post_start, post_end, stmt_start, stmt_end;
    int before_publication;   /* 1: the post is older than the statement, 0: not, -1: the
                                 statement has no date */
    const chorus_segment *segments; /* every aligned segment (several when sentences were
                                       reordered); NULL, 0 when read from a database */
    size_t nsegments;
} chorus_match;
/* Called once per row; a nonzero return stops the iteration (the call still succeeds). */
typedef int (*chorus_match_fn)(void *ctx, const chorus_match *m);

/*
 * Parroting only (`chorus match`): loads the statements (before the inputs, so that a wrong
 * statements path fails before a long read), indexes them, reads the inputs, and calls fn once
 * per match, in input order (the best statement per post, or every matching one with
 * "all_matches"). A repost of a post in the inputs is attributed to that post, not matched
 * again. Statements files that cannot be read are skipped (counted in "statements_failed"),
 * and so are inputs ("inputs_failed"); with "strict", an input that cannot be read, a bad
 * record or a bad statement stops the job.
 * Returns CHORUS_OK, CHORUS_EIO (no statement could be loaded, or strict and a file failed),
 * CHORUS_EPARSE (strict: a bad statement or record), CHORUS_ENOMEM, CHORUS_ELIMIT,
 * CHORUS_EUSAGE (the handle already ran a job).
 * Cost: O(statement bytes) to index, then a bounded cost per post: about 480,000 posts a
 * second per core (docs/performance.md).
 */
chorus_err chorus_scan_match(chorus_scan *s, chorus_match_fn fn, void *ctx);

/* ---- the summary of a job ------------------------------------------------------------ */

/*
 * A figure of the job by name (the names of the JSON summary):
 *   reading (every job)  inputs, inputs_failed, records, posts, accounts, duplicates, merged
 *                        (rows repeating a post id that added URLs/hashtags to it), errors
 *                        (records skipped), by_kind.KIND (post, repost, reply, quote, like),
 *                        errors_by_reason.REASON, first, last (the span of the posts' times;
 *                        CHORUS_ENOTFOUND when no post has one), statements, statements_failed
 *   match                matches, posts_matched, reposts_of_matched, index_bytes
 *   scan                 matches, posts_matched, narratives, edges (account pairs and
 *                        behaviours the network used), edges_screened, edges_significant,
 *                        clusters, clustered_accounts, flagged_accounts (score >= CHORUS_SCORE_FLAG),
 *                        window (seconds), window.BEHAVIOUR, window_long.BEHAVIOUR (window
 *                        auto's second look, 0 for none), pairs (account pairs of the
 *                        network's graph), paired_accounts (accounts in one of them)
 * Returns CHORUS_OK, or CHORUS_ENOTFOUND for a name the job did not compute. Cost: a few string
 * comparisons.
 */
chorus_err chorus_scan_count(const chorus_scan *s, const char *name, int64_t *out);
/* Wall seconds of a stage (the progress stage names; "read" for reading), or of the whole job
 * when stage is NULL. CHORUS_ENOTFOUND for a stage that did not run. */
chorus_err chorus_scan_seconds(const chorus_scan *s, const char *stage, double *out);

/* What became of input i (in the order added). Strings owned by the handle. */
typedef struct chorus_input_info {
    const char *path;
    const char *format;       /* the format that read it, NULL when none could */
    chorus_err status;        /* CHORUS_OK, or why it could not be read */
    uint64_t records;         /* records read from it (kept, duplicate or skipped) */
    uint64_t posts;           /* posts kept from it */
    uint64_t errors;          /* records skipped */
} chorus_input_info;
size_t chorus_scan_input_count(const chorus_scan *s);
/* CHORUS_ENOTFOUND when i >= chorus_scan_input_count. */
chorus_err chorus_scan_input(const chorus_scan *s, size_t i, chorus_input_info *out);

/* A coordinated cluster (also a row of chorus_results_clusters). */
typedef struct chorus_cluster {
    int64_t id;               /* 0 = the strongest */
    int64_t size;             /* accounts */
    double score;             /* 0..1 */
    const char *behaviours;   /* comma-separated: "repost,narrative" */
    int64_t first_seen, last_seen;
    const char *summary;      /* one line in words */
} chorus_cluster;
/* Cluster i of a scan, strongest first (i < count "clusters"). Strings valid until the next
 * call of this function or the handle is freed. CHORUS_ENOTFOUND past the end. */
chorus_err chorus_scan_cluster(chorus_scan *s, size_t i, chorus_cluster *out);

/* The summary as one JSON object (what `chorus scan --json` and `chorus ingest --json` print;
 * the keys are the names of chorus_scan_count, docs/api.md lists them). Owned by the handle,
 * valid until it is freed. NULL before a job or when out of memory. O(clusters shown). */
const char *chorus_scan_summary_json(chorus_scan *s);

/* ==== 4. results: a results database read back ========================================== */

/*
 * A results database opened read-only (`chorus inspect`, the report, a server). Queries return
 * typed rows through a callback, in a documented order, a page at a time (limit, offset).
 * Column values that are NULL in the file are CHORUS_NULL (integers), NaN (reals) or NULL
 * (strings). Strings are valid during the callback only.
 */
typedef struct chorus_results chorus_results;

/* Opens path and checks it is a chorus results database this version can read: PRAGMA
 * application_id and user_version (docs/schema.md). Returns CHORUS_OK, CHORUS_EIO ("cannot
 * open 'x.db': ..."), CHORUS_EDB ("'x.db' is not a chorus results database", "'x.db' was
 * written by a newer chorus ...") or CHORUS_ENOMEM, with the detail in err (may be NULL). */
chorus_err chorus_results_open(const char *path, chorus_results **out, chorus_error *err);
void chorus_results_close(chorus_results *r);   /* NULL is fine */
/* The detail of the last failed query. */
const chorus_error *chorus_results_error(const chorus_results *r);
/* The file's schema version (0: written before chorus stamped its files). */
int chorus_results_schema(const chorus_results *r);

/* Which rows a query returns. Start from chorus_query_init; each function says which filters
 * it takes (another one set is CHORUS_EUSAGE). */
typedef struct chorus_query {
    int64_t cluster;          /* < 0 (default): any cluster */
    const char *account;      /* NULL (default): any account */
    const char *statement;    /* NULL (default): any statement */
    uint64_t limit;           /* rows at most; 0 (default): all */
    uint64_t offset;          /* rows skipped first */
} chorus_query;
void chorus_query_init(chorus_query *q);

/* Each query: rows to fn(ctx, row) until it returns nonzero (the query still succeeds).
 * Returns CHORUS_OK, CHORUS_ENOTFOUND (a filter naming one object found none: see each),
 * CHORUS_EUSAGE (a filter the query does not take), CHORUS_EDB (the file cannot be read:
 * detail in chorus_results_error). Cost: one indexed SQLite query. */

/* The run table: every key and value (version, input.N, param.*, count.*, time.*) by key. */
typedef int (*chorus_run_fn)(void *ctx, const char *key, const char *value);
chorus_err chorus_results_run(chorus_results *r, chorus_run_fn fn, void *ctx);

/* Clusters by score (highest first), then id. Filter: cluster (that one; ENOTFOUND). */
typedef int (*chorus_cluster_fn)(void *ctx, const chorus_cluster *c);
chorus_err chorus_results_clusters(chorus_results *r, const chorus_query *q,
                                   chorus_cluster_fn fn, void *ctx);

typedef struct chorus_account {
    const char *id;
    const char *handle;       /* NULL when unknown */
    const char *platform;     /* "" when the input did not say; NULL in a file without it */
    int64_t n_posts;
    double score;             /* 0..1; NaN when not scored */
    int64_t cluster;          /* CHORUS_NULL when in no cluster */
    const char *reasons;      /* JSON: every feature's value and contribution, and
                                 "top_reasons" in words (docs/scoring.md); NULL when none */
    const char *top_reasons;  /* reasons' "top_reasons" in words, one per line ('\n'
                                 between them), strongest first; NULL when none */
} chorus_account;
typedef int (*chorus_account_fn)(void *ctx, const chorus_account *a);
/* Accounts by score (highest first), then id: the scored accounts, or with the cluster filter
 * that cluster's members (scored or not). Filter account: the one account whose id or handle
 * it is (a leading '@' is ignored; ENOTFOUND when none). */
chorus_err chorus_results_accounts(chorus_results *r, const chorus_query *q,
                                   chorus_account_fn fn, void *ctx);

/* A co-action edge: a pair of accounts and one behaviour. */
typedef struct chorus_edge {
    const char *account_a, *account_b;
    const char *behaviour;    /* repost, reply, quote, link, hashtag, narrative, statement */
    double weight;
    int64_t n_events;         /* pairs of posts within the window */
    int64_t n_objects;        /* distinct shared objects */
    double pvalue;            /* under the null model (docs/coordination.md) */
    const char *handle_a, *handle_b;   /* the accounts' handles; NULL when unknown */
} chorus_edge;
typedef int (*chorus_edge_fn)(void *ctx, const chorus_edge *e);
/* Edges by p-value (smallest first), then shared objects (most first). Filters: account (an
 * account id: its edges), cluster (edges between two of its members). */
chorus_err chorus_results_edges(chorus_results *r, const chorus_query *q, chorus_edge_fn fn,
                                void *ctx);

/* Evidence of an edge: the two posts that acted on the same object. */
typedef struct chorus_evidence {
    const char *account_a, *account_b;
    const char *handle_a, *handle_b;   /* NULL when unknown */
    const char *behaviour;
    const char *post_a, *post_b;
    const char *object;       /* in words: "post ID", a URL, "#a #b", "narrative N",
                                 "statement ID" */
    const char *text_a, *text_b;
    int64_t time_a, time_b;
} chorus_evidence;
typedef int (*chorus_evidence_fn)(void *ctx, const chorus_evidence *e);
/* Evidence by the first post's time. Filters: cluster (both accounts its members), account
 * (an account id: either side). */
chorus_err chorus_results_evidence(chorus_results *r, const chorus_query *q,
                                   chorus_evidence_fn fn, void *ctx);

/* Matches by the post's time (segments are not stored: NULL, 0). Filters, combinable:
 * cluster (posts of its members), account (an account id: its posts), statement (an id). */
chorus_err chorus_results_matches(chorus_results *r, const chorus_query *q, chorus_match_fn fn,
                                  void *ctx);

typedef struct chorus_statement {
    const char *id;
    const char *source;       /* NULL when unknown */
    const char *lang;         /* NULL when unknown */
    const char *text;
    size_t text_len;
    int64_t published_at;     /* CHORUS_NULL when unknown */
} chorus_statement;
typedef int (*chorus_statement_fn)(void *ctx, const chorus_statement *s);
/* Statements by publication time (unknown last), then id. Filter: statement (that one;
 * ENOTFOUND). */
chorus_err chorus_results_statements(chorus_results *r, const chorus_query *q,
                                     chorus_statement_fn fn, void *ctx);

/* One UTC hour of coordination over time (schema 2; docs/coordination.md). */
typedef struct chorus_timeline {
    int64_t hour_start;       /* Unix seconds, a multiple of 3600 */
    int64_t events;           /* posts in the hour */
    int64_t accounts;         /* accounts posting in it */
    double coordination;      /* share of its posts by accounts in a coordinated cluster */
    double robust_z;          /* robust z-score of coordination over the hours */
    bool spike;               /* the hour stands out (robust_z >= 3.5, >= 3 such posts) */
} chorus_timeline;
typedef int (*chorus_timeline_fn)(void *ctx, const chorus_timeline *t);
/* Hours with posts by time (spikes_only: the spikes). No filter but limit and offset. A file
 * older than schema 3 has no timeline: no rows. */
chorus_err chorus_results_timeline(chorus_results *r, const chorus_query *q, bool spikes_only,
                                   chorus_timeline_fn fn, void *ctx);

/* An alert of a live watch (`chorus watch`): the alerts table of its database. A database
 * written by `chorus scan` has none. */
typedef struct chorus_alert {
    int64_t id;               /* increasing */
    int64_t created_at;       /* Unix seconds */
    const char *kind;         /* "new_cluster", "cluster_grew", "statement_echoed", "spike" */
    int64_t cluster;          /* CHORUS_NULL when not about a cluster */
    const char *statement;    /* NULL when not about a statement */
    const char *summary;      /* one line in words */
    const char *evidence;     /* JSON (post and account ids); NULL when none */
    bool muted;               /* a desk muted it (`chorus serve`, POST /api/alerts/ID/mute) */
} chorus_alert;
typedef int (*chorus_alert_fn)(void *ctx, const chorus_alert *a);
/* Alerts with an id above after_id (0: all), newest first; limit and offset page them.
 * Filter: cluster (alerts about it). A file without alerts gives no rows. */
chorus_err chorus_results_alerts(chorus_results *r, const chorus_query *q, int64_t after_id,
                                 chorus_alert_fn fn, void *ctx);

/* ==== 5. outputs =========================================================================== */

/* Removes the temporary files of every output being written in the process (every handle,
 * every thread). Async-signal-safe: for a SIGINT/SIGTERM/SIGHUP handler that ends the process
 * next (the `chorus` command installs one), so an interrupted job leaves nothing half-written
 * behind. A run killed without a chance to clean (SIGKILL) leaves its file; the next run over
 * the same output removes it and says so (the notice callbacks). */
void chorus_remove_temporary_files(void);

/* The HTML report of a results database (docs/report.md). */
typedef struct chorus_report_opts {
    unsigned top_clusters;    /* clusters with a full section (default 50) */
    unsigned top_statements;  /* statements with a full section (default 50) */
    unsigned max_items;       /* rows of a list before "and N more" (default 25) */
    unsigned max_nodes;       /* clustered accounts drawn in the network picture (30000) */
    unsigned max_neighbours;  /* faded unclustered neighbours drawn per cluster (default 5) */
    uint64_t seed;            /* seed of the layout's random numbers (default 1) */
    bool force;               /* replace an existing file that is not a chorus report (default
                                 false: refused with CHORUS_EUSAGE) */
    chorus_diag_fn notice;    /* told (line 0) about stale temporary files of interrupted runs
                                 removed beside the output; NULL: removed silently */
    void *notice_ctx;
} chorus_report_opts;
void chorus_report_opts_init(chorus_report_opts *o);

typedef struct chorus_report_info {
    uint64_t bytes;             /* size of the file written */
    uint64_t clusters;          /* clusters in the database */
    uint64_t clusters_detailed; /* of which with a full section */
    uint64_t clustered;         /* accounts with a cluster */
    uint64_t nodes;             /* of which drawn in the network picture */
    uint64_t statements;        /* statements in the database */
    double seconds;             /* time to write the report */
} chorus_report_info;

/* Writes the standalone HTML report of the database at db_path to out_path ("-": standard
 * output). o and info may be NULL. Returns CHORUS_OK, CHORUS_EIO (database missing or
 * unreadable, output not writable), CHORUS_EDB (not a chorus results database, or a query
 * failed), CHORUS_EUSAGE (out_path is the database itself, or refused: see "Files" above),
 * CHORUS_ENOMEM, CHORUS_EINTERNAL, with the detail in err (may be NULL). The same database and options give the same bytes.
 * Cost: a few passes over the posts table; about 1 s per million posts. */
chorus_err chorus_report_write(const char *db_path, const char *out_path,
                               const chorus_report_opts *o, chorus_report_info *info,
                               chorus_error *err);

/* The account network of a results database for graph tools (docs/exports.md). */
typedef struct chorus_export_opts {
    const char *format;       /* graphml, gexf, csv or json; NULL: from out_path's extension
                                 (.graphml/.xml, .gexf, .csv, .json), else graphml */
    bool combined;            /* one edge per pair: weights, events, objects summed */
    bool all_accounts;        /* every account, not only those with an edge */
    bool force;               /* replace an existing file that is not a chorus export of this
                                 format (default false: refused with CHORUS_EUSAGE) */
    chorus_diag_fn notice;    /* told (line 0) about stale temporary files removed; may be NULL */
    void *notice_ctx;
} chorus_export_opts;

typedef struct chorus_export_info {
    const char *format;       /* the format written (a constant) */
    uint64_t nodes, edges;    /* written */
    char path[4096];          /* the file written ("-" for standard output); csv: the nodes */
    char edges_path[4096];    /* csv: the edges file; else "" */
} chorus_export_info;

/* Writes the network of the database at db_path to out_path: NULL for the database's path
 * with the format's extension ("x.db" -> "x.graphml"); "-" for standard output (not csv, which
 * writes two files: PREFIX-nodes.csv and PREFIX-edges.csv, or DIR/nodes.csv and DIR/edges.csv
 * for a directory). o and info may be NULL. Returns CHORUS_OK, CHORUS_EUSAGE (unknown format,
 * csv to "-", a directory for another format, out_path is the database, or refused: see
 * "Files" above), CHORUS_EIO, CHORUS_EDB, CHORUS_ENOMEM, CHORUS_ELIMIT, with the detail in err
 * (may be NULL). Cost: one streaming pass over the accounts and edges; the edges sorted by
 * SQLite. */
chorus_err chorus_export_write(const char *db_path, const char *out_path,
                               const chorus_export_opts *o, chorus_export_info *info,
                               chorus_error *err);

/* ==== 6. serving: a results database over HTTP (docs/api.md, "HTTP API") =================== */

/*
 * A JSON API and a live dashboard over a results database, which may be the one a running
 * `chorus watch` keeps up to date (each request reads the file as it is then). Read-only unless
 * a token is given: writing (add a statement, mark an account reviewed, mute an alert) needs
 * "Authorization: Bearer TOKEN". The server runs on its own threads (one per connection, at
 * most max_connections) until stopped; the library prints nothing.
 */
typedef struct chorus_server chorus_server;
typedef struct chorus_serve_opts {
    const char *listen;        /* "HOST:PORT" (default "127.0.0.1:8080"); port 0 picks a free
                                  one (chorus_server_port says which); an IPv4 address or
                                  "localhost" */
    const char *token;         /* the bearer token that allows writing; NULL: read-only */
    const char *statements_dir;/* where POST /api/statements writes a statement (the folder a
                                  watcher reads statements from); NULL: that request is refused */
    unsigned max_connections;  /* open connections at most (default 256) */
    size_t max_body;           /* bytes of a request body at most (default 1 MiB) */
    unsigned poll_ms;          /* how often live pages look for new alerts (default 1000) */
} chorus_serve_opts;
void chorus_serve_opts_init(chorus_serve_opts *o);
/* Checks that db_path is a results database, binds and starts serving. Returns CHORUS_OK,
 * CHORUS_EUSAGE (a bad listen address or option), CHORUS_EIO (cannot bind: the port is taken),
 * CHORUS_EDB (not a results database) or CHORUS_ENOMEM, with the detail in err (may be NULL). */
chorus_err chorus_server_start(const char *db_path, const chorus_serve_opts *o,
                               chorus_server **out, chorus_error *err);
/* The port the server listens on. */
int chorus_server_port(const chorus_server *s);
/* Requests served so far (all answers, errors included). */
uint64_t chorus_server_requests(const chorus_server *s);
/* Closes the listening socket and every connection, waits for them, frees. NULL is fine. */
void chorus_server_stop(chorus_server *s);

/* ==== 7. watching live sources (docs/watch.md) ============================================= */

/*
 * A watcher reads live sources (standard input "-", files followed as they grow, Bluesky
 * Jetstream "jetstream:wss://...", Mastodon streaming "mastodon:wss://..."), matches each new
 * post against the statements at arrival, runs the scan's detection chain over a sliding
 * horizon of recent records on a schedule, writes the results into a live database (SQLite
 * WAL: readable by others while it runs; each refresh is one transaction), raises alerts
 * (new cluster, cluster grew, statement echoed, hourly coordination spike) and checkpoints
 * its state so a killed watcher resumes without losing or counting twice an event.
 *
 *   chorus_watch *w;  chorus_watch_new(&w);
 *   chorus_watch_set(w, "horizon", "3d");  chorus_watch_set(w, "refresh", "60");
 *   chorus_watch_add_source(w, "jetstream:wss://jetstream2.us-east.bsky.network/subscribe");
 *   chorus_watch_add_statements(w, "statements/");
 *   chorus_watch_set_alert(w, on_alert, ctx);        (one JSON object per alert)
 *   chorus_watch_run(w, "live.db");   ... from a signal handler: chorus_watch_stop(w)
 *
 * Option keys (chorus_watch_set; docs/watch.md has the full list): horizon, refresh,
 * refresh-records, checkpoint, fresh, follow, format, echo-k, echo-window, grow-min,
 * grow-ratio, spike-z, spike-min, batch, threads, window, threshold, max-retries, ca-file,
 * jetstream-dict, token-file, no-backfill. Durations take a number of seconds or a suffix s, m, h, d ("3d").
 */
typedef struct chorus_watch chorus_watch;

chorus_err chorus_watch_new(chorus_watch **out);
void chorus_watch_free(chorus_watch *w);
const chorus_error *chorus_watch_error(const chorus_watch *w);
chorus_err chorus_watch_set(chorus_watch *w, const char *key, const char *value);
/* A source spec (see above); its order matters to a checkpoint. */
chorus_err chorus_watch_add_source(chorus_watch *w, const char *spec);
/* A statements file or folder, read again whenever it changes while the watcher runs. */
chorus_err chorus_watch_add_statements(chorus_watch *w, const char *path);
/* json: one alert as a JSON object (alert_id, created_at, kind, cluster_id, statement_id,
 * summary, evidence), valid during the call. Called after the alert is committed. */
typedef void (*chorus_watch_alert_fn)(void *ctx, const char *json);
void chorus_watch_set_alert(chorus_watch *w, chorus_watch_alert_fn fn, void *ctx);
/* where: a source spec, a file, or NULL; message: one line. */
typedef void (*chorus_watch_diag_fn)(void *ctx, const char *where, const char *message);
void chorus_watch_set_diag(chorus_watch *w, chorus_watch_diag_fn fn, void *ctx);
/* Asks a running watcher to stop cleanly (last refresh and checkpoint). Async-signal-safe. */
void chorus_watch_stop(chorus_watch *w);
/* Runs until every source has ended (finite sources: their last record) or a stop. Returns
 * CHORUS_OK, CHORUS_EUSAGE (bad source, a checkpoint of other sources, a database that is not
 * a chorus one), CHORUS_EIO, CHORUS_EDB, CHORUS_EPARSE (damaged checkpoint), CHORUS_ENOMEM. */
chorus_err chorus_watch_run(chorus_watch *w, const char *db_path);
/* Figures of the run: "records", "refreshes", "alerts", "matched", "evicted", "held",
 * "clusters". CHORUS_ENOTFOUND for another name. */
chorus_err chorus_watch_count(const chorus_watch *w, const char *name, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
