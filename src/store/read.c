/* read.c — opening a results database for reading: the one "is this our database?" check
 * (application id, schema version, or the tables of an unstamped older file). See store.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus.h"
#include "store/store.h"

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* The first column of the first row of sql as an integer; SQLITE_OK or the error. */
static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(q, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(q);
    return rc;
}

static bool has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') "
                               "AND name = ?1", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        yes = sqlite3_step(q) == SQLITE_ROW;
    }
    sqlite3_finalize(q);
    return yes;
}

static bool has_column(sqlite3 *db, const char *table, const char *col)
{
    sqlite3_stmt *q = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &q,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, col, -1, SQLITE_STATIC);
        yes = sqlite3_step(q) == SQLITE_ROW;
    }
    sqlite3_finalize(q);
    return yes;
}

/* Whether the file is ours and readable; its schema version in *schema. */
static int check(sqlite3 *db, const char *path, int *schema, char *err, size_t errlen)
{
    int64_t app = 0, ver = 0;
    /* a file that is not SQLite fails on its first read: say what it is not */
    if (pragma_int(db, "PRAGMA application_id", &app) != SQLITE_OK ||
        pragma_int(db, "PRAGMA user_version", &ver) != SQLITE_OK)
        return fail(err, errlen, CHORUS_EDB, "'%s' is not a chorus results database (%s)", path,
                    sqlite3_errmsg(db));
    if (app == CH_STORE_APPLICATION_ID) {
        if (ver > CH_STORE_SCHEMA)
            return fail(err, errlen, CHORUS_EDB,
                        "'%s' was written by a newer chorus (schema %lld; this chorus reads up "
                        "to %d): update chorus", path, (long long)ver, CH_STORE_SCHEMA);
        if (ver < CH_STORE_SCHEMA_MIN_READ)
            return fail(err, errlen, CHORUS_EDB,
                        "'%s' was written by an older chorus (schema %lld) that this one cannot "
                        "read: scan the inputs again", path, (long long)ver);
        *schema = (int)ver;
        return CHORUS_OK;
    }
    if (app != 0)
        return fail(err, errlen, CHORUS_EDB,
                    "'%s' is not a chorus results database (application_id %#llx)", path,
                    (unsigned long long)(uint32_t)app);
    if (ver != 0)
        return fail(err, errlen, CHORUS_EDB,
                    "'%s' is not a chorus results database (user_version %lld without chorus's "
                    "application_id)", path, (long long)ver);
    /* Unstamped: a chorus from before the stamp, recognised by its run table (every version
     * wrote one; the tables a reader needs beyond it are that reader's to query). */
    if (!has_table(db, "run"))
        return fail(err, errlen, CHORUS_EDB,
                    "'%s' is not a chorus results database (no table 'run')", path);
    *schema = 0;
    return CHORUS_OK;
}

int ch_store_open_read(const char *path, sqlite3 **db, ch_store_info *info, char *err,
                       size_t errlen)
{
    *db = NULL;
    if (info)
        memset(info, 0, sizeof *info);
    /* sqlite3_open_v2 would say only "unable to open database file" */
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, errlen, CHORUS_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return fail(err, errlen, CHORUS_EIO, "cannot open '%s': is a directory", path);
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, CHORUS_EIO, "cannot open '%s': not a file", path);
    sqlite3 *d = NULL;
    if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = fail(err, errlen, d ? CHORUS_EIO : CHORUS_ENOMEM, "cannot open '%s': %s", path,
                      d ? sqlite3_errmsg(d) : "out of memory");
        sqlite3_close(d);
        return rc;
    }
    sqlite3_busy_timeout(d, 5000);
    int schema = 0;
    int rc = check(d, path, &schema, err, errlen);
    if (rc) {
        sqlite3_close(d);
        return rc;
    }
    if (info) {
        info->schema = schema;
        info->has_evidence = has_table(d, "evidence");
        info->has_narratives = has_table(d, "narratives");
        info->has_before_pub = has_column(d, "matches", "before_publication");
        info->has_edge_stats = has_column(d, "edges", "n_objects") && has_column(d, "edges", "pvalue");
        info->has_platform = has_column(d, "accounts", "platform") && has_column(d, "posts", "platform");
        info->has_stmt_lang = has_column(d, "statements", "lang");
        info->has_evidence_typed = info->has_evidence && has_column(d, "evidence", "t_a") &&
                                   has_column(d, "evidence", "platform_a");
        info->has_match_platform = has_column(d, "matches", "platform");
        info->has_timeline = has_table(d, "timeline");
        info->has_alerts = has_table(d, "alerts");
    }
    *db = d;
    return CHORUS_OK;
}
