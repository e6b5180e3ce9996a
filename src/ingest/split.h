/*
 * split.h — one input file read by several ranks (processes of a distributed scan), with the
 * corpus built exactly as a single process builds it.
 *
 * A file is split when it is a plain (uncompressed) regular file of at least
 * CH_SPLIT_MIN_BYTES whose format is splittable (reader.h). Slice k of n covers the lines
 * whose first byte lies in [size*k/n, size*(k+1)/n): its bounds are moved forward to the next
 * line start, so every line belongs to exactly one slice and every rank computes the same
 * bounds on its own.
 *
 * Each rank reads its slice with the format's reader into a capture: the records it would
 * hand to the corpus and the rejections it would report, in order, serialised into one byte
 * buffer with the slice's line numbers. Rank 0 then replays the captures of slices 0, 1, ...
 * through ch_ingest_emit / ch_ingest_reject, each line number moved by the lines of the
 * slices before it: the corpus (posts, accounts, duplicates, error counts) and the
 * diagnostics come out as the whole-file read makes them.
 *
 * A slice is only valid when the slice before it ended between documents: a JSON document
 * spread over several lines may straddle a bound. A capture says whether its read ended
 * inside such a document; then the next slices are discarded and the rest of the file, from
 * that slice's start, is captured and replayed by rank 0 alone (ch_split_capture with k = -1).
 *
 * Ownership: a capture owns its buffer (ch_capture_free). Cost: the buffer holds about the
 * bytes of the records' fields (text, ids, entities), less than the slice itself.
 */
#ifndef CH_SPLIT_H
#define CH_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/reader.h"

#define CH_SPLIT_MIN_BYTES ((uint64_t)1 << 20)

typedef struct ch_capture {
    unsigned char *buf;           /* the serialised events */
    size_t len, cap;
    uint64_t lines;               /* newlines in the slice: the line offset of the next slice */
    uint64_t from;                /* the slice's first byte in the file */
    bool ended_in_doc;            /* the read ended inside a document spread over lines */
    int status;                   /* the reader's return code (CHORUS_ENOMEM, CHORUS_EIO...) */
} ch_capture;

/* Whether `path` is split over `nranks` ranks, and the reader that reads it (opts->reader or
 * the one detection picks); *reader is NULL when the file is not split. Never fails: a file
 * that cannot be opened or sniffed is simply not split (the whole-file read reports it). */
bool ch_split_plan(const char *path, const ch_ingest_opts *opts, int nranks,
                   const ch_reader **reader);

/* Reads slice k of n of `path` (k = -1 with from set: the bytes [from, end of file)) with
 * reader r into *cap (zeroed first). Returns 0, CHORUS_EIO or CHORUS_ENOMEM; the reader's own
 * result is cap->status. */
int ch_split_capture(const char *path, const ch_reader *r, const ch_ingest_opts *opts, int k,
                     int n, uint64_t from, ch_capture *cap);
void ch_capture_free(ch_capture *cap);
/* What a reader's ch_ingest_emit / ch_ingest_reject / ch_ingest_file_diag become on a ctx
 * with a capture (reader.c). Return 0 or CHORUS_ENOMEM. */
int ch_capture_post(ch_capture *c, uint64_t line, const ch_rawpost *r);
int ch_capture_reject(ch_capture *c, bool file_level, uint64_t line, ch_reason reason,
                      const char *msg);

/* Given the captures of the n slices (their buffers not needed: from, lines, status,
 * ended_in_doc), how many leading slices are replayed as captured (*nvalid) and, when fewer
 * than n, from which byte rank 0 captures the rest of the file itself (*rest_from): the start
 * of the first slice whose predecessor ended inside a document or that could not be read. */
void ch_split_decide(const ch_capture *caps, int n, int *nvalid, uint64_t *rest_from);

/* Rank 0's side: registers the file in the corpus and replays captures into it in file
 * order. */
typedef struct ch_replay {
    ch_ingest_ctx ctx;
    uint64_t line_offset;         /* lines of the file before the next capture */
} ch_replay;

/* Registers `path` read by `r` (as ch_ingest_file does). Returns 0 or CHORUS_ENOMEM/ELIMIT. */
int ch_replay_begin(ch_replay *rp, ch_corpus *c, const char *path, const ch_reader *r,
                    const ch_ingest_opts *opts);
/* Replays buf[0..len) (a capture's events), then moves the line offset by `lines`. Returns 0,
 * CHORUS_EPARSE (strict: stopped at the first rejection), CHORUS_ENOMEM or CHORUS_EFORMAT
 * (the buffer is not a capture). */
int ch_replay_run(ch_replay *rp, const void *buf, size_t len, uint64_t lines);

/* The whole plan in one process (tests, and a check of the distributed read): captures the
 * n slices in turn, decides, and replays them into c. Returns as ch_replay_run, or
 * CHORUS_EIO / CHORUS_ENOMEM from capturing. */
int ch_split_read_local(ch_corpus *c, const char *path, const ch_reader *r,
                        const ch_ingest_opts *opts, int n);

#endif
