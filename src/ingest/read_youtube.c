/*
 * read_youtube.c — reader for YouTube Data API v3 responses: commentThreads.list and
 * comments.list (comments as posts), videos.list and search.list (videos as posts of their
 * channels), as saved pages {"kind": "youtube#...ListResponse", "items": [...]} one per line
 * or pretty-printed, arrays of pages, or the resources alone, one per line. No real response
 * is available to the project: this follows the API reference (the commentThread, comment,
 * video and searchResult resources); docs/formats.md says so.
 *
 * Comments (snippet of a comment resource):
 *   id         the comment's `id` (a reply's is "<top-level id>.<suffix>"); video ids are 11
 *              characters and comment ids longer, so they never collide;
 *   author     authorChannelId.value (the "UC..." channel id) as the account id,
 *              authorDisplayName without its '@' as the handle (it has been the @handle since
 *              2023; older responses hold a display name);
 *   time       publishedAt (RFC 3339); updatedAt (an edit) is not used;
 *   text       textOriginal, else textDisplay (HTML unless textFormat=plainText: tags are
 *              dropped, <br> is a line break, entities decoded, and the href of an anchor
 *              whose text is a link is kept as a link; YouTube's anchors on timestamps,
 *              #tags and @handles are not links the author shared);
 *   kind       a top-level comment is a reply to its video (videoId; the thread's videoId
 *              when the comment lacks one), root_id the video, and the referenced account is
 *              the video's channel (channelId); a reply (parentId, or any comment in a
 *              thread's `replies`) is a reply to its parent comment, root_id the video (or
 *              the parent when no video is named), and inside a thread the referenced author
 *              is the top-level comment's. A top-level comment without a video (a channel
 *              discussion) is a post;
 *   entities   http(s) links, @handles and #tags in the text.
 * Videos (videos.list items, search results of kind youtube#video): id (`id`, or
 * id.videoId), snippet.channelId as the account, publishedAt, text = title, a blank line,
 * description; lang = defaultLanguage (else defaultAudioLanguage); links, @handles and #tags
 * of the title and description. The uploader's `tags` are keywords, not hashtags: not mapped;
 * nor are statistics, thumbnails and channelTitle (a display name, not a handle).
 * Other resources (channels, playlists, captions...) and error responses are not_a_post.
 *
 * Cost: one simdjson parse per line, one pass over each object's fields; no allocation per
 * record (buffers grow to the longest text).
 */
#define _GNU_SOURCE /* memmem */
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

#define SEP "\n\n"               /* between a video's title and description */
#define TEXT_FLAGS (CH_TXT_URLS | CH_TXT_AT_MENTIONS | CH_TXT_HASHTAGS)

typedef enum res { R_NONE = 0, R_LIST, R_THREAD, R_COMMENT, R_VIDEO, R_SEARCH, R_OTHER } res;

typedef struct yt_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;
    char *text;                  /* a video's title + SEP + description, or stripped HTML */
    size_t text_cap;
    ch_txtbuf ents;
} yt_reader;

/* Fields of a resource (or page), taken in one pass. */
enum { O_KIND, O_ID, O_SNIPPET, O_REPLIES, O_ITEMS, O_ERROR, O__N };
static const ch_json_key obj_keys[O__N] = {
    [O_KIND] = CH_JSON_KEY("kind"),
    [O_ID] = CH_JSON_KEY("id"),
    [O_SNIPPET] = CH_JSON_KEY("snippet"),
    [O_REPLIES] = CH_JSON_KEY("replies"),
    [O_ITEMS] = CH_JSON_KEY("items"),
    [O_ERROR] = CH_JSON_KEY("error"),
};

