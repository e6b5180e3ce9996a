/*
 * source_jetstream.c — Bluesky Jetstream events over WebSocket.
 *
 * Spec: jetstream:wss://HOST/subscribe?wantedCollections=app.bsky.feed.post&... (ws:// too).
 * Query parameters are passed to the server as given (wantedCollections, wantedDids,
 * maxMessageSizeBytes, requireHello, ...); `cursor` is managed here (below); compress=true
 * needs Jetstream's zstd dictionary (opts.jetstream_dict), since each binary message is a
 * zstd frame made with it.
 *
 * Every text message is one event, {"did","time_us","kind":"commit|identity|account",...},
 * handed out as is. A message that is not JSON or has no integer time_us is skipped and
 * counted (it could not be resumed from).
 *
 * Cursor: the time_us of the last event handed out, as decimal text. Jetstream replays from
 * a cursor: a connection with cursor=T receives the stored events with time_us >= T, then
 * the live stream. The server stamps events in parallel, so time_us is only roughly in order
 * (inversions of 33 ms in a real 152-event capture). Hence:
 *   - on a reconnect within a run, the source asks for cursor = newest time_us handed out
 *     minus rewind_ms (at least just above the newest stamp the duplicate ring forgot) and
 *     drops events already handed out (dedupe.h, keyed by a hash of the event text), so an
 *     event stamped a little earlier but sent later is neither lost nor doubled;
 *   - a cursor given to ch_stream_add (from a checkpoint) means "resume after this event":
 *     the source asks for cursor=T and drops events with time_us <= T. With no memory of
 *     what was handed out before, an event stamped out of order before T and not yet handed
 *     out, or sharing T's microsecond, is lost; that is Jetstream's own resume contract;
 *   - a cursor written in the URL means "start here" (events with time_us >= it).
 *
 * Cost per event: one simdjson parse (to read time_us), one XXH3 hash, one ring insert; the
 * message is handed out from the receive queue without another copy (text mode).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "stream/dedupe.h"
#include "stream/source.h"
#include "stream/url.h"
#include "stream/ws.h"

_Static_assert(CH_STREAM_PADDING >= CH_JSON_PADDING, "messages must be padded for simdjson");

#define DICT_MAX ((size_t)4 * 1024 * 1024)

typedef struct jet {
    ch_source *src;
    ch_ws *ws;
    ch_url url;                   /* path without any cursor parameter */
    ch_dedupe seen;
    ch_json_parser *jp;
    bool have_last;
    int64_t last_us, max_us;      /* last and newest time_us handed out */
    int64_t min_us;               /* events stamped earlier are dropped */
    bool compress;
    ZSTD_DCtx *zd;
    ZSTD_DDict *dict;
    char *zbuf;                   /* decompressed message + padding */
    size_t zcap;
    bool stopped;
    uint64_t bad_reported;
    uint64_t inflate_ok, inflate_bad;
    char cursor[CH_STREAM_CURSOR_MAX];
} jet;

static bool parse_i64(const char *s, int64_t *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 0)
        return false;
    *out = v;
    return true;
}

static void jet_path(void *ctx, char *buf, size_t cap)
{
    jet *j = ctx;
    char c[32];
    const char *cursor = NULL;
    if (j->have_last) {
        int64_t rewind = (int64_t)ch_source_opts(j->src)->rewind_ms * 1000;
        int64_t at = j->max_us - rewind;
        if (j->seen.evicted_max_stamp != INT64_MIN && at <= j->seen.evicted_max_stamp)
            at = j->seen.evicted_max_stamp + 1;
        if (at < 0)
            at = 0;
        j->min_us = at;
        snprintf(c, sizeof c, "%" PRId64, at);
        cursor = c;
    } else if (j->min_us > 0) {
        snprintf(c, sizeof c, "%" PRId64, j->min_us);
        cursor = c;
    }
    if (ch_url_query_set(j->url.path, "cursor", cursor, buf, cap) != CHORUS_OK)
        snprintf(buf, cap, "%s", j->url.path); /* cannot happen: checked at open */
}

static const ch_ws_hooks jet_hooks = {.path = jet_path, .opened = NULL};

