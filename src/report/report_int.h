/*
 * report_int.h — pieces shared by the files of the HTML report (src/report/): the output
 * writer with its escaping, formatting helpers, the render context, and the sections and plots
 * each file contributes. Not a public API.
 *
 * The files form layers, and calls only go down (nothing calls back into a file above it):
 *
 *   report.c                         the page: frame, overview, accounts, ch_report_write
 *   html_clusters.c html_statements.c svg_network.c svg_timeline.c
 *                                    the sections (never call each other)
 *   html_match.c  svg_plot.c         renderings the sections share: a match, the plots
 *   report_ctx.c                     the render context: errors, queries, colours, bins
 *   html_out.c                       output, escaping, formats
 *
 * This header lists them bottom-up, each part naming its file.
 *
 * Trust rule: ch_report_put/putf write markup and must only ever be given literals or numbers;
 * every string that comes from the database goes through ch_report_text (or a helper built on
 * it), which escapes it and repairs its UTF-8.
 */
#ifndef CH_REPORT_INT_H
#define CH_REPORT_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/report.h"

/* ---- output (html_out.c) -------------------------------------------------------------------- */

typedef struct ch_report_out {
    FILE *f;
    int err;           /* first write error (CHORUS_EIO); later writes are skipped */
    uint64_t bytes;    /* bytes written so far */
} ch_report_out;

