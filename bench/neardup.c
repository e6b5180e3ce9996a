/*
 * bench/neardup.c — near-duplicate narratives: speed, memory and quality.
 *
 * usage: bench_neardup [speed] [--posts N,N,...] [--repeat R]  speed on generated posts
 *                                                             (default 100000,1000000)
 *        bench_neardup quality                                tables: per kind, campaigns,
 *                                                             S-curve, recall curve
 *        bench_neardup sweep                                  quality over shingle x threshold
 *        bench_neardup FILE... [--format F]                   speed on real files
 *   options for every mode: --shingle N --threshold T --hashes K --rows R --leaders L
 *                           --disjoint (no column bands) --sketch-only (no exact checks)
 *
 * Speed: each measurement runs in its own child process so peak RSS is its own; a child
 * repeats the run R times (default 3) and keeps the fastest. Posts/s per core come from the
 * process CPU time of one-thread runs, so other load on the machine does not count; the
 * two-thread run reports wall time. The baseline is ch_normalize alone over the same texts,
 * in the same run. Several sizes show whether the time per post grows with the dataset.
 *
 * Quality: a self-contained generator of English-like text (a Zipf vocabulary of stop words
 * and pseudo-words, with topics) and Chinese-like text (Zipf over 3,500 Han characters) makes
 * pairs of (text, variant) for each kind of edit and evasion, and hard-negative pairs. All
 * pairs of a table go into one corpus; a pair is found when both posts get the same narrative.
 * The campaign table posts templates many times with random edits and noise. The recall curve
 * bins random-edit pairs by their exact Jaccard (ch_neardup_jaccard) beside P(candidate).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "chorus.h"
#include "core/post.h"
#include "detect/neardup/neardup.h"
#include "ingest/ingest.h"
#include "text/normalize.h"

/* ---- random numbers ----------------------------------------------------------------------- */

typedef struct rng { uint64_t s; } rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static double runi(rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; }
static unsigned rint_(rng *r, unsigned n) { return (unsigned)((rnext(r) >> 32) * n >> 32); }
static unsigned rrange(rng *r, unsigned a, unsigned b) { return a + rint_(r, b - a + 1); }

/* ---- vocabularies ------------------------------------------------------------------------- */

#define NVOC 30000
#define NZH 3500
#define NTOPIC 40
#define TOPIC_WORDS 150

static char *voc[NVOC];
static double voc_cdf[NVOC], zh_cdf[NZH];
static uint32_t topic[NTOPIC][TOPIC_WORDS];

static const char *const stop[] = {
    "the", "to", "of", "and", "a", "in", "is", "it", "you", "that", "for", "on", "this", "we",
    "they", "be", "are", "with", "not", "have", "i", "but", "was", "at", "so", "from", "all",
    "our", "their", "by", "what", "will", "just", "no", "who", "do", "about", "more", "people",
    "can", "china", "canada", "media", "now", "government", "why", "never", "only", "must"};

static void zipf_cdf(double *cdf, unsigned n, double s)
{
    double sum = 0;
    for (unsigned i = 0; i < n; i++)
        cdf[i] = (sum += 1.0 / pow(i + 1.0, s));
    for (unsigned i = 0; i < n; i++)
        cdf[i] /= sum;
}

static unsigned zipf(rng *r, const double *cdf, unsigned n)
{
    double u = runi(r);
    unsigned lo = 0, hi = n - 1;
    while (lo < hi) {
        unsigned m = (lo + hi) / 2;
        if (cdf[m] < u)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

static void vocab_init(void)
{
    static const char *const syl[] = {
        "ka", "ro", "mi", "ten", "sa", "lo", "ver", "pa", "di", "ne", "stra", "qui", "bel", "mon",
        "ta", "re", "gu", "fo", "li", "an", "pe", "dor", "si", "ma", "cha", "no", "vi", "tur",
        "el", "ba", "ko", "ris", "den", "ul", "ga", "po", "wen", "hi", "tra", "su"};
    const unsigned ns = sizeof syl / sizeof *syl, nst = sizeof stop / sizeof *stop;
    rng r = {12345};
    for (unsigned i = 0; i < NVOC; i++) {
        char w[64] = "";
        if (i < nst) {
            snprintf(w, sizeof w, "%s", stop[i]);
        } else {
            unsigned k = rrange(&r, 1, 4);
            for (unsigned j = 0; j < k; j++)
                strcat(w, syl[rint_(&r, ns)]);
        }
        voc[i] = strdup(w);
    }
    zipf_cdf(voc_cdf, NVOC, 1.0);
    zipf_cdf(zh_cdf, NZH, 1.0);
    for (unsigned t = 0; t < NTOPIC; t++)
        for (unsigned j = 0; j < TOPIC_WORDS; j++)
            topic[t][j] = 100 + rint_(&r, 4900);
}

/* ---- texts --------------------------------------------------------------------------------- */

#define MAXW 160

typedef struct text {
    bool zh;
    unsigned n;
    uint32_t w[MAXW];       /* word ranks, or Han character ranks */
} text;

static uint32_t draw_word(rng *r, int tp, double topic_share)
{
    if (tp >= 0 && runi(r) < topic_share)
        return topic[tp][zipf(r, voc_cdf, TOPIC_WORDS)];
    return zipf(r, voc_cdf, NVOC);
}

static uint32_t draw_zh(rng *r) { return zipf(r, zh_cdf, NZH); }

static void gen_text(rng *r, text *t, bool zh, unsigned n, int tp, double topic_share)
{
    t->zh = zh;
    t->n = n > MAXW ? MAXW : n;
    for (unsigned i = 0; i < t->n; i++)
        t->w[i] = zh ? draw_zh(r) : draw_word(r, tp, topic_share);
}

static size_t put(char *b, size_t cap, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (n + l + 1 < cap) {
        memcpy(b + n, s, l);
        n += l;
        b[n] = 0;
    }
    return n;
}

static size_t put_cp(char *b, size_t cap, size_t n, uint32_t c)
{
    char u[5] = {0};
    if (c < 0x80) {
        u[0] = (char)c;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | c >> 6);
        u[1] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | c >> 12);
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
    } else {
        u[0] = (char)(0xF0 | c >> 18);
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
    }
    return put(b, cap, n, u);
}

