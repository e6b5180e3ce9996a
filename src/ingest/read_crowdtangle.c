/*
 * read_crowdtangle.c — preset for CrowdTangle tables: the historical-data CSV export (one row
 * per post, "Post Created" etc.), CooRnet/PyCooRnet link-share tables (`ct_shares`: one row
 * per post and shared URL) and the /links or /posts API flattened to CSV.
 *
 * Field spec (the first column present of each list):
 *   id            URL (export: the post permalink) | platformId ({page}_{post}, API) | id
 *                 (CrowdTangle's own post id: ct_shares has no other)
 *   author_id     Facebook Id | account.platformId | account_platformId
 *   author        User Name | account.handle | account_handle (groups have none: "NA")
 *   time          Post Created | Created | date — "2021-03-01 11:00:00 EST" in exports (zone
 *                 names, timeparse.h), "2019-08-02 09:00:18" (UTC) from the API
 *   text          Message | message
 *   urls          Final Link | expanded | expandedLinks.expanded, else Link | link
 *   display name  Page Name | Account | account.name | account_name
 *   followers     Followers at Posting | Likes at Posting | Page Likes at Posting |
 *                 account.subscriberCount | account_subscriberCount
 *   verified      account.verified | account_verified
 *   kind          repost when Link Text is "This is a re-share of a post" (ref_id = Link, the
 *                 original post's URL, the id space of the export), else post
 * Rows repeating a post id (ct_shares: one per URL) are merged into one post by the corpus
 * (ch_corpus_add). Platform: facebook; a row whose URL is on instagram.com is instagram.
 * A flattened /links table without `date` (PyCooRnet's sample_ct_out: only `updated`, the time
 * CrowdTangle last refreshed the post) is refused: `updated` is not when the post was made.
 * Skipped: reaction counts, media, scores (not evidence of coordination). Cost: one pass over
 * the table; no allocation per row.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "ingest/csv.h"
#include "ingest/csv_table.h"
#include "ingest/reader.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

enum { X_LINK_TEXT = CH_TF_X1, X_LINK = CH_TF_X2, X_UPDATED = CH_TF_X3 };

static const char reshare[] = "This is a re-share of a post";

static int header(ch_table *t, const ch_csv *csv, char *msg, size_t msglen)
{
    (void)csv;
    if (t->col[CH_TF_TIME] < 0 && t->col[X_UPDATED] >= 0) {
        snprintf(msg, msglen, "this CrowdTangle table has no creation time (no 'date' or "
                              "'Post Created' column): its 'updated' is when CrowdTangle last "
                              "refreshed a post, not when it was made; export the posts with "
                              "their date");
        return CHORUS_EFORMAT;
    }
    return CHORUS_OK;
}

static int fix(ch_table *t, const ch_csv_rec *rec, ch_rawpost *r, ch_reason *reason,
               char *msg, size_t msglen)
{
    (void)reason, (void)msg, (void)msglen;
    ch_slice lt = ch_table_cell(t, rec, X_LINK_TEXT);
    if (lt.n == sizeof reshare - 1 && memcmp(lt.p, reshare, lt.n) == 0) {
        ch_slice link = ch_table_cell(t, rec, X_LINK);
        if (link.n) {
            r->kind = CH_KIND_REPOST;
            r->ref_id = link;
        }
    }
    if (r->id.n > 14 && memmem(r->id.p, r->id.n, "instagram.com/", 14))
        r->platform = (ch_slice){"instagram", 9};
    return CHORUS_OK;
}

static const ch_table_preset preset = {
    .cols = {
        [CH_TF_ID] = L("URL", "platformId", "id"),
        [CH_TF_AUTHOR_ID] = L("Facebook Id", "account.platformId", "account_platformId"),
        [CH_TF_AUTHOR] = L("User Name", "account.handle", "account_handle"),
        [CH_TF_TIME] = L("Post Created", "Created", "date"),
        [CH_TF_TEXT] = L("Message", "message"),
        [CH_TF_URLS] = L("Final Link", "expanded", "expandedLinks.expanded"),
        [CH_TF_URLS2] = L("Link", "link", "expandedLinks.original"),
        [CH_TF_NAME] = L("Page Name", "Account", "account.name", "account_name"),
        [CH_TF_FOLLOWERS] = L("Followers at Posting", "Likes at Posting", "Page Likes at Posting",
                              "account.subscriberCount", "account_subscriberCount"),
        [CH_TF_VERIFIED] = L("account.verified", "account_verified"),
        [X_LINK_TEXT] = L("Link Text"),
        [X_LINK] = L("Link"),
        [X_UPDATED] = L("updated"),
    },
    .na_empty = true,
    .header = header,
    .fix = fix,
};

static int read(ch_ingest_ctx *ctx)
{
    ch_table t = {.preset = &preset};
    return ch_table_read(ctx, &t);
}

static int sniff(const ch_sniff *s)
{
    if (!ch_sniff_is_table(s))
        return CH_SNIFF_NO;
    /* the historical-data export */
    if ((ch_sniff_header_has(s, "Post Created") || ch_sniff_header_has(s, "Facebook Id")) &&
        ch_sniff_header_has(s, "URL"))
        return CH_SNIFF_SURE;
    /* API posts flattened (CooRnet, PyCooRnet) */
    if ((ch_sniff_header_has(s, "account.platformId") ||
         ch_sniff_header_has(s, "account_platformId")) &&
        (ch_sniff_header_has(s, "expanded") || ch_sniff_header_has(s, "platformId")))
        return CH_SNIFF_SURE;
    return CH_SNIFF_NO;
}

const ch_reader ch_reader_crowdtangle = {
    .name = "crowdtangle",
    .aliases = (const char *const[]){"ct", "ct-shares", "coornet", NULL},
    .platform = "facebook",
    .summary = "CrowdTangle CSV: historical-data export, CooRnet ct_shares, API posts as CSV",
    .example = "Page Name,User Name,Facebook Id,Post Created,Type,URL,Message,Link,Final Link,"
               "Link Text\nDaily News,dailynews,1234,2021-03-01 11:00:00 EST,Link,"
               "https://www.facebook.com/dailynews/posts/99,Read this,https://ex.com/a,"
               "https://ex.com/a,A story",
    .sniff = sniff,
    .read = read,
};
