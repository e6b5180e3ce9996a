/*
 * shuffle.h — co-action events shuffled between the ranks of a distributed scan (core/dist.h)
 * by object key, so that each rank groups the objects it owns (docs/scale.md, "What is
 * shuffled").
 *
 * Every rank extracts the events of its block of posts; each event goes to the rank owning its
 * object key (ch_shuf_owner: a hash of the key, so owners do not depend on the data), which
 * sorts what it received by (key, time, event number), the order in which ch_evset_build_runs
 * (evrun.h) merges runs. A hot key — an object with a large share of a behaviour's events, a
 * viral URL — would swamp its owner: it is split by time instead, slice s of its events going
 * to rank (owner + s) mod size, the slices' bounds cut at quantiles of its times so that each
 * holds about the same number of events. Events with equal times are in one slice. Because
 * the sorted runs are merged by (key, time, event number), where an event was sorted never
 * changes the grouped set: the split only spreads the work.
 *
 * The plan (which keys are hot, their cuts) is made collectively from what every rank reports
 * of its own events, and is the same on every rank: every rank sees every report, in rank
 * order.
 */
#ifndef CH_SHUFFLE_H
#define CH_SHUFFLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dist.h"
#include "detect/coact/evrun.h"

/* Time quantiles of a key each rank reports when it may be hot. */
#define CH_SHUF_QUANTILES 16

typedef struct ch_shuf_plan {
    int size;            /* ranks */
    size_t nhot;
    uint64_t *hot;       /* nhot keys split by time, ascending */
    int64_t *cut;        /* nhot * (size - 1): hot key h's slice s (s >= 1) starts at time
                            cut[h * (size - 1) + s - 1]; slice 0 holds the times before */
} ch_shuf_plan;

/* The rank owning key among size ranks (0 when size <= 1): a hash of the key, spread evenly. */
int ch_shuf_owner(uint64_t key, int size);

/* Where the event (key, t) goes under plan p: its owner, or for a hot key the rank of its time
 * slice. */
int ch_shuf_dest(const ch_shuf_plan *p, uint64_t key, int64_t t);

/* Collective: the plan for one behaviour from every rank's events ev[0..n) (any order). A key
 * is hot when the ranks' reports add up to at least hot_min events (0: no key is hot). Each
 * rank reports the keys holding at least hot_min / size of its own events (found on a sample
 * of at most 65536 of them), with their exact local count and CH_SHUF_QUANTILES time
 * quantiles; cuts fall where the reports' weights reach 1/size, 2/size, ... of the key's.
 * Returns as ch_dist.exchange (statuses collective); *p is empty on failure. */
int ch_shuf_plan_make(const ch_dist *d, int status, const ch_evrec *ev, size_t n,
                      uint64_t hot_min, ch_shuf_plan *p);
void ch_shuf_plan_free(ch_shuf_plan *p);   /* harmless on a zeroed or freed plan */

/* Collective: sends each of ev[0..n) to its rank under p and receives this rank's events,
 * sorted by (key, time, event number) into *out (ch_malloc, the caller's; NULL when none),
 * *nout of them. ev must be in event-number order, and the blocks of ranks 0, 1, ... in
 * ascending ranges of numbers (ch_dist_block's blocks of posts give both). Returns as
 * ch_dist.exchange; a rank's failure to sort after the exchange is its own. */
int ch_shuf_events(const ch_dist *d, int status, const ch_shuf_plan *p, const ch_evrec *ev,
                   size_t n, ch_evrec **out, size_t *nout);

#endif