/* Surface noise: none of it should change the normalized tokens except hashtags added. */
enum {
    N_CASE = 1 << 0,      /* random capitals / shouting */
    N_PUNCT = 1 << 1,     /* extra punctuation */
    N_EMOJI = 1 << 2,     /* emoji inside and after */
    N_TAGS = 1 << 3,      /* 1-3 hashtags appended (new words) */
    N_HASHIFY = 1 << 4,   /* existing words written as #hashtags */
    N_URL = 1 << 5,       /* a (different) link appended */
    N_MENTION = 1 << 6,   /* @mention in front */
    N_HOMO = 1 << 7,      /* Cyrillic look-alikes and zero-width spaces inside words */
    N_FULLW = 1 << 8      /* full-width letters */
};

static const char *const emoji[] = {"🔥", "👇", "🇨🇳", "😡", "💯", "‼️", "🙏", "👍🏽"};

static size_t put_word(char *b, size_t cap, size_t n, const char *w, unsigned noise, rng *r)
{
    bool shout = (noise & N_CASE) && rint_(r, 3) == 0;
    for (const char *p = w; *p; p++) {
        unsigned c = (unsigned char)*p;
        if ((noise & N_HOMO) && rint_(r, 4) == 0) {
            static const char lat[] = "aeopcx";
            static const uint32_t cyr[] = {0x430, 0x435, 0x43E, 0x440, 0x441, 0x445};
            const char *q = strchr(lat, (int)c);
            if (q && c) {
                n = put_cp(b, cap, n, cyr[q - lat]);
                continue;
            }
            if (rint_(r, 3) == 0)
                n = put_cp(b, cap, n, 0x200B);
        }
        if (shout && c >= 'a' && c <= 'z')
            c -= 32;
        if ((noise & N_FULLW) && c >= 'a' && c <= 'z' && rint_(r, 2) == 0)
            n = put_cp(b, cap, n, 0xFF41 + (c - 'a'));
        else
            n = put_cp(b, cap, n, c);
    }
    return n;
}

static size_t render(const text *t, unsigned noise, rng *r, char *b, size_t cap)
{
    size_t n = 0;
    b[0] = 0;
    if (noise & N_MENTION)
        n = put(b, cap, n, rint_(r, 2) ? "@embassy_ca " : "@user12345 ");
    for (unsigned i = 0; i < t->n; i++) {
        if (t->zh) {
            n = put_cp(b, cap, n, 0x4E00 + (t->w[i] * 7919) % 20000);
            if ((noise & N_PUNCT) && rint_(r, 6) == 0)
                n = put(b, cap, n, rint_(r, 2) ? "，" : "！");
            if ((noise & N_EMOJI) && rint_(r, 10) == 0)
                n = put(b, cap, n, emoji[rint_(r, 8)]);
            continue;
        }
        if (i)
            n = put(b, cap, n, (noise & N_PUNCT) && rint_(r, 5) == 0 ? ", " : " ");
        if ((noise & N_HASHIFY) && rint_(r, 5) == 0)
            n = put(b, cap, n, "#");
        if ((noise & N_EMOJI) && rint_(r, 8) == 0)
            n = put(b, cap, n, emoji[rint_(r, 8)]);
        n = put_word(b, cap, n, voc[t->w[i]], noise, r);
    }
    n = put(b, cap, n, t->zh ? "。" : ((noise & N_PUNCT) ? "!!!" : "."));
    if (noise & N_EMOJI)
        n = put(b, cap, n, emoji[rint_(r, 8)]);
    if (noise & N_TAGS) {
        unsigned k = rrange(r, 1, 3);
        for (unsigned i = 0; i < k; i++) {
            n = put(b, cap, n, " #");
            if (t->zh) {
                for (unsigned j = 0; j < 3; j++)
                    n = put_cp(b, cap, n, 0x4E00 + (draw_zh(r) * 7919) % 20000);
                n = put(b, cap, n, "#");
            } else {
                n = put(b, cap, n, voc[200 + rint_(r, 5000)]);
            }
        }
    }
    if (noise & N_URL) {
        char u[64];
        snprintf(u, sizeof u, " https://t.co/%08llx", (unsigned long long)rnext(r));
        n = put(b, cap, n, u);
    }
    return n;
}

/* ---- edits -------------------------------------------------------------------------------- */

static uint32_t draw_like(rng *r, const text *t) { return t->zh ? draw_zh(r) : draw_word(r, -1, 0); }

/* Replaces k distinct words (or characters) by different ones. */
static void substitute(rng *r, text *t, unsigned k)
{
    bool done[MAXW] = {false};
    if (k > t->n)
        k = t->n;
    for (unsigned i = 0; i < k; i++) {
        unsigned at = rint_(r, t->n);
        while (done[at])
            at = (at + 1) % t->n;
        done[at] = true;
        uint32_t w;
        do
            w = draw_like(r, t);
        while (w == t->w[at]);
        t->w[at] = w;
    }
}

static void insert(rng *r, text *t, unsigned k)
{
    for (unsigned i = 0; i < k && t->n < MAXW; i++) {
        unsigned at = rint_(r, t->n + 1);
        memmove(t->w + at + 1, t->w + at, (t->n - at) * sizeof *t->w);
        t->w[at] = draw_like(r, t);
        t->n++;
    }
}

