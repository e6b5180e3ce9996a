/*
 * report.c — ch_report_write: opens the results database read-only, checks it is one of ours,
 * renders the page (header, overview, coordination over time, network, clusters, statements,
 * accounts, how to read) into an atomic output file (core/outfile.h). The sections live in
 * html_clusters.c, html_statements.c, svg_timeline.c and svg_network.c; the helpers they
 * share sit below them (report_ctx.c, html_match.c, svg_plot.c, html_out.c). This file is the
 * top: the page frame, the overview, the accounts table and ch_report_write; nothing below
 * calls back into it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/outfile.h"
#include "core/sys.h"
#include "store/store.h"
#include "report/report_int.h"
#include "report_js.h"

void ch_report_opts_default(ch_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->top_clusters = 50;
    o->top_statements = 50;
    o->max_items = 25;
    o->max_nodes = 30000;
    o->max_neighbours = 5;
    o->seed = 1;
}

/* ---- reading the database ----------------------------------------------------------------- */

static int64_t scalar(ch_report_ctx *c, const char *sql, int64_t dflt)
{
    sqlite3_stmt *q = ch_report_prep(c, sql);
    if (!q)
        return dflt;
    int rc = sqlite3_step(q);
    int64_t v = dflt;
    if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(q, 0);
    else
        ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    return v;
}

/* Opens the database read-only through the store's one "is this ours" check. */
static int open_db(ch_report_ctx *c, const char *path)
{
    ch_store_info si;
    char msg[1024];
    int rc = ch_store_open_read(path, &c->db, &si, msg, sizeof msg);
    if (rc)
        return ch_report_fail(c, rc, "%s", msg);
    c->has_evidence = si.has_evidence;
    c->has_narratives = si.has_narratives;
    c->has_before_pub = si.has_before_pub;
    c->has_platform = si.has_platform;
    c->has_timeline = si.has_timeline;
    return CHORUS_OK;
}

static char *dup_col(sqlite3_stmt *q, int i)
{
    size_t n;
    const char *s = ch_report_col(q, i, &n);
    return ch_strndup(s, n);
}

static void load_top(ch_report_ctx *c)
{
    c->n_clusters = (uint64_t)scalar(c, "SELECT count(*) FROM clusters", 0);
    c->n_clustered = (uint64_t)scalar(c, "SELECT count(*) FROM accounts WHERE cluster_id IS NOT NULL", 0);
    size_t want = c->o.top_clusters < c->n_clusters ? c->o.top_clusters : (size_t)c->n_clusters;
    if (c->rc || want == 0)
        return;
    c->top = ch_calloc(want, sizeof *c->top);
    c->rank_by_id = ch_calloc(want, sizeof *c->rank_by_id);
    if (!c->top || !c->rank_by_id) {
        ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
        return;
    }
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT cluster_id, size, score, behaviours, first_seen, last_seen, summary "
           "FROM clusters ORDER BY score DESC, cluster_id LIMIT ?1");
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)want);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && c->ntop < want) {
        ch_report_cluster *k = &c->top[c->ntop];
        k->id = sqlite3_column_int64(q, 0);
        k->size = sqlite3_column_int64(q, 1);
        k->score = ch_report_unit(sqlite3_column_double(q, 2));
        k->first = sqlite3_column_int64(q, 4);
        k->last = sqlite3_column_int64(q, 5);
        k->behaviours = dup_col(q, 3);
        k->summary = dup_col(q, 6);
        c->rank_by_id[c->ntop] = (struct ch_report_rank){k->id, (uint32_t)c->ntop};
        c->ntop++;
        if (!k->behaviours || !k->summary) {
            ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
            break;
        }
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    ch_report_rank_index(c);
}

/* Activity histograms: bins of a width that gives at most ~240 bars over the span of the
 * data, on round boundaries (hours, days, weeks) so a bar means something to a reader. */
static void histograms(ch_report_ctx *c)
{
    if (c->rc || c->n_posts == 0)
        return;
    static const int64_t widths[] = {600, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
                                     86400, 2 * 86400, 7 * 86400, 30 * 86400, 91 * 86400,
                                     365 * 86400};
    const int64_t span = c->t_last - c->t_first;
    size_t i = 0;
    while (i + 1 < sizeof widths / sizeof widths[0] && span / widths[i] >= 240)
        i++;
    c->binw = widths[i];
    /* floor to the bin width (UTC) */
    int64_t f = c->t_first;
    c->bin0 = f - ((f % c->binw) + c->binw) % c->binw;
    uint64_t nb = (uint64_t)(c->t_last - c->bin0) / (uint64_t)c->binw + 1;
    c->nbins = nb > 4096 ? 4096 : (size_t)nb;   /* a hostile span is clamped into the last bin */
    size_t ntop_bins;
    if (!ch_mul_ok(c->ntop ? c->ntop : 1, c->nbins, &ntop_bins)) {
        ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
        return;
    }
    c->h_all = ch_calloc(c->nbins, sizeof *c->h_all);
    c->h_clustered = ch_calloc(c->nbins, sizeof *c->h_clustered);
    c->h_top = ch_calloc(ntop_bins, sizeof *c->h_top);
    if (!c->h_all || !c->h_clustered || !c->h_top) {
        ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
        return;
    }
    sqlite3_stmt *q = ch_report_prep(c, "SELECT created_at FROM posts WHERE created_at IS NOT NULL");
    if (!q)
        return;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        c->h_all[ch_report_bin(c, sqlite3_column_int64(q, 0))]++;
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    /* CROSS JOIN fixes the order: from the few clustered accounts to their posts by index
     * (without statistics SQLite would scan every post and look its account up) */
    q = ch_report_prep(c, "SELECT a.cluster_id, p.created_at FROM accounts a "
                          "CROSS JOIN posts p ON p.account_id = a.account_id "
                          "WHERE a.cluster_id IS NOT NULL AND p.created_at IS NOT NULL");
    if (!q)
        return;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t b = ch_report_bin(c, sqlite3_column_int64(q, 1));
        c->h_clustered[b]++;
        long r = ch_report_rank(c, sqlite3_column_int64(q, 0));
        if (r >= 0)
            c->h_top[(size_t)r * c->nbins + b]++;
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
}

