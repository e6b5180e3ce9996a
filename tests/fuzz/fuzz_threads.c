/* fuzz_threads.c — libFuzzer target: a differential of the whole detection chain. The fuzz
 * bytes (a small corpus: read as the chorus format when they start with '{', else in the
 * format detected) are scanned with 1 worker thread and with 2; the results — every
 * account's score, cluster and reasons, every edge, narrative, match and cluster — must be
 * identical. chorus promises results that do not depend on the thread count. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_scan.h"

/* Everything a user reads from a database, except times and the thread count. */
static const char *const queries[] = {
    "SELECT account_id, platform, handle, n_posts, printf('%.17g', score), cluster_id, reasons"
    " FROM accounts ORDER BY account_id, platform",
    "SELECT * FROM edges ORDER BY 1, 2, 3, 4",
    "SELECT post_id, platform, narrative_id FROM posts ORDER BY post_id, platform",
    "SELECT * FROM clusters ORDER BY 1",
    "SELECT * FROM matches ORDER BY 1, 2, 3",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;   /* small corpora: many runs in the time given */
    const char *in = fuzz_path("posts.jsonl"), *a = fuzz_path("t1.db"), *b = fuzz_path("t2.db");
    fuzz_write_file(in, data, size);
    const char *fmt = size && data[0] == '{' ? "chorus" : NULL;
    chorus_err ra = fuzz_scan(in, fmt, NULL, "1", a), rb = fuzz_scan(in, fmt, NULL, "2", b);
    if (ra != rb)
        abort();
    if (ra != CHORUS_OK)
        return 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *x = fuzz_query(a, queries[i]), *y = fuzz_query(b, queries[i]);
        if (strcmp(x, y)) {
            fprintf(stderr, "1 vs 2 threads differ on: %s\n--- 1:\n%s--- 2:\n%s", queries[i], x, y);
            abort();
        }
        free(x);
        free(y);
    }
    return 0;
}
