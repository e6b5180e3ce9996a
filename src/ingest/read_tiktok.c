/*
 * read_tiktok.c — reader for the TikTok Research API: video query responses
 * (POST /v2/research/video/query/) and comment lists (/v2/research/video/comment/list/), as
 * saved pages {"data": {"videos"|"comments": [...], "cursor", "has_more", "search_id"},
 * "error": {"code", "message", "log_id"}} one per line or pretty-printed, arrays of pages,
 * and the video or comment objects alone, one per line, as collectors also save them.
 * No real response is available to the project: this follows TikTok's documentation (Query
 * Videos, Query Video Comments, the Research API codebook); docs/formats.md says so.
 *
 * Videos are posts: id (int64, or its decimal text) as the post id; username as the account
 * (the API gives no user id, so the handle is the account id; TikTok lets users change it);
 * create_time (Unix seconds; a string of digits is accepted); text = video_description, and
 * voice_to_text (the spoken words, when TikTok made a transcript) after a blank line, as
 * scripted talking points are read out rather than typed; hashtags from hashtag_names (else
 * hashtag_info_list[].hashtag_name, else the #tags of the description); mentions from
 * video_mention_list (else the @handles of the description); links typed into the
 * description. Not mapped: region_code (an account's country, not a language), counts,
 * music_id, effect_ids, playlist_id, is_stem_verified, video_duration, video_label.
 *
 * Comments are replies: id "comment:" + id, so a comment id never meets a video id (both are
 * 19-digit numbers); ref_id the video (video_id) for a comment on the video, or the parent
 * comment ("comment:" + parent_comment_id) for a reply, which the API marks by a
 * parent_comment_id other than the video id; root_id the video. The Research API leaves
 * commenters out of comments (for their privacy), so a comment without an author is skipped
 * as no_author with that reason; a `username` added by a collector is read.
 *
 * Pages that hold no videos or comments (user info, follower lists, an error response) are
 * not_a_post, an error response named by its code and message. Every array of objects under
 * "data" is read (liked, reposted and pinned video lists too: they hold videos, read as the
 * creators' posts).
 *
 * Cost: one simdjson parse per line, one pass over each object's fields; no allocation per
 * record (the text buffer grows to the longest description + transcript).
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "ingest/textent.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define COMMENT_PREFIX "comment:"
#define ID_MAX 96                /* ids are 19 digits; longer ones are not TikTok ids */
#define SEP "\n\n"               /* between a description and its transcript */

typedef enum item { I_NONE = 0, I_VIDEO, I_COMMENT } item;

typedef struct tt_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;
    char *text;
    size_t text_cap;
    ch_txtbuf ents;
} tt_reader;

enum {
    K_ID, K_USERNAME, K_CREATE_TIME, K_DESC, K_V2T, K_TAGS, K_TAGINFO, K_MENTIONS, K_VIDEO_ID,
    K_TEXT, K_PARENT, K_DATA, K_ERROR, K__N
};

static const ch_json_key keys[K__N] = {
    [K_ID] = CH_JSON_KEY("id"),
    [K_USERNAME] = CH_JSON_KEY("username"),
    [K_CREATE_TIME] = CH_JSON_KEY("create_time"),
    [K_DESC] = CH_JSON_KEY("video_description"),
    [K_V2T] = CH_JSON_KEY("voice_to_text"),
    [K_TAGS] = CH_JSON_KEY("hashtag_names"),
    [K_TAGINFO] = CH_JSON_KEY("hashtag_info_list"),
    [K_MENTIONS] = CH_JSON_KEY("video_mention_list"),
    [K_VIDEO_ID] = CH_JSON_KEY("video_id"),
    [K_TEXT] = CH_JSON_KEY("text"),
    [K_PARENT] = CH_JSON_KEY("parent_comment_id"),
    [K_DATA] = CH_JSON_KEY("data"),
    [K_ERROR] = CH_JSON_KEY("error"),
};

typedef struct fields {
    ch_json_val f[K__N];
} fields;

static bool same(ch_slice a, ch_slice b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* A numeric id: the integer's decimal text, or the string as given. */
static ch_slice id_of(ch_json_val v, char *buf, size_t cap)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return s;
    size_t n = ch_json_int_text(v, buf, cap);
    return (ch_slice){n ? buf : NULL, n};
}

