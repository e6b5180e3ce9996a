/*
 * jsonl.c — the shared JSON read loop (see jsonl.h): JSON lines, and JSON documents that span
 * many lines (a pretty-printed API response, an array of records, a saved page), in any mix.
 *
 * Every line is first parsed on its own, which is the fast path of JSON lines. Only a line
 * that fails to parse is scanned for its bracket depth: when it opens more objects or arrays
 * than it closes, it starts a document, and the following lines are appended until the depth
 * is back to zero; then the document is parsed once and handed to the reader with the number
 * of its first line. A line that is not the start of a document is malformed JSON, as before.
 *
 * Nothing good is lost to a line that only looks like the start of a document (a record cut
 * short in the middle of JSON lines): when what follows it never closes, does not parse, or
 * grows past CH_JSONL_MAX_DOC bytes (a document is held whole, as simdjson's DOM needs it),
 * its lines are read again one by one as JSON lines.
 * The depth scanner follows strings and escapes across lines, and stops counting past
 * CH_JSONL_MAX_DEPTH (the parser rejects such documents anyway).
 *
 * An integer beyond 64 bits, which simdjson refuses, must not lose its record (a numeric id
 * above 2^64 next to a valid id_str): a document that fails to parse and holds such integers
 * is parsed again with them written as decimals, which parse as (inexact) doubles.
 * A damaged region of compressed input (input.h) is reported where it occurs; a document it
 * cuts is read again line by line, like one cut by an over-long line.
 */
#include "ingest/jsonl.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* True if the integer digits d[0..n) (no sign, no leading zeros) exceed the largest integer
 * simdjson takes: 2^64 - 1, or 2^63 for a negative one. */
static bool too_big(const char *d, size_t n, bool neg)
{
    const char *max = neg ? "9223372036854775808" : "18446744073709551615";
    size_t mn = strlen(max);
    return n > mn || (n == mn && memcmp(d, max, n) > 0);
}

/* Scratch space for a document with its oversized integers widened. */
typedef struct wide_buf {
    char *p;
    size_t cap;
} wide_buf;

/* Copies s[0..n) into w with every integer literal beyond 64 bits (outside strings) given a
 * ".0", so it parses as a double. Returns the new length, or 0 when there was none (or no
 * memory). w grows as needed, at most to n + n / 10 + 2 + CH_JSON_PADDING bytes (a widened
 * literal has at least 20 digits), and the copy ends in CH_JSON_PADDING zero bytes. */
static size_t widen_big_ints(const char *s, size_t n, wide_buf *w)
{
    size_t found = 0, o = 0;
    bool in_str = false;
    size_t need = n + n / 10 + 2 + CH_JSON_PADDING;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = false;
            continue;
        }
        if (ch == '"') {
            in_str = true;
            continue;
        }
        if (ch != '-' && (ch < '0' || ch > '9'))
            continue;
        size_t a = i + (ch == '-'), b = a;
        while (b < n && s[b] >= '0' && s[b] <= '9')
            b++;
        bool fraction = b < n && (s[b] == '.' || s[b] == 'e' || s[b] == 'E');
        if (!fraction && too_big(s + a, b - a, ch == '-')) {
            if (!found && w->cap < need) {
                char *nb = ch_realloc(w->p, need);
                if (!nb)
                    return 0;
                w->p = nb;
                w->cap = need;
            }
            if (!found) {
                memcpy(w->p, s, b);
                o = b;
            } else {
                memcpy(w->p + o, s + found, b - found);
                o += b - found;
            }
            memcpy(w->p + o, ".0", 2);
            o += 2;
            found = b;
        }
        /* the rest of the number token (fraction, exponent) is skipped too */
        while (b < n && ((s[b] >= '0' && s[b] <= '9') || s[b] == '.' || s[b] == 'e' ||
                         s[b] == 'E' || s[b] == '+' || s[b] == '-'))
            b++;
        i = b - 1;
    }
    if (!found)
        return 0;
    memcpy(w->p + o, s + found, n - found);
    o += n - found;
    memset(w->p + o, 0, CH_JSON_PADDING);
    return o;
}

