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

/* A Louvain community while it is examined. */
typedef struct ch_netcomm {
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
