/*
 * csv.h — RFC 4180 record reader on top of ch_input_line, plus cell helpers shared by the
 * CSV-based readers (io-csv, csv).
 *
 * Accepted: quoted fields, doubled quotes ("" inside quotes), quoted newlines (a record goes on
 * over the next line while a quote is open; lines are joined with '\n', so a quoted CRLF reads
 * as '\n'), CRLF line ends, a UTF-8 byte order mark at the start of the file, empty fields and
 * blank lines (skipped). Lenient where exports are sloppy: a quote inside an unquoted field is
 * a literal character, and text after a closing quote is appended to the field ("ab"c -> abc).
 *
 * Separator: ',', '\t', ';' or '|', or 0 = guessed from the first rows (ch_csv_guess_sep):
 * spreadsheets in many European locales write ';', some exports '\t' or '|'.
 *
 * Bounds (hostile input is normal input): a record is at most `max_record` bytes after
 * unquoting and has at most CH_CSV_MAX_FIELDS fields; a single-line record over either limit
 * is dropped (CH_R_TOO_LONG, CH_R_COLUMNS) and reading resumes at the next line. Every record
 * is checked to be valid UTF-8 and dropped (CH_R_UTF8) if not, so readers can hand fields
 * straight to the corpus.
 *
 * Recovery from an unbalanced quote. A stray quote at the start of a field opens a quoted
 * field that runs on over the following lines, swallowing good rows, until some later quote
 * closes it. So a record that goes on over a line break inside quotes is accepted only when
 *   - every quote that closes after the first line break is followed by the separator or the
 *     end of the line (a runaway field usually closes at the opening quote of a later field,
 *     followed by that field's text),
 *   - it has the header's column count (once a header was read with ch_csv_read_header),
 *   - its continuation lines stay within min(max_record, CH_CSV_MAX_SPAN) bytes and
 *     CH_CSV_MAX_SPAN_LINES lines, and
 *   - the input does not end, fail, skip an over-long line or a damaged region inside it.
 * Otherwise only its first line is dropped (CH_R_CSV, "unbalanced quote") and the lines after
 * it are read again as records, so a stray quote never costs a following good row. A genuine
 * multi-line field that breaks one of these rules (text after its closing quote, a wrong
 * column count) is then read as separate lines, each judged on its own. The lines read again
 * are kept in a buffer bounded like the span (plus one line), and each line is read again at
 * most once per stray quote before it, so the cost stays O(bytes) in practice.
 *
 * Memory: one record buffer grown up to max_record, one field array grown up to
 * CH_CSV_MAX_FIELDS, the header names, the lines kept for reading again (above); nothing per
 * record or per field. Cost: O(bytes) per record. Not thread-safe: one ch_csv per input.
 *
 * Damaged compressed input (input.h): ch_csv_open switches the input to report damaged
 * regions, and ch_csv_next returns each as a CH_CSV_SKIP with `damage` set.
 */
#ifndef CH_CSV_H
#define CH_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "ingest/input.h"

#define CH_CSV_MAX_FIELDS 4096
/* Most bytes, and lines, of continuation lines a quoted field may run over (see Recovery). */
#define CH_CSV_MAX_SPAN ((size_t)1024 * 1024)
#define CH_CSV_MAX_SPAN_LINES 65536

typedef struct ch_csv ch_csv;

/* One record. Field slices and `msg` are borrowed from the ch_csv and stay valid until the next
 * ch_csv_next/ch_csv_read_header call. */
typedef struct ch_csv_rec {
    const ch_slice *field;        /* field[0..n): unquoted values (not NUL-terminated) */
    size_t n;
    uint64_t line;                /* 1-based line where the record starts */
    /* Set when a call returns CH_CSV_SKIP or CH_CSV_ERROR: */
    ch_reason reason;             /* CH_R_CSV, CH_R_TOO_LONG, CH_R_UTF8, CH_R_COLUMNS (more
                                   * than CH_CSV_MAX_FIELDS), CH_R_TRUNCATED, or a damaged
                                   * region's reason; else CH_R__COUNT */
    bool damage;                  /* the skip is a damaged region of compressed input
                                   * (ch_input_damage_last describes it until the next call) */
    int err;                      /* CH_CSV_ERROR only: CHORUS_EIO or CHORUS_ENOMEM */
    const char *msg;              /* lowercase, no full stop, e.g. "unterminated quoted field" */
} ch_csv_rec;

enum {
    CH_CSV_OK = 1,     /* *rec holds the next record */
    CH_CSV_EOF = 0,    /* no more records */
    CH_CSV_SKIP = -1,  /* a bad record starting at rec->line was dropped; call again */
    CH_CSV_ERROR = -2  /* read error or out of memory (rec->err, rec->msg); stop */
};

