/*
 * network.c — the network stage's entry point and its first phases: merging the co-action
 * edges into one combined edge per account pair, the graph and its threshold, Louvain
 * communities, pruning and each community's edges and evidence (see network.h for the
 * definitions, docs/network.md for the reasoning and the numbers).
 *
 * Phases of ch_network_build, each a function over the scratch struct (network_int.h):
 *   1. merge_edges       one edge per account pair from the co-action edges of every behaviour;
 *   2. set_threshold     W, and the associates of institutional accounts;
 *      select_graph      the edges >= W, their vertices, and p0 of the surprise test;
 *      find_communities  Louvain on them (network_louvain.c), renumbered by smallest vertex;
 *   3. prune             members per community, internal adjacency, the k-core;
 *      gather            per community: internal edges, weights, evidence rows;
 *   4. the cluster test, cluster records, attachment, summaries and the order
 *      (network_clusters.c).
 * Every temporary lives in the scratch and is freed by netbuild_free, on success and error.
 */
#include "detect/network/network_int.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sort.h"

void ch_network_opts_default(ch_network_opts *o)
{
    memset(o, 0, sizeof *o);
    o->resolution = 1.0;
    o->seed = 20240601;
    o->max_pvalue = 1.0;
    o->min_weight = -1;
    o->chance_edges = 1e4;
    o->institutional_followers = 10000;
    o->min_member_degree = 2;
    o->min_size = 3;
    o->alpha = 1e-3;
    o->min_objects = 3;
    o->min_object_members = 3;
    o->min_density = 0.1;
    o->min_mean_weight = 3.0;
    o->attach_alpha = 1e-3;
    o->associates = true;
}

const char *ch_network_object_noun(ch_behaviour b)
{
    static const char *const nouns[CH_B__COUNT] = {
        [CH_B_REPOST] = "posts",           [CH_B_REPLY] = "posts",
        [CH_B_QUOTE] = "posts",            [CH_B_LINK] = "URLs",
        [CH_B_HASHTAG] = "hashtags",       [CH_B_NARRATIVE] = "narratives",
        [CH_B_STATEMENT] = "statements",   [CH_B_MENTION] = "accounts",
        [CH_B_LIKE] = "posts",             [CH_B_THREAD] = "threads",
    };
    return (unsigned)b < CH_B__COUNT && nouns[b] ? nouns[b] : "objects";
}

void ch_network_free(ch_network *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_clusters; i++) {
        ch_free(n->clusters[i].members);
        ch_free(n->clusters[i].evidence);
        ch_free(n->clusters[i].summary);
    }
    ch_free(n->clusters);
    ch_free(n->edges);
    ch_free(n->community_of_account);
    ch_free(n->cluster_of_account);
    ch_free(n->institutional);
    ch_free(n->coact_kept);
    ch_free(n);
}

/* ---- 1. merging behaviours --------------------------------------------------------------- */

static double strength_of(double p)
{
    if (!(p > 0))  /* 0 is an underflow: the strongest evidence; NaN (a bug upstream): none */
        return p == 0 ? CH_NETWORK_MAX_LOGP : 0;
    double s = -log10(p);
    if (s > CH_NETWORK_MAX_LOGP)
        s = CH_NETWORK_MAX_LOGP;
    return s > 0 ? s : 0;
}

typedef struct pairref {
    uint64_t ab;   /* (a << 32) | b */
    uint32_t e;    /* index into co->edges */
} pairref;

static int cmp_pairref(const void *x, const void *y)
{
    const pairref *p = x, *q = y;
    if (p->ab != q->ab)
        return p->ab < q->ab ? -1 : 1;
    return (p->e > q->e) - (p->e < q->e);
}

