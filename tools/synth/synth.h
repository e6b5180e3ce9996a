/* synth.h — shared types of chorus-synth, the seeded scenario generator.
 *
 * chorus-synth writes a synthetic social-media dump (organic background, planted coordinated
 * campaigns, hard negatives), the official statements the campaigns parrot, and the ground
 * truth. It is a standalone C17 program (libm only); it never links the chorus library.
 *
 * Data flow:
 *   accounts.c   population of accounts (organic, lookalike, journalists, officials, campaigns)
 *   stmt.c       official statements from paired English/Chinese sentence templates
 *   plan.c       planted events (campaign actions and hard negatives), held in memory, sorted
 *   sim.c        event-driven organic simulation merged in time order with the planted events;
 *                every emitted post goes to each requested writer (out_*.c)
 *   truth.c      ground truth
 *
 * Determinism: every random choice comes from xoshiro256** streams seeded from the scenario
 * seed and a per-entity tag (rng_for), never from rand() or the clock, and rendering never
 * draws from a simulation stream, so the formats chosen do not change the content.
 *
 * Memory: accounts, statements and planted events live for the whole run; organic posts are
 * kept only in a bounded ring of recent posts (sim.c) and are re-rendered from their content
 * seed when something refers to them, so memory does not grow with --posts beyond the account
 * table.
 */
#ifndef CHORUS_SYNTH_H
#define CHORUS_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SYNTH_VERSION "0.3"

/* ---------------------------------------------------------------- util.c */

/* Fatal error: the generator is a developer tool, so it reports and exits (status 1). */
void die(const char *fmt, ...);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Arena for strings that live until exit (account profiles, statements, planted posts). */
void *arena_alloc(size_t n); /* 8-byte aligned, never freed */
char *arena_strdup(const char *s);
char *arena_strndup(const char *s, size_t n);
char *arena_printf(const char *fmt, ...);

/* Growable byte buffer with a hard maximum: growing past max is a fatal error.
 * Invariant: p is never NULL after buf_init; p[len] is always '\0'. */
typedef struct {
    char *p;
    size_t len, cap, max;
} Buf;
void buf_init(Buf *b, size_t cap, size_t max);
void buf_free(Buf *b);
void buf_reserve(Buf *b, size_t extra);
void buf_put(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_u64(Buf *b, uint64_t v);
void buf_i64(Buf *b, int64_t v);
void buf_printf(Buf *b, const char *fmt, ...);
/* JSON string with quotes; UTF-8 passed through, control chars, '"' and '\\' escaped.
 * With html set, also &, <, > become &amp; &lt; &gt; (the v1.1 text convention). */
void buf_json_str(Buf *b, const char *s, size_t n, bool html);
static inline void buf_json_cstr(Buf *b, const char *s) { buf_json_str(b, s, s ? strlen(s) : 0, false); }
void buf_u64str(Buf *b, uint64_t v);          /* "123" with quotes */
/* The ',' before each item of a list but the first; *first: no item written yet (then cleared). */
static inline void buf_sep(Buf *b, bool *first)
{
    if (!*first)
        buf_putc(b, ',');
    *first = false;
}
/* CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
void buf_csv(Buf *b, const char *s, size_t n);
void buf_csv_always(Buf *b, const char *s, size_t n); /* always quoted (R write.csv style) */

/* Output file: buffered, optionally piped through gzip/zstd. */
typedef struct {
    FILE *f;
    bool pipe;
    Buf b;
    char *path;
    uint64_t bytes;
} Out;
void out_open(Out *o, const char *dir, const char *name, const char *compress);
void out_flush_if(Out *o, size_t threshold);
void out_close(Out *o);

/* UTF-8 helpers */
uint32_t utf8_decode(const char *s, size_t n, size_t *adv); /* 0xFFFD on invalid */
size_t utf8_encode(uint32_t cp, char *out);
size_t utf8_cplen(const char *s, size_t n);
/* Twitter weighted length: 1 for Latin and common punctuation, 2 for CJK and emoji. */
size_t tw_weight(const char *s, size_t n);

/* time formats */
void fmt_v1_time(char out[32], int64_t unix_s);       /* Wed Oct 10 20:19:24 +0000 2018 */
void fmt_iso_ms(char out[32], int64_t unix_ms);       /* 2021-09-22T16:37:29.000Z */
void fmt_iso_s(char out[32], int64_t unix_s);         /* 2021-09-22T16:37:29Z */
void fmt_io_time(char out[32], int64_t unix_s);       /* 2017-08-19 15:13 */
void fmt_date(char out[16], int64_t unix_s);          /* 2017-08-19 */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int *y, int *m, int *d);

