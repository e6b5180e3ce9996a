/*
 * pool.h — string interning: each distinct byte string gets a small integer id.
 *
 * Ids are dense, start at 1 (0 means "no string") and stay valid for the pool's lifetime, so
 * records store 4-byte ids instead of pointers and equal strings compare by id. Strings are
 * copied into the pool's arena with a trailing NUL (and their length before them). Hashing is
 * XXH3; the table is open addressing with linear probing, resized at 50% load.
 *
 * Memory per distinct string: the string, its length and NUL (rounded to 4 bytes), 8 bytes in
 * `strs` (up to 16 while it grows by doubling) and one 8-byte table slot at 25-50% load (16-32
 * bytes): the slot holds the hash and the id, not the string's address, which halves the
 * table (a corpus interns one to a few strings per post, so this is most of the pool).
 * Cost: O(len) per intern; a new string costs one cache miss (its empty slot), a string held
 * already about three (the slot, its `strs` entry, the string).
 */
#ifndef CH_POOL_H
#define CH_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef uint32_t ch_sid;  /* interned string id; 0 = none */

typedef struct ch_pool {
    ch_arena arena;
    const char **strs;    /* by id ([0] unused): the string, whose length is stored in the 4
                             bytes before it */
    uint32_t n, cap_ents;
    /* slot -> hash and id (0 = empty): the hash rejects most mismatches without reading the
     * string, and a rehash needs no string */
    struct ch_pool_slot { uint32_t hash, id; } *table;
    uint32_t mask;        /* table size - 1 */
} ch_pool;

int ch_pool_init(ch_pool *p);
void ch_pool_free(ch_pool *p);
/* Interns s[0..len) and stores its id in *out (0 only when len == 0 and s is NULL).
 * Returns 0 or CHORUS_ENOMEM. */
int ch_pool_intern(ch_pool *p, const char *s, size_t len, ch_sid *out);
/* The same in two steps, so a caller with several strings to intern can hash them all and
 * start loading their slots (ch_pool_prefetch) before the first lookup waits for memory: the
 * slots of a large table are cache misses, and the misses then overlap. h must be
 * ch_pool_hash(s, len); a prefetch made before the table grows is merely wasted. */
uint32_t ch_pool_hash(const char *s, size_t len);
static inline void ch_pool_prefetch(const ch_pool *p, uint32_t h)
{
    __builtin_prefetch(&p->table[h & p->mask]);
}
int ch_pool_intern_h(ch_pool *p, const char *s, size_t len, uint32_t h, ch_sid *out);
/* Id of s if already interned, else 0. */
ch_sid ch_pool_find(const ch_pool *p, const char *s, size_t len);
/* The string of an id (NUL-terminated); "" for 0. */
const char *ch_pool_str(const ch_pool *p, ch_sid id);
uint32_t ch_pool_len(const ch_pool *p, ch_sid id);
static inline uint32_t ch_pool_count(const ch_pool *p) { return p->n; }

#endif
