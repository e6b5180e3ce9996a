/*
 * csv_table.c — a table read by column names (see csv_table.h): the columns of a --map or a
 * preset found in the header, and each row turned into a post.
 *
 * Row to post, for every table reader:
 * - id: when no column holds it, synthesized as "<file basename>:<line>" (many published
 *   troll datasets have no post id); the line is where the record starts.
 * - kind: the cell read case-insensitively as
 *     post, tweet, original, status                          -> post
 *     repost, retweet, retweeted, rt, share, reblog, boost   -> repost
 *     reply, replied_to, comment                             -> reply
 *     quote, quoted, quote_tweet, quoted_tweet               -> quote
 *     true, t, yes, y, 1 (an is_retweet-style column)         -> repost
 *     false, f, no, n, 0                                      -> post
 *   anything else rejects the row (bad_field); an empty cell (or no kind column) is inferred:
 *   a non-empty ref_id means a repost (tables of shares, e.g. CooRTweet), else text starting
 *   "RT @handle:" means a repost of @handle (the text is kept as is), else a post.
 * - A repost without a ref_author takes the handle from a leading "RT @handle:".
 * - urls/hashtags/mentions: list cells as ch_csv_list reads them ("[a, b]", "a b", "a;b").
 * - time: --time-format first when given, then Unix seconds, ISO 8601 (with a zone name such
 *   as EST) or the Twitter form (core/timeparse.h); a column whose name ends in `_ms` holds
 *   Unix milliseconds. A time that fails says why when it can (a day/month order to name
 *   with --time-format, an ambiguous zone).
 * - Missing id/author/time cells are rejected by the corpus (ch_ingest_emit).
 */
#include "ingest/csv_table.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chorus.h"
#include "core/timeparse.h"
#include "ingest/csv_ingest.h"

static const char *const map_names[CH_TF__MAP] = {
    [CH_TF_ID] = "id", [CH_TF_AUTHOR] = "author", [CH_TF_AUTHOR_ID] = "author_id",
    [CH_TF_TIME] = "time", [CH_TF_TEXT] = "text", [CH_TF_KIND] = "kind",
    [CH_TF_REF_ID] = "ref_id", [CH_TF_REF_AUTHOR] = "ref_author",
    [CH_TF_REF_AUTHOR_ID] = "ref_author_id", [CH_TF_LANG] = "lang", [CH_TF_URLS] = "urls",
    [CH_TF_HASHTAGS] = "hashtags", [CH_TF_MENTIONS] = "mentions", [CH_TF_CLIENT] = "client",
};

static const struct { const char *name; ch_kind kind; } kind_words[] = {
    {"post", CH_KIND_POST}, {"tweet", CH_KIND_POST}, {"original", CH_KIND_POST},
    {"status", CH_KIND_POST}, {"false", CH_KIND_POST}, {"f", CH_KIND_POST},
    {"no", CH_KIND_POST}, {"n", CH_KIND_POST}, {"0", CH_KIND_POST},
    {"repost", CH_KIND_REPOST}, {"retweet", CH_KIND_REPOST}, {"retweeted", CH_KIND_REPOST},
    {"rt", CH_KIND_REPOST}, {"share", CH_KIND_REPOST}, {"reblog", CH_KIND_REPOST},
    {"boost", CH_KIND_REPOST}, {"true", CH_KIND_REPOST}, {"t", CH_KIND_REPOST},
    {"yes", CH_KIND_REPOST}, {"y", CH_KIND_REPOST}, {"1", CH_KIND_REPOST},
    {"reply", CH_KIND_REPLY}, {"replied_to", CH_KIND_REPLY}, {"comment", CH_KIND_REPLY},
    {"quote", CH_KIND_QUOTE}, {"quoted", CH_KIND_QUOTE}, {"quote_tweet", CH_KIND_QUOTE},
    {"quoted_tweet", CH_KIND_QUOTE},
};

/* Returns 1 and *out for a known word, 0 for an empty cell, -1 for anything else. */
static int parse_kind(ch_slice s, ch_kind *out)
{
    char low[16];
    if (s.n == 0)
        return 0;
    if (s.n >= sizeof low)
        return -1;
    for (size_t i = 0; i < s.n; i++)
        low[i] = (char)(s.p[i] >= 'A' && s.p[i] <= 'Z' ? s.p[i] + ('a' - 'A') : s.p[i]);
    low[s.n] = '\0';
    for (size_t k = 0; k < sizeof kind_words / sizeof kind_words[0]; k++) {
        if (strcmp(low, kind_words[k].name) == 0) {
            *out = kind_words[k].kind;
            return 1;
        }
    }
    return -1;
}

