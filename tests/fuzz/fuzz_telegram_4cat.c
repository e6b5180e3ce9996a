/* fuzz_telegram_4cat.c — libFuzzer target: arbitrary bytes through the 4CAT Telegram CSV reader. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_telegram_4cat, NULL);
    return 0;
}
