/* statements.c — loading official statements from .txt/.md/JSONL files and directories
 * (see statements.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/post.h"
#include "core/sort.h"
#include "core/timeparse.h"
#include "ingest/statements.h"
#include "ingest/ingest.h"
#include "ingest/input.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

struct ch_stmtset {
    ch_arena arena;            /* every string */
    ch_pool ids;               /* id -> pool id; pool id - 1 is NOT the index (see idx_of) */
    uint32_t *idx_of;          /* pool id -> statement index */
    size_t cap_idx;
    ch_statement *st;
    size_t n, cap;
    size_t text_bytes;
    uint64_t skipped[CH_R__COUNT];
};

int ch_stmtset_new(ch_stmtset **out)
{
    ch_stmtset *s = ch_calloc(1, sizeof *s);
    if (!s)
        return CHORUS_ENOMEM;
    ch_arena_init(&s->arena);
    if (ch_pool_init(&s->ids)) {
        ch_free(s);
        return CHORUS_ENOMEM;
    }
    *out = s;
    return CHORUS_OK;
}

void ch_stmtset_free(ch_stmtset *s)
{
    if (!s)
        return;
    ch_arena_free(&s->arena);
    ch_pool_free(&s->ids);
    ch_free(s->idx_of);
    ch_free(s->st);
    ch_free(s);
}

size_t ch_stmtset_count(const ch_stmtset *s) { return s->n; }
const ch_statement *ch_stmtset_get(const ch_stmtset *s, size_t i)
{
    return i < s->n ? &s->st[i] : NULL;
}
size_t ch_stmtset_text_bytes(const ch_stmtset *s) { return s->text_bytes; }
uint64_t ch_stmtset_skipped(const ch_stmtset *s, ch_reason r)
{
    return (unsigned)r < CH_R__COUNT ? s->skipped[r] : 0;
}
uint64_t ch_stmtset_skipped_total(const ch_stmtset *s)
{
    uint64_t t = 0;
    for (int r = 0; r < CH_R__COUNT; r++)
        t += s->skipped[r];
    return t;
}

size_t ch_stmtset_find(const ch_stmtset *s, const char *id, size_t len)
{
    ch_sid sid = ch_pool_find(&s->ids, id, len);
    /* an id interned by an add that then ran out of memory has no statement */
    return sid && sid < s->cap_idx && s->idx_of[sid] < s->n ? s->idx_of[sid] : SIZE_MAX;
}

/* The add behind ch_stmtset_add, with the file name and line for the record. `file` must
 * already live in the arena (or be a literal). */
static int add_full(ch_stmtset *s, const char *id, size_t idlen, const char *text, size_t len,
                    const char *source, const char *lang, int64_t published_at,
                    const char *file, uint64_t line)
{
    if (idlen == 0 || ch_pool_find(&s->ids, id, idlen))
        return CHORUS_EPARSE;
    if (len >= UINT32_MAX)
        return CHORUS_ELIMIT;
    if (!ch_json_validate_utf8(text, len))
        return CHORUS_EPARSE;
    if (ch_grow((void **)&s->st, &s->cap, s->n + 1, sizeof *s->st))
        return CHORUS_ENOMEM;
    ch_statement *st = &s->st[s->n];
    memset(st, 0, sizeof *st);
    ch_sid sid;
    if (ch_pool_intern(&s->ids, id, idlen, &sid))
        return CHORUS_ENOMEM;
    if (ch_grow((void **)&s->idx_of, &s->cap_idx, (size_t)sid + 1, sizeof *s->idx_of))
        return CHORUS_ENOMEM; /* the id stays interned but unused: harmless */
    s->idx_of[sid] = (uint32_t)s->n;
    st->id = ch_pool_str(&s->ids, sid);
    st->text = ch_arena_strndup(&s->arena, text, len);
    st->source = ch_arena_strndup(&s->arena, source ? source : "", source ? strlen(source) : 0);
    st->lang = ch_arena_strndup(&s->arena, lang ? lang : "", lang ? strlen(lang) : 0);
    if (!st->text || !st->source || !st->lang)
        return CHORUS_ENOMEM;
    st->text_len = (uint32_t)len;
    st->published_at = published_at;
    st->file = file ? file : "";
    st->line = line;
    s->n++;
    s->text_bytes += len;
    return CHORUS_OK;
}

