/* accounts.c — the account population: ordinary organic users (English, French and a
 * Chinese-speaking community), lookalike new accounts (bot-looking profiles, organic behaviour),
 * journalists, news outlets, official accounts and the members of planted campaigns.
 *
 * Profiles follow what real dumps show: account ages of years for most users, heavy-tailed
 * followers and activity, user ids that grow with the creation date (snowflakes after 2016),
 * some default profiles and digit handles among ordinary users. Campaign members are newer,
 * created in bursts, low-follower and often default — except "aged" campaigns that use bought,
 * normal-looking older accounts. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>

const char *const lang_code[LANG_N] = {"en", "fr", "zh"};
const char *const label_name[LBL_N] = {"organic",        "campaign",    "journalist", "news_outlet",
                                       "official",       "lookalike",   "viral_reposter", "news_sharer",
                                       "trend_user",     "viral_author", "event_user",  "fan",
                                       "fan_idol",       "niche_user"};
const char *const topic_name[TOP_N] = {"cdnpoli", "interf", "cachina", "sports", "daily", "world", "tech", "ent"};

static const struct {
    const char *name, *url;
} clients[] = {
    {"Twitter for iPhone", "http://twitter.com/download/iphone"},
    {"Twitter for Android", "http://twitter.com/download/android"},
    {"Twitter Web App", "https://mobile.twitter.com"},
    {"Twitter for iPad", "http://twitter.com/#!/download/ipad"},
    {"TweetDeck", "https://about.twitter.com/products/tweetdeck"},
    {"Hootsuite Inc.", "https://www.hootsuite.com"},
    {"SocialFlow", "http://www.socialflow.com"},
    {"Twitter Media Studio", "https://studio.twitter.com"},
    {"Buffer", "https://buffer.com"},
    {"dlvr.it", "https://dlvr.it"},
};
enum { CL_IPHONE, CL_ANDROID, CL_WEB, CL_IPAD, CL_DECK, CL_HOOT, CL_SOCIALFLOW, CL_STUDIO, CL_BUFFER, CL_DLVR, CL_N };

const char *client_name(int c) { return clients[c % CL_N].name; }
const char *client_url(int c) { return clients[c % CL_N].url; }

/* ---- a set of 64-bit keys (ids, handle hashes) ---- */
typedef struct {
    uint64_t *k;
    uint32_t cap, n;
} Set;

static void set_init(Set *s, uint32_t want)
{
    s->cap = 64;
    while (s->cap < want * 2)
        s->cap *= 2;
    s->k = xcalloc(s->cap, sizeof(uint64_t));
    s->n = 0;
}

static bool set_add(Set *s, uint64_t key)
{
    if (key == 0)
        key = 1;
    if (s->n * 2 >= s->cap) {
        Set t;
        set_init(&t, s->cap);
        for (uint32_t i = 0; i < s->cap; i++)
            if (s->k[i])
                set_add(&t, s->k[i]);
        free(s->k);
        *s = t;
    }
    for (uint32_t i = (uint32_t)mix64(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->k[i] == key)
            return false;
        if (!s->k[i]) {
            s->k[i] = key;
            s->n++;
            return true;
        }
    }
}

static Set ids, handles;

/* ---- helpers ---- */
static void expand(Rng *r, const char *rule, char *out, size_t cap) { gram_expand_buf(r, gram_need(rule), out, cap); }

/* ASCII handle characters from a name: letters and digits, accents folded. */
static size_t asciify(const char *s, char *out, size_t cap)
{
    size_t o = 0, i = 0, n = strlen(s);
    while (i < n && o + 1 < cap) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        i += adv;
        char c = 0;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
            c = (char)cp;
        else if ((cp >= 0xE0 && cp <= 0xE5) || (cp >= 0xC0 && cp <= 0xC5))
            c = cp >= 0xE0 ? 'a' : 'A';
        else if (cp == 0xE7 || cp == 0xC7)
            c = cp == 0xE7 ? 'c' : 'C';
        else if ((cp >= 0xE8 && cp <= 0xEB) || (cp >= 0xC8 && cp <= 0xCB))
            c = cp >= 0xE8 ? 'e' : 'E';
        else if ((cp >= 0xEC && cp <= 0xEF) || (cp >= 0xCC && cp <= 0xCF))
            c = cp >= 0xEC ? 'i' : 'I';
        else if ((cp >= 0xF2 && cp <= 0xF6) || (cp >= 0xD2 && cp <= 0xD6))
            c = cp >= 0xF2 ? 'o' : 'O';
        else if ((cp >= 0xF9 && cp <= 0xFC) || (cp >= 0xD9 && cp <= 0xDC))
            c = cp >= 0xF9 ? 'u' : 'U';
        if (c)
            out[o++] = c;
    }
    out[o] = 0;
    return o;
}