static int load_dict(jet *j, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ch_stream_errf(err, errlen, "cannot open Jetstream dictionary '%s'", path);
        return CHORUS_EIO;
    }
    char *buf = ch_malloc(DICT_MAX);
    if (!buf) {
        fclose(f);
        return CHORUS_ENOMEM;
    }
    size_t n = fread(buf, 1, DICT_MAX, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (n == 0 || more) {
        ch_free(buf);
        ch_stream_errf(err, errlen, "Jetstream dictionary '%s' is empty or larger than 4 MiB",
                       path);
        return CHORUS_EUSAGE;
    }
    j->dict = ZSTD_createDDict(buf, n);
    ch_free(buf);
    j->zd = ZSTD_createDCtx();
    if (!j->dict || !j->zd)
        return CHORUS_ENOMEM;
    return CHORUS_OK;
}

static int jet_open(ch_source *src, const char *target, const char *cursor, char *err,
                    size_t errlen)
{
    const ch_stream_opts *o = ch_source_opts(src);
    jet *j = ch_calloc(1, sizeof *j);
    if (!j)
        return CHORUS_ENOMEM;
    src->impl = j;
    j->src = src;
    int rc = ch_url_parse(target, &j->url, err, errlen);
    if (rc)
        return rc;
    if (!j->url.ws) {
        ch_stream_errf(err, errlen, "jetstream: wants a wss:// or ws:// URL, not '%s'", target);
        return CHORUS_EUSAGE;
    }
    char v[64];
    if (ch_url_query_get(j->url.path, "cursor", v, sizeof v)) {
        if (!parse_i64(v, &j->min_us)) {
            ch_stream_errf(err, errlen, "jetstream: cursor '%s' in the URL is not a time_us", v);
            return CHORUS_EUSAGE;
        }
    }
    /* The cursor is rewritten on every connection: keep the path without it, and make sure
     * the longest cursor still fits. */
    char tmp[CH_URL_PATH_MAX];
    if (ch_url_query_set(j->url.path, "cursor", NULL, tmp, sizeof tmp) ||
        ch_url_query_set(tmp, "cursor", "9223372036854775807", j->url.path,
                         sizeof j->url.path)) {
        ch_stream_errf(err, errlen, "jetstream: URL too long");
        return CHORUS_EUSAGE;
    }
    memcpy(j->url.path, tmp, sizeof tmp);
    if (cursor) {
        int64_t c;
        if (!parse_i64(cursor, &c) || c == INT64_MAX) {
            ch_stream_errf(err, errlen, "bad cursor '%s' for jetstream (want a time_us)", cursor);
            return CHORUS_EUSAGE;
        }
        j->min_us = c + 1;
        snprintf(j->cursor, sizeof j->cursor, "%s", cursor);
    }
    if (ch_url_query_get(j->url.path, "requireHello", v, sizeof v) && strcmp(v, "true") == 0) {
        ch_stream_errf(err, errlen, "jetstream: requireHello=true is not supported (this client "
                                    "sends no options message): drop it");
        return CHORUS_EUSAGE;
    }
    if (ch_url_query_get(j->url.path, "compress", v, sizeof v) && strcmp(v, "true") == 0) {
        if (!o->jetstream_dict) {
            ch_stream_errf(err, errlen,
                           "jetstream: compress=true needs Jetstream's zstd dictionary "
                           "(give its file), or drop compress=true");
            return CHORUS_EUSAGE;
        }
        rc = load_dict(j, o->jetstream_dict, err, errlen);
        if (rc)
            return rc;
        j->compress = true;
    }
    if (ch_dedupe_init(&j->seen) || ch_json_parser_new(0, &j->jp))
        return CHORUS_ENOMEM;
    return ch_ws_new(src, &j->url, &jet_hooks, j, NULL, &j->ws);
}

/* Decompresses a binary message into zbuf. Returns false (and counts) when it cannot. */
static bool inflate_msg(jet *j, const char *in, size_t len, const char **out, size_t *olen)
{
    size_t max = ch_source_opts(j->src)->max_record;
    ZSTD_DCtx_reset(j->zd, ZSTD_reset_session_only);
    if (ZSTD_isError(ZSTD_DCtx_refDDict(j->zd, j->dict)))
        return false;
    ZSTD_inBuffer ib = {in, len, 0};
    size_t used = 0;
    for (;;) {
        if (j->zcap - used < 64 * 1024 && j->zcap < max) {
            size_t ncap = j->zcap ? j->zcap * 2 : 256 * 1024;
            if (ncap > max)
                ncap = max;
            char *nb = ch_realloc(j->zbuf, ncap + CH_STREAM_PADDING);
            if (!nb)
                return false;
            j->zbuf = nb;
            j->zcap = ncap;
        }
        ZSTD_outBuffer ob = {j->zbuf, j->zcap, used};
        size_t r = ZSTD_decompressStream(j->zd, &ob, &ib);
        if (ZSTD_isError(r))
            return false;
        used = ob.pos;
        if (r == 0)
            break; /* frame complete */
        if (ib.pos == ib.size && ob.pos < ob.size)
            return false; /* truncated frame */
        if (used == j->zcap && j->zcap >= max)
            return false; /* longer than max_record */
    }
    memset(j->zbuf + used, 0, CH_STREAM_PADDING);
    *out = j->zbuf;
    *olen = used;
    return true;
}

