/* test_input.c — line reading over plain, gzip and zstd input, limits and broken streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
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
        } else if (r == CH_LINE_DAMAGED) {
            const ch_input_damage *d = ch_input_damage_last(in);
            assert_non_null(strstr(d->msg, "bytes "));
            int m = snprintf(tmp, sizeof tmp, "<%s:%llu..%llu>", ch_reason_name(d->reason),
                             (unsigned long long)d->from, (unsigned long long)d->to);
            memcpy(acc + o, tmp, (size_t)m);
            o += (size_t)m;
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

/* ---- damaged streams -------------------------------------------------------------------- */

typedef struct zbuf {
    unsigned char *p;
    size_t n, cap;
    size_t at[8];                 /* where each appended member starts */
    int members;
} zbuf;

static void zb_add(zbuf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void zb_gzip(zbuf *b, const char *s)
{
    size_t n = strlen(s), cap = n + 1024;
    unsigned char *z = malloc(cap);
    size_t zn = gzip_mem(s, n, z, cap);
    b->at[b->members++] = b->n;
    zb_add(b, z, zn);
    free(z);
}

static void zb_zstd(zbuf *b, const char *s, size_t n, bool checksum)
{
    size_t cap = ZSTD_compressBound(n);
    unsigned char *z = malloc(cap);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum ? 1 : 0);
    size_t zn = ZSTD_compress2(cc, z, cap, s, n);
    assert_false(ZSTD_isError(zn));
    ZSTD_freeCCtx(cc);
    b->at[b->members++] = b->n;
    zb_add(b, z, zn);
    free(z);
}

static char *read_mem(const void *p, size_t n, bool report)
{
    ch_input *in;
    assert_int_equal(ch_input_open_mem(p, n, 0, &in), 0);
    ch_input_report_damage(in, report);
    char *got = read_all(in);
    ch_input_close(in);
    return got;
}

#define CHECK_DAMAGE(buf, n, want)                 \
    do {                                           \
        char *got_ = read_mem((buf), (n), true);   \
        assert_string_equal(got_, (want));         \
        free(got_);                                \
    } while (0)

