/*
 * textent.c — links, mentions and hashtags in plain post text (see textent.h).
 *
 * Links are found first (from each "://"), and their byte ranges are kept so the mention and
 * tag passes skip what lies inside a link ("https://x.org/u/name", ".../#frag"). Every pass
 * looks for its marker byte with memchr, so text without markers costs one scan per kind.
 */
#include "ingest/textent.h"

#include <stdbool.h>
#include <string.h>

#include <utf8proc.h>

#include "chorus.h"
#include "core/alloc.h"

#define REDDIT_NAME_MIN 3
#define REDDIT_NAME_MAX 20

void ch_txtbuf_free(ch_txtbuf *b)
{
    if (!b)
        return;
    ch_free(b->p);
    b->p = NULL;
    b->cap = 0;
}

static inline bool a_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline bool a_punct(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !a_alnum(c);
}

static bool prefix_ci(const char *s, size_t n, size_t i, const char *p)
{
    for (; *p; p++, i++)
        if (i >= n || ((unsigned char)s[i] | 0x20) != (unsigned char)*p)
            return false;
    return true;
}

static bool prefix(const char *s, size_t n, size_t i, const char *p)
{
    size_t m = strlen(p);
    return i + m <= n && memcmp(s + i, p, m) == 0;
}

/* A non-ASCII character at s[i] that may be part of a handle or tag (a letter, mark or
 * number of any script): its length, or 0. */
static size_t word_char_at(const char *s, size_t n, size_t i)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
    if (len <= 0)
        return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return (size_t)len;
    default:
        return 0;
    }
}

/* ---- what one call works with ----------------------------------------------------------- */

typedef struct scan {
    const char *s;
    size_t n;
    unsigned flags;
    char *out;                   /* scratch: decoded entities */
    size_t used, cap;
    size_t nlinks;
    size_t link_a[CH_MAX_ENTITIES], link_b[CH_MAX_ENTITIES];
} scan;

static bool in_link(const scan *sc, size_t i)
{
    for (size_t k = 0; k < sc->nlinks; k++)
        if (i >= sc->link_a[k] && i < sc->link_b[k])
            return true;
    return false;
}

static bool held(const ch_slice *arr, size_t cnt, const char *p, size_t n)
{
    for (size_t k = 0; k < cnt; k++)
        if (arr[k].n == n && memcmp(arr[k].p, p, n) == 0)
            return true;
    return false;
}

/* s[a..b) as the entity's text: as is, or copied into the scratch with escapes undone. */
static ch_slice decode(scan *sc, size_t a, size_t b)
{
    const char *s = sc->s;
    bool esc = (sc->flags & CH_TXT_ESCAPED) && memchr(s + a, '&', b - a);
    bool md = (sc->flags & CH_TXT_MARKDOWN) && memchr(s + a, '\\', b - a);
    if ((!esc && !md) || b - a > sc->cap - sc->used)
        return (ch_slice){s + a, b - a};
    char *o = sc->out + sc->used;
    size_t k = 0;
    for (size_t i = a; i < b;) {
        if (esc && s[i] == '&' && prefix(s, b, i, "&amp;")) {
            o[k++] = '&';
            i += 5;
        } else if (md && s[i] == '\\' && i + 1 < b && a_punct((unsigned char)s[i + 1])) {
            o[k++] = s[i + 1];
            i += 2;
        } else {
            o[k++] = s[i++];
        }
    }
    sc->used += k;
    return (ch_slice){o, k};
}

/* ---- links ------------------------------------------------------------------------------ */

/* End of a link whose body starts at j (after "://"). */
static size_t link_end(const scan *sc, size_t j)
{
    const char *s = sc->s;
    size_t n = sc->n, start = j;
    int paren = 0, square = 0;
    while (j < n) {
        unsigned char c = (unsigned char)s[j];
        size_t w;
        if (c >= 0x80 && (w = word_char_at(s, n, j))) {
            j += w; /* an IRI: letters of any script, not spaces or punctuation */
            continue;
        }
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '`')
            break;
        if (c == '&' && (sc->flags & CH_TXT_ESCAPED) &&
            (prefix(s, n, j, "&lt;") || prefix(s, n, j, "&gt;") || prefix(s, n, j, "&quot;")))
            break;
        if (c == '\\' && (sc->flags & CH_TXT_MARKDOWN) && j + 1 < n &&
            a_punct((unsigned char)s[j + 1]) && s[j + 1] != '<' && s[j + 1] != '>' &&
            s[j + 1] != '"' && s[j + 1] != '`') {
            j += 2;
            continue;
        }
        if (c == '(')
            paren++;
        else if (c == ')' && paren-- == 0)
            break;
        else if (c == '[')
            square++;
        else if (c == ']' && square-- == 0)
            break;
        j++;
    }
    while (j > start) {
        char c = s[j - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
            c == '*')
            j--;
        else
            break;
    }
    return j;
}

static void find_links(scan *sc, ch_rawpost *r)
{
    const char *s = sc->s;
    size_t n = sc->n, i = 0;
    const char *c;
    while (i < n && (c = memchr(s + i, ':', n - i))) {
        size_t colon = (size_t)(c - s);
        i = colon + 1;
        if (!prefix(s, n, colon, "://"))
            continue;
        size_t a;
        if (colon >= 5 && prefix_ci(s, n, colon - 5, "https"))
            a = colon - 5;
        else if (colon >= 4 && prefix_ci(s, n, colon - 4, "http"))
            a = colon - 4;
        else
            continue;
        size_t b = link_end(sc, colon + 3);
        if (b <= colon + 3)
            continue;
        if (sc->nlinks < CH_MAX_ENTITIES) {
            sc->link_a[sc->nlinks] = a;
            sc->link_b[sc->nlinks] = b;
            sc->nlinks++;
        }
        ch_slice u = decode(sc, a, b);
        if (!held(r->urls, r->n_urls, u.p, u.n))
            ch_rawpost_add_url(r, u.p, u.n);
        i = b;
    }
}

