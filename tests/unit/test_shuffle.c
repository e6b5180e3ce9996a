/* test_shuffle.c — co-action events shuffled by object key between ranks (detect/coact/
 * shuffle.h), the ranks played by threads exchanging through a ch_dist of shared memory: the
 * owner of a key, the split of a hot key by time, the grouped events of 1-5 ranks equal to one
 * process's, the whole co-action stage over ranks equal to one process (edges, evidence in
 * order, objects), and a failure on one rank reaching all. */
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
#include "detect/coact/coact_int.h"
#include "detect/coact/shuffle.h"

#define MAXR 5

/* ---- ranks played by threads -------------------------------------------------------------- */

typedef struct shared {
    pthread_barrier_t bar;
    const void *buf[MAXR];
    const size_t *count[MAXR];
    size_t len[MAXR];
    int status[MAXR];
    int verdict;
    int fail_rank;     /* this rank reports CHORUS_ENOMEM at its first exchange; -1: none */
    int failed;
} shared;

/* Every rank's status; the first failure of ranks 0, 1, ... for all. */
static int agree(const ch_dist *d, shared *sh, int status)
{
    sh->status[d->rank] = status;
    pthread_barrier_wait(&sh->bar);
    if (d->rank == 0) {
        int v = 0;
        for (int k = 0; k < d->size && !v; k++)
            v = sh->status[k];
        sh->verdict = v;
    }
    pthread_barrier_wait(&sh->bar);
    return sh->verdict;
}

static int fake_exchange(const ch_dist *d, int status, const void *send, const size_t *scount,
                         void **recv, size_t *rcount)
{
    shared *sh = d->ctx;
    *recv = NULL;
    if (d->rank == sh->fail_rank && !sh->failed && !status) {
        status = CHORUS_ENOMEM;
        sh->failed = 1;
    }
    sh->buf[d->rank] = send;
    sh->count[d->rank] = scount;
    int v = agree(d, sh, status);
    if (v) {
        pthread_barrier_wait(&sh->bar);   /* as many barriers as the exchange below */
        return v;
    }
    size_t total = 0;
    for (int k = 0; k < d->size; k++)
        total += sh->count[k][d->rank];
    unsigned char *out = total ? ch_malloc(total) : NULL;
    assert_true(!total || out);
    size_t at = 0;
    for (int k = 0; k < d->size; k++) {
        size_t off = 0;
        for (int j = 0; j < d->rank; j++)
            off += sh->count[k][j];
        const size_t n = sh->count[k][d->rank];
        if (n)
            memcpy(out + at, (const unsigned char *)sh->buf[k] + off, n);
        rcount[k] = n;
        at += n;
    }
    *recv = out;
    pthread_barrier_wait(&sh->bar);   /* the senders' buffers stay alive until copied */
    return 0;
}

static int fake_gather(const ch_dist *d, int status, const void *mine, size_t len, void *into,
                       void **all, size_t *lens)
{
    shared *sh = d->ctx;
    if (all)
        *all = NULL;
    sh->buf[d->rank] = mine;
    sh->len[d->rank] = len;
    int v = agree(d, sh, status);
    if (!v && d->rank == 0) {
        size_t total = 0;
        for (int k = 0; k < d->size; k++) {
            total += sh->len[k];
            if (lens)
                lens[k] = sh->len[k];
        }
        unsigned char *dest = into ? into : total ? ch_malloc(total) : NULL;
        for (size_t k = 0, at = 0; k < (size_t)d->size; at += sh->len[k], k++)
            if (sh->len[k] && dest + at != sh->buf[k])
                memmove(dest + at, sh->buf[k], sh->len[k]);
        if (all && !into)
            *all = dest;
    }
    pthread_barrier_wait(&sh->bar);
    return v;
}

typedef void *(*rank_fn)(void *);

typedef struct job {
    ch_dist d;
    const void *in;
    int rc;
    void *out;
} job;

