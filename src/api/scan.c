/*
 * scan.c — the scan handle (include/chorus.h): inputs, statements and callbacks, and the three
 * jobs built from the library's modules:
 *
 *   ingest  read every input into a corpus (ingest/)
 *   scan    ingest, statements, the detection chain (detect/detect.h) with the posts table
 *           written alongside, the rest of the results database (store/scan_write.h), and the
 *           report (report/report.h)
 *   match   statements, their index, ingest, parroting over the corpus (detect/parrot/)
 *
 * What a user sees goes through the caller's callbacks: diagnostics as they happen, progress
 * at each stage, and the detail of a failure in the handle's chorus_error.
 */
#include <string.h>

#include "api/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/outfile.h"
#include "core/sys.h"
#include "report/report.h"
#include "core/parallel.h"
#include "text/features.h"

const char *const ch_api_stage_names[ST__COUNT] = {
    "read", "statements", "index", "normalize", "narratives", "parrot",
    "coact", "network", "score", "store", "report", "match",
};

const char *const ch_api_stage_words[ST__COUNT] = {
    "reading",
    "reading statements",
    "indexing statements",
    "normalizing texts",
    "grouping near-identical posts",
    "matching posts to statements",
    "finding co-actions",
    "clustering the account network",
    "scoring accounts",
    "writing the results database",
    "writing the report",
    "matching posts to statements",
};

/* ---- the handle ---------------------------------------------------------------------------- */

chorus_err chorus_scan_new(chorus_scan **out)
{
    if (!out)
        return CHORUS_EUSAGE;
    chorus_scan *s = ch_calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return CHORUS_ENOMEM;
    ch_error_clear(&s->err);
    ch_api_options_default(s);
    return CHORUS_OK;
}

void chorus_scan_free(chorus_scan *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ninputs; i++) {
        ch_free(s->inputs[i].path);
        ch_free(s->inputs[i].map);
        ch_free(s->inputs[i].problem);
    }
    ch_free(s->inputs);
    for (size_t i = 0; i < s->nstmts; i++)
        ch_free(s->stmts[i].path);
    ch_free(s->stmts);
    for (size_t i = 0; i < s->nbad; i++)
        ch_free((char *)s->bad[i].file);
    ch_free(s->bad);
    ch_free(s->bad_file);
    ch_detect_result_free(&s->d);
    ch_parrot_result_free(&s->mres);
    ch_parrot_free(s->pix);
    ch_stmtset_free(s->set);
    chorus_corpus_free(s->corpus);
    ch_free(s->report);
    ch_free(s->time_format);
    ch_free(s->output);
    ch_free(s->json);
    ch_free(s);
}

const chorus_error *chorus_scan_error(const chorus_scan *s)
{
    return s ? &s->err : NULL;
}

chorus_err chorus_scan_add_input(chorus_scan *s, const char *path, const char *format,
                                 const char *map)
{
    if (!s)
        return CHORUS_EUSAGE;
    ch_error_clear(&s->err);
    if (!path || !*path)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "an input needs a path");
    if (s->job != JOB_NONE)
        return scan_fail(s, CHORUS_EUSAGE, path, "input added after the job ran");
    scan_input in = {0};
    if (format && ch_api_parse_format(s, format, &in.reader))
        return s->err.code;
    if (map) {
        char msg[256];
        if (!(in.map = ch_calloc(1, sizeof *in.map)))
            return scan_fail(s, CHORUS_ENOMEM, path, "out of memory");
        if (ch_csvmap_parse(in.map, map, msg, sizeof msg)) {
            ch_free(in.map);
            return scan_fail(s, CHORUS_EUSAGE, path, "map takes FIELD=COLUMN,...: %s", msg);
        }
    }
    if (ch_grow((void **)&s->inputs, &s->cap_inputs, s->ninputs + 1, sizeof *s->inputs) ||
        !(in.path = ch_strndup(path, strlen(path)))) {
        ch_free(in.map);
        return scan_fail(s, CHORUS_ENOMEM, path, "out of memory");
    }
    s->inputs[s->ninputs++] = in;
    return CHORUS_OK;
}

