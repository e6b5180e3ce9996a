/*
 * url.c — canonical form of a URL, the object of the co-link behaviour (see url.h).
 *
 * Two posts link "the same thing" when their URLs differ only in ways a reader cannot see or
 * that carry no content: scheme (http vs https), case of the host, a "www." prefix, a default
 * port, tracking parameters added by share buttons and ad platforms, the fragment, a trailing
 * slash, and the spelling of unreserved characters in percent-encodings. Everything else is
 * kept as written (paths are case-sensitive on most servers; the order of the remaining query
 * parameters can matter to the server, so it is kept).
 *
 * A few aliases make the commonest duplicates one object: the mobile and x.com hosts of
 * Twitter, m.youtube.com, m.facebook.com, youtu.be/ID (= youtube.com/watch?v=ID), and the AMP
 * copies of an article (see canon()).
 * Tracking parameters are a fixed list (utm_* and click ids of the big ad platforms), plus
 * per-host share trackers (Twitter's s/t, YouTube's si/feature) that are content elsewhere
 * (YouTube's t= is a timestamp).
 *
 * Cost: O(n) time, no allocation; output written like snprintf (see ch_url_canon).
 */
#include <stdbool.h>
#include <string.h>

#include "text/url.h"

typedef struct wbuf {
    char *out;
    size_t cap, len;
} wbuf;

static void put(wbuf *w, char c)
{
    if (w->len + 1 < w->cap)
        w->out[w->len] = c;
    w->len++;
}

static void putn(wbuf *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(w, s[i]);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static bool ieq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower(s[i]) != lit[i])
            return false;
    }
    return true;
}

static bool iprefix(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && ieq(s, m, lit);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool unreserved(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* Copies a path or query component, normalizing percent-encodings: unreserved characters are
 * decoded (%7E -> ~), other escapes get upper-case hex digits (%2f -> %2F). */
static void put_pct(wbuf *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (unreserved(v)) {
                put(w, (char)v);
            } else {
                put(w, '%');
                put(w, hex[v >> 4]);
                put(w, hex[v & 15]);
            }
            i += 2;
        } else {
            put(w, s[i]);
        }
    }
}

/* Query parameters that only say who shared or clicked, never what is linked. */
static const char *const trackers[] = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "yclid",
    "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc",
    "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid",
    "s_cid", "ncid", "sr_share", "ref_src", "ref_url", "__twitter_impression", "mibextid",
    "__cft__", "__tn__", "cmpid", "spm", "share", "smid", "at_medium", "at_campaign", "amp",
};

typedef enum host_kind { H_OTHER, H_TWITTER, H_YOUTUBE, H_YOUTU_BE, H_SPOTIFY } host_kind;

static bool is_tracker(const char *name, size_t n, host_kind hk)
{
    if (iprefix(name, n, "utm_"))
        return true;
    for (size_t i = 0; i < sizeof trackers / sizeof trackers[0]; i++) {
        if (ieq(name, n, trackers[i]))
            return true;
    }
    switch (hk) {
    case H_TWITTER:  /* share-sheet markers on status links */
        return ieq(name, n, "s") || ieq(name, n, "t");
    case H_YOUTUBE:
    case H_YOUTU_BE:
        return ieq(name, n, "si") || ieq(name, n, "feature") || ieq(name, n, "pp");
    case H_SPOTIFY:
        return ieq(name, n, "si");
    case H_OTHER:
        break;
    }
    return false;
}

/* Host aliases: hosts serving the same objects under another name. `canon` replaces host. */
static const struct { const char *alias, *canon; host_kind kind; } host_aliases[] = {
    {"twitter.com", "twitter.com", H_TWITTER},
    {"mobile.twitter.com", "twitter.com", H_TWITTER},
    {"m.twitter.com", "twitter.com", H_TWITTER},
    {"x.com", "twitter.com", H_TWITTER},
    {"youtube.com", "youtube.com", H_YOUTUBE},
    {"m.youtube.com", "youtube.com", H_YOUTUBE},
    {"youtu.be", "youtu.be", H_YOUTU_BE},
    {"m.facebook.com", "facebook.com", H_OTHER},
    {"open.spotify.com", "open.spotify.com", H_SPOTIFY},
};

static bool host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c >= 0x80;
}

