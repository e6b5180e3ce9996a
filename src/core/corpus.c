/* corpus.c — post store with id deduplication and an account table (see post.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/post.h"
#include "core/spill.h"

/* Ids recur across platforms only rarely, so the sid-indexed arrays hold the first post or
 * account with each id, and the others go to this side table keyed by (platform, sid).
 * Open addressing, linear probing, at most half full; key 0 is empty (sids start at 1). */
typedef struct scoped_map {
    uint64_t *keys;
    uint32_t *vals;               /* index + 1 */
    size_t cap, n;
} scoped_map;

struct chorus_corpus {
    ch_pool pool;
    ch_arena arena;               /* post texts and entity arrays */
    ch_arena worker[CH_CORPUS_WORKERS]; /* derived data written by worker threads */
    ch_post *posts;
    size_t nposts, cap_posts;
    ch_sid *client;               /* per post: posting client, once a record named one (else NULL) */
    size_t cap_client;
    const char **norm;            /* per post: normalized text (ch_corpus_norm_reserve), or NULL */
    uint32_t *norm_len;
    size_t cap_norm;              /* posts the two arrays cover */
    ch_account *accounts;
    size_t naccounts, cap_accounts;
    uint32_t *post_of_sid;        /* pool id -> post index + 1 (0 = none) */
    size_t cap_sid;               /* elements usable in post_of_sid */
    size_t cap_post_sid;          /* elements allocated */
    /* account id (a pool id) -> its first account: a slot holds sid << 32 | index + 1 (0 =
     * empty). A map rather than an array by pool id like post_of_sid, because accounts are
     * few among the strings (1 in 10 to 1 in 30): a few bytes per account instead of 4 per
     * string, so the lookup every post makes stays in a table that caches well. Placed by the
     * pool hash of the id, which a record has before it is interned, so the slot can load
     * early. Open addressing, linear probing, at most half full; the capacity is a power of 2. */
    uint64_t *account_first;
    size_t cap_account_first, naccount_first;
    scoped_map post_other, account_other; /* ids already held on another platform */
    scoped_map pending;           /* (platform, account id) -> index + 1 in pending_acct:
                                     handles and profiles of accounts not held yet */
    struct pending_acct { ch_sid handle; ch_account_meta meta; } *pending_acct;
    size_t npending, cap_pending;
    char **files;
    uint8_t *file_platform;       /* per file: platform of records that name none */
    size_t nfiles, cap_files, cap_file_platform;
    char *platforms[CH_MAX_PLATFORMS]; /* names; [0] = "" */
    size_t nplatforms;
    ch_sid last_lang, last_client; /* most posts repeat the previous post's language and client */
    uint64_t acct_platforms;      /* bit i: an account of platform i is held. With one bit set
                                     (one platform read: the usual case), a lookup by id need
                                     not read the account to check its platform */
    ch_corpus_stats stats;
    uint64_t mem_limit;           /* ch_corpus_set_memory; 0 = none */
    bool spilling;                /* texts go to `spill` from now on */
    ch_spill spill;               /* texts past the budget */
};

static const char *const kind_names[CH_KIND__COUNT] = {"post", "repost", "reply", "quote", "like"};

const char *ch_kind_name(ch_kind k)
{
    return (unsigned)k < CH_KIND__COUNT ? kind_names[k] : "?";
}

int ch_kind_parse(const char *s, size_t n, ch_kind *out)
{
    for (int k = 0; k < CH_KIND__COUNT; k++) {
        if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0) {
            *out = (ch_kind)k;
            return CHORUS_OK;
        }
    }
    if (n == 7 && memcmp(s, "retweet", 7) == 0) {
        *out = CH_KIND_REPOST;
        return CHORUS_OK;
    }
    return CHORUS_EPARSE;
}

static const char *const reason_names[CH_R__COUNT] = {
    "bad_json", "too_deep", "bad_csv", "wrong_column_count", "bad_utf8", "too_long",
    "missing_id", "missing_author", "missing_time", "bad_time", "bad_field",
    "truncated", "not_a_post", "corrupt_member", "bad_checksum", "trailing_garbage",
    "deleted",
};

const char *ch_reason_name(ch_reason r)
{
    return (unsigned)r < CH_R__COUNT ? reason_names[r] : "unknown";
}

void ch_rawpost_clear(ch_rawpost *r)
{
    /* Only the scalar parts: entity arrays are guarded by their counts. */
    memset(r, 0, offsetof(ch_rawpost, urls));
    r->created_at = CH_UNKNOWN_I64;
    memset(&r->meta, 0, sizeof r->meta);
    r->meta.created_at = r->meta.followers = r->meta.following = r->meta.statuses = CH_UNKNOWN_I64;
    r->meta.default_profile = r->meta.default_profile_image = r->meta.verified = r->meta.bot = -1;
}

#define ADD_ENTITY(arr, cnt)                     \
    do {                                         \
        if (n == 0 || r->cnt >= CH_MAX_ENTITIES) \
            return;                              \
        r->arr[r->cnt].p = p;                    \
        r->arr[r->cnt].n = n;                    \
        r->cnt++;                                \
    } while (0)

void ch_rawpost_add_url(ch_rawpost *r, const char *p, size_t n) { ADD_ENTITY(urls, n_urls); }
void ch_rawpost_add_hashtag(ch_rawpost *r, const char *p, size_t n) { ADD_ENTITY(hashtags, n_hashtags); }
void ch_rawpost_add_mention(ch_rawpost *r, const char *p, size_t n) { ADD_ENTITY(mentions, n_mentions); }

chorus_err chorus_corpus_new(chorus_corpus **out)
{
    *out = NULL;
    ch_corpus *c = ch_calloc(1, sizeof *c);
    if (!c)
        return CHORUS_ENOMEM;
    if (ch_pool_init(&c->pool)) {
        ch_free(c);
        return CHORUS_ENOMEM;
    }
    ch_arena_init(&c->arena);
    for (int i = 0; i < CH_CORPUS_WORKERS; i++)
        ch_arena_init(&c->worker[i]);
    c->stats.min_time = c->stats.max_time = CH_UNKNOWN_I64;
    c->platforms[0] = (char *)"";
    c->nplatforms = 1;
    ch_spill_init(&c->spill, NULL);
    *out = c;
    return CHORUS_OK;
}

