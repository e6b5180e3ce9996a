/* parrot_match.c — matching one post against the statement index: tokens, shingle votes,
 * anchor chaining into aligned segments, gap alignment with typo tolerance, containment
 * similarity and evidence spans (see parrot.h for the method, parrot_int.h for the index). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sort.h"
#include "detect/parrot/parrot_int.h"

/* A segment needs this many matched tokens (CJK characters count 1/2) to count as evidence:
 * one shingle hit ("internal affairs") is not a passage, and three-word runs ("the harbour
 * authority" in a journalist's lead-in) are too often incidental to widen the spans. */
#define PX_SEG_MIN 4.0
/* Longest post or statement gap aligned token by token; larger gaps cannot arise from
 * chained anchors (2 * (PX_MAX_GAP + PX_MAX_DRIFT) CJK characters bound them). */
#define PX_GAP_CAP 16
/* A candidate statement shares at least this many shingles with the post: a 6-word match has
 * 5 pairs, and even two typos in it leave 3 pairs (or an anchor of the other segment). */
#define PX_MIN_HITS 3
/* ...and gets at least this share of the best candidate's votes. The source of a copy holds
 * the post's rare pairs and outvotes statements that share a few common ones by far; ties
 * (stock sentences in several statements) get equal votes and stay in. */
#define PX_VOTE_FLOOR 0.5f
/* Quotations measured on their own per post (later ones are plain text). */
#define PX_MAX_QUOTES 16
/* A sentence measured on its own (the second look of ch_parrot_match_text) must reach this
 * far from the threshold towards 1: 0.80 at the default threshold 0.60. Copies that add a
 * sentence keep the copied one nearly whole (0.9-1.0); chains of stock words over a few others
 * reach 0.6 (docs/parroting.md). */
#define PX_SENT_STRICT 0.5

typedef struct px_anchor {
    uint32_t i, j;         /* post shingle position, statement shingle position */
} px_anchor;

typedef struct px_vote {
    float votes;           /* IDF weight of the shingles shared with the post */
    uint32_t hits;         /* shingles shared with the post */
} px_vote;

typedef struct px_seg {
    uint32_t p0, p1;       /* post tokens [p0, p1) */
    uint32_t s0, s1;       /* statement tokens [s0, s1), relative to the statement */
} px_seg;

struct ch_parrot_scratch {
    const ch_parrot_index *ix;
    ch_normbuf nb;
    ch_lex *lx;              /* the post's canonical tokens */
    /* post tokens */
    size_t n, cap;
    uint64_t *h;
    uint32_t *ns, *ne, *os;  /* normalized [ns, ne), original start */
    uint8_t *fl;
    uint8_t *nw;             /* words each token stands for (ch_lex_tok.words) */
    double *w;               /* IDF weight of each token */
    double *wc;              /* the same for the candidate being verified (see verify) */
    const px_slot **sh;      /* per shingle position: its slot, or NULL */
    uint64_t *key;           /* per shingle position: its key */
    uint64_t *order;         /* (count << 32 | position) for voting */
    uint8_t *cov;            /* 0 not found, 1 matched, 2 substituted inside a segment */
    uint8_t *taken;          /* post token inside a segment of the current candidate */
    int32_t *pm;             /* post token -> statement token, -1 none */
    uint32_t *afirst;        /* per post position: first anchor at it (n + 1 entries) */
    uint32_t *brk;           /* sentence ends before tokens 1..i (prefix count) */
    uint32_t *hu;            /* half words before token i (prefix sum; CJK 1, other 2) */
    /* votes, per statement: weight and shingle count side by side, one cache access per
     * posting (voting is the inner loop of the matcher) */
    px_vote *acc;
    uint32_t *touched;
    size_t ntouched;
    /* anchors of the current candidate */
    px_anchor *an;
    float *f;
    int32_t *prev;
    uint8_t *used;
    uint64_t *aord;
    uint32_t *chain;
    size_t nan, acap;
    /* candidates and results */
    uint32_t *cand;
    size_t ncand;
    ch_parrot_match *res;
    size_t nres, rcap;
    /* quotation byte ranges of the current post */
    uint32_t quotes[PX_MAX_QUOTES][2];
    size_t nquotes;
    size_t nmarks;           /* of them, in quotation marks (the first nmarks; then a lead-in) */
    uint8_t *qr;             /* per post token: quotation it lies in + 1, 0 none */
};

int ch_parrot_scratch_new(const ch_parrot_index *ix, ch_parrot_scratch **out)
{
    ch_parrot_scratch *sc = ch_calloc(1, sizeof *sc);
    if (!sc)
        return CHORUS_ENOMEM;
    sc->ix = ix;
    ch_normbuf_init(&sc->nb);
    size_t n = ix->nstmt ? ix->nstmt : 1;
    sc->acc = ch_calloc(n, sizeof *sc->acc);
    sc->touched = ch_malloc(n * sizeof *sc->touched);
    sc->cand = ch_malloc((ix->p.max_candidates + 1) * sizeof *sc->cand);
    sc->res = ch_malloc((ix->p.max_candidates + 1) * sizeof *sc->res);
    sc->rcap = ix->p.max_candidates + 1;
    if (!sc->acc || !sc->touched || !sc->cand || !sc->res || ch_lex_new(ix->p.lex, &sc->lx)) {
        ch_parrot_scratch_free(sc);
        return CHORUS_ENOMEM;
    }
    *out = sc;
    return CHORUS_OK;
}

