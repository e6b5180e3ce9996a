/*
 * read_jetstream.c — reader for Bluesky Jetstream events, one JSON object per line, as
 * `websocat wss://jetstream…/subscribe`, ClickHouse's JSONBench and most Bluesky collectors
 * save them.
 *
 * Events: {"did", "time_us", "kind", "commit"|"identity"|"account"}. Also the spelling before
 * Jetstream's October 2024 rename: "type" com/id/acc and commit "type" c/u/d. A JSON array
 * of events is read too.
 *
 * kind commit — commit {operation, collection, rkey, record, cid}:
 *   create / update of app.bsky.feed.post, .repost, .like: a post, repost or like (fields:
 *   bsky_common.h). id: at://{did}/{collection}/{rkey}, the URI every AT Protocol source
 *   gives the same record; author: did. An update is read like a create, so an edited post
 *   read after its first version is a duplicate of it (the corpus keeps the first copy).
 *   create / update of any other collection (follows, blocks, profiles, lists, non-Bluesky
 *   lexicons): not_a_post, naming the collection.
 *   delete of a post, repost or like: counted under `deleted`, naming the URI. A deletion is
 *   not applied: a post read before it stays in the corpus, because what a network posted and
 *   then removed is evidence (deletions in bulk are themselves a sign of a clean-up). Deletes
 *   of other collections: not_a_post.
 * kind identity — identity {did, handle?, seq, time}: the handle is the account's
 *   (ch_corpus_set_handle), whether the account's posts came before or come after; then the
 *   event is counted as not_a_post (it holds no post). Commit events never name a handle.
 * kind account — account {active, status?}: not_a_post, with its status (takendown,
 *   suspended, deleted, deactivated) in the message.
 *
 * Time: the record's createdAt (the author's client clock), because it is what the AppView's
 * views and every other source give the same record, so a post has one time whichever way it
 * was collected; time_us (when the relay saw it, microseconds) when createdAt is absent or
 * does not parse. The two differ by seconds to minutes in real streams; a client can also
 * backdate createdAt (imports): `time_us` is the ground truth of arrival, not kept here.
 *
 * Cost: one simdjson parse per line into a reused parser (no copy), then one pass over the
 * fields of the event, the commit and the record; the record's URI is built in a fixed buffer.
 * No allocation per record.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/json.h"
#include "ingest/bsky_common.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define LIT_IS(s, lit) ((s).n == sizeof(lit) - 1 && memcmp((s).p, (lit), sizeof(lit) - 1) == 0)

typedef struct js_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;               /* refilled for every post */
    char uri[CH_BSKY_URI_MAX];    /* the record's at:// URI */
} js_reader;

enum { E_DID, E_TIME_US, E_KIND, E_TYPE, E_COMMIT, E_IDENTITY, E_ACCOUNT, E__N };

static const ch_json_key event_keys[E__N] = {
    [E_DID] = CH_JSON_KEY("did"),
    [E_TIME_US] = CH_JSON_KEY("time_us"),
    [E_KIND] = CH_JSON_KEY("kind"),
    [E_TYPE] = CH_JSON_KEY("type"),
    [E_COMMIT] = CH_JSON_KEY("commit"),
    [E_IDENTITY] = CH_JSON_KEY("identity"),
    [E_ACCOUNT] = CH_JSON_KEY("account"),
};

enum { C_OPERATION, C_TYPE, C_COLLECTION, C_RKEY, C_RECORD, C__N };

static const ch_json_key commit_keys[C__N] = {
    [C_OPERATION] = CH_JSON_KEY("operation"),
    [C_TYPE] = CH_JSON_KEY("type"),
    [C_COLLECTION] = CH_JSON_KEY("collection"),
    [C_RKEY] = CH_JSON_KEY("rkey"),
    [C_RECORD] = CH_JSON_KEY("record"),
};

typedef enum { OP_CREATE, OP_UPDATE, OP_DELETE, OP_UNKNOWN } js_op;

static js_op op_of(ch_slice s)
{
    if (LIT_IS(s, "create") || LIT_IS(s, "c"))
        return OP_CREATE;
    if (LIT_IS(s, "update") || LIT_IS(s, "u"))
        return OP_UPDATE;
    if (LIT_IS(s, "delete") || LIT_IS(s, "d"))
        return OP_DELETE;
    return OP_UNKNOWN;
}

static int cut(size_t n)
{
    return (int)(n > 80 ? 80 : n);
}

