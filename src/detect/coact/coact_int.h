/*
 * coact_int.h — internals of the co-action stage shared by coact.c, coact_events.c and
 * coact_stats.c (and the unit tests). Not part of any public interface.
 *
 * Data flow: posts -> raw events per behaviour (object key, time, account, post) -> events
 * grouped by object and sorted by time (ch_evset) -> window -> per-account/per-object
 * statistics -> candidate pairs -> significance -> edges and evidence.
 */
#ifndef CH_COACT_INT_H
#define CH_COACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "detect/coact/coact.h"
#include "detect/coact/evrun.h"
#include "text/normalize.h"

/* One action on one object, as extracted from a post. */
typedef struct ch_ev {
    uint64_t key;     /* object key: a pool id (< 2^32) or a 64-bit hash with bit 63 set */
    int64_t t;        /* created_at */
    uint32_t acct;    /* corpus account index */
    uint32_t post;    /* corpus post index */
    uint64_t src;     /* source of the object (author of a reposted, replied-to or quoted post,
                         hashed); 0 = none */
} ch_ev;

/* Raw events of one behaviour, in post order (so ties in time keep post order). Past the
 * memory budget (runs.sp set), ev is a buffer of runs.max_events and the events already
 * extracted are in sorted runs on disk (evrun.h). */
typedef struct ch_evraw {
    ch_ev *ev;
    size_t n, cap;
    ch_evruns runs;
} ch_evraw;

/* Events of one behaviour grouped by object and, inside an object, sorted by (time, post
 * order). Objects with a source are ordered by source (sources in order of first appearance),
 * so that one source's objects are contiguous; then, and for objects without one, in order of
 * first appearance in the corpus. Structure of arrays, because the sweeps read times and
 * accounts only. */
typedef struct ch_evset {
    size_t n;          /* events */
    uint32_t nobj;     /* objects */
    uint32_t nsrc;     /* distinct sources (0: the behaviour has none) */
    uint64_t *okey;    /* nobj: each object's key (as extracted) */
    uint32_t *osrc;    /* nobj: each object's source (0 .. nsrc-1), CH_NONE when it has none;
                          NULL when nsrc == 0 */
    uint32_t *ostart;  /* nobj + 1 offsets: object o holds events [ostart[o], ostart[o+1]) */
    int64_t *t;
    uint32_t *acct;
    uint32_t *post;
} ch_evset;

/* Extracts the events of the behaviours in `mask` (bit b = behaviour b) from every post.
 * raw[b] are grown by this function; the caller frees raw[b].ev with ch_free.
 * Returns 0 or CHORUS_ENOMEM / CHORUS_ELIMIT. Cost: O(posts + entities); every URL and
 * hashtag string is canonicalized once (cached by pool id). */
int ch_coact_extract(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                     ch_evraw raw[CH_B__COUNT]);
/* The same for the posts [from, to) only (a rank's block; the rarity of hashtags and mentions
 * is still counted over the whole corpus, so an event's key does not depend on the block). */
int ch_coact_extract_range(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                           ch_evraw raw[CH_B__COUNT], size_t from, size_t to);

/* Key of a repost known only by "RT @handle: text" (ref_id empty): the original's handle
 * (lower case) or account id, and the normalized text after the prefix. *key is 0 when the
 * post gives neither a handle nor an account. Returns 0 or CHORUS_ENOMEM. */
int ch_coact_rt_key(const ch_corpus *c, const ch_post *p, ch_normbuf *nb, uint64_t *key);

/* Names an object of the evidence for ch_object: its type, stable key and readable text (in
 * arena), from its event key and a post that acted on it (see ch_object in coact.h). Returns
 * 0, CHORUS_ENOMEM or CHORUS_EUSAGE (not a behaviour). */
int ch_coact_name_object(const ch_corpus *c, const ch_coact_opts *o, ch_behaviour b,
                         uint64_t evkey, uint32_t post, ch_arena *arena, ch_object *out);

/* Groups raw events by object and sorts each object's events by time (LSD radix sort on a
 * packed (object, time) key; a comparison sort when the two do not fit in 64 bits). An
 * object's source is its first event's. Consumes raw (freed on success and failure). Cost:
 * O(n) time and memory. */
int ch_evset_build(ch_evraw *raw, ch_evset *out);
void ch_evset_free(ch_evset *es);
/* The source order of ch_evset_build, from each object's source key osk[o] (its first event's
 * src, 0 = none; objects in order of first appearance): sets out->osrc and out->nsrc,
 * renumbers out->okey, and returns in *perm (the caller's, ch_free) each object's new index.
 * Call it only when some event has a source. Returns 0 or CHORUS_ENOMEM. */
int ch_evset_order_sources(const uint64_t *osk, uint32_t nobj, ch_evset *out, uint32_t **perm);

/* Window estimate from the time-to-share distribution of one behaviour's events (see
 * docs/coordination.md). The histogram is of log2 gaps (quarter octaves) between consecutive
 * actions by different accounts on the same object, each object weighing 1.
 * hist must have CH_GAP_BINS entries; it is added to, so several behaviours can be pooled. */
#define CH_GAP_BINS 108
void ch_gap_hist_add(const ch_evset *es, double hist[CH_GAP_BINS]);
/* The window: Otsu's threshold on the histogram, clamped to [CH_WINDOW_MIN, CH_WINDOW_MAX];
 * *eta (when eta is not NULL) receives Otsu's effectiveness, the share of the variance the
 * split explains (2/pi = 0.64 for one normal mode, -> 1 for two separated modes). 0 when the
 * histogram holds fewer than CH_WINDOW_MIN_OBJECTS objects. */
int64_t ch_gap_hist_window(const double hist[CH_GAP_BINS], double *eta);
#define CH_WINDOW_MIN 10
#define CH_WINDOW_MAX 3600
#define CH_WINDOW_FALLBACK 60
#define CH_WINDOW_MIN_OBJECTS 30

/* coact_compat.c: the edges of a compatibility mode (coact.h) from each selected behaviour's
 * events grouped by object (es[b], NULL when none) at window[b]; CNT's co-similarity from the
 * corpus. Edges sorted by (behaviour, a, b); sim holds the evidence of co-similarity edges
 * (ch_shared with .edge an index into edges and .object 0), sorted by edge. Everything is
 * owned by the caller (ch_free). Returns 0, CHORUS_ENOMEM, or CHORUS_ELIMIT (more co-acting
 * pairs than max_table_bytes holds, or too many comparisons). */
typedef struct ch_compat_out {
    ch_edge *edges;
    size_t n_edges;
    ch_shared *sim;
    size_t n_sim, cap_sim;
    uint64_t pairs_generated[CH_B__COUNT];
    uint64_t events_similarity;   /* posts compared by co-similarity */
    uint64_t comparisons;         /* post pairs compared by co-similarity */
} ch_compat_out;
int ch_coact_compat_run(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                        const ch_evset *const es[CH_B__COUNT],
                        const int64_t window[CH_B__COUNT], ch_compat_out *out);

/* log P(X >= n) for X ~ Poisson(lam); 0 for n == 0, -INFINITY for lam <= 0 < n. */
double ch_poisson_log_sf(uint64_t n, double lam);

/* Combining a pair's behaviours before the screen (coact.h, "Combined screen"): log P(W <= w)
 * for the truncated product W of L independent uniform p-values, the product of those at or
 * below tau (W = 1 when none is), at log_w = ln w. 0 when L == 0 or log_w >= 0. */
double ch_tpm_log_sf(double log_w, uint32_t L, double tau);

#endif
