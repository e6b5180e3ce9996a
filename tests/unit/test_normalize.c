/* test_normalize.c — text normalization: one test per evasion kind, the offset map, removed
 * URL/mention items, allocation failure, and the shingling tokenizer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "text/normalize.h"

/* Checks the invariants every result must hold (map monotone and in range, trimmed, single
 * spaces, NUL, bounded size) and that normalizing the result again changes nothing. */
static void check_invariants(const char *in, size_t n, const ch_normbuf *b)
{
    assert_true(b->len <= n * CH_NORM_MAX_EXPANSION);
    assert_int_equal(strlen(b->s), b->len);
    if (b->len > 0) {
        assert_true(b->s[0] != ' ');
        assert_true(b->s[b->len - 1] != ' ');
    }
    assert_null(strstr(b->s, "  "));
    if (b->flags & CH_NORM_MAP) {
        for (size_t i = 0; i < b->len; i++) {
            assert_true(b->map[i] < n);
            if (i > 0)
                assert_true(b->map[i] >= b->map[i - 1]);
        }
    }
    ch_normbuf again;
    ch_normbuf_init(&again);
    assert_int_equal(ch_normalize(b->s, b->len, 0, &again), CHORUS_OK);
    assert_string_equal(again.s, b->s);
    ch_normbuf_free(&again);
    (void)in;
}

/* Normalizes `in` with and without the map and checks both give `want`. */
static void check(const char *in, const char *want)
{
    ch_normbuf b;
    ch_normbuf_init(&b);
    size_t n = strlen(in);
    assert_int_equal(ch_normalize(in, n, 0, &b), CHORUS_OK);
    if (strcmp(b.s, want) != 0)
        print_error("input  [%s]\nresult [%s]\nwanted [%s]\n", in, b.s, want);
    assert_string_equal(b.s, want);
    check_invariants(in, n, &b);
    assert_int_equal(ch_normalize(in, n, CH_NORM_MAP | CH_NORM_ITEMS, &b), CHORUS_OK);
    assert_string_equal(b.s, want);
    check_invariants(in, n, &b);
    ch_normbuf_free(&b);
}

/* Original bytes behind the first occurrence of `sub` in the normalized text of `in`. */
static void check_span(const char *in, const char *sub, const char *want_orig)
{
    ch_normbuf b;
    ch_normbuf_init(&b);
    size_t n = strlen(in);
    assert_int_equal(ch_normalize(in, n, CH_NORM_MAP, &b), CHORUS_OK);
    const char *hit = strstr(b.s, sub);
    if (!hit)
        print_error("[%s] not in [%s]\n", sub, b.s);
    assert_non_null(hit);
    size_t a = (size_t)(hit - b.s), start = 0, end = 0;
    assert_int_equal(ch_norm_orig_range(&b, in, n, a, a + strlen(sub), &start, &end),
                     CHORUS_OK);
    assert_true(start <= end && end <= n);
    char got[256];
    snprintf(got, sizeof got, "%.*s", (int)(end - start), in + start);
    if (strcmp(got, want_orig) != 0)
        print_error("span of [%s] in [%s] is [%s], wanted [%s]\n", sub, in, got, want_orig);
    assert_string_equal(got, want_orig);
    ch_normbuf_free(&b);
}

static void test_case(void **state)
{
    (void)state;
    check("CHINA China cHiNa", "china china china");
    check("STRASSE Straße straße", "strasse strasse strasse");
    check("\xE2\x84\xAA" "elvin", "kelvin"); /* KELVIN SIGN */
    check("\xC4\xB0stanbul", "istanbul");    /* İ: i + dot above, dot stripped */
}

static void test_punctuation_spacing(void **state)
{
    (void)state;
    check("  China!!!   is...great,,, \t\n\r ok  ", "china is great ok");
    check("U.S.-led \"sanctions\" (illegal); {x} [y] <z> a/b a_b a|b", "u s led sanctions illegal x y z a b a b a b");
    check("it's don\xE2\x80\x99t \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94" "dash\xE2\x80\x94", "it s don t quoted dash");
    check("a\xC2\xA0" "b\xE2\x80\x83" "c\xE3\x80\x80" "d", "a b c d"); /* NBSP, EM SPACE, IDEOGRAPHIC */
    check("$100 + 50% = \xE2\x82\xAC" "150 \xC2\xA9 2024", "100 50 150 2024");
}

