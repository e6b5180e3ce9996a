/*
 * read_twitter_v2.c — reader for Twitter API v2 data as collectors (twarc2, tweepy) save it.
 *
 * Accepted lines:
 *   - a response page {"data": [...tweets...], "includes": {"users", "tweets", ...},
 *     "errors": [...], "meta": ..., "__twarc": ...}, or {"data": {...one tweet...}} (lookups,
 *     the filtered stream);
 *   - a "flattened" tweet (twarc2 flatten): a tweet object carrying its `author`, and its
 *     `referenced_tweets[]` expanded in place with their own `author`;
 *   - a JSON array of either.
 * Lines without tweets (tweet counts, compliance events, user or list lookups, a page with an
 * empty `data`) are skipped as not_a_post; `errors[]` entries (partial failures: suspended
 * users, deleted tweets) are not records and are ignored.
 *
 * Fields: id, author_id, created_at (ISO 8601), text (note_tweet.text for long posts; v2 text
 * is HTML-escaped like v1.1's: "&amp;"), lang, source, referenced_tweets[{type, id}]:
 * retweeted -> repost, else replied_to -> reply, else quoted -> quote. The referenced post's
 * author comes from the page's includes.tweets (its author_id) and includes.users (handle),
 * or for replies from in_reply_to_user_id. Entities: urls[] (unwound_url, else expanded_url,
 * else url), hashtags[].tag, mentions[].username (note_tweet.entities for long posts).
 * Account metadata from the user object: created_at, public_metrics followers_count /
 * following_count / tweet_count, verified, name, description, and a profile_image_url under
 * "default_profile_images" means the default image.
 *
 * Order: the page's includes.tweets (real posts: retweeted originals, quoted and replied-to
 * tweets, earlier versions of edited tweets) are emitted before its data tweets, so originals
 * come first; the corpus keeps the first copy of an id. Included tweets that lack an id,
 * author or time are context, not records, and are skipped silently. Edited tweets: every
 * version is its own object with its own id, and each becomes a post.
 *
 * Memory: two id -> object hash tables for the current page (users, tweets), reused from line
 * to line and sized to the page; they point into the parser's document. Nothing is
 * allocated per tweet.
 */
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/reader.h"
#include "ingest/jsonl.h"
#include "ingest/twitter_common.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* ---- id -> value table for one page ------------------------------------------------------- */

typedef struct idmap_ent {
    const char *k;               /* NULL = empty slot */
    size_t n;
    ch_json_val v;
} idmap_ent;

typedef struct idmap {
    idmap_ent *e;
    size_t cap;                  /* allocated slots */
    size_t mask;                 /* slots in use - 1; 0 with `used == 0` means empty table */
    size_t used;
} idmap;

/* Empties the table and sizes it for `count` keys (load at most 1/2). */
static int idmap_reset(idmap *m, size_t count)
{
    m->used = 0;
    m->mask = 0;
    if (count == 0)
        return CHORUS_OK;
    size_t slots = 16;
    while (slots < 2 * count) {
        if (slots > SIZE_MAX / 4)
            return CHORUS_ENOMEM;
        slots *= 2;
    }
    if (ch_grow((void **)&m->e, &m->cap, slots, sizeof *m->e))
        return CHORUS_ENOMEM;
    memset(m->e, 0, slots * sizeof *m->e);
    m->mask = slots - 1;
    return CHORUS_OK;
}

/* Adds k -> v unless k is held already (the first object of an id wins, as in the corpus). */
static void idmap_put(idmap *m, const char *k, size_t n, ch_json_val v)
{
    if (m->mask == 0 || n == 0 || m->used >= (m->mask + 1) / 2)
        return;
    size_t i = (size_t)XXH3_64bits(k, n) & m->mask;
    while (m->e[i].k) {
        if (m->e[i].n == n && memcmp(m->e[i].k, k, n) == 0)
            return;
        i = (i + 1) & m->mask;
    }
    m->e[i] = (idmap_ent){k, n, v};
    m->used++;
}

