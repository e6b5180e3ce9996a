/*
 * input.c — buffered line reader over plain, gzip and zstd streams (see input.h).
 *
 * Layout: compressed bytes are read into `raw` (256 KiB); decompressed bytes land in `buf`,
 * a window holding the unread part of the stream. A line is found with memchr; when the
 * window holds no newline, the unread tail is moved to the front and the window refilled,
 * growing up to max_line + one chunk. A longer line switches to skip mode: bytes are
 * discarded up to the next newline and the line is reported as too long. So memory is
 * bounded by max_line whatever the file size.
 */
#include "ingest/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "chorus.h"
#include "core/alloc.h"

#define RAW_CHUNK ((size_t)256 * 1024)
#define BUF_INITIAL ((size_t)1024 * 1024)
#define PEEK_BYTES ((size_t)64 * 1024)

struct ch_input {
    int fd;                       /* -1 for memory input */
    bool own_fd;
    const unsigned char *mem;     /* memory input */
    size_t mem_len, mem_pos;
    ch_compression comp;
    z_stream gz;
    bool gz_init, gz_member_done;
    ZSTD_DStream *zs;
    size_t zs_last;               /* last ZSTD_decompressStream hint: 0 = frame complete */
    unsigned char *raw;
    size_t raw_pos, raw_len;
    bool raw_eof;
    unsigned char *buf;           /* window, cap + CH_INPUT_PADDING bytes allocated */
    size_t cap, pos, end;
    bool eof;                     /* no more decompressed data will come */
    bool truncated, failed, error_reported;
    char err[160];
    size_t max_line;
    uint64_t lineno;
    int64_t file_size;
    uint64_t file_consumed, bytes;
};

static int read_raw(ch_input *in)
{
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return CHORUS_OK;
    in->raw_pos = in->raw_len = 0;
    if (in->fd < 0) {
        size_t n = in->mem_len - in->mem_pos;
        if (n > RAW_CHUNK)
            n = RAW_CHUNK;
        memcpy(in->raw, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        in->raw_len = n;
    } else {
        ssize_t n;
        do {
            n = read(in->fd, in->raw, RAW_CHUNK);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            snprintf(in->err, sizeof in->err, "read error: %s", strerror(errno));
            in->failed = true;
            return CHORUS_EIO;
        }
        in->raw_len = (size_t)n;
    }
    in->file_consumed += in->raw_len;
    if (in->raw_len == 0)
        in->raw_eof = true;
    return CHORUS_OK;
}

/* Decompresses (or copies) into buf[end..cap). Sets eof at the end of the stream. */
static int fill(ch_input *in)
{
    size_t room = in->cap - in->end;
    while (room > 0 && !in->eof) {
        int rc = read_raw(in);
        if (rc)
            return rc;
        size_t avail = in->raw_len - in->raw_pos;
        if (in->comp == CH_COMP_NONE) {
            if (in->raw_eof) {
                in->eof = true;
                break;
            }
            size_t n = avail < room ? avail : room;
            memcpy(in->buf + in->end, in->raw + in->raw_pos, n);
            in->raw_pos += n;
            in->end += n;
            room -= n;
            continue;
        }
        if (in->comp == CH_COMP_GZIP) {
            if (in->raw_eof) {
                if (!in->gz_member_done) {
                    in->truncated = true;
                    snprintf(in->err, sizeof in->err, "gzip stream truncated");
                }
                in->eof = true;
                break;
            }
            if (in->gz_member_done) {
                /* Concatenated members (gzip a b > c) are one stream. */
                if (inflateReset(&in->gz) != Z_OK)
                    goto gz_bad;
                in->gz_member_done = false;
            }
            in->gz.next_in = in->raw + in->raw_pos;
            in->gz.avail_in = (uInt)avail;
            in->gz.next_out = in->buf + in->end;
            in->gz.avail_out = (uInt)room;
            int zr = inflate(&in->gz, Z_NO_FLUSH);
            size_t produced = room - in->gz.avail_out;
            in->raw_pos = in->raw_len - in->gz.avail_in;
            in->end += produced;
            room -= produced;
            if (zr == Z_STREAM_END) {
                in->gz_member_done = true;
            } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            gz_bad:
                snprintf(in->err, sizeof in->err, "corrupt gzip data: %s",
                         in->gz.msg ? in->gz.msg : "inflate failed");
                in->failed = true;
                in->eof = true;
                break;
            }
            continue;
        }
        /* zstd */
        if (in->raw_eof) {
            if (in->zs_last != 0) {
                in->truncated = true;
                snprintf(in->err, sizeof in->err, "zstd stream truncated");
            }
            in->eof = true;
            break;
        }
        ZSTD_inBuffer ib = {in->raw, in->raw_len, in->raw_pos};
        ZSTD_outBuffer ob = {in->buf + in->end, room, 0};
        size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
        if (ZSTD_isError(zr)) {
            snprintf(in->err, sizeof in->err, "corrupt zstd data: %s", ZSTD_getErrorName(zr));
            in->failed = true;
            in->eof = true;
            break;
        }
        in->zs_last = zr;
        in->raw_pos = ib.pos;
        in->end += ob.pos;
        room -= ob.pos;
    }
    return CHORUS_OK;
}