void chorus_corpus_free(chorus_corpus *c)
{
    if (!c)
        return;
    ch_pool_free(&c->pool);
    ch_arena_free(&c->arena);
    for (int i = 0; i < CH_CORPUS_WORKERS; i++)
        ch_arena_free(&c->worker[i]);
    ch_spill_free(&c->spill);
    ch_free_big(c->posts, c->cap_posts * sizeof *c->posts);
    ch_free_big(c->norm, c->cap_norm * sizeof *c->norm);
    ch_free_big(c->norm_len, c->cap_norm * sizeof *c->norm_len);
    ch_free_big(c->client, c->cap_client * sizeof *c->client);
    ch_free(c->accounts);
    ch_free_big(c->post_of_sid, c->cap_post_sid * sizeof *c->post_of_sid);
    ch_free_big(c->account_first, c->cap_account_first * sizeof *c->account_first);
    for (size_t i = 0; i < c->nfiles; i++)
        ch_free(c->files[i]);
    ch_free(c->files);
    ch_free(c->file_platform);
    for (size_t i = 1; i < c->nplatforms; i++)
        ch_free(c->platforms[i]);
    ch_free(c->post_other.keys);
    ch_free(c->post_other.vals);
    ch_free(c->account_other.keys);
    ch_free(c->account_other.vals);
    ch_free(c->pending.keys);
    ch_free(c->pending.vals);
    ch_free(c->pending_acct);
    ch_free(c);
}

size_t chorus_corpus_posts(const chorus_corpus *c) { return c->nposts; }
size_t chorus_corpus_accounts(const chorus_corpus *c) { return c->naccounts; }
size_t ch_corpus_nposts(const ch_corpus *c) { return c->nposts; }
size_t ch_corpus_naccounts(const ch_corpus *c) { return c->naccounts; }
const ch_post *ch_corpus_post(const ch_corpus *c, size_t i) { return &c->posts[i]; }
ch_post *ch_corpus_post_mut(ch_corpus *c, size_t i) { return &c->posts[i]; }
ch_arena *ch_corpus_worker_arena(ch_corpus *c, int worker) { return &c->worker[worker]; }
const ch_account *ch_corpus_account(const ch_corpus *c, size_t i) { return &c->accounts[i]; }
const ch_pool *ch_corpus_pool(const ch_corpus *c) { return &c->pool; }
const ch_corpus_stats *ch_corpus_stats_get(const ch_corpus *c) { return &c->stats; }

void ch_corpus_mem_get(const ch_corpus *c, ch_corpus_mem *out)
{
    memset(out, 0, sizeof *out);
    out->posts = c->cap_posts * sizeof *c->posts + c->cap_client * sizeof *c->client;
    out->accounts = c->cap_accounts * sizeof *c->accounts + c->cap_pending * sizeof *c->pending_acct;
    out->text = c->arena.total;
    out->norm = c->cap_norm * (sizeof *c->norm + sizeof *c->norm_len);
    for (int i = 0; i < CH_CORPUS_WORKERS; i++)
        out->norm += c->worker[i].total;
    out->pool = c->pool.arena.total + (size_t)c->pool.cap_ents * sizeof *c->pool.strs +
                ((size_t)c->pool.mask + 1) * sizeof *c->pool.table;
    out->index = c->cap_sid * sizeof(uint32_t) + c->cap_account_first * sizeof *c->account_first;
    const scoped_map *m[3] = {&c->post_other, &c->account_other, &c->pending};
    for (int k = 0; k < 3; k++)
        out->index += m[k]->cap * (sizeof *m[k]->keys + sizeof *m[k]->vals);
    out->spilled = (size_t)c->spill.bytes;
}

/* What the corpus holds on the heap while reading (the parts of ch_corpus_mem that grow with
 * it; the worker arenas are empty until normalization). O(1). */
static uint64_t heap_bytes(const ch_corpus *c)
{
    return (uint64_t)c->cap_posts * sizeof *c->posts + (uint64_t)c->cap_client * sizeof *c->client +
           (uint64_t)c->cap_accounts * sizeof *c->accounts +
           c->arena.total + c->pool.arena.total + (uint64_t)c->pool.cap_ents * sizeof *c->pool.strs +
           ((uint64_t)c->pool.mask + 1) * sizeof *c->pool.table + (uint64_t)c->cap_sid * sizeof(uint32_t) +
           (uint64_t)c->cap_account_first * sizeof *c->account_first;
}

void ch_corpus_set_memory(ch_corpus *c, uint64_t limit, const char *tmpdir)
{
    c->mem_limit = limit;
    if (c->spill.nchunks == 0)
        ch_spill_init(&c->spill, tmpdir);
}

void ch_corpus_release_text(const ch_corpus *c)
{
    ch_spill_release(&c->spill);
}

bool ch_corpus_spilling(const ch_corpus *c)
{
    return c->spilling;
}

const char *ch_corpus_spill_error(const ch_corpus *c)
{
    return c->spill.err[0] ? c->spill.err : NULL;
}

/* Room for a text of n bytes: in the arena while the corpus is within half its memory budget
 * (the detection stages need about as much again at their peak), in the spill file past it.
 * Once spilling, every later text spills, so the texts in memory are the first ones read. */
static char *text_alloc(ch_corpus *c, size_t n, int *rc)
{
    *rc = CHORUS_OK;
    if (!c->spilling && c->mem_limit && heap_bytes(c) + n > c->mem_limit / 2)
        c->spilling = true;
    if (c->spilling)
        return ch_spill_alloc(&c->spill, n, rc);
    char *p = ch_arena_alloc(&c->arena, n, 1);
    if (!p)
        *rc = CHORUS_ENOMEM;
    return p;
}