static ch_json_val idmap_get(const idmap *m, ch_slice k)
{
    if (m->used == 0 || k.n == 0)
        return (ch_json_val){0};
    size_t i = (size_t)XXH3_64bits(k.p, k.n) & m->mask;
    while (m->e[i].k) {
        if (m->e[i].n == k.n && memcmp(m->e[i].k, k.p, k.n) == 0)
            return m->e[i].v;
        i = (i + 1) & m->mask;
    }
    return (ch_json_val){0};
}

/* ---- reader ------------------------------------------------------------------------------- */

typedef struct v2_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    idmap users, tweets;         /* of the current page; empty for flattened tweets */
    ch_rawpost raw;              /* one per file (~3 KiB), refilled for every post */
} v2_reader;

/* Fields of a tweet object, taken in one pass. Absent = {NULL, 0}. */
enum {
    T_ID,
    T_TEXT,
    T_AUTHOR_ID,
    T_CREATED_AT,
    T_ENTITIES,
    T_REFS,
    T_LANG,
    T_SOURCE,
    T_REPLY_UID,
    T_NOTE,
    T_AUTHOR,
    T_REPLY_USER,
    T__N
};

static const ch_json_key tweet_keys[T__N] = {
    [T_ID] = CH_JSON_KEY("id"),
    [T_TEXT] = CH_JSON_KEY("text"),
    [T_AUTHOR_ID] = CH_JSON_KEY("author_id"),
    [T_CREATED_AT] = CH_JSON_KEY("created_at"),
    [T_ENTITIES] = CH_JSON_KEY("entities"),
    [T_REFS] = CH_JSON_KEY("referenced_tweets"),
    [T_LANG] = CH_JSON_KEY("lang"),
    [T_SOURCE] = CH_JSON_KEY("source"),
    [T_REPLY_UID] = CH_JSON_KEY("in_reply_to_user_id"),
    [T_NOTE] = CH_JSON_KEY("note_tweet"),
    [T_AUTHOR] = CH_JSON_KEY("author"),
    [T_REPLY_USER] = CH_JSON_KEY("in_reply_to_user"),
};

typedef struct v2_tweet {
    ch_json_val f[T__N];
} v2_tweet;

static void scan_tweet(ch_json_val obj, v2_tweet *t)
{
    ch_json_get_many(obj, tweet_keys, T__N, t->f);
}

static bool is_tweet(const v2_tweet *t)
{
    return ch_json_present(t->f[T_ID]) && (ch_json_present(t->f[T_TEXT]) || ch_json_present(t->f[T_AUTHOR_ID]));
}

/* v2 ids are strings; a number is accepted and written into buf as its decimal text. */
static ch_slice id_of(ch_json_val v, char *buf, size_t cap)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return s;
    size_t n = ch_json_int_text(v, buf, cap);
    return (ch_slice){n ? buf : NULL, n};
}

static int64_t count_of(ch_json_val v)
{
    int64_t x;
    return ch_json_int64(v, &x) && x >= 0 ? x : CH_UNKNOWN_I64;
}

static bool contains(ch_slice s, const char *pat)
{
    size_t m = strlen(pat);
    for (size_t i = 0; i + m <= s.n; i++)
        if (s.p[i] == pat[0] && memcmp(s.p + i, pat, m) == 0)
            return true;
    return false;
}

enum { U_ID, U_USERNAME, U_NAME, U_DESCRIPTION, U_CREATED_AT, U_VERIFIED, U_METRICS, U_IMAGE, U__N };

static const ch_json_key user_keys[U__N] = {
    [U_ID] = CH_JSON_KEY("id"),
    [U_USERNAME] = CH_JSON_KEY("username"),
    [U_NAME] = CH_JSON_KEY("name"),
    [U_DESCRIPTION] = CH_JSON_KEY("description"),
    [U_CREATED_AT] = CH_JSON_KEY("created_at"),
    [U_VERIFIED] = CH_JSON_KEY("verified"),
    [U_METRICS] = CH_JSON_KEY("public_metrics"),
    [U_IMAGE] = CH_JSON_KEY("profile_image_url"),
};