/* Fields of a snippet (of a comment, thread or video). */
enum {
    S_AUTHOR_ID, S_AUTHOR_NAME, S_TEXT_ORIGINAL, S_TEXT_DISPLAY, S_PUBLISHED, S_VIDEO_ID,
    S_PARENT_ID, S_CHANNEL_ID, S_TOP, S_TITLE, S_DESCRIPTION, S_LANG, S_AUDIO_LANG, S__N
};
static const ch_json_key snippet_keys[S__N] = {
    [S_AUTHOR_ID] = CH_JSON_KEY("authorChannelId"),
    [S_AUTHOR_NAME] = CH_JSON_KEY("authorDisplayName"),
    [S_TEXT_ORIGINAL] = CH_JSON_KEY("textOriginal"),
    [S_TEXT_DISPLAY] = CH_JSON_KEY("textDisplay"),
    [S_PUBLISHED] = CH_JSON_KEY("publishedAt"),
    [S_VIDEO_ID] = CH_JSON_KEY("videoId"),
    [S_PARENT_ID] = CH_JSON_KEY("parentId"),
    [S_CHANNEL_ID] = CH_JSON_KEY("channelId"),
    [S_TOP] = CH_JSON_KEY("topLevelComment"),
    [S_TITLE] = CH_JSON_KEY("title"),
    [S_DESCRIPTION] = CH_JSON_KEY("description"),
    [S_LANG] = CH_JSON_KEY("defaultLanguage"),
    [S_AUDIO_LANG] = CH_JSON_KEY("defaultAudioLanguage"),
};

typedef struct obj {
    ch_json_val o[O__N];
    ch_json_val s[S__N];
} obj;

static void scan(ch_json_val v, obj *x)
{
    ch_json_get_many(v, obj_keys, O__N, x->o);
    ch_json_get_many(x->o[O_SNIPPET], snippet_keys, S__N, x->s);
}

/* What a resource is: its kind, else its shape. */
static res res_of(const obj *x)
{
    ch_slice k = ch_jsonl_str(x->o[O_KIND]);
    if (k.n) {
        if (k.n > 12 && memcmp(k.p + k.n - 12, "ListResponse", 12) == 0)
            return R_LIST;
        if (ch_slice_is(k, "youtube#commentThread"))
            return R_THREAD;
        if (ch_slice_is(k, "youtube#comment"))
            return R_COMMENT;
        if (ch_slice_is(k, "youtube#video"))
            return R_VIDEO;
        if (ch_slice_is(k, "youtube#searchResult"))
            return R_SEARCH;
        return R_OTHER;
    }
    if (ch_json_type_of(x->o[O_ITEMS]) == CH_JSON_ARRAY)
        return R_LIST;
    if (ch_json_present(x->s[S_TOP]))
        return R_THREAD;
    if (ch_json_present(x->s[S_TEXT_ORIGINAL]) || ch_json_present(x->s[S_TEXT_DISPLAY]) ||
        ch_json_present(x->s[S_AUTHOR_ID]))
        return R_COMMENT;
    if (ch_json_present(x->s[S_TITLE]) && ch_json_present(x->s[S_CHANNEL_ID]))
        return ch_json_type_of(x->o[O_ID]) == CH_JSON_OBJECT ? R_SEARCH : R_VIDEO;
    return R_NONE;
}

static int bad_time(yt_reader *rd, ch_slice t)
{
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME, "unparseable publishedAt '%.*s'",
                            (int)(t.n > 64 ? 64 : t.n), t.p ? t.p : "");
}

static bool prefix_ci(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++)
        if ((s[i] | 0x20) != p[i])
            return false;
    return true;
}

/* The link of an anchor tag <a ... href="URL" ...> whose text (up to </a>) is itself a link:
 * YouTube also makes anchors of timestamps (to the video itself), #tags and @handles, and
 * those are not links the author shared. Writes the URL, &amp; undone, at *w. */
static void anchor_link(const char *tag, size_t tn, const char *rest, size_t rn, char *w,
                        ch_slice *out)
{
    *out = (ch_slice){NULL, 0};
    const char *h = memmem(tag, tn, "href=\"", 6);
    if (!h)
        return;
    const char *u = h + 6, *q = memchr(u, '"', (size_t)(tag + tn - u));
    if (!q || q == u)
        return;
    size_t an = rn;
    for (size_t i = 0; i + 4 <= rn; i++)
        if (rest[i] == '<' && prefix_ci(rest + i, rn - i, "</a>")) {
            an = i;
            break;
        }
    if (an == 0 || rest[0] == '#' || rest[0] == '@' || !memchr(rest, '.', an))
        return;
    size_t k = 0, un = (size_t)(q - u);
    for (size_t i = 0; i < un;) {
        if (u[i] == '&' && un - i >= 5 && memcmp(u + i, "&amp;", 5) == 0) {
            w[k++] = '&';
            i += 5;
        } else {
            w[k++] = u[i++];
        }
    }
    *out = (ch_slice){w, k};
}