static void test_fullwidth(void **state)
{
    (void)state;
    check("\xEF\xBD\x83\xEF\xBD\x88\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x81", "china"); /* ｃｈｉｎａ */
    check("\xEF\xBC\xA3\xEF\xBC\xA8\xEF\xBC\xA9\xEF\xBC\xAE\xEF\xBC\xA1 \xEF\xBC\x91\xEF\xBC\x92",
          "china 12"); /* ＣＨＩＮＡ １２ */
    check("\xEF\xBD\xB6\xEF\xBE\x9E\xEF\xBD\xAF\xEF\xBD\xBA\xEF\xBD\xB3",
          "\xE3\x82\xAC\xE3\x83\x83\xE3\x82\xB3\xE3\x82\xA6"); /* ｶﾞｯｺｳ → ガッコウ */
}

static void test_math_alphanumerics(void **state)
{
    (void)state;
    check("\xF0\x9D\x90\x9C\xF0\x9D\x90\xA1\xF0\x9D\x90\xA2\xF0\x9D\x90\xA7\xF0\x9D\x90\x9A",
          "china"); /* 𝐜𝐡𝐢𝐧𝐚 bold */
    check("\xF0\x9D\x95\xAE\xF0\x9D\x96\x8D\xF0\x9D\x96\x8E\xF0\x9D\x96\x93\xF0\x9D\x96\x86",
          "china"); /* 𝕮𝖍𝖎𝖓𝖆 bold fraktur */
    check("\xF0\x9D\x93\x92\xF0\x9D\x93\xB1\xF0\x9D\x93\xB2\xF0\x9D\x93\xB7\xF0\x9D\x93\xAA",
          "china"); /* 𝓒𝓱𝓲𝓷𝓪 bold script */
    check("\xE2\x93\x92\xE2\x93\x97\xE2\x93\x98\xE2\x93\x9D\xE2\x93\x90", "china"); /* ⓒⓗⓘⓝⓐ */
    check("\xEF\xAC\x81nal \xE2\x91\xA0 x\xC2\xB2", "final 1 x2");                /* ﬁ ① ² */
}

static void test_zero_width(void **state)
{
    (void)state;
    check("Chi\xE2\x80\x8Bna", "china");                                  /* ZWSP */
    check("Xin\xE2\x80\x8Cji\xE2\x80\x8D" "ang", "xinjiang");              /* ZWNJ, ZWJ */
    check("\xEF\xBB\xBFw\xC2\xAD" "ord w\xE2\x81\xA0x", "word wx");       /* BOM, SHY, WJ */
    check("T\xE2\x80\x8E" "ai\xE2\x80\xAEwa\xE2\x81\xA6n", "taiwan");       /* LRM, RLO, LRI */
    check("Ta\xEF\xB8\x8Fiwan\xEF\xB8\x80", "taiwan");                    /* VS16, VS1 */
    check("Tai&shy;wan a&zwj;b", "taiwan ab");                            /* as entities */
}

static void test_homoglyphs(void **state)
{
    (void)state;
    check("Ch\xD1\x96na", "china");                       /* Cyrillic і */
    check("\xD0\xA1hina", "china");                       /* Cyrillic С */
    check("\xD0\xA1\xD0\x9D\xD0\x86NA", "china");              /* Cyrillic С Н І */
    check("Chin\xCE\xB1 \xCE\xA7\xCE\x99\xCE\x9D\xCE\x91", "china xina"); /* Greek α; ΧΙΝΑ */
    check("\xD1\x80\xD0\xB0\xD1\x81\xD0\xB5 \xCE\xBF\xCF\x81\xCE\xB5\xCE\xBD", "pace open");
    check("\xD4\x81\xD4\x9D \xD3\x8F \xD2\xBB \xD1\x98", "dw l h j"); /* ԁԝ ӏ һ ј */
    /* a genuine Russian word and a Latin-letter spoof of it meet */
    ch_normbuf a, b;
    ch_normbuf_init(&a);
    ch_normbuf_init(&b);
    const char *ru = "\xD0\xA0\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F"; /* Россия */
    const char *spoof = "Po\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F";             /* Latin P, o */
    assert_int_equal(ch_normalize(ru, strlen(ru), 0, &a), CHORUS_OK);
    assert_int_equal(ch_normalize(spoof, strlen(spoof), 0, &b), CHORUS_OK);
    assert_string_equal(a.s, b.s);
    ch_normbuf_free(&a);
    ch_normbuf_free(&b);
}

