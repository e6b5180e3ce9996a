/* igraph_env.c — igraph's handlers and default RNG set once for the library, and the lock
 * around every igraph call of the library (see igraph_env.h). */
#include "core/igraph_env.h"

#include <igraph.h>
#include <pthread.h>

#include "chorus.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static igraph_rng_t rng;        /* the library's generator; lives as long as the process */
static igraph_error_t init_error;

static void setup(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    init_error = igraph_rng_init(&rng, &igraph_rngtype_pcg32);
    if (init_error == IGRAPH_SUCCESS)
        igraph_rng_set_default(&rng);   /* igraph keeps a copy of the struct */
}

int ch_igraph_rc(int igraph_error)
{
    switch (igraph_error) {
    case IGRAPH_SUCCESS: return CHORUS_OK;
    case IGRAPH_ENOMEM: return CHORUS_ENOMEM;
    case IGRAPH_EINVAL: return CHORUS_EUSAGE;
    default: return CHORUS_EINTERNAL;
    }
}

int ch_igraph_enter(uint64_t seed)
{
    if (pthread_once(&once, setup) != 0)
        return CHORUS_EINTERNAL;
    if (init_error != IGRAPH_SUCCESS)
        return ch_igraph_rc(init_error);
    pthread_mutex_lock(&lock);
    igraph_rng_t *def = igraph_rng_default();
    if (def->type != rng.type || def->state != rng.state)
        igraph_rng_set_default(&rng);   /* a host replaced it: the results need ours */
    const igraph_error_t ie = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
    if (ie != IGRAPH_SUCCESS) {
        pthread_mutex_unlock(&lock);
        return ch_igraph_rc(ie);
    }
    return CHORUS_OK;
}

void ch_igraph_leave(void)
{
    pthread_mutex_unlock(&lock);
}
