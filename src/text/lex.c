/* lex.c — the canonical token stream of lex.h: hashtag and mention words, abbreviations and
 * acronyms, numbers, stems and synonyms over the tokens of ch_normalize.
 *
 * Three passes per text: (1) the base tokens (ch_tok_next), with their original offsets,
 * whether they lie in a hashtag or mention, and the language guess; (2) hashtag and mention
 * tokens split into words; (3) canonical tokens: dotted acronyms and multi-word names joined,
 * numbers read, every other word through the word pipeline (abbreviation, stem, synonym), whose
 * result is cached per word. */
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "chorus.h"
#include "core/alloc.h"
#include "text/abbrev.h"
#include "text/lex.h"
#include "text/wordnet.h"

#define MAX_TAGS 64        /* hashtags and mentions remembered per text (more: plain text) */
#define CACHE_BITS 15      /* word cache: 32,768 entries (1 MB), direct-mapped: a post's words
                              are mostly among the last few thousand seen, and a miss costs a
                              stem (smaller caches measured slower: docs/parroting.md) */
#define SPLIT_BITS 10      /* hashtag split cache: 1,024 entries */
#define MAX_PIECES 8       /* words a hashtag splits into, at most */
#define SEG_MAX_LEN 32     /* longest lower-case hashtag that known-word splitting tries */
#define SEG_MAX_PIECE 16   /* longest word inside it */
#define NUM_DIGITS 40      /* digits of a number we read */

enum {
    B_TAG = 1u << 0,     /* in a hashtag or mention */
    B_ASCII = 1u << 1,   /* the normalized token is ASCII letters and digits */
    B_DIGITS = 1u << 2,  /* ... starting with a digit */
    B_MENTION = 1u << 3, /* in a mention */
    B_DROP = 1u << 4,    /* a mention of one word: not kept (handles are no words) */
    B_PIECE = 1u << 5    /* a word of a split tag after its first */
};

typedef struct base {
    uint32_t ns, ne, os, oe;
    uint64_t h;      /* ch_tok_hash of the normalized token */
    uint8_t flags;   /* B_* */
    uint8_t lang;    /* ch_lang of its sentence or quotation */
    uint8_t fw;      /* function word class (ch_abbr_function_word), when guessing */
} base;

typedef struct cache_e {
    uint64_t key;        /* surface hash mixed with the language; 0 empty */
    uint64_t hash;       /* canonical form without context */
    const ch_abbr *ent;  /* the word's table entry in the language (abbrev.h), NULL none */
    uint8_t dotted;      /* an abbreviation whose full stop belongs to it */
} cache_e;

typedef struct split_e {
    uint64_t key;    /* ch_tok_hash of the lower-case tag; 0 empty */
    uint8_t n;       /* pieces, 0 = do not split */
    uint8_t end[MAX_PIECES];
} split_e;

struct ch_lex {
    unsigned opts;
    ch_stemmer *st;
    base *b;
    size_t nb, capb;
    ch_lex_tok *out;
    size_t nout, capout;
    cache_e cache[1u << CACHE_BITS];
    split_e split[1u << SPLIT_BITS];
    uint32_t tags[MAX_TAGS][3]; /* body start, end, 1 for a mention */
    size_t ntags;
    ch_normbuf fnb;  /* French stems with accents, normalized again */
};

int ch_lex_new(unsigned opts, ch_lex **out)
{
    ch_lex *lx = ch_calloc(1, sizeof *lx);
    if (!lx)
        return CHORUS_ENOMEM;
    lx->opts = opts & CH_LEX_ALL;
    ch_normbuf_init(&lx->fnb);
    if ((lx->opts & CH_LEX_STEM) && ch_stemmer_new(&lx->st)) {
        ch_free(lx);
        return CHORUS_ENOMEM;
    }
    *out = lx;
    return CHORUS_OK;
}

void ch_lex_free(ch_lex *lx)
{
    if (!lx)
        return;
    ch_stemmer_free(lx->st);
    ch_normbuf_free(&lx->fnb);
    ch_free(lx->b);
    ch_free(lx->out);
    ch_free(lx);
}

unsigned ch_lex_norm_flags(unsigned opts) { return (opts & CH_LEX_TAGS) ? CH_NORM_KEEP_MENTIONS : 0; }

/* ---- hashtags and mentions in the original text --------------------------------------------- */

static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_';
}

/* A byte of a hashtag body: ASCII letters, digits and '_', and non-ASCII letters (not general,
 * CJK or full-width punctuation, not NBSP or Latin-1 punctuation). *adv: the character's bytes. */
