/*
 * watch.c — the watch handle of the public API (include/chorus.h, section 6): its options by
 * key, sources and statements, callbacks, and the run, which is the engine's (watch/watch.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/error.h"
#include "ingest/ingest.h"
#include "stream/stream.h"
#include "watch/watch.h"

#define MAX_LIST 4096             /* sources or statements paths */

struct chorus_watch {
    chorus_error err;
    ch_watch_opts o;
    char *ckpt;                   /* owned */
    char *ca_file, *dict, *token_file; /* owned */
    char **specs, **stmts;        /* owned */
    size_t nspecs, nstmts;
    volatile sig_atomic_t stop;
    chorus_watch_alert_fn alert;
    void *alert_ctx;
    chorus_watch_diag_fn diag;
    void *diag_ctx;
    ch_watch_stats stats;
    bool ran;
};

#define watch_fail(w, code, ...) ch_error_set(&(w)->err, (code), NULL, 0, __VA_ARGS__)

chorus_err chorus_watch_new(chorus_watch **out)
{
    if (!out)
        return CHORUS_EUSAGE;
    chorus_watch *w = ch_calloc(1, sizeof *w);
    *out = w;
    if (!w)
        return CHORUS_ENOMEM;
    ch_error_clear(&w->err);
    return CHORUS_OK;
}

void chorus_watch_free(chorus_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nspecs; i++)
        ch_free(w->specs[i]);
    for (size_t i = 0; i < w->nstmts; i++)
        ch_free(w->stmts[i]);
    ch_free(w->specs);
    ch_free(w->stmts);
    ch_free(w->ckpt);
    ch_free(w->ca_file);
    ch_free(w->dict);
    ch_free(w->token_file);
    ch_free(w);
}

const chorus_error *chorus_watch_error(const chorus_watch *w)
{
    return w ? &w->err : NULL;
}

/* "90", "90s", "15m", "12h", "3d": seconds in [lo, hi]. */
static bool parse_duration(const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || errno || x != x)
        return false;
    double unit = 1;
    if (*end) {
        switch (*end) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return false;
        }
        if (end[1])
            return false;
    }
    x *= unit;
    if (x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static bool parse_uint(const char *v, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*v || *v == '-')
        return false;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end || errno || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static bool parse_flag(const char *v, bool *out)
{
    if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on"))
        *out = true;
    else if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
             !strcasecmp(v, "off"))
        *out = false;
    else
        return false;
    return true;
}

static chorus_err set_str(chorus_watch *w, char **slot, const char *v)
{
    char *d = ch_strndup(v, strlen(v));
    if (!d)
        return watch_fail(w, CHORUS_ENOMEM, "out of memory");
    ch_free(*slot);
    *slot = d;
    return CHORUS_OK;
}

