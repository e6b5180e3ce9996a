/* fuzz_input.c — libFuzzer target for the input layer over compressed streams (input.h).
 *
 * The first byte picks a mode:
 *   even: the rest is the file as is (plain, or gzip/zstd when it starts with their magic);
 *   odd:  the rest is a recipe. It is cut at 0xff bytes into pieces; each piece is compressed
 *         as one gzip member or zstd frame (byte 1 says which), the members are concatenated,
 *         and the last 4 bytes of the recipe (when there are enough) flip one byte of the
 *         result. Random bytes rarely form valid compressed data, so this is how the fuzzer
 *         reaches member boundaries, resynchronisation and check failures.
 * Every line is read (with and without damage reporting, and through peek). Checked: lines
 * hold no newline and are followed by readable padding; damaged regions lie inside the input,
 * in order, without overlap, and add up to ch_input_unreadable; and an unflipped recipe reads
 * back exactly the text that was compressed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "chorus.h"
#include "ingest/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINE 4096

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

/* Reads every line; appends the text (lines joined by '\n') to *text when text is not NULL. */
static void read_all(const uint8_t *p, size_t n, bool report, char **text, size_t *tlen)
{
    ch_input *in = NULL;
    if (ch_input_open_mem(p, n, MAX_LINE, &in) != CHORUS_OK)
        return;
    ch_input_report_damage(in, report);
    const char *peek;
    size_t plen;
    if (ch_input_peek(in, &peek, &plen) == CHORUS_OK && plen)
        check(peek[plen - 1] == peek[plen - 1]); /* readable */
    const char *line;
    size_t len;
    uint64_t no, last_to = 0, damage = 0;
    int r;
    size_t cap = 0;
    while ((r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (r == CH_LINE_OK) {
            check(len <= MAX_LINE && !memchr(line, '\n', len));
            volatile char pad = line[len + CH_INPUT_PADDING - 1];
            (void)pad;
            if (text) {
                if (*tlen + len + 1 > cap) {
                    cap = (*tlen + len + 1) * 2;
                    char *nt = realloc(*text, cap);
                    if (!nt)
                        break;
                    *text = nt;
                }
                memcpy(*text + *tlen, line, len);
                *tlen += len;
                (*text)[(*tlen)++] = '\n';
            }
        } else if (r == CH_LINE_DAMAGED) {
            const ch_input_damage *d = ch_input_damage_last(in);
            check(d->from < d->to && d->to <= n && d->from >= last_to && d->msg[0]);
            last_to = d->to;
            damage += d->to - d->from;
        } else if (r == CH_LINE_ERROR && !report) {
            continue; /* callers stop here; going on must be safe too */
        }
    }
    if (report)
        check(damage == ch_input_unreadable(in));
    ch_input_close(in);
}

static size_t compress_piece(bool zstd, const uint8_t *s, size_t n, uint8_t *dst, size_t cap)
{
    if (zstd) {
        size_t z = ZSTD_compress(dst, cap, s, n, 1);
        return ZSTD_isError(z) ? 0 : z;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    zs.next_in = (uint8_t *)s;
    zs.avail_in = (uInt)n;
    zs.next_out = dst;
    zs.avail_out = (uInt)cap;
    int r = deflate(&zs, Z_FINISH);
    size_t out = cap - zs.avail_out;
    deflateEnd(&zs);
    return r == Z_STREAM_END ? out : 0;
}

static void recipe(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    bool zstd = data[0] & 1;
    data++;
    size--;
    size_t body = size >= 8 ? size - 4 : size;
    size_t pieces = 1;
    for (size_t i = 0; i < body; i++)
        pieces += data[i] == 0xff;
    size_t cap = 2 * body + 128 * pieces + 1024; /* above both formats' worst case */
    uint8_t *out = malloc(cap);
    uint8_t *plain = malloc(body + 1);
    if (!out || !plain)
        goto done;
    size_t o = 0, pn = 0;
    for (size_t i = 0; i <= body;) {
        size_t j = i;
        while (j < body && data[j] != 0xff)
            j++;
        size_t z = compress_piece(zstd, data + i, j - i, out + o, cap - o);
        if (!z)
            goto done;
        o += z;
        memcpy(plain + pn, data + i, j - i);
        pn += j - i;
        i = j + 1;
    }
    bool flipped = false;
    if (size >= 8 && o) {
        uint32_t at;
        memcpy(&at, data + body, 4);
        if (at & 1) {
            out[(at >> 8) % o] ^= (uint8_t)(at >> 1 | 1);
            flipped = true;
        }
    }
    char *text = NULL;
    size_t tlen = 0;
    read_all(out, o, true, &text, &tlen);
    read_all(out, o, false, NULL, NULL);
    /* intact members read back exactly (lines within the limit, no CR, no empty member) */
    bool simple = pn > 0 && !memchr(plain, '\r', pn);
    for (size_t i = 0, k = 0; simple && i <= pn; i++) {
        if (i == pn || plain[i] == '\n') {
            simple = i - k <= MAX_LINE;
            k = i + 1;
        }
    }
    if (!flipped && simple) {
        size_t want = pn + (plain[pn - 1] != '\n');
        check(tlen == want && memcmp(text, plain, pn) == 0);
    }
    free(text);
done:
    free(out);
    free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1) {
        recipe(data + 1, size - 1);
    } else {
        read_all(data + 1, size - 1, true, NULL, NULL);
        read_all(data + 1, size - 1, false, NULL, NULL);
    }
    return 0;
}
