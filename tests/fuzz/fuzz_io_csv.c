/* fuzz_io_csv.c — libFuzzer target: arbitrary bytes through the io-csv reader into a fresh
 * corpus. A small line limit makes the too-long and runaway-quote paths reachable. */
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"
#include "core/post.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_corpus *c = NULL;
    ch_input *in = NULL;
    uint32_t file;
    if (chorus_corpus_new(&c))
        goto out;
    if (ch_input_open_mem(data, size, 4096, &in) || ch_corpus_add_file(c, "fuzz.csv", &file))
        goto out;
    ch_ingest_opts o = {.format = CH_FMT_IO_CSV, .max_line = 4096};
    ch_ingest_ctx ctx = {.corpus = c, .opts = &o, .fname = "fuzz.csv", .file = file, .in = in};
    (void)ch_read_io_csv(&ctx);
out:
    ch_input_close(in);
    chorus_corpus_free(c);
    return 0;
}
