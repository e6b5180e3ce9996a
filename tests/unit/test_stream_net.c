/* test_stream_net.c — the network sources without a network: URL handling, the duplicate
 * ring, the message queue, access tokens, spec errors, and Jetstream and Mastodon message
 * handling fed through ch_source_inject (opts.offline). The real connections are tested end
 * to end against the replay server (tests/e2e/stream_*.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "chorus.h"
#include "stream/dedupe.h"
#include "stream/fifo.h"
#include "stream/stream.h"
#include "stream/url.h"

/* ---- URLs ------------------------------------------------------------------------------------- */

static void test_url_parse(void **state)
{
    (void)state;
    ch_url u;
    char err[256];
    assert_int_equal(ch_url_parse("wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post", &u, err, sizeof err), 0);
    assert_true(u.tls && u.ws && u.default_port);
    assert_string_equal(u.host, "jetstream2.us-east.bsky.network");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/subscribe?wantedCollections=app.bsky.feed.post");
    assert_int_equal(ch_url_parse("ws://127.0.0.1:6008", &u, err, sizeof err), 0);
    assert_false(u.tls);
    assert_int_equal(u.port, 6008);
    assert_false(u.default_port);
    assert_string_equal(u.path, "/");
    assert_int_equal(ch_url_parse("ws://[::1]:99/x?y=1", &u, err, sizeof err), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 99);
    assert_int_equal(ch_url_parse("ws://h?x=1", &u, err, sizeof err), 0);
    assert_string_equal(u.path, "/?x=1");
    const char *bad[] = {"ftp://h/", "ws://", "ws://h:0/", "ws://h:70000/", "ws://h:x/",
                         "ws://user:pw@h/", "ws://h/a b", "ws://h/#frag", "ws://[::1/",
                         "ws://h/\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ch_url_parse(bad[i], &u, err, sizeof err), CHORUS_EUSAGE);
}

static void test_url_query(void **state)
{
    (void)state;
    char v[64], out[256];
    const char *p = "/subscribe?wantedCollections=a&cursor=12&wantedCollections=b&flag";
    assert_true(ch_url_query_get(p, "cursor", v, sizeof v));
    assert_string_equal(v, "12");
    assert_true(ch_url_query_get(p, "wantedCollections", v, sizeof v));
    assert_string_equal(v, "a");
    assert_true(ch_url_query_get(p, "flag", v, sizeof v));
    assert_string_equal(v, "");
    assert_false(ch_url_query_get(p, "cursorx", v, sizeof v));
    assert_false(ch_url_query_get(p, "wantedCollections", v, 1)); /* does not fit */
    assert_int_equal(ch_url_query_set(p, "cursor", "99", out, sizeof out), 0);
    assert_string_equal(out, "/subscribe?wantedCollections=a&wantedCollections=b&flag&cursor=99");
    assert_int_equal(ch_url_query_set(p, "cursor", NULL, out, sizeof out), 0);
    assert_string_equal(out, "/subscribe?wantedCollections=a&wantedCollections=b&flag");
    assert_int_equal(ch_url_query_set("/s", "cursor", "1", out, sizeof out), 0);
    assert_string_equal(out, "/s?cursor=1");
    assert_int_equal(ch_url_query_set("/s?cursor=5", "cursor", NULL, out, sizeof out), 0);
    assert_string_equal(out, "/s");
    assert_int_equal(ch_url_query_set(p, "cursor", "99", out, 20), CHORUS_ELIMIT);
}

/* ---- duplicate ring ------------------------------------------------------------------------- */

static void test_dedupe(void **state)
{
    (void)state;
    ch_dedupe d;
    assert_int_equal(ch_dedupe_init(&d), 0);
    assert_false(ch_dedupe_has(&d, 42));
    ch_dedupe_add(&d, 42, 1000);
    assert_true(ch_dedupe_has(&d, 42));
    ch_dedupe_add(&d, 42, 1000); /* again: no-op */
    assert_int_equal(d.count, 1);
    assert_int_equal(d.evicted_max_stamp, INT64_MIN);
    /* fill well past capacity: the newest CH_DEDUPE_CAP keys are held, older ones not, and
     * the largest evicted stamp is remembered. Keys collide in the table on purpose (small
     * multiples) to exercise deletion by backward shift. */
    size_t total = CH_DEDUPE_CAP * 3 + 123;
    for (size_t i = 0; i < total; i++)
        ch_dedupe_add(&d, (uint64_t)(i + 1) * 0x100000000ULL, (int64_t)i);
    assert_int_equal(d.count, CH_DEDUPE_CAP);
    for (size_t i = 0; i < total; i++) {
        bool want = i >= total - CH_DEDUPE_CAP;
        if (ch_dedupe_has(&d, (uint64_t)(i + 1) * 0x100000000ULL) != want)
            fail_msg("key %zu: has=%d want=%d", i, !want, want);
    }
    assert_false(ch_dedupe_has(&d, 42));
    assert_int_equal(d.evicted_max_stamp, (int64_t)(total - CH_DEDUPE_CAP - 1));
    ch_dedupe_free(&d);
}

/* ---- message queue ------------------------------------------------------------------------- */

static void test_fifo(void **state)
{
    (void)state;
    ch_fifo f;
    ch_fifo_init(&f, 1 << 20);
    char msg[600];
    int next_pop = 0;
    /* interleave pushes and pops so the buffer compacts many times */
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(msg, sizeof msg, "{\"i\":%d,\"pad\":\"%.*s\"}", i, i % 500,
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assert_int_equal(ch_fifo_push(&f, msg, (size_t)n, (uint32_t)(i & 1)), 0);
        if (i % 3 != 0) {
            const char *d;
            size_t len;
            uint32_t fl;
            assert_true(ch_fifo_pop(&f, &d, &len, &fl));
            char want[32];
            int wl = snprintf(want, sizeof want, "{\"i\":%d,", next_pop);
            assert_memory_equal(d, want, (size_t)wl);
            assert_int_equal(fl, (uint32_t)(next_pop & 1));
            /* padding readable and zero */
            for (int k = 0; k < 64; k++)
                assert_int_equal(d[len + (size_t)k], 0);
            next_pop++;
        }
    }
    assert_true(ch_fifo_bytes(&f) <= 1 << 20);
    const char *d;
    size_t len;
    while (ch_fifo_pop(&f, &d, &len, NULL))
        next_pop++;
    assert_int_equal(next_pop, 5000);
    /* the hard cap refuses rather than grows */
    ch_fifo_free(&f);
    ch_fifo_init(&f, 1000);
    assert_int_equal(ch_fifo_push(&f, msg, 600, 0), 0);
    assert_int_equal(ch_fifo_push(&f, msg, 600, 0), CHORUS_ELIMIT);
    ch_fifo_free(&f);
}

/* ---- tokens ---------------------------------------------------------------------------------- */

static void test_token(void **state)
{
    (void)state;
    char path[] = "/tmp/chorus-token-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "  abc.DEF-123 \n# comment\n", 25), 25);
    close(fd);
    char err[256];
    char *tok = NULL;
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ch_stream_token_load(path, NULL, &tok, err, sizeof err), 0);
    assert_string_equal(tok, "abc.DEF-123");
    free(tok);
    /* readable by others: refused, like an ssh key */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(ch_stream_token_load(path, NULL, &tok, err, sizeof err), CHORUS_EIO);
    assert_non_null(strstr(err, "chmod 600"));
    unlink(path);
    assert_int_equal(ch_stream_token_load(path, NULL, &tok, err, sizeof err), CHORUS_EIO);
    /* from the environment; absent or empty: no token */
    setenv("CHORUS_TEST_TOKEN", "zz9", 1);
    assert_int_equal(ch_stream_token_load(NULL, "CHORUS_TEST_TOKEN", &tok, err, sizeof err), 0);
    assert_string_equal(tok, "zz9");
    free(tok);
    setenv("CHORUS_TEST_TOKEN", "", 1);
    assert_int_equal(ch_stream_token_load(NULL, "CHORUS_TEST_TOKEN", &tok, err, sizeof err), 0);
    assert_null(tok);
    /* a token that would break the header */
    setenv("CHORUS_TEST_TOKEN", "a b", 1);
    assert_int_equal(ch_stream_token_load(NULL, "CHORUS_TEST_TOKEN", &tok, err, sizeof err),
                     CHORUS_EUSAGE);
    unsetenv("CHORUS_TEST_TOKEN");
}

