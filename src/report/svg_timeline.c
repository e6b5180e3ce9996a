/*
 * svg_timeline.c — the report's "Coordination over time" section: the results database's
 * timeline table (docs/coordination.md §12: per UTC hour, the posts and the share of them made
 * by accounts in clusters, with spike hours by robust z-score) drawn as two stacked panels on
 * one time axis — posts as bars, the coordination index as a line with a red dot on every
 * spike — and the strongest spike hours in a table with the clusters that posted most in them.
 *
 * Points are bounded: an hour each while the period has at most CH_REPORT_TL_MAX_POINTS hours,
 * else a day, else whole weeks; a day or week sums its posts, its index is the share over all
 * its posts, and it is marked when any of its hours is a spike. The caption says which.
 */
#include <math.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "report/report_int.h"

#define W 1000.0
#define MAX_SPIKE_ROWS 10     /* spike hours listed in the table */
#define MAX_DRIVERS 3         /* clusters named per spike hour */
/* years 1 to 9999, as the page's span: anything else is bad data */
#define T_MIN (-62135596800LL)
#define T_MAX 253402300799LL
/* bins start on Mondays 00:00 UTC (1970-01-05) when they are weeks; hours and days divide
 * this offset, so the one formula fits every width */
#define MONDAY (4 * 86400LL)

typedef struct tl_bin {
    uint64_t events;          /* posts */
    double coordinated;       /* posts by accounts in clusters (coordination x events) */
    double zmax;              /* highest robust z of its spike hours */
    uint32_t spikes;          /* spike hours */
} tl_bin;

int64_t ch_report_tl_width(int64_t first, int64_t last, size_t max)
{
    /* points needed at width w: at most span / w + 2 (the ends may sit in partial bins), so
     * fewer than 3 points cannot be promised */
    if (max < 3)
        max = 3;
    const uint64_t span = last > first ? (uint64_t)(last - first) : 0;
    if (span / 3600 + 2 <= max)
        return 3600;
    if (span / 86400 + 2 <= max)
        return 86400;
    const uint64_t week = 7 * 86400;
    uint64_t k = span / (week * (max - 2)) + 1;
    while (k > 1 && span / (week * (k - 1)) + 2 <= max)
        k--;
    while (span / (week * k) + 2 > max)
        k++;
    return (int64_t)(week * k);
}

static int64_t clamp_t(int64_t t)
{
    return t < T_MIN ? T_MIN : t > T_MAX ? T_MAX : t;
}

static double finite_or_0(double v)
{
    return isfinite(v) ? v : 0;
}

/* A point in words: "2023-03-02 13:00 UTC" (an hour), "2023-03-02" (a day), "7 days from
 * 2023-02-27" (weeks). */
static const char *point_name(int64_t t, int64_t w, char buf[64])
{
    char d[32];
    if (w == 3600)
        snprintf(buf, 64, "%s UTC", ch_report_time(t, d));
    else if (w == 86400)
        snprintf(buf, 64, "%s", ch_report_date(t, d));
    else
        snprintf(buf, 64, "%lld days from %s", (long long)(w / 86400), ch_report_date(t, d));
    return buf;
}

