/* csv.c — bounded RFC 4180 record reader and CSV cell helpers (see csv.h). */
#define _GNU_SOURCE /* memrchr */
#include "ingest/csv.h"

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "chorus.h"
#include "core/alloc.h"

/* Internal results of parsing one physical line into the record being built. */
enum { LINE_DONE = 0, LINE_MORE = 1, LINE_TOO_LONG = -1, LINE_TOO_MANY = -2, LINE_NOMEM = -3 };

struct ch_csv {
    ch_input *in;
    char sep;                     /* 0 until decided by the first line */
    bool started;                 /* first non-blank line seen (BOM, separator handled) */
    bool eof;                     /* input exhausted or failed: every later call returns EOF */
    size_t max_record;

    /* Record being built: unquoted field bytes back to back; field i is
     * buf[i ? ends[i-1] : 0 .. ends[i]). Offsets, not pointers, because buf may move while
     * the record grows; slices are made once it is complete. */
    char *buf;
    size_t len, cap;
    size_t *ends;
    ch_slice *slices;
    size_t nf, cap_ends, cap_slices;
    bool inq;                     /* inside a quoted field */
    bool at_start;                /* at the first byte of a field (a quote opens it) */
    bool spanned;                 /* the record went on over a line break inside quotes */
    bool bad_close;               /* since then, a closing quote was followed by text */
    size_t span;                  /* bytes of the record's continuation lines */
    size_t span_lines;            /* and their number */
    size_t max_span;              /* their limit: min(max_record, CH_CSV_MAX_SPAN) */

    /* Lines that may be read again (see "Recovery" in csv.h): the continuation lines of the
     * open record, copied back to back into sbuf, with markers for what the input reported
     * among them. Lines sl[scur..sn) are read before the input. */
    char *sbuf;
    size_t slen, scap_buf;
    struct stored {
        size_t off, len;
        uint64_t line;
        int kind;                 /* a CH_LINE_* code */
    } *sl;
    size_t sn, scur, scap_sl;
    size_t rec_first;             /* sl index of the open record's first continuation line */

    /* Header: names NUL-terminated back to back in `names`, name i at names + name_off[i]. */
    char *names;
    size_t *name_off;
    size_t ncols;

    char msg[256];
};

static const char empty_str[] = "";

int ch_csv_open(ch_input *in, char sep, size_t max_record, ch_csv **out)
{
    int rc = CHORUS_OK;
    ch_csv *c = NULL;
    *out = NULL;
    if (sep != 0 && sep != ',' && sep != '\t' && sep != ';' && sep != '|') {
        rc = CHORUS_EUSAGE;
        goto out;
    }
    c = ch_calloc(1, sizeof *c);
    if (!c) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    c->in = in;
    c->sep = sep;
    if (sep == 0) {
        /* Decided from the first rows when the input shows some (see ch_csv_guess_sep), else
         * from the first line alone (first_line). */
        const char *data;
        size_t len;
        if (ch_input_peek(in, &data, &len) == CHORUS_OK && len > 0)
            c->sep = ch_csv_guess_sep(data, len);
    }
    c->max_record = max_record ? max_record : CH_INPUT_MAX_LINE_DEFAULT;
    c->max_span = c->max_record < CH_CSV_MAX_SPAN ? c->max_record : CH_CSV_MAX_SPAN;
    /* This parser understands damaged regions of compressed input and reads on after them. */
    ch_input_report_damage(in, true);
    /* Allocated up front so field slices of an empty record still point at real memory. */
    c->cap = c->max_record < 4096 ? c->max_record : 4096;
    c->buf = ch_malloc(c->cap);
    if (!c->buf) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    *out = c;
    c = NULL;
out:
    ch_csv_close(c);
    return rc;
}

void ch_csv_close(ch_csv *c)
{
    if (!c)
        return;
    ch_free(c->buf);
    ch_free(c->ends);
    ch_free(c->slices);
    ch_free(c->names);
    ch_free(c->name_off);
    ch_free(c->sbuf);
    ch_free(c->sl);
    ch_free(c);
}

char ch_csv_sep(const ch_csv *c) { return c->sep; }

/* Fields of each of the first records of data[0..len) when split at `sep` (quotes followed,
 * so a separator or line break inside quotes does not count); blank lines skipped. Stops at
 * `max` records, or at the last line break (a record cut by the end of the window is not
 * counted, unless it is the only one). Returns how many records were counted. */
