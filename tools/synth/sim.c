/* sim.c — the organic background, simulated event by event and merged in time order with the
 * planted events.
 *
 * Every account has a next-action time in a min-heap. Between sessions the gap is exponential
 * and thinned by a diurnal curve in the account's own time zone; within a session the next
 * action follows after seconds to minutes (bursty, irregular gaps). An action is an original
 * post, a repost, a reply or a quote, by the account's own mix. Reposts, replies and quotes pick
 * their target preferentially: a delay is drawn from a heavy-tailed distribution (seconds to
 * days), and among the posts published around that time one is drawn with probability
 * proportional to its appeal (author reach times a Pareto draw), through a Fenwick tree over a
 * ring of recent posts. The Chinese-speaking community mostly interacts within its own ring.
 *
 * Memory: the heap (one entry per account) and the rings (fixed capacity); posts are not
 * stored, only the seeds needed to re-render them when they are reposted or quoted.
 *
 * A warm-up day before the period is simulated without output so that early reposts refer to
 * originals outside the dataset, as in real collections. */
#include "synth.h"

#include <math.h>
#include <stdlib.h>

/* ------------------------------------------------------------ the ring */

typedef struct {
    uint64_t id, ref_id, q_id;
    int64_t t_ms, q_t_ms;
    uint64_t cseed, q_cseed;
    uint32_t author, ref_author, q_author, q_ref_author;
    int32_t planted, q_planted;
    uint8_t kind, topic, q_kind, q_topic;
    uint8_t in_ds, q_in_ds;
    uint8_t lang, q_lang; /* language the text was written in */
    uint32_t n_rt, n_reply, n_quote;
} Rec;

typedef struct {
    Rec *rec;
    double *fw; /* Fenwick tree, 1-based over slots */
    double *w;  /* current weight per slot */
    uint32_t cap;
    uint64_t head; /* number of pushes so far */
} Ring;

static void ring_init(Ring *g, uint32_t cap)
{
    g->cap = cap;
    g->rec = xcalloc(cap, sizeof(Rec));
    g->fw = xcalloc((size_t)cap + 1, sizeof(double));
    g->w = xcalloc(cap, sizeof(double));
    g->head = 0;
}

static void fw_add(Ring *g, uint32_t slot, double d)
{
    for (uint32_t i = slot + 1; i <= g->cap; i += i & (0u - i))
        g->fw[i] += d;
}

static double fw_prefix(const Ring *g, uint32_t n) /* sum of slots [0, n) */
{
    double s = 0;
    for (uint32_t i = n; i > 0; i -= i & (0u - i))
        s += g->fw[i];
    return s;
}

/* smallest slot s with prefix(s+1) > x */
static uint32_t fw_find(const Ring *g, double x)
{
    uint32_t pos = 0;
    uint32_t step = 1;
    while (step * 2 <= g->cap)
        step *= 2;
    for (; step; step >>= 1) {
        if (pos + step <= g->cap && g->fw[pos + step] <= x) {
            pos += step;
            x -= g->fw[pos];
        }
    }
    return pos < g->cap ? pos : g->cap - 1;
}

static uint64_t ring_push(Ring *g, const Rec *r, double w)
{
    uint32_t slot = (uint32_t)(g->head & (g->cap - 1));
    fw_add(g, slot, w - g->w[slot]);
    g->w[slot] = w;
    g->rec[slot] = *r;
    return g->head++;
}

static uint64_t ring_lo(const Ring *g) { return g->head > g->cap ? g->head - g->cap : 0; }

static Rec *ring_get(Ring *g, uint64_t seq)
{
    if (seq < ring_lo(g) || seq >= g->head)
        return NULL;
    return &g->rec[seq & (g->cap - 1)];
}

