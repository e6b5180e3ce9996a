/* alerts.c — the alert kinds of `chorus watch` and the state that raises each once: the
 * queue, statement echo, clusters across refreshes, hourly spikes (see alerts.h). */
#include "watch/alerts.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/hash.h"
#include "core/sort.h"
#include "core/vocab.h"
#include "store/scan_write.h"

#define LIST_MAX 50               /* account ids named in an alert's evidence */
#define POSTS_MAX 20              /* post ids named in an alert's evidence */
#define ECHO_CAP 1024             /* recent matches kept per statement */

static const char *const kinds[] = {"new_cluster", "cluster_grew", "statement_echo",
                                    "coordination_spike"};

const char *ch_alert_kind(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i]) == n && !memcmp(kinds[i], s, n))
            return kinds[i];
    return NULL;
}

/* "45 s", "30 min", "2 h", "3 days": a duration in the largest whole unit. */
static void fmt_duration(int64_t s, char *buf, size_t cap)
{
    if (s % 86400 == 0 && s >= 86400)
        snprintf(buf, cap, "%" PRId64 " day%s", s / 86400, s == 86400 ? "" : "s");
    else if (s % 3600 == 0 && s >= 3600)
        snprintf(buf, cap, "%" PRId64 " h", s / 3600);
    else if (s % 60 == 0 && s >= 60)
        snprintf(buf, cap, "%" PRId64 " min", s / 60);
    else
        snprintf(buf, cap, "%" PRId64 " s", s);
}

/* ---- the queue ---------------------------------------------------------------------------- */

static void alert_free(ch_alert *a)
{
    ch_free(a->statement_id);
    ch_free(a->summary);
    ch_free(a->evidence);
}

void ch_alertq_clear(ch_alertq *q)
{
    for (size_t i = 0; i < q->n; i++)
        alert_free(&q->a[i]);
    q->n = 0;
}

void ch_alertq_free(ch_alertq *q)
{
    ch_alertq_clear(q);
    ch_free(q->a);
    q->a = NULL;
    q->cap = 0;
}

static char *dup_str(const char *s)
{
    return s ? ch_strndup(s, strlen(s)) : NULL;
}

static int push_alert(ch_alertq *q, ch_alert a)
{
    if (ch_grow((void **)&q->a, &q->cap, q->n + 1, sizeof *q->a)) {
        alert_free(&a);
        return CHORUS_ENOMEM;
    }
    q->a[q->n++] = a;
    return CHORUS_OK;
}

int ch_alertq_push(ch_alertq *q, const char *kind, int64_t cluster_id, const char *statement_id,
                   const char *summary, char *evidence, int64_t now)
{
    if (q->next_id < 1)
        q->next_id = 1;
    ch_alert a = {.id = q->next_id, .created_at = now, .kind = kind, .cluster_id = cluster_id,
                  .statement_id = dup_str(statement_id), .summary = dup_str(summary),
                  .evidence = evidence};
    if (!evidence || !a.summary || (statement_id && !a.statement_id)) {
        alert_free(&a);
        return CHORUS_ENOMEM;
    }
    int rc = push_alert(q, a);
    if (!rc)
        q->next_id++;
    return rc;
}

void ch_alert_json(const ch_alert *a, ch_jbuf *b)
{
    char t[48];
    ch_jbuf_printf(b, "{\"alert_id\":%" PRId64 ",\"created_at\":%" PRId64 ",\"time\":", a->id,
                   a->created_at);
    ch_jbuf_str(b, chorus_time_format(a->created_at, t, sizeof t));
    ch_jbuf_put(b, ",\"kind\":");
    ch_jbuf_str(b, a->kind);
    ch_jbuf_put(b, ",\"cluster_id\":");
    if (a->cluster_id == CH_UNKNOWN_I64)
        ch_jbuf_put(b, "null");
    else
        ch_jbuf_i64(b, a->cluster_id);
    ch_jbuf_put(b, ",\"statement_id\":");
    ch_jbuf_str(b, a->statement_id);
    ch_jbuf_put(b, ",\"summary\":");
    ch_jbuf_str(b, a->summary);
    ch_jbuf_put(b, ",\"evidence\":");
    ch_jbuf_put(b, a->evidence);
    ch_jbuf_put(b, "}");
}

void ch_alertq_save(const ch_alertq *q, ch_jbuf *b)
{
    ch_jbuf_put(b, "[");
    for (size_t i = 0; i < q->n; i++) {
        const ch_alert *a = &q->a[i];
        ch_jbuf_printf(b, "%s{\"id\":%" PRId64 ",\"created_at\":%" PRId64 ",\"kind\":",
                       i ? "," : "", a->id, a->created_at);
        ch_jbuf_str(b, a->kind);
        ch_jbuf_put(b, ",\"cluster_id\":");
        if (a->cluster_id == CH_UNKNOWN_I64)
            ch_jbuf_put(b, "null");
        else
            ch_jbuf_i64(b, a->cluster_id);
        ch_jbuf_put(b, ",\"statement_id\":");
        ch_jbuf_str(b, a->statement_id);
        ch_jbuf_put(b, ",\"summary\":");
        ch_jbuf_str(b, a->summary);
        /* the evidence as a string, so it comes back byte for byte */
        ch_jbuf_put(b, ",\"evidence\":");
        ch_jbuf_str(b, a->evidence);
        ch_jbuf_put(b, "}");
    }
    ch_jbuf_put(b, "]");
}