chorus_err chorus_watch_set(chorus_watch *w, const char *key, const char *value)
{
    if (!w)
        return CHORUS_EUSAGE;
    ch_error_clear(&w->err);
    if (!key || !value)
        return watch_fail(w, CHORUS_EUSAGE, "an option needs a key and a value");
    double d;
    unsigned long long u;
    bool b;
    ch_watch_opts *o = &w->o;
    if (!strcmp(key, "horizon")) {
        if (!parse_duration(value, 60, 366 * 86400.0, &d))
            return watch_fail(w, CHORUS_EUSAGE,
                              "horizon takes a duration from 1m to 366d (\"3d\", \"12h\"), not '%s'",
                              value);
        o->horizon = (int64_t)d;
    } else if (!strcmp(key, "refresh")) {
        if (!parse_duration(value, 0.05, 7 * 86400.0, &d))
            return watch_fail(w, CHORUS_EUSAGE,
                              "refresh takes a duration from 0.05s to 7d, not '%s'", value);
        o->refresh_s = d;
    } else if (!strcmp(key, "refresh-records")) {
        if (!parse_uint(value, 0, UINT64_MAX / 2, &u))
            return watch_fail(w, CHORUS_EUSAGE, "refresh-records takes a count, not '%s'", value);
        o->refresh_records = u;
    } else if (!strcmp(key, "batch")) {
        if (!parse_uint(value, 1, 1u << 20, &u))
            return watch_fail(w, CHORUS_EUSAGE, "batch takes 1 to 1048576, not '%s'", value);
        o->batch = (size_t)u;
    } else if (!strcmp(key, "echo-k")) {
        if (!parse_uint(value, 1, 100000, &u))
            return watch_fail(w, CHORUS_EUSAGE, "echo-k takes 1 to 100000 accounts, not '%s'",
                              value);
        o->echo_k = (unsigned)u;
    } else if (!strcmp(key, "echo-window")) {
        if (!parse_duration(value, 1, 30 * 86400.0, &d))
            return watch_fail(w, CHORUS_EUSAGE, "echo-window takes a duration up to 30d, not '%s'",
                              value);
        o->echo_window = (int64_t)d;
    } else if (!strcmp(key, "grow-min")) {
        if (!parse_uint(value, 1, 1000000, &u))
            return watch_fail(w, CHORUS_EUSAGE, "grow-min takes a count of accounts, not '%s'",
                              value);
        o->track.grow_min = (unsigned)u;
    } else if (!strcmp(key, "grow-ratio")) {
        char *end;
        double x = strtod(value, &end);
        if (end == value || *end || !(x > 0 && x <= 100))
            return watch_fail(w, CHORUS_EUSAGE, "grow-ratio takes a number in (0, 100], not '%s'",
                              value);
        o->track.grow_ratio = x;
    } else if (!strcmp(key, "spike-z")) {
        char *end;
        double x = strtod(value, &end);
        if (end == value || *end || !(x > 0 && x <= 1000))
            return watch_fail(w, CHORUS_EUSAGE, "spike-z takes a number in (0, 1000], not '%s'",
                              value);
        o->spike_z = x;
    } else if (!strcmp(key, "spike-min")) {
        if (!parse_uint(value, 1, 1000000000, &u))
            return watch_fail(w, CHORUS_EUSAGE, "spike-min takes a count of posts, not '%s'",
                              value);
        o->spike_min = (unsigned)u;
    } else if (!strcmp(key, "checkpoint")) {
        if (!*value)
            return watch_fail(w, CHORUS_EUSAGE, "checkpoint takes a folder");
        return set_str(w, &w->ckpt, value);
    } else if (!strcmp(key, "fresh")) {
        if (!parse_flag(value, &b))
            return watch_fail(w, CHORUS_EUSAGE, "fresh takes true or false, not '%s'", value);
        o->fresh = b;
    } else if (!strcmp(key, "follow")) {
        if (!parse_flag(value, &b))
            return watch_fail(w, CHORUS_EUSAGE, "follow takes true or false, not '%s'", value);
        o->stream.follow = b;
    } else if (!strcmp(key, "format")) {
        if (!strcasecmp(value, "auto")) {
            o->reader = NULL;
        } else if (!(o->reader = ch_reader_find(value))) {
            return watch_fail(w, CHORUS_EUSAGE,
                              "format takes auto or a format name (see 'chorus ingest --help'), "
                              "not '%s'", value);
        }
    } else if (!strcmp(key, "threads")) {
        if (!parse_uint(value, 0, 1024, &u))
            return watch_fail(w, CHORUS_EUSAGE, "threads takes 0 (all cores) to 1024, not '%s'",
                              value);
        o->threads = (int)u;
    } else if (!strcmp(key, "window")) {
        if (!strcasecmp(value, "auto"))
            o->window = 0;
        else if (!parse_uint(value, 1, 30 * 86400, &u))
            return watch_fail(w, CHORUS_EUSAGE, "window takes auto or 1 to 2592000 seconds, not '%s'",
                              value);
        else
            o->window = (int64_t)u;
    } else if (!strcmp(key, "threshold")) {
        char *end;
        double x = strtod(value, &end);
        if (end == value || *end || !(x > 0 && x <= 1))
            return watch_fail(w, CHORUS_EUSAGE, "threshold takes a number in (0, 1], not '%s'",
                              value);
        o->threshold = x;
    } else if (!strcmp(key, "max-retries")) {
        if (!parse_uint(value, 0, 1000000, &u))
            return watch_fail(w, CHORUS_EUSAGE, "max-retries takes a count, not '%s'", value);
        o->stream.max_retries = (unsigned)u;
    } else if (!strcmp(key, "ca-file")) {
        chorus_err rc = set_str(w, &w->ca_file, value);
        o->stream.ca_file = w->ca_file;
        return rc;
    } else if (!strcmp(key, "token-file")) {
        return set_str(w, &w->token_file, value);
    } else if (!strcmp(key, "no-backfill")) {
        if (!parse_flag(value, &b))
            return watch_fail(w, CHORUS_EUSAGE, "no-backfill takes true or false, not '%s'", value);
        o->stream.no_backfill = b;
    } else if (!strcmp(key, "jetstream-dict")) {
        chorus_err rc = set_str(w, &w->dict, value);
        o->stream.jetstream_dict = w->dict;
        return rc;
    } else {
        return watch_fail(w, CHORUS_EUSAGE, "unknown watch option '%s'", key);
    }
    return CHORUS_OK;
}

