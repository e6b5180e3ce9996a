/*
 * dist.c — a scan spread over the ranks of an MPI job (docs/scale.md): every rank runs the same
 * `chorus scan` command; each splittable input (ingest/split.h) is read in slices, one per
 * rank, whose captured records rank 0 replays in file order, so its corpus is the corpus of a
 * single-process scan and so are the results. The detection chain and the results database
 * run on rank 0; the other ranks end once their slices are sent.
 *
 * Built with Open MPI when CMake finds it (CHORUS_HAVE_MPI); otherwise, and whenever the
 * process was not started by an MPI launcher (mpirun, srun), it is rank 0 of 1 and nothing
 * here runs.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/alloc.h"
#include "ingest/split.h"

#ifdef CHORUS_HAVE_MPI
#include <mpi.h>
#endif

static int g_rank = 0, g_size = 1;
static bool g_inited;   /* this library called MPI_Init, so it calls MPI_Finalize */

int ch_api_dist_rank(void) { return g_rank; }
int ch_api_dist_size(void) { return g_size; }

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
    }
#endif
    if (rank)
        *rank = g_rank;
    if (nranks)
        *nranks = g_size;
    return CHORUS_OK;
}

void chorus_dist_finish(void)
{
#ifdef CHORUS_HAVE_MPI
    if (g_inited)
        MPI_Finalize();
#endif
    g_inited = false;
    g_rank = 0;
    g_size = 1;
}

#ifdef CHORUS_HAVE_MPI

/* What every rank tells rank 0 about its slice. */
typedef struct slice_note {
    uint64_t from, lines, len;
    int32_t status, ended_in_doc;
} slice_note;

#define CHUNK ((size_t)64 << 20)  /* MPI counts are int: buffers go in pieces of 64 MiB */

static void send_buf(const unsigned char *p, size_t len)
{
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        MPI_Send(p + at, (int)n, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
    }
}

/* Receives len bytes into p; with p NULL (no memory for them) the pieces are received into a
 * scratch piece and dropped, since the sender waits for them either way. */
static int recv_buf(int from, unsigned char *p, size_t len)
{
    unsigned char *scratch = p ? NULL : ch_malloc(CHUNK);
    int rc = p ? CHORUS_OK : CHORUS_ENOMEM;
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        unsigned char *to = p ? p + at : scratch;
        if (!to) {   /* nothing to receive into: the job cannot go on */
            MPI_Abort(MPI_COMM_WORLD, 1);
            return CHORUS_ENOMEM;
        }
        if (MPI_Recv(to, (int)n, MPI_BYTE, from, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
            MPI_SUCCESS)
            rc = CHORUS_EIO;
    }
    ch_free(scratch);
    return rc;
}

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
    MPI_Bcast(&plan, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (plan < 0)
        return CHORUS_OK;   /* rank 0 reads it whole */
    *handled = true;
    const ch_reader *r = ch_reader_at((size_t)plan);
    ch_capture cap;
    int rc = ch_split_capture(path, r, io, g_rank, g_size, 0, &cap);
    if (rc && !cap.status)
        cap.status = rc;
    slice_note note = {cap.from, cap.lines, cap.len, cap.status, cap.ended_in_doc};
    slice_note *notes = NULL;
    ch_capture *caps = NULL;
    int ok = 1;
    if (g_rank == 0) {
        notes = ch_calloc((size_t)g_size, sizeof *notes);
        caps = ch_calloc((size_t)g_size, sizeof *caps);
        ok = notes && caps;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ok) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    MPI_Gather(&note, sizeof note, MPI_BYTE, notes, sizeof note, MPI_BYTE, 0, MPI_COMM_WORLD);
    int nvalid = 0;
    uint64_t rest = 0;
    if (g_rank == 0) {
        for (int k = 0; k < g_size; k++)
            caps[k] = (ch_capture){.from = notes[k].from, .lines = notes[k].lines,
                                   .status = notes[k].status,
                                   .ended_in_doc = notes[k].ended_in_doc};
        ch_split_decide(caps, g_size, &nvalid, &rest);
    }
    MPI_Bcast(&nvalid, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (g_rank != 0) {
        if (g_rank < nvalid)
            send_buf(cap.buf, cap.len);
        rc = CHORUS_OK;
        goto out;
    }
    /* rank 0: its own slice, then each rank's in turn (one received buffer held at a time),
     * then, when a bound was doubtful, the rest of the file read here */
    ch_replay rp;
    rc = ch_replay_begin(&rp, c, path, r, io);
    if (used)
        *used = r;
    if (!rc && nvalid > 0)
        rc = ch_replay_run(&rp, cap.buf, cap.len, cap.lines);
    ch_capture_free(&cap);
    for (int k = 1; k < nvalid; k++) {
        unsigned char *b = ch_malloc(notes[k].len ? notes[k].len : 1);
        int rrc = recv_buf(k, b, notes[k].len);
        if (!rc)
            rc = rrc ? rrc : ch_replay_run(&rp, b, notes[k].len, notes[k].lines);
        ch_free(b);
    }
    if (!rc && nvalid < g_size) {
        ch_capture tail;
        rc = ch_split_capture(path, r, io, -1, g_size, rest, &tail);
        if (!rc)
            rc = tail.status ? tail.status : ch_replay_run(&rp, tail.buf, tail.len, tail.lines);
        ch_capture_free(&tail);
    }
out:
    ch_capture_free(&cap);
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

#endif
