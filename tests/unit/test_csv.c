/* test_csv.c — the RFC 4180 record reader (hard cases, limits, allocation failure) and the
 * CSV cell helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "chorus.h"
#include "core/alloc.h"
#include "ingest/csv.h"
#include "ingest/input.h"

/* Renders every record of `data` as "LINE[f1|f2|...]" and every skip as "LINE<reason>", one per
 * line of output, so a whole parse is one string comparison. */
static char *render_opts(const char *data, size_t len, char sep, size_t max, bool header)
{
    ch_input *in = NULL;
    ch_csv *c = NULL;
    assert_int_equal(ch_input_open_mem(data, len, max, &in), CHORUS_OK);
    assert_int_equal(ch_csv_open(in, sep, max, &c), CHORUS_OK);
    size_t cap = 1 << 20, o = 0;
    char *acc = malloc(cap);
    ch_csv_rec rec;
    int r = header ? ch_csv_read_header(c, &rec) : ch_csv_next(c, &rec);
    while (r != CH_CSV_EOF) {
        assert_true(o + 256 < cap);
        if (r == CH_CSV_OK) {
            o += (size_t)snprintf(acc + o, cap - o, "%llu[", (unsigned long long)rec.line);
            for (size_t i = 0; i < rec.n; i++) {
                assert_true(o + rec.field[i].n + 8 < cap);
                if (i)
                    acc[o++] = '|';
                memcpy(acc + o, rec.field[i].p, rec.field[i].n);
                o += rec.field[i].n;
            }
            o += (size_t)snprintf(acc + o, cap - o, "]\n");
        } else if (r == CH_CSV_SKIP) {
            o += (size_t)snprintf(acc + o, cap - o, "%llu<%s>\n", (unsigned long long)rec.line,
                                  ch_reason_name(rec.reason));
            assert_true(rec.msg && rec.msg[0]);
        } else {
            o += (size_t)snprintf(acc + o, cap - o, "<error %s>\n", rec.msg);
            break;
        }
        r = ch_csv_next(c, &rec);
    }
    acc[o] = '\0';
    ch_csv_close(c);
    ch_input_close(in);
    return acc;
}

static char *render(const char *data)
{
    return render_opts(data, strlen(data), 0, 0, false);
}

#define CHECK(data, expect)                  \
    do {                                     \
        char *got_ = render(data);           \
        assert_string_equal(got_, expect);   \
        free(got_);                          \
    } while (0)

static void test_basic(void **state)
{
    (void)state;
    CHECK("a,b,c\n1,2,3\n", "1[a|b|c]\n2[1|2|3]\n");
    CHECK("a,b\n1,2", "1[a|b]\n2[1|2]\n");                 /* no final newline */
    CHECK("x\n", "1[x]\n");
    CHECK(" a , b \n", "1[ a | b ]\n");                      /* spaces are data (RFC 4180) */
}

static void test_quotes(void **state)
{
    (void)state;
    CHECK("\"a,b\",c\n", "1[a,b|c]\n");
    CHECK("\"he said \"\"hi\"\"\",x\n", "1[he said \"hi\"|x]\n");
    CHECK("\"\"\"\",\"\"\n", "1[\"|]\n");                    /* """" is one quote; "" is empty */
    CHECK("\"\"\"a\"\"\"\n", "1[\"a\"]\n");
    /* lenient: a quote inside an unquoted field is literal; text after a closing quote joins */
    CHECK("ab\"c,d\n", "1[ab\"c|d]\n");
    CHECK("\"ab\"c,d\n", "1[abc|d]\n");
    CHECK("\"a\" ,b\n", "1[a |b]\n");
}

static void test_quoted_newlines(void **state)
{
    (void)state;
    CHECK("id,text\n1,\"line one\nline two\"\n2,x\n",
          "1[id|text]\n2[1|line one\nline two]\n4[2|x]\n");
    /* blank lines inside quotes are data; a quoted CRLF reads as '\n' */
    CHECK("1,\"a\n\n\nb\"\n", "1[1|a\n\n\nb]\n");
    CHECK("1,\"a\r\nb\"\r\n2,c\r\n", "1[1|a\nb]\n3[2|c]\n");
    /* a doubled quote split exactly at the line end */
    CHECK("\"x\"\"\n\"\"y\"\n", "1[x\"\n\"y]\n");
    /* the quote closes at the start of the next line */
    CHECK("\"a\n\",b\nc,d\n", "1[a\n|b]\n3[c|d]\n");
}