/* first seq with t_ms >= t (in [lo, head]) */
static uint64_t ring_lower(const Ring *g, int64_t t)
{
    uint64_t lo = ring_lo(g), hi = g->head;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (g->rec[mid & (g->cap - 1)].t_ms < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double range_sum(const Ring *g, uint64_t a, uint64_t b) /* seqs [a, b) */
{
    if (a >= b)
        return 0;
    uint32_t sa = (uint32_t)(a & (g->cap - 1)), sb = (uint32_t)(b & (g->cap - 1));
    if (b - a >= g->cap)
        return fw_prefix(g, g->cap);
    if (sa < sb)
        return fw_prefix(g, sb) - fw_prefix(g, sa);
    return fw_prefix(g, g->cap) - fw_prefix(g, sa) + fw_prefix(g, sb);
}

/* draw a seq in [a, b) with probability proportional to weight */
static int64_t range_draw(const Ring *g, uint64_t a, uint64_t b, Rng *r)
{
    if (a >= b)
        return -1;
    double tot = range_sum(g, a, b);
    if (tot <= 0)
        return (int64_t)(a + rng_below(r, (uint32_t)(b - a)));
    double x = rng_u01(r) * tot;
    uint32_t sa = (uint32_t)(a & (g->cap - 1)), sb = (uint32_t)(b & (g->cap - 1));
    uint32_t slot;
    if (sa < sb) {
        slot = fw_find(g, fw_prefix(g, sa) + x);
        if (slot < sa || slot >= sb)
            slot = sa;
    } else {
        double first = fw_prefix(g, g->cap) - fw_prefix(g, sa);
        if (x < first) {
            slot = fw_find(g, fw_prefix(g, sa) + x);
            if (slot < sa)
                slot = sa;
        } else {
            slot = fw_find(g, x - first);
            if (slot >= sb && sb > 0)
                slot = sb - 1;
        }
    }
    /* map the slot back to its seq in [a, b) */
    uint64_t seq = (a & ~(uint64_t)(g->cap - 1)) + slot;
    if (seq < a)
        seq += g->cap;
    if (seq >= b)
        seq = b - 1;
    return (int64_t)seq;
}

/* a target for a reaction at time now: delay drawn from lognormal(median, sigma) */
static Rec *pick_target(Ring *g, Rng *r, int64_t now_ms, double median_s, double sigma, uint32_t self)
{
    if (g->head == 0)
        return NULL;
    /* with --platform-mix a target on another platform is drawn again: more attempts, since
     * only the author's platform's share of the posts is acceptable */
    const int attempts = mix_on() ? 16 : 4;
    for (int attempt = 0; attempt < attempts; attempt++) {
        /* a share of reactions comes within seconds to minutes (followers online right then) */
        double d = rng_chance(r, 0.2) ? rng_lognormal(r, 75, 1.0) : rng_lognormal(r, median_s, sigma);
        if (d < 4)
            d = 4 + rng_u01(r) * 20;
        double win = d * 0.3 + 60;
        int64_t center = now_ms - (int64_t)(d * 1000);
        uint64_t a = ring_lower(g, center - (int64_t)(win * 1000));
        uint64_t b = ring_lower(g, center + (int64_t)(win * 1000));
        uint64_t limit = ring_lower(g, now_ms - 3000);
        if (b > limit)
            b = limit;
        if (a >= b) {
            /* nothing published around then: fall back to the most recent day */
            a = ring_lower(g, now_ms - 86400000);
            b = limit;
        }
        int64_t s = range_draw(g, a, b, r);
        if (s < 0)
            continue;
        Rec *rc = ring_get(g, (uint64_t)s);
        if (rc && rc->author != self && mix_same_platform(rc->author, self))
            return rc;
    }
    return NULL;
}

/* ------------------------------------------------------------ the heap */

typedef struct {
    int64_t t;
    uint32_t a;
} HeapE;

static HeapE *heap;
static uint32_t n_heap;

static bool he_less(HeapE x, HeapE y) { return x.t < y.t || (x.t == y.t && x.a < y.a); }

static void heap_push(HeapE e)
{
    uint32_t i = n_heap++;
    heap[i] = e;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!he_less(heap[i], heap[p]))
            break;
        HeapE t = heap[i];
        heap[i] = heap[p];
        heap[p] = t;
        i = p;
    }
}

static HeapE heap_pop(void)
{
    HeapE top = heap[0];
    heap[0] = heap[--n_heap];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n_heap && he_less(heap[l], heap[m]))
            m = l;
        if (r < n_heap && he_less(heap[r], heap[m]))
            m = r;
        if (m == i)
            break;
        HeapE t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
    return top;
}

/* ------------------------------------------------------- activity model */

static const double diurnal[24] = {0.45, 0.30, 0.20, 0.12, 0.10, 0.12, 0.25, 0.50, 0.70, 0.80, 0.80, 0.85,
                                   0.95, 0.85, 0.80, 0.80, 0.85, 0.90, 0.95, 1.00, 1.00, 1.00, 0.90, 0.70};
