/*
 * pool.h — string interning: each distinct byte string gets a small integer id.
 *
 * Ids are dense, start at 1 (0 means "no string") and stay valid for the pool's lifetime, so
 * records store 4-byte ids instead of pointers and equal strings compare by id. Strings are
 * copied into the pool's arena with a trailing NUL (and their hash, id and length before them). Hashing is
 * XXH3; the table is open addressing with linear probing, resized at 50% load.
 *
 * Memory per distinct string: the string, a 12-byte header (its 32-bit hash, id and length)
 * and a NUL, rounded to 4 bytes; 8 bytes in `strs` (up to 16 while it grows by doubling) and one
 * 8-byte table slot at 25-50% load (16-32 bytes). A slot holds the string's address and 16
 * bits mixed from its hash (a fingerprint) rather than its id: a lookup that finds its string
 * goes from the slot straight to the string, whose header gives the id (one cache miss less than slot, id,
 * `strs`, string), and the fingerprint keeps other strings of the probe sequence from being
 * read (1 in 65,536 is). A rehash walks the strings in id order (they lie in that order in the
 * arena) and takes each hash from its header.
 * Cost: O(len) per intern; a new string costs one cache miss (its empty slot), a string held
 * already about two (the slot, the string).
 */
#ifndef CH_POOL_H
#define CH_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef uint32_t ch_sid;  /* interned string id; 0 = none */

/* Before each string of the pool: its hash, its id and its length (3 x uint32_t). */
#define CH_POOL_HEAD 12

typedef struct ch_pool {
    ch_arena arena;
    const char **strs;    /* by id ([0] unused): the string, after its header */
    uint32_t n, cap_ents;
    /* slot -> the string's address in the low 48 bits, a 16-bit fingerprint of its hash
     * above them (0 = empty): the fingerprint rejects most mismatches without reading the
     * string */
    uint64_t *table;
    uint32_t mask;        /* table size - 1 */
} ch_pool;

int ch_pool_init(ch_pool *p);
void ch_pool_free(ch_pool *p);
/* Interns s[0..len) and stores its id in *out (0 only when len == 0 and s is NULL).
 * Returns 0, CHORUS_ENOMEM, or CHORUS_ELIMIT (over 2^32 - 2 strings or bytes in one string,
 * or memory at an address above 2^48, which no 64-bit system gives without being asked). */
int ch_pool_intern(ch_pool *p, const char *s, size_t len, ch_sid *out);
/* The same in steps, so a caller with several strings to intern can hash them all and start
 * loading their slots (ch_pool_prefetch) and then the strings those slots point to
 * (ch_pool_prefetch_held) before the first lookup waits for memory: in a large table both
 * are cache misses, and the misses then overlap. h must be ch_pool_hash(s, len); a prefetch
 * made before the table grows is merely wasted. */
uint32_t ch_pool_hash(const char *s, size_t len);
static inline void ch_pool_prefetch(const ch_pool *p, uint32_t h)
{
    __builtin_prefetch(&p->table[h & p->mask]);
}
/* A slot's parts (pool.c): the fingerprint of hash h (16 bits mixed from all of h, so that
 * they are not the bits that chose the slot), and the address mask. */
static inline uint64_t ch_pool_fp_(uint32_t h)
{
    return (uint64_t)((h * 0x9E3779B1u) >> 16) << 48;
}
#define CH_POOL_ADDR_ ((((uint64_t)1) << 48) - 1)
/* Starts loading the string in h's first slot when its fingerprint is h's (a likely hit).
 * Reads the slot: call it after ch_pool_prefetch of every string of the batch. */
static inline void ch_pool_prefetch_held(const ch_pool *p, uint32_t h)
{
    uint64_t e = p->table[h & p->mask];
    if (e && (e & ~CH_POOL_ADDR_) == ch_pool_fp_(h))
        __builtin_prefetch((const char *)(uintptr_t)(e & CH_POOL_ADDR_) - CH_POOL_HEAD);
}
int ch_pool_intern_h(ch_pool *p, const char *s, size_t len, uint32_t h, ch_sid *out);
/* Id of s if already interned, else 0. */
ch_sid ch_pool_find(const ch_pool *p, const char *s, size_t len);
/* The string of an id (NUL-terminated); "" for 0. */
const char *ch_pool_str(const ch_pool *p, ch_sid id);
uint32_t ch_pool_len(const ch_pool *p, ch_sid id);
/* The ch_pool_hash of string id (read from its header; 0 for 0). */
uint32_t ch_pool_hash_of(const ch_pool *p, ch_sid id);
static inline uint32_t ch_pool_count(const ch_pool *p) { return p->n; }

#endif
