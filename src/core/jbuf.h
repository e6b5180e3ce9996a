/*
 * jbuf.h — a growable text buffer for the JSON chorus writes as it runs: the watcher's alert
 * lines, alert evidence and checkpoint state, and the server's API responses.
 *
 * Errors are sticky: an allocation that fails sets `failed`, later appends do nothing, and the
 * writer checks once at the end (ch_jbuf_ok). The buffer grows up to `max` bytes (0 = 1 GiB);
 * past it the buffer fails too, so a state that grew beyond reason is refused instead of
 * exhausting memory. The text is always NUL-terminated once anything was appended.
 *
 * Ownership: the buffer owns p until ch_jbuf_free, or until ch_jbuf_take hands it over (the
 * caller then frees it with ch_free).
 */
#ifndef CH_JBUF_H
#define CH_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ch_jbuf {
    char *p;
    size_t len, cap, max;
    bool failed;
} ch_jbuf;

void ch_jbuf_free(ch_jbuf *b);
void ch_jbuf_reset(ch_jbuf *b);                 /* empties it, keeps the memory */
bool ch_jbuf_ok(const ch_jbuf *b);
char *ch_jbuf_take(ch_jbuf *b);                 /* "" when empty; NULL when it failed */
void ch_jbuf_putn(ch_jbuf *b, const char *s, size_t n);
void ch_jbuf_put(ch_jbuf *b, const char *s);
void ch_jbuf_printf(ch_jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ch_jbuf_i64(ch_jbuf *b, int64_t v);
/* A JSON string literal of s[0..n): quotes, backslashes and control characters escaped, other
 * bytes as they are (the texts are valid UTF-8 already). */
void ch_jbuf_strn(ch_jbuf *b, const char *s, size_t n);
void ch_jbuf_str(ch_jbuf *b, const char *s);    /* NULL writes null */

#endif
