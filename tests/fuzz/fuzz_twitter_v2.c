/* fuzz_twitter_v2.c — libFuzzer target: arbitrary bytes through the Twitter API v2 reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_twitter_v2, NULL);
    return 0;
}
