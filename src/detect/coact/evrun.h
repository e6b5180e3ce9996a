/*
 * evrun.h — co-action events past the memory budget: sorted runs in a temporary file, merged
 * by object key into the same grouped set (ch_evset) the in-memory build makes.
 *
 * While events are extracted (coact_events.c), a behaviour that spills holds at most
 * max_events of them in memory; when its buffer is full, the buffer is written to the spill
 * file (core/spill.h: unlinked at once, space reserved before use, so a full disk is an error,
 * never a signal) as one run of records sorted by (object key, time, event number), and the
 * buffer is reused. ch_evset_build_runs then merges the runs twice (a heap over the runs'
 * heads): once to learn each object's event count, first event (event number) and source,
 * once to lay the events out in their final place. The set is identical to ch_evset_build's
 * on the same events in the same order:
 *   - objects in order of first appearance (their smallest event number), then grouped by
 *     source (ch_evset_order_sources, shared with the in-memory build);
 *   - inside an object, events by (time, event number): what the in-memory build's stable
 *     sort gives.
 *
 * Memory: the buffer (max_events * sizeof(ch_ev)), then 24 bytes per object during the first
 * merge and the set itself (16 bytes per event plus 16 per object) during the second; the
 * runs' pages read by a merge are dropped from the resident set every few MiB (they stay in
 * the file and the page cache). Cost: O(n log n) to sort runs, O(n log runs) per merge.
 * The file is not thread-safe for writing (extraction is serial); the merges of several
 * behaviours may run in parallel (they only read).
 */
#ifndef CH_EVRUN_H
#define CH_EVRUN_H

#include <stddef.h>
#include <stdint.h>

#include "core/spill.h"

struct ch_evraw;
struct ch_evset;

/* One event in a run: ch_ev and its number in the behaviour's extraction order. */
typedef struct ch_evrec {
    uint64_t key;
    int64_t t;
    uint64_t src;
    uint32_t acct, post;
    uint64_t seq;
} ch_evrec;

typedef struct ch_evrun {
    const ch_evrec *rec;   /* in the spill file's mapping */
    size_t n;
} ch_evrun;

/* The runs of one behaviour. sp NULL: the behaviour never spills (events grow in memory). */
typedef struct ch_evruns {
    ch_spill *sp;          /* where runs go; shared by the behaviours, not owned */
    size_t max_events;     /* events held in memory before a run is written (>= 1) */
    ch_evrun *runs;        /* owned (ch_free); the records belong to sp */
    size_t nruns, cap;
    uint64_t written;      /* events in runs: the number of the next event written */
} ch_evruns;

/* The merge order of records (ch_sort comparator): object key, then time, then event number. */
int ch_evrec_cmp(const void *a, const void *b);

/* The records of events ev[0..n) (ch_ev, coact_int.h), numbered seq0, seq0 + 1, ... */
void ch_evrec_from(ch_evrec *out, const void *ev, size_t n, uint64_t seq0);

/* Writes ev[0..n) (n >= 1, extraction order, numbered from rs->written) as one sorted run.
 * Returns 0, CHORUS_ENOMEM, or CHORUS_EIO / CHORUS_ELIMIT (the file: rs->sp->err says why). */
int ch_evruns_write(ch_evruns *rs, const void *ev, size_t n);
void ch_evruns_free(ch_evruns *rs);   /* the bookkeeping; harmless on a zeroed one */

/* Room for one more event in raw (see ch_evraw): the buffer grows by doubling up to
 * max_events; a full buffer of max_events is written as a run and emptied. Same returns as ch_evruns_write. */
int ch_evraw_room(struct ch_evraw *raw);
/* After extraction: the events still in the buffer of a behaviour that wrote runs become its
 * last run (so that every event is in a run); nothing for one that never did. */
int ch_evraw_finish(struct ch_evraw *raw);

/* Groups the runs of raw (every event in runs: ch_evraw_finish) into out, as ch_evset_build
 * would. Consumes the runs' bookkeeping (the records stay in the file until the caller frees
 * it). Returns 0, CHORUS_ENOMEM or CHORUS_ELIMIT (2^32 events or more). */
int ch_evset_build_runs(struct ch_evraw *raw, struct ch_evset *out);

#endif
