/*
 * url.c — URL splitting and query edits for connections (see url.h).
 */
#include "stream/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "stream/source.h"

int ch_url_parse(const char *url, ch_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    for (const char *p = url; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f) {
            ch_stream_errf(err, errlen, "URL '%s' has a space or a non-ASCII byte: "
                                        "percent-encode it", url);
            return CHORUS_EUSAGE;
        }
    }
    const char *rest;
    if (strncmp(url, "wss://", 6) == 0) {
        u->tls = u->ws = true;
        rest = url + 6;
    } else if (strncmp(url, "ws://", 5) == 0) {
        u->ws = true;
        rest = url + 5;
    } else if (strncmp(url, "https://", 8) == 0) {
        u->tls = true;
        rest = url + 8;
    } else if (strncmp(url, "http://", 7) == 0) {
        rest = url + 7;
    } else {
        ch_stream_errf(err, errlen, "URL '%s' does not start with wss:// or ws://", url);
        return CHORUS_EUSAGE;
    }
    size_t hl = strcspn(rest, "/?#");
    const char *tail = rest + hl;
    if (*tail == '#' || strchr(tail, '#')) {
        ch_stream_errf(err, errlen, "URL '%s' has a #fragment", url);
        return CHORUS_EUSAGE;
    }
    if (memchr(rest, '@', hl)) {
        ch_stream_errf(err, errlen, "URL '%s' carries credentials: give a token another way",
                       url);
        return CHORUS_EUSAGE;
    }
    const char *host = rest, *port = NULL;
    size_t host_len;
    if (hl > 0 && rest[0] == '[') {
        const char *close = memchr(rest, ']', hl);
        if (!close) {
            ch_stream_errf(err, errlen, "URL '%s' has an unclosed [IPv6] host", url);
            return CHORUS_EUSAGE;
        }
        host = rest + 1;
        host_len = (size_t)(close - host);
        if (close + 1 < rest + hl) {
            if (close[1] != ':') {
                ch_stream_errf(err, errlen, "URL '%s' has junk after its host", url);
                return CHORUS_EUSAGE;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(rest, ':', hl);
        host_len = colon ? (size_t)(colon - rest) : hl;
        if (colon)
            port = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof u->host) {
        ch_stream_errf(err, errlen, "URL '%s' has no host or too long a host", url);
        return CHORUS_EUSAGE;
    }
    memcpy(u->host, host, host_len);
    u->host[host_len] = '\0';
    if (port) {
        size_t pl = (size_t)(rest + hl - port);
        long v = 0;
        if (pl == 0 || pl > 5) {
            ch_stream_errf(err, errlen, "URL '%s' has a bad port", url);
            return CHORUS_EUSAGE;
        }
        for (size_t i = 0; i < pl; i++) {
            if (port[i] < '0' || port[i] > '9') {
                ch_stream_errf(err, errlen, "URL '%s' has a bad port", url);
                return CHORUS_EUSAGE;
            }
            v = v * 10 + (port[i] - '0');
        }
        if (v < 1 || v > 65535) {
            ch_stream_errf(err, errlen, "URL '%s' has a bad port", url);
            return CHORUS_EUSAGE;
        }
        u->port = (int)v;
    } else {
        u->port = u->tls ? 443 : 80;
        u->default_port = true;
    }
    int m = snprintf(u->path, sizeof u->path, "%s%s", *tail == '/' ? "" : "/", tail);
    if (m < 0 || (size_t)m >= sizeof u->path) {
        ch_stream_errf(err, errlen, "URL is longer than %d bytes", CH_URL_PATH_MAX);
        return CHORUS_EUSAGE;
    }
    return CHORUS_OK;
}

/* Calls fn for every parameter of the query; stops when it returns false. */
static void each_param(const char *pathq, bool (*fn)(void *, const char *, size_t, size_t),
                       void *ctx)
{
    const char *q = strchr(pathq, '?');
    if (!q)
        return;
    const char *p = q + 1;
    while (*p) {
        size_t n = strcspn(p, "&");
        size_t kl = strcspn(p, "=&");
        if (n > 0 && !fn(ctx, p, n, kl))
            return;
        p += n;
        if (*p == '&')
            p++;
    }
}

typedef struct get_ctx {
    const char *key;
    size_t klen;
    char *val;
    size_t cap;
    bool found, fits;
} get_ctx;

static bool get_one(void *vctx, const char *p, size_t n, size_t kl)
{
    get_ctx *g = vctx;
    if (kl != g->klen || memcmp(p, g->key, kl) != 0)
        return true;
    g->found = true;
    size_t vl = kl < n ? n - kl - 1 : 0;
    if (vl >= g->cap)
        return false;
    memcpy(g->val, p + (kl < n ? kl + 1 : n), vl);
    g->val[vl] = '\0';
    g->fits = true;
    return false;
}

bool ch_url_query_get(const char *pathq, const char *key, char *val, size_t cap)
{
    get_ctx g = {key, strlen(key), val, cap, false, false};
    if (cap == 0)
        return false;
    each_param(pathq, get_one, &g);
    return g.found && g.fits;
}

int ch_url_query_set(const char *pathq, const char *key, const char *val, char *out,
                     size_t cap)
{
    size_t klen = strlen(key);
    const char *q = strchr(pathq, '?');
    size_t base = q ? (size_t)(q - pathq) : strlen(pathq);
    size_t o = 0;
    bool first = true;
#define PUT(s, n)                                                                              \
    do {                                                                                       \
        if (o + (n) >= cap)                                                                    \
            return CHORUS_ELIMIT;                                                              \
        memcpy(out + o, (s), (n));                                                             \
        o += (n);                                                                              \
    } while (0)
    PUT(pathq, base);
    if (q) {
        const char *p = q + 1;
        while (*p) {
            size_t n = strcspn(p, "&");
            size_t kl = strcspn(p, "=&");
            if (n > 0 && !(kl == klen && memcmp(p, key, kl) == 0)) {
                PUT(first ? "?" : "&", 1);
                PUT(p, n);
                first = false;
            }
            p += n;
            if (*p == '&')
                p++;
        }
    }
    if (val) {
        PUT(first ? "?" : "&", 1);
        PUT(key, klen);
        PUT("=", 1);
        PUT(val, strlen(val));
    }
#undef PUT
    if (o >= cap)
        return CHORUS_ELIMIT;
    out[o] = '\0';
    return CHORUS_OK;
}
