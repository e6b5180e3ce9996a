/*
 * lex.h — canonical word forms for matching light rewrites: the token stream that the
 * parroting matcher indexes and matches, on top of ch_normalize and its tokenizer.
 *
 * People lightly rewrite the lines they copy: "#Premier" for "the Premier", "US intel" for
 * "U.S. intelligence", "1.7M" for "1.7 million", "warns" for "warned", "baseless" for
 * "groundless". Each option maps such variants of a word to one token hash, on both sides:
 *   CH_LEX_TAGS      hashtags and @mentions become words: split at CamelCase ("#HongKong" ->
 *                    hong kong, "@JustinTrudeau" -> justin trudeau); a hashtag all in one
 *                    case also into known words (a callback says which words are known: the
 *                    statements'), only when every piece is a known word of two letters or
 *                    more, the split is the only one with that few pieces and the whole tag is
 *                    not a known word. Mentions are kept by normalization for this
 *                    (ch_lex_norm_flags); a mention that is one word ("@quaywatch") is left
 *                    out as before: handles are names, not words. Tokens of tags carry
 *                    CH_LEXT_TAG.
 *   CH_LEX_ABBREV    abbreviations and acronyms (abbrev.h): "intel" -> intelligence; dotted
 *                    acronyms ("U.S.", "É.-U.") join into one token; acronyms and multi-word
 *                    names meet on one entity ("US", "U.S.", "USA", "United States" -> =us);
 *                    acronyms that spell a common word ("US", "WHO") only in capitals (in a
 *                    text that is not all capitals) or with dots; a full stop that belongs to
 *                    an abbreviation ("Feb.", "Mr.") does not end the sentence.
 *   CH_LEX_NUMBERS   numbers by value: "1.7 million", "1,700,000", "1.7M" -> #1700000;
 *                    "three" -> #3; "62 per cent", "62%", "62pc" -> #62%; "1st" and "first"
 *                    -> #o1. English groups thousands with ',' and decimals with '.', French
 *                    the other way round (and with spaces).
 *   CH_LEX_STEM      Snowball stems (stem.h) for English and French words; English irregular
 *                    inflections first go to their base form ("found" -> find, wordnet.h).
 *   CH_LEX_SYNONYMS  English synonym sets from WordNet (wordnet.h), after stemming.
 * With no option the stream is ch_tok_next's and every hash is ch_tok_hash of the word.
 * Only words whose normalized form is ASCII letters and digits are changed: Chinese characters,
 * Cyrillic words and the like keep their own hash.
 *
 * Language: lang (CH_LANG_EN, CH_LANG_FR, CH_LANG_OTHER) picks the stemmer and the tables;
 * CH_LANG_UNKNOWN guesses from function words ("the", "of" / "le", "des" / "el", "und"):
 * French or another language when their words outnumber English ones, English otherwise; and
 * it guesses again for each sentence or quotation that has function words of its own, so an
 * English comment on a French quotation stems each part in its language. A statement's
 * declared language is passed; a post's is guessed from its text (platforms' own language tags
 * are often wrong on short posts, and both sides must agree for stems to meet).
 *
 * Ownership and threads: a ch_lex holds stemmers, a cache of word forms (1 MB) and the token
 * array; it is not thread-safe: one per thread. The token array belongs to the ch_lex and is valid until
 * its next ch_lex_tokens call.
 * Cost: O(text); per word one hash probe in the cache (a miss costs a stem, ~0.2 µs); a
 * lower-case hashtag not seen before costs up to ~200 probes of the known-word callback.
 */
#ifndef CH_LEX_H
#define CH_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/normalize.h"
#include "text/stem.h"

enum {
    CH_LEX_TAGS = 1u << 0,
    CH_LEX_ABBREV = 1u << 1,
    CH_LEX_NUMBERS = 1u << 2,
    CH_LEX_STEM = 1u << 3,
    CH_LEX_SYNONYMS = 1u << 4,
    CH_LEX_SENTENCES = 1u << 5, /* not a word form: the matcher also measures each sentence of
                                   a post on its own (parrot_match.c) */
    CH_LEX_ALL = (1u << 6) - 1
};

enum {
    CH_LEXT_TAG = 1u << 0,     /* the token comes from a #hashtag or an @mention */
    CH_LEXT_MENTION = 1u << 1, /* ... from an @mention */
    CH_LEXT_PIECE = 1u << 2    /* a word of a split tag after its first: the tag was written as
                                  one word ("#UpTheWayYouFly"), which word counts may want */
};

typedef struct ch_lex_tok {
    uint32_t ns, ne;   /* bytes [ns, ne) of the normalized text (a joined token spans several
                          words, a piece of a hashtag part of one) */
    uint32_t os;       /* original offset of its first byte (nb->map[ns], or inside a tag) */
    uint32_t oe;       /* original offset where what follows it starts: the first separator
                          after it, or after a full stop that belongs to it ("U.S.", "Feb.");
                          sentence ends are looked for in [oe, next os) */
    uint64_t hash;     /* the canonical form's ch_tok_hash */
    uint8_t flags;     /* CH_LEXT_* */
    uint8_t words;     /* words of the text it stands for: 1, or the words joined ("62 per
                          cent": 3), at most 255 */
} ch_lex_tok;

typedef struct ch_lex ch_lex;

/* Says whether a word (ch_tok_hash of its normalized form) is known, for splitting lower-case
 * hashtags. */
typedef bool (*ch_lex_known_fn)(const void *ctx, uint64_t word_hash);

/* opts: CH_LEX_* bits. Returns CHORUS_OK or CHORUS_ENOMEM. */
int ch_lex_new(unsigned opts, ch_lex **out);
void ch_lex_free(ch_lex *lx); /* NULL is fine */

/* The ch_normalize flags the stream needs besides CH_NORM_MAP: CH_NORM_KEEP_MENTIONS with
 * CH_LEX_TAGS. */
unsigned ch_lex_norm_flags(unsigned opts);

/*
 * Tokenizes nb (ch_normalize of orig[0..olen) with CH_NORM_MAP and ch_lex_norm_flags) into
 * canonical tokens, at most max; *out and *n receive them (owned by lx). lang: see above;
 * *lang_used (may be NULL) receives the language applied. known (may be NULL) and kctx split
 * lower-case hashtags. Returns CHORUS_OK or CHORUS_ENOMEM.
 */
int ch_lex_tokens(ch_lex *lx, const char *orig, size_t olen, const ch_normbuf *nb, ch_lang lang,
                  ch_lex_known_fn known, const void *kctx, size_t max, const ch_lex_tok **out,
                  size_t *n, ch_lang *lang_used);

#endif
