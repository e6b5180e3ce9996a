/* out_v2.c — Twitter API v2 responses as a collector (twarc2) writes them: one page per line
 * with "data" (about 100 tweets, newest first), "includes" ("users" for authors, mentioned and
 * referenced users; "tweets" for retweeted and quoted tweets), "meta" and "__twarc".
 * Retweet text is the legacy "RT @x: ..." cut at 140 characters; the full text is in the
 * referenced tweet under includes.tweets. */
#include "synth.h"

#include <stdlib.h>

#define PAGE 100

static Buf tw[PAGE];        /* serialized data tweets of the current page */
static uint64_t tw_id[PAGE];
static int n_tw;
static Buf inc_users, inc_tweets;
static uint32_t *seen_user; /* page stamp per account */
static uint64_t *seen_tw;   /* small set of included tweet ids */
static int n_seen_tw;
static uint32_t page_no = 1;

void v2_open(Out *o)
{
    (void)o;
    for (int i = 0; i < PAGE; i++)
        buf_init(&tw[i], 4096, 1 << 20);
    buf_init(&inc_users, 1 << 16, 1 << 26);
    buf_init(&inc_tweets, 1 << 16, 1 << 26);
    seen_user = xcalloc(S.n_acct, sizeof(uint32_t));
    seen_tw = xmalloc(sizeof(uint64_t) * PAGE * 3);
    n_tw = 0;
    n_seen_tw = 0;
}

static void user_obj(const Account *a)
{
    if (seen_user[a - S.acct] == page_no)
        return;
    seen_user[a - S.acct] = page_no;
    Buf *b = &inc_users;
    char t[32];
    if (b->len)
        buf_putc(b, ',');
    buf_puts(b, "{\"created_at\":\"");
    fmt_iso_ms(t, a->created * 1000);
    buf_puts(b, t);
    buf_puts(b, "\",\"description\":");
    buf_json_cstr(b, a->desc ? a->desc : "");
    buf_puts(b, ",\"id\":");
    buf_u64str(b, a->id);
    if (a->location && a->location[0]) {
        buf_puts(b, ",\"location\":");
        buf_json_cstr(b, a->location);
    }
    buf_puts(b, ",\"name\":");
    buf_json_cstr(b, a->name);
    buf_puts(b, ",\"profile_image_url\":\"");
    if (a->def_image) {
        buf_puts(b, "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png");
    } else {
        char code[12];
        base62(a->img ^ a->id, code, 8);
        buf_puts(b, "https://pbs.twimg.com/profile_images/");
        buf_u64(b, a->img);
        buf_putc(b, '/');
        buf_puts(b, code);
        buf_puts(b, "_normal.jpg");
    }
    buf_puts(b, "\",\"protected\":false,\"public_metrics\":{\"followers_count\":");
    buf_u64(b, a->followers);
    buf_puts(b, ",\"following_count\":");
    buf_u64(b, a->friends);
    buf_puts(b, ",\"tweet_count\":");
    buf_u64(b, a->statuses);
    buf_puts(b, ",\"listed_count\":");
    buf_u64(b, a->listed);
    buf_puts(b, "},\"url\":");
    if (a->url) {
        char tco[16];
        base62(hash3(hash_str(a->url), a->id, 0x75e1), tco, 10);
        buf_puts(b, "\"https://t.co/");
        buf_puts(b, tco);
        buf_puts(b, "\",\"entities\":{\"url\":{\"urls\":[{\"start\":0,\"end\":23,\"url\":\"https://t.co/");
        buf_puts(b, tco);
        buf_puts(b, "\",\"expanded_url\":");
        buf_json_cstr(b, a->url);
        buf_puts(b, ",\"display_url\":");
        const char *d = strstr(a->url, "://");
        buf_json_cstr(b, d ? d + 3 : a->url);
        buf_puts(b, "}]}}");
    } else {
        buf_puts(b, "\"\"");
    }
    buf_puts(b, ",\"username\":");
    buf_json_cstr(b, a->handle);
    buf_puts(b, ",\"verified\":");
    buf_puts(b, a->verified ? "true" : "false");
    buf_putc(b, '}');
}

