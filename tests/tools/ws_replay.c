/*
 * ws_replay.c — a WebSocket server for the stream tests and benchmark: replays a JSON-lines
 * file as WebSocket text messages, speaking either Jetstream's or Mastodon's streaming
 * protocol, on 127.0.0.1 with an ephemeral port.
 *
 * usage: ws_replay --file F [options]
 *   --mode jetstream|mastodon  protocol (default jetstream)
 *   --port N                   listen port (default 0: the kernel picks one)
 *   --port-file P              write the port there once listening (tests wait for it)
 *   --rate N                   messages per second per connection (default 0: as fast as
 *                              the connection takes them)
 *   --drop-after N             drop each connection abruptly after it sent N messages...
 *   --drops K                  ...at most K times in all (default: no limit)
 *   --gap G                    mastodon: G statuses are "posted" while a dropped client is
 *                              away; only the REST timeline has them
 *   --token T                  require "Authorization: Bearer T" (stream and REST)
 *   --tls-cert C --tls-key K   serve wss:// / https://
 *   --dict D                   jetstream: zstd dictionary for clients asking compress=true
 *   --log F                    append one line per connection, drop and request to F
 *
 * Jetstream: GET /subscribe?...&cursor=T replays the file from its first line, skipping
 * events with time_us < T (the cursor parameter's meaning in Jetstream), then stays open
 * and idle. compress=true sends each event as a binary zstd frame made with --dict.
 *
 * Mastodon: GET /api/v1/streaming?stream=public (or hashtag&tag=X, ...) sends
 * {"stream":[...],"event":"update","payload":"<status JSON as a string>"} per status line;
 * a line that already is an event ({"event":...}, e.g. a delete) is sent as it is. The
 * server models a live instance: a status is "posted" when it is first sent, a new stream
 * connection starts at the first status not yet posted, and statuses posted while nobody
 * listened (--gap) are only in the REST timelines GET /api/v1/timelines/public and
 * /api/v1/timelines/tag/X, which answer min_id=ID&limit=N as Mastodon does: the N statuses
 * right after ID (by id), newest first.
 *
 * The file is mapped, not copied. Runs until killed (SIGTERM/SIGINT end it cleanly).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libwebsockets.h>
#include <zstd.h>

#include "core/json.h"

typedef struct line {
    const char *s;
    size_t n;
    int64_t time_us;              /* jetstream: INT64_MIN if none */
    char id[32];                  /* mastodon status id ("" for non-status events) */
    bool event;                   /* mastodon: the line is already an event */
} line;

static struct {
    line *lines;
    size_t n;
    bool mastodon;
    unsigned rate;
    long drop_after, drops_left;
    size_t gap;
    const char *token;
    ZSTD_CDict *cdict;
    ZSTD_CCtx *cctx;
    FILE *log;
    size_t next_post;             /* mastodon: first status not yet posted */
    unsigned conns;
} g;

static volatile sig_atomic_t g_stop;

typedef struct pss {
    struct lws *wsi;
    size_t pos;                   /* next line */
    long sent;
    int64_t cursor;
    bool compress, authorized, is_ws;
    unsigned conn;
    int64_t t0_us;
    lws_sorted_usec_list_t sul;
    char stream_name[64];
    unsigned char *out;           /* LWS_PRE + message */
    size_t out_cap;
    /* REST response */
    char *body;
    size_t body_len, body_sent;
} pss;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    if (!g.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g.log, fmt, ap);
    va_end(ap);
    fputc('\n', g.log);
    fflush(g.log);
}

