/* plan.c — planted events: coordinated campaigns and hard negatives.
 *
 * Everything planted is decided here, before the simulation, and held in memory (S.pl): it is
 * small next to the organic background (thousands of posts). The simulation merges these events
 * in time order with the organic stream.
 *
 * Campaigns mix behaviours (parroting statements, repost rings, link sharing, hashtag pushes,
 * narratives) and differ in timing (tight: seconds to minutes; loose: within an hour; spread:
 * hours with jitter; office: only during working hours in UTC+8) and in the accounts they use.
 * Members never act in lockstep: each joins an action with its own propensity and its own delay.
 *
 * Hard negatives: official accounts posting their statements (and retweeting each other),
 * journalists quoting statements in quotation marks over days, one viral post reposted by
 * hundreds of ordinary users within an hour, one popular news article shared by many users in
 * a day (with share-button URL variants), and a trending hashtag pair used by many unrelated
 * users in their own words. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>

const char *const kind_name[4] = {"post", "repost", "reply", "quote"};
const char *const behaviour_name[BH_N] = {"parrot", "repost_ring", "link_sharing", "hashtag_push", "narrative"};
const char *const role_name[RO_N] = {"none", "official", "parrot", "repost_ring", "link_sharing", "hashtag_push",
                                     "narrative", "ring_seed", "journalist_quote", "viral", "news_url", "trend",
                                     "echo", "rotating_echo", "mention_push", "organic_share", "mention_target",
                                     "news_event", "fan", "idol", "niche_tag"};


#define TWEPOCH 1288834974657LL

uint64_t snowflake(int64_t t_ms, uint32_t worker, uint32_t seq)
{
    return ((uint64_t)(t_ms - TWEPOCH) << 22) | ((uint64_t)(worker & 1023) << 12) | (seq & 4095);
}

Planted *planted_new(void)
{
    if (S.n_pl == S.cap_pl) {
        S.cap_pl = S.cap_pl ? S.cap_pl * 2 : 4096;
        S.pl = xrealloc(S.pl, sizeof(Planted) * S.cap_pl);
    }
    Planted *p = &S.pl[S.n_pl++];
    memset(p, 0, sizeof *p);
    p->ref = -1;
    p->campaign = -1;
    p->statement = -1;
    p->narrative = -1;
    p->appeal = 0.3f;
    return p;
}

static int32_t pl_index(const Planted *p) { return (int32_t)(p - S.pl); }

/* Store a Content in a planted post (text, links, mentions into the arena). */
static void pl_set_content(Planted *p, const Content *c)
{
    p->text = arena_strndup(c->t, c->len);
    p->len = c->len;
    p->n_url = (uint8_t)c->n_url;
    p->urls = NULL;
    if (c->n_url) {
        p->urls = arena_alloc(sizeof(char *) * (size_t)c->n_url);
        for (int i = 0; i < c->n_url; i++)
            p->urls[i] = arena_strdup(c->url_exp[i]);
    }
    p->n_mention = (uint8_t)c->n_mention;
    p->mentions = NULL;
    if (c->n_mention) {
        p->mentions = arena_alloc(sizeof(uint32_t) * (size_t)c->n_mention);
        memcpy(p->mentions, c->mention, sizeof(uint32_t) * (size_t)c->n_mention);
    }
}

static Planted *add_post(int64_t t_ms, uint32_t author, int kind, int role, const Content *c)
{
    Planted *p = planted_new();
    p->t_ms = t_ms;
    p->author = author;
    p->kind = (uint8_t)kind;
    p->role = (uint8_t)role;
    p->lang = S.acct[author].lang;
    p->cseed = c ? c->cseed : 0;
    if (c)
        pl_set_content(p, c);
    return p;
}

static Planted *add_repost(int64_t t_ms, uint32_t author, int32_t ref, int role)
{
    if (t_ms < S.pl[ref].t_ms + 1000)
        t_ms = S.pl[ref].t_ms + 1000 + (int64_t)(mix64((uint64_t)t_ms ^ author) % 4000);
    Planted *p = planted_new();
    p->t_ms = t_ms;
    p->author = author;
    p->kind = K_REPOST;
    p->role = (uint8_t)role;
    p->ref = ref;
    p->lang = S.pl[ref].lang;
    p->ref_author = S.pl[ref].author;
    return p;
}

/* ---------------------------------------------------------------- timing */

/* Move t into the next office slot in UTC+8 (09:00-12:00, 14:00-18:00, Monday to Friday). */
static int64_t office_adjust(Rng *r, int64_t t)
{
    for (int guard = 0; guard < 14; guard++) {
        int64_t local = t + 8 * 3600;
        int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        int64_t sod = local - day * 86400;
        int wd = (int)((day % 7 + 11) % 7); /* 0 = Sunday */
        if (wd == 0 || wd == 6) {
            t = (day + (wd == 6 ? 2 : 1)) * 86400 - 8 * 3600 + 9 * 3600 + (int64_t)rng_below(r, 2400);
            continue;
        }
        if (sod < 9 * 3600)
            return day * 86400 - 8 * 3600 + 9 * 3600 + (int64_t)rng_below(r, 2400);
        if (sod >= 12 * 3600 && sod < 14 * 3600)
            return day * 86400 - 8 * 3600 + 14 * 3600 + (int64_t)rng_below(r, 2400);
        if (sod >= 18 * 3600) {
            t = (day + 1) * 86400 - 8 * 3600 + 9 * 3600 + (int64_t)rng_below(r, 2400);
            continue;
        }
        return t;
    }
    return t;
}

/* seconds from a trigger (statement, article) to the campaign's action */
static double campaign_lag(Rng *r, const Campaign *c)
{
    switch (c->timing) {
    case 0: return rng_lognormal(r, 600, 0.6);
    case 1: return rng_lognormal(r, 2400, 0.7);
    case 2: return rng_lognormal(r, 3 * 3600, 0.7);
    default: return rng_lognormal(r, 1800, 0.8);
    }
}

