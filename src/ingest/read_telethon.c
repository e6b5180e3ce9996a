/*
 * read_telethon.c — reader for Telegram messages as Telethon's Message.to_dict() gives them,
 * one JSON object per line (also arrays of them), and 4CAT's Telegram NDJSON (the same
 * objects through 4CAT's serializer: "_type" for "_", Unix times, and the sender and chat
 * resolved into "_sender" and "_chat").
 *
 * Names (telegram_common.h): a post is "<chat>/<id>" where the chat is peer_id's channel_id,
 * chat_id or user_id; the account is from_id ("user<id>", "channel<id>": a group's sender, or
 * a channel posting in a group), else the chat itself (a channel's posts have no from_id).
 * The handle: 4CAT's _sender.username, or _chat.username for posts by the chat; Telethon's
 * message dicts carry no usernames (post_author is a signature, not an account).
 *
 * Fields: date ("2023-06-29 17:35:02.000000" or with "+00:00", UTC; or Unix seconds), message
 * (the text), entities ({_: MessageEntityUrl | TextUrl | Mention | Hashtag, offset, length} in
 * UTF-16 units: Url, Mention and Hashtag are cut out of the text, TextUrl gives `url`;
 * MentionName names a user id, not a handle, and is not a mention here), the link preview's
 * media.webpage.url (once). 4CAT's _sender: first_name + last_name as the display name, `bot`.
 * Kind: fwd_from -> repost: of "<channel>/<channel_post>" by "channel<id>" when the original
 * is a channel post; by "user<id>" (no post id) for a user's message; a forward from a hidden
 * account has only from_name, kept as the reposted handle, so forwards of one message still
 * share its name and text. Else reply_to -> reply to "<chat>/<reply_to_msg_id>" (the chat of
 * reply_to_peer_id when set), with reply_to_top_id as the thread root. Else post.
 * MessageService (joins, pins, title changes) and any other object are not_a_post.
 * Views, forwards counts and reactions are per post and have no place in the record.
 *
 * Cost: one simdjson parse per line; one pass over the message's fields; entities located in
 * one pass over the text; nothing allocated per record.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "ingest/telegram_common.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

enum {
    M_TYPE, M_TYPE4, M_ID, M_PEER, M_DATE, M_MESSAGE, M_ENTITIES, M_FWD, M_REPLY, M_FROM,
    M_MEDIA, M_SENDER, M_CHAT, M__N
};

static const ch_json_key msg_keys[M__N] = {
    [M_TYPE] = CH_JSON_KEY("_"),
    [M_TYPE4] = CH_JSON_KEY("_type"),
    [M_ID] = CH_JSON_KEY("id"),
    [M_PEER] = CH_JSON_KEY("peer_id"),
    [M_DATE] = CH_JSON_KEY("date"),
    [M_MESSAGE] = CH_JSON_KEY("message"),
    [M_ENTITIES] = CH_JSON_KEY("entities"),
    [M_FWD] = CH_JSON_KEY("fwd_from"),
    [M_REPLY] = CH_JSON_KEY("reply_to"),
    [M_FROM] = CH_JSON_KEY("from_id"),
    [M_MEDIA] = CH_JSON_KEY("media"),
    [M_SENDER] = CH_JSON_KEY("_sender"),
    [M_CHAT] = CH_JSON_KEY("_chat"),
};

enum { P_CHANNEL, P_USER, P_CHAT, P__N };
static const ch_json_key peer_keys[P__N] = {
    [P_CHANNEL] = CH_JSON_KEY("channel_id"),
    [P_USER] = CH_JSON_KEY("user_id"),
    [P_CHAT] = CH_JSON_KEY("chat_id"),
};
static const char *const peer_kind[P__N] = {"channel", "user", "chat"};

/* A peer: its kind (P_*) and bare id as text. */
typedef struct tg_peer {
    int kind;                     /* -1: none */
    ch_slice id;
    char buf[24];
} tg_peer;

typedef struct tl_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;
    tg_peer chat, from, fwd, reply_chat;
    char id_buf[24], msg_buf[24], reply_buf[24], top_buf[24], post_buf[24];
    char post_id[CH_TG_ID_MAX], author_id[CH_TG_ID_MAX], ref_id[CH_TG_ID_MAX];
    char ref_author_id[CH_TG_ID_MAX], root_id[CH_TG_ID_MAX];
    char name_buf[256];
} tl_reader;

/* An integer (or string) id as text in buf[24]. */
static ch_slice num_of(ch_json_val v, char *buf)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return s;
    size_t n = ch_json_int_text(v, buf, 24);
    return (ch_slice){n ? buf : NULL, n};
}

/* A Peer object ({_: PeerChannel, channel_id: ...}); an integer alone is a user id (older
 * serializations). */