/* ---- page --------------------------------------------------------------------------------- */

static const char CSS[] =
    ":root{--ink:#1d2330;--muted:#5b6474;--line:#e3e6eb;--soft:#f5f6f8;--accent:#c2412d;"
    "--mark:#ffe27a}"
    "*{box-sizing:border-box}"
    "html{scroll-padding-top:52px}"
    "body{margin:0;font:15px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',"
    "Arial,'Noto Sans',sans-serif,'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji',"
    "'Twemoji Mozilla','Symbola';color:var(--ink);background:#fff}"
    ".wrap{max-width:1140px;margin:0 auto;padding:0 24px}"
    "header.top{background:#1d2330;color:#fff;padding:26px 0 20px}"
    "header.top h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}"
    "header.top p{margin:0;color:#b9c1cf;font-size:14px}"
    "nav{position:sticky;top:0;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line);"
    "z-index:5}"
    "nav a{display:inline-block;padding:11px 12px;color:var(--ink);text-decoration:none;"
    "font-weight:600;font-size:14px}"
    "nav a:hover{background:var(--soft)}"
    "section{padding:30px 0 14px;border-bottom:1px solid var(--line)}"
    "h2{font-size:23px;margin:0 0 8px;letter-spacing:-.01em}"
    "h3{font-size:16px;margin:20px 0 8px}"
    "h4{font-size:14px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;"
    "letter-spacing:.04em}"
    "p{max-width:860px}"
    ".lead{font-size:18px;line-height:1.5}"
    "ul.find{margin:6px 0 0;padding-left:20px;max-width:900px}ul.find li{margin:3px 0}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(124px,1fr));gap:10px;"
    "margin:18px 0}"
    ".card{background:var(--soft);border-radius:10px;padding:12px 14px}"
    ".card b{display:block;font-size:24px;font-variant-numeric:tabular-nums;line-height:1.2}"
    ".card span{color:var(--muted);font-size:13px}"
    ".card.hot b{color:var(--accent)}"
    "table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);"
    "font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".kv{font-size:13px}.kv td{padding:3px 8px}.kv td:first-child{color:var(--muted);width:40%}"
    ".grid2{display:grid;grid-template-columns:1fr 1fr;gap:24px}"
    ".grid2 h3{font-size:14px;margin:14px 0 4px}"
    ".muted{color:var(--muted)}.small{font-size:13px}"
    "code,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;"
    "overflow-wrap:anywhere}"
    ".id{color:var(--muted)}"
    "a{color:#2a5d9f}"
    "details.sec{border:1px solid var(--line);border-radius:10px;margin:14px 0;background:#fff}"
    "details.sec>summary{cursor:pointer;padding:12px 16px;display:flex;gap:10px 14px;"
    "align-items:center;flex-wrap:wrap;list-style:none}"
    "details.sec>summary::-webkit-details-marker{display:none}"
    "details.sec>summary:before{content:'\\25B8';color:var(--muted)}"
    "details.sec[open]>summary:before{content:'\\25BE'}"
    "details.sec[open]>summary{border-bottom:1px solid var(--line)}"
    "details.sec>summary h3{margin:0;font-size:17px}"
    "details.sec>.body{padding:4px 16px 16px}"
    "details.more{margin:10px 0}details.more>summary{cursor:pointer;color:var(--muted)}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:50%;vertical-align:-1px;"
    "margin-right:4px}"
    ".pill{display:inline-block;padding:1px 9px;border-radius:10px;background:var(--soft);"
    "font-size:12.5px;color:var(--muted);white-space:nowrap}"
    ".pill.hot{background:#fbe3de;color:#9b2c1c}"
    ".bar{display:inline-block;width:56px;height:8px;background:#e6e8ec;border-radius:4px;"
    "vertical-align:middle;margin-right:6px;overflow:hidden}"
    ".bar i{display:block;height:100%;background:var(--accent)}"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:6px 0 16px}"
    ".pair>div{background:var(--soft);border-radius:8px;padding:10px 12px;white-space:pre-wrap;"
    "overflow-wrap:anywhere}"
    ".lab{display:block;font-size:12.5px;color:var(--muted);margin-bottom:4px;white-space:normal}"
    "mark{background:var(--mark);color:inherit;padding:0 1px;border-radius:2px}"
    ".gap{color:var(--muted)}"
    "blockquote{margin:6px 0;padding:8px 12px;border-left:3px solid #c9ced6;background:var(--soft);"
    "white-space:pre-wrap;overflow-wrap:anywhere;border-radius:0 6px 6px 0}"
    ".obj{margin:12px 0 18px}"
    "ol.who{display:flex;flex-wrap:wrap;gap:4px 6px;margin:6px 0;padding:0;list-style:none;"
    "font-size:13.5px}"
    "ol.who li{background:var(--soft);border-radius:6px;padding:2px 8px}"
    "ol.who li.wide{flex-basis:100%}"
    ".post{white-space:pre-wrap;overflow-wrap:anywhere}"
    "ul.reasons{margin:0;padding:0;list-style:none;font-size:13px;color:#3d4554}"
    "ul.reasons li{display:inline}ul.reasons li+li:before{content:' \\00B7  ';color:#9aa2ae}"
    "svg{display:block;max-width:100%;height:auto}"
    "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif,"
    "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji'}"
    ".fig{margin:12px 0 6px}"
    ".cap{font-size:13px;color:var(--muted);max-width:880px;margin:4px 0 12px}"
    ".more{color:var(--muted);font-size:13.5px;font-style:italic}"
    "bdi.h{font-weight:600}"
    ".net{border:1px solid var(--line);border-radius:10px;background:#fcfcfd}"
    ".net .node:hover,.net .nbr:hover{stroke:#1d2330;stroke-width:2}"
    ".legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:13px;margin:8px 0}"
    "table.spikes td{white-space:nowrap}"
    /* a phone: one column, and a wide table scrolls inside itself, not the page sideways */
    "@media (max-width:760px){.pair,.grid2{grid-template-columns:1fr}.wrap{padding:0 12px}"
    "table{display:block;overflow-x:auto}nav .wrap{overflow-x:auto;white-space:nowrap}}"
    ".plat{display:inline-block;font-size:11px;padding:0 6px;margin-left:4px;border-radius:8px;"
    "background:#e8ecf3;color:#3d4f6e;vertical-align:1px}"
    ".search{float:right;padding:7px 0}"
    ".search input{font:inherit;font-size:14px;padding:3px 8px;border:1px solid var(--line);"
    "border-radius:6px;width:16em;max-width:60vw}"
    ".search span{margin-left:6px}"
    ".hid{display:none!important}"
    ".bl{display:inline-block;width:16px;height:3px;vertical-align:3px;margin-right:4px}"
    "@media (max-width:760px){.search{float:none;display:block;padding:0 12px 8px}}"
    /* printed or saved as PDF: everything open (the script opens collapsed sections before
     * printing; Chromium also honours ::details-content), no navigation, no search */
    "@media print{nav,.search{display:none}details.sec{break-inside:avoid}"
    "details>summary:before{display:none}.hid{display:revert!important}"
    "details::details-content{content-visibility:visible;display:contents}"
    "body{font-size:12px}.net,.fig{break-inside:avoid}a{color:inherit;text-decoration:none}}";