/* one member's time around the campaign's action time T (seconds) */
static int64_t member_time(Rng *r, const Campaign *c, int64_t T)
{
    double d;
    switch (c->timing) {
    case 0: d = rng_exp(r, 20 + 50 * rng_u01(r)); break;             /* seconds to a few minutes */
    case 1: d = rng_u01(r) * 3300 + rng_exp(r, 120); break;          /* within the hour */
    case 2: d = rng_lognormal(r, 2.5 * 3600, 0.9); break;            /* hours, a long tail */
    default: d = rng_u01(r) * 2400 + rng_exp(r, 300); break;         /* within a working block */
    }
    int64_t t = T + (int64_t)d;
    if (c->timing == 3)
        t = office_adjust(r, t);
    return t;
}

static int64_t to_ms(Rng *r, int64_t t) { return t * 1000 + (int64_t)rng_below(r, 1000); }

static bool in_period(int64_t t) { return t >= S.t0 && t < S.t1; }

bool scenario_new_mode(void)
{
    const Params *p = &S.p;
    return p->scenario != SC_DEFAULT || p->kinds || p->timings || p->size_mix[0] > 0 || p->size_mix[1] > 0 ||
           p->size_mix[2] > 0;
}

Planted *plan_add_post(int64_t t_ms, uint32_t author, int kind, int role, const Content *c)
{
    return add_post(t_ms, author, kind, role, c);
}
Planted *plan_add_repost(int64_t t_ms, uint32_t author, int32_t ref, int role)
{
    return add_repost(t_ms, author, ref, role);
}
int64_t plan_to_ms(Rng *r, int64_t t) { return to_ms(r, t); }
bool plan_in_period(int64_t t) { return in_period(t); }
int64_t plan_office_adjust(Rng *r, int64_t t) { return office_adjust(r, t); }

/* ------------------------------------------------------------- campaigns */

static void camp_setup_one(Campaign *c, Rng *r, int idx)
{
    c->id = idx;
    int lo = S.p.csize_min, hi = S.p.csize_max;
    double ls = log((double)lo) + rng_u01(r) * (log((double)hi + 1) - log((double)lo));
    c->size = (int)exp(ls);
    if (c->size < lo)
        c->size = lo;
    if (c->size > hi)
        c->size = hi;
    double u = rng_u01(r);
    c->profile = u < 0.55 ? 0 : u < 0.75 ? 1 : 2;
    u = rng_u01(r);
    c->lang = u < 0.6 ? LANG_EN : u < 0.8 ? LANG_ZH : LANG_N;
    c->behaviours = 0;
    if (rng_chance(r, 0.75))
        c->behaviours |= 1u << BH_PARROT;
    if (rng_chance(r, 0.5))
        c->behaviours |= 1u << BH_RING;
    if (rng_chance(r, 0.4))
        c->behaviours |= 1u << BH_LINK;
    if (rng_chance(r, 0.45))
        c->behaviours |= 1u << BH_HASHTAG;
    if (rng_chance(r, 0.45))
        c->behaviours |= 1u << BH_NARRATIVE;
    while (__builtin_popcount(c->behaviours) < 2)
        c->behaviours |= 1u << rng_below(r, BH_N);
    /* paraphrase mix: lazy copiers, evaders, or in between */
    static const double base[PA_N] = {0, 0.18, 0.22, 0.12, 0.06, 0.08, 0.14, 0.06, 0.05, 0.05, 0.0, 0};
    double style = rng_u01(r);
    for (int k = 0; k < PA_N; k++) {
        double w = base[k] * rng_lognormal(r, 1.0, 0.5);
        if (style < 0.3 && (k == PA_VERBATIM || k == PA_EXCERPT))
            w *= 3; /* lazy copy-paste network */
        if (style > 0.75 && (k == PA_UNICODE || k == PA_TYPO || k == PA_SUBST || k == PA_NOISE))
            w *= 2.5 * (0.5 + S.p.noise); /* evasive network */
        if (k == PA_UNICODE || k == PA_TYPO || k == PA_NOISE)
            w *= 0.5 + S.p.noise;
        c->para_w[k] = w;
    }
    c->para_w[PA_CHINESE] = 0.5;
    /* campaign hashtags */
    int trule = gram_need(c->lang == LANG_ZH ? "camp.tags.zh" : "camp.tags.en");
    c->n_tags = 2 + (int)rng_below(r, 3);
    static char tagbuf[64][4][48];
    for (int i = 0; i < c->n_tags; i++) {
        for (int tries = 0; tries < 10; tries++) {
            gram_expand_buf(r, trule, tagbuf[idx % 64][i], 48);
            bool dup = false;
            for (int k = 0; k < i; k++)
                if (!strcmp(tagbuf[idx % 64][k], tagbuf[idx % 64][i]))
                    dup = true;
            if (!dup)
                break;
        }
        c->tags[i] = arena_strdup(tagbuf[idx % 64][i]);
    }
    /* active window */
    c->active_from = S.t0;
    c->active_to = S.t1;
    if (rng_chance(r, 0.3))
        c->active_from = S.t0 + (int64_t)(rng_u01(r) * (double)(S.t1 - S.t0) / 3);
}

