/*
 * cmd_export.c — `chorus export DB [--format graphml|gexf|csv|json] [-o PATH]`: the account
 * network of a results database for Gephi, igraph, networkx or a spreadsheet. The work is in
 * src/report/export.c; this file parses options, picks defaults and prints the outcome.
 */
#include <getopt.h>
#include <string.h>

#include "chorus.h"
#include "cli.h"
#include "report/export.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus export DB [--format graphml|gexf|csv|json] [-o PATH|-]\n"
            "                        [--combined] [--all-accounts] [--quiet]\n"
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
        {0, 0, 0, 0},
    };
    ch_export_opts o = {0};
    const char *format = NULL, *out = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'C': o.combined = true; break;
        case 'A': o.all_accounts = true; break;
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
    const char *db = argv[optind];

    ch_export_format f = CH_EXPORT_GRAPHML;
    if (format) {
        if (ch_export_parse_format(format, &f) != CHORUS_OK) {
            cli_err("export: unknown format '%s' (graphml, gexf, csv or json)", format);
            return EXIT_USAGE;
        }
    } else if (out && strcmp(out, "-")) {
        (void)ch_export_format_of_path(out, &f);   /* no telling extension: graphml */
    }
    if (f == CH_EXPORT_CSV && out && !strcmp(out, "-")) {
        cli_err("export: csv writes two files (nodes and edges): give -o PREFIX or -o DIR/");
        return EXIT_USAGE;
    }

    char def[4096];
    if (!out) {
        if (ch_export_default_path(db, f, def, sizeof def) != CHORUS_OK) {
            cli_err("export: path too long: '%s'", db);
            return EXIT_USAGE;
        }
        out = def;
    }

    char err[1024];
    ch_export_stats st;
    int rc = ch_export_write(db, f, &o, out, &st, err, sizeof err);
    if (rc != CHORUS_OK) {
        cli_err("export: %s", err);
        return rc == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (quiet || !strcmp(out, "-"))
        return EXIT_OK;
    char a[32], b[32];
    if (f == CH_EXPORT_CSV) {
        char nodes[4200], edges[4200];
        if (ch_export_csv_paths(out, nodes, edges, sizeof nodes) == CHORUS_OK)
            printf("exported  %s accounts -> %s\n          %s edges -> %s\n",
                   cli_num(st.nodes, a), nodes, cli_num(st.edges, b), edges);
    } else {
        printf("exported  %s accounts, %s edges (%s%s) -> %s\n", cli_num(st.nodes, a),
               cli_num(st.edges, b), ch_export_format_name(f), o.combined ? ", combined" : "",
               out);
    }
    return EXIT_OK;
}
