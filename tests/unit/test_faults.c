/* test_faults.c — I/O fault injection in the writers users keep (SQLite's fault-injection
 * culture): every input/output call of the results database, the report and the exports is
 * made to fail in turn — through a shim SQLite VFS for the database's own writes, syncs and
 * truncations, and through core/outfile's hook (ch_outfile_fault) for creating, writing,
 * syncing, closing and renaming the files — with ENOSPC, EIO and short writes. After every
 * failure the job returns an error whose message names the file and the reason, the previous
 * output is byte for byte what it was, and no temporary file is left; short writes change
 * nothing at all. The sweep stops at the first N that no longer fails (every call passed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/outfile.h"

static char dir[256], input[300], db[300];

/* ---- the shim VFS: the default one, with the Nth write/sync/truncate failing ---------------- */

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static _Atomic long vfs_n, vfs_seen;   /* fail call number vfs_n (1-based); 0: off */
static int vfs_rc;                     /* SQLITE_FULL or SQLITE_IOERR_* */

typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real;   /* follows this struct, real_vfs->szOsFile bytes */
} shim_file;

static bool vfs_hit(void)
{
    long n = atomic_load(&vfs_n);
    return n && atomic_fetch_add(&vfs_seen, 1) + 1 == n;
}

#define REAL(f) (((shim_file *)(f))->real)
static int s_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int s_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int s_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    if (vfs_hit())
        return vfs_rc == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int s_truncate(sqlite3_file *f, sqlite3_int64 n)
{
    if (vfs_hit())
        return SQLITE_IOERR_TRUNCATE;
    return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int s_sync(sqlite3_file *f, int flags)
{
    if (vfs_hit())
        return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int s_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int s_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int s_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int s_check(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int s_fcntl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int s_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int s_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }

/* version 1 methods only: SQLite then uses neither shared memory (WAL) nor memory maps,
 * which the store does not need */
static const sqlite3_io_methods shim_methods = {
    1, s_close, s_read, s_write, s_truncate, s_sync, s_size, s_lock, s_unlock, s_check,
    s_fcntl, s_sector, s_dev, NULL, NULL, NULL, NULL, NULL, NULL,
};

static int s_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    shim_file *sf = (shim_file *)f;
    sf->real = (sqlite3_file *)(sf + 1);
    int rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out);
    f->pMethods = rc == SQLITE_OK ? &shim_methods : NULL;
    return rc;
}

static void vfs_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    shim_vfs = *real_vfs;
    shim_vfs.zName = "chorus-test-faults";
    shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
    shim_vfs.xOpen = s_open;
    assert_int_equal(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);   /* the default now */
}

/* ---- helpers -------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

static void expect_same(const char *path, const char *want, size_t n)
{
    size_t m;
    char *got = slurp(path, &m);
    assert_non_null(got);
    assert_int_equal(m, n);
    assert_memory_equal(got, want, n);
    free(got);
}

static void no_temp_files(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, "chorus-tmp-"))
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

/* A corpus with some coordination: 30 accounts reposting 40 texts within minutes. */
static void write_input(void)
{
    FILE *f = fopen(input, "w");
    assert_non_null(f);
    long id = 1;
    for (int t = 0; t < 40; t++)
        for (int a = 0; a < 30; a++)
            fprintf(f, "{\"id\":\"%ld\",\"author_id\":\"u%d\",\"author\":\"acct_%d\","
                    "\"created_at\":%ld,\"text\":\"Message number %d <b>&amp; \\\"quoted\\\", "
                    "repeated by the network, see https://example.org/%d\",\"kind\":\"post\","
                    "\"hashtags\":[\"#tag%d\"]}\n", id++, a % 12 + (t % 3) * 10, a % 12 + (t % 3) * 10,
                    1709280000L + t * 3600 + a * 7, t, t, t % 5);
    fclose(f);
}

