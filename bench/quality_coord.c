/*
 * bench/quality_coord.c — quality of the coordination stages against a generated scenario's
 * ground truth. The stages run through ch_detect_run (src/detect/detect.h), the function
 * `chorus scan` runs, with the same defaults: ingest -> normalize -> parroting (statements
 * given) -> narratives -> co-actions -> network -> scores; then the metrics.
 *
 *   bench_quality_coord --truth DIR/truth.jsonl [--statements DIR/statements.jsonl]
 *                       [--no-parrot] [--no-neardup] [--window SECONDS] [--format F]
 *                       [--threads N] [--alpha Q] [--screen P] [--combine T] [--combine-units U]
 *                       [--max-p P]
 *                       [--min-weight W] [--min-objects K] [--min-degree D] [--attach-alpha A]
 *                       [--no-associates]
 *                       [--long-action S] [--long-narrative S] [--long-statement S]
 *                       [--weights FILE] [--dump FILE] [--json] [--verbose] POSTS...
 *   bench_quality_coord [options] DIR     (DIR/truth.jsonl, statements.jsonl, posts.v1.jsonl)
 *
 * Without options every stage runs with its defaults. The options override one default each
 * for experiments: --alpha the co-action stage's false discovery rate (the significant flag),
 * --screen its screening level, --combine the level of the combined screen (0: off; coact.h)
 * and --combine-units the units a behaviour needs to count there, --long-* its long looks (0:
 * one look), --max-p, --min-weight, --min-objects, --min-degree, --attach-alpha and
 * --no-associates the network's filters and rules.
 * Metrics (truth: the generator's account labels):
 *   clustered   precision and recall of "in a cluster" against label campaign;
 *   flagged     the same for "score >= CH_SCORE_FLAG" (evidence z >= 0);
 *   hard negatives in a cluster / flagged (journalist, lookalike, viral_reposter,
 *               news_sharer, trend_user, news_outlet, official, viral_author, and the
 *               event_user, fan, fan_idol and niche_user of chorus-synth --scenario);
 *   purity      per cluster, the largest share of members from one campaign (non-campaign
 *               members count as their own class), averaged weighted by size;
 *   split       campaigns whose detected members fall in more than one cluster;
 *   per-campaign recall (clustered) with the campaign's kind, size, behaviours and timing;
 *   breakdown   (quality_breakdown.h) precision, recall and F1 of clustered and flagged per
 *               campaign kind and per size class (3-5, 6-12, 13-60, 61+), the zero-hard-
 *               negatives check per label, campaigns merged into one cluster (and twin
 *               campaigns merged), and the ranking of the scores (flagged accounts >= 0.995,
 *               quantiles, AUC, R-precision, cluster score against its members' scores).
 * --json prints all of it as one object (campaign_list, by_kind, by_size,
 * hard_negative_check, merges, score_ranking, clusters_scores besides the totals).
 * --dump writes one TSV row per account (truth label, campaign, every score feature and the
 * presence mask) for tools/fit/fit.py. --weights reads CH_SF__COUNT + 1 numbers (bias last)
 * to score with instead of the compiled-in weights.
 * --verbose also lists every community of >= 3 accounts with its labels, every cluster with
 * its test statistics, one campaign account's reasons, and the reasons and co-action edges of
 * every hard negative that is clustered or flagged. In the environment, QC_MEMBERS=1 adds
 * per-member degrees, QC_MISSED=1 the campaign accounts left out with their edges, QC_PAIRS=1
 * per behaviour the candidate pairs inside and outside campaigns by p-value, QC_CAMPS=1 per
 * campaign not wholly clustered its internal co-action and combined edges, QC_INST=1 per
 * label the accounts with graph edges to institutional accounts.
 * tools/fit/quality.sh runs the benchmark of the default scenario, tools/fit/grid.py the grid of
 * --scenario settings; docs/network.md and docs/scoring.md have the figures. Exit status 0 unless something failed to run (then 1, or 2 for usage).
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "quality_breakdown.h"
#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/detect.h"
#include "detect/neardup/neardup.h"
#include "detect/network/network.h"
#include "detect/parrot/parrot.h"
#include "detect/score/score.h"
#include "ingest/statements.h"
#include "ingest/ingest.h"

enum { L_ORGANIC, L_CAMPAIGN, L_JOURNALIST, L_NEWS, L_OFFICIAL, L_LOOKALIKE, L_VIRAL,
       L_NEWSSHARE, L_TREND, L_VIRAL_AUTHOR, L_EVENT, L_FAN, L_IDOL, L_NICHE, L_UNKNOWN, L_N };
static const char *const label_names[L_N] = {
    "organic", "campaign", "journalist", "news_outlet", "official", "lookalike",
    "viral_reposter", "news_sharer", "trend_user", "viral_author", "event_user", "fan",
    "fan_idol", "niche_user", "unknown",
};
static bool hard_negative(int l)
{
    return l != L_ORGANIC && l != L_CAMPAIGN && l != L_UNKNOWN;
}

#define MAX_CAMP 256
typedef struct camp_info {
    int size;
    int kind;         /* index into truth.kinds; "mixed" when the truth has no kind */
    int twin;         /* twin campaign or -1 */
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
    char kinds[QB_MAX_KINDS][32]; /* campaign kinds in order of first appearance */
    int n_kinds;
} truth;

