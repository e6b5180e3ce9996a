/* fuzz_normalize.c — libFuzzer target: normalization, the offset map and the tokenizer must
 * accept any bytes, keep their invariants and never read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    /* copy so reads past the end are caught by ASan */
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);
    if (ch_normalize(s, size, CH_NORM_MAP | CH_NORM_ITEMS, &nb) == 0) {
        if (nb.len > 0) {
            size_t a = 0, e = 0;
            if (ch_norm_orig_range(&nb, s, size, 0, nb.len, &a, &e) != 0 || a > e || e > size)
                abort();
        }
        ch_tokiter it;
        size_t a, e;
        ch_tok_init(&it, nb.s, nb.len);
        while (ch_tok_next(&it, &a, &e))
            if (a >= e || e > nb.len)
                abort();
        /* normalizing twice changes nothing */
        ch_normbuf again;
        ch_normbuf_init(&again);
        if (ch_normalize(nb.s, nb.len, 0, &again) == 0 &&
            (again.len != nb.len || memcmp(again.s, nb.s, nb.len) != 0))
            abort();
        ch_normbuf_free(&again);
    }
    ch_normbuf_free(&nb);
    free(s);
    return 0;
}
