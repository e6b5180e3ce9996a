/*
 * cli.h — shared pieces of the `chorus` command: diagnostics printing, the progress display,
 * the options every reading command shares, and one entry point per subcommand (cmd_*.c).
 *
 * The command is a client of the library like any other: it includes include/chorus.h and
 * nothing of src/ (the build checks it: tests/e2e/layers.sh). It parses flags, maps them to
 * the library's option keys, and prints what the library reports.
 *
 * Exit codes (DESIGN.md): 0 success, 1 runtime error, 2 usage error.
 */
#ifndef CHORUS_CLI_H
#define CHORUS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chorus.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Printer for chorus_diag_fn: "chorus: FILE:LINE: message", at most `limit` lines per file,
 * then one line saying how many more were not shown; whole-file problems always. */
typedef struct cli_diag {
    bool quiet;
    unsigned limit;
    char file[512];
    uint64_t shown, hidden;
} cli_diag;

void cli_diag_cb(void *ctx, const chorus_diag *d);
void cli_diag_flush(cli_diag *d);   /* prints the "N more not shown" line of the last file */

/* The progress display on stderr, only when it is a terminal and not quiet: while reading, a
 * line of records, rate, share of the file and ETA, redrawn at most 5 times a second; with
 * `stages`, then one redrawn line per later stage ("scan: finding co-actions ..."). When the
 * reading ends it flushes `diag`; with `warn_empty`, it then warns when no post was read. */
typedef struct cli_progress {
    bool enabled, stages, warn_empty;
    const char *cmd;
    cli_diag *diag;
    chorus_scan *scan;
    bool reading, drawn;
    double start, last;
} cli_progress;

void cli_progress_init(cli_progress *p, chorus_scan *s, cli_diag *d, bool quiet,
                       const char *cmd);
void cli_progress_cb(void *ctx, const chorus_progress *pr);
/* Ends the display: clears the line, flushes the diagnostics. */
void cli_progress_end(cli_progress *p);

double cli_now(void);                  /* monotonic seconds */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "chorus: ..." */
/* Prints n with thousands separators into buf. */
const char *cli_num(uint64_t n, char buf[32]);
/* JSON string literal of s (escaped) to f. */
void cli_json_str(FILE *f, const char *s);
/* A figure of the job (chorus_scan_count), 0 when the job did not compute it. */
int64_t cli_count(const chorus_scan *s, const char *name);

/* Options every reading command shares. */
typedef struct cli_input_opts {
    bool strict, quiet, json;
} cli_input_opts;

/* Handles the options every reading command shares (--format, --map, --strict, --quiet,
 * --json; getopt codes 'f','m','S','q','j') by setting the scan's option. Returns 1 if
 * handled, 0 if not, -1 on a usage error (already reported). */
int cli_input_option(chorus_scan *s, const char *cmd, int c, const char *arg,
                     cli_input_opts *o);
/* Sets option key of s from a flag's value; on a bad value prints "chorus: CMD: --KEY ..."
 * and returns -1. */
int cli_set(chorus_scan *s, const char *cmd, const char *key, const char *value);
/* Adds argv[first..argc) as inputs. Returns 0 or -1 (reported). */
int cli_add_inputs(chorus_scan *s, const char *cmd, int argc, char **argv, int first);
/* The exit status the inputs call for: EXIT_USAGE when one was refused as a usage error,
 * EXIT_RUNTIME when one could not be read, else EXIT_OK. */
int cli_inputs_status(const chorus_scan *s);
/* Prints why a job failed (unless the diagnostics already said it) and returns its exit
 * status: EXIT_USAGE for CHORUS_EUSAGE, else EXIT_RUNTIME. */
int cli_job_failed(const chorus_scan *s, const char *cmd);

int cmd_ingest(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
