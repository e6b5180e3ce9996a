/*
 * read_reddit.c — reader for Reddit comments and submissions: Pushshift and Arctic Shift dump
 * lines (RC_* comments, RS_* submissions: one object per line, no wrapper, usually .zst with
 * a 2 GiB window) and API objects as PRAW or a collector saves them ({"kind": "t1"|"t3",
 * "data": {...}}, Listings {"kind": "Listing", "data": {"children": [...]}}, arrays of
 * either, such as a saved /comments/ID.json page).
 *
 * Which thing: the wrapper's kind ("t1" comment, "t3" submission), else the prefix of `name`
 * ("t1_", "t3_"), else the keys (link_id, parent_id or body: a comment; title, selftext or
 * is_self: a submission). Other things (t2 accounts, t4 messages, t5 subreddits, "more"
 * placeholders of unloaded comments) and objects that are neither are not_a_post.
 *
 * Fields:
 *   id       the fullname: `name`, else "t1_"/"t3_" + `id`, so a comment and a submission
 *            never share an id and every source gives the same one;
 *   author   `author` is both the account id and the handle: Reddit names are unique and
 *            never change, while `author_fullname` (t2_) is missing from most dumps before
 *            2018 and from the API objects of that time, so it would split one account in
 *            two. "[deleted]" / "[removed]" authors are skipped as no_author: the account is
 *            unknown, and pooling every deleted author into one account would invent a
 *            prolific fake one;
 *   time     `created_utc`: an integer, a float or a string of either (older Pushshift
 *            months); `created` (the server's local time in old API objects) is not used;
 *   text     comments: `body`; submissions: `title`, a blank line, `selftext`. Reddit
 *            escapes & < > in these (the corpus decodes them). A body or selftext that is
 *            "[removed]" or "[deleted]" is left out: the text is gone, and thousands of
 *            identical placeholders would read as copy-paste;
 *   kind     a comment is a reply to `parent_id` (t1_ comment or t3_ submission), with
 *            root_id `link_id` (its submission); a submission is a post, or a repost of
 *            `crosspost_parent` when it is a crosspost. The originals in
 *            `crosspost_parent_list` are emitted as posts of their own first (the corpus keeps
 *            the first copy of an id) and name the reposted author; one incomplete or by a
 *            deleted author is skipped silently, as it is context, not the line's record;
 *   urls     a link submission's `url` (not for self posts: `is_self`, or a `domain` of
 *            "self.*"; a relative "/r/..." url is made absolute on www.reddit.com), then the
 *            http(s) links in the text (markdown links included, &amp; and \_ undone);
 *   mentions u/name and /u/name in the text;
 *   account  `author_created_utc` (in some dumps) as the account's creation time.
 * Not mapped: subreddit (the canonical record has no community field), permalink, domain,
 * scores and awards, edited, retrieved_on, Arctic Shift's `_meta`, author_fullname.
 * A comment's `replies` Listing (API objects) is read too, up to REPLY_MAX_DEPTH levels.
 *
 * Cost: one simdjson parse per line (padded, no copy), one pass over each object's fields;
 * no allocation per record (the text and entity buffers grow to the longest record).
 */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "ingest/textent.h"

_Static_assert(CH_INPUT_PADDING >= CH_JSON_PADDING, "lines must be padded for simdjson");

#define REPLY_MAX_DEPTH 100  /* Listing inside Listing (reply trees, arrays of pages) */
#define FULLNAME_MAX 64      /* ids are ~10 characters; longer ones are taken as given */
#define SEP "\n\n"           /* between a submission's title and its text */

typedef enum thing { T_NONE = 0, T_COMMENT, T_SUBMISSION } thing;

typedef struct rd_reader {
    ch_ingest_ctx *ctx;
    uint64_t line;
    ch_rawpost raw;              /* one per file (~3 KiB), refilled for every post */
    char *text;                  /* title + SEP + selftext */
    size_t text_cap;
    char *url;                   /* the link of a submission, absolute and unescaped */
    size_t url_cap;
    ch_txtbuf ents;
} rd_reader;

/* Fields of a thing (or of its wrapper), taken in one pass. */
enum {
    F_KIND, F_DATA, F_ID, F_NAME, F_AUTHOR, F_CREATED_UTC, F_BODY, F_TITLE, F_SELFTEXT,
    F_IS_SELF, F_LINK_ID, F_PARENT_ID, F_URL, F_DOMAIN, F_XPOST, F_XPOST_LIST, F_REPLIES,
    F_AUTHOR_CREATED, F__N
};

