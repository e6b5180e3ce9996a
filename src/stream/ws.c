/*
 * ws.c — a reconnecting WebSocket client with a message queue (see ws.h).
 */
#include "stream/ws.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"
#include "stream/fifo.h"
#include "stream/loop.h"

#define STABLE_MS 30000           /* a connection up this long resets the backoff */
#define CLOSE_GRACE_MS 2000       /* a clean close that takes longer is cut */

typedef enum ws_state {
    WS_IDLE = 0,                  /* never connected yet */
    WS_CONNECTING,
    WS_OPEN,
    WS_BACKOFF,
    WS_CLOSING,                   /* stop asked, close frame on its way */
    WS_DONE,                      /* stopped and closed */
    WS_FAILED                     /* gave up */
} ws_state;

struct ch_ws {
    ch_loop_handler h;            /* first: the wsi's opaque user data */
    ch_source *src;
    ch_url url;
    const ch_ws_hooks *hooks;
    void *hctx;
    char auth[4200];              /* "Bearer <token>", or "" */
    char host_hdr[CH_URL_HOST_MAX + 8];
    char path[CH_URL_PATH_MAX];
    struct lws *wsi;
    ws_state state;
    bool stopping;
    unsigned failures;            /* attempts in a row that did not last */
    uint64_t attempts;
    int64_t retry_at, close_deadline, opened_at;
    uint64_t msgs_this_conn;
    char last_problem[256];       /* why the last connection ended */
    /* message being reassembled */
    bool in_msg, msg_binary, msg_skip;
    char *msg;
    size_t msg_len, msg_cap;
    ch_fifo q;
    bool paused;
    uint64_t rng;
};

static const lws_retry_bo_t idle_policy = {
    .secs_since_valid_ping = 30,
    .secs_since_valid_hangup = 75,
};

static const ch_stream_opts *opts_of(const ch_ws *w)
{
    return ch_source_opts(w->src);
}

static unsigned backoff_ms(ch_ws *w)
{
    const ch_stream_opts *o = opts_of(w);
    uint64_t d = o->backoff_min_ms;
    for (unsigned i = 1; i < w->failures && d < o->backoff_max_ms; i++)
        d *= 2;
    if (d > o->backoff_max_ms)
        d = o->backoff_max_ms;
    w->rng = ch_mix64(w->rng + 0x9e3779b97f4a7c15ULL);
    /* ±20 % */
    int64_t j = (int64_t)(w->rng % 401) - 200;
    int64_t v = (int64_t)d + (int64_t)d * j / 1000;
    return v < 1 ? 1 : (unsigned)v;
}

/* The connection is gone (failed to open, or closed): decide what comes next. */
static void lost(ch_ws *w, const char *why)
{
    int64_t now = ch_stream_now_ms();
    bool was_open = w->state == WS_OPEN || w->state == WS_CLOSING;
    w->wsi = NULL;
    w->in_msg = false;
    w->paused = false;
    if (w->stopping) {
        w->state = WS_DONE;
        w->src->stats.state = CH_SOURCE_ENDED;
        return;
    }
    if (w->state == WS_BACKOFF || w->state == WS_DONE || w->state == WS_FAILED)
        return; /* already handled (lws reports some failures twice) */
    if (was_open && (w->msgs_this_conn > 0 || now - w->opened_at >= STABLE_MS))
        w->failures = 0;
    w->failures++;
    if (why && *why)
        snprintf(w->last_problem, sizeof w->last_problem, "%s", why);
    const ch_stream_opts *o = opts_of(w);
    if (o->max_retries && w->failures > o->max_retries) {
        w->state = WS_FAILED;
        w->src->stats.state = CH_SOURCE_ENDED;
        w->src->stats.failed = true;
        ch_source_diag(w->src, CH_STREAM_FAIL, "giving up after %u failed attempts (%s)",
                       w->failures, w->last_problem[0] ? w->last_problem : "no reason given");
        return;
    }
    unsigned d = backoff_ms(w);
    w->retry_at = now + d;
    w->state = WS_BACKOFF;
    w->src->stats.state = CH_SOURCE_BACKOFF;
    ch_source_diag(w->src, CH_STREAM_WARN, "%s (%s): reconnecting in %.1f s",
                   was_open ? "disconnected" : "cannot connect",
                   w->last_problem[0] ? w->last_problem : "no reason given", d / 1000.0);
}

