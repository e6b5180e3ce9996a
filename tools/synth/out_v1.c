/* out_v1.c — Twitter API v1.1 statuses, one JSON object per line, and the dispatch of every
 * post to the requested writers.
 *
 * Two collection layouts are mixed by blocks of hours, as in datasets that merge a streaming
 * capture with REST back-fills: streaming statuses carry "text" (140-character compatibility
 * text, "truncated": true plus "extended_tweet" for longer tweets; retweet text cut at 140 with
 * an ellipsis), "filter_level" and "timestamp_ms"; REST statuses carry "full_text" and
 * "display_text_range". Text fields are HTML-escaped (&amp; &lt; &gt;) as the API does; entity
 * indices count code points of the unescaped text. */
#include "synth.h"

static Out o_v1, o_v2, o_io, o_ct, o_ch, o_js, o_md;

void writers_open(void)
{
    int f = S.p.formats;
    const char *z = S.p.compress;
    if (f & FMT_V1)
        out_open(&o_v1, S.p.outdir, "posts.v1.jsonl", z);
    if (f & FMT_V2) {
        out_open(&o_v2, S.p.outdir, "posts.v2.jsonl", z);
        v2_open(&o_v2);
    }
    if (f & FMT_IO) {
        out_open(&o_io, S.p.outdir, "posts.io.csv", z);
        io_header(&o_io);
    }
    if (f & FMT_CSV) {
        out_open(&o_ct, S.p.outdir, "posts.csv", z);
        ct_header(&o_ct);
    }
    if (f & FMT_CHORUS)
        out_open(&o_ch, S.p.outdir, "posts.chorus.jsonl", z);
    if (f & FMT_JETSTREAM)
        out_open(&o_js, S.p.outdir, "posts.jetstream.jsonl", z);
    if (f & FMT_MASTODON)
        out_open(&o_md, S.p.outdir, "posts.mastodon.jsonl", z);
}

void writers_post(const Post *p)
{
    int f = S.p.formats;
    if (mix_on()) /* --platform-mix: the native file of the author's platform only */
        f &= S.plat[p->author] == PF_X ? FMT_V1 : S.plat[p->author] == PF_BLUESKY ? FMT_JETSTREAM : FMT_MASTODON;
    if (f & FMT_V1) {
        v1_status(&o_v1.b, p, 0);
        buf_putc(&o_v1.b, '\n');
        out_flush_if(&o_v1, 1u << 22);
    }
    if (f & FMT_V2)
        v2_post(&o_v2, p);
    if (f & FMT_IO) {
        io_post(&o_io, p);
        out_flush_if(&o_io, 1u << 22);
    }
    if ((f & FMT_CSV) && p->kind == K_REPOST) {
        ct_post(&o_ct, p);
        out_flush_if(&o_ct, 1u << 22);
    }
    if (f & FMT_CHORUS) {
        chorus_post(&o_ch, p);
        out_flush_if(&o_ch, 1u << 22);
    }
    if (f & FMT_JETSTREAM) {
        js_post(&o_js, p);
        out_flush_if(&o_js, 1u << 22);
    }
    if (f & FMT_MASTODON) {
        mastodon_post(&o_md, p);
        out_flush_if(&o_md, 1u << 22);
    }
}

void writers_close(void)
{
    int f = S.p.formats;
    if (f & FMT_V1)
        out_close(&o_v1);
    if (f & FMT_V2) {
        v2_close(&o_v2);
        out_close(&o_v2);
    }
    if (f & FMT_IO)
        out_close(&o_io);
    if (f & FMT_CSV)
        out_close(&o_ct);
    if (f & FMT_CHORUS)
        out_close(&o_ch);
    if (f & FMT_JETSTREAM)
        js_close(&o_js);
    if (f & FMT_MASTODON)
        out_close(&o_md);
}

/* ------------------------------------------------------------ pieces */

static void kv(Buf *b, const char *k)
{
    buf_putc(b, '"');
    buf_puts(b, k);
    buf_puts(b, "\":");
}

static void kv_str(Buf *b, const char *k, const char *v)
{
    kv(b, k);
    buf_json_str(b, v, strlen(v), false);
    buf_putc(b, ',');
}

