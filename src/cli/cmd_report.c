/*
 * cmd_report.c — `chorus report DB [-o report.html]`: writes the standalone HTML report of a
 * results database (src/report/report.h; what it shows: docs/report.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus report DB [-o report.html] [--top N] [--statements N] [--items N]\n"
            "                        [--max-nodes N] [--neighbours N] [--seed N] [--force]\n"
            "                        [--quiet] [--json]\n"
            "\n"
            "Writes one standalone HTML file that shows what a scan found: an overview, a\n"
            "picture of the coordinated network, a section per cluster (members, scores and\n"
            "reasons, activity, the posts they shared, the statements they parrot side by\n"
            "side) and a section per statement (who repeated it, how soon after publication).\n"
            "The file loads nothing from the network; open it in any browser.\n"
            "\n"
            "  -o, --output PATH    the report (default report.html; '-' for standard output);\n"
            "                       written to a temporary file and renamed into place\n"
            "  --top N              clusters with a full section (default 50); the rest are\n"
            "                       listed compactly\n"
            "  --statements N       statements with a full section (default 50)\n"
            "  --items N            rows per list before 'and N more' (default 25)\n"
            "  --max-nodes N        clustered accounts drawn in the network (default 30000)\n"
            "  --neighbours N       faded partners outside clusters drawn per cluster (default 5)\n"
            "  --seed N             seed of the network layout (default 1)\n"
            "  --force              replace an existing file that is not a chorus report\n"
            "                       (never the results database)\n"
            "  -q, --quiet          no summary line\n"
            "  --json               summary as JSON on standard output\n"
            "\n"
            "examples:\n"
            "  chorus report chorus.db                      # writes report.html\n"
            "  chorus report results.db -o /tmp/case-17.html\n"
            "  chorus scan tweets.jsonl -s statements/ --report report.html   # in one go\n");
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},  {"top", required_argument, 0, 'T'},
        {"statements", required_argument, 0, 'S'}, {"items", required_argument, 0, 'I'},
        {"max-nodes", required_argument, 0, 'N'}, {"neighbours", required_argument, 0, 'B'},
        {"seed", required_argument, 0, 'R'},    {"quiet", no_argument, 0, 'q'},
        {"json", no_argument, 0, 'j'},          {"help", no_argument, 0, 'h'},
        {"force", no_argument, 0, 'F'},
        {0, 0, 0, 0},
    };
    chorus_report_opts ro;
    chorus_report_opts_init(&ro);
    ro.notice = cli_notice;   /* stale temporary files removed */
    const char *out = "report.html";
    bool quiet = false, json = false;
    unsigned long long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'T':
            if (cli_number("report", "--top", optarg, 0, 100000, &v))
                return EXIT_USAGE;
            ro.top_clusters = (unsigned)v;
            break;
        case 'S':
            if (cli_number("report", "--statements", optarg, 0, 100000, &v))
                return EXIT_USAGE;
            ro.top_statements = (unsigned)v;
            break;
        case 'I':
            if (cli_number("report", "--items", optarg, 1, 100000, &v))
                return EXIT_USAGE;
            ro.max_items = (unsigned)v;
            break;
        case 'N':
            if (cli_number("report", "--max-nodes", optarg, 0, 1000000, &v))
                return EXIT_USAGE;
            ro.max_nodes = (unsigned)v;
            break;
        case 'B':
            if (cli_number("report", "--neighbours", optarg, 0, 100, &v))
                return EXIT_USAGE;
            ro.max_neighbours = (unsigned)v;
            break;
        case 'R':
            if (cli_number("report", "--seed", optarg, 0, UINT64_MAX, &v))
                return EXIT_USAGE;
            ro.seed = v;
            break;
        case 'q': quiet = true; break;
        case 'j': json = true; break;
        case 'F': ro.force = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_err("report: no results database (see 'chorus report --help')");
        return EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        cli_err("report: one results database at a time, not '%s' too", argv[optind + 1]);
        return EXIT_USAGE;
    }
    const bool to_stdout = strcmp(out, "-") == 0;
    if (to_stdout && json) {
        cli_err("report: --json prints on standard output; write the report to a file (-o)");
        return EXIT_USAGE;
    }
    chorus_error err;
    chorus_report_info info;
    chorus_err rc = chorus_report_write(argv[optind], out, &ro, &info, &err);
    if (rc) {
        cli_err("report: %s", err.message);
        return rc == CHORUS_EUSAGE ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (json) {
        printf("{\"report\":");
        cli_json_str(stdout, out);
        printf(",\"bytes\":%llu,\"clusters\":%llu,\"clusters_detailed\":%llu,"
               "\"clustered_accounts\":%llu,\"nodes\":%llu,\"statements\":%llu,\"seconds\":%.3f}\n",
               (unsigned long long)info.bytes, (unsigned long long)info.clusters,
               (unsigned long long)info.clusters_detailed, (unsigned long long)info.clustered,
               (unsigned long long)info.nodes, (unsigned long long)info.statements, info.seconds);
    } else if (!quiet && !to_stdout) {
        char a[32];
        printf("report       %s  (%.1f MB; %s clusters, %llu in detail; %.1f s)\n", out,
               (double)info.bytes / 1e6, cli_num(info.clusters, a),
               (unsigned long long)info.clusters_detailed, info.seconds);
    }
    return EXIT_OK;
}
