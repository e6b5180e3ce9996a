/*
 * coact_compat.c — the compatibility modes of the co-action stage (coact.h, "Compatibility
 * modes"): the edges CooRTweet 2.1.3 and QUT's Coordination Network Toolkit (CNT) would draw
 * from the same events, for a methods section that cites those tools. No null model, no test:
 * each tool's own rule, reproduced exactly where the data model allows (docs/coordination.md
 * §11 says where it does not).
 *
 * Per behaviour, every co-acting event pair (two events on one object, by different accounts,
 * at most the window apart; no rank bound, no crowd limit) becomes one record (pair, object,
 * the two posts). Records are sorted by (pair, object, posts) and each pair's run gives:
 * n_events (records), n_objects (distinct objects), and the two directed CNT weights
 * (distinct posts of a, of b). CooRTweet's participation filter needs, per account, how many
 * of its events co-act: a mark per post from the records.
 *
 * CNT's co-similarity (in the narrative slot) has no object: the posts that are not reposts
 * are swept in time order and every two within the window are compared by the Jaccard
 * similarity of their word sets (CNT's tokenize(): lower case, @mentions removed, words at
 * Unicode word boundaries, approximated here with utf8proc's categories: runs of letters,
 * marks, digits and connectors, with an apostrophe, period or colon between two letters and
 * a comma, period or semicolon between two digits kept inside; every other visible character
 * alone; Han, Hiragana and Thai characters one each).
 *
 * Bounds: the records of one behaviour take at most o->max_table_bytes (CHORUS_ELIMIT beyond,
 * "use a shorter window"); co-similarity compares at most CH_COMPAT_MAX_COMPARISONS post
 * pairs. Cost: O(R log R) for R records; co-similarity O(C * words) for C comparisons.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "core/alloc.h"
#include "core/sort.h"
#include "detect/coact/coact_int.h"

#define CH_COMPAT_MAX_COMPARISONS ((uint64_t)4000000000u)

/* One co-acting event pair: a < b accounts, their posts, the object (for co-similarity the
 * rank of the earlier post in time order, so records keep time order inside a pair). */
typedef struct crec {
    uint64_t pair;      /* a << 32 | b */
    uint32_t obj;
    uint32_t pa, pb;    /* post of a, post of b */
} crec;

typedef struct recs {
    crec *v;
    size_t n, cap, max;
} recs;

static int recs_push(recs *r, uint32_t ai, uint32_t pi, uint32_t aj, uint32_t pj, uint32_t obj)
{
    if (r->n >= r->max)
        return CHORUS_ELIMIT;
    if (r->n == r->cap && ch_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v))
        return CHORUS_ENOMEM;
    r->v[r->n++] = ai < aj ? (crec){(uint64_t)ai << 32 | aj, obj, pi, pj}
                           : (crec){(uint64_t)aj << 32 | ai, obj, pj, pi};
    return CHORUS_OK;
}

