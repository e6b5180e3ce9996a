/*
 * read_telegram_4cat.c — reader for 4CAT's Telegram dataset as CSV (what 4CAT's "telegram"
 * data source writes through its map_item: id, thread_id, chat, author, author_username,
 * author_name, author_is_bot, body, reply_to, unix_timestamp, author_forwarded_from_*,
 * entities_mentioned, link_attached, ...). Built from 4CAT's column list; no real export was
 * available to test with (see docs/formats.md). 4CAT's NDJSON is read by `telethon`.
 *
 * Columns are looked up by name; older 4CAT versions spell the forward columns without the
 * "author_" prefix, which is accepted too. Required: id, body, unix_timestamp or timestamp,
 * and author or author_username.
 *
 * Names (telegram_common.h): 4CAT's thread_id is the chat's username when it has one, else
 * its numeric id, so a post is "<thread_id>/<message id>" (the message id is what follows
 * "<thread_id>-" in `id`): it matches a Telethon or Telegram Desktop id only for chats without
 * a username. The account is "channel<author>" when the author is the chat itself (a channel
 * post: author equals the chat's id, or author_username its username), else "user<author>";
 * the handle is author_username, the display name author_name, author_is_bot the bot flag.
 * Time: unix_timestamp (`timestamp` is the 4CAT server's local time and is read, as UTC, only
 * without it).
 * Kind: a forward (any author_forwarded_from_* cell set) -> repost; 4CAT keeps neither the
 * original message id nor whether the source was a channel or a user, so the reposted handle
 * is the source's username, else its name, else its id: forwards of one message still share
 * it and their text. Else reply_to -> reply to "<thread_id>/<reply_to>". Else post.
 * urls: link_attached (the link preview's URL; 4CAT keeps no entity offsets); mentions:
 * entities_mentioned (comma-separated usernames); no hashtags (4CAT keeps none).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chorus.h"
#include "core/timeparse.h"
#include "ingest/csv.h"
#include "ingest/csv_ingest.h"
#include "ingest/reader.h"
#include "ingest/telegram_common.h"

enum {
    C_ID, C_THREAD, C_AUTHOR, C_USERNAME, C_NAME, C_BOT, C_BODY, C_REPLY, C_UNIX, C_TIME,
    C_FWD_NAME, C_FWD_USER, C_FWD_ID, C_FWD_NAME_OLD, C_FWD_USER_OLD, C_FWD_ID_OLD,
    C_MENTIONED, C_LINK, C__N
};

static const char *const col_names[C__N] = {
    [C_ID] = "id",
    [C_THREAD] = "thread_id",
    [C_AUTHOR] = "author",
    [C_USERNAME] = "author_username",
    [C_NAME] = "author_name",
    [C_BOT] = "author_is_bot",
    [C_BODY] = "body",
    [C_REPLY] = "reply_to",
    [C_UNIX] = "unix_timestamp",
    [C_TIME] = "timestamp",
    [C_FWD_NAME] = "author_forwarded_from_name",
    [C_FWD_USER] = "author_forwarded_from_username",
    [C_FWD_ID] = "author_forwarded_from_id",
    [C_FWD_NAME_OLD] = "forwarded_from_name",
    [C_FWD_USER_OLD] = "forwarded_from_username",
    [C_FWD_ID_OLD] = "forwarded_from_id",
    [C_MENTIONED] = "entities_mentioned",
    [C_LINK] = "link_attached",
};

typedef struct fc_reader {
    int col[C__N];
    char post_id[CH_TG_ID_MAX], author_id[CH_TG_ID_MAX], ref_id[CH_TG_ID_MAX];
} fc_reader;

static ch_slice cell_or(const ch_csv_rec *rec, const int *col, int a, int b)
{
    ch_slice s = ch_csv_cell(rec, col[a]);
    return s.n ? s : ch_csv_cell(rec, col[b]);
}

static bool eq_ci(ch_slice a, ch_slice b)
{
    return a.n == b.n && a.n && strncasecmp(a.p, b.p, a.n) == 0;
}

static void add_mentions(ch_rawpost *r, ch_slice s)
{
    ch_csv_list(s, '@', r, ch_rawpost_add_mention);
}

static int row_to_post(void *arg, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
                       char *msg, size_t msglen)
{
    fc_reader *fc = arg;
    const int *col = fc->col;
    ch_rawpost_clear(r);

    ch_slice thread = ch_csv_cell(rec, col[C_THREAD]);
    ch_slice id = ch_csv_id(ch_csv_cell(rec, col[C_ID]));
    /* "thread-123" -> "123" */
    ch_slice mid = id;
    if (thread.n && id.n > thread.n + 1 && memcmp(id.p, thread.p, thread.n) == 0 &&
        id.p[thread.n] == '-') {
        mid.p += thread.n + 1;
        mid.n -= thread.n + 1;
    } else {
        const char *dash = id.n ? memchr(id.p, '-', id.n) : NULL;
        if (!thread.n && dash) {
            thread = (ch_slice){id.p, (size_t)(dash - id.p)};
            mid = (ch_slice){dash + 1, id.n - (size_t)(dash - id.p) - 1};
        }
    }
    r->id = thread.n ? ch_tg_post_id(fc->post_id, thread, mid) : id;

    ch_slice author = ch_csv_id(ch_csv_cell(rec, col[C_AUTHOR]));
    r->author = ch_csv_cell(rec, col[C_USERNAME]);
    if (r->author.n && r->author.p[0] == '@') {
        r->author.p++;
        r->author.n--;
    }
    bool is_chat = eq_ci(author, thread) || eq_ci(r->author, thread);
    r->author_id = ch_tg_peer_id(fc->author_id, is_chat ? "channel" : "user", author);
    r->meta.display_name = ch_csv_cell(rec, col[C_NAME]);
    int bot = ch_csv_bool(ch_csv_cell(rec, col[C_BOT]));
    r->meta.bot = (int8_t)bot;
    r->meta.present = r->meta.display_name.n || bot >= 0;

    ch_slice t = ch_csv_cell(rec, col[C_UNIX]);
    if (!t.n)
        t = ch_csv_cell(rec, col[C_TIME]);
    if (t.n && ch_time_parse(t.p, t.n, &r->created_at) != CHORUS_OK) {
        *reason = CH_R_BAD_TIME;
        snprintf(msg, msglen, "unparseable time '%.*s'", (int)(t.n > 64 ? 64 : t.n), t.p);
        return CHORUS_EPARSE;
    }
    r->text = ch_csv_raw(rec, col[C_BODY]);

    ch_slice fuser = cell_or(rec, col, C_FWD_USER, C_FWD_USER_OLD);
    ch_slice fname = cell_or(rec, col, C_FWD_NAME, C_FWD_NAME_OLD);
    ch_slice fid = ch_csv_id(cell_or(rec, col, C_FWD_ID, C_FWD_ID_OLD));
    ch_slice reply = ch_csv_id(ch_csv_cell(rec, col[C_REPLY]));
    if (fuser.n || fname.n || fid.n) {
        r->kind = CH_KIND_REPOST;
        r->ref_author = fuser.n ? fuser : fname.n ? fname : fid;
    } else if (reply.n && !(reply.n == 1 && reply.p[0] == '0')) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = thread.n ? ch_tg_post_id(fc->ref_id, thread, reply) : reply;
    }
    ch_slice link = ch_csv_cell(rec, col[C_LINK]);
    if (link.n)
        ch_rawpost_add_url(r, link.p, link.n);
    add_mentions(r, ch_csv_cell(rec, col[C_MENTIONED]));
    return CHORUS_OK;
}