int ch_stmtset_add(ch_stmtset *s, const char *id, size_t idlen, const char *text, size_t len,
                   const char *source, const char *lang, int64_t published_at)
{
    return add_full(s, id, idlen, text, len, source, lang, published_at, "", 0);
}

/* ------------------------------------------------------------------------- diagnostics */

typedef struct loadctx {
    ch_stmtset *s;
    const ch_stmt_opts *o;
    size_t max_bytes;
    const char *fname;         /* in the arena */
    bool stop;                 /* strict mode hit a bad record */
} loadctx;

static void file_diag(const ch_stmt_opts *o, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void file_diag(const ch_stmt_opts *o, const char *file, const char *fmt, ...)
{
    if (!o->diag)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->diag(o->diag_ctx, file, 0, CH_R__COUNT, msg);
}

/* Counts and reports a refused record; returns CHORUS_EPARSE in strict mode. */
static int reject(loadctx *L, uint64_t line, ch_reason r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int reject(loadctx *L, uint64_t line, ch_reason r, const char *fmt, ...)
{
    L->s->skipped[r]++;
    if (L->o->diag) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        /* a whole-file statement has line 0: the message is about the file */
        L->o->diag(L->o->diag_ctx, L->fname, line, r, msg);
    }
    if (L->o->strict) {
        L->stop = true;
        return CHORUS_EPARSE;
    }
    return CHORUS_OK;
}

/* Adds a statement, turning refusals into reports. */
static int add_checked(loadctx *L, uint64_t line, const char *id, size_t idlen, const char *text,
                       size_t len, const char *source, const char *lang, int64_t published)
{
    if (len > L->max_bytes)
        return reject(L, line, CH_R_TOO_LONG, "statement '%.*s' is longer than %zu bytes",
                      (int)(idlen > 80 ? 80 : idlen), id, L->max_bytes);
    int rc = add_full(L->s, id, idlen, text, len, source, lang, published, L->fname, line);
    if (rc == CHORUS_EPARSE) {
        if (idlen && ch_pool_find(&L->s->ids, id, idlen))
            return reject(L, line, CH_R_BAD_FIELD, "duplicate statement id '%.*s' (first one kept)",
                          (int)(idlen > 80 ? 80 : idlen), id);
        if (!idlen)
            return reject(L, line, CH_R_NO_ID, "statement has no id");
        return reject(L, line, CH_R_UTF8, "statement '%.*s' is not valid UTF-8",
                      (int)(idlen > 80 ? 80 : idlen), id);
    }
    if (rc == CHORUS_ELIMIT)
        return reject(L, line, CH_R_TOO_LONG, "statement '%.*s' is too long",
                      (int)(idlen > 80 ? 80 : idlen), id);
    return rc;
}

/* ------------------------------------------------------------------------------ JSONL */

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

static bool absent(ch_json_val v) { return !ch_json_present(v) || ch_json_is_null(v); }

/* One JSONL record. Returns 0 (added or reported), CHORUS_EPARSE (strict) or ENOMEM. */
static int jsonl_record(loadctx *L, ch_json_parser *jp, const char *line, size_t len,
                        uint64_t no)
{
    ch_json_val root;
    const char *msg = NULL;
    ch_json_err je = ch_json_parse(jp, line, len, true, &root, &msg);
    if (je == CH_JSON_EUTF8)
        return reject(L, no, CH_R_UTF8, "%s", msg ? msg : "invalid UTF-8");
    if (je == CH_JSON_EDEPTH)
        return reject(L, no, CH_R_DEPTH, "%s", msg ? msg : "nested too deeply");
    if (je == CH_JSON_ENOMEM)
        return CHORUS_ENOMEM;
    if (je != CH_JSON_OK)
        return reject(L, no, CH_R_JSON, "%s", msg ? msg : "malformed JSON");
    if (ch_json_type_of(root) != CH_JSON_OBJECT)
        return reject(L, no, CH_R_JSON, "a statement must be a JSON object");

    const char *id = NULL, *text = NULL, *src = NULL, *lang = NULL;
    size_t idn = 0, textn = 0, srcn = 0, langn = 0;
    char idbuf[32];
    int64_t published = CH_UNKNOWN_I64;
    ch_json_iter it;
    const char *k;
    size_t kn;
    ch_json_val v;
    ch_json_iter_init(root, &it);
    while (ch_json_obj_next(&it, &k, &kn, &v)) {
        if (absent(v))
            continue;
        if (KEY_IS(k, kn, "id")) {
            if (!ch_json_str(v, &id, &idn)) {
                idn = ch_json_int_text(v, idbuf, sizeof idbuf);
                if (!idn)
                    return reject(L, no, CH_R_BAD_FIELD, "'id' must be a string or an integer");
                id = idbuf;
            }
        } else if (KEY_IS(k, kn, "text")) {
            if (!ch_json_str(v, &text, &textn))
                return reject(L, no, CH_R_BAD_FIELD, "'text' must be a string");
        } else if (KEY_IS(k, kn, "source")) {
            if (!ch_json_str(v, &src, &srcn))
                return reject(L, no, CH_R_BAD_FIELD, "'source' must be a string");
        } else if (KEY_IS(k, kn, "lang")) {
            if (!ch_json_str(v, &lang, &langn))
                return reject(L, no, CH_R_BAD_FIELD, "'lang' must be a string");
        } else if (KEY_IS(k, kn, "published_at")) {
            char buf[64];
            const char *ts = NULL;
            size_t tn = ch_json_int_text(v, buf, sizeof buf);
            double d;
            if (tn) {
                ts = buf;
            } else if (ch_json_double(v, &d)) {
                if (!isfinite(d) || fabs(d) > 1e17)
                    return reject(L, no, CH_R_BAD_TIME, "'published_at' is out of range");
                tn = (size_t)snprintf(buf, sizeof buf, "%.3f", d);
                ts = buf;
            } else if (!ch_json_str(v, &ts, &tn)) {
                return reject(L, no, CH_R_BAD_FIELD,
                              "'published_at' must be a number or a string");
            }
            if (ch_time_parse(ts, tn, &published))
                return reject(L, no, CH_R_BAD_TIME, "unparseable published_at '%.*s'",
                              (int)(tn > 64 ? 64 : tn), ts);
        }
    }
    if (!idn)
        return reject(L, no, CH_R_NO_ID, "statement has no 'id'");
    if (!text || textn == 0)
        return reject(L, no, CH_R_BAD_FIELD, "statement '%.*s' has no 'text'",
                      (int)(idn > 80 ? 80 : idn), id);
    if (memchr(id, '\0', idn))
        return reject(L, no, CH_R_BAD_FIELD, "'id' contains a NUL character");
    /* source and lang are copied as C strings: cut at an embedded NUL, bounded */
    char srcb[256], langb[64];
    snprintf(srcb, sizeof srcb, "%.*s", (int)(srcn < sizeof srcb ? srcn : sizeof srcb - 1),
             src ? src : "");
    snprintf(langb, sizeof langb, "%.*s", (int)(langn < sizeof langb ? langn : sizeof langb - 1),
             lang ? lang : "");
    return add_checked(L, no, id, idn, text, textn, srcb, langb, published);
}

static int load_jsonl(loadctx *L, ch_input *in)
{
    ch_json_parser *jp;
    if (ch_json_parser_new(0, &jp))
        return CHORUS_ENOMEM;
    const char *line;
    size_t len;
    uint64_t no;
    int r, rc = CHORUS_OK;
    while (!rc && (r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (r == CH_LINE_ERROR) {
            file_diag(L->o, L->fname, "%s", ch_input_error(in));
            rc = CHORUS_EIO;
            break;
        }
        if (r == CH_LINE_TOO_LONG) {
            rc = reject(L, no, CH_R_TOO_LONG, "line longer than the limit");
            continue;
        }
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            continue; /* blank lines are allowed */
        rc = jsonl_record(L, jp, line, len, no);
    }
    if (!rc && ch_input_truncated(in))
        rc = reject(L, no, CH_R_TRUNCATED, "compressed stream ends before its end marker");
    ch_json_parser_free(jp);
    return rc;
}

/* ----------------------------------------------------------------------------- markdown */

/* Growable byte buffer with a hard maximum (the statement size limit). */
typedef struct sbuf {
    char *p;
    size_t len, cap, max;
    bool over;
} sbuf;

static int sbuf_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n > b->max) {
        b->over = true;
        return CHORUS_OK; /* reported by the caller; keep reading to the end */
    }
    if (ch_grow((void **)&b->p, &b->cap, b->len + n + 1, 1))
        return CHORUS_ENOMEM;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return CHORUS_OK;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return false;
    return true;
}

