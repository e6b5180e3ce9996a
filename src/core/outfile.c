/* outfile.c — atomic output files: temporary file beside the target, fsync, rename, fsync of
 * the folder, and the policy of what may be replaced (see outfile.h). */
#include "core/outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"

struct ch_outfile {
    char *path;                /* the target */
    char *tmp;                 /* NULL for standard output */
    FILE *f;                   /* the stream (CH_OUT_STREAM), or NULL */
    int fd;                    /* the temporary file while open (-1 once closed) */
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

static void destroy(ch_outfile *f)
{
    ch_free(f->path);
    ch_free(f->tmp);
    ch_free(f);
}

/* The policy checks made before anything is created (see outfile.h). */
static int check_target(const char *path, const ch_outfile_opts *o, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return CHORUS_OK;   /* a new file: nothing to protect */
    if (S_ISDIR(st.st_mode)) {
        msg(err, errlen, "'%s' is a directory: name a file", path);
        return CHORUS_EUSAGE;
    }
    for (size_t i = 0; o && i < o->nprotect; i++) {
        struct stat ps;
        if (o->protect[i].path && stat(o->protect[i].path, &ps) == 0 &&
            ps.st_dev == st.st_dev && ps.st_ino == st.st_ino) {
            msg(err, errlen, "'%s' is %s: choose another output", path,
                o->protect[i].what ? o->protect[i].what : "an input");
            return CHORUS_EUSAGE;
        }
    }
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
    if ((o->flags & CH_OUT_STDOUT) && (o->flags & CH_OUT_STREAM) && !strcmp(path, "-")) {
        f->to_stdout = true;
        f->f = stdout;
        *out = f;
        return CHORUS_OK;
    }
    int rc = check_target(path, o, err, errlen);
    if (rc) {
        destroy(f);
        return rc;
    }
    size_t n = strlen(path) + 32;
    if (!(f->tmp = ch_malloc(n))) {
        destroy(f);
        msg(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    snprintf(f->tmp, n, "%s.tmp-%ld", path, (long)getpid());
    unlink(f->tmp);   /* a leftover of a crashed run that had the same pid */
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f->fd < 0) {
        msg(err, errlen, "cannot create '%s': %s", f->tmp, strerror(errno));
        destroy(f);
        return CHORUS_EIO;
    }
    if (o->flags & CH_OUT_STREAM) {
        if (!(f->f = fdopen(f->fd, "wb"))) {
            msg(err, errlen, "cannot create '%s': %s", f->tmp, strerror(errno));
            close(f->fd);
            unlink(f->tmp);
            destroy(f);
            return CHORUS_EIO;
        }
        setvbuf(f->f, NULL, _IOFBF, 1 << 16);
    }
    *out = f;
    return CHORUS_OK;
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

int ch_outfile_finish(ch_outfile *f, char *err, size_t errlen)
{
    if (f->finished)
        return CHORUS_OK;
    f->finished = true;
    if (f->to_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            msg(err, errlen, "cannot write '%s': %s", "standard output",
                strerror(errno ? errno : EIO));
            return CHORUS_EIO;
        }
        return CHORUS_OK;
    }
    int e = 0;
    if (f->f) {
        if ((fflush(f->f) != 0 || ferror(f->f)))
            e = errno ? errno : EIO;
    }
    /* EINVAL: the file cannot be synced (a special file); nothing to wait for */
    if (!e && fsync(f->fd) != 0 && errno != EINVAL)
        e = errno;
    int ce = f->f ? fclose(f->f) : close(f->fd);
    if (ce != 0 && !e)
        e = errno ? errno : EIO;
    f->f = NULL;
    f->fd = -1;
    if (e) {
        msg(err, errlen, "cannot write '%s': %s", f->path, strerror(e));
        return CHORUS_EIO;
    }
    return CHORUS_OK;
}

/* Makes the rename durable: the folder's entry is data too. Folders that cannot be synced
 * (EINVAL on some file systems) or opened read-only (EACCES) are left to the system. */
static int sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int e = 0;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EBADF)
        e = errno;
    close(fd);
    return e;
}

int ch_outfile_commit(ch_outfile *f, char *err, size_t errlen)
{
    int rc = ch_outfile_finish(f, err, errlen);
    if (rc || f->to_stdout) {
        if (rc)
            ch_outfile_abort(f);
        else
            destroy(f);
        return rc;
    }
    if (rename(f->tmp, f->path) != 0) {
        msg(err, errlen, "cannot rename '%s' to '%s': %s", f->tmp, f->path, strerror(errno));
        ch_outfile_abort(f);
        return CHORUS_EIO;
    }
    int e = sync_folder(f->path);
    if (e)
        msg(err, errlen, "cannot write '%s': %s", f->path, strerror(e));
    destroy(f);
    return e ? CHORUS_EIO : CHORUS_OK;
}

void ch_outfile_abort(ch_outfile *f)
{
    if (!f)
        return;
    if (!f->to_stdout) {
        if (f->f)
            fclose(f->f);
        else if (f->fd >= 0)
            close(f->fd);
        if (f->tmp)
            unlink(f->tmp);
    }
    destroy(f);
}
