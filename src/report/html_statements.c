/*
 * html_statements.c — the statements section: for each official statement (most repeated
 * first) who repeated it and when, as an echo plot relative to its publication, a table of
 * the accounts, and the closest copies side by side with the matching passages highlighted
 * (ch_report_pair, html_match.c).
 */
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "report/report_int.h"

#define DOTS_CLUSTERED 600   /* dots per echo plot for posts of clustered accounts ... */
#define DOTS_OTHER 400       /* ... and for everyone else (sampled evenly beyond that) */
#define ECHO_ROWS 8          /* clusters with a row of their own in an echo plot */

typedef struct echo_stats {
    uint64_t posts, accounts, clustered;
    int64_t first, last;
} echo_stats;

#define FROM_MATCHES                                                                  \
    " FROM matches m JOIN posts p ON p.post_id = m.post_id "                         \
    "LEFT JOIN accounts a ON a.account_id = p.account_id WHERE m.statement_id = ?1 "

static void bind_id(sqlite3_stmt *q, const char *id, size_t n)
{
    sqlite3_bind_text(q, 1, id, (int)n, SQLITE_STATIC);
}

static bool stats(ch_report_ctx *c, const char *id, size_t idn, echo_stats *st)
{
    memset(st, 0, sizeof *st);
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT count(*), count(DISTINCT p.account_id), total(a.cluster_id IS NOT NULL), "
           "min(p.created_at), max(p.created_at)" FROM_MATCHES);
    if (!q)
        return false;
    bind_id(q, id, idn);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        st->posts = (uint64_t)sqlite3_column_int64(q, 0);
        st->accounts = (uint64_t)sqlite3_column_int64(q, 1);
        st->clustered = (uint64_t)sqlite3_column_double(q, 2);
        st->first = sqlite3_column_int64(q, 3);
        st->last = sqlite3_column_int64(q, 4);
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    return !c->rc;
}

/* The echo plot: rows for the clusters that repeat the statement most, one for the other
 * clusters, one for accounts outside clusters; dots sampled evenly past the budgets. */
static void echo(ch_report_ctx *c, const char *id, size_t idn, const echo_stats *st,
                 bool known, int64_t published)
{
    ch_svg_row rows[ECHO_ROWS + 2];
    int64_t row_cluster[ECHO_ROWS];
    size_t nrows = 0, nclusters = 0;
    int other_row = -1, none_row = -1;
    ch_svg_dot *dots = NULL;
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT a.cluster_id, count(*) AS n" FROM_MATCHES
           "GROUP BY a.cluster_id ORDER BY a.cluster_id IS NULL, n DESC, a.cluster_id");
    if (!q)
        return;
    bind_id(q, id, idn);
    int rc;
    uint64_t other_n = 0, none_n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        uint64_t n = (uint64_t)sqlite3_column_int64(q, 1);
        if (sqlite3_column_type(q, 0) == SQLITE_NULL) {
            none_n += n;
        } else if (nclusters < ECHO_ROWS) {
            int64_t cl = sqlite3_column_int64(q, 0);
            ch_svg_row *r = &rows[nrows];
            snprintf(r->label, sizeof r->label, "cluster #%lld", (long long)cl);
            ch_report_colour(c, cl, r->colour);
            r->n = n;
            row_cluster[nclusters++] = cl;
            nrows++;
        } else {
            other_n += n;
        }
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    if (c->rc)
        return;
    if (other_n) {
        other_row = (int)nrows;
        rows[nrows++] = (ch_svg_row){"other clusters", "#7d8796", other_n};
    }
    if (none_n) {
        none_row = (int)nrows;
        rows[nrows++] = (ch_svg_row){"not in a cluster", "#aab1bc", none_n};
    }
    dots = ch_calloc(DOTS_CLUSTERED + DOTS_OTHER + 2, sizeof *dots);
    q = ch_report_prep(c, "SELECT p.created_at, a.cluster_id" FROM_MATCHES
                          "ORDER BY p.created_at, p.post_id");
    if (!dots || !q) {
        if (!dots)
            ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
        goto out;
    }
    bind_id(q, id, idn);
    const uint64_t nin = st->clustered, nout = st->posts - st->clustered;
    uint64_t iin = 0, iout = 0;
    size_t nd = 0;
    const int64_t zero = known ? published : st->first;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && nd < DOTS_CLUSTERED + DOTS_OTHER) {
        const bool clustered = sqlite3_column_type(q, 1) != SQLITE_NULL;
        /* even sampling: keep the i-th of n when it starts a new 1/budget slice */
        uint64_t i = clustered ? iin++ : iout++;
        uint64_t n = clustered ? nin : nout, budget = clustered ? DOTS_CLUSTERED : DOTS_OTHER;
        if (n > budget && (i + 1) * budget / n == i * budget / n)
            continue;
        int row = none_row;
        if (clustered) {
            int64_t cl = sqlite3_column_int64(q, 1);
            row = other_row;
            for (size_t k = 0; k < nclusters; k++)
                if (row_cluster[k] == cl)
                    row = (int)k;
        }
        if (row < 0)
            continue;   /* the tables changed under us; skip rather than misplace */
        dots[nd++] = (ch_svg_dot){ch_report_diff(sqlite3_column_int64(q, 0), zero), (uint32_t)row};
    }
    if (rc != SQLITE_ROW)
        ch_report_step_failed(c, rc);
    ch_svg_echo(c, dots, nd, rows, nrows, known);
    if (nin > DOTS_CLUSTERED || nout > DOTS_OTHER)
        ch_report_putf(&c->out, "<p class=\"cap\">%zu of the posts drawn, sampled evenly over "
                                "time; the counts on the left are complete.</p>", nd);
