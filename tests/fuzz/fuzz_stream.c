/* fuzz_stream.c — libFuzzer target: the parsers of the stream sources on hostile input. The
 * first byte picks one:
 *   0  a source spec: URL splitting, query edits, and opening it (offline: nothing connects)
 *   1  the line assembler, fed in pieces whose sizes come from the input, with a small line
 *      limit: lines never hold a newline nor exceed the limit, every byte is accounted for
 *   2  Jetstream messages (one per input line, every 7th sent as binary) through the source
 *   3  Mastodon messages, and REST pages (lines starting with '['), through the source
 * Records must be followed by readable padding, and cursors must stay short. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/linebuf.h"
#include "stream/stream.h"
#include "stream/url.h"

static void check_rec(const ch_stream_rec *rec)
{
    volatile char pad = rec->data[rec->len + CH_STREAM_PADDING - 1];
    (void)pad;
    if (strlen(rec->cursor) >= CH_STREAM_CURSOR_MAX)
        abort();
}

static void spec(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    ch_url u;
    char err[256], val[64], out[512];
    if (ch_url_parse(s, &u, err, sizeof err) == 0) {
        if (u.path[0] != '/' || u.port < 1 || u.port > 65535)
            abort();
        ch_url_query_get(u.path, "cursor", val, sizeof val);
        if (ch_url_query_set(u.path, "cursor", "123", out, sizeof out) == 0 &&
            (!ch_url_query_get(out, "cursor", val, sizeof val) || strcmp(val, "123") != 0))
            abort();
    }
    ch_stream_opts o = {.offline = true};
    ch_stream *st;
    if (ch_stream_new(&o, &st) == 0) {
        /* only network kinds: a file spec would touch the disk */
        if (strncmp(s, "jetstream:", 10) == 0 || strncmp(s, "mastodon:", 9) == 0)
            ch_stream_add(st, s, NULL, NULL, err, sizeof err);
        ch_stream_free(st);
    }
    free(s);
}

static void lines(const uint8_t *data, size_t size)
{
    ch_linebuf lb;
    const size_t max = 64;
    if (ch_linebuf_init(&lb, max))
        return;
    size_t off = 0, handed = 0;
    while (off < size) {
        size_t piece = 1 + data[off] % 97;
        if (piece > size - off)
            piece = size - off;
        char *p;
        size_t room;
        if (ch_linebuf_space(&lb, &p, &room))
            break;
        if (piece > room)
            piece = room;
        memcpy(p, data + off, piece);
        ch_linebuf_commit(&lb, piece);
        off += piece;
        const char *line;
        size_t len;
        uint64_t no;
        int r;
        while ((r = ch_linebuf_next(&lb, &line, &len, &no)) != CH_LB_NONE) {
            if (r == CH_LB_LINE && (len > max || memchr(line, '\n', len)))
                abort();
            if (r == CH_LB_LINE)
                handed += len;
        }
    }
    const char *line;
    size_t len;
    uint64_t no;
    if (ch_linebuf_flush(&lb, &line, &len, &no) == CH_LB_LINE && len > max)
        abort();
    if (lb.taken != size || handed > size)
        abort();
    ch_linebuf_free(&lb);
}

static void messages(const uint8_t *data, size_t size, const char *spec_str, bool pages)
{
    ch_stream_opts o = {.offline = true, .max_record = 1 << 16};
    ch_stream *st;
    if (ch_stream_new(&o, &st))
        return;
    ch_source *src;
    char err[256];
    if (ch_stream_add(st, spec_str, NULL, &src, err, sizeof err) == 0) {
        size_t off = 0, k = 0;
        while (off < size) {
            const uint8_t *nl = memchr(data + off, '\n', size - off);
            size_t n = nl ? (size_t)(nl - (data + off)) : size - off;
            int what = CH_INJECT_TEXT;
            if (pages && n > 0 && data[off] == '[')
                what = CH_INJECT_PAGE;
            else if (++k % 7 == 0)
                what = CH_INJECT_BINARY;
            ch_source_inject(src, what, data + off, n);
            off += n + 1;
            ch_stream_rec rec;
            while (ch_stream_next(st, 0, &rec) == CH_STREAM_REC)
                check_rec(&rec);
        }
    }
    ch_stream_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0] % 4;
    data++;
    size--;
    switch (mode) {
    case 0: spec(data, size); break;
    case 1: lines(data, size); break;
    case 2: messages(data, size, "jetstream:ws://127.0.0.1:1/subscribe", false); break;
    default:
        messages(data, size, "mastodon:ws://127.0.0.1:1/api/v1/streaming?stream=public", true);
        break;
    }
    return 0;
}
