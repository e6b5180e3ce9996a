/*
 * read_twitter_v1.c — reader for Twitter API v1.1 statuses, one JSON value per line.
 *
 * A line holds one status object, or an array of them (a timeline page as tweepy and others
 * save it), or a search page {"statuses": [...]}. A user object that carries its latest
 * `status` (users/lookup, users/search, or a {"users": [...]} list page) yields that status,
 * authored by the user. Stream messages and other
 * objects ({"delete":...}, {"limit":...}, users without a status) are skipped as not_a_post.
 *
 * Fields: id_str (else id: ids exceed 2^53, so the number is only a fallback, written back as
 * its exact decimal text), user.id_str / user.screen_name, created_at ("Wed Oct 10 20:19:24
 * +0000 2018"), text from extended_tweet.full_text, else full_text, else text (HTML-escaped
 * by Twitter: the corpus decodes it), lang, source (the client name inside the HTML anchor),
 * entities (from extended_tweet.entities when present): urls[].expanded_url (else url),
 * hashtags[].text, user_mentions[].screen_name. Account metadata from `user`.
 *
 * Kind: retweeted_status -> repost of it; else in_reply_to_status_id_str -> reply; else
 * quoted_status_id_str / quoted_status / is_quote_status -> quote. The embedded
 * retweeted_status and quoted_status are real posts whose authors and times are known, so
 * they are emitted first (the corpus drops ids it already holds); an embedded status that
 * lacks an id, author or time is skipped silently, as it is context, not the line's record.
 * Embedding is followed two levels deep (a retweet of a quote), no further. When an embedded
 * original has no user object (statuses inside user objects), the reposted handle is taken
 * from the "RT @handle:" text.
 *
 * TwiBot-20 style profiles (every value a string with a trailing space: "15349596 ",
 * "True ") are read too: counts and flags accept numbers, booleans or such strings.
 *
 * Cost: one simdjson parse per line into a reused parser (no copy: lines come padded), then
 * one pass over each object's fields; no allocation per record.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/reader.h"
#include "ingest/jsonl.h"
#include "ingest/twitter_common.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define EMBED_MAX_DEPTH 2 /* retweeted_status -> quoted_status */

typedef struct v1_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;               /* one per file (~3 KiB), refilled for every post */
} v1_reader;

/* The id and author of a post, kept by the caller so an outer post can refer to it. Numeric
 * ids are written as text into the buffers. */
typedef struct v1_who {
    ch_slice id, author_id, author;
    char id_buf[24], author_buf[24];
} v1_who;

/* Fields of a status object (and of the pages and user objects that hold statuses), taken in
 * one pass. Absent = {NULL, 0}. */
enum {
    S_ID_STR,
    S_ID,
    S_TEXT,
    S_FULL_TEXT,
    S_CREATED_AT,
    S_USER,
    S_ENTITIES,
    S_EXTENDED,
    S_RETWEETED,
    S_QUOTED,
    S_QUOTED_ID_STR,
    S_QUOTED_ID,
    S_IS_QUOTE,
    S_REPLY_ID_STR,
    S_REPLY_ID,
    S_REPLY_UID_STR,
    S_REPLY_UID,
    S_REPLY_SN,
    S_LANG,
    S_SOURCE,
    S_STATUSES,
    S_USERS,
    S_SCREEN_NAME,
    S_STATUS,
    S__N
};