static void test_crlf_bom_blank(void **state)
{
    (void)state;
    CHECK("a,b\r\n1,2\r\n", "1[a|b]\n2[1|2]\n");
    CHECK("\xEF\xBB\xBFid,name\n1,2\n", "1[id|name]\n2[1|2]\n");
    CHECK("\xEF\xBB\xBF\"id\",name\n", "1[id|name]\n");      /* BOM before a quote */
    CHECK("a,b\n\n1,2\n\n\n", "1[a|b]\n3[1|2]\n");          /* blank lines skipped */
    CHECK("a,b\n1,2\n\r\n", "1[a|b]\n2[1|2]\n");
    CHECK(",,\n,\"\",x\n", "1[||]\n2[||x]\n");              /* empty fields */
    CHECK("a,\n", "1[a|]\n");
    /* a BOM later in the file is data */
    CHECK("a\n\xEF\xBB\xBFz\n", "1[a]\n2[\xEF\xBB\xBFz]\n");
}

static void test_empty(void **state)
{
    (void)state;
    CHECK("", "");
    CHECK("\n\n\r\n", "");
    CHECK("\xEF\xBB\xBF", "");

    ch_input *in;
    ch_csv *c;
    ch_csv_rec rec;
    assert_int_equal(ch_input_open_mem("", 0, 0, &in), CHORUS_OK);
    assert_int_equal(ch_csv_open(in, 0, 0, &c), CHORUS_OK);
    assert_int_equal(ch_csv_read_header(c, &rec), CH_CSV_EOF);
    assert_int_equal(ch_csv_ncols(c), 0);
    assert_int_equal(ch_csv_col(c, "id"), -1);
    assert_int_equal(ch_csv_next(c, &rec), CH_CSV_EOF);
    ch_csv_close(c);
    ch_input_close(in);
    ch_csv_close(NULL);
}

static void test_unterminated(void **state)
{
    (void)state;
    /* the stray quote costs its own line only: the next row is read */
    CHECK("a,b\n1,\"abc\n2,3\n", "1[a|b]\n2<bad_csv>\n3[2|3]\n");
    CHECK("a,b\n1,\"abc", "1[a|b]\n2<bad_csv>\n");
    CHECK("\"", "1<bad_csv>\n");
}

static char *render_header(const char *data, size_t max)
{
    return render_opts(data, strlen(data), 0, max, true);
}

#define CHECK_H(data, expect)                     \
    do {                                          \
        char *got_ = render_header(data, 0);      \
        assert_string_equal(got_, expect);        \
        free(got_);                               \
    } while (0)

/* A stray quote never costs a following good row (csv.h, "Recovery"). */
static void test_recovery(void **state)
{
    (void)state;
    /* the runaway closes at the opening quote of a later field, followed by text */
    CHECK_H("id,user,text,year\n1,alice,\"broken text,2021\n2,bob,\"hello\",2022\n"
            "3,carol,hi,2023\n",
            "1[id|user|text|year]\n2<bad_csv>\n3[2|bob|hello|2022]\n4[3|carol|hi|2023]\n");
    /* no quote anywhere after it: every later row is read */
    CHECK_H("id,text\n1,\"open\n2,b\n3,c\n", "1[id|text]\n2<bad_csv>\n3[2|b]\n4[3|c]\n");
    /* it closes cleanly but the record has the wrong column count */
    CHECK_H("id,user,text,year\n1,alice,\"oops\n2,bob,\",hello\",2022\n",
            "1[id|user|text|year]\n2<bad_csv>\n3[2|bob|,hello|2022]\n");
    /* two broken rows in a row, then a good one */
    CHECK_H("id,text\n1,\"x\n2,\"y\n3,z\n", "1[id|text]\n2<bad_csv>\n3<bad_csv>\n4[3|z]\n");
    /* a broken row before a genuine multi-line record: both handled */
    CHECK_H("id,user,text,year\n1,a,\"broken,2021\n2,b,\"multi\nline\",2022\n3,c,x,2023\n",
            "1[id|user|text|year]\n2<bad_csv>\n3[2|b|multi\nline|2022]\n5[3|c|x|2023]\n");
    /* genuine multi-line fields stay whole, even when a line looks like a row */
    CHECK_H("id,user,text,year\n1,alice,\"x\na,b,c,d\ne\",2021\n2,bob,y,2022\n",
            "1[id|user|text|year]\n2[1|alice|x\na,b,c,d\ne|2021]\n5[2|bob|y|2022]\n");
    CHECK_H("id,text\n1,\"he said \"\"hi\"\"\nand left\"\n2,z\n",
            "1[id|text]\n2[1|he said \"hi\"\nand left]\n4[2|z]\n");
    /* a quote closing inside the first line stays lenient (text after it joins) */
    CHECK_H("id,text\n1,\"ab\"c\n2,z\n", "1[id|text]\n2[1|abc]\n3[2|z]\n");
    /* the span limit: a quote open over more than min(max_record, 1 MiB) of lines */
    char *got = render_header("id,text\n1,\"open\n2,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                              "3,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n4,c\n", 64);
    assert_string_equal(got, "1[id|text]\n2<bad_csv>\n3[2|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
                             "4[3|bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]\n5[4|c]\n");
    free(got);
    /* many rows after a stray quote, more than any small buffer: all read */
    size_t cap = 200000, o = 0;
    char *big = malloc(cap);
    o += (size_t)snprintf(big + o, cap - o, "id,text\n0,\"stray\n");
    for (int i = 1; i <= 5000; i++)
        o += (size_t)snprintf(big + o, cap - o, "%d,row %d\n", i, i);
    got = render_header(big, 0);
    assert_non_null(strstr(got, "2<bad_csv>\n3[1|row 1]\n"));
    assert_non_null(strstr(got, "5002[5000|row 5000]\n"));
    size_t rows = 0;
    for (const char *p = got; (p = strchr(p, '[')); p++)
        rows++;
    assert_int_equal(rows, 5001);
    free(got);
    free(big);
}

static size_t gz_member(const char *s, unsigned char *dst, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)s;
    z.avail_in = (uInt)strlen(s);
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return n;
}

