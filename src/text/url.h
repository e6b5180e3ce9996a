/*
 * url.h — the canonical form of a URL: one spelling per link, so that two posts linking the
 * same page share one object (the co-link behaviour of detect/coact/, and the evidence that
 * names it).
 *
 * Canonical form: lowercase scheme and host, http -> https, "www." and default ports dropped,
 * utm_*, fbclid, gclid (and similar trackers) and the fragment removed, remaining query
 * parameters kept in order, trailing slash removed, unreserved percent-escapes decoded and the
 * others upper-cased, a few host aliases (x.com and mobile.twitter.com = twitter.com,
 * youtu.be/ID = youtube.com/watch?v=ID) folded. url.c explains each rule.
 *
 * Cost: O(n) time, no allocation. The canonical form is never more than n + 32 bytes long (a
 * caller may size its buffer so). Thread-safe (no state).
 */
#ifndef CH_URL_H
#define CH_URL_H

#include <stddef.h>

/* Writes the canonical form of s[0..n) to out: at most cap bytes (NUL included) like
 * snprintf, and returns the length of the whole canonical form (>= cap means it was
 * truncated), or 0 if s is not an http(s) URL. out may be NULL when cap is 0. */
size_t ch_url_canon(const char *s, size_t n, char *out, size_t cap);

#endif
