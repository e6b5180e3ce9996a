/*
 * network_clusters.c — the last phases of ch_network_build: the cluster test on each pruned
 * community, the records of the clusters that pass (members, evidence, scores, summaries),
 * the attachment of accounts to clusters, and the deterministic order (see network.h for the
 * definitions, network_int.h for the scratch these phases read).
 */
#include "detect/network/network_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/duration.h"
#include "core/sort.h"

/* ---- 4. the cluster test ------------------------------------------------------------------- */

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

/* Chance tail of the sum of nb -log10 p of uniform p-values reaching w: the Gamma(nb, 1)
 * tail at w ln 10. */
static double gamma_tail(double w, int nb)
{
    const double x = w * log(10);
    double term = 1, sum = 1;
    for (int j = 1; j < nb; j++) {
        term *= x / j;
        sum += term;
    }
    return exp(-x) * sum;
}

void ch_network_strength_null(const ch_network *n, const uint32_t *ge, size_t ne, double minw,
                              int nb, size_t na, double p0_at[CH_NET_STEPS])
{
    double cnt[CH_NET_STEPS] = {0};
    for (size_t i = 0; i < ne; i++) {
        const ch_network_edge *e = &n->edges[ge[i]];
        if (n->institutional[e->a] || n->institutional[e->b])
            continue;
        for (int j = 0; j < CH_NET_STEPS && e->weight >= minw + j; j++)
            cnt[j]++;
    }
    const double pairs = na >= 2 ? (double)na * (double)(na - 1) / 2 : 1;
    p0_at[0] = n->null_edge_p;
    for (int j = 1; j < CH_NET_STEPS; j++) {
        double p = p0_at[0];
        if (nb > 0) {
            const double g = gamma_tail(minw + j, nb);
            p = g < p ? g : p;
        }
        const double dens = (cnt[j] + 3) / pairs;
        p = dens < p ? dens : p;
        p0_at[j] = p < 1e-300 ? 1e-300 : p;
    }
}

double ch_network_surprise(uint32_t k, const uint32_t n_strong[CH_NET_STEPS],
                           const double p0_at[CH_NET_STEPS], size_t na, double alpha)
{
    const double pairs = (double)k * (k - 1) / 2;
    const double choose = log10_choose((double)(na > k ? na : k), k);
    /* the count of edges at W, at alpha / 2 spread evenly over the sizes k <= N */
    double best = binom_log10_sf(n_strong[0], pairs, p0_at[0]) + choose -
                  (log10(alpha) - log10((double)(na > 1 ? na : 2)));
    /* the counts of stronger edges, at alpha / 2 spread over the sizes as 1 / (k (k - 1))
     * (which adds up to 1 over k >= 2) and evenly over the CH_NET_STEPS - 1 thresholds */
    const double lim = log10(alpha) - log10(pairs * 2) - log10(CH_NET_STEPS - 1.0);
    for (int j = 1; j < CH_NET_STEPS && n_strong[j] > 0; j++) {
        const double lp = binom_log10_sf(n_strong[j], pairs, p0_at[j]) + choose - lim;
        best = lp < best ? lp : best;
    }
    return best + log10(alpha);
}

/* One member's part in an object of the evidence: objects are the co-action stage's
 * (ch_shared.object), counted by index. */
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

int ch_network_rescore(ch_network *n, const double *score, uint32_t *new_id)
{
    if (!n || (!score && n->n_clusters) || (!new_id && n->n_clusters))
        return CHORUS_EUSAGE;
    const size_t nc = n->n_clusters;
    for (size_t k = 0; k < nc; k++)
        if (!(score[k] >= 0 && score[k] <= 1))
            return CHORUS_EUSAGE;
    if (nc == 0)
        return CHORUS_OK;
    ch_cluster *tmp = ch_malloc(nc * sizeof *tmp);
    if (!tmp)
        return CHORUS_ENOMEM;
    for (size_t k = 0; k < nc; k++)
        n->clusters[k].score = score[k];
    /* a copy sorted, then each old cluster found by its smallest member (clusters are
     * disjoint, so it names one cluster) to number the old ids */
    memcpy(tmp, n->clusters, nc * sizeof *tmp);
    ch_sort(tmp, nc, sizeof *tmp, cmp_cluster);
    for (size_t i = 0; i < nc; i++)
        n->cluster_of_account[tmp[i].members[0]] = (uint32_t)i;
    for (size_t k = 0; k < nc; k++)
        new_id[k] = n->cluster_of_account[n->clusters[k].members[0]];
    memcpy(n->clusters, tmp, nc * sizeof *tmp);
    ch_free(tmp);
    for (size_t i = 0; i < nc; i++)
        for (uint32_t j = 0; j < n->clusters[i].n_members; j++)
            n->cluster_of_account[n->clusters[i].members[j]] = (uint32_t)i;
    return CHORUS_OK;
}