void ch_parrot_scratch_free(ch_parrot_scratch *sc)
{
    if (!sc)
        return;
    ch_normbuf_free(&sc->nb);
    ch_lex_free(sc->lx);
    void *arrays[] = {sc->h, sc->key, sc->wc, sc->ns, sc->ne, sc->os, sc->fl, sc->nw, sc->w, sc->sh, sc->order,
                      sc->cov, sc->taken, sc->pm, sc->afirst, sc->brk, sc->hu, sc->qr, sc->acc,
                      sc->touched, sc->an, sc->f, sc->prev, sc->used, sc->aord, sc->chain,
                      sc->cand, sc->res};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        ch_free(arrays[i]);
    ch_free(sc);
}

/* Per-token arrays for n tokens. */
static int reserve_tokens(ch_parrot_scratch *sc, size_t n)
{
    if (n <= sc->cap)
        return CHORUS_OK;
    size_t cap = sc->cap ? sc->cap : 64;
    while (cap < n)
        cap *= 2;
#define RE(p, sz)                                                   \
    do {                                                            \
        void *q = ch_realloc((p), (cap + 1) * (sz));                \
        if (!q)                                                     \
            return CHORUS_ENOMEM;                                   \
        (p) = q;                                                    \
    } while (0)
    RE(sc->h, sizeof *sc->h);
    RE(sc->ns, sizeof *sc->ns);
    RE(sc->ne, sizeof *sc->ne);
    RE(sc->os, sizeof *sc->os);
    RE(sc->fl, sizeof *sc->fl);
    RE(sc->nw, sizeof *sc->nw);
    RE(sc->w, sizeof *sc->w);
    RE(sc->wc, sizeof *sc->wc);
    RE(sc->sh, sizeof *sc->sh);
    RE(sc->key, sizeof *sc->key);
    RE(sc->order, sizeof *sc->order);
    RE(sc->cov, sizeof *sc->cov);
    RE(sc->taken, sizeof *sc->taken);
    RE(sc->pm, sizeof *sc->pm);
    RE(sc->afirst, sizeof *sc->afirst);
    RE(sc->qr, sizeof *sc->qr);
    RE(sc->brk, sizeof *sc->brk);
    RE(sc->hu, sizeof *sc->hu);
#undef RE
    sc->cap = cap;
    return CHORUS_OK;
}

static int reserve_anchors(ch_parrot_scratch *sc, size_t n)
{
    if (n <= sc->acap)
        return CHORUS_OK;
    size_t cap = sc->acap ? sc->acap : 256;
    while (cap < n)
        cap *= 2;
    void *a = ch_realloc(sc->an, cap * sizeof *sc->an);
    if (!a)
        return CHORUS_ENOMEM;
    sc->an = a;
    void *f = ch_realloc(sc->f, cap * sizeof *sc->f);
    if (!f)
        return CHORUS_ENOMEM;
    sc->f = f;
    void *p = ch_realloc(sc->prev, cap * sizeof *sc->prev);
    if (!p)
        return CHORUS_ENOMEM;
    sc->prev = p;
    void *u = ch_realloc(sc->used, cap * sizeof *sc->used);
    if (!u)
        return CHORUS_ENOMEM;
    sc->used = u;
    void *o = ch_realloc(sc->aord, cap * sizeof *sc->aord);
    if (!o)
        return CHORUS_ENOMEM;
    sc->aord = o;
    void *c = ch_realloc(sc->chain, cap * sizeof *sc->chain);
    if (!c)
        return CHORUS_ENOMEM;
    sc->chain = c;
    sc->acap = cap;
    return CHORUS_OK;
}

/* ---- post preparation ---------------------------------------------------------------- */

/* Byte ranges of quotations: “…”, „…“, «…», 「…」, 『…』 and "…" (straight quotes pair
 * up in order). A journalist's quotation is measured on its own (see verify). */
static void find_quotes(ch_parrot_scratch *sc, const char *text, size_t len)
{
    static const struct { const char *open, *close; } marks[] = {
        {"\xE2\x80\x9C", "\xE2\x80\x9D"}, /* “ ” */
        {"\xE2\x80\x9E", "\xE2\x80\x9C"}, /* „ “ */
        {"\xC2\xAB", "\xC2\xBB"},         /* « » */
        {"\xE3\x80\x8C", "\xE3\x80\x8D"}, /* 「 」 */
        {"\xE3\x80\x8E", "\xE3\x80\x8F"}, /* 『 』 */
        {"\"", "\""},
    };
    sc->nquotes = 0;
    for (size_t i = 0; i < len && sc->nquotes < PX_MAX_QUOTES; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c != '"' && c != 0xE2 && c != 0xC2 && c != 0xE3)
            continue; /* no mark starts here: most bytes */
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
            size_t ol = strlen(marks[m].open);
            if (i + ol > len || memcmp(text + i, marks[m].open, ol) != 0)
                continue;
            size_t cl = strlen(marks[m].close);
            size_t j = i + ol;
            while (j + cl <= len && memcmp(text + j, marks[m].close, cl) != 0)
                j++;
            if (j + cl > len)
                break; /* unclosed: not a quotation */
            sc->quotes[sc->nquotes][0] = (uint32_t)(i + ol);
            sc->quotes[sc->nquotes][1] = (uint32_t)j;
            sc->nquotes++;
            i = j + cl - 1;
            break;
        }
    }
}

/* Most words before a lead-in colon ("The embassy says:", "Must read:", a statement's title
 * posted with an excerpt of it); a CJK character counts half. */
#define PX_LEAD_TOKENS 20

/* What follows a lead-in colon is a quotation too: the first ':' followed by white space or a
 * quotation mark (not "https:" or "10:30"), or a full-width '：', after 1..PX_LEAD_TOKENS
 * tokens, opens a region that runs to the end of the post. Called after tokenizing; tokens of
 * the region get their quotation index unless a quotation mark already claimed them. */
