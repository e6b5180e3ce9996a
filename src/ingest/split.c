/* split.c — slices of one input read by several ranks, captured and replayed in file order
 * (see split.h). */
#include "ingest/split.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "ingest/ingest.h"

/* Event tags of a capture. */
enum { EV_POST = 'P', EV_REJECT = 'R', EV_FILE = 'F' };

bool ch_split_plan(const char *path, const ch_ingest_opts *opts, int nranks,
                   const ch_reader **reader)
{
    *reader = NULL;
    if (nranks < 2 || !strcmp(path, "-"))
        return false;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < CH_SPLIT_MIN_BYTES)
        return false;
    char err[256];
    ch_input *in;
    if (ch_input_open(path, opts->max_line, &in, err, sizeof err))
        return false;
    const char *data;
    size_t len;
    const ch_reader *r = opts->reader;
    bool ok = ch_input_peek(in, &data, &len) == 0 && len > 0 &&
              ch_input_compression(in) == CH_COMP_NONE && (r || (r = ch_ingest_sniff(data, len)));
    ch_input_close(in);
    if (!ok || !r->splittable)
        return false;
    *reader = r;
    return true;
}

/* The first line start at or after byte `pos` of m[0..size). */
static uint64_t line_start(const unsigned char *m, uint64_t size, uint64_t pos)
{
    if (pos == 0)
        return 0;
    if (pos >= size)
        return size;
    const unsigned char *nl = memchr(m + pos - 1, '\n', size - (pos - 1));
    return nl ? (uint64_t)(nl - m) + 1 : size;
}

/* ---- capturing --------------------------------------------------------------------------- */

static int put(ch_capture *c, const void *p, size_t n)
{
    size_t need;
    if (!ch_add_ok(c->len, n, &need))
        return CHORUS_ENOMEM;
    if (need > c->cap) {
        size_t cap = c->cap ? c->cap : 1 << 16;
        while (cap < need)
            if (!ch_mul_ok(cap, 2, &cap))
                return CHORUS_ENOMEM;
        unsigned char *b = ch_realloc(c->buf, cap);
        if (!b)
            return CHORUS_ENOMEM;
        c->buf = b;
        c->cap = cap;
    }
    if (n)
        memcpy(c->buf + c->len, p, n);
    c->len = need;
    return CHORUS_OK;
}

static int put_u8(ch_capture *c, unsigned v)
{
    unsigned char b = (unsigned char)v;
    return put(c, &b, 1);
}

static int put_u64(ch_capture *c, uint64_t v) { return put(c, &v, sizeof v); }

static int put_str(ch_capture *c, ch_slice s)
{
    if (s.n > UINT32_MAX)
        return CHORUS_ELIMIT;
    uint32_t n = (uint32_t)s.n;
    int rc = put(c, &n, sizeof n);
    return rc ? rc : put(c, s.p, s.n);
}

/* Called by ch_ingest_emit for a ctx with a capture. */
int ch_capture_post(ch_capture *c, uint64_t line, const ch_rawpost *r)
{
    int rc = put_u8(c, EV_POST) || put_u64(c, line) || put_u64(c, (uint64_t)r->created_at) ||
             put_u8(c, (unsigned)r->kind) || put_u8(c, r->text_html_escaped) ||
             put_u8(c, r->meta.present) || put_u64(c, (uint64_t)r->meta.created_at) ||
             put_u64(c, (uint64_t)r->meta.followers) || put_u64(c, (uint64_t)r->meta.following) ||
             put_u64(c, (uint64_t)r->meta.statuses) ||
             put_u8(c, (uint8_t)r->meta.default_profile) ||
             put_u8(c, (uint8_t)r->meta.default_profile_image) ||
             put_u8(c, (uint8_t)r->meta.verified) || put_u8(c, (uint8_t)r->meta.bot) ||
             put_u8(c, (unsigned)r->n_urls) || put_u8(c, (unsigned)r->n_hashtags) ||
             put_u8(c, (unsigned)r->n_mentions);
    if (rc)
        return CHORUS_ENOMEM;
    const ch_slice s[] = {r->id, r->author_id, r->author, r->text, r->lang, r->client,
                          r->platform, r->ref_id, r->ref_author_id, r->ref_author, r->root_id,
                          r->meta.display_name, r->meta.description};
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
        if ((rc = put_str(c, s[k])))
            return rc;
    for (size_t k = 0; k < r->n_urls; k++)
        if ((rc = put_str(c, r->urls[k])))
            return rc;
    for (size_t k = 0; k < r->n_hashtags; k++)
        if ((rc = put_str(c, r->hashtags[k])))
            return rc;
    for (size_t k = 0; k < r->n_mentions; k++)
        if ((rc = put_str(c, r->mentions[k])))
            return rc;
    return CHORUS_OK;
}

