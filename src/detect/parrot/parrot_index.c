/* parrot_index.c — building the statement index of the parroting matcher: normalized
 * statement tokens, the shingle → (statement, position) inverted index and the token
 * document frequencies (see parrot.h and parrot_int.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/sort.h"
#include "detect/parrot/parrot_int.h"

bool px_is_cjk(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    if (n >= 3 && (u[0] & 0xF0) == 0xE0)
        c = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    else if (n >= 4 && (u[0] & 0xF8) == 0xF0)
        c = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
            ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    else
        return false;
    return (c >= 0x2E80 && c <= 0x9FFF) ||   /* radicals, kana, bopomofo, CJK unified */
           (c >= 0xAC00 && c <= 0xD7AF) ||   /* Hangul syllables */
           (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
           (c >= 0x20000 && c <= 0x3FFFF);   /* extensions B.. */
}

const px_slot *px_find(const ch_parrot_index *ix, uint64_t key)
{
    if (!ix->tcap)
        return NULL;
    size_t i = px_home(key, ix->tcap);
    for (;;) {
        const px_slot *s = &ix->tab[i];
        if (s->key == key)
            return s;
        if (s->key == 0)
            return NULL;
        if (++i == ix->tcap)
            i = 0;
    }
}

uint32_t px_df(const ch_parrot_index *ix, uint64_t token_hash)
{
    uint64_t key = px_token_key(token_hash);
    if (!ix->ucap)
        return 0;
    size_t i = px_home(key, ix->ucap);
    for (;;) {
        const px_uslot *s = &ix->utab[i];
        if (s->key == key)
            return s->df;
        if (s->key == 0)
            return 0;
        if (++i == ix->ucap)
            i = 0;
    }
}

bool px_known_word(const void *ctx, uint64_t word_hash)
{
    const ch_parrot_index *ix = ctx;
    if (!ix->vcap)
        return false;
    uint32_t k = (uint32_t)word_hash ? (uint32_t)word_hash : 1;
    for (size_t i = px_home(px_mix(k), ix->vcap);; i = i + 1 == ix->vcap ? 0 : i + 1) {
        if (ix->vocab[i] == k)
            return true;
        if (!ix->vocab[i])
            return false;
    }
}

/* Adds every normalized word of nb to the vocabulary (grown at 50% load). */
static int vocab_add(ch_parrot_index *ix, const ch_normbuf *nb, size_t *nkeys)
{
    ch_tokiter it;
    size_t a, e;
    ch_tok_init(&it, nb->s, nb->len);
    while (ch_tok_next(&it, &a, &e)) {
        if ((*nkeys + 1) * 2 > ix->vcap) {
            size_t nc;
            if (!ch_mul_ok(ix->vcap ? ix->vcap : 1024, 2, &nc))
                return CHORUS_ENOMEM;
            uint32_t *t = ch_calloc(nc, sizeof *t);
            if (!t)
                return CHORUS_ENOMEM;
            for (size_t i = 0; i < ix->vcap; i++) {
                if (!ix->vocab[i])
                    continue;
                size_t j = px_home(px_mix(ix->vocab[i]), nc);
                while (t[j])
                    j = j + 1 == nc ? 0 : j + 1;
                t[j] = ix->vocab[i];
            }
            ch_free(ix->vocab);
            ix->vocab = t;
            ix->vcap = nc;
        }
        uint64_t h = ch_tok_hash(nb->s + a, e - a);
        uint32_t k = (uint32_t)h ? (uint32_t)h : 1;
        size_t j = px_home(px_mix(k), ix->vcap);
        while (ix->vocab[j] && ix->vocab[j] != k)
            j = j + 1 == ix->vcap ? 0 : j + 1;
        if (!ix->vocab[j]) {
            ix->vocab[j] = k;
            (*nkeys)++;
        }
    }
    return CHORUS_OK;
}

/* ---- build-time open-addressing tables (grown at 50% load) ---------------------------- */