static void test_diacritics(void **state)
{
    (void)state;
    check("caf\xC3\xA9 na\xC3\xAFve \xC3\x85ngstr\xC3\xB6m r\xC3\xA9sum\xC3\xA9",
          "cafe naive angstrom resume");
    check("cafe\xCC\x81 ", "cafe");                                  /* decomposed é */
    check("Z\xCC\xB4\xCC\x9B" "a\xCC\xB8l\xCC\xB7g\xCC\xB5o\xCC\xB6", "zalgo"); /* Zalgo */
    check("s\xCC\xB6t\xCC\xB6o\xCC\xB6p\xCC\xB6", "stop");          /* strike-through */
    check("\xC3\x98resund \xC5\x81\xC3\xB3" "d\xC5\xBA", "oresund lodz"); /* ø ł: stroke letters */
    check("\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1", "aθhna");      /* Αθήνα: tonos gone */
    /* script vowel signs are letters, not decorations */
    check("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80",
          "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80"); /* हिंदी */
}

static void test_html_entities(void **state)
{
    (void)state;
    check("AT&amp;T &lt;b&gt;bold&lt;/b&gt; &quot;x&quot; it&#39;s", "at t b bold b x it s");
    check("&#20013;&#x56FD; caf&eacute; a&nbsp;b", "\xE4\xB8\xAD\xE5\x9B\xBD cafe a b");
    check("&#X41;&#0065;&#x1D400;", "aaa");
    check("&bogus; &amp &#; &#x; &#xD800; &#1114112; &", "bogus amp x");
    check("&amp;amp;", "amp"); /* decoded once */
}

static void test_urls_and_mentions(void **state)
{
    (void)state;
    check("RT @user_1: read https://t.co/AbC123 now", "rt read now");
    check("see http://example.com/x?y=1&amp;z=2, www.gov.cn/news and bit.ly/3xYz.",
          "see and");
    check("links:https://t.co/a,t.co/b youtu.be/x", "links");
    check("\xE4\xB8\xAD\xE5\x9B\xBDhttps://t.co/x\xE7\xBE\x8E", "\xE4\xB8\xAD\xE5\x9B\xBD \xE7\xBE\x8E");
    check("mail john@example.com \xEF\xBC\xA0" "ann @", "mail john example com");
    check("and/or U.S./China e.g./i.e. 1.5/2", "and or u s china e g i e 1 5 2");
    /* domain handles (Bluesky) are one mention; a final '.' ends the sentence */
    check("thanks @alice.bsky.social and @bob.example.com. ok @carol. @dan.bsky.social-fan x",
          "thanks and ok x");
    /* Bluesky handles hold '-' (X's '_' becomes '-'): the whole handle goes; an X-style
     * "@jane-doe" is the mention "@jane" and the word "doe" */
    check("@colleen-brown.bsky.social 100% agree @a-b-c.example.org.", "100 agree");
    check("@jane-doe hi @x-.y ok", "doe hi ok");
    check("\xE6\x84\x9F\xE8\xB0\xA2@zh.bsky.social\xE6\x94\xAF\xE6\x8C\x81", "\xE6\x84\x9F\xE8\xB0\xA2 \xE6\x94\xAF\xE6\x8C\x81");

    /* kept as words on request */
    ch_normbuf b;
    ch_normbuf_init(&b);
    const char *t = "hi @bob see https://t.co/x";
    assert_int_equal(ch_normalize(t, strlen(t), CH_NORM_KEEP_URLS, &b), CHORUS_OK);
    assert_string_equal(b.s, "hi see https t co x");
    assert_int_equal(ch_normalize(t, strlen(t), CH_NORM_KEEP_MENTIONS, &b), CHORUS_OK);
    assert_string_equal(b.s, "hi bob see");

    /* reported as items */
    const char *u = "RT @a_b: x (https://t.co/Q1) www.x.org/p?q=(1). @c";
    assert_int_equal(ch_normalize(u, strlen(u), CH_NORM_ITEMS, &b), CHORUS_OK);
    assert_string_equal(b.s, "rt x");
    assert_int_equal(b.nitems, 4);
    const char *want[] = {"@a_b", "https://t.co/Q1", "www.x.org/p?q=(1)", "@c"};
    const uint32_t kinds[] = {CH_NORM_MENTION, CH_NORM_URL, CH_NORM_URL, CH_NORM_MENTION};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(b.items[i].kind, kinds[i]);
        assert_int_equal(b.items[i].end - b.items[i].start, strlen(want[i]));
        assert_memory_equal(u + b.items[i].start, want[i], strlen(want[i]));
    }
    ch_normbuf_free(&b);
}

