/*
 * stream.h — live sources of records for `chorus watch`, multiplexed in one loop.
 *
 * A source is named by a spec string, and its kind by the spec's form:
 *   -                                   standard input (JSON lines), until its end
 *   PATH  or  file:PATH                 a file: read to its end, or followed as it grows
 *                                       (`tail -F`: appends, rename rotation, copytruncate)
 *                                       when opts.follow; gzip/zstd files are read, not followed
 *   jetstream:wss://HOST/subscribe?...  Bluesky Jetstream over WebSocket (ws:// too), resumed
 *                                       from its cursor (time_us) after a disconnect
 *   mastodon:wss://HOST/api/v1/streaming?stream=public|hashtag&tag=X
 *                                       Mastodon streaming; yields the status of each `update`;
 *                                       statuses missed while disconnected are fetched back
 *                                       from the matching REST timeline
 * Each kind is one file src/stream/source_<kind>.c with a descriptor (source.h); the build
 * collects them into the source table, and nothing else lists the kinds.
 *
 * A record is one JSON text (a line or a message), with its source and the source's cursor
 * after it. The cursor is what a checkpoint stores: giving it back to ch_stream_add resumes
 * the source just after that record (files: seek to the byte offset if the file is still the
 * same one; Jetstream: ask the server for events from that time_us and drop the ones already
 * seen; Mastodon: fetch the statuses after that id over REST).
 *
 * The loop never blocks longer than the caller asks (ch_stream_next's timeout), so a caller
 * can interleave its own work (refreshing results, an HTTP server polled in the same thread,
 * or run one in another thread: a ch_stream is used by one thread at a time). Network I/O runs
 * on libwebsockets' poll loop inside ch_stream_next; standard input and followed files are
 * polled there too.
 *
 * Stopping: when *opts.stop becomes non-zero (a SIGINT/SIGTERM handler sets it) every source
 * stops reading new data and closes its connections cleanly; records already received are
 * still handed out, then ch_stream_next returns CH_STREAM_END. Finite sources (standard input,
 * files without follow) end on their own, so a recorded stream replays to completion.
 *
 * Memory: per source, one read buffer growing to at most max_record plus a chunk, and for
 * network sources a queue of received messages bounded by max_buffered (reading from the
 * socket pauses above it, so a slow consumer slows the sender instead of growing memory) and
 * a ring of recently handed-out keys for duplicate suppression (1 MiB).
 *
 * Errors follow ch_input's style: ch_stream_next returns one of the CH_STREAM_* codes. A
 * source that fails (a read error, a server that refuses max_retries times) is reported
 * through the diagnostic callback and ends; the others go on. Only a failure of the loop
 * itself (out of memory) is CH_STREAM_ERROR.
 *
 * The library never prints: libwebsockets' own logging is switched off (it is process-wide);
 * connection events reach the caller through opts.diag.
 */
#ifndef CH_STREAM_H
#define CH_STREAM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every record is followed by this many readable bytes, so simdjson parses it in place. */
#define CH_STREAM_PADDING 64
/* Longest cursor string, NUL included. */
#define CH_STREAM_CURSOR_MAX 64

typedef struct ch_stream ch_stream;
typedef struct ch_source ch_source;
typedef struct ch_source_kind ch_source_kind;

typedef enum ch_stream_level {
    CH_STREAM_INFO = 0,  /* connected, rotated, caught up after a reconnect */
    CH_STREAM_WARN,      /* disconnected (retrying), a record skipped, a file truncated */
    CH_STREAM_FAIL       /* the source gave up and ended */
} ch_stream_level;

/* Diagnostics: `source` is the spec as given; `msg` is lowercase, without a full stop. */
typedef void (*ch_stream_diag_fn)(void *ctx, const char *source, ch_stream_level level,
                                  const char *msg);