static size_t count_fields(const char *data, size_t len, char sep, size_t *nf, size_t max)
{
    size_t nrec = 0, fields = 1, i = 0;
    bool inq = false, at_start = true, blank = true;
    const char *last_nl = memrchr(data, '\n', len);
    size_t stop = last_nl ? (size_t)(last_nl - data) + 1 : len;
    for (; i < stop && nrec < max; i++) {
        char ch = data[i];
        if (inq) {
            if (ch == '"') {
                if (i + 1 < stop && data[i + 1] == '"')
                    i++;
                else
                    inq = false;
            }
            continue;
        }
        if (ch == '"' && at_start) {
            inq = true;
            at_start = false;
            blank = false;
        } else if (ch == sep) {
            fields++;
            at_start = true;
            blank = false;
        } else if (ch == '\n') {
            if (!blank)
                nf[nrec++] = fields;
            fields = 1;
            at_start = blank = true;
        } else if (ch != '\r') {
            at_start = false;
            blank = false;
        }
    }
    if (nrec < max && !blank && !inq && stop == len && i == len)
        nf[nrec++] = fields;
    return nrec;
}

char ch_csv_guess_sep(const char *data, size_t len)
{
    static const char cand[] = {',', '\t', ';', '|'};
    enum { MAX_REC = 32 };
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    char best = ',';
    size_t best_agree = 0, best_k = 0;
    for (size_t c = 0; c < sizeof cand; c++) {
        size_t nf[MAX_REC];
        size_t nrec = count_fields(data, len, cand[c], nf, MAX_REC);
        if (nrec == 0 || nf[0] < 2)
            continue;
        size_t agree = 0;
        for (size_t r = 0; r < nrec; r++)
            agree += nf[r] == nf[0];
        if (agree > best_agree || (agree == best_agree && nf[0] > best_k)) {
            best = cand[c];
            best_agree = agree;
            best_k = nf[0];
        }
    }
    return best;
}
size_t ch_csv_ncols(const ch_csv *c) { return c->ncols; }

const char *ch_csv_colname(const ch_csv *c, size_t i)
{
    return i < c->ncols ? c->names + c->name_off[i] : empty_str;
}

static int ascii_lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

int ch_csv_col(const ch_csv *c, const char *name)
{
    for (size_t i = 0; i < c->ncols && i <= (size_t)INT32_MAX; i++) {
        const char *a = c->names + c->name_off[i], *b = name;
        while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b)) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0')
            return (int)i;
    }
    return -1;
}

/* ---- UTF-8 ---- */

size_t ch_csv_utf8_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, 8 bytes at a time: most CSV bytes are ASCII. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        /* utf8proc_iterate rejects overlong forms, surrogates and code points past U+10FFFF. */
        utf8proc_int32_t cp;
        size_t left = n - i;
        if (left > 8)
            left = 8;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)left, &cp);
        if (k <= 0)
            return i;
        i += (size_t)k;
    }
    return n;
}

/* ---- record building ---- */

static int put(ch_csv *c, const char *p, size_t n)
{
    if (n > c->max_record - c->len)
        return LINE_TOO_LONG;
    if (n > c->cap - c->len) {
        /* Double, but never past max_record: the buffer is bounded whatever the input. */
        size_t need = c->len + n;
        size_t ncap = c->cap > c->max_record / 2 ? c->max_record : c->cap * 2;
        if (ncap < need)
            ncap = need;
        char *nb = ch_realloc(c->buf, ncap);
        if (!nb)
            return LINE_NOMEM;
        c->buf = nb;
        c->cap = ncap;
    }
    if (n)
        memcpy(c->buf + c->len, p, n);
    c->len += n;
    return LINE_DONE;
}

static int end_field(ch_csv *c)
{
    if (c->nf >= CH_CSV_MAX_FIELDS)
        return LINE_TOO_MANY;
    if (ch_grow((void **)&c->ends, &c->cap_ends, c->nf + 1, sizeof *c->ends))
        return LINE_NOMEM;
    c->ends[c->nf++] = c->len;
    c->at_start = true;
    return LINE_DONE;
}

