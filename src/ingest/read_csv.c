/*
 * read_csv.c — reader for any CSV/TSV table, with a column map (--map FIELD=COLUMN,...; see
 * csvmap.c and ingest.h for the fields).
 *
 * The map must name `time` and `author` or `author_id`. Every mapped column must be in the
 * header (else the file is refused: reading the wrong column silently would be worse).
 *
 * Rows become posts as csv_table.c says (kind words, "RT @" text, list cells, times with
 * --time-format, synthesized ids "<file basename>:<line>" when no id column is mapped).
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/csv_table.h"
#include "ingest/reader.h"

/* The first line of the input as a sniff sees it (for the layouts known without a map). */
static bool first_line(ch_ingest_ctx *ctx, ch_sniff *s)
{
    const char *data;
    size_t len;
    if (ch_input_peek(ctx->in, &data, &len) || len == 0)
        return false;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf) {
        data += 3;
        len -= 3;
    }
    const char *nl = memchr(data, '\n', len);
    *s = (ch_sniff){.data = data, .len = len, .line = data, .line_len = nl ? (size_t)(nl - data) : len};
    return true;
}

/* The CooRTweet layout: object = shared item, content = the share itself. */
static bool is_coortweet(const ch_sniff *s)
{
    return ch_sniff_header_has(s, "object_id") && ch_sniff_header_has(s, "account_id") &&
           ch_sniff_header_has(s, "content_id") && ch_sniff_header_has(s, "timestamp_share");
}

static int sniff(const ch_sniff *s)
{
    if (!ch_sniff_is_table(s))
        return CH_SNIFF_NO;
    if (is_coortweet(s))
        return CH_SNIFF_LIKELY;
    if (memchr(s->line, ',', s->line_len) || memchr(s->line, '\t', s->line_len))
        return CH_SNIFF_WEAK;
    return CH_SNIFF_NO;
}

static int read(ch_ingest_ctx *ctx)
{
    const ch_csvmap *map = ctx->opts->map;
    ch_csvmap known;
    ch_sniff s;
    if ((!map || map->n == 0) && first_line(ctx, &s) && is_coortweet(&s)) {
        char err[64];
        memset(&known, 0, sizeof known);
        if (ch_csvmap_parse(&known, "id=content_id,author_id=account_id,ref_id=object_id,"
                                    "time=timestamp_share", err, sizeof err) == CHORUS_OK)
            map = &known;
    }
    if (!map || map->n == 0) {
        ch_ingest_file_diag(ctx, "a csv file needs a column map: "
                                 "--map id=COL,author=COL,time=COL,text=COL");
        return CHORUS_EUSAGE;
    }

    /* The map is checked before reading so a bad one fails the same way on every file. */
    const char *need = !ch_csvmap_get(map, "time") ? "time=COLUMN"
                       : !ch_csvmap_get(map, "author") && !ch_csvmap_get(map, "author_id")
                           ? "author=COLUMN or author_id=COLUMN"
                           : NULL;
    if (need) {
        /* A usage problem, not a bad record. */
        ch_ingest_file_diag(ctx, "the csv column map needs %s (--map)", need);
        return CHORUS_EUSAGE;
    }
    ch_table t = {.map = map};
    return ch_table_read(ctx, &t);
}

const ch_reader ch_reader_csv = {
    .name = "csv",
    .aliases = NULL,
    .platform = "",
    .summary = "any table with a column map (--map id=COL,author=COL,time=COL,text=COL,...)",
    .example = "post,user,when,body\n1,ana,2023-03-01T10:00:00Z,Hello",
    .sniff = sniff,
    .read = read,
};
