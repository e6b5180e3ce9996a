/* out_jetstream.c — the scenario as Bluesky Jetstream events (posts.jetstream.jsonl), one JSON
 * object per line, as `websocat wss://jetstream…/subscribe` saves them.
 *
 * The same posts as every other writer, mapped the way X maps to Bluesky:
 *   account  -> DID "did:plc:" + the 24-character lowercase RFC 4648 base32 of 7 zero bytes and
 *               the account id as 8 big-endian bytes (decodable: the id is the last 8 bytes);
 *               handle -> "<handle>.bsky.social" (lowercase, '_' -> '-'), given by an identity
 *               event written right after the account's first post (Jetstream's commit events
 *               name no handle, so a reader must take it from identity events that may come
 *               after the posts)
 *   post id  -> record key: the 64-bit id in base32-sortable (13 characters, a valid TID), so a
 *               post is at://DID/app.bsky.feed.post/TID and a repost
 *               at://DID/app.bsky.feed.repost/TID
 *   post     -> app.bsky.feed.post {text, createdAt, langs, facets, embed?}
 *   reply    -> reply {parent, root}; the generator does not track thread roots, so root is
 *               the parent
 *   quote    -> embed app.bsky.embed.record {record: {uri, cid}}
 *   repost   -> app.bsky.feed.repost {subject: {uri, cid}, createdAt}
 * Text: the X text with each t.co link replaced by the link's display form (host and path,
 * shortened to 27 bytes with "..."), as Bluesky clients write it, and each @mention written
 * with the full handle; link, mention and hashtag facets carry the expanded URL, the DID and
 * the tag, at UTF-8 byte ranges of that text. A post with a link and no quote also gets the
 * link card (app.bsky.embed.external) of its first link.
 * Times: createdAt is the post time (ms); time_us is when the relay saw it, 0.2-1.5 s later
 * (deterministic), so lines are not strictly ordered by time_us, as in real captures.
 *
 * Jetstream carries no profile data (no follower counts, no creation date, no verification),
 * which a scan of X data has from every status's user object. Collectors fetch it with
 * app.bsky.actor.getProfiles, 25 accounts a call, so profiles.bsky.jsonl holds those pages
 * ({"profiles": [ProfileViewDetailed...]}, one per line) for every account that posted:
 * followers, follows, posts, createdAt, displayName, description, avatar (absent for the
 * default picture) and verification {verifiedStatus: "valid"} for verified accounts.
 * CIDs are made up (deterministic, well-formed base32) and only fill the shape. */
#include "synth.h"

#include <stdlib.h>

/* ---- encodings --------------------------------------------------------------------------- */

static void b32_lower(const uint8_t *in, size_t n, char *out) /* n multiple of 5 */
{
    static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 5) {
        uint64_t v = 0;
        for (int k = 0; k < 5; k++)
            v = v << 8 | in[i + k];
        for (int k = 7; k >= 0; k--)
            out[o++] = a[(v >> (5 * k)) & 31];
    }
    out[o] = '\0';
}

/* did:plc:<24 chars>, from the account id. */
static void did_of(const Account *a, char out[40])
{
    uint8_t bytes[15] = {0};
    for (int k = 0; k < 8; k++)
        bytes[7 + k] = (uint8_t)(a->id >> (56 - 8 * k));
    memcpy(out, "did:plc:", 8);
    b32_lower(bytes, sizeof bytes, out + 8);
}

/* A TID: 13 characters of base32-sortable, most significant first. */
static void tid_of(uint64_t v, char out[14])
{
    static const char a[] = "234567abcdefghijklmnopqrstuvwxyz";
    for (int k = 12; k >= 0; k--) {
        out[k] = a[v & 31];
        v >>= 5;
    }
    out[13] = '\0';
}

