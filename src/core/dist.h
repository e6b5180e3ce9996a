/*
 * dist.h — what the detection stages know of the ranks of a distributed scan: how many there
 * are, which one this is, and one exchange, "every rank sends its bytes to rank 0". The MPI
 * side lives above (src/api/dist.c, the only file that includes mpi.h); the stages only see
 * this table, so they build and test without MPI, and one process is simply "no ch_dist"
 * (NULL) or a ch_dist of size 1.
 *
 * How a stage uses it (docs/scale.md): every rank holds the whole corpus; rank r does the
 * posts of its block (ch_dist_block: contiguous, in post order, sizes differing by at most
 * one) of a stage's per-post work and sends what it found to rank 0, which puts the blocks
 * together in rank order — the order of the posts — and finishes the stage as one process
 * does. So results never depend on the number of ranks.
 *
 * A stage may also shuffle (exchange): every rank sends each item it extracted from its block
 * to the rank that owns the item's key, which does the per-key work of its keys
 * (detect/coact/shuffle.h).
 *
 * Errors are collective: every gather carries each rank's status, and every rank gets back
 * the first failure (of the lowest rank), so all ranks stop at the same step and none waits
 * for a message that will never come.
 */
#ifndef CH_DIST_H
#define CH_DIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_dist ch_dist;

struct ch_dist {
    int rank, size;   /* 0 <= rank < size */
    /*
     * Collective: every rank calls it with its status (0 or an error code) and its bytes
     * mine[0..len). Rank 0 receives the bytes of every rank in rank order, concatenated:
     * into `into` when it is not NULL (the caller knows the total and that it fits; rank 0's
     * own bytes are copied too unless mine already points at the right place), otherwise
     * into a new buffer *all (ch_malloc; the caller owns it; NULL when the total is 0); in
     * both cases with every rank's length in lens[size] when lens is not NULL. Other ranks receive nothing
     * (*all NULL). Returns, on every rank, the first non-zero status of ranks 0, 1, ..., or
     * the exchange's own failure (CHORUS_ENOMEM, CHORUS_EIO), or 0.
     */
    int (*gather)(const ch_dist *d, int status, const void *mine, size_t len, void *into,
                  void **all, size_t *lens);
    /*
     * Collective, every rank to every rank (MPI_Alltoallv): rank r's bytes for rank k are
     * send[off_k, off_k + scount[k]), the blocks laid one after the other in rank order
     * (off_k = scount[0] + ... + scount[k-1]). Every rank receives, in a new buffer *recv
     * (ch_malloc; the caller owns it; NULL when nothing came), the blocks sent to it
     * concatenated in the order of the sending ranks, with each one's length in rcount[size].
     * Statuses are collective as for gather: on a non-zero return *recv is NULL everywhere;
     * a rank calling with a non-zero status may pass NULL send, scount and rcount.
     * NULL on an implementation without it (then a stage does not shuffle).
     */
    int (*exchange)(const ch_dist *d, int status, const void *send, const size_t *scount,
                    void **recv, size_t *rcount);
    void *ctx;        /* the implementation's */
};

/* Whether d spreads work over more than one rank (NULL: one process). */
static inline int ch_dist_active(const ch_dist *d) { return d && d->size > 1; }

/* Rank r's block of n items out of `size` ranks: [*from, *to), contiguous, in order, covering
 * [0, n) exactly once over r = 0..size-1, block sizes differing by at most one. size < 1 is
 * taken as 1; r outside [0, size) gets an empty block at n. */
void ch_dist_block(size_t n, int r, int size, size_t *from, size_t *to);

/* The gather of a block-split array: every rank filled base[from*elem, to*elem) of its block
 * of n items (ch_dist_block); afterwards rank 0 holds all of base. With d NULL or of size 1
 * only `status` comes back. Returns as ch_dist.gather. */
int ch_dist_gather_blocks(const ch_dist *d, int status, void *base, size_t elem, size_t n);

#endif
