/* jsonl.c — the shared JSON-lines read loop (see jsonl.h). */
#include "ingest/jsonl.h"

#include <string.h>

#include "chorus.h"

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int ch_jsonl_each(ch_ingest_ctx *ctx, ch_jsonl_fn fn, void *arg, uint64_t *line)
{
    int rc = CHORUS_OK;
    ch_json_parser *jp = NULL;
    size_t max_line = ctx->opts->max_line ? ctx->opts->max_line : CH_INPUT_MAX_LINE_DEFAULT;

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
    return rc;
}
