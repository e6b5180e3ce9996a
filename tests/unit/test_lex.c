/* test_lex.c — the canonical word forms of the parroting matcher (text/lex.h): hashtag and
 * mention words, abbreviations and acronyms, numbers, stems (English, French, irregular
 * forms), WordNet synonyms, the language guess, offsets, hostile input and allocation
 * failure. All texts are written for these tests. */
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
#include "text/abbrev.h"
#include "text/lex.h"
#include "text/normalize.h"
#include "text/stem.h"
#include "text/wordnet.h"

#define MAXT 256

/* One text as canonical tokens: hashes, normalized words, flags, words counts. */
typedef struct toks {
    size_t n;
    uint64_t h[MAXT];
    char w[MAXT][64];
    uint8_t flags[MAXT], words[MAXT];
    uint32_t os[MAXT], oe[MAXT];
    ch_lang lang;
} toks;

static bool known_words(const void *ctx, uint64_t h)
{
    for (const char *const *w = ctx; *w; w++)
        if (ch_tok_hash(*w, strlen(*w)) == h)
            return true;
    return false;
}

static void lex_known(unsigned opts, const char *text, ch_lang lang, const char *const *known,
                      toks *t)
{
    ch_lex *lx;
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    assert_int_equal(ch_lex_new(opts, &lx), CHORUS_OK);
    size_t len = strlen(text);
    assert_int_equal(ch_normalize(text, len, CH_NORM_MAP | ch_lex_norm_flags(opts), &nb),
                     CHORUS_OK);
    const ch_lex_tok *lt;
    size_t n;
    assert_int_equal(ch_lex_tokens(lx, text, len, &nb, lang, known ? known_words : NULL, known,
                                   MAXT, &lt, &n, &t->lang),
                     CHORUS_OK);
    assert_true(n <= MAXT);
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        assert_true(lt[i].ns < lt[i].ne && lt[i].ne <= nb.len);
        assert_true(lt[i].os <= len && lt[i].oe <= len && lt[i].os < lt[i].oe);
        assert_true(lt[i].words <= 8);
        if (i)
            assert_true(lt[i].ns >= lt[i - 1].ne && lt[i].os >= lt[i - 1].os);
        t->h[i] = lt[i].hash;
        snprintf(t->w[i], sizeof t->w[i], "%.*s", (int)(lt[i].ne - lt[i].ns), nb.s + lt[i].ns);
        t->flags[i] = lt[i].flags;
        t->words[i] = lt[i].words;
        t->os[i] = lt[i].os;
        t->oe[i] = lt[i].oe;
    }
    ch_lex_free(lx);
    ch_normbuf_free(&nb);
}

static void lex(unsigned opts, const char *text, ch_lang lang, toks *t)
{
    lex_known(opts, text, lang, NULL, t);
}

/* a and b give the same canonical token sequence */
static void same(unsigned opts, ch_lang lang, const char *a, const char *b)
{
    toks x, y;
    lex(opts, a, lang, &x);
    lex(opts, b, lang, &y);
    bool eq = x.n == y.n;
    for (size_t i = 0; eq && i < x.n; i++)
        eq = x.h[i] == y.h[i];
    if (!eq)
        print_error("not the same: [%s] (%zu tokens) and [%s] (%zu tokens)\n", a, x.n, b, y.n);
    assert_true(eq);
}

static void differ(unsigned opts, ch_lang lang, const char *a, const char *b)
{
    toks x, y;
    lex(opts, a, lang, &x);
    lex(opts, b, lang, &y);
    bool eq = x.n == y.n;
    for (size_t i = 0; eq && i < x.n; i++)
        eq = x.h[i] == y.h[i];
    if (eq)
        print_error("the same: [%s] and [%s]\n", a, b);
    assert_false(eq);
}

/* ---- no option: the tokenizer's stream --------------------------------------------------------- */

static void test_off(void **state)
{
    (void)state;
    const char *text = "RT @harbourwatch: The #HongKong ferry adds 3 crossings, per cent. 港务局";
    toks t;
    lex(0, text, CH_LANG_UNKNOWN, &t);
    ch_normbuf nb;
    ch_normbuf_init(&nb);
    assert_int_equal(ch_normalize(text, strlen(text), CH_NORM_MAP, &nb), CHORUS_OK);
    ch_tokiter it;
    size_t a, e, i = 0;
    ch_tok_init(&it, nb.s, nb.len);
    while (ch_tok_next(&it, &a, &e)) {
        assert_true(i < t.n);
        assert_true(t.h[i] == ch_tok_hash(nb.s + a, e - a));
        assert_int_equal(t.words[i], 1);
        i++;
    }
    assert_int_equal(i, t.n);
    /* the mention is gone (as normalization removes it); the hashtag is one flagged word */
    assert_string_equal(t.w[0], "rt");
    assert_string_equal(t.w[1], "the");
    assert_string_equal(t.w[2], "hongkong");
    assert_int_equal(t.flags[2], CH_LEXT_TAG);
    assert_int_equal(t.flags[1], 0);
    ch_normbuf_free(&nb);
}