static bool is_alnum_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* A thematic break or setext underline: only one of - * _ = (≥ 3, or ≥ 1 for '='), spaces. */
static bool is_rule(const char *s, size_t n, char *which)
{
    char c = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t')
            continue;
        if (s[i] != '-' && s[i] != '*' && s[i] != '_' && s[i] != '=')
            return false;
        if (c && s[i] != c)
            return false;
        c = s[i];
        k++;
    }
    *which = c;
    return c == '=' ? k >= 1 : k >= 3;
}

/* Inline markdown of one line: links and images keep their text, emphasis and code markers
 * go, HTML tags and comments go, backslash escapes are resolved. `depth` stops recursion in
 * link texts. Writes at most n bytes. */
static size_t md_inline(const char *s, size_t n, char *out, int depth)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
            out[o++] = s[i + 1];
            i += 2;
            continue;
        }
        if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '[')) && depth == 0) {
            size_t open = c == '!' ? i + 1 : i;
            /* the closing bracket on this line, allowing one level of nested brackets */
            size_t j = open + 1;
            int nest = 0;
            for (; j < n; j++) {
                if (s[j] == '\\') { j++; continue; }
                if (s[j] == '[') nest++;
                else if (s[j] == ']' && nest-- == 0) break;
            }
            if (j < n && j + 1 < n && (s[j + 1] == '(' || s[j + 1] == '[')) {
                char close = s[j + 1] == '(' ? ')' : ']';
                size_t k = j + 2;
                while (k < n && s[k] != close)
                    k++;
                if (k < n) { /* [text](url) or [text][ref]: keep the text */
                    o += md_inline(s + open + 1, j - open - 1, out + o, depth + 1);
                    i = k + 1;
                    continue;
                }
            }
            if (c == '!') { /* '!' not starting an image: plain text */
                out[o++] = '!';
                i++;
                continue;
            }
            /* [text] alone is text (an editorial "[sic]"); keep the bracket */
        }
        if (c == '<' && i + 1 < n) {
            if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
                const char *e = NULL;
                for (size_t k = i + 4; k + 2 < n; k++)
                    if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>') { e = s + k; break; }
                if (e) {
                    i = (size_t)(e - s) + 3;
                    continue;
                }
            }
            unsigned char d = (unsigned char)s[i + 1];
            if (isalpha(d) || d == '/') {
                size_t k = i + 1;
                bool space = false;
                while (k < n && s[k] != '>' && s[k] != '<') {
                    if (s[k] == ' ')
                        space = true;
                    k++;
                }
                if (k < n && s[k] == '>') {
                    const char *inner = s + i + 1;
                    size_t in_n = k - i - 1;
                    bool autolink =
                        !space && (memchr(inner, ':', in_n) || memchr(inner, '@', in_n));
                    if (autolink) { /* <https://x.org> keeps the address */
                        memcpy(out + o, inner, in_n);
                        o += in_n;
                    }
                    i = k + 1;
                    continue;
                }
            }
        }
        if (c == '*' || c == '`' || (c == '~' && i + 1 < n && s[i + 1] == '~')) {
            size_t k = i;
            while (k < n && (unsigned char)s[k] == c)
                k++;
            /* a lone '*' between spaces is a multiplication sign or a bullet, not emphasis */
            bool lone = c == '*' && k - i == 1 && (i == 0 || s[i - 1] == ' ') &&
                        (k == n || s[k] == ' ');
            if (lone) {
                out[o++] = '*';
            }
            i = k;
            continue;
        }
        if (c == '_') {
            size_t k = i;
            while (k < n && s[k] == '_')
                k++;
            bool intraword = i > 0 && k < n && is_alnum_byte((unsigned char)s[i - 1]) &&
                             is_alnum_byte((unsigned char)s[k]);
            if (intraword) { /* snake_case stays */
                memcpy(out + o, s + i, k - i);
                o += k - i;
            }
            i = k;
            continue;
        }
        out[o++] = (char)c;
        i++;
    }
    return o;
}

