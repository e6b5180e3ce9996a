/*
 * html_clusters.c — the clusters section: a table of the detailed clusters, then one
 * collapsible section each (activity against everyone else, members with scores and reasons,
 * the objects they shared with the posts, the statements they repeat side by side), then a
 * compact list of the rest. Every list is bounded by max_items; every query by LIMIT.
 */
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "report/report_int.h"

/* Plain words for a behaviour of the evidence table. */
static const char *behaviour_words(const char *b, size_t n)
{
    static const struct { const char *name, *words; } w[] = {
        {"repost", "reposted the same post"},      {"reply", "replied to the same post"},
        {"quote", "quoted the same post"},         {"link", "shared the same link"},
        {"hashtag", "used the same hashtags"},     {"narrative", "posted near-identical text"},
        {"statement", "repeated the same statement"}, {"mention", "mentioned the same account"},
        {"like", "liked the same post"},           {"thread", "commented in the same thread"},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (strlen(w[i].name) == n && memcmp(w[i].name, b, n) == 0)
            return w[i].words;
    return NULL;
}

static bool is_ref_behaviour(const char *b, size_t n)
{
    return (n == 6 && !memcmp(b, "repost", 6)) || (n == 5 && !memcmp(b, "reply", 5)) ||
           (n == 5 && !memcmp(b, "quote", 5)) || (n == 4 && !memcmp(b, "like", 4));
}

static void summary_table(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32], b[32], col[8];
    ch_report_put(o, "<table><tr><th>cluster</th><th class=\"n\">accounts</th><th>score</th>"
                     "<th>behaviours</th><th>active</th><th>summary</th></tr>");
    for (size_t i = 0; i < c->ntop; i++) {
        const ch_report_cluster *k = &c->top[i];
        ch_report_putf(o, "<tr><td><a href=\"#c%lld\"><span class=\"sw\" style=\"background:%s\">"
                          "</span>#%lld</a></td><td class=\"n\">%s</td>",
                       (long long)k->id, ch_report_colour(c, k->id, col), (long long)k->id,
                       ch_report_num((uint64_t)(k->size < 0 ? 0 : k->size), a));
        ch_report_putf(o, "<td class=\"n\"><span class=\"bar\"><i style=\"width:%.0f%%\"></i></span>"
                          "%.2f</td><td>", 100 * k->score,
                       k->score);
        ch_report_excerpt(o, k->behaviours, strlen(k->behaviours), 80);
        ch_report_putf(o, "</td><td class=\"small\">%s<br>%s</td><td class=\"small\">",
                       ch_report_date(k->first, a), ch_report_date(k->last, b));
        ch_report_excerpt(o, k->summary, strlen(k->summary), 200);
        ch_report_put(o, "</td></tr>");
    }
    ch_report_put(o, "</table>");
}

/* Members beyond the first max_items are listed too (an editor cannot run chorus inspect), in
 * compact rows under a collapsed "more members"; the search box finds them. Bounded all the
 * same: a cluster of a million accounts must not make a page of hundreds of megabytes. */
#define MAX_MEMBERS 20000

static void member_row(ch_report_ctx *c, sqlite3_stmt *q, unsigned nreasons)
{
    ch_report_out *o = &c->out;
    char a[32];
    size_t idn, hn, rn, pn;
    const char *id = ch_report_col(q, 0, &idn), *h = ch_report_col(q, 1, &hn);
    const char *r = ch_report_col(q, 4, &rn), *plat = ch_report_col(q, 6, &pn);
    double s = ch_report_unit(sqlite3_column_double(q, 3));
    ch_report_put(o, "<tr class=\"f\"><td>");
    ch_report_handle(o, h, hn, id, idn);
    ch_report_platform(o, plat, pn);
    ch_report_put(o, "<br><span class=\"id\">");
    ch_report_excerpt(o, id, idn, 64);
    ch_report_putf(o, "</span></td><td class=\"n\">%s</td><td class=\"n\"><span class=\"bar\">"
                      "<i style=\"width:%.0f%%\"></i></span>%.2f</td><td>",
                   ch_report_num((uint64_t)sqlite3_column_int64(q, 2), a), 100 * s, s);
    /* "member of cluster N" would repeat the heading of this section */
    ch_report_reasons(c, r, rn, nreasons, "member of cluster");
    ch_report_put(o, "</td></tr>");
}

