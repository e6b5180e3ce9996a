/* fuzz_twitter_v2.c — libFuzzer target: arbitrary bytes through the Twitter API v2 reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, CH_FMT_TWITTER_V2, NULL, ch_read_twitter_v2);
    return 0;
}
