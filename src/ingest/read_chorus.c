/*
 * read_chorus.c — reader for chorus's canonical JSONL: one post object per line.
 *
 *   {"id", "author_id", "author", "created_at", "text", "lang", "client",
 *    "kind": "post|repost|reply|quote", "ref_id", "ref_author_id", "ref_author",
 *    "urls": [], "hashtags": [], "mentions": [],
 *    "author_meta": {"created_at", "followers", "following", "statuses", "default_profile",
 *                    "default_profile_image", "verified", "name", "description"}}
 *
 * Required: id, author_id or author, created_at, text. Ids are strings or integers (an integer
 * is kept as its exact decimal text; integers must fit 64 bits, write larger ids as strings).
 * Times are Unix seconds (a number or a string; never milliseconds, whatever the size) or
 * ISO 8601 strings, within 1990-01-01..2100-01-01 (else bad_time). Text is taken as is (no HTML unescaping). Handles may carry a leading
 * '@' and hashtags a '#': both are dropped. null means absent. Unknown keys are ignored, so
 * producers can add their own. A known key with a value of the wrong type, or an unknown kind,
 * rejects the record as bad_field: this is our own format, so sloppiness is a bug to report.
 *
 * Cost: one simdjson parse per line into a reused parser, one pass over the fields; no
 * allocation per record.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/reader.h"
#include "ingest/jsonl.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* Why a record was refused, for the message. */
typedef struct bad {
    ch_reason reason;
    char msg[160];
} bad;

static int fail(bad *b, ch_reason reason, const char *field, const char *what)
{
    b->reason = reason;
    snprintf(b->msg, sizeof b->msg, "'%s' %s", field, what);
    return CHORUS_EPARSE;
}

static bool absent(ch_json_val v)
{
    return !ch_json_present(v) || ch_json_is_null(v);
}

/* A string field; null/absent leaves *out empty. */
static int get_str(ch_json_val v, const char *field, ch_slice *out, bad *b)
{
    if (absent(v))
        return CHORUS_OK;
    if (!ch_json_str(v, &out->p, &out->n))
        return fail(b, CH_R_BAD_FIELD, field, "must be a string");
    return CHORUS_OK;
}

/* An id: a string, or an integer written as its decimal text into buf. */
static int get_id(ch_json_val v, const char *field, char *buf, size_t cap, ch_slice *out, bad *b)
{
    if (absent(v))
        return CHORUS_OK;
    if (ch_json_str(v, &out->p, &out->n))
        return CHORUS_OK;
    size_t n = ch_json_int_text(v, buf, cap);
    if (!n)
        return fail(b, CH_R_BAD_FIELD, field, "must be a string or an integer");
    *out = (ch_slice){buf, n};
    return CHORUS_OK;
}

static void strip_prefix(ch_slice *s, char c)
{
    if (s->n && s->p[0] == c) {
        s->p++;
        s->n--;
    }
}

/* A time: Unix seconds as a number or string, or ISO 8601 (ch_time_parse_post, which
 * numbers go through as text), within the post window. Outside it, a post time refuses the
 * record; an account's creation time (`optional`) is left unknown (exports write 0 for it). */
