/* bsky_common.c — at:// URIs, records and profiles of the AT Protocol (see bsky_common.h). */
#include "ingest/bsky_common.h"

#include <string.h>

#include "chorus.h"
#include "core/timeparse.h"

#define LIT_IS(p, n, lit) ((n) == sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

ch_bsky_coll ch_bsky_collection(const char *nsid, size_t n)
{
    if (n < 14 || memcmp(nsid, "app.bsky.feed.", 14) != 0)
        return CH_BSKY_OTHER;
    if (LIT_IS(nsid, n, "app.bsky.feed.post"))
        return CH_BSKY_POST;
    if (LIT_IS(nsid, n, "app.bsky.feed.repost"))
        return CH_BSKY_REPOST;
    if (LIT_IS(nsid, n, "app.bsky.feed.like"))
        return CH_BSKY_LIKE;
    return CH_BSKY_OTHER;
}

bool ch_bsky_uri_parse(ch_slice s, ch_bsky_uri *out)
{
    memset(out, 0, sizeof *out);
    if (s.n <= 5 || memcmp(s.p, "at://", 5) != 0)
        return false;
    const char *p = s.p + 5, *end = s.p + s.n;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    out->authority = (ch_slice){p, (size_t)((slash ? slash : end) - p)};
    if (out->authority.n == 0)
        return false;
    if (!slash)
        return true;
    p = slash + 1;
    slash = memchr(p, '/', (size_t)(end - p));
    out->collection = (ch_slice){p, (size_t)((slash ? slash : end) - p)};
    if (slash) {
        p = slash + 1;
        /* the record key ends at a query or fragment, if a URI carries one */
        size_t k = 0;
        while (p + k < end && p[k] != '?' && p[k] != '#')
            k++;
        out->rkey = (ch_slice){p, k};
    }
    return true;
}

ch_slice ch_bsky_uri_make(char *buf, ch_slice did, ch_slice collection, ch_slice rkey)
{
    size_t need = 5 + did.n + 1 + collection.n + 1 + rkey.n;
    if (did.n == 0 || collection.n == 0 || rkey.n == 0 || need >= CH_BSKY_URI_MAX)
        return (ch_slice){NULL, 0};
    char *o = buf;
    memcpy(o, "at://", 5);
    o += 5;
    memcpy(o, did.p, did.n);
    o += did.n;
    *o++ = '/';
    memcpy(o, collection.p, collection.n);
    o += collection.n;
    *o++ = '/';
    memcpy(o, rkey.p, rkey.n);
    o += rkey.n;
    *o = '\0';
    return (ch_slice){buf, need};
}

bool ch_bsky_handle_ok(ch_slice h)
{
    return h.n > 0 && !LIT_IS(h.p, h.n, "handle.invalid");
}

/* The post at `uri` (already parsed into u) and its account: the DID as the id, or a handle
 * when the URI names one. */
static void ref_of(ch_slice uri, const ch_bsky_uri *u, ch_rawpost *r)
{
    r->ref_id = uri;
    if (u->authority.n > 4 && memcmp(u->authority.p, "did:", 4) == 0)
        r->ref_author_id = u->authority;
    else
        r->ref_author = u->authority;
}

static bool is_post_uri(ch_slice uri, ch_bsky_uri *u)
{
    return ch_bsky_uri_parse(uri, u) &&
           ch_bsky_collection(u->collection.p, u->collection.n) == CH_BSKY_POST;
}

static bool has(const ch_slice *arr, size_t n, ch_slice s)
{
    for (size_t i = 0; i < n; i++)
        if (arr[i].n == s.n && memcmp(arr[i].p, s.p, s.n) == 0)
            return true;
    return false;
}

static void add_url(ch_rawpost *r, ch_slice s)
{
    if (s.n && !has(r->urls, r->n_urls, s))
        ch_rawpost_add_url(r, s.p, s.n);
}

static void add_tag(ch_rawpost *r, ch_slice s)
{
    if (s.n && s.p[0] == '#') { /* the lexicon says without '#'; some clients add it */
        s.p++;
        s.n--;
    }
    if (s.n && !has(r->hashtags, r->n_hashtags, s))
        ch_rawpost_add_hashtag(r, s.p, s.n);
}

