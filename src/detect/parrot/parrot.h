/*
 * parrot.h — finding posts that copy, excerpt or lightly paraphrase official statements
 * ("parroting"), with the aligned evidence in both texts.
 *
 * How it works (docs/parroting.md has the measurements behind every default):
 *   index  every statement is normalized (ch_normalize) and tokenized (words; one token per
 *          Han/Kana/Hangul character) into canonical word forms (text/lex.h: hashtag and
 *          mention words, abbreviations and acronyms, numbers, Snowball stems, WordNet
 *          synonyms; the statement's language picks the stemmer, a post's is guessed). Each pair of consecutive tokens within a sentence (a
 *          word bigram, or a CJK character bigram) is a shingle. A hash table maps each
 *          shingle to the statements holding it (its document frequency is the list's length);
 *          a per-statement forward index gives its positions; a table of token document
 *          frequencies gives each word an IDF weight, so stock words shared by many statements
 *          ("internal affairs", "stop smearing") weigh little.
 *   match  a post is normalized and tokenized the same way; its shingles vote for the
 *          statements holding them, rarest first, under a fixed budget of postings (the cost
 *          per post is bounded whatever the statements). The best-voted statements are
 *          verified: the post's shingles found in a statement are chained by dynamic
 *          programming over anchors that keep order in both texts, allowing gaps of a few words
 *          (substituted or mistyped) and a little drift (words inserted or dropped), but not
 *          joining two sentences of the post where the statement has one. Each chain is an
 *          aligned segment; several segments cover clause or sentence reorders. Gaps between
 *          anchors are aligned word by word, segments are widened over mistyped words (edit
 *          distance 1, or 2 from 8 letters).
 *          similarity = IDF weight of the post's words found in the statement (a substituted
 *          word inside a segment counts `subst_credit`) / IDF weight of all the post's words:
 *          how much of the POST is contained in the statement (containment, not Jaccard: a
 *          one-sentence excerpt of a long op-ed scores 1). Hashtags that are not part of the
 *          copied text, URLs, @mentions, emoji and a leading "RT" do not count. A quotation in
 *          the post (text in quotation marks, or after a lead-in colon such as "The embassy
 *          says:") is also measured on its own, and the higher figure is the similarity: a
 *          journalist's quote is as faithful as a bot's bare copy.
 *          A match needs similarity >= threshold AND at least `min_tokens` words found (a CJK
 *          character counts half: 6 words or 12 characters by default), in segments of at
 *          least 4 words, so short posts and stock phrases do not match. Words of @mentions
 *          align but never count toward these floors; a split hashtag counts one word; a token
 *          that joins words ("62 per cent") counts and weighs as those words. When no statement
 *          matches the whole post, each of its sentences is measured on its own (a copy with a
 *          sentence of its own added), if it is at least half of the post and nearly whole.
 *   ties   when statements hold the same passage (stock sentences recur), the one published
 *          last before the post wins in ch_parrot_match_text; ch_parrot_match_corpus then asks
 *          the neighbouring posts (see there).
 *
 * Ownership: the index borrows the statement set (it must outlive the index) and owns
 * everything else. An index is immutable after ch_parrot_build and may be shared by threads;
 * each thread needs its own ch_parrot_scratch. Results never depend on the thread count.
 *
 * Cost: build O(statement bytes); memory ≈ 5-12× the statement text (see ch_parrot_bytes;
 * measured in docs/parroting.md). Match O(post length + vote budget + candidates × anchors);
 * a post without a candidate costs one normalization and one hash probe per shingle.
 */
#ifndef CH_PARROT_H
#define CH_PARROT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "core/dist.h"
#include "core/post.h"
#include "core/vocab.h"   /* CH_NONE */
#include "ingest/statements.h"