typedef struct ch_stream_opts {
    bool follow;                 /* files are followed as they grow (tail -F) */
    unsigned poll_ms;            /* a followed file at its end is checked this often; 0 = 250 */
    size_t max_record;           /* longest record, bytes; 0 = 16 MiB; longer ones are skipped */
    size_t max_buffered;         /* per network source, received bytes not yet handed out
                                  * before reading pauses; 0 = 8 MiB */
    unsigned backoff_min_ms;     /* first reconnect delay, doubled per failure; 0 = 500 */
    unsigned backoff_max_ms;     /* largest reconnect delay; 0 = 30000 */
    unsigned max_retries;        /* failed connection attempts in a row before a network
                                  * source gives up; 0 = never */
    unsigned rewind_ms;          /* Jetstream: a reconnect asks for events this much older
                                  * than the newest handed out, because the server stamps
                                  * events slightly out of order; those already handed out
                                  * are dropped; 0 = 2000 */
    unsigned backfill_max;       /* Mastodon: statuses fetched over REST after a reconnect;
                                  * 0 = 2000 */
    bool no_backfill;            /* Mastodon: do not fetch missed statuses */
    const char *ca_file;         /* PEM CA certificates for wss://; NULL = the system's */
    const char *mastodon_token;  /* access token (see ch_stream_token_load), sent as
                                  * "Authorization: Bearer"; borrowed; NULL = none */
    const char *jetstream_dict;  /* Jetstream's zstd dictionary file, needed by sources
                                  * that ask for compress=true */
    int stdin_fd;                /* the descriptor `-` reads: 0 (tests pass a pipe) */
    bool offline;                /* tests and fuzzers: network sources never connect; their
                                  * messages come from ch_source_inject */
    const volatile sig_atomic_t *stop; /* clean stop when it becomes non-zero; may be NULL */
    ch_stream_diag_fn diag;      /* may be NULL */
    void *diag_ctx;
} ch_stream_opts;

typedef struct ch_stream_rec {
    const char *data;            /* one JSON text, not NUL-terminated, CH_STREAM_PADDING
                                  * readable bytes after data[len]; valid until the next
                                  * ch_stream_next or ch_stream_free */
    size_t len;
    ch_source *source;
    const char *cursor;          /* the source's cursor after this record (NUL-terminated) */
    uint64_t seq;                /* 1-based number of the record in its source, this run */
    uint64_t line;               /* line number in a file or standard input; 0 for network */
} ch_stream_rec;

enum {
    CH_STREAM_IDLE = 0,          /* the timeout passed with nothing to hand out */
    CH_STREAM_REC = 1,           /* *rec holds the next record */
    CH_STREAM_END = 2,           /* every source has ended (or stopped) */
    CH_STREAM_ERROR = -1         /* the loop failed (ch_stream_error says why); stop */
};

typedef enum ch_source_state {
    CH_SOURCE_READING = 0,       /* a file or standard input with data to read or waiting */
    CH_SOURCE_CONNECTING,
    CH_SOURCE_OPEN,              /* connected, receiving */
    CH_SOURCE_BACKOFF,           /* disconnected, waiting before the next attempt */
    CH_SOURCE_ENDED,             /* finished: end of input, stopped, or gave up (failed) */
} ch_source_state;

typedef struct ch_source_stats {
    ch_source_state state;
    bool failed;                 /* ended because of an error */
    uint64_t records;            /* handed out */
    uint64_t bytes;              /* of the records handed out */
    uint64_t skipped;            /* too long, malformed framing, or undecodable */
    uint64_t duplicates;         /* dropped: already handed out before a reconnect */
    uint64_t other_events;       /* Mastodon: events other than `update` (deletes, ...) */
    uint64_t deletes;            /* Mastodon: `delete` events (also in other_events) */
    uint64_t backfilled;         /* Mastodon: statuses handed out from the REST backfill */
    uint64_t connects;           /* connections established */
    uint64_t reconnects;         /* connection attempts after the first */
    uint64_t rotations;          /* followed file replaced by a new one (rename, re-create) */
    uint64_t truncations;        /* followed file shrank (copytruncate) */
    uint64_t partial_dropped;    /* incomplete last lines dropped (truncation, stop) */
} ch_source_stats;

/* Creates an empty stream. opts is copied; the strings it points to are borrowed and must
 * outlive the stream. Returns 0 or CHORUS_ENOMEM. */
int ch_stream_new(const ch_stream_opts *opts, ch_stream **out);

