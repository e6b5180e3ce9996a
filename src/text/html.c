/*
 * html.c — HTML fragments to plain text with their links, and the entity decoder (see html.h).
 *
 * A small walker rather than an HTML parser library: the fragments are sanitized by the servers
 * to a dozen tags, a status is a few hundred bytes and there are millions of them, so building
 * a document tree (libxml2's htmlReadMemory allocates a node per tag and per text run) would
 * cost far more than the JSON parse around it, while the walker reads each byte once and writes
 * into the caller's buffer. What the walker does not model (nesting errors, implied end tags,
 * tables) changes at most where line breaks fall, which the normalizer ignores anyway.
 */
#include "text/html.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- entities ----------------------------------------------------------------------------- */

static const struct { const char *name; int32_t cp; } entities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"AMP", '&'}, {"LT", '<'}, {"GT", '>'}, {"QUOT", '"'},
    {"nbsp", 0xA0}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
    {"shy", 0xAD}, {"zwj", 0x200D}, {"zwnj", 0x200C}, {"lrm", 0x200E}, {"rlm", 0x200F},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"bull", 0x2022},
    {"middot", 0xB7}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"laquo", 0xAB},
    {"raquo", 0xBB}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"euro", 0x20AC},
    {"pound", 0xA3}, {"yen", 0xA5}, {"cent", 0xA2}, {"deg", 0xB0}, {"times", 0xD7},
    {"divide", 0xF7}, {"sect", 0xA7}, {"para", 0xB6}, {"iexcl", 0xA1}, {"iquest", 0xBF},
    {"aacute", 0xE1}, {"agrave", 0xE0}, {"acirc", 0xE2}, {"atilde", 0xE3}, {"auml", 0xE4},
    {"aring", 0xE5}, {"ccedil", 0xE7}, {"eacute", 0xE9}, {"egrave", 0xE8}, {"ecirc", 0xEA},
    {"euml", 0xEB}, {"iacute", 0xED}, {"igrave", 0xEC}, {"icirc", 0xEE}, {"iuml", 0xEF},
    {"ntilde", 0xF1}, {"oacute", 0xF3}, {"ograve", 0xF2}, {"ocirc", 0xF4}, {"otilde", 0xF5},
    {"ouml", 0xF6}, {"oslash", 0xF8}, {"uacute", 0xFA}, {"ugrave", 0xF9}, {"ucirc", 0xFB},
    {"uuml", 0xFC}, {"yacute", 0xFD}, {"szlig", 0xDF}, {"Eacute", 0xC9}, {"Auml", 0xC4},
    {"Ouml", 0xD6}, {"Uuml", 0xDC}, {"Ntilde", 0xD1},
};

static inline bool alnum(unsigned c)
{
    return (c - '0' < 10u) | ((c | 0x20u) - 'a' < 26u);
}

static inline int hexval(unsigned c)
{
    if (c - '0' < 10u)
        return (int)(c - '0');
    if ((c | 0x20u) - 'a' < 6u)
        return (int)((c | 0x20u) - 'a' + 10);
    return -1;
}

size_t ch_html_entity(const unsigned char *s, size_t n, size_t i, int32_t *cp)
{
    size_t j = i + 1;
    if (j < n && s[j] == '#') {
        bool hex = false;
        j++;
        if (j < n && (s[j] | 0x20) == 'x') {
            hex = true;
            j++;
        }
        size_t d0 = j;
        uint32_t v = 0;
        while (j < n && j - d0 < 8) {
            int d = hex ? hexval(s[j]) : ((unsigned)s[j] - '0' < 10u ? s[j] - '0' : -1);
            if (d < 0)
                break;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
            j++;
        }
        if (j == d0 || j >= n || s[j] != ';')
            return 0;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        *cp = (int32_t)v;
        return j + 1 - i;
    }
    size_t k = j;
    while (k < n && k - j < 8 && alnum(s[k]))
        k++;
    if (k == j || k >= n || s[k] != ';')
        return 0;
    size_t len = k - j;
    for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
        if (strlen(entities[e].name) == len && memcmp(entities[e].name, s + j, len) == 0) {
            *cp = entities[e].cp;
            return k + 1 - i;
        }
    }
    return 0;
}