void ch_report_put(ch_report_out *o, const char *markup);
void ch_report_putn(ch_report_out *o, const char *markup, size_t n);
void ch_report_putf(ch_report_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Escapes s[0..n) for HTML text or a double-quoted attribute: & < > " ' become entities,
 * invalid UTF-8 and control characters (other than tab and newline) become U+FFFD, CR is
 * dropped. s may be NULL. */
void ch_report_text(ch_report_out *o, const char *s, size_t n);
void ch_report_textz(ch_report_out *o, const char *s);
/* At most max bytes of s, cut at a character boundary, then "…" when cut. */
void ch_report_excerpt(ch_report_out *o, const char *s, size_t n, size_t max);
/* s with the bytes [start, end) in <mark>, and up to ctx bytes of context on each side
 * ("…" where cut); a marked passage longer than maxmark shows its two ends around "[…]".
 * An empty or out-of-range span shows an excerpt without a mark. */
void ch_report_passage(ch_report_out *o, const char *s, size_t n, int64_t start, int64_t end,
                       size_t ctx, size_t maxmark);
/* Characters (code points) in s[0..n). */
size_t ch_report_utf8_len(const char *s, size_t n);
/* Largest m <= n such that s[0..m) ends on a character boundary. */
size_t ch_report_utf8_floor(const char *s, size_t n, size_t m);

/* An id attribute value for data string s: prefix, then its first bytes in hex and a hash of
 * all of it, so any id (spaces, quotes, any length) gives a safe and stable anchor. */
void ch_report_anchor(ch_report_out *o, const char *prefix, const char *s, size_t n);

/* a - b for times from the database: in double, so hostile values cannot overflow */
static inline double ch_report_diff(int64_t a, int64_t b)
{
    return (double)a - (double)b;
}

/* A score or similarity for display: within 0..1 (the contract), 0 when not a number. */
static inline double ch_report_unit(double v)
{
    return v > 0 ? (v < 1 ? v : 1) : 0;   /* NaN fails v > 0 */
}

/* A handle as markup: "@handle" in <bdi> (a right-to-left handle cannot reorder the text
 * around it), falling back to the account id. */
void ch_report_handle(ch_report_out *o, const char *handle, size_t hn, const char *id, size_t idn);
/* The platform of an account or post as a small label ("bluesky"); nothing when empty (a
 * scan of one platform stores none). */
void ch_report_platform(ch_report_out *o, const char *platform, size_t n);

/* ---- formatting (html_out.c; into caller buffers; ASCII only, safe as markup) --------------- */

const char *ch_report_num(uint64_t n, char buf[32]);           /* 1,234,567 */
const char *ch_report_time(int64_t t, char buf[32]);           /* 2023-03-02 13:05 */
const char *ch_report_date(int64_t t, char buf[32]);           /* 2023-03-02 */
const char *ch_report_dur(double seconds, char buf[32]);       /* 45 seconds, 6 hours, 3 days */

/* ---- render context (report_ctx.c) ---------------------------------------------------------- */

typedef struct ch_report_cluster {
    int64_t id, size;
    double score;
    int64_t first, last;
    char *behaviours, *summary;   /* owned */
} ch_report_cluster;

typedef struct ch_report_ctx {
    sqlite3 *db;
    ch_report_out out;
    ch_report_opts o;
    ch_report_info *info;
    char *err;
    size_t errlen;
    int rc;                       /* first error; sections stop once it is set */

    bool has_evidence, has_narratives, has_before_pub;
    bool has_platform;            /* accounts.platform and posts.platform */
    bool has_timeline;            /* the timeline table (schema 3) */
    int64_t t_first, t_last;      /* span of the posts (0, 0 when there are none) */
    uint64_t n_posts, n_accounts, n_clusters, n_clustered, n_statements, n_matches;

    ch_report_cluster *top;       /* the detailed clusters, by score (rank = index) */
    size_t ntop;
    struct ch_report_rank { int64_t id; uint32_t rank; } *rank_by_id;  /* top, sorted by id */

    /* activity histograms over [t_first, t_last]: all posts, posts of clustered accounts,
     * and one row per detailed cluster (ntop * nbins) */
    int64_t bin0, binw;
    size_t nbins;
    uint32_t *h_all, *h_clustered, *h_top;

    sqlite3_stmt *q_reasons;      /* top_reasons of a reasons JSON (reused) */
} ch_report_ctx;

/* Records the first error with a message; returns rc. */
int ch_report_fail(ch_report_ctx *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepares sql; on failure records CHORUS_EDB and returns NULL. */
sqlite3_stmt *ch_report_prep(ch_report_ctx *c, const char *sql);
/* Column i as (pointer, length); "" for NULL. */
const char *ch_report_col(sqlite3_stmt *q, int i, size_t *len);
/* Records a failed step (anything but SQLITE_DONE/ROW); returns true when rc is an error. */
bool ch_report_step_failed(ch_report_ctx *c, int rc);

/* Colour of a cluster: a distinct palette colour for the first detailed clusters, a hue
 * derived from the id after that. Writes "#rrggbb" (buf[8]). */
const char *ch_report_colour(const ch_report_ctx *c, int64_t cluster_id, char buf[8]);
/* The same colours without a render context (exports): the palette by cluster id, which is
 * the rank by score in a scan's database, then hues derived from the id. */
const char *ch_report_cluster_colour(int64_t cluster_id, char buf[8]);
/* "#id" after the cluster's colour swatch, a link to its section when the page details it. */
void ch_report_cluster_ref(ch_report_out *o, const ch_report_ctx *c, int64_t cluster_id);
/* Sorts rank_by_id (filled with the detailed clusters) for ch_report_rank. */
void ch_report_rank_index(ch_report_ctx *c);
/* Rank of a detailed cluster, or -1. */
long ch_report_rank(const ch_report_ctx *c, int64_t cluster_id);
/* Bin of time t in the activity histograms (clamped). */
size_t ch_report_bin(const ch_report_ctx *c, int64_t t);

/* The "top_reasons" sentences of an accounts.reasons JSON as a <ul> (at most max, leaving
 * out the one starting with `skip` if not NULL); nothing when the JSON is missing or
 * malformed. */
void ch_report_reasons(ch_report_ctx *c, const char *json, size_t n, unsigned max,
                       const char *skip);


/* ---- a match (html_match.c) ----------------------------------------------------------------- */

/* A post beside the statement it repeats, with the matching passages highlighted in both. */
typedef struct ch_report_match {
    const char *post, *stmt, *handle, *account, *stmt_id, *source;
    size_t post_n, stmt_n, handle_n, account_n, stmt_id_n, source_n;
    int64_t ps, pe, ss, se;        /* byte spans from the matches table */
    double similarity;
    int64_t posted, published;
    bool published_known, show_statement_id;
} ch_report_match;
void ch_report_pair(ch_report_ctx *c, const ch_report_match *m);   /* html_match.c */
/* Fills m (zeroed first) from a row whose columns 0..11 are p.text, m.post_start, m.post_end,
 * s.text, m.stmt_start, m.stmt_end, m.similarity, p.created_at, a.handle, p.account_id,
 * s.published_at, s.source. The strings point into the row: valid until q steps again. */
void ch_report_match_row(sqlite3_stmt *q, ch_report_match *m);   /* html_match.c */

/* ---- plots (svg_plot.c) --------------------------------------------------------------------- */

/* A labelled instant on an activity plot (a statement's publication). */
typedef struct ch_svg_mark {
    int64_t t;
    const char *label;           /* from data: escaped */
} ch_svg_mark;

/* Activity over time: `bg` (per bin) as a grey area scaled to its own peak, `fg` as bars in
 * `colour` against a count axis; marks as dashed vertical lines. */
void ch_svg_activity(ch_report_ctx *c, const uint32_t *bg, const uint32_t *fg,
                     const char *colour, const char *fg_what, const char *bg_what,
                     const ch_svg_mark *marks, size_t nmarks);

/* One row of an echo plot (a cluster, or "not in a cluster"). */
typedef struct ch_svg_row {
    char label[48];              /* markup-safe (built from numbers) */
    char colour[8];
    uint64_t n;                  /* posts in the row (all, not only those drawn) */
} ch_svg_row;

typedef struct ch_svg_dot {
    double seconds;              /* after publication (negative: before) */
    uint32_t row;
} ch_svg_dot;

/* Who repeated a statement and when: one dot per post at its delay after publication, on a
 * symmetric log scale (minutes to weeks), one row per cluster. */
void ch_svg_echo(ch_report_ctx *c, const ch_svg_dot *dots, size_t n, const ch_svg_row *rows,
                 size_t nrows, bool published_known);

/* x-axis ticks on round UTC boundaries over [t0, t1] drawn from x0 over a width pw, at
 * height y: dates ("2023-03-02"), or month-day and hour ("03-02 12:00") when ticks fall
 * within days; at most ~9 labels. */
void ch_svg_time_axis(ch_report_out *o, int64_t t0, int64_t t1, double x0, double pw, double y);
/* A bin width in words: "per hour", "per 6 hours", "per day", "per 7 days" (buf[32]). */
const char *ch_svg_per_bin(int64_t width, char buf[32]);

/* ---- coordination over time (svg_timeline.c) ------------------------------------------------ */

/* Points of the coordination chart at most: an hour each while the period has at most this
 * many hours, else a day each, else whole weeks (the caption says which). */
#define CH_REPORT_TL_MAX_POINTS 1200

/* The width of a point of the coordination chart for hours first..last (Unix seconds,
 * last >= first): 3600, 86400 or a multiple of 7 * 86400, the smallest of those giving at
 * most max points, counted as span / width + 2 (max below 3 counts as 3). */
int64_t ch_report_tl_width(int64_t first, int64_t last, size_t max);

/* ---- sections (one file each) --------------------------------------------------------------- */

void ch_report_clusters(ch_report_ctx *c);     /* html_clusters.c */
void ch_report_statements(ch_report_ctx *c);   /* html_statements.c */
void ch_svg_network(ch_report_ctx *c);         /* svg_network.c */
/* "Coordination over time": the timeline table as a chart (posts and the coordination index
 * per hour, spikes marked) and the strongest spike hours with the clusters that posted most in
 * them. A database without the table (before schema 3) gets a line saying so. Reads the table
 * once (O(rows), memory O(CH_REPORT_TL_MAX_POINTS)) and, per listed spike, the posts of
 * clustered accounts in that hour through the posts_account index. */
void ch_report_timeline(ch_report_ctx *c);     /* svg_timeline.c */

#endif
