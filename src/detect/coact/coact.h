/*
 * coact.h — co-actions: pairs of accounts that do the same thing to the same object within a
 * time window, and the significance filter that keeps only pairs unlikely to be chance.
 *
 * Behaviours and their objects:
 *   repost     the reposted post (its id, on the reposting account's platform; for "RT @handle:
 *              text" reposts without the original's id, the platform, the original's handle —
 *              or account id — and the hash of its normalized text)
 *   reply      the parent post          quote      the quoted post (ids as for repost)
 *   link       a canonical URL (ch_url_canon, text/url.h)
 *   hashtag    one hashtag per post: its rarest (fewest distinct accounts in the corpus), folded
 *              like text — a post is one act however many tags it carries, and a popular tag
 *              appended to a push's own does not change its object
 *   mention    one addressed account per post: its least-mentioned among its mentions and, for
 *              a reply, the replied-to account (never the author), by handle on the post's
 *              platform
 *   narrative  a near-duplicate narrative id (from neardup; optional input)
 *   statement  a parroted statement id (from parrot; optional input)
 *   like       the liked post (ids as for repost)
 *   thread     the root post of the thread a reply is in, for a reply whose parent is not
 *              the root (a reply to the root is a co-reply on it already)
 * Reposts take part in the repost behaviour only: their URLs, hashtags and text are the
 * original's, and counting them again would double every co-repost. Likes (CH_KIND_LIKE) take
 * part in like only: they have no text of their own. A Telegram forward is a repost (its
 * object reads "forwarded message ID").
 * The stage hands out each shared object's identity once: every evidence row points to a
 * ch_object (type, stable key, readable text) named when the evidence is collected, so the
 * network and the results store count and describe objects without re-deriving them.
 *
 * Definitions (docs/coordination.md has the reasoning and measurements):
 *   - Two events (one post acting on one object) co-act when they are on the same object, by
 *     different accounts, at most `window` seconds apart (|dt| <= window), and — when
 *     max_pairs_per_event = K > 0 — at most K positions apart in the object's time order. The
 *     rank bound caps the pairs of an object at K per event, so a viral post with m actors
 *     yields at most K*m pairs instead of m²/2. Objects acted on by more than
 *     max_object_actors accounts (crowd objects) generate no pairs at all.
 *   - A candidate pair (a, b, behaviour) collects n_objects = distinct objects with at least
 *     one co-acting event pair (an account acting twice on an object counts it once),
 *     n_occasions = distinct occasions with one (an occasion: a run of the object's events,
 *     any accounts, with gaps <= window; a hashtag pushed together on four days is four),
 *     n_units = what the test counts: n_occasions, except that at the long look the posts of
 *     one audience source (below) count once together,
 *     n_events = co-acting event pairs, weight = sum over those objects of
 *     ln(1 + N / actors(object)), N = accounts active in the behaviour.
 *   - Null model: b's k_b events land on action slots of the behaviour independently of a.
 *     D_a = number of (other event, a's event) pairs within the window on a's objects, E =
 *     events of the behaviour; expected co-acting events lambda = max(k_b D_a, k_a D_b) / E,
 *     p = P(Poisson(lambda) >= n_units) when n_objects >= min_objects and n_units >= min_units
 *     (else 1). Popular objects and active accounts raise lambda. At the long look, lambda is
 *     at least the time-placement null sum_o k_a(o) k_b(o) min(1, 2W / span) (k_x(o): x's
 *     events on o, span: the behaviour's first to last event): two accounts that use the same
 *     niche tag every few hours for weeks meet within hours by chance. (At the short look the
 *     same bound cost a third of the hashtag pushes' recall on the tuning seeds: bursts repeat
 *     the tag many times.)
 *   - Statements: the timing null instead. Which statement two parrots share is no evidence
 *     (every parrot repeats the same few lines, and one campaign can be most of a statement's
 *     parrots); timing is. Each event's delay is taken from its statement's first event and
 *     the delays of all statements pooled; for a shared statement with gap g between the two
 *     accounts' posts, p_s = the share of the pool within g of either account's delay (the
 *     larger), and the pair's p-value is Fisher's combination over every statement the two
 *     share at the long look: P(Gamma(k) >= -sum ln p_s), asked of pairs with n_units >=
 *     min_units at the short look. With two looks only the short one counts (3 days finds
 *     nothing under this null) and the p-value is not doubled; `expected` is the co-actions
 *     expected within the short window. Quoted matches are left out before this stage
 *     (detect.c): a journalist's attributed quote is no co-action on the statement.
 *   - Audiences. A hashtag or mentioned account is an audience object when, over its
 *     occasions at the long look with two or more accounts, the mean number of accounts is
 *     below 0.3 of its distinct accounts (two occasions at least): every burst brings together
 *     another part of a large group (fans during games), where a cell comes back nearly whole
 *     each time. Audience objects generate no pairs, like crowd objects (objects_crowd counts
 *     both). A source (the author of a reposted, replied-to or quoted post) is an audience
 *     source when its posts are acted on by, on average, fewer than 0.5 of the accounts that
 *     act on any of them: at the long look its posts count as one unit for a pair (following
 *     an account is one fact, not one coincidence per post); the short look still counts
 *     each tight burst on them.
 *   - Two looks (window auto): each behaviour is evaluated at a short window (the estimate
 *     below) and a long one (long_window[b]: 6 h for the actions, 3 days for narratives and
 *     statements, which are text rather than moments). A pair keeps the better look, and its
 *     p-value is corrected for having looked twice: p = min(1, 2 min(p_short, p_long)); its
 *     n_objects, n_events, weight, expected and window are those of that look. A fixed window
 *     (window > 0), or a long window not above the short one, is a single look (no factor).
 *     Both looks come from one sweep at the long window (the short pairs are a subset).
 *   - Screening: the result holds every pair with n_objects >= min_objects and (corrected)
 *     p <= screen_p (default 0.01), at most max_edges of them (the smallest p-values first;
 *     edges_capped counts the others). The network stage combines these per pair across
 *     behaviours and bounds chance edges itself. Each edge says whether it is significant on
 *     its own (CH_EDGE_SIGNIFICANT): Benjamini–Hochberg at level alpha over every pair of
 *     accounts active in a behaviour, summed over the behaviours (pairs that never co-acted
 *     have p = 1). screen_p = 0 returns the significant edges only.
 *   - Combined screen (combine_p = tau > 0): a pair's weak evidence in several behaviours
 *     adds up before the screen. Over the L behaviours in which both accounts act, the
 *     truncated product of the pair's p-values at or below tau (Zaykin et al. 2002: the
 *     chance that L independent uniform p-values give a product of those <= tau as small) is
 *     compared with screen_p; when it passes, every edge of the pair with p <= tau is
 *     returned, those above screen_p flagged CH_EDGE_COMBINED (each keeps its own behaviour's
 *     figures and evidence; the network sums them). A three-account cell with p 0.03 in two
 *     behaviours and nothing below 0.01 is screened in; one behaviour alone is screened as
 *     before. With combine_units below min_units, evidence with fewer units than min_units
 *     counts too (its p-value is the null model's for its units, which such an edge then
 *     carries). Off by default: measured on the generator's tuning seeds it adds nothing at
 *     min_units and floods the network at one unit, the behaviours of one post (a repost
 *     that is also a mention) not being independent (docs/network.md §14).
 *   - Window auto, short look: per behaviour, Otsu's threshold on the log-histogram of gaps
 *     between consecutive actions by different accounts on the same object (each object
 *     weighing 1): the valley between the "together" and "independent" modes when there are
 *     two, else about the typical gap; clamped to [10 s, 3600 s]. A behaviour with fewer than
 *     30 such objects takes the estimate pooled over all behaviours, or 60 s.
 *
 * Cost: events are extracted in O(posts), grouped by object with a radix sort in O(events),
 * and swept per object in time order; pair generation is O(events * K) (never all pairs of
 * posts, and not growing with the window once the window holds K events). A first sweep marks
 * in a bit array the pairs generated twice or more; only those are counted, in hash tables of
 * at most max_table_bytes each (when more pairs could pass, they are split by hash into
 * partitions counted one table at a time). Memory: O(events + accounts) plus one table and the
 * bit arrays, and the evidence: 16 bytes per shared object of an edge, at most max_evidence
 * rows. Threads work on tasks (behaviours, chunks of objects, partitions); results are
 * merged in a fixed order and do not depend on the thread count. Only candidates with
 * p <= max(screen_p, alpha) are kept, at most 2 max_edges per task. On 941k posts (a stress
 * input with viral posts) the stage takes 0.16-0.24x the time of ingest at 60-3600 s and
 * 0.21x at window auto (both looks come from one sweep).
 *
 * Ownership: results belong to the caller (ch_coact_result_free / ch_free for
 * ch_coact_pairs); a result owns its arrays and its objects' text. The corpus and the optional
 * arrays are only read, during the call.
 */
