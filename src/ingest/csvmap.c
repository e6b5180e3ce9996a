/*
 * csvmap.c — the column map of the generic csv reader: "--map id=tweetid,author=handle,...".
 *
 * A spec is a comma-separated list of FIELD=COLUMN. FIELD is one of the names below; COLUMN is
 * a header name (matched case-insensitively by the reader), taken as written after trimming
 * spaces, so it may contain spaces but not commas. Specs accumulate across calls; naming a
 * field again replaces its column. A bad spec leaves the map unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "ingest/reader.h"

static const char *const map_fields[] = {
    "id", "author", "author_id", "time", "text", "kind", "ref_id", "ref_author",
    "ref_author_id", "lang", "urls", "hashtags", "mentions", "client",
};
#define N_FIELDS (sizeof map_fields / sizeof map_fields[0])

/* Writes a message quoting a[0..alen) (cut at 64 bytes) through `fmt`'s one "%.*s". */
static void set_err(char *err, size_t errlen, const char *fmt, const char *a, size_t alen)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, (int)(alen > 64 ? 64 : alen), a);
}

static void set_msg(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void trim(const char **p, size_t *n)
{
    while (*n && is_space(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && is_space((*p)[*n - 1]))
        (*n)--;
}

int ch_csvmap_parse(ch_csvmap *m, const char *spec, char *err, size_t errlen)
{
    int rc = CHORUS_OK;
    ch_csvmap tmp = *m;           /* applied only when the whole spec is good */
    const char *s = spec ? spec : "";
    if (*s == '\0') {
        set_msg(err, errlen, "empty column map");
        rc = CHORUS_EUSAGE;
        goto out;
    }
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const char *ent = s;
        size_t elen = len;
        trim(&ent, &elen);
        const char *eq = elen ? memchr(ent, '=', elen) : NULL;
        if (!eq) {
            set_err(err, errlen, "expected FIELD=COLUMN, got '%.*s'", ent, elen);
            rc = CHORUS_EUSAGE;
            goto out;
        }
        const char *f = ent, *col = eq + 1;
        size_t flen = (size_t)(eq - ent), clen = elen - flen - 1;
        trim(&f, &flen);
        trim(&col, &clen);
        size_t k;
        for (k = 0; k < N_FIELDS; k++) {
            if (strlen(map_fields[k]) == flen && memcmp(map_fields[k], f, flen) == 0)
                break;
        }
        if (k == N_FIELDS) {
            set_err(err, errlen,
                    "unknown field '%.*s' (fields: id, author, author_id, time, text, "
                    "kind, ref_id, ref_author, ref_author_id, lang, urls, hashtags, mentions, "
                    "client)", f, flen);
            rc = CHORUS_EUSAGE;
            goto out;
        }
        if (clen == 0) {
            set_err(err, errlen, "no column named for field '%.*s'", f, flen);
            rc = CHORUS_EUSAGE;
            goto out;
        }
        if (clen >= sizeof tmp.ent[0].column) {
            set_err(err, errlen, "column name too long: '%.*s...'", col, clen);
            rc = CHORUS_EUSAGE;
            goto out;
        }
        size_t i;
        for (i = 0; i < tmp.n; i++) {
            if (strcmp(tmp.ent[i].field, map_fields[k]) == 0)
                break;
        }
        if (i == tmp.n) {
            /* Cannot happen while CH_MAP_MAX >= the number of fields; kept as a bound. */
            if (tmp.n >= CH_MAP_MAX) {
                set_msg(err, errlen, "too many entries");
                rc = CHORUS_EUSAGE;
                goto out;
            }
            tmp.n++;
        }
        snprintf(tmp.ent[i].field, sizeof tmp.ent[i].field, "%s", map_fields[k]);
        memcpy(tmp.ent[i].column, col, clen);
        tmp.ent[i].column[clen] = '\0';
        if (!comma)
            break;
        s = comma + 1;
    }
    *m = tmp;
out:
    return rc;
}

const char *ch_csvmap_get(const ch_csvmap *m, const char *field)
{
    if (!m)
        return NULL;
    for (size_t i = 0; i < m->n && i < CH_MAP_MAX; i++) {
        if (strcmp(m->ent[i].field, field) == 0)
            return m->ent[i].column;
    }
    return NULL;
}
