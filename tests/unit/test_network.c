/* test_network.c — the coordination network on hand-built co-action edges: a tight group of 8
 * forms the one cluster while a star of weak edges and isolated pairs do not; determinism;
 * igraph errors come back as codes (never an abort; handlers set once, not swapped per call);
 * concurrent builds and a host's own default RNG change nothing;
 * allocation failures; empty and invalid input; pruning, institutional accounts and their
 * associates; the attachment test; the edges a results store keeps; the long look's window
 * in summaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <igraph.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/network/network.h"
#include "detect/network/network_int.h"

#define T0 INT64_C(1600000000)
#define NACC 30
#define NOBJ 6

/* Accounts "u0".."u29". Originals: O0..O5 (campaign items) and V0, V1 (viral posts) by "src".
 * rp[a][o] = corpus index of account a's repost of original o (campaign: a < 8, o < 6; the
 * star and the pairs repost V0 and V1 as o = 6, 7). */
typedef struct fixture {
    ch_corpus *c;
    uint32_t rp[NACC][NOBJ + 2];
    ch_coact_result co;
    ch_edge edges[128];
    ch_shared shared[512];
    ch_object objects[NOBJ + 2];   /* the originals, as co-action names them */
} fixture;

static void add_post(ch_corpus *c, const char *id, const char *author, int64_t t, ch_kind kind,
                     const char *ref, const char *ref_author)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){id, strlen(id)};
    r.author_id = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.kind = kind;
    r.text = (ch_slice){"text", 4};
    if (ref) {
        r.ref_id = (ch_slice){ref, strlen(ref)};
        r.ref_author_id = (ch_slice){ref_author, strlen(ref_author)};
    }
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static uint32_t acct(const fixture *f, int i)
{
    char id[16];
    snprintf(id, sizeof id, "u%d", i);
    size_t a = ch_corpus_find_account(f->c, 0, id, strlen(id));
    assert_true(a != SIZE_MAX);
    return (uint32_t)a;
}

static void add_edge(fixture *f, int i, int j, double p, uint32_t nobj, const int *objs, int nev)
{
    uint32_t a = acct(f, i), b = acct(f, j);
    int ia = i, ib = j;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
        ia = j;
        ib = i;
    }
    const size_t e = f->co.n_edges++;
    f->edges[e] = (ch_edge){.a = a, .b = b, .behaviour = CH_B_REPOST, .n_objects = nobj,
                            .n_events = nobj, .weight = nobj * 2.0, .expected = 0.05,
                            .pvalue = p};
    for (int k = 0; k < nev; k++)
        f->shared[f->co.n_shared++] =
            (ch_shared){(uint32_t)e, f->rp[ia][objs[k]], f->rp[ib][objs[k]], (uint32_t)objs[k], 0};
}

