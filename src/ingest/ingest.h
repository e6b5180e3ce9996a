/*
 * ingest.h — reading input files into a corpus: the reader table, format detection, and the
 * driver that runs one reader per file.
 *
 * The formats are the descriptors of src/ingest/read_*.c (reader.h), collected by the build
 * into one table; this header is the only way to enumerate or look them up. A caller names a
 * format with ch_reader_find (what --format takes) or leaves ch_ingest_opts.reader NULL to
 * detect it per file.
 */
#ifndef CH_INGEST_H
#define CH_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "ingest/input.h"
#include "ingest/reader.h"

/* Every descriptor, declared from the generated list (for tests and tools that name one
 * directly; the driver and the command line go through the functions below). */
#define CH_READER(n) extern const ch_reader ch_reader_##n;
#include "readers_list.h"
#undef CH_READER

/* The reader table, in a fixed order (by file name). */
size_t ch_reader_count(void);
const ch_reader *ch_reader_at(size_t i);
/* The reader whose name or one of whose aliases is `name` (case-insensitive), or NULL. */
const ch_reader *ch_reader_find(const char *name);

/* The reader that recognises data[0..len) (the first bytes of a decompressed input) with the
 * highest confidence, or NULL when none does (or data holds only blank space). */
const ch_reader *ch_ingest_sniff(const char *data, size_t len);

/* Reads one file (or "-") into the corpus with opts->reader, or the reader ch_ingest_sniff
 * picks. *used (may be NULL) gets the reader that read it (NULL when none ran).
 * File-level problems (cannot open, unknown format) return CHORUS_EIO / CHORUS_EFORMAT with a
 * message through opts->diag (line 0). An empty file runs no reader; it is no error unless
 * opts->require_posts. With require_posts, a file that gave nothing is CHORUS_EFORMAT with a
 * message such as "no posts read as csv: 2 records, 2 skipped (bad_time 2); the file is a
 * table with columns who, when, msg (separator ';')" (ch_ingest_shape). */
int ch_ingest_file(ch_corpus *c, const char *path, const ch_ingest_opts *opts,
                   const ch_reader **used);

/* Describes the start of an input data[0..len) for a message: "the file is empty", "the file
 * is JSON; its first object has the keys a, b, c; its start looks like ...", "the file is a
 * table with the columns a, b (separator ';'); no format chorus reads recognises its start".
 * The format its start resembles is named unless it is `used` (the reader that read it; may
 * be NULL). Writes at most cap bytes (NUL-terminated); returns the length. */
size_t ch_ingest_shape(const char *data, size_t len, const ch_reader *used, char *buf,
                       size_t cap);

/* Reads data[0..len) (borrowed during the call; compression sniffed as for files) into the
 * corpus as file `file` (from ch_corpus_add_file; its platform is the caller's business) with
 * reader r, named `name` in diagnostics. The stream sources of `chorus watch` hand records
 * out one by one; watch gathers them into such buffers and reads them with the same readers
 * a file would get. Returns what the reader returns, or CHORUS_ENOMEM. Cost: the reader's. */
int ch_ingest_mem(ch_corpus *c, uint32_t file, const char *name, const void *data, size_t len,
                  const ch_reader *r, const ch_ingest_opts *opts);

#endif
