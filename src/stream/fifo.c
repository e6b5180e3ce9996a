/*
 * fifo.c — a queue of byte messages in one buffer (see fifo.h).
 */
#include "stream/fifo.h"

#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/stream.h"

typedef struct entry_hdr {
    uint64_t len;
    uint32_t flags;
    uint32_t pad_;
} entry_hdr;

static size_t entry_size(size_t len)
{
    /* header + bytes + padding, rounded up to 8 so headers stay aligned */
    return (sizeof(entry_hdr) + len + CH_STREAM_PADDING + 7) & ~(size_t)7;
}

void ch_fifo_init(ch_fifo *f, size_t hard_cap)
{
    memset(f, 0, sizeof *f);
    f->hard_cap = hard_cap;
}

void ch_fifo_free(ch_fifo *f)
{
    ch_free(f->buf);
    memset(f, 0, sizeof *f);
}

int ch_fifo_push(ch_fifo *f, const void *data, size_t len, uint32_t flags)
{
    if (len > f->hard_cap)
        return CHORUS_ELIMIT;
    size_t need = entry_size(len);
    if (f->tail - f->head + need > f->hard_cap)
        return CHORUS_ELIMIT;
    if (f->head == f->tail) {
        f->head = f->tail = 0;
    } else if (f->head > 0 && (f->head >= f->cap / 2 || f->cap - f->tail < need)) {
        memmove(f->buf, f->buf + f->head, f->tail - f->head);
        f->tail -= f->head;
        f->head = 0;
    }
    if (f->cap - f->tail < need) {
        size_t ncap = f->cap ? f->cap : 64 * 1024;
        while (ncap - f->tail < need)
            ncap *= 2;
        unsigned char *nb = ch_realloc(f->buf, ncap);
        if (!nb)
            return CHORUS_ENOMEM;
        f->buf = nb;
        f->cap = ncap;
    }
    entry_hdr h = {.len = len, .flags = flags};
    memcpy(f->buf + f->tail, &h, sizeof h);
    if (len)
        memcpy(f->buf + f->tail + sizeof h, data, len);
    memset(f->buf + f->tail + sizeof h + len, 0, need - sizeof h - len);
    f->tail += need;
    f->count++;
    return CHORUS_OK;
}

bool ch_fifo_pop(ch_fifo *f, const char **data, size_t *len, uint32_t *flags)
{
    if (f->head == f->tail)
        return false;
    entry_hdr h;
    memcpy(&h, f->buf + f->head, sizeof h);
    *data = (const char *)f->buf + f->head + sizeof h;
    *len = (size_t)h.len;
    if (flags)
        *flags = h.flags;
    f->head += entry_size((size_t)h.len);
    f->count--;
    return true;
}

size_t ch_fifo_bytes(const ch_fifo *f)
{
    return f->tail - f->head;
}

size_t ch_fifo_count(const ch_fifo *f)
{
    return f->count;
}

void ch_fifo_clear(ch_fifo *f)
{
    f->head = f->tail = 0;
    f->count = 0;
}