/* ---- specs of network sources ------------------------------------------------------------- */

static void test_spec_errors(void **state)
{
    (void)state;
    ch_stream_opts o = {.offline = true};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    char err[256];
    struct {
        const char *spec, *cursor, *msg;
    } bad[] = {
        {"jetstream:https://h/subscribe", NULL, "wss://"},
        {"jetstream:wss://h/subscribe?compress=true", NULL, "dictionary"},
        {"jetstream:wss://h/subscribe?cursor=abc", NULL, "not a time_us"},
        {"jetstream:wss://h/subscribe", "12x", "bad cursor"},
        {"mastodon:wss://h/api/v1/streaming", NULL, "which stream"},
        {"mastodon:wss://h/subscribe?stream=public", NULL, "streaming endpoint"},
        {"mastodon:wss://h/api/v1/streaming?stream=public&access_token=x", NULL, "access_token"},
        {"mastodon:wss://h/api/v1/streaming?stream=hashtag", NULL, "tag="},
        {"mastodon:wss://h/api/v1/streaming?stream=public", "1 2", "bad cursor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(ch_stream_add(s, bad[i].spec, bad[i].cursor, NULL, err, sizeof err),
                         CHORUS_EUSAGE);
        if (!strstr(err, bad[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].spec, err, bad[i].msg);
    }
    assert_int_equal(ch_stream_nsources(s), 0);
    ch_stream_free(s);
}

/* ---- Jetstream messages ---------------------------------------------------------------------- */

static int next_rec(ch_stream *s, ch_stream_rec *rec)
{
    return ch_stream_next(s, 0, rec);
}

static void inject(ch_source *src, const char *msg)
{
    assert_int_equal(ch_source_inject(src, CH_INJECT_TEXT, msg, strlen(msg)), 0);
}

static void test_jetstream_messages(void **state)
{
    (void)state;
    ch_stream_opts o = {.offline = true};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src;
    char err[256];
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe?wantedCollections=app.bsky.feed.post",
                                   NULL, &src, err, sizeof err), 0);
    assert_string_equal(ch_source_cursor(src), "");
    ch_stream_rec rec;
    const char *e1 = "{\"did\":\"did:plc:a\",\"time_us\":1700000000000100,\"kind\":\"commit\"}";
    const char *e2 = "{\"did\":\"did:plc:b\",\"time_us\":1700000000000050,\"kind\":\"identity\"}";
    inject(src, e1);
    inject(src, "not json at all");
    inject(src, "{\"did\":\"x\",\"kind\":\"commit\"}");        /* no time_us */
    inject(src, "{\"did\":\"x\",\"time_us\":\"12\"}");          /* not an integer */
    inject(src, e1);                                              /* sent twice */
    inject(src, e2);                                              /* stamped earlier */
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_int_equal(rec.len, strlen(e1));
    assert_memory_equal(rec.data, e1, rec.len);
    assert_string_equal(rec.cursor, "1700000000000100");
    assert_int_equal(rec.line, 0);
    /* out-of-order stamps are handed out (the server stamps in parallel) */
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, e2, rec.len);
    assert_string_equal(ch_source_cursor(src), "1700000000000050");
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.skipped, 3);
    assert_int_equal(st.duplicates, 1);
    /* a binary message on a plain connection */
    assert_int_equal(ch_source_inject(src, CH_INJECT_BINARY, "\x28\xb5\x2f\xfd", 4), 0);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_source_stats_get(src, &st);
    assert_int_equal(st.skipped, 4);
    /* a page is not a Jetstream input */
    assert_int_equal(ch_source_inject(src, CH_INJECT_PAGE, "[]", 2), CHORUS_EUSAGE);
    ch_stream_free(s);

    /* resumed from a checkpoint cursor: events at or before it are dropped */
    assert_int_equal(ch_stream_new(&o, &s), 0);
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe", "1700000000000100",
                                   &src, err, sizeof err), 0);
    assert_string_equal(ch_source_cursor(src), "1700000000000100");
    inject(src, e2);
    inject(src, e1);
    const char *e3 = "{\"did\":\"did:plc:c\",\"time_us\":1700000000000101,\"kind\":\"commit\"}";
    inject(src, e3);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, e3, rec.len);
    ch_stream_free(s);

    /* a cursor in the URL is where to start: inclusive */
    assert_int_equal(ch_stream_new(&o, &s), 0);
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe?cursor=1700000000000100",
                                   NULL, &src, err, sizeof err), 0);
    inject(src, e2);
    inject(src, e1);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, e1, rec.len);
    ch_stream_free(s);
}