void ch_corpus_shrink(ch_corpus *c)
{
    if (c->nposts && c->nposts < c->cap_posts)
        ch_shrink_big((void **)&c->posts, &c->cap_posts, c->nposts, sizeof *c->posts);
    if (c->nposts && c->client && c->nposts < c->cap_client)
        ch_shrink_big((void **)&c->client, &c->cap_client, c->nposts, sizeof *c->client);
    if (c->naccounts && c->naccounts < c->cap_accounts) {
        ch_account *a = ch_realloc(c->accounts, c->naccounts * sizeof *a);
        if (a) {
            c->accounts = a;
            c->cap_accounts = c->naccounts;
        }
    }
}

void ch_corpus_drop_derived(ch_corpus *c)
{
    ch_free_big(c->norm, c->cap_norm * sizeof *c->norm);
    ch_free_big(c->norm_len, c->cap_norm * sizeof *c->norm_len);
    c->norm = NULL;
    c->norm_len = NULL;
    c->cap_norm = 0;
    for (int i = 0; i < CH_CORPUS_WORKERS; i++)
        ch_arena_free(&c->worker[i]);
}

int ch_corpus_norm_reserve(ch_corpus *c)
{
    ch_free_big(c->norm, c->cap_norm * sizeof *c->norm);
    ch_free_big(c->norm_len, c->cap_norm * sizeof *c->norm_len);
    c->cap_norm = 0;
    c->norm_len = NULL;
    c->norm = c->nposts ? ch_alloc_big(c->nposts * sizeof *c->norm) : NULL;
    if (c->nposts && !c->norm)
        return CHORUS_ENOMEM;
    c->norm_len = c->nposts ? ch_alloc_big(c->nposts * sizeof *c->norm_len) : NULL;
    if (c->nposts && !c->norm_len) {
        ch_free_big(c->norm, c->nposts * sizeof *c->norm);
        c->norm = NULL;
        return CHORUS_ENOMEM;
    }
    c->cap_norm = c->nposts; /* both zeroed: every post without one */
    return CHORUS_OK;
}

void ch_corpus_set_norm(ch_corpus *c, size_t i, const char *s, uint32_t len)
{
    if (i < c->cap_norm) {
        c->norm[i] = s;
        c->norm_len[i] = len;
    }
}

const char *ch_corpus_norm(const ch_corpus *c, size_t i, uint32_t *len)
{
    const char *s = i < c->cap_norm ? c->norm[i] : NULL;
    *len = s ? c->norm_len[i] : 0;
    return s;
}

int ch_corpus_add_file(ch_corpus *c, const char *name, uint32_t *out)
{
    if (ch_grow((void **)&c->files, &c->cap_files, c->nfiles + 1, sizeof *c->files) ||
        ch_grow((void **)&c->file_platform, &c->cap_file_platform, c->nfiles + 1,
                sizeof *c->file_platform))
        return CHORUS_ENOMEM;
    c->file_platform[c->nfiles] = 0;
    char *copy = ch_strndup(name, strlen(name));
    if (!copy)
        return CHORUS_ENOMEM;
    c->files[c->nfiles] = copy;
    *out = (uint32_t)c->nfiles++;
    return CHORUS_OK;
}

const char *ch_corpus_file(const ch_corpus *c, uint32_t file)
{
    return file < c->nfiles ? c->files[file] : "?";
}

/* The index of platform name p[0..n), added when new. */
static int platform_index(ch_corpus *c, const char *p, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < c->nplatforms; i++) {
        if (strlen(c->platforms[i]) == n && memcmp(c->platforms[i], p, n) == 0) {
            *out = (uint8_t)i;
            return CHORUS_OK;
        }
    }
    if (c->nplatforms == CH_MAX_PLATFORMS)
        return CHORUS_ELIMIT;
    char *copy = ch_strndup(p, n);
    if (!copy)
        return CHORUS_ENOMEM;
    c->platforms[c->nplatforms] = copy;
    *out = (uint8_t)c->nplatforms++;
    return CHORUS_OK;
}

int ch_corpus_file_platform(ch_corpus *c, uint32_t file, const char *platform)
{
    if (file >= c->nfiles || !platform)
        return CHORUS_EUSAGE;
    return platform_index(c, platform, strlen(platform), &c->file_platform[file]);
}

const char *ch_corpus_platform_name(const ch_corpus *c, uint8_t platform)
{
    return platform < c->nplatforms ? c->platforms[platform] : "";
}

size_t ch_corpus_nplatforms(const ch_corpus *c)
{
    return c->nplatforms;
}

int ch_corpus_platform_find(const ch_corpus *c, const char *name)
{
    for (size_t i = 0; i < c->nplatforms; i++)
        if (strcmp(c->platforms[i], name) == 0)
            return (int)i;
    return -1;
}

uint8_t ch_corpus_post_platform(const ch_corpus *c, size_t i)
{
    return c->accounts[c->posts[i].account].platform;
}

static uint64_t scoped_key(uint8_t platform, ch_sid sid)
{
    return (uint64_t)platform << 32 | sid;
}

static uint32_t scoped_get(const scoped_map *m, uint64_t key)
{
    if (!m->cap)
        return 0;
    for (size_t i = ch_mix64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->vals[i];
        if (m->keys[i] == 0)
            return 0;
    }
}