void campaigns_setup(void)
{
    Rng r = rng_for(S.p.seed, hash_str("campaigns"), 0);
    S.n_camp = S.p.campaigns;
    S.camp = xcalloc((size_t)(S.n_camp ? S.n_camp : 1), sizeof(Campaign));
    uint32_t tperm[4] = {0, 1, 2, 3};
    rng_shuffle(&r, tperm, 4);
    for (int i = 0; i < S.n_camp; i++) {
        Rng cr = rng_for(S.p.seed, hash_str("campaign"), (uint64_t)i);
        Campaign *c = &S.camp[i];
        camp_setup_one(c, &cr, i);
        c->timing = (int)tperm[i % 4];
        if (i >= 4 && rng_chance(&cr, 0.5))
            c->timing = (int)rng_below(&cr, 4);
        static const double win[4] = {300, 3600, 6 * 3600, 3 * 3600};
        c->window_s = win[c->timing];
    }
    for (int i = 0; i < S.n_camp; i++)
        S.camp[i].twin = -1;
    if (scenario_new_mode()) {
        /* kinds, size classes, timings, twins: their own streams, after the default draws */
        cells_setup();
    } else if (S.n_camp >= 1) {
        S.camp[0].behaviours |= 1u << BH_PARROT;
    }
    if (S.n_camp >= 3 && !scenario_new_mode()) {
        S.camp[2].profile = 1; /* at least one network of aged, bought accounts */
        bool has_zh = false;
        for (int i = 0; i < S.n_camp; i++)
            has_zh |= S.camp[i].lang != LANG_EN;
        if (!has_zh)
            S.camp[1].lang = LANG_ZH;
        /* every behaviour appears at least once */
        for (int b = 0; b < BH_N; b++) {
            bool have = false;
            for (int i = 0; i < S.n_camp; i++)
                have |= (S.camp[i].behaviours >> b & 1) != 0;
            if (!have)
                S.camp[(b * 7 + 1) % S.n_camp].behaviours |= 1u << b;
        }
    }
    /* narratives: each campaign with the behaviour gets 1-3 of its language's templates */
    int n_en = 0, n_zh = 0;
    for (;; n_en++) {
        char nm[32];
        snprintf(nm, sizeof nm, "narr.en.%d", n_en);
        if (gram_find(nm) < 0)
            break;
    }
    for (;; n_zh++) {
        char nm[32];
        snprintf(nm, sizeof nm, "narr.zh.%d", n_zh);
        if (gram_find(nm) < 0)
            break;
    }
    int next_en = (int)rng_below(&r, (uint32_t)n_en), next_zh = (int)rng_below(&r, (uint32_t)n_zh);
    S.n_narratives = 0;
    S.narr_text = xcalloc((size_t)S.n_camp * 3 + 1, sizeof(char *));
    S.narr_campaign = xcalloc((size_t)S.n_camp * 3 + 1, sizeof(int));
    for (int i = 0; i < S.n_camp; i++) {
        Campaign *c = &S.camp[i];
        c->narr_base = S.n_narratives;
        c->n_narr = 0;
        if (!(c->behaviours >> BH_NARRATIVE & 1))
            continue;
        c->n_narr = 1 + (int)rng_below(&r, 3);
        for (int k = 0; k < c->n_narr; k++) {
            bool zh = c->lang == LANG_ZH || (c->lang == LANG_N && k == 1);
            int t = zh ? next_zh++ % n_zh : next_en++ % n_en;
            c->narr[k] = zh ? 1000 + t : t;
            char nm[32];
            snprintf(nm, sizeof nm, "narr.%s.%d", zh ? "zh" : "en", t);
            /* the base text: the first alternative of every choice */
            Rng z = rng_for(0, 0, 0);
            char tmp[512];
            gram_expand_buf(&z, gram_need(nm), tmp, sizeof tmp);
            S.narr_text[S.n_narratives] = arena_strdup(tmp);
            S.narr_campaign[S.n_narratives] = i;
            S.n_narratives++;
        }
    }
}

/* ------------------------------------------------------------ helpers */

static int pick_para(Rng *r, const Campaign *c, bool zh)
{
    double w[PA_N];
    memcpy(w, c->para_w, sizeof w);
    if (!zh)
        w[PA_CHINESE] = 0;
    else
        for (int k = PA_SUBST; k < PA_N; k++)
            if (k != PA_TRUNC && k != PA_ADD && k != PA_CHINESE)
                w[k] = 0;
    w[PA_JOURNALIST] = 0;
    w[PA_NONE] = 0;
    return (int)rng_weighted(r, w, PA_N);
}

static uint32_t official_for(const Statement *st)
{
    int k = (int)st->official;
    if (k < 0 || k >= S.n_officials)
        k = 0;
    return S.officials[k];
}

static const char *camp_domains[] = {"pacificharmonynews.com", "northbridgepost.com", "silkroaddialogue.net",
                                     "truthaboutchina.info", "eastwindreview.com", "mapleandpanda.ca"};

static void camp_article_url(Rng *r, uint64_t aseed, int64_t day, const char *title, char *out, size_t cap)
{
    (void)r;
    plan_camp_article_url(aseed, day, title, out, cap);
}

