/* desk.c — a desk's writes into a served results database (see desk.h). */
#include "store/desk.h"

#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "store/store.h"

/* Opens path read-write once ch_store_open_read accepted it as ours. */
static int open_rw(const char *path, sqlite3 **db, char *err, size_t errlen)
{
    *db = NULL;
    sqlite3 *r = NULL;
    int rc = ch_store_open_read(path, &r, NULL, err, errlen);
    sqlite3_close(r);
    if (rc)
        return rc;
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open '%s' for writing: %s", path,
                 *db ? sqlite3_errmsg(*db) : "out of memory");
        sqlite3_close(*db);
        *db = NULL;
        return CHORUS_EIO;
    }
    sqlite3_busy_timeout(*db, 5000);
    return CHORUS_OK;
}

static int fail(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot write '%s': %s", path, sqlite3_errmsg(db));
    return CHORUS_EDB;
}

static bool has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        yes = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return yes;
}

int ch_desk_mute_alert(const char *path, int64_t id, bool muted, char *err, size_t errlen)
{
    sqlite3 *db;
    int rc = open_rw(path, &db, err, errlen);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (!has_table(db, "alerts")) {
        snprintf(err, errlen, "no alert %lld: '%s' has no alerts", (long long)id, path);
        rc = CHORUS_ENOTFOUND;
        goto out;
    }
    if (sqlite3_prepare_v2(db, "UPDATE alerts SET muted = ? WHERE alert_id = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    sqlite3_bind_int(st, 1, muted ? 1 : 0);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    if (sqlite3_changes(db) == 0) {
        snprintf(err, errlen, "no alert %lld", (long long)id);
        rc = CHORUS_ENOTFOUND;
    }
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int ch_desk_review_account(const char *path, const char *account, int64_t at, const char *note,
                           char *account_id, size_t idcap, char *err, size_t errlen)
{
    if (account && account[0] == '@')
        account++;
    sqlite3 *db;
    int rc = open_rw(path, &db, err, errlen);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    char id[512] = "";
    if (sqlite3_prepare_v2(db, "SELECT account_id FROM accounts WHERE account_id = ?1 OR "
                               "handle = ?1 ORDER BY account_id <> ?1 LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
    } else if (s == SQLITE_DONE) {
        snprintf(err, errlen, "no account '%.256s'", account);
        rc = CHORUS_ENOTFOUND;
        goto out;
    } else {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS reviews(account_id TEXT PRIMARY KEY, "
                     "reviewed_at INTEGER NOT NULL, note TEXT)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    if (note)
        sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fail(db, path, err, errlen);
        goto out;
    }
    if (account_id && idcap)
        snprintf(account_id, idcap, "%s", id);
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int ch_desk_review_of(const char *path, const char *account_id, int64_t *at, char *note,
                      size_t notecap, char *err, size_t errlen)
{
    *at = INT64_MIN;
    if (note && notecap)
        note[0] = '\0';
    sqlite3 *db = NULL;
    int rc = ch_store_open_read(path, &db, NULL, err, errlen);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (has_table(db, "reviews")) {
        if (sqlite3_prepare_v2(db, "SELECT reviewed_at, note FROM reviews WHERE account_id = ?",
                               -1, &st, NULL) != SQLITE_OK) {
            rc = fail(db, path, err, errlen);
        } else {
            sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
            int s = sqlite3_step(st);
            if (s == SQLITE_ROW) {
                *at = sqlite3_column_int64(st, 0);
                if (note && notecap && sqlite3_column_text(st, 1))
                    snprintf(note, notecap, "%s", (const char *)sqlite3_column_text(st, 1));
            } else if (s != SQLITE_DONE) {
                rc = fail(db, path, err, errlen);
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
