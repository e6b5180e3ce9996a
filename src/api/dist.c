/*
 * dist.c — a scan spread over the ranks of an MPI job (docs/scale.md): every rank runs the same
 * `chorus scan` command; each splittable input (ingest/split.h) is read in slices, one per
 * rank, whose captured records every rank replays in file order, so each holds the corpus of
 * a single-process scan (inputs that are not split are read whole by every rank). The
 * detection stages then share their per-post work through the ch_dist of core/dist.h, which
 * this file implements over MPI_COMM_WORLD; rank 0 finishes each stage, and alone runs the
 * network, the scores and writes the results.
 *
 * Built with Open MPI when CMake finds it (CHORUS_HAVE_MPI); otherwise, and whenever the
 * process was not started by an MPI launcher (mpirun, srun), it is rank 0 of 1 and nothing
 * here runs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_int.h"
#include "core/alloc.h"
#include "ingest/split.h"

#ifdef CHORUS_HAVE_MPI
#include <mpi.h>
#endif

static int g_rank = 0, g_size = 1, g_local = 1;
static bool g_inited;   /* this library called MPI_Init, so it calls MPI_Finalize */

int ch_api_dist_rank(void) { return g_rank; }
int ch_api_dist_size(void) { return g_size; }
int ch_api_dist_local_size(void) { return g_local; }

bool chorus_has_mpi(void)
{
#ifdef CHORUS_HAVE_MPI
    return true;
#else
    return false;
#endif
}

chorus_err chorus_dist_init(int *rank, int *nranks)
{
#ifdef CHORUS_HAVE_MPI
    /* MPI_Init outside an MPI launch starts a singleton job, slow and noisy in containers:
     * only a process a launcher started joins one. */
    if (!g_inited && (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
                      getenv("PMIX_RANK"))) {
        int flag = 0;
        MPI_Initialized(&flag);
        if (!flag) {
            if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
                return CHORUS_EIO;
            g_inited = true;
        }
        MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
        MPI_Comm_size(MPI_COMM_WORLD, &g_size);
        /* the ranks on this machine share its cores (ch_api_dist_local_size) */
        MPI_Comm node;
        if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL,
                                &node) == MPI_SUCCESS) {
            MPI_Comm_size(node, &g_local);
            MPI_Comm_free(&node);
        }
    }
#endif
    if (rank)
        *rank = g_rank;
    if (nranks)
        *nranks = g_size;
    return CHORUS_OK;
}

#ifdef CHORUS_HAVE_MPI
static void wait_req(MPI_Request *r);
#endif

void chorus_dist_finish(void)
{
#ifdef CHORUS_HAVE_MPI
    if (g_inited) {
        /* The other ranks end long before rank 0 (it writes the results alone), and
         * MPI_Finalize waits for every rank by polling: a barrier that sleeps first gives
         * their cores to rank 0 for the rest of the scan. */
        MPI_Request r;
        if (g_size > 1 && MPI_Ibarrier(MPI_COMM_WORLD, &r) == MPI_SUCCESS)
            wait_req(&r);
        MPI_Finalize();
    }
#endif
    g_inited = false;
    g_rank = 0;
    g_size = 1;
    g_local = 1;
}

#ifdef CHORUS_HAVE_MPI

/* What every rank says about its slice. */
typedef struct slice_note {
    uint64_t from, lines, len;
    int32_t status, ended_in_doc;
} slice_note;

#define CHUNK ((size_t)64 << 20)  /* MPI counts are int: buffers go in pieces of 64 MiB */

/* Waits for a small message without spinning: a rank that waits for another (rank 0
 * finishing a stage, a slower share) gives its core back, which on a machine with fewer cores
 * than ranks plus threads is the core the others need. A few quick tests first keep short
 * waits short. Only the small messages that say a rank is ready (headers, statuses) wait
 * this way: MPI moves a large message only while it is being tested, so the bulk transfers,
 * which start when both sides are ready, use the blocking calls. */
static void wait_req(MPI_Request *r)
{
    int done = 0;
    long ns = 20000;   /* the sleep doubles from 20 us to 2 ms: a long wait costs few wake-ups */
    MPI_Test(r, &done, MPI_STATUS_IGNORE);
    for (unsigned tries = 0; !done; tries++) {
        if (tries >= 32) {
            nanosleep(&(struct timespec){0, ns}, NULL);
            ns = ns < 2000000 / 2 ? ns * 2 : 2000000;
        }
        MPI_Test(r, &done, MPI_STATUS_IGNORE);
    }
}

