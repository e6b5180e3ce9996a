/* spill.c — append-only bytes in an unlinked temporary file mapped back (see spill.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/spill.h"

/* Pages dropped from the resident set once this many bytes were written since the last drop,
 * so a long read that spills keeps a bounded share of the file resident. */
#define RELEASE_EVERY ((uint64_t)8 << 20)

void ch_spill_init(ch_spill *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->chunk = CH_SPILL_CHUNK;
    if (dir)
        snprintf(s->dir, sizeof s->dir, "%s", dir);
}

void ch_spill_free(ch_spill *s)
{
    for (size_t i = 0; i < s->nchunks; i++)
        munmap(s->chunks[i].base, s->chunks[i].size);
    ch_free(s->chunks);
    if (s->fd >= 0)
        close(s->fd);
    char dir[sizeof s->dir];
    memcpy(dir, s->dir, sizeof dir);
    const size_t chunk = s->chunk;
    ch_spill_init(s, dir);
    s->chunk = chunk;
}

static char *fail(ch_spill *s, int *rc, int code, const char *what, int err)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, err ? strerror(err) : "too large");
    *rc = code;
    return NULL;
}

/* Creates the file: mkstemp in the directory, unlinked at once (nothing is left behind). */
static int open_file(ch_spill *s)
{
    const char *dir = s->dir[0] ? s->dir : getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[1200];
    if (snprintf(path, sizeof path, "%s/chorus-spill.XXXXXX", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return -1;
    unlink(path);
    s->fd = fd;
    return 0;
}

static void release_chunk(const ch_spill_chunk *k)
{
    /* MADV_DONTNEED on a shared file mapping keeps the data: dirty pages go to the page cache
     * and are written back; the next access maps them again */
    madvise(k->base, k->size, MADV_DONTNEED);
}

void ch_spill_release(const ch_spill *s)
{
    for (size_t i = 0; i < s->nchunks; i++)
        release_chunk(&s->chunks[i]);
}

char *ch_spill_alloc(ch_spill *s, size_t n, int *rc)
{
    *rc = CHORUS_OK;
    if (n == 0 || n > ((size_t)1 << 40))
        return fail(s, rc, CHORUS_ELIMIT, "spill request", 0);
    if (s->nchunks == 0 || s->chunks[s->nchunks - 1].size - s->used < n) {
        if (s->fd < 0 && open_file(s) != 0)
            return fail(s, rc, CHORUS_EIO, "cannot create a temporary file", errno);
        if (s->nchunks >= CH_SPILL_MAX_CHUNKS)
            return fail(s, rc, CHORUS_ELIMIT, "temporary file", 0);
        const size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t size = s->chunk ? (s->chunk + page - 1) / page * page : CH_SPILL_CHUNK;
        if (n > size)
            size = (n + page - 1) / page * page;
        if (ch_grow((void **)&s->chunks, &s->cap_chunks, s->nchunks + 1, sizeof *s->chunks)) {
            *rc = CHORUS_ENOMEM;
            snprintf(s->err, sizeof s->err, "out of memory");
            return NULL;
        }
        /* reserve the blocks now: a page written past a full disk would be a SIGBUS */
        int e = posix_fallocate(s->fd, (off_t)s->file_size, (off_t)size);
        if (e)
            return fail(s, rc, CHORUS_EIO, "cannot extend the temporary file", e);
        void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, (off_t)s->file_size);
        if (base == MAP_FAILED)
            return fail(s, rc, CHORUS_EIO, "cannot map the temporary file", errno);
        if (s->nchunks)
            release_chunk(&s->chunks[s->nchunks - 1]);   /* full: written back */
        s->chunks[s->nchunks++] =
            (ch_spill_chunk){.base = base, .size = size, .off = s->file_size};
        s->file_size += size;
        s->used = 0;
    }
    ch_spill_chunk *k = &s->chunks[s->nchunks - 1];
    char *p = k->base + s->used;
    s->used += n;
    s->bytes += n;
    if ((s->unreleased += n) >= RELEASE_EVERY) {
        release_chunk(k);
        s->unreleased = 0;
    }
    return p;
}

int ch_spill_read(const ch_spill *s, const void *p, size_t n, void *dst)
{
    const char *q = p;
    /* the last chunk first: large allocations (sketches) are alone in theirs */
    for (size_t i = s->nchunks; i > 0; i--) {
        const ch_spill_chunk *k = &s->chunks[i - 1];
        if (q < k->base || q >= k->base + k->size)
            continue;
        const size_t at = (size_t)(q - k->base);
        if (n > k->size - at)
            return CHORUS_EUSAGE;
        size_t done = 0;
        while (done < n) {   /* pread may return less than asked (a signal): go on */
            ssize_t r = pread(s->fd, (char *)dst + done, n - done,
                              (off_t)(k->off + at + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return CHORUS_EIO;
            done += (size_t)r;
        }
        return CHORUS_OK;
    }
    return n == 0 ? CHORUS_OK : CHORUS_EUSAGE;
}