static void run_value(ch_report_ctx *c, const char *key, char *buf, size_t cap)
{
    buf[0] = '\0';
    sqlite3_stmt *q = ch_report_prep(c, "SELECT value FROM run WHERE key = ?1");
    if (!q)
        return;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        size_t n;
        const char *s = ch_report_col(q, 0, &n);
        snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), s);
    }
    sqlite3_finalize(q);
}

/* The script's SHA-256 in base64, as a Content-Security-Policy source names it: CMake gives
 * the digest in hex. */
static void js_hash_base64(char out[48])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *hex = CH_REPORT_JS_SHA256;
    unsigned char d[33] = {0};
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char h = hex[2 * i + k];
            v = v * 16 + (unsigned)(h <= '9' ? h - '0' : h - 'a' + 10);
        }
        d[i] = (unsigned char)v;
    }
    size_t o = 0;
    for (int i = 0; i < 33; i += 3) {   /* 32 bytes: ten groups of 3, then 2 and one '=' */
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | (i + 2 < 33 ? d[i + 2] : 0);
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
    }
    out[o] = '\0';
}

static void page_head(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char version[64], a[32], b[32];
    run_value(c, "version", version, sizeof version);
    /* default-src 'none': no font, image, frame or connection is allowed, so the page can
     * never reach the network; styles are inline; the one script runs because its hash is
     * named here, and no other script can (not even one smuggled into the data) */
    char hash[48];
    js_hash_base64(hash);
    ch_report_putf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-%s'\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"chorus ", hash);
    ch_report_textz(o, version);
    ch_report_put(o, "\">\n<title>chorus report: coordinated accounts and parroted statements"
                     "</title>\n<style>");
    ch_report_put(o, CSS);
    ch_report_put(o, "</style></head>\n<body>\n<header class=\"top\"><div class=\"wrap\">"
                     "<h1>Coordinated accounts and parroted statements</h1><p>");
    if (c->n_posts)
        ch_report_putf(o, "%s to %s (UTC) · ", ch_report_date(c->t_first, a),
                       ch_report_date(c->t_last, b));
    ch_report_put(o, "report of a chorus ");
    ch_report_textz(o, version);
    ch_report_put(o, " scan</p></div></header>\n<nav><div class=\"wrap\">"
                     "<a href=\"#overview\">Overview</a><a href=\"#timeline\">Over time</a>"
                     "<a href=\"#network\">Network</a>");
    ch_report_putf(o, "<a href=\"#clusters\">Clusters (%s)</a>", ch_report_num(c->n_clusters, a));
    ch_report_putf(o, "<a href=\"#statements\">Statements (%s)</a>",
                   ch_report_num(c->n_statements, a));
    ch_report_put(o, "<a href=\"#accounts\">Accounts</a><a href=\"#reading\">How to read</a>"
                     "</div></nav>\n<main class=\"wrap\">\n");
}

