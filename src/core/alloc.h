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

/* Grow a dynamic array `*p` of `*cap` elements of `size` bytes to hold at least `need`.
 * Returns 0 or CHORUS_ENOMEM; on failure *p is unchanged. */
int ch_grow(void **p, size_t *cap, size_t need, size_t size);

#endif