#ifndef CH_COACT_H
#define CH_COACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dist.h"
#include "core/post.h"
#include "core/vocab.h"   /* ch_behaviour, CH_NONE */

typedef struct ch_coact_opts {
    int64_t window;          /* seconds; <= 0 means window auto: two looks per behaviour, the
                                estimate from the data and long_window[b] */
    int64_t long_window[CH_B__COUNT]; /* window auto's long look per behaviour (defaults: 21600
                                for repost, reply, quote, link, hashtag; 259200 for narrative
                                and statement); <= 0: the short look only */
    uint32_t min_objects;    /* distinct shared objects an edge needs (default 1) */
    uint32_t min_units;      /* units of evidence an edge needs (default 2): distinct occasions,
                                a source's posts counting once (see above) */
    double alpha;            /* false discovery rate of the CH_EDGE_SIGNIFICANT flag (default
                                1e-3, Benjamini–Hochberg over all account pairs) */
    double screen_p;         /* edges returned: corrected p <= screen_p (default 0.01), plus the
                                significant ones; 0 = the significant ones only */
    double combine_p;        /* combined screen (below): a behaviour's evidence with p <=
                                combine_p counts towards its pair's truncated product (default
                                CH_COACT_COMBINE_P); 0 = each behaviour screened alone */
    uint32_t combine_units;  /* units a behaviour's evidence needs to count there (default
                                CH_COACT_COMBINE_UNITS; 0 = min_units) */
    size_t max_edges;        /* at most this many edges returned, smallest p first (default
                                2^20); 0 = the default */
    uint32_t max_pairs_per_event; /* rank bound K on pair generation (default 20); 0 = none */
    uint32_t max_object_actors; /* objects acted on by more accounts generate no pairs (crowd
                                   objects; default 10000); 0 = no limit */
    int threads;             /* 0 = all cores; results do not depend on it */
    /* Optional inputs, one entry per corpus post (CH_NONE = none): */
    const uint32_t *narrative_of_post;
    const uint32_t *statement_of_post;
    /* Optional: the id of each statement index in statement_of_post (n_statements entries),
     * to name statement objects; only read during the call. */
    const char *const *statement_ids;
    size_t n_statements;
    uint32_t behaviours;     /* bit (1u << b) selects behaviour b; 0 = all (under compat: the
                                peer tool's networks, ch_coact_compat_behaviours) */
    size_t max_table_bytes;  /* bound on one candidate-pair table (default 256 MiB) */
    size_t max_event_bytes;  /* past the memory budget: bytes of events one behaviour holds in
                                memory while they are extracted; beyond, they go to sorted runs
                                in a temporary file in spill_dir, merged by object key with
                                identical results (evrun.h). 0 (default): no bound */
    const char *spill_dir;   /* NULL or "": $TMPDIR, else /tmp */
    char *err;               /* optional (err_size bytes): why the runs could not be written,
                                when the stage returns CHORUS_EIO */
    size_t err_size;
    size_t max_evidence;     /* rows of complete evidence at most (default
                                CH_COACT_MAX_EVIDENCE); 0 = the default. See ch_coact_result */
    /* Optional: the ranks of a distributed scan (core/dist.h), every one holding the corpus
     * and calling ch_coact_run with the same options. Each rank extracts the events of its
     * block of posts and sends each to the rank owning its object key (shuffle.h), which
     * sorts its objects' events; rank 0 merges the sorted runs into the grouped events of a
     * single process and runs the rest of the stage alone, so its result is identical for
     * any number of ranks. The other ranks return an empty result. Only ch_coact_run reads
     * it. */
    const ch_dist *dist;
    int threads_alone;       /* with dist: rank 0's threads once the others are done (0: threads) */
    uint64_t shuffle_hot;    /* with dist: events that make a key hot, split by time between
                                ranks (0: the default, a quarter of a rank's even share and at
                                least CH_COACT_SHUFFLE_HOT_MIN) */
    /* Expert control (docs/coordination.md §10): */
    int64_t window_of[CH_B__COUNT]; /* > 0: behaviour b's window, fixed (one look), whatever
                                `window` says; 0 (default): as `window` says */
    uint8_t compat;          /* CH_COMPAT_*: reproduce a peer tool's network instead of
                                testing pairs (default CH_COMPAT_NONE) */
    uint32_t compat_min;     /* CooRTweet's min_participation, CNT's min_edge_weight (default
                                2; 0 counts as 1) */
    double compat_similarity; /* CNT co-similarity: Jaccard threshold (default 0.8) */
} ch_coact_opts;

