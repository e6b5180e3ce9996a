/* test_parallel.c — ch_parallel_for: what a thread count means, every task run once on a
 * worker in range, one worker = the calling thread in order, and the failure policy (no task
 * handed out after a failure, every thread joined, the lowest-numbered failing task's error
 * wins even when a later task fails first). */
#define _DEFAULT_SOURCE   /* usleep */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/parallel.h"
#include "core/sys.h"

#define N 2000

typedef struct probe {
    atomic_int runs[N];
    atomic_uint max_worker;
    unsigned workers_allowed;
    pthread_t caller;
    atomic_bool off_caller;      /* a task ran on another thread */
    size_t order[N];             /* one worker: the order tasks ran in */
    atomic_size_t nrun;
    size_t fail_at[2];           /* tasks that fail (SIZE_MAX: none) */
    int fail_rc[2];
    size_t slow;                 /* a task that sleeps before returning (SIZE_MAX: none) */
} probe;

static int task(void *ctx, size_t i, unsigned w)
{
    probe *p = ctx;
    atomic_fetch_add(&p->runs[i], 1);
    unsigned m = atomic_load(&p->max_worker);
    while (w > m && !atomic_compare_exchange_weak(&p->max_worker, &m, w))
        ;
    if (!pthread_equal(pthread_self(), p->caller))
        atomic_store(&p->off_caller, true);
    p->order[atomic_fetch_add(&p->nrun, 1) % N] = i;
    if (i == p->slow)
        usleep(50000);
    for (int k = 0; k < 2; k++)
        if (i == p->fail_at[k])
            return p->fail_rc[k];
    return 0;
}

static void reset(probe *p)
{
    memset(p, 0, sizeof *p);
    p->caller = pthread_self();
    p->fail_at[0] = p->fail_at[1] = p->slow = SIZE_MAX;
}

static void test_thread_count(void **state)
{
    (void)state;
    const int cores = ch_cpu_count();
    const int all = cores < CH_PARALLEL_MAX ? cores : CH_PARALLEL_MAX;
    assert_int_equal(ch_parallel_threads(0), all);
    assert_int_equal(ch_parallel_threads(-5), all);
    assert_int_equal(ch_parallel_threads(1), 1);
    assert_int_equal(ch_parallel_threads(3), 3);
    assert_int_equal(ch_parallel_threads(1000), CH_PARALLEL_MAX);
}

static void test_every_task_once(void **state)
{
    (void)state;
    static probe p;
    const int threads[] = {0, 1, 2, 3, 8, 100};
    const size_t sizes[] = {0, 1, 5, N};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            reset(&p);
            assert_int_equal(ch_parallel_for(threads[t], sizes[s], task, &p), 0);
            for (size_t i = 0; i < N; i++)
                assert_int_equal(atomic_load(&p.runs[i]), i < sizes[s] ? 1 : 0);
            /* workers are numbered densely from 0, never more than threads or tasks */
            if (sizes[s]) {
                assert_true(atomic_load(&p.max_worker) < (unsigned)ch_parallel_threads(threads[t]));
                assert_true(atomic_load(&p.max_worker) < sizes[s]);
            }
        }
    }
}

static void test_one_worker_in_order(void **state)
{
    (void)state;
    static probe p;
    reset(&p);
    assert_int_equal(ch_parallel_for(1, N, task, &p), 0);
    assert_false(atomic_load(&p.off_caller));
    for (size_t i = 0; i < N; i++)
        assert_int_equal(p.order[i], i);
}

static void test_failure(void **state)
{
    (void)state;
    static probe p;
    /* one worker: nothing after the failing task runs */
    reset(&p);
    p.fail_at[0] = 7;
    p.fail_rc[0] = CHORUS_ENOMEM;
    assert_int_equal(ch_parallel_for(1, N, task, &p), CHORUS_ENOMEM);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(atomic_load(&p.runs[i]), i <= 7 ? 1 : 0);
    /* several workers: every task before the failing one ran, and the run stopped early */
    for (int threads = 2; threads <= 4; threads++) {
        reset(&p);
        p.fail_at[0] = 100;
        p.fail_rc[0] = CHORUS_ELIMIT;
        assert_int_equal(ch_parallel_for(threads, N, task, &p), CHORUS_ELIMIT);
        for (size_t i = 0; i <= 100; i++)
            assert_int_equal(atomic_load(&p.runs[i]), 1);
        assert_true(atomic_load(&p.nrun) < N);
    }
    /* the lowest-numbered failure wins, even when a later task fails first: task 10 sleeps,
     * task 50 fails at once on another worker */
    reset(&p);
    p.fail_at[0] = 10;
    p.fail_rc[0] = CHORUS_EUSAGE;
    p.fail_at[1] = 50;
    p.fail_rc[1] = CHORUS_ENOMEM;
    p.slow = 10;
    assert_int_equal(ch_parallel_for(4, N, task, &p), CHORUS_EUSAGE);
    for (size_t i = 0; i <= 10; i++)
        assert_int_equal(atomic_load(&p.runs[i]), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count),
        cmocka_unit_test(test_every_task_once),
        cmocka_unit_test(test_one_worker_in_order),
        cmocka_unit_test(test_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