static int setup(ch_input *in, size_t max_line)
{
    in->max_line = max_line ? max_line : CH_INPUT_MAX_LINE_DEFAULT;
    in->raw = ch_malloc(RAW_CHUNK);
    in->cap = BUF_INITIAL;
    /* Small in-memory inputs (tests, fuzzers) start with a small window; it grows anyway. */
    if (in->fd < 0 && in->mem_len < BUF_INITIAL / 4)
        in->cap = 4096;
    in->buf = ch_malloc(in->cap + CH_INPUT_PADDING);
    if (!in->raw || !in->buf)
        return CHORUS_ENOMEM;
    /* Only the padding needs defined bytes: parsers may read it but never use its value. */
    memset(in->buf + in->cap, 0, CH_INPUT_PADDING);
    int rc = read_raw(in);
    if (rc)
        return rc;
    const unsigned char *m = in->raw;
    if (in->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        in->comp = CH_COMP_GZIP;
        if (inflateInit2(&in->gz, 15 + 32) != Z_OK)
            return CHORUS_ENOMEM;
        in->gz_init = true;
    } else if (in->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        in->comp = CH_COMP_ZSTD;
        in->zs = ZSTD_createDStream();
        if (!in->zs)
            return CHORUS_ENOMEM;
        ZSTD_initDStream(in->zs);
        /* Reddit dumps (Pushshift, Arctic Shift) are compressed with --long=31: a 2 GiB
         * window, above the decoder's default limit of 2^27. The decoder allocates a window
         * only as large as a frame declares (or its content, when smaller), so raising the
         * limit costs nothing for ordinary files. 32-bit builds stop at 2^30. */
        ZSTD_DCtx_setParameter(in->zs, ZSTD_d_windowLogMax, sizeof(size_t) == 4 ? 30 : 31);
        in->zs_last = 1;
    }
    return CHORUS_OK;
}

int ch_input_open(const char *path, size_t max_line, ch_input **out, char *err, size_t errlen)
{
    *out = NULL;
    ch_input *in = ch_calloc(1, sizeof *in);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    in->file_size = -1;
    if (strcmp(path, "-") == 0) {
        in->fd = 0;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
            ch_free(in);
            return CHORUS_EIO;
        }
        in->own_fd = true;
        struct stat st;
        if (fstat(in->fd, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                snprintf(err, errlen, "cannot read '%s': is a directory", path);
                ch_input_close(in);
                return CHORUS_EIO;
            }
            if (S_ISREG(st.st_mode))
                in->file_size = (int64_t)st.st_size;
        }
    }
    int rc = setup(in, max_line);
    if (rc) {
        snprintf(err, errlen, "cannot read '%s': %s", path,
                 in->err[0] ? in->err : chorus_strerror((chorus_err)rc));
        ch_input_close(in);
        return rc;
    }
    *out = in;
    return CHORUS_OK;
}

int ch_input_open_mem(const void *data, size_t len, size_t max_line, ch_input **out)
{
    *out = NULL;
    ch_input *in = ch_calloc(1, sizeof *in);
    if (!in)
        return CHORUS_ENOMEM;
    in->fd = -1;
    in->mem = data;
    in->mem_len = len;
    in->file_size = (int64_t)len;
    int rc = setup(in, max_line);
    if (rc) {
        ch_input_close(in);
        return rc;
    }
    *out = in;
    return CHORUS_OK;
}

void ch_input_close(ch_input *in)
{
    if (!in)
        return;
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    if (in->gz_init)
        inflateEnd(&in->gz);
    if (in->zs)
        ZSTD_freeDStream(in->zs);
    ch_free(in->raw);
    ch_free(in->buf);
    ch_free(in);
}