/*
 * Compatibility modes (ch_coact_opts.compat): the edges of a peer tool's network, computed
 * from the same events, instead of the null model and the significance test. docs/
 * coordination.md §11 states exactly what is reproduced. In both modes pairs are generated
 * without the rank bound and without the crowd-object limit, links are the URLs as written
 * (no canonical form) and reposts known only by "RT @handle: text" are not events; an edge's
 * pvalue and expected are NAN (no test), weight is the tool's edge weight, window its window.
 *
 *   CH_COMPAT_COORTWEET  CooRTweet 2.1.3 detect_groups(time_window, min_participation) +
 *       generate_coordinated_network(): per behaviour, accounts with fewer than
 *       min_participation events take no part; two events on one object by different
 *       accounts at most `window` seconds apart (|dt| <= window) co-act; an account
 *       "participates" when at least min_participation of its posts co-act with someone; a
 *       pair is an edge when it co-acted at least once and one of its two accounts
 *       participates; weight = co-acting event pairs. Window default 10 s; behaviours
 *       repost and link (its retweet and URL objects).
 *   CH_COMPAT_CNT  the Coordination Network Toolkit: per behaviour, the directed weight a -> b
 *       is the number of a's posts with a post of b on the same object within the window; a
 *       pair is an edge when either direction reaches min_edge_weight; weight = the larger of
 *       the two. The narrative behaviour is CNT's co_similar_tweet instead: two posts (not
 *       reposts) within the window whose word sets have a Jaccard similarity >=
 *       compat_similarity. Window default 1 s (the toolkit's command line default; its users
 *       pass --time_window); behaviours repost, reply, link, narrative. Self-loops (an
 *       account with itself), which the toolkit computes and leaves out of its exports by
 *       default, are not edges.
 */