/* ----------------------------------------------------------------- rng.c */

typedef struct {
    uint64_t s[4];
} Rng;
uint64_t mix64(uint64_t x);
uint64_t hash_str(const char *s);
uint64_t hash3(uint64_t a, uint64_t b, uint64_t c);
void rng_seed(Rng *r, uint64_t seed);
Rng rng_for(uint64_t seed, uint64_t tag, uint64_t idx);
uint64_t rng_next(Rng *r);
double rng_u01(Rng *r);
uint32_t rng_below(Rng *r, uint32_t n);
int64_t rng_range(Rng *r, int64_t lo, int64_t hi); /* inclusive */
bool rng_chance(Rng *r, double p);
double rng_normal(Rng *r);
double rng_lognormal(Rng *r, double median, double sigma);
double rng_exp(Rng *r, double mean);
double rng_pareto(Rng *r, double xm, double alpha);
uint32_t rng_zipf(Rng *r, uint32_t n, double s); /* 0-based rank, P(k) ~ 1/(k+1)^s */
uint32_t rng_weighted(Rng *r, const double *w, uint32_t n);
void rng_shuffle(Rng *r, uint32_t *a, uint32_t n);
void base62(uint64_t h, char *out, int n); /* n chars + NUL */

/* ---------------------------------------------------------------- gram.c */

/* A tiny template grammar (Tracery-like): rules name a list of alternatives separated by '|';
 * an alternative is literal text with {rule} references. Special references:
 *   {n:LO:HI}  a random integer          {@}  a mention (caller hook)
 *   {U}        a URL (caller hook)        {E}  an emoji (zipf)
 * Rules whose definition starts with "~" choose by Zipf popularity instead of uniformly. */
typedef struct {
    const char *name;
    const char *alts;
} GramDef;

struct Content;
typedef struct {
    Rng *r;
    struct Content *c;
    void (*mention)(void *ud, struct Content *c, Rng *r);
    void (*url)(void *ud, struct Content *c, Rng *r);
    void *ud;
} GramCtx;

void gram_init(void);
int gram_find(const char *name); /* -1 when absent */
int gram_need(const char *name); /* dies when absent */
/* Expand rule into c (text appended). */
void gram_expand(GramCtx *g, int rule);
void gram_expand_name(GramCtx *g, const char *name);
/* Expand into a plain buffer (no hooks). */
void gram_expand_buf(Rng *r, int rule, char *out, size_t cap);
int gram_n_alts(int rule);
/* Expand a specific alternative of a rule. */
void gram_expand_alt(GramCtx *g, int rule, int alt);

extern const GramDef gram_en[], gram_fr[], gram_zh[], gram_misc[], gram_camp[], gram_cells[];

/* -------------------------------------------------------------- content */

#define TXT_MAX 3072
#define URL_MAX 320
#define MAX_URLS 6
#define MAX_MENTIONS 10
#define MAX_ENTS 40

enum { ENT_HASHTAG, ENT_MENTION, ENT_URL };

typedef struct {
    uint8_t kind;
    uint8_t idx;     /* mention: index into mention list; url: into url list */
    uint16_t b0, b1; /* byte offsets of the entity text (incl. # / @) */
    uint16_t c0, c1; /* code point offsets */
} Ent;

