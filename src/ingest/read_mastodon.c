/*
 * read_mastodon.c — reader for Mastodon (and the Fediverse seen through Mastodon's API):
 * Status JSON, one per line or in API responses, and ActivityPub archives.
 *
 * Inputs (each a line of JSON lines, or a document over many lines, in any mix):
 *   - a Status, or an array of them (home/public/tag/list timelines, account statuses,
 *     favourites, bookmarks: pretty-printed or on one line);
 *   - a context response {ancestors: [...], descendants: [...]}; a search result
 *     {statuses: [...]} (accounts and hashtags in it hold no posts);
 *   - a streaming event as the WebSocket API sends it, {"event": "update", "payload":
 *     "<Status as a JSON string>"} (also status.update); the payload is parsed in its own
 *     document. Other events (delete, notification, ...) are not posts. Lines of the
 *     server-sent-event stream whose `data:` prefix was stripped are plain Statuses;
 *   - an ActivityPub outbox (outbox.json of the account archive Mastodon exports: an
 *     OrderedCollection whose orderedItems are Create activities holding a Note, and Announce
 *     activities naming the boosted status by URI), or such activities one per line;
 *   - a recorded HTTP exchange {method, uri, status, body} (VCR cassettes as test suites keep
 *     them): its body is read as above.
 * Account objects (reblogged_by, favourited_by, followers, verify_credentials), instance
 * objects and anything else are counted as not_a_post, each naming what it is.
 *
 * Identity. Mastodon ids (`id`, `account.id`, `in_reply_to_id`) are local to the server that
 * answered: the same status read from two servers has two ids. So:
 *   - a post's id is its `uri` (the ActivityPub id, the same from every server), else its
 *     `url`, else the local `id`; a reblog's uri is its own ("…/activity");
 *   - an account's id (and handle) is its `acct` made absolute: "user@server" as given for
 *     remote accounts; for local ones ("user") the host of the account's `url` (else `uri`) is
 *     appended. The same account read from two servers is one account, unless its server
 *     shows a web domain other than its account domain (rare: then local and remote views
 *     differ);
 *   - mentions are made absolute the same way (they are what handles are compared with).
 *   - a reply names its parent only by local id. The reader keeps, per input file, the uri of
 *     every status it has seen by local id (at most MAP_MAX), and reads every array of
 *     statuses twice (ids first), so a parent anywhere in the same response or earlier in the
 *     file gives the reply its uri. Otherwise ref_id is the bare local id: replies to one
 *     parent collected from one server still share it, but it names no post. The parent's
 *     author is found among the mentions by local account id (Mastodon mentions the author
 *     replied to), or is the author when the ids match (self-replies), or is the author of the
 *     resolved parent in the corpus.
 *   - root_id: in a context response, the first ancestor (else the status whose context it
 *     is, named by the first descendant's parent) for every status of the thread.
 *
 * Fields: created_at (ISO 8601), content (HTML -> text with links, text/html.h) with
 * spoiler_text (the content warning) before it and a blank line between; `text` (the plain
 * source some responses carry instead, e.g. after DELETE) when there is no content; language;
 * application.name as the client; tags[].name; mentions[].acct (absolute); urls: the links of
 * the content (not mentions or hashtags) and card.url, once each.
 * Kind: `reblog` -> repost of the inner status, which is emitted first as its own post (a
 * reblog's text, empty on the wire, is the reblogged text, as on X); else in_reply_to_id ->
 * reply; else a Mastodon 4.4+ `quote` -> quote (of `quote.quoted_status`, emitted first, or
 * of a shallow `quote.quoted_status_id`; without either, as when the quote was revoked or is
 * not visible, a quote of nothing known); else post. Embedding is followed two levels deep.
 * Account metadata from `account`: created_at, followers_count, following_count,
 * statuses_count, bot, display_name, note (HTML -> text); an avatar that is the server's
 * "missing.png" marks a default profile image.
 * ActivityPub Notes: id, published, content (contentMap's first language), summary (the
 * content warning), inReplyTo and quote / quoteUri / _misskey_quote (URIs, so global),
 * tag[] Hashtag and Mention; the author from the Note's url ("https://host/@user/…" ->
 * user@host), else from an earlier Note of the same actor, else from an actor URI of the
 * form "https://host/users/user", else the actor URI. Announce -> repost of its object URI.
 *
 * Cost: one simdjson parse per document; one pass over each status's fields and its
 * account's (ch_json_get_many), a second short one over arrays for the id map; the HTML
 * conversion is one pass over the content. An account's note is converted once and then
 * found by its hash (NOTE_CACHE entries, direct-mapped); an embedded status the corpus holds
 * already (a popular status reblogged again) is looked up, not read again: read for its id
 * and uri only, and found through the id map when it was read earlier in the same file. Scratch
 * text lives in per-depth buffers that grow to the largest status seen; nothing is allocated
 * per record.
 * Memory: the id map, 16 bytes a slot at most 3/4 full, sized once from the file's size
 * (about 21-35 bytes per status of the file, bounded by MAP_MAX), and the note cache
 * (384 KiB). Fresh memory is the dearest thing a reader touches (a page fault, and on virtual
 * machines the host's work behind it, per page): docs/performance.md.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "text/html.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

extern const ch_reader ch_reader_mastodon;

#define EMBED_MAX 2                    /* reblog -> quote: embedded statuses emitted */
#define SLOTS (EMBED_MAX + 2)          /* one scratch buffer per depth */
#define CONTAINER_MAX 3                /* cassette -> context -> array */
#define MAP_MAX ((size_t)1 << 23)      /* local ids remembered per file */
#define MAP_BYTES_PER_STATUS 2048      /* for sizing the id map from the file size */
#define NMENTION 64

/* ---- keys --------------------------------------------------------------------------------- */

enum {
    S_ID, S_URI, S_URL, S_CREATED, S_ACCOUNT, S_CONTENT, S_TEXT, S_SPOILER, S_REBLOG,
    S_REPLY_ID, S_REPLY_ACCT, S_QUOTE, S_LANG, S_APP, S_TAGS, S_MENTIONS, S_CARD,
    /* containers and other objects */
    S_ANCESTORS, S_DESCENDANTS, S_STATUSES, S_EVENT, S_PAYLOAD, S_ORDERED, S_BODY, S_METHOD,
    S_ACCT, S_USERNAME,
    /* ActivityPub */
    S_TYPE, S_ACTOR, S_OBJECT, S_PUBLISHED, S_ATTRIBUTED, S_IN_REPLY_TO, S_SUMMARY,
    S_CONTENT_MAP, S_TAG, S_QUOTE_URI, S_MISSKEY_QUOTE,
    S__N
};

