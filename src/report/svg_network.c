/*
 * svg_network.c — the picture of the coordinated network: every clustered account a dot
 * (class "node"), coloured by cluster and sized by score, joined by its co-action edges;
 * beside each cluster its strongest partners outside any cluster, faded (class "nbr").
 *
 * Layout: each cluster (with its faded partners) is laid out on its own with igraph's
 * Fruchterman-Reingold (seeded, so the picture is reproducible), scaled to a disc whose area
 * grows with its size, and the discs are packed in rows, biggest first. Clusters are
 * communities with few links between them, so one global layout would spend the picture on
 * empty space between islands; per-cluster layouts also keep the cost linear in the number of
 * clusters (10,000 clusters of three accounts lay out in a fraction of a second).
 *
 * Bounds: at most max_nodes clustered accounts (whole clusters, strongest first) and
 * MAX_EDGE_ROWS edge rows are read; per cluster at most max_neighbours partners and
 * EDGES_PER_NODE * n edges go into the layout and the picture.
 */
#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/igraph_env.h"
#include "core/pool.h"
#include "core/sort.h"
#include "report/report_int.h"

#define W 1000.0               /* viewBox width */
#define MAX_EDGE_ROWS 2000000  /* edge rows read; beyond, the picture says it is partial */
#define EDGES_PER_NODE 12      /* strongest edges kept per cluster node */
#define MAX_LABELS 400
#define CENTRAL_LABELS 5       /* the most central of each cluster may be written over dots */
#define LABEL_FONT 10.0
#define TITLES_ALWAYS 5000     /* below this many dots every dot gets a tooltip */

typedef struct node {
    ch_sid id, handle;
    float score;
    float strength;            /* weighted degree within its cluster (labels go by it) */
    uint32_t group;
    double x, y, r;
    bool clustered;
} node;

typedef struct group {
    int64_t cluster;
    uint32_t first, nmem;      /* members are nodes [first, first + nmem) */
    uint32_t start, n;         /* members + partners in `order` [start, start + n) */
    double R, cx, cy;
    char colour[8];
    bool detailed;
} group;

typedef struct edge {
    uint32_t u, v;             /* u < v; v may be a candidate partner (see cand) */
    float w;
    float wb;                  /* weight of the strongest behaviour of the pair */
    uint8_t beh;               /* that behaviour: an index into BEHAVIOURS */
} edge;

/* Line colours by behaviour: a pair's line takes the colour of its strongest behaviour, so a
 * cluster built on reposts looks different from one built on copied text. Distinct from one
 * another in hue and lightness (and from the grey of links to partners). */
static const struct { const char *name, *colour, *words; } BEHAVIOURS[] = {
    {"repost", "#d1495b", "reposts"},          {"reply", "#edae49", "replies"},
    {"quote", "#8e5ea2", "quotes"},            {"link", "#2e86ab", "links"},
    {"hashtag", "#3c9d5d", "hashtags"},        {"narrative", "#8c6d46", "near-identical text"},
    {"statement", "#e07a1f", "statements"},    {"mention", "#c05299", "mentions"},
    {"like", "#b5b82c", "likes"},              {"thread", "#1f6f78", "threads"},
    {"", "#8f9cb0", "other"},
};
#define N_BEHAVIOURS (sizeof BEHAVIOURS / sizeof BEHAVIOURS[0])

static uint8_t behaviour_index(const char *b, size_t n)
{
    for (uint8_t i = 0; (size_t)i + 1 < N_BEHAVIOURS; i++)
        if (strlen(BEHAVIOURS[i].name) == n && !memcmp(BEHAVIOURS[i].name, b, n))
            return i;
    return (uint8_t)(N_BEHAVIOURS - 1);
}

typedef struct cand {          /* an unclustered account linked to a drawn cluster */
    float wsum, wbest;
    uint32_t group;
    uint32_t node;             /* node index once chosen, else UINT32_MAX */
} cand;

typedef struct net {
    ch_report_ctx *c;
    ch_pool ids, handles, cids;
    node *nodes;
    size_t nnodes, cap_nodes, nclustered;
    group *groups;
    size_t ngroups, cap_groups;
    edge *edges, *cedges;      /* among clustered nodes; clustered node -> candidate */
    size_t nedges, cap_edges, ncedges, cap_cedges;
    cand *cands;
    size_t ncands, cap_cands;
    uint32_t *order;           /* nodes grouped by group */
    bool edges_cut;
    double H, spacing;
    double k;                  /* dot scale: 1 for roomy pictures, down to 0.15 */
    int prec;                  /* decimals of coordinates: 0 when dots are tiny */
} net;

static int oom(net *n)
{
    return ch_report_fail(n->c, CHORUS_ENOMEM, "out of memory");
}

/* ---- reading ----------------------------------------------------------------------------- */

static int load_nodes(net *n)
{
    ch_report_ctx *c = n->c;
    sqlite3_stmt *q = ch_report_prep(
        c, "SELECT a.account_id, a.handle, a.score, a.cluster_id, z.size "
           "FROM accounts a JOIN (SELECT cluster_id, count(*) AS size FROM accounts "
           "WHERE cluster_id IS NOT NULL GROUP BY cluster_id) z ON z.cluster_id = a.cluster_id "
           "LEFT JOIN clusters k ON k.cluster_id = a.cluster_id "
           "ORDER BY k.score DESC, a.cluster_id, a.score DESC, a.account_id");
    if (!q)
        return c->rc;
    int rc;
    int64_t cur = 0;
    bool have = false, full = false;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const int64_t cl = sqlite3_column_int64(q, 3);
        if (!have || cl != cur) {
            /* whole clusters only: a cluster that does not fit ends the picture */
            const uint64_t size = (uint64_t)sqlite3_column_int64(q, 4);
            if (full || n->nnodes + size > c->o.max_nodes) {
                full = true;
                continue;
            }
            if (ch_grow((void **)&n->groups, &n->cap_groups, n->ngroups + 1, sizeof *n->groups))
                goto fail;
            group *g = &n->groups[n->ngroups++];
            memset(g, 0, sizeof *g);
            g->cluster = cl;
            g->first = (uint32_t)n->nnodes;
            g->detailed = ch_report_rank(c, cl) >= 0;
            ch_report_colour(c, cl, g->colour);
            cur = cl;
            have = true;
        }
        if (full)
            continue;
        if (ch_grow((void **)&n->nodes, &n->cap_nodes, n->nnodes + 1, sizeof *n->nodes))
            goto fail;
        size_t idn, hn;
        const char *id = ch_report_col(q, 0, &idn), *h = ch_report_col(q, 1, &hn);
        node *v = &n->nodes[n->nnodes];
        memset(v, 0, sizeof *v);
        if (ch_pool_intern(&n->ids, id, idn, &v->id) ||
            ch_pool_intern(&n->handles, h, hn, &v->handle))
            goto fail;
        if (v->id != n->nnodes + 1) {
            /* a duplicate account id: the table is not ours (account_id is its key) */
            continue;
        }
        double s = sqlite3_column_double(q, 2);
        v->score = (float)(isfinite(s) ? (s < 0 ? 0 : s > 1 ? 1 : s) : 0);
        v->group = (uint32_t)(n->ngroups - 1);
        v->clustered = true;
        n->groups[n->ngroups - 1].nmem++;
        n->nnodes++;
    }
    ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    n->nclustered = n->nnodes;
    return c->rc;
