/*
 * serve_live.c — the live side of `chorus serve`: the dashboard page, the report it embeds,
 * and the server-sent event stream that keeps both current (docs/api.md, "Dashboard").
 *
 * The dashboard is a small page of its own (alerts, clusters, a token box for writing) around
 * the HTML report in a frame: the report's network, timelines and evidence views are the
 * report's, regenerated when the database changes (a watcher's refresh) and cached meanwhile.
 * The page keeps its own strict Content-Security-Policy: scripts and connections to this
 * server only.
 *
 * Event stream (GET /api/events): "alert" events (data: the alert as /api/alerts gives it,
 * id: its id) for each alert above ?after= or the Last-Event-ID a reconnecting browser sends
 * (by default, only alerts created after the connection), and an "update" event whenever the
 * database changes. The database is looked at every poll_ms (a stat of the file and its
 * write-ahead log; a query only when they changed); a comment line every 15 s keeps proxies
 * from closing an idle stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "serve/serve_int.h"

#define KEEPALIVE_MS 15000
#define SLICE_MS 100 /* a waiting stream notices a stopping server within this */
#define EVENTS_MAX 200 /* alerts sent per look; the rest at the next */

/* ---- the page ------------------------------------------------------------------------------ */

static const char PAGE[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>chorus live</title>\n<link rel=\"icon\" href=\"data:,\">\n"
    "<link rel=\"stylesheet\" href=\"/dashboard.css\">\n</head>\n"
    "<body>\n<header><h1>chorus live</h1>\n"
    "<span id=\"status\" role=\"status\">connecting\xe2\x80\xa6</span>\n"
    "<span id=\"updated\"></span>\n"
    "<button id=\"token-btn\" type=\"button\">Token for writing\xe2\x80\xa6</button>\n"
    "<span id=\"message\" role=\"alert\"></span></header>\n<main>\n"
    "<section id=\"alerts-panel\"><h2>Alerts</h2>\n"
    "<p id=\"alerts-empty\">No alerts yet. New ones appear here as the watcher raises "
    "them.</p>\n<ol id=\"alerts\"></ol></section>\n"
    "<section id=\"clusters-panel\"><h2>Clusters (<span id=\"clusters-count\">0</span>)</h2>\n"
    "<table><thead><tr><th>#</th><th>accounts</th><th>score</th><th>behaviours</th>"
    "<th>summary</th></tr></thead><tbody id=\"clusters-body\"></tbody></table></section>\n"
    "<section id=\"report-panel\"><h2>Report</h2>\n"
    "<iframe id=\"report\" src=\"/report\" title=\"chorus report\"></iframe></section>\n"
    "</main>\n<script src=\"/dashboard.js\"></script>\n</body></html>\n";

static const char CSS[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',"
    "'Noto Color Emoji',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}\n"
    "header{display:flex;gap:1em;align-items:center;flex-wrap:wrap;padding:.6em 1.2em;"
    "background:#1d2330;color:#fff}\nheader h1{font-size:1.2em;margin:0}\n"
    "#status{padding:.1em .6em;border-radius:1em;background:#777}\n#status.live{background:#1a7f37}\n"
    "#message.bad{color:#ffb4b4}\nmain{display:grid;grid-template-columns:minmax(18em,1fr) 2fr;"
    "gap:1em;padding:1em}\nsection{background:#fff;border:1px solid #dde;border-radius:6px;"
    "padding:.6em 1em;overflow:auto}\n#report-panel{grid-column:1/-1}\n"
    "iframe{width:100%;height:80vh;border:0}\nol{padding-left:1.2em}\n"
    ".alert{margin:.3em 0}\n.alert .kind{font-weight:600}\n.alert.muted{opacity:.5}\n"
    ".alert time{color:#667;font-size:.9em}\ntable{border-collapse:collapse;width:100%}\n"
    "td,th{border-bottom:1px solid #eee;padding:.2em .4em;text-align:left;vertical-align:top}\n"
    "@media (max-width:800px){main{grid-template-columns:1fr}}\n"
    "@media print{header button,#alerts-panel button{display:none}}\n";

static const char SCRIPT[] =
    "'use strict';\n(function () {\n"
    "const $ = (id) => document.getElementById(id);\n"
    "let token = sessionStorage.getItem('chorus-token') || '';\n"
    "let lastAlert = 0;\n"
    "function when(t) { return t == null ? '' : new Date(t * 1000).toISOString()"
    ".replace('T', ' ').slice(0, 16) + ' UTC'; }\n"
    "function say(text, bad) { const m = $('message'); m.textContent = text; "
    "m.className = bad ? 'bad' : ''; }\n"
    "async function mute(id, li, b) {\n"
    "  const h = { 'Content-Type': 'application/json' };\n"
    "  if (token) h.Authorization = 'Bearer ' + token;\n"
    "  const r = await fetch('/api/alerts/' + id + '/mute', { method: 'POST', headers: h, "
    "body: '{\"muted\": true}' });\n"
    "  const j = await r.json().catch(() => ({}));\n"
    "  if (!r.ok) { say('Not muted: ' + (j.error || r.status), true); return; }\n"
    "  li.classList.add('muted'); b.textContent = 'Muted'; b.disabled = true; "
    "say('Alert ' + id + ' muted.');\n}\n"
    "function addAlert(a) {\n"
    "  if ($('alert-' + a.id)) return;\n"
    "  const li = document.createElement('li');\n"
    "  li.id = 'alert-' + a.id; li.className = 'alert' + (a.muted ? ' muted' : '');\n"
    "  const t = document.createElement('time'); t.textContent = when(a.created_at);\n"
    "  const k = document.createElement('span'); k.className = 'kind'; "
    "k.textContent = a.kind;\n"
    "  const s = document.createElement('span'); s.className = 'summary'; "
    "s.textContent = a.summary || '';\n"
    "  const b = document.createElement('button'); b.type = 'button'; "
    "b.textContent = a.muted ? 'Muted' : 'Mute'; b.disabled = a.muted;\n"
    "  b.addEventListener('click', () => mute(a.id, li, b));\n"
    "  li.append(t, ' ', k, ': ', s, ' ', b);\n"
    "  const ol = $('alerts'); let at = ol.firstChild;\n"
    "  while (at && Number(at.id.slice(6)) > a.id) at = at.nextSibling;\n"
    "  ol.insertBefore(li, at);\n"
    "  lastAlert = Math.max(lastAlert, a.id); $('alerts-empty').hidden = true;\n}\n"
    "async function loadAlerts() {\n"
    "  const r = await fetch('/api/alerts?limit=200'); if (!r.ok) return;\n"
    "  for (const a of (await r.json()).alerts) addAlert(a);\n}\n"
    "async function loadClusters() {\n"
    "  const r = await fetch('/api/clusters?limit=100'); if (!r.ok) return;\n"
    "  const j = await r.json(); const tb = $('clusters-body'); tb.textContent = '';\n"
    "  for (const c of j.clusters) {\n"
    "    const tr = document.createElement('tr');\n"
    "    for (const v of [c.id, c.size, c.score == null ? '' : c.score.toFixed(2), "
    "c.behaviours, c.summary]) {\n"
    "      const td = document.createElement('td'); td.textContent = v; tr.append(td); }\n"
    "    tb.append(tr);\n  }\n"
    "  $('clusters-count').textContent = j.clusters.length;\n}\n"
    "function updated() { $('updated').textContent = 'updated ' + new Date().toISOString()"
    ".slice(11, 19) + ' UTC'; }\n"
    "function connect() {\n"
    "  const es = new EventSource('/api/events?after=' + lastAlert);\n"
    "  es.addEventListener('open', () => { $('status').textContent = 'live'; "
    "$('status').className = 'live'; });\n"
    "  es.addEventListener('error', () => { $('status').textContent = "
    "'reconnecting\xe2\x80\xa6'; $('status').className = ''; });\n"
    "  es.addEventListener('alert', (e) => addAlert(JSON.parse(e.data)));\n"
    "  es.addEventListener('update', () => { loadClusters(); "
    "$('report').src = '/report?t=' + Date.now(); updated(); });\n}\n"
    "$('token-btn').addEventListener('click', () => {\n"
    "  const t = prompt('Token for writing (the server\\'s --token-file):', '');\n"
    "  if (t === null) return;\n"
    "  token = t.trim(); sessionStorage.setItem('chorus-token', token);\n"
    "  say(token ? 'Token set for this tab.' : 'Token cleared.');\n});\n"
    "Promise.all([loadAlerts(), loadClusters()]).finally(() => { updated(); connect(); });\n"
    "})();\n";

static enum MHD_Result reply_page(struct MHD_Connection *c, const char *type, const char *text,
                                  size_t len, bool strict)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (strict)
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "connect-src 'self'; frame-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

void ch_serve_db_version(const chorus_server *s, char *buf, size_t cap)
{
    struct stat a, w;
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", s->db);
    bool ha = stat(s->db, &a) == 0, hw = stat(wal, &w) == 0;
    snprintf(buf, cap, "%llu:%lld:%lld.%09ld|%lld:%lld.%09ld",
             ha ? (unsigned long long)a.st_ino : 0ULL, ha ? (long long)a.st_size : -1LL,
             ha ? (long long)a.st_mtim.tv_sec : 0LL, ha ? a.st_mtim.tv_nsec : 0L,
             hw ? (long long)w.st_size : -1LL, hw ? (long long)w.st_mtim.tv_sec : 0LL,
             hw ? w.st_mtim.tv_nsec : 0L);
}

/* The report of the database as it is now, made again when it changed. Under s->mu. */
static int fresh_report(chorus_server *s, char *msg, size_t cap)
{
    char version[sizeof s->report_version];
    ch_serve_db_version(s, version, sizeof version);
    if (s->report && strcmp(version, s->report_version) == 0)
        return CHORUS_OK;
    if (!s->report_dir) {
        char tmpl[] = "/tmp/chorus-serve-XXXXXX";
        const char *tmp = getenv("TMPDIR");
        char buf[4096];
        snprintf(buf, sizeof buf, "%s/chorus-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        char *d = mkdtemp(buf);
        if (!d && !(d = mkdtemp(tmpl))) {
            snprintf(msg, cap, "cannot create a folder for the report: %s", strerror(errno));
            return CHORUS_EIO;
        }
        if (!(s->report_dir = ch_strndup(d, strlen(d)))) {
            rmdir(d);
            snprintf(msg, cap, "out of memory");
            return CHORUS_ENOMEM;
        }
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/report.html", s->report_dir);
    chorus_error err;
    chorus_err e = chorus_report_write(s->db, path, NULL, NULL, &err);
    if (e) {
        snprintf(msg, cap, "%s", err.message);
        return e;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, cap, "cannot read the report: %s", strerror(errno));
        return CHORUS_EIO;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *html = n >= 0 ? ch_malloc((size_t)n + 1) : NULL;
    if (!html || fread(html, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        ch_free(html);
        snprintf(msg, cap, "cannot read the report");
        return CHORUS_EIO;
    }
    fclose(f);
    unlink(path);
    html[n] = '\0';
    ch_free(s->report);
    s->report = html;
    s->report_len = (size_t)n;
    snprintf(s->report_version, sizeof s->report_version, "%s", version);
    return CHORUS_OK;
}

static enum MHD_Result reply_report(chorus_server *s, struct MHD_Connection *c)
{
    char msg[1100];
    pthread_mutex_lock(&s->mu);
    int rc = fresh_report(s, msg, sizeof msg);
    enum MHD_Result ok;
    if (rc) {
        pthread_mutex_unlock(&s->mu);
        return ch_serve_reply_error(c, ch_serve_status_of((chorus_err)rc), "%s", msg);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(s->report_len, s->report, MHD_RESPMEM_MUST_COPY);
    pthread_mutex_unlock(&s->mu);
    if (!r)
        return MHD_NO;
    /* the report carries its own Content-Security-Policy (no network at all) */
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "SAMEORIGIN");
    ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result ch_serve_page(chorus_server *s, struct MHD_Connection *c, const char *path)
{
    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
        return reply_page(c, "text/html; charset=utf-8", PAGE, sizeof PAGE - 1, true);
    if (strcmp(path, "/dashboard.js") == 0)
        return reply_page(c, "text/javascript; charset=utf-8", SCRIPT, sizeof SCRIPT - 1, true);
    if (strcmp(path, "/dashboard.css") == 0)
        return reply_page(c, "text/css; charset=utf-8", CSS, sizeof CSS - 1, true);
    if (strcmp(path, "/report") == 0)
        return reply_report(s, c);
    return ch_serve_reply_error(c, MHD_HTTP_NOT_FOUND, "no page '%.128s'", path);
}

void ch_serve_live_free(chorus_server *s)
{
    if (s->report_dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/report.html", s->report_dir);
        unlink(path);
        rmdir(s->report_dir);
    }
    ch_free(s->report_dir);
    ch_free(s->report);
    s->report_dir = NULL;
    s->report = NULL;
}

/* ---- server-sent events -------------------------------------------------------------------- */

typedef struct stream {
    chorus_server *s;
    int64_t after;              /* alerts up to this id were sent */
    char version[160];          /* the database state last seen */
    ch_jbuf out;                /* text waiting to be sent */
    size_t sent;
    long quiet_ms;              /* since the last text */
} stream;

typedef struct newer {
    char **ev;                  /* events, newest first */
    size_t n, cap;
    int64_t top;
} newer;

static int collect_alert(void *ctx, const chorus_alert *a)
{
    newer *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        char **p = ch_realloc(w->ev, cap * sizeof *p);
        if (!p)
            return 1;
        w->ev = p;
        w->cap = cap;
    }
    ch_jbuf b = {0};
    ch_jbuf_printf(&b, "id: %" PRId64 "\nevent: alert\ndata: ", a->id);
    ch_serve_alert_json(&b, a);
    ch_jbuf_put(&b, "\n\n");
    char *t = ch_jbuf_take(&b);
    if (!t)
        return 1;
    w->ev[w->n++] = t;
    if (a->id > w->top)
        w->top = a->id;
    return 0;
}

/* Appends the alerts above st->after, oldest first; false when the file cannot be read now. */
static bool new_alerts(stream *st)
{
    chorus_results *r;
    if (chorus_results_open(st->s->db, &r, NULL) != CHORUS_OK)
        return false;
    chorus_query q;
    chorus_query_init(&q);
    q.limit = EVENTS_MAX;
    newer w = {0};
    w.top = st->after;
    /* newest first and capped: when more arrived, the oldest of them come at the next look */
    bool ok = chorus_results_alerts(r, &q, st->after, collect_alert, &w) == CHORUS_OK;
    chorus_results_close(r);
    for (size_t i = w.n; i-- > 0;) {
        ch_jbuf_put(&st->out, w.ev[i]);
        ch_free(w.ev[i]);
    }
    ch_free(w.ev);
    if (ok && w.n < EVENTS_MAX)
        st->after = w.top;
    return ok;
}

/* One look at the database: an "update" when it changed, then its new alerts. */
static void look(stream *st)
{
    char v[sizeof st->version];
    ch_serve_db_version(st->s, v, sizeof v);
    if (strcmp(v, st->version) == 0)
        return;
    if (!new_alerts(st))
        return; /* mid-replacement: look again at the next poll */
    ch_jbuf_put(&st->out, "event: update\ndata: {}\n\n");
    snprintf(st->version, sizeof st->version, "%s", v);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream *st = cls;
    chorus_server *s = st->s;
    for (;;) {
        if (!ch_jbuf_ok(&st->out))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (st->sent < st->out.len) {
            size_t n = st->out.len - st->sent;
            if (n > max)
                n = max;
            memcpy(buf, st->out.p + st->sent, n);
            st->sent += n;
            st->quiet_ms = 0;
            return (ssize_t)n;
        }
        ch_jbuf_reset(&st->out);
        st->sent = 0;
        if (atomic_load(&s->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        look(st);
        if (st->out.len)
            continue;
        if (st->quiet_ms >= KEEPALIVE_MS) {
            ch_jbuf_put(&st->out, ": keep-alive\n\n");
            continue;
        }
        /* wait poll_ms in slices, so a stopping server is noticed soon */
        for (long waited = 0; waited < (long)s->poll_ms && !atomic_load(&s->stopping);
             waited += SLICE_MS) {
            struct timespec ts = {0, SLICE_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
        st->quiet_ms += (long)s->poll_ms;
    }
}

static void stream_free(void *cls)
{
    stream *st = cls;
    ch_jbuf_free(&st->out);
    ch_free(st);
}

static int top_alert(void *ctx, const chorus_alert *a)
{
    *(int64_t *)ctx = a->id;
    return 1;
}

enum MHD_Result ch_serve_events(chorus_server *s, struct MHD_Connection *c)
{
    stream *st = ch_calloc(1, sizeof *st);
    if (!st)
        return ch_serve_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    st->s = s;
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    uint64_t after = 0;
    if (last && *last) {
        char *end;
        after = strtoull(last, &end, 10);
        if (*end)
            after = 0;
    } else if (MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after")) {
        if (!ch_serve_arg_u64(c, "after", 0, INT64_MAX, &after)) {
            stream_free(st);
            return ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "after is a whole number");
        }
    } else {
        /* from now on: the newest alert so far counts as sent */
        chorus_results *r;
        if (chorus_results_open(s->db, &r, NULL) == CHORUS_OK) {
            chorus_query q;
            chorus_query_init(&q);
            q.limit = 1;
            int64_t top = 0;
            chorus_results_alerts(r, &q, 0, top_alert, &top);
            chorus_results_close(r);
            after = (uint64_t)top;
        }
    }
    st->after = (int64_t)after;
    ch_jbuf_put(&st->out, "retry: 3000\n\n");
    /* the alerts a reconnecting page missed go first; "update" only for later changes */
    ch_serve_db_version(s, st->version, sizeof st->version);
    new_alerts(st);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}