static int cmp_edge(const void *x, const void *y)
{
    const ch_edge *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* Builds the corpus and the edges: clique of u0..u7 (strong), star u10 - u11..u20 (weak),
 * pairs (u21,u22), (u23,u24), (u25,u26). */
static void build(fixture *f)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(chorus_corpus_new(&f->c), CHORUS_OK);
    char id[32], au[16], ref[16];
    for (int o = 0; o < NOBJ + 2; o++) {
        snprintf(id, sizeof id, "orig%d", o);
        add_post(f->c, id, "src", T0 + o * 3600, CH_KIND_POST, NULL, NULL);
    }
    for (int a = 0; a < NACC; a++) {
        snprintf(au, sizeof au, "u%d", a);
        /* every account posts something of its own first, so account order != u-number */
        snprintf(id, sizeof id, "own%d", a);
        add_post(f->c, id, au, T0 - 1000 + (NACC - a), CH_KIND_POST, NULL, NULL);
    }
    for (int a = 0; a < NACC; a++) {
        snprintf(au, sizeof au, "u%d", a);
        for (int o = 0; o < NOBJ + 2; o++) {
            if (a < 8 ? o >= NOBJ : o < NOBJ)
                continue;
            snprintf(id, sizeof id, "rp%d_%d", a, o);
            snprintf(ref, sizeof ref, "orig%d", o);
            add_post(f->c, id, au, T0 + o * 3600 + 10 + a, CH_KIND_REPOST, ref, "src");
            f->rp[a][o] = (uint32_t)(ch_corpus_nposts(f->c) - 1);
        }
    }
    const int camp[5] = {0, 1, 2, 3, 4}, viral[2] = {6, 7};
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            add_edge(f, i, j, 1e-12, NOBJ, camp, 5);
    for (int j = 11; j <= 20; j++)
        add_edge(f, 10, j, 1e-4, 2, viral, 2);
    for (int i = 21; i <= 25; i += 2)
        add_edge(f, i, i + 1, 1e-6, 2, viral, 2);
    /* coact's order: (behaviour, a, b); shared[] must follow its edges */
    ch_edge sorted[128];
    size_t perm[128];
    memcpy(sorted, f->edges, f->co.n_edges * sizeof *sorted);
    for (size_t i = 0; i < f->co.n_edges; i++)
        sorted[i].n_events = (uint32_t)i;  /* remember the old index */
    qsort(sorted, f->co.n_edges, sizeof *sorted, cmp_edge);
    for (size_t i = 0; i < f->co.n_edges; i++) {
        perm[sorted[i].n_events] = i;
        sorted[i].n_events = sorted[i].n_objects;
    }
    memcpy(f->edges, sorted, f->co.n_edges * sizeof *sorted);
    for (size_t i = 0; i < f->co.n_shared; i++)
        f->shared[i].edge = (uint32_t)perm[f->shared[i].edge];
    /* keep shared sorted by edge (stable on the original order) */
    for (size_t i = 1; i < f->co.n_shared; i++)
        for (size_t j = i; j > 0 && f->shared[j].edge < f->shared[j - 1].edge; j--) {
            ch_shared t = f->shared[j];
            f->shared[j] = f->shared[j - 1];
            f->shared[j - 1] = t;
        }
    for (int o = 0; o < NOBJ + 2; o++)
        f->objects[o] = (ch_object){.key = (uint64_t)o, .behaviour = CH_B_REPOST,
                                    .type = CH_OBJ_POST, .text = "post"};
    f->co.edges = f->edges;
    f->co.shared = f->shared;
    f->co.shared_obj = f->objects;
    f->co.n_shared_obj = NOBJ + 2;
    f->co.window = 60;
}

static void teardown(fixture *f)
{
    chorus_corpus_free(f->c);
}

static void test_one_cluster(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_non_null(n);
    assert_int_equal(n->n_clusters, 1);
    const ch_cluster *cl = &n->clusters[0];
    assert_int_equal(cl->n_members, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(n->cluster_of_account[acct(&f, i)], 0);
        if (i > 0)
            assert_true(cl->members[i] > cl->members[i - 1]);
    }
    for (int i = 8; i < NACC; i++)
        assert_int_equal(n->cluster_of_account[acct(&f, i)], CH_NONE);
    assert_int_equal(cl->behaviours, 1u << CH_B_REPOST);
    assert_int_equal(cl->n_edges, 28);
    assert_true(cl->density > 0.999);
    assert_true(cl->score > 0.5 && cl->score <= 1);
    assert_int_equal(cl->objects_by[CH_B_REPOST], NOBJ);  /* 5 in evidence, 6 per edge */
    assert_int_equal(cl->n_core_objects, 5);
    assert_int_equal(cl->n_evidence, 28 * 5);
    assert_int_equal(cl->first_seen, T0 + 10);
    assert_int_equal(cl->last_seen, T0 + 4 * 3600 + 10 + 7);
    assert_string_equal(cl->summary, "8 accounts; co-repost of 6 posts within 60 seconds");
    /* the star's leaves have one internal edge each: pruning empties it; pairs are too
     * small to test */
    assert_int_equal(n->communities_tested, 1);
    assert_int_equal(n->rejected[CH_NT_SIZE], 1);
    assert_int_equal(cl->n_pruned, 0);
    /* combined graph: 28 + 10 + 3 edges; per-behaviour strength is -log10 p */
    assert_int_equal(n->n_edges, 41);
    for (size_t i = 0; i < n->n_edges; i++) {
        assert_true(n->edges[i].a < n->edges[i].b);
        if (i)
            assert_true(n->edges[i - 1].a < n->edges[i].a ||
                        (n->edges[i - 1].a == n->edges[i].a && n->edges[i - 1].b < n->edges[i].b));
        assert_true(n->edges[i].weight >= 3.99);
    }
    /* evidence points at internal edges only */
    for (uint32_t i = 0; i < cl->n_evidence; i++) {
        const ch_edge *e = &f.co.edges[f.co.shared[cl->evidence[i]].edge];
        assert_int_equal(n->cluster_of_account[e->a], 0);
        assert_int_equal(n->cluster_of_account[e->b], 0);
    }
    ch_network_free(n);
    teardown(&f);
}

