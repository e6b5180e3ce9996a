/* fuzz_statements.c — libFuzzer target: arbitrary bytes as a statements file, read both as
 * JSONL and as Markdown (front matter, markup removal), then indexed for matching. The loader
 * reads files, so the bytes go through one temporary file per process. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "detect/parrot/parrot.h"
#include "ingest/statements.h"

static void load_as(const uint8_t *data, size_t size, const char *ext)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/chorus-fuzz-%ld.%s", (long)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    ch_stmtset *set = NULL;
    ch_stmt_opts o = {.split = ext[0] == 'm', .max_bytes = 1 << 16};
    if (ch_stmtset_new(&set) == CHORUS_OK && ch_stmtset_load(set, path, &o) == CHORUS_OK &&
        ch_stmtset_count(set) > 0) {
        ch_parrot_index *ix = NULL;
        ch_parrot_params pp;
        ch_parrot_params_default(&pp);
        if (ch_parrot_build(set, &pp, &ix) == CHORUS_OK) {
            ch_parrot_scratch *sc = NULL;
            if (ch_parrot_scratch_new(ix, &sc) == CHORUS_OK) {
                const ch_parrot_match *m;
                size_t n;
                const ch_statement *st = ch_stmtset_get(set, 0);
                (void)ch_parrot_match_text(ix, sc, st->text, st->text_len, 0, 4, &m, &n);
            }
            ch_parrot_scratch_free(sc);
        }
        ch_parrot_free(ix);
    }
    ch_stmtset_free(set);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_as(data, size, "jsonl");
    load_as(data, size, "md");
    return 0;
}