static void queue_message(ch_ws *w, const void *data, size_t len, bool binary)
{
    int rc = ch_fifo_push(&w->q, data, len, binary ? 1u : 0u);
    if (rc) {
        /* Only if the peer ignored the paused socket for megabytes: say so, count it. */
        w->src->stats.skipped++;
        ch_source_diag(w->src, CH_STREAM_WARN, "receive queue full: a message was dropped");
        return;
    }
    w->msgs_this_conn++;
    if (!w->paused && w->wsi && ch_fifo_bytes(&w->q) > opts_of(w)->max_buffered) {
        lws_rx_flow_control(w->wsi, 0);
        w->paused = true;
    }
}

static void receive(ch_ws *w, struct lws *wsi, const void *in, size_t len)
{
    size_t max = opts_of(w)->max_record;
    bool final = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
    if (!w->in_msg) {
        w->in_msg = true;
        w->msg_binary = lws_frame_is_binary(wsi) != 0;
        w->msg_skip = false;
        w->msg_len = 0;
        if (final) {
            /* The whole message in one piece (the usual case): no reassembly copy. */
            w->in_msg = false;
            if (len > max) {
                w->src->stats.skipped++;
                ch_source_diag(w->src, CH_STREAM_WARN,
                               "message of %zu bytes is longer than %zu: skipped", len, max);
                return;
            }
            queue_message(w, in, len, w->msg_binary);
            return;
        }
    }
    if (!w->msg_skip) {
        if (w->msg_len + len > max) {
            w->msg_skip = true;
        } else {
            if (w->msg_len + len > w->msg_cap) {
                size_t ncap = w->msg_cap ? w->msg_cap : 64 * 1024;
                while (ncap < w->msg_len + len)
                    ncap *= 2;
                if (ncap > max)
                    ncap = max;
                char *nb = ch_realloc(w->msg, ncap);
                if (!nb) {
                    w->msg_skip = true;
                } else {
                    w->msg = nb;
                    w->msg_cap = ncap;
                }
            }
            if (!w->msg_skip) {
                memcpy(w->msg + w->msg_len, in, len);
                w->msg_len += len;
            }
        }
    }
    if (!final)
        return;
    w->in_msg = false;
    if (w->msg_skip) {
        w->src->stats.skipped++;
        ch_source_diag(w->src, CH_STREAM_WARN,
                       "message longer than %zu bytes (or out of memory): skipped", max);
        return;
    }
    queue_message(w, w->msg, w->msg_len, w->msg_binary);
}

