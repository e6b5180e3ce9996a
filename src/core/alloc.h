/*
 * alloc.h — the one allocation choke point of libchorus.
 *
 * Every heap allocation in the library goes through ch_malloc/ch_calloc/ch_realloc/ch_free so
 * that limits and failure injection (tests fail the Nth allocation) are possible in one place.
 * Size arithmetic from input must use ch_mul_ok/ch_add_ok before allocating.
 */
#ifndef CH_ALLOC_H
#define CH_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *ch_malloc(size_t n);
void *ch_calloc(size_t count, size_t size);
void *ch_realloc(void *p, size_t n);
void ch_free(void *p);
char *ch_strndup(const char *s, size_t n);

/* Test hook: make the allocation number `nth` (counting from 1 after this call) and every
 * later one fail; 0 disables injection. */
void ch_alloc_fail_after(uint64_t nth);

static inline bool ch_mul_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool ch_add_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* Large, long-lived blocks (corpus arenas, string tables, post arrays) straight from the
 * kernel. Growing memory costs a page fault per 4 KiB page touched (~15 us each on a virtual
 * machine) and random probes into tables of many MiB miss the TLB; a block of
 * CH_ALLOC_MAP_MIN bytes or more is therefore mapped at a 2 MiB boundary, rounded up to whole
 * 2 MiB huge pages and advised for transparent huge pages (MADV_HUGEPAGE), which cuts both by
 * up to 512x where the kernel allows it ("madvise" or "always" mode) and changes nothing where
 * it does not. Memory comes zeroed. Smaller blocks, and every block in sanitizer builds (so
 * overflows stay detectable), come from ch_calloc. Counted by the failure injection like any
 * allocation. ch_free_big needs the size given to ch_alloc_big (or grown to by
 * ch_grow_big); it is harmless on NULL. */
#define CH_ALLOC_BIG_MIN ((size_t)2 << 20)   /* the huge page of x86-64 and arm64 (4 KiB base) */
#define CH_ALLOC_MAP_MIN ((size_t)256 << 10) /* from here a block is mapped */
void *ch_alloc_big(size_t n);
void ch_free_big(void *p, size_t n);
/* ch_grow for an array held by ch_alloc_big (*cap elements of `size` bytes, size <= 2 MiB):
 * the contents move to a new block, the old one is released; a mapped array gets the capacity
 * that fills its huge pages, so *cap may exceed twice the old one. Returns 0 or CHORUS_ENOMEM; on failure *p is
 * unchanged. */
int ch_grow_big(void **p, size_t *cap, size_t need, size_t size);
/* Gives back what an array held by ch_alloc_big holds beyond its first n elements (n <= *cap,
 * n > 0); *cap becomes n. On failure nothing changes (the array stays as it was). */
void ch_shrink_big(void **p, size_t *cap, size_t n, size_t size);

/* Grow a dynamic array `*p` of `*cap` elements of `size` bytes to hold at least `need`.
 * Returns 0 or CHORUS_ENOMEM; on failure *p is unchanged. */
int ch_grow(void **p, size_t *cap, size_t need, size_t size);

#endif
