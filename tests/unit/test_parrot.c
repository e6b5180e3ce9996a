/* test_parrot.c — the parroting matcher: one test per paraphrase and evasion kind (each checks
 * the evidence spans' original bytes), one per light-rewrite kind (hashtags, abbreviations,
 * numbers, sources, inflection, synonyms, clause swaps, headlines, sentences added or dropped,
 * stacked rewrites, quotations to refute, French) that the canonical word forms catch and an
 * index without them misses, hard negatives, reposts and publication order on a corpus,
 * thread independence, tie-breaking, limits, allocation failure, and a seeded generator of
 * paraphrases and negatives over a synthetic vocabulary. All texts are written for these
 * tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/post.h"
#include "detect/parrot/parrot.h"
#include "ingest/statements.h"
#include "text/lex.h"

/* ---- fixture statements ---------------------------------------------------------------- */

static const char *const ST_A =
    "The lighthouse keepers of the northern coast have maintained their lamps for two hundred "
    "years, and their record speaks for itself. We reject the claim that the harbour authority "
    "neglected the western breakwater, which was inspected last spring by independent "
    "engineers. Some commentators, out of ulterior motives, have been hyping up stories about "
    "leaking pipes and unpaid pilots. The fishing cooperative deserves an apology from the "
    "regional newspaper, not another round of rumours. We urge the council to stop smearing "
    "the harbour authority and to respect the internal affairs of the port.";
static const char *const ST_B =
    "Internal affairs of the port are for the port to decide. We urge everyone to stop "
    "smearing the pilots. The ferry timetable for the summer season adds three evening "
    "crossings to the island and a new stop at the old cannery pier.";
static const char *const ST_C =
    "港务局从未忽视西侧防波堤的维护工作，独立工程师去年春天已完成全面检查。"
    "个别媒体出于不可告人的目的，大肆炒作所谓管道泄漏问题。我们敦促议会停止抹黑港务局，尊重事实。";
/* shares its first sentence with ST_B, published later */
static const char *const ST_D =
    "Internal affairs of the port are for the port to decide. Dredging of the outer channel "
    "begins in autumn and will close the north quay for eleven days.";

#define T_A 1677664800 /* 2023-03-01T10:00:00Z */

typedef struct fixture {
    ch_stmtset *set;
    ch_parrot_index *ix;
    ch_parrot_scratch *sc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || ch_stmtset_new(&f->set))
        return -1;
    if (ch_stmtset_add(f->set, "A", 1, ST_A, strlen(ST_A), "harbour authority", "en", T_A) ||
        ch_stmtset_add(f->set, "B", 1, ST_B, strlen(ST_B), NULL, "en", CH_UNKNOWN_I64) ||
        ch_stmtset_add(f->set, "C", 1, ST_C, strlen(ST_C), NULL, "zh", T_A) ||
        ch_stmtset_add(f->set, "D", 1, ST_D, strlen(ST_D), NULL, "en", T_A + 86400 * 10))
        return -1;
    if (ch_parrot_build(f->set, NULL, &f->ix) || ch_parrot_scratch_new(f->ix, &f->sc))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ch_parrot_scratch_free(f->sc);
    ch_parrot_free(f->ix);
    ch_stmtset_free(f->set);
    free(f);
    return 0;
}

/* Matches `post` and returns the best match (or NULL). */
static const ch_parrot_match *best(fixture *f, const char *post, int64_t t)
{
    const ch_parrot_match *m;
    size_t n;
    assert_int_equal(ch_parrot_match_text(f->ix, f->sc, post, strlen(post), t, 8, &m, &n),
                     CHORUS_OK);
    return n ? &m[0] : NULL;
}

static void span_is(const char *text, uint32_t a, uint32_t b, const char *want)
{
    assert_true(a <= b);
    if (strlen(want) != b - a || memcmp(text + a, want, b - a) != 0)
        print_error("span [%.*s]\nwant [%s]\n", (int)(b - a), text + a, want);
    assert_int_equal(b - a, strlen(want));
    assert_memory_equal(text + a, want, b - a);
}

/* The post matches statement `id` with its evidence spans covering exactly post_span in the
 * post and stmt_span in the statement; returns the similarity. */
static double expect(fixture *f, const char *post, const char *id, const char *post_span,
                     const char *stmt_span)
{
    const ch_parrot_match *m = best(f, post, T_A + 3600);
    if (!m)
        print_error("no match for [%s]\n", post);
    assert_non_null(m);
    const ch_statement *st = ch_stmtset_get(f->set, m->stmt);
    assert_string_equal(st->id, id);
    span_is(post, m->post_start, m->post_end, post_span);
    span_is(st->text, m->stmt_start, m->stmt_end, stmt_span);
    assert_true(m->similarity >= ch_parrot_params_of(f->ix)->threshold);
    assert_true(m->similarity <= 1.0f);
    assert_true(m->nseg >= 1 && m->nseg <= CH_PARROT_MAX_SEG);
    for (uint32_t i = 0; i < m->nseg; i++) {
        assert_true(m->seg[i].post_start >= m->post_start && m->seg[i].post_end <= m->post_end);
        assert_true(m->seg[i].stmt_start >= m->stmt_start && m->seg[i].stmt_end <= m->stmt_end);
        if (i)
            assert_true(m->seg[i].post_start >= m->seg[i - 1].post_end);
    }
    return m->similarity;
}

static void expect_none(fixture *f, const char *post)
{
    const ch_parrot_match *m = best(f, post, T_A + 3600);
    if (m)
        print_error("unexpected match %.3f to %s for [%s]\n", m->similarity,
                    ch_stmtset_get(f->set, m->stmt)->id, post);
    assert_null(m);
}

#define SENT2 "We reject the claim that the harbour authority neglected the western " \
              "breakwater, which was inspected last spring by independent engineers"

/* ---- one test per kind --------------------------------------------------------------------- */

static void test_verbatim(void **state)
{
    fixture *f = *state;
    double s = expect(f, ST_B, "B", "Internal affairs of the port are for the port to decide. "
                      "We urge everyone to stop smearing the pilots. The ferry timetable for the "
                      "summer season adds three evening crossings to the island and a new stop at "
                      "the old cannery pier",
                      "Internal affairs of the port are for the port to decide. We urge everyone "
                      "to stop smearing the pilots. The ferry timetable for the summer season adds "
                      "three evening crossings to the island and a new stop at the old cannery "
                      "pier");
    assert_true(s > 0.999);
}

static void test_excerpt(void **state)
{
    fixture *f = *state;
    /* one sentence of a long statement: containment is 1 although the statement is 5× longer */
    double s = expect(f, SENT2 ".", "A", SENT2, SENT2);
    assert_true(s > 0.999);
}

