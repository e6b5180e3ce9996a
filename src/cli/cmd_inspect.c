/*
 * cmd_inspect.c — `chorus inspect DB [--cluster ID | --account ID | --timeline]`: the evidence in the
 * terminal, as aligned tables with handles and reasons in words; `--json` gives the same rows
 * as one JSON object for scripts. Without an option: the run's overview, the top clusters and
 * accounts and the hours where coordination spikes; `--timeline` the hourly coordination
 * index. Reads the results database through the library's read API (chorus_results_*), so
 * it works on any database chorus wrote that this version can read (docs/schema.md).
 */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus inspect DB [--cluster ID | --account ID|HANDLE | --timeline]\n"
            "                         [--limit N] [--json]\n"
            "\n"
            "Prints what a scan found, with the evidence: without an option the overview and\n"
            "the top clusters and accounts; --cluster the members, their scores and reasons,\n"
            "the shared objects and the parroted statements; --account one account's score,\n"
            "reasons, partners and matches; --timeline the hourly coordination index (share\n"
            "of each hour's posts by clustered accounts) with its spikes marked.\n"
            "\n"
            "  -c, --cluster ID     one cluster (IDs: 'chorus inspect DB')\n"
            "  -a, --account ID     one account, by id or handle (a leading @ is fine)\n"
            "  --timeline           coordination by hour\n"
            "  -n, --limit N        rows per list (default 20)\n"
            "  --json               one JSON object on stdout instead of tables\n"
            "\n"
            "examples:\n"
            "  chorus inspect chorus.db\n"
            "  chorus inspect chorus.db --cluster 0\n"
            "  chorus inspect chorus.db --account some_handle\n"
            "  chorus inspect chorus.db --timeline --limit 200\n"
            "  chorus inspect chorus.db --cluster 0 --json | jq '.members[].handle'\n");
}

typedef struct insp {
    chorus_results *r;
    int limit;
    bool json;
    FILE *out;
} insp;

static const char *str(const char *s)
{
    return s ? s : "";
}

/* A time as a table shows it: "2023-03-02 13:05" (UTC), "unknown" when NULL. */
static const char *when(int64_t t, char buf[48])
{
    char iso[48];
    chorus_time_format(t, iso, sizeof iso);
    if (strlen(iso) < 16) {
        snprintf(buf, 48, "%s", iso);
        return buf;
    }
    snprintf(buf, 48, "%.10s %.5s", iso, iso + 11);
    return buf;
}

/* "@handle", or the id when the handle is unknown */
static const char *who(const char *handle, const char *id, char buf[160])
{
    if (handle && *handle)
        snprintf(buf, 160, "@%.150s", handle);
    else
        snprintf(buf, 160, "%.150s", str(id));
    return buf;
}

/* A behaviour of the edges and evidence tables in words. */
static const char *behaviour_words(const char *b)
{
    static const struct { const char *name, *words; } w[] = {
        {"repost", "reposted the same post"},      {"reply", "replied to the same post"},
        {"quote", "quoted the same post"},         {"link", "shared the same link"},
        {"hashtag", "used the same hashtags"},     {"narrative", "posted near-identical text"},
        {"statement", "repeated the same statement"}, {"mention", "mentioned the same account"},
        {"like", "liked the same post"},           {"thread", "replied in the same thread"},
    };
    for (size_t i = 0; b && i < sizeof w / sizeof w[0]; i++)
        if (!strcmp(b, w[i].name))
            return w[i].words;
    return str(b);
}

/* The first `max` reasons (one a line in top_reasons) joined by " · ", leaving out those
 * starting with `skip`. */
static void reasons_line(const char *top, const char *skip, int max, char *buf, size_t cap)
{
    size_t o = 0;
    int k = 0;
    buf[0] = '\0';
    const char *p = str(top);
    while (*p && k < max && o + 8 < cap) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (!(skip && n >= strlen(skip) && !strncmp(p, skip, strlen(skip)))) {
            int w = snprintf(buf + o, cap - o, "%s%.*s", k ? " · " : "", (int)n, p);
            if (w < 0 || (size_t)w >= cap - o)
                break;
            o += (size_t)w;
            k++;
        }
        p += n + (nl != NULL);
    }
}

static int failed(insp *in)
{
    cli_err("inspect: %s", chorus_results_error(in->r)->message);
    return EXIT_RUNTIME;
}