#define CH_COMPAT_NONE 0
#define CH_COMPAT_COORTWEET 1
#define CH_COMPAT_CNT 2
#define CH_COACT_COORTWEET_WINDOW 10
#define CH_COACT_CNT_WINDOW 1
#define CH_COACT_CNT_SIMILARITY 0.8
/* Bound on the co-acting pairs (or compared post pairs, for co-similarity) a compatibility
 * mode holds: beyond it ch_coact_run returns CHORUS_ELIMIT (a shorter window helps). */
#define CH_COACT_COMPAT_MAX_PAIRS ((size_t)1 << 26)

/* The behaviours a compatibility mode runs when ch_coact_opts.behaviours is 0. */
uint32_t ch_coact_compat_behaviours(int compat);
/* "none", "coortweet", "cnt"; "?" out of range. */
const char *ch_coact_compat_name(int compat);

void ch_coact_opts_default(ch_coact_opts *o);

#define CH_COACT_LONG_ACTION 21600      /* default long look of repost .. hashtag (6 h) */
#define CH_COACT_LONG_STATEMENT 259200  /* default long look of statement (3 days) */
#define CH_COACT_MAX_EDGES ((size_t)1 << 20)
#define CH_COACT_COMBINE_P 0.0
#define CH_COACT_COMBINE_UNITS 0
#define CH_COACT_MAX_OBJECT_ACTORS 10000
/* Complete evidence held at most, in rows (16 bytes each: 128 MiB), see ch_coact_result. */
#define CH_COACT_SHUFFLE_HOT_MIN 4096   /* fewest events of a hot key (shuffle_hot) */
#define CH_COACT_MAX_EVIDENCE ((size_t)1 << 23)

