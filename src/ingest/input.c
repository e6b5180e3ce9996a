/*
 * input.c — buffered line reader over plain, gzip and zstd streams, with recovery from
 * damaged members and frames (see input.h; "member" below means a gzip member or a zstd
 * frame).
 *
 * Compressed bytes: `raw` holds a chunk of the source (256 KiB) that starts at absolute
 * offset raw_base; raw_pos is the next byte to decode. Going back to resynchronise is a move
 * inside raw, or a seek for regular files and memory.
 *
 * Window: decompressed bytes land in `buf`:
 *
 *     [0, pos) consumed | [pos, vis) visible | [vis, end) held | [end, cap) free
 *
 * Visible bytes are handed out as lines; held bytes are output of the current member that
 * waits for the member's check value. buf[cap] is a spare byte for the line break put before
 * a damaged region, and CH_INPUT_PADDING readable bytes follow. A line is found with memchr
 * in [pos, vis); when there is none, the unread part is moved to the front and the window
 * refilled, growing up to `limit` (max_line + one raw chunk, plus CH_INPUT_HOLD for
 * compressed input). A longer line switches to skip mode: bytes are discarded up to the next
 * newline and the line is reported as too long. So memory is bounded whatever the file size.
 *
 * Damage: a member that fails opens a damaged region at its start and its held bytes are
 * dropped; decoding goes back to one byte after the member start and searches for the next
 * member. The region closes when a member is released (verified, too large to hold, or cut
 * by the end of the input), or at the end of the input, and becomes an event queued at the
 * window offset where the released data begins: it is delivered between the right lines.
 * Decoding pauses while DAMAGE_QUEUE events wait, which bounds the queue.
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
#include <zstd_errors.h>

#include "chorus.h"
#include "core/alloc.h"

#define RAW_CHUNK ((size_t)256 * 1024)
#define BUF_INITIAL ((size_t)1024 * 1024)
/* Output per decoder call, and per fill while nothing is held: the parser then reads bytes
 * that are still in cache. */
#define FILL_STEP ((size_t)1024 * 1024)
#define PEEK_BYTES ((size_t)64 * 1024)
/* Bytes needed to judge whether a member starts here (the longest zstd frame header). */
#define HEADER_PEEK 18
#define GZIP_HEADER 10
#define DAMAGE_QUEUE 16
#define MSG_MAX 256

typedef enum dmg_kind {
    DMG_CORRUPT,   /* the member could not be decompressed */
    DMG_CHECKSUM,  /* it decompressed but its check value did not match */
    DMG_GARBAGE    /* the bytes are no member at all */
} dmg_kind;

typedef struct dmg_event {
    size_t at;                    /* window offset where it is delivered */
    uint64_t from, to;
    ch_reason reason;
    bool partly_read;
    char msg[MSG_MAX];
} dmg_event;

struct ch_input {
    int fd;                       /* -1 for memory input */
    bool own_fd, seekable;
    int64_t fd_origin;            /* file offset where reading began (stdin need not be at 0) */
    const unsigned char *mem;     /* memory input */
    size_t mem_len, mem_pos;
    ch_compression comp;

    unsigned char *raw;
    size_t raw_pos, raw_len;
    uint64_t raw_base;            /* source offset of raw[0] */
    bool raw_eof;                 /* the source has no more bytes after raw[raw_len) */

    z_stream gz;
    bool gz_init;
    ZSTD_DStream *zs;
    bool in_member;               /* decoding a member (else: at a member boundary) */
    uint64_t members;             /* members whose bytes were handed out */
    bool streamed;                /* the member handed out bytes before its check */
    uint64_t member_start;

    bool dmg_open;                /* a damaged region [dmg_from, ...) is being skipped */
    dmg_kind dmg_kind;
    bool dmg_partly;
    uint64_t dmg_from;
    char dmg_detail[96];

    dmg_event q[DAMAGE_QUEUE];    /* ring of regions waiting to be delivered, in order */
    size_t q_head, q_n;
    ch_input_damage last;
    char last_msg[MSG_MAX];
    bool report_damage;
    uint64_t unreadable;