/* Fills n->edges and co_to_net[e] (combined edge of co-action edge e, or CH_NONE). */
static int merge_edges(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    const ch_network_opts *o = bd->o;
    uint32_t *co_to_net = bd->co_to_net;
    int rc = CHORUS_OK;
    pairref *refs = NULL;
    size_t nr = 0;
    if (co->n_edges == 0)
        return CHORUS_OK;
    if (co->n_edges >= UINT32_MAX)
        return CHORUS_ELIMIT;
    if (!(refs = ch_malloc(co->n_edges * sizeof *refs)))
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < co->n_edges; i++) {
        const ch_edge *e = &co->edges[i];
        co_to_net[i] = CH_NONE;
        if (e->a >= e->b || e->b >= n->n_accounts || e->behaviour >= CH_B__COUNT) {
            rc = CHORUS_EUSAGE;
            goto out;
        }
        if (!(e->pvalue <= o->max_pvalue))
            continue;
        refs[nr++] = (pairref){((uint64_t)e->a << 32) | e->b, (uint32_t)i};
    }
    ch_sort(refs, nr, sizeof *refs, cmp_pairref);
    size_t ne = 0;
    for (size_t i = 0; i < nr; i++)
        ne += i == 0 || refs[i].ab != refs[i - 1].ab;
    if (ne && !(n->edges = ch_calloc(ne, sizeof *n->edges))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    size_t k = SIZE_MAX;
    for (size_t i = 0; i < nr; i++) {
        if (i == 0 || refs[i].ab != refs[i - 1].ab) {
            k = k == SIZE_MAX ? 0 : k + 1;
            n->edges[k].a = (uint32_t)(refs[i].ab >> 32);
            n->edges[k].b = (uint32_t)refs[i].ab;
        }
        const ch_edge *e = &co->edges[refs[i].e];
        ch_network_edge *ne_ = &n->edges[k];
        const double s = strength_of(e->pvalue);
        /* A behaviour appears once per pair in coact's output; should it repeat, keep the
         * strongest rather than double-count. */
        if (s > ne_->s[e->behaviour]) {
            ne_->weight += s - ne_->s[e->behaviour];
            ne_->s[e->behaviour] = s;
            if (e->flags & CH_EDGE_LONG)
                ne_->long_looks |= 1u << e->behaviour;
            else
                ne_->long_looks &= ~(1u << e->behaviour);
        }
        if (e->n_objects > ne_->n_objects[e->behaviour])
            ne_->n_objects[e->behaviour] = e->n_objects;
        ne_->behaviours |= 1u << e->behaviour;
        co_to_net[refs[i].e] = (uint32_t)k;
    }
    n->n_edges = ne;
out:
    ch_free(refs);
    return rc;
}

static int validate(const ch_network_opts *o)
{
    /* resolution is igraph's to check (it rejects negative values); NaN would be undefined */
    if (!isfinite(o->resolution) || o->min_size < 2 || !(o->min_density >= 0) ||
        !(o->min_density <= 1) || !(o->min_mean_weight >= 0) || !(o->alpha > 0) ||
        !(o->alpha <= 1) || isnan(o->max_pvalue) || isnan(o->min_weight) ||
        !(o->chance_edges >= 1) ||
        o->min_object_members < 2)
        return CHORUS_EUSAGE;
    return CHORUS_OK;
}

bool ch_network_institutional(const ch_account *a, const ch_network_opts *o)
{
    if (!a->meta.present)
        return false;
    if (a->meta.verified == 1)
        return true;
    return o->institutional_followers > 0 && a->meta.followers != CH_UNKNOWN_I64 &&
           a->meta.followers >= o->institutional_followers;
}

/* ---- 2. the graph and its communities ------------------------------------------------------- */

/* W: given, or "auto": the expected number of chance edges, pairs x 10^-W, at most
 * chance_edges, and W at least CH_NETWORK_MIN_WEIGHT. Then the associates of institutional
 * accounts: an account whose strongest partner (an edge >= W) is institutional is not
 * clustered either (CH_INST_ASSOCIATE). Its strongest evidence of acting in concert is with
 * officials or newsrooms, which act authentically: e.g. an official whose export has no
 * verified flag and fewer followers than the threshold, which reposts the other officials'
 * posts as a campaign does. */
static int set_threshold(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const size_t na = bd->na, na1 = na ? na : 1;
    double minw = bd->o->min_weight;
    if (minw < 0) {
        const double pairs = na >= 2 ? (double)na * (na - 1) / 2 : 1;
        minw = log10(pairs) - log10(bd->o->chance_edges);
        if (minw < CH_NETWORK_MIN_WEIGHT)
            minw = CH_NETWORK_MIN_WEIGHT;
    }
    n->min_weight = bd->minw = minw;
    if (!bd->o->associates)
        return CHORUS_OK;
    double *best_in = ch_calloc(na1, sizeof *best_in), *best_out = ch_calloc(na1, sizeof *best_out);
    int rc = CHORUS_ENOMEM;
    if (!best_in || !best_out)
        goto out;
    for (size_t i = 0; i < n->n_edges; i++) {
        const ch_network_edge *e = &n->edges[i];
        for (int side = 0; side < 2; side++) {
            const uint32_t x = side ? e->b : e->a, y = side ? e->a : e->b;
            double *m = n->institutional[y] == CH_INST_METADATA ? best_in : best_out;
            if (e->weight > m[x])
                m[x] = e->weight;
        }
    }
    for (size_t i = 0; i < na; i++)
        if (!n->institutional[i] && best_in[i] >= minw && best_in[i] > best_out[i])
            n->institutional[i] = CH_INST_ASSOCIATE;
    rc = CHORUS_OK;
out:
    ch_free(best_in);
    ch_free(best_out);
    return rc;
}