/* Appends one physical line to the record. Returns LINE_DONE when the record ends with this
 * line, LINE_MORE while a quote is open, or a negative LINE_* error. */
static int parse_line(ch_csv *c, const char *s, size_t n)
{
    const char sep = c->sep;
    const bool spanned = c->spanned; /* fixed for the line; a local spares a load per quote */
    size_t i = 0;
    int rc;
    for (;;) {
        if (c->inq) {
            const char *q = i < n ? memchr(s + i, '"', n - i) : NULL;
            if (!q) {
                if ((rc = put(c, s + i, n - i)))
                    return rc;
                return LINE_MORE;
            }
            size_t k = (size_t)(q - s);
            if ((rc = put(c, s + i, k - i)))
                return rc;
            i = k + 1;
            if (i < n && s[i] == '"') {       /* doubled quote = one literal quote */
                if ((rc = put(c, "\"", 1)))
                    return rc;
                i++;
                continue;
            }
            c->inq = false;                   /* closed; anything up to sep is appended */
            if (spanned && i < n && s[i] != sep)
                c->bad_close = true;          /* a sign of a runaway quote (see csv.h) */
            continue;
        }
        if (c->at_start && i < n && s[i] == '"') {
            c->inq = true;
            c->at_start = false;
            i++;
            continue;
        }
        c->at_start = false;
        const char *p = i < n ? memchr(s + i, sep, n - i) : NULL;
        size_t end = p ? (size_t)(p - s) : n;
        if ((rc = put(c, s + i, end - i)) || (rc = end_field(c)))
            return rc;
        if (!p)
            return LINE_DONE;
        i = end + 1;
    }
}

static void reset_record(ch_csv *c)
{
    c->len = 0;
    c->nf = 0;
    c->inq = false;
    c->at_start = true;
    c->spanned = false;
    c->bad_close = false;
    c->span = 0;
    c->span_lines = 0;
}

/* ---- lines read again -------------------------------------------------------------------- */

/* Keeps a continuation line (or a marker: kind != CH_LINE_OK) for reading again. Drops what
 * was stored before the open record first, so the store holds one record's span. Returns 0 or
 * CHORUS_ENOMEM. */
static int store_line(ch_csv *c, int kind, const char *p, size_t n, uint64_t line)
{
    if (c->rec_first > 0) {
        size_t base = c->rec_first < c->sn ? c->sl[c->rec_first].off : c->slen;
        memmove(c->sbuf, c->sbuf + base, c->slen - base);
        c->slen -= base;
        for (size_t k = c->rec_first; k < c->sn; k++) {
            c->sl[k - c->rec_first] = c->sl[k];
            c->sl[k - c->rec_first].off -= base;
        }
        c->sn -= c->rec_first;
        c->scur -= c->rec_first;
        c->rec_first = 0;
    }
    if (ch_grow((void **)&c->sl, &c->scap_sl, c->sn + 1, sizeof *c->sl) ||
        (kind == CH_LINE_OK && ch_grow((void **)&c->sbuf, &c->scap_buf, c->slen + n + 1, 1)))
        return CHORUS_ENOMEM;
    c->sl[c->sn] = (struct stored){c->slen, kind == CH_LINE_OK ? n : 0, line, kind};
    if (kind == CH_LINE_OK && n) {
        memcpy(c->sbuf + c->slen, p, n);
        c->slen += n;
    }
    c->sn++;
    c->scur = c->sn;
    return CHORUS_OK;
}

/* next_line's "out of memory": apart from every CH_LINE_* code. */
#define NEXT_NOMEM (-100)

/* The next physical line: a stored one, else one from the input. While a record is open
 * (`keep`), lines and markers from the input are stored. Returns a CH_LINE_* code, or
 * NEXT_NOMEM. */
static int next_line(ch_csv *c, bool keep, const char **line, size_t *n, uint64_t *ln)
{
    if (c->scur < c->sn) {
        const struct stored *e = &c->sl[c->scur++];
        *line = c->sbuf + e->off;
        *n = e->len;
        *ln = e->line;
        return e->kind;
    }
    int r = ch_input_line(c->in, line, n, ln);
    if (keep && r != CH_LINE_EOF && store_line(c, r, *line, r == CH_LINE_OK ? *n : 0, *ln))
        return NEXT_NOMEM;
    return r;
}