void plan_camp_article_url(uint64_t aseed, int64_t day, const char *title, char *out, size_t cap)
{
    char slug[128];
    size_t j = 0;
    for (size_t i = 0; title[i] && j < 90; i++) {
        unsigned char ch = (unsigned char)title[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            slug[j++] = (char)ch;
        else if (ch >= 'A' && ch <= 'Z')
            slug[j++] = (char)(ch + 32);
        else if (ch < 0x80 && ch != '\'' && j && slug[j - 1] != '-')
            slug[j++] = '-';
    }
    while (j && slug[j - 1] == '-')
        j--;
    slug[j] = 0;
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int dom = (int)(aseed % 7);
    if (dom == 6 || !j) {
        char v[12];
        base62(aseed, v, 11);
        snprintf(out, cap, "https://www.youtube.com/watch?v=%s", v);
    } else if (dom % 2) {
        snprintf(out, cap, "https://www.%s/%04d/%02d/%02d/%s/", camp_domains[dom], y, m, d, slug);
    } else {
        snprintf(out, cap, "https://%s/news/%s-%u.html", camp_domains[dom], slug, (unsigned)(aseed % 90000 + 10000));
    }
}

static int n_used_camp_posts(const Campaign *c) { return c->n_posts; }

/* --------------------------------------------------------- the planting */

static int32_t *official_post_of; /* statement -> planted index of the official post */
static int32_t **jour_posts;      /* statement -> planted indices of journalist posts */
static int *n_jour_posts;

static void plan_officials(void)
{
    official_post_of = xmalloc(sizeof(int32_t) * (size_t)(S.n_st ? S.n_st : 1));
    Content c;
    for (int i = 0; i < S.n_st; i++) {
        const Statement *st = &S.st[i];
        Rng r = rng_for(S.p.seed, hash_str("official"), (uint64_t)i);
        uint32_t who = official_for(st);
        content_reset(&c, rng_next(&r));
        bool zh = st->lang == LANG_ZH;
        int para = PA_EXCERPT;
        size_t tl = strlen(st->text);
        if (tw_weight(st->text, tl) <= 250) {
            content_puts(&c, st->text);
            para = PA_VERBATIM;
        } else {
            char s0[2048];
            int k = st->s_par[0] == 255 ? 1 : 0;
            size_t n = stmt_sentence(st, k, s0, sizeof s0);
            size_t tw = tw_weight(st->title, strlen(st->title));
            if (tw + tw_weight(s0, n) < 240 && rng_chance(&r, 0.7)) {
                content_puts(&c, st->title);
                content_puts(&c, zh ? "：" : ": ");
                content_put(&c, s0, n);
            } else if (tw_weight(s0, n) < 250) {
                content_put(&c, s0, n);
            } else {
                content_puts(&c, st->title);
                para = PA_NONE;
            }
        }
        content_puts(&c, " ");
        content_url(&c, st->url);
        content_scan(&c);
        int64_t t = st->published + (int64_t)rng_below(&r, 900);
        Planted *p = add_post(to_ms(&r, t), who, K_POST, RO_OFFICIAL, &c);
        p->statement = (int16_t)i;
        p->para = (uint8_t)para;
        p->appeal = S.acct[who].appeal * 3;
        p->lang = st->lang;
        official_post_of[i] = pl_index(p);
        /* the other missions retweet it within hours */
        for (int k = 0; k < S.n_officials; k++) {
            uint32_t o = S.officials[k];
            if (o == who || !rng_chance(&r, 0.5))
                continue;
            int64_t tr = t + 120 + (int64_t)rng_lognormal(&r, 2400, 1.0);
            if (in_period(tr))
                add_repost(to_ms(&r, tr), o, official_post_of[i], RO_OFFICIAL);
        }
    }
    /* routine posts of the missions (culture, visas, meetings) */
    int rule = gram_need("off.routine.en");
    for (int k = 0; k < S.n_officials; k++) {
        Rng r = rng_for(S.p.seed, hash_str("official.routine"), (uint64_t)k);
        int n = (int)(S.p.days / 3.0 + rng_u01(&r) * 2);
        for (int j = 0; j < n; j++) {
            content_reset(&c, rng_next(&r));
            GramCtx g = {&r, &c, NULL, NULL, NULL};
            gram_expand(&g, rule);
            content_scan(&c);
            int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days);
            int64_t t = day * 86400 + 14 * 3600 + (int64_t)rng_below(&r, 8 * 3600);
            if (in_period(t)) {
                Planted *p = add_post(to_ms(&r, t), S.officials[k], K_POST, RO_OFFICIAL, &c);
                p->appeal = 2;
                p->lang = LANG_EN;
            }
        }
    }
}

static void plan_journalists(void)
{
    jour_posts = xcalloc((size_t)(S.n_st ? S.n_st : 1), sizeof(int32_t *));
    n_jour_posts = xcalloc((size_t)(S.n_st ? S.n_st : 1), sizeof(int));
    Content c;
    char q[2048];
    for (int i = 0; i < S.n_st; i++) {
        const Statement *st = &S.st[i];
        bool zh = st->lang == LANG_ZH;
        jour_posts[i] = xmalloc(sizeof(int32_t) * (size_t)(S.n_journalists + 1));
        for (int j = 0; j < S.n_journalists; j++) {
            uint32_t who = S.journalists[j];
            const Account *a = &S.acct[who];
            Rng r = rng_for(S.p.seed, hash3(hash_str("journalist"), (uint64_t)i, 0), (uint64_t)j);
            double p = (a->lang == LANG_ZH) == zh ? 0.28 : (zh ? 0.03 : 0.06);
            if (!rng_chance(&r, p))
                continue;
            /* each quotes in their own time: hours, sometimes days later */
            int64_t t = st->published + 300 + (int64_t)rng_lognormal(&r, 3 * 3600, 1.2);
            if (!in_period(t))
                continue;
            content_reset(&c, rng_next(&r));
            GramCtx g = {&r, &c, NULL, NULL, NULL};
            bool jzh = a->lang == LANG_ZH && zh;
            gram_expand_name(&g, jzh ? "jq.lead.zh" : "jq.lead.en");
            content_puts(&c, jzh ? "“" : " “");
            /* a quoted sentence, or part of one */
            int cand[STMT_MAX_SENT], nc = 0;
            for (int k = 0; k < st->n_sent; k++)
                if (st->s_par[k] != 255)
                    cand[nc++] = k;
            int k = nc ? cand[rng_below(&r, (uint32_t)nc)] : 0;
            size_t n = stmt_sentence(st, k, q, sizeof q);
            size_t lim = 150;
            bool cut = false;
            if (tw_weight(q, n) > lim) {
                while (n > 0 && tw_weight(q, n) > lim)
                    n--;
                while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
                    n--;
                if (!zh)
                    while (n > 0 && q[n] != ' ')
                        n--;
                cut = true;
            }
            content_put(&c, q, n);
            content_puts(&c, cut ? "…”" : "”");
            if (!jzh || rng_chance(&r, 0.7)) {
                content_puts(&c, " ");
                gram_expand_name(&g, jzh ? "jq.comment.zh" : "jq.comment.en");
            }
            char url[URL_MAX];
            bool quote_tw = rng_chance(&r, 0.3) && official_post_of[i] >= 0 &&
                            S.pl[official_post_of[i]].t_ms < t * 1000;
            if (!quote_tw) {
                uint64_t aseed = hash3(S.p.seed, (uint64_t)i, (uint64_t)j);
                text_article_url(aseed, j % 3 == 0 ? 19 + j % 3 : (int)rng_below(&r, 12), t / 86400, TOP_INTERF,
                                 url, sizeof url);
                content_trim(&c);
                content_puts(&c, " ");
                content_url(&c, url);
            }
            content_trim(&c);
            content_scan(&c);
            Planted *pp = add_post(to_ms(&r, t), who, quote_tw ? K_QUOTE : K_POST, RO_JOURNALIST, &c);
            if (quote_tw) {
                pp->ref = official_post_of[i];
                pp->ref_author = S.pl[official_post_of[i]].author;
            }
            pp->statement = (int16_t)i;
            pp->para = PA_JOURNALIST;
            pp->appeal = a->appeal;
            pp->lang = jzh ? LANG_ZH : LANG_EN;
            jour_posts[i][n_jour_posts[i]++] = pl_index(pp);
        }
    }
}

