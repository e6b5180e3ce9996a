/*
 * source.h — the contract between the stream loop (stream.c) and the source kinds, and the
 * helpers every kind uses. Kinds include this header; nothing outside src/stream does.
 *
 * A kind is one file, src/stream/source_<name>.c, that defines one descriptor
 *
 *     const ch_source_kind ch_source_<name> = { .name = "...", .prefix = "...", ... };
 *
 * The build collects every source_*.c into the source table (sources.c), so adding a kind is
 * adding that file.
 *
 * Life of a source: open (once, from ch_stream_add) → next (many times, from ch_stream_next;
 * never blocks) → stop (at most once, for a clean stop) → close (once). The loop owns the
 * ch_source; the kind keeps its own state in src->impl and frees it in close.
 *
 * next() hands out at most one record per call. It returns
 *   CH_STREAM_REC   rec->data/len (and rec->line) filled; the kind has updated its cursor;
 *                   the data stays valid until the next call of next() or close();
 *   CH_STREAM_IDLE  nothing now; *wake_ms = when to call again (ms, ch_stream_now_ms clock),
 *                   or left at INT64_MAX when only I/O (a watched descriptor, a socket of the
 *                   lws context) can bring more;
 *   CH_STREAM_END   the source is done (end of input; stopped and drained; or failed, after
 *                   ch_source_diag(.., CH_STREAM_FAIL, ..) and src->stats.failed = true);
 *   CH_STREAM_ERROR out of memory: the whole stream stops (message with ch_source_error).
 * The loop counts records and bytes and fills rec->source, rec->seq and rec->cursor.
 */
#ifndef CH_SOURCE_H
#define CH_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/loop.h"
#include "stream/stream.h"

struct ch_source_kind {
    const char *name;             /* "jetstream": what messages and `chorus watch --help` say */
    const char *prefix;           /* a spec starting with this is of this kind: "jetstream:" */
    bool whole;                   /* the spec must be exactly the prefix ("-") */
    bool fallback;                /* takes any spec no other kind takes (file paths) */
    const char *summary;          /* one line for docs and help */
    const char *example;          /* a spec */
    /* Opens the source for `target` (the spec without its prefix; for a fallback kind the
     * whole spec unless it starts with the prefix). `cursor` is NULL or a cursor of this kind.
     * Returns 0, CHORUS_EUSAGE, CHORUS_EIO or CHORUS_ENOMEM with a message in err. */
    int (*open)(ch_source *src, const char *target, const char *cursor, char *err,
                size_t errlen);
    int (*next)(ch_source *src, ch_stream_rec *rec, int64_t *wake_ms);
    /* Cursor after the last record handed out (NUL-terminated, < CH_STREAM_CURSOR_MAX). */
    const char *(*cursor)(const ch_source *src);
    /* Stop reading new data; records already buffered may still come from next(). */
    void (*stop)(ch_source *src);
    void (*close)(ch_source *src);
    /* Tests and fuzzers: input as if received (ch_source_inject); NULL when not supported. */
    int (*inject)(ch_source *src, int what, const void *data, size_t len);
    /* Optional (NULL: the cursor says everything): what a later process needs besides the
     * cursor to resume exactly (ch_source_memory / ch_source_remember in stream.h). */
    int (*memory)(const ch_source *src, char **out);
    int (*remember)(ch_source *src, const char *mem, char *err, size_t errlen);
};

struct ch_source {
    const ch_source_kind *kind;
    ch_stream *stream;
    char *spec;                   /* as given */
    void *impl;                   /* the kind's state */
    ch_source_stats stats;        /* kinds update their counters; the loop records/bytes */
    bool ended;
};

/* The stream's options (normalised: zeros replaced by defaults). */
const ch_stream_opts *ch_source_opts(const ch_source *src);
/* The stream's event loop (lws context, watched descriptors). */
ch_loop *ch_source_loop(const ch_source *src);
/* Reports through opts.diag, prefixed by nothing (the callback gets the spec). */
void ch_source_diag(const ch_source *src, ch_stream_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the stream's error message for a CH_STREAM_ERROR return. */
void ch_source_error(const ch_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Error text helper: snprintf into err when err is not NULL. */
void ch_stream_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