static void test_jetstream_compressed(void **state)
{
    (void)state;
    /* A raw-content dictionary stands in for Jetstream's trained one: the mechanism (a zstd
     * frame per message, made with the dictionary) is the same. */
    static const char words[] = "{\"did\":\"did:plc:\",\"time_us\":,\"kind\":\"commit\",\"collection\":";
    char dict[4096];
    for (size_t i = 0; i < sizeof dict; i++)
        dict[i] = words[i % (sizeof words - 1)];
    char path[] = "/tmp/chorus-dict-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, dict, sizeof dict), (ssize_t)sizeof dict);
    close(fd);
    ch_stream_opts o = {.offline = true, .jetstream_dict = path};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src;
    char err[256];
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe?compress=true", NULL,
                                   &src, err, sizeof err), 0);
    const char *e1 = "{\"did\":\"did:plc:a\",\"time_us\":1700000000000100,\"kind\":\"commit\"}";
    ZSTD_CDict *cd = ZSTD_createCDict(dict, sizeof dict, 3);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    char z[512];
    size_t zn = ZSTD_compress_usingCDict(cc, z, sizeof z, e1, strlen(e1), cd);
    assert_false(ZSTD_isError(zn));
    assert_int_equal(ch_source_inject(src, CH_INJECT_BINARY, z, zn), 0);
    ch_stream_rec rec;
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_int_equal(rec.len, strlen(e1));
    assert_memory_equal(rec.data, e1, rec.len);
    /* a truncated frame is skipped */
    assert_int_equal(ch_source_inject(src, CH_INJECT_BINARY, z, zn / 2), 0);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.skipped, 1);
    ch_stream_free(s);

    /* a dictionary that does not match: after 20 undecodable frames the source gives up */
    char other[4096];
    memset(other, 'q', sizeof other);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, other, sizeof other), (ssize_t)sizeof other);
    close(fd);
    assert_int_equal(ch_stream_new(&o, &s), 0);
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe?compress=true", NULL,
                                   &src, err, sizeof err), 0);
    for (int i = 0; i < 25; i++)
        assert_int_equal(ch_source_inject(src, CH_INJECT_BINARY, z, zn), 0);
    int r;
    while ((r = next_rec(s, &rec)) == CH_STREAM_REC)
        ;
    assert_int_equal(r, CH_STREAM_END);
    ch_source_stats_get(src, &st);
    assert_true(st.failed);
    ch_stream_free(s);
    ZSTD_freeCDict(cd);
    ZSTD_freeCCtx(cc);
    unlink(path);
}

