/*
 * export.c — writes the account network of a results database as GraphML, GEXF, CSV or
 * networkx node-link JSON (see export.h for the contract, docs/exports.md for users).
 *
 * Shape: two SQLite cursors (nodes, edges) produce records of typed values; one writer per
 * format turns a record into text. The attribute tables below are the single list of what a
 * node and an edge carry, so the four formats cannot drift apart.
 */
#include "report/export.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/outfile.h"
#include "core/igraph_env.h"
#include "core/sort.h"
#include "store/store.h"
#include "report/report_int.h"

#include <igraph.h>

/* ---- values and attributes ------------------------------------------------------------ */

typedef enum vtype { V_NULL, V_INT, V_REAL, V_TEXT } vtype;

typedef struct val {
    vtype t;
    int64_t i;
    double d;
    const char *s;        /* V_TEXT: borrowed, `n` bytes, not necessarily NUL-terminated */
    size_t n;
} val;

/* Where an attribute goes. GEXF has native node labels and edge weights, so those are XML
 * attributes there and not declared <attribute>s (Gephi would see a second "weight"). */
enum { A_GEXF_NATIVE = 1 };

typedef struct attr {
    const char *name;
    vtype type;
    int flags;
} attr;

enum { N_LABEL, N_HANDLE, N_SCORE, N_CLUSTER, N_POSTS, N_PLATFORM, N_TOP_REASON, N__N };
static const attr node_attrs[N__N] = {
    {"label", V_TEXT, A_GEXF_NATIVE}, {"handle", V_TEXT, 0}, {"score", V_REAL, 0},
    {"cluster", V_INT, 0},            {"posts", V_INT, 0},   {"platform", V_TEXT, 0},
    {"top_reason", V_TEXT, 0},
};

/* "weight" (chorus's edge weight: a significance, docs/coordination.md) and "events" stay for
 * existing users; "n_events" (what CooRTweet and CNT call an edge's weight: co-acting pairs of
 * posts) and "significance" name the two plainly, so that a Gephi or igraph user picks the
 * one meant. */
enum {
    E_BEHAVIOUR, E_WEIGHT, E_EVENTS, E_OBJECTS, E_PVALUE, E_N_EVENTS, E_SIGNIFICANCE, E__N
};
static const attr edge_attrs[E__N] = {
    {"behaviour", V_TEXT, 0}, {"weight", V_REAL, A_GEXF_NATIVE}, {"events", V_INT, 0},
    {"objects", V_INT, 0},    {"pvalue", V_REAL, 0},  {"n_events", V_INT, 0},
    {"significance", V_REAL, 0},
};

typedef struct node_rec {
    val id;
    val v[N__N];
} node_rec;

typedef struct edge_rec {
    val a, b;
    uint64_t index;       /* edge id "e<index>" in every format */
    val v[E__N];
} edge_rec;

static val vnull(void) { return (val){.t = V_NULL}; }
static val vint(int64_t i) { return (val){.t = V_INT, .i = i}; }
static val vtext(const char *s, size_t n) { return (val){.t = V_TEXT, .s = s, .n = n}; }

/* Column i of the current row as type t (SQLite converts); NULL stays NULL. */
static val column(sqlite3_stmt *q, int i, vtype t)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL)
        return vnull();
    switch (t) {
    case V_INT: return vint(sqlite3_column_int64(q, i));
    case V_REAL: return (val){.t = V_REAL, .d = sqlite3_column_double(q, i)};
    case V_TEXT: {
        const char *s = (const char *)sqlite3_column_text(q, i);
        /* sqlite3_column_bytes after _text: the length of the UTF-8 form just made. */
        return s ? vtext(s, (size_t)sqlite3_column_bytes(q, i)) : vnull();
    }
    default: return vnull();
    }
}

/* ---- output with a sticky error ---------------------------------------------------------- */

typedef struct wr {
    FILE *f;
    int err;              /* errno of the first failed write, 0 while all is well */
} wr;

static void putn(wr *w, const char *s, size_t n)
{
    if (n && !w->err && fwrite(s, 1, n, w->f) != n)
        w->err = errno ? errno : EIO;
}

static void put(wr *w, const char *s) { putn(w, s, strlen(s)); }

static void put_i64(wr *w, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    putn(w, buf, (size_t)n);
}

/* The shortest of %.15g..%.17g that reads back as the same double, so exports round-trip
 * without printing 0.1 as 0.10000000000000001. Non-finite values use the xs:double spellings
 * (NaN, INF, -INF), which Python's float() and R's as.numeric() also accept. */
static void fmt_double(double d, char buf[40])
{
    if (isnan(d)) {
        strcpy(buf, "NaN");
        return;
    }
    if (isinf(d)) {
        strcpy(buf, d > 0 ? "INF" : "-INF");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

/* ---- escaping ---------------------------------------------------------------------------- */

static const char REPLACEMENT[] = "\xef\xbf\xbd";  /* U+FFFD */

/* Length (1..4) of the well-formed UTF-8 sequence at s (at most n bytes) and its code point,
 * or 0 when the bytes there are not one: stray continuation bytes, overlong forms, surrogates,
 * code points past U+10FFFF, or a sequence cut short. */
static int utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        len = 3, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

typedef enum esc { ESC_XML, ESC_JSON, ESC_CSV } esc;

/* What replaces ASCII character c in mode m, or NULL to copy it. */
static const char *escape_ascii(uint32_t c, esc m, char buf[8])
{
    switch (m) {
    case ESC_XML:
        switch (c) {
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '&': return "&amp;";
        case '"': return "&quot;";
        case '\'': return "&apos;";
        /* As references, because a parser turns literal tab/newline in attribute values into
         * spaces and literal CR into LF. */
        case '\t': return "&#9;";
        case '\n': return "&#10;";
        case '\r': return "&#13;";
        default: return c < 0x20 ? REPLACEMENT : NULL;  /* not allowed in XML 1.0 at all */
        }
    case ESC_JSON:
        switch (c) {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        case '\b': return "\\b";
        case '\f': return "\\f";
        default:
            if (c >= 0x20)
                return NULL;
            snprintf(buf, 8, "\\u%04x", (unsigned)c);
            return buf;
        }
    case ESC_CSV:
        if (c == '"')
            return "\"\"";
        /* Python's csv module rejects NUL; every other control character survives quoting. */
        return c == 0 ? REPLACEMENT : NULL;
    }
    return NULL;
}

/* Writes s[0..n) escaped for mode m, as valid UTF-8. Plain runs are copied in one write. */
static void put_escaped(wr *w, const char *s, size_t n, esc m)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    while (i < n) {
        uint32_t cp = 0;
        char buf[8];
        const char *rep = NULL;
        int len = utf8_next(p + i, n - i, &cp);
        if (!len) {
            rep = REPLACEMENT;
            len = 1;
        } else if (cp < 0x80) {
            rep = escape_ascii(cp, m, buf);
        } else if (m == ESC_XML && (cp == 0xfffe || cp == 0xffff)) {
            rep = REPLACEMENT;    /* noncharacters XML 1.0 excludes */
        }
        if (rep) {
            putn(w, s + run, i - run);
            put(w, rep);
            run = i + (size_t)len;
        }
        i += (size_t)len;
    }
    putn(w, s + run, n - run);
}

static void put_xml(wr *w, const char *s, size_t n) { put_escaped(w, s, n, ESC_XML); }

static void put_json_str(wr *w, const char *s, size_t n)
{
    put(w, "\"");
    put_escaped(w, s, n, ESC_JSON);
    put(w, "\"");
}

/* RFC 4180: a field is quoted when it holds a comma, a quote, CR or LF. */
static void put_csv_str(wr *w, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote)
        put(w, "\"");
    put_escaped(w, s, n, ESC_CSV);
    if (quote)
        put(w, "\"");
}