/* ---- the walker --------------------------------------------------------------------------- */

typedef struct walker {
    const unsigned char *s;
    size_t n;
    char *text;                   /* out[0 .. n] */
    size_t len;
    char *href;                   /* out[n + 1 .. 2n + 1] */
    size_t hlen;
    int pending_nl;               /* line breaks owed before the next text */
    bool pending_sp;              /* a space owed before the next text */
    int pre;                      /* depth of <pre> */
    char skip[16];                /* dropping everything inside this element */
    int skip_depth;
    bool skip_raw;                /* script/style: raw text, nested tags do not count */
} walker;

static inline bool is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Bytes that end a run of text: markup, entities and white space. */
static const unsigned char stops[256] = {
    ['<'] = 1, ['&'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1,
};

/* Eight bytes at a time (SWAR): the bytes equal to c, as 0x80 in their byte (exact up to the
 * first one; a byte above a match may be flagged too). */
static inline uint64_t swar_eq(uint64_t x, unsigned char c)
{
    uint64_t v = x ^ (0x0101010101010101u * c);
    return (v - 0x0101010101010101u) & ~v & 0x8080808080808080u;
}

/* The first index from j on where the scalar text-run loop must look again: every byte
 * before it is ordinary text, or a single space followed by ordinary text (outside pre).
 * Words of eight bytes are tested at once for '<', '&', control bytes and a space followed by
 * any of those or by a space; the first flagged byte is at or before the first real stop (no
 * stop goes unflagged), and the scalar loop decides from there. Sentences are long runs with
 * a space every few bytes, on which the byte loop mispredicts a branch per word. */
static inline size_t run_skip(const unsigned char *s, size_t j, size_t n, bool pre)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (pre)
        return j;
    while (n - j >= 8) {
        uint64_t x;
        memcpy(&x, s + j, 8);
        uint64_t ctl = (x - 0x2020202020202020u) & ~x & 0x8080808080808080u; /* < 0x20 */
        uint64_t sp = swar_eq(x, ' ');
        uint64_t other = ctl | swar_eq(x, '<') | swar_eq(x, '&');
        uint64_t stop = other | sp;
        /* a space whose next byte is a stop (the last byte's next is in the next word) */
        uint64_t cand = other | (sp & ((stop >> 8) | 0x8000000000000000u));
        if (cand)
            return j + (size_t)(__builtin_ctzll(cand) >> 3);
        j += 8;
    }
#else
    (void)s;
    (void)n;
    (void)pre;
#endif
    return j;
}

/* Writes what is owed before text, then nothing else; text is never written past n bytes
 * (it cannot grow beyond the input, see html.h, but the check keeps that a local fact). */
static inline void flush_pending(walker *w)
{
    if (w->len > 0) {
        if (w->pending_nl) {
            for (int k = 0; k < w->pending_nl && w->len < w->n; k++)
                w->text[w->len++] = '\n';
        } else if (w->pending_sp && w->len < w->n) {
            w->text[w->len++] = ' ';
        }
    }
    w->pending_nl = 0;
    w->pending_sp = false;
}

static inline void put_bytes(walker *w, const unsigned char *p, size_t k)
{
    flush_pending(w);
    if (k > w->n - w->len)
        k = w->n - w->len;
    memcpy(w->text + w->len, p, k);
    w->len += k;
}

/* A white-space byte of text. */
static inline void put_space(walker *w, unsigned c)
{
    if (w->pre > 0) {
        unsigned char b = (unsigned char)c;
        if (w->len > 0)
            put_bytes(w, &b, 1);
        return;
    }
    if (w->len > 0 && !w->pending_nl)
        w->pending_sp = true;
}

static void block_break(walker *w, int lines)
{
    if (w->pending_nl < lines)
        w->pending_nl = lines;
}