static const ch_json_key status_keys[S__N] = {
    [S_ID] = CH_JSON_KEY("id"),
    [S_URI] = CH_JSON_KEY("uri"),
    [S_URL] = CH_JSON_KEY("url"),
    [S_CREATED] = CH_JSON_KEY("created_at"),
    [S_ACCOUNT] = CH_JSON_KEY("account"),
    [S_CONTENT] = CH_JSON_KEY("content"),
    [S_TEXT] = CH_JSON_KEY("text"),
    [S_SPOILER] = CH_JSON_KEY("spoiler_text"),
    [S_REBLOG] = CH_JSON_KEY("reblog"),
    [S_REPLY_ID] = CH_JSON_KEY("in_reply_to_id"),
    [S_REPLY_ACCT] = CH_JSON_KEY("in_reply_to_account_id"),
    [S_QUOTE] = CH_JSON_KEY("quote"),
    [S_LANG] = CH_JSON_KEY("language"),
    [S_APP] = CH_JSON_KEY("application"),
    [S_TAGS] = CH_JSON_KEY("tags"),
    [S_MENTIONS] = CH_JSON_KEY("mentions"),
    [S_CARD] = CH_JSON_KEY("card"),
    [S_ANCESTORS] = CH_JSON_KEY("ancestors"),
    [S_DESCENDANTS] = CH_JSON_KEY("descendants"),
    [S_STATUSES] = CH_JSON_KEY("statuses"),
    [S_EVENT] = CH_JSON_KEY("event"),
    [S_PAYLOAD] = CH_JSON_KEY("payload"),
    [S_ORDERED] = CH_JSON_KEY("orderedItems"),
    [S_BODY] = CH_JSON_KEY("body"),
    [S_METHOD] = CH_JSON_KEY("method"),
    [S_ACCT] = CH_JSON_KEY("acct"),
    [S_USERNAME] = CH_JSON_KEY("username"),
    [S_TYPE] = CH_JSON_KEY("type"),
    [S_ACTOR] = CH_JSON_KEY("actor"),
    [S_OBJECT] = CH_JSON_KEY("object"),
    [S_PUBLISHED] = CH_JSON_KEY("published"),
    [S_ATTRIBUTED] = CH_JSON_KEY("attributedTo"),
    [S_IN_REPLY_TO] = CH_JSON_KEY("inReplyTo"),
    [S_SUMMARY] = CH_JSON_KEY("summary"),
    [S_CONTENT_MAP] = CH_JSON_KEY("contentMap"),
    [S_TAG] = CH_JSON_KEY("tag"),
    [S_QUOTE_URI] = CH_JSON_KEY("quoteUri"),
    [S_MISSKEY_QUOTE] = CH_JSON_KEY("_misskey_quote"),
};

enum {
    A_ID, A_ACCT, A_URL, A_URI, A_DISPLAY, A_NOTE, A_CREATED, A_FOLLOWERS, A_FOLLOWING,
    A_STATUSES, A_BOT, A_AVATAR, A__N
};

static const ch_json_key account_keys[A__N] = {
    [A_ID] = CH_JSON_KEY("id"),
    [A_ACCT] = CH_JSON_KEY("acct"),
    [A_URL] = CH_JSON_KEY("url"),
    [A_URI] = CH_JSON_KEY("uri"),
    [A_DISPLAY] = CH_JSON_KEY("display_name"),
    [A_NOTE] = CH_JSON_KEY("note"),
    [A_CREATED] = CH_JSON_KEY("created_at"),
    [A_FOLLOWERS] = CH_JSON_KEY("followers_count"),
    [A_FOLLOWING] = CH_JSON_KEY("following_count"),
    [A_STATUSES] = CH_JSON_KEY("statuses_count"),
    [A_BOT] = CH_JSON_KEY("bot"),
    [A_AVATAR] = CH_JSON_KEY("avatar"),
};

/* ---- reader state ------------------------------------------------------------------------- */

/* Scratch for one status: its author's and mentions' absolute accts, its text and links.
 * Sized before the status is filled (nothing else points into it then), so growing it never
 * moves a slice in use; a status embedded one level deeper uses the next slot, so the inner
 * status's strings stay valid while the outer one refers to them. */
typedef struct mst_buf {
    char *p;
    size_t cap, used;
} mst_buf;

/* Local status id (hash) -> uri (pool id) and the post the corpus added for it (for an embedded
 * status seen before, which then needs no lookup by uri). Open addressing with linear probing,
 * at most 3/4 full, any capacity (a slot is found by multiplying the hash by the capacity):
 * on the machines chorus runs on, a fresh page of memory costs more than the probes it would
 * save, so the table is kept small — sized once from the file, 16 bytes a slot — and taken in
 * huge pages (ch_alloc_big). */
#define MAP_NOPOST UINT32_MAX
typedef struct mst_slot {
    uint64_t key;                 /* 0 = empty */
    ch_sid uri;
    uint32_t post;                /* index in the corpus, or MAP_NOPOST */
} mst_slot;

typedef struct mst_map {
    mst_slot *slot;
    size_t cap, n;
} mst_map;

/* Converted account notes by hash of their HTML: an account's note repeats on each of its
 * statuses, and converting it again costs as much as converting the status. Direct-mapped;
 * the text lives in the corpus's pool. */
#define NOTE_CACHE 16384
typedef struct mst_note {
    uint64_t key;                 /* 0 = empty */
    const char *text;             /* in the pool: the address, not the id, so that a hit reads
                                     the string and not the pool's id table first */
    uint32_t len;
} mst_note;

typedef struct mst_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;               /* refilled for every post (~3 KiB) */
    mst_buf slot[SLOTS];
    mst_map map;
    bool map_full;
    mst_note *notes;              /* NOTE_CACHE entries */
    int pf;                       /* the corpus's index of this platform, or -1 */
    ch_slice root;                /* thread root of the context being read, or empty */
    ch_json_parser *payload;      /* for streaming payloads (made on first use) */
    /* ActivityPub: the last actor whose account was learned from a Note's url */
    char actor[512], actor_acct[512];
    size_t actor_n, actor_acct_n;
} mst_reader;

/* What an outer status needs to know of a status it embeds. */
typedef struct mst_who {
    ch_slice id, author, text, lang;
} mst_who;

/* ---- small helpers ------------------------------------------------------------------------ */

static bool slice_eq(ch_slice a, ch_slice b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int buf_reserve(mst_buf *b, size_t need)
{
    b->used = 0;
    if (need <= b->cap)
        return CHORUS_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *p = ch_realloc(b->p, cap);
    if (!p)
        return CHORUS_ENOMEM;
    b->p = p;
    b->cap = cap;
    return CHORUS_OK;
}

/* n bytes of the slot, or NULL when the reservation was too small (the caller then keeps
 * the value it would have rewritten). */
static char *buf_take(mst_buf *b, size_t n)
{
    if (n > b->cap - b->used)
        return NULL;
    char *p = b->p + b->used;
    b->used += n;
    return p;
}

/* A string id, or an integer id written as text into the slot. */
static ch_slice id_of(ch_json_val v, mst_buf *b)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return s;
    char tmp[24];
    size_t n = ch_json_int_text(v, tmp, sizeof tmp);
    char *p = n ? buf_take(b, n) : NULL;
    if (!p)
        return (ch_slice){NULL, 0};
    memcpy(p, tmp, n);
    return (ch_slice){p, n};
}

/* The host of an http(s) URL ("https://host:port/path" -> "host:port"), or empty. */
static ch_slice host_of(ch_slice u)
{
    const char *s = u.p, *end = u.p + u.n;
    if (u.n > 8 && strncasecmp(s, "https://", 8) == 0)
        s += 8;
    else if (u.n > 7 && strncasecmp(s, "http://", 7) == 0)
        s += 7;
    else
        return (ch_slice){NULL, 0};
    const char *h = s;
    while (s < end && *s != '/' && *s != '?' && *s != '#')
        s++;
    return (ch_slice){h, (size_t)(s - h)};
}

