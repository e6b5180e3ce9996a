/*
 * coact_events.c — turns posts into co-action events: which object each post acts on, per
 * behaviour (see coact.h for the behaviours and docs/coordination.md for the reasons).
 *
 * Keys: objects named by an id are keyed by that id: narratives and statements by their index
 * (below 2^32), reposted, replied-to and quoted posts by (platform << 32 | pool id of the post
 * id), since a post id means a post on the referring account's platform. Objects named by
 * content (canonical URL, hashtag set, "RT @handle: text") are keyed by a 64-bit XXH3 hash
 * with bit 63 set, so the two kinds never meet; hash collisions between distinct objects have
 * probability ~n²/2^64. URLs and hashtag sets are the same objects on every platform; an
 * "RT @handle" original is its platform's.
 *
 * The same file names the objects of the evidence (ch_coact_name_object): it is the one place
 * that knows what a key stands for.
 *
 * A repost carries its original's URLs, hashtags and text. Counting them again would turn
 * every co-repost into a co-link, co-hashtag and co-narrative too, so reposts only take part
 * in the repost behaviour.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/alloc.h"
#include "detect/coact/coact_int.h"
#include "text/url.h"

#define KEY_HASHED (UINT64_C(1) << 63)

/* A post id on the platform of account `acct`, as a key (see above). */
static uint64_t id_key(const ch_corpus *c, uint32_t acct, ch_sid id)
{
    return (uint64_t)ch_corpus_account(c, acct)->platform << 32 | id;
}

/* Seed of the hashed keys that belong to a platform: the hash of its name, so that the key of
 * an object does not depend on the order platforms were met in. */
static uint64_t platform_seed(const ch_corpus *c, uint32_t acct)
{
    const char *name = ch_corpus_platform_name(c, ch_corpus_account(c, acct)->platform);
    return XXH3_64bits(name, strlen(name));
}

static int push(ch_evraw *r, uint64_t key, const ch_post *p, uint32_t post)
{
    if (r->n == r->cap && ch_grow((void **)&r->ev, &r->cap, r->n + 1, sizeof *r->ev))
        return CHORUS_ENOMEM;
    r->ev[r->n++] = (ch_ev){key, p->created_at, p->account, post};
    return CHORUS_OK;
}

static bool handle_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Matches "RT @handle:" at the start of text; [*h0, *h1) is the handle, *body the rest. */
static bool rt_prefix(const char *s, size_t n, size_t *h0, size_t *h1, size_t *body)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (n - i < 5 || (s[i] != 'R' && s[i] != 'r') || (s[i + 1] != 'T' && s[i + 1] != 't') ||
        s[i + 2] != ' ' || s[i + 3] != '@')
        return false;
    i += 4;
    *h0 = i;
    while (i < n && handle_char(s[i]))
        i++;
    *h1 = i;
    if (*h1 == *h0)
        return false;
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] == ':')
        i++;
    *body = i;
    return true;
}

int ch_coact_rt_key(const ch_corpus *c, const ch_post *p, ch_normbuf *nb, uint64_t *key)
{
    *key = 0;
    const ch_pool *pool = ch_corpus_pool(c);
    const char *s = p->text ? p->text : "";
    size_t n = p->text_len;
    size_t h0 = 0, h1 = 0, body = 0;
    char ident[256];
    size_t ni = 0;
    const char *who = NULL;
    size_t whon = 0;
    bool is_handle = true;
    if (rt_prefix(s, n, &h0, &h1, &body)) {
        who = s + h0;
        whon = h1 - h0;
    } else if (p->ref_handle) {
        who = ch_pool_str(pool, p->ref_handle);
        whon = ch_pool_len(pool, p->ref_handle);
        if (whon && who[0] == '@') {
            who++;
            whon--;
        }
    } else if (p->ref_account) {
        who = ch_pool_str(pool, p->ref_account);
        whon = ch_pool_len(pool, p->ref_account);
        is_handle = false;
    }
    if (!whon)
        return CHORUS_OK;
    /* Handles are case-insensitive on every platform we read; account ids are not handles,
     * so they are tagged to keep "id:123" and a handle "123" apart. */
    if (!is_handle) {
        memcpy(ident, "id:", 3);
        ni = 3;
    }
    for (size_t i = 0; i < whon && ni < sizeof ident; i++)
        ident[ni++] = is_handle && who[i] >= 'A' && who[i] <= 'Z' ? (char)(who[i] + 32) : who[i];
    /* (identities longer than the buffer — never real handles — are cut; still one key each) */
    const uint64_t seed = XXH3_64bits_withSeed(ident, ni, platform_seed(c, p->account));
    /* The text after the prefix, normalized so that the truncation ellipsis, case, spacing and
     * look-alike characters do not split one original into several objects. */
    int rc = ch_normalize(s + body, n - body, 0, nb);
    if (rc)
        return rc == CHORUS_ELIMIT ? CHORUS_OK : rc;
    *key = XXH3_64bits_withSeed(nb->s ? nb->s : "", nb->len, seed) | KEY_HASHED;
    return CHORUS_OK;
}

