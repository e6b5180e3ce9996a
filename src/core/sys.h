/*
 * sys.h — what the stages ask of the system: a monotonic clock for timings, the number of
 * online CPUs for "use every core", the physical memory for a default memory budget, and
 * giving freed memory back. One place, so each is done one way.
 */
#ifndef CH_SYS_H
#define CH_SYS_H

/* Monotonic seconds (CLOCK_MONOTONIC), for measuring durations only. */
double ch_now(void);
/* Online CPUs, at least 1. */
int ch_cpu_count(void);
/* Physical memory in bytes, or 0 when the system does not say. */
unsigned long long ch_phys_memory(void);
/* Gives the heap's free pages back to the system (glibc's malloc_trim; nothing elsewhere): for
 * when a stage's scratch was freed, so the next stage's peak does not stack on pages the
 * allocator kept. Cost: a walk over the heap's free chunks. */
void ch_mem_trim(void);

#endif
