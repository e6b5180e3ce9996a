/* features.c — normalization of every post, in parallel, into the corpus (see features.h). */
#include "text/features.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"
#include "core/sys.h"
#include "text/normalize.h"

int ch_threads_resolve(int threads)
{
    if (threads <= 0)
        threads = ch_cpu_count();
    if (threads > CH_CORPUS_WORKERS)
        threads = CH_CORPUS_WORKERS;
    return threads;
}

typedef struct job {
    ch_corpus *c;
    size_t from, to;
    int worker;
    int rc;
} job;

static void *run(void *arg)
{
    job *j = arg;
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    ch_arena *arena = ch_corpus_worker_arena(j->c, j->worker);
    j->rc = CHORUS_OK;
    for (size_t i = j->from; i < j->to; i++) {
        ch_post *p = ch_corpus_post_mut(j->c, i);
        if ((j->rc = ch_normalize(p->text, p->text_len, 0, &nb)))
            break;
        char *s = ch_arena_strndup(arena, nb.s ? nb.s : "", nb.len);
        if (!s) {
            j->rc = CHORUS_ENOMEM;
            break;
        }
        p->norm = s;
        p->norm_len = (uint32_t)nb.len;
    }
    ch_normbuf_free(&nb);
    return NULL;
}

int ch_corpus_normalize(ch_corpus *c, int threads)
{
    size_t n = ch_corpus_nposts(c);
    int t = ch_threads_resolve(threads);
    if ((size_t)t > n / 1024 + 1)
        t = (int)(n / 1024 + 1); /* small corpora are not worth a thread */
    job jobs[CH_CORPUS_WORKERS];
    pthread_t tid[CH_CORPUS_WORKERS];
    bool started[CH_CORPUS_WORKERS] = {false};
    for (int k = 0; k < t; k++) {
        jobs[k] = (job){c, n * (size_t)k / (size_t)t, n * (size_t)(k + 1) / (size_t)t, k, 0};
        if (k > 0 && pthread_create(&tid[k], NULL, run, &jobs[k]) == 0)
            started[k] = true;
    }
    run(&jobs[0]);
    int rc = jobs[0].rc;
    for (int k = 1; k < t; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            run(&jobs[k]); /* thread creation failed: do its share here */
        if (!rc)
            rc = jobs[k].rc;
    }
    return rc;
}
