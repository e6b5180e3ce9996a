/* test_statements.c — loading statements: .txt, .md (markup removal, front matter), --split,
 * JSONL (good and bad lines), directories, strict mode, missing files, allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "ingest/statements.h"

typedef struct diag_log {
    int n;
    uint64_t line[64];
    ch_reason reason[64];
    char msg[64][300];
} diag_log;

static void on_diag(void *ctx, const char *file, uint64_t line, ch_reason reason, const char *msg)
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

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/chorus_test_stmt_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes `text` to tmpdir/name and returns the path (static buffer, one at a time). */
static const char *put(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700); /* a subdirectory in name */
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    return path;
}

static ch_stmtset *load(const char *path, bool split, bool strict, diag_log *log, int want_rc)
{
    ch_stmtset *s;
    assert_int_equal(ch_stmtset_new(&s), CHORUS_OK);
    ch_stmt_opts o = {.split = split, .strict = strict, .diag = on_diag, .diag_ctx = log};
    assert_int_equal(ch_stmtset_load(s, path, &o), want_rc);
    return s;
}

static void test_txt(void **state)
{
    (void)state;
    diag_log log = {0};
    const char *p = put("mfa-2023-03-01.txt",
                        "\xEF\xBB\xBF\r\n  The harbour authority rejects the claim.\r\n"
                        "Second line of the same paragraph.\r\n\r\n");
    ch_stmtset *s = load(p, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 1);
    const ch_statement *st = ch_stmtset_get(s, 0);
    assert_string_equal(st->id, "mfa-2023-03-01");
    /* BOM and CR gone, white space trimmed at both ends, inner line break kept */
    assert_string_equal(st->text, "The harbour authority rejects the claim.\n"
                                  "Second line of the same paragraph.");
    assert_int_equal(st->text_len, strlen(st->text));
    assert_true(st->published_at == CH_UNKNOWN_I64);
    assert_string_equal(st->source, "");
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_stmtset_find(s, "mfa-2023-03-01", 14), 0);
    assert_int_equal(ch_stmtset_find(s, "nope", 4), SIZE_MAX);
    ch_stmtset_free(s);
}

static void test_txt_split(void **state)
{
    (void)state;
    diag_log log = {0};
    const char *p = put("oped.txt", "\n\nFirst paragraph, line one.\nLine two.\n   \n\n"
                                    "Second paragraph.\n\n\n  Third one.  \n");
    ch_stmtset *s = load(p, true, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 3);
    assert_string_equal(ch_stmtset_get(s, 0)->id, "oped#1");
    assert_string_equal(ch_stmtset_get(s, 0)->text, "First paragraph, line one.\nLine two.");
    assert_string_equal(ch_stmtset_get(s, 1)->id, "oped#2");
    assert_string_equal(ch_stmtset_get(s, 1)->text, "Second paragraph.");
    assert_string_equal(ch_stmtset_get(s, 2)->id, "oped#3");
    assert_string_equal(ch_stmtset_get(s, 2)->text, "Third one.");
    ch_stmtset_free(s);
}

static void check_md(const char *in, const char *want)
{
    size_t n = strlen(in);
    char *out = malloc(n + 1);
    size_t got = ch_md_strip(in, n, out, NULL);
    assert_int_equal(got, strlen(out));
    if (strcmp(out, want) != 0)
        print_error("input  [%s]\nresult [%s]\nwanted [%s]\n", in, out, want);
    assert_string_equal(out, want);
    free(out);
}

