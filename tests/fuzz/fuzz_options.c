/* fuzz_options.c — libFuzzer target: the scan options by key (src/api/options.c), in
 * particular the lists of the expert controls (per-behaviour windows, behaviour names),
 * must take any bytes as a value: CHORUS_OK, or CHORUS_EUSAGE with a message that starts with
 * the key. The first line of the input picks a key by its first byte; the rest is the value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"window", "behaviours", "min_events", "fdr",
                                       "compat", "similarity", "threshold", "threads"};
    static const char *const good[] = {"repost=60", "repost", "2", "0.05",
                                       "cnt",       "0.8",    "0.6", "1"};
    if (size == 0)
        return 0;
    const size_t k = data[0] % (sizeof keys / sizeof keys[0]);
    const char *key = keys[k];
    /* the value as a C string: bytes after the first, cut at a NUL */
    char *v = malloc(size);
    memcpy(v, data + 1, size - 1);
    v[size - 1] = '\0';
    chorus_scan *s;
    if (chorus_scan_new(&s) != CHORUS_OK) {
        free(v);
        return 0;
    }
    chorus_err rc = chorus_scan_set(s, key, v);
    if (rc != CHORUS_OK && rc != CHORUS_EUSAGE)
        abort();
    if (rc == CHORUS_EUSAGE && strncmp(chorus_scan_error(s)->message, key, strlen(key)) != 0)
        abort();
    /* a refused value leaves the handle usable */
    if (chorus_scan_set(s, key, good[k]) != CHORUS_OK)
        abort();
    chorus_scan_free(s);
    free(v);
    return 0;
}