/* Decodes s[0..k) (an attribute value) into the link area; returns its slice there. */
static ch_slice decode_attr(walker *w, const unsigned char *s, size_t k)
{
    char *start = w->href + w->hlen;
    size_t o = 0, cap = w->n - w->hlen;
    for (size_t i = 0; i < k && o < cap;) {
        int32_t cp;
        size_t l;
        if (s[i] == '&' && (l = ch_html_entity(s, k, i, &cp)) > 0) {
            utf8proc_uint8_t tmp[4];
            utf8proc_ssize_t m = utf8proc_encode_char(cp, tmp);
            if ((size_t)m > cap - o)
                break;
            memcpy(start + o, tmp, (size_t)m);
            o += (size_t)m;
            i += l;
        } else {
            start[o++] = (char)s[i++];
        }
    }
    w->hlen += o;
    return (ch_slice){start, o};
}

/* Does the space-separated list v[0..k) hold `word`? */
static bool has_token(const unsigned char *v, size_t k, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i < k;) {
        while (i < k && is_space(v[i]))
            i++;
        size_t j = i;
        while (j < k && !is_space(v[j]))
            j++;
        if (j - i == wl && memcmp(v + i, word, wl) == 0)
            return true;
        i = j;
    }
    return false;
}

/* What an element does to the text. */
enum {
    E_OTHER,                      /* inline: nothing (span, b, i, code, ...) */
    E_A,                          /* a link */
    E_BR,                         /* a line break */
    E_PRE,                        /* a block that keeps its white space */
    E_BLOCK,                      /* a paragraph-like block: a blank line around it */
    E_LINE,                       /* a list item or row: a line of its own */
    E_RAW,                        /* script, style: dropped with their content */
};

static bool is3(const char *n, const char *w)
{
    return n[0] == w[0] && n[1] == w[1] && n[2] == w[2];
}

/* The element's role (E_*), and in *is_void whether it has no end tag. A switch on the length
 * and a few bytes: this runs for every tag of millions of statuses. */
static int classify(const char *n, size_t len, bool *is_void)
{
    *is_void = false;
    switch (len) {
    case 1:
        return n[0] == 'a' ? E_A : n[0] == 'p' ? E_BLOCK : E_OTHER;
    case 2:
        if (n[0] == 'b' && n[1] == 'r')
            return (*is_void = true), E_BR;
        if (n[0] == 'h' && n[1] == 'r')
            return (*is_void = true), E_BLOCK;
        if (n[0] == 'h' && n[1] >= '1' && n[1] <= '6')
            return E_BLOCK;
        if ((n[0] == 'u' || n[0] == 'o') && n[1] == 'l')
            return E_BLOCK;
        if ((n[0] == 'l' && n[1] == 'i') || (n[0] == 't' && n[1] == 'r') ||
            (n[0] == 'd' && (n[1] == 't' || n[1] == 'd')))
            return E_LINE;
        return E_OTHER;
    case 3:
        if (is3(n, "pre"))
            return E_PRE;
        if (is3(n, "div"))
            return E_BLOCK;
        *is_void = is3(n, "img") || is3(n, "wbr") || is3(n, "col");
        return E_OTHER;
    case 4:
        *is_void = !memcmp(n, "meta", 4) || !memcmp(n, "link", 4) || !memcmp(n, "area", 4);
        return E_OTHER;
    case 5:
        if (!memcmp(n, "table", 5))
            return E_BLOCK;
        if (!memcmp(n, "style", 5))
            return E_RAW;
        *is_void = !memcmp(n, "input", 5) || !memcmp(n, "embed", 5) || !memcmp(n, "param", 5) ||
                   !memcmp(n, "track", 5);
        return E_OTHER;
    case 6:
        if (!memcmp(n, "script", 6))
            return E_RAW;
        if (!memcmp(n, "figure", 6) || !memcmp(n, "header", 6) || !memcmp(n, "footer", 6))
            return E_BLOCK;
        *is_void = !memcmp(n, "source", 6);
        return E_OTHER;
    case 7:
        return !memcmp(n, "section", 7) || !memcmp(n, "article", 7) ? E_BLOCK : E_OTHER;
    case 10:
        return !memcmp(n, "blockquote", 10) ? E_BLOCK : E_OTHER;
    default:
        return E_OTHER;
    }
}

/* a[0..n) equals the lower-case word w, ignoring ASCII case. */
static bool lower_is(const unsigned char *a, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((a[i] | 0x20) != (unsigned char)w[i])
            return false;
    return true;
}