typedef struct xctx {
    const ch_corpus *c;
    const ch_pool *pool;
    ch_normbuf nb;
    uint64_t *url_key;    /* pool id -> canonical URL key; 0 = not computed, 1 = not a URL */
    uint64_t *tag_key;    /* pool id -> folded hashtag hash; 0 = not computed, 1 = empty */
    char *buf;            /* canonical URL scratch */
    size_t bufcap;
    bool raw_urls;        /* compatibility modes: URLs as written */
} xctx;

static int canon(xctx *x, ch_sid sid, size_t *len)
{
    size_t n = ch_pool_len(x->pool, sid);
    size_t need = n + 32; /* the canonical form never outgrows the input by more than that */
    if (need > x->bufcap) {
        char *b = ch_realloc(x->buf, need);
        if (!b)
            return CHORUS_ENOMEM;
        x->buf = b;
        x->bufcap = need;
    }
    *len = ch_url_canon(ch_pool_str(x->pool, sid), n, x->buf, x->bufcap);
    if (*len >= x->bufcap)
        *len = x->bufcap - 1;
    return CHORUS_OK;
}

/* The key of a URL as written (the compatibility modes: the peer tools compare URL text). */
static uint64_t raw_url_key(const ch_pool *pool, ch_sid sid)
{
    const size_t n = ch_pool_len(pool, sid);
    return n ? XXH3_64bits(ch_pool_str(pool, sid), n) | KEY_HASHED : 1;
}

static int url_key(xctx *x, ch_sid sid, uint64_t *out)
{
    if (!x->url_key[sid] && x->raw_urls) {
        x->url_key[sid] = raw_url_key(x->pool, sid);
    } else if (!x->url_key[sid]) {
        size_t len;
        int rc = canon(x, sid, &len);
        if (rc)
            return rc;
        x->url_key[sid] = len ? XXH3_64bits(x->buf, len) | KEY_HASHED : 1;
    }
    *out = x->url_key[sid];
    return CHORUS_OK;
}

/* Is URL sid the permalink of the post this quote quotes? Such a link is the quote itself
 * (v1.1 exports list it among the quote's URLs) and is not a separate co-link. */
static int is_quoted_permalink(xctx *x, const ch_post *p, ch_sid sid, bool *yes)
{
    *yes = false;
    if (p->kind != CH_KIND_QUOTE || !p->ref_id || x->raw_urls)
        return CHORUS_OK;
    size_t len;
    int rc = canon(x, sid, &len);
    if (rc)
        return rc;
    const char *id = ch_pool_str(x->pool, p->ref_id);
    size_t idn = ch_pool_len(x->pool, p->ref_id);
    static const char st[] = "/status/";
    if (len >= idn + sizeof st - 1 && memcmp(x->buf + len - idn, id, idn) == 0 &&
        memcmp(x->buf + len - idn - (sizeof st - 1), st, sizeof st - 1) == 0)
        *yes = true;
    return CHORUS_OK;
}