static void bcast(void *p, int n, MPI_Datatype t, int root)
{
    MPI_Request r;
    MPI_Ibcast(p, n, t, root, MPI_COMM_WORLD, &r);
    wait_req(&r);
}

/* Bytes this rank sent to others, counted once per receiver (chorus_dist_bytes_sent). */
static uint64_t g_sent;

static void send_buf(const unsigned char *p, size_t len, int to, int tag)
{
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        MPI_Send(p + at, (int)n, MPI_BYTE, to, tag, MPI_COMM_WORLD);
    }
    g_sent += len;
}

/* Receives len bytes into p. MPI's default error handler ends the job on a failed transfer,
 * so there is nothing to report here. */
static void recv_buf(int from, unsigned char *p, size_t len, int tag)
{
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        MPI_Recv(p + at, (int)n, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
}

/* Rank `root`'s len bytes at p to every rank, in pieces (len is known everywhere). */
static void bcast_buf(unsigned char *p, size_t len, int root)
{
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        MPI_Bcast(p + at, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
    }
    if (g_rank == root)
        g_sent += len * (uint64_t)(g_size - 1);
}

int ch_api_dist_agree(int rc)
{
    if (g_size <= 1)
        return rc;
    int first = rc, all_ok = rc == 0;
    /* the lowest failing rank's code: every rank learns the same one */
    int key = rc ? g_rank : g_size, lowest;
    MPI_Request r;
    MPI_Iallreduce(&key, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &r);
    wait_req(&r);
    (void)all_ok;
    if (lowest == g_size)
        return 0;
    bcast(&first, 1, MPI_INT, lowest);
    return first;
}

/* ch_dist.gather over MPI_COMM_WORLD (core/dist.h): a header from every rank (status,
 * length), rank 0's verdict to all, then the bytes to rank 0 rank by rank. */
static int mpi_gather(const ch_dist *d, int status, const void *mine, size_t len, void *into,
                      void **all, size_t *lens)
{
    (void)d;
    if (all)
        *all = NULL;
    int64_t hdr[2] = {status, (int64_t)len};
    int64_t *hdrs = NULL;
    int verdict = 0;
    unsigned char *dest = NULL;
    if (g_rank == 0 && !(hdrs = ch_malloc((size_t)g_size * sizeof hdr)))
        MPI_Abort(MPI_COMM_WORLD, 1);   /* a few bytes a rank: the job cannot go on */
    MPI_Request r;
    MPI_Igather(hdr, 2, MPI_INT64_T, hdrs, 2, MPI_INT64_T, 0, MPI_COMM_WORLD, &r);
    wait_req(&r);
    if (g_rank == 0) {
        size_t total = 0;
        for (int k = 0; k < g_size && !verdict; k++) {
            verdict = (int)hdrs[2 * k];
            total += (size_t)hdrs[2 * k + 1];
            if (lens)
                lens[k] = (size_t)hdrs[2 * k + 1];
        }
        if (!verdict && into)
            dest = into;
        else if (!verdict && total && !(dest = ch_malloc(total)))
            verdict = CHORUS_ENOMEM;
    }
    bcast(&verdict, 1, MPI_INT, 0);
    if (verdict) {
        if (dest != into)
            ch_free(dest);
        ch_free(hdrs);
        return verdict;
    }
    if (g_rank != 0) {
        send_buf(mine, len, 0, 3);
        return 0;
    }
    size_t at = 0;
    for (int k = 0; k < g_size; k++) {
        const size_t n = (size_t)hdrs[2 * k + 1];
        if (k == 0 && n && dest + at != (const unsigned char *)mine)
            memcpy(dest + at, mine, n);
        else if (k > 0)
            recv_buf(k, dest + at, n, 3);
        at += n;
    }
    ch_free(hdrs);
    if (all && dest != into)
        *all = dest;
    return 0;
}

/* Bytes of one pair of ranks per MPI_Alltoallv round: MPI counts and displacements are int,
 * so large shuffles go in rounds through staging buffers of at most size * XCHUNK bytes. */
#define XCHUNK ((size_t)16 << 20)

/* ch_dist.exchange over MPI_COMM_WORLD (core/dist.h): every rank's lengths to every rank
 * (MPI_Ialltoall) with the agreed status, then the bytes by MPI_Alltoallv in rounds. */
static int mpi_exchange(const ch_dist *d, int status, const void *send, const size_t *scount,
                        void **recv, size_t *rcount)
{
    (void)d;
    *recv = NULL;
    const int n = g_size;
    /* per pair and round: the staging buffers' displacements must fit in an int */
    const size_t xchunk = XCHUNK < (size_t)INT32_MAX / (size_t)n ? XCHUNK
                                                                 : (size_t)INT32_MAX / (size_t)n;
    int64_t *sc = ch_malloc((size_t)n * sizeof *sc), *rc64 = ch_malloc((size_t)n * sizeof *rc64);
    int *cs = ch_malloc((size_t)n * sizeof *cs), *ds = ch_malloc((size_t)n * sizeof *ds);
    int *cr = ch_malloc((size_t)n * sizeof *cr), *dr = ch_malloc((size_t)n * sizeof *dr);
    size_t *soff = ch_malloc(((size_t)n + 1) * sizeof *soff);
    size_t *roff = ch_malloc(((size_t)n + 1) * sizeof *roff);
    unsigned char *out = NULL, *sbuf = NULL, *rbuf = NULL;
    if (!status && !(sc && rc64 && cs && ds && cr && dr && soff && roff))
        status = CHORUS_ENOMEM;
    /* the status first, so that every rank takes part in the same exchanges */
    int rc = ch_api_dist_agree(status);
    if (rc)
        goto out;
    soff[0] = 0;
    for (int k = 0; k < n; k++) {
        sc[k] = (int64_t)scount[k];
        soff[k + 1] = soff[k] + scount[k];
    }
    MPI_Request r;
    MPI_Ialltoall(sc, 1, MPI_INT64_T, rc64, 1, MPI_INT64_T, MPI_COMM_WORLD, &r);
    wait_req(&r);
    roff[0] = 0;
    uint64_t rounds = 0;
    for (int k = 0; k < n; k++) {
        rcount[k] = (size_t)rc64[k];
        roff[k + 1] = roff[k] + rcount[k];
        const uint64_t a = (scount[k] + xchunk - 1) / xchunk, b = (rcount[k] + xchunk - 1) / xchunk;
        rounds = a > rounds ? a : rounds;
        rounds = b > rounds ? b : rounds;
    }
    uint64_t all_rounds = 0;
    MPI_Iallreduce(&rounds, &all_rounds, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD, &r);
    wait_req(&r);
    const size_t stage = (size_t)n * xchunk;
    const bool direct = all_rounds <= 1;   /* the same on every rank: each block fits */
    int ok = 1;
    if (roff[n] && !(out = ch_malloc(roff[n])))
        ok = 0;
    if (!direct && (!(sbuf = ch_malloc(stage)) || !(rbuf = ch_malloc(stage))))
        ok = 0;
    if ((rc = ch_api_dist_agree(ok ? 0 : CHORUS_ENOMEM)))
        goto out;
    if (direct) {
        for (int k = 0; k < n; k++) {
            cs[k] = (int)scount[k], ds[k] = (int)soff[k];
            cr[k] = (int)rcount[k], dr[k] = (int)roff[k];
        }
        MPI_Alltoallv(send, cs, ds, MPI_BYTE, out, cr, dr, MPI_BYTE, MPI_COMM_WORLD);
    } else {
        for (uint64_t j = 0; j < all_rounds; j++) {
            const size_t at = (size_t)j * xchunk;
            size_t ps = 0, pr = 0;
            for (int k = 0; k < n; k++) {
                const size_t s1 = scount[k] > at ? scount[k] - at : 0;
                const size_t r1 = rcount[k] > at ? rcount[k] - at : 0;
                cs[k] = (int)(s1 < xchunk ? s1 : xchunk), ds[k] = (int)ps;
                cr[k] = (int)(r1 < xchunk ? r1 : xchunk), dr[k] = (int)pr;
                if (cs[k])
                    memcpy(sbuf + ps, (const unsigned char *)send + soff[k] + at, (size_t)cs[k]);
                ps += (size_t)cs[k];
                pr += (size_t)cr[k];
            }
            MPI_Alltoallv(sbuf, cs, ds, MPI_BYTE, rbuf, cr, dr, MPI_BYTE, MPI_COMM_WORLD);
            for (int k = 0; k < n; k++)
                if (cr[k])
                    memcpy(out + roff[k] + at, rbuf + dr[k], (size_t)cr[k]);
        }
    }
    for (int k = 0; k < n; k++)
        if (k != g_rank)
            g_sent += scount[k];
    *recv = out;
    out = NULL;
out:
    ch_free(out);
    ch_free(sbuf);
    ch_free(rbuf);
    ch_free(sc);
    ch_free(rc64);
    ch_free(cs);
    ch_free(ds);
    ch_free(cr);
    ch_free(dr);
    ch_free(soff);
    ch_free(roff);
    return rc;
}

static ch_dist g_dist = {.gather = mpi_gather, .exchange = mpi_exchange};

const ch_dist *ch_api_dist(void)
{
    if (g_size <= 1)
        return NULL;
    g_dist.rank = g_rank;
    g_dist.size = g_size;
    return &g_dist;
}

uint64_t chorus_dist_bytes_sent(void) { return g_sent; }

int ch_api_dist_ingest(ch_corpus *c, const char *path, const ch_ingest_opts *io,
                       const ch_reader **used, bool *handled)
{
    *handled = false;
    /* rank 0 decides, so every rank reads the file the same way */
    int plan = -1;   /* index of the reader in the table, or -1: not split */
    if (g_rank == 0) {
        const ch_reader *r;
        if (ch_split_plan(path, io, g_size, &r))
            for (size_t i = 0; i < ch_reader_count(); i++)
                if (ch_reader_at(i) == r)
                    plan = (int)i;
    }
    bcast(&plan, 1, MPI_INT, 0);
    if (plan < 0)
        return CHORUS_OK;   /* every rank reads it whole */
    *handled = true;
    const ch_reader *r = ch_reader_at((size_t)plan);
    ch_capture cap;
    int rc = ch_split_capture(path, r, io, g_rank, g_size, 0, &cap);
    if (rc && !cap.status)
        cap.status = rc;
    slice_note note = {cap.from, cap.lines, cap.len, cap.status, cap.ended_in_doc};
    slice_note *notes = ch_calloc((size_t)g_size, sizeof *notes);
    ch_capture *caps = ch_calloc((size_t)g_size, sizeof *caps);
    unsigned char *b = NULL;
    if ((rc = ch_api_dist_agree(notes && caps ? CHORUS_OK : CHORUS_ENOMEM)))
        goto out;
    MPI_Request req;
    MPI_Iallgather(&note, sizeof note, MPI_BYTE, notes, sizeof note, MPI_BYTE, MPI_COMM_WORLD,
                   &req);
    wait_req(&req);
    int nvalid = 0;
    uint64_t rest = 0;
    for (int k = 0; k < g_size; k++)
        caps[k] = (ch_capture){.from = notes[k].from, .lines = notes[k].lines,
                               .status = notes[k].status, .ended_in_doc = notes[k].ended_in_doc};
    ch_split_decide(caps, g_size, &nvalid, &rest);   /* the same on every rank */
    /* Every rank replays every slice in file order (one received buffer held at a time), so
     * each holds the corpus of a single-process scan and can take a share of the detection
     * stages; then, when a bound was doubtful, each reads the rest of the file itself. */
    ch_replay rp;
    rc = ch_replay_begin(&rp, c, path, r, io);
    if (used)
        *used = r;
    for (int k = 0; k < nvalid; k++) {
        const size_t len = (size_t)notes[k].len;
        unsigned char *p = cap.buf;
        if (k != g_rank && !(p = b = ch_malloc(len ? len : 1)))
            MPI_Abort(MPI_COMM_WORLD, 1);   /* nothing to receive into: the job cannot go on */
        bcast_buf(p, len, k);
        if (!rc)
            rc = ch_replay_run(&rp, p, len, notes[k].lines);
        ch_free(b);
        b = NULL;
    }
    ch_capture_free(&cap);
    if (!rc && nvalid < g_size) {
        ch_capture tail;
        rc = ch_split_capture(path, r, io, -1, g_size, rest, &tail);
        if (!rc)
            rc = tail.status ? tail.status : ch_replay_run(&rp, tail.buf, tail.len, tail.lines);
        ch_capture_free(&tail);
    }
    /* a rank short of memory stops them all at the same input */
    rc = ch_api_dist_agree(rc);
out:
    ch_capture_free(&cap);
    ch_free(b);
    ch_free(notes);
    ch_free(caps);
    return rc;
}

#else

int ch_api_dist_ingest(ch_corpus *c, const char *path, const ch_ingest_opts *io,
                       const ch_reader **used, bool *handled)
{
    (void)c, (void)path, (void)io, (void)used;
    *handled = false;
    return CHORUS_OK;
}

int ch_api_dist_agree(int rc) { return rc; }
const ch_dist *ch_api_dist(void) { return NULL; }
uint64_t chorus_dist_bytes_sent(void) { return 0; }

#endif