static void members(ch_report_ctx *c, const ch_report_cluster *k)
{
    ch_report_out *o = &c->out;
    char a[32];
    sqlite3_stmt *q = ch_report_prep(
        c, c->has_platform
               ? "SELECT account_id, handle, n_posts, score, reasons, count(*) OVER (), platform "
                 "FROM accounts WHERE cluster_id = ?1 ORDER BY score DESC, account_id "
                 "LIMIT ?2 OFFSET ?3"
               : "SELECT account_id, handle, n_posts, score, reasons, count(*) OVER (), '' "
                 "FROM accounts WHERE cluster_id = ?1 ORDER BY score DESC, account_id "
                 "LIMIT ?2 OFFSET ?3");
    if (!q)
        return;
    static const char head[] = "<table><tr><th>account</th><th class=\"n\">posts</th>"
                               "<th>score</th><th>why this account scores high</th></tr>";
    ch_report_putf(o, "<h4>Members</h4>%s", head);
    const unsigned first = c->o.max_items;
    int rc;
    uint64_t total = 0, shown = 0;
    /* the strongest members in full, then the rest with their strongest reason */
    for (int part = 0; part < 2 && !c->rc; part++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, k->id);
        sqlite3_bind_int64(q, 2, part ? MAX_MEMBERS - (int64_t)first : (int64_t)first);
        sqlite3_bind_int64(q, 3, part ? (int64_t)first : 0);
        if (part) {
            if (total <= shown)
                break;
            ch_report_putf(o, "</table><details class=\"more\"><summary>%s more members "
                              "(lower scores)</summary>%s",
                           ch_report_num(total - shown, a), head);
        }
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            total = (uint64_t)sqlite3_column_int64(q, 5);
            shown++;
            member_row(c, q, part ? 1 : 3);
            if (c->rc)
                break;
        }
        ch_report_step_failed(c, rc);
        if (part)
            ch_report_put(o, "</table></details>");
        else if (total <= shown)
            ch_report_put(o, "</table>");
    }
    sqlite3_finalize(q);
    if (total > shown)
        ch_report_putf(o, "<p class=\"more\">and %s more members past the first %s (the "
                          "lowest scores); <code>chorus inspect DB --cluster %lld</code> lists "
                          "them all.</p>",
                       ch_report_num(total - shown, a), ch_report_num(MAX_MEMBERS, (char[32]){0}),
                       (long long)k->id);
}

/* The evidence rows of cluster ?1 (both accounts members), as a CTE named ev. */
#define EV_CTE                                                                                  \
    "WITH ev AS (SELECT e.post_a AS pa, e.post_b AS pb FROM evidence e "                        \
    "JOIN accounts aa ON aa.account_id = e.account_a "                                          \
    "JOIN accounts ab ON ab.account_id = e.account_b "                                          \
    "WHERE aa.cluster_id = ?1 AND ab.cluster_id = ?1 AND e.behaviour = ?2 AND e.object IS ?3), " \
    "ps AS (SELECT pa AS id FROM ev UNION SELECT pb FROM ev) "

