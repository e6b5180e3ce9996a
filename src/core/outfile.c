/* outfile.c — atomic output files: the policy of what may be replaced, temporary files beside
 * the target (registered for removal on a signal, stale ones of dead runs removed), a stdio
 * stream that keeps the errno of the first failed write, fsync, rename, fsync of the folder,
 * and the fault-injection hook of the tests (see outfile.h). */
#define _GNU_SOURCE 1   /* fopencookie: a stream whose writes we see; getentropy */
#include "core/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* ".<name>.chorus-tmp-<pid>-<8 hex>": the marker a later run looks for */
#define TMP_MARK ".chorus-tmp-"
/* Room a temporary name needs beyond the target's name: '.', the marker, a pid of up to 10
 * digits, '-', 8 hex digits. */
#define TMP_EXTRA (1 + (sizeof TMP_MARK - 1) + 10 + 1 + 8)

struct ch_outfile {
    char *path;                /* the target as given (messages) */
    char *target;              /* the file written or replaced: path, or where a symlink points */
    char *tmp;                 /* the temporary file; NULL when written directly */
    FILE *f;                   /* the stream (CH_OUT_STREAM), or NULL */
    int fd;                    /* the file while open (-1 once closed; 1 for standard output) */
    int slot;                  /* registry slot of tmp, -1 when none */
    int werr;                  /* errno of the first failed write, 0 while all is well */
    bool direct;               /* standard output, a device or a FIFO: no temporary file */
    bool created;              /* tmp exists and is ours to remove */
    bool to_stdout, finished;
};

static void msg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void msg(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- fault injection (tests) ----------------------------------------------------------------- */

static _Atomic uint64_t fault_n, fault_seen;
static _Atomic int fault_errno;
static _Atomic bool fault_short;

void ch_outfile_fault(uint64_t n, int err, bool short_write)
{
    atomic_store(&fault_n, 0);
    atomic_store(&fault_seen, 0);
    atomic_store(&fault_errno, err ? err : EIO);
    atomic_store(&fault_short, short_write);
    atomic_store(&fault_n, n);
}

uint64_t ch_outfile_fault_calls(void)
{
    return atomic_load(&fault_seen);
}

/* Counts one call; true when it is the one to fail. */
static bool fault_hit(bool is_write)
{
    uint64_t n = atomic_load(&fault_n);
    if (!n)
        return false;
    uint64_t k = atomic_fetch_add(&fault_seen, 1) + 1;
    if (k != n)
        return false;
    if (atomic_load(&fault_short) && !is_write)
        return false;   /* a short write is only a write's failure */
    return true;
}

/* The counted calls: each either fails as injected or does the real thing. */
static int x_open(const char *p, int flags, mode_t mode)
{
    if (fault_hit(false)) {
        errno = atomic_load(&fault_errno);
        return -1;
    }
    return open(p, flags, mode);
}

static ssize_t x_write(int fd, const void *buf, size_t n)
{
    if (fault_hit(true)) {
        if (atomic_load(&fault_short) && n > 1)
            return write(fd, buf, n / 2);
        errno = atomic_load(&fault_errno);
        return -1;
    }
    return write(fd, buf, n);
}

static int x_fsync(int fd)
{
    if (fault_hit(false)) {
        errno = atomic_load(&fault_errno);
        return -1;
    }
    return fsync(fd);
}

static int x_close(int fd)
{
    if (fault_hit(false)) {
        close(fd);      /* the descriptor is gone either way (POSIX leaves it unspecified;
                           Linux always releases it) */
        errno = atomic_load(&fault_errno);
        return -1;
    }
    return close(fd);
}

static int x_rename(const char *a, const char *b)
{
    if (fault_hit(false)) {
        errno = atomic_load(&fault_errno);
        return -1;
    }
    return rename(a, b);
}

/* ---- the registry of live temporary files ---------------------------------------------------- */

/* A signal handler may run on any thread at any moment, so it may only read what is complete:
 * a slot's path is written while the slot is CLAIMED and becomes visible to the handler when
 * the slot turns LIVE; freeing a slot makes it FREE before anything else happens to it. Paths
 * are stored in place (no pointer a handler could follow into freed memory). 64 outputs at
 * once is far more than any job writes (a scan: database and report; csv: two files); a
 * handle that finds no slot still works, its file is just not removed on a signal. */
enum { SLOT_FREE = 0, SLOT_CLAIMED, SLOT_LIVE };
#define NSLOTS 64
static struct {
    _Atomic int state;
    char path[PATH_MAX];
} live[NSLOTS];

static int slot_claim(const char *path)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return -1;
    for (int i = 0; i < NSLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&live[i].state, &expect, SLOT_CLAIMED)) {
            memcpy(live[i].path, path, n + 1);
            atomic_store(&live[i].state, SLOT_LIVE);
            return i;
        }
    }
    return -1;
}