/* ---- mentions and tags ------------------------------------------------------------------ */

/* Reddit names: u/name or /u/name at the start of a word. */
static void find_reddit_users(scan *sc, ch_rawpost *r)
{
    const char *s = sc->s;
    size_t n = sc->n, i = 0;
    const char *c;
    while (i < n && (c = memchr(s + i, '/', n - i))) {
        size_t slash = (size_t)(c - s);
        i = slash + 1;
        if (slash == 0 || (s[slash - 1] | 0x20) != 'u' || in_link(sc, slash))
            continue;
        size_t u = slash - 1;
        if (u > 0) {
            unsigned char p = (unsigned char)s[u - 1];
            if (p == '/') {
                if (u > 1 && (a_alnum((unsigned char)s[u - 2]) || s[u - 2] == '_' ||
                              s[u - 2] == '.' || s[u - 2] == '-'))
                    continue;
            } else if (a_alnum(p) || p == '_' || p == '-' || p == '.' || p == '\\') {
                continue;
            }
        }
        size_t j = slash + 1, len = 0;
        while (j < n) {
            unsigned char ch = (unsigned char)s[j];
            if (a_alnum(ch) || ch == '_' || ch == '-') {
                j++;
                len++;
            } else if (ch == '\\' && (sc->flags & CH_TXT_MARKDOWN) && j + 1 < n &&
                       (s[j + 1] == '_' || s[j + 1] == '-')) {
                j += 2;
                len++;
            } else {
                break;
            }
        }
        i = j;
        if (len < REDDIT_NAME_MIN || len > REDDIT_NAME_MAX)
            continue;
        ch_slice m = decode(sc, slash + 1, j);
        if (!held(r->mentions, r->n_mentions, m.p, m.n))
            ch_rawpost_add_mention(r, m.p, m.n);
    }
}

/* @handle (YouTube, TikTok). */
static void find_at_mentions(scan *sc, ch_rawpost *r)
{
    const char *s = sc->s;
    size_t n = sc->n, i = 0;
    const char *c;
    while (i < n && (c = memchr(s + i, '@', n - i))) {
        size_t at = (size_t)(c - s);
        i = at + 1;
        if (at > 0) {
            unsigned char p = (unsigned char)s[at - 1];
            if (a_alnum(p) || p == '_' || p == '.' || p == '@')
                continue;
        }
        if (in_link(sc, at))
            continue;
        size_t j = at + 1;
        while (j < n) {
            unsigned char ch = (unsigned char)s[j];
            size_t w;
            if (a_alnum(ch) || ch == '_' || ch == '.' || ch == '-')
                j++;
            else if (ch >= 0x80 && (w = word_char_at(s, n, j)))
                j += w;
            else
                break;
        }
        i = j;
        while (j > at + 1 && (s[j - 1] == '.' || s[j - 1] == '-'))
            j--;
        if (j > at + 1 && !held(r->mentions, r->n_mentions, s + at + 1, j - at - 1))
            ch_rawpost_add_mention(r, s + at + 1, j - at - 1);
    }
}

static void find_hashtags(scan *sc, ch_rawpost *r)
{
    const char *s = sc->s;
    size_t n = sc->n, i = 0;
    const char *c;
    while (i < n && (c = memchr(s + i, '#', n - i))) {
        size_t h = (size_t)(c - s);
        i = h + 1;
        if (h > 0) {
            unsigned char p = (unsigned char)s[h - 1];
            if (a_alnum(p) || p == '_' || p == '&')
                continue;
        }
        if (in_link(sc, h))
            continue;
        size_t j = h + 1;
        bool digits_only = true;
        while (j < n) {
            unsigned char ch = (unsigned char)s[j];
            size_t w;
            if (ch >= '0' && ch <= '9') {
                j++;
            } else if (a_alnum(ch) || ch == '_') {
                j++;
                digits_only = false;
            } else if (ch >= 0x80 && (w = word_char_at(s, n, j))) {
                j += w;
                digits_only = false;
            } else {
                break;
            }
        }
        i = j;
        if (j > h + 1 && !digits_only && !held(r->hashtags, r->n_hashtags, s + h + 1, j - h - 1))
            ch_rawpost_add_hashtag(r, s + h + 1, j - h - 1);
    }
}

int ch_text_entities(const char *s, size_t n, unsigned flags, ch_txtbuf *buf, ch_rawpost *r)
{
    if (n == 0 || !s)
        return CHORUS_OK;
    /* Links never overlap each other, nor names each other; a name may run into a link
     * ("u/xhttps://..."), so twice the text bounds what is decoded. */
    size_t cap = 0;
    if ((flags & (CH_TXT_ESCAPED | CH_TXT_MARKDOWN)) &&
        (!ch_mul_ok(n, 2, &cap) || ch_grow((void **)&buf->p, &buf->cap, cap, 1)))
        return CHORUS_ENOMEM;
    scan sc = {.s = s, .n = n, .flags = flags, .out = buf->p, .cap = cap};
    if (flags & CH_TXT_URLS)
        find_links(&sc, r);
    if (flags & CH_TXT_REDDIT_USERS)
        find_reddit_users(&sc, r);
    if (flags & CH_TXT_AT_MENTIONS)
        find_at_mentions(&sc, r);
    if (flags & CH_TXT_HASHTAGS)
        find_hashtags(&sc, r);
    return CHORUS_OK;
}