static int scoped_put(scoped_map *m, uint64_t key, uint32_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        uint64_t *keys = ch_calloc(cap, sizeof *keys);
        uint32_t *vals = ch_calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            ch_free(keys);
            ch_free(vals);
            return CHORUS_ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = ch_mix64(m->keys[i]) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        ch_free(m->keys);
        ch_free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = ch_mix64(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return CHORUS_OK;
}

/* Whether every account held is on platform pf (then so is every post). */
static bool only_platform(const ch_corpus *c, uint8_t pf)
{
    return c->acct_platforms == (uint64_t)1 << pf;
}

/* The post (index + 1, 0 = none) with id sid on platform pf. */
static uint32_t post_of(const ch_corpus *c, uint8_t pf, ch_sid sid)
{
    uint32_t first = sid < c->cap_sid ? c->post_of_sid[sid] : 0;
    if (!first || only_platform(c, pf) || c->accounts[c->posts[first - 1].account].platform == pf)
        return first;
    return scoped_get(&c->post_other, scoped_key(pf, sid));
}

/* The first account (index + 1, 0 = none) with id sid, on any platform; h is the pool hash
 * of sid's string (ch_pool_hash_of, or the one a record was interned with). */
static uint32_t account_first(const ch_corpus *c, ch_sid sid, uint32_t h)
{
    if (!c->cap_account_first)
        return 0;
    size_t m = c->cap_account_first - 1;
    for (size_t i = h & m;; i = (i + 1) & m) {
        uint64_t e = c->account_first[i];
        if (e == 0 || (uint32_t)(e >> 32) == sid)
            return (uint32_t)e;
    }
}

/* Records idx (index + 1) as the first account with id sid, of pool hash h (which has none
 * yet). */
static int account_first_put(ch_corpus *c, ch_sid sid, uint32_t h, uint32_t idx)
{
    if (2 * (c->naccount_first + 1) > c->cap_account_first) {
        size_t cap = c->cap_account_first ? 2 * c->cap_account_first : 1024;
        uint64_t *t = ch_alloc_big(cap * sizeof *t);
        if (!t)
            return CHORUS_ENOMEM;
        for (size_t k = 0; k < c->cap_account_first; k++) {
            uint64_t e = c->account_first[k];
            if (!e)
                continue;
            size_t i = ch_pool_hash_of(&c->pool, (ch_sid)(e >> 32)) & (cap - 1);
            while (t[i])
                i = (i + 1) & (cap - 1);
            t[i] = e;
        }
        ch_free_big(c->account_first, c->cap_account_first * sizeof *c->account_first);
        c->account_first = t;
        c->cap_account_first = cap;
    }
    size_t m = c->cap_account_first - 1, i = h & m;
    while (c->account_first[i])
        i = (i + 1) & m;
    c->account_first[i] = (uint64_t)sid << 32 | idx;
    c->naccount_first++;
    return CHORUS_OK;
}

/* The account (index + 1, 0 = none) with id sid on platform pf; h as for account_first. */
static uint32_t account_of_h(const ch_corpus *c, uint8_t pf, ch_sid sid, uint32_t h)
{
    uint32_t first = account_first(c, sid, h);
    if (!first || only_platform(c, pf) || c->accounts[first - 1].platform == pf)
        return first;
    return scoped_get(&c->account_other, scoped_key(pf, sid));
}

static uint32_t account_of(const ch_corpus *c, uint8_t pf, ch_sid sid)
{
    return account_of_h(c, pf, sid, ch_pool_hash_of(&c->pool, sid));
}

void ch_corpus_count_error(ch_corpus *c, ch_reason r)
{
    if ((unsigned)r < CH_R__COUNT)
        c->stats.errors[r]++;
    c->stats.records++;
}

void ch_corpus_count_unreadable(ch_corpus *c, uint64_t bytes)
{
    c->stats.unreadable_bytes += bytes;
}

/* Keeps the sid-indexed lookup array as long as the pool. */
static int sync_sid_arrays(ch_corpus *c)
{
    size_t need = (size_t)ch_pool_count(&c->pool) + 1;
    if (need <= c->cap_sid)
        return CHORUS_OK;
    size_t cap = c->cap_sid ? c->cap_sid : 1024;
    while (cap < need)
        cap *= 2;
    /* New elements come zeroed. */
    if (ch_grow_big((void **)&c->post_of_sid, &c->cap_post_sid, cap, sizeof *c->post_of_sid))
        return CHORUS_ENOMEM;
    c->cap_sid = cap;
    return CHORUS_OK;
}

static int intern(ch_corpus *c, ch_slice s, ch_sid *out)
{
    if (s.n == 0) {
        *out = 0;
        return CHORUS_OK;
    }
    return ch_pool_intern(&c->pool, s.p, s.n, out);
}

/* The pool hash of s (0 when empty), with its table slot starting to load: a record's strings
 * are hashed first and interned after, so their cache misses overlap (pool.h). */
static uint32_t hash_ahead(const ch_corpus *c, ch_slice s)
{
    if (s.n == 0)
        return 0;
    uint32_t h = ch_pool_hash(s.p, s.n);
    ch_pool_prefetch(&c->pool, h);
    return h;
}

/* After hash_ahead of a record's strings: starts loading the string held in s's slot when
 * that looks like a hit, so that the lookup finds it in cache. */
static void held_ahead(const ch_corpus *c, ch_slice s, uint32_t h)
{
    if (s.n)
        ch_pool_prefetch_held(&c->pool, h);
}

void ch_corpus_prefetch_ids(const ch_corpus *c, ch_rawpost *r)
{
    if (!c)
        return; /* a reader capturing records for another rank (ingest/split.h) */
    r->id_hash = hash_ahead(c, r->id);
    r->author_hash = hash_ahead(c, r->author_id.n ? r->author_id : r->author);
    r->ids_hashed = true;
}

/* intern() with the hash taken by hash_ahead. */
static int intern_h(ch_corpus *c, ch_slice s, uint32_t h, ch_sid *out)
{
    if (s.n == 0) {
        *out = 0;
        return CHORUS_OK;
    }
    return ch_pool_intern_h(&c->pool, s.p, s.n, h, out);
}

int ch_corpus_intern(ch_corpus *c, const char *s, size_t n, ch_sid *out)
{
    return intern(c, (ch_slice){s, n}, out);
}

/* Interns a field whose value usually repeats from post to post, checking the last value
 * first (a byte compare instead of a hash lookup). */
static int intern_repeat(ch_corpus *c, ch_slice s, ch_sid *last, ch_sid *out)
{
    if (*last && ch_pool_len(&c->pool, *last) == s.n && memcmp(ch_pool_str(&c->pool, *last), s.p, s.n) == 0) {
        *out = *last;
        return CHORUS_OK;
    }
    int rc = intern(c, s, out);
    if (!rc)
        *last = *out;
    return rc;
}

/* Twitter's v1.1 text escapes only &, < and >; &quot; and &#39; appear in some exports. */
static size_t html_unescape(char *dst, const char *s, size_t n)
{
    static const struct { const char *ent; size_t len; char ch; } ents[] = {
        {"&amp;", 5, '&'}, {"&lt;", 4, '<'}, {"&gt;", 4, '>'}, {"&quot;", 6, '"'},
        {"&#39;", 5, '\''}, {"&apos;", 6, '\''},
    };
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        /* copy the run up to the next '&' in one go */
        const char *amp = memchr(s + i, '&', n - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
        memcpy(dst + o, s + i, run);
        o += run;
        i += run;
        if (i == n)
            break;
        if (s[i] == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
                if (n - i >= ents[k].len && memcmp(s + i, ents[k].ent, ents[k].len) == 0)
                    break;
            }
            if (k < sizeof ents / sizeof ents[0]) {
                dst[o++] = ents[k].ch;
                i += ents[k].len;
                continue;
            }
        }
        dst[o++] = s[i++];
    }
    dst[o] = '\0';
    return o;
}