static int get_time(ch_json_val v, const char *field, bool optional, int64_t *out, bad *b)
{
    char buf[64];
    ch_slice s = {NULL, 0};
    double d;
    int64_t x;
    if (absent(v))
        return CHORUS_OK;
    if (ch_json_int64(v, &x)) {
        /* the common case, done here rather than through text */
        if (ch_time_check(x) != CHORUS_OK)
            return optional ? CHORUS_OK
                            : fail(b, CH_R_BAD_TIME, field,
                                   "is out of range (Unix seconds within " CH_TIME_WINDOW ")");
        *out = x;
        return CHORUS_OK;
    }
    size_t n = ch_json_int_text(v, buf, sizeof buf);
    if (n) {
        s = (ch_slice){buf, n};
    } else if (ch_json_double(v, &d)) {
        if (!isfinite(d) || fabs(d) > 1e17)
            return fail(b, CH_R_BAD_TIME, field, "is out of range");
        int k = snprintf(buf, sizeof buf, "%.3f", d);
        s = (ch_slice){buf, (size_t)k};
    } else if (!ch_json_str(v, &s.p, &s.n)) {
        return fail(b, CH_R_BAD_FIELD, field, "must be a number or a string");
    }
    int pr = ch_time_parse_post(s.p, s.n, false, out);
    if (pr == CHORUS_ELIMIT && optional)
        return CHORUS_OK;
    if (pr != CHORUS_OK) {
        b->reason = CH_R_BAD_TIME;
        snprintf(b->msg, sizeof b->msg, "%s %s '%.*s'%s", ch_time_problem(pr), field,
                 (int)(s.n > 64 ? 64 : s.n), s.p,
                 pr == CHORUS_ELIMIT ? " (Unix seconds within " CH_TIME_WINDOW ")" : "");
        return CHORUS_EPARSE;
    }
    return CHORUS_OK;
}

static int get_count(ch_json_val v, const char *field, int64_t *out, bad *b)
{
    int64_t x;
    if (absent(v))
        return CHORUS_OK;
    if (!ch_json_int64(v, &x) || x < 0)
        return fail(b, CH_R_BAD_FIELD, field, "must be a non-negative integer");
    *out = x;
    return CHORUS_OK;
}

/* A flag: true/false, or 0/1 (exports written by scripts often use integers). */
static int get_flag(ch_json_val v, const char *field, int8_t *out, bad *b)
{
    bool f;
    int64_t x;
    if (absent(v))
        return CHORUS_OK;
    if (ch_json_bool(v, &f)) {
        *out = f ? 1 : 0;
        return CHORUS_OK;
    }
    if (ch_json_int64(v, &x) && (x == 0 || x == 1)) {
        *out = (int8_t)x;
        return CHORUS_OK;
    }
    return fail(b, CH_R_BAD_FIELD, field, "must be true or false");
}

static int get_list(ch_json_val v, const char *field, char strip, ch_rawpost *r,
                    void (*add)(ch_rawpost *, const char *, size_t), bad *b)
{
    ch_json_iter it;
    ch_json_val e;
    if (absent(v))
        return CHORUS_OK;
    if (!ch_json_iter_init(v, &it) || ch_json_type_of(v) != CH_JSON_ARRAY)
        return fail(b, CH_R_BAD_FIELD, field, "must be an array of strings");
    while (ch_json_arr_next(&it, &e)) {
        ch_slice s;
        if (!ch_json_str(e, &s.p, &s.n))
            return fail(b, CH_R_BAD_FIELD, field, "must be an array of strings");
        if (strip)
            strip_prefix(&s, strip);
        add(r, s.p, s.n);
    }
    return CHORUS_OK;
}

static int get_meta(ch_json_val m, ch_rawpost *r, bad *b)
{
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val v;
    int rc = CHORUS_OK;
    if (absent(m))
        return CHORUS_OK;
    if (ch_json_type_of(m) != CH_JSON_OBJECT)
        return fail(b, CH_R_BAD_FIELD, "author_meta", "must be an object");
    r->meta.present = true;
    ch_json_iter_init(m, &it);
    while (!rc && ch_json_obj_next(&it, &k, &n, &v)) {
        if (KEY_IS(k, n, "created_at"))
            rc = get_time(v, "author_meta.created_at", true, &r->meta.created_at, b);
        else if (KEY_IS(k, n, "followers"))
            rc = get_count(v, "author_meta.followers", &r->meta.followers, b);
        else if (KEY_IS(k, n, "following"))
            rc = get_count(v, "author_meta.following", &r->meta.following, b);
        else if (KEY_IS(k, n, "statuses"))
            rc = get_count(v, "author_meta.statuses", &r->meta.statuses, b);
        else if (KEY_IS(k, n, "default_profile"))
            rc = get_flag(v, "author_meta.default_profile", &r->meta.default_profile, b);
        else if (KEY_IS(k, n, "default_profile_image"))
            rc = get_flag(v, "author_meta.default_profile_image",
                          &r->meta.default_profile_image, b);
        else if (KEY_IS(k, n, "verified"))
            rc = get_flag(v, "author_meta.verified", &r->meta.verified, b);
        else if (KEY_IS(k, n, "name"))
            rc = get_str(v, "author_meta.name", &r->meta.display_name, b);
        else if (KEY_IS(k, n, "description"))
            rc = get_str(v, "author_meta.description", &r->meta.description, b);
    }
    return rc;
}

