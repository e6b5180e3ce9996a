/*
 * fifo.h — a queue of byte messages in one contiguous buffer: what a network source has
 * received and not yet handed out.
 *
 * Each entry is stored as a header (length, flags) followed by the bytes and
 * CH_STREAM_PADDING readable bytes, so a popped message parses in place. A popped message
 * stays valid until the next push (which may compact the buffer). Pushing never fails for
 * size alone below `hard_cap` bytes held; the owner pauses its producer well before (at its
 * own high-water mark, see ch_fifo_bytes).
 *
 * Cost: push is one copy (amortised O(len)); pop is O(1); the buffer compacts when the
 * consumed head passes half of it.
 */
#ifndef CH_FIFO_H
#define CH_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ch_fifo {
    unsigned char *buf;
    size_t cap, head, tail;       /* entries in buf[head..tail) */
    size_t count;
    size_t hard_cap;
} ch_fifo;

void ch_fifo_init(ch_fifo *f, size_t hard_cap);
void ch_fifo_free(ch_fifo *f);
/* Appends a copy of data[0..len). Returns 0, CHORUS_ELIMIT (would exceed hard_cap) or
 * CHORUS_ENOMEM. */
int ch_fifo_push(ch_fifo *f, const void *data, size_t len, uint32_t flags);
/* Oldest message, removed from the queue; false when empty. */
bool ch_fifo_pop(ch_fifo *f, const char **data, size_t *len, uint32_t *flags);
/* Bytes held (headers and padding included). */
size_t ch_fifo_bytes(const ch_fifo *f);
size_t ch_fifo_count(const ch_fifo *f);
void ch_fifo_clear(ch_fifo *f);

#endif
