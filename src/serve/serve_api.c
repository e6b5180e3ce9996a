/*
 * serve_api.c — the JSON API of `chorus serve` (docs/api.md, "HTTP API").
 *
 * GET answers come from the public read API (chorus_results_*) on a handle opened for the
 * request; lists are paged with ?limit= (default 100, at most 10,000) and ?offset=. Reals that
 * are unknown are null, times are Unix seconds. POST handlers (the token was checked by
 * serve.c) write through store/desk.h or, for a statement, into the statements folder a
 * watcher reads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"
#include "core/json.h"
#include "core/outfile.h"
#include "core/timeparse.h"
#include "serve/serve_int.h"
#include "store/desk.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 10000
#define DETAIL_ROWS 100   /* edges, evidence and matches shown with one cluster, account or
                             statement, unless ?limit= says otherwise */
#define STATEMENT_ID_MAX 128

/* ---- JSON of the read API's rows ----------------------------------------------------------- */

static void put_num(ch_jbuf *b, double v)
{
    if (isfinite(v))
        ch_jbuf_printf(b, "%.6g", v);
    else
        ch_jbuf_put(b, "null");
}

static void put_int(ch_jbuf *b, int64_t v)
{
    if (v == CHORUS_NULL)
        ch_jbuf_put(b, "null");
    else
        ch_jbuf_i64(b, v);
}

/* `, "key": ` then the value; the first field of an object writes `{"key": `. */
static void key(ch_jbuf *b, const char *k)
{
    bool first = b->len == 0 || b->p[b->len - 1] == '{';
    ch_jbuf_printf(b, first ? "\"%s\": " : ", \"%s\": ", k);
}
static void kstr(ch_jbuf *b, const char *k, const char *v)
{
    key(b, k);
    ch_jbuf_str(b, v);
}
static void kint(ch_jbuf *b, const char *k, int64_t v)
{
    key(b, k);
    put_int(b, v);
}
static void knum(ch_jbuf *b, const char *k, double v)
{
    key(b, k);
    put_num(b, v);
}

/* A JSON text stored in the file (reasons, evidence) goes in as it is; NULL is null. */
static void put_raw_json(ch_jbuf *b, const char *json)
{
    ch_jbuf_put(b, json && *json ? json : "null");
}

typedef struct list {
    ch_jbuf *b;
    size_t n;
} list;

static void sep(list *l)
{
    if (l->n++)
        ch_jbuf_put(l->b, ", ");
}

static int cluster_json(void *ctx, const chorus_cluster *c)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_printf(b, "{\"id\": %lld, \"size\": %lld, \"score\": ", (long long)c->id,
                   (long long)c->size);
    put_num(b, c->score);
    kstr(b, "behaviours", c->behaviours);
    kint(b, "first_seen", c->first_seen);
    kint(b, "last_seen", c->last_seen);
    kstr(b, "summary", c->summary);
    ch_jbuf_put(b, "}");
    return 0;
}

static int account_json(void *ctx, const chorus_account *a)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_put(b, "{");
    kstr(b, "id", a->id);
    kstr(b, "handle", a->handle);
    kstr(b, "platform", a->platform);
    ch_jbuf_printf(b, ", \"n_posts\": %lld, \"score\": ", (long long)a->n_posts);
    put_num(b, a->score);
    kint(b, "cluster", a->cluster);
    ch_jbuf_put(b, ", \"reasons\": ");
    put_raw_json(b, a->reasons);
    ch_jbuf_put(b, "}");
    return 0;
}

static int edge_json(void *ctx, const chorus_edge *e)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_put(b, "{");
    kstr(b, "a", e->account_a);
    kstr(b, "b", e->account_b);
    kstr(b, "behaviour", e->behaviour);
    knum(b, "weight", e->weight);
    kint(b, "n_events", e->n_events);
    kint(b, "n_objects", e->n_objects);
    knum(b, "pvalue", e->pvalue);
    ch_jbuf_put(b, "}");
    return 0;
}

static int evidence_json(void *ctx, const chorus_evidence *e)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_put(b, "{");
    kstr(b, "a", e->account_a);
    kstr(b, "b", e->account_b);
    kstr(b, "handle_a", e->handle_a);
    kstr(b, "handle_b", e->handle_b);
    kstr(b, "behaviour", e->behaviour);
    kstr(b, "post_a", e->post_a);
    kstr(b, "post_b", e->post_b);
    kstr(b, "object", e->object);
    kstr(b, "text_a", e->text_a);
    kstr(b, "text_b", e->text_b);
    kint(b, "time_a", e->time_a);
    kint(b, "time_b", e->time_b);
    ch_jbuf_put(b, "}");
    return 0;
}