static void bad_message(jet *j, const char *why)
{
    j->src->stats.skipped++;
    /* The first few only: a broken server would otherwise flood the diagnostics. */
    if (j->bad_reported++ < 5)
        ch_source_diag(j->src, CH_STREAM_WARN, "message skipped: %s", why);
}

/* A compressed message that gave no event. A wrong dictionary spoils every message
 * (undecodable frames, or garbage when both dictionaries are raw content): after 20 in a row
 * with none good, the source ends instead of skipping forever. */
static bool compressed_failure(jet *j, unsigned want_id)
{
    if (++j->inflate_bad < 20 || j->inflate_ok > 0)
        return false;
    j->src->stats.failed = true;
    ch_source_diag(j->src, CH_STREAM_FAIL,
                   "the zstd dictionary does not match the server's (frames want dictionary "
                   "id %u, the file has id %u)",
                   want_id, ZSTD_getDictID_fromDDict(j->dict));
    ch_ws_stop(j->ws);
    return true;
}

static int jet_next(ch_source *src, ch_stream_rec *rec, int64_t *wake_ms)
{
    jet *j = src->impl;
    const char *msg;
    size_t len;
    bool binary;
    while (ch_ws_pop(j->ws, &msg, &len, &binary)) {
        unsigned want_id = 0;
        if (binary) {
            if (!j->compress) {
                bad_message(j, "binary message (compressed?) on a plain JSON connection");
                continue;
            }
            want_id = ZSTD_getDictID_fromFrame(msg, len);
            if (!inflate_msg(j, msg, len, &msg, &len)) {
                bad_message(j, "cannot decompress it with the dictionary given");
                if (compressed_failure(j, want_id))
                    return CH_STREAM_END;
                continue;
            }
        }
        ch_json_val root;
        const char *why = NULL;
        int64_t t;
        if (ch_json_parse(j->jp, msg, len, true, &root, &why) != CH_JSON_OK) {
            bad_message(j, why ? why : "not JSON");
            if (binary && compressed_failure(j, want_id))
                return CH_STREAM_END;
            continue;
        }
        if (!ch_json_int64(ch_json_get(root, "time_us"), &t)) {
            bad_message(j, "no time_us: not a Jetstream event");
            if (binary && compressed_failure(j, want_id))
                return CH_STREAM_END;
            continue;
        }
        if (binary)
            j->inflate_ok++;
        if (t < j->min_us) {
            src->stats.duplicates++;
            continue;
        }
        uint64_t key = (uint64_t)XXH3_64bits(msg, len);
        if (ch_dedupe_has(&j->seen, key)) {
            src->stats.duplicates++;
            continue;
        }
        (void)ch_dedupe_add(&j->seen, key, t); /* out of memory: a smaller ring, still safe */
        j->have_last = true;
        j->last_us = t;
        if (t > j->max_us)
            j->max_us = t;
        snprintf(j->cursor, sizeof j->cursor, "%" PRId64, t);
        rec->data = msg;
        rec->len = len;
        return CH_STREAM_REC;
    }
    if (ch_ws_done(j->ws))
        return CH_STREAM_END;
    char err[256];
    if (ch_ws_poll(j->ws, ch_stream_now_ms(), wake_ms, err, sizeof err)) {
        src->stats.failed = true;
        ch_source_diag(src, CH_STREAM_FAIL, "%s", err);
        return CH_STREAM_END;
    }
    return ch_ws_done(j->ws) && ch_ws_queued(j->ws) == 0 ? CH_STREAM_END : CH_STREAM_IDLE;
}

static const char *jet_cursor(const ch_source *src)
{
    return ((const jet *)src->impl)->cursor;
}

static void jet_stop(ch_source *src)
{
    jet *j = src->impl;
    j->stopped = true;
    if (j->ws)
        ch_ws_stop(j->ws);
}

