/*
 * cmd_inspect.c — `chorus inspect DB [--cluster ID | --account ID]`: the evidence in the
 * terminal. Without an option: the run's overview, the top clusters and accounts.
 * Reads the results database only (read-only open), so it works on any database chorus wrote.
 */
#include <getopt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/timeparse.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus inspect DB [--cluster ID | --account ID|HANDLE] [--limit N]\n"
            "\n"
            "Prints what a scan found, with the evidence: without an option the overview and\n"
            "the top clusters and accounts; --cluster the members, their scores and reasons,\n"
            "the shared objects and the parroted statements; --account one account's score,\n"
            "reasons, partners and matches.\n"
            "\n"
            "examples:\n"
            "  chorus inspect chorus.db\n"
            "  chorus inspect chorus.db --cluster 0\n"
            "  chorus inspect chorus.db --account some_handle\n");
}

static void when(int64_t t, char buf[48])
{
    ch_time_format(t, buf);
}

/* Prints s with newlines folded, cut to at most `max` bytes at a UTF-8 boundary. */
static void put_excerpt(const char *s, int len, int max)
{
    if (!s)
        return;
    if (len < 0)
        len = (int)strlen(s);
    int n = len < max ? len : max;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    for (int i = 0; i < n; i++)
        putchar(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
    if (n < len)
        fputs("…", stdout);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        cli_err("inspect: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return q;
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

static int overview(sqlite3 *db, int limit)
{
    sqlite3_stmt *q = prep(db, "SELECT key, value FROM run ORDER BY key");
    if (!q)
        return EXIT_RUNTIME;
    printf("run\n");
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *k = col(q, 0);
        if (!strncmp(k, "count.", 6) || !strncmp(k, "input.", 6) || !strcmp(k, "version") ||
            !strncmp(k, "statements.", 11) || !strcmp(k, "param.window_seconds"))
            printf("  %-24s %s\n", k, col(q, 1));
    }
    sqlite3_finalize(q);
    q = prep(db, "SELECT cluster_id, size, score, behaviours, first_seen, last_seen, summary "
                 "FROM clusters ORDER BY score DESC, cluster_id LIMIT ?1");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_int(q, 1, limit);
    printf("\nclusters (chorus inspect DB --cluster ID)\n");
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        char a[48], b[48];
        when(sqlite3_column_int64(q, 4), a);
        when(sqlite3_column_int64(q, 5), b);
        printf("  #%-4lld score %.2f  %3lld accounts  %s .. %s\n        %s\n",
               (long long)sqlite3_column_int64(q, 0), sqlite3_column_double(q, 2),
               (long long)sqlite3_column_int64(q, 1), a, b, col(q, 6));
        n++;
    }
    if (!n)
        printf("  none\n");
    sqlite3_finalize(q);
    q = prep(db, "SELECT account_id, handle, score, cluster_id, n_posts FROM accounts "
                 "WHERE score IS NOT NULL ORDER BY score DESC, account_id LIMIT ?1");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_int(q, 1, limit);
    printf("\ntop accounts (chorus inspect DB --account ID)\n");
    while (sqlite3_step(q) == SQLITE_ROW) {
        printf("  %.2f  @%-20s id %-22s posts %-6lld cluster %s\n", sqlite3_column_double(q, 2),
               col(q, 1), col(q, 0), (long long)sqlite3_column_int64(q, 4),
               sqlite3_column_type(q, 3) == SQLITE_NULL ? "-" : col(q, 3));
    }
    sqlite3_finalize(q);
    return EXIT_OK;
}

/* The matches of the posts of a set of accounts (a SQL condition on posts p), with the post
 * passage and the statement passage side by side. */
static void print_matches(sqlite3 *db, const char *where, const char *bind, long long bindi,
                          int limit)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT m.post_id, a.handle, p.created_at, m.statement_id, m.similarity, "
             "p.text, m.post_start, m.post_end, s.text, m.stmt_start, m.stmt_end, "
             "m.before_publication FROM matches m JOIN posts p ON p.post_id = m.post_id "
             "JOIN accounts a ON a.account_id = p.account_id "
             "LEFT JOIN statements s ON s.statement_id = m.statement_id "
             "WHERE %s ORDER BY p.created_at LIMIT ?2", where);
    sqlite3_stmt *q = prep(db, sql);
    if (!q)
        return;
    if (bind)
        sqlite3_bind_text(q, 1, bind, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(q, 1, bindi);
    sqlite3_bind_int(q, 2, limit);
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (!n++)
            printf("\nparroted statements (post passage | statement passage)\n");
        char t[48];
        when(sqlite3_column_int64(q, 2), t);
        int ps = sqlite3_column_int(q, 6), pe = sqlite3_column_int(q, 7);
        int ss = sqlite3_column_int(q, 9), se = sqlite3_column_int(q, 10);
        const char *ptext = col(q, 5), *stext = col(q, 8);
        int plen = (int)strlen(ptext), slen = (int)strlen(stext);
        printf("  %s @%s post %s ~ statement %s (similarity %.2f%s)\n", t, col(q, 1), col(q, 0),
               col(q, 3), sqlite3_column_double(q, 4),
               sqlite3_column_type(q, 11) == SQLITE_NULL ? ""
               : sqlite3_column_int(q, 11)               ? ", before publication"
                                                         : "");
        printf("    post:      \"");
        if (ps >= 0 && pe <= plen && ps < pe)
            put_excerpt(ptext + ps, pe - ps, 200);
        printf("\"\n    statement: \"");
        if (ss >= 0 && se <= slen && ss < se)
            put_excerpt(stext + ss, se - ss, 200);
        printf("\"\n");
    }
    sqlite3_finalize(q);
}