static int match_json(void *ctx, const chorus_match *m)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_put(b, "{");
    kstr(b, "post", m->post_id);
    kstr(b, "account", m->account_id);
    kstr(b, "handle", m->handle);
    kstr(b, "statement", m->statement_id);
    kint(b, "created_at", m->created_at);
    knum(b, "similarity", m->similarity);
    ch_jbuf_put(b, ", \"text\": ");
    ch_jbuf_strn(b, m->post_text ? m->post_text : "", m->post_text ? m->post_len : 0);
    ch_jbuf_printf(b, ", \"post_start\": %lld, \"post_end\": %lld", (long long)m->post_start,
                   (long long)m->post_end);
    ch_jbuf_printf(b, ", \"before_publication\": %s}",
                   m->before_publication < 0 ? "null"
                                             : m->before_publication ? "true" : "false");
    return 0;
}

static int statement_json(void *ctx, const chorus_statement *s)
{
    list *l = ctx;
    sep(l);
    ch_jbuf *b = l->b;
    ch_jbuf_put(b, "{");
    kstr(b, "id", s->id);
    kstr(b, "source", s->source);
    kstr(b, "lang", s->lang);
    kint(b, "published_at", s->published_at);
    ch_jbuf_put(b, ", \"text\": ");
    ch_jbuf_strn(b, s->text ? s->text : "", s->text ? s->text_len : 0);
    ch_jbuf_put(b, "}");
    return 0;
}

void ch_serve_alert_json(ch_jbuf *b, const chorus_alert *a)
{
    ch_jbuf_printf(b, "{\"id\": %lld, \"created_at\": ", (long long)a->id);
    put_int(b, a->created_at);
    kstr(b, "kind", a->kind);
    kint(b, "cluster", a->cluster);
    kstr(b, "statement", a->statement);
    kstr(b, "summary", a->summary);
    ch_jbuf_put(b, ", \"evidence\": ");
    put_raw_json(b, a->evidence);
    ch_jbuf_printf(b, ", \"muted\": %s}", a->muted ? "true" : "false");
}

static int alert_json(void *ctx, const chorus_alert *a)
{
    list *l = ctx;
    sep(l);
    ch_serve_alert_json(l->b, a);
    return 0;
}

/* Rows of each list of a single object's page: ?limit= (default DETAIL_ROWS). */
static uint64_t detail_limit(struct MHD_Connection *c)
{
    uint64_t n;
    if (!ch_serve_arg_u64(c, "limit", DETAIL_ROWS, PAGE_MAX, &n) || n == 0)
        n = DETAIL_ROWS;
    return n;
}

/* ---- GET ----------------------------------------------------------------------------------- */

/* "clusters/12" -> name "clusters", rest "12"; no '/' -> rest "". */
static bool split(const char *path, const char *name, const char **rest)
{
    size_t n = strlen(name);
    if (strncmp(path, name, n) != 0 || (path[n] != '\0' && path[n] != '/'))
        return false;
    *rest = path[n] ? path + n + 1 : "";
    return true;
}

/* Runs one query into "key": [...] and says whether it failed. */
#define LIST(key, call)                                                                     \
    do {                                                                                     \
        ch_jbuf_put(&b, first ? "\"" key "\": [" : ", \"" key "\": [");                    \
        first = false;                                                                       \
        l.n = 0;                                                                             \
        if ((e = (call)) != CHORUS_OK)                                                       \
            goto out;                                                                        \
        ch_jbuf_put(&b, "]");                                                                \
    } while (0)

static enum MHD_Result get_one_cluster(chorus_results *r, struct MHD_Connection *c,
                                       const char *id)
{
    char *end;
    long long cid = strtoll(id, &end, 10);
    if (!*id || *end || cid < 0)
        return ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "cluster id '%.64s' is not a number",
                                    id);
    ch_jbuf b = {0};
    list l = {&b, 0};
    bool first = false;
    chorus_err e;
    chorus_query q;
    chorus_query_init(&q);
    q.cluster = cid;
    ch_jbuf_put(&b, "{\"cluster\": ");
    if ((e = chorus_results_clusters(r, &q, cluster_json, &l)))
        goto out;
    q.limit = PAGE_MAX;
    LIST("members", chorus_results_accounts(r, &q, account_json, &l));
    q.limit = detail_limit(c);
    LIST("edges", chorus_results_edges(r, &q, edge_json, &l));
    LIST("evidence", chorus_results_evidence(r, &q, evidence_json, &l));
    LIST("matches", chorus_results_matches(r, &q, match_json, &l));
    LIST("alerts", chorus_results_alerts(r, &q, 0, alert_json, &l));
    ch_jbuf_put(&b, "}");
