/*
 * outfile.h — the one way libchorus writes a file that a user keeps (the results database, the
 * HTML report, exports): atomically, beside the target, never over something it must not
 * replace. docs/reliability.md states the promises for users; this header is the contract.
 *
 *   ch_outfile_check   the policy below, nothing created (a long job checks its outputs
 *                      before it starts, so that hours of work do not end in a refusal);
 *   ch_outfile_open    checks again, removes stale temporary files of this target (below),
 *                      then creates the temporary file ".<name>.chorus-tmp-<pid>-<random>" in
 *                      the target's folder (O_EXCL, the mode of the file it replaces, else 0666
 *                      less the umask) and registers it for removal on a signal;
 *   ...write...        through the stream (CH_OUT_STREAM), or by opening the temporary path by
 *                      name (SQLite does: ch_outfile_temp);
 *   ch_outfile_finish  flushes, fsyncs and closes the temporary file (no rename yet), so that
 *                      a writer of several files can finish all of them before any replaces
 *                      an older one;
 *   ch_outfile_commit  finishes if needed, renames the temporary file over the target and
 *                      fsyncs the folder, so the new name survives a power cut;
 *   ch_outfile_abort   closes and removes the temporary file.
 * A crash at any point leaves the previous target untouched (and at worst a temporary file
 * that the next run over the same target removes).
 *
 * Policy (here and nowhere else, so that every output follows it). `path` names:
 *   - nothing: a new file; its folder must exist and be writable (else CHORUS_EIO with the
 *     reason: "cannot write 'x/y.html': No such file or directory");
 *   - a directory: refused (CHORUS_EUSAGE);
 *   - one of the caller's protected files (the inputs and statements of a scan, the database a
 *     report or export is made from), compared by device and inode, so another spelling, a
 *     symbolic link or a hard link to it is caught: refused (CHORUS_EUSAGE), --force or not;
 *   - a symbolic link: followed; the file it points to is checked as below and replaced, the
 *     link stays a link (the temporary file is made beside the file pointed to, so the rename
 *     stays on one file system). A link to nothing is refused (CHORUS_EUSAGE): writing would
 *     create a file wherever the link points, which is rarely what was meant;
 *   - a character device or a FIFO (/dev/null, /dev/stdout, a named pipe): written directly,
 *     not atomically, never renamed over, when the caller allows it (CH_OUT_DIRECT: stream
 *     writers); otherwise (the results database, which SQLite must seek in) refused;
 *   - a block device or a socket: refused;
 *   - a regular file we may not write (access(2)): refused with the reason (CHORUS_EIO), since
 *     a read-only file is a file its owner protected;
 *   - a non-empty regular file that `is_ours` does not recognise as an output of this kind
 *     (a results database by its application id, a report by its generator tag, an export by
 *     its header): refused (CHORUS_EUSAGE) unless CH_OUT_FORCE. An empty file is replaced.
 *
 * Temporary files are named ".<name>.chorus-tmp-<pid>-<8 hex>" (name cut so the whole fits
 * NAME_MAX). While open they sit in a process-wide registry that ch_outfile_remove_temps
 * (async-signal-safe) empties: the command's SIGINT/SIGTERM/SIGHUP/SIGPIPE handler calls it
 * before ending. A run killed outright (SIGKILL, power cut) leaves its file; the next open of
 * the same target removes every ".<name>.chorus-tmp-<pid>-*" whose process is gone (kill(pid,
 * 0) says ESRCH) and says so through `notice`. One of a live process (another chorus writing
 * the same target, or an unrelated process that reused the pid) is left alone.
 *
 * "-" is standard output when CH_OUT_STDOUT is given (stream writers only): written directly,
 * not atomically; commit flushes it and reports a write error. Without the flag "-" is an
 * ordinary file name.
 *
 * Errors: every message is one line without a "chorus:" prefix, names the file concerned and
 * ends with the system's reason (strerror of the errno the failing call set, kept from the
 * moment it failed, not read later: a full disk says "No space left on device").
 * Ownership: the handle owns its stream and names; commit and abort free it whatever happens.
 * Not thread-safe per handle: one thread per handle; different handles are independent.
 *
 * Testing hook (SQLite-style fault injection): ch_outfile_fault makes the Nth input/output call
 * of any handle fail (creating the file, a write, fsync, close, rename), or a write come back
 * short, so tests can sweep N over every call of a writer and check that the previous output
 * survives each failure.
 */
#ifndef CH_OUTFILE_H
#define CH_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chorus.h"

enum {
    CH_OUT_STREAM = 1u << 0,   /* open a stdio stream on the file */
    CH_OUT_STDOUT = 1u << 1,   /* "-" is standard output (with CH_OUT_STREAM) */
    CH_OUT_FORCE = 1u << 2,    /* replace an existing file is_ours does not recognise */
    CH_OUT_DIRECT = 1u << 3,   /* a character device or FIFO is written directly (with
                                  CH_OUT_STREAM); without it, such a target is refused */
};

