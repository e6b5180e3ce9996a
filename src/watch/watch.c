/* watch.c — the engine of `chorus watch` (see watch.h): records in, parroting at arrival,
 * refreshes over the horizon with the scan's detection chain, alerts, checkpoints. */
#include "watch/watch.h"

#include <dirent.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/parallel.h"
#include "core/sys.h"
#include "detect/detect.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"
#include "store/scan_write.h"
#include "store/store.h"
#include "watch/checkpoint.h"
#include "watch/horizon.h"
#include "core/jbuf.h"

#define DEFAULT_HORIZON (3 * 86400)
#define DEFAULT_REFRESH 60.0
#define DEFAULT_BATCH 4096
#define STMT_POLL_S 2.0           /* statements files and folders are checked this often */
#define FUTURE_SLACK 86400        /* a record stamped later than now + this has no usable time */
#define MAX_SEGMENTS 100000       /* in the state: more means the horizon is absurdly long */

typedef struct wsrc {
    char *spec;
    ch_source *src;               /* NULL for a fed source */
    const ch_reader *reader;      /* NULL until known */
    ch_horizon h;
    size_t pending;               /* records [pending, h.n) not parsed yet */
    size_t n_at_evict;            /* h.n after the last eviction */
    uint64_t unreadable;          /* records that never gave a post (counted once, at arrival) */
} wsrc;

typedef struct wseg {
    char name[CH_CKPT_SEG_NAME];
    int64_t max_time;
} wseg;

struct ch_watch {
    ch_watch_opts o;
    char *db_path, *ckpt_dir;
    ch_store *store;
    ch_ckpt *ck;
    ch_stream *stream;
    wsrc *src;
    size_t nsrc;

    ch_stmtset *set;              /* NULL without statements */
    ch_parrot_index *pix;
    uint64_t stmt_sig;
    double stmt_checked;

    ch_echo *echo;
    ch_tracker *tr;
    ch_spike spike;
    ch_alertq q;

    uint64_t records, refresh_at_records, refreshes, alerts, evicted, matched, seq;
    int64_t watermark;
    wseg *seg;
    size_t nseg, cap_seg;
    double last_refresh, seconds_refresh;
    size_t clusters;
    ch_jbuf jb;
};

/* ---- small helpers ------------------------------------------------------------------------- */

static void diag(ch_watch *w, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void diag(ch_watch *w, const char *where, const char *fmt, ...)
{
    if (!w->o.diag)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->o.diag(w->o.diag_ctx, where, msg);
}

static int64_t wall_now(void)
{
    return (int64_t)time(NULL);
}

static char *dup_str(const char *s)
{
    return s ? ch_strndup(s, strlen(s)) : NULL;
}

/* ---- statements ------------------------------------------------------------------------------ */

/* A signature of the statements paths: names, sizes and modification times of the files (of
 * the folders' files), so that a file added, changed or removed is noticed. */
static uint64_t stmt_signature(const ch_watch *w)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < w->o.nstmt; i++) {
        const char *p = w->o.stmt_paths[i];
        struct stat st;
        if (stat(p, &st) != 0) {
            h = XXH3_64bits_withSeed("missing", 7, h ^ i);
            continue;
        }
        int64_t v[3] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
                        (int64_t)st.st_mtim.tv_nsec};
        h = XXH3_64bits_withSeed(v, sizeof v, h ^ XXH3_64bits(p, strlen(p)));
        if (!S_ISDIR(st.st_mode))
            continue;
        DIR *d = opendir(p);
        if (!d)
            continue;
        uint64_t acc = 0;         /* order-free: readdir's order is not stable */
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", p, e->d_name);
            struct stat fs;
            if (stat(path, &fs) != 0)
                continue;
            int64_t fv[3] = {(int64_t)fs.st_size, (int64_t)fs.st_mtim.tv_sec,
                             (int64_t)fs.st_mtim.tv_nsec};
            acc += XXH3_64bits_withSeed(fv, sizeof fv, XXH3_64bits(e->d_name, strlen(e->d_name)));
        }
        closedir(d);
        h ^= acc;
    }
    return h;
}

static void on_stmt_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                         const char *message)
{
    (void)reason;
    ch_watch *w = ctx;
    if (line)
        diag(w, file, "line %" PRIu64 ": %s", line, message);
    else
        diag(w, file, "%s", message);
}

/* (Re)loads the statements and their index when they changed. A set that cannot be read
 * keeps the previous one (a file being written is read again at the next check). */
static int load_statements(ch_watch *w, bool force)
{
    if (w->o.nstmt == 0)
        return CHORUS_OK;
    w->stmt_checked = ch_now();
    uint64_t sig = stmt_signature(w);
    if (!force && sig == w->stmt_sig)
        return CHORUS_OK;
    ch_stmtset *set = NULL;
    ch_parrot_index *pix = NULL;
    int rc = ch_stmtset_new(&set);
    for (size_t i = 0; i < w->o.nstmt && !rc; i++) {
        ch_stmt_opts so = {.diag = on_stmt_diag, .diag_ctx = w};
        int lrc = ch_stmtset_load(set, w->o.stmt_paths[i], &so);
        if (lrc == CHORUS_ENOMEM)
            rc = lrc;
    }
    if (!rc) {
        ch_parrot_params params;
        ch_parrot_params_default(&params);
        if (w->o.threshold > 0)
            params.threshold = w->o.threshold;
        rc = ch_parrot_build(set, &params, &pix);
    }
    if (rc) {
        ch_stmtset_free(set);
        return rc;
    }
    if (w->set)
        diag(w, NULL, "statements changed: %zu loaded (were %zu)", ch_stmtset_count(set),
             ch_stmtset_count(w->set));
    ch_parrot_free(w->pix);
    ch_stmtset_free(w->set);
    w->set = set;
    w->pix = pix;
    w->stmt_sig = sig;
    return CHORUS_OK;
}