static void delete_(rng *r, text *t, unsigned k)
{
    for (unsigned i = 0; i < k && t->n > 1; i++) {
        unsigned at = rint_(r, t->n);
        memmove(t->w + at, t->w + at + 1, (t->n - at - 1) * sizeof *t->w);
        t->n--;
    }
}

static void insert_phrase(rng *r, text *t, const uint32_t *ph, unsigned m)
{
    if (t->n + m > MAXW)
        return;
    unsigned at = rint_(r, t->n + 1);
    memmove(t->w + at + m, t->w + at, (t->n - at) * sizeof *t->w);
    memcpy(t->w + at, ph, m * sizeof *ph);
    t->n += m;
}

/* ---- quality tables ------------------------------------------------------------------------- */

typedef struct kind {
    const char *name;
    bool zh;
    bool positive;
    unsigned noise;          /* surface noise on the variant */
    int edit;                /* see make_pair */
} qkind;

enum { E_NONE, E_SWAP1, E_SWAP2, E_INS1, E_DEL1, E_TRUNC, E_APPEND, E_REORDER, E_TOPIC, E_STOCK,
       E_RANDOM };

static const qkind kinds[] = {
    {"case + punctuation", false, true, N_CASE | N_PUNCT, E_NONE},
    {"emoji", false, true, N_EMOJI, E_NONE},
    {"hashtags added", false, true, N_TAGS, E_NONE},
    {"words as #hashtags", false, true, N_HASHIFY, E_NONE},
    {"URL + @mention", false, true, N_URL | N_MENTION, E_NONE},
    {"homoglyphs + zero-width", false, true, N_HOMO, E_NONE},
    {"full-width letters", false, true, N_FULLW, E_NONE},
    {"one word swapped", false, true, 0, E_SWAP1},
    {"two words swapped", false, true, 0, E_SWAP2},
    {"one word inserted", false, true, 0, E_INS1},
    {"one word deleted", false, true, 0, E_DEL1},
    {"truncated (~15%)", false, true, 0, E_TRUNC},
    {"short sentence appended", false, true, 0, E_APPEND},
    {"all evasions + 1 swap", false, true, N_CASE | N_PUNCT | N_EMOJI | N_TAGS | N_URL |
                                               N_MENTION | N_HOMO, E_SWAP1},
    {"zh punctuation + emoji", true, true, N_PUNCT | N_EMOJI, E_NONE},
    {"zh hashtags + URL", true, true, N_TAGS | N_URL | N_MENTION, E_NONE},
    {"zh one char swapped", true, true, 0, E_SWAP1},
    {"zh two chars swapped", true, true, 0, E_SWAP2},
    {"zh truncated (~15%)", true, true, 0, E_TRUNC},
    {"NEG same topic", false, false, 0, E_TOPIC},
    {"NEG shared stock phrase", false, false, 0, E_STOCK},
    {"NEG clauses reordered", false, false, 0, E_REORDER},
    {"NEG zh same topic", true, false, 0, E_TOPIC},
};
#define NKINDS (sizeof kinds / sizeof *kinds)

static const unsigned len_lo[3] = {5, 10, 21}, len_hi[3] = {9, 20, 45};
static const char *const len_name[3] = {"short", "medium", "long"};

/* Makes a (base, variant) pair of kind k with base length class lc. */
static void make_pair(rng *r, const qkind *k, int lc, text *a, text *b)
{
    unsigned n = rrange(r, len_lo[lc], len_hi[lc]);
    if (k->zh)
        n *= 2;   /* a word's worth of content is about two Han characters */
    int tp = (int)rint_(r, NTOPIC);
    gen_text(r, a, k->zh, n, k->edit == E_TOPIC ? tp : -1, 0.6);
    *b = *a;
    switch (k->edit) {
    case E_SWAP1: substitute(r, b, 1); break;
    case E_SWAP2: substitute(r, b, 2); break;
    case E_INS1: insert(r, b, 1); break;
    case E_DEL1: delete_(r, b, 1); break;
    case E_TRUNC: b->n -= b->n * 15 / 100 ? b->n * 15 / 100 : 1; break;
    case E_APPEND: {
        unsigned m = rrange(r, 3, 5);
        for (unsigned i = 0; i < m && b->n < MAXW; i++)
            b->w[b->n++] = draw_like(r, b);
        break;
    }
    case E_TOPIC: gen_text(r, b, k->zh, n, tp, 0.6); break;
    case E_STOCK: {   /* different texts that each also carry one 3-word stock phrase */
        gen_text(r, b, k->zh, n, -1, 0);
        static const uint32_t phrase[3] = {40, 43, 12};
        insert_phrase(r, a, phrase, 3);
        insert_phrase(r, b, phrase, 3);
        break;
    }
    case E_REORDER: {   /* the two halves swapped: same words, different order at one point */
        unsigned h = b->n / 2;
        for (unsigned i = 0; i < b->n; i++)
            b->w[i] = a->w[(i + h) % a->n];
        /* and a third of the words replaced: a rewrite, not a copy */
        substitute(r, b, b->n / 3);
        break;
    }
    default: break;
    }
}

static chorus_corpus *corpus_new(void)
{
    chorus_corpus *c;
    uint32_t f;
    if (chorus_corpus_new(&c) || ch_corpus_add_file(c, "gen", &f)) {
        fprintf(stderr, "bench_neardup: out of memory\n");
        exit(1);
    }
    return c;
}

