/*
 * source_file.c — a file of JSON lines: read to its end, or followed as it grows.
 *
 * Specs: a path, or file:PATH (for a path that would look like another kind's spec).
 *
 * Without opts.follow the file is read to its end and the source ends; a last line without a
 * newline is the last record. gzip and zstd files (recognised by their magic bytes) are read
 * through the ingest layer's decompressing reader (ingest/input.h) and are never followed.
 *
 * With opts.follow, like `tail -F`:
 *   - lines appended later are handed out as they arrive; a partial last line is held until
 *     its newline comes (never handed out half-written);
 *   - rotation by rename (or delete and re-create): when the path names a new file, the old
 *     one is read to its end first (a writer may still have appended), its held partial line
 *     is handed out as its last line, and the new file is read from its start;
 *   - truncation (copytruncate, `: > file`): when the file becomes shorter than what was
 *     read, reading restarts at its start; a held partial line is dropped. A truncation
 *     followed by writes past the old size before the next check goes unnoticed (as with
 *     tail -F): the check runs every poll_ms at the end of the file;
 *   - a path that does not exist yet, or disappears, is waited for.
 * Following starts at the beginning of the file (or at the cursor).
 *
 * Cursor: "INO:OFFSET:LINE" — the file's inode, the byte offset after the last record and
 * its line number. Given back, a plain file that is still the same inode and at least that
 * long is read from OFFSET; otherwise (replaced, truncated) it is read from the start, with a
 * warning. A compressed file's OFFSET counts decompressed bytes; it is resumed by reading
 * and dropping LINE lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "ingest/input.h"
#include "stream/linebuf.h"
#include "stream/source.h"

_Static_assert(CH_INPUT_PADDING >= CH_STREAM_PADDING, "ingest lines must carry stream padding");

typedef struct file_src {
    char *path;
    bool follow;
    /* plain files */
    int fd;                       /* -1 while waiting for the path to exist */
    dev_t dev;
    ino_t ino;
    ch_linebuf lb;
    bool at_end;                  /* the last read returned 0 */
    bool rotating;                /* the path names a new file: drain the old one first */
    bool announced_wait;
    int64_t next_check_ms;
    /* compressed files */
    ch_input *in;
    uint64_t skip_lines;
    bool stopped, done;
    char cursor[CH_STREAM_CURSOR_MAX];
} file_src;

static bool parse_cursor(const char *c, uint64_t *ino, uint64_t *off, uint64_t *line)
{
    int used = 0;
    if (sscanf(c, "%" SCNu64 ":%" SCNu64 ":%" SCNu64 "%n", ino, off, line, &used) != 3)
        return false;
    return c[used] == '\0';
}

static void set_cursor(file_src *f, uint64_t off, uint64_t line)
{
    snprintf(f->cursor, sizeof f->cursor, "%" PRIu64 ":%" PRIu64 ":%" PRIu64, (uint64_t)f->ino,
             off, line);
}

static bool compressed_magic(int fd)
{
    unsigned char m[4];
    ssize_t n = pread(fd, m, sizeof m, 0);
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return true;
    return n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd;
}

/* Opens f->path as the current plain file. Returns 0, ENOENT-like "not there" (1), or -1
 * with errno set. */
static int open_plain(file_src *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return -1;
    }
    f->fd = fd;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->at_end = false;
    return 0;
}