static void run_ranks(int n, int fail_rank, rank_fn fn, const void *in, job *jobs)
{
    shared sh = {.fail_rank = fail_rank};
    pthread_barrier_init(&sh.bar, NULL, (unsigned)n);
    pthread_t th[MAXR];
    for (int r = 0; r < n; r++) {
        jobs[r] = (job){.d = {.rank = r, .size = n, .gather = fake_gather,
                              .exchange = fake_exchange, .ctx = &sh},
                        .in = in};
        assert_int_equal(pthread_create(&th[r], NULL, fn, &jobs[r]), 0);
    }
    for (int r = 0; r < n; r++)
        pthread_join(th[r], NULL);
    pthread_barrier_destroy(&sh.bar);
}

/* ---- owners and the hot-key plan ------------------------------------------------------------ */

static void test_owner(void **state)
{
    (void)state;
    assert_int_equal(ch_shuf_owner(42, 1), 0);
    assert_int_equal(ch_shuf_owner(42, 0), 0);
    for (int size = 2; size <= 7; size++) {
        size_t per[7] = {0};
        const size_t n = 70000;
        for (uint64_t k = 0; k < n; k++) {
            /* small consecutive ids (pool ids) and hashes with bit 63 set, as keys are */
            const uint64_t key = k & 1 ? k : k * UINT64_C(0x9e3779b97f4a7c15) | (UINT64_C(1) << 63);
            const int o = ch_shuf_owner(key, size);
            assert_true(o >= 0 && o < size);
            assert_int_equal(o, ch_shuf_owner(key, size));   /* a function of the key */
            per[o]++;
        }
        for (int r = 0; r < size; r++)   /* even shares within 5% */
            assert_true(per[r] * (size_t)size * 100 > n * 95 && per[r] * (size_t)size * 100 < n * 105);
    }
}

/* Events: a viral key with most of the events, in a burst and a long tail (many equal times),
 * and many small keys, some with a source. */
static ch_evrec *make_events(size_t n, uint64_t seed)
{
    ch_evrec *ev = ch_malloc(n * sizeof *ev);
    assert_non_null(ev);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned r = (unsigned)(s >> 33);
        const bool viral = r % 10 < 6;
        const uint64_t key = viral ? 7 : 100 + (r >> 4) % 400;
        /* the burst: half the viral events within 100 s, at whole tens of seconds */
        const int64_t t = viral && r % 2 ? 1000000 + (int64_t)((r >> 8) % 10) * 10
                                         : 1000000 + (int64_t)((r >> 8) % 200000);
        ev[i] = (ch_evrec){.key = key, .t = t, .src = key % 3 == 0 ? key / 3 + 1 : 0,
                           .acct = (r >> 12) % 300, .post = (uint32_t)i, .seq = i};
    }
    return ev;
}

typedef struct plan_in {
    const ch_evrec *ev;
    size_t n;
    uint64_t hot;
} plan_in;

static void *plan_main(void *arg)
{
    job *j = arg;
    const plan_in *in = j->in;
    size_t a, b;
    ch_dist_block(in->n, j->d.rank, j->d.size, &a, &b);
    ch_shuf_plan *p = ch_calloc(1, sizeof *p);
    j->rc = ch_shuf_plan_make(&j->d, 0, in->ev + a, b - a, in->hot, p);
    j->out = p;
    return NULL;
}