/* user@host written into the slot (host lower-cased), or `user` alone when the slot is full or
 * there is no host. */
static ch_slice join_acct(mst_buf *b, ch_slice user, ch_slice host)
{
    if (!user.n || !host.n)
        return user;
    char *p = buf_take(b, user.n + 1 + host.n);
    if (!p)
        return user;
    memcpy(p, user.p, user.n);
    p[user.n] = '@';
    for (size_t i = 0; i < host.n; i++) {
        char c = host.p[i];
        p[user.n + 1 + i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return (ch_slice){p, user.n + 1 + host.n};
}

/* An acct made absolute: "user@server" stays; "user" gets the host of url (else uri). */
static ch_slice abs_acct(mst_buf *b, ch_slice acct, ch_slice url, ch_slice uri)
{
    if (acct.n && acct.p[0] == '@') {
        acct.p++;
        acct.n--;
    }
    if (!acct.n || memchr(acct.p, '@', acct.n))
        return acct;
    ch_slice host = host_of(url);
    if (!host.n)
        host = host_of(uri);
    return join_acct(b, acct, host);
}

/* The account named by a Mastodon-style URL: "https://host/@user[/…]" or
 * "https://host/users/user[/…]" -> user@host; empty otherwise. */
static ch_slice acct_of_url(mst_buf *b, ch_slice u)
{
    ch_slice host = host_of(u);
    if (!host.n)
        return host;
    const char *s = host.p + host.n, *end = u.p + u.n;
    if (end - s >= 3 && s[0] == '/' && s[1] == '@')
        s += 2;
    else if (end - s >= 8 && memcmp(s, "/users/", 7) == 0)
        s += 7;
    else
        return (ch_slice){NULL, 0};
    const char *n0 = s;
    while (s < end && *s != '/' && *s != '?' && *s != '#')
        s++;
    ch_slice user = {n0, (size_t)(s - n0)};
    if (!user.n)
        return user;
    if (memchr(user.p, '@', user.n))
        return user; /* "https://host/@user@remote/…": already absolute */
    return join_acct(b, user, host);
}

static int64_t count_of(ch_json_val v)
{
    int64_t x;
    if (ch_json_int64(v, &x) && x >= 0)
        return x;
    return CH_UNKNOWN_I64;
}

static bool parse_time(ch_slice t, int64_t *out)
{
    return t.n && ch_time_parse(t.p, t.n, out) == CHORUS_OK;
}

/* ---- the local-id map --------------------------------------------------------------------- */

static uint64_t map_key(ch_slice local)
{
    return XXH3_64bits(local.p, local.n) | 1;
}

static void map_free(mst_map *m)
{
    ch_free_big(m->slot, m->cap * sizeof *m->slot);
    memset(m, 0, sizeof *m);
}

/* The home slot of a key in a table of cap slots. */
static inline size_t map_home(uint64_t key, size_t cap)
{
    return (size_t)(((unsigned __int128)ch_mix64(key) * cap) >> 64);
}

/* Grows the table to at least `want` slots (at least twice its size). */
static int map_grow(mst_map *m, size_t want)
{
    size_t cap = m->cap ? 2 * m->cap : 1024;
    if (cap < want)
        cap = want;
    size_t bytes;
    if (!ch_mul_ok(cap, sizeof(mst_slot), &bytes))
        return CHORUS_ENOMEM;
    mst_slot *slot = ch_alloc_big(bytes);
    if (!slot)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i].key)
            continue;
        size_t j = map_home(m->slot[i].key, cap);
        while (slot[j].key)
            j = j + 1 < cap ? j + 1 : 0;
        slot[j] = m->slot[i];
    }
    ch_free_big(m->slot, m->cap * sizeof *m->slot);
    m->slot = slot;
    m->cap = cap;
    return CHORUS_OK;
}

/* Remembers that local id `local` (key map_key(local)) is the status `uri`. Past MAP_MAX
 * entries, new ids are not remembered (their replies keep the bare local id). `added` is the
 * number of posts the corpus held before the status was emitted (SIZE_MAX: not emitted): when
 * the corpus has just added it, its interned id is taken from there instead of hashing the uri
 * again, and the slot remembers the post. */
static int map_put(mst_reader *rd, ch_slice local, uint64_t key, ch_slice uri, size_t added)
{
    mst_map *m = &rd->map;
    if (!local.n || !uri.n || slice_eq(local, uri))
        return CHORUS_OK;
    if (m->n >= MAP_MAX) {
        if (!rd->map_full)
            ch_ingest_file_diag(rd->ctx, "more than %zu statuses: replies to statuses after "
                                         "them keep their parents' local ids", MAP_MAX);
        rd->map_full = true;
        return CHORUS_OK;
    }
    int rc;
    if (4 * (m->n + 1) > 3 * m->cap && (rc = map_grow(m, 0)))
        return rc;
    ch_sid sid;
    uint32_t post = MAP_NOPOST;
    const ch_corpus *c = rd->ctx->corpus;
    if (added != SIZE_MAX && added < MAP_NOPOST && ch_corpus_nposts(c) == added + 1) {
        sid = ch_corpus_post(c, added)->id;
        post = (uint32_t)added;
    } else if ((rc = ch_corpus_intern(rd->ctx->corpus, uri.p, uri.n, &sid))) {
        return rc;
    }
    size_t i = map_home(key, m->cap);
    while (m->slot[i].key && m->slot[i].key != key)
        i = i + 1 < m->cap ? i + 1 : 0;
    if (!m->slot[i].key)
        m->n++;
    m->slot[i] = (mst_slot){key, sid, post};
    return CHORUS_OK;
}

static void map_prefetch(const mst_reader *rd, uint64_t key)
{
    if (rd->map.cap && key)
        __builtin_prefetch(&rd->map.slot[map_home(key, rd->map.cap)]);
}

/* The slot of local id `local` (key map_key(local)), or NULL. */
static const mst_slot *map_find(const mst_reader *rd, ch_slice local, uint64_t key)
{
    const mst_map *m = &rd->map;
    if (!m->cap || !local.n)
        return NULL;
    for (size_t i = map_home(key, m->cap); m->slot[i].key; i = i + 1 < m->cap ? i + 1 : 0)
        if (m->slot[i].key == key)
            return &m->slot[i];
    return NULL;
}

/* The uri a slot names (a string that lives as long as the corpus). */
static ch_slice map_uri(const mst_reader *rd, const mst_slot *e)
{
    const ch_pool *pool = ch_corpus_pool(rd->ctx->corpus);
    return (ch_slice){ch_pool_str(pool, e->uri), ch_pool_len(pool, e->uri)};
}

/* A local status id as a reference: the uri when known (a string that lives as long as the
 * corpus), else the local id itself. */
static ch_slice resolve(const mst_reader *rd, ch_slice local, bool *found)
{
    const mst_slot *e = local.n ? map_find(rd, local, map_key(local)) : NULL;
    *found = e != NULL;
    return e ? map_uri(rd, e) : local;
}

/* ---- statuses ----------------------------------------------------------------------------- */

/* A status's fields (the others left absent): most objects are statuses, and fewer keys make
 * the walk cheaper. */
#define S_STATUS_N (S_CARD + 1)
static void scan_status(ch_json_val obj, ch_json_val f[S__N])
{
    memset(f + S_STATUS_N, 0, (S__N - S_STATUS_N) * sizeof *f);
    ch_json_get_many(obj, status_keys, S_STATUS_N, f);
}

