/* test_html.c — HTML fragments to text (Mastodon content as servers send it, and hostile
 * markup) and the entity decoder. */
#include "helpers.h"
#include "text/html.h"

/* The text of h, and its links in *links (may be NULL); the returned buffer is malloc'ed. */
static char *text_of(const char *h, ch_html_links *links)
{
    size_t n = strlen(h);
    char *out = malloc(ch_html_bufsize(n));
    assert_non_null(out);
    size_t len = ch_html_text(h, n, out, links);
    assert_int_equal(strlen(out), len);
    assert_true(len <= n);
    return out;
}

static void expect(const char *h, const char *want)
{
    char *t = text_of(h, NULL);
    assert_string_equal(t, want);
    free(t);
}

static bool link_is(const ch_html_links *l, size_t i, const char *want)
{
    return i < l->n && l->url[i].n == strlen(want) && memcmp(l->url[i].p, want, l->url[i].n) == 0;
}

static void test_paragraphs_and_breaks(void **state)
{
    (void)state;
    expect("<p>Toot!</p>", "Toot!");
    expect("<p>one</p><p>two</p>", "one\n\ntwo");
    expect("<p>a<br>b<br/>c<br />d</p>", "a\nb\nc\nd");
    expect("<p>a<br><br>b</p>", "a\n\nb");
    expect("a<br><br><br><br>b", "a\n\nb");
    expect("<p>  lots   of\n\n space\t</p>  ", "lots of space");
    expect("<ul><li>x</li><li>y</li></ul><p>z</p>", "x\ny\n\nz");
    expect("<pre>  keep\n  this</pre>", "keep\n  this");
    expect("", "");
    expect("plain text, no tags", "plain text, no tags");
    expect("<p></p><p> </p>", "");
    expect("<P CLASS=x>Upper</P><BR>case", "Upper\n\ncase");
}