static void chart(ch_report_ctx *c, const tl_bin *b, size_t nb, int64_t bin0, int64_t w,
                  uint64_t nrows, uint64_t nspikes)
{
    ch_report_out *o = &c->out;
    const double x0 = 56, pw = W - x0 - 16;
    const double ta = 22, ha = 80;                  /* posts panel */
    const double tb = ta + ha + 34, hb = 110;       /* coordination panel */
    const double base_a = ta + ha, base_b = tb + hb;
    const double bw = pw / (double)nb;
    uint64_t emax = 0, etot = 0;
    size_t npoints = 0;
    for (size_t i = 0; i < nb; i++) {
        emax = b[i].events > emax ? b[i].events : emax;
        etot += b[i].events;
        npoints += b[i].spikes > 0;
    }
    char pb[32], n1[32], n2[32];
    ch_svg_per_bin(w, pb);
    ch_report_putf(o, "<figure class=\"fig\"><svg class=\"tl\" viewBox=\"0 0 %.0f %.0f\" "
                      "role=\"img\" aria-label=\"coordination over time\" fill=\"#5b6474\" "
                      "data-points=\"%zu\" data-spikes=\"%zu\">",
                   W, base_b + 30, nb, npoints);
    /* spike bands behind both panels */
    ch_report_put(o, "<g fill=\"#fbe3de\">");
    for (size_t i = 0; i < nb; i++)
        if (b[i].spikes) {
            double bx = bw < 3 ? 3 : bw;
            ch_report_putf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                           x0 + bw * ((double)i + 0.5) - bx / 2, ta, bx, base_b - ta);
        }
    ch_report_put(o, "</g>");
    /* panel titles, in words */
    ch_report_putf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#1d2330\">posts %s"
                      "</text>", x0, ta - 8, pb);
    ch_report_putf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#1d2330\">coordination "
                      "index: share of the posts made by accounts in clusters</text>",
                   x0, tb - 8);
    /* posts: count axis and bars */
    ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"#e6e8ec\" "
                      "stroke-dasharray=\"3 3\"/>", x0, ta, x0 + pw, x0, base_a, x0 + pw);
    ch_report_putf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">0</text>",
                   x0 - 6, ta + 4, ch_report_num(emax, n1), x0 - 6, base_a);
    if (emax) {
        const double gap = bw > 3 ? 0.15 * bw : 0;
        ch_report_put(o, "<path fill=\"#9aa7b8\" d=\"");
        for (size_t i = 0; i < nb; i++) {
            if (!b[i].events)
                continue;
            double h = ha * (double)b[i].events / (double)emax;
            if (h < 1.5)
                h = 1.5;   /* one post stays visible */
            ch_report_putf(o, "M%.1f %.1fh%.2fv%.1fh%.2fZ", x0 + bw * (double)i + gap / 2, base_a,
                           bw - gap, -h, -(bw - gap));
        }
        ch_report_put(o, "\"/>");
    }
    /* coordination: its axis up to the peak rounded up to 10 % (an index that never passes
     * 30 % keeps its shape), gridlines at 0, half and the top; the index as a line broken
     * where a point has no post (the share is not defined there) */
    double smax = 0;
    for (size_t i = 0; i < nb; i++)
        if (b[i].events) {
            const double s = ch_report_unit(b[i].coordinated / (double)b[i].events);
            smax = s > smax ? s : smax;
        }
    const int top_pc = smax >= 0.95 ? 100 : 10 * ((int)(smax * 10) + 1);
    for (int k = 0; k <= 2; k++) {
        double y = base_b - hb * k / 2.0;
        ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#e6e8ec\"%s/>"
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g%%"
                          "</text>",
                       x0, y, x0 + pw, k ? " stroke-dasharray=\"3 3\"" : "", x0 - 6, y + 4,
                       top_pc * k / 2.0);
    }
#define X(i) (x0 + bw * ((double)(i) + 0.5))
#define Y(i) (base_b - hb * ch_report_unit(b[i].coordinated / (double)b[i].events) * 100.0 / top_pc)
    ch_report_put(o, "<path fill=\"none\" stroke=\"#c2412d\" stroke-width=\"1.5\" "
                     "stroke-linejoin=\"round\" d=\"");
    for (size_t i = 0; i < nb; i++) {
        if (!b[i].events)
            continue;
        const bool joined = i > 0 && b[i - 1].events;
        ch_report_putf(o, "%c%.1f %.1f", joined ? 'L' : 'M', X(i), Y(i));
        if (!joined && (i + 1 == nb || !b[i + 1].events))
            ch_report_put(o, "h.1");   /* a lone point: a round cap shows it */
    }
    ch_report_put(o, "\" stroke-linecap=\"round\"/>");
    /* spikes: a dot each, with what it is on hover */
    ch_report_put(o, "<g fill=\"#c2412d\" stroke=\"#fff\" stroke-width=\"1.2\">");
    for (size_t i = 0; i < nb; i++) {
        if (!b[i].spikes || !b[i].events)
            continue;
        char name[64];
        const int64_t t = bin0 + w * (int64_t)i;
        ch_report_putf(o, "<circle class=\"spike\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\"><title>%s: ",
                       X(i), Y(i), point_name(t, w, name));
        const double share = ch_report_unit(b[i].coordinated / (double)b[i].events);
        if (w == 3600)
            ch_report_putf(o, "spike, %.0f%% of %s posts by accounts in clusters, robust z %.1f",
                           100 * share, ch_report_num(b[i].events, n1), b[i].zmax);
        else
            ch_report_putf(o, "%u spike hour%s (robust z up to %.1f); %.0f%% of %s posts by "
                              "accounts in clusters", b[i].spikes, b[i].spikes == 1 ? "" : "s",
                           b[i].zmax, 100 * share, ch_report_num(b[i].events, n1));
        ch_report_put(o, "</title></circle>");
    }
    ch_report_put(o, "</g>");