/* Rehashes a table of slot type T (a uint64_t key first, 0 = empty) into newcap slots
 * (a power of two), freeing the old one. One definition per slot type. */
#define DEFINE_TAB_GROW(name, T)                                                           \
    static int name(T **tab, size_t *cap, size_t newcap)                                   \
    {                                                                                      \
        T *t = ch_calloc(newcap, sizeof *t);                                               \
        if (!t)                                                                            \
            return CHORUS_ENOMEM;                                                          \
        for (size_t i = 0; i < *cap; i++) {                                                \
            if (!(*tab)[i].key)                                                            \
                continue;                                                                  \
            size_t j = px_home((*tab)[i].key, newcap);                                     \
            while (t[j].key)                                                               \
                if (++j == newcap)                                                         \
                    j = 0;                                                                 \
            t[j] = (*tab)[i];                                                              \
        }                                                                                  \
        ch_free(*tab);                                                                     \
        *tab = t;                                                                          \
        *cap = newcap;                                                                     \
        return CHORUS_OK;                                                                  \
    }

DEFINE_TAB_GROW(tab_grow, px_slot)
DEFINE_TAB_GROW(utab_grow, px_uslot)

/* Slot of key, inserted when absent. */
static int tab_upsert(px_slot **tab, size_t *cap, size_t *nkeys, uint64_t key, px_slot **out)
{
    if ((*nkeys + 1) * 2 > *cap) {
        size_t nc;
        if (!ch_mul_ok(*cap ? *cap : 1024, 2, &nc) || tab_grow(tab, cap, nc))
            return CHORUS_ENOMEM;
    }
    size_t i = px_home(key, *cap);
    while ((*tab)[i].key && (*tab)[i].key != key)
        if (++i == *cap)
            i = 0;
    if (!(*tab)[i].key) {
        (*tab)[i].key = key;
        (*nkeys)++;
    }
    *out = &(*tab)[i];
    return CHORUS_OK;
}

static int utab_count(ch_parrot_index *ix, uint64_t h, uint32_t stmt)
{
    uint64_t key = px_token_key(h);
    if ((ix->ukeys + 1) * 2 > ix->ucap) {
        size_t nc;
        if (!ch_mul_ok(ix->ucap ? ix->ucap : 1024, 2, &nc) || utab_grow(&ix->utab, &ix->ucap, nc))
            return CHORUS_ENOMEM;
    }
    size_t i = px_home(key, ix->ucap);
    while (ix->utab[i].key && ix->utab[i].key != key)
        if (++i == ix->ucap)
            i = 0;
    px_uslot *s = &ix->utab[i];
    if (!s->key) {
        s->key = key;
        ix->ukeys++;
    }
    if (s->last != stmt + 1) { /* count each statement once */
        s->last = stmt + 1;
        s->df++;
    }
    return CHORUS_OK;
}

void ch_parrot_free(ch_parrot_index *ix)
{
    if (!ix)
        return;
    ch_free(ix->tok_base);
    ch_free(ix->toks);
    ch_free(ix->ntext);
    ch_free(ix->nbase);
    ch_free(ix->tab);
    ch_free(ix->post);
    ch_free(ix->fwd);
    ch_free(ix->fwd_base);
    ch_free(ix->utab);
    ch_free(ix->vocab);
    ch_free(ix);
}

bool px_ends_sentence(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.' || c == '!' || c == '?') {
            unsigned char d = i + 1 < b ? (unsigned char)s[i + 1] : 'x'; /* b: the next word */
            if (d == ' ' || d == '\n' || d == '\t' || d == '\r' || d == '"' || d == '\'' ||
                d == 0xE2 /* ” ’ */)
                return true;
        }
        if (c == 0xE3 && i + 2 < b && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x82) /* 。 */
            return true;
        if (c == 0xEF && i + 2 < b && (unsigned char)s[i + 1] == 0xBC &&
            ((unsigned char)s[i + 2] == 0x81 || (unsigned char)s[i + 2] == 0x9F)) /* ！ ？ */
            return true;
    }
    return false;
}

