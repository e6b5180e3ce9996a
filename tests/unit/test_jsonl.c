/* test_jsonl.c — the shared JSON read loop: JSON lines, and documents spread over many lines
 * (pretty-printed objects, arrays of records), mixed in one input; read with the canonical
 * chorus reader. */
#include "helpers.h"

READER_RUNNERS(ch_reader_chorus)

#define REC(id) "{\"id\":\"" id "\",\"author\":\"a\",\"created_at\":1700000000,\"text\":\"t " id "\"}"

static void test_mixed_lines_and_documents(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *in =
        REC("1") "\n"                                     /* line 1: JSON lines */
        "{\n"                                             /* line 2: a pretty document */
        "  \"id\": \"2\",\n"
        "  \"author\": \"a\",\n"
        "  \"text\": \"braces in text: { [ \\\" ] } and a \\\\\",\n"
        "  \"created_at\": 1700000000\n"
        "}\n"
        "\n"
        "[\n"                                             /* line 9: an array of records */
        "  " REC("3") ",\n"
        "  " REC("4") "\n"
        "]\n"
        REC("5") "\n";                                    /* line 13 */
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 5);
    assert_string_equal(post(c, "2")->text, "braces in text: { [ \" ] } and a \\");
    assert_string_equal(post(c, "4")->text, "t 4");
    chorus_corpus_free(c);
}

/* A document that does not parse, or never closes, is read again line by line (each bad line
 * reported with its own number); reading goes on after it. */
static void test_bad_documents(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *in =
        "{\n"                              /* 1: a document with a syntax error inside */
        "  \"id\": \"1\",, \"author\": \"a\"\n"
        "}\n"
        "not json at all\n"                /* 4 */
        "}\n"                              /* 5: closes more than it opens */
        REC("2") "\n"                      /* 6 */
        "[\n"                              /* 7: never closed */
        REC("3") "\n";                     /* 8: a whole record, kept */
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_non_null(post(c, "3"));
    static const uint64_t want[] = {1, 2, 3, 4, 5, 7};
    assert_int_equal(log.n, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(log.line[i], want[i]);
        assert_int_equal(log.reason[i], CH_R_JSON);
    }
    chorus_corpus_free(c);
}

/* JSON lines with a record cut short in the middle (a writer killed, then restarted): the cut
 * record opens brackets that never close, yet every record after it is kept. */
static void test_cut_record_costs_only_itself(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    const char *in = REC("1") "\n"
                     "{\"id\":\"2\",\"author\":\"a\",\"meta\":{\"x\":[1,2\n"
                     REC("3") "\n" REC("4") "\n" REC("5") "\n";
    assert_int_equal(run_str(c, in, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], 2);
    assert_non_null(post(c, "5"));
    chorus_corpus_free(c);
}

/* A pretty-printed document's line that exceeds the line limit cannot be part of a whole
 * document: the document is dropped and the next one still read. */
static void test_long_line_inside_document(void **state)
{
    (void)state;
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    char in[4096];
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(in, sizeof in, "{\n  \"id\": \"1\",\n  \"text\": \"%s\"\n}\n" REC("2") "\n", big);
    assert_int_equal(run(c, in, strlen(in), 128, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_non_null(post(c, "2"));
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_lines_and_documents),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_cut_record_costs_only_itself),
        cmocka_unit_test(test_long_line_inside_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