/* ch_edge.flags */
#define CH_EDGE_SIGNIFICANT 1u   /* passes Benjamini–Hochberg at alpha on its own */
#define CH_EDGE_LONG 2u          /* the long look gave the (better) p-value */
#define CH_EDGE_COMBINED 4u      /* above screen_p on its own, returned because its pair's
                                    behaviours together pass the combined screen */

/* One account pair for one behaviour (a < b, account indices of the corpus), as screened. */
typedef struct ch_edge {
    uint32_t a, b;
    uint8_t behaviour;       /* ch_behaviour */
    uint32_t n_objects;      /* distinct objects both acted on within the window */
    uint32_t n_events;       /* co-action events (pairs of posts within the window) */
    double weight;           /* sum over shared objects of the object's rarity weight (IDF) */
    double expected;         /* shared objects expected under the null model */
    double pvalue;           /* P(shared objects >= n_objects | null), corrected for the looks
                                (x2 when two windows were tried), not for the pairs */
    int64_t window;          /* the window of the look these figures come from */
    uint8_t flags;           /* CH_EDGE_* */
    uint32_t n_occasions;    /* distinct occasions both acted on: an occasion is a run of an
                                object's actions with gaps <= window */
    uint32_t n_units;        /* units of evidence, what the test counts: n_occasions, except
                                that the objects of one source (posts by one author, for
                                repost, reply and quote) count once together */
} ch_edge;

/* What a shared object is. The behaviour says what was done to it (a post is reposted,
 * replied to or quoted). */
typedef enum ch_object_type {
    CH_OBJ_POST = 0,         /* a post named by its id (repost, reply, quote) */
    CH_OBJ_POST_TEXT,        /* a post known only as "RT @handle: text" (no id): its author and
                                its normalized text */
    CH_OBJ_URL,              /* a canonical URL (link) */
    CH_OBJ_HASHTAGS,         /* a set of two or more hashtags: no longer produced (hashtag objects
                                are single tags, CH_OBJ_HASHTAG); kept so stored numbers keep
                                their meaning */
    CH_OBJ_NARRATIVE,        /* a near-duplicate narrative (narrative) */
    CH_OBJ_STATEMENT,        /* an official statement (statement) */
    CH_OBJ_HASHTAG,          /* one hashtag (hashtag) */
    CH_OBJ_ACCOUNT,          /* a mentioned account, by its handle (mention) */
    CH_OBJ__COUNT
} ch_object_type;