static const char *hw_adj[] = {"maple", "hockey", "coffee", "north", "prairie", "coastal", "urban", "lazy", "happy",
                               "grumpy", "tired", "daily", "real", "just", "big", "little", "old", "the", "not",
                               "random", "quiet", "salty", "rainy", "snowy", "true"};
static const char *hw_noun[] = {"dad", "mom", "fan", "guy", "gal", "nerd", "runner", "reader", "chef", "voter",
                                "cat", "dog", "ranger", "canuck", "hiker", "teacher", "nurse", "farmer", "geek",
                                "bear", "moose", "otter", "loon", "fox"};

/* Make a handle unique (append digits when taken) and copy into a->handle. The suffix has up to
 * 3, then 4 digits; past 20 attempts (a common base whose ten thousand suffixes are mostly
 * taken, as in scenarios of millions of accounts) it grows to 6 and then 8 digits, cutting the
 * base, so the search always ends. Scenarios that never need 20 attempts draw as before. */
static void set_handle(Account *a, Rng *r, const char *base)
{
    char h[32];
    size_t n = strlen(base);
    if (n > 15)
        n = 15;
    if (n < 3) {
        memcpy(h, "user", 4);
        n = 4;
    } else {
        memcpy(h, base, n);
    }
    h[n] = 0;
    for (int attempt = 0;; attempt++) {
        char low[32];
        for (size_t i = 0; i <= strlen(h); i++)
            low[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 : h[i]);
        if (set_add(&handles, hash_str(low)))
            break;
        /* taken: replace the tail with digits */
        unsigned digits = attempt < 5 ? 3 : attempt < 20 ? 4 : attempt < 40 ? 6 : 8;
        uint32_t span = digits == 3 ? 999 : digits == 4 ? 9999 : digits == 6 ? 999999 : 99999999;
        size_t room = 15 - digits;
        size_t keep = n > 11 ? 11 : n;
        if (keep > room)
            keep = room;
        snprintf(h + keep, sizeof h - keep, "%u", (unsigned)(rng_below(r, span) + 1));
        if (strlen(h) > 15)
            h[15] = 0;
    }
    memcpy(a->handle, h, 16);
    a->handle[15] = 0;
}