/* textDisplay as HTML into the text buffer: tags dropped, <br> a line break (entities stay,
 * for the corpus to decode); the links of anchors go to the post (see anchor_link). */
static int strip_html(yt_reader *rd, ch_slice html, ch_rawpost *r)
{
    size_t cap;
    if (!ch_mul_ok(html.n, 2, &cap) || ch_grow((void **)&rd->text, &rd->text_cap, cap + 1, 1))
        return CHORUS_ENOMEM;
    size_t k = 0, links = html.n; /* text from 0, decoded links after html.n */
    for (size_t i = 0; i < html.n;) {
        if (html.p[i] != '<') {
            rd->text[k++] = html.p[i++];
            continue;
        }
        const char *gt = memchr(html.p + i, '>', html.n - i);
        if (!gt) { /* a lone '<' is text */
            rd->text[k++] = html.p[i++];
            continue;
        }
        size_t tag = (size_t)(gt - (html.p + i)) + 1;
        if (tag >= 3 && (html.p[i + 1] | 0x20) == 'b' && (html.p[i + 2] | 0x20) == 'r' &&
            (tag == 4 || html.p[i + 3] == ' ' || html.p[i + 3] == '/')) {
            rd->text[k++] = '\n';
        } else if (tag >= 4 && (html.p[i + 1] | 0x20) == 'a' && html.p[i + 2] == ' ') {
            ch_slice u;
            anchor_link(html.p + i, tag, html.p + i + tag, html.n - i - tag, rd->text + links, &u);
            links += u.n;
            ch_rawpost_add_url(r, u.p, u.n);
        }
        i += tag;
    }
    r->text = (ch_slice){rd->text, k};
    return CHORUS_OK;
}

/* The author of a comment snippet. */
static void author_of(const obj *x, ch_slice *id, ch_slice *handle)
{
    *id = ch_jsonl_str(ch_json_get(x->s[S_AUTHOR_ID], "value"));
    if (!id->n)
        *id = ch_jsonl_str(x->s[S_AUTHOR_ID]); /* a flattened export */
    *handle = ch_jsonl_str(x->s[S_AUTHOR_NAME]);
    if (handle->n && handle->p[0] == '@') {
        handle->p++;
        handle->n--;
    }
}

/* Where a comment sits: the thread it is part of (NULL for comments.list items). */
typedef struct thread_ctx {
    ch_slice video;              /* the thread's videoId */
    ch_slice channel;            /* the video's channel */
    ch_slice top_id, top_author_id, top_author;
} thread_ctx;

