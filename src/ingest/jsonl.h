/*
 * jsonl.h — the read loop every JSON reader shares: lines from the input, byte-order mark,
 * blank lines, over-long lines, truncated streams, and malformed JSON are handled here and
 * reported through ch_ingest_reject; each well-formed document goes to the reader's callback
 * with the number of its first line.
 *
 * A document is one line of JSON lines, or a JSON value spread over many lines (pretty-printed
 * responses, arrays of records): both read the same way, and may be mixed in one input. The
 * callback gets the document's root as it is: an object, or an array the reader walks.
 */
#ifndef CH_JSONL_H
#define CH_JSONL_H

#include <stdint.h>

#include "core/json.h"
#include "ingest/reader.h"

/* Largest document spread over many lines that is read (one line is bounded by the input's
 * line limit instead), and the bracket depth the framing follows. */
#define CH_JSONL_MAX_DOC ((size_t)512 * 1024 * 1024)
#define CH_JSONL_MAX_DEPTH 4096

/* The bracket depth of JSON text read so far, carried across calls (strings and escapes
 * followed, so brackets inside strings do not count). */
typedef struct ch_json_depth {
    int64_t depth;
    bool in_string, escape;
    bool broken;                  /* closed more than it opened: not JSON */
} ch_json_depth;

/* Follows s[0..n) and returns how many bytes were consumed: all of them, or (stop_at_zero)
 * up to and including the bracket that brings the depth back to zero. */
size_t ch_json_depth_scan(ch_json_depth *d, const char *s, size_t n, bool stop_at_zero);

/* Called for every parsed document; returns 0, or an error that stops the loop. The document
 * and every value in it are valid only during the call. */
typedef int (*ch_jsonl_fn)(void *arg, ch_json_val root, uint64_t line);

/* Reads ctx->in to the end (or until ctx->stop). *line is updated before each callback
 * (readers that report from deep inside keep a pointer to it). Returns 0, the callback's
 * error, CHORUS_EPARSE (strict) or CHORUS_ENOMEM. */
int ch_jsonl_each(ch_ingest_ctx *ctx, ch_jsonl_fn fn, void *arg, uint64_t *line);

/* A string value as a slice into the document, {NULL, 0} when v is not a string; valid while
 * the document is (during the callback). */
static inline ch_slice ch_jsonl_str(ch_json_val v)
{
    ch_slice s = {NULL, 0};
    ch_json_str(v, &s.p, &s.n);
    return s;
}

#endif