chorus_err chorus_scan_add_statements(chorus_scan *s, const char *path, bool split)
{
    if (!s)
        return CHORUS_EUSAGE;
    ch_error_clear(&s->err);
    if (!path || !*path)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "statements need a path");
    if (s->job != JOB_NONE)
        return scan_fail(s, CHORUS_EUSAGE, path, "statements added after the job ran");
    char *p = NULL;
    if (ch_grow((void **)&s->stmts, &s->cap_stmts, s->nstmts + 1, sizeof *s->stmts) ||
        !(p = ch_strndup(path, strlen(path))))
        return scan_fail(s, CHORUS_ENOMEM, path, "out of memory");
    s->stmts[s->nstmts++] = (scan_stmts){p, split};
    return CHORUS_OK;
}

void chorus_scan_set_diag(chorus_scan *s, chorus_diag_fn fn, void *ctx)
{
    if (s) {
        s->diag = fn;
        s->diag_ctx = ctx;
    }
}

void chorus_scan_set_progress(chorus_scan *s, chorus_progress_fn fn, void *ctx)
{
    if (s) {
        s->progress = fn;
        s->progress_ctx = ctx;
    }
}

/* ---- callbacks ----------------------------------------------------------------------------- */

static void stage(chorus_scan *s, api_stage st)
{
    if (!s->progress)
        return;
    chorus_progress p = {.stage = ch_api_stage_names[st], .what = ch_api_stage_words[st],
                         .total = -1, .records = s->records_before + s->records_file};
    if (st == ST_READ && s->cur_input < s->ninputs)
        p.file = s->inputs[s->cur_input].path;
    s->progress(s->progress_ctx, &p);
}

static void on_ingest_progress(void *ctx, uint64_t bytes_done, int64_t bytes_total,
                               uint64_t records)
{
    chorus_scan *s = ctx;
    s->records_file = records;
    if (!s->progress)
        return;
    chorus_progress p = {.stage = ch_api_stage_names[ST_READ], .what = ch_api_stage_words[ST_READ],
                         .file = s->inputs[s->cur_input].path, .done = bytes_done,
                         .total = bytes_total, .records = s->records_before + records};
    s->progress(s->progress_ctx, &p);
}

/* Keeps a bad record for the ingest_errors table: the first errors_per_file of each file (a
 * file counts anew each time the diagnostics move to it). A record that cannot be kept for
 * want of memory is only a copy of what the callback was told: dropping it is harmless. */
static void keep_bad(chorus_scan *s, const char *file, uint64_t line, ch_reason reason)
{
    if (s->bad_this_file >= s->errors_per_file)
        return;
    char *f = NULL;
    if (ch_grow((void **)&s->bad, &s->cap_bad, s->nbad + 1, sizeof *s->bad) ||
        !(f = ch_strndup(file, strlen(file))))
        return;
    s->bad[s->nbad++] = (ch_store_bad_record){f, line, ch_reason_name(reason)};
    s->bad_this_file++;
}

static void on_diag(void *ctx, const char *file, uint64_t line, ch_reason reason,
                    const char *msg)
{
    chorus_scan *s = ctx;
    if (!file)
        file = "";
    if (s->job == JOB_SCAN) {
        if (!s->bad_file || strcmp(s->bad_file, file) != 0) {
            ch_free(s->bad_file);
            s->bad_file = ch_strndup(file, strlen(file));
            s->bad_this_file = 0;
        }
        if (line > 0)
            keep_bad(s, file, line, reason);
    }
    /* the first file-level message of the input being read says why it failed */
    if (line == 0 && s->cur_input < s->ninputs && !s->inputs[s->cur_input].problem &&
        !strcmp(file, s->inputs[s->cur_input].path))
        s->inputs[s->cur_input].problem = ch_strndup(msg, strlen(msg));
    if (s->diag) {
        chorus_diag d = {.file = file, .line = line, .offset = -1,
                         .reason = line ? ch_reason_name(reason) : NULL, .message = msg};
        s->diag(s->diag_ctx, &d);
    }
}

/* ---- reading ------------------------------------------------------------------------------- */

/* Whole-corpus figures, to tell one input's share by difference. */
static void corpus_marks(const ch_corpus *c, uint64_t *records, uint64_t *posts, uint64_t *errors)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    *records = st->records;
    *posts = ch_corpus_nposts(c);
    *errors = 0;
    for (int k = 0; k < CH_R__COUNT; k++)
        *errors += st->errors[k];
}

