/*
 * normalize.h — text normalization for matching posts against statements and each other, and a
 * tokenizer over the normalized text for shingling.
 *
 * ch_normalize() turns UTF-8 post text into a matching key:
 *   HTML entities decoded → URLs and @mentions set aside → NFKC + case folding (utf8proc) →
 *   diacritics and default-ignorable characters (zero-width, bidi, variation selectors, soft
 *   hyphen, BOM) removed → Cyrillic/Greek/Armenian look-alike letters folded to Latin →
 *   punctuation, symbols (emoji), controls and white space become one ASCII space → trimmed.
 * Hashtags lose their '#' and keep their word. Han, Kana, Hangul and other scripts keep their
 * letters (NFKC-composed). Invalid UTF-8 never fails: each bad byte is a separator. The steps,
 * their reasons and their limits are in docs/normalization.md.
 *
 * The result is only a key: the original text is kept beside it, and with CH_NORM_MAP every
 * output byte records where in the original it came from, so evidence found in the normalized
 * text can be shown in the original (ch_norm_orig_range).
 *
 * Ownership: a ch_normbuf owns its arrays and is reused across calls (each call overwrites it);
 * the caller owns the ch_normbuf itself. The input is only read. Not thread-safe per buffer;
 * use one buffer per thread (the functions keep no global state).
 *
 * Cost: O(n) time. ASCII bytes take a fast path without utf8proc, and so do common Han
 * characters and Hangul syllables; other characters cost one utf8proc decomposition each
 * (measured: ~165 MB/s on real tweets, one core). Memory: the output is at most
 * CH_NORM_MAX_EXPANSION bytes per input byte (U+FDFA decomposes to 18 letters), plus 4 bytes
 * per output byte for the map when requested. Buffers only grow; ch_normbuf_free releases them.
 */
#ifndef CH_NORMALIZE_H
#define CH_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ch_normalize flags */
enum {
    CH_NORM_MAP = 1u << 0,           /* fill map[]: original offset of each output byte */
    CH_NORM_KEEP_URLS = 1u << 1,     /* URLs stay in the text as words (default: removed) */
    CH_NORM_KEEP_MENTIONS = 1u << 2, /* @mentions stay as words (default: removed) */
    CH_NORM_ITEMS = 1u << 3          /* report removed URLs and mentions in items[] */
};

/* Output bytes per input byte, at most (checked by the tests). */
#define CH_NORM_MAX_EXPANSION 11
/* Longest input accepted: offsets are uint32_t. */
#define CH_NORM_MAX_INPUT ((size_t)UINT32_MAX - 1)

typedef enum ch_norm_item_kind { CH_NORM_URL = 1, CH_NORM_MENTION = 2 } ch_norm_item_kind;

/* A URL or mention removed from the text: original bytes [start, end), in text order. */
typedef struct ch_norm_item {
    uint32_t start, end;
    uint32_t kind; /* ch_norm_item_kind */
} ch_norm_item;

/*
 * Invariants after a successful ch_normalize: s[0..len) is valid UTF-8 in NFKC form with no
 * leading, trailing or double spaces; s[len] == '\0'. With CH_NORM_MAP, map[i] (i < len) is
 * the byte offset in the original text of the unit s[i] came from: a character, an HTML
 * entity, a base character with its combining marks, or, for a space, the first separator or
 * removed URL/mention it stands for. Map values never decrease.
 */
typedef struct ch_normbuf {
    char *s;              /* normalized text, NUL-terminated (NULL before the first call) */
    size_t len, cap;      /* bytes in s (without the NUL); bytes allocated */
    uint32_t *map;        /* CH_NORM_MAP only: len entries, else untouched */
    size_t map_cap;       /* entries allocated */
    ch_norm_item *items;  /* CH_NORM_ITEMS only: nitems entries */
    size_t nitems, items_cap;
    unsigned flags;       /* flags of the last call (ch_norm_orig_range needs them) */
} ch_normbuf;

void ch_normbuf_init(ch_normbuf *b);
/* Releases every array; b can be reused after ch_normbuf_init. Harmless on NULL. */
void ch_normbuf_free(ch_normbuf *b);

/*
 * Normalizes s[0..n) (UTF-8, need not be NUL-terminated or valid) into out, replacing its
 * previous content. Returns CHORUS_OK, CHORUS_ELIMIT when n > CH_NORM_MAX_INPUT, or
 * CHORUS_ENOMEM; on error out->len is 0 and out stays valid for reuse or free.
 * Cost: O(n); at most one allocation per array when out is reused for similar texts.
 */
int ch_normalize(const char *s, size_t n, unsigned flags, ch_normbuf *out);

/*
 * Maps the normalized range [a, b) of nb->s to the original text: *start is the first byte of
 * the unit that produced s[a], *end is one past the last byte of the unit that produced s[b-1].
 * orig[0..orig_len) must be the text of the ch_normalize call that filled nb with CH_NORM_MAP.
 * Returns CHORUS_OK, or CHORUS_EUSAGE when the range is empty, out of bounds or nb has no map.
 * Cost: O(1) (decodes one unit of the original).
 */
int ch_norm_orig_range(const ch_normbuf *nb, const char *orig, size_t orig_len, size_t a,
                       size_t b, size_t *start, size_t *end);

/*
 * Tokenizer for shingling, over normalized text. A token is a run of letters, digits and marks
 * (words of space-delimited scripts), except that each Han, Kana, Hangul or Bopomofo character
 * (with any marks after it) is a token of its own, so Chinese and Japanese yield character
 * n-grams. Spaces and ASCII punctuation separate tokens. Cost: O(len) for the whole iteration.
 *
 *     ch_tokiter it; size_t a, e;
 *     ch_tok_init(&it, nb.s, nb.len);
 *     while (ch_tok_next(&it, &a, &e)) use(nb.s + a, e - a, ch_tok_hash(nb.s + a, e - a));
 */
typedef struct ch_tokiter {
    const char *s;
    size_t len, pos;
} ch_tokiter;

void ch_tok_init(ch_tokiter *it, const char *s, size_t len);
/* Next token's byte range [*start, *end) in s; false when there are no more. */
bool ch_tok_next(ch_tokiter *it, size_t *start, size_t *end);
/* Stable 64-bit token hash: XXH3-64 of the token bytes, seed 0 (same on every platform and
 * run, so hashes can be stored). */
uint64_t ch_tok_hash(const char *s, size_t len);

#endif
