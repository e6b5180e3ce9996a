/*
 * coact_events.c — turns posts into co-action events: which object each post acts on, per
 * behaviour (see coact.h for the behaviours and docs/coordination.md for the reasons).
 *
 * Keys: objects named by an id are keyed by that id: narratives and statements by their index
 * (below 2^32), reposted, replied-to and quoted posts by (platform << 32 | pool id of the post
 * id), since a post id means a post on the referring account's platform. Objects named by
 * content (canonical URL, hashtag, mentioned handle, "RT @handle: text") are keyed by a 64-bit
 * XXH3 hash with bit 63 set, so the two kinds never meet; hash collisions between distinct
 * objects have probability ~n²/2^64. URLs and hashtags are the same objects on every platform;
 * an "RT @handle" original and a mentioned handle are their platform's.
 *
 * Hashtags and mentions: a post acts on one tag and one mentioned account, its rarest — the
 * one the fewest distinct accounts of the corpus use (ties: the smaller key). A push that
 * appends a trending tag to its own keeps its object, a post is one action however many tags
 * it carries (counting each tag would count one act several times over), and the rarity comes
 * from a pre-pass over the posts. A reply addresses the replied-to account as a mention does
 * (a push at one account mixes both); the author's own handle is not a mention.
 *
 * The same file names the objects of the evidence (ch_coact_name_object): it is the one place
 * that knows what a key stands for.
 *
 * A repost carries its original's URLs, hashtags, mentions and text. Counting them again would
 * turn every co-repost into a co-link, co-hashtag and co-narrative too, so reposts only take
 * part in the repost behaviour.
 *
 * Sources: a repost, reply or quote also names the author of the post it acts on (its account
 * id, else its handle; 0 when the export names neither): ch_ev.src, which the stage uses to
 * count an author's audience once (coact.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/sort.h"
#include "detect/coact/coact_int.h"
#include "text/url.h"

#define KEY_HASHED (UINT64_C(1) << 63)
/* Past the memory budget the texts are in a file mapped back (ch_corpus_set_memory): the
 * passes over the posts drop the pages they read after this many posts. */
#define RELEASE_POSTS 65536

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

