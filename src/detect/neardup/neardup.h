/*
 * neardup.h — near-duplicate narratives: clusters of posts whose normalized texts are
 * near-identical, found over the whole dataset (no time window) in time linear in the posts.
 *
 * Definitions (docs/neardup.md has the reasoning and the measurements behind the defaults):
 *   - Text: ch_normalize() with default flags (URLs and @mentions removed, NFKC, case folding,
 *     homoglyphs folded, punctuation/emoji dropped, '#' dropped so hashtags are words), then
 *     the ch_tok_* tokenizer: words for space-delimited scripts, one token per Han/Kana/Hangul
 *     character.
 *   - Shingles: the set of n consecutive tokens (n = opts.shingle, default 2: word bigrams,
 *     Chinese character bigrams). A text with fewer than n tokens is one shingle.
 *   - Similarity: Jaccard of the two shingle sets, |A ∩ B| / |A ∪ B|. Two posts are linked when
 *     LSH makes them candidates (below) and their Jaccard is >= opts.threshold (default 0.5).
 *   - Eligible posts: not reposts (kind repost, or a plain post whose text starts "RT @handle"):
 *     a repost carries its original's text and is the repost behaviour, not a new copy of a
 *     narrative (the same rule as coact); not likes (CH_KIND_LIKE: an engagement with no text
 *     of its own, whatever text a reader attached). And at least opts.min_words content units
 *     after normalization (default 5), where a word counts 1 and a Han/Kana/Hangul character
 *     1/2 (so 10 Chinese characters): shorter texts have too little content to call two of
 *     them near-duplicates. Other posts get no narrative.
 *   - Narratives: connected components of linked eligible posts (single linkage); components
 *     of one post are "no narrative".
 *
 * Algorithm: per post, a one-permutation MinHash sketch of opts.hashes bins (default 64) with
 * optimal densification, each bin kept as an 8-bit fingerprint of its minimum shingle (b-bit
 * MinHash): 64 bytes per post. LSH banding on bands of opts.rows bins (default 4): the 16
 * disjoint "row" bands, plus (opts.crossed) 16 "column" bands that reuse the same bins, each
 * meeting each row band of its 4x4 block in one bin — 32 bands from one 64-byte sketch.
 * P(candidate | s) is 0.84 at s = 0.5, 0.98 at 0.6, 0.999 at 0.7 (docs/neardup.md).
 * Candidates are compared by the estimated Jaccard (agreeing bins): clearly above or below the
 * threshold (2.5 standard deviations of the estimate) decides; in between, the exact Jaccard
 * of the two texts, recomputed from the corpus, decides (opts.sketch_only skips this).
 * Within a bucket, members in post order are compared with at most opts.max_leaders
 * representatives ("leaders", the first members that matched no earlier leader): a member
 * joins the first leader it matches (or is skipped when it is already in that leader's
 * component), else it becomes a leader while there is room. So a template posted 100,000
 * times costs ~100,000 comparisons per band, not 5·10⁹. The price: two members of a bucket
 * that both fail every leader are not linked through that bucket (other bands and the
 * leaders' own links usually join them; docs/neardup.md measures it).
 *
 * Determinism: sketches depend only on the text; buckets are processed sequentially in
 * (band, key, post index) order; narrative ids are ordered by (first time, smallest post index).
 * Results do not depend on opts.threads.
 *
 * Cost: O(total text bytes) for normalization and sketching (parallel over posts), plus
 * O(bands × posts) for banding (an LSD radix sort per band) and at most max_leaders sketch
 * comparisons per post and band (exact checks, O(text length) each, only in the gray zone);
 * O(M log M) to order the M narratives. Measured: ~350k posts/s per core, 3x the time of
 * ch_normalize alone (bench/neardup.c). Memory while running, per post: the sketch (hashes
 * bytes), status and union-find state (6 bytes), two 8-byte sort records per eligible post and
 * the 4-byte result: ~90 bytes with the defaults. The result keeps 4 bytes per post plus one
 * ch_narrative per narrative. The corpus is only read.
 *
 * Ownership: a ch_neardup_result belongs to the caller (ch_neardup_result_free). Sketchers
 * belong to their creator; one sketcher per thread.
 */
#ifndef CH_NEARDUP_H
#define CH_NEARDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dist.h"
#include "core/post.h"
#include "core/vocab.h"   /* CH_NONE */

#define CH_NEARDUP_MAX_HASHES 128    /* largest sketch (bins, one byte each) */

typedef struct ch_neardup_opts {
    unsigned shingle;       /* tokens per shingle, 1..8 (default 2) */
    double threshold;       /* Jaccard needed to link two posts, (0, 1] (default 0.5) */
    unsigned min_words;     /* fewer content units: no narrative; 1..1000 (default 5) */
    unsigned hashes;        /* sketch bins, 16..CH_NEARDUP_MAX_HASHES (default 64) */
    unsigned rows;          /* bins per LSH band, 2..8 (default 4) */
    bool crossed;           /* bands: hashes / rows disjoint "row" bands, plus (when true, the
                               default) one "column" band per column of each rows x rows block
                               of bins: 16 + 16 bands from 64 bins */
    unsigned max_leaders;   /* representatives compared per bucket, 1..64 (default 4) */
    int threads;            /* sketching threads; 0 = all cores. Results do not depend on it */
    bool sketch_only;       /* decide every comparison from the sketches alone (faster, noisier
                               near the threshold); default false: exact check in the gray zone */
    const ch_dist *dist;    /* ranks of a distributed scan, or NULL (default): each rank
                               sketches the posts of its block (core/dist.h), rank 0 gathers
                               them and alone bands and clusters. Every rank calls
                               ch_neardup_run; on ranks other than 0 the result has no
                               narratives (narrative_of_post all CH_NONE, no stats) */
    size_t max_sketch_bytes; /* past the memory budget: sketches larger than this (hashes bytes
                               a post) go to a temporary file in spill_dir mapped back, whose
                               pages leave the resident set as the bands are read; the
                               buckets and representatives read the sketches they compare
                               from the file (pread), not the mapping (same results);
                               0 (default): in memory */
    const char *spill_dir;  /* NULL or "": $TMPDIR, else /tmp */
    char *err;              /* optional (err_size bytes): why the file could not be written,
                               when the stage returns CHORUS_EIO */
    size_t err_size;
} ch_neardup_opts;

