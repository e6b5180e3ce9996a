/*
 * cmd_scan.c — `chorus scan`: the main job. Reads the inputs, matches posts to statements,
 * clusters near-duplicate posts into narratives, finds co-actions, builds the account network
 * and its clusters, scores every account, and writes the results database.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: chorus scan INPUT... [-s STATEMENTS]... [-o chorus.db] [--report FILE]\n"
            "                   [--window auto|SECONDS|BEHAVIOUR=SECONDS,...] [--format FORMAT]\n"
            "                   [--map SPEC] [--behaviours LIST] [--min-events N] [--fdr Q]\n"
            "                   [--match-threshold X] [--compat coortweet|cnt]\n"
            "                   [--split] [--threads N] [--memory LIMIT] [--force] [--strict]\n"
            "                   [--quiet]\n"
            "                   [--json] [--progress auto|bar|plain|none]\n"
            "\n"
            "Finds accounts that act in concert and posts that parrot statements, scores every\n"
            "account, and writes everything to a SQLite results database.\n"
            "\n"
            "  -s, --statements PATH  statements to match (.txt/.md file, .jsonl, or a directory);\n"
            "                         repeatable; without it, co-actions only\n"
            "  --split                .txt/.md statements: one statement per paragraph\n"
            "  -o, --output PATH      results database (default chorus.db); written to a\n"
            "                         temporary file and renamed into place\n"
            "  --report FILE          also write the HTML report (as 'chorus report')\n"
            "  --force                replace an existing -o or --report file that chorus did\n"
            "                         not write (never an input or statements file)\n"
            "  --window auto|SECONDS  co-action window (default auto: estimated from the data);\n"
            "                         BEHAVIOUR=SECONDS entries give a behaviour its own window\n"
            "                         (--window repost=60,link=600; --window 60,link=600)\n"
            "  --behaviours LIST      co-action behaviours to look at, comma-separated: repost,\n"
            "                         reply, quote, link, hashtag, narrative, statement,\n"
            "                         mention, like, thread (default all)\n"
            "  --min-events N         an edge needs N distinct shared objects (default 1; it\n"
            "                         also needs 2 repeated co-actions, min_units); under\n"
            "                         --compat: min_participation / min_edge_weight (2)\n"
            "  --fdr Q                only edges significant at false discovery rate Q\n"
            "                         (Benjamini-Hochberg) reach the network\n"
            "  --match-threshold X    minimum similarity of a post to a statement (default 0.60)\n"
            "  --compat coortweet|cnt reproduce CooRTweet 2.1.3's or the Coordination Network\n"
            "                         Toolkit's network instead of chorus's tests (default\n"
            "                         window: 10 s / 1 s, as the tools); docs/coordination.md\n"
            "  --similarity X         --compat cnt: co_similar_tweet's Jaccard threshold (0.8)\n"
            "  --threads N            worker threads (default 0: all cores); results do not\n"
            "                         depend on it\n"
            "  --memory LIMIT         memory budget of the scan, as 2G, 500M or bytes (default\n"
            "                         auto: half the physical memory); past half of it, post\n"
            "                         texts go to a temporary file in $TMPDIR (or /tmp) mapped\n"
            "                         back, and narrative sketches and co-action events past\n"
            "                         their shares; results do not depend on it (docs/scale.md)\n"
            "  --quiet                no progress, no per-record messages, no summary (errors\n"
            "                         and warnings still go to stderr)\n"
            "  --json                 the summary as one JSON object on stdout\n"
            "  --progress MODE        auto (default: bar on a terminal, else plain), bar,\n"
            "                         plain (one line per input and stage: for logs, nohup,\n"
            "                         CI and Jupyter's !chorus), none\n"
            "  --format, --preset, --map, --time-format, --strict\n"
            "                         as for 'chorus ingest'\n"
            "\n"
            "examples:\n"
            "  chorus scan tweets.jsonl.gz -s statements/ -o results.db\n"
            "  chorus scan archive.csv --window 60 --json\n"
            "  chorus scan russian_coord_tweets.csv --compat coortweet --window 60\n"
            "  chorus inspect results.db            # then look at the evidence\n");
}

enum { O_BEHAVIOURS = 0x100, O_MIN_EVENTS, O_FDR, O_MATCH_THRESHOLD, O_COMPAT, O_SIMILARITY,
       O_MEMORY };

typedef struct scan_opts {
    cli_input_opts in;
    const char *out;
    const char *report;   /* --report FILE, or NULL */
    bool has_statements;  /* -s given */
} scan_opts;

/* Parses the flags into o and the scan's options; statements are added once every flag is
 * known (--split applies to every -s). Returns EXIT_OK, EXIT_USAGE, or -1 after --help. */
