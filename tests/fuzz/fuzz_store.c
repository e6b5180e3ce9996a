/* fuzz_store.c — libFuzzer target: the results database round trip. The fuzz bytes are read
 * as a chorus-format input (or in the format detected) and scanned into a database; then
 * every post the job kept must read back from the posts table with the same id, account,
 * time, kind and text, byte for byte, and the database must pass SQLite's integrity check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/post.h"
#include "fuzz_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = fuzz_path("posts.jsonl"), *db = fuzz_path("store.db");
    fuzz_write_file(in, data, size);
    chorus_scan *s;
    if (chorus_scan_new(&s) != CHORUS_OK)
        return 0;
    chorus_scan_set_diag(s, fuzz_quiet, NULL);
    if (chorus_scan_set(s, "threads", "1") || chorus_scan_set(s, "force", "true") ||
        chorus_scan_add_input(s, in, size && data[0] == '{' ? "chorus" : NULL, NULL) ||
        chorus_scan_run(s, db) != CHORUS_OK) {
        chorus_scan_free(s);
        return 0;
    }
    char *ok = fuzz_query(db, "PRAGMA integrity_check");
    if (strcmp(ok, "ok\x1f\n"))
        abort();
    free(ok);

    sqlite3 *d;
    sqlite3_stmt *q;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(d, "SELECT count(*) FROM posts", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        abort();
    const ch_corpus *c = s->corpus;
    if ((size_t)sqlite3_column_int64(q, 0) != ch_corpus_nposts(c))
        abort();
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(d, "SELECT text, created_at FROM posts WHERE post_id = ?",
                           -1, &q, NULL) != SQLITE_OK)
        abort();
    const ch_pool *pool = ch_corpus_pool(c);
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const char *id = ch_pool_str(pool, p->id);
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        bool found = false;
        while (sqlite3_step(q) == SQLITE_ROW) {
            const void *t = sqlite3_column_blob(q, 0);
            size_t n = (size_t)sqlite3_column_bytes(q, 0);
            if (n == p->text_len && (n == 0 || !memcmp(t, p->text, n)) &&
                sqlite3_column_int64(q, 1) == p->created_at)
                found = true;
        }
        if (!found)
            abort();
    }
    sqlite3_finalize(q);
    sqlite3_close(d);
    chorus_scan_free(s);
    return 0;
}
