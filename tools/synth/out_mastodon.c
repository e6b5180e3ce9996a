/* out_mastodon.c — the scenario as Mastodon API statuses, one JSON object per line, as a client
 * that collects from one server (MASTODON_HOME) saves them from the streaming API.
 *
 * The same posts as the other formats, so that one scenario can be read as X and as Mastodon:
 *   - accounts live on one of four servers, mastodon_server[account id % 4]; those on
 *     MASTODON_HOME are local there (acct "handle"), the others remote ("handle@server");
 *     chorus names every one "handle@server" (docs/generator.md has the mapping to the truth);
 *   - a status's local `id` is the post's id in the other formats; its `uri` is
 *     https://<author's server>/users/<handle>/statuses/<id> (a reblog's ends in /activity);
 *   - reposts are reblog wrappers (empty content, `reblog` = the original status); quotes
 *     carry Mastodon 4.4's `quote` {state, quoted_status} and the "RE:" fallback paragraph;
 *     replies carry in_reply_to_id / in_reply_to_account_id (the parent's ids) and mention
 *     the parent's author as the text does;
 *   - content is HTML as Mastodon renders it: paragraphs, <br>, h-card mentions, hashtag
 *     links, and links to the expanded URLs (the t.co links of the X formats are not there)
 *     split into invisible/ellipsis spans; `card` holds the first link;
 *   - `application` is given for local accounts only, as servers do for remote statuses;
 *     account created_at is cut to the day; a default image is the server's missing.png.
 */
#include "synth.h"

#define MASTODON_HOME 0
static const char *const mastodon_server[4] = {"mastodon.example", "social.example",
                                               "toot.example", "fedi.example"};

static const char *server_of(const Account *a)
{
    return mastodon_server[a->id % 4];
}

void md_acct(const Account *a, char *out, size_t cap)
{
    snprintf(out, cap, "%s@%s", a->handle, server_of(a));
}

static bool is_local(const Account *a)
{
    return a->id % 4 == MASTODON_HOME;
}

static void kv(Buf *b, const char *k)
{
    buf_putc(b, '"');
    buf_puts(b, k);
    buf_puts(b, "\":");
}

static void kv_str(Buf *b, const char *k, const char *v)
{
    kv(b, k);
    buf_json_cstr(b, v);
    buf_putc(b, ',');
}

static void kv_u64(Buf *b, const char *k, uint64_t v)
{
    kv(b, k);
    buf_u64(b, v);
    buf_putc(b, ',');
}

/* Text as HTML: & < > " ' escaped, paragraphs at blank lines, <br> at single newlines. */
static void html_put(Buf *h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '&': buf_puts(h, "&amp;"); break;
        case '<': buf_puts(h, "&lt;"); break;
        case '>': buf_puts(h, "&gt;"); break;
        case '"': buf_puts(h, "&quot;"); break;
        case '\'': buf_puts(h, "&#39;"); break;
        case '\n':
            if (i + 1 < n && s[i + 1] == '\n') {
                buf_puts(h, "</p><p>");
                while (i + 1 < n && s[i + 1] == '\n')
                    i++;
            } else {
                buf_puts(h, "<br>");
            }
            break;
        default: buf_putc(h, c);
        }
    }
}

/* A link as Mastodon writes it: the scheme and the tail invisible, the first 30 characters
 * shown. */
static void link_html(Buf *h, const char *url)
{
    buf_puts(h, "<a href=\"");
    html_put(h, url, strlen(url));
    buf_puts(h, "\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\">");
    const char *rest = strstr(url, "://");
    size_t scheme = rest ? (size_t)(rest + 3 - url) : 0;
    buf_puts(h, "<span class=\"invisible\">");
    html_put(h, url, scheme);
    buf_puts(h, "</span>");
    const char *v = url + scheme;
    size_t vn = strlen(v), show = vn;
    if (vn > 30) {
        show = 30;
        while (show > 0 && ((unsigned char)v[show] & 0xC0) == 0x80)
            show--;
    }
    buf_puts(h, show < vn ? "<span class=\"ellipsis\">" : "<span class=\"\">");
    html_put(h, v, show);
    buf_puts(h, "</span><span class=\"invisible\">");
    html_put(h, v + show, vn - show);
    buf_puts(h, "</span></a>");
}

