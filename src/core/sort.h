/*
 * sort.h — qsort for arrays that may be empty: an empty array's pointer may be NULL, which
 * the C library declares qsort must not be given (UBSan stops on it); fewer than two
 * elements need no sorting anyway. Every sort in the library goes through ch_sort.
 */
#ifndef CH_SORT_H
#define CH_SORT_H

#include <stdlib.h>

static inline void ch_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

#endif
