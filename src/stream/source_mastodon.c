/*
 * source_mastodon.c — Mastodon streaming over WebSocket: the statuses of a public, local or
 * hashtag timeline as they are posted.
 *
 * Spec: mastodon:wss://HOST/api/v1/streaming?stream=public (public:local, public:remote,
 * public:media, ...), ?stream=hashtag&tag=X (hashtag:local), ?stream=user (needs a token),
 * ?stream=list&list=ID. The access token (opts.mastodon_token, from a file or an environment
 * variable: never the command line) is sent as "Authorization: Bearer".
 *
 * Messages: {"stream":[...],"event":"update","payload":"<status JSON as a string>"}. The
 * source hands out the payload of each `update` (the status JSON, unescaped); `delete` and
 * the other events (status.update, notification, filters_changed, ...) are counted and
 * dropped.
 *
 * Reconnects: Mastodon's streaming API cannot replay, so statuses posted while the source
 * was disconnected are fetched from the REST timeline that matches the stream
 * (/api/v1/timelines/public[?local=true|remote=true|only_media=true], /timelines/tag/X,
 * /timelines/home, /timelines/list/ID) with min_id = the last status handed out, 40 per
 * page, oldest first, up to backfill_max statuses. While that runs, the new stream's messages
 * wait in the receive queue; they are handed out after the backfill, and statuses seen twice
 * (by id, over both paths) only once. The REST calls go to the streaming host, except that a
 * host named streaming.X uses X (as mastodon.social does); `rest_base=https://HOST` in the
 * spec's query names it explicitly (it is not sent to the server). A backfill is best effort:
 * a failed or capped one is reported, and a remote status that arrives late with an older id
 * can be missed by min_id paging.
 *
 * Cursor: the id of the last status handed out. Given back to ch_stream_add, the first
 * connection is followed by a backfill from that id.
 */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "stream/dedupe.h"
#include "stream/fifo.h"
#include "stream/http.h"
#include "stream/source.h"
#include "stream/url.h"
#include "stream/ws.h"

#define PAGE 40
#define ID_MAX 48

typedef enum bf_state { BF_NONE = 0, BF_WANTED, BF_RUNNING } bf_state;

typedef struct masto {
    ch_source *src;
    ch_ws *ws;
    ch_url url;                   /* streaming endpoint (rest_base removed) */
    ch_url rest;                  /* REST host */
    char rest_path[CH_URL_PATH_MAX]; /* timeline path and query, "" = no backfill */
    char stream_name[64];
    ch_dedupe seen;
    ch_json_parser *jp;
    char last_id[ID_MAX];         /* last status handed out */
    bf_state bf;
    char page_min[ID_MAX];
    unsigned fetched;             /* statuses fetched by the current backfill */
    bool connected_once;
    ch_http *http;
    ch_fifo backlog;              /* fetched statuses, oldest first */
    char *rec;                    /* payload handed out, + padding */
    size_t rec_cap;
    uint64_t bad_reported;
    char cursor[CH_STREAM_CURSOR_MAX];
} masto;

static void masto_path(void *ctx, char *buf, size_t cap)
{
    masto *m = ctx;
    snprintf(buf, cap, "%s", m->url.path);
}

static void masto_opened(void *ctx)
{
    masto *m = ctx;
    const ch_stream_opts *o = ch_source_opts(m->src);
    bool reconnect = m->connected_once;
    m->connected_once = true;
    if (!m->last_id[0] || o->no_backfill)
        return;
    if (m->bf != BF_NONE)
        return; /* a backfill still running pages on past this gap too */
    if (!m->rest_path[0]) {
        ch_source_diag(m->src, CH_STREAM_WARN,
                       "%s: stream=%s has no REST timeline to fetch missed statuses from",
                       reconnect ? "reconnected" : "resumed", m->stream_name);
        return;
    }
    m->bf = BF_WANTED;
    m->fetched = 0;
    snprintf(m->page_min, sizeof m->page_min, "%s", m->last_id);
}

static const ch_ws_hooks masto_hooks = {.path = masto_path, .opened = masto_opened};