static void test_substitution(void **state)
{
    fixture *f = *state;
    double s = expect(f, "We reject the allegation that the harbour authority ignored the western "
                         "breakwater, which was checked last spring by independent engineers.",
                      "A",
                      "We reject the allegation that the harbour authority ignored the western "
                      "breakwater, which was checked last spring by independent engineers",
                      SENT2);
    assert_true(s < 0.999);
    /* a phrase replaced by a longer one */
    /* (the span is the part still aligned; "Some" alone is too far from it to count) */
    expect(f, "Some pundits with hidden agendas have been hyping up stories about leaking pipes "
              "and unpaid pilots.",
           "A", "have been hyping up stories about leaking pipes and unpaid pilots",
           "have been hyping up stories about leaking pipes and unpaid pilots");
}

static void test_reorder(void **state)
{
    fixture *f = *state;
    /* clauses swapped: two segments, spans cover both */
    const char *p = "Which was inspected last spring by independent engineers: we reject the claim "
                    "that the harbour authority neglected the western breakwater!";
    const ch_parrot_match *m = best(f, p, T_A + 60);
    assert_non_null(m);
    assert_int_equal(m->nseg, 2);
    expect(f, p, "A", "Which was inspected last spring by independent engineers: we reject the "
                      "claim that the harbour authority neglected the western breakwater",
           SENT2);
    /* sentences swapped */
    expect(f, "The fishing cooperative deserves an apology from the regional newspaper. Some "
              "commentators, out of ulterior motives, have been hyping up stories about leaking "
              "pipes and unpaid pilots.",
           "A",
           "The fishing cooperative deserves an apology from the regional newspaper. Some "
           "commentators, out of ulterior motives, have been hyping up stories about leaking "
           "pipes and unpaid pilots",
           "Some commentators, out of ulterior motives, have been hyping up stories about leaking "
           "pipes and unpaid pilots. The fishing cooperative deserves an apology from the "
           "regional newspaper");
}

static void test_truncation(void **state)
{
    fixture *f = *state;
    expect(f, "We reject the claim that the harbour authority neglected the western…", "A",
           "We reject the claim that the harbour authority neglected the western",
           "We reject the claim that the harbour authority neglected the western");
}

static void test_additions(void **state)
{
    fixture *f = *state;
    /* lead-in, emoji, hashtags, mention and link around the copy: the spans are the copy */
    const char *p = "Well said! 👏👏 " SENT2 " 🔥 #HarbourTruth #StopTheLies @port_news "
                    "https://t.co/x1Yz9";
    double s = expect(f, p, "A", SENT2, SENT2);
    assert_true(s > 0.85);
    /* a hashtag inside the copied text is part of it */
    expect(f, "We reject the claim that the #harbour authority neglected the western breakwater "
              "#truth",
           "A", "We reject the claim that the #harbour authority neglected the western breakwater",
           "We reject the claim that the harbour authority neglected the western breakwater");
}

static void test_noise(void **state)
{
    fixture *f = *state;
    expect(f, "WE REJECT the claim,that the harbour   authority neglected the western "
              "breakwater!!!which was inspected last spring...by independent engineers",
           "A",
           "WE REJECT the claim,that the harbour   authority neglected the western "
           "breakwater!!!which was inspected last spring...by independent engineers",
           SENT2);
}

static void test_typos(void **state)
{
    fixture *f = *state;
    /* transposition, drop, double letter, neighbouring key; one next to the start and one in
     * the last word */
    expect(f, "We rejcet the claim that the harbuor authority neglectted the westren breakwater, "
              "which was inspectd last spring by independent enginers",
           "A",
           "We rejcet the claim that the harbuor authority neglectted the westren breakwater, "
           "which was inspectd last spring by independent enginers",
           SENT2);
    /* words under four letters must be exact: "Ew" is not "We" */
    const ch_parrot_match *m = best(f, "Ew reject the claim that the harbour authority neglected "
                                       "the western breakwater", T_A);
    assert_non_null(m);
    span_is("Ew reject the claim that the harbour authority neglected the western breakwater",
            m->post_start, m->post_end,
            "reject the claim that the harbour authority neglected the western breakwater");
}

static void test_unicode(void **state)
{
    fixture *f = *state;
    /* full-width "We reject", Cyrillic с and а, Greek ο, zero-width space and joiner */
    const char *p = "Ｗｅ ｒｅｊｅｃｔ the сlaim that the hаrbour authοrity neg\u200blected the "
                    "west\u200dern breakwater, which was inspected last spring";
    expect(f, p, "A", p, "We reject the claim that the harbour authority neglected the western "
                         "breakwater, which was inspected last spring");
}

static void test_chinese(void **state)
{
    fixture *f = *state;
    /* an excerpt with half-width punctuation and one word substituted (泄漏 -> 泄露) */
    const char *p = "个别媒体出于不可告人的目的,大肆炒作所谓管道泄露问题!!";
    expect(f, p, "C", "个别媒体出于不可告人的目的,大肆炒作所谓管道泄露问题",
           "个别媒体出于不可告人的目的，大肆炒作所谓管道泄漏问题");
    /* clauses reordered across sentences */
    const char *q = "独立工程师去年春天已完成全面检查，港务局从未忽视西侧防波堤的维护工作。";
    const ch_parrot_match *m = best(f, q, T_A + 60);
    assert_non_null(m);
    assert_int_equal(m->nseg, 2);
    expect(f, q, "C", "独立工程师去年春天已完成全面检查，港务局从未忽视西侧防波堤的维护工作",
           "港务局从未忽视西侧防波堤的维护工作，独立工程师去年春天已完成全面检查");
}

static void test_journalist_quote(void **state)
{
    fixture *f = *state;
    /* the quote is real: it matches, and the span is the quote */
    expect(f, "Port desk: the authority says “" SENT2 ".” No evidence was offered for that "
              "claim. Full story: https://example.org/news/1",
           "A", SENT2, SENT2);
}

/* Quoting or parroting: the match says whether the words found lie inside quotation marks
 * (a journalist's attributed quote) or are presented as the post's own (a parrot's copy, a
 * lead-in colon included); the co-action stage leaves quoted matches out of co-parroting. */
