/* test_stream_file.c — stream sources over files and standard input: the line assembler,
 * reading to the end, following (appends, partial lines, rotation by rename, truncation,
 * a file that appears later), cursors, standard input to its end, clean stop, and several
 * sources taking turns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "chorus.h"
#include "stream/linebuf.h"
#include "stream/stream.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/chorus-stream-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void path_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *mode, const char *text)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

typedef struct diags {
    int n;
    char last[256];
    char all[4096];
} diags;

static void on_diag(void *ctx, const char *source, ch_stream_level level, const char *msg)
{
    (void)source;
    (void)level;
    diags *d = ctx;
    d->n++;
    snprintf(d->last, sizeof d->last, "%s", msg);
    size_t o = strlen(d->all);
    snprintf(d->all + o, sizeof d->all - o, "%s|", msg);
}

/* The next record's text ("" + return END/IDLE otherwise), waiting up to ms. */
static int next_text(ch_stream *s, int ms, char *out, size_t cap)
{
    ch_stream_rec rec;
    int64_t until = ch_stream_now_ms() + ms;
    out[0] = '\0';
    for (;;) {
        int64_t left = until - ch_stream_now_ms();
        int r = ch_stream_next(s, left > 0 ? (int)left : 0, &rec);
        if (r == CH_STREAM_REC) {
            /* the padding after a record must be readable */
            volatile char pad = rec.data[rec.len + CH_STREAM_PADDING - 1];
            (void)pad;
            assert_true(rec.len < cap);
            memcpy(out, rec.data, rec.len);
            out[rec.len] = '\0';
            return r;
        }
        if (r != CH_STREAM_IDLE || left <= 0)
            return r;
    }
}

static void expect_text(ch_stream *s, const char *want)
{
    char got[1024];
    assert_int_equal(next_text(s, 3000, got, sizeof got), CH_STREAM_REC);
    assert_string_equal(got, want);
}

static void expect_idle(ch_stream *s, int ms)
{
    char got[1024];
    assert_int_equal(next_text(s, ms, got, sizeof got), CH_STREAM_IDLE);
}

static void expect_end(ch_stream *s)
{
    char got[1024];
    assert_int_equal(next_text(s, 3000, got, sizeof got), CH_STREAM_END);
}

static ch_stream *new_stream(bool follow, diags *d)
{
    ch_stream_opts o = {.follow = follow, .poll_ms = 10, .diag = on_diag, .diag_ctx = d};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    return s;
}

static ch_source *add(ch_stream *s, const char *spec, const char *cursor)
{
    char err[256];
    ch_source *src;
    int rc = ch_stream_add(s, spec, cursor, &src, err, sizeof err);
    if (rc)
        fail_msg("ch_stream_add(%s): %s", spec, err);
    return src;
}

/* ---- the line assembler --------------------------------------------------------------------- */

static void feed(ch_linebuf *lb, const char *s)
{
    char *p;
    size_t room;
    assert_int_equal(ch_linebuf_space(lb, &p, &room), 0);
    assert_true(room >= strlen(s));
    memcpy(p, s, strlen(s));
    ch_linebuf_commit(lb, strlen(s));
}

static void test_linebuf_pieces(void **state)
{
    (void)state;
    ch_linebuf lb;
    const char *line;
    size_t len;
    uint64_t no;
    assert_int_equal(ch_linebuf_init(&lb, 100), 0);
    feed(&lb, "{\"a\":");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_NONE);
    assert_int_equal(ch_linebuf_pending(&lb), 5);
    feed(&lb, "1}\r\n\n  \t\r\n{\"b\"");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_LINE);
    assert_int_equal(len, 7);
    assert_memory_equal(line, "{\"a\":1}", 7);
    assert_int_equal(no, 1);
    assert_int_equal(lb.taken, 9); /* the line, '\r' and '\n' */
    /* blank lines are counted but not handed out */
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_NONE);
    assert_int_equal(lb.lineno, 3);
    feed(&lb, ":2}");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_NONE);
    /* at the end of input the partial line is the last one */
    assert_int_equal(ch_linebuf_flush(&lb, &line, &len, &no), CH_LB_LINE);
    assert_int_equal(len, 7);
    assert_memory_equal(line, "{\"b\":2}", 7);
    assert_int_equal(no, 4);
    assert_int_equal(ch_linebuf_flush(&lb, &line, &len, &no), CH_LB_NONE);
    ch_linebuf_free(&lb);
}

