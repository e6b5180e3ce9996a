/*
 * network_int.h — internals of the network stage shared by network.c (the build: merging
 * edges, the graph, communities, pruning, evidence), network_clusters.c (the cluster test,
 * cluster records, summaries, attachment) and network_louvain.c (igraph). Not part of any
 * public interface; see network.h for the contract.
 *
 * ch_network_build runs its phases over one scratch struct (ch_netbuild): each phase reads
 * what the earlier ones left there and adds its own arrays; everything in it but the result
 * is freed in one place (netbuild_free in network.c), whatever phase failed.
 */
#ifndef CH_NETWORK_INT_H
#define CH_NETWORK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/network/network.h"

/* Steps of the surprise test's edge-strength thresholds: W, W + 1, ... W + CH_NET_STEPS - 1
 * (combined weight, -log10 p units). */
#define CH_NET_STEPS 16

/* A Louvain community while it is examined. */
typedef struct ch_netcomm {
    uint32_t first, n0;      /* members before pruning: vmembers[first .. first + n0) */
    uint32_t n;              /* members left after pruning */
    uint32_t n_edges;        /* internal edges between members left */
    double wsum;             /* their combined weight */
    uint32_t n_strong[CH_NET_STEPS]; /* internal edges with weight >= W + j (j = 0: all) */
    double obs, idf;         /* sum of n_objects and of rarity weights over internal behaviour
                                edges */
    uint32_t behaviours;
    uint32_t long_looks;     /* behaviours with an internal edge from the long look */
    uint32_t maxobj[CH_B__COUNT];
    uint32_t ev_first, n_ev; /* evidence: cev[ev_first .. ev_first + n_ev) */
} ch_netcomm;

/* Outcome of the cluster test for one community. */
typedef struct ch_nettest {
    double density, meanw, log10_p, score;
    uint32_t distinct, core, by[CH_B__COUNT];
    bool pass;
} ch_nettest;

/* The scratch of one ch_network_build. Arrays indexed by vertex have nv entries, by graph
 * edge ne, by combined edge n->n_edges, by co-action edge co->n_edges, by account na. */
typedef struct ch_netbuild {
    const ch_corpus *c;
    const ch_coact_result *co;
    const ch_network_opts *o;
    ch_network *n;           /* the result being built (returned on success) */
    size_t na;               /* accounts */
    uint32_t *co_to_net;     /* per co-action edge: its combined edge, or CH_NONE */
    double minw;             /* W */
    double p0_at[CH_NET_STEPS]; /* chance that two independent accounts become an edge of
                                   weight >= W + j (p0_at[0] = n->null_edge_p) */
    /* the graph: combined edges with weight >= W, on the accounts they join */
    uint32_t *ge;            /* per graph edge: its combined edge */
    size_t ne;
    uint32_t *vid;           /* per account: its vertex, or CH_NONE */
    uint32_t *vacct;         /* per vertex: its account */
    size_t nv;
    uint32_t *va, *vb;       /* per graph edge: its vertices */
    double *w;               /* per graph edge: its (positive) weight */
    /* communities */
    uint32_t *memb;          /* per vertex: its community (numbered by smallest vertex) */
    uint32_t ncomm;
    ch_netcomm *cm;          /* per community */
    uint32_t *vmembers;      /* vertices grouped by community (see ch_netcomm.first) */
    uint32_t *adj_off, *adj; /* internal adjacency (CSR) among non-institutional members */
    uint32_t *deg;           /* per vertex: internal degree left while pruning */
    uint8_t *alive;          /* per vertex: still a member after pruning */
    uint32_t *queue;         /* pruning queue */
    uint32_t *net_comm;      /* per combined edge: its community when both ends stay in it */
    uint32_t *cev;           /* evidence rows (co->shared indices) grouped by community */
    ch_nettest *test;        /* per community: the cluster test */
} ch_netbuild;

/* p0_at[j], the chance that two accounts acting independently become an edge of combined
 * weight >= W + j, for the surprise test: p0_at[0] = n->null_edge_p; above W, the smallest of
 * p0_at[0], the Gamma tail of nb behaviours' -log10 p reaching W + j, and the observed share
 * of account pairs (na accounts) joined by a non-institutional graph edge (ge[0 .. ne)) that
 * strong, plus 3 edges (so that few or no observed edges never give a bound of 0). */
void ch_network_strength_null(const ch_network *n, const uint32_t *ge, size_t ne, double minw,
                              int nb, size_t na, double p0_at[CH_NET_STEPS]);

/* The surprise of k accounts (of na) joined by n_strong[j] internal edges of weight >= W + j,
 * as a log10 p-value to compare with log10(alpha). Half of alpha goes to the count at W,
 * P(Binomial(k(k-1)/2, p0_at[0]) >= n_strong[0]) C(na, k) at level alpha / (2 na) (an even
 * share for every size); the other half to the counts of stronger edges, j = 1 ..
 * CH_NET_STEPS - 1, at level alpha / (2 k (k - 1) (CH_NET_STEPS - 1)) (the sizes' shares add
 * up to 1 over k >= 2: small cells get a larger share than the even one). The smallest
 * p-value, rescaled to the level alpha, is returned. */
double ch_network_surprise(uint32_t k, const uint32_t n_strong[CH_NET_STEPS],
                           const double p0_at[CH_NET_STEPS], size_t na, double alpha);

/* The cluster test (network.h) on every community of >= min_size members left: fills
 * b->test and the rejection counters. Returns 0 or CHORUS_ENOMEM. */
int ch_network_test_communities(ch_netbuild *b);
/* Cluster records of the communities that passed, attachment, time spans, summaries and the
 * final order; then cluster_of_account and coact_kept. Returns 0 or CHORUS_ENOMEM. */
int ch_network_make_clusters(ch_netbuild *b);

/* Communities of nv vertices joined by the ne edges (va[i], vb[i]) of weight w[i] (igraph's
 * Louvain at `resolution`, its RNG seeded with `seed`); memb[v] receives the community of v
 * (igraph's numbering). Returns 0 or the igraph error as a chorus_err (core/igraph_env.h). */
int ch_network_louvain(size_t nv, size_t ne, const uint32_t *va, const uint32_t *vb,
                       const double *w, double resolution, uint64_t seed, uint32_t *memb);

#endif