/* ---- alerts ---------------------------------------------------------------------------------- */

/* Inserts the queued alerts (in the caller's transaction); marks in `ins` which are new. */
static int insert_alerts(ch_watch *w, bool *ins)
{
    for (size_t i = 0; i < w->q.n; i++) {
        const ch_alert *a = &w->q.a[i];
        ch_alert_row row = {.id = a->id, .created_at = a->created_at, .kind = a->kind,
                            .cluster_id = a->cluster_id, .statement_id = a->statement_id,
                            .summary = a->summary, .evidence = a->evidence};
        int rc = ch_store_alert(w->store, &row, &ins[i]);
        if (rc)
            return rc;
    }
    return CHORUS_OK;
}

/* Tells the caller of the alerts just committed, then empties the queue. */
static void announce(ch_watch *w, const bool *ins)
{
    for (size_t i = 0; i < w->q.n; i++) {
        if (!ins[i])
            continue;
        if (w->o.alert) {
            ch_jbuf_reset(&w->jb);
            ch_alert_json(&w->q.a[i], &w->jb);
            if (ch_jbuf_ok(&w->jb))
                w->o.alert(w->o.alert_ctx, w->jb.p);
        }
    }
    ch_alertq_clear(&w->q);
}

/* Commits the queued alerts in a transaction of their own (statement echoes, at arrival). */
static int commit_alerts(ch_watch *w, char *err, size_t errlen)
{
    if (w->q.n == 0)
        return CHORUS_OK;
    bool *ins = ch_calloc(w->q.n, sizeof *ins);
    if (!ins)
        return CHORUS_ENOMEM;
    int rc = ch_store_live_begin(w->store, false, err, errlen);
    if (!rc && (rc = insert_alerts(w, ins))) {
        snprintf(err, errlen, "cannot write the alerts into '%s'", w->db_path);
        ch_store_live_rollback(w->store);
    }
    if (!rc)
        rc = ch_store_live_commit(w->store, err, errlen);
    if (!rc) {
        for (size_t i = 0; i < w->q.n; i++)
            w->alerts += ins[i];
        announce(w, ins);
    }
    ch_free(ins);
    return rc;
}

/* ---- arrival: parse, time, parroting ----------------------------------------------------- */

typedef struct emit_ctx {
    wsrc *s;
    size_t from, to;
    int64_t limit;                /* times past it are not believed */
} emit_ctx;

static void on_emitted(void *ctx, uint64_t line, const ch_rawpost *r, bool kept)
{
    (void)kept;
    emit_ctx *e = ctx;
    if (line == 0 || line > e->to - e->from || r->created_at == CH_UNKNOWN_I64 ||
        r->created_at > e->limit)
        return;
    ch_hrec *rec = &e->s->h.rec[e->from + line - 1];
    if (rec->time == INT64_MIN || r->created_at > rec->time)
        rec->time = r->created_at;
}

static void on_quiet_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                          const char *message)
{
    (void)ctx, (void)file, (void)line, (void)reason, (void)message;
}

static void on_arrival_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                            const char *message)
{
    ch_watch *w = ctx;
    if (reason == CH_R_NOT_POST)
        return;   /* identity events, deletes: expected in a stream, not a problem */
    if (line)
        diag(w, file, "record skipped: %s", message);
    else
        diag(w, file, "%s", message);
}

/* The bytes of records [from, to) of h: contiguous, each followed by '\n'. */
static size_t span_len(const ch_horizon *h, size_t from, size_t to)
{
    return (size_t)(h->rec[to - 1].off + h->rec[to - 1].len + 1 - h->rec[from].off);
}

