/* cmd_match.c — `chorus match`: load statements, read posts, print one JSON line per post
 * that copies, excerpts or lightly paraphrases a statement, with the evidence spans. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Excerpts are cut to this many bytes (on a character boundary) and end with "…". */
#define EXCERPT_MAX 300

static void help(FILE *f)
{
    const chorus_option_info *th = chorus_option_find("threshold");
    fprintf(f,
            "usage: chorus match -s STATEMENTS INPUT... [--threshold X] [--split] [--all]\n"
            "                    [--threads N] [--format FORMAT] [--map FIELD=COLUMN,...]\n"
            "                    [--strict] [--quiet] [--progress MODE]\n"
            "\n"
            "Finds posts that copy, excerpt or lightly paraphrase official statements and prints\n"
            "one JSON line per match on stdout, in input order:\n"
            "  {\"post_id\",\"account_id\",\"handle\",\"statement_id\",\"similarity\",\n"
            "   \"post_start\",\"post_end\",\"stmt_start\",\"stmt_end\",\"post_excerpt\",\n"
            "   \"stmt_excerpt\",\"before_publication\",\"created_at\",\"segments\"}\n"
            "Offsets are UTF-8 byte offsets into the post text and the statement text (for\n"
            "Markdown, the text after markup removal); [start, end) covers every aligned\n"
            "segment, and \"segments\" lists them as [post_start, post_end, stmt_start, stmt_end]\n"
            "(several when sentences or clauses were reordered). similarity is the share of the\n"
            "post found in the statement (0..1). before_publication is true when the post is\n"
            "older than the statement, null when the statement has no date. created_at is Unix\n"
            "seconds.\n"
            "A repost of a post in the inputs is attributed to that post and not printed again.\n"
            "A summary goes to stderr.\n"
            "\n"
            "  -s, --statements PATH  statements: a .txt or .md file (one statement, id = file\n"
            "                    name), a .jsonl file ({\"id\",\"source\",\"published_at\",\n"
            "                    \"lang\",\"text\"} per line) or a directory of them; repeatable\n"
            "  --split           .txt/.md: one statement per paragraph (ids NAME#1, NAME#2, ...)\n"
            "  --threshold X     minimum similarity, 0 < X <= 1 (default %.2f)\n"
            "  --all             every matching statement per post, not only the best\n"
            "  --threads N       matching threads (default 1; 0 = all cores)\n"
            "  --format FORMAT   auto (default, per file) or a format of 'chorus formats'\n"
            "  --preset, --time-format   as for 'chorus ingest'\n"
            "  --map SPEC        column map for csv (see 'chorus ingest --help')\n"
            "  --strict          stop at the first bad record or statement (exit 1)\n"
            "  --quiet           no progress, no per-record messages, no summary\n"
            "  --progress MODE   auto (default: bar on a terminal, else plain), bar, plain\n"
            "                    (one line per input and stage, for logs), none\n"
            "\n"
            "examples:\n"
            "  chorus match -s statements/ tweets.jsonl.gz > matches.jsonl\n"
            "  chorus match -s oped.md --split -s mfa.jsonl archive/*_tweets_csv_hashed.csv\n"
            "  chorus match -s statements.jsonl --threshold 0.8 posts.jsonl | jq .statement_id\n",
            th ? strtod(th->default_value, NULL) : 0.0);
}

