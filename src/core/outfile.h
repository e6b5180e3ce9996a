/*
 * outfile.h — the one way libchorus writes a file that a user keeps (the results database, the
 * HTML report, exports): atomically, beside the target, never over something it must not
 * replace.
 *
 *   ch_outfile_open    checks the target (see "policy" below), then creates the temporary
 *                      file "<path>.tmp-<pid>" in the target's folder (O_EXCL, mode 0666 less
 *                      the umask), after removing a leftover of a crashed run with that pid;
 *   ...write...        through the stdio stream (CH_OUT_STREAM), or by opening the temporary
 *                      path by name (SQLite does: ch_outfile_temp);
 *   ch_outfile_finish  flushes, fsyncs and closes the temporary file (no rename yet), so that
 *                      a writer of several files can finish all of them before any replaces
 *                      an older one;
 *   ch_outfile_commit  finishes if needed, renames the temporary file over the target and
 *                      fsyncs the folder, so the new name survives a power cut;
 *   ch_outfile_abort   closes and removes the temporary file.
 * A crash at any point leaves the previous target untouched (and at worst a *.tmp-<pid> file).
 *
 * Policy lives here and nowhere else, so that a rule added later applies to every output at
 * once. Today: a target that is a directory is refused (CHORUS_EUSAGE); a target that is one
 * of the caller's protected files (the database a report is made from, the inputs of a scan;
 * compared by device and inode, so another spelling of the same file is caught) is refused
 * (CHORUS_EUSAGE). Planned in this same place: writing through a symlink to its target rather
 * than replacing the link, writing a device (/dev/null) directly rather than replacing it,
 * and removing live temporary files when the process is interrupted by a signal.
 *
 * "-" is standard output when CH_OUT_STDOUT is given (stream writers only): written directly,
 * not atomically; commit flushes it and reports a write error. Without the flag "-" is an
 * ordinary file name.
 *
 * Messages (err) are one line without a "chorus:" prefix and name the file concerned.
 * Ownership: the handle owns its stream and names; commit and abort free it whatever happens.
 * Not thread-safe: one thread per handle.
 */
#ifndef CH_OUTFILE_H
#define CH_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    CH_OUT_STREAM = 1u << 0,   /* open a stdio stream on the temporary file */
    CH_OUT_STDOUT = 1u << 1,   /* "-" is standard output (with CH_OUT_STREAM) */
};

/* A file the output must not replace, and what it is, for the message
 * ("'x.db' is the results database: choose another output"). */
typedef struct ch_outfile_protect {
    const char *path;
    const char *what;          /* "the results database", "an input of the scan", ... */
} ch_outfile_protect;

typedef struct ch_outfile_opts {
    unsigned flags;            /* CH_OUT_* */
    const ch_outfile_protect *protect;
    size_t nprotect;
} ch_outfile_opts;

typedef struct ch_outfile ch_outfile;

/* Returns CHORUS_OK, CHORUS_EUSAGE (refused by the policy above), CHORUS_EIO (the temporary
 * file cannot be created: "cannot create '<tmp>': <reason>") or CHORUS_ENOMEM. o may be NULL
 * (no stream, nothing protected). */
int ch_outfile_open(const char *path, const ch_outfile_opts *o, ch_outfile **out, char *err,
                    size_t errlen);
/* The stream to write (the temporary file, or stdout), or NULL without CH_OUT_STREAM. Written
 * fully buffered; the caller keeps its own sticky write error or relies on finish's check. */
FILE *ch_outfile_stream(ch_outfile *f);
/* The temporary file's path (NULL for standard output), for writers that open it by name. */
const char *ch_outfile_temp(const ch_outfile *f);
/* The target's path as given. */
const char *ch_outfile_path(const ch_outfile *f);
/* Flushes, fsyncs and closes the temporary file (stdout: flushes). Returns CHORUS_OK or
 * CHORUS_EIO ("cannot write '<path>': <reason>"); on error the handle must still be aborted. */
int ch_outfile_finish(ch_outfile *f, char *err, size_t errlen);
/* Finishes (if not done), renames over the target, fsyncs the folder. Frees f whatever
 * happens; on error the temporary file is removed and the target untouched. Returns CHORUS_OK
 * or CHORUS_EIO. */
int ch_outfile_commit(ch_outfile *f, char *err, size_t errlen);
/* Closes and removes the temporary file, frees f. NULL is fine. */
void ch_outfile_abort(ch_outfile *f);

#endif
