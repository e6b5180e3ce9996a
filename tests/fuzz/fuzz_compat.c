/* fuzz_compat.c — libFuzzer target: the compatibility modes of the co-action stage
 * (coact_compat.c) on posts made from the input. Each line is a post: its first byte picks
 * the author (8 accounts), the kind (post or repost) and a 0–15 s step in time; the rest is
 * the text (CNT's co-similarity tokenizes it as it comes: any bytes, broken UTF-8 included)
 * and, for reposts, the reposted id. Invariants: the run succeeds (or runs out of a bound),
 * every edge joins two different accounts in order, CNT's weights reach min_edge_weight,
 * edges are sorted, and the network of components takes the result. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/post.h"
#include "detect/coact/coact.h"
#include "detect/network/network.h"

static void run(const ch_corpus *c, int compat)
{
    ch_coact_opts o;
    ch_coact_opts_default(&o);
    o.threads = 1;
    o.compat = (uint8_t)compat;
    o.window = 30;
    o.compat_min = 1;
    o.compat_similarity = 0.5;
    ch_coact_result *r = NULL;
    int rc = ch_coact_run(c, &o, &r);
    if (rc == CHORUS_ELIMIT || rc == CHORUS_ENOMEM)
        return;
    if (rc)
        abort();
    for (size_t i = 0; i < r->n_edges; i++) {
        const ch_edge *e = &r->edges[i];
        if (e->a >= e->b || e->b >= ch_corpus_naccounts(c) || !(e->weight >= 1))
            abort();
        if (i && (r->edges[i - 1].behaviour > e->behaviour ||
                  (r->edges[i - 1].behaviour == e->behaviour &&
                   ((uint64_t)r->edges[i - 1].a << 32 | r->edges[i - 1].b) >=
                       ((uint64_t)e->a << 32 | e->b))))
            abort();
    }
    for (size_t i = 0; i < r->n_shared; i++)
        if (r->shared[i].edge >= r->n_edges || r->shared[i].object >= r->n_shared_obj)
            abort();
    ch_network *n = NULL;
    if (ch_network_build_compat(c, r, compat, &n) == CHORUS_OK && n->n_edges > r->n_edges)
        abort();
    ch_network_free(n);
    ch_coact_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_corpus *c;
    if (chorus_corpus_new(&c) != CHORUS_OK)
        return 0;
    int64_t t = 1600000000;
    unsigned id = 0;
    for (size_t i = 0; i < size && id < 2000;) {
        size_t j = i;
        while (j < size && data[j] != '\n')
            j++;
        if (j > i) {
            const uint8_t h = data[i];
            char pid[16], author[4] = {'a', (char)('0' + (h & 7)), 0, 0};
            snprintf(pid, sizeof pid, "p%u", id++);
            t += h >> 4;
            ch_rawpost r;
            ch_rawpost_clear(&r);
            r.id = (ch_slice){pid, strlen(pid)};
            r.author_id = (ch_slice){author, 2};
            r.created_at = t;
            const bool repost = h & 8;
            r.kind = repost ? CH_KIND_REPOST : CH_KIND_POST;
            r.text = (ch_slice){(const char *)data + i + 1, j - i - 1};
            if (repost)   /* a few originals, so reposts meet */
                r.ref_id = (ch_slice){j - i > 1 ? (const char *)data + i + 1 : "x", 1};
            bool kept;
            ch_reason why;
            (void)ch_corpus_add(c, &r, 0, &kept, &why);
        }
        i = j + 1;
    }
    run(c, CH_COMPAT_COORTWEET);
    run(c, CH_COMPAT_CNT);
    chorus_corpus_free(c);
    return 0;
}