/* JSON string of s[0..n), cut to EXCERPT_MAX bytes on a character boundary. */
static void json_excerpt(FILE *f, const char *s, size_t n)
{
    bool cut = false;
    if (n > EXCERPT_MAX) {
        n = EXCERPT_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = true;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    if (cut)
        fputs("\xE2\x80\xA6", f);
    fputc('"', f);
}

static int print_row(void *ctx, const chorus_match *m)
{
    FILE *f = ctx;
    fputs("{\"post_id\":", f);
    cli_json_str(f, m->post_id);
    fputs(",\"account_id\":", f);
    cli_json_str(f, m->account_id);
    fputs(",\"handle\":", f);
    if (m->handle)
        cli_json_str(f, m->handle);
    else
        fputs("null", f);
    fputs(",\"statement_id\":", f);
    cli_json_str(f, m->statement_id);
    fprintf(f, ",\"similarity\":%.3f,\"post_start\":%lld,\"post_end\":%lld,\"stmt_start\":%lld,"
               "\"stmt_end\":%lld,\"post_excerpt\":",
            m->similarity, (long long)m->post_start, (long long)m->post_end,
            (long long)m->stmt_start, (long long)m->stmt_end);
    json_excerpt(f, m->post_text + m->post_start, (size_t)(m->post_end - m->post_start));
    fputs(",\"stmt_excerpt\":", f);
    json_excerpt(f, m->statement_text + m->stmt_start, (size_t)(m->stmt_end - m->stmt_start));
    fprintf(f, ",\"before_publication\":%s,\"created_at\":%lld,\"segments\":[",
            m->before_publication < 0 ? "null" : m->before_publication ? "true" : "false",
            (long long)m->created_at);
    for (size_t i = 0; i < m->nsegments; i++)
        fprintf(f, "%s[%lld,%lld,%lld,%lld]", i ? "," : "", (long long)m->segments[i].post_start,
                (long long)m->segments[i].post_end, (long long)m->segments[i].stmt_start,
                (long long)m->segments[i].stmt_end);
    fputs("]}\n", f);
    /* the output is gone (a full disk, a closed pipe): stop; main says why and exits 1 */
    return cli_stdout_failed(f);
}

int cmd_match(int argc, char **argv)
{
    enum { O_THRESHOLD = 1000, O_SPLIT, O_ALL, O_THREADS };
    static const struct option longopts[] = {
        {"statements", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
        {"map", required_argument, 0, 'm'},
        {"preset", required_argument, 0, 'f'}, {"time-format", required_argument, 0, 'T'},
        {"strict", no_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'},            {"help", no_argument, 0, 'h'},
        CLI_PROGRESS_LONGOPT,
        {"threshold", required_argument, 0, O_THRESHOLD},
        {"split", no_argument, 0, O_SPLIT},        {"all", no_argument, 0, O_ALL},
        {"threads", required_argument, 0, O_THREADS},
        {0, 0, 0, 0},
    };
    chorus_scan *s = NULL;
    const char **stmt_paths = calloc((size_t)argc + 1, sizeof *stmt_paths);
    if (!stmt_paths || chorus_scan_new(&s)) {
        cli_err("out of memory");
        free(stmt_paths);
        return EXIT_RUNTIME;
    }
    cli_input_opts o = {0};
    int nstmt_paths = 0, status = EXIT_OK;
    bool split = false;
    int c;
    optind = 1;
    /* matching runs on the calling thread unless --threads says otherwise */
    if (cli_set(s, "match", "threads", "1")) {
        status = EXIT_RUNTIME;
        goto out;
    }
    while ((c = getopt_long(argc, argv, "s:f:m:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            help(stdout);
            goto out;
        case 's':
            stmt_paths[nstmt_paths++] = optarg;
            continue;
        case O_THRESHOLD:
            if (cli_set(s, "match", "threshold", optarg)) {
                status = EXIT_USAGE;
                goto out;
            }
            continue;
        case O_SPLIT: split = true; continue;
        case O_ALL:
            if (cli_set(s, "match", "all_matches", "true")) {
                status = EXIT_USAGE;
                goto out;
            }
            continue;
        case O_THREADS:
            if (cli_set(s, "match", "threads", optarg)) {
                status = EXIT_USAGE;
                goto out;
            }
            continue;
        }
        int r = cli_input_option(s, "match", c, optarg, &o);
        if (r <= 0) {
            if (r == 0)
                help(stderr);
            status = EXIT_USAGE;
            goto out;
        }
    }
    if (nstmt_paths == 0) {
        cli_err("match: no statements (-s FILE|DIR; see 'chorus match --help')");
        status = EXIT_USAGE;
        goto out;
    }
    if (optind >= argc) {
        cli_err("match: no input files (see 'chorus match --help')");
        status = EXIT_USAGE;
        goto out;
    }
    for (int i = 0; i < nstmt_paths; i++) {
        if (chorus_scan_add_statements(s, stmt_paths[i], split) != CHORUS_OK) {
            cli_err("match: %s", chorus_scan_error(s)->message);
            status = EXIT_USAGE;
            goto out;
        }
    }
    if (cli_add_inputs(s, "match", argc, argv, optind)) {
        status = EXIT_USAGE;
        goto out;
    }

    cli_diag d = {.quiet = o.quiet, .limit = 20};
    cli_progress prog;
    cli_progress_init(&prog, s, &d, o.progress, o.quiet, "match");
    chorus_scan_set_diag(s, cli_diag_cb, &d);
    chorus_scan_set_progress(s, cli_progress_cb, &prog);
    chorus_err rc = chorus_scan_match(s, print_row, stdout);
    cli_progress_end(&prog);
    if (rc) {
        status = cli_job_failed(s, "match");
        goto out;
    }
    /* statements or inputs that could not be read were reported; the matches cover the rest */
    status = cli_inputs_status(s);
    if (status == EXIT_OK && cli_count(s, "statements_failed") > 0)
        status = EXIT_RUNTIME;
    /* a failed write to standard output is main's to report (cli_finish_stdout) */
    if (!o.quiet) {
        char a[32], b[32], e[32], g[32];
        int64_t reposts = cli_count(s, "reposts_of_matched");
        double total = 0, matching = 0;
        (void)chorus_scan_seconds(s, NULL, &total);
        (void)chorus_scan_seconds(s, "match", &matching);
        fprintf(stderr,
                "chorus: match: %s posts read, %s matched (%s repost%s of matched posts not "
                "counted again), %s statements (index %.1f MB) in %.2f s (matching %.2f s)\n",
                cli_num((uint64_t)cli_count(s, "posts"), a),
                cli_num((uint64_t)cli_count(s, "posts_matched"), b),
                cli_num((uint64_t)reposts, e), reposts == 1 ? "" : "s",
                cli_num((uint64_t)cli_count(s, "statements"), g),
                (double)cli_count(s, "index_bytes") / 1e6, total, matching);
    }
out:
    chorus_scan_free(s);
    free(stmt_paths);
    return status;
}
