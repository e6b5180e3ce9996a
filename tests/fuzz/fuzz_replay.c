/* fuzz_replay.c — libFuzzer target: the replay of a rank's capture (ingest/split.h) must refuse
 * any buffer that is not one (CHORUS_EFORMAT) without reading out of bounds, and add only
 * what the corpus accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_corpus *c;
    if (chorus_corpus_new(&c))
        return 0;
    /* copy so reads past the end are caught by ASan */
    unsigned char *b = malloc(size ? size : 1);
    memcpy(b, data, size);
    ch_ingest_opts o = {0};
    ch_replay rp;
    if (ch_replay_begin(&rp, c, "fuzz.jsonl", &ch_reader_chorus, &o) == 0) {
        int rc = ch_replay_run(&rp, b, size, 7);
        if (rc != 0 && rc != CHORUS_EFORMAT && rc != CHORUS_ENOMEM && rc != CHORUS_ELIMIT)
            abort();
        if (rp.line_offset != (rc == 0 ? 7u : 0u) && rc == 0)
            abort();
        const ch_corpus_stats *st = ch_corpus_stats_get(c);
        if (ch_corpus_nposts(c) > st->records)
            abort();
    }
    chorus_corpus_free(c);
    free(b);
    return 0;
}