static int flush_source(ch_watch *w, wsrc *s, char *err, size_t errlen)
{
    size_t from = s->pending, to = s->h.n;
    if (from == to)
        return CHORUS_OK;
    const char *data = ch_horizon_data(&s->h, from);
    size_t len = span_len(&s->h, from, to);
    if (!s->reader && !(s->reader = ch_ingest_sniff(data, len))) {
        diag(w, s->spec, "cannot tell the format of these records; name it with --format");
        /* kept with the watermark's time: read again at the next refresh would fail the same
         * way, so they are dropped now */
        s->h.n = from;
        s->h.len = s->h.rec[from].off;
        s->pending = from;
        if (s->h.saved > from)
            s->h.saved = from;
        return CHORUS_OK;
    }
    ch_corpus *c = NULL;
    ch_parrot_result res = {0};
    int rc = chorus_corpus_new(&c);
    uint32_t file = 0;
    if (!rc && !(rc = ch_corpus_add_file(c, s->spec, &file)))
        rc = ch_corpus_file_platform(c, file, s->reader->platform);
    emit_ctx ec = {.s = s, .from = from, .to = to, .limit = wall_now() + FUTURE_SLACK};
    ch_ingest_opts io = {.reader = s->reader, .diag = on_arrival_diag, .diag_ctx = w,
                         .emitted = on_emitted, .emitted_ctx = &ec};
    if (!rc) {
        rc = ch_ingest_mem(c, file, s->spec, data, len, s->reader, &io);
        if (rc == CHORUS_EPARSE || rc == CHORUS_EFORMAT || rc == CHORUS_EIO)
            rc = CHORUS_OK;   /* bad records were reported; the others are in */
    }
    if (rc)
        goto out;
    /* times: the records' own, else the watermark (identity events, bad records) */
    for (size_t i = from; i < to; i++)
        if (s->h.rec[i].time != INT64_MIN && s->h.rec[i].time > w->watermark)
            w->watermark = s->h.rec[i].time;
    for (size_t i = from; i < to; i++)
        if (s->h.rec[i].time == INT64_MIN)
            s->h.rec[i].time = w->watermark == INT64_MIN ? 0 : w->watermark;
    if (s->h.max_time < w->watermark)
        s->h.max_time = w->watermark;
    /* parroting at arrival, in post order: statement echo */
    if (w->pix && ch_corpus_nposts(c) > 0) {
        ch_parrot_corpus_opts co = {.threads = 1, .max_per_post = 1};
        if ((rc = ch_parrot_match_corpus(w->pix, c, &co, &res)))
            goto out;
        const int64_t now = wall_now();
        const ch_pool *pool = ch_corpus_pool(c);
        for (size_t i = 0; i < res.nrows; i++) {
            const ch_parrot_row *r = &res.rows[i];
            const ch_post *p = ch_corpus_post(c, r->post);
            if (p->created_at == CH_UNKNOWN_I64)
                continue;
            const ch_statement *st = ch_stmtset_get(w->set, r->m.stmt);
            w->matched++;
            if ((rc = ch_echo_add(w->echo, st->id, ch_account_key(c, p->account),
                                  ch_pool_str(pool, ch_corpus_account(c, p->account)->id),
                                  ch_pool_str(pool, p->id), p->created_at, p->created_at,
                                  &w->q, now)))
                goto out;
        }
    }
    s->pending = to;
    /* eviction between refreshes too, so memory stays flat however long the refresh period:
     * whenever the horizon grew by an eighth since the last one (amortised O(1) a record).
     * A record evicted now would be evicted at the next refresh anyway: the refresh's cutoff
     * is never earlier, since the watermark only grows. */
    if (w->watermark != INT64_MIN && s->h.n - s->n_at_evict >= 4096 &&
        s->h.n - s->n_at_evict >= s->h.n / 8) {
        w->evicted += ch_horizon_evict(&s->h, w->watermark - w->o.horizon);
        s->pending = s->n_at_evict = s->h.n;
    }
    rc = commit_alerts(w, err, errlen);
    if (rc)
        return rc;
out:
    if (rc && !err[0])
        snprintf(err, errlen, "%s: %s", s->spec, chorus_strerror((chorus_err)rc));
    ch_parrot_result_free(&res);
    chorus_corpus_free(c);
    return rc;
}

int ch_watch_flush(ch_watch *w, char *err, size_t errlen)
{
    err[0] = '\0';
    if (w->o.nstmt && ch_now() - w->stmt_checked >= STMT_POLL_S) {
        int rc = load_statements(w, false);
        if (rc) {
            snprintf(err, errlen, "cannot load the statements: %s", chorus_strerror(rc));
            return rc;
        }
    }
    for (size_t i = 0; i < w->nsrc; i++) {
        int rc = flush_source(w, &w->src[i], err, errlen);
        if (rc)
            return rc;
    }
    return CHORUS_OK;
}

static bool pending_any(const ch_watch *w)
{
    for (size_t i = 0; i < w->nsrc; i++)
        if (w->src[i].pending < w->src[i].h.n)
            return true;
    return false;
}

