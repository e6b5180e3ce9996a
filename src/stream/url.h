/*
 * url.h — the pieces of a ws:// / wss:// (and http:// / https://) URL a connection needs, and
 * query-string edits (Jetstream's cursor is rewritten on every reconnect).
 *
 * Accepted: SCHEME://HOST[:PORT][/PATH][?QUERY] with HOST a name, an IPv4 address or
 * [IPv6]; no user:password@ part (a token never travels in a URL), no #fragment. Bytes must
 * be printable ASCII (a URL with spaces or control bytes is refused rather than escaped).
 * Query values are kept as written (percent-encoded); keys are compared as written.
 */
#ifndef CH_URL_H
#define CH_URL_H

#include <stdbool.h>
#include <stddef.h>

#define CH_URL_HOST_MAX 256
#define CH_URL_PATH_MAX 4096

typedef struct ch_url {
    bool tls;                     /* wss:// or https:// */
    bool ws;                      /* ws:// or wss:// */
    char host[CH_URL_HOST_MAX];   /* without brackets */
    int port;                     /* explicit, else 80 / 443 */
    bool default_port;
    char path[CH_URL_PATH_MAX];   /* "/..." with "?query" when present; "/" at least */
} ch_url;

/* Returns 0 or CHORUS_EUSAGE with a message in err. */
int ch_url_parse(const char *url, ch_url *u, char *err, size_t errlen);

/* The value of the first `key=` in the query of `pathq` (raw), copied into val (NUL-
 * terminated). False when absent or longer than cap - 1. A key without '=' has value "". */
bool ch_url_query_get(const char *pathq, const char *key, char *val, size_t cap);

/* Copies pathq into out with every `key` parameter removed and, when val is not NULL,
 * `key=val` appended. Returns 0 or CHORUS_ELIMIT (out too small). */
int ch_url_query_set(const char *pathq, const char *key, const char *val, char *out,
                     size_t cap);

#endif