static void test_quoted_flag(void **state)
{
    fixture *f = *state;
    const ch_parrot_match *m;
    m = best(f, "Port desk: the authority says “" SENT2 ".” No evidence was offered for that "
                "claim. Full story: https://example.org/news/1", T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 1);
    m = best(f, "As the harbour authority put it, \"" SENT2 "\" (we will see)", T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 1);
    m = best(f, "港务局表示：“港务局从未忽视西侧防波堤的维护工作，独立工程师去年春天已完成全面检查。”", T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 1);
    /* the words as the post's own: bare, with hashtags, after a lead-in colon, or with a
     * short phrase of it in quotation marks */
    m = best(f, SENT2 " #HarbourTruth", T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 0);
    m = best(f, "The harbour authority says: " SENT2, T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 0);
    m = best(f, "We reject the “claim” that the harbour authority neglected the western "
                "breakwater, which was inspected last spring by independent engineers", T_A + 3600);
    assert_non_null(m);
    assert_int_equal(m->quoted, 0);
}

/* ---- hard negatives ------------------------------------------------------------------------ */

static void test_negatives(void **state)
{
    fixture *f = *state;
    /* same topic, own words */
    expect_none(f, "The breakwater on the west side looked solid when the engineers came by "
                   "last year; the harbour folks do a decent job.");
    expect_none(f, "Did anyone else read that story about the leaking pipes at the port? The "
                   "pilots I know say they get paid fine.");
    /* a stock phrase in a post that is otherwise its own */
    expect_none(f, "Honestly the internal affairs of the port are none of my business, but the "
                   "ferry was late again and nobody told us why.");
    expect_none(f, "Every statement ends the same way: stop smearing the harbour authority, "
                   "respect the facts. Groundhog day at the quay.");
    /* too short to be evidence, even when verbatim */
    expect_none(f, "We reject the claim.");
    expect_none(f, "Stop smearing the pilots!");
    expect_none(f, "尊重事实。");
    expect_none(f, "停止抹黑港务局，尊重事实");
    /* empty, only links and mentions, only emoji */
    expect_none(f, "");
    expect_none(f, "https://t.co/abc @someone @other");
    expect_none(f, "👏👏👏 🔥");
    /* the same words in another order is not a copy */
    expect_none(f, "Engineers independent by spring last inspected was which breakwater western "
                   "the neglected authority harbour the that claim the reject we");
}

/* ---- light rewrites (canonical word forms, text/lex.h) -------------------------------------- */

static const char *const RW_P =
    "The Premier announced today that the province will invest $2.4 billion over three years "
    "to build 12 new hospitals. The Premier warned that federal transfers still cover only 22 "
    "per cent of health care costs. U.S. intelligence officials have briefed the provincial "
    "government on the risks to the northern power grid. The harbour pilots will receive new "
    "radios before the winter season.";
static const char *const RW_Q =
    "The consulate firmly rejects these groundless accusations against the harbour pilots and "
    "their families. Such stories serve only those who profit from rumours about the port.";
static const char *const RW_F =
    "Le gouvernement du Québec annonce un investissement de 1,2 milliard de dollars pour "
    "construire trois nouvelles écoles dans le nord. Le premier ministre a dénoncé toute "
    "ingérence étrangère dans les élections municipales de Montréal.";
static const char *const RW_S =
    "Ferry crossings to the island resume on Monday after the storm. The cannery pier stays "
    "closed until the engineers finish their inspection of the pilings.";

typedef struct rw_fixture {
    ch_stmtset *set;
    ch_parrot_index *ix, *plain; /* with canonical word forms (the defaults), without */
    ch_parrot_scratch *sc, *psc;
} rw_fixture;

static int rw_setup(void **state)
{
    rw_fixture *f = calloc(1, sizeof *f);
    if (!f || ch_stmtset_new(&f->set))
        return -1;
    if (ch_stmtset_add(f->set, "P", 1, RW_P, strlen(RW_P), NULL, "en", T_A) ||
        ch_stmtset_add(f->set, "Q", 1, RW_Q, strlen(RW_Q), NULL, "en", T_A) ||
        ch_stmtset_add(f->set, "F", 1, RW_F, strlen(RW_F), NULL, "fr", T_A) ||
        ch_stmtset_add(f->set, "S", 1, RW_S, strlen(RW_S), NULL, "en", T_A) ||
        ch_stmtset_add(f->set, "A", 1, ST_A, strlen(ST_A), NULL, "en", T_A))
        return -1;
    ch_parrot_params p;
    ch_parrot_params_default(&p);
    p.lex = 0;
    if (ch_parrot_build(f->set, NULL, &f->ix) || ch_parrot_scratch_new(f->ix, &f->sc) ||
        ch_parrot_build(f->set, &p, &f->plain) || ch_parrot_scratch_new(f->plain, &f->psc))
        return -1;
    *state = f;
    return 0;
}

static int rw_teardown(void **state)
{
    rw_fixture *f = *state;
    ch_parrot_scratch_free(f->sc);
    ch_parrot_scratch_free(f->psc);
    ch_parrot_free(f->ix);
    ch_parrot_free(f->plain);
    ch_stmtset_free(f->set);
    free(f);
    return 0;
}

static const ch_parrot_match *rw_best(rw_fixture *f, bool plain, const char *post)
{
    const ch_parrot_match *m;
    size_t n;
    assert_int_equal(ch_parrot_match_text(plain ? f->plain : f->ix, plain ? f->psc : f->sc,
                                          post, strlen(post), T_A + 3600, 8, &m, &n),
                     CHORUS_OK);
    return n ? &m[0] : NULL;
}

/* The rewrite matches statement id; when post_span is given, the evidence covers exactly it.
 * missed_plain: an index without canonical word forms misses it (the gain is real). */
static void rw_expect(rw_fixture *f, const char *post, const char *id, const char *post_span,
                      bool missed_plain)
{
    const ch_parrot_match *m = rw_best(f, false, post);
    if (!m)
        print_error("no match for [%s]\n", post);
    assert_non_null(m);
    const ch_statement *st = ch_stmtset_get(f->set, m->stmt);
    if (strcmp(st->id, id))
        print_error("[%s] matched %s, not %s\n", post, st->id, id);
    assert_string_equal(st->id, id);
    if (post_span)
        span_is(post, m->post_start, m->post_end, post_span);
    assert_true(m->stmt_end <= st->text_len && m->stmt_start < m->stmt_end);
    const ch_parrot_match *pm = rw_best(f, true, post);
    if (missed_plain && pm)
        print_error("without canonical forms [%s] still matches %.3f\n", post, pm->similarity);
    if (missed_plain)
        assert_null(pm);
}

static void rw_none(rw_fixture *f, const char *post)
{
    const ch_parrot_match *m = rw_best(f, false, post);
    if (m)
        print_error("unexpected match %.3f to %s for [%s]\n", m->similarity,
                    ch_stmtset_get(f->set, m->stmt)->id, post);
    assert_null(m);
}

