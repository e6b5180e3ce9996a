/*
 * loop.h — the one place a stream waits: a libwebsockets context (created only when a source
 * needs the network) plus descriptors whose readability ends a wait (standard input).
 *
 * Without a context, ch_loop_wait is poll() over the watched descriptors (or a sleep). With
 * one, everything waits in lws: watched descriptors are adopted into it as raw files (a dup,
 * so lws never closes the caller's descriptor), and a timer bounds the wait. libwebsockets
 * 4.1 as built by Debian has no external-poll hooks, so this is how a socket and a pipe are
 * waited on together in one thread.
 *
 * Connections made on the context (ws.c, http.c) receive their lws callbacks through a
 * ch_loop_handler set as the wsi's opaque user data; the loop's protocol callback forwards
 * every callback of a wsi that has one.
 *
 * Not thread-safe: one thread uses a loop (and its stream) at a time.
 */
#ifndef CH_LOOP_H
#define CH_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

typedef struct ch_loop ch_loop;

/* First member of anything that receives lws callbacks for a wsi (set with
 * lws_set_opaque_user_data / connect info .opaque_user_data). Returns what the lws callback
 * returns (0, or -1 to close the connection). */
typedef struct ch_loop_handler {
    int (*cb)(struct ch_loop_handler *h, struct lws *wsi, enum lws_callback_reasons reason,
              void *in, size_t len);
} ch_loop_handler;

typedef struct ch_loop_opts {
    const char *ca_file;          /* PEM CA certificates for TLS clients; NULL = system */
    size_t max_fds;               /* connections the context may hold; 0 = 64 */
} ch_loop_opts;

int ch_loop_new(const ch_loop_opts *opts, ch_loop **out);
/* Destroys the lws context first (connections get their close callbacks while their owners
 * still exist), then the loop. NULL is fine. */
void ch_loop_free(ch_loop *l);

/* The lws context, created on first use. Returns 0 or CHORUS_EINTERNAL (lws refused: message
 * in err). */
int ch_loop_context(ch_loop *l, struct lws_context **ctx, char *err, size_t errlen);
/* The context if it exists, else NULL. */
struct lws_context *ch_loop_context_if(const ch_loop *l);

/* Readability of fd ends a wait. Returns 0 or CHORUS_ENOMEM. */
int ch_loop_watch_fd(ch_loop *l, int fd);
void ch_loop_unwatch_fd(ch_loop *l, int fd);

/* Waits until I/O happens (lws callbacks run inside) or the monotonic time deadline_ms
 * (ch_stream_now_ms clock) passes; returns at once (after servicing what is ready) when the
 * deadline is past. May return early: callers loop. A signal interrupts it. */
void ch_loop_wait(ch_loop *l, int64_t deadline_ms);

/* Services ready network I/O without waiting, at most once per `every_ms` (cheap otherwise):
 * lets connections make progress while another source keeps the loop busy. */
void ch_loop_service_if_due(ch_loop *l, int64_t now_ms, int every_ms);

#endif