/* A string field of o, copied (NULL when absent or null; *bad set when of another type). */
static char *get_dup(ch_json_val o, const char *key, bool *bad)
{
    ch_json_val v = ch_json_get(o, key);
    const char *s;
    size_t n;
    if (!ch_json_present(v) || ch_json_is_null(v))
        return NULL;
    if (!ch_json_str(v, &s, &n)) {
        *bad = true;
        return NULL;
    }
    char *d = ch_strndup(s, n);
    if (!d)
        *bad = true;
    return d;
}

int ch_alertq_load(ch_alertq *q, ch_json_val arr)
{
    ch_json_iter it;
    ch_json_val o;
    if (!ch_json_iter_init(arr, &it))
        return ch_json_present(arr) ? CHORUS_EPARSE : CHORUS_OK;
    while (ch_json_arr_next(&it, &o)) {
        bool bad = false;
        const char *ks;
        size_t kn;
        ch_alert a = {.cluster_id = CH_UNKNOWN_I64};
        if (!ch_json_int64(ch_json_get(o, "id"), &a.id) ||
            !ch_json_int64(ch_json_get(o, "created_at"), &a.created_at) ||
            !ch_json_get_str(o, "kind", &ks, &kn) || !(a.kind = ch_alert_kind(ks, kn)))
            return CHORUS_EPARSE;
        ch_json_val cid = ch_json_get(o, "cluster_id");
        if (ch_json_present(cid) && !ch_json_is_null(cid) && !ch_json_int64(cid, &a.cluster_id))
            return CHORUS_EPARSE;
        a.statement_id = get_dup(o, "statement_id", &bad);
        a.summary = get_dup(o, "summary", &bad);
        a.evidence = get_dup(o, "evidence", &bad);
        if (bad || !a.summary || !a.evidence) {
            alert_free(&a);
            return CHORUS_EPARSE;
        }
        if (push_alert(q, a))
            return CHORUS_ENOMEM;
        if (a.id >= q->next_id)
            q->next_id = a.id + 1;
    }
    return CHORUS_OK;
}

uint64_t ch_account_key(const ch_corpus *c, uint32_t account)
{
    const ch_account *a = ch_corpus_account(c, account);
    const ch_pool *pool = ch_corpus_pool(c);
    const char *plat = ch_corpus_platform_name(c, a->platform);
    /* the platform's hash seeds the id's: "x"/"1" and "x1"/"" never meet */
    const uint64_t seed = XXH3_64bits(plat, strlen(plat));
    return XXH3_64bits_withSeed(ch_pool_str(pool, a->id), ch_pool_len(pool, a->id), seed);
}

static const char *acct_id(const ch_corpus *c, uint32_t account)
{
    return ch_pool_str(ch_corpus_pool(c), ch_corpus_account(c, account)->id);
}

static const char *post_id(const ch_corpus *c, uint32_t post)
{
    return ch_pool_str(ch_corpus_pool(c), ch_corpus_post(c, post)->id);
}

/* ---- statement echo ----------------------------------------------------------------------- */

typedef struct echo_ent {
    int64_t t;
    uint64_t acct;
    char *acct_id, *post;
} echo_ent;

typedef struct echo_stmt {
    char *id;
    bool armed;
    echo_ent *ent;                /* in arrival order */
    size_t n, cap;
} echo_stmt;

struct ch_echo {
    unsigned k;
    int64_t window;
    echo_stmt *s;
    size_t n, cap;
    uint32_t *slot;               /* XXH3(id) -> index + 1, open addressing */
    size_t nslot;
};

int ch_echo_new(unsigned k, int64_t window, ch_echo **out)
{
    *out = ch_calloc(1, sizeof **out);
    if (!*out)
        return CHORUS_ENOMEM;
    (*out)->k = k ? k : 1;
    (*out)->window = window > 0 ? window : 3600;
    return CHORUS_OK;
}

static void ent_free(echo_ent *e)
{
    ch_free(e->acct_id);
    ch_free(e->post);
}

void ch_echo_free(ch_echo *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        for (size_t j = 0; j < e->s[i].n; j++)
            ent_free(&e->s[i].ent[j]);
        ch_free(e->s[i].ent);
        ch_free(e->s[i].id);
    }
    ch_free(e->s);
    ch_free(e->slot);
    ch_free(e);
}

static int rehash(ch_echo *e, size_t nslot)
{
    uint32_t *slot = ch_calloc(nslot, sizeof *slot);
    if (!slot)
        return CHORUS_ENOMEM;
    for (size_t i = 0; i < e->n; i++) {
        size_t h = (size_t)XXH3_64bits(e->s[i].id, strlen(e->s[i].id)) & (nslot - 1);
        while (slot[h])
            h = (h + 1) & (nslot - 1);
        slot[h] = (uint32_t)(i + 1);
    }
    ch_free(e->slot);
    e->slot = slot;
    e->nslot = nslot;
    return CHORUS_OK;
}

