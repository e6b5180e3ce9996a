/* features.c — normalization of every post, in parallel, into the corpus (see features.h). */
#include "text/features.h"

#include <string.h>

#include "chorus.h"
#include "core/parallel.h"
#include "text/normalize.h"

/* Posts per task: small corpora are not worth a thread, and a task costs about a millisecond. */
#define CHUNK 1024

/* A worker's buffer, on its own cache lines (workers update theirs for every post). */
typedef struct wbuf {
    _Alignas(64) ch_normbuf nb;
} wbuf;

typedef struct job {
    ch_corpus *c;
    size_t n;
    wbuf w[CH_CORPUS_WORKERS];   /* one per worker, grown on first use */
} job;

static int run(void *ctx, size_t task, unsigned worker)
{
    job *j = ctx;
    ch_normbuf *nb = &j->w[worker].nb;
    ch_arena *arena = ch_corpus_worker_arena(j->c, (int)worker);
    const size_t from = task * CHUNK, to = from + CHUNK < j->n ? from + CHUNK : j->n;
    for (size_t i = from; i < to; i++) {
        const ch_post *p = ch_corpus_post(j->c, i);
        int rc = ch_normalize(p->text, p->text_len, 0, nb);
        if (rc)
            return rc;
        char *s = ch_arena_strndup(arena, nb->s ? nb->s : "", nb->len);
        if (!s)
            return CHORUS_ENOMEM;
        ch_corpus_set_norm(j->c, i, s, (uint32_t)nb->len);
    }
    return CHORUS_OK;
}

int ch_corpus_normalize(ch_corpus *c, int threads)
{
    job j = {.c = c, .n = ch_corpus_nposts(c)};
    int rc = ch_corpus_norm_reserve(c);
    if (rc)
        return rc;
    for (int k = 0; k < CH_CORPUS_WORKERS; k++)
        ch_normbuf_init(&j.w[k].nb);
    rc = ch_parallel_for(threads, (j.n + CHUNK - 1) / CHUNK, run, &j);
    for (int k = 0; k < CH_CORPUS_WORKERS; k++)
        ch_normbuf_free(&j.w[k].nb);
    return rc;
}
