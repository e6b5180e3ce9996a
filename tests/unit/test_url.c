/* test_url.c — ch_url_canon: the canonical URL that keys the co-link behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text/url.h"

static const char *canon(const char *s)
{
    static char buf[1024];
    size_t n = ch_url_canon(s, strlen(s), buf, sizeof buf);
    if (n == 0)
        return "";
    assert_true(n < sizeof buf);
    assert_int_equal(strlen(buf), n);
    return buf;
}

#define CANON(in, want) assert_string_equal(canon(in), want)

/* Every spelling of one article is one key. */
static void test_same_object(void **state)
{
    (void)state;
    const char *want = "https://example.com/news/article-1";
    const char *variants[] = {
        "https://example.com/news/article-1",
        "http://example.com/news/article-1",
        "HTTPS://EXAMPLE.COM/news/article-1",
        "https://www.example.com/news/article-1",
        "http://WWW.Example.Com/news/article-1/",
        "https://example.com:443/news/article-1",
        "http://example.com:80/news/article-1",
        "https://example.com/news/article-1#comments",
        "https://example.com/news/article-1?utm_source=twitter&utm_medium=social",
        "https://example.com/news/article-1?UTM_Campaign=x",
        "https://example.com/news/article-1?fbclid=IwAR0abc",
        "https://example.com/news/article-1?gclid=abc&utm_term=y#top",
        "https://example.com/news/article-1/?igshid=xyz",
        "https://example.com/news/article-1?mc_cid=1&mc_eid=2&_ga=3",
        "https://example.com/news/article-1?msclkid=1&twclid=2&yclid=3&dclid=4",
        "  https://example.com/news/article-1  ",
        "<https://example.com/news/article-1>",
        "https://user:pw@example.com/news/article-1",
        "https://example.com./news/article-1",
        "//example.com/news/article-1",
        "example.com/news/article-1",
        "www.example.com/news/article-1/",
        "https://example.com/news/article%2D1",
        "https://example.com/news/article-1?",
        "https://example.com/news/article-1?&&",
        /* AMP copies */
        "https://example.com/news/article-1/amp",
        "https://www.example.com/news/article-1/amp/",
        "https://amp.example.com/news/article-1",
        "https://example.com/news/article-1?amp=1",
        "https://example.com/news/article-1?amp",
        "https://www.google.com/amp/s/example.com/news/article-1",
        "https://www.google.com/amp/s/www.example.com/news/article-1/amp?utm_source=x",
        "https://example-com.cdn.ampproject.org/c/s/example.com/news/article-1/amp",
        "https://example-com.cdn.ampproject.org/v/s/example.com/news/article-1",
        "http://www.google.com/amp/example.com/news/article-1",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const char *got = canon(variants[i]);
        if (strcmp(got, want) != 0)
            fail_msg("'%s' -> '%s', want '%s'", variants[i], got, want);
    }
}

/* Differences that change the object are kept. */
static void test_distinct_objects(void **state)
{
    (void)state;
    /* path case */
    CANON("https://example.com/News", "https://example.com/News");
    /* content query parameters, in their order */
    CANON("https://example.com/a?id=2&page=3", "https://example.com/a?id=2&page=3");
    CANON("https://example.com/a?page=3&id=2", "https://example.com/a?page=3&id=2");
    CANON("https://example.com/a?utm_source=x&id=2&fbclid=y&p=1", "https://example.com/a?id=2&p=1");
    /* a parameter that only looks like a tracker */
    CANON("https://example.com/a?utm=1", "https://example.com/a?utm=1");
    CANON("https://example.com/a?sutm_source=1", "https://example.com/a?sutm_source=1");
    /* non-default ports */
    CANON("https://example.com:8443/a", "https://example.com:8443/a");
    CANON("http://example.com:8080/a", "https://example.com:8080/a");
    CANON("http://example.com:0080/a", "https://example.com/a");
    /* http on 443 is not the default port of the scheme written */
    CANON("http://example.com:443/a", "https://example.com:443/a");
    /* subdomains other than www stay */
    CANON("https://news.example.com/a", "https://news.example.com/a");
    CANON("https://www2.example.com/a", "https://www2.example.com/a");
    /* "www." is not stripped when it would leave a bare TLD */
    CANON("https://www.com/a", "https://www.com/a");
    /* root */
    CANON("https://example.com/", "https://example.com");
    CANON("https://example.com", "https://example.com");
    CANON("https://example.com/?q=1", "https://example.com?q=1");
    CANON("https://example.com?q=1", "https://example.com?q=1");
}

