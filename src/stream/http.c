/*
 * http.c — one HTTP GET on the stream's lws loop (see http.h).
 */
#include "stream/http.h"

#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/loop.h"

struct ch_http {
    ch_loop_handler h;            /* first: the wsi's opaque user data */
    struct lws *wsi;
    char auth[4200];
    char host_hdr[CH_URL_HOST_MAX + 8];
    char path[CH_URL_PATH_MAX];
    int status;
    bool done, complete;
    char *body;
    size_t len, cap, max;
    char err[200];
};

static void fail(ch_http *h, const char *why)
{
    if (h->done)
        return;
    h->done = true;
    snprintf(h->err, sizeof h->err, "%s", why);
}

static int http_cb(ch_loop_handler *lh, struct lws *wsi, enum lws_callback_reasons reason,
                   void *in, size_t len)
{
    ch_http *h = (ch_http *)lh;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = (unsigned char **)in, *end = (*p) + len;
        static const char accept[] = "application/json";
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"accept:",
                                        (const unsigned char *)accept, (int)sizeof accept - 1,
                                        p, end))
            return -1;
        if (h->auth[0] &&
            lws_add_http_header_by_name(wsi, (const unsigned char *)"authorization:",
                                        (const unsigned char *)h->auth, (int)strlen(h->auth), p,
                                        end))
            return -1;
        return 0;
    }
    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        h->status = (int)lws_http_client_http_response(wsi);
        return 0;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
        char buf[LWS_PRE + 4096];
        char *px = buf + LWS_PRE;
        int lenx = (int)sizeof buf - LWS_PRE;
        if (lws_http_client_read(wsi, &px, &lenx) < 0)
            return -1;
        return 0;
    }
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        if (h->done)
            return -1;
        if (h->len + len > h->max) {
            fail(h, "response larger than the record limit");
            return -1;
        }
        if (h->len + len + CH_STREAM_PADDING + 1 > h->cap) {
            size_t ncap = h->cap ? h->cap : 64 * 1024;
            while (ncap < h->len + len + CH_STREAM_PADDING + 1)
                ncap *= 2;
            char *nb = ch_realloc(h->body, ncap);
            if (!nb) {
                fail(h, "out of memory");
                return -1;
            }
            h->body = nb;
            h->cap = ncap;
        }
        memcpy(h->body + h->len, in, len);
        h->len += len;
        return 0;
    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        if (!h->done) {
            h->complete = true;
            h->done = true;
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        fail(h, in ? (const char *)in : "connection error");
        return 0;
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        fail(h, "connection closed before the response ended");
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        if (h->wsi == wsi)
            h->wsi = NULL;
        fail(h, "connection closed before the response ended");
        lws_set_opaque_user_data(wsi, NULL);
        return 0;
    default:
        return 0;
    }
}

int ch_http_get(ch_source *src, const ch_url *url, const char *pathq, const char *bearer,
                size_t max_body, ch_http **out, char *err, size_t errlen)
{
    *out = NULL;
    struct lws_context *ctx;
    int rc = ch_loop_context(ch_source_loop(src), &ctx, err, errlen);
    if (rc)
        return rc;
    ch_http *h = ch_calloc(1, sizeof *h);
    if (!h)
        return CHORUS_ENOMEM;
    h->h.cb = http_cb;
    h->max = max_body;
    if (bearer && *bearer)
        snprintf(h->auth, sizeof h->auth, "Bearer %s", bearer);
    if (url->default_port)
        snprintf(h->host_hdr, sizeof h->host_hdr, "%s", url->host);
    else
        snprintf(h->host_hdr, sizeof h->host_hdr, "%s:%d", url->host, url->port);
    snprintf(h->path, sizeof h->path, "%s", pathq);
    struct lws_client_connect_info i;
    memset(&i, 0, sizeof i);
    i.context = ctx;
    i.address = url->host;
    i.port = url->port;
    /* A redirect would carry the token to wherever it points: not followed. */
    i.ssl_connection = (url->tls ? LCCSCF_USE_SSL : 0) | LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
    i.path = h->path;
    i.host = h->host_hdr;
    i.origin = h->host_hdr;
    i.method = "GET";
    i.alpn = "http/1.1";
    i.local_protocol_name = "chorus-stream";
    i.opaque_user_data = &h->h;
    i.pwsi = &h->wsi;
    if (!lws_client_connect_via_info(&i))
        fail(h, "cannot start the connection");
    *out = h;
    return CHORUS_OK;
}

bool ch_http_done(const ch_http *h)
{
    return h->done;
}

int ch_http_status(const ch_http *h)
{
    return h->status;
}

const char *ch_http_body(const ch_http *h, size_t *len)
{
    if (!h->complete)
        return NULL;
    if (!h->body) {
        static const char empty[CH_STREAM_PADDING + 1] = {0};
        *len = 0;
        return empty;
    }
    memset(h->body + h->len, 0, CH_STREAM_PADDING + 1 <= h->cap - h->len
                                    ? CH_STREAM_PADDING + 1
                                    : h->cap - h->len);
    *len = h->len;
    return h->body;
}

const char *ch_http_error(const ch_http *h)
{
    return h->complete ? "" : h->err;
}

void ch_http_free(ch_http *h)
{
    if (!h)
        return;
    if (h->wsi) {
        lws_set_opaque_user_data(h->wsi, NULL);
        lws_set_timeout(h->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    }
    ch_free(h->body);
    ch_free(h);
}