/* One shared object: what it is, how many posts and accounts, how fast, and the posts. */
static void object(ch_report_ctx *c, const ch_report_cluster *k, sqlite3_stmt *obj)
{
    ch_report_out *o = &c->out;
    char a[32], b[32], d[32];
    size_t bn, on;
    const char *beh = ch_report_col(obj, 0, &bn), *what = ch_report_col(obj, 1, &on);
    const bool is_null = sqlite3_column_type(obj, 1) == SQLITE_NULL;
    sqlite3_stmt *agg = ch_report_prep(
        c, EV_CTE "SELECT count(*), count(DISTINCT p.account_id), min(p.created_at), "
                  "max(p.created_at) FROM ps JOIN posts p ON p.post_id = ps.id");
#define LIST_SQL(PLATFORM)                                                                      \
    EV_CTE "SELECT p.post_id, p.account_id, a.handle, p.created_at, p.text, p.kind, p.ref_id, " \
           PLATFORM " FROM ps JOIN posts p ON p.post_id = ps.id "                               \
           "LEFT JOIN accounts a ON a.account_id = p.account_id "                               \
           "ORDER BY p.created_at, p.post_id LIMIT ?4"
    sqlite3_stmt *list = ch_report_prep(c, c->has_platform ? LIST_SQL("p.platform")
                                                           : LIST_SQL("''"));
#undef LIST_SQL
    if (!agg || !list)
        goto out;
    sqlite3_stmt *qs[2] = {agg, list};
    for (int i = 0; i < 2; i++) {
        sqlite3_bind_int64(qs[i], 1, k->id);
        sqlite3_bind_text(qs[i], 2, beh, (int)bn, SQLITE_TRANSIENT);
        if (is_null)
            sqlite3_bind_null(qs[i], 3);
        else
            sqlite3_bind_text(qs[i], 3, what, (int)on, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int(list, 4, (int)(c->o.max_items < 12 ? c->o.max_items : 12));
    int rc = sqlite3_step(agg);
    if (rc != SQLITE_ROW) {
        ch_report_step_failed(c, rc);
        goto out;
    }
    const uint64_t nposts = (uint64_t)sqlite3_column_int64(agg, 0);
    const uint64_t naccts = (uint64_t)sqlite3_column_int64(agg, 1);
    const int64_t t0 = sqlite3_column_int64(agg, 2), t1 = sqlite3_column_int64(agg, 3);
    const char *words = behaviour_words(beh, bn);
    ch_report_put(o, "<div class=\"obj f\"><div><span class=\"pill\">");
    if (words)
        ch_report_put(o, words);
    else
        ch_report_excerpt(o, beh, bn, 40);
    char e[32];
    ch_report_putf(o, "</span> <b>%s accounts</b>, %s posts within %s, from %s UTC</div>",
                   ch_report_num(naccts, a), ch_report_num(nposts, b),
                   ch_report_dur(ch_report_diff(t1, t0), d), ch_report_time(t0, e));
    const bool ref = is_ref_behaviour(beh, bn);
    if (!ref && on) {
        ch_report_put(o, "<div class=\"small\">shared object: <code>");
        ch_report_excerpt(o, what, on, 300);
        ch_report_put(o, "</code></div>");
    }
    int n = 0;
    while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
        size_t pn, an, hn, tn, kn, rn;
        ch_report_col(list, 0, &pn);
        const char *acct = ch_report_col(list, 1, &an), *h = ch_report_col(list, 2, &hn);
        const char *text = ch_report_col(list, 4, &tn), *kind = ch_report_col(list, 5, &kn);
        const char *refid = ch_report_col(list, 6, &rn);
        size_t pln;
        const char *plat = ch_report_col(list, 7, &pln);
        const int64_t t = sqlite3_column_int64(list, 3);
        if (n == 0) {
            /* the object itself once: the original post when it is in the data, else the
             * first post's text */
            bool shown = false;
            if (ref && rn) {
                sqlite3_stmt *orig = ch_report_prep(
                    c, "SELECT p.text, a.handle, p.account_id, p.created_at FROM posts p "
                       "LEFT JOIN accounts a ON a.account_id = p.account_id WHERE p.post_id = ?1");
                if (orig) {
                    sqlite3_bind_text(orig, 1, refid, (int)rn, SQLITE_STATIC);
                    if (sqlite3_step(orig) == SQLITE_ROW) {
                        size_t otn, ohn, oan;
                        const char *ot = ch_report_col(orig, 0, &otn);
                        const char *oh = ch_report_col(orig, 1, &ohn);
                        const char *oa = ch_report_col(orig, 2, &oan);
                        ch_report_put(o, "<blockquote dir=\"auto\"><span class=\"lab\">original "
                                         "post by ");
                        ch_report_handle(o, oh, ohn, oa, oan);
                        ch_report_putf(o, ", %s</span>",
                                       ch_report_time(sqlite3_column_int64(orig, 3), a));
                        ch_report_excerpt(o, ot, otn, 600);
                        ch_report_put(o, "</blockquote>");
                        shown = true;
                    }
                    sqlite3_finalize(orig);
                }
            }
            if (!shown) {
                ch_report_put(o, "<blockquote dir=\"auto\">");
                ch_report_excerpt(o, text, tn, 600);
                ch_report_put(o, "</blockquote>");
            }
            ch_report_put(o, "<ol class=\"who\">");
        }
        /* a repost repeats the original word for word: its text would add nothing */
        const bool with_text = !(kn == 6 && !memcmp(kind, "repost", 6)) && tn;
        ch_report_putf(o, "<li%s>", with_text ? " class=\"wide\"" : "");
        ch_report_handle(o, h, hn, acct, an);
        ch_report_platform(o, plat, pln);
        ch_report_putf(o, " <b>+%s</b> <span class=\"id\">%s</span>",
                       ch_report_dur(ch_report_diff(t, t0), b), ch_report_time(t, a) + 11);
        if (with_text) {
            ch_report_put(o, " <span class=\"muted small\" dir=\"auto\">");
            ch_report_excerpt(o, text, tn, 140);
            ch_report_put(o, "</span>");
        }
        ch_report_put(o, "</li>");
        n++;
    }
    ch_report_step_failed(c, rc);
    if (n)
        ch_report_put(o, "</ol>");
    if (nposts > (uint64_t)n)
        ch_report_putf(o, "<p class=\"more\">and %s more posts</p>", ch_report_num(nposts - (uint64_t)n, a));
    ch_report_put(o, "</div>");
out:
    sqlite3_finalize(agg);
    sqlite3_finalize(list);
}

static void shared_objects(ch_report_ctx *c, const ch_report_cluster *k)
{
    ch_report_out *o = &c->out;
    char a[32];
    if (!c->has_evidence)
        return;
    /* bounded: the objects shared most often within the cluster */
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT e.behaviour, e.object, count(*) AS n, count(*) OVER () FROM evidence e "
           "JOIN accounts aa ON aa.account_id = e.account_a "
           "JOIN accounts ab ON ab.account_id = e.account_b "
           "WHERE aa.cluster_id = ?1 AND ab.cluster_id = ?1 "
           "GROUP BY e.behaviour, e.object ORDER BY n DESC, e.behaviour, e.object LIMIT ?2");
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, k->id);
    sqlite3_bind_int(q, 2, (int)(c->o.max_items < 8 ? c->o.max_items : 8));
    int rc, n = 0;
    uint64_t total = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!n++)
            ch_report_put(o, "<h4>What they shared</h4><p class=\"cap\">The objects the members "
                             "acted on together most often; under each, the accounts in the "
                             "order they posted, with the delay after the first post and the "
                             "time of day (UTC).</p>");
        total = (uint64_t)sqlite3_column_int64(q, 3);
        object(c, k, q);
        if (c->rc)
            break;
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    if (total > (uint64_t)n)
        ch_report_putf(o, "<p class=\"more\">and %s more shared objects</p>",
                       ch_report_num(total - (uint64_t)n, a));
}