static void test_hot_key_split_by_time(void **state)
{
    (void)state;
    const size_t n = 20000;
    ch_evrec *ev = make_events(n, 3);
    for (int size = 2; size <= MAXR; size++) {
        job jobs[MAXR];
        plan_in in = {ev, n, n / (uint64_t)size / 4};
        run_ranks(size, -1, plan_main, &in, jobs);
        const ch_shuf_plan *p = jobs[0].out;
        assert_int_equal(jobs[0].rc, 0);
        /* only the viral key is hot, and the plan is the same on every rank */
        assert_int_equal(p->nhot, 1);
        assert_int_equal(p->hot[0], 7);
        for (int r = 1; r < size; r++) {
            const ch_shuf_plan *q = jobs[r].out;
            assert_int_equal(jobs[r].rc, 0);
            assert_int_equal(q->nhot, p->nhot);
            assert_memory_equal(q->cut, p->cut, (size_t)(size - 1) * sizeof *p->cut);
        }
        /* slices in time order: the rank of a later time is never an earlier slice; equal
         * times one slice; each rank gets a share of the viral key's events */
        const int own = ch_shuf_owner(7, size);
        size_t per[MAXR] = {0}, viral = 0;
        int last = -1;
        for (int64_t t = 1000000 - 5; t < 1000000 + 200005; t++) {
            const int s = (ch_shuf_dest(p, 7, t) - own + size) % size;
            assert_true(s >= last);
            last = s;
        }
        for (size_t i = 0; i < n; i++) {
            if (ev[i].key != 7) {   /* a key that is not hot goes to its owner */
                assert_int_equal(ch_shuf_dest(p, ev[i].key, ev[i].t), ch_shuf_owner(ev[i].key, size));
                continue;
            }
            per[ch_shuf_dest(p, 7, ev[i].t)]++;
            viral++;
        }
        /* a share at most twice the even one (the burst's equal times stay together) */
        for (int r = 0; r < size; r++)
            assert_true(per[r] * (size_t)size <= 2 * viral);
        assert_true(per[own] * (size_t)size * 2 >= viral / 2);
        for (int r = 0; r < size; r++) {
            ch_shuf_plan_free(jobs[r].out);
            ch_free(jobs[r].out);
        }
    }
    /* hot_min 0 or one rank: no plan */
    ch_shuf_plan p;
    assert_int_equal(ch_shuf_plan_make(NULL, 0, ev, n, 10, &p), 0);
    assert_int_equal(p.nhot, 0);
    assert_int_equal(ch_shuf_dest(&p, 7, 0), 0);
    ch_free(ev);
}

/* ---- grouped events over ranks equal one process ------------------------------------------- */

static void *group_main(void *arg)
{
    job *j = arg;
    const plan_in *in = j->in;
    size_t a, b;
    ch_dist_block(in->n, j->d.rank, j->d.size, &a, &b);
    ch_shuf_plan p;
    ch_evrec *got = NULL, *all = NULL;
    size_t ngot = 0, lens[MAXR];
    int rc = ch_shuf_plan_make(&j->d, 0, in->ev + a, b - a, in->hot, &p);
    rc = ch_shuf_events(&j->d, rc, &p, in->ev + a, b - a, &got, &ngot);
    /* what each rank sorted: its keys, hot ones only in their time slice */
    for (size_t i = 0; !rc && i < ngot; i++)
        assert_int_equal(ch_shuf_dest(&p, got[i].key, got[i].t), j->d.rank);
    ch_shuf_plan_free(&p);
    j->rc = j->d.gather(&j->d, rc, got, ngot * sizeof *got, NULL, (void **)&all, lens);
    ch_free(got);
    if (j->rc || j->d.rank != 0)
        return NULL;
    ch_evraw raw = {0};
    ch_spill sp;
    ch_spill_init(&sp, NULL);   /* no file: the runs are in memory */
    size_t at = 0;
    raw.runs = (ch_evruns){.sp = &sp, .max_events = 1};
    for (int k = 0; k < j->d.size; k++) {
        const size_t nk = lens[k] / sizeof *all;
        if (nk) {
            assert_int_equal(ch_grow((void **)&raw.runs.runs, &raw.runs.cap, raw.runs.nruns + 1,
                                     sizeof *raw.runs.runs), 0);
            raw.runs.runs[raw.runs.nruns++] = (ch_evrun){all + at, nk};
        }
        at += nk;
    }
    raw.runs.written = at;
    ch_evset *es = ch_calloc(1, sizeof *es);
    j->rc = ch_evset_build_runs(&raw, es);
    ch_free(raw.runs.runs);
    ch_free(all);
    ch_spill_free(&sp);
    j->out = es;
    return NULL;
}