/* The open record is broken (see "Recovery" in csv.h): only its first line is skipped, and
 * the lines after it are read again as records. */
static int backtrack(ch_csv *c, ch_csv_rec *rec, const char *why)
{
    c->scur = c->rec_first;
    rec->reason = CH_R_CSV;
    snprintf(c->msg, sizeof c->msg,
             "unbalanced quote: the quoted field opened on this line %s; the line is skipped "
             "and the lines after it are read as records", why);
    rec->msg = c->msg;
    return CH_CSV_SKIP;
}

/* Makes the slices of a complete record and checks its UTF-8. */
static int finish_record(ch_csv *c, ch_csv_rec *rec)
{
    size_t bad = ch_csv_utf8_prefix(c->buf, c->len);
    if (bad < c->len) {
        size_t f = 0;
        while (f + 1 < c->nf && c->ends[f] <= bad)
            f++;
        if (f < c->ncols)
            snprintf(c->msg, sizeof c->msg, "invalid UTF-8 in column '%s'", ch_csv_colname(c, f));
        else
            snprintf(c->msg, sizeof c->msg, "invalid UTF-8 in field %zu", f + 1);
        rec->reason = CH_R_UTF8;
        rec->msg = c->msg;
        return CH_CSV_SKIP;
    }
    if (ch_grow((void **)&c->slices, &c->cap_slices, c->nf, sizeof *c->slices)) {
        rec->err = CHORUS_ENOMEM;
        rec->msg = "out of memory";
        return CH_CSV_ERROR;
    }
    size_t start = 0;
    for (size_t i = 0; i < c->nf; i++) {
        c->slices[i].p = c->buf + start;
        c->slices[i].n = c->ends[i] - start;
        start = c->ends[i];
    }
    rec->field = c->slices;
    rec->n = c->nf;
    return CH_CSV_OK;
}

/* Handles what only the start of the file has: a byte order mark (first line only), and the
 * separator, guessed from the first non-blank line. */
static void first_line(ch_csv *c, const char **line, size_t *n, uint64_t lineno)
{
    if (lineno == 1 && *n >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *n -= 3;
    }
    if (*n == 0)
        return;
    if (c->sep == 0)
        c->sep = ch_csv_guess_sep(*line, *n);
    c->started = true;
}

