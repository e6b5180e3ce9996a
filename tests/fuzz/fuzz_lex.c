/* fuzz_lex.c — libFuzzer target: the canonical word forms (text/lex.h) over any bytes, in every
 * language mode, with and without a known-word callback: tokens keep their invariants (ranges
 * inside both texts, in order, word counts) and nothing is read out of bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/lex.h"
#include "text/normalize.h"

/* every word of two to five letters is "known": exercises hashtag splitting */
static bool known_short(const void *ctx, uint64_t h)
{
    (void)ctx;
    return (h & 3) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ch_lex *lx;
    if (!lx && ch_lex_new(CH_LEX_ALL, &lx) != 0)
        abort();
    /* copy so reads past the end are caught by ASan */
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    if (ch_normalize(s, size, CH_NORM_MAP | ch_lex_norm_flags(CH_LEX_ALL), &nb) == 0) {
        static const ch_lang langs[] = {CH_LANG_UNKNOWN, CH_LANG_EN, CH_LANG_FR, CH_LANG_OTHER};
        for (size_t l = 0; l < 4; l++) {
            const ch_lex_tok *t;
            size_t n;
            if (ch_lex_tokens(lx, s, size, &nb, langs[l], l & 1 ? known_short : NULL, NULL,
                              4096, &t, &n, NULL) != 0)
                abort();
            for (size_t i = 0; i < n; i++) {
                if (t[i].ns >= t[i].ne || t[i].ne > nb.len || t[i].os >= t[i].oe ||
                    t[i].oe > size || (i && (t[i].ns < t[i - 1].ne || t[i].os < t[i - 1].os))) {
                    if (getenv("FUZZ_LEX_VERBOSE"))
                        for (size_t j = 0; j <= i; j++)
                            fprintf(stderr, "lang %zu tok %zu: norm %u-%u orig %u-%u\n", l, j,
                                    (unsigned)t[j].ns, (unsigned)t[j].ne, (unsigned)t[j].os,
                                    (unsigned)t[j].oe);
                    abort();
                }
            }
        }
    }
    ch_normbuf_free(&nb);
    free(s);
    return 0;
}