out:
    if (e) {
        ch_jbuf_free(&b);
        return ch_serve_reply_error(c, ch_serve_status_of(e), "%s",
                                    chorus_results_error(r)->message);
    }
    return ch_serve_reply_json(c, MHD_HTTP_OK, &b);
}

/* The account row, and its id kept for the queries that take an id only. */
typedef struct one_account {
    list l;
    char id[512];
} one_account;

static int account_capture(void *ctx, const chorus_account *a)
{
    one_account *o = ctx;
    snprintf(o->id, sizeof o->id, "%s", a->id ? a->id : "");
    account_json(&o->l, a);
    return 1; /* the first row is the account (an id before a same-named handle) */
}

static enum MHD_Result get_one_account(chorus_server *s, chorus_results *r,
                                       struct MHD_Connection *c, const char *id)
{
    ch_jbuf b = {0};
    list l = {&b, 0};
    bool first = false;
    chorus_err e;
    chorus_query q;
    chorus_query_init(&q);
    q.account = id;
    ch_jbuf_put(&b, "{\"account\": ");
    one_account one = {{&b, 0}, ""};
    if ((e = chorus_results_accounts(r, &q, account_capture, &one)))
        goto out;
    q.account = one.id;
    int64_t at;
    char note[512], msg[1024];
    ch_jbuf_put(&b, ", \"review\": ");
    if (ch_desk_review_of(s->db, one.id, &at, note, sizeof note, msg, sizeof msg) ==
            CHORUS_OK &&
        at != INT64_MIN) {
        ch_jbuf_printf(&b, "{\"reviewed_at\": %lld, \"note\": ", (long long)at);
        ch_jbuf_str(&b, note[0] ? note : NULL);
        ch_jbuf_put(&b, "}");
    } else {
        ch_jbuf_put(&b, "null");
    }
    q.limit = detail_limit(c);
    LIST("edges", chorus_results_edges(r, &q, edge_json, &l));
    LIST("evidence", chorus_results_evidence(r, &q, evidence_json, &l));
    LIST("matches", chorus_results_matches(r, &q, match_json, &l));
    ch_jbuf_put(&b, "}");
out:
    if (e) {
        ch_jbuf_free(&b);
        return ch_serve_reply_error(c, ch_serve_status_of(e), "%s",
                                    chorus_results_error(r)->message);
    }
    return ch_serve_reply_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result get_one_statement(chorus_results *r, struct MHD_Connection *c,
                                         const char *id)
{
    ch_jbuf b = {0};
    list l = {&b, 0};
    bool first = false;
    chorus_err e;
    chorus_query q;
    chorus_query_init(&q);
    q.statement = id;
    ch_jbuf_put(&b, "{\"statement\": ");
    if ((e = chorus_results_statements(r, &q, statement_json, &l)))
        goto out;
    q.limit = detail_limit(c);
    LIST("matches", chorus_results_matches(r, &q, match_json, &l));
    ch_jbuf_put(&b, "}");
out:
    if (e) {
        ch_jbuf_free(&b);
        return ch_serve_reply_error(c, ch_serve_status_of(e), "%s",
                                    chorus_results_error(r)->message);
    }
    return ch_serve_reply_json(c, MHD_HTTP_OK, &b);
}

typedef chorus_err (*list_query)(chorus_results *r, const chorus_query *q, list *l,
                                 int64_t after);

static chorus_err q_clusters(chorus_results *r, const chorus_query *q, list *l, int64_t after)
{
    (void)after;
    return chorus_results_clusters(r, q, cluster_json, l);
}
static chorus_err q_accounts(chorus_results *r, const chorus_query *q, list *l, int64_t after)
{
    (void)after;
    return chorus_results_accounts(r, q, account_json, l);
}
static chorus_err q_statements(chorus_results *r, const chorus_query *q, list *l, int64_t after)
{
    (void)after;
    return chorus_results_statements(r, q, statement_json, l);
}
static chorus_err q_alerts(chorus_results *r, const chorus_query *q, list *l, int64_t after)
{
    return chorus_results_alerts(r, q, after, alert_json, l);
}

/* A paged list: {"KEY": [...], "limit": N, "offset": N}. */
static enum MHD_Result get_list(chorus_results *r, struct MHD_Connection *c, const char *key,
                                list_query fn)
{
    uint64_t limit, offset, after;
    if (!ch_serve_arg_u64(c, "limit", PAGE_DEFAULT, PAGE_MAX, &limit) ||
        !ch_serve_arg_u64(c, "offset", 0, UINT64_MAX / 2, &offset) ||
        !ch_serve_arg_u64(c, "after", 0, INT64_MAX, &after))
        return ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST,
                                    "limit, offset and after are whole numbers");
    chorus_query q;
    chorus_query_init(&q);
    q.limit = limit ? limit : PAGE_DEFAULT;
    q.offset = offset;
    ch_jbuf b = {0};
    list l = {&b, 0};
    ch_jbuf_printf(&b, "{\"%s\": [", key);
    chorus_err e = fn(r, &q, &l, (int64_t)after);
    if (e) {
        ch_jbuf_free(&b);
        return ch_serve_reply_error(c, ch_serve_status_of(e), "%s",
                                    chorus_results_error(r)->message);
    }
    ch_jbuf_printf(&b, "], \"limit\": %llu, \"offset\": %llu}", (unsigned long long)q.limit,
                   (unsigned long long)q.offset);
    return ch_serve_reply_json(c, MHD_HTTP_OK, &b);
}