static void test_linebuf_too_long(void **state)
{
    (void)state;
    ch_linebuf lb;
    const char *line;
    size_t len;
    uint64_t no;
    assert_int_equal(ch_linebuf_init(&lb, 10), 0);
    /* a complete long line */
    feed(&lb, "0123456789ABC\nok\n");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_TOO_LONG);
    assert_int_equal(no, 1);
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_LINE);
    assert_memory_equal(line, "ok", 2);
    assert_int_equal(no, 2);
    /* a long line arriving in pieces: reported once, as soon as it is too long, then
     * dropped up to its newline however many pieces come */
    feed(&lb, "xxxxxxxxxxxx");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_TOO_LONG);
    assert_int_equal(no, 3);
    for (int i = 0; i < 100; i++) {
        feed(&lb, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
        assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_NONE);
    }
    assert_true(lb.cap <= 10 + 2 * CH_LINEBUF_CHUNK);
    feed(&lb, "zz\nafter\n");
    assert_int_equal(ch_linebuf_next(&lb, &line, &len, &no), CH_LB_LINE);
    assert_memory_equal(line, "after", 5);
    assert_int_equal(no, 4);
    /* every byte is accounted for */
    assert_int_equal(lb.taken, 14 + 3 + 12 + 6000 + 3 + 6);
    ch_linebuf_free(&lb);
}

static void test_linebuf_big_input(void **state)
{
    (void)state;
    /* 10,000 lines through 4 KiB pieces: memory stays bounded, every line comes once. */
    ch_linebuf lb;
    assert_int_equal(ch_linebuf_init(&lb, 1 << 20), 0);
    char all[200000];
    size_t n = 0;
    for (int i = 0; i < 10000; i++)
        n += (size_t)sprintf(all + n, "{\"i\":%d}\n", i);
    int want = 0;
    for (size_t off = 0; off < n; off += 4096) {
        size_t k = n - off < 4096 ? n - off : 4096;
        char *p;
        size_t room;
        assert_int_equal(ch_linebuf_space(&lb, &p, &room), 0);
        memcpy(p, all + off, k);
        ch_linebuf_commit(&lb, k);
        const char *line;
        size_t len;
        uint64_t no;
        while (ch_linebuf_next(&lb, &line, &len, &no) == CH_LB_LINE) {
            char exp[32];
            int m = sprintf(exp, "{\"i\":%d}", want++);
            assert_int_equal(len, (size_t)m);
            assert_memory_equal(line, exp, len);
        }
    }
    assert_int_equal(want, 10000);
    assert_true(lb.cap <= 256 * 1024);
    ch_linebuf_free(&lb);
}

/* ---- spec routing --------------------------------------------------------------------------- */

static void test_kinds(void **state)
{
    (void)state;
    assert_true(ch_source_kind_count() >= 4);
    const char *cases[][2] = {
        {"-", "stdin"},
        {"posts.jsonl", "file"},
        {"./-", "file"},
        {"file:jetstream:x", "file"},
        {"file:wss://odd-name", "file"},
        {"jetstream:wss://h/subscribe", "jetstream"},
        {"mastodon:wss://h/api/v1/streaming?stream=public", "mastodon"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diags d = {0};
        ch_stream *s = new_stream(false, &d);
        ch_source *src = NULL;
        char err[256];
        int rc = ch_stream_add(s, cases[i][0], NULL, &src, err, sizeof err);
        /* files that do not exist fail to open, but the kind is still the file kind */
        if (strcmp(cases[i][1], "file") == 0)
            assert_true(rc == 0 || rc == CHORUS_EIO);
        else
            assert_int_equal(rc, 0);
        if (src)
            assert_string_equal(ch_source_kind_name(src), cases[i][1]);
        ch_stream_free(s);
    }
    char err[256];
    diags d = {0};
    ch_stream *s = new_stream(false, &d);
    assert_int_equal(ch_stream_add(s, "wss://host/x", NULL, NULL, err, sizeof err),
                     CHORUS_EUSAGE);
    assert_non_null(strstr(err, "jetstream:"));
    assert_int_equal(ch_stream_add(s, "", NULL, NULL, err, sizeof err), CHORUS_EUSAGE);
    assert_int_equal(ch_stream_add(s, "-", NULL, NULL, err, sizeof err), 0);
    assert_int_equal(ch_stream_add(s, "-", NULL, NULL, err, sizeof err), CHORUS_EUSAGE);
    assert_non_null(strstr(err, "twice"));
    assert_int_equal(ch_stream_add(s, "/nonexistent/x.jsonl", NULL, NULL, err, sizeof err),
                     CHORUS_EIO);
    assert_non_null(strstr(err, "cannot open '/nonexistent/x.jsonl'"));
    assert_int_equal(ch_stream_nsources(s), 1);
    ch_stream_free(s);
}

/* ---- files read to their end ---------------------------------------------------------------- */

static void test_file_to_end(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "a.jsonl");
    write_file(p, "w", "{\"n\":1}\n\n{\"n\":2}\r\n{\"n\":3}"); /* no final newline */
    diags d = {0};
    ch_stream *s = new_stream(false, &d);
    ch_source *src = add(s, p, NULL);
    ch_stream_rec rec;
    assert_int_equal(ch_stream_next(s, 1000, &rec), CH_STREAM_REC);
    assert_int_equal(rec.line, 1);
    assert_int_equal(rec.seq, 1);
    assert_ptr_equal(rec.source, src);
    expect_text(s, "{\"n\":2}");
    expect_text(s, "{\"n\":3}");
    expect_end(s);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.state, CH_SOURCE_ENDED);
    assert_false(st.failed);
    ch_stream_free(s);

    /* empty file: ends at once */
    path_of(p, sizeof p, "empty.jsonl");
    write_file(p, "w", "");
    s = new_stream(false, &d);
    add(s, p, NULL);
    expect_end(s);
    ch_stream_free(s);
}

