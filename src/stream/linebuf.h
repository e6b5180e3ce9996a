/*
 * linebuf.h — lines out of bytes that arrive in pieces (a pipe, a file that grows).
 *
 * The caller reads into the space the buffer offers (ch_linebuf_space, then
 * ch_linebuf_commit with how many bytes came) and takes complete lines out with
 * ch_linebuf_next; a partial last line is held until its newline arrives, or handed out by
 * ch_linebuf_flush when the input has ended. Nothing blocks: this module does no I/O.
 *
 * Invariants: unread bytes are buf[start..end); bytes buf[start..start+scanned) hold no
 * newline (so a slow writer costs no rescans); buf has CH_STREAM_PADDING readable bytes past
 * cap, so every line handed out is followed by that many readable bytes.
 *
 * Bounds: the buffer grows to at most max_line + one read chunk. A line longer than max_line
 * is skipped: ch_linebuf_next reports it once (CH_LB_TOO_LONG) as soon as it is known to be
 * too long, and the bytes up to its newline are discarded as they come.
 *
 * Lines: '\n' ends a line; a '\r' before it is removed. Blank lines (only spaces, tabs, '\r')
 * are counted but not handed out. `taken` counts every byte consumed (lines and their
 * newlines, skipped bytes), which is the byte offset of the next line in the input.
 */
#ifndef CH_LINEBUF_H
#define CH_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_LINEBUF_CHUNK ((size_t)64 * 1024)

typedef struct ch_linebuf {
    char *buf;
    size_t cap, start, end, scanned;
    size_t max_line;
    bool skipping;                /* inside a too-long line: drop bytes up to its newline */
    uint64_t lineno;              /* lines ended so far (blank and skipped ones included) */
    uint64_t taken;               /* bytes consumed (see above) */
} ch_linebuf;

enum {
    CH_LB_NONE = 0,               /* no complete line buffered */
    CH_LB_LINE = 1,               /* *line, *len: the next line; *lineno its number */
    CH_LB_TOO_LONG = 2,           /* line *lineno is longer than max_line and is skipped */
};

/* max_line > 0. Returns 0 or CHORUS_ENOMEM. */
int ch_linebuf_init(ch_linebuf *lb, size_t max_line);
void ch_linebuf_free(ch_linebuf *lb);

/* Room to read into: at least min(CH_LINEBUF_CHUNK, what the bound allows) bytes at *p.
 * Invalidates lines handed out before. Returns 0 or CHORUS_ENOMEM. */
int ch_linebuf_space(ch_linebuf *lb, char **p, size_t *room);
/* n bytes were written at the space returned last. */
void ch_linebuf_commit(ch_linebuf *lb, size_t n);

/* The next complete line, if any. *line stays valid until ch_linebuf_space/reset/free. */
int ch_linebuf_next(ch_linebuf *lb, const char **line, size_t *len, uint64_t *lineno);
/* At the end of the input: the held partial line as a last line (CH_LB_LINE), or CH_LB_NONE
 * (nothing held, a blank remainder, or the end of a skipped line). */
int ch_linebuf_flush(ch_linebuf *lb, const char **line, size_t *len, uint64_t *lineno);

/* Bytes held that are not yet part of a complete line. */
size_t ch_linebuf_pending(const ch_linebuf *lb);
/* Drops everything held (a truncated file); counters are kept. */
void ch_linebuf_reset(ch_linebuf *lb);

#endif