static void handle_organic(Account *a, Rng *r, const char *first, const char *last)
{
    char f[32], l[32], base[128];
    asciify(first, f, sizeof f);
    asciify(last, l, sizeof l);
    if (!f[0])
        snprintf(f, sizeof f, "%s", hw_noun[rng_below(r, 24)]);
    if (!l[0])
        snprintf(l, sizeof l, "%s", hw_adj[rng_below(r, 25)]);
    switch (rng_below(r, 10)) {
    case 0: snprintf(base, sizeof base, "%s%s", f, l); break;
    case 1: snprintf(base, sizeof base, "%s_%s", f, l); break;
    case 2: snprintf(base, sizeof base, "%c%s", f[0], l); break;
    case 3: snprintf(base, sizeof base, "%s%s%02u", f, l, (unsigned)rng_range(r, 60, 99) % 100); break;
    case 4: snprintf(base, sizeof base, "%s%c", f, l[0]); break;
    case 5: snprintf(base, sizeof base, "%s_%s", hw_adj[rng_below(r, 25)], hw_noun[rng_below(r, 24)]); break;
    case 6: snprintf(base, sizeof base, "%s%s%u", hw_adj[rng_below(r, 25)], hw_noun[rng_below(r, 24)], (unsigned)rng_below(r, 100)); break;
    case 7: snprintf(base, sizeof base, "%s%s", l, f); break;
    case 8: snprintf(base, sizeof base, "%s%u", f, (unsigned)rng_range(r, 1, 2005)); break;
    default: snprintf(base, sizeof base, "the%s%s", f, l); break;
    }
    if (rng_chance(r, 0.3)) /* many people lowercase their handle */
        for (char *p = base; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
    set_handle(a, r, base);
}

/* Twitter's suggested handle at sign-up: name prefix plus eight digits. */
static void handle_suggested(Account *a, Rng *r, const char *first, const char *last)
{
    char f[32], l[32], base[32];
    asciify(first, f, sizeof f);
    asciify(last, l, sizeof l);
    if (!f[0])
        snprintf(f, sizeof f, "User");
    size_t fl = strlen(f);
    if (fl > 7)
        fl = 7;
    size_t ll = strlen(l);
    if (fl + ll > 7)
        ll = 7 - fl;
    memcpy(base, f, fl);
    memcpy(base + fl, l, ll);
    snprintf(base + fl + ll, sizeof base - fl - ll, "%08u", (unsigned)rng_below(r, 100000000));
    set_handle(a, r, base);
}

static void handle_random(Account *a, Rng *r)
{
    char base[20];
    int nl = (int)rng_range(r, 4, 9);
    for (int i = 0; i < nl; i++)
        base[i] = (char)('a' + rng_below(r, 26));
    int nd = (int)rng_range(r, 2, 15 - nl > 6 ? 6 : 15 - nl);
    for (int i = 0; i < nd; i++)
        base[nl + i] = (char)('0' + rng_below(r, 10));
    base[nl + nd] = 0;
    set_handle(a, r, base);
}

/* User ids grew roughly log-linearly with sign-up time until 64-bit snowflakes (2016). */
static uint64_t user_id_for(int64_t created, Rng *r)
{
    static const int64_t at[] = {1167609600, 1230768000, 1262304000, 1293840000, 1325376000,
                                 1356998400, 1388534400, 1420070400, 1451606400, 1462060800};
    static const double idv[] = {5e5, 1.8e7, 1e8, 2.3e8, 4.6e8, 1.1e9, 2.27e9, 2.96e9, 4.7e9, 7.3e9};
    for (;;) {
        uint64_t id;
        if (created >= at[9]) {
            id = snowflake(created * 1000 + (int64_t)rng_below(r, 1000), rng_below(r, 1024), rng_below(r, 4096));
        } else {
            int k = 0;
            while (k < 8 && created >= at[k + 1])
                k++;
            double f = (double)(created - at[k]) / (double)(at[k + 1] - at[k]);
            if (f < 0)
                f = 0;
            double lv = log(idv[k]) + f * (log(idv[k + 1]) - log(idv[k]));
            id = (uint64_t)exp(lv) + rng_below(r, 20000);
        }
        if (set_add(&ids, id))
            return id;
    }
}

void account_io_id(Account *a)
{
    if (a->followers >= 5000) {
        snprintf(a->io_id, sizeof a->io_id, "%llu", (unsigned long long)a->id);
        return;
    }
    /* the archive replaces ids of small accounts by a salted hash, base64 encoded */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char h[32];
    uint64_t x = hash3(S.p.seed, a->id, 0x10a7c41e);
    for (int i = 0; i < 32; i++) {
        if (i % 8 == 0)
            x = mix64(x + (uint64_t)i);
        h[i] = (unsigned char)(x >> (8 * (i % 8)));
    }
    int o = 0;
    for (int i = 0; i < 30; i += 3) {
        uint32_t v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 | h[i + 2];
        a->io_id[o++] = b64[v >> 18 & 63];
        a->io_id[o++] = b64[v >> 12 & 63];
        a->io_id[o++] = b64[v >> 6 & 63];
        a->io_id[o++] = b64[v & 63];
    }
    uint32_t v = (uint32_t)h[30] << 16 | (uint32_t)h[31] << 8;
    a->io_id[o++] = b64[v >> 18 & 63];
    a->io_id[o++] = b64[v >> 12 & 63];
    a->io_id[o++] = b64[v >> 6 & 63];
    a->io_id[o++] = '=';
    a->io_id[o] = 0;
}

static uint32_t clamp_u32(double v, double lo, double hi)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return (uint32_t)v;
}

static int pick_client(Rng *r)
{
    static const double w[] = {0.38, 0.30, 0.25, 0.04, 0.03};
    return (int)rng_weighted(r, w, 5);
}

static int16_t pick_tz(Rng *r, int lang)
{
    if (lang == LANG_FR)
        return rng_chance(r, 0.85) ? -300 : 60;
    if (lang == LANG_ZH) {
        double u = rng_u01(r);
        return u < 0.5 ? -480 : u < 0.85 ? -300 : 480;
    }
    static const double w[] = {0.45, 0.20, 0.10, 0.15, 0.05, 0.05};
    static const int16_t tz[] = {-300, -480, -360, -420, -240, 0};
    return tz[rng_weighted(r, w, 6)];
}

static void pick_topics(Account *a, Rng *r, const double *w)
{
    for (int k = 0; k < 3; k++) {
        int t;
        int guard = 0;
        do {
            t = (int)rng_weighted(r, w, TOP_N);
        } while (guard++ < 20 && ((k > 0 && t == a->topic[0]) || (k > 1 && t == a->topic[1])));
        a->topic[k] = (uint8_t)t;
    }
}

