/*
 * read_bluesky.c — reader for what the Bluesky AppView and the AT Protocol repository API
 * return, as collectors (atproto SDKs, bskyr, curl) save it: one response per line, or one
 * pretty-printed response per file, or a JSON array of responses.
 *
 * Responses read:
 *   - feeds {feed: [FeedViewPost], cursor}: getAuthorFeed, getTimeline, getListFeed, getFeed,
 *     getActorLikes; a FeedViewPost is {post: PostView, reply?: {root, parent}, reason?};
 *   - post lists {posts: [PostView]}: searchPosts, getQuotes, getPosts;
 *   - threads {thread: threadViewPost {post, parent?, replies?[]}}: getPostThread; the
 *     parents and replies are followed CH_BSKY_THREAD_DEPTH levels each way;
 *   - records {uri, cid, value}: getRecord, and {records: [...]}: listRecords;
 *   - a single PostView or FeedViewPost;
 *   - Bluesky automod captures {accountMeta: {Identity, Profile, FollowersCount, FollowsCount,
 *     PostsCount}, postRecords: [{uri, cid, value}]}: the account and its posts;
 *   - decoded firehose messages (com.atproto.sync.subscribeRepos in DAG-JSON, as indigo writes
 *     them): see "Firehose" below;
 *   - DID documents {id: DID, alsoKnownAs: ["at://HANDLE"], ...} as plc.directory serves them,
 *     alone or as an object DID -> document: they hold no post, but give the accounts their
 *     handles (ch_corpus_set_handle), which Jetstream's commit events do not name; each
 *     document counts as not_a_post.
 *   - profiles: getProfile (a ProfileViewDetailed), getProfiles {profiles}, getFollows /
 *     getFollowers {subject, follows|followers}, searchActors {actors}. They hold no post
 *     (each profile counts as not_a_post) but give their accounts a handle and a profile
 *     snapshot (ch_corpus_set_profile): follower, follow and post counts, creation time,
 *     verification, names, default picture; Jetstream gives none of these, so a scan of
 *     Jetstream events with the getProfiles pages of their accounts sees what a scan of X
 *     data sees.
 *
 * A PostView {uri, author, record, embed, indexedAt} is the post at `uri` by `author` (did,
 * handle, and the account snapshot of bsky_common.h); `record` is the raw record, mapped as
 * from Jetstream (bsky_common.h), so a post reads the same from both. Time: record.createdAt,
 * else indexedAt. The handles of quoted and replied-to authors come from the hydrated views
 * (embed app.bsky.embed.record#view / recordWithMedia#view, reply.parent).
 *
 * Posts shown inside a view are real posts with known authors and times, and are emitted
 * first, as context, before the post that shows them: a FeedViewPost's reply.root and
 * reply.parent, and a quoted post (embed #view's viewRecord {uri, author, value}, its own
 * quotes CH_BSKY_EMBED_DEPTH levels deep). The corpus keeps the first copy of an id, and a
 * context post that lacks an author or a time is dropped silently, as it is not the record.
 * Not-found, blocked and detached posts are skipped.
 *
 * Reposts: a FeedViewPost with reason app.bsky.feed.defs#reasonRepost is the feed owner's
 * repost (reason.by) of `post`, at reason.indexedAt; the reposted post itself is context. Its
 * id is reason.uri (the repost record's at:// URI, which Jetstream gives the same repost)
 * when the AppView includes it, else "<post uri>#repost-by-<did>" (one repost per account and
 * post). A pinned post (reasonPin) is just the post.
 *
 * Records {uri, cid, value}: the collection of `uri` (else value.$type) decides: post,
 * repost, like, or not_a_post for any other record (follows, profiles). Author: the DID of
 * `uri`; time: value.createdAt only (no other time is given).
 *
 * Firehose: a #commit body is {repo, rev, seq, time, ops: [{action, path, cid: {$link}}],
 * blocks: {$bytes: base64 CAR}, ...}. Each op is one record: `path` is COLLECTION/RKEY in the
 * repository `repo` (a DID), so its URI is at://{repo}/{path}, the id Jetstream and the
 * AppView give the same record. What the JSON alone gives, and what is done with it:
 *   - delete of a post, repost or like: counted under `deleted` with its URI, as Jetstream's
 *     deletes are (a deletion needs no record body);
 *   - create / update of a post, repost or like: the record itself (text, subject, reply,
 *     createdAt) is only inside `blocks`, a CAR file of DAG-CBOR blocks, which is not
 *     decoded: the op is counted as not_a_post with a message saying so, since without its
 *     body it is neither a post (no text) nor a repost or like (no subject);
 *   - ops on other collections (follows, blocks, profiles): not_a_post;
 *   - #identity bodies {did, seq, time, handle}: the account's handle, as from Jetstream;
 *     #account bodies: not_a_post.
 * Why the CAR is not decoded: it takes four encodings (base64, CAR v1 framing with varints,
 * binary and base32 CIDs, DAG-CBOR), of which only CBOR has a Debian library, for a layout
 * that collectors do not keep: the same events with their records decoded are what Jetstream
 * serves (read_jetstream.c). See docs/formats.md.
 *
 * Cost: one parse per document, one pass over each object's fields; no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/bsky_common.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define CH_BSKY_EMBED_DEPTH 4     /* a quote of a quote of ... */