/* A damaged gzip member inside a table: reported as its own skip; a record open across it
 * costs its first line only. */
static void test_damaged_member(void **state)
{
    (void)state;
    unsigned char z[1024];
    size_t n = gz_member("id,t\n1,\"open\n", z, sizeof z);
    size_t m = gz_member("2,lost\n", z + n, sizeof z - n);
    z[n + m - 8] ^= 1; /* its CRC */
    size_t k = gz_member("3,ok\n4,\"fine\nto the end\"\n", z + n + m, sizeof z - n - m);
    char *got = render_opts((const char *)z, n + m + k, 0, 0, true);
    assert_string_equal(got, "1[id|t]\n2<bad_csv>\n2<bad_checksum>\n3[3|ok]\n4[4|fine\nto the end]\n");
    free(got);
}

static void test_column_counts(void **state)
{
    (void)state;
    /* the parser gives each record as it is; readers check the count against the header */
    CHECK("a,b,c\n1,2,3\n1,2\n1,2,3,4\n4,5,6\n",
          "1[a|b|c]\n2[1|2|3]\n3[1|2]\n4[1|2|3|4]\n5[4|5|6]\n");
    /* more than CH_CSV_MAX_FIELDS fields: skipped, the next record is fine */
    size_t n = CH_CSV_MAX_FIELDS + 10;
    char *big = malloc(n + 16);
    memset(big, ',', n);
    memcpy(big + n, "\nx,y\n", 6);
    char *got = render_opts(big, strlen(big), ',', 0, false);
    assert_string_equal(got, "1<wrong_column_count>\n2[x|y]\n");
    free(got);
    free(big);
}

static void test_limits(void **state)
{
    (void)state;
    char buf[4096];
    /* a line over the input limit (64 bytes) is skipped; the next line is read */
    int m = snprintf(buf, sizeof buf, "a,b\n1,%0100d\n2,ok\n", 7);
    char *got = render_opts(buf, (size_t)m, 0, 64, false);
    assert_string_equal(got, "1[a|b]\n2<too_long>\n3[2|ok]\n");
    free(got);

    /* a runaway open quote: short lines, but the record passes 64 bytes at line 4; only its
     * first line is dropped and the lines after it are read as records */
    const char *runaway = "a,b\n"
                          "1,\"never closed\n"
                          "0123456789012345678901234567890\n"
                          "0123456789012345678901234567890\n"
                          "5,resync\n"
                          "6,fine\n";
    got = render_opts(runaway, strlen(runaway), 0, 64, false);
    assert_string_equal(got, "1[a|b]\n2<bad_csv>\n3[0123456789012345678901234567890]\n"
                             "4[0123456789012345678901234567890]\n5[5|resync]\n6[6|fine]\n");
    free(got);

    /* a too-long line inside an open quote: the quote's line is dropped, then the long line */
    m = snprintf(buf, sizeof buf, "1,\"x\n%0100d\n2,y\n", 3);
    got = render_opts(buf, (size_t)m, 0, 64, false);
    assert_string_equal(got, "1<bad_csv>\n2<too_long>\n3[2|y]\n");
    free(got);

    /* exactly at the limit is fine */
    m = snprintf(buf, sizeof buf, "%064d\n", 5);
    got = render_opts(buf, (size_t)m, 0, 64, false);
    assert_int_equal(strlen(got), 64 + 4);
    free(got);
}

