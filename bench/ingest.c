/*
 * bench/ingest.c — ingest throughput and peak memory per file, against a baseline measured in
 * the same run: the time to merely read the lines and parse each with simdjson (JSON formats)
 * or to read the lines and validate their UTF-8 (CSV formats).
 *
 * usage: bench_ingest FILE [FORMAT]     (FORMAT as for chorus --format; default auto)
 * Each measurement runs in its own child process so peak RSS is its own.
 */
#include <stdbool.h>

#include "bench_util.h"
#include "chorus.h"
#include "core/json.h"
#include "ingest/ingest.h"

typedef struct job {
    const char *path;
    const ch_reader *reader;
    bool json;
} job;

static void parse_only(void *arg, bench_result *r)
{
    job *j = arg;
    char err[256];
    ch_input *in;
    if (ch_input_open(j->path, 0, &in, err, sizeof err))
        return;
    ch_json_parser *p = NULL;
    if (ch_json_parser_new(0, &p)) {
        ch_input_close(in);
        return;
    }
    double t0 = bench_now(), c0 = bench_cpu();
    const char *line;
    size_t len;
    uint64_t no;
    int rc;
    double items = 0, good = 0;
    while ((rc = ch_input_line(in, &line, &len, &no)) != CH_LINE_EOF) {
        if (rc != CH_LINE_OK)
            continue;
        items++;
        if (j->json) {
            ch_json_val root;
            if (ch_json_parse(p, line, len, true, &root, NULL) == CH_JSON_OK)
                good++;
        } else if (ch_json_validate_utf8(line, len)) {
            good++;
        }
    }
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->bytes = (double)ch_input_bytes(in);
    r->items = items;
    r->ok = good > 0;
    ch_json_parser_free(p);
    ch_input_close(in);
}

static void ingest(void *arg, bench_result *r)
{
    job *j = arg;
    chorus_corpus *c;
    if (chorus_corpus_new(&c))
        return;
    ch_ingest_opts o = {.reader = j->reader};
    double t0 = bench_now(), c0 = bench_cpu();
    int rc = ch_ingest_file(c, j->path, &o, NULL);
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = (double)chorus_corpus_posts(c);
    r->ok = rc == 0;
    /* bytes: re-measure the decompressed size cheaply from the line reader */
    ch_input *in;
    char err[256];
    if (ch_input_open(j->path, 0, &in, err, sizeof err) == 0) {
        const char *line;
        size_t len;
        uint64_t no;
        while (ch_input_line(in, &line, &len, &no) != CH_LINE_EOF)
            ;
        r->bytes = (double)ch_input_bytes(in);
        ch_input_close(in);
    }
    chorus_corpus_free(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ingest FILE [FORMAT]\n");
        return 2;
    }
    job j = {.path = argv[1]};
    if (argc > 2 && strcmp(argv[2], "auto") && !(j.reader = ch_reader_find(argv[2]))) {
        fprintf(stderr, "bench_ingest: unknown format '%s'\n", argv[2]);
        return 2;
    }
    /* The first bytes: to detect the format when none is named, and to choose the baseline
     * (a JSON format is compared with parsing each line with simdjson). */
    ch_input *in;
    char err[256];
    const char *data;
    size_t len;
    if (ch_input_open(j.path, 0, &in, err, sizeof err)) {
        fprintf(stderr, "bench_ingest: %s\n", err);
        return 1;
    }
    ch_input_peek(in, &data, &len);
    const ch_reader *f = j.reader ? j.reader : ch_ingest_sniff(data, len);
    size_t k = 0;
    while (k < len && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r' || data[k] == '\n'))
        k++;
    j.json = k < len && (data[k] == '{' || data[k] == '[');
    ch_input_close(in);
    if (!f) {
        fprintf(stderr, "bench_ingest: cannot tell the format of %s\n", j.path);
        return 1;
    }
    printf("file %s (format %s)\n", j.path, f->name);
    /* Alternate the two measurements and keep the fastest of each: on a shared machine the
     * minimum is the best estimate of the undisturbed cost. */
    int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 3;
    bench_result base = {0}, ing = {0};
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        bench_result b = bench_in_child(parse_only, &j);
        bench_result i = bench_in_child(ingest, &j);
        if (r == 0 || b.cpu < base.cpu)
            base = b;
        if (r == 0 || i.cpu < ing.cpu)
            ing = i;
    }
    printf("best of %d runs each:\n", reps > 0 ? reps : 1);
    bench_print(j.json ? "baseline: simdjson parse" : "baseline: lines + utf8", &base, "rec", NULL);
    bench_print("chorus ingest", &ing, "post", &base);
    if (!ing.ok) {
        fprintf(stderr, "bench_ingest: ingest failed\n");
        return 1;
    }
    return 0;
}