/* The surprise test's union bound runs over every set of k of the corpus' accounts and every
 * size k, so it holds however the community was found. */
int ch_network_test_communities(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    const ch_network_opts *o = bd->o;
    const ch_netcomm *cm = bd->cm;
    const uint32_t ncomm = bd->ncomm;
    const size_t na = bd->na;
    uint32_t maxev = 0;
    for (uint32_t k = 0; k < ncomm; k++) {
        if (cm[k].n >= o->min_size) {
            n->communities_tested++;
            maxev = cm[k].n_ev > maxev ? cm[k].n_ev : maxev;
        } else if (cm[k].n0 >= o->min_size) {
            n->rejected[CH_NT_SIZE]++;
        }
    }
    objent *objs = ch_malloc(((size_t)maxev * 2 + 1) * sizeof *objs);
    if (!objs || !(bd->test = ch_calloc((ncomm ? ncomm : 1), sizeof *bd->test))) {
        ch_free(objs);
        return CHORUS_ENOMEM;
    }
    for (uint32_t k = 0; k < ncomm; k++) {
        const ch_netcomm *m = &cm[k];
        ch_nettest *t = &bd->test[k];
        if (m->n < o->min_size)
            continue;
        const double pairs = (double)m->n * (m->n - 1) / 2;
        t->density = m->n_edges / pairs;
        t->meanw = m->n_edges ? m->wsum / m->n_edges : 0;
        t->log10_p = ch_network_surprise(m->n, m->n_strong, bd->p0_at, na, o->alpha);
        const double log10_alpha = log10(o->alpha);
        /* an object counts when min_object_members members share it; in a cluster of three,
         * when two do (three would ask every unit of a cell to be shared by all of it) */
        const uint32_t obj_members =
            o->min_object_members < m->n - 1 ? o->min_object_members
                                             : (m->n - 1 > 2 ? m->n - 1 : 2);
        /* objects: distinct ones, and how many members acted on each */
        size_t no = 0;
        for (uint32_t i = 0; i < m->n_ev; i++) {
            const ch_shared *s = &co->shared[bd->cev[m->ev_first + i]];
            const ch_edge *e = &co->edges[s->edge];
            const uint64_t key = (uint64_t)s->object << 32 | s->occasion;
            objs[no++] = (objent){key, e->a, e->behaviour};
            objs[no++] = (objent){key, e->b, e->behaviour};
        }
        /* an object pushed in several bursts is several units of the test (one per occasion),
         * and counts once among the distinct objects */
        ch_sort(objs, no, sizeof *objs, cmp_objent);
        for (size_t i = 0; i < no;) {
            size_t j = i;
            uint32_t members = 0;
            for (; j < no && objs[j].key == objs[i].key; j++)
                members += j == i || objs[j].acct != objs[j - 1].acct;
            if (i == 0 || objs[i].key >> 32 != objs[i - 1].key >> 32) {
                t->distinct++;
                t->by[objs[i].b]++;
            }
            t->core += members >= obj_members;
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
    }
    ch_free(objs);
    return CHORUS_OK;
}

/* ---- 4b. cluster records, summaries, order ------------------------------------------------- */

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
        [CH_B_REPOST] = "co-repost of",       [CH_B_REPLY] = "co-reply to",
        [CH_B_QUOTE] = "co-quote of",         [CH_B_LINK] = "co-link of",
        [CH_B_HASHTAG] = "co-hashtag on",     [CH_B_NARRATIVE] = "co-narrative on",
        [CH_B_STATEMENT] = "co-statement on", [CH_B_MENTION] = "co-mention of",
        [CH_B_LIKE] = "co-like of",           [CH_B_THREAD] = "co-comment in",
    };
    for (int i = 0; i < nb && len < sizeof buf; i++) {
        const int b = order[i];
        /* the window of the evidence: the long look's when an internal edge came from it */
        const int64_t w = (cl->long_looks >> b & 1) && windows_long[b] ? windows_long[b] : windows[b];
        char dur[32];
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %s %u %s within %s",
                                i == 0 ? ";" : ",", verb[b], cl->objects_by[b],
                                ch_network_object_noun((ch_behaviour)b),
                                ch_duration_words((double)w, dur, sizeof dur));
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
static int attach(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    const uint32_t *co_to_net = bd->co_to_net;
    const ch_network_opts *o = bd->o;
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
    ch_sort(refs, nr, sizeof *refs, cmp_attref);
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
            ch_sort(n->clusters[k].members, n->clusters[k].n_members, sizeof(uint32_t), cmp_u32);
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
            ch_sort(n->clusters[k].evidence, n->clusters[k].n_evidence, sizeof(uint32_t), cmp_u32);
    ch_free(extra);
    rc = CHORUS_OK;
out:
    ch_free(inst_comm);
    ch_free(cl_of);
    ch_free(edge_cl);
    ch_free(refs);
    ch_free(add);
    return rc;
}