static int ws_cb(ch_loop_handler *h, struct lws *wsi, enum lws_callback_reasons reason,
                 void *in, size_t len)
{
    ch_ws *w = (ch_ws *)h;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        if (w->auth[0]) {
            unsigned char **p = (unsigned char **)in, *end = (*p) + len;
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)"authorization:",
                                            (const unsigned char *)w->auth,
                                            (int)strlen(w->auth), p, end))
                return -1;
        }
        return 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (w->attempts > 1)
            w->src->stats.reconnects++;
        w->src->stats.connects++;
        w->state = WS_OPEN;
        w->src->stats.state = CH_SOURCE_OPEN;
        w->opened_at = ch_stream_now_ms();
        w->msgs_this_conn = 0;
        w->last_problem[0] = '\0';
        ch_source_diag(w->src, CH_STREAM_INFO, "connected to %s:%d", w->url.host, w->url.port);
        if (w->hooks->opened)
            w->hooks->opened(w->hctx);
        if (w->stopping)
            lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        receive(w, wsi, in, len);
        return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (in && len >= 2) {
            const unsigned char *b = in;
            unsigned code = (unsigned)b[0] << 8 | b[1];
            int rl = (int)(len - 2 > 120 ? 120 : len - 2);
            snprintf(w->last_problem, sizeof w->last_problem,
                     "server closed the connection: %u%s%.*s", code, rl ? " " : "", rl,
                     (const char *)b + 2);
        } else {
            snprintf(w->last_problem, sizeof w->last_problem, "server closed the connection");
        }
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (w->stopping) {
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"stop", 4);
            return -1;
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        char why[200];
        int status = (int)lws_http_client_http_response(wsi);
        if (status >= 300)
            snprintf(why, sizeof why, "HTTP %d%s%s", status, in ? ": " : "",
                     in ? (const char *)in : "");
        else if (in && strstr((const char *)in, "SSL"))
            snprintf(why, sizeof why, "TLS failed, is the certificate trusted and for this "
                                      "host name? %s", (const char *)in);
        else
            snprintf(why, sizeof why, "%s", in ? (const char *)in : "connection error");
        if (w->wsi == wsi || !w->wsi)
            lost(w, why);
        return 0;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (w->wsi == wsi)
            lost(w, w->last_problem[0] ? w->last_problem : "connection closed");
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        if (w->wsi == wsi)
            lost(w, w->last_problem[0] ? w->last_problem : "connection closed");
        lws_set_opaque_user_data(wsi, NULL);
        return 0;
    default:
        return 0;
    }
}

int ch_ws_new(ch_source *src, const ch_url *url, const ch_ws_hooks *hooks, void *hctx,
              const char *bearer, ch_ws **out)
{
    *out = NULL;
    ch_ws *w = ch_calloc(1, sizeof *w);
    if (!w)
        return CHORUS_ENOMEM;
    w->h.cb = ws_cb;
    w->src = src;
    w->url = *url;
    w->hooks = hooks;
    w->hctx = hctx;
    if (bearer && *bearer) {
        int m = snprintf(w->auth, sizeof w->auth, "Bearer %s", bearer);
        if (m < 0 || (size_t)m >= sizeof w->auth) {
            ch_free(w);
            return CHORUS_EUSAGE;
        }
    }
    if (url->default_port)
        snprintf(w->host_hdr, sizeof w->host_hdr, "%s", url->host);
    else
        snprintf(w->host_hdr, sizeof w->host_hdr, "%s:%d", url->host, url->port);
    const ch_stream_opts *o = ch_source_opts(src);
    ch_fifo_init(&w->q, o->max_buffered * 2 + o->max_record + (size_t)1024 * 1024);
    w->rng = (uint64_t)ch_stream_now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)w;
    src->stats.state = CH_SOURCE_CONNECTING;
    *out = w;
    return CHORUS_OK;
}

static int connect_now(ch_ws *w, char *err, size_t errlen)
{
    struct lws_context *ctx;
    int rc = ch_loop_context(ch_source_loop(w->src), &ctx, err, errlen);
    if (rc)
        return rc;
    w->hooks->path(w->hctx, w->path, sizeof w->path);
    struct lws_client_connect_info i;
    memset(&i, 0, sizeof i);
    i.context = ctx;
    i.address = w->url.host;
    i.port = w->url.port;
    i.ssl_connection = w->url.tls ? LCCSCF_USE_SSL : 0;
    i.path = w->path;
    i.host = w->host_hdr;
    i.origin = w->host_hdr;
    i.protocol = NULL;            /* servers here speak no sub-protocol */
    i.local_protocol_name = "chorus-stream";
    i.opaque_user_data = &w->h;
    i.retry_and_idle_policy = &idle_policy;
    i.pwsi = &w->wsi;
    w->attempts++;
    w->state = WS_CONNECTING;
    w->src->stats.state = CH_SOURCE_CONNECTING;
    w->in_msg = false;
    w->paused = false;
    if (!lws_client_connect_via_info(&i) && w->state == WS_CONNECTING) {
        w->wsi = NULL;
        lost(w, "cannot start the connection");
    }
    return CHORUS_OK;
}