fail:
    sqlite3_finalize(q);
    return oom(n);
}

static float clean_weight(double w)
{
    return isfinite(w) && w > 0 ? (float)(w > 1e30 ? 1e30 : w) : 1.0f;
}

/* Edges among drawn accounts, and edges from a drawn account to an unclustered one (the
 * candidates for faded partners). Rows of one pair (one per behaviour) are summed later. */
static int load_edges(net *n)
{
    ch_report_ctx *c = n->c;
    sqlite3_stmt *q = ch_report_prep(c, "SELECT account_a, account_b, weight, behaviour "
                                        "FROM edges");
    /* asked only for edges with one end drawn: most rows need no lookup */
    sqlite3_stmt *unclustered = ch_report_prep(
        c, "SELECT 1 FROM accounts WHERE account_id = ?1 AND cluster_id IS NULL");
    if (!q || !unclustered) {
        sqlite3_finalize(q);
        sqlite3_finalize(unclustered);
        return c->rc;
    }
    int rc;
    size_t rows = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (++rows > MAX_EDGE_ROWS) {
            n->edges_cut = true;
            break;
        }
        size_t an, bn;
        const char *a = ch_report_col(q, 0, &an), *b = ch_report_col(q, 1, &bn);
        ch_sid ia = ch_pool_find(&n->ids, a, an), ib = ch_pool_find(&n->ids, b, bn);
        const float w = clean_weight(sqlite3_column_double(q, 2));
        size_t behn;
        const char *beh = ch_report_col(q, 3, &behn);
        const uint8_t bi = behaviour_index(beh, behn);
        if (ia && ib) {
            if (ia == ib)
                continue;
            if (ch_grow((void **)&n->edges, &n->cap_edges, n->nedges + 1, sizeof *n->edges))
                goto fail;
            n->edges[n->nedges++] =
                (edge){ia < ib ? ia - 1 : ib - 1, ia < ib ? ib - 1 : ia - 1, w, w, bi};
            continue;
        }
        /* one end drawn, the other outside every cluster: a candidate partner */
        if ((!ia && !ib) || c->o.max_neighbours == 0)
            continue;
        const char *other = ia ? b : a;
        const size_t on = ia ? bn : an;
        const ch_sid in = ia ? ia : ib;
        sqlite3_reset(unclustered);
        sqlite3_bind_text(unclustered, 1, other, (int)on, SQLITE_STATIC);
        int urc = sqlite3_step(unclustered);
        if (urc != SQLITE_ROW) {
            if (urc != SQLITE_DONE) {
                ch_report_step_failed(c, urc);
                break;
            }
            continue;
        }
        ch_sid k;
        if (ch_pool_intern(&n->cids, other, on, &k))
            goto fail;
        if (k > n->ncands) {
            if (ch_grow((void **)&n->cands, &n->cap_cands, k, sizeof *n->cands))
                goto fail;
            n->cands[k - 1] = (cand){0, 0, 0, UINT32_MAX};
            n->ncands = k;
        }
        cand *cd = &n->cands[k - 1];
        cd->wsum += w;
        if (w > cd->wbest) {
            cd->wbest = w;
            cd->group = n->nodes[in - 1].group;
        }
        if (ch_grow((void **)&n->cedges, &n->cap_cedges, n->ncedges + 1, sizeof *n->cedges))
            goto fail;
        n->cedges[n->ncedges++] = (edge){in - 1, k - 1, w, w, bi};
    }
    if (rc != SQLITE_ROW)
        ch_report_step_failed(c, rc);
    sqlite3_finalize(q);
    sqlite3_finalize(unclustered);
    return c->rc;
fail:
    sqlite3_finalize(q);
    sqlite3_finalize(unclustered);
    return oom(n);
}

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* Sums the rows of one pair (one row per behaviour) into one edge. */
static size_t merge_edges(edge *e, size_t ne)
{
    if (!ne)
        return 0;
    ch_sort(e, ne, sizeof *e, cmp_edge);
    size_t k = 0;
    for (size_t i = 1; i < ne; i++) {
        if (e[i].u == e[k].u && e[i].v == e[k].v) {
            e[k].w += e[i].w;
            if (e[i].wb > e[k].wb || (e[i].wb == e[k].wb && e[i].beh < e[k].beh)) {
                e[k].wb = e[i].wb;
                e[k].beh = e[i].beh;
            }
        } else
            e[++k] = e[i];
    }
    return k + 1;
}

typedef struct cand_ix {
    uint32_t group, cand;
    float w;
} cand_ix;

static int cmp_cand(const void *a, const void *b)
{
    const cand_ix *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->cand > y->cand) - (x->cand < y->cand);
}

/* The max_neighbours strongest partners of each cluster become faded nodes; their edges join
 * the edge list. */