/* prefix + id into buf; empty when the id is empty or too long. */
static ch_slice prefixed(ch_slice id, char *buf, size_t cap)
{
    size_t pn = sizeof COMMENT_PREFIX - 1;
    if (id.n == 0 || id.n + pn > cap)
        return (ch_slice){NULL, 0};
    memcpy(buf, COMMENT_PREFIX, pn);
    memcpy(buf + pn, id.p, id.n);
    return (ch_slice){buf, pn + id.n};
}

/* create_time: Unix seconds as a number, or text ch_time_parse reads. False when present but
 * not a time. */
static bool time_of(ch_json_val v, int64_t *out)
{
    int64_t i;
    double d;
    ch_slice s;
    switch (ch_json_type_of(v)) {
    case CH_JSON_NONE:
    case CH_JSON_NULL:
        return true;
    case CH_JSON_INT64:
        ch_json_int64(v, &i);
        *out = i;
        return true;
    case CH_JSON_DOUBLE:
        ch_json_double(v, &d);
        if (!(d > -1e13 && d < 1e13))
            return false;
        *out = (int64_t)d;
        return true;
    case CH_JSON_STRING:
        s = ch_jsonl_str(v);
        return ch_time_parse(s.p, s.n, out) == CHORUS_OK;
    default:
        return false;
    }
}

/* What an object is: the array holding it says (`hint`), else its keys. In a page's other
 * arrays (`in_page`: follower lists hold usernames too) a video needs its id; a line of its
 * own that looks like a video without one is a video missing its id. */
static item item_of(const fields *t, item hint, bool in_page)
{
    if (hint != I_NONE)
        return hint;
    if (ch_json_present(t->f[K_VIDEO_ID]) || ch_json_present(t->f[K_PARENT]))
        return I_COMMENT;
    bool id = ch_json_present(t->f[K_ID]), user = ch_json_present(t->f[K_USERNAME]);
    bool video = ch_json_present(t->f[K_CREATE_TIME]) || ch_json_present(t->f[K_DESC]) ||
                 ch_json_present(t->f[K_V2T]) || ch_json_present(t->f[K_TAGS]) ||
                 ch_json_present(t->f[K_TAGINFO]) || ch_json_present(t->f[K_MENTIONS]);
    if (in_page ? id && (video || user) : (id || user) && video)
        return I_VIDEO;
    return I_NONE;
}

/* Each string of an array (or its `field`, for arrays of objects), without a leading `mark`
 * ('#' or '@') when one is written. */
static void add_strings(ch_json_val arr, const char *field, char mark, ch_rawpost *r,
                        void (*add)(ch_rawpost *, const char *, size_t))
{
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(arr, &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_slice s = ch_jsonl_str(field ? ch_json_get(e, field) : e);
        if (s.n && s.p[0] == mark) {
            s.p++;
            s.n--;
        }
        add(r, s.p, s.n);
    }
}

static int bad_time(tt_reader *rd, ch_json_val v)
{
    ch_slice s = ch_jsonl_str(v);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME,
                            "create_time is not a Unix time%s%.*s%s", s.n ? " ('" : "",
                            (int)(s.n > 40 ? 40 : s.n), s.p ? s.p : "", s.n ? "')" : "");
}