static bool lang_ok(const Campaign *c, int lang)
{
    return c->lang == LANG_N || (c->lang == LANG_ZH) == (lang == LANG_ZH);
}

static void ring_reposts(Rng *r, Campaign *c, int32_t src, int64_t t0, int max_n, double p_join)
{
    /* other members repost src shortly after */
    int done = 0;
    uint32_t order[512];
    int n = c->size < 512 ? c->size : 512;
    for (int m = 0; m < n; m++)
        order[m] = (uint32_t)m;
    rng_shuffle(r, order, (uint32_t)n);
    for (int k = 0; k < n && done < max_n; k++) {
        uint32_t m = order[k];
        uint32_t who = c->members[m];
        if (who == S.pl[src].author || !rng_chance(r, c->part[m] * p_join))
            continue;
        int64_t t = member_time(r, c, t0 + (c->timing == 0 ? 30 : 300));
        if (!in_period(t))
            continue;
        Planted *p = add_repost(to_ms(r, t), who, src, RO_RING);
        p->campaign = (int16_t)c->id;
        c->n_posts++;
        done++;
    }
}

static void plan_parrot(Campaign *c)
{
    Content cc;
    int nst = 0;
    for (int i = 0; i < S.n_st; i++) {
        const Statement *st = &S.st[i];
        if (!lang_ok(c, st->lang) || st->published < c->active_from || st->published >= c->active_to)
            continue;
        Rng r = rng_for(S.p.seed, hash3(hash_str("parrot"), (uint64_t)c->id, 0), (uint64_t)i);
        if (!rng_chance(&r, 0.78))
            continue;
        if (nst < 32)
            c->parroted[nst] = i;
        nst++;
        int64_t T = st->published + (int64_t)campaign_lag(&r, c);
        if (c->timing == 3)
            T = office_adjust(&r, T);
        double base = 0.55 + 0.3 * rng_u01(&r); /* how hard this statement is pushed */
        for (int m = 0; m < c->size; m++) {
            if (!rng_chance(&r, c->part[m] * base))
                continue;
            uint32_t who = c->members[m];
            int n_posts = rng_chance(&r, 0.2) ? 2 : 1;
            int64_t t = member_time(&r, c, T);
            for (int k = 0; k < n_posts; k++) {
                if (k > 0)
                    t = member_time(&r, c, t + 600);
                if (!in_period(t))
                    break;
                int kind = pick_para(&r, c, st->lang == LANG_ZH);
                content_reset(&cc, rng_next(&r));
                /* some posts reply under a journalist's story or quote the official post */
                int pkind = K_POST;
                int32_t ref = -1;
                double u = rng_u01(&r);
                if (u < 0.12 && n_jour_posts[i] > 0) {
                    int32_t jp = jour_posts[i][rng_below(&r, (uint32_t)n_jour_posts[i])];
                    if (S.pl[jp].t_ms + 60000 < t * 1000) {
                        pkind = K_REPLY;
                        ref = jp;
                        content_mention(&cc, S.pl[jp].author);
                        content_puts(&cc, " ");
                    }
                } else if (u < 0.2 && S.pl[official_post_of[i]].t_ms + 60000 < t * 1000) {
                    pkind = K_QUOTE;
                    ref = official_post_of[i];
                }
                int ops = 0;
                int applied = paraphrase(&r, st, kind, &cc, who, c->id, &ops);
                Planted *p = add_post(to_ms(&r, t), who, pkind, RO_PARROT, &cc);
                p->statement = (int16_t)i;
                p->para = (uint8_t)applied;
                p->campaign = (int16_t)c->id;
                p->lang = st->lang;
                p->ops = (uint32_t)ops;
                if (ref >= 0) {
                    p->ref = ref;
                    p->ref_author = S.pl[ref].author;
                }
                c->n_posts++;
                if ((c->behaviours >> BH_RING & 1) && rng_chance(&r, 0.5))
                    ring_reposts(&r, c, pl_index(p), t, 1 + (int)rng_below(&r, 4), 0.5);
            }
        }
    }
    c->n_parroted = nst;
}

static void plan_ring(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("ring"), (uint64_t)c->id);
    Content cc;
    /* the hub posts its own material; members amplify it */
    int n_seed = (int)(S.p.days * (0.5 + rng_u01(&r)));
    if (n_seed < 2)
        n_seed = 2;
    int slog = gram_need(c->lang == LANG_ZH ? "slogan.zh" : "slogan.en");
    for (int k = 0; k < n_seed; k++) {
        int64_t T = c->active_from + (int64_t)(rng_u01(&r) * (double)(c->active_to - c->active_from));
        if (c->timing == 3)
            T = office_adjust(&r, T);
        if (!in_period(T))
            continue;
        content_reset(&cc, rng_next(&r));
        GramCtx g = {&r, &cc, NULL, NULL, NULL};
        if (c->n_narr && rng_chance(&r, 0.5)) {
            char nm[32];
            int t = c->narr[rng_below(&r, (uint32_t)c->n_narr)];
            snprintf(nm, sizeof nm, "narr.%s.%d", t >= 1000 ? "zh" : "en", t % 1000);
            gram_expand_name(&g, nm);
        } else {
            gram_expand(&g, slog);
        }
        if (rng_chance(&r, 0.6)) {
            content_puts(&cc, " ");
            content_hashtag(&cc, c->tags[rng_below(&r, (uint32_t)c->n_tags)]);
        }
        content_scan(&cc);
        Planted *p = add_post(to_ms(&r, T), c->hub, K_POST, RO_SEED, &cc);
        p->campaign = (int16_t)c->id;
        p->lang = c->lang == LANG_ZH ? LANG_ZH : LANG_EN;
        p->appeal = 1.0f;
        c->n_posts++;
        ring_reposts(&r, c, pl_index(p), T, c->size, 0.75);
    }
    /* amplify the official posts of statements in the campaign's language */
    for (int i = 0; i < S.n_st; i++) {
        if (!lang_ok(c, S.st[i].lang) || !rng_chance(&r, 0.7))
            continue;
        int32_t op = official_post_of[i];
        int64_t T = S.pl[op].t_ms / 1000 + (int64_t)campaign_lag(&r, c) / 3;
        if (T < c->active_from)
            continue;
        ring_reposts(&r, c, op, T, c->size, 0.6);
    }
}