static void test_multi_behaviour(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    /* a second behaviour on one campaign pair: combined weight adds, summary lists both */
    ch_edge *e = &f.edges[f.co.n_edges];
    *e = f.edges[0];
    e->behaviour = CH_B_STATEMENT;
    e->pvalue = 1e-5;
    e->n_objects = 3;
    f.co.n_edges++;
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].behaviours, (1u << CH_B_REPOST) | (1u << CH_B_STATEMENT));
    assert_string_equal(n->clusters[0].summary,
                        "8 accounts; co-repost of 6 posts within 60 seconds, co-statement on 3 "
                        "statements within 60 seconds");
    const ch_network_edge *ne = &n->edges[0];
    assert_int_equal(ne->a, f.edges[0].a);
    assert_int_equal(ne->b, f.edges[0].b);
    assert_true(ne->weight > 16.99 && ne->weight < 17.01);
    assert_true(ne->s[CH_B_STATEMENT] > 4.99 && ne->s[CH_B_STATEMENT] < 5.01);
    ch_network_free(n);
    teardown(&f);
}

static void test_deterministic(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    /* Give Louvain choices: a second dense group u10..u17 bridged to the first by a weak
     * edge, and pseudo-random noise edges among u18..u29. */
    f.co.n_edges = f.co.n_shared = 0;
    const int camp[5] = {0, 1, 2, 3, 4}, viral[2] = {6, 7};
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            add_edge(&f, i, j, 1e-12, NOBJ, camp, 5);
    for (int i = 10; i < 18; i++)
        for (int j = i + 1; j < 18; j++)
            add_edge(&f, i, j, 1e-9, 2, viral, 2);
    add_edge(&f, 7, 10, 1e-4, 2, viral, 0);
    uint32_t x = 12345;
    for (int k = 0; k < 20; k++) {
        x = x * 1103515245u + 12345u;
        int i = 18 + (int)((x >> 16) % 12), j = 18 + (int)((x >> 8) % 12);
        if (i == j)
            continue;
        bool dup = false;
        for (size_t e = 0; e < f.co.n_edges; e++) {
            uint32_t a = acct(&f, i), b = acct(&f, j);
            if ((f.edges[e].a == a && f.edges[e].b == b) || (f.edges[e].a == b && f.edges[e].b == a))
                dup = true;
        }
        if (!dup)
            add_edge(&f, i, j, 1e-5, 2, viral, 2);
    }
    ch_network *n1 = NULL, *n2 = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n1), CHORUS_OK);
    for (int rep = 0; rep < 5; rep++) {
        /* whatever the caller did with igraph's global RNG in between */
        for (int k = 0; k < rep * 7; k++)
            (void)igraph_rng_get_integer(igraph_rng_default(), 0, 1000);
        assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n2), CHORUS_OK);
        assert_int_equal(n1->n_clusters, n2->n_clusters);
        assert_int_equal(n1->n_communities, n2->n_communities);
        assert_memory_equal(n1->community_of_account, n2->community_of_account,
                            n1->n_accounts * sizeof(uint32_t));
        assert_memory_equal(n1->cluster_of_account, n2->cluster_of_account,
                            n1->n_accounts * sizeof(uint32_t));
        for (size_t i = 0; i < n1->n_clusters; i++) {
            assert_string_equal(n1->clusters[i].summary, n2->clusters[i].summary);
            assert_true(n1->clusters[i].score == n2->clusters[i].score);
        }
        ch_network_free(n2);
    }
    /* the two dense groups are separate communities; the campaign is cluster 0 (higher
     * score: more objects, stronger edges) */
    assert_true(n1->community_of_account[acct(&f, 0)] != n1->community_of_account[acct(&f, 10)]);
    assert_true(n1->n_clusters >= 1);
    assert_int_equal(n1->cluster_of_account[acct(&f, 0)], 0);
    ch_network_free(n1);
    teardown(&f);
}

static int handler_calls;

/* A non-aborting handler of the test's own: igraph's "ignore" (it frees igraph's temporaries),
 * counted. */