static void card(ch_report_out *o, const char *value, const char *what, bool hot)
{
    ch_report_putf(o, "<div class=\"card%s\"><b>%s</b><span>%s</span></div>", hot ? " hot" : "",
                   value, what);
}

/* key/value rows of the run table whose key starts with prefix, named `label` when given,
 * else by the key without the prefix */
static void run_rows(ch_report_ctx *c, const char *prefix, const char *label, bool seconds)
{
    sqlite3_stmt *q = ch_report_prep(c, "SELECT key, value FROM run WHERE substr(key, 1, ?2) = ?1 "
                                        "ORDER BY length(key), key LIMIT 200");
    if (!q)
        return;
    sqlite3_bind_text(q, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (int)strlen(prefix));
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t kn, vn;
        const char *k = ch_report_col(q, 0, &kn), *v = ch_report_col(q, 1, &vn);
        size_t pl = strlen(prefix);
        ch_report_put(&c->out, "<tr><td>");
        if (label)
            ch_report_put(&c->out, label);
        else
            ch_report_excerpt(&c->out, k + pl, kn - pl, 80);
        ch_report_put(&c->out, "</td><td>");
        if (seconds) {
            ch_report_putf(&c->out, "%.2f s", sqlite3_column_double(q, 1));
        } else {
            ch_report_put(&c->out, "<code>");
            ch_report_excerpt(&c->out, v, vn, 400);
            ch_report_put(&c->out, "</code>");
        }
        ch_report_put(&c->out, "</td></tr>");
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
}

/* Behaviours as the parameters name them, in words. */
static const struct { const char *key, *words; } param_behaviours[] = {
    {"repost", "reposts of the same post"}, {"reply", "replies to the same post"},
    {"quote", "quotes of the same post"},   {"link", "the same link"},
    {"hashtag", "the same hashtags"},       {"narrative", "near-identical text"},
    {"statement", "the same statement"},    {"mention", "mentions of the same account"},
    {"like", "likes of the same post"},     {"thread", "replies in the same thread"},
};

/* One parameter of the scan as a person reads it: "window for reposts of the same post: 29
 * minutes", not "window.repost 1723". Unknown keys are shown as they are. */
static void param_row(ch_report_ctx *c, const char *k, size_t kn, const char *v, size_t vn)
{
    ch_report_out *o = &c->out;
    char key[64], val[64], d[32];
    snprintf(key, sizeof key, "%.*s", (int)(kn < 63 ? kn : 63), k);
    snprintf(val, sizeof val, "%.*s", (int)(vn < 63 ? vn : 63), v);
    char *end;
    const double num = strtod(val, &end);
    const bool is_num = vn && vn < 63 && end != val && *end == '\0';
    const char *dot = strchr(key, '.');
    ch_report_put(o, "<tr><td>");
    if (dot && (!strncmp(key, "window.", 7) || !strncmp(key, "window_long.", 12))) {
        const bool second = key[6] == '_';
        const char *words = NULL;
        for (size_t i = 0; i < sizeof param_behaviours / sizeof param_behaviours[0]; i++)
            if (!strcmp(dot + 1, param_behaviours[i].key))
                words = param_behaviours[i].words;
        ch_report_put(o, second ? "second look, " : "time window, ");
        if (words)
            ch_report_put(o, words);
        else
            ch_report_textz(o, dot + 1);
        ch_report_put(o, "</td><td>");
        if (is_num && num == 0)
            ch_report_put(o, second ? "none" : "0 seconds");
        else if (is_num)
            ch_report_textz(o, ch_report_dur(num, d));
        else
            ch_report_text(o, v, vn);
    } else if (!strcmp(key, "window")) {
        ch_report_put(o, "co-action window</td><td>");
        if (!strcmp(val, "auto"))
            ch_report_put(o, "estimated from the data");
        else if (is_num)
            ch_report_textz(o, ch_report_dur(num, d));
        else
            ch_report_text(o, v, vn);
    } else if (!strcmp(key, "window_seconds") && is_num) {
        ch_report_putf(o, "co-action window used</td><td>%s", ch_report_dur(num, d));
    } else if (!strcmp(key, "screen_p") && is_num) {
        ch_report_putf(o, "a pair is kept when chance explains its co-actions with "
                          "probability below</td><td>%g", num);
    } else if (!strcmp(key, "min_weight") && is_num) {
        ch_report_putf(o, "co-actions a pair needs at least</td><td>%g", num);
    } else if (!strcmp(key, "threads") && is_num) {
        ch_report_put(o, "worker threads</td><td>");
        if (num == 0)
            ch_report_put(o, "all cores");
        else
            ch_report_putf(o, "%g", num);
    } else if (!strcmp(key, "format")) {
        ch_report_put(o, "input format</td><td>");
        if (!strcmp(val, "auto"))
            ch_report_put(o, "recognised from each file");
        else
            ch_report_text(o, v, vn);
    } else {
        ch_report_excerpt(o, k, kn, 80);
        ch_report_put(o, "</td><td><code>");
        ch_report_excerpt(o, v, vn, 400);
        ch_report_put(o, "</code>");
    }
    ch_report_put(o, "</td></tr>");
}

