/*
 * timeparse.h — timestamps as exports write them, to Unix seconds UTC.
 *
 * Accepted:
 *   - Unix time: "1610000000", "1610000000.25" (fraction dropped), and milliseconds
 *     ("1610000000000": a value above 10^11 is taken as milliseconds);
 *   - ISO 8601 / RFC 3339: "2021-09-22T12:34:56Z", "2021-09-22T12:34:56.000Z",
 *     "2021-09-22 12:34:56", "2021-09-22 12:34" (IO archive), "2021-09-22", with "Z",
 *     "+02:00", "+0200" or no zone (UTC);
 *   - Twitter v1.1: "Wed Oct 10 20:19:24 +0000 2018".
 * Leading/trailing spaces are ignored. Cost: O(len), no allocation, no locale.
 */
#ifndef CH_TIMEPARSE_H
#define CH_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 and *out, or CHORUS_EPARSE. */
int ch_time_parse(const char *s, size_t n, int64_t *out);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ch_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) into buf. */
void ch_time_format(int64_t t, char buf[48]);

#endif