/* ---- hashtags and mentions --------------------------------------------------------------------- */

static void test_tags(void **state)
{
    (void)state;
    toks t;
    lex(CH_LEX_TAGS, "Stop smearing #StopSmearingChina now", CH_LANG_EN, &t);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.w[2], "stop");
    assert_string_equal(t.w[3], "smearing");
    assert_string_equal(t.w[4], "china");
    assert_int_equal(t.flags[2], CH_LEXT_TAG);
    assert_int_equal(t.flags[3], CH_LEXT_TAG | CH_LEXT_PIECE);
    assert_int_equal(t.flags[5], 0);
    /* each piece points at its own letters in the original */
    const char *o = "Stop smearing #StopSmearingChina now";
    assert_memory_equal(o + t.os[3], "Smearing", 8);
    assert_int_equal(t.oe[3] - t.os[3], 8);
    /* a split tag and the words it spells meet */
    same(CH_LEX_TAGS, CH_LANG_EN, "protests in #HongKong today", "protests in Hong Kong today");
    same(CH_LEX_TAGS | CH_LEX_ABBREV, CH_LANG_EN, "#HongKong ferry", "Hong Kong ferry");
    /* runs of capitals, digits; not one-letter pieces */
    lex(CH_LEX_TAGS, "#NASAData #elxn44 #iPhone #eBay C#", CH_LANG_EN, &t);
    assert_int_equal(t.n, 7);
    assert_string_equal(t.w[0], "nasa");
    assert_string_equal(t.w[1], "data");
    assert_string_equal(t.w[2], "elxn");
    assert_string_equal(t.w[3], "44");
    assert_string_equal(t.w[4], "iphone");
    assert_string_equal(t.w[5], "ebay");
    assert_string_equal(t.w[6], "c"); /* "C#" is no hashtag */
    assert_int_equal(t.flags[6], 0);
    /* mentions: names become words; a one-word handle stays out, as before */
    lex(CH_LEX_TAGS, "@JustinTrudeau and @quaywatch and @Mark_Smith", CH_LANG_EN, &t);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.w[0], "justin");
    assert_string_equal(t.w[1], "trudeau");
    assert_int_equal(t.flags[0], CH_LEXT_TAG | CH_LEXT_MENTION);
    assert_string_equal(t.w[2], "and");
    assert_string_equal(t.w[3], "and");
    assert_string_equal(t.w[4], "mark");
    assert_string_equal(t.w[5], "smith");
    /* an e-mail address is no mention */
    lex(CH_LEX_TAGS, "write to press@embassy.example", CH_LANG_EN, &t);
    assert_int_equal(t.flags[2], 0);
}

static void test_tags_known_words(void **state)
{
    (void)state;
    static const char *const vocab[] = {"hong", "kong", "cold", "war", "the", "rapist",
                                        "therapist", "pen", "is", "penis", "land", "island", NULL};
    toks t;
    /* one case: split only into known words */
    lex_known(CH_LEX_TAGS, "#hongkong #COLDWAR", CH_LANG_EN, vocab, &t);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.w[0], "hong");
    assert_string_equal(t.w[1], "kong");
    assert_string_equal(t.w[2], "cold");
    assert_string_equal(t.w[3], "war");
    /* a known word is not split ("therapist" is not "the rapist") */
    lex_known(CH_LEX_TAGS, "#therapist", CH_LANG_EN, vocab, &t);
    assert_int_equal(t.n, 1);
    /* unknown pieces: not split */
    lex_known(CH_LEX_TAGS, "#hongkongers", CH_LANG_EN, vocab, &t);
    assert_int_equal(t.n, 1);
    /* two splits with as few pieces ("pen is land" / "penis land"? no: "penis"+"land" is two,
     * "pen"+"island" is two): ambiguous, not split */
    lex_known(CH_LEX_TAGS, "#penisland", CH_LANG_EN, vocab, &t);
    assert_int_equal(t.n, 1);
    /* mentions are never split by known words */
    lex_known(CH_LEX_TAGS, "@hongkong hello", CH_LANG_EN, vocab, &t);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.w[0], "hello");
}