/* Tunables. ch_parrot_params_default gives the measured defaults. */
typedef struct ch_parrot_params {
    unsigned shingle;        /* tokens per shingle: 2 or 3 */
    double threshold;        /* minimum similarity to report a match, in (0, 1] */
    double min_tokens;       /* minimum matched tokens (a CJK character counts 1/2) */
    double subst_credit;     /* credit of a substituted token inside an aligned segment */
    unsigned max_candidates; /* statements verified per post */
    unsigned vote_budget;    /* postings visited per post while voting */
    unsigned max_post_tokens;/* longer posts are matched on their first tokens only */
    unsigned lex;            /* canonical word forms, CH_LEX_* of text/lex.h (hashtag and
                                mention words, abbreviations, numbers, stems, synonyms) */
} ch_parrot_params;

void ch_parrot_params_default(ch_parrot_params *p);

typedef struct ch_parrot_index ch_parrot_index;

/*
 * Builds the index of every statement in `set` (borrowed: it must outlive the index and not
 * change). params may be NULL for the defaults. Returns 0, CHORUS_EUSAGE (bad params),
 * CHORUS_ELIMIT (more than 2^32-2 tokens in all) or CHORUS_ENOMEM.
 */
int ch_parrot_build(const ch_stmtset *set, const ch_parrot_params *params,
                    ch_parrot_index **out);
void ch_parrot_free(ch_parrot_index *ix);   /* NULL is fine */
/* Heap bytes held by the index (not counting the statement set). */
size_t ch_parrot_bytes(const ch_parrot_index *ix);
const ch_parrot_params *ch_parrot_params_of(const ch_parrot_index *ix);

/* Per-thread working memory; grows with the longest post seen, bounded by max_post_tokens. */
typedef struct ch_parrot_scratch ch_parrot_scratch;
int ch_parrot_scratch_new(const ch_parrot_index *ix, ch_parrot_scratch **out);
void ch_parrot_scratch_free(ch_parrot_scratch *sc);   /* NULL is fine */

#define CH_PARROT_MAX_SEG 8   /* aligned segments kept per match */

/* An aligned segment: post bytes [post_start, post_end) correspond to statement bytes
 * [stmt_start, stmt_end). Offsets are UTF-8 byte offsets into the ORIGINAL texts. */
typedef struct ch_parrot_seg {
    uint32_t post_start, post_end, stmt_start, stmt_end;
} ch_parrot_seg;

typedef struct ch_parrot_match {
    uint32_t stmt;             /* index in the statement set */
    float similarity;          /* in [0, 1] */
    float matched_tokens;      /* tokens found in the statement (CJK characters count 1/2) */
    /* covering spans over every segment */
    uint32_t post_start, post_end, stmt_start, stmt_end;
    uint32_t nseg;             /* segments in post order, at most CH_PARROT_MAX_SEG */
    ch_parrot_seg seg[CH_PARROT_MAX_SEG];
    /* 1 when most of the words found lie inside quotation marks (“…”, "…", «…», ...): the post
     * quotes the statement, as a journalist does, rather than presenting its words as its
     * own. Text after a lead-in colon does not count as quoted. The co-action stage leaves
     * quoted matches out of the statement behaviour (docs/parroting.md). */
    uint8_t quoted;
} ch_parrot_match;

/*
 * Matches one post text against the index, using sc (which must come from
 * ch_parrot_scratch_new on the same index: CHORUS_EUSAGE otherwise). Writes the matches
 * (similarity ≥ threshold, best first, at most max_matches) to *out and their count to *n.
 * The array lives in the scratch and is valid until its next use. post_time (Unix seconds, or
 * CH_UNKNOWN_I64) only breaks ties between statements that contain the same passage: the one
 * published last before the post wins (it is the likeliest source), then unknown dates, then
 * later ones. Text longer than max_post_tokens tokens is matched on its beginning.
 * Returns 0, CHORUS_ELIMIT (text ≥ 4 GiB), CHORUS_EUSAGE or CHORUS_ENOMEM.
 * Cost: O(text + vote_budget + max_candidates × (shingles × log statement length + anchors ×
 * PX_MAX_OCC)); no allocation once the scratch has seen a post this long.
 */