static void params(ch_report_ctx *c)
{
    sqlite3_stmt *q = ch_report_prep(c, "SELECT substr(key, 7), value FROM run "
                                        "WHERE substr(key, 1, 6) = 'param.' "
                                        "ORDER BY length(key), key LIMIT 200");
    if (!q)
        return;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t kn, vn;
        const char *k = ch_report_col(q, 0, &kn), *v = ch_report_col(q, 1, &vn);
        param_row(c, k, kn, v, vn);
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
}

static void overview(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32], b[32], d[32];
    uint64_t pairs = (uint64_t)scalar(c, "SELECT count(*) FROM (SELECT DISTINCT account_a, "
                                         "account_b FROM edges)", 0);
    char flag_sql[96];
    snprintf(flag_sql, sizeof flag_sql, "SELECT count(*) FROM accounts WHERE score >= %.17g",
             (double)CHORUS_SCORE_FLAG);
    uint64_t flagged = (uint64_t)scalar(c, flag_sql, 0);
    uint64_t posts_matched = (uint64_t)scalar(c, "SELECT count(DISTINCT post_id) FROM matches", 0);
    uint64_t stmts_matched = (uint64_t)scalar(c, "SELECT count(DISTINCT statement_id) FROM matches", 0);
    uint64_t errors = (uint64_t)scalar(c, "SELECT CAST(value AS INTEGER) FROM run "
                                          "WHERE key = 'count.ingest_errors'", 0);
    double seconds = 0;
    sqlite3_stmt *q = ch_report_prep(c, "SELECT total(CAST(value AS REAL)) FROM run "
                                        "WHERE key LIKE 'time.%'");
    if (q && sqlite3_step(q) == SQLITE_ROW)
        seconds = sqlite3_column_double(q, 0);
    sqlite3_finalize(q);
    if (c->rc)
        return;

    ch_report_put(o, "<section id=\"overview\"><h2>Overview</h2><p class=\"lead\">");
    ch_report_putf(o, "In <b>%s posts</b> by %s accounts", ch_report_num(c->n_posts, a),
                   ch_report_num(c->n_accounts, b));
    if (c->n_posts)
        ch_report_putf(o, " (%s to %s)", ch_report_date(c->t_first, a), ch_report_date(c->t_last, b));
    if (c->n_clusters)
        ch_report_putf(o, ", chorus found <b>%s cluster%s</b> of accounts acting in concert "
                          "(%s accounts in all)",
                       ch_report_num(c->n_clusters, a), c->n_clusters == 1 ? "" : "s",
                       ch_report_num(c->n_clustered, b));
    else
        ch_report_put(o, ", chorus found no cluster of accounts acting in concert");
    if (c->n_statements)
        ch_report_putf(o, ", and <b>%s post%s</b> repeating %s of the %s official statements "
                          "it was given.</p>",
                       ch_report_num(posts_matched, a), posts_matched == 1 ? "" : "s",
                       ch_report_num(stmts_matched, b), ch_report_num(c->n_statements, d));
    else
        ch_report_put(o, "; no statements were given to match posts against.</p>");

    /* the strongest clusters in one line each, for a reader who reads nothing else */
    for (size_t i = 0; i < c->ntop && i < 3; i++) {
        const ch_report_cluster *k = &c->top[i];
        char col[8];
        ch_report_putf(o, "%s<li><a href=\"#c%lld\"><span class=\"sw\" style=\"background:%s\">"
                          "</span>cluster #%lld</a>: <b>%s accounts</b>, score %.2f, active %s to "
                          "%s. <span class=\"muted\">",
                       i ? "" : "<ul class=\"find\">", (long long)k->id,
                       ch_report_colour(c, k->id, col), (long long)k->id,
                       ch_report_num((uint64_t)(k->size < 0 ? 0 : k->size), a), k->score,
                       ch_report_date(k->first, b), ch_report_date(k->last, d));
        ch_report_excerpt(o, k->summary, strlen(k->summary), 160);
        ch_report_put(o, "</span></li>");
    }
    if (c->ntop)
        ch_report_put(o, "</ul>");
    ch_report_put(o, "<div class=\"cards\">");
    card(o, ch_report_num(c->n_posts, a), "posts", false);
    card(o, ch_report_num(c->n_accounts, a), "accounts", false);
    card(o, ch_report_num(c->n_clusters, a), "coordinated clusters", c->n_clusters > 0);
    card(o, ch_report_num(c->n_clustered, a), "accounts in clusters", c->n_clustered > 0);
    char flag_label[48];
    snprintf(flag_label, sizeof flag_label, "accounts scoring %.2f or more",
             (double)CHORUS_SCORE_FLAG);
    card(o, ch_report_num(flagged, a), flag_label, false);
    snprintf(d, sizeof d, "%s / %s", ch_report_num(stmts_matched, a), ch_report_num(c->n_statements, b));
    card(o, d, "statements repeated / given", false);
    card(o, ch_report_num(posts_matched, a), "posts repeating a statement", posts_matched > 0);
    /* a pair is two accounts, whatever behaviours they share: the count `chorus scan` prints */
    card(o, ch_report_num(pairs, a), "account pairs acting together", false);
    ch_report_put(o, "</div>");

    if (c->nbins) {
        uint32_t *bg = ch_calloc(c->nbins, sizeof *bg);
        if (!bg) {
            ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
            return;
        }
        for (size_t i = 0; i < c->nbins; i++)
            bg[i] = c->h_all[i] - c->h_clustered[i];
        ch_report_put(o, "<h3>Activity</h3>");
        ch_svg_activity(c, bg, c->h_clustered, "#c2412d", "posts by accounts in clusters",
                        "posts by all other accounts", NULL, 0);
        ch_free(bg);
    }

    ch_report_put(o, "<div class=\"grid2\"><div><h3>Input</h3><table class=\"kv\">");
    run_rows(c, "input.", "posts", false);
    run_rows(c, "statements.", "statements", false);
    ch_report_putf(o, "<tr><td>bad records skipped</td><td>%s</td></tr>",
                   ch_report_num(errors, a));
    ch_report_putf(o, "<tr><td>run time of the scan</td><td>%.1f s</td></tr></table>", seconds);
    if (errors) {
        q = ch_report_prep(c, "SELECT reason, count(*) FROM ingest_errors GROUP BY reason "
                              "ORDER BY count(*) DESC, reason LIMIT 10");
        if (q) {
            ch_report_put(o, "<p class=\"small muted\">Bad records by reason (first ones of "
                             "each file): ");
            int rc, k = 0;
            while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
                size_t n;
                const char *s = ch_report_col(q, 0, &n);
                ch_report_put(o, k++ ? ", " : "");
                ch_report_excerpt(o, s, n, 60);
                ch_report_putf(o, " %s", ch_report_num((uint64_t)sqlite3_column_int64(q, 1), a));
            }
            sqlite3_finalize(q);
            ch_report_put(o, "</p>");
        }
    }
    ch_report_put(o, "</div><div><h3>Parameters</h3><table class=\"kv\">");
    params(c);
    ch_report_put(o, "</table></div></div>");
    ch_report_put(o, "<details class=\"more\"><summary>Time per stage of the scan</summary>"
                     "<table class=\"kv\">");
    run_rows(c, "time.", NULL, true);
    ch_report_put(o, "</table></details></section>\n");
}

