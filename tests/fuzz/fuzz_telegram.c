/* fuzz_telegram.c — libFuzzer target: arbitrary bytes through the Telegram Desktop export reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_telegram, NULL);
    return 0;
}
