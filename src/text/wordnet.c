/* wordnet.c — the WordNet tables (generated as wn_synonyms.h by tools/wnsyn at build time)
 * behind hash lookups built once (see wordnet.h). */
#include <pthread.h>
#include <string.h>

#include "text/normalize.h"
#include "text/wordnet.h"
#include "wn_synonyms.h"

/* Power-of-two capacities at least twice the pairs, so probes stay short. */
#define CAP_FOR(n) ((n) < 8 ? 16 : (n) < 4096 ? 8192 : (n) < 8192 ? 16384 : (n) < 16384 ? 32768 : 65536)
#define SYN_CAP CAP_FOR(CH_WN_SYN_COUNT)
#define IRR_CAP CAP_FOR(CH_WN_IRREGULAR_COUNT)
_Static_assert(CH_WN_SYN_COUNT * 2 <= SYN_CAP, "synonym table too large for its hash table");
_Static_assert(CH_WN_IRREGULAR_COUNT * 2 <= IRR_CAP, "irregular table too large for its hash table");

static uint64_t syn_key[SYN_CAP], syn_rep[SYN_CAP];
static uint64_t irr_key[IRR_CAP];
static const char *irr_base[IRR_CAP];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static size_t probe(const uint64_t *keys, size_t cap, uint64_t k)
{
    size_t j = (size_t)(k & (cap - 1));
    while (keys[j] && keys[j] != k)
        j = (j + 1) & (cap - 1);
    return j;
}

static void build(void)
{
    const char *p = ch_wn_syn_pairs;
    for (size_t i = 0; i < CH_WN_SYN_COUNT; i++) {
        size_t ls = strlen(p);
        const char *rep = p + ls + 1;
        size_t lr = strlen(rep);
        uint64_t k = ch_tok_hash(p, ls);
        k = k ? k : 1;
        size_t j = probe(syn_key, SYN_CAP, k);
        syn_key[j] = k;
        syn_rep[j] = ch_tok_hash(rep, lr);
        p = rep + lr + 1;
    }
    p = ch_wn_irregular_pairs;
    for (size_t i = 0; i < CH_WN_IRREGULAR_COUNT; i++) {
        size_t lf = strlen(p);
        const char *base = p + lf + 1;
        uint64_t k = ch_tok_hash(p, lf);
        k = k ? k : 1;
        size_t j = probe(irr_key, IRR_CAP, k);
        irr_key[j] = k;
        irr_base[j] = base;
        p = base + strlen(base) + 1;
    }
}

bool ch_wn_synonym(uint64_t stem_hash, uint64_t *rep_hash)
{
    pthread_once(&once, build);
    uint64_t k = stem_hash ? stem_hash : 1;
    size_t j = probe(syn_key, SYN_CAP, k);
    if (!syn_key[j])
        return false;
    *rep_hash = syn_rep[j];
    return true;
}

const char *ch_wn_base_form(uint64_t word_hash)
{
    pthread_once(&once, build);
    uint64_t k = word_hash ? word_hash : 1;
    size_t j = probe(irr_key, IRR_CAP, k);
    return irr_key[j] ? irr_base[j] : NULL;
}

size_t ch_wn_synonym_count(void) { return CH_WN_SYN_COUNT; }
size_t ch_wn_irregular_count(void) { return CH_WN_IRREGULAR_COUNT; }
