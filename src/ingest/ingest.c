/*
 * ingest.c — the ingest driver: opens a file, detects its format, runs the reader, and turns
 * bad records into counted, reported skips (see ingest.h).
 */
#define _GNU_SOURCE /* memmem */
#include "ingest/ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/json.h"

static const char *const format_names[CH_FMT__COUNT] = {
    "auto", "twitter-v1", "twitter-v2", "io-csv", "csv", "chorus",
};

const char *ch_format_name(ch_format f)
{
    return (unsigned)f < CH_FMT__COUNT ? format_names[f] : "?";
}

int ch_format_parse(const char *s, ch_format *out)
{
    for (int f = 0; f < CH_FMT__COUNT; f++) {
        if (strcmp(s, format_names[f]) == 0) {
            *out = (ch_format)f;
            return CHORUS_OK;
        }
    }
    /* Common spellings people type. */
    if (!strcmp(s, "v1") || !strcmp(s, "twitter") || !strcmp(s, "twitter-v1.1"))
        *out = CH_FMT_TWITTER_V1;
    else if (!strcmp(s, "v2"))
        *out = CH_FMT_TWITTER_V2;
    else if (!strcmp(s, "io") || !strcmp(s, "iocsv"))
        *out = CH_FMT_IO_CSV;
    else if (!strcmp(s, "jsonl"))
        *out = CH_FMT_CHORUS;
    else
        return CHORUS_EUSAGE;
    return CHORUS_OK;
}

int ch_ingest_reject(ch_ingest_ctx *ctx, uint64_t line, ch_reason reason, const char *fmt, ...)
{
    ch_corpus_count_error(ctx->corpus, reason);
    if (ctx->opts->diag) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        ctx->opts->diag(ctx->opts->diag_ctx, ctx->fname, line, reason, msg);
    }
    if (ctx->opts->strict) {
        ctx->stop = true;
        return CHORUS_EPARSE;
    }
    return CHORUS_OK;
}

static const char *reason_message(ch_reason r)
{
    switch (r) {
    case CH_R_NO_ID: return "record has no post id";
    case CH_R_NO_AUTHOR: return "record has no author id or handle";
    case CH_R_NO_TIME: return "record has no creation time";
    case CH_R_TOO_LONG: return "text longer than 4 GiB";
    default: return ch_reason_name(r);
    }
}

int ch_ingest_emit(ch_ingest_ctx *ctx, uint64_t line, const ch_rawpost *r)
{
    bool kept;
    ch_reason reason = CH_R__COUNT;
    int rc = ch_corpus_add(ctx->corpus, r, ctx->file, &kept, &reason);
    if (rc == CHORUS_EPARSE) {
        /* ch_corpus_add counted it already; only report. */
        if (ctx->opts->diag)
            ctx->opts->diag(ctx->opts->diag_ctx, ctx->fname, line, reason, reason_message(reason));
        if (ctx->opts->strict) {
            ctx->stop = true;
            return CHORUS_EPARSE;
        }
        return CHORUS_OK;
    }
    return rc;
}

void ch_ingest_tick(ch_ingest_ctx *ctx)
{
    ctx->records++;
    if (ctx->opts->progress && (ctx->records & 4095) == 0)
        ctx->opts->progress(ctx->opts->progress_ctx, ch_input_file_consumed(ctx->in),
                            ch_input_file_size(ctx->in), ctx->records);
}

/* True if the JSON text `s` (first record) contains the key `"k"`. Substring tests are
 * enough here: detection only chooses a reader, and the reader validates every record. */
static bool has_key(const char *s, size_t n, const char *k)
{
    char pat[64];
    int m = snprintf(pat, sizeof pat, "\"%s\"", k);
    if (m <= 0 || (size_t)m >= sizeof pat)
        return false;
    return memmem(s, n, pat, (size_t)m) != NULL;
}