static const double topic_w_org[TOP_N] = {0.15, 0.08, 0.04, 0.15, 0.30, 0.10, 0.08, 0.10};
static const double topic_w_news[TOP_N] = {0.35, 0.30, 0.15, 0.05, 0.0, 0.15, 0.0, 0.0};
static const double topic_w_filler[TOP_N] = {0.03, 0.0, 0.12, 0.20, 0.40, 0.10, 0.05, 0.10};

static void person_name(Account *a, Rng *r, int lang, char *first, char *last)
{
    char nm[128];
    if (lang == LANG_ZH) {
        expand(r, "name.py.given", first, 32);
        expand(r, "name.py.sur", last, 32);
        expand(r, "name.zh", nm, sizeof nm);
    } else {
        const char *fr = lang == LANG_FR ? "name.fr.first" : "name.en.first";
        const char *lr = lang == LANG_FR ? "name.fr.last" : "name.en.last";
        expand(r, fr, first, 32);
        expand(r, lr, last, 32);
        double u = rng_u01(r);
        if (u < 0.62)
            snprintf(nm, sizeof nm, "%s %s", first, last);
        else if (u < 0.78)
            snprintf(nm, sizeof nm, "%s", first);
        else if (u < 0.88 && lang == LANG_EN)
            expand(r, "nick.en", nm, sizeof nm);
        else
            snprintf(nm, sizeof nm, "%s %c.", first, last[0]);
    }
    a->name = arena_strdup(nm);
}

static void profile_common(Account *a, Rng *r)
{
    a->img = rng_next(r) % 900000000000000000ull + 100000000000000000ull;
    a->theme = (uint8_t)rng_below(r, 8);
    a->listed = clamp_u32(a->followers * rng_u01(r) * 0.02, 0, 1e6);
    a->favourites = clamp_u32(rng_lognormal(r, 1500, 1.6), 0, 4e6);
    a->geo = rng_chance(r, 0.15);
    a->io_id[0] = 0;
    snprintf(a->io_lang, sizeof a->io_lang, "%s", lang_code[a->lang]);
}

static void mix_default(Account *a, Rng *r, double p, double rt, double rp, double q)
{
    double m[4] = {p * rng_lognormal(r, 1, 0.5), rt * rng_lognormal(r, 1, 0.6), rp * rng_lognormal(r, 1, 0.6),
                   q * rng_lognormal(r, 1, 0.6)};
    double s = m[0] + m[1] + m[2] + m[3];
    for (int i = 0; i < 4; i++)
        a->mix[i] = (float)(m[i] / s);
}

static void make_organic(Account *a, Rng *r, int lang, bool lookalike)
{
    char first[32], last[32];
    a->lang = (uint8_t)lang;
    a->label = lookalike ? LBL_ORGANIC /* set below */ : LBL_ORGANIC;
    a->campaign = -1;
    person_name(a, r, lang, first, last);
    double age_days;
    if (lookalike) {
        age_days = rng_range(r, 3, 90);
    } else if (rng_chance(r, 0.7)) {
        age_days = rng_lognormal(r, 6 * 365.0, 0.5);
    } else {
        age_days = 30 + rng_u01(r) * 15 * 365.0;
    }
    int64_t created = S.t0 - (int64_t)(age_days * 86400) - (int64_t)rng_below(r, 86400);
    if (created < 1167609600 + 86400)
        created = 1167609600 + (int64_t)rng_below(r, 200 * 86400);
    a->created = created;
    a->id = user_id_for(created, r);
    if (lookalike) {
        a->label = LBL_LOOKALIKE;
        if (rng_chance(r, 0.75))
            handle_suggested(a, r, first, last);
        else
            handle_random(a, r);
        a->followers = clamp_u32(rng_lognormal(r, 7, 1.1), 0, 400);
        a->friends = clamp_u32(rng_lognormal(r, 55, 1.0), 0, 2000);
        a->statuses = clamp_u32(rng_lognormal(r, 25, 1.2), 0, 3000);
        a->def_profile = 1;
        a->def_image = rng_chance(r, 0.85);
        a->desc = rng_chance(r, 0.75) ? "" : NULL;
    } else {
        if (rng_chance(r, 0.08))
            handle_suggested(a, r, first, last); /* ordinary people keep the suggestion too */
        else
            handle_organic(a, r, first, last);
        a->followers = clamp_u32(rng_lognormal(r, 170, 1.7), 0, 3e6);
        a->friends = clamp_u32(rng_lognormal(r, 290, 1.0), 0, a->followers > 5000 ? 20000 : 5000);
        a->statuses = clamp_u32(age_days * rng_lognormal(r, 1.2, 1.4), 10, 5e5);
        a->def_profile = rng_chance(r, 0.4);
        a->def_image = rng_chance(r, 0.03);
        a->desc = rng_chance(r, 0.25) ? "" : NULL;
        a->verified = a->followers > 100000 && rng_chance(r, 0.5);
    }
    if (!a->desc) {
        char d[200];
        expand(r, lang == LANG_ZH ? "desc.zh" : lang == LANG_FR ? "desc.fr" : "desc.en", d, sizeof d);
        a->desc = arena_strdup(d);
    }
    if (rng_chance(r, lookalike ? 0.8 : 0.35)) {
        a->location = "";
    } else {
        char l[96];
        expand(r, lang == LANG_ZH ? "loc.zh" : lang == LANG_FR ? "loc.fr" : "loc.en", l, sizeof l);
        a->location = arena_strdup(l);
    }
    a->url = NULL;
    if (!lookalike && rng_chance(r, 0.12)) {
        static const char *pat[] = {"https://%s.com", "https://linktr.ee/%s", "https://instagram.com/%s",
                                    "https://www.youtube.com/@%s", "http://%s.wordpress.com", "https://%s.substack.com"};
        char low[16];
        for (int i = 0; i < 16; i++)
            low[i] = (char)((a->handle[i] >= 'A' && a->handle[i] <= 'Z') ? a->handle[i] + 32 : a->handle[i]);
        a->url = arena_printf(pat[rng_below(r, 6)], low);
    }
    a->tz = pick_tz(r, lang);
    a->client = (uint8_t)pick_client(r);
    a->style = (uint8_t)rng_below(r, 16);
    pick_topics(a, r, topic_w_org);
    if (lang == LANG_ZH && rng_chance(r, 0.3))
        a->topic[rng_below(r, 3)] = (uint8_t)TOP_CACHINA;
    a->rate = (float)rng_lognormal(r, 1.0, 1.5);
    a->burst = (float)(0.15 + 0.45 * rng_u01(r));
    mix_default(a, r, 0.42, 0.38, 0.14, 0.06);
    a->appeal = (float)(pow(log10((double)a->followers + 10.0), 2.0) * rng_lognormal(r, 1.0, 0.6));
    profile_common(a, r);
}

