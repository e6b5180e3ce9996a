/*
 * summary.c — what a job found, by name (chorus_scan_count, chorus_scan_seconds), per input,
 * per cluster, and as one JSON object (what `chorus scan --json` and `chorus ingest --json`
 * print). The names of the figures are the keys of the JSON, so the two never drift apart.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/timeparse.h"

/* ---- figures ------------------------------------------------------------------------------- */

static uint64_t errors_total(const ch_corpus_stats *st)
{
    uint64_t n = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        n += st->errors[k];
    return n;
}

static size_t inputs_failed(const chorus_scan *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ninputs; i++)
        n += s->inputs[i].tried && s->inputs[i].status != CHORUS_OK;
    return n;
}

/* "prefix.NAME" -> NAME, or NULL */
static const char *after(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0 ? name + n : NULL;
}

static bool behaviour_of(const char *name, int *out)
{
    for (int b = 0; b < CH_B__COUNT; b++) {
        if (!strcmp(name, ch_behaviour_name((ch_behaviour)b))) {
            *out = b;
            return true;
        }
    }
    return false;
}

/* The reading figures (any job, once reading started). */
static bool reading_count(const chorus_scan *s, const char *name, int64_t *out)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(s->corpus);
    const char *k;
    if (!strcmp(name, "inputs"))
        *out = (int64_t)s->ninputs;
    else if (!strcmp(name, "inputs_failed"))
        *out = (int64_t)inputs_failed(s);
    else if (!strcmp(name, "records"))
        *out = (int64_t)st->records;
    else if (!strcmp(name, "posts"))
        *out = (int64_t)ch_corpus_nposts(s->corpus);
    else if (!strcmp(name, "accounts"))
        *out = (int64_t)ch_corpus_naccounts(s->corpus);
    else if (!strcmp(name, "duplicates"))
        *out = (int64_t)st->duplicates;
    else if (!strcmp(name, "merged"))
        *out = (int64_t)st->merged;
    else if (!strcmp(name, "errors"))
        *out = (int64_t)errors_total(st);
    else if (!strcmp(name, "unreadable_bytes"))
        *out = (int64_t)st->unreadable_bytes;
    else if (!strcmp(name, "first") || !strcmp(name, "last")) {
        if (st->min_time == CH_UNKNOWN_I64)
            return false;
        *out = name[0] == 'f' ? st->min_time : st->max_time;
    } else if ((k = after(name, "by_kind."))) {
        ch_kind kind;
        if (ch_kind_parse(k, strlen(k), &kind) != CHORUS_OK || strcmp(ch_kind_name(kind), k))
            return false;
        *out = (int64_t)st->posts_by_kind[kind];
    } else if ((k = after(name, "errors_by_reason."))) {
        int r = 0;
        while (r < CH_R__COUNT && strcmp(ch_reason_name((ch_reason)r), k))
            r++;
        if (r == CH_R__COUNT)
            return false;
        *out = (int64_t)st->errors[r];
    } else {
        return false;
    }
    return true;
}

/* Account pairs in the network: two accounts, whatever the behaviours they share (the
 * "edges" figure counts one per pair and behaviour). The one meaning of "pair" in every
 * summary and report. */
static size_t pairs_kept(const ch_network *net)
{
    size_t n = 0;
    for (size_t i = 0; i < net->n_edges; i++)
        n += net->edges[i].used != 0;
    return n;
}

chorus_err chorus_scan_count(const chorus_scan *s, const char *name, int64_t *out)
{
    if (!s || !name || !out)
        return CHORUS_EUSAGE;
    if (s->corpus && reading_count(s, name, out))
        return CHORUS_OK;
    const bool stmts = (s->job == JOB_SCAN || s->job == JOB_MATCH) && s->ran[ST_STATEMENTS];
    if (stmts && !strcmp(name, "statements")) {
        *out = s->set ? (int64_t)ch_stmtset_count(s->set) : 0;
        return CHORUS_OK;
    }
    if (stmts && !strcmp(name, "statements_failed")) {
        *out = (int64_t)s->statements_failed;
        return CHORUS_OK;
    }
    if (s->matched) {
        const ch_parrot_result *m = &s->mres;
        if (!strcmp(name, "matches"))
            *out = (int64_t)m->nrows;
        else if (!strcmp(name, "posts_matched"))
            *out = (int64_t)m->posts_matched;
        else if (!strcmp(name, "reposts_of_matched"))
            *out = (int64_t)m->reposts_of_matched;
        else if (!strcmp(name, "index_bytes"))
            *out = (int64_t)ch_parrot_bytes(s->pix);
        else
            return CHORUS_ENOTFOUND;
        return CHORUS_OK;
    }
    if (!s->detected)
        return CHORUS_ENOTFOUND;
    const ch_detect_result *d = &s->d;
    const char *k;
    int b;
    if (!strcmp(name, "matches"))
        *out = (int64_t)d->parrot.nrows;
    else if (!strcmp(name, "posts_matched"))
        *out = (int64_t)d->parrot.posts_matched;
    else if (!strcmp(name, "reposts_of_matched"))
        *out = (int64_t)d->parrot.reposts_of_matched;
    else if (!strcmp(name, "narratives"))
        *out = d->nd ? (int64_t)d->nd->n_narratives : 0;
    else if (!strcmp(name, "edges"))
        *out = (int64_t)d->net->n_coact_kept;
    else if (!strcmp(name, "pairs"))
        *out = (int64_t)pairs_kept(d->net);
    else if (!strcmp(name, "paired_accounts"))
        *out = s->paired;
    else if (!strcmp(name, "edges_screened"))
        *out = (int64_t)d->co->n_edges;
    else if (!strcmp(name, "edges_significant"))
        *out = (int64_t)d->co->n_significant;
    else if (!strcmp(name, "clusters"))
        *out = (int64_t)d->net->n_clusters;
    else if (!strcmp(name, "clustered_accounts"))
        *out = s->clustered;
    else if (!strcmp(name, "flagged_accounts"))
        *out = s->flagged;
    else if (!strcmp(name, "window"))
        *out = d->co->window;
    else if ((k = after(name, "window.")) && behaviour_of(k, &b))
        *out = d->co->windows[b];
    else if ((k = after(name, "window_long.")) && behaviour_of(k, &b))
        *out = d->co->windows_long[b];
    else
        return CHORUS_ENOTFOUND;
    return CHORUS_OK;
}