/* Wraps `in` (borrowed: it must outlive the ch_csv and is not closed by it; it is switched to
 * report damaged regions, ch_input_report_damage). `sep` is ',', '\t', ';', '|' or 0 (auto,
 * from the input's first bytes: call it before reading from `in`). `max_record` 0 means CH_INPUT_MAX_LINE_DEFAULT. Returns 0,
 * CHORUS_EUSAGE (bad sep) or CHORUS_ENOMEM. */
int ch_csv_open(ch_input *in, char sep, size_t max_record, ch_csv **out);
void ch_csv_close(ch_csv *c);   /* accepts NULL */

/* Next record; returns a CH_CSV_* code (see above). */
int ch_csv_next(ch_csv *c, ch_csv_rec *rec);

/* Reads the first record as the header row and keeps its names (surrounding spaces removed)
 * for ch_csv_col. Returns CH_CSV_OK, CH_CSV_EOF (empty file), CH_CSV_SKIP (the header itself
 * was bad: callers treat it as a file-level error) or CH_CSV_ERROR. */
int ch_csv_read_header(ch_csv *c, ch_csv_rec *rec);
size_t ch_csv_ncols(const ch_csv *c);                  /* 0 before a header was read */
const char *ch_csv_colname(const ch_csv *c, size_t i); /* NUL-terminated; "" out of range */
/* Index of the header column named `name` (ASCII case-insensitive, first match), or -1. */
int ch_csv_col(const ch_csv *c, const char *name);
char ch_csv_sep(const ch_csv *c);                      /* 0 until the first line was read */
/* The separator of a table starting as data[0..len) (its first bytes; a UTF-8 byte order mark
 * is skipped): of ',', '\t', ';' and '|', the one that splits the header into at least two
 * columns and gives the most of the first 32 records the header's column count (quotes
 * followed); on a tie the one with more columns, then the first of that list. ',' when none
 * splits the header. Cost: O(len) per candidate. */
char ch_csv_guess_sep(const char *data, size_t len);

/* ---- cell helpers (no allocation) ---- */

/* s without leading/trailing ASCII spaces and tabs. */
ch_slice ch_csv_trim(ch_slice s);
/* Column `col` of a record, trimmed; empty when col < 0 or out of range. */
ch_slice ch_csv_cell(const ch_csv_rec *rec, int col);
/* The same, untrimmed (post text keeps its spaces). */
ch_slice ch_csv_raw(const ch_csv_rec *rec, int col);
/* An integer cell: "123", "-4", "1234.0" (float-formatted counts). 0 or CHORUS_EPARSE. */
int ch_csv_int(ch_slice s, int64_t *out);
/* An id cell as written, minus a trailing ".0" that float-converting tools append to numeric
 * ids ("1139131234567.0"). Ids stay strings: they may exceed 2^53. */
ch_slice ch_csv_id(ch_slice s);
/* A boolean cell: true/false, t/f, yes/no, y/n, 1/0 (case-insensitive) -> 1/0; else -1. */
int ch_csv_bool(ch_slice s);
/* Calls add(r, item) for every item of a list cell: "['hk', 'china']", "[hk, china]",
 * "[\"a\",\"b\"]", "[]", "" or, without brackets, items separated by ',', ';', '|' or spaces.
 * Items are trimmed and unquoted; a leading `strip` character ('#', '@'; 0 = none) is removed;
 * empty items are skipped. Items borrow from `s`. */
void ch_csv_list(ch_slice s, char strip, ch_rawpost *r,
                 void (*add)(ch_rawpost *r, const char *p, size_t n));
/* If text starts with "RT @handle:" returns 1 and the handle (without '@'), else 0. */
int ch_csv_rt_handle(ch_slice text, ch_slice *handle);

/* Length of the longest valid UTF-8 prefix of s[0..n) (n when all of it is valid). */
size_t ch_csv_utf8_prefix(const char *s, size_t n);

/* ---- glue for readers built on ch_csv (ingest.h) ---- */

struct ch_ingest_ctx;
/* Opens a ch_csv on ctx->in with the run's line limit as the record limit. */
int ch_csv_open_ctx(struct ch_ingest_ctx *ctx, ch_csv **out);
/* Reports a CH_CSV_SKIP or CH_CSV_ERROR result `r` of ch_csv_next for rec: a skipped record is
 * counted and reported with its reason (ch_ingest_reject), a damaged region with its bytes
 * (ch_ingest_damage); a truncated stream likewise (reading
 * then ends: the records before it are kept); any other error goes to the diagnostic callback
 * as a file-level problem. Returns 0 (go on), CHORUS_EPARSE (strict stop), CHORUS_EIO or
 * CHORUS_ENOMEM. */
int ch_csv_report(struct ch_ingest_ctx *ctx, const ch_csv_rec *rec, int r);

#endif
