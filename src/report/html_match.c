/*
 * html_match.c — a post beside the statement it repeats, with the matching passages marked in
 * both: the one rendering of a parroting match, shared by the cluster and statement sections
 * (which sit above it and never call each other).
 */
#include <string.h>

#include "chorus.h"
#include "report/report_int.h"

#define PAIR_CONTEXT 220     /* bytes of text shown around a matched passage */
#define PAIR_MAXMARK 1600    /* a longer passage shows its two ends */

void ch_report_match_row(sqlite3_stmt *q, ch_report_match *m)
{
    *m = (ch_report_match){0};
    m->post = ch_report_col(q, 0, &m->post_n);
    m->ps = sqlite3_column_int64(q, 1);
    m->pe = sqlite3_column_int64(q, 2);
    m->stmt = ch_report_col(q, 3, &m->stmt_n);
    m->ss = sqlite3_column_int64(q, 4);
    m->se = sqlite3_column_int64(q, 5);
    m->similarity = ch_report_unit(sqlite3_column_double(q, 6));
    m->posted = sqlite3_column_int64(q, 7);
    m->handle = ch_report_col(q, 8, &m->handle_n);
    m->account = ch_report_col(q, 9, &m->account_n);
    m->published_known = sqlite3_column_type(q, 10) != SQLITE_NULL;
    m->published = sqlite3_column_int64(q, 10);
    m->source = ch_report_col(q, 11, &m->source_n);
}

void ch_report_pair(ch_report_ctx *c, const ch_report_match *m)
{
    ch_report_out *o = &c->out;
    char a[32], b[32];
    ch_report_put(o, "<div class=\"pair\"><div dir=\"auto\"><span class=\"lab\">post by ");
    ch_report_handle(o, m->handle, m->handle_n, m->account, m->account_n);
    ch_report_putf(o, " · %s", ch_report_time(m->posted, a));
    if (m->published_known) {
        double d = ch_report_diff(m->posted, m->published);
        if (d < 0)
            ch_report_putf(o, " · <b style=\"color:#9b2c1c\">%s before publication</b>",
                           ch_report_dur(-d, b));
        else
            ch_report_putf(o, " · %s after publication", ch_report_dur(d, b));
    }
    ch_report_put(o, "</span>");
    ch_report_passage(o, m->post, m->post_n, m->ps, m->pe, PAIR_CONTEXT, PAIR_MAXMARK);
    ch_report_put(o, "</div><div dir=\"auto\"><span class=\"lab\">");
    if (m->show_statement_id) {
        ch_report_put(o, "statement <a href=\"#");
        ch_report_anchor(o, "s-", m->stmt_id, m->stmt_id_n);
        ch_report_put(o, "\">");
        ch_report_excerpt(o, m->stmt_id, m->stmt_id_n, 60);
        ch_report_put(o, "</a>");
    } else {
        ch_report_put(o, "statement");
    }
    if (m->source_n) {
        ch_report_put(o, " · ");
        ch_report_excerpt(o, m->source, m->source_n, 80);
    }
    ch_report_putf(o, " · similarity %.2f</span>", m->similarity);
    ch_report_passage(o, m->stmt, m->stmt_n, m->ss, m->se, PAIR_CONTEXT, PAIR_MAXMARK);
    ch_report_put(o, "</div></div>");
}
