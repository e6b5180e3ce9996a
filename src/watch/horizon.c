/* horizon.c — the records a watcher holds for one source (see horizon.h). */
#include "watch/horizon.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"

void ch_horizon_init(ch_horizon *h)
{
    memset(h, 0, sizeof *h);
    h->max_time = INT64_MIN;
}

void ch_horizon_free(ch_horizon *h)
{
    ch_free(h->buf);
    ch_free(h->rec);
    ch_horizon_init(h);
}

int ch_horizon_append(ch_horizon *h, const char *data, size_t len, int64_t time)
{
    if (len >= UINT32_MAX)
        return CHORUS_ELIMIT;
    size_t need;
    if (!ch_add_ok(h->len, len + 1, &need))
        return CHORUS_ENOMEM;
    if (ch_grow((void **)&h->buf, &h->cap, need, 1) ||
        ch_grow((void **)&h->rec, &h->cap_rec, h->n + 1, sizeof *h->rec))
        return CHORUS_ENOMEM;
    memcpy(h->buf + h->len, data, len);
    h->buf[h->len + len] = '\n';
    h->rec[h->n++] = (ch_hrec){h->len, (uint32_t)len, time};
    h->len = need;
    if (time > h->max_time)
        h->max_time = time;
    return CHORUS_OK;
}

/* Gives memory back when less than half of it is used (eviction just shrank the contents):
 * what a long run holds follows the horizon's contents, not their peak. */
static void shrink(ch_horizon *h)
{
    if (h->cap > 2 * h->len + ((size_t)1 << 20)) {
        size_t cap = h->len + h->len / 4 + 4096;
        char *p = ch_realloc(h->buf, cap);
        if (p) {
            h->buf = p;
            h->cap = cap;
        }
    }
    if (h->cap_rec > 2 * h->n + 4096) {
        size_t cap = h->n + h->n / 4 + 1024;
        ch_hrec *r = ch_realloc(h->rec, cap * sizeof *r);
        if (r) {
            h->rec = r;
            h->cap_rec = cap;
        }
    }
}

size_t ch_horizon_evict(ch_horizon *h, int64_t cutoff)
{
    size_t k = 0, o = 0, saved = 0;
    int64_t max = INT64_MIN;
    for (size_t i = 0; i < h->n; i++) {
        ch_hrec r = h->rec[i];
        if (r.time < cutoff)
            continue;
        if (r.off != o)
            memmove(h->buf + o, h->buf + r.off, (size_t)r.len + 1);
        r.off = o;
        o += (size_t)r.len + 1;
        h->rec[k++] = r;
        saved += i < h->saved;
        if (r.time > max)
            max = r.time;
    }
    size_t dropped = h->n - k;
    h->n = k;
    h->len = o;
    h->saved = saved;
    h->max_time = max;
    if (dropped)
        shrink(h);
    return dropped;
}

size_t ch_horizon_bytes(const ch_horizon *h)
{
    return h->cap + h->cap_rec * sizeof *h->rec;
}
