/*
 * serve_int.h — inside `chorus serve` (include/chorus.h section 6): the server, one request,
 * and what each part of the server provides to the others.
 *
 *   serve.c       the HTTP daemon (libmicrohttpd, a thread per connection), request bodies,
 *                 limits, routing and replies;
 *   serve_api.c   the JSON API: GET handlers over the read API (chorus_results_*), POST
 *                 handlers (token) over store/desk.h and the statements folder;
 *   serve_live.c  the live side: the dashboard page and its script, the report it embeds
 *                 (regenerated when the database changes), server-sent events.
 *
 * Every handler answers through ch_serve_reply* exactly once. Handlers run on the
 * connection's thread; what they share (the report cache) is behind the server's mutex.
 * Each request opens the database afresh, so a watcher's refreshes are seen at once.
 */
#ifndef CH_SERVE_INT_H
#define CH_SERVE_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "core/jbuf.h"

struct chorus_server {
    struct MHD_Daemon *daemon;
    char *db;                   /* the results database */
    char *token;                /* NULL: read-only */
    char *statements_dir;       /* NULL: adding statements refused */
    size_t max_body;
    unsigned poll_ms;
    int port;
    atomic_bool stopping;
    atomic_uint_fast64_t requests;
    pthread_key_t handle_key;   /* each connection thread's open database (ch_serve_results) */
    bool has_key;
    pthread_mutex_t mu;         /* guards the report cache below */
    char *report_dir;           /* private temporary folder for the report */
    char *report;               /* the report's HTML, NULL until first asked */
    size_t report_len;
    char report_version[160];   /* the database state it was made from */
};

/* One request: its body as it arrives. */
typedef struct ch_serve_req {
    ch_jbuf body;
    bool too_big;
} ch_serve_req;

/* ---- replies (serve.c) ---- */
/* Sends text (NUL-terminated, owned by the caller) with a content type. */
enum MHD_Result ch_serve_reply(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *text, size_t len);
/* Sends the buffer as JSON (taken over); a failed buffer becomes 500. */
enum MHD_Result ch_serve_reply_json(struct MHD_Connection *c, unsigned status, ch_jbuf *b);
/* {"error": message} with the status. */
enum MHD_Result ch_serve_reply_error(struct MHD_Connection *c, unsigned status,
                                     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The status that answers a library error (ENOTFOUND 404, EUSAGE 400, ...). */
unsigned ch_serve_status_of(chorus_err e);
/* A query parameter as an unsigned integer: def when absent, false when malformed. */
bool ch_serve_arg_u64(struct MHD_Connection *c, const char *name, uint64_t def,
                      uint64_t max, uint64_t *out);

/* The database opened for this connection's thread, reused while the file is unchanged
 * (keep-alive clients make many requests on one thread), opened again after a write; NULL
 * with err filled when it cannot be read. Closed when the thread ends. */
chorus_results *ch_serve_results(chorus_server *s, chorus_error *err);
void ch_serve_results_drop(void *handle);   /* the key's destructor */

/* ---- the API (serve_api.c) ---- */
/* GET /api/...; path is after "/api/". */
enum MHD_Result ch_serve_api_get(chorus_server *s, struct MHD_Connection *c, const char *path);
/* POST /api/... once the token was checked. */
enum MHD_Result ch_serve_api_post(chorus_server *s, struct MHD_Connection *c, const char *path,
                                  const ch_serve_req *r);
/* JSON of one alert (also the data of a server-sent "alert" event). */
void ch_serve_alert_json(ch_jbuf *b, const chorus_alert *a);

/* ---- live (serve_live.c) ---- */
enum MHD_Result ch_serve_page(chorus_server *s, struct MHD_Connection *c, const char *path);
enum MHD_Result ch_serve_events(chorus_server *s, struct MHD_Connection *c);
/* The database's state: changes whenever a writer commits (the file and its WAL). */
void ch_serve_db_version(const chorus_server *s, char *buf, size_t cap);
void ch_serve_live_free(chorus_server *s);

#endif
