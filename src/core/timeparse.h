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
 *     "+02:00", "+0200", a zone name after a space ("2021-03-01 11:00:00 EST", CrowdTangle
 *     exports; the names of timeparse.c's table, where names with more than one meaning in
 *     use, such as CST or IST, are refused) or no zone (UTC);
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
/*
 * --time-format: a time laid out as `fmt` says, strptime-like but without locale:
 *   %Y year (4 digits)   %y year (2 digits; 69-99 are 19xx)   %m month   %d / %e day
 *   %H hour (0-23)       %I hour (1-12, with %p)   %M minute   %S second   %T = %H:%M:%S
 *   %f fraction of a second (digits, dropped)   %p AM/PM (or a.m./p.m., any case)
 *   %b %h %B English month name, full or 3 letters   %a %A English weekday name (skipped)
 *   %z Z, +hh, +hhmm or +hh:mm   %Z a zone name of the table (see parse_zone)
 *   %s Unix seconds   %% a '%'
 * A space in fmt matches any run of spaces (or none); other characters match themselves,
 * letters in any case. Numbers take 1-2 digits (%Y 4, %f any), so "3/1/2021" matches
 * "%m/%d/%Y". No zone (%z, %Z) means UTC. Returns 0 and *out, CHORUS_EPARSE (s does not
 * match, or an invalid date or time) or CHORUS_ELIMIT (a year outside 1900..9999).
 */
int ch_time_parse_fmt(const char *fmt, const char *s, size_t n, int64_t *out);
/* Checks a --time-format: 0, or CHORUS_EUSAGE with a message ("unknown conversion '%q' ...",
 * "... has no year") in err. */
int ch_time_fmt_check(const char *fmt, char *err, size_t errlen);
/* A post time with an optional --time-format (NULL or "": none): the format first; a value it
 * does not match is read by ch_time_parse_post (the unambiguous built-in forms: ISO 8601,
 * Unix numbers, v1.1). Then the post window. Returns as ch_time_parse_post. */
int ch_time_parse_post_fmt(const char *fmt, const char *s, size_t n, bool ms, int64_t *out);
/* Why s[0..n) is no time, when there is more to say than "unparseable": a numeric date whose
 * day/month order cannot be told ("03/01/2021": give --time-format ...), an ambiguous zone
 * name ("CST"), an unknown zone name. Writes the reason to buf and returns true; else false. */
bool ch_time_hint(const char *s, size_t n, char *buf, size_t cap);

/* Words for a failed parse in messages: "unparseable" or "out-of-range" (rc from above). */
const char *ch_time_problem(int rc);
/* The post time window in words, for messages: "1990-01-01..2100-01-01". */
#define CH_TIME_WINDOW "1990-01-01..2100-01-01"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ch_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) into buf. */
void ch_time_format(int64_t t, char buf[48]);

#endif