/* One comment. `reply`: it is in a thread's replies (a reply even without parentId). */
static int do_comment(yt_reader *rd, const obj *x, const thread_ctx *th, bool reply)
{
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = ch_jsonl_str(x->o[O_ID]);
    author_of(x, &r->author_id, &r->author);
    if (r->id.n && !r->author_id.n && !r->author.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NO_AUTHOR,
                                "comment %.*s has neither authorChannelId nor authorDisplayName",
                                (int)(r->id.n > 60 ? 60 : r->id.n), r->id.p);
    ch_slice t = ch_jsonl_str(x->s[S_PUBLISHED]);
    if (t.n && ch_time_parse(t.p, t.n, &r->created_at) != CHORUS_OK)
        return bad_time(rd, t);

    unsigned flags = TEXT_FLAGS;
    if (ch_json_present(x->s[S_TEXT_ORIGINAL])) {
        r->text = ch_jsonl_str(x->s[S_TEXT_ORIGINAL]);
    } else {
        ch_slice html = ch_jsonl_str(x->s[S_TEXT_DISPLAY]);
        if (memchr(html.p ? html.p : "", '<', html.n) || memchr(html.p ? html.p : "", '&', html.n)) {
            if (strip_html(rd, html, r))
                return CHORUS_ENOMEM;
            r->text_html_escaped = true;
            flags |= CH_TXT_ESCAPED;
        } else {
            r->text = html;
        }
    }

    ch_slice video = ch_jsonl_str(x->s[S_VIDEO_ID]), parent = ch_jsonl_str(x->s[S_PARENT_ID]);
    if (!video.n && th)
        video = th->video;
    if (reply && !parent.n && th)
        parent = th->top_id;
    if (parent.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = parent;
        r->root_id = video.n ? video : parent;
        if (th && parent.n == th->top_id.n && memcmp(parent.p, th->top_id.p, parent.n) == 0) {
            r->ref_author_id = th->top_author_id;
            r->ref_author = th->top_author;
        }
    } else if (video.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = video;
        r->root_id = video;
        r->ref_author_id = ch_jsonl_str(x->s[S_CHANNEL_ID]);
        if (!r->ref_author_id.n && th)
            r->ref_author_id = th->channel;
    }
    if (ch_text_entities(r->text.p, r->text.n, flags, &rd->ents, r))
        return CHORUS_ENOMEM;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

/* A comment thread: the top-level comment, then the replies it carries. */
static int do_thread(yt_reader *rd, const obj *x, size_t *found)
{
    obj top;
    scan(x->s[S_TOP], &top);
    thread_ctx th = {.video = ch_jsonl_str(x->s[S_VIDEO_ID]), .channel = ch_jsonl_str(x->s[S_CHANNEL_ID])};
    th.top_id = ch_jsonl_str(top.o[O_ID]);
    if (!th.top_id.n)
        th.top_id = ch_jsonl_str(x->o[O_ID]); /* the thread's id is its top-level comment's */
    author_of(&top, &th.top_author_id, &th.top_author);
    int rc = CHORUS_OK;
    if (ch_json_type_of(x->s[S_TOP]) == CH_JSON_OBJECT) {
        if (!ch_json_present(top.o[O_ID]))
            top.o[O_ID] = x->o[O_ID];
        ++*found;
        ch_ingest_tick(rd->ctx);
        if ((rc = do_comment(rd, &top, &th, false)))
            return rc;
    }
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(ch_json_get(x->o[O_REPLIES], "comments"), &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e)) {
        obj c;
        scan(e, &c);
        ++*found;
        ch_ingest_tick(rd->ctx);
        rc = do_comment(rd, &c, &th, true);
    }
    return rc;
}

static int do_video(yt_reader *rd, const obj *x, bool search)
{
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = search ? ch_jsonl_str(ch_json_get(x->o[O_ID], "videoId")) : ch_jsonl_str(x->o[O_ID]);
    r->author_id = ch_jsonl_str(x->s[S_CHANNEL_ID]);
    ch_slice t = ch_jsonl_str(x->s[S_PUBLISHED]);
    if (t.n && ch_time_parse(t.p, t.n, &r->created_at) != CHORUS_OK)
        return bad_time(rd, t);
    r->lang = ch_jsonl_str(x->s[S_LANG]);
    if (!r->lang.n)
        r->lang = ch_jsonl_str(x->s[S_AUDIO_LANG]);
    ch_slice title = ch_jsonl_str(x->s[S_TITLE]), desc = ch_jsonl_str(x->s[S_DESCRIPTION]);
    if (title.n && desc.n) {
        size_t need = title.n + sizeof SEP - 1 + desc.n;
        if (ch_grow((void **)&rd->text, &rd->text_cap, need, 1))
            return CHORUS_ENOMEM;
        memcpy(rd->text, title.p, title.n);
        memcpy(rd->text + title.n, SEP, sizeof SEP - 1);
        memcpy(rd->text + title.n + sizeof SEP - 1, desc.p, desc.n);
        r->text = (ch_slice){rd->text, need};
    } else {
        r->text = title.n ? title : desc;
    }
    if (ch_text_entities(r->text.p, r->text.n, TEXT_FLAGS, &rd->ents, r))
        return CHORUS_ENOMEM;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

static int not_a_post(yt_reader *rd, const obj *x)
{
    ch_json_val err = x->o[O_ERROR];
    if (ch_json_type_of(err) == CH_JSON_OBJECT) {
        char code[24];
        size_t cn = ch_json_int_text(ch_json_get(err, "code"), code, sizeof code);
        ch_slice msg = ch_jsonl_str(ch_json_get(err, "message"));
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a YouTube API error response (%.*s: %.*s)", (int)cn, code,
                                (int)(msg.n > 120 ? 120 : msg.n), msg.p ? msg.p : "");
    }
    ch_slice k = ch_jsonl_str(x->o[O_KIND]);
    if (k.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "not a post (a YouTube resource of kind '%.*s')",
                                (int)(k.n > 60 ? 60 : k.n), k.p);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            "neither a YouTube comment, comment thread nor video");
}

