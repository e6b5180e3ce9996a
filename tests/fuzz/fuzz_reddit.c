/* fuzz_reddit.c — libFuzzer target: arbitrary bytes through the Reddit reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_reddit, NULL);
    return 0;
}