/* ch_json_parse, and once more with oversized integers widened when that is why it failed. */
static ch_json_err parse(ch_json_parser *jp, wide_buf *w, const char *s, size_t n, bool padded,
                         ch_json_val *root, const char **msg)
{
    ch_json_err je = ch_json_parse(jp, s, n, padded, root, msg);
    if (je == CH_JSON_ESYNTAX) {
        size_t wn = widen_big_ints(s, n, w);
        if (wn)
            je = ch_json_parse(jp, w->p, wn, true, root, msg);
    }
    return je;
}

size_t ch_json_depth_scan(ch_json_depth *d, const char *s, size_t n, bool stop_at_zero)
{
    size_t i = 0;
    for (; i < n && !d->broken; i++) {
        char ch = s[i];
        if (d->in_string) {
            if (d->escape)
                d->escape = false;
            else if (ch == '\\')
                d->escape = true;
            else if (ch == '"')
                d->in_string = false;
            continue;
        }
        switch (ch) {
        case '"': d->in_string = true; break;
        case '{':
        case '[':
            if (d->depth < CH_JSONL_MAX_DEPTH)
                d->depth++;
            break;
        case '}':
        case ']':
            if (--d->depth < 0)
                d->broken = true;
            else if (d->depth == 0 && stop_at_zero)
                return i + 1;
            break;
        default: break;
        }
    }
    return i;
}

/* A document being collected: its lines (each followed by '\n', with room for the parser's
 * padding) and the number of its first line. */
typedef struct doc_buf {
    char *p;
    size_t len, cap;
    uint64_t first_line;
} doc_buf;

/* Appends a line; false when the document would exceed CH_JSONL_MAX_DOC. */
static int doc_append(doc_buf *b, const char *s, size_t n, bool *full)
{
    *full = false;
    if (b->len + n + 1 > CH_JSONL_MAX_DOC) {
        *full = true;
        return CHORUS_OK;
    }
    size_t need = b->len + n + 1 + CH_JSON_PADDING;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < need)
            cap *= 2;
        char *p = ch_realloc(b->p, cap);
        if (!p)
            return CHORUS_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len++] = '\n';
    memset(b->p + b->len, 0, CH_JSON_PADDING);
    return CHORUS_OK;
}

static ch_reason reason_of(ch_json_err je)
{
    return je == CH_JSON_EDEPTH ? CH_R_DEPTH : je == CH_JSON_EUTF8 ? CH_R_UTF8 : CH_R_JSON;
}

/* One line on its own, as JSON lines read it: a document, blank, or malformed. */
static int one_line(ch_ingest_ctx *ctx, ch_json_parser *jp, wide_buf *w, const char *s,
                    size_t len, bool padded, uint64_t *line, ch_jsonl_fn fn, void *arg)
{
    if (blank(s, len))
        return CHORUS_OK;
    ch_json_val root;
    const char *msg;
    ch_json_err je = parse(jp, w, s, len, padded, &root, &msg);
    if (je == CH_JSON_OK)
        return fn(arg, root, *line);
    if (je == CH_JSON_ENOMEM)
        return CHORUS_ENOMEM;
    ch_ingest_tick(ctx);
    return ch_ingest_reject(ctx, *line, reason_of(je), "malformed json: %s",
                            msg ? msg : "parse error");
}

/* A would-be document that is not one (never closed, malformed, too long): its lines are
 * read again one by one, as JSON lines, so that a truncated record followed by good ones
 * costs only itself. */
static int replay(ch_ingest_ctx *ctx, ch_json_parser *jp, wide_buf *w, const doc_buf *b,
                  uint64_t *line, ch_jsonl_fn fn, void *arg)
{
    int rc = CHORUS_OK;
    uint64_t ln = b->first_line;
    for (size_t i = 0; i < b->len && !rc && !ctx->stop; ln++) {
        const char *nl = memchr(b->p + i, '\n', b->len - i);
        size_t n = (size_t)(nl - (b->p + i));
        *line = ln;
        rc = one_line(ctx, jp, w, b->p + i, n, false, line, fn, arg);
        i += n + 1;
    }
    return rc;
}

