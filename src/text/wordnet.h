/*
 * wordnet.h — what the parroting matcher takes from WordNet 3.0 (Debian's wordnet-base):
 * English synonym sets ("groundless", "unfounded" -> "baseless") and the base forms of
 * irregular inflections ("found" -> "find", "chose" -> "choose", "crises" -> "crisis").
 *
 * Both tables are generated at build time from /usr/share/wordnet by tools/wnsyn/wnsyn.c, which
 * keeps only what is safe for matching: a synonym set holds words whose most frequent sense it
 * is, in their dominant part of speech, with a stem that reads as that word, and not the sets
 * listed in tools/wnsyn/exclude.txt; an irregular form is mapped only when it is rarer as a
 * word of its own than its base form. The rules and their measurements are in
 * docs/parroting.md. Nothing is read at run time.
 *
 * Threads: the lookup tables are built once, on first use (pthread_once), in static storage:
 * no allocation, no failure; then they are read-only and shared.
 * Cost: one hash probe per lookup.
 */
#ifndef CH_WORDNET_H
#define CH_WORDNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* When the Snowball stem whose ch_tok_hash is stem_hash has synonyms, writes the ch_tok_hash
 * of its set's representative stem to *rep_hash and returns true. */
bool ch_wn_synonym(uint64_t stem_hash, uint64_t *rep_hash);

/* The base form of an irregular inflection (word_hash: ch_tok_hash of the lower-case word),
 * NUL-terminated, or NULL when the word is not one. */
const char *ch_wn_base_form(uint64_t word_hash);

/* Sizes of the tables: stems with a representative other than themselves, irregular forms. */
size_t ch_wn_synonym_count(void);
size_t ch_wn_irregular_count(void);

#endif
