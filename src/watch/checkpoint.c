/* checkpoint.c — the checkpoint folder of a watcher: lock, state file, segments (see
 * checkpoint.h). */
#include "watch/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/outfile.h"
#include "ingest/input.h"

#define STATE_MAX ((size_t)1 << 30)
#define SEG_LINE_MAX ((size_t)16 * 1024 * 1024 + 4096)

struct ch_ckpt {
    char *dir;
    int lock_fd;
};

static void errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* dir/name into a new string (NULL when out of memory). */
static char *path_of(const ch_ckpt *k, const char *name)
{
    size_t a = strlen(k->dir), b = strlen(name);
    char *p = ch_malloc(a + b + 2);
    if (p) {
        memcpy(p, k->dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

static bool is_segment(const char *name)
{
    return !strncmp(name, "seg-", 4) && strstr(name, ".tsv") != NULL;
}

/* Leftovers of a write interrupted by a crash: "<file>.tmp-<pid>" (core/outfile.h). */
static bool is_leftover(const char *name)
{
    return strstr(name, ".tmp-") != NULL;
}

int ch_ckpt_open(const char *dir, bool fresh, ch_ckpt **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        errf(err, errlen, "cannot create the checkpoint folder '%s': %s", dir, strerror(errno));
        return CHORUS_EIO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errf(err, errlen, "the checkpoint '%s' is not a folder", dir);
        return CHORUS_EUSAGE;
    }
    ch_ckpt *k = ch_calloc(1, sizeof *k);
    if (!k || !(k->dir = ch_strndup(dir, strlen(dir)))) {
        ch_free(k);
        return CHORUS_ENOMEM;
    }
    k->lock_fd = -1;
    char *lock = path_of(k, "lock");
    if (!lock) {
        ch_ckpt_close(k);
        return CHORUS_ENOMEM;
    }
    k->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    ch_free(lock);
    if (k->lock_fd < 0) {
        errf(err, errlen, "cannot open '%s/lock': %s", dir, strerror(errno));
        ch_ckpt_close(k);
        return CHORUS_EIO;
    }
    if (flock(k->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        errf(err, errlen, "another watcher is using the checkpoint '%s' (and its results "
                          "database)", dir);
        ch_ckpt_close(k);
        return CHORUS_EUSAGE;
    }
    if (fresh) {
        char *state = path_of(k, "state.json");
        if (!state) {
            ch_ckpt_close(k);
            return CHORUS_ENOMEM;
        }
        if (unlink(state) != 0 && errno != ENOENT) {
            errf(err, errlen, "cannot remove '%s': %s", state, strerror(errno));
            ch_free(state);
            ch_ckpt_close(k);
            return CHORUS_EIO;
        }
        ch_free(state);
        ch_ckpt_prune(k, NULL, 0);
    }
    *out = k;
    return CHORUS_OK;
}

void ch_ckpt_close(ch_ckpt *k)
{
    if (!k)
        return;
    if (k->lock_fd >= 0)
        close(k->lock_fd);   /* releases the flock */
    ch_free(k->dir);
    ch_free(k);
}

const char *ch_ckpt_dir(const ch_ckpt *k)
{
    return k->dir;
}

int ch_ckpt_read_state(ch_ckpt *k, char **out, size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    *len = 0;
    char *path = path_of(k, "state.json");
    if (!path)
        return CHORUS_ENOMEM;
    int rc = CHORUS_OK;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT) {
            errf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
            rc = CHORUS_EIO;
        }
        goto out;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > STATE_MAX) {
        errf(err, errlen, "cannot read '%s': not a file, or larger than 1 GiB", path);
        rc = CHORUS_EIO;
        goto out;
    }
    size_t n = (size_t)st.st_size;
    if (!(buf = ch_malloc(n + 1))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    if (fread(buf, 1, n, f) != n) {
        errf(err, errlen, "cannot read '%s': %s", path, ferror(f) ? strerror(errno) : "short");
        rc = CHORUS_EIO;
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    if (f)
        fclose(f);
    ch_free(buf);
    ch_free(path);
    return rc;
}

/* Writes a file of the folder atomically: text through fn into the temporary file, then
 * fsync and rename (core/outfile.h). */
static int write_atomic(ch_ckpt *k, const char *name, int (*fn)(void *ctx, FILE *f),
                        void *ctx, char *err, size_t errlen)
{
    char *path = path_of(k, name);
    if (!path)
        return CHORUS_ENOMEM;
    ch_outfile *f = NULL;
    const ch_outfile_opts oo = {.flags = CH_OUT_STREAM};
    int rc = ch_outfile_open(path, &oo, &f, err, errlen);
    ch_free(path);
    if (rc)
        return rc;
    rc = fn(ctx, ch_outfile_stream(f));
    if (rc) {
        ch_outfile_abort(f);
        return rc;
    }
    return ch_outfile_commit(f, err, errlen);
}

typedef struct text_ctx {
    const char *p;
    size_t n;
} text_ctx;

static int put_text(void *ctx, FILE *f)
{
    text_ctx *t = ctx;
    return fwrite(t->p, 1, t->n, f) == t->n ? CHORUS_OK : CHORUS_EIO;
}

int ch_ckpt_write_state(ch_ckpt *k, const char *text, size_t len, char *err, size_t errlen)
{
    text_ctx t = {text, len};
    return write_atomic(k, "state.json", put_text, &t, err, errlen);
}

typedef struct seg_ctx {
    ch_horizon *const *h;
    size_t nh;
    bool all;
    int64_t max_time;
    uint64_t records;
} seg_ctx;

static int put_segment(void *ctx, FILE *f)
{
    seg_ctx *s = ctx;
    for (size_t i = 0; i < s->nh; i++) {
        const ch_horizon *h = s->h[i];
        for (size_t r = s->all ? 0 : h->saved; r < h->n; r++) {
            const ch_hrec *x = &h->rec[r];
            if (fprintf(f, "%zu\t%" PRId64 "\t", i, x->time) < 0 ||
                fwrite(h->buf + x->off, 1, (size_t)x->len + 1, f) != (size_t)x->len + 1)
                return CHORUS_EIO;
            if (x->time > s->max_time)
                s->max_time = x->time;
            s->records++;
        }
    }
    return CHORUS_OK;
}

int ch_ckpt_write_segment(ch_ckpt *k, uint64_t seq, ch_horizon *const *h, size_t nh, bool all,
                          char name[CH_CKPT_SEG_NAME], int64_t *max_time, uint64_t *records,
                          char *err, size_t errlen)
{
    name[0] = '\0';
    seg_ctx s = {h, nh, all, INT64_MIN, 0};
    for (size_t i = 0; i < nh; i++)
        s.records += all ? h[i]->n : h[i]->n - h[i]->saved;
    *max_time = INT64_MIN;
    *records = 0;
    if (s.records == 0)
        return CHORUS_OK;
    s.records = 0;
    snprintf(name, CH_CKPT_SEG_NAME, "seg-%012" PRIu64 ".tsv", seq);
    int rc = write_atomic(k, name, put_segment, &s, err, errlen);
    if (rc) {
        name[0] = '\0';
        return rc;
    }
    for (size_t i = 0; i < nh; i++)
        h[i]->saved = h[i]->n;
    *max_time = s.max_time;
    *records = s.records;
    return CHORUS_OK;
}

/* Parses "SOURCE\tTIME\t" at the start of line; returns the record's offset, or 0. */
static size_t parse_prefix(const char *line, size_t len, size_t *src, int64_t *time)
{
    size_t i = 0;
    uint64_t s = 0;
    while (i < len && line[i] >= '0' && line[i] <= '9' && s < 1000000)
        s = s * 10 + (uint64_t)(line[i++] - '0');
    if (i == 0 || i >= len || line[i] != '\t')
        return 0;
    i++;
    bool neg = i < len && line[i] == '-';
    i += neg;
    size_t d0 = i;
    int64_t t = 0;
    while (i < len && line[i] >= '0' && line[i] <= '9' && t < INT64_MAX / 10 - 10)
        t = t * 10 + (line[i++] - '0');
    if (i == d0 || i >= len || line[i] != '\t')
        return 0;
    *src = (size_t)s;
    *time = neg ? -t : t;
    return i + 1;
}

int ch_ckpt_read_segment(ch_ckpt *k, const char *name, ch_ckpt_rec_fn fn, void *ctx,
                         char *err, size_t errlen)
{
    char *path = path_of(k, name);
    if (!path)
        return CHORUS_ENOMEM;
    ch_input *in = NULL;
    int rc = ch_input_open(path, SEG_LINE_MAX, &in, err, errlen);
    if (rc) {
        ch_free(path);
        return rc;
    }
    const char *line;
    size_t len;
    uint64_t no;
    int r;
    while ((r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        size_t src, off;
        int64_t t;
        if (r != CH_LINE_OK || !(off = parse_prefix(line, len, &src, &t))) {
            errf(err, errlen, "'%s' is damaged at line %" PRIu64, path, no);
            rc = CHORUS_EPARSE;
            break;
        }
        if ((rc = fn(ctx, src, t, line + off, len - off)))
            break;
    }
    ch_input_close(in);
    ch_free(path);
    return rc;
}

void ch_ckpt_prune(ch_ckpt *k, const char *const *keep, size_t nkeep)
{
    DIR *d = opendir(k->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_segment(e->d_name) && !is_leftover(e->d_name))
            continue;
        bool kept = false;
        for (size_t i = 0; i < nkeep && !kept; i++)
            kept = !strcmp(keep[i], e->d_name);
        if (kept)
            continue;
        char *p = path_of(k, e->d_name);
        if (p) {
            unlink(p);
            ch_free(p);
        }
    }
    closedir(d);
}