static int do_video(tt_reader *rd, const fields *t)
{
    ch_rawpost *r = &rd->raw;
    char idbuf[24];
    ch_rawpost_clear(r);
    r->id = id_of(t->f[K_ID], idbuf, sizeof idbuf);
    r->author = ch_jsonl_str(t->f[K_USERNAME]);
    if (r->id.n && !r->author.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NO_AUTHOR,
                                "video %.*s has no username (ask the API for the username field)",
                                (int)r->id.n, r->id.p);
    if (!time_of(t->f[K_CREATE_TIME], &r->created_at))
        return bad_time(rd, t->f[K_CREATE_TIME]);

    ch_slice desc = ch_jsonl_str(t->f[K_DESC]), v2t = ch_jsonl_str(t->f[K_V2T]);
    r->text = desc;
    if (v2t.n) {
        size_t need = desc.n + sizeof SEP - 1 + v2t.n;
        if (ch_grow((void **)&rd->text, &rd->text_cap, need, 1))
            return CHORUS_ENOMEM;
        size_t k = 0;
        if (desc.n) {
            memcpy(rd->text, desc.p, desc.n);
            memcpy(rd->text + desc.n, SEP, sizeof SEP - 1);
            k = desc.n + sizeof SEP - 1;
        }
        memcpy(rd->text + k, v2t.p, v2t.n);
        r->text = (ch_slice){rd->text, k + v2t.n};
    }

    unsigned flags = CH_TXT_URLS;
    if (ch_json_type_of(t->f[K_TAGS]) == CH_JSON_ARRAY)
        add_strings(t->f[K_TAGS], NULL, '#', r, ch_rawpost_add_hashtag);
    else if (ch_json_type_of(t->f[K_TAGINFO]) == CH_JSON_ARRAY)
        add_strings(t->f[K_TAGINFO], "hashtag_name", '#', r, ch_rawpost_add_hashtag);
    else
        flags |= CH_TXT_HASHTAGS;
    if (ch_json_type_of(t->f[K_MENTIONS]) == CH_JSON_ARRAY)
        add_strings(t->f[K_MENTIONS], NULL, '@', r, ch_rawpost_add_mention);
    else
        flags |= CH_TXT_AT_MENTIONS;
    if (ch_text_entities(desc.p, desc.n, flags, &rd->ents, r))
        return CHORUS_ENOMEM;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

static int do_comment(tt_reader *rd, const fields *t)
{
    ch_rawpost *r = &rd->raw;
    char idraw[24], vidbuf[24], parentraw[24], idbuf[ID_MAX], refbuf[ID_MAX];
    ch_rawpost_clear(r);
    ch_slice id = id_of(t->f[K_ID], idraw, sizeof idraw);
    r->id = prefixed(id, idbuf, sizeof idbuf);
    if (id.n && !r->id.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_FIELD,
                                "comment id of %zu characters is not a TikTok id", id.n);
    r->author = ch_jsonl_str(t->f[K_USERNAME]);
    if (!time_of(t->f[K_CREATE_TIME], &r->created_at))
        return bad_time(rd, t->f[K_CREATE_TIME]);
    r->text = ch_jsonl_str(t->f[K_TEXT]);
    r->kind = CH_KIND_REPLY;
    ch_slice video = id_of(t->f[K_VIDEO_ID], vidbuf, sizeof vidbuf);
    ch_slice parent = id_of(t->f[K_PARENT], parentraw, sizeof parentraw);
    r->root_id = video;
    r->ref_id = parent.n && !same(parent, video) ? prefixed(parent, refbuf, sizeof refbuf) : video;
    if (r->id.n && !r->author.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NO_AUTHOR,
                                "comment %.*s has no author: the TikTok Research API does not "
                                "name commenters", (int)r->id.n, r->id.p);
    if (ch_text_entities(r->text.p, r->text.n, CH_TXT_URLS | CH_TXT_AT_MENTIONS | CH_TXT_HASHTAGS,
                         &rd->ents, r))
        return CHORUS_ENOMEM;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

/* A video or comment; `hint` is what the array holding it says it is. Counts it in *found
 * when it is one. */
static int do_item(tt_reader *rd, ch_json_val obj, item hint, size_t *found)
{
    fields t;
    ch_json_get_many(obj, keys, K__N, t.f);
    item what = item_of(&t, hint, true);
    if (what == I_NONE)
        return CHORUS_OK;
    ++*found;
    ch_ingest_tick(rd->ctx);
    return what == I_VIDEO ? do_video(rd, &t) : do_comment(rd, &t);
}

/* A response page: every array of objects under data. */
static int do_page(tt_reader *rd, const fields *t, size_t *found)
{
    int rc = CHORUS_OK;
    ch_json_iter it, ai;
    const char *k;
    size_t kn;
    ch_json_val v, e;
    ch_json_iter_init(t->f[K_DATA], &it);
    while (!rc && ch_json_obj_next(&it, &k, &kn, &v)) {
        if (ch_json_type_of(v) != CH_JSON_ARRAY)
            continue;
        item hint = kn == 6 && memcmp(k, "videos", 6) == 0     ? I_VIDEO
                    : kn == 8 && memcmp(k, "comments", 8) == 0 ? I_COMMENT
                                                               : I_NONE;
        ch_json_iter_init(v, &ai);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&ai, &e))
            if (ch_json_type_of(e) == CH_JSON_OBJECT)
                rc = do_item(rd, e, hint, found);
    }
    return rc;
}

