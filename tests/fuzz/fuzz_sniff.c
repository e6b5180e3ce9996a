/* fuzz_sniff.c — libFuzzer target: format detection. Any bytes: the sniffer answers NULL or a
 * reader of the table, the same one every time, and never reads past the bytes it is given;
 * the reader it picks then reads those bytes (gzip/zstd decompressed first) without breaking
 * the corpus invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so a read past the end is caught by ASan */
    char *s = malloc(size ? size : 1);
    memcpy(s, data, size);
    const ch_reader *r = ch_ingest_sniff(s, size);
    if (r != ch_ingest_sniff(s, size))
        abort();
    if (r) {
        bool listed = false;
        for (size_t i = 0; i < ch_reader_count(); i++)
            listed |= ch_reader_at(i) == r;
        if (!listed)
            abort();
        fuzz_reader(data, size, r, NULL);
    }
    free(s);
    return 0;
}