enum MHD_Result ch_serve_api_get(chorus_server *s, struct MHD_Connection *c, const char *path)
{
    chorus_error err;
    chorus_results *r = ch_serve_results(s, &err);
    if (!r)
        return ch_serve_reply_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err.message);
    enum MHD_Result ok;
    const char *rest;
    if (strcmp(path, "health") == 0) {
        ch_jbuf b = {0};
        ch_jbuf_printf(&b, "{\"ok\": true, \"schema\": %d, \"requests\": %llu}",
                       chorus_results_schema(r), (unsigned long long)chorus_server_requests(s));
        ok = ch_serve_reply_json(c, MHD_HTTP_OK, &b);
    } else if (split(path, "clusters", &rest)) {
        ok = *rest ? get_one_cluster(r, c, rest) : get_list(r, c, "clusters", q_clusters);
    } else if (split(path, "accounts", &rest)) {
        ok = *rest ? get_one_account(s, r, c, rest) : get_list(r, c, "accounts", q_accounts);
    } else if (split(path, "statements", &rest)) {
        ok = *rest ? get_one_statement(r, c, rest) : get_list(r, c, "statements", q_statements);
    } else if (strcmp(path, "alerts") == 0) {
        ok = get_list(r, c, "alerts", q_alerts);
    } else {
        ok = ch_serve_reply_error(c, MHD_HTTP_NOT_FOUND, "no API path '/api/%.128s'", path);
    }
    return ok;
}

/* ---- POST ---------------------------------------------------------------------------------- */

/* The body as a JSON object; an empty body is {} when `optional`. */
static bool parse_body(struct MHD_Connection *c, const ch_serve_req *r, bool optional,
                       ch_json_parser **p, ch_json_val *root, enum MHD_Result *ok)
{
    *p = NULL;
    const char *msg = NULL;
    if (r->body.len == 0 && optional) {
        root->doc = NULL;
        return true;
    }
    if (ch_json_parser_new(32, p) != 0) {
        *ok = ch_serve_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
        return false;
    }
    if (ch_json_parse(*p, r->body.p ? r->body.p : "", r->body.len, false, root, &msg) !=
            CH_JSON_OK ||
        ch_json_type_of(*root) != CH_JSON_OBJECT) {
        *ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object%s%s",
                                   msg ? ": " : "", msg ? msg : "");
        ch_json_parser_free(*p);
        *p = NULL;
        return false;
    }
    return true;
}

static bool id_ok(const char *s, size_t n)
{
    if (n == 0 || n > STATEMENT_ID_MAX || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            return false;
    }
    return true;
}

/* POST /api/statements {"id", "text", "source"?, "lang"?, "published_at"?}: written as one
 * JSON line to STATEMENTS_DIR/ID.jsonl (atomically), which a watcher reading that folder
 * loads at its next look. 201 with the statement; 409 when the id is taken. */
