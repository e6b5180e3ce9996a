/*
 * ingest.c — the ingest driver: opens a file, picks its reader (named by the caller, or the
 * one whose sniff is surest), and runs it (see ingest.h). The readers report their own bad
 * records through reader.c; this file reports only what stops a whole file.
 */
#include "ingest/ingest.h"
#include "ingest/csv.h"
#include "ingest/jsonl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const ch_reader *ch_ingest_sniff(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len)
        return NULL;
    ch_sniff s = {.data = data + i, .len = len - i, .line = data + i};
    const char *nl = memchr(s.data, '\n', s.len);
    s.line_len = nl ? (size_t)(nl - s.data) : s.len;
    s.json = s.data[0] == '{' || s.data[0] == '[';
    if (s.json) {
        /* The first record is the first JSON value, which may span lines (a pretty-printed
         * response): as much of it as the window holds. */
        ch_json_depth d = {0};
        s.line_len = ch_json_depth_scan(&d, s.data, s.len, true);
    } else {
        s.sep = ch_csv_guess_sep(s.data, s.len);
    }

    const ch_reader *best = NULL;
    int best_conf = CH_SNIFF_NO;
    for (size_t k = 0; k < ch_reader_count(); k++) {
        const ch_reader *r = ch_reader_at(k);
        int conf = r->sniff ? r->sniff(&s) : CH_SNIFF_NO;
        if (conf > best_conf) {
            best = r;
            best_conf = conf;
        }
    }
    return best;
}

/* A file no reader recognises that has the shape of statements (docs/parroting.md): JSON
 * records with "text" and "published_at" or "source", or a .txt / .md file. Only chooses the
 * words of the message above. */
static bool looks_like_statements(const char *path, const char *data, size_t len)
{
    size_t n = strlen(path), i = 0;
    static const char *const ext[] = {".txt", ".md", ".markdown", ".txt.gz", ".md.gz",
                                      ".txt.zst", ".md.zst"};
    for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
        size_t m = strlen(ext[k]);
        if (n > m && !strcasecmp(path + n - m, ext[k]))
            return true;
    }
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len || data[i] != '{')
        return false;
    const char *nl = memchr(data + i, '\n', len - i);
    ch_sniff s = {.data = data + i, .len = len - i, .line = data + i, .json = true,
                  .line_len = nl ? (size_t)(nl - (data + i)) : len - i};
    return ch_sniff_has_key(&s, "text") &&
           (ch_sniff_has_key(&s, "published_at") || ch_sniff_has_key(&s, "source"));
}

static void file_diag(const ch_ingest_opts *o, const char *f, const char *msg)
{
    if (o->diag)
        o->diag(o->diag_ctx, f, 0, CH_R__COUNT, msg);
}