static void add_post(chorus_corpus *c, uint64_t id, uint32_t acct, int64_t t, const char *txt,
                     size_t n, ch_kind kind)
{
    static ch_rawpost rp;
    char ids[32], acs[32];
    ch_rawpost_clear(&rp);
    int li = snprintf(ids, sizeof ids, "%llu", (unsigned long long)id);
    int la = snprintf(acs, sizeof acs, "u%u", acct);
    rp.id = (ch_slice){ids, (size_t)li};
    rp.author_id = (ch_slice){acs, (size_t)la};
    rp.created_at = t;
    rp.text = (ch_slice){txt, n};
    rp.kind = kind;
    bool kept;
    ch_reason why;
    if (ch_corpus_add(c, &rp, 0, &kept, &why)) {
        fprintf(stderr, "bench_neardup: corpus add failed\n");
        exit(1);
    }
}

/* Fraction of post pairs in narratives that belong to the same planted pair (post 2i, 2i+1). */
static double pair_precision(const ch_neardup_result *res, uint64_t *placed)
{
    /* with pairs as the unit: a narrative of s posts holds s(s-1)/2 pairs; the true ones are the
     * planted pairs whose two posts are both in it */
    double total = 0, good = 0;
    for (size_t i = 0; i < res->n_narratives; i++) {
        double s = res->narratives[i].size;
        total += s * (s - 1) / 2;
    }
    for (size_t i = 0; i + 1 < res->n_posts; i += 2) {
        uint32_t x = res->narrative_of_post[i], y = res->narrative_of_post[i + 1];
        if (x != CH_NONE && x == y)
            good++;
    }
    *placed = (uint64_t)total;
    return total > 0 ? good / total : 1.0;
}

#define PAIRS 2000

static void quality_tables(const ch_neardup_opts *o, bool print, double *pos_recall,
                           double *neg_rate)
{
    char ba[8192], bb[8192];
    text a, b;
    double pos_found = 0, pos_n = 0, neg_found = 0, neg_n = 0;
    if (print) {
        printf("\n%-26s %8s %8s %8s   (%d pairs per cell; NEG rows: fraction wrongly linked)\n",
               "kind", len_name[0], len_name[1], len_name[2], PAIRS);
    }
    for (size_t k = 0; k < NKINDS; k++) {
        if (print)
            printf("%-26s", kinds[k].name);
        for (int lc = 0; lc < 3; lc++) {
            rng r = {1000 + k * 10 + (uint64_t)lc};
            chorus_corpus *c = corpus_new();
            for (unsigned p = 0; p < PAIRS; p++) {
                make_pair(&r, &kinds[k], lc, &a, &b);
                size_t na = render(&a, 0, &r, ba, sizeof ba);
                size_t nb = render(&b, kinds[k].noise, &r, bb, sizeof bb);
                add_post(c, 2 * p, 2 * p, 1000 + p, ba, na, CH_KIND_POST);
                add_post(c, 2 * p + 1, 2 * p + 1, 1000 + p, bb, nb, CH_KIND_POST);
            }
            ch_neardup_result *res;
            if (ch_neardup_run(c, o, &res)) {
                fprintf(stderr, "bench_neardup: neardup failed\n");
                exit(1);
            }
            unsigned found = 0;
            for (unsigned p = 0; p < PAIRS; p++) {
                uint32_t x = res->narrative_of_post[2 * p], y = res->narrative_of_post[2 * p + 1];
                found += x != CH_NONE && x == y;
            }
            double f = (double)found / PAIRS;
            if (kinds[k].positive) {
                pos_found += found;
                pos_n += PAIRS;
            } else {
                neg_found += found;
                neg_n += PAIRS;
            }
            if (print)
                printf(" %8.3f", f);
            ch_neardup_result_free(res);
            chorus_corpus_free(c);
        }
        if (print)
            printf("\n");
    }
    *pos_recall = pos_found / pos_n;
    *neg_rate = neg_found / neg_n;
    if (print)
        printf("%-26s %8.3f overall recall on positive kinds; %.4f of negative pairs linked\n",
               "", *pos_recall, *neg_rate);
}

/* P(candidate | s): some band agrees on all its bins, each bin agreeing independently with
 * probability s. Row bands alone: 1 - (1 - s^r)^b. Crossed layout: within a block of r x r
 * bins, P(no row and no column all agree) by enumerating the 2^(r*r) agreement patterns. */
static double p_block_none(double s, unsigned r)
{
    unsigned n = r * r;
    double p = 0;
    for (uint32_t m = 0; m < (1u << n); m++) {
        bool hit = false;
        for (unsigned i = 0; i < r && !hit; i++) {
            uint32_t row = ((1u << r) - 1) << (i * r), col = 0;
            for (unsigned j = 0; j < r; j++)
                col |= 1u << (j * r + i);
            hit = (m & row) == row || (m & col) == col;
        }
        if (!hit) {
            unsigned ones = (unsigned)__builtin_popcount(m);
            p += pow(s, ones) * pow(1 - s, n - ones);
        }
    }
    return p;
}

static double scurve_o(double s, const ch_neardup_opts *o)
{
    unsigned r = o->rows, k = o->hashes;
    if (!o->crossed || r > 4)
        return 1 - pow(1 - pow(s, r), k / r);
    unsigned blocks = k / (r * r), rest = (k - blocks * r * r) / r;
    return 1 - pow(p_block_none(s, r), blocks) * pow(1 - pow(s, r), rest);
}

static unsigned n_bands(const ch_neardup_opts *o)
{
    unsigned r = o->rows, k = o->hashes;
    return k / r + (o->crossed ? k / (r * r) * r : 0);
}

/* Recall curve: random-edit pairs binned by exact Jaccard; all in one corpus, so precision
 * also counts links between unrelated pairs. */