static void lead_in(ch_parrot_scratch *sc, const char *text, size_t len)
{
    if (sc->nquotes >= PX_MAX_QUOTES || sc->n == 0)
        return;
    size_t c = SIZE_MAX, after = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == ':' && (i + 1 == len || text[i + 1] == ' ' || text[i + 1] == '\n' ||
                               text[i + 1] == '"' || (unsigned char)text[i + 1] == 0xE2)) {
            c = i;
            after = i + 1;
            break;
        }
        if (i + 2 < len && memcmp(text + i, "\xEF\xBC\x9A", 3) == 0) {
            c = i;
            after = i + 3;
            break;
        }
    }
    if (c == SIZE_MAX)
        return;
    size_t before = 0;
    double words = 0; /* a CJK character counts half, as everywhere */
    while (before < sc->n && sc->os[before] < c)
        words += (sc->fl[before++] & PX_CJK) ? 0.5 : 1.0;
    if (before == 0 || words > PX_LEAD_TOKENS || before == sc->n)
        return;
    uint8_t q = (uint8_t)(sc->nquotes + 1);
    sc->quotes[sc->nquotes][0] = (uint32_t)after;
    sc->quotes[sc->nquotes][1] = (uint32_t)len;
    sc->nquotes++;
    for (size_t t = before; t < sc->n; t++)
        if (!sc->qr[t])
            sc->qr[t] = q;
}

/* Normalizes the post and turns it into canonical tokens (text/lex.h; in the statements'
 * language, or guessed from the text when they have several; lower-case hashtags split into
 * the statements' words); looks up its shingles. */
static int prepare(ch_parrot_scratch *sc, const char *text, size_t len)
{
    const ch_parrot_index *ix = sc->ix;
    int rc = ch_normalize(text, len, CH_NORM_MAP | ch_lex_norm_flags(ix->p.lex), &sc->nb);
    if (rc)
        return rc;
    find_quotes(sc, text, len);
    sc->nmarks = sc->nquotes;
    const ch_lex_tok *lt;
    size_t nt, n = 0, qg = 0;
    if ((rc = ch_lex_tokens(sc->lx, text, len, &sc->nb, ix->post_lang, px_known_word, ix,
                            ix->p.max_post_tokens, &lt, &nt, NULL)))
        return rc;
    for (; n < nt; n++) {
        if ((rc = reserve_tokens(sc, n + 1)))
            return rc;
        size_t a = lt[n].ns, e = lt[n].ne;
        const char *t = sc->nb.s + a;
        sc->h[n] = lt[n].hash;
        sc->ns[n] = (uint32_t)a;
        sc->ne[n] = (uint32_t)e;
        uint32_t os = lt[n].os;
        sc->os[n] = os;
        uint8_t fl = px_is_cjk(t, e - a) ? PX_CJK : 0;
        if (lt[n].flags & CH_LEXT_TAG)
            fl |= PX_HASHTAG;
        if (lt[n].flags & CH_LEXT_MENTION)
            fl |= PX_MENTION;
        if (lt[n].flags & CH_LEXT_PIECE)
            fl |= PX_PIECE;
        while (qg < sc->nquotes && sc->quotes[qg][1] <= os)
            qg++;
        sc->qr[n] = qg < sc->nquotes && sc->quotes[qg][0] <= os ? (uint8_t)(qg + 1) : 0;
        if (n > 0 && px_ends_sentence(text, lt[n - 1].oe, os))
            fl |= PX_BREAK;
        if (n == 0 && e - a == 2 && t[0] == 'r' && t[1] == 't' && len >= 2 && text[0] == 'R' &&
            text[1] == 'T')
            fl |= PX_SKIP; /* "RT @user:" of an old-style retweet */
        sc->fl[n] = fl;
        sc->nw[n] = lt[n].words;
    }
    sc->n = n;
    if (n == 0)
        return CHORUS_OK; /* nothing to match (and no arrays yet on a fresh scratch) */
    lead_in(sc, text, len);
    const unsigned k = ix->p.shingle;
    sc->brk[0] = 0;
    for (size_t i = 1; i < n; i++)
        sc->brk[i] = sc->brk[i - 1] + ((sc->fl[i] & PX_BREAK) != 0);
    sc->hu[0] = 0;
    for (size_t i = 0; i < n; i++)
        sc->hu[i + 1] = sc->hu[i] + ((sc->fl[i] & PX_CJK) ? 1 : 2);
    for (size_t i = 0; i + k <= n; i++) {
        sc->key[i] = px_shingle_key(sc->h + i, k);
        sc->sh[i] = sc->brk[i + k - 1] != sc->brk[i] ? NULL /* spans a sentence end */
                                                     : px_find(ix, sc->key[i]);
    }
    return CHORUS_OK;
}

/* ---- candidates ---------------------------------------------------------------------- */

/* Tie-break key: statements published at or before the post first (latest first), then
 * those without a date, then later ones (earliest first). Smaller is preferred. */
static uint64_t time_key(const ch_statement *st, int64_t t)
{
    const uint64_t cap = (1ULL << 62) - 1;
    if (st->published_at == CH_UNKNOWN_I64 || t == CH_UNKNOWN_I64)
        return 1ULL << 62;
    int64_t d;
    if (st->published_at <= t) {
        if (__builtin_sub_overflow(t, st->published_at, &d) || (uint64_t)d > cap)
            return cap;
        return (uint64_t)d;
    }
    if (__builtin_sub_overflow(st->published_at, t, &d) || (uint64_t)d > cap)
        return (2ULL << 62) + cap;
    return (2ULL << 62) + (uint64_t)d;
}