static bool tag_body_byte(const unsigned char *s, size_t n, size_t i, size_t *adv)
{
    unsigned char c = s[i];
    *adv = 1;
    if (c < 0x80)
        return word_byte(c);
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    if (i + len > n)
        return false;
    *adv = len;
    if (len == 3) {
        uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                      (s[i + 2] & 0x3F);
        if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
            (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
            (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
            return false;
    }
    if (len == 2 && c == 0xC2)
        return false; /* U+0080..U+00BF: NBSP and Latin-1 punctuation */
    return true;
}

/* Bodies of #hashtags (and of @mentions with mentions) in the original text. */
static void find_tags(ch_lex *lx, const char *text, size_t len, bool mentions)
{
    const unsigned char *s = (const unsigned char *)text;
    const unsigned char at_sign = mentions ? '@' : '#';
    lx->ntags = 0;
    for (size_t i = 0; i < len && lx->ntags < MAX_TAGS; i++) {
        unsigned char b0 = s[i];
        if (b0 != '#' && b0 != at_sign && b0 != 0xEF)
            continue; /* most bytes */
        size_t body;
        bool at = false;
        if (s[i] == '#')
            body = i + 1;
        else if (s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBC && s[i + 2] == 0x83)
            body = i + 3; /* full-width ＃ */
        else if (mentions && s[i] == '@')
            body = i + 1, at = true;
        else if (mentions && s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBC && s[i + 2] == 0xA0)
            body = i + 3, at = true; /* full-width ＠ */
        else
            continue;
        if (i > 0 && word_byte(s[i - 1]))
            continue; /* "C#", "abc#def", "a@b.com": not a tag */
        size_t e = body, adv;
        if (at) /* handles: [A-Za-z0-9_]{1,64}, as ch_normalize reads them */
            while (e < len && e - body < 64 && word_byte(s[e]))
                e++;
        else
            while (e < len && tag_body_byte(s, len, e, &adv))
                e += adv;
        if (e > body) {
            lx->tags[lx->ntags][0] = (uint32_t)body;
            lx->tags[lx->ntags][1] = (uint32_t)e;
            lx->tags[lx->ntags][2] = at;
            lx->ntags++;
        }
        i = e > i ? e - 1 : i;
    }
}

/* ---- growable arrays ------------------------------------------------------------------------ */

/* Room for n base tokens and n output tokens. */
static int reserve(ch_lex *lx, size_t n)
{
    if (n > lx->capb) {
        base *p = ch_realloc(lx->b, n * sizeof *p);
        if (!p)
            return CHORUS_ENOMEM;
        lx->b = p;
        lx->capb = n;
    }
    if (n > lx->capout) {
        ch_lex_tok *p = ch_realloc(lx->out, n * sizeof *p);
        if (!p)
            return CHORUS_ENOMEM;
        lx->out = p;
        lx->capout = n;
    }
    return CHORUS_OK;
}

static int push_base(ch_lex *lx, const base *x)
{
    if (lx->nb == lx->capb && reserve(lx, lx->capb ? lx->capb * 2 : 64))
        return CHORUS_ENOMEM;
    lx->b[lx->nb++] = *x;
    return CHORUS_OK;
}

/* The output never holds more tokens than the base array (joins only shrink it), which
 * reserve() sized. */
static inline void push_out(ch_lex *lx, uint32_t ns, uint32_t ne, uint32_t os, uint32_t oe,
                            uint64_t h, uint8_t flags, size_t words)
{
    lx->out[lx->nout++] =
        (ch_lex_tok){ns, ne, os, oe, h, flags, (uint8_t)(words > 255 ? 255 : words)};
}

/* ---- the word pipeline ----------------------------------------------------------------------- */

static bool all_letters(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned)((w[i] | 32) - 'a') >= 26u)
            return false;
    return n > 0;
}

/* The word with its accents for the French stemmer: orig[os..) lower-cased, when it is the
 * same word as the normalized one with only Latin letters (no homoglyphs, no invisible
 * characters); 0 otherwise. */
static size_t accented(const char *orig, size_t olen, uint32_t os, size_t nlen, char *out,
                       size_t cap)
{
    size_t i = os, o = 0, letters = 0;
    bool non_ascii = false;
    while (i < olen && letters < nlen) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)orig + i,
                                              (utf8proc_ssize_t)(olen - i), &cp);
        if (l <= 0)
            return 0;
        bool latin = (cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) ||
                     (cp >= 0xC0 && cp <= 0x17F && cp != 0xD7 && cp != 0xF7);
        if (!latin)
            return 0;
        non_ascii |= cp >= 0x80;
        utf8proc_int32_t lc = utf8proc_tolower(cp);
        if (o + 4 > cap)
            return 0;
        o += (size_t)utf8proc_encode_char(lc, (utf8proc_uint8_t *)out + o);
        letters++;
        i += (size_t)l;
    }
    return non_ascii && letters == nlen ? o : 0;
}

/* The cache entry of a word: its canonical form without context (abbreviation, number word,
 * irregular form, stem, synonym), its table entry and whether its full stop belongs to it;
 * computed on a miss. orig/os: the word in the original text, for French accents (orig may be
 * NULL). */
