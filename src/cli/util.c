/* util.c — diagnostics, progress display, shared input options and exit statuses of the
 * subcommands. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_err(const char *fmt, ...)
{
    va_list ap;
    fputs("chorus: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *cli_num(uint64_t n, char buf[32])
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    int o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

int64_t cli_count(const chorus_scan *s, const char *name)
{
    int64_t v = 0;
    return chorus_scan_count(s, name, &v) == CHORUS_OK ? v : 0;
}

/* ---- diagnostics --------------------------------------------------------------------------- */

void cli_diag_flush(cli_diag *d)
{
    if (d->hidden && !d->quiet)
        fprintf(stderr, "chorus: %s: %llu more bad records not shown\n", d->file,
                (unsigned long long)d->hidden);
    d->hidden = 0;
    d->shown = 0;
}

void cli_diag_cb(void *ctx, const chorus_diag *g)
{
    cli_diag *d = ctx;
    if (strncmp(d->file, g->file, sizeof d->file) != 0) {
        cli_diag_flush(d);
        snprintf(d->file, sizeof d->file, "%s", g->file);
    }
    if (g->line == 0) { /* file-level problems are always shown */
        fprintf(stderr, "chorus: %s: %s\n", g->file, g->message);
        return;
    }
    if (d->quiet)
        return;
    if (d->shown >= d->limit) {
        d->hidden++;
        return;
    }
    d->shown++;
    fprintf(stderr, "chorus: %s:%llu: %s\n", g->file, (unsigned long long)g->line, g->message);
}

/* ---- progress ------------------------------------------------------------------------------ */

