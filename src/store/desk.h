/*
 * desk.h — what a monitoring desk writes into a results database while it is served
 * (`chorus serve` with a token): an alert muted, an account marked reviewed. Everything else in
 * the file belongs to the scan or the watcher that wrote it; these are the only writes made to
 * a results database in place.
 *
 * Each call opens the file read-write (after the same "is this our database?" check as
 * ch_store_open_read), makes one change in one transaction (waiting up to 5 s for a watcher's
 * refresh to finish) and closes it. The reviews table is created on first use:
 *   reviews(account_id TEXT PRIMARY KEY, reviewed_at INTEGER NOT NULL, note TEXT)
 * (docs/schema.md). Messages (err) are one line naming the file or the object.
 */
#ifndef CH_DESK_H
#define CH_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sets alert `id`'s muted flag. CHORUS_OK, CHORUS_ENOTFOUND (no such alert, or a file without
 * alerts), CHORUS_EIO, CHORUS_EDB. */
int ch_desk_mute_alert(const char *path, int64_t id, bool muted, char *err, size_t errlen);

/* Marks the account whose id (or handle, a leading '@' ignored) is `account` reviewed at time
 * `at` with an optional note (NULL: none); *account_id (may be NULL, cap idcap) gets the id.
 * CHORUS_OK, CHORUS_ENOTFOUND (no such account), CHORUS_EIO, CHORUS_EDB. */
int ch_desk_review_account(const char *path, const char *account, int64_t at, const char *note,
                           char *account_id, size_t idcap, char *err, size_t errlen);

/* Whether account id has been reviewed: *at gets the time (CHORUS_NULL-like INT64_MIN when
 * not) and note (may be NULL, cap notecap) the note. A file without the table: not reviewed.
 * CHORUS_OK, CHORUS_EIO, CHORUS_EDB. */
int ch_desk_review_of(const char *path, const char *account_id, int64_t *at, char *note,
                      size_t notecap, char *err, size_t errlen);

#endif
