/* mix.c — --platform-mix X:B:M: one scenario spread over X, Bluesky and Mastodon.
 *
 * Each account gets one platform, drawn with the weights from its own random stream (so the
 * assignment depends on the seed and the account only). Every campaign puts its first members
 * on distinct platforms (as many as have a weight), the others by the weights: an operation
 * runs accounts on several platforms, and what connects them there is what they post — the
 * same URLs, statements, wordings and hashtags — never a repost, which cannot cross platforms.
 *
 * The scenario itself (accounts, statements, planted posts, organic activity) is the one
 * written without the option; only references are kept within a platform:
 *   - organic reposts, replies and quotes pick their target among posts of their own platform
 *     (sim.c, through mix_same_platform);
 *   - a planted repost of a post on another platform becomes, for a campaign member, an
 *     original post with the same text, links and tags (the operator copies the slogan onto
 *     its other accounts: a cross-post); for anyone else it is not written (the hard
 *     negatives' viral reposters would otherwise turn into copy-pasters);
 *   - a planted reply or quote of a post on another platform becomes an original post with its
 *     own text (a journalist's quote of an official post on X is, on Bluesky, a post of its own).
 * Posts go to the native file of their author's platform: posts.v1.jsonl (X),
 * posts.jetstream.jsonl with profiles.bsky.jsonl (Bluesky), posts.mastodon.jsonl (Mastodon).
 * The truth names every account's platform and its id and handle there (native_id,
 * native_handle), and counts the posts written per platform. */
#include "synth.h"

#include <stdlib.h>

const char *const platform_name[PF_N] = {"x", "bluesky", "mastodon"};

/* distinct (platform, id) of embedded originals from before the period: open addressing */
static uint64_t *eset;
static size_t eset_cap, eset_n;

bool mix_on(void) { return S.plat != NULL; }

bool mix_same_platform(uint32_t a, uint32_t b) { return !S.plat || S.plat[a] == S.plat[b]; }

static bool eset_add(uint64_t key)
{
    if (eset_n * 2 >= eset_cap) {
        size_t ncap = eset_cap ? eset_cap * 2 : 1024;
        uint64_t *n = xcalloc(ncap, sizeof *n);
        for (size_t i = 0; i < eset_cap; i++)
            if (eset[i])
                for (size_t j = mix64(eset[i]) & (ncap - 1);; j = (j + 1) & (ncap - 1))
                    if (!n[j]) {
                        n[j] = eset[i];
                        break;
                    }
        free(eset);
        eset = n;
        eset_cap = ncap;
    }
    key |= 1; /* never 0 (the empty slot); ids are snowflakes, the low bit is spare here */
    for (size_t j = mix64(key) & (eset_cap - 1);; j = (j + 1) & (eset_cap - 1)) {
        if (eset[j] == key)
            return false;
        if (!eset[j]) {
            eset[j] = key;
            eset_n++;
            return true;
        }
    }
}

void mix_assign(void)
{
    const double *w = S.p.mix;
    S.plat = xmalloc(S.n_acct ? S.n_acct : 1);
    for (uint32_t i = 0; i < S.n_acct; i++) {
        Rng r = rng_for(S.p.seed, hash_str("mix.platform"), i);
        S.plat[i] = (uint8_t)rng_weighted(&r, w, PF_N);
    }
    /* campaigns span platforms: the first members on distinct platforms, in an order of the
     * campaign's own */
    uint32_t order[PF_N];
    int k = 0;
    for (int f = 0; f < PF_N; f++)
        if (w[f] > 0)
            order[k++] = (uint32_t)f;
    for (int c = 0; c < S.n_camp; c++) {
        const Campaign *cp = &S.camp[c];
        Rng r = rng_for(S.p.seed, hash_str("mix.campaign"), (uint64_t)c);
        rng_shuffle(&r, order, (uint32_t)k);
        for (int m = 0; m < cp->size && m < k; m++)
            S.plat[cp->members[m]] = (uint8_t)order[m];
    }
    S.pl_written = xmalloc(S.n_pl ? S.n_pl : 1);
    memset(S.pl_written, MIX_DROPPED, S.n_pl ? S.n_pl : 1);
}

/* An embedded post (a repost's original, a quote's quoted post) as it was written: a reply or
 * quote of another platform's post went out as an original post. */
static void settle_embedded(Post *e)
{
    if (e->kind != K_POST && e->kind != K_REPOST && !mix_same_platform(e->author, e->ref_author)) {
        e->kind = K_POST;
        e->ref = NULL;
        e->ref_id = 0;
        e->ref_author = 0;
    }
}

