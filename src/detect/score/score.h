/*
 * score.h — per-account score in [0, 1] ("how likely is this account part of a coordinated
 * network") with the reasons, as a JSON object per account. docs/scoring.md defines every
 * feature, the combination and how the weights were fitted, with the measured quality.
 *
 * Features (each scaled to about [0, 1]; -1..1 for burstiness), in four groups:
 *   coordination  coord_partners   distinct co-action partners, log2(1 + d) / 5, capped at 1
 *                 coord_strength   sum of the account's combined edge weights (sum of
 *                                  -log10 p), log10(1 + S) / 3, capped at 1
 *                 cluster          the structural strength of the account's cluster
 *                                  (ch_cluster.strength), 0 when not clustered
 *                 institutional    1 for a verified or widely followed account, or an
 *                                  associate of one (ch_network.institutional), with co-action
 *                                  partners: newsrooms and officials co-act authentically; its
 *                                  (negative) weight discounts their coordination evidence. 0
 *                                  without partners.
 *   content       parrot_share     share of posts that repeat a statement (optional input)
 *                 dup_share        share of posts in a near-duplicate narrative (optional)
 *                 echo_speed       how fast statements are echoed: 2^(-median latency / 30 min),
 *                                  shrunk by k / (k + 2) for k echoes (optional)
 *   timing        regularity       1 - normalized entropy of the inter-post intervals in
 *                                  half-octave bins
 *                 burstiness       B = (sigma - mu) / (sigma + mu) of the intervals
 *                 round_seconds    excess share of posts at :00 seconds over 1/60 (absent when
 *                                  >= 90% of the corpus is at :00: minute resolution, as in the
 *                                  IO archives)
 *                 rate             posts per day over the active span, log10(1 + r) / 2
 *                 hours_window     share of posts in the busiest 9-hour window of the day (UTC,
 *                                  circular), rescaled so that uniform = 0 and all = 1
 *                 hours_entropy    1 - entropy of the hour-of-day histogram / log2 24
 *   metadata      young            1 - log(1 + age at first post in days) / log(1 + 365)
 *                 follow_ratio     following much larger than followers: -log10((fo+1)/(fi+1))/2
 *                 default_image    default profile image
 *                 handle_digits    digits in the handle / 6, capped at 1 (absent for the IO
 *                                  archives' hashed handles)
 *                 empty_desc       empty profile description
 *                 created_burst    share of the account's cluster created within a day of it
 * Per-account statistics from few posts are noisy, so timing features are shrunk towards
 * their no-signal value with weight n / (n + 10) (n = intervals or posts). "Posts" are all of
 * an account's records — originals, reposts, replies, quotes and likes: each is an action at
 * a time (the timing features) and counts in the shares' denominators, though only posts
 * with text of their own can parrot or join a narrative.
 *
 * Evidence (a logistic combination): z = bias + sum over coordination features of w_i x_i +
 * clamp(sum over the other features of w_j x_j, -CH_SCORE_SUPPORT_NEG, cap), with cap =
 * logit(opts.support_max) - bias: content, timing and metadata together can lift an account
 * without coordination evidence at most to z = logit(support_max) (default 0.4: z = -0.41),
 * below the flag at z = 0. So no metadata feature, nor all of them, flags an account by
 * itself: coordination evidence dominates by construction. The weights are fitted by tools/fit
 * on labelled generated scenarios (see docs/scoring.md) and compiled in.
 *
 * Score (a calibrated probability): score = ch_score_calibrate(z) = 1 / (1 + e^-t), t =
 * logit(CH_SCORE_FLAG) + CH_SCORE_CAL_NEG min(z, 0) + CH_SCORE_CAL_POS max(z, 0): the share of
 * accounts with that evidence that are planted campaign members, fitted on chorus-synth truth
 * by tools/fit/calibrate.py (docs/scoring.md has the reliability table on held-out seeds). It
 * is monotone in z, so an account is flagged (score >= CH_SCORE_FLAG) exactly when z >= 0.
 * A cluster's score is the mean of its members' scores: the expected share of its members that
 * belong to a campaign (ch_scores.cluster_score; ch_network_rescore puts it in the network).
 *
 * Cost: O(P log P) for P posts (sorting each account's times) plus O(E) over the network's
 * combined edges, O(k log k) per cluster of k accounts for created_burst; 0.11 s for 1M
 * posts. Memory: about 250 bytes per account; the reasons JSON is generated on demand
 * (ch_score_reasons). The corpus, network and input arrays are only read.
 *
 * Ownership: ch_scores belongs to the caller (ch_scores_free); it keeps no pointer into the
 * corpus or the network.
 */
