/*
 * cmd_scan.c — `chorus scan`: the main job. Reads the inputs, matches posts to statements,
 * clusters near-duplicate posts into narratives, finds co-actions, builds the account network
 * and its clusters, scores every account, and writes the results database.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/timeparse.h"
#include "detect/detect.h"
#include "report/report.h"
#include "store/store.h"
#include "text/features.h"
#include "text/url.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus scan INPUT... [-s STATEMENTS]... [-o chorus.db] [--report FILE]\n"
            "                   [--window auto|SECONDS] [--format FORMAT] [--map SPEC]\n"
            "                   [--split] [--threads N] [--strict] [--quiet] [--json]\n"
            "\n"
            "Finds accounts that act in concert and posts that parrot statements, scores every\n"
            "account, and writes everything to a SQLite results database.\n"
            "\n"
            "  -s, --statements PATH  statements to match (.txt/.md file, .jsonl, or a directory);\n"
            "                         repeatable; without it, co-actions only\n"
            "  --split                .txt/.md statements: one statement per paragraph\n"
            "  -o, --output PATH      results database (default chorus.db); written to a\n"
            "                         temporary file and renamed into place\n"
            "  --report FILE          also write the HTML report (as 'chorus report')\n"
            "  --window auto|SECONDS  co-action window (default auto: estimated from the data)\n"
            "  --threads N            worker threads (default: all cores); results do not\n"
            "                         depend on it\n"
            "  --format, --map, --strict, --quiet, --json   as for 'chorus ingest'\n"
            "\n"
            "examples:\n"
            "  chorus scan tweets.jsonl.gz -s statements/ -o results.db\n"
            "  chorus scan archive.csv --window 60 --json\n"
            "  chorus inspect results.db            # then look at the evidence\n");
}

typedef struct scan_opts {
    cli_input_opts in;
    const char *stmts[64];
    int nstmts;
    bool split;
    const char *out;
    const char *report;   /* --report FILE, or NULL */
    int64_t window;   /* <= 0: auto */
    int threads;
    double screen_p;  /* the co-action stage's screening level, for the run table */
} scan_opts;

typedef struct timings {
    double ingest, normalize, parrot, neardup, coact, network, score, store, store_posts;
} timings;