static void accounts(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32];
    ch_report_put(o, "<section id=\"accounts\"><h2>Accounts with the highest scores</h2>"
                     "<p>The score (0 to 1) combines how strongly an account acts in concert "
                     "with others and how it behaves on its own (timing, repetition, profile). "
                     "Accounts outside clusters can score high too: they are worth a look.</p>");
    sqlite3_stmt *q = ch_report_prep(
        c, c->has_platform
               ? "SELECT account_id, handle, n_posts, score, cluster_id, reasons, platform "
                 "FROM accounts WHERE score IS NOT NULL ORDER BY score DESC, account_id LIMIT ?1"
               : "SELECT account_id, handle, n_posts, score, cluster_id, reasons, '' "
                 "FROM accounts WHERE score IS NOT NULL ORDER BY score DESC, account_id LIMIT ?1");
    if (!q)
        return;
    sqlite3_bind_int(q, 1, (int)c->o.max_items);
    int rc, k = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!k++)
            ch_report_put(o, "<table><tr><th>account</th><th class=\"n\">posts</th>"
                             "<th>score</th><th>cluster</th><th>why</th></tr>");
        size_t idn, hn, rn;
        const char *id = ch_report_col(q, 0, &idn), *h = ch_report_col(q, 1, &hn);
        const char *r = ch_report_col(q, 5, &rn);
        size_t pn;
        const char *plat = ch_report_col(q, 6, &pn);
        double s = ch_report_unit(sqlite3_column_double(q, 3));
        ch_report_put(o, "<tr class=\"f\"><td>");
        ch_report_handle(o, h, hn, id, idn);
        ch_report_platform(o, plat, pn);
        ch_report_put(o, "<br><span class=\"id\">");
        ch_report_excerpt(o, id, idn, 64);
        ch_report_putf(o, "</span></td><td class=\"n\">%s</td>",
                       ch_report_num((uint64_t)sqlite3_column_int64(q, 2), a));
        ch_report_putf(o, "<td class=\"n\"><span class=\"bar\"><i style=\"width:%.0f%%\"></i>"
                          "</span>%.2f</td><td>", 100 * s, s);
        if (sqlite3_column_type(q, 4) != SQLITE_NULL) {
            int64_t cl = sqlite3_column_int64(q, 4);
            ch_report_cluster_ref(o, c, cl);
        } else {
            ch_report_put(o, "<span class=\"muted\">none</span>");
        }
        ch_report_put(o, "</td><td>");
        ch_report_reasons(c, r, rn, 3, NULL);
        ch_report_put(o, "</td></tr>");
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    ch_report_put(o, k ? "</table>" : "<p class=\"muted\">No account has a score.</p>");
    ch_report_put(o, "</section>\n");
}

