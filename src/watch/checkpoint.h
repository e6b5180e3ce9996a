/*
 * checkpoint.h — the folder where `chorus watch` keeps what it needs to resume after a crash:
 * the records of its horizon, its sources' positions and its detector state.
 *
 * Layout of the folder (by default beside the results database, "<db>.watch"):
 *   lock                  held (flock) by the running watcher: a second watcher on the same
 *                         folder is refused instead of corrupting it
 *   state.json            the state (watch.c writes it: sources, cursors, detector state,
 *                         alerts not yet in the database, the list of segments)
 *   seg-NNNNNNNNNNNN.tsv  segments: the records that arrived between two checkpoints, one per
 *                         line as "SOURCE<TAB>TIME<TAB>RECORD" (SOURCE the source's index,
 *                         TIME the record's time in Unix seconds, RECORD its JSON text, which
 *                         holds no newline)
 *
 * Every file is written beside its final name and renamed into place after an fsync
 * (core/outfile.h): a crash leaves the previous checkpoint whole. A segment is written once and
 * never changed; the state names the segments that belong to it, so segments written by a
 * checkpoint that never finished, or no longer needed, are removed (ch_ckpt_prune). Writing a
 * checkpoint costs the records that arrived since the previous one, not the whole horizon.
 *
 * Errors: CHORUS_EIO with a message naming the file, CHORUS_EUSAGE (the folder is another
 * watcher's, or not a folder), CHORUS_EPARSE (a damaged segment line), CHORUS_ENOMEM.
 */
#ifndef CH_CHECKPOINT_H
#define CH_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "watch/horizon.h"

typedef struct ch_ckpt ch_ckpt;

#define CH_CKPT_SEG_NAME 32       /* "seg-" 12 digits ".tsv" and the NUL */

/* Creates the folder when missing and takes its lock. With `fresh`, removes a previous
 * state and its segments. */
int ch_ckpt_open(const char *dir, bool fresh, ch_ckpt **out, char *err, size_t errlen);
void ch_ckpt_close(ch_ckpt *k);   /* releases the lock; NULL is fine */
const char *ch_ckpt_dir(const ch_ckpt *k);

/* The state file's text (NUL-terminated, *out freed by the caller with ch_free), or *out NULL
 * when there is none. At most 1 GiB. */
int ch_ckpt_read_state(ch_ckpt *k, char **out, size_t *len, char *err, size_t errlen);
int ch_ckpt_write_state(ch_ckpt *k, const char *text, size_t len, char *err, size_t errlen);

/* Writes the records [saved, n) of every horizon (all of them with `all`) as segment
 * seg-<seq>.tsv, and marks them saved. *max_time gets the newest record time written
 * (INT64_MIN when none) and *records how many; nothing is written when there is none (name
 * is then ""). */
int ch_ckpt_write_segment(ch_ckpt *k, uint64_t seq, ch_horizon *const *h, size_t nh, bool all,
                          char name[CH_CKPT_SEG_NAME], int64_t *max_time, uint64_t *records,
                          char *err, size_t errlen);
/* Calls fn for every record of a segment, in order. fn returns 0 or an error that stops. */
typedef int (*ch_ckpt_rec_fn)(void *ctx, size_t source, int64_t time, const char *data,
                              size_t len);
int ch_ckpt_read_segment(ch_ckpt *k, const char *name, ch_ckpt_rec_fn fn, void *ctx,
                         char *err, size_t errlen);
/* Removes the segments not named in keep (and leftovers of interrupted writes). */
void ch_ckpt_prune(ch_ckpt *k, const char *const *keep, size_t nkeep);

#endif