static void test_tsv(void **state)
{
    (void)state;
    CHECK("id\ttext\n1\thello, world\n", "1[id|text]\n2[1|hello, world]\n");
    CHECK("id\ttext\n1\t\"quoted\ttab\"\n", "1[id|text]\n2[1|quoted\ttab]\n");
    /* the guess waits for the first non-blank line */
    CHECK("\n\r\nid\ttext\n1\ta,b\n", "3[id|text]\n4[1|a,b]\n");
    CHECK("\xEF\xBB\xBF\nid\ttext\n", "2[id|text]\n");
    /* tabs and commas in the header: commas win */
    CHECK("a,b\tc\n1,2\t3\n", "1[a|b\tc]\n2[1|2\t3]\n");
    /* an explicit separator overrides the guess */
    char *got = render_opts("a\tb,c\n", 6, ',', 0, false);
    assert_string_equal(got, "1[a\tb|c]\n");
    free(got);

    ch_input *in;
    ch_csv *c;
    assert_int_equal(ch_input_open_mem("x", 1, 0, &in), CHORUS_OK);
    assert_int_equal(ch_csv_open(in, ':', 0, &c), CHORUS_EUSAGE);
    assert_null(c);
    ch_input_close(in);
}

/* The separator guess: the one that gives the header's column count to most rows. */
#define GUESS(lit) ch_csv_guess_sep(lit, sizeof lit - 1)
static void test_sep_guess(void **state)
{
    (void)state;
    /* semicolons (spreadsheets in European locales), commas inside the cells */
    CHECK("id;text\n1;a,b\n2;c,d\n", "1[id|text]\n2[1|a,b]\n3[2|c,d]\n");
    assert_int_equal(GUESS("a;b;c\n1;2,5;3\n"), ';');
    /* commas win when the header splits both ways but the rows agree with commas */
    assert_int_equal(GUESS("a,b;c\n1,2\n3,4\n"), ',');
    /* a separator inside quotes does not count; a quoted newline is part of its record */
    assert_int_equal(GUESS("\"a;b\",c\n\"x\ny;z\",2\n"), ',');
    assert_int_equal(GUESS("a\tb\tc\n1\t2\t3\n"), '\t');
    assert_int_equal(GUESS("a|b\n1|2\n"), '|');
    /* a byte order mark is skipped; one column: ',' */
    assert_int_equal(GUESS("\xEF\xBB\xBF" "a;b\n1;2\n"), ';');
    assert_int_equal(GUESS("word\nother\n"), ',');
    assert_int_equal(GUESS(""), ',');
    /* a header cut by the end of the window still counts */
    assert_int_equal(GUESS("a;b;c"), ';');
}

static void test_utf8(void **state)
{
    (void)state;
    CHECK("id,text\n1,caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80\n",
          "1[id|text]\n2[1|caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80]\n");
    CHECK("id,text\n1,bad \xC3\x28\n2,ok\n", "1[id|text]\n2<bad_utf8>\n3[2|ok]\n");

    ch_input *in;
    ch_csv *c;
    ch_csv_rec rec;
    const char *data = "id,tweet_text\n1,\"x\xFFy\"\n";
    assert_int_equal(ch_input_open_mem(data, strlen(data), 0, &in), CHORUS_OK);
    assert_int_equal(ch_csv_open(in, 0, 0, &c), CHORUS_OK);
    assert_int_equal(ch_csv_read_header(c, &rec), CH_CSV_OK);
    assert_int_equal(ch_csv_next(c, &rec), CH_CSV_SKIP);
    assert_int_equal(rec.reason, CH_R_UTF8);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.msg, "invalid UTF-8 in column 'tweet_text'");
    ch_csv_close(c);
    ch_input_close(in);

    /* overlong, surrogate, past U+10FFFF, truncated sequence */
    assert_int_equal(ch_csv_utf8_prefix("ab\xC0\xAF", 4), 2);
    assert_int_equal(ch_csv_utf8_prefix("\xED\xA0\x80", 3), 0);
    assert_int_equal(ch_csv_utf8_prefix("\xF4\x90\x80\x80", 4), 0);
    assert_int_equal(ch_csv_utf8_prefix("0123456789\xE2\x9C", 12), 10);
    assert_int_equal(ch_csv_utf8_prefix("0123456789\xE2\x9C\x93", 13), 13);
    assert_int_equal(ch_csv_utf8_prefix("", 0), 0);
}

