/*
 * duration.h — a duration in words for people ("29 minutes", "6 hours", "3 days"), the one
 * spelling chorus uses wherever a person reads a duration: cluster summaries, account reasons,
 * the report, `chorus inspect` (through the public chorus_duration_format).
 *
 * Rounding: seconds below 90 s; whole minutes below an hour; hours (one decimal unless whole)
 * below two days; days (one decimal unless whole) after that. A negative duration is spelled
 * with a leading '-'; NaN and values beyond a billion seconds are "a very long time".
 * Cost: O(1), no allocation, no locale.
 */
#ifndef CH_DURATION_H
#define CH_DURATION_H

#include <stddef.h>

/* Writes the duration into buf (cut to cap; cap >= 24 always suffices). Returns buf. */
const char *ch_duration_words(double seconds, char *buf, size_t cap);

#endif