static void slot_free(int i)
{
    if (i >= 0)
        atomic_store(&live[i].state, SLOT_FREE);
}

void ch_outfile_remove_temps(void)
{
    for (int i = 0; i < NSLOTS; i++) {
        if (atomic_load(&live[i].state) == SLOT_LIVE)
            unlink(live[i].path);
    }
}

/* ---- names ----------------------------------------------------------------------------------- */

/* Splits p into its folder ("." when none; "/" for the root) and its last name. */
static int split_path(const char *p, char **dir, const char **base)
{
    const char *slash = strrchr(p, '/');
    if (!slash) {
        *dir = ch_strndup(".", 1);
        *base = p;
    } else if (slash == p) {
        *dir = ch_strndup("/", 1);
        *base = slash + 1;
    } else {
        *dir = ch_strndup(p, (size_t)(slash - p));
        *base = slash + 1;
    }
    return *dir ? CHORUS_OK : CHORUS_ENOMEM;
}

/* The part of a target's name a temporary name holds: all of it, unless the whole would pass
 * NAME_MAX (then its first bytes; the same cut every time, so later runs find it). */
static size_t stem_len(const char *base)
{
    size_t n = strlen(base);
    return n + TMP_EXTRA > NAME_MAX ? NAME_MAX - TMP_EXTRA : n;
}

static uint32_t random32(void)
{
    uint32_t r = 0;
    if (getentropy(&r, sizeof r) == 0)
        return r;
    /* no entropy source: the clock and a counter still differ between attempts */
    static _Atomic uint32_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    r = (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)getpid() ^ atomic_fetch_add(&counter, 1);
    return r;
}

/* ---- the policy ------------------------------------------------------------------------------ */

static const char *file_kind(mode_t m)
{
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISDIR(m))
        return "a directory";
    return "a special file";
}

/* What check_target found out. */
typedef struct target_info {
    char *target;              /* owned: path, or what a symlink points to */
    bool exists, direct;
    mode_t mode;
} target_info;

static bool same_file(const struct stat *a, const char *path)
{
    struct stat ps;
    if (!strcmp(path, "-")) {
        if (fstat(STDIN_FILENO, &ps) != 0 || !S_ISREG(ps.st_mode))
            return false;
    } else if (stat(path, &ps) != 0) {
        return false;
    }
    return ps.st_dev == a->st_dev && ps.st_ino == a->st_ino;
}

/* Reads the first bytes of an existing regular file for is_ours. Returns 0 or an errno. */
static int read_head(const char *path, unsigned char *buf, size_t cap, size_t *n)
{
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno;
    while (*n < cap) {
        ssize_t r = read(fd, buf + *n, cap - *n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            return e;
        }
        if (r == 0)
            break;
        *n += (size_t)r;
    }
    close(fd);
    return 0;
}