/* Opens the object of entity e in a list: the separator, then its start and end (code point
 * offsets shifted by `shift`). */
static void entity_open(Buf *b, bool *first, const Ent *e, int shift)
{
    buf_sep(b, first);
    buf_puts(b, "{\"start\":");
    buf_i64(b, e->c0 + shift);
    buf_puts(b, ",\"end\":");
    buf_i64(b, e->c1 + shift);
}

static void entities_v2(Buf *b, const Content *c, int shift, int limit_cp, uint32_t rt_author, bool rt)
{
    bool any = false;
    int nh = 0, nm = 0, nu = 0;
    for (int i = 0; i < c->n_ent; i++) {
        if (limit_cp >= 0 && c->ent[i].c1 > limit_cp)
            continue;
        nh += c->ent[i].kind == ENT_HASHTAG;
        nm += c->ent[i].kind == ENT_MENTION;
        nu += c->ent[i].kind == ENT_URL;
    }
    if (!nh && !nm && !nu && !rt)
        return;
    buf_puts(b, "\"entities\":{");
    if (nu) {
        buf_puts(b, "\"urls\":[");
        bool first = true;
        for (int i = 0; i < c->n_ent; i++) {
            const Ent *e = &c->ent[i];
            if (!ent_within(e, ENT_URL, limit_cp))
                continue;
            entity_open(b, &first, e, shift);
            buf_puts(b, ",\"url\":\"https://t.co/");
            buf_puts(b, c->url_tco[e->idx]);
            buf_puts(b, "\",\"expanded_url\":");
            buf_json_cstr(b, c->url_exp[e->idx]);
            const char *d = strstr(c->url_exp[e->idx], "://");
            d = d ? d + 3 : c->url_exp[e->idx];
            buf_puts(b, ",\"display_url\":");
            size_t dl = strlen(d);
            if (utf8_cplen(d, dl) > 26) {
                char tmp[64];
                snprintf(tmp, sizeof tmp, "%.26s…", d);
                buf_json_cstr(b, tmp);
            } else {
                buf_json_cstr(b, d);
            }
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
        any = true;
    }
    if (nh) {
        if (any)
            buf_putc(b, ',');
        buf_puts(b, "\"hashtags\":[");
        bool first = true;
        for (int i = 0; i < c->n_ent; i++) {
            const Ent *e = &c->ent[i];
            if (!ent_within(e, ENT_HASHTAG, limit_cp))
                continue;
            entity_open(b, &first, e, shift);
            buf_puts(b, ",\"tag\":");
            buf_json_str(b, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1), false);
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
        any = true;
    }
    if (nm || rt) {
        if (any)
            buf_putc(b, ',');
        buf_puts(b, "\"mentions\":[");
        bool first = true;
        if (rt) {
            const Account *oa = &S.acct[rt_author];
            buf_puts(b, "{\"start\":3,\"end\":");
            buf_u64(b, 4 + strlen(oa->handle));
            buf_puts(b, ",\"username\":");
            buf_json_cstr(b, oa->handle);
            buf_puts(b, ",\"id\":");
            buf_u64str(b, oa->id);
            buf_putc(b, '}');
            first = false;
        }
        for (int i = 0; i < c->n_ent; i++) {
            const Ent *e = &c->ent[i];
            if (!ent_within(e, ENT_MENTION, limit_cp))
                continue;
            const Account *ma = &S.acct[c->mention[e->idx]];
            entity_open(b, &first, e, shift);
            buf_puts(b, ",\"username\":");
            buf_json_cstr(b, ma->handle);
            buf_puts(b, ",\"id\":");
            buf_u64str(b, ma->id);
            buf_putc(b, '}');
            user_obj(ma);
        }
        buf_putc(b, ']');
    }
    buf_puts(b, "},");
}

/* one tweet object; own text given (may be the RT text) */
static void tweet_obj(Buf *b, const Post *p, bool top)
{
    const Account *a = &S.acct[p->author];
    const Content *c = p->c;
    char t[32];
    buf_reserve(b, 8192);
    buf_puts(b, "{\"author_id\":");
    buf_u64str(b, a->id);
    buf_puts(b, ",\"text\":");
    bool rt = top && p->kind == K_REPOST && p->ref;
    int shift = 0, limit = -1;
    if (rt) {
        const Account *oa = &S.acct[p->ref->author];
        char pre[40];
        int n = snprintf(pre, sizeof pre, "RT @%s: ", oa->handle);
        shift = (int)utf8_cplen(pre, (size_t)n);
        const Content *oc = p->ref->c;
        Buf tx;
        buf_init(&tx, 512, TXT_MAX + 64);
        buf_put(&tx, pre, (size_t)n);
        size_t cps = utf8_cplen(oc->t, oc->len);
        if ((size_t)shift + cps > 140) {
            size_t keep = 139 - (size_t)shift, i = 0, k = 0;
            while (i < oc->len && k < keep) {
                i++;
                while (i < oc->len && ((unsigned char)oc->t[i] & 0xC0) == 0x80)
                    i++;
                k++;
            }
            buf_put(&tx, oc->t, i);
            buf_puts(&tx, "…");
            limit = (int)keep;
        } else {
            buf_put(&tx, oc->t, oc->len);
        }
        buf_json_str(b, tx.p, tx.len, true);
        buf_free(&tx);
        c = oc;
    } else {
        buf_json_str(b, c->t, c->len, true);
    }
    buf_putc(b, ',');
    entities_v2(b, c, shift, limit, rt ? p->ref->author : 0, rt);
    if (p->kind != K_POST && p->ref_id) {
        buf_puts(b, "\"referenced_tweets\":[{\"type\":\"");
        buf_puts(b, p->kind == K_REPOST ? "retweeted" : p->kind == K_QUOTE ? "quoted" : "replied_to");
        buf_puts(b, "\",\"id\":");
        buf_u64str(b, p->ref_id);
        buf_puts(b, "}],");
    }
    if (p->kind == K_REPLY) {
        buf_puts(b, "\"in_reply_to_user_id\":");
        buf_u64str(b, S.acct[p->ref_author].id);
        buf_putc(b, ',');
    }
    buf_puts(b, "\"reply_settings\":\"everyone\",\"conversation_id\":");
    buf_u64str(b, p->kind == K_REPLY ? p->ref_id : p->id);
    buf_puts(b, ",\"possibly_sensitive\":false,\"source\":");
    buf_json_cstr(b, client_name(a->client));
    buf_puts(b, ",\"public_metrics\":{\"retweet_count\":");
    buf_u64(b, rt ? p->ref->n_rt : p->n_rt);
    buf_puts(b, ",\"reply_count\":");
    buf_u64(b, rt ? 0 : p->n_reply);
    buf_puts(b, ",\"like_count\":");
    buf_u64(b, rt ? 0 : p->n_like);
    buf_puts(b, ",\"quote_count\":");
    buf_u64(b, rt ? 0 : p->n_quote);
    buf_puts(b, "},\"lang\":");
    buf_json_cstr(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
    buf_puts(b, ",\"edit_history_tweet_ids\":[");
    buf_u64str(b, p->id);
    buf_puts(b, "],\"id\":");
    buf_u64str(b, p->id);
    buf_puts(b, ",\"created_at\":\"");
    fmt_iso_ms(t, p->t_ms - p->t_ms % 1000);
    buf_puts(b, t);
    buf_puts(b, "\"}");
    user_obj(a);
}

static void include_tweet(const Post *p)
{
    for (int i = 0; i < n_seen_tw; i++)
        if (seen_tw[i] == p->id)
            return;
    if (n_seen_tw < PAGE * 3)
        seen_tw[n_seen_tw++] = p->id;
    if (inc_tweets.len)
        buf_putc(&inc_tweets, ',');
    tweet_obj(&inc_tweets, p, false);
}

static void flush_page(Out *o)
{
    if (n_tw == 0)
        return;
    Buf *b = &o->b;
    buf_reserve(b, inc_users.len + inc_tweets.len + (size_t)n_tw * 4096 + 4096);
    buf_puts(b, "{\"data\":[");
    /* newest first, as the search endpoint returns them */
    for (int i = n_tw - 1; i >= 0; i--) {
        buf_put(b, tw[i].p, tw[i].len);
        if (i)
            buf_putc(b, ',');
    }
    buf_puts(b, "],\"includes\":{\"users\":[");
    buf_put(b, inc_users.p, inc_users.len);
    buf_puts(b, "]");
    if (inc_tweets.len) {
        buf_puts(b, ",\"tweets\":[");
        buf_put(b, inc_tweets.p, inc_tweets.len);
        buf_putc(b, ']');
    }
    buf_puts(b, "},\"meta\":{\"newest_id\":");
    buf_u64str(b, tw_id[n_tw - 1]);
    buf_puts(b, ",\"oldest_id\":");
    buf_u64str(b, tw_id[0]);
    buf_puts(b, ",\"result_count\":");
    buf_u64(b, (uint64_t)n_tw);
    char tok[48];
    base62(hash3(S.p.seed, page_no, 0x70c), tok, 45);
    for (char *q = tok; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q + 32);
    buf_puts(b, ",\"next_token\":\"");
    buf_puts(b, tok);
    char st[32], et[32], ra[32];
    fmt_iso_s(st, S.t0);
    fmt_iso_s(et, S.t1);
    /* retrieved shortly after the period, later pages a little later */
    int64_t rtime = S.t1 + 3 * 86400 + (int64_t)page_no * 2;
    fmt_iso_s(ra, rtime);
    memcpy(ra + 19, "+00:00", 7); /* "...T16:38:09+00:00" as twarc writes it */
    buf_puts(b, "\"},\"__twarc\":{\"url\":\"https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id"
                "%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username&user.fields=created_at"
                "%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2Cprofile_image_url%2Cprotected%2Cpublic_metrics%2Curl"
                "%2Cusername%2Cverified&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid"
                "%2Cin_reply_to_user_id%2Clang%2Cpublic_metrics%2Ctext%2Cpossibly_sensitive%2Creferenced_tweets"
                "%2Creply_settings%2Csource%2Cedit_history_tweet_ids&query=%28interference%20OR%20%23cdnpoli%20OR%20China%29&start_time=");
    buf_puts(b, st);
    buf_puts(b, "&end_time=");
    buf_puts(b, et);
    buf_puts(b, "&max_results=100\",\"version\":\"2.13.0\",\"retrieved_at\":\"");
    buf_puts(b, ra);
    buf_puts(b, "\"}}\n");
    out_flush_if(o, 1u << 22);
    for (int i = 0; i < n_tw; i++)
        tw[i].len = 0;
    n_tw = 0;
    inc_users.len = 0;
    inc_tweets.len = 0;
    n_seen_tw = 0;
    page_no++;
}

void v2_post(Out *o, const Post *p)
{
    Buf *b = &tw[n_tw];
    b->len = 0;
    tweet_obj(b, p, true);
    tw_id[n_tw++] = p->id;
    if ((p->kind == K_REPOST || p->kind == K_QUOTE) && p->ref && p->ref->c) {
        Post r = *p->ref;
        include_tweet(&r);
        user_obj(&S.acct[r.author]);
        if (r.kind == K_QUOTE && r.ref && r.ref->c)
            user_obj(&S.acct[r.ref->author]);
    }
    if (p->kind == K_REPLY)
        user_obj(&S.acct[p->ref_author]);
    if (n_tw == PAGE)
        flush_page(o);
}

void v2_close(Out *o)
{
    flush_page(o);
    for (int i = 0; i < PAGE; i++)
        buf_free(&tw[i]);
    buf_free(&inc_users);
    buf_free(&inc_tweets);
    free(seen_user);
    free(seen_tw);
}