static void test_gzip_damage(void **state)
{
    (void)state;
    char want[512];
    zbuf b = {0};
    zb_gzip(&b, "a1\na2\n");
    zb_gzip(&b, "b1\nb2\nb3 some more text so the member is not tiny\n");
    zb_gzip(&b, "c1\n");
    CHECK_DAMAGE(b.p, b.n, "a1|a2|b1|b2|b3 some more text so the member is not tiny|c1|");
    size_t a = b.at[1], z = b.at[2];

    /* the middle member's CRC fails: none of its lines are seen, the third member is read */
    unsigned char *bad = malloc(b.n);
    memcpy(bad, b.p, b.n);
    bad[z - 8] ^= 1;
    snprintf(want, sizeof want, "a1|a2|<bad_checksum:%zu..%zu>|c1|", a, z);
    CHECK_DAMAGE(bad, b.n, want);
    /* its length field: the same */
    memcpy(bad, b.p, b.n);
    bad[z - 2] ^= 1;
    CHECK_DAMAGE(bad, b.n, want);
    /* its deflate data: corrupt (whatever zlib notices first), still only that member lost */
    memcpy(bad, b.p, b.n);
    for (size_t i = a + 10; i < a + 16; i++)
        bad[i] = 0xff;
    char *got = read_mem(bad, b.n, true);
    assert_non_null(strstr(got, "a1|a2|<"));
    assert_non_null(strstr(got, ">|c1|"));
    assert_null(strstr(got, "b1"));
    free(got);
    /* its header magic: the bytes are no member; the search finds the third one */
    memcpy(bad, b.p, b.n);
    bad[a] = 0;
    snprintf(want, sizeof want, "a1|a2|<corrupt_member:%zu..%zu>|c1|", a, z);
    CHECK_DAMAGE(bad, b.n, want);
    /* the first member's header: the damage comes first, then the rest */
    memcpy(bad, b.p, b.n);
    bad[3] = 0xe0; /* reserved flag bits */
    snprintf(want, sizeof want, "<corrupt_member:0..%zu>|b1|b2|b3 some more text so the member "
                                "is not tiny|c1|", a);
    CHECK_DAMAGE(bad, b.n, want);
    ch_input *in;
    const char *peek;
    size_t plen;
    assert_int_equal(ch_input_open_mem(bad, b.n, 0, &in), 0);
    assert_int_equal(ch_input_peek(in, &peek, &plen), 0);
    assert_true(plen > 0 && memcmp(peek, "b1\n", 3) == 0);
    ch_input_close(in);
    /* without report_damage, a damaged region is an error naming the bytes */
    memcpy(bad, b.p, b.n);
    bad[z - 8] ^= 1;
    assert_int_equal(ch_input_open_mem(bad, b.n, 0, &in), 0);
    const char *line;
    size_t len;
    uint64_t no;
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_OK);
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_OK);
    assert_int_equal(ch_input_line(in, &line, &len, &no), CH_LINE_ERROR);
    snprintf(want, sizeof want, "bytes %zu..%zu: gzip member fails its check", a, z);
    assert_non_null(strstr(ch_input_error(in), want));
    assert_int_equal(ch_input_unreadable(in), z - a);
    ch_input_close(in);
    free(bad);

    /* trailing garbage and zero padding after the last member; garbage between members */
    zbuf t = {0};
    zb_add(&t, b.p, b.n);
    zb_add(&t, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    snprintf(want, sizeof want, "a1|a2|b1|b2|b3 some more text so the member is not tiny|c1|"
                                "<trailing_garbage:%zu..%zu>|", b.n, b.n + 12);
    CHECK_DAMAGE(t.p, t.n, want);
    zbuf g = {0};
    zb_gzip(&g, "x\n");
    size_t gx = g.n;
    zb_add(&g, "junk!junk!", 10);
    zb_gzip(&g, "y\n");
    snprintf(want, sizeof want, "x|<corrupt_member:%zu..%zu>|y|", gx, gx + 10);
    CHECK_DAMAGE(g.p, g.n, want);
    free(t.p);
    free(g.p);

    /* zero-length members anywhere are nothing */
    zbuf e = {0};
    zb_gzip(&e, "");
    zb_gzip(&e, "p\n");
    zb_gzip(&e, "");
    zb_gzip(&e, "q");
    zb_gzip(&e, "");
    CHECK_DAMAGE(e.p, e.n, "p|q|");
    free(e.p);

    /* a member that does not end its last line: the damage after it never joins lines */
    zbuf j = {0};
    zb_gzip(&j, "one\ntw");
    zb_gzip(&j, "o\nthree\n");
    zb_gzip(&j, "four\n");
    j.p[j.at[2] - 8] ^= 1;
    snprintf(want, sizeof want, "one|tw|<bad_checksum:%zu..%zu>|four|", j.at[1], j.at[2]);
    CHECK_DAMAGE(j.p, j.n, want);

    /* a truncated last member keeps every complete line before the cut */
    j.p[j.at[2] - 8] ^= 1;
    got = read_mem(j.p, j.at[2] + 12, true);
    assert_true(strncmp(got, "one|two|three|", 14) == 0);
    assert_non_null(strstr(got, "<err:"));
    assert_null(strstr(got, "corrupt"));
    free(got);
    assert_int_equal(ch_input_open_mem(j.p, j.n - 4, 0, &in), 0);
    got = read_all(in);
    assert_string_equal(got, "one|two|three|four|<err:5>");
    assert_true(ch_input_truncated(in));
    assert_non_null(strstr(ch_input_error(in), "truncated"));
    ch_input_close(in);
    free(got);
    free(j.p);
    free(b.p);
}

/* Text of `bytes` or a little more: "line 0\nline 1\n..."; *lines gets the count. */
static char *numbered_lines(size_t bytes, int *lines)
{
    size_t o = 0;
    char *s = malloc(bytes + 64);
    *lines = 0;
    while (o < bytes) {
        o += (size_t)snprintf(s + o, bytes + 64 - o, "line %d\n", *lines);
        ++*lines;
    }
    return s;
}

/* Reads a stream of [small first member] + big member (CRC broken) + "after\n"; returns how
 * many "line N" lines were handed out and checks the one damage report. */