static void test_file_gzip(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "z.jsonl.gz");
    gzFile g = gzopen(p, "wb");
    assert_non_null(g);
    for (int i = 0; i < 500; i++)
        gzprintf(g, "{\"n\":%d}\n", i);
    gzclose(g);
    diags d = {0};
    ch_stream *s = new_stream(true, &d); /* follow asked: a compressed file is read, not followed */
    ch_source *src = add(s, p, NULL);
    assert_non_null(strstr(d.all, "not followed"));
    char want[32];
    for (int i = 0; i < 500; i++) {
        snprintf(want, sizeof want, "{\"n\":%d}", i);
        expect_text(s, want);
    }
    const char *cur = ch_source_cursor(src);
    expect_end(s);
    ch_stream_free(s);
    /* resume from a cursor in the middle: the lines after it */
    s = new_stream(false, &d);
    (void)cur;
    char mid[64];
    struct stat st;
    stat(p, &st);
    snprintf(mid, sizeof mid, "%llu:0:250", (unsigned long long)st.st_ino);
    add(s, p, mid);
    expect_text(s, "{\"n\":250}");
    ch_stream_free(s);
}

/* ---- following ---------------------------------------------------------------------------- */

static void test_follow_append_partial(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "f.jsonl");
    write_file(p, "w", "{\"n\":1}\n");
    diags d = {0};
    ch_stream *s = new_stream(true, &d);
    ch_source *src = add(s, p, NULL);
    expect_text(s, "{\"n\":1}");
    expect_idle(s, 50); /* a followed file does not end */
    write_file(p, "a", "{\"n\":2}\n{\"n\":");
    expect_text(s, "{\"n\":2}");
    /* the half-written line is held, not handed out */
    expect_idle(s, 80);
    write_file(p, "a", "3}\n");
    expect_text(s, "{\"n\":3}");
    char cur[64];
    snprintf(cur, sizeof cur, "%s", ch_source_cursor(src));
    struct stat st;
    stat(p, &st);
    char want[64];
    snprintf(want, sizeof want, "%llu:24:3", (unsigned long long)st.st_ino);
    assert_string_equal(cur, want);
    ch_stream_free(s);

    /* resume from the cursor: only what came after it */
    write_file(p, "a", "{\"n\":4}\n");
    s = new_stream(true, &d);
    add(s, p, cur);
    ch_stream_rec rec;
    int64_t until = ch_stream_now_ms() + 2000;
    int r;
    while ((r = ch_stream_next(s, 100, &rec)) == CH_STREAM_IDLE && ch_stream_now_ms() < until)
        ;
    assert_int_equal(r, CH_STREAM_REC);
    assert_int_equal(rec.len, 7);
    assert_memory_equal(rec.data, "{\"n\":4}", 7);
    assert_int_equal(rec.line, 4); /* line numbers continue from the cursor */
    ch_stream_free(s);

    /* a cursor of another file: read from the start, with a warning */
    d.n = 0;
    s = new_stream(true, &d);
    add(s, p, "1:24:3");
    assert_non_null(strstr(d.last, "from the start"));
    expect_text(s, "{\"n\":1}");
    ch_stream_free(s);

    /* a malformed cursor is a usage error */
    char err[256];
    s = new_stream(true, &d);
    assert_int_equal(ch_stream_add(s, p, "12:x", NULL, err, sizeof err), CHORUS_EUSAGE);
    ch_stream_free(s);
}