/* Id texts of integer ids live here until the record is emitted. */
typedef struct id_bufs {
    char id[24], author_id[24], ref_id[24], ref_author_id[24];
} id_bufs;

enum {
    K_ID, K_AUTHOR_ID, K_AUTHOR, K_CREATED_AT, K_TEXT, K_LANG, K_CLIENT, K_KIND, K_REF_ID,
    K_REF_AUTHOR_ID, K_REF_AUTHOR, K_URLS, K_HASHTAGS, K_MENTIONS, K_AUTHOR_META, K__N
};

static const ch_json_key post_keys[K__N] = {
    [K_ID] = CH_JSON_KEY("id"),
    [K_AUTHOR_ID] = CH_JSON_KEY("author_id"),
    [K_AUTHOR] = CH_JSON_KEY("author"),
    [K_CREATED_AT] = CH_JSON_KEY("created_at"),
    [K_TEXT] = CH_JSON_KEY("text"),
    [K_LANG] = CH_JSON_KEY("lang"),
    [K_CLIENT] = CH_JSON_KEY("client"),
    [K_KIND] = CH_JSON_KEY("kind"),
    [K_REF_ID] = CH_JSON_KEY("ref_id"),
    [K_REF_AUTHOR_ID] = CH_JSON_KEY("ref_author_id"),
    [K_REF_AUTHOR] = CH_JSON_KEY("ref_author"),
    [K_URLS] = CH_JSON_KEY("urls"),
    [K_HASHTAGS] = CH_JSON_KEY("hashtags"),
    [K_MENTIONS] = CH_JSON_KEY("mentions"),
    [K_AUTHOR_META] = CH_JSON_KEY("author_meta"),
};

/* Fills r from one object. Returns 0 or CHORUS_EPARSE with *b set. The id and author come
 * first, so that their string-table slots in corpus c load while the rest is read. */