static int parse_args(int argc, char **argv, scan_opts *o)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"map", required_argument, 0, 'm'},
        {"strict", no_argument, 0, 'S'},       {"quiet", no_argument, 0, 'q'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        {"statements", required_argument, 0, 's'}, {"output", required_argument, 0, 'o'},
        {"window", required_argument, 0, 'w'}, {"threads", required_argument, 0, 't'},
        {"split", no_argument, 0, 'P'},        {"report", required_argument, 0, 'R'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->out = "chorus.db";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:m:qjhs:o:", longopts, NULL)) != -1) {
        int r = cli_input_option(c, optarg, &o->in);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        char *end;
        switch (c) {
        case 'h': help(stdout); return -1;
        case 's':
            if (o->nstmts == (int)(sizeof o->stmts / sizeof o->stmts[0])) {
                cli_err("scan: too many -s options (at most 64; pass a directory)");
                return EXIT_USAGE;
            }
            o->stmts[o->nstmts++] = optarg;
            break;
        case 'o': o->out = optarg; break;
        case 'P': o->split = true; break;
        case 'w':
            if (!strcmp(optarg, "auto")) {
                o->window = 0;
                break;
            }
            o->window = strtoll(optarg, &end, 10);
            if (*end || o->window <= 0 || o->window > 30 * 86400) {
                cli_err("scan: --window takes 'auto' or seconds between 1 and 2592000, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 't':
            o->threads = (int)strtol(optarg, &end, 10);
            if (*end || o->threads < 1 || o->threads > CH_CORPUS_WORKERS) {
                cli_err("scan: --threads takes a number from 1 to %d", CH_CORPUS_WORKERS);
                return EXIT_USAGE;
            }
            break;
        case 'R': o->report = optarg; break;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_err("scan: no input files (see 'chorus scan --help')");
        return EXIT_USAGE;
    }
    o->in.inputs = (const char **)argv + optind;
    o->in.ninputs = argc - optind;
    return EXIT_OK;
}

/* ---- results database ---------------------------------------------------------------- */

static const char *sid_str(const ch_corpus *c, ch_sid s)
{
    return ch_pool_str(ch_corpus_pool(c), s);
}

static const char *acct_id(const ch_corpus *c, uint32_t a)
{
    return sid_str(c, ch_corpus_account(c, a)->id);
}

static const char *post_id(const ch_corpus *c, uint32_t p)
{
    return sid_str(c, ch_corpus_post(c, p)->id);
}

static void behaviours_text(uint32_t mask, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int b = 0; b < CH_B__COUNT; b++) {
        if (!(mask & (1u << b)))
            continue;
        int n = snprintf(buf + o, cap - o, "%s%s", o ? "," : "", ch_behaviour_name((ch_behaviour)b));
        if (n < 0 || (size_t)n >= cap - o)
            break;
        o += (size_t)n;
    }
}

/* The statements and the detection chain's results (ch_detect_run: the same stages, order
 * and defaults as the quality benchmark), with shortcuts into them. */
typedef struct results {
    ch_stmtset *stmts;
    ch_detect_result d;
    const ch_parrot_result *parrot;
    const ch_neardup_result *nd;
    const ch_coact_result *co;
    const ch_network *net;
    const ch_scores *scores;
} results;

/* The shared object of an evidence pair, in words, for reports. */
static void describe_object(const ch_corpus *c, const results *r, ch_behaviour b,
                            uint32_t pa, uint32_t pb, char *buf, size_t cap)
{
    const ch_post *a = ch_corpus_post(c, pa), *p2 = ch_corpus_post(c, pb);
    buf[0] = '\0';
    switch (b) {
    case CH_B_REPOST:
    case CH_B_REPLY:
    case CH_B_QUOTE:
        if (a->ref_id)
            snprintf(buf, cap, "post %s", sid_str(c, a->ref_id));
        else if (a->ref_handle)
            snprintf(buf, cap, "a post of @%s", sid_str(c, a->ref_handle));
        break;
    case CH_B_LINK: {
        /* the first URL of a whose canonical form is also one of b's */
        char ca[400], cb[400];
        for (uint8_t i = 0; i < a->n_urls && !buf[0]; i++) {
            size_t na = ch_url_canon(sid_str(c, a->urls[i]), strlen(sid_str(c, a->urls[i])), ca,
                                     sizeof ca);
            for (uint8_t j = 0; na && j < p2->n_urls; j++) {
                size_t nb = ch_url_canon(sid_str(c, p2->urls[j]), strlen(sid_str(c, p2->urls[j])),
                                         cb, sizeof cb);
                if (nb == na && memcmp(ca, cb, na) == 0) {
                    snprintf(buf, cap, "%s", ca);
                    break;
                }
            }
        }
        break;
    }
    case CH_B_HASHTAG: {
        size_t o = 0;
        for (uint8_t i = 0; i < a->n_hashtags && o + 2 < cap; i++) {
            int n = snprintf(buf + o, cap - o, "%s#%s", i ? " " : "", sid_str(c, a->hashtags[i]));
            if (n < 0)
                break;
            o += (size_t)n;
        }
        break;
    }
    case CH_B_NARRATIVE:
        if (r->nd && r->nd->narrative_of_post[pa] != CH_NONE)
            snprintf(buf, cap, "narrative %u", r->nd->narrative_of_post[pa]);
        break;
    case CH_B_STATEMENT:
        if (r->stmts && r->parrot->post_stmt && r->parrot->post_stmt[pa] != UINT32_MAX)
            snprintf(buf, cap, "statement %s", ch_stmtset_get(r->stmts, r->parrot->post_stmt[pa])->id);
        break;
    default:
        break;
    }
}

/* Writes every table but posts (written by the posts writer, below) and commits. Frees the
 * store whatever happens. */
static int write_db(ch_store *s, const scan_opts *o, const chorus_corpus *c, const results *r,
                    const cli_diag *d, const timings *t, char *err, size_t errlen)
{
    int rc = CHORUS_OK;
    char buf[256];
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    uint64_t errors = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        errors += st->errors[k];
    ch_store_run(s, "version", chorus_version());
    for (int i = 0; i < o->in.ninputs; i++) {
        snprintf(buf, sizeof buf, "input.%d", i);
        ch_store_run(s, buf, o->in.inputs[i]);
    }
    for (int i = 0; i < o->nstmts; i++) {
        snprintf(buf, sizeof buf, "statements.%d", i);
        ch_store_run(s, buf, o->stmts[i]);
    }
    ch_store_run(s, "param.window", o->window > 0 ? "fixed" : "auto");
    ch_store_run_i64(s, "param.window_seconds", r->co->window);
    for (int b = 0; b < CH_B__COUNT; b++) {
        snprintf(buf, sizeof buf, "param.window.%s", ch_behaviour_name((ch_behaviour)b));
        ch_store_run_i64(s, buf, r->co->windows[b]);
        /* window auto's second look (0: one look) */
        snprintf(buf, sizeof buf, "param.window_long.%s", ch_behaviour_name((ch_behaviour)b));
        ch_store_run_i64(s, buf, r->co->windows_long[b]);
    }
    ch_store_run_f64(s, "param.screen_p", o->screen_p);
    ch_store_run_f64(s, "param.min_weight", r->net->min_weight);
    ch_store_run(s, "param.format", o->in.reader ? o->in.reader->name : "auto");
    ch_store_run_i64(s, "param.threads", ch_parallel_threads(o->threads));
    ch_store_run_i64(s, "count.posts", (int64_t)ch_corpus_nposts(c));
    ch_store_run_i64(s, "count.accounts", (int64_t)ch_corpus_naccounts(c));
    ch_store_run_i64(s, "count.records", (int64_t)st->records);
    ch_store_run_i64(s, "count.duplicates", (int64_t)st->duplicates);
    ch_store_run_i64(s, "count.ingest_errors", (int64_t)errors);
    ch_store_run_i64(s, "count.unreadable_bytes", (int64_t)st->unreadable_bytes);
    ch_store_run_i64(s, "count.statements", r->stmts ? (int64_t)ch_stmtset_count(r->stmts) : 0);
    ch_store_run_i64(s, "count.matches", (int64_t)r->parrot->nrows);
    ch_store_run_i64(s, "count.posts_matched", (int64_t)r->parrot->posts_matched);
    ch_store_run_i64(s, "count.narratives", (int64_t)r->nd->n_narratives);
    /* edges: the per-behaviour edges of the account pairs the network used */
    ch_store_run_i64(s, "count.edges", (int64_t)r->net->n_coact_kept);
    ch_store_run_i64(s, "count.edges_screened", (int64_t)r->co->n_edges);
    ch_store_run_i64(s, "count.edges_significant", (int64_t)r->co->n_significant);
    ch_store_run_i64(s, "count.clusters", (int64_t)r->net->n_clusters);
    if (st->min_time != CH_UNKNOWN_I64) {
        ch_store_run_i64(s, "data.first", st->min_time);
        ch_store_run_i64(s, "data.last", st->max_time);
    }
    ch_store_run_f64(s, "time.ingest", t->ingest);
    ch_store_run_f64(s, "time.normalize", t->normalize);
    ch_store_run_f64(s, "time.parrot", t->parrot);
    ch_store_run_f64(s, "time.neardup", t->neardup);
    ch_store_run_f64(s, "time.coact", t->coact);
    ch_store_run_f64(s, "time.network", t->network);
    ch_store_run_f64(s, "time.score", t->score);
    ch_store_run_f64(s, "time.store_posts", t->store_posts);

    if (r->stmts) {
        for (size_t i = 0; i < ch_stmtset_count(r->stmts); i++) {
            const ch_statement *x = ch_stmtset_get(r->stmts, i);
            ch_statement_row row = {x->id, x->source, x->text, x->lang, x->published_at};
            if ((rc = ch_store_statement(s, &row)))
                goto fail;
        }
    }
    /* Reasons are generated on demand, one account at a time, into one buffer. */
    char *reasons = malloc(CH_SCORE_REASONS_MAX);
    if (!reasons) {
        rc = CHORUS_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < ch_corpus_naccounts(c) && !rc; i++) {
        ch_score_reasons(r->scores, i, reasons, CH_SCORE_REASONS_MAX);
        ch_account_row row = {r->scores->score[i], r->net->cluster_of_account[i], reasons};
        rc = ch_store_account(s, c, i, &row);
    }
    free(reasons);
    if (rc)
        goto fail;

    for (size_t k = 0; k < r->net->n_clusters; k++) {
        const ch_cluster *cl = &r->net->clusters[k];
        char beh[160];
        behaviours_text(cl->behaviours, beh, sizeof beh);
        ch_cluster_row row = {(int64_t)k, cl->n_members, cl->score, beh,
                              cl->first_seen, cl->last_seen, cl->summary};
        if ((rc = ch_store_cluster(s, &row)))
            goto fail;
    }
    for (size_t k = 0; k < r->co->n_edges; k++) {
        if (!r->net->coact_kept[k])
            continue;
        const ch_edge *e = &r->co->edges[k];
        ch_edge_row row = {acct_id(c, e->a), acct_id(c, e->b),
                           ch_behaviour_name((ch_behaviour)e->behaviour), e->weight,
                           e->n_events, e->n_objects, e->pvalue};
        if ((rc = ch_store_edge(s, &row)))
            goto fail;
    }
    for (size_t k = 0; k < r->co->n_shared; k++) {
        const ch_shared *sh = &r->co->shared[k];
        if (!r->net->coact_kept[sh->edge])
            continue;
        const ch_edge *e = &r->co->edges[sh->edge];
        char object[512];
        describe_object(c, r, (ch_behaviour)e->behaviour, sh->post_a, sh->post_b, object,
                        sizeof object);
        ch_evidence_row row = {acct_id(c, e->a), acct_id(c, e->b),
                               ch_behaviour_name((ch_behaviour)e->behaviour),
                               post_id(c, sh->post_a), post_id(c, sh->post_b), object};
        if ((rc = ch_store_evidence(s, &row)))
            goto fail;
    }
    for (size_t k = 0; k < r->parrot->nrows; k++) {
        const ch_parrot_row *m = &r->parrot->rows[k];
        ch_match_row row = {post_id(c, m->post), ch_stmtset_get(r->stmts, m->m.stmt)->id,
                            m->m.similarity, m->m.post_start, m->m.post_end,
                            m->m.stmt_start, m->m.stmt_end, m->before_publication};
        if ((rc = ch_store_match(s, &row)))
            goto fail;
    }
    for (size_t k = 0; k < r->nd->n_narratives; k++) {
        const ch_narrative *n = &r->nd->narratives[k];
        ch_narrative_row row = {(int64_t)k, n->size, n->n_accounts, n->first_seen, n->last_seen,
                                ch_corpus_post(c, n->rep_post)->text};
        if ((rc = ch_store_narrative(s, &row)))
            goto fail;
    }
    for (size_t k = 0; k < d->nrecs; k++) {
        if ((rc = ch_store_ingest_error(s, d->recs[k].file, d->recs[k].line,
                                        ch_reason_name(d->recs[k].reason))))
            goto fail;
    }
    ch_store_run_f64(s, "time.store", cli_now() - t->store);
    return ch_store_commit(s, err, errlen);
fail:
    snprintf(err, errlen, "cannot write '%s': %s", o->out, chorus_strerror((chorus_err)rc));
    ch_store_abort(s);
    return rc;
}

/* The posts table is the bulk of the database. It is written, and indexed, on a worker
 * thread as soon as the narratives are known, while the later detection stages run; the
 * store is touched by that thread alone until it is joined. */
typedef struct posts_writer {
    ch_store *s;
    const ch_corpus *c;
    const uint32_t *narrative_of_post;
    pthread_t tid;
    bool started;
    int rc;
    double seconds;
} posts_writer;

static void *posts_writer_run(void *arg)
{
    posts_writer *w = arg;
    double t0 = cli_now();
    w->rc = ch_store_posts(w->s, w->c, w->narrative_of_post);
    if (!w->rc)
        w->rc = ch_store_posts_index(w->s);
    w->seconds = cli_now() - t0;
    return NULL;
}

static void posts_writer_start(void *ctx, const uint32_t *narrative_of_post)
{
    posts_writer *w = ctx;
    w->narrative_of_post = narrative_of_post;
    if (pthread_create(&w->tid, NULL, posts_writer_run, w) == 0)
        w->started = true;
    else
        posts_writer_run(w); /* no thread: write them now */
}

static int posts_writer_join(posts_writer *w)
{
    if (w->started) {
        pthread_join(w->tid, NULL);
        w->started = false;
    }
    return w->rc;
}

/* ---- summary ---------------------------------------------------------------------------- */

static void print_summary(const scan_opts *o, const chorus_corpus *c, const results *r,
                          double total)
{
    char a[32], b[32];
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    uint64_t errors = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        errors += st->errors[k];
    size_t flagged = 0, clustered = 0;
    for (size_t i = 0; i < ch_corpus_naccounts(c); i++) {
        flagged += r->scores->score[i] >= CH_SCORE_FLAG;
        clustered += r->net->cluster_of_account[i] != CH_NONE;
    }
    if (o->in.json) {
        printf("{\"posts\":%zu,\"accounts\":%zu,\"errors\":%llu,\"unreadable_bytes\":%llu,"
               "\"statements\":%zu,"
               "\"matches\":%zu,\"posts_matched\":%llu,\"narratives\":%zu,\"edges\":%zu,"
               "\"clusters\":%zu,\"clustered_accounts\":%zu,\"flagged_accounts\":%zu,"
               "\"window\":%lld,\"seconds\":%.3f,\"database\":",
               ch_corpus_nposts(c), ch_corpus_naccounts(c), (unsigned long long)errors,
               (unsigned long long)st->unreadable_bytes,
               r->stmts ? ch_stmtset_count(r->stmts) : 0, r->parrot->nrows,
               (unsigned long long)r->parrot->posts_matched, r->nd->n_narratives,
               r->net->n_coact_kept,
               r->net->n_clusters, clustered, flagged, (long long)r->co->window, total);
        cli_json_str(stdout, o->out);
        printf(",\"top_clusters\":[");
        for (size_t k = 0; k < r->net->n_clusters && k < 10; k++) {
            printf("%s{\"id\":%zu,\"size\":%u,\"score\":%.3f,\"summary\":", k ? "," : "", k,
                   r->net->clusters[k].n_members, r->net->clusters[k].score);
            cli_json_str(stdout, r->net->clusters[k].summary ? r->net->clusters[k].summary : "");
            printf("}");
        }
        printf("]}\n");
        return;
    }
    printf("posts        %s from %s accounts (%s bad records skipped)\n",
           cli_num(ch_corpus_nposts(c), a), cli_num(ch_corpus_naccounts(c), b),
           cli_num(errors, (char[32]){0}));
    if (st->unreadable_bytes)
        printf("unreadable   %s bytes of damaged compressed input skipped\n",
               cli_num(st->unreadable_bytes, a));
    if (r->stmts)
        printf("parroting    %s posts match %zu statements (%s matches)\n",
               cli_num(r->parrot->posts_matched, a), ch_stmtset_count(r->stmts),
               cli_num(r->parrot->nrows, b));
    printf("narratives   %s groups of near-identical posts\n", cli_num(r->nd->n_narratives, a));
    printf("co-actions   %s account pairs in the network (%s screened, %s significant on "
           "their own; window %llds",
           cli_num(r->net->n_coact_kept, a), cli_num(r->co->n_edges, b),
           cli_num(r->co->n_significant, (char[32]){0}), (long long)r->co->window);
    if (r->co->windows_long[CH_B_REPOST])
        printf(" and %llds", (long long)r->co->windows_long[CH_B_REPOST]);
    printf(")\n");
    printf("clusters     %s coordinated clusters, %s accounts; %s accounts score >= %.1f\n",
           cli_num(r->net->n_clusters, a), cli_num(clustered, b),
           cli_num(flagged, (char[32]){0}), CH_SCORE_FLAG);
    for (size_t k = 0; k < r->net->n_clusters && k < 5; k++)
        printf("  #%zu  score %.2f  %s\n", k, r->net->clusters[k].score,
               r->net->clusters[k].summary ? r->net->clusters[k].summary : "");
    if (r->net->n_clusters > 5)
        printf("  ... %zu more\n", r->net->n_clusters - 5);
    printf("results      %s  (%.1f s; see: chorus inspect %s)\n", o->out, total, o->out);
}

/* ---- the job ---------------------------------------------------------------------------- */

/* The stage being run, on one redrawn stderr line when it is a terminal. */
static void stage(const scan_opts *o, const char *what)
{
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (o->in.quiet || !tty)
        return;
    if (what)
        fprintf(stderr, "\r\033[Kscan: %s ...", what);
    else
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

static void progress_cb(void *ctx, const char *what)
{
    stage(ctx, what);
}

static int load_statements(const scan_opts *o, cli_diag *d, results *r)
{
    if (o->nstmts == 0)
        return CHORUS_OK;
    int rc = ch_stmtset_new(&r->stmts);
    if (rc)
        return rc;
    ch_stmt_opts so = {.split = o->split, .strict = o->in.strict, .diag = cli_diag_cb,
                       .diag_ctx = d};
    for (int i = 0; i < o->nstmts; i++) {
        if ((rc = ch_stmtset_load(r->stmts, o->stmts[i], &so)))
            return rc;
    }
    cli_diag_flush(d);
    return CHORUS_OK;
}

int cmd_scan(int argc, char **argv)
{
    scan_opts o;
    int status = parse_args(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    chorus_corpus *c = NULL;
    results r;
    memset(&r, 0, sizeof r);
    timings t = {0};
    ch_store *store = NULL;
    cli_diag d = {.quiet = o.in.quiet, .limit = 20, .keep = 100};
    double t0 = cli_now();
    int rc;
    char err[512];

    if (chorus_corpus_new(&c)) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    status = cli_read_inputs(c, &o.in, &d, &t.ingest);
    /* An input that cannot be read at all (missing, undetectable) was reported above. When
     * the others gave posts, the scan goes on over them and exits 1 at the end, so a run over
     * a folder of exports is not lost to one stray file; --strict, usage errors, or nothing
     * read at all stop here, leaving any previous database untouched. */
    bool partial = false;
    if (status == EXIT_RUNTIME && !o.in.strict && ch_corpus_nposts(c) > 0)
        partial = true;
    else if (status != EXIT_OK)
        goto out;
    if (ch_corpus_nposts(c) == 0 && !o.in.quiet)
        cli_err("warning: the inputs hold no posts");

    stage(&o, "reading statements");
    if ((rc = load_statements(&o, &d, &r))) {
        status = EXIT_RUNTIME;
        goto out;
    }
    /* normalize, parrot, narratives, co-actions, network, scores: ch_detect_run, as the
     * quality benchmark runs them */
    if ((rc = ch_store_open(o.out, &store, err, sizeof err))) {
        cli_err("%s", err);
        status = EXIT_RUNTIME;
        goto out;
    }
    posts_writer pw = {.s = store, .c = c};
    ch_detect_opts dopt;
    ch_detect_opts_default(&dopt);
    dopt.threads = o.threads;
    dopt.coact.window = o.window;
    dopt.progress = progress_cb;
    dopt.progress_ctx = &o;
    dopt.narratives_ready = posts_writer_start;
    dopt.narratives_ready_ctx = &pw;
    o.screen_p = dopt.coact.screen_p;
    rc = ch_detect_run(c, r.stmts, &dopt, &r.d);
    if (!pw.started && !rc) /* the chain never reported narratives: write posts now */
        posts_writer_start(&pw, NULL);
    int prc = posts_writer_join(&pw);
    t.store_posts = pw.seconds;
    if (!rc && prc) {
        rc = prc;
        snprintf(err, sizeof err, "cannot write '%s': %s", o.out, chorus_strerror((chorus_err)rc));
        cli_err("%s", err);
        status = EXIT_RUNTIME;
        goto out;
    }
    t.normalize = r.d.seconds[CH_DS_NORMALIZE];
    t.parrot = r.d.seconds[CH_DS_PARROT];
    t.neardup = r.d.seconds[CH_DS_NEARDUP];
    t.coact = r.d.seconds[CH_DS_COACT];
    t.network = r.d.seconds[CH_DS_NETWORK];
    t.score = r.d.seconds[CH_DS_SCORE];
    if (rc)
        goto fail;
    r.parrot = &r.d.parrot;
    r.nd = r.d.nd;
    r.co = r.d.co;
    r.net = r.d.net;
    r.scores = r.d.scores;

    t.store = cli_now();
    stage(&o, "writing the results database");
    rc = write_db(store, &o, c, &r, &d, &t, err, sizeof err);
    store = NULL; /* write_db committed or aborted it */
    if (rc) {
        cli_err("%s", err);
        status = EXIT_RUNTIME;
        goto out;
    }
    if (o.report) {
        stage(&o, "writing the report");
        if ((rc = ch_report_write(o.out, o.report, NULL, NULL, err, sizeof err))) {
            stage(&o, NULL);
            cli_err("scan: %s", err);
            status = EXIT_RUNTIME;
            goto out;
        }
    }
    stage(&o, NULL);
    print_summary(&o, c, &r, cli_now() - t0);
    if (o.report && !o.in.json)
        printf("report       %s\n", o.report);
    if (partial) {
        cli_err("some inputs could not be read (see above): the results cover the others");
        status = EXIT_RUNTIME;
    }
    goto out;
fail:
    stage(&o, NULL);
    cli_err("scan: %s", chorus_strerror((chorus_err)rc));
    status = EXIT_RUNTIME;
out:
    ch_store_abort(store);
    ch_detect_result_free(&r.d);
    ch_stmtset_free(r.stmts);
    cli_diag_free(&d);
    chorus_corpus_free(c);
    return status;
}