/* A NUL character (JSON "\u0000", a NUL byte in a CSV cell) would end the text for every
 * C-string consumer: each becomes U+FFFD, the replacement character, so no text is cut short
 * and the place of the odd character stays visible. The copy is made again, 2 bytes longer per
 * NUL (rare: the first copy is left in the arena). */
static int replace_nul(ch_corpus *c, char **text, uint32_t *len)
{
    const char *s = *text;
    size_t n = *len, nuls = 0;
    for (size_t i = 0; i < n; i++)
        nuls += s[i] == '\0';
    if ((uint64_t)n + 2 * (uint64_t)nuls > UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    char *d = ch_arena_alloc(&c->arena, n + 2 * nuls + 1, 1);
    if (!d)
        return CHORUS_ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0') {
            memcpy(d + o, "\xef\xbf\xbd", 3);
            o += 3;
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    *text = d;
    *len = (uint32_t)o;
    return CHORUS_OK;
}

/* Interns a list of entities into arr[0..*count): empty ones are left out, at most
 * CH_MAX_ENTITIES kept. */
static int intern_list(ch_corpus *c, const ch_slice *in, size_t n, ch_sid *arr, uint8_t *count)
{
    uint32_t h[CH_MAX_ENTITIES];
    if (n > CH_MAX_ENTITIES)
        n = CH_MAX_ENTITIES;
    for (size_t i = 0; i < n; i++)
        h[i] = hash_ahead(c, in[i]);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ch_sid id;
        int rc = intern_h(c, in[i], h[i], &id);
        if (rc)
            return rc;
        if (id)
            arr[k++] = id;
    }
    *count = (uint8_t)k;
    return CHORUS_OK;
}

/* The URLs, hashtags and mentions of r into one array of the arena (ch_post.ents). */
static int intern_ents(ch_corpus *c, const ch_rawpost *r, ch_post *p)
{
    size_t nu = r->n_urls < CH_MAX_ENTITIES ? r->n_urls : CH_MAX_ENTITIES;
    size_t nh = r->n_hashtags < CH_MAX_ENTITIES ? r->n_hashtags : CH_MAX_ENTITIES;
    size_t nm = r->n_mentions < CH_MAX_ENTITIES ? r->n_mentions : CH_MAX_ENTITIES;
    p->ents = NULL;
    p->n_urls = p->n_hashtags = p->n_mentions = 0;
    if (nu + nh + nm == 0)
        return CHORUS_OK;
    ch_sid *arr = ch_arena_alloc(&c->arena, (nu + nh + nm) * sizeof *arr, _Alignof(ch_sid));
    if (!arr)
        return CHORUS_ENOMEM;
    int rc;
    if ((rc = intern_list(c, r->urls, nu, arr, &p->n_urls)) ||
        (rc = intern_list(c, r->hashtags, nh, arr + p->n_urls, &p->n_hashtags)) ||
        (rc = intern_list(c, r->mentions, nm, arr + p->n_urls + p->n_hashtags, &p->n_mentions)))
        return rc;
    p->ents = arr;
    return CHORUS_OK;
}

/* Profiles repeat on every post of an account: compare with the string held before hashing. */
static int intern_if_changed(ch_corpus *c, ch_slice s, ch_sid *id)
{
    if (*id && ch_pool_len(&c->pool, *id) == s.n && memcmp(ch_pool_str(&c->pool, *id), s.p, s.n) == 0)
        return CHORUS_OK;
    return intern(c, s, id);
}