static void count_embedded(uint8_t pf, const Post *e)
{
    if (pf != PF_BLUESKY && e && !e->in_dataset && eset_add(e->id ^ (uint64_t)pf << 62))
        S.n_plat_embedded[pf]++;
}

bool mix_route(Post *p, int32_t planted)
{
    const uint8_t pf = S.plat[p->author];
    if (p->kind != K_POST) {
        uint32_t target = p->kind == K_REPOST && p->ref ? p->ref->author : p->ref_author;
        if (!mix_same_platform(p->author, target)) {
            if (p->kind == K_REPOST) {
                if (S.acct[p->author].campaign < 0) {
                    S.n_cross_dropped++;
                    return false;
                }
                S.n_cross_post++; /* p->c is the original's content: the copy */
            } else {
                S.n_cross_converted++;
            }
            p->kind = K_POST;
            p->ref = NULL;
            p->ref_id = 0;
            p->ref_author = 0;
        }
    }
    if (p->ref) {
        settle_embedded(p->ref);
        if (p->ref->ref)
            settle_embedded(p->ref->ref);
        if (p->kind == K_REPOST || p->kind == K_QUOTE) {
            count_embedded(pf, p->ref);
            if (p->ref->kind == K_QUOTE)
                count_embedded(pf, p->ref->ref);
        }
    }
    if (planted >= 0)
        S.pl_written[planted] = p->kind;
    S.n_plat_kind[pf][p->kind]++;
    return true;
}

void mix_truth_meta(Buf *b)
{
    static const char *const file[PF_N] = {"posts.v1.jsonl", "posts.jetstream.jsonl", "posts.mastodon.jsonl"};
    buf_puts(b, ",\"platform_mix\":[");
    for (int f = 0; f < PF_N; f++)
        buf_printf(b, "%s%g", f ? "," : "", S.p.mix[f]);
    buf_puts(b, "],\"platforms\":{");
    for (int f = 0; f < PF_N; f++) {
        const uint64_t *k = S.n_plat_kind[f];
        uint64_t n_acct = 0;
        for (uint32_t i = 0; i < S.n_acct; i++)
            n_acct += S.plat[i] == f;
        buf_printf(b,
                   "%s\"%s\":{\"file\":\"%s\",\"n_accounts\":%llu,\"n_posts\":%llu,"
                   "\"n_by_kind\":{\"post\":%llu,\"repost\":%llu,\"reply\":%llu,\"quote\":%llu},"
                   "\"n_embedded_before\":%llu}",
                   f ? "," : "", platform_name[f], file[f], (unsigned long long)n_acct,
                   (unsigned long long)(k[0] + k[1] + k[2] + k[3]), (unsigned long long)k[0],
                   (unsigned long long)k[1], (unsigned long long)k[2], (unsigned long long)k[3],
                   (unsigned long long)S.n_plat_embedded[f]);
    }
    buf_printf(b, "},\"n_cross_posts\":%llu,\"n_cross_converted\":%llu,\"n_cross_dropped\":%llu",
               (unsigned long long)S.n_cross_post, (unsigned long long)S.n_cross_converted,
               (unsigned long long)S.n_cross_dropped);
}

void mix_truth_account(Buf *b, const Account *a)
{
    const uint8_t pf = S.plat[a - S.acct];
    char id[64], handle[64];
    if (pf == PF_BLUESKY) {
        js_did(a, id);
        js_handle(a, handle);
    } else if (pf == PF_MASTODON) {
        md_acct(a, id, sizeof id);
        snprintf(handle, sizeof handle, "%s", id);
    } else {
        snprintf(id, sizeof id, "%llu", (unsigned long long)a->id);
        snprintf(handle, sizeof handle, "%s", a->handle);
    }
    buf_puts(b, ",\"platform\":");
    buf_json_cstr(b, platform_name[pf]);
    buf_puts(b, ",\"native_id\":");
    buf_json_cstr(b, id);
    buf_puts(b, ",\"native_handle\":");
    buf_json_cstr(b, handle);
}

void mix_truth_post(Buf *b, uint32_t planted)
{
    buf_puts(b, ",\"platform\":");
    buf_json_cstr(b, platform_name[S.plat[S.pl[planted].author]]);
    buf_puts(b, ",\"written\":");
    if (S.pl_written[planted] == MIX_DROPPED)
        buf_puts(b, "null");
    else
        buf_json_cstr(b, kind_name[S.pl_written[planted] & 3]);
}