/* The other fields too: containers, accounts, ActivityPub. */
static void scan_rest(ch_json_val obj, ch_json_val f[S__N])
{
    ch_json_get_many(obj, status_keys + S_STATUS_N, S__N - S_STATUS_N, f + S_STATUS_N);
}

static void scan(ch_json_val obj, ch_json_val f[S__N])
{
    ch_json_get_many(obj, status_keys, S__N, f);
}

static bool looks_like_status(const ch_json_val *f)
{
    return (ch_json_present(f[S_ID]) || ch_json_present(f[S_URI])) &&
           ch_json_present(f[S_CREATED]) && ch_json_type_of(f[S_ACCOUNT]) == CH_JSON_OBJECT &&
           (ch_json_present(f[S_CONTENT]) || ch_json_present(f[S_TEXT]) ||
            ch_json_present(f[S_REBLOG]));
}

/* A mention as the API gives it. */
typedef struct mst_mention {
    ch_slice acct, url, local;
    ch_slice abs;                 /* acct made absolute (in the slot) */
} mst_mention;

/* Hands r to the corpus: the line's own record always (so the corpus reports what it lacks),
 * an embedded one only when complete (it is context, not a record). */
static int emit(mst_reader *rd, const ch_rawpost *r, bool top)
{
    if (!top && (!r->id.n || (!r->author_id.n && !r->author.n) ||
                 r->created_at == CH_UNKNOWN_I64))
        return CHORUS_OK;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

/* The creation time; false (and, for the line's own record, a bad_time report through *rc)
 * when it does not parse. */
static bool take_time(mst_reader *rd, ch_slice t, bool top, int64_t *out, int *rc)
{
    if (!t.n || parse_time(t, out))
        return true;
    if (top)
        *rc = ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME, "unparseable time '%.*s'",
                               (int)(t.n > 64 ? 64 : t.n), t.p);
    return false;
}

static void add_url_once(ch_rawpost *r, ch_slice u)
{
    if (!u.n)
        return;
    for (size_t i = 0; i < r->n_urls; i++)
        if (slice_eq(r->urls[i], u))
            return;
    ch_rawpost_add_url(r, u.p, u.n);
}

/* Writes "spoiler\n\n" and the text of `html` into the slot; the links go to *links. */
static ch_slice html_text(mst_buf *b, ch_slice spoiler, ch_slice html, ch_html_links *links)
{
    links->n = 0;
    size_t need = (spoiler.n ? spoiler.n + 2 : 0) + ch_html_bufsize(html.n);
    char *p = buf_take(b, need);
    if (!p)
        return spoiler;
    size_t o = 0;
    if (spoiler.n) {
        memcpy(p, spoiler.p, spoiler.n);
        memcpy(p + spoiler.n, "\n\n", 2);
        o = spoiler.n + 2;
    }
    size_t n = ch_html_text(html.p ? html.p : "", html.n, p + o, links);
    if (n == 0)
        return spoiler;
    return (ch_slice){p, o + n};
}

/* The account of a status (its fields in a, the key of its note in nkey): author id, handle
 * and profile into r; *acct gets the absolute acct, *local the server's account id. Returns 0
 * or CHORUS_ENOMEM. */
static uint64_t note_key(ch_slice note)
{
    return XXH3_64bits(note.p, note.n) | 1;
}

/* An account's note as text: from the cache, or converted (into the slot) and remembered.
 * `key` is note_key(note). Returns 0 or CHORUS_ENOMEM. */
static int note_text(mst_reader *rd, mst_buf *b, ch_slice note, uint64_t key, ch_slice *out)
{
    mst_note *e = &rd->notes[key & (NOTE_CACHE - 1)];
    if (e->key != key) {
        ch_html_links none;
        ch_slice t = html_text(b, (ch_slice){NULL, 0}, note, &none);
        ch_sid sid;
        int rc = ch_corpus_intern(rd->ctx->corpus, t.p, t.n, &sid);
        if (rc) {
            e->key = 0;
            return rc;
        }
        const ch_pool *pool = ch_corpus_pool(rd->ctx->corpus);
        *e = (mst_note){key, ch_pool_str(pool, sid), ch_pool_len(pool, sid)};
    }
    *out = (ch_slice){e->text, e->len};
    return CHORUS_OK;
}

static int read_account(mst_reader *rd, mst_buf *b, const ch_json_val *a, uint64_t nkey,
                        ch_rawpost *r, ch_slice *local, ch_slice *acct)
{
    *local = id_of(a[A_ID], b);
    ch_slice id = abs_acct(b, ch_jsonl_str(a[A_ACCT]), ch_jsonl_str(a[A_URL]), ch_jsonl_str(a[A_URI]));
    r->author_id = id;
    r->author = id;
    r->meta.followers = count_of(a[A_FOLLOWERS]);
    r->meta.following = count_of(a[A_FOLLOWING]);
    r->meta.statuses = count_of(a[A_STATUSES]);
    bool bot;
    if (ch_json_bool(a[A_BOT], &bot))
        r->meta.bot = bot;
    ch_slice avatar = ch_jsonl_str(a[A_AVATAR]);
    if (avatar.n) {
        static const char missing[] = "/missing.png";
        r->meta.default_profile_image =
            avatar.n >= sizeof missing - 1 &&
            memcmp(avatar.p + avatar.n - (sizeof missing - 1), missing, sizeof missing - 1) == 0;
    }
    int64_t t;
    if (parse_time(ch_jsonl_str(a[A_CREATED]), &t))
        r->meta.created_at = t;
    r->meta.display_name = ch_jsonl_str(a[A_DISPLAY]);
    ch_slice note = ch_jsonl_str(a[A_NOTE]);
    r->meta.present = r->meta.followers != CH_UNKNOWN_I64 ||
                      r->meta.following != CH_UNKNOWN_I64 ||
                      r->meta.statuses != CH_UNKNOWN_I64 || r->meta.created_at != CH_UNKNOWN_I64 ||
                      r->meta.bot >= 0;
    *acct = id;
    return note.n ? note_text(rd, b, note, nkey, &r->meta.description) : CHORUS_OK;
}

/* Scratch bytes a status needs in its slot (generous: every rewritten string at its
 * longest). `a` are its account's fields. */
static size_t status_need(const ch_json_val *f, const ch_json_val *a, const mst_mention *m,
                          size_t nm)
{
    size_t need = 256 + ch_jsonl_str(f[S_SPOILER]).n + ch_html_bufsize(ch_jsonl_str(f[S_CONTENT]).n) +
                  ch_html_bufsize(ch_jsonl_str(a[A_NOTE]).n) + ch_jsonl_str(a[A_ACCT]).n +
                  ch_jsonl_str(a[A_URL]).n + ch_jsonl_str(a[A_URI]).n;
    for (size_t i = 0; i < nm; i++)
        need += m[i].acct.n + m[i].url.n + 2;
    return need;
}

enum { N_ACCT, N_URL, N_ID, N__N };
static const ch_json_key mention_keys[N__N] = {
    [N_ACCT] = CH_JSON_KEY("acct"),
    [N_URL] = CH_JSON_KEY("url"),
    [N_ID] = CH_JSON_KEY("id"),
};

static int do_status(mst_reader *rd, const ch_json_val *f, int depth, bool top, mst_who *who);

