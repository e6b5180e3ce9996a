/*
 * fuzz_twitter_v2.c — libFuzzer target: arbitrary bytes through the Twitter API v2 reader.
 *
 * The bytes go through ch_input_open_mem (so gzip/zstd magic is sniffed and decompressed too)
 * into a fresh corpus; no diagnostics are printed. Beyond "no crash, no leak, no UB", every
 * post kept must satisfy the corpus invariants the later stages rely on.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chorus.h"
#include "core/post.h"
#include "ingest/ingest.h"

/* Small enough that long-line skipping is reached with -max_len=65536. */
#define FUZZ_MAX_LINE ((size_t)16 * 1024)

static void check(const ch_corpus *c)
{
    const ch_pool *pool = ch_corpus_pool(c);
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        if (p->id == 0 || p->created_at == CH_UNKNOWN_I64 || p->kind >= CH_KIND__COUNT ||
            p->account >= ch_corpus_naccounts(c) || p->text[p->text_len] != '\0' ||
            ch_pool_len(pool, p->id) == 0)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_corpus *c = NULL;
    ch_input *in = NULL;
    ch_ingest_opts opts = {.format = CH_FMT_TWITTER_V2, .max_line = FUZZ_MAX_LINE};
    uint32_t file;
    if (chorus_corpus_new(&c) != CHORUS_OK)
        return 0;
    if (ch_input_open_mem(data, size, opts.max_line, &in) != CHORUS_OK)
        goto out;
    if (ch_corpus_add_file(c, "fuzz", &file) != CHORUS_OK)
        goto out;
    ch_ingest_ctx ctx = {.corpus = c, .opts = &opts, .fname = "fuzz", .file = file, .in = in};
    if (ch_read_twitter_v2(&ctx) == CHORUS_OK)
        check(c);
out:
    ch_input_close(in);
    chorus_corpus_free(c);
    return 0;
}