/* AMP ("Accelerated Mobile Pages") copies of an article are the article: Google's AMP viewer
 * (google.com/amp/s/HOST/PATH) and the AMP cache (X.cdn.ampproject.org/c/s/HOST/PATH) wrap the
 * original URL, which is unwrapped; an "amp." host prefix, a trailing "/amp" path segment and
 * an "amp" query parameter are dropped. Unwrapping recurses at most AMP_DEPTH times, so a
 * hostile chain of wrappers cannot exhaust the stack. */
#define AMP_DEPTH 3

static size_t canon(const char *s, size_t n, char *out, size_t cap, int depth);

size_t ch_url_canon(const char *s, size_t n, char *out, size_t cap)
{
    return canon(s, n, out, cap, 0);
}

static size_t canon(const char *s, size_t n, char *out, size_t cap, int depth)
{
    wbuf w = {out, cap, 0};
    if (cap)
        out[0] = '\0';
    if (!s)
        return 0;
    /* Trim white space and the angle brackets some exports wrap URLs in. */
    while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '<')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
                 s[n - 1] == '>'))
        n--;

    /* Scheme: http and https become https; another scheme is not a web link. */
    bool was_http = false;
    size_t i = 0;
    if (iprefix(s, n, "https://")) {
        i = 8;
    } else if (iprefix(s, n, "http://")) {
        i = 7;
        was_http = true;
    } else if (n >= 2 && s[0] == '/' && s[1] == '/') {
        i = 2;
    } else {
        size_t k = 0;
        while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                         (k > 0 && ((s[k] >= '0' && s[k] <= '9') || s[k] == '+' ||
                                    s[k] == '-' || s[k] == '.'))))
            k++;
        if (k < n && s[k] == ':' && k + 2 < n && s[k + 1] == '/' && s[k + 2] == '/')
            return 0;     /* ftp://, file://, ...: not a web link */
        /* Scheme-less ("example.com/x"): accepted when the host part looks like a host name
         * with a dot, checked below. */
    }

    /* Authority: [userinfo@]host[:port], up to the first '/', '?' or '#'. */
    size_t a0 = i, a1 = i;
    while (a1 < n && s[a1] != '/' && s[a1] != '?' && s[a1] != '#' && s[a1] != '\\')
        a1++;
    for (size_t k = a1; k > a0; k--) {
        if (s[k - 1] == '@') {   /* credentials never identify the object */
            if (i == 0)
                return 0;        /* "name@host" without a scheme is an e-mail address */
            a0 = k;
            break;
        }
    }
    size_t h0 = a0, h1 = a1, p0 = a1, p1 = a1;   /* host [h0,h1), port digits [p0,p1) */
    if (h0 < a1 && s[h0] == '[') {               /* IPv6 literal */
        size_t k = h0;
        while (k < a1 && s[k] != ']')
            k++;
        if (k == a1)
            return 0;
        h1 = k + 1;
        if (h1 < a1) {
            if (s[h1] != ':')
                return 0;
            p0 = h1 + 1;
        }
    } else {
        for (size_t k = h0; k < a1; k++) {
            if (s[k] == ':') {
                h1 = k;
                p0 = k + 1;
                break;
            }
        }
        for (size_t k = h0; k < h1; k++) {
            if (!host_char((unsigned char)s[k]))
                return 0;
        }
    }
    for (size_t k = p0; k < p1; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
    }
    while (h1 > h0 && s[h1 - 1] == '.')          /* "example.com." is "example.com" */
        h1--;
    if (h1 == h0)
        return 0;
    if (i == 0) {
        /* Scheme-less: demand a dotted host so that plain words are not URLs. */
        if (!memchr(s + h0, '.', h1 - h0) || s[h0] == '.')
            return 0;
    }
    if (h1 - h0 > 4 && iprefix(s + h0, h1 - h0, "www.") && memchr(s + h0 + 4, '.', h1 - h0 - 4))
        h0 += 4;
    else if (h1 - h0 > 4 && iprefix(s + h0, h1 - h0, "amp.") && memchr(s + h0 + 4, '.', h1 - h0 - 4))
        h0 += 4;

    /* AMP wrappers: canonicalize the wrapped URL instead. */
    if (depth < AMP_DEPTH) {
        const char *p = s + a1;
        size_t pn = n - a1;
        size_t skip = 0;
        const size_t hn = h1 - h0;
        if (ieq(s + h0, hn, "google.com") && iprefix(p, pn, "/amp/s/"))
            skip = 7;
        else if (ieq(s + h0, hn, "google.com") && iprefix(p, pn, "/amp/"))
            skip = 5;
        else if (hn > 19 && ieq(s + h1 - 19, 19, ".cdn.ampproject.org") &&
                 (iprefix(p, pn, "/c/s/") || iprefix(p, pn, "/v/s/")))
            skip = 5;
        else if (hn > 19 && ieq(s + h1 - 19, 19, ".cdn.ampproject.org") &&
                 (iprefix(p, pn, "/c/") || iprefix(p, pn, "/v/")))
            skip = 3;
        if (skip && pn > skip) {
            size_t len = canon(p + skip, pn - skip, out, cap, depth + 1);
            if (len)
                return len;
            if (cap)
                out[0] = '\0';
        }
    }

    host_kind hk = H_OTHER;
    const char *host = s + h0;
    size_t hostn = h1 - h0;
    bool aliased = false;
    for (size_t k = 0; k < sizeof host_aliases / sizeof host_aliases[0]; k++) {
        if (ieq(host, hostn, host_aliases[k].alias)) {
            hk = host_aliases[k].kind;
            host = host_aliases[k].canon;
            hostn = strlen(host);
            aliased = true;
            break;
        }
    }

    /* Port: dropped when it is the default of the scheme written. */
    size_t pv = 0;
    bool port_overflow = false;
    for (size_t k = p0; k < p1; k++) {
        pv = pv * 10 + (size_t)(s[k] - '0');
        if (pv > 65535)
            port_overflow = true;
    }
    if (port_overflow)
        return 0;
    bool keep_port = p1 > p0 && !((was_http && pv == 80) || (!was_http && pv == 443));

    /* Path, query, fragment. */
    size_t q0 = a1;
    while (q0 < n && s[q0] != '?' && s[q0] != '#')
        q0++;
    const char *path = s + a1;
    size_t pathn = q0 - a1;
    size_t f0 = q0;
    while (f0 < n && s[f0] != '#')
        f0++;
    const char *query = q0 < f0 ? s + q0 + 1 : NULL;
    size_t queryn = q0 < f0 ? f0 - q0 - 1 : 0;
    /* Old Twitter hash-bang links: twitter.com/#!/user/status/1 is twitter.com/user/status/1. */
    if (f0 + 2 < n && s[f0 + 1] == '!' && s[f0 + 2] == '/' && (pathn == 0 ||
                                                                (pathn == 1 && path[0] == '/'))) {
        path = s + f0 + 2;
        pathn = n - f0 - 2;
        query = NULL;
        queryn = 0;
        for (size_t k = 0; k < pathn; k++) {
            if (path[k] == '?') {
                query = path + k + 1;
                queryn = pathn - k - 1;
                pathn = k;
                break;
            }
        }
    }
    while (pathn && path[pathn - 1] == '/')      /* trailing slashes */
        pathn--;
    if (pathn >= 4 && ieq(path + pathn - 4, 4, "/amp")) {
        pathn -= 4;
        while (pathn && path[pathn - 1] == '/')
            pathn--;
    }

    putn(&w, "https://", 8);
    for (size_t k = 0; k < hostn; k++)
        put(&w, aliased ? host[k] : lower(host[k]));
    if (keep_port) {
        put(&w, ':');
        /* without leading zeros */
        char d[8];
        int nd = 0;
        size_t v = pv;
        do {
            d[nd++] = (char)('0' + v % 10);
            v /= 10;
        } while (v && nd < 8);
        while (nd)
            put(&w, d[--nd]);
    }

    bool first = true;
    if (hk == H_YOUTU_BE && pathn > 1) {
        /* youtu.be/ID?x -> youtube.com/watch?v=ID&x */
        w.len -= hostn;
        putn(&w, "youtube.com/watch?v=", 20);
        put_pct(&w, path + 1, pathn - 1);
        first = false;
        hk = H_YOUTUBE;
    } else {
        put_pct(&w, path, pathn);
    }
    /* Query parameters, trackers dropped, order kept. */
    size_t k = 0;
    while (query && k <= queryn) {
        size_t e = k;
        while (e < queryn && query[e] != '&')
            e++;
        size_t nm = k;
        while (nm < e && query[nm] != '=')
            nm++;
        if (e > k && !is_tracker(query + k, nm - k, hk)) {
            put(&w, first ? '?' : '&');
            first = false;
            put_pct(&w, query + k, e - k);
        }
        k = e + 1;
    }
    if (cap)
        out[w.len < cap ? w.len : cap - 1] = '\0';
    return w.len;
}
