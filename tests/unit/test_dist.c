/* test_dist.c — the ranks of a distributed scan without MPI (core/dist.h): block bounds, and
 * the narratives and parroting split over 1-5 "ranks" played by threads that exchange
 * through a ch_dist of shared memory, whose rank 0 must get exactly the single-process
 * result (narratives, rows in order, ties resolved by context) and whose other ranks get
 * their empty share; a failure on one rank reaches all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/dist.h"
#include "core/post.h"
#include "detect/neardup/neardup.h"
#include "detect/parrot/parrot.h"

/* ---- block bounds ------------------------------------------------------------------------ */

static void test_blocks(void **state)
{
    (void)state;
    static const size_t ns[] = {0, 1, 2, 7, 100, 101, 4097};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (int size = 1; size <= 9; size++) {
            size_t at = 0, lo = SIZE_MAX, hi = 0;
            for (int r = 0; r < size; r++) {
                size_t a, b;
                ch_dist_block(ns[i], r, size, &a, &b);
                assert_int_equal(a, at);   /* contiguous, in rank order */
                assert_true(b >= a);
                lo = b - a < lo ? b - a : lo;
                hi = b - a > hi ? b - a : hi;
                at = b;
            }
            assert_int_equal(at, ns[i]);   /* covers [0, n) once */
            assert_true(hi - lo <= 1);     /* balanced */
        }
    size_t a, b;
    ch_dist_block(10, 3, 3, &a, &b);   /* a rank out of range: empty at the end */
    assert_int_equal(a, 10);
    assert_int_equal(b, 10);
    ch_dist_block(10, 0, 0, &a, &b);   /* size < 1 is one rank */
    assert_int_equal(a, 0);
    assert_int_equal(b, 10);
    ch_dist_block((size_t)1 << 62, 6, 7, &a, &b);   /* no overflow for huge n */
    assert_int_equal(b, (size_t)1 << 62);
}

/* ---- ranks played by threads -------------------------------------------------------------- */

#define MAXR 5

typedef struct shared {
    pthread_barrier_t bar;
    const void *mine[MAXR];
    size_t len[MAXR];
    int status[MAXR];
    int verdict;
    int fail_rank;        /* this rank reports CHORUS_ENOMEM at its first gather, -1: none */
} shared;

static int fake_gather(const ch_dist *d, int status, const void *mine, size_t len, void *into,
                       void **all, size_t *lens)
{
    shared *sh = d->ctx;
    if (all)
        *all = NULL;
    if (d->rank == sh->fail_rank && !status)
        status = CHORUS_ENOMEM;
    sh->mine[d->rank] = mine;
    sh->len[d->rank] = len;
    sh->status[d->rank] = status;
    pthread_barrier_wait(&sh->bar);
    if (d->rank == 0) {
        int v = 0;
        size_t total = 0;
        for (int k = 0; k < d->size && !v; k++) {
            v = sh->status[k];
            total += sh->len[k];
            if (lens)
                lens[k] = sh->len[k];
        }
        unsigned char *dest = into;
        if (!v && !into && total && !(dest = ch_malloc(total)))
            v = CHORUS_ENOMEM;
        for (int k = 0, at = 0; !v && k < d->size; at += (int)sh->len[k], k++)
            if (sh->len[k] && dest + at != sh->mine[k])
                memmove(dest + at, sh->mine[k], sh->len[k]);
        if (!v && all && !into)
            *all = dest;
        sh->verdict = v;
    }
    pthread_barrier_wait(&sh->bar);   /* the others' buffers stay alive until copied */
    return sh->verdict;
}

typedef struct rank_job {
    ch_dist d;
    const chorus_corpus *c;
    const ch_stmtset *set;
    int rc;
    ch_neardup_result *nd;
    ch_parrot_result pr;
} rank_job;

static void *rank_main(void *arg)
{
    rank_job *j = arg;
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    o.threads = 2;
    o.dist = &j->d;
    j->rc = ch_neardup_run(j->c, &o, &j->nd);
    if (!j->rc && j->set) {
        ch_parrot_corpus_opts po = {.threads = 2, .max_per_post = 2, .dist = &j->d};
        j->rc = ch_parrot_run(j->set, j->c, NULL, &po, &j->pr);
    }
    return NULL;
}