static int tag_key(xctx *x, ch_sid sid, uint64_t *out)
{
    if (!x->tag_key[sid]) {
        const char *s = ch_pool_str(x->pool, sid);
        size_t n = ch_pool_len(x->pool, sid);
        if (n && s[0] == '#') {
            s++;
            n--;
        }
        /* Same folding as post text: case, NFKC, diacritics, look-alike letters. */
        int rc = ch_normalize(s, n, 0, &x->nb);
        if (rc && rc != CHORUS_ELIMIT)
            return rc;
        x->tag_key[sid] = !rc && x->nb.len ? XXH3_64bits(x->nb.s, x->nb.len) | 2 : 1;
    }
    *out = x->tag_key[sid];
    return CHORUS_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static bool is_rt_text(const ch_post *p)
{
    size_t h0, h1, body;
    return p->text && rt_prefix(p->text, p->text_len, &h0, &h1, &body);
}

int ch_coact_extract(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                     ch_evraw raw[CH_B__COUNT])
{
    int rc = CHORUS_OK;
    xctx x = {.c = c, .pool = ch_corpus_pool(c), .raw_urls = o->compat != CH_COMPAT_NONE};
    /* CNT's co-similarity replaces the narrative behaviour (coact_compat.c): no events */
    if (o->compat == CH_COMPAT_CNT)
        mask &= ~(1u << CH_B_NARRATIVE);
    ch_normbuf_init(&x.nb);
    size_t nsid = (size_t)ch_pool_count(x.pool) + 1;
    const size_t np = ch_corpus_nposts(c);
    if (np > UINT32_MAX - 1)
        return CHORUS_ELIMIT;
    if (mask & (1u << CH_B_LINK)) {
        if (!(x.url_key = ch_calloc(nsid, sizeof *x.url_key)))
            return CHORUS_ENOMEM;
    }
    if (mask & (1u << CH_B_HASHTAG)) {
        if (!(x.tag_key = ch_calloc(nsid, sizeof *x.tag_key))) {
            rc = CHORUS_ENOMEM;
            goto out;
        }
    }
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const uint32_t pi = (uint32_t)i;
        /* Old-style manual retweets ("RT @x: ...") read as plain posts are reposts too. */
        bool repost = p->kind == CH_KIND_REPOST || (p->kind == CH_KIND_POST && is_rt_text(p));
        if (repost && (mask & (1u << CH_B_REPOST))) {
            uint64_t key = p->ref_id ? id_key(c, p->account, p->ref_id) : 0;
            /* the peer tools know a repost by the original's id only */
            if (!key && !x.raw_urls && (rc = ch_coact_rt_key(c, p, &x.nb, &key)))
                goto out;
            if (key && (rc = push(&raw[CH_B_REPOST], key, p, pi)))
                goto out;
        }
        if (p->kind == CH_KIND_REPLY && p->ref_id && (mask & (1u << CH_B_REPLY)) &&
            (rc = push(&raw[CH_B_REPLY], id_key(c, p->account, p->ref_id), p, pi)))
            goto out;
        if (p->kind == CH_KIND_QUOTE && p->ref_id && (mask & (1u << CH_B_QUOTE)) &&
            (rc = push(&raw[CH_B_QUOTE], id_key(c, p->account, p->ref_id), p, pi)))
            goto out;
        /* Co-like: the liked post, as for reposts. */
        if (p->kind == CH_KIND_LIKE && p->ref_id && (mask & (1u << CH_B_LIKE)) &&
            (rc = push(&raw[CH_B_LIKE], id_key(c, p->account, p->ref_id), p, pi)))
            goto out;
        /* Co-commenting in a thread: a reply inside the thread (its parent is not the root)
         * acts on the root. A reply to the root itself is a co-reply on the root already;
         * counting it here too would count one act twice. */
        if (p->kind == CH_KIND_REPLY && p->root_id && p->root_id != p->ref_id &&
            (mask & (1u << CH_B_THREAD)) &&
            (rc = push(&raw[CH_B_THREAD], id_key(c, p->account, p->root_id), p, pi)))
            goto out;
        /* A like has no text, links or tags of its own (the liked post's are not its
         * author's words). */
        if (repost || p->kind == CH_KIND_LIKE)
            continue;
        if (x.url_key && p->n_urls) {
            uint64_t seen[CH_MAX_ENTITIES];
            size_t ns = 0;
            for (size_t k = 0; k < p->n_urls; k++) {
                uint64_t key;
                bool skip;
                if ((rc = url_key(&x, p->urls[k], &key)) ||
                    (rc = is_quoted_permalink(&x, p, p->urls[k], &skip)))
                    goto out;
                if (key == 1 || skip)
                    continue;
                bool dup = false;   /* the same link twice in one post is one action */
                for (size_t j = 0; j < ns; j++)
                    dup |= seen[j] == key;
                if (dup || ns == CH_MAX_ENTITIES)
                    continue;
                seen[ns++] = key;
                if ((rc = push(&raw[CH_B_LINK], key, p, pi)))
                    goto out;
            }
        }
        if (x.tag_key && p->n_hashtags >= 2) {
            uint64_t set[CH_MAX_ENTITIES];
            size_t ns = 0;
            for (size_t k = 0; k < p->n_hashtags && ns < CH_MAX_ENTITIES; k++) {
                uint64_t h;
                if ((rc = tag_key(&x, p->hashtags[k], &h)))
                    goto out;
                if (h != 1)
                    set[ns++] = h;
            }
            qsort(set, ns, sizeof set[0], cmp_u64);
            size_t u = 0;
            for (size_t k = 0; k < ns; k++) {
                if (u == 0 || set[u - 1] != set[k])
                    set[u++] = set[k];
            }
            if (u >= 2 &&
                (rc = push(&raw[CH_B_HASHTAG], XXH3_64bits(set, u * sizeof set[0]) | KEY_HASHED,
                           p, pi)))
                goto out;
        }
        if (o->narrative_of_post && o->narrative_of_post[i] != CH_NONE &&
            (mask & (1u << CH_B_NARRATIVE)) &&
            (rc = push(&raw[CH_B_NARRATIVE], o->narrative_of_post[i], p, pi)))
            goto out;
        if (o->statement_of_post && o->statement_of_post[i] != CH_NONE &&
            (mask & (1u << CH_B_STATEMENT)) &&
            (rc = push(&raw[CH_B_STATEMENT], o->statement_of_post[i], p, pi)))
            goto out;
    }
out:
    ch_normbuf_free(&x.nb);
    ch_free(x.url_key);
    ch_free(x.tag_key);
    ch_free(x.buf);
    return rc;
}