static void test_header(void **state)
{
    (void)state;
    ch_input *in;
    ch_csv *c;
    ch_csv_rec rec;
    const char *data = "\xEF\xBB\xBF\"TweetID\", user_id ,Text,text\n1,2,3,4\n";
    assert_int_equal(ch_input_open_mem(data, strlen(data), 0, &in), CHORUS_OK);
    assert_int_equal(ch_csv_open(in, 0, 0, &c), CHORUS_OK);
    assert_int_equal(ch_csv_read_header(c, &rec), CH_CSV_OK);
    assert_int_equal(ch_csv_sep(c), ',');
    assert_int_equal(ch_csv_ncols(c), 4);
    assert_string_equal(ch_csv_colname(c, 0), "TweetID");
    assert_string_equal(ch_csv_colname(c, 1), "user_id");   /* trimmed */
    assert_string_equal(ch_csv_colname(c, 9), "");
    assert_int_equal(ch_csv_col(c, "tweetid"), 0);
    assert_int_equal(ch_csv_col(c, "USER_ID"), 1);
    assert_int_equal(ch_csv_col(c, "text"), 2);              /* first match */
    assert_int_equal(ch_csv_col(c, "tweet"), -1);
    assert_int_equal(ch_csv_col(c, ""), -1);
    assert_int_equal(ch_csv_next(c, &rec), CH_CSV_OK);
    assert_int_equal(rec.n, 4);
    assert_int_equal(ch_csv_next(c, &rec), CH_CSV_EOF);
    ch_csv_close(c);
    ch_input_close(in);
}

/* Every allocation failing in turn must give CH_CSV_ERROR / CHORUS_ENOMEM, never a crash or a
 * leak (ASan checks the latter). */
static void test_alloc_failures(void **state)
{
    (void)state;
    const char *data = "a,b,c\n\"x\ny\",2,3\n4,5,6\n";
    for (uint64_t nth = 1; nth < 64; nth++) {
        ch_input *in = NULL;
        ch_csv *c = NULL;
        assert_int_equal(ch_input_open_mem(data, strlen(data), 0, &in), CHORUS_OK);
        ch_alloc_fail_after(nth);
        int rc = ch_csv_open(in, 0, 0, &c);
        int records = 0, r = CH_CSV_ERROR;
        if (rc == CHORUS_OK) {
            ch_csv_rec rec;
            r = ch_csv_read_header(c, &rec);
            while (r == CH_CSV_OK) {
                records++;
                r = ch_csv_next(c, &rec);
            }
            if (r == CH_CSV_ERROR)
                assert_int_equal(rec.err, CHORUS_ENOMEM);
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
        }
        ch_alloc_fail_after(0);
        ch_csv_close(c);
        ch_input_close(in);
        if (r == CH_CSV_EOF) {
            assert_int_equal(records, 3);
            return;
        }
    }
    fail_msg("allocation failures never stopped");
}

static void add_item(ch_rawpost *r, const char *p, size_t n)
{
    ch_rawpost_add_hashtag(r, p, n);
}

/* Items of a list cell joined by '|'. */
static char *list(const char *cell, char strip)
{
    static char out[512];
    static ch_rawpost r;
    ch_rawpost_clear(&r);
    ch_csv_list((ch_slice){cell, strlen(cell)}, strip, &r, add_item);
    size_t o = 0;
    for (size_t i = 0; i < r.n_hashtags; i++) {
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", i ? "|" : "",
                              (int)r.hashtags[i].n, r.hashtags[i].p);
    }
    out[o] = '\0';
    return out;
}