static void read_peer(ch_json_val v, tg_peer *p)
{
    p->kind = -1;
    p->id = (ch_slice){NULL, 0};
    if (ch_json_type_of(v) == CH_JSON_INT64) {
        p->id = num_of(v, p->buf);
        p->kind = p->id.n ? P_USER : -1;
        return;
    }
    ch_json_val f[P__N];
    ch_json_get_many(v, peer_keys, P__N, f);
    for (int k = 0; k < P__N; k++) {
        if (ch_json_present(f[k]) && !ch_json_is_null(f[k])) {
            p->id = num_of(f[k], p->buf);
            if (p->id.n) {
                p->kind = k;
                return;
            }
        }
    }
}

static ch_slice peer_account(const tg_peer *p, char *buf)
{
    return p->kind < 0 ? (ch_slice){NULL, 0} : ch_tg_peer_id(buf, peer_kind[p->kind], p->id);
}

/* A time as a string (ISO, UTC) or as Unix seconds (4CAT). */
static bool time_of(ch_json_val v, int64_t *out)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return ch_time_parse(s.p, s.n, out) == CHORUS_OK;
    double d;
    if (ch_json_double(v, &d) && d > 0 && d < 1e11) {
        *out = (int64_t)d;
        return true;
    }
    return false;
}

static void add_url_once(ch_rawpost *r, ch_slice u)
{
    if (!u.n)
        return;
    for (size_t i = 0; i < r->n_urls; i++)
        if (r->urls[i].n == u.n && memcmp(r->urls[i].p, u.p, u.n) == 0)
            return;
    ch_rawpost_add_url(r, u.p, u.n);
}

static void read_entities(ch_json_val ents, ch_rawpost *r)
{
    ch_json_iter it;
    ch_json_val e;
    ch_tg_cursor cur = {0, 0};
    ch_json_iter_init(ents, &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_slice type = ch_jsonl_str(ch_json_get(e, "_"));
        if (!type.n)
            type = ch_jsonl_str(ch_json_get(e, "_type"));
        if (ch_slice_is(type, "MessageEntityTextUrl")) {
            add_url_once(r, ch_jsonl_str(ch_json_get(e, "url")));
            continue;
        }
        bool url = ch_slice_is(type, "MessageEntityUrl"), men = ch_slice_is(type, "MessageEntityMention"),
             tag = ch_slice_is(type, "MessageEntityHashtag");
        if (!url && !men && !tag)
            continue;
        int64_t off, len;
        ch_slice s;
        if (!ch_json_int64(ch_json_get(e, "offset"), &off) ||
            !ch_json_int64(ch_json_get(e, "length"), &len) ||
            !ch_tg_u16_range(r->text, &cur, off, len, &s))
            continue;
        if (url) {
            add_url_once(r, s);
        } else if (s.n > 1 && (s.p[0] == '@' || s.p[0] == '#')) {
            if (men)
                ch_rawpost_add_mention(r, s.p + 1, s.n - 1);
            else
                ch_rawpost_add_hashtag(r, s.p + 1, s.n - 1);
        }
    }
}

/* 4CAT's resolved sender: handle, display name, bot flag. */
static void read_sender(tl_reader *rd, ch_json_val sender, ch_rawpost *r)
{
    if (ch_json_type_of(sender) != CH_JSON_OBJECT)
        return;
    r->author = ch_jsonl_str(ch_json_get(sender, "username"));
    ch_slice first = ch_jsonl_str(ch_json_get(sender, "first_name"));
    ch_slice last = ch_jsonl_str(ch_json_get(sender, "last_name"));
    ch_slice title = ch_jsonl_str(ch_json_get(sender, "title"));
    if (first.n && last.n && first.n + 1 + last.n <= sizeof rd->name_buf) {
        memcpy(rd->name_buf, first.p, first.n);
        rd->name_buf[first.n] = ' ';
        memcpy(rd->name_buf + first.n + 1, last.p, last.n);
        r->meta.display_name = (ch_slice){rd->name_buf, first.n + 1 + last.n};
    } else {
        r->meta.display_name = first.n ? first : last.n ? last : title;
    }
    bool bot;
    if (ch_json_bool(ch_json_get(sender, "bot"), &bot))
        r->meta.bot = bot;
    r->meta.present = r->meta.display_name.n || r->meta.bot >= 0;
}

