/*
 * stream.c — the multiplexer: a set of sources taking turns, one record each, and the wait
 * when none has anything (see stream.h). Nothing here knows which kinds exist.
 */
#include "stream/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "ingest/input.h"
#include "stream/source.h"

/* How often connections are serviced while some source keeps the loop busy: one service
 * round reads up to 64 KiB per connection, so 1 ms keeps a socket flowing at over 100k
 * Jetstream events/s beside a file that never runs dry. */
#define SERVICE_EVERY_MS 1
/* Longest single wait, so a stop flag set just before a wait is seen soon. */
#define WAIT_SLICE_MS 250

struct ch_stream {
    ch_stream_opts opts;
    ch_loop *loop;
    ch_source **src;
    size_t n, cap;
    size_t turn;                  /* the source asked first next time */
    bool stopping;
    bool has_stdin;
    char err[256];
};

int64_t ch_stream_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ch_stream_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int ch_stream_new(const ch_stream_opts *opts, ch_stream **out)
{
    *out = NULL;
    ch_stream *s = ch_calloc(1, sizeof *s);
    if (!s)
        return CHORUS_ENOMEM;
    if (opts)
        s->opts = *opts;
    ch_stream_opts *o = &s->opts;
    if (!o->poll_ms)
        o->poll_ms = 250;
    if (!o->max_record)
        o->max_record = CH_INPUT_MAX_LINE_DEFAULT;
    if (!o->max_buffered)
        o->max_buffered = (size_t)8 * 1024 * 1024;
    if (!o->backoff_min_ms)
        o->backoff_min_ms = 500;
    if (!o->backoff_max_ms)
        o->backoff_max_ms = 30000;
    if (o->backoff_max_ms < o->backoff_min_ms)
        o->backoff_max_ms = o->backoff_min_ms;
    if (!o->rewind_ms)
        o->rewind_ms = 2000;
    if (!o->backfill_max)
        o->backfill_max = 2000;
    ch_loop_opts lo = {.ca_file = o->ca_file};
    int rc = ch_loop_new(&lo, &s->loop);
    if (rc) {
        ch_free(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}

const ch_stream_opts *ch_source_opts(const ch_source *src)
{
    return &src->stream->opts;
}

ch_loop *ch_source_loop(const ch_source *src)
{
    return src->stream->loop;
}

void ch_source_diag(const ch_source *src, ch_stream_level level, const char *fmt, ...)
{
    const ch_stream_opts *o = &src->stream->opts;
    if (!o->diag)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->diag(o->diag_ctx, src->spec, level, msg);
}

void ch_source_error(const ch_source *src, const char *fmt, ...)
{
    ch_stream *s = src->stream;
    int m = snprintf(s->err, sizeof s->err, "%s: ", src->spec);
    if (m < 0 || (size_t)m >= sizeof s->err)
        m = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err + m, sizeof s->err - (size_t)m, fmt, ap);
    va_end(ap);
}

static void source_free(ch_source *src)
{
    if (!src)
        return;
    if (src->impl && src->kind->close)
        src->kind->close(src);
    ch_free(src->spec);
    ch_free(src);
}

int ch_stream_add(ch_stream *s, const char *spec, const char *cursor, ch_source **out,
                  char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    const ch_source_kind *k = ch_source_kind_for(spec);
    if (!k) {
        ch_stream_errf(err, errlen,
                       "unknown source '%s': give a file, '-', jetstream:wss://... or "
                       "mastodon:wss://...",
                       spec ? spec : "");
        return CHORUS_EUSAGE;
    }
    if (k->whole && strcmp(k->name, "stdin") == 0) {
        if (s->has_stdin) {
            ch_stream_errf(err, errlen, "standard input ('-') given twice");
            return CHORUS_EUSAGE;
        }
    }
    if (cursor && strlen(cursor) >= CH_STREAM_CURSOR_MAX) {
        ch_stream_errf(err, errlen, "cursor for '%s' is too long", spec);
        return CHORUS_EUSAGE;
    }
    if (ch_grow((void **)&s->src, &s->cap, s->n + 1, sizeof *s->src))
        return CHORUS_ENOMEM;
    ch_source *src = ch_calloc(1, sizeof *src);
    if (!src)
        return CHORUS_ENOMEM;
    src->kind = k;
    src->stream = s;
    src->spec = ch_strndup(spec, strlen(spec));
    if (!src->spec) {
        ch_free(src);
        return CHORUS_ENOMEM;
    }
    const char *target = spec;
    size_t pl = strlen(k->prefix);
    if (!k->whole && strncmp(spec, k->prefix, pl) == 0)
        target = spec + pl;
    if (err && errlen)
        err[0] = '\0';
    int rc = k->open(src, target, cursor && *cursor ? cursor : NULL, err, errlen);
    if (rc) {
        source_free(src);
        return rc;
    }
    if (strcmp(k->name, "stdin") == 0)
        s->has_stdin = true;
    s->src[s->n++] = src;
    if (out)
        *out = src;
    return CHORUS_OK;
}

void ch_stream_stop(ch_stream *s)
{
    if (s->stopping)
        return;
    s->stopping = true;
    for (size_t i = 0; i < s->n; i++) {
        ch_source *src = s->src[i];
        if (!src->ended && src->kind->stop)
            src->kind->stop(src);
    }
}

int ch_stream_next(ch_stream *s, int timeout_ms, ch_stream_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    int64_t now = ch_stream_now_ms();
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : now + timeout_ms;
    ch_loop_service_if_due(s->loop, now, SERVICE_EVERY_MS);
    for (;;) {
        if (s->opts.stop && *s->opts.stop)
            ch_stream_stop(s);
        int64_t wake = INT64_MAX;
        size_t live = 0;
        for (size_t k = 0; k < s->n; k++) {
            size_t i = (s->turn + k) % s->n;
            ch_source *src = s->src[i];
            if (src->ended)
                continue;
            int64_t w = INT64_MAX;
            int r = src->kind->next(src, rec, &w);
            if (r == CH_STREAM_REC) {
                s->turn = (i + 1) % s->n;
                src->stats.records++;
                src->stats.bytes += rec->len;
                rec->source = src;
                rec->seq = src->stats.records;
                rec->cursor = src->kind->cursor(src);
                return CH_STREAM_REC;
            }
            if (r == CH_STREAM_ERROR) {
                if (!s->err[0])
                    snprintf(s->err, sizeof s->err, "%s: out of memory", src->spec);
                return CH_STREAM_ERROR;
            }
            if (r == CH_STREAM_END) {
                src->ended = true;
                src->stats.state = CH_SOURCE_ENDED;
                continue;
            }
            live++;
            if (w < wake)
                wake = w;
        }
        if (live == 0)
            return CH_STREAM_END;
        now = ch_stream_now_ms();
        if (now >= deadline)
            return CH_STREAM_IDLE;
        int64_t until = deadline < wake ? deadline : wake;
        if (until > now + WAIT_SLICE_MS)
            until = now + WAIT_SLICE_MS;
        ch_loop_wait(s->loop, until);
    }
}

const char *ch_stream_error(const ch_stream *s)
{
    return s->err[0] ? s->err : "no error";
}

void ch_stream_free(ch_stream *s)
{
    if (!s)
        return;
    /* Sources stop first (no reconnects), then the lws context goes (connections get their
     * close callbacks while their owners exist), then the sources. */
    s->stopping = true;
    for (size_t i = 0; i < s->n; i++)
        if (!s->src[i]->ended && s->src[i]->kind->stop)
            s->src[i]->kind->stop(s->src[i]);
    ch_loop_free(s->loop);
    s->loop = NULL;
    for (size_t i = 0; i < s->n; i++)
        source_free(s->src[i]);
    ch_free(s->src);
    ch_free(s);
}

size_t ch_stream_nsources(const ch_stream *s)
{
    return s->n;
}

ch_source *ch_stream_source(const ch_stream *s, size_t i)
{
    return i < s->n ? s->src[i] : NULL;
}

const char *ch_source_spec(const ch_source *src)
{
    return src->spec;
}

const char *ch_source_kind_name(const ch_source *src)
{
    return src->kind->name;
}

const char *ch_source_cursor(const ch_source *src)
{
    return src->kind->cursor(src);
}

int ch_source_inject(ch_source *src, int what, const void *data, size_t len)
{
    if (!src->kind->inject || !src->stream->opts.offline)
        return CHORUS_EUSAGE;
    return src->kind->inject(src, what, data, len);
}

void ch_source_stats_get(const ch_source *src, ch_source_stats *out)
{
    *out = src->stats;
}

int ch_source_memory(const ch_source *src, char **out)
{
    *out = NULL;
    return src->kind->memory ? src->kind->memory(src, out) : CHORUS_OK;
}

int ch_source_remember(ch_source *src, const char *mem, char *err, size_t errlen)
{
    if (!mem || !*mem)
        return CHORUS_OK;
    if (!src->kind->remember) {
        ch_stream_errf(err, errlen, "%s: a %s source keeps no memory besides its cursor",
                       src->spec, src->kind->name);
        return CHORUS_EUSAGE;
    }
    return src->kind->remember(src, mem, err, errlen);
}

/* ---- access tokens ---------------------------------------------------------------------- */

#define TOKEN_MAX 4096

int ch_stream_token_load(const char *file, const char *env, char **out, char *err,
                         size_t errlen)
{
    *out = NULL;
    char buf[TOKEN_MAX + 1];
    size_t n = 0;
    if (file) {
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            ch_stream_errf(err, errlen, "cannot open token file '%s': %s", file,
                           strerror(errno));
            return CHORUS_EIO;
        }
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            ch_stream_errf(err, errlen, "token file '%s' is not a regular file", file);
            return CHORUS_EIO;
        }
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
            close(fd);
            ch_stream_errf(err, errlen,
                           "token file '%s' is readable by other users: chmod 600 it", file);
            return CHORUS_EIO;
        }
        ssize_t r;
        while (n < TOKEN_MAX && (r = read(fd, buf + n, TOKEN_MAX - n)) != 0) {
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                close(fd);
                ch_stream_errf(err, errlen, "cannot read token file '%s': %s", file,
                               strerror(errno));
                return CHORUS_EIO;
            }
            n += (size_t)r;
        }
        close(fd);
    } else {
        const char *v = env ? getenv(env) : NULL;
        if (!v || !*v)
            return CHORUS_OK;
        n = strlen(v);
        if (n > TOKEN_MAX)
            n = TOKEN_MAX;
        memcpy(buf, v, n);
    }
    buf[n] = '\0';
    /* first line, blank space trimmed */
    char *s = buf;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t m = strcspn(s, "\r\n");
    while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '\t'))
        m--;
    if (m == 0) {
        ch_stream_errf(err, errlen, "empty access token in %s", file ? file : env);
        return CHORUS_EUSAGE;
    }
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e) {
            ch_stream_errf(err, errlen, "access token in %s has a character not allowed in "
                                        "an HTTP header", file ? file : env);
            return CHORUS_EUSAGE;
        }
    }
    *out = ch_strndup(s, m);
    memset(buf, 0, sizeof buf);
    return *out ? CHORUS_OK : CHORUS_ENOMEM;
}
