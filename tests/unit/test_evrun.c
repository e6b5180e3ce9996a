/* test_evrun.c — co-action events past the memory budget (detect/coact/evrun.h): the sorted
 * runs written to the spill file and merged by object key give the grouped set the in-memory
 * build gives, for one run, many runs spread over chunks, runs larger than a chunk, equal keys
 * and times across runs, sources, no events; a file that cannot be written is an error with a
 * reason, and no file is left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/spill.h"
#include "detect/coact/coact_int.h"
#include "detect/coact/evrun.h"
#include "scratch_dir.h"

SCRATCH_DIR_GROUP("test_evrun")

/* n events in extraction (post) order: keys from nkeys objects (some with a source, some
 * hashed), times with many ties, the same object met again much later. */
static ch_ev *make_events(size_t n, uint32_t nkeys, bool sources, unsigned seed)
{
    ch_ev *ev = malloc((n ? n : 1) * sizeof *ev);
    assert_non_null(ev);
    srand(seed);
    uint32_t post = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t k = (uint32_t)rand() % nkeys;
        const uint64_t key = k % 3 ? (uint64_t)k * 7919 : (UINT64_C(1) << 63) | ((uint64_t)k << 20);
        /* a post may act on two objects (two links): same post, different keys */
        if (rand() % 4)
            post++;
        ev[i] = (ch_ev){.key = key,
                        .t = 1000 + rand() % 50,   /* ties within and across runs */
                        .acct = (uint32_t)rand() % 37,
                        .post = post,
                        .src = sources && k % 5 ? 1 + k % 4 : 0};
        /* the same post never acts twice on one object in one behaviour */
        if (i && ev[i - 1].post == post && ev[i - 1].key == key)
            ev[i].post = ++post;
    }
    return ev;
}

static void assert_same_set(const ch_evset *a, const ch_evset *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->nobj, b->nobj);
    assert_int_equal(a->nsrc, b->nsrc);
    assert_memory_equal(a->okey, b->okey, a->nobj * sizeof *a->okey);
    assert_memory_equal(a->ostart, b->ostart, (a->nobj + 1) * sizeof *a->ostart);
    if (a->nsrc)
        assert_memory_equal(a->osrc, b->osrc, a->nobj * sizeof *a->osrc);
    if (a->n) {
        assert_memory_equal(a->t, b->t, a->n * sizeof *a->t);
        assert_memory_equal(a->acct, b->acct, a->n * sizeof *a->acct);
        assert_memory_equal(a->post, b->post, a->n * sizeof *a->post);
    }
}

/* Pushes ev[0..n) into a spilling raw as the extraction does, then finishes it. */
static int push_all(ch_evraw *raw, const ch_ev *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (raw->n == raw->cap) {
            int rc = ch_evraw_room(raw);
            if (rc)
                return rc;
        }
        raw->ev[raw->n++] = ev[i];
    }
    return ch_evraw_finish(raw);
}

/* The grouped set the in-memory build makes of ev[0..n): what every spilled build must equal. */
static void in_memory_set(const ch_ev *ev, size_t n, ch_evset *want)
{
    ch_evraw mem = {0};
    mem.ev = ch_malloc((n ? n : 1) * sizeof *mem.ev);
    assert_non_null(mem.ev);
    memcpy(mem.ev, ev, n * sizeof *ev);
    mem.n = mem.cap = n;
    assert_int_equal(ch_evset_build(&mem, want), CHORUS_OK);
}

/* The set from runs of max_events (chunks of `chunk` bytes) equals the in-memory one. */
static void check(size_t n, uint32_t nkeys, bool sources, size_t max_events, size_t chunk,
                  size_t min_runs)
{
    ch_ev *ev = make_events(n, nkeys, sources, (unsigned)(n * 31 + max_events));
    ch_evset want, got;
    in_memory_set(ev, n, &want);

    ch_spill sp;
    ch_spill_init(&sp, dir);
    sp.chunk = chunk;
    ch_evraw raw = {.runs = {.sp = &sp, .max_events = max_events}};
    assert_int_equal(push_all(&raw, ev, n), CHORUS_OK);
    assert_true(raw.runs.nruns >= min_runs);
    assert_int_equal(raw.runs.written, raw.runs.nruns ? n : 0);
    assert_int_equal(scratch_files_in(dir), 0);   /* unlinked at once */
    int rc = raw.runs.nruns ? ch_evset_build_runs(&raw, &got) : ch_evset_build(&raw, &got);
    assert_int_equal(rc, CHORUS_OK);
    assert_same_set(&want, &got);
    assert_null(raw.runs.runs);           /* consumed */
    ch_evset_free(&want);
    ch_evset_free(&got);
    ch_free(raw.ev);
    ch_spill_free(&sp);
    assert_int_equal(scratch_files_in(dir), 0);
    free(ev);
}