static void test_md_strip(void **state)
{
    (void)state;
    check_md("# Title #", "Title");
    check_md("### Remarks by the spokesperson", "Remarks by the spokesperson");
    check_md("#hashtag stays", "#hashtag stays");
    check_md("We **firmly** reject *these* __claims__.", "We firmly reject these claims.");
    check_md("snake_case_name and _emphasis_", "snake_case_name and emphasis");
    check_md("See [the full text](https://example.org/a?b=c) here.", "See the full text here.");
    check_md("![harbour at dawn](img/dawn.png)", "harbour at dawn");
    check_md("[a *bold* link][ref]", "a bold link");
    check_md("[ref]: https://example.org/x \"Title\"\nText.", "\nText.");
    check_md("> quoted line\n> > nested", "quoted line\nnested");
    check_md("- item one\n* item two\n+ item three\n12. numbered\n3) other",
             "item one\nitem two\nitem three\nnumbered\nother");
    check_md("Use `code` and ~~strike~~.", "Use code and strike.");
    check_md("```\nraw *kept*\n```\nafter", "\nraw *kept*\n\nafter");
    check_md("a\n\n---\n\nb", "a\n\n\n\nb");
    check_md("Heading\n=======\nbody", "Heading\n\nbody");
    check_md("2 * 3 = 6", "2 * 3 = 6");
    check_md("line<br>break <span class=\"x\">in</span> html <!-- hidden --> end",
             "linebreak in html  end");
    check_md("mail <info@example.org> or <https://example.org>",
             "mail info@example.org or https://example.org");
    check_md("escaped \\*stars\\* and \\[brackets\\]", "escaped *stars* and [brackets]");
    check_md("[sic] stays", "[sic] stays");
    check_md("- [x] done task", "done task");
    check_md("", "");
    /* front matter */
    const char *fm_in = "---\nsource: \"Embassy spokesperson\"\nlang: en\ndate: 2023-03-01\n---\n"
                        "# Remarks\n\nBody.";
    char out[256];
    ch_md_front fm;
    size_t n = ch_md_strip(fm_in, strlen(fm_in), out, &fm);
    assert_string_equal(out, "Remarks\n\nBody.");
    assert_int_equal(n, strlen(out));
    assert_string_equal(fm.source, "Embassy spokesperson");
    assert_string_equal(fm.lang, "en");
    assert_string_equal(fm.published_at, "2023-03-01");
    /* "---" without a closing line is a thematic break, not front matter */
    n = ch_md_strip("---\nText", 8, out, &fm);
    assert_string_equal(out, "\nText");
    assert_string_equal(fm.source, "");
}

static void test_md_file(void **state)
{
    (void)state;
    diag_log log = {0};
    const char *p = put("remarks.md",
                        "---\nsource: ministry\npublished_at: 2023-03-01T10:00:00Z\n---\n"
                        "# Remarks on the **harbour**\n\n"
                        "We reject [the claim](http://x.org) about the _breakwater_.\n\n"
                        "- Stop smearing the authority.\n");
    ch_stmtset *s = load(p, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 1);
    const ch_statement *st = ch_stmtset_get(s, 0);
    assert_string_equal(st->id, "remarks");
    assert_string_equal(st->text, "Remarks on the harbour\n\nWe reject the claim about the "
                                  "breakwater.\n\nStop smearing the authority.");
    assert_string_equal(st->source, "ministry");
    assert_int_equal(st->published_at, 1677664800);
    ch_stmtset_free(s);
    /* split: one statement per paragraph, each with the front matter's fields */
    s = load(p, true, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 3);
    assert_string_equal(ch_stmtset_get(s, 1)->id, "remarks#2");
    assert_string_equal(ch_stmtset_get(s, 1)->text, "We reject the claim about the breakwater.");
    assert_int_equal(ch_stmtset_get(s, 2)->published_at, 1677664800);
    assert_int_equal(log.n, 0);
    ch_stmtset_free(s);
    /* a bad date in front matter is reported, the statement kept without it */
    p = put("bad-date.md", "---\ndate: yesterday\n---\nText of it.");
    s = load(p, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 1);
    assert_true(ch_stmtset_get(s, 0)->published_at == CH_UNKNOWN_I64);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.reason[0], CH_R_BAD_TIME);
    ch_stmtset_free(s);
}