#define CH_BSKY_THREAD_DEPTH 64   /* parents above and replies below a thread's post */

#define LIT_IS(s, lit) ((s).n == sizeof(lit) - 1 && memcmp((s).p, (lit), sizeof(lit) - 1) == 0)

typedef struct bs_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    size_t found;                 /* records of the current document */
    ch_rawpost raw;               /* refilled for every post */
    char uri[CH_BSKY_URI_MAX + 64]; /* a repost id made up from the post and the reposter, or
                                       the URI of a firehose op */
} bs_reader;

static int cut(size_t n)
{
    return (int)(n > 80 ? 80 : n);
}

static bool ends_with(ch_slice s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

/* Emits r: the document's own record always (the corpus reports what it lacks), a context
 * post only when complete. */
static int emit(bs_reader *rd, const ch_rawpost *r, bool top)
{
    if (!top && (!r->id.n || (!r->author_id.n && !r->author.n) || r->created_at == CH_UNKNOWN_I64))
        return CHORUS_OK;
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

static int reject(bs_reader *rd, bool top, ch_reason why, const char *msg, ch_slice what)
{
    if (!top)
        return CHORUS_OK;
    return ch_ingest_reject(rd->ctx, rd->line, why, "%s%s%.*s", msg, what.n ? ": " : "",
                            cut(what.n), what.p ? what.p : "");
}

/* ---- post views --------------------------------------------------------------------------- */

enum { V_URI, V_AUTHOR, V_RECORD, V_VALUE, V_EMBED, V_EMBEDS, V_INDEXED, V_TYPE, V__N };

static const ch_json_key view_keys[V__N] = {
    [V_URI] = CH_JSON_KEY("uri"),
    [V_AUTHOR] = CH_JSON_KEY("author"),
    [V_RECORD] = CH_JSON_KEY("record"),
    [V_VALUE] = CH_JSON_KEY("value"),
    [V_EMBED] = CH_JSON_KEY("embed"),
    [V_EMBEDS] = CH_JSON_KEY("embeds"),
    [V_INDEXED] = CH_JSON_KEY("indexedAt"),
    [V_TYPE] = CH_JSON_KEY("$type"),
};

/* The post shown by an embed view: app.bsky.embed.record#view {record: viewRecord} or
 * recordWithMedia#view {record: {record: viewRecord}}. */
static ch_json_val embedded_view(ch_json_val embed)
{
    ch_json_val r1 = ch_json_get(embed, "record");
    if (ch_json_present(ch_json_get(r1, "uri")))
        return r1;
    ch_json_val r2 = ch_json_get(r1, "record");
    if (ch_json_present(ch_json_get(r2, "uri")))
        return r2;
    return (ch_json_val){0};
}

/* The quoted post of a PostView (embed) or of a viewRecord (embeds[]). */
static ch_json_val quoted_view(const ch_json_val *v)
{
    if (ch_json_present(v[V_EMBED]))
        return embedded_view(v[V_EMBED]);
    ch_json_iter it;
    ch_json_val e;
    ch_bsky_arr(v[V_EMBEDS], &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_json_val q = embedded_view(e);
        if (ch_json_present(q))
            return q;
    }
    return (ch_json_val){0};
}

static bool view_missing(const ch_json_val *v)
{
    ch_slice t = ch_bsky_str(v[V_TYPE]);
    return ends_with(t, "#notFoundPost") || ends_with(t, "#blockedPost") ||
           ends_with(t, "#viewNotFound") || ends_with(t, "#viewBlocked") ||
           ends_with(t, "#viewDetached");
}

/* Emits a PostView or viewRecord `view` (after the post it quotes). `parent` is the view of
 * the post it replies to, when the response shows it (for the replied-to handle). */
static int do_view(bs_reader *rd, ch_json_val view, ch_json_val parent, int depth, bool top)
{
    ch_json_val v[V__N];
    int rc = CHORUS_OK;
    if (ch_json_type_of(view) != CH_JSON_OBJECT)
        return reject(rd, top, CH_R_NOT_POST, "not a post view", (ch_slice){0});
    ch_json_get_many(view, view_keys, V__N, v);
    ch_slice uri = ch_bsky_str(v[V_URI]);
    if (view_missing(v))
        return reject(rd, top, CH_R_NOT_POST, "a post that is not found or blocked", uri);
    ch_bsky_uri u;
    if (ch_bsky_uri_parse(uri, &u) &&
        ch_bsky_collection(u.collection.p, u.collection.n) != CH_BSKY_POST)
        return reject(rd, top, CH_R_NOT_POST, "not a post", uri);
    ch_json_val record = ch_json_present(v[V_RECORD]) ? v[V_RECORD] : v[V_VALUE];

    ch_json_val quoted = quoted_view(v);
    if (depth < CH_BSKY_EMBED_DEPTH && ch_json_present(quoted) &&
        (rc = do_view(rd, quoted, (ch_json_val){0}, depth + 1, false)))
        return rc;

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = uri;
    ch_bsky_author(v[V_AUTHOR], r);
    ch_bsky_rec info;
    ch_bsky_record(record, CH_BSKY_POST, r, &info);
    /* the handles of the accounts quoted or replied to, as the view shows them */
    ch_json_val shown = r->kind == CH_KIND_QUOTE ? quoted : r->kind == CH_KIND_REPLY ? parent
                                                                                    : (ch_json_val){0};
    ch_slice shown_uri = ch_bsky_str(ch_json_get(shown, "uri"));
    if (shown_uri.n == r->ref_id.n && shown_uri.n && memcmp(shown_uri.p, r->ref_id.p, shown_uri.n) == 0) {
        ch_slice h = ch_bsky_str(ch_json_path(shown, "author.handle"));
        if (ch_bsky_handle_ok(h))
            r->ref_author = h;
    }
    if (!info.time_ok) {
        ch_slice ix = ch_bsky_str(v[V_INDEXED]);
        int64_t t;
        if (ix.n && ch_time_parse(ix.p, ix.n, &t) == CHORUS_OK)
            r->created_at = t;
        else if (info.has_time)
            return reject(rd, top, CH_R_BAD_TIME, "bad createdAt", info.time);
    }
    return emit(rd, r, top);
}

/* ---- feeds -------------------------------------------------------------------------------- */

/* The feed owner's repost of `post` (reason #reasonRepost). */
static int do_repost(bs_reader *rd, ch_json_val reason, ch_json_val post)
{
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    ch_bsky_author(ch_json_get(reason, "by"), r);
    ch_slice subject = ch_bsky_str(ch_json_get(post, "uri"));
    r->id = ch_bsky_str(ch_json_get(reason, "uri"));
    if (!r->id.n && subject.n && r->author_id.n &&
        subject.n + r->author_id.n + 16 < sizeof rd->uri) {
        int n = snprintf(rd->uri, sizeof rd->uri, "%.*s#repost-by-%.*s", (int)subject.n,
                         subject.p, (int)r->author_id.n, r->author_id.p);
        r->id = (ch_slice){rd->uri, (size_t)n};
    }
    r->kind = CH_KIND_REPOST;
    r->ref_id = subject;
    r->ref_author_id = ch_bsky_str(ch_json_path(post, "author.did"));
    ch_slice h = ch_bsky_str(ch_json_path(post, "author.handle"));
    if (ch_bsky_handle_ok(h))
        r->ref_author = h;
    ch_slice t = ch_bsky_str(ch_json_get(reason, "indexedAt"));
    int64_t when;
    if (t.n && ch_time_parse(t.p, t.n, &when) == CHORUS_OK)
        r->created_at = when;
    else if (t.n)
        return reject(rd, true, CH_R_BAD_TIME, "bad reason.indexedAt", t);
    return emit(rd, r, true);
}

/* A FeedViewPost {post, reply?, reason?}. */
static int do_feed_item(bs_reader *rd, ch_json_val item)
{
    int rc;
    ch_ingest_tick(rd->ctx);
    rd->found++;
    ch_json_val post = ch_json_get(item, "post"), reply = ch_json_get(item, "reply");
    ch_json_val reason = ch_json_get(item, "reason");
    ch_json_val parent = ch_json_get(reply, "parent");
    if ((rc = do_view(rd, ch_json_get(reply, "root"), (ch_json_val){0}, 1, false)) ||
        (rc = do_view(rd, parent, (ch_json_val){0}, 1, false)))
        return rc;
    if (ends_with(ch_bsky_str(ch_json_get(reason, "$type")), "#reasonRepost") ||
        (ch_json_present(ch_json_get(reason, "by")) && !ch_json_present(ch_json_get(reason, "$type")))) {
        if ((rc = do_view(rd, post, parent, 0, false)))
            return rc;
        return do_repost(rd, reason, post);
    }
    if (!ch_json_present(post))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "a feed item without a post");
    return do_view(rd, post, parent, 0, true);
}

static int do_post_view(bs_reader *rd, ch_json_val view)
{
    ch_ingest_tick(rd->ctx);
    rd->found++;
    return do_view(rd, view, (ch_json_val){0}, 0, true);
}

/* ---- threads ------------------------------------------------------------------------------ */

static bool thread_node_missing(ch_json_val node)
{
    ch_slice t = ch_bsky_str(ch_json_get(node, "$type"));
    return ch_json_type_of(node) != CH_JSON_OBJECT || ends_with(t, "#notFoundPost") ||
           ends_with(t, "#blockedPost") || !ch_json_present(ch_json_get(node, "post"));
}

/* The parents of a thread's post, the root first. */
static int do_thread_up(bs_reader *rd, ch_json_val node, int depth)
{
    int rc;
    if (thread_node_missing(node))
        return CHORUS_OK;
    ch_json_val parent = ch_json_get(node, "parent");
    if (depth < CH_BSKY_THREAD_DEPTH && (rc = do_thread_up(rd, parent, depth + 1)))
        return rc;
    ch_ingest_tick(rd->ctx);
    rd->found++;
    return do_view(rd, ch_json_get(node, "post"), ch_json_get(parent, "post"), 0, true);
}

/* A thread's post and its replies below it. `parent_post` is the PostView above it. */
static int do_thread_down(bs_reader *rd, ch_json_val node, ch_json_val parent_post, int depth)
{
    int rc;
    if (thread_node_missing(node))
        return CHORUS_OK;
    ch_json_val post = ch_json_get(node, "post");
    ch_ingest_tick(rd->ctx);
    rd->found++;
    if ((rc = do_view(rd, post, parent_post, 0, true)))
        return rc;
    if (depth >= CH_BSKY_THREAD_DEPTH)
        return CHORUS_OK;
    ch_json_iter it;
    ch_json_val reply;
    ch_bsky_arr(ch_json_get(node, "replies"), &it);
    while (!rd->ctx->stop && ch_json_arr_next(&it, &reply))
        if ((rc = do_thread_down(rd, reply, post, depth + 1)))
            return rc;
    return CHORUS_OK;
}

static int do_thread(bs_reader *rd, ch_json_val thread)
{
    int rc;
    ch_json_val parent = ch_json_get(thread, "parent");
    if ((rc = do_thread_up(rd, parent, 1)))
        return rc;
    return do_thread_down(rd, thread, ch_json_get(parent, "post"), 0);
}

/* ---- records ------------------------------------------------------------------------------ */

/* The account of an automod capture, for every record of it. */
typedef struct bs_account {
    ch_slice did, handle, name, description;
    int64_t followers, following, posts;
    int8_t has_avatar;            /* -1 unknown */
} bs_account;

static int64_t count_of(ch_json_val v)
{
    int64_t x;
    return ch_json_int64(v, &x) && x >= 0 ? x : CH_UNKNOWN_I64;
}

static void read_account_meta(ch_json_val meta, bs_account *a)
{
    ch_json_val id = ch_json_get(meta, "Identity"), profile = ch_json_get(meta, "Profile");
    a->did = ch_bsky_str(ch_json_get(id, "DID"));
    a->handle = ch_bsky_str(ch_json_get(id, "Handle"));
    a->name = ch_bsky_str(ch_json_get(profile, "DisplayName"));
    a->description = ch_bsky_str(ch_json_get(profile, "Description"));
    a->followers = count_of(ch_json_get(meta, "FollowersCount"));
    a->following = count_of(ch_json_get(meta, "FollowsCount"));
    a->posts = count_of(ch_json_get(meta, "PostsCount"));
    bool b;
    a->has_avatar = ch_json_bool(ch_json_get(profile, "HasAvatar"), &b) ? (int8_t)b : -1;
}

/* A record {uri, cid, value}; `acct` is the capture's account, or NULL. */
static int do_record(bs_reader *rd, ch_json_val obj, const bs_account *acct)
{
    ch_ingest_tick(rd->ctx);
    rd->found++;
    ch_slice uri = ch_bsky_str(ch_json_get(obj, "uri"));
    ch_json_val value = ch_json_get(obj, "value");
    ch_bsky_uri u = {0};
    ch_bsky_uri_parse(uri, &u);
    ch_slice coll = u.collection.n ? u.collection : ch_bsky_str(ch_json_get(value, "$type"));
    ch_bsky_coll kind = ch_bsky_collection(coll.p, coll.n);
    if (kind == CH_BSKY_OTHER)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "%.*s record: not a post",
                                cut(coll.n), coll.p ? coll.p : "?");
    if (ch_json_type_of(value) != CH_JSON_OBJECT)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_FIELD, "record %.*s without a value",
                                cut(uri.n), uri.p ? uri.p : "");
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = uri;
    if (u.authority.n > 4 && memcmp(u.authority.p, "did:", 4) == 0)
        r->author_id = u.authority;
    else
        r->author = u.authority;
    if (acct) {
        if (acct->did.n)
            r->author_id = acct->did;
        if (ch_bsky_handle_ok(acct->handle))
            r->author = acct->handle;
        r->meta.followers = acct->followers;
        r->meta.following = acct->following;
        r->meta.statuses = acct->posts;
        r->meta.display_name = acct->name;
        r->meta.description = acct->description;
        r->meta.default_profile_image = acct->has_avatar < 0 ? -1 : !acct->has_avatar;
        r->meta.present = acct->followers != CH_UNKNOWN_I64 || acct->following != CH_UNKNOWN_I64 ||
                          acct->has_avatar >= 0;
    }
    ch_bsky_rec info;
    ch_bsky_record(value, kind, r, &info);
    if (info.not_post)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "%.*s: %s", cut(uri.n),
                                uri.p ? uri.p : "", info.not_post);
    if (info.has_time && !info.time_ok)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME, "bad createdAt '%.*s'",
                                cut(info.time.n), info.time.p);
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