static int scan_to(const char *out, char *msg, size_t cap)
{
    chorus_scan *s;
    assert_int_equal(chorus_scan_new(&s), CHORUS_OK);
    assert_int_equal(chorus_scan_set(s, "threads", "1"), CHORUS_OK);
    assert_int_equal(chorus_scan_add_input(s, input, "chorus", NULL), CHORUS_OK);
    chorus_err rc = chorus_scan_run(s, out);
    snprintf(msg, cap, "%s", rc ? chorus_scan_error(s)->message : "");
    chorus_scan_free(s);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-faults-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(input, sizeof input, "%s/posts.jsonl", dir);
    snprintf(db, sizeof db, "%s/results.db", dir);
    write_input();
    vfs_install();
    char msg[1024];
    return scan_to(db, msg, sizeof msg) == CHORUS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_vfs_unregister(&shim_vfs);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* Whether a failed job's message carries the reason injected. */
static bool has_reason(const char *msg, int err)
{
    return strstr(msg, strerror(err)) != NULL;
}

/* ---- the results database ------------------------------------------------------------------- */

static void test_store_vfs_faults(void **state)
{
    (void)state;
    size_t n;
    char *before = slurp(db, &n), msg[1024];
    assert_non_null(before);
    static const int kinds[] = {SQLITE_FULL, SQLITE_IOERR};
    for (size_t k = 0; k < 2; k++) {
        long i;
        for (i = 1; i < 5000; i++) {
            vfs_rc = kinds[k];
            atomic_store(&vfs_seen, 0);
            atomic_store(&vfs_n, i);
            int rc = scan_to(db, msg, sizeof msg);
            atomic_store(&vfs_n, 0);
            if (rc == CHORUS_OK)
                break;   /* call i was past the last: every earlier one was tried */
            assert_int_equal(rc, CHORUS_EDB);
            if (!strstr(msg, "cannot write '") || !strstr(msg, db))
                fail_msg("call %ld: message without the file: %s", i, msg);
            if (kinds[k] == SQLITE_FULL && !has_reason(msg, ENOSPC))
                fail_msg("call %ld: message without the reason: %s", i, msg);
            expect_same(db, before, n);
            no_temp_files();
        }
        print_message("database, SQLite %s: %ld calls swept\n",
                      kinds[k] == SQLITE_FULL ? "full" : "I/O error", i - 1);
        assert_true(i > 3);   /* the sweep saw several calls */
        /* the successful run replaced the database: it is the new "before" */
        free(before);
        before = slurp(db, &n);
    }
    free(before);
}

static void test_store_file_faults(void **state)
{
    (void)state;
    size_t n;
    char *before = slurp(db, &n), msg[1024];
    assert_non_null(before);
    uint64_t i;
    for (i = 1; i < 1000; i++) {
        ch_outfile_fault(i, EIO, false);
        int rc = scan_to(db, msg, sizeof msg);
        ch_outfile_fault(0, 0, false);
        if (rc == CHORUS_OK)
            break;
        if (!has_reason(msg, EIO))
            fail_msg("call %llu: %s", (unsigned long long)i, msg);
        if (strstr(msg, "was written but")) {   /* the folder sync after the rename */
            free(before);
            before = slurp(db, &n);
            continue;
        }
        expect_same(db, before, n);
        no_temp_files();
    }
    print_message("database, file calls: %llu swept\n", (unsigned long long)(i - 1));
    assert_true(i > 2);
    free(before);
}

/* ---- report and exports ---------------------------------------------------------------------- */

typedef int (*writer_fn)(const char *out, char *msg, size_t cap);

static int write_report(const char *out, char *msg, size_t cap)
{
    chorus_error e;
    chorus_err rc = chorus_report_write(db, out, NULL, NULL, &e);
    snprintf(msg, cap, "%s", rc ? e.message : "");
    return rc;
}

static int write_gexf(const char *out, char *msg, size_t cap)
{
    chorus_error e;
    chorus_export_opts o = {.format = "gexf", .all_accounts = true};
    chorus_err rc = chorus_export_write(db, out, &o, NULL, &e);
    snprintf(msg, cap, "%s", rc ? e.message : "");
    return rc;
}

static int write_json(const char *out, char *msg, size_t cap)
{
    chorus_error e;
    chorus_export_opts o = {.format = "json"};
    chorus_err rc = chorus_export_write(db, out, &o, NULL, &e);
    snprintf(msg, cap, "%s", rc ? e.message : "");
    return rc;
}

/* Sweeps the failure over every call of a writer, for ENOSPC and EIO, then short writes. */
static void sweep(writer_fn w, const char *name)
{
    char out[300], msg[1024];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    assert_int_equal(w(out, msg, sizeof msg), CHORUS_OK);
    size_t n;
    char *good = slurp(out, &n);
    assert_non_null(good);
    static const int errs[] = {ENOSPC, EIO};
    for (size_t k = 0; k < 2; k++) {
        uint64_t i;
        for (i = 1; i < 10000; i++) {
            ch_outfile_fault(i, errs[k], false);
            int rc = w(out, msg, sizeof msg);
            ch_outfile_fault(0, 0, false);
            if (rc == CHORUS_OK)
                break;
            assert_int_equal(rc, CHORUS_EIO);
            if (!has_reason(msg, errs[k]) || !strstr(msg, out))
                fail_msg("%s call %llu: %s", name, (unsigned long long)i, msg);
            expect_same(out, good, n);   /* the same bytes: written before, or kept */
            no_temp_files();
        }
        print_message("%s, %s: %llu calls swept\n", name, strerror(errs[k]),
                      (unsigned long long)(i - 1));
        assert_true(i > 4);   /* create, writes, fsync, close, rename at least */
    }
    /* a short write at every call in turn: never an error, always the same bytes */
    for (uint64_t i = 1; i < 200; i++) {
        ch_outfile_fault(i, 0, true);
        int rc = w(out, msg, sizeof msg);
        uint64_t calls = ch_outfile_fault_calls();
        ch_outfile_fault(0, 0, false);
        assert_int_equal(rc, CHORUS_OK);
        expect_same(out, good, n);
        if (i > calls)
            break;
    }
    no_temp_files();
    free(good);
}

static void test_report_faults(void **state)
{
    (void)state;
    sweep(write_report, "report.html");
}

static void test_export_faults(void **state)
{
    (void)state;
    sweep(write_gexf, "network.gexf");
    sweep(write_json, "network.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_vfs_faults),
        cmocka_unit_test(test_store_file_faults),
        cmocka_unit_test(test_report_faults),
        cmocka_unit_test(test_export_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