static void test_percent_and_fragments(void **state)
{
    (void)state;
    /* unreserved escapes decoded, others upper-cased */
    CANON("https://example.com/%7euser/a%2fb", "https://example.com/~user/a%2Fb");
    CANON("https://example.com/a?q=%e2%82%ac", "https://example.com/a?q=%E2%82%AC");
    /* a stray '%' is kept */
    CANON("https://example.com/100%", "https://example.com/100%");
    CANON("https://example.com/a%2", "https://example.com/a%2");
    /* fragment after query */
    CANON("https://example.com/a?x=1#frag", "https://example.com/a?x=1");
    /* hash-bang links are paths */
    CANON("https://twitter.com/#!/someone/status/123", "https://twitter.com/someone/status/123");
    CANON("http://twitter.com/#!/someone", "https://twitter.com/someone");
}

static void test_hosts(void **state)
{
    (void)state;
    CANON("https://x.com/user/status/99?s=20&t=abcdef",
          "https://twitter.com/user/status/99");
    CANON("https://mobile.twitter.com/user/status/99", "https://twitter.com/user/status/99");
    CANON("https://www.twitter.com/user/status/99?ref_src=twsrc", "https://twitter.com/user/status/99");
    CANON("https://youtu.be/dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ");
    CANON("https://youtu.be/dQw4w9WgXcQ?si=abc&t=42", "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42");
    CANON("https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&t=42",
          "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42");
    CANON("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ");
    /* s and t are content elsewhere */
    CANON("https://example.com/search?s=20&t=1", "https://example.com/search?s=20&t=1");
    CANON("https://m.facebook.com/story.php?id=1&mibextid=Z", "https://facebook.com/story.php?id=1");
    /* IPv6 and IPv4 literals */
    CANON("http://[2001:DB8::1]:80/a", "https://[2001:db8::1]/a");
    CANON("http://192.0.2.1:8080/a/", "https://192.0.2.1:8080/a");
    /* non-ASCII host bytes are kept (IDN) */
    CANON("https://пример.рф/статья", "https://пример.рф/статья");
}

static void test_amp_limits(void **state)
{
    (void)state;
    /* "amp" inside a word or as a middle segment is content */
    CANON("https://example.com/amplifier", "https://example.com/amplifier");
    CANON("https://example.com/amp/story", "https://example.com/amp/story");
    CANON("https://example.com/camp", "https://example.com/camp");
    CANON("https://amp.com/x", "https://amp.com/x");
    /* a wrapper around nothing usable stays the wrapper */
    CANON("https://www.google.com/amp/s/", "https://google.com/amp/s");
    /* nested wrappers are unwrapped a bounded number of times */
    char chain[2048] = "";
    for (int i = 0; i < 40; i++)
        strcat(chain, "https://www.google.com/amp/s/");
    strcat(chain, "example.com/a");
    char out[4096];
    size_t n = ch_url_canon(chain, strlen(chain), out, sizeof out);
    assert_true(n > 0 && n < sizeof out);
    assert_true(strncmp(out, "https://google.com/amp/s/", 25) == 0);
}

static void test_not_urls(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "   ", "hello", "ftp://example.com/file", "mailto:someone@example.com",
        "javascript:alert(1)", "https://", "https:///path", "http://exa mple.com/",
        "https://example.com:99999/", "https://example.com:80a/", "https://[::1/", ".com/x",
        "file:///etc/passwd",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[256];
        size_t n = ch_url_canon(bad[i], strlen(bad[i]), buf, sizeof buf);
        if (n != 0)
            fail_msg("'%s' accepted as '%s'", bad[i], buf);
    }
    assert_int_equal(ch_url_canon(NULL, 0, NULL, 0), 0);
}

/* Output longer than the buffer: snprintf semantics, NUL-terminated prefix. */
static void test_truncation(void **state)
{
    (void)state;
    const char *u = "http://www.example.com/a/long/path?utm_source=x&keep=1";
    const char *want = "https://example.com/a/long/path?keep=1";
    char small[10];
    size_t n = ch_url_canon(u, strlen(u), small, sizeof small);
    assert_int_equal(n, strlen(want));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, want, sizeof small - 1);
    assert_int_equal(ch_url_canon(u, strlen(u), NULL, 0), strlen(want));
    /* The canonical form never exceeds the input by more than 32 bytes (coact relies on it). */
    const char *worst = "youtu.be/x";
    char big[64];
    assert_true(ch_url_canon(worst, strlen(worst), big, sizeof big) <= strlen(worst) + 32);
    /* Input is not NUL-terminated: only n bytes are read. */
    const char raw[] = {'h', 't', 't', 'p', ':', '/', '/', 'a', '.', 'b', '/', 'c', 'X', 'Y'};
    n = ch_url_canon(raw, 12, big, sizeof big);
    assert_string_equal(big, "https://a.b/c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_object),
        cmocka_unit_test(test_distinct_objects),
        cmocka_unit_test(test_percent_and_fragments),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_amp_limits),
        cmocka_unit_test(test_not_urls),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