static int to_post(const ch_corpus *c, ch_json_val obj, ch_rawpost *r, id_bufs *ib, bad *b)
{
    ch_json_val f[K__N];
    int rc;

    ch_rawpost_clear(r);
    ch_json_get_many(obj, post_keys, K__N, f);
    if ((rc = get_id(f[K_ID], "id", ib->id, sizeof ib->id, &r->id, b)) ||
           (rc = get_id(f[K_AUTHOR_ID], "author_id", ib->author_id, sizeof ib->author_id,
                        &r->author_id, b)) ||
           (rc = get_str(f[K_AUTHOR], "author", &r->author, b)))
        return rc;
    strip_prefix(&r->author, '@');
    ch_corpus_prefetch_ids(c, r);
    if ((rc = get_time(f[K_CREATED_AT], "created_at", false, &r->created_at, b)) ||
           (rc = get_str(f[K_TEXT], "text", &r->text, b)) ||
           (rc = get_str(f[K_LANG], "lang", &r->lang, b)) ||
           (rc = get_str(f[K_CLIENT], "client", &r->client, b)) ||
           (rc = get_id(f[K_REF_ID], "ref_id", ib->ref_id, sizeof ib->ref_id, &r->ref_id, b)) ||
           (rc = get_id(f[K_REF_AUTHOR_ID], "ref_author_id", ib->ref_author_id,
                        sizeof ib->ref_author_id, &r->ref_author_id, b)) ||
           (rc = get_str(f[K_REF_AUTHOR], "ref_author", &r->ref_author, b)) ||
           (rc = get_list(f[K_URLS], "urls", 0, r, ch_rawpost_add_url, b)) ||
           (rc = get_list(f[K_HASHTAGS], "hashtags", '#', r, ch_rawpost_add_hashtag, b)) ||
           (rc = get_list(f[K_MENTIONS], "mentions", '@', r, ch_rawpost_add_mention, b)) ||
           (rc = get_meta(f[K_AUTHOR_META], r, b)))
        return rc;
    strip_prefix(&r->ref_author, '@');
    if (!absent(f[K_KIND])) {
        ch_slice s;
        if (!ch_json_str(f[K_KIND], &s.p, &s.n))
            return fail(b, CH_R_BAD_FIELD, "kind", "must be a string");
        ch_kind kd;
        if (ch_kind_parse(s.p, s.n, &kd) != CHORUS_OK) {
            b->reason = CH_R_BAD_FIELD;
            snprintf(b->msg, sizeof b->msg,
                     "unknown kind '%.*s' (expected post, repost, reply or quote)",
                     (int)(s.n > 32 ? 32 : s.n), s.p);
            return CHORUS_EPARSE;
        }
        r->kind = kd;
    }
    /* id, author and time are checked by the corpus, which names the reason; text only here. */
    if (absent(f[K_TEXT]) && r->id.n && (r->author_id.n || r->author.n) &&
        r->created_at != CH_UNKNOWN_I64)
        return fail(b, CH_R_BAD_FIELD, "text", "is missing");
    return CHORUS_OK;
}

typedef struct chorus_reader {
    ch_ingest_ctx *ctx;
    ch_rawpost r;                 /* ~3 KiB: one per file, reused for every line */
    id_bufs ib;
    bad b;
} chorus_reader;

static int chorus_object(chorus_reader *cr, ch_json_val obj, uint64_t line)
{
    ch_ingest_tick(cr->ctx);
    if (ch_json_type_of(obj) != CH_JSON_OBJECT)
        return ch_ingest_reject(cr->ctx, line, CH_R_NOT_POST, "not a JSON object");
    cr->b.reason = CH_R__COUNT;
    if (to_post(cr->ctx->corpus, obj, &cr->r, &cr->ib, &cr->b) != CHORUS_OK)
        return ch_ingest_reject(cr->ctx, line, cr->b.reason, "%s", cr->b.msg);
    return ch_ingest_emit(cr->ctx, line, &cr->r);
}

/* A document is one post, or an array of posts (a file holding one JSON array). */
static int chorus_line(void *arg, ch_json_val root, uint64_t line)
{
    chorus_reader *cr = arg;
    if (ch_json_type_of(root) != CH_JSON_ARRAY)
        return chorus_object(cr, root, line);
    ch_json_iter it;
    ch_json_val e;
    int rc = CHORUS_OK;
    ch_json_iter_init(root, &it);
    while (!rc && !cr->ctx->stop && ch_json_arr_next(&it, &e))
        rc = chorus_object(cr, e, line);
    return rc;
}

static int read(ch_ingest_ctx *ctx)
{
    chorus_reader cr = {.ctx = ctx};
    uint64_t line = 0;
    return ch_jsonl_each(ctx, chorus_line, &cr, &line);
}

static int sniff(const ch_sniff *s)
{
    if (s->json && (ch_sniff_has_key(s, "author_id") || ch_sniff_has_key(s, "author")))
        return CH_SNIFF_LIKELY;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_chorus = {
    .name = "chorus",
    .aliases = (const char *const[]){"jsonl", NULL},
    .platform = "",
    .summary = "chorus canonical JSON lines (one post per line)",
    .example = "{\"id\":\"1\",\"author_id\":\"7\",\"author\":\"ana\",\"created_at\":\"2023-03-01T10:00:00Z\",\"text\":\"Hello\",\"kind\":\"post\"}",
    .sniff = sniff,
    .read = read,
    .splittable = true,
};
