/*
 * helpers.h — helpers the unit tests share, most of them for the readers' tests. CMake builds
 * every tests/unit/test_*.c as its own program, so these are static functions in a header
 * rather than a library; `inline` keeps the compiler quiet about those a test does not use.
 *
 *   diag_log, on_diag        the diagnostics of an ingest run (first 64 kept, all counted)
 *   diags, collect           the same for the CSV reader tests (first 32 kept and counted)
 *   run_reader               one reader over a memory buffer, as the ingest driver runs it
 *   READER_RUNNERS           run and run_str: run_reader for one reader, over bytes or a string
 *   run_failing_from         one step of an allocation-failure sweep over a reader
 *   slurp                    a whole file into memory
 *   tweepy_bodies            the response bodies of a recorded tweepy cassette, as JSONL
 *   S, index_of, post, author  corpus lookups (a missing post fails the test)
 *   str, post_by_id          the same lookups as the CSV reader tests spell them
 */
#ifndef CHORUS_TEST_HELPERS_H
#define CHORUS_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "core/post.h"
#include "ingest/ingest.h"

/* ---- diagnostics -------------------------------------------------------------------------- */

typedef struct diag_log {
    int n;
    uint64_t line[64];
    ch_reason reason[64];
    char msg[64][200];
} diag_log;

static inline void on_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                           const char *msg)
{
    (void)file;
    diag_log *d = ctx;
    if (d->n < 64) {
        d->line[d->n] = line;
        d->reason[d->n] = reason;
        snprintf(d->msg[d->n], sizeof d->msg[0], "%s", msg);
    }
    d->n++;
}

typedef struct diags {
    size_t n;
    struct { uint64_t line; ch_reason reason; char msg[200]; } d[32];
} diags;

static inline void collect(void *ctx, const char *file, uint64_t line, ch_reason reason,
                           const char *msg)
{
    diags *g = ctx;
    (void)file;
    if (g->n < 32) {
        g->d[g->n].line = line;
        g->d[g->n].reason = reason;
        snprintf(g->d[g->n].msg, sizeof g->d[g->n].msg, "%s", msg);
        g->n++;
    }
}

/* ---- running a reader --------------------------------------------------------------------- */

/* Runs `reader` over data[0..len) into c, as the driver runs it over a file named
 * "mem.jsonl". Returns the reader's result, or the error of opening the
 * input or registering the file. */
static inline int run_reader(const ch_reader *reader, ch_corpus *c,
                             const void *data, size_t len, size_t max_line, bool strict,
                             diag_log *log)
{
    ch_ingest_opts opts = {.reader = reader, .strict = strict, .max_line = max_line,
                           .diag = on_diag, .diag_ctx = log};
    ch_input *in;
    int rc = ch_input_open_mem(data, len, max_line, &in);
    if (rc)
        return rc;
    uint32_t file;
    if ((rc = ch_corpus_add_file(c, "mem.jsonl", &file)) ||
        (rc = ch_corpus_file_platform(c, file, reader->platform))) {
        ch_input_close(in);
        return rc;
    }
    ch_ingest_ctx ctx = {.corpus = c, .opts = &opts, .fname = "mem.jsonl", .file = file,
                         .in = in};
    rc = reader->read(&ctx);
    ch_input_close(in);
    return rc;
}

/* Defines, in the test of one reader, run (that reader (a ch_reader) reading data[0..len) into
 * c, as run_reader) and run_str (over a C string, no line limit, not strict). */
#define READER_RUNNERS(reader)                                                          \
    static int run(ch_corpus *c, const void *data, size_t len, size_t max_line, bool strict,   \
                   diag_log *log)                                                               \
    {                                                                                           \
        return run_reader(&reader, c, data, len, max_line, strict, log);                 \
    }                                                                                           \
                                                                                                \
    static int run_str(ch_corpus *c, const char *s, diag_log *log)                              \
    {                                                                                           \
        return run(c, s, strlen(s), 0, false, log);                                             \
    }

/* One step of an allocation-failure sweep: a new corpus, run_str over text with the nth
 * allocation and every one after it failing. False if the corpus could not be made; else the
 * reader's result in *rc and the number of posts read in *nposts, and the corpus is freed. */
static inline bool run_failing_from(uint64_t nth,
                                    int (*run_str)(ch_corpus *, const char *, diag_log *),
                                    const char *text, int *rc, size_t *nposts)
{
    ch_corpus *c;
    if (chorus_corpus_new(&c) != CHORUS_OK)
        return false;
    diag_log log = {0};
    ch_alloc_fail_after(nth);
    *rc = run_str(c, text, &log);
    ch_alloc_fail_after(0);
    *nposts = ch_corpus_nposts(c);
    chorus_corpus_free(c);
    return true;
}