/* Appends to buf (length *n, capacity cap) as snprintf would, never past cap. */
static void addf(char *buf, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void addf(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    if (*n >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (k > 0)
        *n = *n + (size_t)k < cap ? *n + (size_t)k : cap - 1;
}

/* The names (keys of a JSON object, columns of a header) at the start of a record, up to
 * `max` of them, each cut at 40 bytes: for a message, so no parse is needed, only a scan. */
static void list_names(const char *s, size_t len, bool json, char sep, char *buf, size_t cap,
                       size_t *n, int max)
{
    int count = 0;
    if (json) {
        /* top-level keys: strings at depth 1 followed by ':' */
        int depth = 0;
        for (size_t i = 0; i < len && count < max; i++) {
            char c = s[i];
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '"') {
                size_t j = i + 1;
                while (j < len && s[j] != '"')
                    j += s[j] == '\\' ? 2 : 1;
                if (j >= len)
                    break;
                size_t k = j + 1;
                while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
                    k++;
                if (depth == 1 && k < len && s[k] == ':') {
                    size_t kl = j - i - 1;
                    addf(buf, cap, n, "%s%.*s", count ? ", " : "", (int)(kl > 40 ? 40 : kl),
                         s + i + 1);
                    count++;
                }
                i = j;
            }
        }
        return;
    }
    const char *nl = memchr(s, '\n', len);
    size_t end = nl ? (size_t)(nl - s) : len, i = 0;
    while (i < end && count < max) {
        size_t j = i;
        while (j < end && s[j] != sep)
            j++;
        size_t a = i, b = j;
        while (b > a && (s[b - 1] == '\r' || s[b - 1] == ' ' || s[b - 1] == '"'))
            b--;
        while (a < b && (s[a] == ' ' || s[a] == '"'))
            a++;
        addf(buf, cap, n, "%s%.*s", count ? ", " : "", (int)(b - a > 40 ? 40 : b - a), s + a);
        count++;
        i = j + 1;
    }
}

size_t ch_ingest_shape(const char *data, size_t len, const ch_reader *used, char *buf,
                       size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len) {
        addf(buf, cap, &n, len ? "the file holds only blank space" : "the file is empty");
        return n;
    }
    const char *s = data + i;
    size_t sl = len - i;
    size_t nul = 0;
    for (size_t k = 0; k < sl && k < 512; k++)
        nul += s[k] == '\0';
    if (nul) {
        addf(buf, cap, &n, "the file is binary data, not text");
        return n;
    }
    if (s[0] == '{' || s[0] == '[') {
        const char *brace = s[0] == '[' ? memchr(s, '{', sl < 4096 ? sl : 4096) : s;
        addf(buf, cap, &n, "the file is JSON%s", s[0] == '[' ? " (an array)" : "");
        if (brace) {
            addf(buf, cap, &n, "; its first object has the keys ");
            list_names(brace, len - (size_t)(brace - data), true, 0, buf, cap, &n, 12);
        }
    } else {
        char sep = ch_csv_guess_sep(s, sl);
        const char *nl = memchr(s, '\n', sl);
        size_t ll = nl ? (size_t)(nl - s) : sl;
        if (memchr(s, sep, ll)) {
            addf(buf, cap, &n, "the file is a table with the columns ");
            list_names(s, sl, false, sep, buf, cap, &n, 12);
            addf(buf, cap, &n, " (separator '%s')", sep == '\t' ? "\\t" : (char[2]){sep, 0});
        } else {
            addf(buf, cap, &n, "the file starts with the line '%.*s'", (int)(ll > 60 ? 60 : ll), s);
        }
    }
    /* what else it resembles */
    const ch_reader *r = ch_ingest_sniff(data, len);
    if (r && r != used)
        addf(buf, cap, &n, "; its start looks like %s (--format %s)", r->summary, r->name);
    else if (!r)
        addf(buf, cap, &n, "; no format chorus reads recognises its start ('chorus formats' "
                           "lists them)");
    return n;
}

/* Marks of the corpus figures that tell whether a file gave anything. */
typedef struct marks {
    uint64_t records, posts, seen, errors[CH_R__COUNT];
} marks;

static void take_marks(const ch_corpus *c, marks *m)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    m->records = st->records;
    m->posts = ch_corpus_nposts(c);
    m->seen = st->duplicates + st->merged + st->profiles;
    memcpy(m->errors, st->errors, sizeof m->errors);
}

/* The message of a file that gave nothing (require_posts). */
static void nothing_read(const ch_ingest_opts *o, const char *path, const ch_reader *r,
                         const marks *a, const marks *b, const char *data, size_t len)
{
    char msg[1400];
    size_t n = 0;
    uint64_t skipped = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        skipped += b->errors[k] - a->errors[k];
    addf(msg, sizeof msg, &n, "no posts read as %s: %llu record%s", r->name,
         (unsigned long long)(b->records - a->records), b->records - a->records == 1 ? "" : "s");
    if (skipped) {
        addf(msg, sizeof msg, &n, ", %llu skipped (", (unsigned long long)skipped);
        const char *sep = "";
        for (int k = 0; k < CH_R__COUNT; k++) {
            uint64_t d = b->errors[k] - a->errors[k];
            if (d) {
                addf(msg, sizeof msg, &n, "%s%s %llu", sep, ch_reason_name((ch_reason)k),
                     (unsigned long long)d);
                sep = ", ";
            }
        }
        addf(msg, sizeof msg, &n, ")");
    }
    addf(msg, sizeof msg, &n, "; ");
    if (n < sizeof msg)
        ch_ingest_shape(data, len, r, msg + n, sizeof msg - n);
    file_diag(o, path, msg);
}

