/*
 * network.c — combined account graph, Louvain communities (igraph), the cluster test, cluster
 * evidence and summaries (see network.h for the definitions, docs/network.md for the
 * reasoning and the numbers).
 *
 * Phases of ch_network_build:
 *   1. merge the co-action edges of every behaviour into one edge per account pair;
 *   2. Louvain on the accounts that have an edge (igraph, seeded RNG, non-aborting handlers);
 *   3. per community: internal edges, member degrees, evidence and its distinct objects;
 *   4. the cluster test, scores, summaries, and the deterministic order.
 */
#include "detect/network/network.h"

#include <igraph.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

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
        "posts", "posts", "posts", "URLs", "hashtag sets", "narratives", "statements",
    };
    return (unsigned)b < CH_B__COUNT ? nouns[b] : "objects";
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
static int merge_edges(ch_network *n, const ch_coact_result *co, const ch_network_opts *o,
                       uint32_t *co_to_net)
{
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
    qsort(refs, nr, sizeof *refs, cmp_pairref);
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
                ne_->long_looks |= (uint8_t)(1u << e->behaviour);
            else
                ne_->long_looks &= (uint8_t)~(1u << e->behaviour);
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

/* ---- 2. Louvain through igraph ----------------------------------------------------------- */

static int igraph_rc(igraph_error_t ie)
{
    switch (ie) {
    case IGRAPH_SUCCESS: return CHORUS_OK;
    case IGRAPH_ENOMEM: return CHORUS_ENOMEM;
    case IGRAPH_EINVAL: return CHORUS_EUSAGE;
    default: return CHORUS_EINTERNAL;
    }
}

/* Communities of nv vertices joined by the ne edges (va[i], vb[i]) of weight w[i]; memb[v]
 * receives the community of v. */
static int louvain(size_t nv, size_t ne, const uint32_t *va, const uint32_t *vb, const double *w,
                   double resolution, uint64_t seed, uint32_t *memb)
{
    igraph_error_handler_t *old_err = igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_warning_handler_t *old_warn = igraph_set_warning_handler(igraph_warning_handler_ignore);
    const igraph_rng_t old_rng = *igraph_rng_default();
    igraph_rng_t rng;
    igraph_t g;
    igraph_vector_int_t edges, membership;
    igraph_vector_t weights;
    bool have_rng = false, have_g = false, have_e = false, have_m = false, have_w = false;
    igraph_error_t ie;

    if ((ie = igraph_rng_init(&rng, &igraph_rngtype_pcg32)))
        goto out;
    have_rng = true;
    if ((ie = igraph_rng_seed(&rng, (igraph_uint_t)seed)))
        goto out;
    /* igraph copies the struct: the previous default is restored by copying it back */
    igraph_rng_set_default(&rng);

    if ((ie = igraph_vector_int_init(&edges, (igraph_integer_t)(2 * ne))))
        goto out;
    have_e = true;
    for (size_t i = 0; i < ne; i++) {
        VECTOR(edges)[2 * i] = va[i];
        VECTOR(edges)[2 * i + 1] = vb[i];
    }
    if ((ie = igraph_create(&g, &edges, (igraph_integer_t)nv, IGRAPH_UNDIRECTED)))
        goto out;
    have_g = true;
    if ((ie = igraph_vector_init(&weights, (igraph_integer_t)ne)))
        goto out;
    have_w = true;
    for (size_t i = 0; i < ne; i++)
        VECTOR(weights)[i] = w[i];
    if ((ie = igraph_vector_int_init(&membership, 0)))
        goto out;
    have_m = true;
    if ((ie = igraph_community_multilevel(&g, &weights, resolution, &membership, NULL, NULL)))
        goto out;
    if ((size_t)igraph_vector_int_size(&membership) != nv) {
        ie = IGRAPH_FAILURE;
        goto out;
    }
    for (size_t v = 0; v < nv; v++) {
        const igraph_integer_t m = VECTOR(membership)[v];
        if (m < 0 || (uint64_t)m >= nv) {
            ie = IGRAPH_FAILURE;
            goto out;
        }
        memb[v] = (uint32_t)m;
    }
out:
    if (have_m)
        igraph_vector_int_destroy(&membership);
    if (have_w)
        igraph_vector_destroy(&weights);
    if (have_g)
        igraph_destroy(&g);
    if (have_e)
        igraph_vector_int_destroy(&edges);
    igraph_rng_set_default((igraph_rng_t *)&old_rng);
    if (have_rng)
        igraph_rng_destroy(&rng);
    igraph_set_warning_handler(old_warn);
    igraph_set_error_handler(old_err);
    return igraph_rc(ie);
}

/* ---- 4. clusters ------------------------------------------------------------------------- */

/* log10 P(X >= m) for X ~ Binomial(n, p). Terms are summed from m upwards in log space; past
 * the mean they shrink at least geometrically, and the sum stops when they no longer change
 * it. Below the mean the probability is >= ~0.5 and 0 is returned: never significant, no need
 * for precision. */
static double binom_log10_sf(double m, double n, double p)
{
    if (m <= 0)
        return 0;
    if (m > n || !(p > 0))
        return -INFINITY;
    if (p >= 1 || m <= n * p)
        return 0;
    const double lq = log1p(-p), lp = log(p);
    const double lt0 = lgamma(n + 1) - lgamma(m + 1) - lgamma(n - m + 1) + m * lp + (n - m) * lq;
    double sum = 1, term = 1;  /* relative to exp(lt0) */
    for (double j = m; j < n && j < m + 1e6; j++) {
        term *= (n - j) / (j + 1) * p / (1 - p);
        sum += term;
        if (term < 1e-17 * sum)
            break;
    }
    return (lt0 + log(sum)) / log(10);
}

static double log10_choose(double n, double k)
{
    if (k < 0 || k > n)
        return -INFINITY;
    return (lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)) / log(10);
}

