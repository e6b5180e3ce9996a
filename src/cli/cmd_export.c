/*
 * cmd_export.c — `chorus export DB [--format graphml|gexf|csv|json] [-o PATH]`: the account
 * network of a results database for Gephi, igraph, networkx or a spreadsheet. The work is in
 * src/report/export.c; this file parses options, picks defaults and prints the outcome.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus export DB [--format graphml|gexf|csv|json] [-o PATH|-]\n"
            "                        [--combined] [--all-accounts] [--force] [--quiet]\n"
            "\n"
            "Writes the account network of a results database: nodes are accounts (handle,\n"
            "score, cluster, posts), edges their co-actions (behaviour, weight, events,\n"
            "objects, pvalue), one edge per pair and behaviour. Gephi, igraph and networkx\n"
            "read every format as written (see docs/exports.md).\n"
            "\n"
            "  -f, --format FORMAT  graphml, gexf, csv or json (networkx node-link); default:\n"
            "                       from the extension of -o, else graphml\n"
            "  -o, --output PATH    output file (default: DB with the format's extension,\n"
            "                       e.g. results.db -> results.graphml); '-' is standard\n"
            "                       output. Written to a temporary file, renamed into place.\n"
            "                       csv writes two files: PATH-nodes.csv and PATH-edges.csv\n"
            "                       (a final .csv is dropped), or nodes.csv and edges.csv\n"
            "                       inside PATH when it is a directory\n"
            "  --combined           one edge per pair: weights, events and objects summed,\n"
            "                       behaviours joined by ',', the smallest p-value\n"
            "  --all-accounts       every account, not only those with an edge\n"
            "  --force              replace an existing file that is not a chorus export of\n"
            "                       this format (never the results database)\n"
            "  -q, --quiet          print nothing on success\n"
            "\n"
            "examples:\n"
            "  chorus export results.db                       # -> results.graphml\n"
            "  chorus export results.db -o network.gexf       # for Gephi\n"
            "  chorus export results.db --format csv -o out/  # out/nodes.csv, out/edges.csv\n"
            "  chorus export results.db --format json -o - | jq '.graph.clusters'\n"
            "  chorus export results.db --combined --all-accounts -o all.graphml\n");
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
        {"combined", no_argument, 0, 'C'},     {"all-accounts", no_argument, 0, 'A'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {"force", no_argument, 0, 'F'},
        {0, 0, 0, 0},
    };
    chorus_export_opts o = {.notice = cli_notice};   /* stale temporary files removed */
    const char *out = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o.format = optarg; break;
        case 'o': out = optarg; break;
        case 'C': o.combined = true; break;
        case 'A': o.all_accounts = true; break;
        case 'F': o.force = true; break;
        case 'q': quiet = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_err("export: %s", optind >= argc ? "missing the results database"
                                             : "only one results database, please");
        help(stderr);
        return EXIT_USAGE;
    }
    /* the format (named, else from the extension of -o, else graphml), the default output
     * beside the database, and the checks are the library's */
    chorus_error err;
    chorus_export_info info;
    chorus_err rc = chorus_export_write(argv[optind], out, &o, &info, &err);
    if (rc != CHORUS_OK) {
        cli_err("export: %s", err.message);
        return rc == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (quiet || !strcmp(info.path, "-"))
        return EXIT_OK;
    char a[32], b[32];
    if (info.edges_path[0]) {
        printf("exported  %s accounts -> %s\n          %s edges -> %s\n", cli_num(info.nodes, a),
               info.path, cli_num(info.edges, b), info.edges_path);
    } else {
        printf("exported  %s accounts, %s edges (%s%s) -> %s\n", cli_num(info.nodes, a),
               cli_num(info.edges, b), info.format, o.combined ? ", combined" : "", info.path);
    }
    return EXIT_OK;
}