/* Reads every input (see chorus.h, "Reading inputs"). Returns CHORUS_OK when each was tried,
 * or the code that stopped the reading (CHORUS_EPARSE in strict mode, CHORUS_ENOMEM). */
static chorus_err read_inputs(chorus_scan *s)
{
    const double t0 = ch_now();
    chorus_err rc = CHORUS_OK;
    if (!s->corpus) {
        if (chorus_corpus_new(&s->corpus))
            return scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
        ch_corpus_set_memory(s->corpus, ch_api_memory_limit(s), NULL);
    }
    s->records_before = s->records_file = 0;
    s->cur_input = 0;
    stage(s, ST_READ);
    for (size_t i = 0; i < s->ninputs; i++) {
        scan_input *in = &s->inputs[i];
        s->cur_input = i;
        s->records_file = 0;
        ch_ingest_opts io = {
            .reader = in->reader ? in->reader : ch_api_default_reader(s),
            .map = in->map ? in->map : s->map.n ? &s->map : NULL,
            .time_format = s->time_format,
            .require_posts = true,
            .strict = s->strict,
            .diag = on_diag,
            .diag_ctx = s,
            .progress = on_ingest_progress,
            .progress_ctx = s,
        };
        uint64_t r0, p0, e0, r1, p1, e1;
        corpus_marks(s->corpus, &r0, &p0, &e0);
        int irc = CHORUS_OK;
        bool handled = false;
        if (ch_api_dist_size() > 1 && s->job == JOB_SCAN)   /* ranks share the reading */
            irc = ch_api_dist_ingest(s->corpus, in->path, &io, &in->used, &handled);
        /* in a distributed scan every rank holds the whole corpus (dist.c) */
        if (!handled && (ch_api_dist_rank() == 0 || s->job == JOB_SCAN))
            irc = ch_ingest_file(s->corpus, in->path, &io, &in->used);
        corpus_marks(s->corpus, &r1, &p1, &e1);
        in->tried = true;
        in->status = (chorus_err)irc;
        in->records = r1 - r0;
        in->posts = p1 - p0;
        in->errors = e1 - e0;
        s->records_before += s->records_file;
        s->records_file = 0;
        if (irc == CHORUS_EPARSE && s->strict) {
            rc = scan_fail(s, CHORUS_EPARSE, in->path, "stopping at the first bad record");
            break;
        }
        if (irc == CHORUS_ENOMEM) {
            rc = scan_fail(s, CHORUS_ENOMEM, in->path, "out of memory");
            break;
        }
        if (ch_corpus_spill_error(s->corpus)) {
            /* the texts past the memory budget could not go to disk: nothing is left out
             * silently, the job stops */
            rc = scan_fail(s, CHORUS_EIO, in->path, "%s: cannot spill post texts past the "
                           "memory budget (--memory; TMPDIR): %s", in->path,
                           ch_corpus_spill_error(s->corpus));
            break;
        }
    }
    s->cur_input = s->ninputs;
    s->seconds[ST_READ] = ch_now() - t0;
    s->ran[ST_READ] = true;
    return rc;
}

/* The first input that could not be read, or NULL; *usage says whether one was refused as a
 * usage error (which wins). */
static const scan_input *failed_input(const chorus_scan *s, bool *usage)
{
    const scan_input *first = NULL, *first_usage = NULL;
    for (size_t i = 0; i < s->ninputs; i++) {
        const scan_input *in = &s->inputs[i];
        if (!in->tried || in->status == CHORUS_OK)
            continue;
        if (!first)
            first = in;
        if (in->status == CHORUS_EUSAGE && !first_usage)
            first_usage = in;
    }
    *usage = first_usage != NULL;
    return first_usage ? first_usage : first;
}

/* Fails the job for input `in` (already reported through the diagnostic callback). */
static chorus_err fail_input(chorus_scan *s, const scan_input *in)
{
    chorus_err rc = scan_fail(s, in->status, in->path, "%s: %s", in->path,
                              in->problem ? in->problem : chorus_strerror(in->status));
    s->err.reported = true;
    return rc;
}