/* ---- test data ---------------------------------------------------------------------------- */

/* Skips the running test, saying why, when `path` names a file of the shared sample data
 * (CHORUS_SHARED_DATA) that is absent: a clone on its own passes without it. Other paths are
 * left to the test. */
static inline void require_shared(const char *path)
{
    const size_t n = strlen(CHORUS_SHARED_DATA);
    if (strncmp(path, CHORUS_SHARED_DATA, n) == 0 && access(path, R_OK) != 0) {
        print_message("skipped: %s is absent (real samples live in CHORUS_SHARED_DATA)\n", path);
        skip();
    }
}

/* A file read through the ingest driver into a new corpus (fmt NULL: detected; *used, when
 * used is not NULL, the reader that read it), diagnostics into log; skips the test when the
 * file is shared sample data that is absent. */
static inline ch_corpus *ingest_path(const char *path, const ch_reader *fmt, diag_log *log,
                                     const ch_reader **used)
{
    require_shared(path);
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_ingest_opts opts = {.reader = fmt, .diag = on_diag, .diag_ctx = log};
    assert_int_equal(ch_ingest_file(c, path, &opts, used), CHORUS_OK);
    return c;
}

/* The whole file, NUL-terminated, in a malloc'ed buffer (length in *len); NULL if unreadable. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* A tweepy cassette (dir/name.responses.json) is a JSON array of {method, uri, status, body};
 * the bodies, one per line, are what a collector would have saved. Returns a malloc'ed JSONL
 * text. */
static inline char *tweepy_bodies(const char *dir, const char *name, size_t *out_len)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s.responses.json", dir, name);
    require_shared(path);
    size_t len = 0;
    char *text = slurp(path, &len);
    assert_non_null(text);
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), CHORUS_OK);
    ch_json_val root;
    assert_int_equal(ch_json_parse(p, text, len, false, &root, NULL), CH_JSON_OK);
    char *out = NULL;
    size_t n = 0;
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(root, &it);
    while (ch_json_arr_next(&it, &e)) {
        char *body;
        size_t bn;
        assert_int_equal(ch_json_serialize(ch_json_get(e, "body"), &body, &bn), CHORUS_OK);
        out = realloc(out, n + bn + 2);
        assert_non_null(out);
        memcpy(out + n, body, bn);
        n += bn;
        out[n++] = '\n';
        out[n] = '\0';
        ch_free(body);
    }
    ch_json_parser_free(p);
    free(text);
    *out_len = n;
    return out;
}

/* ---- corpus lookups ----------------------------------------------------------------------- */

static inline const char *S(const ch_corpus *c, ch_sid id)
{
    return ch_pool_str(ch_corpus_pool(c), id);
}

/* The post with this id on whichever platform holds it first (tests read one platform). */
static inline size_t find_post_any(const ch_corpus *c, const char *id)
{
    for (size_t pf = 0; pf < ch_corpus_nplatforms(c); pf++) {
        size_t i = ch_corpus_find_post(c, (uint8_t)pf, id, strlen(id));
        if (i != SIZE_MAX)
            return i;
    }
    return SIZE_MAX;
}

static inline size_t find_account_any(const ch_corpus *c, const char *id)
{
    for (size_t pf = 0; pf < ch_corpus_nplatforms(c); pf++) {
        size_t i = ch_corpus_find_account(c, (uint8_t)pf, id, strlen(id));
        if (i != SIZE_MAX)
            return i;
    }
    return SIZE_MAX;
}

static inline size_t index_of(const ch_corpus *c, const char *id)
{
    size_t i = find_post_any(c, id);
    if (i == SIZE_MAX)
        fail_msg("post %s not found", id);
    return i;
}

static inline const ch_post *post(const ch_corpus *c, const char *id)
{
    return ch_corpus_post(c, index_of(c, id));
}

static inline const ch_account *author(const ch_corpus *c, const ch_post *p)
{
    return ch_corpus_account(c, p->account);
}

static inline const char *str(const ch_corpus *c, ch_sid s)
{
    return ch_pool_str(ch_corpus_pool(c), s);
}

static inline const ch_post *post_by_id(const ch_corpus *c, const char *id)
{
    size_t i = find_post_any(c, id);
    assert_true(i != SIZE_MAX);
    return ch_corpus_post(c, i);
}

#endif
