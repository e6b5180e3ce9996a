/* test_split.c — a file read in slices (ingest/split.h), captured and replayed, gives the corpus
 * and the diagnostics of the whole-file read: posts in order, duplicates across slices, bad
 * lines with their file line numbers, and a document spread over lines across a slice bound. */
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"
#include "ingest/split.h"

/* Writes a chorus JSONL file of about `n` records with bad lines, duplicates and a few
 * pretty-printed documents, sized over CH_SPLIT_MIN_BYTES. */
static void write_corpus(const char *path, int n, bool pretty)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < n; i++) {
        if (i % 997 == 5)
            fprintf(f, "{\"id\": \"broken %d\n", i);              /* malformed json */
        else if (i % 1009 == 7)
            fprintf(f, "{\"id\":\"x%d\",\"text\":\"no author\"}\n", i); /* missing author */
        else if (i % 211 == 3)
            fprintf(f, "\n");                                       /* blank */
        else if (pretty && i % 1500 == 9)
            /* one document over many lines: it may straddle a slice bound */
            fprintf(f, "{\n  \"id\": \"p%d\",\n  \"author_id\": \"a%d\",\n"
                       "  \"created_at\": \"2023-03-01T10:00:00Z\",\n  \"text\": \"%s\"\n}\n",
                    i, i % 50, "spread over lines");
        else
            fprintf(f,
                    "{\"id\":\"%d\",\"author_id\":\"a%d\",\"author\":\"h%d\",\"created_at\":"
                    "\"2023-03-01T10:%02d:00Z\",\"text\":\"Post number %d says \\u00e9 &amp; "
                    "more filler text to make the line longer than it needs to be\","
                    "\"kind\":\"post\",\"hashtags\":[\"t%d\"],\"urls\":[\"https://e.org/%d\"]}\n",
                    i % 4000 /* duplicates */, i % 300, i % 300, i % 60, i, i % 7, i % 13);
    }
    fclose(f);
}

typedef struct run_out {
    ch_corpus *c;
    diag_log log;
} run_out;

static void compare(const run_out *a, const run_out *b)
{
    assert_int_equal(ch_corpus_nposts(a->c), ch_corpus_nposts(b->c));
    assert_int_equal(ch_corpus_naccounts(a->c), ch_corpus_naccounts(b->c));
    const ch_corpus_stats *sa = ch_corpus_stats_get(a->c), *sb = ch_corpus_stats_get(b->c);
    assert_memory_equal(sa, sb, sizeof *sa);
    for (size_t i = 0; i < ch_corpus_nposts(a->c); i++) {
        const ch_post *p = ch_corpus_post(a->c, i), *q = ch_corpus_post(b->c, i);
        assert_string_equal(S(a->c, p->id), S(b->c, q->id));
        assert_string_equal(p->text, q->text);
        assert_int_equal(p->created_at, q->created_at);
        assert_int_equal(p->account, q->account);
        assert_int_equal(p->n_hashtags, q->n_hashtags);
        assert_int_equal(p->n_urls, q->n_urls);
    }
    assert_int_equal(a->log.n, b->log.n);
    for (int k = 0; k < a->log.n && k < 64; k++) {
        assert_int_equal(a->log.line[k], b->log.line[k]);
        assert_int_equal(a->log.reason[k], b->log.reason[k]);
        assert_string_equal(a->log.msg[k], b->log.msg[k]);
    }
}

static void check_file(const char *path, int max_slices)
{
    run_out whole = {0};
    assert_int_equal(chorus_corpus_new(&whole.c), CHORUS_OK);
    ch_ingest_opts o = {.diag = on_diag, .diag_ctx = &whole.log};
    assert_int_equal(ch_ingest_file(whole.c, path, &o, NULL), CHORUS_OK);
    assert_true(whole.log.n > 0);
    const ch_reader *r;
    assert_true(ch_split_plan(path, &o, 2, &r));
    assert_ptr_equal(r, &ch_reader_chorus);
    assert_false(ch_split_plan(path, &o, 1, &r));
    for (int n = 1; n <= max_slices; n++) {
        run_out sp = {0};
        assert_int_equal(chorus_corpus_new(&sp.c), CHORUS_OK);
        ch_ingest_opts so = {.diag = on_diag, .diag_ctx = &sp.log};
        assert_int_equal(ch_split_read_local(sp.c, path, &ch_reader_chorus, &so, n), CHORUS_OK);
        compare(&whole, &sp);
        chorus_corpus_free(sp.c);
    }
    chorus_corpus_free(whole.c);
}

static void test_slices_match_whole_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_split_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_corpus(path, 6000, false);
    check_file(path, 5);
    unlink(path);
}

/* Documents spread over lines: wherever the bounds fall, the result is the whole-file one
 * (a slice that ends inside a document sends the rest of the file to one reader). */
static void test_documents_over_lines(void **state)
{
    (void)state;
    char path[] = "/tmp/test_split_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_corpus(path, 6000, true);
    check_file(path, 7);
    unlink(path);
}

static void test_decide(void **state)
{
    (void)state;
    ch_capture caps[4] = {{.from = 0}, {.from = 100}, {.from = 200}, {.from = 300}};
    int nvalid;
    uint64_t rest;
    ch_split_decide(caps, 4, &nvalid, &rest);
    assert_int_equal(nvalid, 4);
    caps[1].ended_in_doc = true;   /* slice 2's start is doubtful: slice 1 is read again */
    ch_split_decide(caps, 4, &nvalid, &rest);
    assert_int_equal(nvalid, 1);
    assert_int_equal(rest, 100);
    caps[1].ended_in_doc = false;
    caps[3].ended_in_doc = true;   /* the last slice ends where the file ends: fine */
    ch_split_decide(caps, 4, &nvalid, &rest);
    assert_int_equal(nvalid, 4);
    caps[0].status = CHORUS_ENOMEM;
    ch_split_decide(caps, 4, &nvalid, &rest);
    assert_int_equal(nvalid, 0);
    assert_int_equal(rest, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices_match_whole_file),
        cmocka_unit_test(test_documents_over_lines),
        cmocka_unit_test(test_decide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
