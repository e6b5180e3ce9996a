/*
 * network.h — the coordination network: the co-action stage's screened edges become a weighted
 * account graph (per behaviour and combined), igraph finds its communities, and a cluster-level
 * test keeps the communities that look like coordinated networks (docs/network.md has the
 * reasoning and the measurements behind every default).
 *
 * Definitions:
 *   - Edge strength of one behaviour: s_b = min(-log10 p_b, CH_NETWORK_MAX_LOGP), the evidence
 *     of the co-action test (p from coact's null model, which already accounts for both
 *     accounts' activity and the objects' popularity). A p-value that underflowed to 0 counts
 *     as the cap.
 *   - Combined weight of a pair: w = sum over behaviours of s_b. Independent behaviours add
 *     evidence the way independent tests multiply p-values, so a pair that is only weakly
 *     unusual in several behaviours can outweigh one strong behaviour. Pairs with
 *     w < W stay out of the graph. W is opts.min_weight, or by default chosen so that the
 *     expected number of chance edges among the N(N-1)/2 account pairs, pairs x 10^-W, is at
 *     most opts.chance_edges (and W >= 3): the co-action stage may hand over pairs screened
 *     liberally (so that weak evidence in several behaviours can add up), and the number of
 *     chance pairs grows with the square of the accounts. Edges that passed the co-action
 *     stage's own multiple-testing correction are far above W.
 *   - Institutional accounts (verified, or at least opts.institutional_followers followers;
 *     CH_INST_METADATA) keep their edges and take part in the community detection, so that
 *     accounts acting with them are grouped with them, but are then removed from their
 *     communities and never join a cluster: newsrooms syndicating headlines and official
 *     accounts reposting each other co-act authentically; the target is coordinated
 *     *inauthentic* behaviour. With opts.associates, an account whose strongest partner (an
 *     edge >= W) is institutional is treated the same (CH_INST_ASSOCIATE).
 *   - Communities: Louvain (igraph_community_multilevel) on the combined graph at
 *     opts.resolution, with igraph's random number generator (a PCG32, see below) seeded with
 *     opts.seed, so results are reproducible. Louvain never joins two connected
 *     components, so unrelated campaigns stay apart.
 *   - Pruning: inside each community, members with internal edges to fewer than
 *     opts.min_member_degree others that remain are removed, repeatedly (the k-core of the
 *     community): Louvain places every account somewhere, including an ordinary account whose
 *     one chance edge touches a campaign member.
 *   - Cluster: a pruned community of >= opts.min_size accounts that passes, in order:
 *       surprise    with k members and m internal edges, P(Binomial(k(k-1)/2, p0) >= m) times
 *                   the number of k-subsets of the corpus' N accounts, C(N, k), is at most
 *                   opts.alpha / N. p0, the chance that two independent accounts become an
 *                   edge, is the smallest of three upper bounds: (behaviours with edges) x
 *                   (largest p-value among the edges); the chance that that many -log10 p of
 *                   uniform p-values sum to W; the observed edge density over all account
 *                   pairs. The union bound over every k-subset (and every k) makes the test
 *                   valid however the community was found. Or, for some j in 1 .. 15, its
 *                   internal edges of weight >= W + j pass the same count at that threshold's
 *                   chance rate, at level opts.alpha / (k(k-1) 15): strong small cells
 *                   (network_int.h, ch_network_surprise; overall level 2 opts.alpha);
 *       objects     >= opts.min_objects units — an object on one occasion (ch_shared's
 *                   occasion) — each shared (in the evidence of internal edges; objects as
 *                   co-action named them, ch_object) by >= opts.min_object_members members
 *                   (two in a cluster of three):
 *                   a campaign pushes many items, or one tag burst after burst, through many
 *                   of its accounts, while a crowd that beat the edge test around one viral
 *                   post shares its other objects by pairs only;
 *       density     internal edges / possible pairs >= opts.min_density;
 *       strength    mean internal combined weight >= opts.min_mean_weight.
 *   - Cluster score in [0, 1]: sqrt(density) * (1 - exp(-mean weight / 5))
 *                              * (1 - exp(-objects shared by >= min_object_members / 3)).
 *   - Attachment (after the test, opts.attach_alpha > 0): an account outside every cluster
 *     with d screened edges (any weight) to the k members of cluster C joins C when
 *     P(Binomial(k, q) >= d) x N x (clusters) <= attach_alpha and d >= min_member_degree, q
 *     the share of account pairs joined by any screened edge; the smallest p wins; accounts
 *     Louvain grouped with institutional accounts are not attached; one pass. Members who
 *     joined few of a campaign's actions have weak edges, but to many members.
 *   - What a results store keeps: coact_kept marks the co-action edges of the pairs that are
 *     graph edges (w >= W) or attached an account.
 *
 * Order: clusters are sorted by descending score, then smallest member; the cluster id is the
 * index in that order. Members are sorted ascending. Everything is a deterministic function of
 * the inputs and opts.seed.
 *
 * Cost: O(E log E) to merge the per-behaviour edges (E = coact edges) plus Louvain, about
 * O(E') per pass on the E' combined edges; pruning, the cluster test and the attachment are
 * O(E') plus sorting (each cluster's evidence, O(S log S) for S evidence rows; the edges leaving
 * clusters). Memory: one ch_network_edge (about 100 bytes) per combined edge, a few words per
 * account, one byte per co-action edge, plus igraph's copy of the graph. Measured: 2-17 ms for
 * 50,000 to 1M generated posts.
 *
 * igraph: through core/igraph_env.h. At the library's first igraph call its error handler
 * becomes igraph_error_handler_ignore and its warnings are silenced, once (never swapped per
 * call), so igraph never aborts or prints; its errors come back as CHORUS_EUSAGE (invalid
 * value) or CHORUS_EINTERNAL. Louvain runs under the library's igraph lock, with igraph's
 * default RNG (chorus's PCG32) seeded with opts.seed inside it: ch_network_build may run on
 * several threads at once and gives the same result. A host program that uses igraph itself
 * must not call it while ch_network_build runs (igraph's state is process-wide). igraph
 * allocates with its own allocator, outside ch_malloc's failure injection.
 *
 * Ownership: a ch_network belongs to the caller (ch_network_free); it keeps no pointer into the
 * corpus or the co-action result, but cluster evidence indexes the co-action result's `shared`
 * array, which must outlive any use of that evidence.
 */