int ch_parrot_match_text(const ch_parrot_index *ix, ch_parrot_scratch *sc, const char *text,
                         size_t len, int64_t post_time, unsigned max_matches,
                         const ch_parrot_match **out, size_t *n);

/* Whether a post at post_time came before the statement's publication: 1 yes, 0 no (at or
 * after), -1 unknown (the statement has no date). */
int ch_parrot_before(const ch_statement *st, int64_t post_time);

/* ---- whole corpus -------------------------------------------------------------------------- */

typedef struct ch_parrot_row {
    uint32_t post;             /* corpus post index */
    ch_parrot_match m;         /* m.stmt: statement index */
    int8_t before_publication; /* 1, 0, or -1 unknown */
} ch_parrot_row;

typedef struct ch_parrot_result {
    uint32_t *post_stmt;       /* per post: best statement, CH_NONE = none (npost entries) */
    size_t nposts;
    ch_parrot_row *rows;       /* sorted by post, then best first */
    size_t nrows;
    uint64_t posts_matched;    /* posts with at least one match */
    uint64_t reposts_skipped;  /* reposts of a post in the corpus: not matched on their own */
    uint64_t reposts_of_matched; /* ...of which the original matched */
} ch_parrot_result;

typedef struct ch_parrot_corpus_opts {
    int threads;               /* workers (ch_parallel_for): 0 = all cores; the result does not
                                  depend on it */
    unsigned max_per_post;     /* matches kept per post; 0 = 1 (the best) */
    const ch_dist *dist;       /* ranks of a distributed scan, or NULL: each rank matches the
                                  posts of its block (core/dist.h), rank 0 gathers the rows and
                                  resolves ties for the whole corpus. Every rank calls it; on
                                  ranks other than 0 the result holds the rank's own block's
                                  post_stmt only (no rows, no counts) */
} ch_parrot_corpus_opts;

/*
 * Matches every post of the corpus. A repost whose original (ref_id) is in the corpus is
 * attributed to that original and not matched again (counted in reposts_skipped; its
 * post_stmt stays CH_NONE); a repost whose original is absent is matched on its own text,
 * the only copy there is. Likes (CH_KIND_LIKE) have no text of their own and are not matched.
 * When several statements hold the passage a post copies equally well, the context rule picks
 * the statement that the posts around it (within about a day) copy unambiguously, preferring
 * statements published by the post's time; without such neighbours the time rule of
 * ch_parrot_match_text stands. Chunks of posts are spread over
 * `threads` workers (ch_parallel_for), each with its own scratch; the result is the same for
 * any thread count. o may be NULL (all cores, the best match per post). The result owns its
 * arrays: release with ch_parrot_result_free. Returns 0, CHORUS_ENOMEM or CHORUS_ELIMIT (2^32
 * posts or more).
 * Cost: the per-post cost above, over `threads` cores; memory: one scratch per thread and the
 * rows.
 */
int ch_parrot_match_corpus(const ch_parrot_index *ix, const ch_corpus *c,
                           const ch_parrot_corpus_opts *o, ch_parrot_result *out);
void ch_parrot_result_free(ch_parrot_result *r);   /* harmless on a zeroed result */

/*
 * The stage in one call, as `chorus scan` runs it: builds the index of `set` (params may be
 * NULL: defaults), matches every post of c (o as ch_parrot_match_corpus) and frees the index.
 * The result refers to statements by their index in `set`. Returns what ch_parrot_build or
 * ch_parrot_match_corpus returns; on error *out is zeroed (ch_parrot_result_free is harmless).
 * Cost: both; peak memory the index plus the result.
 */
int ch_parrot_run(const ch_stmtset *set, const ch_corpus *c, const ch_parrot_params *params,
                  const ch_parrot_corpus_opts *o, ch_parrot_result *out);

#endif
