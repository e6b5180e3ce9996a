/*
 * read_telegram.c — reader for Telegram Desktop's "Export chat history" in JSON (result.json):
 * one chat {name, type, id, messages: [...]}, or a whole-account export whose chats are in
 * chats.list[] and left_chats.list[]. Built from the shape Telegram Desktop writes
 * (export_output_json.cpp); no licensed real export was available to test with (see
 * docs/formats.md).
 *
 * Names (telegram_common.h): a post is "<chat id>/<message id>" with the chat's `id` (the bare
 * peer id, as Telethon's channel_id); the account is `from_id` as the export spells it
 * ("user123", "channel123"), else "channel<chat id>" in a channel. `from` (a display name,
 * not unique) is the account's display name; the export has no usernames for senders.
 *
 * Fields: date_unixtime (a string of Unix seconds; `date` is the exporting computer's local
 * time without a zone, so it is read, as UTC, only when date_unixtime is missing); the text
 * from text_entities (every part's `text` joined: plain, link, text_link, mention, hashtag,
 * bold, ...), else from `text` (a string, or an array of strings and {type, text, href}
 * parts); urls: `link` parts (their text) and `text_link` parts (their href); hashtags and
 * mentions: `hashtag` and `mention` parts without '#'/'@' (mention_name names a user id, not a
 * handle, and is not kept).
 * Kind: forwarded_from -> repost; the export names the original's author only by display name
 * (no ids), which is kept as the reposted handle, so forwards of one message share their
 * name and text. Else reply_to_message_id -> reply to "<chat>/<id>" (the chat of
 * reply_to_peer_id when set). Else post.
 * Service messages (joins, pins, calls) and unsupported ones are not_a_post.
 *
 * Cost: one parse of the document (held whole, as simdjson needs it; exports of a few hundred
 * MB are fine, see CH_JSONL_MAX_DOC); one pass over each message's fields; the text is joined
 * into a scratch buffer that grows to the longest message; nothing is allocated per message
 * once it has.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "ingest/telegram_common.h"

enum {
    M_ID, M_TYPE, M_DATE, M_UNIX, M_FROM, M_FROM_ID, M_FWD, M_REPLY, M_REPLY_PEER, M_TEXT,
    M_ENTS, M_ACTION, M__N
};

static const ch_json_key msg_keys[M__N] = {
    [M_ID] = CH_JSON_KEY("id"),
    [M_TYPE] = CH_JSON_KEY("type"),
    [M_DATE] = CH_JSON_KEY("date"),
    [M_UNIX] = CH_JSON_KEY("date_unixtime"),
    [M_FROM] = CH_JSON_KEY("from"),
    [M_FROM_ID] = CH_JSON_KEY("from_id"),
    [M_FWD] = CH_JSON_KEY("forwarded_from"),
    [M_REPLY] = CH_JSON_KEY("reply_to_message_id"),
    [M_REPLY_PEER] = CH_JSON_KEY("reply_to_peer_id"),
    [M_TEXT] = CH_JSON_KEY("text"),
    [M_ENTS] = CH_JSON_KEY("text_entities"),
    [M_ACTION] = CH_JSON_KEY("action"),
};

enum { C_NAME, C_TYPE, C_ID, C_MESSAGES, C_CHATS, C_LEFT, C__N };
static const ch_json_key chat_keys[C__N] = {
    [C_NAME] = CH_JSON_KEY("name"),
    [C_TYPE] = CH_JSON_KEY("type"),
    [C_ID] = CH_JSON_KEY("id"),
    [C_MESSAGES] = CH_JSON_KEY("messages"),
    [C_CHATS] = CH_JSON_KEY("chats"),
    [C_LEFT] = CH_JSON_KEY("left_chats"),
};

typedef struct td_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;
    char *buf;                    /* the joined text of one message */
    size_t cap;
    /* the chat being read */
    ch_slice chat_id, chat_name;
    bool channel;
    char chat_buf[24], id_buf[24], reply_buf[24];
    char post_id[CH_TG_ID_MAX], author_id[CH_TG_ID_MAX], ref_id[CH_TG_ID_MAX];
} td_reader;

static ch_slice num_of(ch_json_val v, char *buf)
{
    ch_slice s = ch_jsonl_str(v);
    if (s.n)
        return s;
    size_t n = ch_json_int_text(v, buf, 24);
    return (ch_slice){n ? buf : NULL, n};
}

