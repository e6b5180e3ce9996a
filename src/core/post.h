/*
 * post.h — the canonical post record, the account table and the corpus that owns them.
 *
 * Readers of every format fill a ch_rawpost whose strings borrow from the reader's buffer and
 * hand it to ch_corpus_add(), which validates it, interns ids, copies text into the corpus
 * arena and drops duplicate post ids (the same post in two files, or a repost's embedded
 * original that also appears as its own line: the first copy read is kept).
 *
 * Identity is scoped by platform: an account is (platform, account id) and a post is
 * (platform, post id), where the platform is a short name ("x", "bluesky", "telegram", ...;
 * "" when the input does not say). The same id text on two platforms names two accounts or
 * two posts; a post's platform is its account's, and what it refers to (ref_id,
 * ref_account) is on the same platform.
 *
 * Ownership: the corpus owns every ch_post, ch_account and string; pointers into it stay valid
 * until chorus_corpus_free(). Not thread-safe: one writer at a time.
 */
#ifndef CH_POST_H
#define CH_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chorus.h"
#include "core/arena.h"
#include "core/parallel.h"
#include "core/pool.h"

typedef enum ch_kind {
    CH_KIND_POST = 0,
    CH_KIND_REPOST,
    CH_KIND_REPLY,
    CH_KIND_QUOTE,
    CH_KIND_LIKE,                 /* an engagement with ref_id (Bluesky like, Mastodon
                                     favourite): no text of its own */
    CH_KIND__COUNT
} ch_kind;

const char *ch_kind_name(ch_kind k);           /* "post", "repost", "reply", "quote", "like" */
int ch_kind_parse(const char *s, size_t n, ch_kind *out);  /* 0 or CHORUS_EPARSE */

#define CH_UNKNOWN_I64 INT64_MIN               /* unknown count or time */

/* Account metadata snapshot as an export gives it; unknown fields stay CH_UNKNOWN_I64 / -1 / 0. */
typedef struct ch_account_meta {
    bool present;                 /* the export carried a profile for this account */
    int64_t created_at;           /* account creation, Unix seconds UTC */
    int64_t followers, following, statuses;
    int8_t default_profile;       /* -1 unknown, 0 no, 1 yes */
    int8_t default_profile_image;
    int8_t verified;
    int8_t bot;                   /* the account says it is automated (Mastodon `bot`) */
    ch_sid display_name;
    ch_sid description;
    int64_t observed_at;          /* time of the post the snapshot came with; INT64_MAX for
                                     a profile lookup (ch_corpus_set_profile) */
} ch_account_meta;

#define CH_MAX_PLATFORMS 64       /* distinct platform names a corpus holds */

typedef struct ch_account {
    ch_sid id;                    /* account id; the handle when the export has no id */
    uint8_t platform;             /* index into the corpus platform names (0 = "") */
    ch_sid handle;                /* screen name without '@', 0 if unknown */
    uint32_t n_posts;
    ch_account_meta meta;
} ch_account;

typedef struct ch_post {
    ch_sid id;
    uint32_t account;             /* index into the corpus account table */
    int64_t created_at;           /* Unix seconds UTC */
    uint8_t kind;                 /* ch_kind */
    uint8_t n_urls, n_hashtags, n_mentions;
    ch_sid ref_id;                /* referenced post (reposted, replied to, quoted, liked), 0 if none */
    ch_sid root_id;               /* the conversation's first post (thread root, submission),
                                     0 if unknown or the post is the root itself */
    ch_sid ref_account;           /* account id of the referenced post, 0 if unknown */
    ch_sid ref_handle;            /* handle of the referenced account, 0 if unknown */
    ch_sid lang;
    uint32_t file;                /* index of the input file (ch_corpus_file) */
    uint32_t text_len;
    const char *text;             /* original text, UTF-8, NUL-terminated, HTML entities decoded;
                                   * a NUL character in the input (JSON \u0000) is stored as
                                   * U+FFFD, so the text never stops early */
    ch_sid *ents;                 /* the entities, one array: n_urls URLs (expanded where the
                                     export has them), then n_hashtags hashtags (without '#',
                                     as written), then n_mentions handles (without '@'); read
                                     them with ch_post_urls, ch_post_hashtags, ch_post_mentions.
                                     One pointer instead of three: 16 bytes a post. */
} ch_post;                        /* 64 bytes: the posting client (ch_corpus_client) and the
                                     normalized text (ch_corpus_norm) are held beside the posts */