/* hauthor: the hash_ahead of the account's id (author_id, else author). */
static int find_or_add_account(ch_corpus *c, const ch_rawpost *r, uint8_t pf, uint32_t hauthor,
                               uint32_t *out)
{
    ch_sid id;
    int rc = intern_h(c, r->author_id.n ? r->author_id : r->author, hauthor, &id);
    if (!rc)
        rc = sync_sid_arrays(c);
    if (rc)
        return rc;
    uint32_t idx = account_of_h(c, pf, id, hauthor);
    if (idx == 0) {
        if (c->naccounts >= UINT32_MAX - 1)
            return CHORUS_ELIMIT;
        if (ch_grow((void **)&c->accounts, &c->cap_accounts, c->naccounts + 1, sizeof *c->accounts))
            return CHORUS_ENOMEM;
        ch_account *a = &c->accounts[c->naccounts];
        memset(a, 0, sizeof *a);
        a->id = id;
        a->platform = pf;
        c->acct_platforms |= (uint64_t)1 << pf;
        a->meta.created_at = a->meta.followers = a->meta.following = a->meta.statuses =
            CH_UNKNOWN_I64;
        a->meta.default_profile = a->meta.default_profile_image = a->meta.verified =
            a->meta.bot = -1;
        a->meta.observed_at = CH_UNKNOWN_I64;
        uint32_t pend = c->pending.n ? scoped_get(&c->pending, scoped_key(pf, id)) : 0;
        if (pend) {
            a->handle = c->pending_acct[pend - 1].handle;
            if (c->pending_acct[pend - 1].meta.present)
                a->meta = c->pending_acct[pend - 1].meta;
        }
        idx = (uint32_t)++c->naccounts;
        if (!account_first(c, id, hauthor))
            rc = account_first_put(c, id, hauthor, idx);
        else
            rc = scoped_put(&c->account_other, scoped_key(pf, id), idx);
        if (rc) {
            c->naccounts--;
            return rc;
        }
    }
    ch_account *a = &c->accounts[idx - 1];
    /* Among many accounts this is a cache miss; the post's other strings are interned before
     * its count is updated, so let it load meanwhile. */
    __builtin_prefetch(a, 1);
    if (r->author.n && (rc = intern_if_changed(c, r->author, &a->handle)))
        return rc;
    /* Keep the most recent profile snapshot: it is what the platform showed last. */
    if (r->meta.present && (!a->meta.present || r->created_at >= a->meta.observed_at)) {
        a->meta.present = true;
        a->meta.created_at = r->meta.created_at;
        a->meta.followers = r->meta.followers;
        a->meta.following = r->meta.following;
        a->meta.statuses = r->meta.statuses;
        a->meta.default_profile = r->meta.default_profile;
        a->meta.default_profile_image = r->meta.default_profile_image;
        a->meta.verified = r->meta.verified;
        a->meta.bot = r->meta.bot;
        a->meta.observed_at = r->created_at;
        if ((rc = intern_if_changed(c, r->meta.display_name, &a->meta.display_name)) ||
            (rc = intern_if_changed(c, r->meta.description, &a->meta.description)))
            return rc;
    }
    *out = idx - 1;
    return CHORUS_OK;
}

/* The interned id of s, or 0 when the pool does not hold it (then no post refers to it). */
static ch_sid find_sid(const ch_corpus *c, ch_slice s)
{
    return s.n ? ch_pool_find(&c->pool, s.p, s.n) : 0;
}

/* Whether slice s equals the held string sid (0 = none). */
static bool same_str(const ch_corpus *c, ch_slice s, ch_sid sid)
{
    if (!sid)
        return s.n == 0;
    return ch_pool_len(&c->pool, sid) == s.n && memcmp(ch_pool_str(&c->pool, sid), s.p, s.n) == 0;
}

/* The entities of in[0..nin) that list have[0..nhave) lacks, into fresh[0..*nfresh), so that
 * nhave + *nfresh stays within CH_MAX_ENTITIES. */
static int merge_list(ch_corpus *c, const ch_slice *in, size_t nin, const ch_sid *have_arr,
                      size_t nhave, ch_sid *fresh, size_t *nfresh)
{
    *nfresh = 0;
    for (size_t i = 0; i < nin && nhave + *nfresh < CH_MAX_ENTITIES; i++) {
        ch_sid sid = find_sid(c, in[i]);
        bool have = false;
        for (size_t k = 0; sid && k < nhave && !have; k++)
            have = have_arr[k] == sid;
        for (size_t k = 0; sid && k < *nfresh && !have; k++)
            have = fresh[k] == sid;
        if (have || in[i].n == 0)
            continue;
        int rc = intern(c, in[i], &sid);
        if (rc)
            return rc;
        for (size_t k = 0; k < *nfresh && !have; k++)
            have = fresh[k] == sid;
        if (!have)
            fresh[(*nfresh)++] = sid;
    }
    return CHORUS_OK;
}

/* Adds to post p the URLs, hashtags and mentions of r it lacks (each list at most
 * CH_MAX_ENTITIES). The entity array is replaced by a larger copy in the arena (the old one
 * stays there, unused). */
static int merge_ents(ch_corpus *c, const ch_rawpost *r, ch_post *p, bool *added)
{
    ch_sid fresh[3][CH_MAX_ENTITIES];
    size_t nfresh[3];
    int rc;
    if ((rc = merge_list(c, r->urls, r->n_urls, ch_post_urls(p), p->n_urls, fresh[0], &nfresh[0])) ||
        (rc = merge_list(c, r->hashtags, r->n_hashtags, ch_post_hashtags(p), p->n_hashtags,
                         fresh[1], &nfresh[1])) ||
        (rc = merge_list(c, r->mentions, r->n_mentions, ch_post_mentions(p), p->n_mentions,
                         fresh[2], &nfresh[2])))
        return rc;
    if (nfresh[0] + nfresh[1] + nfresh[2] == 0)
        return CHORUS_OK;
    const size_t old[3] = {p->n_urls, p->n_hashtags, p->n_mentions};
    const ch_sid *from[3] = {ch_post_urls(p), ch_post_hashtags(p), ch_post_mentions(p)};
    size_t total = old[0] + old[1] + old[2] + nfresh[0] + nfresh[1] + nfresh[2];
    ch_sid *grown = ch_arena_alloc(&c->arena, total * sizeof *grown, _Alignof(ch_sid));
    if (!grown)
        return CHORUS_ENOMEM;
    size_t o = 0;
    uint8_t *counts[3] = {&p->n_urls, &p->n_hashtags, &p->n_mentions};
    for (int k = 0; k < 3; k++) {
        if (old[k])
            memcpy(grown + o, from[k], old[k] * sizeof *grown);
        o += old[k];
        if (nfresh[k])
            memcpy(grown + o, fresh[k], nfresh[k] * sizeof *grown);
        o += nfresh[k];
        *counts[k] = (uint8_t)(old[k] + nfresh[k]);
    }
    p->ents = grown;
    *added = true;
    return CHORUS_OK;
}

/* A record repeating post `idx` (see ch_corpus_add): its entities are added when its other
 * fields agree with the post. */
