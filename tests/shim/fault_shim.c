/*
 * fault_shim.c — an LD_PRELOAD library for end-to-end fault injection (tests/e2e/outputs.sh):
 * it makes writes to chosen files fail the way a full or broken disk does, under the real
 * binary and the real SQLite, so the tests see what a user would.
 *
 * Settings (environment):
 *   FAULT_SHIM_MATCH  a substring of the path (/proc/self/fd/N) of the files to hurt
 *                     (default "chorus-tmp-": every temporary output file and its journal);
 *   FAULT_SHIM_MODE   ENOSPC or EIO: writes fail with that errno once FAULT_SHIM_AFTER bytes
 *                     went to matching files (fsync fails too, in EIO mode); blocks reserved
 *                     with posix_fallocate count too, all or nothing (the spill file);
 *                     SHORT: every write to a matching file writes at most half its bytes
 *                     (at least one) and succeeds, as write(2) may; the program must loop;
 *                     PAUSE: the first write to a matching file sleeps FAULT_SHIM_AFTER
 *                     seconds first (a test sends a signal meanwhile);
 *   FAULT_SHIM_AFTER  bytes (ENOSPC, EIO) or seconds (PAUSE); default 0.
 * Without FAULT_SHIM_MODE the shim does nothing. Test code only: never installed.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { M_OFF, M_ENOSPC, M_EIO, M_SHORT, M_PAUSE };

static int mode = -1;
static const char *match = "chorus-tmp-";
static unsigned long long after;
static _Atomic unsigned long long written;
static atomic_bool paused;

static void setup(void)
{
    if (mode >= 0)
        return;
    const char *m = getenv("FAULT_SHIM_MODE"), *a = getenv("FAULT_SHIM_AFTER"),
               *p = getenv("FAULT_SHIM_MATCH");
    if (p && *p)
        match = p;
    after = a ? strtoull(a, NULL, 10) : 0;
    mode = !m                     ? M_OFF
           : !strcmp(m, "ENOSPC") ? M_ENOSPC
           : !strcmp(m, "EIO")    ? M_EIO
           : !strcmp(m, "SHORT")  ? M_SHORT
           : !strcmp(m, "PAUSE")  ? M_PAUSE
                                  : M_OFF;
}

static int matches(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, match) != NULL;
}

/* How many of n bytes a write to fd may pass on: n, fewer (SHORT), or -1 with errno set. */
static ssize_t allow(int fd, size_t n)
{
    setup();
    if (mode == M_OFF || n == 0 || !matches(fd))
        return (ssize_t)n;
    switch (mode) {
    case M_SHORT:
        return (ssize_t)(n > 1 ? n / 2 : n);
    case M_PAUSE:
        if (!atomic_exchange(&paused, true))
            sleep((unsigned)after);
        return (ssize_t)n;
    default: {
        unsigned long long w = atomic_load(&written);
        if (w >= after) {
            errno = mode == M_EIO ? EIO : ENOSPC;
            return -1;
        }
        if (w + n > after)
            n = (size_t)(after - w);   /* what fits, as a disk filling up does */
        atomic_fetch_add(&written, n);
        return (ssize_t)n;
    }
    }
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef int (*fsync_fn)(int);
typedef int (*fdatasync_fn)(int);

/* The next definition of `name` (libc's), looked up once. */
#define REAL(name) \
    static name##_fn real_##name; \
    if (!real_##name) \
        real_##name = (name##_fn)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real_write(fd, buf, (size_t)k);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite);
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real_pwrite(fd, buf, (size_t)k, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    REAL(pwrite64);
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real_pwrite64(fd, buf, (size_t)k, off);
}

typedef int (*posix_fallocate_fn)(int, off_t, off_t);
typedef int (*posix_fallocate64_fn)(int, off64_t, off64_t);

/* Reserving blocks (the spill file, core/spill.c): all or nothing, counted like writes; the
 * error is returned, as posix_fallocate does. */
static int reserve(int fd, unsigned long long n)
{
    setup();
    if (mode != M_ENOSPC && mode != M_EIO)
        return 0;
    if (!n || !matches(fd))
        return 0;
    if (atomic_load(&written) + n > after)
        return mode == M_EIO ? EIO : ENOSPC;
    atomic_fetch_add(&written, n);
    return 0;
}

int posix_fallocate(int fd, off_t off, off_t len)
{
    REAL(posix_fallocate);
    const int e = reserve(fd, (unsigned long long)len);
    return e ? e : real_posix_fallocate(fd, off, len);
}

int posix_fallocate64(int fd, off64_t off, off64_t len)
{
    REAL(posix_fallocate64);
    const int e = reserve(fd, (unsigned long long)len);
    return e ? e : real_posix_fallocate64(fd, off, len);
}

int fsync(int fd)
{
    REAL(fsync);
    setup();
    if (mode == M_EIO && atomic_load(&written) >= after && matches(fd)) {
        errno = EIO;
        return -1;
    }
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync);
    setup();
    if (mode == M_EIO && atomic_load(&written) >= after && matches(fd)) {
        errno = EIO;
        return -1;
    }
    return real_fdatasync(fd);
}
