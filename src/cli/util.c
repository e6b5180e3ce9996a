/* util.c — diagnostics, progress line and input reading shared by the subcommands. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/sys.h"

double cli_now(void)
{
    return ch_now();
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

void cli_diag_flush(cli_diag *d)
{
    if (d->hidden && !d->quiet)
        fprintf(stderr, "chorus: %s: %llu more bad records not shown\n", d->file,
                (unsigned long long)d->hidden);
    d->hidden = 0;
    d->shown = 0;
}

void cli_diag_free(cli_diag *d)
{
    for (size_t i = 0; i < d->nrecs; i++)
        free(d->recs[i].file);
    free(d->recs);
    d->recs = NULL;
    d->nrecs = d->cap_recs = 0;
}

static void diag_record(cli_diag *d, const char *file, uint64_t line, ch_reason reason)
{
    if (d->kept_this_file >= d->keep)
        return;
    if (d->nrecs == d->cap_recs) {
        size_t cap = d->cap_recs ? d->cap_recs * 2 : 64;
        cli_diag_rec *n = realloc(d->recs, cap * sizeof *n);
        if (!n)
            return; /* the record is only a copy of what was printed; losing it is harmless */
        d->recs = n;
        d->cap_recs = cap;
    }
    char *f = strdup(file);
    if (!f)
        return;
    d->recs[d->nrecs++] = (cli_diag_rec){f, line, reason};
    d->kept_this_file++;
}

void cli_diag_cb(void *ctx, const char *file, uint64_t line, ch_reason reason, const char *msg)
{
    cli_diag *d = ctx;
    if (strncmp(d->file, file, sizeof d->file) != 0) {
        cli_diag_flush(d);
        snprintf(d->file, sizeof d->file, "%s", file);
        d->kept_this_file = 0;
    }
    if (d->keep && line > 0)
        diag_record(d, file, line, reason);
    if (line == 0) { /* file-level problems are always shown */
        fprintf(stderr, "chorus: %s: %s\n", file, msg);
        return;
    }
    if (d->quiet)
        return;
    if (d->shown >= d->limit) {
        d->hidden++;
        return;
    }
    d->shown++;
    fprintf(stderr, "chorus: %s:%llu: %s\n", file, (unsigned long long)line, msg);
}

void cli_progress_init(cli_progress *p, bool quiet, const char *what)
{
    memset(p, 0, sizeof *p);
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->last = cli_now();
    p->what = what;
}

void cli_progress_cb(void *ctx, uint64_t bytes_done, int64_t bytes_total, uint64_t records)
{
    cli_progress *p = ctx;
    p->records = records;
    if (!p->enabled)
        return;
    double now = cli_now();
    if (now - p->last < 0.2)
        return;
    p->last = now;
    double el = now - p->start;
    uint64_t total = p->base_records + records;
    char nb[32];
    fprintf(stderr, "\r\033[K%s: %s records, %.0f/s", p->what, cli_num(total, nb),
            el > 0 ? (double)total / el : 0.0);
    if (bytes_total > 0 && bytes_done > 0 && bytes_done <= (uint64_t)bytes_total) {
        double frac = (double)bytes_done / (double)bytes_total;
        double file_el = el; /* ETA for the current file, from its share done */
        fprintf(stderr, ", %.0f%% of file", frac * 100.0);
        if (frac > 0.02)
            fprintf(stderr, ", ETA %.0fs", file_el * (1.0 - frac) / frac);
    }
    fflush(stderr);
}

void cli_progress_file_done(cli_progress *p)
{
    p->base_records += p->records;
    p->records = 0;
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled)
        fputs("\r\033[K", stderr);
}

int cli_read_inputs(chorus_corpus *c, const cli_input_opts *o, cli_diag *d, double *seconds)
{
    cli_progress prog;
    cli_progress_init(&prog, o->quiet, "reading");
    ch_ingest_opts io = {
        .reader = o->reader,
        .map = o->map.n ? &o->map : NULL,
        .strict = o->strict,
        .diag = cli_diag_cb,
        .diag_ctx = d,
        .progress = cli_progress_cb,
        .progress_ctx = &prog,
    };
    int status = EXIT_OK;
    double t0 = cli_now();
    for (int i = 0; i < o->ninputs; i++) {
        int rc = ch_ingest_file(c, o->inputs[i], &io, NULL);
        cli_progress_file_done(&prog);
        if (rc == CHORUS_EPARSE && o->strict) {
            cli_progress_end(&prog);
            cli_err("stopping at the first bad record (--strict)");
            status = EXIT_RUNTIME;
            break;
        }
        if (rc == CHORUS_EUSAGE) {
            status = EXIT_USAGE;
        } else if (rc == CHORUS_ENOMEM) {
            cli_progress_end(&prog);
            cli_err("%s: out of memory", o->inputs[i]);
            status = EXIT_RUNTIME;
            break;
        } else if (rc && status == EXIT_OK) {
            status = EXIT_RUNTIME;
        }
    }
    cli_progress_end(&prog);
    cli_diag_flush(d);
    *seconds = cli_now() - t0;
    return status;
}