static int choose_partners(net *n)
{
    if (!n->ncands)
        return CHORUS_OK;
    cand_ix *ix = ch_calloc(n->ncands, sizeof *ix);
    if (!ix)
        return oom(n);
    for (size_t i = 0; i < n->ncands; i++)
        ix[i] = (cand_ix){n->cands[i].group, (uint32_t)i, n->cands[i].wsum};
    ch_sort(ix, n->ncands, sizeof *ix, cmp_cand);
    uint32_t run = 0;
    for (size_t i = 0; i < n->ncands; i++) {
        run = (i && ix[i].group == ix[i - 1].group) ? run + 1 : 0;
        if (run >= n->c->o.max_neighbours)
            continue;
        if (ch_grow((void **)&n->nodes, &n->cap_nodes, n->nnodes + 1, sizeof *n->nodes)) {
            ch_free(ix);
            return oom(n);
        }
        node *v = &n->nodes[n->nnodes];
        memset(v, 0, sizeof *v);
        v->group = ix[i].group;
        v->id = ix[i].cand + 1;   /* into cids, for the tooltip */
        n->cands[ix[i].cand].node = (uint32_t)n->nnodes++;
    }
    ch_free(ix);
    for (size_t i = 0; i < n->ncedges; i++) {
        uint32_t v = n->cands[n->cedges[i].v].node;
        if (v == UINT32_MAX)
            continue;
        if (ch_grow((void **)&n->edges, &n->cap_edges, n->nedges + 1, sizeof *n->edges))
            return oom(n);
        n->edges[n->nedges++] = (edge){n->cedges[i].u, v, n->cedges[i].w, n->cedges[i].wb,
                                       n->cedges[i].beh};
    }
    ch_free(n->cedges);
    n->cedges = NULL;
    n->ncedges = 0;
    return CHORUS_OK;
}

/* ---- layout ------------------------------------------------------------------------------ */

static int igraph_rc(igraph_error_t ie)
{
    switch (ie) {
    case IGRAPH_SUCCESS: return CHORUS_OK;
    case IGRAPH_ENOMEM: return CHORUS_ENOMEM;
    default: return CHORUS_EINTERNAL;
    }
}

/* Fruchterman-Reingold of one group: local vertices 0..nv-1, edges (a[i], b[i], w[i]).
 * Writes positions into xy (2 * nv). The caller has installed the handlers and the RNG. */
static igraph_error_t fr_layout(size_t nv, size_t ne, const uint32_t *a, const uint32_t *b,
                                const double *w, double *xy)
{
    igraph_t g;
    igraph_vector_int_t ev;
    igraph_vector_t wv;
    igraph_matrix_t res;
    bool have_g = false, have_e = false, have_w = false, have_r = false;
    igraph_error_t ie;
    if ((ie = igraph_vector_int_init(&ev, (igraph_integer_t)(2 * ne))))
        goto out;
    have_e = true;
    for (size_t i = 0; i < ne; i++) {
        VECTOR(ev)[2 * i] = a[i];
        VECTOR(ev)[2 * i + 1] = b[i];
    }
    if ((ie = igraph_create(&g, &ev, (igraph_integer_t)nv, IGRAPH_UNDIRECTED)))
        goto out;
    have_g = true;
    if ((ie = igraph_vector_init(&wv, (igraph_integer_t)ne)))
        goto out;
    have_w = true;
    for (size_t i = 0; i < ne; i++)
        VECTOR(wv)[i] = w[i];
    if ((ie = igraph_matrix_init(&res, 0, 0)))
        goto out;
    have_r = true;
    /* fewer iterations and the grid approximation for big groups keep the cost near linear */
    const igraph_integer_t niter = nv < 200 ? 500 : nv < 1000 ? 300 : 150;
    if ((ie = igraph_layout_fruchterman_reingold(&g, &res, false, niter, sqrt((double)nv),
                                                 nv > 300 ? IGRAPH_LAYOUT_GRID
                                                          : IGRAPH_LAYOUT_NOGRID,
                                                 ne ? &wv : NULL, NULL, NULL, NULL, NULL)))
        goto out;
    if ((size_t)igraph_matrix_nrow(&res) != nv || igraph_matrix_ncol(&res) != 2) {
        ie = IGRAPH_FAILURE;
        goto out;
    }
    for (size_t v = 0; v < nv; v++) {
        xy[2 * v] = MATRIX(res, (igraph_integer_t)v, 0);
        xy[2 * v + 1] = MATRIX(res, (igraph_integer_t)v, 1);
    }
out:
    if (have_r)
        igraph_matrix_destroy(&res);
    if (have_w)
        igraph_vector_destroy(&wv);
    if (have_g)
        igraph_destroy(&g);
    if (have_e)
        igraph_vector_int_destroy(&ev);
    return ie;
}

static int cmp_w_desc(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return cmp_edge(a, b);
}

/* Groups nodes by group (order[]), sorts the edges of each group strongest first, keeps at
 * most EDGES_PER_NODE * n of them, and returns in *ge the edges-per-group offsets. Edges
 * between groups come last (group index ngroups). */