static void reading(ch_report_ctx *c)
{
    ch_report_put(
        &c->out,
        "<section id=\"reading\"><h2>How to read this report</h2>"
        "<p><b>A cluster</b> is a group of accounts that did the same thing, again and again, "
        "within a short time of each other, more often than chance explains: reposting the same "
        "posts, replying to or quoting the same posts, sharing the same links or hashtag sets, "
        "posting near-identical text, or repeating the same official statement. Each pair of "
        "accounts is tested against what accounts of their activity would do by chance; "
        "clusters are the densely connected groups of the pairs that pass.</p>"
        "<p><b>A pair</b> is two accounts that acted together, whatever they did together: two "
        "accounts that both reposted and shared links together are one pair (the terminal "
        "summary of <code>chorus scan</code> counts the same way). Lines in the network "
        "picture are pairs; their colour is the behaviour that weighs most in the pair.</p>"
        "<p><b>The evidence</b> under each cluster is the concrete record: the posts that were "
        "shared, who shared them and how many minutes apart. <b>Parroted statements</b> show the "
        "post and the official statement side by side with the matching passage highlighted "
        "in both.</p>"
        "<p><b>Scores</b> run from 0 to 1 and summarise many signals; the listed reasons say "
        "which ones mattered for each account. A score is a pointer for investigation, not a "
        "verdict: fans of one account, newsrooms sharing wire copy and friends at one event "
        "can also act together. Check the evidence, and look for what organic users would not "
        "do: posting within seconds of each other day after day, copying a statement before it "
        "was published, accounts created on the same day.</p>"
        "<p class=\"small muted\">Times are UTC. Texts are shown as collected, escaped; links "
        "from the data are shown as text and never loaded. This file makes no network "
        "requests. Regenerate it with <code>chorus report DB -o report.html</code>; explore a "
        "cluster in the terminal with <code>chorus inspect DB --cluster ID</code>.</p>"
        "</section>\n");
}

static void render(ch_report_ctx *c)
{
    page_head(c);
    if (!c->rc)
        overview(c);
    if (!c->rc)
        ch_report_timeline(c);
    if (!c->rc)
        ch_svg_network(c);
    if (!c->rc)
        ch_report_clusters(c);
    if (!c->rc)
        ch_report_statements(c);
    if (!c->rc)
        accounts(c);
    if (!c->rc)
        reading(c);
    ch_report_put(&c->out, "</main>\n<footer class=\"wrap\"><p class=\"small muted\">Written by "
                           "chorus report.</p></footer>\n<script>");
    ch_report_putn(&c->out, ch_report_js, sizeof ch_report_js - 1);
    ch_report_put(&c->out, "</script>\n</body></html>\n");
}


static void span(ch_report_ctx *c)
{
    int64_t lo = scalar(c, "SELECT CAST(value AS INTEGER) FROM run WHERE key = 'data.first'", 0);
    int64_t hi = scalar(c, "SELECT CAST(value AS INTEGER) FROM run WHERE key = 'data.last'", 0);
    if (!lo || !hi || hi < lo) {
        sqlite3_stmt *q = ch_report_prep(c, "SELECT min(created_at), max(created_at) FROM posts");
        if (q && sqlite3_step(q) == SQLITE_ROW) {
            lo = sqlite3_column_int64(q, 0);
            hi = sqlite3_column_int64(q, 1);
        }
        sqlite3_finalize(q);
    }
    /* years 1 to 9999: anything else is bad data, and would overflow the arithmetic */
    const int64_t min_t = -62135596800LL, max_t = 253402300799LL;
    lo = lo < min_t ? min_t : lo > max_t ? max_t : lo;
    hi = hi < min_t ? min_t : hi > max_t ? max_t : hi;
    c->t_first = lo;
    c->t_last = hi < lo ? lo : hi;
}

/* ---- the output file --------------------------------------------------------------------- */

bool ch_report_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    /* the generator tag of the page's head (render_head), within its first few hundred bytes */
    static const char tag[] = "<meta name=\"generator\" content=\"chorus ";
    const size_t m = sizeof tag - 1;
    for (size_t i = 0; i + m <= n; i++)
        if (head[i] == '<' && !memcmp(head + i, tag, m))
            return true;
    return false;
}

/* The output policy of a report (core/outfile.h): the database it is made from and the
 * caller's files are protected; an existing file is replaced when it is a chorus report (or
 * with force); standard output, devices and FIFOs are written directly. *keep is allocated. */