static const ch_json_key status_keys[S__N] = {
    [S_ID_STR] = CH_JSON_KEY("id_str"),
    [S_ID] = CH_JSON_KEY("id"),
    [S_TEXT] = CH_JSON_KEY("text"),
    [S_FULL_TEXT] = CH_JSON_KEY("full_text"),
    [S_CREATED_AT] = CH_JSON_KEY("created_at"),
    [S_USER] = CH_JSON_KEY("user"),
    [S_ENTITIES] = CH_JSON_KEY("entities"),
    [S_EXTENDED] = CH_JSON_KEY("extended_tweet"),
    [S_RETWEETED] = CH_JSON_KEY("retweeted_status"),
    [S_QUOTED] = CH_JSON_KEY("quoted_status"),
    [S_QUOTED_ID_STR] = CH_JSON_KEY("quoted_status_id_str"),
    [S_QUOTED_ID] = CH_JSON_KEY("quoted_status_id"),
    [S_IS_QUOTE] = CH_JSON_KEY("is_quote_status"),
    [S_REPLY_ID_STR] = CH_JSON_KEY("in_reply_to_status_id_str"),
    [S_REPLY_ID] = CH_JSON_KEY("in_reply_to_status_id"),
    [S_REPLY_UID_STR] = CH_JSON_KEY("in_reply_to_user_id_str"),
    [S_REPLY_UID] = CH_JSON_KEY("in_reply_to_user_id"),
    [S_REPLY_SN] = CH_JSON_KEY("in_reply_to_screen_name"),
    [S_LANG] = CH_JSON_KEY("lang"),
    [S_SOURCE] = CH_JSON_KEY("source"),
    [S_STATUSES] = CH_JSON_KEY("statuses"),
    [S_USERS] = CH_JSON_KEY("users"),
    [S_SCREEN_NAME] = CH_JSON_KEY("screen_name"),
    [S_STATUS] = CH_JSON_KEY("status"),
};

typedef struct v1_status {
    ch_json_val obj;
    ch_json_val f[S__N];
} v1_status;

static void scan_status(ch_json_val obj, v1_status *s)
{
    s->obj = obj;
    ch_json_get_many(obj, status_keys, S__N, s->f);
}

static ch_slice trim(const char *p, size_t n)
{
    while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    return (ch_slice){p, n};
}

/* A string value, trimmed of spaces (TwiBot pads values); empty if absent, null or not a
 * string. */
static ch_slice str_of(ch_json_val v)
{
    const char *p;
    size_t n;
    if (!ch_json_str(v, &p, &n))
        return (ch_slice){NULL, 0};
    return trim(p, n);
}

/* A string value as is (texts keep their spaces). */
static ch_slice raw_str_of(ch_json_val v)
{
    ch_slice s = {NULL, 0};
    ch_json_str(v, &s.p, &s.n);
    return s;
}

/* An id from its string form, else from the number (written into buf). */
static ch_slice id_of(ch_json_val str, ch_json_val num, char *buf, size_t cap)
{
    ch_slice s = str_of(str);
    if (s.n)
        return s;
    size_t n = ch_json_int_text(num, buf, cap);
    return (ch_slice){n ? buf : NULL, n};
}

/* Counts: a number, or a string of digits ("15349596 "). */
static int64_t count_of(ch_json_val v)
{
    int64_t x;
    if (ch_json_int64(v, &x))
        return x >= 0 ? x : CH_UNKNOWN_I64;
    ch_slice s = str_of(v);
    if (s.n == 0 || s.n > 18)
        return CH_UNKNOWN_I64;
    x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return CH_UNKNOWN_I64;
        x = x * 10 + (s.p[i] - '0');
    }
    return x;
}

/* Flags: a boolean, or "True"/"False" strings. -1 when unknown. */
static int8_t flag_of(ch_json_val v)
{
    bool b;
    if (ch_json_bool(v, &b))
        return b ? 1 : 0;
    ch_slice s = str_of(v);
    if ((s.n == 4 && (memcmp(s.p, "True", 4) == 0 || memcmp(s.p, "true", 4) == 0)))
        return 1;
    if ((s.n == 5 && (memcmp(s.p, "False", 5) == 0 || memcmp(s.p, "false", 5) == 0)))
        return 0;
    return -1;
}

enum {
    U_ID_STR, U_ID, U_SCREEN_NAME, U_NAME, U_DESCRIPTION, U_CREATED_AT, U_FOLLOWERS,
    U_FRIENDS, U_STATUSES, U_DEFAULT_PROFILE, U_DEFAULT_PROFILE_IMAGE, U_VERIFIED, U__N
};

static const ch_json_key user_keys[U__N] = {
    [U_ID_STR] = CH_JSON_KEY("id_str"),
    [U_ID] = CH_JSON_KEY("id"),
    [U_SCREEN_NAME] = CH_JSON_KEY("screen_name"),
    [U_NAME] = CH_JSON_KEY("name"),
    [U_DESCRIPTION] = CH_JSON_KEY("description"),
    [U_CREATED_AT] = CH_JSON_KEY("created_at"),
    [U_FOLLOWERS] = CH_JSON_KEY("followers_count"),
    [U_FRIENDS] = CH_JSON_KEY("friends_count"),
    [U_STATUSES] = CH_JSON_KEY("statuses_count"),
    [U_DEFAULT_PROFILE] = CH_JSON_KEY("default_profile"),
    [U_DEFAULT_PROFILE_IMAGE] = CH_JSON_KEY("default_profile_image"),
    [U_VERIFIED] = CH_JSON_KEY("verified"),
};