/* The graph: edges with combined weight >= W; vertices are their accounts, in account order.
 * Also p0, the surprise test's chance that two independent accounts become an edge. */
static int select_graph(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    const size_t na = bd->na, ne_all = n->n_edges;
    const double minw = bd->minw;
    if (!(bd->ge = ch_malloc((ne_all ? ne_all : 1) * sizeof *bd->ge)) ||
        !(bd->vid = ch_malloc((na ? na : 1) * sizeof *bd->vid)))
        return CHORUS_ENOMEM;
    size_t ne = 0, ne_ni = 0;
    double pmax = 0;
    uint32_t used_b = 0;
    for (size_t i = 0; i < na; i++)
        bd->vid[i] = CH_NONE;
    for (size_t i = 0; i < ne_all; i++) {
        const ch_network_edge *e = &n->edges[i];
        const bool inst = n->institutional[e->a] || n->institutional[e->b];
        if (e->weight < minw)
            continue;
        n->edges[i].used |= CH_NE_GRAPH;
        bd->ge[ne++] = (uint32_t)i;
        bd->vid[e->a] = bd->vid[e->b] = 0;
        if (!inst) {
            ne_ni++;
            used_b |= e->behaviours;
        }
    }
    bd->ne = ne;
    for (size_t i = 0; i < co->n_edges; i++) {
        const uint32_t k = bd->co_to_net[i];
        if (k != CH_NONE && bd->vid[n->edges[k].a] != CH_NONE &&
            bd->vid[n->edges[k].b] != CH_NONE && !n->institutional[n->edges[k].a] &&
            !n->institutional[n->edges[k].b] && n->edges[k].weight >= minw &&
            co->edges[i].pvalue > pmax)
            pmax = co->edges[i].pvalue;
    }
    /* p0, the chance that two independent accounts become an edge: at most (behaviours) x
     * (largest p accepted); with a combined threshold W, at most the chance that the sum of
     * that many -log10 p of uniform p-values reaches W (a Gamma tail); and the observed edge
     * density over all pairs of accounts, which counts every true edge as chance and so also
     * bounds it from above (up to sampling noise). The smallest applies. */
    int nb_used = 0;
    for (int b = 0; b < CH_B__COUNT; b++)
        nb_used += (used_b >> b) & 1;
    double p0 = nb_used * pmax;
    if (minw > 0 && nb_used > 0) {
        const double x = minw * log(10);
        double term = 1, sum = 1;
        for (int j = 1; j < nb_used; j++) {
            term *= x / j;
            sum += term;
        }
        const double g = exp(-x) * sum;
        p0 = g < p0 ? g : p0;
    }
    if (na >= 2) {
        const double dens = (double)ne_ni / ((double)na * (na - 1) / 2);
        p0 = dens < p0 ? dens : p0;
    }
    n->null_edge_p = p0 < 1e-300 ? 1e-300 : p0 > 0.5 ? 0.5 : p0;
    ch_network_strength_null(n, bd->ge, bd->ne, minw, nb_used, na, bd->p0_at);
    return CHORUS_OK;
}

/* Louvain on the graph (bd->ne > 0); communities renumbered by their smallest vertex, so ids
 * do not depend on igraph's internal numbering. */
