/* cells.c — the campaign kinds of --scenario beyond the default multi-behaviour networks.
 *
 * Real influence operations are often small, single-purpose cells (three to a dozen accounts
 * run by one operator) that act in repeated bursts: minutes to an hour of activity, several
 * times over days, during the operators' waking or office hours. Each kind here is one such
 * practice, worded the way operators' briefs are carried out (each member in its own words, or
 * copy-paste, or a handful of rotated paraphrases):
 *
 *   hashtag_push   the same 1-3 rare campaign tags (single tags and tag sets, a few fixed
 *                  combinations repeated burst after burst), each post in the member's own
 *                  words; some posts add a popular tag (the trending pair, #cdnpoli)
 *   mention_push   a rarely mentioned account (an ordinary critic or a journalist) targeted in
 *                  bursts: posts that @mention it or reply under its posts, own words
 *   echo           one message per burst copied by every member (copy-paste, small additions)
 *   rotating_echo  each message exists in 3-5 complete rewordings; members rotate through them
 *   repost_ring    one or two hub accounts post; members repost within the burst
 *   link_push      the campaign's own articles shared in bursts, own words, URL variants
 *   parrot, mixed  the planners of plan.c (statements only, or the default mix)
 *
 * Around them: members may keep up organic-looking activity at ordinary rates ("persona"
 * accounts, accounts.c), cells also amplify what everyone amplifies (the viral post, the popular
 * news link, a fan community's idol, the trending tags: cells_share_organic), and pairs of
 * "twin" campaigns push the same theme in the same hours without sharing any object.
 *
 * Everything is drawn from streams of its own (rng_for with tags "cells", "cell.*"), so the
 * default scenario, which never calls this file's planners, is unchanged. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <strings.h>

const char *const ckind_name[CK_N] = {"mixed",        "parrot",       "echo",      "rotating_echo",
                                      "repost_ring",  "hashtag_push", "mention_push", "link_push"};
const char *const scenario_name[SC_N] = {"default", "hashtag", "cells", "rotating", "hard", "all"};
const int size_class_lo[SZ_N] = {3, 6, 13};
const int size_class_hi[SZ_N] = {5, 12, 60};

int size_class_of(int size)
{
    for (int k = 0; k < SZ_N; k++)
        if (size <= size_class_hi[k])
            return k;
    return SZ_N;
}

#define KB(x) (1u << (x))
#define NEW_KINDS (KB(CK_ECHO) | KB(CK_ROTATING) | KB(CK_RING) | KB(CK_HASHTAG) | KB(CK_MENTION) | KB(CK_LINK))
#define N_THEMES 6

/* What each scenario plants by default (options override kinds, sizes and the count). */
typedef struct {
    unsigned kinds;
    double size_mix[SZ_N];
    int campaigns;
    int twin_pairs;
    double p_share, p_persona;
} Preset;

static const Preset presets[SC_N] = {
    [SC_DEFAULT] = {KB(CK_MIXED), {0, 0, 0}, 6, 0, 0, 0},
    [SC_HASHTAG] = {KB(CK_HASHTAG) | KB(CK_MENTION), {1, 2, 1}, 8, 1, 0.5, 0.5},
    [SC_CELLS] = {NEW_KINDS | KB(CK_PARROT), {2, 2, 1}, 14, 1, 0.5, 0.5},
    [SC_ROTATING] = {KB(CK_ECHO) | KB(CK_ROTATING), {1, 2, 1}, 8, 1, 0.5, 0.5},
    [SC_HARD] = {NEW_KINDS | KB(CK_PARROT), {1, 2, 1}, 8, 1, 0.8, 0.6},
    [SC_ALL] = {NEW_KINDS | KB(CK_PARROT) | KB(CK_MIXED), {1, 1, 1}, 14, 2, 0.5, 0.5},
};

void cells_defaults(Params *p)
{
    if (!p->campaigns_set)
        p->campaigns = presets[p->scenario].campaigns;
}

/* ------------------------------------------------------------ setup */

/* n items over k classes in proportion to the weights (largest remainder; every class with a
 * positive weight at least once when n allows), in random order. */
static void stratify(Rng *r, const double *w, int k, int n, int *out)
{
    double tot = 0;
    int pos = 0;
    for (int j = 0; j < k; j++) {
        tot += w[j] > 0 ? w[j] : 0;
        pos += w[j] > 0;
    }
    if (n <= 0 || pos == 0)
        return;
    int cnt[CK_N + SZ_N] = {0}, used = 0;
    double rem[CK_N + SZ_N] = {0};
    for (int j = 0; j < k; j++) {
        if (w[j] <= 0)
            continue;
        double q = n * w[j] / tot;
        cnt[j] = (int)q;
        if (cnt[j] == 0 && n >= pos)
            cnt[j] = 1, q = 1;
        rem[j] = q - cnt[j];
        used += cnt[j];
    }
    while (used > n) { /* the "at least once" rule overshot: take from the largest */
        int b = 0;
        for (int j = 1; j < k; j++)
            if (cnt[j] > cnt[b])
                b = j;
        cnt[b]--, used--;
    }
    while (used < n) {
        int b = -1;
        for (int j = 0; j < k; j++)
            if (w[j] > 0 && (b < 0 || rem[j] > rem[b]))
                b = j;
        cnt[b]++, rem[b] -= 1, used++;
    }
    uint32_t seq[256];
    int m = 0;
    for (int j = 0; j < k; j++)
        for (int i = 0; i < cnt[j] && m < 256; i++)
            seq[m++] = (uint32_t)j;
    rng_shuffle(r, seq, (uint32_t)m);
    for (int i = 0; i < n; i++)
        out[i] = (int)seq[i % (m ? m : 1)];
}