static int do_commit(js_reader *rd, ch_slice did, ch_json_val time_us, ch_json_val commit)
{
    ch_ingest_ctx *ctx = rd->ctx;
    ch_json_val c[C__N];
    ch_json_get_many(commit, commit_keys, C__N, c);
    ch_slice opname = ch_bsky_str(c[C_OPERATION]);
    if (!opname.n)
        opname = ch_bsky_str(c[C_TYPE]);
    ch_slice coll = ch_bsky_str(c[C_COLLECTION]), rkey = ch_bsky_str(c[C_RKEY]);
    js_op op = op_of(opname);
    if (op == OP_UNKNOWN)
        return ch_ingest_reject(ctx, rd->line, CH_R_BAD_FIELD,
                                "commit with an unknown operation '%.*s'", cut(opname.n),
                                opname.p ? opname.p : "");
    if (!coll.n)
        return ch_ingest_reject(ctx, rd->line, CH_R_BAD_FIELD, "commit without a collection");
    ch_bsky_coll kind = ch_bsky_collection(coll.p, coll.n);
    if (kind == CH_BSKY_OTHER)
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "%.*s %s: not a post",
                                cut(coll.n), coll.p,
                                op == OP_DELETE ? "delete" : op == OP_CREATE ? "create" : "update");
    ch_slice id = ch_bsky_uri_make(rd->uri, did, coll, rkey);
    if (!did.n)
        return ch_ingest_reject(ctx, rd->line, CH_R_NO_AUTHOR, "commit without a did");
    if (!id.n)
        return ch_ingest_reject(ctx, rd->line, CH_R_BAD_FIELD,
                                "commit without an rkey, or an at:// URI over %d bytes",
                                CH_BSKY_URI_MAX - 1);
    if (op == OP_DELETE)
        return ch_ingest_reject(ctx, rd->line, CH_R_DELETED, "deleted %.*s", (int)id.n, id.p);
    if (ch_json_type_of(c[C_RECORD]) != CH_JSON_OBJECT)
        return ch_ingest_reject(ctx, rd->line, CH_R_BAD_FIELD, "commit of %.*s without a record",
                                (int)id.n, id.p);

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = id;
    r->author_id = did;
    ch_corpus_prefetch_ids(ctx->corpus, r); /* their slots load while the record is walked */
    ch_bsky_rec info;
    ch_bsky_record(c[C_RECORD], kind, r, &info);
    if (info.not_post)
        return ch_ingest_reject(ctx, rd->line, CH_R_NOT_POST, "%.*s: %s", (int)id.n, id.p,
                                info.not_post);
    if (!info.time_ok) {
        int64_t us;
        if (ch_json_int64(time_us, &us) && us > 0)
            r->created_at = us / 1000000;
        else if (info.has_time)
            return ch_ingest_reject(ctx, rd->line, CH_R_BAD_TIME, "bad createdAt '%.*s'",
                                    cut(info.time.n), info.time.p);
    }
    return ch_ingest_emit(ctx, rd->line, r);
}

static int do_identity(js_reader *rd, ch_slice did, ch_json_val identity)
{
    ch_slice h = ch_bsky_str(ch_json_get(identity, "handle"));
    if (!did.n)
        did = ch_bsky_str(ch_json_get(identity, "did"));
    if (did.n && ch_bsky_handle_ok(h)) {
        int rc = ch_corpus_set_handle(rd->ctx->corpus, rd->ctx->file, did, h);
        if (rc)
            return rc;
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "identity event: %.*s is %.*s",
                                cut(did.n), did.p, cut(h.n), h.p);
    }
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "identity event without a handle");
}

static int do_account(js_reader *rd, ch_json_val account)
{
    bool active = true;
    ch_json_bool(ch_json_get(account, "active"), &active);
    ch_slice status = ch_bsky_str(ch_json_get(account, "status"));
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "account event (%s%s%.*s)",
                            active ? "active" : "inactive", status.n ? ", " : "",
                            cut(status.n), status.p ? status.p : "");
}

static int do_event(js_reader *rd, ch_json_val ev)
{
    ch_json_val e[E__N];
    ch_ingest_tick(rd->ctx);
    if (ch_json_type_of(ev) != CH_JSON_OBJECT)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "not a Jetstream event");
    ch_json_get_many(ev, event_keys, E__N, e);
    ch_slice did = ch_bsky_str(e[E_DID]);
    ch_slice kind = ch_bsky_str(e[E_KIND]);
    if (!kind.n)
        kind = ch_bsky_str(e[E_TYPE]);
    if ((LIT_IS(kind, "commit") || LIT_IS(kind, "com")) &&
        ch_json_type_of(e[E_COMMIT]) == CH_JSON_OBJECT)
        return do_commit(rd, did, e[E_TIME_US], e[E_COMMIT]);
    if (LIT_IS(kind, "identity") || LIT_IS(kind, "id"))
        return do_identity(rd, did, e[E_IDENTITY]);
    if (LIT_IS(kind, "account") || LIT_IS(kind, "acc"))
        return do_account(rd, e[E_ACCOUNT]);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            "not a Jetstream event (kind '%.*s')", cut(kind.n),
                            kind.p ? kind.p : "");
}

static int js_doc(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    js_reader *rd = arg;
    if (ch_json_type_of(root) != CH_JSON_ARRAY)
        return do_event(rd, root);
    ch_json_iter it;
    ch_json_val ev;
    int rc = CHORUS_OK;
    ch_json_iter_init(root, &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &ev))
        rc = do_event(rd, ev);
    return rc;
}

static int read(ch_ingest_ctx *ctx)
{
    js_reader rd = {.ctx = ctx};
    return ch_jsonl_each(ctx, js_doc, &rd, &rd.line);
}

static int sniff(const ch_sniff *s)
{
    if (s->json && ch_sniff_has_key(s, "time_us") &&
        (ch_sniff_has_key(s, "kind") || ch_sniff_has_key(s, "commit") ||
         ch_sniff_has_key(s, "type")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_jetstream = {
    .name = "jetstream",
    .aliases = (const char *const[]){"bluesky-jetstream", NULL},
    .platform = "bluesky",
    .summary = "Bluesky Jetstream events, one per line: posts, replies, quotes, reposts, likes; "
               "identity events give handles",
    .example = "{\"did\":\"did:plc:ana\",\"time_us\":1677664800000000,\"kind\":\"commit\","
               "\"commit\":{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\","
               "\"rkey\":\"3k2a\",\"record\":{\"$type\":\"app.bsky.feed.post\","
               "\"createdAt\":\"2023-03-01T10:00:00Z\",\"text\":\"Hello\"}}}",
    .sniff = sniff,
    .read = read,
};
