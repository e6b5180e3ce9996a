/*
 * ingest.c — the ingest driver: opens a file, picks its reader (named by the caller, or the
 * one whose sniff is surest), and runs it (see ingest.h). The readers report their own bad
 * records through reader.c; this file reports only what stops a whole file.
 */
#include "ingest/ingest.h"
#include "ingest/jsonl.h"

#include <stdio.h>
#include <string.h>

const ch_reader *ch_ingest_sniff(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
        (unsigned char)data[2] == 0xbf)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len)
        return NULL;
    ch_sniff s = {.data = data + i, .len = len - i, .line = data + i};
    const char *nl = memchr(s.data, '\n', s.len);
    s.line_len = nl ? (size_t)(nl - s.data) : s.len;
    s.json = s.data[0] == '{' || s.data[0] == '[';
    if (s.json) {
        /* The first record is the first JSON value, which may span lines (a pretty-printed
         * response): as much of it as the window holds. */
        ch_json_depth d = {0};
        s.line_len = ch_json_depth_scan(&d, s.data, s.len, true);
    }

    const ch_reader *best = NULL;
    int best_conf = CH_SNIFF_NO;
    for (size_t k = 0; k < ch_reader_count(); k++) {
        const ch_reader *r = ch_reader_at(k);
        int conf = r->sniff ? r->sniff(&s) : CH_SNIFF_NO;
        if (conf > best_conf) {
            best = r;
            best_conf = conf;
        }
    }
    return best;
}

static void file_diag(const ch_ingest_opts *o, const char *f, const char *msg)
{
    if (o->diag)
        o->diag(o->diag_ctx, f, 0, CH_R__COUNT, msg);
}

int ch_ingest_file(ch_corpus *c, const char *path, const ch_ingest_opts *opts,
                   const ch_reader **used)
{
    char err[256];
    ch_input *in = NULL;
    if (used)
        *used = NULL;
    int rc = ch_input_open(path, opts->max_line, &in, err, sizeof err);
    if (rc) {
        file_diag(opts, path, err);
        return rc;
    }
    const ch_reader *r = opts->reader;
    const char *data;
    size_t len;
    if ((rc = ch_input_peek(in, &data, &len)))
        goto out;
    if (!r) {
        if (len == 0) {
            /* An empty file holds no posts: nothing to detect. A compressed file whose every
             * member is damaged, or that is cut before its first line, has nothing readable:
             * that is an error. */
            if (ch_input_unreadable(in) || ch_input_truncated(in)) {
                char msg[320];
                snprintf(msg, sizeof msg, "nothing readable: %s", ch_input_error(in));
                file_diag(opts, path, msg);
                rc = CHORUS_EIO;
            }
            goto out;
        }
        if (!(r = ch_ingest_sniff(data, len))) {
            file_diag(opts, path, "cannot tell the format of this file; name it with --format");
            rc = CHORUS_EFORMAT;
            goto out;
        }
    }
    uint32_t file;
    if ((rc = ch_corpus_add_file(c, path, &file)) ||
        (rc = ch_corpus_file_platform(c, file, r->platform)))
        goto out;
    ch_ingest_ctx ctx = {.corpus = c, .opts = opts, .fname = path, .file = file, .in = in};
    if (used)
        *used = r;
    rc = r->read(&ctx);
    if (opts->progress)
        opts->progress(opts->progress_ctx, ch_input_file_consumed(in), ch_input_file_size(in),
                       ctx.records);
out:
    ch_input_close(in);
    return rc;
}

int ch_ingest_mem(ch_corpus *c, uint32_t file, const char *name, const void *data, size_t len,
                  const ch_reader *r, const ch_ingest_opts *opts)
{
    if (!c || !r || !opts || (!data && len))
        return CHORUS_EUSAGE;
    if (len == 0)
        return CHORUS_OK;
    ch_input *in = NULL;
    int rc = ch_input_open_mem(data, len, opts->max_line, &in);
    if (rc)
        return rc;
    ch_ingest_ctx ctx = {.corpus = c, .opts = opts, .fname = name, .file = file, .in = in};
    rc = r->read(&ctx);
    ch_input_close(in);
    return rc;
}