static chorus_err start_job(chorus_scan *s, scan_job job)
{
    ch_error_clear(&s->err);
    if (s->job != JOB_NONE)
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "this handle already ran a job: create a new one for another");
    if (s->ninputs == 0)
        return scan_fail(s, CHORUS_EUSAGE, NULL, "no input files");
    s->job = job;
    s->cur_input = SIZE_MAX;   /* no input is being read */
    s->t_start = ch_now();
    return CHORUS_OK;
}

static void finish(chorus_scan *s)
{
    s->seconds_total = ch_now() - s->t_start;
    s->finished = true;
}

/* ---- ingest -------------------------------------------------------------------------------- */

chorus_err chorus_scan_ingest(chorus_scan *s)
{
    if (!s)
        return CHORUS_EUSAGE;
    chorus_err rc = start_job(s, JOB_INGEST);
    if (rc)
        return rc;
    rc = read_inputs(s);
    if (!rc) {
        bool usage;
        const scan_input *bad = failed_input(s, &usage);
        if (usage)
            rc = fail_input(s, bad);
    }
    finish(s);
    return rc;
}

/* ---- statements ---------------------------------------------------------------------------- */

/* Loads every statements path. With `stop_on_failure` (the scan) the first file that cannot
 * be read stops the loading; otherwise (match) it is counted in statements_failed and the
 * others are loaded. A bad record in strict mode and running out of memory always stop. */
static chorus_err load_statements(chorus_scan *s, bool stop_on_failure)
{
    const double t0 = ch_now();
    chorus_err rc = CHORUS_OK;
    stage(s, ST_STATEMENTS);
    if (s->nstmts == 0)
        goto out;
    if (!s->set && ch_stmtset_new(&s->set)) {
        rc = scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->nstmts; i++) {
        ch_stmt_opts so = {.split = s->stmts[i].split, .strict = s->strict, .diag = on_diag,
                           .diag_ctx = s};
        int lrc = ch_stmtset_load(s->set, s->stmts[i].path, &so);
        if (lrc == CHORUS_OK)
            continue;
        if (lrc == CHORUS_EPARSE && s->strict) {
            rc = scan_fail(s, CHORUS_EPARSE, s->stmts[i].path, "stopping at the first bad statement");
            goto out;
        }
        if (lrc == CHORUS_ENOMEM) {
            rc = scan_fail(s, CHORUS_ENOMEM, s->stmts[i].path, "out of memory");
            goto out;
        }
        s->statements_failed++;
        if (stop_on_failure) {
            rc = scan_fail(s, (chorus_err)lrc, s->stmts[i].path, "cannot read the statements '%s'",
                           s->stmts[i].path);
            s->err.reported = true;   /* the loader said why, through the callback */
            goto out;
        }
    }
out:
    s->seconds[ST_STATEMENTS] = ch_now() - t0;
    s->ran[ST_STATEMENTS] = true;
    return rc;
}

/* ---- scan ---------------------------------------------------------------------------------- */

static void on_detect_progress(void *ctx, ch_detect_stage st, const char *what)
{
    static const api_stage map[CH_DS__COUNT] = {
        [CH_DS_NORMALIZE] = ST_NORMALIZE, [CH_DS_PARROT] = ST_PARROT,
        [CH_DS_NEARDUP] = ST_NARRATIVES,  [CH_DS_COACT] = ST_COACT,
        [CH_DS_NETWORK] = ST_NETWORK,     [CH_DS_SCORE] = ST_SCORE,
    };
    (void)what;
    if ((unsigned)st < CH_DS__COUNT)
        stage(ctx, map[st]);
}

/* ---- outputs ------------------------------------------------------------------------------- */

void chorus_remove_temporary_files(void)
{
    ch_outfile_remove_temps();
}

/* The outputs never replace what the scan reads (standard input too, when it is a file). */
static chorus_err protect_list(chorus_scan *s, ch_outfile_protect **out, size_t *n)
{
    *n = 0;
    *out = ch_calloc(s->ninputs + s->nstmts + 1, sizeof **out);
    if (!*out)
        return scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < s->ninputs; i++)
        (*out)[(*n)++] = (ch_outfile_protect){
            s->inputs[i].path, strcmp(s->inputs[i].path, "-") ? "an input of the scan"
                                                              : "the scan's standard input"};
    for (size_t i = 0; i < s->nstmts; i++)
        (*out)[(*n)++] = (ch_outfile_protect){s->stmts[i].path, "statements of the scan"};
    return CHORUS_OK;
}