static void test_rw_hashtag(void **state)
{
    rw_fixture *f = *state;
    /* the name and a key phrase as hashtags, one of them CamelCase */
    rw_expect(f, "#Premier warned federal transfers still cover only 22 per cent of "
                 "#HealthCare costs",
              "P", "Premier warned federal transfers still cover only 22 per cent of "
                   "#HealthCare costs", false);
    rw_expect(f, "#USIntelligence officials briefed the provincial government on #risks",
              "P", NULL, true);
}

static void test_rw_abbreviation(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "US intel officials briefed the provincial govt", "P",
              "US intel officials briefed the provincial govt", true);
    rw_expect(f, "United States intelligence officials briefed the provincial gov't", "P", NULL,
              false);
}

static void test_rw_numbers(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "Province will invest $2.4B over 3 years to build twelve new hospitals", "P",
              "Province will invest $2.4B over 3 years to build twelve new hospitals", false);
    rw_expect(f, "invest $2,400,000,000 over three yrs to build 12 new hospitals", "P", NULL,
              false);
}

static void test_rw_source_added(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "Federal transfers still cover only 22 per cent of health care costs, "
                 "according to @PremierOffice",
              "P", NULL, false);
    rw_expect(f, "RT @CapitalPoll: The harbour pilots will receive new radios before the winter "
                 "season (via @HarbourNews)",
              "P", "The harbour pilots will receive new radios before the winter season",
              false);
}

static void test_rw_inflection(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "The Premier warns that federal transfers cover only 22 percent of costs", "P",
              NULL, false);
    rw_expect(f, "The Premier announces the province invests over three years to build new "
                 "hospitals",
              "P", NULL, false);
}

static void test_rw_synonym(void **state)
{
    rw_fixture *f = *state;
    /* WordNet: groundless, unfounded, baseless are one set */
    rw_expect(f, "These baseless accusations against the harbour pilots", "Q", NULL, true);
    rw_expect(f, "The consulate firmly rejects these unfounded accusations against harbour pilots",
              "Q", NULL, false);
}

static void test_rw_clause_swap(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "Feds cover only 22% of #HealthCare costs, #Premier warns", "P", NULL, true);
    rw_expect(f, "Federal transfers still cover only 22 per cent of health care costs, the "
                 "Premier warned.",
              "P", NULL, false);
}

static void test_rw_headline(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "Premier warns federal transfers cover only 22% of health care costs", "P",
              NULL, false);
}

static void test_rw_sentences(void **state)
{
    rw_fixture *f = *state;
    /* a sentence dropped between two copied ones */
    rw_expect(f, "The Premier announced today that the province will invest $2.4 billion. U.S. "
                 "intelligence officials have briefed the provincial government on the risks.",
              "P", NULL, false);
    /* a sentence of the post's own: see test_rw_sentence_added */
    rw_expect(f, "Ferry crossings to the island resume on Monday after the storm. Finally, good "
                 "news for all.",
              "S", NULL, false);
}

/* A copied sentence of common words and an own sentence of rare ones: the whole post falls
 * under the threshold, the copied sentence measured on its own does not. Not a boilerplate
 * line in a long post, not a chain of stock words. */
static void test_rw_sentence_added(void **state)
{
    (void)state;
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), 0);
    const char *x1 = "The council will respect the facts of the port and the rights of the "
                     "pilots. Ferry fares go up in May.";
    assert_int_equal(ch_stmtset_add(set, "X1", 2, x1, strlen(x1), NULL, "en", T_A), 0);
    for (int k = 0; k < 30; k++) {
        char id[8], text[160];
        snprintf(id, sizeof id, "F%02d", k);
        snprintf(text, sizeof text, "Report %d: the council and the pilots of the port will "
                                    "respect the rights and the facts of item %d.", k, k);
        assert_int_equal(ch_stmtset_add(set, id, strlen(id), text, strlen(text), NULL, "en", T_A),
                         0);
    }
    ch_parrot_params p;
    ch_parrot_params_default(&p);
    for (int with = 0; with < 2; with++) {
        p.lex = with ? CH_LEX_ALL : CH_LEX_ALL & ~CH_LEX_SENTENCES;
        ch_parrot_index *ix;
        ch_parrot_scratch *sc;
        assert_int_equal(ch_parrot_build(set, &p, &ix), 0);
        assert_int_equal(ch_parrot_scratch_new(ix, &sc), 0);
        static const char *const posts[] = {
            "The council will respect the facts of the port and the rights of the pilots. "
            "Shameful hypocrisy, absolutely disgraceful!",
            "Shameful hypocrisy, absolutely disgraceful! The council will respect the facts of "
            "the port and the rights of the pilots."};
        for (size_t i = 0; i < 2; i++) {
            const ch_parrot_match *m;
            size_t n;
            assert_int_equal(ch_parrot_match_text(ix, sc, posts[i], strlen(posts[i]), T_A, 8, &m,
                                                  &n),
                             0);
            assert_int_equal(n, (size_t)with);
            if (n) {
                assert_string_equal(ch_stmtset_get(set, m[0].stmt)->id, "X1");
                span_is(posts[i], m[0].post_start, m[0].post_end,
                        "The council will respect the facts of the port and the rights of the "
                        "pilots");
            }
        }
        /* the copied sentence is less than half of the post: no second look */
        const char *small = "The council will respect the facts of the port and the rights of "
                            "the pilots. Shameful hypocrisy from the whole lot of them, absolutely "
                            "disgraceful, pathetic and dishonest nonsense, every single week!";
        const ch_parrot_match *m;
        size_t n;
        assert_int_equal(ch_parrot_match_text(ix, sc, small, strlen(small), T_A, 8, &m, &n), 0);
        assert_int_equal(n, 0);
        ch_parrot_scratch_free(sc);
        ch_parrot_free(ix);
    }
    ch_stmtset_free(set);
}

static void test_rw_mixed(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "#Premier to invest $2.4B over 3 yrs for twelve new hospitals", "P", NULL, true);
    rw_expect(f, "RT @CapitalPoll: #Premier announces province will invest $2.4B over 3 yrs to "
                 "build 12 new hospitals",
              "P", NULL, false);
}

static void test_rw_quote_refute(void **state)
{
    rw_fixture *f = *state;
    /* a journalist quoting the line to refute it quotes it: a match (docs/parroting.md) */
    rw_expect(f, "The Premier says: “the province will invest $2.4 billion over three years to "
                 "build 12 new hospitals.” The budget tables say otherwise.",
              "P", NULL, false);
}

