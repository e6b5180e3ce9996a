/*
 * fuzz_reader.h — the body every reader fuzz target shares: bytes → ch_input_open_mem (so
 * gzip/zstd magic is sniffed and decompressed too) → one reader → a fresh corpus, then the
 * corpus invariants later stages rely on are checked. No diagnostics are printed.
 */
#ifndef CHORUS_FUZZ_READER_H
#define CHORUS_FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "core/post.h"
#include "ingest/ingest.h"

/* Small enough that long-line skipping is reached with -max_len=65536. */
#define FUZZ_MAX_LINE ((size_t)16 * 1024)

static void fuzz_check_corpus(const ch_corpus *c)
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

static void fuzz_reader(const uint8_t *data, size_t size, const ch_reader *reader,
                        const ch_csvmap *map)
{
    ch_corpus *c = NULL;
    ch_input *in = NULL;
    ch_ingest_opts opts = {.reader = reader, .map = map, .max_line = FUZZ_MAX_LINE};
    uint32_t file;
    if (chorus_corpus_new(&c) != CHORUS_OK)
        return;
    if (ch_input_open_mem(data, size, opts.max_line, &in) != CHORUS_OK ||
        ch_corpus_add_file(c, "fuzz", &file) != CHORUS_OK)
        goto out;
    ch_ingest_ctx ctx = {.corpus = c, .opts = &opts, .fname = "fuzz", .file = file, .in = in};
    if (reader->read(&ctx) == CHORUS_OK)
        fuzz_check_corpus(c);
out:
    ch_input_close(in);
    chorus_corpus_free(c);
}

#endif