static enum MHD_Result post_statement(chorus_server *s, struct MHD_Connection *c,
                                      const ch_serve_req *r)
{
    if (!s->statements_dir)
        return ch_serve_reply_error(c, MHD_HTTP_CONFLICT,
                                    "this server has no statements folder (start it with "
                                    "--statements-dir, the folder the watcher reads)");
    ch_json_parser *p;
    ch_json_val root;
    enum MHD_Result ok = MHD_NO;
    if (!parse_body(c, r, false, &p, &root, &ok))
        return ok;
    const char *id, *text, *source = NULL, *lang = NULL;
    size_t idn, textn, sn = 0, ln = 0;
    int64_t published = CHORUS_NULL;
    ch_json_val pub = ch_json_get(root, "published_at");
    ch_json_val idv = ch_json_get(root, "id");
    char idbuf[32];
    if (ch_json_type_of(idv) == CH_JSON_INT64 || ch_json_type_of(idv) == CH_JSON_UINT64) {
        idn = ch_json_int_text(idv, idbuf, sizeof idbuf);
        id = idbuf;
    } else if (!ch_json_get_str(root, "id", &id, &idn)) {
        id = NULL;
    }
    if (!id || !id_ok(id, idn)) {
        ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST,
                                  "\"id\" is required: 1 to %d letters, digits, '-', '_' or "
                                  "'.', not starting with '.'",
                                  STATEMENT_ID_MAX);
        goto out;
    }
    if (!ch_json_get_str(root, "text", &text, &textn) || textn == 0) {
        ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "\"text\" is required (a string)");
        goto out;
    }
    if ((ch_json_present(ch_json_get(root, "source")) &&
         !ch_json_is_null(ch_json_get(root, "source")) &&
         !ch_json_get_str(root, "source", &source, &sn)) ||
        (ch_json_present(ch_json_get(root, "lang")) && !ch_json_is_null(ch_json_get(root, "lang")) &&
         !ch_json_get_str(root, "lang", &lang, &ln))) {
        ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "\"source\" and \"lang\" are strings");
        goto out;
    }
    if (ch_json_present(pub) && !ch_json_is_null(pub)) {
        const char *ps;
        size_t pn;
        if (!(ch_json_int64(pub, &published) ||
              (ch_json_str(pub, &ps, &pn) && ch_time_parse(ps, pn, &published) == 0))) {
            ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST,
                                      "\"published_at\" is Unix seconds or an ISO 8601 time");
            goto out;
        }
    }
    char path[4096];
    int pl = snprintf(path, sizeof path, "%s/%.*s.jsonl", s->statements_dir, (int)idn, id);
    if (pl < 0 || (size_t)pl >= sizeof path) {
        ok = ch_serve_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "statements folder path too long");
        goto out;
    }
    struct stat st;
    if (stat(path, &st) == 0) {
        ok = ch_serve_reply_error(c, MHD_HTTP_CONFLICT, "statement '%.*s' exists already",
                                  (int)idn, id);
        goto out;
    }
    ch_jbuf line = {0};
    ch_jbuf_put(&line, "{\"id\": ");
    ch_jbuf_strn(&line, id, idn);
    ch_jbuf_put(&line, ", \"source\": ");
    if (source)
        ch_jbuf_strn(&line, source, sn);
    else
        ch_jbuf_put(&line, "null");
    ch_jbuf_put(&line, ", \"lang\": ");
    if (lang)
        ch_jbuf_strn(&line, lang, ln);
    else
        ch_jbuf_put(&line, "null");
    ch_jbuf_put(&line, ", \"published_at\": ");
    put_int(&line, published);
    ch_jbuf_put(&line, ", \"text\": ");
    ch_jbuf_strn(&line, text, textn);
    ch_jbuf_put(&line, "}");
    char msg[1024];
    ch_outfile *f = NULL;
    ch_outfile_opts oo = {.flags = CH_OUT_STREAM};
    int rc = ch_jbuf_ok(&line) ? ch_outfile_open(path, &oo, &f, msg, sizeof msg) : CHORUS_ENOMEM;
    if (rc == CHORUS_OK) {
        fwrite(line.p, 1, line.len, ch_outfile_stream(f));
        fputc('\n', ch_outfile_stream(f));
        rc = ch_outfile_commit(f, msg, sizeof msg);
    } else if (rc == CHORUS_ENOMEM) {
        snprintf(msg, sizeof msg, "out of memory");
    }
    if (rc) {
        ch_jbuf_free(&line);
        ok = ch_serve_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", msg);
        goto out;
    }
    ch_jbuf b = {0};
    ch_jbuf_put(&b, "{\"statement\": ");
    ch_jbuf_putn(&b, line.p, line.len);
    ch_jbuf_put(&b, ", \"file\": ");
    ch_jbuf_str(&b, path);
    ch_jbuf_put(&b, "}");
    ch_jbuf_free(&line);
    ok = ch_serve_reply_json(c, MHD_HTTP_CREATED, &b);