    unsigned char *buf;           /* cap + 1 + CH_INPUT_PADDING bytes allocated */
    size_t cap, limit, pos, vis, end;
    bool eof;                     /* no more decompressed data will come */
    bool truncated, failed, error_reported;
    char err[MSG_MAX];
    size_t max_line;
    uint64_t lineno;
    int64_t file_size;
    uint64_t file_consumed, bytes;
};

/* ---- compressed bytes -------------------------------------------------------------------- */

static uint64_t raw_offset(const ch_input *in)
{
    return in->raw_base + in->raw_pos;
}

/* Appends what the source gives (up to the chunk) after raw[raw_len). */
static int raw_read(ch_input *in)
{
    size_t room = RAW_CHUNK - in->raw_len, n;
    if (in->fd < 0) {
        n = in->mem_len - in->mem_pos;
        if (n > room)
            n = room;
        if (n)
            memcpy(in->raw + in->raw_len, in->mem + in->mem_pos, n);
        in->mem_pos += n;
    } else {
        ssize_t r;
        do {
            r = read(in->fd, in->raw + in->raw_len, room);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            snprintf(in->err, sizeof in->err, "read error: %s", strerror(errno));
            in->failed = true;
            return CHORUS_EIO;
        }
        n = (size_t)r;
    }
    if (n == 0)
        in->raw_eof = true;
    in->raw_len += n;
    if (in->raw_base + in->raw_len > in->file_consumed)
        in->file_consumed = in->raw_base + in->raw_len;
    return CHORUS_OK;
}

/* Makes at least `want` (<= RAW_CHUNK) bytes available at raw + raw_pos; fewer only at the
 * end of the source. */
static int raw_need(ch_input *in, size_t want)
{
    size_t avail = in->raw_len - in->raw_pos;
    if (avail >= want || in->raw_eof)
        return CHORUS_OK;
    if (in->raw_pos > 0) {
        memmove(in->raw, in->raw + in->raw_pos, avail);
        in->raw_base += in->raw_pos;
        in->raw_pos = 0;
        in->raw_len = avail;
    }
    while (in->raw_len < want && !in->raw_eof) {
        int rc = raw_read(in);
        if (rc)
            return rc;
    }
    return CHORUS_OK;
}

/* Moves the decoding position back to source offset `off` (<= the current one). Regular
 * files and memory re-read; a pipe can only go back to the oldest byte raw still holds. */
static void raw_seek(ch_input *in, uint64_t off)
{
    if (off >= in->raw_base) {
        uint64_t rel = off - in->raw_base;
        in->raw_pos = rel < in->raw_len ? (size_t)rel : in->raw_len;
        return;
    }
    if (in->fd < 0) {
        in->mem_pos = (size_t)off;
    } else if (!in->seekable ||
               lseek(in->fd, (off_t)(in->fd_origin + (int64_t)off), SEEK_SET) < 0) {
        in->raw_pos = 0;
        return;
    }
    in->raw_base = off;
    in->raw_pos = in->raw_len = 0;
    in->raw_eof = false;
}

/* ---- members and damaged regions --------------------------------------------------------- */

static const char *member_word(const ch_input *in)
{
    return in->comp == CH_COMP_GZIP ? "gzip member" : "zstd frame";
}