static int do_message(tl_reader *rd, const ch_json_val *f)
{
    int rc = CHORUS_OK;
    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);

    read_peer(f[M_PEER], &rd->chat);
    ch_slice msg = num_of(f[M_ID], rd->msg_buf);
    r->id = ch_tg_post_id(rd->post_id, rd->chat.id, msg);
    if (!r->id.n && msg.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NO_ID,
                                "message %.*s has no chat (peer_id): its id is not unique",
                                (int)msg.n, msg.p);
    read_peer(f[M_FROM], &rd->from);
    const tg_peer *who = rd->from.kind >= 0 ? &rd->from : &rd->chat;
    r->author_id = peer_account(who, rd->author_id);
    if (ch_json_present(f[M_SENDER]))
        read_sender(rd, f[M_SENDER], r);
    else if (who == &rd->chat && ch_json_type_of(f[M_CHAT]) == CH_JSON_OBJECT)
        r->author = ch_jsonl_str(ch_json_get(f[M_CHAT], "username"));
    if (!r->author.n && who == &rd->chat && ch_json_type_of(f[M_CHAT]) == CH_JSON_OBJECT)
        r->author = ch_jsonl_str(ch_json_get(f[M_CHAT], "username"));

    if (ch_json_present(f[M_DATE]) && !time_of(f[M_DATE], &r->created_at)) {
        ch_slice d = ch_jsonl_str(f[M_DATE]);
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME, "unparseable date '%.*s'",
                                (int)(d.n > 64 ? 64 : d.n), d.p ? d.p : "");
    }
    r->text = ch_jsonl_str(f[M_MESSAGE]);

    ch_json_val fwd = f[M_FWD], reply = f[M_REPLY];
    if (ch_json_type_of(fwd) == CH_JSON_OBJECT) {
        r->kind = CH_KIND_REPOST;
        read_peer(ch_json_get(fwd, "from_id"), &rd->fwd);
        r->ref_author_id = peer_account(&rd->fwd, rd->ref_author_id);
        ch_slice post = num_of(ch_json_get(fwd, "channel_post"), rd->post_buf);
        if (rd->fwd.kind == P_CHANNEL && post.n)
            r->ref_id = ch_tg_post_id(rd->ref_id, rd->fwd.id, post);
        if (!r->ref_author_id.n)
            r->ref_author = ch_jsonl_str(ch_json_get(fwd, "from_name"));
    } else if (ch_json_type_of(reply) == CH_JSON_OBJECT) {
        ch_slice to = num_of(ch_json_get(reply, "reply_to_msg_id"), rd->reply_buf);
        read_peer(ch_json_get(reply, "reply_to_peer_id"), &rd->reply_chat);
        ch_slice chat = rd->reply_chat.kind >= 0 ? rd->reply_chat.id : rd->chat.id;
        if (to.n) {
            r->kind = CH_KIND_REPLY;
            r->ref_id = ch_tg_post_id(rd->ref_id, chat, to);
            ch_slice top = num_of(ch_json_get(reply, "reply_to_top_id"), rd->top_buf);
            if (top.n)
                r->root_id = ch_tg_post_id(rd->root_id, chat, top);
        }
    }

    read_entities(f[M_ENTITIES], r);
    add_url_once(r, ch_jsonl_str(ch_json_get(ch_json_get(f[M_MEDIA], "webpage"), "url")));
    rc = ch_ingest_emit(rd->ctx, rd->line, r);
    return rc;
}

static int do_object(tl_reader *rd, ch_json_val obj)
{
    ch_json_val f[M__N];
    ch_json_get_many(obj, msg_keys, M__N, f);
    ch_slice type = ch_jsonl_str(f[M_TYPE]);
    if (!type.n)
        type = ch_jsonl_str(f[M_TYPE4]);
    ch_ingest_tick(rd->ctx);
    if (ch_slice_is(type, "Message"))
        return do_message(rd, f);
    if (ch_slice_is(type, "MessageService"))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a Telegram service message (join, pin, title change), not a "
                                "post");
    if (type.n)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a Telegram '%.*s' object, not a message",
                                (int)(type.n > 40 ? 40 : type.n), type.p);
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            "not a Telethon message (no \"_\": \"Message\")");
}

static int tl_doc(void *arg, ch_json_val root, uint64_t line)
{
    (void)line;
    tl_reader *rd = arg;
    int rc = CHORUS_OK;
    if (ch_json_type_of(root) == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(root, &it);
        while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
            rc = do_object(rd, e);
        return rc;
    }
    return do_object(rd, root);
}

static int read(ch_ingest_ctx *ctx)
{
    tl_reader rd = {.ctx = ctx};
    return ch_jsonl_each(ctx, tl_doc, &rd, &rd.line);
}

static int sniff(const ch_sniff *s)
{
    if (s->json && ch_sniff_has_key(s, "peer_id") &&
        (ch_sniff_has_key(s, "_") || ch_sniff_has_key(s, "_type")) &&
        (ch_sniff_has_key(s, "message") || ch_sniff_has_key(s, "action")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_telethon = {
    .name = "telethon",
    .aliases = (const char *const[]){"telegram-telethon", "4cat-telegram-ndjson", NULL},
    .platform = "telegram",
    .summary = "Telegram messages as Telethon's to_dict() or 4CAT's NDJSON give them, one per "
               "line",
    .example = "{\"_\":\"Message\",\"id\":5,\"peer_id\":{\"_\":\"PeerChannel\",\"channel_id\":"
               "1001},\"date\":\"2023-03-01 10:00:00+00:00\",\"message\":\"Hello\",\"from_id\":"
               "null,\"fwd_from\":null,\"reply_to\":null,\"entities\":[]}",
    .sniff = sniff,
    .read = read,
};
