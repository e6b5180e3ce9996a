/*
 * timeparse.h — timestamps as exports write them, to Unix seconds UTC.
 *
 * Accepted:
 *   - Unix time as a decimal number: "1610000000", "1610000000.25" (fraction dropped). Its
 *     unit is decided by the field, never by the size of the number: ch_time_parse reads
 *     seconds, ch_time_parse_ms milliseconds (for fields that hold milliseconds by name, such
 *     as v1.1 `timestamp_ms`). A millisecond value read as seconds lands tens of thousands of
 *     years ahead and is refused, not silently divided;
 *   - ISO 8601 / RFC 3339: "2021-09-22T12:34:56Z", "2021-09-22T12:34:56.000Z",
 *     "2021-09-22 12:34:56", "2021-09-22 12:34" (IO archive), "2021-09-22", with "Z",
 *     "+02:00", "+0200" or no zone (UTC);
 *   - Twitter v1.1: "Wed Oct 10 20:19:24 +0000 2018".
 * Leading/trailing spaces are ignored. A time outside the years 1900..9999 fails with
 * CHORUS_ELIMIT. Cost: O(len), no allocation, no locale.
 *
 * Post times: readers also check every post time (and account creation time) with
 * ch_time_check against [CH_TIME_MIN, CH_TIME_MAX), 1990-01-01 to 2100-01-01 UTC: before any
 * social platform, and far enough ahead for clock skew and scheduled posts; a fixed bound
 * keeps runs reproducible. A post outside it is refused as bad_time ("out of range").
 */
#ifndef CH_TIMEPARSE_H
#define CH_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_TIME_MIN INT64_C(631152000)  /* 1990-01-01T00:00:00Z */
#define CH_TIME_MAX INT64_C(4102444800) /* 2100-01-01T00:00:00Z */

/* Returns 0 and *out (seconds), CHORUS_EPARSE (not a time) or CHORUS_ELIMIT (a time outside
 * the years 1900..9999). A bare number is Unix seconds. */
int ch_time_parse(const char *s, size_t n, int64_t *out);
/* The same, for fields that hold milliseconds: a bare number is Unix milliseconds (the
 * result is still seconds, rounded down); other forms as above. */
int ch_time_parse_ms(const char *s, size_t n, int64_t *out);
/* CHORUS_OK when t (Unix seconds) lies in [CH_TIME_MIN, CH_TIME_MAX), else CHORUS_ELIMIT. */
int ch_time_check(int64_t t);
/* A post (or account creation) time: ch_time_parse, or ch_time_parse_ms when `ms`, then
 * ch_time_check. Returns 0, CHORUS_EPARSE or CHORUS_ELIMIT. */
int ch_time_parse_post(const char *s, size_t n, bool ms, int64_t *out);
/* Words for a failed parse in messages: "unparseable" or "out-of-range" (rc from above). */
const char *ch_time_problem(int rc);
/* The post time window in words, for messages: "1990-01-01..2100-01-01". */
#define CH_TIME_WINDOW "1990-01-01..2100-01-01"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ch_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) into buf. */
void ch_time_format(int64_t t, char buf[48]);

#endif
