/* network_louvain.c — communities of the account graph with igraph's Louvain
 * (igraph_community_multilevel), run under the library's igraph lock with its seeded RNG
 * (core/igraph_env.h), so the result is a function of the graph and the seed. */
#include "detect/network/network_int.h"

#include <igraph.h>
#include <stdbool.h>

#include "core/igraph_env.h"

int ch_network_louvain(size_t nv, size_t ne, const uint32_t *va, const uint32_t *vb,
                       const double *w, double resolution, uint64_t seed, uint32_t *memb)
{
    igraph_t g;
    igraph_vector_int_t edges, membership;
    igraph_vector_t weights;
    bool have_g = false, have_e = false, have_m = false, have_w = false;
    igraph_error_t ie;

    int rc = ch_igraph_enter(seed);
    if (rc)
        return rc;
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
    ch_igraph_leave();
    return ch_igraph_rc(ie);
}