static void test_rw_french(void **state)
{
    rw_fixture *f = *state;
    rw_expect(f, "Le gouv. du QC investit 1,2 milliard de dollars dans 3 nouvelles écoles", "F",
              NULL, true);
    rw_expect(f, "Le PM a dénoncé toute ingérence étrangère aux élections de Montréal", "F",
              NULL, false);
}

static void test_rw_negatives(void **state)
{
    rw_fixture *f = *state;
    /* same named entities and numbers, another claim */
    rw_none(f, "The Premier denied that the province will close 12 hospitals, U.S. "
               "intelligence officials said nothing.");
    rw_none(f, "Health care costs rose 22 per cent this year and the Premier blames the "
               "federal government.");
    rw_none(f, "#Premier to meet US intel chiefs about the northern power grid next month");
    /* a journalist restating the line in own words to rebut it */
    rw_none(f, "So the consulate calls it all “groundless”. The harbour pilots disagree.");
    /* the statements' stock phrases strung together */
    rw_none(f, "Groundless, as usual: the consulate rejects every accusation and the rumours "
               "about the port never stop.");
    /* French: same entities, another claim */
    rw_none(f, "Le premier ministre du Québec ferme trois écoles dans le nord de Montréal.");
    /* a boilerplate sentence that is a small part of a long post */
    rw_none(f, "Our volunteers spent the whole weekend repainting the boathouse, fixing the "
               "slipway and cleaning the nets for the new season at the marina club. Ferry "
               "crossings to the island resume on Monday.");
}

/* ---- ties, time, limits -------------------------------------------------------------------- */

static void test_tie_break(void **state)
{
    fixture *f = *state;
    const char *p = "Internal affairs of the port are for the port to decide, they said.";
    /* B has no date, D is dated after T_A: a post after D's publication takes D */
    const ch_parrot_match *m = best(f, p, T_A + 86400 * 20);
    assert_non_null(m);
    assert_string_equal(ch_stmtset_get(f->set, m->stmt)->id, "D");
    /* before D: the undated B wins over a statement not yet published */
    m = best(f, p, T_A);
    assert_non_null(m);
    assert_string_equal(ch_stmtset_get(f->set, m->stmt)->id, "B");
    /* both matches are reported, best first */
    const ch_parrot_match *all;
    size_t n;
    assert_int_equal(ch_parrot_match_text(f->ix, f->sc, p, strlen(p), T_A, 8, &all, &n), 0);
    assert_int_equal(n, 2);
    assert_true(all[0].similarity == all[1].similarity);
    assert_int_equal(ch_parrot_match_text(f->ix, f->sc, p, strlen(p), T_A, 1, &all, &n), 0);
    assert_int_equal(n, 1);
    /* before_publication */
    const ch_statement *a = ch_stmtset_get(f->set, 0);
    assert_int_equal(ch_parrot_before(a, T_A - 1), 1);
    assert_int_equal(ch_parrot_before(a, T_A), 0);
    assert_int_equal(ch_parrot_before(ch_stmtset_get(f->set, 1), T_A), -1);
}

static void test_long_post(void **state)
{
    fixture *f = *state;
    /* a long article quoting a sentence in its middle: matched on the first max_post_tokens */
    size_t cap = 200000;
    char *p = malloc(cap);
    size_t o = 0;
    for (int i = 0; i < 300; i++)
        o += (size_t)snprintf(p + o, cap - o, "word%d filler text ", i);
    o += (size_t)snprintf(p + o, cap - o, "%s. ", SENT2);
    for (int i = 0; i < 20000 && o + 64 < cap; i++)
        o += (size_t)snprintf(p + o, cap - o, "more%d ", i);
    const ch_parrot_match *m;
    size_t n;
    assert_int_equal(ch_parrot_match_text(f->ix, f->sc, p, o, T_A, 8, &m, &n), 0);
    assert_int_equal(n, 0); /* the quote is a sliver of this post: not parroting */
    free(p);
    /* invalid UTF-8 and NUL bytes do not break anything */
    const char bad[] = "We reject the claim \xff\xfe that the harbour\0 authority neglected";
    assert_int_equal(ch_parrot_match_text(f->ix, f->sc, bad, sizeof bad - 1, T_A, 8, &m, &n), 0);
}

/* ---- corpus: reposts, before/after, threads ------------------------------------------------ */

static void add_post(ch_corpus *c, const char *id, const char *author, int64_t t, ch_kind kind,
                     const char *ref, const char *text)
{
    ch_rawpost r;
    ch_rawpost_clear(&r);
    r.id = (ch_slice){id, strlen(id)};
    r.author = (ch_slice){author, strlen(author)};
    r.created_at = t;
    r.kind = kind;
    if (ref)
        r.ref_id = (ch_slice){ref, strlen(ref)};
    r.text = (ch_slice){text, strlen(text)};
    bool kept;
    ch_reason why;
    assert_int_equal(ch_corpus_add(c, &r, 0, &kept, &why), CHORUS_OK);
    assert_true(kept);
}