static int oom(void)
{
    cli_err("inspect: out of memory");
    return EXIT_RUNTIME;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void jkey(FILE *f, bool *first, const char *k)
{
    fputs(*first ? "" : ",", f);
    *first = false;
    cli_json_str(f, k);
    fputc(':', f);
}

static void jstr(FILE *f, bool *first, const char *k, const char *v)
{
    jkey(f, first, k);
    if (v)
        cli_json_str(f, v);
    else
        fputs("null", f);
}

static void jint(FILE *f, bool *first, const char *k, int64_t v)
{
    jkey(f, first, k);
    if (v == CHORUS_NULL)
        fputs("null", f);
    else
        fprintf(f, "%lld", (long long)v);
}

static void jnum(FILE *f, bool *first, const char *k, double v)
{
    jkey(f, first, k);
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

/* top_reasons (one a line) as a JSON array of strings */
static void jreasons(FILE *f, bool *first, const char *k, const char *top)
{
    jkey(f, first, k);
    fputc('[', f);
    const char *p = str(top);
    int n = 0;
    char buf[2048];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
        fputs(n++ ? "," : "", f);
        cli_json_str(f, buf);
        p += len + (nl != NULL);
    }
    fputc(']', f);
}

static void json_cluster(FILE *f, const chorus_cluster *c)
{
    bool first = true;
    fputc('{', f);
    jint(f, &first, "id", c->id);
    jint(f, &first, "size", c->size);
    jnum(f, &first, "score", c->score);
    jstr(f, &first, "behaviours", c->behaviours);
    jint(f, &first, "first_seen", c->first_seen);
    jint(f, &first, "last_seen", c->last_seen);
    jstr(f, &first, "summary", c->summary);
    fputc('}', f);
}

static void json_account(FILE *f, const chorus_account *a, bool full)
{
    bool first = true;
    fputc('{', f);
    jstr(f, &first, "id", a->id);
    jstr(f, &first, "handle", a->handle);
    jstr(f, &first, "platform", a->platform);
    jint(f, &first, "posts", a->n_posts);
    jnum(f, &first, "score", a->score);
    jint(f, &first, "cluster", a->cluster);
    jreasons(f, &first, "top_reasons", a->top_reasons);
    if (full)
        jstr(f, &first, "reasons_json", a->reasons);
    fputc('}', f);
}

/* ---- lists shared by the views --------------------------------------------------------------- */

typedef struct list {
    insp *in;
    cli_table *t;
    int n;
    bool oom;
    const char *self;             /* --account: the account's id */
    const char *skip_reason;      /* --cluster: "member of cluster" */
    uint64_t pairs;               /* overview: distinct pairs counted */
    char last_a[256], last_b[256];
} list;

static void add_row(list *l, const char *const *cells)
{
    if (!l->oom && cli_table_add(l->t, cells))
        l->oom = true;
}

/* Prints a finished list: the table, or `none` when it has no rows. */
static int end_list(list *l, const char *none)
{
    if (l->oom)
        return oom();
    if (cli_table_rows(l->t))
        cli_table_print(l->t, l->in->out, "  ");
    else if (none)
        fprintf(l->in->out, "  %s\n", none);
    return EXIT_OK;
}

static int cluster_row(void *ctx, const chorus_cluster *c)
{
    list *l = ctx;
    if (l->in->json) {
        fputs(l->n++ ? "," : "", l->in->out);
        json_cluster(l->in->out, c);
        return 0;
    }
    char id[32], size[32], score[16], a[48], b[48], span[100];
    snprintf(id, sizeof id, "#%lld", (long long)c->id);
    cli_num((uint64_t)(c->size < 0 ? 0 : c->size), size);
    snprintf(score, sizeof score, "%.2f", c->score);
    snprintf(span, sizeof span, "%.10s .. %.10s", when(c->first_seen, a), when(c->last_seen, b));
    /* "16 accounts; co-repost of ..." : the count has its own column */
    const char *sum = str(c->summary), *semi = strstr(sum, "; ");
    if (semi && strstr(sum, " accounts") && strstr(sum, " accounts") < semi)
        sum = semi + 2;
    add_row(l, (const char *[]){id, size, score, span, sum});
    l->n++;
    return 0;
}

static int account_row(void *ctx, const chorus_account *a)
{
    list *l = ctx;
    if (l->in->json) {
        fputs(l->n++ ? "," : "", l->in->out);
        json_account(l->in->out, a, false);
        return 0;
    }
    char h[160], score[16], posts[32], cl[32], why[1024];
    snprintf(score, sizeof score, isfinite(a->score) ? "%.2f" : "-", a->score);
    cli_num((uint64_t)(a->n_posts < 0 ? 0 : a->n_posts), posts);
    if (a->cluster == CHORUS_NULL)
        snprintf(cl, sizeof cl, "-");
    else
        snprintf(cl, sizeof cl, "#%lld", (long long)a->cluster);
    reasons_line(a->top_reasons, l->skip_reason, l->skip_reason ? 3 : 1, why, sizeof why);
    const char *pf = a->platform && *a->platform ? a->platform : "-";
    if (l->skip_reason)
        add_row(l, (const char *[]){score, who(a->handle, a->id, h), pf, posts, why});
    else
        add_row(l, (const char *[]){score, who(a->handle, a->id, h), pf, posts, cl, why});
    l->n++;
    return 0;
}

static int match_row(void *ctx, const chorus_match *m)
{
    list *l = ctx;
    FILE *f = l->in->out;
    if (l->in->json) {
        bool first = true;
        fputs(l->n++ ? ",{" : "{", f);
        jstr(f, &first, "post_id", m->post_id);
        jstr(f, &first, "account_id", m->account_id);
        jstr(f, &first, "handle", m->handle);
        jint(f, &first, "created_at", m->created_at);
        jstr(f, &first, "statement_id", m->statement_id);
        jnum(f, &first, "similarity", m->similarity);
        jint(f, &first, "post_start", m->post_start);
        jint(f, &first, "post_end", m->post_end);
        jint(f, &first, "stmt_start", m->stmt_start);
        jint(f, &first, "stmt_end", m->stmt_end);
        jkey(f, &first, "before_publication");
        fputs(m->before_publication < 0 ? "null" : m->before_publication ? "true" : "false", f);
        fputc('}', f);
        return 0;
    }
    char t[48], h[160], sim[16], passage[420];
    snprintf(sim, sizeof sim, "%.2f", m->similarity);
    const char *p = str(m->post_text);
    size_t plen = strlen(p);
    if (m->post_start >= 0 && m->post_end <= (int64_t)plen && m->post_start < m->post_end) {
        size_t n = (size_t)(m->post_end - m->post_start), max = 400;
        if (n > max) {   /* cut on a character boundary */
            n = max;
            while (n > 0 && ((unsigned char)p[m->post_start + (int64_t)n] & 0xc0) == 0x80)
                n--;
        }
        snprintf(passage, sizeof passage, "\"%.*s\"", (int)n, p + m->post_start);
    } else {
        snprintf(passage, sizeof passage, "-");
    }
    add_row(l, (const char *[]){when(m->created_at, t), who(m->handle, m->account_id, h),
                                str(m->statement_id), sim,
                                m->before_publication == 1 ? "before publication" : "", passage});
    l->n++;
    return 0;
}

static int print_matches(insp *in, chorus_query *q, bool *any)
{
    list l = {.in = in};
    if (in->json) {
        fputs(",\"matches\":[", in->out);
        chorus_err e = chorus_results_matches(in->r, q, match_row, &l);
        fputc(']', in->out);
        return e ? failed(in) : EXIT_OK;
    }
    if (!(l.t = cli_table_new(6, "lllrll")))
        return oom();
    add_row(&l, (const char *[]){"WHEN (UTC)", "ACCOUNT", "STATEMENT", "SIM", "", "PASSAGE"});
    chorus_err e = chorus_results_matches(in->r, q, match_row, &l);
    int st = e ? failed(in) : EXIT_OK;
    if (!st && l.n) {
        fprintf(in->out, "\nparroted statements (posts that repeat a statement; first %d by "
                         "time, --limit N for more)\n", in->limit);
        st = end_list(&l, NULL);
    }
    if (any)
        *any = l.n > 0;
    cli_table_free(l.t);
    return st;
}

/* ---- overview ------------------------------------------------------------------------------ */

typedef struct run_info {
    char version[64];
    char inputs[8][512];
    int ninputs, more_inputs;
    char stmts[4][512];
    int nstmts, more_stmts;
    int64_t posts, accounts, errors, statements, matches, posts_matched, narratives, edges,
        clusters;
    int64_t window;
    bool have_window;
} run_info;

static int run_row(void *ctx, const char *k, const char *v)
{
    run_info *ri = ctx;
    k = str(k);
    v = str(v);
    static const struct { const char *key; size_t off; } counts[] = {
        {"count.posts", offsetof(run_info, posts)},
        {"count.accounts", offsetof(run_info, accounts)},
        {"count.ingest_errors", offsetof(run_info, errors)},
        {"count.statements", offsetof(run_info, statements)},
        {"count.matches", offsetof(run_info, matches)},
        {"count.posts_matched", offsetof(run_info, posts_matched)},
        {"count.narratives", offsetof(run_info, narratives)},
        {"count.edges", offsetof(run_info, edges)},
        {"count.clusters", offsetof(run_info, clusters)},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (!strcmp(k, counts[i].key)) {
            *(int64_t *)((char *)ri + counts[i].off) = strtoll(v, NULL, 10);
            return 0;
        }
    if (!strcmp(k, "version"))
        snprintf(ri->version, sizeof ri->version, "%s", v);
    else if (!strcmp(k, "param.window_seconds")) {
        ri->window = strtoll(v, NULL, 10);
        ri->have_window = true;
    } else if (!strncmp(k, "input.", 6)) {
        if (ri->ninputs < 8)
            snprintf(ri->inputs[ri->ninputs++], sizeof ri->inputs[0], "%s", v);
        else
            ri->more_inputs++;
    } else if (!strncmp(k, "statements.", 11)) {
        if (ri->nstmts < 4)
            snprintf(ri->stmts[ri->nstmts++], sizeof ri->stmts[0], "%s", v);
        else
            ri->more_stmts++;
    }
    return 0;
}

static int json_run_row(void *ctx, const char *k, const char *v)
{
    list *l = ctx;
    bool first = l->n++ == 0;
    jstr(l->in->out, &first, str(k), v);
    return 0;
}

/* Distinct account pairs among the edges (one row per pair and behaviour; rows of a pair
 * come in any order, so pairs are counted with a sorted copy). */
typedef struct pairs {
    char **keys;
    size_t n, cap;
    bool oom;
} pairs;

static int pair_row(void *ctx, const chorus_edge *e)
{
    pairs *p = ctx;
    const char *a = str(e->account_a), *b = str(e->account_b);
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        char **k = realloc(p->keys, cap * sizeof *k);
        if (!k) {
            p->oom = true;
            return 1;
        }
        p->keys = k;
        p->cap = cap;
    }
    size_t la = strlen(a), lb = strlen(b);
    char *key = malloc(la + lb + 2);
    if (!key) {
        p->oom = true;
        return 1;
    }
    memcpy(key, a, la);
    key[la] = '\x1f';
    memcpy(key + la + 1, b, lb + 1);
    p->keys[p->n++] = key;
    return 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int64_t count_pairs(insp *in)
{
    pairs p = {0};
    chorus_query q;
    chorus_query_init(&q);
    int64_t n = -1;
    if (chorus_results_edges(in->r, &q, pair_row, &p) == CHORUS_OK && !p.oom) {
        qsort(p.keys, p.n, sizeof *p.keys, cmp_str);
        n = 0;
        for (size_t i = 0; i < p.n; i++)
            n += i == 0 || strcmp(p.keys[i], p.keys[i - 1]) != 0;
    }
    for (size_t i = 0; i < p.n; i++)
        free(p.keys[i]);
    free(p.keys);
    return n;
}

/* ---- coordination over time ------------------------------------------------------------- */

static int timeline_row(void *ctx, const chorus_timeline *t)
{
    list *l = ctx;
    if (l->in->json) {
        FILE *f = l->in->out;
        bool first = true;
        fputs(l->n++ ? ",{" : "{", f);
        jint(f, &first, "hour_start", t->hour_start);
        jint(f, &first, "posts", t->events);
        jint(f, &first, "accounts", t->accounts);
        jnum(f, &first, "coordination", t->coordination);
        jnum(f, &first, "robust_z", t->robust_z);
        jkey(f, &first, "spike");
        fputs(t->spike ? "true}" : "false}", f);
        return 0;
    }
    char h[48], ev[32], ac[32], co[32], z[32];
    cli_num((uint64_t)(t->events < 0 ? 0 : t->events), ev);
    cli_num((uint64_t)(t->accounts < 0 ? 0 : t->accounts), ac);
    snprintf(co, sizeof co, "%.3f", t->coordination);
    snprintf(z, sizeof z, "%.2f", t->robust_z);
    add_row(l, (const char *[]){when(t->hour_start, h), ev, ac, co, z, t->spike ? "spike" : ""});
    l->n++;
    return 0;
}

/* The hours (all, or the spikes only), at most `limit`: a table under `title`, or (JSON) the
 * rows of an array the caller opened. */
static int timeline(insp *in, bool spikes_only, const char *title)
{
    chorus_query q;
    chorus_query_init(&q);
    q.limit = (uint64_t)in->limit;
    list l = {.in = in};
    if (in->json)
        return chorus_results_timeline(in->r, &q, spikes_only, timeline_row, &l) ? failed(in)
                                                                                : EXIT_OK;
    if (!(l.t = cli_table_new(6, "lrrrrl")))
        return oom();
    add_row(&l, (const char *[]){"HOUR (UTC)", "POSTS", "ACCOUNTS", "COORDINATION", "ROBUST Z", ""});
    int st = chorus_results_timeline(in->r, &q, spikes_only, timeline_row, &l) ? failed(in)
                                                                               : EXIT_OK;
    if (!st) {
        fprintf(in->out, "%s\n", title);
        st = end_list(&l, chorus_results_schema(in->r) < 3
                              ? "none (a database before schema 3 has no timeline)"
                          : spikes_only ? "no spike" : "none");
    }
    cli_table_free(l.t);
    return st;
}

static int timeline_view(insp *in)
{
    if (!in->json)
        return timeline(in, false, "coordination by hour");
    fputs("{\"timeline\":[", in->out);
    int st = timeline(in, false, NULL);
    if (!st)
        fputs("]}\n", in->out);
    return st;
}

static int overview(insp *in)
{
    FILE *f = in->out;
    chorus_query q;
    chorus_query_init(&q);
    q.limit = (uint64_t)in->limit;
    list l = {.in = in};
    if (in->json) {
        fputs("{\"run\":{", f);
        if (chorus_results_run(in->r, json_run_row, &l))
            return failed(in);
        fputs("},\"clusters\":[", f);
        l.n = 0;
        if (chorus_results_clusters(in->r, &q, cluster_row, &l))
            return failed(in);
        fputs("],\"accounts\":[", f);
        l.n = 0;
        if (chorus_results_accounts(in->r, &q, account_row, &l))
            return failed(in);
        fputs("],\"spikes\":[", f);
        if (timeline(in, true, NULL))
            return EXIT_RUNTIME;
        fputs("]}\n", f);
        return EXIT_OK;
    }
    run_info ri = {0};
    if (chorus_results_run(in->r, run_row, &ri))
        return failed(in);
    char a[32], b[32], c[32], d[48];
    fprintf(f, "scan by chorus %s\n", ri.version[0] ? ri.version : "(unknown version)");
    for (int i = 0; i < ri.ninputs; i++)
        fprintf(f, "  %-12s %s\n", i ? "" : "inputs", ri.inputs[i]);
    if (ri.more_inputs)
        fprintf(f, "  %-12s and %d more\n", "", ri.more_inputs);
    for (int i = 0; i < ri.nstmts; i++)
        fprintf(f, "  %-12s %s\n", i ? "" : "statements", ri.stmts[i]);
    fprintf(f, "  %-12s %s from %s accounts (%s bad records skipped)\n", "posts",
            cli_num((uint64_t)ri.posts, a), cli_num((uint64_t)ri.accounts, b),
            cli_num((uint64_t)ri.errors, c));
    if (ri.statements)
        fprintf(f, "  %-12s %s posts repeat %s statements\n", "parroting",
                cli_num((uint64_t)ri.posts_matched, a), cli_num((uint64_t)ri.statements, b));
    fprintf(f, "  %-12s %s groups of near-identical posts\n", "narratives",
            cli_num((uint64_t)ri.narratives, a));
    int64_t np = count_pairs(in);
    if (np >= 0)
        fprintf(f, "  %-12s %s account pairs acting together (%s links of a pair and a "
                   "behaviour)\n", "co-actions", cli_num((uint64_t)np, a),
                cli_num((uint64_t)ri.edges, b));
    if (ri.have_window)
        fprintf(f, "  %-12s %s\n", "window", chorus_duration_format((double)ri.window, d, sizeof d));

    if (!(l.t = cli_table_new(5, "lrrll")))
        return oom();
    add_row(&l, (const char *[]){"CLUSTER", "ACCOUNTS", "SCORE", "ACTIVE (UTC)", "WHAT THEY DID"});
    int st = chorus_results_clusters(in->r, &q, cluster_row, &l) ? failed(in) : EXIT_OK;
    if (!st) {
        fprintf(f, "\nclusters, strongest first (chorus inspect DB --cluster ID)\n");
        st = end_list(&l, "none: no group of accounts acted together more than chance explains");
    }
    cli_table_free(l.t);
    if (st)
        return st;

    list m = {.in = in};
    if (!(m.t = cli_table_new(6, "rllrll")))
        return oom();
    add_row(&m, (const char *[]){"SCORE", "ACCOUNT", "PLATFORM", "POSTS", "CLUSTER", "TOP REASON"});
    st = chorus_results_accounts(in->r, &q, account_row, &m) ? failed(in) : EXIT_OK;
    if (!st) {
        fprintf(f, "\naccounts with the highest scores (chorus inspect DB --account HANDLE)\n");
        st = end_list(&m, "none");
    }
    cli_table_free(m.t);
    if (st)
        return st;
    return timeline(in, true, "\ncoordination spikes by hour (chorus inspect DB --timeline)");
}

/* ---- one cluster --------------------------------------------------------------------------- */

static int cluster_head(void *ctx, const chorus_cluster *c)
{
    insp *in = ctx;
    FILE *f = in->out;
    if (in->json) {
        fputs("{\"cluster\":", f);
        json_cluster(f, c);
        return 0;
    }
    char a[48], b[48], d[48], n[32];
    fprintf(f, "cluster #%lld: %s accounts, score %.2f\n", (long long)c->id,
            cli_num((uint64_t)(c->size < 0 ? 0 : c->size), n), c->score);
    fprintf(f, "  active      %s .. %s UTC (%s)\n", when(c->first_seen, a), when(c->last_seen, b),
            chorus_duration_format((double)c->last_seen - (double)c->first_seen, d, sizeof d));
    /* the behaviours in words */
    fprintf(f, "  together    ");
    const char *p = str(c->behaviours);
    int k = 0;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        fprintf(f, "%s%s", k++ ? ", " : "", behaviour_words(name));
        p += len + (comma != NULL);
    }
    fprintf(f, "\n  summary     %s\n", str(c->summary));
    return 0;
}

static int evidence_row(void *ctx, const chorus_evidence *e)
{
    list *l = ctx;
    FILE *f = l->in->out;
    if (l->in->json) {
        bool first = true;
        fputs(l->n++ ? ",{" : "{", f);
        jstr(f, &first, "behaviour", e->behaviour);
        jstr(f, &first, "account_a", e->account_a);
        jstr(f, &first, "handle_a", e->handle_a);
        jstr(f, &first, "account_b", e->account_b);
        jstr(f, &first, "handle_b", e->handle_b);
        jstr(f, &first, "post_a", e->post_a);
        jstr(f, &first, "post_b", e->post_b);
        jint(f, &first, "time_a", e->time_a);
        jint(f, &first, "time_b", e->time_b);
        jstr(f, &first, "object", e->object);
        fputc('}', f);
        return 0;
    }
    char t[48], ha[160], hb[160], pair[330], gap[48], what[200];
    snprintf(pair, sizeof pair, "%s + %s", who(e->handle_a, e->account_a, ha),
             who(e->handle_b, e->account_b, hb));
    if (e->time_a == CHORUS_NULL || e->time_b == CHORUS_NULL)
        snprintf(gap, sizeof gap, "-");
    else {
        double g = (double)e->time_b - (double)e->time_a;
        char d[40];
        chorus_duration_format(g < 0 ? -g : g, d, sizeof d);
        snprintf(gap, sizeof gap, "%s apart", d);
    }
    /* what they acted on: the post's text for posts, the object's words for the rest */
    const char *text = e->text_a && *e->text_a ? e->text_a : str(e->object);
    size_t n = strlen(text), max = 120;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
    }
    snprintf(what, sizeof what, "%.*s%s", (int)n, text, n < strlen(text) ? "…" : "");
    const int64_t t0 = e->time_a == CHORUS_NULL || (e->time_b != CHORUS_NULL && e->time_b < e->time_a)
                           ? e->time_b : e->time_a;
    add_row(l, (const char *[]){when(t0, t), str(e->behaviour), pair, gap, what});
    l->n++;
    return 0;
}