/* Whether e is of kind `kind` and, when limit_cp >= 0, ends at or before code point limit_cp. */
static inline bool ent_within(const Ent *e, int kind, int limit_cp)
{
    return e->kind == kind && !(limit_cp >= 0 && e->c1 > limit_cp);
}

/* The text of one post and its entities. Text holds t.co links for URLs (as in real dumps). */
typedef struct Content {
    char t[TXT_MAX];
    uint32_t len;
    uint64_t cseed;              /* for t.co codes */
    uint32_t mention[MAX_MENTIONS];
    int n_mention;
    char url_exp[MAX_URLS][URL_MAX];
    char url_tco[MAX_URLS][24];
    int n_url;
    Ent ent[MAX_ENTS];
    int n_ent;
    int n_tags;
} Content;

void content_reset(Content *c, uint64_t cseed);
void content_put(Content *c, const char *s, size_t n);
void content_puts(Content *c, const char *s);
void content_mention(Content *c, uint32_t acct); /* appends "@handle" */
void content_url(Content *c, const char *expanded); /* appends t.co link */
void content_hashtag(Content *c, const char *tag);  /* appends "#tag" */
void content_trim(Content *c);                       /* trims trailing spaces */
/* Compute entities by scanning the text (hashtags, known mentions, known t.co links). */
void content_scan(Content *c);
size_t content_weight(const Content *c); /* Twitter weighted length (URLs count 23) */

/* ------------------------------------------------------------ accounts */

enum { LANG_EN, LANG_FR, LANG_ZH, LANG_N };
extern const char *const lang_code[LANG_N];

enum {
    LBL_ORGANIC,
    LBL_CAMPAIGN,
    LBL_JOURNALIST,
    LBL_NEWS,
    LBL_OFFICIAL,
    LBL_LOOKALIKE,
    LBL_VIRAL,      /* organic account that reposted the viral post */
    LBL_NEWSSHARE,  /* organic account that shared the popular news URL */
    LBL_TREND,      /* organic account that used the trending hashtag pair */
    LBL_VIRAL_AUTHOR,
    LBL_EVENT,      /* organic account that posted a breaking-news event hashtag in its burst */
    LBL_FAN,        /* organic account of a fan community that reposts its idol together */
    LBL_IDOL,       /* the popular account a fan community follows */
    LBL_NICHE,      /* organic account that uses a niche hobby tag over weeks */
    LBL_N
};
extern const char *const label_name[LBL_N];

enum { TOP_CDNPOLI, TOP_INTERF, TOP_CACHINA, TOP_SPORTS, TOP_DAILY, TOP_WORLD, TOP_TECH, TOP_ENT, TOP_N };
extern const char *const topic_name[TOP_N];

typedef struct {
    uint64_t id;
    char handle[16];
    const char *name, *location, *desc, *url; /* url: expanded profile link or NULL */
    char io_id[48];                            /* IO-archive user id (hashed below 5000 followers) */
    int64_t created;                           /* unix seconds */
    uint32_t followers, friends, listed, favourites, statuses;
    int32_t campaign;                          /* -1 unless a planted campaign member */
    int16_t tz;                                /* UTC offset, minutes */
    uint8_t lang, label, client, style;
    uint8_t verified, def_profile, def_image, geo;
    uint8_t topic[3];
    uint8_t theme;
    char io_lang[4];                           /* account_language */
    float rate;                                /* expected organic actions over the period */
    float burst;                               /* chance the next action continues a session */
    float mix[4];                              /* post, repost, reply, quote */
    float appeal;                              /* how much others repost this account */
    uint64_t img;                              /* profile image id */
} Account;

/* ---------------------------------------------------------- statements */