chorus_err chorus_scan_seconds(const chorus_scan *s, const char *stage, double *out)
{
    if (!s || !out)
        return CHORUS_EUSAGE;
    if (!stage) {
        if (!s->finished)
            return CHORUS_ENOTFOUND;
        *out = s->seconds_total;
        return CHORUS_OK;
    }
    for (int k = 0; k < ST__COUNT; k++) {
        if (!strcmp(stage, ch_api_stage_names[k])) {
            if (!s->ran[k])
                return CHORUS_ENOTFOUND;
            *out = s->seconds[k];
            return CHORUS_OK;
        }
    }
    return CHORUS_ENOTFOUND;
}

size_t chorus_scan_input_count(const chorus_scan *s)
{
    return s ? s->ninputs : 0;
}

chorus_err chorus_scan_input(const chorus_scan *s, size_t i, chorus_input_info *out)
{
    if (!s || !out)
        return CHORUS_EUSAGE;
    if (i >= s->ninputs)
        return CHORUS_ENOTFOUND;
    const scan_input *in = &s->inputs[i];
    *out = (chorus_input_info){in->path, in->used ? in->used->name : NULL, in->status,
                               in->records, in->posts, in->errors};
    return CHORUS_OK;
}

chorus_err chorus_scan_cluster(chorus_scan *s, size_t i, chorus_cluster *out)
{
    if (!s || !out)
        return CHORUS_EUSAGE;
    if (!s->detected || i >= s->d.net->n_clusters)
        return CHORUS_ENOTFOUND;
    const ch_cluster *c = &s->d.net->clusters[i];
    ch_store_behaviours_text(c->behaviours, s->cluster_buf, sizeof s->cluster_buf);
    *out = (chorus_cluster){(int64_t)i, c->n_members, c->score, s->cluster_buf,
                            c->first_seen, c->last_seen, c->summary ? c->summary : ""};
    return CHORUS_OK;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* A growing text with a sticky allocation failure. */
typedef struct text {
    char *p;
    size_t n, cap;
    bool oom;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (ch_grow((void **)&t->p, &t->cap, t->n + n + 1, 1)) {
        t->oom = true;
        return;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void addf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(text *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A JSON string: quotes, backslashes and control characters escaped; other bytes as they are
 * (the texts are the inputs' UTF-8). */
static void add_str(text *t, const char *s)
{
    add(t, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': add(t, "\\\"", 2); break;
        case '\\': add(t, "\\\\", 2); break;
        case '\n': add(t, "\\n", 2); break;
        case '\r': add(t, "\\r", 2); break;
        case '\t': add(t, "\\t", 2); break;
        default:
            if (*p < 0x20)
                addf(t, "\\u%04x", *p);
            else
                add(t, (const char *)p, 1);
        }
    }
    add(t, "\"", 1);
}

/* "inputs":[paths],"formats":[names or null] */
static void add_inputs(text *t, const chorus_scan *s, bool paths)
{
    if (paths) {
        add(t, ",\"inputs\":[", 11);
        for (size_t i = 0; i < s->ninputs; i++) {
            if (i)
                add(t, ",", 1);
            add_str(t, s->inputs[i].path);
        }
        add(t, "]", 1);
    }
    add(t, ",\"formats\":[", 12);
    for (size_t i = 0; i < s->ninputs; i++) {
        if (i)
            add(t, ",", 1);
        if (s->inputs[i].used)
            add_str(t, s->inputs[i].used->name);
        else
            add(t, "null", 4);
    }
    add(t, "]", 1);
}

static void json_ingest(text *t, const chorus_scan *s)
{
    const ch_corpus *c = s->corpus;
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    uint64_t errors = errors_total(st);
    addf(t, "{\"posts\":%zu,\"accounts\":%zu,\"records\":%llu,\"duplicates\":%llu,"
            "\"merged\":%llu,",
         ch_corpus_nposts(c), ch_corpus_naccounts(c), (unsigned long long)st->records,
         (unsigned long long)st->duplicates, (unsigned long long)st->merged);
    add(t, "\"by_kind\":{", 11);
    for (int k = 0; k < CH_KIND__COUNT; k++)
        addf(t, "%s\"%s\":%llu", k ? "," : "", ch_kind_name((ch_kind)k),
             (unsigned long long)st->posts_by_kind[k]);
    addf(t, "},\"errors\":%llu,\"errors_by_reason\":{", (unsigned long long)errors);
    bool first = true;
    for (int r = 0; r < CH_R__COUNT; r++) {
        if (st->errors[r]) {
            addf(t, "%s\"%s\":%llu", first ? "" : ",", ch_reason_name((ch_reason)r),
                 (unsigned long long)st->errors[r]);
            first = false;
        }
    }
    addf(t, "},\"unreadable_bytes\":%llu", (unsigned long long)st->unreadable_bytes);
    if (st->min_time != CH_UNKNOWN_I64) {
        char t0[48], t1[48];
        ch_time_format(st->min_time, t0);
        ch_time_format(st->max_time, t1);
        addf(t, ",\"first\":%lld,\"last\":%lld,\"first_iso\":\"%s\",\"last_iso\":\"%s\"",
             (long long)st->min_time, (long long)st->max_time, t0, t1);
    }
    add_inputs(t, s, true);
    addf(t, ",\"seconds\":%.3f}", s->seconds[ST_READ]);
}

static void json_scan(text *t, const chorus_scan *s)
{
    const ch_corpus *c = s->corpus;
    const ch_detect_result *d = &s->d;
    addf(t, "{\"posts\":%zu,\"accounts\":%zu,\"errors\":%llu,\"unreadable_bytes\":%llu,"
            "\"statements\":%zu,"
            "\"matches\":%zu,\"posts_matched\":%llu,\"narratives\":%zu,\"pairs\":%zu,"
            "\"edges\":%zu,"
            "\"clusters\":%zu,\"clustered_accounts\":%lld,\"flagged_accounts\":%lld,"
            "\"window\":%lld,\"paired_accounts\":%lld,\"seconds\":%.3f,\"database\":",
         ch_corpus_nposts(c), ch_corpus_naccounts(c),
         (unsigned long long)errors_total(ch_corpus_stats_get(c)),
         (unsigned long long)ch_corpus_stats_get(c)->unreadable_bytes,
         s->set ? ch_stmtset_count(s->set) : 0, d->parrot.nrows,
         (unsigned long long)d->parrot.posts_matched, d->nd ? d->nd->n_narratives : 0,
         pairs_kept(d->net), d->net->n_coact_kept, d->net->n_clusters, (long long)s->clustered,
         (long long)s->flagged, (long long)d->co->window, (long long)s->paired,
         s->seconds_total);
    add_str(t, s->output);
    add(t, ",\"top_clusters\":[", 17);
    for (size_t k = 0; k < d->net->n_clusters && k < 10; k++) {
        const ch_cluster *cl = &d->net->clusters[k];
        addf(t, "%s{\"id\":%zu,\"size\":%u,\"score\":%.3f,\"summary\":", k ? "," : "", k,
             cl->n_members, cl->score);
        add_str(t, cl->summary ? cl->summary : "");
        add(t, "}", 1);
    }
    add(t, "]", 1);
    add_inputs(t, s, true);
    add(t, "}", 1);
}

static void json_match(text *t, const chorus_scan *s)
{
    const ch_parrot_result *m = &s->mres;
    addf(t, "{\"posts\":%zu,\"accounts\":%zu,\"statements\":%zu,\"matches\":%zu,"
            "\"posts_matched\":%llu,\"reposts_of_matched\":%llu,\"index_bytes\":%zu,"
            "\"seconds\":%.3f,\"seconds_matching\":%.3f",
         ch_corpus_nposts(s->corpus), ch_corpus_naccounts(s->corpus),
         ch_stmtset_count(s->set), m->nrows, (unsigned long long)m->posts_matched,
         (unsigned long long)m->reposts_of_matched, ch_parrot_bytes(s->pix), s->seconds_total,
         s->seconds[ST_MATCH]);
    add_inputs(t, s, true);
    add(t, "}", 1);
}

const char *chorus_scan_summary_json(chorus_scan *s)
{
    if (!s || !s->corpus)
        return NULL;
    text t = {0};
    if (s->job == JOB_SCAN && s->detected)
        json_scan(&t, s);
    else if (s->job == JOB_MATCH && s->matched)
        json_match(&t, s);
    else
        json_ingest(&t, s);
    if (t.oom) {
        ch_free(t.p);
        return NULL;
    }
    ch_free(s->json);
    s->json = t.p;
    return s->json;
}