static int feed(ch_watch *w, size_t si, const char *data, size_t len, char *err, size_t errlen)
{
    wsrc *s = &w->src[si];
    /* a record is one line of the horizon: line breaks (only ever whitespace between JSON
     * tokens, since a JSON string cannot hold a raw one) become spaces */
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
        len--;
    if (len == 0)
        return CHORUS_OK;
    size_t at = s->h.len;
    if (ch_horizon_append(&s->h, data, len, INT64_MIN)) {
        snprintf(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    for (char *p = s->h.buf + at, *e = p + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        *p = ' ';
    for (char *p = s->h.buf + at, *e = p + len; (p = memchr(p, '\r', (size_t)(e - p))); p++)
        *p = ' ';
    w->records++;
    if (s->h.n - s->pending >= (w->o.batch ? w->o.batch : DEFAULT_BATCH)) {
        int rc = flush_source(w, s, err, errlen);
        if (rc)
            return rc;
    }
    if (w->o.refresh_records && w->records - w->refresh_at_records >= w->o.refresh_records)
        return ch_watch_refresh(w, err, errlen);
    return CHORUS_OK;
}

int ch_watch_feed(ch_watch *w, const char *data, size_t len, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!w || w->nsrc == 0 || (!data && len))
        return CHORUS_EUSAGE;
    return feed(w, 0, data, len, err, errlen);
}

/* ---- checkpoint ------------------------------------------------------------------------------ */

static int write_checkpoint(ch_watch *w, int64_t cutoff, char *err, size_t errlen)
{
    ch_horizon **hs = ch_calloc(w->nsrc ? w->nsrc : 1, sizeof *hs);
    if (!hs)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < w->nsrc; i++)
        hs[i] = &w->src[i].h;
    char name[CH_CKPT_SEG_NAME];
    int64_t maxt;
    uint64_t nrec;
    int rc = ch_ckpt_write_segment(w->ck, w->seq + 1, hs, w->nsrc, false, name, &maxt, &nrec,
                                   err, errlen);
    ch_free(hs);
    if (rc)
        return rc;
    w->seq++;
    if (name[0]) {
        if (ch_grow((void **)&w->seg, &w->cap_seg, w->nseg + 1, sizeof *w->seg))
            return CHORUS_ENOMEM;
        memcpy(w->seg[w->nseg].name, name, sizeof name);
        w->seg[w->nseg++].max_time = maxt;
    }
    /* segments whose every record fell out of the horizon are no longer needed */
    size_t k = 0;
    for (size_t i = 0; i < w->nseg; i++)
        if (cutoff == INT64_MIN || w->seg[i].max_time >= cutoff)
            w->seg[k++] = w->seg[i];
    w->nseg = k;

    ch_jbuf *b = &w->jb;
    ch_jbuf_reset(b);
    ch_jbuf_printf(b, "{\"v\":1,\"seq\":%" PRIu64 ",\"records\":%" PRIu64
                      ",\"refresh_at_records\":%" PRIu64 ",\"refreshes\":%" PRIu64
                      ",\"alerts\":%" PRIu64 ",\"evicted\":%" PRIu64 ",\"matched\":%" PRIu64
                      ",\"next_alert\":%" PRId64 ",\"watermark\":",
                   w->seq, w->records, w->refresh_at_records, w->refreshes, w->alerts,
                   w->evicted, w->matched, w->q.next_id);
    if (w->watermark == INT64_MIN)
        ch_jbuf_put(b, "null");
    else
        ch_jbuf_i64(b, w->watermark);
    ch_jbuf_put(b, ",\"spike_last_hour\":");
    if (w->spike.last_hour == INT64_MIN)
        ch_jbuf_put(b, "null");
    else
        ch_jbuf_i64(b, w->spike.last_hour);
    ch_jbuf_put(b, ",\"sources\":[");
    for (size_t i = 0; i < w->nsrc; i++) {
        const wsrc *s = &w->src[i];
        ch_jbuf_put(b, i ? ",{\"spec\":" : "{\"spec\":");
        ch_jbuf_str(b, s->spec);
        ch_jbuf_put(b, ",\"format\":");
        ch_jbuf_str(b, s->reader ? s->reader->name : NULL);
        ch_jbuf_put(b, ",\"cursor\":");
        ch_jbuf_str(b, s->src ? ch_source_cursor(s->src) : NULL);
        char *mem = NULL;
        if (s->src && (rc = ch_source_memory(s->src, &mem)))
            return rc;
        ch_jbuf_put(b, ",\"memory\":");
        ch_jbuf_str(b, mem);
        ch_free(mem);
        ch_jbuf_put(b, "}");
    }
    ch_jbuf_put(b, "],\"segments\":[");
    for (size_t i = 0; i < w->nseg; i++) {
        ch_jbuf_put(b, i ? ",{\"name\":" : "{\"name\":");
        ch_jbuf_str(b, w->seg[i].name);
        ch_jbuf_put(b, ",\"max_time\":");
        ch_jbuf_i64(b, w->seg[i].max_time);
        ch_jbuf_put(b, "}");
    }
    ch_jbuf_put(b, "],\"tracker\":");
    ch_tracker_save(w->tr, b);
    ch_jbuf_put(b, ",\"echo\":");
    ch_echo_save(w->echo, b);
    ch_jbuf_put(b, "}");
    if (!ch_jbuf_ok(b)) {
        snprintf(err, errlen, "the watch state is too large to save");
        return CHORUS_ENOMEM;
    }
    if ((rc = ch_ckpt_write_state(w->ck, b->p, b->len, err, errlen)))
        return rc;
    const char **keep = ch_calloc(w->nseg ? w->nseg : 1, sizeof *keep);
    if (keep) {   /* without memory the old segments just stay until the next checkpoint */
        for (size_t i = 0; i < w->nseg; i++)
            keep[i] = w->seg[i].name;
        ch_ckpt_prune(w->ck, keep, w->nseg);
        ch_free(keep);
    }
    return CHORUS_OK;
}

typedef struct load_ctx {
    ch_watch *w;
    int64_t cutoff;
} load_ctx;

static int on_segment_rec(void *ctx, size_t source, int64_t t, const char *data, size_t len)
{
    load_ctx *l = ctx;
    if (source >= l->w->nsrc)
        return CHORUS_EPARSE;
    if (t < l->cutoff)
        return CHORUS_OK;   /* out of the horizon already */
    wsrc *s = &l->w->src[source];
    if (ch_horizon_append(&s->h, data, len, t))
        return CHORUS_ENOMEM;
    if (t > s->h.max_time)
        s->h.max_time = t;
    return CHORUS_OK;
}

static bool get_u64(ch_json_val o, const char *k, uint64_t *out)
{
    return ch_json_uint64(ch_json_get(o, k), out);
}

/* A string field copied (NULL when absent/null). *bad when it is of another type or no memory. */
static char *get_str(ch_json_val o, const char *k, bool *bad)
{
    ch_json_val v = ch_json_get(o, k);
    const char *s;
    size_t n;
    if (!ch_json_present(v) || ch_json_is_null(v))
        return NULL;
    char *d = NULL;
    if (!ch_json_str(v, &s, &n) || !(d = ch_strndup(s, n)))
        *bad = true;
    return d;
}

/* Loads the checkpoint's state into w and returns the cursors and memories of the sources
 * (arrays of nsrc strings, owned by the caller). */
static int load_checkpoint(ch_watch *w, char ***cursors, char ***memories, bool *found,
                           char *err, size_t errlen)
{
    char *text = NULL;
    size_t tlen = 0;
    ch_json_parser *jp = NULL;
    *found = false;
    int rc = ch_ckpt_read_state(w->ck, &text, &tlen, err, errlen);
    if (rc || !text)
        return rc;
    *found = true;
    *cursors = ch_calloc(w->nsrc, sizeof **cursors);
    *memories = ch_calloc(w->nsrc, sizeof **memories);
    if (!*cursors || !*memories || ch_json_parser_new(0, &jp)) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    ch_json_val root;
    const char *msg = NULL;
    if (ch_json_parse(jp, text, tlen, false, &root, &msg) != CH_JSON_OK) {
        snprintf(err, errlen, "%s/state.json is damaged (%s): remove the folder or use --fresh",
                 ch_ckpt_dir(w->ck), msg ? msg : "not JSON");
        rc = CHORUS_EPARSE;
        goto out;
    }
    uint64_t nalert = 0;
    int64_t v;
    bool bad = !get_u64(root, "seq", &w->seq) || !get_u64(root, "records", &w->records) ||
               !get_u64(root, "refresh_at_records", &w->refresh_at_records) ||
               !get_u64(root, "refreshes", &w->refreshes) || !get_u64(root, "alerts", &w->alerts) ||
               !get_u64(root, "evicted", &w->evicted) || !get_u64(root, "matched", &w->matched) ||
               !get_u64(root, "next_alert", &nalert);
    w->q.next_id = (int64_t)nalert;
    ch_json_val wm = ch_json_get(root, "watermark");
    w->watermark = ch_json_int64(wm, &v) ? v : INT64_MIN;
    ch_json_val lh = ch_json_get(root, "spike_last_hour");
    w->spike.last_hour = ch_json_int64(lh, &v) ? v : INT64_MIN;
    /* the sources must be the same, in the same order: the segments name them by index */
    ch_json_iter it;
    ch_json_val o;
    size_t n = 0;
    if (!bad && ch_json_iter_init(ch_json_get(root, "sources"), &it)) {
        while (ch_json_arr_next(&it, &o)) {
            char *spec = get_str(o, "spec", &bad);
            if (!spec || n >= w->nsrc || strcmp(spec, w->src[n].spec)) {
                snprintf(err, errlen,
                         "the checkpoint in %s was written for other sources (%s): give the "
                         "same sources in the same order, another --checkpoint, or --fresh",
                         ch_ckpt_dir(w->ck), spec ? spec : "?");
                ch_free(spec);
                rc = CHORUS_EUSAGE;
                goto out;
            }
            ch_free(spec);
            char *fmt = get_str(o, "format", &bad);
            if (fmt && !w->src[n].reader)
                w->src[n].reader = ch_reader_find(fmt);
            ch_free(fmt);
            (*cursors)[n] = get_str(o, "cursor", &bad);
            (*memories)[n] = get_str(o, "memory", &bad);
            n++;
        }
    } else {
        bad = true;
    }
    if (!bad && n != w->nsrc) {
        snprintf(err, errlen,
                 "the checkpoint in %s was written for %zu sources, not %zu: give the same "
                 "sources, another --checkpoint, or --fresh", ch_ckpt_dir(w->ck), n, w->nsrc);
        rc = CHORUS_EUSAGE;
        goto out;
    }
    int64_t cutoff = w->watermark == INT64_MIN ? INT64_MIN : w->watermark - w->o.horizon;
    load_ctx lc = {w, cutoff};
    if (!bad && ch_json_iter_init(ch_json_get(root, "segments"), &it)) {
        while (ch_json_arr_next(&it, &o) && !bad) {
            const char *nm;
            size_t nl;
            int64_t mt;
            if (!ch_json_get_str(o, "name", &nm, &nl) || nl >= CH_CKPT_SEG_NAME ||
                !ch_json_int64(ch_json_get(o, "max_time"), &mt) || w->nseg >= MAX_SEGMENTS) {
                bad = true;
                break;
            }
            if (ch_grow((void **)&w->seg, &w->cap_seg, w->nseg + 1, sizeof *w->seg)) {
                rc = CHORUS_ENOMEM;
                goto out;
            }
            memcpy(w->seg[w->nseg].name, nm, nl);
            w->seg[w->nseg].name[nl] = '\0';
            w->seg[w->nseg].max_time = mt;
            if ((rc = ch_ckpt_read_segment(w->ck, w->seg[w->nseg].name, on_segment_rec, &lc,
                                           err, errlen)))
                goto out;
            w->nseg++;
        }
    } else {
        bad = true;
    }
    if (!bad && (ch_tracker_load(w->tr, ch_json_get(root, "tracker")) ||
                 ch_echo_load(w->echo, ch_json_get(root, "echo"))))
        bad = true;
    if (bad) {
        snprintf(err, errlen, "%s/state.json is damaged: remove the folder or use --fresh",
                 ch_ckpt_dir(w->ck));
        rc = CHORUS_EPARSE;
        goto out;
    }
    for (size_t i = 0; i < w->nsrc; i++)
        w->src[i].h.saved = w->src[i].pending = w->src[i].h.n;
out:
    ch_json_parser_free(jp);
    ch_free(text);
    return rc;
}

/* ---- refresh --------------------------------------------------------------------------------- */

static void on_detect_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                           const char *message)
{
    on_quiet_diag(ctx, file, line, reason, message);   /* reported at arrival already */
}