/* The REST timeline matching the stream, or "" when there is none. */
static int timeline_for(masto *m, char *err, size_t errlen)
{
    char prefix[CH_URL_PATH_MAX];
    const char *path = m->url.path;
    const char *api = strstr(path, "/api/v1/streaming");
    size_t pl = api ? (size_t)(api - path) : 0;
    memcpy(prefix, path, pl);
    prefix[pl] = '\0';
    const char *s = m->stream_name;
    char arg[256];
    const char *flags = "";
    int n = 0;
    if (strcmp(s, "public") == 0) {
        flags = "";
    } else if (strcmp(s, "public:local") == 0) {
        flags = "?local=true";
    } else if (strcmp(s, "public:remote") == 0) {
        flags = "?remote=true";
    } else if (strcmp(s, "public:media") == 0) {
        flags = "?only_media=true";
    } else if (strcmp(s, "public:local:media") == 0) {
        flags = "?local=true&only_media=true";
    } else if (strcmp(s, "public:remote:media") == 0) {
        flags = "?remote=true&only_media=true";
    } else if (strcmp(s, "hashtag") == 0 || strcmp(s, "hashtag:local") == 0) {
        if (!ch_url_query_get(path, "tag", arg, sizeof arg) || !arg[0]) {
            ch_stream_errf(err, errlen, "mastodon: stream=%s needs tag=NAME", s);
            return CHORUS_EUSAGE;
        }
        n = snprintf(m->rest_path, sizeof m->rest_path, "%s/api/v1/timelines/tag/%s%s", prefix,
                     arg, strcmp(s, "hashtag:local") == 0 ? "?local=true" : "");
        return n > 0 && (size_t)n < sizeof m->rest_path ? CHORUS_OK : CHORUS_EUSAGE;
    } else if (strcmp(s, "user") == 0) {
        n = snprintf(m->rest_path, sizeof m->rest_path, "%s/api/v1/timelines/home", prefix);
        return n > 0 && (size_t)n < sizeof m->rest_path ? CHORUS_OK : CHORUS_EUSAGE;
    } else if (strcmp(s, "list") == 0) {
        if (!ch_url_query_get(path, "list", arg, sizeof arg) || !arg[0]) {
            ch_stream_errf(err, errlen, "mastodon: stream=list needs list=ID");
            return CHORUS_EUSAGE;
        }
        n = snprintf(m->rest_path, sizeof m->rest_path, "%s/api/v1/timelines/list/%s", prefix,
                     arg);
        return n > 0 && (size_t)n < sizeof m->rest_path ? CHORUS_OK : CHORUS_EUSAGE;
    } else {
        m->rest_path[0] = '\0'; /* user:notification, direct, ...: no timeline */
        return CHORUS_OK;
    }
    n = snprintf(m->rest_path, sizeof m->rest_path, "%s/api/v1/timelines/public%s", prefix,
                 flags);
    return n > 0 && (size_t)n < sizeof m->rest_path ? CHORUS_OK : CHORUS_EUSAGE;
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n >= ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static int masto_open(ch_source *src, const char *target, const char *cursor, char *err,
                      size_t errlen)
{
    masto *m = ch_calloc(1, sizeof *m);
    if (!m)
        return CHORUS_ENOMEM;
    src->impl = m;
    m->src = src;
    ch_fifo_init(&m->backlog, (size_t)64 * 1024 * 1024);
    int rc = ch_url_parse(target, &m->url, err, errlen);
    if (rc)
        return rc;
    if (!m->url.ws) {
        ch_stream_errf(err, errlen, "mastodon: wants a wss:// or ws:// URL, not '%s'", target);
        return CHORUS_EUSAGE;
    }
    if (!strstr(m->url.path, "/api/v1/streaming")) {
        ch_stream_errf(err, errlen, "mastodon: the URL should be the streaming endpoint "
                                    "(wss://HOST/api/v1/streaming?stream=...)");
        return CHORUS_EUSAGE;
    }
    if (!ch_url_query_get(m->url.path, "stream", m->stream_name, sizeof m->stream_name) ||
        !m->stream_name[0]) {
        ch_stream_errf(err, errlen, "mastodon: say which stream: ?stream=public, "
                                    "?stream=hashtag&tag=NAME, ...");
        return CHORUS_EUSAGE;
    }
    char scratch[8];
    if (ch_url_query_get(m->url.path, "access_token", scratch, sizeof scratch) ||
        strstr(m->url.path, "access_token=")) {
        ch_stream_errf(err, errlen, "mastodon: an access_token in the URL would show in process "
                                    "lists and logs: give it in a file or an environment "
                                    "variable instead");
        return CHORUS_EUSAGE;
    }
    /* REST host: rest_base=..., else the streaming host (minus a "streaming." label). */
    char base[CH_URL_HOST_MAX + 16];
    if (ch_url_query_get(m->url.path, "rest_base", base, sizeof base)) {
        rc = ch_url_parse(base, &m->rest, err, errlen);
        if (rc)
            return rc;
        char tmp[CH_URL_PATH_MAX];
        if (ch_url_query_set(m->url.path, "rest_base", NULL, tmp, sizeof tmp))
            return CHORUS_EUSAGE;
        memcpy(m->url.path, tmp, sizeof tmp);
    } else {
        m->rest = m->url;
        m->rest.ws = false;
        if (strncmp(m->rest.host, "streaming.", 10) == 0 && m->rest.host[10])
            memmove(m->rest.host, m->rest.host + 10, strlen(m->rest.host + 10) + 1);
    }
    rc = timeline_for(m, err, errlen);
    if (rc) {
        if (err && !err[0])
            ch_stream_errf(err, errlen, "mastodon: URL too long");
        return rc;
    }
    if (cursor) {
        if (!valid_id(cursor, strlen(cursor))) {
            ch_stream_errf(err, errlen, "bad cursor '%s' for mastodon (want a status id)",
                           cursor);
            return CHORUS_EUSAGE;
        }
        snprintf(m->last_id, sizeof m->last_id, "%s", cursor);
        snprintf(m->cursor, sizeof m->cursor, "%s", cursor);
    }
    if (ch_dedupe_init(&m->seen) || ch_json_parser_new(0, &m->jp))
        return CHORUS_ENOMEM;
    return ch_ws_new(src, &m->url, &masto_hooks, m, ch_source_opts(src)->mastodon_token,
                     &m->ws);
}

static void bad_message(masto *m, const char *why)
{
    m->src->stats.skipped++;
    if (m->bad_reported++ < 5)
        ch_source_diag(m->src, CH_STREAM_WARN, "message skipped: %s", why);
}

/* Hands out status JSON s[0..n) with id `id` unless already handed out. Returns true when it
 * became the record. */
static bool emit_status(masto *m, const char *s, size_t n, const char *id, size_t idn,
                        ch_stream_rec *rec)
{
    uint64_t key = (uint64_t)XXH3_64bits(id, idn);
    if (ch_dedupe_has(&m->seen, key)) {
        m->src->stats.duplicates++;
        return false;
    }
    (void)ch_dedupe_add(&m->seen, key, 0); /* out of memory: a smaller ring */
    if (s != m->rec) {
        if (n + CH_STREAM_PADDING > m->rec_cap) {
            size_t ncap = m->rec_cap ? m->rec_cap : 16 * 1024;
            while (ncap < n + CH_STREAM_PADDING)
                ncap *= 2;
            char *nb = ch_realloc(m->rec, ncap);
            if (!nb)
                return false;
            m->rec = nb;
            m->rec_cap = ncap;
        }
        memmove(m->rec, s, n);
    }
    memset(m->rec + n, 0, CH_STREAM_PADDING);
    memcpy(m->last_id, id, idn);
    m->last_id[idn] = '\0';
    snprintf(m->cursor, sizeof m->cursor, "%s", m->last_id);
    rec->data = m->rec;
    rec->len = n;
    return true;
}

/* A REST page body: its statuses into the backlog, oldest first; decides whether another
 * page is wanted (m->bf). `padded`: CH_STREAM_PADDING readable bytes follow the body. */
static void parse_page(masto *m, const char *body, size_t len, bool padded)
{
    const ch_stream_opts *o = ch_source_opts(m->src);
    m->bf = BF_NONE;
    ch_json_val root, v;
    const char *why = NULL;
    ch_json_iter it;
    if (ch_json_parse(m->jp, body, len, padded, &root, &why) != CH_JSON_OK ||
        ch_json_type_of(root) != CH_JSON_ARRAY || !ch_json_iter_init(root, &it)) {
        ch_source_diag(m->src, CH_STREAM_WARN,
                       "the timeline answer is not a JSON array (%s): missed statuses not "
                       "fetched", why ? why : "other JSON");
        return;
    }
    /* The page is newest first: collect (a page holds at most `limit` = PAGE; more is a
     * server ignoring it, and only the first PAGE * 4 are looked at), then queue in
     * reverse. */
    ch_json_val items[PAGE * 4];
    size_t k = 0;
    while (k < PAGE * 4 && ch_json_arr_next(&it, &v))
        items[k++] = v;
    char newest[ID_MAX] = "";
    size_t queued = 0;
    for (size_t i = k; i-- > 0;) {
        const char *id;
        size_t idn;
        if (!ch_json_get_str(items[i], "id", &id, &idn) || !valid_id(id, idn))
            continue;
        char idbuf[ID_MAX];
        memcpy(idbuf, id, idn);
        idbuf[idn] = '\0';
        char *text;
        size_t tlen;
        if (ch_json_serialize(items[i], &text, &tlen))
            continue;
        if (ch_fifo_push(&m->backlog, text, tlen, 0) == CHORUS_OK) {
            queued++;
            memcpy(newest, idbuf, idn + 1); /* oldest to newest: the last is the newest */
        }
        ch_free(text);
    }
    m->fetched += (unsigned)queued;
    if (k >= PAGE && newest[0] && m->fetched < o->backfill_max) {
        snprintf(m->page_min, sizeof m->page_min, "%s", newest);
        m->bf = BF_WANTED;
        return;
    }
    if (k >= PAGE && m->fetched >= o->backfill_max)
        ch_source_diag(m->src, CH_STREAM_WARN,
                       "fetched %u missed statuses, the backfill limit: later ones up to the "
                       "reconnection are missing", m->fetched);
    else
        ch_source_diag(m->src, CH_STREAM_INFO, "fetched %u statuses missed while disconnected",
                       m->fetched);
}

/* A finished REST request. */
static void take_page(masto *m)
{
    int status = ch_http_status(m->http);
    size_t len;
    const char *body = ch_http_body(m->http, &len);
    m->bf = BF_NONE;
    if (!body || status != 200) {
        char why[256];
        if (!body)
            snprintf(why, sizeof why, "%s", ch_http_error(m->http));
        else
            snprintf(why, sizeof why, "HTTP %d", status);
        ch_source_diag(m->src, CH_STREAM_WARN,
                       "cannot fetch the statuses missed while disconnected (%s): some may be "
                       "missing", why);
        return;
    }
    parse_page(m, body, len, true);
}

static int start_page(masto *m)
{
    char q[CH_URL_PATH_MAX], tmp[CH_URL_PATH_MAX], lim[8];
    snprintf(lim, sizeof lim, "%d", PAGE);
    if (ch_url_query_set(m->rest_path, "min_id", m->page_min, tmp, sizeof tmp) ||
        ch_url_query_set(tmp, "limit", lim, q, sizeof q)) {
        m->bf = BF_NONE;
        return CHORUS_OK;
    }
    char err[256];
    int rc = ch_http_get(m->src, &m->rest, q, ch_source_opts(m->src)->mastodon_token,
                         ch_source_opts(m->src)->max_record, &m->http, err, sizeof err);
    if (rc == CHORUS_ENOMEM)
        return rc;
    if (rc) {
        m->bf = BF_NONE;
        ch_source_diag(m->src, CH_STREAM_WARN, "cannot fetch missed statuses: %s", err);
        return CHORUS_OK;
    }
    m->bf = BF_RUNNING;
    return CHORUS_OK;
}

/* One streaming message: CH_STREAM_REC when it yields a status. */
static int on_message(masto *m, const char *msg, size_t len, ch_stream_rec *rec)
{
    ch_json_val root;
    const char *why = NULL;
    if (ch_json_parse(m->jp, msg, len, true, &root, &why) != CH_JSON_OK) {
        bad_message(m, why ? why : "not JSON");
        return CH_STREAM_IDLE;
    }
    const char *ev, *payload;
    size_t evn, pn;
    if (!ch_json_get_str(root, "event", &ev, &evn)) {
        bad_message(m, "no event name");
        return CH_STREAM_IDLE;
    }
    if (!(evn == 6 && memcmp(ev, "update", 6) == 0)) {
        m->src->stats.other_events++;
        if (evn == 6 && memcmp(ev, "delete", 6) == 0)
            m->src->stats.deletes++;
        return CH_STREAM_IDLE;
    }
    if (!ch_json_get_str(root, "payload", &payload, &pn)) {
        bad_message(m, "update without a payload string");
        return CH_STREAM_IDLE;
    }
    if (pn > ch_source_opts(m->src)->max_record) {
        bad_message(m, "status longer than the record limit");
        return CH_STREAM_IDLE;
    }
    /* Copy the payload out of the parser before parsing it in turn. */
    if (pn + CH_STREAM_PADDING > m->rec_cap) {
        size_t ncap = m->rec_cap ? m->rec_cap : 16 * 1024;
        while (ncap < pn + CH_STREAM_PADDING)
            ncap *= 2;
        char *nb = ch_realloc(m->rec, ncap);
        if (!nb)
            return CH_STREAM_ERROR;
        m->rec = nb;
        m->rec_cap = ncap;
    }
    memcpy(m->rec, payload, pn);
    memset(m->rec + pn, 0, CH_STREAM_PADDING);
    ch_json_val st;
    const char *id;
    size_t idn;
    if (ch_json_parse(m->jp, m->rec, pn, true, &st, &why) != CH_JSON_OK ||
        !ch_json_get_str(st, "id", &id, &idn) || !valid_id(id, idn)) {
        bad_message(m, "update payload is not a status with an id");
        return CH_STREAM_IDLE;
    }
    char idbuf[ID_MAX];
    memcpy(idbuf, id, idn);
    return emit_status(m, m->rec, pn, idbuf, idn, rec) ? CH_STREAM_REC : CH_STREAM_IDLE;
}

static int masto_next(ch_source *src, ch_stream_rec *rec, int64_t *wake_ms)
{
    masto *m = src->impl;
    for (;;) {
        const char *s;
        size_t n;
        /* 1. fetched statuses, oldest first */
        if (ch_fifo_pop(&m->backlog, &s, &n, NULL)) {
            ch_json_val st;
            const char *id;
            size_t idn;
            if (ch_json_parse(m->jp, s, n, true, &st, NULL) != CH_JSON_OK ||
                !ch_json_get_str(st, "id", &id, &idn))
                continue;
            char idbuf[ID_MAX];
            memcpy(idbuf, id, idn);
            if (emit_status(m, s, n, idbuf, idn, rec)) {
                src->stats.backfilled++;
                return CH_STREAM_REC;
            }
            continue;
        }
        /* 2. the backfill, while it runs the stream waits */
        if (m->bf == BF_WANTED) {
            if (start_page(m))
                return CH_STREAM_ERROR;
            continue;
        }
        if (m->bf == BF_RUNNING) {
            if (!ch_http_done(m->http))
                break;
            take_page(m);
            ch_http_free(m->http);
            m->http = NULL;
            continue;
        }
        /* 3. the stream */
        bool binary;
        if (ch_ws_pop(m->ws, &s, &n, &binary)) {
            if (binary) {
                bad_message(m, "binary message");
                continue;
            }
            int r = on_message(m, s, n, rec);
            if (r != CH_STREAM_IDLE)
                return r;
            continue;
        }
        break;
    }
    if (ch_ws_done(m->ws) && m->bf == BF_NONE)
        return CH_STREAM_END;
    char err[256];
    if (ch_ws_poll(m->ws, ch_stream_now_ms(), wake_ms, err, sizeof err)) {
        src->stats.failed = true;
        ch_source_diag(src, CH_STREAM_FAIL, "%s", err);
        return CH_STREAM_END;
    }
    return CH_STREAM_IDLE;
}

static const char *masto_cursor(const ch_source *src)
{
    return ((const masto *)src->impl)->cursor;
}

static void masto_stop(ch_source *src)
{
    masto *m = src->impl;
    if (m->ws)
        ch_ws_stop(m->ws);
    if (m->bf != BF_NONE) {
        ch_http_free(m->http);
        m->http = NULL;
        m->bf = BF_NONE;
    }
}

static void masto_close(ch_source *src)
{
    masto *m = src->impl;
    ch_ws_free(m->ws);
    ch_http_free(m->http);
    ch_fifo_free(&m->backlog);
    ch_dedupe_free(&m->seen);
    ch_json_parser_free(m->jp);
    ch_free(m->rec);
    ch_free(m);
    src->impl = NULL;
}

static int masto_inject(ch_source *src, int what, const void *data, size_t len)
{
    masto *m = src->impl;
    if (what == CH_INJECT_PAGE) {
        parse_page(m, data, len, false);
        if (m->bf == BF_WANTED)
            m->bf = BF_NONE; /* no network: no next page */
        return CHORUS_OK;
    }
    return ch_ws_inject(m->ws, data, len, what == CH_INJECT_BINARY);
}

const ch_source_kind ch_source_mastodon = {
    .name = "mastodon",
    .prefix = "mastodon:",
    .summary = "Mastodon streaming over WebSocket (public, local or hashtag timeline); "
               "statuses missed while disconnected are fetched from the REST timeline",
    .example = "mastodon:wss://mastodon.social/api/v1/streaming?stream=hashtag&tag=election",
    .open = masto_open,
    .next = masto_next,
    .cursor = masto_cursor,
    .stop = masto_stop,
    .close = masto_close,
    .inject = masto_inject,
};