static void counting_handler(const char *reason, const char *file, int line,
                             igraph_error_t igraph_errno)
{
    handler_calls++;
    igraph_error_handler_ignore(reason, file, line, igraph_errno);
}

static void test_igraph_errors(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    ch_network_opts o;
    ch_network_opts_default(&o);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    ch_network_free(n);
    /* from the library's first igraph call on, igraph's handler is the non-aborting one */
    assert_true(igraph_set_error_handler(counting_handler) == igraph_error_handler_ignore);
    handler_calls = 0;
    o.resolution = -1;  /* igraph rejects it: its error must come back as a code */
    n = (ch_network *)&o;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_EUSAGE);
    assert_null(n);
    /* handlers are not swapped per call: the one in place saw the error and is still there */
    assert_true(handler_calls >= 1);
    assert_true(igraph_set_error_handler(igraph_error_handler_ignore) == counting_handler);
    /* and the next run works */
    ch_network_opts_default(&o);
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 1);
    ch_network_free(n);
    teardown(&f);
}

/* Builds on several threads at once (igraph is entered under the library's lock, its RNG
 * seeded inside it) give the one-thread result, even with another generator made the default
 * in between. */
typedef struct job {
    const fixture *f;
    ch_network *n;
    int rc;
} job;

static void *build_job(void *arg)
{
    job *j = arg;
    ch_network_opts o;
    ch_network_opts_default(&o);
    o.resolution = 0.5;   /* more, smaller communities: the RNG matters more */
    j->rc = ch_network_build(j->f->c, &j->f->co, &o, &j->n);
    return NULL;
}

