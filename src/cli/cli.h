/*
 * cli.h — shared pieces of the `chorus` command: diagnostics printing, progress display,
 * common ingest options, and one entry point per subcommand.
 *
 * Exit codes (DESIGN.md): 0 success, 1 runtime error, 2 usage error.
 */
#ifndef CHORUS_CLI_H
#define CHORUS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ingest/ingest.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Printer for ch_diag_fn: "chorus: FILE:LINE: message", at most `limit` lines per file, then
 * one line saying how many more were not shown. */
typedef struct cli_diag_rec {
    char *file;                   /* owned */
    uint64_t line;
    ch_reason reason;
} cli_diag_rec;

typedef struct cli_diag {
    bool quiet;
    unsigned limit;
    char file[512];
    uint64_t shown, hidden;
    /* With keep > 0, the first `keep` bad records of each file are also recorded (for the
     * ingest_errors table). */
    unsigned keep;
    cli_diag_rec *recs;
    size_t nrecs, cap_recs, kept_this_file;
} cli_diag;

void cli_diag_cb(void *ctx, const char *file, uint64_t line, ch_reason reason, const char *msg);
void cli_diag_flush(cli_diag *d);   /* prints the "N more not shown" line of the last file */
void cli_diag_free(cli_diag *d);    /* releases recorded records */

/* A progress line on stderr, redrawn at most 5 times a second, only when stderr is a tty. */
typedef struct cli_progress {
    bool enabled;
    double start, last;
    uint64_t base_records, records;
    const char *what;
} cli_progress;

void cli_progress_init(cli_progress *p, bool quiet, const char *what);
void cli_progress_cb(void *ctx, uint64_t bytes_done, int64_t bytes_total, uint64_t records);
void cli_progress_file_done(cli_progress *p);
void cli_progress_end(cli_progress *p);

double cli_now(void);                  /* monotonic seconds */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "chorus: ..." */
/* Prints n with thousands separators into buf. */
const char *cli_num(uint64_t n, char buf[32]);
/* JSON string literal of s (escaped) to f. */
void cli_json_str(FILE *f, const char *s);

/* Options every reading command shares. */
typedef struct cli_input_opts {
    const ch_reader *reader;      /* --format; NULL = detect per file */
    ch_csvmap map;
    bool strict, quiet, json;
    const char **inputs;
    int ninputs;
} cli_input_opts;

/* Handles the options every reading command shares (--format, --map, --strict, --quiet,
 * --json; getopt codes 'f','m','S','q','j'). Returns 1 if handled, 0 if not, -1 on a usage
 * error (already reported). */
int cli_input_option(int c, const char *arg, cli_input_opts *o);

/* Reads every input into the corpus, printing diagnostics. Returns EXIT_OK, or EXIT_RUNTIME
 * when a file could not be read or (strict) a record was bad. */
int cli_read_inputs(chorus_corpus *c, const cli_input_opts *o, cli_diag *d, double *seconds);

int cmd_ingest(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