static int find_communities(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const size_t na = bd->na, ne = bd->ne;
    size_t nv = 0;
    for (size_t i = 0; i < na; i++)
        if (bd->vid[i] != CH_NONE)
            bd->vid[i] = (uint32_t)nv++;
    bd->nv = nv;
    if (!(bd->vacct = ch_malloc(nv * sizeof *bd->vacct)) ||
        !(bd->va = ch_malloc(ne * sizeof *bd->va)) || !(bd->vb = ch_malloc(ne * sizeof *bd->vb)) ||
        !(bd->w = ch_malloc(ne * sizeof *bd->w)) || !(bd->memb = ch_malloc(nv * sizeof *bd->memb)))
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < na; i++)
        if (bd->vid[i] != CH_NONE)
            bd->vacct[bd->vid[i]] = (uint32_t)i;
    for (size_t i = 0; i < ne; i++) {
        const ch_network_edge *e = &n->edges[bd->ge[i]];
        bd->va[i] = bd->vid[e->a];
        bd->vb[i] = bd->vid[e->b];
        /* Louvain needs positive weights; a p-value of 1 still marks a tested pair */
        bd->w[i] = e->weight > 1e-6 ? e->weight : 1e-6;
    }
    int rc = ch_network_louvain(nv, ne, bd->va, bd->vb, bd->w, bd->o->resolution, bd->o->seed,
                                bd->memb);
    if (rc)
        return rc;
    uint32_t *relabel = ch_malloc(nv * sizeof *relabel);
    if (!relabel)
        return CHORUS_ENOMEM;
    for (size_t v = 0; v < nv; v++)
        relabel[v] = CH_NONE;
    uint32_t ncomm = 0;
    for (size_t v = 0; v < nv; v++) {
        if (relabel[bd->memb[v]] == CH_NONE)
            relabel[bd->memb[v]] = ncomm++;
        bd->memb[v] = relabel[bd->memb[v]];
        n->community_of_account[bd->vacct[v]] = bd->memb[v];
    }
    ch_free(relabel);
    n->n_communities = bd->ncomm = ncomm;
    return CHORUS_OK;
}

/* ---- 3. communities: pruning, internal edges, evidence ------------------------------------ */

/* Is graph edge i inside one community, between two non-institutional accounts? */
static bool internal_edge(const ch_netbuild *bd, size_t i)
{
    return bd->memb[bd->va[i]] == bd->memb[bd->vb[i]] &&
           !bd->n->institutional[bd->vacct[bd->va[i]]] &&
           !bd->n->institutional[bd->vacct[bd->vb[i]]];
}

/* Members per community (in account order), the internal adjacency (CSR), and pruning: a
 * member needs internal edges to at least min_member_degree others that stay; peeled in queue
 * order (the result is the unique largest such subgraph, the k-core, whatever the order).
 * Louvain places every vertex somewhere, including an ordinary account whose single chance
 * edge touches a campaign member. Institutional accounts took part in the community detection
 * (an account acting with them, such as an official the metadata does not reveal, is grouped
 * with them rather than with a campaign that amplifies the same posts); from here on they and
 * their edges are left out. */
static int prune(ch_netbuild *bd)
{
    const size_t nv = bd->nv, ne = bd->ne;
    const uint32_t ncomm = bd->ncomm;
    if (!(bd->cm = ch_calloc(ncomm, sizeof *bd->cm)) ||
        !(bd->vmembers = ch_malloc(nv * sizeof *bd->vmembers)) ||
        !(bd->adj_off = ch_calloc(nv + 1, sizeof *bd->adj_off)) ||
        !(bd->deg = ch_calloc(nv, sizeof *bd->deg)) || !(bd->alive = ch_malloc(nv)) ||
        !(bd->queue = ch_malloc(nv * sizeof *bd->queue)))
        return CHORUS_ENOMEM;
    ch_netcomm *cm = bd->cm;
    const uint32_t *memb = bd->memb;
    for (size_t v = 0; v < nv; v++)
        cm[memb[v]].n0++;
    for (uint32_t k = 0, acc = 0; k < ncomm; k++) {
        cm[k].first = acc;
        acc += cm[k].n0;
        cm[k].n0 = 0;
    }
    for (size_t v = 0; v < nv; v++) {
        ch_netcomm *k = &cm[memb[v]];
        bd->vmembers[k->first + k->n0++] = (uint32_t)v;
    }
    size_t nint = 0;
    for (size_t i = 0; i < ne; i++)
        if (internal_edge(bd, i)) {
            bd->adj_off[bd->va[i] + 1]++;
            bd->adj_off[bd->vb[i] + 1]++;
            nint++;
        }
    for (size_t v = 0; v < nv; v++)
        bd->adj_off[v + 1] += bd->adj_off[v];
    if (!(bd->adj = ch_malloc((nint ? 2 * nint : 1) * sizeof *bd->adj)))
        return CHORUS_ENOMEM;
    uint32_t *deg = bd->deg;
    for (size_t i = 0; i < ne; i++)
        if (internal_edge(bd, i)) {
            bd->adj[bd->adj_off[bd->va[i]] + deg[bd->va[i]]++] = bd->vb[i];
            bd->adj[bd->adj_off[bd->vb[i]] + deg[bd->vb[i]]++] = bd->va[i];
        }
    const uint32_t kmin = bd->o->min_member_degree;
    size_t qh = 0, qt = 0;
    for (size_t v = 0; v < nv; v++) {
        bd->alive[v] = 1;
        if (deg[v] < kmin || bd->n->institutional[bd->vacct[v]]) {
            bd->alive[v] = 0;
            bd->queue[qt++] = (uint32_t)v;
        }
    }
    while (qh < qt) {
        const uint32_t v = bd->queue[qh++];
        for (uint32_t j = bd->adj_off[v]; j < bd->adj_off[v + 1]; j++) {
            const uint32_t u = bd->adj[j];
            if (bd->alive[u] && --deg[u] < kmin) {
                bd->alive[u] = 0;
                bd->queue[qt++] = u;
            }
        }
    }
    for (size_t v = 0; v < nv; v++)
        cm[memb[v]].n += bd->alive[v];
    return CHORUS_OK;
}