static void recall_curve(const ch_neardup_opts *o)
{
    enum { NB = 20, PER = 60000 };
    double n[NB] = {0}, found[NB] = {0};
    char ba[8192], bb[8192];
    text a, b;
    rng r = {777};
    chorus_corpus *c = corpus_new();
    ch_neardup_sketcher *sk;
    if (ch_neardup_sketcher_new(o, &sk))
        exit(1);
    double *jac = malloc(PER * sizeof *jac);
    for (unsigned p = 0; p < PER; p++) {
        bool zh = rint_(&r, 5) == 0;
        unsigned len = rrange(&r, 5, 45) * (zh ? 2 : 1);
        gen_text(&r, &a, zh, len, -1, 0);
        b = a;
        /* edits: 0..len/2 operations of random kinds, so the Jaccard spreads over [0, 1] */
        unsigned ops = rint_(&r, len / 2 + 1);
        for (unsigned i = 0; i < ops; i++) {
            unsigned e = rint_(&r, 3);
            if (e == 0)
                substitute(&r, &b, 1);
            else if (e == 1)
                insert(&r, &b, 1);
            else if (b.n > len_lo[0] * (zh ? 2u : 1u))   /* both stay long enough to qualify */
                delete_(&r, &b, 1);
        }
        size_t na = render(&a, 0, &r, ba, sizeof ba);
        size_t nb = render(&b, N_CASE | N_PUNCT, &r, bb, sizeof bb);
        if (ch_neardup_jaccard(sk, ba, na, bb, nb, &jac[p]))
            exit(1);
        add_post(c, 2 * p, 2 * p, 1000 + p, ba, na, CH_KIND_POST);
        add_post(c, 2 * p + 1, 2 * p + 1, 1000 + p, bb, nb, CH_KIND_POST);
    }
    ch_neardup_result *res;
    if (ch_neardup_run(c, o, &res))
        exit(1);
    double tp = 0, fn = 0;
    for (unsigned p = 0; p < PER; p++) {
        int bin = (int)(jac[p] * NB);
        if (bin >= NB)
            bin = NB - 1;
        uint32_t x = res->narrative_of_post[2 * p], y = res->narrative_of_post[2 * p + 1];
        bool f = x != CH_NONE && x == y;
        n[bin]++;
        found[bin] += f;
        if (jac[p] >= o->threshold)
            f ? tp++ : fn++;
    }
    uint64_t placed;
    double prec_pairs = pair_precision(res, &placed);
    /* precision in the Jaccard sense: linked pairs whose exact Jaccard is >= threshold */
    double linked = 0, linked_ok = 0;
    for (unsigned p = 0; p < PER; p++) {
        uint32_t x = res->narrative_of_post[2 * p], y = res->narrative_of_post[2 * p + 1];
        if (x != CH_NONE && x == y) {
            linked++;
            linked_ok += jac[p] >= o->threshold;
        }
    }
    unsigned bands = n_bands(o);
    printf("\nrecall curve: %d random-edit pairs (80%% English 5-45 words, 20%% Chinese 10-90 "
           "chars, both posts long enough to qualify), %u hashes, %u bands x %u rows, threshold %.2f, shingle %u\n",
           PER, o->hashes, bands, o->rows, o->threshold, o->shingle);
    printf("%-12s %7s %14s %12s\n", "Jaccard", "pairs", "P(candidate)", "linked");
    for (int i = 0; i < NB; i++) {
        if (n[i] == 0)
            continue;
        double mid = (i + 0.5) / NB;
        printf("[%.2f,%.2f) %7.0f %14.3f %12.3f\n", (double)i / NB, (double)(i + 1) / NB, n[i],
               scurve_o(mid, o), found[i] / n[i]);
    }
    printf("recall at Jaccard >= %.2f: %.4f; precision (linked pairs with Jaccard >= %.2f): "
           "%.4f (%.0f of %.0f below); post pairs in narratives from one planted pair: %.4f "
           "(%llu pairs)\n",
           o->threshold, tp / (tp + fn), o->threshold, linked_ok / linked, linked - linked_ok,
           linked, prec_pairs, (unsigned long long)placed);
    ch_neardup_result_free(res);
    chorus_corpus_free(c);
    ch_neardup_sketcher_free(sk);
    free(jac);
}

/* Campaign-level recall: templates each posted `copies` times, every copy with 0-2 word
 * edits and random surface noise (as a template-driven network posts them). A template's
 * recall is the share of its copies in its largest narrative; purity is the share of a
 * narrative's posts that come from its majority template. */