static int cluster(insp *in, long long id)
{
    FILE *f = in->out;
    chorus_query q;
    chorus_query_init(&q);
    q.cluster = id;
    chorus_err e = chorus_results_clusters(in->r, &q, cluster_head, in);
    if (e == CHORUS_ENOTFOUND) {
        cli_err("inspect: no cluster %lld (see 'chorus inspect DB')", id);
        return EXIT_RUNTIME;
    }
    if (e)
        return failed(in);
    int st = EXIT_OK;
    list l = {.in = in, .skip_reason = "member of cluster"};
    if (in->json) {
        fputs(",\"members\":[", f);
        if (chorus_results_accounts(in->r, &q, account_row, &l))
            return failed(in);
        fputs("],\"evidence\":[", f);
        q.limit = (uint64_t)in->limit;
        l.n = 0;
        if (chorus_results_evidence(in->r, &q, evidence_row, &l))
            return failed(in);
        fputc(']', f);
        st = print_matches(in, &q, NULL);
        fputs("}\n", f);
        return st;
    }
    /* every member: a cluster is what an analyst checks account by account */
    if (!(l.t = cli_table_new(5, "rllrl")))
        return oom();
    add_row(&l, (const char *[]){"SCORE", "ACCOUNT", "PLATFORM", "POSTS", "WHY IT SCORES HIGH"});
    st = chorus_results_accounts(in->r, &q, account_row, &l) ? failed(in) : EXIT_OK;
    if (!st) {
        fprintf(f, "\nmembers (%d), highest score first\n", l.n);
        st = end_list(&l, "none");
    }
    cli_table_free(l.t);
    if (st)
        return st;
    q.limit = (uint64_t)in->limit;
    list ev = {.in = in};
    if (!(ev.t = cli_table_new(5, "lllll")))
        return oom();
    add_row(&ev, (const char *[]){"WHEN (UTC)", "BEHAVIOUR", "ACCOUNTS", "GAP", "WHAT THEY SHARED"});
    st = chorus_results_evidence(in->r, &q, evidence_row, &ev) ? failed(in) : EXIT_OK;
    if (!st) {
        fprintf(f, "\nwhat they did together (first %d by time; --limit N for more)\n",
                in->limit);
        st = end_list(&ev, "no evidence rows in this database");
    }
    cli_table_free(ev.t);
    return st ? st : print_matches(in, &q, NULL);
}