static inline const ch_sid *ch_post_urls(const ch_post *p) { return p->ents; }
static inline const ch_sid *ch_post_hashtags(const ch_post *p)
{
    return p->ents ? p->ents + p->n_urls : NULL;
}
static inline const ch_sid *ch_post_mentions(const ch_post *p)
{
    return p->ents ? p->ents + p->n_urls + p->n_hashtags : NULL;
}

typedef struct ch_slice {
    const char *p;
    size_t n;
} ch_slice;

/* Whether s holds exactly the bytes of lit. */
static inline bool ch_slice_is(ch_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

#define CH_MAX_ENTITIES 64        /* URLs, hashtags, mentions kept per post; more are dropped */

/* What a reader hands to the corpus. Every slice borrows from the reader; empty = absent. */
typedef struct ch_rawpost {
    ch_slice id, author_id, author, text, lang, client;
    ch_slice platform;            /* empty: the file's platform (ch_corpus_file_platform) */
    ch_slice ref_id, ref_author_id, ref_author;
    ch_slice root_id;             /* thread root / submission of a reply, when known */
    int64_t created_at;           /* CH_UNKNOWN_I64 if missing */
    ch_kind kind;
    bool text_html_escaped;       /* decode &amp; &lt; &gt; &quot; &#39; (v1.1 text) */
    bool ids_hashed;              /* id_hash, author_hash hold the hashes of id and of the
                                     account key (ch_corpus_prefetch_ids); cleared by
                                     ch_rawpost_clear */
    uint32_t id_hash, author_hash;
    size_t n_urls, n_hashtags, n_mentions;
    ch_slice urls[CH_MAX_ENTITIES], hashtags[CH_MAX_ENTITIES], mentions[CH_MAX_ENTITIES];
    struct {
        bool present;
        int64_t created_at, followers, following, statuses;
        int8_t default_profile, default_profile_image, verified, bot;
        ch_slice display_name, description;
    } meta;
} ch_rawpost;

/* Reset to "everything absent". */
void ch_rawpost_clear(ch_rawpost *r);
/* Append an entity, ignoring it once CH_MAX_ENTITIES are held. */
void ch_rawpost_add_url(ch_rawpost *r, const char *p, size_t n);
void ch_rawpost_add_hashtag(ch_rawpost *r, const char *p, size_t n);
void ch_rawpost_add_mention(ch_rawpost *r, const char *p, size_t n);

/* Why a record was not kept. Reasons are counted per run and named by ch_reason_name. */
typedef enum ch_reason {
    CH_R_JSON = 0,       /* malformed JSON */
    CH_R_DEPTH,          /* nesting deeper than the parser's limit */
    CH_R_CSV,            /* malformed CSV (e.g. unterminated quote) */
    CH_R_COLUMNS,        /* wrong number of CSV columns */
    CH_R_UTF8,           /* invalid UTF-8 */
    CH_R_TOO_LONG,       /* record longer than the limit */
    CH_R_NO_ID,          /* missing post id */
    CH_R_NO_AUTHOR,      /* missing author id and handle */
    CH_R_NO_TIME,        /* missing creation time */
    CH_R_BAD_TIME,       /* unparseable creation time */
    CH_R_BAD_FIELD,      /* a field of the wrong type or value */
    CH_R_TRUNCATED,      /* compressed stream or file ended mid-record */
    CH_R_NOT_POST,       /* a well-formed record that holds no post (counts, compliance...) */
    /* Damaged regions of a compressed stream (ingest/input.h), counted once per region: */
    CH_R_CORRUPT_MEMBER, /* a gzip member / zstd frame that cannot be decompressed, or bytes
                          * between members that are none */
    CH_R_BAD_CHECKSUM,   /* a member that decompressed but failed its check value */
    CH_R_TRAILING_GARBAGE, /* bytes after the last member that are no member */
    CH_R_DELETED,        /* a deletion of a post, repost or like (Bluesky delete events):
                            counted, never applied: what was said stays evidence */
    CH_R__COUNT
} ch_reason;

const char *ch_reason_name(ch_reason r);  /* short snake_case name, e.g. "bad_json" */

typedef struct ch_corpus_stats {
    uint64_t posts_by_kind[CH_KIND__COUNT];
    uint64_t duplicates;          /* records dropped because their post id was already held */
    uint64_t merged;              /* records that repeated a post id held and added URLs,
                                     hashtags or mentions to it (see ch_corpus_add) */
    uint64_t profiles;            /* account records applied: handles and profiles
                                     (ch_corpus_set_handle, ch_corpus_set_profile) */
    uint64_t records;             /* records read (kept, duplicate or skipped) */
    uint64_t errors[CH_R__COUNT]; /* records skipped, by reason */
    int64_t min_time, max_time;   /* over kept posts; CH_UNKNOWN_I64 when none */
    uint64_t unreadable_bytes;    /* compressed bytes in damaged regions of the inputs */
} ch_corpus_stats;

/* The corpus. Its functions keep the chorus_ prefix of the public API they once were part of;
 * they are internal (the public API reads inputs through a scan handle, include/chorus.h). */
typedef struct chorus_corpus chorus_corpus;
typedef struct chorus_corpus ch_corpus;

chorus_err chorus_corpus_new(chorus_corpus **out);   /* CHORUS_OK or CHORUS_ENOMEM */
void chorus_corpus_free(chorus_corpus *c);           /* NULL is fine */
size_t chorus_corpus_posts(const chorus_corpus *c);
size_t chorus_corpus_accounts(const chorus_corpus *c);

/* Adds a record. Returns 0 (kept or duplicate: *kept says which), or CHORUS_EPARSE with
 * *reason set when a required field is missing/invalid, or CHORUS_ENOMEM. `file` is the
 * index from ch_corpus_add_file.
 *
 * A record whose (platform, post id) is held already is one of two things. When its other
 * fields agree with the post held — the same account, time, kind and referenced post, and the
 * same text unless one of the two has none — it is another row of the same post: tables of
 * shares write one row per URL or hashtag of a post (CrowdTangle, CooRnet). Its URLs,
 * hashtags and mentions that the post lacks are added to it (up to CH_MAX_ENTITIES of each),
 * and the record counts as `merged` when it added any. Every other repeat (nothing new, or a
 * field that disagrees) counts as a duplicate and changes nothing: the first copy read is
 * kept. Cost of a repeat: one account lookup and one string lookup per entity. */
int ch_corpus_add(ch_corpus *c, const ch_rawpost *r, uint32_t file, bool *kept, ch_reason *reason);
/* Optional, for readers that know a record's id and author before they have walked the rest
 * of it: hashes r->id and the account key (r->author_id, else r->author) into r and starts
 * loading their string-table slots, so that the cache misses of ch_corpus_add's lookups
 * overlap the reader's own work. Call it once both are final: ch_corpus_add trusts the
 * hashes (a slice changed after this call must be followed by ch_rawpost_clear or another
 * call). c may be NULL (nothing is done). Cost: two hashes and two prefetches. */
void ch_corpus_prefetch_ids(const ch_corpus *c, ch_rawpost *r);
/* Registers an input file name; returns its index in *out. */
int ch_corpus_add_file(ch_corpus *c, const char *name, uint32_t *out);
const char *ch_corpus_file(const ch_corpus *c, uint32_t file);
/* Sets the platform of the records of `file` that name none (the reader's platform).
 * Returns 0, CHORUS_ENOMEM or CHORUS_ELIMIT (more than CH_MAX_PLATFORMS names). */
int ch_corpus_file_platform(ch_corpus *c, uint32_t file, const char *platform);
/* The name of a platform index ("" for 0); ch_corpus_nplatforms() indexes exist. */
const char *ch_corpus_platform_name(const ch_corpus *c, uint8_t platform);
size_t ch_corpus_nplatforms(const ch_corpus *c);
/* The index of a platform name, or -1 when the corpus holds none of that name. */
int ch_corpus_platform_find(const ch_corpus *c, const char *name);
/* Sets the handle of account `id` on the platform of `file` (a Bluesky identity event, a DID
 * document): at once when the account is held, else as soon as its first post is added, so
 * it does not matter whether the identity comes before or after the account's posts. A later
 * post that names its author's handle replaces it. Returns 0, CHORUS_ENOMEM or CHORUS_EUSAGE
 * (empty id or handle, unknown file). Cost: two interned strings and one lookup. */
int ch_corpus_set_handle(ch_corpus *c, uint32_t file, ch_slice id, ch_slice handle);
/* Sets the handle (r->author, when given) and the profile (r->meta, when present) of account
 * r->author_id on the platform of `file`, from a profile lookup (Bluesky getProfiles, a
 * follower list): at once or when the account's first post arrives, as above. The profile
 * replaces the account's snapshot and is kept over the ones later posts carry (which are
 * often partial: a post's author view has no follower counts), until another lookup.
 * Returns 0, CHORUS_ENOMEM, CHORUS_ELIMIT or CHORUS_EUSAGE (no id, unknown file). */
int ch_corpus_set_profile(ch_corpus *c, uint32_t file, const ch_rawpost *r);
/* Interns a string into the corpus's pool (for readers that keep ids across records, such as
 * the Mastodon reader's local-id map); *out is 0 for an empty string. Returns 0 or
 * CHORUS_ENOMEM. The string lives as long as the corpus. */
int ch_corpus_intern(ch_corpus *c, const char *s, size_t n, ch_sid *out);
/* Records a skipped record against the run's counters. */
void ch_corpus_count_error(ch_corpus *c, ch_reason r);
/* Adds bytes of an input that could not be read (damaged compressed regions). */
void ch_corpus_count_unreadable(ch_corpus *c, uint64_t bytes);

size_t ch_corpus_nposts(const ch_corpus *c);
size_t ch_corpus_naccounts(const ch_corpus *c);
const ch_post *ch_corpus_post(const ch_corpus *c, size_t i);     /* in insertion order */
const ch_account *ch_corpus_account(const ch_corpus *c, size_t i);
/* Index of the post with this id on `platform` (an index), or SIZE_MAX. */
size_t ch_corpus_find_post(const ch_corpus *c, uint8_t platform, const char *id, size_t len);
/* Index of the account with this id on `platform`, or SIZE_MAX. */
size_t ch_corpus_find_account(const ch_corpus *c, uint8_t platform, const char *id, size_t len);
/* The platform index of post i (its account's). */
uint8_t ch_corpus_post_platform(const ch_corpus *c, size_t i);
const ch_pool *ch_corpus_pool(const ch_corpus *c);
const ch_corpus_stats *ch_corpus_stats_get(const ch_corpus *c);
/* The posting client or source of post p (a post of this corpus), e.g. "Twitter for iPhone",
 * or 0. Held beside the posts, 4 bytes a post, only once a record has named one (X, Mastodon,
 * CSV with a client column): no stage reads it yet, so formats without it pay nothing. */
ch_sid ch_corpus_client(const ch_corpus *c, const ch_post *p);
/* Mutable access for the stages that annotate posts. */
ch_post *ch_corpus_post_mut(ch_corpus *c, size_t i);
/* Normalized texts (text/features.h), held beside the posts while the stages that read them
 * run (12 bytes a post, none before ch_corpus_norm_reserve and after ch_corpus_drop_derived).
 * ch_corpus_norm_reserve makes room for every post's (all absent) and returns 0 or
 * CHORUS_ENOMEM; then workers may set those of distinct posts in parallel. ch_corpus_norm gives
 * post i's and its length, or NULL (and 0) when none is held. */
int ch_corpus_norm_reserve(ch_corpus *c);
void ch_corpus_set_norm(ch_corpus *c, size_t i, const char *s, uint32_t len);
const char *ch_corpus_norm(const ch_corpus *c, size_t i, uint32_t *len);
/* An arena owned by the corpus for derived per-post data, one per worker of ch_parallel_for
 * (0 <= worker < CH_CORPUS_WORKERS), so workers can allocate without locks. */
#define CH_CORPUS_WORKERS CH_PARALLEL_MAX
ch_arena *ch_corpus_worker_arena(ch_corpus *c, int worker);

/* Heap bytes the corpus holds, by part (for docs/scale.md and bench_scale): what a post
 * costs at peak is measured, not guessed. Capacities count, not only what is filled. */
typedef struct ch_corpus_mem {
    size_t posts;                 /* the post records */
    size_t accounts;              /* account records and the pending-profile table */
    size_t text;                  /* original texts and entity arrays (the corpus arena) */
    size_t norm;                  /* derived per-post data: normalized texts (worker arenas) */
    size_t pool;                  /* interned ids, handles, URLs, hashtags... and their table */
    size_t index;                 /* id lookups: sid -> post/account, cross-platform maps */
    size_t spilled;               /* texts in the spill file (ch_corpus_set_memory): on disk,
                                     resident only while read, not counted above */
} ch_corpus_mem;
void ch_corpus_mem_get(const ch_corpus *c, ch_corpus_mem *out);
/* Gives back the slack of the post and account arrays (grown by doubling while reading: up to
 * half of them unused) once reading is over. A failed shrink keeps the arrays as they are. */
void ch_corpus_shrink(ch_corpus *c);
/* Forgets every post's normalized text (ch_corpus_norm gives NULL) and frees the worker arenas that hold
 * them and any other derived data: for when the last stage that reads them has run. */
void ch_corpus_drop_derived(ch_corpus *c);

/* A memory budget in bytes for the scan this corpus belongs to (0: none, the default). Once the
 * corpus's own heap (records, strings, texts, lookups) would pass half of it, the texts of the
 * posts added next go to a temporary file in `tmpdir` (NULL: $TMPDIR, else /tmp; unlinked at
 * once, gone when the corpus is freed) mapped back into memory (core/spill.h): ch_post.text
 * keeps pointing at them, and every reader sees the same bytes, so results do not change.
 * Set before the first post is added. ch_corpus_add then also returns CHORUS_EIO (the file
 * cannot be created, extended or mapped: ch_corpus_spill_error says why). */
void ch_corpus_set_memory(ch_corpus *c, uint64_t limit, const char *tmpdir);
/* Drops the spilled texts' pages from the resident set (they stay in the file and come back
 * when read): for when a stage that read every text is over. Safe while other threads read
 * texts. No effect when nothing was spilled. */
void ch_corpus_release_text(const ch_corpus *c);
/* Whether texts went to the spill file (the corpus passed half its budget while reading). */
bool ch_corpus_spilling(const ch_corpus *c);
/* Why the spill file failed ("cannot extend the temporary file: No space left on device"), or
 * NULL. */
const char *ch_corpus_spill_error(const ch_corpus *c);

#endif
