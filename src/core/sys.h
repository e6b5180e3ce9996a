/*
 * sys.h — the two things every stage asks of the system: a monotonic clock for timings, and
 * the number of online CPUs for "use every core". One place, so each is done one way.
 */
#ifndef CH_SYS_H
#define CH_SYS_H

/* Monotonic seconds (CLOCK_MONOTONIC), for measuring durations only. */
double ch_now(void);
/* Online CPUs, at least 1. */
int ch_cpu_count(void);

#endif