static void permalink(Buf *b, const Account *a, uint64_t id)
{
    buf_puts(b, "https://");
    buf_puts(b, server_of(a));
    buf_puts(b, "/@");
    buf_puts(b, a->handle);
    buf_putc(b, '/');
    buf_u64(b, id);
}

/* The content of c as HTML (entities as links), after an optional "RE:" quote paragraph. */
static void content_html(Buf *h, const Content *c, const Post *quoted)
{
    if (quoted) {
        Buf u;
        buf_init(&u, 128, 4096);
        permalink(&u, &S.acct[quoted->author], quoted->id);
        buf_puts(h, "<p class=\"quote-inline\">RE: ");
        link_html(h, u.p);
        buf_puts(h, "</p>");
        buf_free(&u);
    }
    buf_puts(h, "<p>");
    size_t at = 0;
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (e->b0 < at || e->b1 > c->len)
            continue;
        html_put(h, c->t + at, e->b0 - at);
        at = e->b1;
        if (e->kind == ENT_URL) {
            link_html(h, c->url_exp[e->idx]);
        } else if (e->kind == ENT_MENTION) {
            const Account *m = &S.acct[c->mention[e->idx]];
            buf_puts(h, "<span class=\"h-card\" translate=\"no\"><a href=\"https://");
            buf_puts(h, server_of(m));
            buf_puts(h, "/@");
            buf_puts(h, m->handle);
            buf_puts(h, "\" class=\"u-url mention\">@<span>");
            buf_puts(h, m->handle);
            buf_puts(h, "</span></a></span>");
        } else {
            buf_puts(h, "<a href=\"https://");
            buf_puts(h, mastodon_server[MASTODON_HOME]);
            buf_puts(h, "/tags/");
            html_put(h, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1));
            buf_puts(h, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
            html_put(h, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1));
            buf_puts(h, "</span></a>");
        }
    }
    html_put(h, c->t + at, c->len - at);
    buf_puts(h, "</p>");
}

static void account_json(Buf *b, const Account *a)
{
    char t[32];
    const char *srv = server_of(a);
    buf_putc(b, '{');
    kv(b, "id");
    buf_u64str(b, a->id);
    buf_putc(b, ',');
    kv_str(b, "username", a->handle);
    kv(b, "acct");
    buf_putc(b, '"');
    buf_puts(b, a->handle);
    if (!is_local(a)) {
        buf_putc(b, '@');
        buf_puts(b, srv);
    }
    buf_puts(b, "\",");
    kv_str(b, "display_name", a->name);
    buf_puts(b, "\"locked\":false,\"bot\":false,\"discoverable\":true,\"group\":false,");
    fmt_date(t, a->created);
    buf_puts(b, "\"created_at\":\"");
    buf_puts(b, t);
    buf_puts(b, "T00:00:00.000Z\",");
    Buf note;
    buf_init(&note, 256, 1 << 16);
    if (a->desc && *a->desc) {
        buf_puts(&note, "<p>");
        html_put(&note, a->desc, strlen(a->desc));
        buf_puts(&note, "</p>");
    }
    kv(b, "note");
    buf_json_str(b, note.p, note.len, false);
    buf_putc(b, ',');
    buf_free(&note);
    buf_puts(b, "\"url\":\"https://");
    buf_puts(b, srv);
    buf_puts(b, "/@");
    buf_puts(b, a->handle);
    buf_puts(b, "\",\"uri\":\"https://");
    buf_puts(b, srv);
    buf_puts(b, "/users/");
    buf_puts(b, a->handle);
    buf_puts(b, "\",");
    for (int s = 0; s < 2; s++) {
        buf_puts(b, s ? "\"avatar_static\":\"https://" : "\"avatar\":\"https://");
        buf_puts(b, mastodon_server[MASTODON_HOME]);
        if (a->def_image) {
            buf_puts(b, "/avatars/original/missing.png\",");
        } else {
            buf_puts(b, "/system/cache/accounts/avatars/");
            buf_u64(b, a->img);
            buf_puts(b, "/original/a.png\",");
        }
    }
    buf_puts(b, "\"header\":\"https://");
    buf_puts(b, mastodon_server[MASTODON_HOME]);
    buf_puts(b, "/headers/original/missing.png\",\"header_static\":\"https://");
    buf_puts(b, mastodon_server[MASTODON_HOME]);
    buf_puts(b, "/headers/original/missing.png\",");
    kv_u64(b, "followers_count", a->followers);
    kv_u64(b, "following_count", a->friends);
    kv_u64(b, "statuses_count", a->statuses);
    fmt_date(t, S.t1 - 86400);
    kv_str(b, "last_status_at", t);
    buf_puts(b, "\"emojis\":[],\"fields\":[]}");
}