static void test_threads_and_rng(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    job ref = {&f, NULL, 0};
    build_job(&ref);
    assert_int_equal(ref.rc, CHORUS_OK);
    /* a host makes another generator igraph's default */
    igraph_rng_t other;
    assert_int_equal(igraph_rng_init(&other, &igraph_rngtype_mt19937), IGRAPH_SUCCESS);
    igraph_rng_set_default(&other);
    job jobs[6];
    pthread_t tid[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = (job){&f, NULL, -1};
        assert_int_equal(pthread_create(&tid[i], NULL, build_job, &jobs[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(tid[i], NULL);
        assert_int_equal(jobs[i].rc, CHORUS_OK);
        assert_int_equal(jobs[i].n->n_communities, ref.n->n_communities);
        assert_memory_equal(jobs[i].n->community_of_account, ref.n->community_of_account,
                            ref.n->n_accounts * sizeof(uint32_t));
        assert_memory_equal(jobs[i].n->cluster_of_account, ref.n->cluster_of_account,
                            ref.n->n_accounts * sizeof(uint32_t));
        ch_network_free(jobs[i].n);
    }
    /* chorus put its generator back; the test's is still the test's to free */
    assert_true(igraph_rng_default()->state != other.state);
    igraph_rng_destroy(&other);
    ch_network_free(ref.n);
    teardown(&f);
}

static void test_oom(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    int ok = 0;
    for (uint64_t k = 1; k < 200; k++) {
        ch_network *n = NULL;
        ch_alloc_fail_after(k);
        int rc = ch_network_build(f.c, &f.co, NULL, &n);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_int_equal(n->n_clusters, 1);
            ok++;
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
            assert_null(n);
        }
        ch_network_free(n);
    }
    assert_true(ok > 0);
    teardown(&f);
}

static void test_empty_and_invalid(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_coact_result co;
    memset(&co, 0, sizeof co);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(c, &co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 0);
    assert_int_equal(n->n_edges, 0);
    assert_int_equal(n->n_accounts, 0);
    ch_network_free(n);
    ch_network_free(NULL);

    /* an edge naming an account the corpus does not have */
    ch_edge e = {.a = 0, .b = 5, .behaviour = CH_B_REPOST, .n_objects = 2, .pvalue = 1e-9};
    co.edges = &e;
    co.n_edges = 1;
    n = (ch_network *)&co;
    assert_int_equal(ch_network_build(c, &co, NULL, &n), CHORUS_EUSAGE);
    assert_null(n);
    /* bad options */
    ch_network_opts o;
    ch_network_opts_default(&o);
    o.min_density = 2;
    co.n_edges = 0;
    assert_int_equal(ch_network_build(c, &co, &o, &n), CHORUS_EUSAGE);
    assert_int_equal(ch_network_build(c, &co, NULL, NULL), CHORUS_EUSAGE);
    chorus_corpus_free(c);

    /* accounts but edges filtered away by max_pvalue: no clusters, every account CH_NONE */
    static fixture f;
    build(&f);
    ch_network_opts_default(&o);
    o.max_pvalue = 1e-20;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    assert_int_equal(n->n_edges, 0);
    assert_int_equal(n->n_clusters, 0);
    for (size_t i = 0; i < n->n_accounts; i++) {
        assert_int_equal(n->cluster_of_account[i], CH_NONE);
        assert_int_equal(n->community_of_account[i], CH_NONE);
    }
    ch_network_free(n);
    teardown(&f);
}

static void test_dense_viral_crowd(void **state)
{
    (void)state;
    /* A dense crowd whose edges all rest on the same two viral posts is not a campaign: the
     * objects test needs >= 3 objects shared by >= 3 members. */
    static fixture f;
    build(&f);
    f.co.n_edges = f.co.n_shared = 0;
    const int viral[2] = {6, 7};
    for (int i = 10; i <= 20; i++)
        for (int j = i + 1; j <= 20; j++)
            add_edge(&f, i, j, 1e-8, 2, viral, 2);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 0);
    assert_int_equal(n->rejected[CH_NT_OBJECTS], 1);
    ch_network_free(n);
    teardown(&f);
}

static void test_prune_and_institutional(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    /* u9 co-acts (significantly) with one campaign member only: Louvain puts it with the
     * campaign, pruning takes it out again */
    f.edges[f.co.n_edges] = (ch_edge){.a = acct(&f, 0) < acct(&f, 9) ? acct(&f, 0) : acct(&f, 9),
                                      .b = acct(&f, 0) < acct(&f, 9) ? acct(&f, 9) : acct(&f, 0),
                                      .behaviour = CH_B_LINK, .n_objects = 2, .n_events = 2,
                                      .weight = 4, .expected = 0.01, .pvalue = 1e-9};
    f.co.n_edges++;  /* no evidence rows: shared[] stays sorted by edge */
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].n_members, 8);
    assert_int_equal(n->clusters[0].n_pruned, 1);
    assert_int_equal(n->community_of_account[acct(&f, 9)], n->community_of_account[acct(&f, 0)]);
    assert_int_equal(n->cluster_of_account[acct(&f, 9)], CH_NONE);
    ch_network_free(n);

    /* u3 turns out to be a verified account: it keeps its edges but leaves the cluster */
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){"late", 4};
    r.author_id = (ch_slice){"u3", 2};
    r.created_at = T0 + 86400;
    r.text = (ch_slice){"x", 1};
    r.meta.present = true;
    r.meta.verified = 1;
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(f.c, &r, 0, &kept, &why), CHORUS_OK);
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_true(n->institutional[acct(&f, 3)]);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].n_members, 7);
    assert_int_equal(n->cluster_of_account[acct(&f, 3)], CH_NONE);
    /* it took part in the community detection (so that its associates group with it) */
    assert_int_equal(n->community_of_account[acct(&f, 3)], n->community_of_account[acct(&f, 0)]);
    size_t with_u3 = 0;
    for (size_t i = 0; i < n->n_edges; i++)
        with_u3 += n->edges[i].a == acct(&f, 3) || n->edges[i].b == acct(&f, 3);
    assert_int_equal(with_u3, 7);
    ch_network_free(n);
    /* without the rule (followers threshold 0 still excludes verified accounts) */
    ch_network_opts o;
    ch_network_opts_default(&o);
    o.institutional_followers = 0;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    assert_int_equal(n->clusters[0].n_members, 7);
    ch_network_free(n);
    teardown(&f);
}


/* Adds a weak edge (below W = 3: p = 0.005) between u_i and u_j, without evidence rows (so
 * shared[] stays sorted by edge). Edges must then be re-sorted by sort_edges. */
static void add_weak(fixture *f, int i, int j, double p, ch_behaviour b)
{
    uint32_t a = acct(f, i), c = acct(f, j);
    f->edges[f->co.n_edges++] = (ch_edge){.a = a < c ? a : c, .b = a < c ? c : a, .behaviour = b,
                                          .n_objects = 2, .n_events = 2, .weight = 4,
                                          .expected = 0.1, .pvalue = p, .n_occasions = 2};
}

/* The attachment test: u9 has weak edges to all 8 members and joins; u12 has 2 weak edges
 * and does not; the weak edges that attached u9 are kept for the store, u12's are not. */