/* A value as text for XML content or attributes (V_NULL writes nothing). */
static void put_val_xml(wr *w, const val *v)
{
    char buf[40];
    switch (v->t) {
    case V_INT: put_i64(w, v->i); break;
    case V_REAL: fmt_double(v->d, buf); put(w, buf); break;
    case V_TEXT: put_xml(w, v->s, v->n); break;
    case V_NULL: break;
    }
}

static void put_val_json(wr *w, const val *v)
{
    char buf[40];
    switch (v->t) {
    case V_INT: put_i64(w, v->i); break;
    case V_REAL:
        if (isfinite(v->d)) {   /* JSON has no NaN or infinity */
            fmt_double(v->d, buf);
            put(w, buf);
        } else {
            put(w, "null");
        }
        break;
    case V_TEXT: put_json_str(w, v->s, v->n); break;
    case V_NULL: put(w, "null"); break;
    }
}

static void put_val_csv(wr *w, const val *v)
{
    char buf[40];
    switch (v->t) {
    case V_INT: put_i64(w, v->i); break;
    case V_REAL: fmt_double(v->d, buf); put(w, buf); break;
    case V_TEXT: put_csv_str(w, v->s, v->n); break;
    case V_NULL: break;      /* an empty field */
    }
}

/* ---- growable byte buffer with a hard maximum -------------------------------------------- */

/* Strings copied out of a row that the next sqlite3_step would invalidate (combined view).
 * Bounded so that a hostile database cannot make one pair's behaviour list unbounded. */
#define BUF_MAX ((size_t)1 << 20)

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static int buf_set(sbuf *b, const char *s, size_t n, bool append)
{
    size_t need = append ? b->n + n : n;
    if (need > BUF_MAX)
        return CHORUS_ELIMIT;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
            cap *= 2;
        char *p = ch_realloc(b->p, cap);
        if (!p)
            return CHORUS_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + (append ? b->n : 0), s, n);
    b->n = need;
    return CHORUS_OK;
}

/* ---- the export run ---------------------------------------------------------------------- */

typedef struct ex {
    sqlite3 *db;
    sqlite3_stmt *nodes, *edges;
    double *xy;           /* GEXF: a position per node in write order (2 per node), or NULL */
    size_t nxy;
    const ch_export_opts *o;
    wr *out, *out_edges;  /* the same stream except for CSV */
    ch_export_stats st;
    char *err;
    size_t errlen;
} ex;

static void set_err(ex *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(ex *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err, x->errlen, fmt, ap);
    va_end(ap);
}

static const char *view_name(const ex *x)
{
    return x->o->combined ? "combined" : "multigraph";
}

/* GraphML -------------------------------------------------------------------------------- */

/* The <key> declarations of one element kind ("node" or "edge"), ids prefix + name. */
static void graphml_keys(wr *w, const char *prefix, const char *kind, const attr *a, int n)
{
    static const char *const gtype[] = {[V_INT] = "int", [V_REAL] = "double", [V_TEXT] = "string"};
    for (int i = 0; i < n; i++) {
        put(w, "  <key id=\"");
        put(w, prefix);
        put(w, a[i].name);
        put(w, "\" for=\"");
        put(w, kind);
        put(w, "\" attr.name=\"");
        put(w, a[i].name);
        put(w, "\" attr.type=\"");
        put(w, gtype[a[i].type]);
        put(w, "\"/>\n");
    }
}

/* The <data> children of a node or edge; a missing value is an absent <data>, as GraphML
 * intends. */
static void graphml_data(wr *w, const char *prefix, const attr *a, const val *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (v[i].t == V_NULL)
            continue;
        put(w, "      <data key=\"");
        put(w, prefix);
        put(w, a[i].name);
        put(w, "\">");
        put_val_xml(w, &v[i]);
        put(w, "</data>\n");
    }
}

/* id="e<index>" source="<a>" target="<b>" of an edge, without the closing quote. */
static void edge_ends(wr *w, const edge_rec *r)
{
    put(w, "id=\"e");
    put_i64(w, (int64_t)r->index);
    put(w, "\" source=\"");
    put_val_xml(w, &r->a);
    put(w, "\" target=\"");
    put_val_xml(w, &r->b);
}