static void campaign_table(const ch_neardup_opts *o)
{
    enum { TPL = 300, COPIES = 20 };
    char buf[8192];
    text t, v;
    printf("\ncampaigns: %d templates x %d copies, each copy with 0-2 word edits (swap, insert, "
           "delete) and random evasion noise\n", TPL, COPIES);
    printf("%-10s %8s %8s %8s %8s\n", "length", "en rec", "en pur", "zh rec", "zh pur");
    for (int lc = 0; lc < 3; lc++) {
        printf("%-10s", len_name[lc]);
        for (int zh = 0; zh < 2; zh++) {
            rng r = {4242 + (uint64_t)lc * 2 + (uint64_t)zh};
            chorus_corpus *c = corpus_new();
            for (unsigned p = 0; p < TPL; p++) {
                gen_text(&r, &t, zh, rrange(&r, len_lo[lc], len_hi[lc]) * (zh ? 2 : 1), -1, 0);
                for (unsigned q = 0; q < COPIES; q++) {
                    v = t;
                    unsigned ed = rint_(&r, 3);
                    for (unsigned e = 0; e < ed; e++) {
                        unsigned what = rint_(&r, 3);
                        if (what == 0)
                            substitute(&r, &v, 1);
                        else if (what == 1)
                            insert(&r, &v, 1);
                        else if (v.n > len_lo[0] * (zh ? 2u : 1u))
                            delete_(&r, &v, 1);
                    }
                    unsigned noise = (unsigned)rnext(&r) & (N_CASE | N_PUNCT | N_EMOJI | N_TAGS |
                                                            N_URL | N_MENTION | N_HOMO);
                    size_t n = render(&v, noise, &r, buf, sizeof buf);
                    add_post(c, (uint64_t)p * COPIES + q, p * COPIES + q, 1000 + p * COPIES + q,
                             buf, n, CH_KIND_POST);
                }
            }
            ch_neardup_result *res;
            if (ch_neardup_run(c, o, &res))
                exit(1);
            /* recall: per template, the largest group of its copies sharing a narrative */
            double rec = 0;
            for (unsigned p = 0; p < TPL; p++) {
                unsigned best = 0;
                for (unsigned q = 0; q < COPIES; q++) {
                    uint32_t id = res->narrative_of_post[p * COPIES + q];
                    unsigned cnt = 0;
                    if (id == CH_NONE)
                        continue;
                    for (unsigned q2 = 0; q2 < COPIES; q2++)
                        cnt += res->narrative_of_post[p * COPIES + q2] == id;
                    best = cnt > best ? cnt : best;
                }
                rec += (double)best / COPIES;
            }
            /* purity: narratives hold posts of one template? count posts whose template is not
             * the template of the narrative's first post */
            double in = 0, pure = 0;
            for (size_t i = 0; i < res->n_posts; i++) {
                uint32_t id = res->narrative_of_post[i];
                if (id == CH_NONE)
                    continue;
                in++;
                pure += i / COPIES == res->narratives[id].first_post / COPIES;
            }
            printf(" %8.3f %8.3f", rec / TPL, in > 0 ? pure / in : 1.0);
            ch_neardup_result_free(res);
            chorus_corpus_free(c);
        }
        printf("\n");
    }
}

static void print_scurve(const ch_neardup_opts *o)
{
    printf("P(candidate | s), %u hashes, rows %u: %u bands (%s); beside it %u and %u independent "
           "bands, 1 - (1 - s^%u)^b\n", o->hashes, o->rows, n_bands(o),
           o->crossed ? "crossed" : "disjoint", o->hashes / o->rows, 2 * o->hashes / o->rows,
           o->rows);
    for (int i = 1; i <= 19; i++) {
        double s = i / 20.0;
        printf("  s=%.2f %.4f   %.4f   %.4f\n", s, scurve_o(s, o),
               1 - pow(1 - pow(s, o->rows), o->hashes / o->rows),
               1 - pow(1 - pow(s, o->rows), 2 * o->hashes / o->rows));
    }
}

/* ---- speed corpus ------------------------------------------------------------------------- */

/* A mix shaped like a campaign-heavy dump: 55% organic English, 10% organic Chinese, 20%
 * template variants (Zipf popularity, so one template is posted thousands of times), 10%
 * reposts, 5% very short posts. */
static chorus_corpus *gen_corpus(size_t n, uint64_t seed, double *bytes)
{
    chorus_corpus *c = corpus_new();
    rng r = {seed};
    size_t ntpl = n / 500 + 1;
    text *tpl = malloc(ntpl * sizeof *tpl);
    double *tcdf = malloc(ntpl * sizeof *tcdf);
    zipf_cdf(tcdf, (unsigned)ntpl, 1.0);
    for (size_t i = 0; i < ntpl; i++)
        gen_text(&r, &tpl[i], rint_(&r, 5) == 0, rrange(&r, 8, 35), (int)rint_(&r, NTOPIC), 0.5);
    for (size_t i = 0; i < ntpl; i++)
        if (tpl[i].zh)
            tpl[i].n = tpl[i].n * 2 > MAXW ? MAXW : tpl[i].n * 2;
    char buf[8192], rt[8300];
    text t;
    uint32_t nacct = (uint32_t)(n / 10 + 1);
    double by = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned u = rint_(&r, 100);
        uint32_t acct = rint_(&r, nacct);
        int64_t time = 1600000000 + (int64_t)i * 3;
        size_t len;
        ch_kind kind = CH_KIND_POST;
        if (u < 55) {
            gen_text(&r, &t, false, rrange(&r, 5, 40), (int)rint_(&r, NTOPIC), 0.3);
            len = render(&t, rint_(&r, 4) == 0 ? N_TAGS | N_EMOJI : N_PUNCT, &r, buf, sizeof buf);
        } else if (u < 65) {
            gen_text(&r, &t, true, rrange(&r, 10, 80), -1, 0);
            len = render(&t, N_PUNCT, &r, buf, sizeof buf);
        } else if (u < 85) {
            t = tpl[zipf(&r, tcdf, (unsigned)ntpl)];
            if (rint_(&r, 2))
                substitute(&r, &t, 1);
            unsigned noise = (unsigned)rnext(&r) & (N_CASE | N_PUNCT | N_EMOJI | N_TAGS | N_URL |
                                                    N_MENTION | N_HOMO);
            len = render(&t, noise, &r, buf, sizeof buf);
        } else if (u < 95 && i > 0) {
            gen_text(&r, &t, false, rrange(&r, 5, 30), -1, 0);
            size_t l = render(&t, 0, &r, buf, sizeof buf);
            len = (size_t)snprintf(rt, sizeof rt, "RT @someone: %.*s", (int)l, buf);
            memcpy(buf, rt, len + 1 < sizeof buf ? len + 1 : sizeof buf);
            len = len < sizeof buf ? len : sizeof buf - 1;
            kind = CH_KIND_REPOST;
        } else {
            gen_text(&r, &t, false, rrange(&r, 1, 4), -1, 0);
            len = render(&t, N_EMOJI, &r, buf, sizeof buf);
        }
        by += (double)len;
        add_post(c, i + 1, acct, time, buf, len, kind);
    }
    free(tpl);
    free(tcdf);
    *bytes = by;
    return c;
}