/* Per community: internal edges among the members left, their weights, behaviours and
 * objects, and the evidence rows of those edges (communities of >= min_size members only).
 * net_comm maps a combined edge to its community when both ends stay in it. */
static int gather(ch_netbuild *bd)
{
    const ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    const size_t ne_all = n->n_edges;
    ch_netcomm *cm = bd->cm;
    if (!(bd->net_comm = ch_malloc((ne_all ? ne_all : 1) * sizeof *bd->net_comm)))
        return CHORUS_ENOMEM;
    uint32_t *net_comm = bd->net_comm;
    for (size_t i = 0; i < ne_all; i++)
        net_comm[i] = CH_NONE;
    for (size_t i = 0; i < bd->ne; i++) {
        const uint32_t va = bd->va[i], vb = bd->vb[i];
        if (bd->memb[va] != bd->memb[vb] || !bd->alive[va] || !bd->alive[vb])
            continue;
        const ch_network_edge *e = &n->edges[bd->ge[i]];
        ch_netcomm *k = &cm[bd->memb[va]];
        net_comm[bd->ge[i]] = bd->memb[va];
        k->n_edges++;
        k->wsum += e->weight;
        for (int j = 0; j < CH_NET_STEPS && e->weight >= bd->minw + j; j++)
            k->n_strong[j]++;
        k->behaviours |= e->behaviours;
        k->long_looks |= e->long_looks & e->behaviours;
        for (int b = 0; b < CH_B__COUNT; b++)
            if (e->n_objects[b] > k->maxobj[b])
                k->maxobj[b] = e->n_objects[b];
    }
    for (size_t i = 0; i < co->n_edges; i++) {
        const uint32_t k = bd->co_to_net[i] == CH_NONE ? CH_NONE : net_comm[bd->co_to_net[i]];
        if (k == CH_NONE)
            continue;
        cm[k].obs += co->edges[i].n_objects;
        cm[k].idf += co->edges[i].weight;
    }
    /* evidence grouped by community (shared[] is sorted by edge, so each group stays sorted) */
    const uint32_t min_size = bd->o->min_size;
    size_t nev = 0;
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = bd->co_to_net[co->shared[i].edge];
        if (e != CH_NONE && net_comm[e] != CH_NONE && cm[net_comm[e]].n >= min_size) {
            cm[net_comm[e]].n_ev++;
            nev++;
        }
    }
    uint32_t *cursor = ch_malloc((bd->ncomm ? bd->ncomm : 1) * sizeof *cursor);
    if (!cursor || !(bd->cev = ch_malloc((nev ? nev : 1) * sizeof *bd->cev))) {
        ch_free(cursor);
        return CHORUS_ENOMEM;
    }
    for (uint32_t k = 0, acc = 0; k < bd->ncomm; k++) {
        cm[k].ev_first = cursor[k] = acc;
        acc += cm[k].n_ev;
    }
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = bd->co_to_net[co->shared[i].edge];
        if (e != CH_NONE && net_comm[e] != CH_NONE && cm[net_comm[e]].n >= min_size)
            bd->cev[cursor[net_comm[e]]++] = (uint32_t)i;
    }
    ch_free(cursor);
    return CHORUS_OK;
}

