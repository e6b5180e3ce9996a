/*
 * watch.h — the engine of `chorus watch`: records from live sources go into per-source
 * horizons (horizon.h), are matched against the statements as they arrive (statement echo
 * alerts), and at each refresh the horizon is read into a corpus and run through the same
 * detection chain as a scan (detect/detect.h); the results replace the previous ones in the
 * live database (store.h, one transaction), clusters are tracked across refreshes and alerts
 * raised (alerts.h), and a checkpoint is written (checkpoint.h).
 *
 * Order of one refresh, and why it is crash safe:
 *   1. pending records parsed (times, parroting at arrival), alerts committed to the database
 *   2. horizon evicted below watermark - horizon (data time, not wall time)
 *   3. corpus rebuilt from the horizon, detection, results + cluster tracks + alerts + run
 *      keys written in ONE transaction (readers see the previous refresh until it commits)
 *   4. checkpoint: new records as a segment, then the state file (sources' cursors, detector
 *      state, counters), renamed into place
 * A crash anywhere resumes from the last complete checkpoint: the sources are reopened at the
 * checkpoint's cursors and the records after it are read again. Everything after it is
 * deterministic given the same records in the same order (refreshes are scheduled by record
 * count when refresh_records is set), and alerts carry ids from the checkpointed counter, so
 * an alert raised again after a resume has the id it had and is not inserted (nor printed)
 * twice.
 *
 * The engine is used by one thread. The library never prints: alerts and diagnostics reach
 * the caller through callbacks.
 */
#ifndef CH_WATCH_H
#define CH_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/ingest.h"
#include "stream/stream.h"
#include "watch/alerts.h"

typedef struct ch_watch ch_watch;

typedef void (*ch_watch_alert_fn)(void *ctx, const char *json);
/* A diagnostic: `where` is a source spec, a file or NULL; msg lowercase without full stop. */
typedef void (*ch_watch_diag_fn)(void *ctx, const char *where, const char *msg);

typedef struct ch_watch_opts {
    const char *db_path;          /* the live results database (required) */
    const char *ckpt_dir;         /* NULL: "<db_path>.watch" */
    bool fresh;                   /* ignore (and remove) a previous checkpoint */
    int64_t horizon;              /* seconds of data time held; 0 = 3 days */
    double refresh_s;             /* wall seconds between refreshes; 0 = 60 */
    uint64_t refresh_records;     /* also refresh every this many records; 0 = only by time */
    size_t batch;                 /* records parsed together at arrival; 0 = 4096 */
    unsigned echo_k;              /* statement_echo: distinct accounts; 0 = 5 */
    int64_t echo_window;          /* statement_echo: seconds; 0 = 3600 */
    ch_tracker_opts track;        /* zeros: alerts.h defaults */
    double spike_z;               /* 0 = 3.5 */
    unsigned spike_min;           /* 0 = 10 */
    const ch_reader *reader;      /* NULL: by source kind, else sniffed from the first record */
    int threads;                  /* detection workers; 0 = all cores */
    int64_t window;               /* co-action window; 0 = auto */
    double threshold;             /* parroting threshold; 0 = default */
    const char *const *stmt_paths;/* statements files or folders, re-read when they change */
    size_t nstmt;
    ch_stream_opts stream;        /* for the sources (stop, follow, ...); diag is the engine's */
    ch_watch_alert_fn alert;
    void *alert_ctx;
    ch_watch_diag_fn diag;
    void *diag_ctx;
} ch_watch_opts;

typedef struct ch_watch_stats {
    uint64_t records;             /* handed to the engine, since the first start */
    uint64_t posts_matched;       /* parroting matches at arrival */
    uint64_t refreshes;
    uint64_t alerts;              /* raised (inserted) since the first start */
    uint64_t evicted;
    size_t held;                  /* records in the horizons */
    size_t horizon_bytes;
    int64_t watermark;            /* newest record time; INT64_MIN before any */
    size_t clusters;              /* of the last refresh */
    double seconds_refresh;       /* total wall time in refreshes */
} ch_watch_stats;

/*
 * Opens the database and the checkpoint folder (taking its lock), loads a previous checkpoint
 * unless fresh, and adds the sources (their cursors from the checkpoint). specs: as
 * stream.h takes them; a checkpoint written for other sources is refused (CHORUS_EUSAGE).
 * nspecs may be 0 for a caller that feeds records itself (ch_watch_feed, the benchmark): it
 * then names one source `feed_name`, read with opts.reader.
 * Returns CHORUS_OK, CHORUS_EUSAGE, CHORUS_EIO, CHORUS_EDB, CHORUS_EPARSE (damaged checkpoint),
 * CHORUS_ENOMEM, with a message in err. *out is NULL on failure.
 */
int ch_watch_open(const ch_watch_opts *o, const char *const *specs, size_t nspecs,
                  const char *feed_name, ch_watch **out, char *err, size_t errlen);
void ch_watch_close(ch_watch *w);   /* NULL is fine; does not refresh or checkpoint */

/* Runs until every source ended (finite sources) or *stream.stop: records in, refreshes on
 * schedule, then a last refresh and checkpoint. Returns CHORUS_OK or the failure, message in
 * err. */
int ch_watch_run(ch_watch *w, char *err, size_t errlen);

/* For callers without sources: one record (no '\n' in it) of source 0. */
int ch_watch_feed(ch_watch *w, const char *data, size_t len, char *err, size_t errlen);
/* Parses the pending records (parroting at arrival, echo alerts committed). */
int ch_watch_flush(ch_watch *w, char *err, size_t errlen);
/* A refresh and a checkpoint now. */
int ch_watch_refresh(ch_watch *w, char *err, size_t errlen);

void ch_watch_stats_get(const ch_watch *w, ch_watch_stats *out);

#endif
