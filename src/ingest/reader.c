/*
 * reader.c — the helpers readers call (reader.h): reporting skipped records, handing good
 * ones to the corpus, progress ticks, and the sniffing predicates. Nothing here knows which
 * formats exist.
 */
#define _GNU_SOURCE /* memmem */
#include "ingest/reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "ingest/split.h"

int ch_ingest_reject(ch_ingest_ctx *ctx, uint64_t line, ch_reason reason, const char *fmt, ...)
{
    if (ctx->capture) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return ch_capture_reject(ctx->capture, false, line, reason, msg);
    }
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

void ch_ingest_file_diag(ch_ingest_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->opts->diag && !ctx->capture)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx->capture)
        (void)ch_capture_reject(ctx->capture, true, 0, CH_R__COUNT, msg); /* only a message */
    else
        ctx->opts->diag(ctx->opts->diag_ctx, ctx->fname, 0, CH_R__COUNT, msg);
}

int ch_ingest_damage(ch_ingest_ctx *ctx)
{
    const ch_input_damage *d = ch_input_damage_last(ctx->in);
    if (!ctx->capture)   /* slices are never compressed (split.h) */
        ch_corpus_count_unreadable(ctx->corpus, d->to - d->from);
    return ch_ingest_reject(ctx, 0, d->reason, "%s", d->msg);
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
    if (ctx->capture)
        return ch_capture_post(ctx->capture, line, r);
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
    if (rc == CHORUS_OK && ctx->opts->emitted)
        ctx->opts->emitted(ctx->opts->emitted_ctx, line, r, kept);
    return rc;
}

void ch_ingest_tick(ch_ingest_ctx *ctx)
{
    ctx->records++;
    if (ctx->opts->progress && (ctx->records & 4095) == 0)
        ctx->opts->progress(ctx->opts->progress_ctx, ch_input_file_consumed(ctx->in),
                            ch_input_file_size(ctx->in), ctx->records);
}

bool ch_sniff_has_key(const ch_sniff *s, const char *k)
{
    char pat[64];
    int m = snprintf(pat, sizeof pat, "\"%s\"", k);
    if (m <= 0 || (size_t)m >= sizeof pat)
        return false;
    return memmem(s->line, s->line_len, pat, (size_t)m) != NULL;
}

bool ch_sniff_is_table(const ch_sniff *s)
{
    if (s->json)
        return false;
    /* A table's first line is a header: printable text. Anything else (binary, control
     * bytes) is not a table. */
    for (size_t k = 0; k < s->line_len; k++) {
        unsigned char ch = (unsigned char)s->line[k];
        if (ch < 0x20 && ch != '\t' && ch != '\r')
            return false;
    }
    return ch_json_validate_utf8(s->line, s->line_len);
}

bool ch_sniff_header_has(const ch_sniff *s, const char *col)
{
    const char *line = s->line;
    size_t n = s->line_len, cl = strlen(col);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && (s->sep ? line[j] != s->sep : line[j] != ',' && line[j] != '\t'))
            j++;
        size_t a = i, b = j;
        if (b > a && line[b - 1] == '\r')
            b--;
        while (b > a && line[a] == ' ')
            a++;
        while (b > a && line[b - 1] == ' ')
            b--;
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