static void test_hashtags(void **state)
{
    (void)state;
    check("#Xinjiang", "xinjiang");
    check("#StopAsianHate #\xE6\x96\xB0\xE7\x96\x86 \xEF\xBC\x83HongKong #Hong_Kong",
          "stopasianhate \xE6\x96\xB0\xE7\x96\x86 hongkong hong kong");
}

static void test_emoji(void **state)
{
    (void)state;
    check("China\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3is great \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!",
          "china is great");
    check("\xE2\x9D\xA4\xEF\xB8\x8F love \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 family",
          "love family");
    check("\xF0\x9F\x98\x82\xF0\x9F\x98\x82\xF0\x9F\x98\x82", "");
}

static void test_chinese(void **state)
{
    (void)state;
    /* 中国从不干涉别国内政。 */
    check("\xE4\xB8\xAD\xE5\x9B\xBD\xE4\xBB\x8E\xE4\xB8\x8D\xE5\xB9\xB2\xE6\xB6\x89"
          "\xE5\x88\xAB\xE5\x9B\xBD\xE5\x86\x85\xE6\x94\xBF\xE3\x80\x82",
          "\xE4\xB8\xAD\xE5\x9B\xBD\xE4\xBB\x8E\xE4\xB8\x8D\xE5\xB9\xB2\xE6\xB6\x89"
          "\xE5\x88\xAB\xE5\x9B\xBD\xE5\x86\x85\xE6\x94\xBF");
    /* “台湾是中国的一部分！” */
    check("\xE2\x80\x9C\xE5\x8F\xB0\xE6\xB9\xBE\xE6\x98\xAF\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x9A\x84"
          "\xE4\xB8\x80\xE9\x83\xA8\xE5\x88\x86\xEF\xBC\x81\xE2\x80\x9D",
          "\xE5\x8F\xB0\xE6\xB9\xBE\xE6\x98\xAF\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x9A\x84"
          "\xE4\xB8\x80\xE9\x83\xA8\xE5\x88\x86");
    /* 中国，美国、日本？ 《人民日报》 */
    check("\xE4\xB8\xAD\xE5\x9B\xBD\xEF\xBC\x8C\xE7\xBE\x8E\xE5\x9B\xBD\xE3\x80\x81\xE6\x97\xA5"
          "\xE6\x9C\xAC\xEF\xBC\x9F \xE3\x80\x8A\xE4\xBA\xBA\xE6\xB0\x91\xE6\x97\xA5\xE6\x8A\xA5\xE3\x80\x8B",
          "\xE4\xB8\xAD\xE5\x9B\xBD \xE7\xBE\x8E\xE5\x9B\xBD \xE6\x97\xA5\xE6\x9C\xAC "
          "\xE4\xBA\xBA\xE6\xB0\x91\xE6\x97\xA5\xE6\x8A\xA5");
    /* Han extension B, Japanese kana, Korean: unchanged */
    check("\xF0\xA0\x80\x80 \xE3\x81\x8C\xE3\x81\xA3\xE3\x81\x93\xE3\x81\x86 "
          "\xEB\x8C\x80\xED\x95\x9C\xEB\xAF\xBC\xEA\xB5\xAD",
          "\xF0\xA0\x80\x80 \xE3\x81\x8C\xE3\x81\xA3\xE3\x81\x93\xE3\x81\x86 "
          "\xEB\x8C\x80\xED\x95\x9C\xEB\xAF\xBC\xEA\xB5\xAD");
    /* compatibility forms fold to the unified character: ⼈ (Kangxi) → 人, 豈 (U+F900) → 豈 */
    check("\xE2\xBC\x88 \xEF\xA4\x80", "\xE4\xBA\xBA \xE8\xB1\x88");
    /* decomposed kana and conjoining jamo compose: か + ゙ → が, ᄒ ᅡ ᆫ → 한 */
    check("\xE3\x81\x8B\xE3\x82\x99 \xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB",
          "\xE3\x81\x8C \xED\x95\x9C");
}

