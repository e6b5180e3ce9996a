/* fuzz_url.c — libFuzzer target: URL canonicalization must accept any bytes, write like
 * snprintf, never outgrow its input by more than 32 bytes (callers size buffers so), give the
 * same answer into a short buffer. (Not checked: that the canonical form is its own canonical
 * form. A stray '%' followed by an escaped hex digit, "%7%41", canonicalizes to "%7A", which
 * then decodes again; such URLs are malformed, and each spelling stays one object.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* copies, so that reads past the end are caught by ASan */
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);
    const size_t cap = size + 33;
    char *out = malloc(cap);
    const size_t n = ch_url_canon(s, size, out, cap);
    if (n > size + 32 || (n && out[n] != '\0') || ch_url_canon(s, size, NULL, 0) != n)
        abort();
    if (n) {
        char small[8];
        const size_t m = ch_url_canon(s, size, small, sizeof small);
        if (m != n || strlen(small) != (n < sizeof small ? n : sizeof small - 1) ||
            memcmp(small, out, strlen(small)) != 0)
            abort();
    }
    free(out);
    free(s);
    return 0;
}