/* The two fields that tell whether an embedded status is held already: its walk stops at
 * `uri`, before the content and the account. */
enum { E_ID, E_URI, E__N };
static const ch_json_key embed_keys[E__N] = {
    [E_ID] = CH_JSON_KEY("id"),
    [E_URI] = CH_JSON_KEY("uri"),
};

static int do_embedded(mst_reader *rd, ch_json_val obj, int depth, mst_who *who)
{
    ch_json_val f[S__N];
    ch_json_get_many(obj, embed_keys, E__N, f);
    /* A status read before (a popular one is reblogged many times): what the outer status
     * needs of it is in the corpus, and reading it again would only be dropped as a duplicate
     * (so embedded statuses held already are not counted as duplicates). */
    ch_slice uri = ch_jsonl_str(f[E_URI]), local = ch_jsonl_str(f[E_ID]);
    const ch_corpus *c = rd->ctx->corpus;
    size_t pi = SIZE_MAX;
    ch_slice held = {NULL, 0};
    if (uri.n && rd->pf >= 0) {
        /* Seen in this file: the id map names its post (the one the corpus added with this
         * uri, so the one a lookup by uri would find) without hashing and probing the pool. */
        const mst_slot *e = local.n ? map_find(rd, local, map_key(local)) : NULL;
        if (e && e->post != MAP_NOPOST && slice_eq(held = map_uri(rd, e), uri)) {
            pi = e->post;
        } else {
            held = (ch_slice){NULL, 0};
            pi = ch_corpus_find_post(c, (uint8_t)rd->pf, uri.p, uri.n);
        }
    }
    if (pi != SIZE_MAX) {
        const ch_pool *pool = ch_corpus_pool(c);
        const ch_post *p = ch_corpus_post(c, pi);
        ch_sid acct = ch_corpus_account(c, p->account)->id;
        who->id = held.n ? held : (ch_slice){ch_pool_str(pool, p->id), ch_pool_len(pool, p->id)};
        who->author = (ch_slice){ch_pool_str(pool, acct), ch_pool_len(pool, acct)};
        who->text = (ch_slice){p->text, p->text_len};
        who->lang = (ch_slice){ch_pool_str(pool, p->lang), ch_pool_len(pool, p->lang)};
        return CHORUS_OK;
    }
    scan_status(obj, f);
    return do_status(rd, f, depth, false, who);
}

/* Reads one status and emits it, after the statuses it embeds (see the top of the file).
 * `top` marks the line's own record. On return *who describes it for an outer status. */
static int do_status(mst_reader *rd, const ch_json_val *f, int depth, bool top, mst_who *who)
{
    int rc = CHORUS_OK;
    mst_who inner = {0};
    memset(who, 0, sizeof *who);
    mst_buf *b = &rd->slot[depth < SLOTS ? depth : SLOTS - 1];
    /* The id map is read (the parent) and written (this status) at random places: ask for
     * those cache lines now, they arrive while the status is converted. */
    ch_slice sid_s = ch_jsonl_str(f[S_ID]), reply_s = ch_jsonl_str(f[S_REPLY_ID]);
    uint64_t id_key = sid_s.n ? map_key(sid_s) : 0, reply_key = reply_s.n ? map_key(reply_s) : 0;
    map_prefetch(rd, id_key);
    map_prefetch(rd, reply_key);

    bool is_rt = ch_json_type_of(f[S_REBLOG]) == CH_JSON_OBJECT;
    ch_json_val quote = f[S_QUOTE];
    ch_json_val quoted = ch_json_type_of(quote) == CH_JSON_OBJECT
                             ? ch_json_get(quote, "quoted_status")
                             : (ch_json_val){0};
    bool has_qt = !is_rt && ch_json_type_of(quoted) == CH_JSON_OBJECT;
    if (depth < EMBED_MAX && (is_rt || has_qt) &&
        (rc = do_embedded(rd, is_rt ? f[S_REBLOG] : quoted, depth + 1, &inner)))
        goto out;

    /* mentions first: their sizes count in the slot */
    mst_mention men[NMENTION];
    size_t nm = 0;
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(f[S_MENTIONS], &it);
    while (nm < NMENTION && ch_json_arr_next(&it, &e)) {
        ch_json_val mv[N__N];
        ch_json_get_many(e, mention_keys, N__N, mv);
        men[nm].acct = ch_jsonl_str(mv[N_ACCT]);
        men[nm].url = ch_jsonl_str(mv[N_URL]);
        men[nm].local = ch_jsonl_str(mv[N_ID]);
        nm++;
    }
    ch_json_val a[A__N];
    ch_json_get_many(f[S_ACCOUNT], account_keys, A__N, a);
    ch_slice note = ch_jsonl_str(a[A_NOTE]);
    uint64_t nkey = note.n ? note_key(note) : 0;
    if (note.n) /* the cache line arrives while the content is converted */
        __builtin_prefetch(&rd->notes[nkey & (NOTE_CACHE - 1)]);
    if ((rc = buf_reserve(b, status_need(f, a, men, nm))))
        goto out;

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    ch_slice local = id_of(f[S_ID], b);
    ch_slice uri = ch_jsonl_str(f[S_URI]);
    if (!uri.n)
        uri = ch_jsonl_str(f[S_URL]);
    r->id = uri.n ? uri : local;
    if (!take_time(rd, ch_jsonl_str(f[S_CREATED]), top, &r->created_at, &rc))
        goto out;

    ch_html_links links = {0};
    ch_slice content = ch_jsonl_str(f[S_CONTENT]);
    if (ch_json_present(f[S_CONTENT]))
        r->text = html_text(b, ch_jsonl_str(f[S_SPOILER]), content, &links);
    else
        r->text = ch_jsonl_str(f[S_TEXT]);
    ch_slice author_local, author;
    if ((rc = read_account(rd, b, a, nkey, r, &author_local, &author)))
        goto out;
    for (size_t i = 0; i < nm; i++)
        men[i].abs = abs_acct(b, men[i].acct, men[i].url, (ch_slice){NULL, 0});
    r->lang = ch_jsonl_str(f[S_LANG]);
    r->client = ch_jsonl_str(ch_json_get(f[S_APP], "name"));

    ch_slice reply = id_of(f[S_REPLY_ID], b);
    bool found;
    if (is_rt) {
        r->kind = CH_KIND_REPOST;
        if (depth < EMBED_MAX) {
            r->ref_id = inner.id;
            r->ref_author_id = r->ref_author = inner.author;
            if (!r->text.n)
                r->text = inner.text;
            if (!r->lang.n)
                r->lang = inner.lang;
        } else {
            ch_json_val rf = f[S_REBLOG];
            r->ref_id = ch_jsonl_str(ch_json_get(rf, "uri"));
            if (!r->ref_id.n)
                r->ref_id = id_of(ch_json_get(rf, "id"), b);
        }
    } else if (reply.n) {
        r->kind = CH_KIND_REPLY;
        const mst_slot *par = map_find(rd, reply, reply_s.n ? reply_key : map_key(reply));
        found = par != NULL;
        r->ref_id = par ? map_uri(rd, par) : reply;
        ch_slice racct = id_of(f[S_REPLY_ACCT], b);
        if (racct.n && slice_eq(racct, author_local)) {
            r->ref_author_id = r->ref_author = author;
        } else {
            for (size_t i = 0; i < nm && racct.n; i++)
                if (slice_eq(men[i].local, racct)) {
                    r->ref_author_id = r->ref_author = men[i].abs;
                    break;
                }
        }
        if (!r->ref_author_id.n && found) {
            size_t pi = rd->pf < 0                 ? SIZE_MAX
                        : par->post != MAP_NOPOST ? par->post /* the post of that uri */
                                                  : ch_corpus_find_post(rd->ctx->corpus,
                                                                        (uint8_t)rd->pf,
                                                                        r->ref_id.p, r->ref_id.n);
            if (pi != SIZE_MAX) {
                const ch_corpus *c = rd->ctx->corpus;
                const ch_account *pa = ch_corpus_account(c, ch_corpus_post(c, pi)->account);
                const ch_pool *pool = ch_corpus_pool(c);
                r->ref_author_id = (ch_slice){ch_pool_str(pool, pa->id), ch_pool_len(pool, pa->id)};
            }
        }
    } else if (ch_json_type_of(quote) == CH_JSON_OBJECT) {
        /* a quote post, even when the quoted status is not shown (pending, revoked, deleted,
         * not visible to the collector): then it has no ref */
        r->kind = CH_KIND_QUOTE;
        if (has_qt && depth < EMBED_MAX) {
            r->ref_id = inner.id;
            r->ref_author_id = r->ref_author = inner.author;
        } else if (has_qt) {
            r->ref_id = ch_jsonl_str(ch_json_get(quoted, "uri"));
            if (!r->ref_id.n)
                r->ref_id = id_of(ch_json_get(quoted, "id"), b);
        } else {
            r->ref_id = resolve(rd, id_of(ch_json_get(quote, "quoted_status_id"), b), &found);
        }
    }
    if (rd->root.n && !slice_eq(rd->root, r->id))
        r->root_id = rd->root;

    ch_json_iter_init(f[S_TAGS], &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_slice tag = ch_jsonl_str(ch_json_get(e, "name"));
        ch_rawpost_add_hashtag(r, tag.p, tag.n);
    }
    for (size_t i = 0; i < nm; i++)
        ch_rawpost_add_mention(r, men[i].abs.p, men[i].abs.n);
    for (size_t i = 0; i < links.n; i++)
        add_url_once(r, links.url[i]);
    add_url_once(r, ch_jsonl_str(ch_json_get(f[S_CARD], "url")));

    size_t before = ch_corpus_nposts(rd->ctx->corpus);
    if ((rc = emit(rd, r, top)))
        goto out;
    if ((rc = map_put(rd, local, sid_s.n ? id_key : map_key(local), r->id, before)))
        goto out;
    who->id = r->id;
    who->author = r->author_id;
    who->text = r->text;
    who->lang = r->lang;
out:
    return rc;
}