/* Parses "key: value" of a front-matter line into fm. */
static void front_line(const char *s, size_t n, ch_md_front *fm)
{
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return;
    size_t kn = (size_t)(colon - s);
    while (kn && (s[kn - 1] == ' ' || s[kn - 1] == '\t'))
        kn--;
    const char *v = colon + 1;
    size_t vn = n - (size_t)(v - s);
    while (vn && (*v == ' ' || *v == '\t')) { v++; vn--; }
    while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r'))
        vn--;
    if (vn >= 2 && ((v[0] == '"' && v[vn - 1] == '"') || (v[0] == '\'' && v[vn - 1] == '\''))) {
        v++;
        vn -= 2;
    }
    char *dst = NULL;
    if (KEY_IS(s, kn, "source"))
        dst = fm->source;
    else if (KEY_IS(s, kn, "lang") || KEY_IS(s, kn, "language"))
        dst = fm->lang;
    else if (KEY_IS(s, kn, "published_at") || KEY_IS(s, kn, "date") ||
             KEY_IS(s, kn, "published"))
        dst = fm->published_at;
    if (dst)
        snprintf(dst, 128, "%.*s", (int)(vn > 127 ? 127 : vn), v);
}

size_t ch_md_strip(const char *in, size_t n, char *out, ch_md_front *fm)
{
    if (fm)
        memset(fm, 0, sizeof *fm);
    size_t o = 0, i = 0;
    bool fence = false, first = true;
    char fence_c = 0;
    /* front matter: a first line of exactly "---" up to a line "---" or "..." */
    if (n >= 3 && memcmp(in, "---", 3) == 0) {
        size_t e = 3;
        while (e < n && (in[e] == ' ' || in[e] == '\r'))
            e++;
        if (e == n || in[e] == '\n') {
            size_t p = e < n ? e + 1 : n;
            while (p < n) {
                const char *nl = memchr(in + p, '\n', n - p);
                size_t ln = nl ? (size_t)(nl - (in + p)) : n - p;
                size_t t = ln;
                while (t && (in[p + t - 1] == ' ' || in[p + t - 1] == '\r'))
                    t--;
                if ((t == 3 && (!memcmp(in + p, "---", 3) || !memcmp(in + p, "...", 3)))) {
                    i = nl ? (size_t)(nl - in) + 1 : n;
                    break;
                }
                if (fm)
                    front_line(in + p, ln, fm);
                p = nl ? (size_t)(nl - in) + 1 : n;
            }
            if (p >= n && i == 0) { /* no closing line: not front matter after all */
                if (fm)
                    memset(fm, 0, sizeof *fm);
            }
        }
    }
    while (i < n) {
        const char *nl = memchr(in + i, '\n', n - i);
        size_t ln = nl ? (size_t)(nl - (in + i)) : n - i;
        const char *s = in + i;
        i += ln + (nl ? 1 : 0);
        if (ln && s[ln - 1] == '\r')
            ln--;
        if (!first)
            out[o++] = '\n';
        first = false;
        /* leading indentation */
        size_t b = 0;
        while (b < ln && (s[b] == ' ' || s[b] == '\t'))
            b++;
        /* fenced code: the fences go, the code stays as text */
        if (ln - b >= 3 && (s[b] == '`' || s[b] == '~') && s[b + 1] == s[b] && s[b + 2] == s[b] &&
            (!fence || s[b] == fence_c)) {
            fence = !fence;
            fence_c = s[b];
            continue;
        }
        if (fence) {
            memcpy(out + o, s, ln);
            o += ln;
            continue;
        }
        char rule;
        if (is_rule(s, ln, &rule))
            continue; /* an empty line: thematic breaks separate paragraphs */
        const char *p = s + b;
        size_t pn = ln - b;
        /* reference definition "[id]: url" */
        if (pn > 3 && p[0] == '[') {
            const char *cb = memchr(p, ']', pn);
            if (cb && (size_t)(cb - p) + 1 < pn && cb[1] == ':')
                continue;
        }
        /* block quote markers, possibly nested */
        while (pn && p[0] == '>') {
            p++;
            pn--;
            while (pn && (p[0] == ' ' || p[0] == '\t')) { p++; pn--; }
        }
        /* ATX heading */
        size_t h = 0;
        while (h < pn && h < 7 && p[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && (h == pn || p[h] == ' ' || p[h] == '\t')) {
            p += h;
            pn -= h;
            while (pn && (p[0] == ' ' || p[0] == '\t')) { p++; pn--; }
            size_t t = pn; /* closing #s after a space */
            while (t && (p[t - 1] == ' ' || p[t - 1] == '\t'))
                t--;
            size_t c = t;
            while (c && p[c - 1] == '#')
                c--;
            if (c < t && (c == 0 || p[c - 1] == ' ' || p[c - 1] == '\t')) {
                pn = c;
                while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
                    pn--;
            }
        } else {
            /* list item markers */
            if (pn >= 2 && (p[0] == '-' || p[0] == '*' || p[0] == '+') &&
                (p[1] == ' ' || p[1] == '\t')) {
                p += 2;
                pn -= 2;
            } else {
                size_t d = 0;
                while (d < pn && d < 9 && isdigit((unsigned char)p[d]))
                    d++;
                if (d && d + 1 < pn && (p[d] == '.' || p[d] == ')') &&
                    (p[d + 1] == ' ' || p[d + 1] == '\t')) {
                    p += d + 2;
                    pn -= d + 2;
                }
            }
            /* task list box */
            if (pn >= 4 && p[0] == '[' && (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') &&
                p[2] == ']' && p[3] == ' ') {
                p += 4;
                pn -= 4;
            }
        }
        o += md_inline(p, pn, out + o, 0);
    }
    out[o] = '\0';
    return o;
}

/* ------------------------------------------------------------------------- text files */

/* Trims ASCII white space at both ends. */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)(*s)[0])) { (*s)++; (*n)--; }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Adds the text of a whole .txt/.md file, or its paragraphs with `split`. */
static int add_text(loadctx *L, const char *base, size_t basen, const char *t, size_t n,
                    const ch_md_front *fm)
{
    const char *src = fm ? fm->source : "", *lang = fm ? fm->lang : "";
    int64_t published = CH_UNKNOWN_I64;
    if (fm && fm->published_at[0] &&
        ch_time_parse(fm->published_at, strlen(fm->published_at), &published)) {
        int rc = reject(L, 0, CH_R_BAD_TIME, "unparseable published_at '%s' in front matter",
                        fm->published_at);
        if (rc)
            return rc;
        published = CH_UNKNOWN_I64; /* keep the statement: the date is optional */
    }
    if (!L->o->split) {
        trim(&t, &n);
        if (n == 0)
            return reject(L, 0, CH_R_BAD_FIELD, "statement '%.*s' is empty", (int)basen, base);
        return add_checked(L, 0, base, basen, t, n, src, lang, published);
    }
    unsigned k = 0;
    size_t i = 0;
    int rc = CHORUS_OK;
    while (!rc && i < n) {
        /* skip blank lines */
        while (i < n) {
            const char *nl = memchr(t + i, '\n', n - i);
            size_t ln = nl ? (size_t)(nl - (t + i)) : n - i;
            if (!is_blank(t + i, ln))
                break;
            i += ln + (nl ? 1 : 0);
        }
        if (i >= n)
            break;
        size_t start = i;
        while (i < n) {
            const char *nl = memchr(t + i, '\n', n - i);
            size_t ln = nl ? (size_t)(nl - (t + i)) : n - i;
            if (is_blank(t + i, ln))
                break;
            i += ln + (nl ? 1 : 0);
        }
        const char *p = t + start;
        size_t pn = i - start;
        trim(&p, &pn);
        if (!pn)
            continue;
        char id[600];
        int idn = snprintf(id, sizeof id, "%.*s#%u", (int)(basen > 512 ? 512 : basen), base, ++k);
        rc = add_checked(L, 0, id, (size_t)idn, p, pn, src, lang, published);
    }
    if (!rc && k == 0)
        rc = reject(L, 0, CH_R_BAD_FIELD, "statement '%.*s' is empty", (int)basen, base);
    return rc;
}