typedef struct stmt_ref {
    char id[128];
    int64_t published;
    bool known;
} stmt_ref;

/* The statements the cluster's posts repeat, most repeated first (at most 5). */
static size_t cluster_statements(ch_report_ctx *c, const ch_report_cluster *k, stmt_ref *out,
                                 uint64_t *total)
{
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT m.statement_id, count(*) AS n, s.published_at, count(*) OVER () "
           "FROM accounts a JOIN posts p ON p.account_id = a.account_id "
           "JOIN matches m ON m.post_id = p.post_id "
           "LEFT JOIN statements s ON s.statement_id = m.statement_id "
           "WHERE a.cluster_id = ?1 GROUP BY m.statement_id ORDER BY n DESC, m.statement_id LIMIT 5");
    size_t n = 0;
    *total = 0;
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, k->id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < 5) {
        size_t len;
        const char *id = ch_report_col(q, 0, &len);
        if (len >= sizeof out[n].id)
            len = ch_report_utf8_floor(id, len, sizeof out[n].id - 1);
        memcpy(out[n].id, id, len);
        out[n].id[len] = '\0';
        out[n].known = sqlite3_column_type(q, 2) != SQLITE_NULL;
        out[n].published = sqlite3_column_int64(q, 2);
        *total = (uint64_t)sqlite3_column_int64(q, 3);
        n++;
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    return n;
}

