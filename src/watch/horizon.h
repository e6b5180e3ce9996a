/*
 * horizon.h — the records of one source that `chorus watch` holds: every record whose time is
 * within the horizon (the last few days of data), as the raw text it arrived in.
 *
 * Why raw text: at each refresh the watcher rebuilds a corpus from these records with the same
 * reader a scan of the same file would use (ingest/ingest.h, ch_ingest_mem), and runs the same
 * detection chain on it (detect/detect.h). Keeping the records, not parsed posts, makes the
 * refresh give exactly what `chorus scan` gives on the same records, for every format and every
 * side effect of a reader (a Bluesky identity event naming a handle), and costs one parse per
 * refresh (docs/internals/watch.md measures it against detection).
 *
 * Layout: one buffer of records, each followed by '\n' (a JSON-lines text the readers take as
 * is), and an index of (offset, length, time). Records are appended in arrival order; eviction
 * drops every record older than a cutoff wherever it is (arrival order is not time order) and
 * moves the others down, keeping their order, then gives memory back when the buffer is less
 * than half used. `saved` counts the leading records already written to the checkpoint: new
 * records come after them, and eviction keeps the count right.
 *
 * Cost: append O(record); eviction O(records + bytes held). Memory: the records' bytes plus 24
 * bytes each, at most twice that between evictions.
 */
#ifndef CH_HORIZON_H
#define CH_HORIZON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ch_hrec {
    uint64_t off;                 /* in buf */
    uint32_t len;                 /* without the '\n' */
    int64_t time;                 /* Unix seconds: the record's time for eviction */
} ch_hrec;

typedef struct ch_horizon {
    char *buf;
    size_t len, cap;
    ch_hrec *rec;
    size_t n, cap_rec;
    size_t saved;                 /* records [0, saved) are in the checkpoint */
    int64_t max_time;             /* of the records held; INT64_MIN when none */
} ch_horizon;

void ch_horizon_init(ch_horizon *h);
void ch_horizon_free(ch_horizon *h);
/* Appends a record (copied; it must hold no '\n'). Returns 0 or CHORUS_ENOMEM. */
int ch_horizon_append(ch_horizon *h, const char *data, size_t len, int64_t time);
/* Drops every record with time < cutoff; returns how many. */
size_t ch_horizon_evict(ch_horizon *h, int64_t cutoff);
/* Record i's text (not NUL-terminated, followed by '\n'). */
static inline const char *ch_horizon_data(const ch_horizon *h, size_t i)
{
    return h->buf + h->rec[i].off;
}
/* Heap bytes held. */
size_t ch_horizon_bytes(const ch_horizon *h);

#endif
