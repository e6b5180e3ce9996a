/* cmd_ingest.c — `chorus ingest`: read inputs, print counts by kind, accounts, errors. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/timeparse.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus ingest INPUT... [--format FORMAT] [--map FIELD=COLUMN,...]\n"
            "                     [--strict] [--quiet] [--json]\n"
            "\n"
            "Reads the inputs and prints what they hold: posts by kind, accounts, time range,\n"
            "duplicates dropped, and bad records skipped by reason.\n"
            "\n"
            "  --format FORMAT   auto (default, per file), twitter-v1, twitter-v2, io-csv, csv,\n"
            "                    chorus\n"
            "  --map SPEC        column map for csv: id=COL,author=COL,author_id=COL,time=COL,\n"
            "                    text=COL,kind=COL,ref_id=COL,ref_author=COL,ref_author_id=COL,\n"
            "                    lang=COL,urls=COL,hashtags=COL,mentions=COL,client=COL\n"
            "  --strict          stop at the first bad record (exit 1)\n"
            "  --quiet           no progress line, no per-record messages\n"
            "  --json            print one JSON object on stdout\n"
            "\n"
            "examples:\n"
            "  chorus ingest tweets.jsonl.gz\n"
            "  chorus ingest --json archive/*_tweets_csv_hashed.csv\n"
            "  chorus ingest shares.csv --map id=content_id,author_id=account_id,"
            "ref_id=object_id,time=timestamp_share\n");
}

int cli_input_option(int c, const char *arg, cli_input_opts *o)
{
    char err[256];
    switch (c) {
    case 'f':
        if (strcmp(arg, "auto") == 0) {
            o->reader = NULL;
            return 1;
        }
        if (!(o->reader = ch_reader_find(arg))) {
            char names[512];
            size_t n = 0;
            names[0] = '\0';
            for (size_t i = 0; i < ch_reader_count() && n < sizeof names; i++)
                n += (size_t)snprintf(names + n, sizeof names - n, ", %s", ch_reader_at(i)->name);
            cli_err("unknown format '%s' (auto%s)", arg, names);
            return -1;
        }
        return 1;
    case 'm':
        if (ch_csvmap_parse(&o->map, arg, err, sizeof err)) {
            cli_err("--map: %s", err);
            return -1;
        }
        if (!o->reader)
            o->reader = ch_reader_find("csv");
        return 1;
    case 'S': o->strict = true; return 1;
    case 'q': o->quiet = true; return 1;
    case 'j': o->json = true; return 1;
    }
    return 0;
}

static void print_text(const chorus_corpus *c, const cli_input_opts *o, double secs)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    char a[32], b[32], d[32], e[32], g[32];
    uint64_t errors = 0;
    for (int r = 0; r < CH_R__COUNT; r++)
        errors += st->errors[r];
    printf("read %d input%s in %.2f s: %s records\n", o->ninputs, o->ninputs == 1 ? "" : "s",
           secs, cli_num(st->records, a));
    printf("posts       %s  (post %s, repost %s, reply %s, quote %s)\n",
           cli_num(chorus_corpus_posts(c), a), cli_num(st->posts_by_kind[CH_KIND_POST], b),
           cli_num(st->posts_by_kind[CH_KIND_REPOST], d),
           cli_num(st->posts_by_kind[CH_KIND_REPLY], e),
           cli_num(st->posts_by_kind[CH_KIND_QUOTE], g));
    printf("accounts    %s\n", cli_num(chorus_corpus_accounts(c), a));
    printf("duplicates  %s  (same post id seen again, kept once)\n", cli_num(st->duplicates, a));
    if (st->min_time != CH_UNKNOWN_I64) {
        char t0[48], t1[48];
        ch_time_format(st->min_time, t0);
        ch_time_format(st->max_time, t1);
        printf("time range  %s .. %s\n", t0, t1);
    }
    printf("skipped     %s", cli_num(errors, a));
    const char *sep = "  (";
    for (int r = 0; r < CH_R__COUNT; r++) {
        if (st->errors[r]) {
            printf("%s%s %s", sep, ch_reason_name((ch_reason)r), cli_num(st->errors[r], b));
            sep = ", ";
        }
    }
    printf("%s\n", errors ? ")" : "");
    if (st->unreadable_bytes)
        printf("unreadable  %s bytes  (damaged compressed data skipped)\n",
               cli_num(st->unreadable_bytes, a));
}

static void print_json(const chorus_corpus *c, const cli_input_opts *o, double secs)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    uint64_t errors = 0;
    for (int r = 0; r < CH_R__COUNT; r++)
        errors += st->errors[r];
    printf("{\"posts\":%zu,\"accounts\":%zu,\"records\":%llu,\"duplicates\":%llu,",
           chorus_corpus_posts(c), chorus_corpus_accounts(c), (unsigned long long)st->records,
           (unsigned long long)st->duplicates);
    printf("\"by_kind\":{");
    for (int k = 0; k < CH_KIND__COUNT; k++)
        printf("%s\"%s\":%llu", k ? "," : "", ch_kind_name((ch_kind)k),
               (unsigned long long)st->posts_by_kind[k]);
    printf("},\"errors\":%llu,\"errors_by_reason\":{", (unsigned long long)errors);
    int first = 1;
    for (int r = 0; r < CH_R__COUNT; r++) {
        if (st->errors[r]) {
            printf("%s\"%s\":%llu", first ? "" : ",", ch_reason_name((ch_reason)r),
                   (unsigned long long)st->errors[r]);
            first = 0;
        }
    }
    printf("},\"unreadable_bytes\":%llu", (unsigned long long)st->unreadable_bytes);
    if (st->min_time != CH_UNKNOWN_I64) {
        char t0[48], t1[48];
        ch_time_format(st->min_time, t0);
        ch_time_format(st->max_time, t1);
        printf(",\"first\":%lld,\"last\":%lld,\"first_iso\":\"%s\",\"last_iso\":\"%s\"",
               (long long)st->min_time, (long long)st->max_time, t0, t1);
    }
    printf(",\"inputs\":[");
    for (int i = 0; i < o->ninputs; i++) {
        if (i)
            putchar(',');
        cli_json_str(stdout, o->inputs[i]);
    }
    printf("],\"seconds\":%.3f}\n", secs);
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"map", required_argument, 0, 'm'},
        {"strict", no_argument, 0, 'S'},       {"quiet", no_argument, 0, 'q'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    cli_input_opts o;
    memset(&o, 0, sizeof o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:m:qjh", longopts, NULL)) != -1) {
        if (c == 'h') {
            help(stdout);
            return EXIT_OK;
        }
        int r = cli_input_option(c, optarg, &o);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0) {
            help(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_err("ingest: no input files (see 'chorus ingest --help')");
        return EXIT_USAGE;
    }
    o.inputs = (const char **)argv + optind;
    o.ninputs = argc - optind;
    chorus_corpus *corpus;
    if (chorus_corpus_new(&corpus)) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    cli_diag d = {.quiet = o.quiet, .limit = 20};
    double secs;
    int status = cli_read_inputs(corpus, &o, &d, &secs);
    if (o.json)
        print_json(corpus, &o, secs);
    else
        print_text(corpus, &o, secs);
    chorus_corpus_free(corpus);
    return status;
}