/* Finishes cc and plants it as a post of member m of c at time t (seconds), in the role
 * `role` and the campaign's language. */
static void plant_member_post(Campaign *c, Rng *r, int64_t t, int m, int role, Content *cc)
{
    content_trim(cc);
    content_scan(cc);
    Planted *p = add_post(to_ms(r, t), c->members[m], K_POST, role, cc);
    p->campaign = (int16_t)c->id;
    p->lang = c->lang == LANG_ZH ? LANG_ZH : LANG_EN;
    c->n_posts++;
}

static void plan_links(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("links"), (uint64_t)c->id);
    Content cc;
    int n_art = (int)(S.p.days / 2.0 + rng_u01(&r) * 2);
    if (n_art < 2)
        n_art = 2;
    int trule = gram_need(c->lang == LANG_ZH ? "title.zh" : "title.en");
    int lrule = gram_need(c->lang == LANG_ZH ? "link.lead.zh" : "link.lead.en");
    for (int k = 0; k < n_art; k++) {
        int64_t T = c->active_from + (int64_t)(rng_u01(&r) * (double)(c->active_to - c->active_from));
        if (c->timing == 3)
            T = office_adjust(&r, T);
        char title[256], canon[URL_MAX];
        gram_expand_buf(&r, trule, title, sizeof title);
        char en_title[256];
        if (c->lang == LANG_ZH)
            gram_expand_buf(&r, gram_need("title.en"), en_title, sizeof en_title);
        else
            snprintf(en_title, sizeof en_title, "%s", title);
        uint64_t aseed = hash3(S.p.seed, 0x11c4, (uint64_t)(c->id * 100 + k));
        camp_article_url(&r, aseed, T / 86400, en_title, canon, sizeof canon);
        for (int m = 0; m < c->size; m++) {
            if (!rng_chance(&r, c->part[m] * 0.7))
                continue;
            int64_t t = member_time(&r, c, T);
            if (!in_period(t))
                continue;
            content_reset(&cc, rng_next(&r));
            GramCtx g = {&r, &cc, NULL, NULL, NULL};
            gram_expand(&g, lrule);
            if (cc.len)
                content_puts(&cc, " ");
            if (rng_chance(&r, 0.55)) {
                content_puts(&cc, title);
                content_puts(&cc, " ");
            }
            char url[URL_MAX];
            static const double w[8] = {0.35, 0.15, 0.10, 0.08, 0.10, 0.15, 0.04, 0.03};
            url_variant(&r, canon, aseed, (int)rng_weighted(&r, w, 8), url, sizeof url);
            content_url(&cc, url);
            if (rng_chance(&r, 0.35)) {
                content_puts(&cc, " ");
                content_hashtag(&cc, c->tags[rng_below(&r, (uint32_t)c->n_tags)]);
            }
            plant_member_post(c, &r, t, m, RO_LINK, &cc);
        }
    }
}

static void plan_hashtags(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("hashtags"), (uint64_t)c->id);
    Content cc;
    int n_push = (int)(S.p.days / 2.5 + rng_u01(&r) * 2);
    if (n_push < 2)
        n_push = 2;
    int slog = gram_need(c->lang == LANG_ZH ? "slogan.zh" : "slogan.en");
    for (int k = 0; k < n_push; k++) {
        int64_t T = c->active_from + (int64_t)(rng_u01(&r) * (double)(c->active_to - c->active_from));
        if (c->timing == 3)
            T = office_adjust(&r, T);
        /* each push uses the campaign's set (at least two tags) */
        int nt = c->n_tags >= 3 && rng_chance(&r, 0.4) ? 3 : 2;
        uint32_t ord[4] = {0, 1, 2, 3};
        rng_shuffle(&r, ord, (uint32_t)c->n_tags);
        const char *set[4];
        for (int i = 0; i < nt; i++)
            set[i] = c->tags[ord[i]];
        for (int m = 0; m < c->size; m++) {
            if (!rng_chance(&r, c->part[m] * 0.75))
                continue;
            int64_t t = member_time(&r, c, T);
            if (!in_period(t))
                continue;
            content_reset(&cc, rng_next(&r));
            GramCtx g = {&r, &cc, NULL, NULL, NULL};
            double u = rng_u01(&r);
            bool tags_first = rng_chance(&r, 0.25);
            uint32_t o2[4] = {0, 1, 2, 3};
            if (rng_chance(&r, 0.5))
                rng_shuffle(&r, o2, (uint32_t)nt);
            if (tags_first) {
                for (int i = 0; i < nt; i++) {
                    content_hashtag(&cc, set[o2[i]]);
                    content_puts(&cc, " ");
                }
            }
            if (u < 0.6) {
                gram_expand(&g, slog);
            } else if (u < 0.8 && c->n_narr) {
                char nm[32];
                int tn = c->narr[rng_below(&r, (uint32_t)c->n_narr)];
                snprintf(nm, sizeof nm, "narr.%s.%d", tn >= 1000 ? "zh" : "en", tn % 1000);
                gram_expand_name(&g, nm);
            } else {
                content_puts(&cc, text_emoji(&r));
                content_puts(&cc, text_emoji(&r));
            }
            if (!tags_first) {
                for (int i = 0; i < nt; i++) {
                    content_puts(&cc, " ");
                    content_hashtag(&cc, set[o2[i]]);
                }
            }
            if (rng_chance(&r, 0.3)) {
                content_puts(&cc, " ");
                content_puts(&cc, text_emoji(&r));
            }
            plant_member_post(c, &r, t, m, RO_HASHTAG, &cc);
        }
    }
}