/* Runs the two stages on `n` ranks; jobs[0] holds rank 0's results. */
static void run_ranks(const chorus_corpus *c, const ch_stmtset *set, int n, int fail_rank,
                      rank_job *jobs)
{
    shared sh = {.fail_rank = fail_rank};
    pthread_barrier_init(&sh.bar, NULL, (unsigned)n);
    pthread_t th[MAXR];
    for (int r = 0; r < n; r++) {
        jobs[r] = (rank_job){.d = {.rank = r, .size = n, .gather = fake_gather, .ctx = &sh},
                             .c = c, .set = set};
        assert_int_equal(pthread_create(&th[r], NULL, rank_main, &jobs[r]), 0);
    }
    for (int r = 0; r < n; r++)
        pthread_join(th[r], NULL);
    pthread_barrier_destroy(&sh.bar);
}

static void free_ranks(rank_job *jobs, int n)
{
    for (int r = 0; r < n; r++) {
        ch_neardup_result_free(jobs[r].nd);
        ch_parrot_result_free(&jobs[r].pr);
    }
}

/* ---- corpus and statements ------------------------------------------------------------------ */

static const char *const ST_A =
    "Internal affairs of the port are for the port to decide. We urge everyone to stop "
    "smearing the pilots. The ferry timetable adds three evening crossings to the island.";
/* shares its first sentence with ST_A: posts copying that sentence tie */
static const char *const ST_B =
    "Internal affairs of the port are for the port to decide. Dredging of the outer channel "
    "begins in autumn and will close the north quay for eleven days.";
static const char *const ST_C =
    "The harbour authority has maintained the breakwater for years and engineers inspected "
    "it last spring, whatever commentators with ulterior motives claim about the pipes.";

static chorus_corpus *make_corpus(unsigned n)
{
    static const char *const words[] = {
        "port", "ferry", "island", "pilots", "quay", "channel", "autumn", "harbour", "media",
        "truth", "the", "is", "and", "of", "to", "a", "no", "our", "every", "day", "now"};
    const unsigned nw = sizeof words / sizeof *words;
    static const char *const copies[] = {
        "Internal affairs of the port are for the port to decide.",   /* a tie: A or B */
        "We urge everyone to stop smearing the pilots. The ferry timetable adds three evening "
        "crossings to the island.",
        "Dredging of the outer channel begins in autumn and will close the north quay for "
        "eleven days.",
        "The harbour authority has maintained the breakwater for years and engineers inspected "
        "it last spring"};
    chorus_corpus *c;
    uint32_t f;
    assert_int_equal(chorus_corpus_new(&c), 0);
    assert_int_equal(ch_corpus_add_file(c, "mem", &f), 0);
    uint64_t s = 7;
    char buf[1024], id[32], who[16];
    ch_rawpost r;
    for (unsigned i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t l = 0;
        unsigned kind = (unsigned)(s >> 60) % 5;
        if (kind < 2) {   /* a copy of a statement's passage, with a word of its own */
            l = (size_t)snprintf(buf, sizeof buf, "%s %s", copies[(s >> 40) % 4],
                                 words[(s >> 20) % nw]);
        } else {          /* a template with a swapped word, or noise */
            uint64_t t = kind == 4 ? s : ((s >> 40) % 12) * 7919 + 1;
            unsigned swap = (unsigned)(s >> 20) % 20;
            for (unsigned w = 0; w < 14; w++) {
                t = t * 6364136223846793005ULL + 1;
                unsigned wi = w == swap ? (unsigned)(s >> 8) % nw : (unsigned)(t >> 33) % nw;
                l += (size_t)snprintf(buf + l, sizeof buf - l, "%s ", words[wi]);
            }
        }
        int idl = snprintf(id, sizeof id, "p%u", i);
        snprintf(who, sizeof who, "u%u", (unsigned)(s >> 50) % 61);
        ch_rawpost_clear(&r);
        r.id = (ch_slice){id, (size_t)idl};
        r.author_id = (ch_slice){who, strlen(who)};
        r.created_at = 1677664800 + (int64_t)((s >> 45) % 200000);
        r.text = (ch_slice){buf, l};
        r.kind = CH_KIND_POST;
        bool kept;
        ch_reason why;
        assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    }
    return c;
}