/* A status. depth 0: the line's own; 1 and 2: embedded (reblog, quoted status). */
static void status_json(Buf *b, const Post *p, int depth)
{
    const Account *a = &S.acct[p->author];
    char t[32];
    bool is_rt = p->kind == K_REPOST && p->ref && depth == 0;
    const Post *quoted = p->kind == K_QUOTE && p->ref && p->ref->c && depth < 2 ? p->ref : NULL;
    buf_reserve(b, 16384);
    buf_putc(b, '{');
    kv(b, "id");
    buf_u64str(b, p->id);
    buf_putc(b, ',');
    fmt_iso_ms(t, p->t_ms);
    kv_str(b, "created_at", t);
    if (p->kind == K_REPLY) { /* as out_v1.c: a reply whose parent is unknown names id 0 */
        kv(b, "in_reply_to_id");
        buf_u64str(b, p->ref_id);
        buf_puts(b, ",\"in_reply_to_account_id\":");
        buf_u64str(b, S.acct[p->ref_author].id);
        buf_putc(b, ',');
    } else {
        buf_puts(b, "\"in_reply_to_id\":null,\"in_reply_to_account_id\":null,");
    }
    buf_puts(b, "\"sensitive\":false,\"spoiler_text\":\"\",\"visibility\":\"public\",");
    kv(b, "language");
    if (is_rt) {
        buf_puts(b, "null,");
    } else {
        buf_json_cstr(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
        buf_putc(b, ',');
    }
    buf_puts(b, "\"uri\":\"https://");
    buf_puts(b, server_of(a));
    buf_puts(b, "/users/");
    buf_puts(b, a->handle);
    buf_puts(b, "/statuses/");
    buf_u64(b, p->id);
    buf_puts(b, is_rt ? "/activity\"," : "\",");
    kv(b, "url");
    if (is_rt) {
        buf_puts(b, "null,");
    } else {
        buf_putc(b, '"');
        permalink(b, a, p->id);
        buf_puts(b, "\",");
    }
    kv_u64(b, "replies_count", is_rt ? 0 : p->n_reply);
    kv_u64(b, "reblogs_count", is_rt ? 0 : p->n_rt);
    kv_u64(b, "favourites_count", is_rt ? 0 : p->n_like);
    buf_puts(b, "\"edited_at\":null,");
    kv(b, "content");
    if (is_rt) {
        buf_puts(b, "\"\",");
    } else {
        Buf h;
        buf_init(&h, 4096, 1 << 20);
        content_html(&h, p->c, quoted);
        buf_json_str(b, h.p, h.len, false);
        buf_putc(b, ',');
        buf_free(&h);
    }
    kv(b, "reblog");
    if (is_rt) {
        status_json(b, p->ref, 1);
        buf_putc(b, ',');
    } else {
        buf_puts(b, "null,");
    }
    kv(b, "application");
    if (is_local(a) && !is_rt) {
        buf_puts(b, "{\"name\":");
        buf_json_cstr(b, client_name(a->client));
        buf_puts(b, ",\"website\":null},");
    } else {
        buf_puts(b, "null,");
    }
    kv(b, "account");
    account_json(b, a);
    buf_puts(b, ",\"media_attachments\":[],\"mentions\":[");
    const Content *c = p->c;
    bool first = true;
    for (int i = 0; !is_rt && i < c->n_ent; i++) {
        if (c->ent[i].kind != ENT_MENTION)
            continue;
        const Account *m = &S.acct[c->mention[c->ent[i].idx]];
        buf_sep(b, &first);
        buf_puts(b, "{\"id\":");
        buf_u64str(b, m->id);
        buf_puts(b, ",\"username\":");
        buf_json_cstr(b, m->handle);
        buf_puts(b, ",\"url\":\"https://");
        buf_puts(b, server_of(m));
        buf_puts(b, "/@");
        buf_puts(b, m->handle);
        buf_puts(b, "\",\"acct\":\"");
        buf_puts(b, m->handle);
        if (!is_local(m)) {
            buf_putc(b, '@');
            buf_puts(b, server_of(m));
        }
        buf_puts(b, "\"}");
    }
    buf_puts(b, "],\"tags\":[");
    first = true;
    const char *card = NULL;
    for (int i = 0; !is_rt && i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (e->kind == ENT_URL && !card)
            card = c->url_exp[e->idx];
        if (e->kind != ENT_HASHTAG)
            continue;
        buf_sep(b, &first);
        buf_puts(b, "{\"name\":");
        buf_json_str(b, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1), false);
        buf_puts(b, ",\"url\":\"https://");
        buf_puts(b, mastodon_server[MASTODON_HOME]);
        buf_puts(b, "/tags/");
        buf_put(b, c->t + e->b0 + 1, (size_t)(e->b1 - e->b0 - 1));
        buf_puts(b, "\"}");
    }
    buf_puts(b, "],\"emojis\":[],");
    kv(b, "card");
    if (card) {
        const char *host = strstr(card, "://");
        host = host ? host + 3 : card;
        size_t hn = strcspn(host, "/?#");
        buf_puts(b, "{\"url\":");
        buf_json_cstr(b, card);
        buf_puts(b, ",\"title\":\"\",\"description\":\"\",\"language\":null,\"type\":\"link\","
                    "\"author_name\":\"\",\"author_url\":\"\",\"provider_name\":");
        buf_json_str(b, host, hn, false);
        buf_puts(b, ",\"provider_url\":\"\",\"html\":\"\",\"width\":0,\"height\":0,\"image\":null,"
                    "\"image_description\":\"\",\"embed_url\":\"\",\"blurhash\":null,"
                    "\"published_at\":null,\"authors\":[]},");
    } else {
        buf_puts(b, "null,");
    }
    buf_puts(b, "\"poll\":null,\"quote\":");
    if (p->kind == K_QUOTE && !is_rt) {
        if (quoted) {
            buf_puts(b, "{\"state\":\"accepted\",\"quoted_status\":");
            status_json(b, quoted, depth + 1);
        } else if (p->ref || p->ref_id) {
            buf_puts(b, "{\"state\":\"accepted\",\"quoted_status_id\":");
            buf_u64str(b, p->ref ? p->ref->id : p->ref_id);
        } else {
            /* a quote of a post the generator does not know (nested quotes; out_v1.c
             * writes is_quote_status without an id): not visible to the collector */
            buf_puts(b, "{\"state\":\"unauthorized\",\"quoted_status\":null");
        }
        buf_putc(b, '}');
    } else {
        buf_puts(b, "null");
    }
    buf_putc(b, '}');
}

void mastodon_post(Out *o, const Post *p)
{
    status_json(&o->b, p, 0);
    buf_putc(&o->b, '\n');
}
