/* text.c — organic post text and links.
 *
 * text_organic() is a pure function of (content seed, author, kind, topic, reference author,
 * time): the simulation keeps only that tuple for recent posts and re-renders a post when a
 * repost or quote embeds it. Users write in their community's language (French and Chinese
 * users sometimes in English), on their preferred topics, with per-user habits (lowercase,
 * emoji, hashtags). Links go to news domains with Zipf popularity; each day has a pool of
 * articles so that ordinary users organically share the same popular articles, with the
 * variants real share buttons produce (utm parameters, short links, amp pages). */
#include "synth.h"

#include <ctype.h>

/* ---- news domains and URL shapes ---- */
typedef struct {
    const char *host;
    const char *pat; /* %S slug, %D yyyy-mm-dd, %Y yyyy, %M mm, %d dd, %N number, %H hex, %V video id */
} Domain;

static const Domain domains[] = {
    {"www.cbc.ca", "/news/politics/%S-1.%N"},
    {"www.theglobeandmail.com", "/politics/article-%S/"},
    {"www.ctvnews.ca", "/politics/%S-1.%N"},
    {"globalnews.ca", "/news/%N/%S/"},
    {"nationalpost.com", "/news/politics/%S"},
    {"www.thestar.com", "/politics/federal/%S.html"},
    {"www.reuters.com", "/world/americas/%S-%D/"},
    {"www.cp24.com", "/news/%S-1.%N"},
    {"apnews.com", "/article/%S-%H"},
    {"www.bbc.com", "/news/world-us-canada-%N"},
    {"www.macleans.ca", "/politics/%S/"},
    {"www.theguardian.com", "/world/%Y/%b/%d/%S"},
    {"www.nytimes.com", "/%Y/%M/%d/world/canada/%S.html"},
    {"ipolitics.ca", "/news/%S"},
    {"www.youtube.com", "/watch?v=%V"},
    {"www.bloomberg.com", "/news/articles/%D/%S"},
    {"torontosun.com", "/news/national/%S"},
    {"vancouversun.com", "/news/%S"},
    {"www.scmp.com", "/news/world/article/%N/%S"},
    {"www.northernledger.ca", "/politics/%S/"},
    {"www.capitaldispatch.ca", "/%Y/%M/%d/%S"},
    {"www.maplewire.ca", "/news/%S-%N"},
};
#define N_DOMAINS ((int)(sizeof domains / sizeof domains[0]))
static const Domain domains_fr[] = {
    {"www.lapresse.ca", "/actualites/politique/%D/%S.php"},
    {"www.ledevoir.com", "/politique/canada/%N/%S"},
    {"ici.radio-canada.ca", "/nouvelle/%N/%S"},
    {"www.journaldemontreal.com", "/%Y/%M/%d/%S"},
};
static const Domain domains_zh[] = {
    {"www.pacchinesedaily.com", "/news/%N.html"},
    {"www.singtao.ca", "/%N/"},
    {"www.mingpaocanada.com", "/tor/htm/News/%Y%M%d/%N.htm"},
    {"www.youtube.com", "/watch?v=%V"},
};

static void slugify(const char *s, char *out, size_t cap)
{
    size_t j = 0;
    int words = 0;
    for (size_t i = 0; s[i] && j + 2 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c)) {
            out[j++] = (char)tolower(c);
        } else if (c == '\'' || c >= 0x80) {
            continue;
        } else if (j && out[j - 1] != '-') {
            if (++words >= 9)
                break;
            out[j++] = '-';
        }
    }
    while (j && out[j - 1] == '-')
        j--;
    out[j] = 0;
    if (!j)
        snprintf(out, cap, "story");
}

/* Headline of an article: a function of its seed and topic. */
static void article_title(uint64_t aseed, int topic, char *out, size_t cap)
{
    Rng r = rng_for(aseed, 0xa271c1e, 0);
    static const char *hl[TOP_N] = {"en.news.hl.cdnpoli", "en.news.hl.interf", "en.news.hl.cachina", "en.news.hl.sports",
                                    "en.news.hl.world", "en.news.hl.world", "en.news.hl.world", "en.news.hl.world"};
    gram_expand_buf(&r, gram_need(hl[topic % TOP_N]), out, cap);
}

