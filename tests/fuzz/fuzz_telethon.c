/* fuzz_telethon.c — libFuzzer target: arbitrary bytes through the Telethon / 4CAT NDJSON reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_telethon, NULL);
    return 0;
}