/* "post", "post_text", "url", "hashtags", "narrative", "statement", "hashtag", "account"; "?"
 * out of range. */
const char *ch_object_type_name(ch_object_type t);

/* One object the evidence names, as the stage identified it: every evidence row on the same
 * object (same behaviour, same object of the sweep) points to the same ch_object, so a
 * consumer counts distinct objects by index and never re-derives them from the posts. */
typedef struct ch_object {
    uint64_t key;            /* identity within the behaviour, stable across runs and corpora
                                for the same object: for CH_OBJ_POST a hash of (platform, post
                                id); for URLs, hashtag sets and "RT @handle" posts the hash
                                that grouped the events (of the canonical URL; of the folded
                                hashtag set; of the platform, author and normalized text); for
                                narratives the narrative id; for statements the statement
                                index. Two objects of one behaviour with equal keys are one
                                object (up to 64-bit hash collisions) */
    uint8_t behaviour;       /* ch_behaviour */
    uint8_t type;            /* ch_object_type */
    const char *text;        /* readable, NUL-terminated, owned by the result: "post <id>",
                                "a post of @<handle>" (or "a post of account <id>"), the
                                canonical URL, the hashtags as a post wrote them, sorted, each
                                once ("#a #b"),
                                "narrative <id>", "statement <id>" (the statement's id when
                                o->statement_ids names it, else "statement #<index>") */
} ch_object;

/* Evidence: one shared object of an edge (the first co-acting pair of posts on it, in the
 * sweep's order: the object's events by time), for reports and the results database. */
typedef struct ch_shared {
    uint32_t edge;           /* index into edges */
    uint32_t post_a, post_b; /* corpus post indices of the two co-acting posts (of a, of b) */
    uint32_t object;         /* index into shared_obj: what the two posts acted on */
    uint32_t occasion;       /* the object's occasion at the long look (a run of its events with
                                gaps <= the long window), numbered from 1 within the behaviour:
                                rows with equal object and occasion are one burst; 0 = unknown */
} ch_shared;

#define CH_SHARED_PER_EDGE 5 /* evidence kept per edge in a bounded run: the first shared
                                occasions in corpus order (a hashtag pushed in five bursts
                                gives five rows) */

/* Who acted first in an edge's co-acting event pairs (the n_events pairs of its look): a pair
 * whose two posts have the same time counts in same_time. */
typedef struct ch_edge_lead {
    uint32_t a_first;        /* pairs where a's post is the earlier */
    uint32_t b_first;        /* pairs where b's post is the earlier */
    uint32_t same_time;
} ch_edge_lead;

