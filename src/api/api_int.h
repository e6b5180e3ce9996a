/*
 * api_int.h — the scan handle of the public API (include/chorus.h), shared by the files that
 * implement it:
 *
 *   options.c   the option table (keys, values, defaults), chorus_scan_set, the format list
 *   scan.c      the handle, inputs and statements, callbacks, and the three jobs: reading,
 *               the scan (ingest -> detect -> store -> report), parroting matches
 *   summary.c   the figures of a job by name, per input and per cluster, and the JSON summary
 *
 * This folder sits on top of the library: it calls ingest, detect, store and report, and
 * nothing below calls it. It is the only place where a job's steps are put together, so a
 * later command (watch, serve, MPI ranks) and the Python module get the same behaviour.
 */
#ifndef CH_API_INT_H
#define CH_API_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "detect/detect.h"
#include "ingest/ingest.h"
#include "store/scan_write.h"

typedef enum scan_job { JOB_NONE = 0, JOB_INGEST, JOB_SCAN, JOB_MATCH } scan_job;

/* The stages a job reports (chorus_progress.stage), in the order a scan runs them. */
typedef enum api_stage {
    ST_READ = 0,
    ST_STATEMENTS,
    ST_INDEX,
    ST_NORMALIZE,
    ST_NARRATIVES,
    ST_PARROT,
    ST_COACT,
    ST_NETWORK,
    ST_SCORE,
    ST_STORE,
    ST_REPORT,
    ST_MATCH,
    ST__COUNT
} api_stage;

extern const char *const ch_api_stage_names[ST__COUNT];   /* "read", ... */
extern const char *const ch_api_stage_words[ST__COUNT];   /* "reading", ... */

typedef struct scan_input {
    char *path;
    const ch_reader *reader;      /* named with the input; NULL: the format option */
    ch_csvmap *map;               /* named with the input (owned); NULL: the map option */
    /* what became of it */
    bool tried;
    const ch_reader *used;        /* the reader that read it */
    chorus_err status;
    char *problem;                /* the file-level message it got (owned), or NULL */
    uint64_t records, posts, errors;
} scan_input;

typedef struct scan_stmts {
    char *path;
    bool split;
} scan_stmts;

struct chorus_scan {
    chorus_error err;

    /* options (options.c) */
    const ch_reader *format;      /* NULL: auto */
    ch_csvmap map;
    bool strict, all_matches;
    int threads;                  /* 0: all cores */
    int64_t window;               /* 0: auto */
    double threshold;
    unsigned errors_per_file;
    char *report;                 /* owned, or NULL */
    bool force;                   /* outputs may replace files chorus did not write */
    char *time_format;            /* owned, or NULL: the built-in time forms only */
    /* expert controls (docs/coordination.md, "Expert controls") */
    int64_t window_of[CH_B__COUNT]; /* window NAME=SECONDS entries; 0: as window */
    uint32_t behaviours;          /* bit (1u << b); 0: every behaviour (the mode's) */
    uint32_t min_events;          /* 0: the stage's default */
    double fdr;                   /* 0: the stage's default (screened edges) */
    int compat;                   /* CH_COMPAT_* */
    double similarity;            /* CNT co-similarity threshold; 0: the default */
    uint64_t memory;              /* memory budget in bytes; 0: auto (ch_api_memory_limit) */

    /* what to read */
    scan_input *inputs;
    size_t ninputs, cap_inputs;
    scan_stmts *stmts;
    size_t nstmts, cap_stmts;
    chorus_diag_fn diag;
    void *diag_ctx;
    chorus_progress_fn progress;
    void *progress_ctx;

    /* the job */
    scan_job job;
    ch_corpus *corpus;
    ch_stmtset *set;              /* NULL without statements */
    uint64_t statements_failed;   /* statements files that could not be read */
    ch_detect_result d;
    bool detected;                /* d holds a complete result */
    int64_t clustered, flagged;   /* accounts in a cluster; scoring >= CHORUS_SCORE_FLAG */
    int64_t paired;               /* accounts in one of the network's pairs (-1: unknown) */
    ch_parrot_index *pix;         /* the match job's index */
    ch_parrot_result mres;        /* the match job's rows */
    bool matched;
    char *output;                 /* the database path (owned) */

    /* reading state */
    size_t cur_input;             /* the input being read */
    uint64_t records_before;      /* records of the inputs finished */
    uint64_t records_file;        /* records of the current input, as last reported */
    /* bad records kept for the ingest_errors table (scan job): the first errors_per_file of
     * each file; file names owned */
    ch_store_bad_record *bad;
    size_t nbad, cap_bad;
    char *bad_file;               /* the file the last diagnostic was about */
    size_t bad_this_file;

    /* timings */
    double t_start;
    double seconds[ST__COUNT];
    bool ran[ST__COUNT];
    double seconds_total;
    bool finished;

    char *json;                   /* the last summary (owned) */
    char cluster_buf[160];        /* behaviours of the last chorus_scan_cluster */
};

/* Records a failure in the handle and returns its code (error.h's ch_error_set). */
#define scan_fail(s, code, file, ...) ch_error_set(&(s)->err, (code), (file), 0, __VA_ARGS__)

/* options.c: the defaults of a new handle. */
void ch_api_options_default(chorus_scan *s);
/* options.c: "auto" or a format name/alias into *out (NULL for auto); message on failure. */
chorus_err ch_api_parse_format(chorus_scan *s, const char *value, const ch_reader **out);
/* options.c: the format asked for by default: the format option, csv under a map, or auto. */
const ch_reader *ch_api_default_reader(const chorus_scan *s);
/* The scan's memory budget in bytes: the "memory" option, or half the physical memory (0 when
 * the system does not say: no budget). */
uint64_t ch_api_memory_limit(const chorus_scan *s);

/* ---- ranks of a distributed scan (dist.c) ---- */
int ch_api_dist_rank(void);   /* 0 outside an MPI job */
int ch_api_dist_size(void);   /* 1 outside an MPI job */
int ch_api_dist_local_size(void);   /* ranks on this machine (sharing its cores), 1 outside */
/* The stages' view of the job (core/dist.h), or NULL outside an MPI job or with one rank. */
const ch_dist *ch_api_dist(void);
/* Collective: every rank gets the status of the lowest rank whose rc is not 0, or 0. */
int ch_api_dist_agree(int rc);
/* Reads input `path` together with the other ranks when it is split (ingest/split.h):
 * *handled true, the corpus of every rank filled as ch_ingest_file fills it, *used the
 * reader. *handled false: every rank reads it whole itself. Every rank calls it for every
 * input, in the same order. Returns 0 or the first error of any rank (the same on all). */
int ch_api_dist_ingest(ch_corpus *c, const char *path, const ch_ingest_opts *io,
                       const ch_reader **used, bool *handled);

#endif