static const cache_e *word_entry(ch_lex *lx, ch_lang lang, const char *w, size_t n, uint64_t h,
                                 const char *orig, size_t olen, uint32_t os)
{
    char acc[160];
    size_t al = 0;
    uint64_t key = h;
    if (lang == CH_LANG_FR && (lx->opts & CH_LEX_STEM) && orig && n <= 32 &&
        (al = accented(orig, olen, os, n, acc, sizeof acc)) > 0)
        key = ch_tok_hash(acc, al) ^ 0x5851F42D4C957F2DULL;
    key ^= (uint64_t)lang * 0x9E3779B97F4A7C15ULL;
    key = key ? key : 1;
    cache_e *c = &lx->cache[(key ^ (key >> 29)) & ((1u << CACHE_BITS) - 1)];
    if (c->key == key)
        return c;
    const ch_abbr *e = ch_abbr_get(lang, h);
    const char *word = w;
    size_t wl = n;
    uint64_t out = h;
    bool dot = false, done = false;
    if (e && (lx->opts & CH_LEX_ABBREV)) {
        dot = (e->kind & CH_AB_DOTTED) != 0;
        if ((e->kind & CH_AB_WORD) && !(e->kind & CH_AB_SLASH)) {
            word = e->canon;
            wl = strlen(word);
            out = ch_tok_hash(word, wl);
            al = 0;
            done = word[0] == '='; /* an entity: final */
        }
    }
    /* a number word alone ("three", "first"); "million", "hundred" alone are words
     * ("millions of people") */
    if (!done && e && (lx->opts & CH_LEX_NUMBERS) && (e->kind & CH_AB_NUMBER) &&
        (e->num_kind == CH_NUM_UNIT || e->num_kind == CH_NUM_TEN ||
         e->num_kind == CH_NUM_ORDINAL)) {
        char num[32];
        int l = e->num_kind == CH_NUM_ORDINAL
                    ? snprintf(num, sizeof num, "#o%lld", (long long)e->value)
                    : snprintf(num, sizeof num, "#%lld", (long long)e->value);
        out = ch_tok_hash(num, (size_t)l);
        done = true;
    }
    if (!done && (lx->opts & CH_LEX_STEM) && lang == CH_LANG_EN && all_letters(word, wl)) {
        /* irregular inflections Snowball cannot reach: "found" -> "find" */
        const char *bf = ch_wn_base_form(word == w ? h : ch_tok_hash(word, wl));
        if (bf) {
            word = bf;
            wl = strlen(bf);
        }
    }
    if (!done && (lx->opts & CH_LEX_STEM) && all_letters(word, wl)) {
        char st[96];
        size_t sl = al ? ch_stem(lx->st, lang, acc, al, st, sizeof st)
                       : ch_stem(lx->st, lang, word, wl, st, sizeof st);
        if (sl && al) {
            /* accents off again, as ch_normalize takes them off the text */
            if (ch_normalize(st, sl, 0, &lx->fnb) == CHORUS_OK && lx->fnb.len)
                out = ch_tok_hash(lx->fnb.s, lx->fnb.len);
            else
                sl = 0;
        } else if (sl) {
            out = ch_tok_hash(st, sl);
        } else if (word != w) {
            out = ch_tok_hash(word, wl); /* an irregular form's base, not stemmed */
        }
        if (sl && lang == CH_LANG_EN && (lx->opts & CH_LEX_SYNONYMS)) {
            uint64_t rep;
            if (ch_wn_synonym(out, &rep))
                out = rep;
        }
    }
    c->key = key;
    c->hash = out;
    c->ent = e;
    c->dotted = dot;
    return c;
}

/* The canonical hash of a table word (an abbreviation's expansion, an acronym's word). */
static uint64_t canon_word(ch_lex *lx, ch_lang lang, const char *w)
{
    size_t n = strlen(w);
    return word_entry(lx, lang, w, n, ch_tok_hash(w, n), NULL, 0, 0)->hash;
}

/* ---- numbers --------------------------------------------------------------------------------- */

/* Appends the canonical form of a decimal number: digits d[0..nd) with the decimal point
 * before digit `point` (point == nd: an integer), times 10^exp; "#1700000", "#5.2". */
static size_t number_form(const char *d, size_t nd, size_t point, int exp, bool pct, char *out,
                          size_t cap)
{
    char m[NUM_DIGITS * 2 + 16];
    size_t nm = 0;
    for (size_t i = 0; i < nd; i++)
        m[nm++] = d[i];
    long p = (long)point + exp; /* new position of the point */
    while ((long)nm < p && nm < sizeof m - 1)
        m[nm++] = '0';
    if (p < 0)
        p = 0;
    /* integer part without leading zeros, fraction without trailing zeros */
    size_t a = 0;
    while ((long)a < p - 1 && m[a] == '0')
        a++;
    size_t fe = nm;
    while (fe > (size_t)p && m[fe - 1] == '0')
        fe--;
    size_t o = 0;
    out[o++] = '#';
    if (p == 0)
        out[o++] = '0';
    for (size_t i = a; i < (size_t)p && o + 2 < cap; i++)
        out[o++] = m[i];
    if (fe > (size_t)p && o + 2 < cap) {
        out[o++] = '.';
        for (size_t i = (size_t)p; i < fe && o + 2 < cap; i++)
            out[o++] = m[i];
    }
    if (pct && o + 1 < cap)
        out[o++] = '%';
    return o;
}

static int suffix_scale(const char *s, size_t n, bool *pct, bool *ord)
{
    *pct = *ord = false;
    if (n == 0)
        return 0;
    if ((n == 1 && s[0] == 'k'))
        return 3;
    if ((n == 1 && s[0] == 'm') || (n == 2 && !memcmp(s, "mn", 2)) || (n == 3 && !memcmp(s, "mln", 3)))
        return 6;
    if ((n == 1 && s[0] == 'b') || (n == 2 && !memcmp(s, "bn", 2)))
        return 9;
    if (n == 2 && !memcmp(s, "pc", 2)) {
        *pct = true;
        return 0;
    }
    /* ordinals: "1st", "2nd", "3rd", "4th"; French "1er", "1re", "2e" */
    if ((n == 2 && (!memcmp(s, "st", 2) || !memcmp(s, "nd", 2) || !memcmp(s, "rd", 2) ||
                    !memcmp(s, "th", 2) || !memcmp(s, "er", 2) || !memcmp(s, "re", 2))) ||
        (n == 1 && s[0] == 'e')) {
        *ord = true;
        return 0;
    }
    return -1;
}