/* Is candidate a better than b? */
static bool cand_better(const ch_parrot_scratch *sc, uint32_t a, uint32_t b, int64_t t)
{
    if (sc->acc[a].votes != sc->acc[b].votes)
        return sc->acc[a].votes > sc->acc[b].votes;
    uint64_t ta = time_key(ch_stmtset_get(sc->ix->set, a), t);
    uint64_t tb = time_key(ch_stmtset_get(sc->ix->set, b), t);
    if (ta != tb)
        return ta < tb;
    return a < b;
}

/* Shingles vote for the statements holding them, rarest first, until the budget of postings
 * is spent. Candidates, best votes first: statements hit by PX_MIN_HITS shingles whose votes
 * reach PX_VOTE_FLOOR of the best statement's. */
static void vote(ch_parrot_scratch *sc, int64_t post_time)
{
    const ch_parrot_index *ix = sc->ix;
    const unsigned k = ix->p.shingle;
    size_t no = 0;
    sc->ncand = 0;
    if (sc->n < k)
        return;
    for (size_t i = 0; i + k <= sc->n; i++)
        if (sc->sh[i])
            sc->order[no++] = (uint64_t)sc->sh[i]->cnt << 32 | i;
    if (no == 0)
        return;
    ch_sort(sc->order, no, sizeof *sc->order, ch_cmp_u64);
    size_t budget = ix->p.vote_budget;
    sc->ntouched = 0;
    for (size_t o = 0; o < no; o++) {
        const px_slot *sl = sc->sh[(uint32_t)sc->order[o]];
        if (sl->cnt > budget)
            break; /* sorted: every later shingle is at least as common */
        budget -= sl->cnt;
        float w = (float)px_idf(ix, sl->cnt);
        for (uint32_t p = sl->off, e = sl->off + sl->cnt; p < e; p++) {
            uint32_t s = ix->post[p];
            px_vote *v = &sc->acc[s];
            if (v->hits == 0)
                sc->touched[sc->ntouched++] = s;
            v->hits++;
            v->votes += w;
        }
    }
    const unsigned K = ix->p.max_candidates;
    float best = 0;
    for (size_t t = 0; t < sc->ntouched; t++) {
        uint32_t s = sc->touched[t];
        if (sc->acc[s].hits >= PX_MIN_HITS && sc->acc[s].votes > best)
            best = sc->acc[s].votes;
    }
    const float floor = best * PX_VOTE_FLOOR;
    for (size_t t = 0; t < sc->ntouched; t++) {
        uint32_t s = sc->touched[t];
        if (sc->acc[s].hits < PX_MIN_HITS || sc->acc[s].votes < floor)
            continue;
        /* the K-th candidate is the bar: most statements fall below it at one comparison */
        if (sc->ncand == K && sc->acc[s].votes < sc->acc[sc->cand[K - 1]].votes)
            continue;
        size_t pos = sc->ncand;
        while (pos > 0 && cand_better(sc, s, sc->cand[pos - 1], post_time))
            pos--;
        if (pos >= K)
            continue;
        size_t end = sc->ncand < K ? sc->ncand : K - 1;
        memmove(sc->cand + pos + 1, sc->cand + pos, (end - pos) * sizeof *sc->cand);
        sc->cand[pos] = s;
        if (sc->ncand < K)
            sc->ncand++;
    }
    for (size_t t = 0; t < sc->ntouched; t++) {
        sc->acc[sc->touched[t]] = (px_vote){0, 0};
    }
    sc->ntouched = 0;
}

/* ---- alignment ----------------------------------------------------------------------- */

/* Optimal string alignment distance (Damerau-Levenshtein without repeated edits) of two short
 * byte strings, or bound + 1 when it exceeds bound. */
static unsigned osa(const char *a, size_t la, const char *b, size_t lb, unsigned bound)
{
    unsigned d[34][34];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned rowmin = ~0u;
        for (size_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > bound)
            return bound + 1;
    }
    return d[la][lb];
}

/* Post token p equals statement token q (absolute index) up to a typo: one edit for words of
 * 4-7 bytes, two from 8 bytes; CJK characters and shorter words must be equal. */
static bool tok_eq(const ch_parrot_scratch *sc, size_t p, uint32_t stmt, size_t q)
{
    const ch_parrot_index *ix = sc->ix;
    const px_tok *t = &ix->toks[q];
    if ((uint32_t)sc->h[p] == t->hash)
        return true;
    if ((sc->fl[p] & PX_CJK) || (t->flags & PX_CJK))
        return false;
    size_t la = sc->ne[p] - sc->ns[p], lb = t->nlen;
    if (la < 4 || lb < 4 || la > 32 || lb > 32)
        return false;
    size_t mx = la > lb ? la : lb;
    unsigned bound = mx >= 8 ? 2 : 1;
    if ((la > lb ? la - lb : lb - la) > bound)
        return false;
    return osa(sc->nb.s + sc->ns[p], la, ix->ntext + ix->nbase[stmt] + t->nstart, lb, bound) <=
           bound;
}

/* Aligns post tokens [p0, p1) with statement tokens [q0, q1) (relative to base) by a longest
 * common subsequence under tok_eq; matched post tokens get cov 1, as many of the others as
 * there are unmatched statement tokens count as substitutions (cov 2). */