typedef struct job {
    size_t n;
    int threads;
    char **files;
    int nfiles;
    const ch_reader *reader;
    bool verbose;
    int repeat;              /* runs per measurement in one child; the fastest counts */
    ch_neardup_opts opts;
} job;

static chorus_corpus *job_corpus(const job *j, double *bytes)
{
    if (!j->nfiles)
        return gen_corpus(j->n, 42, bytes);
    chorus_corpus *c = corpus_new();
    ch_ingest_opts io = {.reader = j->reader};
    for (int i = 0; i < j->nfiles; i++)
        if (ch_ingest_file(c, j->files[i], &io, NULL)) {
            fprintf(stderr, "bench_neardup: cannot read %s\n", j->files[i]);
            exit(1);
        }
    double by = 0;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++)
        by += ch_corpus_post(c, i)->text_len;
    *bytes = by;
    return c;
}

/* One measurement: wall and CPU time of the fastest of j->repeat runs (CPU time of the whole
 * process, so with one thread it is the per-core cost, unaffected by other load). */
typedef struct meas {
    double wall, cpu, items, bytes;
    long peak_kb;
    int ok;
} meas;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static meas in_child(void (*fn)(job *, meas *), job *j)
{
    meas m;
    memset(&m, 0, sizeof m);
    int fds[2];
    if (pipe(fds) != 0)
        return m;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        fn(j, &m);
        m.peak_kb = bench_peak_rss_kb();
        fflush(stdout);
        ssize_t w = write(fds[1], &m, sizeof m);
        _exit(w == (ssize_t)sizeof m ? 0 : 1);
    }
    close(fds[1]);
    if (pid > 0) {
        if (read(fds[0], &m, sizeof m) != (ssize_t)sizeof m)
            memset(&m, 0, sizeof m);
        int st;
        waitpid(pid, &st, 0);
    }
    close(fds[0]);
    return m;
}

static void run_normalize(job *j, meas *m)
{
    double bytes;
    chorus_corpus *c = job_corpus(j, &bytes);
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    double sum = 0;
    m->wall = m->cpu = 1e300;
    for (int rep = 0; rep < j->repeat; rep++) {
        double t0 = bench_now(), c0 = cpu_now();
        for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
            const ch_post *p = ch_corpus_post(c, i);
            if (ch_normalize(p->text, p->text_len, 0, &nb) == 0)
                sum += (double)nb.len;
        }
        double t = bench_now() - t0, u = cpu_now() - c0;
        m->wall = t < m->wall ? t : m->wall;
        m->cpu = u < m->cpu ? u : m->cpu;
    }
    m->bytes = bytes;
    m->items = (double)ch_corpus_nposts(c);
    m->ok = sum > 0;
    ch_normbuf_free(&nb);
    chorus_corpus_free(c);
}

static void run_neardup(job *j, meas *m)
{
    double bytes;
    chorus_corpus *c = job_corpus(j, &bytes);
    ch_neardup_opts o = j->opts;
    o.threads = j->threads;
    ch_neardup_result *res = NULL;
    int rc = 0;
    m->wall = m->cpu = 1e300;
    for (int rep = 0; rep < j->repeat && rc == 0; rep++) {
        ch_neardup_result_free(res);
        res = NULL;
        double t0 = bench_now(), c0 = cpu_now();
        rc = ch_neardup_run(c, &o, &res);
        double t = bench_now() - t0, u = cpu_now() - c0;
        m->wall = t < m->wall ? t : m->wall;
        m->cpu = u < m->cpu ? u : m->cpu;
    }
    m->bytes = bytes;
    m->items = (double)ch_corpus_nposts(c);
    m->ok = rc == 0;
    if (rc == 0 && j->verbose) {
        const ch_neardup_stats *s = &res->stats;
        uint32_t big = 0;
        for (size_t i = 0; i < res->n_narratives; i++)
            big = res->narratives[i].size > big ? res->narratives[i].size : big;
        printf("  %llu eligible, %llu reposts, %llu short; %zu narratives holding %llu posts "
               "(largest %u)\n  %llu comparisons (%llu exact), %llu links, %llu skipped, %llu "
               "unplaced, largest bucket %llu\n  last run: sketch %.2f s, bands %.2f s, "
               "finish %.2f s (wall)\n",
               (unsigned long long)s->eligible, (unsigned long long)s->reposts,
               (unsigned long long)s->short_texts, res->n_narratives,
               (unsigned long long)s->in_narratives, big, (unsigned long long)s->compared,
               (unsigned long long)s->exact, (unsigned long long)s->links,
               (unsigned long long)s->skipped, (unsigned long long)s->unplaced,
               (unsigned long long)s->max_bucket, s->seconds_sketch, s->seconds_band,
               s->seconds_finish);
    }
    if (rc == 0)
        ch_neardup_result_free(res);
    chorus_corpus_free(c);
}

static void run_corpus_only(job *j, meas *m)
{
    double bytes;
    chorus_corpus *c = job_corpus(j, &bytes);
    m->items = (double)ch_corpus_nposts(c);
    m->bytes = bytes;
    m->ok = 1;
    chorus_corpus_free(c);
}

static void print_meas(const char *what, const meas *m, const meas *base)
{
    printf("%-26s %7.2f s wall %7.2f s cpu %10.0f posts/s/core %7.1f MB/s %8.1f MB peak", what,
           m->wall, m->cpu, m->items / m->cpu, m->bytes / 1e6 / m->cpu, m->peak_kb / 1024.0);
    if (base)
        printf("  %.2fx baseline cpu", m->cpu / base->cpu);
    printf("\n");
}