#define STMT_MAX_SENT 96
typedef struct {
    char id[16];
    const char *source;       /* "embassy", "ministry spokesperson", ... */
    const char *kind;         /* remarks | statement | qa | oped */
    const char *title;
    int64_t published;        /* unix seconds */
    uint8_t lang;
    int translation_of;       /* index or -1 */
    uint32_t official;        /* account that posts it */
    const char *url;          /* web page */
    char *text;               /* arena, paragraphs separated by blank lines */
    int n_sent;
    uint32_t s_off[STMT_MAX_SENT], s_len[STMT_MAX_SENT]; /* sentence byte ranges in text */
    uint8_t s_par[STMT_MAX_SENT];                          /* paragraph of each sentence */
    int n_words;
} Statement;

/* ------------------------------------------------------------ posts */

enum { K_POST, K_REPOST, K_REPLY, K_QUOTE };
extern const char *const kind_name[4];

enum {
    PA_NONE, PA_VERBATIM, PA_EXCERPT, PA_SUBST, PA_REORDER, PA_TRUNC, PA_ADD, PA_NOISE,
    PA_TYPO, PA_UNICODE, PA_CHINESE, PA_JOURNALIST, PA_N
};
extern const char *const para_name[PA_N];

enum {
    BH_PARROT, BH_RING, BH_LINK, BH_HASHTAG, BH_NARRATIVE, BH_N
};
extern const char *const behaviour_name[BH_N];

/* roles of planted posts in the truth */
enum {
    RO_NONE, RO_OFFICIAL, RO_PARROT, RO_RING, RO_LINK, RO_HASHTAG, RO_NARRATIVE, RO_SEED,
    RO_JOURNALIST, RO_VIRAL, RO_NEWSURL, RO_TREND,
    /* roles of the phenomena of --scenario (see cells.c and hardneg.c) */
    RO_ECHO, RO_ROTATING, RO_MENTION, RO_ORGSHARE, RO_TARGET, RO_EVENT, RO_FAN, RO_IDOL, RO_NICHE,
    RO_N
};

/* Campaign kinds (truth "kind"). CK_MIXED is the multi-behaviour network of the default
 * scenario (plan.c); the others are single-purpose cells planned in cells.c. */
enum { CK_MIXED, CK_PARROT, CK_ECHO, CK_ROTATING, CK_RING, CK_HASHTAG, CK_MENTION, CK_LINK, CK_N };
extern const char *const ckind_name[CK_N];

/* Scenarios (--scenario): which phenomena are planted. */
enum { SC_DEFAULT, SC_HASHTAG, SC_CELLS, SC_ROTATING, SC_HARD, SC_ALL, SC_N };
extern const char *const scenario_name[SC_N];

/* Campaign size classes (truth "size_class", --size-mix). */
enum { SZ_SMALL, SZ_MEDIUM, SZ_LARGE, SZ_N };
extern const int size_class_lo[SZ_N], size_class_hi[SZ_N];
int size_class_of(int size); /* SZ_N when above the largest class */

#define MAX_BURSTS 48
extern const char *const role_name[RO_N];

/* A planted post: content stored in the arena, fully decided by plan.c. */
typedef struct {
    int64_t t_ms;
    uint64_t id;
    uint32_t author;
    uint8_t kind, lang, role, para;
    int32_t ref;          /* planted index of the referenced post, or -1 */
    uint64_t ref_id;      /* organic reference (reply/quote target) when ref < 0 */
    uint32_t ref_author;
    int16_t campaign, statement, narrative;
    char *text;           /* NULL for reposts */
    uint32_t len;
    uint8_t n_url, n_mention;
    char **urls;          /* expanded */
    uint32_t *mentions;
    float appeal;
    uint64_t cseed;       /* content seed (t.co codes) */
    uint32_t ops;         /* paraphrase operations applied (bit per PA_*) */
} Planted;

