/*
 * dedupe.c — a ring of recent keys with an O(1) membership table (see dedupe.h).
 */
#include "stream/dedupe.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"

#define NSLOTS (2 * CH_DEDUPE_CAP)
#define MASK (NSLOTS - 1)

int ch_dedupe_init(ch_dedupe *d)
{
    memset(d, 0, sizeof *d);
    d->ring_key = ch_malloc(CH_DEDUPE_CAP * sizeof *d->ring_key);
    d->ring_stamp = ch_malloc(CH_DEDUPE_CAP * sizeof *d->ring_stamp);
    d->slot = ch_calloc(NSLOTS, sizeof *d->slot);
    d->evicted_max_stamp = INT64_MIN;
    if (!d->ring_key || !d->ring_stamp || !d->slot) {
        ch_dedupe_free(d);
        return CHORUS_ENOMEM;
    }
    return CHORUS_OK;
}

void ch_dedupe_free(ch_dedupe *d)
{
    ch_free(d->ring_key);
    ch_free(d->ring_stamp);
    ch_free(d->slot);
    memset(d, 0, sizeof *d);
}

static size_t home(uint64_t key)
{
    return (size_t)(ch_mix64(key) & MASK);
}

/* Slot holding key, or the empty slot where it would go. */
static size_t find(const ch_dedupe *d, uint64_t key)
{
    size_t i = home(key);
    while (d->slot[i] && d->ring_key[d->slot[i] - 1] != key)
        i = (i + 1) & MASK;
    return i;
}

bool ch_dedupe_has(const ch_dedupe *d, uint64_t key)
{
    if (!d->slot)
        return false;
    return d->slot[find(d, key)] != 0;
}

/* Removes the key at slot i, shifting back the entries of its probe run. */
static void remove_slot(ch_dedupe *d, size_t i)
{
    size_t j = i;
    for (;;) {
        d->slot[i] = 0;
        for (;;) {
            j = (j + 1) & MASK;
            if (!d->slot[j])
                return;
            size_t h = home(d->ring_key[d->slot[j] - 1]);
            /* Entry j may move to i when its home is not in the cyclic range (i, j]. */
            bool in_range = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!in_range)
                break;
        }
        d->slot[i] = d->slot[j];
        i = j;
    }
}

void ch_dedupe_add(ch_dedupe *d, uint64_t key, int64_t stamp)
{
    if (!d->slot)
        return;
    size_t s = find(d, key);
    if (d->slot[s])
        return;
    if (d->count == CH_DEDUPE_CAP) {
        size_t old = d->head;
        if (d->ring_stamp[old] > d->evicted_max_stamp)
            d->evicted_max_stamp = d->ring_stamp[old];
        remove_slot(d, find(d, d->ring_key[old]));
        d->head = (d->head + 1) % CH_DEDUPE_CAP;
        d->count--;
        s = find(d, key); /* the shift may have moved the empty slot */
    }
    size_t at = (d->head + d->count) % CH_DEDUPE_CAP;
    d->ring_key[at] = key;
    d->ring_stamp[at] = stamp;
    d->slot[s] = (uint32_t)(at + 1);
    d->count++;
}
