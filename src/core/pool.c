/* pool.c — string interning with XXH3 and linear probing (see pool.h). */
#include "core/pool.h"

#include <string.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"

int ch_pool_init(ch_pool *p)
{
    memset(p, 0, sizeof *p);
    ch_arena_init(&p->arena);
    p->cap_ents = 1024;
    p->strs = ch_alloc_big(p->cap_ents * sizeof *p->strs);
    p->table = ch_alloc_big(2048 * sizeof *p->table);
    if (!p->strs || !p->table) {
        ch_free_big(p->strs, p->cap_ents * sizeof *p->strs);
        ch_free_big(p->table, 2048 * sizeof *p->table);
        memset(p, 0, sizeof *p); /* so a later ch_pool_free is harmless */
        return CHORUS_ENOMEM;
    }
    p->mask = 2047;
    p->n = 0;
    return CHORUS_OK;
}

void ch_pool_free(ch_pool *p)
{
    if (!p)
        return;
    ch_arena_free(&p->arena);
    ch_free_big(p->strs, (size_t)p->cap_ents * sizeof *p->strs);
    if (p->table)
        ch_free_big(p->table, ((size_t)p->mask + 1) * sizeof *p->table);
    memset(p, 0, sizeof *p);
}

static uint32_t hash_of(const char *s, size_t len)
{
    return (uint32_t)XXH3_64bits(s, len);
}

uint32_t ch_pool_hash(const char *s, size_t len)
{
    return hash_of(s ? s : "", len);
}

/* The header before a string of the pool: [0] its hash, [1] its id, [2] its length. */
static uint32_t head(const char *s, int k)
{
    uint32_t v;
    memcpy(&v, s - CH_POOL_HEAD + 4 * k, sizeof v);
    return v;
}

static const char *slot_str(uint64_t e)
{
    return (const char *)(uintptr_t)(e & CH_POOL_ADDR_);
}

/* The slot holding s, or the empty slot where it would go. */
static uint32_t lookup_slot(const ch_pool *p, const char *s, size_t len, uint32_t h)
{
    uint64_t fp = ch_pool_fp_(h);
    uint32_t i = h & p->mask;
    for (;;) {
        uint64_t e = p->table[i];
        if (e == 0)
            return i;
        if ((e & ~CH_POOL_ADDR_) == fp) {
            const char *held = slot_str(e);
            if (head(held, 2) == len && memcmp(held, s, len) == 0)
                return i;
        }
        i = (i + 1) & p->mask;
    }
}

static int rehash(ch_pool *p)
{
    size_t nsize = ((size_t)p->mask + 1) * 2;
    if (nsize > ((size_t)1 << 31))
        return CHORUS_ENOMEM;
    uint64_t *nt = ch_alloc_big(nsize * sizeof *nt);
    if (!nt)
        return CHORUS_ENOMEM;
    uint32_t nmask = (uint32_t)(nsize - 1);
    /* In id order: the strings lie in that order in the arena, so their headers (which hold
     * the hashes) are read front to back. */
    for (uint32_t id = 1; id <= p->n; id++) {
        const char *s = p->strs[id];
        uint32_t h = head(s, 0);
        uint32_t i = h & nmask;
        while (nt[i])
            i = (i + 1) & nmask;
        nt[i] = ch_pool_fp_(h) | (uint64_t)(uintptr_t)s;
    }
    ch_free_big(p->table, ((size_t)p->mask + 1) * sizeof *p->table);
    p->table = nt;
    p->mask = nmask;
    return CHORUS_OK;
}

int ch_pool_intern(ch_pool *p, const char *s, size_t len, ch_sid *out)
{
    if (!s)
        s = "";
    return ch_pool_intern_h(p, s, len, hash_of(s, len), out);
}

int ch_pool_intern_h(ch_pool *p, const char *s, size_t len, uint32_t h, ch_sid *out)
{
    if (len > UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    if (!s)
        s = "";
    uint32_t slot = lookup_slot(p, s, len, h);
    if (p->table[slot]) {
        *out = head(slot_str(p->table[slot]), 1);
        return CHORUS_OK;
    }
    if (p->n + 2 > p->cap_ents) {
        if (p->cap_ents >= UINT32_MAX / 2)
            return CHORUS_ELIMIT; /* ids are 32 bits */
        size_t cap = p->cap_ents;
        if (ch_grow_big((void **)&p->strs, &cap, (size_t)p->n + 2, sizeof *p->strs))
            return CHORUS_ENOMEM;
        p->cap_ents = (uint32_t)cap;
    }
    /* the header, then the bytes and a NUL */
    char *copy = ch_arena_alloc(&p->arena, CH_POOL_HEAD + len + 1, _Alignof(uint32_t));
    if (!copy)
        return CHORUS_ENOMEM;
    copy += CH_POOL_HEAD;
    if (((uint64_t)(uintptr_t)copy & ~CH_POOL_ADDR_) != 0)
        return CHORUS_ELIMIT; /* the slot keeps 48 bits of address (left in the arena) */
    uint32_t id = p->n + 1;
    const uint32_t hd[3] = {h, id, (uint32_t)len};
    memcpy(copy - CH_POOL_HEAD, hd, sizeof hd);
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    p->n = id;
    p->strs[id] = copy;
    p->table[slot] = ch_pool_fp_(h) | (uint64_t)(uintptr_t)copy;
    if ((size_t)p->n * 2 > (size_t)p->mask + 1) {
        int rc = rehash(p);
        if (rc)
            return rc;
    }
    *out = id;
    return CHORUS_OK;
}

ch_sid ch_pool_find(const ch_pool *p, const char *s, size_t len)
{
    if (!s)
        s = "";
    uint32_t h = hash_of(s, len);
    uint64_t e = p->table[lookup_slot(p, s, len, h)];
    return e ? head(slot_str(e), 1) : 0;
}

const char *ch_pool_str(const ch_pool *p, ch_sid id)
{
    return (id && id <= p->n) ? p->strs[id] : "";
}

uint32_t ch_pool_len(const ch_pool *p, ch_sid id)
{
    return (id && id <= p->n) ? head(p->strs[id], 2) : 0;
}

uint32_t ch_pool_hash_of(const ch_pool *p, ch_sid id)
{
    return (id && id <= p->n) ? head(p->strs[id], 0) : 0;
}