/* A shingle starting at token i of toks spans a sentence end. Statements do not index such
 * pairs: "diplomats. The" would otherwise tie a quotation's closing word to whatever sentence
 * follows it in the post. Posts still look them up (and find nothing), so a copy of two
 * sentences chains over the boundary through the DP's gap allowance. */
static bool crosses_sentence(const px_tok *toks, size_t i, unsigned k)
{
    for (unsigned t = 1; t < k; t++)
        if (toks[i + t].flags & PX_BREAK)
            return true;
    return false;
}

/* Chinese, Japanese and Korean statements: their words are characters that are not stemmed,
 * so they do not decide the language posts are read in. */
static bool cjk_lang(const char *code)
{
    return code && (!strncmp(code, "zh", 2) || !strncmp(code, "ja", 2) ||
                    !strncmp(code, "ko", 2)) &&
           (code[2] == 0 || code[2] == '-' || code[2] == '_');
}

/* Pass 1: normalize every statement and turn it into canonical tokens (text/lex.h, in the
 * statement's language); token hashes (64-bit) go to *hashes. */
static int tokenize_all(ch_parrot_index *ix, uint64_t **hashes)
{
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    ch_lex *lx = NULL;
    size_t cap_tok = 0, cap_h = 0, cap_text = 0, nvocab = 0;
    const unsigned nflags = CH_NORM_MAP | ch_lex_norm_flags(ix->p.lex);
    unsigned langs = 0; /* bit per ch_lang of the statements, CJK ones aside */
    int rc = ch_lex_new(ix->p.lex, &lx);
    if (rc)
        goto out;
    for (uint32_t s = 0; s < ix->nstmt; s++) {
        const ch_statement *st = ch_stmtset_get(ix->set, s);
        ix->tok_base[s] = (uint32_t)ix->ntoks;
        ix->nbase[s] = ix->ntext_len;
        if ((rc = ch_normalize(st->text, st->text_len, nflags, &nb)))
            goto out;
        if ((ix->p.lex & CH_LEX_TAGS) && (rc = vocab_add(ix, &nb, &nvocab)))
            goto out;
        size_t need;
        if (!ch_add_ok(ix->ntext_len, nb.len + 1, &need) ||
            ch_grow((void **)&ix->ntext, &cap_text, need, 1)) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        memcpy(ix->ntext + ix->ntext_len, nb.s, nb.len + 1);
        ix->ntext_len = need;
        const ch_lex_tok *lt;
        size_t nt;
        ch_lang used;
        if ((rc = ch_lex_tokens(lx, st->text, st->text_len, &nb, ch_lang_from_code(st->lang),
                                NULL, NULL, SIZE_MAX, &lt, &nt, &used)))
            goto out;
        if (!cjk_lang(st->lang))
            langs |= 1u << used;
        for (size_t k = 0; k < nt; k++) {
            if (ix->ntoks >= UINT32_MAX - 1) {
                rc = CHORUS_ELIMIT;
                goto out;
            }
            if (ch_grow((void **)&ix->toks, &cap_tok, ix->ntoks + 1, sizeof *ix->toks) ||
                ch_grow((void **)hashes, &cap_h, ix->ntoks + 1, sizeof **hashes)) {
                rc = CHORUS_ENOMEM;
                goto out;
            }
            size_t a = lt[k].ns, e = lt[k].ne;
            size_t os, oe;
            if (ch_norm_orig_range(&nb, st->text, st->text_len, a, e, &os, &oe)) {
                os = nb.map[a];
                oe = os + 1;
            }
            px_tok *t = &ix->toks[ix->ntoks];
            t->hash = (uint32_t)lt[k].hash;
            t->ostart = (uint32_t)os;
            t->oend = (uint32_t)oe;
            t->nstart = (uint32_t)a;
            t->nlen = (uint8_t)(e - a > 255 ? 255 : e - a);
            t->flags = px_is_cjk(nb.s + a, e - a) ? PX_CJK : 0;
            if (k > 0 && px_ends_sentence(st->text, lt[k - 1].oe, lt[k].os))
                t->flags |= PX_BREAK;
            (*hashes)[ix->ntoks] = lt[k].hash;
            ix->ntoks++;
        }
    }
    ix->tok_base[ix->nstmt] = (uint32_t)ix->ntoks;
    /* one language among the statements: posts are read in it (no guess needed; words of
     * another language would meet no statement anyway) */
    ix->post_lang = langs == 1u << CH_LANG_EN   ? CH_LANG_EN
                    : langs == 1u << CH_LANG_FR ? CH_LANG_FR
                    : langs == 0                ? CH_LANG_EN
                                                : CH_LANG_UNKNOWN;
out:
    ch_lex_free(lx);
    ch_normbuf_free(&nb);
    return rc;
}

