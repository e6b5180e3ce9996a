/*
 * igraph_env.h — the library's use of igraph's process-wide state, in one place.
 *
 * igraph (0.10, as Debian builds it: IGRAPH_THREAD_SAFE is 0) keeps its error handler, warning
 * handler, default random number generator and its stack of temporaries to free on error in
 * process globals. So:
 *   - handlers: at the library's first igraph call (pthread_once), chorus installs a
 *     non-aborting error handler (igraph_error_handler_ignore: temporaries are freed and the
 *     error code comes back) and a silent warning handler, and never swaps them per call. The
 *     library must never abort or print; a host program that installs an aborting handler
 *     afterwards takes that guarantee away.
 *   - random numbers: at the same time chorus makes a PCG32 generator igraph's default RNG,
 *     and ch_igraph_enter reseeds it before each use, so results are a function of the seed
 *     (should a host replace the default generator, ch_igraph_enter puts chorus's back).
 *   - threads: every igraph call of the library runs between ch_igraph_enter and
 *     ch_igraph_leave, which hold one library-wide mutex: igraph is never entered from two
 *     threads of chorus at once, and the seed and the calls it feeds are not interleaved. A
 *     host that calls igraph itself must not do so while a chorus call runs igraph.
 * Memory that igraph allocates is outside ch_malloc's failure injection.
 */
#ifndef CH_IGRAPH_ENV_H
#define CH_IGRAPH_ENV_H

#include <stdint.h>

/* Sets igraph up for the library (once), takes the library's igraph lock and seeds igraph's
 * default RNG with seed. Returns 0 with the lock held (release it with ch_igraph_leave), or
 * CHORUS_ENOMEM / CHORUS_EINTERNAL without it. */
int ch_igraph_enter(uint64_t seed);
void ch_igraph_leave(void);

/* An igraph_error_t as a chorus_err: success 0, out of memory CHORUS_ENOMEM, an invalid value
 * CHORUS_EUSAGE, anything else CHORUS_EINTERNAL. */
int ch_igraph_rc(int igraph_error);

#endif
