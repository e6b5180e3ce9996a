/* test_coparrot.c — co-parroting through the whole detection chain (detect.c): accounts that
 * post a ministry's statements as their own words, within minutes of each other and at a
 * delay after each release that changes from statement to statement, are statement edges;
 * journalists who quote the same statements in quotation marks at the same moments are not
 * (a quoted match is no co-action on the statement, docs/parroting.md "Co-parroting"), though
 * their posts still match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/detect.h"
#include "ingest/statements.h"

#define T0 INT64_C(1600000000)

static const char *const STMT[6] = {
    "The harbour authority never neglected the western breakwater, which independent "
    "engineers inspected last spring.",
    "Rumours about leaking pipes at the cannery pier are fabricated by commentators with "
    "ulterior motives.",
    "The fishing cooperative deserves an apology from the regional newspaper for its "
    "reckless reporting.",
    "Pilots of the northern channel have received every wage owed to them since the winter "
    "storms.",
    "Dredging of the outer channel follows the environmental plan approved by the island "
    "council.",
    "Foreign observers should respect the port's own decisions about ferry timetables and "
    "lighthouse budgets.",
};

static void add(ch_corpus *c, const char *id, const char *author, int64_t t, const char *text)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){id, strlen(id)};
    r.author_id = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.kind = CH_KIND_POST;
    r.text = (ch_slice){text, strlen(text)};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static bool starts(const ch_corpus *c, uint32_t a, const char *prefix)
{
    const char *id = ch_pool_str(ch_corpus_pool(c), ch_corpus_account(c, a)->id);
    return strncmp(id, prefix, strlen(prefix)) == 0;
}

static void test_quoted_journalists_no_coparroting(void **state)
{
    (void)state;
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), CHORUS_OK);
    char id[32], au[32], text[512];
    /* ordinary accounts posting about other things, so the corpus has a background */
    for (int u = 0; u < 60; u++)
        for (int k = 0; k < 4; k++) {
            snprintf(id, sizeof id, "o%d_%d", u, k);
            snprintf(au, sizeof au, "user%d", u);
            snprintf(text, sizeof text, "note %d from %d about the weather and lunch plans", k, u);
            add(c, id, au, T0 + (u * 7919 + k * 104729) % (7 * 86400), text);
        }
    for (int s = 0; s < 6; s++) {
        snprintf(id, sizeof id, "S%d", s);
        const int64_t pub = T0 + s * 86400;
        assert_int_equal(ch_stmtset_add(set, id, strlen(id), STMT[s], strlen(STMT[s]), NULL,
                                        "en", pub), CHORUS_OK);
        snprintf(id, sizeof id, "m%d", s);
        add(c, id, "ministry", pub, STMT[s]);
        /* a wave at another delay for every statement: 1 h, 3 h, ... */
        const int64_t wave = pub + 3600 + s * 7200;
        for (int m = 0; m < 4; m++) {
            snprintf(id, sizeof id, "b%d_%d", s, m);
            snprintf(au, sizeof au, "bot%d", m);
            add(c, id, au, wave + m * 13, STMT[s]);
            /* the journalists at the same moments, quoting and commenting */
            snprintf(id, sizeof id, "j%d_%d", s, m);
            snprintf(au, sizeof au, "journalist%d", m);
            snprintf(text, sizeof text,
                     "The ministry says: \xE2\x80\x9C%s\xE2\x80\x9D We found no evidence for "
                     "that. Story: https://example.org/s%d", STMT[s], s);
            add(c, id, au, wave + m * 13 + 6, text);
        }
    }
    ch_detect_opts o;
    ch_detect_opts_default(&o);
    o.threads = 1;
    ch_detect_result r;
    assert_int_equal(ch_detect_run(c, set, &o, &r), CHORUS_OK);
    /* every copy matches, bare or quoted */
    assert_int_equal(r.parrot.posts_matched, 6 * (1 + 4 + 4));
    size_t quoted = 0;
    for (size_t k = 0; k < r.parrot.nrows; k++) {
        const ch_parrot_row *pr = &r.parrot.rows[k];
        const bool j = starts(c, ch_corpus_post(c, pr->post)->account, "journalist");
        assert_int_equal(pr->m.quoted, j);
        quoted += pr->m.quoted;
    }
    assert_int_equal(quoted, 24);
    size_t bots = 0, other = 0;
    for (size_t i = 0; i < r.co->n_edges; i++) {
        const ch_edge *e = &r.co->edges[i];
        if (e->behaviour != CH_B_STATEMENT)
            continue;
        if (starts(c, e->a, "bot") && starts(c, e->b, "bot"))
            bots++;
        else
            other++;
    }
    print_message("statement edges: bots %zu / 6, others %zu (window %lld s)\n", bots, other,
                  (long long)r.co->windows[CH_B_STATEMENT]);
    assert_int_equal(bots, 6);
    assert_int_equal(other, 0);
    ch_detect_result_free(&r);
    ch_stmtset_free(set);
    chorus_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_journalists_no_coparroting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
