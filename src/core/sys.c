/* sys.c — monotonic clock, CPU count, physical memory, heap trimming (see sys.h). */
#define _GNU_SOURCE 1   /* malloc_trim */
#include "core/sys.h"

#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__   /* defined by the headers above */
#include <malloc.h>
#endif

double ch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ch_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

unsigned long long ch_phys_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (unsigned long long)pages * (unsigned long long)size : 0;
}

void ch_mem_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