static int file_open(ch_source *src, const char *target, const char *cursor, char *err,
                     size_t errlen)
{
    const ch_stream_opts *o = ch_source_opts(src);
    uint64_t c_ino = 0, c_off = 0, c_line = 0;
    if (!*target) {
        ch_stream_errf(err, errlen, "empty file name");
        return CHORUS_EUSAGE;
    }
    if (cursor && !parse_cursor(cursor, &c_ino, &c_off, &c_line)) {
        ch_stream_errf(err, errlen, "bad cursor '%s' for file '%s' (want INO:OFFSET:LINE)",
                       cursor, target);
        return CHORUS_EUSAGE;
    }
    file_src *f = ch_calloc(1, sizeof *f);
    if (!f)
        return CHORUS_ENOMEM;
    f->fd = -1;
    f->follow = o->follow;
    f->path = ch_strndup(target, strlen(target));
    if (!f->path || ch_linebuf_init(&f->lb, o->max_record)) {
        ch_free(f->path);
        ch_free(f);
        return CHORUS_ENOMEM;
    }
    src->impl = f;
    src->stats.state = CH_SOURCE_READING;
    int r = open_plain(f);
    if (r != 0) {
        if (r == 1 && f->follow) {
            set_cursor(f, 0, 0);
            return CHORUS_OK; /* waited for in next() */
        }
        ch_stream_errf(err, errlen, "cannot open '%s': %s", target,
                       r == 1 ? strerror(ENOENT) : strerror(errno));
        return CHORUS_EIO;
    }
    if (compressed_magic(f->fd)) {
        close(f->fd);
        f->fd = -1;
        int rc = ch_input_open(target, o->max_record, &f->in, err, errlen);
        if (rc)
            return rc;
        if (f->follow)
            ch_source_diag(src, CH_STREAM_WARN,
                           "compressed file: read to its end, not followed");
        f->follow = false;
        f->skip_lines = cursor ? c_line : 0;
        snprintf(f->cursor, sizeof f->cursor, "%s", cursor ? cursor : "");
        if (!cursor)
            set_cursor(f, 0, 0);
        return CHORUS_OK;
    }
    if (cursor) {
        struct stat st;
        if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_ino == c_ino &&
            (uint64_t)st.st_size >= c_off && lseek(f->fd, (off_t)c_off, SEEK_SET) >= 0) {
            f->lb.taken = c_off;
            f->lb.lineno = c_line;
        } else {
            ch_source_diag(src, CH_STREAM_WARN,
                           "not the file the cursor was taken from (replaced or truncated): "
                           "reading it from the start");
        }
    }
    set_cursor(f, f->lb.taken, f->lb.lineno);
    return CHORUS_OK;
}

static int next_compressed(ch_source *src, file_src *f, ch_stream_rec *rec)
{
    const char *line;
    size_t len;
    uint64_t no;
    for (;;) {
        if (f->stopped)
            return CH_STREAM_END;
        int r = ch_input_line(f->in, &line, &len, &no);
        if (r == CH_LINE_OK) {
            if (no <= f->skip_lines)
                continue;
            size_t i = 0;
            while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
                i++;
            if (i == len)
                continue;
            rec->data = line;
            rec->len = len;
            rec->line = no;
            set_cursor(f, ch_input_bytes(f->in), no);
            return CH_STREAM_REC;
        }
        if (r == CH_LINE_TOO_LONG) {
            src->stats.skipped++;
            ch_source_diag(src, CH_STREAM_WARN, "line %" PRIu64 " is longer than %zu bytes: skipped",
                           no, ch_source_opts(src)->max_record);
            continue;
        }
        if (r == CH_LINE_ERROR) {
            src->stats.failed = true;
            ch_source_diag(src, CH_STREAM_FAIL, "%s", ch_input_error(f->in));
            return CH_STREAM_END;
        }
        if (ch_input_truncated(f->in))
            ch_source_diag(src, CH_STREAM_WARN, "%s", ch_input_error(f->in));
        return CH_STREAM_END;
    }
}

/* The path names a different file than the one open (or none): 1 rotated, 0 same, -1 gone. */
static int path_changed(const file_src *f)
{
    struct stat st;
    if (stat(f->path, &st) != 0)
        return -1;
    return st.st_dev != f->dev || st.st_ino != f->ino ? 1 : 0;
}