/* The state of statement `id`, created when new (NULL: out of memory). */
static echo_stmt *echo_find(ch_echo *e, const char *id, bool create)
{
    size_t len = strlen(id);
    if (e->nslot) {
        size_t h = (size_t)XXH3_64bits(id, len) & (e->nslot - 1);
        while (e->slot[h]) {
            echo_stmt *s = &e->s[e->slot[h] - 1];
            if (!strcmp(s->id, id))
                return s;
            h = (h + 1) & (e->nslot - 1);
        }
    }
    if (!create)
        return NULL;
    if (ch_grow((void **)&e->s, &e->cap, e->n + 1, sizeof *e->s))
        return NULL;
    echo_stmt s = {.id = ch_strndup(id, len), .armed = true};
    if (!s.id)
        return NULL;
    e->s[e->n++] = s;
    if (2 * e->n > e->nslot) {
        if (rehash(e, e->nslot ? 2 * e->nslot : 64)) {   /* inserts every statement */
            ch_free(e->s[--e->n].id);
            return NULL;
        }
    } else {
        size_t h = (size_t)XXH3_64bits(id, len) & (e->nslot - 1);
        while (e->slot[h])
            h = (h + 1) & (e->nslot - 1);
        e->slot[h] = (uint32_t)e->n;
    }
    return &e->s[e->n - 1];
}

/* Distinct accounts among the entries; with `list`, the JSON lists of the first LIST_MAX of
 * them and of one post each. */
static size_t distinct(const echo_stmt *s, ch_jbuf *accts, ch_jbuf *posts)
{
    size_t nslot = 16;
    while (nslot < 2 * s->n)
        nslot *= 2;
    uint64_t stack[2 * ECHO_CAP];
    uint64_t *set = nslot <= 2 * ECHO_CAP ? stack : NULL;
    if (!set)
        return s->n; /* cannot happen: n <= ECHO_CAP */
    memset(set, 0, nslot * sizeof *set);
    size_t d = 0;
    bool zero = false;            /* 0 marks an empty slot: key 0 is tracked aside */
    for (size_t i = 0; i < s->n; i++) {
        uint64_t key = s->ent[i].acct;
        if (key == 0) {
            if (zero)
                continue;
            zero = true;
        } else {
            size_t h = (size_t)ch_mix64(key) & (nslot - 1);
            while (set[h] && set[h] != key)
                h = (h + 1) & (nslot - 1);
            if (set[h])
                continue;
            set[h] = key;
        }
        if (accts && d < LIST_MAX) {
            ch_jbuf_put(accts, d ? "," : "");
            ch_jbuf_str(accts, s->ent[i].acct_id);
            ch_jbuf_put(posts, d ? "," : "");
            ch_jbuf_str(posts, s->ent[i].post);
        }
        d++;
    }
    return d;
}

int ch_echo_add(ch_echo *e, const char *stmt, uint64_t acct_key, const char *acct,
                const char *post, int64_t t, int64_t now, ch_alertq *q, int64_t wall)
{
    echo_stmt *s = echo_find(e, stmt, true);
    if (!s)
        return CHORUS_ENOMEM;
    /* forget matches older than the window */
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->ent[i].t < now - e->window)
            ent_free(&s->ent[i]);
        else
            s->ent[k++] = s->ent[i];
    }
    s->n = k;
    if (t < now - e->window)
        return CHORUS_OK;
    if (distinct(s, NULL, NULL) < e->k)
        s->armed = true;
    if (s->n == ECHO_CAP) {
        /* the oldest arrival goes: the count saturates at ECHO_CAP >= k */
        ent_free(&s->ent[0]);
        memmove(s->ent, s->ent + 1, (s->n - 1) * sizeof *s->ent);
        s->n--;
    }
    if (ch_grow((void **)&s->ent, &s->cap, s->n + 1, sizeof *s->ent))
        return CHORUS_ENOMEM;
    echo_ent en = {t, acct_key, ch_strndup(acct, strlen(acct)), ch_strndup(post, strlen(post))};
    if (!en.acct_id || !en.post) {
        ent_free(&en);
        return CHORUS_ENOMEM;
    }
    s->ent[s->n++] = en;
    if (!s->armed)
        return CHORUS_OK;
    ch_jbuf accts = {0}, posts = {0}, ev = {0};
    size_t d = distinct(s, &accts, &posts);
    if (d < e->k) {
        ch_jbuf_free(&accts);
        ch_jbuf_free(&posts);
        return CHORUS_OK;
    }
    s->armed = false;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < s->n; i++) {
        first = s->ent[i].t < first ? s->ent[i].t : first;
        last = s->ent[i].t > last ? s->ent[i].t : last;
    }
    ch_jbuf_put(&ev, "{\"statement\":");
    ch_jbuf_str(&ev, s->id);
    ch_jbuf_printf(&ev, ",\"n_accounts\":%zu,\"window\":%" PRId64 ",\"first\":%" PRId64
                        ",\"last\":%" PRId64 ",\"data_time\":%" PRId64 ",\"accounts\":[",
                   d, e->window, first, last, now);
    ch_jbuf_put(&ev, accts.p ? accts.p : "");
    ch_jbuf_put(&ev, "],\"posts\":[");
    ch_jbuf_put(&ev, posts.p ? posts.p : "");
    ch_jbuf_put(&ev, "]}");
    bool ok = ch_jbuf_ok(&accts) && ch_jbuf_ok(&posts);
    ch_jbuf_free(&accts);
    ch_jbuf_free(&posts);
    char win[32], summary[512];
    fmt_duration(e->window, win, sizeof win);
    snprintf(summary, sizeof summary, "statement '%.200s' echoed by %zu accounts within %s",
             s->id, d, win);
    char *evidence = ch_jbuf_take(&ev);
    if (!ok) {
        ch_free(evidence);
        return CHORUS_ENOMEM;
    }
    return ch_alertq_push(q, kinds[2], CH_UNKNOWN_I64, s->id, summary, evidence, wall);
}