/* Fills the author and, when the user object carries a profile, its metadata. */
static void read_user(ch_json_val user, ch_rawpost *r, v1_who *who)
{
    ch_json_val u[U__N];
    ch_json_get_many(user, user_keys, U__N, u);
    ch_json_val id_str = u[U_ID_STR], id = u[U_ID], sn = u[U_SCREEN_NAME], name = u[U_NAME];
    ch_json_val desc = u[U_DESCRIPTION], created = u[U_CREATED_AT];
    ch_json_val followers = u[U_FOLLOWERS], friends = u[U_FRIENDS], statuses = u[U_STATUSES];
    ch_json_val dp = u[U_DEFAULT_PROFILE], dpi = u[U_DEFAULT_PROFILE_IMAGE], ver = u[U_VERIFIED];
    who->author_id = id_of(id_str, id, who->author_buf, sizeof who->author_buf);
    who->author = str_of(sn);
    if (who->author.n && who->author.p[0] == '@') {
        who->author.p++;
        who->author.n--;
    }
    r->author_id = who->author_id;
    r->author = who->author;

    r->meta.followers = count_of(followers);
    r->meta.following = count_of(friends);
    r->meta.statuses = count_of(statuses);
    r->meta.default_profile = flag_of(dp);
    r->meta.default_profile_image = flag_of(dpi);
    r->meta.verified = flag_of(ver);
    r->meta.display_name = str_of(name);
    r->meta.description = raw_str_of(desc);
    ch_slice c = str_of(created);
    int64_t t;
    if (c.n && ch_time_parse_post(c.p, c.n, false, &t) == CHORUS_OK)
        r->meta.created_at = t;
    r->meta.present = ch_tw_meta_present(r);
}

/* The id and author of an embedded status without reading the rest of it. */
static void who_of(ch_json_val status, v1_who *who)
{
    ch_json_val user = ch_json_get(status, "user");
    who->id = id_of(ch_json_get(status, "id_str"), ch_json_get(status, "id"), who->id_buf,
                    sizeof who->id_buf);
    who->author_id = id_of(ch_json_get(user, "id_str"), ch_json_get(user, "id"), who->author_buf,
                           sizeof who->author_buf);
    who->author = str_of(ch_json_get(user, "screen_name"));
}

static const ch_tw_entities entity_keys = {
    .urls = {CH_JSON_KEY("urls"), {"expanded_url", "url"}},
    .hashtags = {CH_JSON_KEY("hashtags"), {"text"}},
    .mentions = {CH_JSON_KEY("user_mentions"), {"screen_name"}},
    .str = str_of,
};

/* `<a href="..." rel="nofollow">Twitter for iPhone</a>` -> `Twitter for iPhone`. */
static ch_slice client_of(ch_json_val source)
{
    ch_slice s = str_of(source);
    if (s.n == 0 || s.p[0] != '<')
        return s;
    const char *gt = memchr(s.p, '>', s.n);
    if (!gt)
        return (ch_slice){NULL, 0};
    const char *b = gt + 1, *end = s.p + s.n;
    const char *lt = memchr(b, '<', (size_t)(end - b));
    return trim(b, (size_t)((lt ? lt : end) - b));
}

/* "RT @handle: ..." -> handle, for retweets whose embedded original has no user object. */
static ch_slice rt_handle(ch_slice text)
{
    if (text.n < 5 || memcmp(text.p, "RT @", 4) != 0)
        return (ch_slice){NULL, 0};
    size_t i = 4;
    while (i < text.n && i < 4 + 50 && text.p[i] != ':' && text.p[i] != ' ')
        i++;
    if (i >= text.n || text.p[i] != ':' || i == 4)
        return (ch_slice){NULL, 0};
    return (ch_slice){text.p + 4, i - 4};
}

/* Reads one status and emits it, after the statuses it embeds. `top` marks the line's own
 * record (reported when rejected); embedded ones are dropped silently when incomplete.
 * `user_override` is the author when the status sits inside its user object. On return,
 * *who holds the status's id and author. Returns 0, CHORUS_EPARSE (strict) or ENOMEM. */