/* "channel123" -> "123" (the bare id of a peer as the export spells it). */
static ch_slice bare_peer(ch_slice p)
{
    while (p.n && !(p.p[0] >= '0' && p.p[0] <= '9') && p.p[0] != '-') {
        p.p++;
        p.n--;
    }
    return p;
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

/* A text part: a string, or {type, text, href}. */
static void part_of(ch_json_val e, ch_slice *type, ch_slice *text, ch_slice *href)
{
    *href = (ch_slice){NULL, 0};
    if (ch_json_type_of(e) == CH_JSON_STRING) {
        *type = (ch_slice){"plain", 5};
        *text = ch_jsonl_str(e);
        return;
    }
    *type = ch_jsonl_str(ch_json_get(e, "type"));
    *text = ch_jsonl_str(ch_json_get(e, "text"));
    *href = ch_jsonl_str(ch_json_get(e, "href"));
}

/* Joins the parts' texts into the scratch buffer and takes their entities. */
static int join_parts(td_reader *rd, ch_json_val parts, ch_rawpost *r)
{
    ch_json_iter it;
    ch_json_val e;
    ch_slice type, text, href;
    size_t need = 1;
    ch_json_iter_init(parts, &it);
    while (ch_json_arr_next(&it, &e)) {
        part_of(e, &type, &text, &href);
        need += text.n;
    }
    if (need > rd->cap) {
        size_t cap = rd->cap ? rd->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = ch_realloc(rd->buf, cap);
        if (!p)
            return CHORUS_ENOMEM;
        rd->buf = p;
        rd->cap = cap;
    }
    size_t o = 0;
    ch_json_iter_init(parts, &it);
    while (ch_json_arr_next(&it, &e)) {
        part_of(e, &type, &text, &href);
        if (!text.n)
            continue;
        ch_slice at = {rd->buf + o, text.n};
        memcpy(rd->buf + o, text.p, text.n);
        o += text.n;
        if (ch_slice_is(type, "link"))
            add_url_once(r, at);
        else if (ch_slice_is(type, "text_link"))
            add_url_once(r, href);
        else if (ch_slice_is(type, "mention") && at.n > 1 && at.p[0] == '@')
            ch_rawpost_add_mention(r, at.p + 1, at.n - 1);
        else if (ch_slice_is(type, "hashtag") && at.n > 1 && at.p[0] == '#')
            ch_rawpost_add_hashtag(r, at.p + 1, at.n - 1);
    }
    r->text = (ch_slice){rd->buf, o};
    return CHORUS_OK;
}

static int do_message(td_reader *rd, ch_json_val obj)
{
    ch_json_val f[M__N];
    ch_json_get_many(obj, msg_keys, M__N, f);
    ch_ingest_tick(rd->ctx);
    ch_slice type = ch_jsonl_str(f[M_TYPE]);
    if (ch_slice_is(type, "service") || ch_json_present(f[M_ACTION])) {
        ch_slice a = ch_jsonl_str(f[M_ACTION]);
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a Telegram service message ('%.*s'), not a post",
                                (int)(a.n > 40 ? 40 : a.n), a.p ? a.p : "");
    }
    if (type.n && !ch_slice_is(type, "message"))
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "a Telegram '%.*s' message, not a post",
                                (int)(type.n > 40 ? 40 : type.n), type.p);

    ch_rawpost *r = &rd->raw;
    ch_rawpost_clear(r);
    r->id = ch_tg_post_id(rd->post_id, rd->chat_id, num_of(f[M_ID], rd->id_buf));
    ch_slice from_id = ch_jsonl_str(f[M_FROM_ID]);
    if (from_id.n) {
        r->author_id = from_id;
        r->meta.display_name = ch_jsonl_str(f[M_FROM]);
    } else if (rd->channel) {
        r->author_id = ch_tg_peer_id(rd->author_id, "channel", rd->chat_id);
        r->meta.display_name = rd->chat_name;
    }
    r->meta.present = r->meta.display_name.n > 0;

    ch_slice t = ch_jsonl_str(f[M_UNIX]);
    if (!t.n)
        t = ch_jsonl_str(f[M_DATE]);
    if (t.n && ch_time_parse(t.p, t.n, &r->created_at) != CHORUS_OK)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME, "unparseable date '%.*s'",
                                (int)(t.n > 64 ? 64 : t.n), t.p);

    int rc;
    if (ch_json_type_of(f[M_ENTS]) == CH_JSON_ARRAY)
        rc = join_parts(rd, f[M_ENTS], r);
    else if (ch_json_type_of(f[M_TEXT]) == CH_JSON_ARRAY)
        rc = join_parts(rd, f[M_TEXT], r);
    else
        rc = (r->text = ch_jsonl_str(f[M_TEXT]), CHORUS_OK);
    if (rc)
        return rc;

    ch_slice reply = num_of(f[M_REPLY], rd->reply_buf);
    if (ch_json_present(f[M_FWD]) && !ch_json_is_null(f[M_FWD])) {
        r->kind = CH_KIND_REPOST;
        r->ref_author = ch_jsonl_str(f[M_FWD]);
    } else if (reply.n) {
        ch_slice peer = bare_peer(ch_jsonl_str(f[M_REPLY_PEER]));
        r->kind = CH_KIND_REPLY;
        r->ref_id = ch_tg_post_id(rd->ref_id, peer.n ? peer : rd->chat_id, reply);
    }
    return ch_ingest_emit(rd->ctx, rd->line, r);
}

