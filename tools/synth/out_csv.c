/* out_csv.c — two CSV layouts:
 *  - the X/Twitter information-operations archive (io-csv): one row per post with the
 *    archive's 31 columns; ids, display names and handles of accounts under 5000 followers are
 *    replaced by a hash, times have minute resolution, counts are floats, list cells use
 *    Python's repr (['a', 'b']), coordinates are "absent";
 *  - a CooRTweet-style retweet table (csv): "object_id","account_id","content_id",
 *    timestamp_share, one row per repost, quoted as R's write.csv does. */
#include "synth.h"

void io_header(Out *o)
{
    buf_puts(&o->b, "tweetid,userid,user_display_name,user_screen_name,user_reported_location,"
                    "user_profile_description,user_profile_url,follower_count,following_count,"
                    "account_creation_date,account_language,tweet_language,tweet_text,tweet_time,"
                    "tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,"
                    "is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,"
                    "reply_count,like_count,retweet_count,hashtags,urls,user_mentions,poll_choices\n");
}

static void cell(Buf *b, const char *s)
{
    buf_csv(b, s, strlen(s));
    buf_putc(b, ',');
}

static void cell_u64(Buf *b, uint64_t v)
{
    buf_u64(b, v);
    buf_putc(b, ',');
}

static void cell_float(Buf *b, uint64_t v)
{
    buf_u64(b, v);
    buf_puts(b, ".0,");
}

/* Python repr of a list of strings */
static void pylist_begin(Buf *t) { buf_putc(t, '['); }

static void pylist_item(Buf *t, const char *s, size_t n, bool first)
{
    if (!first)
        buf_puts(t, ", ");
    bool sq = memchr(s, '\'', n) != NULL;
    char q = sq ? '"' : '\'';
    buf_putc(t, q);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' || (s[i] == q))
            buf_putc(t, '\\');
        buf_putc(t, s[i]);
    }
    buf_putc(t, q);
}

static void lists(Buf *b, const Content *c)
{
    Buf t;
    buf_init(&t, 512, 1 << 20);
    /* hashtags */
    pylist_begin(&t);
    bool first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_HASHTAG) {
            pylist_item(&t, c->t + c->ent[i].b0 + 1, (size_t)(c->ent[i].b1 - c->ent[i].b0 - 1), first);
            first = false;
        }
    buf_putc(&t, ']');
    buf_csv(b, t.p, t.len);
    buf_putc(b, ',');
    /* urls (expanded) */
    t.len = 0;
    pylist_begin(&t);
    first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_URL) {
            const char *u = c->url_exp[c->ent[i].idx];
            pylist_item(&t, u, strlen(u), first);
            first = false;
        }
    buf_putc(&t, ']');
    buf_csv(b, t.p, t.len);
    buf_putc(b, ',');
    /* user mentions (user ids, hashed like the userid column) */
    t.len = 0;
    pylist_begin(&t);
    first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_MENTION) {
            const char *u = S.acct[c->mention[c->ent[i].idx]].io_id;
            pylist_item(&t, u, strlen(u), first);
            first = false;
        }
    buf_putc(&t, ']');
    buf_csv(b, t.p, t.len);
    buf_putc(b, ',');
    buf_free(&t);
}

void io_post(Out *o, const Post *p)
{
    Buf *b = &o->b;
    const Account *a = &S.acct[p->author];
    bool hashed = a->followers < 5000;
    char tmp[64];
    buf_reserve(b, 8192);
    cell_u64(b, p->id);
    cell(b, a->io_id);
    cell(b, hashed ? a->io_id : a->name);
    cell(b, hashed ? a->io_id : a->handle);
    cell(b, a->location ? a->location : "");
    cell(b, a->desc ? a->desc : "");
    cell(b, a->url ? a->url : "");
    cell_u64(b, a->followers);
    cell_u64(b, a->friends);
    fmt_date(tmp, a->created);
    cell(b, tmp);
    cell(b, a->io_lang);
    cell(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
    const Content *c = p->c;
    if (p->kind == K_REPOST && p->ref) {
        /* legacy retweet text, cut at 140 characters */
        const Account *oa = &S.acct[p->ref->author];
        Buf t;
        buf_init(&t, 512, TXT_MAX + 64);
        buf_puts(&t, "RT @");
        buf_puts(&t, oa->handle);
        buf_puts(&t, ": ");
        size_t pre = utf8_cplen(t.p, t.len);
        size_t cps = utf8_cplen(c->t, c->len);
        if (pre + cps > 140) {
            size_t keep = 139 - pre, i = 0, k = 0;
            while (i < c->len && k < keep) {
                i++;
                while (i < c->len && ((unsigned char)c->t[i] & 0xC0) == 0x80)
                    i++;
                k++;
            }
            buf_put(&t, c->t, i);
            buf_puts(&t, "…");
        } else {
            buf_put(&t, c->t, c->len);
        }
        buf_csv(b, t.p, t.len);
        buf_putc(b, ',');
        buf_free(&t);
    } else {
        buf_csv(b, c->t, c->len);
        buf_putc(b, ',');
    }
    fmt_io_time(tmp, p->t_ms / 1000);
    cell(b, tmp);
    cell(b, client_name(a->client));
    if (p->kind == K_REPLY) {
        cell(b, S.acct[p->ref_author].io_id);
        cell_u64(b, p->ref_id);
    } else {
        buf_puts(b, ",,");
    }
    if (p->kind == K_QUOTE && p->ref_id)
        cell_u64(b, p->ref_id);
    else
        buf_putc(b, ',');
    if (p->kind == K_REPOST && p->ref) {
        cell(b, "True");
        cell(b, S.acct[p->ref->author].io_id);
        cell_u64(b, p->ref->id);
    } else {
        buf_puts(b, "False,,,");
    }
    buf_puts(b, "absent,absent,");
    bool rt = p->kind == K_REPOST;
    cell_float(b, rt ? 0 : p->n_quote);
    cell_float(b, rt ? 0 : p->n_reply);
    cell_float(b, rt ? 0 : p->n_like);
    cell_float(b, rt ? 0 : p->n_rt);
    lists(b, c);
    buf_putc(b, '\n');
}

void ct_header(Out *o) { buf_puts(&o->b, "\"object_id\",\"account_id\",\"content_id\",\"timestamp_share\"\n"); }

void ct_post(Out *o, const Post *p)
{
    Buf *b = &o->b;
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)p->ref_id);
    buf_csv_always(b, tmp, (size_t)n);
    buf_putc(b, ',');
    n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)S.acct[p->author].id);
    buf_csv_always(b, tmp, (size_t)n);
    buf_putc(b, ',');
    n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)p->id);
    buf_csv_always(b, tmp, (size_t)n);
    buf_putc(b, ',');
    buf_i64(b, p->t_ms / 1000);
    buf_putc(b, '\n');
}