static int push(ch_evraw *r, uint64_t key, uint64_t src, const ch_post *p, uint32_t post)
{
    /* past the memory budget the buffer is bounded: a full one goes to disk (evrun.h) */
    if (r->n == r->cap && r->runs.sp) {
        int rc = ch_evraw_room(r);
        if (rc)
            return rc;
    } else if (r->n == r->cap && ch_grow((void **)&r->ev, &r->cap, r->n + 1, sizeof *r->ev))
        return CHORUS_ENOMEM;
    r->ev[r->n++] = (ch_ev){key, p->created_at, p->account, post, src};
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

/* Distinct accounts per hashtag or mention key: an open-addressing set of (key, account) and
 * a map key -> count, both in one table type (a = UINT32_MAX in the map). Keys are never 0
 * (tag keys have bit 1 set, mention keys bit 63), so 0 marks a free slot. Load <= 1/2. */
typedef struct kent {
    uint64_t k;
    uint32_t a, v;
} kent;

typedef struct kmap {
    kent *e;
    size_t mask, used;
} kmap;

static int km_slot(kmap *m, uint64_t k, uint32_t a, kent **out)
{
    if (2 * (m->used + 1) > m->mask + 1 || !m->e) {
        const size_t cap = m->e ? 2 * (m->mask + 1) : 1024;
        kent *e = ch_calloc(cap, sizeof *e);
        if (!e)
            return CHORUS_ENOMEM;
        for (size_t i = 0; m->e && i <= m->mask; i++) {
            if (!m->e[i].k)
                continue;
            size_t j = ch_mix64(m->e[i].k ^ m->e[i].a) & (cap - 1);
            while (e[j].k)
                j = (j + 1) & (cap - 1);
            e[j] = m->e[i];
        }
        ch_free(m->e);
        m->e = e;
        m->mask = cap - 1;
    }
    size_t j = ch_mix64(k ^ a) & m->mask;
    while (m->e[j].k && (m->e[j].k != k || m->e[j].a != a))
        j = (j + 1) & m->mask;
    if (!m->e[j].k) {
        m->e[j] = (kent){k, a, 0};
        m->used++;
    }
    *out = &m->e[j];
    return CHORUS_OK;
}

/* Distinct accounts using key k so far (0 when none). */
static uint32_t km_count(const kmap *m, uint64_t k)
{
    if (!m->e)
        return 0;
    size_t j = ch_mix64(k ^ UINT32_MAX) & m->mask;
    while (m->e[j].k && (m->e[j].k != k || m->e[j].a != UINT32_MAX))
        j = (j + 1) & m->mask;
    return m->e[j].k ? m->e[j].v : 0;
}

/* Counts account `a` once for key k. */
static int km_use(kmap *seen, kmap *count, uint64_t k, uint32_t a)
{
    kent *e;
    int rc = km_slot(seen, k, a, &e);
    if (rc || e->v)
        return rc;
    e->v = 1;
    if ((rc = km_slot(count, k, UINT32_MAX, &e)))
        return rc;
    e->v++;
    return CHORUS_OK;
}

typedef struct xctx {
    const ch_corpus *c;
    const ch_pool *pool;
    ch_normbuf nb;
    uint64_t *url_key;    /* pool id -> canonical URL key; 0 = not computed, 1 = not a URL */
    uint64_t *tag_key;    /* pool id -> folded hashtag hash; 0 = not computed, 1 = empty */
    uint64_t *men_key;    /* pool id -> hash of the lower-case handle; 0 = not computed, 1 =
                             empty */
    uint64_t pseed[CH_MAX_PLATFORMS]; /* platform_seed per platform index; 0 = not computed */
    kmap seen, count;     /* distinct accounts per tag and mention key */
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

/* Key of a hashtag as written (with or without '#'): folded like post text — case, NFKC,
 * diacritics, look-alike letters — then hashed; 1 when it folds to nothing. */
static int tag_hash(const char *s, size_t n, ch_normbuf *nb, uint64_t *out)
{
    if (n && s[0] == '#') {
        s++;
        n--;
    }
    int rc = ch_normalize(s, n, 0, nb);
    if (rc && rc != CHORUS_ELIMIT)
        return rc;
    *out = !rc && nb->len ? (XXH3_64bits(nb->s, nb->len) | 2 | KEY_HASHED) : 1;
    return CHORUS_OK;
}

static int tag_key(xctx *x, ch_sid sid, uint64_t *out)
{
    if (!x->tag_key[sid]) {
        int rc = tag_hash(ch_pool_str(x->pool, sid), ch_pool_len(x->pool, sid), &x->nb,
                          &x->tag_key[sid]);
        if (rc)
            return rc;
    }
    *out = x->tag_key[sid];
    return CHORUS_OK;
}

/* Hash of a handle in lower case without a leading '@'; 1 when empty. */
static uint64_t handle_hash_str(const char *s, size_t n)
{
    if (n && s[0] == '@') {
        s++;
        n--;
    }
    char low[256];
    if (n > sizeof low)
        n = sizeof low;   /* never a real handle; still one key */
    for (size_t i = 0; i < n; i++)
        low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    return n ? XXH3_64bits(low, n) | 2 : 1;
}

/* Key of a mentioned handle (handle_hash_str) on platform seed `seed` (handles are per
 * platform). */
static uint64_t mention_key_seed(uint64_t hh, uint64_t seed)
{
    return ch_mix64(hh ^ (seed | 1)) | KEY_HASHED;
}

/* Sorts and deduplicates set[0..n); returns the new length. */
static size_t uniq_u64(uint64_t *set, size_t n)
{
    ch_sort(set, n, sizeof set[0], ch_cmp_u64);
    size_t u = 0;
    for (size_t k = 0; k < n; k++) {
        if (u == 0 || set[u - 1] != set[k])
            set[u++] = set[k];
    }
    return u;
}

/* handle_hash_str of a pool string, cached by pool id. */
static uint64_t handle_hash(xctx *x, ch_sid sid)
{
    if (!x->men_key[sid])
        x->men_key[sid] = handle_hash_str(ch_pool_str(x->pool, sid), ch_pool_len(x->pool, sid));
    return x->men_key[sid];
}

/* Key of a mentioned handle on the platform of the mentioning account. */
static uint64_t mention_key(xctx *x, uint32_t acct, uint64_t hh)
{
    const uint8_t pl = ch_corpus_account(x->c, acct)->platform;
    if (!x->pseed[pl])
        x->pseed[pl] = platform_seed(x->c, acct) | 1;
    return mention_key_seed(hh, x->pseed[pl]);
}

/* The distinct tag keys of post p, sorted; returns how many (into set). */
static int post_tags(xctx *x, const ch_post *p, uint64_t set[CH_MAX_ENTITIES], size_t *n)
{
    size_t ns = 0;
    for (size_t k = 0; k < p->n_hashtags && ns < CH_MAX_ENTITIES; k++) {
        uint64_t h;
        int rc = tag_key(x, ch_post_hashtags(p)[k], &h);
        if (rc)
            return rc;
        if (h != 1)
            set[ns++] = h;
    }
    *n = uniq_u64(set, ns);
    return CHORUS_OK;
}

/* The distinct accounts post p addresses: its mentions and, for a reply, the replied-to
 * account (a push at one account mixes "@target ..." posts with replies under the target's
 * posts; both address the target, and counting only the former splits one campaign's
 * evidence between two behaviours). Never the author's own handle. */
static size_t post_mentions(xctx *x, const ch_post *p, uint64_t set[CH_MAX_ENTITIES])
{
    const ch_account *me = ch_corpus_account(x->c, p->account);
    const uint64_t self = me->handle ? handle_hash(x, me->handle) : 1;
    const uint64_t addressee =
        p->kind == CH_KIND_REPLY && p->ref_handle ? handle_hash(x, p->ref_handle) : 1;
    size_t ns = 0;
    if (addressee != 1 && addressee != self)
        set[ns++] = mention_key(x, p->account, addressee);
    for (size_t k = 0; k < p->n_mentions && ns < CH_MAX_ENTITIES; k++) {
        const uint64_t hh = handle_hash(x, ch_post_mentions(p)[k]);
        if (hh == 1 || hh == self || hh == addressee)
            continue;
        set[ns++] = mention_key(x, p->account, hh);
    }
    return uniq_u64(set, ns);
}

/* Whether post p can address an account (see post_mentions). */
static bool addresses(const ch_post *p)
{
    return p->n_mentions || (p->kind == CH_KIND_REPLY && p->ref_handle);
}

/* The rarest key of set[0..n) (fewest distinct accounts, then the smaller key). */
static uint64_t rarest(const xctx *x, const uint64_t *set, size_t n)
{
    uint64_t best = set[0];
    uint32_t bn = km_count(&x->count, best);
    for (size_t k = 1; k < n; k++) {
        const uint32_t c = km_count(&x->count, set[k]);
        if (c < bn || (c == bn && set[k] < best)) {
            best = set[k];
            bn = c;
        }
    }
    return best;
}

static bool is_rt_text(const ch_post *p)
{
    size_t h0, h1, body;
    return p->text && rt_prefix(p->text, p->text_len, &h0, &h1, &body);
}

/* The source of a post-referencing event: the referenced post's author on the account's
 * platform (account id, else handle in lower case), hashed; 0 when unknown. */
static uint64_t source_key(xctx *x, const ch_post *p)
{
    uint64_t h;
    if (p->ref_account)
        h = XXH3_64bits(ch_pool_str(x->pool, p->ref_account), ch_pool_len(x->pool, p->ref_account));
    else if (p->ref_handle)
        h = handle_hash(x, p->ref_handle) ^ UINT64_C(0x5bd1e9955bd1e995);
    else
        return 0;
    return mention_key(x, p->account, h);
}

/* The RT @handle source of a repost known only by its text. */
static uint64_t rt_source(xctx *x, const ch_post *p)
{
    size_t h0, h1, body;
    if (!p->text || !rt_prefix(p->text, p->text_len, &h0, &h1, &body))
        return 0;
    const char *low = p->text + h0;
    const size_t n = h1 - h0;
    return mention_key(x, p->account, handle_hash_str(low, n) ^ UINT64_C(0x5bd1e9955bd1e995));
}

/* Pre-pass: distinct accounts per tag and per mentioned account (see the top of the file). */
static int count_rarity(xctx *x, uint32_t mask)
{
    const size_t np = ch_corpus_nposts(x->c);
    uint64_t set[CH_MAX_ENTITIES];
    size_t ns;
    int rc;
    for (size_t i = 0; i < np; i++) {
        const ch_post *p = ch_corpus_post(x->c, i);
        if (i % RELEASE_POSTS == RELEASE_POSTS - 1)
            ch_corpus_release_text(x->c);
        if (p->kind == CH_KIND_REPOST || p->kind == CH_KIND_LIKE || is_rt_text(p))
            continue;
        if ((mask & (1u << CH_B_HASHTAG)) && p->n_hashtags) {
            if ((rc = post_tags(x, p, set, &ns)))
                return rc;
            for (size_t k = 0; k < ns; k++)
                if ((rc = km_use(&x->seen, &x->count, set[k], p->account)))
                    return rc;
        }
        if ((mask & (1u << CH_B_MENTION)) && addresses(p)) {
            ns = post_mentions(x, p, set);
            for (size_t k = 0; k < ns; k++)
                if ((rc = km_use(&x->seen, &x->count, set[k], p->account)))
                    return rc;
        }
    }
    /* the (key, account) set is not needed any more */
    ch_free(x->seen.e);
    x->seen = (kmap){0};
    return CHORUS_OK;
}

int ch_coact_extract(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                     ch_evraw raw[CH_B__COUNT])
{
    return ch_coact_extract_range(c, o, mask, raw, 0, ch_corpus_nposts(c));
}

int ch_coact_extract_range(const ch_corpus *c, const ch_coact_opts *o, uint32_t mask,
                           ch_evraw raw[CH_B__COUNT], size_t from, size_t to)
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
    if ((mask & (1u << CH_B_LINK)) && !(x.url_key = ch_calloc(nsid, sizeof *x.url_key)))
        return CHORUS_ENOMEM;
    if (((mask & (1u << CH_B_HASHTAG)) && !(x.tag_key = ch_calloc(nsid, sizeof *x.tag_key))) ||
        !(x.men_key = ch_calloc(nsid, sizeof *x.men_key))) {
        rc = CHORUS_ENOMEM;
        goto out;
    }
    if ((mask & ((1u << CH_B_HASHTAG) | (1u << CH_B_MENTION))) && (rc = count_rarity(&x, mask)))
        goto out;
    if (to > np)
        to = np;
    for (size_t i = from; i < to; i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const uint32_t pi = (uint32_t)i;
        /* spilled texts (read for "RT @" keys) leave the resident set as the pass goes on */
        if (i % RELEASE_POSTS == RELEASE_POSTS - 1)
            ch_corpus_release_text(c);
        /* Old-style manual retweets ("RT @x: ...") read as plain posts are reposts too. */
        bool repost = p->kind == CH_KIND_REPOST || (p->kind == CH_KIND_POST && is_rt_text(p));
        if (repost && (mask & (1u << CH_B_REPOST))) {
            uint64_t key = p->ref_id ? id_key(c, p->account, p->ref_id) : 0;
            uint64_t src = source_key(&x, p);
            /* the peer tools know a repost by the original's id only */
            if (!key && !x.raw_urls && (rc = ch_coact_rt_key(c, p, &x.nb, &key)))
                goto out;
            if (!src)
                src = rt_source(&x, p);
            if (key && (rc = push(&raw[CH_B_REPOST], key, src, p, pi)))
                goto out;
        }
        if (p->kind == CH_KIND_REPLY && p->ref_id && (mask & (1u << CH_B_REPLY)) &&
            (rc = push(&raw[CH_B_REPLY], id_key(c, p->account, p->ref_id), source_key(&x, p), p,
                       pi)))
            goto out;
        if (p->kind == CH_KIND_QUOTE && p->ref_id && (mask & (1u << CH_B_QUOTE)) &&
            (rc = push(&raw[CH_B_QUOTE], id_key(c, p->account, p->ref_id), source_key(&x, p), p,
                       pi)))
            goto out;
        /* Co-like: the liked post, as for reposts (the liked posts of one author are one
         * source). */
        if (p->kind == CH_KIND_LIKE && p->ref_id && (mask & (1u << CH_B_LIKE)) &&
            (rc = push(&raw[CH_B_LIKE], id_key(c, p->account, p->ref_id), source_key(&x, p), p,
                       pi)))
            goto out;
        /* Co-commenting in a thread: a reply inside the thread (its parent is not the root)
         * acts on the root. A reply to the root itself is a co-reply on the root already;
         * counting it here too would count one act twice. The root's author is not known
         * here, so a thread is its own source. */
        if (p->kind == CH_KIND_REPLY && p->root_id && p->root_id != p->ref_id &&
            (mask & (1u << CH_B_THREAD)) &&
            (rc = push(&raw[CH_B_THREAD], id_key(c, p->account, p->root_id), 0, p, pi)))
            goto out;
        /* A like has no text, links, tags or mentions of its own (the liked post's are not its
         * author's words). */
        if (repost || p->kind == CH_KIND_LIKE)
            continue;
        if (x.url_key && p->n_urls) {
            uint64_t seen[CH_MAX_ENTITIES];
            size_t ns = 0;
            for (size_t k = 0; k < p->n_urls; k++) {
                uint64_t key;
                bool skip;
                if ((rc = url_key(&x, ch_post_urls(p)[k], &key)) ||
                    (rc = is_quoted_permalink(&x, p, ch_post_urls(p)[k], &skip)))
                    goto out;
                if (key == 1 || skip)
                    continue;
                bool dup = false;   /* the same link twice in one post is one action */
                for (size_t j = 0; j < ns; j++)
                    dup |= seen[j] == key;
                if (dup || ns == CH_MAX_ENTITIES)
                    continue;
                seen[ns++] = key;
                if ((rc = push(&raw[CH_B_LINK], key, 0, p, pi)))
                    goto out;
            }
        }
        uint64_t set[CH_MAX_ENTITIES];
        size_t ns;
        if (x.tag_key && p->n_hashtags) {
            if ((rc = post_tags(&x, p, set, &ns)))
                goto out;
            if (ns && (rc = push(&raw[CH_B_HASHTAG], rarest(&x, set, ns), 0, p, pi)))
                goto out;
        }
        if ((mask & (1u << CH_B_MENTION)) && addresses(p) && (ns = post_mentions(&x, p, set)) &&
            (rc = push(&raw[CH_B_MENTION], rarest(&x, set, ns), 0, p, pi)))
            goto out;
        if (o->narrative_of_post && o->narrative_of_post[i] != CH_NONE &&
            (mask & (1u << CH_B_NARRATIVE)) &&
            (rc = push(&raw[CH_B_NARRATIVE], o->narrative_of_post[i], 0, p, pi)))
            goto out;
        if (o->statement_of_post && o->statement_of_post[i] != CH_NONE &&
            (mask & (1u << CH_B_STATEMENT)) &&
            (rc = push(&raw[CH_B_STATEMENT], o->statement_of_post[i], 0, p, pi)))
            goto out;
    }
out:
    ch_normbuf_free(&x.nb);
    ch_free(x.url_key);
    ch_free(x.tag_key);
    ch_free(x.men_key);
    ch_free(x.seen.e);
    ch_free(x.count.e);
    ch_free(x.buf);
    return rc;
}

/* ---- naming the objects of the evidence ---------------------------------------------------- */

static const char *const type_names[CH_OBJ__COUNT] = {
    "post", "post_text", "url", "hashtags", "narrative", "statement", "hashtag", "account",
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
        const char *u = ch_pool_str(pool, ch_post_urls(p)[k]);
        const size_t n = ch_pool_len(pool, ch_post_urls(p)[k]);
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
        if (raw_url_key(pool, ch_post_urls(p)[k]) == key)
            return ch_arena_strndup(a, ch_pool_str(pool, ch_post_urls(p)[k]),
                                    ch_pool_len(pool, ch_post_urls(p)[k]));
    return "";
}

/* "#tag" as post p wrote the tag whose key is `key`, in the arena; NULL when out of memory, ""
 * when none matches (cannot happen for a key extracted from p). */
static const char *tag_text(const ch_pool *pool, const ch_post *p, uint64_t key, ch_arena *a,
                            int *rc)
{
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    const char *t = "";
    for (size_t k = 0; k < p->n_hashtags; k++) {
        const char *s = ch_pool_str(pool, ch_post_hashtags(p)[k]);
        size_t n = ch_pool_len(pool, ch_post_hashtags(p)[k]);
        uint64_t h;
        if ((*rc = tag_hash(s, n, &nb, &h)))
            break;
        if (h == key) {
            if (n && s[0] == '#') {
                s++;
                n--;
            }
            t = cat(a, "#", s, n);
            break;
        }
    }
    ch_normbuf_free(&nb);
    return *rc ? "" : t;
}

/* "@handle" as post p wrote the mention whose key is `key`, in the arena (see tag_text). */
static const char *mention_text(const ch_corpus *c, const ch_post *p, uint64_t key, ch_arena *a)
{
    const ch_pool *pool = ch_corpus_pool(c);
    const uint64_t seed = platform_seed(c, p->account) | 1;
    for (size_t k = 0; k < p->n_mentions; k++) {
        const char *s = ch_pool_str(pool, ch_post_mentions(p)[k]);
        size_t n = ch_pool_len(pool, ch_post_mentions(p)[k]);
        if (mention_key_seed(handle_hash_str(s, n), seed) == key) {
            if (n && s[0] == '@') {
                s++;
                n--;
            }
            return cat(a, "@", s, n);
        }
    }
    if (p->kind == CH_KIND_REPLY && p->ref_handle) { /* the addressee of a reply */
        const char *s = ch_pool_str(pool, p->ref_handle);
        size_t n = ch_pool_len(pool, p->ref_handle);
        if (mention_key_seed(handle_hash_str(s, n), seed) == key) {
            if (n && s[0] == '@') {
                s++;
                n--;
            }
            return cat(a, "@", s, n);
        }
    }
    return "";
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
    case CH_B_HASHTAG: {
        int rc = CHORUS_OK;
        out->type = CH_OBJ_HASHTAG;
        text = tag_text(pool, p, evkey, arena, &rc);
        if (rc)
            return rc;
        break;
    }
    case CH_B_MENTION:
        out->type = CH_OBJ_ACCOUNT;
        text = mention_text(c, p, evkey, arena);
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
