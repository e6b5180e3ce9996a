/*
 * normalize.c — text normalization (entities, URLs/mentions, NFKC + case folding, diacritics,
 * ignorables, homoglyphs, separators) with an exact offset map, and the shingling tokenizer.
 *
 * The text is cut into units, each processed on its own:
 *   - a removed URL or @mention (becomes a separator);
 *   - an HTML entity, or one UTF-8 character, or an invalid byte (U+FFFD, a separator),
 *     followed by up to CLUSTER_MAX-1 combining characters that survive normalization, and
 *     any number that vanish (marks, half-width kana voicing
 *     marks, conjoining Hangul vowel/final jamo, default-ignorables), so NFKC composition
 *     across characters ("か" + U+3099 → "が", "e" + U+0301 → "é" → "e") happens inside one
 *     unit, and an invisible character cannot keep a mark from its base.
 * Every output byte of a unit maps to the unit's first original byte, and scan_unit() is a pure
 * function of (text, position, flags), so ch_norm_orig_range() finds a unit's end by scanning it
 * again. The ASCII fast path in ch_normalize takes only bytes that scan_unit would also return
 * as one-byte units (see the conditions there), keeping the two in agreement.
 */
#include "text/normalize.h"
#include "text/html.h"

#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"

#define CLUSTER_MAX 16 /* code points per unit: a base and at most 15 combining characters */
#define DECOMP_MAX 18  /* longest NFKC-casefold decomposition of one code point (U+FDFA) */
#define DBUF (CLUSTER_MAX * DECOMP_MAX)
#define DOMAIN_MAX 253 /* longest host name scanned for a bare short link */
#define HANDLE_MAX 64  /* longest @mention handle */

#define DECOMP_OPTS \
    (UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_DECOMPOSE)

/* ---- character classes -------------------------------------------------------------------- */

static inline bool a_alnum(unsigned c)
{
    return (c - '0' < 10u) | ((c | 0x20u) - 'a' < 26u);
}
static inline unsigned a_lower(unsigned c)
{
    return c - 'A' < 26u ? c | 0x20u : c;
}
/* Characters of a host name; a bare domain or "www." may only start after none of these. */
static inline bool a_dom(unsigned c)
{
    return a_alnum(c) || c == '.' || c == '-';
}
static inline bool a_handle(unsigned c)
{
    return a_alnum(c) || c == '_';
}
/* Bytes that may appear inside a URL: printable ASCII except space and <>"` . */
static inline bool a_urlch(unsigned c)
{
    return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '`';
}

/* Code points that NFKC + case folding leave unchanged and that are letters: the URO and
 * extension A Han blocks and precomposed Hangul syllables. They skip utf8proc. */
static inline bool fast_letter(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3);
}

static inline bool is_mark_cat(int cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME;
}

/* Does cp join the unit before it? Combining characters do, since NFKC may compose them with
 * what precedes, and so do default-ignorable characters, which vanish and must not split a
 * base from its marks ("ｶ" ZWJ "ﾞ" is "ガ"). */
static bool is_extender(int32_t cp)
{
    if (cp < 0x300 || fast_letter(cp))
        return false;
    if ((cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF))
        return true; /* conjoining Hangul vowels and finals */
    if (cp == 0xFF9E || cp == 0xFF9F)
        return true; /* half-width katakana (semi-)voiced sound marks */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    return is_mark_cat(p->category) || p->ignorable;
}

/* Marks removed as diacritics: the generic combining blocks (accents, Zalgo stacks, strike-
 * through and underline overlays, enclosing keycaps), Cyrillic titlo marks, Hebrew points and
 * Arabic harakat. Script-specific vowel signs (Indic, Thai, ...) and kana voicing are kept:
 * they spell different words, not decorations. */