/* A post ready to be written: the writers see only this. */
typedef struct Post {
    uint64_t id;
    int64_t t_ms;
    uint32_t author;
    uint8_t kind, lang;
    Content *c;            /* own content (for reposts: the original's content) */
    struct Post *ref;      /* repost: original; quote: quoted; reply: parent (may be shallow) */
    uint64_t ref_id;
    uint32_t ref_author;
    uint32_t n_rt, n_reply, n_quote, n_like; /* counts as seen at collection time */
    bool rest_mode;        /* v1: REST extended (full_text) instead of streaming layout */
    bool in_dataset;       /* false for warm-up posts only embedded by reference */
} Post;

/* ------------------------------------------------------------ scenario */

typedef struct {
    int id;
    int size;
    uint32_t *members;
    float *part;           /* participation propensity per member */
    unsigned behaviours;   /* bit mask of BH_* */
    int timing;            /* 0 tight, 1 loose, 2 spread, 3 office */
    int profile;           /* 0 fresh, 1 aged, 2 mixed */
    int lang;              /* LANG_EN, LANG_ZH, or LANG_N for both */
    double window_s;
    double para_w[PA_N];
    const char *tags[4];
    int n_tags;
    int narr[3];
    int n_narr;
    int narr_base;         /* global narrative id of narr[0] */
    uint32_t hub;          /* seed account of the repost ring */
    int64_t active_from, active_to;
    int n_posts;
    int n_parroted;
    int parroted[32];
    /* --- the cells of --scenario (cells.c); CK_MIXED campaigns leave these at their zero
     *     values except kind, twin (-1) and op_tz --- */
    int kind;              /* CK_* */
    int twin;              /* campaign run alongside this one (same topic and hours, no shared
                              object), or -1 */
    int theme;             /* wording theme of the push grammar (shared by twins) */
    bool persona;          /* members keep up organic-looking activity at ordinary rates */
    bool share_organic;    /* members also amplify the viral post, the popular URL, the idol */
    int16_t op_tz;         /* operators' UTC offset, minutes */
    uint32_t target;       /* mention_push: the targeted account */
    int n_combo;           /* hashtag_push: tag combinations, as indices into tags */
    uint8_t combo[3][3], combo_n[3];
    double p_trend;        /* hashtag_push: share of posts that add a popular tag */
    int msg[4], n_msg;     /* echo, rotating_echo: message rules (rot.<lang>.<k>) */
    int n_wordings;        /* rotating_echo: wordings per message that members rotate through */
    int64_t bursts[MAX_BURSTS];
    int n_bursts;
} Campaign;

enum { FMT_V1 = 1, FMT_V2 = 2, FMT_IO = 4, FMT_CSV = 8, FMT_CHORUS = 16, FMT_JETSTREAM = 32,
       FMT_MASTODON = 64 };

typedef struct {
    uint64_t seed;
    long posts;
    long accounts;
    int formats;
    int campaigns;
    int csize_min, csize_max;
    int days;
    int64_t start;        /* unix seconds */
    double noise;         /* 0..1: scales the share of harder paraphrase kinds and evasion */
    const char *compress; /* none | gz | zst */
    const char *outdir;
    bool quiet;
    int statements;       /* 0 = auto */
    int scenario;         /* SC_* */
    unsigned kinds;       /* bit per CK_* allowed for the campaigns; 0 = the scenario's */
    double size_mix[SZ_N];/* weights of the size classes; all 0 = --campaign-size decides */
    unsigned timings;     /* bit per timing (0 tight .. 3 office) allowed; 0 = all */
    bool campaigns_set, csize_set;
    double mix[3];        /* --platform-mix weights of x, bluesky, mastodon; all 0 = off */
} Params;

/* Extra hard negatives of --scenario (hardneg.c), one descriptor per event for the truth. */
enum { HN_EVENT, HN_FANS, HN_NICHE, HN_N };
typedef struct {
    int kind;              /* HN_* */
    const char *tags[3];
    int n_tags;
    int64_t from, to;
    uint32_t idol;         /* HN_FANS: the account the fans repost */
    int32_t idol_posts[64];/* HN_FANS: planted indices of the idol's posts (before sorting) */
    int n_idol_posts;
    int n_posts, n_accounts;
} HardNeg;