#undef X
#undef Y
    ch_svg_time_axis(o, bin0, bin0 + w * (int64_t)nb, x0, pw, base_b);
    ch_report_put(o, "</svg><figcaption class=\"legend\">");
    ch_report_putf(o, "<span><span class=\"sw\" style=\"background:#9aa7b8;border-radius:2px\">"
                      "</span>posts %s (%s in all, peak %s)</span>", pb, ch_report_num(etot, n1),
                   ch_report_num(emax, n2));
    ch_report_put(o, "<span><span class=\"bl\" style=\"background:#c2412d\"></span>coordination "
                     "index</span>");
    ch_report_putf(o, "<span><span class=\"sw\" style=\"background:#c2412d\"></span>a spike: the "
                      "index jumps (robust z-score %.1f or more, at least 3 posts by accounts in "
                      "clusters) — %s spike hour%s</span>", 3.5, ch_report_num(nspikes, n1),
                   nspikes == 1 ? "" : "s");
    ch_report_put(o, "<span class=\"muted\">time in UTC</span></figcaption>");
    if (w != 3600)
        ch_report_putf(o, "<p class=\"cap\">The period is too long to draw hour by hour (%s hours "
                          "with posts): each point is %s — its posts summed, its index the share "
                          "of all its posts, a dot where any of its hours is a spike. "
                          "<code>chorus inspect DB --timeline</code> lists every hour.</p>",
                       ch_report_num(nrows, n1),
                       w == 86400 ? "a day" : ch_svg_per_bin(w, n2) + 4);
    ch_report_put(o, "</figure>");
}

/* The spike hours with the highest robust z, and the clusters whose members posted most in
 * each (from the posts: the timeline table keeps no cluster). */
static void spike_table(ch_report_ctx *c, uint64_t nspikes)
{
    ch_report_out *o = &c->out;
    char a[32];
    if (!nspikes) {
        ch_report_put(o, "<p class=\"muted\">No hour stands out: the share of posts made by "
                         "accounts in clusters never jumps (robust z-score 3.5 or more with at "
                         "least 3 such posts).</p>");
        return;
    }
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT hour_start, events, accounts, coordination, robust_z FROM timeline "
           "WHERE spike = 1 ORDER BY robust_z DESC, hour_start LIMIT ?1");
    /* CROSS JOIN: from the clustered accounts to their posts of the hour through the
     * posts_account index (account_id, created_at), never a scan of every post */
    sqlite3_stmt *d = ch_report_prep(
        c, "SELECT a.cluster_id, count(*) FROM accounts a CROSS JOIN posts p "
           "ON p.account_id = a.account_id AND p.created_at >= ?1 AND p.created_at < ?1 + 3600 "
           "WHERE a.cluster_id IS NOT NULL GROUP BY a.cluster_id ORDER BY 2 DESC, 1 LIMIT ?2");
    if (!q || !d)
        goto out;
    sqlite3_bind_int(q, 1, MAX_SPIKE_ROWS);
    ch_report_putf(o, "<h3>The strongest spikes</h3><table class=\"spikes\"><tr><th>hour (UTC)"
                      "</th><th class=\"n\">posts</th><th class=\"n\">accounts</th>"
                      "<th class=\"n\">coordination</th><th class=\"n\">robust z</th>"
                      "<th>clusters posting most in the hour</th></tr>");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const int64_t t = clamp_t(sqlite3_column_int64(q, 0));
        const int64_t ev = sqlite3_column_int64(q, 1), ac = sqlite3_column_int64(q, 2);
        ch_report_putf(o, "<tr class=\"f\"><td>%s</td>", ch_report_time(t, a));
        ch_report_putf(o, "<td class=\"n\">%s</td>", ch_report_num(ev > 0 ? (uint64_t)ev : 0, a));
        ch_report_putf(o, "<td class=\"n\">%s</td>", ch_report_num(ac > 0 ? (uint64_t)ac : 0, a));
        ch_report_putf(o, "<td class=\"n\">%.0f%%</td><td class=\"n\">%.1f</td><td>",
                       100 * ch_report_unit(sqlite3_column_double(q, 3)),
                       finite_or_0(sqlite3_column_double(q, 4)));
        sqlite3_reset(d);
        sqlite3_bind_int64(d, 1, t);
        sqlite3_bind_int(d, 2, MAX_DRIVERS);
        int drc, k = 0;
        while ((drc = sqlite3_step(d)) == SQLITE_ROW) {
            const int64_t cl = sqlite3_column_int64(d, 0);
            const int64_t np = sqlite3_column_int64(d, 1);
            ch_report_put(o, k++ ? ", " : "");
            ch_report_cluster_ref(o, c, cl);
            ch_report_putf(o, " (%s post%s)", ch_report_num(np > 0 ? (uint64_t)np : 0, a),
                           np == 1 ? "" : "s");
        }
        if (ch_report_step_failed(c, drc))
            break;
        if (!k)
            ch_report_put(o, "<span class=\"muted\">none in the posts table</span>");
        ch_report_put(o, "</td></tr>");
    }
    ch_report_step_failed(c, rc);
    ch_report_put(o, "</table>");
    if (nspikes > MAX_SPIKE_ROWS)
        ch_report_putf(o, "<p class=\"more\">and %s more spike hours "
                          "(<code>chorus inspect DB</code> lists them all)</p>",
                       ch_report_num(nspikes - MAX_SPIKE_ROWS, a));
