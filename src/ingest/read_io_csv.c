/*
 * read_io_csv.c — reader for the X/Twitter information-operations archive CSV
 * (tweetid,userid,user_display_name,user_screen_name,...,tweet_text,tweet_time,...).
 *
 * Columns are looked up by name in the header, because releases differ: some omit columns,
 * some reorder them. Required: tweetid, tweet_time, and userid or user_screen_name. Ids stay
 * strings (they exceed 2^53, and small accounts' userids are hashes in these archives).
 *
 * Kind: is_retweet true -> repost of retweet_tweetid by retweet_userid (the handle, when the
 * text starts "RT @handle:", becomes ref_author); else in_reply_to_tweetid -> reply; else
 * quoted_tweet_tweetid -> quote; else post. When a release has no is_retweet column, a
 * non-empty retweet_tweetid alone marks a repost.
 * Lists (hashtags, urls, user_mentions) are cells like "['hk', 'china']", "[hk, china]" or
 * "[]"; user_mentions hold user ids and are kept as mentions anyway.
 * The account snapshot (display name, description, follower/following counts, creation date)
 * comes with every row; the corpus keeps the latest.
 * tweet_text is HTML-escaped as the API returned it (&amp; &lt; &gt;); the corpus decodes it.
 * Bad rows (wrong column count, invalid UTF-8, unparseable time) are reported and skipped.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/timeparse.h"
#include "ingest/csv.h"
#include "ingest/csv_ingest.h"
#include "ingest/reader.h"

enum {
    C_TWEETID, C_USERID, C_DISPLAY, C_SCREEN, C_DESC, C_FOLLOWERS, C_FOLLOWING, C_CREATED,
    C_TLANG, C_TEXT, C_TIME, C_CLIENT, C_REPLY_USER, C_REPLY_TWEET, C_QUOTED, C_IS_RT,
    C_RT_USER, C_RT_TWEET, C_HASHTAGS, C_URLS, C_MENTIONS, C__N
};

static const char *const col_names[C__N] = {
    [C_TWEETID] = "tweetid",
    [C_USERID] = "userid",
    [C_DISPLAY] = "user_display_name",
    [C_SCREEN] = "user_screen_name",
    [C_DESC] = "user_profile_description",
    [C_FOLLOWERS] = "follower_count",
    [C_FOLLOWING] = "following_count",
    [C_CREATED] = "account_creation_date",
    [C_TLANG] = "tweet_language",
    [C_TEXT] = "tweet_text",
    [C_TIME] = "tweet_time",
    [C_CLIENT] = "tweet_client_name",
    [C_REPLY_USER] = "in_reply_to_userid",
    [C_REPLY_TWEET] = "in_reply_to_tweetid",
    [C_QUOTED] = "quoted_tweet_tweetid",
    [C_IS_RT] = "is_retweet",
    [C_RT_USER] = "retweet_userid",
    [C_RT_TWEET] = "retweet_tweetid",
    [C_HASHTAGS] = "hashtags",
    [C_URLS] = "urls",
    [C_MENTIONS] = "user_mentions",
};

/* Shortest prefix of a cell worth quoting in a message. */
static int quote_len(ch_slice s)
{
    return (int)(s.n > 64 ? 64 : s.n);
}

static void fill_meta(ch_rawpost *r, const ch_csv_rec *rec, const int *col)
{
    int64_t v;
    r->meta.display_name = ch_csv_cell(rec, col[C_DISPLAY]);
    r->meta.description = ch_csv_cell(rec, col[C_DESC]);
    if (ch_csv_int(ch_csv_cell(rec, col[C_FOLLOWERS]), &v) == CHORUS_OK && v >= 0)
        r->meta.followers = v;
    if (ch_csv_int(ch_csv_cell(rec, col[C_FOLLOWING]), &v) == CHORUS_OK && v >= 0)
        r->meta.following = v;
    ch_slice d = ch_csv_cell(rec, col[C_CREATED]);
    if (d.n && ch_time_parse_post(d.p, d.n, false, &v) == CHORUS_OK)
        r->meta.created_at = v;
    r->meta.present = r->meta.display_name.n || r->meta.description.n ||
                      r->meta.followers != CH_UNKNOWN_I64 ||
                      r->meta.following != CH_UNKNOWN_I64 ||
                      r->meta.created_at != CH_UNKNOWN_I64;
}

/* Fills r from one row. Returns 0, or CHORUS_EPARSE with *reason and msg for a bad row. `arg`
 * is the column table (a ch_csv_row_fn). */
