/*
 * spill.h — an append-only store of bytes in a temporary file mapped back into memory, for
 * what a scan holds past its memory budget (post texts, see ch_corpus_set_memory).
 *
 * The file is created in a directory given by the caller (TMPDIR, else /tmp) and unlinked at
 * once, so it is gone when the store is freed or the process ends, whatever the way it ends;
 * nothing a user owns is touched. Space is reserved with fallocate before it is mapped, so a
 * full disk is an error returned by ch_spill_alloc (CHORUS_EIO, with a message), never a
 * signal when a page is written.
 *
 * Bytes are handed out from chunks of the file, each mapped shared and writable: a pointer
 * returned stays valid (and its bytes unchanged) until ch_spill_free. The pages written belong
 * to the page cache: ch_spill_release drops them from the process's resident set (the kernel
 * writes them back and may evict them; a later read maps them in again), so what a scan holds
 * resident is bounded by what it reads at a time, not by what it spilled.
 *
 * Not thread-safe for allocation (one writer); ch_spill_release may run while other threads
 * read spilled bytes (they fault the pages back in). Cost: one fallocate and one mmap per
 * chunk (CH_SPILL_CHUNK bytes, or the request rounded up to pages when larger).
 */
#ifndef CH_SPILL_H
#define CH_SPILL_H

#include <stddef.h>
#include <stdint.h>

#define CH_SPILL_CHUNK ((size_t)64 << 20)
#define CH_SPILL_MAX_CHUNKS 65536   /* 4 TiB of 64 MiB chunks */

typedef struct ch_spill_chunk {
    char *base;
    size_t size;                    /* bytes mapped */
    uint64_t off;                   /* where the chunk starts in the file */
} ch_spill_chunk;

typedef struct ch_spill {
    int fd;                         /* -1 until the first allocation */
    char dir[1024];                 /* where the file goes ("" = TMPDIR or /tmp) */
    size_t chunk;                   /* bytes of a chunk (CH_SPILL_CHUNK; tests set fewer,
                                       a multiple of the page size) */
    ch_spill_chunk *chunks;
    size_t nchunks, cap_chunks;
    size_t used;                    /* bytes used in the last chunk */
    uint64_t file_size;             /* bytes of file reserved */
    uint64_t bytes;                 /* bytes handed out */
    uint64_t unreleased;            /* bytes handed out since the pages were last dropped */
    char err[256];                  /* the last error, "" when none */
} ch_spill;

/* An empty store writing into `dir` (NULL or "": $TMPDIR, else /tmp). */
void ch_spill_init(ch_spill *s, const char *dir);
/* Unmaps and closes; the file is gone. The store can be initialized again. */
void ch_spill_free(ch_spill *s);
/* n bytes (n > 0) in the file, writable, aligned to 1; NULL on failure with s->err set
 * (CHORUS_EIO: the file cannot be created, extended or mapped; CHORUS_ENOMEM: bookkeeping)
 * and *rc set. */
char *ch_spill_alloc(ch_spill *s, size_t n, int *rc);
/* Drops the pages of every chunk from the resident set: they stay in the file (written back by
 * the kernel, not lost) and come back when read or written again. */
void ch_spill_release(const ch_spill *s);
/* Copies the n bytes at p (handed out by ch_spill_alloc, within one allocation) to dst by
 * reading the file, not the mapping: the pages stay in the page cache and do not enter the
 * process's resident set, so random reads of spilled bytes (a bucket's sketches) leave it
 * unchanged. Bytes written through the mapping are read back (one page cache). Returns
 * CHORUS_OK, CHORUS_EIO (the read failed, s->err unchanged: the store is const) or
 * CHORUS_EUSAGE (p is not in the store). */
int ch_spill_read(const ch_spill *s, const void *p, size_t n, void *dst);

#endif
