/*
 * features.h — per-post text features computed once after ingest and kept in the corpus
 * beside the original text, for every later stage (parroting, narratives, co-actions).
 *
 * ch_corpus_normalize sets every post's ch_corpus_norm to ch_normalize(text) (no offset map:
 * stages that need evidence spans renormalize the few posts they report, with the map).
 * Work is split into chunks of posts over `threads` workers (ch_parallel_for: 0 = all cores);
 * each worker copies into its own corpus worker arena, and a post's normalized text does not
 * depend on which worker wrote it, so neither does the result on the number of threads.
 * Cost: O(total text); memory about the size of the texts.
 */
#ifndef CH_FEATURES_H
#define CH_FEATURES_H

#include "core/post.h"

/* threads: as ch_parallel_for (<= 0 = all cores). Returns 0, CHORUS_ELIMIT (a text too long
 * to normalize) or CHORUS_ENOMEM. */
int ch_corpus_normalize(ch_corpus *c, int threads);

#endif
