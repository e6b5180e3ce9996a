/*
 * timeline.h — coordination over time: an hourly index of how much of the activity comes from
 * coordinated accounts, and the hours where it jumps (spikes), for the results database's
 * timeline table and `chorus inspect`.
 *
 * Definitions (docs/coordination.md, "Coordination over time"):
 *   - Hours are UTC clock hours, [hour_start, hour_start + 3600). Only hours with at least one
 *     post of known time are rows (a sparse series: a long archive with gaps stays small).
 *   - events: posts of any kind in the hour; accounts: distinct accounts posting in it;
 *     coordination: the share of those posts made by accounts in a coordinated cluster (the
 *     network stage's clusters, or a compatibility mode's components), in [0, 1].
 *   - robust_z: (coordination - median) / (1.4826 MAD) over all rows, MAD the median absolute
 *     deviation; when MAD is 0 (most hours without coordination), the mean absolute deviation
 *     times 1.2533 stands in (Iglewicz & Hoaglin); 0 when both are 0 (a flat series).
 *   - spike: robust_z >= CH_TIMELINE_SPIKE_Z and at least CH_TIMELINE_SPIKE_POSTS coordinated
 *     posts in the hour (one post of a member in a quiet hour is no campaign).
 *
 * Cost: O(P log P) for P posts (one sort of (hour, account) pairs) and O(H log H) for H rows;
 * memory O(P) during the call, O(H) kept. Ownership: the rows belong to the caller (ch_free).
 */
#ifndef CH_TIMELINE_H
#define CH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"

#define CH_TIMELINE_SPIKE_Z 3.5
#define CH_TIMELINE_SPIKE_POSTS 3

typedef struct ch_timeline_row {
    int64_t hour_start;       /* Unix seconds, a multiple of 3600 */
    uint64_t events;
    uint64_t accounts;
    double coordination;
    double robust_z;
    bool spike;
} ch_timeline_row;

/* The rows, by hour, of corpus c given each account's cluster (cluster_of_account[i],
 * CH_NONE for none; NULL: no account is coordinated). Returns CHORUS_OK (rows may be NULL
 * with n 0), CHORUS_ENOMEM. */
int ch_timeline_build(const ch_corpus *c, const uint32_t *cluster_of_account,
                      ch_timeline_row **rows, size_t *n);

#endif