static bool tag_taken(const char *t, int upto)
{
    for (int i = 0; i < upto; i++)
        for (int k = 0; k < S.camp[i].n_tags; k++)
            if (!strcasecmp(S.camp[i].tags[k], t))
                return true;
    return false;
}

/* 2-4 hashtags of the campaign's own, distinct from every earlier campaign's. */
static void rare_tags(Campaign *c, Rng *r)
{
    int rule = gram_need(c->lang == LANG_ZH ? "rare.zh" : "rare.en");
    c->n_tags = 2 + (int)rng_below(r, 3);
    for (int i = 0; i < c->n_tags; i++) {
        char t[64];
        for (int tries = 0; tries < 50; tries++) {
            gram_expand_buf(r, rule, t, sizeof t);
            bool dup = tag_taken(t, c->id);
            for (int k = 0; k < i; k++)
                dup |= !strcasecmp(c->tags[k], t);
            if (!dup)
                break;
        }
        c->tags[i] = arena_strdup(t);
    }
}

/* A push repeats a few fixed tag combinations: a single tag or a set of two or three. */
static void tag_combos(Campaign *c, Rng *r)
{
    c->n_combo = 1 + (int)rng_below(r, 3);
    for (int k = 0; k < c->n_combo; k++) {
        for (int tries = 0; tries < 8; tries++) {
            int sz;
            if (k == 0)
                sz = rng_chance(r, 0.25) ? 1 : (c->n_tags >= 3 && rng_chance(r, 0.3) ? 3 : 2);
            else
                sz = 1 + (int)rng_below(r, (uint32_t)(c->n_tags < 3 ? c->n_tags : 3));
            uint32_t ord[4] = {0, 1, 2, 3};
            rng_shuffle(r, ord, (uint32_t)c->n_tags);
            unsigned mask = 0;
            for (int i = 0; i < sz; i++) {
                c->combo[k][i] = (uint8_t)ord[i];
                mask |= 1u << ord[i];
            }
            c->combo_n[k] = (uint8_t)sz;
            bool dup = false;
            for (int j = 0; j < k; j++) {
                unsigned mj = 0;
                for (int i = 0; i < c->combo_n[j]; i++)
                    mj |= 1u << c->combo[j][i];
                dup |= mj == mask;
            }
            if (!dup)
                break;
        }
    }
}

static int count_rules(const char *prefix)
{
    int n = 0;
    for (;; n++) {
        char nm[32];
        snprintf(nm, sizeof nm, "%s.%d", prefix, n);
        if (gram_find(nm) < 0)
            return n;
    }
}