static int bucket_edges(net *n, size_t **ge_out)
{
    size_t *gs = ch_calloc(n->ngroups + 2, sizeof *gs);
    size_t *ge = ch_calloc(n->ngroups + 2, sizeof *ge);
    edge *tmp = ch_calloc(n->nedges ? n->nedges : 1, sizeof *tmp);
    n->order = ch_calloc(n->nnodes ? n->nnodes : 1, sizeof *n->order);
    if (!gs || !ge || !tmp || !n->order) {
        ch_free(gs), ch_free(ge), ch_free(tmp);
        return oom(n);
    }
    for (size_t i = 0; i < n->nnodes; i++)
        gs[n->nodes[i].group + 1]++;
    for (size_t g = 0; g < n->ngroups; g++) {
        gs[g + 1] += gs[g];
        n->groups[g].start = (uint32_t)gs[g];
        n->groups[g].n = 0;
    }
    for (size_t i = 0; i < n->nnodes; i++) {
        group *g = &n->groups[n->nodes[i].group];
        n->order[g->start + g->n++] = (uint32_t)i;
    }
    /* counting sort of edges by group (inter-group edges in the last bucket) */
    for (size_t i = 0; i < n->nedges; i++) {
        uint32_t gu = n->nodes[n->edges[i].u].group, gv = n->nodes[n->edges[i].v].group;
        ge[(gu == gv ? gu : n->ngroups) + 1]++;
    }
    for (size_t g = 0; g <= n->ngroups; g++)
        ge[g + 1] += ge[g];
    size_t *fill = gs;   /* reuse as cursors */
    for (size_t g = 0; g <= n->ngroups; g++)
        fill[g] = ge[g];
    for (size_t i = 0; i < n->nedges; i++) {
        uint32_t gu = n->nodes[n->edges[i].u].group, gv = n->nodes[n->edges[i].v].group;
        tmp[fill[gu == gv ? gu : n->ngroups]++] = n->edges[i];
    }
    /* strongest first within each bucket; then cut each group to its edge budget */
    size_t k = 0;
    size_t *kept = fill;
    for (size_t g = 0; g <= n->ngroups; g++) {
        size_t a = ge[g], b = ge[g + 1];
        ch_sort(tmp + a, b - a, sizeof *tmp, cmp_w_desc);
        size_t budget = g < n->ngroups ? (size_t)EDGES_PER_NODE * n->groups[g].n + 8
                                       : (size_t)EDGES_PER_NODE * 64 + 4 * n->ngroups;
        if (b - a > budget)
            b = a + budget;
        kept[g] = k;
        if (b > a)   /* with no edge at all, n->edges is NULL */
            memmove(n->edges + k, tmp + a, (b - a) * sizeof *tmp);
        k += b - a;
    }
    kept[n->ngroups + 1] = k;
    n->nedges = k;
    memcpy(ge, kept, (n->ngroups + 2) * sizeof *ge);
    ch_free(tmp);
    ch_free(gs);
    *ge_out = ge;
    return CHORUS_OK;
}

static int layout_groups(net *n, const size_t *ge)
{
    size_t maxn = 0, maxe = 0;
    for (size_t g = 0; g < n->ngroups; g++) {
        maxn = n->groups[g].n > maxn ? n->groups[g].n : maxn;
        maxe = ge[g + 1] - ge[g] > maxe ? ge[g + 1] - ge[g] : maxe;
    }
    uint32_t *local = ch_calloc(n->nnodes ? n->nnodes : 1, sizeof *local);
    uint32_t *ea = ch_calloc(maxe + 1, sizeof *ea), *eb = ch_calloc(maxe + 1, sizeof *eb);
    double *ew = ch_calloc(maxe + 1, sizeof *ew), *xy = ch_calloc(2 * maxn + 2, sizeof *xy);
    int rc = CHORUS_OK;
    if (!local || !ea || !eb || !ew || !xy) {
        rc = oom(n);
        goto done;
    }
    /* igraph runs under the library's settings (core/igraph_env.h: errors come back as codes,
     * never an abort; one lock); the layout's random start is seeded per group, so the same
     * database gives the same picture */
    igraph_error_t ie = IGRAPH_SUCCESS;
    for (size_t g = 0; g < n->ngroups && !ie; g++) {
        group *gr = &n->groups[g];
        const size_t nv = gr->n;
        if (nv == 0)
            continue;   /* only possible with duplicate account ids */
        for (size_t i = 0; i < nv; i++)
            local[n->order[gr->start + i]] = (uint32_t)i;
        if (nv == 1) {
            xy[0] = xy[1] = 0;
        } else if (nv == 2) {
            xy[0] = -1, xy[1] = 0, xy[2] = 1, xy[3] = 0;
        } else {
            /* each group from the same seed: its picture does not depend on the others */
            if ((rc = ch_igraph_enter(n->c->o.seed + (uint64_t)gr->cluster))) {
                rc = ch_report_fail(n->c, rc, "cannot lay out the network: igraph unavailable");
                goto done;
            }
            size_t ne = ge[g + 1] - ge[g];
            double wmax = 0;
            for (size_t i = 0; i < ne; i++)
                wmax = n->edges[ge[g] + i].w > wmax ? n->edges[ge[g] + i].w : wmax;
            for (size_t i = 0; i < ne; i++) {
                const edge *e = &n->edges[ge[g] + i];
                ea[i] = local[e->u];
                eb[i] = local[e->v];
                ew[i] = 0.3 + e->w / wmax;   /* positive, strongest pull ~4x the weakest */
            }
            ie = fr_layout(nv, ne, ea, eb, ew, xy);
            ch_igraph_leave();
            if (ie)
                break;
        }
        /* centre and scale into the group's disc */
        double mx = 0, my = 0, rmax = 0;
        for (size_t i = 0; i < nv; i++)
            mx += xy[2 * i], my += xy[2 * i + 1];
        mx /= (double)nv, my /= (double)nv;
        for (size_t i = 0; i < nv; i++) {
            double dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my, d = sqrt(dx * dx + dy * dy);
            rmax = isfinite(d) && d > rmax ? d : rmax;
        }
        for (size_t i = 0; i < nv; i++) {
            node *v = &n->nodes[n->order[gr->start + i]];
            double dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my;
            if (!isfinite(dx) || !isfinite(dy))
                dx = dy = 0;
            v->x = rmax > 0 ? dx / rmax : 0;   /* unit disc; placed in pack() */
            v->y = rmax > 0 ? dy / rmax : 0;
        }
    }
    if (ie)
        rc = ch_report_fail(n->c, igraph_rc(ie), "cannot lay out the network: igraph error %d",
                            (int)ie);
done:
    ch_free(local), ch_free(ea), ch_free(eb), ch_free(ew), ch_free(xy);
    return rc;
}

/* ---- packing ------------------------------------------------------------------------------ */

typedef struct gsort {
    double R;
    uint32_t g;
} gsort;

static int cmp_gsort(const void *a, const void *b)
{
    const gsort *x = a, *y = b;
    if (x->R != y->R)
        return x->R > y->R ? -1 : 1;
    return (x->g > y->g) - (x->g < y->g);
}

#define LABEL_H 16.0   /* room above a disc for the cluster's name */
#define PAD 12.0

/* Sizes the discs (area grows with the number of accounts; the spacing shrinks when there
 * are many so the picture stays about as tall as wide) and packs them in rows, biggest
 * first, each row centred. */
