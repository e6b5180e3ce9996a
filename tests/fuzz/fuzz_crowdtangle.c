/* fuzz_crowdtangle.c — libFuzzer target: arbitrary bytes through the crowdtangle table preset (and so through
 * the separator guess, the shared row mapping of csv_table.c and the zone-name times). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_crowdtangle, NULL);
    return 0;
}