/* Opens the source named by `spec` (see the top of this file) and adds it; `cursor` is NULL or
 * a cursor an earlier run reported for the same spec. *out (may be NULL) receives the
 * source, owned by the stream. Network sources connect on the first ch_stream_next.
 * Returns 0, CHORUS_EUSAGE (unknown or malformed spec, bad cursor, `-` twice, compress=true
 * without a dictionary) or CHORUS_EIO (a file that cannot be opened, when not following),
 * CHORUS_ENOMEM, with a message in err. */
int ch_stream_add(ch_stream *s, const char *spec, const char *cursor, ch_source **out,
                  char *err, size_t errlen);

/* The next record of any source, waiting at most timeout_ms (-1: as long as it takes; 0:
 * only what is ready now). Sources take turns, one record each. */
int ch_stream_next(ch_stream *s, int timeout_ms, ch_stream_rec *rec);

/* Asks for a clean stop, as *opts.stop does. */
void ch_stream_stop(ch_stream *s);

/* Message of the last CH_STREAM_ERROR. */
const char *ch_stream_error(const ch_stream *s);

/* Closes every source and connection and frees the stream. NULL is fine. */
void ch_stream_free(ch_stream *s);

size_t ch_stream_nsources(const ch_stream *s);
ch_source *ch_stream_source(const ch_stream *s, size_t i);

const char *ch_source_spec(const ch_source *src);             /* as given to ch_stream_add */
const char *ch_source_kind_name(const ch_source *src);        /* "stdin", "file", ... */
/* The cursor after the last record handed out: "" before the first one (or the cursor given
 * to ch_stream_add). Valid until the next ch_stream_next. */
const char *ch_source_cursor(const ch_source *src);
void ch_source_stats_get(const ch_source *src, ch_source_stats *out);

/* Recent-event memory, for an exact resume across processes. The cursor alone resumes
 * "after the last record handed out"; for Jetstream, whose stamps arrive slightly out of
 * order, that can lose an event stamped before the cursor but not yet received (see
 * docs/internals/stream.md). ch_source_memory writes what the source would need besides the
 * cursor (Jetstream: the newest stamp handed out and the keys of the events handed out
 * within the rewind before it: at most the duplicate ring, 65,536 keys, about 34 bytes each)
 * as a NUL-terminated text into *out (the caller frees it with ch_free), or NULL when the
 * kind needs none or nothing was handed out. A checkpoint stores it beside the cursor.
 * ch_source_remember gives it back to a source just opened with that cursor, before the
 * first ch_stream_next: the source then asks the server for the events from the start of
 * that rewind and drops the ones it remembers, so nothing is lost or handed out twice.
 * Returns 0, CHORUS_ENOMEM, or (remember) CHORUS_EUSAGE for a text that is not this kind's
 * memory, with a message in err. */
int ch_source_memory(const ch_source *src, char **out);
int ch_source_remember(ch_source *src, const char *mem, char *err, size_t errlen);

/* Tests and fuzzers (with opts.offline): hands `data` to a network source as if it had been
 * received: a text or binary WebSocket message, or (Mastodon) the body of a REST timeline
 * page. Returns 0, or CHORUS_EUSAGE for a kind that takes no such input. */
enum { CH_INJECT_TEXT = 0, CH_INJECT_BINARY, CH_INJECT_PAGE };
int ch_source_inject(ch_source *src, int what, const void *data, size_t len);

/* Reads an access token: from the file `file` if not NULL (its first line, blank space
 * trimmed; a file readable by other users is refused, like ssh keys), else from the
 * environment variable `env` if set and not empty. *out is NULL when neither is given;
 * otherwise it is a NUL-terminated string the caller frees with ch_free. Returns 0,
 * CHORUS_EIO (unreadable or too open file) or CHORUS_EUSAGE (empty token), message in err. */
int ch_stream_token_load(const char *file, const char *env, char **out, char *err,
                         size_t errlen);

/* Monotonic milliseconds (CLOCK_MONOTONIC): the clock of every time in this module. */
int64_t ch_stream_now_ms(void);

/* The source table (one descriptor per src/stream/source_*.c). */
size_t ch_source_kind_count(void);
const ch_source_kind *ch_source_kind_at(size_t i);
/* The kind that takes `spec`, or NULL (a URL-looking spec no kind takes). */
const ch_source_kind *ch_source_kind_for(const char *spec);

#endif
