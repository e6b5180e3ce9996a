/*
 * source_stdin.c — `-`: JSON lines from standard input, until its end.
 *
 * Reading never blocks: a read happens only when poll() says the descriptor is readable (one
 * read() per call then returns what is there), and while nothing is, the descriptor is
 * watched by the loop so data wakes the wait. A partial last line is held until its newline
 * or the end of input (then it is the last record). Works the same for a pipe, a terminal or
 * a redirected file. Compressed input is not decoded here: pass the file by name, or
 * decompress into the pipe (zstdcat f.zst | chorus watch -).
 *
 * Cursor: "0:OFFSET:LINE" (bytes and lines consumed). Given back to ch_stream_add, that many
 * bytes are read and dropped first: a resume only makes sense when standard input replays
 * the same data (a recorded stream redirected again), which is the caller's call.
 *
 * On a clean stop the complete lines already read are still handed out; a partial line is
 * dropped (counted in partial_dropped).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/linebuf.h"
#include "stream/source.h"

typedef struct stdin_src {
    int fd;
    ch_linebuf lb;
    bool eof, stopped, watched;
    uint64_t skip;                /* bytes still to drop (resume) */
    char cursor[CH_STREAM_CURSOR_MAX];
} stdin_src;

/* Parses "INO:OFFSET:LINE" (the file and standard input cursor). */
static bool parse_cursor(const char *c, uint64_t *ino, uint64_t *off, uint64_t *line)
{
    int used = 0;
    if (sscanf(c, "%" SCNu64 ":%" SCNu64 ":%" SCNu64 "%n", ino, off, line, &used) != 3)
        return false;
    return c[used] == '\0';
}

static int stdin_open(ch_source *src, const char *target, const char *cursor, char *err,
                      size_t errlen)
{
    (void)target;
    stdin_src *st = ch_calloc(1, sizeof *st);
    if (!st)
        return CHORUS_ENOMEM;
    st->fd = ch_source_opts(src)->stdin_fd;
    if (ch_linebuf_init(&st->lb, ch_source_opts(src)->max_record)) {
        ch_free(st);
        return CHORUS_ENOMEM;
    }
    if (cursor) {
        uint64_t ino, off, line;
        if (!parse_cursor(cursor, &ino, &off, &line)) {
            ch_linebuf_free(&st->lb);
            ch_free(st);
            ch_stream_errf(err, errlen, "bad cursor '%s' for standard input (want 0:OFFSET:LINE)",
                           cursor);
            return CHORUS_EUSAGE;
        }
        st->skip = off;
        st->lb.taken = off;
        st->lb.lineno = line;
    }
    snprintf(st->cursor, sizeof st->cursor, "0:%" PRIu64 ":%" PRIu64, st->lb.taken,
             st->lb.lineno);
    src->impl = st;
    src->stats.state = CH_SOURCE_READING;
    return CHORUS_OK;
}

static int finish(ch_source *src, stdin_src *st)
{
    if (st->watched) {
        ch_loop_unwatch_fd(ch_source_loop(src), st->fd);
        st->watched = false;
    }
    return CH_STREAM_END;
}

static int stdin_next(ch_source *src, ch_stream_rec *rec, int64_t *wake_ms)
{
    stdin_src *st = src->impl;
    const char *line;
    size_t len;
    uint64_t no;
    for (;;) {
        int r = ch_linebuf_next(&st->lb, &line, &len, &no);
        if (r == CH_LB_NONE && st->eof)
            r = ch_linebuf_flush(&st->lb, &line, &len, &no);
        if (r == CH_LB_LINE) {
            rec->data = line;
            rec->len = len;
            rec->line = no;
            snprintf(st->cursor, sizeof st->cursor, "0:%" PRIu64 ":%" PRIu64, st->lb.taken,
                     st->lb.lineno);
            return CH_STREAM_REC;
        }
        if (r == CH_LB_TOO_LONG) {
            src->stats.skipped++;
            ch_source_diag(src, CH_STREAM_WARN, "line %" PRIu64 " is longer than %zu bytes: skipped",
                           no, ch_source_opts(src)->max_record);
            continue;
        }
        if (st->eof)
            return finish(src, st);
        if (st->stopped) {
            if (ch_linebuf_pending(&st->lb) > 0)
                src->stats.partial_dropped++;
            return finish(src, st);
        }
        struct pollfd pf = {.fd = st->fd, .events = POLLIN};
        int pr = poll(&pf, 1, 0);
        if (pr == 0 || (pr < 0 && errno == EINTR)) {
            if (!st->watched) {
                if (ch_loop_watch_fd(ch_source_loop(src), st->fd))
                    *wake_ms = ch_stream_now_ms() + 50; /* no room to watch: poll instead */
                else
                    st->watched = true;
            }
            return CH_STREAM_IDLE;
        }
        char *p;
        size_t room;
        if (ch_linebuf_space(&st->lb, &p, &room))
            return CH_STREAM_ERROR;
        ssize_t n = read(st->fd, p, room);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                *wake_ms = ch_stream_now_ms() + 10;
                return CH_STREAM_IDLE;
            }
            src->stats.failed = true;
            ch_source_diag(src, CH_STREAM_FAIL, "cannot read standard input: %s",
                           strerror(errno));
            return finish(src, st);
        }
        if (n == 0) {
            st->eof = true;
            continue;
        }
        size_t got = (size_t)n;
        if (st->skip > 0) {
            size_t drop = st->skip < got ? (size_t)st->skip : got;
            memmove(p, p + drop, got - drop);
            got -= drop;
            st->skip -= drop;
        }
        ch_linebuf_commit(&st->lb, got);
    }
}

static const char *stdin_cursor(const ch_source *src)
{
    return ((const stdin_src *)src->impl)->cursor;
}

static void stdin_stop(ch_source *src)
{
    ((stdin_src *)src->impl)->stopped = true;
}

static void stdin_close(ch_source *src)
{
    stdin_src *st = src->impl;
    if (st->watched)
        ch_loop_unwatch_fd(ch_source_loop(src), st->fd);
    ch_linebuf_free(&st->lb);
    ch_free(st);
    src->impl = NULL;
}

const ch_source_kind ch_source_stdin = {
    .name = "stdin",
    .prefix = "-",
    .whole = true,
    .summary = "standard input: JSON lines in any supported format, until its end",
    .example = "-",
    .open = stdin_open,
    .next = stdin_next,
    .cursor = stdin_cursor,
    .stop = stdin_stop,
    .close = stdin_close,
};
