/* cmd_match.c — `chorus match`: load statements, read posts, print one JSON line per post
 * that copies, excerpts or lightly paraphrases a statement, with the evidence spans. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"

/* Excerpts are cut to this many bytes (on a character boundary) and end with "…". */
#define EXCERPT_MAX 300

static void help(FILE *f)
{
    ch_parrot_params dp;
    ch_parrot_params_default(&dp);
    fprintf(f,
            "usage: chorus match -s STATEMENTS INPUT... [--threshold X] [--split] [--all]\n"
            "                    [--threads N] [--format FORMAT] [--map FIELD=COLUMN,...]\n"
            "                    [--strict] [--quiet]\n"
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
            "  --threads N       matching threads (default 1)\n"
            "  --format FORMAT   auto (default, per file), twitter-v1, twitter-v2, io-csv, csv,\n"
            "                    chorus\n"
            "  --map SPEC        column map for csv (see 'chorus ingest --help')\n"
            "  --strict          stop at the first bad record or statement (exit 1)\n"
            "  --quiet           no progress line, no per-record messages, no summary\n"
            "\n"
            "examples:\n"
            "  chorus match -s statements/ tweets.jsonl.gz > matches.jsonl\n"
            "  chorus match -s oped.md --split -s mfa.jsonl archive/*_tweets_csv_hashed.csv\n"
            "  chorus match -s statements.jsonl --threshold 0.8 posts.jsonl | jq .statement_id\n",
            dp.threshold);
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

static void print_row(const chorus_corpus *c, const ch_stmtset *set, const ch_parrot_row *r)
{
    const ch_pool *pool = ch_corpus_pool(c);
    const ch_post *p = ch_corpus_post(c, r->post);
    const ch_account *a = ch_corpus_account(c, p->account);
    const ch_statement *st = ch_stmtset_get(set, r->m.stmt);
    FILE *f = stdout;
    fputs("{\"post_id\":", f);
    cli_json_str(f, ch_pool_str(pool, p->id));
    fputs(",\"account_id\":", f);
    cli_json_str(f, ch_pool_str(pool, a->id));
    fputs(",\"handle\":", f);
    if (a->handle)
        cli_json_str(f, ch_pool_str(pool, a->handle));
    else
        fputs("null", f);
    fputs(",\"statement_id\":", f);
    cli_json_str(f, st->id);
    fprintf(f, ",\"similarity\":%.3f,\"post_start\":%u,\"post_end\":%u,\"stmt_start\":%u,"
               "\"stmt_end\":%u,\"post_excerpt\":",
            r->m.similarity, r->m.post_start, r->m.post_end, r->m.stmt_start, r->m.stmt_end);
    json_excerpt(f, p->text + r->m.post_start, r->m.post_end - r->m.post_start);
    fputs(",\"stmt_excerpt\":", f);
    json_excerpt(f, st->text + r->m.stmt_start, r->m.stmt_end - r->m.stmt_start);
    fprintf(f, ",\"before_publication\":%s,\"created_at\":%lld,\"segments\":[",
            r->before_publication < 0 ? "null" : r->before_publication ? "true" : "false",
            (long long)p->created_at);
    for (uint32_t i = 0; i < r->m.nseg; i++)
        fprintf(f, "%s[%u,%u,%u,%u]", i ? "," : "", r->m.seg[i].post_start,
                r->m.seg[i].post_end, r->m.seg[i].stmt_start, r->m.seg[i].stmt_end);
    fputs("]}\n", f);
}

int cmd_match(int argc, char **argv)
{
    enum { O_THRESHOLD = 1000, O_SPLIT, O_ALL, O_THREADS };
    static const struct option longopts[] = {
        {"statements", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
        {"map", required_argument, 0, 'm'},        {"strict", no_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'},            {"help", no_argument, 0, 'h'},
        {"threshold", required_argument, 0, O_THRESHOLD},
        {"split", no_argument, 0, O_SPLIT},        {"all", no_argument, 0, O_ALL},
        {"threads", required_argument, 0, O_THREADS},
        {0, 0, 0, 0},
    };
    cli_input_opts o;
    memset(&o, 0, sizeof o);
    ch_parrot_params params;
    ch_parrot_params_default(&params);
    const char **stmt_paths = ch_calloc((size_t)argc + 1, sizeof *stmt_paths);
    if (!stmt_paths) {
        cli_err("out of memory");
        return EXIT_RUNTIME;
    }
    int nstmt_paths = 0, status = EXIT_OK;
    bool split = false, all = false;
    unsigned threads = 1;
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:f:m:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            help(stdout);
            ch_free(stmt_paths);
            return EXIT_OK;
        case 's':
            stmt_paths[nstmt_paths++] = optarg;
            continue;
        case O_THRESHOLD:
            params.threshold = strtod(optarg, &end);
            if (*end || end == optarg || !(params.threshold > 0 && params.threshold <= 1)) {
                cli_err("match: --threshold must be a number in (0, 1], not '%s'", optarg);
                ch_free(stmt_paths);
                return EXIT_USAGE;
            }
            continue;
        case O_SPLIT: split = true; continue;
        case O_ALL: all = true; continue;
        case O_THREADS: {
            long t = strtol(optarg, &end, 10);
            if (*end || end == optarg || t < 1 || t > 256) {
                cli_err("match: --threads must be 1..256, not '%s'", optarg);
                ch_free(stmt_paths);
                return EXIT_USAGE;
            }
            threads = (unsigned)t;
            continue;
        }
        }
        int r = cli_input_option(c, optarg, &o);
        if (r <= 0) {
            if (r == 0)
                help(stderr);
            ch_free(stmt_paths);
            return EXIT_USAGE;
        }
    }
    if (nstmt_paths == 0) {
        cli_err("match: no statements (-s FILE|DIR; see 'chorus match --help')");
        ch_free(stmt_paths);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_err("match: no input files (see 'chorus match --help')");
        ch_free(stmt_paths);
        return EXIT_USAGE;
    }
    o.inputs = (const char **)argv + optind;
    o.ninputs = argc - optind;

    double t0 = cli_now();
    ch_stmtset *set = NULL;
    chorus_corpus *corpus = NULL;
    ch_parrot_index *ix = NULL;
    ch_parrot_result res;
    memset(&res, 0, sizeof res);
    if (ch_stmtset_new(&set) || chorus_corpus_new(&corpus)) {
        cli_err("out of memory");
        status = EXIT_RUNTIME;
        goto out;
    }
    /* statements first: a typo in -s should fail before a long read */
    cli_diag sd = {.quiet = o.quiet, .limit = 20};
    ch_stmt_opts so = {.split = split, .strict = o.strict, .diag = cli_diag_cb, .diag_ctx = &sd};
    for (int i = 0; i < nstmt_paths; i++) {
        int rc = ch_stmtset_load(set, stmt_paths[i], &so);
        cli_diag_flush(&sd);
        if (rc == CHORUS_EPARSE && o.strict) {
            cli_err("stopping at the first bad statement (--strict)");
            status = EXIT_RUNTIME;
            goto out;
        }
        if (rc == CHORUS_ENOMEM) {
            cli_err("%s: out of memory", stmt_paths[i]);
            status = EXIT_RUNTIME;
            goto out;
        }
        if (rc)
            status = EXIT_RUNTIME; /* reported; go on with what could be read */
    }
    if (ch_stmtset_count(set) == 0) {
        cli_err("match: no statements loaded");
        status = EXIT_RUNTIME;
        goto out;
    }
    int rc = ch_parrot_build(set, &params, &ix);
    if (rc) {
        cli_err("match: cannot index the statements: %s", chorus_strerror((chorus_err)rc));
        status = EXIT_RUNTIME;
        goto out;
    }
    cli_diag d = {.quiet = o.quiet, .limit = 20};
    double read_s;
    int st = cli_read_inputs(corpus, &o, &d, &read_s);
    if (st != EXIT_OK) {
        status = st;
        if (o.strict)
            goto out;
    }
    double tm = cli_now();
    ch_parrot_corpus_opts co = {.threads = threads,
                                .max_per_post = all ? params.max_candidates : 1};
    rc = ch_parrot_match_corpus(ix, corpus, &co, &res);
    if (rc) {
        cli_err("match: %s", chorus_strerror((chorus_err)rc));
        status = EXIT_RUNTIME;
        goto out;
    }
    double match_s = cli_now() - tm;
    for (size_t i = 0; i < res.nrows; i++)
        print_row(corpus, set, &res.rows[i]);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_err("match: cannot write the output");
        status = EXIT_RUNTIME;
    }
    if (!o.quiet) {
        char a[32], b[32], e[32], g[32];
        fprintf(stderr,
                "chorus: match: %s posts read, %s matched (%s repost%s of matched posts not "
                "counted again), %s statements (index %.1f MB) in %.2f s (matching %.2f s)\n",
                cli_num(chorus_corpus_posts(corpus), a), cli_num(res.posts_matched, b),
                cli_num(res.reposts_of_matched, e), res.reposts_of_matched == 1 ? "" : "s",
                cli_num(ch_stmtset_count(set), g),
                (double)ch_parrot_bytes(ix) / 1e6, cli_now() - t0, match_s);
    }
out:
    ch_parrot_result_free(&res);
    ch_parrot_free(ix);
    chorus_corpus_free(corpus);
    ch_stmtset_free(set);
    ch_free(stmt_paths);
    return status;
}
