/*
 * parrot_int.h — internals of the parroting matcher shared by parrot_index.c (building the
 * statement index), parrot_match.c (matching one post) and parrot_corpus.c (a whole corpus,
 * threads). Not part of the library API; see parrot.h for the contract.
 */
#ifndef CH_PARROT_INT_H
#define CH_PARROT_INT_H

#include <math.h>
#include <stdint.h>

#include "detect/parrot/parrot.h"
#include "text/lex.h"
#include "text/normalize.h"

enum {
    PX_CJK = 1u << 0,      /* a Han/Kana/Hangul/Bopomofo character token */
    PX_HASHTAG = 1u << 1,  /* post token inside a #hashtag */
    PX_SKIP = 1u << 2,     /* post token that is not content (a leading "RT") */
    PX_BREAK = 1u << 3,    /* token that starts a sentence (not the text's first) */
    PX_MENTION = 1u << 4,  /* post token from an @mention: aligned, weighed, but not a word
                              of the copy for the word floors (min_tokens, segments) */
    PX_PIECE = 1u << 5     /* post token that is a later word of a split hashtag: the tag
                              counts as one word for the word floors */
};

/* Occurrences of one shingle in one statement used as anchors; a shingle that repeats more
 * often in a statement is a stop phrase ("of the") and its first occurrences suffice. */
#define PX_MAX_OCC 16
/* Most words of the post skipped between two chained anchors (substituted or mistyped
 * words), and the largest difference between what the two anchors span in the post and in the
 * statement (words inserted or dropped), both in words (a CJK character counts half). A gap of
 * 5 linked more heavy substitutions but also narratives that string a statement's phrases
 * together (docs/parroting.md). */
#define PX_MAX_GAP 4
#define PX_MAX_DRIFT 3

/* One statement token. 20 bytes; the dominant part of the index. */
typedef struct px_tok {
    uint32_t hash;         /* low 32 bits of the canonical hash (ch_lex_tok.hash): exact
                              comparison */
    uint32_t ostart, oend; /* the token's bytes in the statement's original text */
    uint32_t nstart;       /* start in the statement's normalized text */
    uint8_t nlen;          /* normalized length, capped at 255 (fuzzy compare needs ≤ 32) */
    uint8_t flags;         /* PX_CJK, PX_BREAK */
} px_tok;

/* Shingle table slot: the statements holding the shingle are post[off, off + cnt), in
 * increasing order, each once (cnt is the shingle's document frequency). */
typedef struct px_slot {
    uint64_t key;          /* 0 = empty */
    uint32_t off, cnt;
} px_slot;

/* Forward index entry: a shingle of a statement, by the low 32 bits of its key. A statement's
 * entries fwd[fwd_base[s], fwd_base[s+1]) are sorted by (fp, pos), so the positions of a post's
 * shingle in a candidate statement are a binary search in a few hundred contiguous entries
 * (a scan of the shingle's global posting list would touch thousands of statements). */
typedef struct px_fwd {
    uint32_t fp;           /* (uint32_t)key */
    uint32_t pos;          /* token position of the shingle's first token in the statement */
} px_fwd;

/* Token document frequency slot. */
typedef struct px_uslot {
    uint64_t key;          /* 0 = empty */
    uint32_t df;           /* statements containing the token */
    uint32_t last;         /* build only: last statement counted + 1 */
} px_uslot;

struct ch_parrot_index {
    const ch_stmtset *set;
    ch_parrot_params p;
    uint32_t nstmt;
    uint32_t *tok_base;    /* nstmt + 1: statement s owns toks[tok_base[s], tok_base[s+1]) */
    px_tok *toks;
    size_t ntoks;
    char *ntext;           /* normalized statement texts, back to back */
    size_t ntext_len;
    size_t *nbase;         /* nstmt: start of each statement's normalized text in ntext */
    px_slot *tab;          /* shingle table, capacity tcap (any size: multiply-shift) */
    size_t tcap, tkeys;
    uint32_t *post;        /* statement ids, see px_slot */
    size_t npost;
    px_fwd *fwd;           /* forward index, see px_fwd */
    uint32_t *fwd_base;    /* nstmt + 1 */
    size_t nfwd;
    px_uslot *utab;        /* token df table */
    size_t ucap, ukeys;
    ch_lang post_lang;     /* the language posts are read in: the one stemming language of
                              the statements (CJK ones aside), or CH_LANG_UNKNOWN (guess per
                              post) when they have several */
    uint32_t *vocab;       /* with CH_LEX_TAGS: ch_tok_hash (low 32 bits, 0 empty) of every
                              normalized statement word, for splitting posts' lower-case
                              hashtags into known words */
    size_t vcap;
    double log_n1;         /* log(nstmt + 1), for IDF */
    size_t bytes;
};

/* Non-zero 64-bit key of a run of token hashes (order matters). */
static inline uint64_t px_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t px_shingle_key(const uint64_t *h, unsigned k)
{
    uint64_t key = h[0];
    for (unsigned i = 1; i < k; i++)
        key = px_mix(key * 0x9E3779B97F4A7C15ULL + h[i]);
    key = px_mix(key ^ k);
    return key ? key : 1;
}

/* Token df key: from the low 32 bits of the canonical hash, the part a px_tok keeps, so that
 * the df of a statement token can be looked up from the token (a mistyped word's weight);
 * mixed back to 64 bits, as px_home needs (and never 0: px_mix is a bijection with 0 -> 0). */
static inline uint64_t px_token_key(uint64_t h) { return px_mix((uint64_t)(uint32_t)h + 1); }

/* Home slot of key in a table of cap slots (cap need not be a power of two). */
static inline size_t px_home(uint64_t key, size_t cap)
{
    return (size_t)(((unsigned __int128)key * cap) >> 64);
}

const px_slot *px_find(const ch_parrot_index *ix, uint64_t key);
/* Statements containing the token (0 when none); token_hash: its canonical hash (only the low
 * 32 bits count). */
uint32_t px_df(const ch_parrot_index *ix, uint64_t token_hash);
/* Whether a normalized word (ch_tok_hash) occurs in a statement (ch_lex_known_fn; ctx: the
 * index). */
bool px_known_word(const void *ctx, uint64_t word_hash);
/* IDF weight of a token or shingle found in df statements: log((N+1)/(max(df,1)+1)) + 1, so
 * a word no statement has weighs like the rarest statement word, and 1 is the floor. */
static inline double px_idf(const ch_parrot_index *ix, uint32_t df)
{
    return ix->log_n1 - log((double)(df ? df : 1) + 1.0) + 1.0;
}

/* Does the original text s[a, b) between two tokens end a sentence? A full stop, question or
 * exclamation mark followed by white space or a quotation mark, or a
 * CJK full stop, question or exclamation mark. ("1.7 million" and "U.S" keep their pairs.)
 * Shingles never span a sentence end, in statements or posts, and aligned segments cross one
 * in the post only where the statement has one too. */
bool px_ends_sentence(const char *s, size_t a, size_t b);

/* True when the UTF-8 character starting at s is Han, Kana, Hangul or Bopomofo. */
bool px_is_cjk(const char *s, size_t n);

#endif
