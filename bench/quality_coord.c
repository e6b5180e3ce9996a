/*
 * bench/quality_coord.c — quality of the coordination stages against a generated scenario's
 * ground truth: ingest -> (parrot, neardup) -> coact -> network -> score, then the metrics.
 *
 *   bench_quality_coord --truth DIR/truth.jsonl [--statements DIR/statements.jsonl]
 *                       [--no-parrot] [--no-neardup] [--window SECONDS] [--format F]
 *                       [--alpha Q] [--max-p P] [--screen P] [--min-weight W]
 *                       [--min-degree D]
 *                       [--weights FILE] [--dump FILE] [--json] [--verbose] POSTS...
 *   bench_quality_coord [options] DIR     (DIR/truth.jsonl, statements.jsonl, posts.v1.jsonl)
 *
 * --alpha sets the co-action stage's false discovery rate, --max-p the network's edge filter,
 * --min-weight the network's combined-weight filter. --screen P replaces the co-action stage's
 * output with every candidate pair of p <= P (see screened() below).
 * Metrics (truth: the generator's account labels):
 *   clustered   precision and recall of "in a cluster" against label campaign;
 *   flagged     the same for "score >= 0.5";
 *   hard negatives in a cluster / flagged (journalist, lookalike, viral_reposter,
 *               news_sharer, trend_user, news_outlet, official, viral_author);
 *   purity      per cluster, the largest share of members from one campaign (non-campaign
 *               members count as their own class), averaged weighted by size;
 *   split       campaigns whose detected members fall in more than one cluster;
 *   per-campaign recall (clustered) with the campaign's behaviours and timing.
 * --dump writes one TSV row per account (truth label, campaign, every score feature and the
 * presence mask) for tools/fit/fit.py. --weights reads CH_SF__COUNT + 1 numbers (bias last)
 * to score with instead of the compiled-in weights.
 * --verbose also lists every community of >= 3 accounts with its labels, every cluster with
 * its test statistics, one campaign account's reasons, and the reasons of every hard negative
 * that is clustered or flagged (QC_MEMBERS=1 in the environment adds per-member degrees).
 * tools/fit/quality.sh runs the whole benchmark; docs/network.md and docs/scoring.md have the
 * figures. Exit status 0 unless something failed to run (then 1, or 2 for usage).
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/post.h"
#include "detect/coact.h"
#include "detect/coact_int.h"
#include "detect/neardup.h"
#include "detect/network.h"
#include "detect/parrot.h"
#include "detect/score.h"
#include "detect/statements.h"
#include "ingest/ingest.h"

enum { L_ORGANIC, L_CAMPAIGN, L_JOURNALIST, L_NEWS, L_OFFICIAL, L_LOOKALIKE, L_VIRAL,
       L_NEWSSHARE, L_TREND, L_VIRAL_AUTHOR, L_UNKNOWN, L_N };
static const char *const label_names[L_N] = {
    "organic", "campaign", "journalist", "news_outlet", "official", "lookalike",
    "viral_reposter", "news_sharer", "trend_user", "viral_author", "unknown",
};
static bool hard_negative(int l)
{
    return l != L_ORGANIC && l != L_CAMPAIGN && l != L_UNKNOWN;
}

#define MAX_CAMP 256
typedef struct camp_info {
    int size;
    char behaviours[160];
    char timing[16];
    char profile[16];
} camp_info;

typedef struct truth {
    int *label;       /* per corpus account */
    int *campaign;    /* per corpus account, -1 none */
    camp_info camp[MAX_CAMP];
    int n_camp;
    size_t unmatched; /* truth accounts not in the corpus */
} truth;

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "bench_quality_coord: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static int label_of(const char *s, size_t n)
{
    for (int i = 0; i < L_UNKNOWN; i++)
        if (strlen(label_names[i]) == n && memcmp(label_names[i], s, n) == 0)
            return i;
    return L_UNKNOWN;
}

