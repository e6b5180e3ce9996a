/* fuzz_bluesky.c — libFuzzer target: arbitrary bytes through the Bluesky API reader (views,
 * records, threads, profiles, DID documents, firehose commits). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_bluesky, NULL);
    return 0;
}
