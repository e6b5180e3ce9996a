/*
 * ws.h — a WebSocket client connection that stays up: it reconnects with exponential
 * backoff, reassembles messages, and queues them until the source takes them.
 *
 * The source kind (Jetstream, Mastodon) owns a ch_ws and drives it from its next():
 * ch_ws_poll starts a connection when one is due, ch_ws_pop takes the oldest message. All
 * network work happens in lws callbacks while the stream's loop waits or services.
 *
 * Hooks let the kind shape each connection: `path` writes the path and query of the next
 * attempt (Jetstream puts its cursor there), `opened` is told when one is established
 * (Mastodon starts its REST backfill then).
 *
 * Backoff: attempt k after a failure waits min(backoff_max, backoff_min * 2^(k-1)), with
 * ±20 % jitter so many clients do not reconnect in step. The count resets once a connection
 * has delivered a message or stayed up 30 s. After max_retries failures in a row (if set)
 * the connection gives up (ch_ws_failed).
 *
 * Liveness: lws pings a connection silent for 30 s and drops one silent for 75 s (no data,
 * no pong), which then reconnects like any other drop.
 *
 * Memory: messages up to max_record bytes (longer ones are skipped and counted); the queue
 * pauses reading from the socket above max_buffered bytes and resumes below half of it.
 */
#ifndef CH_WS_H
#define CH_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/source.h"
#include "stream/url.h"

typedef struct ch_ws ch_ws;

typedef struct ch_ws_hooks {
    /* Path and query for the next connection attempt, NUL-terminated into buf. */
    void (*path)(void *ctx, char *buf, size_t cap);
    /* A connection was established (may be NULL). */
    void (*opened)(void *ctx);
} ch_ws_hooks;

/* `bearer` (may be NULL) is sent as "Authorization: Bearer <bearer>"; borrowed. The URL is
 * copied. Returns 0 or CHORUS_ENOMEM. Nothing connects before the first ch_ws_poll. */
int ch_ws_new(ch_source *src, const ch_url *url, const ch_ws_hooks *hooks, void *hctx,
              const char *bearer, ch_ws **out);
/* Starts a connection if one is due. *wake_ms gets when to call again (INT64_MAX: I/O will
 * wake the loop). Returns 0 or CHORUS_EINTERNAL (no lws context: message in err). */
int ch_ws_poll(ch_ws *w, int64_t now_ms, int64_t *wake_ms, char *err, size_t errlen);
/* The oldest received message: valid until the loop services the network again (the next
 * ch_stream_next). `binary` tells a binary frame from text. */
bool ch_ws_pop(ch_ws *w, const char **msg, size_t *len, bool *binary);
/* Messages queued. */
size_t ch_ws_queued(const ch_ws *w);
/* True once the connection is gone for good: stopped (and closed) or given up. */
bool ch_ws_done(const ch_ws *w);
bool ch_ws_failed(const ch_ws *w);
/* Closes the connection cleanly (a close frame) and makes no new one. */
void ch_ws_stop(ch_ws *w);
/* Drops the current connection (as a network failure would): the next attempt follows the
 * backoff. For tests and for a kind that finds the stream unusable. */
void ch_ws_drop(ch_ws *w);
void ch_ws_free(ch_ws *w);
/* Queues a message as if received (opts.offline: tests and fuzzers). Returns 0 or
 * CHORUS_ELIMIT / CHORUS_ENOMEM. */
int ch_ws_inject(ch_ws *w, const void *data, size_t len, bool binary);

#endif