void cells_setup(void)
{
    const Preset *ps = &presets[S.p.scenario];
    unsigned kinds = S.p.kinds ? S.p.kinds : ps->kinds;
    double mix[SZ_N] = {0, 0, 0};
    bool use_mix = false;
    for (int k = 0; k < SZ_N; k++)
        use_mix |= S.p.size_mix[k] > 0;
    if (use_mix)
        memcpy(mix, S.p.size_mix, sizeof mix);
    else if (!S.p.csize_set && (ps->size_mix[0] + ps->size_mix[1] + ps->size_mix[2]) > 0) {
        memcpy(mix, ps->size_mix, sizeof mix);
        use_mix = true;
    }
    Rng r = rng_for(S.p.seed, hash_str("cells"), 0);
    int n = S.n_camp;
    int *kind = xcalloc((size_t)(n ? n : 1), sizeof(int));
    int *cls = xcalloc((size_t)(n ? n : 1), sizeof(int));
    int *tim = xcalloc((size_t)(n ? n : 1), sizeof(int));
    double kw[CK_N];
    for (int k = 0; k < CK_N; k++)
        kw[k] = kinds >> k & 1 ? 1.0 : 0.0;
    stratify(&r, kw, CK_N, n, kind);
    if (use_mix)
        stratify(&r, mix, SZ_N, n, cls);
    if (S.p.timings) {
        double tw[4];
        for (int k = 0; k < 4; k++)
            tw[k] = S.p.timings >> k & 1 ? 1.0 : 0.0;
        stratify(&r, tw, 4, n, tim);
    }
    /* twins: campaign 2j+1 runs alongside 2j, both of one kind that has objects of its own.
     * The kind is one the sequence holds twice, swapped into place, so that every kind asked
     * for still appears when there are enough campaigns. */
    int twins = (kinds & NEW_KINDS) ? ps->twin_pairs : 0; /* none among the kinds asked for */
    for (int j = 0; j < twins && 2 * j + 1 < n; j++) {
        int a = 2 * j, b = a + 1, first_free = 2 * twins;
        int cnt[CK_N] = {0};
        for (int i = first_free; i < n; i++)
            cnt[kind[i]]++;
        cnt[kind[a]]++;
        cnt[kind[b]]++;
        int k = -1;
        int cand[3] = {kind[a], kind[b], -1};
        for (int x = 0; x < 2 && k < 0; x++)
            if ((NEW_KINDS >> cand[x] & 1) && cnt[cand[x]] >= 2)
                k = cand[x];
        for (int i = first_free; i < n && k < 0; i++)
            if ((NEW_KINDS >> kind[i] & 1) && cnt[kind[i]] >= 2)
                k = kind[i];
        if (k < 0) /* too few campaigns to keep every kind */
            k = (NEW_KINDS >> kind[a] & 1) ? kind[a] : (int)__builtin_ctz(kinds & NEW_KINDS);
        for (int side = 0; side < 2; side++) {
            int at = side ? b : a;
            if (kind[at] == k)
                continue;
            int from = -1;
            for (int i = first_free; i < n && from < 0; i++)
                if (kind[i] == k)
                    from = i;
            if (from >= 0) {
                kind[from] = kind[at];
                kind[at] = k;
            } else {
                kind[at] = k;
            }
        }
        S.camp[a].twin = b;
        S.camp[b].twin = a;
    }
    static const double win[4] = {300, 3600, 6 * 3600, 3 * 3600};
    int n_rot[2] = {count_rules("rot.en"), count_rules("rot.zh")};
    int next_msg[2] = {(int)rng_below(&r, (uint32_t)n_rot[0]), (int)rng_below(&r, (uint32_t)n_rot[1])};
    for (int i = 0; i < n; i++) {
        Campaign *c = &S.camp[i];
        Rng cr = rng_for(S.p.seed, hash_str("cell"), (uint64_t)i);
        c->kind = kind[i];
        if (use_mix) {
            int lo = size_class_lo[cls[i]], hi = size_class_hi[cls[i]];
            double ls = log((double)lo) + rng_u01(&cr) * (log((double)hi + 1) - log((double)lo));
            c->size = (int)exp(ls);
            c->size = c->size < lo ? lo : c->size > hi ? hi : c->size;
        }
        if (S.p.timings) {
            c->timing = tim[i];
            c->window_s = win[c->timing];
        }
        c->theme = (int)rng_below(&cr, N_THEMES);
        c->persona = rng_chance(&cr, ps->p_persona);
        c->share_organic = rng_chance(&cr, ps->p_share);
        c->p_trend = 0.05 + 0.3 * rng_u01(&cr);
        if (c->kind == CK_PARROT)
            c->behaviours = 1u << BH_PARROT;
        else if (c->kind != CK_MIXED)
            c->behaviours = 0;
        if (c->kind == CK_MIXED || c->kind == CK_PARROT)
            continue;
        if (c->lang == LANG_N)
            c->lang = LANG_EN; /* a cell writes in one language */
        if (c->twin >= 0 && c->twin < i) {
            /* the same theme in the same hours, nothing shared */
            const Campaign *a = &S.camp[c->twin];
            c->theme = a->theme;
            c->lang = a->lang;
            c->timing = a->timing;
            c->window_s = a->window_s;
            c->active_from = a->active_from;
            c->active_to = a->active_to;
        }
        if (c->twin >= 0)
            c->share_organic = false;
        rare_tags(c, &cr);
        if (c->kind == CK_HASHTAG)
            tag_combos(c, &cr);
        if (c->kind == CK_ECHO || c->kind == CK_ROTATING) {
            int z = c->lang == LANG_ZH;
            c->n_msg = 2 + (int)rng_below(&cr, 2);
            for (int k = 0; k < c->n_msg; k++)
                c->msg[k] = next_msg[z]++ % n_rot[z];
            c->n_wordings = 3 + (int)rng_below(&cr, 3);
        }
    }
    free(kind);
    free(cls);
    free(tim);
}

/* ------------------------------------------------------------ timing */

static int camp_lang(const Campaign *c) { return c->lang == LANG_ZH ? LANG_ZH : LANG_EN; }

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Burst start times: several over the active period, in the operators' waking hours (or office
 * hours). A twin takes its twin's hours, within 40 minutes, and sometimes one more. */