/* Records of the communities that passed, then attachment, time spans, summaries, the order
 * (descending score, then smallest member) and cluster_of_account. */
int ch_network_make_clusters(ch_netbuild *bd)
{
    ch_network *n = bd->n;
    const ch_coact_result *co = bd->co;
    size_t ncl = 0;
    for (uint32_t k = 0; k < bd->ncomm; k++)
        ncl += bd->test[k].pass;
    if (ncl && !(n->clusters = ch_calloc(ncl, sizeof *n->clusters)))
        return CHORUS_ENOMEM;
    for (uint32_t k = 0; k < bd->ncomm; k++) {
        const ch_netcomm *m = &bd->cm[k];
        const ch_nettest *t = &bd->test[k];
        if (!t->pass)
            continue;
        ch_cluster *cl = &n->clusters[n->n_clusters++];
        if (!(cl->members = ch_malloc(m->n * sizeof *cl->members)) ||
            !(cl->evidence = ch_malloc((m->n_ev ? m->n_ev : 1) * sizeof *cl->evidence)))
            return CHORUS_ENOMEM;
        for (uint32_t i = 0; i < m->n0; i++) {
            const uint32_t v = bd->vmembers[m->first + i];
            if (bd->alive[v])
                cl->members[cl->n_members++] = bd->vacct[v];
        }
        cl->n_evidence = m->n_ev;
        memcpy(cl->evidence, bd->cev + m->ev_first, m->n_ev * sizeof *cl->evidence);
        cl->behaviours = m->behaviours;
        cl->long_looks = m->long_looks;
        cl->score = cl->strength = t->score;
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
    int rc;
    if (bd->o->attach_alpha > 0 && (rc = attach(bd)))
        return rc;
    for (size_t k = 0; k < n->n_clusters; k++) {
        ch_cluster *cl = &n->clusters[k];
        cl->first_seen = cl->last_seen = CH_UNKNOWN_I64;
        for (uint32_t i = 0; i < cl->n_evidence; i++) {
            const ch_shared *s = &co->shared[cl->evidence[i]];
            const int64_t ts[2] = {ch_corpus_post(bd->c, s->post_a)->created_at,
                                   ch_corpus_post(bd->c, s->post_b)->created_at};
            for (int j = 0; j < 2; j++) {
                if (cl->first_seen == CH_UNKNOWN_I64 || ts[j] < cl->first_seen)
                    cl->first_seen = ts[j];
                if (cl->last_seen == CH_UNKNOWN_I64 || ts[j] > cl->last_seen)
                    cl->last_seen = ts[j];
            }
        }
        if (!(cl->summary = make_summary(cl, n->windows, n->windows_long)))
            return CHORUS_ENOMEM;
    }
    if (n->n_clusters)
        ch_sort(n->clusters, n->n_clusters, sizeof *n->clusters, cmp_cluster);
    for (size_t i = 0; i < n->n_clusters; i++)
        for (uint32_t j = 0; j < n->clusters[i].n_members; j++)
            n->cluster_of_account[n->clusters[i].members[j]] = (uint32_t)i;
    return CHORUS_OK;
}