/* Moves unread bytes to the front and makes room, growing the window up to the limit. */
static int make_room(ch_input *in)
{
    if (in->pos > 0) {
        memmove(in->buf, in->buf + in->pos, in->end - in->pos);
        in->end -= in->pos;
        in->pos = 0;
    }
    if (in->end == in->cap) {
        size_t limit = in->max_line + RAW_CHUNK;
        if (in->cap >= limit)
            return CHORUS_ELIMIT;
        size_t ncap = in->cap * 2 > limit ? limit : in->cap * 2;
        unsigned char *nb = ch_realloc(in->buf, ncap + CH_INPUT_PADDING);
        if (!nb)
            return CHORUS_ENOMEM;
        memset(nb + ncap, 0, CH_INPUT_PADDING);
        in->buf = nb;
        in->cap = ncap;
    }
    return CHORUS_OK;
}

/* Discards bytes up to and including the next newline. */
static int skip_line(ch_input *in)
{
    for (;;) {
        unsigned char *nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
        if (nl) {
            in->pos = (size_t)(nl - in->buf) + 1;
            return CHORUS_OK;
        }
        in->pos = in->end = 0;
        if (in->eof)
            return CHORUS_OK;
        int rc = fill(in);
        if (rc)
            return rc;
    }
}

static int report_error(ch_input *in, uint64_t *lineno)
{
    in->error_reported = true;
    *lineno = in->lineno + 1;
    return CH_LINE_ERROR;
}

int ch_input_line(ch_input *in, const char **line, size_t *len, uint64_t *lineno)
{
    size_t scan = in->pos;
    for (;;) {
        unsigned char *nl = memchr(in->buf + scan, '\n', in->end - scan);
        if (nl) {
            size_t start = in->pos, stop = (size_t)(nl - in->buf);
            in->pos = stop + 1;
            in->lineno++;
            *lineno = in->lineno;
            if (stop - start > in->max_line)
                return CH_LINE_TOO_LONG;
            if (stop > start && in->buf[stop - 1] == '\r')
                stop--;
            in->bytes += (uint64_t)(in->pos - start);
            *line = (const char *)in->buf + start;
            *len = stop - start;
            return CH_LINE_OK;
        }
        if (in->end - in->pos > in->max_line) {
            /* Over the limit with no newline in sight: skip to the next one. */
            in->pos = in->end;
            int rc = skip_line(in);
            in->lineno++;
            *lineno = in->lineno;
            if (rc)
                return report_error(in, lineno);
            return CH_LINE_TOO_LONG;
        }
        if (in->eof) {
            if ((in->failed || in->truncated) && !in->error_reported) {
                /* A partial last line of a broken stream is not a record. */
                in->pos = in->end;
                return report_error(in, lineno);
            }
            if (in->pos < in->end) {
                size_t start = in->pos, stop = in->end;
                in->pos = in->end;
                in->lineno++;
                *lineno = in->lineno;
                if (stop > start && in->buf[stop - 1] == '\r')
                    stop--;
                in->bytes += (uint64_t)(in->end - start);
                in->buf[in->end] = '\0';
                *line = (const char *)in->buf + start;
                *len = stop - start;
                return CH_LINE_OK;
            }
            return CH_LINE_EOF;
        }
        size_t scanned = in->end - in->pos;
        int rc = make_room(in);
        if (rc == CHORUS_ELIMIT) {
            in->pos = in->end;
            continue;
        }
        if (rc)
            return report_error(in, lineno);
        if ((rc = fill(in)))
            return report_error(in, lineno);
        scan = in->pos + scanned;
        if (in->failed && in->end == scan && !in->eof)
            return report_error(in, lineno);
    }
}

int ch_input_peek(ch_input *in, const char **data, size_t *len)
{
    while (in->end - in->pos < PEEK_BYTES && !in->eof) {
        int rc = make_room(in);
        if (rc == CHORUS_ELIMIT)
            break;
        if (rc)
            return rc;
        if ((rc = fill(in)))
            return rc;
    }
    *data = (const char *)in->buf + in->pos;
    *len = in->end - in->pos;
    return CHORUS_OK;
}

ch_compression ch_input_compression(const ch_input *in) { return in->comp; }
const char *ch_input_error(const ch_input *in) { return in->err[0] ? in->err : "read error"; }
bool ch_input_truncated(const ch_input *in) { return in->truncated; }
int64_t ch_input_file_size(const ch_input *in) { return in->file_size; }
uint64_t ch_input_file_consumed(const ch_input *in) { return in->file_consumed; }
uint64_t ch_input_bytes(const ch_input *in) { return in->bytes; }