/* Status ids are decimal strings of growing length: compare by length, then bytes. */
static int id_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int load(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "ws_replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    fstat(fd, &st);
    size_t size = (size_t)st.st_size;
    const char *data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
    close(fd);
    if (data == MAP_FAILED)
        return -1;
    size_t cap = 1024;
    g.lines = malloc(cap * sizeof *g.lines);
    ch_json_parser *p;
    ch_json_parser_new(0, &p);
    for (size_t i = 0; i < size;) {
        const char *nl = memchr(data + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
        if (n > 0 && data[i + n - 1] == '\r')
            n--;
        if (n > 0) {
            if (g.n == cap) {
                cap *= 2;
                g.lines = realloc(g.lines, cap * sizeof *g.lines);
            }
            line *l = &g.lines[g.n++];
            memset(l, 0, sizeof *l);
            l->s = data + i;
            l->n = n;
            l->time_us = INT64_MIN;
            ch_json_val root;
            if (ch_json_parse(p, l->s, n, false, &root, NULL) == CH_JSON_OK) {
                ch_json_int64(ch_json_get(root, "time_us"), &l->time_us);
                const char *id;
                size_t idn;
                if (ch_json_present(ch_json_get(root, "event")))
                    l->event = true;
                else if (ch_json_get_str(root, "id", &id, &idn) && idn < sizeof l->id)
                    memcpy(l->id, id, idn);
            }
        }
        i += (nl ? (size_t)(nl - (data + i)) + 1 : size - i);
    }
    ch_json_parser_free(p);
    return 0;
}

static bool reserve(pss *s, size_t n)
{
    if (LWS_PRE + n <= s->out_cap)
        return true;
    size_t cap = s->out_cap ? s->out_cap : 64 * 1024;
    while (cap < LWS_PRE + n)
        cap *= 2;
    unsigned char *nb = realloc(s->out, cap);
    if (!nb)
        return false;
    s->out = nb;
    s->out_cap = cap;
    return true;
}

/* {"stream":[NAME],"event":"update","payload":"<escaped line>"} into s->out + LWS_PRE. */
static size_t wrap_update(pss *s, const line *l)
{
    if (!reserve(s, l->n * 6 + 128 + sizeof s->stream_name))
        return 0;
    char *o = (char *)s->out + LWS_PRE;
    size_t k = (size_t)sprintf(o, "{\"stream\":[\"%s\"],\"event\":\"update\",\"payload\":\"",
                               s->stream_name);
    for (size_t i = 0; i < l->n; i++) {
        unsigned char c = (unsigned char)l->s[i];
        if (c == '"' || c == '\\') {
            o[k++] = '\\';
            o[k++] = (char)c;
        } else if (c < 0x20) {
            k += (size_t)sprintf(o + k, "\\u%04x", c);
        } else {
            o[k++] = (char)c;
        }
    }
    o[k++] = '"';
    o[k++] = '}';
    return k;
}

static void wake_cb(lws_sorted_usec_list_t *sul)
{
    pss *s = lws_container_of(sul, pss, sul);
    lws_callback_on_writable(s->wsi);
}

/* Next line this connection should send, or NULL at the end. */
static const line *next_line(pss *s)
{
    while (s->pos < g.n) {
        const line *l = &g.lines[s->pos];
        if (!g.mastodon && s->cursor != INT64_MIN && l->time_us != INT64_MIN &&
            l->time_us < s->cursor) {
            s->pos++;
            continue;
        }
        return l;
    }
    return NULL;
}

static int send_some(struct lws *wsi, pss *s)
{
    int budget = 256; /* per writable callback, so other connections get a turn */
    while (budget-- > 0) {
        if (g.drop_after > 0 && s->sent >= g.drop_after && g.drops_left != 0) {
            if (g.drops_left > 0)
                g.drops_left--;
            if (g.mastodon) {
                g.next_post = s->pos + g.gap < g.n ? s->pos + g.gap : g.n;
                logf_("drop conn=%u after=%ld gap_to=%zu", s->conn, s->sent, g.next_post);
            } else {
                logf_("drop conn=%u after=%ld", s->conn, s->sent);
            }
            return -1;
        }
        if (g.rate) {
            int64_t allowed = (lws_now_usecs() - s->t0_us) * (int64_t)g.rate / 1000000 + 1;
            if (s->sent >= allowed) {
                lws_sul_schedule(lws_get_context(wsi), 0, &s->sul, wake_cb,
                                 1000000 / g.rate + 1);
                return 0;
            }
        }
        const line *l = next_line(s);
        if (!l)
            return 0; /* at the end: stay open, idle */
        size_t n;
        enum lws_write_protocol kind = LWS_WRITE_TEXT;
        if (g.mastodon) {
            if (l->event) {
                if (!reserve(s, l->n))
                    return -1;
                memcpy(s->out + LWS_PRE, l->s, l->n);
                n = l->n;
            } else {
                n = wrap_update(s, l);
                if (!n)
                    return -1;
            }
            if (s->pos >= g.next_post)
                g.next_post = s->pos + 1;
        } else if (s->compress) {
            size_t bound = ZSTD_compressBound(l->n);
            if (!reserve(s, bound))
                return -1;
            size_t r = ZSTD_compress_usingCDict(g.cctx, s->out + LWS_PRE, bound, l->s, l->n,
                                                g.cdict);
            if (ZSTD_isError(r))
                return -1;
            n = r;
            kind = LWS_WRITE_BINARY;
        } else {
            if (!reserve(s, l->n))
                return -1;
            memcpy(s->out + LWS_PRE, l->s, l->n);
            n = l->n;
        }
        if (lws_write(wsi, s->out + LWS_PRE, n, kind) < (int)n)
            return -1;
        s->pos++;
        s->sent++;
        if (lws_send_pipe_choked(wsi))
            break;
    }
    lws_callback_on_writable(wsi);
    return 0;
}

/* Mastodon REST timeline page: statuses posted so far with id > min_id, the `limit` oldest
 * of them, newest first. */
static int rest_page(pss *s, const char *min_id, long limit)
{
    size_t *pick = malloc((size_t)limit * sizeof *pick);
    size_t np = 0;
    for (size_t i = 0; i < g.next_post && i < g.n && np < (size_t)limit; i++) {
        const line *l = &g.lines[i];
        if (!l->id[0])
            continue;
        if (min_id[0] && id_cmp(l->id, min_id) <= 0)
            continue;
        pick[np++] = i; /* the file is in id order: the first ones are the oldest */
    }
    size_t cap = 2;
    for (size_t k = 0; k < np; k++)
        cap += g.lines[pick[k]].n + 1;
    s->body = malloc(cap + 1);
    size_t o = 0;
    s->body[o++] = '[';
    for (size_t k = np; k-- > 0;) {
        const line *l = &g.lines[pick[k]];
        memcpy(s->body + o, l->s, l->n);
        o += l->n;
        if (k > 0)
            s->body[o++] = ',';
    }
    s->body[o++] = ']';
    s->body_len = o;
    s->body_sent = 0;
    free(pick);
    logf_("rest min_id=%s limit=%ld -> %zu", min_id, limit, np);
    return 0;
}

static bool check_token(struct lws *wsi)
{
    if (!g.token)
        return true;
    char buf[512], want[512];
    if (lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
        return false;
    snprintf(want, sizeof want, "Bearer %s", g.token);
    return strcmp(buf, want) == 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    pss *s = user;
    char arg[128];
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        memset(s, 0, sizeof *s);
        s->wsi = wsi;
        s->is_ws = true;
        s->cursor = INT64_MIN;
        if (!check_token(wsi)) {
            logf_("refused: bad or missing token");
            return 1;
        }
        if (lws_get_urlarg_by_name(wsi, "cursor=", arg, sizeof arg))
            s->cursor = strtoll(lws_get_urlarg_by_name(wsi, "cursor=", arg, sizeof arg), NULL, 10);
        if (lws_get_urlarg_by_name(wsi, "compress=", arg, sizeof arg)) {
            const char *v = lws_get_urlarg_by_name(wsi, "compress=", arg, sizeof arg);
            s->compress = strcmp(v, "true") == 0;
            if (s->compress && !g.cdict) {
                logf_("refused: compress=true without --dict");
                return 1;
            }
        }
        snprintf(s->stream_name, sizeof s->stream_name, "public");
        if (lws_get_urlarg_by_name(wsi, "stream=", arg, sizeof arg)) {
            const char *v = lws_get_urlarg_by_name(wsi, "stream=", arg, sizeof arg);
            snprintf(s->stream_name, sizeof s->stream_name, "%.60s", v);
        }
        return 0;
    case LWS_CALLBACK_ESTABLISHED:
        s->conn = ++g.conns;
        s->t0_us = lws_now_usecs();
        s->pos = g.mastodon ? g.next_post : 0;
        if (s->cursor != INT64_MIN)
            logf_("connect conn=%u cursor=%" PRId64, s->conn, s->cursor);
        else
            logf_("connect conn=%u cursor=none start=%zu", s->conn, s->pos);
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return send_some(wsi, s);
    case LWS_CALLBACK_RECEIVE:
        return 0;
    case LWS_CALLBACK_CLOSED:
        lws_sul_cancel(&s->sul);
        free(s->out);
        s->out = NULL;
        return 0;
    case LWS_CALLBACK_HTTP: {
        const char *uri = in;
        memset(s, 0, sizeof *s);
        s->wsi = wsi;
        unsigned char hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *p = start,
                                         *end = hdr + sizeof hdr - 1;
        if (!g.mastodon || (strcmp(uri, "/api/v1/timelines/public") != 0 &&
                            strncmp(uri, "/api/v1/timelines/tag/", 22) != 0)) {
            lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
            return -1;
        }
        if (!check_token(wsi)) {
            logf_("rest refused: bad or missing token");
            lws_return_http_status(wsi, HTTP_STATUS_UNAUTHORIZED, NULL);
            return -1;
        }
        char min_id[40] = "";
        long limit = 20;
        const char *v = lws_get_urlarg_by_name(wsi, "min_id=", arg, sizeof arg);
        if (v)
            snprintf(min_id, sizeof min_id, "%s", v);
        v = lws_get_urlarg_by_name(wsi, "limit=", arg, sizeof arg);
        if (v)
            limit = strtol(v, NULL, 10);
        if (limit < 1)
            limit = 1;
        if (limit > 40)
            limit = 40;
        rest_page(s, min_id, limit);
        if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "application/json",
                                        (lws_filepos_t)s->body_len, &p, end) ||
            lws_finalize_write_http_header(wsi, start, &p, end))
            return 1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (!s->body)
            return 0;
        size_t chunk = s->body_len - s->body_sent;
        if (chunk > 16384)
            chunk = 16384;
        if (!reserve(s, chunk))
            return -1;
        memcpy(s->out + LWS_PRE, s->body + s->body_sent, chunk);
        bool last = s->body_sent + chunk == s->body_len;
        if (lws_write(wsi, s->out + LWS_PRE, chunk,
                      last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
            return 1;
        s->body_sent += chunk;
        if (!last) {
            lws_callback_on_writable(wsi);
            return 0;
        }
        free(s->body);
        s->body = NULL;
        free(s->out);
        s->out = NULL;
        s->out_cap = 0;
        if (lws_http_transaction_completed(wsi))
            return -1;
        return 0;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
        free(s->body);
        s->body = NULL;
        free(s->out);
        s->out = NULL;
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
    {"replay", callback, sizeof(pss), 64 * 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: ws_replay --file F [--mode jetstream|mastodon] [--port N] "
                    "[--port-file P] [--rate N] [--drop-after N] [--drops K] [--gap G] "
                    "[--token T] [--tls-cert C --tls-key K] [--dict D] [--log F]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *file = NULL, *port_file = NULL, *cert = NULL, *key = NULL, *dict = NULL,
               *logp = NULL;
    int port = 0;
    g.drops_left = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--file") == 0) file = v;
        else if (strcmp(a, "--mode") == 0) g.mastodon = strcmp(v, "mastodon") == 0;
        else if (strcmp(a, "--port") == 0) port = atoi(v);
        else if (strcmp(a, "--port-file") == 0) port_file = v;
        else if (strcmp(a, "--rate") == 0) g.rate = (unsigned)atoi(v);
        else if (strcmp(a, "--drop-after") == 0) g.drop_after = atol(v);
        else if (strcmp(a, "--drops") == 0) g.drops_left = atol(v);
        else if (strcmp(a, "--gap") == 0) g.gap = (size_t)atol(v);
        else if (strcmp(a, "--token") == 0) g.token = v;
        else if (strcmp(a, "--tls-cert") == 0) cert = v;
        else if (strcmp(a, "--tls-key") == 0) key = v;
        else if (strcmp(a, "--dict") == 0) dict = v;
        else if (strcmp(a, "--log") == 0) logp = v;
        else return usage();
    }
    if (!file || load(file))
        return usage();
    if (logp)
        g.log = fopen(logp, "a");
    if (dict) {
        FILE *f = fopen(dict, "rb");
        if (!f)
            return usage();
        static char buf[4 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        g.cdict = ZSTD_createCDict(buf, n, 3);
        g.cctx = ZSTD_createCCtx();
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = "127.0.0.1";
    info.protocols = protocols;
    info.fd_limit_per_thread = 256;
    if (cert) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = cert;
        info.ssl_private_key_filepath = key;
    }
    struct lws_context *ctx = lws_create_context(&info);
    if (!ctx) {
        fprintf(stderr, "ws_replay: cannot start the server\n");
        return 1;
    }
    int real_port = lws_get_vhost_listen_port(lws_get_vhost_by_name(ctx, "default"));
    if (port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f)
            return 1;
        fprintf(f, "%d\n", real_port);
        fclose(f);
        rename(tmp, port_file); /* appears complete or not at all */
    } else {
        printf("%d\n", real_port);
        fflush(stdout);
    }
    while (!g_stop && lws_service(ctx, 0) >= 0)
        ;
    lws_context_destroy(ctx);
    ZSTD_freeCDict(g.cdict);
    ZSTD_freeCCtx(g.cctx);
    free(g.lines);
    if (g.log)
        fclose(g.log);
    return 0;
}
