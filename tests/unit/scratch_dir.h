/*
 * scratch_dir.h — a private directory under /tmp for the tests of code that writes temporary
 * files (spill files, sorted runs), so a test can assert that none is left behind: the group
 * teardown's rmdir fails, and with it the test, when a file remains. Static functions in a
 * header, as in helpers.h: each test is its own program.
 *
 *   SCRATCH_DIR_GROUP(name)   the directory `dir` and the group's setup and teardown
 *   scratch_files_in(d)       how many entries (not dot-files) a directory holds
 */
#ifndef CHORUS_TEST_SCRATCH_DIR_H
#define CHORUS_TEST_SCRATCH_DIR_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline size_t scratch_files_in(const char *d)
{
    DIR *h = opendir(d);
    size_t n = 0;
    struct dirent *e;
    while (h && (e = readdir(h)))
        n += e->d_name[0] != '.';
    if (h)
        closedir(h);
    return n;
}

/* `dir` is made by the group's setup (mkdtemp) and removed by its teardown. */
#define SCRATCH_DIR_GROUP(name)                                                            \
    static char dir[64];                                                                   \
    static int setup(void **state)                                                         \
    {                                                                                      \
        (void)state;                                                                       \
        snprintf(dir, sizeof dir, "/tmp/" name ".XXXXXX");                                \
        return mkdtemp(dir) ? 0 : -1;                                                      \
    }                                                                                      \
    static int teardown(void **state)                                                      \
    {                                                                                      \
        (void)state;                                                                       \
        return rmdir(dir); /* fails (and so the test) when a file was left in it */        \
    }

#endif
