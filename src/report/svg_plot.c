/*
 * svg_plot.c — the report's small plots as inline SVG: activity over time (a cluster against
 * everyone else) and the echo of a statement (who repeated it, how long after publication).
 * Plots are drawn in a fixed 1000-unit-wide viewBox and scale with the page; every shape of a
 * series is one <path> where possible, which keeps big plots small in bytes.
 */
#include <math.h>
#include <string.h>

#include "report/report_int.h"

#define W 1000.0

const char *ch_svg_per_bin(int64_t w, char buf[32])
{
    if (w % 86400 == 0)
        snprintf(buf, 32, w == 86400 ? "per day" : "per %lld days", (long long)(w / 86400));
    else if (w % 3600 == 0)
        snprintf(buf, 32, w == 3600 ? "per hour" : "per %lld hours", (long long)(w / 3600));
    else
        snprintf(buf, 32, "per %lld minutes", (long long)(w / 60));
    return buf;
}

void ch_svg_time_axis(ch_report_out *o, int64_t t0, int64_t t1, double x0, double pw, double y)
{
    static const int64_t steps[] = {3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400,
                                    7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400};
    const int64_t span = t1 > t0 ? t1 - t0 : 1;
    int64_t step = steps[0];
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        step = steps[i];
        if (span / step <= 8)
            break;
    }
    int64_t t = t0 - ((t0 % step) + step) % step;
    if (t < t0)
        t += step;
    ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#c9ced6\"/>", x0, y, x0 + pw);
    for (int k = 0; t <= t1 && k < 40; t += step, k++) {
        double x = x0 + pw * (double)(t - t0) / (double)span;
        char buf[32];
        if (step < 86400) {
            ch_report_time(t, buf);
            memmove(buf, buf + 5, strlen(buf + 5) + 1);   /* "03-02 12:00" */
        } else {
            ch_report_date(t, buf);
        }
        ch_report_putf(o, "<path d=\"M%.1f %.1fv4\" stroke=\"#9aa2ae\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s"
                          "</text>", x, y, x, y + 15, buf);
    }
}

void ch_svg_activity(ch_report_ctx *c, const uint32_t *bg, const uint32_t *fg, const char *colour,
                     const char *fg_what, const char *bg_what, const ch_svg_mark *marks,
                     size_t nmarks)
{
    ch_report_out *o = &c->out;
    const size_t nb = c->nbins;
    if (!nb)
        return;
    const double x0 = 46, pw = W - x0 - 14, top = 16, ph = 112, base = top + ph;
    const double bw = pw / (double)nb;
    uint32_t bgmax = 0, fgmax = 0;
    uint64_t fgsum = 0;
    for (size_t i = 0; i < nb; i++) {
        bgmax = bg[i] > bgmax ? bg[i] : bgmax;
        fgmax = fg[i] > fgmax ? fg[i] : fgmax;
        fgsum += fg[i];
    }
    char pb[32], n1[32], n2[32];
    ch_svg_per_bin(c->binw, pb);
    ch_report_putf(o, "<figure class=\"fig\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                      "aria-label=\"activity over time\" fill=\"#5b6474\">", W, base + 26);
    /* the background: grey steps scaled to their own peak, so its shape shows even when the
     * cluster is a thousandth of all posts */
    if (bgmax) {
        ch_report_putf(o, "<path fill=\"#dde1e7\" d=\"M%.1f %.1f", x0, base);
        for (size_t i = 0; i < nb; i++) {
            double y = base - ph * 0.92 * bg[i] / bgmax;
            ch_report_putf(o, "V%.1fH%.1f", y, x0 + bw * (double)(i + 1));
        }
        ch_report_putf(o, "V%.1fZ\"/>", base);
    }
    /* gridlines and count axis of the foreground */
    if (fgmax) {
        ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#e6e8ec\" stroke-dasharray=\"3 3\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>"
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">0</text>",
                       x0, top, x0 + pw, x0 - 6, top + 4, ch_report_num(fgmax, n1), x0 - 6, base);
        ch_report_putf(o, "<path fill=\"%s\" d=\"", colour);
        const double gap = bw > 3 ? 0.15 * bw : 0;
        for (size_t i = 0; i < nb; i++) {
            if (!fg[i])
                continue;
            double h = ph * fg[i] / fgmax;
            if (h < 1.5)
                h = 1.5;   /* a single post stays visible */
            ch_report_putf(o, "M%.1f %.1fh%.2fv%.1fh%.2fZ", x0 + bw * (double)i + gap / 2, base,
                           bw - gap, -h, -(bw - gap));
        }
        ch_report_put(o, "\"/>");
    }
    /* statement marks: a dashed line each (its name on hover), and the name written beside
     * it on one of two levels where it does not run into the previous one */
    double level_end[2] = {-1e9, -1e9};
    for (size_t k = 0; k < nmarks && k < 20; k++) {
        if (marks[k].t < c->bin0 || marks[k].t > c->bin0 + c->binw * (int64_t)nb)
            continue;
        double x = x0 + pw * ch_report_diff(marks[k].t, c->bin0) / (double)(c->binw * (int64_t)nb);
        const size_t len = strlen(marks[k].label);
        const double w = 6.0 * (double)(ch_report_utf8_len(marks[k].label, len) < 16
                                            ? ch_report_utf8_len(marks[k].label, len) : 17) + 6;
        ch_report_putf(o, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"#1d2330\" stroke-dasharray=\"2 3\">"
                          "<title>", x, top - 4, base);
        ch_report_excerpt(o, marks[k].label, len, 120);
        ch_report_put(o, "</title></path>");
        for (int lv = 0; lv < 2; lv++) {
            if (x < level_end[lv])
                continue;
            level_end[lv] = x + w;
            ch_report_putf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#1d2330\">",
                           x + 3, top + 3 + 10.0 * lv);
            ch_report_excerpt(o, marks[k].label, len, 16);
            ch_report_put(o, "</text>");
            break;
        }
    }
    ch_svg_time_axis(o, c->bin0, c->bin0 + c->binw * (int64_t)nb, x0, pw, base);
    ch_report_put(o, "</svg><figcaption class=\"legend\">");
    ch_report_putf(o, "<span><span class=\"sw\" style=\"background:%s;border-radius:2px\"></span>",
                   colour);
    ch_report_put(o, fg_what);
    ch_report_putf(o, " (%s; %s in all, peak %s)</span>", pb, ch_report_num(fgsum, n1),
                   ch_report_num(fgmax, n2));
    ch_report_put(o, "<span><span class=\"sw\" style=\"background:#dde1e7;border-radius:2px\">"
                     "</span>");
    ch_report_put(o, bg_what);
    ch_report_putf(o, " (scaled to fit; peak %s %s)</span>", ch_report_num(bgmax, n1), pb);
    if (nmarks)
        ch_report_put(o, "<span>dashed line: a statement is published</span>");
    ch_report_put(o, "</figcaption></figure>");
}