static void test_attach(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    const size_t first = f.co.n_edges;
    for (int i = 0; i < 8; i++)
        add_weak(&f, i, 9, 0.005, CH_B_HASHTAG);
    add_weak(&f, 0, 12, 0.005, CH_B_HASHTAG);
    add_weak(&f, 1, 12, 0.005, CH_B_HASHTAG);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].n_members, 9);
    assert_int_equal(n->clusters[0].n_attached, 1);
    assert_int_equal(n->cluster_of_account[acct(&f, 9)], 0);
    assert_int_equal(n->cluster_of_account[acct(&f, 12)], CH_NONE);
    for (uint32_t j = 1; j < n->clusters[0].n_members; j++)
        assert_true(n->clusters[0].members[j] > n->clusters[0].members[j - 1]);
    /* kept: the clique (graph), the star and pairs (weight >= W: graph), u9's 8 edges
     * (attach); not u12's two */
    assert_int_equal(n->n_coact, f.co.n_edges);
    assert_int_equal(n->n_coact_kept, f.co.n_edges - 2);
    for (size_t i = first; i < f.co.n_edges; i++)
        assert_int_equal(n->coact_kept[i], i < first + 8);
    ch_network_free(n);
    /* without attaching */
    ch_network_opts o;
    ch_network_opts_default(&o);
    o.attach_alpha = 0;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    assert_int_equal(n->clusters[0].n_members, 8);
    assert_int_equal(n->cluster_of_account[acct(&f, 9)], CH_NONE);
    ch_network_free(n);
    teardown(&f);
}

/* An account whose strongest partner is institutional is an associate: it stays out of the
 * clusters even with weak edges to all of a campaign. */
static void test_associates(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    for (int i = 0; i < 8; i++)
        add_weak(&f, i, 9, 0.005, CH_B_REPOST);
    add_weak(&f, 9, 28, 1e-6, CH_B_REPOST);   /* strong edge to u28, verified below */
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){"v28", 3};
    r.author_id = (ch_slice){"u28", 3};
    r.created_at = T0 + 86400;
    r.text = (ch_slice){"x", 1};
    r.meta.present = true;
    r.meta.verified = 1;
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(f.c, &r, 0, &kept, &why), CHORUS_OK);
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_int_equal(n->institutional[acct(&f, 28)], CH_INST_METADATA);
    assert_int_equal(n->institutional[acct(&f, 9)], CH_INST_ASSOCIATE);
    assert_int_equal(n->institutional[acct(&f, 0)], 0);
    assert_int_equal(n->n_clusters, 1);
    assert_int_equal(n->clusters[0].n_members, 8);
    assert_int_equal(n->cluster_of_account[acct(&f, 9)], CH_NONE);
    ch_network_free(n);
    ch_network_opts o;
    ch_network_opts_default(&o);
    o.associates = false;
    assert_int_equal(ch_network_build(f.c, &f.co, &o, &n), CHORUS_OK);
    assert_int_equal(n->institutional[acct(&f, 9)], 0);
    /* still not attached: Louvain grouped it with the verified account */
    assert_int_equal(n->community_of_account[acct(&f, 9)], n->community_of_account[acct(&f, 28)]);
    assert_int_equal(n->cluster_of_account[acct(&f, 9)], CH_NONE);
    ch_network_free(n);
    teardown(&f);
}

/* A behaviour whose internal edges came from the co-action stage's long look is summarized
 * with the long look's window. */
static void test_long_look_summary(void **state)
{
    (void)state;
    static fixture f;
    build(&f);
    f.co.windows[CH_B_REPOST] = 60;
    f.co.windows_long[CH_B_REPOST] = 21600;
    f.edges[0].flags = CH_EDGE_LONG;
    ch_network *n = NULL;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_string_equal(n->clusters[0].summary, "8 accounts; co-repost of 6 posts within 6 hours");
    assert_int_equal(n->windows_long[CH_B_REPOST], 21600);
    assert_true(n->edges[0].long_looks & (1u << CH_B_REPOST));
    ch_network_free(n);
    f.edges[0].flags = 0;
    assert_int_equal(ch_network_build(f.c, &f.co, NULL, &n), CHORUS_OK);
    assert_string_equal(n->clusters[0].summary, "8 accounts; co-repost of 6 posts within 60 seconds");
    ch_network_free(n);
    teardown(&f);
}