static void kv_u64(Buf *b, const char *k, uint64_t v)
{
    kv(b, k);
    buf_u64(b, v);
    buf_putc(b, ',');
}

static void kv_bool(Buf *b, const char *k, bool v)
{
    kv(b, k);
    buf_puts(b, v ? "true," : "false,");
}

static void display_url(const char *exp, char *out, size_t cap)
{
    const char *s = strstr(exp, "://");
    s = s ? s + 3 : exp;
    if (!strncmp(s, "www.", 4))
        s += 4;
    size_t n = strlen(s);
    if (utf8_cplen(s, n) > 26) {
        size_t k = 0, cp = 0;
        while (k < n && cp < 26) {
            k++;
            if (((unsigned char)s[k] & 0xC0) != 0x80)
                cp++;
        }
        snprintf(out, cap, "%.*s…", (int)k, s);
    } else {
        snprintf(out, cap, "%s", s);
    }
}

/* entities of c; indices shifted by `shift`; only entities ending at or before limit_cp
 * (limit_cp < 0: all). extra_url: an additional url entity (i/web link) or NULL. */
static void entities_json(Buf *b, const Content *c, int shift, int limit_cp, const char *extra_tco,
                          const char *extra_exp, int extra_c0)
{
    buf_puts(b, "{\"hashtags\":[");
    bool first = true;
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (!ent_within(e, ENT_HASHTAG, limit_cp))
            continue;
        buf_sep(b, &first);
        buf_puts(b, "{\"text\":");
        buf_json_str(b, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1), false);
        buf_puts(b, ",\"indices\":[");
        buf_i64(b, e->c0 + shift);
        buf_putc(b, ',');
        buf_i64(b, e->c1 + shift);
        buf_puts(b, "]}");
    }
    buf_puts(b, "],\"symbols\":[],\"user_mentions\":[");
    first = true;
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (!ent_within(e, ENT_MENTION, limit_cp))
            continue;
        const Account *a = &S.acct[c->mention[e->idx]];
        buf_sep(b, &first);
        buf_puts(b, "{\"screen_name\":");
        buf_json_cstr(b, a->handle);
        buf_puts(b, ",\"name\":");
        buf_json_cstr(b, a->name);
        buf_puts(b, ",\"id\":");
        buf_u64(b, a->id);
        buf_puts(b, ",\"id_str\":");
        buf_u64str(b, a->id);
        buf_puts(b, ",\"indices\":[");
        buf_i64(b, e->c0 + shift);
        buf_putc(b, ',');
        buf_i64(b, e->c1 + shift);
        buf_puts(b, "]}");
    }
    buf_puts(b, "],\"urls\":[");
    first = true;
    char disp[64];
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (!ent_within(e, ENT_URL, limit_cp))
            continue;
        buf_sep(b, &first);
        buf_puts(b, "{\"url\":\"https://t.co/");
        buf_puts(b, c->url_tco[e->idx]);
        buf_puts(b, "\",\"expanded_url\":");
        buf_json_cstr(b, c->url_exp[e->idx]);
        display_url(c->url_exp[e->idx], disp, sizeof disp);
        buf_puts(b, ",\"display_url\":");
        buf_json_cstr(b, disp);
        buf_puts(b, ",\"indices\":[");
        buf_i64(b, e->c0 + shift);
        buf_putc(b, ',');
        buf_i64(b, e->c1 + shift);
        buf_puts(b, "]}");
    }
    if (extra_tco) {
        if (!first)
            buf_putc(b, ',');
        buf_puts(b, "{\"url\":\"https://t.co/");
        buf_puts(b, extra_tco);
        buf_puts(b, "\",\"expanded_url\":");
        buf_json_cstr(b, extra_exp);
        display_url(extra_exp, disp, sizeof disp);
        buf_puts(b, ",\"display_url\":");
        buf_json_cstr(b, disp);
        buf_puts(b, ",\"indices\":[");
        buf_i64(b, extra_c0);
        buf_putc(b, ',');
        buf_i64(b, extra_c0 + 23);
        buf_puts(b, "]}");
    }
    buf_puts(b, "]}");
}

void v1_entities(Buf *b, const Content *c, int shift, int limit_cp) { entities_json(b, c, shift, limit_cp, NULL, NULL, 0); }