int ch_ingest_file(ch_corpus *c, const char *path, const ch_ingest_opts *opts,
                   const ch_reader **used)
{
    char err[256];
    ch_input *in = NULL;
    if (used)
        *used = NULL;
    int rc = ch_input_open(path, opts->max_line, &in, err, sizeof err);
    if (rc) {
        file_diag(opts, path, err);
        return rc;
    }
    const ch_reader *r = opts->reader;
    const char *data;
    size_t len;
    if ((rc = ch_input_peek(in, &data, &len)))
        goto out;
    if (!r) {
        if (len == 0) {
            /* An empty file holds no posts: nothing to detect. A compressed file whose every
             * member is damaged, or that is cut before its first line, has nothing readable:
             * that is an error. */
            if (ch_input_unreadable(in) || ch_input_truncated(in)) {
                char msg[320];
                snprintf(msg, sizeof msg, "nothing readable: %s", ch_input_error(in));
                file_diag(opts, path, msg);
                rc = CHORUS_EIO;
            } else if (opts->require_posts) {
                file_diag(opts, path, "no posts read: the file is empty");
                rc = CHORUS_EFORMAT;
            }
            goto out;
        }
        if (!(r = ch_ingest_sniff(data, len))) {
            file_diag(opts, path, looks_like_statements(path, data, len)
                                      ? "cannot tell the format of this file, which looks like "
                                        "statements, not posts: statements go with -s "
                                        "(--statements); name the format of posts with --format"
                                      : "cannot tell the format of this file; name it with "
                                        "--format");
            rc = CHORUS_EFORMAT;
            goto out;
        }
    }
    uint32_t file;
    if ((rc = ch_corpus_add_file(c, path, &file)) ||
        (rc = ch_corpus_file_platform(c, file, r->platform)))
        goto out;
    ch_ingest_ctx ctx = {.corpus = c, .opts = opts, .fname = path, .file = file, .in = in};
    if (used)
        *used = r;
    /* the start of the input, kept for a message: the peeked window is gone once read */
    char head[4096];
    size_t hlen = len < sizeof head ? len : sizeof head;
    if (opts->require_posts)
        memcpy(head, data, hlen);
    marks before, after;
    take_marks(c, &before);
    rc = r->read(&ctx);
    take_marks(c, &after);
    if (rc == CHORUS_OK && opts->require_posts && after.posts == before.posts &&
        after.seen == before.seen) {
        nothing_read(opts, path, r, &before, &after, head, hlen);
        rc = CHORUS_EFORMAT;
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, ch_input_file_consumed(in), ch_input_file_size(in),
                       ctx.records);
out:
    ch_input_close(in);
    return rc;
}

int ch_ingest_mem(ch_corpus *c, uint32_t file, const char *name, const void *data, size_t len,
                  const ch_reader *r, const ch_ingest_opts *opts)
{
    if (!c || !r || !opts || (!data && len))
        return CHORUS_EUSAGE;
    if (len == 0)
        return CHORUS_OK;
    ch_input *in = NULL;
    int rc = ch_input_open_mem(data, len, opts->max_line, &in);
    if (rc)
        return rc;
    ch_ingest_ctx ctx = {.corpus = c, .opts = opts, .fname = name, .file = file, .in = in};
    rc = r->read(&ctx);
    ch_input_close(in);
    return rc;
}