static void jet_close(ch_source *src)
{
    jet *j = src->impl;
    ch_ws_free(j->ws);
    ch_dedupe_free(&j->seen);
    ch_json_parser_free(j->jp);
    ZSTD_freeDCtx(j->zd);
    ZSTD_freeDDict(j->dict);
    ch_free(j->zbuf);
    ch_free(j);
    src->impl = NULL;
}

static int jet_inject(ch_source *src, int what, const void *data, size_t len)
{
    jet *j = src->impl;
    if (what != CH_INJECT_TEXT && what != CH_INJECT_BINARY)
        return CHORUS_EUSAGE;
    return ch_ws_inject(j->ws, data, len, what == CH_INJECT_BINARY);
}

/* Memory for an exact resume in another process (stream.h): "jm1 MAX FLOOR KEY:STAMP ...",
 * the newest stamp handed out, the first stamp the next connection must ask for, and the
 * (hex) keys of the events handed out at or after it. FLOOR is the newest stamp minus the
 * rewind, or just above the newest stamp the ring forgot when that is later: every event
 * handed out with a stamp >= FLOOR is in the list, so asking from FLOOR and dropping those
 * loses nothing and doubles nothing. */
static int jet_memory(const ch_source *src, char **out)
{
    const jet *j = src->impl;
    *out = NULL;
    if (!j->have_last)
        return CHORUS_OK;
    int64_t floor = j->max_us - (int64_t)ch_source_opts(src)->rewind_ms * 1000;
    if (j->seen.evicted_max_stamp != INT64_MIN && floor <= j->seen.evicted_max_stamp)
        floor = j->seen.evicted_max_stamp + 1;
    if (floor < 0)
        floor = 0;
    const ch_dedupe *d = &j->seen;
    size_t cap = 64 + d->count * 40, n = 0;
    char *buf = ch_malloc(cap);
    if (!buf)
        return CHORUS_ENOMEM;
    n += (size_t)snprintf(buf, cap, "jm1 %" PRId64 " %" PRId64, j->max_us, floor);
    for (size_t i = 0; i < d->count; i++) {
        size_t at = (d->head + i) % d->cap;
        if (d->ring_stamp[at] < floor)
            continue;
        n += (size_t)snprintf(buf + n, cap - n, " %016" PRIx64 ":%" PRId64, d->ring_key[at],
                              d->ring_stamp[at]);
    }
    *out = buf;
    return CHORUS_OK;
}

static int jet_remember(ch_source *src, const char *mem, char *err, size_t errlen)
{
    jet *j = src->impl;
    const char *p = mem;
    char *end;
    if (strncmp(p, "jm1 ", 4) != 0)
        goto bad;
    p += 4;
    errno = 0;
    long long max = strtoll(p, &end, 10);
    if (end == p || *end != ' ' || errno || max < 0)
        goto bad;
    p = end + 1;
    long long floor = strtoll(p, &end, 10);
    if (end == p || (*end != ' ' && *end) || errno || floor < 0 || floor > max + 1)
        goto bad;
    p = end;
    while (*p == ' ') {
        p++;
        uint64_t key = strtoull(p, &end, 16);
        if (end == p || *end != ':' || errno)
            goto bad;
        p = end + 1;
        long long stamp = strtoll(p, &end, 10);
        if (end == p || (*end != ' ' && *end) || errno || stamp < floor)
            goto bad;
        p = end;
        if (ch_dedupe_add(&j->seen, key, stamp))
            return CHORUS_ENOMEM;
    }
    if (*p)
        goto bad;
    j->have_last = true;
    j->last_us = j->max_us = max;
    /* the next connection asks from FLOOR (jet_path: never at or below a forgotten stamp) */
    if (floor > 0)
        j->seen.evicted_max_stamp = floor - 1;
    return CHORUS_OK;
bad:
    ch_stream_errf(err, errlen, "%s: the saved memory of this Jetstream source is damaged",
                   src->spec);
    return CHORUS_EUSAGE;
}

const ch_source_kind ch_source_jetstream = {
    .name = "jetstream",
    .prefix = "jetstream:",
    .summary = "Bluesky Jetstream events over WebSocket, resumed from their cursor (time_us) "
               "after a disconnect",
    .example = "jetstream:wss://jetstream2.us-east.bsky.network/subscribe?"
               "wantedCollections=app.bsky.feed.post",
    .open = jet_open,
    .next = jet_next,
    .cursor = jet_cursor,
    .stop = jet_stop,
    .close = jet_close,
    .inject = jet_inject,
    .memory = jet_memory,
    .remember = jet_remember,
};