static void parroted(ch_report_ctx *c, const ch_report_cluster *k, const stmt_ref *st, size_t n,
                     uint64_t total)
{
    ch_report_out *o = &c->out;
    char a[32];
    if (!n)
        return;
    ch_report_put(o, "<h4>Statements they repeat</h4><p class=\"cap\">For each statement, the "
                     "closest copy beside the statement; the matching passage is highlighted in "
                     "both.</p>");
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT p.text, m.post_start, m.post_end, s.text, m.stmt_start, m.stmt_end, "
           "m.similarity, p.created_at, a.handle, p.account_id, s.published_at, s.source, "
           "m.statement_id, count(*) OVER () FROM accounts a "
           "JOIN posts p ON p.account_id = a.account_id JOIN matches m ON m.post_id = p.post_id "
           "LEFT JOIN statements s ON s.statement_id = m.statement_id "
           "WHERE a.cluster_id = ?1 AND m.statement_id = ?2 "
           "ORDER BY m.similarity DESC, p.created_at, p.post_id LIMIT 1");
    if (!q)
        return;
    for (size_t i = 0; i < n && !c->rc; i++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, k->id);
        sqlite3_bind_text(q, 2, st[i].id, -1, SQLITE_STATIC);
        int rc, shown = 0;
        uint64_t all = 0;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            ch_report_match m;
            ch_report_match_row(q, &m);
            m.stmt_id = ch_report_col(q, 12, &m.stmt_id_n);
            m.show_statement_id = true;
            all = (uint64_t)sqlite3_column_int64(q, 13);
            ch_report_pair(c, &m);
            shown++;
        }
        ch_report_step_failed(c, rc);
        if (all > (uint64_t)shown) {
            ch_report_putf(o, "<p class=\"more\">and %s more posts of this cluster repeat "
                              "statement <a href=\"#", ch_report_num(all - (uint64_t)shown, a));
            ch_report_anchor(o, "s-", st[i].id, strlen(st[i].id));
            ch_report_put(o, "\">");
            ch_report_textz(o, st[i].id);
            ch_report_put(o, "</a></p>");
        }
    }
    sqlite3_finalize(q);
    if (total > n)
        ch_report_putf(o, "<p class=\"more\">and %s more statements</p>", ch_report_num(total - n, a));
}

static void cluster_section(ch_report_ctx *c, size_t rank)
{
    ch_report_out *o = &c->out;
    const ch_report_cluster *k = &c->top[rank];
    char col[8], a[32], b[32], d[32];
    ch_report_colour(c, k->id, col);
    stmt_ref st[5];
    uint64_t nst_total;
    size_t nst = cluster_statements(c, k, st, &nst_total);
    if (c->rc)
        return;
    /* the first clusters open, so the report shows evidence without a click */
    ch_report_putf(o, "<details class=\"sec cluster\" id=\"c%lld\"%s><summary>"
                      "<span class=\"sw\" style=\"background:%s\"></span><h3>Cluster #%lld</h3>"
                      "<span class=\"pill\">%s accounts</span><span class=\"pill hot\">score %.2f"
                      "</span><span class=\"pill\">",
                   (long long)k->id, rank < 2 ? " open" : "", col, (long long)k->id,
                   ch_report_num((uint64_t)(k->size < 0 ? 0 : k->size), a), k->score);
    ch_report_excerpt(o, k->behaviours, strlen(k->behaviours), 80);
    ch_report_put(o, "</span><span class=\"muted small\">");
    ch_report_excerpt(o, k->summary, strlen(k->summary), 200);
    ch_report_putf(o, "</span></summary><div class=\"body\"><p class=\"small muted\">Active from "
                      "%s to %s (%s).</p>",
                   ch_report_time(k->first, a), ch_report_time(k->last, b),
                   ch_report_dur(ch_report_diff(k->last, k->first), d));
    if (c->nbins && c->h_top) {
        uint32_t *bg = ch_calloc(c->nbins, sizeof *bg);
        if (!bg) {
            ch_report_fail(c, CHORUS_ENOMEM, "out of memory");
            return;
        }
        const uint32_t *fg = c->h_top + rank * c->nbins;
        for (size_t i = 0; i < c->nbins; i++)
            bg[i] = c->h_all[i] - fg[i];
        ch_svg_mark marks[5];
        size_t nm = 0;
        for (size_t i = 0; i < nst; i++)
            if (st[i].known)
                marks[nm++] = (ch_svg_mark){st[i].published, st[i].id};
        for (size_t i = 1; i < nm; i++)   /* by time, for the placement of their names */
            for (size_t j = i; j > 0 && marks[j].t < marks[j - 1].t; j--) {
                ch_svg_mark t = marks[j];
                marks[j] = marks[j - 1];
                marks[j - 1] = t;
            }
        ch_report_put(o, "<h4>Activity</h4>");
        ch_svg_activity(c, bg, fg, col, "posts of this cluster", "posts of all other accounts",
                        marks, nm);
        ch_free(bg);
    }
    members(c, k);
    if (!c->rc)
        shared_objects(c, k);
    if (!c->rc)
        parroted(c, k, st, nst, nst_total);
    ch_report_put(o, "</div></details>\n");
}