/* A mention: "@handle" as written at text[start, end), else the DID. */
static void add_mention(ch_rawpost *r, ch_json_val index, ch_slice did)
{
    int64_t b0 = -1, b1 = -1;
    ch_json_int64(ch_json_get(index, "byteStart"), &b0);
    ch_json_int64(ch_json_get(index, "byteEnd"), &b1);
    ch_slice h = {NULL, 0};
    if (b0 >= 0 && b1 > b0 + 1 && (uint64_t)b1 <= r->text.n && r->text.p[b0] == '@') {
        h = (ch_slice){r->text.p + b0 + 1, (size_t)(b1 - b0 - 1)};
        for (size_t i = 0; i < h.n; i++) {
            unsigned char ch = (unsigned char)h.p[i];
            if (ch <= ' ' || ch == '@') { /* not a handle: the range is off */
                h.n = 0;
                break;
            }
        }
    }
    ch_slice m = h.n ? h : did;
    if (m.n && !has(r->mentions, r->n_mentions, m))
        ch_rawpost_add_mention(r, m.p, m.n);
}

/* The feature's $type after "app.bsky.richtext.facet#" (or any prefix up to '#'). */
static ch_slice feature_kind(ch_json_val feature)
{
    ch_slice t = ch_bsky_str(ch_json_get(feature, "$type"));
    const char *hash = t.n ? memchr(t.p, '#', t.n) : NULL;
    if (!hash)
        return (ch_slice){NULL, 0};
    return (ch_slice){hash + 1, (size_t)(t.p + t.n - hash - 1)};
}

static void read_facets(ch_json_val facets, ch_rawpost *r)
{
    ch_json_iter it, fit;
    ch_json_val facet, feature;
    ch_bsky_arr(facets, &it);
    while (ch_json_arr_next(&it, &facet)) {
        ch_json_val index = ch_json_get(facet, "index");
        ch_bsky_arr(ch_json_get(facet, "features"), &fit);
        while (ch_json_arr_next(&fit, &feature)) {
            ch_slice k = feature_kind(feature);
            if (LIT_IS(k.p, k.n, "link"))
                add_url(r, ch_bsky_str(ch_json_get(feature, "uri")));
            else if (LIT_IS(k.p, k.n, "tag"))
                add_tag(r, ch_bsky_str(ch_json_get(feature, "tag")));
            else if (LIT_IS(k.p, k.n, "mention"))
                add_mention(r, index, ch_bsky_str(ch_json_get(feature, "did")));
        }
    }
}

/* The quoted post and the link card of an embed, by shape rather than by $type, so that a
 * record without $type (some tools drop it) reads the same:
 *   app.bsky.embed.record          {record: {uri, cid}}
 *   app.bsky.embed.recordWithMedia {record: {record: {uri, cid}}, media: {...}}
 *   app.bsky.embed.external        {external: {uri, title, ...}}
 * and recordWithMedia's media may itself be an external card. */
static void read_embed(ch_json_val embed, ch_rawpost *r, ch_bsky_rec *info)
{
    ch_json_val rec = ch_json_get(embed, "record");
    ch_slice q = ch_bsky_str(ch_json_get(rec, "uri"));
    if (!q.n)
        q = ch_bsky_str(ch_json_get(ch_json_get(rec, "record"), "uri"));
    ch_bsky_uri u;
    if (q.n && is_post_uri(q, &u))
        info->quote_uri = q;
    add_url(r, ch_bsky_str(ch_json_get(ch_json_get(embed, "external"), "uri")));
    add_url(r, ch_bsky_str(ch_json_path(embed, "media.external.uri")));
}

enum { R_TEXT, R_CREATED, R_LANGS, R_REPLY, R_EMBED, R_FACETS, R_TAGS, R_SUBJECT, R__N };

static const ch_json_key record_keys[R__N] = {
    [R_TEXT] = CH_JSON_KEY("text"),
    [R_CREATED] = CH_JSON_KEY("createdAt"),
    [R_LANGS] = CH_JSON_KEY("langs"),
    [R_REPLY] = CH_JSON_KEY("reply"),
    [R_EMBED] = CH_JSON_KEY("embed"),
    [R_FACETS] = CH_JSON_KEY("facets"),
    [R_TAGS] = CH_JSON_KEY("tags"),
    [R_SUBJECT] = CH_JSON_KEY("subject"),
};

