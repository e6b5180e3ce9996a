/*
 * table.c — aligned text tables for the terminal (`chorus inspect`): columns padded to their
 * widest cell as a terminal shows it (a CJK character takes two columns, a combining mark
 * none: utf8proc's character widths), numbers right-aligned, the last column left ragged so a
 * long reason wraps instead of pushing everything right. Cells are copied; control characters
 * become spaces and invalid UTF-8 becomes U+FFFD, so data cannot move the cursor or break the
 * layout. A column other than the last is cut at CLI_TABLE_MAX_COL columns with "…".
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli.h"

#define CLI_TABLE_MAX_COL 36
#define CLI_TABLE_MAX_CELL 4096   /* bytes kept of one cell */

struct cli_table {
    int ncols;
    char align[16];               /* 'l' or 'r' per column */
    char **cells;                 /* rows * ncols, row 0 the heading */
    size_t rows, cap;
};

cli_table *cli_table_new(int ncols, const char *align)
{
    if (ncols < 1 || ncols > 15)
        return NULL;
    cli_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++)
        t->align[i] = align && align[i] == 'r' ? 'r' : 'l';
    return t;
}

void cli_table_free(cli_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

/* A cell made safe for a terminal: valid UTF-8, no control characters, bounded. */
static char *clean(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    if (n > CLI_TABLE_MAX_CELL)
        n = CLI_TABLE_MAX_CELL;
    char *out = malloc(n * 3 + 4);   /* each byte becomes at most U+FFFD (3 bytes) */
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            out[o++] = ' ';
        else {
            memcpy(out + o, s + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    out[o] = '\0';
    return out;
}

int cli_table_add(cli_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **p = realloc(t->cells, cap * (size_t)t->ncols * sizeof *p);
        if (!p)
            return -1;
        t->cells = p;
        t->cap = cap;
    }
    char **row = t->cells + t->rows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        if (!(row[i] = clean(cells[i]))) {
            while (i-- > 0)
                free(row[i]);
            return -1;
        }
    }
    t->rows++;
    return 0;
}

size_t cli_table_rows(const cli_table *t)
{
    return t && t->rows ? t->rows - 1 : 0;
}

/* Columns a (clean) string takes on a terminal; *cut gets the byte length of its longest
 * prefix that fits in max columns (the whole string when it fits). */
static size_t width(const char *s, size_t max, size_t *cut)
{
    size_t w = 0, i = 0, n = strlen(s);
    *cut = n;
    bool cut_set = false;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            k = 1, cp = 0xfffd;
        int cw = utf8proc_charwidth(cp);
        if (!cut_set && w + (size_t)(cw > 0 ? cw : 0) > max) {
            *cut = i;
            cut_set = true;
        }
        w += (size_t)(cw > 0 ? cw : 0);
        i += (size_t)k;
    }
    return w;
}

void cli_table_print(const cli_table *t, FILE *f, const char *indent)
{
    if (!t || !t->rows)
        return;
    size_t wmax[16] = {0};
    for (size_t r = 0; r < t->rows; r++)
        for (int c = 0; c + 1 < t->ncols; c++) {
            size_t cut, w = width(t->cells[r * (size_t)t->ncols + c], CLI_TABLE_MAX_COL, &cut);
            w = w > CLI_TABLE_MAX_COL ? CLI_TABLE_MAX_COL : w;
            wmax[c] = w > wmax[c] ? w : wmax[c];
        }
    for (size_t r = 0; r < t->rows; r++) {
        fputs(indent ? indent : "", f);
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + c];
            const bool last = c + 1 == t->ncols;
            size_t cut, w = width(s, last ? (size_t)-1 : CLI_TABLE_MAX_COL, &cut);
            bool ell = false;
            if (!last && w > CLI_TABLE_MAX_COL) {
                /* room for the ellipsis */
                width(s, CLI_TABLE_MAX_COL - 1, &cut);
                w = CLI_TABLE_MAX_COL;
                ell = true;
            }
            size_t pad = last ? 0 : wmax[c] - (w < wmax[c] ? w : wmax[c]);
            if (t->align[c] == 'r' && !last)
                fprintf(f, "%*s", (int)pad, "");
            fwrite(s, 1, cut, f);
            if (ell)
                fputs("…", f);
            if (t->align[c] != 'r' && !last)
                fprintf(f, "%*s", (int)pad, "");
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
}