static bool header_has(const char *line, size_t n, const char *col)
{
    size_t cl = strlen(col);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && line[j] != ',' && line[j] != '\t')
            j++;
        size_t a = i, b = j;
        if (b > a && line[a] == '"')
            a++;
        if (b > a && line[b - 1] == '"')
            b--;
        if (b - a == cl && strncasecmp(line + a, col, cl) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

ch_format ch_detect_format(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len)
        return CH_FMT_AUTO;
    const char *s = data + i;
    const char *nl = memchr(s, '\n', len - i);
    size_t n = nl ? (size_t)(nl - s) : len - i;
    if (s[0] == '{' || s[0] == '[') {
        if (has_key(s, n, "id_str") || has_key(s, n, "screen_name"))
            return CH_FMT_TWITTER_V1;
        if (has_key(s, n, "includes") || has_key(s, n, "__twarc") ||
            has_key(s, n, "edit_history_tweet_ids") || has_key(s, n, "conversation_id") ||
            has_key(s, n, "public_metrics") || (s[0] == '{' && has_key(s, n, "data")))
            return CH_FMT_TWITTER_V2;
        if (has_key(s, n, "author_id") || has_key(s, n, "author"))
            return CH_FMT_CHORUS;
        return CH_FMT_AUTO;
    }
    /* A table's first line is a header: printable text. Anything else (binary, control
     * bytes) is not a format we know. */
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (ch < 0x20 && ch != '\t' && ch != '\r')
            return CH_FMT_AUTO;
    }
    if (!ch_json_validate_utf8(s, n))
        return CH_FMT_AUTO;
    if (header_has(s, n, "tweetid") && header_has(s, n, "userid") && header_has(s, n, "tweet_text"))
        return CH_FMT_IO_CSV;
    if (memchr(s, ',', n) || memchr(s, '\t', n))
        return CH_FMT_CSV;
    return CH_FMT_AUTO;
}

/* Well-known table layouts that need no --map. */
static bool known_map(const char *s, size_t len, ch_csvmap *m)
{
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;
    if (header_has(s, n, "object_id") && header_has(s, n, "account_id") &&
        header_has(s, n, "content_id") && header_has(s, n, "timestamp_share")) {
        /* The CooRTweet layout: object = shared item, content = the share itself. */
        char err[64];
        memset(m, 0, sizeof *m);
        return ch_csvmap_parse(m, "id=content_id,author_id=account_id,ref_id=object_id,"
                                  "time=timestamp_share", err, sizeof err) == CHORUS_OK;
    }
    return false;
}

static void file_diag(const ch_ingest_opts *o, const char *f, ch_reason r, const char *msg)
{
    if (o->diag)
        o->diag(o->diag_ctx, f, 0, r, msg);
}

int ch_ingest_file(ch_corpus *c, const char *path, const ch_ingest_opts *opts)
{
    char err[256];
    ch_input *in = NULL;
    int rc = ch_input_open(path, opts->max_line, &in, err, sizeof err);
    if (rc) {
        file_diag(opts, path, CH_R__COUNT, err);
        return rc;
    }
    ch_ingest_opts o = *opts;
    ch_csvmap auto_map;
    ch_format f = opts->format;
    const char *data;
    size_t len;
    if ((rc = ch_input_peek(in, &data, &len)))
        goto out;
    if (f == CH_FMT_AUTO) {
        if (len == 0) {
            rc = CHORUS_OK; /* an empty file holds no posts: nothing to detect */
            goto out;
        }
        f = ch_detect_format(data, len);
        if (f == CH_FMT_AUTO) {
            file_diag(opts, path, CH_R__COUNT,
                      "cannot tell the format of this file; name it with --format");
            rc = CHORUS_EFORMAT;
            goto out;
        }
    }
    if (f == CH_FMT_CSV && (!o.map || o.map->n == 0)) {
        if (known_map(data, len, &auto_map)) {
            o.map = &auto_map;
        } else {
            file_diag(opts, path, CH_R__COUNT,
                      "a csv file needs a column map: --map id=COL,author=COL,time=COL,text=COL");
            rc = CHORUS_EUSAGE;
            goto out;
        }
    }
    uint32_t file;
    if ((rc = ch_corpus_add_file(c, path, &file)))
        goto out;
    ch_ingest_ctx ctx = {.corpus = c, .opts = &o, .fname = path, .file = file, .in = in};
    switch (f) {
    case CH_FMT_TWITTER_V1: rc = ch_read_twitter_v1(&ctx); break;
    case CH_FMT_TWITTER_V2: rc = ch_read_twitter_v2(&ctx); break;
    case CH_FMT_IO_CSV: rc = ch_read_io_csv(&ctx); break;
    case CH_FMT_CSV: rc = ch_read_csv(&ctx); break;
    case CH_FMT_CHORUS: rc = ch_read_chorus(&ctx); break;
    default: rc = CHORUS_EFORMAT; break;
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, ch_input_file_consumed(in), ch_input_file_size(in),
                       ctx.records);
out:
    ch_input_close(in);
    return rc;
}