static double diurnal_mean; /* mean acceptance of the thinning, weekend mornings included */

static double activity(const Account *a, int64_t t_ms)
{
    int64_t local = t_ms / 1000 + (int64_t)a->tz * 60;
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int h = (int)((local - day * 86400) / 3600);
    int wd = (int)((day % 7 + 11) % 7);
    double v = diurnal[h];
    if ((wd == 0 || wd == 6) && h < 11)
        v *= 0.7; /* weekend mornings start later */
    return v;
}

static Rng *arng;         /* per-account streams */
static double period_s;

static int64_t next_wake(uint32_t ai, int64_t t_ms, bool after_action)
{
    const Account *a = &S.acct[ai];
    Rng *r = &arng[ai];
    if (a->rate <= 0)
        return INT64_MAX;
    if (after_action && rng_chance(r, a->burst)) {
        /* the session goes on: seconds to minutes */
        return t_ms + 2000 + (int64_t)(rng_lognormal(r, 150, 1.0) * 1000);
    }
    double sessions = a->rate * (1.0 - a->burst);
    if (sessions < 1e-6)
        sessions = 1e-6;
    double mean_gap = period_s * diurnal_mean / sessions;
    for (int guard = 0; guard < 10000; guard++) {
        t_ms += (int64_t)(rng_exp(r, mean_gap) * 1000) + 1000;
        if (t_ms >= S.t1 * 1000)
            return INT64_MAX;
        if (rng_u01(r) < activity(a, t_ms))
            return t_ms;
    }
    return INT64_MAX;
}

/* ------------------------------------------------------- materialising */

static Ring ring_main, ring_zh;
static int64_t *pl_seq; /* planted index -> ring seq (or -1) */
static uint8_t *pl_ring; /* 0 main, 1 zh */
static uint32_t org_counter;

static Content cbuf[3];
static Post pbuf[3];

static void content_from_planted(Content *c, const Planted *p)
{
    content_reset(c, p->cseed);
    if (p->text)
        content_put(c, p->text, p->len);
    for (int i = 0; i < p->n_url && i < MAX_URLS; i++) {
        snprintf(c->url_exp[i], URL_MAX, "%s", p->urls[i]);
        base62(hash3(hash_str(p->urls[i]), p->cseed, (uint64_t)i), c->url_tco[i], 10);
    }
    c->n_url = p->n_url < MAX_URLS ? p->n_url : MAX_URLS;
    for (int i = 0; i < p->n_mention && i < MAX_MENTIONS; i++)
        c->mention[i] = p->mentions[i];
    c->n_mention = p->n_mention < MAX_MENTIONS ? p->n_mention : MAX_MENTIONS;
    content_scan(c);
}

static void content_render(Content *c, uint64_t cseed, uint32_t author, int kind, int topic, uint32_t ref_author,
                           int64_t t_ms, int32_t planted)
{
    if (planted >= 0)
        content_from_planted(c, &S.pl[planted]);
    else
        text_organic(c, cseed, author, kind, topic, ref_author, t_ms / 1000, NULL, NULL);
}

/* Fill post p (with content buffer c) from a ring record; nested quote into (p2, c2). */
static void post_from_rec(Post *p, Content *c, Post *p2, Content *c2, const Rec *rc)
{
    memset(p, 0, sizeof *p);
    p->id = rc->id;
    p->t_ms = rc->t_ms;
    p->author = rc->author;
    p->kind = rc->kind;
    p->in_dataset = rc->in_ds;
    content_render(c, rc->cseed, rc->author, rc->kind, rc->topic, rc->ref_author, rc->t_ms, rc->planted);
    p->c = c;
    p->lang = rc->lang;
    p->ref_id = rc->ref_id;
    p->ref_author = rc->ref_author;
    p->n_rt = rc->n_rt;
    p->n_reply = rc->n_reply;
    p->n_quote = rc->n_quote;
    p->n_like = rc->n_rt * 2 + rc->n_reply + (uint32_t)(mix64(rc->id) % 5);
    if (rc->kind == K_QUOTE && p2) {
        memset(p2, 0, sizeof *p2);
        p2->id = rc->q_id;
        p2->t_ms = rc->q_t_ms;
        p2->author = rc->q_author;
        p2->kind = rc->q_kind;
        p2->in_dataset = rc->q_in_ds;
        content_render(c2, rc->q_cseed, rc->q_author, rc->q_kind, rc->q_topic, rc->q_ref_author, rc->q_t_ms,
                       rc->q_planted);
        p2->c = c2;
        p2->lang = rc->q_lang;
        p2->ref_id = 0;
        p->ref = p2;
    }
}