static void test_cell_helpers(void **state)
{
    (void)state;
    assert_string_equal(list("['hk', 'china']", 0), "hk|china");
    assert_string_equal(list("[hk, china]", 0), "hk|china");
    assert_string_equal(list("[\"a\",\"b\"]", 0), "a|b");
    assert_string_equal(list("[]", 0), "");
    assert_string_equal(list("", 0), "");
    assert_string_equal(list("[ ]", 0), "");
    assert_string_equal(list("['#hk', '#china']", '#'), "hk|china");
    assert_string_equal(list("[u'hk', u'\xE9\xA6\x99\xE6\xB8\xAF']", 0), "hk|\xE9\xA6\x99\xE6\xB8\xAF");
    assert_string_equal(list("['https://x.com/a,b', 'http://y.org/?q=\\'1']", 0),
                         "https://x.com/a,b|http://y.org/?q=\\'1");
    assert_string_equal(list("a b;c|d,e", 0), "a|b|c|d|e");
    assert_string_equal(list("[1234, 5678]", '@'), "1234|5678");
    assert_string_equal(list("['unterminated", 0), "unterminated");
    assert_string_equal(list("['', 'x']", 0), "x");
    assert_string_equal(list("[", 0), "");
    assert_string_equal(list("'", 0), "");

    int64_t v;
    assert_int_equal(ch_csv_int((ch_slice){" 123 ", 5}, &v), CHORUS_OK);
    assert_int_equal(v, 123);
    assert_int_equal(ch_csv_int((ch_slice){"-4", 2}, &v), CHORUS_OK);
    assert_int_equal(v, -4);
    assert_int_equal(ch_csv_int((ch_slice){"1520.0", 6}, &v), CHORUS_OK);
    assert_int_equal(v, 1520);
    assert_int_equal(ch_csv_int((ch_slice){"1.5", 3}, &v), CHORUS_EPARSE);
    assert_int_equal(ch_csv_int((ch_slice){"", 0}, &v), CHORUS_EPARSE);
    assert_int_equal(ch_csv_int((ch_slice){"-", 1}, &v), CHORUS_EPARSE);
    assert_int_equal(ch_csv_int((ch_slice){"12a", 3}, &v), CHORUS_EPARSE);
    assert_int_equal(ch_csv_int((ch_slice){"99999999999999999999", 20}, &v), CHORUS_EPARSE);

    ch_slice s = ch_csv_id((ch_slice){"1139131234567890123.0", 21});
    assert_int_equal(s.n, 19);
    s = ch_csv_id((ch_slice){" abc.0 ", 7});
    assert_int_equal(s.n, 5);
    s = ch_csv_id((ch_slice){".0", 2});
    assert_int_equal(s.n, 2);

    assert_int_equal(ch_csv_bool((ch_slice){"True", 4}), 1);
    assert_int_equal(ch_csv_bool((ch_slice){"FALSE", 5}), 0);
    assert_int_equal(ch_csv_bool((ch_slice){" 1 ", 3}), 1);
    assert_int_equal(ch_csv_bool((ch_slice){"", 0}), -1);
    assert_int_equal(ch_csv_bool((ch_slice){"maybe", 5}), -1);

    ch_slice h;
    const char *t1 = "RT @hkfp: Police fire tear gas";
    assert_int_equal(ch_csv_rt_handle((ch_slice){t1, strlen(t1)}, &h), 1);
    assert_int_equal(h.n, 4);
    assert_memory_equal(h.p, "hkfp", 4);
    const char *t2 = "RT @: nothing";
    assert_int_equal(ch_csv_rt_handle((ch_slice){t2, strlen(t2)}, &h), 0);
    const char *t3 = "RT @name without colon";
    assert_int_equal(ch_csv_rt_handle((ch_slice){t3, strlen(t3)}, &h), 0);
    const char *t4 = "RT @x:";
    assert_int_equal(ch_csv_rt_handle((ch_slice){t4, strlen(t4)}, &h), 1);
    assert_int_equal(h.n, 1);
    assert_int_equal(ch_csv_rt_handle((ch_slice){"RT @x", 5}, &h), 0);

    s = ch_csv_trim((ch_slice){" \t x \t", 6});
    assert_int_equal(s.n, 1);
    assert_int_equal(s.p[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),          cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_quoted_newlines), cmocka_unit_test(test_crlf_bom_blank),
        cmocka_unit_test(test_empty),          cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_recovery),      cmocka_unit_test(test_damaged_member),
        cmocka_unit_test(test_column_counts),  cmocka_unit_test(test_limits),
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_sep_guess),            cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_header),         cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_cell_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