/* ---- naming the objects of the evidence ---------------------------------------------------- */

static const char *const type_names[CH_OBJ__COUNT] = {
    "post", "post_text", "url", "hashtags", "narrative", "statement",
};

const char *ch_object_type_name(ch_object_type t)
{
    return (unsigned)t < CH_OBJ__COUNT ? type_names[t] : "?";
}

/* "<prefix><s[0..n)>" in the arena. */
static const char *cat(ch_arena *a, const char *prefix, const char *s, size_t n)
{
    const size_t np = strlen(prefix);
    char *t = ch_arena_alloc(a, np + n + 1, 1);
    if (t) {
        memcpy(t, prefix, np);
        if (n)
            memcpy(t + np, s, n);
        t[np + n] = '\0';
    }
    return t;
}

/* The canonical form of the URL of post p whose key is `key`, in the arena; NULL when out of
 * memory, "" when none matches (cannot happen for a key extracted from p). */
static const char *url_text(const ch_pool *pool, const ch_post *p, uint64_t key, ch_arena *a)
{
    char small[512];
    for (size_t k = 0; k < p->n_urls; k++) {
        const char *u = ch_pool_str(pool, p->urls[k]);
        const size_t n = ch_pool_len(pool, p->urls[k]);
        const size_t len = ch_url_canon(u, n, NULL, 0);
        if (!len)
            continue;
        char *buf = len < sizeof small ? small : ch_malloc(len + 1);
        if (!buf)
            return NULL;
        ch_url_canon(u, n, buf, len + 1);
        const char *t = "";
        const bool match = (XXH3_64bits(buf, len) | KEY_HASHED) == key;
        if (match)
            t = ch_arena_strndup(a, buf, len);
        if (buf != small)
            ch_free(buf);
        if (match)
            return t;
    }
    return "";
}