/* One resource; a list page's items are followed one level. */
static int do_resource(yt_reader *rd, ch_json_val v, bool allow_list, size_t *found)
{
    obj x;
    scan(v, &x);
    switch (res_of(&x)) {
    case R_LIST: {
        if (!allow_list)
            return CHORUS_OK;
        int rc = CHORUS_OK;
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(x.o[O_ITEMS], &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            rc = do_resource(rd, e, false, found);
        return rc;
    }
    case R_THREAD:
        return do_thread(rd, &x, found);
    case R_COMMENT:
        ++*found;
        ch_ingest_tick(rd->ctx);
        return do_comment(rd, &x, NULL, false);
    case R_SEARCH:
        if (!ch_jsonl_str(ch_json_get(x.o[O_ID], "videoId")).n)
            return CHORUS_OK; /* a channel or playlist result */
        ++*found;
        ch_ingest_tick(rd->ctx);
        return do_video(rd, &x, true);
    case R_VIDEO:
        ++*found;
        ch_ingest_tick(rd->ctx);
        return do_video(rd, &x, false);
    default:
        return CHORUS_OK;
    }
}

static int yt_line(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    yt_reader *rd = arg;
    size_t found = 0;
    int rc = CHORUS_OK;
    if (ch_json_type_of(root) == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(root, &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            rc = do_resource(rd, e, true, &found);
    } else {
        rc = do_resource(rd, root, true, &found);
    }
    if (rc || found)
        return rc;
    ch_ingest_tick(rd->ctx);
    obj x;
    scan(ch_json_type_of(root) == CH_JSON_OBJECT ? root : (ch_json_val){0}, &x);
    return not_a_post(rd, &x);
}

static int read(ch_ingest_ctx *ctx)
{
    yt_reader rd = {.ctx = ctx};
    int rc = ch_jsonl_each(ctx, yt_line, &rd, &rd.line);
    ch_free(rd.text);
    ch_txtbuf_free(&rd.ents);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (!s->json)
        return CH_SNIFF_NO;
    if (memmem(s->line, s->line_len, "\"youtube#", 9) || ch_sniff_has_key(s, "topLevelComment") ||
        ch_sniff_has_key(s, "authorChannelId") || ch_sniff_has_key(s, "textOriginal"))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_youtube = {
    .name = "youtube",
    .aliases = (const char *const[]){"youtube-data-api", "yt", NULL},
    .platform = "youtube",
    .summary = "YouTube Data API v3 commentThreads.list, comments.list and videos.list responses",
    .example = "{\"kind\":\"youtube#commentThread\",\"id\":\"Ugw1\",\"snippet\":{\"videoId\":"
               "\"dQw4w9WgXcQ\",\"channelId\":\"UCv1\",\"topLevelComment\":{\"kind\":"
               "\"youtube#comment\",\"id\":\"Ugw1\",\"snippet\":{\"authorDisplayName\":\"@ana\","
               "\"authorChannelId\":{\"value\":\"UCa1\"},\"textOriginal\":\"Hello\","
               "\"publishedAt\":\"2023-03-01T10:00:00Z\"}}}}",
    .sniff = sniff,
    .read = read,
};
