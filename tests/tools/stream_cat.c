/*
 * stream_cat.c — test driver for the stream sources: opens the sources given, prints each
 * record's JSON text on its own line, and reports what happened. The end-to-end tests and
 * the benchmark run it; it is also handy to try a source by hand:
 *
 *     stream_cat 'jetstream:wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post' --expect 20
 *
 * usage: stream_cat [options] SOURCE...
 *   --follow                 follow files as they grow
 *   --cursor C               resume the next SOURCE from cursor C
 *   --expect N               exit 0 after N records (after --linger-ms more, printing extras)
 *   --linger-ms M            see --expect (default 0)
 *   --timeout-ms T           give up after T ms with exit 3 (default: none)
 *   --stop-after N           raise the stop flag after N records (a clean stop, as SIGINT)
 *   --print data|cursor|both what to print per record: the JSON text (default), the cursor,
 *                            or "SOURCE-INDEX<TAB>CURSOR<TAB>JSON"
 *   --flush                  flush stdout after every record
 *   --cursor-file F          at exit, write "SPEC<TAB>CURSOR" per source to F
 *   --stats                  at exit, print per-source counters on stderr as JSON lines
 *   --quiet                  no diagnostics on stderr
 *   --poll-ms N --max-record N --max-buffered N --backoff-min-ms N --backoff-max-ms N
 *   --max-retries N --rewind-ms N --backfill-max N --no-backfill --ca-file F
 *   --token-file F | --token-env VAR   Mastodon access token
 *   --dict F                 Jetstream zstd dictionary (compress=true)
 * SIGINT / SIGTERM stop cleanly. Exit: 0 done, 1 error, 2 usage, 3 timeout.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "stream/stream.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static bool quiet;

static void on_diag(void *ctx, const char *source, ch_stream_level level, const char *msg)
{
    (void)ctx;
    if (quiet)
        return;
    static const char *const names[] = {"info", "warning", "error"};
    fprintf(stderr, "stream_cat: %s: %s: %s\n", source, names[level], msg);
}

static const char *state_name(ch_source_state s)
{
    switch (s) {
    case CH_SOURCE_READING: return "reading";
    case CH_SOURCE_CONNECTING: return "connecting";
    case CH_SOURCE_OPEN: return "open";
    case CH_SOURCE_BACKOFF: return "backoff";
    case CH_SOURCE_ENDED: return "ended";
    }
    return "?";
}

static int usage(void)
{
    fprintf(stderr, "usage: stream_cat [options] SOURCE...  (see the top of stream_cat.c)\n");
    return 2;
}

int main(int argc, char **argv)
{
    ch_stream_opts o = {.diag = on_diag, .stop = &g_stop};
    long long expect = -1, linger_ms = 0, timeout_ms = -1, stop_after = -1;
    const char *print = "data", *cursor_file = NULL, *token_file = NULL, *token_env = NULL;
    bool flush = false, stats = false;
    const char *specs[64], *cursors[64];
    int nspec = 0;
    const char *pending_cursor = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NUM(name, field, type)                                                                \
    if (strcmp(a, name) == 0) {                                                               \
        if (!v)                                                                               \
            return usage();                                                                   \
        field = (type)strtoll(v, NULL, 10);                                                   \
        i++;                                                                                  \
        continue;                                                                             \
    }
        if (strcmp(a, "--follow") == 0) { o.follow = true; continue; }
        if (strcmp(a, "--flush") == 0) { flush = true; continue; }
        if (strcmp(a, "--stats") == 0) { stats = true; continue; }
        if (strcmp(a, "--quiet") == 0) { quiet = true; continue; }
        if (strcmp(a, "--no-backfill") == 0) { o.no_backfill = true; continue; }
        if (strcmp(a, "--cursor") == 0 && v) { pending_cursor = v; i++; continue; }
        if (strcmp(a, "--print") == 0 && v) { print = v; i++; continue; }
        if (strcmp(a, "--cursor-file") == 0 && v) { cursor_file = v; i++; continue; }
        if (strcmp(a, "--ca-file") == 0 && v) { o.ca_file = v; i++; continue; }
        if (strcmp(a, "--token-file") == 0 && v) { token_file = v; i++; continue; }
        if (strcmp(a, "--token-env") == 0 && v) { token_env = v; i++; continue; }
        if (strcmp(a, "--dict") == 0 && v) { o.jetstream_dict = v; i++; continue; }
        NUM("--expect", expect, long long)
        NUM("--linger-ms", linger_ms, long long)
        NUM("--timeout-ms", timeout_ms, long long)
        NUM("--stop-after", stop_after, long long)
        NUM("--poll-ms", o.poll_ms, unsigned)
        NUM("--max-record", o.max_record, size_t)
        NUM("--max-buffered", o.max_buffered, size_t)
        NUM("--backoff-min-ms", o.backoff_min_ms, unsigned)
        NUM("--backoff-max-ms", o.backoff_max_ms, unsigned)
        NUM("--max-retries", o.max_retries, unsigned)
        NUM("--rewind-ms", o.rewind_ms, unsigned)
        NUM("--backfill-max", o.backfill_max, unsigned)
#undef NUM
        if (a[0] == '-' && a[1] == '-')
            return usage();
        if (nspec == 64)
            return usage();
        specs[nspec] = a;
        cursors[nspec++] = pending_cursor;
        pending_cursor = NULL;
    }
    if (nspec == 0 || pending_cursor)
        return usage();

    char err[512];
    char *token = NULL;
    if (token_file || token_env) {
        if (ch_stream_token_load(token_file, token_env, &token, err, sizeof err)) {
            fprintf(stderr, "stream_cat: %s\n", err);
            return 2;
        }
        o.mastodon_token = token;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    ch_stream *s;
    if (ch_stream_new(&o, &s)) {
        fprintf(stderr, "stream_cat: out of memory\n");
        return 1;
    }
    for (int i = 0; i < nspec; i++) {
        int rc = ch_stream_add(s, specs[i], cursors[i], NULL, err, sizeof err);
        if (rc) {
            fprintf(stderr, "stream_cat: %s\n", err);
            ch_stream_free(s);
            ch_free(token);
            return rc == CHORUS_EUSAGE ? 2 : 1;
        }
    }
    int code = 0;
    long long n = 0;
    int64_t t0 = -1;
    int64_t linger_until = -1;
    ch_stream_rec rec;
    for (;;) {
        int wait = 100;
        int r = ch_stream_next(s, wait, &rec);
        if (r == CH_STREAM_REC) {
            n++;
            if (strcmp(print, "cursor") == 0) {
                printf("%s\n", rec.cursor);
            } else if (strcmp(print, "both") == 0) {
                size_t idx = 0;
                while (ch_stream_source(s, idx) != rec.source)
                    idx++;
                printf("%zu\t%s\t%.*s\n", idx, rec.cursor, (int)rec.len, rec.data);
            } else {
                fwrite(rec.data, 1, rec.len, stdout);
                putchar('\n');
            }
            if (flush)
                fflush(stdout);
            if (stop_after >= 0 && n == stop_after)
                g_stop = 1;
        } else if (r == CH_STREAM_END) {
            break;
        } else if (r == CH_STREAM_ERROR) {
            fprintf(stderr, "stream_cat: %s\n", ch_stream_error(s));
            code = 1;
            break;
        }
        int64_t now = ch_stream_now_ms();
        if (t0 < 0)
            t0 = now;
        if (expect >= 0 && n >= expect && linger_until < 0)
            linger_until = now + linger_ms;
        if (linger_until >= 0 && now >= linger_until)
            break;
        if (timeout_ms >= 0 && now - t0 > timeout_ms) {
            fprintf(stderr, "stream_cat: timeout after %lld records\n", n);
            code = 3;
            break;
        }
    }
    fflush(stdout);
    for (size_t i = 0; i < ch_stream_nsources(s); i++) {
        ch_source_stats st;
        ch_source_stats_get(ch_stream_source(s, i), &st);
        if (st.failed && code == 0)
            code = 1;
    }
    if (cursor_file) {
        FILE *f = fopen(cursor_file, "w");
        if (f) {
            for (size_t i = 0; i < ch_stream_nsources(s); i++) {
                ch_source *src = ch_stream_source(s, i);
                fprintf(f, "%s\t%s\n", ch_source_spec(src), ch_source_cursor(src));
            }
            fclose(f);
        }
    }
    if (stats) {
        for (size_t i = 0; i < ch_stream_nsources(s); i++) {
            ch_source *src = ch_stream_source(s, i);
            ch_source_stats st;
            ch_source_stats_get(src, &st);
            fprintf(stderr,
                    "{\"source\":%zu,\"kind\":\"%s\",\"state\":\"%s\",\"failed\":%s,"
                    "\"records\":%llu,\"bytes\":%llu,\"skipped\":%llu,\"duplicates\":%llu,"
                    "\"other_events\":%llu,\"deletes\":%llu,\"backfilled\":%llu,"
                    "\"connects\":%llu,\"reconnects\":%llu,\"rotations\":%llu,"
                    "\"truncations\":%llu,\"partial_dropped\":%llu,\"cursor\":\"%s\"}\n",
                    i, ch_source_kind_name(src), state_name(st.state),
                    st.failed ? "true" : "false", (unsigned long long)st.records,
                    (unsigned long long)st.bytes, (unsigned long long)st.skipped,
                    (unsigned long long)st.duplicates, (unsigned long long)st.other_events,
                    (unsigned long long)st.deletes, (unsigned long long)st.backfilled,
                    (unsigned long long)st.connects, (unsigned long long)st.reconnects,
                    (unsigned long long)st.rotations, (unsigned long long)st.truncations,
                    (unsigned long long)st.partial_dropped, ch_source_cursor(src));
        }
    }
    ch_stream_free(s);
    ch_free(token);
    return code;
}
