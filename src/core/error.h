/*
 * error.h — filling the public error detail (chorus_error, include/chorus.h) from inside the
 * library. Modules below the API report failures as a code and a message in a caller's buffer
 * (char *err, size_t errlen); the API layer turns them into a chorus_error with these.
 */
#ifndef CH_ERROR_H
#define CH_ERROR_H

#include <stdint.h>

#include "chorus.h"

/* Resets e to "no failure" (code CHORUS_OK, empty strings, offset -1). NULL is fine. */
void ch_error_clear(chorus_error *e);
/* Sets every field: code, file (NULL: none; cut to fit), line (0: none), and the message from
 * fmt (NULL: chorus_strerror(code)). Returns code. NULL e is fine (returns code). */
chorus_err ch_error_set(chorus_error *e, chorus_err code, const char *file, uint64_t line,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