typedef struct comm {
    uint32_t first, n0;      /* members before pruning: vmembers[first .. first + n0) */
    uint32_t n;              /* members left after pruning */
    uint32_t n_edges;        /* internal edges between members left */
    double wsum;             /* their combined weight */
    double obs, idf;         /* sum of n_objects and of rarity weights over internal behaviour
                                edges */
    uint32_t behaviours;
    uint32_t long_looks;     /* behaviours with an internal edge from the long look */
    uint32_t maxobj[CH_B__COUNT];
    uint32_t ev_first, n_ev; /* evidence: cev[ev_first .. ev_first + n_ev) */
} comm;

/* Outcome of the cluster test for one community. */
typedef struct ctest {
    double density, meanw, log10_p, score;
    uint32_t distinct, core, by[CH_B__COUNT];
    bool pass;
} ctest;

typedef struct objent {
    uint64_t key;
    uint32_t acct;
    uint8_t b;
} objent;

static int cmp_objent(const void *x, const void *y)
{
    const objent *p = x, *q = y;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return (p->acct > q->acct) - (p->acct < q->acct);
}

static int cmp_cluster(const void *x, const void *y)
{
    const ch_cluster *p = x, *q = y;
    if (p->score != q->score)
        return p->score > q->score ? -1 : 1;
    return (p->members[0] > q->members[0]) - (p->members[0] < q->members[0]);
}