void ch_bsky_record(ch_json_val rec, ch_bsky_coll coll, ch_rawpost *r, ch_bsky_rec *info)
{
    ch_json_val f[R__N];
    memset(info, 0, sizeof *info);
    ch_json_get_many(rec, record_keys, R__N, f);

    info->time = ch_bsky_str(f[R_CREATED]);
    info->has_time = info->time.n > 0;
    r->created_at = CH_UNKNOWN_I64;
    int64_t t;
    if (info->has_time && ch_time_parse(info->time.p, info->time.n, &t) == CHORUS_OK) {
        r->created_at = t;
        info->time_ok = true;
    }

    if (coll == CH_BSKY_REPOST || coll == CH_BSKY_LIKE) {
        r->kind = coll == CH_BSKY_REPOST ? CH_KIND_REPOST : CH_KIND_LIKE;
        ch_slice s = ch_bsky_str(ch_json_get(f[R_SUBJECT], "uri"));
        ch_bsky_uri u;
        if (!s.n)
            info->not_post = "no subject.uri";
        else if (!is_post_uri(s, &u))
            info->not_post = coll == CH_BSKY_LIKE ? "a like of something that is not a post"
                                                  : "a repost of something that is not a post";
        else
            ref_of(s, &u, r);
        return;
    }

    r->kind = CH_KIND_POST;
    r->text = ch_bsky_str(f[R_TEXT]);
    ch_json_val lang;
    ch_json_iter it;
    if (ch_bsky_arr(f[R_LANGS], &it) && ch_json_arr_next(&it, &lang))
        r->lang = ch_bsky_str(lang);
    if (ch_json_present(f[R_EMBED]))
        read_embed(f[R_EMBED], r, info);
    read_facets(f[R_FACETS], r);
    ch_json_val tag;
    ch_bsky_arr(f[R_TAGS], &it);
    while (ch_json_arr_next(&it, &tag))
        add_tag(r, ch_bsky_str(tag));

    ch_slice parent = ch_bsky_str(ch_json_path(f[R_REPLY], "parent.uri"));
    ch_bsky_uri u;
    if (parent.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = parent;
        if (ch_bsky_uri_parse(parent, &u))
            ref_of(parent, &u, r);
        r->root_id = ch_bsky_str(ch_json_path(f[R_REPLY], "root.uri"));
    } else if (info->quote_uri.n) {
        r->kind = CH_KIND_QUOTE;
        ch_bsky_uri_parse(info->quote_uri, &u);
        ref_of(info->quote_uri, &u, r);
    }
}

enum {
    P_DID, P_HANDLE, P_NAME, P_AVATAR, P_CREATED, P_DESC, P_FOLLOWERS, P_FOLLOWS, P_POSTS,
    P_VERIFICATION, P__N
};

static const ch_json_key profile_keys[P__N] = {
    [P_DID] = CH_JSON_KEY("did"),
    [P_HANDLE] = CH_JSON_KEY("handle"),
    [P_NAME] = CH_JSON_KEY("displayName"),
    [P_AVATAR] = CH_JSON_KEY("avatar"),
    [P_CREATED] = CH_JSON_KEY("createdAt"),
    [P_DESC] = CH_JSON_KEY("description"),
    [P_FOLLOWERS] = CH_JSON_KEY("followersCount"),
    [P_FOLLOWS] = CH_JSON_KEY("followsCount"),
    [P_POSTS] = CH_JSON_KEY("postsCount"),
    [P_VERIFICATION] = CH_JSON_KEY("verification"),
};

static int64_t count_of(ch_json_val v)
{
    int64_t x;
    return ch_json_int64(v, &x) && x >= 0 ? x : CH_UNKNOWN_I64;
}

void ch_bsky_author(ch_json_val profile, ch_rawpost *r)
{
    ch_json_val f[P__N];
    if (ch_json_type_of(profile) != CH_JSON_OBJECT)
        return;
    ch_json_get_many(profile, profile_keys, P__N, f);
    r->author_id = ch_bsky_str(f[P_DID]);
    ch_slice h = ch_bsky_str(f[P_HANDLE]);
    if (ch_bsky_handle_ok(h))
        r->author = h;
    r->meta.display_name = ch_bsky_str(f[P_NAME]);
    r->meta.description = ch_bsky_str(f[P_DESC]);
    ch_slice c = ch_bsky_str(f[P_CREATED]);
    int64_t t;
    if (c.n && ch_time_parse(c.p, c.n, &t) == CHORUS_OK)
        r->meta.created_at = t;
    /* A profile view names the avatar's URL when there is one; its absence is the default
     * picture, one of the signals of a throwaway account. */
    r->meta.default_profile_image = ch_json_present(f[P_AVATAR]) ? 0 : 1;
    /* counts: only in ProfileViewDetailed (getProfile, getProfiles) */
    r->meta.followers = count_of(f[P_FOLLOWERS]);
    r->meta.following = count_of(f[P_FOLLOWS]);
    r->meta.statuses = count_of(f[P_POSTS]);
    /* Bluesky's blue check (2025): verification.verifiedStatus "valid"; absent: unknown */
    ch_slice vs = ch_bsky_str(ch_json_get(f[P_VERIFICATION], "verifiedStatus"));
    if (vs.n)
        r->meta.verified = LIT_IS(vs.p, vs.n, "valid") ? 1 : 0;
    r->meta.present = r->meta.created_at != CH_UNKNOWN_I64 || ch_json_present(f[P_DID]);
}
