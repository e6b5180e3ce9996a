/*
 * cmd_inspect.c — `chorus inspect DB [--cluster ID | --account ID]`: the evidence in the
 * terminal. Without an option: the run's overview, the top clusters and accounts.
 * Reads the results database through the library's read API (chorus_results_*), so it works
 * on any database chorus wrote that this version can read (docs/schema.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus inspect DB [--cluster ID | --account ID|HANDLE | --timeline]\n"
            "                         [--limit N]\n"
            "\n"
            "Prints what a scan found, with the evidence: without an option the overview and\n"
            "the top clusters and accounts; --cluster the members, their scores and reasons,\n"
            "the shared objects and the parroted statements; --account one account's score,\n"
            "reasons, partners and matches; --timeline the hourly coordination index (share\n"
            "of each hour's posts by clustered accounts) with its spikes marked.\n"
            "\n"
            "examples:\n"
            "  chorus inspect chorus.db\n"
            "  chorus inspect chorus.db --cluster 0\n"
            "  chorus inspect chorus.db --account some_handle\n"
            "  chorus inspect chorus.db --timeline --limit 200\n");
}

/* A time as inspect prints it: NULL (unknown) reads as 0, as SQLite gives it. */
static const char *when(int64_t t, char buf[48])
{
    return chorus_time_format(t == CHORUS_NULL ? 0 : t, buf, 48);
}