static void test_follow_rotation(void **state)
{
    (void)state;
    char p[300], old[300];
    path_of(p, sizeof p, "r.jsonl");
    path_of(old, sizeof old, "r.jsonl.1");
    write_file(p, "w", "{\"f\":1,\"n\":1}\n");
    diags d = {0};
    ch_stream *s = new_stream(true, &d);
    ch_source *src = add(s, p, NULL);
    expect_text(s, "{\"f\":1,\"n\":1}");
    expect_idle(s, 30);
    /* the writer renames its file, finishes a line in it, then starts a new one */
    assert_int_equal(rename(p, old), 0);
    write_file(old, "a", "{\"f\":1,\"n\":2}\n{\"f\":1,\"n\":3}");
    write_file(p, "w", "{\"f\":2,\"n\":1}\n");
    /* the old file is read to its end (its unterminated last line included), then the
     * new one from its start */
    expect_text(s, "{\"f\":1,\"n\":2}");
    expect_text(s, "{\"f\":1,\"n\":3}");
    expect_text(s, "{\"f\":2,\"n\":1}");
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.rotations, 1);
    assert_non_null(strstr(d.all, "rotated"));
    /* deleted, then re-created later: waited for */
    assert_int_equal(unlink(p), 0);
    expect_idle(s, 40);
    write_file(p, "w", "{\"f\":3,\"n\":1}\n");
    expect_text(s, "{\"f\":3,\"n\":1}");
    ch_source_stats_get(src, &st);
    assert_int_equal(st.rotations, 2);
    ch_stream_free(s);
}

static void test_follow_truncation(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "t.jsonl");
    write_file(p, "w", "{\"n\":1}\n{\"n\":2}\n{\"half\":");
    diags d = {0};
    ch_stream *s = new_stream(true, &d);
    ch_source *src = add(s, p, NULL);
    expect_text(s, "{\"n\":1}");
    expect_text(s, "{\"n\":2}");
    expect_idle(s, 30);
    /* copytruncate: the content was copied away and the file emptied in place */
    assert_int_equal(truncate(p, 0), 0);
    expect_idle(s, 40);
    write_file(p, "a", "{\"n\":3}\n");
    expect_text(s, "{\"n\":3}");
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.truncations, 1);
    assert_int_equal(st.partial_dropped, 1); /* the half line before the truncation */
    assert_non_null(strstr(d.all, "truncated"));
    ch_stream_free(s);
}

static void test_follow_appears_later(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "later.jsonl");
    unlink(p);
    diags d = {0};
    ch_stream *s = new_stream(true, &d);
    add(s, p, NULL);
    expect_idle(s, 40);
    assert_non_null(strstr(d.all, "waiting"));
    write_file(p, "w", "{\"n\":1}\n");
    expect_text(s, "{\"n\":1}");
    ch_stream_free(s);
}

static void test_follow_stop(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "stop.jsonl");
    write_file(p, "w", "{\"n\":1}\n{\"n\":2}\n{\"part");
    static volatile sig_atomic_t stop;
    stop = 0;
    diags d = {0};
    ch_stream_opts o = {.follow = true, .poll_ms = 10, .stop = &stop, .diag = on_diag,
                        .diag_ctx = &d};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src = add(s, p, NULL);
    expect_text(s, "{\"n\":1}");
    stop = 1; /* as a SIGINT handler would */
    /* the line already read still comes, then the end */
    expect_text(s, "{\"n\":2}");
    expect_end(s);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.partial_dropped, 1);
    ch_stream_free(s);
}

/* ---- standard input ---------------------------------------------------------------------------- */

static ch_stream *stdin_stream(int fd, diags *d, const volatile sig_atomic_t *stop)
{
    ch_stream_opts o = {.stdin_fd = fd, .diag = on_diag, .diag_ctx = d, .stop = stop};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    add(s, "-", NULL);
    return s;
}

static void test_stdin_eof(void **state)
{
    (void)state;
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    diags d = {0};
    ch_stream *s = stdin_stream(pfd[0], &d, NULL);
    assert_int_equal(write(pfd[1], "{\"a\":1}\n{\"b\"", 12), 12);
    expect_text(s, "{\"a\":1}");
    expect_idle(s, 30); /* a pipe with nothing complete: idle, not blocked */
    assert_int_equal(write(pfd[1], ":2}\n{\"c\":3}", 11), 11);
    expect_text(s, "{\"b\":2}");
    close(pfd[1]);
    /* at the end of input the unterminated last line is a record, then the end */
    expect_text(s, "{\"c\":3}");
    expect_end(s);
    ch_source *src = ch_stream_source(s, 0);
    assert_string_equal(ch_source_cursor(src), "0:23:3");
    ch_stream_free(s);
    close(pfd[0]);

    /* empty input */
    assert_int_equal(pipe(pfd), 0);
    close(pfd[1]);
    s = stdin_stream(pfd[0], &d, NULL);
    expect_end(s);
    ch_stream_free(s);
    close(pfd[0]);
}

