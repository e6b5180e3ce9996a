/*
 * features.h — per-post text features computed once after ingest and kept in the corpus
 * beside the original text, for every later stage (parroting, narratives, co-actions).
 *
 * ch_corpus_normalize fills ch_post.norm / norm_len with ch_normalize(text) (no offset map:
 * stages that need evidence spans renormalize the few posts they report, with the map).
 * Work is split into contiguous ranges of posts over `threads` threads; each writes into its
 * own corpus worker arena, so the result does not depend on the number of threads.
 * Cost: O(total text); memory about the size of the texts.
 */
#ifndef CH_FEATURES_H
#define CH_FEATURES_H

#include "core/post.h"

/* threads <= 0: the number of online CPUs (at most CH_CORPUS_WORKERS). Returns 0 or
 * CHORUS_ENOMEM. */
int ch_corpus_normalize(ch_corpus *c, int threads);

/* The number of worker threads to use for `threads` (<= 0 = all CPUs), clamped to
 * [1, CH_CORPUS_WORKERS]. */
int ch_threads_resolve(int threads);

#endif