#ifndef CH_SCORE_H
#define CH_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"
#include "core/vocab.h"   /* ch_behaviour, CH_NONE */
#include "detect/network/network.h"

typedef enum ch_score_feature {
    CH_SF_COORD_PARTNERS = 0,
    CH_SF_COORD_STRENGTH,
    CH_SF_CLUSTER,
    CH_SF_INSTITUTIONAL,
    CH_SF_PARROT_SHARE,
    CH_SF_DUP_SHARE,
    CH_SF_ECHO_SPEED,
    CH_SF_REGULARITY,
    CH_SF_BURSTINESS,
    CH_SF_ROUND_SECONDS,
    CH_SF_RATE,
    CH_SF_HOURS_WINDOW,
    CH_SF_HOURS_ENTROPY,
    CH_SF_YOUNG,
    CH_SF_FOLLOW_RATIO,
    CH_SF_DEFAULT_IMAGE,
    CH_SF_HANDLE_DIGITS,
    CH_SF_EMPTY_DESC,
    CH_SF_CREATED_BURST,
    CH_SF__COUNT
} ch_score_feature;

#define CH_SF_N_COORD 4            /* features [0, 4) are the coordination group */
/* An account scoring >= this is "flagged": the calibrated score at evidence z = 0 (fitted,
 * rounded to two decimals; see ch_score_calibrate). Equal to CHORUS_SCORE_FLAG. */
#define CH_SCORE_FLAG 0.91
#define CH_SCORE_CAL_NEG 0.96      /* calibration slope below z = 0 (tools/fit/calibrate.py) */
#define CH_SCORE_CAL_POS 0.31      /* calibration slope above z = 0 */
#define CH_SCORE_SUPPORT_NEG 3.0   /* the non-coordination sum can lower z by at most this */

const char *ch_score_feature_name(ch_score_feature f);   /* "coord_partners", ... */

/* The calibrated score of evidence z (see above): in [0, 1], non-decreasing in z, >=
 * CH_SCORE_FLAG exactly when z >= 0; NaN gives 0. */
double ch_score_calibrate(double z);

/* Optional inputs from earlier stages; every array may be NULL. */
typedef struct ch_score_inputs {
    const uint32_t *statement_of_post;   /* per corpus post: statement index or CH_NONE */
    const int64_t *statement_published;  /* per statement: Unix seconds or CH_UNKNOWN_I64 */
    size_t n_statements;
    const uint32_t *narrative_of_post;   /* per corpus post: narrative index or CH_NONE */
} ch_score_inputs;

typedef struct ch_score_opts {
    const double *weights;   /* CH_SF__COUNT weights then the bias; NULL = the fitted ones */
    double support_max;      /* see above (default 0.4); in (0, 1) */
} ch_score_opts;

void ch_score_opts_default(ch_score_opts *o);
/* The compiled-in weights (CH_SF__COUNT + 1 values, bias last). */
const double *ch_score_default_weights(void);

/* Raw per-account statistics behind the features, for the reasons text and for inspection.
 * Counts are exact; *_known say whether metadata was there. */
