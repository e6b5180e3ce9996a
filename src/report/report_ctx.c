/*
 * report_ctx.c — the render context's helpers, below every section: the first error and its
 * message, statements and columns of the results database, cluster colours and ranks, the
 * activity histograms' bins, and an account's reasons as a list (report_int.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "report/report_int.h"
#include "core/sort.h"

int ch_report_fail(ch_report_ctx *c, int rc, const char *fmt, ...)
{
    if (c->rc)
        return rc;
    c->rc = rc;
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

sqlite3_stmt *ch_report_prep(ch_report_ctx *c, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (c->rc)
        return NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) {
        ch_report_fail(c, CHORUS_EDB, "cannot read the results database: %s",
                       sqlite3_errmsg(c->db));
        sqlite3_finalize(q);
        return NULL;
    }
    return q;
}

const char *ch_report_col(sqlite3_stmt *q, int i, size_t *len)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    *len = s ? (size_t)sqlite3_column_bytes(q, i) : 0;
    return s ? s : "";
}

bool ch_report_step_failed(ch_report_ctx *c, int rc)
{
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return false;
    ch_report_fail(c, CHORUS_EDB, "cannot read the results database: %s", sqlite3_errmsg(c->db));
    return true;
}

/* Categorical colours that stay apart for most forms of colour blindness (Tableau 10 without
 * its grey, which is reserved for accounts outside clusters). */
static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
    "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#2f6f8f",
};
#define NPALETTE (sizeof palette / sizeof palette[0])

static int cmp_rank(const void *a, const void *b)
{
    const struct ch_report_rank *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

void ch_report_rank_index(ch_report_ctx *c)
{
    if (c->rank_by_id)
        ch_sort(c->rank_by_id, c->ntop, sizeof *c->rank_by_id, cmp_rank);
}

long ch_report_rank(const ch_report_ctx *c, int64_t id)
{
    if (!c->rank_by_id)
        return -1;
    struct ch_report_rank key = {id, 0};
    const struct ch_report_rank *r =
        bsearch(&key, c->rank_by_id, c->ntop, sizeof key, cmp_rank);
    return r ? (long)r->rank : -1;
}

static const char *hue_colour(int64_t id, char buf[8]);

const char *ch_report_colour(const ch_report_ctx *c, int64_t id, char buf[8])
{
    long r = ch_report_rank(c, id);
    if (r >= 0 && (size_t)r < NPALETTE) {
        memcpy(buf, palette[r], 8);
        return buf;
    }
    return hue_colour(id, buf);
}

void ch_report_cluster_ref(ch_report_out *o, const ch_report_ctx *c, int64_t id)
{
    char col[8];
    ch_report_colour(c, id, col);
    if (ch_report_rank(c, id) >= 0)
        ch_report_putf(o, "<a href=\"#c%lld\"><span class=\"sw\" style=\"background:%s\">"
                          "</span>#%lld</a>", (long long)id, col, (long long)id);
    else
        ch_report_putf(o, "<span class=\"sw\" style=\"background:%s\"></span>#%lld", col,
                       (long long)id);
}

const char *ch_report_cluster_colour(int64_t id, char buf[8])
{
    if (id >= 0 && (uint64_t)id < NPALETTE) {
        memcpy(buf, palette[id], 8);
        return buf;
    }
    return hue_colour(id, buf);
}

static const char *hue_colour(int64_t id, char buf[8])
{
    /* golden-angle hues: neighbouring ids get distant hues; medium saturation and lightness
     * so none is mistaken for the grey of unclustered accounts */
    uint64_t k = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    double h = (double)(k >> 11) / 9007199254740992.0 * 6.0, s = 0.55, l = 0.5;
    double ch = (1 - (2 * l - 1 < 0 ? -(2 * l - 1) : 2 * l - 1)) * s;
    double hm = h - 2 * (double)(int)(h / 2);
    double x = ch * (1 - (hm - 1 < 0 ? 1 - hm : hm - 1)), m = l - ch / 2, rgb[3];
    int seg = (int)h;
    switch (seg) {
    case 0: rgb[0] = ch, rgb[1] = x, rgb[2] = 0; break;
    case 1: rgb[0] = x, rgb[1] = ch, rgb[2] = 0; break;
    case 2: rgb[0] = 0, rgb[1] = ch, rgb[2] = x; break;
    case 3: rgb[0] = 0, rgb[1] = x, rgb[2] = ch; break;
    case 4: rgb[0] = x, rgb[1] = 0, rgb[2] = ch; break;
    default: rgb[0] = ch, rgb[1] = 0, rgb[2] = x; break;
    }
    snprintf(buf, 8, "#%02x%02x%02x", (unsigned)((rgb[0] + m) * 255 + 0.5) & 0xff,
             (unsigned)((rgb[1] + m) * 255 + 0.5) & 0xff, (unsigned)((rgb[2] + m) * 255 + 0.5) & 0xff);
    return buf;
}

size_t ch_report_bin(const ch_report_ctx *c, int64_t t)
{
    if (c->nbins == 0 || t <= c->bin0)
        return 0;
    uint64_t b = ((uint64_t)t - (uint64_t)c->bin0) / (uint64_t)c->binw;   /* t > bin0: no wrap */
    return b < c->nbins ? (size_t)b : c->nbins - 1;
}

void ch_report_reasons(ch_report_ctx *c, const char *json, size_t n, unsigned max,
                       const char *skip)
{
    if (!n || c->rc)
        return;
    if (!c->q_reasons) {
        c->q_reasons = ch_report_prep(
            c, "SELECT value FROM json_each(CASE WHEN json_valid(?1) THEN ?1 ELSE '{}' END, "
               "'$.top_reasons') LIMIT ?2");
        if (!c->q_reasons)
            return;
    }
    sqlite3_stmt *q = c->q_reasons;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, json, (int)n, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (int)max + (skip != NULL));
    int rc, k = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && (unsigned)k < max) {
        size_t len;
        const char *s = ch_report_col(q, 0, &len);
        if (skip && len >= strlen(skip) && memcmp(s, skip, strlen(skip)) == 0)
            continue;
        ch_report_put(&c->out, k++ ? "<li>" : "<ul class=\"reasons\"><li>");
        ch_report_excerpt(&c->out, s, len, 300);
        ch_report_put(&c->out, "</li>");
    }
    if (k)
        ch_report_put(&c->out, "</ul>");
    /* a malformed top_reasons (e.g. not an array) is the data's problem, not a failure */
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
}