/* A file the output must not replace, and what it is, for the message
 * ("'x.db' is the results database: choose another output"). path "-" is standard input
 * (protected when it is a file). */
typedef struct ch_outfile_protect {
    const char *path;
    const char *what;          /* "the results database", "an input of the scan", ... */
} ch_outfile_protect;

/* How many bytes of an existing file is_ours sees (fewer when the file is shorter). */
#define CH_OUTFILE_HEAD 4096

typedef struct ch_outfile_opts {
    unsigned flags;            /* CH_OUT_* */
    const ch_outfile_protect *protect;
    size_t nprotect;
    /* Recognises an existing regular file (the one a symlink points to) as an output of this
     * kind from its path and first bytes. NULL: any existing file may be replaced. */
    bool (*is_ours)(const char *path, const unsigned char *head, size_t n);
    const char *kind;          /* for the refusal: "a chorus report" */
    /* Told about stale temporary files removed (one line, no prefix), may be NULL. */
    void (*notice)(void *ctx, const char *path, const char *message);
    void *notice_ctx;
} ch_outfile_opts;

typedef struct ch_outfile ch_outfile;

/* The policy above without creating anything. Returns CHORUS_OK, CHORUS_EUSAGE (refused),
 * CHORUS_EIO (cannot be written, with the reason) or CHORUS_ENOMEM. o may be NULL. */
int ch_outfile_check(const char *path, const ch_outfile_opts *o, char *err, size_t errlen);

/* Returns CHORUS_OK, CHORUS_EUSAGE (refused by the policy), CHORUS_EIO (the file cannot be
 * created or opened: "cannot create '<tmp>' beside '<path>': <reason>") or CHORUS_ENOMEM. o may
 * be NULL (no stream, nothing protected, any file replaced). */
int ch_outfile_open(const char *path, const ch_outfile_opts *o, ch_outfile **out, char *err,
                    size_t errlen);
/* The stream to write, or NULL without CH_OUT_STREAM. Fully buffered; a failed write sets the
 * stream's error flag and the handle keeps its errno for finish's message. */
FILE *ch_outfile_stream(ch_outfile *f);
/* The temporary file's path, NULL when written directly (standard output, a device, a FIFO). */
const char *ch_outfile_temp(const ch_outfile *f);
/* The target's path as given. */
const char *ch_outfile_path(const ch_outfile *f);
/* The errno of the first failed write to the stream, 0 while all went well. */
int ch_outfile_error(const ch_outfile *f);
/* Flushes, fsyncs and closes the temporary file (direct outputs: flushes). Returns CHORUS_OK
 * or CHORUS_EIO ("cannot write '<path>': <reason>"); on error the handle must still be
 * aborted. */
int ch_outfile_finish(ch_outfile *f, char *err, size_t errlen);
/* Finishes (if not done), renames over the target, fsyncs the folder. Frees f whatever
 * happens; on error the temporary file is removed and the target untouched. Returns CHORUS_OK
 * or CHORUS_EIO. */
int ch_outfile_commit(ch_outfile *f, char *err, size_t errlen);
/* Closes and removes the temporary file, frees f. NULL is fine. */
void ch_outfile_abort(ch_outfile *f);

/* A notice callback (ch_outfile_opts.notice) that hands the message on as a chorus_diag (file:
 * the file removed, line 0, no reason) to the public API's diagnostic callback; its context is
 * a ch_outfile_diag (fn may be NULL: nothing is said). */
typedef struct ch_outfile_diag {
    chorus_diag_fn fn;
    void *ctx;
} ch_outfile_diag;
void ch_outfile_notice_diag(void *ctx, const char *path, const char *message);

/* Removes the temporary file of every handle open in the process. Async-signal-safe (unlink
 * only): for a signal handler that ends the process next. The handles are left as they are. */
void ch_outfile_remove_temps(void);

/* Whether two output paths name the same file once written: the same spelling, the same
 * existing file, or the same name in the same folder (folders resolved: symbolic links, ".."),
 * a symbolic link compared by the file it points to. */
bool ch_outfile_same_target(const char *a, const char *b);

/* ---- testing hook --------------------------------------------------------------------------- */

/* From now on, the nth input/output call of any handle (1-based; counted: creating or opening
 * the file, each write(2) of a stream, fsync, close, rename) fails with errno `err`; with
 * `short_write`, a write that is the nth call instead writes half of its bytes and succeeds
 * (the stream must write the rest). n = 0 turns injection and counting off; n = UINT64_MAX
 * counts without failing. For tests only; process-wide. */
void ch_outfile_fault(uint64_t n, int err, bool short_write);
/* Calls counted since the last ch_outfile_fault. */
uint64_t ch_outfile_fault_calls(void);

#endif