static void test_jsonl(void **state)
{
    (void)state;
    diag_log log = {0};
    const char *p = put("st.jsonl",
        "{\"id\":\"s1\",\"source\":\"embassy\",\"published_at\":\"2023-03-01T10:00:00Z\","
        "\"lang\":\"en\",\"text\":\"First statement text.\"}\n"
        "\n"
        "{\"id\":2,\"published_at\":1677664800,\"text\":\"Integer id, Unix time.\",\"extra\":[1]}\n"
        "{\"id\":\"s3\",\"published_at\":null,\"lang\":null,\"text\":\"  Kept as is.  \"}\n"
        "{\"id\":\"s4\",\"text\":\"bad json\"\n"                         /* line 5 */
        "{\"source\":\"x\",\"text\":\"no id\"}\n"                        /* 6 */
        "{\"id\":\"s7\"}\n"                                              /* 7: no text */
        "{\"id\":\"s8\",\"published_at\":\"someday\",\"text\":\"t\"}\n"  /* 8 */
        "{\"id\":\"s1\",\"text\":\"duplicate id\"}\n"                    /* 9 */
        "{\"id\":\"s10\",\"text\":\"bad utf8 \xff\xfe\"}\n"              /* 10 */
        "[1,2,3]\n"                                                      /* 11 */
        "{\"id\":{\"x\":1},\"text\":\"t\"}\n"                            /* 12 */
        "{\"id\":\"s13\",\"text\":42}\n"                                 /* 13 */
        "{\"id\":\"s14\",\"published_at\":1.6776648E9,\"text\":\"float time\"}\n");
    ch_stmtset *s = load(p, true /* ignored for JSONL */, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 4);
    const ch_statement *a = ch_stmtset_get(s, 0);
    assert_string_equal(a->id, "s1");
    assert_string_equal(a->source, "embassy");
    assert_string_equal(a->lang, "en");
    assert_string_equal(a->text, "First statement text.");
    assert_int_equal(a->published_at, 1677664800);
    assert_int_equal(a->line, 1);
    const ch_statement *b = ch_stmtset_get(s, 1);
    assert_string_equal(b->id, "2");
    assert_int_equal(b->published_at, 1677664800);
    assert_int_equal(b->line, 3);
    const ch_statement *c = ch_stmtset_get(s, 2);
    assert_string_equal(c->text, "  Kept as is.  ");
    assert_true(c->published_at == CH_UNKNOWN_I64);
    assert_string_equal(ch_stmtset_get(s, 3)->id, "s14");
    assert_int_equal(ch_stmtset_get(s, 3)->published_at, 1677664800);
    /* every bad line reported once, with its line and reason */
    const uint64_t want_line[] = {5, 6, 7, 8, 9, 10, 11, 12, 13};
    const ch_reason want_reason[] = {CH_R_JSON, CH_R_NO_ID, CH_R_BAD_FIELD, CH_R_BAD_TIME,
                                     CH_R_BAD_FIELD, CH_R_UTF8, CH_R_JSON, CH_R_BAD_FIELD,
                                     CH_R_BAD_FIELD};
    assert_int_equal(log.n, 9);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(log.line[i], want_line[i]);
        assert_int_equal(log.reason[i], want_reason[i]);
    }
    assert_non_null(strstr(log.msg[4], "duplicate statement id 's1'"));
    assert_int_equal(ch_stmtset_skipped_total(s), 9);
    assert_int_equal(ch_stmtset_skipped(s, CH_R_BAD_FIELD), 4);
    ch_stmtset_free(s);

    /* strict: the first bad line stops loading */
    memset(&log, 0, sizeof log);
    s = load(p, false, true, &log, CHORUS_EPARSE);
    assert_int_equal(ch_stmtset_count(s), 3);
    assert_int_equal(log.n, 1);
    ch_stmtset_free(s);
}

static void test_sniff_and_missing(void **state)
{
    (void)state;
    diag_log log = {0};
    /* another extension: JSONL when it starts with '{', text otherwise */
    const char *p = put("feed.json", "  {\"id\":\"j\",\"text\":\"json lines\"}\n");
    ch_stmtset *s = load(p, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 1);
    assert_string_equal(ch_stmtset_get(s, 0)->id, "j");
    ch_stmtset_free(s);
    p = put("notes.statement", "Plain text.");
    s = load(p, false, false, &log, CHORUS_OK);
    assert_string_equal(ch_stmtset_get(s, 0)->id, "notes");
    ch_stmtset_free(s);
    /* an empty text file is reported, not loaded */
    p = put("empty.txt", " \n\n");
    s = load(p, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 0);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], 0);
    ch_stmtset_free(s);
    /* a missing file: EIO, reported at line 0 */
    memset(&log, 0, sizeof log);
    s = load("/nonexistent/dir/x.txt", false, false, &log, CHORUS_EIO);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], 0);
    assert_non_null(strstr(log.msg[0], "cannot open"));
    ch_stmtset_free(s);
}

