/*
 * http.h — one HTTP GET on the stream's loop, for the Mastodon REST backfill.
 *
 * The request runs inside the loop's service (lws client, http or https, HTTP/1.1); the
 * source polls ch_http_done. The response body is collected up to max_body bytes (a larger
 * one fails the request). Redirects are not followed. One request per handle.
 */
#ifndef CH_HTTP_H
#define CH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "stream/source.h"
#include "stream/url.h"

typedef struct ch_http ch_http;

/* Starts GET `pathq` on url's host and port (TLS as url says). `bearer` (may be NULL) is sent
 * as "Authorization: Bearer ...". Returns 0, CHORUS_ENOMEM or CHORUS_EINTERNAL (no network
 * loop: message in err). A connection failure is reported by ch_http_done/ch_http_error. */
int ch_http_get(ch_source *src, const ch_url *url, const char *pathq, const char *bearer,
                size_t max_body, ch_http **out, char *err, size_t errlen);
/* True once the request has finished, well or not. */
bool ch_http_done(const ch_http *h);
/* HTTP status (0 when no response came); body (NUL-terminated, CH_STREAM_PADDING readable
 * bytes after it) when the transfer completed; NULL otherwise. */
int ch_http_status(const ch_http *h);
const char *ch_http_body(const ch_http *h, size_t *len);
/* Why the request failed ("" when it did not). */
const char *ch_http_error(const ch_http *h);
void ch_http_free(ch_http *h);

#endif
