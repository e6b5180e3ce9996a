/*
 * reader.h — the contract between the ingest driver and the format readers, and the helpers
 * every reader uses. It sits below both: readers include this header only (plus the shared
 * loops jsonl.h and csv_ingest.h); the driver (ingest.c) includes it to run them.
 *
 * A format is one file, src/ingest/read_<name>.c, that defines one descriptor
 *
 *     const ch_reader ch_reader_<name> = { .name = "...", .sniff = ..., .read = ... };
 *
 * The build collects every read_*.c into the reader table (readers.c), so adding a format
 * is adding that file: nothing else lists the formats.
 *
 * A reader gets an open ch_input and a ch_ingest_ctx, reads every record, hands good ones to
 * ch_ingest_emit (which adds them to the corpus) and reports bad ones with ch_ingest_reject
 * (which counts the reason, calls the caller's diagnostic callback and, in strict mode, tells
 * the reader to stop). It never prints and never stops at a bad record unless ctx->stop.
 */
#ifndef CH_READER_H
#define CH_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "ingest/input.h"

/* Column map of the table readers: field name -> column name. Fields: id, author (handle),
 * author_id, time, text, kind, ref_id, ref_author (handle), ref_author_id, lang, urls,
 * hashtags, mentions, client. */
#define CH_MAP_MAX 24
typedef struct ch_csvmap {
    size_t n;
    struct { char field[32]; char column[128]; } ent[CH_MAP_MAX];
} ch_csvmap;

/* Parses "id=tweetid,author=user_screen_name,..." (repeatable: entries accumulate). Unknown
 * fields are a usage error; message in err. */
int ch_csvmap_parse(ch_csvmap *m, const char *spec, char *err, size_t errlen);
/* Column named for `field`, or NULL. m may be NULL. */
const char *ch_csvmap_get(const ch_csvmap *m, const char *field);

/* Called for every rejected record and for file-level problems (line 0). */
typedef void (*ch_diag_fn)(void *ctx, const char *file, uint64_t line, ch_reason reason,
                           const char *message);

typedef struct ch_reader ch_reader;

typedef struct ch_ingest_opts {
    const ch_reader *reader;      /* NULL: detect per file (ch_ingest_sniff) */
    const ch_csvmap *map;         /* column map for the table readers that take one */
    const char *time_format;      /* --time-format for the table readers; NULL: none */
    bool strict;                  /* first bad record stops the run with CHORUS_EPARSE */
    bool require_posts;           /* a file that gives nothing (no post kept, merged or seen
                                     again, no account record) is CHORUS_EFORMAT, with a
                                     message naming the shape seen (ch_ingest_file) */
    size_t max_line;              /* 0 = CH_INPUT_MAX_LINE_DEFAULT */
    ch_diag_fn diag;
    void *diag_ctx;
    /* Optional progress callback, called every few thousand records. */
    void (*progress)(void *ctx, uint64_t bytes_done, int64_t bytes_total, uint64_t records);
    void *progress_ctx;
    /* Optional: told of every post a reader hands to the corpus and the corpus accepts (kept,
     * or a duplicate of a post already held: `kept` says which), with the line it came from.
     * `chorus watch` learns each record's time from it. Strings of r borrow from the reader. */
    void (*emitted)(void *ctx, uint64_t line, const ch_rawpost *r, bool kept);
    void *emitted_ctx;
} ch_ingest_opts;

/* What a reader works with: one input file. Owned by the driver for the reader's call. */
typedef struct ch_ingest_ctx {
    ch_corpus *corpus;
    const ch_ingest_opts *opts;
    const char *fname;            /* as given by the user, for messages */
    uint32_t file;                /* corpus file index */
    ch_input *in;
    bool stop;                    /* set by ch_ingest_reject in strict mode */
    uint64_t records;             /* records seen in this file */
    /* A slice of a file read by one rank of a distributed scan (ingest/split.h): records and
     * rejections go to `capture` instead of the corpus, to be replayed in file order. */
    struct ch_capture *capture;
    bool ended_in_doc;            /* the input ended inside a document spread over lines
                                     (set by ch_jsonl_each) */
} ch_ingest_ctx;

/* Reports a skipped record: counts `reason`, formats the message for the callback.
 * Returns CHORUS_EPARSE in strict mode (and sets ctx->stop), else 0. */