static void test_mixed_chinese_english(void **state)
{
    (void)state;
    /* 中国China，USA！#新疆 is 中国的 */
    check("\xE4\xB8\xAD\xE5\x9B\xBD" "China\xEF\xBC\x8CUSA\xEF\xBC\x81#\xE6\x96\xB0\xE7\x96\x86 is "
          "\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x9A\x84",
          "\xE4\xB8\xAD\xE5\x9B\xBD" "china usa \xE6\x96\xB0\xE7\x96\x86 is "
          "\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x9A\x84");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    check("ab\xFF" "cd", "ab cd");                  /* stray byte */
    check("x\xC3(y", "x y");                         /* truncated 2-byte */
    check("x\xE2\x82", "x");                         /* truncated at end */
    check("a\xED\xA0\x80z", "a z");                  /* surrogate */
    check("a\xC0\xAFz \xF4\x90\x80\x80 ok", "a z ok"); /* overlong, > U+10FFFF */
    check("\x80\x80\x80", "");
    /* every byte value, alone and after a letter */
    char buf[2];
    for (int c = 0; c < 256; c++) {
        ch_normbuf b;
        ch_normbuf_init(&b);
        buf[0] = 'a';
        buf[1] = (char)c;
        assert_int_equal(ch_normalize(buf, 2, CH_NORM_MAP, &b), CHORUS_OK);
        check_invariants(buf, 2, &b);
        assert_int_equal(ch_normalize(buf + 1, 1, CH_NORM_MAP, &b), CHORUS_OK);
        check_invariants(buf + 1, 1, &b);
        ch_normbuf_free(&b);
    }
}

static void test_empty(void **state)
{
    (void)state;
    ch_normbuf b;
    ch_normbuf_init(&b);
    assert_int_equal(ch_normalize("", 0, CH_NORM_MAP, &b), CHORUS_OK);
    assert_non_null(b.s);
    assert_string_equal(b.s, "");
    assert_int_equal(b.len, 0);
    size_t s, e;
    assert_int_equal(ch_norm_orig_range(&b, "", 0, 0, 0, &s, &e), CHORUS_EUSAGE);
    ch_normbuf_free(&b);
    ch_normbuf_free(NULL);
    check("   \t\n ", "");
    check("!!! ... \xE2\x80\x8B", "");
}

static void test_offset_map(void **state)
{
    (void)state;
    check_span("Hello, World!", "world", "World");
    check_span("Hello, World!", "hello world", "Hello, World");
    check_span("a Caf\xC3\xA9 b", "cafe", "Caf\xC3\xA9");
    check_span("a cafe\xCC\x81 b", "cafe", "cafe\xCC\x81");          /* mark joins its base */
    check_span("the Ch\xD1\x96na dream", "china", "Ch\xD1\x96na");     /* Cyrillic і */
    check_span("x \xEF\xBD\x83\xEF\xBD\x88\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x81 y", "hin",
               "\xEF\xBD\x88\xEF\xBD\x89\xEF\xBD\x8E");
    check_span("AT&amp;T rocks", "t rocks", "T rocks");
    check_span("AT&amp;T rocks", "at t", "AT&amp;T");                 /* space from an entity */
    check_span("caf&eacute; ok", "cafe", "caf&eacute;");               /* entity at the end */
    check_span("a&#x41;b", "aab", "a&#x41;b");
    check_span("Chi\xE2\x80\x8Bna!", "china", "Chi\xE2\x80\x8Bna");    /* zero-width inside */
    check_span("Chi\xE2\x80\x8Bna!", "chi", "Chi\xE2\x80\x8B");        /* ignorable joins 'i' */
    check_span("RT @x: \xE4\xB8\xAD\xE5\x9B\xBD\xE4\xBB\x8E\xE4\xB8\x8D https://t.co/a \xE5\xB9\xB2\xE6\xB6\x89",
               "\xE5\x9B\xBD\xE4\xBB\x8E", "\xE5\x9B\xBD\xE4\xBB\x8E");
    check_span("\xF0\x9D\x90\x9C\xF0\x9D\x90\xA1\xF0\x9D\x90\xA2\xF0\x9D\x90\xA7\xF0\x9D\x90\x9A",
               "c", "\xF0\x9D\x90\x9C");
    check_span("\xEF\xAC\x81nal", "fi", "\xEF\xAC\x81");              /* ﬁ: one char, 2 bytes out */
    check_span("\xEF\xAC\x81nal", "i", "\xEF\xAC\x81");
    check_span("Stra\xC3\x9F" "e", "strass", "Stra\xC3\x9F");

    /* every byte of the output maps into the character it came from */
    const char *t = "Caf\xC3\xA9 \xE4\xB8\xAD &amp; x";
    ch_normbuf b;
    ch_normbuf_init(&b);
    assert_int_equal(ch_normalize(t, strlen(t), CH_NORM_MAP, &b), CHORUS_OK);
    assert_string_equal(b.s, "cafe \xE4\xB8\xAD x");
    const uint32_t want[] = {0, 1, 2, 3, 5, 6, 6, 6, 9, 16};
    assert_int_equal(b.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.map[i], want[i]);

    /* misuse */
    size_t s, e;
    assert_int_equal(ch_norm_orig_range(&b, t, strlen(t), 2, 2, &s, &e), CHORUS_EUSAGE);
    assert_int_equal(ch_norm_orig_range(&b, t, strlen(t), 0, b.len + 1, &s, &e), CHORUS_EUSAGE);
    assert_int_equal(ch_normalize(t, strlen(t), 0, &b), CHORUS_OK); /* no map this time */
    assert_int_equal(ch_norm_orig_range(&b, t, strlen(t), 0, 1, &s, &e), CHORUS_EUSAGE);
    ch_normbuf_free(&b);
}