static void test_directory(void **state)
{
    (void)state;
    diag_log log = {0};
    put("dir/b.md", "**Bee** statement.");
    put("dir/a.txt", "Ay statement.");
    put("dir/c.jsonl",
        "{\"id\":\"c1\",\"text\":\"Sea one.\"}\n{\"id\":\"c2\",\"text\":\"Sea two.\"}\n");
    put("dir/readme.csv", "not,a,statement\n");
    put("dir/.hidden.txt", "hidden");
    char path[512];
    snprintf(path, sizeof path, "%s/dir", tmpdir);
    ch_stmtset *s = load(path, false, false, &log, CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 4);
    /* name order: a.txt, b.md, c.jsonl */
    assert_string_equal(ch_stmtset_get(s, 0)->id, "a");
    assert_string_equal(ch_stmtset_get(s, 1)->id, "b");
    assert_string_equal(ch_stmtset_get(s, 1)->text, "Bee statement.");
    assert_string_equal(ch_stmtset_get(s, 2)->id, "c1");
    assert_string_equal(ch_stmtset_get(s, 3)->id, "c2");
    assert_int_equal(ch_stmtset_text_bytes(s), strlen("Ay statement.") +
                                                   strlen("Bee statement.") + 16);
    /* loading the same directory again: every id is a duplicate */
    ch_stmt_opts o = {.diag = on_diag, .diag_ctx = &log};
    assert_int_equal(ch_stmtset_load(s, path, &o), CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 4);
    assert_int_equal(log.n, 4);
    ch_stmtset_free(s);
    /* a missing directory entry path */
    memset(&log, 0, sizeof log);
    s = load("/nonexistent-dir/", false, false, &log, CHORUS_EIO);
    ch_stmtset_free(s);
}

static void test_limits_and_add(void **state)
{
    (void)state;
    diag_log log = {0};
    const char *p = put("long.txt", "0123456789 0123456789 0123456789");
    ch_stmtset *s;
    assert_int_equal(ch_stmtset_new(&s), CHORUS_OK);
    ch_stmt_opts o = {.max_bytes = 16, .diag = on_diag, .diag_ctx = &log};
    assert_int_equal(ch_stmtset_load(s, p, &o), CHORUS_OK);
    assert_int_equal(ch_stmtset_count(s), 0);
    assert_int_equal(log.reason[0], CH_R_TOO_LONG);
    /* programmatic adds */
    assert_int_equal(ch_stmtset_add(s, "x", 1, "text", 4, "src", NULL, 5), CHORUS_OK);
    assert_int_equal(ch_stmtset_add(s, "x", 1, "again", 5, NULL, NULL, 0), CHORUS_EPARSE);
    assert_int_equal(ch_stmtset_add(s, "", 0, "no id", 5, NULL, NULL, 0), CHORUS_EPARSE);
    assert_int_equal(ch_stmtset_add(s, "y", 1, "\xc3(", 2, NULL, NULL, 0), CHORUS_EPARSE);
    assert_int_equal(ch_stmtset_count(s), 1);
    assert_string_equal(ch_stmtset_get(s, 0)->source, "src");
    assert_string_equal(ch_stmtset_get(s, 0)->lang, "");
    assert_int_equal(ch_stmtset_get(s, 0)->published_at, 5);
    assert_null(ch_stmtset_get(s, 1));
    ch_stmtset_free(s);
    ch_stmtset_free(NULL);
}

/* Every allocation failing in turn: loading returns ENOMEM (or EIO when the file could not be
 * opened for want of memory) and leaks nothing (ASan build), or succeeds with everything. */
static void test_alloc_failure(void **state)
{
    (void)state;
    const char *p =
        put("af.jsonl", "{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"two\"}\n");
    char path[512];
    snprintf(path, sizeof path, "%s", p);
    const char *m = put("af.md", "# T\n\nPara *one*.\n\nPara two.");
    char mpath[512];
    snprintf(mpath, sizeof mpath, "%s", m);
    int ok = 0;
    for (uint64_t k = 1; k < 200 && ok < 2; k++) {
        ch_stmtset *s = NULL;
        ch_alloc_fail_after(k);
        int rc = ch_stmtset_new(&s);
        ch_stmt_opts o = {.split = true};
        if (rc == CHORUS_OK)
            rc = ch_stmtset_load(s, path, &o);
        if (rc == CHORUS_OK)
            rc = ch_stmtset_load(s, mpath, &o);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_int_equal(ch_stmtset_count(s), 5);
            ok++;
        } else {
            assert_true(rc == CHORUS_ENOMEM || rc == CHORUS_EIO);
        }
        ch_stmtset_free(s);
    }
    assert_true(ok >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txt),
        cmocka_unit_test(test_txt_split),
        cmocka_unit_test(test_md_strip),
        cmocka_unit_test(test_md_file),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_sniff_and_missing),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_limits_and_add),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