static int do_status(v1_reader *rd, const v1_status *st, int depth, bool top,
                     ch_json_val user_override, v1_who *who);

/* Scans and reads an embedded status (see do_status). */
static int do_embedded(v1_reader *rd, ch_json_val obj, int depth, v1_who *who)
{
    v1_status s;
    scan_status(obj, &s);
    return do_status(rd, &s, depth, false, (ch_json_val){0}, who);
}

static int do_status(v1_reader *rd, const v1_status *st, int depth, bool top,
                     ch_json_val user_override, v1_who *who)
{
    int rc = CHORUS_OK;
    const v1_status s = *st;
    v1_who rt = {0}, qt = {0};
    char reply_buf[24], reply_author_buf[24], quoted_buf[24], ms_buf[24];

    bool is_rt = ch_json_type_of(s.f[S_RETWEETED]) == CH_JSON_OBJECT;
    bool has_qt = ch_json_type_of(s.f[S_QUOTED]) == CH_JSON_OBJECT;
    if (depth < EMBED_MAX_DEPTH) {
        if (is_rt && (rc = do_embedded(rd, s.f[S_RETWEETED], depth + 1, &rt)))
            goto out;
        if (has_qt && (rc = do_embedded(rd, s.f[S_QUOTED], depth + 1, &qt)))
            goto out;
    } else {
        if (is_rt)
            who_of(s.f[S_RETWEETED], &rt);
        if (has_qt)
            who_of(s.f[S_QUOTED], &qt);
    }

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    memset(who, 0, sizeof *who);
    who->id = id_of(s.f[S_ID_STR], s.f[S_ID], who->id_buf, sizeof who->id_buf);
    r->id = who->id;
    read_user(ch_json_present(s.f[S_USER]) ? s.f[S_USER] : user_override, r, who);

    /* created_at, else timestamp_ms (stream messages): milliseconds, as its name says. Looked
     * up only when needed: one more key in the one-pass table costs every status. */
    ch_slice created = str_of(s.f[S_CREATED_AT]);
    bool ms = false;
    if (!created.n) {
        ch_json_val tms = ch_json_get(s.obj, "timestamp_ms");
        created = id_of(tms, tms, ms_buf, sizeof ms_buf);
        ms = created.n > 0;
    }
    if (!ch_tw_time(rd->ctx, rd->line, top, created, ms, &r->created_at, &rc))
        goto out;

    ch_json_val ext_text = ch_json_get(s.f[S_EXTENDED], "full_text");
    ch_json_val ext_ent = ch_json_get(s.f[S_EXTENDED], "entities");
    r->text = ch_json_present(ext_text)     ? raw_str_of(ext_text)
              : ch_json_present(s.f[S_FULL_TEXT]) ? raw_str_of(s.f[S_FULL_TEXT])
                                             : raw_str_of(s.f[S_TEXT]);
    r->text_html_escaped = true;
    r->lang = str_of(s.f[S_LANG]);
    r->client = client_of(s.f[S_SOURCE]);

    ch_slice reply = id_of(s.f[S_REPLY_ID_STR], s.f[S_REPLY_ID], reply_buf, sizeof reply_buf);
    ch_slice quoted = id_of(s.f[S_QUOTED_ID_STR], s.f[S_QUOTED_ID], quoted_buf, sizeof quoted_buf);
    bool is_quote = false;
    ch_json_bool(s.f[S_IS_QUOTE], &is_quote);
    if (is_rt) {
        r->kind = CH_KIND_REPOST;
        r->ref_id = rt.id;
        r->ref_author_id = rt.author_id;
        r->ref_author = rt.author.n ? rt.author : rt_handle(r->text);
    } else if (reply.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = reply;
        r->ref_author_id = id_of(s.f[S_REPLY_UID_STR], s.f[S_REPLY_UID], reply_author_buf,
                                 sizeof reply_author_buf);
        r->ref_author = str_of(s.f[S_REPLY_SN]);
    } else if (quoted.n || has_qt || is_quote) {
        r->kind = CH_KIND_QUOTE;
        r->ref_id = quoted.n ? quoted : qt.id;
        if (has_qt) {
            r->ref_author_id = qt.author_id;
            r->ref_author = qt.author;
        }
    }

    ch_tw_read_entities(ch_json_present(ext_ent) ? ext_ent : s.f[S_ENTITIES], &entity_keys, r);
    rc = ch_tw_emit(rd->ctx, rd->line, r, top);
out:
    return rc;
}