/* ---- firehose messages -------------------------------------------------------------------- */

static int do_firehose_op(bs_reader *rd, ch_slice repo, ch_json_val op)
{
    ch_ingest_ctx *ctx = rd->ctx;
    ch_ingest_tick(ctx);
    rd->found++;
    ch_slice action = ch_bsky_str(ch_json_get(op, "action"));
    ch_slice path = ch_bsky_str(ch_json_get(op, "path"));
    const char *slash = path.n ? memchr(path.p, '/', path.n) : NULL;
    if (!slash || !action.n)
        return ch_ingest_reject(ctx, rd->line, CH_R_BAD_FIELD,
                                "a firehose op without an action or a COLLECTION/RKEY path");
    ch_slice coll = {path.p, (size_t)(slash - path.p)};
    ch_slice rkey = {slash + 1, (size_t)(path.p + path.n - slash - 1)};
    if (ch_bsky_collection(coll.p, coll.n) == CH_BSKY_OTHER)
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "%.*s %.*s: not a post",
                                cut(coll.n), coll.p, cut(action.n), action.p);
    ch_slice uri = ch_bsky_uri_make(rd->uri, repo, coll, rkey);
    if (!uri.n)
        return ch_ingest_reject(ctx, rd->line, repo.n ? CH_R_BAD_FIELD : CH_R_NO_AUTHOR,
                                "a firehose op whose at:// URI cannot be made (repo '%.*s')",
                                cut(repo.n), repo.p ? repo.p : "");
    if (LIT_IS(action, "delete"))
        return ch_ingest_reject(ctx, rd->line, CH_R_DELETED, "deleted %.*s", (int)uri.n, uri.p);
    return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST,
                            "firehose %.*s of %.*s: the record is only in the commit's CAR "
                            "blocks, which are not decoded (read the same events from Jetstream)",
                            cut(action.n), action.p, (int)uri.n, uri.p);
}

