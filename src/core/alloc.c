/* alloc.c — allocation choke point with failure injection for tests. */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

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

int ch_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return CHORUS_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (!ch_mul_ok(ncap, 2, &ncap))
            return CHORUS_ENOMEM;
    }
    size_t bytes;
    if (!ch_mul_ok(ncap, size, &bytes))
        return CHORUS_ENOMEM;
    void *np = ch_realloc(*p, bytes);
    if (!np)
        return CHORUS_ENOMEM;
    *p = np;
    *cap = ncap;
    return CHORUS_OK;
}