static int write_run_keys(ch_watch *w, int64_t now, size_t held, size_t hbytes)
{
    ch_store *st = w->store;
    int rc = ch_store_run(st, "watch", "1");
    if (!rc)
        rc = ch_store_run_i64(st, "watch.refreshed_at", now);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.refreshes", (int64_t)w->refreshes);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.records", (int64_t)w->records);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.records_held", (int64_t)held);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.horizon_bytes", (int64_t)hbytes);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.horizon", w->o.horizon);
    if (!rc && w->watermark != INT64_MIN)
        rc = ch_store_run_i64(st, "watch.watermark", w->watermark);
    if (!rc)
        rc = ch_store_run_i64(st, "watch.alerts", (int64_t)w->alerts);
    return rc;
}

int ch_watch_refresh(ch_watch *w, char *err, size_t errlen)
{
    const double t0 = ch_now();
    int rc = ch_watch_flush(w, err, errlen);
    if (rc)
        return rc;
    if (w->o.nstmt && (rc = load_statements(w, false))) {
        snprintf(err, errlen, "cannot load the statements: %s", chorus_strerror(rc));
        return rc;
    }
    const int64_t cutoff = w->watermark == INT64_MIN ? INT64_MIN : w->watermark - w->o.horizon;
    size_t held = 0, hbytes = 0;
    for (size_t i = 0; i < w->nsrc; i++) {
        wsrc *s = &w->src[i];
        if (cutoff != INT64_MIN)
            w->evicted += ch_horizon_evict(&s->h, cutoff);
        s->pending = s->n_at_evict = s->h.n;
        held += s->h.n;
        hbytes += ch_horizon_bytes(&s->h);
    }

    ch_corpus *c = NULL;
    ch_detect_result d = {0};
    int64_t *track_of = NULL, *since = NULL;
    bool *ins = NULL, began = false;
    ch_store_posts_job pj = {.s = w->store};
    char msg[512] = "";
    if ((rc = chorus_corpus_new(&c)))
        goto out;
    for (size_t i = 0; i < w->nsrc; i++) {
        wsrc *s = &w->src[i];
        if (!s->reader || s->h.n == 0)
            continue;
        uint32_t file;
        if ((rc = ch_corpus_add_file(c, s->spec, &file)) ||
            (rc = ch_corpus_file_platform(c, file, s->reader->platform)))
            goto out;
        ch_ingest_opts io = {.reader = s->reader, .diag = on_detect_diag, .diag_ctx = w};
        rc = ch_ingest_mem(c, file, s->spec, s->h.buf, s->h.len, s->reader, &io);
        if (rc == CHORUS_EPARSE || rc == CHORUS_EFORMAT || rc == CHORUS_EIO)
            rc = CHORUS_OK;
        if (rc)
            goto out;
    }
    if ((rc = ch_store_live_begin(w->store, true, msg, sizeof msg)))
        goto out;
    began = true;
    pj.c = c;
    const bool any = ch_corpus_nposts(c) > 0;
    ch_detect_opts dopt;
    ch_detect_opts_default(&dopt);
    dopt.threads = w->o.threads;
    dopt.coact.window = w->o.window;
    if (w->o.threshold > 0)
        dopt.parrot.threshold = w->o.threshold;
    dopt.narratives_ready = ch_store_posts_start;
    dopt.narratives_ready_ctx = &pj;
    if (any) {
        rc = ch_detect_run(c, w->set, &dopt, &d);
        if (!pj.done && !rc)
            ch_store_posts_start(&pj, NULL);
        int prc = ch_store_posts_join(&pj);
        if (!rc)
            rc = prc;
        if (rc)
            goto out;
    }
    const char **specs = ch_calloc(w->nsrc + 1, sizeof *specs);
    if (!specs) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < w->nsrc; i++)
        specs[i] = w->src[i].spec;
    const ch_reader *fmt = w->o.reader;
    ch_scan_meta meta = {
        .output = w->db_path, .inputs = specs, .ninputs = w->nsrc,
        .statements = (const char *const *)w->o.stmt_paths, .nstatements = w->o.nstmt,
        .window_fixed = w->o.window > 0, .screen_p = dopt.coact.screen_p,
        .format = fmt ? fmt->name : "auto", .threads = ch_parallel_threads(w->o.threads),
        .seconds_store_posts = pj.seconds,
    };
    if (any)
        rc = ch_store_write_results(w->store, &meta, c, w->set, &d, msg, sizeof msg);
    ch_free(specs);
    if (rc)
        goto out;
    const int64_t now = wall_now();
    size_t nc = any && d.net ? d.net->n_clusters : 0;
    w->clusters = nc;
    track_of = ch_calloc(nc ? nc : 1, sizeof *track_of);
    since = ch_calloc(nc ? nc : 1, sizeof *since);
    if (!track_of || !since) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    if (any) {
        if ((rc = ch_tracker_refresh(w->tr, c, &d, now, w->watermark, &w->q, track_of, since)))
            goto out;
        for (size_t k = 0; k < nc; k++)
            if ((rc = ch_store_cluster_track(w->store, (int64_t)k, track_of[k], since[k])))
                goto out;
        if ((rc = ch_spike_refresh(&w->spike, c, &d, track_of, cutoff, w->watermark, now,
                                   &w->q)))
            goto out;
    }
    w->refreshes++;
    w->refresh_at_records = w->records;
    if (!(ins = ch_calloc(w->q.n ? w->q.n : 1, sizeof *ins))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    if ((rc = insert_alerts(w, ins)))
        goto out;
    for (size_t i = 0; i < w->q.n; i++)
        w->alerts += ins[i];
    if ((rc = write_run_keys(w, now, held, hbytes)))
        goto out;
    began = false;
    if ((rc = ch_store_live_commit(w->store, msg, sizeof msg)))
        goto out;
    ch_detect_result_free(&d);
    chorus_corpus_free(c);
    c = NULL;
    /* the checkpoint comes after the commit: a crash between them replays into the same
     * results and the same alert ids, which the database already holds */
    if ((rc = write_checkpoint(w, cutoff, err, errlen)))
        goto out;
    announce(w, ins);
out:
    if (began)
        ch_store_live_rollback(w->store);
    if (rc && !err[0])
        snprintf(err, errlen, "refresh failed: %s", msg[0] ? msg : chorus_strerror(rc));
    ch_free(ins);
    ch_free(track_of);
    ch_free(since);
    ch_detect_result_free(&d);
    chorus_corpus_free(c);
    w->last_refresh = ch_now();
    w->seconds_refresh += w->last_refresh - t0;
    return rc;
}

