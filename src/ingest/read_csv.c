/*
 * read_csv.c — reader for any CSV/TSV table, with a column map (--map FIELD=COLUMN,...; see
 * csvmap.c and ingest.h for the fields).
 *
 * The map must name `time` and `author` or `author_id`. Every mapped column must be in the
 * header (else the file is refused: reading the wrong column silently would be worse).
 *
 * - id: when not mapped, synthesized as "<file basename>:<line>" (many published troll
 *   datasets have no post id); the line is where the record starts.
 * - kind: when mapped, the cell is read case-insensitively as
 *     post, tweet, original, status                          -> post
 *     repost, retweet, retweeted, rt, share, reblog, boost   -> repost
 *     reply, replied_to, comment                             -> reply
 *     quote, quoted, quote_tweet, quoted_tweet               -> quote
 *     true, t, yes, y, 1 (an is_retweet-style column)         -> repost
 *     false, f, no, n, 0                                      -> post
 *   anything else rejects the row (CH_R_BAD_FIELD); an empty cell is inferred as when kind is
 *   not mapped: a non-empty ref_id means a repost (tables of shares, e.g. CooRTweet), else text
 *   starting "RT @handle:" means a repost of @handle (the text is kept as is), else a post.
 * - A repost without a ref_author takes the handle from a leading "RT @handle:".
 * - urls/hashtags/mentions: list cells as ch_csv_list reads them ("[a, b]", "a b", "a;b").
 * - time: Unix seconds, ISO 8601 or the Twitter form (core/timeparse.h); a column whose name
 *   ends in `_ms` (timestamp_ms, created_at_ms) holds Unix milliseconds. Times outside
 *   1990-01-01..2100-01-01 are refused (bad_time).
 * - Missing id/author/time cells are rejected by the corpus (ch_ingest_emit).
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/timeparse.h"
#include "ingest/csv.h"
#include "ingest/csv_ingest.h"
#include "ingest/reader.h"

enum {
    F_ID, F_AUTHOR, F_AUTHOR_ID, F_TIME, F_TEXT, F_KIND, F_REF_ID, F_REF_AUTHOR,
    F_REF_AUTHOR_ID, F_LANG, F_URLS, F_HASHTAGS, F_MENTIONS, F_CLIENT, F__N
};

static const char *const field_names[F__N] = {
    [F_ID] = "id", [F_AUTHOR] = "author", [F_AUTHOR_ID] = "author_id", [F_TIME] = "time",
    [F_TEXT] = "text", [F_KIND] = "kind", [F_REF_ID] = "ref_id", [F_REF_AUTHOR] = "ref_author",
    [F_REF_AUTHOR_ID] = "ref_author_id", [F_LANG] = "lang", [F_URLS] = "urls",
    [F_HASHTAGS] = "hashtags", [F_MENTIONS] = "mentions", [F_CLIENT] = "client",
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

static ch_slice handle_cell(const ch_csv_rec *rec, int col)
{
    ch_slice s = ch_csv_cell(rec, col);
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

typedef struct row_ctx {
    const ch_csvmap *map;
    int col[F__N];                /* column of each field, -1 when not mapped */
    bool time_ms;                 /* the time column holds milliseconds (its name ends _ms) */
    const char *base;             /* file basename, for synthesized ids */
    char id[320];                 /* "<base>:<line>" */
} row_ctx;

/* Fills r from one row. Returns 0, or CHORUS_EPARSE with *reason and msg (a ch_csv_row_fn;
 * `arg` is the row_ctx). */
static int row_to_post(void *arg, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
                       char *msg, size_t msglen)
{
    row_ctx *x = arg;
    const int *col = x->col;
    ch_rawpost_clear(r);
    if (col[F_ID] >= 0) {
        r->id = ch_csv_id(ch_csv_cell(rec, col[F_ID]));
    } else {
        int m = snprintf(x->id, sizeof x->id, "%.300s:%llu", x->base,
                         (unsigned long long)rec->line);
        r->id = (ch_slice){x->id, m > 0 ? (size_t)m : 0};
    }
    r->author = handle_cell(rec, col[F_AUTHOR]);
    r->author_id = ch_csv_id(ch_csv_cell(rec, col[F_AUTHOR_ID]));
    r->text = ch_csv_raw(rec, col[F_TEXT]);
    r->lang = ch_csv_cell(rec, col[F_LANG]);
    r->client = ch_csv_cell(rec, col[F_CLIENT]);
    r->ref_id = ch_csv_id(ch_csv_cell(rec, col[F_REF_ID]));
    r->ref_author = handle_cell(rec, col[F_REF_AUTHOR]);
    r->ref_author_id = ch_csv_id(ch_csv_cell(rec, col[F_REF_AUTHOR_ID]));

    ch_slice t = ch_csv_cell(rec, col[F_TIME]);
    int pr;
    if (t.n && (pr = ch_time_parse_post(t.p, t.n, x->time_ms, &r->created_at)) != CHORUS_OK) {
        *reason = CH_R_BAD_TIME;
        snprintf(msg, msglen, "%s time '%.*s'%s", ch_time_problem(pr), quote_len(t), t.p,
                 pr != CHORUS_ELIMIT ? ""
                 : x->time_ms       ? " (posts lie in " CH_TIME_WINDOW ")"
                                    : " (posts lie in " CH_TIME_WINDOW "; a column of "
                                      "milliseconds must be named *_ms)");
        return CHORUS_EPARSE;
    }

    ch_slice k = ch_csv_cell(rec, col[F_KIND]);
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

    ch_csv_list(ch_csv_cell(rec, col[F_URLS]), 0, r, ch_rawpost_add_url);
    ch_csv_list(ch_csv_cell(rec, col[F_HASHTAGS]), '#', r, ch_rawpost_add_hashtag);
    ch_csv_list(ch_csv_cell(rec, col[F_MENTIONS]), '@', r, ch_rawpost_add_mention);
    return CHORUS_OK;
}

