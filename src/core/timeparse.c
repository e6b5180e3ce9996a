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

/* ---- zone names ---------------------------------------------------------------------------
 * The abbreviations exports write after a time ("2021-03-01 11:00:00 EST", CrowdTangle's
 * "Post Created"). Only names with one meaning in practice are read; the ambiguous ones are
 * refused (a wrong guess shifts every post by hours, more than any co-action window), and
 * ch_time_hint says what they could mean. docs/formats.md has the table. */
typedef struct zone_name {
    const char *name;
    int offset;                   /* seconds east of UTC */
    const char *ambiguous;        /* the meanings, for the hint; NULL: unambiguous */
} zone_name;

#define H(h, m) ((h) * 3600 + ((h) < 0 ? -(m) : (m)) * 60)
static const zone_name zones[] = {
    {"UTC", 0, NULL},        {"GMT", 0, NULL},        {"UT", 0, NULL},
    {"Z", 0, NULL},
    /* North America */
    {"EST", H(-5, 0), NULL}, {"EDT", H(-4, 0), NULL}, {"CDT", H(-5, 0), NULL},
    {"MST", H(-7, 0), NULL}, {"MDT", H(-6, 0), NULL}, {"PST", H(-8, 0), NULL},
    {"PDT", H(-7, 0), NULL}, {"AKST", H(-9, 0), NULL}, {"AKDT", H(-8, 0), NULL},
    {"HST", H(-10, 0), NULL}, {"ADT", H(-3, 0), NULL}, {"NST", H(-3, 30), NULL},
    {"NDT", H(-2, 30), NULL},
    /* Europe */
    {"WET", 0, NULL},        {"WEST", H(1, 0), NULL}, {"CET", H(1, 0), NULL},
    {"CEST", H(2, 0), NULL}, {"EET", H(2, 0), NULL},  {"EEST", H(3, 0), NULL},
    {"MSK", H(3, 0), NULL},
    /* Asia and Oceania */
    {"PKT", H(5, 0), NULL},  {"ICT", H(7, 0), NULL},  {"WIB", H(7, 0), NULL},
    {"HKT", H(8, 0), NULL},  {"SGT", H(8, 0), NULL},  {"PHT", H(8, 0), NULL},
    {"AWST", H(8, 0), NULL}, {"JST", H(9, 0), NULL},  {"KST", H(9, 0), NULL},
    {"ACST", H(9, 30), NULL}, {"ACDT", H(10, 30), NULL}, {"AEST", H(10, 0), NULL},
    {"AEDT", H(11, 0), NULL}, {"NZST", H(12, 0), NULL}, {"NZDT", H(13, 0), NULL},
    /* refused: more than one zone in common use writes them */
    {"CST", 0, "US Central -06:00, China +08:00 or Cuba -05:00"},
    {"IST", 0, "India +05:30, Ireland +01:00 or Israel +02:00"},
    {"BST", 0, "British Summer +01:00 or Bangladesh +06:00"},
    {"AST", 0, "Atlantic -04:00 or Arabia +03:00"},
    {"GST", 0, "Gulf +04:00 or South Georgia -02:00"},
};
#undef H

/* The zone named s[0..n) (ASCII letters, any case), or NULL. */
static const zone_name *zone_find(const char *s, size_t n)
{
    if (n == 0 || n > 4)
        return NULL;
    char up[5];
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        up[i] = c;
    }
    up[n] = '\0';
    for (size_t k = 0; k < sizeof zones / sizeof zones[0]; k++)
        if (strcmp(zones[k].name, up) == 0)
            return &zones[k];
    return NULL;
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* "+hh:mm", "+hhmm" or "+hh" at s[*i]; advances *i. */
static bool parse_offset(const char *s, size_t n, size_t *i, int *off)
{
    int sign = s[*i] == '-' ? -1 : 1, hh, mm = 0;
    size_t j = *i + 1;
    if (!digits(s, n, j, 2, &hh))
        return false;
    j += 2;
    if (j < n && s[j] == ':')
        j++;
    if (digits(s, n, j, 2, &mm))
        j += 2;
    if (hh > 23 || mm > 59)
        return false;
    *off = sign * (hh * 3600 + mm * 60);
    *i = j;
    return true;
}