static int cluster(sqlite3 *db, long long id, int limit)
{
    sqlite3_stmt *q = prep(db, "SELECT size, score, behaviours, first_seen, last_seen, summary "
                               "FROM clusters WHERE cluster_id = ?1");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        cli_err("inspect: no cluster %lld (see 'chorus inspect DB')", id);
        return EXIT_RUNTIME;
    }
    char a[48], b[48];
    when(sqlite3_column_int64(q, 3), a);
    when(sqlite3_column_int64(q, 4), b);
    printf("cluster #%lld: %lld accounts, score %.2f, behaviours %s\n  %s .. %s\n  %s\n", id,
           (long long)sqlite3_column_int64(q, 0), sqlite3_column_double(q, 1), col(q, 2), a, b,
           col(q, 5));
    sqlite3_finalize(q);

    q = prep(db, "SELECT account_id, handle, score, n_posts, reasons FROM accounts "
                 "WHERE cluster_id = ?1 ORDER BY score DESC, account_id");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_int64(q, 1, id);
    printf("\nmembers (score, handle, top reasons)\n");
    while (sqlite3_step(q) == SQLITE_ROW) {
        printf("  %.2f  @%-20s id %-20s posts %lld\n", sqlite3_column_double(q, 2), col(q, 1),
               col(q, 0), (long long)sqlite3_column_int64(q, 3));
        const char *r = strstr(col(q, 4), "\"top_reasons\":[");
        if (r) {
            printf("        ");
            put_excerpt(r + 15, (int)(strchr(r, ']') ? strchr(r, ']') - r - 15 : 0), 300);
            printf("\n");
        }
    }
    sqlite3_finalize(q);

    q = prep(db, "SELECT e.behaviour, pa.text, pa.created_at, pb.created_at, aa.handle, "
                 "ab.handle, pa.ref_id FROM evidence e "
                 "JOIN accounts aa ON aa.account_id = e.account_a "
                 "JOIN accounts ab ON ab.account_id = e.account_b "
                 "JOIN posts pa ON pa.post_id = e.post_a JOIN posts pb ON pb.post_id = e.post_b "
                 "WHERE aa.cluster_id = ?1 AND ab.cluster_id = ?1 "
                 "ORDER BY pa.created_at LIMIT ?2");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int(q, 2, limit);
    printf("\nshared objects (behaviour, accounts, seconds apart, post)\n");
    while (sqlite3_step(q) == SQLITE_ROW) {
        long long gap = (long long)(sqlite3_column_int64(q, 3) - sqlite3_column_int64(q, 2));
        printf("  %-9s @%s + @%s  %+llds  \"", col(q, 0), col(q, 4), col(q, 5), gap);
        put_excerpt(col(q, 1), -1, 100);
        printf("\"\n");
    }
    sqlite3_finalize(q);
    print_matches(db, "a.cluster_id = ?1", NULL, id, limit);
    return EXIT_OK;
}

