/*
 * textent.h — links, mentions and hashtags found in a post's plain text, for the formats whose
 * records carry no entity lists: Reddit bodies and titles (markdown, HTML-escaped by Reddit),
 * YouTube comments and video descriptions, TikTok descriptions.
 *
 * What is found (each kind only when its flag is set):
 *   - links: "http://" or "https://" (any case) followed by URL characters (printable ASCII
 *     except < > " `, and letters, marks and digits of any script, as in
 *     "https://ru.wikipedia.org/wiki/Путин"), ending before a space or other punctuation,
 *     before trailing sentence punctuation (. , ; : ! ? ' *) and
 *     before a ')' or ']' that closes nothing opened inside the link — so markdown
 *     "[text](https://x.org/a_(b))" gives "https://x.org/a_(b)";
 *   - @handle (YouTube, TikTok): '@' not after a letter, digit, '_', '.' or '@', then letters,
 *     digits (any script), '_', '.', '-'; a final '.' or '-' is not part of it;
 *   - u/name and /u/name (Reddit): the 'u' not glued to a word before it (a letter, digit,
 *     '_', '-', '.', or a '/' after one: "reddit.com/u/x" is not a name), then 3-20 of
 *     [A-Za-z0-9_-]; a longer run is not a name;
 *   - #tag: '#' not after a letter, digit, '_' or '&', then letters, digits (any script) and
 *     '_', not all digits ("#1" is not a tag).
 * Mentions and tags inside a link are not taken. An entity already held by the post (the
 * same bytes) is not added again, so "[https://x.org](https://x.org)" gives one link.
 *
 * Escapes: with CH_TXT_ESCAPED the text is HTML-escaped (Reddit): "&amp;" inside a link is
 * '&', and "&lt;", "&gt;", "&quot;" end a link. With CH_TXT_MARKDOWN a backslash before
 * ASCII punctuation (markdown "\_") is dropped inside links and names.
 *
 * Memory: decoded entities are written into a caller-owned scratch buffer, grown once per
 * call to twice the text's length (an entity is never longer than its source, and only a name
 * and a link can share bytes); the slices added to the post point into it until the next call
 * with the same buffer. Cost: O(n), one memchr
 * pass per kind; utf8proc only for non-ASCII characters of handles and tags.
 */
#ifndef CH_TEXTENT_H
#define CH_TEXTENT_H

#include <stddef.h>

#include "core/post.h"

enum {
    CH_TXT_URLS = 1u << 0,
    CH_TXT_AT_MENTIONS = 1u << 1,
    CH_TXT_REDDIT_USERS = 1u << 2,
    CH_TXT_HASHTAGS = 1u << 3,
    CH_TXT_ESCAPED = 1u << 4,
    CH_TXT_MARKDOWN = 1u << 5,
};

/* Scratch memory for decoded entities. Zero-initialise; release with ch_txtbuf_free. */
typedef struct ch_txtbuf {
    char *p;
    size_t cap;
} ch_txtbuf;

void ch_txtbuf_free(ch_txtbuf *b);

/* Adds the entities of s[0..n) selected by `flags` to r, after those it holds (at most
 * CH_MAX_ENTITIES of each kind). Returns 0, or CHORUS_ENOMEM (r is then unchanged). */
int ch_text_entities(const char *s, size_t n, unsigned flags, ch_txtbuf *buf, ch_rawpost *r);

#endif
