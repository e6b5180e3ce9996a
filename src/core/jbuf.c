/* jbuf.c — growable text buffer with sticky errors and JSON escaping (see jbuf.h). */
#include "core/jbuf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

#define JBUF_MAX_DEFAULT ((size_t)1 << 30)

void ch_jbuf_free(ch_jbuf *b)
{
    ch_free(b->p);
    memset(b, 0, sizeof *b);
}

void ch_jbuf_reset(ch_jbuf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->p)
        b->p[0] = '\0';
}

bool ch_jbuf_ok(const ch_jbuf *b)
{
    return !b->failed;
}

char *ch_jbuf_take(ch_jbuf *b)
{
    if (b->failed) {
        ch_jbuf_free(b);
        return NULL;
    }
    if (!b->p)
        ch_jbuf_putn(b, "", 0);
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

static bool reserve(ch_jbuf *b, size_t more)
{
    if (b->failed)
        return false;
    size_t max = b->max ? b->max : JBUF_MAX_DEFAULT;
    size_t need;
    if (!ch_add_ok(b->len, more + 1, &need) || need > max) {
        b->failed = true;
        return false;
    }
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > max / 2 ? max : cap * 2;
    char *p = ch_realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void ch_jbuf_putn(ch_jbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ch_jbuf_put(ch_jbuf *b, const char *s)
{
    ch_jbuf_putn(b, s, strlen(s));
}

void ch_jbuf_printf(ch_jbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        ch_jbuf_putn(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ch_jbuf_i64(ch_jbuf *b, int64_t v)
{
    ch_jbuf_printf(b, "%" PRId64, v);
}

void ch_jbuf_strn(ch_jbuf *b, const char *s, size_t n)
{
    /* worst case six bytes per input byte (\u00XX) plus the quotes */
    if (!reserve(b, n > SIZE_MAX / 6 - 2 ? SIZE_MAX : n * 6 + 2))
        return;
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(o, 7, "\\u%04x", c);
                o += 6;
            } else {
                *o++ = (char)c;
            }
        }
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->p);
}

void ch_jbuf_str(ch_jbuf *b, const char *s)
{
    if (!s)
        ch_jbuf_put(b, "null");
    else
        ch_jbuf_strn(b, s, strlen(s));
}
