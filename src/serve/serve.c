/*
 * serve.c — `chorus serve`: the HTTP daemon over a results database (include/chorus.h
 * section 6; the routes are in docs/api.md, "HTTP API").
 *
 * libmicrohttpd runs a thread per connection, so that a server-sent event stream may wait on
 * its connection's thread without holding up the others; MHD_OPTION_CONNECTION_LIMIT bounds
 * the threads. Requests are small: headers are bounded by libmicrohttpd's per-connection
 * memory (32 KiB, larger headers get 431), bodies by max_body (413), and only GET, HEAD and
 * POST are answered (405 otherwise). Writing needs "Authorization: Bearer TOKEN", compared in
 * constant time; a server started without a token refuses every write (403).
 */
#include "serve/serve_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/alloc.h"
#include "core/error.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_CONNECTIONS 256
#define DEFAULT_MAX_BODY ((size_t)1 << 20)
#define DEFAULT_POLL_MS 1000
#define CONNECTION_TIMEOUT_S 60 /* an idle connection is closed after this */

void chorus_serve_opts_init(chorus_serve_opts *o)
{
    if (o)
        *o = (chorus_serve_opts){.listen = DEFAULT_LISTEN,
                                 .max_connections = DEFAULT_MAX_CONNECTIONS,
                                 .max_body = DEFAULT_MAX_BODY,
                                 .poll_ms = DEFAULT_POLL_MS};
}

/* ---- replies ------------------------------------------------------------------------------- */

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

enum MHD_Result ch_serve_reply(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *text, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    common_headers(r);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static void free_taken(void *p)
{
    ch_free(p);
}

enum MHD_Result ch_serve_reply_json(struct MHD_Connection *c, unsigned status, ch_jbuf *b)
{
    ch_jbuf_put(b, "\n");
    size_t len = b->len;
    char *text = ch_jbuf_take(b);
    if (!text)
        return ch_serve_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json",
                              "{\"error\": \"out of memory\"}\n", 26);
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback(len, text, free_taken);
    if (!r) {
        ch_free(text);
        return MHD_NO;
    }
    common_headers(r);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"chorus\"");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result ch_serve_reply_error(struct MHD_Connection *c, unsigned status,
                                     const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ch_jbuf b = {0};
    ch_jbuf_put(&b, "{\"error\": ");
    ch_jbuf_str(&b, msg);
    ch_jbuf_printf(&b, ", \"status\": %u}", status);
    return ch_serve_reply_json(c, status, &b);
}

unsigned ch_serve_status_of(chorus_err e)
{
    switch (e) {
    case CHORUS_OK: return MHD_HTTP_OK;
    case CHORUS_ENOTFOUND: return MHD_HTTP_NOT_FOUND;
    case CHORUS_EUSAGE:
    case CHORUS_EPARSE:
    case CHORUS_EFORMAT: return MHD_HTTP_BAD_REQUEST;
    case CHORUS_ELIMIT: return MHD_HTTP_CONTENT_TOO_LARGE;
    case CHORUS_EDB:
    case CHORUS_EIO: return MHD_HTTP_SERVICE_UNAVAILABLE; /* a watcher may be replacing it */
    default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

bool ch_serve_arg_u64(struct MHD_Connection *c, const char *name, uint64_t def, uint64_t max,
                      uint64_t *out)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    *out = def;
    if (!v)
        return true;
    if (!*v || strlen(v) > 19)
        return false;
    uint64_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    *out = n > max ? max : n;
    return true;
}

/* ---- the database, per connection thread ------------------------------------------------- */

typedef struct handle {
    chorus_results *r;
    char version[160];
} handle;

void ch_serve_results_drop(void *p)
{
    handle *h = p;
    if (h) {
        chorus_results_close(h->r);
        ch_free(h);
    }
}

chorus_results *ch_serve_results(chorus_server *s, chorus_error *err)
{
    handle *h = pthread_getspecific(s->handle_key);
    if (!h) {
        if (!(h = ch_calloc(1, sizeof *h)) || pthread_setspecific(s->handle_key, h) != 0) {
            ch_free(h);
            ch_error_set(err, CHORUS_ENOMEM, NULL, 0, "out of memory");
            return NULL;
        }
    }
    char v[sizeof h->version];
    ch_serve_db_version(s, v, sizeof v);
    if (h->r && strcmp(v, h->version) == 0)
        return h->r;
    chorus_results_close(h->r);
    h->r = NULL;
    if (chorus_results_open(s->db, &h->r, err) != CHORUS_OK)
        return NULL;
    snprintf(h->version, sizeof h->version, "%s", v);
    return h->r;
}

/* ---- requests ------------------------------------------------------------------------------ */

/* Constant-time comparison, so the time of a refusal says nothing of the token. */
static bool same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char d = (unsigned char)(na != nb);
    for (size_t i = 0; i < nb; i++)
        d |= (unsigned char)(a[i < na ? i : 0] ^ b[i]);
    return d == 0;
}

static enum MHD_Result authorize_then_post(chorus_server *s, struct MHD_Connection *c,
                                           const char *path, const ch_serve_req *r)
{
    if (!s->token)
        return ch_serve_reply_error(c, MHD_HTTP_FORBIDDEN,
                                    "this server is read-only (start it with --token-file)");
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncmp(h, "Bearer ", 7) != 0 || !same_secret(h + 7, s->token))
        return ch_serve_reply_error(c, MHD_HTTP_UNAUTHORIZED,
                                    "writing needs the server's token "
                                    "(Authorization: Bearer TOKEN)");
    if (r->too_big)
        return ch_serve_reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                    "request body over %zu bytes", s->max_body);
    return ch_serve_api_post(s, c, path, r);
}