/* Called by ch_ingest_reject (line > 0 or a reason) and ch_ingest_file_diag (file level). */
int ch_capture_reject(ch_capture *c, bool file_level, uint64_t line, ch_reason reason,
                      const char *msg)
{
    ch_slice m = {msg, strlen(msg)};
    int rc = file_level ? put_u8(c, EV_FILE)
                        : put_u8(c, EV_REJECT) || put_u64(c, line) || put_u8(c, (unsigned)reason);
    return rc ? CHORUS_ENOMEM : put_str(c, m);
}

void ch_capture_free(ch_capture *cap)
{
    if (cap) {
        ch_free(cap->buf);
        memset(cap, 0, sizeof *cap);
    }
}

int ch_split_capture(const char *path, const ch_reader *r, const ch_ingest_opts *opts, int k,
                     int n, uint64_t from, ch_capture *cap)
{
    memset(cap, 0, sizeof *cap);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return CHORUS_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return CHORUS_EIO;
    }
    const uint64_t size = (uint64_t)st.st_size;
    const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return CHORUS_EIO;
    uint64_t to = size;
    if (k >= 0) {
        from = line_start(m, size, size / (uint64_t)n * (uint64_t)k);
        to = line_start(m, size, k + 1 == n ? size : size / (uint64_t)n * (uint64_t)(k + 1));
    }
    if (from > size)
        from = size;
    cap->from = from;
    int rc = CHORUS_OK;
    for (uint64_t at = from; at < to;) {
        const unsigned char *nl = memchr(m + at, '\n', to - at);
        if (!nl)
            break;
        cap->lines++;
        at = (uint64_t)(nl - m) + 1;
    }
    if (from < to) {
        /* a slice read from memory is sniffed for compression and a byte-order mark like a
         * file: a slice starting with such bytes is not what the whole-file read sees there */
        const unsigned char *s = m + from;
        const uint64_t len = to - from;
        if (from > 0 && ((len >= 2 && s[0] == 0x1f && s[1] == 0x8b) ||
                         (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) ||
                         (len >= 4 && (s[0] & 0xf0) == 0x20 && s[1] == 0xb5 && s[2] == 0x2f &&
                          s[3] == 0xfd) ||
                         (len >= 4 && (s[0] & 0xf0) == 0x50 && s[1] == 0x2a && s[2] == 0x4d &&
                          s[3] == 0x18))) {
            cap->status = CHORUS_EFORMAT;
            goto out;
        }
        ch_input *in;
        if ((rc = ch_input_open_mem(s, len, opts->max_line, &in)))
            goto out;
        ch_ingest_opts o = *opts;
        o.diag = NULL;
        o.progress = NULL;
        o.strict = false;     /* the replay applies strict mode */
        ch_ingest_ctx ctx = {.opts = &o, .fname = path, .in = in, .capture = cap};
        cap->status = r->read(&ctx);
        cap->ended_in_doc = ctx.ended_in_doc;
        ch_input_close(in);
    }
out:
    munmap((void *)m, size);
    return rc;
}

/* ---- replaying ----------------------------------------------------------------------------- */

int ch_replay_begin(ch_replay *rp, ch_corpus *c, const char *path, const ch_reader *r,
                    const ch_ingest_opts *opts)
{
    memset(rp, 0, sizeof *rp);
    uint32_t file;
    int rc = ch_corpus_add_file(c, path, &file);
    if (!rc)
        rc = ch_corpus_file_platform(c, file, r->platform);
    rp->ctx = (ch_ingest_ctx){.corpus = c, .opts = opts, .fname = path, .file = file};
    return rc;
}

typedef struct reader_pos {
    const unsigned char *p, *end;
    bool bad;
} reader_pos;

static void get(reader_pos *rd, void *out, size_t n)
{
    if (rd->bad || (size_t)(rd->end - rd->p) < n) {
        rd->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, rd->p, n);
    rd->p += n;
}

static uint8_t get_u8(reader_pos *rd)
{
    uint8_t v;
    get(rd, &v, 1);
    return v;
}

static uint64_t get_u64(reader_pos *rd)
{
    uint64_t v;
    get(rd, &v, sizeof v);
    return v;
}

static ch_slice get_str(reader_pos *rd)
{
    uint32_t n;
    get(rd, &n, sizeof n);
    if (rd->bad || (size_t)(rd->end - rd->p) < n) {
        rd->bad = true;
        return (ch_slice){"", 0};
    }
    ch_slice s = {(const char *)rd->p, n};
    rd->p += n;
    return s;
}

