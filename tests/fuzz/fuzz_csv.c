/* fuzz_csv.c — libFuzzer target: arbitrary bytes through the bare CSV record reader, then
 * through the generic csv reader with a fixed column map (no id column, so ids are
 * synthesized) into a fresh corpus. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chorus.h"
#include "core/post.h"
#include "fuzz_reader.h"
#include "ingest/csv.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every byte of every field so ASan sees out-of-bounds slices. */
static void parse_only(const uint8_t *data, size_t size)
{
    ch_input *in = NULL;
    ch_csv *csv = NULL;
    ch_csv_rec rec;
    if (ch_input_open_mem(data, size, 1024, &in) || ch_csv_open(in, 0, 1024, &csv))
        goto out;
    int r = ch_csv_read_header(csv, &rec);
    unsigned sum = 0;
    while (r != CH_CSV_EOF && r != CH_CSV_ERROR) {
        for (size_t i = 0; r == CH_CSV_OK && i < rec.n; i++) {
            for (size_t k = 0; k < rec.field[i].n; k++)
                sum += (unsigned char)rec.field[i].p[k];
        }
        sum += (unsigned)strlen(rec.msg);
        r = ch_csv_next(csv, &rec);
    }
    (void)sum;
out:
    ch_csv_close(csv);
    ch_input_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ch_csvmap map;
    static int ready;
    char err[128];
    if (!ready) {
        if (ch_csvmap_parse(&map, "author=a,author_id=aid,time=t,text=x,kind=k,ref_id=r,"
                                  "ref_author=ra,hashtags=h,urls=u,mentions=m,lang=l",
                            err, sizeof err))
            return 0;
        ready = 1;
    }
    parse_only(data, size);
    fuzz_reader(data, size, &ch_reader_csv, &map);
    return 0;
}
