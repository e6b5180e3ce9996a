/*
 * read_4cat.c — preset for 4CAT dataset exports as CSV (4CAT's "Download CSV" of a dataset
 * from any of its data sources: Twitter, TikTok, Instagram, Reddit, 4chan, Threads, ...).
 * 4CAT's Telegram CSV has its own reader (read_telegram_4cat.c: forwards need it).
 *
 * Built from the columns 4CAT's data sources write (their map_item functions): no real export
 * was available to test with (docs/formats.md says so). Field spec (first column present):
 *   id         id
 *   author     author (the handle) | author_username
 *   author_id  author_id
 *   name       author_fullname | author_name
 *   time       unix_timestamp (Unix seconds, UTC) | timestamp ("YYYY-MM-DD HH:MM:SS", UTC),
 *              also when a row's unix_timestamp cell is empty
 *   text       body
 *   urls       urls (comma-separated) | link_url
 *   hashtags   hashtags (comma-separated, no '#')
 *   mentions   mentions (comma-separated)
 *   root_id    thread_id, when it is not the row's own id (a reply in a thread)
 *   kind       is_retweet true -> repost; is_quote_tweet -> quote; is_reply, or a thread_id
 *              other than id -> reply (ref_id: reply_to | in_reply_to_id | parent_id, else the
 *              thread root); else post
 * Platform: from the header's data-source columns (tiktok_url or music_name: tiktok;
 * is_quote_tweet: x; subreddit: reddit; usertags: instagram), else "4cat" (ids of an unknown
 * source are kept apart from every platform's). Cost: one pass over the table.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/csv_table.h"
#include "ingest/reader.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

enum { X_RETWEET = CH_TF_X1, X_QUOTE = CH_TF_X2, X_REPLY = CH_TF_X3 };

static int header(ch_table *t, const ch_csv *csv, char *msg, size_t msglen)
{
    (void)msg, (void)msglen;
    static const struct { const char *col, *platform; } by_col[] = {
        {"tiktok_url", "tiktok"}, {"music_name", "tiktok"}, {"is_quote_tweet", "x"},
        {"subreddit", "reddit"},  {"usertags", "instagram"},
    };
    t->platform = "4cat";
    for (size_t i = 0; i < sizeof by_col / sizeof by_col[0]; i++) {
        if (ch_csv_col(csv, by_col[i].col) >= 0) {
            t->platform = by_col[i].platform;
            break;
        }
    }
    return CHORUS_OK;
}

static int fix(ch_table *t, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
               char *msg, size_t msglen)
{
    (void)reason, (void)msg, (void)msglen;
    bool own_root = r->root_id.n == r->id.n && memcmp(r->root_id.p, r->id.p, r->id.n) == 0;
    if (own_root)
        r->root_id.n = 0;
    if (ch_csv_bool(ch_table_cell(t, rec, X_RETWEET)) == 1) {
        r->kind = CH_KIND_REPOST;
    } else if (ch_csv_bool(ch_table_cell(t, rec, X_QUOTE)) == 1) {
        r->kind = CH_KIND_QUOTE;
    } else if (ch_csv_bool(ch_table_cell(t, rec, X_REPLY)) == 1 || r->root_id.n) {
        r->kind = CH_KIND_REPLY;
        if (!r->ref_id.n)
            r->ref_id = r->root_id;
    } else if (r->kind == CH_KIND_REPOST && r->ref_id.n) {
        r->kind = CH_KIND_REPLY;  /* a reply_to cell without a thread: still a reply */
    }
    return CHORUS_OK;
}

static const ch_table_preset preset = {
    .cols = {
        [CH_TF_ID] = L("id"),
        [CH_TF_AUTHOR] = L("author", "author_username"),
        [CH_TF_AUTHOR_ID] = L("author_id"),
        [CH_TF_NAME] = L("author_fullname", "author_name"),
        [CH_TF_TIME] = L("unix_timestamp", "timestamp"),
        [CH_TF_TIME2] = L("timestamp"),
        [CH_TF_TEXT] = L("body"),
        [CH_TF_URLS] = L("urls", "link_url"),
        [CH_TF_HASHTAGS] = L("hashtags"),
        [CH_TF_MENTIONS] = L("mentions"),
        [CH_TF_ROOT_ID] = L("thread_id"),
        [CH_TF_REF_ID] = L("reply_to", "in_reply_to_id", "parent_id"),
        [X_RETWEET] = L("is_retweet"),
        [X_QUOTE] = L("is_quote_tweet"),
        [X_REPLY] = L("is_reply"),
    },
    .na_empty = false,
    .header = header,
    .fix = fix,
};

static int read(ch_ingest_ctx *ctx)
{
    ch_table t = {.preset = &preset};
    return ch_table_read(ctx, &t);
}

static int sniff(const ch_sniff *s)
{
    if (ch_sniff_is_table(s) && ch_sniff_header_has(s, "id") &&
        ch_sniff_header_has(s, "thread_id") && ch_sniff_header_has(s, "body") &&
        ch_sniff_header_has(s, "author") &&
        (ch_sniff_header_has(s, "timestamp") || ch_sniff_header_has(s, "unix_timestamp")))
        return CH_SNIFF_LIKELY;  /* below telegram-4cat's SURE for Telegram exports */
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_4cat = {
    .name = "4cat",
    .aliases = (const char *const[]){"fourcat", NULL},
    .platform = "4cat",
    .summary = "4CAT dataset CSV of any data source (platform from its columns)",
    .example = "id,thread_id,author,body,timestamp,unix_timestamp,hashtags,urls,is_retweet,"
               "is_quote_tweet\n15,15,ana,Vote early #vote,2024-05-01 10:00:00,1714557600,vote,"
               "https://ex.com/a,no,no",
    .sniff = sniff,
    .read = read,
};