static int merge_repeat(ch_corpus *c, const ch_rawpost *r, uint8_t pf, size_t idx, bool *added)
{
    ch_post *p = &c->posts[idx];
    if (r->n_urls + r->n_hashtags + r->n_mentions == 0)
        return CHORUS_OK;
    ch_sid author = find_sid(c, r->author_id.n ? r->author_id : r->author);
    if (!author || account_of(c, pf, author) != p->account + 1 || r->created_at != p->created_at ||
        r->kind != (ch_kind)p->kind || !same_str(c, r->ref_id, p->ref_id))
        return CHORUS_OK;
    if (r->text.n && p->text_len && !r->text_html_escaped &&
        (r->text.n != p->text_len || memcmp(r->text.p, p->text, p->text_len) != 0))
        return CHORUS_OK;
    int rc = merge_ents(c, r, p, added);
    return rc ? rc : sync_sid_arrays(c);
}

/* Sets the client of the post being added (index c->nposts) from s. The array is made when a
 * first record names a client (zeroed: the posts before have none), then grows with the posts. */
static int set_client(ch_corpus *c, ch_slice s)
{
    if (!c->client && s.n == 0)
        return CHORUS_OK;
    if (c->nposts >= c->cap_client &&
        ch_grow_big((void **)&c->client, &c->cap_client, c->nposts + 1, sizeof *c->client))
        return CHORUS_ENOMEM;
    return intern_repeat(c, s, &c->last_client, &c->client[c->nposts]);
}

ch_sid ch_corpus_client(const ch_corpus *c, const ch_post *p)
{
    size_t i = (size_t)(p - c->posts);
    return i < c->nposts && i < c->cap_client ? c->client[i] : 0;
}

/* The text of the post a repost reposts when the repost's text is the same bytes (a Bluesky
 * or Mastodon repost, chorus JSONL, most CSV exports: a third of the posts of many inputs), so
 * it is held once; NULL otherwise (then the text is copied). Only texts stored as given (no
 * entities to decode): the bytes compared are the bytes that would be stored. */
static const char *shared_text(const ch_corpus *c, const ch_rawpost *r, uint8_t pf, ch_sid ref)
{
    if (r->kind != CH_KIND_REPOST || !ref || r->text.n == 0 || r->text_html_escaped)
        return NULL;
    uint32_t held = post_of(c, pf, ref);
    if (!held)
        return NULL;
    const ch_post *o = &c->posts[held - 1];
    return o->text_len == r->text.n && memcmp(o->text, r->text.p, r->text.n) == 0 ? o->text : NULL;
}

