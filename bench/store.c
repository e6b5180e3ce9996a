/*
 * bench/store.c — the cost of writing the posts table of the results database, the largest
 * table, against a baseline in the same run: the posts table of schema 1 (eight columns: no
 * thread root, language or entity lists), written with the same SQLite settings.
 *
 * usage: bench_store FILE [--repeat R]
 *
 * The file is read once into a corpus; each measurement (insert every post, then build the
 * posts indexes, into a temporary file that is removed) runs in its own child process and is
 * repeated R times (default 3), keeping the fastest. CPU seconds (user + system) are what to
 * compare on a busy machine; wall seconds are printed beside them. The posts table is most of
 * the cost of writing a database (a scan of 100,000 generated posts: 4.7 s writing posts, 0.65
 * s every other table, evidence included), so it is what this measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "chorus.h"
#include "core/post.h"
#include "ingest/ingest.h"
#include "store/store.h"

typedef struct job {
    const ch_corpus *c;
    char path[512];
} job;

/* The posts table as schema 1 wrote it, row by row (the writer of that version). */
static void write_v1(void *arg, bench_result *r)
{
    job *j = arg;
    const ch_corpus *c = j->c;
    const ch_pool *pool = ch_corpus_pool(c);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    unlink(j->path);
    double t0 = bench_now(), c0 = bench_cpu();
    if (sqlite3_open(j->path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=65536;"
                     "PRAGMA cache_size=-65536; PRAGMA threads=2;"
                     "CREATE TABLE posts (post_id TEXT NOT NULL, account_id TEXT, created_at "
                     "INTEGER, kind TEXT, ref_id TEXT, text TEXT, narrative_id INTEGER, platform "
                     "TEXT NOT NULL DEFAULT '', PRIMARY KEY (post_id, platform)); BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO posts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1,
                           &q, NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++) {
        const ch_post *p = ch_corpus_post(c, i);
        const ch_account *a = ch_corpus_account(c, p->account);
        sqlite3_bind_text(q, 1, ch_pool_str(pool, p->id), (int)ch_pool_len(pool, p->id),
                          SQLITE_STATIC);
        sqlite3_bind_text(q, 2, ch_pool_str(pool, a->id), (int)ch_pool_len(pool, a->id),
                          SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, p->created_at);
        sqlite3_bind_text(q, 4, ch_kind_name((ch_kind)p->kind), -1, SQLITE_STATIC);
        if (p->ref_id)
            sqlite3_bind_text(q, 5, ch_pool_str(pool, p->ref_id),
                              (int)ch_pool_len(pool, p->ref_id), SQLITE_STATIC);
        sqlite3_bind_text(q, 6, p->text, (int)p->text_len, SQLITE_STATIC);
        sqlite3_bind_text(q, 8, ch_corpus_platform_name(c, a->platform), -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
        if (rc != SQLITE_DONE)
            goto out;
    }
    if (sqlite3_exec(db, "CREATE INDEX posts_account ON posts(account_id, created_at);"
                         "CREATE INDEX posts_narrative ON posts(narrative_id);"
                         "CREATE INDEX posts_ref ON posts(ref_id);", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    r->ok = 1;
out:
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = (double)ch_corpus_nposts(c);
    sqlite3_finalize(q);
    sqlite3_close(db);
    unlink(j->path);
}

/* The posts table as this chorus writes it (store/store.h), indexes included. */
static void write_now(void *arg, bench_result *r)
{
    job *j = arg;
    ch_store *s = NULL;
    char err[512];
    double t0 = bench_now(), c0 = bench_cpu();
    if (ch_store_open(j->path, NULL, &s, err, sizeof err) == CHORUS_OK) {
        r->ok = ch_store_posts(s, j->c, NULL) == CHORUS_OK &&
                ch_store_posts_index(s) == CHORUS_OK;
    }
    r->seconds = bench_now() - t0;
    r->cpu = bench_cpu() - c0;
    r->items = (double)ch_corpus_nposts(j->c);
    ch_store_abort(s);   /* removes the temporary file */
}

static bench_result best_of(void (*fn)(void *, bench_result *), job *j, int repeat)
{
    bench_result best = {0};
    for (int i = 0; i < repeat; i++) {
        bench_result r = bench_in_child(fn, j);
        if (r.ok && (!best.ok || r.cpu < best.cpu))
            best = r;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!file)
            file = argv[i];
    }
    if (!file || repeat < 1) {
        fprintf(stderr, "usage: bench_store FILE [--repeat R]\n");
        return 2;
    }
    chorus_corpus *c;
    if (chorus_corpus_new(&c))
        return 1;
    ch_ingest_opts o = {0};
    if (ch_ingest_file(c, file, &o, NULL) != CHORUS_OK || ch_corpus_nposts(c) == 0) {
        fprintf(stderr, "bench_store: cannot read posts from '%s'\n", file);
        chorus_corpus_free(c);
        return 1;
    }
    job j = {.c = c};
    snprintf(j.path, sizeof j.path, "%s/chorus-bench-store-%ld.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    bench_result base = best_of(write_v1, &j, repeat);
    bench_result now = best_of(write_now, &j, repeat);
    printf("posts table, %zu posts (best of %d; CPU = user + system seconds)\n",
           ch_corpus_nposts(c), repeat);
    printf("  %-28s %7.2f s CPU %7.2f s wall %9.0f posts/s CPU %7.1f MB peak\n",
           "schema 1 columns (baseline)", base.cpu, base.seconds,
           base.cpu > 0 ? base.items / base.cpu : 0, base.peak_rss_kb / 1024.0);
    printf("  %-28s %7.2f s CPU %7.2f s wall %9.0f posts/s CPU %7.1f MB peak\n",
           "this chorus (schema 2)", now.cpu, now.seconds,
           now.cpu > 0 ? now.items / now.cpu : 0, now.peak_rss_kb / 1024.0);
    printf("  (peak: resident set of the measuring process, the corpus read once included)\n");
    if (base.ok && now.ok && base.cpu > 0)
        printf("  ratio this/baseline: %.2fx CPU, %.2fx wall\n", now.cpu / base.cpu,
               base.seconds > 0 ? now.seconds / base.seconds : 0);
    chorus_corpus_free(c);
    return base.ok && now.ok ? 0 : 1;
}