static void ensure_bursts(Campaign *c)
{
    if (c->n_bursts)
        return;
    Rng r = rng_for(S.p.seed, hash_str("cell.bursts"), (uint64_t)c->id);
    int n = 0;
    if (c->twin >= 0 && c->twin < c->id) {
        Campaign *a = &S.camp[c->twin];
        ensure_bursts(a);
        for (int k = 0; k < a->n_bursts && n < MAX_BURSTS; k++)
            c->bursts[n++] = a->bursts[k] + (int64_t)((rng_u01(&r) - 0.5) * 4800);
    }
    int want = (int)lround(S.p.days * (0.4 + 0.7 * rng_u01(&r)));
    if (c->twin >= 0 && c->twin < c->id)
        want = n + (int)rng_below(&r, 2);
    if (want < 3)
        want = 3;
    if (want > MAX_BURSTS)
        want = MAX_BURSTS;
    double span = (double)(c->active_to - c->active_from);
    while (n < want) {
        int64_t t = c->active_from + (int64_t)(rng_u01(&r) * span);
        for (int tries = 0; tries < 50; tries++) {
            t = c->active_from + (int64_t)(rng_u01(&r) * span);
            if (c->timing == 3) {
                /* a weekday's office block in UTC+8: 09:00-11:30 or 14:00-17:30 */
                int64_t day = (t + 8 * 3600) / 86400;
                int wd = (int)((day % 7 + 11) % 7); /* 0 = Sunday */
                if (wd == 0 || wd == 6)
                    continue;
                double h = rng_chance(&r, 0.6) ? 9 + 2.5 * rng_u01(&r) : 14 + 3.5 * rng_u01(&r);
                t = day * 86400 - 8 * 3600 + (int64_t)(h * 3600);
            } else {
                /* the operators' waking hours, 08:00-23:00 */
                int64_t day = (t + c->op_tz * 60) / 86400;
                t = day * 86400 - (int64_t)c->op_tz * 60 + (int64_t)((8 + 15 * rng_u01(&r)) * 3600);
            }
            if (t >= c->active_from && t < c->active_to)
                break;
        }
        c->bursts[n++] = t;
    }
    qsort(c->bursts, (size_t)n, sizeof(int64_t), cmp_i64);
    c->n_bursts = n;
}

/* How long one burst lasts, by the campaign's timing. */
static double burst_len(Rng *r, const Campaign *c)
{
    switch (c->timing) {
    case 0: return 180 + rng_u01(r) * 720;          /* 3-15 min */
    case 1: return 900 + rng_u01(r) * 2700;         /* 15-60 min */
    case 2: return 3600 + rng_u01(r) * 3 * 3600;    /* 1-4 h */
    default: return 1800 + rng_u01(r) * 5400;       /* 30-120 min, office hours */
    }
}

/* One member's time in a burst starting at T lasting D seconds: anywhere in it, a little
 * jitter, and a few stragglers hours later. */
static int64_t member_at(Rng *r, const Campaign *c, int64_t T, double D)
{
    double d = rng_u01(r) * D + rng_exp(r, 0.08 * D + 20);
    if (rng_chance(r, 0.08))
        d += rng_lognormal(r, 2 * 3600, 1.0);
    int64_t t = T + (int64_t)d;
    if (c->timing == 3)
        t = plan_office_adjust(r, t);
    return t;
}

/* ------------------------------------------------------------ text */

static bool fits(const Content *cc, size_t limit) { return content_weight(cc) <= limit; }

/* The member's own words on a theme: the push grammar, sometimes an ordinary take on the
 * story. Kept within `limit` weighted characters (leaving room for tags and links). */
static void own_words(Rng *r, const Campaign *c, Content *cc, int theme, size_t limit)
{
    bool zh = camp_lang(c) == LANG_ZH;
    uint32_t len0 = cc->len;
    for (int tries = 0; tries < 6; tries++) {
        cc->len = len0;
        cc->t[len0] = 0;
        GramCtx g = {r, cc, NULL, NULL, NULL};
        char nm[32];
        if (!zh && rng_chance(r, 0.12))
            snprintf(nm, sizeof nm, "%s", rng_chance(r, 0.5) ? "en.post.interf" : "en.post.cachina");
        else if (tries < 4)
            snprintf(nm, sizeof nm, "push.%s.t%d", zh ? "zh" : "en", theme % N_THEMES);
        else
            snprintf(nm, sizeof nm, "push.%s.t%d.claim", zh ? "zh" : "en", theme % N_THEMES);
        gram_expand_name(&g, nm);
        if (fits(cc, limit))
            return;
    }
}

/* The account's habits: lower case, emoji. */
static void member_style(Rng *r, Content *cc, uint32_t who)
{
    const Account *a = &S.acct[who];
    if (a->style & 1)
        text_lower(cc);
    if (rng_chance(r, (a->style & 2) ? 0.4 : 0.08) && fits(cc, 270)) {
        content_puts(cc, " ");
        content_puts(cc, text_emoji(r));
    }
}

static void put_tags(Content *cc, const char *const *tags, int n, bool lead_space)
{
    for (int i = 0; i < n; i++) {
        if (lead_space || i)
            content_puts(cc, " ");
        content_hashtag(cc, tags[i]);
    }
}

static Planted *plant(Campaign *c, Rng *r, int64_t t, int m, int kind, int role, Content *cc)
{
    content_trim(cc);
    content_scan(cc);
    Planted *p = plan_add_post(plan_to_ms(r, t), c->members[m], kind, role, cc);
    p->campaign = (int16_t)c->id;
    p->lang = (uint8_t)camp_lang(c);
    c->n_posts++;
    return p;
}

