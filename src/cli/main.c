/* main.c — the `chorus` command: dispatches to one subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    {"ingest", cmd_ingest, "read inputs and print what they hold (posts, accounts, errors)"},
    {"scan", cmd_scan, "the main job: parroting, narratives, co-actions, clusters, scores -> DB"},
    {"inspect", cmd_inspect, "print the evidence of a results database in the terminal"},
    {"report", cmd_report, "write the standalone HTML report of a results database"},
    {"export", cmd_export, "write the account network for Gephi, igraph, networkx (GraphML, GEXF, CSV, JSON)"},
    {"watch", cmd_watch, "watch live sources: alerts as JSON lines, a live results database"},
    {"match", cmd_match, "find posts that copy or paraphrase statements (JSONL to stdout)"},
    {"serve", cmd_serve, "JSON API and live dashboard over a results database (HTTP)"},
    {"formats", cmd_formats, "list the input formats and table presets, with examples"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: chorus COMMAND [OPTIONS] ...\n"
            "\n"
            "chorus finds accounts that act in concert to push a message, and the evidence.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fprintf(f,
            "\n"
            "Run 'chorus help COMMAND' (or 'chorus COMMAND --help') for the options of a\n"
            "command.\n"
            "Inputs may be plain, .gz or .zst; '-' reads standard input.\n"
            "Exit status: 0 success, 1 runtime error (a failed write to standard output\n"
            "too), 2 usage error. Outputs are written to a temporary file and renamed into\n"
            "place; they never replace an input, nor a file chorus did not write (--force).\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") && argc > 2) {
        /* `chorus help scan` is `chorus scan --help` */
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (!strcmp(argv[2], commands[i].name)) {
                char *args[] = {argv[2], "--help", NULL};
                return commands[i].fn(2, args);
            }
        }
        cli_err("help: unknown command '%s' (see 'chorus help')", argv[2]);
        return EXIT_USAGE;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("chorus %s\n", chorus_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    }
    cli_err("unknown command '%s' (see 'chorus --help')", cmd);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    cli_signals_init();
    /* whatever the command printed must have reached standard output, or the exit says so */
    return cli_finish_stdout(run(argc, argv));
}