static int parse_args(int argc, char **argv, chorus_scan *s, scan_opts *o, const char **stmts)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"map", required_argument, 0, 'm'},
        {"preset", required_argument, 0, 'f'}, {"time-format", required_argument, 0, 'T'},
        {"strict", no_argument, 0, 'S'},       {"quiet", no_argument, 0, 'q'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        CLI_PROGRESS_LONGOPT,
        {"statements", required_argument, 0, 's'}, {"output", required_argument, 0, 'o'},
        {"window", required_argument, 0, 'w'}, {"threads", required_argument, 0, 't'},
        {"split", no_argument, 0, 'P'},        {"report", required_argument, 0, 'R'},
        {"behaviours", required_argument, 0, O_BEHAVIOURS},
        {"min-events", required_argument, 0, O_MIN_EVENTS},
        {"fdr", required_argument, 0, O_FDR},
        {"match-threshold", required_argument, 0, O_MATCH_THRESHOLD},
        {"compat", required_argument, 0, O_COMPAT},
        {"similarity", required_argument, 0, O_SIMILARITY},
        {"memory", required_argument, 0, O_MEMORY},
        {"force", no_argument, 0, 'F'},
        {0, 0, 0, 0},
    };
    /* long-only flags and the option keys they set */
    static const char *const keys[] = {
        [O_BEHAVIOURS - O_BEHAVIOURS] = "behaviours", [O_MIN_EVENTS - O_BEHAVIOURS] = "min_events",
        [O_FDR - O_BEHAVIOURS] = "fdr", [O_MATCH_THRESHOLD - O_BEHAVIOURS] = "threshold",
        [O_COMPAT - O_BEHAVIOURS] = "compat", [O_SIMILARITY - O_BEHAVIOURS] = "similarity",
        [O_MEMORY - O_BEHAVIOURS] = "memory",
    };
    memset(o, 0, sizeof *o);
    o->out = "chorus.db";
    bool split = false;
    int c, nstmts = 0;
    optind = 1;
    int optidx = 0;
    while ((c = getopt_long(argc, argv, "f:m:qjhs:o:", longopts, &optidx)) != -1) {
        int r = cli_input_option(s, "scan", c, optarg, &o->in);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (c) {
        case 'h': help(stdout); return -1;
        case 's':
            o->has_statements = true;
            stmts[nstmts++] = optarg;   /* added below, once --split is known */
            break;
        case 'o': o->out = optarg; break;
        case 'P': split = true; break;
        case 'w':
            if (cli_set(s, "scan", "window", optarg))
                return EXIT_USAGE;
            break;
        case 't':
            if (cli_set(s, "scan", "threads", optarg))
                return EXIT_USAGE;
            break;
        case 'F':
            if (cli_set(s, "scan", "force", "true"))
                return EXIT_USAGE;
            break;
        case 'R':
            o->report = optarg;
            if (cli_set(s, "scan", "report", optarg))
                return EXIT_USAGE;
            break;
        case O_BEHAVIOURS:
        case O_MIN_EVENTS:
        case O_FDR:
        case O_MATCH_THRESHOLD:
        case O_COMPAT:
        case O_SIMILARITY:
        case O_MEMORY:
            /* the message names the flag, not the key (--min-events for min_events) */
            if (chorus_scan_set(s, keys[c - O_BEHAVIOURS], optarg) != CHORUS_OK) {
                const char *m = chorus_scan_error(s)->message;
                const size_t k = strlen(keys[c - O_BEHAVIOURS]);
                cli_err("scan: --%s%s", longopts[optidx].name,
                        strncmp(m, keys[c - O_BEHAVIOURS], k) ? m : m + k);
                return EXIT_USAGE;
            }
            break;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_err("scan: no input files (see 'chorus scan --help')");
        return EXIT_USAGE;
    }
    for (int i = 0; i < nstmts; i++) {
        if (chorus_scan_add_statements(s, stmts[i], split) != CHORUS_OK) {
            cli_err("scan: %s", chorus_scan_error(s)->message);
            return EXIT_USAGE;
        }
    }
    if (cli_add_inputs(s, "scan", argc, argv, optind))
        return EXIT_USAGE;
    return EXIT_OK;
}

/* ---- summary ---------------------------------------------------------------------------- */