#ifndef CH_NETWORK_H
#define CH_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "core/vocab.h"   /* ch_behaviour, CH_NONE */
#include "detect/coact/coact.h"

#define CH_NETWORK_MAX_LOGP 50.0   /* cap on -log10 p per behaviour */
#define CH_NETWORK_MIN_WEIGHT 3.0  /* floor of the automatic combined-weight threshold */

/* The cluster tests, in the order they are applied. */
typedef enum ch_network_test {
    CH_NT_SIZE = 0,          /* fewer than min_size members left after pruning */
    CH_NT_SURPRISE,
    CH_NT_OBJECTS,
    CH_NT_DENSITY,
    CH_NT_STRENGTH,
    CH_NETWORK_N_TESTS
} ch_network_test;

typedef struct ch_network_opts {
    double resolution;       /* Louvain resolution (default 1.0); igraph rejects < 0 */
    uint64_t seed;           /* igraph RNG seed (default 20240601) */
    double max_pvalue;       /* behaviour edges with a larger p are ignored (default 1: all) */
    double min_weight;       /* combined weight a pair needs to enter the graph; < 0 = auto
                                (default): log10(N(N-1)/2 / chance_edges), at least
                                CH_NETWORK_MIN_WEIGHT, for N corpus accounts */
    double chance_edges;     /* for the automatic min_weight (default 1e4) */
    int64_t institutional_followers; /* see above (default 10000; 0: only verified accounts) */
    uint32_t min_member_degree;      /* pruning (default 2) */
    uint32_t min_size;       /* smallest cluster (default 3) */
    double alpha;            /* surprise test level (default 1e-3) */
    uint32_t min_objects;    /* objects test (default 3) */
    uint32_t min_object_members; /* members an object needs to count for min_objects (default 3) */
    double min_density;      /* density test (default 0.1) */
    double min_mean_weight;  /* strength test (default 3.0, i.e. p <= 1e-3 on average) */
    double attach_alpha;     /* level of the attachment test (default 1e-3; 0 = no attaching) */
    bool associates;         /* associates of institutional accounts stay out of clusters
                                (default true) */
} ch_network_opts;

void ch_network_opts_default(ch_network_opts *o);

/* One account pair of the combined graph. */
typedef struct ch_network_edge {
    uint32_t a, b;                       /* account indices, a < b */
    uint32_t behaviours;                 /* bit (1u << b) per behaviour with a significant edge */
    double weight;                       /* combined weight: sum of s_b */
    double s[CH_B__COUNT];               /* per-behaviour strength s_b (0 = no edge) */
    uint32_t n_objects[CH_B__COUNT];     /* per-behaviour shared objects (from ch_edge) */
    uint8_t used;                        /* CH_NE_* bits: what the network did with the pair */
    uint32_t long_looks;                 /* bit (1u << b): behaviour b's p-value came from the
                                            co-action stage's long look */
} ch_network_edge;

#define CH_INST_METADATA 1   /* institutional by its profile (verified, followers) */
#define CH_INST_ASSOCIATE 2  /* its strongest partner is institutional (see above) */

#define CH_NE_GRAPH 1u    /* weight >= W: an edge of the graph */
#define CH_NE_ATTACH 2u   /* one of the edges that attached an account to a cluster */