static void test_buffer_reuse_and_limits(void **state)
{
    (void)state;
    ch_normbuf b;
    ch_normbuf_init(&b);
    /* the worst expansion: U+FDFA is 3 bytes and becomes 33 */
    char big[3 * 1000 + 1];
    for (int i = 0; i < 1000; i++)
        memcpy(big + 3 * i, "\xEF\xB7\xBA", 3);
    big[3000] = '\0';
    assert_int_equal(ch_normalize(big, 3000, CH_NORM_MAP, &b), CHORUS_OK);
    check_invariants(big, 3000, &b);
    assert_true(b.len > 3000 * 10);
    assert_int_equal(ch_normalize("Short", 5, CH_NORM_MAP, &b), CHORUS_OK);
    assert_string_equal(b.s, "short");
    /* a large text buffer from a call without the map, then expanding text with the map:
     * the ASCII fast path must respect the map's capacity too (ASan checks) */
    static char mixed[3 * 300 + 2000 + 1];
    static char plain[100000];
    memset(plain, 'x', sizeof plain);
    for (size_t k = 1; k <= 300; k++) {
        ch_normbuf f;
        ch_normbuf_init(&f);
        assert_int_equal(ch_normalize(plain, sizeof plain, 0, &f), CHORUS_OK);
        for (size_t i = 0; i < k; i++)
            memcpy(mixed + 3 * i, "\xEF\xB7\xBA", 3);
        memset(mixed + 3 * k, 'a', 2000);
        assert_int_equal(ch_normalize(mixed, 3 * k + 2000, CH_NORM_MAP, &f), CHORUS_OK);
        check_invariants(mixed, 3 * k + 2000, &f);
        assert_int_equal(f.map[f.len - 1], 3 * k + 1999);
        ch_normbuf_free(&f);
    }
    /* too long for 32-bit offsets: refused before reading */
    if (SIZE_MAX > UINT32_MAX)
        assert_int_equal(ch_normalize("x", CH_NORM_MAX_INPUT + 1, 0, &b), CHORUS_ELIMIT);
    assert_int_equal(b.len, 0);
    ch_normbuf_free(&b);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    const char *t = "Ch\xD1\x96na &amp; \xE4\xB8\xAD\xE5\x9B\xBD https://t.co/x @a @b @c @d @e @f "
                    "\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA";
    ch_normbuf ref;
    ch_normbuf_init(&ref);
    assert_int_equal(ch_normalize(t, strlen(t), CH_NORM_MAP | CH_NORM_ITEMS, &ref), CHORUS_OK);
    assert_int_equal(ref.nitems, 7);
    int failures = 0;
    for (uint64_t k = 1; k < 100; k++) {
        ch_normbuf b;
        ch_normbuf_init(&b);
        ch_alloc_fail_after(k);
        int rc = ch_normalize(t, strlen(t), CH_NORM_MAP | CH_NORM_ITEMS, &b);
        ch_alloc_fail_after(0);
        if (rc == CHORUS_OK) {
            assert_string_equal(b.s, ref.s);
            assert_memory_equal(b.map, ref.map, ref.len * sizeof ref.map[0]);
            assert_int_equal(b.nitems, 7);
            ch_normbuf_free(&b);
            break;
        }
        assert_int_equal(rc, CHORUS_ENOMEM);
        assert_int_equal(b.len, 0);
        failures++;
        ch_normbuf_free(&b); /* whatever was allocated is released */
    }
    ch_normbuf_free(&ref);
    assert_true(failures >= 3); /* text, map and items each failed once */
}

