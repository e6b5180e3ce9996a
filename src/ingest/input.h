/*
 * input.h — one input stream: a file (plain, gzip or zstd, sniffed by magic bytes, not by
 * name) or standard input ("-"), read as lines or as raw bytes.
 *
 * Memory is bounded: one read buffer plus one window holding at most one line of `max_line`
 * bytes (and, for compressed input, up to CH_INPUT_HOLD bytes of one member awaiting its
 * check), whatever the file size. A longer line is skipped (ch_input_line returns
 * CH_LINE_TOO_LONG with its number) and reading goes on after it. Every line handed out is
 * followed by CH_INPUT_PADDING readable bytes, so parsers that read ahead (simdjson) need no
 * copy.
 *
 * Damaged compressed streams. A gzip file is a sequence of members and a zstd file a sequence
 * of frames (concatenated files, bgzip, pzstd), each with its own check value (gzip CRC-32 and
 * length; the zstd content checksum when the writer stored one, which the zstd tool does).
 * The decompressed lines of a member are handed out only once the member's check value has
 * been verified, as long as the member decompresses to less than its hold bound (1 MiB for
 * the first member of a file, 8 MiB after it; see CH_INPUT_HOLD); so the lines of a member
 * that fails its check are never seen. A larger member is handed out as it
 * decompresses (holding it whole would make memory unbounded): if it then fails, what was
 * handed out stays handed out, and the damage is reported with `partly_read` set.
 *
 * After a member that cannot be decompressed or fails its check, reading resynchronises: it
 * searches for the next member start (gzip: 1f 8b 08 and a flags byte with the reserved bits
 * clear; zstd: 28 b5 2f fd, or a skippable frame 5? 2a 4d 18, with a valid frame header),
 * beginning one byte after the start of the damaged member, and goes on from there. A
 * candidate that fails in turn extends the same damaged region. Bytes between members that
 * are no member at all (garbage, zero padding after the last member) form damaged regions
 * too. Each region is one CH_LINE_DAMAGED event, delivered at its place in the line stream,
 * with its compressed byte range [from, to). The lines on either side never join: when the
 * data before a damaged region does not end with a newline, a line break is inserted there,
 * so a record cut by the damage is handed out as a fragment for the parser to refuse.
 * The search goes back to the start of the damaged member by re-reading a regular file or
 * memory; on a pipe it can only go back as far as the read buffer (256 KiB) still holds.
 *
 * A stream that ends inside a member (a truncated download) keeps every complete line before
 * the cut, even of a last member larger or smaller than CH_INPUT_HOLD: truncation is not
 * corruption. ch_input_line then returns CH_LINE_ERROR once with ch_input_truncated() set.
 */
#ifndef CH_INPUT_H
#define CH_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"

#define CH_INPUT_PADDING 64
#define CH_INPUT_MAX_LINE_DEFAULT ((size_t)16 * 1024 * 1024)
/* Largest decompressed member or frame whose lines are held back until its check value is
 * verified (see above): CH_INPUT_HOLD_FIRST for the first member of a file, CH_INPUT_HOLD
 * for the members after it. The first bound is the line window's own size, so a file of one
 * member — the common case — pays nothing for holding; a larger hold would leave the held
 * output cold in memory before it is parsed, measurably slowing plain gzip files down. Once
 * a file has shown a second member, members up to 8 MiB are held. */
#define CH_INPUT_HOLD_FIRST ((size_t)1024 * 1024)
#define CH_INPUT_HOLD ((size_t)8 * 1024 * 1024)

typedef struct ch_input ch_input;

typedef enum ch_compression { CH_COMP_NONE = 0, CH_COMP_GZIP, CH_COMP_ZSTD } ch_compression;

/* Opens `path` ("-" = stdin). On failure returns CHORUS_EIO and writes a message (e.g.
 * "cannot open 'x.jsonl': No such file or directory") into err. */
int ch_input_open(const char *path, size_t max_line, ch_input **out, char *err, size_t errlen);
/* Reads from memory (tests, fuzzers); `name` is used in messages. The data is borrowed and
 * must outlive the input; compression is sniffed as for files. */
int ch_input_open_mem(const void *data, size_t len, size_t max_line, ch_input **out);
void ch_input_close(ch_input *in);

enum {
    CH_LINE_OK = 1,        /* line and len hold the next line ('\n' and a '\r' before it removed) */
    CH_LINE_EOF = 0,       /* no more input */
    CH_LINE_TOO_LONG = -1, /* the line *lineno exceeded max_line and was skipped */
    CH_LINE_ERROR = -2,    /* read or decompression error (ch_input_error says which); stop */
    CH_LINE_DAMAGED = -3   /* a damaged region was skipped (ch_input_damage); go on. Only
                            * after ch_input_report_damage(in, true) */
};
/* Next line. *line stays valid until the next call. *lineno is 1-based; for CH_LINE_DAMAGED
 * it is the number of the last line before the damage (0 at the start). */
int ch_input_line(ch_input *in, const char **line, size_t *len, uint64_t *lineno);

/* Chooses how a damaged region reaches the caller: as CH_LINE_DAMAGED, after which reading
 * goes on (on), or as CH_LINE_ERROR with the region's message in ch_input_error (off, the
 * default, for callers that stop at the first error; calling on still resynchronises). */
void ch_input_report_damage(ch_input *in, bool on);

/* A damaged region of a compressed stream. */
typedef struct ch_input_damage {
    uint64_t from, to;            /* compressed byte offsets: [from, to) could not be read */
    ch_reason reason;             /* CH_R_CORRUPT_MEMBER, CH_R_BAD_CHECKSUM or
                                   * CH_R_TRAILING_GARBAGE */
    bool partly_read;             /* a member larger than its hold bound failed after some
                                   * of its lines were handed out */
    const char *msg;              /* "bytes 120..4096: corrupt gzip member (invalid block
                                   * type); reading resumes at the next member" */
} ch_input_damage;
/* The region of the last CH_LINE_DAMAGED (or damage-caused CH_LINE_ERROR); valid until the
 * next ch_input_line call. */
const ch_input_damage *ch_input_damage_last(const ch_input *in);
/* Compressed bytes in damaged regions so far (bytes of members that failed their check
 * included). */
uint64_t ch_input_unreadable(const ch_input *in);

/* The first bytes of the decompressed stream (up to 64 KiB), without consuming them. Stops
 * early at a run of damaged regions; *len is 0 when nothing readable came before the end. */
int ch_input_peek(ch_input *in, const char **data, size_t *len);

ch_compression ch_input_compression(const ch_input *in);
/* Message of the last CH_LINE_ERROR, e.g. "gzip stream truncated"; before any error, the
 * message of the first damaged region, if any. */
const char *ch_input_error(const ch_input *in);
/* True when the compressed stream ended before its end marker (a truncated download). */
bool ch_input_truncated(const ch_input *in);
/* Size of the file on disk, or -1 (stdin, pipes); bytes of it consumed so far. */
int64_t ch_input_file_size(const ch_input *in);
uint64_t ch_input_file_consumed(const ch_input *in);
/* Decompressed bytes handed out so far. */
uint64_t ch_input_bytes(const ch_input *in);

#endif