static const char *str(const char *s)
{
    return s ? s : "";
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

/* A query's failure (chorus_results_error), as "inspect: ..." */
static int failed(chorus_results *r)
{
    cli_err("inspect: %s", chorus_results_error(r)->message);
    return EXIT_RUNTIME;
}

/* ---- overview ---------------------------------------------------------------------------- */

static int run_row(void *ctx, const char *k, const char *v)
{
    (void)ctx;
    k = str(k);
    if (!strncmp(k, "count.", 6) || !strncmp(k, "input.", 6) || !strcmp(k, "version") ||
        !strncmp(k, "statements.", 11) || !strcmp(k, "param.window_seconds"))
        printf("  %-24s %s\n", k, str(v));
    return 0;
}

static int cluster_line(void *ctx, const chorus_cluster *c)
{
    int *n = ctx;
    char a[48], b[48];
    printf("  #%-4lld score %.2f  %3lld accounts  %s .. %s\n        %s\n", (long long)c->id,
           c->score, (long long)c->size, when(c->first_seen, a), when(c->last_seen, b),
           str(c->summary));
    (*n)++;
    return 0;
}

static int account_line(void *ctx, const chorus_account *a)
{
    (void)ctx;
    char cl[32];
    if (a->cluster == CHORUS_NULL)
        snprintf(cl, sizeof cl, "-");
    else
        snprintf(cl, sizeof cl, "%lld", (long long)a->cluster);
    printf("  %.2f  @%-20s id %-22s posts %-6lld cluster %s\n", a->score, str(a->handle),
           str(a->id), (long long)a->n_posts, cl);
    return 0;
}

/* ---- coordination over time -------------------------------------------------------------- */

static int timeline_line(void *ctx, const chorus_timeline *t)
{
    int *n = ctx;
    char h[48];
    if (!(*n)++)
        printf("  %-20s %8s %8s %12s %9s\n", "hour (UTC)", "posts", "accounts", "coordination",
               "robust z");
    printf("  %-20s %8lld %8lld %12.3f %9.2f%s\n", when(t->hour_start, h), (long long)t->events,
           (long long)t->accounts, t->coordination, t->robust_z, t->spike ? "  spike" : "");
    return 0;
}

/* The hours (all, or the spikes only), at most `limit`. */
static int timeline(chorus_results *r, bool spikes_only, int limit)
{
    chorus_query q;
    chorus_query_init(&q);
    q.limit = (uint64_t)limit;
    int n = 0;
    if (chorus_results_timeline(r, &q, spikes_only, timeline_line, &n))
        return failed(r);
    if (!n)
        printf(chorus_results_schema(r) < 2 ? "  none (a database before schema 2 has no timeline)\n"
               : spikes_only ? "  no spike\n" : "  none\n");
    return EXIT_OK;
}

static int overview(chorus_results *r, int limit)
{
    printf("run\n");
    if (chorus_results_run(r, run_row, NULL))
        return failed(r);
    chorus_query q;
    chorus_query_init(&q);
    q.limit = (uint64_t)limit;
    printf("\nclusters (chorus inspect DB --cluster ID)\n");
    int n = 0;
    if (chorus_results_clusters(r, &q, cluster_line, &n))
        return failed(r);
    if (!n)
        printf("  none\n");
    printf("\ntop accounts (chorus inspect DB --account ID)\n");
    if (chorus_results_accounts(r, &q, account_line, NULL))
        return failed(r);
    printf("\ncoordination spikes by hour (chorus inspect DB --timeline)\n");
    return timeline(r, true, limit);
}

/* ---- matches ------------------------------------------------------------------------------- */

/* The matches of the posts of a set of accounts, with the post passage and the statement
 * passage side by side. */
static int match_line(void *ctx, const chorus_match *m)
{
    int *n = ctx;
    if (!(*n)++)
        printf("\nparroted statements (post passage | statement passage)\n");
    char t[48];
    when(m->created_at, t);
    const char *ptext = str(m->post_text), *stext = str(m->statement_text);
    int plen = (int)strlen(ptext), slen = (int)strlen(stext);
    int ps = (int)m->post_start, pe = (int)m->post_end, ss = (int)m->stmt_start,
        se = (int)m->stmt_end;
    printf("  %s @%s post %s ~ statement %s (similarity %.2f%s)\n", t, str(m->handle),
           str(m->post_id), str(m->statement_id), m->similarity,
           m->before_publication < 0 ? "" : m->before_publication ? ", before publication" : "");
    printf("    post:      \"");
    if (ps >= 0 && pe <= plen && ps < pe)
        put_excerpt(ptext + ps, pe - ps, 200);
    printf("\"\n    statement: \"");
    if (ss >= 0 && se <= slen && ss < se)
        put_excerpt(stext + ss, se - ss, 200);
    printf("\"\n");
    return 0;
}

static void print_matches(chorus_results *r, chorus_query *q)
{
    int n = 0;
    if (chorus_results_matches(r, q, match_line, &n))
        failed(r);
}

/* ---- one cluster --------------------------------------------------------------------------- */

static int cluster_head(void *ctx, const chorus_cluster *c)
{
    (void)ctx;
    char a[48], b[48];
    printf("cluster #%lld: %lld accounts, score %.2f, behaviours %s\n  %s .. %s\n  %s\n",
           (long long)c->id, (long long)c->size, c->score, str(c->behaviours),
           when(c->first_seen, a), when(c->last_seen, b), str(c->summary));
    return 0;
}

static int member_line(void *ctx, const chorus_account *a)
{
    (void)ctx;
    printf("  %.2f  @%-20s id %-20s posts %lld\n", a->score, str(a->handle), str(a->id),
           (long long)a->n_posts);
    const char *t = strstr(str(a->reasons), "\"top_reasons\":[");
    if (t) {
        printf("        ");
        put_excerpt(t + 15, (int)(strchr(t, ']') ? strchr(t, ']') - t - 15 : 0), 300);
        printf("\n");
    }
    return 0;
}

static int shared_line(void *ctx, const chorus_evidence *e)
{
    (void)ctx;
    long long gap = (long long)((e->time_b == CHORUS_NULL ? 0 : e->time_b) -
                                (e->time_a == CHORUS_NULL ? 0 : e->time_a));
    printf("  %-9s @%s + @%s  %+llds  \"", str(e->behaviour), str(e->handle_a),
           str(e->handle_b), gap);
    put_excerpt(str(e->text_a), -1, 100);
    printf("\"\n");
    return 0;
}

static int cluster(chorus_results *r, long long id, int limit)
{
    chorus_query q;
    chorus_query_init(&q);
    q.cluster = id;
    chorus_err e = chorus_results_clusters(r, &q, cluster_head, NULL);
    if (e == CHORUS_ENOTFOUND) {
        cli_err("inspect: no cluster %lld (see 'chorus inspect DB')", id);
        return EXIT_RUNTIME;
    }
    if (e)
        return failed(r);
    printf("\nmembers (score, handle, top reasons)\n");
    if (chorus_results_accounts(r, &q, member_line, NULL))
        return failed(r);
    q.limit = (uint64_t)limit;
    printf("\nshared objects (behaviour, accounts, seconds apart, post)\n");
    if (chorus_results_evidence(r, &q, shared_line, NULL))
        return failed(r);
    print_matches(r, &q);
    return EXIT_OK;
}

/* ---- one account --------------------------------------------------------------------------- */

typedef struct found {
    char *id;
} found;

static int account_head(void *ctx, const chorus_account *a)
{
    found *f = ctx;
    f->id = strdup(str(a->id));
    char cl[32];
    if (a->cluster == CHORUS_NULL)
        snprintf(cl, sizeof cl, "none");
    else
        snprintf(cl, sizeof cl, "%lld", (long long)a->cluster);
    printf("account @%s (id %s), %lld posts, score %.2f, cluster %s\nreasons %s\n",
           str(a->handle), str(a->id), (long long)a->n_posts, a->score, cl, str(a->reasons));
    return 0;
}

static int partner_line(void *ctx, const chorus_edge *e)
{
    const char *id = ctx;
    const char *partner = e->account_a && !strcmp(e->account_a, id) ? e->account_b : e->account_a;
    char p[32];
    if (e->pvalue == e->pvalue)
        snprintf(p, sizeof p, "%.2g", e->pvalue);
    else
        snprintf(p, sizeof p, "-");   /* no test: a compatibility mode's edge */
    printf("  %-9s %-22s %4lld %5lld  %s\n", str(e->behaviour), str(partner),
           (long long)e->n_objects, (long long)e->n_events, p);
    return 0;
}

static int account(chorus_results *r, const char *id, int limit)
{
    chorus_query q;
    chorus_query_init(&q);
    q.account = id;
    found f = {0};
    chorus_err e = chorus_results_accounts(r, &q, account_head, &f);
    if (e == CHORUS_ENOTFOUND) {
        cli_err("inspect: no account with id or handle '%s'", id);
        return EXIT_RUNTIME;
    }
    if (e || !f.id) {
        free(f.id);
        return e ? failed(r) : EXIT_RUNTIME;
    }
    q.account = f.id;
    q.limit = (uint64_t)limit;
    printf("\nco-action partners (behaviour, partner, shared objects, events, p)\n");
    if (chorus_results_edges(r, &q, partner_line, f.id))
        failed(r);
    print_matches(r, &q);
    free(f.id);
    return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"cluster", required_argument, 0, 'c'}, {"account", required_argument, 0, 'a'},
        {"limit", required_argument, 0, 'n'},   {"help", no_argument, 0, 'h'},
        {"timeline", no_argument, 0, 'T'},      {0, 0, 0, 0},
    };
    const char *acct = NULL;
    long long cl = -1;
    int limit = 20, c;
    bool tl = false;
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
        case 'T': tl = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || (acct != NULL) + (cl >= 0) + tl > 1) {
        help(stderr);
        return EXIT_USAGE;
    }
    chorus_results *r;
    chorus_error err;
    if (chorus_results_open(argv[optind], &r, &err) != CHORUS_OK) {
        cli_err("inspect: %s", err.message);
        return EXIT_RUNTIME;
    }
    int status = acct ? account(r, acct, limit)
                 : cl >= 0 ? cluster(r, cl, limit)
                 : tl ? (printf("coordination by hour\n"), timeline(r, false, limit))
                      : overview(r, limit);
    chorus_results_close(r);
    return status;
}