static const ch_json_key thing_keys[F__N] = {
    [F_KIND] = CH_JSON_KEY("kind"),
    [F_DATA] = CH_JSON_KEY("data"),
    [F_ID] = CH_JSON_KEY("id"),
    [F_NAME] = CH_JSON_KEY("name"),
    [F_AUTHOR] = CH_JSON_KEY("author"),
    [F_CREATED_UTC] = CH_JSON_KEY("created_utc"),
    [F_BODY] = CH_JSON_KEY("body"),
    [F_TITLE] = CH_JSON_KEY("title"),
    [F_SELFTEXT] = CH_JSON_KEY("selftext"),
    [F_IS_SELF] = CH_JSON_KEY("is_self"),
    [F_LINK_ID] = CH_JSON_KEY("link_id"),
    [F_PARENT_ID] = CH_JSON_KEY("parent_id"),
    [F_URL] = CH_JSON_KEY("url"),
    [F_DOMAIN] = CH_JSON_KEY("domain"),
    [F_XPOST] = CH_JSON_KEY("crosspost_parent"),
    [F_XPOST_LIST] = CH_JSON_KEY("crosspost_parent_list"),
    [F_REPLIES] = CH_JSON_KEY("replies"),
    [F_AUTHOR_CREATED] = CH_JSON_KEY("author_created_utc"),
};

typedef struct fields {
    ch_json_val f[F__N];
} fields;