/* ---- one account --------------------------------------------------------------------------- */

typedef struct found {
    char *id;
    insp *in;
} found;

static int account_head(void *ctx, const chorus_account *a)
{
    found *fd = ctx;
    FILE *f = fd->in->out;
    fd->id = strdup(str(a->id));
    if (fd->in->json) {
        fputs("{\"account\":", f);
        json_account(f, a, true);
        return 0;
    }
    char h[160], cl[64];
    if (a->cluster == CHORUS_NULL)
        snprintf(cl, sizeof cl, "in no cluster");
    else
        snprintf(cl, sizeof cl, "cluster #%lld", (long long)a->cluster);
    fprintf(f, "account %s\n", who(a->handle, a->id, h));
    fprintf(f, "  %-10s %s\n", "id", str(a->id));
    if (a->platform && *a->platform)
        fprintf(f, "  %-10s %s\n", "platform", a->platform);
    fprintf(f, "  %-10s %lld\n", "posts", (long long)a->n_posts);
    if (isfinite(a->score))
        fprintf(f, "  %-10s %.2f (%s)\n", "score", a->score, cl);
    else
        fprintf(f, "  %-10s not scored (%s)\n", "score", cl);
    const char *p = str(a->top_reasons);
    bool first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "  %-10s %.*s\n", first ? "why" : "", (int)n, p);
        first = false;
        p += n + (nl != NULL);
    }
    return 0;
}