static int row_to_post(void *arg, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
                       char *msg, size_t msglen)
{
    const int *col = arg;
    ch_rawpost_clear(r);
    r->id = ch_csv_id(ch_csv_cell(rec, col[C_TWEETID]));
    r->author_id = ch_csv_id(ch_csv_cell(rec, col[C_USERID]));
    r->author = ch_csv_cell(rec, col[C_SCREEN]);
    if (r->author.n && r->author.p[0] == '@') {
        r->author.p++;
        r->author.n--;
    }
    r->text = ch_csv_raw(rec, col[C_TEXT]);
    r->text_html_escaped = true;  /* the archives keep the API's &amp; &lt; &gt; */
    r->lang = ch_csv_cell(rec, col[C_TLANG]);
    r->client = ch_csv_cell(rec, col[C_CLIENT]);

    ch_slice t = ch_csv_cell(rec, col[C_TIME]);
    int pr;
    if (t.n && (pr = ch_time_parse_post(t.p, t.n, false, &r->created_at)) != CHORUS_OK) {
        *reason = CH_R_BAD_TIME;
        snprintf(msg, msglen, "%s tweet_time '%.*s'%s", ch_time_problem(pr), quote_len(t), t.p,
                 pr == CHORUS_ELIMIT ? " (posts lie in " CH_TIME_WINDOW ")" : "");
        return CHORUS_EPARSE;
    }

    ch_slice rt_tweet = ch_csv_id(ch_csv_cell(rec, col[C_RT_TWEET]));
    ch_slice reply_tweet = ch_csv_id(ch_csv_cell(rec, col[C_REPLY_TWEET]));
    ch_slice quoted = ch_csv_id(ch_csv_cell(rec, col[C_QUOTED]));
    int is_rt = col[C_IS_RT] >= 0 ? ch_csv_bool(ch_csv_cell(rec, col[C_IS_RT])) : -1;
    if (is_rt == 1 || (is_rt == -1 && rt_tweet.n)) {
        r->kind = CH_KIND_REPOST;
        r->ref_id = rt_tweet;
        r->ref_author_id = ch_csv_id(ch_csv_cell(rec, col[C_RT_USER]));
        ch_csv_rt_handle(r->text, &r->ref_author);
    } else if (reply_tweet.n) {
        r->kind = CH_KIND_REPLY;
        r->ref_id = reply_tweet;
        r->ref_author_id = ch_csv_id(ch_csv_cell(rec, col[C_REPLY_USER]));
    } else if (quoted.n) {
        r->kind = CH_KIND_QUOTE;
        r->ref_id = quoted;
    } else {
        r->kind = CH_KIND_POST;
    }

    ch_csv_list(ch_csv_cell(rec, col[C_HASHTAGS]), '#', r, ch_rawpost_add_hashtag);
    ch_csv_list(ch_csv_cell(rec, col[C_URLS]), 0, r, ch_rawpost_add_url);
    ch_csv_list(ch_csv_cell(rec, col[C_MENTIONS]), '@', r, ch_rawpost_add_mention);
    fill_meta(r, rec, col);
    return CHORUS_OK;
}

/* Finds the columns by name (a ch_csv_header_fn; `arg` is the column table). */
static int find_columns(void *arg, ch_ingest_ctx *ctx, const ch_csv *csv, uint64_t line)
{
    int *col = arg;
    for (int i = 0; i < C__N; i++)
        col[i] = ch_csv_col(csv, col_names[i]);
    const char *missing = col[C_TWEETID] < 0 ? "tweetid"
                          : col[C_TIME] < 0  ? "tweet_time"
                          : col[C_USERID] < 0 && col[C_SCREEN] < 0 ? "userid"
                                                                   : NULL;
    if (missing) {
        ch_ingest_reject(ctx, line, CH_R_BAD_FIELD,
                         "not an io-csv file: the header has no '%s' column", missing);
        return CHORUS_EFORMAT;
    }
    return CHORUS_OK;
}

static int read(ch_ingest_ctx *ctx)
{
    int col[C__N];
    return ch_csv_each_row(ctx, find_columns, row_to_post, col);
}

static int sniff(const ch_sniff *s)
{
    if (ch_sniff_is_table(s) && ch_sniff_header_has(s, "tweetid") &&
        ch_sniff_header_has(s, "userid") && ch_sniff_header_has(s, "tweet_text"))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_io_csv = {
    .name = "io-csv",
    .aliases = (const char *const[]){"io", "iocsv", NULL},
    .platform = "x",
    .summary = "the X/Twitter information-operations archive CSV",
    .example = "tweetid,userid,user_screen_name,tweet_text,tweet_time,is_retweet\n1,7,ana,Hello,2023-03-01 10:00,false",
    .sniff = sniff,
    .read = read,
};
