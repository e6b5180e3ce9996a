/*
 * jsonl.h — the read loop every JSON-lines reader shares: lines from the input, byte-order
 * mark, blank lines, over-long lines, truncated streams, and malformed JSON are handled here
 * and reported through ch_ingest_reject; each well-formed document goes to the reader's
 * callback with its line number.
 */
#ifndef CH_JSONL_H
#define CH_JSONL_H

#include <stdint.h>

#include "core/json.h"
#include "ingest/reader.h"

/* Called for every parsed line; returns 0, or an error that stops the loop. The document
 * and every value in it are valid only during the call. */
typedef int (*ch_jsonl_fn)(void *arg, ch_json_val root, uint64_t line);

/* Reads ctx->in to the end (or until ctx->stop). *line is updated before each callback
 * (readers that report from deep inside keep a pointer to it). Returns 0, the callback's
 * error, CHORUS_EPARSE (strict) or CHORUS_ENOMEM. */
int ch_jsonl_each(ch_ingest_ctx *ctx, ch_jsonl_fn fn, void *arg, uint64_t *line);

#endif
