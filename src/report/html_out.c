/*
 * html_out.c — the report's output writer: markup, escaped text with repaired UTF-8, highlighted
 * passages, and the number/time formats used throughout. Hostile input is normal input here:
 * a post may contain "</script>", stray bytes, NULs or bidi controls, and must render as text.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "chorus.h"
#include "core/duration.h"
#include "report/report_int.h"

void ch_report_putn(ch_report_out *o, const char *markup, size_t n)
{
    if (o->err || n == 0)
        return;
    if (fwrite(markup, 1, n, o->f) != n) {
        o->err = CHORUS_EIO;
        return;
    }
    o->bytes += n;
}

void ch_report_put(ch_report_out *o, const char *markup)
{
    ch_report_putn(o, markup, strlen(markup));
}

void ch_report_putf(ch_report_out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* formats are ours and short; a longer one would be a bug, cut rather than overflow */
    ch_report_putn(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Length of the valid UTF-8 sequence at s[0..n) (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) and its code point, or 0 when the bytes are not one. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static const char REPLACEMENT[] = "\xef\xbf\xbd";   /* U+FFFD */

void ch_report_text(ch_report_out *o, const char *s, size_t n)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;   /* start of the pending run of bytes that need no change */
    size_t i = 0;
    while (i < n) {
        const char *rep = NULL;
        size_t step = 1;
        uint32_t cp;
        switch (p[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\t':
        case '\n': break;
        case '\r': rep = ""; break;
        default:
            if (p[i] < 0x20 || p[i] == 0x7f) {
                rep = REPLACEMENT;
            } else if (p[i] >= 0x80) {
                step = utf8_seq(p + i, n - i, &cp);
                /* C1 controls and noncharacters are HTML parse errors: replace them too */
                if (!step || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
                    (cp & 0xfffe) == 0xfffe) {
                    rep = REPLACEMENT;
                    step = step ? step : 1;
                }
            }
        }
        if (rep) {
            ch_report_putn(o, s + run, i - run);
            ch_report_put(o, rep);
            run = i + step;
        }
        i += step;
    }
    ch_report_putn(o, s + run, n - run);
}

void ch_report_textz(ch_report_out *o, const char *s)
{
    if (s)
        ch_report_text(o, s, strlen(s));
}

size_t ch_report_utf8_floor(const char *s, size_t n, size_t m)
{
    if (m >= n)
        return n;
    /* step back over at most 3 continuation bytes; beyond that the text is not UTF-8 anyway */
    for (int k = 0; k < 3 && m > 0 && ((unsigned char)s[m] & 0xc0) == 0x80; k++)
        m--;
    return m;
}

size_t ch_report_utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xc0) != 0x80;
    return k;
}

void ch_report_excerpt(ch_report_out *o, const char *s, size_t n, size_t max)
{
    if (!s)
        return;
    if (n <= max) {
        ch_report_text(o, s, n);
        return;
    }
    ch_report_text(o, s, ch_report_utf8_floor(s, n, max));
    ch_report_put(o, "…");
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

void ch_report_passage(ch_report_out *o, const char *s, size_t n, int64_t start, int64_t end,
                       size_t ctx, size_t maxmark)
{
    if (!s)
        return;
    if (start < 0 || end <= start || (uint64_t)end > n) {
        ch_report_excerpt(o, s, n, 2 * ctx);
        return;
    }
    const size_t a = (size_t)start, b = (size_t)end;
    /* context on the left: start ctx bytes before the span, on a character boundary, and
     * preferably just after a space so the reader does not see half a word */
    size_t l = a > ctx ? a - ctx : 0;
    if (l > 0) {
        while (l < a && ((unsigned char)s[l] & 0xc0) == 0x80)
            l++;
        for (size_t k = l; k < a && k < l + 24; k++)
            if (is_space((unsigned char)s[k])) {
                l = k + 1;
                break;
            }
    }
    size_t r = b + ctx < n ? ch_report_utf8_floor(s, n, b + ctx) : n;
    if (r < n)
        for (size_t k = r; k > b && k + 24 > r; k--)
            if (is_space((unsigned char)s[k - 1])) {
                r = k - 1;
                break;
            }
    if (l > 0)
        ch_report_put(o, "…");
    ch_report_text(o, s + l, a - l);
    ch_report_put(o, "<mark>");
    if (b - a <= maxmark) {
        ch_report_text(o, s + a, b - a);
    } else {
        /* the span cut exactly at its bytes on both outer ends; the middle elided */
        size_t h = ch_report_utf8_floor(s, n, a + maxmark / 2) - a;
        size_t t = b - maxmark / 2;
        while (t < b && ((unsigned char)s[t] & 0xc0) == 0x80)
            t++;
        ch_report_text(o, s + a, h);
        ch_report_put(o, "</mark><span class=\"gap\"> […] </span><mark>");
        ch_report_text(o, s + t, b - t);
    }
    ch_report_put(o, "</mark>");
    ch_report_text(o, s + b, r - b);
    if (r < n)
        ch_report_put(o, "…");
}

void ch_report_anchor(ch_report_out *o, const char *prefix, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char buf[128];
    size_t k = 0;
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    for (size_t i = 0; i < n && i < 24; i++) {
        buf[k++] = hex[(unsigned char)s[i] >> 4];
        buf[k++] = hex[(unsigned char)s[i] & 15];
    }
    snprintf(buf + k, sizeof buf - k, "-%08x", (unsigned)(h ^ (h >> 32)));
    ch_report_put(o, prefix);
    ch_report_put(o, buf);
}

/* ---- formats ----------------------------------------------------------------------------- */

const char *ch_report_num(uint64_t n, char buf[32])
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    int o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

static bool utc(int64_t t, struct tm *tm)
{
    /* years beyond 9999 would not fit the formats; such times are bad data */
    if (t < -62135596800LL || t > 253402300799LL)
        return false;
    time_t tt = (time_t)t;
    return gmtime_r(&tt, tm) != NULL;
}

const char *ch_report_time(int64_t t, char buf[32])
{
    struct tm tm;
    if (!utc(t, &tm))
        snprintf(buf, 32, "?");
    else
        snprintf(buf, 32, "%04u-%02u-%02u %02u:%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
                 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
                 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
    return buf;
}

const char *ch_report_date(int64_t t, char buf[32])
{
    struct tm tm;
    if (!utc(t, &tm))
        snprintf(buf, 32, "?");
    else
        snprintf(buf, 32, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
                 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
    return buf;
}

const char *ch_report_dur(double s, char buf[32])
{
    /* the one spelling of a duration for people (core/duration.h): "6 hours", not "21600 s" */
    return ch_duration_words(s, buf, 32);
}

void ch_report_platform(ch_report_out *o, const char *platform, size_t n)
{
    if (!platform || !n)
        return;
    ch_report_put(o, "<span class=\"plat\">");
    ch_report_excerpt(o, platform, n, 24);
    ch_report_put(o, "</span>");
}

void ch_report_handle(ch_report_out *o, const char *handle, size_t hn, const char *id, size_t idn)
{
    ch_report_put(o, "<bdi class=\"h\">");
    if (handle && hn) {
        ch_report_put(o, "@");
        ch_report_excerpt(o, handle, hn, 64);
    } else {
        ch_report_excerpt(o, id, idn, 64);
    }
    ch_report_put(o, "</bdi>");
}