static int cmp_rec(const void *x, const void *y)
{
    const crec *a = x, *b = y;
    if (a->pair != b->pair)
        return a->pair < b->pair ? -1 : 1;
    if (a->obj != b->obj)
        return a->obj < b->obj ? -1 : 1;
    if (a->pa != b->pa)
        return a->pa < b->pa ? -1 : 1;
    return (a->pb > b->pb) - (a->pb < b->pb);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

typedef struct edges {
    ch_edge *v;
    size_t n, cap;
} edges;

static int edges_push(edges *e, const ch_edge *x)
{
    if (e->n == e->cap && ch_grow((void **)&e->v, &e->cap, e->n + 1, sizeof *e->v))
        return CHORUS_ENOMEM;
    e->v[e->n++] = *x;
    return CHORUS_OK;
}

/* Distinct values of v[0..n) (sorted in place). */
static uint32_t distinct(uint32_t *v, size_t n)
{
    ch_sort(v, n, sizeof *v, cmp_u32);
    uint32_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += i == 0 || v[i] != v[i - 1];
    return d;
}

/* The records of one pair, r[0..n), into an edge of behaviour b when the mode's rule keeps it.
 * pass: CooRTweet's participating accounts (NULL for CNT). scratch holds n entries. */
static int pair_edge(const ch_coact_opts *o, uint8_t b, int64_t window, const crec *r, size_t n,
                     const uint8_t *pass, uint32_t *scratch, edges *out)
{
    const uint32_t a = (uint32_t)(r[0].pair >> 32), bb = (uint32_t)r[0].pair;
    uint32_t nobj = 0;
    for (size_t i = 0; i < n; i++)
        nobj += i == 0 || r[i].obj != r[i - 1].obj;
    double weight;
    if (o->compat == CH_COMPAT_COORTWEET) {
        if (!pass[a] && !pass[bb])
            return CHORUS_OK;
        weight = (double)n;   /* generate_coordinated_network: rows of the pair */
    } else {
        for (size_t i = 0; i < n; i++)
            scratch[i] = r[i].pa;
        const uint32_t wab = distinct(scratch, n);
        for (size_t i = 0; i < n; i++)
            scratch[i] = r[i].pb;
        const uint32_t wba = distinct(scratch, n);
        const uint32_t w = wab > wba ? wab : wba;
        if (w < o->compat_min)
            return CHORUS_OK;
        weight = w;
    }
    const ch_edge e = {.a = a, .b = bb, .behaviour = b, .n_objects = nobj,
                       .n_events = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n,
                       .n_occasions = nobj, .weight = weight, .expected = NAN,
                       .pvalue = NAN, .window = window};
    return edges_push(out, &e);
}

/* Sorts the records and turns each pair's run into an edge. */
static int records_to_edges(const ch_coact_opts *o, uint8_t b, int64_t window, recs *rs,
                            const uint8_t *pass, edges *out)
{
    ch_sort(rs->v, rs->n, sizeof *rs->v, cmp_rec);
    size_t longest = 0;
    for (size_t i = 0, j; i < rs->n; i = j) {
        for (j = i + 1; j < rs->n && rs->v[j].pair == rs->v[i].pair; j++)
            ;
        if (j - i > longest)
            longest = j - i;
    }
    uint32_t *scratch = ch_malloc((longest ? longest : 1) * sizeof *scratch);
    if (!scratch)
        return CHORUS_ENOMEM;
    int rc = CHORUS_OK;
    for (size_t i = 0, j; i < rs->n && !rc; i = j) {
        for (j = i + 1; j < rs->n && rs->v[j].pair == rs->v[i].pair; j++)
            ;
        rc = pair_edge(o, b, window, rs->v + i, j - i, pass, scratch, out);
    }
    ch_free(scratch);
    return rc;
}

/* ---- object behaviours ------------------------------------------------------------------- */

static int object_behaviour(const ch_corpus *c, const ch_coact_opts *o, uint8_t b,
                            const ch_evset *es, int64_t window, size_t max_recs,
                            ch_compat_out *out, edges *eout)
{
    const size_t nacc = ch_corpus_naccounts(c), np = ch_corpus_nposts(c);
    const bool coortweet = o->compat == CH_COMPAT_COORTWEET;
    const uint32_t mp = o->compat_min;
    const uint64_t W = (uint64_t)window;
    recs rs = {.max = max_recs};
    uint32_t *k = NULL;
    uint8_t *mark = NULL, *pass = NULL;
    int rc = CHORUS_ENOMEM;
    if (coortweet) {
        /* detect_groups' pre-filter: accounts with fewer than min_participation rows (events
         * of this behaviour) take no part */
        if (!(k = ch_calloc(nacc ? nacc : 1, sizeof *k)) ||
            !(mark = ch_calloc(np ? np : 1, 1)) || !(pass = ch_calloc(nacc ? nacc : 1, 1)))
            goto out;
        for (size_t i = 0; i < es->n; i++)
            k[es->acct[i]]++;
    }
    uint64_t generated = 0;
    for (uint32_t ob = 0; ob < es->nobj; ob++) {
        const uint32_t s = es->ostart[ob], f = es->ostart[ob + 1];
        for (uint32_t i = s; i + 1 < f; i++) {
            const uint32_t ai = es->acct[i];
            if (coortweet && k[ai] < mp)
                continue;
            for (uint32_t j = i + 1; j < f && (uint64_t)es->t[j] - (uint64_t)es->t[i] <= W; j++) {
                const uint32_t aj = es->acct[j];
                if (aj == ai || (coortweet && k[aj] < mp))
                    continue;
                generated++;
                if ((rc = recs_push(&rs, ai, es->post[i], aj, es->post[j], ob)))
                    goto out;
            }
        }
    }
    out->pairs_generated[b] = generated;
    if (coortweet) {
        /* filter_min_participation: an account participates when at least min_participation
         * of its rows are among the co-acting contents (a post with two URLs is two rows) */
        for (size_t i = 0; i < rs.n; i++)
            mark[rs.v[i].pa] = mark[rs.v[i].pb] = 1;
        memset(k, 0, nacc * sizeof *k);
        for (size_t i = 0; i < es->n; i++)
            k[es->acct[i]] += mark[es->post[i]];
        for (size_t a = 0; a < nacc; a++)
            pass[a] = k[a] >= mp;
    }
    rc = records_to_edges(o, b, window, &rs, pass, eout);
out:
    ch_free(rs.v);
    ch_free(k);
    ch_free(mark);
    ch_free(pass);
    return rc;
}

/* ---- CNT co-similarity ------------------------------------------------------------------- */

/* Word class of a code point for the tokenizer (see the top of the file). */
enum { WC_SPACE, WC_WORD, WC_SINGLE, WC_EXTEND, WC_MIDLETTER, WC_MIDNUM, WC_MIDBOTH };

static int word_class(utf8proc_int32_t cp, bool *digit)
{
    *digit = false;
    if (cp == '\'' || cp == 0x2019 || cp == '.')
        return WC_MIDBOTH;   /* between letters, and '.' between digits too */
    if (cp == ':' || cp == 0x00B7)
        return WC_MIDLETTER;
    if (cp == ',' || cp == ';')
        return WC_MIDNUM;
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x3040 && cp <= 0x309F) || (cp >= 0x0E00 && cp <= 0x0E7F) ||
        (cp >= 0x20000 && cp <= 0x2FFFF))
        return WC_SINGLE;
    switch (utf8proc_get_property(cp)->category) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_PC:
        return WC_WORD;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        *digit = true;
        return WC_WORD;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        return WC_EXTEND;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return WC_SPACE;
    default:
        return WC_SINGLE;
    }
}