/* ---- ActivityPub -------------------------------------------------------------------------- */

/* Remembers that `actor` is the account `acct` (learned from a Note's url), for the actor's
 * Announces, which carry no url. */
static void remember_actor(mst_reader *rd, ch_slice actor, ch_slice acct)
{
    if (!actor.n || !acct.n || actor.n > sizeof rd->actor || acct.n > sizeof rd->actor_acct)
        return;
    memcpy(rd->actor, actor.p, actor.n);
    rd->actor_n = actor.n;
    memcpy(rd->actor_acct, acct.p, acct.n);
    rd->actor_acct_n = acct.n;
}

/* The account of a Note or an activity (see the top of the file). */
static ch_slice ap_author(mst_reader *rd, mst_buf *b, ch_slice actor, ch_slice url)
{
    ch_slice acct = acct_of_url(b, url);
    if (acct.n) {
        remember_actor(rd, actor, acct);
        return acct;
    }
    if (actor.n && actor.n == rd->actor_n && memcmp(actor.p, rd->actor, actor.n) == 0)
        return (ch_slice){rd->actor_acct, rd->actor_acct_n};
    acct = acct_of_url(b, actor);
    return acct.n ? acct : actor;
}

static bool is_note_type(ch_slice t)
{
    return ch_slice_is(t, "Note") || ch_slice_is(t, "Question") || ch_slice_is(t, "Article") ||
           ch_slice_is(t, "Page");
}

/* A Note's content: `content`, else the first language of `contentMap` (*lang gets it). */
static ch_slice note_content(const ch_json_val *f, ch_slice *lang)
{
    ch_json_iter it;
    const char *k;
    size_t kn;
    ch_json_val v;
    *lang = (ch_slice){NULL, 0};
    if (ch_json_iter_init(f[S_CONTENT_MAP], &it) && ch_json_obj_next(&it, &k, &kn, &v))
        *lang = (ch_slice){k, kn};
    ch_slice c = ch_jsonl_str(f[S_CONTENT]);
    return c.n || !lang->n ? c : ch_jsonl_str(v);
}

/* Reads a Note (its fields in f) by `actor` (the activity's; else attributedTo) and emits it.
 * *who describes it for an Announce that embeds it. */
static int do_note(mst_reader *rd, const ch_json_val *f, ch_slice actor, int depth, bool top,
                   mst_who *who)
{
    int rc = CHORUS_OK;
    memset(who, 0, sizeof *who);
    mst_buf *b = &rd->slot[depth < SLOTS ? depth : SLOTS - 1];
    if (!actor.n)
        actor = ch_jsonl_str(f[S_ATTRIBUTED]);
    ch_slice lang, content = note_content(f, &lang);
    ch_slice url = ch_jsonl_str(f[S_URL]), summary = ch_jsonl_str(f[S_SUMMARY]);
    ch_slice reply = ch_jsonl_str(f[S_IN_REPLY_TO]);
    ch_slice quote = ch_jsonl_str(f[S_QUOTE]);
    if (!quote.n)
        quote = ch_jsonl_str(f[S_QUOTE_URI]);
    if (!quote.n)
        quote = ch_jsonl_str(f[S_MISSKEY_QUOTE]);
    size_t need = 512 + 2 * (url.n + actor.n + reply.n + quote.n) + summary.n +
                  ch_html_bufsize(content.n);
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(f[S_TAG], &it);
    while (ch_json_arr_next(&it, &e))
        need += ch_jsonl_str(ch_json_get(e, "name")).n + ch_jsonl_str(ch_json_get(e, "href")).n + 2;
    if ((rc = buf_reserve(b, need)))
        goto out;

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = ch_jsonl_str(f[S_ID]);
    if (!r->id.n)
        r->id = url;
    r->author_id = r->author = ap_author(rd, b, actor, url);
    if (!take_time(rd, ch_jsonl_str(f[S_PUBLISHED]), top, &r->created_at, &rc))
        goto out;
    ch_html_links links;
    r->text = html_text(b, summary, content, &links);
    r->lang = lang;
    if (reply.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = reply;
        r->ref_author_id = r->ref_author = acct_of_url(b, reply);
    } else if (quote.n) {
        r->kind = CH_KIND_QUOTE;
        r->ref_id = quote;
        r->ref_author_id = r->ref_author = acct_of_url(b, quote);
    }
    ch_json_iter_init(f[S_TAG], &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_slice type = ch_jsonl_str(ch_json_get(e, "type")), name = ch_jsonl_str(ch_json_get(e, "name"));
        if (ch_slice_is(type, "Hashtag")) {
            if (name.n && name.p[0] == '#') {
                name.p++;
                name.n--;
            }
            ch_rawpost_add_hashtag(r, name.p, name.n);
        } else if (ch_slice_is(type, "Mention")) {
            ch_slice m = abs_acct(b, name, ch_jsonl_str(ch_json_get(e, "href")), (ch_slice){NULL, 0});
            ch_rawpost_add_mention(r, m.p, m.n);
        }
    }
    for (size_t i = 0; i < links.n; i++)
        add_url_once(r, links.url[i]);
    if ((rc = emit(rd, r, top)))
        goto out;
    who->id = r->id;
    who->author = r->author_id;
    who->text = r->text;
    who->lang = r->lang;
out:
    return rc;
}