/* Canonical URL of an article: a function of its seed, its domain, its day and its headline. */
static void build_url(const Domain *d, uint64_t aseed, int64_t day, int topic, char *out, size_t cap)
{
    Rng r = rng_for(aseed, 0xa271c1f, 0);
    char title[256], slug[128];
    article_title(aseed, topic, title, sizeof title);
    slugify(title, slug, sizeof slug);
    int y, m, dd;
    civil_from_days(day, &y, &m, &dd);
    static const char *mon[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    size_t o = (size_t)snprintf(out, cap, "https://%s", d->host);
    for (const char *p = d->pat; *p && o + 40 < cap; p++) {
        if (*p != '%') {
            out[o++] = *p;
            continue;
        }
        p++;
        char tmp[160];
        switch (*p) {
        case 'S': snprintf(tmp, sizeof tmp, "%s", slug); break;
        case 'D': snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, dd); break;
        case 'Y': snprintf(tmp, sizeof tmp, "%04d", y); break;
        case 'M': snprintf(tmp, sizeof tmp, "%02d", m); break;
        case 'd': snprintf(tmp, sizeof tmp, "%02d", dd); break;
        case 'b': snprintf(tmp, sizeof tmp, "%s", mon[m - 1]); break;
        case 'N': snprintf(tmp, sizeof tmp, "%u", (unsigned)(6700000 + rng_below(&r, 900000))); break;
        case 'H': snprintf(tmp, sizeof tmp, "%08llx%08llx", (unsigned long long)(rng_next(&r) & 0xffffffff),
                           (unsigned long long)(rng_next(&r) & 0xffffffff)); break;
        case 'V': {
            static const char al[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
            for (int i = 0; i < 11; i++)
                tmp[i] = al[rng_below(&r, 64)];
            tmp[11] = 0;
            break;
        }
        default: tmp[0] = 0;
        }
        size_t tl = strlen(tmp);
        if (o + tl + 1 >= cap)
            break;
        memcpy(out + o, tmp, tl);
        o += tl;
    }
    out[o] = 0;
}

void text_article_url(uint64_t article_seed, int domain, int64_t day, int topic, char *out, size_t cap)
{
    build_url(&domains[domain % N_DOMAINS], article_seed, day, topic, out, cap);
}

/* A variant of a canonical URL, as different share paths produce them.
 * how: 0 canonical, 1 utm parameters, 2 http, 3 www toggled, 4 trailing slash toggled,
 *      5 short link, 6 amp/mobile, 7 tracking query */
void url_variant(Rng *r, const char *canon, uint64_t article_seed, int how, char *out, size_t cap)
{
    static const char *shorts[] = {"bit.ly", "trib.al", "ow.ly", "buff.ly", "dlvr.it", "t.ly"};
    switch (how) {
    case 1: {
        static const char *src[] = {"twitter", "Twitter", "tw", "social", "twitter.com"};
        static const char *med[] = {"social", "Social", "referral", "share", "organic"};
        const char *sep = strchr(canon, '?') ? "&" : "?";
        if (rng_chance(r, 0.5))
            snprintf(out, cap, "%s%sutm_source=%s&utm_medium=%s", canon, sep, src[rng_below(r, 5)], med[rng_below(r, 5)]);
        else
            snprintf(out, cap, "%s%sutm_source=%s&utm_medium=%s&utm_campaign=%s%u", canon, sep, src[rng_below(r, 5)],
                     med[rng_below(r, 5)], rng_chance(r, 0.5) ? "share" : "cmp", (unsigned)rng_below(r, 9999));
        return;
    }
    case 2:
        if (!strncmp(canon, "https://", 8)) {
            snprintf(out, cap, "http://%s", canon + 8);
            return;
        }
        break;
    case 3: {
        const char *host = strstr(canon, "://");
        host = host ? host + 3 : canon;
        if (!strncmp(host, "www.", 4))
            snprintf(out, cap, "%.*s%s", (int)(host - canon), canon, host + 4);
        else
            snprintf(out, cap, "%.*swww.%s", (int)(host - canon), canon, host);
        return;
    }
    case 4: {
        size_t n = strlen(canon);
        if (strchr(canon, '?') || (n > 4 && (!strcmp(canon + n - 4, ".htm") || !strcmp(canon + n - 5, ".html") ||
                                              !strcmp(canon + n - 4, ".php") || !strcmp(canon + n - 6, ".shtml"))))
            break;
        if (n && canon[n - 1] == '/')
            snprintf(out, cap, "%.*s", (int)(n - 1), canon);
        else
            snprintf(out, cap, "%s/", canon);
        return;
    }
    case 5: {
        int s = (int)(mix64(article_seed) % 6);
        if (rng_chance(r, 0.3))
            s = (int)rng_below(r, 6);
        char code[12];
        base62(hash3(article_seed, (uint64_t)s, 0x5407), code, 7);
        snprintf(out, cap, "https://%s/%s", shorts[s], code);
        return;
    }
    case 6: {
        size_t n = strlen(canon);
        if (strchr(canon, '?'))
            break;
        if (n > 4 && (!strcmp(canon + n - 5, ".html") || !strcmp(canon + n - 4, ".htm") || !strcmp(canon + n - 4, ".php")))
            snprintf(out, cap, "%s?outputType=amp", canon);
        else
            snprintf(out, cap, "%s%samp", canon, n && canon[n - 1] == '/' ? "" : "/");
        return;
    }
    case 7: {
        const char *sep = strchr(canon, '?') ? "&" : "?";
        static const char *q[] = {"ref=share", "s=09", "cmp=rss", "fbclid=IwAR%u", "ref_src=twsrc"};
        char tq[32];
        snprintf(tq, sizeof tq, q[rng_below(r, 5)], (unsigned)rng_below(r, 99999999));
        snprintf(out, cap, "%s%s%s", canon, sep, tq);
        return;
    }
    default:
        break;
    }
    snprintf(out, cap, "%s", canon);
}

/* A news link for an organic post: a popular article of the day (Zipf), in a share variant. */
static void organic_url(Rng *r, int topic, int lang, int64_t day, char *out, size_t cap, char *title, size_t tcap)
{
    const Domain *d;
    uint64_t dseed;
    if (lang == LANG_FR && rng_chance(r, 0.7)) {
        uint32_t k = rng_zipf(r, 4, 1.0);
        d = &domains_fr[k];
        dseed = 100 + k;
    } else if (lang == LANG_ZH && rng_chance(r, 0.7)) {
        uint32_t k = rng_zipf(r, 4, 1.0);
        d = &domains_zh[k];
        dseed = 200 + k;
    } else {
        uint32_t k = rng_zipf(r, N_DOMAINS, 1.1);
        d = &domains[k];
        dseed = k;
    }
    /* articles of the day on this domain: Zipf popularity, so popular ones get shared a lot */
    uint32_t rank = rng_zipf(r, 300, 1.05);
    /* mostly an article on the poster's topic; sometimes anything that is popular that day */
    int tsel = rng_chance(r, 0.7) ? topic : TOP_N;
    uint64_t aseed = hash3(S.p.seed ^ 0xa127, ((uint64_t)day * 1000 + dseed) * 16 + (uint64_t)tsel, rank);
    char canon[URL_MAX];
    int atopic = tsel < TOP_N ? tsel : (int)(aseed % TOP_N);
    build_url(d, aseed, day - (int64_t)(rank % 3 == 0), atopic, canon, sizeof canon);
    if (title)
        article_title(aseed, atopic, title, tcap);
    double u = rng_u01(r);
    int how = u < 0.62 ? 0 : u < 0.80 ? 1 : u < 0.88 ? 5 : u < 0.92 ? 6 : u < 0.96 ? 7 : 4;
    url_variant(r, canon, aseed, how, out, cap);
}

const char *text_emoji(Rng *r)
{
    static char e[16][24];
    static int k;
    k = (k + 1) & 15;
    gram_expand_buf(r, gram_need("emoji"), e[k], sizeof e[k]);
    return e[k];
}

int text_pick_topic(uint64_t cseed, const Account *a)
{
    Rng r = rng_for(cseed, 0x70b1c, 0);
    double u = rng_u01(&r);
    int t = u < 0.55 ? a->topic[0] : u < 0.80 ? a->topic[1] : u < 0.92 ? a->topic[2] : (int)rng_below(&r, TOP_N);
    /* the interference debate is in the news: everyone talks about it a little */
    if (a->label != LBL_CAMPAIGN && rng_chance(&r, 0.05))
        t = TOP_INTERF;
    return t;
}

static const char *const tag_rule_en[TOP_N] = {"tags.en.cdnpoli", "tags.en.interf", "tags.en.cachina", "tags.en.sports",
                                              "tags.en.daily", "tags.en.world", "tags.en.tech", "tags.en.ent"};

static int post_rule(int lang, int topic)
{
    char name[64];
    snprintf(name, sizeof name, "%s.post.%s", lang_code[lang], topic_name[topic]);
    int id = gram_find(name);
    if (id < 0 && lang == LANG_ZH && (topic == TOP_TECH || topic == TOP_ENT || topic == TOP_WORLD || topic == TOP_CDNPOLI))
        id = gram_find("zh.post.study");
    if (id < 0) {
        snprintf(name, sizeof name, "%s.post.daily", lang_code[lang]);
        id = gram_need(name);
    }
    return id;
}

static void lower_ascii(Content *c, uint32_t from)
{
    for (uint32_t i = from; i < c->len; i++) {
        unsigned char ch = (unsigned char)c->t[i];
        if (ch == '@' || ch == '#') { /* keep entities as typed */
            while (i < c->len && c->t[i] != ' ')
                i++;
            continue;
        }
        if (ch == 'h' && !strncmp(c->t + i, "https://t.co/", 13)) {
            i += 22;
            continue;
        }
        if (ch < 0x80)
            c->t[i] = (char)tolower(ch);
    }
}

void text_lower(Content *c) { lower_ascii(c, 0); }

static void add_tags(Content *c, Rng *r, int lang, int topic, int n)
{
    const char *rule = lang == LANG_ZH ? "tags.zh" : lang == LANG_FR ? "tags.fr" : tag_rule_en[topic];
    char used[4][48];
    int nu = 0;
    for (int i = 0; i < n && nu < 4; i++) {
        char tag[48];
        gram_expand_buf(r, gram_need(rule), tag, sizeof tag);
        bool dup = false;
        for (int k = 0; k < nu; k++)
            if (!strcmp(used[k], tag))
                dup = true;
        if (dup)
            continue;
        snprintf(used[nu++], 48, "%s", tag);
        content_puts(c, " ");
        content_hashtag(c, tag);
    }
}

void text_organic(Content *c, uint64_t cseed, uint32_t author, int kind, int topic, uint32_t ref_author,
                  int64_t t, int *topic_out, uint8_t *lang_out)
{
    const Account *a = &S.acct[author];
    Rng r = rng_for(cseed, 0x7e47, 0);
    content_reset(c, cseed);
    int lang = a->lang;
    if (lang == LANG_FR && rng_chance(&r, 0.25))
        lang = LANG_EN;
    else if (lang == LANG_ZH && rng_chance(&r, 0.12))
        lang = LANG_EN;
    if (topic < 0)
        topic = text_pick_topic(cseed, a);
    int64_t day = t / 86400;
    GramCtx g = {&r, c, NULL, NULL, NULL};
    bool news_style = a->label == LBL_NEWS || (a->label == LBL_JOURNALIST && kind == K_POST && rng_chance(&r, 0.5));

    if (kind == K_REPLY) {
        content_mention(c, ref_author);
        if (rng_chance(&r, 0.08) && S.n_organic_pool > 1) { /* a second person in the thread */
            uint32_t o = rng_below(&r, S.n_organic_pool);
            if (o != ref_author && o != author) {
                content_puts(c, " ");
                content_mention(c, o);
            }
        }
        content_puts(c, " ");
        char rn[16];
        snprintf(rn, sizeof rn, "%s.reply", lang_code[lang]);
        gram_expand_name(&g, rn);
        if (rng_chance(&r, 0.35)) {
            content_puts(c, lang == LANG_ZH ? "" : " ");
            gram_expand(&g, post_rule(lang, topic));
        }
    } else if (kind == K_QUOTE) {
        char qn[16];
        snprintf(qn, sizeof qn, "%s.quote", lang_code[lang]);
        gram_expand_name(&g, qn);
        if (rng_chance(&r, 0.5)) {
            content_puts(c, lang == LANG_ZH ? "" : " ");
            gram_expand(&g, post_rule(lang, topic));
        }
    } else if (news_style) {
        int tp = topic;
        if (tp == TOP_DAILY || tp == TOP_TECH || tp == TOP_ENT)
            tp = TOP_WORLD;
        if (rng_chance(&r, 0.3))
            gram_expand_name(&g, "en.news.tag");
        char url[URL_MAX], title[256];
        organic_url(&r, tp, LANG_EN, day, url, sizeof url, title, sizeof title);
        content_puts(c, title);
        content_puts(c, " ");
        content_url(c, url);
        if (rng_chance(&r, 0.3))
            add_tags(c, &r, LANG_EN, tp, 1);
    } else {
        gram_expand(&g, post_rule(lang, topic));
    }

    if (!news_style && kind != K_REPOST) {
        if (a->style & 1)
            lower_ascii(c, 0);
        /* decorations */
        double p_emoji = (a->style & 2) ? 0.5 : 0.12;
        if (rng_chance(&r, p_emoji)) {
            content_puts(c, " ");
            content_puts(c, text_emoji(&r));
            if (rng_chance(&r, 0.3))
                content_puts(c, text_emoji(&r));
        }
        double p_tag = (a->style & 4) ? 0.55 : 0.14;
        if (topic == TOP_INTERF || topic == TOP_CDNPOLI)
            p_tag += 0.1;
        if (kind != K_REPLY && rng_chance(&r, p_tag))
            add_tags(c, &r, lang, topic, 1 + (int)rng_zipf(&r, 3, 1.5));
        double p_url = topic == TOP_WORLD || topic == TOP_CDNPOLI || topic == TOP_INTERF || topic == TOP_CACHINA ? 0.2 : 0.04;
        if (kind == K_POST && rng_chance(&r, p_url)) {
            char url[URL_MAX], title[256];
            organic_url(&r, topic, lang, day, url, sizeof url, title, sizeof title);
            if (lang == LANG_EN && rng_chance(&r, 0.3)) {
                /* share-button style: the headline and the link, nothing else */
                content_reset(c, cseed);
                if (rng_chance(&r, 0.3)) {
                    content_puts(c, rng_chance(&r, 0.5) ? "Worth reading: " : "Interesting: ");
                }
                content_puts(c, title);
                if (rng_chance(&r, 0.4)) {
                    static const char *src[] = {" - CBC News", " | CTV News", " - The Globe and Mail", " | Reuters",
                                                " - National Post"};
                    content_puts(c, src[rng_below(&r, 5)]);
                }
            }
            content_puts(c, " ");
            content_url(c, url);
        }
        if (kind == K_POST && rng_chance(&r, 0.04) && S.n_organic_pool > 1) {
            content_puts(c, rng_chance(&r, 0.5) ? " cc " : " ");
            content_mention(c, rng_below(&r, S.n_organic_pool));
        }
    }
    content_trim(c);
    /* keep within the 280 weighted-character limit: cut at a space before the limit */
    if (content_weight(c) > 280) {
        uint32_t cut = c->len;
        while (cut > 0 && tw_weight(c->t, cut) > 276)
            cut--;
        while (cut > 0 && ((unsigned char)c->t[cut] & 0xC0) == 0x80)
            cut--;
        uint32_t sp = cut;
        while (sp > 0 && c->t[sp] != ' ')
            sp--;
        if (sp > cut / 2)
            cut = sp;
        /* never cut inside a t.co link: drop any partial link */
        c->len = cut;
        c->t[cut] = 0;
        char *tco = strstr(c->t, "https://t.co/");
        while (tco) {
            if ((uint32_t)(tco - c->t) + 23 > c->len) {
                c->len = (uint32_t)(tco - c->t);
                c->t[c->len] = 0;
                break;
            }
            tco = strstr(tco + 1, "https://t.co/");
        }
        content_trim(c);
        content_puts(c, "…");
    }
    content_scan(c);
    if (topic_out)
        *topic_out = topic;
    if (lang_out)
        *lang_out = (uint8_t)lang;
}

/* Organic-looking post with a given link (news sharers) or given tags (trend users). */
void text_organic_with(Content *c, uint64_t cseed, uint32_t author, int topic, const char *url, const char *const *tags,
                       int n_tags, int64_t t, uint8_t *lang_out)
{
    const Account *a = &S.acct[author];
    Rng r = rng_for(cseed, 0x7e48, 0);
    content_reset(c, cseed);
    int lang = a->lang;
    if (lang == LANG_FR && rng_chance(&r, 0.25))
        lang = LANG_EN;
    else if (lang == LANG_ZH && rng_chance(&r, 0.3))
        lang = LANG_EN;
    GramCtx g = {&r, c, NULL, NULL, NULL};
    (void)t;
    if (url && rng_chance(&r, 0.15)) {
        /* some people share a link with nothing but the link, or the headline */
    } else {
        gram_expand(&g, post_rule(lang, topic));
    }
    if (a->style & 1)
        lower_ascii(c, 0);
    if (n_tags > 0) {
        /* tags inline or at the end, in either order */
        bool swap = rng_chance(&r, 0.3) && n_tags == 2;
        for (int i = 0; i < n_tags; i++) {
            content_puts(c, " ");
            content_hashtag(c, tags[swap ? n_tags - 1 - i : i]);
        }
    }
    if (rng_chance(&r, (a->style & 2) ? 0.4 : 0.1)) {
        if (c->len)
            content_puts(c, " ");
        content_puts(c, text_emoji(&r));
    }
    if (url) {
        if (c->len)
            content_puts(c, " ");
        content_url(c, url);
    }
    content_trim(c);
    content_scan(c);
    if (lang_out)
        *lang_out = (uint8_t)lang;
}