static bool participates(Rng *r, const Campaign *c, int m, double base)
{
    return rng_chance(r, c->part[m] * base);
}

/* A popular tag some members add to a push: the trending pair while it trends, else the
 * everyday political tags. */
static const char *popular_tag(Rng *r, int64_t t)
{
    if (S.trend_tags[0] && t >= S.trend_t0 && t < S.trend_t1)
        return S.trend_tags[rng_below(r, 2)];
    for (int k = 0; k < S.n_hn; k++)
        if (S.hn[k].kind == HN_EVENT && t >= S.hn[k].from && t < S.hn[k].to && rng_chance(r, 0.5))
            return S.hn[k].tags[0];
    return rng_chance(r, 0.7) ? "cdnpoli" : "ForeignInterference";
}

/* ------------------------------------------------------------ kinds */

static void plan_hashtag_push(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("cell.hashtag"), (uint64_t)c->id);
    Content cc;
    for (int b = 0; b < c->n_bursts; b++) {
        int64_t T = c->bursts[b];
        double D = burst_len(&r, c);
        int main_combo = (int)rng_zipf(&r, (uint32_t)c->n_combo, 1.0);
        int theme = rng_chance(&r, 0.3) ? (int)rng_below(&r, N_THEMES) : c->theme;
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.8))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            int k = rng_chance(&r, 0.82) ? main_combo : (int)rng_below(&r, (uint32_t)c->n_combo);
            const char *tags[4];
            int nt = c->combo_n[k];
            for (int i = 0; i < nt; i++)
                tags[i] = c->tags[c->combo[k][i]];
            if (nt > 1 && rng_chance(&r, 0.5)) {
                uint32_t o[3] = {0, 1, 2};
                rng_shuffle(&r, o, (uint32_t)nt);
                const char *tmp[3] = {tags[o[0]], tags[o[1 % nt]], tags[o[2 % nt]]};
                for (int i = 0; i < nt; i++)
                    tags[i] = tmp[i];
            }
            if (rng_chance(&r, c->p_trend))
                tags[nt++] = popular_tag(&r, t);
            content_reset(&cc, rng_next(&r));
            double u = rng_u01(&r);
            if (u < 0.15) { /* tags first */
                put_tags(&cc, tags, nt, false);
                content_puts(&cc, " ");
                own_words(&r, c, &cc, theme, 230);
            } else if (u < 0.3 && nt > 1) { /* one tag inline, the rest at the end */
                own_words(&r, c, &cc, theme, 200);
                put_tags(&cc, tags, 1, true);
                GramCtx g = {&r, &cc, NULL, NULL, NULL};
                content_puts(&cc, " ");
                gram_expand_name(&g, camp_lang(c) == LANG_ZH ? "push.zh.pclose" : "push.en.pclose");
                put_tags(&cc, tags + 1, nt - 1, true);
            } else {
                own_words(&r, c, &cc, theme, 230);
                put_tags(&cc, tags, nt, true);
            }
            member_style(&r, &cc, c->members[m]);
            plant(c, &r, t, m, K_POST, RO_HASHTAG, &cc);
        }
    }
}

/* An ordinary critic or a journalist that no other campaign targets. */
static uint32_t pick_target(Rng *r, const Campaign *c)
{
    for (int tries = 0; tries < 400; tries++) {
        uint32_t a;
        if (tries < 200 && rng_chance(r, 0.25) && S.n_journalists > 0)
            a = S.journalists[rng_below(r, (uint32_t)S.n_journalists)];
        else
            a = plan_pick_organic(r, true);
        const Account *ac = &S.acct[a];
        if (ac->lang == LANG_ZH || ac->followers > 20000)
            continue;
        if (ac->label != LBL_ORGANIC && ac->label != LBL_JOURNALIST)
            continue;
        if (ac->label == LBL_ORGANIC && ac->followers > 3000)
            continue;
        bool used = false;
        for (int i = 0; i < c->id; i++)
            used |= S.camp[i].kind == CK_MENTION && S.camp[i].target == a;
        if (!used)
            return a;
    }
    return plan_pick_organic(r, true);
}