static void graphml_begin(ex *x)
{
    wr *w = x->out;
    /* What wrote the file goes in a comment: Gephi reports keys for="graph" as severe import
     * issues, and an analyst should see none. */
    put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- chorus ");
    put(w, chorus_version());
    put(w, ": accounts and their co-actions (");
    put(w, x->o->combined ? "combined: one edge per pair"
                          : "multigraph: one edge per pair and behaviour");
    put(w, ") -->\n"
           "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
           "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
           "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
           "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    graphml_keys(w, "n_", "node", node_attrs, N__N);
    graphml_keys(w, "e_", "edge", edge_attrs, E__N);
    /* GraphML has no multigraph flag: parallel edges are simply allowed; each edge carries a
     * unique id, which networkx uses as the multigraph key. */
    put(w, "  <graph id=\"chorus\" edgedefault=\"undirected\">\n");
}

static void graphml_node(ex *x, const node_rec *r)
{
    wr *w = x->out;
    put(w, "    <node id=\"");
    put_val_xml(w, &r->id);
    put(w, "\">\n");
    graphml_data(w, "n_", node_attrs, r->v, N__N);
    put(w, "    </node>\n");
}

static void graphml_edge(ex *x, const edge_rec *r)
{
    wr *w = x->out;
    put(w, "    <edge ");
    edge_ends(w, r);
    put(w, "\">\n");
    graphml_data(w, "e_", edge_attrs, r->v, E__N);
    put(w, "    </edge>\n");
}

static void graphml_end(ex *x) { put(x->out, "  </graph>\n</graphml>\n"); }

/* GEXF ------------------------------------------------------------------------------------- */

/* GEXF 1.2draft, not 1.3: networkx before 3.0 (Debian 12 ships 2.8) finds no graph in a 1.3
 * file, while Gephi reads both. */
static void gexf_attrs(wr *w, const char *cls, const attr *a, int n)
{
    static const char *const gtype[] = {
        [V_INT] = "integer", [V_REAL] = "double", [V_TEXT] = "string"};
    put(w, "    <attributes class=\"");
    put(w, cls);
    put(w, "\" mode=\"static\">\n");
    for (int i = 0; i < n; i++) {
        if (a[i].flags & A_GEXF_NATIVE)
            continue;
        put(w, "      <attribute id=\"");
        put(w, a[i].name);
        put(w, "\" title=\"");
        put(w, a[i].name);
        put(w, "\" type=\"");
        put(w, gtype[a[i].type]);
        put(w, "\"/>\n");
    }
    put(w, "    </attributes>\n");
}

static void gexf_begin(ex *x)
{
    wr *w = x->out;
    put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<gexf xmlns=\"http://www.gexf.net/1.2draft\"\n"
           "    xmlns:viz=\"http://www.gexf.net/1.2draft/viz\"\n"
           "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
           "    xsi:schemaLocation=\"http://www.gexf.net/1.2draft "
           "http://www.gexf.net/1.2draft/gexf.xsd\" version=\"1.2\">\n"
           "  <meta>\n    <creator>chorus ");
    put(w, chorus_version());
    put(w, "</creator>\n    <description>accounts and their co-actions (");
    put(w, x->o->combined ? "combined: one edge per pair"
                          : "multigraph: one edge per pair and behaviour");
    put(w, ")</description>\n  </meta>\n"
           "  <graph mode=\"static\" defaultedgetype=\"undirected\" idtype=\"string\">\n");
    gexf_attrs(w, "node", node_attrs, N__N);
    gexf_attrs(w, "edge", edge_attrs, E__N);
    put(w, "    <nodes>\n");
}

static void gexf_attvalues(wr *w, const attr *a, const val *v, int n)
{
    put(w, "        <attvalues>\n");
    for (int i = 0; i < n; i++) {
        if ((a[i].flags & A_GEXF_NATIVE) || v[i].t == V_NULL)
            continue;
        put(w, "          <attvalue for=\"");
        put(w, a[i].name);
        put(w, "\" value=\"");
        put_val_xml(w, &v[i]);
        put(w, "\"/>\n");
    }
    put(w, "        </attvalues>\n");
}

static void gexf_node(ex *x, const node_rec *r)
{
    wr *w = x->out;
    put(w, "      <node id=\"");
    put_val_xml(w, &r->id);
    put(w, "\" label=\"");
    put_val_xml(w, &r->v[N_LABEL]);
    put(w, "\">\n");
    gexf_attvalues(w, node_attrs, r->v, N__N);
    /* Gephi opens the file ready to read: a colour per cluster (the report's), grey outside
     * clusters, a size by score, and positions from a force-directed layout */
    char col[8], num[40];
    const int64_t cl = r->v[N_CLUSTER].t == V_INT ? r->v[N_CLUSTER].i : -1;
    if (cl >= 0)
        ch_report_cluster_colour(cl, col);
    else
        memcpy(col, "#b4bac4", 8);
    unsigned rgb = (unsigned)strtoul(col + 1, NULL, 16);
    char line[160];
    snprintf(line, sizeof line, "        <viz:color r=\"%u\" g=\"%u\" b=\"%u\"/>\n",
             rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255);
    put(w, line);
    const double score = r->v[N_SCORE].t == V_REAL && isfinite(r->v[N_SCORE].d)
                             ? fmin(fmax(r->v[N_SCORE].d, 0), 1) : 0;
    fmt_double(4 + 16 * score, num);
    put(w, "        <viz:size value=\"");
    put(w, num);
    put(w, "\"/>\n");
    const size_t i = (size_t)x->st.nodes;
    if (x->xy && i < x->nxy) {
        put(w, "        <viz:position x=\"");
        fmt_double(x->xy[2 * i], num);
        put(w, num);
        put(w, "\" y=\"");
        fmt_double(x->xy[2 * i + 1], num);
        put(w, num);
        put(w, "\" z=\"0.0\"/>\n");
    }
    put(w, "      </node>\n");
}

static void gexf_mid(ex *x) { put(x->out, "    </nodes>\n    <edges>\n"); }

static void gexf_edge(ex *x, const edge_rec *r)
{
    wr *w = x->out;
    put(w, "      <edge ");
    edge_ends(w, r);
    put(w, "\"");
    if (r->v[E_WEIGHT].t != V_NULL) {
        put(w, " weight=\"");
        put_val_xml(w, &r->v[E_WEIGHT]);
        put(w, "\"");
    }
    if (r->v[E_BEHAVIOUR].t != V_NULL) {
        put(w, " label=\"");
        put_val_xml(w, &r->v[E_BEHAVIOUR]);
        put(w, "\"");
        /* Gephi keeps parallel edges apart only when their kinds differ (it merges the rest);
         * `kind` is GEXF 1.3's multigraph attribute, which Gephi reads in any version and
         * 1.2 readers such as networkx ignore. */
        if (!x->o->combined) {
            put(w, " kind=\"");
            put_val_xml(w, &r->v[E_BEHAVIOUR]);
            put(w, "\"");
        }
    }
    put(w, ">\n");
    gexf_attvalues(w, edge_attrs, r->v, E__N);
    put(w, "      </edge>\n");
}

static void gexf_end(ex *x) { put(x->out, "    </edges>\n  </graph>\n</gexf>\n"); }

/* CSV -------------------------------------------------------------------------------------- */

/* Column names follow Gephi's spreadsheet import (id, label; source, target, type, kind, id,
 * weight), and the first columns are what igraph's graph_from_data_frame takes as vertex
 * names and edge endpoints. `kind` (the behaviour) is what keeps parallel edges apart in
 * Gephi, so only the multigraph view has it. */
static void csv_begin(ex *x)
{
    wr *w = x->out;
    put(w, "id");
    for (int i = 0; i < N__N; i++) {
        put(w, ",");
        put(w, node_attrs[i].name);
    }
    put(w, "\r\n");
    w = x->out_edges;
    put(w, x->o->combined ? "source,target,type,id" : "source,target,type,kind,id");
    for (int i = 0; i < E__N; i++) {
        put(w, ",");
        put(w, edge_attrs[i].name);
    }
    put(w, "\r\n");
}

static void csv_node(ex *x, const node_rec *r)
{
    wr *w = x->out;
    put_val_csv(w, &r->id);
    for (int i = 0; i < N__N; i++) {
        put(w, ",");
        put_val_csv(w, &r->v[i]);
    }
    put(w, "\r\n");
}

