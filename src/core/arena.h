/*
 * arena.h — bump allocator for records that live as long as the corpus.
 *
 * Memory is taken from the heap in blocks (64 KiB by default, larger for large requests) and
 * released all at once by ch_arena_free. Pointers returned stay valid until then.
 * Cost: O(1) per allocation; waste is at most one partly used block per large request.
 */
#ifndef CH_ARENA_H
#define CH_ARENA_H

#include <stddef.h>

typedef struct ch_arena_block ch_arena_block;

typedef struct ch_arena {
    ch_arena_block *head;  /* block being filled; older blocks chained behind it */
    size_t used;           /* bytes used in head */
    size_t total;          /* bytes obtained from the heap, all blocks */
} ch_arena;

void ch_arena_init(ch_arena *a);
void ch_arena_free(ch_arena *a);   /* releases every block; the arena can be reused */
/* Returns `n` bytes aligned to `align` (a power of two ≤ 16), or NULL when out of memory. */
void *ch_arena_alloc(ch_arena *a, size_t n, size_t align);
/* Copies s[0..n) and appends a NUL. */
char *ch_arena_strndup(ch_arena *a, const char *s, size_t n);

#endif