static void plan_mention_push(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("cell.mention"), (uint64_t)c->id);
    Content cc;
    c->target = pick_target(&r, c);
    const Account *ta = &S.acct[c->target];
    /* the target's own posts, which members reply under */
    int32_t tpost[64];
    int64_t ttime[64];
    int n_tp = 0, want = (int)(S.p.days * 0.7);
    if (want < 2)
        want = 2;
    for (int k = 0; k < want && n_tp < 64; k++) {
        int64_t day = S.t0 / 86400 + (int64_t)rng_below(&r, (uint32_t)S.p.days);
        int64_t t = plan_daytime(&r, day, ta->tz);
        if (!plan_in_period(t))
            continue;
        uint8_t lang = LANG_EN;
        text_organic(&cc, rng_next(&r), c->target, K_POST, rng_chance(&r, 0.6) ? TOP_INTERF : TOP_CACHINA, 0, t,
                     NULL, &lang);
        Planted *p = plan_add_post(plan_to_ms(&r, t), c->target, K_POST, RO_TARGET, &cc);
        p->lang = lang;
        p->appeal = ta->appeal;
        tpost[n_tp] = (int32_t)(p - S.pl);
        ttime[n_tp++] = p->t_ms;
    }
    bool zh = camp_lang(c) == LANG_ZH;
    for (int b = 0; b < c->n_bursts; b++) {
        int64_t T = c->bursts[b];
        double D = burst_len(&r, c);
        int32_t under = -1; /* the target's latest post before the burst, within two days */
        for (int k = 0; k < n_tp; k++)
            if (ttime[k] < T * 1000 && ttime[k] > (T - 2 * 86400) * 1000 && (under < 0 || ttime[k] > S.pl[under].t_ms))
                under = tpost[k];
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.8))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            content_reset(&cc, rng_next(&r));
            GramCtx g = {&r, &cc, NULL, NULL, NULL};
            int kind = K_POST;
            double u = rng_u01(&r);
            if (under >= 0 && u < 0.4 && S.pl[under].t_ms + 60000 < t * 1000) {
                kind = K_REPLY;
                content_mention(&cc, c->target);
                content_puts(&cc, " ");
                gram_expand_name(&g, zh ? "mention.zh" : "mention.en");
            } else if (u < 0.75) {
                content_mention(&cc, c->target);
                content_puts(&cc, " ");
                gram_expand_name(&g, zh ? "mention.zh" : "mention.en");
            } else {
                gram_expand_name(&g, zh ? "mention.zh" : "mention.en");
                content_puts(&cc, " ");
                content_mention(&cc, c->target);
            }
            if (rng_chance(&r, 0.3) && fits(&cc, 120)) {
                content_puts(&cc, " ");
                char nm[32];
                snprintf(nm, sizeof nm, "push.%s.t%d.claim", zh ? "zh" : "en", c->theme);
                uint32_t keep = cc.len;
                gram_expand_name(&g, nm);
                if (!fits(&cc, 260)) {
                    cc.len = keep;
                    cc.t[keep] = 0;
                }
            }
            if (rng_chance(&r, 0.1) && S.n_journalists > 0) {
                uint32_t o = rng_chance(&r, 0.5) && S.n_officials ? S.officials[rng_below(&r, (uint32_t)S.n_officials)]
                                                                  : S.journalists[rng_below(&r, (uint32_t)S.n_journalists)];
                if (o != c->target) {
                    content_puts(&cc, " ");
                    content_mention(&cc, o);
                }
            }
            if (rng_chance(&r, 0.15)) {
                content_puts(&cc, " ");
                content_hashtag(&cc, c->tags[0]);
            }
            member_style(&r, &cc, c->members[m]);
            Planted *p = plant(c, &r, t, m, kind, RO_MENTION, &cc);
            if (kind == K_REPLY) {
                p->ref = under;
                p->ref_author = S.pl[under].author;
            }
        }
    }
}

/* Echo and rotating echo: each message in its wordings, fixed once; bursts repeat them. */
static void plan_echo(Campaign *c, bool rotating)
{
    Rng r = rng_for(S.p.seed, hash_str(rotating ? "cell.rotating" : "cell.echo"), (uint64_t)c->id);
    Content cc;
    bool zh = camp_lang(c) == LANG_ZH;
    static char text[4][6][640];
    int nw = rotating ? c->n_wordings : 1;
    for (int j = 0; j < c->n_msg; j++) {
        char nm[32];
        snprintf(nm, sizeof nm, "rot.%s.%d", zh ? "zh" : "en", c->msg[j]);
        int rule = gram_need(nm);
        int na = gram_n_alts(rule);
        uint32_t alt[8] = {0, 1, 2, 3, 4, 5, 6, 7};
        rng_shuffle(&r, alt, (uint32_t)(na < 8 ? na : 8));
        if (nw > na)
            nw = na;
        for (int w = 0; w < nw; w++) {
            Rng z = rng_for(S.p.seed, hash3(hash_str("cell.wording"), (uint64_t)c->id, (uint64_t)j), (uint64_t)w);
            content_reset(&cc, 0);
            GramCtx g = {&z, &cc, NULL, NULL, NULL};
            gram_expand_alt(&g, rule, (int)alt[w]);
            size_t n = cc.len < sizeof text[j][w] - 1 ? cc.len : sizeof text[j][w] - 1;
            memcpy(text[j][w], cc.t, n);
            text[j][w][n] = 0;
        }
    }
    if (rotating)
        c->n_wordings = nw; /* as many as the messages have */
    uint32_t *off = xmalloc(sizeof(uint32_t) * (size_t)c->size);
    for (int m = 0; m < c->size; m++)
        off[m] = rng_below(&r, (uint32_t)nw);
    double p_tag = rng_u01(&r) * 0.5, p_edit = 0.1 + 0.3 * S.p.noise;
    for (int b = 0; b < c->n_bursts; b++) {
        int64_t T = c->bursts[b];
        double D = burst_len(&r, c);
        int j = rng_chance(&r, 0.7) ? b % c->n_msg : (int)rng_below(&r, (uint32_t)c->n_msg);
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.8))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            int w = rotating ? (int)((off[m] + (uint32_t)b) % (uint32_t)nw) : 0;
            if (rotating && rng_chance(&r, 0.15))
                w = (int)rng_below(&r, (uint32_t)nw);
            char buf[1024];
            size_t len = strlen(text[j][w]);
            memcpy(buf, text[j][w], len + 1);
            /* small edits: case, punctuation, spacing; a typo now and then */
            if (rng_chance(&r, p_edit))
                para_noise(&r, buf, &len, sizeof buf);
            if (!zh && rng_chance(&r, 0.3 * S.p.noise))
                para_typos(&r, buf, &len, sizeof buf, 1);
            content_reset(&cc, rng_next(&r));
            if (rng_chance(&r, 0.08)) {
                content_puts(&cc, text_emoji(&r));
                content_puts(&cc, " ");
            }
            content_put(&cc, buf, len);
            if (rng_chance(&r, p_tag)) {
                content_puts(&cc, " ");
                content_hashtag(&cc, c->tags[0]);
            }
            if (rng_chance(&r, 0.15)) {
                content_puts(&cc, " ");
                content_puts(&cc, text_emoji(&r));
            }
            plant(c, &r, t, m, K_POST, rotating ? RO_ROTATING : RO_ECHO, &cc);
        }
    }
    free(off);
}

