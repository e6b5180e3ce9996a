/*
 * neardup.c — near-duplicate narratives: per-post one-permutation MinHash sketches, LSH
 * banding with a bounded number of representatives per bucket, union-find, and the narrative
 * table (see neardup.h for the definitions, docs/neardup.md for the measurements).
 *
 * Phases of ch_neardup_run:
 *   1. in parallel over chunks of posts: eligibility (reposts, short texts) and the sketch of
 *      every eligible post, written to the post's own slot (no shared state);
 *   2. sequentially, per band: (band key, post) records of the eligible posts, LSD radix sort
 *      on the key (stable, so a bucket lists its posts in corpus order), then the leader rule
 *      on each bucket of two or more posts, merging in a union-find forest;
 *   3. components of two or more posts become narratives, numbered by (first time, first
 *      post); sizes, distinct accounts, time span and a representative.
 * Phase 2 depends on the union-find state it builds (a member already in a leader's component
 * is skipped), so it runs on one thread in a fixed order; phase 1 produces the same bytes on
 * any number of threads. Hence results do not depend on the thread count.
 */
#include "detect/neardup/neardup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "core/sort.h"
#include "core/spill.h"
#include "core/sys.h"
#include "core/hash.h"
#include "text/normalize.h"

#define CHUNK 1024              /* posts per sketching task */
#define MAX_SHINGLE 8
#define MAX_LEADERS 64
#define MAX_MIN_WORDS 1000
/* Spilled sketches: their pages leave the resident set after this many posts are read in a
 * band (4 MiB of sketches at 64 hashes), and every few chunks of sketching. */
#define RELEASE_POSTS 65536
#define RELEASE_RECORDS ((size_t)1 << 20)

/* Fixed seeds: sketches must be identical across runs, threads and machines. */
#define SEED_SHINGLE UINT64_C(0x6e656172647570a1)   /* "neardup" */
#define SEED_PERM UINT64_C(0x9d2c5680a5b3f1e7)

enum { ST_OK = 0, ST_REPOST, ST_SHORT, ST_LIKE };

void ch_neardup_opts_default(ch_neardup_opts *o)
{
    memset(o, 0, sizeof *o);
    o->shingle = 2;
    o->threshold = 0.5;
    o->min_words = 5;
    o->hashes = 64;
    o->rows = 4;
    o->max_leaders = 4;
    o->threads = 0;
    o->crossed = true;
}

static bool opts_valid(const ch_neardup_opts *o)
{
    return o->shingle >= 1 && o->shingle <= MAX_SHINGLE && o->threshold > 0.0 &&
           o->threshold <= 1.0 && o->min_words >= 1 && o->min_words <= MAX_MIN_WORDS &&
           o->hashes >= 16 && o->hashes <= CH_NEARDUP_MAX_HASHES && o->rows >= 2 &&
           o->rows <= 8 && o->rows <= o->hashes && o->max_leaders >= 1 &&
           o->max_leaders <= MAX_LEADERS;
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}


/* ---- reposts -------------------------------------------------------------------------------- */

static bool handle_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* "RT @handle" at the start of the text (after blanks), as coact reads old-style retweets. */
static bool rt_text(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return n - i >= 5 && (s[i] == 'R' || s[i] == 'r') && (s[i + 1] == 'T' || s[i + 1] == 't') &&
           s[i + 2] == ' ' && s[i + 3] == '@' && handle_char(s[i + 4]);
}

bool ch_neardup_is_repost(const ch_post *p)
{
    return p->kind == CH_KIND_REPOST ||
           (p->kind == CH_KIND_POST && p->text && rt_text(p->text, p->text_len));
}

/* ---- sketches --------------------------------------------------------------------------------- */

struct ch_neardup_sketcher {
    ch_normbuf nb;
    bool prenormalized;      /* inputs are already ch_normalize output (ch_corpus_norm) */
    unsigned k, n;
    /* perm[i*k .. i*k+k): the order in which an empty bin i borrows from other bins (optimal
     * densification): the same for every text, so two texts borrow from the same bin. */
    uint8_t *perm;
    uint64_t minx[CH_NEARDUP_MAX_HASHES];
    uint8_t filled[CH_NEARDUP_MAX_HASHES];   /* bytes, not bits: densification probes them */
    /* shingle hashes collected by ch_neardup_jaccard */
    uint64_t *set;
    size_t nset, capset;
};