static void other_clusters(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32], col[8];
    if (c->n_clusters <= c->ntop)
        return;
    const uint64_t rest = c->n_clusters - c->ntop;
    /* compact rows, ~250 bytes each with the members: every clustered account of a scan
     * with 20,000 clusters is in the page */
    const unsigned list = 20000;
    ch_report_putf(o, "<details class=\"more\"><summary>%s more clusters, by score</summary>"
                      "<table class=\"small\"><tr><th>cluster</th><th class=\"n\">accounts</th>"
                      "<th class=\"n\">score</th><th>behaviours</th><th>summary</th>"
                      "<th>members</th></tr>",
                   ch_report_num(rest, a));
    /* every member's handle, so each clustered account is in the page and the search finds it
     * (the row of a cluster of more than 200 accounts names its 200 strongest) */
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT cluster_id, size, score, behaviours, summary, (SELECT group_concat(h, ' ') "
           "FROM (SELECT '@' || coalesce(nullif(handle, ''), account_id) AS h FROM accounts a "
           "WHERE a.cluster_id = clusters.cluster_id ORDER BY score DESC, account_id LIMIT 200)) "
           "FROM clusters ORDER BY score DESC, cluster_id LIMIT ?1 OFFSET ?2");
    if (!q)
        return;
    sqlite3_bind_int(q, 1, (int)list);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)c->ntop);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t bn, sn;
        const char *beh = ch_report_col(q, 3, &bn), *sum = ch_report_col(q, 4, &sn);
        int64_t id = sqlite3_column_int64(q, 0);
        ch_report_putf(o, "<tr class=\"f\"><td><span class=\"sw\" style=\"background:%s\"></span>#%lld</td>"
                          "<td class=\"n\">%lld</td><td class=\"n\">%.2f</td><td>",
                       ch_report_colour(c, id, col), (long long)id,
                       (long long)sqlite3_column_int64(q, 1),
                       ch_report_unit(sqlite3_column_double(q, 2)));
        ch_report_excerpt(o, beh, bn, 60);
        ch_report_put(o, "</td><td>");
        ch_report_excerpt(o, sum, sn, 120);
        size_t mn;
        const char *mem = ch_report_col(q, 5, &mn);
        ch_report_put(o, "</td><td class=\"small\"><bdi>");
        ch_report_excerpt(o, mem, mn, 8000);
        ch_report_put(o, "</bdi></td></tr>");
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    ch_report_put(o, "</table>");
    if (rest > list)
        ch_report_putf(o, "<p class=\"more\">and %s more clusters: <code>chorus inspect DB "
                          "--cluster ID</code> or <code>chorus export</code> show them all.</p>",
                       ch_report_num(rest - list, a));
    ch_report_put(o, "</details>");
}

void ch_report_clusters(ch_report_ctx *c)
{
    ch_report_out *o = &c->out;
    char a[32], b[32];
    ch_report_put(o, "<section id=\"clusters\"><h2>Coordinated clusters</h2>");
    if (!c->n_clusters) {
        ch_report_put(o, "<p>No cluster was found: no group of accounts acted together more "
                         "often than chance explains.</p></section>\n");
        return;
    }
    ch_report_putf(o, "<p>%s clusters, strongest first.", ch_report_num(c->n_clusters, a));
    if (c->n_clusters > c->ntop)
        ch_report_putf(o, " The first %s have a section each; the rest are listed at the end.",
                       ch_report_num(c->ntop, b));
    ch_report_put(o, " Open a section for the members, the evidence and the statements they "
                     "repeat.</p>");
    summary_table(c);
    for (size_t i = 0; i < c->ntop && !c->rc; i++)
        cluster_section(c, i);
    if (!c->rc)
        other_clusters(c);
    ch_report_put(o, "</section>\n");
}