static int find_columns(void *arg, ch_ingest_ctx *ctx, const ch_csv *csv, uint64_t line)
{
    fc_reader *fc = arg;
    for (int i = 0; i < C__N; i++)
        fc->col[i] = ch_csv_col(csv, col_names[i]);
    const int *col = fc->col;
    const char *missing = col[C_ID] < 0                                 ? "id"
                          : col[C_BODY] < 0                             ? "body"
                          : col[C_UNIX] < 0 && col[C_TIME] < 0          ? "unix_timestamp"
                          : col[C_AUTHOR] < 0 && col[C_USERNAME] < 0    ? "author"
                                                                        : NULL;
    if (missing) {
        ch_ingest_reject(ctx, line, CH_R_BAD_FIELD,
                         "not a 4CAT Telegram CSV: the header has no '%s' column", missing);
        return CHORUS_EFORMAT;
    }
    return CHORUS_OK;
}

static int read(ch_ingest_ctx *ctx)
{
    fc_reader fc;
    return ch_csv_each_row(ctx, find_columns, row_to_post, &fc);
}

static int sniff(const ch_sniff *s)
{
    if (ch_sniff_is_table(s) && ch_sniff_header_has(s, "body") &&
        ch_sniff_header_has(s, "thread_id") &&
        (ch_sniff_header_has(s, "author_forwarded_from_name") ||
         ch_sniff_header_has(s, "forwarded_from_name")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_telegram_4cat = {
    .name = "telegram-4cat",
    .aliases = (const char *const[]){"4cat-telegram", NULL},
    .platform = "telegram",
    .summary = "4CAT's Telegram dataset exported as CSV",
    .example = "id,thread_id,chat,author,author_username,author_name,body,reply_to,"
               "unix_timestamp,author_forwarded_from_name\n"
               "newsroom-5,newsroom,newsroom,1001,newsroom,News,Hello,,1677664800,",
    .sniff = sniff,
    .read = read,
};
