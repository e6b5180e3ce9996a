/* timeparse.c — timestamp parsing without locale or allocation (see timeparse.h). */
#include "core/timeparse.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"

int64_t ch_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil algorithm, public domain description. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void ch_time_format(int64_t t, char buf[48])
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(buf, 48, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
             (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

static bool digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
    if (at + count > n)
        return false;
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}

static bool valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

/* "Z", "+hh:mm", "+hhmm", "+hh" or nothing, then only spaces. Offset in seconds east. */
static bool parse_zone(const char *s, size_t n, size_t i, int *off)
{
    *off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1, hh, mm = 0;
        i++;
        if (!digits(s, n, i, 2, &hh))
            return false;
        i += 2;
        if (i < n && s[i] == ':')
            i++;
        if (digits(s, n, i, 2, &mm))
            i += 2;
        if (hh > 23 || mm > 59)
            return false;
        *off = sign * (hh * 3600 + mm * 60);
    } else if (n - i >= 4 && (memcmp(s + i, " UTC", 4) == 0 || memcmp(s + i, " GMT", 4) == 0)) {
        i += 4;
    }
    while (i < n && s[i] == ' ')
        i++;
    return i == n;
}

static int parse_iso(const char *s, size_t n, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
    if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, n, 8, 2, &d) || !valid_date(y, mo, d))
        return CHORUS_EPARSE;
    size_t i = 10;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && i + 1 < n && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
        i++;
        if (!digits(s, n, i, 2, &h) || i + 2 >= n || s[i + 2] != ':' || !digits(s, n, i + 3, 2, &mi))
            return CHORUS_EPARSE;
        i += 5;
        if (i < n && s[i] == ':') {
            if (!digits(s, n, i + 1, 2, &se))
                return CHORUS_EPARSE;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
            }
        }
        if (h > 23 || mi > 59 || se > 60)
            return CHORUS_EPARSE;
    }
    if (!parse_zone(s, n, i, &off))
        return CHORUS_EPARSE;
    *out = ch_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
    return CHORUS_OK;
}

/* "Wed Oct 10 20:19:24 +0000 2018" */
static int parse_twitter(const char *s, size_t n, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n != 30 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' || s[25] != ' ')
        return CHORUS_EPARSE;
    int mo = 0;
    for (int k = 0; k < 12; k++) {
        if (memcmp(s + 4, months + 3 * k, 3) == 0) {
            mo = k + 1;
            break;
        }
    }
    int d, h, mi, se, y, zh, zm;
    if (!mo || !digits(s, n, 8, 2, &d) || !digits(s, n, 11, 2, &h) || s[13] != ':' ||
        !digits(s, n, 14, 2, &mi) || s[16] != ':' || !digits(s, n, 17, 2, &se) ||
        (s[20] != '+' && s[20] != '-') || !digits(s, n, 21, 2, &zh) || !digits(s, n, 23, 2, &zm) ||
        !digits(s, n, 26, 4, &y) || !valid_date(y, mo, d) || h > 23 || mi > 59 || se > 60)
        return CHORUS_EPARSE;
    int off = (s[20] == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
    *out = ch_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
    return CHORUS_OK;
}

/* A decimal number of `unit` per second (1 or 1000), fraction dropped, to seconds. */
static int parse_epoch(const char *s, size_t n, int64_t unit, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    if (i == n)
        return CHORUS_EPARSE;
    int64_t v = 0;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (i - start >= 18)
            return CHORUS_ELIMIT; /* a number, but far beyond any time */
        v = v * 10 + (s[i] - '0');
        i++;
    }
    if (i == start)
        return CHORUS_EPARSE;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i != n)
        return CHORUS_EPARSE;
    /* floor division, so -1 ms is the second before the epoch (out of range anyway) */
    v = neg ? -((v + unit - 1) / unit) : v / unit;
    *out = v;
    return CHORUS_OK;
}

int ch_time_check(int64_t t)
{
    return t >= CH_TIME_MIN && t < CH_TIME_MAX ? CHORUS_OK : CHORUS_ELIMIT;
}

/* The years valid_date accepts for written dates: 1900..9999. */
#define YEAR_1900 INT64_C(-2208988800)
#define YEAR_10000 INT64_C(253402300800)

/* Any accepted form; a bare number counts `unit` per second. The result must lie in [lo, hi),
 * else CHORUS_ELIMIT. */
static int parse_unit(const char *s, size_t n, int64_t unit, int64_t lo, int64_t hi,
                      int64_t *out)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return CHORUS_EPARSE;
    int64_t t;
    int rc;
    if (n >= 10 && s[4] == '-')
        rc = parse_iso(s, n, &t);
    else if (n == 30 && s[3] == ' ')
        rc = parse_twitter(s, n, &t);
    else
        rc = parse_epoch(s, n, unit, &t);
    if (rc == CHORUS_OK && (t < lo || t >= hi))
        rc = CHORUS_ELIMIT;
    if (rc == CHORUS_OK)
        *out = t;
    return rc;
}

int ch_time_parse(const char *s, size_t n, int64_t *out)
{
    return parse_unit(s, n, 1, YEAR_1900, YEAR_10000, out);
}

int ch_time_parse_ms(const char *s, size_t n, int64_t *out)
{
    return parse_unit(s, n, 1000, YEAR_1900, YEAR_10000, out);
}

int ch_time_parse_post(const char *s, size_t n, bool ms, int64_t *out)
{
    return parse_unit(s, n, ms ? 1000 : 1, CH_TIME_MIN, CH_TIME_MAX, out);
}

const char *ch_time_problem(int rc)
{
    return rc == CHORUS_ELIMIT ? "out-of-range" : "unparseable";
}