static enum MHD_Result dispatch(chorus_server *s, struct MHD_Connection *c, const char *url,
                                const char *method, const ch_serve_req *r)
{
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
               strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (!get && !post)
        return ch_serve_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method %.32s not allowed",
                                    method);
    if (strncmp(url, "/api/", 5) == 0) {
        if (get && strcmp(url + 5, "events") == 0)
            return ch_serve_events(s, c);
        return get ? ch_serve_api_get(s, c, url + 5) : authorize_then_post(s, c, url + 5, r);
    }
    if (!get)
        return ch_serve_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET here");
    return ch_serve_page(s, c, url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    chorus_server *s = cls;
    ch_serve_req *r = *con_cls;
    if (!r) {
        if (!(r = ch_calloc(1, sizeof *r)))
            return MHD_NO;
        r->body.max = s->max_body + 1;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big && r->body.len + *upload_size <= s->max_body)
            ch_jbuf_putn(&r->body, upload, *upload_size);
        else
            r->too_big = true; /* keep reading so the answer reaches the client */
        *upload_size = 0;
        return MHD_YES;
    }
    atomic_fetch_add(&s->requests, 1);
    if (!ch_jbuf_ok(&r->body))
        return ch_serve_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    return dispatch(s, c, url, method, r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    ch_serve_req *r = *con_cls;
    if (r) {
        ch_jbuf_free(&r->body);
        ch_free(r);
        *con_cls = NULL;
    }
}

/* libmicrohttpd's own messages are not printed: the library never prints. */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls, (void)fmt, (void)ap;
}

/* ---- start and stop ------------------------------------------------------------------------ */

static chorus_err parse_listen(const char *spec, struct sockaddr_in *sa, chorus_error *err)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    const char *colon = spec ? strrchr(spec, ':') : NULL;
    char host[64];
    if (!colon || (size_t)(colon - spec) >= sizeof host)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0,
                            "listen address '%.200s' is not HOST:PORT", spec ? spec : "");
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port < 0 || port > 65535)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "bad port in '%.200s'", spec);
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0 || !host[0])
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0,
                            "listen host '%.63s' is not an IPv4 address or localhost", host);
    return CHORUS_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? ch_strndup(s, strlen(s)) : NULL;
}

chorus_err chorus_server_start(const char *db_path, const chorus_serve_opts *o,
                               chorus_server **out, chorus_error *err)
{
    if (!out || !db_path)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "no results database to serve");
    *out = NULL;
    chorus_serve_opts d;
    chorus_serve_opts_init(&d);
    if (!o)
        o = &d;
    struct sockaddr_in sa;
    chorus_err e = parse_listen(o->listen ? o->listen : DEFAULT_LISTEN, &sa, err);
    if (e)
        return e;
    if (o->token && strlen(o->token) < 16)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0,
                            "the token is too short (16 characters at least)");
    chorus_results *probe;
    if ((e = chorus_results_open(db_path, &probe, err)))
        return e;
    chorus_results_close(probe);

    chorus_server *s = ch_calloc(1, sizeof *s);
    if (!s)
        return ch_error_set(err, CHORUS_ENOMEM, NULL, 0, "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_key_create(&s->handle_key, ch_serve_results_drop) != 0) {
        pthread_mutex_destroy(&s->mu);
        ch_free(s);
        return ch_error_set(err, CHORUS_ENOMEM, NULL, 0, "out of thread keys");
    }
    s->has_key = true;
    s->db = dup_or_null(db_path);
    s->token = dup_or_null(o->token);
    s->statements_dir = dup_or_null(o->statements_dir);
    s->max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY;
    s->poll_ms = o->poll_ms ? o->poll_ms : DEFAULT_POLL_MS;
    if (!s->db || (o->token && !s->token) || (o->statements_dir && !s->statements_dir)) {
        chorus_server_stop(s);
        return ch_error_set(err, CHORUS_ENOMEM, NULL, 0, "out of memory");
    }
    unsigned limit = o->max_connections ? o->max_connections : DEFAULT_MAX_CONNECTIONS;
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0,
        NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
        MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        int errno_ = errno;
        chorus_server_stop(s);
        return ch_error_set(err, CHORUS_EIO, NULL, 0, "cannot listen on %s: %s",
                            o->listen ? o->listen : DEFAULT_LISTEN,
                            errno_ ? strerror(errno_) : "address in use or not available");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : ntohs(sa.sin_port);
    ch_error_clear(err);
    *out = s;
    return CHORUS_OK;
}

int chorus_server_port(const chorus_server *s)
{
    return s ? s->port : -1;
}

uint64_t chorus_server_requests(const chorus_server *s)
{
    return s ? atomic_load(&s->requests) : 0;
}

void chorus_server_stop(chorus_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true); /* event streams end at their next poll */
    if (s->daemon)
        MHD_stop_daemon(s->daemon); /* joins the connection threads: their handles are closed */
    if (s->has_key) {
        /* the calling thread may hold one too (a server stopped from a handler's thread never
         * does; one started and stopped by the same thread that also served does not exist) */
        ch_serve_results_drop(pthread_getspecific(s->handle_key));
        pthread_key_delete(s->handle_key);
    }
    ch_serve_live_free(s);
    pthread_mutex_destroy(&s->mu);
    ch_free(s->db);
    ch_free(s->token);
    ch_free(s->statements_dir);
    ch_free(s);
}
