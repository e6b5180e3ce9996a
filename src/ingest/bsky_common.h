/*
 * bsky_common.h — what the Bluesky (AT Protocol) readers share: at:// URIs, the mapping of a
 * record (app.bsky.feed.post, .repost, .like) to the canonical post, and the author profile
 * of the AppView's views.
 *
 * The same record reaches chorus through Jetstream (read_jetstream.c), the AppView's JSON
 * views and com.atproto.repo record listings (read_bluesky.c); every source names a post by
 * its at:// URI (at://DID/app.bsky.feed.post/RKEY) and an account by its DID, so one post read
 * from two sources is one post, and its fields mean the same whichever reader found it.
 *
 * Record fields read (everything else is ignored, unknown keys included):
 *   post:   text, createdAt, langs[0], reply.parent.uri (-> reply, ref), reply.root.uri (-> root),
 *           embed app.bsky.embed.record .record.uri and app.bsky.embed.recordWithMedia
 *           .record.record.uri (-> quote, when it names an app.bsky.feed.post), embed.external
 *           .uri and recordWithMedia .media.external.uri (-> urls), facets[].features[]:
 *           #link .uri (-> urls), #tag .tag (-> hashtags), #mention (-> mentions: the handle as
 *           written in the text at the facet's UTF-8 byte range, without '@'; the mentioned DID
 *           when the range does not hold "@handle"), tags[] (-> hashtags).
 *   repost: subject.uri (-> repost of it), createdAt.
 *   like:   subject.uri (-> like of it), createdAt.
 * The referenced account is the authority of the referenced URI: its DID (ref_author_id), or
 * its handle (ref_author) when the URI names one. A URL or hashtag given twice (a link facet
 * and the link card of the same URL) is kept once.
 *
 * Nothing here allocates; every slice borrows from the parsed document.
 */
#ifndef CH_BSKY_COMMON_H
#define CH_BSKY_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "core/post.h"
#include "ingest/reader.h"

/* The collections that hold posts and engagements; everything else is CH_BSKY_OTHER. */
typedef enum ch_bsky_coll {
    CH_BSKY_OTHER = 0,
    CH_BSKY_POST,                /* app.bsky.feed.post */
    CH_BSKY_REPOST,              /* app.bsky.feed.repost */
    CH_BSKY_LIKE,                /* app.bsky.feed.like */
} ch_bsky_coll;

ch_bsky_coll ch_bsky_collection(const char *nsid, size_t n);

/* The parts of at://AUTHORITY/COLLECTION/RKEY (collection and rkey empty when absent). */
typedef struct ch_bsky_uri {
    ch_slice authority, collection, rkey;
} ch_bsky_uri;

/* Splits an at:// URI; false when s does not start with "at://" or names no authority. */
bool ch_bsky_uri_parse(ch_slice s, ch_bsky_uri *out);

/* Longest at:// URI a reader builds (from a DID, a collection and a record key). Real ones
 * are under 200 bytes; the protocol's limits allow more, and such URIs are refused. */
#define CH_BSKY_URI_MAX 1024

/* Writes "at://" did "/" collection "/" rkey into buf (CH_BSKY_URI_MAX bytes) and returns it;
 * an empty slice when it would not fit. */
ch_slice ch_bsky_uri_make(char *buf, ch_slice did, ch_slice collection, ch_slice rkey);

/* What ch_bsky_record found besides the fields it wrote into the post. */
typedef struct ch_bsky_rec {
    bool has_time;               /* createdAt present (a string) */
    bool time_ok;                /* ... and it parsed: r->created_at is set */
    ch_slice time;               /* createdAt as written, for messages */
    ch_slice quote_uri;          /* the quoted post (set even when the post is a reply) */
    const char *not_post;        /* non-NULL: the record holds no post engagement (a like or
                                    repost of something that is not a post, no subject):
                                    why, for the not_a_post message */
} ch_bsky_rec;

/* Maps record `rec` of collection `coll` (POST, REPOST or LIKE) into r: kind, text, lang,
 * created_at (CH_UNKNOWN_I64 unless createdAt parses), ref_id, root_id, ref_author_id /
 * ref_author, urls, hashtags, mentions. The caller sets id and author first and applies its
 * own time fallback after. Cost: one walk over the record's fields and its facets. */
void ch_bsky_record(ch_json_val rec, ch_bsky_coll coll, ch_rawpost *r, ch_bsky_rec *info);

/* Fills r's author from a profile view (ProfileViewBasic, ProfileView, ProfileViewDetailed:
 * did, handle, displayName, description, avatar, createdAt, and in the detailed view
 * followersCount, followsCount, postsCount, verification): author_id, author (not
 * "handle.invalid"), and the account snapshot: creation time, names, counts, whether it has a
 * profile picture (no `avatar` key: the default image), and verified when
 * verification.verifiedStatus is "valid". */
void ch_bsky_author(ch_json_val profile, ch_rawpost *r);

/* A handle worth keeping: non-empty and not the AppView's "handle.invalid" placeholder. */
bool ch_bsky_handle_ok(ch_slice h);

/* Starts iterating v when it is an array; false (and an empty iterator) for anything else, so
 * that an object where the lexicon has an array is not walked as one. */
static inline bool ch_bsky_arr(ch_json_val v, ch_json_iter *it)
{
    if (ch_json_type_of(v) != CH_JSON_ARRAY) {
        it->doc = NULL;
        it->i = it->end = 0;
        return false;
    }
    return ch_json_iter_init(v, it);
}

/* The string value of v, or an empty slice. */
static inline ch_slice ch_bsky_str(ch_json_val v)
{
    ch_slice s = {NULL, 0};
    ch_json_str(v, &s.p, &s.n);
    return s;
}

#endif