/* ---- Mastodon messages ---------------------------------------------------------------------- */

static void test_mastodon_messages(void **state)
{
    (void)state;
    ch_stream_opts o = {.offline = true};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src;
    char err[256];
    assert_int_equal(ch_stream_add(s, "mastodon:ws://127.0.0.1:1/api/v1/streaming?stream=hashtag&tag=vote",
                                   NULL, &src, err, sizeof err), 0);
    /* the payload is a JSON string holding the status: it comes out unescaped */
    inject(src, "{\"stream\":[\"hashtag\",\"vote\"],\"event\":\"update\",\"payload\":"
                "\"{\\\"id\\\":\\\"1001\\\",\\\"content\\\":\\\"<p>\\\\\\\"quoted\\\\\\\" \\u00e9</p>\\\"}\"}");
    inject(src, "{\"stream\":[\"hashtag\",\"vote\"],\"event\":\"delete\",\"payload\":\"999\"}");
    inject(src, "{\"event\":\"status.update\",\"payload\":\"{\\\"id\\\":\\\"1001\\\"}\"}");
    inject(src, "{\"event\":\"filters_changed\"}");
    inject(src, "{\"event\":\"update\",\"payload\":{\"id\":\"1\"}}");   /* payload not a string */
    inject(src, "{\"event\":\"update\",\"payload\":\"not a status\"}");
    inject(src, "{\"event\":\"update\",\"payload\":\"{\\\"id\\\":\\\"../x\\\"}\"}"); /* odd id */
    inject(src, "[1,2]");
    inject(src, "{\"event\":\"update\",\"payload\":\"{\\\"id\\\":\\\"1001\\\"}\"}"); /* again */
    inject(src, "{\"event\":\"update\",\"payload\":\"{\\\"id\\\":\\\"1002\\\"}\"}");
    ch_stream_rec rec;
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    const char *want = "{\"id\":\"1001\",\"content\":\"<p>\\\"quoted\\\" \xc3\xa9</p>\"}";
    assert_int_equal(rec.len, strlen(want));
    assert_memory_equal(rec.data, want, rec.len);
    assert_string_equal(rec.cursor, "1001");
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, "{\"id\":\"1002\"}", rec.len);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_source_stats st;
    ch_source_stats_get(src, &st);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.deletes, 1);
    assert_int_equal(st.other_events, 3);
    assert_int_equal(st.skipped, 4);
    assert_int_equal(st.duplicates, 1);

    /* a REST page (newest first) comes out oldest first; what the stream already handed out
     * is not handed out again */
    const char *page = "[{\"id\":\"1004\",\"content\":\"d\"},{\"id\":\"1003\",\"content\":\"c\"},"
                       "{\"id\":\"1002\",\"content\":\"b\"},{\"content\":\"no id\"}]";
    assert_int_equal(ch_source_inject(src, CH_INJECT_PAGE, page, strlen(page)), 0);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, "{\"id\":\"1003\",\"content\":\"c\"}", rec.len);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_memory_equal(rec.data, "{\"id\":\"1004\",\"content\":\"d\"}", rec.len);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_source_stats_get(src, &st);
    assert_int_equal(st.backfilled, 2);
    assert_int_equal(st.duplicates, 2);
    /* pages that are not arrays are reported and ignored */
    assert_int_equal(ch_source_inject(src, CH_INJECT_PAGE, "{\"error\":\"x\"}", 13), 0);
    assert_int_equal(ch_source_inject(src, CH_INJECT_PAGE, "[", 1), 0);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_IDLE);
    ch_stream_free(s);
}

static void test_offline_stop(void **state)
{
    (void)state;
    /* a clean stop ends a network source after what was received */
    ch_stream_opts o = {.offline = true};
    ch_stream *s;
    assert_int_equal(ch_stream_new(&o, &s), 0);
    ch_source *src;
    char err[256];
    assert_int_equal(ch_stream_add(s, "jetstream:ws://127.0.0.1:1/subscribe", NULL, &src, err,
                                   sizeof err), 0);
    inject(src, "{\"time_us\":5}");
    ch_stream_stop(s);
    ch_stream_rec rec;
    assert_int_equal(next_rec(s, &rec), CH_STREAM_REC);
    assert_int_equal(next_rec(s, &rec), CH_STREAM_END);
    ch_stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_parse),
        cmocka_unit_test(test_url_query),
        cmocka_unit_test(test_dedupe),
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_jetstream_messages),
        cmocka_unit_test(test_jetstream_compressed),
        cmocka_unit_test(test_mastodon_messages),
        cmocka_unit_test(test_offline_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
