/* test_input.c — line reading over plain, gzip and zstd input, limits and broken streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "chorus.h"
#include "ingest/input.h"

static size_t gzip_mem(const char *src, size_t n, unsigned char *dst, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)src;
    z.avail_in = (uInt)n;
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t out = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* Reads all lines; returns them joined by '|' with "<long:N>" / "<err:N>" markers. */
static char *read_all(ch_input *in)
{
    size_t cap = 1 << 20, o = 0;
    char *acc = malloc(cap);
    const char *line;
    size_t len;
    uint64_t no;
    int r;
    while ((r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        char tmp[64];
        if (r == CH_LINE_OK) {
            /* padding after the line must be readable */
            volatile char pad = line[len + CH_INPUT_PADDING - 1];
            (void)pad;
            assert_true(o + len + 2 < cap);
            memcpy(acc + o, line, len);
            o += len;
        } else {
            int m = snprintf(tmp, sizeof tmp, "<%s:%llu>", r == CH_LINE_TOO_LONG ? "long" : "err",
                             (unsigned long long)no);
            memcpy(acc + o, tmp, (size_t)m);
            o += (size_t)m;
            if (r == CH_LINE_ERROR)
                break;
        }
        acc[o++] = '|';
    }
    acc[o] = '\0';
    return acc;
}

static void check_mem(const char *data, size_t n, size_t max_line, const char *want)
{
    ch_input *in;
    assert_int_equal(ch_input_open_mem(data, n, max_line, &in), 0);
    char *got = read_all(in);
    assert_string_equal(got, want);
    free(got);
    ch_input_close(in);
}

static void test_plain(void **state)
{
    (void)state;
    const char *s = "a\nbb\r\n\nccc";
    check_mem(s, strlen(s), 0, "a|bb||ccc|");
    check_mem("", 0, 0, "");
    check_mem("\n", 1, 0, "|");
}

static void test_long_lines(void **state)
{
    (void)state;
    /* lines over the limit are skipped with their number; the rest is kept */
    char *s = malloc(5000);
    strcpy(s, "ok1\n");
    memset(s + 4, 'x', 3000);
    strcpy(s + 3004, "\nok3\n");
    check_mem(s, strlen(s), 100, "ok1|<long:2>|ok3|");
    /* a huge line that spans many buffer refills, with no newline until the end */
    size_t big = (size_t)5 * 1024 * 1024;
    char *h = malloc(big + 16);
    memset(h, 'y', big);
    memcpy(h + big, "\nend", 5);
    check_mem(h, big + 4, 1024, "<long:1>|end|");
    /* a long line within the limit is returned whole */
    ch_input *in;
    assert_int_equal(ch_input_open_mem(h, big + 4, big + 10, &in), 0);
    const char *line;
    size_t len;
    uint64_t no;
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_OK);
    assert_int_equal(len, big);
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_OK);
    assert_int_equal(no, 2);
    ch_input_close(in);
    free(h);
    free(s);
}

static void test_gzip(void **state)
{
    (void)state;
    const char *s = "first\nsecond\nthird\n";
    unsigned char z[256], z2[512];
    size_t n = gzip_mem(s, strlen(s), z, sizeof z);
    check_mem((char *)z, n, 0, "first|second|third|");
    /* concatenated members read as one stream */
    memcpy(z2, z, n);
    memcpy(z2 + n, z, n);
    check_mem((char *)z2, 2 * n, 0, "first|second|third|first|second|third|");
    /* truncated: what was complete is kept, then one error */
    ch_input *in;
    assert_int_equal(ch_input_open_mem(z, n - 6, 0, &in), 0);
    char *got = read_all(in);
    assert_non_null(strstr(got, "first|"));
    assert_non_null(strstr(got, "<err:"));
    assert_true(ch_input_truncated(in));
    assert_int_equal(ch_input_compression(in), CH_COMP_GZIP);
    assert_non_null(strstr(ch_input_error(in), "truncated"));
    free(got);
    ch_input_close(in);
    /* corrupt data is an error, not a crash */
    unsigned char bad[64];
    memcpy(bad, z, 20);
    memset(bad + 20, 0xff, 40);
    assert_int_equal(ch_input_open_mem(bad, 60, 0, &in), 0);
    got = read_all(in);
    assert_non_null(strstr(got, "<err:"));
    free(got);
    ch_input_close(in);
}

static void test_zstd(void **state)
{
    (void)state;
    /* big enough to need several refills */
    size_t n = 0, cap = 4 << 20;
    char *s = malloc(cap);
    for (int i = 0; i < 200000; i++)
        n += (size_t)snprintf(s + n, cap - n, "line %d\n", i);
    size_t zcap = ZSTD_compressBound(n);
    char *z = malloc(zcap);
    size_t zn = ZSTD_compress(z, zcap, s, n, 3);
    assert_false(ZSTD_isError(zn));
    ch_input *in;
    assert_int_equal(ch_input_open_mem(z, zn, 0, &in), 0);
    assert_int_equal(ch_input_compression(in), CH_COMP_ZSTD);
    const char *peek;
    size_t plen;
    assert_int_equal(ch_input_peek(in, &peek, &plen), 0);
    assert_true(plen > 1000);
    assert_memory_equal(peek, "line 0\nline 1\n", 14);
    const char *line;
    size_t len;
    uint64_t no, count = 0;
    int r;
    while ((r = ch_input_line(in, &line, &len, &no)) == CH_LINE_OK) {
        char want[32];
        int m = snprintf(want, sizeof want, "line %llu", (unsigned long long)count);
        assert_int_equal(len, (size_t)m);
        assert_memory_equal(line, want, len);
        count++;
    }
    assert_int_equal(r, CH_LINE_EOF);
    assert_int_equal(count, 200000);
    assert_int_equal(ch_input_bytes(in), n);
    ch_input_close(in);
    /* truncated zstd */
    assert_int_equal(ch_input_open_mem(z, zn / 2, 0, &in), 0);
    count = 0;
    while ((r = ch_input_line(in, &line, &len, &no)) == CH_LINE_OK)
        count++;
    assert_int_equal(r, CH_LINE_ERROR);
    assert_true(ch_input_truncated(in));
    assert_true(count > 0 && count < 200000);
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_EOF);
    ch_input_close(in);
    free(z);
    free(s);
}

static void test_open_errors(void **state)
{
    (void)state;
    ch_input *in = NULL;
    char err[256];
    assert_int_equal(ch_input_open("/nonexistent/x.jsonl", 0, &in, err, sizeof err), CHORUS_EIO);
    assert_null(in);
    assert_non_null(strstr(err, "cannot open '/nonexistent/x.jsonl'"));
    assert_int_equal(ch_input_open("/", 0, &in, err, sizeof err), CHORUS_EIO);
    assert_non_null(strstr(err, "directory"));
    ch_input_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain), cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_gzip),  cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