static void assert_evset_equal(const ch_evset *x, const ch_evset *y)
{
    assert_int_equal(x->n, y->n);
    assert_int_equal(x->nobj, y->nobj);
    assert_int_equal(x->nsrc, y->nsrc);
    assert_memory_equal(x->okey, y->okey, x->nobj * sizeof *x->okey);
    assert_memory_equal(x->ostart, y->ostart, (x->nobj + 1) * sizeof *x->ostart);
    if (x->nsrc)
        assert_memory_equal(x->osrc, y->osrc, x->nobj * sizeof *x->osrc);
    assert_memory_equal(x->t, y->t, x->n * sizeof *x->t);
    assert_memory_equal(x->acct, y->acct, x->n * sizeof *x->acct);
    assert_memory_equal(x->post, y->post, x->n * sizeof *x->post);
}

static void test_grouped_equal_one_process(void **state)
{
    (void)state;
    const size_t n = 12001;
    ch_evrec *ev = make_events(n, 11);
    /* one process: ch_evset_build over the events in extraction order */
    ch_evraw raw = {0};
    raw.ev = ch_malloc(n * sizeof *raw.ev);
    assert_non_null(raw.ev);
    for (size_t i = 0; i < n; i++)
        raw.ev[i] = (ch_ev){ev[i].key, ev[i].t, ev[i].acct, ev[i].post, ev[i].src};
    raw.n = raw.cap = n;
    ch_evset one;
    assert_int_equal(ch_evset_build(&raw, &one), 0);
    /* hot keys split (small threshold) and not (none is hot) */
    static const uint64_t hots[] = {500, 0};
    for (size_t h = 0; h < 2; h++)
        for (int size = 1; size <= MAXR; size++) {
            job jobs[MAXR];
            plan_in in = {ev, n, hots[h]};
            run_ranks(size, -1, group_main, &in, jobs);
            for (int r = 0; r < size; r++)
                assert_int_equal(jobs[r].rc, 0);
            assert_evset_equal(jobs[0].out, &one);
            ch_evset_free(jobs[0].out);
            ch_free(jobs[0].out);
            for (int r = 1; r < size; r++)
                assert_null(jobs[r].out);
        }
    ch_evset_free(&one);
    ch_free(ev);
}

/* ---- the co-action stage over ranks equals one process -------------------------------------- */

/* Posts of 90 accounts: three cells of 6 that repost, link, tag, mention and reply together
 * within seconds, a viral post and a viral URL everyone shares, and background activity. */