void ch_echo_save(const ch_echo *e, ch_jbuf *b)
{
    ch_jbuf_put(b, "[");
    for (size_t i = 0; i < e->n; i++) {
        const echo_stmt *s = &e->s[i];
        ch_jbuf_put(b, i ? ",{\"id\":" : "{\"id\":");
        ch_jbuf_str(b, s->id);
        ch_jbuf_printf(b, ",\"armed\":%s,\"matches\":[", s->armed ? "true" : "false");
        for (size_t j = 0; j < s->n; j++) {
            ch_jbuf_printf(b, "%s[%" PRId64 ",\"%016" PRIx64 "\",", j ? "," : "", s->ent[j].t,
                           s->ent[j].acct);
            ch_jbuf_str(b, s->ent[j].acct_id);
            ch_jbuf_put(b, ",");
            ch_jbuf_str(b, s->ent[j].post);
            ch_jbuf_put(b, "]");
        }
        ch_jbuf_put(b, "]}");
    }
    ch_jbuf_put(b, "]");
}

int ch_echo_load(ch_echo *e, ch_json_val v)
{
    ch_json_iter it, mit, fit;
    ch_json_val o, m, f;
    if (!ch_json_iter_init(v, &it))
        return ch_json_present(v) ? CHORUS_EPARSE : CHORUS_OK;
    while (ch_json_arr_next(&it, &o)) {
        const char *id;
        size_t idn;
        bool armed;
        if (!ch_json_get_str(o, "id", &id, &idn) || !ch_json_bool(ch_json_get(o, "armed"), &armed))
            return CHORUS_EPARSE;
        char *idz = ch_strndup(id, idn);
        if (!idz)
            return CHORUS_ENOMEM;
        echo_stmt *s = echo_find(e, idz, true);
        ch_free(idz);
        if (!s)
            return CHORUS_ENOMEM;
        s->armed = armed;
        if (!ch_json_iter_init(ch_json_get(o, "matches"), &mit))
            return CHORUS_EPARSE;
        while (ch_json_arr_next(&mit, &m) && s->n < ECHO_CAP) {
            ch_json_val part[4];
            size_t np = 0;
            if (!ch_json_iter_init(m, &fit))
                return CHORUS_EPARSE;
            while (np < 4 && ch_json_arr_next(&fit, &f))
                part[np++] = f;
            int64_t t;
            const char *hx, *a, *p;
            size_t hn, an, pn;
            if (np != 4 || !ch_json_int64(part[0], &t) || !ch_json_str(part[1], &hx, &hn) ||
                hn != 16 || !ch_json_str(part[2], &a, &an) || !ch_json_str(part[3], &p, &pn))
                return CHORUS_EPARSE;
            char hex[17];
            memcpy(hex, hx, 16);
            hex[16] = '\0';
            if (ch_grow((void **)&s->ent, &s->cap, s->n + 1, sizeof *s->ent))
                return CHORUS_ENOMEM;
            echo_ent en = {t, strtoull(hex, NULL, 16), ch_strndup(a, an), ch_strndup(p, pn)};
            if (!en.acct_id || !en.post) {
                ent_free(&en);
                return CHORUS_ENOMEM;
            }
            s->ent[s->n++] = en;
        }
    }
    return CHORUS_OK;
}

size_t ch_echo_bytes(const ch_echo *e)
{
    size_t b = e->cap * sizeof *e->s + e->nslot * sizeof *e->slot;
    for (size_t i = 0; i < e->n; i++)
        b += e->s[i].cap * (sizeof(echo_ent) + 64);
    return b;
}

/* ---- clusters across refreshes ------------------------------------------------------------ */

typedef struct track {
    int64_t id;
    int64_t since;                /* wall clock when opened */
    uint32_t alerted;             /* size at its last alert */
    uint32_t missed;              /* refreshes in a row without a cluster */
    uint64_t *m;                  /* member keys, ascending */
    uint32_t nm;
} track;

struct ch_tracker {
    ch_tracker_opts o;
    track *t;
    size_t n, cap;
    int64_t next_id;
};

int ch_tracker_new(const ch_tracker_opts *o, ch_tracker **out)
{
    ch_tracker *t = ch_calloc(1, sizeof *t);
    *out = t;
    if (!t)
        return CHORUS_ENOMEM;
    if (o)
        t->o = *o;
    if (!(t->o.grow_ratio > 0))
        t->o.grow_ratio = 0.5;
    if (!t->o.grow_min)
        t->o.grow_min = 3;
    if (!t->o.grace)
        t->o.grace = 6;
    if (!t->o.max_tracks)
        t->o.max_tracks = 10000;
    t->next_id = 1;
    return CHORUS_OK;
}

void ch_tracker_free(ch_tracker *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        ch_free(t->t[i].m);
    ch_free(t->t);
    ch_free(t);
}

size_t ch_tracker_count(const ch_tracker *t)
{
    return t->n;
}

int64_t ch_tracker_next_id(const ch_tracker *t)
{
    return t->next_id;
}

typedef struct keyref {
    uint64_t key;
    uint32_t track;
} keyref;

static int cmp_keyref(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->track < y->track ? -1 : x->track > y->track;
}

typedef struct cand {
    uint32_t cluster, track, overlap;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->overlap != y->overlap)
        return x->overlap > y->overlap ? -1 : 1;
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return x->track < y->track ? -1 : x->track > y->track;
}

