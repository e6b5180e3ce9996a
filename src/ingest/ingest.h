/*
 * ingest.h — reading input files into a corpus: format detection, dispatch to one reader per
 * format, and the reporting of bad records.
 *
 * A reader gets an open ch_input and a ch_ingest_ctx, reads every record, hands good ones to
 * ch_corpus_add and reports bad ones with ch_ingest_reject (which counts the reason, calls the
 * caller's diagnostic callback, and in strict mode tells the reader to stop).
 */
#ifndef CH_INGEST_H
#define CH_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "ingest/input.h"

typedef enum ch_format {
    CH_FMT_AUTO = 0,
    CH_FMT_TWITTER_V1,
    CH_FMT_TWITTER_V2,
    CH_FMT_IO_CSV,
    CH_FMT_CSV,
    CH_FMT_CHORUS,
    CH_FMT__COUNT
} ch_format;

const char *ch_format_name(ch_format f);                 /* "twitter-v1", ... */
int ch_format_parse(const char *s, ch_format *out);       /* 0 or CHORUS_EUSAGE */

/* Column map for the generic csv reader: field name -> column name. Fields: id, author
 * (handle), author_id, time, text, kind, ref_id, ref_author (handle), ref_author_id, lang,
 * urls, hashtags, mentions, client. */
#define CH_MAP_MAX 24
typedef struct ch_csvmap {
    size_t n;
    struct { char field[32]; char column[128]; } ent[CH_MAP_MAX];
} ch_csvmap;

/* Parses "id=tweetid,author=user_screen_name,..." (repeatable: entries accumulate). Unknown
 * fields are a usage error; message in err. */
int ch_csvmap_parse(ch_csvmap *m, const char *spec, char *err, size_t errlen);
/* Column named for `field`, or NULL. */
const char *ch_csvmap_get(const ch_csvmap *m, const char *field);

/* Called for every rejected record and for file-level problems (line 0). */
typedef void (*ch_diag_fn)(void *ctx, const char *file, uint64_t line, ch_reason reason,
                           const char *message);

typedef struct ch_ingest_opts {
    ch_format format;             /* CH_FMT_AUTO: detect per file */
    const ch_csvmap *map;         /* required for CH_FMT_CSV */
    bool strict;                  /* first bad record stops the run with CHORUS_EPARSE */
    size_t max_line;              /* 0 = CH_INPUT_MAX_LINE_DEFAULT */
    ch_diag_fn diag;
    void *diag_ctx;
    /* Optional progress callback, called every few thousand records. */
    void (*progress)(void *ctx, uint64_t bytes_done, int64_t bytes_total, uint64_t records);
    void *progress_ctx;
} ch_ingest_opts;

typedef struct ch_ingest_ctx {
    ch_corpus *corpus;
    const ch_ingest_opts *opts;
    const char *fname;            /* as given by the user, for messages */
    uint32_t file;                /* corpus file index */
    ch_input *in;
    bool stop;                    /* set by ch_ingest_reject in strict mode */
    uint64_t records;             /* records seen in this file */
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

/* Readers: each reads the whole input. Return 0, CHORUS_EPARSE (strict stop), CHORUS_EIO or
 * CHORUS_ENOMEM. */
int ch_read_twitter_v1(ch_ingest_ctx *ctx);
int ch_read_twitter_v2(ch_ingest_ctx *ctx);
int ch_read_chorus(ch_ingest_ctx *ctx);
int ch_read_io_csv(ch_ingest_ctx *ctx);
int ch_read_csv(ch_ingest_ctx *ctx);       /* uses ctx->opts->map */

/* Guesses the format from the first bytes of a (decompressed) file. Returns CH_FMT_AUTO when
 * it cannot tell. */
ch_format ch_detect_format(const char *data, size_t len);

/* Reads one file (or "-") into the corpus. File-level problems (cannot open, unknown format)
 * return CHORUS_EIO / CHORUS_EFORMAT with a message through opts->diag (line 0). */
int ch_ingest_file(ch_corpus *c, const char *path, const ch_ingest_opts *opts);

#endif
