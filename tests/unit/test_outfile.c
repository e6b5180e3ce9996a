/* test_outfile.c — atomic output files: nothing at the target until commit, the old file kept
 * on abort or error, no temporary file left, the protected-file and directory policy, standard
 * output, "-" as a plain name, finishing several files before any replaces its target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/outfile.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-outfile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void expect_file(const char *path, const char *text)
{
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, text);
}

static void no_temp_files(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q 'chorus-tmp-'", dir);
    assert_int_not_equal(system(cmd), 0);
}

static void test_commit_and_abort(void **state)
{
    (void)state;
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    put_file(path, "old");
    const ch_outfile_opts o = {.flags = CH_OUT_STREAM};
    ch_outfile *f;
    assert_int_equal(ch_outfile_open(path, &o, &f, err, sizeof err), CHORUS_OK);
    assert_non_null(ch_outfile_temp(f));
    assert_string_equal(ch_outfile_path(f), path);
    fputs("new", ch_outfile_stream(f));
    expect_file(path, "old");            /* nothing visible before the commit */
    ch_outfile_abort(f);
    expect_file(path, "old");
    no_temp_files();

    assert_int_equal(ch_outfile_open(path, &o, &f, err, sizeof err), CHORUS_OK);
    fputs("new", ch_outfile_stream(f));
    assert_int_equal(ch_outfile_commit(f, err, sizeof err), CHORUS_OK);
    expect_file(path, "new");
    no_temp_files();
    ch_outfile_abort(NULL);
}

/* A writer that opens the temporary file by name (as SQLite does), without a stream. */
static void test_by_name(void **state)
{
    (void)state;
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/b.txt", dir);
    ch_outfile *f;
    assert_int_equal(ch_outfile_open(path, NULL, &f, err, sizeof err), CHORUS_OK);
    assert_null(ch_outfile_stream(f));
    put_file(ch_outfile_temp(f), "by name");
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(ch_outfile_commit(f, err, sizeof err), CHORUS_OK);
    expect_file(path, "by name");
    no_temp_files();
}

static void test_policy(void **state)
{
    (void)state;
    char path[300], alias[300], err[512];
    snprintf(path, sizeof path, "%s/input.jsonl", dir);
    snprintf(alias, sizeof alias, "%s/./input.jsonl", dir);
    put_file(path, "evidence");
    const ch_outfile_protect keep = {path, "an input of the scan"};
    const ch_outfile_opts o = {.flags = CH_OUT_STREAM, .protect = &keep, .nprotect = 1};
    ch_outfile *f = (ch_outfile *)1;
    /* another spelling of the same file is caught */
    assert_int_equal(ch_outfile_open(alias, &o, &f, err, sizeof err), CHORUS_EUSAGE);
    assert_null(f);
    assert_non_null(strstr(err, "is an input of the scan"));
    expect_file(path, "evidence");
    /* a directory is no output */
    assert_int_equal(ch_outfile_open(dir, &o, &f, err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "is a directory"));
    /* a missing folder gives the system's reason */
    assert_int_equal(ch_outfile_open("/nonexistent-dir/x", &o, &f, err, sizeof err), CHORUS_EIO);
    assert_string_equal(err, "cannot write '/nonexistent-dir/x': No such file or directory");
    assert_int_equal(ch_outfile_open("", &o, &f, err, sizeof err), CHORUS_EUSAGE);
    no_temp_files();
}

static void test_stdout_and_dash(void **state)
{
    (void)state;
    char err[256], cwd[4096];
    const ch_outfile_opts o = {.flags = CH_OUT_STREAM | CH_OUT_STDOUT};
    ch_outfile *f;
    assert_int_equal(ch_outfile_open("-", &o, &f, err, sizeof err), CHORUS_OK);
    assert_non_null(ch_outfile_stream(f));   /* a stream over descriptor 1 */
    assert_null(ch_outfile_temp(f));
    assert_int_equal(ch_outfile_commit(f, err, sizeof err), CHORUS_OK);
    /* without CH_OUT_STDOUT, "-" is a file name */
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    const ch_outfile_opts plain = {.flags = CH_OUT_STREAM};
    assert_int_equal(ch_outfile_open("-", &plain, &f, err, sizeof err), CHORUS_OK);
    fputs("dash", ch_outfile_stream(f));
    assert_int_equal(ch_outfile_commit(f, err, sizeof err), CHORUS_OK);
    expect_file("-", "dash");
    unlink("-");
    assert_int_equal(chdir(cwd), 0);
}

/* Two files finished before either replaces its target: a failure in between leaves both. */
static void test_finish_then_commit(void **state)
{
    (void)state;
    char a[300], b[300], err[256];
    snprintf(a, sizeof a, "%s/nodes.csv", dir);
    snprintf(b, sizeof b, "%s/edges.csv", dir);
    put_file(a, "old a");
    put_file(b, "old b");
    const ch_outfile_opts o = {.flags = CH_OUT_STREAM};
    ch_outfile *fa, *fb;
    assert_int_equal(ch_outfile_open(a, &o, &fa, err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_outfile_open(b, &o, &fb, err, sizeof err), CHORUS_OK);
    fputs("new a", ch_outfile_stream(fa));
    fputs("new b", ch_outfile_stream(fb));
    assert_int_equal(ch_outfile_finish(fa, err, sizeof err), CHORUS_OK);
    ch_outfile_abort(fb);                   /* the second file failed */
    ch_outfile_abort(fa);
    expect_file(a, "old a");
    expect_file(b, "old b");
    no_temp_files();

    assert_int_equal(ch_outfile_open(a, &o, &fa, err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_outfile_open(b, &o, &fb, err, sizeof err), CHORUS_OK);
    fputs("new a", ch_outfile_stream(fa));
    fputs("new b", ch_outfile_stream(fb));
    assert_int_equal(ch_outfile_finish(fa, err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_outfile_finish(fb, err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_outfile_commit(fa, err, sizeof err), CHORUS_OK);
    assert_int_equal(ch_outfile_commit(fb, err, sizeof err), CHORUS_OK);
    expect_file(a, "new a");
    expect_file(b, "new b");
    no_temp_files();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_and_abort),
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_stdout_and_dash),
        cmocka_unit_test(test_finish_then_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