static chorus_corpus *make_corpus(unsigned n)
{
    chorus_corpus *c;
    uint32_t f;
    assert_int_equal(chorus_corpus_new(&c), 0);
    assert_int_equal(ch_corpus_add_file(c, "mem", &f), 0);
    uint64_t s = 5;
    char id[32], who[16], ref[32], url[64], tag[16], men[16], text[96];
    ch_rawpost r;
    for (unsigned i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned x = (unsigned)(s >> 33);
        const bool cell = x % 3 == 0;
        const unsigned acct = cell ? (x >> 4) % 18 : 18 + (x >> 4) % 72;
        /* a cell acts in bursts: its time is its burst's, plus seconds */
        const unsigned burst = (x >> 10) % 40;
        const int64_t t = cell ? 1677664800 + (int64_t)(acct / 6) * 7000 + burst * 20000 +
                                     (int64_t)((x >> 16) % 30)
                               : 1677664800 + (int64_t)((x >> 8) % 900000);
        ch_rawpost_clear(&r);
        int idl = snprintf(id, sizeof id, "p%u", i);
        snprintf(who, sizeof who, "u%u", acct);
        r.id = (ch_slice){id, (size_t)idl};
        r.author_id = (ch_slice){who, strlen(who)};
        r.author = r.author_id;
        r.created_at = t;
        const unsigned what = (x >> 20) % 6;
        int rl;
        if (what == 0 || (!cell && (x >> 24) % 4 == 0)) {   /* a repost: viral, or a cell's */
            rl = cell ? snprintf(ref, sizeof ref, "c%u_%u", acct / 6, burst)
                      : snprintf(ref, sizeof ref, "viral");
            r.kind = CH_KIND_REPOST;
            r.ref_id = (ch_slice){ref, (size_t)rl};
            r.ref_author_id = (ch_slice){"src", 3};
        } else if (what == 1) {   /* a reply to a cell's thread */
            rl = snprintf(ref, sizeof ref, "t%u", cell ? acct / 6 * 100 + burst : x % 500);
            r.kind = CH_KIND_REPLY;
            r.ref_id = (ch_slice){ref, (size_t)rl};
        } else {
            r.kind = CH_KIND_POST;
            int tl = snprintf(text, sizeof text, "post %u about things %u", i, x % 97);
            r.text = (ch_slice){text, (size_t)tl};
            int ul = cell ? snprintf(url, sizeof url, "https://news.example/c%u/%u", acct / 6, burst)
                          : (x >> 5) % 3 ? snprintf(url, sizeof url, "https://viral.example/x")
                                         : snprintf(url, sizeof url, "https://b.example/%u", x % 3000);
            ch_rawpost_add_url(&r, url, (size_t)ul);
            int gl = snprintf(tag, sizeof tag, "tag%u", cell ? acct / 6 * 50 + burst : x % 800);
            ch_rawpost_add_hashtag(&r, tag, (size_t)gl);
            int ml = snprintf(men, sizeof men, "m%u", cell ? acct / 6 : 10 + x % 300);
            ch_rawpost_add_mention(&r, men, (size_t)ml);
        }
        bool kept;
        ch_reason why;
        assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), 0);
    }
    return c;
}

typedef struct coact_in {
    const chorus_corpus *c;
    const uint32_t *narr;
    uint64_t hot;
} coact_in;

static void coact_opts(const coact_in *in, ch_coact_opts *o)
{
    ch_coact_opts_default(o);
    o->threads = 1;
    o->narrative_of_post = in->narr;
    o->shuffle_hot = in->hot;
}

static void *coact_main(void *arg)
{
    job *j = arg;
    ch_coact_opts o;
    coact_opts(j->in, &o);
    o.dist = &j->d;
    ch_coact_result *res = NULL;
    j->rc = ch_coact_run(((const coact_in *)j->in)->c, &o, &res);
    j->out = res;
    return NULL;
}