out:
    ch_json_parser_free(p);
    return ok;
}

/* POST /api/accounts/ID/review {"note"?}. */
static enum MHD_Result post_review(chorus_server *s, struct MHD_Connection *c,
                                   const ch_serve_req *r, const char *account)
{
    ch_json_parser *p;
    ch_json_val root;
    enum MHD_Result ok = MHD_NO;
    if (!parse_body(c, r, true, &p, &root, &ok))
        return ok;
    char note[2048] = "";
    const char *ns;
    size_t nn;
    if (ch_json_present(root) && ch_json_get_str(root, "note", &ns, &nn))
        snprintf(note, sizeof note, "%.*s", (int)(nn < sizeof note ? nn : sizeof note - 1), ns);
    char id[512], msg[1024];
    int64_t now = (int64_t)time(NULL);
    int rc = ch_desk_review_account(s->db, account, now, note[0] ? note : NULL, id, sizeof id,
                                    msg, sizeof msg);
    if (rc) {
        ok = ch_serve_reply_error(c, ch_serve_status_of((chorus_err)rc), "%s", msg);
    } else {
        ch_jbuf b = {0};
        ch_jbuf_put(&b, "{\"account\": ");
        ch_jbuf_str(&b, id);
        ch_jbuf_printf(&b, ", \"reviewed_at\": %lld, \"note\": ", (long long)now);
        ch_jbuf_str(&b, note[0] ? note : NULL);
        ch_jbuf_put(&b, "}");
        ok = ch_serve_reply_json(c, MHD_HTTP_OK, &b);
    }
    ch_json_parser_free(p);
    return ok;
}

/* POST /api/alerts/ID/mute {"muted"?: true}. */
static enum MHD_Result post_mute(chorus_server *s, struct MHD_Connection *c,
                                 const ch_serve_req *r, const char *idtext)
{
    char *end;
    long long id = strtoll(idtext, &end, 10);
    if (!*idtext || *end || id <= 0)
        return ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "alert id '%.64s' is not a number",
                                    idtext);
    ch_json_parser *p;
    ch_json_val root;
    enum MHD_Result ok = MHD_NO;
    if (!parse_body(c, r, true, &p, &root, &ok))
        return ok;
    bool muted = true;
    ch_json_val mv = ch_json_present(root) ? ch_json_get(root, "muted") : root;
    if (ch_json_present(mv) && !ch_json_bool(mv, &muted)) {
        ok = ch_serve_reply_error(c, MHD_HTTP_BAD_REQUEST, "\"muted\" is true or false");
    } else {
        char msg[1024];
        int rc = ch_desk_mute_alert(s->db, id, muted, msg, sizeof msg);
        if (rc) {
            ok = ch_serve_reply_error(c, ch_serve_status_of((chorus_err)rc), "%s", msg);
        } else {
            ch_jbuf b = {0};
            ch_jbuf_printf(&b, "{\"alert\": %lld, \"muted\": %s}", id, muted ? "true" : "false");
            ok = ch_serve_reply_json(c, MHD_HTTP_OK, &b);
        }
    }
    ch_json_parser_free(p);
    return ok;
}

enum MHD_Result ch_serve_api_post(chorus_server *s, struct MHD_Connection *c, const char *path,
                                  const ch_serve_req *r)
{
    const char *rest;
    if (strcmp(path, "statements") == 0)
        return post_statement(s, c, r);
    char id[512];
    size_t n;
    if (split(path, "accounts", &rest) && (n = strlen(rest)) > 7 &&
        strcmp(rest + n - 7, "/review") == 0 && n - 7 < sizeof id) {
        memcpy(id, rest, n - 7);
        id[n - 7] = '\0';
        return post_review(s, c, r, id);
    }
    if (split(path, "alerts", &rest) && (n = strlen(rest)) > 5 &&
        strcmp(rest + n - 5, "/mute") == 0 && n - 5 < sizeof id) {
        memcpy(id, rest, n - 5);
        id[n - 5] = '\0';
        return post_mute(s, c, r, id);
    }
    return ch_serve_reply_error(c, MHD_HTTP_NOT_FOUND, "no API path '/api/%.128s' to POST to",
                                path);
}