/* ---- open, run, close ------------------------------------------------------------------------ */

static void on_stream_diag(void *ctx, const char *source, ch_stream_level level, const char *msg)
{
    ch_watch *w = ctx;
    static const char *const lv[] = {"", "warning: ", "failed: "};
    diag(w, source, "%s%s", lv[level <= CH_STREAM_FAIL ? level : 0], msg);
}

static const ch_reader *reader_for_kind(const char *kind)
{
    if (!strcmp(kind, "jetstream"))
        return ch_reader_find("jetstream");
    if (!strcmp(kind, "mastodon"))
        return ch_reader_find("mastodon");
    return NULL;
}

int ch_watch_open(const ch_watch_opts *o, const char *const *specs, size_t nspecs,
                  const char *feed_name, ch_watch **out, char *err, size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    if (!o || !o->db_path || !*o->db_path || (nspecs == 0 && !feed_name)) {
        snprintf(err, errlen, "watch needs a results database and at least one source");
        return CHORUS_EUSAGE;
    }
    ch_watch *w = ch_calloc(1, sizeof *w);
    if (!w)
        return CHORUS_ENOMEM;
    char **cursors = NULL, **mems = NULL;
    ch_outfile_protect *protect = NULL;
    int rc = CHORUS_ENOMEM;
    w->o = *o;
    if (w->o.horizon <= 0)
        w->o.horizon = DEFAULT_HORIZON;
    if (w->o.refresh_s <= 0)
        w->o.refresh_s = DEFAULT_REFRESH;
    w->watermark = INT64_MIN;
    w->spike = (ch_spike){.z = o->spike_z > 0 ? o->spike_z : 3.5,
                          .min_count = o->spike_min ? o->spike_min : 10,
                          .last_hour = INT64_MIN};
    w->q.next_id = 1;
    w->db_path = dup_str(o->db_path);
    size_t dl = strlen(o->db_path);
    if (o->ckpt_dir)
        w->ckpt_dir = dup_str(o->ckpt_dir);
    else if ((w->ckpt_dir = ch_malloc(dl + 7)))
        snprintf(w->ckpt_dir, dl + 7, "%s.watch", o->db_path);
    size_t ns = nspecs ? nspecs : 1;
    w->src = ch_calloc(ns, sizeof *w->src);
    if (!w->db_path || !w->ckpt_dir || !w->src)
        goto out;
    w->nsrc = ns;
    for (size_t i = 0; i < ns; i++) {
        ch_horizon_init(&w->src[i].h);
        if (!(w->src[i].spec = dup_str(nspecs ? specs[i] : feed_name)))
            goto out;
        w->src[i].reader = o->reader;
    }
    ch_tracker_opts to = o->track;
    if ((rc = ch_echo_new(o->echo_k ? o->echo_k : 5, o->echo_window ? o->echo_window : 3600,
                          &w->echo)) ||
        (rc = ch_tracker_new(&to, &w->tr)))
        goto out;
    if ((rc = ch_ckpt_open(w->ckpt_dir, o->fresh, &w->ck, err, errlen)))
        goto out;
    bool found = false;
    if ((rc = load_checkpoint(w, &cursors, &mems, &found, err, errlen)))
        goto out;
    if (found)
        diag(w, NULL, "resuming from %s: %" PRIu64 " records read before, %zu held",
             w->ckpt_dir, w->records, w->nsrc ? w->src[0].h.n : (size_t)0);
    /* the database never replaces a source or a statements file */
    if (!(protect = ch_calloc(ns + o->nstmt + 1, sizeof *protect))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    size_t np = 0;
    for (size_t i = 0; i < nspecs; i++)
        if (strcmp(specs[i], "-") && !strchr(specs[i], ':'))
            protect[np++] = (ch_outfile_protect){specs[i], "a source of the watch"};
    for (size_t i = 0; i < o->nstmt; i++)
        protect[np++] = (ch_outfile_protect){o->stmt_paths[i], "statements of the watch"};
    if ((rc = ch_store_live_open(w->db_path, protect, np, &w->store, err, errlen)))
        goto out;
    if ((rc = load_statements(w, true))) {
        if (!err[0])
            snprintf(err, errlen, "cannot load the statements: %s", chorus_strerror(rc));
        goto out;
    }
    if (nspecs) {
        ch_stream_opts so = o->stream;
        so.diag = on_stream_diag;
        so.diag_ctx = w;
        if ((rc = ch_stream_new(&so, &w->stream)))
            goto out;
        for (size_t i = 0; i < nspecs; i++) {
            const char *cur = cursors && cursors[i] && *cursors[i] ? cursors[i] : NULL;
            if ((rc = ch_stream_add(w->stream, specs[i], cur, &w->src[i].src, err, errlen)))
                goto out;
            if (mems && mems[i] && (rc = ch_source_remember(w->src[i].src, mems[i], err, errlen)))
                goto out;
            if (!w->src[i].reader)
                w->src[i].reader = reader_for_kind(ch_source_kind_name(w->src[i].src));
        }
    }
    w->last_refresh = ch_now();
    rc = CHORUS_OK;
out:
    for (size_t i = 0; cursors && i < w->nsrc; i++)
        ch_free(cursors[i]);
    for (size_t i = 0; mems && i < w->nsrc; i++)
        ch_free(mems[i]);
    ch_free(cursors);
    ch_free(mems);
    ch_free(protect);
    if (rc) {
        if (!err[0])
            snprintf(err, errlen, "%s", chorus_strerror((chorus_err)rc));
        ch_watch_close(w);
        return rc;
    }
    *out = w;
    return CHORUS_OK;
}

void ch_watch_close(ch_watch *w)
{
    if (!w)
        return;
    ch_stream_free(w->stream);
    for (size_t i = 0; w->src && i < w->nsrc; i++) {
        ch_free(w->src[i].spec);
        ch_horizon_free(&w->src[i].h);
    }
    ch_free(w->src);
    ch_store_live_close(w->store);
    ch_ckpt_close(w->ck);
    ch_parrot_free(w->pix);
    ch_stmtset_free(w->set);
    ch_echo_free(w->echo);
    ch_tracker_free(w->tr);
    ch_alertq_free(&w->q);
    ch_jbuf_free(&w->jb);
    ch_free(w->seg);
    ch_free(w->db_path);
    ch_free(w->ckpt_dir);
    ch_free(w);
}

int ch_watch_run(ch_watch *w, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!w || !w->stream)
        return CHORUS_EUSAGE;
    int rc = CHORUS_OK;
    for (;;) {
        double due = w->last_refresh + w->o.refresh_s - ch_now();
        int timeout = due <= 0 ? 0 : due > 0.2 ? 200 : (int)(due * 1000);
        ch_stream_rec rec;
        int k = ch_stream_next(w->stream, timeout, &rec);
        if (k == CH_STREAM_ERROR) {
            snprintf(err, errlen, "%s", ch_stream_error(w->stream));
            return CHORUS_EIO;
        }
        if (k == CH_STREAM_END)
            break;
        if (k == CH_STREAM_REC) {
            size_t si = 0;
            while (si < w->nsrc && w->src[si].src != rec.source)
                si++;
            if (si < w->nsrc && (rc = feed(w, si, rec.data, rec.len, err, errlen)))
                return rc;
        } else if (pending_any(w) && (rc = ch_watch_flush(w, err, errlen))) {
            return rc;
        }
        if (ch_now() - w->last_refresh >= w->o.refresh_s &&
            (rc = ch_watch_refresh(w, err, errlen)))
            return rc;
    }
    /* the last refresh: finite sources replayed to their end, or a clean stop */
    if (w->records != w->refresh_at_records || w->refreshes == 0 || pending_any(w))
        rc = ch_watch_refresh(w, err, errlen);
    return rc;
}

void ch_watch_stats_get(const ch_watch *w, ch_watch_stats *out)
{
    memset(out, 0, sizeof *out);
    out->records = w->records;
    out->posts_matched = w->matched;
    out->refreshes = w->refreshes;
    out->alerts = w->alerts;
    out->evicted = w->evicted;
    out->watermark = w->watermark;
    out->clusters = w->clusters;
    out->seconds_refresh = w->seconds_refresh;
    for (size_t i = 0; i < w->nsrc; i++) {
        out->held += w->src[i].h.n;
        out->horizon_bytes += ch_horizon_bytes(&w->src[i].h);
    }
}
