/*
 * bench/stream.c — throughput and peak memory of the stream sources, against a baseline
 * measured in the same run: merely reading the same lines from a file (ingest/input.h).
 *
 *   baseline: read lines     ch_input_line over the file
 *   file source              the same file through a ch_stream (read to its end)
 *   followed file            the same with --follow (the tail -F code path)
 *   jetstream source         the same events sent by the local replay server (ws_replay, on
 *                            127.0.0.1, as fast as the connection takes them) into a
 *                            Jetstream source: WebSocket, time_us parse, duplicate ring
 *   jetstream + 2 drops      the same with the connection dropped twice (resume, rewind)
 *
 * usage: bench_stream [--events N] [--replay PATH] [--file PATH]
 *   --events N   generated Jetstream-like events (default 300000, ~450 bytes each)
 *   --replay P   the replay server (default: ws_replay next to this program)
 *   --file P     use this JSON-lines file of Jetstream events instead of generating one
 * Each measurement runs in its own child process (its own peak RSS). The replay server is a
 * separate process: on a machine with one free core it competes with the client, so the
 * client's CPU time is the number to compare (the rate per CPU second is printed first, the
 * wall-clock rate after it).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "ingest/input.h"
#include "stream/stream.h"

typedef struct job {
    const char *path;
    char spec[PATH_MAX + 64];
    bool follow;
    long events;
} job;

static void read_lines(void *arg, bench_result *r)
{
    job *j = arg;
    ch_input *in;
    char err[256];
    if (ch_input_open(j->path, 0, &in, err, sizeof err))
        return;
    double t0 = bench_now(), c0 = bench_cpu();
    const char *line;
    size_t len;
    uint64_t no;
    double n = 0, bytes = 0;
    int rc;
    while ((rc = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (rc == CH_LINE_OK) {
            n++;
            bytes += (double)len;
        }
    }
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = n;
    r->bytes = bytes;
    r->ok = n == (double)j->events;
    ch_input_close(in);
}

static void through_stream(void *arg, bench_result *r)
{
    job *j = arg;
    ch_stream_opts o = {.follow = j->follow, .poll_ms = 5, .backoff_min_ms = 20,
                        .rewind_ms = 50};
    ch_stream *s;
    char err[256];
    if (ch_stream_new(&o, &s))
        return;
    double t0 = bench_now(), c0 = bench_cpu();
    if (ch_stream_add(s, j->spec, NULL, NULL, err, sizeof err)) {
        fprintf(stderr, "bench_stream: %s\n", err);
        ch_stream_free(s);
        return;
    }
    ch_stream_rec rec;
    double n = 0, bytes = 0;
    int64_t deadline = ch_stream_now_ms() + 300000;
    while (n < (double)j->events && ch_stream_now_ms() < deadline) {
        int rc = ch_stream_next(s, 200, &rec);
        if (rc == CH_STREAM_REC) {
            n++;
            bytes += (double)rec.len;
        } else if (rc != CH_STREAM_IDLE) {
            break;
        }
    }
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = n;
    r->bytes = bytes;
    r->ok = n == (double)j->events;
    ch_stream_free(s);
}

static void generate(const char *path, long events)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    int64_t t = 1700000000000000;
    for (long i = 0; i < events; i++) {
        t += 20 + (i * 7919) % 60;
        fprintf(f,
                "{\"did\":\"did:plc:bench%07ld\",\"time_us\":%" PRId64 ",\"kind\":\"commit\","
                "\"commit\":{\"rev\":\"3l%010ld\",\"operation\":\"create\","
                "\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3k%010ld\",\"record\":{"
                "\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"2024-11-21T10:00:00.000Z\","
                "\"langs\":[\"en\"],\"text\":\"The ministry says the ferry route %ld will reopen "
                "after the inspection, according to a statement published this morning\"},"
                "\"cid\":\"bafyreibench%016ld\"}}\n",
                i % 50000, t, i, i, i % 977, i);
    }
    fclose(f);
}

static pid_t start_replay(const char *replay, const char *file, const char *dir, int *port,
                          const char *extra1, const char *extra2)
{
    char port_file[PATH_MAX];
    snprintf(port_file, sizeof port_file, "%s/replay.port", dir);
    unlink(port_file);
    pid_t pid = fork();
    if (pid == 0) {
        if (extra1)
            execl(replay, replay, "--file", file, "--port-file", port_file, extra1, extra2,
                  (char *)NULL);
        else
            execl(replay, replay, "--file", file, "--port-file", port_file, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d", port) == 1;
            fclose(f);
            if (ok)
                return pid;
        }
        struct timespec ts = {0, 50000000L};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGTERM);
    return -1;
}

static void stop_replay(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
}

static void report(const char *what, const bench_result *r, const bench_result *base)
{
    bench_print(what, r, "ev", base);
    if (r->seconds > 0)
        printf("%-26s %10.0f ev/s wall clock%s\n", "", r->items / r->seconds,
               r->ok ? "" : "  (INCOMPLETE)");
}

int main(int argc, char **argv)
{
    long events = 300000;
    const char *replay = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            events = atol(argv[++i]);
        else if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc)
            replay = argv[++i];
        else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            file = argv[++i];
        else {
            fprintf(stderr, "usage: bench_stream [--events N] [--replay PATH] [--file PATH]\n");
            return 2;
        }
    }
    char self[PATH_MAX], replay_buf[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (!replay && n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash)
            *slash = '\0';
        snprintf(replay_buf, sizeof replay_buf, "%s/ws_replay", self);
        replay = replay_buf;
    }
    char dir[] = "/tmp/chorus-bench-stream-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char gen[PATH_MAX];
    if (!file) {
        snprintf(gen, sizeof gen, "%s/events.jsonl", dir);
        generate(gen, events);
        file = gen;
    } else {
        ch_input *in;
        char err[256];
        const char *line;
        size_t len;
        uint64_t no;
        events = 0;
        if (ch_input_open(file, 0, &in, err, sizeof err) == 0) {
            while (ch_input_line(in, &line, &len, &no) == CH_LINE_OK)
                events++;
            ch_input_close(in);
        }
    }
    struct stat st;
    stat(file, &st);
    printf("stream sources: %ld Jetstream events, %.1f MB (%s)\n", events, st.st_size / 1e6,
           file);

    job base_job = {.path = file, .events = events};
    bench_result base = bench_in_child(read_lines, &base_job);
    report("baseline: read lines", &base, NULL);

    job fj = {.path = file, .events = events};
    snprintf(fj.spec, sizeof fj.spec, "%s", file);
    bench_result fr = bench_in_child(through_stream, &fj);
    report("file source", &fr, &base);

    fj.follow = true;
    bench_result ff = bench_in_child(through_stream, &fj);
    report("followed file", &ff, &base);

    int port = 0;
    pid_t srv = start_replay(replay, file, dir, &port, NULL, NULL);
    if (srv < 0) {
        printf("jetstream source: SKIPPED (cannot start %s)\n", replay);
    } else {
        job jj = {.events = events};
        snprintf(jj.spec, sizeof jj.spec, "jetstream:ws://127.0.0.1:%d/subscribe", port);
        bench_result jr = bench_in_child(through_stream, &jj);
        report("jetstream source", &jr, &base);
        stop_replay(srv);
        char drop[32];
        snprintf(drop, sizeof drop, "%ld", events / 3 + 1);
        srv = start_replay(replay, file, dir, &port, "--drop-after", drop);
        if (srv > 0) {
            snprintf(jj.spec, sizeof jj.spec, "jetstream:ws://127.0.0.1:%d/subscribe", port);
            bench_result jd = bench_in_child(through_stream, &jj);
            report("jetstream + reconnects", &jd, &base);
            stop_replay(srv);
        }
    }
    if (file == gen)
        unlink(gen);
    char pf[PATH_MAX];
    snprintf(pf, sizeof pf, "%s/replay.port", dir);
    unlink(pf);
    rmdir(dir);
    return 0;
}
