/*
 * duration.c — durations in words (duration.h) and the public chorus_duration_format.
 */
#include "core/duration.h"

#include <math.h>
#include <stdio.h>

#include "chorus.h"

/* "1 hour" / "6 hours" / "1.5 hours": one decimal unless the value is whole at that
 * precision. */
static void amount(char *buf, size_t cap, const char *sign, double v, const char *unit)
{
    double r = round(v * 10) / 10;
    if (fabs(r - round(r)) < 1e-9) {
        long long k = (long long)round(r);
        snprintf(buf, cap, "%s%lld %s%s", sign, k, unit, k == 1 ? "" : "s");
    } else {
        snprintf(buf, cap, "%s%.1f %ss", sign, r, unit);
    }
}

const char *ch_duration_words(double s, char *buf, size_t cap)
{
    if (!buf || !cap)
        return buf;
    const char *sign = s < 0 ? "-" : "";
    double a = fabs(s);
    if (!(a <= 1e9)) {   /* NaN fails too */
        snprintf(buf, cap, "a very long time");
        return buf;
    }
    long long k;
    if (a < 89.5) {
        k = (long long)round(a);
        snprintf(buf, cap, "%s%lld second%s", sign, k, k == 1 ? "" : "s");
    } else if (a < 3570) {   /* below 59.5 minutes: whole minutes */
        k = (long long)round(a / 60);
        snprintf(buf, cap, "%s%lld minute%s", sign, k, k == 1 ? "" : "s");
    } else if (a < 2 * 86400) {
        amount(buf, cap, sign, a / 3600, "hour");
    } else {
        amount(buf, cap, sign, a / 86400, "day");
    }
    return buf;
}

const char *chorus_duration_format(double seconds, char *buf, size_t cap)
{
    return ch_duration_words(seconds, buf, cap);
}