/* A made-up CIDv1 (dag-cbor, sha2-256) string: "bafyrei" and 52 base32 characters. */
static void cid_of(uint64_t seed, char out[64])
{
    uint8_t bytes[35];
    for (int k = 0; k < 35; k++)
        bytes[k] = (uint8_t)(mix64(seed + (uint64_t)k * 0x9E3779B97F4A7C15ull) >> 24);
    memcpy(out, "bafyrei", 7);
    b32_lower(bytes, 35, out + 7);
    out[7 + 52] = '\0';
}

static void handle_of(const Account *a, char out[48])
{
    size_t n = 0;
    for (const char *h = a->handle; *h && n < 20; h++)
        out[n++] = *h == '_' ? '-' : (*h >= 'A' && *h <= 'Z') ? (char)(*h - 'A' + 'a') : *h;
    memcpy(out + n, ".bsky.social", 13);
}

void js_did(const Account *a, char out[40]) { did_of(a, out); }
void js_handle(const Account *a, char out[48]) { handle_of(a, out); }

static void post_uri(Buf *b, uint32_t author, const char *collection, uint64_t id)
{
    char did[40], tid[14];
    did_of(&S.acct[author], did);
    tid_of(id, tid);
    buf_puts(b, "\"at://");
    buf_puts(b, did);
    buf_putc(b, '/');
    buf_puts(b, collection);
    buf_putc(b, '/');
    buf_puts(b, tid);
    buf_putc(b, '"');
}

/* {"uri":"at://…","cid":"…"} of a post */
static void strong_ref(Buf *b, uint32_t author, uint64_t id)
{
    char cid[64];
    cid_of(id ^ 0xc1d, cid);
    buf_puts(b, "{\"uri\":");
    post_uri(b, author, "app.bsky.feed.post", id);
    buf_puts(b, ",\"cid\":\"");
    buf_puts(b, cid);
    buf_puts(b, "\"}");
}

/* ---- text and facets --------------------------------------------------------------------- */

/* host/path of a URL, at most 27 bytes ("..." when shortened). */
static size_t display_url(const char *url, char *out)
{
    const char *u = url;
    if (!strncmp(u, "https://", 8))
        u += 8;
    else if (!strncmp(u, "http://", 7))
        u += 7;
    if (!strncmp(u, "www.", 4))
        u += 4;
    size_t n = strlen(u);
    if (n <= 27) {
        memcpy(out, u, n);
        return n;
    }
    memcpy(out, u, 24);
    memcpy(out + 24, "...", 3);
    return 27;
}

typedef struct {
    uint32_t b0, b1;
    uint8_t kind;
    const char *value; /* URL, DID or tag (tag: not NUL-terminated, value_len) */
    size_t value_len;
} Facet;

/* Bluesky text of c into t, facets into f (at most MAX_ENTS). */
static void bsky_text(const Content *c, Buf *t, Facet *f, int *nf, char dids[][40])
{
    uint32_t at = 0;
    *nf = 0;
    for (int i = 0; i < c->n_ent; i++) {
        const Ent *e = &c->ent[i];
        if (e->b0 < at || e->b1 > c->len)
            continue;
        buf_put(t, c->t + at, e->b0 - at);
        Facet *x = &f[*nf];
        x->b0 = (uint32_t)t->len;
        x->kind = e->kind;
        if (e->kind == ENT_URL) {
            char disp[32];
            buf_put(t, disp, display_url(c->url_exp[e->idx], disp));
            x->value = c->url_exp[e->idx];
            x->value_len = strlen(x->value);
        } else if (e->kind == ENT_MENTION) {
            const Account *m = &S.acct[c->mention[e->idx]];
            char h[48];
            handle_of(m, h);
            buf_putc(t, '@');
            buf_puts(t, h);
            did_of(m, dids[*nf]);
            x->value = dids[*nf];
            x->value_len = strlen(x->value);
        } else {
            buf_put(t, c->t + e->b0, e->b1 - e->b0);
            x->value = c->t + e->b0 + 1;
            x->value_len = e->b1 - e->b0 - 1;
        }
        x->b1 = (uint32_t)t->len;
        (*nf)++;
        at = e->b1;
    }
    buf_put(t, c->t + at, c->len - at);
}

