/*
 * csv_ingest.h — the read loop both table readers share (io-csv, csv), as jsonl.h is for the
 * JSON-lines readers: the header row, then every data row, with bad records, wrong column
 * counts and ticks handled here and each good row emitted. The readers supply how columns
 * are found and how a row becomes a post. (The rest of the CSV glue is declared in csv.h.)
 */
#ifndef CH_CSV_INGEST_H
#define CH_CSV_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "ingest/csv.h"
#include "ingest/reader.h"

/* Called once the header row of `csv` is read (it starts at `line`): finds the reader's
 * columns. Returns 0, or an error that ends the read (reported by the callback). */
typedef int (*ch_csv_header_fn)(void *arg, ch_ingest_ctx *ctx, const ch_csv *csv,
                                uint64_t line);
/* Fills r from a data row (its column count is the header's). Returns 0, or CHORUS_EPARSE
 * with *reason and msg[0..msglen) saying why the row is refused. */
typedef int (*ch_csv_row_fn)(void *arg, const ch_csv_rec *rec, ch_rawpost *r,
                             ch_reason *reason, char *msg, size_t msglen);

/* Reads ctx->in as a table to the end (or until ctx->stop). An empty file holds no posts and
 * is no error; a bad header row is CHORUS_EFORMAT (without it no row can be read); bad
 * records and rows with another column count are reported and skipped, as are the rows
 * `row` refuses. Returns 0, the header callback's error, CHORUS_EFORMAT, CHORUS_EPARSE
 * (strict), CHORUS_EIO or CHORUS_ENOMEM.
 * Memory: the ch_csv's buffers, and one ch_rawpost (~3 KiB, on the stack) reused for every
 * row. */
int ch_csv_each_row(ch_ingest_ctx *ctx, ch_csv_header_fn header, ch_csv_row_fn row, void *arg);

#endif
