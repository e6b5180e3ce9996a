/* hardneg.c — hard negatives of --scenario: organic behaviour that looks coordinated to a
 * pairwise co-action test.
 *
 *   news_event     breaking news creates a hashtag; hundreds of ordinary users post it within
 *                  the hour (alone or with #cdnpoli), in their own words, and again at the
 *                  next day's follow-up: bursts of a shared rare tag set;
 *   fan_community  fans repost a popular account's posts, many within minutes of each post
 *                  (notifications), over the whole period, and post the team's tag pair during
 *                  games: repeated co-reposts and co-hashtags of the same group;
 *   niche_tag      a small hobby community uses its one or two niche tags over weeks, each
 *                  user on their own schedule: a rare tag set shared by the same few accounts,
 *                  but never in bursts.
 *
 * Participants are ordinary accounts, relabelled event_user, fan, fan_idol or niche_user (see
 * hn_rank for accounts in several events). The default scenario plants none of these. */
#include "synth.h"

#include <math.h>

/* An account in several events keeps the label of the one that looks most coordinated: a fan
 * community (repeated co-reposts) over a niche tag (repeated co-tags) over a news event (one
 * burst) over the one-off events of plan.c (viral post, news link, trending pair). Labels that
 * say what an account is rather than what it did (lookalike, journalist, ...) stay. */
static int hn_rank(int label)
{
    switch (label) {
    case LBL_ORGANIC: return 0;
    case LBL_VIRAL: case LBL_NEWSSHARE: case LBL_TREND: return 1;
    case LBL_EVENT: return 2;
    case LBL_NICHE: return 3;
    case LBL_FAN: return 4;
    default: return 99;
    }
}

static void hn_relabel(uint32_t a, int label)
{
    if (hn_rank(S.acct[a].label) < hn_rank(label))
        S.acct[a].label = (uint8_t)label;
}

static HardNeg *hn_new(int kind)
{
    if (S.n_hn >= (int)(sizeof S.hn / sizeof S.hn[0]))
        return NULL;
    HardNeg *h = &S.hn[S.n_hn++];
    memset(h, 0, sizeof *h);
    h->kind = kind;
    return h;
}

/* Alternative `alt` of a tag-list rule ("A B" or "A"): its tags, into the arena. */
static int tags_alt(const char *rule, int alt, const char **out)
{
    Content c;
    Rng z = rng_for(0, 0, 0);
    content_reset(&c, 0);
    GramCtx g = {&z, &c, NULL, NULL, NULL};
    int id = gram_need(rule);
    gram_expand_alt(&g, id, alt % gram_n_alts(id));
    int n = 0;
    char *s = arena_strdup(c.t);
    for (char *tok = s; tok && *tok && n < 3;) {
        char *sp = strchr(tok, ' ');
        if (sp)
            *sp = 0;
        out[n++] = tok;
        tok = sp ? sp + 1 : NULL;
    }
    return n;
}

/* The k-th distinct alternative of a rule for this seed. */
static int alt_for(const char *rule, int k)
{
    int n = gram_n_alts(gram_need(rule));
    uint32_t perm[64];
    for (int i = 0; i < n && i < 64; i++)
        perm[i] = (uint32_t)i;
    Rng r = rng_for(S.p.seed, hash_str("hn.alts"), hash_str(rule));
    rng_shuffle(&r, perm, (uint32_t)(n < 64 ? n : 64));
    return (int)perm[k % (n < 64 ? n : 64)];
}