static const char *theme_bg[8] = {"C0DEED", "000000", "1A1B1F", "642D8B", "352726", "9AE4E8", "EBEBEB", "F5F8FA"};
static const char *theme_link[8] = {"1DA1F2", "981CEB", "2FC2EF", "FF691F", "3B94D9", "0084B4", "E81C4F", "19CF86"};

void v1_user(Buf *b, const Account *a)
{
    char tbuf[32];
    buf_putc(b, '{');
    kv_u64(b, "id", a->id);
    kv(b, "id_str");
    buf_u64str(b, a->id);
    buf_putc(b, ',');
    kv_str(b, "name", a->name);
    kv_str(b, "screen_name", a->handle);
    kv_str(b, "location", a->location ? a->location : "");
    char tco[16];
    if (a->url) {
        base62(hash3(hash_str(a->url), a->id, 0x75e1), tco, 10);
        kv(b, "url");
        buf_puts(b, "\"https://t.co/");
        buf_puts(b, tco);
        buf_puts(b, "\",");
    } else {
        buf_puts(b, "\"url\":null,");
    }
    kv_str(b, "description", a->desc ? a->desc : "");
    kv_str(b, "translator_type", "none");
    kv_bool(b, "protected", false);
    kv_bool(b, "verified", a->verified);
    kv_u64(b, "followers_count", a->followers);
    kv_u64(b, "friends_count", a->friends);
    kv_u64(b, "listed_count", a->listed);
    kv_u64(b, "favourites_count", a->favourites);
    kv_u64(b, "statuses_count", a->statuses);
    fmt_v1_time(tbuf, a->created);
    kv_str(b, "created_at", tbuf);
    buf_puts(b, "\"utc_offset\":null,\"time_zone\":null,");
    kv_bool(b, "geo_enabled", a->geo);
    buf_puts(b, "\"lang\":null,\"contributors_enabled\":false,\"is_translator\":false,");
    int th = a->def_profile ? 0 : a->theme % 8;
    kv_str(b, "profile_background_color", a->def_profile ? "F5F8FA" : theme_bg[th]);
    if (a->def_profile) {
        buf_puts(b, "\"profile_background_image_url\":null,\"profile_background_image_url_https\":null,");
    } else {
        buf_puts(b, "\"profile_background_image_url\":\"http://abs.twimg.com/images/themes/theme");
        buf_u64(b, (uint64_t)th + 1);
        buf_puts(b, "/bg.png\",\"profile_background_image_url_https\":\"https://abs.twimg.com/images/themes/theme");
        buf_u64(b, (uint64_t)th + 1);
        buf_puts(b, "/bg.png\",");
    }
    kv_bool(b, "profile_background_tile", false);
    kv_str(b, "profile_link_color", a->def_profile ? "1DA1F2" : theme_link[th]);
    kv_str(b, "profile_sidebar_border_color", a->def_profile ? "C0DEED" : "FFFFFF");
    kv_str(b, "profile_sidebar_fill_color", "DDEEF6");
    kv_str(b, "profile_text_color", "333333");
    kv_bool(b, "profile_use_background_image", true);
    if (a->def_image) {
        buf_puts(b, "\"profile_image_url\":\"http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png\","
                    "\"profile_image_url_https\":\"https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png\",");
    } else {
        char code[12];
        base62(a->img ^ a->id, code, 8);
        for (int s = 0; s < 2; s++) {
            buf_puts(b, s ? "\"profile_image_url_https\":\"https://pbs.twimg.com/profile_images/"
                          : "\"profile_image_url\":\"http://pbs.twimg.com/profile_images/");
            buf_u64(b, a->img);
            buf_putc(b, '/');
            buf_puts(b, code);
            buf_puts(b, "_normal.jpg\",");
        }
    }
    if (!a->def_profile) {
        buf_puts(b, "\"profile_banner_url\":\"https://pbs.twimg.com/profile_banners/");
        buf_u64(b, a->id);
        buf_putc(b, '/');
        buf_u64(b, (uint64_t)(a->created + (int64_t)(a->img % 90000000)));
        buf_puts(b, "\",");
    }
    kv_bool(b, "default_profile", a->def_profile);
    kv_bool(b, "default_profile_image", a->def_image);
    buf_puts(b, "\"following\":null,\"follow_request_sent\":null,\"notifications\":null}");
}

