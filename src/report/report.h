/*
 * report.h — the HTML report: one standalone file a journalist can open and read, written from
 * a results database (docs/report.md says what each section shows and how to read it).
 *
 * The file needs nothing but a browser: styles and SVG plots are inline, there is no script,
 * and a Content-Security-Policy forbids every network load, so opening it never contacts
 * anyone (not even the sites an operation links to) and injected markup could not run even if
 * escaping failed. Every string from the database is escaped; invalid UTF-8 is replaced.
 *
 * Size is bounded whatever the database holds: the top clusters and statements get a full
 * section each, the rest a compact list; every list stops after a fixed count with "and N
 * more"; the network picture draws at most max_nodes accounts. Memory is bounded the same way
 * (the largest piece is the network picture: O(max_nodes + its edges)).
 *
 * Reproducible: the same database and options give the same bytes (seeded layout, no clock).
 */
#ifndef CH_REPORT_H
#define CH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "core/outfile.h"

/* The options and the outcome are the public API's (include/chorus.h: chorus_report_opts,
 * chorus_report_info), under the module's names. */
typedef chorus_report_opts ch_report_opts;
typedef chorus_report_info ch_report_info;

void ch_report_opts_default(ch_report_opts *o);

/*
 * Writes the report of the results database at db_path (opened read-only) to out_path:
 * written to a temporary file beside it and renamed into place (core/outfile.h), so a failure
 * never leaves a half-written report where a good one stood. out_path "-" writes to standard
 * output; a character device or FIFO is written directly. The database is never replaced; an
 * existing file is replaced only when it is a chorus report (ch_report_is_ours), empty, or
 * o->force is set; stale temporary files removed are told to o->notice.
 * o may be NULL (defaults); info may be NULL.
 *
 * Returns CHORUS_OK, or: CHORUS_EIO (database missing or unreadable, output not writable: the
 * message ends with the system's reason), CHORUS_EDB (not a chorus results database, or a query
 * failed), CHORUS_EUSAGE (out_path is the database itself, or refused by the output policy),
 * CHORUS_ENOMEM, CHORUS_EINTERNAL (the layout library failed). err gets a one-line message without a
 * "chorus:" prefix ("cannot open 'x.db': ..."). Never prints, exits or aborts.
 *
 * Cost: a few passes over the posts table (O(posts), no per-post memory) plus bounded work per
 * detailed section; about 1 s for a million posts.
 */
int ch_report_write(const char *db_path, const char *out_path, const ch_report_opts *o,
                    ch_report_info *info, char *err, size_t errlen);
/* ch_report_write with more files the report must not replace (a scan's inputs and
 * statements), extra[0..nextra). */
int ch_report_write_to(const char *db_path, const char *out_path, const ch_report_opts *o,
                       const ch_outfile_protect *extra, size_t nextra, ch_report_info *info,
                       char *err, size_t errlen);
/* The output policy of ch_report_write_to for out_path, without writing anything (a scan
 * checks its --report file before it starts). Returns CHORUS_OK, CHORUS_EUSAGE, CHORUS_EIO or
 * CHORUS_ENOMEM, with the message in err. */
int ch_report_check(const char *db_path, const char *out_path, const ch_report_opts *o,
                    const ch_outfile_protect *extra, size_t nextra, char *err, size_t errlen);
/* Whether an existing file is a chorus report: its head holds the generator tag every report
 * carries (<meta name="generator" content="chorus ...">). For ch_outfile_opts.is_ours. */
bool ch_report_is_ours(const char *path, const unsigned char *head, size_t n);
/* The public chorus_report_write (chorus.h) is this function with its message in a
 * chorus_error; chorus_report_opts_init is ch_report_opts_default. */

#endif