/* A #commit body (ops), or an #identity / #account body {did, seq, time, handle?}. */
static int do_firehose(bs_reader *rd, ch_json_val msg, ch_json_val ops)
{
    ch_ingest_ctx *ctx = rd->ctx;
    if (ch_json_type_of(ops) == CH_JSON_ARRAY) {
        ch_slice repo = ch_bsky_str(ch_json_get(msg, "repo"));
        ch_json_iter it;
        ch_json_val op;
        int rc = CHORUS_OK;
        ch_bsky_arr(ops, &it);
        while (!rc && !ctx->stop && ch_json_arr_next(&it, &op))
            rc = do_firehose_op(rd, repo, op);
        return rc;
    }
    ch_ingest_tick(ctx);
    rd->found++;
    ch_slice did = ch_bsky_str(ch_json_get(msg, "did"));
    ch_slice handle = ch_bsky_str(ch_json_get(msg, "handle"));
    if (did.n && ch_bsky_handle_ok(handle)) {
        int rc = ch_corpus_set_handle(ctx->corpus, ctx->file, did, handle);
        if (rc)
            return rc;
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "#identity: %.*s is %.*s",
                                cut(did.n), did.p, cut(handle.n), handle.p);
    }
    return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "a firehose #identity or #account "
                            "message");
}