static const struct {
    const char *name, *handle, *desc;
    int lang;
} outlets[] = {
    {"The Northern Ledger", "NorthernLedger", "National news, politics and ideas. Tips: tips@northernledger.ca", LANG_EN},
    {"Capital Dispatch", "CapDispatch", "Politics and policy from Ottawa, every weekday.", LANG_EN},
    {"Maple Wire", "MapleWireNews", "Breaking news from across Canada.", LANG_EN},
    {"Prairie Post", "PrairiePostNews", "News for the Prairies and beyond.", LANG_EN},
    {"Harbour Herald", "HarbourHerald", "Atlantic Canada's independent newsroom.", LANG_EN},
    {"Le Courrier d'Ottawa", "CourrierOttawa", "L'actualité politique fédérale, en français.", LANG_FR},
    {"太平洋华人日报 Pacific Chinese Daily", "PacChineseDaily", "加拿大华人新闻 | Canadian Chinese-language news", LANG_ZH},
    {"Global Briefing", "GlobalBriefingX", "World news in two minutes.", LANG_EN},
    {"Lakeshore Times", "LakeshoreTimes", "Local news for the Lakeshore communities.", LANG_EN},
    {"Coast Report", "CoastReportBC", "British Columbia news and analysis.", LANG_EN},
};

static const struct {
    const char *name, *handle, *desc, *loc;
    int lang;
} officials[] = {
    {"Chinese Embassy in Canada", "ChnEmbassyCA", "Official account of the Embassy of the People's Republic of China in Canada.", "Ottawa, Ontario", LANG_EN},
    {"Chinese Consulate General in Toronto", "ChinaCGToronto", "Official account of the Consulate General of the PRC in Toronto.", "Toronto, Ontario", LANG_EN},
    {"Chinese Consulate General in Vancouver", "ChnCGVancouver", "Official account of the Consulate General of the PRC in Vancouver.", "Vancouver, British Columbia", LANG_EN},
    {"MFA Spokesperson 外交部发言人办公室", "MFA_SpoxOffice", "Spokesperson's Office of the Ministry of Foreign Affairs of the People's Republic of China.", "Beijing, China", LANG_ZH},
    {"Ambassador of China to Canada", "AmbChinaCanada", "Ambassador of the People's Republic of China to Canada.", "Ottawa", LANG_EN},
};