int ch_neardup_sketcher_new(const ch_neardup_opts *o, ch_neardup_sketcher **out)
{
    ch_neardup_opts d;
    if (!o) {
        ch_neardup_opts_default(&d);
        o = &d;
    }
    *out = NULL;
    if (!opts_valid(o))
        return CHORUS_EUSAGE;
    ch_neardup_sketcher *s = ch_calloc(1, sizeof *s);
    if (!s)
        return CHORUS_ENOMEM;
    s->k = o->hashes;
    s->n = o->shingle;
    ch_normbuf_init(&s->nb);
    s->perm = ch_malloc((size_t)s->k * s->k);
    if (!s->perm) {
        ch_free(s);
        return CHORUS_ENOMEM;
    }
    uint64_t st = SEED_PERM;
    for (unsigned i = 0; i < s->k; i++) {
        uint8_t *p = s->perm + (size_t)i * s->k;
        for (unsigned j = 0; j < s->k; j++)
            p[j] = (uint8_t)j;
        for (unsigned j = s->k - 1; j > 0; j--) {   /* Fisher–Yates with splitmix64 */
            st += UINT64_C(0x9e3779b97f4a7c15);
            unsigned r = (unsigned)((ch_mix64(st) >> 32) * (j + 1) >> 32);
            uint8_t t = p[j];
            p[j] = p[r];
            p[r] = t;
        }
    }
    *out = s;
    return CHORUS_OK;
}

void ch_neardup_sketcher_free(ch_neardup_sketcher *s)
{
    if (!s)
        return;
    ch_normbuf_free(&s->nb);
    ch_free(s->perm);
    ch_free(s->set);
    ch_free(s);
}

/* First code point of a token; tokens are valid UTF-8 (the normalizer's output). */
static uint32_t first_cp(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80 || n < 2)
        return p[0];
    if (p[0] < 0xE0)
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    if (p[0] < 0xF0 || n < 4)
        return n < 3 ? 0 : ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
                               (p[2] & 0x3F);
    return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
           ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* Scripts the tokenizer cuts into one-character tokens (Han, Kana, Hangul, Bopomofo): such a
 * token carries about half the content of a word, so it counts half toward min_words. */
