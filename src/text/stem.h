/*
 * stem.h — Snowball stemming (Debian's libstemmer) for the languages the matcher stems:
 * English and French. "warned", "warns" and "warning" all become "warn"; "annoncée" and
 * "annonce" become "annonc".
 *
 * Languages: ch_lang_from_code maps a declared language ("en", "en-GB", "eng", "fr", ...) to
 * CH_LANG_EN / CH_LANG_FR, any other declared language to CH_LANG_OTHER (never stemmed), and
 * NULL, "" or "und" to CH_LANG_UNKNOWN (the caller guesses: see ch_lex_tokens).
 *
 * Ownership and threads: a ch_stemmer holds libstemmer state (not thread-safe): one per thread.
 * libstemmer allocates with malloc, outside chorus's allocator.
 * Cost: about 0.1-0.3 µs per word; callers cache (lex.c).
 */
#ifndef CH_STEM_H
#define CH_STEM_H

#include <stddef.h>

typedef enum ch_lang { CH_LANG_UNKNOWN = 0, CH_LANG_EN, CH_LANG_FR, CH_LANG_OTHER } ch_lang;

ch_lang ch_lang_from_code(const char *code);

typedef struct ch_stemmer ch_stemmer;

/* Returns CHORUS_OK or CHORUS_ENOMEM. The Snowball stemmers are created on first use. */
int ch_stemmer_new(ch_stemmer **out);
void ch_stemmer_free(ch_stemmer *st); /* NULL is fine */

/*
 * Stems the lower-case UTF-8 word w[0..n) in lang (CH_LANG_EN or CH_LANG_FR) into out (cap
 * bytes, not NUL-terminated). Returns the stem's length; 0 when the word is not stemmed (other
 * languages, words under 3 bytes or over 64, a stemmer that cannot be created, a stem that
 * does not fit): the caller keeps the word.
 */
size_t ch_stem(ch_stemmer *st, ch_lang lang, const char *w, size_t n, char *out, size_t cap);

#endif