static void align_gap(ch_parrot_scratch *sc, uint32_t stmt, uint32_t base, size_t p0, size_t p1,
                      size_t q0, size_t q1)
{
    size_t gp = p1 - p0, gs = q1 > q0 ? q1 - q0 : 0;
    if (gp == 0)
        return;
    if (gp > PX_GAP_CAP || gs > PX_GAP_CAP || gs == 0) {
        for (size_t x = 0; x < gp; x++)
            if (sc->cov[p0 + x] == 0)
                sc->cov[p0 + x] = x < gs ? 2 : 0;
        return;
    }
    uint8_t L[PX_GAP_CAP + 1][PX_GAP_CAP + 1];
    uint8_t eq[PX_GAP_CAP][PX_GAP_CAP];
    for (size_t x = 0; x < gp; x++)
        for (size_t y = 0; y < gs; y++)
            eq[x][y] = tok_eq(sc, p0 + x, stmt, base + q0 + y);
    for (size_t x = 0; x <= gp; x++)
        L[x][gs] = 0;
    for (size_t y = 0; y <= gs; y++)
        L[gp][y] = 0;
    for (size_t x = gp; x-- > 0;)
        for (size_t y = gs; y-- > 0;) {
            uint8_t v = L[x + 1][y] > L[x][y + 1] ? L[x + 1][y] : L[x][y + 1];
            if (eq[x][y] && L[x + 1][y + 1] + 1 > v)
                v = (uint8_t)(L[x + 1][y + 1] + 1);
            L[x][y] = v;
        }
    size_t x = 0, y = 0, matched = 0;
    while (x < gp && y < gs) {
        if (eq[x][y] && L[x][y] == L[x + 1][y + 1] + 1) {
            sc->cov[p0 + x] = 1;
            sc->pm[p0 + x] = (int32_t)(q0 + y);
            matched++;
            x++;
            y++;
        } else if (L[x + 1][y] >= L[x][y + 1]) {
            x++;
        } else {
            y++;
        }
    }
    size_t subst = gs - matched;
    for (size_t z = 0; z < gp; z++) {
        if (sc->cov[p0 + z] == 0 && subst > 0) {
            sc->cov[p0 + z] = 2;
            subst--;
        }
    }
}

/* Anchors of candidate statement s: for every post shingle, its occurrences in s, found by
 * binary search in s's forward index and confirmed token by token (the index keeps 32 bits of
 * the key). */