static void facets_json(Buf *b, const Facet *f, int nf)
{
    static const char *const type[] = {"tag", "mention", "link"}; /* ENT_HASHTAG, _MENTION, _URL */
    static const char *const key[] = {"tag", "did", "uri"};
    buf_puts(b, ",\"facets\":[");
    for (int i = 0; i < nf; i++) {
        if (i)
            buf_putc(b, ',');
        buf_printf(b, "{\"index\":{\"byteStart\":%u,\"byteEnd\":%u},\"features\":[{\"$type\":"
                      "\"app.bsky.richtext.facet#%s\",\"%s\":",
                   f[i].b0, f[i].b1, type[f[i].kind], key[f[i].kind]);
        buf_json_str(b, f[i].value, f[i].value_len, false);
        buf_puts(b, "}]}");
    }
    buf_putc(b, ']');
}

/* ---- events ------------------------------------------------------------------------------ */

static uint8_t *seen;          /* accounts whose identity event was written, one bit each */
static uint64_t identity_seq;

static void event_head(Buf *b, const char *did, int64_t time_us, const char *kind)
{
    buf_puts(b, "{\"did\":\"");
    buf_puts(b, did);
    buf_puts(b, "\",\"time_us\":");
    buf_i64(b, time_us);
    buf_puts(b, ",\"kind\":\"");
    buf_puts(b, kind);
    buf_puts(b, "\",");
}