static void plan_event(int k)
{
    HardNeg *h = hn_new(HN_EVENT);
    if (!h)
        return;
    Rng r = rng_for(S.p.seed, hash_str("hn.event"), (uint64_t)k);
    const char *tag[3];
    tags_alt("tags.event", alt_for("tags.event", k), tag);
    h->tags[0] = tag[0];
    h->tags[1] = "cdnpoli";
    h->n_tags = 2;
    int64_t day = S.t0 / 86400 + (S.p.days >= 3 ? 1 + (int64_t)rng_below(&r, (uint32_t)(S.p.days - 2)) : 0);
    /* the news breaks during the working day in Ottawa (13:00-22:00 UTC) */
    int64_t T = day * 86400 + 13 * 3600 + (int64_t)rng_below(&r, 9 * 3600);
    int64_t T2 = T + 22 * 3600 + (int64_t)rng_below(&r, 4 * 3600); /* the follow-up */
    h->from = T;
    h->to = T2 + 12 * 3600;
    long n = (long)(S.n_organic_pool * 0.05);
    n = n < 40 ? 40 : n > 700 ? 700 : n;
    Content c;
    for (long i = 0; i < n; i++) {
        uint32_t a = plan_pick_organic(&r, true);
        int posts = rng_chance(&r, 0.35) ? 2 : 1;
        bool any = false;
        for (int j = 0; j < posts; j++) {
            int64_t t = (j ? T2 : T) + 60 + (int64_t)rng_lognormal(&r, j ? 3600 : 2400, 1.1);
            if (!plan_in_period(t))
                continue;
            const char *tags[2] = {tag[0], NULL};
            int nt = 1;
            double u = rng_u01(&r);
            if (u < 0.4)
                tags[nt++] = "cdnpoli";
            else if (u < 0.55)
                tags[nt++] = "ForeignInterference";
            uint8_t lang = LANG_EN;
            text_organic_with(&c, rng_next(&r), a, rng_chance(&r, 0.7) ? TOP_INTERF : TOP_CDNPOLI, NULL, tags, nt, t,
                              &lang);
            plan_add_post(plan_to_ms(&r, t), a, K_POST, RO_EVENT, &c)->lang = lang;
            h->n_posts++;
            any = true;
        }
        if (any) {
            hn_relabel(a, LBL_EVENT);
            h->n_accounts++;
        }
    }
}

static bool likes_sports(const Account *a)
{
    for (int k = 0; k < 3; k++)
        if (a->topic[k] == TOP_SPORTS || a->topic[k] == TOP_ENT)
            return true;
    return false;
}

static void plan_fans(int k)
{
    HardNeg *h = hn_new(HN_FANS);
    if (!h)
        return;
    Rng r = rng_for(S.p.seed, hash_str("hn.fans"), (uint64_t)k);
    const char *tag[3];
    h->n_tags = tags_alt("tags.fandom", alt_for("tags.fandom", k), tag);
    for (int i = 0; i < h->n_tags; i++)
        h->tags[i] = tag[i];
    /* the idol: the best-followed of a few hundred ordinary sports-minded accounts */
    uint32_t idol = 0, best = 0;
    for (int i = 0; i < 400; i++) {
        uint32_t a = plan_pick_organic(&r, true);
        const Account *ac = &S.acct[a];
        if (ac->label != LBL_ORGANIC || !likes_sports(ac))
            continue;
        if (ac->followers >= best) {
            best = ac->followers;
            idol = a;
        }
    }
    S.acct[idol].label = LBL_IDOL;
    h->idol = idol;
    h->from = S.t0;
    h->to = S.t1;
    Content c;
    int want = (int)(S.p.days * (1.0 + 1.5 * rng_u01(&r)));
    for (int i = 0; i < want && h->n_idol_posts < 64; i++) {
        int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days);
        int64_t t = plan_daytime(&r, day, S.acct[idol].tz);
        if (!plan_in_period(t))
            continue;
        uint8_t lang = LANG_EN;
        text_organic(&c, rng_next(&r), idol, K_POST, rng_chance(&r, 0.8) ? TOP_SPORTS : TOP_ENT, 0, t, NULL, &lang);
        Planted *p = plan_add_post(plan_to_ms(&r, t), idol, K_POST, RO_IDOL, &c);
        p->lang = lang;
        p->appeal = S.acct[idol].appeal * 3;
        h->idol_posts[h->n_idol_posts++] = (int32_t)(p - S.pl);
        h->n_posts++;
    }
    long n = (long)(S.n_organic_pool * (0.01 + 0.025 * rng_u01(&r)));
    n = n < 20 ? 20 : n > 200 ? 200 : n;
    int games = 3 + (int)rng_below(&r, 3);
    int64_t game_t[6];
    for (int g = 0; g < games; g++) /* evening games, Eastern time */
        game_t[g] = (S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days)) * 86400 + 23 * 3600;
    for (long i = 0; i < n; i++) {
        uint32_t a = 0;
        for (int tries = 0; tries < 20; tries++) {
            a = plan_pick_organic(&r, true);
            if (a != idol && (likes_sports(&S.acct[a]) || rng_chance(&r, 0.2)))
                break;
        }
        if (a == idol)
            continue;
        double pf = 0.15 + 0.55 * rng_u01(&r), fast = rng_u01(&r);
        bool any = false;
        for (int j = 0; j < h->n_idol_posts; j++) {
            if (!rng_chance(&r, pf))
                continue;
            int32_t src = h->idol_posts[j];
            /* notifications bring some fans within minutes; the rest scroll by later */
            double d = rng_chance(&r, 0.6 * fast) ? rng_lognormal(&r, 240, 0.9) : rng_lognormal(&r, 3000, 1.2);
            int64_t t = S.pl[src].t_ms / 1000 + 5 + (int64_t)d;
            if (!plan_in_period(t))
                continue;
            plan_add_repost(plan_to_ms(&r, t), a, src, RO_FAN);
            h->n_posts++;
            any = true;
            if (rng_chance(&r, 0.06)) {
                int64_t tr = t + 30 + (int64_t)rng_below(&r, 600);
                if (plan_in_period(tr)) {
                    text_organic(&c, rng_next(&r), a, K_REPLY, TOP_SPORTS, idol, tr, NULL, NULL);
                    Planted *p = plan_add_post(plan_to_ms(&r, tr), a, K_REPLY, RO_FAN, &c);
                    p->ref = src;
                    p->ref_author = idol;
                    h->n_posts++;
                }
            }
        }
        for (int g = 0; g < games; g++) {
            if (!rng_chance(&r, 0.35 * pf / 0.5))
                continue;
            int np = 1 + (int)rng_below(&r, 3);
            for (int j = 0; j < np; j++) {
                int64_t t = game_t[g] + (int64_t)rng_below(&r, 3 * 3600);
                if (!plan_in_period(t))
                    continue;
                const char *tags[2] = {tag[0], tag[1 % h->n_tags]};
                int nt = h->n_tags > 1 && rng_chance(&r, 0.6) ? 2 : 1;
                uint8_t lang = LANG_EN;
                if (rng_chance(&r, 0.4)) {
                    content_reset(&c, rng_next(&r));
                    GramCtx gc = {&r, &c, NULL, NULL, NULL};
                    gram_expand_name(&gc, "fan.cheer");
                    for (int x = 0; x < nt; x++) {
                        content_puts(&c, " ");
                        content_hashtag(&c, tags[x]);
                    }
                    content_trim(&c);
                    content_scan(&c);
                } else {
                    text_organic_with(&c, rng_next(&r), a, TOP_SPORTS, NULL, tags, nt, t, &lang);
                }
                plan_add_post(plan_to_ms(&r, t), a, K_POST, RO_FAN, &c)->lang = lang;
                h->n_posts++;
                any = true;
            }
        }
        if (any) {
            hn_relabel(a, LBL_FAN);
            h->n_accounts++;
        }
    }
}

