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
    p->ents = ch_alloc_big(p->cap_ents * sizeof *p->ents);
    p->table = ch_alloc_big(2048 * sizeof *p->table);
    if (!p->ents || !p->table) {
        ch_free_big(p->ents, p->cap_ents * sizeof *p->ents);
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
    ch_free_big(p->ents, (size_t)p->cap_ents * sizeof *p->ents);
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

static uint32_t lookup_slot(const ch_pool *p, const char *s, size_t len, uint32_t h)
{
    uint32_t i = h & p->mask;
    for (;;) {
        uint64_t slot = p->table[i];
        if (slot == 0)
            return i;
        if ((uint32_t)(slot >> 32) == h) {
            const struct ch_pool_ent *e = &p->ents[(uint32_t)slot];
            if (e->len == len && memcmp(e->s, s, len) == 0)
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
    for (uint32_t id = 1; id <= p->n; id++) {
        uint32_t i = p->ents[id].hash & nmask;
        while (nt[i])
            i = (i + 1) & nmask;
        nt[i] = (uint64_t)p->ents[id].hash << 32 | id;
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
        *out = (uint32_t)p->table[slot];
        return CHORUS_OK;
    }
    if (p->n + 2 > p->cap_ents) {
        if (p->cap_ents >= UINT32_MAX / 2)
            return CHORUS_ELIMIT; /* ids are 32 bits */
        size_t cap = p->cap_ents;
        if (ch_grow_big((void **)&p->ents, &cap, (size_t)p->n + 2, sizeof *p->ents))
            return CHORUS_ENOMEM;
        p->cap_ents = (uint32_t)cap;
    }
    char *copy = ch_arena_strndup(&p->arena, s, len);
    if (!copy)
        return CHORUS_ENOMEM;
    uint32_t id = ++p->n;
    p->ents[id].s = copy;
    p->ents[id].len = (uint32_t)len;
    p->ents[id].hash = h;
    p->table[slot] = (uint64_t)h << 32 | id;
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
    return (uint32_t)p->table[lookup_slot(p, s, len, h)];
}

const char *ch_pool_str(const ch_pool *p, ch_sid id)
{
    return (id && id <= p->n) ? p->ents[id].s : "";
}

uint32_t ch_pool_len(const ch_pool *p, ch_sid id)
{
    return (id && id <= p->n) ? p->ents[id].len : 0;
}