/* Whether a new file can be made in p's folder: it exists, is a folder, and we may write it. */
static int check_folder(const char *path, const char *target, char *err, size_t errlen)
{
    char *dir;
    const char *base;
    if (split_path(target, &dir, &base)) {
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    int rc = CHORUS_OK;
    struct stat ds;
    if (stat(dir, &ds) != 0) {
        msg(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = CHORUS_EIO;
    } else if (!S_ISDIR(ds.st_mode)) {
        msg(err, errlen, "cannot write '%s': %s", path, strerror(ENOTDIR));
        rc = CHORUS_EIO;
    } else if (access(dir, W_OK | X_OK) != 0) {
        msg(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = CHORUS_EIO;
    }
    ch_free(dir);
    return rc;
}

static int check_target(const char *path, const ch_outfile_opts *o, target_info *ti, char *err,
                        size_t errlen)
{
    memset(ti, 0, sizeof *ti);
    struct stat ls, st;
    if (lstat(path, &ls) != 0) {
        if (errno != ENOENT) {
            msg(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            return CHORUS_EIO;
        }
        if (!(ti->target = ch_strndup(path, strlen(path)))) {
            msg(err, errlen, "out of memory");
            return CHORUS_ENOMEM;
        }
        return check_folder(path, ti->target, err, errlen);   /* a new file */
    }
    if (S_ISLNK(ls.st_mode)) {
        if (stat(path, &st) != 0) {
            if (errno == ENOENT) {
                char to[PATH_MAX];
                ssize_t n = readlink(path, to, sizeof to - 1);
                to[n > 0 ? n : 0] = '\0';
                msg(err, errlen, "'%s' is a symbolic link to '%s', which does not exist: "
                    "choose another output or remove the link", path, to);
                return CHORUS_EUSAGE;
            }
            msg(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            return CHORUS_EIO;
        }
        /* the file the link points to; /proc's links to pipes ("pipe:[N]") resolve to no
         * path: those are written through the link's own name */
        char *real = realpath(path, NULL);
        ti->target = real ? ch_strndup(real, strlen(real)) : ch_strndup(path, strlen(path));
        free(real);
    } else {
        st = ls;
        ti->target = ch_strndup(path, strlen(path));
    }
    if (!ti->target) {
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    ti->exists = true;
    ti->mode = st.st_mode;
    if (S_ISDIR(st.st_mode)) {
        msg(err, errlen, "'%s' is a directory: name a file", path);
        return CHORUS_EUSAGE;
    }
    for (size_t i = 0; i < o->nprotect; i++) {
        if (o->protect[i].path && same_file(&st, o->protect[i].path)) {
            msg(err, errlen, "'%s' is %s: choose another output", path,
                o->protect[i].what ? o->protect[i].what : "an input");
            return CHORUS_EUSAGE;
        }
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
        if ((o->flags & CH_OUT_DIRECT) && (o->flags & CH_OUT_STREAM)) {
            ti->direct = true;
            return CHORUS_OK;
        }
        msg(err, errlen, "'%s' is %s: %s must be a regular file", path, file_kind(st.st_mode),
            o->kind ? o->kind : "this output");
        return CHORUS_EUSAGE;
    }
    if (!S_ISREG(st.st_mode)) {
        msg(err, errlen, "'%s' is %s: chorus writes regular files, character devices and "
            "FIFOs only", path, file_kind(st.st_mode));
        return CHORUS_EUSAGE;
    }
    /* read-only: its owner protected it (rename would replace it all the same) */
    if (access(ti->target, W_OK) != 0) {
        msg(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return CHORUS_EIO;
    }
    int rc = check_folder(path, ti->target, err, errlen);
    if (rc || st.st_size == 0 || !o->is_ours || (o->flags & CH_OUT_FORCE))
        return rc;
    unsigned char head[CH_OUTFILE_HEAD];
    size_t n;
    int e = read_head(ti->target, head, sizeof head, &n);
    if (e) {
        msg(err, errlen, "cannot read '%s' to tell whether chorus wrote it: %s", path,
            strerror(e));
        return CHORUS_EIO;
    }
    if (!o->is_ours(ti->target, head, n)) {
        msg(err, errlen, "'%s' already exists and is not %s: choose another output, or replace "
            "it anyway with --force", path, o->kind ? o->kind : "a chorus output");
        return CHORUS_EUSAGE;
    }
    return CHORUS_OK;
}

int ch_outfile_check(const char *path, const ch_outfile_opts *o, char *err, size_t errlen)
{
    static const ch_outfile_opts none = {0};
    if (!o)
        o = &none;
    if (!path || !*path) {
        msg(err, errlen, "no output file named");
        return CHORUS_EUSAGE;
    }
    if ((o->flags & CH_OUT_STDOUT) && (o->flags & CH_OUT_STREAM) && !strcmp(path, "-"))
        return CHORUS_OK;
    target_info ti;
    int rc = check_target(path, o, &ti, err, errlen);
    ch_free(ti.target);
    return rc;
}

/* The file a path names once written: the file it resolves to, else its folder resolved and
 * its last name. NULL when the folder does not exist (or out of memory). malloc'd. */
static char *resolved(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    char *dir;
    const char *base;
    if (split_path(path, &dir, &base))
        return NULL;
    char *rd = realpath(dir, NULL);
    ch_free(dir);
    if (!rd)
        return NULL;
    size_t n = strlen(rd) + strlen(base) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s/%s", rd, base);
    free(rd);
    return full;
}

bool ch_outfile_same_target(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return true;
    char *ra = resolved(a), *rb = resolved(b);
    bool same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

/* ---- stale temporary files ------------------------------------------------------------------- */

/* Removes ".<stem>.chorus-tmp-<pid>-<hex>" files in dir whose process is gone. */
static void remove_stale(const char *dir, const char *base, const ch_outfile_opts *o)
{
    size_t stem = stem_len(base);
    DIR *d = opendir(dir);
    if (!d)
        return;
    const pid_t self = getpid();
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, stem) ||
            strncmp(n + 1 + stem, TMP_MARK, sizeof TMP_MARK - 1))
            continue;
        const char *p = n + 1 + stem + sizeof TMP_MARK - 1;
        char *end;
        errno = 0;
        long pid = strtol(p, &end, 10);
        if (errno || end == p || *end != '-' || pid <= 0 || pid > INT_MAX || (pid_t)pid == self)
            continue;
        size_t hex = strspn(end + 1, "0123456789abcdef");
        if (hex != 8 || end[1 + hex] != '\0')
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* alive (or not ours to signal): maybe still writing */
        char full[PATH_MAX];
        if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, n) >= sizeof full)
            continue;
        struct stat st;
        if (lstat(full, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlink(full) == 0 && o->notice) {
            char line[PATH_MAX + 160];
            snprintf(line, sizeof line, "removed this temporary file (%lld bytes) left by an "
                     "interrupted chorus run (process %ld is gone)", (long long)st.st_size, pid);
            o->notice(o->notice_ctx, full, line);
        }
    }
    closedir(d);
}

/* ---- the stream -------------------------------------------------------------------------------- */

/* Writes everything, as write(2) may not (a short write is retried); keeps the first errno. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
    ch_outfile *f = cookie;
    if (f->werr) {
        errno = f->werr;
        return -1;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t w = x_write(f->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->werr = w < 0 ? errno : EIO;
            errno = f->werr;
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int open_stream(ch_outfile *f)
{
    cookie_io_functions_t io = {.write = cookie_write};
    if (!(f->f = fopencookie(f, "w", io)))
        return errno ? errno : ENOMEM;
    setvbuf(f->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

void ch_outfile_notice_diag(void *ctx, const char *path, const char *message)
{
    const ch_outfile_diag *d = ctx;
    if (d && d->fn) {
        chorus_diag g = {.file = path, .line = 0, .offset = -1, .reason = NULL, .message = message};
        d->fn(d->ctx, &g);
    }
}

/* ---- open, finish, commit, abort ------------------------------------------------------------ */

static void destroy(ch_outfile *f)
{
    slot_free(f->slot);
    ch_free(f->path);
    ch_free(f->target);
    ch_free(f->tmp);
    ch_free(f);
}

/* Creates the temporary file beside ti->target. Returns CHORUS_OK or an error with message. */
static int create_temp(ch_outfile *f, const target_info *ti, const ch_outfile_opts *o,
                       char *err, size_t errlen)
{
    char *dir;
    const char *base;
    if (split_path(f->target, &dir, &base)) {
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    remove_stale(dir, base, o);
    size_t cap = strlen(dir) + 1 + NAME_MAX + 1;
    if (!(f->tmp = ch_malloc(cap))) {
        ch_free(dir);
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    /* the mode of the file replaced, so a report shared with a group stays shared */
    mode_t mode = ti->exists ? (ti->mode & 0777) : 0666;
    int e = 0;
    for (int attempt = 0; attempt < 16; attempt++) {
        snprintf(f->tmp, cap, "%s/.%.*s%s%ld-%08x", dir, (int)stem_len(base), base, TMP_MARK,
                 (long)getpid(), (unsigned)random32());
        /* registered before it exists: a signal between the two removes nothing or the file */
        f->slot = slot_claim(f->tmp);
        f->fd = x_open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
        if (f->fd >= 0) {
            f->created = true;
            break;
        }
        e = errno;
        slot_free(f->slot);
        f->slot = -1;
        if (e != EEXIST)
            break;
    }
    ch_free(dir);
    if (f->fd < 0) {
        msg(err, errlen, "cannot create '%s' beside '%s': %s", f->tmp, f->path, strerror(e));
        return CHORUS_EIO;
    }
    /* open(2) applied the umask; the replaced file's mode wins */
    if (ti->exists)
        (void)fchmod(f->fd, mode);
    return CHORUS_OK;
}

int ch_outfile_open(const char *path, const ch_outfile_opts *o, ch_outfile **out, char *err,
                    size_t errlen)
{
    static const ch_outfile_opts none = {0};
    if (!o)
        o = &none;
    *out = NULL;
    if (!path || !*path) {
        msg(err, errlen, "no output file named");
        return CHORUS_EUSAGE;
    }
    ch_outfile *f = ch_calloc(1, sizeof *f);
    if (!f || !(f->path = ch_strndup(path, strlen(path)))) {
        ch_free(f);
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    f->fd = -1;
    f->slot = -1;
    int rc = CHORUS_OK;
    if ((o->flags & CH_OUT_STDOUT) && (o->flags & CH_OUT_STREAM) && !strcmp(path, "-")) {
        fflush(stdout);   /* what the caller printed before comes first */
        f->to_stdout = f->direct = true;
        f->fd = STDOUT_FILENO;
    } else {
        target_info ti;
        rc = check_target(path, o, &ti, err, errlen);
        f->target = ti.target;
        if (rc)
            goto fail;
        if (ti.direct) {
            f->direct = true;
            f->fd = x_open(f->target, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
            if (f->fd < 0) {
                msg(err, errlen, "cannot open '%s': %s", path, strerror(errno));
                rc = CHORUS_EIO;
                goto fail;
            }
        } else if ((rc = create_temp(f, &ti, o, err, errlen))) {
            goto fail;
        }
    }
    if (o->flags & CH_OUT_STREAM) {
        int e = open_stream(f);
        if (e) {
            msg(err, errlen, "cannot write '%s': %s", path, strerror(e));
            rc = e == ENOMEM ? CHORUS_ENOMEM : CHORUS_EIO;
            goto fail;
        }
    }
    *out = f;
    return CHORUS_OK;
fail:
    ch_outfile_abort(f);
    return rc;
}

FILE *ch_outfile_stream(ch_outfile *f)
{
    return f ? f->f : NULL;
}

const char *ch_outfile_temp(const ch_outfile *f)
{
    return f ? f->tmp : NULL;
}

const char *ch_outfile_path(const ch_outfile *f)
{
    return f ? f->path : NULL;
}

int ch_outfile_error(const ch_outfile *f)
{
    return f ? f->werr : 0;
}

int ch_outfile_finish(ch_outfile *f, char *err, size_t errlen)
{
    if (f->finished)
        return CHORUS_OK;
    f->finished = true;
    int e = 0;
    if (f->f) {
        if (fflush(f->f) != 0 || ferror(f->f))
            e = f->werr ? f->werr : (errno ? errno : EIO);
        fclose(f->f);   /* the cookie stream: closes no descriptor */
        f->f = NULL;
    }
    if (!f->direct) {
        if (!e && x_fsync(f->fd) != 0)
            e = errno;
        if (x_close(f->fd) != 0 && !e)
            e = errno;
        f->fd = -1;
    } else if (!f->to_stdout) {
        if (x_close(f->fd) != 0 && !e)
            e = errno;
        f->fd = -1;
    }
    if (e) {
        msg(err, errlen, "cannot write '%s': %s", f->to_stdout ? "standard output" : f->path,
            strerror(e));
        return CHORUS_EIO;
    }
    return CHORUS_OK;
}

/* Makes the rename durable: the folder's entry is data too. Folders that cannot be synced
 * (EINVAL on some file systems) or opened read-only (EACCES) are left to the system. */
static int sync_folder(const char *path)
{
    char *dir;
    const char *base;
    if (split_path(path, &dir, &base))
        return 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ch_free(dir);
    if (fd < 0)
        return 0;
    int e = 0;
    if (x_fsync(fd) != 0 && errno != EINVAL && errno != EBADF)
        e = errno;
    close(fd);
    return e;
}

int ch_outfile_commit(ch_outfile *f, char *err, size_t errlen)
{
    int rc = ch_outfile_finish(f, err, errlen);
    if (rc || f->direct) {
        if (rc)
            ch_outfile_abort(f);
        else
            destroy(f);
        return rc;
    }
    if (x_rename(f->tmp, f->target) != 0) {
        msg(err, errlen, "cannot rename '%s' to '%s': %s", f->tmp, f->path, strerror(errno));
        ch_outfile_abort(f);
        return CHORUS_EIO;
    }
    slot_free(f->slot);   /* the name is the target's now: nothing to remove on a signal */
    f->slot = -1;
    f->created = false;
    int e = sync_folder(f->target);
    if (e)
        msg(err, errlen, "'%s' was written but its folder could not be synced: %s", f->path,
            strerror(e));
    destroy(f);
    return e ? CHORUS_EIO : CHORUS_OK;
}

void ch_outfile_abort(ch_outfile *f)
{
    if (!f)
        return;
    if (f->f)
        fclose(f->f);
    if (f->fd >= 0 && !f->to_stdout)
        close(f->fd);
    if (f->created)
        unlink(f->tmp);
    destroy(f);
}