static ch_stmtset *make_statements(void)
{
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), 0);
    assert_int_equal(ch_stmtset_add(set, "A", 1, ST_A, strlen(ST_A), NULL, "en", 1677600000), 0);
    assert_int_equal(ch_stmtset_add(set, "B", 1, ST_B, strlen(ST_B), NULL, "en", 1677700000), 0);
    assert_int_equal(ch_stmtset_add(set, "C", 1, ST_C, strlen(ST_C), NULL, "en", 1677600000), 0);
    return set;
}

/* ---- the stages over ranks equal one process ------------------------------------------------ */

static void test_ranks_equal_one_process(void **state)
{
    (void)state;
    chorus_corpus *c = make_corpus(3001);
    ch_stmtset *set = make_statements();
    ch_neardup_result *nd1 = NULL;
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    assert_int_equal(ch_neardup_run(c, &o, &nd1), 0);
    ch_parrot_result pr1;
    ch_parrot_corpus_opts po = {.threads = 1, .max_per_post = 2};
    assert_int_equal(ch_parrot_run(set, c, NULL, &po, &pr1), 0);
    assert_true(nd1->n_narratives > 3);
    assert_true(pr1.posts_matched > 300);
    size_t ties = 0;   /* rows naming B, which shares its first sentence with A: ties */
    for (size_t i = 0; i < pr1.nrows; i++)
        ties += pr1.rows[i].m.stmt == 1;
    assert_true(ties > 10);

    for (int n = 1; n <= MAXR; n++) {
        rank_job jobs[MAXR];
        run_ranks(c, set, n, -1, jobs);
        for (int r = 0; r < n; r++)
            assert_int_equal(jobs[r].rc, 0);
        const ch_neardup_result *nd = jobs[0].nd;
        assert_int_equal(nd->n_narratives, nd1->n_narratives);
        assert_memory_equal(nd->narrative_of_post, nd1->narrative_of_post,
                            nd1->n_posts * sizeof *nd1->narrative_of_post);
        assert_memory_equal(nd->narratives, nd1->narratives,
                            nd1->n_narratives * sizeof *nd1->narratives);
        const ch_parrot_result *pr = &jobs[0].pr;
        assert_int_equal(pr->nrows, pr1.nrows);
        assert_memory_equal(pr->rows, pr1.rows, pr1.nrows * sizeof *pr1.rows);
        assert_memory_equal(pr->post_stmt, pr1.post_stmt, pr1.nposts * sizeof *pr1.post_stmt);
        assert_int_equal(pr->posts_matched, pr1.posts_matched);
        for (int r = 1; r < n; r++) {   /* the other ranks: their share is with rank 0 */
            assert_int_equal(jobs[r].nd->n_narratives, 0);
            assert_int_equal(jobs[r].pr.nrows, 0);
        }
        free_ranks(jobs, n);
    }
    ch_parrot_result_free(&pr1);
    ch_neardup_result_free(nd1);
    ch_stmtset_free(set);
    chorus_corpus_free(c);
}

/* A rank that fails stops every rank at the same exchange, with its error. */
static void test_failure_reaches_every_rank(void **state)
{
    (void)state;
    chorus_corpus *c = make_corpus(500);
    for (int fail = 0; fail < 3; fail++) {
        rank_job jobs[MAXR];
        run_ranks(c, NULL, 3, fail, jobs);
        for (int r = 0; r < 3; r++) {
            assert_int_equal(jobs[r].rc, CHORUS_ENOMEM);
            assert_null(jobs[r].nd);
        }
        free_ranks(jobs, 3);
    }
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_ranks_equal_one_process),
        cmocka_unit_test(test_failure_reaches_every_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
