/*
 * network_compat.c — the network of a compatibility mode (coact.h, "Compatibility modes";
 * docs/coordination.md §11): the peer tools keep every edge their rule draws and have no
 * cluster test, so here every co-action edge is a graph edge (a pair's weight is the sum of
 * its behaviours' edge weights, as CooRTweet's generate_coordinated_network sums the rows of
 * stacked detect_groups results) and the clusters are the connected components of two or more
 * accounts — the groups an analyst reads off the tools' graphs (igraph's components()).
 *
 * A cluster's score is its edge density (the tools give none); summaries say the cluster is a
 * component. Institutional accounts are not set apart (the tools do not). Clusters are ordered
 * by size, then smallest member; members ascending.
 *
 * Cost: O(E log E) for E co-action edges, O(S) over the evidence rows; memory O(accounts + E).
 * Ownership: as ch_network_build (network.h).
 */
#include "detect/network/network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sort.h"

typedef struct pref {
    uint64_t ab;
    uint32_t e;
} pref;

static int cmp_pref(const void *x, const void *y)
{
    const pref *p = x, *q = y;
    if (p->ab != q->ab)
        return p->ab < q->ab ? -1 : 1;
    return (p->e > q->e) - (p->e < q->e);
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

typedef struct cref {
    uint32_t root, size, first;   /* component root, members, smallest member */
} cref;

static int cmp_cref(const void *x, const void *y)
{
    const cref *a = x, *b = y;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

static char *compat_summary(const ch_cluster *cl, const ch_network *n, int compat)
{
    char buf[512];
    size_t len = (size_t)snprintf(buf, sizeof buf,
                                  "%u accounts, %u pair%s (a connected component of the %s graph)",
                                  cl->n_members, cl->n_edges, cl->n_edges == 1 ? "" : "s",
                                  ch_coact_compat_name(compat));
    for (int b = 0; b < CH_B__COUNT && len < sizeof buf; b++) {
        if (!(cl->behaviours & (1u << b)))
            continue;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s co-%s within %lld s",
                                buf[len - 1] == ')' ? ";" : ",",
                                ch_behaviour_name((ch_behaviour)b), (long long)n->windows[b]);
    }
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    return ch_strndup(buf, len);
}

int ch_network_build_compat(const ch_corpus *c, const ch_coact_result *co, int compat,
                            ch_network **out)
{
    *out = NULL;
    const size_t na = ch_corpus_naccounts(c);
    if (na >= UINT32_MAX || co->n_edges >= UINT32_MAX)
        return CHORUS_ELIMIT;
    ch_network *n = ch_calloc(1, sizeof *n);
    pref *refs = NULL;
    uint32_t *parent = NULL, *slot = NULL, *stamp = NULL;
    cref *comps = NULL;
    int rc = CHORUS_ENOMEM;
    const size_t na1 = na ? na : 1, ne1 = co->n_edges ? co->n_edges : 1;
    if (!n)
        return CHORUS_ENOMEM;
    n->n_accounts = na;
    n->n_coact = co->n_edges;
    if (!(n->community_of_account = ch_malloc(na1 * sizeof *n->community_of_account)) ||
        !(n->cluster_of_account = ch_malloc(na1 * sizeof *n->cluster_of_account)) ||
        !(n->institutional = ch_calloc(na1, 1)) || !(n->coact_kept = ch_calloc(ne1, 1)) ||
        !(refs = ch_malloc(ne1 * sizeof *refs)) || !(parent = ch_malloc(na1 * sizeof *parent)) ||
        !(slot = ch_malloc(na1 * sizeof *slot)) ||
        !(stamp = ch_calloc(co->n_shared_obj ? co->n_shared_obj : 1, sizeof *stamp)))
        goto out;
    memcpy(n->windows, co->windows, sizeof n->windows);
    memcpy(n->windows_long, co->windows_long, sizeof n->windows_long);
    for (size_t i = 0; i < na; i++) {
        parent[i] = (uint32_t)i;
        n->community_of_account[i] = n->cluster_of_account[i] = CH_NONE;
    }
    /* 1. one combined edge per pair */
    for (size_t i = 0; i < co->n_edges; i++) {
        const ch_edge *e = &co->edges[i];
        if (e->a >= e->b || e->b >= na || e->behaviour >= CH_B__COUNT) {
            rc = CHORUS_EUSAGE;
            goto out;
        }
        refs[i] = (pref){(uint64_t)e->a << 32 | e->b, (uint32_t)i};
    }
    ch_sort(refs, co->n_edges, sizeof *refs, cmp_pref);
    size_t ne = 0;
    for (size_t i = 0; i < co->n_edges; i++)
        ne += i == 0 || refs[i].ab != refs[i - 1].ab;
    if (ne && !(n->edges = ch_calloc(ne, sizeof *n->edges)))
        goto out;
    for (size_t i = 0, k = SIZE_MAX; i < co->n_edges; i++) {
        if (i == 0 || refs[i].ab != refs[i - 1].ab) {
            k = k == SIZE_MAX ? 0 : k + 1;
            n->edges[k].a = (uint32_t)(refs[i].ab >> 32);
            n->edges[k].b = (uint32_t)refs[i].ab;
            n->edges[k].used = CH_NE_GRAPH;
        }
        const ch_edge *e = &co->edges[refs[i].e];
        ch_network_edge *x = &n->edges[k];
        x->weight += e->weight;
        x->s[e->behaviour] += e->weight;
        if (e->n_objects > x->n_objects[e->behaviour])
            x->n_objects[e->behaviour] = e->n_objects;
        x->behaviours |= 1u << e->behaviour;
        n->coact_kept[refs[i].e] = 1;
    }
    n->n_edges = ne;
    n->n_coact_kept = co->n_edges;
    /* 2. components */
    for (size_t i = 0; i < ne; i++) {
        uint32_t x = find(parent, n->edges[i].a), y = find(parent, n->edges[i].b);
        if (x != y)
            parent[x > y ? x : y] = x < y ? x : y;   /* the smaller index is the root */
    }
    size_t ncomp = 0;
    for (size_t i = 0; i < na; i++)
        slot[i] = 0;
    for (size_t i = 0; i < na; i++)
        slot[find(parent, (uint32_t)i)]++;
    for (size_t i = 0; i < na; i++)
        ncomp += slot[i] >= 2 && parent[i] == i;
    if (ncomp && !(comps = ch_malloc(ncomp * sizeof *comps)))
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < na; i++)
        if (slot[i] >= 2 && parent[i] == i)
            comps[k++] = (cref){(uint32_t)i, slot[i], (uint32_t)i};
    if (ncomp)   /* qsort takes no NULL array, even empty */
        ch_sort(comps, ncomp, sizeof *comps, cmp_cref);
    if (ncomp && !(n->clusters = ch_calloc(ncomp, sizeof *n->clusters)))
        goto out;
    n->n_clusters = n->n_communities = (uint32_t)ncomp;
    n->communities_tested = (uint32_t)ncomp;
    for (size_t i = 0; i < na; i++)
        slot[i] = CH_NONE;
    for (size_t j = 0; j < ncomp; j++) {
        slot[comps[j].root] = (uint32_t)j;
        if (!(n->clusters[j].members = ch_malloc(comps[j].size * sizeof(uint32_t))))
            goto out;
    }
    for (size_t i = 0; i < na; i++) {
        const uint32_t cl = slot[find(parent, (uint32_t)i)];
        if (cl == CH_NONE)
            continue;
        ch_cluster *x = &n->clusters[cl];
        x->members[x->n_members++] = (uint32_t)i;   /* ascending: i runs upwards */
        n->cluster_of_account[i] = n->community_of_account[i] = cl;
    }
    /* 3. per cluster: edges, weights, evidence, objects */
    for (size_t i = 0; i < ne; i++) {
        const uint32_t cl = n->cluster_of_account[n->edges[i].a];
        ch_cluster *x = &n->clusters[cl];
        x->n_edges++;
        x->mean_weight += n->edges[i].weight;
        x->behaviours |= n->edges[i].behaviours;
        for (int b = 0; b < CH_B__COUNT; b++)
            if (n->edges[i].n_objects[b] > x->objects_by[b])
                x->objects_by[b] = n->edges[i].n_objects[b];
    }
    for (size_t j = 0; j < ncomp; j++) {
        ch_cluster *x = &n->clusters[j];
        const double pairs = (double)x->n_members * (x->n_members - 1) / 2;
        x->mean_weight = x->n_edges ? x->mean_weight / x->n_edges : 0;
        x->density = pairs > 0 ? x->n_edges / pairs : 0;
        x->score = x->strength = x->density;
        x->first_seen = INT64_MAX;
        x->last_seen = INT64_MIN;
    }
    for (size_t i = 0; i < co->n_shared; i++) {
        const uint32_t cl = n->cluster_of_account[co->edges[co->shared[i].edge].a];
        n->clusters[cl].n_evidence++;
    }
    for (size_t j = 0; j < ncomp; j++)
        if (n->clusters[j].n_evidence &&
            !(n->clusters[j].evidence = ch_malloc(n->clusters[j].n_evidence * sizeof(uint32_t))))
            goto out;
    for (size_t j = 0; j < ncomp; j++)
        n->clusters[j].n_evidence = 0;
    for (size_t i = 0; i < co->n_shared; i++) {
        const ch_shared *sh = &co->shared[i];
        ch_cluster *x = &n->clusters[n->cluster_of_account[co->edges[sh->edge].a]];
        x->evidence[x->n_evidence++] = (uint32_t)i;
        const int64_t t[2] = {ch_corpus_post(c, sh->post_a)->created_at,
                              ch_corpus_post(c, sh->post_b)->created_at};
        for (int q = 0; q < 2; q++) {
            if (t[q] == CH_UNKNOWN_I64)
                continue;
            x->first_seen = t[q] < x->first_seen ? t[q] : x->first_seen;
            x->last_seen = t[q] > x->last_seen ? t[q] : x->last_seen;
        }
    }
    for (size_t j = 0; j < ncomp; j++) {
        ch_cluster *x = &n->clusters[j];
        /* distinct objects of the evidence (objects are named once: count by index) */
        for (uint32_t q = 0; q < x->n_evidence; q++) {
            const uint32_t ob = co->shared[x->evidence[q]].object;
            if (ob < co->n_shared_obj && stamp[ob] != j + 1) {
                stamp[ob] = (uint32_t)j + 1;
                x->n_objects++;
            }
        }
        if (x->first_seen == INT64_MAX)
            x->first_seen = x->last_seen = CH_UNKNOWN_I64;
        if (!(x->summary = compat_summary(x, n, compat)))
            goto out;
    }
    rc = CHORUS_OK;
out:
    ch_free(refs);
    ch_free(parent);
    ch_free(stamp);
    ch_free(slot);
    ch_free(comps);
    if (rc) {
        ch_network_free(n);
        return rc;
    }
    *out = n;
    return CHORUS_OK;
}