out:
    sqlite3_finalize(q);
    ch_free(dots);
}

static void who(ch_report_ctx *c, const char *id, size_t idn, const echo_stats *st, bool known,
                int64_t published)
{
    ch_report_out *o = &c->out;
    char a[32], b[32], col[8];
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT p.account_id, a.handle, a.cluster_id, count(*), min(p.created_at), a.score"
           FROM_MATCHES "GROUP BY p.account_id "
           "ORDER BY a.cluster_id IS NULL, min(p.created_at), p.account_id LIMIT ?2");
    if (!q)
        return;
    bind_id(q, id, idn);
    sqlite3_bind_int(q, 2, (int)c->o.max_items);
    ch_report_putf(o, "<h4>Who repeated it</h4><p class=\"cap\">Accounts in clusters first, "
                      "then everyone else, each in the order they first repeated it.</p><table><tr><th>account</th><th>cluster</th>"
                      "<th class=\"n\">posts</th><th class=\"n\">score</th><th>first</th>"
                      "<th class=\"n\">%s</th></tr>",
                   known ? "after publication" : "after the first");
    int rc;
    uint64_t n = 0;
    const int64_t zero = known ? published : st->first;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t an, hn;
        const char *acct = ch_report_col(q, 0, &an), *h = ch_report_col(q, 1, &hn);
        const int64_t t = sqlite3_column_int64(q, 4);
        ch_report_put(o, "<tr><td>");
        ch_report_handle(o, h, hn, acct, an);
        ch_report_put(o, "</td><td>");
        if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
            int64_t cl = sqlite3_column_int64(q, 2);
            ch_report_putf(o, "<span class=\"sw\" style=\"background:%s\"></span>",
                           ch_report_colour(c, cl, col));
            if (ch_report_rank(c, cl) >= 0)
                ch_report_putf(o, "<a href=\"#c%lld\">#%lld</a>", (long long)cl, (long long)cl);
            else
                ch_report_putf(o, "#%lld", (long long)cl);
        } else {
            ch_report_put(o, "<span class=\"muted\">none</span>");
        }
        const double d = ch_report_diff(t, zero);
        ch_report_putf(o, "</td><td class=\"n\">%lld</td><td class=\"n\">%.2f</td>"
                          "<td class=\"small\">%s</td><td class=\"n\"%s>%s</td></tr>",
                       (long long)sqlite3_column_int64(q, 3),
                       ch_report_unit(sqlite3_column_double(q, 5)),
                       ch_report_time(t, a), d < 0 ? " style=\"color:#9b2c1c\"" : "",
                       ch_report_dur(d, b));
        n++;
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    ch_report_put(o, "</table>");
    if (st->accounts > n)
        ch_report_putf(o, "<p class=\"more\">and %s more accounts</p>",
                       ch_report_num(st->accounts - n, a));
}

static void closest(ch_report_ctx *c, const char *id, size_t idn)
{
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT p.text, m.post_start, m.post_end, s.text, m.stmt_start, m.stmt_end, "
           "m.similarity, p.created_at, a.handle, p.account_id, s.published_at, s.source"
           " FROM matches m JOIN posts p ON p.post_id = m.post_id "
           "LEFT JOIN accounts a ON a.account_id = p.account_id "
           "LEFT JOIN statements s ON s.statement_id = m.statement_id WHERE m.statement_id = ?1 "
           "ORDER BY a.cluster_id IS NULL, m.similarity DESC, p.created_at, p.post_id LIMIT 2");
    if (!q)
        return;
    bind_id(q, id, idn);
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!n++)
            ch_report_put(&c->out, "<h4>Side by side</h4><p class=\"cap\">Closest copies "
                                   "(accounts in clusters first); the matching passage is "
                                   "highlighted in the post and in the statement.</p>");
        ch_report_match m;
        ch_report_match_row(q, &m);
        ch_report_pair(c, &m);
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
}