static const char *basename_of(const char *path)
{
    if (!path || !*path)
        return "input";
    if (strcmp(path, "-") == 0)
        return "stdin";
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* Finds the mapped columns; every one must be in the header (a ch_csv_header_fn; `arg` is
 * the row_ctx). */
static int find_columns(void *arg, ch_ingest_ctx *ctx, const ch_csv *csv, uint64_t line)
{
    row_ctx *x = arg;
    for (int f = 0; f < F__N; f++) {
        const char *name = ch_csvmap_get(x->map, field_names[f]);
        x->col[f] = name ? ch_csv_col(csv, name) : -1;
        if (name && x->col[f] < 0) {
            ch_ingest_reject(ctx, line, CH_R_BAD_FIELD,
                             "column '%s' (--map %s=%s) is not in the header", name,
                             field_names[f], name);
            return CHORUS_EFORMAT;
        }
    }
    /* Seconds or milliseconds is decided by the column's name, never by the values. */
    const char *tn = x->col[F_TIME] >= 0 ? ch_csv_colname(csv, (size_t)x->col[F_TIME]) : "";
    size_t tl = strlen(tn);
    x->time_ms = tl >= 3 && tn[tl - 3] == '_' && (tn[tl - 2] | 0x20) == 'm' &&
                 (tn[tl - 1] | 0x20) == 's';
    return CHORUS_OK;
}

/* The first line of the input as a sniff sees it (for the layouts known without a map). */
static bool first_line(ch_ingest_ctx *ctx, ch_sniff *s)
{
    const char *data;
    size_t len;
    if (ch_input_peek(ctx->in, &data, &len) || len == 0)
        return false;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf) {
        data += 3;
        len -= 3;
    }
    const char *nl = memchr(data, '\n', len);
    *s = (ch_sniff){.data = data, .len = len, .line = data, .line_len = nl ? (size_t)(nl - data) : len};
    return true;
}

/* The CooRTweet layout: object = shared item, content = the share itself. */
static bool is_coortweet(const ch_sniff *s)
{
    return ch_sniff_header_has(s, "object_id") && ch_sniff_header_has(s, "account_id") &&
           ch_sniff_header_has(s, "content_id") && ch_sniff_header_has(s, "timestamp_share");
}

static int sniff(const ch_sniff *s)
{
    if (!ch_sniff_is_table(s))
        return CH_SNIFF_NO;
    if (is_coortweet(s))
        return CH_SNIFF_LIKELY;
    if (memchr(s->line, ',', s->line_len) || memchr(s->line, '\t', s->line_len))
        return CH_SNIFF_WEAK;
    return CH_SNIFF_NO;
}

static int read(ch_ingest_ctx *ctx)
{
    const ch_csvmap *map = ctx->opts->map;
    ch_csvmap known;
    ch_sniff s;
    if ((!map || map->n == 0) && first_line(ctx, &s) && is_coortweet(&s)) {
        char err[64];
        memset(&known, 0, sizeof known);
        if (ch_csvmap_parse(&known, "id=content_id,author_id=account_id,ref_id=object_id,"
                                    "time=timestamp_share", err, sizeof err) == CHORUS_OK)
            map = &known;
    }
    if (!map || map->n == 0) {
        ch_ingest_file_diag(ctx, "a csv file needs a column map: "
                                 "--map id=COL,author=COL,time=COL,text=COL");
        return CHORUS_EUSAGE;
    }

    /* The map is checked before reading so a bad one fails the same way on every file. */
    const char *need = !ch_csvmap_get(map, "time") ? "time=COLUMN"
                       : !ch_csvmap_get(map, "author") && !ch_csvmap_get(map, "author_id")
                           ? "author=COLUMN or author_id=COLUMN"
                           : NULL;
    if (need) {
        /* A usage problem, not a bad record. */
        ch_ingest_file_diag(ctx, "the csv column map needs %s (--map)", need);
        return CHORUS_EUSAGE;
    }
    row_ctx x = {.map = map, .base = basename_of(ctx->fname)};
    return ch_csv_each_row(ctx, find_columns, row_to_post, &x);
}

const ch_reader ch_reader_csv = {
    .name = "csv",
    .aliases = NULL,
    .platform = "",
    .summary = "any table with a column map (--map id=COL,author=COL,time=COL,text=COL,...)",
    .example = "post,user,when,body\n1,ana,2023-03-01T10:00:00Z,Hello",
    .sniff = sniff,
    .read = read,
};