static chorus_err add_path(chorus_watch *w, char ***list, size_t *n, const char *v)
{
    if (*n >= MAX_LIST)
        return watch_fail(w, CHORUS_ELIMIT, "at most %d sources and statements paths", MAX_LIST);
    char **l = ch_realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return watch_fail(w, CHORUS_ENOMEM, "out of memory");
    *list = l;
    if (!(l[*n] = ch_strndup(v, strlen(v))))
        return watch_fail(w, CHORUS_ENOMEM, "out of memory");
    (*n)++;
    return CHORUS_OK;
}

chorus_err chorus_watch_add_source(chorus_watch *w, const char *spec)
{
    if (!w)
        return CHORUS_EUSAGE;
    ch_error_clear(&w->err);
    if (!spec || !*spec)
        return watch_fail(w, CHORUS_EUSAGE, "a source needs a spec");
    return add_path(w, &w->specs, &w->nspecs, spec);
}

chorus_err chorus_watch_add_statements(chorus_watch *w, const char *path)
{
    if (!w)
        return CHORUS_EUSAGE;
    ch_error_clear(&w->err);
    if (!path || !*path)
        return watch_fail(w, CHORUS_EUSAGE, "statements need a path");
    return add_path(w, &w->stmts, &w->nstmts, path);
}

void chorus_watch_set_alert(chorus_watch *w, chorus_watch_alert_fn fn, void *ctx)
{
    if (w) {
        w->alert = fn;
        w->alert_ctx = ctx;
    }
}

void chorus_watch_set_diag(chorus_watch *w, chorus_watch_diag_fn fn, void *ctx)
{
    if (w) {
        w->diag = fn;
        w->diag_ctx = ctx;
    }
}

void chorus_watch_stop(chorus_watch *w)
{
    if (w)
        w->stop = 1;
}

chorus_err chorus_watch_run(chorus_watch *w, const char *db_path)
{
    if (!w)
        return CHORUS_EUSAGE;
    ch_error_clear(&w->err);
    if (!db_path || !*db_path)
        return watch_fail(w, CHORUS_EUSAGE, "no results database named");
    if (w->nspecs == 0)
        return watch_fail(w, CHORUS_EUSAGE, "no sources");
    if (w->ran)
        return watch_fail(w, CHORUS_EUSAGE, "this handle already ran: create a new one");
    w->ran = true;
    ch_watch_opts o = w->o;
    o.db_path = db_path;
    o.ckpt_dir = w->ckpt;
    o.stmt_paths = (const char *const *)w->stmts;
    o.nstmt = w->nstmts;
    o.stream.stop = &w->stop;
    o.alert = w->alert;
    o.alert_ctx = w->alert_ctx;
    o.diag = w->diag;
    o.diag_ctx = w->diag_ctx;
    char msg[1024];
    ch_watch *e = NULL;
    char *token = NULL;
    /* the Mastodon access token: from a file only its owner can read, or the environment */
    int rc = ch_stream_token_load(w->token_file, "CHORUS_MASTODON_TOKEN", &token, msg,
                                  sizeof msg);
    if (rc)
        return watch_fail(w, (chorus_err)rc, "%s", msg);
    o.stream.mastodon_token = token;
    rc = ch_watch_open(&o, (const char *const *)w->specs, w->nspecs, NULL, &e, msg,
                           sizeof msg);
    if (!rc) {
        rc = ch_watch_run(e, msg, sizeof msg);
        ch_watch_stats_get(e, &w->stats);
    }
    ch_watch_close(e);
    ch_free(token);
    if (rc)
        return watch_fail(w, (chorus_err)rc, "%s", msg[0] ? msg : chorus_strerror(rc));
    return CHORUS_OK;
}

chorus_err chorus_watch_count(const chorus_watch *w, const char *name, int64_t *out)
{
    if (!w || !name || !out)
        return CHORUS_EUSAGE;
    const ch_watch_stats *s = &w->stats;
    if (!strcmp(name, "records"))
        *out = (int64_t)s->records;
    else if (!strcmp(name, "refreshes"))
        *out = (int64_t)s->refreshes;
    else if (!strcmp(name, "alerts"))
        *out = (int64_t)s->alerts;
    else if (!strcmp(name, "matched"))
        *out = (int64_t)s->posts_matched;
    else if (!strcmp(name, "evicted"))
        *out = (int64_t)s->evicted;
    else if (!strcmp(name, "held"))
        *out = (int64_t)s->held;
    else if (!strcmp(name, "clusters"))
        *out = (int64_t)s->clusters;
    else
        return CHORUS_ENOTFOUND;
    return CHORUS_OK;
}