/* ---- echo plot ------------------------------------------------------------------------------ */

/* symmetric log scale: linear-ish within the first minutes, logarithmic after, so a reply
 * within 2 minutes and one after 2 weeks both have room */
static double symlog(double s)
{
    double m = fabs(s) / 60.0;
    double v = log10(1.0 + m / 2.0);
    return s < 0 ? -v : v;
}

void ch_svg_echo(ch_report_ctx *c, const ch_svg_dot *dots, size_t n, const ch_svg_row *rows,
                 size_t nrows, bool published_known)
{
    ch_report_out *o = &c->out;
    if (!n || !nrows)
        return;
    static const struct { double s; const char *label; } ticks[] = {
        {-365 * 86400.0, "-1 year"}, {-30 * 86400.0, "-30 days"}, {-7 * 86400.0, "-1 week"},
        {-86400.0, "-1 day"}, {-6 * 3600.0, "-6 h"}, {-3600.0, "-1 h"}, {-600.0, "-10 min"},
        {0, "0"}, {600.0, "10 min"}, {3600.0, "1 h"}, {6 * 3600.0, "6 h"}, {86400.0, "1 day"},
        {7 * 86400.0, "1 week"}, {30 * 86400.0, "30 days"}, {365 * 86400.0, "1 year"},
        {3650 * 86400.0, "10 years"},
    };
    double lo = 0, hi = symlog(6 * 3600.0);
    for (size_t i = 0; i < n; i++) {
        double v = symlog(dots[i].seconds);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    const double pad = (hi - lo) * 0.03;
    lo -= lo < 0 ? pad : 0;
    hi += pad;
    const double x0 = 170, pw = W - x0 - 16, top = 24, rh = 34;
    const double h = top + rh * (double)nrows + 30;
#define X(v) (x0 + pw * ((v) - lo) / (hi - lo))
    ch_report_putf(o, "<figure class=\"fig\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                      "aria-label=\"when the statement was repeated\" fill=\"#5b6474\">", W, h);
    const double zx = X(0.0), base = top + rh * (double)nrows;
    if (lo < 0)
        ch_report_putf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"#fbe3de\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                          "fill=\"#9b2c1c\" text-anchor=\"end\">before publication</text>",
                       x0, top - 4, zx - x0, base - top + 4, zx - 4, top + 8);
    for (size_t r = 0; r < nrows; r++) {
        double y = top + rh * (double)r + rh / 2;
        ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#eceef1\"/>", x0, y, x0 + pw);
        ch_report_putf(o, "<circle cx=\"12\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>"
                          "<text x=\"22\" y=\"%.1f\" font-size=\"12\" fill=\"#1d2330\">%s</text>"
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%llu"
                          "</text>",
                       y, rows[r].colour, y + 4, rows[r].label, x0 - 8, y + 4,
                       (unsigned long long)rows[r].n);
    }
    ch_report_putf(o, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"#1d2330\" stroke-width=\"1.5\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#1d2330\">%s</text>",
                   zx, top - 6, base, zx + 4, top - 8,
                   published_known ? "published" : "first repetition");
    /* dots, one group per row so the colour is written once */
    for (size_t r = 0; r < nrows; r++) {
        ch_report_putf(o, "<g fill=\"%s\" fill-opacity=\".75\">", rows[r].colour);
        for (size_t i = 0; i < n; i++) {
            if (dots[i].row != r)
                continue;
            /* deterministic jitter inside the row, so posts at the same minute stay apart */
            uint32_t j = (uint32_t)(i * 2654435761u) >> 24;
            double y = top + rh * (double)r + rh / 2 + ((double)j / 255.0 - 0.5) * (rh - 12);
            ch_report_putf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>", X(symlog(dots[i].seconds)), y);
        }
        ch_report_put(o, "</g>");
    }
    ch_report_putf(o, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"#c9ced6\"/>", x0, base, x0 + pw);
    double last = -1e9;
    for (size_t k = 0; k < sizeof ticks / sizeof ticks[0]; k++) {
        double v = symlog(ticks[k].s);
        if (v < lo || v > hi)
            continue;
        double x = X(v);
        if (x - last < 48)
            continue;   /* labels would collide */
        last = x;
        ch_report_putf(o, "<path d=\"M%.1f %.1fv4\" stroke=\"#9aa2ae\"/><text x=\"%.1f\" y=\"%.1f\" "
                          "font-size=\"11\" text-anchor=\"middle\">%s</text>",
                       x, base, x, base + 16, ticks[k].label);
    }
#undef X
    ch_report_put(o, "</svg></figure>");
}
