/*
 * scan_write.h — a scan's results as rows of the results database: the run table (version,
 * inputs, parameters, counts, timings), statements, accounts with scores and reasons,
 * clusters, the co-action edges and their evidence, parroting matches, narratives and the
 * first bad records of each input; and the posts table, written on a worker thread while the
 * later detection stages run.
 *
 * This is the only place that maps detection results (detect/detect.h) to rows (store.h), so
 * that the scan handle (src/api/scan.c) runs the chain and this file decides what is kept.
 * Which rows and values each table holds is documented in docs/schema.md.
 *
 * Ownership: everything is borrowed for the duration of the call; the corpus, statements and
 * result must outlive a posts job until it is joined.
 */
#ifndef CH_SCAN_WRITE_H
#define CH_SCAN_WRITE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"
#include "store/store.h"

/* A bad input record kept for the ingest_errors table. */
typedef struct ch_store_bad_record {
    const char *file;
    uint64_t line;
    const char *reason;           /* ch_reason_name */
} ch_store_bad_record;

/* What the run table says about the run, beyond the results themselves. */
typedef struct ch_scan_meta {
    const char *output;           /* the database path, for messages */
    const char *const *inputs;    /* input.N */
    const char *const *input_formats; /* input_format.N: the format that read input N, NULL
                                     (or a NULL entry) when none could; may be NULL */
    size_t ninputs;
    const char *const *statements;/* statements.N: the paths given */
    size_t nstatements;
    bool window_fixed;            /* param.window: "fixed" or "auto" */
    double screen_p;              /* param.screen_p: the co-action stage's screening level */
    const char *format;           /* param.format: the format asked for ("auto", "csv", ...) */
    int threads;                  /* param.threads: worker threads, resolved (>= 1) */
    /* expert controls as asked (docs/coordination.md): param.compat, param.behaviours,
     * param.min_events, param.fdr (written only when set), param.match_threshold */
    int compat;                   /* CH_COMPAT_* */
    uint32_t behaviours;          /* 0: all (the mode's) */
    uint32_t min_events;          /* 0: the default */
    double fdr;                   /* 0: the default */
    double match_threshold;
    double seconds_ingest;        /* time.ingest */
    double seconds_store_posts;   /* time.store_posts: the posts job's time */
    const ch_store_bad_record *bad;   /* ingest_errors rows, in order */
    size_t nbad;
} ch_scan_meta;

/*
 * Writes every table but posts (the posts job's) from the corpus, the statements (NULL
 * without) and the detection result, then commits (ch_store_commit: indexes, rename into
 * place). Every row's return is checked; the first failure aborts the store. Frees the store
 * whatever happens. Returns CHORUS_OK, CHORUS_EDB or CHORUS_ENOMEM, with a message in err
 * ("cannot write 'x.db': ...").
 * Cost: O(accounts + clusters + edges + evidence + matches + narratives) rows, plus the
 * indexes at commit.
 */
int ch_store_write_scan(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                        const ch_stmtset *stmts, const ch_detect_result *r, char *err,
                        size_t errlen);

/* The rows of ch_store_write_scan without the commit, for a store the caller commits itself
 * (the live database of `chorus watch`, store.h). Returns CHORUS_OK, CHORUS_EDB or
 * CHORUS_ENOMEM with a message in err; the store stays the caller's either way. */
int ch_store_write_results(ch_store *s, const ch_scan_meta *m, const ch_corpus *c,
                           const ch_stmtset *stmts, const ch_detect_result *r, char *err,
                           size_t errlen);

/* A cluster's behaviours as the clusters table writes them: names joined by ',' in behaviour
 * order ("repost,narrative"), cut to fit cap (>= 1). */
void ch_store_behaviours_text(uint32_t mask, char *buf, size_t cap);

/*
 * The posts table is the bulk of the database. It is written, and indexed, on a worker thread
 * as soon as the narratives are known (ch_detect_opts.narratives_ready), while the later
 * detection stages run; the store is touched by that thread alone until it is joined.
 *
 *   ch_store_posts_job j = {.s = store, .c = corpus};
 *   dopt.narratives_ready = ch_store_posts_start; dopt.narratives_ready_ctx = &j;
 *   ch_detect_run(...);
 *   if (!j.started) ch_store_posts_start(&j, NULL);   (when the chain stopped early)
 *   rc = ch_store_posts_join(&j);
 */
typedef struct ch_store_posts_job {
    ch_store *s;
    const ch_corpus *c;
    const uint32_t *narrative_of_post;
    pthread_t tid;
    bool started;                 /* a thread runs (or ran) the job */
    bool done;                    /* the job ran (on a thread, or inline) */
    int rc;
    double seconds;
} ch_store_posts_job;

/* Starts the job (ctx is the job); without a thread it runs inline. */
void ch_store_posts_start(void *ctx, const uint32_t *narrative_of_post);
/* Waits for the job; returns its CHORUS_* code. Harmless when the job never started. */
int ch_store_posts_join(ch_store_posts_job *j);

#endif
