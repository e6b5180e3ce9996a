/*
 * csv_table.h — a table read by column names, shared by the generic csv reader (columns named
 * by --map) and the table presets (CrowdTangle, Meta Content Library, 4CAT: columns found
 * among the names each export writes). It turns a row into a post the same way for all of
 * them (kind words, "RT @" text, list cells, times with --time-format); a preset adds what
 * only its export knows through a fix-up hook.
 */
#ifndef CH_CSV_TABLE_H
#define CH_CSV_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/post.h"
#include "ingest/csv.h"
#include "ingest/reader.h"

/* The fields a column can hold. The first CH_TF__MAP are the --map fields (csvmap.c). */
enum {
    CH_TF_ID, CH_TF_AUTHOR, CH_TF_AUTHOR_ID, CH_TF_TIME, CH_TF_TEXT, CH_TF_KIND, CH_TF_REF_ID,
    CH_TF_REF_AUTHOR, CH_TF_REF_AUTHOR_ID, CH_TF_LANG, CH_TF_URLS, CH_TF_HASHTAGS,
    CH_TF_MENTIONS, CH_TF_CLIENT,
    CH_TF__MAP,
    CH_TF_ROOT_ID = CH_TF__MAP,   /* presets only: thread root of a reply */
    CH_TF_URLS2,                  /* a second URL column (a fallback link) */
    CH_TF_TIME2,                  /* a second time column, read when the first cell is empty */
    CH_TF_NAME,                   /* the account's display name */
    CH_TF_FOLLOWERS,              /* followers (or page likes) at posting */
    CH_TF_VERIFIED,               /* a boolean cell */
    CH_TF_X1, CH_TF_X2, CH_TF_X3, /* preset-specific columns for the fix-up hook */
    CH_TF__N
};

typedef struct ch_table ch_table;

/* A preset: for each field the column names it may have, in order of preference (a
 * NULL-terminated list; NULL = not read), matched case-insensitively. */
typedef struct ch_table_preset {
    const char *const *cols[CH_TF__N];
    bool na_empty;                /* cells "NA" (R's write.csv) and "null" are empty */
    /* Called after the header is read: may refuse the file (CHORUS_EFORMAT with a message in
     * msg) or note what the header says in t->user. NULL: the columns of `need` decide. */
    int (*header)(ch_table *t, const ch_csv *csv, char *msg, size_t msglen);
    /* Called for each row after the common mapping: adjusts r (kind, references, platform).
     * Returns 0 or CHORUS_EPARSE with *reason and msg. NULL: none. */
    int (*fix)(ch_table *t, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
               char *msg, size_t msglen);
} ch_table_preset;

struct ch_table {
    const ch_csvmap *map;         /* the csv reader: columns named by --map */
    const ch_table_preset *preset;
    int col[CH_TF__N];            /* column of each field, -1 when absent */
    bool time_ms;                 /* the time column holds milliseconds (its name ends _ms) */
    const char *time_format;      /* --time-format, or NULL */
    const char *base;             /* file basename, for synthesized ids */
    char id[320];                 /* "<base>:<line>" */
    const char *platform;         /* set by a preset's header hook: every row's platform */
    char buf[512];                /* scratch for a fix-up hook (built ids) */
};

/* The value of a cell as the table reads it (trimmed; "NA" empty for presets that say so). */
ch_slice ch_table_cell(const ch_table *t, const ch_csv_rec *rec, int field);

/* Reads ctx->in as a table with t (its map or preset set, the rest zero): header, columns,
 * every row. The file is refused (CHORUS_EFORMAT, a file-level message) when a mapped column
 * is missing, or a preset's time or author columns are. Returns as ch_csv_each_row. */
int ch_table_read(ch_ingest_ctx *ctx, ch_table *t);

/* The file name without directories ("stdin" for "-"), for synthesized ids. */
const char *ch_table_basename(const char *path);

#endif