/* Checks both outputs before anything is read, so a refusal costs nothing: the database and
 * report policies (store.h, report.h), and the two naming the same file. */
static chorus_err check_outputs(chorus_scan *s, const char *db_path,
                                const ch_outfile_protect *protect, size_t nprotect,
                                ch_outfile_diag *nd)
{
    char msg[1024];
    const ch_outfile_opts oo = {.flags = s->force ? CH_OUT_FORCE : 0, .protect = protect,
                                .nprotect = nprotect};
    int rc = ch_store_check(db_path, &oo, msg, sizeof msg);
    if (rc)
        return scan_fail(s, (chorus_err)rc, NULL, "%s", msg);
    if (!s->report)
        return CHORUS_OK;
    if (ch_outfile_same_target(db_path, s->report))
        return scan_fail(s, CHORUS_EUSAGE, NULL,
                         "'%s' is named for both the results database and the report: choose "
                         "two files", s->report);
    ch_report_opts ro;
    ch_report_opts_default(&ro);
    ro.force = s->force;
    ro.notice = nd->fn;
    ro.notice_ctx = nd->ctx;
    rc = ch_report_check(db_path, s->report, &ro, protect, nprotect, msg, sizeof msg);
    if (rc)
        return scan_fail(s, (chorus_err)rc, NULL, "%s", msg);
    return CHORUS_OK;
}

static void count_accounts(chorus_scan *s)
{
    s->clustered = s->flagged = 0;
    for (size_t i = 0; i < ch_corpus_naccounts(s->corpus); i++) {
        s->flagged += s->d.scores->score[i] >= CH_SCORE_FLAG;   /* == CHORUS_SCORE_FLAG */
        s->clustered += s->d.net->cluster_of_account[i] != CH_NONE;
    }
    /* the accounts of the network's pairs (the "pairs" count: every pair the network used,
     * as the report counts them; what a compatibility mode is checked by) */
    const ch_network *n = s->d.net;
    uint8_t *seen = ch_calloc(ch_corpus_naccounts(s->corpus) + 1, 1);
    s->paired = 0;
    for (size_t i = 0; i < n->n_edges; i++) {
        if (!n->edges[i].used)
            continue;
        if (seen) {
            s->paired += !seen[n->edges[i].a] + !seen[n->edges[i].b];
            seen[n->edges[i].a] = seen[n->edges[i].b] = 1;
        }
    }
    if (!seen)
        s->paired = -1;   /* out of memory: unknown */
    ch_free(seen);
}