int ch_jsonl_each(ch_ingest_ctx *ctx, ch_jsonl_fn fn, void *arg, uint64_t *line)
{
    int rc = CHORUS_OK;
    ch_json_parser *jp = NULL;
    size_t max_line = ctx->opts->max_line ? ctx->opts->max_line : CH_INPUT_MAX_LINE_DEFAULT;
    doc_buf doc = {0};
    ch_json_depth ds = {0};
    bool in_doc = false, full;
    wide_buf wide = {0};

    ch_input_report_damage(ctx->in, true);
    if ((rc = ch_json_parser_new(0, &jp)))
        goto out;
    while (!ctx->stop) {
        const char *s;
        size_t len;
        int lr = ch_input_line(ctx->in, &s, &len, line);
        if (lr == CH_LINE_EOF)
            break;
        if (lr == CH_LINE_ERROR) {
            /* A truncated or corrupt stream: what came before is kept, the rest is lost. */
            uint64_t at = *line;
            if (in_doc && (rc = replay(ctx, jp, &wide, &doc, line, fn, arg)))
                goto out;
            in_doc = false;
            ch_ingest_tick(ctx);
            rc = ch_ingest_reject(ctx, at, CH_R_TRUNCATED, "%s", ch_input_error(ctx->in));
            goto out;
        }
        if (lr == CH_LINE_DAMAGED) {
            /* A damaged region of compressed input was skipped; reading goes on after it. A
             * document it cuts cannot be whole: its lines are read on their own. */
            if (in_doc) {
                in_doc = false;
                if ((rc = replay(ctx, jp, &wide, &doc, line, fn, arg)))
                    goto out;
            }
            if ((rc = ch_ingest_damage(ctx)))
                goto out;
            continue;
        }
        if (lr == CH_LINE_TOO_LONG) {
            uint64_t at = *line;
            if (in_doc) { /* the document cannot be whole: its lines are read on their own */
                in_doc = false;
                if ((rc = replay(ctx, jp, &wide, &doc, line, fn, arg)))
                    goto out;
            }
            ch_ingest_tick(ctx);
            if ((rc = ch_ingest_reject(ctx, at, CH_R_TOO_LONG, "line longer than %zu bytes",
                                       max_line)))
                goto out;
            continue;
        }
        if (*line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
            s += 3; /* byte order mark */
            len -= 3;
        }
        if (in_doc) {
            uint64_t at = *line;
            if ((rc = doc_append(&doc, s, len, &full)))
                goto out;
            if (full) {
                in_doc = false;
                if ((rc = replay(ctx, jp, &wide, &doc, line, fn, arg)))
                    goto out;
                *line = at;
                if ((rc = one_line(ctx, jp, &wide, s, len, true, line, fn, arg)))
                    goto out;
                continue;
            }
            ch_json_depth_scan(&ds, s, len, false);
            if (ds.depth > 0 && !ds.broken)
                continue;
            in_doc = false;
            ch_json_val root;
            ch_json_err je = parse(jp, &wide, doc.p, doc.len, true, &root, NULL);
            *line = doc.first_line; /* what readers report against */
            if (je == CH_JSON_OK)
                rc = fn(arg, root, doc.first_line);
            else if (je == CH_JSON_ENOMEM)
                rc = CHORUS_ENOMEM;
            else
                rc = replay(ctx, jp, &wide, &doc, line, fn, arg);
            if (rc)
                goto out;
            continue;
        }
        if (blank(s, len))
            continue;
        ch_json_val root;
        const char *msg;
        ch_json_err je = parse(jp, &wide, s, len, true, &root, &msg);
        if (je == CH_JSON_OK) {
            if ((rc = fn(arg, root, *line)))
                goto out;
            continue;
        }
        if (je == CH_JSON_ENOMEM) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        /* Does this line open a document that the next lines continue? */
        ds = (ch_json_depth){0};
        if (je == CH_JSON_ESYNTAX) {
            ch_json_depth_scan(&ds, s, len, false);
            if (ds.depth > 0 && !ds.broken) {
                in_doc = true;
                doc.len = 0;
                doc.first_line = *line;
                if ((rc = doc_append(&doc, s, len, &full)))
                    goto out;
                continue;
            }
        }
        ch_ingest_tick(ctx);
        if ((rc = ch_ingest_reject(ctx, *line, reason_of(je), "malformed json: %s",
                                   msg ? msg : "parse error")))
            goto out;
    }
    ctx->ended_in_doc = in_doc;
    if (in_doc && !ctx->stop)
        rc = replay(ctx, jp, &wide, &doc, line, fn, arg); /* the input ended inside it */
out:
    ch_free(doc.p);
    ch_free(wide.p);
    ch_json_parser_free(jp);
    return rc;
}