static bool is_na(ch_slice s)
{
    return (s.n == 2 && memcmp(s.p, "NA", 2) == 0) || (s.n == 4 && memcmp(s.p, "null", 4) == 0);
}

ch_slice ch_table_cell(const ch_table *t, const ch_csv_rec *rec, int field)
{
    ch_slice s = ch_csv_cell(rec, t->col[field]);
    if (t->preset && t->preset->na_empty && is_na(s))
        s.n = 0;
    return s;
}

static ch_slice handle_cell(const ch_table *t, const ch_csv_rec *rec, int field)
{
    ch_slice s = ch_table_cell(t, rec, field);
    if (s.n && s.p[0] == '@') {
        s.p++;
        s.n--;
    }
    return s;
}

static int quote_len(ch_slice s)
{
    return (int)(s.n > 64 ? 64 : s.n);
}

/* The time cell, or a refusal saying why it is no time. */
static int row_time(const ch_table *t, ch_slice v, ch_rawpost *r, ch_reason *reason, char *msg,
                    size_t msglen)
{
    int pr = ch_time_parse_post_fmt(t->time_format, v.p, v.n, t->time_ms, &r->created_at);
    if (pr == CHORUS_OK)
        return CHORUS_OK;
    *reason = CH_R_BAD_TIME;
    char hint[240];
    if (pr == CHORUS_EPARSE && ch_time_hint(v.p, v.n, hint, sizeof hint))
        snprintf(msg, msglen, "unparseable time '%.*s': %s", quote_len(v), v.p, hint);
    else if (pr == CHORUS_EPARSE && t->time_format)
        snprintf(msg, msglen, "time '%.*s' does not match --time-format '%s'", quote_len(v), v.p,
                 t->time_format);
    else
        snprintf(msg, msglen, "%s time '%.*s'%s", ch_time_problem(pr), quote_len(v), v.p,
                 pr != CHORUS_ELIMIT ? ""
                 : t->time_ms       ? " (posts lie in " CH_TIME_WINDOW ")"
                                    : " (posts lie in " CH_TIME_WINDOW "; a column of "
                                      "milliseconds must be named *_ms)");
    return CHORUS_EPARSE;
}

/* Fills r from one row (a ch_csv_row_fn; `arg` is the ch_table). */
static int row_to_post(void *arg, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
                       char *msg, size_t msglen)
{
    ch_table *t = arg;
    ch_rawpost_clear(r);
    if (t->col[CH_TF_ID] >= 0) {
        r->id = ch_csv_id(ch_table_cell(t, rec, CH_TF_ID));
    } else {
        int m = snprintf(t->id, sizeof t->id, "%.300s:%llu", t->base,
                         (unsigned long long)rec->line);
        r->id = (ch_slice){t->id, m > 0 ? (size_t)m : 0};
    }
    r->author = handle_cell(t, rec, CH_TF_AUTHOR);
    r->author_id = ch_csv_id(ch_table_cell(t, rec, CH_TF_AUTHOR_ID));
    r->text = ch_csv_raw(rec, t->col[CH_TF_TEXT]);
    if (t->preset && t->preset->na_empty && is_na(r->text))
        r->text.n = 0;
    r->lang = ch_table_cell(t, rec, CH_TF_LANG);
    r->client = ch_table_cell(t, rec, CH_TF_CLIENT);
    r->ref_id = ch_csv_id(ch_table_cell(t, rec, CH_TF_REF_ID));
    r->ref_author = handle_cell(t, rec, CH_TF_REF_AUTHOR);
    r->ref_author_id = ch_csv_id(ch_table_cell(t, rec, CH_TF_REF_AUTHOR_ID));
    r->root_id = ch_csv_id(ch_table_cell(t, rec, CH_TF_ROOT_ID));
    if (t->platform)
        r->platform = (ch_slice){t->platform, strlen(t->platform)};

    ch_slice v = ch_table_cell(t, rec, CH_TF_TIME);
    if (v.n == 0)
        v = ch_table_cell(t, rec, CH_TF_TIME2);
    if (v.n && row_time(t, v, r, reason, msg, msglen) != CHORUS_OK)
        return CHORUS_EPARSE;

    ch_slice k = ch_table_cell(t, rec, CH_TF_KIND);
    ch_kind kind = CH_KIND_POST;
    int known = parse_kind(k, &kind);
    if (known < 0) {
        *reason = CH_R_BAD_FIELD;
        snprintf(msg, msglen, "unknown kind '%.*s'", quote_len(k), k.p);
        return CHORUS_EPARSE;
    }
    ch_slice rt_handle = {NULL, 0};
    bool rt_text = ch_csv_rt_handle(r->text, &rt_handle);
    if (!known)
        kind = r->ref_id.n || rt_text ? CH_KIND_REPOST : CH_KIND_POST;
    if (kind == CH_KIND_REPOST && !r->ref_author.n && rt_text)
        r->ref_author = rt_handle;
    r->kind = kind;

    ch_csv_list(ch_table_cell(t, rec, CH_TF_URLS), 0, r, ch_rawpost_add_url);
    if (r->n_urls == 0)
        ch_csv_list(ch_table_cell(t, rec, CH_TF_URLS2), 0, r, ch_rawpost_add_url);
    ch_csv_list(ch_table_cell(t, rec, CH_TF_HASHTAGS), '#', r, ch_rawpost_add_hashtag);
    ch_csv_list(ch_table_cell(t, rec, CH_TF_MENTIONS), '@', r, ch_rawpost_add_mention);

    ch_slice name = ch_table_cell(t, rec, CH_TF_NAME);
    ch_slice fol = ch_table_cell(t, rec, CH_TF_FOLLOWERS);
    int ver = ch_csv_bool(ch_table_cell(t, rec, CH_TF_VERIFIED));
    int64_t nf;
    if (name.n || ver >= 0 || (fol.n && ch_csv_int(fol, &nf) == CHORUS_OK)) {
        r->meta.present = true;
        r->meta.display_name = name;
        r->meta.verified = (int8_t)ver;
        if (fol.n && ch_csv_int(fol, &nf) == CHORUS_OK && nf >= 0)
            r->meta.followers = nf;
    }
    if (t->preset && t->preset->fix)
        return t->preset->fix(t, rec, r, reason, msg, msglen);
    return CHORUS_OK;
}

