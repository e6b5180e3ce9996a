/* alloc.c — allocation choke point with failure injection for tests. */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS, madvise, mremap */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "chorus.h"

static _Thread_local uint64_t fail_at;  /* 0 = never */
static _Thread_local uint64_t counter;

void ch_alloc_fail_after(uint64_t nth)
{
    fail_at = nth;
    counter = 0;
}

static bool should_fail(void)
{
    if (fail_at == 0)
        return false;
    return ++counter >= fail_at;
}

void *ch_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *ch_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *ch_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void ch_free(void *p)
{
    free(p);
}

char *ch_strndup(const char *s, size_t n)
{
    char *d = ch_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* The capacity a growing array doubles to (from 16) to hold need items, and its bytes;
 * false on overflow. One rule for ch_grow and ch_grow_big. */
static bool grown_cap(size_t cap, size_t need, size_t size, size_t *ncap, size_t *bytes)
{
    size_t n = cap ? cap : 16;
    while (n < need) {
        if (!ch_mul_ok(n, 2, &n))
            return false;
    }
    *ncap = n;
    return ch_mul_ok(n, size, bytes);
}

int ch_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return CHORUS_OK;
    size_t ncap, bytes;
    if (!grown_cap(*cap, need, size, &ncap, &bytes))
        return CHORUS_ENOMEM;
    void *np = ch_realloc(*p, bytes);
    if (!np)
        return CHORUS_ENOMEM;
    *p = np;
    *cap = ncap;
    return CHORUS_OK;
}

#if defined(__SANITIZE_ADDRESS__)
#define BIG_FROM_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BIG_FROM_HEAP 1
#endif
#endif

#define HUGE_PAGE CH_ALLOC_BIG_MIN

/* Whether a block of n bytes is mapped (else it comes from the heap). */
static bool big_mapped(size_t n)
{
#ifdef BIG_FROM_HEAP
    (void)n;
    return false;
#else
    return n >= CH_ALLOC_MAP_MIN;
#endif
}

void *ch_alloc_big(size_t n)
{
    if (!big_mapped(n))
        return ch_calloc(1, n);
    if (should_fail())
        return NULL;
    size_t len = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), span;
    if (len < n || !ch_add_ok(len, HUGE_PAGE, &span))
        return NULL;
    /* Map one huge page more than needed and cut the ends so the block starts on a 2 MiB
     * boundary: only aligned 2 MiB ranges can be huge pages. */
    unsigned char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uintptr_t at = ((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    unsigned char *p = (unsigned char *)at;
    if (p > m)
        munmap(m, (size_t)(p - m));
    if (m + span > p + len)
        munmap(p + len, (size_t)(m + span - (p + len)));
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE); /* advice only: without it the block still works */
#endif
    return p;
}

void ch_free_big(void *p, size_t n)
{
    if (!p)
        return;
    if (!big_mapped(n)) {
        ch_free(p);
        return;
    }
    munmap(p, (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

int ch_grow_big(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return CHORUS_OK;
    size_t ncap, bytes, old = *cap * size;
    if (!grown_cap(*cap, need, size, &ncap, &bytes))
        return CHORUS_ENOMEM;
    if (big_mapped(bytes)) {
        /* fill the huge pages the block will take anyway */
        size_t whole = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        if (whole < bytes || size > HUGE_PAGE)
            return CHORUS_ENOMEM;
        ncap = whole / size;
        bytes = ncap * size;
    }
    if (!big_mapped(bytes) && !big_mapped(old)) {
        void *np = ch_realloc(*p, bytes);
        if (!np)
            return CHORUS_ENOMEM;
        memset((char *)np + old, 0, bytes - old); /* zeroed like ch_alloc_big */
        *p = np;
        *cap = ncap;
        return CHORUS_OK;
    }
    void *np = ch_alloc_big(bytes);
    if (!np)
        return CHORUS_ENOMEM;
    if (big_mapped(old)) {
        /* Move the old pages to the start of the new block instead of copying them into
         * fresh pages the kernel must first zero: both ends lie on 2 MiB boundaries, so huge
         * pages move whole. */
        size_t olen = (old + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        if (mremap(*p, olen, olen, MREMAP_MAYMOVE | MREMAP_FIXED, np) == MAP_FAILED) {
            memcpy(np, *p, old);
            munmap(*p, olen);
        }
    } else {
        if (old)
            memcpy(np, *p, old);
        ch_free_big(*p, old);
    }
    *p = np;
    *cap = ncap;
    return CHORUS_OK;
}

void ch_shrink_big(void **p, size_t *cap, size_t n, size_t size)
{
    size_t old = *cap * size, bytes = n * size; /* no overflow: n <= *cap */
    if (n == 0 || n >= *cap)
        return;
    if (!big_mapped(old)) {
        void *np = ch_realloc(*p, bytes);
        if (np) {
            *p = np;
            *cap = n;
        }
        return;
    }
    if (big_mapped(bytes)) {
        /* the pages past the last huge page still in use go back to the kernel */
        size_t keep = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        size_t had = (old + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        if (had > keep)
            munmap((char *)*p + keep, had - keep);
        *cap = n;
        return;
    }
    void *np = ch_alloc_big(bytes);
    if (!np)
        return;
    memcpy(np, *p, bytes);
    ch_free_big(*p, old);
    *p = np;
    *cap = n;
}
