/* parallel.c — a team of workers pulling numbered tasks from a shared counter (see
 * parallel.h for the thread count and the failure policy). */
#include "core/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/sys.h"

int ch_parallel_threads(int threads)
{
    if (threads <= 0)
        threads = ch_cpu_count();
    return threads > CH_PARALLEL_MAX ? CH_PARALLEL_MAX : threads;
}

typedef struct team {
    ch_task_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;       /* next task to hand out */
    atomic_bool stop;         /* a task failed: hand out no more */
    pthread_mutex_t mu;       /* guards the two fields below (taken on failure only) */
    size_t failed;            /* lowest failing task, SIZE_MAX while none */
    int rc;                   /* its error */
} team;

typedef struct member {
    team *t;
    unsigned worker;
} member;

static void *work(void *arg)
{
    const member *m = arg;
    team *t = m->t;
    while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
        const size_t i = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed);
        if (i >= t->n)
            break;
        const int rc = t->fn(t->ctx, i, m->worker);
        if (rc) {
            pthread_mutex_lock(&t->mu);
            if (i < t->failed) {
                t->failed = i;
                t->rc = rc;
            }
            pthread_mutex_unlock(&t->mu);
            atomic_store(&t->stop, true);
        }
    }
    return NULL;
}

int ch_parallel_for(int threads, size_t ntasks, ch_task_fn fn, void *ctx)
{
    if (ntasks == 0)
        return 0;
    size_t want = (size_t)ch_parallel_threads(threads);
    if (want > ntasks)
        want = ntasks;
    team t = {.fn = fn, .ctx = ctx, .n = ntasks, .failed = SIZE_MAX, .rc = 0};
    atomic_init(&t.next, 0);
    atomic_init(&t.stop, false);
    pthread_mutex_init(&t.mu, NULL);
    pthread_t tid[CH_PARALLEL_MAX];
    member mem[CH_PARALLEL_MAX];
    unsigned started = 0;
    /* workers are numbered densely: a thread that cannot start leaves no gap */
    for (size_t k = 1; k < want; k++) {
        mem[started + 1] = (member){&t, started + 1};
        if (pthread_create(&tid[started], NULL, work, &mem[started + 1]) == 0)
            started++;
    }
    mem[0] = (member){&t, 0};
    work(&mem[0]);
    for (unsigned k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    pthread_mutex_destroy(&t.mu);
    return t.rc;
}