static int pack(net *n)
{
    double area = 0;
    size_t maxn = 1;
    for (size_t g = 0; g < n->ngroups; g++) {
        area += (double)n->groups[g].n;
        maxn = n->groups[g].n > maxn ? n->groups[g].n : maxn;
    }
    /* s: distance between neighbouring dots, chosen so the discs fill about the area of a
     * 1000 x 600 picture (shelf packing covers ~45% of its rows with discs); a small network
     * is spread out, a big one packed tight */
    const double target = W * 600 * 0.45;
    double s = sqrt(target / (area * 3.14159 * 0.81));
    if (s > 44)
        s = 44;
    if (s * sqrt((double)maxn) + 8 > W / 2 - PAD)
        s = (W / 2 - PAD - 8) / sqrt((double)maxn);
    if (s < 1.5)
        s = 1.5;
    n->spacing = s;
    /* dots, margins and gaps shrink with the spacing, so 10,000 small clusters still make a
     * picture about as tall as wide (a texture to zoom into) rather than a long scroll */
    const double k = s / 16 < 0.15 ? 0.15 : s / 16 > 1 ? 1 : s / 16;
    n->k = k;
    n->prec = s < 6 ? 0 : 1;   /* a tenth of a unit is invisible then; saves ~15% of bytes */
    gsort *gs = ch_calloc(n->ngroups ? n->ngroups : 1, sizeof *gs);
    if (!gs)
        return oom(n);
    for (size_t g = 0; g < n->ngroups; g++) {
        group *gr = &n->groups[g];
        gr->R = gr->n <= 1 ? 0 : s * 0.9 * sqrt((double)gr->n);
        gs[g] = (gsort){gr->R, (uint32_t)g};
    }
    for (size_t i = 0; i < n->nnodes; i++) {
        node *v = &n->nodes[i];
        v->r = v->clustered ? k * (3.0 + 6.0 * v->score) : k * 3.5;
    }
    ch_sort(gs, n->ngroups, sizeof *gs, cmp_gsort);
    const double lab = n->ngroups <= 400 ? LABEL_H : 0;
    const double pad = PAD * k < 1.5 ? 1.5 : PAD * k;
    double y = pad, x = pad, rowh = 0;
    size_t row0 = 0;
    for (size_t i = 0; i <= n->ngroups; i++) {
        const double d = i < n->ngroups ? 2 * gs[i].R + 2 * 9 * k + pad : 0;
        const bool wrap = i == n->ngroups || (x + d > W && i > row0);
        if (wrap) {
            /* centre the finished row */
            double shift = (W - x) / 2;
            for (size_t j = row0; j < i; j++)
                n->groups[gs[j].g].cx += shift;
            y += rowh;
            x = pad, rowh = 0, row0 = i;
            if (i == n->ngroups)
                break;
        }
        group *gr = &n->groups[gs[i].g];
        gr->cx = x + d / 2 - pad / 2;
        gr->cy = y + lab + d / 2 - pad / 2;
        x += d;
        rowh = lab + d > rowh ? lab + d : rowh;
    }
    n->H = y + pad;
    ch_free(gs);
    for (size_t i = 0; i < n->nnodes; i++) {
        node *v = &n->nodes[i];
        const group *gr = &n->groups[v->group];
        v->x = gr->cx + v->x * gr->R;
        v->y = gr->cy + v->y * gr->R;
    }
    /* a layout rarely fills its disc: crop the picture to what is drawn (dots, and the
     * cluster names above the discs) */
    double y0 = n->H, y1 = 0;
    for (size_t i = 0; i < n->nnodes; i++) {
        y0 = n->nodes[i].y - n->nodes[i].r < y0 ? n->nodes[i].y - n->nodes[i].r : y0;
        y1 = n->nodes[i].y + n->nodes[i].r > y1 ? n->nodes[i].y + n->nodes[i].r : y1;
    }
    if (lab > 0)
        for (size_t g = 0; g < n->ngroups; g++) {
            const double ty = n->groups[g].cy - n->groups[g].R - 9 * k - 5 - 12;
            y0 = ty < y0 ? ty : y0;
        }
    if (y1 > y0) {
        const double dy = pad - y0;
        for (size_t i = 0; i < n->nnodes; i++)
            n->nodes[i].y += dy;
        for (size_t g = 0; g < n->ngroups; g++)
            n->groups[g].cy += dy;
        n->H = y1 - y0 + 2 * pad;
    }
    return CHORUS_OK;
}

/* ---- drawing ------------------------------------------------------------------------------ */

/* Edges as at most four <path>s, one per width class: one element per line would double
 * the size of a big picture. */
static void edge_paths(net *n, const edge *es, size_t ne, double wmax, const char *stroke,
                       double opacity)
{
    static const double widths[] = {0.6, 1.1, 1.8, 2.8};
    ch_report_out *o = &n->c->out;
    const double k = n->k < 0.4 ? 0.4 : n->k;
    for (int bucket = 0; bucket < 4; bucket++) {
        bool open = false;
        for (size_t i = 0; i < ne; i++) {
            const edge *e = &es[i];
            double f = sqrt(e->w / wmax);
            int bk = f < 0.35 ? 0 : f < 0.6 ? 1 : f < 0.85 ? 2 : 3;
            if (bk != bucket)
                continue;
            if (!open) {
                ch_report_putf(o, "<path fill=\"none\" stroke=\"%s\" stroke-opacity=\"%.2f\" "
                                  "stroke-width=\"%.2f\" d=\"", stroke, opacity, widths[bucket] * k);
                open = true;
            }
            const node *u = &n->nodes[e->u], *v = &n->nodes[e->v];
            ch_report_putf(o, "M%.*f %.*fL%.*f %.*f", n->prec, u->x, n->prec, u->y, n->prec, v->x,
                           n->prec, v->y);
        }
        if (open)
            ch_report_put(o, "\"/>");
    }
}