/* True if a member plausibly starts at p[0..n). */
static bool member_start_at(const ch_input *in, const unsigned char *p, size_t n)
{
    if (in->comp == CH_COMP_GZIP)
        return n >= GZIP_HEADER && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 &&
               (p[3] & 0xe0) == 0;
    if (n < 4)
        return false;
    bool frame = p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd;
    bool skippable = (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18;
    return (frame || skippable) && ZSTD_getFrameContentSize(p, n) != ZSTD_CONTENTSIZE_ERROR;
}

/* True if p[0..n) (the last bytes of the input) begins like a member: a header cut short. */
static bool member_prefix_at(const ch_input *in, const unsigned char *p, size_t n)
{
    static const unsigned char gz[] = {0x1f, 0x8b, 8}, zs[] = {0x28, 0xb5, 0x2f, 0xfd};
    const unsigned char *m = in->comp == CH_COMP_GZIP ? gz : zs;
    size_t mn = in->comp == CH_COMP_GZIP ? sizeof gz : sizeof zs;
    return memcmp(p, m, n < mn ? n : mn) == 0;
}

/* Opens a damaged region at `from` (or extends the open one): drops the held bytes and ends
 * the visible data with a line break so the lines on either side never join. */
static void damage_begin(ch_input *in, dmg_kind kind, uint64_t from, const char *detail)
{
    in->end = in->vis;
    if (!in->dmg_open) {
        in->dmg_open = true;
        in->dmg_kind = kind;
        in->dmg_from = from;
        in->dmg_partly = in->in_member && in->streamed;
        snprintf(in->dmg_detail, sizeof in->dmg_detail, "%s", detail ? detail : "");
        if (in->vis > in->pos && in->buf[in->vis - 1] != '\n') {
            in->buf[in->end++] = '\n'; /* end <= cap here: buf[cap] is the spare byte */
            in->vis = in->end;
        }
    }
    in->in_member = false;
    in->streamed = false;
}

/* Closes the open region at `to` and queues it at the current end of the visible data. */
static void damage_end(ch_input *in, uint64_t to, bool at_eof)
{
    dmg_event *e = &in->q[(in->q_head + in->q_n) % DAMAGE_QUEUE];
    in->q_n++;
    e->at = in->vis;
    e->from = in->dmg_from;
    e->to = to;
    e->partly_read = in->dmg_partly;
    const char *what = member_word(in);
    const char *name = in->comp == CH_COMP_GZIP ? "gzip" : "zstd";
    const char *next = at_eof ? "no further member follows" : "reading resumes at the next one";
    char head[64];
    snprintf(head, sizeof head, "bytes %llu..%llu", (unsigned long long)e->from,
             (unsigned long long)to);
    switch (in->dmg_kind) {
    case DMG_CHECKSUM:
        e->reason = CH_R_BAD_CHECKSUM;
        snprintf(e->msg, sizeof e->msg, "%s: %s fails its check (%s), its records are dropped; %s",
                 head, what, in->dmg_detail, next);
        break;
    case DMG_CORRUPT:
        e->reason = CH_R_CORRUPT_MEMBER;
        snprintf(e->msg, sizeof e->msg, "%s: corrupt %s (%s); %s", head, what, in->dmg_detail,
                 next);
        break;
    default:
        e->reason = at_eof ? CH_R_TRAILING_GARBAGE : CH_R_CORRUPT_MEMBER;
        snprintf(e->msg, sizeof e->msg, "%s: not %s data%s; skipped", head, name,
                 !in->members ? "" : at_eof ? " after the last member (trailing garbage)"
                                            : " between members");
        break;
    }
    if (e->partly_read) {
        size_t k = strlen(e->msg);
        snprintf(e->msg + k, sizeof e->msg - k,
                 " (the member is too large to hold back: records read before the damage was "
                 "found are kept)");
    }
    in->unreadable += to - e->from;
    if (!in->err[0])
        snprintf(in->err, sizeof in->err, "%s", e->msg);
    in->dmg_open = false;
}

static int member_begin(ch_input *in)
{
    in->member_start = raw_offset(in);
    in->in_member = true;
    in->streamed = false;
    if (in->comp == CH_COMP_GZIP) {
        if (inflateReset(&in->gz) != Z_OK)
            return CHORUS_EINTERNAL;
    } else {
        ZSTD_DCtx_reset(in->zs, ZSTD_reset_session_only);
    }
    return CHORUS_OK;
}

/* The member decoded and its check value matched: its bytes become visible. */
static void member_ok(ch_input *in)
{
    if (in->dmg_open)
        damage_end(in, in->member_start, false);
    in->vis = in->end;
    in->in_member = false;
    in->streamed = false;
    in->members++;
}

/* The member failed: its held bytes go, and the search for the next member starts one byte
 * after its start (a damaged member may hide the real start of the next one). */
static void member_fail(ch_input *in, dmg_kind kind, const char *detail)
{
    uint64_t start = in->member_start;
    if (in->streamed)
        in->vis = in->end; /* handed out as it came: so is the last piece before the damage */
    damage_begin(in, kind, start, detail);
    raw_seek(in, start + 1);
}

/* Hands out held bytes without their check: the member outgrew CH_INPUT_HOLD (or the
 * window); from now on its bytes are visible as they come. */
static void release_unverified(ch_input *in)
{
    if (in->dmg_open)
        damage_end(in, in->member_start, false);
    in->vis = in->end;
    if (!in->streamed)
        in->members++;
    in->streamed = true;
}

static void after_output(ch_input *in)
{
    size_t hold = in->members ? CH_INPUT_HOLD : CH_INPUT_HOLD_FIRST;
    if (in->streamed || in->end - in->vis >= hold)
        release_unverified(in);
}

/* The input ended inside a member: a truncated stream. What was decoded is kept. */
static void member_truncated(ch_input *in)
{
    if (in->dmg_open)
        damage_end(in, in->member_start, false);
    in->vis = in->end;
    in->in_member = false;
    in->members++;
    in->truncated = true;
    in->eof = true;
    snprintf(in->err, sizeof in->err,
             "%s stream truncated: the %s starting at byte %llu is cut at byte %llu",
             in->comp == CH_COMP_GZIP ? "gzip" : "zstd", member_word(in),
             (unsigned long long)in->member_start, (unsigned long long)raw_offset(in));
}

/* Searches from the decoding position for the next member start. *found false: the end of
 * the input was reached. */
static int find_member(ch_input *in, bool *found)
{
    for (;;) {
        int rc = raw_need(in, HEADER_PEEK);
        if (rc)
            return rc;
        size_t avail = in->raw_len - in->raw_pos;
        if (avail == 0) {
            *found = false;
            return CHORUS_OK;
        }
        const unsigned char *p = in->raw + in->raw_pos;
        /* a candidate needs HEADER_PEEK bytes to be judged, except at the end */
        size_t stop = in->raw_eof || avail < HEADER_PEEK ? avail : avail - HEADER_PEEK + 1;
        for (size_t i = 0; i < stop; i++) {
            unsigned char b = p[i];
            if ((in->comp == CH_COMP_GZIP ? b == 0x1f : b == 0x28 || (b & 0xf0) == 0x50) &&
                member_start_at(in, p + i, avail - i)) {
                in->raw_pos += i;
                *found = true;
                return CHORUS_OK;
            }
        }
        in->raw_pos += stop;
    }
}

/* At a member boundary: starts the next member, or skips what is not one. */
static int next_member(ch_input *in)
{
    int rc = raw_need(in, HEADER_PEEK);
    if (rc)
        return rc;
    size_t avail = in->raw_len - in->raw_pos;
    if (avail == 0) {
        if (in->dmg_open)
            damage_end(in, raw_offset(in), true);
        in->eof = true;
        return CHORUS_OK;
    }
    if (in->dmg_open) {
        bool found;
        if ((rc = find_member(in, &found)))
            return rc;
        if (!found) {
            damage_end(in, raw_offset(in), true);
            in->eof = true;
            return CHORUS_OK;
        }
        return member_begin(in);
    }
    const unsigned char *p = in->raw + in->raw_pos;
    if (member_start_at(in, p, avail) ||
        (in->raw_eof && avail < HEADER_PEEK && member_prefix_at(in, p, avail)))
        return member_begin(in); /* (a header cut short is reported as a truncation) */
    damage_begin(in, DMG_GARBAGE, raw_offset(in), NULL);
    in->raw_pos++;
    return CHORUS_OK;
}

/* ---- decoding steps: each decodes at most FILL_STEP bytes into buf[end, cap) --------------- */

static size_t step_room(const ch_input *in)
{
    size_t room = in->cap - in->end;
    return room < FILL_STEP ? room : FILL_STEP;
}

static int copy_step(ch_input *in)
{
    int rc = raw_need(in, 1);
    if (rc)
        return rc;
    size_t avail = in->raw_len - in->raw_pos, room = step_room(in);
    if (avail == 0) {
        in->eof = true;
        return CHORUS_OK;
    }
    size_t n = avail < room ? avail : room;
    memcpy(in->buf + in->end, in->raw + in->raw_pos, n);
    in->raw_pos += n;
    in->end += n;
    in->vis = in->end;
    return CHORUS_OK;
}

static int gz_step(ch_input *in)
{
    if (!in->in_member)
        return next_member(in);
    int rc = raw_need(in, 1);
    if (rc)
        return rc;
    size_t avail = in->raw_len - in->raw_pos, room = step_room(in);
    in->gz.next_in = in->raw + in->raw_pos;
    in->gz.avail_in = (uInt)avail;
    in->gz.next_out = in->buf + in->end;
    in->gz.avail_out = (uInt)room;
    int zr = inflate(&in->gz, Z_NO_FLUSH);
    size_t used = avail - in->gz.avail_in, made = room - in->gz.avail_out;
    in->raw_pos += used;
    in->end += made;
    if (zr == Z_STREAM_END) {
        member_ok(in);
    } else if (zr == Z_OK || (zr == Z_BUF_ERROR && (used || made))) {
        after_output(in);
    } else if (zr == Z_BUF_ERROR && avail == 0) {
        member_truncated(in);
    } else if (zr == Z_MEM_ERROR) {
        snprintf(in->err, sizeof in->err, "out of memory");
        in->failed = true;
        return CHORUS_ENOMEM;
    } else {
        const char *m = zr == Z_BUF_ERROR ? "no progress" : in->gz.msg ? in->gz.msg : "inflate failed";
        bool check = strcmp(m, "incorrect data check") == 0 ||
                     strcmp(m, "incorrect length check") == 0;
        member_fail(in, check ? DMG_CHECKSUM : DMG_CORRUPT, m);
    }
    return CHORUS_OK;
}

static int zs_step(ch_input *in)
{
    if (!in->in_member)
        return next_member(in);
    int rc = raw_need(in, 1);
    if (rc)
        return rc;
    size_t avail = in->raw_len - in->raw_pos;
    ZSTD_inBuffer ib = {in->raw + in->raw_pos, avail, 0};
    ZSTD_outBuffer ob = {in->buf + in->end, step_room(in), 0};
    size_t zr = ZSTD_decompressStream(in->zs, &ob, &ib);
    in->raw_pos += ib.pos;
    in->end += ob.pos;
    if (ZSTD_isError(zr)) {
        ZSTD_ErrorCode code = ZSTD_getErrorCode(zr);
        if (code == ZSTD_error_memory_allocation) {
            snprintf(in->err, sizeof in->err, "out of memory");
            in->failed = true;
            return CHORUS_ENOMEM;
        }
        member_fail(in, code == ZSTD_error_checksum_wrong ? DMG_CHECKSUM : DMG_CORRUPT,
                    ZSTD_getErrorName(zr));
    } else if (zr == 0) {
        member_ok(in);
    } else if (ib.pos || ob.pos) {
        after_output(in);
    } else if (avail == 0) {
        member_truncated(in);
    } else {
        member_fail(in, DMG_CORRUPT, "no progress");
    }
    return CHORUS_OK;
}

/* Decodes (or copies) into buf[end, cap). Stops when the window is full, once FILL_STEP
 * bytes were produced and nothing is held, at the end of the input, or while DAMAGE_QUEUE
 * regions wait to be delivered. */
static int fill(ch_input *in)
{
    size_t produced = 0;
    while (!in->eof && in->end < in->cap && in->q_n < DAMAGE_QUEUE) {
        if (produced >= FILL_STEP && in->end == in->vis)
            break;
        size_t before = in->end;
        int rc = in->comp == CH_COMP_NONE ? copy_step(in)
                 : in->comp == CH_COMP_GZIP ? gz_step(in)
                                            : zs_step(in);
        if (rc) {
            in->end = in->vis; /* unverified bytes of a member cut by the error */
            in->failed = true;
            in->eof = true;
            return rc;
        }
        if (in->end > before)
            produced += in->end - before;
    }
    return CHORUS_OK;
}

/* ---- opening and closing ----------------------------------------------------------------- */

static int setup(ch_input *in, size_t max_line)
{
    in->max_line = max_line ? max_line : CH_INPUT_MAX_LINE_DEFAULT;
    in->raw = ch_malloc(RAW_CHUNK);
    in->cap = BUF_INITIAL;
    /* Small in-memory inputs (tests, fuzzers) start with a small window; it grows anyway. */
    if (in->fd < 0 && in->mem_len < BUF_INITIAL / 4)
        in->cap = 4096;
    in->buf = ch_malloc(in->cap + 1 + CH_INPUT_PADDING);
    if (!in->raw || !in->buf)
        return CHORUS_ENOMEM;
    /* Only the padding needs defined bytes: parsers may read it but never use its value. */
    memset(in->buf + in->cap, 0, 1 + CH_INPUT_PADDING);
    int rc = raw_need(in, 4);
    if (rc)
        return rc;
    const unsigned char *m = in->raw;
    size_t n = in->raw_len;
    in->limit = in->max_line + RAW_CHUNK;
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        in->comp = CH_COMP_GZIP;
        if (inflateInit2(&in->gz, 15 + 16) != Z_OK)
            return CHORUS_ENOMEM;
        in->gz_init = true;
    } else if (n >= 4 && ((m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) ||
                          ((m[0] & 0xf0) == 0x50 && m[1] == 0x2a && m[2] == 0x4d &&
                           m[3] == 0x18))) {
        in->comp = CH_COMP_ZSTD;
        in->zs = ZSTD_createDStream();
        if (!in->zs)
            return CHORUS_ENOMEM;
        ZSTD_initDStream(in->zs);
    }
    if (in->comp != CH_COMP_NONE)
        in->limit += CH_INPUT_HOLD;
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
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "cannot read '%s': is a directory", path);
            ch_input_close(in);
            return CHORUS_EIO;
        }
        if (S_ISREG(st.st_mode)) {
            off_t at = lseek(in->fd, 0, SEEK_CUR);
            in->seekable = at >= 0;
            in->fd_origin = at >= 0 ? (int64_t)at : 0;
            if (in->own_fd)
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

void ch_input_report_damage(ch_input *in, bool on)
{
    in->report_damage = on;
}

/* ---- the window ------------------------------------------------------------------------- */

/* Moves unread bytes to the front and makes room, growing the window up to the limit. When
 * the window is full at the limit while bytes are held, they are handed out unverified. */
static int make_room(ch_input *in)
{
    if (in->pos > 0) {
        memmove(in->buf, in->buf + in->pos, in->end - in->pos);
        for (size_t k = 0; k < in->q_n; k++)
            in->q[(in->q_head + k) % DAMAGE_QUEUE].at -= in->pos;
        in->vis -= in->pos;
        in->end -= in->pos;
        in->pos = 0;
    }
    if (in->end >= in->cap) {
        if (in->cap >= in->limit) {
            if (in->end > in->vis) {
                release_unverified(in);
                return CHORUS_OK;
            }
            return CHORUS_ELIMIT;
        }
        size_t ncap = in->cap * 2 > in->limit ? in->limit : in->cap * 2;
        unsigned char *nb = ch_realloc(in->buf, ncap + 1 + CH_INPUT_PADDING);
        if (!nb) {
            snprintf(in->err, sizeof in->err, "out of memory");
            return CHORUS_ENOMEM;
        }
        /* a line break in the old spare byte buf[cap] was kept by realloc */
        memset(nb + ncap, 0, 1 + CH_INPUT_PADDING);
        in->buf = nb;
        in->cap = ncap;
    }
    return CHORUS_OK;
}

/* Where the visible data ends for the reader: the next damaged region, or vis. */
static size_t line_limit(const ch_input *in)
{
    return in->q_n ? in->q[in->q_head].at : in->vis;
}

/* Discards bytes up to and including the next newline (or up to a damaged region). */
static int skip_line(ch_input *in)
{
    for (;;) {
        size_t lim = line_limit(in);
        unsigned char *nl = in->pos < lim ? memchr(in->buf + in->pos, '\n', lim - in->pos) : NULL;
        if (nl) {
            in->pos = (size_t)(nl - in->buf) + 1;
            return CHORUS_OK;
        }
        in->pos = lim;
        if (in->q_n || in->eof)
            return CHORUS_OK;
        int rc = make_room(in);
        if (rc && rc != CHORUS_ELIMIT)
            return rc;
        if ((rc = fill(in)))
            return rc;
    }
}

static int report_error(ch_input *in, uint64_t *lineno)
{
    in->error_reported = true;
    *lineno = in->lineno + 1;
    return CH_LINE_ERROR;
}

static int deliver_damage(ch_input *in, uint64_t *lineno)
{
    dmg_event *e = &in->q[in->q_head];
    in->q_head = (in->q_head + 1) % DAMAGE_QUEUE;
    in->q_n--;
    memcpy(in->last_msg, e->msg, sizeof in->last_msg);
    in->last = (ch_input_damage){e->from, e->to, e->reason, e->partly_read, in->last_msg};
    *lineno = in->lineno;
    if (in->report_damage)
        return CH_LINE_DAMAGED;
    snprintf(in->err, sizeof in->err, "%s", in->last_msg);
    return CH_LINE_ERROR;
}

/* Hands out buf[start, stop) as the next line (stop: its newline, or its end). */
static int give_line(ch_input *in, size_t start, size_t stop, const char **line, size_t *len,
                     uint64_t *lineno)
{
    in->lineno++;
    *lineno = in->lineno;
    in->bytes += (uint64_t)(in->pos - start);
    if (stop > start && in->buf[stop - 1] == '\r')
        stop--;
    *line = (const char *)in->buf + start;
    *len = stop - start;
    return CH_LINE_OK;
}

int ch_input_line(ch_input *in, const char **line, size_t *len, uint64_t *lineno)
{
    size_t scan = in->pos;
    for (;;) {
        if (in->q_n && in->q[in->q_head].at <= in->pos)
            return deliver_damage(in, lineno);
        size_t lim = line_limit(in);
        unsigned char *nl = scan < lim ? memchr(in->buf + scan, '\n', lim - scan) : NULL;
        if (nl) {
            size_t start = in->pos, stop = (size_t)(nl - in->buf);
            in->pos = stop + 1;
            if (stop - start > in->max_line) {
                in->lineno++;
                *lineno = in->lineno;
                return CH_LINE_TOO_LONG;
            }
            return give_line(in, start, stop, line, len, lineno);
        }
        if (lim - in->pos > in->max_line) {
            /* Over the limit with no newline in sight: skip to the next one. */
            in->pos = lim;
            int rc = skip_line(in);
            in->lineno++;
            *lineno = in->lineno;
            if (rc)
                return report_error(in, lineno);
            return CH_LINE_TOO_LONG;
        }
        if (in->q_n) {
            /* No newline before a damaged region (one is always put there, so this is only
             * a safeguard): the bytes before it are a line of their own. */
            size_t start = in->pos;
            in->pos = lim;
            return give_line(in, start, lim, line, len, lineno);
        }
        if (in->eof) {
            if ((in->failed || in->truncated) && !in->error_reported) {
                /* A partial last line of a broken stream is not a record. */
                in->pos = in->vis;
                return report_error(in, lineno);
            }
            if (in->pos < in->vis) {
                size_t start = in->pos, stop = in->vis;
                in->pos = in->vis;
                in->buf[stop] = '\0';
                return give_line(in, start, stop, line, len, lineno);
            }
            return CH_LINE_EOF;
        }
        size_t scanned = lim - in->pos;
        int rc = make_room(in);
        scan = in->pos + scanned;
        if (rc == CHORUS_ELIMIT)
            continue; /* the window is all one line: the check above skips it */
        if (rc)
            return report_error(in, lineno);
        if ((rc = fill(in)))
            return report_error(in, lineno);
    }
}

int ch_input_peek(ch_input *in, const char **data, size_t *len)
{
    while (in->vis - in->pos < PEEK_BYTES && !in->eof && in->q_n < DAMAGE_QUEUE) {
        int rc = make_room(in);
        if (rc == CHORUS_ELIMIT)
            break;
        if (rc)
            return rc;
        if ((rc = fill(in)))
            return rc;
    }
    *data = (const char *)in->buf + in->pos;
    *len = in->vis - in->pos;
    return CHORUS_OK;
}

ch_compression ch_input_compression(const ch_input *in) { return in->comp; }
const char *ch_input_error(const ch_input *in) { return in->err[0] ? in->err : "read error"; }
bool ch_input_truncated(const ch_input *in) { return in->truncated; }
int64_t ch_input_file_size(const ch_input *in) { return in->file_size; }
uint64_t ch_input_file_consumed(const ch_input *in) { return in->file_consumed; }
uint64_t ch_input_bytes(const ch_input *in) { return in->bytes; }
const ch_input_damage *ch_input_damage_last(const ch_input *in) { return &in->last; }
uint64_t ch_input_unreadable(const ch_input *in) { return in->unreadable; }
