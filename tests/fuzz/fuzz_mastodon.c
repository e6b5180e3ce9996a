/* fuzz_mastodon.c — libFuzzer target: arbitrary bytes through the Mastodon reader (API statuses, streaming envelopes, ActivityPub). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_mastodon, NULL);
    return 0;
}