typedef struct tok { const char *s; size_t start, end; } tok;

static void check_tokens(const char *text, const tok *want, size_t nwant)
{
    ch_normbuf b;
    ch_normbuf_init(&b);
    assert_int_equal(ch_normalize(text, strlen(text), 0, &b), CHORUS_OK);
    ch_tokiter it;
    ch_tok_init(&it, b.s, b.len);
    size_t i = 0, s, e;
    while (ch_tok_next(&it, &s, &e)) {
        assert_true(i < nwant);
        if (e - s != strlen(want[i].s) || memcmp(b.s + s, want[i].s, e - s) != 0)
            print_error("token %zu is [%.*s], wanted [%s]\n", i, (int)(e - s), b.s + s, want[i].s);
        assert_int_equal(s, want[i].start);
        assert_int_equal(e, want[i].end);
        assert_memory_equal(b.s + s, want[i].s, e - s);
        i++;
    }
    assert_int_equal(i, nwant);
    assert_false(ch_tok_next(&it, &s, &e)); /* stays finished */
    ch_normbuf_free(&b);
}

static void test_tokenizer_english(void **state)
{
    (void)state;
    const tok want[] = {
        {"the", 0, 3}, {"u", 4, 5}, {"s", 6, 7}, {"covid19", 8, 15}, {"2024", 16, 20},
        {"cafe", 21, 25},
    };
    check_tokens("The U.S. COVID19 -- 2024: caf\xC3\xA9!", want, 6);
    check_tokens("", NULL, 0);
    check_tokens(" !! ", NULL, 0);
}

static void test_tokenizer_chinese(void **state)
{
    (void)state;
    /* 中国China，不干涉！ → "中国china 不干涉": each Han character a token */
    const tok want[] = {
        {"\xE4\xB8\xAD", 0, 3}, {"\xE5\x9B\xBD", 3, 6}, {"china", 6, 11},
        {"\xE4\xB8\x8D", 12, 15}, {"\xE5\xB9\xB2", 15, 18}, {"\xE6\xB6\x89", 18, 21},
    };
    check_tokens("\xE4\xB8\xAD\xE5\x9B\xBD" "China\xEF\xBC\x8C\xE4\xB8\x8D\xE5\xB9\xB2\xE6\xB6\x89"
                 "\xEF\xBC\x81",
                 want, 6);
    /* kana and Hangul too; Cyrillic and Greek words stay runs */
    const tok want2[] = {
        {"\xE3\x81\x8C", 0, 3}, {"\xE3\x81\xA3", 3, 6}, {"\xED\x95\x9C", 7, 10},
        {"\xEA\xB5\xAD", 10, 13}, {"\xD0\xB4" "a", 14, 17}, /* Да: а is a homoglyph */
    };
    check_tokens("\xE3\x81\x8C\xE3\x81\xA3 \xED\x95\x9C\xEA\xB5\xAD \xD0\x94\xD0\xB0", want2, 5);
}

static void test_token_hash(void **state)
{
    (void)state;
    /* XXH3-64, seed 0: fixed values so stored hashes stay comparable across builds */
    assert_true(ch_tok_hash("china", 5) == UINT64_C(0x10126eb33ed1b0ef));
    assert_true(ch_tok_hash("\xE4\xB8\xAD", 3) == UINT64_C(0x0524b6e05bc20c62));
    assert_true(ch_tok_hash("china", 5) != ch_tok_hash("chinb", 5));
}

