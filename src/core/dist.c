/*
 * dist.c — the rank-independent part of dist.h: block bounds and the gather of a block-split
 * array. The exchange itself is the ch_dist's (src/api/dist.c under MPI).
 */
#include "core/dist.h"

void ch_dist_block(size_t n, int r, int size, size_t *from, size_t *to)
{
    if (size < 1)
        size = 1;
    if (r < 0 || r >= size) {
        *from = *to = n;
        return;
    }
    /* the first n % size blocks hold one item more; no product that could overflow */
    const size_t q = n / (size_t)size, rem = n % (size_t)size, k = (size_t)r;
    *from = k * q + (k < rem ? k : rem);
    *to = *from + q + (k < rem ? 1 : 0);
}

int ch_dist_gather_blocks(const ch_dist *d, int status, void *base, size_t elem, size_t n)
{
    if (!ch_dist_active(d))
        return status;
    size_t a, b;
    ch_dist_block(n, d->rank, d->size, &a, &b);
    unsigned char *p = base;
    /* rank 0's own block is already in place: blocks are in rank order from the start */
    return d->gather(d, status, p + a * elem, (b - a) * elem, d->rank == 0 ? base : NULL,
                     NULL, NULL);
}