static void plan_repost_ring(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("cell.ring"), (uint64_t)c->id);
    Content cc;
    int n_hubs = c->size >= 8 ? 2 : 1;
    c->hub = c->members[0];
    for (int b = 0; b < c->n_bursts; b++) {
        int64_t T = c->bursts[b];
        double D = burst_len(&r, c);
        int hm = b % n_hubs;
        int seeds = 1 + (rng_chance(&r, 0.35) ? 1 : 0);
        for (int s = 0; s < seeds; s++) {
            int sm = s == 0 ? hm : (int)rng_below(&r, (uint32_t)c->size); /* sometimes a member's post */
            int64_t ts = s == 0 ? T : member_at(&r, c, T, D * 0.5);
            if (!plan_in_period(ts))
                continue;
            content_reset(&cc, rng_next(&r));
            own_words(&r, c, &cc, c->theme, 240);
            if (rng_chance(&r, 0.4)) {
                content_puts(&cc, " ");
                content_hashtag(&cc, c->tags[rng_below(&r, (uint32_t)c->n_tags)]);
            }
            member_style(&r, &cc, c->members[sm]);
            Planted *p = plant(c, &r, ts, sm, K_POST, RO_SEED, &cc);
            p->appeal = 1.0f;
            int32_t src = (int32_t)(p - S.pl);
            for (int m = 0; m < c->size; m++) {
                if (m == sm || !participates(&r, c, m, s == 0 ? 0.85 : 0.5))
                    continue;
                int64_t t = member_at(&r, c, ts + 20, D);
                if (!plan_in_period(t))
                    continue;
                Planted *q = plan_add_repost(plan_to_ms(&r, t), c->members[m], src, RO_RING);
                q->campaign = (int16_t)c->id;
                c->n_posts++;
            }
        }
    }
}

static void plan_link_push(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("cell.link"), (uint64_t)c->id);
    Content cc;
    bool zh = camp_lang(c) == LANG_ZH;
    int n_art = 2 + (int)rng_below(&r, 4);
    char canon[6][URL_MAX], title[6][256];
    uint64_t aseed[6];
    int trule = gram_need(zh ? "title.zh" : "title.en");
    for (int k = 0; k < n_art; k++) {
        gram_expand_buf(&r, trule, title[k], sizeof title[k]);
        char en_title[256];
        if (zh)
            gram_expand_buf(&r, gram_need("title.en"), en_title, sizeof en_title);
        else
            snprintf(en_title, sizeof en_title, "%s", title[k]);
        aseed[k] = hash3(S.p.seed, 0x11c5, (uint64_t)(c->id * 100 + k));
        int64_t day = (c->n_bursts ? c->bursts[(k * c->n_bursts) / n_art] : c->active_from) / 86400;
        plan_camp_article_url(aseed[k], day, en_title, canon[k], URL_MAX);
    }
    int lrule = gram_need(zh ? "link.lead.zh" : "link.lead.en");
    for (int b = 0; b < c->n_bursts; b++) {
        int64_t T = c->bursts[b];
        double D = burst_len(&r, c);
        int k = (b * n_art) / (c->n_bursts ? c->n_bursts : 1);
        if (rng_chance(&r, 0.3))
            k = (int)rng_below(&r, (uint32_t)n_art);
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.75))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            content_reset(&cc, rng_next(&r));
            double u = rng_u01(&r);
            if (u < 0.6) {
                own_words(&r, c, &cc, c->theme, 200);
            } else if (u < 0.85) {
                GramCtx g = {&r, &cc, NULL, NULL, NULL};
                gram_expand(&g, lrule);
                content_puts(&cc, " ");
                content_puts(&cc, title[k]);
            } else {
                content_puts(&cc, title[k]);
            }
            char url[URL_MAX];
            static const double w[8] = {0.35, 0.15, 0.10, 0.08, 0.10, 0.15, 0.04, 0.03};
            url_variant(&r, canon[k], aseed[k], (int)rng_weighted(&r, w, 8), url, sizeof url);
            content_puts(&cc, " ");
            content_url(&cc, url);
            if (rng_chance(&r, 0.25)) {
                content_puts(&cc, " ");
                content_hashtag(&cc, c->tags[rng_below(&r, (uint32_t)c->n_tags)]);
            }
            member_style(&r, &cc, c->members[m]);
            plant(c, &r, t, m, K_POST, RO_LINK, &cc);
        }
    }
}