int ch_csv_next(ch_csv *c, ch_csv_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->reason = CH_R__COUNT;
    rec->msg = empty_str;
    if (c->eof)
        return CH_CSV_EOF;
    reset_record(c);
    if (c->scur == c->sn)
        c->sn = c->scur = c->slen = 0; /* nothing is left to read again */
    c->rec_first = c->scur;
    bool open = false;            /* a quoted field continues past the last line read */
    for (;;) {
        const char *line;
        size_t n;
        uint64_t ln = 0;
        int r = next_line(c, open, &line, &n, &ln);
        if (r == NEXT_NOMEM)
            goto nomem;
        if (open && r != CH_LINE_OK) {
            /* The input ended, failed, skipped a long line or a damaged region inside the
             * open record (what it reported is stored and comes again after the lines). */
            return backtrack(c, rec, r == CH_LINE_EOF ? "is never closed"
                                     : r == CH_LINE_DAMAGED
                                         ? "is cut by damaged compressed data"
                                     : r == CH_LINE_TOO_LONG ? "runs into an over-long line"
                                                             : "is cut by a read error");
        }
        if (r == CH_LINE_EOF) {
            c->eof = true;
            return CH_CSV_EOF;
        }
        if (r == CH_LINE_DAMAGED) {
            const ch_input_damage *d = ch_input_damage_last(c->in);
            rec->line = ln;
            rec->reason = d->reason;
            rec->damage = true;
            rec->msg = d->msg;
            return CH_CSV_SKIP;
        }
        if (r == CH_LINE_ERROR) {
            /* ch_input reports a truncated compressed stream here, once, then EOF. */
            c->eof = true;
            rec->line = ln;
            rec->reason = ch_input_truncated(c->in) ? CH_R_TRUNCATED : CH_R__COUNT;
            rec->err = CHORUS_EIO;
            rec->msg = ch_input_error(c->in);
            if (!rec->msg)
                rec->msg = "read error";
            return CH_CSV_ERROR;
        }
        if (r == CH_LINE_TOO_LONG) {
            rec->line = ln;
            rec->reason = CH_R_TOO_LONG;
            snprintf(c->msg, sizeof c->msg, "line %llu is longer than the line limit",
                     (unsigned long long)ln);
            rec->msg = c->msg;
            return CH_CSV_SKIP;
        }
        if (!c->started)
            first_line(c, &line, &n, ln);
        if (!open) {
            if (n == 0)
                continue;             /* blank line between records, or the trailing one */
            rec->line = ln;
            c->rec_first = c->scur;
        } else {
            c->span += n + 1;
            if (c->span > c->max_span || ++c->span_lines > CH_CSV_MAX_SPAN_LINES)
                return backtrack(c, rec, "runs over more than the span limit");
        }
        /* A continuation line: the quoted field holds the line break that split it. */
        int st = open ? put(c, "\n", 1) : LINE_DONE;
        if (st == LINE_DONE)
            st = parse_line(c, line, n);
        switch (st) {
        case LINE_DONE:
            /* A record that went on over line breaks is kept only when it closed cleanly
             * and has the header's column count; else a stray quote swallowed good rows. */
            if (open && c->bad_close)
                return backtrack(c, rec, "closes in the middle of a later field");
            if (open && c->ncols && c->nf != c->ncols)
                return backtrack(c, rec, "gives a record of the wrong column count");
            return finish_record(c, rec);
        case LINE_MORE:
            open = true;
            c->spanned = true;
            continue;
        case LINE_TOO_LONG:
            if (open)
                return backtrack(c, rec, "runs over more than the record limit");
            /* Drop the record; the next call starts afresh at the next line. */
            rec->reason = CH_R_TOO_LONG;
            snprintf(c->msg, sizeof c->msg, "record longer than %zu bytes", c->max_record);
            rec->msg = c->msg;
            return CH_CSV_SKIP;
        case LINE_TOO_MANY:
            if (open)
                return backtrack(c, rec, "gives a record of too many fields");
            rec->reason = CH_R_COLUMNS;
            snprintf(c->msg, sizeof c->msg, "more than %d fields", CH_CSV_MAX_FIELDS);
            rec->msg = c->msg;
            return CH_CSV_SKIP;
        default:
            goto nomem;
        }
    }
nomem:
    c->eof = true;
    rec->err = CHORUS_ENOMEM;
    rec->msg = "out of memory";
    return CH_CSV_ERROR;
}

int ch_csv_read_header(ch_csv *c, ch_csv_rec *rec)
{
    int r = ch_csv_next(c, rec);
    if (r != CH_CSV_OK)
        return r;
    size_t total = 0;
    for (size_t i = 0; i < rec->n; i++)
        total += ch_csv_trim(rec->field[i]).n + 1;   /* bounded by max_record + fields */
    char *names = ch_malloc(total);
    size_t *off = ch_malloc(rec->n * sizeof *off);
    if (!names || !off) {
        ch_free(names);
        ch_free(off);
        c->eof = true;
        rec->err = CHORUS_ENOMEM;
        rec->msg = "out of memory";
        return CH_CSV_ERROR;
    }
    size_t o = 0;
    for (size_t i = 0; i < rec->n; i++) {
        ch_slice t = ch_csv_trim(rec->field[i]);
        off[i] = o;
        memcpy(names + o, t.p, t.n);
        o += t.n;
        names[o++] = '\0';
    }
    ch_free(c->names);
    ch_free(c->name_off);
    c->names = names;
    c->name_off = off;
    c->ncols = rec->n;
    return CH_CSV_OK;
}

/* ---- cell helpers ---- */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

ch_slice ch_csv_trim(ch_slice s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

ch_slice ch_csv_cell(const ch_csv_rec *rec, int col)
{
    if (col < 0 || (size_t)col >= rec->n)
        return (ch_slice){empty_str, 0};
    return ch_csv_trim(rec->field[col]);
}

ch_slice ch_csv_raw(const ch_csv_rec *rec, int col)
{
    if (col < 0 || (size_t)col >= rec->n)
        return (ch_slice){empty_str, 0};
    return rec->field[col];
}

int ch_csv_int(ch_slice s, int64_t *out)
{
    s = ch_csv_trim(s);
    size_t i = 0;
    bool neg = false;
    if (i < s.n && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    if (i >= s.n || s.p[i] < '0' || s.p[i] > '9')
        return CHORUS_EPARSE;
    int64_t v = 0;
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10)
            return CHORUS_EPARSE;
        v = v * 10 + (s.p[i] - '0');
    }
    if (i < s.n && s.p[i] == '.') {           /* "1234.0": a count written as a float */
        for (i++; i < s.n && s.p[i] == '0'; i++)
            ;
    }
    if (i != s.n)
        return CHORUS_EPARSE;
    *out = neg ? -v : v;
    return CHORUS_OK;
}