static void make_special(Account *a, Rng *r, int label, int lang, const char *name, const char *handle,
                         const char *desc, const char *loc)
{
    a->lang = (uint8_t)lang;
    a->label = (uint8_t)label;
    a->campaign = -1;
    a->name = name;
    set_handle(a, r, handle);
    a->desc = desc;
    a->location = loc;
    a->url = NULL;
    profile_common(a, r);
}

/* Campaign member profiles: fresh (new, burst-created), aged (bought) or mixed. */
static void make_campaign_member(Account *a, Rng *r, const Campaign *c, const int64_t *bursts, int n_bursts,
                                 int16_t op_tz)
{
    char first[32], last[32];
    int lang = c->lang == LANG_N ? (rng_chance(r, 0.5) ? LANG_EN : LANG_ZH) : c->lang;
    a->lang = (uint8_t)lang;
    a->label = LBL_CAMPAIGN;
    a->campaign = c->id;
    bool aged = c->profile == 1 || (c->profile == 2 && rng_chance(r, 0.5));
    /* display names: western names are common even in Chinese-language networks */
    int nlang = rng_chance(r, 0.5) ? LANG_EN : LANG_ZH;
    person_name(a, r, nlang, first, last);
    if (aged) {
        int64_t created = (int64_t)1293840000 + (int64_t)(rng_u01(r) * (1483228800.0 - 1293840000.0));
        a->created = created;
        a->id = user_id_for(created, r);
        /* the handle is from the previous owner, from another country */
        char pf[32], pl[32];
        static const char *fn[] = {"maria", "joao", "budi", "ana", "carlos", "siti", "jose", "dewi", "luis", "rafael", "putri", "diego"};
        static const char *ln[] = {"santos", "silva", "santoso", "garcia", "lopez", "wijaya", "rodrigues", "perez", "pratama", "souza"};
        snprintf(pf, sizeof pf, "%s", fn[rng_below(r, 12)]);
        snprintf(pl, sizeof pl, "%s", ln[rng_below(r, 10)]);
        handle_organic(a, r, pf, pl);
        a->followers = clamp_u32(rng_lognormal(r, 320, 1.0), 20, 4900);
        a->friends = clamp_u32(rng_lognormal(r, 420, 0.8), 20, 5000);
        a->statuses = clamp_u32(rng_lognormal(r, 2500, 1.0), 100, 80000);
        a->def_profile = rng_chance(r, 0.3);
        a->def_image = rng_chance(r, 0.05);
        char d[200];
        expand(r, rng_chance(r, 0.6) ? "desc.aged" : "desc.en", d, sizeof d);
        a->desc = rng_chance(r, 0.2) ? "" : arena_strdup(d);
        char l[96];
        expand(r, "loc.world", l, sizeof l);
        a->location = rng_chance(r, 0.4) ? "" : arena_strdup(l);
        static const char *ol[] = {"es", "pt", "id", "en", "es", "pt"};
        profile_common(a, r);
        snprintf(a->io_lang, sizeof a->io_lang, "%s", ol[rng_below(r, 6)]);
    } else {
        int64_t day = bursts[rng_below(r, (uint32_t)n_bursts)];
        /* created during the operators' working day, minutes apart */
        int64_t created = day - (int64_t)op_tz * 60 + 9 * 3600 + (int64_t)rng_below(r, 9 * 3600);
        a->created = created;
        a->id = user_id_for(created, r);
        double u = rng_u01(r);
        if (u < 0.6)
            handle_suggested(a, r, first, last);
        else if (u < 0.85)
            handle_random(a, r);
        else
            handle_organic(a, r, first, last);
        a->followers = clamp_u32(rng_lognormal(r, 6, 1.2), 0, 300);
        a->friends = clamp_u32(rng_lognormal(r, 45, 1.0), 0, 1500);
        a->statuses = clamp_u32(rng_lognormal(r, 60, 1.0), 5, 3000);
        a->def_profile = rng_chance(r, 0.8);
        a->def_image = rng_chance(r, 0.55);
        if (rng_chance(r, 0.55)) {
            a->desc = "";
        } else {
            char d[200];
            expand(r, lang == LANG_ZH ? "desc.camp.zh" : "desc.camp.fresh", d, sizeof d);
            a->desc = arena_strdup(d);
        }
        a->location = rng_chance(r, 0.7) ? "" : (rng_chance(r, 0.5) ? "Canada" : "Toronto");
        profile_common(a, r);
    }
    a->url = NULL;
    a->verified = 0;
    a->tz = op_tz;
    a->client = (uint8_t)(rng_chance(r, 0.75) ? CL_WEB : pick_client(r));
    a->style = (uint8_t)rng_below(r, 16);
    pick_topics(a, r, topic_w_filler);
    a->rate = (float)(rng_lognormal(r, 6.0, 0.8) * S.p.days / 14.0);
    a->burst = (float)(0.2 + 0.3 * rng_u01(r));
    mix_default(a, r, 0.35, 0.50, 0.10, 0.05);
    a->appeal = (float)(0.3 * rng_lognormal(r, 1.0, 0.5));
    if (c->persona) {
        /* a persona account keeps up an ordinary-looking life: everyday topics, an ordinary mix
         * of posts and reposts, at the rates of active ordinary users */
        pick_topics(a, r, topic_w_org);
        a->rate = (float)(rng_lognormal(r, 15.0, 0.7) * S.p.days / 14.0);
        a->burst = (float)(0.15 + 0.45 * rng_u01(r));
        mix_default(a, r, 0.42, 0.38, 0.14, 0.06);
        a->client = (uint8_t)pick_client(r);
    }
}