/* The URL of post p, as written, whose key (raw_url_key) is `key`, in the arena. */
static const char *raw_url_text(const ch_pool *pool, const ch_post *p, uint64_t key,
                                ch_arena *a)
{
    for (size_t k = 0; k < p->n_urls; k++)
        if (raw_url_key(pool, p->urls[k]) == key)
            return ch_arena_strndup(a, ch_pool_str(pool, p->urls[k]),
                                    ch_pool_len(pool, p->urls[k]));
    return "";
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A hashtag set's text, "#a #b": the post's hashtags as written, in byte order, each once (one
 * text per set, whichever post shows it), in the arena. */
static const char *tags_text(const ch_pool *pool, const ch_post *p, ch_arena *a)
{
    const char *tag[CH_MAX_ENTITIES];
    size_t nt = 0, n = 0;
    for (size_t k = 0; k < p->n_hashtags && nt < CH_MAX_ENTITIES; k++) {
        tag[nt++] = ch_pool_str(pool, p->hashtags[k]);
        n += 2 + ch_pool_len(pool, p->hashtags[k]);
    }
    qsort(tag, nt, sizeof *tag, cmp_cstr);
    char *t = ch_arena_alloc(a, n + 1, 1);
    if (!t)
        return NULL;
    size_t o = 0;
    for (size_t k = 0; k < nt; k++) {
        if (k && strcmp(tag[k], tag[k - 1]) == 0)
            continue;
        const size_t m = strlen(tag[k]);
        if (o)
            t[o++] = ' ';
        t[o++] = '#';
        memcpy(t + o, tag[k], m);
        o += m;
    }
    t[o] = '\0';
    return t;
}

int ch_coact_name_object(const ch_corpus *c, const ch_coact_opts *o, ch_behaviour b,
                         uint64_t evkey, uint32_t post, ch_arena *arena, ch_object *out)
{
    const ch_pool *pool = ch_corpus_pool(c);
    const ch_post *p = ch_corpus_post(c, post);
    char num[48];
    const char *text = NULL;
    *out = (ch_object){.key = evkey, .behaviour = (uint8_t)b};
    switch (b) {
    case CH_B_THREAD: {
        /* the thread's root post */
        const char *id = ch_pool_str(pool, p->root_id);
        const size_t n = ch_pool_len(pool, p->root_id);
        out->type = CH_OBJ_POST;
        out->key = XXH3_64bits_withSeed(id, n, platform_seed(c, p->account));
        text = cat(arena, "thread of post ", id, n);
        break;
    }
    case CH_B_REPOST:
    case CH_B_REPLY:
    case CH_B_QUOTE:
    case CH_B_LIKE:
        if (!(evkey & KEY_HASHED)) {
            /* a post id: keyed by its platform's name and the id text, not by pool ids */
            const char *id = ch_pool_str(pool, p->ref_id);
            const size_t n = ch_pool_len(pool, p->ref_id);
            out->type = CH_OBJ_POST;
            out->key = XXH3_64bits_withSeed(id, n, platform_seed(c, p->account));
            /* Telegram calls a repost a forward, and its posts messages ("<channel>/<msg>") */
            const bool telegram =
                b == CH_B_REPOST &&
                !strcmp(ch_corpus_platform_name(c, ch_corpus_account(c, p->account)->platform),
                        "telegram");
            text = cat(arena, telegram ? "forwarded message " : "post ", id, n);
        } else {
            /* "RT @handle: text": the original's author as the export names it */
            size_t h0, h1, body;
            out->type = CH_OBJ_POST_TEXT;
            if (p->ref_handle)
                text = cat(arena, "a post of @", ch_pool_str(pool, p->ref_handle),
                           ch_pool_len(pool, p->ref_handle));
            else if (p->text && rt_prefix(p->text, p->text_len, &h0, &h1, &body))
                text = cat(arena, "a post of @", p->text + h0, h1 - h0);
            else
                text = cat(arena, "a post of account ", ch_pool_str(pool, p->ref_account),
                           ch_pool_len(pool, p->ref_account));
        }
        break;
    case CH_B_LINK:
        out->type = CH_OBJ_URL;
        text = o->compat != CH_COMPAT_NONE ? raw_url_text(pool, p, evkey, arena)
                                           : url_text(pool, p, evkey, arena);
        break;
    case CH_B_HASHTAG:
        out->type = CH_OBJ_HASHTAGS;
        text = tags_text(pool, p, arena);
        break;
    case CH_B_NARRATIVE:
        out->type = CH_OBJ_NARRATIVE;
        snprintf(num, sizeof num, "%llu", (unsigned long long)evkey);
        text = cat(arena, "narrative ", num, strlen(num));
        break;
    case CH_B_STATEMENT:
        out->type = CH_OBJ_STATEMENT;
        if (o->statement_ids && evkey < o->n_statements && o->statement_ids[evkey]) {
            const char *id = o->statement_ids[evkey];
            text = cat(arena, "statement ", id, strlen(id));
        } else {
            snprintf(num, sizeof num, "#%llu", (unsigned long long)evkey);
            text = cat(arena, "statement ", num, strlen(num));
        }
        break;
    default:
        return CHORUS_EUSAGE;
    }
    if (!text)
        return CHORUS_ENOMEM;
    out->text = text;
    return CHORUS_OK;
}