static bool starts(ch_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

/* "[deleted]" / "[removed]": what Reddit shows in place of a gone author or text. */
static bool gone(ch_slice s)
{
    return ch_slice_is(s, "[deleted]") || ch_slice_is(s, "[removed]");
}

/* created_utc: integer, float, or a string of either. Returns false when present but not a
 * time; *out stays CH_UNKNOWN_I64 when absent. */
static bool time_of(ch_json_val v, int64_t *out)
{
    int64_t i;
    double d;
    ch_slice s;
    switch (ch_json_type_of(v)) {
    case CH_JSON_NONE:
    case CH_JSON_NULL:
        return true;
    case CH_JSON_INT64:
        ch_json_int64(v, &i);
        *out = i;
        return true;
    case CH_JSON_DOUBLE:
        ch_json_double(v, &d);
        if (!(d > -1e13 && d < 1e13)) /* also NaN; keeps the conversion defined */
            return false;
        *out = (int64_t)d;
        return true;
    case CH_JSON_STRING:
        s = ch_jsonl_str(v);
        return ch_time_parse(s.p, s.n, out) == CHORUS_OK;
    default:
        return false;
    }
}

/* Which thing an object is, from the wrapper's kind, the fullname or the keys. */
static thing thing_of(const fields *t, ch_slice kind)
{
    if (ch_slice_is(kind, "t1"))
        return T_COMMENT;
    if (ch_slice_is(kind, "t3"))
        return T_SUBMISSION;
    ch_slice name = ch_jsonl_str(t->f[F_NAME]);
    if (starts(name, "t1_"))
        return T_COMMENT;
    if (starts(name, "t3_"))
        return T_SUBMISSION;
    if (ch_json_present(t->f[F_LINK_ID]) || ch_json_present(t->f[F_PARENT_ID]) ||
        ch_json_present(t->f[F_BODY]))
        return T_COMMENT;
    if (ch_json_present(t->f[F_TITLE]) || ch_json_present(t->f[F_SELFTEXT]) ||
        ch_json_present(t->f[F_IS_SELF]))
        return T_SUBMISSION;
    return T_NONE;
}

/* The fullname of a thing into buf: `name`, else prefix + `id` (an id that already carries a
 * prefix is kept). Empty when there is neither. */
static ch_slice fullname(const fields *t, thing what, char *buf, size_t cap)
{
    const char *prefix = what == T_COMMENT ? "t1_" : "t3_";
    ch_slice name = ch_jsonl_str(t->f[F_NAME]);
    if (starts(name, prefix))
        return name;
    ch_slice id = ch_jsonl_str(t->f[F_ID]);
    if (id.n == 0 || starts(id, prefix) || id.n + 3 > cap)
        return id;
    memcpy(buf, prefix, 3);
    memcpy(buf + 3, id.p, id.n);
    return (ch_slice){buf, id.n + 3};
}

/* A submission's link: absolute, "&amp;" undone; empty for self posts. */
static int link_of(rd_reader *rd, const fields *t, ch_slice *out)
{
    *out = (ch_slice){NULL, 0};
    bool is_self = false;
    ch_json_bool(t->f[F_IS_SELF], &is_self);
    ch_slice url = ch_jsonl_str(t->f[F_URL]), domain = ch_jsonl_str(t->f[F_DOMAIN]);
    if (is_self || url.n == 0 || starts(domain, "self."))
        return CHORUS_OK;
    static const char base[] = "https://www.reddit.com";
    bool relative = url.p[0] == '/';
    size_t need = url.n + (relative ? sizeof base - 1 : 0);
    if (ch_grow((void **)&rd->url, &rd->url_cap, need, 1))
        return CHORUS_ENOMEM;
    size_t k = 0;
    if (relative) {
        memcpy(rd->url, base, sizeof base - 1);
        k = sizeof base - 1;
    }
    for (size_t i = 0; i < url.n;) {
        if (url.p[i] == '&' && url.n - i >= 5 && memcmp(url.p + i, "&amp;", 5) == 0) {
            rd->url[k++] = '&';
            i += 5;
        } else {
            rd->url[k++] = url.p[i++];
        }
    }
    *out = (ch_slice){rd->url, k};
    return CHORUS_OK;
}

/* A submission's text: the title, and the selftext after a blank line unless it is empty or
 * gone. */
static int submission_text(rd_reader *rd, const fields *t, ch_slice *out)
{
    ch_slice title = ch_jsonl_str(t->f[F_TITLE]), self = ch_jsonl_str(t->f[F_SELFTEXT]);
    if (gone(self))
        self.n = 0;
    if (self.n == 0 || title.n == 0) {
        *out = title.n ? title : self;
        return CHORUS_OK;
    }
    size_t need = title.n + sizeof SEP - 1 + self.n;
    if (ch_grow((void **)&rd->text, &rd->text_cap, need, 1))
        return CHORUS_ENOMEM;
    memcpy(rd->text, title.p, title.n);
    memcpy(rd->text + title.n, SEP, sizeof SEP - 1);
    memcpy(rd->text + title.n + sizeof SEP - 1, self.p, self.n);
    *out = (ch_slice){rd->text, need};
    return CHORUS_OK;
}

/* Reads one comment or submission and emits it: after the crosspost originals it carries,
 * before the replies it carries (`depth`: Listings around it). `top` marks a record of the
 * input (reported when rejected); an embedded original is dropped silently when incomplete.
 * Returns 0, CHORUS_EPARSE (strict) or CHORUS_ENOMEM. */
static int do_thing(rd_reader *rd, const fields *t, thing what, bool top, int depth);

/* The originals of a crosspost: emitted first; the reposted author is the one whose fullname
 * is `parent` (else the first). Strings borrow from the parsed document. */
static int do_crosspost_parents(rd_reader *rd, ch_json_val list, ch_slice parent,
                                ch_slice *author)
{
    int rc = CHORUS_OK;
    ch_json_iter it;
    ch_json_val e;
    bool matched = false;
    *author = (ch_slice){NULL, 0};
    ch_json_iter_init(list, &it);
    while (!rc && ch_json_arr_next(&it, &e)) {
        fields p;
        char idbuf[FULLNAME_MAX];
        ch_json_get_many(e, thing_keys, F__N, p.f);
        ch_slice id = fullname(&p, T_SUBMISSION, idbuf, sizeof idbuf);
        ch_slice who = ch_jsonl_str(p.f[F_AUTHOR]);
        bool is_parent = id.n == parent.n && id.n && memcmp(id.p, parent.p, id.n) == 0;
        if (who.n && !gone(who) && !matched && (is_parent || author->n == 0)) {
            *author = who;
            matched = is_parent;
        }
        rc = do_thing(rd, &p, T_SUBMISSION, false, 0);
    }
    return rc;
}

static int do_listing(rd_reader *rd, ch_json_val data, int depth, size_t *found);

static int do_thing(rd_reader *rd, const fields *t, thing what, bool top, int depth)
{
    int rc = CHORUS_OK;
    ch_rawpost *r = &rd->raw;
    char idbuf[FULLNAME_MAX];
    ch_slice xauthor = {NULL, 0};

    /* Embedded originals are followed one level only (top records embed, originals do not). */
    ch_slice xparent = ch_jsonl_str(t->f[F_XPOST]);
    if (what == T_SUBMISSION && top && ch_json_type_of(t->f[F_XPOST_LIST]) == CH_JSON_ARRAY &&
        (rc = do_crosspost_parents(rd, t->f[F_XPOST_LIST], xparent, &xauthor)))
        goto out;

    ch_rawpost_clear(r);
    r->id = fullname(t, what, idbuf, sizeof idbuf);
    ch_slice author = ch_jsonl_str(t->f[F_AUTHOR]);
    if (gone(author)) {
        if (top)
            rc = ch_ingest_reject(rd->ctx, rd->line, CH_R_NO_AUTHOR,
                                  "%.*s by '%.*s': the account was deleted or the post removed, "
                                  "so its author is unknown",
                                  (int)(r->id.n > 40 ? 40 : r->id.n), r->id.p ? r->id.p : "",
                                  (int)author.n, author.p);
        goto out;
    }
    r->author_id = author;
    r->author = author;
    if (!time_of(t->f[F_CREATED_UTC], &r->created_at)) {
        if (top) {
            ch_slice s = ch_jsonl_str(t->f[F_CREATED_UTC]);
            rc = ch_ingest_reject(rd->ctx, rd->line, CH_R_BAD_TIME,
                                  "created_utc is not a Unix time%s%.*s%s", s.n ? " ('" : "",
                                  (int)(s.n > 40 ? 40 : s.n), s.p ? s.p : "", s.n ? "')" : "");
        }
        goto out;
    }
    int64_t acct_created = CH_UNKNOWN_I64;
    if (time_of(t->f[F_AUTHOR_CREATED], &acct_created) && acct_created != CH_UNKNOWN_I64) {
        r->meta.created_at = acct_created;
        r->meta.present = true;
    }
    r->text_html_escaped = true;

    if (what == T_COMMENT) {
        r->kind = CH_KIND_REPLY;
        r->text = ch_jsonl_str(t->f[F_BODY]);
        if (gone(r->text))
            r->text = (ch_slice){NULL, 0};
        r->root_id = ch_jsonl_str(t->f[F_LINK_ID]);
        r->ref_id = ch_jsonl_str(t->f[F_PARENT_ID]);
        if (r->ref_id.n == 0)
            r->ref_id = r->root_id;
    } else {
        if ((rc = submission_text(rd, t, &r->text)))
            goto out;
        ch_slice link;
        if ((rc = link_of(rd, t, &link)))
            goto out;
        ch_rawpost_add_url(r, link.p, link.n);
        if (xparent.n) {
            r->kind = CH_KIND_REPOST;
            r->ref_id = xparent;
            r->ref_author_id = xauthor;
            r->ref_author = xauthor;
        }
    }
    if ((rc = ch_text_entities(r->text.p, r->text.n,
                               CH_TXT_URLS | CH_TXT_REDDIT_USERS | CH_TXT_ESCAPED | CH_TXT_MARKDOWN,
                               &rd->ents, r)))
        goto out;

    if (!top && (!r->id.n || !r->author.n || r->created_at == CH_UNKNOWN_I64))
        goto out;
    if ((rc = ch_ingest_emit(rd->ctx, rd->line, r)))
        goto out;

    /* API comments carry their loaded replies. */
    if (what == T_COMMENT && top && ch_json_type_of(t->f[F_REPLIES]) == CH_JSON_OBJECT) {
        size_t found = 0;
        rc = do_listing(rd, ch_json_get(t->f[F_REPLIES], "data"), depth + 1, &found);
    }
out:
    return rc;
}

static int not_a_post(rd_reader *rd, const char *what, ch_slice name)
{
    return ch_ingest_reject(rd->ctx, rd->line, CH_R_NOT_POST, "not a post (%s%s%.*s%s)", what,
                            name.n ? " '" : "", (int)(name.n > 40 ? 40 : name.n),
                            name.p ? name.p : "", name.n ? "'" : "");
}

/* What a wrapped thing of another kind is, for the message; NULL when unknown. */
static const char *kind_name(ch_slice k)
{
    static const struct { const char *k, *name; } kinds[] = {
        {"t2", "a Reddit account"}, {"t4", "a Reddit message"}, {"t5", "a subreddit"},
        {"t6", "an award"}, {"more", "a placeholder for comments that were not loaded"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (ch_slice_is(k, kinds[i].k))
            return kinds[i].name;
    return NULL;
}

/* One element: a thing, its wrapper, or a Listing (followed while depth allows). Counts the
 * records it finds in *found. */
static int do_element(rd_reader *rd, ch_json_val obj, int depth, size_t *found)
{
    fields t;
    ch_json_get_many(obj, thing_keys, F__N, t.f);
    ch_slice kind = ch_jsonl_str(t.f[F_KIND]);
    ch_json_val data = t.f[F_DATA];
    bool wrapped = kind.n && ch_json_type_of(data) == CH_JSON_OBJECT;
    if (wrapped && ch_slice_is(kind, "Listing"))
        return do_listing(rd, data, depth + 1, found);
    if (wrapped)
        ch_json_get_many(data, thing_keys, F__N, t.f);
    thing what = thing_of(&t, wrapped ? kind : (ch_slice){NULL, 0});
    ++*found;
    ch_ingest_tick(rd->ctx);
    if (what != T_NONE)
        return do_thing(rd, &t, what, true, depth);
    const char *name = wrapped ? kind_name(kind) : NULL;
    if (name)
        return not_a_post(rd, name, (ch_slice){NULL, 0});
    if (wrapped)
        return not_a_post(rd, "a Reddit object of kind", kind);
    return not_a_post(rd, "neither a Reddit comment nor a submission", (ch_slice){NULL, 0});
}

static int do_listing(rd_reader *rd, ch_json_val data, int depth, size_t *found)
{
    if (depth > REPLY_MAX_DEPTH) {
        ++*found;
        ch_ingest_tick(rd->ctx);
        return ch_ingest_reject(rd->ctx, rd->line, CH_R_DEPTH,
                                "listings nested deeper than %d levels: the deeper ones are "
                                "skipped", REPLY_MAX_DEPTH);
    }
    int rc = CHORUS_OK;
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(ch_json_get(data, "children"), &it);
    while (!rc && !rd->ctx->stop && ch_json_arr_next(&it, &e))
        rc = do_element(rd, e, depth, found);
    return rc;
}

static int rd_line(void *arg, ch_json_val root, uint64_t line)
{
    (void)line; /* kept in rd->line by the loop */
    rd_reader *rd = arg;
    size_t found = 0;
    int rc = CHORUS_OK;
    ch_json_type type = ch_json_type_of(root);
    if (type == CH_JSON_ARRAY) {
        ch_json_iter it;
        ch_json_val e;
        ch_json_iter_init(root, &it);
        while (!rc && ch_json_arr_next(&it, &e))
            rc = ch_json_type_of(e) == CH_JSON_OBJECT ? do_element(rd, e, 0, &found) : CHORUS_OK;
    } else if (type == CH_JSON_OBJECT) {
        rc = do_element(rd, root, 0, &found);
    }
    if (rc || found)
        return rc;
    ch_ingest_tick(rd->ctx);
    return not_a_post(rd, type == CH_JSON_ARRAY ? "an array without Reddit things"
                          : type == CH_JSON_OBJECT ? "an empty listing"
                                                   : "not an object",
                      (ch_slice){NULL, 0});
}

static int read(ch_ingest_ctx *ctx)
{
    rd_reader rd = {.ctx = ctx};
    int rc = ch_jsonl_each(ctx, rd_line, &rd, &rd.line);
    ch_free(rd.text);
    ch_free(rd.url);
    ch_txtbuf_free(&rd.ents);
    return rc;
}

static int sniff(const ch_sniff *s)
{
    if (s->json && (ch_sniff_has_key(s, "subreddit") || ch_sniff_has_key(s, "subreddit_id") ||
                    ch_sniff_has_key(s, "link_id") || ch_sniff_has_key(s, "modhash")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_reddit = {
    .name = "reddit",
    .aliases = (const char *const[]){"pushshift", "arctic-shift", "praw", NULL},
    .platform = "reddit",
    .summary = "Reddit comments and submissions: Pushshift / Arctic Shift dumps (RC_*, RS_*, "
               ".zst), API things and Listings as PRAW saves them",
    .example = "{\"id\":\"c1\",\"author\":\"ana\",\"created_utc\":1677664800,\"body\":\"Hello\","
               "\"link_id\":\"t3_s1\",\"parent_id\":\"t3_s1\",\"subreddit\":\"news\"}",
    .sniff = sniff,
    .read = read,
};
