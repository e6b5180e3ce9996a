/*
 * sort.h — qsort for arrays that may be empty: an empty array's pointer may be NULL, which
 * the C library declares qsort must not be given (UBSan stops on it); fewer than two
 * elements need no sorting anyway. Every sort in the library goes through ch_sort.
 */
#ifndef CH_SORT_H
#define CH_SORT_H

#include <stdint.h>
#include <stdlib.h>

static inline void ch_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Comparators for arrays of plain 64-bit numbers (ch_sort, bsearch), ascending. */
static inline int ch_cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static inline int ch_cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

#endif