static int partner_row(void *ctx, const chorus_edge *e)
{
    list *l = ctx;
    FILE *f = l->in->out;
    const bool self_a = e->account_a && !strcmp(e->account_a, l->self);
    const char *pid = self_a ? e->account_b : e->account_a;
    const char *ph = self_a ? e->handle_b : e->handle_a;
    if (l->in->json) {
        bool first = true;
        fputs(l->n++ ? ",{" : "{", f);
        jstr(f, &first, "partner", pid);
        jstr(f, &first, "handle", ph);
        jstr(f, &first, "behaviour", e->behaviour);
        jint(f, &first, "n_objects", e->n_objects);
        jint(f, &first, "n_events", e->n_events);
        jnum(f, &first, "weight", e->weight);
        jnum(f, &first, "pvalue", e->pvalue);
        fputc('}', f);
        return 0;
    }
    char h[160], obj[32], ev[32], pv[32];
    if (e->n_objects == CHORUS_NULL)
        snprintf(obj, sizeof obj, "-");
    else
        cli_num((uint64_t)(e->n_objects < 0 ? 0 : e->n_objects), obj);
    cli_num((uint64_t)(e->n_events < 0 ? 0 : e->n_events), ev);
    snprintf(pv, sizeof pv, isfinite(e->pvalue) ? "%.2g" : "-", e->pvalue);
    add_row(l, (const char *[]){who(ph, pid, h), behaviour_words(e->behaviour), obj, ev, pv});
    l->n++;
    return 0;
}