static void test_stdin_resume_and_stop(void **state)
{
    (void)state;
    /* a recorded stream redirected again: the cursor skips what was handed out */
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    assert_int_equal(write(pfd[1], "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 24), 24);
    close(pfd[1]);
    diags d = {0};
    ch_stream_opts o = {.stdin_fd = pfd[0], .diag = on_diag, .diag_ctx = &d};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    add(s, "-", "0:8:1");
    ch_stream_rec rec;
    assert_int_equal(ch_stream_next(s, 1000, &rec), CH_STREAM_REC);
    assert_int_equal(rec.line, 2);
    assert_memory_equal(rec.data, "{\"b\":2}", 7);
    ch_stream_free(s);
    close(pfd[0]);

    /* a clean stop on a live pipe ends the stream even though the writer stays */
    static volatile sig_atomic_t stop;
    stop = 0;
    assert_int_equal(pipe(pfd), 0);
    s = stdin_stream(pfd[0], &d, &stop);
    assert_int_equal(write(pfd[1], "{\"a\":1}\n", 8), 8);
    expect_text(s, "{\"a\":1}");
    expect_idle(s, 20);
    stop = 1;
    expect_end(s);
    ch_stream_free(s);
    close(pfd[0]);
    close(pfd[1]);
}

/* ---- several sources ---------------------------------------------------------------------------- */

static void test_turns(void **state)
{
    (void)state;
    char a[300], b[300];
    path_of(a, sizeof a, "ta.jsonl");
    path_of(b, sizeof b, "tb.jsonl");
    write_file(a, "w", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
    write_file(b, "w", "{\"b\":1}\n");
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    assert_int_equal(write(pfd[1], "{\"s\":1}\n", 8), 8);
    diags d = {0};
    ch_stream_opts o = {.stdin_fd = pfd[0], .diag = on_diag, .diag_ctx = &d};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    add(s, a, NULL);
    add(s, b, NULL);
    add(s, "-", NULL);
    /* one record each in turn; a finished source drops out; standard input keeps the
     * stream alive until its end */
    expect_text(s, "{\"a\":1}");
    expect_text(s, "{\"b\":1}");
    expect_text(s, "{\"s\":1}");
    expect_text(s, "{\"a\":2}");
    expect_text(s, "{\"a\":3}");
    expect_idle(s, 30);
    assert_int_equal(write(pfd[1], "{\"s\":2}\n", 8), 8);
    expect_text(s, "{\"s\":2}");
    close(pfd[1]);
    expect_end(s);
    ch_stream_free(s);
    close(pfd[0]);
}

static void test_long_lines(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "long.jsonl");
    FILE *f = fopen(p, "w");
    fputs("{\"n\":1}\n{\"big\":\"", f);
    for (int i = 0; i < 3000; i++)
        fputs("xxxxxxxxxx", f);
    fputs("\"}\n{\"n\":2}\n", f);
    fclose(f);
    diags d = {0};
    ch_stream_opts o = {.max_record = 1000, .diag = on_diag, .diag_ctx = &d};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src = add(s, p, NULL);
    expect_text(s, "{\"n\":1}");
    expect_text(s, "{\"n\":2}");
    expect_end(s);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.skipped, 1);
    assert_non_null(strstr(d.all, "line 2 is longer than 1000 bytes"));
    ch_stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linebuf_pieces),
        cmocka_unit_test(test_linebuf_too_long),
        cmocka_unit_test(test_linebuf_big_input),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_file_to_end),
        cmocka_unit_test(test_file_gzip),
        cmocka_unit_test(test_follow_append_partial),
        cmocka_unit_test(test_follow_rotation),
        cmocka_unit_test(test_follow_truncation),
        cmocka_unit_test(test_follow_appears_later),
        cmocka_unit_test(test_follow_stop),
        cmocka_unit_test(test_stdin_eof),
        cmocka_unit_test(test_stdin_resume_and_stop),
        cmocka_unit_test(test_turns),
        cmocka_unit_test(test_long_lines),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