/* Pseudo-random strings of hostile pieces: invariants, idempotence and orig_range bounds. */
static void test_random_invariants(void **state)
{
    (void)state;
    static const char *pieces[] = {
        "a", "B", " ", ".", "&", "#", "@", "h", "t", "/", ":", "1", ";", "_",
        "&amp;", "&#x41;", "&#769;", "&nbsp;", "&#0;", "&#x110000;", "https://", "www.",
        "t.co/", "@u_", "&zz;", "&#12", "\xCC\x81", "\xE3\x82\x99", "\xE2\x80\x8B",
        "\xD0\xB0", "\xD0\x90", "\xE1\x85\xA1", "\xE1\x86\xA8", "\xE1\x84\x80",
        "\xEA\xB0\x80", "\xE4\xB8\xAD", "\xEF\xBD\xB6", "\xEF\xBE\x9E", "\xEF\xB7\xBA",
        "\xF0\x9D\x90\x80", "\xEF\xBD\x83", "\xF0\x9F\x98\x80", "\xEF\xB8\x8F",
        "\xE2\x80\x8D", "\xC3\xA9", "\xE3\x80\x82", "\xC4\xB0", "\xC3\x9F", "\xCD\x85",
        "\xE2\x83\xA3", "\xE0\xA4\xBF", "\xE0\xA4\x95", "\xE0\xA5\x8D", "\xFF", "\xC3",
        "\xE2\x82", "\xED\xA0\x80",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t rng = 0x9E3779B97F4A7C15u;
    char buf[512];
    ch_normbuf b;
    ch_normbuf_init(&b);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 0;
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        int k = (int)((rng >> 33) % 40);
        for (int j = 0; j < k; j++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            const char *p = pieces[(rng >> 33) % npieces];
            size_t l = strlen(p);
            memcpy(buf + n, p, l);
            n += l;
        }
        assert_int_equal(ch_normalize(buf, n, CH_NORM_MAP | CH_NORM_ITEMS, &b), CHORUS_OK);
        check_invariants(buf, n, &b);
        if (b.len > 0) {
            size_t s, e;
            assert_int_equal(ch_norm_orig_range(&b, buf, n, 0, b.len, &s, &e), CHORUS_OK);
            assert_true(s <= e && e <= n);
        }
        for (size_t i = 0; i < b.nitems; i++)
            assert_true(b.items[i].start < b.items[i].end && b.items[i].end <= n);
    }
    ch_normbuf_free(&b);
}

/* Equivalent spellings of one statement meet in one key. */
static void test_evasions_meet(void **state)
{
    (void)state;
    const char *variants[] = {
        "Xinjiang affairs are China's internal affairs.",
        "XINJIANG AFFAIRS ARE CHINA'S INTERNAL AFFAIRS!!!",
        "#Xinjiang affairs are #China\xE2\x80\x99s internal affairs \xF0\x9F\x87\xA8\xF0\x9F\x87\xB3 https://t.co/abc",
        "Xin\xE2\x80\x8Bjiang aff\xD0\xB0irs \xD0\xB0re Ch\xD1\x96na's intern\xCE\xB1l affairs",
        "@embassy Xinjiang   affairs are China&#39;s internal affairs&hellip;",
        "\xEF\xBC\xB8\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x8A\xEF\xBD\x89\xEF\xBD\x81\xEF\xBD\x8E\xEF\xBD\x87"
        " affairs are China's internal affairs",
    };
    ch_normbuf b;
    ch_normbuf_init(&b);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        assert_int_equal(ch_normalize(variants[i], strlen(variants[i]), 0, &b), CHORUS_OK);
        assert_string_equal(b.s, "xinjiang affairs are china s internal affairs");
    }
    ch_normbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_punctuation_spacing),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_math_alphanumerics),
        cmocka_unit_test(test_zero_width),
        cmocka_unit_test(test_homoglyphs),
        cmocka_unit_test(test_diacritics),
        cmocka_unit_test(test_html_entities),
        cmocka_unit_test(test_urls_and_mentions),
        cmocka_unit_test(test_hashtags),
        cmocka_unit_test(test_emoji),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_mixed_chinese_english),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_offset_map),
        cmocka_unit_test(test_buffer_reuse_and_limits),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_tokenizer_english),
        cmocka_unit_test(test_tokenizer_chinese),
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_random_invariants),
        cmocka_unit_test(test_evasions_meet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
