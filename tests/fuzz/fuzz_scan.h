/*
 * fuzz_scan.h — what the whole-job fuzz targets share: a private folder per process, the fuzz
 * bytes written to a file there, a scan of it through the public API into a results database,
 * and SQL over that database. Files are rewritten on each run; the folder is removed at exit.
 * A failed scan is no finding (most random bytes hold no post); a crash, a sanitizer report or
 * a broken invariant is.
 */
#ifndef CHORUS_FUZZ_SCAN_H
#define CHORUS_FUZZ_SCAN_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"

static char fuzz_dir[64];

static void fuzz_dir_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", fuzz_dir);
}

/* The path of `name` in the process's folder (made on first use). */
static const char *fuzz_path(const char *name)
{
    static char buf[4][128];
    static int k;
    if (!fuzz_dir[0]) {
        /* memory-backed when there is one: outputs are fsynced, which a disk makes slow */
        snprintf(fuzz_dir, sizeof fuzz_dir, "/dev/shm/chorus-fuzz-XXXXXX");
        if (!mkdtemp(fuzz_dir)) {
            snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/chorus-fuzz-XXXXXX");
            if (!mkdtemp(fuzz_dir))
                abort();
        }
        atexit(fuzz_dir_remove);
    }
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fuzz_dir, name);
    return buf[k];
}

static void fuzz_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

static void fuzz_quiet(void *ctx, const chorus_diag *d)
{
    (void)ctx;
    (void)d;
}

/* Scans `input` (and the statements file `stmts`, may be NULL) with `threads` workers
 * (format NULL: detected) into `db`. */
static chorus_err fuzz_scan(const char *input, const char *format, const char *stmts,
                            const char *threads, const char *db)
{
    chorus_scan *s;
    if (chorus_scan_new(&s) != CHORUS_OK)
        return CHORUS_ENOMEM;
    chorus_scan_set_diag(s, fuzz_quiet, NULL);
    chorus_err rc = chorus_scan_set(s, "threads", threads);
    if (!rc)
        rc = chorus_scan_add_input(s, input, format, NULL);
    if (!rc && stmts)
        rc = chorus_scan_add_statements(s, stmts, false);
    if (!rc)
        rc = chorus_scan_set(s, "force", "true");
    if (!rc)
        rc = chorus_scan_run(s, db);
    chorus_scan_free(s);
    return rc;
}

/* The rows of `sql` over `db`, one line per row, columns separated by '\x1f' (malloc'd). */
static char *fuzz_query(const char *db, const char *sql)
{
    sqlite3 *d = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(d, sql, -1, &q, NULL) != SQLITE_OK)
        abort();
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            const unsigned char *t = sqlite3_column_text(q, i);
            fwrite(t ? (const char *)t : "\x1e", 1, t ? (size_t)sqlite3_column_bytes(q, i) : 1, m);
            fputc(0x1f, m);
        }
        fputc('\n', m);
    }
    if (rc != SQLITE_DONE)
        abort();
    fclose(m);
    sqlite3_finalize(q);
    sqlite3_close(d);
    return out;
}

#endif