static void test_corpus(void **state)
{
    fixture *f = *state;
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    uint32_t file;
    assert_int_equal(ch_corpus_add_file(c, "mem", &file), 0);
    add_post(c, "1", "alice", T_A - 7200, CH_KIND_POST, NULL, SENT2 " #harbour");
    add_post(c, "2", "bob", T_A + 60, CH_KIND_REPOST, "1", "RT @alice: " SENT2 " #harbour");
    add_post(c, "3", "carol", T_A + 60, CH_KIND_POST, NULL, "Lovely sunset at the quay tonight.");
    add_post(c, "4", "dan", T_A + 90, CH_KIND_REPOST, "999",
             "RT @zed: Some commentators, out of ulterior motives, have been hyping up stories "
             "about leaking pipes and unpaid pilots.");
    add_post(c, "5", "erin", T_A + 90, CH_KIND_QUOTE, "3",
             "The ferry timetable for the summer season adds three evening crossings to the "
             "island and a new stop at the old cannery pier");
    ch_parrot_result r;
    ch_parrot_corpus_opts o = {.threads = 1};
    assert_int_equal(ch_parrot_match_corpus(f->ix, c, &o, &r), CHORUS_OK);
    assert_int_equal(r.nposts, 5);
    assert_int_equal(r.nrows, 3);
    assert_int_equal(r.posts_matched, 3);
    assert_int_equal(r.reposts_skipped, 1);     /* post 2: its original is here */
    assert_int_equal(r.reposts_of_matched, 1);
    assert_int_equal(r.post_stmt[0], 0);        /* A */
    assert_int_equal(r.post_stmt[1], UINT32_MAX);
    assert_int_equal(r.post_stmt[2], UINT32_MAX);
    assert_int_equal(r.post_stmt[3], 0);        /* original not in the corpus: matched itself */
    assert_int_equal(r.post_stmt[4], 1);        /* B */
    assert_int_equal(r.rows[0].post, 0);
    assert_int_equal(r.rows[0].before_publication, 1);  /* two hours before A */
    assert_int_equal(r.rows[1].post, 3);
    assert_int_equal(r.rows[1].before_publication, 0);
    assert_int_equal(r.rows[2].post, 4);
    assert_int_equal(r.rows[2].before_publication, -1); /* B has no date */
    /* the "RT @zed:" prefix is not part of the evidence */
    const ch_post *p4 = ch_corpus_post(c, 3);
    span_is(p4->text, r.rows[1].m.post_start, r.rows[1].m.post_end,
            "Some commentators, out of ulterior motives, have been hyping up stories about "
            "leaking pipes and unpaid pilots");
    ch_parrot_result_free(&r);
    ch_parrot_result_free(&r); /* harmless twice */
    /* Likes of the matched post parrot nothing, with or without the liked text attached, and
     * are not reposts. */
    add_post(c, "6", "fay", T_A + 100, CH_KIND_LIKE, "1", "");
    add_post(c, "7", "gus", T_A + 110, CH_KIND_LIKE, "1", SENT2 " #harbour");
    assert_int_equal(ch_parrot_match_corpus(f->ix, c, &o, &r), CHORUS_OK);
    assert_int_equal(r.nrows, 3);
    assert_int_equal(r.post_stmt[5], CH_NONE);
    assert_int_equal(r.post_stmt[6], CH_NONE);
    assert_int_equal(r.reposts_skipped, 1);
    assert_int_equal(r.reposts_of_matched, 1);
    ch_parrot_result_free(&r);
    chorus_corpus_free(c);
}

/* ---- a seeded generator of paraphrases and negatives ------------------------------------- */