int ch_replay_run(ch_replay *rp, const void *buf, size_t len, uint64_t lines)
{
    reader_pos rd = {buf, (const unsigned char *)buf + len, false};
    ch_rawpost r;
    int rc = CHORUS_OK;
    while (!rc && !rp->ctx.stop && rd.p < rd.end) {
        const uint8_t tag = get_u8(&rd);
        if (tag == EV_POST) {
            ch_rawpost_clear(&r);
            const uint64_t line = get_u64(&rd) + rp->line_offset;
            r.created_at = (int64_t)get_u64(&rd);
            r.kind = (ch_kind)get_u8(&rd);
            r.text_html_escaped = get_u8(&rd);
            r.meta.present = get_u8(&rd);
            r.meta.created_at = (int64_t)get_u64(&rd);
            r.meta.followers = (int64_t)get_u64(&rd);
            r.meta.following = (int64_t)get_u64(&rd);
            r.meta.statuses = (int64_t)get_u64(&rd);
            r.meta.default_profile = (int8_t)get_u8(&rd);
            r.meta.default_profile_image = (int8_t)get_u8(&rd);
            r.meta.verified = (int8_t)get_u8(&rd);
            r.meta.bot = (int8_t)get_u8(&rd);
            r.n_urls = get_u8(&rd);
            r.n_hashtags = get_u8(&rd);
            r.n_mentions = get_u8(&rd);
            if (r.n_urls > CH_MAX_ENTITIES || r.n_hashtags > CH_MAX_ENTITIES ||
                r.n_mentions > CH_MAX_ENTITIES)
                return CHORUS_EFORMAT;
            ch_slice *s[] = {&r.id, &r.author_id, &r.author, &r.text, &r.lang, &r.client,
                             &r.platform, &r.ref_id, &r.ref_author_id, &r.ref_author,
                             &r.root_id, &r.meta.display_name, &r.meta.description};
            for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
                *s[k] = get_str(&rd);
            for (size_t k = 0; k < r.n_urls; k++)
                r.urls[k] = get_str(&rd);
            for (size_t k = 0; k < r.n_hashtags; k++)
                r.hashtags[k] = get_str(&rd);
            for (size_t k = 0; k < r.n_mentions; k++)
                r.mentions[k] = get_str(&rd);
            if (rd.bad)
                return CHORUS_EFORMAT;
            rc = ch_ingest_emit(&rp->ctx, line, &r);
        } else if (tag == EV_REJECT) {
            const uint64_t line = get_u64(&rd);
            const ch_reason reason = (ch_reason)get_u8(&rd);
            const ch_slice m = get_str(&rd);
            if (rd.bad)
                return CHORUS_EFORMAT;
            rc = ch_ingest_reject(&rp->ctx, line ? line + rp->line_offset : 0, reason, "%.*s",
                                  (int)m.n, m.p);
        } else if (tag == EV_FILE) {
            const ch_slice m = get_str(&rd);
            if (rd.bad)
                return CHORUS_EFORMAT;
            ch_ingest_file_diag(&rp->ctx, "%.*s", (int)m.n, m.p);
        } else {
            return CHORUS_EFORMAT;
        }
    }
    rp->line_offset += lines;
    return rc;
}

void ch_split_decide(const ch_capture *caps, int n, int *nvalid, uint64_t *rest_from)
{
    *nvalid = n;
    *rest_from = 0;
    for (int j = 0; j < n; j++) {
        if ((j > 0 && caps[j - 1].ended_in_doc) || caps[j].status != CHORUS_OK) {
            /* the bound before slice j is doubtful: slice j-1 is read again, through to the
             * end of the file */
            *nvalid = j > 0 ? j - 1 : 0;
            *rest_from = caps[*nvalid].from;
            return;
        }
    }
}

int ch_split_read_local(ch_corpus *c, const char *path, const ch_reader *r,
                        const ch_ingest_opts *opts, int n)
{
    if (n < 1 || n > 1024)
        return CHORUS_EUSAGE;
    ch_capture *caps = ch_calloc((size_t)n, sizeof *caps);
    if (!caps)
        return CHORUS_ENOMEM;
    int rc = CHORUS_OK;
    for (int k = 0; k < n && !rc; k++)
        rc = ch_split_capture(path, r, opts, k, n, 0, &caps[k]);
    int nvalid;
    uint64_t rest;
    ch_replay rp;
    if (!rc) {
        ch_split_decide(caps, n, &nvalid, &rest);
        rc = ch_replay_begin(&rp, c, path, r, opts);
    }
    for (int k = 0; !rc && k < nvalid; k++)
        rc = ch_replay_run(&rp, caps[k].buf, caps[k].len, caps[k].lines);
    if (!rc && nvalid < n) {
        ch_capture tail;
        rc = ch_split_capture(path, r, opts, -1, n, rest, &tail);
        if (!rc)
            rc = tail.status ? tail.status : ch_replay_run(&rp, tail.buf, tail.len, tail.lines);
        ch_capture_free(&tail);
    }
    for (int k = 0; k < n; k++)
        ch_capture_free(&caps[k]);
    ch_free(caps);
    return rc;
}
