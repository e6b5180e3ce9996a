/*
 * statements.h — the official statements that posts are matched against (parroting).
 * An input reader like the post readers (it lives in ingest/ beside them); parroting
 * (detect/parrot/) and the CLI use the loaded set.
 *
 * Sources:
 *   - .txt: one statement per file, id = file name without extension (and without a .gz/.zst
 *     suffix); the text is the file's text (lines joined with '\n', a UTF-8 BOM dropped);
 *   - .md / .markdown: as .txt after markdown syntax is removed (ch_md_strip): heading
 *     markers, emphasis, code fences, list and quote markers, link and image syntax (the link
 *     text or alt text stays), reference definitions, HTML tags and comments. A YAML front
 *     matter block is not text; its `source`, `lang` and `published_at` (or `date`) keys fill
 *     the statement's fields;
 *   - JSONL: one statement per line, {"id", "source", "published_at", "lang", "text"}; id
 *     (string or integer) and text are required; published_at is Unix seconds (number or
 *     string) or ISO 8601 (anything ch_time_parse accepts); null means absent. Unknown keys are
 *     ignored. A bad line is reported and skipped, like a bad post;
 *   - a directory: every .txt, .md, .markdown, .jsonl and .ndjson file in it (optionally
 *     compressed: .gz, .zst), in name order, not recursively; hidden files are skipped.
 * A file given by name with another extension is read as JSONL when its first non-blank byte
 * is '{', else as text. With `split`, a .txt/.md file becomes one statement per paragraph
 * (paragraphs are separated by blank lines): ids `NAME#1`, `NAME#2`, ... counting non-empty
 * paragraphs. JSONL records are statements already and are never split.
 *
 * The text kept is the text matched and the text that match offsets point into: for .md, the
 * text after markdown removal; for a split file, the paragraph. Texts must be valid UTF-8
 * (otherwise the statement is refused as bad_utf8) and at most `max_bytes` long (too_long).
 * Ids must be unique across the set: a repeated id is refused (bad_field) and the first kept.
 *
 * Ownership: the set owns every statement and string (one arena); pointers returned by
 * ch_stmtset_get stay valid until the set is freed, but the ch_statement records themselves
 * move when statements are added, so do not keep a ch_statement * across an add or load.
 * Not thread-safe while loading; read-only use from many threads is safe.
 *
 * Cost: O(bytes) to load, one simdjson parse per JSONL line; memory ≈ the texts plus ~64
 * bytes per statement.
 */
#ifndef CH_STATEMENTS_H
#define CH_STATEMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "ingest/reader.h"   /* ch_diag_fn, ch_reason */

#define CH_STMT_MAX_BYTES_DEFAULT ((size_t)8 * 1024 * 1024)

typedef struct ch_statement {
    const char *id;           /* NUL-terminated, unique in the set */
    const char *source;       /* "" when unknown */
    const char *lang;         /* "" when unknown */
    const char *text;         /* UTF-8, NUL-terminated */
    uint32_t text_len;
    int64_t published_at;     /* Unix seconds UTC, CH_UNKNOWN_I64 when unknown */
    const char *file;         /* the file it came from ("" when added by ch_stmtset_add) */
    uint64_t line;            /* JSONL line, 0 for whole files */
} ch_statement;

typedef struct ch_stmt_opts {
    bool split;               /* .txt/.md: one statement per paragraph */
    bool strict;              /* the first bad record stops loading with CHORUS_EPARSE */
    size_t max_bytes;         /* longest statement; 0 = CH_STMT_MAX_BYTES_DEFAULT */
    ch_diag_fn diag;          /* bad records (line > 0) and file problems (line 0); may be NULL */
    void *diag_ctx;
} ch_stmt_opts;

typedef struct ch_stmtset ch_stmtset;

/* Returns 0 or CHORUS_ENOMEM. */
int ch_stmtset_new(ch_stmtset **out);
/* Releases the set and every string in it. NULL is fine. */
void ch_stmtset_free(ch_stmtset *s);

/*
 * Loads a file or a directory (see the top of this file). Bad records are reported through
 * o->diag and skipped. Returns 0 (even when records were skipped), CHORUS_EIO (a file or the
 * directory could not be read: reported with line 0; in a directory the other files are
 * still loaded), CHORUS_EPARSE (strict mode, at the first bad record) or CHORUS_ENOMEM.
 */
int ch_stmtset_load(ch_stmtset *s, const char *path, const ch_stmt_opts *o);

/*
 * Adds one statement, copying every string (source and lang may be NULL; the text is taken
 * as is, not trimmed). Returns 0, CHORUS_EPARSE when the id is empty or already used or the
 * text is not valid UTF-8, CHORUS_ELIMIT when the text is 4 GiB or longer, or CHORUS_ENOMEM.
 */
int ch_stmtset_add(ch_stmtset *s, const char *id, size_t idlen, const char *text, size_t len,
                   const char *source, const char *lang, int64_t published_at);

size_t ch_stmtset_count(const ch_stmtset *s);
const ch_statement *ch_stmtset_get(const ch_stmtset *s, size_t i);
/* Index of the statement with this id, or SIZE_MAX. O(len). */
size_t ch_stmtset_find(const ch_stmtset *s, const char *id, size_t len);
/* Total bytes of statement text (what the index size is compared with). */
size_t ch_stmtset_text_bytes(const ch_stmtset *s);
/* Records refused so far, by reason (ch_reason); files that could not be read. */
uint64_t ch_stmtset_skipped(const ch_stmtset *s, ch_reason r);
uint64_t ch_stmtset_skipped_total(const ch_stmtset *s);

/*
 * Markdown to plain text (exposed for tests). Writes the text of in[0..n) into out, which
 * must hold n + 1 bytes (the result is never longer), NUL-terminates it and returns its
 * length. Front matter is skipped; when fm is not NULL its source/lang/published_at are
 * stored there (each a NUL-terminated string, "" when absent, truncated to 127 bytes).
 * Line structure is kept, so blank lines still separate paragraphs. O(n).
 */
typedef struct ch_md_front {
    char source[128], lang[128], published_at[128];
} ch_md_front;
size_t ch_md_strip(const char *in, size_t n, char *out, ch_md_front *fm);

#endif