typedef struct tag {
    char name[16];                /* lower case, cut at 15 bytes */
    size_t name_n;
    int role;                     /* E_* */
    bool closing, self_closing, is_void;
    const unsigned char *href, *cls, *rel;
    size_t href_n, cls_n, rel_n;
} tag;

/* Parses the tag at s[i] == '<' (its name starts at name0). Returns the index after its '>',
 * or SIZE_MAX when it never closes. */
static size_t parse_tag(const walker *w, size_t i, size_t name0, tag *t)
{
    const unsigned char *s = w->s;
    size_t n = w->n, j = name0, k = 0;
    memset(t, 0, sizeof *t);
    t->closing = s[i + 1] == '/';
    while (j < n && alnum(s[j])) {
        if (k < sizeof t->name - 1)
            t->name[k++] = (char)(s[j] | ((s[j] >= 'A' && s[j] <= 'Z') ? 0x20 : 0));
        j++;
    }
    t->name_n = j - name0 < sizeof t->name ? k : sizeof t->name; /* longer names match none */
    t->role = classify(t->name, t->name_n, &t->is_void);
    if (t->closing || (t->role != E_A && t->role != E_BLOCK)) {
        /* Attributes matter only on links and blocks (href, class, rel): elsewhere find the
         * '>' that ends the tag, stepping over quoted values, which may hold one. */
        while (j < n) {
            unsigned char c = s[j];
            if (c == '>') {
                t->self_closing = j > name0 && s[j - 1] == '/';
                return j + 1;
            }
            if (c == '"' || c == '\'') {
                const unsigned char *e = memchr(s + j + 1, c, n - j - 1);
                if (!e)
                    return SIZE_MAX;
                j = (size_t)(e - s) + 1;
            } else {
                j++;
            }
        }
        return SIZE_MAX;
    }
    while (j < n) {
        while (j < n && (is_space(s[j]) || s[j] == '/')) {
            t->self_closing = s[j] == '/';
            j++;
        }
        if (j >= n)
            break;
        if (s[j] == '>')
            return j + 1;
        t->self_closing = false;
        size_t a0 = j;
        while (j < n && !is_space(s[j]) && s[j] != '=' && s[j] != '>' && s[j] != '/')
            j++;
        size_t an = j - a0;
        if (an == 0) {
            j++; /* a stray '=' */
            continue;
        }
        while (j < n && is_space(s[j]))
            j++;
        const unsigned char *v = NULL;
        size_t vn = 0;
        if (j < n && s[j] == '=') {
            j++;
            while (j < n && is_space(s[j]))
                j++;
            if (j < n && (s[j] == '"' || s[j] == '\'')) {
                unsigned char q = s[j++];
                const unsigned char *e = memchr(s + j, q, n - j);
                if (!e)
                    return SIZE_MAX;
                v = s + j;
                vn = (size_t)(e - v);
                j = (size_t)(e - s) + 1;
            } else {
                v = s + j;
                while (j < n && !is_space(s[j]) && s[j] != '>')
                    j++;
                vn = (size_t)(s + j - v);
            }
        }
        const unsigned char *a = s + a0;
        if (an == 4 && lower_is(a, "href", 4)) {
            t->href = v;
            t->href_n = vn;
        } else if (an == 5 && lower_is(a, "class", 5)) {
            t->cls = v;
            t->cls_n = vn;
        } else if (an == 3 && lower_is(a, "rel", 3)) {
            t->rel = v;
            t->rel_n = vn;
        }
    }
    return SIZE_MAX;
}

static bool http_url(ch_slice u)
{
    return (u.n > 7 && strncasecmp(u.p, "http://", 7) == 0) ||
           (u.n > 8 && strncasecmp(u.p, "https://", 8) == 0);
}

