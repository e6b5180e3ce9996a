/*
 * parallel.h — the one way the library spreads work over threads: ch_parallel_for runs
 * numbered tasks on a team of workers started for the call. Every stage that fans out
 * (normalization, narratives, parroting, co-actions) goes through it, so "threads" means one
 * thing everywhere.
 *
 * Thread count: `threads` <= 0 means one worker per online core (ch_cpu_count); every value is
 * capped at CH_PARALLEL_MAX. ch_parallel_threads() says what a value means. The calling thread
 * is worker 0 and works too, and there are never more workers than tasks: with one worker
 * every task runs on the calling thread, in order, and no thread is started.
 *
 * Scheduling: tasks are handed out one at a time in increasing order to whichever worker is
 * free, so which worker runs a task depends on timing. Results must not: a task writes only
 * its own output slot, or state of its worker (indexed by the worker number, below
 * ch_parallel_threads(threads)) that the caller merges in a fixed order afterwards. The stages'
 * tests compare thread counts.
 *
 * Failure policy: a task that returns non-zero stops the handing out of further tasks; tasks
 * already running finish; every started thread is joined before ch_parallel_for returns. The
 * first error wins: the return value is the error of the lowest-numbered failing task (every
 * task before it was handed out, so ran to its end). A thread that cannot be created is not an
 * error: its share goes to the workers that exist (at least the caller).
 *
 * Cost: one thread creation per extra worker and call (tens of microseconds), one atomic
 * increment per task: give tasks at least tens of microseconds of work each.
 */
#ifndef CH_PARALLEL_H
#define CH_PARALLEL_H

#include <stddef.h>

#define CH_PARALLEL_MAX 64   /* most workers of one call */

/* The number of workers `threads` asks for: <= 0 all online cores; at most CH_PARALLEL_MAX. */
int ch_parallel_threads(int threads);

/* One task: does task number `task` on worker `worker`; returns 0 or an error code. */
typedef int (*ch_task_fn)(void *ctx, size_t task, unsigned worker);

/* Runs fn(ctx, i, w) for every i in [0, ntasks) on up to ch_parallel_threads(threads)
 * workers. Returns 0 or the error of the lowest-numbered failing task (see above). */
int ch_parallel_for(int threads, size_t ntasks, ch_task_fn fn, void *ctx);

#endif