/* The surprise test's strength thresholds (network_int.h): a three-account cell among 4,000
 * accounts whose three edges are only as strong as the threshold W fails (the count of edges
 * at W is the test it always was: P(Binomial(3, p0) >= 3) C(N, 3) against alpha / N), while
 * the same triangle of edges far stronger than W, which few pairs of the corpus reach, passes
 * at its share of the level (alpha / (k (k - 1) (steps - 1))). */
static void test_surprise_strength(void **state)
{
    (void)state;
    const double alpha = 1e-3;
    const size_t na = 4000;
    double p0_at[CH_NET_STEPS];
    for (int j = 0; j < CH_NET_STEPS; j++)
        p0_at[j] = 2e-5 / pow(10, j);   /* strong edges rarer by a decade a step */
    uint32_t weak[CH_NET_STEPS] = {3}, strong[CH_NET_STEPS] = {3, 3, 3, 3};
    const double lw = ch_network_surprise(3, weak, p0_at, na, alpha);
    const double ls = ch_network_surprise(3, strong, p0_at, na, alpha);
    /* at W alone: exactly the count test against alpha / N, rescaled to alpha */
    const double c3 = log10(4000.0 * 3999 * 3998 / 6);
    assert_true(fabs(lw - (3 * log10(2e-5) + c3 + log10(4000.0))) < 1e-6);
    assert_true(lw > log10(alpha));
    /* three edges >= W + 3 at p0 2e-8: 3 x (-7.7) + log10 C(4000, 3) (10.0) is far below
     * log10(alpha / (3 x 2 x 15)) */
    assert_true(ls <= log10(alpha));
    /* a four-member community with one strong edge is no stronger than its count at W */
    uint32_t one[CH_NET_STEPS] = {6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    uint32_t none[CH_NET_STEPS] = {6};
    assert_true(fabs(ch_network_surprise(4, one, p0_at, na, alpha) -
                     ch_network_surprise(4, none, p0_at, na, alpha)) < 1e-9);
}

/* p0 per threshold: the smallest of p0 at W, the Gamma tail and the observed share of pairs
 * with edges that strong plus three; institutional accounts' edges do not count. */
static void test_strength_null(void **state)
{
    (void)state;
    ch_network_edge e[5] = {0};
    const double w[5] = {3.5, 4.2, 9.0, 30.0, 30.0};
    for (int i = 0; i < 5; i++) {
        e[i].a = (uint32_t)(2 * i);
        e[i].b = (uint32_t)(2 * i + 1);
        e[i].weight = w[i];
    }
    uint8_t inst[1000] = {0};
    inst[8] = CH_INST_METADATA;   /* the last edge touches an institutional account */
    ch_network n = {.edges = e, .n_edges = 5, .institutional = inst, .null_edge_p = 1e-4};
    const uint32_t ge[5] = {0, 1, 2, 3, 4};
    double p0_at[CH_NET_STEPS];
    ch_network_strength_null(&n, ge, 5, 3.0, 8, 1000, p0_at);
    const double pairs = 1000.0 * 999 / 2;
    assert_true(p0_at[0] == 1e-4);
    /* >= 4: three edges (4.2, 9, 30) + 3; the tail of eight behaviours is larger */
    assert_true(fabs(p0_at[1] - 6 / pairs) < 1e-15);
    /* >= 10: one edge (30) + 3 */
    assert_true(fabs(p0_at[7] - 4 / pairs) < 1e-15);
    /* with one behaviour, its tail 10^-(W + j) is the smaller bound far above W */
    ch_network_strength_null(&n, ge, 5, 3.0, 1, 1000, p0_at);
    assert_true(fabs(p0_at[7] / 1e-10 - 1) < 1e-9);
    for (int j = 1; j < CH_NET_STEPS; j++)
        assert_true(p0_at[j] <= p0_at[j - 1] && p0_at[j] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_cluster),
        cmocka_unit_test(test_multi_behaviour),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_igraph_errors),
        cmocka_unit_test(test_threads_and_rng),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_empty_and_invalid),
        cmocka_unit_test(test_dense_viral_crowd),
        cmocka_unit_test(test_prune_and_institutional),
        cmocka_unit_test(test_attach),
        cmocka_unit_test(test_associates),
        cmocka_unit_test(test_long_look_summary),
        cmocka_unit_test(test_surprise_strength),
        cmocka_unit_test(test_strength_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