typedef enum ftype { F_TXT, F_MD, F_JSONL, F_OTHER } ftype;

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[n - k + i]) != suf[i])
            return false;
    return true;
}

/* The type of a file by its name, and the base name without directory and extensions. */
static ftype classify(const char *path, const char **base, size_t *basen)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    if (ends_with(b, n, ".gz"))
        n -= 3;
    else if (ends_with(b, n, ".zst"))
        n -= 4;
    ftype t = F_OTHER;
    static const struct { const char *ext; ftype t; } exts[] = {
        {".txt", F_TXT}, {".md", F_MD}, {".markdown", F_MD}, {".jsonl", F_JSONL},
        {".ndjson", F_JSONL},
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        if (ends_with(b, n, exts[i].ext)) {
            t = exts[i].t;
            n -= strlen(exts[i].ext);
            break;
        }
    }
    if (t == F_OTHER) { /* drop whatever extension there is for the id */
        const char *dot = NULL;
        for (size_t i = 1; i < n; i++)
            if (b[i] == '.')
                dot = b + i;
        if (dot)
            n = (size_t)(dot - b);
    }
    *base = b;
    *basen = n;
    return t;
}

/* A posts file given as statements would be taken as thousands of "statements" (one per
 * post) without a word. When a post reader recognises the file (JSON, whose keys tell formats
 * apart reliably, or a .csv/.tsv table), the mistake is named, as a warning: the file is read
 * as statements anyway, as asked. */