static bool looks_like_status(const v1_status *s)
{
    return (ch_json_present(s->f[S_ID_STR]) || ch_json_present(s->f[S_ID])) &&
           (ch_json_present(s->f[S_TEXT]) || ch_json_present(s->f[S_FULL_TEXT]) ||
            ch_json_present(s->f[S_EXTENDED])) &&
           (ch_json_present(s->f[S_USER]) || ch_json_present(s->f[S_CREATED_AT]));
}

/* Reports a line that holds no status, naming its first key ("delete", "limit", ...). */
static int not_a_post(v1_reader *rd, ch_json_val root)
{
    const char *k;
    size_t n;
    if (ch_tw_first_key(root, &k, &n))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "not a status (an object starting with '%.*s')",
                                (int)(n > 40 ? 40 : n), k);
    if (ch_json_type_of(root) == CH_JSON_ARRAY)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "not a status (an array without statuses)");
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "not a status");
}

/* One element of a page, or a line's object. Returns 0/EPARSE/ENOMEM and counts the posts it
 * emitted in *found. Nested pages ({"statuses": [...]}) are followed one level only. */
static int do_object(v1_reader *rd, ch_json_val obj, bool allow_page, size_t *found)
{
    v1_status s;
    v1_who who;
    scan_status(obj, &s);
    if (looks_like_status(&s)) {
        ch_ingest_tick(rd->ctx);
        ++*found;
        return do_status(rd, &s, 0, true, (ch_json_val){0}, &who);
    }
    if (ch_json_type_of(s.f[S_STATUS]) == CH_JSON_OBJECT && ch_json_present(s.f[S_SCREEN_NAME])) {
        /* A user object with its latest status: the status is the record. */
        v1_status inner;
        scan_status(s.f[S_STATUS], &inner);
        ch_ingest_tick(rd->ctx);
        ++*found;
        return do_status(rd, &inner, 0, true, obj, &who);
    }
    ch_json_val page = ch_json_type_of(s.f[S_STATUSES]) == CH_JSON_ARRAY ? s.f[S_STATUSES]
                       : ch_json_type_of(s.f[S_USERS]) == CH_JSON_ARRAY  ? s.f[S_USERS]
                                                                     : (ch_json_val){0};
    if (allow_page && ch_json_present(page)) {
        ch_json_iter it;
        ch_json_val e;
        int rc = CHORUS_OK;
        ch_json_iter_init(page, &it);
        while (!rc && ch_json_arr_next(&it, &e))
            rc = do_object(rd, e, false, found);
        return rc;
    }
    return CHORUS_OK;
}

/* A line's object, or an element of a line's array (ch_tw_object_fn). */
static int line_object(void *arg, ch_json_val obj, size_t *found)
{
    return do_object(arg, obj, true, found);
}

static int v1_line(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    v1_reader *rd = arg;
    size_t found = 0;
    int rc = ch_tw_each_object(root, line_object, rd, &found);
    if (rc || found)
        return rc;
    ch_ingest_tick(rd->ctx);
    return not_a_post(rd, root);
}

static int read(ch_ingest_ctx *ctx)
{
    v1_reader rd = {.ctx = ctx};
    return ch_jsonl_each(ctx, v1_line, &rd, &rd.line);
}

static int sniff(const ch_sniff *s)
{
    if (s->json && (ch_sniff_has_key(s, "id_str") || ch_sniff_has_key(s, "screen_name")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_twitter_v1 = {
    .name = "twitter-v1",
    .aliases = (const char *const[]){"v1", "twitter", "twitter-v1.1", NULL},
    .platform = "x",
    .summary = "X/Twitter API v1.1 statuses, one per line (also timeline arrays and search pages)",
    .example = "{\"id_str\":\"1\",\"created_at\":\"Wed Mar 01 10:00:00 +0000 2023\",\"full_text\":\"Hello\",\"user\":{\"id_str\":\"7\",\"screen_name\":\"ana\"}}",
    .sniff = sniff,
    .read = read,
    .splittable = true,
};
