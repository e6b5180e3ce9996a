/*
 * input.h — one input stream: a file (plain, gzip or zstd, sniffed by magic bytes, not by
 * name) or standard input ("-"), read as lines or as raw bytes.
 *
 * Memory is bounded: one read buffer plus one line of at most `max_line` bytes, whatever the
 * file size. A longer line is skipped (ch_input_line returns CH_LINE_TOO_LONG with its number)
 * and reading goes on after it. Every line handed out is followed by CH_INPUT_PADDING readable
 * bytes, so parsers that read ahead (simdjson) need no copy.
 */
#ifndef CH_INPUT_H
#define CH_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_INPUT_PADDING 64
#define CH_INPUT_MAX_LINE_DEFAULT ((size_t)16 * 1024 * 1024)

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
    CH_LINE_ERROR = -2     /* read or decompression error (ch_input_error says which); stop */
};
/* Next line. *line stays valid until the next call. *lineno is 1-based. */
int ch_input_line(ch_input *in, const char **line, size_t *len, uint64_t *lineno);

/* The first bytes of the decompressed stream (up to 64 KiB), without consuming them. */
int ch_input_peek(ch_input *in, const char **data, size_t *len);

ch_compression ch_input_compression(const ch_input *in);
/* Message of the last CH_LINE_ERROR, e.g. "gzip stream truncated". */
const char *ch_input_error(const ch_input *in);
/* True when the compressed stream ended before its end marker (a truncated download). */
bool ch_input_truncated(const ch_input *in);
/* Size of the file on disk, or -1 (stdin, pipes); bytes of it consumed so far. */
int64_t ch_input_file_size(const ch_input *in);
uint64_t ch_input_file_consumed(const ch_input *in);
/* Decompressed bytes handed out so far. */
uint64_t ch_input_bytes(const ch_input *in);

#endif
