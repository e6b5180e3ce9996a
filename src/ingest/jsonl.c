/* jsonl.c — the shared JSON-lines read loop (see jsonl.h). */
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

/* Copies s[0..n) into *buf with every integer literal beyond 64 bits (outside strings) given
 * a ".0", so it parses as a double. Returns the new length, or 0 when there was none (or no
 * memory). *buf is grown as needed, at most to n + n / 10 + 2 + CH_JSON_PADDING bytes (a
 * widened literal has at least 20 digits), and ends in CH_JSON_PADDING zero bytes. */
static size_t widen_big_ints(const char *s, size_t n, char **buf, size_t *cap)
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
            if (!found && *cap < need) {
                char *nb = ch_realloc(*buf, need);
                if (!nb)
                    return 0;
                *buf = nb;
                *cap = need;
            }
            if (!found) {
                memcpy(*buf, s, b);
                o = b;
            } else {
                memcpy(*buf + o, s + found, b - found);
                o += b - found;
            }
            memcpy(*buf + o, ".0", 2);
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
    memcpy(*buf + o, s + found, n - found);
    o += n - found;
    memset(*buf + o, 0, CH_JSON_PADDING);
    return o;
}

int ch_jsonl_each(ch_ingest_ctx *ctx, ch_jsonl_fn fn, void *arg, uint64_t *line)
{
    int rc = CHORUS_OK;
    ch_json_parser *jp = NULL;
    size_t max_line = ctx->opts->max_line ? ctx->opts->max_line : CH_INPUT_MAX_LINE_DEFAULT;
    char *wide = NULL;            /* a line with its oversized integers widened */
    size_t wide_cap = 0;

    ch_input_report_damage(ctx->in, true);
    if ((rc = ch_json_parser_new(0, &jp)))
        goto out;
    while (!ctx->stop) {
        const char *s;
        size_t len;
        int lr = ch_input_line(ctx->in, &s, &len, line);
        if (lr == CH_LINE_EOF)
            break;
        if (lr == CH_LINE_TOO_LONG) {
            ch_ingest_tick(ctx);
            if ((rc = ch_ingest_reject(ctx, *line, CH_R_TOO_LONG, "line longer than %zu bytes",
                                       max_line)))
                goto out;
            continue;
        }
        if (lr == CH_LINE_DAMAGED) {
            /* a damaged region of a compressed input was skipped; reading goes on after it */
            if ((rc = ch_ingest_damage(ctx)))
                goto out;
            continue;
        }
        if (lr == CH_LINE_ERROR) {
            /* A truncated or corrupt stream: what came before is kept, the rest is lost. */
            ch_ingest_tick(ctx);
            rc = ch_ingest_reject(ctx, *line, CH_R_TRUNCATED, "%s", ch_input_error(ctx->in));
            goto out;
        }
        if (*line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
            s += 3; /* byte order mark */
            len -= 3;
        }
        if (blank(s, len))
            continue;
        ch_json_val root;
        const char *msg;
        ch_json_err je = ch_json_parse(jp, s, len, true, &root, &msg);
        if (je == CH_JSON_ESYNTAX) {
            /* An integer beyond 64 bits must not lose the record (a numeric id above 2^64
             * next to a valid id_str): parse again with such integers as doubles. */
            size_t wn = widen_big_ints(s, len, &wide, &wide_cap);
            if (wn)
                je = ch_json_parse(jp, wide, wn, true, &root, &msg);
        }
        if (je == CH_JSON_ENOMEM) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        if (je != CH_JSON_OK) {
            ch_reason why = je == CH_JSON_EDEPTH ? CH_R_DEPTH
                            : je == CH_JSON_EUTF8 ? CH_R_UTF8
                                                  : CH_R_JSON;
            ch_ingest_tick(ctx);
            if ((rc = ch_ingest_reject(ctx, *line, why, "malformed json: %s",
                                       msg ? msg : "parse error")))
                goto out;
            continue;
        }
        if ((rc = fn(arg, root, *line)))
            goto out;
    }
out:
    ch_json_parser_free(jp);
    ch_free(wide);
    return rc;
}
