/*
 * cmd_watch.c — `chorus watch`: live sources in, alerts out (one JSON line each on standard
 * output), a live results database kept current, a checkpoint to resume from (docs/watch.md).
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus watch SOURCE... [-s STATEMENTS]... [-o live.db] [--horizon 3d]\n"
            "                    [--refresh 60] [--follow] [--checkpoint DIR] [--fresh] ...\n"
            "\n"
            "Watches live sources, matches each new post against the statements, runs the\n"
            "scan's detection over a sliding horizon on a schedule, keeps a results database\n"
            "current (readable while it runs) and prints one JSON line per alert.\n"
            "\n"
            "sources:\n"
            "  -                      standard input (JSON lines of any supported format)\n"
            "  PATH                   a file: read to its end, or followed with --follow\n"
            "  jetstream:wss://HOST/subscribe?wantedCollections=...   Bluesky Jetstream\n"
            "  mastodon:wss://HOST/api/v1/streaming?stream=public     Mastodon streaming\n"
            "When every source is finite (standard input, files without --follow) the watcher\n"
            "ends after its last refresh; otherwise it runs until SIGINT/SIGTERM.\n"
            "\n"
            "  -s, --statements PATH  statements (file or folder, re-read when it changes)\n"
            "  -o, --output PATH      the live results database (default live.db)\n"
            "  --horizon DURATION     data time held and analysed (default 3d; 90s, 15m, 12h)\n"
            "  --refresh DURATION     time between refreshes (default 60s)\n"
            "  --refresh-records N    also refresh every N records (replays, tests)\n"
            "  --follow               follow files as they grow (tail -F)\n"
            "  --checkpoint DIR       checkpoint folder (default OUTPUT.watch)\n"
            "  --fresh                start over, ignoring a previous checkpoint\n"
            "  --echo-k N             statement_echo: distinct accounts (default 5)\n"
            "  --echo-window DURATION statement_echo: within this data time (default 1h)\n"
            "  --format FORMAT        records' format (default: by source, or detected)\n"
            "  --window auto|SECONDS  co-action window (as for scan)\n"
            "  --threads N            detection worker threads (default all cores)\n"
            "  --token-file FILE      Mastodon access token (or $CHORUS_MASTODON_TOKEN)\n"
            "  --ca-file FILE         trust these CA certificates for wss://\n"
            "  --no-backfill          Mastodon: do not fetch statuses missed while disconnected\n"
            "  --dict FILE            Jetstream's zstd dictionary (for compress=true)\n"
            "  --set KEY=VALUE        any other watch option (docs/watch.md)\n"
            "  -q, --quiet            no diagnostics on standard error\n"
            "\n"
            "examples:\n"
            "  chorus watch 'jetstream:wss://jetstream2.us-east.bsky.network/subscribe?"
            "wantedCollections=app.bsky.feed.post' -s statements/ -o live.db\n"
            "  chorus-synth --format chorus | chorus watch - -o replay.db --horizon 30d\n");
}

static chorus_watch *g_watch;

static void on_signal(int sig)
{
    (void)sig;
    chorus_watch_stop(g_watch);
}

static void on_alert(void *ctx, const char *json)
{
    (void)ctx;
    fputs(json, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static void on_diag(void *ctx, const char *where, const char *msg)
{
    const bool *quiet = ctx;
    if (*quiet)
        return;
    if (where)
        fprintf(stderr, "chorus: watch: %s: %s\n", where, msg);
    else
        fprintf(stderr, "chorus: watch: %s\n", msg);
}

static int set(chorus_watch *w, const char *key, const char *value)
{
    if (chorus_watch_set(w, key, value) != CHORUS_OK) {
        cli_err("watch: --%s: %s", key, chorus_watch_error(w)->message);
        return -1;
    }
    return 0;
}

int cmd_watch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"statements", required_argument, 0, 's'}, {"output", required_argument, 0, 'o'},
        {"horizon", required_argument, 0, 'H'},    {"refresh", required_argument, 0, 'r'},
        {"refresh-records", required_argument, 0, 'R'},
        {"follow", no_argument, 0, 'F'},           {"checkpoint", required_argument, 0, 'c'},
        {"fresh", no_argument, 0, 'N'},            {"echo-k", required_argument, 0, 'k'},
        {"echo-window", required_argument, 0, 'T'},{"format", required_argument, 0, 'f'},
        {"window", required_argument, 0, 'w'},     {"threads", required_argument, 0, 't'},
        {"set", required_argument, 0, 'X'},        {"quiet", no_argument, 0, 'q'},
        {"token-file", required_argument, 0, 'K'}, {"ca-file", required_argument, 0, 'C'},
        {"no-backfill", no_argument, 0, 'B'},      {"dict", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0},
    };
    chorus_watch *w;
    if (chorus_watch_new(&w)) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    const char *out = "live.db";
    bool quiet = false;
    int status = EXIT_OK, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:f:qh", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h': help(stdout); chorus_watch_free(w); return EXIT_OK;
        case 's':
            if (chorus_watch_add_statements(w, optarg)) {
                cli_err("watch: %s", chorus_watch_error(w)->message);
                bad = 1;
            }
            break;
        case 'o': out = optarg; break;
        case 'H': bad = set(w, "horizon", optarg); break;
        case 'r': bad = set(w, "refresh", optarg); break;
        case 'R': bad = set(w, "refresh-records", optarg); break;
        case 'F': bad = set(w, "follow", "true"); break;
        case 'c': bad = set(w, "checkpoint", optarg); break;
        case 'N': bad = set(w, "fresh", "true"); break;
        case 'k': bad = set(w, "echo-k", optarg); break;
        case 'T': bad = set(w, "echo-window", optarg); break;
        case 'f': bad = set(w, "format", optarg); break;
        case 'w': bad = set(w, "window", optarg); break;
        case 't': bad = set(w, "threads", optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                cli_err("watch: --set takes KEY=VALUE, not '%s'", optarg);
                bad = 1;
                break;
            }
            *eq = '\0';
            bad = set(w, optarg, eq + 1);
            break;
        }
        case 'K': bad = set(w, "token-file", optarg); break;
        case 'C': bad = set(w, "ca-file", optarg); break;
        case 'B': bad = set(w, "no-backfill", "true"); break;
        case 'D': bad = set(w, "jetstream-dict", optarg); break;
        case 'q': quiet = true; break;
        default: help(stderr); bad = 1; break;
        }
        if (bad) {
            chorus_watch_free(w);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_err("watch: no sources (see 'chorus watch --help')");
        chorus_watch_free(w);
        return EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        if (chorus_watch_add_source(w, argv[i])) {
            cli_err("watch: %s", chorus_watch_error(w)->message);
            chorus_watch_free(w);
            return EXIT_USAGE;
        }
    }
    chorus_watch_set_alert(w, on_alert, NULL);
    chorus_watch_set_diag(w, on_diag, &quiet);
    g_watch = w;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    chorus_err rc = chorus_watch_run(w, out);
    if (rc) {
        cli_err("watch: %s", chorus_watch_error(w)->message);
        status = rc == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
    } else if (!quiet) {
        int64_t rec = 0, ref = 0, al = 0, held = 0, cl = 0;
        chorus_watch_count(w, "records", &rec);
        chorus_watch_count(w, "refreshes", &ref);
        chorus_watch_count(w, "alerts", &al);
        chorus_watch_count(w, "held", &held);
        chorus_watch_count(w, "clusters", &cl);
        char a[32], b[32];
        fprintf(stderr,
                "chorus: watch: %s records, %s held in the horizon, %lld refreshes, %lld "
                "clusters, %lld alerts; results in %s\n",
                cli_num((uint64_t)rec, a), cli_num((uint64_t)held, b), (long long)ref,
                (long long)cl, (long long)al, out);
    }
    g_watch = NULL;
    chorus_watch_free(w);
    return status;
}