static int read_big_member(size_t big, bool small_first, bool want_partly)
{
    int lines;
    char *s = numbered_lines(big, &lines);
    zbuf b = {0};
    if (small_first)
        zb_gzip(&b, "first\n");
    zb_gzip(&b, s);
    size_t from = b.at[b.members - 1];
    zb_gzip(&b, "after\n");
    size_t to = b.at[b.members - 1];
    b.p[to - 8] ^= 1;
    ch_input *in;
    assert_int_equal(ch_input_open_mem(b.p, b.n, 0, &in), 0);
    ch_input_report_damage(in, true);
    const char *line;
    size_t len;
    uint64_t no;
    int r, count = 0, damaged = 0;
    bool after = false;
    while ((r = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (r == CH_LINE_OK && len == 5 && memcmp(line, "after", 5) == 0)
            after = true;
        else if (r == CH_LINE_OK && len > 5 && memcmp(line, "line ", 5) == 0)
            count++;
        if (r == CH_LINE_DAMAGED) {
            damaged++;
            const ch_input_damage *d = ch_input_damage_last(in);
            assert_int_equal(d->partly_read, want_partly);
            assert_int_equal(d->reason, CH_R_BAD_CHECKSUM);
            assert_int_equal(d->from, from);
            assert_int_equal(d->to, to);
            assert_true(!want_partly || strstr(d->msg, "are kept"));
        }
    }
    assert_int_equal(damaged, 1);
    assert_true(after);
    assert_true(count == 0 || count == lines);
    ch_input_close(in);
    free(b.p);
    free(s);
    return count == lines;
}

/* A member is held until verified while it is below its bound: 1 MiB for a file's first
 * member, 8 MiB after it. A larger one is handed out as it decompresses; when its check then
 * fails, the damage says so. */
static void test_gzip_damage_large(void **state)
{
    (void)state;
    /* first member over 1 MiB: handed out, then reported as partly read */
    assert_true(read_big_member(CH_INPUT_HOLD_FIRST + (1 << 20), false, true));
    /* a later member of 3 MiB: held, none of it handed out */
    assert_false(read_big_member(3 << 20, true, false));
    /* a later member over 8 MiB: handed out, partly read */
    assert_true(read_big_member(CH_INPUT_HOLD + (1 << 20), true, true));
}

static void test_zstd_damage(void **state)
{
    (void)state;
    char want[512];
    zbuf b = {0};
    zb_zstd(&b, "a1\na2\n", 6, true);
    zb_zstd(&b, "b1\nb2\n", 6, true);
    /* a skippable frame (metadata some writers add) is no damage */
    static const unsigned char skip[] = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
    b.at[b.members++] = b.n;
    zb_add(&b, skip, sizeof skip);
    zb_zstd(&b, "c1\n", 3, false);
    CHECK_DAMAGE(b.p, b.n, "a1|a2|b1|b2|c1|");
    /* the middle frame's content checksum fails */
    unsigned char *bad = malloc(b.n);
    memcpy(bad, b.p, b.n);
    bad[b.at[2] - 1] ^= 1;
    snprintf(want, sizeof want, "a1|a2|<bad_checksum:%zu..%zu>|c1|", b.at[1], b.at[2]);
    CHECK_DAMAGE(bad, b.n, want);
    /* its magic number: skipped up to the skippable frame */
    memcpy(bad, b.p, b.n);
    bad[b.at[1]] = 0;
    snprintf(want, sizeof want, "a1|a2|<corrupt_member:%zu..%zu>|c1|", b.at[1], b.at[2]);
    CHECK_DAMAGE(bad, b.n, want);
    /* trailing garbage */
    zbuf t = {0};
    zb_add(&t, b.p, b.n);
    zb_add(&t, "garbage", 7);
    snprintf(want, sizeof want, "a1|a2|b1|b2|c1|<trailing_garbage:%zu..%zu>|", b.n, b.n + 7);
    CHECK_DAMAGE(t.p, t.n, want);
    /* a truncated last frame keeps what was complete */
    zbuf l = {0};
    zb_zstd(&l, "one\ntwo\nthr", 11, true);
    char *got = read_mem(l.p, l.n - 2, true);
    assert_string_equal(got, "one|two|<err:3>");
    free(got);
    free(l.p);
    free(t.p);
    free(bad);
    free(b.p);
}

/* From a pipe the input cannot seek: it goes back only as far as its buffer holds, which is
 * enough for members of ordinary size. */
static void test_damage_from_pipe(void **state)
{
    (void)state;
    zbuf b = {0};
    zb_gzip(&b, "a1\n");
    zb_gzip(&b, "b1\nb2\n");
    zb_gzip(&b, "c1\n");
    b.p[b.at[2] - 8] ^= 1;
    char path[] = "/tmp/chorus_test_fifoXXXXXX";
    assert_non_null(mkdtemp(path));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/f", path);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(fifo, O_WRONLY);
        if (fd >= 0 && write(fd, b.p, b.n) == (ssize_t)b.n)
            _exit(0);
        _exit(1);
    }
    ch_input *in;
    char err[256];
    assert_int_equal(ch_input_open(fifo, 0, &in, err, sizeof err), 0);
    assert_int_equal(ch_input_file_size(in), -1);
    ch_input_report_damage(in, true);
    char *got = read_all(in);
    char want[128];
    snprintf(want, sizeof want, "a1|<bad_checksum:%zu..%zu>|c1|", b.at[1], b.at[2]);
    assert_string_equal(got, want);
    free(got);
    ch_input_close(in);
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    unlink(fifo);
    rmdir(path);
    free(b.p);
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
        cmocka_unit_test(test_open_errors),   cmocka_unit_test(test_gzip_damage),
        cmocka_unit_test(test_gzip_damage_large), cmocka_unit_test(test_zstd_damage),
        cmocka_unit_test(test_damage_from_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