static void warn_if_posts(loadctx *L, ch_input *in, const char *path, bool table)
{
    const char *d;
    size_t dn, k = 0;
    if (ch_input_peek(in, &d, &dn) || !dn)
        return;
    while (k < dn && isspace((unsigned char)d[k]))
        k++;
    if (k == dn || (d[k] != '{' && !table))
        return;
    const ch_reader *r = ch_ingest_sniff(d, dn);
    if (r)
        file_diag(L->o, path, "warning: this looks like posts (%s format), not statements; "
                  "read as statements anyway (posts are inputs, statements go with -s)", r->name);
}

static int load_file(loadctx *L, const char *path, bool in_dir)
{
    const char *base;
    size_t basen;
    ftype t = classify(path, &base, &basen);
    if (in_dir && t == F_OTHER)
        return CHORUS_OK;
    L->fname = ch_arena_strndup(&L->s->arena, path, strlen(path));
    if (!L->fname)
        return CHORUS_ENOMEM;
    char err[256];
    ch_input *in;
    /* a line may be as long as a statement (JSONL) */
    size_t max_line = L->max_bytes * 2 + 4096;
    if (ch_input_open(path, max_line, &in, err, sizeof err)) {
        file_diag(L->o, path, "%s", err);
        return CHORUS_EIO;
    }
    int rc = CHORUS_OK;
    if (t == F_OTHER) {
        const char *d;
        size_t dn;
        if ((rc = ch_input_peek(in, &d, &dn)))
            goto out;
        size_t k = 0;
        while (k < dn && isspace((unsigned char)d[k]))
            k++;
        t = k < dn && d[k] == '{' ? F_JSONL : F_TXT;
    }
    {
        size_t pn = strlen(path);
        const bool table = (pn > 4 && !strcasecmp(path + pn - 4, ".csv")) ||
                           (pn > 4 && !strcasecmp(path + pn - 4, ".tsv"));
        warn_if_posts(L, in, path, table);
    }
    if (t == F_JSONL) {
        rc = load_jsonl(L, in);
        goto out;
    }
    /* whole file: lines joined with '\n' (CRLF becomes LF), up to the size limit */
    sbuf b = {.max = L->max_bytes};
    const char *line;
    size_t len;
    uint64_t no;
    int r;
    bool first = true;
    while ((r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (r == CH_LINE_ERROR) {
            file_diag(L->o, path, "%s", ch_input_error(in));
            rc = CHORUS_EIO;
            break;
        }
        if (r == CH_LINE_TOO_LONG) {
            b.over = true;
            continue;
        }
        if (first && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        if ((!first && (rc = sbuf_put(&b, "\n", 1))) || (rc = sbuf_put(&b, line, len)))
            break;
        first = false;
    }
    if (!rc && b.over) {
        rc = reject(L, 0, CH_R_TOO_LONG, "statement file is longer than %zu bytes",
                    L->max_bytes);
    } else if (!rc) {
        const char *text = b.p ? b.p : "";
        size_t n = b.len;
        char *md = NULL;
        ch_md_front fm;
        if (t == F_MD) {
            md = ch_malloc(n + 1);
            if (!md) {
                rc = CHORUS_ENOMEM;
            } else {
                n = ch_md_strip(text, n, md, &fm);
                text = md;
            }
        }
        if (!rc)
            rc = add_text(L, base, basen, text, n, t == F_MD ? &fm : NULL);
        ch_free(md);
    }
    ch_free(b.p);
out:
    ch_input_close(in);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(loadctx *L, const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        file_diag(L->o, path, "cannot open directory: %s", strerror(errno));
        return CHORUS_EIO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = CHORUS_OK, io = CHORUS_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        const char *base;
        size_t basen;
        if (classify(e->d_name, &base, &basen) == F_OTHER)
            continue;
        size_t pl = strlen(path), nl = strlen(e->d_name);
        char *full = ch_malloc(pl + nl + 2);
        if (!full || ch_grow((void **)&names, &cap, n + 1, sizeof *names)) {
            ch_free(full);
            rc = CHORUS_ENOMEM;
            break;
        }
        memcpy(full, path, pl);
        size_t o = pl;
        if (pl && path[pl - 1] != '/')
            full[o++] = '/';
        memcpy(full + o, e->d_name, nl + 1);
        names[n++] = full;
    }
    closedir(d);
    if (!rc)
        ch_sort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; !rc && i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        int r = load_file(L, names[i], true);
        if (r == CHORUS_EIO)
            io = r; /* go on with the other files */
        else
            rc = r;
    }
    for (size_t i = 0; i < n; i++)
        ch_free(names[i]);
    ch_free(names);
    return rc ? rc : io;
}

int ch_stmtset_load(ch_stmtset *s, const char *path, const ch_stmt_opts *o)
{
    ch_stmt_opts none = {0};
    if (!o)
        o = &none;
    loadctx L = {.s = s, .o = o,
                 .max_bytes = o->max_bytes ? o->max_bytes : CH_STMT_MAX_BYTES_DEFAULT};
    if (L.max_bytes >= UINT32_MAX / 4)
        L.max_bytes = UINT32_MAX / 4;
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return load_dir(&L, path);
    return load_file(&L, path, false);
}