out:
    sqlite3_finalize(q);
    sqlite3_finalize(d);
}

void ch_report_timeline(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    tl_bin *b = NULL;
    sqlite3_stmt *q = NULL;
    ch_report_put(o, "<section id=\"timeline\"><h2>Coordination over time</h2>");
    if (!c->has_timeline) {
        ch_report_put(o, "<p class=\"muted\">This results database has no coordination timeline: "
                         "it was written by a chorus before schema 3. Scan the inputs again with "
                         "this chorus to see, hour by hour, how much of the activity came from "
                         "accounts in clusters.</p></section>\n");
        return;
    }
    q = ch_report_prep(c, "SELECT count(*), min(hour_start), max(hour_start), "
                          "coalesce(sum(spike = 1), 0) FROM timeline "
                          "WHERE hour_start IS NOT NULL");
    if (!q)
        goto out;
    int rc = sqlite3_step(q);
    if (ch_report_step_failed(c, rc) || rc != SQLITE_ROW)
        goto out;
    const uint64_t nrows = (uint64_t)sqlite3_column_int64(q, 0);
    const int64_t first = clamp_t(sqlite3_column_int64(q, 1));
    const int64_t last = clamp_t(sqlite3_column_int64(q, 2));
    const int64_t sp = sqlite3_column_int64(q, 3);
    const uint64_t nspikes = sp > 0 ? (uint64_t)sp : 0;
    sqlite3_finalize(q);
    q = NULL;
    ch_report_put(o, "<p>Hour by hour (UTC), how many posts there were and what share of them "
                     "came from accounts in clusters. A network that posts on command shows as "
                     "spikes of that share; organic activity follows the day.</p>");
    if (!nrows) {
        ch_report_put(o, "<p class=\"muted\">The timeline is empty: no post has a known time.</p>"
                         "</section>\n");
        return;
    }
    const int64_t w = ch_report_tl_width(first, last < first ? first : last,
                                         CH_REPORT_TL_MAX_POINTS);
    const int64_t bin0 = first - (((first - MONDAY) % w) + w) % w;
    const uint64_t nbu = (uint64_t)((last < first ? first : last) - bin0) / (uint64_t)w + 1;
    const size_t nb = nbu > CH_REPORT_TL_MAX_POINTS ? CH_REPORT_TL_MAX_POINTS : (size_t)nbu;
    b = ch_calloc(nb, sizeof *b);
    if (!b) {
        ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
        goto out;
    }
    q = ch_report_prep(c, "SELECT hour_start, events, coordination, robust_z, spike "
                          "FROM timeline WHERE hour_start IS NOT NULL");
    if (!q)
        goto out;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const int64_t t = clamp_t(sqlite3_column_int64(q, 0));
        uint64_t k = t > bin0 ? (uint64_t)(t - bin0) / (uint64_t)w : 0;
        tl_bin *x = &b[k < nb ? k : nb - 1];
        const int64_t ev = sqlite3_column_int64(q, 1);
        const uint64_t e = ev > 0 ? (uint64_t)ev : 0;
        x->events += e;
        x->coordinated += ch_report_unit(sqlite3_column_double(q, 2)) * (double)e;
        if (sqlite3_column_int64(q, 4) == 1) {
            const double z = finite_or_0(sqlite3_column_double(q, 3));
            x->zmax = x->spikes++ == 0 || z > x->zmax ? z : x->zmax;
        }
    }
    if (ch_report_step_failed(c, rc))
        goto out;
    sqlite3_finalize(q);
    q = NULL;
    chart(c, b, nb, bin0, w, nrows, nspikes);
    spike_table(c, nspikes);
    ch_report_put(o, "</section>\n");
out:
    sqlite3_finalize(q);
    ch_free(b);
}