/* byte length of the first n code points of s */
static size_t cp_bytes(const char *s, size_t len, size_t n)
{
    size_t i = 0, k = 0;
    while (i < len && k < n) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        k++;
    }
    return i;
}

/* leading @mentions of a reply are outside the display range */
static int reply_display_start(const Content *c)
{
    int start = 0;
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (e->kind == ENT_MENTION && e->c0 == start)
            start = e->c1 + 1;
        else if (e->c0 >= start)
            break;
    }
    return start > (int)utf8_cplen(c->t, c->len) ? 0 : start;
}

/* "RT @x: text" cut to 140 code points with an ellipsis (legacy retweet text) */
static void rt_text(const Post *p, char *out, size_t cap, size_t *out_len, size_t *limit_cp, int *shift)
{
    const Account *oa = &S.acct[p->ref->author];
    int n = snprintf(out, cap, "RT @%s: ", oa->handle);
    *shift = (int)utf8_cplen(out, (size_t)n);
    const Content *c = p->ref->c;
    size_t total = (size_t)*shift + utf8_cplen(c->t, c->len);
    size_t body;
    if (total <= 140) {
        body = c->len;
        *limit_cp = (size_t)-1;
    } else {
        size_t keep = 139 - (size_t)*shift;
        body = cp_bytes(c->t, c->len, keep);
        *limit_cp = keep;
    }
    if ((size_t)n + body + 4 >= cap)
        body = cap - (size_t)n - 4;
    memcpy(out + n, c->t, body);
    size_t l = (size_t)n + body;
    if (*limit_cp != (size_t)-1) {
        memcpy(out + l, "…", 3);
        l += 3;
    }
    out[l] = 0;
    *out_len = l;
}

/* entities of a retweet's text: the RT mention, then the original's within the cut, shifted */
static void rt_entities(Buf *b, const Post *p, int rt_shift, size_t rt_limit)
{
    const Account *oa = &S.acct[p->ref->author];
    Buf eb;
    buf_init(&eb, 4096, 1 << 20);
    entities_json(&eb, p->ref->c, rt_shift, rt_limit == (size_t)-1 ? -1 : (int)rt_limit, NULL, NULL, 0);
    const char *um = strstr(eb.p, "\"user_mentions\":[");
    size_t at = (size_t)(um - eb.p) + 17;
    buf_put(b, eb.p, at);
    buf_puts(b, "{\"screen_name\":");
    buf_json_cstr(b, oa->handle);
    buf_puts(b, ",\"name\":");
    buf_json_cstr(b, oa->name);
    buf_puts(b, ",\"id\":");
    buf_u64(b, oa->id);
    buf_puts(b, ",\"id_str\":");
    buf_u64str(b, oa->id);
    buf_puts(b, ",\"indices\":[3,");
    buf_u64(b, 4 + strlen(oa->handle));
    buf_puts(b, "]}");
    if (eb.p[at] != ']')
        buf_putc(b, ',');
    buf_put(b, eb.p + at, eb.len - at);
    buf_free(&eb);
}

static void source_html(Buf *b, int client)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "<a href=\"%s\" rel=\"nofollow\">%s</a>", client_url(client), client_name(client));
    kv_str(b, "source", tmp);
}

static void reply_fields(Buf *b, const Post *p)
{
    if (p->kind == K_REPLY) {
        const Account *pa = &S.acct[p->ref_author];
        kv_u64(b, "in_reply_to_status_id", p->ref_id);
        kv(b, "in_reply_to_status_id_str");
        buf_u64str(b, p->ref_id);
        buf_putc(b, ',');
        kv_u64(b, "in_reply_to_user_id", pa->id);
        kv(b, "in_reply_to_user_id_str");
        buf_u64str(b, pa->id);
        buf_putc(b, ',');
        kv_str(b, "in_reply_to_screen_name", pa->handle);
    } else {
        buf_puts(b, "\"in_reply_to_status_id\":null,\"in_reply_to_status_id_str\":null,\"in_reply_to_user_id\":null,"
                    "\"in_reply_to_user_id_str\":null,\"in_reply_to_screen_name\":null,");
    }
}

static void geo_fields(Buf *b) { buf_puts(b, "\"geo\":null,\"coordinates\":null,\"place\":null,\"contributors\":null,"); }