void js_post(Out *o, const Post *p)
{
    Buf *b = &o->b;
    const Account *a = &S.acct[p->author];
    char did[40], tid[14], rev[14], cid[64], t[32];
    did_of(a, did);
    tid_of(p->id, tid);
    tid_of(mix64(p->id ^ 0x5e7), rev);
    rev[0] = '3'; /* a TID's first character is below 'a' */
    cid_of(p->id ^ 0xc1d, cid);
    fmt_iso_ms(t, p->t_ms);
    int64_t time_us = p->t_ms * 1000 + 200000 + (int64_t)(mix64(p->id) % 1300000);
    bool repost = p->kind == K_REPOST && p->ref_id;
    buf_reserve(b, 16384);
    event_head(b, did, time_us, "commit");
    buf_puts(b, "\"commit\":{\"rev\":\"");
    buf_puts(b, rev);
    buf_puts(b, "\",\"operation\":\"create\",\"collection\":\"");
    buf_puts(b, repost ? "app.bsky.feed.repost" : "app.bsky.feed.post");
    buf_puts(b, "\",\"rkey\":\"");
    buf_puts(b, tid);
    buf_puts(b, "\",\"record\":{");
    if (repost) {
        buf_puts(b, "\"$type\":\"app.bsky.feed.repost\",\"createdAt\":\"");
        buf_puts(b, t);
        buf_puts(b, "\",\"subject\":");
        strong_ref(b, p->ref_author, p->ref_id);
    } else {
        Buf text;
        Facet f[MAX_ENTS];
        char dids[MAX_ENTS][40];
        int nf;
        buf_init(&text, TXT_MAX + 1024, 4 * TXT_MAX + 4096);
        bsky_text(p->c, &text, f, &nf, dids);
        buf_puts(b, "\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"");
        buf_puts(b, t);
        buf_puts(b, "\",\"langs\":[\"");
        buf_puts(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
        buf_puts(b, "\"],\"text\":");
        buf_json_str(b, text.p, text.len, false);
        if (nf)
            facets_json(b, f, nf);
        if (p->kind == K_REPLY && p->ref_id) {
            buf_puts(b, ",\"reply\":{\"parent\":");
            strong_ref(b, p->ref_author, p->ref_id);
            buf_puts(b, ",\"root\":");
            strong_ref(b, p->ref_author, p->ref_id);
            buf_putc(b, '}');
        } else if (p->kind == K_QUOTE && p->ref_id) {
            buf_puts(b, ",\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":");
            strong_ref(b, p->ref_author, p->ref_id);
            buf_putc(b, '}');
        }
        if (p->kind != K_QUOTE) {
            for (int i = 0; i < nf; i++)
                if (f[i].kind == ENT_URL) {
                    buf_puts(b, ",\"embed\":{\"$type\":\"app.bsky.embed.external\",\"external\":{\"uri\":");
                    buf_json_str(b, f[i].value, f[i].value_len, false);
                    buf_puts(b, ",\"title\":\"\",\"description\":\"\"}}");
                    break;
                }
        }
        buf_free(&text);
    }
    buf_puts(b, "},\"cid\":\"");
    buf_puts(b, cid);
    buf_puts(b, "\"}}\n");

    if (!seen)
        seen = xcalloc((S.n_acct + 7) / 8, 1);
    if (!(seen[p->author / 8] >> (p->author % 8) & 1)) {
        seen[p->author / 8] |= (uint8_t)(1u << (p->author % 8));
        char h[48];
        handle_of(a, h);
        event_head(b, did, time_us + 1, "identity");
        buf_puts(b, "\"identity\":{\"did\":\"");
        buf_puts(b, did);
        buf_puts(b, "\",\"handle\":\"");
        buf_puts(b, h);
        buf_printf(b, "\",\"seq\":%llu,\"time\":\"%s\"}}\n", (unsigned long long)++identity_seq, t);
    }
}

/* ---- profiles ---------------------------------------------------------------------------- */

static void profile_json(Buf *b, const Account *a)
{
    char did[40], h[48], t[32], cid[64];
    did_of(a, did);
    handle_of(a, h);
    fmt_iso_ms(t, a->created * 1000);
    buf_puts(b, "{\"did\":\"");
    buf_puts(b, did);
    buf_puts(b, "\",\"handle\":\"");
    buf_puts(b, h);
    buf_puts(b, "\",\"displayName\":");
    buf_json_cstr(b, a->name ? a->name : "");
    buf_puts(b, ",\"description\":");
    buf_json_cstr(b, a->desc ? a->desc : "");
    if (!a->def_image) {
        cid_of(a->img ^ 0xa7a, cid);
        buf_printf(b, ",\"avatar\":\"https://cdn.bsky.app/img/avatar/plain/%s/%s@jpeg\"", did, cid);
    }
    buf_printf(b, ",\"followersCount\":%u,\"followsCount\":%u,\"postsCount\":%u,\"createdAt\":\"%s\","
                  "\"indexedAt\":\"%s\",\"labels\":[]",
               a->followers, a->friends, a->statuses, t, t);
    if (a->verified)
        buf_puts(b, ",\"verification\":{\"verifications\":[],\"verifiedStatus\":\"valid\","
                    "\"trustedVerifierStatus\":\"none\"}");
    buf_putc(b, '}');
}

void js_close(Out *o)
{
    out_close(o);
    Out pf;
    out_open(&pf, S.p.outdir, "profiles.bsky.jsonl", S.p.compress);
    Buf *b = &pf.b;
    int in_page = 0;
    for (uint32_t i = 0; i < S.n_acct; i++) {
        if (!seen || !(seen[i / 8] >> (i % 8) & 1))
            continue;
        buf_puts(b, in_page ? "," : "{\"profiles\":[");
        profile_json(b, &S.acct[i]);
        if (++in_page == 25) {
            buf_puts(b, "]}\n");
            in_page = 0;
            out_flush_if(&pf, 1u << 22);
        }
    }
    if (in_page)
        buf_puts(b, "]}\n");
    out_close(&pf);
    free(seen);
    seen = NULL;
}