/* Handle and metadata from a v2 user object. */
static void read_user(ch_json_val user, ch_rawpost *r, char *id_buf, size_t cap)
{
    ch_json_val u[U__N];
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val v;
    if (!ch_json_get_many(user, user_keys, U__N, u))
        return;
    ch_json_val id = u[U_ID], username = u[U_USERNAME], name = u[U_NAME];
    ch_json_val desc = u[U_DESCRIPTION], created = u[U_CREATED_AT], verified = u[U_VERIFIED];
    ch_json_val metrics = u[U_METRICS], image = u[U_IMAGE];
    if (!r->author_id.n)
        r->author_id = id_of(id, id_buf, cap);
    r->author = ch_jsonl_str(username);
    r->meta.display_name = ch_jsonl_str(name);
    r->meta.description = ch_jsonl_str(desc);
    ch_slice c = ch_jsonl_str(created);
    int64_t t;
    if (c.n && ch_time_parse_post(c.p, c.n, false, &t) == CHORUS_OK)
        r->meta.created_at = t;
    bool b;
    if (ch_json_bool(verified, &b))
        r->meta.verified = b ? 1 : 0;
    if (ch_json_iter_init(metrics, &it)) {
        while (ch_json_obj_next(&it, &k, &n, &v)) {
            if (KEY_IS(k, n, "followers_count")) r->meta.followers = count_of(v);
            else if (KEY_IS(k, n, "following_count")) r->meta.following = count_of(v);
            else if (KEY_IS(k, n, "tweet_count")) r->meta.statuses = count_of(v);
        }
    }
    ch_slice img = ch_jsonl_str(image);
    if (img.n)
        r->meta.default_profile_image = contains(img, "default_profile_images") ? 1 : 0;
    r->meta.present = ch_tw_meta_present(r); /* default_profile stays unknown (-1) in v2 */
}

static const ch_tw_entities entity_keys = {
    /* unwound_url is where the link finally lands (after redirects). */
    .urls = {CH_JSON_KEY("urls"), {"unwound_url", "expanded_url", "url"}},
    .hashtags = {CH_JSON_KEY("hashtags"), {"tag"}},
    .mentions = {CH_JSON_KEY("mentions"), {"username"}},
    .str = ch_jsonl_str,
};

static int kind_rank(ch_slice type, ch_kind *kind)
{
    if (type.n == 9 && memcmp(type.p, "retweeted", 9) == 0) {
        *kind = CH_KIND_REPOST;
        return 3;
    }
    if (type.n == 10 && memcmp(type.p, "replied_to", 10) == 0) {
        *kind = CH_KIND_REPLY;
        return 2;
    }
    if (type.n == 6 && memcmp(type.p, "quoted", 6) == 0) {
        *kind = CH_KIND_QUOTE;
        return 1;
    }
    return 0;
}

/* Reads one tweet into rd->raw and emits it. `top`: the line's own record (reported when
 * rejected); otherwise dropped silently when incomplete. Returns 0, EPARSE (strict), ENOMEM. */
