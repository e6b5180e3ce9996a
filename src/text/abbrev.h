/*
 * abbrev.h — the word tables behind the matcher's canonical forms (lex.c): abbreviations,
 * acronyms and multi-word names, number words, words whose full stop is part of them, and the
 * function words that tell English from French. English and French; words as ch_normalize
 * leaves them (lower case, no diacritics), looked up by ch_tok_hash.
 *
 * Canonical forms: an entity is written "=name" ("U.S.", "US", "USA", "United States" and
 * "États-Unis" all become "=us"; "intel" becomes the word "intelligence", which the stemmer
 * then treats like any word). The tables are small and documented in docs/normalization.md;
 * they are general (no word of a particular statement), and every entry is one that people
 * write interchangeably.
 *
 * Threads: built once on first use (pthread_once) in static storage; read-only afterwards.
 * Cost: one hash probe per word.
 */
#ifndef CH_ABBREV_H
#define CH_ABBREV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/stem.h"

enum {
    CH_AB_WORD = 1u << 0,    /* an abbreviation of a word or an entity: canon */
    CH_AB_DOTTED = 1u << 1,  /* its full stop belongs to it ("Feb.", "Mr."): no sentence end */
    CH_AB_ACRONYM = 1u << 2, /* an acronym: canon; with caps, only in capitals or with dots */
    CH_AB_NUMBER = 1u << 3,  /* a number word: num_kind, value */
    CH_AB_PHRASE = 1u << 4,  /* starts a multi-word name (ch_abbr_phrase) */
    CH_AB_SLASH = 1u << 5    /* CH_AB_WORD only when a '/' follows ("w/" = with) */
};

enum { CH_NUM_UNIT = 1, CH_NUM_TEN, CH_NUM_HUNDRED, CH_NUM_SCALE, CH_NUM_A, CH_NUM_ORDINAL };

typedef struct ch_abbr {
    uint16_t kind;        /* CH_AB_* */
    uint8_t caps;         /* acronym: only when written in capitals or with dots */
    uint8_t num_kind;     /* CH_NUM_* */
    int64_t value;        /* number word value; ordinals: the number */
    const char *canon;    /* CH_AB_WORD / CH_AB_ACRONYM: "=entity" or a word */
} ch_abbr;

/* The entry of the word whose ch_tok_hash is h in lang (CH_LANG_EN or CH_LANG_FR), NULL when
 * it has none. */
const ch_abbr *ch_abbr_get(ch_lang lang, uint64_t h);

/*
 * Multi-word names and split abbreviations starting at hashes[0] (ch_tok_hash of up to avail
 * consecutive words): "united states" -> "=us", "per cent" -> "=pct", "gov t" (gov't) ->
 * "government". Returns the number of words of the longest match (0 none) and its canonical
 * form in *canon.
 */
size_t ch_abbr_phrase(ch_lang lang, const uint64_t *hashes, size_t avail, const char **canon);

/* Function word counts for telling English from French: 1 English, 2 French, 3 another
 * language with Latin script (Spanish, German, ...), 0 none. */
int ch_abbr_function_word(uint64_t h);

#endif