static int report_policy(const char *db_path, const ch_report_opts *o,
                         const ch_outfile_protect *extra, size_t nextra, ch_outfile_diag *nd,
                         ch_outfile_protect **keep, ch_outfile_opts *oo)
{
    if (!(*keep = ch_calloc(nextra + 1, sizeof **keep)))
        return CHORUS_ENOMEM;
    /* `chorus report x.db -o x.db` would replace the evidence with its report */
    (*keep)[0] = (ch_outfile_protect){db_path, "the results database"};
    for (size_t i = 0; i < nextra; i++)
        (*keep)[i + 1] = extra[i];
    *nd = (ch_outfile_diag){o ? o->notice : NULL, o ? o->notice_ctx : NULL};
    *oo = (ch_outfile_opts){
        .flags = CH_OUT_STREAM | CH_OUT_STDOUT | CH_OUT_DIRECT | (o && o->force ? CH_OUT_FORCE : 0),
        .protect = *keep, .nprotect = nextra + 1,
        .is_ours = ch_report_is_ours, .kind = "a chorus report",
        .notice = nd->fn ? ch_outfile_notice_diag : NULL, .notice_ctx = nd,
    };
    return CHORUS_OK;
}

int ch_report_check(const char *db_path, const char *out_path, const ch_report_opts *o,
                    const ch_outfile_protect *extra, size_t nextra, char *err, size_t errlen)
{
    ch_outfile_protect *keep;
    ch_outfile_diag nd;
    ch_outfile_opts oo;
    if (report_policy(db_path, o, extra, nextra, &nd, &keep, &oo)) {
        snprintf(err, errlen, "out of memory");
        return CHORUS_ENOMEM;
    }
    int rc = ch_outfile_check(out_path, &oo, err, errlen);
    ch_free(keep);
    return rc;
}

int ch_report_write(const char *db_path, const char *out_path, const ch_report_opts *opts,
                    ch_report_info *info, char *err, size_t errlen)
{
    return ch_report_write_to(db_path, out_path, opts, NULL, 0, info, err, errlen);
}

int ch_report_write_to(const char *db_path, const char *out_path, const ch_report_opts *opts,
                       const ch_outfile_protect *extra, size_t nextra, ch_report_info *info,
                       char *err, size_t errlen)
{
    const double t0 = ch_now();
    ch_report_ctx ctx;
    ch_report_ctx *c = &ctx;
    memset(c, 0, sizeof *c);
    c->err = err;
    c->errlen = errlen;
    if (err && errlen)
        err[0] = '\0';
    if (opts)
        c->o = *opts;
    else
        ch_report_opts_default(&c->o);
    if (c->o.max_items == 0)
        c->o.max_items = 1;
    if (info)
        memset(info, 0, sizeof *info);
    c->info = info;

    ch_outfile *of = NULL;
    ch_outfile_protect *keep = NULL;
    if (open_db(c, db_path))
        goto out;
    c->n_posts = (uint64_t)scalar(c, "SELECT count(*) FROM posts", 0);
    c->n_accounts = (uint64_t)scalar(c, "SELECT count(*) FROM accounts", 0);
    c->n_statements = (uint64_t)scalar(c, "SELECT count(*) FROM statements", 0);
    c->n_matches = (uint64_t)scalar(c, "SELECT count(*) FROM matches", 0);
    if (c->n_posts)
        span(c);
    load_top(c);
    histograms(c);
    if (c->rc)
        goto out;

    ch_outfile_diag nd;
    ch_outfile_opts oo;
    char msg[1024];
    int rc = report_policy(db_path, &c->o, extra, nextra, &nd, &keep, &oo);
    if (rc) {
        ch_report_fail(c, rc, "out of memory");
        goto out;
    }
    rc = ch_outfile_open(out_path, &oo, &of, msg, sizeof msg);
    if (rc) {
        ch_report_fail(c, rc, "%s", msg);
        goto out;
    }
    c->out.f = ch_outfile_stream(of);
    render(c);
    /* a failed write (c->out.err) leaves the stream's error flag set: the commit reports it */
    if (!c->rc) {
        rc = ch_outfile_commit(of, msg, sizeof msg);
        of = NULL;
        if (rc)
            ch_report_fail(c, rc, "%s", msg);
    }
out:
    if (info) {
        info->bytes = c->out.bytes;
        info->clusters = c->n_clusters;
        info->clusters_detailed = c->ntop;
        info->clustered = c->n_clustered;
        info->statements = c->n_statements;
        info->seconds = ch_now() - t0;
    }
    ch_outfile_abort(of);
    ch_free(keep);
    sqlite3_finalize(c->q_reasons);
    for (size_t i = 0; i < c->ntop; i++) {
        ch_free(c->top[i].behaviours);
        ch_free(c->top[i].summary);
    }
    ch_free(c->top);
    ch_free(c->rank_by_id);
    ch_free(c->h_all);
    ch_free(c->h_clustered);
    ch_free(c->h_top);
    if (c->db)
        sqlite3_close(c->db);
    return c->rc;
}

/* ---- public (chorus.h) -------------------------------------------------------------------- */

void chorus_report_opts_init(chorus_report_opts *o)
{
    ch_report_opts_default(o);
}

chorus_err chorus_report_write(const char *db_path, const char *out_path,
                               const chorus_report_opts *o, chorus_report_info *info,
                               chorus_error *err)
{
    char msg[1024] = "";
    if (!db_path || !out_path)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "report: no database or output named");
    int rc = ch_report_write(db_path, out_path, o, info, msg, sizeof msg);
    if (rc)
        return ch_error_set(err, (chorus_err)rc, NULL, 0, "%s", msg[0] ? msg : chorus_strerror(rc));
    ch_error_clear(err);
    return CHORUS_OK;
}