static int account(sqlite3 *db, const char *id, int limit)
{
    sqlite3_stmt *q = prep(db, "SELECT account_id, handle, n_posts, score, cluster_id, reasons "
                               "FROM accounts WHERE account_id = ?1 OR handle = ?1 LIMIT 1");
    if (!q)
        return EXIT_RUNTIME;
    sqlite3_bind_text(q, 1, id[0] == '@' ? id + 1 : id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        cli_err("inspect: no account with id or handle '%s'", id);
        return EXIT_RUNTIME;
    }
    char *aid = strdup(col(q, 0));
    printf("account @%s (id %s), %lld posts, score %.2f, cluster %s\nreasons %s\n", col(q, 1),
           aid, (long long)sqlite3_column_int64(q, 2), sqlite3_column_double(q, 3),
           sqlite3_column_type(q, 4) == SQLITE_NULL ? "none" : col(q, 4), col(q, 5));
    sqlite3_finalize(q);
    q = prep(db, "SELECT behaviour, CASE WHEN account_a = ?1 THEN account_b ELSE account_a END, "
                 "n_objects, n_events, pvalue FROM edges WHERE account_a = ?1 OR account_b = ?1 "
                 "ORDER BY pvalue, n_objects DESC LIMIT ?2");
    if (q) {
        sqlite3_bind_text(q, 1, aid, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, limit);
        printf("\nco-action partners (behaviour, partner, shared objects, events, p)\n");
        while (sqlite3_step(q) == SQLITE_ROW)
            printf("  %-9s %-22s %4lld %5lld  %.2g\n", col(q, 0), col(q, 1),
                   (long long)sqlite3_column_int64(q, 2), (long long)sqlite3_column_int64(q, 3),
                   sqlite3_column_double(q, 4));
        sqlite3_finalize(q);
    }
    print_matches(db, "p.account_id = ?1", aid, 0, limit);
    free(aid);
    return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"cluster", required_argument, 0, 'c'}, {"account", required_argument, 0, 'a'},
        {"limit", required_argument, 0, 'n'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *acct = NULL;
    long long cl = -1;
    int limit = 20, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:a:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cl = strtoll(optarg, &end, 10);
            if (*end || cl < 0) {
                cli_err("inspect: --cluster takes a cluster number");
                return EXIT_USAGE;
            }
            break;
        case 'a': acct = optarg; break;
        case 'n':
            limit = (int)strtol(optarg, &end, 10);
            if (*end || limit < 1) {
                cli_err("inspect: --limit takes a positive number");
                return EXIT_USAGE;
            }
            break;
        case 'h': help(stdout); return EXIT_OK;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || (acct && cl >= 0)) {
        help(stderr);
        return EXIT_USAGE;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[optind], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        cli_err("inspect: cannot open '%s': %s", argv[optind], sqlite3_errmsg(db));
        sqlite3_close(db);
        return EXIT_RUNTIME;
    }
    sqlite3_stmt *probe;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM run LIMIT 1", -1, &probe, NULL) != SQLITE_OK) {
        cli_err("inspect: '%s' is not a chorus results database", argv[optind]);
        sqlite3_close(db);
        return EXIT_RUNTIME;
    }
    sqlite3_finalize(probe);
    int status = acct ? account(db, acct, limit) : cl >= 0 ? cluster(db, cl, limit)
                                                           : overview(db, limit);
    sqlite3_close(db);
    return status;
}