/* Why a document holds nothing: an error response, or a page of something else. */
static int not_a_post(tt_reader *rd, ch_json_val root)
{
    ch_json_val err = ch_json_get(root, "error");
    ch_slice code = ch_jsonl_str(ch_json_get(err, "code"));
    ch_slice msg = ch_jsonl_str(ch_json_get(err, "message"));
    if (code.n && !(code.n == 2 && memcmp(code.p, "ok", 2) == 0))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a TikTok API error response ('%.*s': %.*s)",
                                (int)(code.n > 60 ? 60 : code.n), code.p,
                                (int)(msg.n > 120 ? 120 : msg.n), msg.p ? msg.p : "");
    if (ch_json_type_of(ch_json_get(root, "data")) == CH_JSON_OBJECT)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a TikTok response page without videos or comments");
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            "neither a TikTok video nor a comment");
}

static int do_object(tt_reader *rd, ch_json_val obj, size_t *found)
{
    fields t;
    ch_json_get_many(obj, keys, K__N, t.f);
    if (ch_json_type_of(t.f[K_DATA]) == CH_JSON_OBJECT)
        return do_page(rd, &t, found);
    item what = item_of(&t, I_NONE, false);
    if (what == I_NONE)
        return CHORUS_OK;
    ++*found;
    ch_ingest_tick(rd->ctx);
    return what == I_VIDEO ? do_video(rd, &t) : do_comment(rd, &t);
}

static int tt_line(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    tt_reader *rd = arg;
    size_t found = 0;
    int rc = CHORUS_OK;
    if (ch_json_type_of(root) == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(root, &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            if (ch_json_type_of(e) == CH_JSON_OBJECT)
                rc = do_object(rd, e, &found);
    } else if (ch_json_type_of(root) == CH_JSON_OBJECT) {
        rc = do_object(rd, root, &found);
    }
    if (rc || found)
        return rc;
    ch_ingest_tick(rd->ctx);
    return not_a_post(rd, root);
}

static int read(ch_ingest_ctx *ctx)
{
    tt_reader rd = {.ctx = ctx};
    int rc = ch_jsonl_each(ctx, tt_line, &rd, &rd.line);
    ch_free(rd.text);
    ch_txtbuf_free(&rd.ents);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (!s->json)
        return CH_SNIFF_NO;
    /* Research API field names; create_time is TikTok's (X and others say created_at). A
     * page is also a {"data": ...} object, which twitter-v2 claims below SURE. */
    if (ch_sniff_has_key(s, "video_description") || ch_sniff_has_key(s, "hashtag_names") ||
        ch_sniff_has_key(s, "voice_to_text") || ch_sniff_has_key(s, "parent_comment_id") ||
        ch_sniff_has_key(s, "video_mention_list") || ch_sniff_has_key(s, "hashtag_info_list") ||
        (ch_sniff_has_key(s, "create_time") &&
         (ch_sniff_has_key(s, "username") || ch_sniff_has_key(s, "video_id"))))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_tiktok = {
    .name = "tiktok",
    .aliases = (const char *const[]){"tiktok-research", NULL},
    .platform = "tiktok",
    .summary = "TikTok Research API video query and comment list responses (pages or objects)",
    .example = "{\"data\":{\"videos\":[{\"id\":7301234567890123456,\"username\":\"ana\","
               "\"create_time\":1677664800,\"video_description\":\"Hello #news\","
               "\"hashtag_names\":[\"news\"]}],\"cursor\":1,\"has_more\":false},"
               "\"error\":{\"code\":\"ok\",\"message\":\"\"}}",
    .sniff = sniff,
    .read = read,
};