static char *make_summary(const ch_cluster *cl, const int64_t windows[CH_B__COUNT],
                          const int64_t windows_long[CH_B__COUNT])
{
    char buf[1024];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%u accounts", cl->n_members);
    /* behaviours by descending object count, then behaviour order */
    int order[CH_B__COUNT], nb = 0;
    for (int b = 0; b < CH_B__COUNT; b++)
        if (cl->behaviours & (1u << b))
            order[nb++] = b;
    for (int i = 1; i < nb; i++)
        for (int j = i; j > 0 && cl->objects_by[order[j]] > cl->objects_by[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    static const char *const verb[CH_B__COUNT] = {
        "co-repost of", "co-reply to", "co-quote of", "co-link of", "co-hashtag on",
        "co-narrative on", "co-statement on",
    };
    for (int i = 0; i < nb && len < sizeof buf; i++) {
        const int b = order[i];
        /* the window of the evidence: the long look's when an internal edge came from it */
        const int64_t w = (cl->long_looks >> b & 1) && windows_long[b] ? windows_long[b] : windows[b];
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %s %u %s within %lld s",
                                i == 0 ? ";" : ",", verb[b], cl->objects_by[b],
                                ch_network_object_noun((ch_behaviour)b), (long long)w);
    }
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    return ch_strndup(buf, len);
}

/* ---- 5. attaching accounts to clusters ---------------------------------------------------- */

typedef struct attref {
    uint32_t v, cl, e;   /* account outside clusters, cluster, combined edge */
} attref;

static int cmp_attref(const void *x, const void *y)
{
    const attref *p = x, *q = y;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    if (p->cl != q->cl)
        return p->cl < q->cl ? -1 : 1;
    return (p->e > q->e) - (p->e < q->e);
}

static int cmp_u32(const void *x, const void *y)
{
    const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Attaches to a cluster the accounts outside every cluster whose screened edges into it are
 * more than chance allows. With q the share of account pairs joined by any combined edge (the
 * observed density of the screened graph, true edges included, so an upper bound on the chance
 * rate) and an account with d edges to the k members of cluster C: P(Binomial(k, q) >= d),
 * times the N accounts and the clusters it could join (union bound), at most attach_alpha, and
 * d >= min_member_degree. Each account joins at most one cluster (the smallest p), in one pass
 * over the clusters as the cluster test left them (no snowballing). Those edges' evidence joins
 * the cluster's. */
static int attach(ch_network *n, const ch_corpus *c, const ch_coact_result *co,
                  const uint32_t *co_to_net, const ch_network_opts *o)
{
    const size_t na = n->n_accounts;
    const size_t ncl = n->n_clusters;
    if (ncl == 0 || na < 2)
        return CHORUS_OK;
    int rc = CHORUS_ENOMEM;
    uint32_t *cl_of = NULL, *edge_cl = NULL, *add = NULL;
    attref *refs = NULL;
    size_t nr = 0, ngraph = 0;
    uint8_t *inst_comm = ch_calloc(n->n_communities ? n->n_communities : 1, 1);
    if (!inst_comm)
        goto out;
    for (size_t i = 0; i < na; i++)
        if (n->institutional[i] && n->community_of_account[i] != CH_NONE)
            inst_comm[n->community_of_account[i]] = 1;
    if (!(cl_of = ch_malloc(na * sizeof *cl_of)) ||
        !(edge_cl = ch_malloc((n->n_edges ? n->n_edges : 1) * sizeof *edge_cl)) ||
        !(refs = ch_malloc((n->n_edges ? n->n_edges : 1) * sizeof *refs)) ||
        !(add = ch_calloc(ncl, sizeof *add)))
        goto out;
    for (size_t i = 0; i < na; i++)
        cl_of[i] = CH_NONE;
    for (size_t k = 0; k < ncl; k++)
        for (uint32_t j = 0; j < n->clusters[k].n_members; j++)
            cl_of[n->clusters[k].members[j]] = (uint32_t)k;
    for (size_t i = 0; i < n->n_edges; i++) {
        const ch_network_edge *e = &n->edges[i];
        edge_cl[i] = CH_NONE;
        if (n->institutional[e->a] || n->institutional[e->b])
            continue;
        ngraph++;
        const uint32_t ca = cl_of[e->a], cb = cl_of[e->b];
        if ((ca == CH_NONE) == (cb == CH_NONE))
            continue;
        /* an account that Louvain grouped with institutional accounts stays there: its strong
         * edges say it acts with them (e.g. an official the metadata does not reveal, grouped
         * with the other officials, whose posts a campaign also amplifies) */
        const uint32_t v = ca == CH_NONE ? e->a : e->b, k = ca == CH_NONE ? cb : ca;
        const uint32_t cv = n->community_of_account[v];
        if (cv != CH_NONE && cv != n->community_of_account[n->clusters[k].members[0]] &&
            inst_comm[cv])
            continue;
        refs[nr++] = (attref){v, k, (uint32_t)i};
    }
    double q = (double)ngraph / ((double)na * (double)(na - 1) / 2);
    q = q < 1e-300 ? 1e-300 : q > 0.5 ? 0.5 : q;
    qsort(refs, nr, sizeof *refs, cmp_attref);
    const double limit = log10(o->attach_alpha) - log10((double)na) - log10((double)ncl);
    for (size_t i = 0; i < nr;) {
        const uint32_t v = refs[i].v;
        size_t j = i;
        double best = INFINITY;
        size_t bi = 0, bj = 0;
        while (j < nr && refs[j].v == v) {
            size_t g = j;
            while (g < nr && refs[g].v == v && refs[g].cl == refs[j].cl)
                g++;
            const uint32_t d = (uint32_t)(g - j);
            if (d >= o->min_member_degree) {
                const double lp =
                    binom_log10_sf(d, n->clusters[refs[j].cl].n_members, q);
                if (lp <= limit && lp < best) {
                    best = lp;
                    bi = j;
                    bj = g;
                }
            }
            j = g;
        }
        if (best < INFINITY) {
            const uint32_t k = refs[bi].cl;
            for (size_t x = bi; x < bj; x++) {
                edge_cl[refs[x].e] = k;
                n->edges[refs[x].e].used |= CH_NE_ATTACH;
            }
            add[k]++;
        }
        i = j;
    }
    /* members: each account once, from its first marked edge (its marked edges are one run) */
    for (size_t k = 0; k < ncl; k++) {
        if (!add[k])
            continue;
        ch_cluster *cl = &n->clusters[k];
        uint32_t *m = ch_realloc(cl->members, (cl->n_members + add[k]) * sizeof *m);
        if (!m)
            goto out;
        cl->members = m;
    }
    for (size_t i = 0; i < nr; i++) {
        const attref *r = &refs[i];
        if (edge_cl[r->e] == CH_NONE || (i > 0 && refs[i - 1].v == r->v && edge_cl[refs[i - 1].e] != CH_NONE))
            continue;
        ch_cluster *cl = &n->clusters[edge_cl[r->e]];
        cl->members[cl->n_members++] = r->v;
        cl->n_attached++;
    }
    for (size_t k = 0; k < ncl; k++)
        if (add[k])
            qsort(n->clusters[k].members, n->clusters[k].n_members, sizeof(uint32_t), cmp_u32);
    /* evidence of the attaching edges */
    size_t *extra = ch_calloc(ncl, sizeof *extra);
    if (!extra)
        goto out;
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = co_to_net[co->shared[i].edge];
        if (e != CH_NONE && edge_cl[e] != CH_NONE)
            extra[edge_cl[e]]++;
    }
    for (size_t k = 0; k < ncl; k++) {
        if (!extra[k])
            continue;
        ch_cluster *cl = &n->clusters[k];
        uint32_t *ev = ch_realloc(cl->evidence, (cl->n_evidence + extra[k]) * sizeof *ev);
        if (!ev) {
            ch_free(extra);
            goto out;
        }
        cl->evidence = ev;
    }
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = co_to_net[co->shared[i].edge];
        if (e != CH_NONE && edge_cl[e] != CH_NONE) {
            ch_cluster *cl = &n->clusters[edge_cl[e]];
            cl->evidence[cl->n_evidence++] = (uint32_t)i;
        }
    }
    for (size_t k = 0; k < ncl; k++)
        if (extra[k])
            qsort(n->clusters[k].evidence, n->clusters[k].n_evidence, sizeof(uint32_t), cmp_u32);
    ch_free(extra);
    (void)c;
    rc = CHORUS_OK;
out:
    ch_free(inst_comm);
    ch_free(cl_of);
    ch_free(edge_cl);
    ch_free(refs);
    ch_free(add);
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

int ch_network_build(const ch_corpus *c, const ch_coact_result *co, const ch_network_opts *o,
                     ch_network **out)
{
    ch_network_opts defaults;
    ch_network *n = NULL;
    uint32_t *co_to_net = NULL, *vid = NULL, *vacct = NULL, *ge = NULL, *va = NULL, *vb = NULL,
             *memb = NULL, *relabel = NULL, *vmembers = NULL, *adj_off = NULL, *adj = NULL,
             *deg = NULL, *queue = NULL, *cev = NULL, *cursor = NULL, *net_comm = NULL;
    uint8_t *alive = NULL;
    double *w = NULL;
    comm *cm = NULL;
    objent *objs = NULL;
    ctest *res = NULL;
    int rc;

    if (!out || !c || !co)
        return CHORUS_EUSAGE;
    *out = NULL;
    if (!o) {
        ch_network_opts_default(&defaults);
        o = &defaults;
    }
    if ((rc = validate(o)))
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

    rc = CHORUS_ENOMEM;
    const size_t na1 = na ? na : 1;
    if (!(n = ch_calloc(1, sizeof *n)))
        goto out;
    n->n_accounts = na;
    n->n_coact = co->n_edges;
    for (int b = 0; b < CH_B__COUNT; b++) {
        n->windows[b] = co->windows[b] > 0 ? co->windows[b] : co->window;
        n->windows_long[b] = co->windows_long[b];
    }
    if (!(n->community_of_account = ch_malloc(na1 * sizeof(uint32_t))) ||
        !(n->cluster_of_account = ch_malloc(na1 * sizeof(uint32_t))) ||
        !(n->institutional = ch_calloc(na1, 1)) ||
        !(n->coact_kept = ch_calloc(co->n_edges ? co->n_edges : 1, 1)) ||
        !(co_to_net = ch_malloc((co->n_edges ? co->n_edges : 1) * sizeof *co_to_net)))
        goto out;
    for (size_t i = 0; i < na; i++) {
        n->community_of_account[i] = n->cluster_of_account[i] = CH_NONE;
        n->institutional[i] = ch_network_institutional(ch_corpus_account(c, i), o) ? CH_INST_METADATA : 0;
    }

    /* 1. */
    if ((rc = merge_edges(n, co, o, co_to_net)))
        goto out;
    rc = CHORUS_ENOMEM;

    /* 2. The graph: edges with combined weight >= W; vertices are their accounts, in account
     * order. W is given, or "auto": the expected number of chance edges, pairs x 10^-W, at
     * most chance_edges, and W at least CH_NETWORK_MIN_WEIGHT. */
    double minw = o->min_weight;
    if (minw < 0) {
        const double pairs = na >= 2 ? (double)na * (na - 1) / 2 : 1;
        minw = log10(pairs) - log10(o->chance_edges);
        if (minw < CH_NETWORK_MIN_WEIGHT)
            minw = CH_NETWORK_MIN_WEIGHT;
    }
    n->min_weight = minw;
    /* Associates of institutional accounts: an account whose strongest partner (an edge
     * >= W) is institutional is not clustered either (CH_INST_ASSOCIATE). Its strongest
     * evidence of acting in concert is with officials or newsrooms, which act authentically:
     * e.g. an official whose export has no verified flag and fewer followers than the
     * threshold, which reposts the other officials' posts as a campaign does. */
    if (o->associates) {
        double *best_in = ch_calloc(na1, sizeof *best_in), *best_out = ch_calloc(na1, sizeof *best_out);
        if (!best_in || !best_out) {
            ch_free(best_in);
            ch_free(best_out);
            goto out;
        }
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
        ch_free(best_in);
        ch_free(best_out);
    }
    const size_t ne_all = n->n_edges;
    if (!(ge = ch_malloc((ne_all ? ne_all : 1) * sizeof *ge)) || !(vid = ch_malloc(na1 * sizeof *vid)))
        goto out;
    size_t ne = 0, ne_ni = 0;
    double pmax = 0;
    uint32_t used_b = 0;
    for (size_t i = 0; i < na; i++)
        vid[i] = CH_NONE;
    for (size_t i = 0; i < ne_all; i++) {
        const ch_network_edge *e = &n->edges[i];
        const bool inst = n->institutional[e->a] || n->institutional[e->b];
        if (e->weight < minw)
            continue;
        n->edges[i].used |= CH_NE_GRAPH;
        ge[ne++] = (uint32_t)i;
        vid[e->a] = vid[e->b] = 0;
        if (!inst) {
            ne_ni++;
            used_b |= e->behaviours;
        }
    }
    for (size_t i = 0; i < co->n_edges; i++) {
        const uint32_t k = co_to_net[i];
        if (k != CH_NONE && vid[n->edges[k].a] != CH_NONE && vid[n->edges[k].b] != CH_NONE &&
            !n->institutional[n->edges[k].a] && !n->institutional[n->edges[k].b] &&
            n->edges[k].weight >= minw && co->edges[i].pvalue > pmax)
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
    if (ne == 0) {
        rc = CHORUS_OK;
        goto out;
    }
    size_t nv = 0;
    for (size_t i = 0; i < na; i++)
        if (vid[i] != CH_NONE)
            vid[i] = (uint32_t)nv++;
    if (!(vacct = ch_malloc(nv * sizeof *vacct)) || !(va = ch_malloc(ne * sizeof *va)) ||
        !(vb = ch_malloc(ne * sizeof *vb)) || !(w = ch_malloc(ne * sizeof *w)) ||
        !(memb = ch_malloc(nv * sizeof *memb)))
        goto out;
    for (size_t i = 0; i < na; i++)
        if (vid[i] != CH_NONE)
            vacct[vid[i]] = (uint32_t)i;
    for (size_t i = 0; i < ne; i++) {
        const ch_network_edge *e = &n->edges[ge[i]];
        va[i] = vid[e->a];
        vb[i] = vid[e->b];
        /* Louvain needs positive weights; a p-value of 1 still marks a tested pair */
        w[i] = e->weight > 1e-6 ? e->weight : 1e-6;
    }
    if ((rc = louvain(nv, ne, va, vb, w, o->resolution, o->seed, memb)))
        goto out;
    rc = CHORUS_ENOMEM;

    /* Renumber communities by their smallest vertex, so ids do not depend on igraph's
     * internal numbering. */
    if (!(relabel = ch_malloc(nv * sizeof *relabel)))
        goto out;
    for (size_t v = 0; v < nv; v++)
        relabel[v] = CH_NONE;
    uint32_t ncomm = 0;
    for (size_t v = 0; v < nv; v++) {
        if (relabel[memb[v]] == CH_NONE)
            relabel[memb[v]] = ncomm++;
        memb[v] = relabel[memb[v]];
        n->community_of_account[vacct[v]] = memb[v];
    }
    n->n_communities = ncomm;

    /* 3a. Members per community (in account order), and the internal adjacency (CSR). */
    if (!(cm = ch_calloc(ncomm, sizeof *cm)) || !(vmembers = ch_malloc(nv * sizeof *vmembers)) ||
        !(adj_off = ch_calloc(nv + 1, sizeof *adj_off)) || !(deg = ch_calloc(nv, sizeof *deg)) ||
        !(alive = ch_malloc(nv)) || !(queue = ch_malloc(nv * sizeof *queue)))
        goto out;
    for (size_t v = 0; v < nv; v++)
        cm[memb[v]].n0++;
    for (uint32_t k = 0, acc = 0; k < ncomm; k++) {
        cm[k].first = acc;
        acc += cm[k].n0;
        cm[k].n0 = 0;
    }
    for (size_t v = 0; v < nv; v++) {
        comm *k = &cm[memb[v]];
        vmembers[k->first + k->n0++] = (uint32_t)v;
    }
    /* Institutional accounts took part in the community detection (an account acting with
     * them, such as an official the metadata does not reveal, is grouped with them rather than
     * with a campaign that amplifies the same posts); from here on they and their edges are
     * left out. */
    size_t nint = 0;
    for (size_t i = 0; i < ne; i++)
        if (memb[va[i]] == memb[vb[i]] && !n->institutional[vacct[va[i]]] &&
            !n->institutional[vacct[vb[i]]]) {
            adj_off[va[i] + 1]++;
            adj_off[vb[i] + 1]++;
            nint++;
        }
    for (size_t v = 0; v < nv; v++)
        adj_off[v + 1] += adj_off[v];
    if (!(adj = ch_malloc((nint ? 2 * nint : 1) * sizeof *adj)))
        goto out;
    for (size_t i = 0; i < ne; i++)
        if (memb[va[i]] == memb[vb[i]] && !n->institutional[vacct[va[i]]] &&
            !n->institutional[vacct[vb[i]]]) {
            adj[adj_off[va[i]] + deg[va[i]]++] = vb[i];
            adj[adj_off[vb[i]] + deg[vb[i]]++] = va[i];
        }

    /* 3b. Pruning: a member needs internal edges to at least min_member_degree others that
     * stay; peeled in queue order (the result is the unique largest such subgraph, the k-core,
     * whatever the order). Louvain places every vertex somewhere, including an ordinary
     * account whose single chance edge touches a campaign member. */
    size_t qh = 0, qt = 0;
    for (size_t v = 0; v < nv; v++) {
        alive[v] = 1;
        if (deg[v] < o->min_member_degree || n->institutional[vacct[v]]) {
            alive[v] = 0;
            queue[qt++] = (uint32_t)v;
        }
    }
    while (qh < qt) {
        const uint32_t v = queue[qh++];
        for (uint32_t j = adj_off[v]; j < adj_off[v + 1]; j++) {
            const uint32_t u = adj[j];
            if (alive[u] && --deg[u] < o->min_member_degree) {
                alive[u] = 0;
                queue[qt++] = u;
            }
        }
    }

    /* 3c. Per community: members left, internal edges among them, evidence. net_comm maps a
     * combined edge to its community when both ends stay in it. */
    for (size_t v = 0; v < nv; v++)
        cm[memb[v]].n += alive[v];
    if (!(net_comm = ch_malloc(ne_all * sizeof *net_comm)))
        goto out;
    for (size_t i = 0; i < ne_all; i++)
        net_comm[i] = CH_NONE;
    for (size_t i = 0; i < ne; i++) {
        if (memb[va[i]] != memb[vb[i]] || !alive[va[i]] || !alive[vb[i]])
            continue;
        const ch_network_edge *e = &n->edges[ge[i]];
        comm *k = &cm[memb[va[i]]];
        net_comm[ge[i]] = memb[va[i]];
        k->n_edges++;
        k->wsum += e->weight;
        k->behaviours |= e->behaviours;
        k->long_looks |= e->long_looks & e->behaviours;
        for (int b = 0; b < CH_B__COUNT; b++)
            if (e->n_objects[b] > k->maxobj[b])
                k->maxobj[b] = e->n_objects[b];
    }
    for (size_t i = 0; i < co->n_edges; i++) {
        const uint32_t k = co_to_net[i] == CH_NONE ? CH_NONE : net_comm[co_to_net[i]];
        if (k == CH_NONE)
            continue;
        cm[k].obs += co->edges[i].n_objects;
        cm[k].idf += co->edges[i].weight;
    }
    /* evidence grouped by community (shared[] is sorted by edge, so each group stays sorted) */
    size_t nev = 0;
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = co_to_net[co->shared[i].edge];
        if (e != CH_NONE && net_comm[e] != CH_NONE && cm[net_comm[e]].n >= o->min_size) {
            cm[net_comm[e]].n_ev++;
            nev++;
        }
    }
    if (!(cev = ch_malloc((nev ? nev : 1) * sizeof *cev)) ||
        !(cursor = ch_malloc((ncomm ? ncomm : 1) * sizeof *cursor)))
        goto out;
    for (uint32_t k = 0, acc = 0; k < ncomm; k++) {
        cm[k].ev_first = cursor[k] = acc;
        acc += cm[k].n_ev;
    }
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t e = co_to_net[co->shared[i].edge];
        if (e != CH_NONE && net_comm[e] != CH_NONE && cm[net_comm[e]].n >= o->min_size)
            cev[cursor[net_comm[e]]++] = (uint32_t)i;
    }

    /* 4. The cluster test. The surprise test's union bound runs over every set of k of the
     * corpus' accounts and every size k, so it holds however the community was found. */
    uint32_t maxev = 0;
    for (uint32_t k = 0; k < ncomm; k++) {
        if (cm[k].n >= o->min_size) {
            n->communities_tested++;
            maxev = cm[k].n_ev > maxev ? cm[k].n_ev : maxev;
        } else if (cm[k].n0 >= o->min_size) {
            n->rejected[CH_NT_SIZE]++;
        }
    }
    if (!(objs = ch_malloc(((size_t)maxev * 2 + 1) * sizeof *objs)) ||
        !(res = ch_calloc((ncomm ? ncomm : 1), sizeof *res)))
        goto out;
    const double log10_alpha = log10(o->alpha) - log10((double)(na > 1 ? na : 2));
    size_t ncl = 0;
    for (uint32_t k = 0; k < ncomm; k++) {
        const comm *m = &cm[k];
        ctest *t = &res[k];
        if (m->n < o->min_size)
            continue;
        const double pairs = (double)m->n * (m->n - 1) / 2;
        t->density = m->n_edges / pairs;
        t->meanw = m->n_edges ? m->wsum / m->n_edges : 0;
        t->log10_p = binom_log10_sf(m->n_edges, pairs, n->null_edge_p) +
                     log10_choose((double)na, m->n);
        /* objects: distinct keys, and how many members acted on each */
        size_t no = 0;
        for (uint32_t i = 0; i < m->n_ev; i++) {
            const ch_shared *s = &co->shared[cev[m->ev_first + i]];
            const ch_edge *e = &co->edges[s->edge];
            /* the object as the co-action stage identified it (one index per object) */
            objs[no++] = (objent){s->object, e->a, e->behaviour};
            objs[no++] = (objent){s->object, e->b, e->behaviour};
        }
        qsort(objs, no, sizeof *objs, cmp_objent);
        for (size_t i = 0; i < no;) {
            size_t j = i;
            uint32_t members = 0;
            for (; j < no && objs[j].key == objs[i].key; j++)
                members += j == i || objs[j].acct != objs[j - 1].acct;
            t->distinct++;
            t->by[objs[i].b]++;
            t->core += members >= o->min_object_members;
            i = j;
        }
        int fail = -1;
        if (!(t->log10_p <= log10_alpha))
            fail = CH_NT_SURPRISE;
        else if (t->core < o->min_objects)
            fail = CH_NT_OBJECTS;
        else if (t->density < o->min_density)
            fail = CH_NT_DENSITY;
        else if (t->meanw < o->min_mean_weight)
            fail = CH_NT_STRENGTH;
        if (fail >= 0) {
            n->rejected[fail]++;
            continue;
        }
        t->pass = true;
        /* density, evidence per edge and breadth of the shared objects, each in [0, 1):
         * a clique of strong edges over many objects scores near 1 */
        t->score = sqrt(t->density) * (1 - exp(-t->meanw / 5)) * (1 - exp(-(double)t->core / 3));
        ncl++;
    }

    if (ncl && !(n->clusters = ch_calloc(ncl, sizeof *n->clusters)))
        goto out;
    for (uint32_t k = 0; k < ncomm; k++) {
        const comm *m = &cm[k];
        const ctest *t = &res[k];
        if (!t->pass)
            continue;
        ch_cluster *cl = &n->clusters[n->n_clusters++];
        if (!(cl->members = ch_malloc(m->n * sizeof *cl->members)) ||
            !(cl->evidence = ch_malloc((m->n_ev ? m->n_ev : 1) * sizeof *cl->evidence)))
            goto out;
        for (uint32_t i = 0; i < m->n0; i++) {
            const uint32_t v = vmembers[m->first + i];
            if (alive[v])
                cl->members[cl->n_members++] = vacct[v];
        }
        cl->n_evidence = m->n_ev;
        memcpy(cl->evidence, cev + m->ev_first, m->n_ev * sizeof *cl->evidence);
        cl->behaviours = m->behaviours;
        cl->long_looks = m->long_looks;
        cl->score = t->score;
        cl->density = t->density;
        cl->mean_weight = t->meanw;
        cl->log10_p = t->log10_p;
        cl->rarity = m->obs > 0 ? m->idf / m->obs : 0;
        cl->n_edges = m->n_edges;
        cl->n_objects = t->distinct;
        cl->n_core_objects = t->core;
        cl->n_pruned = m->n0 - m->n;
        for (int b = 0; b < CH_B__COUNT; b++)
            cl->objects_by[b] = t->by[b] > m->maxobj[b] ? t->by[b] : m->maxobj[b];
    }
    if (o->attach_alpha > 0 && (rc = attach(n, c, co, co_to_net, o)))
        goto out;
    rc = CHORUS_ENOMEM;
    for (size_t k = 0; k < n->n_clusters; k++) {
        ch_cluster *cl = &n->clusters[k];
        cl->first_seen = cl->last_seen = CH_UNKNOWN_I64;
        for (uint32_t i = 0; i < cl->n_evidence; i++) {
            const ch_shared *s = &co->shared[cl->evidence[i]];
            const int64_t ts[2] = {ch_corpus_post(c, s->post_a)->created_at,
                                   ch_corpus_post(c, s->post_b)->created_at};
            for (int j = 0; j < 2; j++) {
                if (cl->first_seen == CH_UNKNOWN_I64 || ts[j] < cl->first_seen)
                    cl->first_seen = ts[j];
                if (cl->last_seen == CH_UNKNOWN_I64 || ts[j] > cl->last_seen)
                    cl->last_seen = ts[j];
            }
        }
        if (!(cl->summary = make_summary(cl, n->windows, n->windows_long)))
            goto out;
    }
    if (n->n_clusters)
        qsort(n->clusters, n->n_clusters, sizeof *n->clusters, cmp_cluster);
    for (size_t i = 0; i < n->n_clusters; i++)
        for (uint32_t j = 0; j < n->clusters[i].n_members; j++)
            n->cluster_of_account[n->clusters[i].members[j]] = (uint32_t)i;
    rc = CHORUS_OK;
    for (size_t i = 0; i < co->n_edges; i++) {
        const uint32_t k = co_to_net[i];
        n->coact_kept[i] = k != CH_NONE && n->edges[k].used;
        n->n_coact_kept += n->coact_kept[i];
    }
out:
    ch_free(co_to_net);
    ch_free(vid);
    ch_free(vacct);
    ch_free(ge);
    ch_free(va);
    ch_free(vb);
    ch_free(w);
    ch_free(memb);
    ch_free(relabel);
    ch_free(vmembers);
    ch_free(adj_off);
    ch_free(adj);
    ch_free(deg);
    ch_free(alive);
    ch_free(queue);
    ch_free(cev);
    ch_free(cursor);
    ch_free(net_comm);
    ch_free(cm);
    ch_free(objs);
    ch_free(res);
    if (rc) {
        ch_network_free(n);
        n = NULL;
    }
    *out = n;
    return rc;
}