static bool rest_mode_at(int64_t t_ms)
{
    /* collections merge streaming captures with REST back-fills: blocks of hours differ */
    return mix64(S.p.seed ^ (uint64_t)(t_ms / 3600000 / 3) * 0x9E37) % 5 == 0;
}

/* planted: the planted index of p, or -1 for an organic post */
static void emit(Post *p, int32_t planted)
{
    p->rest_mode = rest_mode_at(p->t_ms);
    if (mix_on() && !mix_route(p, planted))
        return;
    writers_post(p);
    S.n_posts_out++;
    S.n_kind[p->kind]++;
}

static Ring *ring_for_lang(int lang) { return lang == LANG_ZH ? &ring_zh : &ring_main; }

/* push a post into its ring; quote info from qrec when it is a quote */
static uint64_t push_rec(Ring *g, Rec *rc, double w) { return ring_push(g, rc, w); }

static void fill_quote_info(Rec *rc, const Rec *target)
{
    rc->q_id = target->id;
    rc->q_t_ms = target->t_ms;
    rc->q_cseed = target->cseed;
    rc->q_author = target->author;
    rc->q_ref_author = target->ref_author;
    rc->q_planted = target->planted;
    rc->q_kind = target->kind;
    rc->q_topic = target->topic;
    rc->q_in_ds = target->in_ds;
    rc->q_lang = target->lang;
}

static void organic_action(uint32_t ai, int64_t t_ms)
{
    Account *a = &S.acct[ai];
    Rng *r = &arng[ai];
    bool out = t_ms >= S.t0 * 1000;
    double u = rng_u01(r);
    int kind = u < a->mix[0] ? K_POST : u < a->mix[0] + a->mix[1] ? K_REPOST : u < a->mix[0] + a->mix[1] + a->mix[2] ? K_REPLY : K_QUOTE;
    Ring *g = &ring_main;
    if (a->lang == LANG_ZH ? rng_chance(r, 0.85) : rng_chance(r, 0.01))
        g = &ring_zh;
    Rec *target = NULL;
    if (kind == K_REPOST)
        target = pick_target(g, r, t_ms, 2400, 1.6, ai);
    else if (kind == K_REPLY)
        target = pick_target(g, r, t_ms, 900, 1.4, ai);
    else if (kind == K_QUOTE)
        target = pick_target(g, r, t_ms, 7200, 1.5, ai);
    if (kind != K_POST && !target)
        kind = K_POST;
    /* the target's ring slot may be overwritten by the push below: work on a copy */
    Rec tcopy;
    if (target) {
        if (kind == K_REPOST)
            target->n_rt++;
        else if (kind == K_REPLY)
            target->n_reply++;
        else if (kind == K_QUOTE)
            target->n_quote++;
        tcopy = *target;
        target = &tcopy;
    }

    uint64_t id = snowflake(t_ms, ai & 511, org_counter++);
    uint64_t cseed = hash3(S.p.seed, id, 0xc0e7);

    if (kind == K_REPOST) {
        if (!out)
            return;
        Post *p = &pbuf[0];
        memset(p, 0, sizeof *p);
        p->id = id;
        p->t_ms = t_ms;
        p->author = ai;
        p->kind = K_REPOST;
        post_from_rec(&pbuf[1], &cbuf[1], &pbuf[2], &cbuf[2], target);
        p->ref = &pbuf[1];
        p->c = &cbuf[1];
        p->lang = pbuf[1].lang;
        p->ref_id = target->id;
        p->ref_author = target->author;
        p->in_dataset = true;
        emit(p, -1);
        return;
    }
    Rec rc;
    memset(&rc, 0, sizeof rc);
    rc.id = id;
    rc.t_ms = t_ms;
    rc.cseed = cseed;
    rc.author = ai;
    rc.planted = -1;
    rc.kind = (uint8_t)kind;
    rc.in_ds = out;
    int topic = -1;
    if (kind == K_REPLY) {
        rc.ref_id = target->id;
        rc.ref_author = target->author;
        topic = target->planted < 0 ? target->topic : TOP_INTERF;
    } else if (kind == K_QUOTE) {
        rc.ref_id = target->id;
        rc.ref_author = target->author;
        fill_quote_info(&rc, target);
        topic = target->planted < 0 ? target->topic : TOP_INTERF;
    }
    if (topic < 0)
        topic = text_pick_topic(cseed, a);
    rc.topic = (uint8_t)topic;
    uint8_t lang = a->lang;
    Content *c = &cbuf[0];
    text_organic(c, cseed, ai, kind, topic, rc.ref_author, t_ms / 1000, NULL, &lang);
    rc.lang = lang;
    double w = a->appeal * rng_pareto(r, 1.0, 1.3);
    push_rec(ring_for_lang(lang), &rc, w);
    if (!out)
        return;
    Post *p = &pbuf[0];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->t_ms = t_ms;
    p->author = ai;
    p->kind = (uint8_t)kind;
    p->lang = lang;
    p->c = c;
    p->in_dataset = true;
    p->ref_id = rc.ref_id;
    p->ref_author = rc.ref_author;
    if (kind == K_QUOTE) {
        post_from_rec(&pbuf[1], &cbuf[1], NULL, NULL, target);
        p->ref = &pbuf[1];
    }
    emit(p, -1);
}