static int kind_index(truth *t, const char *s, size_t n)
{
    for (int k = 0; k < t->n_kinds; k++)
        if (strlen(t->kinds[k]) == n && !memcmp(t->kinds[k], s, n))
            return k;
    if (t->n_kinds == QB_MAX_KINDS)
        return -1;
    snprintf(t->kinds[t->n_kinds], sizeof t->kinds[0], "%.*s", (int)n, s);
    return t->n_kinds++;
}

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
            const char *ks;
            size_t kn;
            ci->kind = ch_json_get_str(root, "kind", &ks, &kn) ? kind_index(t, ks, kn) : kind_index(t, "mixed", 5);
            int64_t twin;
            ci->twin = ch_json_int64(ch_json_get(root, "twin_of"), &twin) && twin >= 0 && twin < MAX_CAMP
                           ? (int)twin : -1;
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
            a = bench_find_account(c, id, idn);
        if (a == SIZE_MAX && ch_json_get_str(root, "io_userid", &id, &idn))
            a = bench_find_account(c, id, idn);
        if (a == SIZE_MAX && ch_json_get_str(root, "handle", &id, &idn))
            a = bench_find_account(c, id, idn);
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
    bool use_parrot = true, json = false, verbose = false;
    const ch_reader *fmt = NULL;
    ch_detect_opts dopt;
    ch_detect_opts_default(&dopt);
    ch_coact_opts *cop = &dopt.coact;
    ch_network_opts *nop = &dopt.network;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const bool arg = i + 1 < argc;
        if (!strcmp(a, "--truth") && arg)
            truth_path = argv[++i];
        else if (!strcmp(a, "--statements") && arg)
            stmt_path = argv[++i];
        else if (!strcmp(a, "--dump") && arg)
            dump_path = argv[++i];
        else if (!strcmp(a, "--weights") && arg)
            weights_path = argv[++i];
        else if (!strcmp(a, "--window") && arg)
            cop->window = atoll(argv[++i]);
        else if (!strcmp(a, "--threads") && arg)
            dopt.threads = atoi(argv[++i]);
        else if (!strcmp(a, "--alpha") && arg)
            cop->alpha = atof(argv[++i]);
        else if (!strcmp(a, "--screen") && arg)
            cop->screen_p = atof(argv[++i]);
        else if (!strcmp(a, "--combine") && arg)
            cop->combine_p = atof(argv[++i]);
        else if (!strcmp(a, "--combine-units") && arg)
            cop->combine_units = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(a, "--long-action") && arg) {
            const int64_t w = atoll(argv[++i]);
            for (int b = 0; b < CH_B__COUNT; b++)
                if (b != CH_B_NARRATIVE && b != CH_B_STATEMENT)
                    cop->long_window[b] = w;
        } else if (!strcmp(a, "--long-narrative") && arg)
            cop->long_window[CH_B_NARRATIVE] = atoll(argv[++i]);
        else if (!strcmp(a, "--long-statement") && arg)
            cop->long_window[CH_B_STATEMENT] = atoll(argv[++i]);
        else if (!strcmp(a, "--max-p") && arg)
            nop->max_pvalue = atof(argv[++i]);
        else if (!strcmp(a, "--min-weight") && arg)
            nop->min_weight = atof(argv[++i]);
        else if (!strcmp(a, "--min-objects") && arg)
            nop->min_objects = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(a, "--min-degree") && arg)
            nop->min_member_degree = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(a, "--attach-alpha") && arg)
            nop->attach_alpha = atof(argv[++i]);
        else if (!strcmp(a, "--no-associates"))
            nop->associates = false;
        else if (!strcmp(a, "--format") && arg) {
            if (strcmp(argv[++i], "auto") && !(fmt = ch_reader_find(argv[i])))
                die("unknown format", argv[i]);
        } else if (!strcmp(a, "--no-parrot"))
            use_parrot = false;
        else if (!strcmp(a, "--no-neardup"))
            dopt.narratives = false;
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
                        "statements.jsonl] [options] POSTS... (see the comment at the top of "
                        "bench/quality_coord.c)\n");
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
        dopt.score.weights = weights;
    }

    double t0 = bench_now();
    ch_corpus *c;
    if (chorus_corpus_new(&c))
        die("out of memory", NULL);
    ch_ingest_opts io = {.reader = fmt, .diag = diag};
    for (int i = 0; i < ninputs; i++)
        if (ch_ingest_file(c, inputs[i], &io, NULL))
            die("cannot read", inputs[i]);
    const double t_ingest = bench_now() - t0;
    const size_t np = ch_corpus_nposts(c), na = ch_corpus_naccounts(c);
    ch_stmtset *ss = NULL;
    if (use_parrot && stmt_path) {
        ch_stmt_opts so = {.diag = diag};
        if (ch_stmtset_new(&ss) || ch_stmtset_load(ss, stmt_path, &so))
            die("cannot load statements", stmt_path);
    }

    /* the stages, as `chorus scan` runs them */
    ch_detect_result dr;
    int rc = ch_detect_run(c, ss, &dopt, &dr);
    if (rc)
        die("detection failed", chorus_strerror(rc));
    const ch_coact_result *co = dr.co;
    const ch_network *net = dr.net;
    const ch_scores *sc = dr.scores;
    const ch_neardup_result *nd = dr.nd;
    const ch_parrot_result pr = dr.parrot;
    const double t_parrot = dr.seconds[CH_DS_PARROT], t_neardup = dr.seconds[CH_DS_NEARDUP],
                 t_coact = dr.seconds[CH_DS_COACT], t_net = dr.seconds[CH_DS_NETWORK],
                 t_score = dr.seconds[CH_DS_SCORE];
    ch_coact_opts co_opts = dopt.coact;
    co_opts.narrative_of_post = nd ? nd->narrative_of_post : NULL;
    co_opts.statement_of_post = pr.post_stmt;

    truth t;
    memset(&t, 0, sizeof t);
    read_truth(truth_path, c, &t);

    if (getenv("QC_PAIRS")) {
        /* per behaviour: candidate pairs inside one campaign vs the others, by p-value */
        for (int b = 0; b < CH_B__COUNT; b++) {
            ch_edge *pe;
            size_t npe;
            int64_t wu;
            if (ch_coact_pairs(c, &co_opts, (ch_behaviour)b, &pe, &npe, &wu))
                die("pairs failed", NULL);
            size_t in2 = 0, in_p[4] = {0}, out_p[4] = {0}, hn_p[4] = {0};
            const double lv[4] = {1e-2, 1e-3, 1e-5, 1e-9};
            for (size_t i = 0; i < npe; i++) {
                const ch_edge *e = &pe[i];
                if (e->n_objects < 2)
                    continue;
                const bool same = t.campaign[e->a] >= 0 && t.campaign[e->a] == t.campaign[e->b];
                const bool hn = hard_negative(t.label[e->a]) || hard_negative(t.label[e->b]);
                in2 += same;
                for (int k = 0; k < 4; k++)
                    if (e->pvalue <= lv[k])
                        (same ? in_p : hn ? hn_p : out_p)[k]++;
            }
            printf("pairs %-9s window %6lld/%6lld: same-campaign with >=2 objects %zu; p<=1e-2,1e-3,1e-5,1e-9: same %zu %zu %zu %zu | HN %zu %zu %zu %zu | other %zu %zu %zu %zu\n",
                   ch_behaviour_name((ch_behaviour)b), (long long)wu,
                   (long long)co->windows_long[b], in2, in_p[0], in_p[1], in_p[2], in_p[3],
                   hn_p[0], hn_p[1], hn_p[2], hn_p[3], out_p[0], out_p[1], out_p[2], out_p[3]);
            ch_free(pe);
        }
    }
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
    if (getenv("QC_INST")) {
        /* per label: accounts with >= 1 / >= 2 graph edges (w >= W) to institutional accounts */
        size_t cnt1[L_N] = {0}, cnt2[L_N] = {0};
        uint32_t *ni = calloc(na + 1, sizeof *ni);
        for (size_t e = 0; e < net->n_edges; e++) {
            const ch_network_edge *ne = &net->edges[e];
            if (ne->weight < net->min_weight)
                continue;
            if (net->institutional[ne->a] && !net->institutional[ne->b])
                ni[ne->b]++;
            if (net->institutional[ne->b] && !net->institutional[ne->a])
                ni[ne->a]++;
        }
        double *bi = calloc(na + 1, sizeof *bi), *bo = calloc(na + 1, sizeof *bo);
        for (size_t e = 0; e < net->n_edges; e++) {
            const ch_network_edge *ne = &net->edges[e];
            for (int side = 0; side < 2; side++) {
                const uint32_t x = side ? ne->b : ne->a, y = side ? ne->a : ne->b;
                double *m = net->institutional[y] ? bi : bo;
                if (ne->weight > m[x])
                    m[x] = ne->weight;
            }
        }
        size_t top[L_N] = {0};
        for (size_t a = 0; a < na; a++) {
            cnt1[t.label[a]] += ni[a] >= 1;
            cnt2[t.label[a]] += ni[a] >= 2;
            top[t.label[a]] += !net->institutional[a] && bi[a] >= net->min_weight && bi[a] > bo[a];
        }
        for (int l = 0; l < L_N; l++)
            if (top[l])
                printf("  strongest edge institutional: %s %zu\n", label_names[l], top[l]);
        free(bi);
        free(bo);
        for (int l = 0; l < L_N; l++)
            if (cnt1[l])
                printf("  institutional neighbours: %s >=1: %zu, >=2: %zu\n", label_names[l], cnt1[l], cnt2[l]);
        free(ni);
    }
    if (getenv("QC_CAMPS")) {
        /* per campaign that is not wholly clustered: its internal co-action edges (run with
         * --screen 1 to see the pairs below the screening level too) */
        for (int cp = 0; cp < t.n_camp; cp++) {
            int tot = 0, found = 0;
            for (size_t a = 0; a < na; a++)
                if (t.campaign[a] == cp) {
                    tot++;
                    found += net->cluster_of_account[a] != CH_NONE;
                }
            if (found == tot || tot == 0)
                continue;
            printf("  camp %d %s size %d %s %s: clustered %d/%d\n", cp,
                   t.camp[cp].kind >= 0 ? t.kinds[t.camp[cp].kind] : "?", t.camp[cp].size,
                   t.camp[cp].timing, t.camp[cp].behaviours, found, tot);
            for (size_t e = 0; e < co->n_edges; e++) {
                const ch_edge *ed = &co->edges[e];
                if (t.campaign[ed->a] != cp || t.campaign[ed->b] != cp)
                    continue;
                printf("    %-9s %5u %5u obj %u occ %u units %u ev %u exp %.3g p %.3g w %lld%s%s cl %d %d\n",
                       ch_behaviour_name((ch_behaviour)ed->behaviour), ed->a, ed->b, ed->n_objects,
                       ed->n_occasions, ed->n_units, ed->n_events, ed->expected, ed->pvalue,
                       (long long)ed->window, ed->flags & CH_EDGE_LONG ? " long" : "",
                       ed->flags & CH_EDGE_SIGNIFICANT ? " sig" : "",
                       (int)net->cluster_of_account[ed->a], (int)net->cluster_of_account[ed->b]);
            }
            for (size_t e = 0; e < net->n_edges; e++) {
                const ch_network_edge *ne = &net->edges[e];
                if (t.campaign[ne->a] == cp && t.campaign[ne->b] == cp)
                    printf("    NET %5u %5u w %.2f (W %.2f) comm %d %d\n", ne->a, ne->b, ne->weight,
                           net->min_weight, (int)net->community_of_account[ne->a],
                           (int)net->community_of_account[ne->b]);
            }
        }
    }
    if (getenv("QC_MISSED")) {
        /* campaign accounts outside clusters: their combined edges to their own campaign */
        uint32_t *nposts = calloc(na + 1, sizeof *nposts);
        for (size_t pi = 0; pi < np; pi++)
            nposts[ch_corpus_post(c, pi)->account]++;
        for (size_t a = 0; a < na; a++) {
            if (t.label[a] != L_CAMPAIGN || net->cluster_of_account[a] != CH_NONE)
                continue;
            uint32_t same = 0, same_w = 0, other = 0;
            double best = 0;
            uint32_t bes = 0;
            for (size_t e = 0; e < net->n_edges; e++) {
                const ch_network_edge *ne = &net->edges[e];
                if (ne->a != a && ne->b != a)
                    continue;
                const uint32_t o = ne->a == a ? ne->b : ne->a;
                if (t.campaign[o] == t.campaign[a]) {
                    same++;
                    same_w += ne->weight >= net->min_weight;
                    if (ne->weight > best) {
                        best = ne->weight;
                        bes = ne->behaviours;
                    }
                } else
                    other++;
            }
            printf("  missed campaign %d account %zu: %u posts, community %d, edges to own campaign %u "
                   "(%u >= W), best %.1f (behaviours 0x%x), other edges %u\n",
                   t.campaign[a], a, nposts[a], (int)net->community_of_account[a], same, same_w,
                   best, bes, other);
        }
        free(nposts);
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

    /* the breakdown by kind, size class and hard-negative label; merges; score ranking */
    const char *kind_names[QB_MAX_KINDS];
    for (int k = 0; k < t.n_kinds; k++)
        kind_names[k] = t.kinds[k];
    bool label_hard[L_N];
    for (int l = 0; l < L_N; l++)
        label_hard[l] = hard_negative(l);
    int camp_kind[MAX_CAMP], camp_size[MAX_CAMP], camp_twin[MAX_CAMP];
    for (int cp = 0; cp < MAX_CAMP; cp++) {
        camp_kind[cp] = cp < t.n_camp ? t.camp[cp].kind : -1;
        camp_size[cp] = t.camp[cp].size;
        camp_twin[cp] = cp < t.n_camp ? t.camp[cp].twin : -1;
    }
    double *cluster_score = malloc((net->n_clusters + 1) * sizeof *cluster_score);
    if (!cluster_score)
        die("out of memory", NULL);
    for (size_t i = 0; i < net->n_clusters; i++)
        cluster_score[i] = net->clusters[i].score;
    const qb_input qin = {
        .n_accounts = na, .label = t.label, .campaign = t.campaign,
        .cluster = net->cluster_of_account, .score = sc->score, .flag = CH_SCORE_FLAG,
        .n_clusters = net->n_clusters, .cluster_score = cluster_score, .n_camp = t.n_camp,
        .camp_kind = camp_kind, .camp_size = camp_size, .camp_twin = camp_twin,
        .kind_names = kind_names, .n_kinds = t.n_kinds, .label_names = label_names,
        .label_hard = label_hard, .n_labels = L_N, .label_campaign = L_CAMPAIGN,
    };
    qb_result qres;
    if (qb_compute(&qin, &qres))
        die("out of memory", NULL);

    if (json) {
        printf("{\"posts\":%zu,\"accounts\":%zu,\"campaign_accounts\":%zu,\"window\":%lld,"
               "\"edges\":%zu,\"clusters\":%zu,\"cluster_precision\":%.4f,\"cluster_recall\":%.4f,"
               "\"cluster_hard_negatives\":%zu,\"flag_precision\":%.4f,\"flag_recall\":%.4f,"
               "\"flag_hard_negatives\":%zu,\"purity\":%.4f,\"campaigns\":%d,\"split\":%d,"
               "\"campaign_with_edge\":%zu,\"hard_negatives_with_edge\":%zu,"
               "\"cluster_tp\":%zu,\"cluster_fp\":%zu,\"flag_tp\":%zu,\"flag_fp\":%zu,"
               "\"seconds\":{\"ingest\":%.2f,\"parrot\":%.2f,\"neardup\":%.2f,\"coact\":%.2f,"
               "\"network\":%.3f,\"score\":%.3f},",
               np, na, n_camp_accts, (long long)co->window, co->n_edges, net->n_clusters, cp_, cr,
               cl.hn, fp_, fr, fl.hn, purity, camps, split, camp_with_edge, hn_with_edge, cl.tp,
               cl.fp, fl.tp, fl.fp, t_ingest, t_parrot, t_neardup,
               t_coact, t_net, t_score);
        size_t clustered = 0;
        for (size_t a = 0; a < na; a++)
            clustered += net->cluster_of_account[a] != CH_NONE;
        printf("\"clustered_accounts\":%zu,\"hard_negatives_by\":{", clustered);
        for (int l = 0, first = 1; l < L_N; l++) {
            if (!hard_negative(l))
                continue;
            printf("%s\"%s\":[%zu,%zu]", first ? "" : ",", label_names[l], cl.hn_by[l], fl.hn_by[l]);
            first = 0;
        }
        printf("},\"cluster_list\":[");
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
        printf("],\"campaign_list\":[");
        for (int cp = 0; cp < t.n_camp; cp++)
            printf("%s{\"id\":%d,\"kind\":\"%s\",\"size\":%d,\"accounts\":%d,\"clustered\":%d,"
                   "\"clusters\":%d,\"flagged\":%d,\"timing\":\"%s\",\"twin_of\":%d}",
                   cp ? "," : "", cp, t.camp[cp].kind >= 0 ? t.kinds[t.camp[cp].kind] : "?",
                   t.camp[cp].size, camp_total[cp], camp_found[cp], camp_clusters[cp],
                   camp_flagged[cp], t.camp[cp].timing, t.camp[cp].twin);
        printf("],");
        qb_print_json(stdout, &qin, &qres);
        printf("}\n");
    } else {
        printf("posts %zu, accounts %zu (%zu campaign, %zu truth accounts not in corpus)\n", np,
               na, n_camp_accts, t.unmatched);
        printf("stages: ingest %.2f s, parrot %.2f s (%llu posts matched), neardup %.2f s "
               "(%zu narratives), coact %.2f s (window %lld s, %zu edges), network %.3f s, "
               "score %.3f s\n",
               t_ingest, t_parrot, (unsigned long long)pr.posts_matched, t_neardup,
               nd ? nd->n_narratives : 0, t_coact, (long long)co->window, co->n_edges, t_net,
               t_score);
        {
            /* matched posts per truth label: all, and quoted (left out of co-parroting) */
            size_t m_all[L_N] = {0}, m_q[L_N] = {0};
            for (size_t k = 0; k < pr.nrows; k++) {
                if (k && pr.rows[k - 1].post == pr.rows[k].post)
                    continue;   /* the best row of a post only */
                const ch_post *p = ch_corpus_post(c, pr.rows[k].post);
                m_all[t.label[p->account]]++;
                m_q[t.label[p->account]] += pr.rows[k].m.quoted;
            }
            printf("matched posts by label (quoted of them):");
            for (int l = 0; l < L_N; l++)
                if (m_all[l])
                    printf(" %s %zu (%zu)", label_names[l], m_all[l], m_q[l]);
            printf("\n");
        }
        printf("edges by behaviour (screened/significant, window short/long):");
        for (int b = 0; b < CH_B__COUNT; b++)
            printf(" %s %llu/%llu (window %lld/%lld)", ch_behaviour_name((ch_behaviour)b),
                   (unsigned long long)co->edges_by[b], (unsigned long long)co->significant_by[b],
                   (long long)co->windows[b], (long long)co->windows_long[b]);
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
            printf("  campaign %d: %d accounts (%s, size %d, %s, %s, %s): clustered %d in %d "
                   "cluster(s), flagged %d\n",
                   cp, camp_total[cp], t.camp[cp].kind >= 0 ? t.kinds[t.camp[cp].kind] : "?",
                   t.camp[cp].size, t.camp[cp].behaviours, t.camp[cp].timing, t.camp[cp].profile,
                   camp_found[cp], camp_clusters[cp], camp_flagged[cp]);
        qb_print_text(stdout, &qin, &qres);
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
                    for (size_t e = 0; e < co->n_edges; e++) {
                        const ch_edge *ed = &co->edges[e];
                        if (ed->a != a && ed->b != a)
                            continue;
                        const uint32_t o2 = ed->a == a ? ed->b : ed->a;
                        printf("    edge %s with %s (campaign %d, cluster %d): objects %u occasions %u events %u p %.3g window %lld\n",
                               ch_behaviour_name((ch_behaviour)ed->behaviour), label_names[t.label[o2]],
                               t.campaign[o2], (int)net->cluster_of_account[o2], ed->n_objects,
                               ed->n_occasions, ed->n_events, ed->pvalue, (long long)ed->window);
                        for (size_t x = 0; x < co->n_shared; x++)
                            if (co->shared[x].edge == e) {
                                const ch_post *p1 = ch_corpus_post(c, co->shared[x].post_a), *p2 = ch_corpus_post(c, co->shared[x].post_b);
                                printf("      %lld %.60s | %lld %.60s\n", (long long)p1->created_at, p1->text, (long long)p2->created_at, p2->text);
                            }
                    }
                }
            for (size_t i = 0; i < net->n_clusters; i++) {
                const ch_cluster *k = &net->clusters[i];
                int lab[L_N] = {0};
                for (uint32_t j = 0; j < k->n_members; j++)
                    lab[t.label[k->members[j]]]++;
                printf("  cluster %zu score %.3f density %.2f meanw %.1f rarity %.2f log10p %.0f "
                       "objects %u/%u attached %u: %s [",
                       i, k->score, k->density, k->mean_weight, k->rarity, k->log10_p,
                       k->n_core_objects, k->n_objects, k->n_attached, k->summary);
                for (int l = 0; l < L_N; l++)
                    if (lab[l])
                        printf(" %s %d", label_names[l], lab[l]);
                /* languages of the members' posts */
                {
                    const ch_pool *pool = ch_corpus_pool(c);
                    char seen[8][16];
                    size_t cntl[8] = {0};
                    int nl = 0;
                    uint8_t *mem = calloc(na + 1, 1);
                    for (uint32_t j = 0; j < k->n_members; j++)
                        mem[k->members[j]] = 1;
                    for (size_t pi = 0; pi < np; pi++) {
                        const ch_post *pp = ch_corpus_post(c, pi);
                        if (!mem[pp->account])
                            continue;
                        const char *lg = pp->lang ? ch_pool_str(pool, pp->lang) : "?";
                        int x = 0;
                        while (x < nl && strcmp(seen[x], lg))
                            x++;
                        if (x == nl && nl < 8)
                            snprintf(seen[nl++], 16, "%s", lg);
                        if (x < 8)
                            cntl[x]++;
                    }
                    free(mem);
                    printf(" langs:");
                    for (int x = 0; x < nl; x++)
                        printf(" %s %zu", seen[x], cntl[x]);
                }
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
        fprintf(f, "label\tcampaign\tpositive\thard_negative\tclustered\tcluster_id\tevidence");
        for (int k = 0; k < CH_SF__COUNT; k++)
            fprintf(f, "\t%s", ch_score_feature_name((ch_score_feature)k));
        fprintf(f, "\tpresent\n");
        for (size_t a = 0; a < na; a++) {
            fprintf(f, "%s\t%d\t%d\t%d\t%d\t%d", label_names[t.label[a]], t.campaign[a],
                    t.label[a] == L_CAMPAIGN, hard_negative(t.label[a]),
                    net->cluster_of_account[a] != CH_NONE,
                    net->cluster_of_account[a] != CH_NONE ? (int)net->cluster_of_account[a] : -1);
            fprintf(f, "\t%.6g", sc->evidence[a]);
            for (int k = 0; k < CH_SF__COUNT; k++)
                fprintf(f, "\t%.6g", sc->features[a][k]);
            fprintf(f, "\t%u\n", sc->present[a]);
        }
        fclose(f);
    }

    qb_free(&qres);
    free(cluster_score);
    free(camp_clusters);
    free(last_cluster);
    free(t.label);
    free(t.campaign);
    ch_detect_result_free(&dr);
    ch_stmtset_free(ss);
    chorus_corpus_free(c);
    return 0;
}