static int collect_anchors(ch_parrot_scratch *sc, uint32_t s)
{
    const ch_parrot_index *ix = sc->ix;
    const unsigned k = sc->ix->p.shingle;
    const px_fwd *f0 = ix->fwd + ix->fwd_base[s], *f1 = ix->fwd + ix->fwd_base[s + 1];
    const px_tok *st = ix->toks + ix->tok_base[s];
    sc->nan = 0;
    size_t npos = sc->n >= k ? sc->n - k + 1 : 0;
    for (size_t i = 0; i < npos; i++) {
        sc->afirst[i] = (uint32_t)sc->nan;
        if (!sc->sh[i])
            continue;
        uint32_t fp = (uint32_t)sc->key[i];
        const px_fwd *lo = f0, *hi = f1;
        while (lo < hi) {
            const px_fwd *mid = lo + (hi - lo) / 2;
            if (mid->fp < fp)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (unsigned c = 0; lo < f1 && lo->fp == fp && c < PX_MAX_OCC; lo++) {
            bool same = true;
            for (unsigned t = 0; t < k && same; t++)
                same = st[lo->pos + t].hash == (uint32_t)sc->h[i + t];
            if (!same)
                continue;
            int rc = reserve_anchors(sc, sc->nan + 1);
            if (rc)
                return rc;
            sc->an[sc->nan++] = (px_anchor){(uint32_t)i, lo->pos};
            c++;
        }
    }
    sc->afirst[npos] = (uint32_t)sc->nan;
    return CHORUS_OK;
}

/* Statement tokens [q0, q1] (absolute) include a sentence start. */
static bool stmt_break(const ch_parrot_index *ix, uint32_t q0, uint32_t q1)
{
    for (uint32_t q = q0; q <= q1; q++)
        if (ix->toks[q].flags & PX_BREAK)
            return true;
    return false;
}

/* Length of statement tokens [q0, q1) (absolute) in half words: a CJK character is half a
 * word, as everywhere, so gap limits mean the same in Chinese as in English. */
static uint32_t stmt_half(const ch_parrot_index *ix, uint32_t q0, uint32_t q1)
{
    uint32_t u = 0;
    for (uint32_t q = q0; q < q1; q++)
        u += (ix->toks[q].flags & PX_CJK) ? 1 : 2;
    return u;
}

static void chain_dp(ch_parrot_scratch *sc, uint32_t base)
{
    const unsigned k = sc->ix->p.shingle;
    /* widest link in tokens: a gap of PX_MAX_GAP words of CJK characters */
    const uint32_t G = k + 2 * PX_MAX_GAP;
    for (size_t a = 0; a < sc->nan; a++) {
        uint32_t ia = sc->an[a].i, ja = sc->an[a].j;
        float best = (float)k;
        int32_t bp = -1;
        uint32_t lo = ia > G ? ia - G : 0;
        for (uint32_t ip = ia; ip-- > lo;) {
            for (uint32_t b = sc->afirst[ip]; b < sc->afirst[ip + 1]; b++) {
                uint32_t jb = sc->an[b].j;
                if (jb >= ja)
                    break; /* anchors at one position are sorted by statement position */
                uint32_t di = ia - ip, dj = ja - jb;
                if (dj > G + 2 * PX_MAX_DRIFT)
                    continue;
                /* words skipped in the post, and the difference between the two texts'
                 * spans (words inserted or dropped), in half words */
                uint32_t gap = di > k ? sc->hu[ia] - sc->hu[ip + k] : 0;
                uint32_t pspan = sc->hu[ia] - sc->hu[ip];
                uint32_t sspan = stmt_half(sc->ix, base + jb, base + ja);
                uint32_t drift = pspan > sspan ? pspan - sspan : sspan - pspan;
                if (gap > 2 * PX_MAX_GAP || drift > 2 * PX_MAX_DRIFT)
                    continue;
                /* two sentences of the post do not make one of the statement: "China's
                 * internal affair. No foreign meddling." is not "...internal affairs that
                 * brook no foreign interference" */
                if (di >= k && sc->brk[ia] != sc->brk[ip + k - 1] &&
                    !(dj >= k && stmt_break(sc->ix, base + jb + k, base + ja)))
                    continue;
                float gain = (float)(di < k ? di : k);
                float pen = 0.125f * (float)drift + 0.0625f * (float)gap;
                float v = sc->f[b] + gain - pen;
                if (v > best) {
                    best = v;
                    bp = (int32_t)b;
                }
            }
        }
        sc->f[a] = best;
        sc->prev[a] = bp;
        sc->used[a] = 0;
        /* order key: best score first, then earlier post position */
        uint32_t fk = (uint32_t)(best * 64.0f);
        sc->aord[a] = (uint64_t)(0xFFFFFFFFu - fk) << 32 | (uint32_t)a;
    }
}

/* Words of post token t for the word floors: a CJK character is half a word; a token that
 * joins words counts them all; the words of an @mention count none (a shared handle is no
 * copied text: "RT @PaulFox13: 11:00 pm update" does not copy "RT @PaulFox13: 5:00 pm
 * UPDATE"); a split hashtag counts one word, as written ("#UpTheWayYouFly"). */
static double px_words(const ch_parrot_scratch *sc, size_t t)
{
    if (sc->fl[t] & (PX_MENTION | PX_PIECE))
        return 0;
    return ((sc->fl[t] & PX_CJK) ? 0.5 : 1.0) * sc->nw[t];
}

static bool overlaps_taken(const ch_parrot_scratch *sc, uint32_t i, unsigned k)
{
    for (unsigned t = 0; t < k; t++)
        if (sc->taken[i + t])
            return true;
    return false;
}

/* Widens a segment over tokens that match up to a typo; one differing token is taken as a
 * substitution when the two tokens beyond it match. dir = -1 (left) or +1 (right). */
static void extend(ch_parrot_scratch *sc, uint32_t stmt, uint32_t base, uint32_t slen,
                   px_seg *g, int dir)
{
    for (;;) {
        long p = dir < 0 ? (long)g->p0 - 1 : (long)g->p1;
        long q = dir < 0 ? (long)g->s0 - 1 : (long)g->s1;
        if (p < 0 || q < 0 || (size_t)p >= sc->n || (uint32_t)q >= slen || sc->taken[p])
            return;
        /* not over a sentence end of the post that the statement does not share */
        size_t pb = dir < 0 ? (size_t)p + 1 : (size_t)p;
        uint32_t qb = dir < 0 ? base + (uint32_t)q + 1 : base + (uint32_t)q;
        if ((sc->fl[pb] & PX_BREAK) && !(sc->ix->toks[qb].flags & PX_BREAK))
            return;
        if (tok_eq(sc, (size_t)p, stmt, base + (uint32_t)q)) {
            /* A word equal to the one beside the chain whose next word (further out) does not
             * match is a coincidence ("suffers.” The statement..." against "suffers. The
             * Canadian side..."): had it been copied, the pair would have been an anchor.
             * A mistyped word is taken alone: that is what breaks the pairs at the edges. */
            long p2 = p + dir, q2 = q + dir;
            bool exact = (uint32_t)sc->h[p] == sc->ix->toks[base + (uint32_t)q].hash;
            if (exact && p2 >= 0 && (size_t)p2 < sc->n && q2 >= 0 && (uint32_t)q2 < slen &&
                !sc->taken[p2] && !tok_eq(sc, (size_t)p2, stmt, base + (uint32_t)q2))
                return;
            sc->cov[p] = 1;
            sc->pm[p] = (int32_t)q;
        } else {
            long p2 = p + dir, q2 = q + dir, p3 = p + 2 * dir, q3 = q + 2 * dir;
            if (p3 < 0 || q3 < 0 || (size_t)p3 >= sc->n || (uint32_t)q3 >= slen ||
                sc->taken[p2] || sc->taken[p3] ||
                !tok_eq(sc, (size_t)p2, stmt, base + (uint32_t)q2) ||
                !tok_eq(sc, (size_t)p3, stmt, base + (uint32_t)q3))
                return;
            sc->cov[p] = 2;
            sc->pm[p] = -1;
        }
        if (dir < 0) {
            g->p0--;
            g->s0--;
        } else {
            g->p1++;
            g->s1++;
        }
    }
}

static int cmp_seg(const void *a, const void *b)
{
    const px_seg *x = a, *y = b;
    return x->p0 < y->p0 ? -1 : x->p0 > y->p0;
}

/* Verifies candidate s: chains, segments, similarity. Fills *m and returns true when it is a
 * match. */
static int verify(ch_parrot_scratch *sc, uint32_t s, const char *text, size_t len,
                  bool sentences, ch_parrot_match *m, bool *ok)
{
    const ch_parrot_index *ix = sc->ix;
    const unsigned k = ix->p.shingle;
    const uint32_t base = ix->tok_base[s], slen = ix->tok_base[s + 1] - base;
    *ok = false;
    int rc = collect_anchors(sc, s);
    if (rc)
        return rc;
    if (sc->nan == 0)
        return CHORUS_OK;
    chain_dp(sc, base);
    ch_sort(sc->aord, sc->nan, sizeof *sc->aord, ch_cmp_u64);
    memset(sc->cov, 0, sc->n);
    memset(sc->taken, 0, sc->n);
    for (size_t t = 0; t < sc->n; t++)
        sc->pm[t] = -1;

    px_seg segs[CH_PARROT_MAX_SEG];
    size_t nseg = 0;
    for (size_t o = 0; o < sc->nan && nseg < CH_PARROT_MAX_SEG; o++) {
        uint32_t a = (uint32_t)sc->aord[o];
        if (sc->used[a])
            continue;
        sc->used[a] = 1;
        if (overlaps_taken(sc, sc->an[a].i, k))
            continue;
        /* the chain ending at a, back to its first free anchor */
        size_t nc = 0;
        sc->chain[nc++] = a;
        for (int32_t b = sc->prev[a]; b >= 0 && !sc->used[b] &&
                                      !overlaps_taken(sc, sc->an[b].i, k);
             b = sc->prev[b]) {
            sc->used[b] = 1;
            sc->chain[nc++] = (uint32_t)b;
        }
        /* chain[] runs backwards; anchors fill cov, consecutive ones get their gap aligned */
        for (size_t c = nc; c-- > 0;) {
            const px_anchor *x = &sc->an[sc->chain[c]];
            for (unsigned t = 0; t < k; t++) {
                sc->cov[x->i + t] = 1;
                sc->pm[x->i + t] = (int32_t)(x->j + t);
            }
            if (c + 1 < nc) {
                const px_anchor *y = &sc->an[sc->chain[c + 1]]; /* the anchor before x */
                if (x->i > y->i + k)
                    align_gap(sc, s, base, y->i + k, x->i, y->j + k, x->j);
            }
        }
        const px_anchor *first = &sc->an[sc->chain[nc - 1]], *last = &sc->an[sc->chain[0]];
        px_seg g = {first->i, last->i + k, first->j, last->j + k};
        extend(sc, s, base, slen, &g, -1);
        extend(sc, s, base, slen, &g, +1);
        double got = 0;
        for (uint32_t t = g.p0; t < g.p1; t++)
            if (sc->cov[t] == 1)
                got += px_words(sc, t);
        if (got < PX_SEG_MIN) {
            for (uint32_t t = g.p0; t < g.p1; t++) {
                sc->cov[t] = 0;
                sc->pm[t] = -1;
            }
            continue;
        }
        for (uint32_t t = g.p0; t < g.p1; t++)
            sc->taken[t] = 1;
        /* every other occurrence of these post shingles is spent */
        for (uint32_t t = g.p0; t + k <= g.p1 && t < sc->n; t++)
            for (uint32_t b = sc->afirst[t]; b < sc->afirst[t + 1]; b++)
                sc->used[b] = 1;
        segs[nseg++] = g;
    }
    if (nseg == 0)
        return CHORUS_OK;

    /* Weights of this alignment: a mistyped word weighs what the statement's word weighs (as
     * a word no statement has, "neglectted" would weigh most and inflate both sums). */
    for (size_t t = 0; t < sc->n; t++) {
        sc->wc[t] = sc->w[t];
        if (sc->cov[t] == 1 && sc->pm[t] >= 0) {
            const px_tok *q = &ix->toks[base + (uint32_t)sc->pm[t]];
            if (q->hash != (uint32_t)sc->h[t])
                sc->wc[t] = px_idf(ix, px_df(ix, q->hash));
        }
    }
    /* containment of the post in the statement; a token that joins words ("62 per cent")
     * weighs as the words it stands for */
    double num = 0, den = 0, matched = 0, in_marks = 0;
    for (size_t t = 0; t < sc->n; t++) {
        if (sc->fl[t] & PX_SKIP)
            continue;
        if (!sc->taken[t] && (sc->fl[t] & PX_HASHTAG))
            continue; /* a tag added to the copy, not part of it */
        den += sc->wc[t] * sc->nw[t];
        if (sc->cov[t] == 1) {
            num += sc->wc[t] * sc->nw[t];
            matched += px_words(sc, t);
            if (sc->qr[t] && sc->qr[t] <= sc->nmarks)
                in_marks += px_words(sc, t);
        } else if (sc->cov[t] == 2) {
            num += ix->p.subst_credit * sc->wc[t] * sc->nw[t];
        }
    }
    double sim = den > 0 ? num / den : 0;
    /* A quotation is measured on its own: a journalist who quotes one sentence between a
     * lead-in and a comment quotes it as faithfully as a bot that posts it bare. Quotations are
     * text in quotation marks and text after a lead-in colon (lead_in). The quotation must hold
     * a passage long enough to match by itself. */
    for (size_t q = 1; q <= sc->nquotes; q++) {
        double qn = 0, qd = 0, qm = 0;
        for (size_t t = 0; t < sc->n; t++) {
            if (sc->qr[t] != q || (sc->fl[t] & PX_SKIP) ||
                (!sc->taken[t] && (sc->fl[t] & PX_HASHTAG)))
                continue;
            qd += sc->wc[t] * sc->nw[t];
            if (sc->cov[t] == 1) {
                qn += sc->wc[t] * sc->nw[t];
                qm += px_words(sc, t);
            } else if (sc->cov[t] == 2) {
                qn += ix->p.subst_credit * sc->wc[t] * sc->nw[t];
            }
        }
        if (qm >= ix->p.min_tokens && qd > 0 && qn / qd > sim)
            sim = qn / qd;
    }
    /* With `sentences` (a second look when no statement matched the whole post), each
     * sentence of a post of several sentences is measured on its own too: a post that carries a
     * whole sentence of a statement copies it, whatever sentence it adds of its own ("..., in
     * Canada's internal affairs. The media won't tell you this."): the copied stock words weigh
     * little against the added ones. Like a quotation, the sentence must hold a passage long
     * enough to match by itself, it must be at least half of the post's words, and it must be
     * nearly a copy (PX_SENT_STRICT): a sentence of stock words chained over a few others
     * ("Thank you, X for your good wishes and your prayers" against "Thank you to both of you
     * for your partnership, your giving spirit and your passion") is not. Only as a second look: a post copying two sentences of one
     * statement, one of them a stock sentence found in many, must keep preferring that one. */
    if (sentences) {
        /* words of the post, as the similarity counts them: the sentence must be most of the
         * post (what a light rewrite adds is short; a boilerplate line such as an image credit
         * shared by long posts is not a copy of them) */
        double all = 0;
        for (size_t t = 0; t < sc->n; t++)
            if (!(sc->fl[t] & PX_SKIP) && (sc->taken[t] || !(sc->fl[t] & PX_HASHTAG)))
                all += px_words(sc, t);
        double qn = 0, qd = 0, qm = 0, qw = 0;
        const double strict = ix->p.threshold + (1 - ix->p.threshold) * PX_SENT_STRICT;
        uint32_t cur = 0;
        for (size_t t = 0; t <= sc->n; t++) {
            if (t == sc->n || sc->brk[t] != cur) {
                if (qm >= ix->p.min_tokens && qd > 0 && qw * 2 >= all && qn / qd >= strict &&
                    qn / qd > sim)
                    sim = qn / qd;
                if (t == sc->n)
                    break;
                qn = qd = qm = qw = 0;
                cur = sc->brk[t];
            }
            if ((sc->fl[t] & PX_SKIP) || (!sc->taken[t] && (sc->fl[t] & PX_HASHTAG)))
                continue;
            qw += px_words(sc, t);
            qd += sc->wc[t] * sc->nw[t];
            if (sc->cov[t] == 1) {
                qn += sc->wc[t] * sc->nw[t];
                qm += px_words(sc, t);
            } else if (sc->cov[t] == 2) {
                qn += ix->p.subst_credit * sc->wc[t] * sc->nw[t];
            }
        }
    }
    if (sim > 1)
        sim = 1;
    if (sim < ix->p.threshold || matched < ix->p.min_tokens)
        return CHORUS_OK;

    ch_sort(segs, nseg, sizeof *segs, cmp_seg);
    memset(m, 0, sizeof *m);
    m->stmt = s;
    m->similarity = (float)sim;
    m->matched_tokens = (float)matched;
    m->quoted = in_marks * 2 > matched;
    m->nseg = (uint32_t)nseg;
    m->post_start = m->stmt_start = UINT32_MAX;
    for (size_t i = 0; i < nseg; i++) {
        const px_seg *g = &segs[i];
        size_t ps, pe;
        if (ch_norm_orig_range(&sc->nb, text, len, sc->ns[g->p0], sc->ne[g->p1 - 1], &ps, &pe)) {
            ps = sc->os[g->p0];
            pe = sc->os[g->p1 - 1] + 1;
        }
        ch_parrot_seg *o = &m->seg[i];
        o->post_start = (uint32_t)ps;
        o->post_end = (uint32_t)pe;
        o->stmt_start = ix->toks[base + g->s0].ostart;
        o->stmt_end = ix->toks[base + g->s1 - 1].oend;
        if (o->post_start < m->post_start)
            m->post_start = o->post_start;
        if (o->post_end > m->post_end)
            m->post_end = o->post_end;
        if (o->stmt_start < m->stmt_start)
            m->stmt_start = o->stmt_start;
        if (o->stmt_end > m->stmt_end)
            m->stmt_end = o->stmt_end;
    }
    *ok = true;
    return CHORUS_OK;
}

/* ---- entry points ---------------------------------------------------------------------- */

/* Is result a better than b? Higher similarity, then the time rule, then more matched
 * tokens. Equal similarity means the same passage found in both statements; matched tokens
 * then differ only by incidental words outside it, which say nothing about the source. */
static bool res_better(const ch_parrot_scratch *sc, const ch_parrot_match *a,
                       const ch_parrot_match *b, int64_t t)
{
    if (a->similarity != b->similarity)
        return a->similarity > b->similarity;
    uint64_t ta = time_key(ch_stmtset_get(sc->ix->set, a->stmt), t);
    uint64_t tb = time_key(ch_stmtset_get(sc->ix->set, b->stmt), t);
    if (ta != tb)
        return ta < tb;
    if (a->matched_tokens != b->matched_tokens)
        return a->matched_tokens > b->matched_tokens;
    return a->stmt < b->stmt;
}

int ch_parrot_match_text(const ch_parrot_index *ix, ch_parrot_scratch *sc, const char *text,
                         size_t len, int64_t post_time, unsigned max_matches,
                         const ch_parrot_match **out, size_t *n)
{
    *out = sc->res;
    *n = 0;
    sc->nres = 0;
    if (sc->ix != ix)
        return CHORUS_EUSAGE;
    int rc = prepare(sc, text, len);
    if (rc)
        return rc;
    vote(sc, post_time);
    if (sc->ncand == 0)
        return CHORUS_OK;
    for (size_t t = 0; t < sc->n; t++)
        sc->w[t] = px_idf(ix, px_df(ix, sc->h[t]));
    /* the whole post (and its quotations); then, when nothing matched and the post has several
     * sentences, each sentence on its own (see verify) */
    bool several = (ix->p.lex & CH_LEX_SENTENCES) && sc->n > 1 && sc->brk[sc->n - 1] > 0;
    for (int look = 0; look < 1 + several && sc->nres == 0; look++) {
        for (size_t c = 0; c < sc->ncand; c++) {
            ch_parrot_match m;
            bool ok;
            if ((rc = verify(sc, sc->cand[c], text, len, look == 1, &m, &ok)))
                return rc;
            if (!ok)
                continue;
            size_t pos = sc->nres;
            while (pos > 0 && res_better(sc, &m, &sc->res[pos - 1], post_time))
                pos--;
            memmove(sc->res + pos + 1, sc->res + pos, (sc->nres - pos) * sizeof *sc->res);
            sc->res[pos] = m;
            sc->nres++;
        }
    }
    *n = sc->nres < max_matches ? sc->nres : max_matches;
    return CHORUS_OK;
}
