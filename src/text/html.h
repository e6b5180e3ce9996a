/*
 * html.h — HTML fragments to plain text with their links, and the HTML entity decoder that
 * chorus uses everywhere (post text, the normalizer).
 *
 * ch_html_text turns the HTML that Mastodon and other Fediverse servers send as a status's
 * `content` (or an account's `note`) into the text a reader sees. Servers sanitize that HTML to
 * a small set of tags (p, br, a, span, del, pre, code, blockquote, b, strong, i, em, u, ul, ol,
 * li), so a one-pass tag walker does the job: no tree is built.
 *   - Tags are dropped and their text kept. The text of a link is kept as written: Mastodon
 *     splits a long URL into `<span class="invisible">https://</span>` and
 *     `<span class="ellipsis">...</span>` parts that CSS hides or cuts, so the text holds the
 *     whole URL, as the author typed it.
 *   - Blocks (p, div, blockquote, pre, ul, ol, h1-h6, table) are separated by a blank line; br,
 *     li and tr start a new line. Runs of white space collapse to one space outside `pre`; the
 *     text is trimmed.
 *   - An element whose class is `quote-inline` is dropped with its content: Mastodon 4.4+ puts
 *     a "RE: <link>" paragraph there for clients that cannot show quotes, and the quote is
 *     known from the status itself.
 *   - script, style and comments are dropped.
 *   - Entities (named and numeric) are decoded in text and in attribute values.
 *   - Links: every `<a href>` with an http(s) URL that is not a mention or a hashtag (class
 *     `mention` or `hashtag`, or rel `tag`, as Mastodon, Pleroma and Misskey mark them) is
 *     reported, its href decoded, in document order (the first CH_HTML_MAX_LINKS).
 * Malformed HTML never fails: an unterminated tag or comment ends the text, a '<' that does
 * not start a tag is text, invalid UTF-8 is copied as it is.
 *
 * Memory: the caller gives one buffer of ch_html_bufsize(n) bytes; the text and the decoded
 * links are written into it (the text never exceeds the input's length, nor do the links
 * together), so nothing is allocated. Cost: O(n), one pass.
 */
#ifndef CH_HTML_H
#define CH_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "core/post.h"

#define CH_HTML_MAX_LINKS 64

typedef struct ch_html_links {
    size_t n;
    ch_slice url[CH_HTML_MAX_LINKS];  /* point into the caller's buffer */
} ch_html_links;

/* Bytes the output buffer of ch_html_text must hold for an input of n bytes. */
static inline size_t ch_html_bufsize(size_t n)
{
    return 2 * n + 2;
}

/* Writes the text of html[0..n) into out (NUL-terminated) and returns its length; fills
 * `links` when it is not NULL. `out` holds ch_html_bufsize(n) bytes. */
size_t ch_html_text(const char *html, size_t n, char *out, ch_html_links *links);

/* The HTML entity at s[i] == '&' ("&amp;", "&#39;", "&#x1F600;", with its ';'): returns its
 * length and its code point in *cp, or 0 when there is none (the '&' is then a literal).
 * Numeric references that are 0, surrogates or beyond U+10FFFF decode as U+FFFD. Named
 * entities: the common ones (HTML's markup, spaces, dashes, quotes, currency, Latin-1
 * letters); others are left as text. */
size_t ch_html_entity(const unsigned char *s, size_t n, size_t i, int32_t *cp);

#endif
