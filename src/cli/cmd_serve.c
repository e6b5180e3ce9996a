/*
 * cmd_serve.c — `chorus serve DB`: the JSON API and live dashboard over a results database
 * (include/chorus.h section 6; docs/api.md, "HTTP API"), until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus serve DB [--listen HOST:PORT] [--token-file FILE]\n"
            "                       [--statements-dir DIR] [--max-connections N] [--max-body BYTES]\n"
            "\n"
            "Serves a results database over HTTP: a JSON API (GET /api/clusters, /api/clusters/ID,\n"
            "/api/accounts, /api/accounts/ID, /api/statements, /api/alerts, /api/events) and a live\n"
            "dashboard at / that shows new alerts as they come and the report of the database,\n"
            "refreshed whenever it changes. DB may be the database a running `chorus watch` keeps\n"
            "up to date. Read-only unless --token-file is given; then POST /api/statements,\n"
            "/api/accounts/ID/review and /api/alerts/ID/mute need 'Authorization: Bearer TOKEN'.\n"
            "Runs until interrupted (Ctrl-C).\n"
            "\n"
            "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks a\n"
            "                       free one). Binding beyond loopback exposes the data: put it\n"
            "                       behind a TLS proxy\n"
            "  --token-file FILE    the token for writing: the file's first line, 16 characters\n"
            "                       at least\n"
            "  --statements-dir DIR where POST /api/statements writes new statements (the folder\n"
            "                       a watcher was given with -s)\n"
            "  --max-connections N  open connections at most (default 256)\n"
            "  --max-body BYTES     request body at most (default 1048576)\n"
            "  -q, --quiet          no start line\n"
            "\n"
            "examples:\n"
            "  chorus serve chorus.db                       # http://127.0.0.1:8080/\n"
            "  chorus serve live.db --token-file ~/.chorus-token --statements-dir statements/\n");
}

/* The token: the first line of the file, without its newline. */
static int read_token(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_err("serve: cannot open token file '%s': %s", path, strerror(errno));
        return -1;
    }
    if (!fgets(buf, (int)cap, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strlen(buf) < 16) {
        cli_err("serve: the token in '%s' is too short (16 characters at least)", path);
        return -1;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, 0, 'l'},      {"token-file", required_argument, 0, 't'},
        {"statements-dir", required_argument, 0, 'd'},
        {"max-connections", required_argument, 0, 'c'},
        {"max-body", required_argument, 0, 'b'},    {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0},
    };
    chorus_serve_opts so;
    chorus_serve_opts_init(&so);
    char token[512];
    bool quiet = false;
    unsigned long long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': so.listen = optarg; break;
        case 't':
            if (read_token(optarg, token, sizeof token))
                return EXIT_USAGE;
            so.token = token;
            break;
        case 'd': so.statements_dir = optarg; break;
        case 'c':
            if (cli_number("serve", "--max-connections", optarg, 1, 100000, &v))
                return EXIT_USAGE;
            so.max_connections = (unsigned)v;
            break;
        case 'b':
            if (cli_number("serve", "--max-body", optarg, 1, 1ULL << 30, &v))
                return EXIT_USAGE;
            so.max_body = (size_t)v;
            break;
        case 'q': quiet = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_err("serve: give one results database");
        help(stderr);
        return EXIT_USAGE;
    }
    const char *db = argv[optind];
    /* block the stop signals before the server's threads start, so only sigwait sees them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    chorus_server *srv;
    chorus_error err;
    chorus_err e = chorus_server_start(db, &so, &srv, &err);
    if (e) {
        cli_err("serve: %s", err.message);
        return e == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (!quiet) {
        const char *host = so.listen;
        const char *colon = strrchr(host, ':');
        fprintf(stderr, "chorus: serving '%s' on http://%.*s:%d/ (%s); Ctrl-C stops\n", db,
                (int)(colon - host), host, chorus_server_port(srv),
                so.token ? "writing with the token" : "read-only");
    }
    int sig = 0;
    sigwait(&stop, &sig);
    chorus_server_stop(srv);
    if (!quiet)
        fprintf(stderr, "chorus: stopped\n");
    return EXIT_OK;
}
