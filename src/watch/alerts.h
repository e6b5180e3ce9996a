/*
 * alerts.h — what `chorus watch` raises alerts about, and the state it keeps to raise each
 * one once (docs/watch.md explains the kinds to users):
 *
 *   new_cluster          a coordinated cluster seen for the first time. Clusters are matched
 *                        across refreshes by their members (below), so a cluster that persists
 *                        is one cluster with one stable id (its track id), however its rank and
 *                        score move.
 *   cluster_grew         a known cluster gained at least max(grow_min, grow_ratio × its size at
 *                        its last alert) members since that alert.
 *   statement_echo       posts parroting one statement by at least K distinct accounts within
 *                        T seconds (data time), counted at arrival. Raised when the count
 *                        reaches K; raised again only after it fell below K.
 *   coordination_spike   an hour in which clustered accounts posted far more than usual: the
 *                        hour's count of posts (not likes) by accounts in a cluster of the
 *                        refresh, against the hours before it in the horizon (at most a week,
 *                        at least 6), as a robust z-score (x - median) / max(1.4826 MAD, 1);
 *                        raised when z >= spike_z and x >= spike_min. Each complete hour is
 *                        judged once, at the first refresh after it ends.
 *
 * Matching clusters across refreshes (ch_tracker): a track is a cluster seen before, with its
 * members (64-bit keys of platform and account id). A cluster of the new refresh takes the track
 * it shares the most members with, when they share at least half of the smaller of the two
 * (and at least 2 accounts); each track goes to one cluster at most (the largest overlaps are
 * assigned first). A cluster left without a track opens a new one (new_cluster). A track no
 * cluster took is kept for `grace` refreshes, so a cluster that dips below the detection
 * thresholds once and comes back is not new again. When two clusters merge, the merged cluster
 * keeps the track it overlaps most; when one splits, the larger part keeps it and the other is
 * new.
 *
 * Everything here is deterministic given the same inputs in the same order, and is saved in
 * the checkpoint (ch_*_save writes a JSON value, ch_*_load reads it back), so a watcher killed
 * and restarted neither repeats an alert nor forgets one.
 *
 * Memory: tracks hold their members (8 bytes each) for at most max_tracks tracks; the echo
 * state holds at most ECHO_CAP recent matches per statement; the spike state is one number.
 */
#ifndef CH_ALERTS_H
#define CH_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "core/post.h"
#include "detect/detect.h"
#include "core/jbuf.h"

/* ---- alerts waiting to be committed ------------------------------------------------------ */

typedef struct ch_alert {
    int64_t id;
    int64_t created_at;           /* Unix seconds, wall clock */
    const char *kind;             /* a constant */
    int64_t cluster_id;           /* track id, CH_UNKNOWN_I64 when none */
    char *statement_id;           /* owned, NULL when none */
    char *summary;                /* owned */
    char *evidence;               /* owned, a JSON object */
} ch_alert;

typedef struct ch_alertq {
    ch_alert *a;
    size_t n, cap;
    int64_t next_id;              /* the id the next alert gets (from 1) */
} ch_alertq;

void ch_alertq_free(ch_alertq *q);
void ch_alertq_clear(ch_alertq *q);   /* drops the alerts, keeps next_id */
/* Queues an alert; statement_id may be NULL; evidence is taken over (owned by the queue, even on
 * failure). Returns 0 or CHORUS_ENOMEM. */
int ch_alertq_push(ch_alertq *q, const char *kind, int64_t cluster_id, const char *statement_id,
                   const char *summary, char *evidence, int64_t now);
/* The kind's constant string, or NULL when s names no kind. */
const char *ch_alert_kind(const char *s, size_t n);
/* The whole alert as one JSON object (what `chorus watch` prints), into b. */
void ch_alert_json(const ch_alert *a, ch_jbuf *b);
/* Checkpoint: the queue's alerts as a JSON array / back from one (appended). */
void ch_alertq_save(const ch_alertq *q, ch_jbuf *b);
int ch_alertq_load(ch_alertq *q, ch_json_val arr);

/* An account's identity across refreshes: XXH3 of its platform name and id. */
uint64_t ch_account_key(const ch_corpus *c, uint32_t account);

/* ---- statement echo ----------------------------------------------------------------------- */

typedef struct ch_echo ch_echo;

int ch_echo_new(unsigned k, int64_t window, ch_echo **out);
void ch_echo_free(ch_echo *e);   /* NULL is fine */
/* A post of account `acct` (its key and id; `post` its id) at time t matched statement
 * `stmt`; `now` is the data time (the watcher's watermark). Queues a statement_echo alert when
 * this match brings the statement to K distinct accounts within the window. Returns 0 or
 * CHORUS_ENOMEM. Cost: O(matches of the statement held), at most ECHO_CAP. */
int ch_echo_add(ch_echo *e, const char *stmt, uint64_t acct_key, const char *acct,
                const char *post, int64_t t, int64_t now, ch_alertq *q, int64_t wall);
void ch_echo_save(const ch_echo *e, ch_jbuf *b);
int ch_echo_load(ch_echo *e, ch_json_val v);
size_t ch_echo_bytes(const ch_echo *e);

/* ---- clusters across refreshes ------------------------------------------------------------ */

typedef struct ch_tracker_opts {
    double grow_ratio;            /* default 0.5 */
    unsigned grow_min;            /* default 3 */
    unsigned grace;               /* refreshes a track survives unmatched; default 6 */
    size_t max_tracks;            /* default 10000: the oldest unmatched go first */
} ch_tracker_opts;

typedef struct ch_tracker ch_tracker;

int ch_tracker_new(const ch_tracker_opts *o, ch_tracker **out);
void ch_tracker_free(ch_tracker *t);   /* NULL is fine */
/* Matches the clusters of a refresh to the tracks and queues new_cluster / cluster_grew
 * alerts. track_of[k] (n_clusters entries, the caller's array) receives cluster k's track id
 * and since[k] the time its track was opened. `now`: wall clock; data_time: the watermark. */
int ch_tracker_refresh(ch_tracker *t, const ch_corpus *c, const ch_detect_result *r,
                       int64_t now, int64_t data_time, ch_alertq *q, int64_t *track_of,
                       int64_t *since);
void ch_tracker_save(const ch_tracker *t, ch_jbuf *b);
int ch_tracker_load(ch_tracker *t, ch_json_val v);
size_t ch_tracker_count(const ch_tracker *t);
int64_t ch_tracker_next_id(const ch_tracker *t);

/* ---- hourly coordination spikes ----------------------------------------------------------- */

typedef struct ch_spike {
    double z;                     /* default 3.5 */
    unsigned min_count;           /* default 10 */
    int64_t last_hour;            /* start of the last hour judged; INT64_MIN before any */
} ch_spike;

/* Judges the complete hours after last_hour up to the watermark, within the horizon
 * [start, watermark). track_of: per cluster of r, its track id. */
int ch_spike_refresh(ch_spike *s, const ch_corpus *c, const ch_detect_result *r,
                     const int64_t *track_of, int64_t start, int64_t watermark, int64_t now,
                     ch_alertq *q);

#endif
