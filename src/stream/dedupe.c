/*
 * dedupe.c — a ring of recent keys with an O(1) membership table (see dedupe.h).
 */
#include "stream/dedupe.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"

#define INITIAL_CAP ((size_t)1024)

static int alloc_cap(ch_dedupe *d, size_t cap)
{
    uint64_t *keys = ch_malloc(cap * sizeof *keys);
    int64_t *stamps = ch_malloc(cap * sizeof *stamps);
    uint32_t *slot = ch_calloc(2 * cap, sizeof *slot);
    if (!keys || !stamps || !slot) {
        ch_free(keys);
        ch_free(stamps);
        ch_free(slot);
        return CHORUS_ENOMEM;
    }
    /* the held keys, oldest first, into the new ring */
    for (size_t i = 0; i < d->count; i++) {
        size_t from = (d->head + i) % d->cap;
        keys[i] = d->ring_key[from];
        stamps[i] = d->ring_stamp[from];
    }
    ch_free(d->ring_key);
    ch_free(d->ring_stamp);
    ch_free(d->slot);
    d->ring_key = keys;
    d->ring_stamp = stamps;
    d->slot = slot;
    d->cap = cap;
    d->head = 0;
    size_t mask = 2 * cap - 1;
    for (size_t i = 0; i < d->count; i++) {
        size_t s = (size_t)(ch_mix64(keys[i]) & mask);
        while (slot[s])
            s = (s + 1) & mask;
        slot[s] = (uint32_t)(i + 1);
    }
    return CHORUS_OK;
}

int ch_dedupe_init(ch_dedupe *d)
{
    memset(d, 0, sizeof *d);
    d->evicted_max_stamp = INT64_MIN;
    return alloc_cap(d, INITIAL_CAP);
}

void ch_dedupe_free(ch_dedupe *d)
{
    ch_free(d->ring_key);
    ch_free(d->ring_stamp);
    ch_free(d->slot);
    memset(d, 0, sizeof *d);
}

static size_t mask_of(const ch_dedupe *d)
{
    return 2 * d->cap - 1;
}

static size_t home(const ch_dedupe *d, uint64_t key)
{
    return (size_t)(ch_mix64(key) & mask_of(d));
}

/* Slot holding key, or the empty slot where it would go. */
static size_t find(const ch_dedupe *d, uint64_t key)
{
    size_t m = mask_of(d), i = home(d, key);
    while (d->slot[i] && d->ring_key[d->slot[i] - 1] != key)
        i = (i + 1) & m;
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
    size_t m = mask_of(d), j = i;
    for (;;) {
        d->slot[i] = 0;
        for (;;) {
            j = (j + 1) & m;
            if (!d->slot[j])
                return;
            size_t h = home(d, d->ring_key[d->slot[j] - 1]);
            /* Entry j may move to i when its home is not in the cyclic range (i, j]. */
            bool in_range = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!in_range)
                break;
        }
        d->slot[i] = d->slot[j];
        i = j;
    }
}

static void evict_oldest(ch_dedupe *d)
{
    size_t old = d->head;
    if (d->ring_stamp[old] > d->evicted_max_stamp)
        d->evicted_max_stamp = d->ring_stamp[old];
    remove_slot(d, find(d, d->ring_key[old]));
    d->head = (d->head + 1) % d->cap;
    d->count--;
}

int ch_dedupe_add(ch_dedupe *d, uint64_t key, int64_t stamp)
{
    if (!d->slot)
        return CHORUS_ENOMEM;
    if (d->slot[find(d, key)])
        return CHORUS_OK;
    int rc = CHORUS_OK;
    if (d->count == d->cap) {
        if (d->cap < CH_DEDUPE_CAP)
            rc = alloc_cap(d, d->cap * 2);
        if (d->count == d->cap)
            evict_oldest(d);
    }
    size_t s = find(d, key);
    size_t at = (d->head + d->count) % d->cap;
    d->ring_key[at] = key;
    d->ring_stamp[at] = stamp;
    d->slot[s] = (uint32_t)(at + 1);
    d->count++;
    return rc;
}
