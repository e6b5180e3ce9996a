/* arena.c — block-chained bump allocator (see arena.h). */
#include "core/arena.h"

#include <string.h>

#include "core/alloc.h"

#define BLOCK_SIZE ((size_t)64 * 1024)
/* Once an arena holds CH_ALLOC_MAP_MIN, it grows in blocks of HUGE_BLOCK (then of BIG_BLOCK
 * from 64 MiB), which ch_alloc_big maps as huge pages: a corpus of millions of posts touches
 * hundreds of MiB of arena, and 4 KiB pages cost a fault each. */
#define HUGE_BLOCK CH_ALLOC_BIG_MIN
#define BIG_BLOCK ((size_t)8 << 20)

struct ch_arena_block {
    ch_arena_block *prev;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

void ch_arena_init(ch_arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}

void ch_arena_free(ch_arena *a)
{
    ch_arena_block *b = a->head;
    while (b) {
        ch_arena_block *prev = b->prev;
        ch_free_big(b, sizeof *b + b->cap);
        b = prev;
    }
    ch_arena_init(a);
}

void *ch_arena_alloc(ch_arena *a, size_t n, size_t align)
{
    if (align == 0)
        align = 1;
    if (a->head) {
        size_t off = (a->used + (align - 1)) & ~(align - 1);
        if (off <= a->head->cap && n <= a->head->cap - off) {
            a->used = off + n;
            return a->head->data + off;
        }
    }
    size_t block = a->total < CH_ALLOC_MAP_MIN ? BLOCK_SIZE
                   : a->total < 8 * BIG_BLOCK ? HUGE_BLOCK : BIG_BLOCK;
    size_t cap = n > BLOCK_SIZE / 4 ? n : block - sizeof(ch_arena_block);
    size_t bytes;
    if (!ch_add_ok(cap, sizeof(ch_arena_block), &bytes))
        return NULL;
    /* small blocks need no zeroing: ch_malloc; ch_free_big releases either kind */
    ch_arena_block *b = bytes < CH_ALLOC_MAP_MIN ? ch_malloc(bytes) : ch_alloc_big(bytes);
    if (!b)
        return NULL;
    b->cap = cap;
    a->total += bytes;
    if (cap == n && n > BLOCK_SIZE / 4 && a->head) {
        /* A large request gets its own block behind the head, so the head keeps its room. */
        b->prev = a->head->prev;
        a->head->prev = b;
        return b->data;
    }
    b->prev = a->head;
    a->head = b;
    a->used = n;
    return b->data;
}

char *ch_arena_strndup(ch_arena *a, const char *s, size_t n)
{
    size_t bytes;
    if (!ch_add_ok(n, 1, &bytes))
        return NULL;
    char *d = ch_arena_alloc(a, bytes, 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