/* ---- abbreviations and acronyms ---------------------------------------------------------------- */

static void test_abbreviations(void **state)
{
    (void)state;
    const unsigned o = CH_LEX_ABBREV;
    same(o, CH_LANG_EN, "U.S. intelligence agencies", "US intel agencies");
    same(o, CH_LANG_EN, "U.S. intelligence agencies", "United States intelligence agencies");
    same(o, CH_LANG_EN, "the USA said", "the U.S said");
    same(o, CH_LANG_EN, "the govt said", "the government said");
    same(o, CH_LANG_EN, "the gov't said", "the government said");
    same(o, CH_LANG_EN, "Cdn MPs agree", "Canadian members of Parliament agree");
    same(o, CH_LANG_EN, "the PM spoke", "the Prime Minister spoke");
    same(o, CH_LANG_EN, "the RCMP and CSIS", "the rcmp and csis"); /* no common word: any case */
    same(o, CH_LANG_EN, "the PRC", "the People's Republic of China");
    same(o, CH_LANG_EN, "on Feb. 24", "on February 24");
    same(o, CH_LANG_EN, "talks w/ Ottawa", "talks with Ottawa");
    /* acronyms that spell a word need capitals (in a text that is not all capitals) or dots */
    differ(o, CH_LANG_EN, "tell us now", "tell US now");
    same(o, CH_LANG_EN, "tell us now", "TELL US NOW");
    differ(o, CH_LANG_EN, "who said it", "WHO said it");
    /* times are not acronyms; "w" alone is a letter */
    differ(o, CH_LANG_EN, "at 3 p.m. today", "at 3 PM today");
    differ(o, CH_LANG_EN, "plan w now", "plan with now");
    /* French */
    same(o, CH_LANG_FR, "les É.-U. et le gouv. du QC", "les États-Unis et le gouvernement du Québec");
    same(o, CH_LANG_FR, "selon ONU", "selon Nations unies");
    same(o, CH_LANG_FR, "la GRC enquête", "la Gendarmerie royale du Canada enquête");
    /* a joined name counts its words; a dotted acronym is one word */
    toks t;
    lex(o, "the United States said", CH_LANG_EN, &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.words[1], 2);
    lex(o, "the U.S. said", CH_LANG_EN, &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.words[1], 1);
}

/* The full stop of "U.S." and "Feb." belongs to them: what follows starts after it, so no
 * sentence end is seen there (the matcher looks for one in [oe, next os)). */
static void test_abbreviation_stops(void **state)
{
    (void)state;
    const char *text = "The U.S. intel memo of Feb. 24 was leaked. It said";
    toks t;
    lex(CH_LEX_ABBREV, text, CH_LANG_EN, &t);
    /* the u.s. u s intelligence memo of february 24 ... */
    assert_string_equal(t.w[1], "u s");
    assert_memory_equal(text + t.oe[1], " intel", 6);
    assert_string_equal(t.w[5], "feb");
    assert_memory_equal(text + t.oe[5], " 24", 3);
    /* a real sentence end stays */
    size_t k = 0;
    while (k < t.n && strcmp(t.w[k], "leaked"))
        k++;
    assert_true(k + 1 < t.n);
    assert_memory_equal(text + t.oe[k], ". It", 4);
}

/* ---- numbers ----------------------------------------------------------------------------------- */