chorus_err chorus_scan_run(chorus_scan *s, const char *db_path)
{
    if (!s)
        return CHORUS_EUSAGE;
    if (!db_path || !*db_path) {
        ch_error_clear(&s->err);
        return scan_fail(s, CHORUS_EUSAGE, NULL, "no results database named");
    }
    chorus_err rc = start_job(s, JOB_SCAN);
    if (rc)
        return rc;
    ch_store *store = NULL;
    ch_outfile_protect *protect = NULL;
    size_t nprotect = 0;
    char msg[1024];
    ch_outfile_diag nd = {s->diag, s->diag_ctx};   /* stale temporary files removed */
    if (!(s->output = ch_strndup(db_path, strlen(db_path)))) {
        rc = scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if ((rc = protect_list(s, &protect, &nprotect)) ||
        (rc = check_outputs(s, db_path, protect, nprotect, &nd)))
        goto out;

    /* An input that cannot be read at all (missing, undetectable) was reported. When the
     * others gave posts, the scan goes on over them, so a run over a folder of exports is not
     * lost to one stray file; strict mode, usage errors, or nothing read at all stop here,
     * leaving any previous database untouched. */
    /* A distributed scan (dist.c): every rank reads the same corpus and statements, takes
     * its share of the detection stages, and rank 0 alone writes; every rank reaches each
     * exchange, so a failure on one (ch_api_dist_agree) stops them all at the same step. */
    const bool root = ch_api_dist_rank() == 0;
    if ((rc = read_inputs(s)))
        goto out;
    bool usage;
    const scan_input *bad = failed_input(s, &usage);
    if (bad && (usage || s->strict || ch_corpus_nposts(s->corpus) == 0)) {
        rc = fail_input(s, bad);
        goto out;
    }
    rc = load_statements(s, true);
    if (!root && ch_api_dist_agree(rc) != CHORUS_OK)
        goto out;   /* the scan stopped on some rank: rank 0 says why */

    const ch_outfile_opts oo = {
        .flags = s->force ? CH_OUT_FORCE : 0, .protect = protect, .nprotect = nprotect,
        .notice = nd.fn ? ch_outfile_notice_diag : NULL, .notice_ctx = &nd,
    };
    int src = rc ? CHORUS_OK : ch_store_open(db_path, &oo, &store, msg, sizeof msg);
    if (src)
        rc = scan_fail(s, (chorus_err)src, NULL, "%s", msg);
    /* SQLite's page cache takes a sixteenth of the budget, at most its usual 64 MiB */
    const uint64_t cache = ch_api_memory_limit(s) / 16;
    if (!rc && cache && cache < ((uint64_t)64 << 20) &&
        (src = ch_store_set_cache(store, cache)))
        rc = scan_fail(s, CHORUS_EDB, NULL, "cannot write '%s': cannot set its cache", db_path);
    if (root && ch_api_dist_size() > 1 && ch_api_dist_agree(rc) != CHORUS_OK && !rc)
        rc = scan_fail(s, CHORUS_EIO, NULL, "another rank of the MPI job could not read the "
                       "inputs or statements as rank 0 did");
    if (rc)
        goto out;
    /* normalize, narratives, parroting, co-actions, network, scores: ch_detect_run, as the
     * quality benchmark runs them; the posts table is written alongside */
    ch_store_posts_job pj = {.s = store, .c = s->corpus};
    ch_detect_opts dopt;
    ch_detect_opts_default(&dopt);
    dopt.threads = s->threads;
    if (!dopt.threads && ch_api_dist_local_size() > 1) {
        /* "all cores" means this rank's part of them when ranks share a machine, and all of
         * them again for the stages rank 0 runs alone, once the others have ended */
        const int per = ch_parallel_threads(0) / ch_api_dist_local_size();
        dopt.threads = per > 1 ? per : 1;
        dopt.threads_alone = ch_parallel_threads(0);
    }
    dopt.dist = ch_api_dist();
    dopt.coact.window = s->window;
    memcpy(dopt.coact.window_of, s->window_of, sizeof dopt.coact.window_of);
    dopt.coact.behaviours = s->behaviours;
    dopt.coact.compat = (uint8_t)s->compat;
    if (s->min_events)
        dopt.coact.min_objects = dopt.coact.compat_min = s->min_events;
    if (s->fdr > 0) {
        /* the FDR cut: the significant edges only, at that level */
        dopt.coact.alpha = s->fdr;
        dopt.coact.screen_p = 0;
    }
    if (s->similarity > 0)
        dopt.coact.compat_similarity = s->similarity;
    dopt.parrot.threshold = s->threshold;
    /* a co-action pair table takes at most an eighth of the budget (from 32 MiB up to the
     * stage's usual 256 MiB): more pairs are counted in more partitions, one at a time */
    const uint64_t table = ch_api_memory_limit(s) / 8;
    if (table && table < dopt.coact.max_table_bytes)
        dopt.coact.max_table_bytes = table > ((uint64_t)32 << 20) ? (size_t)table : (size_t)32 << 20;
    /* co-action events: a behaviour holds at most a 32nd of the budget (from 32 KiB) while
     * they are extracted; the rest goes to sorted runs on disk, merged by object key */
    const uint64_t evbytes = ch_api_memory_limit(s) / 32;
    dopt.coact.max_event_bytes = evbytes > ((uint64_t)32 << 10) ? (size_t)evbytes : (size_t)32 << 10;
    /* narrative sketches (64 bytes a post): past a 16th of the budget, in a file mapped back */
    dopt.neardup.max_sketch_bytes = (size_t)(ch_api_memory_limit(s) / 16);
    dopt.progress = on_detect_progress;
    dopt.progress_ctx = s;
    dopt.narratives_ready = ch_store_posts_start;
    dopt.narratives_ready_ctx = &pj;
    int drc = ch_detect_run(s->corpus, s->set, &dopt, &s->d);
    if (!root) {   /* its shares went to rank 0, which writes */
        rc = (chorus_err)drc;
        goto out;
    }
    if (!pj.done && !drc) /* the chain never reported narratives: write posts now */
        ch_store_posts_start(&pj, NULL);
    int prc = ch_store_posts_join(&pj);
    static const api_stage from_detect[CH_DS__COUNT] = {
        [CH_DS_NORMALIZE] = ST_NORMALIZE, [CH_DS_PARROT] = ST_PARROT,
        [CH_DS_NEARDUP] = ST_NARRATIVES,  [CH_DS_COACT] = ST_COACT,
        [CH_DS_NETWORK] = ST_NETWORK,     [CH_DS_SCORE] = ST_SCORE,
    };
    for (int k = 0; k < CH_DS__COUNT; k++) {
        s->seconds[from_detect[k]] = s->d.seconds[k];
        s->ran[from_detect[k]] = true;
    }
    if (drc == CHORUS_EIO && s->d.spill_err[0]) {
        /* the events past the memory budget could not go to disk: nothing is written */
        rc = scan_fail(s, CHORUS_EIO, NULL, "cannot spill %s past the memory budget "
                       "(--memory; TMPDIR): %s", s->d.spill_what ? s->d.spill_what : "data",
                       s->d.spill_err);
        goto out;
    }
    if (drc) {
        rc = scan_fail(s, (chorus_err)drc, NULL, "%s", chorus_strerror((chorus_err)drc));
        goto out;
    }
    if (prc) {
        rc = scan_fail(s, (chorus_err)prc, NULL, "cannot write '%s': %s", db_path,
                       prc == CHORUS_EDB ? ch_store_errmsg(store, msg, sizeof msg)
                                         : chorus_strerror((chorus_err)prc));
        goto out;
    }
    s->detected = true;
    count_accounts(s);

    const double t_store = ch_now();
    stage(s, ST_STORE);
    const char **inputs = ch_calloc(s->ninputs + 1, sizeof *inputs);
    const char **stmts = ch_calloc(s->nstmts + 1, sizeof *stmts);
    const char **informats = ch_calloc(s->ninputs + 1, sizeof *informats);
    if (!inputs || !stmts || !informats) {
        ch_free(informats);
        ch_free(inputs);
        ch_free(stmts);
        rc = scan_fail(s, CHORUS_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->ninputs; i++) {
        inputs[i] = s->inputs[i].path;
        informats[i] = s->inputs[i].used ? s->inputs[i].used->name : NULL;
    }
    for (size_t i = 0; i < s->nstmts; i++)
        stmts[i] = s->stmts[i].path;
    const ch_reader *fmt = ch_api_default_reader(s);
    ch_scan_meta meta = {
        .output = db_path, .inputs = inputs, .input_formats = informats, .ninputs = s->ninputs,
        .statements = stmts, .nstatements = s->nstmts,
        .window_fixed = s->window > 0, .screen_p = dopt.coact.screen_p,
        .format = fmt ? fmt->name : "auto", .threads = ch_parallel_threads(s->threads),
        .compat = s->compat, .behaviours = s->behaviours, .min_events = s->min_events,
        .fdr = s->fdr, .match_threshold = s->threshold,
        .seconds_ingest = s->seconds[ST_READ], .seconds_store_posts = pj.seconds,
        .bad = s->bad, .nbad = s->nbad,
    };
    int wrc = ch_store_write_scan(store, &meta, s->corpus, s->set, &s->d, msg, sizeof msg);
    store = NULL; /* committed or aborted */
    ch_free(inputs);
    ch_free(informats);
    ch_free(stmts);
    s->seconds[ST_STORE] = ch_now() - t_store;
    s->ran[ST_STORE] = true;
    if (wrc) {
        rc = scan_fail(s, (chorus_err)wrc, NULL, "%s", msg);
        goto out;
    }
    if (s->report) {
        const double t_report = ch_now();
        stage(s, ST_REPORT);
        ch_report_opts ro;
        ch_report_opts_default(&ro);
        ro.force = s->force;
        ro.notice = nd.fn;
        ro.notice_ctx = nd.ctx;
        int rrc = ch_report_write_to(db_path, s->report, &ro, protect, nprotect, NULL, msg,
                                     sizeof msg);
        s->seconds[ST_REPORT] = ch_now() - t_report;
        s->ran[ST_REPORT] = true;
        if (rrc) {
            rc = scan_fail(s, (chorus_err)rrc, NULL, "%s", msg[0] ? msg : chorus_strerror(rrc));
            goto out;
        }
    }
out:
    ch_store_abort(store);
    ch_free(protect);
    finish(s);
    return rc;
}

/* ---- match --------------------------------------------------------------------------------- */

chorus_err chorus_scan_match(chorus_scan *s, chorus_match_fn fn, void *ctx)
{
    if (!s)
        return CHORUS_EUSAGE;
    chorus_err rc = start_job(s, JOB_MATCH);
    if (rc)
        return rc;
    if (s->nstmts == 0) {
        rc = scan_fail(s, CHORUS_EUSAGE, NULL, "no statements");
        goto out;
    }
    /* statements first: a wrong path should fail before a long read */
    if ((rc = load_statements(s, false)))
        goto out;
    if (ch_stmtset_count(s->set) == 0) {
        rc = scan_fail(s, CHORUS_EIO, NULL, "no statements loaded");
        goto out;
    }
    double t0 = ch_now();
    stage(s, ST_INDEX);
    ch_parrot_params params;
    ch_parrot_params_default(&params);
    params.threshold = s->threshold;
    int prc = ch_parrot_build(s->set, &params, &s->pix);
    s->seconds[ST_INDEX] = ch_now() - t0;
    s->ran[ST_INDEX] = true;
    if (prc) {
        rc = scan_fail(s, (chorus_err)prc, NULL, "cannot index the statements: %s",
                       chorus_strerror((chorus_err)prc));
        goto out;
    }
    if ((rc = read_inputs(s)))
        goto out;
    bool usage;
    const scan_input *bad = failed_input(s, &usage);
    if (bad && s->strict) {
        rc = fail_input(s, bad);
        goto out;
    }
    t0 = ch_now();
    stage(s, ST_MATCH);
    ch_parrot_corpus_opts co = {.threads = s->threads,
                                .max_per_post = s->all_matches ? params.max_candidates : 1};
    prc = ch_parrot_match_corpus(s->pix, s->corpus, &co, &s->mres);
    s->seconds[ST_MATCH] = ch_now() - t0;
    s->ran[ST_MATCH] = true;
    if (prc) {
        rc = scan_fail(s, (chorus_err)prc, NULL, "%s", chorus_strerror((chorus_err)prc));
        goto out;
    }
    s->matched = true;
    const ch_pool *pool = ch_corpus_pool(s->corpus);
    for (size_t i = 0; fn && i < s->mres.nrows; i++) {
        const ch_parrot_row *r = &s->mres.rows[i];
        const ch_post *p = ch_corpus_post(s->corpus, r->post);
        const ch_account *a = ch_corpus_account(s->corpus, p->account);
        const ch_statement *st = ch_stmtset_get(s->set, r->m.stmt);
        chorus_segment seg[CH_PARROT_MAX_SEG];
        for (uint32_t k = 0; k < r->m.nseg && k < CH_PARROT_MAX_SEG; k++)
            seg[k] = (chorus_segment){r->m.seg[k].post_start, r->m.seg[k].post_end,
                                      r->m.seg[k].stmt_start, r->m.seg[k].stmt_end};
        chorus_match m = {
            .post_id = ch_pool_str(pool, p->id),
            .account_id = ch_pool_str(pool, a->id),
            .handle = a->handle ? ch_pool_str(pool, a->handle) : NULL,
            .statement_id = st->id,
            .created_at = p->created_at,
            .similarity = r->m.similarity,
            .post_text = p->text,
            .post_len = p->text_len,
            .statement_text = st->text,
            .statement_len = st->text_len,
            .post_start = r->m.post_start,
            .post_end = r->m.post_end,
            .stmt_start = r->m.stmt_start,
            .stmt_end = r->m.stmt_end,
            .before_publication = r->before_publication,
            .segments = seg,
            .nsegments = r->m.nseg < CH_PARROT_MAX_SEG ? r->m.nseg : CH_PARROT_MAX_SEG,
        };
        if (fn(ctx, &m))
            break;
    }
out:
    finish(s);
    return rc;
}