static void test_entities(void **state)
{
    (void)state;
    expect("<p>you can&#39;t say that &amp; &lt;b&gt; &quot;x&quot;</p>",
           "you can't say that & <b> \"x\"");
    expect("caf&eacute; &#x1F600; &#128512; &nbsp;x", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xf0\x9f\x98\x80 \xc2\xa0x");
    expect("&unknown; & &amp &#; &#xZZ;", "&unknown; & &amp &#; &#xZZ;");
    expect("&#0; &#xD800; &#x110000;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
    int32_t cp;
    assert_int_equal(ch_html_entity((const unsigned char *)"&amp;x", 6, 0, &cp), 5);
    assert_int_equal(cp, '&');
    assert_int_equal(ch_html_entity((const unsigned char *)"&amp", 4, 0, &cp), 0);
}

/* Mastodon's link markup: the invisible and ellipsis spans hold the whole URL. */
static void test_mastodon_links(void **state)
{
    (void)state;
    ch_html_links l;
    char *t = text_of("<p>see <a href=\"https://example.org/a?b=1&amp;c=2\" target=\"_blank\" "
                      "rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">https://"
                      "</span><span class=\"ellipsis\">example.org/a?b</span><span class=\"invisible\">"
                      "=1&amp;c=2</span></a> now</p>",
                      &l);
    assert_string_equal(t, "see https://example.org/a?b=1&c=2 now");
    assert_int_equal(l.n, 1);
    assert_true(link_is(&l, 0, "https://example.org/a?b=1&c=2"));
    free(t);

    /* mentions and hashtags are not links */
    t = text_of("<p><span class=\"h-card\" translate=\"no\"><a href=\"https://m.example/@ana\" "
                "class=\"u-url mention\">@<span>ana</span></a></span> hi <a href=\"https://m.example/"
                "tags/Tag\" class=\"mention hashtag\" rel=\"tag\">#<span>Tag</span></a> <a href='"
                "https://pl.example/tag/x' rel=tag>#x</a> <a href=\"mailto:a@b\">mail</a> "
                "<a href=\"HTTP://Up.example/\">up</a></p>",
                &l);
    assert_string_equal(t, "@ana hi #Tag #x mail up");
    assert_int_equal(l.n, 1);
    assert_true(link_is(&l, 0, "HTTP://Up.example/"));
    free(t);
}

/* Mastodon 4.4+ quote posts carry a fallback paragraph that is not the author's text. */
static void test_quote_inline(void **state)
{
    (void)state;
    ch_html_links l;
    char *t = text_of("<p class=\"quote-inline\">RE: <a href=\"http://localhost:3000/@a/1\">"
                      "<span class=\"invisible\">http://</span>localhost:3000/@a/1</a></p>"
                      "<p>yoooooooo</p>",
                      &l);
    assert_string_equal(t, "yoooooooo");
    assert_int_equal(l.n, 0);
    free(t);
    expect("<div class=\"quote-inline\"><div>nested</div><p>x</p></div>after", "after");
}

static void test_hostile(void **state)
{
    (void)state;
    expect("a <b", "a");                              /* unterminated tag ends the text */
    expect("a <a href=\"x>b", "a");                   /* unterminated quote */
    expect("1 < 2 and 3 <= 4", "1 < 2 and 3 <= 4");   /* '<' that starts no tag */
    expect("x<!-- <p>hidden</p> -->y", "xy");
    expect("x<!-- never closed", "x");
    expect("<!DOCTYPE html><p>t</p>", "t");
    expect("<script>alert('<p>x</p>')</script>ok<style>p{}</style>", "ok");
    expect("<p>a</p></p></div>b", "a\n\nb");
    expect("<a href=>empty</a><a href>bare</a><a =x>odd</a>", "emptybareodd");
    expect("<p class=\"quote-inline\">never closed", "");
    expect("caf\xc3 bad utf8", "caf\xc3 bad utf8");
    /* deep nesting costs nothing: no stack */
    char deep[6000];
    size_t o = 0;
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(deep + o, sizeof deep - o, "<b>");
    snprintf(deep + o, sizeof deep - o, "x");
    expect(deep, "x");
    /* more links than kept */
    char many[8000];
    o = 0;
    for (int i = 0; i < CH_HTML_MAX_LINKS + 5; i++)
        o += (size_t)snprintf(many + o, sizeof many - o, "<a href=\"https://e.x/%d\">l</a>", i);
    ch_html_links l;
    char *t = text_of(many, &l);
    assert_int_equal(l.n, CH_HTML_MAX_LINKS);
    assert_true(link_is(&l, 0, "https://e.x/0"));
    free(t);
}

/* Runs of text are scanned eight bytes at a time: every stop (a space before white space, a
 * tag or an entity; control bytes) at every offset within and across those words, against
 * what the text must be: tags dropped, entities decoded, white space collapsed and trimmed. */
static void test_text_runs(void **state)
{
    (void)state;
    static const struct { const char *html, *text; } tok[] = {
        {"a", "a"}, {"bcdefg", "bcdefg"}, {"\xc3\xa9", "\xc3\xa9"}, {"\x01", "\x01"},
        {" ", " "}, {"  ", " "}, {"\t", " "}, {"\n", " "}, {"\r\n", " "}, {"\f", " "},
        {"<b>", ""}, {"</b>", ""}, {"<span class=\"invisible\">", ""}, {"</span>", ""},
        {"&amp;", "&"}, {"&lt;", "<"}, {"&#x27;", "'"}, {"<3", "<3"}, {"&x;", "&x;"},
        {"0123456789abcdef", "0123456789abcdef"},
    };
    enum { NTOK = sizeof tok / sizeof tok[0] };
    uint32_t seed = 12345;
    char html[512], want[512];
    for (int round = 0; round < 4000; round++) {
        size_t hn = 0, wn = 0;
        int ntok = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        for (int k = 0; k < ntok; k++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly words and single spaces, as in sentences */
            unsigned r = (seed >> 16) % 100;
            size_t t = r < 40 ? (r % 2 ? 1 : 0) : r < 70 ? 4 : (size_t)((seed >> 8) % NTOK);
            size_t a = strlen(tok[t].html), b = strlen(tok[t].text);
            memcpy(html + hn, tok[t].html, a);
            hn += a;
            memcpy(want + wn, tok[t].text, b);
            wn += b;
        }
        html[hn] = '\0';
        /* collapse white space, trim */
        size_t o = 0;
        bool space = false;
        for (size_t i = 0; i < wn; i++) {
            if (want[i] == ' ') {
                space = o > 0;
                continue;
            }
            if (space)
                want[o++] = ' ';
            space = false;
            want[o++] = want[i];
        }
        want[o] = '\0';
        char *got = text_of(html, NULL);
        if (strcmp(got, want) != 0)
            fail_msg("round %d: '%s' gave '%s', want '%s'", round, html, got, want);
        free(got);
    }
    /* one stop at every offset of a long sentence */
    static const char *stops[] = {"  ", " <b>", " &amp;", "\t", " \n", "<br>", "&lt;", " <3"};
    static const char *stop_text[] = {" ", " ", " &", " ", " ", "\n", "<", " <3"};
    for (size_t s = 0; s < sizeof stops / sizeof stops[0]; s++) {
        for (int at = 1; at < 24; at++) {
            char h[128], w[128];
            const char *words = "the quick brown fox jumps over the lazy dog";
            snprintf(h, sizeof h, "%.*s%sx%s", at, words, stops[s], words + at);
            snprintf(w, sizeof w, "%.*s%sx%s", at, words, stop_text[s], words + at);
            /* white space collapses; a line break takes the space before it */
            size_t wl = strlen(w);
            char *got = text_of(h, NULL);
            char want2[128];
            size_t o = 0;
            for (size_t i = 0; i < wl; i++) {
                if (w[i] == ' ' && o > 0 && want2[o - 1] == ' ')
                    continue;
                if (w[i] == '\n' && o > 0 && want2[o - 1] == ' ')
                    o--;
                want2[o++] = w[i];
            }
            want2[o] = '\0';
            if (strcmp(got, want2) != 0)
                fail_msg("'%s' gave '%s', want '%s'", h, got, want2);
            free(got);
        }
    }
    /* inside pre every space is kept, at any offset */
    expect("<pre>ab  cd\t e   fghijklmnop  q</pre>", "ab  cd\t e   fghijklmnop  q");
    expect("x<pre>  a  b</pre>y  z", "x\n\n  a  b\n\ny z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs_and_breaks),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_mastodon_links),
        cmocka_unit_test(test_quote_inline),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_text_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
