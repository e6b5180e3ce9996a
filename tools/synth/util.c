/* util.c — allocation, string arena, byte buffers, output files, UTF-8 and time formatting
 * for chorus-synth. Everything here is deterministic and locale-independent. */
#include "synth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("chorus-synth: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory (%zu bytes)", n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

/* ---- arena: blocks of 1 MiB, never freed (lives until exit) ---- */
static char *arena_cur;
static size_t arena_left;

void *arena_alloc(size_t n)
{
    n = (n + 7) & ~(size_t)7; /* keep every allocation 8-byte aligned */
    if (n > arena_left) {
        size_t sz = n > (1u << 20) ? n : (1u << 20);
        arena_cur = xmalloc(sz);
        arena_left = sz;
    }
    char *p = arena_cur;
    arena_cur += n;
    arena_left -= n;
    return p;
}

char *arena_strndup(const char *s, size_t n)
{
    char *p = (char *)arena_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(const char *s) { return arena_strndup(s, strlen(s)); }

char *arena_printf(const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof tmp)
        n = sizeof tmp - 1;
    return arena_strndup(tmp, (size_t)n);
}

/* ---- Buf ---- */
void buf_init(Buf *b, size_t cap, size_t max)
{
    if (cap < 64)
        cap = 64;
    b->p = xmalloc(cap);
    b->p[0] = 0;
    b->len = 0;
    b->cap = cap;
    b->max = max;
}

void buf_free(Buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_reserve(Buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t need = b->len + extra + 1;
    if (need > b->max)
        die("buffer limit of %zu bytes exceeded", b->max);
    size_t nc = b->cap * 2;
    while (nc < need)
        nc *= 2;
    if (nc > b->max)
        nc = b->max;
    b->p = xrealloc(b->p, nc);
    b->cap = nc;
}

void buf_put(Buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_putc(Buf *b, char c)
{
    buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = 0;
}

void buf_u64(Buf *b, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_put(b, tmp + i, (size_t)(24 - i));
}

void buf_i64(Buf *b, int64_t v)
{
    if (v < 0) {
        buf_putc(b, '-');
        buf_u64(b, (uint64_t)(-(v + 1)) + 1);
    } else {
        buf_u64(b, (uint64_t)v);
    }
}

void buf_u64str(Buf *b, uint64_t v)
{
    buf_putc(b, '"');
    buf_u64(b, v);
    buf_putc(b, '"');
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof tmp)
        n = sizeof tmp - 1;
    buf_put(b, tmp, (size_t)n);
}

void buf_json_str(Buf *b, const char *s, size_t n, bool html)
{
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n * 6 + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\' && !(html && (ch == '&' || ch == '<' || ch == '>'))) {
            *o++ = (char)ch;
            continue;
        }
        *o++ = '\\';
        switch (ch) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '&': o[-1] = '&'; memcpy(o, "amp;", 4); o += 4; break;
        case '<': o[-1] = '&'; memcpy(o, "lt;", 3); o += 3; break;
        case '>': o[-1] = '&'; memcpy(o, "gt;", 3); o += 3; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = 0;
}

void buf_csv_always(Buf *b, const char *s, size_t n)
{
    buf_reserve(b, n * 2 + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *o++ = '"';
        *o++ = s[i];
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = 0;
}

void buf_csv(Buf *b, const char *s, size_t n)
{
    bool q = false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            q = true;
            break;
        }
    if (q)
        buf_csv_always(b, s, n);
    else
        buf_put(b, s, n);
}

/* ---- Out ---- */
void out_open(Out *o, const char *dir, const char *name, const char *compress)
{
    char path[4096];
    const char *ext = "";
    const char *cmd = NULL;
    if (compress && !strcmp(compress, "gz")) {
        ext = ".gz";
        cmd = "gzip -c -6";
    } else if (compress && !strcmp(compress, "zst")) {
        ext = ".zst";
        cmd = "zstd -q -c -3";
    }
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    o->path = xstrdup(path);
    o->pipe = cmd != NULL;
    if (cmd) {
        char full[8400];
        /* single-quote the path for the shell */
        char q[8200];
        size_t j = 0;
        q[j++] = '\'';
        for (const char *s = path; *s && j < sizeof q - 8; s++) {
            if (*s == '\'') {
                memcpy(q + j, "'\\''", 4);
                j += 4;
            } else {
                q[j++] = *s;
            }
        }
        q[j++] = '\'';
        q[j] = 0;
        snprintf(full, sizeof full, "%s > %s", cmd, q);
        fflush(NULL);
        o->f = popen(full, "w");
    } else {
        o->f = fopen(path, "wb");
    }
    if (!o->f)
        die("cannot open '%s': %s", path, strerror(errno));
    buf_init(&o->b, 1u << 22, (size_t)1 << 34);
    o->bytes = 0;
}