typedef struct {
    Params p;
    int64_t t0, t1;           /* period, unix seconds */
    Account *acct;
    uint32_t n_acct;
    uint32_t n_organic_pool;  /* accounts [0, n_organic_pool) are ordinary organic/lookalike */
    uint32_t *officials;
    int n_officials;
    uint32_t *journalists;
    int n_journalists;
    uint32_t *news;
    int n_news;
    Statement *st;
    int n_st;
    Campaign *camp;
    int n_camp;
    Planted *pl;
    uint32_t n_pl, cap_pl;
    int n_narratives;
    char **narr_text;         /* base text of each narrative, for the truth */
    int *narr_campaign;
    /* hard-negative descriptors for the truth */
    uint64_t viral_post_id;
    int n_viral;
    char *news_url;
    int n_newsshare;
    const char *trend_tags[2];
    int n_trend;
    int64_t trend_t0, trend_t1, viral_t0, news_t0;
    int32_t viral_pl;         /* planted index of the viral post (before sorting), -1 */
    HardNeg hn[8];
    int n_hn;
    /* counters */
    uint64_t n_posts_out, n_kind[4];
    uint64_t planted_seq;
    /* --platform-mix (mix.c); plat is NULL without it */
    uint8_t *plat;            /* PF_* per account */
    uint8_t *pl_written;      /* per planted post: kind written (K_*), or MIX_DROPPED */
    uint64_t n_plat_kind[3][4];
    uint64_t n_plat_embedded[3]; /* distinct originals from before the period embedded by reposts
                                    and quotes (X and Mastodon readers count them as posts) */
    uint64_t n_cross_post, n_cross_dropped, n_cross_converted;
} Scenario;

extern Scenario S;

/* accounts.c */
void accounts_build(void);
void account_io_id(Account *a);

/* stmt.c */
void statements_build(void);
/* Sentence i of statement s, copied into out (NUL-terminated); returns its length. */
size_t stmt_sentence(const Statement *s, int i, char *out, size_t cap);
/* A sentence of a random template of the statement pools with random slots (rewrite.c). */
size_t stmt_random_sentence(Rng *r, int lang, int64_t date_day, char *out, size_t cap);

/* rewrite.c — the paraphrase test set of --rewrites: light rewrites of statement sentences
 * and hard negatives (rewrites.jsonl), with the extra statements they need
 * (rewrite_statements.jsonl). n: items per kind; pool: 'A', 'B' or 0 for both halves of the
 * extra statements. Draws from its own random streams: the rest of the output is unchanged. */
void rewrites_write(int n, char pool);

/* para.c — paraphrase a statement for a campaign post. Returns the kind actually applied. */
int paraphrase(Rng *r, const Statement *s, int kind, Content *c, uint32_t author, int camp,
               int *ops_mask);
void para_unicode(Rng *r, char *buf, size_t *len, size_t cap, double strength);
void para_typos(Rng *r, char *buf, size_t *len, size_t cap, int n);
void para_noise(Rng *r, char *buf, size_t *len, size_t cap);

/* text.c — organic text */
void text_organic(Content *c, uint64_t cseed, uint32_t author, int kind, int topic,
                  uint32_t ref_author, int64_t t, int *topic_out, uint8_t *lang_out);
void text_organic_with(Content *c, uint64_t cseed, uint32_t author, int topic, const char *url,
                       const char *const *tags, int n_tags, int64_t t, uint8_t *lang_out);
int text_pick_topic(uint64_t cseed, const Account *a);
void text_article_url(uint64_t article_seed, int domain, int64_t day, int topic, char *out, size_t cap);
void text_lower(Content *c); /* lower-case ASCII letters outside hashtags, mentions and links */
void url_variant(Rng *r, const char *canon, uint64_t article_seed, int how, char *out, size_t cap);
const char *text_emoji(Rng *r);