static bool cjk_cp(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

static inline void sk_add(ch_neardup_sketcher *s, uint64_t x)
{
    /* Bin from the high half (multiply-shift range reduction works for any k); the bin keeps
     * the smallest full 64-bit value, so ties need identical hashes. */
    unsigned bin = (unsigned)(((x >> 32) * s->k) >> 32);
    if (!s->filled[bin] || x < s->minx[bin]) {
        s->filled[bin] = 1;
        s->minx[bin] = x;
    }
}

static int set_add(ch_neardup_sketcher *s, uint64_t x)
{
    if (s->nset == s->capset && ch_grow((void **)&s->set, &s->capset, s->nset + 1, sizeof *s->set))
        return CHORUS_ENOMEM;
    s->set[s->nset++] = x;
    return CHORUS_OK;
}

static inline uint64_t shingle_hash(const uint64_t *ring, unsigned n, size_t end)
{
    /* ring holds the last MAX_SHINGLE token hashes; end = index of the next token. Order
     * matters ("a b" != "b a"), hence the rotation before each xor. */
    uint64_t h = SEED_SHINGLE ^ n;
    for (unsigned j = n; j > 0; j--)
        h = rotl64(h, 23) ^ ring[(end - j) % MAX_SHINGLE];
    return ch_mix64(h);
}

/* Normalizes and shingles text; each shingle goes to the sketch (collect = false) or to
 * s->set (collect = true). *ntok and *units2 receive the token count and the content units. */
static int shingles(ch_neardup_sketcher *s, const char *text, size_t len, bool collect,
                    size_t *ntok, uint32_t *units2)
{
    const char *ns = text;
    size_t nl = len;
    if (!s->prenormalized) {
        int rc = ch_normalize(text, len, 0, &s->nb);
        if (rc)
            return rc;
        ns = s->nb.s;
        nl = s->nb.len;
    }
    int rc = CHORUS_OK;
    uint64_t ring[MAX_SHINGLE];
    size_t t = 0;
    uint32_t units = 0;
    ch_tokiter it;
    size_t a, e;
    ch_tok_init(&it, ns, nl);
    while (ch_tok_next(&it, &a, &e)) {
        const unsigned char *p = (const unsigned char *)ns + a;
        uint32_t u = p[0] < 0xE2 ? 2 : (cjk_cp(first_cp(p, e - a)) ? 1 : 2);
        units = units > UINT32_MAX - 2 ? UINT32_MAX : units + u;
        ring[t % MAX_SHINGLE] = ch_tok_hash(ns + a, e - a);
        t++;
        if (t >= s->n) {
            uint64_t h = shingle_hash(ring, s->n, t);
            if (!collect)
                sk_add(s, h);
            else if ((rc = set_add(s, h)))
                return rc;
        }
    }
    if (t > 0 && t < s->n) {   /* shorter than one shingle: the whole text is one */
        uint64_t h = shingle_hash(ring, (unsigned)t, t);
        if (!collect)
            sk_add(s, h);
        else if ((rc = set_add(s, h)))
            return rc;
    }
    *ntok = t;
    if (units2)
        *units2 = units;
    return CHORUS_OK;
}

/* The byte kept per bin: 8 bits of the bin's minimum, taken from the top of a multiplicative
 * hash so they are independent of the bin index and of the minimum's own (small) value. */
static inline uint8_t fp8(uint64_t x)
{
    return (uint8_t)((x * UINT64_C(0x9e3779b97f4a7c15)) >> 56);
}

int ch_neardup_sketch(ch_neardup_sketcher *s, const char *text, size_t len, uint8_t *sk,
                      uint32_t *units2)
{
    const unsigned k = s->k;
    memset(s->filled, 0, sizeof s->filled);
    size_t ntok = 0;
    int rc = shingles(s, text, len, false, &ntok, units2);
    if (rc || ntok == 0) {
        memset(sk, 0, k);
        if (units2)
            *units2 = 0;
        return rc;
    }
    for (unsigned i = 0; i < k; i++)
        if (s->filled[i])
            sk[i] = fp8(s->minx[i]);
    /* Optimal densification: an empty bin takes the fingerprint of the first filled bin in its
     * fixed probe order. Two texts agree on such a bin with probability J, as on a filled one,
     * because both probe the same sequence and stop at the same bin when it is filled in both.
     * A tweet has ~20 shingles for 64 bins, so most bins are empty and this loop matters: the
     * probe is one byte load (at least one bin is filled, so it stops within k steps). */
    for (unsigned i = 0; i < k; i++) {
        if (s->filled[i])
            continue;
        const uint8_t *p = s->perm + (size_t)i * k;
        unsigned a = 0;
        while (!s->filled[p[a]])
            a++;
        sk[i] = sk[p[a]];
    }
    return CHORUS_OK;
}

static inline unsigned agree(const uint8_t *a, const uint8_t *b, unsigned k)
{
    unsigned m = 0;
    for (unsigned i = 0; i < k; i++)
        m += a[i] == b[i];
    return m;
}

/* An 8-bit fingerprint of two different minima agrees by chance with probability 1/256:
 * E[agree/k] = J + (1 - J)/256, solved for J. */
static inline double estimate_from(unsigned m, unsigned k)
{
    double f = (double)m / k;
    double j = (f - 1.0 / 256) / (1.0 - 1.0 / 256);
    return j < 0 ? 0 : j > 1 ? 1 : j;
}

double ch_neardup_estimate(const uint8_t *a, const uint8_t *b, unsigned hashes)
{
    return estimate_from(agree(a, b, hashes), hashes);
}

static size_t uniq(uint64_t *v, size_t n)
{
    ch_sort(v, n, sizeof *v, ch_cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    return m;
}

int ch_neardup_jaccard(ch_neardup_sketcher *s, const char *a, size_t na, const char *b,
                       size_t nb, double *out)
{
    size_t ntok;
    s->nset = 0;
    int rc = shingles(s, a, na, true, &ntok, NULL);
    if (rc)
        return rc;
    size_t n1 = uniq(s->set, s->nset);
    s->nset = n1;
    if ((rc = shingles(s, b, nb, true, &ntok, NULL)))
        return rc;
    size_t n2 = uniq(s->set + n1, s->nset - n1);
    const uint64_t *x = s->set, *y = s->set + n1;
    size_t i = 0, j = 0, inter = 0;
    while (i < n1 && j < n2) {
        if (x[i] < y[j])
            i++;
        else if (x[i] > y[j])
            j++;
        else {
            inter++;
            i++;
            j++;
        }
    }
    size_t uni = n1 + n2 - inter;
    *out = uni ? (double)inter / (double)uni : 1.0;
    return CHORUS_OK;
}

/* ---- phase 1: sketch every post, in parallel ------------------------------------------------ */

typedef struct sketch_job {
    const ch_corpus *c;
    const ch_neardup_opts *o;
    size_t from, n;             /* the posts [from, n) */
    uint8_t *sk;                /* n * hashes */
    uint8_t *status;            /* n */
    const ch_spill *spill;      /* where sk is, when it spilled (else NULL) */
    ch_neardup_sketcher *s[CH_PARALLEL_MAX]; /* one per worker, made on its first task */
} sketch_job;

/* Task: the posts of one chunk, each into its own slots. */
static int sketch_task(void *ctx, size_t task, unsigned worker)
{
    sketch_job *j = ctx;
    int rc;
    if (!j->s[worker] && (rc = ch_neardup_sketcher_new(j->o, &j->s[worker])))
        return rc;
    ch_neardup_sketcher *s = j->s[worker];
    const unsigned k = j->o->hashes;
    const uint32_t min2 = 2 * j->o->min_words;
    const size_t a = j->from + task * CHUNK, e = a + CHUNK < j->n ? a + CHUNK : j->n;
    for (size_t i = a; i < e; i++) {
        const ch_post *p = ch_corpus_post(j->c, i);
        uint8_t *sk = j->sk + i * k;
        if (ch_neardup_is_repost(p)) {
            j->status[i] = ST_REPOST;
            continue;
        }
        if (p->kind == CH_KIND_LIKE) {   /* no text of its own, whatever a reader gave it */
            j->status[i] = ST_LIKE;
            continue;
        }
        uint32_t units2 = 0;
        /* The corpus keeps every post's normalized text (ch_corpus_normalize): use it. */
        uint32_t norm_len;
        const char *norm = ch_corpus_norm(j->c, i, &norm_len);
        s->prenormalized = norm != NULL;
        if (norm)
            rc = ch_neardup_sketch(s, norm, norm_len, sk, &units2);
        else
            rc = p->text ? ch_neardup_sketch(s, p->text, p->text_len, sk, &units2) : 0;
        if (rc == CHORUS_ELIMIT)   /* cannot be normalized: too long to be a copy anyway */
            rc = 0, units2 = 0;
        if (rc)
            return rc;
        j->status[i] = units2 >= min2 ? ST_OK : ST_SHORT;
    }
    /* spilled sketches written so far leave the resident set (safe while other workers
     * write theirs: the pages of a shared mapping keep their bytes in the page cache) */
    if (task % (RELEASE_POSTS / CHUNK) == 0) {
        if (j->spill)
            ch_spill_release(j->spill);
        ch_corpus_release_text(j->c);   /* spilled texts read so far, likewise */
    }
    return CHORUS_OK;
}

/* Sketches the posts [from, to) into their slots of sk and status. */
static int sketch_all(const ch_corpus *c, const ch_neardup_opts *o, size_t from, size_t to,
                      uint8_t *sk, uint8_t *status, const ch_spill *spill)
{
    sketch_job j = {.c = c, .o = o, .from = from, .n = to, .sk = sk, .status = status,
                    .spill = spill};
    const int rc = ch_parallel_for(o->threads, (to - from + CHUNK - 1) / CHUNK, sketch_task, &j);
    for (int w = 0; w < CH_PARALLEL_MAX; w++)
        ch_neardup_sketcher_free(j.s[w]);
    return rc;
}

/* A distributed scan (o->dist): this rank sketches its block of the posts and rank 0 gathers
 * every block, so rank 0's sk and status are those of sketching every post here. Returns, on
 * every rank, the first failure of any rank. */
static int sketch_shared(const ch_corpus *c, const ch_neardup_opts *o, size_t n, uint8_t *sk,
                         uint8_t *status, const ch_spill *spill)
{
    size_t a, b;
    ch_dist_block(n, o->dist->rank, o->dist->size, &a, &b);
    int rc = sketch_all(c, o, a, b, sk, status, spill);
    rc = ch_dist_gather_blocks(o->dist, rc, sk, o->hashes, n);
    return ch_dist_gather_blocks(o->dist, rc, status, 1, n);
}

/* ---- phase 2: banding and union-find ---------------------------------------------------------- */

typedef struct uf {
    uint32_t *parent;
    uint8_t *rank;
} uf;

static inline uint32_t uf_find(uf *u, uint32_t x)
{
    while (u->parent[x] != x) {   /* path halving */
        u->parent[x] = u->parent[u->parent[x]];
        x = u->parent[x];
    }
    return x;
}

static inline void uf_union_roots(uf *u, uint32_t a, uint32_t b)
{
    if (u->rank[a] < u->rank[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    u->parent[b] = a;
    if (u->rank[a] == u->rank[b])
        u->rank[a]++;
}

/* Band key: the band's rows fingerprint bytes, mixed to 32 bits (a random collision between
 * unrelated posts costs one rejected comparison; probability 2^-32 per pair and band). */
static inline uint32_t band_key(const uint8_t *sk, unsigned rows, unsigned stride)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < rows; i++)
        v = v << 8 | sk[i * stride];
    return (uint32_t)(ch_mix64(v + rows) >> 32);
}

/* Stable LSD radix sort of records (key << 32 | post) on the key: 11 + 11 + 10 bits. */
static void radix_sort_hi32(uint64_t *a, uint64_t *tmp, size_t n)
{
    static const unsigned shift[3] = {32, 43, 54};
    static const unsigned bits[3] = {11, 11, 10};
    uint32_t cnt[3][2048];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < 3; p++)
            cnt[p][(a[i] >> shift[p]) & ((1u << bits[p]) - 1)]++;
    uint64_t *src = a, *dst = tmp;
    for (int p = 0; p < 3; p++) {
        size_t sum = 0;
        uint32_t nb = 1u << bits[p];
        for (uint32_t b = 0; b < nb; b++) {
            size_t c = cnt[p][b];
            cnt[p][b] = (uint32_t)sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[p][(src[i] >> shift[p]) & (nb - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

typedef struct band_ctx {
    const ch_corpus *c;
    const ch_neardup_opts *o;
    const uint8_t *sk;
    uf u;
    /* Decisions by the number of agreeing bins m: m >= accept links, m < reject does not, and
     * in between (the gray zone, ~2.5 standard deviations of the estimate around the
     * threshold) the exact Jaccard of the two texts decides. */
    unsigned accept, reject;
    ch_neardup_sketcher *vs;     /* shingle sets for exact checks */
    uint64_t *lset;              /* sorted shingle set of post lpost (a leader, reused) */
    size_t nl, capl;
    uint32_t lpost;
    ch_neardup_stats *st;
    const ch_spill *spill;       /* where sk is, when it spilled (else NULL) */
    /* Spilled sketches compared in a bucket are read from the file into these, not through
     * the mapping: a bucket's posts are anywhere in the corpus, and each mapped page would
     * stay resident (4 KiB for 64 bytes) until the next release */
    uint8_t lbuf[MAX_LEADERS][CH_NEARDUP_MAX_HASHES];
    uint8_t xbuf[CH_NEARDUP_MAX_HASHES];
} band_ctx;

/* The message of a spilled sketch that cannot be read back (CHORUS_EIO). */
static void spill_read_failed(const ch_neardup_opts *o)
{
    if (o->err && o->err_size)
        snprintf(o->err, o->err_size, "cannot read narrative sketches back from the temporary "
                                      "file past the memory budget (--memory; TMPDIR)");
}

/* The sketch of post i (k bytes) in memory: sk itself, or a copy read from the spill file
 * into buf. CHORUS_EIO when the file cannot be read. */
static int sketch_at(const uint8_t *sk, unsigned k, const ch_spill *spill, uint32_t i,
                     uint8_t *buf, const uint8_t **out)
{
    const uint8_t *p = sk + (size_t)i * k;
    if (!spill) {
        *out = p;
        return CHORUS_OK;
    }
    *out = buf;
    return ch_spill_read(spill, p, k, buf) == CHORUS_OK ? CHORUS_OK : CHORUS_EIO;
}

/* Sorted distinct shingles of post i in bc->vs->set[0..*n). */
static int post_set(band_ctx *bc, uint32_t i, size_t *n)
{
    const ch_post *p = ch_corpus_post(bc->c, i);
    size_t ntok;
    bc->vs->nset = 0;
    uint32_t norm_len;
    const char *norm = ch_corpus_norm(bc->c, i, &norm_len);
    bc->vs->prenormalized = norm != NULL;
    int rc = norm ? shingles(bc->vs, norm, norm_len, true, &ntok, NULL)
                     : shingles(bc->vs, p->text ? p->text : "", p->text ? p->text_len : 0, true,
                                &ntok, NULL);
    *n = rc ? 0 : uniq(bc->vs->set, bc->vs->nset);
    return rc;
}

/* Exact Jaccard of posts x and lead >= threshold? */
static int exact_ok(band_ctx *bc, uint32_t x, uint32_t lead, bool *ok)
{
    size_t n;
    int rc;
    *ok = false;
    if (bc->lpost != lead) {
        if ((rc = post_set(bc, lead, &n)))
            return rc == CHORUS_ELIMIT ? CHORUS_OK : rc;
        if (n > bc->capl && ch_grow((void **)&bc->lset, &bc->capl, n, sizeof *bc->lset))
            return CHORUS_ENOMEM;
        memcpy(bc->lset, bc->vs->set, n * sizeof *bc->lset);
        bc->nl = n;
        bc->lpost = lead;
    }
    if ((rc = post_set(bc, x, &n)))
        return rc == CHORUS_ELIMIT ? CHORUS_OK : rc;
    const uint64_t *u = bc->lset, *v = bc->vs->set;
    size_t i = 0, j = 0, inter = 0;
    while (i < bc->nl && j < n) {
        if (u[i] < v[j])
            i++;
        else if (u[i] > v[j])
            j++;
        else
            inter++, i++, j++;
    }
    size_t uni = bc->nl + n - inter;
    *ok = uni > 0 && (double)inter >= bc->o->threshold * (double)uni - 1e-9;
    return CHORUS_OK;
}

/* The leader rule on one bucket: posts b[0..m) (records, post in the low 32 bits), in corpus
 * order. Cost: at most max_leaders comparisons per member. */
static int bucket(band_ctx *bc, const uint64_t *b, size_t m)
{
    const unsigned k = bc->o->hashes;
    uint32_t lead[MAX_LEADERS];
    const uint8_t *lsk[MAX_LEADERS];   /* a leader's sketch, once compared (else NULL) */
    unsigned nl = 0;
    int rc;
    lsk[nl] = NULL;
    lead[nl++] = (uint32_t)b[0];
    if (m > bc->st->max_bucket)
        bc->st->max_bucket = m;
    for (size_t i = 1; i < m; i++) {
        uint32_t x = (uint32_t)b[i];
        uint32_t rx = uf_find(&bc->u, x);
        bool placed = false;
        const uint8_t *xs = NULL;      /* x's sketch, once compared */
        for (unsigned l = 0; l < nl && !placed; l++) {
            uint32_t rl = uf_find(&bc->u, lead[l]);
            if (rl == rx) {
                bc->st->skipped++;
                placed = true;
                break;
            }
            bc->st->compared++;
            if (!xs && (rc = sketch_at(bc->sk, k, bc->spill, x, bc->xbuf, &xs)))
                return rc;
            if (!lsk[l] && (rc = sketch_at(bc->sk, k, bc->spill, lead[l], bc->lbuf[l], &lsk[l])))
                return rc;
            unsigned g = agree(xs, lsk[l], k);
            bool ok = g >= bc->accept;
            if (!ok && g >= bc->reject) {
                bc->st->exact++;
                if ((rc = exact_ok(bc, x, lead[l], &ok)))
                    return rc;
            }
            if (ok) {
                uf_union_roots(&bc->u, rl, rx);
                bc->st->links++;
                placed = true;
            }
        }
        if (!placed) {
            if (nl < bc->o->max_leaders) {
                lsk[nl] = NULL;
                if (xs && bc->spill) {   /* already read: keep the copy */
                    memcpy(bc->lbuf[nl], xs, k);
                    lsk[nl] = bc->lbuf[nl];
                } else if (xs) {
                    lsk[nl] = xs;
                }
                lead[nl++] = x;
            } else
                bc->st->unplaced++;
        }
    }
    return CHORUS_OK;
}

static unsigned min_agree_for(double t, unsigned k)
{
    /* smallest m with estimate_from(m, k) >= t; k + 1 when none (t > 1) */
    for (unsigned m = 0; m <= k; m++)
        if (estimate_from(m, k) >= t - 1e-12)
            return m;
    return k + 1;
}

/* Bands the eligible posts (status ST_OK; ne of them). a and tmp hold ne records each. */
static int band_all(band_ctx *bc, const uint8_t *status, size_t n, size_t ne, uint64_t *a,
                    uint64_t *tmp)
{
    const unsigned k = bc->o->hashes, rows = bc->o->rows, bands = k / rows;
    /* Crossed layout: bins form blocks of rows x rows; the row bands are the usual disjoint
     * bands, the column bands reuse the same bins (each column meets each row in one bin).
     * Twice the bands, so a steeper S-curve, without a larger sketch. */
    const unsigned cross = bc->o->crossed ? k / (rows * rows) * rows : 0;
    for (unsigned band = 0; band < bands + cross; band++) {
        unsigned start, stride = 1;
        if (band < bands) {
            start = band * rows;
        } else {
            unsigned c = band - bands, blk = c / rows, col = c % rows;
            start = blk * rows * rows + col;
            stride = rows;
        }
        const uint8_t *base = bc->sk + start;
        for (size_t i = 0, j = 0; i < n; i++) {
            if (status[i] == ST_OK)
                a[j++] = (uint64_t)band_key(base + i * k, rows, stride) << 32 | i;
            if (bc->spill && i % RELEASE_POSTS == RELEASE_POSTS - 1)
                ch_spill_release(bc->spill);
        }
        if (bc->spill)
            ch_spill_release(bc->spill);
        radix_sort_hi32(a, tmp, ne);
        for (size_t i = 0; i < ne;) {
            size_t e = i + 1;
            while (e < ne && (a[e] >> 32) == (a[i] >> 32))
                e++;
            int rc = e - i >= 2 ? bucket(bc, a + i, e - i) : CHORUS_OK;
            if (rc == CHORUS_EIO)
                spill_read_failed(bc->o);
            if (rc)
                return rc;
            /* the buckets read sketches (and texts) of posts anywhere in the corpus: the pages
             * go after every few thousand records, else a band would map them all back */
            if ((i / RELEASE_RECORDS) != (e / RELEASE_RECORDS)) {
                if (bc->spill)
                    ch_spill_release(bc->spill);
                ch_corpus_release_text(bc->c);   /* texts read by the exact checks */
            }
            i = e;
        }
    }
    return CHORUS_OK;
}

/* ---- phase 3: narratives --------------------------------------------------------------------- */

typedef struct nsort {
    int64_t t;
    uint32_t first, tmp;
} nsort;

static int cmp_nsort(const void *x, const void *y)
{
    const nsort *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

/* Representative: the medoid (largest summed sketch agreement) of a sample of the members,
 * in *rep. The sample's sketches are copied first (read from the file when spilled). */
static int representative(const uint8_t *sk, unsigned k, const ch_spill *spill,
                          const uint32_t *mem, uint32_t n, uint32_t first, uint32_t *rep)
{
    uint32_t smp[CH_NEARDUP_REP_SAMPLE];
    uint8_t buf[CH_NEARDUP_REP_SAMPLE][CH_NEARDUP_MAX_HASHES];
    const uint8_t *ssk[CH_NEARDUP_REP_SAMPLE];
    unsigned ns = 0;
    smp[ns++] = first;
    /* CH_NEARDUP_REP_SAMPLE - 1 positions evenly spaced from the first to the last member */
    for (unsigned q = 0; q + 1 < CH_NEARDUP_REP_SAMPLE; q++) {
        uint32_t p = mem[(uint64_t)(n - 1) * q / (CH_NEARDUP_REP_SAMPLE - 2)];
        bool dup = false;
        for (unsigned v = 0; v < ns; v++)
            dup |= smp[v] == p;
        if (!dup)
            smp[ns++] = p;
    }
    for (unsigned i = 0; i < ns; i++)
        if (sketch_at(sk, k, spill, smp[i], buf[i], &ssk[i]))
            return CHORUS_EIO;
    uint32_t best = first;
    unsigned long best_sum = 0;
    for (unsigned i = 0; i < ns; i++) {
        unsigned long sum = 0;
        for (unsigned j = 0; j < ns; j++)
            if (j != i)
                sum += agree(ssk[i], ssk[j], k);
        if (i == 0 || sum > best_sum) {
            best = smp[i];
            best_sum = sum;
        }
    }
    *rep = best;
    return CHORUS_OK;
}

static int finish(const ch_corpus *c, const ch_neardup_opts *o, const uint8_t *sk,
                  const ch_spill *spill, const uint8_t *status, uf *u, ch_neardup_result *r)
{
    int rc = CHORUS_ENOMEM;
    const size_t n = r->n_posts;
    const unsigned k = o->hashes;
    uint32_t *cnt = ch_calloc(n, sizeof *cnt);
    nsort *ns = NULL;
    uint32_t *final = NULL, *off = NULL, *mem = NULL, *stamp = NULL;
    ch_narrative *nar = NULL;
    if (!cnt)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (status[i] == ST_OK)
            cnt[u->parent[i] = uf_find(u, (uint32_t)i)]++;   /* flatten: parent = root */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (status[i] == ST_OK && u->parent[i] == i && cnt[i] >= 2)
            m++;
    if (m == 0) {
        rc = CHORUS_OK;
        goto out;
    }
    nar = ch_calloc(m, sizeof *nar);
    ns = ch_malloc(m * sizeof *ns);
    final = ch_malloc(m * sizeof *final);
    off = ch_calloc(m + 1, sizeof *off);
    if (!nar || !ns || !final || !off)
        goto out;
    /* cnt[root] becomes the root's provisional narrative number (root order). */
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (status[i] != ST_OK || u->parent[i] != i)
            continue;
        if (cnt[i] >= 2) {
            nar[t].size = cnt[i];
            nar[t].first_post = UINT32_MAX;
            cnt[i] = (uint32_t)t++;
        } else {
            cnt[i] = CH_NONE;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (status[i] != ST_OK || (t = cnt[u->parent[i]]) == CH_NONE)
            continue;
        const ch_post *p = ch_corpus_post(c, i);
        ch_narrative *a = &nar[t];
        if (a->first_post == UINT32_MAX) {   /* posts come in corpus order: ties keep the first */
            a->first_seen = a->last_seen = p->created_at;
            a->first_post = (uint32_t)i;
        } else {
            if (p->created_at < a->first_seen) {
                a->first_seen = p->created_at;
                a->first_post = (uint32_t)i;
            }
            if (p->created_at > a->last_seen)
                a->last_seen = p->created_at;
        }
        r->narrative_of_post[i] = (uint32_t)t;
    }
    /* Ids in (first time, first post) order, so they do not depend on union-find roots. */
    for (size_t i = 0; i < m; i++)
        ns[i] = (nsort){nar[i].first_seen, nar[i].first_post, (uint32_t)i};
    ch_sort(ns, m, sizeof *ns, cmp_nsort);
    for (size_t i = 0; i < m; i++)
        final[ns[i].tmp] = (uint32_t)i;
    {
        ch_narrative *sorted = ch_malloc(m * sizeof *sorted);
        if (!sorted)
            goto out;
        for (size_t i = 0; i < m; i++)
            sorted[final[i]] = nar[i];
        ch_free(nar);
        nar = sorted;
    }
    size_t in_narr = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = r->narrative_of_post[i];
        if (id == CH_NONE)
            continue;
        id = r->narrative_of_post[i] = final[id];
        off[id + 1]++;
        in_narr++;
    }
    r->stats.in_narratives = in_narr;
    /* Members grouped by narrative, in corpus order (counting sort). */
    for (size_t i = 0; i < m; i++)
        off[i + 1] += off[i];
    mem = ch_malloc((in_narr ? in_narr : 1) * sizeof *mem);
    size_t na = ch_corpus_naccounts(c);
    stamp = ch_malloc((na ? na : 1) * sizeof *stamp);
    if (!mem || !stamp)
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = r->narrative_of_post[i];
        if (id != CH_NONE)
            mem[off[id]++] = (uint32_t)i;
    }
    for (size_t i = m; i > 0; i--)   /* off[id] advanced to the end of id: shift back */
        off[i] = off[i - 1];
    off[0] = 0;
    for (size_t i = 0; i < na; i++)
        stamp[i] = CH_NONE;
    for (size_t id = 0; id < m; id++) {
        uint32_t acc = 0;
        for (uint32_t q = off[id]; q < off[id + 1]; q++) {
            uint32_t a = ch_corpus_post(c, mem[q])->account;
            if (stamp[a] != id) {
                stamp[a] = (uint32_t)id;
                acc++;
            }
        }
        nar[id].n_accounts = acc;
        if ((rc = representative(sk, k, spill, mem + off[id], off[id + 1] - off[id],
                                 nar[id].first_post, &nar[id].rep_post))) {
            spill_read_failed(o);
            goto out;
        }
    }
    r->narratives = nar;
    r->n_narratives = m;
    nar = NULL;
    rc = CHORUS_OK;
out:
    ch_free(cnt);
    ch_free(ns);
    ch_free(final);
    ch_free(off);
    ch_free(mem);
    ch_free(stamp);
    ch_free(nar);
    return rc;
}

/* ---- driver ------------------------------------------------------------------------------------ */

void ch_neardup_result_free(ch_neardup_result *r)
{
    if (!r)
        return;
    ch_free(r->narrative_of_post);
    ch_free(r->narratives);
    ch_free(r);
}

int ch_neardup_run(const ch_corpus *c, const ch_neardup_opts *o, ch_neardup_result **out)
{
    ch_neardup_opts d;
    if (!o) {
        ch_neardup_opts_default(&d);
        o = &d;
    }
    *out = NULL;
    if (!opts_valid(o))
        return CHORUS_EUSAGE;
    const size_t n = ch_corpus_nposts(c);
    if (n >= UINT32_MAX)
        return CHORUS_ELIMIT;
    const unsigned k = o->hashes;
    int rc = CHORUS_ENOMEM;
    uint8_t *sk = NULL, *status = NULL;
    uint64_t *a = NULL, *tmp = NULL;
    uf u = {NULL, NULL};
    ch_spill spill;              /* the sketches past max_sketch_bytes */
    bool spilled = false;
    ch_spill_init(&spill, o->spill_dir);
    ch_neardup_result *r = ch_calloc(1, sizeof *r);
    if (!r)
        return CHORUS_ENOMEM;
    r->n_posts = n;
    r->narrative_of_post = ch_malloc((n ? n : 1) * sizeof *r->narrative_of_post);
    if (!r->narrative_of_post)
        goto out;
    for (size_t i = 0; i < n; i++)
        r->narrative_of_post[i] = CH_NONE;
    if (n == 0) {
        rc = CHORUS_OK;
        goto out;
    }
    size_t skb;
    if (!ch_mul_ok(n, k, &skb))
        goto out;
    if (o->max_sketch_bytes && skb > o->max_sketch_bytes) {
        spilled = true;
        if (!(sk = (uint8_t *)ch_spill_alloc(&spill, skb, &rc))) {
            if (rc == CHORUS_EIO && o->err && o->err_size)
                snprintf(o->err, o->err_size, "%s", spill.err);
            goto out;
        }
        r->stats.spilled_bytes = skb;
        rc = CHORUS_ENOMEM;
    } else if (!(sk = ch_malloc(skb)))
        goto out;
    if (!(status = ch_malloc(n)))
        goto out;

    double t0 = ch_now();
    const ch_spill *sp = spilled ? &spill : NULL;
    if ((rc = ch_dist_active(o->dist) ? sketch_shared(c, o, n, sk, status, sp)
                                      : sketch_all(c, o, 0, n, sk, status, sp)))
        goto out;
    if (ch_dist_active(o->dist) && o->dist->rank != 0)
        goto out;   /* rc 0: this rank's share is with rank 0, which clusters */
    rc = CHORUS_ENOMEM;
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        ne += status[i] == ST_OK;
        r->stats.reposts += status[i] == ST_REPOST;
        r->stats.short_texts += status[i] == ST_SHORT;
        r->stats.likes += status[i] == ST_LIKE;
    }
    r->stats.eligible = ne;
    double t1 = ch_now();
    r->stats.seconds_sketch = t1 - t0;

    u.parent = ch_malloc(n * sizeof *u.parent);
    u.rank = ch_calloc(n, 1);
    a = ch_malloc((ne ? ne : 1) * sizeof *a);
    tmp = ch_malloc((ne ? ne : 1) * sizeof *tmp);
    if (!u.parent || !u.rank || !a || !tmp)
        goto out;
    for (size_t i = 0; i < n; i++)
        u.parent[i] = (uint32_t)i;
    band_ctx bc = {.c = c, .o = o, .sk = sk, .u = u, .lpost = UINT32_MAX, .st = &r->stats,
                   .spill = spilled ? &spill : NULL};
    if (o->sketch_only) {
        bc.accept = bc.reject = min_agree_for(o->threshold, k);
    } else {
        /* gray zone: 2.5 standard deviations of the estimate at the threshold */
        double sd = sqrt(o->threshold * (1 - o->threshold) / k);
        bc.accept = min_agree_for(o->threshold + 2.5 * sd, k);
        bc.reject = min_agree_for(o->threshold - 2.5 * sd, k);
        if ((rc = ch_neardup_sketcher_new(o, &bc.vs)))
            goto out;
        rc = CHORUS_ENOMEM;
    }
    rc = band_all(&bc, status, n, ne, a, tmp);
    ch_neardup_sketcher_free(bc.vs);
    ch_free(bc.lset);
    if (rc)
        goto out;
    rc = CHORUS_ENOMEM;
    ch_free(a);
    ch_free(tmp);
    a = tmp = NULL;
    double t2 = ch_now();
    r->stats.seconds_band = t2 - t1;

    if ((rc = finish(c, o, sk, spilled ? &spill : NULL, status, &u, r)))
        goto out;
    r->stats.seconds_finish = ch_now() - t2;
    rc = CHORUS_OK;
out:
    if (spilled)
        ch_spill_free(&spill);   /* the file goes */
    else
        ch_free(sk);
    ch_free(status);
    ch_free(a);
    ch_free(tmp);
    ch_free(u.parent);
    ch_free(u.rank);
    if (rc) {
        ch_neardup_result_free(r);
        return rc;
    }
    *out = r;
    return CHORUS_OK;
}