/* The column of a preset field: the first of its names in the header. */
static int preset_col(const ch_csv *csv, const char *const *names)
{
    for (size_t i = 0; names && names[i]; i++) {
        int c = ch_csv_col(csv, names[i]);
        if (c >= 0)
            return c;
    }
    return -1;
}

/* Finds the columns (a ch_csv_header_fn; `arg` is the ch_table). */
static int find_columns(void *arg, ch_ingest_ctx *ctx, const ch_csv *csv, uint64_t line)
{
    ch_table *t = arg;
    for (int f = 0; f < CH_TF__N; f++)
        t->col[f] = -1;
    if (t->preset) {
        for (int f = 0; f < CH_TF__N; f++)
            t->col[f] = preset_col(csv, t->preset->cols[f]);
        char msg[400] = "";
        if (t->preset->header && t->preset->header(t, csv, msg, sizeof msg)) {
            ch_ingest_file_diag(ctx, "%s", msg);
            return CHORUS_EFORMAT;
        }
        const char *missing = t->col[CH_TF_TIME] < 0 ? "time"
                              : t->col[CH_TF_AUTHOR] < 0 && t->col[CH_TF_AUTHOR_ID] < 0
                                  ? "author"
                                  : NULL;
        if (missing) {
            const char *const *names = t->preset->cols[missing[0] == 't' ? CH_TF_TIME
                                                                         : CH_TF_AUTHOR_ID];
            ch_ingest_file_diag(ctx, "the header (line %llu) has no %s column (looked for '%s'%s)",
                                (unsigned long long)line, missing,
                                names && names[0] ? names[0] : "?",
                                names && names[0] && names[1] ? " and others" : "");
            return CHORUS_EFORMAT;
        }
    } else {
        for (int f = 0; f < CH_TF__MAP; f++) {
            const char *name = ch_csvmap_get(t->map, map_names[f]);
            t->col[f] = name ? ch_csv_col(csv, name) : -1;
            if (name && t->col[f] < 0) {
                ch_ingest_reject(ctx, line, CH_R_BAD_FIELD,
                                 "column '%s' (--map %s=%s) is not in the header", name,
                                 map_names[f], name);
                return CHORUS_EFORMAT;
            }
        }
    }
    /* Seconds or milliseconds is decided by the column's name, never by the values. */
    const char *tn = t->col[CH_TF_TIME] >= 0 ? ch_csv_colname(csv, (size_t)t->col[CH_TF_TIME])
                                             : "";
    size_t tl = strlen(tn);
    t->time_ms = tl >= 3 && tn[tl - 3] == '_' && (tn[tl - 2] | 0x20) == 'm' &&
                 (tn[tl - 1] | 0x20) == 's';
    return CHORUS_OK;
}

const char *ch_table_basename(const char *path)
{
    if (!path || !*path)
        return "input";
    if (strcmp(path, "-") == 0)
        return "stdin";
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

int ch_table_read(ch_ingest_ctx *ctx, ch_table *t)
{
    t->base = ch_table_basename(ctx->fname);
    if (!t->time_format && ctx->opts->time_format && ctx->opts->time_format[0])
        t->time_format = ctx->opts->time_format;
    return ch_csv_each_row(ctx, find_columns, row_to_post, t);
}