void accounts_build(void)
{
    Rng r = rng_for(S.p.seed, hash_str("accounts"), 0);
    long n_total = S.p.accounts;
    int n_camp_members = 0;
    for (int i = 0; i < S.n_camp; i++)
        n_camp_members += S.camp[i].size;
    int n_off = (int)(sizeof officials / sizeof officials[0]);
    int n_news = n_total >= 2000 ? 10 : n_total >= 500 ? 5 : 3;
    int n_jour = (int)(n_total * 0.004);
    if (n_jour < 6)
        n_jour = 6;
    if (n_jour > 80)
        n_jour = 80;
    long n_org = n_total - n_off - n_news - n_jour - n_camp_members;
    if (n_org < 200)
        n_org = 200;
    S.n_acct = (uint32_t)(n_org + n_off + n_news + n_jour + n_camp_members);
    S.acct = xcalloc(S.n_acct, sizeof(Account));
    set_init(&ids, S.n_acct + 64);
    set_init(&handles, S.n_acct + 64);
    uint32_t k = 0;
    /* organic (with lookalikes mixed in) */
    long n_look = (long)(n_org * 0.03);
    for (long i = 0; i < n_org; i++) {
        Rng ar = rng_for(S.p.seed, hash_str("acct.org"), (uint64_t)i);
        double u = rng_u01(&ar);
        int lang = u < 0.78 ? LANG_EN : u < 0.90 ? LANG_FR : LANG_ZH;
        bool look = i % 33 == 7 && n_look-- > 0;
        make_organic(&S.acct[k++], &ar, lang, look);
    }
    S.n_organic_pool = k;
    /* news outlets */
    S.news = xmalloc(sizeof(uint32_t) * (size_t)n_news);
    S.n_news = n_news;
    for (int i = 0; i < n_news; i++) {
        Account *a = &S.acct[k];
        make_special(a, &r, LBL_NEWS, outlets[i].lang, outlets[i].name, outlets[i].handle, outlets[i].desc,
                     outlets[i].lang == LANG_FR ? "Ottawa" : outlets[i].lang == LANG_ZH ? "Vancouver, BC" : "Canada");
        a->created = 1199145600 + (int64_t)rng_below(&r, 6 * 365 * 86400u);
        a->id = user_id_for(a->created, &r);
        a->followers = clamp_u32(rng_lognormal(&r, 150000, 1.0), 20000, 3e6);
        a->friends = clamp_u32(rng_lognormal(&r, 800, 0.8), 50, 5000);
        a->statuses = clamp_u32(rng_lognormal(&r, 150000, 0.6), 20000, 9e5);
        a->verified = 1;
        a->url = arena_printf("https://www.%s.ca", outlets[i].handle);
        for (char *p = (char *)a->url + 12; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        a->client = (uint8_t)(CL_HOOT + rng_below(&r, 3));
        a->tz = -300;
        pick_topics(a, &r, topic_w_news);
        a->rate = (float)(rng_lognormal(&r, 14, 0.4) * S.p.days);
        a->burst = 0.1f;
        a->mix[0] = 0.9f, a->mix[1] = 0.08f, a->mix[2] = 0.01f, a->mix[3] = 0.01f;
        a->appeal = (float)(60 * rng_lognormal(&r, 1.0, 0.4));
        profile_common(a, &r);
        a->io_lang[0] = 0;
        snprintf(a->io_lang, sizeof a->io_lang, "%s", lang_code[a->lang]);
        S.news[i] = k++;
    }
    /* journalists */
    S.journalists = xmalloc(sizeof(uint32_t) * (size_t)n_jour);
    S.n_journalists = n_jour;
    for (int i = 0; i < n_jour; i++) {
        Rng ar = rng_for(S.p.seed, hash_str("acct.journalist"), (uint64_t)i);
        Account *a = &S.acct[k];
        int lang = i % 10 == 3 ? LANG_ZH : i % 10 == 6 ? LANG_FR : LANG_EN;
        make_organic(a, &ar, lang, false);
        a->label = LBL_JOURNALIST;
        char d[200];
        expand(&ar, "desc.journalist", d, sizeof d);
        a->desc = arena_strdup(d);
        a->followers = clamp_u32(rng_lognormal(&ar, 7000, 1.0), 800, 4e5);
        a->verified = a->followers > 3000 && rng_chance(&ar, 0.6);
        a->client = (uint8_t)(rng_chance(&ar, 0.4) ? CL_DECK : rng_chance(&ar, 0.5) ? CL_WEB : CL_IPHONE);
        a->def_profile = 0;
        a->def_image = 0;
        a->tz = lang == LANG_ZH ? -480 : -300;
        pick_topics(a, &ar, topic_w_news);
        a->rate = (float)(rng_lognormal(&ar, 4, 0.6) * S.p.days);
        mix_default(a, &ar, 0.45, 0.30, 0.18, 0.07);
        a->appeal = (float)(pow(log10((double)a->followers + 10.0), 2.0) * 2.0);
        S.journalists[i] = k++;
    }
    /* officials */
    S.officials = xmalloc(sizeof(uint32_t) * (size_t)n_off);
    S.n_officials = n_off;
    for (int i = 0; i < n_off; i++) {
        Account *a = &S.acct[k];
        make_special(a, &r, LBL_OFFICIAL, officials[i].lang, officials[i].name, officials[i].handle,
                     officials[i].desc, officials[i].loc);
        a->created = 1546300800 + (int64_t)rng_below(&r, 3 * 365 * 86400u);
        a->id = user_id_for(a->created, &r);
        a->followers = clamp_u32(rng_lognormal(&r, 30000, 0.8), 3000, 2e6);
        a->friends = clamp_u32(rng_lognormal(&r, 120, 0.6), 10, 900);
        a->statuses = clamp_u32(rng_lognormal(&r, 2500, 0.6), 200, 40000);
        a->verified = 1;
        a->client = CL_WEB;
        a->tz = i == 3 ? 480 : -300;
        a->topic[0] = TOP_CACHINA, a->topic[1] = TOP_CACHINA, a->topic[2] = TOP_WORLD;
        a->rate = (float)(S.p.days / 4.0);
        a->burst = 0.05f;
        a->mix[0] = 0.6f, a->mix[1] = 0.4f, a->mix[2] = 0.0f, a->mix[3] = 0.0f;
        a->appeal = (float)(25 * rng_lognormal(&r, 1.0, 0.3));
        S.officials[i] = k++;
    }
    /* campaign members */
    for (int ci = 0; ci < S.n_camp; ci++) {
        Campaign *c = &S.camp[ci];
        Rng cr = rng_for(S.p.seed, hash_str("camp.accounts"), (uint64_t)ci);
        int n_bursts = 1 + (int)rng_below(&cr, 3);
        int64_t bursts[3];
        for (int b = 0; b < n_bursts; b++) {
            int64_t d = S.t0 / 86400 - 12 - (int64_t)rng_below(&cr, 230);
            bursts[b] = d * 86400;
        }
        int16_t op_tz = c->timing == 3 || rng_chance(&cr, 0.5) ? 480 : (rng_chance(&cr, 0.5) ? -300 : -480);
        c->op_tz = op_tz;
        c->members = xmalloc(sizeof(uint32_t) * (size_t)c->size);
        c->part = xmalloc(sizeof(float) * (size_t)c->size);
        for (int m = 0; m < c->size; m++) {
            Account *a = &S.acct[k];
            make_campaign_member(a, &cr, c, bursts, n_bursts, op_tz);
            c->members[m] = k++;
            c->part[m] = (float)(0.25 + 0.7 * rng_u01(&cr));
        }
        c->hub = c->members[0];
        /* the hub account looks a little more established */
        S.acct[c->hub].followers += (uint32_t)rng_below(&cr, 800);
        S.acct[c->hub].appeal *= 4;
    }
    if (k != S.n_acct)
        die("internal: account count mismatch (%u != %u)", k, S.n_acct);
    /* organic rates are normalised in sim_run, once the planted posts are known */
    for (uint32_t i = 0; i < S.n_acct; i++) {
        Account *a = &S.acct[i];
        if (a->statuses < (uint32_t)a->rate * 2)
            a->statuses = (uint32_t)(a->rate * 2) + 3;
        account_io_id(a);
    }
    free(ids.k);
    free(handles.k);
}