/* A Create or Announce activity (its fields in f). */
static int do_activity(mst_reader *rd, const ch_json_val *f, bool top)
{
    ch_slice type = ch_jsonl_str(f[S_TYPE]), actor = ch_jsonl_str(f[S_ACTOR]);
    ch_json_val obj = f[S_OBJECT];
    ch_json_val of[S__N];
    mst_who inner = {0};
    int rc;
    if (ch_slice_is(type, "Create")) {
        scan(obj, of);
        return do_note(rd, of, actor, 0, top, &inner);
    }
    /* Announce: the boosted status by URI, or embedded */
    ch_slice ref = ch_jsonl_str(obj);
    if (ch_json_type_of(obj) == CH_JSON_OBJECT) {
        scan(obj, of);
        if ((rc = do_note(rd, of, (ch_slice){NULL, 0}, 1, false, &inner)))
            return rc;
        ref = inner.id;
    }
    mst_buf *b = &rd->slot[0];
    if ((rc = buf_reserve(b, 256 + 2 * (actor.n + ref.n))))
        return rc;
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = ch_jsonl_str(f[S_ID]);
    r->author_id = r->author = ap_author(rd, b, actor, (ch_slice){NULL, 0});
    if (!take_time(rd, ch_jsonl_str(f[S_PUBLISHED]), top, &r->created_at, &rc))
        return rc;
    r->kind = CH_KIND_REPOST;
    r->ref_id = ref;
    r->ref_author_id = r->ref_author = inner.author.n ? inner.author : acct_of_url(b, ref);
    r->text = inner.text;
    r->lang = inner.lang;
    return emit(rd, r, top);
}

/* ---- documents ---------------------------------------------------------------------------- */

static int do_item(mst_reader *rd, ch_json_val obj, int level, size_t *found);

/* Registers the local ids of an array's statuses (and of the statuses they embed) before the
 * array is read, so replies earlier in the array than their parents find them. */
enum { P_ID, P_URI, P_URL, P_REBLOG, P_QUOTE, P__N };
static const ch_json_key prepass_keys[P__N] = {
    [P_ID] = CH_JSON_KEY("id"),
    [P_URI] = CH_JSON_KEY("uri"),
    [P_URL] = CH_JSON_KEY("url"),
    [P_REBLOG] = CH_JSON_KEY("reblog"),
    [P_QUOTE] = CH_JSON_KEY("quote"),
};

static int register_ids(mst_reader *rd, ch_json_val st, int depth)
{
    ch_json_val f[P__N];
    ch_json_get_many(st, prepass_keys, P__N, f);
    ch_slice local = ch_jsonl_str(f[P_ID]), uri = ch_jsonl_str(f[P_URI]);
    if (!uri.n)
        uri = ch_jsonl_str(f[P_URL]);
    int rc = map_put(rd, local, map_key(local), uri, SIZE_MAX);
    if (!rc && depth < EMBED_MAX) {
        if (ch_json_type_of(f[P_REBLOG]) == CH_JSON_OBJECT)
            rc = register_ids(rd, f[P_REBLOG], depth + 1);
        else if (ch_json_type_of(ch_json_get(f[P_QUOTE], "quoted_status")) == CH_JSON_OBJECT)
            rc = register_ids(rd, ch_json_get(f[P_QUOTE], "quoted_status"), depth + 1);
    }
    return rc;
}

static int prepass(mst_reader *rd, ch_json_val arr)
{
    ch_json_iter it;
    ch_json_val e;
    int rc = CHORUS_OK;
    ch_json_iter_init(arr, &it);
    while (!rc && ch_json_arr_next(&it, &e))
        rc = register_ids(rd, e, 0);
    return rc;
}

/* The elements of an array, each a record. */
static int do_array(mst_reader *rd, ch_json_val arr, int level, bool ids_first, size_t *found)
{
    int rc = CHORUS_OK;
    if (ids_first && ch_json_len(arr) > 1 && (rc = prepass(rd, arr)))
        return rc;
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(arr, &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
        rc = do_item(rd, e, level, found);
    return rc;
}

/* A context response: every status of the thread gets the thread's root. */
static int do_context(mst_reader *rd, ch_json_val anc, ch_json_val desc, int level,
                      size_t *found)
{
    int rc;
    if ((rc = prepass(rd, anc)) || (rc = prepass(rd, desc)))
        return rc;
    ch_json_iter it;
    ch_json_val first;
    ch_slice root = {NULL, 0};
    if (ch_json_iter_init(anc, &it) && ch_json_arr_next(&it, &first)) {
        root = ch_jsonl_str(ch_json_get(first, "uri"));
        if (!root.n)
            root = ch_jsonl_str(ch_json_get(first, "url"));
        if (!root.n)
            root = ch_jsonl_str(ch_json_get(first, "id"));
    } else if (ch_json_iter_init(desc, &it) && ch_json_arr_next(&it, &first)) {
        bool known;
        root = resolve(rd, ch_jsonl_str(ch_json_get(first, "in_reply_to_id")), &known);
    }
    rd->root = root;
    rc = do_array(rd, anc, level, false, found);
    if (!rc)
        rc = do_array(rd, desc, level, false, found);
    rd->root = (ch_slice){NULL, 0};
    return rc;
}

static int not_a_post(mst_reader *rd, const ch_json_val *f, ch_json_val obj)
{
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val v;
    ch_slice type = ch_jsonl_str(f[S_TYPE]);
    if (ch_json_present(f[S_ACCT]) && ch_json_present(f[S_USERNAME]))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a Mastodon account, not a status (reblogged_by, favourited_by "
                                "and follower lists hold accounts, no posts)");
    if (ch_json_present(f[S_ACTOR]) && type.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "an ActivityPub '%.*s' activity, not a post",
                                (int)(type.n > 40 ? 40 : type.n), type.p);
    if (ch_json_present(f[S_ANCESTORS]) || ch_json_present(f[S_STATUSES]) ||
        ch_json_present(f[S_ORDERED]))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a response that holds no statuses");
    if (ch_json_iter_init(obj, &it) && ch_json_obj_next(&it, &k, &n, &v))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "not a Mastodon status (an object starting with '%.*s')",
                                (int)(n > 40 ? 40 : n), k);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "not a Mastodon status");
}

/* A streaming event: its payload is a Status as a JSON string (or, as some tools save it,
 * already an object). */