/* ---- DID documents ------------------------------------------------------------------------ */

/* A DID document: the handle is the first alsoKnownAs entry "at://HANDLE". `did` is the key
 * the document was found under (a DID -> document map), or empty. */
static int do_did_doc(bs_reader *rd, ch_json_val doc, ch_slice did)
{
    ch_ingest_ctx *ctx = rd->ctx;
    ch_ingest_tick(ctx);
    rd->found++;
    ch_slice id = ch_bsky_str(ch_json_get(doc, "id"));
    if (id.n)
        did = id;
    ch_slice handle = {NULL, 0};
    ch_json_iter it;
    ch_json_val aka;
    ch_bsky_arr(ch_json_get(doc, "alsoKnownAs"), &it);
    while (!handle.n && ch_json_arr_next(&it, &aka)) {
        ch_slice a = ch_bsky_str(aka);
        if (a.n > 5 && memcmp(a.p, "at://", 5) == 0)
            handle = (ch_slice){a.p + 5, a.n - 5};
    }
    if (did.n > 4 && memcmp(did.p, "did:", 4) == 0 && ch_bsky_handle_ok(handle)) {
        int rc = ch_corpus_set_handle(ctx->corpus, ctx->file, did, handle);
        if (rc)
            return rc;
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "DID document: %.*s is %.*s",
                                cut(did.n), did.p, cut(handle.n), handle.p);
    }
    return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "DID document without a handle");
}