#define MAX_TOKENS 512   /* words kept per post (a post has fewer; bounds the work) */

/* The word set of text s[0..n) as sorted distinct 64-bit hashes in tok[] (at most MAX_TOKENS);
 * returns the count. Lower case by utf8proc's simple mapping. */
static size_t word_set(const char *s, size_t n, uint64_t tok[MAX_TOKENS])
{
    /* code points, lower-cased, mentions removed: '@' up to the next white space */
    utf8proc_int32_t cp[4096];
    size_t m = 0;
    bool mention = false;
    for (size_t i = 0; i < n && m < sizeof cp / sizeof cp[0];) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0) {
            i++;
            continue;
        }
        i += (size_t)k;
        bool dg;
        if (c == '@')
            mention = true;
        else if (mention && word_class(c, &dg) == WC_SPACE)
            mention = false;
        if (!mention)
            cp[m++] = utf8proc_tolower(c);
    }
    size_t nt = 0;
    for (size_t i = 0; i < m && nt < MAX_TOKENS;) {
        bool dg;
        const int wc = word_class(cp[i], &dg);
        size_t j = i + 1;
        if (wc == WC_SPACE) {
            i++;
            continue;
        }
        if (wc == WC_WORD) {
            bool last_digit = dg;
            while (j < m) {
                bool d2;
                int c2 = word_class(cp[j], &d2);
                if (c2 == WC_WORD || c2 == WC_EXTEND) {
                    if (c2 == WC_WORD)
                        last_digit = d2;
                    j++;
                    continue;
                }
                /* a joiner between two word characters of the right kind stays inside */
                bool d3 = false;
                const bool next_word = j + 1 < m && word_class(cp[j + 1], &d3) == WC_WORD;
                const bool letters = !last_digit && !d3, digits = last_digit && d3;
                if (next_word && ((c2 == WC_MIDBOTH && (letters || digits)) ||
                                  (c2 == WC_MIDLETTER && letters) || (c2 == WC_MIDNUM && digits))) {
                    j += 2;
                    last_digit = d3;
                    continue;
                }
                break;
            }
        } else {
            while (j < m) {   /* combining marks and joiners stay with their character */
                bool d2;
                if (word_class(cp[j], &d2) != WC_EXTEND)
                    break;
                j++;
            }
        }
        tok[nt++] = XXH3_64bits(cp + i, (j - i) * sizeof cp[0]);
        i = j;
    }
    /* sorted, distinct */
    for (size_t a = 1; a < nt; a++)
        for (size_t b2 = a; b2 > 0 && tok[b2] < tok[b2 - 1]; b2--) {
            uint64_t t = tok[b2];
            tok[b2] = tok[b2 - 1];
            tok[b2 - 1] = t;
        }
    size_t u = 0;
    for (size_t a = 0; a < nt; a++)
        if (u == 0 || tok[u - 1] != tok[a])
            tok[u++] = tok[a];
    return u;
}

typedef struct simpost {
    int64_t t;
    uint32_t post, acct;
    uint32_t off, ntok;   /* tokens [off, off + ntok) of the token array */
} simpost;

static int cmp_simpost(const void *x, const void *y)
{
    const simpost *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->post > b->post) - (a->post < b->post);
}