static void statement_section(ch_report_ctx *c, sqlite3_stmt *s, size_t rank)
{
    ch_report_out *o = &c->out;
    char a[32], b[32];
    size_t idn, srcn, tn;
    const char *id = ch_report_col(s, 0, &idn), *src = ch_report_col(s, 1, &srcn);
    const char *text = ch_report_col(s, 3, &tn);
    const bool known = sqlite3_column_type(s, 2) != SQLITE_NULL;
    const int64_t published = sqlite3_column_int64(s, 2);
    echo_stats st;
    if (!stats(c, id, idn, &st))
        return;
    ch_report_put(o, "<details class=\"sec stmt\" id=\"");
    ch_report_anchor(o, "s-", id, idn);
    ch_report_putf(o, "\"%s><summary><h3>", rank == 0 ? " open" : "");
    ch_report_excerpt(o, id, idn, 60);
    ch_report_put(o, "</h3>");
    if (srcn) {
        ch_report_put(o, "<span class=\"small\">");
        ch_report_excerpt(o, src, srcn, 80);
        ch_report_put(o, "</span>");
    }
    ch_report_putf(o, "<span class=\"pill\">%s</span>",
                   known ? ch_report_time(published, a) : "publication time unknown");
    ch_report_putf(o, "<span class=\"pill%s\">%s posts</span>", st.posts ? " hot" : "",
                   ch_report_num(st.posts, a));
    if (st.posts) {
        ch_report_putf(o, "<span class=\"pill\">%s accounts</span><span class=\"pill\">%.0f%% "
                          "from clusters</span>", ch_report_num(st.accounts, a),
                       100.0 * (double)st.clustered / (double)st.posts);
        if (known)
            ch_report_putf(o, "<span class=\"pill%s\">first %s %s</span>",
                           st.first < published ? " hot" : "",
                           ch_report_dur(st.first < published ? ch_report_diff(published, st.first)
                                                              : ch_report_diff(st.first, published), b),
                           st.first < published ? "before publication" : "after");
    }
    ch_report_put(o, "</summary><div class=\"body\"><blockquote dir=\"auto\">");
    ch_report_excerpt(o, text, tn, 900);
    ch_report_put(o, "</blockquote>");
    if (st.posts) {
        echo(c, id, idn, &st, known, published);
        if (!c->rc)
            who(c, id, idn, &st, known, published);
        if (!c->rc)
            closest(c, id, idn);
    }
    ch_report_put(o, "</div></details>\n");
}

void ch_report_statements(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32], b[32];
    ch_report_put(o, "<section id=\"statements\"><h2>Official statements and who repeated them"
                     "</h2>");
    if (!c->n_statements) {
        ch_report_put(o, "<p>No statements were given to the scan (<code>chorus scan -s "
                         "STATEMENTS</code>), so none were matched.</p></section>\n");
        return;
    }
    uint64_t repeated = 0;
    sqlite3_stmt *q = ch_report_prep(c, "SELECT count(DISTINCT statement_id) FROM matches");
    if (q && sqlite3_step(q) == SQLITE_ROW)
        repeated = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    ch_report_putf(o, "<p>%s of the %s statements were repeated, most repeated first. Each plot "
                      "puts one dot per post at its delay after the statement was published "
                      "(a log scale: minutes on the left, weeks on the right), one row per "
                      "cluster and one for accounts outside clusters. Dots in the red band "
                      "came <i>before</i> publication.</p>",
                   ch_report_num(repeated, a), ch_report_num(c->n_statements, b));
    q = ch_report_prep(c, "SELECT s.statement_id, s.source, s.published_at, s.text, "
                          "(SELECT count(*) FROM matches m WHERE m.statement_id = s.statement_id) "
                          "AS n FROM statements s ORDER BY n DESC, s.statement_id LIMIT ?1");
    if (!q)
        return;
    sqlite3_bind_int(q, 1, (int)c->o.top_statements);
    int rc;
    size_t rank = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && !c->rc) {
        if (sqlite3_column_int64(q, 4) == 0)
            break;   /* the unrepeated ones are listed compactly below */
        statement_section(c, q, rank++);
    }
    if (rc != SQLITE_ROW)
        ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    if (c->rc)
        return;
    if (repeated > rank)
        ch_report_putf(o, "<p class=\"more\">and %s more repeated statements "
                          "(<code>chorus export</code> has them all).</p>",
                       ch_report_num(repeated - rank, a));
    /* the ones nobody repeated, by id: useful to know they were looked for */
    q = ch_report_prep(c, "SELECT statement_id, count(*) OVER () FROM statements s WHERE NOT "
                          "EXISTS (SELECT 1 FROM matches m WHERE m.statement_id = s.statement_id)"
                          " ORDER BY statement_id LIMIT ?1");
    if (!q)
        return;
    sqlite3_bind_int(q, 1, 100);
    int n = 0;
    uint64_t total = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t len;
        const char *id = ch_report_col(q, 0, &len);
        total = (uint64_t)sqlite3_column_int64(q, 1);
        ch_report_put(o, n++ ? ", " : "<p class=\"small muted\">Not repeated by any post: ");
        ch_report_put(o, "<code>");
        ch_report_excerpt(o, id, len, 60);
        ch_report_put(o, "</code>");
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    if (total > (uint64_t)n)
        ch_report_putf(o, " and %s more", ch_report_num(total - (uint64_t)n, a));
    if (n)
        ch_report_put(o, ".</p>");
    ch_report_put(o, "</section>\n");
}