/* An object DID -> DID document. */
static int do_did_map(bs_reader *rd, ch_json_val map)
{
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val doc;
    int rc = CHORUS_OK;
    ch_json_iter_init(map, &it);
    while (!rc && !rd->ctx->stop && ch_json_obj_next(&it, &k, &n, &doc))
        rc = do_did_doc(rd, doc, (ch_slice){k, n});
    return rc;
}

/* Whether obj is a DID -> document map: its first key is a DID and names an object. */
static bool is_did_map(ch_json_val obj)
{
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val v;
    return ch_json_iter_init(obj, &it) && ch_json_obj_next(&it, &k, &n, &v) && n > 4 &&
           memcmp(k, "did:", 4) == 0 && ch_json_type_of(v) == CH_JSON_OBJECT;
}

/* ---- profiles ----------------------------------------------------------------------------- */

static int do_profile(bs_reader *rd, ch_json_val profile)
{
    ch_ingest_ctx *ctx = rd->ctx;
    ch_ingest_tick(ctx);
    rd->found++;
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    ch_bsky_author(profile, r);
    if (!r->author_id.n)
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "a profile without a did");
    int rc = ch_corpus_set_profile(ctx->corpus, ctx->file, r);
    if (rc)
        return rc;
    return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "profile of %.*s (%.*s)",
                            cut(r->author_id.n), r->author_id.p,
                            cut(r->author.n), r->author.n ? r->author.p : "no handle");
}