static int do_tweet(v2_reader *rd, const v2_tweet *t, bool top)
{
    int rc = CHORUS_OK;
    char id_buf[24], author_buf[24], ref_buf[24], ref_author_buf[24];
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);

    r->id = id_of(t->f[T_ID], id_buf, sizeof id_buf);
    r->author_id = id_of(t->f[T_AUTHOR_ID], author_buf, sizeof author_buf);
    ch_json_val user = ch_json_type_of(t->f[T_AUTHOR]) == CH_JSON_OBJECT
                           ? t->f[T_AUTHOR]
                           : idmap_get(&rd->users, r->author_id);
    read_user(user, r, author_buf, sizeof author_buf);

    if (!ch_tw_time(rd->ctx, rd->line, top, ch_jsonl_str(t->f[T_CREATED_AT]), false, &r->created_at,
                    &rc))
        goto out;

    ch_json_val note_text = ch_json_get(t->f[T_NOTE], "text");
    ch_json_val note_ent = ch_json_get(t->f[T_NOTE], "entities");
    r->text = ch_json_present(note_text) ? ch_jsonl_str(note_text) : ch_jsonl_str(t->f[T_TEXT]);
    r->text_html_escaped = true;
    r->lang = ch_jsonl_str(t->f[T_LANG]);
    r->client = ch_jsonl_str(t->f[T_SOURCE]);

    /* The strongest reference decides the kind: a retweet of a reply is a repost. */
    ch_json_iter it;
    ch_json_val e, ref = {0};
    int best = 0;
    ch_json_iter_init(t->f[T_REFS], &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_kind k;
        int rank = kind_rank(ch_jsonl_str(ch_json_get(e, "type")), &k);
        if (rank > best) {
            best = rank;
            r->kind = k;
            ref = e;
        }
    }
    if (best) {
        r->ref_id = id_of(ch_json_get(ref, "id"), ref_buf, sizeof ref_buf);
        /* Flattened: the reference carries its tweet; else look it up in the page. */
        ch_json_val rt = ch_json_present(ch_json_get(ref, "author_id"))
                             ? ref
                             : idmap_get(&rd->tweets, r->ref_id);
        r->ref_author_id = id_of(ch_json_get(rt, "author_id"), ref_author_buf,
                                 sizeof ref_author_buf);
        if (!r->ref_author_id.n && r->kind == CH_KIND_REPLY)
            r->ref_author_id = id_of(t->f[T_REPLY_UID], ref_author_buf, sizeof ref_author_buf);
        ch_json_val ru = ch_json_get(rt, "author");
        if (!ch_json_present(ru) && r->kind == CH_KIND_REPLY)
            ru = t->f[T_REPLY_USER];
        if (!ch_json_present(ru))
            ru = idmap_get(&rd->users, r->ref_author_id);
        r->ref_author = ch_jsonl_str(ch_json_get(ru, "username"));
    }

    ch_tw_read_entities(ch_json_present(note_ent) ? note_ent : t->f[T_ENTITIES], &entity_keys, r);
    rc = ch_tw_emit(rd->ctx, rd->line, r, top);
out:
    return rc;
}

/* A flattened tweet: its expanded references first, then itself. */
static int do_flat(v2_reader *rd, const v2_tweet *t)
{
    int rc = CHORUS_OK;
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(t->f[T_REFS], &it);
    while (!rc && ch_json_arr_next(&it, &e)) {
        v2_tweet inner;
        scan_tweet(e, &inner);
        if (ch_json_present(inner.f[T_CREATED_AT]) && is_tweet(&inner))
            rc = do_tweet(rd, &inner, false);
    }
    if (!rc) {
        ch_ingest_tick(rd->ctx);
        rc = do_tweet(rd, t, true);
    }
    return rc;
}

/* Fills the page's lookup tables from includes.users and includes.tweets. */
static int index_includes(v2_reader *rd, ch_json_val users, ch_json_val tweets)
{
    int rc;
    ch_json_iter it;
    ch_json_val e;
    const char *k;
    size_t n;
    if ((rc = idmap_reset(&rd->users, ch_json_len(users))) ||
        (rc = idmap_reset(&rd->tweets, ch_json_len(tweets))))
        return rc;
    ch_json_iter_init(users, &it);
    while (ch_json_arr_next(&it, &e))
        if (ch_json_get_str(e, "id", &k, &n))
            idmap_put(&rd->users, k, n, e);
    ch_json_iter_init(tweets, &it);
    while (ch_json_arr_next(&it, &e))
        if (ch_json_get_str(e, "id", &k, &n))
            idmap_put(&rd->tweets, k, n, e);
    return CHORUS_OK;
}