static bool has_key(const uint64_t *m, uint32_t n, uint64_t k)
{
    return bsearch(&k, m, n, sizeof *m, ch_cmp_u64) != NULL;
}

/* The common part of a cluster's evidence: its figures in this refresh. */
static void cluster_json(ch_jbuf *b, const ch_cluster *cl, size_t rank)
{
    char beh[160];
    ch_store_behaviours_text(cl->behaviours, beh, sizeof beh);
    ch_jbuf_printf(b, "\"cluster\":{\"rank\":%zu,\"size\":%" PRIu32 ",\"score\":%.4f,\"behaviours\":",
                   rank, cl->n_members, cl->score);
    ch_jbuf_str(b, beh);
    ch_jbuf_printf(b, ",\"first_seen\":%" PRId64 ",\"last_seen\":%" PRId64 "}", cl->first_seen,
                   cl->last_seen);
}

/* Up to POSTS_MAX post ids of the cluster's evidence, preferring rows that involve an account
 * of `only` (NULL: any). */
static void evidence_posts(ch_jbuf *b, const ch_corpus *c, const ch_detect_result *r,
                           const ch_cluster *cl, const uint64_t *only, uint32_t nonly)
{
    size_t n = 0;
    for (int pass = only ? 0 : 1; pass < 2 && n < POSTS_MAX; pass++) {
        for (uint32_t i = 0; i < cl->n_evidence && n < POSTS_MAX; i++) {
            const ch_shared *sh = &r->co->shared[cl->evidence[i]];
            uint32_t pa = sh->post_a, pb = sh->post_b;
            bool involved = !only ||
                            has_key(only, nonly,
                                    ch_account_key(c, ch_corpus_post(c, pa)->account)) ||
                            has_key(only, nonly, ch_account_key(c, ch_corpus_post(c, pb)->account));
            if ((pass == 0) != involved)
                continue;
            ch_jbuf_put(b, n ? "," : "");
            ch_jbuf_str(b, post_id(c, pa));
            ch_jbuf_put(b, ",");
            ch_jbuf_str(b, post_id(c, pb));
            n += 2;
        }
    }
}

static int alert_new(ch_tracker *t, const ch_corpus *c, const ch_detect_result *r, size_t k,
                     const track *tr, int64_t now, int64_t data_time, ch_alertq *q)
{
    const ch_cluster *cl = &r->net->clusters[k];
    ch_jbuf ev = {0};
    ch_jbuf_put(&ev, "{");
    cluster_json(&ev, cl, k);
    ch_jbuf_printf(&ev, ",\"n_accounts\":%" PRIu32 ",\"data_time\":%" PRId64 ",\"accounts\":[",
                   cl->n_members, data_time);
    for (uint32_t i = 0; i < cl->n_members && i < LIST_MAX; i++) {
        ch_jbuf_put(&ev, i ? "," : "");
        ch_jbuf_str(&ev, acct_id(c, cl->members[i]));
    }
    ch_jbuf_put(&ev, "],\"posts\":[");
    evidence_posts(&ev, c, r, cl, NULL, 0);
    ch_jbuf_put(&ev, "]}");
    char summary[640];
    snprintf(summary, sizeof summary, "new cluster %" PRId64 ": %.560s", tr->id,
             cl->summary ? cl->summary : "");
    char *evidence = ch_jbuf_take(&ev);
    return ch_alertq_push(q, kinds[0], tr->id, NULL, summary, evidence, now);
}

static int alert_grew(ch_tracker *t, const ch_corpus *c, const ch_detect_result *r, size_t k,
                      const track *tr, const uint64_t *old, uint32_t nold, int64_t now,
                      int64_t data_time, ch_alertq *q)
{
    const ch_cluster *cl = &r->net->clusters[k];
    ch_jbuf ev = {0};
    uint64_t *fresh = ch_malloc((cl->n_members + 1) * sizeof *fresh);
    if (!fresh)
        return CHORUS_ENOMEM;
    uint32_t nfresh = 0;
    ch_jbuf_put(&ev, "{");
    cluster_json(&ev, cl, k);
    ch_jbuf_printf(&ev, ",\"size_before\":%" PRIu32 ",\"size\":%" PRIu32 ",\"data_time\":%" PRId64
                        ",\"new_accounts\":[",
                   tr->alerted, cl->n_members, data_time);
    for (uint32_t i = 0; i < cl->n_members; i++) {
        uint64_t key = ch_account_key(c, cl->members[i]);
        if (has_key(old, nold, key))
            continue;
        if (nfresh < LIST_MAX) {
            ch_jbuf_put(&ev, nfresh ? "," : "");
            ch_jbuf_str(&ev, acct_id(c, cl->members[i]));
        }
        fresh[nfresh++] = key;
    }
    ch_sort(fresh, nfresh, sizeof *fresh, ch_cmp_u64);
    ch_jbuf_put(&ev, "],\"posts\":[");
    evidence_posts(&ev, c, r, cl, fresh, nfresh);
    ch_jbuf_put(&ev, "]}");
    ch_free(fresh);
    char summary[640];
    snprintf(summary, sizeof summary, "cluster %" PRId64 " grew from %" PRIu32 " to %" PRIu32
                                      " accounts: %.520s",
             tr->id, tr->alerted, cl->n_members, cl->summary ? cl->summary : "");
    char *evidence = ch_jbuf_take(&ev);
    return ch_alertq_push(q, kinds[1], tr->id, NULL, summary, evidence, now);
}