static void csv_edge(ex *x, const edge_rec *r)
{
    wr *w = x->out_edges;
    put_val_csv(w, &r->a);
    put(w, ",");
    put_val_csv(w, &r->b);
    put(w, ",Undirected,");
    if (!x->o->combined) {
        put_val_csv(w, &r->v[E_BEHAVIOUR]);
        put(w, ",");
    }
    put(w, "e");
    put_i64(w, (int64_t)r->index);
    for (int i = 0; i < E__N; i++) {
        put(w, ",");
        put_val_csv(w, &r->v[i]);
    }
    put(w, "\r\n");
}

/* JSON (networkx node-link) ---------------------------------------------------------------- */

/* Run metadata and clusters go inside "graph", which node_link_graph keeps as G.graph. */
static int json_graph_meta(ex *x)
{
    wr *w = x->out;
    sqlite3_stmt *q = NULL;
    int rc = CHORUS_OK;
    put(w, ",\n \"run\": {");
    if (sqlite3_prepare_v2(x->db, "SELECT key, value FROM run ORDER BY key", -1, &q, NULL) !=
        SQLITE_OK)
        goto db_fail;
    int n = 0, s;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        int t = sqlite3_column_type(q, 1);
        val k = column(q, 0, V_TEXT);
        val v = column(q, 1, t == SQLITE_INTEGER ? V_INT : t == SQLITE_FLOAT ? V_REAL : V_TEXT);
        if (k.t == V_NULL)
            continue;
        put(w, n++ ? ",\n  " : "\n  ");
        put_json_str(w, k.s, k.n);
        put(w, ": ");
        put_val_json(w, &v);
    }
    if (s != SQLITE_DONE)
        goto db_fail;
    sqlite3_finalize(q);
    put(w, "},\n \"clusters\": [");
    if (sqlite3_prepare_v2(x->db,
                           "SELECT cluster_id, size, score, behaviours, first_seen, last_seen, "
                           "summary FROM clusters ORDER BY cluster_id",
                           -1, &q, NULL) != SQLITE_OK)
        goto db_fail;
    static const struct {
        const char *name;
        vtype t;
    } cc[] = {{"id", V_INT},         {"size", V_INT},      {"score", V_REAL},
              {"behaviours", V_TEXT}, {"first_seen", V_INT}, {"last_seen", V_INT},
              {"summary", V_TEXT}};
    n = 0;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        put(w, n++ ? ",\n  {" : "\n  {");
        for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++) {
            val v = column(q, (int)i, cc[i].t);
            put(w, i ? ", \"" : "\"");
            put(w, cc[i].name);
            put(w, "\": ");
            put_val_json(w, &v);
        }
        put(w, "}");
    }
    if (s != SQLITE_DONE)
        goto db_fail;
    put(w, "]");
    goto out;
db_fail:
    set_err(x, "cannot read the run and clusters: %s", sqlite3_errmsg(x->db));
    rc = CHORUS_EDB;
out:
    sqlite3_finalize(q);
    return rc;
}

static int json_begin(ex *x)
{
    wr *w = x->out;
    put(w, "{\"directed\": false, \"multigraph\": ");
    put(w, x->o->combined ? "false" : "true");
    put(w, ",\n \"graph\": {\"name\": \"chorus\", \"creator\": \"chorus ");
    put(w, chorus_version());
    put(w, "\", \"view\": \"");
    put(w, view_name(x));
    put(w, "\"");
    int rc = json_graph_meta(x);
    put(w, "},\n \"nodes\": [");
    return rc;
}

static void json_node(ex *x, const node_rec *r)
{
    wr *w = x->out;
    put(w, x->st.nodes ? ",\n  {\"id\": " : "\n  {\"id\": ");
    put_val_json(w, &r->id);
    for (int i = 0; i < N__N; i++) {
        put(w, ", \"");
        put(w, node_attrs[i].name);
        put(w, "\": ");
        put_val_json(w, &r->v[i]);
    }
    put(w, "}");
}

static void json_mid(ex *x) { put(x->out, "],\n \"links\": ["); }

static void json_edge(ex *x, const edge_rec *r)
{
    wr *w = x->out;
    put(w, x->st.edges ? ",\n  {\"source\": " : "\n  {\"source\": ");
    put_val_json(w, &r->a);
    put(w, ", \"target\": ");
    put_val_json(w, &r->b);
    /* The same key as the edge id of the GraphML and GEXF files, so all three give networkx
     * the same MultiGraph; a simple graph needs none. */
    if (!x->o->combined) {
        put(w, ", \"key\": \"e");
        put_i64(w, (int64_t)r->index);
        put(w, "\"");
    }
    for (int i = 0; i < E__N; i++) {
        put(w, ", \"");
        put(w, edge_attrs[i].name);
        put(w, "\": ");
        put_val_json(w, &r->v[i]);
    }
    put(w, "}");
}

static void json_end(ex *x) { put(x->out, "]}\n"); }

typedef struct writer {
    int (*begin)(ex *);   /* may fail (JSON reads more of the database) */
    void (*node)(ex *, const node_rec *);
    void (*mid)(ex *);
    void (*edge)(ex *, const edge_rec *);
    void (*end)(ex *);
} writer;

static int graphml_begin_ok(ex *x) { graphml_begin(x); return CHORUS_OK; }
static int gexf_begin_ok(ex *x) { gexf_begin(x); return CHORUS_OK; }
static int csv_begin_ok(ex *x) { csv_begin(x); return CHORUS_OK; }
static void nothing(ex *x) { (void)x; }

static const writer writers[] = {
    [CH_EXPORT_GRAPHML] = {graphml_begin_ok, graphml_node, nothing, graphml_edge, graphml_end},
    [CH_EXPORT_GEXF] = {gexf_begin_ok, gexf_node, gexf_mid, gexf_edge, gexf_end},
    [CH_EXPORT_CSV] = {csv_begin_ok, csv_node, nothing, csv_edge, nothing},
    [CH_EXPORT_JSON] = {json_begin, json_node, json_mid, json_edge, json_end},
};

/* ---- queries ----------------------------------------------------------------------------- */

/* Edges whose two ends are known; pairs are put in (smaller, larger) order so that the
 * combined view can fold a pair's rows, which arrive next to each other, in one pass. */
#define EDGE_ENDS "FROM edges WHERE account_a IS NOT NULL AND account_b IS NOT NULL"