/* A page, a flattened tweet, or something else (found stays 0). A ch_tw_object_fn. */
static int do_object(void *arg, ch_json_val obj, size_t *found)
{
    v2_reader *rd = arg;
    int rc = CHORUS_OK;
    ch_json_val data = ch_json_get(obj, "data");
    ch_json_type dt = ch_json_type_of(data);
    v2_tweet t;

    if (dt != CH_JSON_ARRAY && dt != CH_JSON_OBJECT) {
        scan_tweet(obj, &t);
        if (!is_tweet(&t))
            return CHORUS_OK;
        (void)idmap_reset(&rd->users, 0); /* count 0 cannot fail */
        (void)idmap_reset(&rd->tweets, 0);
        ++*found;
        return do_flat(rd, &t);
    }

    /* Does `data` hold tweets (not users, lists or counts)? Decide before emitting anything. */
    ch_json_iter it;
    ch_json_val e;
    bool any = false;
    if (dt == CH_JSON_OBJECT) {
        scan_tweet(data, &t);
        any = is_tweet(&t);
    } else {
        ch_json_iter_init(data, &it);
        while (!any && ch_json_arr_next(&it, &e)) {
            scan_tweet(e, &t);
            any = is_tweet(&t);
        }
    }
    if (!any)
        return CHORUS_OK;

    ch_json_val inc = ch_json_get(obj, "includes");
    ch_json_val inc_tweets = ch_json_get(inc, "tweets");
    if ((rc = index_includes(rd, ch_json_get(inc, "users"), inc_tweets)))
        return rc;
    ch_json_iter_init(inc_tweets, &it);
    while (!rc && ch_json_arr_next(&it, &e)) {
        scan_tweet(e, &t);
        if (is_tweet(&t))
            rc = do_tweet(rd, &t, false);
    }
    if (dt == CH_JSON_OBJECT) {
        scan_tweet(data, &t);
        ch_ingest_tick(rd->ctx);
        ++*found;
        return rc ? rc : do_tweet(rd, &t, true);
    }
    ch_json_iter_init(data, &it);
    while (!rc && ch_json_arr_next(&it, &e)) {
        scan_tweet(e, &t);
        if (!is_tweet(&t))
            continue;
        ch_ingest_tick(rd->ctx);
        ++*found;
        rc = do_tweet(rd, &t, true);
    }
    return rc;
}

static int v2_line(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    v2_reader *rd = arg;
    size_t found = 0;
    int rc = ch_tw_each_object(root, do_object, rd, &found);
    if (rc || found)
        return rc;
    ch_ingest_tick(rd->ctx);
    const char *k;
    size_t n;
    if (ch_tw_first_key(root, &k, &n))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "no tweets in this line (an object starting with '%.*s')",
                                (int)(n > 40 ? 40 : n), k);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "no tweets in this line");
}

static int read(ch_ingest_ctx *ctx)
{
    v2_reader *rd = ch_calloc(1, sizeof *rd);
    if (!rd)
        return CHORUS_ENOMEM;
    rd->ctx = ctx;
    int rc = ch_jsonl_each(ctx, v2_line, rd, &rd->line);
    ch_free(rd->users.e);
    ch_free(rd->tweets.e);
    ch_free(rd);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (!s->json)
        return CH_SNIFF_NO;
    /* Below twitter-v1's SURE: a v1.1 status may carry these keys too. */
    if (ch_sniff_has_key(s, "includes") || ch_sniff_has_key(s, "__twarc") ||
        ch_sniff_has_key(s, "edit_history_tweet_ids") || ch_sniff_has_key(s, "conversation_id") ||
        ch_sniff_has_key(s, "public_metrics") || (s->data[0] == '{' && ch_sniff_has_key(s, "data")))
        return CH_SNIFF_SURE - 10;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_twitter_v2 = {
    .name = "twitter-v2",
    .aliases = (const char *const[]){"v2", NULL},
    .platform = "x",
    .summary = "X/Twitter API v2 response pages (data + includes), single tweets, flattened lines",
    .example = "{\"data\":[{\"id\":\"1\",\"author_id\":\"7\",\"created_at\":\"2023-03-01T10:00:00.000Z\",\"text\":\"Hello\"}],\"includes\":{\"users\":[{\"id\":\"7\",\"username\":\"ana\"}]}}",
    .sniff = sniff,
    .read = read,
    .splittable = true,
};
