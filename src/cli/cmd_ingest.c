/* cmd_ingest.c — `chorus ingest`: read inputs, print counts by kind, accounts, errors. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus ingest INPUT... [--format FORMAT] [--map FIELD=COLUMN,...]\n"
            "                     [--preset NAME] [--time-format LAYOUT]\n"
            "                     [--strict] [--quiet] [--json] [--progress MODE]\n"
            "\n"
            "Reads the inputs and prints what they hold: posts by kind, accounts, time range,\n"
            "duplicates dropped, and bad records skipped by reason.\n"
            "\n"
            "  --format FORMAT   auto (default, per file) or a format of 'chorus formats'\n"
            "  --preset NAME     the same for a table preset: crowdtangle, meta-cl, 4cat, ...\n"
            "  --time-format L   how table time cells are laid out, e.g. '%%m/%%d/%%Y %%H:%%M'\n"
            "                    (%%Y %%y %%m %%d %%H %%I %%M %%S %%f %%p %%b %%a %%z %%Z %%s %%T)\n"
            "  --map SPEC        column map for csv: id=COL,author=COL,author_id=COL,time=COL,\n"
            "                    text=COL,kind=COL,ref_id=COL,ref_author=COL,ref_author_id=COL,\n"
            "                    lang=COL,urls=COL,hashtags=COL,mentions=COL,client=COL\n"
            "  --strict          stop at the first bad record (exit 1)\n"
            "  --quiet           no progress, no per-record messages, no summary\n"
            "  --json            print one JSON object on stdout (also with --quiet)\n"
            "  --progress MODE   auto (default: bar on a terminal, else plain), bar, plain\n"
            "                    (one line per input and stage, for logs), none\n"
            "\n"
            "examples:\n"
            "  chorus ingest tweets.jsonl.gz\n"
            "  chorus ingest --json archive/*_tweets_csv_hashed.csv\n"
            "  chorus ingest shares.csv --map id=content_id,author_id=account_id,"
            "ref_id=object_id,time=timestamp_share\n");
}

static void print_text(const chorus_scan *s, double secs)
{
    char a[32], b[32], d[32], e[32], g[32];
    size_t ninputs = chorus_scan_input_count(s);
    uint64_t errors = (uint64_t)cli_count(s, "errors");
    printf("read %zu input%s in %.2f s: %s records\n", ninputs, ninputs == 1 ? "" : "s", secs,
           cli_num((uint64_t)cli_count(s, "records"), a));
    cli_print_inputs(s, "inputs      ");
    printf("posts       %s  (post %s, repost %s, reply %s, quote %s)\n",
           cli_num((uint64_t)cli_count(s, "posts"), a),
           cli_num((uint64_t)cli_count(s, "by_kind.post"), b),
           cli_num((uint64_t)cli_count(s, "by_kind.repost"), d),
           cli_num((uint64_t)cli_count(s, "by_kind.reply"), e),
           cli_num((uint64_t)cli_count(s, "by_kind.quote"), g));
    printf("accounts    %s\n", cli_num((uint64_t)cli_count(s, "accounts"), a));
    printf("duplicates  %s  (same post id seen again, kept once)\n",
           cli_num((uint64_t)cli_count(s, "duplicates"), a));
    int64_t merged = cli_count(s, "merged");
    if (merged > 0)
        printf("merged      %s  (rows repeating a post id with more URLs, hashtags or "
               "mentions)\n", cli_num((uint64_t)merged, a));
    int64_t first, last;
    if (chorus_scan_count(s, "first", &first) == CHORUS_OK &&
        chorus_scan_count(s, "last", &last) == CHORUS_OK) {
        char t0[48], t1[48];
        printf("time range  %s .. %s\n", chorus_time_format(first, t0, sizeof t0),
               chorus_time_format(last, t1, sizeof t1));
    }
    printf("skipped     %s", cli_num(errors, a));
    const char *sep = "  (";
    const char *reason;
    for (size_t r = 0; (reason = chorus_reason_at(r)); r++) {
        char key[96];
        snprintf(key, sizeof key, "errors_by_reason.%s", reason);
        int64_t n = cli_count(s, key);
        if (n) {
            printf("%s%s %s", sep, reason, cli_num((uint64_t)n, b));
            sep = ", ";
        }
    }
    printf("%s\n", errors ? ")" : "");
    int64_t unreadable = cli_count(s, "unreadable_bytes");
    if (unreadable)
        printf("unreadable  %s bytes  (damaged compressed data skipped)\n",
               cli_num((uint64_t)unreadable, a));
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"map", required_argument, 0, 'm'},
        {"preset", required_argument, 0, 'f'}, {"time-format", required_argument, 0, 'T'},
        {"strict", no_argument, 0, 'S'},       {"quiet", no_argument, 0, 'q'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        CLI_PROGRESS_LONGOPT,
        {0, 0, 0, 0},
    };
    chorus_scan *s;
    if (chorus_scan_new(&s)) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    cli_input_opts o = {0};
    int c, status = EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:m:qjh", longopts, NULL)) != -1) {
        if (c == 'h') {
            help(stdout);
            goto out;
        }
        int r = cli_input_option(s, "ingest", c, optarg, &o);
        if (r < 0) {
            status = EXIT_USAGE;
            goto out;
        }
        if (r == 0) {
            help(stderr);
            status = EXIT_USAGE;
            goto out;
        }
    }
    if (optind >= argc) {
        cli_err("ingest: no input files (see 'chorus ingest --help')");
        status = EXIT_USAGE;
        goto out;
    }
    if (cli_add_inputs(s, "ingest", argc, argv, optind)) {
        status = EXIT_USAGE;
        goto out;
    }
    cli_diag d = {.quiet = o.quiet, .limit = 20};
    cli_progress prog;
    cli_progress_init(&prog, s, &d, o.progress, o.quiet, "ingest");
    chorus_scan_set_diag(s, cli_diag_cb, &d);
    chorus_scan_set_progress(s, cli_progress_cb, &prog);
    chorus_err rc = chorus_scan_ingest(s);
    cli_progress_end(&prog);
    status = rc ? cli_job_failed(s, "ingest") : cli_inputs_status(s);
    double secs = 0;
    (void)chorus_scan_seconds(s, "read", &secs);
    if (o.json) {
        const char *j = chorus_scan_summary_json(s);
        if (j)
            printf("%s\n", j);
    } else if (!o.quiet) {
        print_text(s, secs);
    }
out:
    chorus_scan_free(s);
    return status;
}