static void plan_narratives(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("narratives"), (uint64_t)c->id);
    Content cc;
    for (int k = 0; k < c->n_narr; k++) {
        char nm[32];
        int tn = c->narr[k];
        bool zh = tn >= 1000;
        snprintf(nm, sizeof nm, "narr.%s.%d", zh ? "zh" : "en", tn % 1000);
        int rule = gram_need(nm);
        int waves = (int)(S.p.days / 3.0 + rng_u01(&r) * 2);
        if (waves < 2)
            waves = 2;
        for (int w = 0; w < waves; w++) {
            int64_t T = c->active_from + (int64_t)(rng_u01(&r) * (double)(c->active_to - c->active_from));
            if (c->timing == 3)
                T = office_adjust(&r, T);
            for (int m = 0; m < c->size; m++) {
                if (!rng_chance(&r, c->part[m] * 0.7))
                    continue;
                int64_t t = member_time(&r, c, T);
                if (!in_period(t))
                    continue;
                content_reset(&cc, rng_next(&r));
                GramCtx g = {&r, &cc, NULL, NULL, NULL};
                if (rng_chance(&r, 0.15)) {
                    content_puts(&cc, text_emoji(&r));
                    content_puts(&cc, " ");
                }
                gram_expand(&g, rule);
                if (rng_chance(&r, 0.3)) {
                    content_puts(&cc, " ");
                    content_hashtag(&cc, c->tags[rng_below(&r, (uint32_t)c->n_tags)]);
                }
                if (rng_chance(&r, 0.2)) {
                    content_puts(&cc, " ");
                    content_puts(&cc, text_emoji(&r));
                }
                content_trim(&cc);
                content_scan(&cc);
                Planted *p = add_post(to_ms(&r, t), c->members[m], K_POST, RO_NARRATIVE, &cc);
                p->campaign = (int16_t)c->id;
                p->narrative = (int16_t)(c->narr_base + k);
                p->lang = zh ? LANG_ZH : LANG_EN;
                c->n_posts++;
                if ((c->behaviours >> BH_RING & 1) && rng_chance(&r, 0.25))
                    ring_reposts(&r, c, pl_index(p), t, 1 + (int)rng_below(&r, 3), 0.5);
            }
        }
    }
}

/* ------------------------------------------------------- hard negatives */

static uint32_t pick_organic(Rng *r, bool en_fr_only)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t a = rng_below(r, S.n_organic_pool);
        if (en_fr_only && S.acct[a].lang == LANG_ZH)
            continue;
        return a;
    }
    return rng_below(r, S.n_organic_pool);
}

static void relabel(uint32_t a, int label)
{
    if (S.acct[a].label == LBL_ORGANIC)
        S.acct[a].label = (uint8_t)label;
}

uint32_t plan_pick_organic(Rng *r, bool en_fr_only) { return pick_organic(r, en_fr_only); }

static int64_t daytime(Rng *r, int64_t day, int tz)
{
    /* 08:00-23:00 local, weighted towards the evening */
    double h = 8 + 15 * sqrt(rng_u01(r));
    return day * 86400 - (int64_t)tz * 60 + (int64_t)(h * 3600);
}

int64_t plan_daytime(Rng *r, int64_t day, int tz) { return daytime(r, day, tz); }

static void plan_viral(void)
{
    Rng r = rng_for(S.p.seed, hash_str("viral"), 0);
    /* author: a popular ordinary account */
    uint32_t author = 0;
    uint32_t best = 0;
    for (int k = 0; k < 400; k++) {
        uint32_t a = pick_organic(&r, true);
        if (S.acct[a].label == LBL_ORGANIC && S.acct[a].followers > best) {
            best = S.acct[a].followers;
            author = a;
        }
    }
    S.acct[author].label = LBL_VIRAL_AUTHOR;
    int64_t day = S.t0 / 86400 + (int64_t)(S.p.days / 3) + (int64_t)rng_below(&r, (uint32_t)(S.p.days / 3 + 1));
    int64_t T = daytime(&r, day, S.acct[author].tz);
    if (!in_period(T))
        T = S.t0 + (S.t1 - S.t0) / 2;
    Content c;
    static const int topics[] = {TOP_DAILY, TOP_SPORTS, TOP_ENT};
    uint8_t vlang = LANG_EN;
    text_organic(&c, rng_next(&r), author, K_POST, topics[rng_below(&r, 3)], 0, T, NULL, &vlang);
    Planted *p = add_post(to_ms(&r, T), author, K_POST, RO_VIRAL, &c);
    p->lang = vlang;
    p->appeal = 500;
    int32_t vi = pl_index(p);
    S.viral_pl = vi;
    S.viral_t0 = T;
    long n = (long)(S.n_organic_pool * 0.06);
    if (n < 30)
        n = 30;
    if (n > 900)
        n = 900;
    S.n_viral = 0;
    for (long k = 0; k < n; k++) {
        uint32_t a = pick_organic(&r, false);
        if (a == author)
            continue;
        double d = rng_lognormal(&r, 700, 0.8);
        if (d > 3600 && rng_chance(&r, 0.8))
            d = 300 + rng_u01(&r) * 3000;
        int64_t t = T + 5 + (int64_t)d;
        if (!in_period(t))
            continue;
        add_repost(to_ms(&r, t), a, vi, RO_VIRAL);
        relabel(a, LBL_VIRAL);
        S.n_viral++;
    }
}