typedef struct ch_coact_result {
    ch_edge *edges;          /* screened edges, sorted by (behaviour, a, b) */
    size_t n_edges;
    ch_shared *shared;       /* up to CH_SHARED_PER_EDGE per edge, sorted by edge: what the
                                network stage weighs (the first rows of each edge's evidence) */
    size_t n_shared;
    /* Complete evidence: one row per shared object of every edge (n_objects rows per edge),
     * sorted by edge, each edge's rows in the order of the sweep (shared[] holds the first
     * CH_SHARED_PER_EDGE of them). Bounded by max_evidence rows: when the edges' objects add up
     * to more, every edge keeps its first evidence_cap rows, evidence_cap the largest count
     * (at least CH_SHARED_PER_EDGE) that fits, so small edges stay complete and the largest
     * are cut; evidence_trimmed counts the edges cut. */
    ch_shared *evidence;
    size_t n_evidence;
    uint32_t evidence_cap;   /* 0: no cut, every edge complete */
    uint64_t evidence_trimmed;
    ch_edge_lead *lead;      /* n_edges entries: who acted first, per edge */
    ch_object *shared_obj;   /* the distinct objects of shared[] and evidence[], in order of
                                first use by shared[], then by evidence[] */
    size_t n_shared_obj;
    int64_t window;          /* the short window (given, or estimated pooled over behaviours) */
    uint64_t events[CH_B__COUNT];          /* events considered per behaviour */
    uint64_t pairs_tested[CH_B__COUNT];    /* candidate pairs with >= min_objects objects (in
                                              the longer look), which enter the test */
    uint64_t objects_capped[CH_B__COUNT];  /* objects whose pair generation hit the bound */
    uint64_t objects_crowd[CH_B__COUNT];   /* crowd objects (max_object_actors) and audience
                                              objects (see above): no pairs */
    int64_t windows[CH_B__COUNT];          /* short look's window per behaviour */
    int64_t windows_long[CH_B__COUNT];     /* long look's window, 0 when a single look */
    uint64_t objects[CH_B__COUNT];         /* distinct objects per behaviour */
    uint64_t candidates[CH_B__COUNT];      /* pairs with >= 1 shared object in the longer look
                                              (estimated by linear counting when the prefilter
                                              ran) */
    uint64_t pairs_generated[CH_B__COUNT]; /* co-acting event pairs generated (bounded) */
    uint64_t edges_by[CH_B__COUNT];        /* returned edges per behaviour */
    uint64_t significant_by[CH_B__COUNT];  /* of which CH_EDGE_SIGNIFICANT */
    size_t n_significant;
    uint64_t edges_capped;   /* screened pairs dropped by max_edges */
    uint64_t spill_runs;     /* sorted runs of events written past max_event_bytes */
    uint64_t spill_events;   /* events that went through them */
    double p_cutoff;         /* largest p-value accepted by Benjamini–Hochberg (0 if none) */
    double family;           /* number of hypotheses (account pairs) the correction counts */
    ch_arena text;           /* owns the objects' text */
} ch_coact_result;

/* Runs every selected behaviour. Returns 0, CHORUS_EUSAGE (bad options), CHORUS_ENOMEM or
 * CHORUS_ELIMIT (more than 2^32-1 posts or events). *out is owned by the caller
 * (ch_coact_result_free); on error *out is NULL. */
int ch_coact_run(const ch_corpus *c, const ch_coact_opts *o, ch_coact_result **out);
void ch_coact_result_free(ch_coact_result *r);   /* harmless on NULL */

/* The object of shared row i (i < r->n_shared). */
static inline const ch_object *ch_coact_shared_object(const ch_coact_result *r, size_t i)
{
    return &r->shared_obj[r->shared[i].object];
}

/* The object of complete evidence row i (i < r->n_evidence). */
static inline const ch_object *ch_coact_evidence_object(const ch_coact_result *r, size_t i)
{
    return &r->shared_obj[r->evidence[i].object];
}

/* Candidate pairs of one behaviour before the significance test: every pair (a < b) with at
 * least one shared object in the longer look, all ch_edge fields filled (the better look, as
 * in ch_coact_run; flags without CH_EDGE_SIGNIFICANT), sorted by (a, b).
 * The windows are those ch_coact_run would use with the same options (every behaviour in
 * o->behaviours is extracted for the pooled estimate). Crowd objects generate no pairs; no
 * screening, no cap. *window_used (may be NULL) receives b's short-look window. *out is owned
 * by the caller (ch_free). For tests and diagnostics: the output can be large. */
int ch_coact_pairs(const ch_corpus *c, const ch_coact_opts *o, ch_behaviour b, ch_edge **out,
                   size_t *n, int64_t *window_used);

/* The windows window-auto picks: per behaviour, and pooled (*pooled), without running the rest
 * of the stage. Cost: extraction and sort of the events. */
int ch_coact_estimate_window(const ch_corpus *c, const ch_coact_opts *o,
                             int64_t windows[CH_B__COUNT], int64_t *pooled);

#endif