/* ---- documents ---------------------------------------------------------------------------- */

enum {
    D_FEED, D_POSTS, D_THREAD, D_RECORDS, D_POST_RECORDS, D_ACCOUNT_META, D_POST, D_URI,
    D_AUTHOR, D_RECORD, D_VALUE, D_FOLLOWS, D_FOLLOWERS, D_ACTORS, D_PROFILES, D_DID, D_OPS,
    D_REPO, D_SEQ, D_AKA, D_ID, D_SUBJECT, D_HANDLE, D__N
};

static const ch_json_key doc_keys[D__N] = {
    [D_FEED] = CH_JSON_KEY("feed"),
    [D_POSTS] = CH_JSON_KEY("posts"),
    [D_THREAD] = CH_JSON_KEY("thread"),
    [D_RECORDS] = CH_JSON_KEY("records"),
    [D_POST_RECORDS] = CH_JSON_KEY("postRecords"),
    [D_ACCOUNT_META] = CH_JSON_KEY("accountMeta"),
    [D_POST] = CH_JSON_KEY("post"),
    [D_URI] = CH_JSON_KEY("uri"),
    [D_AUTHOR] = CH_JSON_KEY("author"),
    [D_RECORD] = CH_JSON_KEY("record"),
    [D_VALUE] = CH_JSON_KEY("value"),
    [D_FOLLOWS] = CH_JSON_KEY("follows"),
    [D_FOLLOWERS] = CH_JSON_KEY("followers"),
    [D_ACTORS] = CH_JSON_KEY("actors"),
    [D_PROFILES] = CH_JSON_KEY("profiles"),
    [D_DID] = CH_JSON_KEY("did"),
    [D_OPS] = CH_JSON_KEY("ops"),
    [D_REPO] = CH_JSON_KEY("repo"),
    [D_SEQ] = CH_JSON_KEY("seq"),
    [D_AKA] = CH_JSON_KEY("alsoKnownAs"),
    [D_ID] = CH_JSON_KEY("id"),
    [D_SUBJECT] = CH_JSON_KEY("subject"),
    [D_HANDLE] = CH_JSON_KEY("handle"),
};

typedef int (*bs_each_fn)(bs_reader *rd, ch_json_val v);