/* "Z", "+hh:mm", "+hhmm", "+hh", or a space and a zone name of the table, or nothing (UTC),
 * then only spaces. Offset in seconds east. An ambiguous or unknown name fails. */
static bool parse_zone(const char *s, size_t n, size_t i, int *off)
{
    *off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (!parse_offset(s, n, &i, off))
            return false;
    } else if (i < n && s[i] == ' ') {
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        size_t k = j;
        while (k < n && is_alpha(s[k]))
            k++;
        if (k > j) {
            const zone_name *z = zone_find(s + j, k - j);
            if (!z || z->ambiguous)
                return false;
            *off = z->offset;
            i = k;
        } else if (j < n && (s[j] == '+' || s[j] == '-')) {
            i = j;
            if (!parse_offset(s, n, &i, off))
                return false;
        }
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

const char *chorus_time_format(int64_t t, char *buf, size_t cap)
{
    /* years 1 to 9999: the format's four digits, and no overflow in ch_time_format */
    const int64_t min_t = -62135596800LL, max_t = 253402300799LL;
    char tmp[48];
    if (!buf || !cap)
        return buf;
    if (t == CHORUS_NULL || t < min_t || t > max_t)
        snprintf(tmp, sizeof tmp, "unknown");
    else
        ch_time_format(t, tmp);
    snprintf(buf, cap, "%s", tmp);
    return buf;
}

/* ---- --time-format ----------------------------------------------------------------------- */

static const char *const month_names[12] = {"january", "february", "march", "april", "may",
                                            "june", "july", "august", "september", "october",
                                            "november", "december"};
static const char *const day_names[7] = {"monday", "tuesday", "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* One to `max` digits at s[*i] (at least `min`); advances *i. */
static bool num(const char *s, size_t n, size_t *i, int min, int max, int *out)
{
    int v = 0, k = 0;
    while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *out = v;
    return k >= min;
}

/* An English month or weekday name at s[*i], full or its first three letters; returns its
 * index in names[0..count) or -1. */
static int name_at(const char *s, size_t n, size_t *i, const char *const *names, int count)
{
    for (int k = 0; k < count; k++) {
        size_t len = strlen(names[k]), m = 0;
        while (m < len && *i + m < n && lower(s[*i + m]) == names[k][m])
            m++;
        if (m == len || (m >= 3 && (*i + m == n || !is_alpha(s[*i + m])))) {
            *i += m;
            return k;
        }
    }
    return -1;
}

static bool fmt_space(char c)
{
    return c == ' ' || c == '\t';
}

static const char fmt_convs[] = "YymdeHIMSfpbhBaAzZsT%";

int ch_time_fmt_check(const char *fmt, char *err, size_t errlen)
{
    bool date = false;
    if (!fmt || !*fmt) {
        snprintf(err, errlen, "an empty time format");
        return CHORUS_EUSAGE;
    }
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (!*f || !strchr(fmt_convs, *f)) {
            snprintf(err, errlen, "unknown conversion '%%%.1s' in time format '%s' (known: "
                                  "%%Y %%y %%m %%d %%e %%H %%I %%M %%S %%f %%p %%b %%B %%a %%z %%Z %%s "
                                  "%%T %%%%)", *f ? f : "", fmt);
            return CHORUS_EUSAGE;
        }
        date |= *f == 'Y' || *f == 'y' || *f == 's';
    }
    if (!date) {
        snprintf(err, errlen, "time format '%s' has no year (%%Y or %%y) nor %%s", fmt);
        return CHORUS_EUSAGE;
    }
    return CHORUS_OK;
}

int ch_time_parse_fmt(const char *fmt, const char *s, size_t n, int64_t *out)
{
    int y = -1, mo = 1, d = 1, h = 0, mi = 0, se = 0, off = 0, pm = -1;
    bool h12 = false, epoch = false;
    int64_t ep = 0;
    size_t i = 0;
    while (i < n && fmt_space(s[i]))
        i++;
    while (n > i && fmt_space(s[n - 1]))
        n--;
    for (const char *f = fmt; *f; f++) {
        if (fmt_space(*f)) {
            while (i < n && fmt_space(s[i]))
                i++;
            continue;
        }
        if (*f != '%') {
            if (i >= n || lower(s[i]) != lower(*f))
                return CHORUS_EPARSE;
            i++;
            continue;
        }
        bool ok = true;
        int k;
        switch (*++f) {
        case 'Y': ok = num(s, n, &i, 4, 4, &y); break;
        case 'y':
            ok = num(s, n, &i, 2, 2, &y);
            y += y < 69 ? 2000 : 1900;       /* POSIX: 69..99 are 19xx */
            break;
        case 'm': ok = num(s, n, &i, 1, 2, &mo); break;
        case 'd':
        case 'e':
            while (*f == 'e' && i < n && s[i] == ' ')
                i++;
            ok = num(s, n, &i, 1, 2, &d);
            break;
        case 'H': ok = num(s, n, &i, 1, 2, &h); break;
        case 'I': ok = num(s, n, &i, 1, 2, &h) && h >= 1 && h <= 12; h12 = true; break;
        case 'M': ok = num(s, n, &i, 1, 2, &mi); break;
        case 'S': ok = num(s, n, &i, 1, 2, &se); break;
        case 'T':
            ok = num(s, n, &i, 1, 2, &h) && i < n && s[i++] == ':' && num(s, n, &i, 1, 2, &mi) &&
                 i < n && s[i++] == ':' && num(s, n, &i, 1, 2, &se);
            break;
        case 'f':
            ok = num(s, n, &i, 1, 9, &k);     /* a fraction of a second: dropped */
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
            break;
        case 'p':
            if (i + 1 < n && (lower(s[i]) == 'a' || lower(s[i]) == 'p') && lower(s[i + 1]) == 'm') {
                pm = lower(s[i]) == 'p';
                i += 2;
            } else if (i + 3 < n && (lower(s[i]) == 'a' || lower(s[i]) == 'p') && s[i + 1] == '.' &&
                       lower(s[i + 2]) == 'm' && s[i + 3] == '.') {
                pm = lower(s[i]) == 'p';
                i += 4;
            } else {
                ok = false;
            }
            break;
        case 'b':
        case 'h':
        case 'B':
            k = name_at(s, n, &i, month_names, 12);
            ok = k >= 0;
            mo = k + 1;
            break;
        case 'a':
        case 'A': ok = name_at(s, n, &i, day_names, 7) >= 0; break;
        case 'z':
            if (i < n && (s[i] == 'Z' || s[i] == 'z'))
                i++;
            else
                ok = i < n && (s[i] == '+' || s[i] == '-') && parse_offset(s, n, &i, &off);
            break;
        case 'Z': {
            size_t j = i;
            while (j < n && is_alpha(s[j]))
                j++;
            const zone_name *z = zone_find(s + i, j - i);
            ok = z && !z->ambiguous;
            if (ok)
                off = z->offset;
            i = j;
            break;
        }
        case 's': {
            size_t j = i;
            if (j < n && s[j] == '-')
                j++;
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
            ok = j > i && parse_epoch(s + i, j - i, 1, &ep) == CHORUS_OK;
            epoch = true;
            i = j;
            break;
        }
        case '%': ok = i < n && s[i++] == '%'; break;
        default: return CHORUS_EPARSE;       /* ch_time_fmt_check refuses these */
        }
        if (!ok)
            return CHORUS_EPARSE;
    }
    if (i != n)
        return CHORUS_EPARSE;
    if (epoch) {
        if (ep < YEAR_1900 || ep >= YEAR_10000)
            return CHORUS_ELIMIT;
        *out = ep;
        return CHORUS_OK;
    }
    if (y < 0)
        return CHORUS_EPARSE;
    if (h12) {
        if (pm < 0)
            return CHORUS_EPARSE;            /* 12-hour clock without AM/PM */
        h = h % 12 + (pm ? 12 : 0);
    } else if (pm >= 0) {
        if (h < 1 || h > 12)
            return CHORUS_EPARSE;
        h = h % 12 + (pm ? 12 : 0);
    }
    if (!valid_date(y, mo, d))
        return y < 1900 || y > 9999 ? CHORUS_ELIMIT : CHORUS_EPARSE;
    if (h > 23 || mi > 59 || se > 60)
        return CHORUS_EPARSE;
    *out = ch_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
    return CHORUS_OK;
}

int ch_time_parse_post_fmt(const char *fmt, const char *s, size_t n, bool ms, int64_t *out)
{
    int64_t t;
    int rc = CHORUS_EPARSE;
    if (fmt && *fmt)
        rc = ch_time_parse_fmt(fmt, s, n, &t);
    if (rc == CHORUS_EPARSE)
        return ch_time_parse_post(s, n, ms, out);
    if (rc == CHORUS_OK)
        rc = ch_time_check(t);
    if (rc == CHORUS_OK)
        *out = t;
    return rc;
}

/* ---- hints --------------------------------------------------------------------------------- */

/* "NN/NN/NNNN" (or with '.' or '-'), the numeric date of spreadsheets, at the start of s: its
 * two leading numbers and the separator. */
static bool numeric_dmy(const char *s, size_t n, int *a, int *b, char *sep, size_t *end)
{
    size_t i = 0;
    int yy;
    if (!num(s, n, &i, 1, 2, a) || i >= n || (s[i] != '/' && s[i] != '.' && s[i] != '-'))
        return false;
    *sep = s[i++];
    if (!num(s, n, &i, 1, 2, b) || i >= n || s[i] != *sep)
        return false;
    i++;
    size_t y0 = i;
    if (!num(s, n, &i, 2, 4, &yy) || (i - y0 != 2 && i - y0 != 4))
        return false;
    *end = i;
    return true;
}

bool ch_time_hint(const char *s, size_t n, char *buf, size_t cap)
{
    while (n && fmt_space(*s)) {
        s++;
        n--;
    }
    while (n && fmt_space(s[n - 1]))
        n--;
    int a, b;
    char sep;
    size_t end;
    if (numeric_dmy(s, n, &a, &b, &sep, &end)) {
        /* the rest of the suggested format follows the value's own time part */
        int colons = 0;
        bool ampm = false;
        for (size_t i = end; i < n; i++) {
            colons += s[i] == ':';
            ampm |= lower(s[i]) == 'm' && i > 0 && (lower(s[i - 1]) == 'a' || lower(s[i - 1]) == 'p');
        }
        const char *clock = colons >= 2 ? (ampm ? " %I:%M:%S %p" : " %H:%M:%S")
                            : colons == 1 ? (ampm ? " %I:%M %p" : " %H:%M")
                                          : "";
        char year[3] = "%Y";
        size_t ylen = 0;
        for (size_t i = end; i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'; i--)
            ylen++;
        if (ylen == 2)
            year[1] = 'y';
        if (a > 12 && b <= 12)
            snprintf(buf, cap, "a day-first date (%d is no month): give --time-format "
                               "'%%d%c%%m%c%s%s'", a, sep, sep, year, clock);
        else if (b > 12 && a <= 12)
            snprintf(buf, cap, "a month-first date (%d is no month): give --time-format "
                               "'%%m%c%%d%c%s%s'", b, sep, sep, year, clock);
        else
            snprintf(buf, cap, "day and month may be either way round: give --time-format "
                               "'%%m%c%%d%c%s%s' (month first, US) or '%%d%c%%m%c%s%s' (day first)",
                     sep, sep, year, clock, sep, sep, year, clock);
        return true;
    }
    /* a trailing zone name: the last run of letters */
    size_t k = n;
    while (k > 0 && is_alpha(s[k - 1]))
        k--;
    if (k > 1 && k < n && s[k - 1] == ' ' && s[k - 2] >= '0' && s[k - 2] <= '9' && n - k <= 5) {
        const zone_name *z = zone_find(s + k, n - k);
        if (z && z->ambiguous) {
            snprintf(buf, cap, "the zone '%.*s' is ambiguous (%s): write the offset instead, "
                               "as in '+0800'", (int)(n - k), s + k, z->ambiguous);
            return true;
        }
        if (!z) {
            snprintf(buf, cap, "unknown zone name '%.*s' (docs/formats.md lists the names "
                               "read; write the offset instead, as in '-0500')",
                     (int)(n - k), s + k);
            return true;
        }
    }
    return false;
}