static void on_tag(walker *w, const tag *t, ch_html_links *links)
{
    if (w->skip_depth > 0) {
        if (strcmp(t->name, w->skip) == 0) {
            if (t->closing)
                w->skip_depth--;
            else if (!w->skip_raw && !t->self_closing && !t->is_void)
                w->skip_depth++;
        }
        return;
    }
    if (!t->closing && !t->is_void && !t->self_closing &&
        (t->role == E_RAW || (t->cls && has_token(t->cls, t->cls_n, "quote-inline")))) {
        memcpy(w->skip, t->name, sizeof w->skip);
        w->skip_depth = 1;
        w->skip_raw = t->role == E_RAW;
        return;
    }
    switch (t->role) {
    case E_BR:
        /* at most one blank line in a row: more says nothing about the text */
        if (w->len > 0 && w->pending_nl < 2)
            w->pending_nl++;
        w->pending_sp = false;
        return;
    case E_PRE:
        w->pre += t->closing ? (w->pre > 0 ? -1 : 0) : 1;
        block_break(w, 2);
        return;
    case E_BLOCK:
        block_break(w, 2);
        return;
    case E_LINE:
        block_break(w, 1);
        return;
    case E_A:
        break;
    default:
        return;
    }
    if (t->closing || !t->href || !links || links->n >= CH_HTML_MAX_LINKS)
        return;
    if ((t->cls && (has_token(t->cls, t->cls_n, "mention") ||
                    has_token(t->cls, t->cls_n, "hashtag"))) ||
        (t->rel && has_token(t->rel, t->rel_n, "tag")))
        return;
    size_t mark = w->hlen;
    ch_slice u = decode_attr(w, t->href, t->href_n);
    while (u.n && is_space((unsigned char)u.p[0])) {
        u.p++;
        u.n--;
    }
    while (u.n && is_space((unsigned char)u.p[u.n - 1]))
        u.n--;
    if (http_url(u))
        links->url[links->n++] = u;
    else
        w->hlen = mark;
}

size_t ch_html_text(const char *html, size_t n, char *out, ch_html_links *links)
{
    walker w = {.s = (const unsigned char *)html, .n = n, .text = out, .href = out + n + 1};
    if (links)
        links->n = 0;
    const unsigned char *s = w.s;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == '<') {
            size_t j = i + 1;
            if (j < n && s[j] == '!') {
                if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
                    const unsigned char *e = NULL;
                    for (size_t k = i + 4; k + 3 <= n; k++)
                        if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>') {
                            e = s + k;
                            break;
                        }
                    i = e ? (size_t)(e - s) + 3 : n;
                } else {
                    const unsigned char *e = memchr(s + i, '>', n - i);
                    i = e ? (size_t)(e - s) + 1 : n;
                }
                continue;
            }
            if (j < n && s[j] == '/')
                j++;
            if (j < n && ((s[j] | 0x20u) - 'a' < 26u)) {
                tag t;
                i = parse_tag(&w, i, j, &t);
                if (i == SIZE_MAX)
                    break; /* an unterminated tag ends the text */
                on_tag(&w, &t, links);
                continue;
            }
            /* not a tag: a literal '<' */
        }
        if (w.skip_depth > 0) {
            i++;
            continue;
        }
        if (c == '&') {
            int32_t cp;
            size_t l = ch_html_entity(s, n, i, &cp);
            if (l) {
                utf8proc_uint8_t tmp[4];
                utf8proc_ssize_t m = utf8proc_encode_char(cp, tmp);
                put_bytes(&w, tmp, (size_t)m);
                i += l;
                continue;
            }
        }
        if (is_space(c)) {
            put_space(&w, c);
            i++;
            continue;
        }
        /* A run of ordinary bytes in one copy, single spaces between words included: only a
         * space that may collapse (next to other white space, before a tag or at the end)
         * stops it, and newlines, tabs, '<' and '&' do. One copy per run of words rather than
         * per word: this loop is most of the cost of reading Mastodon content. */
        size_t j = i + 1;
        while ((j = run_skip(s, j, n, w.pre > 0)) < n) {
            unsigned d = s[j];
            if (stops[d] && (d != ' ' || w.pre > 0 || j + 1 >= n || stops[s[j + 1]]))
                break;
            j++;
        }
        put_bytes(&w, s + i, j - i);
        i = j;
    }
    while (w.len > 0 && is_space((unsigned char)w.text[w.len - 1]))
        w.len--;
    w.text[w.len] = '\0';
    return w.len;
}
