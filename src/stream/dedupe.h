/*
 * dedupe.h — the keys of the last N records a network source handed out, to drop the ones a
 * server sends again after a reconnect (Jetstream replays from a rewound cursor; a Mastodon
 * REST backfill overlaps the live stream).
 *
 * A key is a 64-bit hash (XXH3 of the event bytes or of a status id) with a 64-bit stamp
 * (Jetstream's time_us; 0 when unused). Keys live in a FIFO ring of at most CH_DEDUPE_CAP
 * entries indexed by an open-addressing table (linear probing, deletion by backward shift):
 * insert, lookup and eviction are O(1) (amortised: the ring starts small and doubles).
 * Memory: 24 bytes per key held, so at most 1.5 MiB.
 *
 * When the ring is full the oldest key is evicted and `evicted_max_stamp` remembers the
 * largest stamp ever evicted: a Jetstream reconnect never asks for events at or below it, as
 * duplicates among those could no longer be recognised.
 */
#ifndef CH_DEDUPE_H
#define CH_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_DEDUPE_CAP ((size_t)1 << 16)

typedef struct ch_dedupe {
    uint64_t *ring_key;           /* cap entries, FIFO order from head */
    int64_t *ring_stamp;
    size_t cap, head, count;      /* ring size, oldest entry, entries held */
    uint32_t *slot;               /* 2 * cap: ring index + 1, 0 = empty */
    int64_t evicted_max_stamp;    /* INT64_MIN while nothing was evicted */
} ch_dedupe;

int ch_dedupe_init(ch_dedupe *d);
void ch_dedupe_free(ch_dedupe *d);
bool ch_dedupe_has(const ch_dedupe *d, uint64_t key);
/* Adds a key (evicting the oldest when CH_DEDUPE_CAP are held). Adding a key already held is
 * a no-op. Returns 0 or CHORUS_ENOMEM (then the oldest key is evicted to make room). */
int ch_dedupe_add(ch_dedupe *d, uint64_t key, int64_t stamp);

#endif