static void planted_action(uint32_t k)
{
    Planted *pl = &S.pl[k];
    Post *p = &pbuf[0];
    memset(p, 0, sizeof *p);
    p->id = pl->id;
    p->t_ms = pl->t_ms;
    p->author = pl->author;
    p->kind = pl->kind;
    p->lang = pl->lang;
    p->in_dataset = true;
    p->ref_id = pl->ref_id;
    p->ref_author = pl->ref_author;
    if (pl->kind == K_REPOST) {
        /* the original is planted too, and still in a ring unless it scrolled out */
        Rec *rc = pl_seq[pl->ref] >= 0 ? ring_get(ring_for_lang(pl_ring[pl->ref]), (uint64_t)pl_seq[pl->ref]) : NULL;
        if (rc && rc->id == S.pl[pl->ref].id) {
            rc->n_rt++;
            post_from_rec(&pbuf[1], &cbuf[1], &pbuf[2], &cbuf[2], rc);
        } else {
            Rec tmp;
            memset(&tmp, 0, sizeof tmp);
            const Planted *o = &S.pl[pl->ref];
            tmp.id = o->id;
            tmp.t_ms = o->t_ms;
            tmp.author = o->author;
            tmp.kind = o->kind;
            tmp.planted = pl->ref;
            tmp.in_ds = true;
            tmp.ref_id = o->ref_id;
            tmp.ref_author = o->ref_author;
            tmp.lang = o->lang;
            post_from_rec(&pbuf[1], &cbuf[1], NULL, NULL, &tmp);
        }
        p->ref = &pbuf[1];
        p->c = &cbuf[1];
        p->lang = pbuf[1].lang;
        emit(p, (int32_t)k);
        return;
    }
    content_from_planted(&cbuf[0], pl);
    p->c = &cbuf[0];
    Rec rc;
    memset(&rc, 0, sizeof rc);
    rc.id = pl->id;
    rc.t_ms = pl->t_ms;
    rc.author = pl->author;
    rc.planted = (int32_t)k;
    rc.kind = pl->kind;
    rc.in_ds = true;
    rc.ref_id = pl->ref_id;
    rc.ref_author = pl->ref_author;
    rc.topic = TOP_INTERF;
    rc.lang = pl->lang;
    if (pl->kind == K_QUOTE && pl->ref >= 0) {
        const Planted *q = &S.pl[pl->ref];
        rc.q_id = q->id;
        rc.q_t_ms = q->t_ms;
        rc.q_author = q->author;
        rc.q_planted = pl->ref;
        rc.q_kind = q->kind;
        rc.q_in_ds = true;
        rc.q_lang = q->lang;
        content_from_planted(&cbuf[1], q);
        memset(&pbuf[1], 0, sizeof pbuf[1]);
        pbuf[1].id = q->id;
        pbuf[1].t_ms = q->t_ms;
        pbuf[1].author = q->author;
        pbuf[1].kind = q->kind;
        pbuf[1].lang = q->lang;
        pbuf[1].c = &cbuf[1];
        pbuf[1].in_dataset = true;
        p->ref = &pbuf[1];
    }
    Rng r = rng_for(pl->id, 0xa99ea1, 0);
    double w = pl->appeal * rng_pareto(&r, 1.0, 1.3);
    int gl = pl->lang == LANG_ZH ? 1 : 0;
    pl_ring[k] = (uint8_t)(gl ? LANG_ZH : LANG_EN);
    pl_seq[k] = (int64_t)push_rec(gl ? &ring_zh : &ring_main, &rc, w);
    emit(p, (int32_t)k);
}

