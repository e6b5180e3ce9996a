/*
 * linebuf.c — lines out of bytes that arrive in pieces (see linebuf.h).
 */
#include "stream/linebuf.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/stream.h"

#define INITIAL_CAP ((size_t)64 * 1024)

int ch_linebuf_init(ch_linebuf *lb, size_t max_line)
{
    memset(lb, 0, sizeof *lb);
    lb->max_line = max_line ? max_line : 1;
    lb->cap = INITIAL_CAP;
    lb->buf = ch_malloc(lb->cap + CH_STREAM_PADDING);
    if (!lb->buf)
        return CHORUS_ENOMEM;
    memset(lb->buf + lb->cap, 0, CH_STREAM_PADDING);
    return CHORUS_OK;
}

void ch_linebuf_free(ch_linebuf *lb)
{
    ch_free(lb->buf);
    lb->buf = NULL;
}

int ch_linebuf_space(ch_linebuf *lb, char **p, size_t *room)
{
    /* Move the unread tail to the front once the free room at the end is short. */
    if (lb->start > 0 && lb->cap - lb->end < CH_LINEBUF_CHUNK) {
        memmove(lb->buf, lb->buf + lb->start, lb->end - lb->start);
        lb->end -= lb->start;
        lb->start = 0;
    }
    if (lb->cap - lb->end < CH_LINEBUF_CHUNK) {
        /* Grow, but never past max_line + a chunk: a longer line is being skipped anyway. */
        size_t limit;
        if (!ch_add_ok(lb->max_line, 2 * CH_LINEBUF_CHUNK, &limit))
            limit = SIZE_MAX - CH_STREAM_PADDING;
        size_t ncap = lb->cap;
        while (ncap - lb->end < CH_LINEBUF_CHUNK && ncap < limit)
            ncap = ncap > limit / 2 ? limit : ncap * 2;
        if (ncap > lb->cap) {
            char *nb = ch_realloc(lb->buf, ncap + CH_STREAM_PADDING);
            if (!nb)
                return CHORUS_ENOMEM;
            lb->buf = nb;
            lb->cap = ncap;
            memset(lb->buf + lb->cap, 0, CH_STREAM_PADDING);
        }
    }
    *p = lb->buf + lb->end;
    *room = lb->cap - lb->end;
    return CHORUS_OK;
}

void ch_linebuf_commit(ch_linebuf *lb, size_t n)
{
    lb->end += n;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

int ch_linebuf_next(ch_linebuf *lb, const char **line, size_t *len, uint64_t *lineno)
{
    for (;;) {
        char *s = lb->buf + lb->start;
        size_t avail = lb->end - lb->start;
        char *nl = lb->scanned < avail ? memchr(s + lb->scanned, '\n', avail - lb->scanned)
                                       : NULL;
        if (!nl) {
            lb->scanned = avail;
            if (lb->skipping) {
                /* Everything held belongs to the skipped line: drop it. */
                lb->taken += avail;
                lb->start = lb->end = lb->scanned = 0;
                return CH_LB_NONE;
            }
            if (avail > lb->max_line) {
                lb->skipping = true;
                lb->taken += avail;
                lb->start = lb->end = lb->scanned = 0;
                *lineno = lb->lineno + 1;
                return CH_LB_TOO_LONG;
            }
            return CH_LB_NONE;
        }
        size_t n = (size_t)(nl - s);
        lb->start += n + 1;
        lb->scanned = 0;
        lb->taken += n + 1;
        lb->lineno++;
        if (lb->skipping) {
            lb->skipping = false;
            continue;
        }
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > lb->max_line) {
            *lineno = lb->lineno;
            return CH_LB_TOO_LONG;
        }
        if (blank(s, n))
            continue;
        *line = s;
        *len = n;
        *lineno = lb->lineno;
        return CH_LB_LINE;
    }
}

int ch_linebuf_flush(ch_linebuf *lb, const char **line, size_t *len, uint64_t *lineno)
{
    int r = ch_linebuf_next(lb, line, len, lineno);
    if (r != CH_LB_NONE)
        return r;
    size_t n = lb->end - lb->start;
    char *s = lb->buf + lb->start;
    bool was_skipping = lb->skipping;
    lb->taken += n;
    lb->start = lb->end = lb->scanned = 0;
    lb->skipping = false;
    if (n == 0 || was_skipping)
        return CH_LB_NONE;
    lb->lineno++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (blank(s, n))
        return CH_LB_NONE;
    *line = s;
    *len = n;
    *lineno = lb->lineno;
    return CH_LB_LINE;
}

size_t ch_linebuf_pending(const ch_linebuf *lb)
{
    return lb->end - lb->start;
}

void ch_linebuf_reset(ch_linebuf *lb)
{
    lb->start = lb->end = lb->scanned = 0;
    lb->skipping = false;
}