static int do_chat(td_reader *rd, const ch_json_val *c)
{
    rd->chat_id = num_of(c[C_ID], rd->chat_buf);
    rd->chat_name = ch_jsonl_str(c[C_NAME]);
    ch_slice type = ch_jsonl_str(c[C_TYPE]);
    rd->channel = ch_slice_is(type, "public_channel") || ch_slice_is(type, "private_channel");
    ch_json_iter it;
    ch_json_val e;
    int rc = CHORUS_OK;
    ch_json_iter_init(c[C_MESSAGES], &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
        rc = do_message(rd, e);
    return rc;
}

/* The chats of a whole-account export's list ({about, list: [...]}). */
static int do_list(td_reader *rd, ch_json_val holder, size_t *chats)
{
    ch_json_iter it;
    ch_json_val e;
    int rc = CHORUS_OK;
    ch_json_iter_init(ch_json_get(holder, "list"), &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e)) {
        ch_json_val c[C__N];
        ch_json_get_many(e, chat_keys, C__N, c);
        if (ch_json_type_of(c[C_MESSAGES]) == CH_JSON_ARRAY) {
            ++*chats;
            rc = do_chat(rd, c);
        }
    }
    return rc;
}

static int td_doc(void *arg, ch_json_val root, uint64_t line)
{
    (void)line;
    td_reader *rd = arg;
    ch_json_val c[C__N];
    ch_json_get_many(root, chat_keys, C__N, c);
    if (ch_json_type_of(c[C_MESSAGES]) == CH_JSON_ARRAY)
        return do_chat(rd, c);
    size_t chats = 0;
    int rc = do_list(rd, c[C_CHATS], &chats);
    if (!rc)
        rc = do_list(rd, c[C_LEFT], &chats);
    if (rc || chats)
        return rc;
    ch_ingest_tick(rd->ctx);
    if (ch_json_type_of(root) == CH_JSON_ARRAY)
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                                "an array, not a Telegram Desktop export (messages are read "
                                "with their chat: give the whole result.json)");
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST,
                            "not a Telegram Desktop export (no messages, no chats list)");
}

static int read(ch_ingest_ctx *ctx)
{
    td_reader rd = {.ctx = ctx};
    int rc = ch_jsonl_each(ctx, td_doc, &rd, &rd.line);
    ch_free(rd.buf);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (!s->json)
        return CH_SNIFF_NO;
    if ((ch_sniff_has_key(s, "messages") &&
         (ch_sniff_has_key(s, "date_unixtime") || ch_sniff_has_key(s, "text_entities"))) ||
        (ch_sniff_has_key(s, "personal_information") && ch_sniff_has_key(s, "about")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_telegram = {
    .name = "telegram",
    .aliases = (const char *const[]){"telegram-desktop", "tdesktop", NULL},
    .platform = "telegram",
    .summary = "Telegram Desktop chat export (result.json: one chat, or a whole account)",
    .example = "{\"name\":\"News\",\"type\":\"public_channel\",\"id\":1001,\"messages\":[{\"id\":5,"
               "\"type\":\"message\",\"date\":\"2023-03-01T11:00:00\",\"date_unixtime\":"
               "\"1677668400\",\"from\":\"News\",\"from_id\":\"channel1001\",\"text\":\"Hello\","
               "\"text_entities\":[{\"type\":\"plain\",\"text\":\"Hello\"}]}]}",
    .sniff = sniff,
    .read = read,
};