static uint32_t intersect(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb)
{
    uint32_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            k++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

static int similarity_behaviour(const ch_corpus *c, const ch_coact_opts *o, int64_t window,
                                size_t max_recs, ch_compat_out *out, edges *eout)
{
    const size_t np = ch_corpus_nposts(c);
    simpost *sp = NULL;
    uint64_t *tok = NULL;
    size_t nsp = 0, ntok = 0, captok = 0;
    recs rs = {.max = max_recs};
    int rc = CHORUS_ENOMEM;
    if (!(sp = ch_malloc((np ? np : 1) * sizeof *sp)))
        goto out;
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind == CH_KIND_REPOST || p->kind == CH_KIND_LIKE || !p->text_len)
            continue;
        uint64_t t[MAX_TOKENS];
        const size_t n = word_set(p->text, p->text_len, t);
        if (!n)   /* CNT's minimum document size of one word */
            continue;
        if (ch_grow((void **)&tok, &captok, ntok + n, sizeof *tok))
            goto out;
        memcpy(tok + ntok, t, n * sizeof *t);
        sp[nsp++] = (simpost){p->created_at, (uint32_t)i, p->account, (uint32_t)ntok, (uint32_t)n};
        ntok += n;
    }
    out->events_similarity = nsp;
    ch_sort(sp, nsp, sizeof *sp, cmp_simpost);
    const double thr = o->compat_similarity;
    const uint64_t W = (uint64_t)window;
    uint64_t compared = 0, generated = 0;
    for (size_t i = 0; i + 1 < nsp; i++) {
        for (size_t j = i + 1; j < nsp && (uint64_t)sp[j].t - (uint64_t)sp[i].t <= W; j++) {
            if (sp[j].acct == sp[i].acct)
                continue;
            if (++compared > CH_COMPAT_MAX_COMPARISONS) {
                rc = CHORUS_ELIMIT;
                goto out;
            }
            const uint32_t na = sp[i].ntok, nb = sp[j].ntok;
            /* J >= thr needs min/max >= thr: skip the merge when the sizes rule it out */
            if ((double)(na < nb ? na : nb) < thr * (double)(na < nb ? nb : na))
                continue;
            const uint32_t in = intersect(tok + sp[i].off, na, tok + sp[j].off, nb);
            if ((double)in / (double)(na + nb - in) < thr)
                continue;
            generated++;
            if ((rc = recs_push(&rs, sp[i].acct, sp[i].post, sp[j].acct, sp[j].post,
                                (uint32_t)i)))
                goto out;
        }
    }
    out->pairs_generated[CH_B_NARRATIVE] = generated;
    out->comparisons = compared;
    if ((rc = records_to_edges(o, CH_B_NARRATIVE, window, &rs, NULL, eout)))
        goto out;
    /* Evidence of the co-similarity edges: their first similar post pairs (the object sweep
     * of coact.c has nothing to sweep for them). Records are sorted by (pair, time). */
    size_t e0 = 0;
    while (e0 < eout->n && eout->v[e0].behaviour != CH_B_NARRATIVE)
        e0++;
    size_t ri = 0;
    for (size_t e = e0; e < eout->n; e++) {
        const uint64_t key = (uint64_t)eout->v[e].a << 32 | eout->v[e].b;
        while (ri < rs.n && rs.v[ri].pair < key)
            ri++;
        for (size_t k = 0; k < CH_SHARED_PER_EDGE && ri < rs.n && rs.v[ri].pair == key; k++, ri++) {
            if (ch_grow((void **)&out->sim, &out->cap_sim, out->n_sim + 1, sizeof *out->sim)) {
                rc = CHORUS_ENOMEM;
                goto out;
            }
            /* .edge indexes eout here; the caller renumbers */
            out->sim[out->n_sim++] =
                (ch_shared){.edge = (uint32_t)e, .post_a = rs.v[ri].pa, .post_b = rs.v[ri].pb};
        }
    }
    rc = CHORUS_OK;
out:
    ch_free(sp);
    ch_free(tok);
    ch_free(rs.v);
    return rc;
}

/* ---- entry point --------------------------------------------------------------------------- */

int ch_coact_compat_run(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                        const ch_evset *const es[CH_B__COUNT],
                        const int64_t window[CH_B__COUNT], ch_compat_out *out)
{
    memset(out, 0, sizeof *out);
    const size_t budget = o->max_table_bytes ? o->max_table_bytes : ((size_t)256 << 20);
    size_t max_recs = budget / sizeof(crec);
    if (max_recs < ((size_t)1 << 20))
        max_recs = (size_t)1 << 20;
    edges e = {0};
    int rc = CHORUS_OK;
    for (int b = 0; b < CH_B__COUNT && !rc; b++) {
        if (!(mask & (1u << b)))
            continue;
        if (b == CH_B_NARRATIVE && o->compat == CH_COMPAT_CNT)
            rc = similarity_behaviour(c, o, window[b], max_recs, out, &e);
        else if (es[b])
            rc = object_behaviour(c, o, (uint8_t)b, es[b], window[b], max_recs, out, &e);
    }
    if (rc) {
        ch_free(e.v);
        ch_free(out->sim);
        memset(out, 0, sizeof *out);
        return rc;
    }
    /* behaviours in order, pairs sorted inside each: sorted by (behaviour, a, b) */
    out->edges = e.v;
    out->n_edges = e.n;
    return CHORUS_OK;
}