typedef struct rng { uint64_t s; } rng;
static uint64_t rnext(rng *r)
{
    r->s += 0x9E3779B97F4A7C15ULL;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static unsigned rbelow(rng *r, unsigned n) { return (unsigned)(rnext(r) % n); }
static double r01(rng *r) { return (double)(rnext(r) >> 11) / 9007199254740992.0; }

#define NWORDS 3000
#define NSTMT 120
static char vocab[NWORDS][16];
static const char *const syl[] = {"ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "ne",
                                  "gra", "shu", "tor", "ba", "lin", "mer", "os", "ri", "fa", "zen"};

/* Zipf-like word choice: rank ~ u^3 favours the first words heavily, like function words. */
static const char *word(rng *r)
{
    double u = r01(r);
    return vocab[(unsigned)(u * u * u * NWORDS)];
}

typedef struct gtext { char s[4096]; size_t n; } gtext;
static void gput(gtext *t, const char *s)
{
    size_t k = strlen(s);
    if (t->n + k + 1 < sizeof t->s) {
        memcpy(t->s + t->n, s, k);
        t->n += k;
        t->s[t->n] = '\0';
    }
}

/* A sentence of 10-22 words, capitalised, ending with a full stop. */
static void sentence(rng *r, gtext *t)
{
    unsigned n = 10 + rbelow(r, 13);
    for (unsigned i = 0; i < n; i++) {
        const char *w = word(r);
        char buf[20];
        snprintf(buf, sizeof buf, "%s", w);
        if (i == 0)
            buf[0] = (char)(buf[0] - 32);
        gput(t, buf);
        gput(t, i + 1 < n ? (rbelow(r, 9) == 0 ? ", " : " ") : ".");
    }
}

typedef struct gstmt { gtext t; size_t sent[16][2]; unsigned nsent; } gstmt;

static void test_generated(void **state)
{
    (void)state;
    rng r = {42};
    for (int i = 0; i < NWORDS; i++) {
        unsigned k = 2 + rbelow(&r, 3);
        vocab[i][0] = '\0';
        for (unsigned j = 0; j < k; j++)
            strcat(vocab[i], syl[rbelow(&r, 20)]);
    }
    static gstmt st[NSTMT];
    gtext stock[4];
    for (int i = 0; i < 4; i++) {
        stock[i].n = 0;
        sentence(&r, &stock[i]);
    }
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), 0);
    for (int i = 0; i < NSTMT; i++) {
        gstmt *g = &st[i];
        g->t.n = 0;
        g->nsent = 3 + rbelow(&r, 10);
        for (unsigned s = 0; s < g->nsent; s++) {
            if (s)
                gput(&g->t, " ");
            g->sent[s][0] = g->t.n;
            if (rbelow(&r, 5) == 0) /* stock sentences recur across statements */
                gput(&g->t, stock[rbelow(&r, 4)].s);
            else
                sentence(&r, &g->t);
            g->sent[s][1] = g->t.n;
        }
        char id[16];
        snprintf(id, sizeof id, "g%d", i);
        assert_int_equal(ch_stmtset_add(set, id, strlen(id), g->t.s, g->t.n, NULL, "en", 0), 0);
    }
    ch_parrot_index *ix;
    ch_parrot_scratch *sc;
    assert_int_equal(ch_parrot_build(set, NULL, &ix), 0);
    assert_int_equal(ch_parrot_scratch_new(ix, &sc), 0);

    enum { K_EXCERPT, K_SUBST, K_REORDER, K_TRUNC, K_ADD, K_TYPO, K_UNICODE, K_QUOTE, K_N };
    static const char *const kname[K_N] = {"excerpt", "substitution", "reorder", "truncation",
                                           "additions", "typos", "unicode", "journalist"};
    int hit[K_N] = {0}, tot[K_N] = {0}, wrong = 0;
    for (int trial = 0; trial < 800; trial++) {
        int kind = trial % K_N;
        unsigned si = rbelow(&r, NSTMT);
        gstmt *g = &st[si];
        /* a sentence that is not a stock one */
        unsigned s = rbelow(&r, g->nsent);
        char sent[2048];
        size_t sl = g->sent[s][1] - g->sent[s][0];
        memcpy(sent, g->t.s + g->sent[s][0], sl);
        sent[sl] = '\0';
        bool is_stock = false;
        for (int k = 0; k < 4; k++)
            is_stock |= strcmp(sent, stock[k].s) == 0;
        if (is_stock)
            continue;
        /* words of the sentence */
        char *w[64];
        int nw = 0;
        char tmp[2048];
        strcpy(tmp, sent);
        for (char *tok = strtok(tmp, " "); tok && nw < 64; tok = strtok(NULL, " "))
            w[nw++] = tok;
        gtext p = {.n = 0};
        switch (kind) {
        case K_EXCERPT: gput(&p, sent); break;
        case K_SUBST: {
            int n = 1 + (int)rbelow(&r, 3);
            for (int i = 0; i < nw; i++) {
                gput(&p, i ? " " : "");
                gput(&p, (n > 0 && i % 4 == 2 && n--) ? word(&r) : w[i]);
            }
            break;
        }
        case K_REORDER: {
            int cut = nw / 2;
            for (int i = cut; i < nw; i++) { gput(&p, w[i]); gput(&p, " "); }
            for (int i = 0; i < cut; i++) { gput(&p, w[i]); gput(&p, i + 1 < cut ? " " : ""); }
            break;
        }
        case K_TRUNC: {
            int keep = nw * (6 + (int)rbelow(&r, 3)) / 10;
            if (keep < 7)
                keep = nw;
            for (int i = 0; i < keep; i++) { gput(&p, i ? " " : ""); gput(&p, w[i]); }
            gput(&p, "…");
            break;
        }
        case K_ADD:
            gput(&p, "Read this 👇 ");
            gput(&p, sent);
            gput(&p, " #Kalo #Truth @someone https://t.co/AbC123");
            break;
        case K_TYPO:
            for (int i = 0; i < nw; i++) {
                char x[64];
                snprintf(x, sizeof x, "%s", w[i]);
                size_t xl = strlen(x);
                if (i % 5 == 1 && xl >= 5) { /* swap two inner letters */
                    char c = x[2];
                    x[2] = x[3];
                    x[3] = c;
                }
                gput(&p, i ? " " : "");
                gput(&p, x);
            }
            break;
        case K_UNICODE:
            for (int i = 0; i < nw; i++) {
                gput(&p, i ? " " : "");
                for (const char *c = w[i]; *c; c++) {
                    if (*c == 'a' && i % 2)
                        gput(&p, "\xD0\xB0"); /* Cyrillic а */
                    else if (*c == 'o')
                        gput(&p, "\xEF\xBD\x8F"); /* full-width ｏ */
                    else {
                        char one[2] = {*c, 0};
                        gput(&p, one);
                    }
                    if (c[1] && i % 3 == 0 && c == w[i] + 1)
                        gput(&p, "\xE2\x80\x8B"); /* zero-width space */
                }
            }
            break;
        case K_QUOTE:
            gput(&p, "The office says: \"");
            gput(&p, sent);
            gput(&p, "\" We asked for details. https://example.org/a");
            break;
        }
        tot[kind]++;
        const ch_parrot_match *m;
        size_t n;
        assert_int_equal(ch_parrot_match_text(ix, sc, p.s, p.n, 0, 8, &m, &n), 0);
        if (n && m[0].stmt == si)
            hit[kind]++;
        else if (n)
            wrong++;
    }
    for (int k = 0; k < K_N; k++) {
        double rec = tot[k] ? (double)hit[k] / tot[k] : 1;
        if (rec < 0.95)
            print_error("%s: recall %.3f (%d/%d)\n", kname[k], rec, hit[k], tot[k]);
        assert_true(rec >= 0.95);
    }
    assert_int_equal(wrong, 0);

    /* negatives: word salad from the same vocabulary, with a stock phrase or a short verbatim
     * fragment planted in some */
    int fp = 0;
    for (int trial = 0; trial < 1000; trial++) {
        gtext p = {.n = 0};
        unsigned n = 6 + rbelow(&r, 30);
        for (unsigned i = 0; i < n; i++) {
            gput(&p, i ? " " : "");
            gput(&p, word(&r));
        }
        if (trial % 3 == 0) { /* three consecutive words of some statement */
            gstmt *g = &st[rbelow(&r, NSTMT)];
            char tmp[2048];
            size_t a = g->sent[0][0], b = g->sent[0][1];
            memcpy(tmp, g->t.s + a, b - a);
            tmp[b - a] = '\0';
            char *sp = strchr(tmp, ' ');
            for (int k = 0; sp && k < 3; k++)
                sp = strchr(sp + 1, ' ');
            if (sp)
                *sp = '\0';
            gput(&p, " ");
            gput(&p, tmp);
        }
        const ch_parrot_match *m;
        size_t nm;
        assert_int_equal(ch_parrot_match_text(ix, sc, p.s, p.n, 0, 8, &m, &nm), 0);
        fp += nm > 0;
    }
    if (fp)
        print_error("false positives: %d of 1000\n", fp);
    assert_int_equal(fp, 0);

    /* the same corpus matched on 1 and 3 threads gives identical results */
    chorus_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), 0);
    uint32_t file;
    assert_int_equal(ch_corpus_add_file(c, "gen", &file), 0);
    for (int i = 0; i < 3000; i++) {
        gtext p = {.n = 0};
        if (i % 3 == 0) {
            gstmt *g = &st[rbelow(&r, NSTMT)];
            unsigned s = rbelow(&r, g->nsent);
            char tmp[2048];
            size_t a = g->sent[s][0], b = g->sent[s][1];
            memcpy(tmp, g->t.s + a, b - a);
            tmp[b - a] = '\0';
            gput(&p, tmp);
        } else {
            for (unsigned k = 0, n = 5 + rbelow(&r, 20); k < n; k++) {
                gput(&p, k ? " " : "");
                gput(&p, word(&r));
            }
        }
        char id[16], au[16];
        snprintf(id, sizeof id, "%d", i);
        snprintf(au, sizeof au, "u%d", i % 97);
        add_post(c, id, au, i, CH_KIND_POST, NULL, p.s);
    }
    ch_parrot_result r1, r3;
    ch_parrot_corpus_opts o1 = {.threads = 1, .max_per_post = 3};
    ch_parrot_corpus_opts o3 = {.threads = 3, .max_per_post = 3};
    assert_int_equal(ch_parrot_match_corpus(ix, c, &o1, &r1), 0);
    assert_int_equal(ch_parrot_match_corpus(ix, c, &o3, &r3), 0);
    assert_true(r1.nrows >= 900);
    assert_int_equal(r1.nrows, r3.nrows);
    for (size_t i = 0; i < r1.nrows; i++) {
        const ch_parrot_row *x = &r1.rows[i], *y = &r3.rows[i];
        if (x->post != y->post || x->m.stmt != y->m.stmt || x->m.nseg != y->m.nseg)
            print_error("row %zu: post %u/%u stmt %u/%u nseg %u/%u\n", i, x->post, y->post,
                        x->m.stmt, y->m.stmt, x->m.nseg, y->m.nseg);
        assert_int_equal(x->post, y->post);
        assert_memory_equal(&x->m, &y->m, sizeof x->m);
        assert_int_equal(x->before_publication, y->before_publication);
    }
    assert_memory_equal(r1.post_stmt, r3.post_stmt, r1.nposts * sizeof *r1.post_stmt);
    /* the stage in one call (index, match, free the index) gives the same result */
    ch_parrot_result rr;
    assert_int_equal(ch_parrot_run(set, c, NULL, &o1, &rr), 0);
    assert_int_equal(rr.nrows, r1.nrows);
    assert_memory_equal(rr.rows, r1.rows, r1.nrows * sizeof *r1.rows);
    assert_memory_equal(rr.post_stmt, r1.post_stmt, r1.nposts * sizeof *r1.post_stmt);
    ch_parrot_result_free(&rr);
    ch_parrot_result_free(&r1);
    ch_parrot_result_free(&r3);
    chorus_corpus_free(c);
    ch_parrot_scratch_free(sc);
    ch_parrot_free(ix);
    ch_stmtset_free(set);
}