static void out_write(Out *o)
{
    if (o->b.len && fwrite(o->b.p, 1, o->b.len, o->f) != o->b.len)
        die("write error on '%s': %s", o->path, strerror(errno));
    o->bytes += o->b.len;
    o->b.len = 0;
    o->b.p[0] = 0;
}

void out_flush_if(Out *o, size_t threshold)
{
    if (o->b.len >= threshold)
        out_write(o);
}

void out_close(Out *o)
{
    if (!o->f)
        return;
    out_write(o);
    int rc = o->pipe ? pclose(o->f) : fclose(o->f);
    if (rc != 0)
        die("closing '%s' failed%s", o->path, o->pipe ? " (is the compressor installed?)" : "");
    o->f = NULL;
    buf_free(&o->b);
    free(o->path);
}

/* ---- UTF-8 ---- */
uint32_t utf8_decode(const char *s, size_t n, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0) {
        *adv = 0;
        return 0;
    }
    if (u[0] < 0x80) {
        *adv = 1;
        return u[0];
    }
    int len = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || (size_t)len > n) {
        *adv = 1;
        return 0xFFFD;
    }
    uint32_t cp = u[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *adv = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    *adv = (size_t)len;
    return cp;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_cplen(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

size_t tw_weight(const char *s, size_t n)
{
    size_t w = 0, i = 0;
    while (i < n) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        i += adv;
        if (cp <= 0x10FF || (cp >= 0x2000 && cp <= 0x200D) || (cp >= 0x2010 && cp <= 0x201F) ||
            (cp >= 0x2032 && cp <= 0x2037))
            w += 1;
        else
            w += 2;
    }
    return w;
}

/* ---- time ---- */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int *yy, int *mm, int *dd)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *yy = (int)(y + (m <= 2));
    *mm = (int)m;
    *dd = (int)d;
}

static void split_time(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s, int *wd)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t rem = t - days * 86400;
    civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
    *wd = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

static void put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

static void put4(char *o, int v)
{
    o[0] = (char)('0' + v / 1000 % 10);
    o[1] = (char)('0' + v / 100 % 10);
    o[2] = (char)('0' + v / 10 % 10);
    o[3] = (char)('0' + v % 10);
}

void fmt_v1_time(char out[32], int64_t t)
{
    static const char *wdn[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s, wd;
    split_time(t, &y, &mo, &d, &h, &mi, &s, &wd);
    /* "Wed Oct 10 20:19:24 +0000 2018" */
    memcpy(out, wdn[wd], 3);
    out[3] = ' ';
    memcpy(out + 4, mon[mo - 1], 3);
    out[7] = ' ';
    put2(out + 8, d);
    out[10] = ' ';
    put2(out + 11, h);
    out[13] = ':';
    put2(out + 14, mi);
    out[16] = ':';
    put2(out + 17, s);
    memcpy(out + 19, " +0000 ", 7);
    put4(out + 26, y);
    out[30] = 0;
}

void fmt_iso_ms(char out[32], int64_t ms)
{
    int64_t t = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int frac = (int)(ms - t * 1000);
    int y, mo, d, h, mi, s, wd;
    split_time(t, &y, &mo, &d, &h, &mi, &s, &wd);
    put4(out, y);
    out[4] = '-';
    put2(out + 5, mo);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, h);
    out[13] = ':';
    put2(out + 14, mi);
    out[16] = ':';
    put2(out + 17, s);
    out[19] = '.';
    out[20] = (char)('0' + frac / 100);
    out[21] = (char)('0' + frac / 10 % 10);
    out[22] = (char)('0' + frac % 10);
    out[23] = 'Z';
    out[24] = 0;
}

void fmt_iso_s(char out[32], int64_t t)
{
    fmt_iso_ms(out, t * 1000);
    out[19] = 'Z';
    out[20] = 0;
}

void fmt_io_time(char out[32], int64_t t)
{
    fmt_iso_ms(out, t * 1000);
    out[10] = ' ';
    out[16] = 0;
}

void fmt_date(char out[16], int64_t t)
{
    char tmp[32];
    fmt_iso_ms(tmp, t * 1000);
    memcpy(out, tmp, 10);
    out[10] = 0;
}