static void quote_fields(Buf *b, const Post *p, bool rest, int depth)
{
    if (p->kind == K_QUOTE && p->ref) {
        kv_u64(b, "quoted_status_id", p->ref->id);
        kv(b, "quoted_status_id_str");
        buf_u64str(b, p->ref->id);
        buf_putc(b, ',');
        if (depth <= 1 && p->ref->c) {
            /* a quote's quoted status is embedded at the top level and inside a retweet */
            Post q = *p->ref;
            q.rest_mode = rest;
            q.ref = NULL;
            kv(b, "quoted_status");
            v1_status(b, &q, depth + 1);
            buf_putc(b, ',');
        }
        const Account *qa = &S.acct[p->ref->author];
        char tco[16];
        base62(hash3(p->id, p->ref->id, 0x9e0), tco, 10);
        buf_puts(b, "\"quoted_status_permalink\":{\"url\":\"https://t.co/");
        buf_puts(b, tco);
        buf_puts(b, "\",\"expanded\":\"https://twitter.com/");
        buf_puts(b, qa->handle);
        buf_puts(b, "/status/");
        buf_u64(b, p->ref->id);
        buf_puts(b, "\",\"display\":\"twitter.com/");
        buf_puts(b, qa->handle);
        buf_puts(b, "/status/…\"},");
    }
}

static void tail_fields(Buf *b, const Post *p, bool rest, int depth)
{
    uint32_t rt = p->kind == K_REPOST && p->ref ? p->ref->n_rt : p->n_rt;
    if (!rest) {
        kv_u64(b, "quote_count", depth ? p->n_quote : 0);
        kv_u64(b, "reply_count", depth ? p->n_reply : 0);
        kv_u64(b, "retweet_count", depth ? rt : 0);
        kv_u64(b, "favorite_count", depth ? p->n_like : 0);
    } else {
        kv_u64(b, "retweet_count", rt);
        kv_u64(b, "favorite_count", p->kind == K_REPOST ? 0 : p->n_like);
    }
}