/* Drops the tracks that were missed too often, and the oldest missed ones above max_tracks. */
static void prune_tracks(ch_tracker *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->t[i].missed > t->o.grace)
            ch_free(t->t[i].m);
        else
            t->t[k++] = t->t[i];
    }
    t->n = k;
    while (t->n > t->o.max_tracks) {
        size_t worst = 0;
        for (size_t i = 1; i < t->n; i++)
            if (t->t[i].missed > t->t[worst].missed ||
                (t->t[i].missed == t->t[worst].missed && t->t[i].id < t->t[worst].id))
                worst = i;
        ch_free(t->t[worst].m);
        memmove(&t->t[worst], &t->t[worst + 1], (t->n - worst - 1) * sizeof *t->t);
        t->n--;
    }
}

int ch_tracker_refresh(ch_tracker *t, const ch_corpus *c, const ch_detect_result *r,
                       int64_t now, int64_t data_time, ch_alertq *q, int64_t *track_of,
                       int64_t *since)
{
    const ch_network *net = r->net;
    size_t nc = net ? net->n_clusters : 0;
    int rc = CHORUS_OK;
    uint64_t **mem = NULL;        /* per cluster: member keys, ascending */
    keyref *refs = NULL;
    cand *cands = NULL;
    uint32_t *count = NULL, *touched = NULL;
    int32_t *match_of_cluster = NULL;
    bool *track_taken = NULL;
    size_t nrefs = 0, ncand = 0, cap_cand = 0;

    mem = ch_calloc(nc + 1, sizeof *mem);
    match_of_cluster = ch_malloc((nc + 1) * sizeof *match_of_cluster);
    track_taken = ch_calloc(t->n + 1, sizeof *track_taken);
    count = ch_calloc(t->n + 1, sizeof *count);
    touched = ch_malloc((t->n + 1) * sizeof *touched);
    if (!mem || !match_of_cluster || !track_taken || !count || !touched) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < nc; k++) {
        const ch_cluster *cl = &net->clusters[k];
        match_of_cluster[k] = -1;
        if (!(mem[k] = ch_malloc((cl->n_members + 1) * sizeof **mem))) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
        for (uint32_t i = 0; i < cl->n_members; i++)
            mem[k][i] = ch_account_key(c, cl->members[i]);
        ch_sort(mem[k], cl->n_members, sizeof **mem, ch_cmp_u64);
    }
    /* every (member, track) of the tracks, sorted by member: a cluster's overlaps are found
     * by looking its members up */
    for (size_t j = 0; j < t->n; j++)
        nrefs += t->t[j].nm;
    if (!(refs = ch_malloc((nrefs + 1) * sizeof *refs))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    nrefs = 0;
    for (size_t j = 0; j < t->n; j++)
        for (uint32_t i = 0; i < t->t[j].nm; i++)
            refs[nrefs++] = (keyref){t->t[j].m[i], (uint32_t)j};
    ch_sort(refs, nrefs, sizeof *refs, cmp_keyref);
    for (size_t k = 0; k < nc; k++) {
        uint32_t nm = net->clusters[k].n_members, ntouched = 0;
        for (uint32_t i = 0; i < nm; i++) {
            /* lower bound of the key */
            size_t lo = 0, hi = nrefs;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (refs[mid].key < mem[k][i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < nrefs && refs[lo].key == mem[k][i]; lo++) {
                if (count[refs[lo].track]++ == 0)
                    touched[ntouched++] = refs[lo].track;
            }
        }
        for (uint32_t x = 0; x < ntouched; x++) {
            uint32_t j = touched[x], ov = count[j];
            count[j] = 0;
            uint32_t smaller = nm < t->t[j].nm ? nm : t->t[j].nm;
            if (ov < 2 || 2 * ov < smaller)
                continue;
            if (ch_grow((void **)&cands, &cap_cand, ncand + 1, sizeof *cands)) {
                rc = CHORUS_ENOMEM;
                goto out;
            }
            cands[ncand++] = (cand){(uint32_t)k, j, ov};
        }
    }
    if (ncand)   /* qsort wants a non-NULL array even for none */
        ch_sort(cands, ncand, sizeof *cands, cmp_cand);
    for (size_t i = 0; i < ncand; i++) {
        if (match_of_cluster[cands[i].cluster] >= 0 || track_taken[cands[i].track])
            continue;
        match_of_cluster[cands[i].cluster] = (int32_t)cands[i].track;
        track_taken[cands[i].track] = true;
    }
    /* matched: new members, maybe an alert; missed: one more miss */
    size_t nt_before = t->n;
    for (size_t j = 0; j < nt_before; j++)
        if (!track_taken[j])
            t->t[j].missed++;
    for (size_t k = 0; k < nc && !rc; k++) {
        const ch_cluster *cl = &net->clusters[k];
        if (match_of_cluster[k] >= 0) {
            track *tr = &t->t[match_of_cluster[k]];
            uint32_t need = tr->alerted + (uint32_t)ceil(t->o.grow_ratio * tr->alerted);
            if (need < tr->alerted + t->o.grow_min)
                need = tr->alerted + t->o.grow_min;
            if (cl->n_members >= need) {
                rc = alert_grew(t, c, r, k, tr, tr->m, tr->nm, now, data_time, q);
                tr->alerted = cl->n_members;
            }
            ch_free(tr->m);
            tr->m = mem[k];
            tr->nm = cl->n_members;
            mem[k] = NULL;
            tr->missed = 0;
            track_of[k] = tr->id;
            since[k] = tr->since;
            continue;
        }
        if (ch_grow((void **)&t->t, &t->cap, t->n + 1, sizeof *t->t)) {
            rc = CHORUS_ENOMEM;
            break;
        }
        track tr = {.id = t->next_id++, .since = now, .alerted = cl->n_members, .m = mem[k],
                    .nm = cl->n_members};
        mem[k] = NULL;
        t->t[t->n++] = tr;
        track_of[k] = tr.id;
        since[k] = tr.since;
        rc = alert_new(t, c, r, k, &tr, now, data_time, q);
    }
    prune_tracks(t);
out:
    for (size_t k = 0; mem && k < nc; k++)
        ch_free(mem[k]);
    ch_free(mem);
    ch_free(refs);
    ch_free(cands);
    ch_free(count);
    ch_free(touched);
    ch_free(match_of_cluster);
    ch_free(track_taken);
    return rc;
}

void ch_tracker_save(const ch_tracker *t, ch_jbuf *b)
{
    ch_jbuf_printf(b, "{\"next_id\":%" PRId64 ",\"tracks\":[", t->next_id);
    for (size_t j = 0; j < t->n; j++) {
        const track *tr = &t->t[j];
        ch_jbuf_printf(b, "%s{\"id\":%" PRId64 ",\"since\":%" PRId64 ",\"alerted\":%" PRIu32
                          ",\"missed\":%" PRIu32 ",\"members\":\"",
                       j ? "," : "", tr->id, tr->since, tr->alerted, tr->missed);
        for (uint32_t i = 0; i < tr->nm; i++)
            ch_jbuf_printf(b, "%016" PRIx64, tr->m[i]);
        ch_jbuf_put(b, "\"}");
    }
    ch_jbuf_put(b, "]}");
}

int ch_tracker_load(ch_tracker *t, ch_json_val v)
{
    if (!ch_json_present(v))
        return CHORUS_OK;
    if (!ch_json_int64(ch_json_get(v, "next_id"), &t->next_id))
        return CHORUS_EPARSE;
    ch_json_iter it;
    ch_json_val o;
    if (!ch_json_iter_init(ch_json_get(v, "tracks"), &it))
        return CHORUS_EPARSE;
    while (ch_json_arr_next(&it, &o)) {
        track tr = {0};
        int64_t alerted, missed;
        const char *hx;
        size_t hn;
        if (!ch_json_int64(ch_json_get(o, "id"), &tr.id) ||
            !ch_json_int64(ch_json_get(o, "since"), &tr.since) ||
            !ch_json_int64(ch_json_get(o, "alerted"), &alerted) ||
            !ch_json_int64(ch_json_get(o, "missed"), &missed) ||
            !ch_json_get_str(o, "members", &hx, &hn) || hn % 16 || alerted < 0 ||
            alerted > UINT32_MAX || missed < 0 || missed > UINT32_MAX || hn / 16 > UINT32_MAX)
            return CHORUS_EPARSE;
        tr.alerted = (uint32_t)alerted;
        tr.missed = (uint32_t)missed;
        tr.nm = (uint32_t)(hn / 16);
        if (!(tr.m = ch_malloc((tr.nm + 1) * sizeof *tr.m)))
            return CHORUS_ENOMEM;
        for (uint32_t i = 0; i < tr.nm; i++) {
            char hex[17];
            memcpy(hex, hx + 16 * (size_t)i, 16);
            hex[16] = '\0';
            char *end;
            tr.m[i] = strtoull(hex, &end, 16);
            if (*end) {
                ch_free(tr.m);
                return CHORUS_EPARSE;
            }
        }
        ch_sort(tr.m, tr.nm, sizeof *tr.m, ch_cmp_u64);
        if (ch_grow((void **)&t->t, &t->cap, t->n + 1, sizeof *t->t)) {
            ch_free(tr.m);
            return CHORUS_ENOMEM;
        }
        t->t[t->n++] = tr;
    }
    return CHORUS_OK;
}

/* ---- hourly coordination spikes ----------------------------------------------------------- */

static double median_of(int64_t *v, size_t n)
{
    ch_sort(v, n, sizeof *v, ch_cmp_i64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

#define SPIKE_BASE_MIN 6          /* baseline hours needed */
#define SPIKE_BASE_MAX (7 * 24)   /* baseline hours used at most */

static int spike_alert(ch_spike *s, const ch_corpus *c, const ch_detect_result *r,
                       const int64_t *track_of, int64_t hour, int64_t x, double med, double mad,
                       double z, size_t nbase, int64_t now, ch_alertq *q)
{
    const ch_network *net = r->net;
    /* the clusters and posts of the hour: tracks by post count, first posts in corpus order */
    size_t nc = net->n_clusters;
    int64_t *per = ch_calloc(nc + 1, sizeof *per);
    if (!per)
        return CHORUS_ENOMEM;
    ch_jbuf posts = {0}, accts = {0}, ev = {0};
    size_t np = 0, na = 0;
    uint32_t last_acct = UINT32_MAX;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind == CH_KIND_LIKE || p->created_at < hour || p->created_at >= hour + 3600)
            continue;
        uint32_t k = net->cluster_of_account[p->account];
        if (k == CH_NONE)
            continue;
        per[k]++;
        if (np < POSTS_MAX) {
            ch_jbuf_put(&posts, np++ ? "," : "");
            ch_jbuf_str(&posts, post_id(c, (uint32_t)i));
        }
        if (na < POSTS_MAX && p->account != last_acct) {
            ch_jbuf_put(&accts, na++ ? "," : "");
            ch_jbuf_str(&accts, acct_id(c, p->account));
            last_acct = p->account;
        }
    }
    size_t top = 0;
    for (size_t k = 1; k < nc; k++)
        if (per[k] > per[top])
            top = k;
    char t0[48];
    chorus_time_format(hour, t0, sizeof t0);
    ch_jbuf_printf(&ev, "{\"hour\":%" PRId64 ",\"hour_end\":%" PRId64 ",\"count\":%" PRId64
                        ",\"median\":%.1f,\"mad\":%.1f,\"z\":%.2f,\"baseline_hours\":%zu,"
                        "\"clusters\":[",
                   hour, hour + 3600, x, med, mad, z, nbase);
    /* clusters with posts in the hour, most first (at most 10) */
    size_t listed = 0;
    for (size_t pass = 0; pass < 10; pass++) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < nc; k++)
            if (per[k] > 0 && (best == SIZE_MAX || per[k] > per[best]))
                best = k;
        if (best == SIZE_MAX)
            break;
        ch_jbuf_printf(&ev, "%s{\"cluster_id\":%" PRId64 ",\"posts\":%" PRId64 "}",
                       listed++ ? "," : "", track_of[best], per[best]);
        per[best] = -per[best];   /* listed: negative, restored below */
    }
    for (size_t k = 0; k < nc; k++)
        if (per[k] < 0)
            per[k] = -per[k];
    ch_jbuf_put(&ev, "],\"accounts\":[");
    ch_jbuf_put(&ev, accts.p ? accts.p : "");
    ch_jbuf_put(&ev, "],\"posts\":[");
    ch_jbuf_put(&ev, posts.p ? posts.p : "");
    ch_jbuf_put(&ev, "]}");
    bool ok = ch_jbuf_ok(&posts) && ch_jbuf_ok(&accts);
    ch_jbuf_free(&posts);
    ch_jbuf_free(&accts);
    int64_t cluster = nc && per[top] > 0 ? track_of[top] : CH_UNKNOWN_I64;
    ch_free(per);
    char summary[256];
    snprintf(summary, sizeof summary,
             "coordination spike in the hour from %s: %" PRId64 " posts by clustered accounts "
             "(usually %.0f; robust z %.1f)",
             t0, x, med, z);
    char *evidence = ch_jbuf_take(&ev);
    if (!ok) {
        ch_free(evidence);
        return CHORUS_ENOMEM;
    }
    (void)s;
    return ch_alertq_push(q, kinds[3], cluster, NULL, summary, evidence, now);
}