static void print_summary(chorus_scan *s, const scan_opts *o)
{
    char a[32], b[32];
    if (o->in.json) {
        const char *j = chorus_scan_summary_json(s);
        if (j)
            printf("%s\n", j);
        return;
    }
    double total = 0;
    (void)chorus_scan_seconds(s, NULL, &total);
    int64_t nclusters = cli_count(s, "clusters"), window_long = cli_count(s, "window_long.repost");
    cli_print_inputs(s, "inputs       ");
    printf("posts        %s from %s accounts (%s bad records skipped)\n",
           cli_num((uint64_t)cli_count(s, "posts"), a),
           cli_num((uint64_t)cli_count(s, "accounts"), b),
           cli_num((uint64_t)cli_count(s, "errors"), (char[32]){0}));
    int64_t unreadable = cli_count(s, "unreadable_bytes");
    if (unreadable)
        printf("unreadable   %s bytes of damaged compressed input skipped\n",
               cli_num((uint64_t)unreadable, a));
    if (o->has_statements)
        printf("parroting    %s posts match %lld statements (%s matches)\n",
               cli_num((uint64_t)cli_count(s, "posts_matched"), a),
               (long long)cli_count(s, "statements"),
               cli_num((uint64_t)cli_count(s, "matches"), b));
    printf("narratives   %s groups of near-identical posts\n",
           cli_num((uint64_t)cli_count(s, "narratives"), a));
    /* a pair is two accounts, whatever they did together (the report counts the same way);
     * a link is one pair and one behaviour */
    char w0[32], w1[32];
    printf("co-actions   %s account pairs acting together (%s links of a pair and a behaviour; "
           "%s screened, %s significant on their own; window %s",
           cli_num((uint64_t)cli_count(s, "pairs"), a),
           cli_num((uint64_t)cli_count(s, "edges"), b),
           cli_num((uint64_t)cli_count(s, "edges_screened"), (char[32]){0}),
           cli_num((uint64_t)cli_count(s, "edges_significant"), (char[32]){0}),
           chorus_duration_format((double)cli_count(s, "window"), w0, sizeof w0));
    if (window_long)
        printf(", second look %s", chorus_duration_format((double)window_long, w1, sizeof w1));
    printf(")\n");
    printf("graph        %s account pairs among %s accounts\n",
           cli_num((uint64_t)cli_count(s, "pairs"), a),
           cli_num((uint64_t)cli_count(s, "paired_accounts"), b));
    printf("clusters     %s coordinated clusters, %s accounts; %s accounts score >= %.2f\n",
           cli_num((uint64_t)nclusters, a), cli_num((uint64_t)cli_count(s, "clustered_accounts"), b),
           cli_num((uint64_t)cli_count(s, "flagged_accounts"), (char[32]){0}), CHORUS_SCORE_FLAG);
    for (int64_t k = 0; k < nclusters && k < 5; k++) {
        chorus_cluster cl;
        if (chorus_scan_cluster(s, (size_t)k, &cl) == CHORUS_OK)
            printf("  #%lld  score %.2f  %s\n", (long long)k, cl.score, cl.summary);
    }
    if (nclusters > 5)
        printf("  ... %lld more\n", (long long)(nclusters - 5));
    printf("results      %s  (%.1f s; see: chorus inspect %s)\n", o->out, total, o->out);
}

/* ---- the job ---------------------------------------------------------------------------- */

static int scan_main(int argc, char **argv, int rank);

/* Under an MPI launcher (`mpirun -n N chorus scan ...`) every rank runs the same command:
 * rank 0 prints and writes as usual; the others only help read the inputs and stay silent. */
int cmd_scan(int argc, char **argv)
{
    int rank = 0, nranks = 1;
    if (chorus_dist_init(&rank, &nranks) != CHORUS_OK) {
        cli_err("scan: cannot join the MPI job");
        return EXIT_RUNTIME;
    }
    int status = scan_main(argc, argv, rank);
    /* what the job cost the network, rank by rank (docs/scale.md) */
    if (nranks > 1 && getenv("CHORUS_DIST_STATS"))
        fprintf(stderr, "chorus: rank %d of %d sent %llu bytes\n", rank, nranks,
                (unsigned long long)chorus_dist_bytes_sent());
    chorus_dist_finish();
    return status;
}

static int scan_main(int argc, char **argv, int rank)
{
    chorus_scan *s;
    if (chorus_scan_new(&s)) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    scan_opts o;
    const char **stmts = calloc((size_t)argc + 1, sizeof *stmts);   /* the -s paths */
    int status = stmts ? parse_args(argc, argv, s, &o, stmts) : EXIT_RUNTIME;
    free(stmts);
    if (status != EXIT_OK) {
        if (status == EXIT_RUNTIME)
            cli_err("out of memory");
        chorus_scan_free(s);
        return status < 0 ? EXIT_OK : status;
    }
    if (rank != 0)
        o.in.quiet = true;
    cli_diag d = {.quiet = o.in.quiet, .limit = 20};
    cli_progress prog;
    cli_progress_init(&prog, s, &d, o.in.progress, o.in.quiet, "scan");
    prog.stages = true;
    prog.warn_empty = true;
    chorus_scan_set_diag(s, cli_diag_cb, &d);
    chorus_scan_set_progress(s, cli_progress_cb, &prog);
    chorus_err rc = chorus_scan_run(s, o.out);
    cli_progress_end(&prog);
    if (rc) {
        status = cli_job_failed(s, "scan");
        goto out;
    }
    if (rank != 0)
        goto out;
    if (!o.in.quiet || o.in.json)
        print_summary(s, &o);
    if (o.report && !o.in.json && !o.in.quiet)
        printf("report       %s  (open it in a browser)\n", o.report);
    /* inputs that could not be read were reported; the results cover the others */
    if (cli_inputs_status(s) != EXIT_OK) {
        cli_err("some inputs could not be read (see above): the results cover the others");
        status = EXIT_RUNTIME;
    }
out:
    chorus_scan_free(s);
    return status;
}