int ch_corpus_add(ch_corpus *c, const ch_rawpost *r, uint32_t file, bool *kept, ch_reason *reason)
{
    *kept = false;
    if (r->id.n == 0) {
        *reason = CH_R_NO_ID;
        ch_corpus_count_error(c, *reason);
        return CHORUS_EPARSE;
    }
    if (r->author_id.n == 0 && r->author.n == 0) {
        *reason = CH_R_NO_AUTHOR;
        ch_corpus_count_error(c, *reason);
        return CHORUS_EPARSE;
    }
    if (r->created_at == CH_UNKNOWN_I64) {
        *reason = CH_R_NO_TIME;
        ch_corpus_count_error(c, *reason);
        return CHORUS_EPARSE;
    }
    if (r->text.n > UINT32_MAX - 1) {
        *reason = CH_R_TOO_LONG;
        ch_corpus_count_error(c, *reason);
        return CHORUS_EPARSE;
    }
    c->stats.records++;
    uint8_t pf = file < c->nfiles ? c->file_platform[file] : 0;
    /* Hash the record's ids first, so the table slots load together (hash_ahead); a record
     * the corpus holds already wastes the later ones, rarely. */
    uint32_t hid = r->ids_hashed ? r->id_hash : hash_ahead(c, r->id);
    uint32_t hauthor = r->ids_hashed ? r->author_hash
                                     : hash_ahead(c, r->author_id.n ? r->author_id : r->author);
    uint32_t href = hash_ahead(c, r->ref_id), hroot = hash_ahead(c, r->root_id);
    uint32_t hrefacct = hash_ahead(c, r->ref_author_id), hrefhandle = hash_ahead(c, r->ref_author);
    if (c->cap_account_first)
        __builtin_prefetch(&c->account_first[hauthor & (c->cap_account_first - 1)]);
    /* then the strings of the slots that look like hits (the author, the post referred to) */
    held_ahead(c, r->author_id.n ? r->author_id : r->author, hauthor);
    held_ahead(c, r->ref_id, href);
    held_ahead(c, r->root_id, hroot);
    held_ahead(c, r->ref_author_id, hrefacct);
    held_ahead(c, r->ref_author, hrefhandle);
    ch_sid pid;
    int rc = r->platform.n ? platform_index(c, r->platform.p, r->platform.n, &pf) : CHORUS_OK;
    if (!rc)
        rc = intern_h(c, r->id, hid, &pid);
    if (!rc)
        rc = sync_sid_arrays(c);
    if (rc)
        return rc;
    uint32_t held = post_of(c, pf, pid);
    if (held) {
        bool added = false;
        if ((rc = merge_repeat(c, r, pf, held - 1, &added)))
            return rc;
        if (added)
            c->stats.merged++;
        else
            c->stats.duplicates++;
        return CHORUS_OK;
    }
    if (c->nposts >= UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    uint32_t acct;
    if ((rc = find_or_add_account(c, r, pf, hauthor, &acct)))
        return rc;
    if (ch_grow_big((void **)&c->posts, &c->cap_posts, c->nposts + 1, sizeof *c->posts))
        return CHORUS_ENOMEM;
    ch_post *p = &c->posts[c->nposts];
    memset(p, 0, sizeof *p);
    p->id = pid;
    p->account = acct;
    p->created_at = r->created_at;
    p->kind = (uint8_t)r->kind;
    p->file = file;
    if ((rc = intern_h(c, r->ref_id, href, &p->ref_id)) ||
        (rc = intern_h(c, r->root_id, hroot, &p->root_id)) ||
        (rc = intern_h(c, r->ref_author_id, hrefacct, &p->ref_account)) ||
        (rc = intern_h(c, r->ref_author, hrefhandle, &p->ref_handle)) ||
        (rc = intern_repeat(c, r->lang, &c->last_lang, &p->lang)) ||
        (rc = set_client(c, r->client)) ||

        (rc = intern_ents(c, r, p)))
        return rc;
    const char *same = shared_text(c, r, pf, p->ref_id);
    char *text = same ? NULL : text_alloc(c, r->text.n + 1, &rc);
    if (same) {
        p->text = same;
        p->text_len = (uint32_t)r->text.n;
    } else if (!text) {
        return rc;
    } else if (r->text_html_escaped) {
        p->text_len = (uint32_t)html_unescape(text, r->text.p, r->text.n);
    } else {
        if (r->text.n)
            memcpy(text, r->text.p, r->text.n);
        text[r->text.n] = '\0';
        p->text_len = (uint32_t)r->text.n;
    }
    if (text) {
        if (p->text_len && memchr(text, '\0', p->text_len) &&
            (rc = replace_nul(c, &text, &p->text_len)))
            return rc;
        p->text = text;
    }
    /* sync again: interning above may have grown the pool */
    if ((rc = sync_sid_arrays(c)))
        return rc;
    uint32_t pidx = (uint32_t)++c->nposts;
    if (!c->post_of_sid[pid])
        c->post_of_sid[pid] = pidx;
    else if ((rc = scoped_put(&c->post_other, scoped_key(pf, pid), pidx)))
        return rc;
    c->accounts[acct].n_posts++;
    c->stats.posts_by_kind[p->kind < CH_KIND__COUNT ? p->kind : 0]++;
    if (c->stats.min_time == CH_UNKNOWN_I64 || p->created_at < c->stats.min_time)
        c->stats.min_time = p->created_at;
    if (c->stats.max_time == CH_UNKNOWN_I64 || p->created_at > c->stats.max_time)
        c->stats.max_time = p->created_at;
    *kept = true;
    return CHORUS_OK;
}

/* Gives account `sid` on `pf` its handle (when hsid) and profile (when meta): at once when the
 * account is held, else on its creation (find_or_add_account). */
static int set_account(ch_corpus *c, uint8_t pf, ch_sid sid, ch_sid hsid, const ch_account_meta *meta)
{
    uint32_t idx = account_of(c, pf, sid);
    if (idx) {
        ch_account *a = &c->accounts[idx - 1];
        if (hsid)
            a->handle = hsid;
        if (meta)
            a->meta = *meta;
        return CHORUS_OK;
    }
    uint32_t pend = scoped_get(&c->pending, scoped_key(pf, sid));
    if (!pend) {
        if (c->npending >= UINT32_MAX - 1)
            return CHORUS_ELIMIT;
        if (ch_grow((void **)&c->pending_acct, &c->cap_pending, c->npending + 1,
                    sizeof *c->pending_acct))
            return CHORUS_ENOMEM;
        memset(&c->pending_acct[c->npending], 0, sizeof *c->pending_acct);
        pend = (uint32_t)++c->npending;
        int rc = scoped_put(&c->pending, scoped_key(pf, sid), pend);
        if (rc) {
            c->npending--;
            return rc;
        }
    }
    struct pending_acct *p = &c->pending_acct[pend - 1];
    if (hsid)
        p->handle = hsid;
    if (meta)
        p->meta = *meta;
    return CHORUS_OK;
}

/* The platform of `file` and the interned id and handle, for the two setters below. */
static int account_key(ch_corpus *c, uint32_t file, ch_slice id, ch_slice handle, uint8_t *pf,
                       ch_sid *sid, ch_sid *hsid)
{
    if (file >= c->nfiles || id.n == 0)
        return CHORUS_EUSAGE;
    *pf = c->file_platform[file];
    int rc = intern(c, id, sid);
    if (!rc)
        rc = intern(c, handle, hsid);
    if (!rc)
        rc = sync_sid_arrays(c);
    return rc;
}

int ch_corpus_set_handle(ch_corpus *c, uint32_t file, ch_slice id, ch_slice handle)
{
    uint8_t pf;
    ch_sid sid, hsid;
    if (handle.n == 0)
        return CHORUS_EUSAGE;
    int rc = account_key(c, file, id, handle, &pf, &sid, &hsid);
    if (!rc)
        rc = set_account(c, pf, sid, hsid, NULL);
    c->stats.profiles += rc == CHORUS_OK;
    return rc;
}

int ch_corpus_set_profile(ch_corpus *c, uint32_t file, const ch_rawpost *r)
{
    uint8_t pf;
    ch_sid sid, hsid;
    int rc = account_key(c, file, r->author_id, r->author, &pf, &sid, &hsid);
    if (rc)
        return rc;
    c->stats.profiles++;
    if (!r->meta.present)
        return set_account(c, pf, sid, hsid, NULL);
    ch_account_meta m = {
        .present = true,
        .created_at = r->meta.created_at,
        .followers = r->meta.followers,
        .following = r->meta.following,
        .statuses = r->meta.statuses,
        .default_profile = r->meta.default_profile,
        .default_profile_image = r->meta.default_profile_image,
        .verified = r->meta.verified,
        .observed_at = INT64_MAX, /* a lookup outranks the snapshots that posts carry */
    };
    if ((rc = intern(c, r->meta.display_name, &m.display_name)) ||
        (rc = intern(c, r->meta.description, &m.description)))
        return rc;
    return set_account(c, pf, sid, hsid, &m);
}

size_t ch_corpus_find_post(const ch_corpus *c, uint8_t platform, const char *id, size_t len)
{
    ch_sid s = ch_pool_find(&c->pool, id, len);
    uint32_t idx = s ? post_of(c, platform, s) : 0;
    return idx ? idx - 1 : SIZE_MAX;
}

size_t ch_corpus_find_account(const ch_corpus *c, uint8_t platform, const char *id, size_t len)
{
    ch_sid s = ch_pool_find(&c->pool, id, len);
    uint32_t idx = s ? account_of(c, platform, s) : 0;
    return idx ? idx - 1 : SIZE_MAX;
}