typedef struct ch_cluster {
    uint32_t *members;       /* account indices, ascending */
    uint32_t n_members;
    uint32_t behaviours;     /* bit (1u << b) per behaviour of some internal edge */
    uint32_t long_looks;     /* bit (1u << b): an internal edge of behaviour b came from the
                                co-action stage's long look */
    double score;            /* 0..1: the structural score above when built; after
                                ch_network_rescore (`chorus scan` does it), the score given */
    double strength;         /* 0..1: the structural score above (the account scores' input) */
    double density;          /* internal edges / possible pairs */
    double mean_weight;      /* mean combined weight of internal edges */
    double log10_p;          /* log10 of the surprise test's p-value (the better of its two
                                counts, rescaled to the level opts.alpha) */
    double rarity;           /* mean rarity weight ln(1 + N / actors) of the shared objects */
    uint32_t n_edges;        /* internal combined edges */
    uint32_t n_objects;      /* distinct shared objects in the evidence, all behaviours */
    uint32_t n_core_objects; /* units (an object on one occasion) shared by >= min_object_members
                                members (the objects test) */
    uint32_t n_pruned;       /* community members removed by pruning */
    uint32_t n_attached;     /* members that joined by the attachment test (see above) */
    uint32_t objects_by[CH_B__COUNT]; /* distinct objects per behaviour: the larger of the count
                                          in the evidence and the largest n_objects of one edge
                                          (evidence keeps a few objects per edge only) */
    int64_t first_seen, last_seen;    /* span of the evidence posts' times */
    uint32_t *evidence;      /* indices into the co-action result's shared[] of internal edges,
                                ascending */
    uint32_t n_evidence;
    char *summary;           /* one line, e.g. "14 accounts; co-repost of 23 posts within 60 seconds,
                                co-statement on 3 statements" */
} ch_cluster;

typedef struct ch_network {
    size_t n_accounts;
    ch_network_edge *edges;  /* combined edges sorted by (a, b) */
    size_t n_edges;
    uint32_t *community_of_account; /* Louvain community of each account in the graph; CH_NONE
                                       for accounts without an edge >= W (ids numbered by
                                       smallest account, stable) */
    uint32_t n_communities;
    ch_cluster *clusters;    /* sorted: descending score, then smallest member */
    size_t n_clusters;
    uint32_t *cluster_of_account;   /* cluster id (index into clusters) or CH_NONE */
    uint8_t *institutional;  /* per account: CH_INST_METADATA, CH_INST_ASSOCIATE or 0 */
    uint8_t *coact_kept;     /* per co-action edge (co->edges[i]): 1 when its pair is used
                                (CH_NE_GRAPH or CH_NE_ATTACH): what a results store keeps */
    size_t n_coact, n_coact_kept;   /* co->n_edges, and how many are kept */
    double null_edge_p;      /* p0 of the surprise test */
    double min_weight;       /* W used */
    int64_t windows[CH_B__COUNT];   /* co-action window per behaviour (short look), for
                                       summaries */
    int64_t windows_long[CH_B__COUNT]; /* long look per behaviour, 0 when none */
    uint32_t communities_tested;    /* communities with >= min_size accounts after pruning */
    uint32_t rejected[CH_NETWORK_N_TESTS]; /* communities failing each test (the first failing
                                              test counts), in the order of ch_network_test */
} ch_network;

/*
 * Builds the network from co's significant edges. c supplies the number of accounts and the
 * posts behind the evidence; o may be NULL (defaults). Returns CHORUS_OK, CHORUS_EUSAGE (an
 * option out of range, an edge or evidence row naming an account, post, edge or behaviour out
 * of range, or igraph rejecting a parameter), CHORUS_ELIMIT (2^32 accounts or edges),
 * CHORUS_ENOMEM, or CHORUS_EINTERNAL (another igraph error). *out
 * belongs to the caller (ch_network_free); on error *out is NULL. No edges give a network
 * without clusters.
 */
int ch_network_build(const ch_corpus *c, const ch_coact_result *co, const ch_network_opts *o,
                     ch_network **out);
void ch_network_free(ch_network *n);   /* harmless on NULL */

/*
 * The network of compatibility mode `compat` (co from ch_coact_run with opts.compat set;
 * network_compat.c): every co-action edge is a graph edge (kept), a pair's weight is the sum
 * of its behaviours' edge weights, and the clusters are the connected components of two or
 * more accounts, largest first, each scored by its edge density; nothing is institutional.
 * Returns as ch_network_build.
 */
int ch_network_build_compat(const ch_corpus *c, const ch_coact_result *co, int compat,
                            ch_network **out);

/*
 * Replaces the cluster scores by score[k] (each in [0, 1]; chorus scan passes the mean of the
 * members' calibrated account scores, docs/scoring.md) and re-sorts the clusters in the order
 * above (descending score, then smallest member), renumbering cluster_of_account; new_id[k]
 * receives old cluster k's new id. strength keeps the structural score. Returns CHORUS_OK,
 * CHORUS_EUSAGE (a NULL argument with clusters, a score outside [0, 1]) or CHORUS_ENOMEM
 * (nothing changed then). Cost: O(C log C + members) for C clusters.
 */
int ch_network_rescore(ch_network *n, const double *score, uint32_t *new_id);

/* Whether an account counts as institutional under o (see above). */
bool ch_network_institutional(const ch_account *a, const ch_network_opts *o);

/* Noun for a behaviour's objects in summaries: "posts", "URLs", "hashtags", ... */
const char *ch_network_object_noun(ch_behaviour b);

#endif