static int file_next(ch_source *src, ch_stream_rec *rec, int64_t *wake_ms)
{
    file_src *f = src->impl;
    if (f->in)
        return next_compressed(src, f, rec);
    const ch_stream_opts *o = ch_source_opts(src);
    const char *line;
    size_t len;
    uint64_t no;
    for (;;) {
        int r = ch_linebuf_next(&f->lb, &line, &len, &no);
        /* End of a file that will not grow (not followed, or rotated away): its partial
         * last line is complete. */
        if (r == CH_LB_NONE && f->at_end && (!f->follow || f->rotating))
            r = ch_linebuf_flush(&f->lb, &line, &len, &no);
        if (r == CH_LB_LINE) {
            rec->data = line;
            rec->len = len;
            rec->line = no;
            set_cursor(f, f->lb.taken, f->lb.lineno);
            return CH_STREAM_REC;
        }
        if (r == CH_LB_TOO_LONG) {
            src->stats.skipped++;
            ch_source_diag(src, CH_STREAM_WARN, "line %" PRIu64 " is longer than %zu bytes: skipped",
                           no, o->max_record);
            continue;
        }
        if (f->stopped) {
            if (ch_linebuf_pending(&f->lb) > 0 && f->follow)
                src->stats.partial_dropped++;
            return CH_STREAM_END;
        }
        int64_t now = ch_stream_now_ms();
        if (f->fd < 0) {
            /* Waiting for the path to (re)appear. */
            if (now < f->next_check_ms) {
                *wake_ms = f->next_check_ms;
                return CH_STREAM_IDLE;
            }
            f->next_check_ms = now + o->poll_ms;
            int op = open_plain(f);
            if (op == 1) {
                if (!f->announced_wait) {
                    ch_source_diag(src, CH_STREAM_INFO, "waiting for the file to appear");
                    f->announced_wait = true;
                }
                *wake_ms = f->next_check_ms;
                return CH_STREAM_IDLE;
            }
            if (op < 0) {
                src->stats.failed = true;
                ch_source_diag(src, CH_STREAM_FAIL, "cannot open: %s", strerror(errno));
                return CH_STREAM_END;
            }
            if (f->announced_wait)
                ch_source_diag(src, CH_STREAM_INFO, "file appeared: reading it");
            f->announced_wait = false;
            f->lb.taken = 0;
            f->lb.lineno = 0;
            continue;
        }
        if (f->at_end) {
            if (!f->follow)
                return CH_STREAM_END;
            if (f->rotating) {
                /* Old file drained: switch to the one the path names now. */
                close(f->fd);
                f->fd = -1;
                f->rotating = false;
                ch_linebuf_reset(&f->lb);
                src->stats.rotations++;
                ch_source_diag(src, CH_STREAM_INFO, "file was rotated: reading the new one");
                f->next_check_ms = 0;
                continue;
            }
            if (now < f->next_check_ms) {
                *wake_ms = f->next_check_ms;
                return CH_STREAM_IDLE;
            }
            f->next_check_ms = now + o->poll_ms;
            struct stat st;
            uint64_t pos = f->lb.taken + ch_linebuf_pending(&f->lb);
            if (fstat(f->fd, &st) != 0) {
                src->stats.failed = true;
                ch_source_diag(src, CH_STREAM_FAIL, "cannot stat: %s", strerror(errno));
                return CH_STREAM_END;
            }
            if ((uint64_t)st.st_size < pos) {
                src->stats.truncations++;
                if (ch_linebuf_pending(&f->lb) > 0)
                    src->stats.partial_dropped++;
                ch_linebuf_reset(&f->lb);
                f->lb.taken = 0;
                f->lb.lineno = 0;
                if (lseek(f->fd, 0, SEEK_SET) < 0) {
                    src->stats.failed = true;
                    ch_source_diag(src, CH_STREAM_FAIL, "cannot seek: %s", strerror(errno));
                    return CH_STREAM_END;
                }
                ch_source_diag(src, CH_STREAM_WARN, "file was truncated: reading it from the "
                                                    "start");
                f->at_end = false;
                continue;
            }
            if (path_changed(f) == 1) {
                /* One more pass over the old file before switching. */
                f->rotating = true;
            } else if ((uint64_t)st.st_size == pos) {
                *wake_ms = f->next_check_ms;
                return CH_STREAM_IDLE;
            }
            f->at_end = false;
        }
        char *p;
        size_t room;
        if (ch_linebuf_space(&f->lb, &p, &room))
            return CH_STREAM_ERROR;
        ssize_t n = read(f->fd, p, room);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* a named pipe with no data yet */
                *wake_ms = now + o->poll_ms;
                return CH_STREAM_IDLE;
            }
            src->stats.failed = true;
            ch_source_diag(src, CH_STREAM_FAIL, "read error: %s", strerror(errno));
            return CH_STREAM_END;
        }
        if (n == 0) {
            f->at_end = true;
            if (f->follow && !f->rotating)
                f->next_check_ms = now; /* check growth, truncation, rotation right away */
            continue;
        }
        ch_linebuf_commit(&f->lb, (size_t)n);
    }
}

static const char *file_cursor(const ch_source *src)
{
    return ((const file_src *)src->impl)->cursor;
}

static void file_stop(ch_source *src)
{
    ((file_src *)src->impl)->stopped = true;
}

static void file_close(ch_source *src)
{
    file_src *f = src->impl;
    if (f->fd >= 0)
        close(f->fd);
    ch_input_close(f->in);
    ch_linebuf_free(&f->lb);
    ch_free(f->path);
    ch_free(f);
    src->impl = NULL;
}

const ch_source_kind ch_source_file = {
    .name = "file",
    .prefix = "file:",
    .fallback = true,
    .summary = "a file of JSON lines (plain, gzip or zstd): read to its end, or followed as it "
               "grows with --follow (rotation and truncation handled, like tail -F)",
    .example = "posts.jsonl",
    .open = file_open,
    .next = file_next,
    .cursor = file_cursor,
    .stop = file_stop,
    .close = file_close,
};