static void test_numbers(void **state)
{
    (void)state;
    const unsigned o = CH_LEX_NUMBERS | CH_LEX_ABBREV;
    same(o, CH_LANG_EN, "about 1.7 million people", "about 1,700,000 people");
    same(o, CH_LANG_EN, "about 1.7 million people", "about 1.7M people");
    same(o, CH_LANG_EN, "about 1.7 million people", "about 1.7m people");
    same(o, CH_LANG_EN, "spend $2.4 billion", "spend $2.4bn");
    same(o, CH_LANG_EN, "spend $2.4 billion", "spend $2,400,000,000");
    same(o, CH_LANG_EN, "more than 12,000 jobs", "more than 12k jobs");
    same(o, CH_LANG_EN, "more than 12,000 jobs", "more than 12000 jobs");
    same(o, CH_LANG_EN, "fell to 5.2 per cent", "fell to 5.2%");
    same(o, CH_LANG_EN, "fell to 5.2 per cent", "fell to 5.2 percent");
    same(o, CH_LANG_EN, "fell to 5.2 per cent", "fell to 5.2pc");
    same(o, CH_LANG_EN, "fell to 5.20 % today", "fell to 5.2 per cent today");
    same(o, CH_LANG_EN, "three new hospitals", "3 new hospitals");
    same(o, CH_LANG_EN, "twenty five years", "25 years");
    same(o, CH_LANG_EN, "a thousand times", "1,000 times");
    same(o, CH_LANG_EN, "two million", "2,000,000");
    same(o, CH_LANG_EN, "the first time", "the 1st time");
    /* lists and scores stay apart; a decimal comma is French */
    differ(o, CH_LANG_EN, "in 2019, 2021", "in 20192021");
    differ(o, CH_LANG_EN, "1,7 million", "1.7 million");
    differ(o, CH_LANG_EN, "62%", "62");
    /* "a" and "million" alone are words */
    same(o, CH_LANG_EN, "a plan", "a plan");
    differ(o, CH_LANG_EN, "millions of people", "1000000 of people");
    /* French conventions */
    same(o, CH_LANG_FR, "1,2 milliard de dollars", "1 200 000 000 de dollars");
    same(o, CH_LANG_FR, "4,5 pour cent", "4,5 %");
    same(o, CH_LANG_FR, "2 000 logements", "2000 logements");
    same(o, CH_LANG_FR, "trois écoles", "3 écoles");
    /* a number read from several words counts them */
    toks t;
    lex(o, "about 1.7 million people", CH_LANG_EN, &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.words[1], 3);
    /* the last word of a text still sees its percent sign */
    same(o, CH_LANG_EN, "a poll finds 64%", "a poll finds 64 per cent");
}

/* ---- stems ------------------------------------------------------------------------------------- */

static void test_stemming(void **state)
{
    (void)state;
    const unsigned o = CH_LEX_STEM;
    same(o, CH_LANG_EN, "the premier warned", "the premier warns");
    same(o, CH_LANG_EN, "the premier warned", "the premier warning");
    same(o, CH_LANG_EN, "these accusations", "these accused");
    same(o, CH_LANG_EN, "smearing China", "smears China");
    /* irregular forms through WordNet's exception lists */
    same(o, CH_LANG_EN, "a poll found that", "a poll finds that");
    same(o, CH_LANG_EN, "they chose to", "they choose to");
    assert_string_equal(ch_wn_base_form(ch_tok_hash("found", 5)), "find");
    assert_null(ch_wn_base_form(ch_tok_hash("ground", 6))); /* the noun is the commoner word */
    assert_true(ch_wn_irregular_count() > 1000);
    /* French, with and without accents in the text */
    same(o, CH_LANG_FR, "elle a dénoncé", "elle a dénonce");
    same(o, CH_LANG_FR, "annonce investissement", "annoncée investissements");
    same(o, CH_LANG_FR, "elle DÉNONCE", "elle dénonce");
    /* other languages are not stemmed */
    differ(o, CH_LANG_OTHER, "the premier warned", "the premier warns");
    /* the stemmer itself */
    ch_stemmer *st;
    char out[64];
    assert_int_equal(ch_stemmer_new(&st), CHORUS_OK);
    size_t n = ch_stem(st, CH_LANG_EN, "politicizing", 12, out, sizeof out);
    assert_int_equal(n, 7);
    assert_memory_equal(out, "politic", 7);
    assert_int_equal(ch_stem(st, CH_LANG_OTHER, "politicizing", 12, out, sizeof out), 0);
    assert_int_equal(ch_stem(st, CH_LANG_EN, "is", 2, out, sizeof out), 0);
    ch_stemmer_free(st);
    assert_int_equal(ch_lang_from_code("en-GB"), CH_LANG_EN);
    assert_int_equal(ch_lang_from_code("fra"), CH_LANG_FR);
    assert_int_equal(ch_lang_from_code("zh"), CH_LANG_OTHER);
    assert_int_equal(ch_lang_from_code("und"), CH_LANG_UNKNOWN);
    assert_int_equal(ch_lang_from_code(NULL), CH_LANG_UNKNOWN);
}