int ch_ws_poll(ch_ws *w, int64_t now_ms, int64_t *wake_ms, char *err, size_t errlen)
{
    if (opts_of(w)->offline) {
        if (w->stopping)
            w->state = WS_DONE;
        return CHORUS_OK;
    }
    switch (w->state) {
    case WS_IDLE:
        if (w->stopping) {
            w->state = WS_DONE;
            return CHORUS_OK;
        }
        return connect_now(w, err, errlen);
    case WS_BACKOFF:
        if (now_ms >= w->retry_at)
            return connect_now(w, err, errlen);
        if (w->retry_at < *wake_ms)
            *wake_ms = w->retry_at;
        return CHORUS_OK;
    case WS_CLOSING:
        if (now_ms >= w->close_deadline && w->wsi) {
            lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
        } else if (w->close_deadline < *wake_ms) {
            *wake_ms = w->close_deadline;
        }
        return CHORUS_OK;
    default:
        return CHORUS_OK;
    }
}

bool ch_ws_pop(ch_ws *w, const char **msg, size_t *len, bool *binary)
{
    uint32_t flags = 0;
    if (!ch_fifo_pop(&w->q, msg, len, &flags))
        return false;
    *binary = flags & 1u;
    if (w->paused && w->wsi && ch_fifo_bytes(&w->q) < opts_of(w)->max_buffered / 2) {
        lws_rx_flow_control(w->wsi, 1);
        w->paused = false;
    }
    return true;
}

size_t ch_ws_queued(const ch_ws *w)
{
    return ch_fifo_count(&w->q);
}

bool ch_ws_done(const ch_ws *w)
{
    return w->state == WS_DONE || w->state == WS_FAILED;
}

bool ch_ws_failed(const ch_ws *w)
{
    return w->state == WS_FAILED;
}

void ch_ws_stop(ch_ws *w)
{
    if (w->stopping)
        return;
    w->stopping = true;
    switch (w->state) {
    case WS_OPEN:
        w->state = WS_CLOSING;
        w->close_deadline = ch_stream_now_ms() + CLOSE_GRACE_MS;
        lws_callback_on_writable(w->wsi);
        break;
    case WS_CONNECTING:
        w->state = WS_CLOSING;
        w->close_deadline = ch_stream_now_ms();
        if (w->wsi)
            lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
        break;
    case WS_IDLE:
    case WS_BACKOFF:
        w->state = WS_DONE;
        w->src->stats.state = CH_SOURCE_ENDED;
        break;
    default:
        break;
    }
}

void ch_ws_drop(ch_ws *w)
{
    if (w->wsi && (w->state == WS_OPEN || w->state == WS_CONNECTING)) {
        snprintf(w->last_problem, sizeof w->last_problem, "connection dropped");
        lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    }
}

void ch_ws_free(ch_ws *w)
{
    if (!w)
        return;
    if (w->wsi) {
        /* The stream frees its lws context before its sources, so this only happens when a
         * source is closed on its own: detach and let lws reap the connection. */
        lws_set_opaque_user_data(w->wsi, NULL);
        lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    }
    ch_fifo_free(&w->q);
    ch_free(w->msg);
    ch_free(w);
}

int ch_ws_inject(ch_ws *w, const void *data, size_t len, bool binary)
{
    if (len > opts_of(w)->max_record) {
        w->src->stats.skipped++;
        return CHORUS_OK;
    }
    int rc = ch_fifo_push(&w->q, data, len, binary ? 1u : 0u);
    return rc;
}