/* Scale ordinary users' activity so that organic plus planted posts land near --posts. */
static void normalise_rates(void)
{
    double want = (double)S.p.posts - (double)S.n_pl;
    if (want < S.p.posts * 0.3)
        want = S.p.posts * 0.3;
    double have = 0, fixed = 0;
    for (uint32_t i = 0; i < S.n_acct; i++) {
        if (S.acct[i].label == LBL_OFFICIAL)
            continue;
        if (i < S.n_organic_pool)
            have += S.acct[i].rate;
        else
            fixed += S.acct[i].rate;
    }
    double scale = (want - fixed) / (have > 0 ? have : 1);
    if (scale < 0.05)
        scale = 0.05;
    for (uint32_t i = 0; i < S.n_organic_pool; i++)
        S.acct[i].rate = (float)(S.acct[i].rate * scale);
    double acc = 0;
    for (int h = 0; h < 24; h++)
        acc += diurnal[h] * (5.0 / 7) + diurnal[h] * (h < 11 ? 0.7 : 1.0) * (2.0 / 7);
    diurnal_mean = acc / 24;
}

void sim_run(void)
{
    period_s = (double)(S.t1 - S.t0);
    normalise_rates();
    /* ring capacity: about four days of repostable posts */
    double per_day = (double)S.p.posts / (S.p.days > 0 ? S.p.days : 1) * 0.65;
    uint32_t cap = 4096;
    while (cap < per_day * 4 && cap < (1u << 20))
        cap *= 2;
    ring_init(&ring_main, cap);
    uint32_t capz = 2048;
    while (capz < per_day * 4 * 0.15 && capz < (1u << 18))
        capz *= 2;
    ring_init(&ring_zh, capz);
    pl_seq = xmalloc(sizeof(int64_t) * (S.n_pl ? S.n_pl : 1));
    pl_ring = xcalloc(S.n_pl ? S.n_pl : 1, 1);
    for (uint32_t i = 0; i < S.n_pl; i++)
        pl_seq[i] = -1;

    arng = xmalloc(sizeof(Rng) * S.n_acct);
    heap = xmalloc(sizeof(HeapE) * (S.n_acct + 1));
    n_heap = 0;
    int64_t warm = S.p.days >= 3 ? 86400 : 6 * 3600;
    int64_t start_ms = (S.t0 - warm) * 1000;
    for (uint32_t i = 0; i < S.n_acct; i++) {
        arng[i] = rng_for(S.p.seed, hash_str("sim.acct"), i);
        if (S.acct[i].label == LBL_OFFICIAL || S.acct[i].rate <= 0)
            continue;
        /* the warm-up day is simulated at the same rates */
        int64_t t = next_wake(i, start_ms, false);
        if (t != INT64_MAX)
            heap_push((HeapE){t, i});
    }
    uint32_t pi = 0;
    uint64_t last_report = 0;
    for (;;) {
        int64_t to = n_heap ? heap[0].t : INT64_MAX;
        int64_t tp = pi < S.n_pl ? S.pl[pi].t_ms : INT64_MAX;
        if (to == INT64_MAX && tp == INT64_MAX)
            break;
        if (tp <= to) {
            planted_action(pi++);
        } else {
            HeapE e = heap_pop();
            if (e.t >= S.t1 * 1000)
                continue;
            organic_action(e.a, e.t);
            int64_t nt = next_wake(e.a, e.t, true);
            if (nt != INT64_MAX)
                heap_push((HeapE){nt, e.a});
        }
        if (!S.p.quiet && S.n_posts_out - last_report >= 500000) {
            last_report = S.n_posts_out;
            fprintf(stderr, "chorus-synth: %llu posts\n", (unsigned long long)S.n_posts_out);
        }
    }
    free(heap);
    free(arng);
}