int cli_progress_parse(const char *s)
{
    static const char *const names[] = {"auto", "bar", "plain", "none"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

void cli_progress_init(cli_progress *p, chorus_scan *s, cli_diag *d, cli_progress_mode mode,
                       bool quiet, const char *cmd)
{
    memset(p, 0, sizeof *p);
    if (mode == CLI_PROGRESS_AUTO)
        mode = quiet ? CLI_PROGRESS_NONE
                     : isatty(STDERR_FILENO) ? CLI_PROGRESS_BAR : CLI_PROGRESS_PLAIN;
    p->mode = mode;
    p->cmd = cmd;
    p->diag = d;
    p->scan = s;
    p->start = p->last = p->job_start = cli_now();
}

static void clear_line(cli_progress *p)
{
    if (p->mode == CLI_PROGRESS_BAR && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = false;
}

static void reading_line(cli_progress *p, const chorus_progress *pr)
{
    double now = cli_now();
    if (now - p->last < 0.2)
        return;
    p->last = now;
    double el = now - p->start;
    char nb[32];
    fprintf(stderr, "\r\033[K%s: %s records, %.0f/s", "reading", cli_num(pr->records, nb),
            el > 0 ? (double)pr->records / el : 0.0);
    if (pr->total > 0 && pr->done > 0 && pr->done <= (uint64_t)pr->total) {
        double frac = (double)pr->done / (double)pr->total;
        double file_el = el; /* ETA for the current file, from its share done */
        fprintf(stderr, ", %.0f%% of file", frac * 100.0);
        if (frac > 0.02)
            fprintf(stderr, ", ETA %.0fs", file_el * (1.0 - frac) / frac);
    }
    fflush(stderr);
    p->drawn = true;
}

/* A size in words for the plain lines: "812 bytes", "153.2 MB". */
static const char *size_words(int64_t n, char buf[32])
{
    if (n < 10000)
        snprintf(buf, 32, "%lld bytes", (long long)n);
    else if (n < 10000000)
        snprintf(buf, 32, "%.1f kB", (double)n / 1e3);
    else if (n < 10000000000LL)
        snprintf(buf, 32, "%.1f MB", (double)n / 1e6);
    else
        snprintf(buf, 32, "%.1f GB", (double)n / 1e9);
    return buf;
}

/* plain: the input being read is over (finished, or the next one or stage began) */
static void plain_file_end(cli_progress *p)
{
    if (!p->file[0] || p->file_done)
        return;
    char nb[32];
    fprintf(stderr, "%s: read %s: %s records in %.1f s\n", p->cmd, p->file,
            cli_num(p->records - p->file_records0, nb), cli_now() - p->file_start);
    fflush(stderr);
    p->file_done = true;
}

/* plain: a line when an input starts (unless its first report is already its end), one when
 * it ends, and one every 30 s in between, so a log shows that a long read is alive */
static void plain_reading(cli_progress *p, const chorus_progress *pr)
{
    const char *f = pr->file ? pr->file : "";
    const double now = cli_now();
    if (!p->file[0] || strncmp(p->file, f, sizeof p->file - 1)) {
        plain_file_end(p);
        snprintf(p->file, sizeof p->file, "%s", f);
        p->file_records0 = p->records;
        p->file_start = p->last;     /* the previous input ended at its last report */
        p->file_done = p->file_announced = false;
    }
    p->records = pr->records;
    const bool finished = pr->total > 0 && pr->done >= (uint64_t)pr->total;
    char nb[32], sb[32];
    if (finished) {
        plain_file_end(p);
    } else if (!p->file_announced) {
        if (pr->total > 0)
            fprintf(stderr, "%s: reading %s (%s)\n", p->cmd, f, size_words(pr->total, sb));
        else
            fprintf(stderr, "%s: reading %s\n", p->cmd, f);
        p->file_announced = true;
        p->last = now;
    } else if (now - p->last >= 30) {
        fprintf(stderr, "%s: reading %s: %s records", p->cmd, f,
                cli_num(pr->records - p->file_records0, nb));
        if (pr->total > 0)
            fprintf(stderr, ", %.0f%% of the file", 100.0 * (double)pr->done / (double)pr->total);
        fprintf(stderr, " (%.0f s)\n", now - p->file_start);
        p->last = now;
    }
    fflush(stderr);
    if (finished)
        p->last = now;
}

/* The reading is over: its line goes, its diagnostics' tail is printed, and (scan) an empty
 * corpus is worth a warning when later stages are about to run on it. */
static void end_reading(cli_progress *p, bool more_stages)
{
    if (!p->reading)
        return;
    p->reading = false;
    clear_line(p);
    if (p->mode == CLI_PROGRESS_PLAIN)
        plain_file_end(p);
    if (p->diag)
        cli_diag_flush(p->diag);
    if (more_stages && p->warn_empty && cli_count(p->scan, "posts") == 0 &&
        !(p->diag && p->diag->quiet))
        cli_err("warning: the inputs hold no posts");
}

void cli_progress_cb(void *ctx, const chorus_progress *pr)
{
    cli_progress *p = ctx;
    if (!strcmp(pr->stage, "read")) {
        if (!p->reading) {
            p->reading = true;
            p->start = p->last = p->file_start = cli_now();
        }
        if (p->mode == CLI_PROGRESS_BAR)
            reading_line(p, pr);
        else if (p->mode == CLI_PROGRESS_PLAIN)
            plain_reading(p, pr);
        return;
    }
    end_reading(p, true);
    if (p->diag)
        cli_diag_flush(p->diag);
    if (p->mode == CLI_PROGRESS_BAR && p->stages) {
        fprintf(stderr, "\r\033[K%s: %s ...", p->cmd, pr->what);
        fflush(stderr);
        p->drawn = true;
    } else if (p->mode == CLI_PROGRESS_PLAIN) {
        fprintf(stderr, "%s: %s\n", p->cmd, pr->what);
        fflush(stderr);
    }
}

void cli_progress_end(cli_progress *p)
{
    end_reading(p, false);
    clear_line(p);
    if (p->diag)
        cli_diag_flush(p->diag);
    if (p->mode == CLI_PROGRESS_PLAIN) {
        fprintf(stderr, "%s: done in %.1f s\n", p->cmd, cli_now() - p->job_start);
        fflush(stderr);
    }
}

/* ---- options and statuses ------------------------------------------------------------------ */

int cli_set(chorus_scan *s, const char *cmd, const char *key, const char *value)
{
    if (chorus_scan_set(s, key, value) == CHORUS_OK)
        return 0;
    const chorus_error *e = chorus_scan_error(s);
    if (e->code == CHORUS_EUSAGE)
        cli_err("%s: --%s", cmd, e->message);   /* messages start with the key */
    else
        cli_err("%s: %s", cmd, e->message);
    return -1;
}

int cli_input_option(chorus_scan *s, const char *cmd, int c, const char *arg,
                     cli_input_opts *o)
{
    switch (c) {
    case 'f': return cli_set(s, cmd, "format", arg) ? -1 : 1;
    case 'm': return cli_set(s, cmd, "map", arg) ? -1 : 1;
    case 'T': return cli_set(s, cmd, "time_format", arg) ? -1 : 1;
    case 'S':
        o->strict = true;
        return cli_set(s, cmd, "strict", "true") ? -1 : 1;
    case 'q': o->quiet = true; return 1;
    case 'j': o->json = true; return 1;
    case CLI_OPT_PROGRESS: {
        int m = cli_progress_parse(arg);
        if (m < 0) {
            cli_err("%s: --progress takes auto, bar, plain or none, not '%s'", cmd, arg);
            return -1;
        }
        o->progress = (cli_progress_mode)m;
        return 1;
    }
    }
    return 0;
}

int cli_add_inputs(chorus_scan *s, const char *cmd, int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        if (chorus_scan_add_input(s, argv[i], NULL, NULL) != CHORUS_OK) {
            cli_err("%s: %s", cmd, chorus_scan_error(s)->message);
            return -1;
        }
    }
    return 0;
}

void cli_print_inputs(const chorus_scan *s, const char *label)
{
    size_t n = chorus_scan_input_count(s);
    char a[32];
    for (size_t i = 0; i < n && i < 20; i++) {
        chorus_input_info in;
        if (chorus_scan_input(s, i, &in) != CHORUS_OK)
            continue;
        printf("%-*s%s  %s, %s posts%s\n", (int)strlen(label), i ? "" : label, in.path,
               in.format ? in.format : "unread", cli_num(in.posts, a),
               in.status == CHORUS_OK ? "" : " (failed)");
    }
    if (n > 20)
        printf("%-*s... %zu more\n", (int)strlen(label), "", n - 20);
}

int cli_inputs_status(const chorus_scan *s)
{
    int status = EXIT_OK;
    for (size_t i = 0; i < chorus_scan_input_count(s); i++) {
        chorus_input_info in;
        if (chorus_scan_input(s, i, &in) != CHORUS_OK || in.status == CHORUS_OK)
            continue;
        if (in.status == CHORUS_EUSAGE)
            return EXIT_USAGE;
        status = EXIT_RUNTIME;
    }
    return status;
}

int cli_job_failed(const chorus_scan *s, const char *cmd)
{
    const chorus_error *e = chorus_scan_error(s);
    if (e->code == CHORUS_EPARSE)
        cli_err("%s (--strict)", e->message);
    else if (e->code == CHORUS_ENOMEM && e->file[0])
        cli_err("%s: %s", e->file, e->message);
    else if (!e->reported)
        cli_err("%s: %s", cmd, e->message);
    return e->code == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
}

/* ---- standard output and signals ----------------------------------------------------------- */

static int stdout_errno;   /* errno of the first failed write to standard output seen */

int cli_stdout_failed(FILE *f)
{
    if (!ferror(f))
        return 0;
    if (f == stdout && !stdout_errno)
        stdout_errno = errno ? errno : EIO;   /* right after the failing call */
    return 1;
}

int cli_finish_stdout(int status)
{
    int e = 0;
    errno = 0;
    if (fflush(stdout) != 0)
        e = errno ? errno : EIO;
    if (!e && ferror(stdout))
        e = stdout_errno ? stdout_errno : EIO;
    /* close(2) can report what a write could not (NFS, a full quota) */
    if (fclose(stdout) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e)
        return status;
    cli_err("cannot write standard output: %s", strerror(e));
    return status == EXIT_OK ? EXIT_RUNTIME : status;
}

void cli_notice(void *ctx, const chorus_diag *d)
{
    (void)ctx;
    fprintf(stderr, "chorus: %s: %s\n", d->file, d->message);
}

static void on_signal(int sig)
{
    chorus_remove_temporary_files();
    /* SA_RESETHAND restored the default action; the signal, blocked while this handler runs,
     * is delivered when it returns and ends the process as it would have */
    raise(sig);
}

void cli_signals_init(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&sa.sa_mask, sigs[i]);   /* one cleanup at a time */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* a signal the caller ignores (nohup: SIGHUP; a background job: SIGINT) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int cli_number(const char *cmd, const char *opt, const char *arg, unsigned long long min,
               unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || *end || arg[0] == '-' || v < min || v > max) {
        cli_err("%s: %s takes a number from %llu to %llu, not '%s'", cmd, opt, min, max, arg);
        return -1;
    }
    *out = v;
    return 0;
}