static int do_stream(mst_reader *rd, const ch_json_val *f, size_t *found)
{
    ch_slice event = ch_jsonl_str(f[S_EVENT]);
    ch_json_val payload = f[S_PAYLOAD];
    if (!ch_slice_is(event, "update") && !ch_slice_is(event, "status.update")) {
        ch_ingest_tick(rd->ctx);
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a streaming '%.*s' event, not a status",
                                (int)(event.n > 40 ? 40 : event.n), event.p);
    }
    if (ch_json_type_of(payload) == CH_JSON_OBJECT)
        return do_item(rd, payload, CONTAINER_MAX, found);
    ch_slice p = ch_jsonl_str(payload);
    int rc;
    if (!rd->payload && (rc = ch_json_parser_new(0, &rd->payload)))
        return rc;
    ch_json_val root;
    const char *msg = NULL;
    ch_json_err err = ch_json_parse(rd->payload, p.p ? p.p : "", p.n, false, &root, &msg);
    if (err == CH_JSON_ENOMEM)
        return CHORUS_ENOMEM;
    if (err != CH_JSON_OK) {
        ch_ingest_tick(rd->ctx);
        return ch_ingest_reject(rd->ctx, rd->line,
                                err == CH_JSON_EDEPTH  ? CH_R_DEPTH
                                : err == CH_JSON_EUTF8 ? CH_R_UTF8
                                                       : CH_R_JSON,
                                "the '%.*s' payload is not a JSON status: %s",
                                (int)(event.n > 40 ? 40 : event.n), event.p, msg ? msg : "");
    }
    return do_item(rd, root, CONTAINER_MAX, found);
}

/* One record: a status, an activity, or a container of them (followed CONTAINER_MAX levels
 * deep); anything else is reported as not_a_post. */
static int do_item(mst_reader *rd, ch_json_val obj, int level, size_t *found)
{
    ch_json_val f[S__N];
    mst_who who;
    scan_status(obj, f);
    if (looks_like_status(f)) {
        ch_ingest_tick(rd->ctx);
        ++*found;
        return do_status(rd, f, 0, true, &who);
    }
    scan_rest(obj, f);
    ch_slice type = ch_jsonl_str(f[S_TYPE]);
    if ((ch_slice_is(type, "Create") && ch_json_type_of(f[S_OBJECT]) == CH_JSON_OBJECT) ||
        (ch_slice_is(type, "Announce") && ch_json_present(f[S_OBJECT]))) {
        ch_ingest_tick(rd->ctx);
        ++*found;
        return do_activity(rd, f, true);
    }
    if (is_note_type(type) && ch_json_present(f[S_ATTRIBUTED])) {
        ch_ingest_tick(rd->ctx);
        ++*found;
        return do_note(rd, f, (ch_slice){NULL, 0}, 0, true, &who);
    }
    if (level < CONTAINER_MAX) {
        size_t before = *found;
        int rc = -1;
        if (ch_json_type_of(f[S_ANCESTORS]) == CH_JSON_ARRAY ||
            ch_json_type_of(f[S_DESCENDANTS]) == CH_JSON_ARRAY)
            rc = do_context(rd, f[S_ANCESTORS], f[S_DESCENDANTS], level + 1, found);
        else if (ch_json_type_of(f[S_STATUSES]) == CH_JSON_ARRAY)
            rc = do_array(rd, f[S_STATUSES], level + 1, true, found);
        else if (ch_json_type_of(f[S_ORDERED]) == CH_JSON_ARRAY)
            rc = do_array(rd, f[S_ORDERED], level + 1, false, found);
        else if (ch_json_present(f[S_EVENT]) && ch_json_present(f[S_PAYLOAD]))
            return do_stream(rd, f, found);
        else if (ch_json_present(f[S_BODY]) && ch_json_present(f[S_METHOD])) {
            /* a recorded exchange: its body is the response */
            ch_json_val body = f[S_BODY];
            if (ch_json_type_of(body) == CH_JSON_ARRAY)
                return do_array(rd, body, level + 1, true, found);
            return do_item(rd, body, level + 1, found);
        }
        if (rc >= 0 && (rc || *found > before))
            return rc;
    }
    ch_ingest_tick(rd->ctx);
    return not_a_post(rd, f, obj);
}

static int mst_doc(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    mst_reader *rd = arg;
    size_t found = 0;
    ch_json_type t = ch_json_type_of(root);
    if (t == CH_JSON_ARRAY && ch_json_len(root) > 0)
        return do_array(rd, root, 0, true, &found);
    if (t == CH_JSON_OBJECT)
        return do_item(rd, root, 0, &found);
    ch_ingest_tick(rd->ctx);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            t == CH_JSON_ARRAY ? "an empty array" : "not a JSON object or array");
}

static int read(ch_ingest_ctx *ctx)
{
    mst_reader *rd = ch_calloc(1, sizeof *rd);
    if (!rd)
        return CHORUS_ENOMEM;
    if (!(rd->notes = ch_calloc(NOTE_CACHE, sizeof *rd->notes))) {
        ch_free(rd);
        return CHORUS_ENOMEM;
    }
    rd->ctx = ctx;
    rd->pf = ch_corpus_platform_find(ctx->corpus, ch_reader_mastodon.platform);
    /* The id map sized once for the statuses the file likely holds (a status takes 2-4 KB on
     * the wire), so that it is not rebuilt at every doubling (each rebuild touches a larger
     * table). A compressed input is larger than its size says: the map then grows as it
     * fills. */
    int64_t size = ctx->in ? ch_input_file_size(ctx->in) : -1;
    size_t guess = size > 0 ? (size_t)size / MAP_BYTES_PER_STATUS : 0;
    int rc = CHORUS_OK;
    if (guess > 1024 && (rc = map_grow(&rd->map, (guess < MAP_MAX ? guess : MAP_MAX) / 3 * 4)))
        goto out;
    rc = ch_jsonl_each(ctx, mst_doc, rd, &rd->line);
out:
    for (int i = 0; i < SLOTS; i++)
        ch_free(rd->slot[i].p);
    map_free(&rd->map);
    ch_free(rd->notes);
    ch_json_parser_free(rd->payload);
    ch_free(rd);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (!s->json)
        return CH_SNIFF_NO;
    /* Keys of a Status, of an Account, of a streaming event, of an ActivityPub outbox. */
    if (ch_sniff_has_key(s, "spoiler_text") ||
        (ch_sniff_has_key(s, "acct") && ch_sniff_has_key(s, "username") &&
         ch_sniff_has_key(s, "followers_count")) ||
        (ch_sniff_has_key(s, "event") && ch_sniff_has_key(s, "payload") &&
         ch_sniff_has_key(s, "stream")) ||
        (ch_sniff_has_key(s, "orderedItems") && ch_sniff_has_key(s, "attributedTo")))
        return CH_SNIFF_SURE;
    if (ch_sniff_has_key(s, "attributedTo") && ch_sniff_has_key(s, "actor"))
        return CH_SNIFF_LIKELY;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_mastodon = {
    .name = "mastodon",
    .aliases = (const char *const[]){"fediverse", "activitypub", NULL},
    .platform = "mastodon",
    .summary = "Mastodon API statuses (timelines, context, streaming payloads) and ActivityPub "
               "outbox archives",
    .example = "{\"id\":\"1\",\"uri\":\"https://m.example/users/ana/statuses/1\",\"created_at\":"
               "\"2023-03-01T10:00:00.000Z\",\"spoiler_text\":\"\",\"content\":\"<p>Hello</p>\","
               "\"reblog\":null,\"account\":{\"id\":\"7\",\"acct\":\"ana\",\"url\":"
               "\"https://m.example/@ana\"}}",
    .sniff = sniff,
    .read = read,
};