/* A status. depth 0: top level; 1: embedded (retweeted_status / quoted_status). */
void v1_status(Buf *b, const Post *p, int depth)
{
    const Account *a = &S.acct[p->author];
    const Content *c = p->c;
    bool rest = p->rest_mode;
    char tbuf[32];
    buf_reserve(b, 16384);
    buf_putc(b, '{');
    fmt_v1_time(tbuf, p->t_ms / 1000);
    kv_str(b, "created_at", tbuf);
    kv_u64(b, "id", p->id);
    kv(b, "id_str");
    buf_u64str(b, p->id);
    buf_putc(b, ',');

    bool is_rt = p->kind == K_REPOST && p->ref && depth == 0;
    char rtbuf[TXT_MAX + 64];
    size_t rtl = 0, rt_limit = 0;
    int rt_shift = 0;
    size_t cps = utf8_cplen(c->t, c->len);
    bool long_tw = !is_rt && cps > 140;
    char iweb_tco[16];
    char iweb_exp[96];
    size_t compat_cp = 0;
    int disp0 = p->kind == K_REPLY ? reply_display_start(c) : 0;

    if (is_rt) {
        rt_text(p, rtbuf, sizeof rtbuf, &rtl, &rt_limit, &rt_shift);
        kv(b, rest ? "full_text" : "text");
        buf_json_str(b, rtbuf, rtl, true);
        buf_putc(b, ',');
        if (rest) {
            buf_puts(b, "\"truncated\":false,\"display_text_range\":[0,");
            buf_u64(b, utf8_cplen(rtbuf, rtl));
            buf_puts(b, "],\"entities\":");
        } else {
            source_html(b, a->client);
            buf_puts(b, "\"truncated\":false,");
        }
    } else if (rest) {
        kv(b, "full_text");
        buf_json_str(b, c->t, c->len, true);
        buf_puts(b, ",\"truncated\":false,\"display_text_range\":[");
        buf_i64(b, disp0);
        buf_putc(b, ',');
        buf_u64(b, cps);
        buf_puts(b, "],\"entities\":");
        v1_entities(b, c, 0, -1);
        buf_putc(b, ',');
        source_html(b, a->client);
    } else if (long_tw) {
        /* compatibility text: cut at a word boundary, then "… https://t.co/xxx" */
        size_t keep = 140 - 25;
        size_t by = cp_bytes(c->t, c->len, keep);
        size_t sp = by;
        while (sp > by / 2 && c->t[sp] != ' ')
            sp--;
        if (sp > by / 2)
            by = sp;
        /* do not cut through an entity */
        for (int i = 0; i < c->n_ent; i++)
            if (c->ent[i].b0 < by && c->ent[i].b1 > by)
                by = c->ent[i].b0;
        while (by > 0 && c->t[by - 1] == ' ')
            by--;
        compat_cp = utf8_cplen(c->t, by);
        base62(hash3(p->id, 0x1eb, 0), iweb_tco, 10);
        snprintf(iweb_exp, sizeof iweb_exp, "https://twitter.com/i/web/status/%llu", (unsigned long long)p->id);
        Buf tmp;
        buf_init(&tmp, by + 64, TXT_MAX + 128);
        buf_put(&tmp, c->t, by);
        buf_puts(&tmp, "… https://t.co/");
        buf_puts(&tmp, iweb_tco);
        kv(b, "text");
        buf_json_str(b, tmp.p, tmp.len, true);
        buf_free(&tmp);
        buf_putc(b, ',');
        source_html(b, a->client);
        buf_puts(b, "\"truncated\":true,");
    } else {
        kv(b, "text");
        buf_json_str(b, c->t, c->len, true);
        buf_putc(b, ',');
        if (p->kind == K_REPLY && disp0 > 0) {
            buf_puts(b, "\"display_text_range\":[");
            buf_i64(b, disp0);
            buf_putc(b, ',');
            buf_u64(b, cps);
            buf_puts(b, "],");
        }
        source_html(b, a->client);
        buf_puts(b, "\"truncated\":false,");
    }

    if (is_rt && rest) {
        rt_entities(b, p, rt_shift, rt_limit);
        buf_putc(b, ',');
        source_html(b, a->client);
    }

    reply_fields(b, p);
    kv(b, "user");
    v1_user(b, a);
    buf_putc(b, ',');
    geo_fields(b);

    if (is_rt) {
        Post orig = *p->ref;
        orig.rest_mode = rest;
        kv(b, "retweeted_status");
        v1_status(b, &orig, 1);
        buf_putc(b, ',');
        kv_bool(b, "is_quote_status", orig.kind == K_QUOTE);
        if (orig.kind == K_QUOTE && orig.ref) {
            kv_u64(b, "quoted_status_id", orig.ref->id);
            kv(b, "quoted_status_id_str");
            buf_u64str(b, orig.ref->id);
            buf_putc(b, ',');
        }
    } else {
        kv_bool(b, "is_quote_status", p->kind == K_QUOTE);
        quote_fields(b, p, rest, depth);
    }

    if (long_tw && !rest) {
        buf_puts(b, "\"extended_tweet\":{\"full_text\":");
        buf_json_str(b, c->t, c->len, true);
        buf_puts(b, ",\"display_text_range\":[");
        buf_i64(b, disp0);
        buf_putc(b, ',');
        buf_u64(b, cps);
        buf_puts(b, "],\"entities\":");
        v1_entities(b, c, 0, -1);
        buf_puts(b, "},");
    }
    tail_fields(b, p, rest, depth);
    if (!rest) {
        kv(b, "entities");
        if (is_rt) {
            rt_entities(b, p, rt_shift, rt_limit);
        } else if (long_tw) {
            entities_json(b, c, 0, (int)compat_cp, iweb_tco, iweb_exp, (int)compat_cp + 2);
        } else {
            v1_entities(b, c, 0, -1);
        }
        buf_putc(b, ',');
    }
    kv_bool(b, "favorited", false);
    kv_bool(b, "retweeted", false);
    if (c->n_url > 0 && !is_rt)
        kv_bool(b, "possibly_sensitive", false);
    if (!rest)
        kv_str(b, "filter_level", "low");
    kv(b, "lang");
    buf_json_cstr(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
    if (!rest && depth == 0) {
        buf_puts(b, ",\"timestamp_ms\":\"");
        buf_i64(b, p->t_ms);
        buf_putc(b, '"');
    }
    buf_putc(b, '}');
}