/* ---- the build ----------------------------------------------------------------------------- */

/* The result's arrays, every account outside communities and clusters, institutional flags. */
static int setup(ch_netbuild *bd)
{
    const ch_coact_result *co = bd->co;
    const size_t na1 = bd->na ? bd->na : 1, nco1 = co->n_edges ? co->n_edges : 1;
    ch_network *n = bd->n = ch_calloc(1, sizeof *n);
    if (!n)
        return CHORUS_ENOMEM;
    n->n_accounts = bd->na;
    n->n_coact = co->n_edges;
    for (int b = 0; b < CH_B__COUNT; b++) {
        n->windows[b] = co->windows[b] > 0 ? co->windows[b] : co->window;
        n->windows_long[b] = co->windows_long[b];
    }
    if (!(n->community_of_account = ch_malloc(na1 * sizeof(uint32_t))) ||
        !(n->cluster_of_account = ch_malloc(na1 * sizeof(uint32_t))) ||
        !(n->institutional = ch_calloc(na1, 1)) || !(n->coact_kept = ch_calloc(nco1, 1)) ||
        !(bd->co_to_net = ch_malloc(nco1 * sizeof *bd->co_to_net)))
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < bd->na; i++) {
        n->community_of_account[i] = n->cluster_of_account[i] = CH_NONE;
        n->institutional[i] =
            ch_network_institutional(ch_corpus_account(bd->c, i), bd->o) ? CH_INST_METADATA : 0;
    }
    return CHORUS_OK;
}

/* Frees the scratch (not the result). */
static void netbuild_free(ch_netbuild *bd)
{
    ch_free(bd->co_to_net);
    ch_free(bd->ge);
    ch_free(bd->vid);
    ch_free(bd->vacct);
    ch_free(bd->va);
    ch_free(bd->vb);
    ch_free(bd->w);
    ch_free(bd->memb);
    ch_free(bd->cm);
    ch_free(bd->vmembers);
    ch_free(bd->adj_off);
    ch_free(bd->adj);
    ch_free(bd->deg);
    ch_free(bd->alive);
    ch_free(bd->queue);
    ch_free(bd->net_comm);
    ch_free(bd->cev);
    ch_free(bd->test);
}

/* The co-action edges the network used (graph edges, attaching edges): what a store keeps. */
static void mark_kept(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    for (size_t i = 0; i < bd->co->n_edges; i++) {
        const uint32_t k = bd->co_to_net[i];
        n->coact_kept[i] = k != CH_NONE && n->edges[k].used;
        n->n_coact_kept += n->coact_kept[i];
    }
}

int ch_network_build(const ch_corpus *c, const ch_coact_result *co, const ch_network_opts *o,
                     ch_network **out)
{
    ch_network_opts defaults;
    if (!out || !c || !co)
        return CHORUS_EUSAGE;
    *out = NULL;
    if (!o) {
        ch_network_opts_default(&defaults);
        o = &defaults;
    }
    int rc = validate(o);
    if (rc)
        return rc;
    const size_t na = ch_corpus_naccounts(c);
    if (na >= UINT32_MAX)
        return CHORUS_ELIMIT;
    for (size_t i = 0; i < co->n_shared; i++)
        if (co->shared[i].edge >= co->n_edges ||
            co->shared[i].post_a >= ch_corpus_nposts(c) ||
            co->shared[i].post_b >= ch_corpus_nposts(c) ||
            co->shared[i].object >= co->n_shared_obj)
            return CHORUS_EUSAGE;

    ch_netbuild bd = {.c = c, .co = co, .o = o, .na = na};
    if ((rc = setup(&bd)) || (rc = merge_edges(&bd)) || (rc = set_threshold(&bd)) ||
        (rc = select_graph(&bd)))
        goto out;
    if (bd.ne > 0 &&
        ((rc = find_communities(&bd)) || (rc = prune(&bd)) || (rc = gather(&bd)) ||
         (rc = ch_network_test_communities(&bd)) || (rc = ch_network_make_clusters(&bd))))
        goto out;
    mark_kept(&bd);
out:
    netbuild_free(&bd);
    if (rc) {
        ch_network_free(bd.n);
        return rc;
    }
    *out = bd.n;
    return CHORUS_OK;
}