static int speed(job *j, const size_t *sizes, int nsizes)
{
    double per_post[8] = {0};
    for (int s = 0; s < nsizes; s++) {
        j->n = sizes[s];
        if (j->nfiles) {
            printf("\nfiles:");
            for (int i = 0; i < j->nfiles; i++)
                printf(" %s", j->files[i]);
            printf("\n");
        } else {
            printf("\n%zu generated posts\n", j->n);
        }
        meas corp = in_child(run_corpus_only, j);
        printf("%-26s %.0f posts, %.1f MB of text, %.1f MB peak\n", "corpus only", corp.items,
               corp.bytes / 1e6, corp.peak_kb / 1024.0);
        meas base = in_child(run_normalize, j);
        print_meas("baseline: normalize", &base, NULL);
        j->threads = 1;
        j->verbose = true;
        meas one = in_child(run_neardup, j);
        if (!one.ok) {
            fprintf(stderr, "bench_neardup: neardup failed\n");
            return 1;
        }
        print_meas("neardup, 1 thread", &one, &base);
        printf("%-26s %.1f bytes/post of peak memory above the corpus\n", "",
               (double)(one.peak_kb - corp.peak_kb) * 1024.0 / one.items);
        j->threads = 2;
        j->verbose = false;
        meas two = in_child(run_neardup, j);
        printf("%-26s %7.2f s wall (%.0f posts/s)\n", "neardup, 2 threads", two.wall,
               two.items / two.wall);
        per_post[s] = one.cpu / one.items * 1e6;
    }
    if (nsizes >= 2 && !j->nfiles) {
        /* Linear growth: time per post stays flat as the dataset grows (what does rise, from
         * 100k to 1M, is cache misses once the sketches and sort records outgrow the cache). */
        printf("\ngrowth (cpu time per post, 1 thread):\n");
        for (int s = 0; s < nsizes; s++)
            printf("  %9zu posts  %.3f us/post  (%.2fx the time per post at %zu; %.1fx the "
                   "posts)\n", sizes[s], per_post[s], per_post[s] / per_post[0], sizes[0],
                   (double)sizes[s] / (double)sizes[0]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    vocab_init();
    ch_neardup_opts o;
    ch_neardup_opts_default(&o);
    job j = {.repeat = 3};
    size_t sizes[8] = {100000, 1000000};
    int nsizes = 2;
    const char *mode = "speed";
    char *files[64];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "speed") || !strcmp(a, "quality") || !strcmp(a, "sweep"))
            mode = a;
        else if (!strcmp(a, "--shingle") && more)
            o.shingle = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--threshold") && more)
            o.threshold = atof(argv[++i]);
        else if (!strcmp(a, "--hashes") && more)
            o.hashes = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--rows") && more)
            o.rows = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--disjoint"))
            o.crossed = false;
        else if (!strcmp(a, "--sketch-only"))
            o.sketch_only = true;
        else if (!strcmp(a, "--repeat") && more)
            j.repeat = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
        else if (!strcmp(a, "--leaders") && more)
            o.max_leaders = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--format") && more) {
            if (strcmp(argv[++i], "auto") && !(j.reader = ch_reader_find(argv[i]))) {
                fprintf(stderr, "bench_neardup: unknown format '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--posts") && more) {
            nsizes = 0;
            for (char *p = argv[++i]; *p && nsizes < 8;) {
                sizes[nsizes++] = strtoull(p, &p, 10);
                if (*p == ',')
                    p++;
                else
                    break;
            }
        } else if (a[0] != '-' && j.nfiles < 64) {
            files[j.nfiles++] = argv[i];
        } else {
            fprintf(stderr, "usage: bench_neardup [speed|quality|sweep] [--posts N,N,...] "
                            "[--repeat R] [--shingle N] [--threshold T] [--hashes K] [--rows R] "
                            "[--leaders L] [--disjoint] [--sketch-only] [--format F] "
                            "[FILE...]\n");
            return 2;
        }
    }
    j.files = files;
    j.opts = o;
    ch_neardup_sketcher *chk;
    if (ch_neardup_sketcher_new(&o, &chk)) {
        fprintf(stderr, "bench_neardup: option out of range (see src/detect/neardup/neardup.h)\n");
        return 2;
    }
    ch_neardup_sketcher_free(chk);
    if (!strcmp(mode, "quality")) {
        double rec, neg;
        printf("quality: shingle %u, threshold %.2f, %u hashes, %u bands x %u rows, %u leaders, "
               "%s\n", o.shingle, o.threshold, o.hashes, n_bands(&o), o.rows, o.max_leaders,
               o.sketch_only ? "sketch only" : "exact check in the gray zone");
        print_scurve(&o);
        quality_tables(&o, true, &rec, &neg);
        campaign_table(&o);
        recall_curve(&o);
        return 0;
    }
    if (!strcmp(mode, "sweep")) {
        printf("%-8s %-10s %-8s %14s %14s\n", "shingle", "threshold", "hashes", "recall(pos)",
               "linked(neg)");
        static const double th[] = {0.4, 0.5, 0.6, 0.7};
        for (unsigned sh = 1; sh <= 3; sh++)
            for (size_t t = 0; t < sizeof th / sizeof *th; t++) {
                ch_neardup_opts q = o;
                q.shingle = sh;
                q.threshold = th[t];
                double rec, neg;
                quality_tables(&q, false, &rec, &neg);
                printf("%-8u %-10.2f %-8u %14.3f %14.4f\n", sh, th[t], q.hashes, rec, neg);
                fflush(stdout);
            }
        return 0;
    }
    printf("neardup: shingle %u, threshold %.2f, %u hashes, %u bands x %u rows, %u leaders per "
           "bucket%s\n", o.shingle, o.threshold, o.hashes, n_bands(&o), o.rows, o.max_leaders,
           o.sketch_only ? ", sketch only" : "");
    if (j.nfiles)
        return speed(&j, sizes, 1);
    return speed(&j, sizes, nsizes);
}