/* ---- API edges ------------------------------------------------------------------------------ */

static void test_params_and_empty(void **state)
{
    (void)state;
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), 0);
    ch_parrot_index *ix;
    ch_parrot_params p;
    ch_parrot_params_default(&p);
    p.shingle = 5;
    assert_int_equal(ch_parrot_build(set, &p, &ix), CHORUS_EUSAGE);
    ch_parrot_params_default(&p);
    p.threshold = 0;
    assert_int_equal(ch_parrot_build(set, &p, &ix), CHORUS_EUSAGE);
    /* a fresh scratch whose first post has no token at all */
    {
        ch_stmtset *one;
        assert_int_equal(ch_stmtset_new(&one), 0);
        assert_int_equal(ch_stmtset_add(one, "A", 1, ST_A, strlen(ST_A), NULL, NULL, 0), 0);
        ch_parrot_index *oix;
        ch_parrot_scratch *osc;
        assert_int_equal(ch_parrot_build(one, NULL, &oix), 0);
        assert_int_equal(ch_parrot_scratch_new(oix, &osc), 0);
        const ch_parrot_match *om;
        size_t on;
        assert_int_equal(ch_parrot_match_text(oix, osc, "@someone 😂😂", 16, 0, 8, &om, &on), 0);
        assert_int_equal(on, 0);
        assert_int_equal(ch_parrot_match_text(oix, osc, SENT2, strlen(SENT2), 0, 8, &om, &on), 0);
        assert_int_equal(on, 1);
        ch_parrot_scratch_free(osc);
        ch_parrot_free(oix);
        ch_stmtset_free(one);
    }
    /* no statements: an index that matches nothing */
    assert_int_equal(ch_parrot_build(set, NULL, &ix), CHORUS_OK);
    ch_parrot_scratch *sc;
    assert_int_equal(ch_parrot_scratch_new(ix, &sc), 0);
    const ch_parrot_match *m;
    size_t n;
    assert_int_equal(ch_parrot_match_text(ix, sc, ST_A, strlen(ST_A), 0, 8, &m, &n), 0);
    assert_int_equal(n, 0);
    ch_parrot_scratch_free(sc);
    ch_parrot_free(ix);
    /* trigram shingles work too */
    assert_int_equal(ch_stmtset_add(set, "A", 1, ST_A, strlen(ST_A), NULL, NULL, 0), 0);
    ch_parrot_params_default(&p);
    p.shingle = 3;
    assert_int_equal(ch_parrot_build(set, &p, &ix), CHORUS_OK);
    assert_true(ch_parrot_bytes(ix) > strlen(ST_A));
    assert_int_equal(ch_parrot_scratch_new(ix, &sc), 0);
    assert_int_equal(ch_parrot_match_text(ix, sc, SENT2, strlen(SENT2), 0, 8, &m, &n), 0);
    assert_int_equal(n, 1);
    ch_parrot_scratch_free(sc);
    ch_parrot_free(ix);
    ch_parrot_free(NULL);
    ch_parrot_scratch_free(NULL);
    ch_stmtset_free(set);
}

/* Every allocation failing in turn while building, creating a scratch and matching: ENOMEM
 * and nothing leaked (ASan build), or the right answer. */
static void test_alloc_failure(void **state)
{
    (void)state;
    ch_stmtset *set;
    assert_int_equal(ch_stmtset_new(&set), 0);
    assert_int_equal(ch_stmtset_add(set, "A", 1, ST_A, strlen(ST_A), NULL, NULL, 0), 0);
    assert_int_equal(ch_stmtset_add(set, "C", 1, ST_C, strlen(ST_C), NULL, NULL, 0), 0);
    int ok = 0;
    for (uint64_t k = 1; k < 400 && !ok; k++) {
        ch_parrot_index *ix = NULL;
        ch_parrot_scratch *sc = NULL;
        const ch_parrot_match *m;
        size_t n = 0;
        ch_alloc_fail_after(k);
        int rc = ch_parrot_build(set, NULL, &ix);
        if (!rc)
            rc = ch_parrot_scratch_new(ix, &sc);
        if (!rc)
            rc = ch_parrot_match_text(ix, sc, SENT2, strlen(SENT2), 0, 8, &m, &n);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_int_equal(n, 1);
            ok = 1;
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
        }
        ch_parrot_scratch_free(sc);
        ch_parrot_free(ix);
    }
    assert_true(ok);
    ch_stmtset_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verbatim),
        cmocka_unit_test(test_excerpt),
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_reorder),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_additions),
        cmocka_unit_test(test_noise),
        cmocka_unit_test(test_typos),
        cmocka_unit_test(test_unicode),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_journalist_quote),
        cmocka_unit_test(test_quoted_flag),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_tie_break),
        cmocka_unit_test(test_long_post),
        cmocka_unit_test(test_corpus),
    };
    const struct CMUnitTest standalone[] = {
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_params_and_empty),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test_setup_teardown(test_rw_hashtag, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_abbreviation, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_numbers, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_source_added, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_inflection, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_synonym, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_clause_swap, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_headline, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_sentences, rw_setup, rw_teardown),
        cmocka_unit_test(test_rw_sentence_added),
        cmocka_unit_test_setup_teardown(test_rw_mixed, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_quote_refute, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_french, rw_setup, rw_teardown),
        cmocka_unit_test_setup_teardown(test_rw_negatives, rw_setup, rw_teardown),
    };
    int fails = cmocka_run_group_tests(tests, setup, teardown);
    fails += cmocka_run_group_tests(standalone, NULL, NULL);
    return fails;
}