static void node_title(net *n, const node *v)
{
    ch_report_out *o = &n->c->out;
    ch_report_put(o, "<title>");
    if (v->clustered) {
        size_t hn = ch_pool_len(&n->handles, v->handle);
        if (hn) {
            ch_report_put(o, "@");
            ch_report_excerpt(o, ch_pool_str(&n->handles, v->handle), hn, 64);
        } else {
            ch_report_excerpt(o, ch_pool_str(&n->ids, v->id), ch_pool_len(&n->ids, v->id), 64);
        }
        ch_report_putf(o, " · score %.2f · cluster #%lld", v->score,
                       (long long)n->groups[v->group].cluster);
    } else {
        ch_report_put(o, "account ");
        ch_report_excerpt(o, ch_pool_str(&n->cids, v->id), ch_pool_len(&n->cids, v->id), 64);
        ch_report_putf(o, ", outside clusters, linked to cluster #%lld",
                       (long long)n->groups[v->group].cluster);
    }
    ch_report_put(o, "</title>");
}

typedef struct rect {
    double x0, y0, x1, y1;
} rect;

static bool overlaps(const rect *a, const rect *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Handles beside the most central dots of each cluster, where they overlap neither another
 * label nor a dot: the first place goes to every cluster's most central account, then to
 * every cluster's second, and so on, so a large cluster does not take all the labels and a
 * small one gets its hub named. Central = the largest weighted degree within the cluster
 * (the accounts the others acted with most); ties by score. The central accounts sit in the
 * dense middle of their cluster, where every place beside them covers other dots: the first
 * CENTRAL_LABELS of each cluster are written there anyway (on a halo, so they stay legible),
 * the others only where they cover no dot. A uniform grid of dots keeps each test local. */
typedef struct by_centre {
    uint32_t rank;             /* place by strength within its cluster, 0 = the most central */
    float strength, score;
    uint32_t i;
} by_centre;

static int cmp_in_cluster(const void *a, const void *b)
{
    const by_centre *x = a, *y = b;
    if (x->strength != y->strength)
        return x->strength > y->strength ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_by_centre(const void *a, const void *b)
{
    const by_centre *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return cmp_in_cluster(a, b);
}

/* Weighted degree of each member within its cluster, from the merged edges. */
static void strengths(net *n)
{
    for (size_t i = 0; i < n->nedges; i++) {
        const edge *e = &n->edges[i];
        node *u = &n->nodes[e->u], *v = &n->nodes[e->v];
        if (u->clustered && v->clustered && u->group == v->group) {
            u->strength += e->w;
            v->strength += e->w;
        }
    }
}

static void labels(net *n)
{
    ch_report_out *o = &n->c->out;
    const double cell = 24;
    const size_t gw = (size_t)(W / cell) + 2, gh = (size_t)(n->H / cell) + 2;
    size_t ncell;
    if (!ch_mul_ok(gw, gh, &ncell) || ncell > 50000000 || !n->nclustered)
        return;
    uint32_t *head = ch_calloc(ncell + 1, sizeof *head);
    uint32_t *items = ch_calloc(n->nnodes, sizeof *items);
    by_centre *byc = ch_calloc(n->nclustered, sizeof *byc);
    rect *placed = ch_calloc(MAX_LABELS, sizeof *placed);
    if (!head || !items || !byc || !placed)
        goto out;   /* labels are a nicety: without memory for them the picture has none */
    /* CSR grid: head[c]..head[c+1] are the dots whose centre is in cell c */
#define CELL(x, y) ((size_t)((y) < 0 ? 0 : (y) / cell) * gw + (size_t)((x) < 0 ? 0 : (x) / cell))
    for (size_t i = 0; i < n->nnodes; i++) {
        size_t cidx = CELL(n->nodes[i].x, n->nodes[i].y);
        head[(cidx < ncell ? cidx : ncell - 1) + 1]++;
    }
    for (size_t i = 0; i < ncell; i++)
        head[i + 1] += head[i];
    uint32_t *fill = ch_calloc(ncell, sizeof *fill);
    if (!fill)
        goto out;   /* as above */
    for (size_t i = 0; i < n->nnodes; i++) {
        size_t cidx = CELL(n->nodes[i].x, n->nodes[i].y);
        cidx = cidx < ncell ? cidx : ncell - 1;
        items[head[cidx] + fill[cidx]++] = (uint32_t)i;
    }
    ch_free(fill);
    /* the most central of each cluster first: their handles get the free places (a group's
     * members are the nodes [first, first + nmem)) */
    for (size_t i = 0; i < n->nclustered; i++)
        byc[i] = (by_centre){0, n->nodes[i].strength, n->nodes[i].score, (uint32_t)i};
    for (size_t g = 0; g < n->ngroups; g++) {
        const group *gr = &n->groups[g];
        ch_sort(byc + gr->first, gr->nmem, sizeof *byc, cmp_in_cluster);
        for (uint32_t k = 0; k < gr->nmem; k++)
            byc[gr->first + k].rank = k;
    }
    ch_sort(byc, n->nclustered, sizeof *byc, cmp_by_centre);
    size_t np = 0, tries = 0;
    bool open = false;
    for (size_t i = 0; i < n->nclustered && np < MAX_LABELS && tries < 20000; i++, tries++) {
        const node *v = &n->nodes[byc[i].i];
        size_t hn = ch_pool_len(&n->handles, v->handle);
        const char *h = ch_pool_str(&n->handles, v->handle);
        if (!hn)
            continue;
        size_t chars = ch_report_utf8_len(h, hn);
        if (chars > 18)
            chars = 19;   /* cut below with an ellipsis */
        const double w = 0.58 * LABEL_FONT * (double)(chars + 1), hh = LABEL_FONT * 0.5;
        for (int side = 0; side < 2; side++) {
            rect r = side == 0 ? (rect){v->x + v->r + 2, v->y - hh, v->x + v->r + 2 + w, v->y + hh}
                               : (rect){v->x - v->r - 2 - w, v->y - hh, v->x - v->r - 2, v->y + hh};
            if (r.x0 < 1 || r.x1 > W - 1 || r.y0 < 1 || r.y1 > n->H - 1)
                continue;
            bool clash = false;
            for (size_t k = 0; k < np && !clash; k++)
                clash = overlaps(&r, &placed[k]);
            /* dots whose centre lies within one cell of the rectangle */
            const bool over_dots = byc[i].rank < CENTRAL_LABELS;
            for (double cy = r.y0 - cell; cy <= r.y1 + cell && !clash && !over_dots; cy += cell)
                for (double cx = r.x0 - cell; cx <= r.x1 + cell && !clash; cx += cell) {
                    if (cx < 0 || cy < 0)
                        continue;
                    size_t cidx = CELL(cx, cy);
                    if (cidx >= ncell)
                        continue;
                    for (uint32_t t = head[cidx]; t < head[cidx + 1] && !clash; t++) {
                        const node *u = &n->nodes[items[t]];
                        if (u == v)
                            continue;
                        rect ur = {u->x - u->r, u->y - u->r, u->x + u->r, u->y + u->r};
                        clash = overlaps(&r, &ur);
                    }
                }
            if (clash)
                continue;
            placed[np++] = r;
            if (!open) {
                ch_report_putf(o, "<g font-size=\"%.0f\" fill=\"#1d2330\" stroke=\"#fcfcfd\" "
                                  "stroke-width=\"3\" stroke-linejoin=\"round\" "
                                  "paint-order=\"stroke\">", LABEL_FONT);
                open = true;
            }
            ch_report_putf(o, "<text class=\"lab\" data-cluster=\"%lld\" x=\"%.1f\" y=\"%.1f\"%s>@",
                           (long long)n->groups[v->group].cluster, side == 0 ? r.x0 : r.x1,
                           v->y + hh * 0.7, side == 0 ? "" : " text-anchor=\"end\"");
            if (ch_report_utf8_len(h, hn) > 18) {
                size_t cut = 0, nc = 0;
                for (; cut < hn; cut++)
                    if (((unsigned char)h[cut] & 0xc0) != 0x80 && ++nc > 18)
                        break;
                ch_report_excerpt(o, h, hn, cut);
            } else {
                ch_report_text(o, h, hn);
            }
            ch_report_put(o, "</text>");
            break;
        }
    }
#undef CELL
    if (open)
        ch_report_put(o, "</g>");
out:
    ch_free(head), ch_free(items), ch_free(byc), ch_free(placed);
}

static void draw(net *n, const size_t *ge)
{
    ch_report_ctx *c = n->c;
    ch_report_out *o = &c->out;
    char a[32], b[32];
    ch_report_putf(o, "<figure class=\"fig\"><svg class=\"net\" viewBox=\"0 0 %.0f %.0f\" "
                      "role=\"img\" aria-label=\"network of coordinated accounts\" "
                      "fill=\"#5b6474\" data-nodes=\"%zu\" data-clustered=\"%llu\">",
                   W, n->H, n->nclustered, (unsigned long long)c->n_clustered);
    double wmax = 0;
    for (size_t i = 0; i < n->nedges; i++)
        wmax = n->edges[i].w > wmax ? n->edges[i].w : wmax;
    /* links between clusters, under everything */
    if (n->nedges)
        edge_paths(n, n->edges + ge[n->ngroups], ge[n->ngroups + 1] - ge[n->ngroups], wmax,
                   "#8a93a1", 0.35);
    /* within a group: edges to partners grey; edges between members in the colour of the
     * pair's strongest behaviour (one set of paths per behaviour for the whole picture) */
    edge *sorted = ch_calloc(n->nedges ? n->nedges : 1, sizeof *sorted);
    size_t nsorted = 0, nb[N_BEHAVIOURS + 1] = {0};
    for (size_t g = 0; g < n->ngroups; g++)
        for (size_t i = ge[g]; i < ge[g + 1]; i++) {
            const edge *e = &n->edges[i];
            const bool member = n->nodes[e->u].clustered && n->nodes[e->v].clustered;
            nb[member ? e->beh : N_BEHAVIOURS]++;
        }
    if (sorted) {
        size_t at[N_BEHAVIOURS + 1], sum = 0;
        for (size_t bi = 0; bi <= N_BEHAVIOURS; bi++)
            at[bi] = sum, sum += nb[bi];
        for (size_t g = 0; g < n->ngroups; g++)
            for (size_t i = ge[g]; i < ge[g + 1]; i++) {
                const edge *e = &n->edges[i];
                const bool member = n->nodes[e->u].clustered && n->nodes[e->v].clustered;
                sorted[at[member ? e->beh : N_BEHAVIOURS]++] = *e;
            }
        nsorted = sum;
        edge_paths(n, sorted + nsorted - nb[N_BEHAVIOURS], nb[N_BEHAVIOURS], wmax, "#a7afbb", 0.5);
        size_t off = 0;
        for (size_t bi = 0; bi < N_BEHAVIOURS; bi++) {
            edge_paths(n, sorted + off, nb[bi], wmax, BEHAVIOURS[bi].colour, 0.6);
            off += nb[bi];
        }
    }
    /* without memory for the sort the picture has no lines inside clusters: the dots,
     * their colours and the legend still tell the clusters apart */
    ch_free(sorted);
    const bool titles_all = n->nnodes <= TITLES_ALWAYS;
    bool open = false;
    for (size_t i = n->nclustered; i < n->nnodes; i++) {
        const node *v = &n->nodes[i];
        if (!open)
            ch_report_put(o, "<g fill=\"#c5cbd3\" stroke=\"#fff\" stroke-width=\".8\">");
        open = true;
        ch_report_putf(o, "<circle class=\"nbr\" cx=\"%.*f\" cy=\"%.*f\" r=\"%.1f\">", n->prec,
                       v->x, n->prec, v->y, v->r);
        if (titles_all || n->groups[v->group].detailed)
            node_title(n, v);
        ch_report_put(o, "</circle>");
    }
    if (open)
        ch_report_put(o, "</g>");
    ch_report_putf(o, "<g stroke=\"#fff\" stroke-width=\"%.2f\">", n->k < 0.5 ? 0.3 : 1.0);
    for (size_t g = 0; g < n->ngroups; g++) {
        const group *gr = &n->groups[g];
        if (gr->detailed)
            ch_report_putf(o, "<a href=\"#c%lld\">", (long long)gr->cluster);
        ch_report_putf(o, "<g fill=\"%s\" data-cluster=\"%lld\">", gr->colour,
                       (long long)gr->cluster);
        for (uint32_t i = gr->first; i < gr->first + gr->nmem; i++) {
            const node *v = &n->nodes[i];
            ch_report_putf(o, "<circle class=\"node\" cx=\"%.*f\" cy=\"%.*f\" r=\"%.1f\"", n->prec,
                           v->x, n->prec, v->y, v->r);
            if (titles_all || gr->detailed) {
                ch_report_put(o, ">");
                node_title(n, v);
                ch_report_put(o, "</circle>");
            } else {
                ch_report_put(o, "/>");
            }
        }
        ch_report_put(o, "</g>");
        if (gr->detailed)
            ch_report_put(o, "</a>");
    }
    ch_report_put(o, "</g>");
    /* cluster names above their discs, when there is room for them */
    if (n->ngroups <= 400) {
        ch_report_put(o, "<g font-size=\"11\" font-weight=\"600\" text-anchor=\"middle\">");
        for (size_t g = 0; g < n->ngroups; g++) {
            const group *gr = &n->groups[g];
            ch_report_putf(o, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">#%lld</text>", gr->cx,
                           gr->cy - gr->R - 9 * n->k - 5,
                           gr->colour, (long long)gr->cluster);
        }
        ch_report_put(o, "</g>");
    }
    labels(n);
    ch_report_put(o, "</svg><figcaption class=\"cap\">");
    ch_report_putf(o, "Each dot is one of the %s accounts in a cluster; colour = cluster, size "
                      "= score. Lines join pairs of accounts that acted together, thicker for "
                      "stronger links, coloured by the behaviour that weighs most in the pair "
                      "(legend below); the most central accounts of each cluster (the most and "
                      "strongest links within it) are labelled. ",
                   ch_report_num(n->nclustered, a));
    if (n->nnodes > n->nclustered)
        ch_report_put(o, "Small grey dots are the accounts outside any cluster most strongly "
                         "linked to one. ");
    ch_report_put(o, "Hover over a dot for its handle; click a cluster to open its section.");
    if (n->nclustered < c->n_clustered)
        ch_report_putf(o, " <b>Only the %s strongest clusters are drawn</b>: %s accounts of "
                          "smaller clusters are left out to keep this page light.",
                       ch_report_num(n->ngroups, a), ch_report_num(c->n_clustered - n->nclustered, b));
    if (n->edges_cut)
        ch_report_put(o, " Only the first two million co-action rows were read for the lines.");
    ch_report_put(o, "</figcaption></figure>");
}

void ch_svg_network(ch_report_ctx *c)
{
    net n;
    memset(&n, 0, sizeof n);
    n.c = c;
    size_t *ge = NULL;
    char a[32], b[32];
    ch_report_out *o = &c->out;
    ch_report_putf(o, "<section id=\"network\"><h2>The network</h2><p>Who acts with whom: %s "
                      "accounts in %s clusters.</p>",
                   ch_report_num(c->n_clustered, a), ch_report_num(c->n_clusters, b));
    if (c->n_clustered == 0) {
        ch_report_put(o, "<svg class=\"net\" viewBox=\"0 0 1000 60\" fill=\"#5b6474\" "
                         "data-nodes=\"0\" data-clustered=\"0\"><text x=\"500\" y=\"35\" "
                         "text-anchor=\"middle\" font-size=\"14\">No account is in a cluster: "
                         "there is no network to draw.</text></svg></section>\n");
        return;
    }
    /* a pool whose init failed must not be freed (ch_pool_init frees its parts but leaves
     * the pointers behind), so each is marked once it is up */
    const bool have_ids = ch_pool_init(&n.ids) == CHORUS_OK;
    const bool have_handles = have_ids && ch_pool_init(&n.handles) == CHORUS_OK;
    const bool have_cids = have_handles && ch_pool_init(&n.cids) == CHORUS_OK;
    if (!have_cids) {
        oom(&n);
        goto out;
    }
    if (load_nodes(&n) || load_edges(&n) || choose_partners(&n))
        goto out;
    n.nedges = merge_edges(n.edges, n.nedges);
    strengths(&n);
    if (bucket_edges(&n, &ge) || layout_groups(&n, ge) || pack(&n))
        goto out;
    draw(&n, ge);
    if (n.nedges) {
        /* the behaviours drawn, with their colours */
        bool seen[N_BEHAVIOURS] = {false};
        for (size_t i = 0; i < n.nedges; i++)
            if (n.nodes[n.edges[i].u].clustered && n.nodes[n.edges[i].v].clustered)
                seen[n.edges[i].beh] = true;
        ch_report_put(o, "<div class=\"legend\" id=\"edge-legend\"><span class=\"muted\">lines:"
                         "</span>");
        for (size_t bi = 0; bi < N_BEHAVIOURS; bi++)
            if (seen[bi])
                ch_report_putf(o, "<span><span class=\"bl\" style=\"background:%s\"></span>%s"
                                  "</span>", BEHAVIOURS[bi].colour, BEHAVIOURS[bi].words);
        ch_report_put(o, "<span><span class=\"bl\" style=\"background:#a7afbb\"></span>to an "
                         "account outside clusters</span></div>");
    }
    if (n.ngroups) {
        ch_report_put(o, "<div class=\"legend\">");
        for (size_t g = 0; g < n.ngroups && g < 12; g++)
            ch_report_putf(o, "<span><span class=\"sw\" style=\"background:%s\"></span>cluster "
                              "#%lld (%u)</span>", n.groups[g].colour,
                           (long long)n.groups[g].cluster, n.groups[g].nmem);
        if (n.ngroups > 12)
            ch_report_putf(o, "<span class=\"muted\">and %s more</span>",
                           ch_report_num(n.ngroups - 12, a));
        ch_report_put(o, "</div>");
    }
    ch_report_put(o, "</section>\n");
    if (c->info)
        c->info->nodes = n.nclustered;
out:
    ch_free(ge);
    ch_free(n.order);
    ch_free(n.nodes);
    ch_free(n.groups);
    ch_free(n.edges);
    ch_free(n.cedges);
    ch_free(n.cands);
    if (have_ids)
        ch_pool_free(&n.ids);
    if (have_handles)
        ch_pool_free(&n.handles);
    if (have_cids)
        ch_pool_free(&n.cids);
}