typedef struct ch_score_raw {
    uint32_t n_posts;
    uint32_t partners;          /* distinct co-action partners, all behaviours */
    double strength;            /* sum of combined edge weights */
    uint8_t top_behaviour;      /* behaviour with the most partners (CH_B__COUNT: none) */
    uint32_t top_partners;      /* partners in that behaviour */
    uint32_t top_objects;       /* most objects shared with one partner in that behaviour */
    int64_t top_window;         /* the window of that behaviour's evidence (the long look's when
                                   one of those edges came from it) */
    uint8_t institutional;      /* ch_network.institutional: CH_INST_* or 0 */
    uint32_t cluster;           /* cluster id or CH_NONE */
    uint32_t cluster_size;
    uint32_t n_parrot, n_dup, n_echo;
    double echo_median;         /* seconds from publication to echo (median), if n_echo */
    double interval_entropy;    /* normalized, 0..1, before shrinkage */
    double burstiness;          /* before shrinkage */
    double round_share;         /* share of posts at :00 seconds */
    double rate;                /* posts per day */
    double hours_window;        /* share of posts in the busiest 9-hour window */
    double age_days;            /* at first post; < 0 when unknown */
    int64_t followers, following;     /* CH_UNKNOWN_I64 when unknown */
    uint32_t handle_digits;
    uint32_t created_burst;     /* other cluster members created within a day */
} ch_score_raw;

typedef struct ch_scores {
    size_t n_accounts;
    double *score;                       /* per account, 0..1: ch_score_calibrate(evidence) */
    double *evidence;                    /* per account, z (see above) */
    double *cluster_score;               /* per cluster of the network, the mean of its
                                            members' scores (NULL without clusters) */
    size_t n_clusters;
    double (*features)[CH_SF__COUNT];    /* per account, the feature values x */
    uint32_t *present;                   /* per account, bit f set when feature f had input */
    ch_score_raw *raw;                   /* per account */
    double weights[CH_SF__COUNT + 1];    /* the weights used, bias last */
    double support_cap;                  /* upper clamp of the non-coordination sum */
    int64_t windows[CH_B__COUNT];        /* co-action windows, for the reasons */
    bool minute_resolution;              /* the corpus times have no seconds: round_seconds off */
} ch_scores;

/*
 * Scores every account of c. net may be NULL (no coordination evidence), in may be NULL (no
 * optional inputs), o may be NULL (defaults). Returns CHORUS_OK, CHORUS_EUSAGE (bad options,
 * or a network of another corpus), or CHORUS_ENOMEM. *out belongs to the caller
 * (ch_scores_free); on error *out is NULL.
 */
int ch_score_run(const ch_corpus *c, const ch_network *net, const ch_score_inputs *in,
                 const ch_score_opts *o, ch_scores **out);
void ch_scores_free(ch_scores *s);   /* harmless on NULL */

/* After ch_network_rescore: cluster ids in raw[].cluster and the order of cluster_score follow
 * new_id (old id -> new id, a permutation of [0, n_clusters)). Returns CHORUS_OK, CHORUS_EUSAGE
 * (an id out of range) or CHORUS_ENOMEM (nothing changed then). Cost: O(accounts + clusters). */
int ch_scores_renumber_clusters(ch_scores *s, const uint32_t *new_id);

/*
 * Writes account i's reasons as one JSON object into buf (at most cap bytes, NUL included,
 * like snprintf) and returns the full length (>= cap: truncated). The object:
 *   {"score":0.93,"evidence":2.1,"cluster":2,"features":{"coord_partners":{"value":0.81,
 *    "contribution":2.4},...},"support":{"sum":1.2,"applied":1.2},
 *    "top_reasons":["co-reposted 23 posts with 13 accounts within 60 seconds",...]}
 * "evidence" is z; "cluster" is null when the account is not clustered; a feature without
 * input has "value":null and contribution 0. Contributions to z are w_i x_i (the non-coordination ones before
 * the clamp; "support" gives their sum and the part applied). Text is plain ASCII. Generated on
 * demand so a run over many accounts does not hold every string; CH_SCORE_REASONS_MAX bytes
 * always suffice. Cost: O(features).
 */
#define CH_SCORE_REASONS_MAX 4096
size_t ch_score_reasons(const ch_scores *s, size_t i, char *buf, size_t cap);

#endif