static void assert_result_equal(const ch_coact_result *x, const ch_coact_result *y)
{
    assert_int_equal(x->n_edges, y->n_edges);
    for (size_t i = 0; i < x->n_edges; i++) {   /* field by field: ch_edge has padding */
        const ch_edge *a = &x->edges[i], *b = &y->edges[i];
        assert_int_equal(a->a, b->a);
        assert_int_equal(a->b, b->b);
        assert_int_equal(a->behaviour, b->behaviour);
        assert_int_equal(a->n_objects, b->n_objects);
        assert_int_equal(a->n_events, b->n_events);
        assert_int_equal(a->n_occasions, b->n_occasions);
        assert_int_equal(a->n_units, b->n_units);
        assert_int_equal(a->flags, b->flags);
        assert_int_equal(a->window, b->window);
        assert_true(a->weight == b->weight);   /* identical, not close */
        assert_true(a->expected == b->expected);
        assert_true(a->pvalue == b->pvalue);
    }
    assert_int_equal(x->n_shared, y->n_shared);
    assert_memory_equal(x->shared, y->shared, x->n_shared * sizeof *x->shared);
    assert_int_equal(x->n_evidence, y->n_evidence);
    assert_memory_equal(x->evidence, y->evidence, x->n_evidence * sizeof *x->evidence);
    assert_memory_equal(x->lead, y->lead, x->n_edges * sizeof *x->lead);
    assert_int_equal(x->n_shared_obj, y->n_shared_obj);
    for (size_t i = 0; i < x->n_shared_obj; i++) {
        assert_true(x->shared_obj[i].key == y->shared_obj[i].key);
        assert_int_equal(x->shared_obj[i].type, y->shared_obj[i].type);
        assert_int_equal(x->shared_obj[i].behaviour, y->shared_obj[i].behaviour);
        assert_string_equal(x->shared_obj[i].text, y->shared_obj[i].text);
    }
    assert_memory_equal(x->events, y->events, sizeof x->events);
    assert_memory_equal(x->objects, y->objects, sizeof x->objects);
    assert_memory_equal(x->windows, y->windows, sizeof x->windows);
    assert_memory_equal(x->pairs_tested, y->pairs_tested, sizeof x->pairs_tested);
    assert_int_equal(x->window, y->window);
    assert_true(x->p_cutoff == y->p_cutoff);
}

static void test_coact_ranks_equal_one_process(void **state)
{
    (void)state;
    const unsigned n = 6000;
    chorus_corpus *c = make_corpus(n);
    /* narratives: every 7th post in one of 40, as the narrative stage hands them (rank 0) */
    uint32_t *narr = ch_malloc(n * sizeof *narr);
    assert_non_null(narr);
    for (unsigned i = 0; i < n; i++)
        narr[i] = i % 7 == 0 ? (i / 7) % 40 : CH_NONE;
    coact_in in = {c, narr, 0};
    ch_coact_opts o;
    coact_opts(&in, &o);
    ch_coact_result *one = NULL;
    assert_int_equal(ch_coact_run(c, &o, &one), 0);
    assert_true(one->n_edges > 20);
    assert_true(one->n_evidence > one->n_edges);
    assert_true(one->events[CH_B_REPOST] > 500 && one->events[CH_B_LINK] > 500);
    static const uint64_t hots[] = {0, 64};   /* the default, and hot keys split */
    for (size_t h = 0; h < 2; h++) {
        in.hot = hots[h];
        for (int size = 1; size <= MAXR; size++) {
            job jobs[MAXR];
            run_ranks(size, -1, coact_main, &in, jobs);
            for (int r = 0; r < size; r++)
                assert_int_equal(jobs[r].rc, 0);
            assert_result_equal(jobs[0].out, one);
            for (int r = 1; r < size; r++)   /* the others: their share is with rank 0 */
                assert_int_equal(((ch_coact_result *)jobs[r].out)->n_edges, 0);
            for (int r = 0; r < size; r++)
                ch_coact_result_free(jobs[r].out);
        }
    }
    ch_coact_result_free(one);
    ch_free(narr);
    chorus_corpus_free(c);
}

/* A rank that fails stops every rank at the same exchange, with its error. */
static void test_failure_reaches_every_rank(void **state)
{
    (void)state;
    chorus_corpus *c = make_corpus(800);
    coact_in in = {c, NULL, 0};
    for (int fail = 0; fail < 3; fail++) {
        job jobs[MAXR];
        run_ranks(3, fail, coact_main, &in, jobs);
        for (int r = 0; r < 3; r++) {
            assert_int_equal(jobs[r].rc, CHORUS_ENOMEM);
            assert_null(jobs[r].out);
        }
    }
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner),
        cmocka_unit_test(test_hot_key_split_by_time),
        cmocka_unit_test(test_grouped_equal_one_process),
        cmocka_unit_test(test_coact_ranks_equal_one_process),
        cmocka_unit_test(test_failure_reaches_every_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