/* The separator bytes between base tokens i and i+1 are exactly sep. */
static bool sep_is(const ch_lex *lx, const char *orig, size_t i, const char *sep)
{
    size_t a = lx->b[i].oe, e = lx->b[i + 1].os, l = strlen(sep);
    return e >= a && e - a == l && !memcmp(orig + a, sep, l);
}

static bool thousands_sep(const ch_lex *lx, const char *orig, size_t i, ch_lang lang)
{
    if (lang == CH_LANG_FR)
        return sep_is(lx, orig, i, " ") || sep_is(lx, orig, i, "\xC2\xA0") ||
               sep_is(lx, orig, i, "\xE2\x80\xAF") || sep_is(lx, orig, i, ".");
    return sep_is(lx, orig, i, ",");
}

/* Does the percent sign follow base token i ("62%", "62 %")? */
static bool percent_after(const ch_lex *lx, const char *orig, size_t olen, size_t i)
{
    size_t a = lx->b[i].oe;
    if (a < olen && orig[a] == ' ')
        a++;
    return a < olen && orig[a] == '%';
}

/* Reads a number starting at base token i: digits with their groups and decimals, a glued or
 * following scale ("1.7M", "1.7 million"), a percent ("%", "per cent"); or number words
 * ("twenty five", "two million", "a thousand"). Returns the base tokens it spans (0: not a
 * number) and writes the canonical form. */
static size_t read_number(ch_lex *lx, const char *orig, size_t olen, const ch_normbuf *nb,
                          size_t i, ch_lang lang, char *form, size_t *flen)
{
    const base *b = lx->b;
    char d[NUM_DIGITS];
    size_t nd = 0, point = SIZE_MAX, j = i;
    int exp = 0;
    bool pct = false, ord = false;
    if (b[i].flags & B_DIGITS) {
        for (;;) {
            const char *t = nb->s + b[j].ns;
            size_t tl = b[j].ne - b[j].ns, k = 0;
            while (k < tl && t[k] >= '0' && t[k] <= '9')
                k++;
            if (nd + k >= NUM_DIGITS)
                return 0;
            memcpy(d + nd, t, k);
            nd += k;
            if (k < tl) { /* a glued suffix ends the number */
                int sc = suffix_scale(t + k, tl - k, &pct, &ord);
                if (sc < 0 || (ord && point != SIZE_MAX))
                    return 0;
                exp += sc;
                j++;
                break;
            }
            /* another group of three, or the decimals */
            if (j + 1 < lx->nb && (b[j + 1].flags & B_DIGITS) && !(b[j + 1].flags & B_TAG)) {
                size_t nk = 0, nl = b[j + 1].ne - b[j + 1].ns;
                const char *nt = nb->s + b[j + 1].ns;
                while (nk < nl && nt[nk] >= '0' && nt[nk] <= '9')
                    nk++;
                if (point == SIZE_MAX && nk == 3 && thousands_sep(lx, orig, j, lang)) {
                    j++;
                    continue;
                }
                if (point == SIZE_MAX && sep_is(lx, orig, j, lang == CH_LANG_FR ? "," : ".")) {
                    point = nd;
                    j++;
                    continue;
                }
            }
            j++;
            break;
        }
    } else {
        /* number words */
        int64_t total = 0, cur = 0;
        bool any = false;
        while (j < lx->nb && (b[j].flags & B_ASCII) && !(b[j].flags & B_DIGITS)) {
            const ch_abbr *e = ch_abbr_get(lang, b[j].h);
            if (!e || !(e->kind & CH_AB_NUMBER) || e->num_kind == CH_NUM_ORDINAL)
                break;
            if (e->num_kind == CH_NUM_A) {
                /* "a thousand", "un million": only before a scale */
                const ch_abbr *nx = j + 1 < lx->nb ? ch_abbr_get(lang, b[j + 1].h) : NULL;
                if (any || !nx || !(nx->kind & CH_AB_NUMBER) ||
                    (nx->num_kind != CH_NUM_SCALE && nx->num_kind != CH_NUM_HUNDRED))
                    break;
                cur = 1;
            } else if (e->num_kind == CH_NUM_HUNDRED) {
                cur = (cur ? cur : 1) * 100;
            } else if (e->num_kind == CH_NUM_SCALE) {
                if (!any)
                    break; /* "million" alone, "thousands of": words */
                total += (cur ? cur : 1) * e->value;
                cur = 0;
            } else {
                cur += e->value;
            }
            any = true;
            j++;
            if (total > (int64_t)1 << 50 || cur > (int64_t)1 << 50)
                return 0;
        }
        if (!any || j - i < 2)
            return 0; /* one number word: the word pipeline maps it */
        total += cur;
        nd = (size_t)snprintf(d, sizeof d, "%lld", (long long)total);
    }
    if (point == SIZE_MAX)
        point = nd;
    /* a scale word after the digits: "1.7 million" */
    if (!ord && exp == 0 && j < lx->nb && (b[j].flags & B_ASCII) && !(b[j].flags & B_DIGITS) &&
        (b[i].flags & B_DIGITS)) {
        const ch_abbr *e = ch_abbr_get(lang, b[j].h);
        if (e && (e->kind & CH_AB_WORD) && e->canon && lang == CH_LANG_EN)
            e = ch_abbr_get(lang, ch_tok_hash(e->canon, strlen(e->canon))); /* "bn" */
        if (e && (e->kind & CH_AB_NUMBER) && e->num_kind == CH_NUM_SCALE && e->value != 12) {
            int64_t v = e->value;
            while (v >= 10) {
                v /= 10;
                exp++;
            }
            j++;
        }
    }
    /* percent */
    if (!ord && !pct) {
        if (percent_after(lx, orig, olen, j - 1)) {
            pct = true;
        } else if (j < lx->nb) {
            const char *canon = NULL;
            uint64_t hs[2] = {b[j].h, j + 1 < lx->nb ? b[j + 1].h : 0};
            size_t pl = ch_abbr_phrase(lang, hs, j + 1 < lx->nb ? 2 : 1, &canon);
            const ch_abbr *e = ch_abbr_get(lang, b[j].h);
            if (pl && !strcmp(canon, "=pct")) {
                pct = true;
                j += pl;
            } else if (e && (e->kind & CH_AB_WORD) && e->canon && !strcmp(e->canon, "=pct")) {
                pct = true;
                j++;
            }
        }
    }
    if (ord) {
        if (point != nd || nd > 9)
            return 0;
        *flen = (size_t)snprintf(form, 40, "#o%.*s", (int)nd, d);
        /* leading zeros: "01st" is not written */
        return j - i;
    }
    *flen = number_form(d, nd, point, exp, pct, form, 64);
    return j - i;
}