static int account(insp *in, const char *id)
{
    FILE *f = in->out;
    chorus_query q;
    chorus_query_init(&q);
    q.account = id;
    found fd = {.in = in};
    chorus_err e = chorus_results_accounts(in->r, &q, account_head, &fd);
    if (e == CHORUS_ENOTFOUND) {
        cli_err("inspect: no account with id or handle '%s'", id);
        return EXIT_RUNTIME;
    }
    if (e || !fd.id) {
        free(fd.id);
        return e ? failed(in) : oom();
    }
    q.account = fd.id;
    q.limit = (uint64_t)in->limit;
    list l = {.in = in, .self = fd.id};
    int st = EXIT_OK;
    if (in->json) {
        fputs(",\"partners\":[", f);
        st = chorus_results_edges(in->r, &q, partner_row, &l) ? failed(in) : EXIT_OK;
        fputc(']', f);
        if (!st)
            st = print_matches(in, &q, NULL);
        fputs("}\n", f);
        free(fd.id);
        return st;
    }
    if (!(l.t = cli_table_new(5, "llrrr"))) {
        free(fd.id);
        return oom();
    }
    add_row(&l, (const char *[]){"PARTNER", "WHAT THEY DID TOGETHER", "OBJECTS", "EVENTS",
                                 "P-VALUE"});
    st = chorus_results_edges(in->r, &q, partner_row, &l) ? failed(in) : EXIT_OK;
    if (!st) {
        fprintf(f, "\nco-action partners, strongest first (first %d; --limit N for more)\n",
                in->limit);
        st = end_list(&l, "none");
    }
    cli_table_free(l.t);
    if (!st)
        st = print_matches(in, &q, NULL);
    free(fd.id);
    return st;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"cluster", required_argument, 0, 'c'}, {"account", required_argument, 0, 'a'},
        {"limit", required_argument, 0, 'n'},   {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},          {"timeline", no_argument, 0, 'T'},
        {0, 0, 0, 0},
    };
    const char *acct = NULL;
    long long cl = -1;
    int limit = 20, c;
    bool json = false, tl = false;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:a:n:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cl = strtoll(optarg, &end, 10);
            if (*end || cl < 0 || !*optarg) {
                cli_err("inspect: --cluster takes a cluster number");
                return EXIT_USAGE;
            }
            break;
        case 'a': acct = optarg; break;
        case 'n':
            limit = (int)strtol(optarg, &end, 10);
            if (*end || limit < 1 || !*optarg) {
                cli_err("inspect: --limit takes a positive number");
                return EXIT_USAGE;
            }
            break;
        case 'j': json = true; break;
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
    insp in = {.r = r, .limit = limit, .json = json, .out = stdout};
    int status = acct       ? account(&in, acct)
                 : cl >= 0  ? cluster(&in, cl)
                 : tl       ? timeline_view(&in)
                            : overview(&in);
    chorus_results_close(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_err("inspect: cannot write the output");
        status = EXIT_RUNTIME;
    }
    return status;
}