static int each(bs_reader *rd, ch_json_val arr, bs_each_fn fn)
{
    ch_json_iter it;
    ch_json_val e;
    int rc = CHORUS_OK;
    ch_bsky_arr(arr, &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
        rc = fn(rd, e);
    return rc;
}

static int do_plain_record(bs_reader *rd, ch_json_val v)
{
    return do_record(rd, v, NULL);
}

/* One response object (or an element of an array of them; `allow_page` is false for the
 * elements of a page, which are not followed into further pages). */
static int do_object(bs_reader *rd, ch_json_val obj, bool allow_page)
{
    ch_json_val d[D__N];
    if (ch_json_type_of(obj) != CH_JSON_OBJECT)
        return CHORUS_OK;
    ch_json_get_many(obj, doc_keys, D__N, d);
    if (allow_page && ch_json_type_of(d[D_FEED]) == CH_JSON_ARRAY)
        return each(rd, d[D_FEED], do_feed_item);
    if (allow_page && ch_json_type_of(d[D_POSTS]) == CH_JSON_ARRAY)
        return each(rd, d[D_POSTS], do_post_view);
    if (allow_page && ch_json_type_of(d[D_RECORDS]) == CH_JSON_ARRAY)
        return each(rd, d[D_RECORDS], do_plain_record);
    if (ch_json_type_of(d[D_THREAD]) == CH_JSON_OBJECT)
        return do_thread(rd, d[D_THREAD]);
    if (ch_json_type_of(d[D_POST_RECORDS]) == CH_JSON_ARRAY) {
        bs_account acct;
        read_account_meta(d[D_ACCOUNT_META], &acct);
        ch_json_iter it;
        ch_json_val e;
        int rc = CHORUS_OK;
        ch_bsky_arr(d[D_POST_RECORDS], &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            rc = do_record(rd, e, &acct);
        return rc;
    }
    if ((ch_json_present(d[D_OPS]) && ch_json_present(d[D_REPO])) ||
        (ch_json_present(d[D_SEQ]) && ch_json_present(d[D_DID])))
        return do_firehose(rd, obj, d[D_OPS]);
    if (ch_json_type_of(d[D_POST]) == CH_JSON_OBJECT)
        return do_feed_item(rd, obj);
    if (ch_json_present(d[D_URI]) && (ch_json_present(d[D_AUTHOR]) || ch_json_present(d[D_RECORD])))
        return do_post_view(rd, obj);
    if (ch_json_present(d[D_URI]) && ch_json_present(d[D_VALUE]))
        return do_record(rd, obj, NULL);
    if (ch_json_present(d[D_AKA]) && ch_json_present(d[D_ID]))
        return do_did_doc(rd, obj, (ch_slice){NULL, 0});
    if (allow_page && is_did_map(obj))
        return do_did_map(rd, obj);
    if (allow_page) {
        static const int lists[] = {D_PROFILES, D_FOLLOWS, D_FOLLOWERS, D_ACTORS};
        bool list = false;
        int rc = CHORUS_OK;
        for (size_t k = 0; !rc && k < sizeof lists / sizeof lists[0]; k++) {
            if (ch_json_type_of(d[lists[k]]) == CH_JSON_ARRAY) {
                list = true;
                rc = each(rd, d[lists[k]], do_profile);
            }
        }
        if (list) {
            if (!rc && ch_json_type_of(d[D_SUBJECT]) == CH_JSON_OBJECT)
                rc = do_profile(rd, d[D_SUBJECT]);
            return rc;
        }
    }
    if (ch_json_present(d[D_DID]) && ch_json_present(d[D_HANDLE]))
        return do_profile(rd, obj);
    return CHORUS_OK;
}

static int bs_doc(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    bs_reader *rd = arg;
    int rc = CHORUS_OK;
    rd->found = 0;
    if (ch_json_type_of(root) == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_bsky_arr(root, &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            rc = do_object(rd, e, true);
    } else {
        rc = do_object(rd, root, true);
    }
    if (rc || rd->found)
        return rc;
    ch_ingest_tick(rd->ctx);
    const char *k = NULL;
    size_t n = 0;
    ch_json_iter it;
    ch_json_val v;
    if (ch_json_type_of(root) == CH_JSON_OBJECT && ch_json_iter_init(root, &it) &&
        ch_json_obj_next(&it, &k, &n, &v))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "no Bluesky post here (an object starting with '%.*s')", cut(n), k);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "no Bluesky post here");
}

static int read(ch_ingest_ctx *ctx)
{
    bs_reader rd = {.ctx = ctx};
    return ch_jsonl_each(ctx, bs_doc, &rd, &rd.line);
}

static int sniff(const ch_sniff *s)
{
    if (!s->json || ch_sniff_has_key(s, "time_us"))
        return CH_SNIFF_NO; /* Jetstream */
    if (ch_sniff_has_key(s, "accountMeta") || ch_sniff_has_key(s, "postRecords") ||
        ch_sniff_has_key(s, "alsoKnownAs") ||
        (ch_sniff_has_key(s, "uri") && ch_sniff_has_key(s, "cid")) ||
        (ch_sniff_has_key(s, "ops") && ch_sniff_has_key(s, "repo") &&
         (ch_sniff_has_key(s, "blocks") || ch_sniff_has_key(s, "rev"))))
        return CH_SNIFF_SURE;
    if (ch_sniff_has_key(s, "did") && ch_sniff_has_key(s, "handle"))
        return CH_SNIFF_LIKELY; /* profiles: handles and account snapshots, no posts */
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_bluesky = {
    .name = "bluesky",
    .aliases = (const char *const[]){"bluesky-api", "atproto", "bsky", NULL},
    .platform = "bluesky",
    .summary = "Bluesky AppView and repository API responses: feeds, searchPosts, getQuotes, "
               "threads, PostViews, getRecord/listRecords, automod captures; decoded firehose "
               "commits (deletions only: records in CAR blocks are not decoded)",
    .example = "{\"posts\":[{\"uri\":\"at://did:plc:ana/app.bsky.feed.post/3k2a\",\"cid\":\"bafy\","
               "\"author\":{\"did\":\"did:plc:ana\",\"handle\":\"ana.bsky.social\"},"
               "\"record\":{\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"2023-03-01T10:00:00Z\","
               "\"text\":\"Hello\"},\"indexedAt\":\"2023-03-01T10:00:01Z\"}]}",
    .sniff = sniff,
    .read = read,
};