/* ---- hashtag splitting ----------------------------------------------------------------------- */

static bool is_up(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lo(char c) { return c >= 'a' && c <= 'z'; }
static bool is_dig(char c) { return c >= '0' && c <= '9'; }

/* CamelCase split points of an ASCII tag s[0..n) (original case): before an upper-case letter
 * after a lower-case one, between letters and digits, and before the last capital of a run of
 * capitals followed by a lower-case letter ("NASAData" -> NASA Data). Pieces of one letter are
 * not made ("iPhone", "eBay" stay whole). Returns the number of pieces (1: no split). */
static size_t camel_split(const char *s, size_t n, uint8_t *end)
{
    size_t np = 0, last = 0;
    for (size_t i = 1; i < n && np < MAX_PIECES - 1; i++) {
        char a = s[i - 1], c = s[i];
        bool cut = (is_lo(a) && is_up(c)) || (is_dig(a) != is_dig(c)) ||
                   (is_up(a) && is_up(c) && i + 1 < n && is_lo(s[i + 1]));
        if (cut && i - last >= 2 && n - i >= 2) {
            end[np++] = (uint8_t)i;
            last = i;
        }
    }
    end[np++] = (uint8_t)n;
    return np;
}

/* Known-word split of a one-case tag w[0..n) (normalized): the splits into fewest known words
 * of two letters or more; none when the best is not unique. Returns the pieces (0: none). */
static size_t known_split(const char *w, size_t n, ch_lex_known_fn known, const void *kctx,
                          uint8_t *end)
{
    /* most tags are no run of known words: a known word must start it and one must end it
     * (two dozen probes), before the split is searched (a few hundred) */
    bool head = false, tail = false;
    for (size_t l = 2; l <= SEG_MAX_PIECE && l + 2 <= n && !head; l++)
        head = known(kctx, ch_tok_hash(w, l));
    for (size_t l = 2; head && l <= SEG_MAX_PIECE && l + 2 <= n && !tail; l++)
        tail = known(kctx, ch_tok_hash(w + n - l, l));
    if (!tail)
        return 0;
    uint8_t best[SEG_MAX_LEN + 1], ways[SEG_MAX_LEN + 1], from[SEG_MAX_LEN + 1];
    best[0] = 0;
    ways[0] = 1;
    for (size_t i = 1; i <= n; i++) {
        best[i] = 255;
        ways[i] = 0;
        size_t lo = i > SEG_MAX_PIECE ? i - SEG_MAX_PIECE : 0;
        for (size_t j = lo; j + 2 <= i; j++) {
            if (best[j] == 255 || !known(kctx, ch_tok_hash(w + j, i - j)))
                continue;
            uint8_t v = (uint8_t)(best[j] + 1);
            if (v < best[i]) {
                best[i] = v;
                ways[i] = ways[j];
                from[i] = (uint8_t)j;
            } else if (v == best[i]) {
                ways[i] = (uint8_t)(ways[i] + ways[j] > 2 ? 2 : ways[i] + ways[j]);
            }
        }
    }
    if (best[n] == 255 || best[n] < 2 || best[n] > MAX_PIECES || ways[n] != 1)
        return 0;
    size_t np = best[n];
    for (size_t i = n, k = np; k-- > 0; i = from[i])
        end[k] = (uint8_t)i;
    return np;
}

/* Replaces tag base tokens by their words. */
static int split_tags(ch_lex *lx, const char *orig, const ch_normbuf *nb, ch_lex_known_fn known,
                      const void *kctx)
{
    size_t n = lx->nb, tg = 0, dropped = 0;
    for (size_t i = 0; i < n; i++) {
        base x = lx->b[i];
        size_t tl = x.ne - x.ns;
        if (x.flags & B_MENTION) {
            /* a handle that is one word ("@quaywatch") was never text: it stays out, as
             * normalization would have left it; "@JustinTrudeau", "@Justin_Trudeau" are words */
            while (tg < lx->ntags && lx->tags[tg][1] <= x.os)
                tg++;
            bool whole = tg < lx->ntags && lx->tags[tg][0] == x.os &&
                         (i + 1 == n || lx->b[i + 1].os >= lx->tags[tg][1]);
            uint8_t e2[MAX_PIECES];
            if (whole && (!(x.flags & B_ASCII) || tl < 4 || tl > 255 ||
                          camel_split(orig + x.os, tl, e2) < 2)) {
                lx->b[i].flags |= B_DROP;
                dropped++;
                continue;
            }
        }
        if (!(x.flags & B_TAG) || !(x.flags & B_ASCII) || tl < 4 || tl > 255)
            continue;
        const char *o = orig + x.os, *w = nb->s + x.ns;
        /* one byte per letter in the original: the same letters, case aside */
        bool same = true;
        for (size_t k = 0; k < tl && same; k++)
            same = (o[k] | 32) == w[k] || o[k] == w[k];
        if (!same)
            continue;
        uint8_t end[MAX_PIECES];
        size_t np = camel_split(o, tl, end);
        if (np < 2 && known && tl <= SEG_MAX_LEN && !(x.flags & B_MENTION)) {
            /* cached per tag: the same tags come back post after post */
            split_e *c = &lx->split[(x.h ^ (x.h >> 31)) & ((1u << SPLIT_BITS) - 1)];
            if (c->key == x.h) {
                np = c->n;
                memcpy(end, c->end, sizeof end);
            } else {
                np = known(kctx, x.h) ? 0 : known_split(w, tl, known, kctx, end);
                c->key = x.h;
                c->n = (uint8_t)np;
                memcpy(c->end, end, sizeof end);
            }
        }
        if (np < 2)
            continue;
        /* the pieces replace the token: this one becomes the first, the rest are inserted */
        base pieces[MAX_PIECES];
        size_t at = 0;
        for (size_t k = 0; k < np; k++) {
            base p = x;
            p.ns = x.ns + (uint32_t)at;
            p.ne = x.ns + end[k];
            p.os = x.os + (uint32_t)at;
            p.oe = k + 1 < np ? x.os + end[k] : x.oe;
            p.h = ch_tok_hash(nb->s + p.ns, p.ne - p.ns);
            p.flags = (uint8_t)((x.flags & ~B_DIGITS) | (is_dig(w[at]) ? B_DIGITS : 0) |
                                (k > 0 ? B_PIECE : 0));
            pieces[k] = p;
            at = end[k];
        }
        for (size_t k = 1; k < np; k++)
            if (push_base(lx, &pieces[k]))
                return CHORUS_ENOMEM;
        /* move the new pieces next to the first: rotate the tail */
        size_t added = np - 1, tail = lx->nb - added;
        for (size_t k = 0; k < added; k++) {
            base t = lx->b[tail + k];
            memmove(lx->b + i + 2 + k, lx->b + i + 1 + k, (tail + k - (i + 1 + k)) * sizeof *lx->b);
            lx->b[i + 1 + k] = t;
        }
        lx->b[i] = pieces[0];
        i += added;
        n += added;
    }
    if (dropped) {
        size_t o = 0;
        for (size_t i = 0; i < lx->nb; i++)
            if (!(lx->b[i].flags & B_DROP))
                lx->b[o++] = lx->b[i];
        lx->nb = o;
    }
    return CHORUS_OK;
}

/* ---- the stream -------------------------------------------------------------------------------- */

/* The CH_LEXT_* flags of a base token. */
static uint8_t tok_flags(const base *x)
{
    return (uint8_t)(((x->flags & B_TAG) ? CH_LEXT_TAG : 0) |
                     ((x->flags & B_MENTION) ? CH_LEXT_MENTION : 0) |
                     ((x->flags & B_PIECE) ? CH_LEXT_PIECE : 0));
}

/* The flags of a token joined from base tokens [i, k): those all of them have. */
static uint8_t joined_flags(const base *b, size_t i, size_t k)
{
    uint8_t f = tok_flags(&b[i]);
    for (size_t q = i + 1; q < k; q++)
        f &= tok_flags(&b[q]);
    return f;
}

/* Whether the text is mostly capitals (then capitals say nothing about acronyms). */
static bool shouting(const char *orig, size_t olen)
{
    size_t up = 0, lo = 0;
    for (size_t i = 0; i < olen; i++) {
        up += is_up(orig[i]);
        lo += is_lo(orig[i]);
    }
    return up > lo;
}

/* The original letters of base token x are capitals ("US"; "MPs": a plural s after them). */
static bool written_caps(const char *orig, const base *x)
{
    size_t n = x->ne - x->ns;
    const char *o = orig + x->os;
    if (n >= 3 && o[n - 1] == 's' && is_up(o[n - 2]))
        n--;
    for (size_t k = 0; k < n; k++)
        if (!is_up(o[k]))
            return false;
    return n >= 2;
}

/* Function words of base tokens [from, to): c[1] English, c[2] French, c[3] other. */
static void count_fw(const ch_lex *lx, size_t from, size_t to, size_t c[4])
{
    c[0] = c[1] = c[2] = c[3] = 0;
    for (size_t i = from; i < to; i++)
        c[lx->b[i].fw]++;
}

static ch_lang decide(const size_t c[4])
{
    if (c[2] > c[1] && c[2] >= c[3])
        return CH_LANG_FR;
    if (c[3] > c[1] && c[3] > c[2])
        return CH_LANG_OTHER;
    return CH_LANG_EN;
}

/* Does orig[a, e) (between two words) end a sentence or open or close a quotation? */
static bool region_break(const char *orig, size_t olen, size_t a, size_t e)
{
    for (size_t i = a; i < e; i++) {
        unsigned char c = (unsigned char)orig[i];
        if (c == '"' || c == '\n')
            return true;
        if ((c == '.' || c == '!' || c == '?' || c == ':') && i + 1 < e)
            return true;
        if (c == 0xE2 && i + 2 < olen && (unsigned char)orig[i + 1] == 0x80 &&
            ((unsigned char)orig[i + 2] == 0x9C || (unsigned char)orig[i + 2] == 0x9D ||
             (unsigned char)orig[i + 2] == 0x9E))
            return true; /* “ ” „ */
        if (c == 0xC2 && i + 1 < olen &&
            ((unsigned char)orig[i + 1] == 0xAB || (unsigned char)orig[i + 1] == 0xBB))
            return true; /* « » */
    }
    return false;
}

/* The language of every base token: the text's guess, and each sentence's or quotation's own
 * where its function words decide it. */
static ch_lang guess_languages(ch_lex *lx, const char *orig, size_t olen)
{
    size_t c[4];
    count_fw(lx, 0, lx->nb, c);
    ch_lang all = decide(c);
    for (size_t i = 0; i < lx->nb;) {
        size_t j = i + 1;
        while (j < lx->nb && !region_break(orig, olen, lx->b[j - 1].oe, lx->b[j].os))
            j++;
        count_fw(lx, i, j, c);
        ch_lang l = c[1] + c[2] + c[3] > 0 ? decide(c) : all;
        for (size_t k = i; k < j; k++)
            lx->b[k].lang = (uint8_t)l;
        i = j;
    }
    return all;
}

int ch_lex_tokens(ch_lex *lx, const char *orig, size_t olen, const ch_normbuf *nb, ch_lang lang,
                  ch_lex_known_fn known, const void *kctx, size_t max, const ch_lex_tok **out,
                  size_t *n, ch_lang *lang_used)
{
    const unsigned opts = lx->opts;
    /* the options that change words (and so need the language) */
    const unsigned wopts = opts & (CH_LEX_ABBREV | CH_LEX_NUMBERS | CH_LEX_STEM | CH_LEX_SYNONYMS);
    lx->nb = lx->nout = 0;
    *out = lx->out;
    *n = 0;
    find_tags(lx, orig, olen, (opts & CH_LEX_TAGS) != 0);
    /* a token takes a byte and a separator: this is room for every one, usually */
    if (reserve(lx, (nb->len < max * 2 ? nb->len : max * 2) / 2 + 16))
        return CHORUS_ENOMEM;
    /* pass 1: base tokens */
    ch_tokiter it;
    size_t a, e, tg = 0;
    ch_tok_init(&it, nb->s, nb->len);
    while (lx->nb < max && ch_tok_next(&it, &a, &e)) {
        base x;
        x.ns = (uint32_t)a;
        x.ne = (uint32_t)e;
        x.os = nb->map[a];
        x.oe = e < nb->len ? nb->map[e] : (uint32_t)olen;
        if (e == nb->len || x.oe <= x.os) {
            /* the last word: where its last character ends ("64%": the '%' follows); or a
             * word that ends inside one original character ("¾" is "3 4"): all of it */
            size_t os_, oe_;
            if (ch_norm_orig_range(nb, orig, olen, a, e, &os_, &oe_) == CHORUS_OK)
                x.oe = (uint32_t)oe_;
        }
        x.h = ch_tok_hash(nb->s + a, e - a);
        x.flags = 0;
        x.lang = (uint8_t)lang;
        while (tg < lx->ntags && lx->tags[tg][1] <= x.os)
            tg++;
        if (tg < lx->ntags && lx->tags[tg][0] <= x.os)
            x.flags |= B_TAG | (lx->tags[tg][2] ? B_MENTION : 0);
        bool ascii = true;
        for (size_t k = a; k < e && ascii; k++)
            ascii = (unsigned char)nb->s[k] < 0x80;
        x.fw = 0;
        if (ascii) {
            x.flags |= B_ASCII | (nb->s[a] >= '0' && nb->s[a] <= '9' ? B_DIGITS : 0);
            if (wopts && lang == CH_LANG_UNKNOWN && e - a <= 6)
                x.fw = (uint8_t)ch_abbr_function_word(x.h);
        }
        if (push_base(lx, &x))
            return CHORUS_ENOMEM;
    }
    if (lang == CH_LANG_UNKNOWN)
        lang = wopts ? guess_languages(lx, orig, olen) : CH_LANG_EN;
    else
        for (size_t i = 0; i < lx->nb; i++)
            lx->b[i].lang = (uint8_t)lang;
    if (lang_used)
        *lang_used = lang;
    if ((opts & CH_LEX_TAGS) && split_tags(lx, orig, nb, known, kctx))
        return CHORUS_ENOMEM;
    if (reserve(lx, lx->nb))
        return CHORUS_ENOMEM;
    /* pass 3: canonical tokens, each in the language of its sentence or quotation */
    int shout = -1; /* computed when a capital acronym is in question */
    const base *b = lx->b;
    for (size_t i = 0; i < lx->nb && lx->nout < max;) {
        const base *x = &b[i];
        uint8_t tf = tok_flags(x);
        if (!wopts || !(x->flags & B_ASCII)) {
            push_out(lx, x->ns, x->ne, x->os, x->oe, x->h, tf, 1);
            i++;
            continue;
        }
        size_t tl = x->ne - x->ns;
        const char *w = nb->s + x->ns;
        lang = (ch_lang)x->lang;
        const bool tables = lang == CH_LANG_EN || lang == CH_LANG_FR;
        /* dotted acronyms: "U.S.", "U.K.", "É.-U." */
        if ((opts & CH_LEX_ABBREV) && tl == 1 && !(x->flags & B_DIGITS) && x->oe < olen &&
            orig[x->oe] == '.') {
            char letters[16];
            size_t k = i, nl = 0;
            while (k < lx->nb && nl < sizeof letters && b[k].ne - b[k].ns == 1 &&
                   (b[k].flags & B_ASCII) && !(b[k].flags & B_DIGITS) && b[k].oe < olen &&
                   orig[b[k].oe] == '.') {
                letters[nl++] = nb->s[b[k].ns];
                if (k + 1 < lx->nb &&
                    (b[k + 1].os == b[k].oe + 1 ||
                     (b[k + 1].os == b[k].oe + 2 && orig[b[k].oe + 1] == '-')))
                    k++;
                else {
                    k++;
                    break;
                }
            }
            /* the last letter may lack its stop: "U.S" */
            if (nl >= 1 && k < lx->nb && nl < sizeof letters && b[k].ne - b[k].ns == 1 &&
                (b[k].flags & B_ASCII) && !(b[k].flags & B_DIGITS) &&
                b[k].os == b[k - 1].oe + 1 && (b[k].oe >= olen || orig[b[k].oe] != '.'))
                letters[nl++] = nb->s[b[k++].ns];
            bool time = nl == 2 && letters[1] == 'm' && (letters[0] == 'a' || letters[0] == 'p');
            if (nl >= 2 && !time) {
                const ch_abbr *ae = tables ? ch_abbr_get(lang, ch_tok_hash(letters, nl)) : NULL;
                uint64_t h;
                if (ae && (ae->kind & CH_AB_ACRONYM)) {
                    const char *cn = ae->canon;
                    h = cn[0] == '=' ? ch_tok_hash(cn, strlen(cn))
                                     : canon_word(lx, lang, cn);
                } else {
                    h = ch_tok_hash(letters, nl);
                }
                uint32_t oe = b[k - 1].oe;
                if (oe < olen && orig[oe] == '.')
                    oe++;
                uint8_t f = joined_flags(b, i, k);
                push_out(lx, x->ns, b[k - 1].ne, x->os, oe, h, f, 1);
                i = k;
                continue;
            }
        }
        const cache_e *we = tables && !(x->flags & B_DIGITS)
                                ? word_entry(lx, lang, w, tl, x->h, orig, olen, x->os)
                                : NULL;
        const ch_abbr *ent = we ? we->ent : NULL;
        /* multi-word names: "united states", "per cent", "gov t" */
        if ((opts & CH_LEX_ABBREV) && ent && (ent->kind & CH_AB_PHRASE) && i + 1 < lx->nb) {
            uint64_t hs[6];
            size_t avail = 0;
            while (avail < 6 && i + avail < lx->nb && (b[i + avail].flags & B_ASCII))
                hs[avail] = b[i + avail].h, avail++;
            const char *cn = NULL;
            size_t pl = ch_abbr_phrase(lang, hs, avail, &cn);
            /* "per cent" after a number is the number's (read_number); here it stands alone */
            if (pl >= 2) {
                uint64_t h = cn[0] == '=' ? ch_tok_hash(cn, strlen(cn)) : canon_word(lx, lang, cn);
                uint8_t f = joined_flags(b, i, i + pl);
                push_out(lx, x->ns, b[i + pl - 1].ne, x->os, b[i + pl - 1].oe, h, f, pl);
                i += pl;
                continue;
            }
        }
        /* numbers */
        if ((opts & CH_LEX_NUMBERS) &&
            ((x->flags & B_DIGITS) || (ent && (ent->kind & CH_AB_NUMBER)))) {
            char form[72];
            size_t fl = 0;
            size_t used = read_number(lx, orig, olen, nb, i, tables ? lang : CH_LANG_EN, form, &fl);
            if (used) {
                uint8_t f = joined_flags(b, i, i + used);
                push_out(lx, x->ns, b[i + used - 1].ne, x->os, b[i + used - 1].oe,
                             ch_tok_hash(form, fl), f, used);
                i += used;
                continue;
            }
        }
        uint64_t h = x->h;
        uint32_t oe = x->oe;
        if (tables && !(x->flags & B_DIGITS)) {
            bool done = false;
            /* acronyms: "CSIS" in any case; "US", "WHO" only in capitals */
            if ((opts & CH_LEX_ABBREV) && ent && (ent->kind & CH_AB_ACRONYM)) {
                bool ok = !ent->caps;
                if (!ok && written_caps(orig, x)) {
                    if (shout < 0)
                        shout = shouting(orig, olen);
                    ok = !shout;
                }
                if (ok) {
                    const char *cn = ent->canon;
                    h = cn[0] == '=' ? ch_tok_hash(cn, strlen(cn)) : canon_word(lx, lang, cn);
                    done = true;
                }
            }
            /* "w/" = with */
            if (!done && (opts & CH_LEX_ABBREV) && ent && (ent->kind & CH_AB_SLASH) &&
                x->oe < olen && orig[x->oe] == '/') {
                h = canon_word(lx, lang, ent->canon);
                done = true;
            }
            if (!done) {
                h = we->hash;
                if (we->dotted && oe < olen && orig[oe] == '.')
                    oe++; /* "Feb.", "Mr.": not a sentence end */
            }
        }
        push_out(lx, x->ns, x->ne, x->os, oe, h, tf, 1);
        i++;
    }
    *out = lx->out;
    *n = lx->nout;
    return CHORUS_OK;
}