static void read_truth(const char *path, const ch_corpus *c, truth *t)
{
    const size_t na = ch_corpus_naccounts(c);
    t->label = malloc((na + 1) * sizeof *t->label);
    t->campaign = malloc((na + 1) * sizeof *t->campaign);
    for (size_t i = 0; i < na; i++) {
        t->label[i] = L_UNKNOWN;
        t->campaign[i] = -1;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open", path);
    ch_json_parser *jp;
    if (ch_json_parser_new(0, &jp))
        die("out of memory", NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        ch_json_val root;
        if (ch_json_parse(jp, line, (size_t)len, false, &root, NULL) != CH_JSON_OK)
            continue;
        const char *type;
        size_t tn;
        if (!ch_json_get_str(root, "type", &type, &tn))
            continue;
        if (tn == 8 && !memcmp(type, "campaign", 8)) {
            int64_t id, size;
            if (!ch_json_int64(ch_json_get(root, "id"), &id) || id < 0 || id >= MAX_CAMP)
                continue;
            camp_info *ci = &t->camp[id];
            if (ch_json_int64(ch_json_get(root, "size"), &size))
                ci->size = (int)size;
            ch_json_iter it;
            ch_json_val v;
            size_t off = 0;
            if (ch_json_iter_init(ch_json_get(root, "behaviours"), &it))
                while (ch_json_arr_next(&it, &v)) {
                    const char *s;
                    size_t n;
                    if (ch_json_str(v, &s, &n) && off + n + 2 < sizeof ci->behaviours)
                        off += (size_t)snprintf(ci->behaviours + off, sizeof ci->behaviours - off,
                                                "%s%.*s", off ? "+" : "", (int)n, s);
                }
            const char *s;
            size_t n;
            if (ch_json_get_str(root, "timing", &s, &n))
                snprintf(ci->timing, sizeof ci->timing, "%.*s", (int)n, s);
            if (ch_json_get_str(root, "profile", &s, &n))
                snprintf(ci->profile, sizeof ci->profile, "%.*s", (int)n, s);
            if (id + 1 > t->n_camp)
                t->n_camp = (int)id + 1;
            continue;
        }
        if (tn != 7 || memcmp(type, "account", 7))
            continue;
        const char *lab, *id;
        size_t ln, idn;
        if (!ch_json_get_str(root, "label", &lab, &ln))
            continue;
        size_t a = SIZE_MAX;
        if (ch_json_get_str(root, "account_id", &id, &idn))
            a = ch_corpus_find_account(c, id, idn);
        if (a == SIZE_MAX && ch_json_get_str(root, "io_userid", &id, &idn))
            a = ch_corpus_find_account(c, id, idn);
        if (a == SIZE_MAX && ch_json_get_str(root, "handle", &id, &idn))
            a = ch_corpus_find_account(c, id, idn);
        if (a == SIZE_MAX) {
            t->unmatched++;
            continue;
        }
        t->label[a] = label_of(lab, ln);
        int64_t camp;
        if (ch_json_int64(ch_json_get(root, "campaign"), &camp))
            t->campaign[a] = (int)camp;
    }
    free(line);
    ch_json_parser_free(jp);
    fclose(f);
}

static void diag(void *ctx, const char *file, uint64_t line, ch_reason reason, const char *msg)
{
    (void)ctx;
    (void)reason;
    if (line == 0)
        fprintf(stderr, "bench_quality_coord: %s: %s\n", file, msg);
}


/* ---- --screen: emulated screening output of the co-action stage ---------------------------
 * The network combines evidence over behaviours; it gains most when it also sees pairs that
 * are only weakly unusual in each behaviour. The co-action stage keeps only the pairs that
 * pass Benjamini-Hochberg on their own, so this builds what a screening mode would return:
 * every candidate pair with >= min_objects objects and p <= P per behaviour
 * (ch_coact_pairs), with up to CH_SHARED_PER_EDGE evidence post pairs found from the events
 * (ch_coact_extract) within the behaviour's window. */

typedef struct aev {
    uint32_t acct, post;
    uint64_t key;
    int64_t t;
} aev;

static int cmp_aev(const void *x, const void *y)
{
    const aev *p = x, *q = y;
    if (p->acct != q->acct)
        return p->acct < q->acct ? -1 : 1;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    if (p->t != q->t)
        return p->t < q->t ? -1 : 1;
    return (p->post > q->post) - (p->post < q->post);
}

static ch_coact_result *screened(const ch_corpus *c, const ch_coact_opts *o, double P)
{
    ch_coact_result *r = ch_calloc(1, sizeof *r);
    size_t cap_e = 0, cap_s = 0;
    ch_evraw raw[CH_B__COUNT];
    memset(raw, 0, sizeof raw);
    if (!r || ch_coact_extract(c, o, (1u << CH_B__COUNT) - 1, raw))
        die("screen: out of memory", NULL);
    const size_t na = ch_corpus_naccounts(c);
    size_t *first = malloc((na + 1) * sizeof *first);
    for (int b = 0; b < CH_B__COUNT; b++) {
        ch_edge *pe;
        size_t np;
        int64_t win;
        if (ch_coact_pairs(c, o, (ch_behaviour)b, &pe, &np, &win))
            die("screen: pairs failed", NULL);
        r->windows[b] = win;
        if (b == 0 || win > r->window)
            r->window = win;
        /* events of b by (account, key, time) */
        aev *ev = malloc((raw[b].n + 1) * sizeof *ev);
        for (size_t i = 0; i < raw[b].n; i++)
            ev[i] = (aev){raw[b].ev[i].acct, raw[b].ev[i].post, raw[b].ev[i].key, raw[b].ev[i].t};
        qsort(ev, raw[b].n, sizeof *ev, cmp_aev);
        for (size_t a = 0; a <= na; a++)
            first[a] = raw[b].n;
        for (size_t i = raw[b].n; i-- > 0;)
            first[ev[i].acct] = i;
        for (size_t a = na; a-- > 0;)
            if (first[a] > first[a + 1])
                first[a] = first[a + 1];
        for (size_t i = 0; i < np; i++) {
            if (pe[i].n_objects < o->min_objects || !(pe[i].pvalue <= P))
                continue;
            if (r->n_edges == cap_e) {
                cap_e = cap_e ? 2 * cap_e : 1024;
                r->edges = ch_realloc(r->edges, cap_e * sizeof *r->edges);
            }
            const uint32_t e = (uint32_t)r->n_edges;
            r->edges[r->n_edges++] = pe[i];
            r->edges_by[b]++;
            /* evidence: keys both acted on within the window, one post pair per key */
            size_t x = first[pe[i].a], xe = first[pe[i].a + 1];
            size_t y = first[pe[i].b], ye = first[pe[i].b + 1];
            int got = 0;
            while (x < xe && y < ye && got < CH_SHARED_PER_EDGE) {
                if (ev[x].key < ev[y].key) {
                    x++;
                } else if (ev[y].key < ev[x].key) {
                    y++;
                } else {
                    const uint64_t k = ev[x].key;
                    size_t x1 = x, y1 = y;
                    while (x1 < xe && ev[x1].key == k)
                        x1++;
                    while (y1 < ye && ev[y1].key == k)
                        y1++;
                    bool found = false;
                    for (size_t i2 = x; i2 < x1 && !found; i2++)
                        for (size_t j2 = y; j2 < y1 && !found; j2++) {
                            int64_t dt = ev[i2].t - ev[j2].t;
                            if (dt < 0)
                                dt = -dt;
                            if (dt <= win) {
                                if (r->n_shared == cap_s) {
                                    cap_s = cap_s ? 2 * cap_s : 4096;
                                    r->shared = ch_realloc(r->shared, cap_s * sizeof *r->shared);
                                }
                                r->shared[r->n_shared++] = (ch_shared){e, ev[i2].post, ev[j2].post};
                                found = true;
                                got++;
                            }
                        }
                    x = x1;
                    y = y1;
                }
            }
        }
        ch_free(pe);
        free(ev);
        ch_free(raw[b].ev);
    }
    free(first);
    return r;
}

typedef struct counts {
    size_t tp, fp, fn, hn, hn_by[L_N];
} counts;

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

int main(int argc, char **argv)
{
    const char *truth_path = NULL, *stmt_path = NULL, *dump_path = NULL, *weights_path = NULL;
    const char *inputs[64];
    int ninputs = 0;
    bool use_parrot = true, use_neardup = true, json = false, verbose = false;
    int64_t window = 0;
    double alpha = -1, max_p = -1, screen = -1, min_w = -1;
    int min_deg = -1;
    ch_format fmt = CH_FMT_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--truth") && i + 1 < argc)
            truth_path = argv[++i];
        else if (!strcmp(a, "--statements") && i + 1 < argc)
            stmt_path = argv[++i];
        else if (!strcmp(a, "--dump") && i + 1 < argc)
            dump_path = argv[++i];
        else if (!strcmp(a, "--weights") && i + 1 < argc)
            weights_path = argv[++i];
        else if (!strcmp(a, "--window") && i + 1 < argc)
            window = atoll(argv[++i]);
        else if (!strcmp(a, "--alpha") && i + 1 < argc)
            alpha = atof(argv[++i]);
        else if (!strcmp(a, "--max-p") && i + 1 < argc)
            max_p = atof(argv[++i]);
        else if (!strcmp(a, "--screen") && i + 1 < argc)
            screen = atof(argv[++i]);
        else if (!strcmp(a, "--min-weight") && i + 1 < argc)
            min_w = atof(argv[++i]);
        else if (!strcmp(a, "--min-degree") && i + 1 < argc)
            min_deg = atoi(argv[++i]);
        else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (ch_format_parse(argv[++i], &fmt))
                die("unknown format", argv[i]);
        } else if (!strcmp(a, "--no-parrot"))
            use_parrot = false;
        else if (!strcmp(a, "--no-neardup"))
            use_neardup = false;
        else if (!strcmp(a, "--json"))
            json = true;
        else if (!strcmp(a, "--verbose"))
            verbose = true;
        else if (a[0] == '-' && a[1])
            die("unknown option", a);
        else if (ninputs < 64)
            inputs[ninputs++] = a;
    }
    /* `make bench` passes a scenario directory: its truth, statements and v1.1 posts */
    static char dir_truth[4096], dir_stmt[4096], dir_posts[4096];
    struct stat st;
    if (ninputs == 1 && stat(inputs[0], &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(dir_truth, sizeof dir_truth, "%s/truth.jsonl", inputs[0]);
        snprintf(dir_stmt, sizeof dir_stmt, "%s/statements.jsonl", inputs[0]);
        snprintf(dir_posts, sizeof dir_posts, "%s/posts.v1.jsonl", inputs[0]);
        if (stat(dir_posts, &st) != 0)
            snprintf(dir_posts, sizeof dir_posts, "%s/posts.io.csv", inputs[0]);
        if (!truth_path)
            truth_path = dir_truth;
        if (!stmt_path && stat(dir_stmt, &st) == 0)
            stmt_path = dir_stmt;
        inputs[0] = dir_posts;
    }
    if (!truth_path || ninputs == 0) {
        fprintf(stderr, "usage: bench_quality_coord --truth truth.jsonl [--statements "
                        "statements.jsonl] [--no-parrot] [--no-neardup] [--window S] "
                        "[--format F] [--weights FILE] [--dump FILE] [--json] POSTS...\n");
        return 2;
    }
    double weights[CH_SF__COUNT + 1];
    if (weights_path) {
        FILE *f = fopen(weights_path, "r");
        if (!f)
            die("cannot open", weights_path);
        for (int k = 0; k <= CH_SF__COUNT; k++)
            if (fscanf(f, "%lf", &weights[k]) != 1)
                die("too few weights in", weights_path);
        fclose(f);
    }

    double t0 = bench_now(), t_ingest, t_parrot = 0, t_neardup = 0, t_coact, t_net, t_score;
    ch_corpus *c;
    if (chorus_corpus_new(&c))
        die("out of memory", NULL);
    ch_ingest_opts io = {.format = fmt, .diag = diag};
    for (int i = 0; i < ninputs; i++)
        if (ch_ingest_file(c, inputs[i], &io))
            die("cannot read", inputs[i]);
    t_ingest = bench_now() - t0;
    const size_t np = ch_corpus_nposts(c), na = ch_corpus_naccounts(c);

    /* parroting */
    ch_stmtset *ss = NULL;
    ch_parrot_index *pix = NULL;
    ch_parrot_result pr;
    memset(&pr, 0, sizeof pr);
    int64_t *published = NULL;
    size_t nst = 0;
    if (use_parrot && stmt_path) {
        t0 = bench_now();
        ch_stmt_opts so = {.diag = diag};
        if (ch_stmtset_new(&ss) || ch_stmtset_load(ss, stmt_path, &so))
            die("cannot load statements", stmt_path);
        nst = ch_stmtset_count(ss);
        published = malloc((nst + 1) * sizeof *published);
        for (size_t i = 0; i < nst; i++)
            published[i] = ch_stmtset_get(ss, i)->published_at;
        /* one thread: with two, ch_parrot_match_text crashed intermittently (1 run in 4 on
         * seed 5's IO CSV, a fault inside the worker); the results do not depend on it */
        ch_parrot_corpus_opts po = {.threads = 1, .max_per_post = 1};
        if (ch_parrot_build(ss, NULL, &pix) || ch_parrot_match_corpus(pix, c, &po, &pr))
            die("parroting failed", NULL);
        t_parrot = bench_now() - t0;
    }
    /* narratives */
    ch_neardup_result *nd = NULL;
    if (use_neardup) {
        t0 = bench_now();
        if (ch_neardup_run(c, NULL, &nd))
            die("neardup failed", NULL);
        t_neardup = bench_now() - t0;
    }

    t0 = bench_now();
    ch_coact_opts co_opts;
    ch_coact_opts_default(&co_opts);
    co_opts.window = window;
    if (alpha > 0)
        co_opts.alpha = alpha;
    co_opts.narrative_of_post = nd ? nd->narrative_of_post : NULL;
    co_opts.statement_of_post = pr.post_stmt;
    ch_coact_result *co = NULL;
    int rc = CHORUS_OK;
    if (screen > 0)
        co = screened(c, &co_opts, screen);
    else if ((rc = ch_coact_run(c, &co_opts, &co)))
        die("coact failed", chorus_strerror(rc));
    t_coact = bench_now() - t0;

    t0 = bench_now();
    ch_network_opts no;
    ch_network_opts_default(&no);
    if (max_p > 0)
        no.max_pvalue = max_p;
    if (min_w >= 0)
        no.min_weight = min_w;
    if (min_deg >= 0)
        no.min_member_degree = (uint32_t)min_deg;
    no.narrative_of_post = co_opts.narrative_of_post;
    no.statement_of_post = co_opts.statement_of_post;
    ch_network *net = NULL;
    if ((rc = ch_network_build(c, co, &no, &net)))
        die("network failed", chorus_strerror(rc));
    t_net = bench_now() - t0;

    t0 = bench_now();
    ch_score_inputs si = {pr.post_stmt, published, nst, co_opts.narrative_of_post};
    ch_score_opts sopt;
    ch_score_opts_default(&sopt);
    if (weights_path)
        sopt.weights = weights;
    ch_scores *sc = NULL;
    if ((rc = ch_score_run(c, net, &si, &sopt, &sc)))
        die("score failed", chorus_strerror(rc));
    t_score = bench_now() - t0;

    truth t;
    memset(&t, 0, sizeof t);
    read_truth(truth_path, c, &t);

    /* metrics */
    counts cl = {0}, fl = {0};
    size_t n_camp_accts = 0, camp_with_edge = 0, hn_with_edge = 0;
    {
        /* the ceiling: accounts with at least one combined edge */
        char *has = calloc(na + 1, 1);
        for (size_t i = 0; i < net->n_edges; i++)
            has[net->edges[i].a] = has[net->edges[i].b] = 1;
        for (size_t a = 0; a < na; a++) {
            camp_with_edge += has[a] && t.label[a] == L_CAMPAIGN;
            hn_with_edge += has[a] && hard_negative(t.label[a]);
        }
        free(has);
    }
    int camp_total[MAX_CAMP] = {0}, camp_found[MAX_CAMP] = {0}, camp_flagged[MAX_CAMP] = {0};
    for (size_t a = 0; a < na; a++) {
        const bool pos = t.label[a] == L_CAMPAIGN;
        const bool inc = net->cluster_of_account[a] != CH_NONE;
        const bool flag = sc->score[a] >= CH_SCORE_FLAG;
        n_camp_accts += pos;
        if (pos && t.campaign[a] >= 0 && t.campaign[a] < MAX_CAMP) {
            camp_total[t.campaign[a]]++;
            camp_found[t.campaign[a]] += inc;
            camp_flagged[t.campaign[a]] += flag;
        }
        counts *k[2] = {&cl, &fl};
        const bool got[2] = {inc, flag};
        for (int j = 0; j < 2; j++) {
            if (got[j] && pos)
                k[j]->tp++;
            else if (got[j]) {
                k[j]->fp++;
                if (hard_negative(t.label[a])) {
                    k[j]->hn++;
                    k[j]->hn_by[t.label[a]]++;
                }
            } else if (pos)
                k[j]->fn++;
        }
    }
    /* purity and splits */
    double purity_num = 0;
    size_t purity_den = 0;
    int *camp_clusters = calloc(MAX_CAMP, sizeof *camp_clusters);
    uint32_t *last_cluster = malloc(MAX_CAMP * sizeof *last_cluster);
    for (int k = 0; k < MAX_CAMP; k++)
        last_cluster[k] = CH_NONE;
    for (size_t i = 0; i < net->n_clusters; i++) {
        const ch_cluster *k = &net->clusters[i];
        int cnt[MAX_CAMP] = {0}, other = 0, best = 0;
        for (uint32_t j = 0; j < k->n_members; j++) {
            const int cp = t.campaign[k->members[j]];
            if (cp >= 0 && cp < MAX_CAMP) {
                cnt[cp]++;
                if (last_cluster[cp] != i) {
                    last_cluster[cp] = (uint32_t)i;
                    camp_clusters[cp]++;
                }
            } else
                other++;
        }
        for (int cp = 0; cp < MAX_CAMP; cp++)
            best = cnt[cp] > best ? cnt[cp] : best;
        /* non-campaign members are each their own class */
        if (other && best == 0)
            best = 1;
        purity_num += best;
        purity_den += k->n_members;
    }
    int split = 0, camps = 0;
    for (int cp = 0; cp < t.n_camp; cp++) {
        camps += camp_total[cp] > 0;
        split += camp_clusters[cp] > 1;
    }
    const double cp_ = ratio(cl.tp, cl.tp + cl.fp), cr = ratio(cl.tp, cl.tp + cl.fn);
    const double fp_ = ratio(fl.tp, fl.tp + fl.fp), fr = ratio(fl.tp, fl.tp + fl.fn);
    const double purity = purity_den ? purity_num / purity_den : 1;

    if (json) {
        printf("{\"posts\":%zu,\"accounts\":%zu,\"campaign_accounts\":%zu,\"window\":%lld,"
               "\"edges\":%zu,\"clusters\":%zu,\"cluster_precision\":%.4f,\"cluster_recall\":%.4f,"
               "\"cluster_hard_negatives\":%zu,\"flag_precision\":%.4f,\"flag_recall\":%.4f,"
               "\"flag_hard_negatives\":%zu,\"purity\":%.4f,\"campaigns\":%d,\"split\":%d,"
               "\"campaign_with_edge\":%zu,\"hard_negatives_with_edge\":%zu,"
               "\"cluster_tp\":%zu,\"cluster_fp\":%zu,\"flag_tp\":%zu,\"flag_fp\":%zu,"
               "\"seconds\":{\"ingest\":%.2f,\"parrot\":%.2f,\"neardup\":%.2f,\"coact\":%.2f,"
               "\"network\":%.3f,\"score\":%.3f},\"cluster_list\":[",
               np, na, n_camp_accts, (long long)co->window, co->n_edges, net->n_clusters, cp_, cr,
               cl.hn, fp_, fr, fl.hn, purity, camps, split, camp_with_edge, hn_with_edge, cl.tp,
               cl.fp, fl.tp, fl.fp, t_ingest, t_parrot, t_neardup,
               t_coact, t_net, t_score);
        for (size_t i = 0; i < net->n_clusters; i++) {
            const ch_cluster *k = &net->clusters[i];
            uint32_t camp = 0;
            for (uint32_t j = 0; j < k->n_members; j++)
                camp += t.label[k->members[j]] == L_CAMPAIGN;
            printf("%s{\"size\":%u,\"campaign\":%u,\"density\":%.4f,\"mean_weight\":%.3f,"
                   "\"score\":%.4f,\"core\":%u,\"objects\":%u,\"log10p\":%.1f,\"pruned\":%u}",
                   i ? "," : "", k->n_members, camp, k->density, k->mean_weight, k->score,
                   k->n_core_objects, k->n_objects, k->log10_p, k->n_pruned);
        }
        printf("]}\n");
    } else {
        printf("posts %zu, accounts %zu (%zu campaign, %zu truth accounts not in corpus)\n", np,
               na, n_camp_accts, t.unmatched);
        printf("stages: ingest %.2f s, parrot %.2f s (%llu posts matched), neardup %.2f s "
               "(%zu narratives), coact %.2f s (window %lld s, %zu edges), network %.3f s, "
               "score %.3f s\n",
               t_ingest, t_parrot, (unsigned long long)pr.posts_matched, t_neardup,
               nd ? nd->n_narratives : 0, t_coact, (long long)co->window, co->n_edges, t_net,
               t_score);
        printf("edges by behaviour:");
        for (int b = 0; b < CH_B__COUNT; b++)
            printf(" %s %llu (window %lld)", ch_behaviour_name((ch_behaviour)b),
                   (unsigned long long)co->edges_by[b], (long long)co->windows[b]);
        printf("\nnetwork: %zu combined edges, %u communities, %u tested, %zu clusters; "
               "rejected: size after pruning %u, surprise %u, objects %u, density %u, "
               "strength %u; null edge probability %.3g, W %.2f\n",
               net->n_edges, net->n_communities, net->communities_tested, net->n_clusters,
               net->rejected[CH_NT_SIZE], net->rejected[CH_NT_SURPRISE],
               net->rejected[CH_NT_OBJECTS], net->rejected[CH_NT_DENSITY],
               net->rejected[CH_NT_STRENGTH], net->null_edge_p, net->min_weight);
        printf("with an edge: %zu campaign accounts, %zu hard negatives\n", camp_with_edge,
               hn_with_edge);
        printf("clustered: precision %.4f recall %.4f (tp %zu fp %zu fn %zu), hard negatives %zu\n",
               cp_, cr, cl.tp, cl.fp, cl.fn, cl.hn);
        printf("flagged:   precision %.4f recall %.4f (tp %zu fp %zu fn %zu), hard negatives %zu\n",
               fp_, fr, fl.tp, fl.fp, fl.fn, fl.hn);
        for (int l = 0; l < L_N; l++)
            if (cl.hn_by[l] || fl.hn_by[l])
                printf("  hard negative %s: clustered %zu flagged %zu\n", label_names[l],
                       cl.hn_by[l], fl.hn_by[l]);
        printf("purity %.4f; campaigns %d, split across clusters %d\n", purity, camps, split);
        for (int cp = 0; cp < t.n_camp; cp++)
            printf("  campaign %d: %d accounts (%s, %s, %s): clustered %d in %d cluster(s), "
                   "flagged %d\n",
                   cp, camp_total[cp], t.camp[cp].behaviours, t.camp[cp].timing,
                   t.camp[cp].profile, camp_found[cp], camp_clusters[cp], camp_flagged[cp]);
        if (verbose) {
            /* every community of >= 3 accounts with its labels, to see what the test rejects */
            for (uint32_t k = 0; k < net->n_communities; k++) {
                int lab[L_N] = {0}, n = 0, cl_ = -1;
                for (size_t a = 0; a < na; a++)
                    if (net->community_of_account[a] == k) {
                        lab[t.label[a]]++;
                        n++;
                        if (net->cluster_of_account[a] != CH_NONE)
                            cl_ = (int)net->cluster_of_account[a];
                    }
                if (n < 3)
                    continue;
                printf("  community %u: %d accounts, cluster %d [", k, n, cl_);
                for (int l = 0; l < L_N; l++)
                    if (lab[l])
                        printf(" %s %d", label_names[l], lab[l]);
                printf(" ]\n");
            }
            char rbuf[CH_SCORE_REASONS_MAX];
            /* one example of a flagged campaign account, for the docs */
            for (size_t a = 0; a < na; a++)
                if (t.label[a] == L_CAMPAIGN && net->cluster_of_account[a] != CH_NONE) {
                    ch_score_reasons(sc, a, rbuf, sizeof rbuf);
                    printf("  example campaign account %s: %s\n",
                           ch_pool_str(ch_corpus_pool(c), ch_corpus_account(c, a)->id), rbuf);
                    break;
                }
            for (size_t a = 0; a < na; a++)
                if (hard_negative(t.label[a]) && (sc->score[a] >= CH_SCORE_FLAG ||
                                                  net->cluster_of_account[a] != CH_NONE)) {
                    ch_score_reasons(sc, a, rbuf, sizeof rbuf);
                    printf("  hard negative %s %s: %s\n", label_names[t.label[a]],
                           ch_pool_str(ch_corpus_pool(c), ch_corpus_account(c, a)->id), rbuf);
                }
            for (size_t i = 0; i < net->n_clusters; i++) {
                const ch_cluster *k = &net->clusters[i];
                int lab[L_N] = {0};
                for (uint32_t j = 0; j < k->n_members; j++)
                    lab[t.label[k->members[j]]]++;
                printf("  cluster %zu score %.3f density %.2f meanw %.1f rarity %.2f log10p %.0f "
                       "objects %u/%u: %s [",
                       i, k->score, k->density, k->mean_weight, k->rarity, k->log10_p,
                       k->n_core_objects, k->n_objects, k->summary);
                for (int l = 0; l < L_N; l++)
                    if (lab[l])
                        printf(" %s %d", label_names[l], lab[l]);
                printf(" ]\n");
                if (getenv("QC_MEMBERS")) {
                    for (uint32_t j = 0; j < k->n_members; j++) {
                        const uint32_t a = k->members[j];
                        uint32_t din = 0, dall = 0;
                        double win = 0, wall = 0;
                        for (size_t e = 0; e < net->n_edges; e++) {
                            const ch_network_edge *ne = &net->edges[e];
                            if (ne->a != a && ne->b != a)
                                continue;
                            const uint32_t o = ne->a == a ? ne->b : ne->a;
                            dall++;
                            wall += ne->weight;
                            if (net->cluster_of_account[o] == i) {
                                din++;
                                win += ne->weight;
                            }
                        }
                        printf("    member %-14s deg %u/%u weight %.1f/%.1f score %.3f\n",
                               label_names[t.label[a]], din, dall, win, wall, sc->score[a]);
                    }
                }
            }
        }
    }

    if (dump_path) {
        FILE *f = fopen(dump_path, "w");
        if (!f)
            die("cannot write", dump_path);
        fprintf(f, "label\tcampaign\tpositive\thard_negative\tclustered");
        for (int k = 0; k < CH_SF__COUNT; k++)
            fprintf(f, "\t%s", ch_score_feature_name((ch_score_feature)k));
        fprintf(f, "\tpresent\n");
        for (size_t a = 0; a < na; a++) {
            fprintf(f, "%s\t%d\t%d\t%d\t%d", label_names[t.label[a]], t.campaign[a],
                    t.label[a] == L_CAMPAIGN, hard_negative(t.label[a]),
                    net->cluster_of_account[a] != CH_NONE);
            for (int k = 0; k < CH_SF__COUNT; k++)
                fprintf(f, "\t%.6g", sc->features[a][k]);
            fprintf(f, "\t%u\n", sc->present[a]);
        }
        fclose(f);
    }

    free(camp_clusters);
    free(last_cluster);
    free(t.label);
    free(t.campaign);
    free(published);
    ch_scores_free(sc);
    ch_network_free(net);
    ch_coact_result_free(co);
    ch_neardup_result_free(nd);
    ch_parrot_result_free(&pr);
    ch_parrot_free(pix);
    ch_stmtset_free(ss);
    chorus_corpus_free(c);
    return 0;
}
