/*
 * csv_ingest.c — glue between the CSV record reader and the ingest driver, shared by the
 * io-csv and csv readers (see csv.h). Kept apart from csv.c so the parser links alone.
 */
#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/ingest.h"

int ch_csv_open_ctx(ch_ingest_ctx *ctx, ch_csv **out)
{
    size_t max = ctx->opts && ctx->opts->max_line ? ctx->opts->max_line
                                                   : CH_INPUT_MAX_LINE_DEFAULT;
    return ch_csv_open(ctx->in, 0, max, out);
}

int ch_csv_report(ch_ingest_ctx *ctx, const ch_csv_rec *rec, int r)
{
    if (r == CH_CSV_SKIP || (r == CH_CSV_ERROR && rec->reason == CH_R_TRUNCATED))
        return ch_ingest_reject(ctx, rec->line, rec->reason, "%s", rec->msg);
    if (r == CH_CSV_ERROR) {
        if (ctx->opts && ctx->opts->diag)
            ctx->opts->diag(ctx->opts->diag_ctx, ctx->fname, rec->line, CH_R__COUNT, rec->msg);
        return rec->err ? rec->err : CHORUS_EIO;
    }
    return CHORUS_OK;
}