static int prepare(ex *x, const char *db_path)
{
    /* n_objects and pvalue came after the minimum schema of DESIGN.md; older databases
     * export without them. */
    sqlite3_stmt *probe = NULL;
    bool extra = sqlite3_prepare_v2(x->db, "SELECT n_objects, pvalue FROM edges LIMIT 0", -1,
                                    &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT min(account_a, account_b), max(account_a, account_b), behaviour, weight, "
             "n_events, %s " EDGE_ENDS " ORDER BY 1, 2, 3",
             extra ? "n_objects, pvalue" : "NULL, NULL");
    if (sqlite3_prepare_v2(x->db, sql, -1, &x->edges, NULL) != SQLITE_OK)
        goto fail;
    /* accounts.platform and reasons are later than the first schema */
    probe = NULL;
    const bool platform = sqlite3_prepare_v2(x->db, "SELECT platform FROM accounts LIMIT 0", -1,
                                             &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    probe = NULL;
    const bool reasons = sqlite3_prepare_v2(x->db, "SELECT reasons FROM accounts LIMIT 0", -1,
                                            &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    char sql2[2048];
    snprintf(sql2, sizeof sql2,
             "WITH ids(id) AS (SELECT account_a " EDGE_ENDS " UNION SELECT account_b " EDGE_ENDS
             "%s) SELECT ids.id, a.handle, a.score, a.cluster_id, a.n_posts, %s, %s FROM ids "
             "LEFT JOIN accounts a ON a.account_id = ids.id ORDER BY ids.id",
             x->o->all_accounts
                 ? " UNION SELECT account_id FROM accounts WHERE account_id IS NOT NULL"
                 : "",
             platform ? "nullif(a.platform, '')" : "NULL",
             reasons ? "CASE WHEN json_valid(a.reasons) THEN "
                       "json_extract(a.reasons, '$.top_reasons[0]') END" : "NULL");
    if (sqlite3_prepare_v2(x->db, sql2, -1, &x->nodes, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_stmt *run = NULL;
    int ok = sqlite3_prepare_v2(x->db, "SELECT key, value FROM run LIMIT 0", -1, &run, NULL);
    sqlite3_finalize(run);
    if (ok != SQLITE_OK)
        goto fail;
    return CHORUS_OK;
fail:
    set_err(x, "'%s' is not a chorus results database (%s)", db_path, sqlite3_errmsg(x->db));
    return CHORUS_EDB;
}

/* GEXF positions: igraph's Fruchterman-Reingold (seeded, so the file is reproducible) over the
 * nodes in write order, edges weighted by their events. Up to LAYOUT_MAX nodes; beyond, the
 * file has no positions and Gephi lays it out (ForceAtlas 2) as usual. A layout that fails
 * (out of memory) leaves the positions out too: they are a convenience. */
#define LAYOUT_MAX 50000

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void layout(ex *x)
{
    char **ids = NULL;
    size_t n = 0, cap = 0, ne = 0;
    igraph_vector_int_t ev;
    igraph_vector_t wv;
    igraph_matrix_t res;
    igraph_t g;
    bool have_ev = false, have_wv = false, have_res = false, have_g = false, entered = false;
    bool edges_ok = false;
    int s;
    while ((s = sqlite3_step(x->nodes)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(x->nodes, 0);
        if (!id)
            continue;
        if (n == LAYOUT_MAX)
            goto out;
        if (ch_grow((void **)&ids, &cap, n + 1, sizeof *ids) || !(ids[n] = ch_strndup(id, strlen(id))))
            goto out;
        n++;
    }
    if (s != SQLITE_DONE || n == 0)
        goto out;
    /* ORDER BY ids.id compares like strcmp (BINARY collation) for valid UTF-8; sort anyway so
     * bsearch holds for any bytes */
    char **sorted = ch_calloc(n, sizeof *sorted);
    size_t *rank = ch_calloc(n, sizeof *rank);
    if (!sorted || !rank) {
        ch_free(sorted), ch_free(rank);
        goto out;
    }
    memcpy(sorted, ids, n * sizeof *ids);
    ch_sort(sorted, n, sizeof *sorted, cmp_str);
    if (igraph_vector_int_init(&ev, 0) == IGRAPH_SUCCESS)
        have_ev = true;
    if (have_ev && igraph_vector_init(&wv, 0) == IGRAPH_SUCCESS)
        have_wv = true;
    /* positions by write order: the index of an id in `ids` */
    for (size_t i = 0; i < n; i++) {
        char **p = bsearch(&ids[i], sorted, n, sizeof *sorted, cmp_str);
        rank[p - sorted] = i;
    }
    edges_ok = have_wv;
    while (edges_ok && (s = sqlite3_step(x->edges)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(x->edges, 0);
        const char *b = (const char *)sqlite3_column_text(x->edges, 1);
        if (!a || !b)
            continue;
        char **pa = bsearch(&a, sorted, n, sizeof *sorted, cmp_str);
        char **pb = bsearch(&b, sorted, n, sizeof *sorted, cmp_str);
        if (!pa || !pb || pa == pb)
            continue;
        const double w = sqlite3_column_double(x->edges, 4);
        if (igraph_vector_int_push_back(&ev, (igraph_integer_t)rank[pa - sorted]) ||
            igraph_vector_int_push_back(&ev, (igraph_integer_t)rank[pb - sorted]) ||
            igraph_vector_push_back(&wv, isfinite(w) && w > 0 ? w : 1)) {
            edges_ok = false;   /* no memory: no positions */
            break;
        }
        ne++;
    }
    ch_free(sorted);
    ch_free(rank);
    if (!edges_ok || ch_igraph_enter(1))
        goto out;
    entered = true;
    if (igraph_create(&g, &ev, (igraph_integer_t)n, IGRAPH_UNDIRECTED))
        goto out;
    have_g = true;
    if (igraph_matrix_init(&res, 0, 0))
        goto out;
    have_res = true;
    const igraph_integer_t niter = n < 1000 ? 500 : n < 10000 ? 200 : 100;
    if (igraph_layout_fruchterman_reingold(&g, &res, false, niter, sqrt((double)n),
                                           n > 300 ? IGRAPH_LAYOUT_GRID : IGRAPH_LAYOUT_NOGRID,
                                           ne ? &wv : NULL, NULL, NULL, NULL, NULL) ||
        (size_t)igraph_matrix_nrow(&res) != n || igraph_matrix_ncol(&res) != 2)
        goto out;
    if (!(x->xy = ch_calloc(2 * n, sizeof *x->xy)))
        goto out;
    /* Gephi's canvas is in pixels: spread the picture over about 1000 units per 100 nodes */
    const double k = 30.0;
    for (size_t v = 0; v < n; v++) {
        x->xy[2 * v] = MATRIX(res, (igraph_integer_t)v, 0) * k;
        x->xy[2 * v + 1] = MATRIX(res, (igraph_integer_t)v, 1) * k;
    }
    x->nxy = n;
out:
    if (have_res)
        igraph_matrix_destroy(&res);
    if (have_g)
        igraph_destroy(&g);
    if (entered)
        ch_igraph_leave();
    if (have_wv)
        igraph_vector_destroy(&wv);
    if (have_ev)
        igraph_vector_int_destroy(&ev);
    for (size_t i = 0; i < n; i++)
        ch_free(ids[i]);
    ch_free(ids);
    sqlite3_reset(x->nodes);
    sqlite3_reset(x->edges);
}

static int write_nodes(ex *x, const writer *wt)
{
    int s;
    while ((s = sqlite3_step(x->nodes)) == SQLITE_ROW) {
        node_rec r;
        r.id = column(x->nodes, 0, V_TEXT);
        if (r.id.t == V_NULL)
            continue;
        r.v[N_HANDLE] = column(x->nodes, 1, V_TEXT);
        r.v[N_LABEL] = r.v[N_HANDLE].t == V_TEXT && r.v[N_HANDLE].n ? r.v[N_HANDLE] : r.id;
        r.v[N_SCORE] = column(x->nodes, 2, V_REAL);
        r.v[N_CLUSTER] = column(x->nodes, 3, V_INT);
        if (r.v[N_CLUSTER].t == V_NULL)
            r.v[N_CLUSTER] = vint(-1);    /* numeric tools want a number, not a gap */
        r.v[N_POSTS] = column(x->nodes, 4, V_INT);
        r.v[N_PLATFORM] = column(x->nodes, 5, V_TEXT);
        r.v[N_TOP_REASON] = column(x->nodes, 6, V_TEXT);
        wt->node(x, &r);
        x->st.nodes++;
    }
    if (s != SQLITE_DONE) {
        set_err(x, "cannot read the accounts: %s", sqlite3_errmsg(x->db));
        return CHORUS_EDB;
    }
    return CHORUS_OK;
}

static void edge_from_row(sqlite3_stmt *q, edge_rec *r)
{
    r->a = column(q, 0, V_TEXT);
    r->b = column(q, 1, V_TEXT);
    r->v[E_BEHAVIOUR] = column(q, 2, V_TEXT);
    r->v[E_WEIGHT] = column(q, 3, V_REAL);
    r->v[E_EVENTS] = column(q, 4, V_INT);
    r->v[E_OBJECTS] = column(q, 5, V_INT);
    r->v[E_PVALUE] = column(q, 6, V_REAL);
    r->v[E_N_EVENTS] = r->v[E_EVENTS];
    r->v[E_SIGNIFICANCE] = r->v[E_WEIGHT];
}

/* Folds v into the running value acc: a sum, or (pvalue) the smallest; NULLs are skipped. */
static void fold(val *acc, const val *v, bool min)
{
    if (v->t == V_NULL)
        return;
    if (acc->t == V_NULL) {
        *acc = *v;
    } else if (acc->t == V_INT) {
        /* Saturate rather than overflow: counts this large are already meaningless. */
        if (__builtin_add_overflow(acc->i, v->i, &acc->i))
            acc->i = INT64_MAX;
    } else if (min) {
        acc->d = fmin(acc->d, v->d);
    } else {
        acc->d += v->d;
    }
}

static bool same(const sbuf *b, const val *v)
{
    return v->t == V_TEXT && b->n == v->n && !memcmp(b->p, v->s, v->n);
}

/* The combined view: rows of one pair arrive together (ORDER BY pair, behaviour) and are
 * folded into one edge; strings are copied because the next step invalidates the row. */
static int write_edges_combined(ex *x, const writer *wt)
{
    sbuf a = {0}, b = {0}, beh = {0}, last = {0};
    edge_rec cur = {0};
    bool have = false;
    int rc = CHORUS_OK, s;
    while ((s = sqlite3_step(x->edges)) == SQLITE_ROW) {
        edge_rec r;
        edge_from_row(x->edges, &r);
        if (r.a.t == V_NULL || r.b.t == V_NULL)
            continue;
        if (have && same(&a, &r.a) && same(&b, &r.b)) {
            for (int i = E_WEIGHT; i < E__N; i++)
                fold(&cur.v[i], &r.v[i], i == E_PVALUE);
        } else {
            if (have) {
                cur.index = x->st.edges;
                wt->edge(x, &cur);
                x->st.edges++;
            }
            if ((rc = buf_set(&a, r.a.s, r.a.n, false)) || (rc = buf_set(&b, r.b.s, r.b.n, false)))
                goto out;
            beh.n = 0;
            last.n = 0;
            cur = r;
            cur.v[E_BEHAVIOUR] = vnull();
            have = true;
        }
        const val *bv = &r.v[E_BEHAVIOUR];
        if (bv->t == V_TEXT && !(cur.v[E_BEHAVIOUR].t != V_NULL && same(&last, bv))) {
            if ((beh.n && (rc = buf_set(&beh, ",", 1, true))) ||
                (rc = buf_set(&beh, bv->s, bv->n, true)) ||
                (rc = buf_set(&last, bv->s, bv->n, false)))
                goto out;
            cur.v[E_BEHAVIOUR] = vtext(beh.p, beh.n);
        }
        cur.a = vtext(a.p, a.n);
        cur.b = vtext(b.p, b.n);
    }
    if (s != SQLITE_DONE) {
        set_err(x, "cannot read the edges: %s", sqlite3_errmsg(x->db));
        rc = CHORUS_EDB;
        goto out;
    }
    if (have) {
        cur.index = x->st.edges;
        wt->edge(x, &cur);
        x->st.edges++;
    }
out:
    if (rc == CHORUS_ELIMIT)
        set_err(x, "an edge has more than 1 MiB of account id or behaviours");
    else if (rc == CHORUS_ENOMEM)
        set_err(x, "out of memory");
    ch_free(a.p);
    ch_free(b.p);
    ch_free(beh.p);
    ch_free(last.p);
    return rc;
}

static int write_edges(ex *x, const writer *wt)
{
    if (x->o->combined)
        return write_edges_combined(x, wt);
    int s;
    while ((s = sqlite3_step(x->edges)) == SQLITE_ROW) {
        edge_rec r;
        edge_from_row(x->edges, &r);
        if (r.a.t == V_NULL || r.b.t == V_NULL)
            continue;
        r.index = x->st.edges;
        wt->edge(x, &r);
        x->st.edges++;
    }
    if (s != SQLITE_DONE) {
        set_err(x, "cannot read the edges: %s", sqlite3_errmsg(x->db));
        return CHORUS_EDB;
    }
    return CHORUS_OK;
}

/* ---- output files ------------------------------------------------------------------------ */

/* ---- recognising an export (the output policy replaces only files of the same kind) ---- */

static bool has_prefix(const unsigned char *head, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && !memcmp(head, p, m);
}

static bool contains(const unsigned char *head, size_t n, const char *p)
{
    size_t m = strlen(p);
    for (size_t i = 0; i + m <= n; i++)
        if (head[i] == (unsigned char)p[0] && !memcmp(head + i, p, m))
            return true;
    return false;
}

/* graphml_begin: the XML declaration, then the comment naming chorus */
static bool graphml_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    return has_prefix(head, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- chorus ");
}

/* gexf_begin: <meta><creator>chorus VERSION</creator> near the top */
static bool gexf_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    return has_prefix(head, n, "<?xml") && contains(head, n, "<gexf ") &&
           contains(head, n, "<creator>chorus ");
}

/* json_begin: {"directed": ..., "graph": {"name": "chorus", "creator": "chorus VERSION" */
static bool json_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    return has_prefix(head, n, "{\"directed\": ") &&
           contains(head, n, "\"graph\": {\"name\": \"chorus\", \"creator\": \"chorus ");
}

/* csv_begin's header lines, exactly (either view for the edges) */
static bool csv_header_is(const unsigned char *head, size_t n, const char *first,
                          const attr *a, int na)
{
    char line[256];
    size_t o = (size_t)snprintf(line, sizeof line, "%s", first);
    for (int i = 0; i < na && o < sizeof line; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, ",%s", a[i].name);
    if (o + 2 >= sizeof line)
        return false;
    memcpy(line + o, "\r\n", 3);
    return has_prefix(head, n, line);
}

static bool csv_nodes_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    return csv_header_is(head, n, "id", node_attrs, N__N);
}

static bool csv_edges_is_ours(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    return csv_header_is(head, n, "source,target,type,id", edge_attrs, E__N) ||
           csv_header_is(head, n, "source,target,type,kind,id", edge_attrs, E__N);
}

/* ---- output files ------------------------------------------------------------------------ */

/* One output: standard output, a device or FIFO written directly, or an atomic file
 * (core/outfile.h) renamed into place by out_commit. The results database is protected from
 * being replaced by its export; an existing file is replaced only when it is a chorus export
 * of the same kind (or forced). */
typedef struct outfile {
    ch_outfile *h;
    wr w;
} outfile;

typedef struct out_kind {
    bool (*is_ours)(const char *path, const unsigned char *head, size_t n);
    const char *what;
} out_kind;

static const out_kind out_kinds[] = {
    [CH_EXPORT_GRAPHML] = {graphml_is_ours, "a chorus GraphML export"},
    [CH_EXPORT_GEXF] = {gexf_is_ours, "a chorus GEXF export"},
    [CH_EXPORT_CSV] = {csv_nodes_is_ours, "a chorus CSV export (nodes)"},
    [CH_EXPORT_JSON] = {json_is_ours, "a chorus JSON export"},
};
static const out_kind csv_edges_kind = {csv_edges_is_ours, "a chorus CSV export (edges)"};

static int out_open(outfile *o, const char *path, const char *db_path, const out_kind *k,
                    const ch_export_opts *eo, ch_outfile_diag *nd, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    const ch_outfile_protect keep = {db_path, "the results database"};
    const ch_outfile_opts oo = {
        .flags = CH_OUT_STREAM | CH_OUT_STDOUT | CH_OUT_DIRECT | (eo->force ? CH_OUT_FORCE : 0),
        .protect = &keep, .nprotect = 1, .is_ours = k->is_ours, .kind = k->what,
        .notice = nd->fn ? ch_outfile_notice_diag : NULL, .notice_ctx = nd,
    };
    int rc = ch_outfile_open(path, &oo, &o->h, err, errlen);
    if (rc == CHORUS_OK)
        o->w.f = ch_outfile_stream(o->h);
    return rc;
}

/* Flushes and closes; the first write error (sticky) or close error fails it. */
static int out_close(outfile *o, char *err, size_t errlen)
{
    if (!o->h)
        return CHORUS_OK;
    if (o->w.err) {
        snprintf(err, errlen, "cannot write '%s': %s",
                 strcmp(ch_outfile_path(o->h), "-") ? ch_outfile_path(o->h) : "standard output",
                 strerror(ch_outfile_error(o->h) ? ch_outfile_error(o->h) : o->w.err));
        return CHORUS_EIO;
    }
    return ch_outfile_finish(o->h, err, errlen);
}

static int out_commit(outfile *o, char *err, size_t errlen)
{
    if (!o->h)
        return CHORUS_OK;
    int rc = ch_outfile_commit(o->h, err, errlen);
    o->h = NULL;
    return rc;
}

/* Harmless after a commit and on a zeroed outfile. */
static void out_abort(outfile *o)
{
    ch_outfile_abort(o->h);
    o->h = NULL;
    o->w.f = NULL;
}

/* ---- public ------------------------------------------------------------------------------ */

static const struct {
    const char *name, *ext;
} formats[] = {
    [CH_EXPORT_GRAPHML] = {"graphml", ".graphml"},
    [CH_EXPORT_GEXF] = {"gexf", ".gexf"},
    [CH_EXPORT_CSV] = {"csv", ".csv"},
    [CH_EXPORT_JSON] = {"json", ".json"},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

int ch_export_parse_format(const char *name, ch_export_format *out)
{
    for (size_t i = 0; name && i < NFORMATS; i++) {
        if (!strcasecmp(name, formats[i].name)) {
            *out = (ch_export_format)i;
            return CHORUS_OK;
        }
    }
    return CHORUS_EUSAGE;
}

const char *ch_export_format_name(ch_export_format f)
{
    return (size_t)f < NFORMATS ? formats[f].name : "?";
}

const char *ch_export_extension(ch_export_format f)
{
    return (size_t)f < NFORMATS ? formats[f].ext : "";
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

int ch_export_format_of_path(const char *path, ch_export_format *out)
{
    for (size_t i = 0; path && i < NFORMATS; i++) {
        if (ends_with(path, formats[i].ext)) {
            *out = (ch_export_format)i;
            return CHORUS_OK;
        }
    }
    if (path && ends_with(path, ".xml")) {
        *out = CH_EXPORT_GRAPHML;
        return CHORUS_OK;
    }
    return CHORUS_EFORMAT;
}

int ch_export_default_path(const char *db_path, ch_export_format f, char *buf, size_t len)
{
    if ((size_t)f >= NFORMATS)
        return CHORUS_EUSAGE;
    const char *base = strrchr(db_path, '/');
    base = base ? base + 1 : db_path;
    const char *dot = strrchr(base, '.');
    /* "x.db" -> "x"; a leading dot is a hidden file's name, not an extension. */
    size_t stem = dot && dot > base ? (size_t)(dot - db_path) : strlen(db_path);
    int n = snprintf(buf, len, "%.*s%s", (int)stem, db_path, formats[f].ext);
    return n < 0 || (size_t)n >= len ? CHORUS_ELIMIT : CHORUS_OK;
}

int ch_export_csv_paths(const char *path, char *nodes, char *edges, size_t len)
{
    if (!path || !*path || !strcmp(path, "-"))
        return CHORUS_EUSAGE;
    size_t n = strlen(path);
    struct stat sb;
    int a, b;
    if (path[n - 1] == '/' || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))) {
        const char *sep = path[n - 1] == '/' ? "" : "/";
        a = snprintf(nodes, len, "%s%snodes.csv", path, sep);
        b = snprintf(edges, len, "%s%sedges.csv", path, sep);
    } else {
        if (ends_with(path, ".csv"))
            n -= 4;
        a = snprintf(nodes, len, "%.*s-nodes.csv", (int)n, path);
        b = snprintf(edges, len, "%.*s-edges.csv", (int)n, path);
    }
    if (a < 0 || b < 0 || (size_t)a >= len || (size_t)b >= len)
        return CHORUS_ELIMIT;
    return CHORUS_OK;
}

int ch_export_write(const char *db_path, ch_export_format f, const ch_export_opts *o,
                    const char *out_path, ch_export_stats *stats, char *err, size_t errlen)
{
    static const ch_export_opts defaults = {0};
    char scratch[1];
    if (!err || !errlen) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = 0;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!db_path || !out_path || (size_t)f >= NFORMATS) {
        snprintf(err, errlen, "bad arguments");
        return CHORUS_EUSAGE;
    }
    ex x = {.o = o ? o : &defaults, .err = err, .errlen = errlen};
    outfile files[2];
    memset(files, 0, sizeof files);
    char *csv_nodes = NULL, *csv_edges = NULL;
    int rc = CHORUS_OK;

    if (f == CH_EXPORT_CSV) {
        size_t n = strlen(out_path) + 32;
        if (!strcmp(out_path, "-") || !*out_path) {
            snprintf(err, errlen,
                     "csv writes two files (nodes and edges): give a prefix or a directory, "
                     "not '%s'", out_path);
            return CHORUS_EUSAGE;
        }
        if (!(csv_nodes = ch_malloc(n)) || !(csv_edges = ch_malloc(n))) {
            snprintf(err, errlen, "out of memory");
            rc = CHORUS_ENOMEM;
            goto out;
        }
        if ((rc = ch_export_csv_paths(out_path, csv_nodes, csv_edges, n)))
            goto out;
    } else if (strcmp(out_path, "-")) {
        struct stat ob;
        size_t n = strlen(out_path);
        if (!n || out_path[n - 1] == '/' || (stat(out_path, &ob) == 0 && S_ISDIR(ob.st_mode))) {
            snprintf(err, errlen, "'%s' is a directory: name a file (only csv writes into a "
                     "directory)", out_path);
            return CHORUS_EUSAGE;
        }
    }

    /* The database first, so that a wrong one leaves no temporary file behind. */
    if ((rc = ch_store_open_read(db_path, &x.db, NULL, err, errlen)))
        goto out;
    if ((rc = prepare(&x, db_path)))
        goto out;
    /* One read transaction: nodes and edges come from the same snapshot. */
    sqlite3_exec(x.db, "BEGIN", NULL, NULL, NULL);

    /* `-o results.db` by mistake must not replace the results with their export
     * (out_open refuses it). */
    ch_outfile_diag nd = {x.o->notice, x.o->notice_ctx};
    if ((rc = out_open(&files[0], csv_nodes ? csv_nodes : out_path, db_path, &out_kinds[f], x.o,
                       &nd, err, errlen)))
        goto out;
    if (csv_edges && (rc = out_open(&files[1], csv_edges, db_path, &csv_edges_kind, x.o, &nd,
                                    err, errlen)))
        goto out;
    x.out = &files[0].w;
    x.out_edges = csv_edges ? &files[1].w : &files[0].w;

    const writer *wt = &writers[f];
    if (f == CH_EXPORT_GEXF)
        layout(&x);
    if ((rc = wt->begin(&x)) || (rc = write_nodes(&x, wt)))
        goto out;
    wt->mid(&x);
    if ((rc = write_edges(&x, wt)))
        goto out;
    wt->end(&x);
    /* Both files are complete before either replaces an older one. */
    for (int i = 0; i < 2 && !rc; i++)
        rc = out_close(&files[i], err, errlen);
    for (int i = 0; i < 2 && !rc; i++)
        rc = out_commit(&files[i], err, errlen);
out:
    for (int i = 0; i < 2; i++)
        out_abort(&files[i]);
    if (!rc && stats)
        *stats = x.st;
    sqlite3_finalize(x.nodes);
    sqlite3_finalize(x.edges);
    ch_free(x.xy);
    if (x.db)
        sqlite3_close(x.db);
    ch_free(csv_nodes);
    ch_free(csv_edges);
    return rc;
}

/* ---- public (chorus.h) -------------------------------------------------------------------- */

chorus_err chorus_export_write(const char *db_path, const char *out_path,
                               const chorus_export_opts *o, chorus_export_info *info,
                               chorus_error *err)
{
    static const chorus_export_opts defaults = {0};
    if (!o)
        o = &defaults;
    if (info)
        memset(info, 0, sizeof *info);
    if (!db_path)
        return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "no results database named");
    /* the format: named, else the output's extension, else graphml */
    ch_export_format f = CH_EXPORT_GRAPHML;
    if (o->format) {
        if (ch_export_parse_format(o->format, &f) != CHORUS_OK)
            return ch_error_set(err, CHORUS_EUSAGE, NULL, 0,
                                "unknown format '%s' (graphml, gexf, csv or json)", o->format);
    } else if (out_path && strcmp(out_path, "-")) {
        (void)ch_export_format_of_path(out_path, &f);   /* no telling extension: graphml */
    }
    char def[4096];
    if (!out_path) {
        if (ch_export_default_path(db_path, f, def, sizeof def) != CHORUS_OK)
            return ch_error_set(err, CHORUS_EUSAGE, NULL, 0, "path too long: '%s'", db_path);
        out_path = def;
    }
    ch_export_opts eo = {.all_accounts = o->all_accounts, .combined = o->combined,
                         .force = o->force, .notice = o->notice, .notice_ctx = o->notice_ctx};
    ch_export_stats st;
    char msg[1024] = "";
    int rc = ch_export_write(db_path, f, &eo, out_path, &st, msg, sizeof msg);
    if (rc)
        return ch_error_set(err, (chorus_err)rc, NULL, 0, "%s", msg[0] ? msg : chorus_strerror(rc));
    if (info) {
        info->format = ch_export_format_name(f);
        info->nodes = st.nodes;
        info->edges = st.edges;
        if (f == CH_EXPORT_CSV) {
            if (ch_export_csv_paths(out_path, info->path, info->edges_path, sizeof info->path))
                info->path[0] = info->edges_path[0] = '\0';
        } else {
            snprintf(info->path, sizeof info->path, "%s", out_path);
        }
    }
    ch_error_clear(err);
    return CHORUS_OK;
}