void ch_neardup_opts_default(ch_neardup_opts *o);

typedef struct ch_narrative {
    uint32_t size;          /* posts (>= 2) */
    uint32_t n_accounts;    /* distinct accounts among them */
    int64_t first_seen;     /* earliest created_at */
    int64_t last_seen;      /* latest created_at */
    uint32_t first_post;    /* corpus index of the earliest post (smallest index on ties) */
    uint32_t rep_post;      /* corpus index of the representative: the medoid by sketch
                               similarity of up to CH_NEARDUP_REP_SAMPLE members (the first
                               post and members evenly spaced in corpus order); ties -> the
                               earliest */
} ch_narrative;

#define CH_NEARDUP_REP_SAMPLE 8

/* Why posts got no narrative, and what the clustering did (for run summaries and tuning). */
typedef struct ch_neardup_stats {
    uint64_t eligible;      /* posts sketched and banded */
    uint64_t reposts;       /* excluded as reposts */
    uint64_t short_texts;   /* excluded: fewer than min_words content units */
    uint64_t likes;         /* excluded: likes (no text of their own) */
    uint64_t in_narratives; /* posts with a narrative id */
    uint64_t compared;      /* sketch comparisons made in buckets */
    uint64_t exact;         /* comparisons in the gray zone, decided by the exact Jaccard */
    uint64_t links;         /* comparisons that joined two components */
    uint64_t skipped;       /* bucket members already in a leader's component */
    uint64_t unplaced;      /* bucket members that matched no leader when the leaders were full */
    uint64_t max_bucket;    /* largest LSH bucket seen */
    uint64_t spilled_bytes; /* sketch bytes in the temporary file (max_sketch_bytes), or 0 */
    double seconds_sketch, seconds_band, seconds_finish;  /* wall time per phase */
} ch_neardup_stats;

typedef struct ch_neardup_result {
    uint32_t *narrative_of_post; /* one per corpus post; CH_NONE = none */
    size_t n_posts;
    ch_narrative *narratives;    /* ordered by (first_seen, first_post): the id is the index */
    size_t n_narratives;
    ch_neardup_stats stats;
} ch_neardup_result;

/*
 * Clusters the corpus. o may be NULL (defaults). Returns CHORUS_OK, CHORUS_EUSAGE (an option
 * out of range), CHORUS_ELIMIT (more than UINT32_MAX - 1 posts) or CHORUS_ENOMEM. *out belongs
 * to the caller (ch_neardup_result_free); on error *out is NULL. An empty corpus gives an
 * empty result.
 */
int ch_neardup_run(const ch_corpus *c, const ch_neardup_opts *o, ch_neardup_result **out);
void ch_neardup_result_free(ch_neardup_result *r);   /* harmless on NULL */

/* ---- single texts: the sketch and the similarity, for tests, benchmarks and tuning ------- */

typedef struct ch_neardup_sketcher ch_neardup_sketcher;

/* A sketcher with o's shingle size and number of hashes (o may be NULL: defaults). Returns
 * CHORUS_OK, CHORUS_EUSAGE or CHORUS_ENOMEM. Free with ch_neardup_sketcher_free. */
int ch_neardup_sketcher_new(const ch_neardup_opts *o, ch_neardup_sketcher **out);
void ch_neardup_sketcher_free(ch_neardup_sketcher *s);   /* harmless on NULL */

/*
 * Sketches text[0..len): writes o->hashes fingerprint bytes to sk and the text's content units
 * times two (a word 2, a CJK character 1) to *units2 (may be NULL). A text without tokens gets
 * an all-zero sketch and *units2 = 0. Returns CHORUS_OK, CHORUS_ELIMIT (text too long to
 * normalize) or CHORUS_ENOMEM. Cost: O(len).
 */
int ch_neardup_sketch(ch_neardup_sketcher *s, const char *text, size_t len, uint8_t *sk,
                      uint32_t *units2);

/* Jaccard estimated from two sketches of `hashes` bins (corrected for 8-bit fingerprint
 * collisions, clamped to [0, 1]). */
double ch_neardup_estimate(const uint8_t *a, const uint8_t *b, unsigned hashes);

/* Exact Jaccard of the shingle sets of two texts (1 when both have no shingles). Returns
 * CHORUS_OK, CHORUS_ELIMIT or CHORUS_ENOMEM. Cost: O(len log len). */
int ch_neardup_jaccard(ch_neardup_sketcher *s, const char *a, size_t na, const char *b,
                       size_t nb, double *out);

/* True when the post is excluded as a repost (see the definitions above). */
bool ch_neardup_is_repost(const ch_post *p);

#endif