int ch_ingest_reject(ch_ingest_ctx *ctx, uint64_t line, ch_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Hands a record to the corpus; a rejection (missing id/author/time) is reported as above.
 * Returns 0, CHORUS_EPARSE (strict) or CHORUS_ENOMEM. */
int ch_ingest_emit(ch_ingest_ctx *ctx, uint64_t line, const ch_rawpost *r);
/* Lets the driver report progress; readers call it once per record. */
void ch_ingest_tick(ch_ingest_ctx *ctx);
/* A file-level message (line 0) through the caller's diagnostic callback, without counting a
 * record: for problems that stop a whole file, such as a missing column map. */
void ch_ingest_file_diag(ch_ingest_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reports the damaged region of a compressed input that ch_input_line just returned as
 * CH_LINE_DAMAGED: counts it under its reason (corrupt_member, bad_checksum,
 * trailing_garbage) and its bytes as unreadable, and passes its message ("bytes A..B: ...")
 * to the diagnostic callback as a file-level message (line 0). Returns 0, or CHORUS_EPARSE in
 * strict mode. */
int ch_ingest_damage(ch_ingest_ctx *ctx);

/* ---- format detection ------------------------------------------------------------------ */

/* The start of an input, as a reader's sniff function sees it: the first bytes of the
 * decompressed stream with any UTF-8 byte-order mark and leading blank space skipped, and
 * the first record of that: the first line of a table; for JSON, the first JSON value, which
 * may span lines (as much of it as the first 64 KiB hold). */
typedef struct ch_sniff {
    const char *data;             /* from the first non-blank byte */
    size_t len;                   /* > 0 */
    const char *line;             /* == data: the first record (see above) */
    size_t line_len;
    bool json;                    /* data starts with '{' or '[' */
    char sep;                     /* not json: the table separator (ch_csv_guess_sep over
                                     data); 0 = ',' or '\t' */
} ch_sniff;

/* True if the JSON key "k" (quoted) occurs in the first record. A substring test is enough:
 * detection only chooses a reader, and the reader validates every record. */
bool ch_sniff_has_key(const ch_sniff *s, const char *k);
/* True if the first line is a plausible table header (printable, valid UTF-8, not JSON). */
bool ch_sniff_is_table(const ch_sniff *s);
/* True if the first line, read as a header separated by s->sep (or by ',' and '\t' when 0),
 * has a column named `col` (case-insensitive, quotes and surrounding spaces stripped). */
bool ch_sniff_header_has(const ch_sniff *s, const char *col);

/* How sure a sniff function is that an input is its format. The driver takes the reader
 * with the highest confidence (the first in the table on a tie); 0 means "not mine". */
enum {
    CH_SNIFF_NO = 0,
    CH_SNIFF_WEAK = 10,           /* could be (a generic table) */
    CH_SNIFF_LIKELY = 50,         /* the format's usual keys */
    CH_SNIFF_SURE = 90,           /* keys no other format has */
};

/* ---- the descriptor -------------------------------------------------------------------- */

struct ch_reader {
    const char *name;             /* "twitter-v1": what --format takes and summaries print */
    const char *const *aliases;   /* other names --format accepts; NULL-terminated, or NULL */
    const char *platform;         /* "x", "bluesky", ...; "" when the format does not say */
    const char *summary;          /* one line for `chorus formats` */
    const char *example;          /* a minimal input in this format, for `chorus formats` */
    /* Confidence that the input starting as `s` is this format (CH_SNIFF_*). NULL: never
     * chosen automatically, only by --format. */
    int (*sniff)(const ch_sniff *s);
    /* Reads the whole input. Returns 0, CHORUS_EPARSE (strict stop), CHORUS_EFORMAT /
     * CHORUS_EUSAGE (the file cannot be read in this format at all, reported through
     * ch_ingest_file_diag), CHORUS_EIO or CHORUS_ENOMEM. */
    int (*read)(ch_ingest_ctx *ctx);
    /* Reading this format from a slice of a file starting at a line boundary yields what the
     * whole-file read yields for those lines: one record per line or per document framed by
     * ch_jsonl_each, no state across records, nothing added to the corpus except through
     * ch_ingest_emit / ch_ingest_reject. Ranks of a distributed scan split such files
     * (ingest/split.h); other formats are read whole by one rank. */
    bool splittable;
};

#endif
