/* fuzz_tiktok.c — libFuzzer target: arbitrary bytes through the TikTok Research API reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_tiktok, NULL);
    return 0;
}
