/* test_duration.c — durations in words (core/duration.h, chorus_duration_format): the unit
 * boundaries, rounding, singulars, negatives and values that are not durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "chorus.h"
#include "core/duration.h"

static void expect(double s, const char *want)
{
    char buf[32];
    assert_string_equal(ch_duration_words(s, buf, sizeof buf), want);
}

static void test_units(void **state)
{
    (void)state;
    expect(0, "0 seconds");
    expect(1, "1 second");
    expect(45, "45 seconds");
    expect(89, "89 seconds");
    expect(90, "2 minutes");
    expect(60.4 * 29, "29 minutes");
    expect(1723, "29 minutes");
    expect(3540, "59 minutes");
    expect(3600, "1 hour");
    expect(5400, "1.5 hours");
    expect(21600, "6 hours");
    expect(86400, "24 hours");
    expect(2 * 86400 - 1, "48 hours");
    expect(2 * 86400, "2 days");
    expect(259200, "3 days");
    expect(28.7 * 86400, "28.7 days");
    expect(1e9, "11574.1 days");
}

static void test_edges(void **state)
{
    (void)state;
    expect(-3600, "-1 hour");
    expect(-45, "-45 seconds");
    expect(NAN, "a very long time");
    expect(INFINITY, "a very long time");
    expect(2e9, "a very long time");
    char small[8];
    ch_duration_words(21600, small, sizeof small);   /* cut, terminated */
    assert_string_equal(small, "6 hours");
    char tiny[4];
    ch_duration_words(21600, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 3);
    assert_null(ch_duration_words(1, NULL, 0));
    char buf[32];
    assert_string_equal(chorus_duration_format(21600, buf, sizeof buf), "6 hours");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