ch_slice ch_csv_id(ch_slice s)
{
    s = ch_csv_trim(s);
    if (s.n > 2 && s.p[s.n - 2] == '.' && s.p[s.n - 1] == '0') {
        for (size_t i = 0; i < s.n - 2; i++) {
            if (s.p[i] < '0' || s.p[i] > '9')
                return s;
        }
        s.n -= 2;
    }
    return s;
}

static bool eq_nocase(ch_slice s, const char *lit)
{
    size_t i = 0;
    for (; i < s.n && lit[i]; i++) {
        if (ascii_lower((unsigned char)s.p[i]) != lit[i])
            return false;
    }
    return i == s.n && lit[i] == '\0';
}

int ch_csv_bool(ch_slice s)
{
    static const char *const yes[] = {"true", "t", "yes", "y", "1"};
    static const char *const no[] = {"false", "f", "no", "n", "0"};
    s = ch_csv_trim(s);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (eq_nocase(s, yes[i]))
            return 1;
        if (eq_nocase(s, no[i]))
            return 0;
    }
    return -1;
}

static void list_item(ch_slice it, char strip, ch_rawpost *r,
                      void (*add)(ch_rawpost *r, const char *p, size_t n))
{
    it = ch_csv_trim(it);
    if (strip && it.n && it.p[0] == strip) {
        it.p++;
        it.n--;
    }
    if (it.n)
        add(r, it.p, it.n);
}

void ch_csv_list(ch_slice s, char strip, ch_rawpost *r,
                 void (*add)(ch_rawpost *r, const char *p, size_t n))
{
    s = ch_csv_trim(s);
    bool bracket = s.n && s.p[0] == '[';
    if (bracket) {
        s.p++;
        s.n--;
        if (s.n && s.p[s.n - 1] == ']')
            s.n--;
    }
    size_t i = 0;
    while (i < s.n) {
        char ch = s.p[i];
        if (is_space(ch) || ch == ',' || (!bracket && (ch == ';' || ch == '|'))) {
            i++;
            continue;
        }
        /* A Python 2 repr writes u'...'. */
        if (ch == 'u' && i + 1 < s.n && (s.p[i + 1] == '\'' || s.p[i + 1] == '"'))
            ch = s.p[++i];
        if (ch == '\'' || ch == '"') {
            /* The item ends at the matching quote that is followed by a separator or the end,
             * so quotes and commas inside a URL do not split it. */
            size_t j = i + 1, end = s.n;
            for (; j < s.n; j++) {
                if (s.p[j] != ch)
                    continue;
                size_t k = j + 1;
                while (k < s.n && is_space(s.p[k]))
                    k++;
                if (k == s.n || s.p[k] == ',' || (!bracket && (s.p[k] == ';' || s.p[k] == '|'))) {
                    end = j;
                    break;
                }
            }
            list_item((ch_slice){s.p + i + 1, end - i - 1}, strip, r, add);
            i = end + 1;
            continue;
        }
        size_t j = i;
        while (j < s.n && s.p[j] != ',' &&
               (bracket || (!is_space(s.p[j]) && s.p[j] != ';' && s.p[j] != '|')))
            j++;
        list_item((ch_slice){s.p + i, j - i}, strip, r, add);
        i = j;
    }
}

int ch_csv_rt_handle(ch_slice text, ch_slice *handle)
{
    if (text.n < 6 || memcmp(text.p, "RT @", 4) != 0)
        return 0;
    size_t i = 4;
    while (i < text.n && i - 4 <= 64) {
        char ch = text.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            break;
        i++;
    }
    if (i == 4 || i - 4 > 64 || i >= text.n || text.p[i] != ':')
        return 0;
    handle->p = text.p + 4;
    handle->n = i - 4;
    return 1;
}