/* plan.c */
void campaigns_setup(void);
void plan_build(void);
Planted *planted_new(void);
uint64_t snowflake(int64_t t_ms, uint32_t worker, uint32_t seq);
/* shared with cells.c and hardneg.c */
bool scenario_new_mode(void); /* anything beyond the default scenario was asked for */
Planted *plan_add_post(int64_t t_ms, uint32_t author, int kind, int role, const Content *c);
Planted *plan_add_repost(int64_t t_ms, uint32_t author, int32_t ref, int role);
int64_t plan_to_ms(Rng *r, int64_t t);
bool plan_in_period(int64_t t);
int64_t plan_office_adjust(Rng *r, int64_t t);
uint32_t plan_pick_organic(Rng *r, bool en_fr_only);
int64_t plan_daytime(Rng *r, int64_t day, int tz);
void plan_camp_article_url(uint64_t aseed, int64_t day, const char *title, char *out, size_t cap);

/* cells.c — campaign kinds other than mixed: setup after the default draws, and planting */
void cells_defaults(Params *p); /* the scenario's campaign count unless --campaigns was given */
void cells_setup(void);      /* kinds, sizes, timings, twins, tags, messages (campaigns_setup) */
void cells_plan(Campaign *c);/* plants the actions of one campaign of a kind other than mixed */
void cells_share_organic(Campaign *c); /* the viral post, popular URL, idol and trend */

/* hardneg.c — hard negatives of --scenario: a news-event hashtag adopted in bursts, a fan
 * community reposting its idol, niche hobby tags used together over weeks */
void hardneg_plan(void);

/* sim.c */
void sim_run(void);

/* mix.c — --platform-mix: one platform per account, posts routed to the native file of their
 * author's platform, references that would cross platforms turned into what an operator does
 * on the other platform (see mix.c) */
enum { PF_X, PF_BLUESKY, PF_MASTODON, PF_N };
#define MIX_DROPPED 255
extern const char *const platform_name[PF_N];
bool mix_on(void);
void mix_assign(void);          /* after plan_build: draws each account's platform */
bool mix_same_platform(uint32_t a, uint32_t b); /* true without --platform-mix */
/* Rewrites a post whose reference would cross platforms; false: the post is not written.
 * planted: its planted index or -1. Counts what is written per platform. */
bool mix_route(Post *p, int32_t planted);
void mix_truth_meta(Buf *b);    /* ,"platforms":{...} */
void mix_truth_account(Buf *b, const Account *a); /* ,"platform":..,"native_id":..,"native_handle":.. */
void mix_truth_post(Buf *b, uint32_t planted);    /* ,"platform":..,"written":.. */
void js_did(const Account *a, char out[40]);      /* out_jetstream.c */
void js_handle(const Account *a, char out[48]);
void md_acct(const Account *a, char *out, size_t cap); /* out_mastodon.c: handle@server */

/* writers: out_v1.c, out_v2.c, out_csv.c, out_chorus.c */
void writers_open(void);
void writers_post(const Post *p);
void writers_close(void);
void v1_status(Buf *b, const Post *p, int depth);
void v1_user(Buf *b, const Account *a);
void v2_open(Out *o);
void v2_post(Out *o, const Post *p);
void v2_close(Out *o);
void io_header(Out *o);
void io_post(Out *o, const Post *p);
void ct_header(Out *o);
void ct_post(Out *o, const Post *p);
void chorus_post(Out *o, const Post *p);
void js_post(Out *o, const Post *p); /* out_jetstream.c */
void js_close(Out *o);                /* closes o, writes profiles.bsky.jsonl */
void mastodon_post(Out *o, const Post *p); /* out_mastodon.c */
/* entity JSON for v1 (hashtags, symbols, user_mentions, urls) with an index shift */
void v1_entities(Buf *b, const Content *c, int shift, int limit_cp);
const char *client_name(int client);
const char *client_url(int client);

/* truth.c */
void truth_write(void);
void statements_write(void);

#endif