static void test_one_run(void **state)
{
    (void)state;
    /* the buffer filled exactly once, then the rest: two runs */
    check(500, 40, true, 499, 0, 2);
    /* a buffer that never fills writes no run: the events stay in memory */
    check(500, 40, true, 500, 0, 0);
    /* every event in one run */
    const size_t n = 700;
    ch_ev *ev = make_events(n, 50, true, 5);
    ch_evset want, got;
    in_memory_set(ev, n, &want);
    ch_spill sp;
    ch_spill_init(&sp, dir);
    ch_evraw raw = {.runs = {.sp = &sp, .max_events = n}};
    assert_int_equal(ch_evruns_write(&raw.runs, ev, n), CHORUS_OK);
    assert_int_equal(raw.runs.nruns, 1);
    assert_int_equal(ch_evset_build_runs(&raw, &got), CHORUS_OK);
    assert_same_set(&want, &got);
    ch_evset_free(&want);
    ch_evset_free(&got);
    ch_spill_free(&sp);
    free(ev);
}

static void test_many_runs_across_chunks(void **state)
{
    (void)state;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    /* runs of 7 events (280 bytes): many per one-page chunk, then the next chunk */
    check(3000, 100, true, 7, page, 400);
    /* runs larger than a chunk get a chunk of their own */
    check(3000, 100, false, 450, page, 6);
    /* one object only: equal keys in every run */
    check(2000, 1, true, 13, page, 150);
    /* one event per run */
    check(200, 20, true, 1, page, 200);
    /* every object distinct */
    check(2000, 1u << 30, false, 64, 0, 30);
}

static void test_empty(void **state)
{
    (void)state;
    check(0, 1, true, 8, 0, 0);   /* nothing extracted: no run, the in-memory build */
    /* the merge of no run */
    ch_spill sp;
    ch_spill_init(&sp, dir);
    ch_evraw raw = {.runs = {.sp = &sp, .max_events = 4}};
    ch_evset es;
    assert_int_equal(ch_evset_build_runs(&raw, &es), CHORUS_OK);
    assert_int_equal(es.n, 0);
    assert_int_equal(es.nobj, 0);
    assert_int_equal(es.ostart[0], 0);
    ch_evset_free(&es);
    ch_spill_free(&sp);
}

static void test_unwritable(void **state)
{
    (void)state;
    ch_ev *ev = make_events(100, 10, false, 1);
    ch_spill sp;
    ch_spill_init(&sp, "/nonexistent/chorus-test");
    ch_evraw raw = {.runs = {.sp = &sp, .max_events = 10}};
    assert_int_equal(push_all(&raw, ev, 100), CHORUS_EIO);
    assert_non_null(strstr(sp.err, "cannot create a temporary file"));
    ch_free(raw.ev);
    ch_evruns_free(&raw.runs);
    ch_spill_free(&sp);
    free(ev);
}

/* A disk that fills up: the file may not grow past 1 MiB (RLIMIT_FSIZE, as a full disk
 * refuses the blocks fallocate asks for); the second chunk cannot be reserved. */
static void test_disk_full(void **state)
{
    (void)state;
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {(rlim_t)1 << 20, old.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const size_t n = 100000;   /* 4 MB of records */
    ch_ev *ev = make_events(n, 1000, true, 2);
    ch_spill sp;
    ch_spill_init(&sp, dir);
    sp.chunk = (size_t)1 << 20;
    ch_evraw raw = {.runs = {.sp = &sp, .max_events = 20000}};
    const int rc = push_all(&raw, ev, n);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, CHORUS_EIO);
    assert_non_null(strstr(sp.err, "cannot extend the temporary file"));
    ch_free(raw.ev);
    ch_evruns_free(&raw.runs);
    ch_spill_free(&sp);
    assert_int_equal(scratch_files_in(dir), 0);
    free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_run),
        cmocka_unit_test(test_many_runs_across_chunks),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