static bool strip_mark(int32_t cp)
{
    if (cp < 0x300)
        return false;
    if (cp <= 0x36F || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
        (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
        (cp >= 0x483 && cp <= 0x489))
        return true;
    if ((cp >= 0x591 && cp <= 0x5C7) || (cp >= 0x610 && cp <= 0x61A) ||
        (cp >= 0x64B && cp <= 0x65F) || cp == 0x670 || (cp >= 0x6D6 && cp <= 0x6ED))
        return utf8proc_get_property(cp)->category == UTF8PROC_CATEGORY_MN;
    return false;
}

/* Does cp (>= U+0300) normalize to nothing: a default-ignorable, or a mark removed as a
 * diacritic? Decomposing and case-folding every code point from U+0300 up gives nothing else
 * that vanishes, and of the stripped marks only U+0345 survives (case folding makes it the
 * letter iota), so this needs no decomposition on the hot path. */
static bool vanishes(int32_t cp)
{
    return utf8proc_get_property(cp)->ignorable || (strip_mark(cp) && cp != 0x345);
}

/* Look-alike letters folded to Latin, after case folding (so capitals are covered through
 * their lower case and genuine Greek and Cyrillic stay case-insensitive). Where a Greek capital
 * and its small letter resemble different Latin letters, one reading is chosen: Η/η → h,
 * Μ/μ → m, Ν/ν → n, Υ/υ → u. Sorted by code point. */
static const struct { uint16_t cp; char to; } homoglyphs[] = {
    {0x00F8, 'o'}, {0x0111, 'd'}, {0x0127, 'h'}, {0x0131, 'i'}, {0x0142, 'l'}, {0x0237, 'j'},
    {0x0251, 'a'}, {0x0261, 'g'},
    /* Greek */
    {0x03B1, 'a'}, {0x03B2, 'b'}, {0x03B3, 'y'}, {0x03B5, 'e'}, {0x03B6, 'z'}, {0x03B7, 'h'},
    {0x03B9, 'i'}, {0x03BA, 'k'}, {0x03BC, 'm'}, {0x03BD, 'n'}, {0x03BF, 'o'}, {0x03C1, 'p'},
    {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'}, {0x03F2, 'c'}, {0x03F3, 'j'},
    /* Cyrillic */
    {0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043A, 'k'}, {0x043C, 'm'}, {0x043D, 'h'},
    {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'}, {0x0445, 'x'},
    {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x0475, 'v'}, {0x04AF, 'y'}, {0x04BB, 'h'},
    {0x04CF, 'l'}, {0x0501, 'd'}, {0x051B, 'q'}, {0x051D, 'w'},
    /* Armenian */
    {0x0566, 'q'}, {0x0570, 'h'}, {0x0578, 'n'}, {0x057D, 'u'}, {0x0581, 'g'}, {0x0585, 'o'},
};

static inline int32_t fold_homoglyph(int32_t cp)
{
    if (cp < 0xF8 || cp > 0x585)
        return cp;
    size_t lo = 0, hi = sizeof homoglyphs / sizeof homoglyphs[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (homoglyphs[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sizeof homoglyphs / sizeof homoglyphs[0] && homoglyphs[lo].cp == cp)
        return (unsigned char)homoglyphs[lo].to;
    return cp;
}

/* Strict UTF-8 decoding (no overlongs, surrogates or values above U+10FFFF). An invalid byte
 * decodes as U+FFFD of length 1, so decoding always advances. */
static inline size_t dec(const unsigned char *s, size_t n, size_t i, int32_t *cp)
{
    unsigned c = s[i];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c < 0xE0) {
        if (i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            *cp = (int32_t)(((c & 0x1F) << 6) | (s[i + 1] & 0x3F));
            return 2;
        }
    } else if (c >= 0xE0 && c < 0xF0) {
        if (i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            uint32_t v = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
                *cp = (int32_t)v;
                return 3;
            }
        }
    } else if (c >= 0xF0 && c < 0xF5) {
        if (i + 3 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
            (s[i + 3] & 0xC0) == 0x80) {
            uint32_t v = ((c & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                         ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
            if (v >= 0x10000 && v <= 0x10FFFF) {
                *cp = (int32_t)v;
                return 4;
            }
        }
    }
    *cp = 0xFFFD;
    return 1;
}

static inline size_t enc(int32_t cp, unsigned char *d)
{
    uint32_t v = (uint32_t)cp;
    if (v < 0x80) {
        d[0] = (unsigned char)v;
        return 1;
    }
    if (v < 0x800) {
        d[0] = (unsigned char)(0xC0 | (v >> 6));
        d[1] = (unsigned char)(0x80 | (v & 0x3F));
        return 2;
    }
    if (v < 0x10000) {
        d[0] = (unsigned char)(0xE0 | (v >> 12));
        d[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        d[2] = (unsigned char)(0x80 | (v & 0x3F));
        return 3;
    }
    d[0] = (unsigned char)(0xF0 | (v >> 18));
    d[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
    d[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
    d[3] = (unsigned char)(0x80 | (v & 0x3F));
    return 4;
}

/* ---- HTML entities ------------------------------------------------------------------------ */

/* One decoder for all of chorus (text/html.c). */
static inline size_t entity_at(const unsigned char *s, size_t n, size_t i, int32_t *cp)
{
    return ch_html_entity(s, n, i, cp);
}

/* ---- URLs and mentions -------------------------------------------------------------------- */

static inline bool word_start(const unsigned char *s, size_t i)
{
    return i == 0 || !a_dom(s[i - 1]);
}

static bool prefix_ci(const unsigned char *s, size_t n, size_t i, const char *p)
{
    for (; *p; p++, i++)
        if (i >= n || a_lower(s[i]) != (unsigned char)*p)
            return false;
    return true;
}

/* End of a URL body starting at j, without trailing sentence punctuation. */
static size_t url_end(const unsigned char *s, size_t n, size_t start, size_t j)
{
    int open = 0;
    while (j < n && a_urlch(s[j])) {
        open += s[j] == '(';
        open -= s[j] == ')';
        j++;
    }
    while (j > start) {
        unsigned c = s[j - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
            c == '*') {
            j--;
        } else if (c == ')' && open < 0) {
            open++;
            j--;
        } else {
            break;
        }
    }
    return j;
}

/* Length of a URL at s[i] (an ASCII letter or digit), or 0. "http://" and "https://" are
 * recognized anywhere, even glued to a word; "www." and bare short links ("t.co/x",
 * "bit.ly/x": host labels, a lower-case alphabetic top-level label of 2-24 letters, then '/')
 * only at the start of a host-name run. */
static size_t url_at(const unsigned char *s, size_t n, size_t i)
{
    unsigned c = a_lower(s[i]);
    if (c == 'h') {
        if (prefix_ci(s, n, i, "http://"))
            return url_end(s, n, i, i + 7) - i;
        if (prefix_ci(s, n, i, "https://"))
            return url_end(s, n, i, i + 8) - i;
    }
    if (!word_start(s, i))
        return 0;
    if (c == 'w' && prefix_ci(s, n, i, "www.") && i + 4 < n && a_alnum(s[i + 4]))
        return url_end(s, n, i, i + 4) - i;
    /* bare host: labels of [A-Za-z0-9-] separated by single dots, then '/' */
    size_t j = i, labels = 0, tld = 0, lab = i;
    while (j < n && j - i <= DOMAIN_MAX && a_dom(s[j])) {
        if (s[j] == '.') {
            if (j == lab)
                return 0; /* empty label */
            labels++;
            lab = j + 1;
        }
        j++;
    }
    if (labels == 0 || j >= n || s[j] != '/' || j == lab)
        return 0;
    for (size_t k = lab; k < j; k++) {
        if ((unsigned)s[k] - 'a' >= 26u)
            return 0;
        tld++;
    }
    if (tld < 2 || tld > 24)
        return 0;
    return url_end(s, n, i, j + 1) - i;
}

/* Length of an @mention at s[i]: '@' or U+FF20 not after [A-Za-z0-9_], then 1-64 handle
 * characters [A-Za-z0-9_] ('-' too when a domain label follows), then, for domain handles (Bluesky's "@alice.bsky.social"), every
 * ".label" that follows (label: [A-Za-z0-9-]+ starting with a letter or digit), up to
 * DOMAIN_MAX bytes, so that a mention leaves no "bsky social" words behind; a final '.' ends
 * the sentence, not the handle. 0 if none. */
static size_t mention_at(const unsigned char *s, size_t n, size_t i)
{
    size_t j;
    if (s[i] == '@')
        j = i + 1;
    else if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBC && s[i + 2] == 0xA0)
        j = i + 3;
    else
        return 0;
    if (i > 0 && a_handle(s[i - 1]))
        return 0;
    size_t h = j;
    while (j < n && j - h < HANDLE_MAX && a_handle(s[j]))
        j++;
    if (j == h)
        return 0;
    /* a domain handle's first label may hold '-' ("@jane-doe.bsky.social"; X handles cannot,
     * so "@jane-doe" stays the mention "@jane" and the word "doe") */
    if (j < n && s[j] == '-') {
        size_t k = j;
        while (k < n && k - h < HANDLE_MAX && (a_handle(s[k]) || s[k] == '-'))
            k++;
        if (k + 1 < n && s[k] == '.' && a_alnum(s[k + 1]))
            j = k;
    }
    while (j + 1 < n && s[j] == '.' && a_alnum(s[j + 1]) && j - h < DOMAIN_MAX) {
        j++;
        while (j < n && j - h < DOMAIN_MAX && (a_alnum(s[j]) || s[j] == '-'))
            j++;
    }
    return j - i;
}

/* ---- units -------------------------------------------------------------------------------- */

enum { U_TEXT, U_URL, U_MENTION };

typedef struct unit {
    size_t len; /* original bytes */
    int kind;
    int ncp;
    int32_t cp[CLUSTER_MAX];
} unit;

/* The unit starting at s[i]. Pure: depends only on s, n, i and flags. */
static void scan_unit(const unsigned char *s, size_t n, size_t i, unsigned flags, unit *u)
{
    size_t l;
    unsigned c = s[i];
    if (a_alnum(c) && !(flags & CH_NORM_KEEP_URLS) && (l = url_at(s, n, i)) > 0) {
        u->kind = U_URL;
        u->len = l;
        u->ncp = 0;
        return;
    }
    if ((c == '@' || c == 0xEF) && !(flags & CH_NORM_KEEP_MENTIONS) &&
        (l = mention_at(s, n, i)) > 0) {
        u->kind = U_MENTION;
        u->len = l;
        u->ncp = 0;
        return;
    }
    int32_t cp;
    if (c != '&' || (l = entity_at(s, n, i, &cp)) == 0)
        l = dec(s, n, i, &cp);
    u->kind = U_TEXT;
    u->cp[0] = cp;
    u->ncp = 1;
    size_t j = i + l;
    while (u->ncp < CLUSTER_MAX && j < n && (s[j] >= 0x80 || s[j] == '&')) {
        if (s[j] == '&') {
            if ((l = entity_at(s, n, j, &cp)) == 0)
                break;
        } else {
            l = dec(s, n, j, &cp);
        }
        if (!is_extender(cp))
            break;
        /* A character that normalizes to nothing joins the unit without taking a slot: a run
         * of invisible characters must not push a real mark into a unit of its own, or
         * normalizing the output again (which no longer holds them) would compose what the
         * first pass left apart. */
        if (!vanishes(cp))
            u->cp[u->ncp++] = cp;
        j += l;
    }
    u->len = j - i;
}

/* ---- output ------------------------------------------------------------------------------- */

typedef struct nstate {
    ch_normbuf *b;
    bool map;
    bool pending;    /* a separator was seen since the last word character */
    uint32_t sep_at; /* original offset of the first separator of the pending run */
    size_t room;     /* bytes both s and (with the map) map can hold: min of the two caps */
} nstate;

/* Room for `extra` more bytes plus the NUL. */
static int reserve(nstate *st, size_t extra)
{
    ch_normbuf *b = st->b;
    size_t need;
    if (!ch_add_ok(b->len, extra + 1, &need))
        return CHORUS_ENOMEM;
    if (need > b->cap) {
        void *p = b->s;
        if (ch_grow(&p, &b->cap, need, 1) != CHORUS_OK)
            return CHORUS_ENOMEM;
        b->s = p;
    }
    if (st->map && need > b->map_cap) {
        void *p = b->map;
        if (ch_grow(&p, &b->map_cap, need, sizeof(uint32_t)) != CHORUS_OK)
            return CHORUS_ENOMEM;
        b->map = p;
    }
    st->room = st->map && b->map_cap < b->cap ? b->map_cap : b->cap;
    return CHORUS_OK;
}

static inline void sep(nstate *st, size_t at)
{
    if (!st->pending) {
        st->pending = true;
        st->sep_at = (uint32_t)at;
    }
}

/* Emits a word character's bytes (caller reserved len + 1 for a space). */
static inline void word(nstate *st, const unsigned char *p, size_t k, size_t at)
{
    ch_normbuf *b = st->b;
    if (st->pending) {
        st->pending = false;
        if (b->len > 0) {
            if (st->map)
                b->map[b->len] = st->sep_at;
            b->s[b->len++] = ' ';
        }
    }
    for (size_t j = 0; j < k; j++) {
        if (st->map)
            b->map[b->len] = (uint32_t)at;
        b->s[b->len++] = (char)p[j];
    }
}

/* Emits one normalized code point: a word character, a separator, or nothing (format). */
static void emit_cp(nstate *st, int32_t cp, size_t at)
{
    unsigned char u8[4];
    if (cp < 0x80) {
        if (a_alnum((unsigned)cp)) {
            u8[0] = (unsigned char)cp;
            word(st, u8, 1, at);
        } else {
            sep(st, at);
        }
        return;
    }
    if (!fast_letter(cp)) {
        int cat = utf8proc_get_property(cp)->category;
        if (cat == UTF8PROC_CATEGORY_CF)
            return;
        if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO) {
            sep(st, at); /* punctuation, symbols, spaces, controls, private, unassigned */
            return;
        }
    }
    word(st, u8, enc(cp, u8), at);
}

static int process_unit(nstate *st, const unit *u, size_t at)
{
    /* Marks on an invisible format character (U+0600 ARABIC NUMBER SIGN, ...) are dropped with
     * it: emitted, they would glue to the word before, and normalizing the output again would
     * order them among that word's own marks. */
    if (u->ncp > 1 && u->cp[0] >= 0x80 && !fast_letter(u->cp[0]) &&
        utf8proc_get_property(u->cp[0])->category == UTF8PROC_CATEGORY_CF)
        return CHORUS_OK;
    int32_t buf[DBUF];
    utf8proc_ssize_t m = 0;
    int bc = 0;
    for (int k = 0; k < u->ncp; k++) {
        int32_t cp = u->cp[k];
        if (cp < 0x80) {
            buf[m++] = (int32_t)a_lower((unsigned)cp);
        } else if (fast_letter(cp)) {
            buf[m++] = cp;
        } else {
            utf8proc_ssize_t r = utf8proc_decompose_char(cp, buf + m, DBUF - m, DECOMP_OPTS, &bc);
            if (r < 0 || r > DBUF - m) /* cannot happen for valid code points */
                buf[m++] = 0xFFFD;
            else
                m += r;
        }
    }
    /* drop diacritics; composition is needed only if a later code point may combine */
    utf8proc_ssize_t j = 0;
    bool compose = false;
    for (utf8proc_ssize_t k = 0; k < m; k++) {
        int32_t c = buf[k];
        if (strip_mark(c))
            continue;
        if (j > 0 && c >= 0x300)
            compose = true;
        buf[j++] = c;
    }
    m = j;
    if (compose) {
        /* canonical ordering across the unit's characters, then NFC composition */
        for (utf8proc_ssize_t k = 0; k + 1 < m;) {
            int c1 = utf8proc_get_property(buf[k])->combining_class;
            int c2 = utf8proc_get_property(buf[k + 1])->combining_class;
            if (c2 > 0 && c1 > c2) {
                int32_t t = buf[k];
                buf[k] = buf[k + 1];
                buf[k + 1] = t;
                if (k > 0)
                    k--;
            } else {
                k++;
            }
        }
        utf8proc_ssize_t r = utf8proc_normalize_utf32(buf, m, UTF8PROC_COMPOSE);
        if (r >= 0)
            m = r;
    }
    /* each code point: at most 4 bytes, plus one space before the first */
    if (reserve(st, (size_t)m * 4 + 1) != CHORUS_OK)
        return CHORUS_ENOMEM;
    for (utf8proc_ssize_t k = 0; k < m; k++)
        emit_cp(st, fold_homoglyph(buf[k]), at);
    return CHORUS_OK;
}

/* ---- public ------------------------------------------------------------------------------- */

void ch_normbuf_init(ch_normbuf *b)
{
    memset(b, 0, sizeof *b);
}

void ch_normbuf_free(ch_normbuf *b)
{
    if (!b)
        return;
    ch_free(b->s);
    ch_free(b->map);
    ch_free(b->items);
    memset(b, 0, sizeof *b);
}

static int add_item(ch_normbuf *b, size_t start, size_t len, int kind)
{
    void *p = b->items;
    if (ch_grow(&p, &b->items_cap, b->nitems + 1, sizeof(ch_norm_item)) != CHORUS_OK)
        return CHORUS_ENOMEM;
    b->items = p;
    b->items[b->nitems].start = (uint32_t)start;
    b->items[b->nitems].end = (uint32_t)(start + len);
    b->items[b->nitems].kind = kind == U_URL ? CH_NORM_URL : CH_NORM_MENTION;
    b->nitems++;
    return CHORUS_OK;
}

int ch_normalize(const char *text, size_t n, unsigned flags, ch_normbuf *b)
{
    const unsigned char *s = (const unsigned char *)text;
    nstate st = {.b = b, .map = (flags & CH_NORM_MAP) != 0};
    int rc = CHORUS_OK;

    b->len = 0;
    b->nitems = 0;
    b->flags = flags;
    if (n > CH_NORM_MAX_INPUT) {
        rc = CHORUS_ELIMIT;
        goto out;
    }
    /* ASCII never grows; other text grows the buffers as needed */
    if ((rc = reserve(&st, n + 16)) != CHORUS_OK)
        goto out;

    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        /* Fast path: an ASCII byte not followed by a possible combining character (raw or
         * as an entity), that scan_unit would return as a one-byte unit: no entity ('&'),
         * mention ('@') or URL (no "ht" that may begin "http", no letter or digit at the
         * start of a host run). */
        if (c < 0x80 && (i + 1 == n || (s[i + 1] < 0x80 && s[i + 1] != '&'))) {
            if (a_alnum(c)) {
                bool maybe_http = a_lower(c) == 'h' && i + 1 < n && a_lower(s[i + 1]) == 't';
                if (!word_start(s, i) && !maybe_http) {
                    if (b->len + 2 >= st.room && (rc = reserve(&st, 2)) != CHORUS_OK)
                        goto out;
                    unsigned char l = (unsigned char)a_lower(c);
                    word(&st, &l, 1, i);
                    i++;
                    continue;
                }
            } else if (c != '&' && c != '@') {
                sep(&st, i);
                i++;
                continue;
            }
        }
        unit u;
        scan_unit(s, n, i, flags, &u);
        if (u.kind == U_TEXT) {
            if ((rc = process_unit(&st, &u, i)) != CHORUS_OK)
                goto out;
        } else {
            sep(&st, i);
            if ((flags & CH_NORM_ITEMS) && (rc = add_item(b, i, u.len, u.kind)) != CHORUS_OK)
                goto out;
        }
        i += u.len;
    }
    b->s[b->len] = '\0';
    return CHORUS_OK;
out:
    b->len = 0;
    b->nitems = 0;
    if (b->s && b->cap)
        b->s[0] = '\0';
    return rc;
}

int ch_norm_orig_range(const ch_normbuf *nb, const char *orig, size_t orig_len, size_t a,
                       size_t b, size_t *start, size_t *end)
{
    if (!nb || !orig || !(nb->flags & CH_NORM_MAP) || !nb->map || a >= b || b > nb->len)
        return CHORUS_EUSAGE;
    size_t last = nb->map[b - 1];
    if (last >= orig_len)
        return CHORUS_EUSAGE;
    unit u;
    scan_unit((const unsigned char *)orig, orig_len, last, nb->flags, &u);
    *start = nb->map[a];
    *end = last + u.len;
    return CHORUS_OK;
}

/* ---- tokenizer ---------------------------------------------------------------------------- */

/* Scripts written without spaces between words whose characters are tokens of their own. */
static bool is_cjk(int32_t cp)
{
    if (cp < 0x1100)
        return false;
    return fast_letter(cp) || (cp >= 0x1100 && cp <= 0x11FF) || /* Hangul jamo */
           (cp >= 0x2E80 && cp <= 0x2FDF) ||                     /* CJK and Kangxi radicals */
           (cp >= 0x3005 && cp <= 0x3007) ||                     /* 々 〆 〇 */
           (cp >= 0x3021 && cp <= 0x3029) || (cp >= 0x3031 && cp <= 0x3035) ||
           (cp >= 0x303B && cp <= 0x303C) ||
           (cp >= 0x3040 && cp <= 0x30FF) || /* Hiragana, Katakana */
           (cp >= 0x3100 && cp <= 0x31FF) || /* Bopomofo, compatibility jamo, kana ext. */
           (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFFDC) ||
           (cp >= 0x1AFF0 && cp <= 0x1B16F) || /* kana supplements */
           (cp >= 0x20000 && cp <= 0x323AF);   /* Han extensions B-H */
}

void ch_tok_init(ch_tokiter *it, const char *s, size_t len)
{
    it->s = s;
    it->len = len;
    it->pos = 0;
}

bool ch_tok_next(ch_tokiter *it, size_t *start, size_t *end)
{
    const unsigned char *s = (const unsigned char *)it->s;
    size_t n = it->len, i = it->pos;
    while (i < n && s[i] < 0x80 && !a_alnum(s[i]))
        i++;
    if (i >= n) {
        it->pos = n;
        return false;
    }
    size_t a = i;
    int32_t cp;
    size_t l = dec(s, n, i, &cp);
    i += l;
    if (is_cjk(cp)) {
        while (i < n && s[i] >= 0x80) {
            l = dec(s, n, i, &cp);
            if (cp < 0x300 || !is_mark_cat(utf8proc_get_property(cp)->category))
                break;
            i += l;
        }
    } else {
        while (i < n) {
            if (s[i] < 0x80) {
                if (!a_alnum(s[i]))
                    break;
                i++;
                continue;
            }
            l = dec(s, n, i, &cp);
            if (is_cjk(cp))
                break;
            i += l;
        }
    }
    it->pos = i;
    *start = a;
    *end = i;
    return true;
}

uint64_t ch_tok_hash(const char *s, size_t len)
{
    return (uint64_t)XXH3_64bits(s, len);
}
