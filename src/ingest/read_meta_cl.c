/*
 * read_meta_cl.c — preset for Meta Content Library tables: Facebook and Instagram posts
 * downloaded from the Content Library (CSV), or Content Library API results written as CSV
 * (nested fields flattened with '.' or '_').
 *
 * Built from Meta's data dictionary (developers.facebook.com/docs/content-library-and-api,
 * "Data dictionary"): no real export was available to test with (docs/formats.md says so;
 * the tests build rows from the documented fields). Field spec (first column present):
 *   id         id (the Content Library post id)
 *   author_id  post_owner.id | post_owner_id | owner.id | owner_id
 *   author     post_owner.username | post_owner_username | owner.username | owner_username
 *   name       post_owner.name | post_owner_name | owner.name | owner_name
 *   time       creation_time (ISO 8601 with an offset, or Unix seconds)
 *   text       text
 *   lang       lang
 *   urls       link_attachment.link | link_attachment_link
 *   ref_id     shared_post_id | reshared_post_id (a re-share: kind repost)
 *   followers  post_owner.followers_count | owner.followers_count
 * Platform: facebook, or instagram when the file's header has instagram-only columns
 * (owner.* instead of post_owner.*, as the Instagram post entity names its owner). Skipped:
 * statistics, multimedia, match_type. Cost: one pass over the table.
 */
#include <string.h>

#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/csv_table.h"
#include "ingest/reader.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static int header(ch_table *t, const ch_csv *csv, char *msg, size_t msglen)
{
    (void)msg, (void)msglen;
    if (ch_csv_col(csv, "post_owner.id") < 0 && ch_csv_col(csv, "post_owner_id") < 0 &&
        (ch_csv_col(csv, "owner.id") >= 0 || ch_csv_col(csv, "owner_id") >= 0))
        t->platform = "instagram";
    return CHORUS_OK;
}

static const ch_table_preset preset = {
    .cols = {
        [CH_TF_ID] = L("id"),
        [CH_TF_AUTHOR_ID] = L("post_owner.id", "post_owner_id", "owner.id", "owner_id"),
        [CH_TF_AUTHOR] = L("post_owner.username", "post_owner_username", "owner.username",
                           "owner_username"),
        [CH_TF_NAME] = L("post_owner.name", "post_owner_name", "owner.name", "owner_name"),
        [CH_TF_TIME] = L("creation_time"),
        [CH_TF_TEXT] = L("text"),
        [CH_TF_LANG] = L("lang"),
        [CH_TF_URLS] = L("link_attachment.link", "link_attachment_link"),
        [CH_TF_REF_ID] = L("shared_post_id", "reshared_post_id"),
        [CH_TF_FOLLOWERS] = L("post_owner.followers_count", "owner.followers_count"),
    },
    .na_empty = true,
    .header = header,
};

static int read(ch_ingest_ctx *ctx)
{
    ch_table t = {.preset = &preset};
    return ch_table_read(ctx, &t);
}

static int sniff(const ch_sniff *s)
{
    if (!ch_sniff_is_table(s) || !ch_sniff_header_has(s, "creation_time") ||
        !ch_sniff_header_has(s, "id"))
        return CH_SNIFF_NO;
    if (ch_sniff_header_has(s, "post_owner.id") || ch_sniff_header_has(s, "post_owner_id") ||
        ch_sniff_header_has(s, "owner.id") || ch_sniff_header_has(s, "owner_id"))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_meta_cl = {
    .name = "meta-cl",
    .aliases = (const char *const[]){"meta-content-library", "mcl", NULL},
    .platform = "facebook",
    .summary = "Meta Content Library posts as CSV (Facebook; Instagram from owner.* columns)",
    .example = "id,creation_time,text,post_owner.id,post_owner.name,post_owner.username,lang,"
               "link_attachment.link\n1001,2024-05-01T10:00:00+0000,Vote early,77,Daily News,"
               "dailynews,en,https://ex.com/a",
    .sniff = sniff,
    .read = read,
};
