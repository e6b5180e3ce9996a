/* fuzz_io_csv.c — libFuzzer target: arbitrary bytes through the io-csv reader. The small line
 * limit makes the too-long and runaway-quote paths reachable. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(data, size, &ch_reader_io_csv, NULL);
    return 0;
}