int ch_spike_refresh(ch_spike *s, const ch_corpus *c, const ch_detect_result *r,
                     const int64_t *track_of, int64_t start, int64_t watermark, int64_t now,
                     ch_alertq *q)
{
    if (watermark == INT64_MIN || start > watermark)
        return CHORUS_OK;
    /* hours: the first whole hour after the horizon's start .. the last complete hour */
    int64_t h0 = (start / 3600 + 1) * 3600;
    int64_t hn = (watermark / 3600) * 3600 - 3600;
    if (hn < h0)
        return CHORUS_OK;
    int64_t first = s->last_hour == INT64_MIN ? h0 : s->last_hour + 3600;
    if (first < h0 + SPIKE_BASE_MIN * 3600)
        first = h0 + SPIKE_BASE_MIN * 3600;
    if (first > hn)
        return CHORUS_OK;   /* nothing new, or not enough baseline yet: judged later */
    size_t nh = (size_t)((hn - h0) / 3600) + 1;
    int64_t *cnt = ch_calloc(nh, sizeof *cnt);
    int64_t *base = ch_malloc(SPIKE_BASE_MAX * sizeof *base);
    if (!cnt || !base) {
        ch_free(cnt);
        ch_free(base);
        return CHORUS_ENOMEM;
    }
    const ch_network *net = r->net;
    for (size_t i = 0; net && i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->kind == CH_KIND_LIKE || p->created_at < h0 || p->created_at >= hn + 3600)
            continue;
        if (net->cluster_of_account[p->account] == CH_NONE)
            continue;
        cnt[(p->created_at - h0) / 3600]++;
    }
    int rc = CHORUS_OK;
    for (int64_t h = first; h <= hn && !rc; h += 3600) {
        size_t i = (size_t)((h - h0) / 3600);
        size_t from = i > SPIKE_BASE_MAX ? i - SPIKE_BASE_MAX : 0, nb = i - from;
        if (nb < SPIKE_BASE_MIN)
            continue;
        memcpy(base, cnt + from, nb * sizeof *base);
        double med = median_of(base, nb);
        for (size_t b = 0; b < nb; b++) {
            double d = fabs((double)cnt[from + b] - med);
            base[b] = (int64_t)llround(d * 2);   /* halves stay exact */
        }
        double mad = median_of(base, nb) / 2;
        double sd = 1.4826 * mad;
        double z = ((double)cnt[i] - med) / (sd > 1 ? sd : 1);
        if (z >= s->z && cnt[i] >= (int64_t)s->min_count)
            rc = spike_alert(s, c, r, track_of, h, cnt[i], med, mad, z, nb, now, q);
    }
    s->last_hour = hn;
    ch_free(cnt);
    ch_free(base);
    return rc;
}