void cells_plan(Campaign *c)
{
    ensure_bursts(c);
    switch (c->kind) {
    case CK_HASHTAG: plan_hashtag_push(c); break;
    case CK_MENTION: plan_mention_push(c); break;
    case CK_ECHO: plan_echo(c, false); break;
    case CK_ROTATING: plan_echo(c, true); break;
    case CK_RING: plan_repost_ring(c); break;
    case CK_LINK: plan_link_push(c); break;
    default: break;
    }
}

/* ------------------------------------------------- shared organic objects */

/* Cells also amplify what everyone amplifies: the viral post, the popular news link, the posts
 * of a fan community's idol, the trending tags. These are the members' own acts (campaign set,
 * role organic_share), timed like the cell's other work. */
void cells_share_organic(Campaign *c)
{
    Rng r = rng_for(S.p.seed, hash_str("cell.share"), (uint64_t)c->id);
    Content cc;
    if (S.viral_pl >= 0 && rng_chance(&r, 0.7)) {
        int64_t T = S.pl[S.viral_pl].t_ms / 1000 + 120 + (int64_t)rng_lognormal(&r, 1800, 0.8);
        double D = burst_len(&r, c);
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.6))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            Planted *p = plan_add_repost(plan_to_ms(&r, t), c->members[m], S.viral_pl, RO_ORGSHARE);
            p->campaign = (int16_t)c->id;
            c->n_posts++;
        }
    }
    if (S.news_url && rng_chance(&r, 0.6)) {
        int64_t T = S.news_t0 + 13 * 3600 + (int64_t)rng_below(&r, 9 * 3600);
        double D = burst_len(&r, c);
        uint64_t aseed = hash3(S.p.seed, 0x4e75, 1);
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.45))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            char url[URL_MAX];
            static const double w[8] = {0.55, 0.22, 0.04, 0.0, 0.03, 0.10, 0.04, 0.02};
            url_variant(&r, S.news_url, aseed, (int)rng_weighted(&r, w, 8), url, sizeof url);
            uint8_t lang = LANG_EN;
            text_organic_with(&cc, rng_next(&r), c->members[m], TOP_INTERF, url, NULL, 0, t, &lang);
            Planted *p = plan_add_post(plan_to_ms(&r, t), c->members[m], K_POST, RO_ORGSHARE, &cc);
            p->campaign = (int16_t)c->id;
            p->lang = lang;
            c->n_posts++;
        }
    }
    for (int k = 0; k < S.n_hn; k++) {
        const HardNeg *h = &S.hn[k];
        if (h->kind != HN_FANS || h->n_idol_posts == 0 || !rng_chance(&r, 0.5))
            continue;
        int n = 1 + (int)rng_below(&r, 3);
        for (int i = 0; i < n; i++) {
            int32_t src = h->idol_posts[rng_below(&r, (uint32_t)h->n_idol_posts)];
            int64_t T = S.pl[src].t_ms / 1000 + 60 + (int64_t)rng_lognormal(&r, 1200, 0.8);
            double D = burst_len(&r, c);
            for (int m = 0; m < c->size; m++) {
                if (!participates(&r, c, m, 0.5))
                    continue;
                int64_t t = member_at(&r, c, T, D);
                if (!plan_in_period(t))
                    continue;
                Planted *p = plan_add_repost(plan_to_ms(&r, t), c->members[m], src, RO_ORGSHARE);
                p->campaign = (int16_t)c->id;
                c->n_posts++;
            }
        }
    }
    if (S.trend_tags[0] && rng_chance(&r, 0.5)) {
        int64_t T = S.trend_t0 + (int64_t)(rng_u01(&r) * 30 * 3600);
        double D = burst_len(&r, c);
        const char *tags[2] = {S.trend_tags[0], S.trend_tags[1]};
        for (int m = 0; m < c->size; m++) {
            if (!participates(&r, c, m, 0.35))
                continue;
            int64_t t = member_at(&r, c, T, D);
            if (!plan_in_period(t))
                continue;
            uint8_t lang = LANG_EN;
            text_organic_with(&cc, rng_next(&r), c->members[m], TOP_INTERF, NULL, tags, 2, t, &lang);
            Planted *p = plan_add_post(plan_to_ms(&r, t), c->members[m], K_POST, RO_ORGSHARE, &cc);
            p->campaign = (int16_t)c->id;
            p->lang = lang;
            c->n_posts++;
        }
    }
}