static int cmp_fwd(const void *a, const void *b)
{
    const px_fwd *x = a, *y = b;
    if (x->fp != y->fp)
        return x->fp < y->fp ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Passes 2-5: token document frequencies; shingle document frequencies (slot.off holds the
 * last statement counted + 1 while counting); the final table sized for ~60% load with the
 * statement lists filled in statement order; the forward index. */
static int build_tables(ch_parrot_index *ix, const uint64_t *h)
{
    const unsigned k = ix->p.shingle;
    px_slot *tmp = NULL;
    size_t tcap = 0, tkeys = 0;
    int rc = CHORUS_OK;
    for (uint32_t s = 0; s < ix->nstmt; s++) {
        uint32_t b = ix->tok_base[s], e = ix->tok_base[s + 1];
        for (uint32_t i = b; i < e; i++)
            if ((rc = utab_count(ix, h[i], s)))
                goto out;
        for (uint32_t i = b; i + k <= e; i++) {
            if (crosses_sentence(ix->toks, i, k))
                continue;
            px_slot *sl;
            if ((rc = tab_upsert(&tmp, &tcap, &tkeys, px_shingle_key(h + i, k), &sl)))
                goto out;
            ix->nfwd++;
            if (sl->off != s + 1) { /* each statement once */
                sl->off = s + 1;
                sl->cnt++;
            }
        }
    }
    /* final table: ~60% load keeps unsuccessful probes (most post shingles) short while
     * the table stays well under the postings in size */
    ix->tkeys = tkeys;
    ix->tcap = tkeys ? tkeys + tkeys * 2 / 3 + 1 : 0;
    if (ix->tcap) {
        ix->tab = ch_calloc(ix->tcap, sizeof *ix->tab);
        if (!ix->tab) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
    }
    size_t off = 0;
    for (size_t i = 0; i < tcap; i++) {
        if (!tmp[i].key)
            continue;
        size_t j = px_home(tmp[i].key, ix->tcap);
        while (ix->tab[j].key)
            if (++j == ix->tcap)
                j = 0;
        ix->tab[j].key = tmp[i].key;
        ix->tab[j].off = (uint32_t)off;
        ix->tab[j].cnt = 0; /* counts again while filling */
        off += tmp[i].cnt;
        if (off >= UINT32_MAX) {
            rc = CHORUS_ELIMIT;
            goto out;
        }
    }
    ch_free(tmp);
    tmp = NULL;
    ix->npost = off;
    ix->post = ch_malloc((off ? off : 1) * sizeof *ix->post);
    ix->fwd = ch_malloc((ix->nfwd ? ix->nfwd : 1) * sizeof *ix->fwd);
    ix->fwd_base = ch_malloc(((size_t)ix->nstmt + 1) * sizeof *ix->fwd_base);
    if (!ix->post || !ix->fwd || !ix->fwd_base) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    size_t f = 0;
    for (uint32_t s = 0; s < ix->nstmt; s++) {
        uint32_t b = ix->tok_base[s], e = ix->tok_base[s + 1];
        ix->fwd_base[s] = (uint32_t)f;
        for (uint32_t i = b; i + k <= e; i++) {
            if (crosses_sentence(ix->toks, i, k))
                continue;
            uint64_t key = px_shingle_key(h + i, k);
            px_slot *sl = (px_slot *)px_find(ix, key);
            if (sl->cnt == 0 || ix->post[sl->off + sl->cnt - 1] != s)
                ix->post[sl->off + sl->cnt++] = s;
            ix->fwd[f++] = (px_fwd){(uint32_t)key, i - b};
        }
        ch_sort(ix->fwd + ix->fwd_base[s], f - ix->fwd_base[s], sizeof *ix->fwd, cmp_fwd);
    }
    ix->fwd_base[ix->nstmt] = (uint32_t)f;
    /* shrink the df table to ~60% load too; `last` is no longer needed but costs nothing */
    if (ix->ukeys) {
        size_t nc = ix->ukeys + ix->ukeys * 2 / 3 + 1;
        if (nc < ix->ucap && (rc = utab_grow(&ix->utab, &ix->ucap, nc)))
            goto out;
    }
out:
    ch_free(tmp);
    return rc;
}

int ch_parrot_build(const ch_stmtset *set, const ch_parrot_params *params, ch_parrot_index **out)
{
    ch_parrot_params p;
    if (params)
        p = *params;
    else
        ch_parrot_params_default(&p);
    *out = NULL;
    if (p.shingle < 2 || p.shingle > 3 || !(p.threshold > 0 && p.threshold <= 1) ||
        p.min_tokens < 0 || p.subst_credit < 0 || p.subst_credit > 1 || p.max_candidates == 0 ||
        p.max_post_tokens < p.shingle || p.max_post_tokens > 1u << 20)
        return CHORUS_EUSAGE;
    size_t n = ch_stmtset_count(set);
    if (n >= UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    ch_parrot_index *ix = ch_calloc(1, sizeof *ix);
    if (!ix)
        return CHORUS_ENOMEM;
    ix->set = set;
    ix->p = p;
    ix->nstmt = (uint32_t)n;
    ix->log_n1 = log((double)n + 1.0);
    uint64_t *hashes = NULL;
    int rc = CHORUS_ENOMEM;
    ix->tok_base = ch_malloc((n + 1) * sizeof *ix->tok_base);
    ix->nbase = ch_malloc((n ? n : 1) * sizeof *ix->nbase);
    if (!ix->tok_base || !ix->nbase)
        goto fail;
    if ((rc = tokenize_all(ix, &hashes)) || (rc = build_tables(ix, hashes)))
        goto fail;
    ch_free(hashes);
    /* the arrays grew by doubling: give the slack back, the index lives long */
    if (ix->ntoks) {
        px_tok *t = ch_realloc(ix->toks, ix->ntoks * sizeof *ix->toks);
        if (t)
            ix->toks = t;
    }
    if (ix->ntext_len) {
        char *t = ch_realloc(ix->ntext, ix->ntext_len);
        if (t)
            ix->ntext = t;
    }
    ix->bytes = sizeof *ix + (n + 1) * sizeof *ix->tok_base + n * sizeof *ix->nbase +
                ix->ntoks * sizeof *ix->toks + ix->ntext_len + ix->tcap * sizeof *ix->tab +
                ix->npost * sizeof *ix->post + ix->nfwd * sizeof *ix->fwd +
                (n + 1) * sizeof *ix->fwd_base + ix->ucap * sizeof *ix->utab +
                ix->vcap * sizeof *ix->vocab;
    *out = ix;
    return CHORUS_OK;
fail:
    ch_free(hashes);
    ch_parrot_free(ix);
    return rc;
}
