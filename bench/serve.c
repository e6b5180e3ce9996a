/*
 * bench/serve.c — `chorus serve` under load: wrk (Debian) with 64 concurrent connections on
 * loopback against the JSON API, with the server's cheapest route (/api/health: open the
 * database, check it, answer) as the baseline measured in the same run. Prints requests per
 * second, p50 and p99 latency, errors (non-2xx answers and socket errors) and the server's
 * peak RSS.
 *
 *   bench_serve DB [--seconds N] [--connections N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "chorus.h"

typedef struct wrk_out {
    double rps, p50_ms, p99_ms;
    long non2xx, socket_errors;
    int ok;
} wrk_out;

/* "1.23ms", "850.00us", "1.02s" -> milliseconds */
static double to_ms(const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (strncmp(end, "us", 2) == 0)
        return x / 1000.0;
    if (strncmp(end, "ms", 2) == 0)
        return x;
    if (*end == 's')
        return x * 1000.0;
    if (*end == 'm')
        return x * 60000.0;
    return x;
}

static wrk_out run_wrk(const char *url, int seconds, int conns)
{
    wrk_out w = {0};
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "wrk -t2 -c%d -d%ds --timeout 10s --latency '%s' 2>&1", conns, seconds, url);
    FILE *p = popen(cmd, "r");
    if (!p)
        return w;
    char line[512];
    while (fgets(line, sizeof line, p)) {
        char a[64], b[64];
        long x, y, z, t;
        if (sscanf(line, " 50%% %63s", a) == 1)
            w.p50_ms = to_ms(a);
        else if (sscanf(line, " 99%% %63s", a) == 1)
            w.p99_ms = to_ms(a);
        else if (sscanf(line, "Requests/sec: %63s", a) == 1)
            w.rps = strtod(a, NULL), w.ok = 1;
        else if (sscanf(line, " Non-2xx or 3xx responses: %ld", &x) == 1)
            w.non2xx = x;
        else if (sscanf(line, " Socket errors: connect %ld, read %ld, write %ld, timeout %ld", &x,
                        &y, &z, &t) == 4)
            w.socket_errors = x + y + z + t;
        (void)b;
    }
    if (pclose(p) != 0)
        w.ok = 0;
    return w;
}

static int first_account(void *ctx, const chorus_account *a)
{
    snprintf(ctx, 256, "%s", a->id);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_serve DB [--seconds N] [--connections N]\n");
        return 2;
    }
    int seconds = 5, conns = 64;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0)
            seconds = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--connections") == 0)
            conns = atoi(argv[i + 1]);
    }
    if (system("command -v wrk >/dev/null") != 0) {
        printf("serve: SKIP: wrk is not installed (apt-get install wrk)\n");
        return 0;
    }
    chorus_results *r;
    chorus_error err;
    char acct[256] = "";
    if (chorus_results_open(argv[1], &r, &err) == CHORUS_OK) {
        chorus_query q;
        chorus_query_init(&q);
        q.limit = 1;
        chorus_results_accounts(r, &q, first_account, acct);
        chorus_results_close(r);
    }
    chorus_serve_opts o;
    chorus_serve_opts_init(&o);
    o.listen = "127.0.0.1:0";
    o.max_connections = (unsigned)conns + 16;
    chorus_server *s;
    if (chorus_server_start(argv[1], &o, &s, &err) != CHORUS_OK) {
        fprintf(stderr, "bench_serve: %s\n", err.message);
        return 1;
    }
    int port = chorus_server_port(s);
    const char *paths[] = {"/api/health", "/api/clusters?limit=50", "/api/clusters/0",
                           "/api/statements?limit=20", NULL, NULL};
    char acct_path[512];
    if (acct[0]) {
        snprintf(acct_path, sizeof acct_path, "/api/accounts/%s", acct);
        paths[4] = acct_path;
    }
    printf("serve: wrk, %d connections, 2 threads, %d s per route, loopback; %s\n", conns, seconds,
           argv[1]);
    printf("%-28s %10s %9s %9s %8s %8s\n", "route", "req/s", "p50 ms", "p99 ms", "errors",
           "vs base");
    double base = 0;
    int bad = 0;
    for (int i = 0; paths[i]; i++) {
        char url[700];
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, paths[i]);
        wrk_out w = run_wrk(url, seconds, conns);
        if (!w.ok) {
            printf("%-28s wrk failed\n", paths[i]);
            bad = 1;
            continue;
        }
        if (i == 0)
            base = w.rps;
        printf("%-28.28s %10.0f %9.2f %9.2f %8ld %7.2fx\n", paths[i], w.rps, w.p50_ms, w.p99_ms,
               w.non2xx + w.socket_errors, base > 0 ? w.rps / base : 0.0);
        if (w.non2xx + w.socket_errors)
            bad = 1;
    }
    printf("requests served %llu; server process peak RSS %.1f MB\n",
           (unsigned long long)chorus_server_requests(s), bench_peak_rss_kb() / 1024.0);
    chorus_server_stop(s);
    return bad;
}