static void test_language_guess(void **state)
{
    (void)state;
    toks t;
    lex(CH_LEX_ALL, "The embassy has rejected the claims of the report", CH_LANG_UNKNOWN, &t);
    assert_int_equal(t.lang, CH_LANG_EN);
    lex(CH_LEX_ALL, "Le consulat rejette les accusations publiées par certains médias",
        CH_LANG_UNKNOWN, &t);
    assert_int_equal(t.lang, CH_LANG_FR);
    lex(CH_LEX_ALL, "El gobierno y los medios del país con las cifras", CH_LANG_UNKNOWN, &t);
    assert_int_equal(t.lang, CH_LANG_OTHER);
    lex(CH_LEX_ALL, "#cdnpoli interference claims absurd", CH_LANG_UNKNOWN, &t);
    assert_int_equal(t.lang, CH_LANG_EN); /* no function word: English */
    /* an English comment on a French quotation: each part in its language */
    toks a, b;
    lex(CH_LEX_ALL, "The minister says: « Le consulat rejette les accusations publiées. » Really?",
        CH_LANG_UNKNOWN, &a);
    lex(CH_LEX_ALL, "Le consulat rejette les accusations publiées.", CH_LANG_FR, &b);
    bool found = false;
    for (size_t i = 0; i + b.n <= a.n && !found; i++) {
        bool eq = true;
        for (size_t j = 0; j < b.n && eq; j++)
            eq = a.h[i + j] == b.h[j];
        found = eq;
    }
    assert_true(found);
}

/* ---- synonyms ---------------------------------------------------------------------------------- */

static void test_synonyms(void **state)
{
    (void)state;
    const unsigned o = CH_LEX_STEM | CH_LEX_SYNONYMS;
    same(o, CH_LANG_EN, "completely groundless claims", "completely baseless claims");
    same(o, CH_LANG_EN, "completely groundless claims", "completely unfounded claims");
    same(o, CH_LANG_EN, "stop meddling in", "stop interfering in");
    /* unsafe senses are left out: a word whose common sense is another ("assumed": "assume");
     * stop words ("all" is no synonym of "completely") */
    differ(o, CH_LANG_EN, "an assumed name", "an sham name");
    differ(o, CH_LANG_EN, "all wrong", "completely wrong");
    /* only English */
    differ(o, CH_LANG_FR, "groundless", "baseless");
    assert_true(ch_wn_synonym_count() > 1000);
    uint64_t rep;
    assert_false(ch_wn_synonym(ch_tok_hash("the", 3), &rep));
}

/* ---- hostile input and allocation failure ------------------------------------------------------- */

static void test_hostile(void **state)
{
    (void)state;
    /* every invariant of lex() on strings of awkward bytes, long tags, digit runs */
    uint64_t x = 88172645463325252ULL;
    static const char *const bits[] = {"#", "@", "U.", "S.", "1,", "000", ".5", "%", "per cent",
                                       "#HongKong", "É.-U.", "\xE2\x80\x9C", "\xC2\xAB", " ",
                                       "\xFF", "million", "a", "w/", "Feb.", "\xEF\xBC\x83",
                                       "ThisIsAVeryLongCamelCaseTagThatGoesOnAndOnForever",
                                       "9999999999999999999999999999999999999999", "_", "RT"};
    char buf[600];
    for (int round = 0; round < 400; round++) {
        size_t o = 0;
        int parts = 1 + (int)(x % 30);
        for (int k = 0; k < parts; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *b = bits[x % (sizeof bits / sizeof bits[0])];
            size_t l = strlen(b);
            if (o + l + 1 >= sizeof buf)
                break;
            memcpy(buf + o, b, l);
            o += l;
        }
        buf[o] = 0;
        toks t;
        lex(CH_LEX_ALL, buf, CH_LANG_UNKNOWN, &t);
        lex(CH_LEX_ALL, buf, CH_LANG_FR, &t);
    }
}

static void test_alloc_failure(void **state)
{
    (void)state;
    const char *text = "RT @JustinTrudeau: U.S. intel says 1.7 million #HongKong people warned";
    int ok = 0;
    for (uint64_t k = 1; k < 50 && !ok; k++) {
        ch_lex *lx = NULL;
        ch_normbuf nb;
        ch_normbuf_init(&nb);
        ch_alloc_fail_after(k);
        int rc = ch_lex_new(CH_LEX_ALL, &lx);
        if (!rc)
            rc = ch_normalize(text, strlen(text), CH_NORM_MAP | CH_NORM_KEEP_MENTIONS, &nb);
        const ch_lex_tok *lt;
        size_t n = 0;
        if (!rc)
            rc = ch_lex_tokens(lx, text, strlen(text), &nb, CH_LANG_UNKNOWN, NULL, NULL, 100,
                               &lt, &n, NULL);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_true(n > 5);
            ok = 1;
        } else {
            assert_int_equal(rc, CHORUS_ENOMEM);
        }
        ch_lex_free(lx);
        ch_normbuf_free(&nb);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_tags_known_words),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_abbreviation_stops),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_stemming),
        cmocka_unit_test(test_language_guess),
        cmocka_unit_test(test_synonyms),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
