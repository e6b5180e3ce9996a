/* fuzz_chorus.c — libFuzzer target: arbitrary bytes through the canonical chorus JSONL reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_chorus, NULL);
    return 0;
}