static void plan_news_url(void)
{
    Rng r = rng_for(S.p.seed, hash_str("newsurl"), 0);
    int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days);
    uint64_t aseed = hash3(S.p.seed, 0x4e75, 1);
    char canon[URL_MAX];
    text_article_url(aseed, 1, day, TOP_INTERF, canon, sizeof canon);
    S.news_url = arena_strdup(canon);
    S.news_t0 = day * 86400;
    long n = (long)(S.n_organic_pool * 0.04);
    if (n < 20)
        n = 20;
    if (n > 600)
        n = 600;
    S.n_newsshare = 0;
    Content c;
    for (long k = 0; k < n; k++) {
        uint32_t a = pick_organic(&r, true);
        int64_t t = daytime(&r, day, S.acct[a].tz);
        if (!in_period(t))
            continue;
        char url[URL_MAX];
        static const double w[8] = {0.55, 0.22, 0.04, 0.0, 0.03, 0.10, 0.04, 0.02};
        url_variant(&r, canon, aseed, (int)rng_weighted(&r, w, 8), url, sizeof url);
        uint8_t lang = LANG_EN;
        text_organic_with(&c, rng_next(&r), a, rng_chance(&r, 0.7) ? TOP_INTERF : TOP_CDNPOLI, url, NULL, 0, t, &lang);
        add_post(to_ms(&r, t), a, K_POST, RO_NEWSURL, &c)->lang = lang;
        relabel(a, LBL_NEWSSHARE);
        S.n_newsshare++;
    }
}

static void plan_trend(void)
{
    Rng r = rng_for(S.p.seed, hash_str("trend"), 0);
    char pair[96];
    gram_expand_buf(&r, gram_need("tags.trend"), pair, sizeof pair);
    char *sp = strchr(pair, ' ');
    if (!sp)
        return;
    *sp = 0;
    S.trend_tags[0] = arena_strdup(pair);
    S.trend_tags[1] = arena_strdup(sp + 1);
    int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)(S.p.days > 1 ? S.p.days - 1 : 1));
    S.trend_t0 = day * 86400;
    S.trend_t1 = S.trend_t0 + 36 * 3600;
    long n = (long)(S.n_organic_pool * 0.06);
    if (n < 30)
        n = 30;
    if (n > 900)
        n = 900;
    S.n_trend = 0;
    Content c;
    const char *tags[2] = {S.trend_tags[0], S.trend_tags[1]};
    for (long k = 0; k < n; k++) {
        uint32_t a = pick_organic(&r, true);
        int64_t t = S.trend_t0 + (int64_t)(rng_u01(&r) * 36 * 3600);
        if (!in_period(t))
            continue;
        uint8_t lang = LANG_EN;
        text_organic_with(&c, rng_next(&r), a, rng_chance(&r, 0.75) ? TOP_INTERF : TOP_CDNPOLI, NULL, tags, 2, t, &lang);
        add_post(to_ms(&r, t), a, K_POST, RO_TREND, &c)->lang = lang;
        relabel(a, LBL_TREND);
        S.n_trend++;
    }
}

/* ------------------------------------------------------------ finishing */

static int cmp_pl(const void *a, const void *b)
{
    const Planted *x = &S.pl[*(const uint32_t *)a], *y = &S.pl[*(const uint32_t *)b];
    if (x->t_ms != y->t_ms)
        return x->t_ms < y->t_ms ? -1 : 1;
    uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
    return ia < ib ? -1 : ia > ib;
}

void plan_build(void)
{
    bool new_mode = scenario_new_mode();
    S.viral_pl = -1;
    plan_officials();
    plan_journalists();
    if (new_mode) {
        /* the hard negatives first: cells that amplify organic objects refer to them */
        plan_viral();
        plan_news_url();
        plan_trend();
        hardneg_plan();
    }
    for (int i = 0; i < S.n_camp; i++) {
        Campaign *c = &S.camp[i];
        if (c->kind != CK_MIXED && c->kind != CK_PARROT) {
            cells_plan(c);
            if (c->share_organic)
                cells_share_organic(c);
            continue;
        }
        if (c->share_organic)
            cells_share_organic(c);
        if (c->behaviours >> BH_PARROT & 1)
            plan_parrot(c);
        if (c->behaviours >> BH_RING & 1)
            plan_ring(c);
        if (c->behaviours >> BH_LINK & 1)
            plan_links(c);
        if (c->behaviours >> BH_HASHTAG & 1)
            plan_hashtags(c);
        if (c->behaviours >> BH_NARRATIVE & 1)
            plan_narratives(c);
        (void)n_used_camp_posts;
    }
    if (!new_mode) {
        plan_viral();
        plan_news_url();
        plan_trend();
    }
    /* drop what fell outside the period (and what refers to dropped posts), sort by time */
    uint32_t n = S.n_pl;
    int32_t *keep = xmalloc(sizeof(int32_t) * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) {
        const Planted *p = &S.pl[i];
        bool ok = p->t_ms >= S.t0 * 1000 && p->t_ms < S.t1 * 1000;
        if (ok && p->ref >= 0 && keep[p->ref] < 0)
            ok = false; /* refs always point backwards in creation order */
        keep[i] = ok ? 1 : -1;
    }
    uint32_t *ord = xmalloc(sizeof(uint32_t) * (n ? n : 1));
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (keep[i] > 0)
            ord[m++] = i;
    qsort(ord, m, sizeof(uint32_t), cmp_pl);
    for (uint32_t k = 0; k < m; k++)
        keep[ord[k]] = (int32_t)k;
    Planted *np = xmalloc(sizeof(Planted) * (m ? m : 1));
    for (uint32_t k = 0; k < m; k++) {
        np[k] = S.pl[ord[k]];
        if (np[k].ref >= 0)
            np[k].ref = keep[np[k].ref];
        np[k].id = snowflake(np[k].t_ms, 512 + (k & 511), (k >> 9) & 4095);
    }
    /* a reference must precede its referrer in time order */
    for (uint32_t k = 0; k < m; k++)
        if (np[k].ref >= (int32_t)k)
            die("internal: planted reference out of order");
    for (uint32_t k = 0; k < m; k++) {
        if (np[k].ref >= 0) {
            np[k].ref_id = np[np[k].ref].id;
            np[k].ref_author = np[np[k].ref].author;
        }
    }
    free(S.pl);
    S.pl = np;
    S.n_pl = m;
    S.cap_pl = m;
    free(keep);
    free(ord);
    /* campaign post counts after dropping */
    for (int i = 0; i < S.n_camp; i++)
        S.camp[i].n_posts = 0;
    for (uint32_t k = 0; k < m; k++)
        if (S.pl[k].campaign >= 0)
            S.camp[S.pl[k].campaign].n_posts++;
}