static void plan_niche(int k)
{
    HardNeg *h = hn_new(HN_NICHE);
    if (!h)
        return;
    Rng r = rng_for(S.p.seed, hash_str("hn.niche"), (uint64_t)k);
    const char *tag[3];
    h->n_tags = tags_alt("tags.niche", alt_for("tags.niche", k), tag);
    for (int i = 0; i < h->n_tags; i++)
        h->tags[i] = tag[i];
    h->from = S.t0;
    h->to = S.t1;
    int n = 8 + (int)rng_below(&r, 23);
    Content c;
    for (int i = 0; i < n; i++) {
        uint32_t a = plan_pick_organic(&r, true);
        int posts = 2 + (int)rng_below(&r, 7);
        bool any = false;
        for (int j = 0; j < posts; j++) {
            /* each on their own schedule, any day of the period */
            int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days);
            int64_t t = plan_daytime(&r, day, S.acct[a].tz);
            if (!plan_in_period(t))
                continue;
            const char *tags[2] = {tag[0], tag[1 % h->n_tags]};
            int nt = h->n_tags > 1 && rng_chance(&r, 0.6) ? 2 : 1;
            uint8_t lang = LANG_EN;
            text_organic_with(&c, rng_next(&r), a, TOP_DAILY, NULL, tags, nt, t, &lang);
            plan_add_post(plan_to_ms(&r, t), a, K_POST, RO_NICHE, &c)->lang = lang;
            h->n_posts++;
            any = true;
        }
        if (any) {
            hn_relabel(a, LBL_NICHE);
            h->n_accounts++;
        }
    }
}

void hardneg_plan(void)
{
    int sc = S.p.scenario;
    if (sc == SC_DEFAULT)
        return;
    int n_event = sc == SC_HARD ? 2 : 1, n_fans = sc == SC_HARD ? 2 : 1, n_niche = sc == SC_HARD ? 3 : 2;
    for (int k = 0; k < n_event; k++)
        plan_event(k);
    for (int k = 0; k < n_fans; k++)
        plan_fans(k);
    for (int k = 0; k < n_niche; k++)
        plan_niche(k);
}
