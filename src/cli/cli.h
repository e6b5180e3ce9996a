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

/* How progress is shown on stderr (--progress):
 *   bar    one line redrawn in place (records, rate, share of the file, ETA; then the stage);
 *   plain  one line per stage and per input, never redrawn: for logs, nohup, CI and
 *          Jupyter's `!chorus`, where a redrawn line would pile up as control characters;
 *   none   nothing.
 * `auto` (the default) is bar when stderr is a terminal, else plain; --quiet makes the
 * default none (an explicit --progress still wins). */
typedef enum cli_progress_mode { CLI_PROGRESS_AUTO, CLI_PROGRESS_BAR, CLI_PROGRESS_PLAIN,
                                 CLI_PROGRESS_NONE } cli_progress_mode;
/* Parses auto|bar|plain|none; -1 when it is none of them. */
int cli_progress_parse(const char *s);

/* The progress display: while reading, per input (plain: a line when it starts and one when
 * it ends, and one every 30 s in between; bar: a redrawn line at most 5 times a second); then
 * with `stages` (scan) or in plain mode, one line per later stage ("scan: finding co-actions").
 * When the reading ends it flushes `diag`; with `warn_empty`, it then warns when no post was
 * read. */
typedef struct cli_progress {
    cli_progress_mode mode;       /* resolved: BAR, PLAIN or NONE */
    bool stages, warn_empty;
    const char *cmd;
    cli_diag *diag;
    chorus_scan *scan;
    bool reading, drawn;
    double start, last, job_start, file_start;
    char file[512];               /* plain: the input being read ("" before the first) */
    bool file_announced, file_done;
    uint64_t file_records0, records;   /* records before this input; last seen in all */
    int64_t file_total;
} cli_progress;

/* mode: as given by --progress (AUTO when not given); quiet: --quiet. */
void cli_progress_init(cli_progress *p, chorus_scan *s, cli_diag *d, cli_progress_mode mode,
                       bool quiet, const char *cmd);
void cli_progress_cb(void *ctx, const chorus_progress *pr);
/* Ends the display: clears the line (bar) or says "done in N s" (plain), flushes the
 * diagnostics. */
void cli_progress_end(cli_progress *p);

double cli_now(void);                  /* monotonic seconds */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "chorus: ..." */
/* A flag's whole-number argument within [min, max]; otherwise "chorus: CMD: OPT takes a
 * number from MIN to MAX, not 'ARG'" and -1. */
int cli_number(const char *cmd, const char *opt, const char *arg, unsigned long long min,
               unsigned long long max, unsigned long long *out);
/* Prints n with thousands separators into buf. */
const char *cli_num(uint64_t n, char buf[32]);
/* JSON string literal of s (escaped) to f. */
void cli_json_str(FILE *f, const char *s);
/* A figure of the job (chorus_scan_count), 0 when the job did not compute it. */
int64_t cli_count(const chorus_scan *s, const char *name);

/* Options every reading command shares. */
typedef struct cli_input_opts {
    bool strict, quiet, json;
    cli_progress_mode progress;   /* --progress; CLI_PROGRESS_AUTO when not given */
} cli_input_opts;

/* The getopt code of --progress in every reading command's option table. */
#define CLI_OPT_PROGRESS 900
#define CLI_PROGRESS_LONGOPT {"progress", required_argument, 0, CLI_OPT_PROGRESS}

/* Handles the options every reading command shares (--format, --map, --strict, --quiet,
 * --json, --preset (= --format), --time-format, --progress; getopt codes 'f','m','S','q','j','T',
 * CLI_OPT_PROGRESS) by setting the scan's option. Returns 1 if handled, 0 if not, -1 on a usage
 * error (already reported). */
int cli_input_option(chorus_scan *s, const char *cmd, int c, const char *arg,
                     cli_input_opts *o);
/* Sets option key of s from a flag's value; on a bad value prints "chorus: CMD: --KEY ..."
 * and returns -1. */
int cli_set(chorus_scan *s, const char *cmd, const char *key, const char *value);
/* Prints one line per input (at most 20): its path, the format that read it and its posts;
 * the first line starts with `label` ("inputs      "), the others are indented as much. */
void cli_print_inputs(const chorus_scan *s, const char *label);
/* Adds argv[first..argc) as inputs. Returns 0 or -1 (reported). */
int cli_add_inputs(chorus_scan *s, const char *cmd, int argc, char **argv, int first);
/* The exit status the inputs call for: EXIT_USAGE when one was refused as a usage error,
 * EXIT_RUNTIME when one could not be read, else EXIT_OK. */
int cli_inputs_status(const chorus_scan *s);
/* Prints why a job failed (unless the diagnostics already said it) and returns its exit
 * status: EXIT_USAGE for CHORUS_EUSAGE, else EXIT_RUNTIME. */
int cli_job_failed(const chorus_scan *s, const char *cmd);

/* Standard output: cli_stdout_failed(f) is 1 when a write to f failed (remembering why, for
 * stdout), for loops that should stop; cli_finish_stdout flushes and closes stdout at exit and
 * turns any failed write into "chorus: cannot write standard output: REASON" and exit status 1
 * (a usage error keeps 2). */
int cli_stdout_failed(FILE *f);
int cli_finish_stdout(int status);
/* Prints a notice of the library (a stale temporary file removed): "chorus: FILE: message". */
void cli_notice(void *ctx, const chorus_diag *d);
/* SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the temporary files of the outputs being written
 * (chorus_remove_temporary_files), then end the process as the signal would have. */
void cli_signals_init(void);
/* An aligned table for the terminal (table.c): cli_table_new(3, "rll") makes a table of 3
 * columns, the first right-aligned; the first row added is the heading. Cells are copied and
 * cleaned (no control characters, valid UTF-8); columns are padded by display width (CJK
 * characters count two), every column but the last cut at 36 columns with "…". Returns NULL
 * / -1 when out of memory. */
typedef struct cli_table cli_table;
cli_table *cli_table_new(int ncols, const char *align);
int cli_table_add(cli_table *t, const char *const *cells);
size_t cli_table_rows(const cli_table *t);   /* rows added after the heading */
void cli_table_print(const cli_table *t, FILE *f, const char *indent);
void cli_table_free(cli_table *t);

int cmd_ingest(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_formats(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
