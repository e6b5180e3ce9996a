/*
 * csv_ingest.c — glue between the CSV record reader and the ingest driver, shared by the
 * io-csv and csv readers (see csv.h and csv_ingest.h). Kept apart from csv.c so the parser
 * links alone.
 */
#include "ingest/csv_ingest.h"

#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/reader.h"

int ch_csv_open_ctx(ch_ingest_ctx *ctx, ch_csv **out)
{
    size_t max = ctx->opts && ctx->opts->max_line ? ctx->opts->max_line
                                                   : CH_INPUT_MAX_LINE_DEFAULT;
    return ch_csv_open(ctx->in, 0, max, out);
}

int ch_csv_report(ch_ingest_ctx *ctx, const ch_csv_rec *rec, int r)
{
    if (r == CH_CSV_SKIP && rec->damage)
        return ch_ingest_damage(ctx);
    if (r == CH_CSV_SKIP || (r == CH_CSV_ERROR && rec->reason == CH_R_TRUNCATED))
        return ch_ingest_reject(ctx, rec->line, rec->reason, "%s", rec->msg);
    if (r == CH_CSV_ERROR) {
        if (ctx->opts && ctx->opts->diag)
            ctx->opts->diag(ctx->opts->diag_ctx, ctx->fname, rec->line, CH_R__COUNT, rec->msg);
        return rec->err ? rec->err : CHORUS_EIO;
    }
    return CHORUS_OK;
}

int ch_csv_each_row(ch_ingest_ctx *ctx, ch_csv_header_fn header, ch_csv_row_fn row, void *arg)
{
    int rc = CHORUS_OK;
    ch_csv *csv = NULL;
    ch_csv_rec rec;
    ch_rawpost r;                 /* ~3 KiB: one per file, reused for every row */
    char msg[400];

    if ((rc = ch_csv_open_ctx(ctx, &csv)))
        goto out;
    int hr = ch_csv_read_header(csv, &rec);
    if (hr == CH_CSV_EOF)
        goto out;                 /* an empty file holds no posts */
    if (hr != CH_CSV_OK) {
        rc = ch_csv_report(ctx, &rec, hr);
        if (hr == CH_CSV_SKIP)
            rc = CHORUS_EFORMAT;  /* without a header no row can be read */
        goto out;
    }
    if ((rc = header(arg, ctx, csv, rec.line)))
        goto out;
    const size_t ncols = ch_csv_ncols(csv);

    while (!ctx->stop) {
        int nr = ch_csv_next(csv, &rec);
        if (nr == CH_CSV_EOF)
            break;
        ch_ingest_tick(ctx);
        if (nr != CH_CSV_OK) {
            if ((rc = ch_csv_report(ctx, &rec, nr)))
                goto out;
            continue;
        }
        if (rec.n != ncols) {
            if ((rc = ch_ingest_reject(ctx, rec.line, CH_R_COLUMNS,
                                       "expected %zu columns, got %zu", ncols, rec.n)))
                goto out;
            continue;
        }
        ch_reason reason;
        if (row(arg, &rec, &r, &reason, msg, sizeof msg) != CHORUS_OK) {
            if ((rc = ch_ingest_reject(ctx, rec.line, reason, "%s", msg)))
                goto out;
            continue;
        }
        if ((rc = ch_ingest_emit(ctx, rec.line, &r)))
            goto out;
    }
out:
    ch_csv_close(csv);
    return rc;
}
