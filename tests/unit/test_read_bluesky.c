/*
 * test_read_bluesky.c — the Bluesky API reader (AppView views, repository records, automod
 * captures, decoded firehose commits, DID documents) against every real sample in
 * ../shared/data/formats/bluesky (skipped with a message when absent) and hand-written cases:
 * threads, repost reasons, missing posts, depth bounds, damaged documents.
 */
#include "helpers.h"

#define BSKY CHORUS_SHARED_DATA "/formats/bluesky/"

READER_RUNNERS(ch_reader_bluesky)

static char *sample(const char *rel, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", BSKY, rel);
    char *b = slurp(path, n);
    if (!b) {
        print_message("skipped: %s is absent (real samples live in CHORUS_SHARED_DATA)\n", path);
        skip();
    }
    return b;
}

static ch_corpus *read_sample(const char *rel, diag_log *log)
{
    size_t n;
    char *b = sample(rel, &n);
    assert_ptr_equal(ch_ingest_sniff(b, n), &ch_reader_bluesky);
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, b, n, 0, false, log), CHORUS_OK);
    free(b);
    return c;
}

static ch_corpus *read_str(const char *s, diag_log *log)
{
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, s, log), CHORUS_OK);
    return c;
}

/* Posts by kind: post, repost, reply, quote, like. */
static void assert_kinds(const ch_corpus *c, uint64_t post, uint64_t repost, uint64_t reply,
                         uint64_t quote, uint64_t like)
{
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], post);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], repost);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPLY], reply);
    assert_int_equal(st->posts_by_kind[CH_KIND_QUOTE], quote);
    assert_int_equal(st->posts_by_kind[CH_KIND_LIKE], like);
}

static size_t sum_hashtags(const ch_corpus *c)
{
    size_t n = 0;
    for (size_t i = 0; i < ch_corpus_nposts(c); i++)
        n += ch_corpus_post(c, i)->n_hashtags;
    return n;
}

/* ---- AppView views (ATAT's recorded PostViews) -------------------------------------------- */

/* A FeedViewPost whose reason is a repost: the feed owner's repost, after the post (a quote)
 * and the post it quotes. */
static void test_repost_reason(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-atat/repost.json", &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_kinds(c, 1, 1, 0, 1, 0);
    /* emitted in order: the quoted post, the quote, the repost */
    const ch_post *wapo = ch_corpus_post(c, 0);
    assert_string_equal(S(c, wapo->id), "at://did:plc:k5nskatzhyxersjilvtnz4lh/app.bsky.feed.post/3lhjg47rc6c2o");
    assert_string_equal(S(c, author(c, wapo)->handle), "washingtonpost.com");
    assert_string_equal(S(c, author(c, wapo)->meta.display_name), "The Washington Post");
    assert_int_equal(author(c, wapo)->meta.created_at, 1682967425); /* 2023-05-01T18:57:05Z */
    assert_int_equal(author(c, wapo)->meta.default_profile_image, 0);
    assert_int_equal(wapo->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(wapo)[0]), "https://www.washingtonpost.com/politics/2025/02/06/"
                        "trump-usaid-money-american-farms/?utm_campaign=wp_main&utm_medium=social&utm_source=bluesky");
    const ch_post *q = ch_corpus_post(c, 1);
    assert_int_equal(q->kind, CH_KIND_QUOTE);
    assert_int_equal(q->created_at, 1738864233); /* record.createdAt 2025-02-06T17:50:33.851Z */
    assert_string_equal(S(c, q->ref_id), S(c, wapo->id));
    assert_string_equal(S(c, q->ref_account), "did:plc:k5nskatzhyxersjilvtnz4lh");
    assert_string_equal(S(c, q->ref_handle), "washingtonpost.com");
    assert_string_equal(S(c, author(c, q)->handle), "theferrarilab.bsky.social");
    const ch_post *rp = ch_corpus_post(c, 2);
    assert_int_equal(rp->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, rp->id), "at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/"
                                      "3lhjnkjle5s2o#repost-by-did:plc:lw5dadzkguntwgkj2jxmulxk");
    assert_string_equal(S(c, author(c, rp)->id), "did:plc:lw5dadzkguntwgkj2jxmulxk");
    assert_string_equal(S(c, author(c, rp)->handle), "daniloc.xyz");
    assert_int_equal(rp->created_at, 1738864711); /* reason.indexedAt 2025-02-06T17:58:31Z */
    assert_string_equal(S(c, rp->ref_id), S(c, q->id));
    assert_string_equal(S(c, rp->ref_handle), "theferrarilab.bsky.social");
    chorus_corpus_free(c);
}

/* Mentions are the handles written at the facets' byte ranges (after emoji and curly
 * quotes); the quoted post is emitted first. */
static void test_mentions_in_quoted_post(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-atat/postWithRecordEmbed.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_kinds(c, 1, 0, 0, 1, 0);
    const ch_post *p = post(c, "at://did:plc:6y3jllixhqf3vjupdvzdtxsf/app.bsky.feed.post/3lhmdqmtrj22m");
    assert_int_equal(p->n_mentions, 5);
    const char *want[] = {"charliemchapman.com", "ryanashcraft.com", "teamneem.bsky.social",
                          "edwardsanchez.bsky.social", "launchedfm.com"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(S(c, ch_post_mentions(p)[i]), want[i]);
    const ch_post *q = post(c, "at://did:plc:grjqrmpcr7bcrwxmll7weidf/app.bsky.feed.post/3lhmjfkl44s2y");
    assert_int_equal(q->kind, CH_KIND_QUOTE);
    assert_int_equal(q->created_at, 1738962851);
    assert_string_equal(S(c, q->ref_handle), "deepdishswift.com");
    chorus_corpus_free(c);
}

/* A quote of a quote (recordWithMedia inside the embedded view), three posts deep. */
static void test_quote_chain(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-atat/postWithMedia.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_kinds(c, 0, 0, 0, 3, 0);
    const ch_post *deepest = ch_corpus_post(c, 0);
    assert_string_equal(S(c, deepest->id), "at://did:plc:g2nrqauct55qb6tcpepoo3dr/app.bsky.feed.post/3lhnqkp3a5c2h");
    assert_string_equal(S(c, deepest->ref_id), "at://did:plc:gq4fo3u6tqzzdkjlwzpb23tj/app.bsky.feed.post/3lft5dg5qgc2p");
    assert_int_equal(deepest->created_at, 1739004899);
    assert_string_equal(S(c, author(c, deepest)->handle), "danaenight.bsky.social");
    const ch_post *mid = ch_corpus_post(c, 1);
    assert_string_equal(S(c, mid->id), "at://did:plc:ab5inzxnpw4j2zvzlxupr5ut/app.bsky.feed.post/3lhnuqw5cms2h");
    assert_string_equal(S(c, mid->ref_id), S(c, deepest->id));
    assert_string_equal(S(c, mid->ref_handle), "danaenight.bsky.social");
    assert_int_equal(mid->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(mid)[0]), "https://dame.is/ratingalttext");
    const ch_post *top = ch_corpus_post(c, 2);
    assert_string_equal(S(c, top->id), "at://did:plc:64fyz6rpsagabcfqzdxykwgg/app.bsky.feed.post/3lhnv26fdxc2v");
    assert_string_equal(S(c, top->ref_handle), "bpavuk.bsky.social");
    assert_int_equal(top->created_at, 1739009714);
    chorus_corpus_free(c);
}

/* The other ATAT views: link cards, hashtags, a reply, images and a video. */
static void test_other_atat_views(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-atat/postWithVideo.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_int_equal(p->n_hashtags, 5);
    const char *tags[] = {"swiftUI", "iOS", "beginner", "code", "keeplearning"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(S(c, ch_post_hashtags(p)[i]), tags[i]);
    chorus_corpus_free(c);

    c = read_sample("api-atat/postWithoutEmbed.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    p = ch_corpus_post(c, 0);
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:x2rfmy3ldn2k6d2diyp7ofi2/app.bsky.feed.post/3lhmfcfualc2s");
    assert_string_equal(S(c, p->root_id), "at://did:plc:r6xugwwpp4ss5liddodf7thw/app.bsky.feed.post/3lhmf2be2rc2b");
    assert_string_equal(S(c, p->ref_account), "did:plc:x2rfmy3ldn2k6d2diyp7ofi2");
    chorus_corpus_free(c);

    c = read_sample("api-atat/externalEmbed.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    p = ch_corpus_post(c, 0);
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://www.createwithswift.com/designing-for-application-states-"
                                          "creating-seamless-user-experiences/");
    assert_string_equal(S(c, author(c, p)->handle), "createwithswift.bsky.social");
    chorus_corpus_free(c);

    c = read_sample("api-atat/externalRepostWithComment.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_kinds(c, 1, 0, 0, 1, 0);
    p = post(c, "at://did:plc:oio4hkxaop4ao4wz2pp3f4cr/app.bsky.feed.post/3lhlu3l65522g");
    assert_string_equal(S(c, p->ref_id), "at://did:plc:7exlcsle4mjfhu3wnhcgizz6/app.bsky.feed.post/3lhljcua7lv2e");
    chorus_corpus_free(c);

    c = read_sample("api-atat/postWithImagesEmbed.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_kinds(c, 1, 0, 0, 0, 0);
    chorus_corpus_free(c);
    assert_int_equal(log.n, 0);
}

/* ---- AppView feeds and searches (bskyr's cassettes) --------------------------------------- */

static void test_author_feed(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-bskyr/getAuthorFeed_chriskenny.bsky.social.json", &log);
    assert_int_equal(log.n, 0);
    /* 50 feed items (7 of them reposts), and the posts they show: reposted originals, reply
     * roots and parents, quoted posts; 26 of those are shown more than once */
    assert_int_equal(ch_corpus_stats_get(c)->records, 87 + 26); /* kept and duplicates */
    assert_int_equal(ch_corpus_nposts(c), 87);
    assert_kinds(c, 34, 7, 38, 8, 0);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 26);
    const ch_post *p = post(c, "at://did:plc:n65dhyosfrm6t7jhzum76exq/app.bsky.feed.post/"
                               "3lnneysi3ps2c#repost-by-did:plc:wpe35pganb6d4pg4ekmfy6u5");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1745606592);
    assert_string_equal(S(c, p->ref_handle), "mickael.canouil.fr");
    p = post(c, "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3lof7sovfok2h");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_int_equal(p->created_at, 1746408617);
    assert_string_equal(S(c, p->ref_handle), "smachlis.bsky.social"); /* from reply.parent */
    assert_string_equal(S(c, p->root_id), "at://did:plc:z4cp3uwgxiioi7uaxn2boq47/app.bsky.feed.post/3lobj4swhjo2x");
    /* the feed owner's posts and reposts are one account */
    const ch_account *a = author(c, p);
    assert_string_equal(S(c, a->handle), "chriskenny.bsky.social");
    assert_true(a->n_posts >= 7 + 24);
    chorus_corpus_free(c);
}

static void test_feeds_and_search(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("api-bskyr/getTimeline_bskyr.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 53);
    assert_kinds(c, 44, 3, 4, 2, 0);
    chorus_corpus_free(c);

    c = read_sample("api-bskyr/getListFeed_10.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 10);
    assert_int_equal(sum_hashtags(c), 63);
    chorus_corpus_free(c);

    c = read_sample("api-bskyr/getFeed_bsky-team.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 7);
    assert_kinds(c, 7, 0, 0, 0, 0);
    chorus_corpus_free(c);

    /* getQuotes: two quotes of one post, which is shown in them (and emitted once) */
    c = read_sample("api-bskyr/getQuotes.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_kinds(c, 1, 0, 0, 2, 0);
    assert_int_equal(ch_corpus_stats_get(c)->duplicates, 1);
    const ch_post *p = post(c, "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3lc5d6zspys2c");
    assert_string_equal(S(c, p->ref_id), "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lc5c5qv72r2w");
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://christophertkenny.com/bskyr/"); /* media card */
    chorus_corpus_free(c);

    /* searchPosts: 25 posts and one post quoted by them */
    c = read_sample("api-bskyr/searchPosts_q-redistricting.json", &log);
    assert_int_equal(ch_corpus_stats_get(c)->records, 26 + 1);
    assert_int_equal(ch_corpus_nposts(c), 26);
    assert_kinds(c, 12, 0, 12, 2, 0);
    p = post(c, "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m");
    assert_int_equal(p->created_at, 1747674609); /* 2025-05-19T17:10:09.561858Z */
    assert_string_equal(S(c, author(c, p)->handle), "socpaperbot.bsky.social");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://osf.io/v87fn");
    chorus_corpus_free(c);
    assert_int_equal(log.n, 0);
}

/* ---- records, threads and profiles (the Python SDK's test data) ------------------------------ */

static void test_records_and_thread(void **state)
{
    (void)state;
    diag_log log = {0};
    /* getRecord outputs; createdAt with microseconds and "+00:00", or no zone at all */
    ch_corpus *c = read_sample("api-marshalx/post_record.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    const ch_post *p = ch_corpus_post(c, 0);
    assert_string_equal(S(c, p->id), "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k2yihcrp6f2c");
    assert_string_equal(S(c, author(c, p)->id), "did:plc:kvwvcn5iqfooopmyzvb4qzba");
    assert_int_equal(p->created_at, 1708631893);
    assert_string_equal(p->text, "new text114");
    chorus_corpus_free(c);

    c = read_sample("api-marshalx/extended_post_record.json", &log); /* unknown key "lol" */
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_int_equal(ch_corpus_post(c, 0)->created_at, 1689903231);
    assert_string_equal(S(c, ch_corpus_post(c, 0)->lang), "en");
    chorus_corpus_free(c);

    c = read_sample("api-marshalx/like_record.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    p = ch_corpus_post(c, 0);
    assert_int_equal(p->kind, CH_KIND_LIKE);
    assert_int_equal(p->created_at, 1693054591);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k5u7c7eis72y");
    chorus_corpus_free(c);

    /* getPostThread: the thread's post, quoting (recordWithMedia) an earlier post */
    c = read_sample("api-marshalx/thread_view_post_with_embed_media.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 2);
    p = post(c, "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_int_equal(p->created_at, 1695905376);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kahesw26il2z");
    assert_string_equal(S(c, author(c, p)->handle), "test.marshal.dev");
    chorus_corpus_free(c);
    assert_int_equal(log.n, 0);

    /* getFollows: 6 followed profiles and the subject's; no posts, but the profiles stay for
     * the accounts' posts read later */
    c = read_sample("api-marshalx/get_follows.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 0);
    assert_int_equal(ch_corpus_naccounts(c), 0);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 7);
    assert_int_equal(log.n, 7);
    assert_int_equal(log.line[0], 1);
    assert_string_equal(log.msg[0], "profile of did:plc:vpkhqolt662uhesyj6nxm7ys (why.bsky.team)");
    assert_string_equal(log.msg[6], "profile of did:plc:kvwvcn5iqfooopmyzvb4qzba (test.marshal.dev)");
    assert_int_equal(run_str(c, "{\"uri\":\"at://did:plc:vpkhqolt662uhesyj6nxm7ys/app.bsky.feed.post/1\","
                                "\"value\":{\"text\":\"hi\",\"createdAt\":\"2024-01-01T00:00:00Z\"}}\n", &log),
                     CHORUS_OK);
    const ch_account *a = author(c, ch_corpus_post(c, 0));
    assert_string_equal(S(c, a->handle), "why.bsky.team");
    assert_true(a->meta.present);
    assert_int_equal(a->meta.created_at, 1668647083); /* 2022-11-17T01:04:43.624Z */
    chorus_corpus_free(c);
}

/* ---- automod captures --------------------------------------------------------------------- */

static void test_automod_captures(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("automod-indigo/capture_atprotocom.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 20);
    assert_kinds(c, 8, 0, 8, 4, 0);
    assert_int_equal(ch_corpus_naccounts(c), 1);
    const ch_account *a = ch_corpus_account(c, 0);
    assert_string_equal(S(c, a->id), "did:plc:ewvi7nxzyoun6zhxrhs64oiz");
    assert_string_equal(S(c, a->handle), "atproto.com");
    assert_true(a->meta.present);
    assert_int_equal(a->meta.followers, 47411);
    assert_int_equal(a->meta.following, 16);
    assert_int_equal(a->meta.statuses, 86);
    assert_int_equal(a->meta.default_profile_image, 0);
    assert_string_equal(S(c, a->meta.display_name), "AT Protocol Developers");
    const ch_post *p = post(c, "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kftldxbvq22p");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_int_equal(p->created_at, 1701822067);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://github.com/bluesky-social/atproto/discussions/1933");
    chorus_corpus_free(c);

    /* the copy-paste spam account: 20 near-identical posts, half of them replies, the others
     * opening with a mention */
    c = read_sample("automod-indigo/capture_hackerdarkweb.json", &log);
    assert_int_equal(ch_corpus_nposts(c), 20);
    assert_kinds(c, 10, 0, 10, 0, 0);
    a = ch_corpus_account(c, 0);
    assert_string_equal(S(c, a->handle), "hackerdarkweb.bsky.social");
    assert_int_equal(a->meta.followers, 3);
    assert_int_equal(a->meta.following, 102);
    p = post(c, "at://did:plc:suvj7i7gk6vzc7wvwd3gx6zq/app.bsky.feed.post/3kfxt2dprhx22");
    assert_int_equal(p->created_at, 1701967774);
    assert_int_equal(p->n_mentions, 1);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "crossbunbun.bsky.social");
    chorus_corpus_free(c);
    assert_int_equal(log.n, 0);
}

/* ---- decoded firehose commits ------------------------------------------------------------- */

/* The record bodies are in the CAR blocks, which are not decoded: every op is counted and
 * named, none is a post. */
static void test_firehose_commits(void **state)
{
    (void)state;
    static const struct { const char *file; uint64_t ops; const char *first; } want[] = {
        {"firehose-indigo/firehose_commit_4621317030.json", 1,
         "firehose create of at://did:plc:6hy5p6rm3zlcdephqssc2p76/app.bsky.feed.repost/3lhhvdkcby3e2: "
         "the record is only in the commit's CAR blocks, which are not decoded (read the same "
         "events from Jetstream)"},
        {"firehose-indigo/firehose_commit_4621317332.json", 1, NULL},
        {"firehose-indigo/firehose_commit_4621332152.json", 42, "app.bsky.graph.follow create: not a post"},
        {"firehose-indigo/firehose_commit_4623075231.json", 1, "app.bsky.actor.profile create: not a post"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        diag_log log = {0};
        ch_corpus *c = read_sample(want[i].file, &log);
        assert_int_equal(ch_corpus_nposts(c), 0);
        assert_int_equal(ch_corpus_stats_get(c)->records, want[i].ops);
        assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], want[i].ops);
        assert_int_equal(log.line[0], 1);
        if (want[i].first)
            assert_string_equal(log.msg[0], want[i].first);
        chorus_corpus_free(c);
    }
    /* a delete needs no record body */
    diag_log log = {0};
    ch_corpus *c = read_str("{\"repo\":\"did:plc:a\",\"rev\":\"x\",\"seq\":5,\"ops\":["
                            "{\"action\":\"delete\",\"path\":\"app.bsky.feed.post/3k\",\"cid\":null},"
                            "{\"action\":\"delete\",\"path\":\"app.bsky.graph.follow/3k\"},{\"path\":7}]}\n"
                            "{\"did\":\"did:plc:a\",\"seq\":6,\"time\":\"2024-01-01T00:00:00Z\",\"handle\":\"a.test\"}\n",
                            &log);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_DELETED], 1);
    assert_int_equal(log.n, 4);
    assert_string_equal(log.msg[0], "deleted at://did:plc:a/app.bsky.feed.post/3k");
    assert_int_equal(log.reason[2], CH_R_BAD_FIELD);
    assert_string_equal(log.msg[3], "#identity: did:plc:a is a.test");
    chorus_corpus_free(c);
}

/* ---- hand-written cases ------------------------------------------------------------------- */

#define PV(uri, did, handle, extra) \
    "{\"uri\":\"" uri "\",\"cid\":\"c\",\"author\":{\"did\":\"" did "\",\"handle\":\"" handle "\"}," extra "}"
#define REC(t, more) "\"record\":{\"text\":\"" t "\",\"createdAt\":\"2024-01-01T00:00:00Z\"" more "}"
/* a post of `did` as getRecord returns it */
#define EV_POST(did) "{\"uri\":\"at://" did "/app.bsky.feed.post/9\",\"value\":{\"text\":\"x\",\"createdAt\":\"2024-01-01T00:00:00Z\"}}\n"

/* getPostThread: parents above (root first) and replies below, each a record; missing and
 * blocked posts skipped; reply handles from the thread. */
static void test_thread_both_ways(void **state)
{
    (void)state;
    const char *doc =
        "{\"thread\":{\"$type\":\"app.bsky.feed.defs#threadViewPost\","
        "\"post\":" PV("at://did:plc:m/app.bsky.feed.post/mid", "did:plc:m", "mid.test",
                       REC("middle", ",\"reply\":{\"root\":{\"uri\":\"at://did:plc:r/app.bsky.feed.post/root\"},"
                           "\"parent\":{\"uri\":\"at://did:plc:r/app.bsky.feed.post/root\"}}")) ","
        "\"parent\":{\"$type\":\"app.bsky.feed.defs#threadViewPost\",\"post\":"
        PV("at://did:plc:r/app.bsky.feed.post/root", "did:plc:r", "root.test", REC("root", "")) ","
        "\"parent\":{\"$type\":\"app.bsky.feed.defs#notFoundPost\",\"uri\":\"at://x/app.bsky.feed.post/gone\",\"notFound\":true}},"
        "\"replies\":[{\"post\":" PV("at://did:plc:k/app.bsky.feed.post/kid", "did:plc:k", "kid.test",
                       REC("child", ",\"reply\":{\"root\":{\"uri\":\"at://did:plc:r/app.bsky.feed.post/root\"},"
                           "\"parent\":{\"uri\":\"at://did:plc:m/app.bsky.feed.post/mid\"}}")) ","
        "\"replies\":[{\"$type\":\"app.bsky.feed.defs#blockedPost\",\"uri\":\"at://y/app.bsky.feed.post/b\",\"blocked\":true}]},"
        "{\"$type\":\"app.bsky.feed.defs#notFoundPost\"}]}}\n";
    diag_log log = {0};
    ch_corpus *c = read_str(doc, &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(ch_corpus_stats_get(c)->records, 3);
    assert_string_equal(S(c, ch_corpus_post(c, 0)->id), "at://did:plc:r/app.bsky.feed.post/root");
    assert_string_equal(S(c, ch_corpus_post(c, 1)->id), "at://did:plc:m/app.bsky.feed.post/mid");
    const ch_post *p = ch_corpus_post(c, 1);
    assert_string_equal(S(c, p->ref_handle), "root.test");
    p = ch_corpus_post(c, 2);
    assert_string_equal(S(c, p->ref_handle), "mid.test");
    assert_string_equal(S(c, p->root_id), "at://did:plc:r/app.bsky.feed.post/root");
    chorus_corpus_free(c);
}

/* A reply chain deeper than the bound is read to the bound, without recursion past it. */
static void test_deep_thread_bounded(void **state)
{
    (void)state;
    enum { DEPTH = 200 };
    size_t cap = (size_t)DEPTH * 300 + 1024, n = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    n += (size_t)snprintf(doc + n, cap - n, "{\"thread\":");
    for (int i = 0; i < DEPTH; i++)
        n += (size_t)snprintf(doc + n, cap - n,
                              "{\"post\":{\"uri\":\"at://did:plc:a/app.bsky.feed.post/%d\",\"author\":{\"did\":\"did:plc:a\"},"
                              "\"record\":{\"text\":\"t\",\"createdAt\":\"2024-01-01T00:00:00Z\"}},\"replies\":[",
                              i);
    for (int i = 0; i < DEPTH; i++)
        n += (size_t)snprintf(doc + n, cap - n, "]}");
    n += (size_t)snprintf(doc + n, cap - n, "}\n");
    ch_corpus *c;
    diag_log log = {0};
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run(c, doc, n, 0, false, &log), CHORUS_OK);
    assert_int_equal(ch_corpus_nposts(c), 65); /* the post and 64 levels of replies */
    chorus_corpus_free(c);
    free(doc);
}

/* Views without the fields a post needs; a post view whose record has no time but the view an
 * indexedAt; a repost reason with its own uri; missing embedded posts; arrays of pages. */
static void test_view_edge_cases(void **state)
{
    (void)state;
    const char *jsonl =
        /* the time falls back to indexedAt */
        PV("at://did:plc:a/app.bsky.feed.post/1", "did:plc:a", "handle.invalid",
           "\"record\":{\"text\":\"no time\"},\"indexedAt\":\"2024-01-02T00:00:00Z\"") "\n"
        /* no time at all */
        PV("at://did:plc:a/app.bsky.feed.post/2", "did:plc:a", "a.test", "\"record\":{\"text\":\"x\"}") "\n"
        /* a repost whose reason carries its record's uri (as the AppView does since 2025) */
        "{\"post\":" PV("at://did:plc:b/app.bsky.feed.post/3", "did:plc:b", "b.test", REC("orig", "")) ","
        "\"reason\":{\"$type\":\"app.bsky.feed.defs#reasonRepost\",\"by\":{\"did\":\"did:plc:a\",\"handle\":\"a.test\"},"
        "\"uri\":\"at://did:plc:a/app.bsky.feed.repost/rr\",\"indexedAt\":\"2024-01-03T00:00:00Z\"}}\n"
        /* a quote of a post that is gone; a quote of a blocked post */
        PV("at://did:plc:a/app.bsky.feed.post/4", "did:plc:a", "a.test",
           REC("q", ",\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"uri\":\"at://did:plc:z/app.bsky.feed.post/gone\"}}") ","
           "\"embed\":{\"$type\":\"app.bsky.embed.record#view\",\"record\":{\"$type\":\"app.bsky.embed.record#viewNotFound\","
           "\"uri\":\"at://did:plc:z/app.bsky.feed.post/gone\",\"notFound\":true}}") "\n"
        /* an array of two pages */
        "[{\"posts\":[" PV("at://did:plc:c/app.bsky.feed.post/5", "did:plc:c", "c.test", REC("p5", "")) "]},"
        "{\"feed\":[{\"post\":" PV("at://did:plc:c/app.bsky.feed.post/6", "did:plc:c", "c.test", REC("p6", "")) "}]}]\n"
        /* no post here */
        "{\"cursor\":\"abc\",\"feed\":[]}\n"
        "{\"posts\":{\"not\":\"an array\"}}\n"
        "{\"uri\":\"at://did:plc:a/app.bsky.feed.generator/g\",\"cid\":\"c\",\"author\":{\"did\":\"did:plc:a\"}}\n"
        "{\"uri\":\"at://did:plc:a/app.bsky.graph.follow/f\",\"cid\":\"c\",\"value\":{\"subject\":\"did:plc:b\"}}\n";
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(ch_corpus_nposts(c), 6);
    const ch_post *p = post(c, "at://did:plc:a/app.bsky.feed.post/1");
    assert_int_equal(p->created_at, 1704153600);
    assert_int_equal(author(c, p)->handle != 0, 1); /* set by a later post, not "handle.invalid" */
    assert_string_equal(S(c, author(c, p)->handle), "a.test");
    p = post(c, "at://did:plc:a/app.bsky.feed.repost/rr");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_int_equal(p->created_at, 1704240000);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:b/app.bsky.feed.post/3");
    p = post(c, "at://did:plc:a/app.bsky.feed.post/4");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_account), "did:plc:z");
    assert_int_equal(p->ref_handle, 0);
    post(c, "at://did:plc:c/app.bsky.feed.post/6");
    assert_int_equal(log.n, 5);
    assert_int_equal(log.line[0], 2);
    assert_int_equal(log.reason[0], CH_R_NO_TIME);
    assert_string_equal(log.msg[1], "no Bluesky post here (an object starting with 'cursor')");
    assert_string_equal(log.msg[2], "no Bluesky post here (an object starting with 'posts')");
    assert_string_equal(log.msg[3], "not a post: at://did:plc:a/app.bsky.feed.generator/g");
    assert_string_equal(log.msg[4], "app.bsky.graph.follow record: not a post");
    chorus_corpus_free(c);
}

/* A DID document alone, and a map of them: handles, no posts. */
static void test_did_documents(void **state)
{
    (void)state;
    {
        /* the DID documents of the Jetstream corpus's 148 commit DIDs (plc.directory) */
        diag_log dl = {0};
        size_t n;
        char *b = sample("jetstream-corpus/did_docs.json.zst", &n);
        ch_input *in;
        const char *data;
        size_t len;
        assert_int_equal(ch_input_open_mem(b, n, 0, &in), CHORUS_OK); /* zstd, decompressed */
        assert_int_equal(ch_input_peek(in, &data, &len), CHORUS_OK);
        assert_ptr_equal(ch_ingest_sniff(data, len), &ch_reader_bluesky);
        ch_input_close(in);
        ch_corpus *c;
        assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
        assert_int_equal(run(c, b, n, 0, false, &dl), CHORUS_OK);
        free(b);
        assert_int_equal(ch_corpus_nposts(c), 0);
        assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 148);
        assert_string_equal(dl.msg[0], "DID document: did:plc:2a7ygipkrbh544aqhcav53oy is t045t.zmb.cm");
        assert_int_equal(dl.line[0], 1);
        chorus_corpus_free(c);
    }
    const char *jsonl =
        "{\"id\":\"did:plc:a\",\"alsoKnownAs\":[\"https://elsewhere\",\"at://a.example\"]}\n"
        "{\"did:plc:b\":{\"alsoKnownAs\":[\"at://b.example\"]},\"did:plc:c\":{\"id\":\"did:plc:c\",\"alsoKnownAs\":[]}}\n"
        PV("at://did:plc:b/app.bsky.feed.post/1", "did:plc:b", "handle.invalid", REC("x", "")) "\n";
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(ch_corpus_nposts(c), 1);
    assert_string_equal(S(c, author(c, ch_corpus_post(c, 0))->handle), "b.example");
    assert_int_equal(log.n, 3);
    assert_string_equal(log.msg[0], "DID document: did:plc:a is a.example");
    assert_string_equal(log.msg[2], "DID document without a handle");
    chorus_corpus_free(c);
}

/* getProfiles pages give Jetstream's accounts what posts do not carry: counts, verification;
 * a later post's partial author view does not erase them. */
static void test_profiles(void **state)
{
    (void)state;
    const char *profiles =
        "{\"profiles\":[{\"did\":\"did:plc:news\",\"handle\":\"news.example.com\",\"displayName\":\"News\","
        "\"avatar\":\"https://cdn/x.jpg\",\"followersCount\":250000,\"followsCount\":12,\"postsCount\":9000,"
        "\"createdAt\":\"2023-05-01T00:00:00Z\",\"verification\":{\"verifiedStatus\":\"valid\"}},"
        "{\"did\":\"did:plc:fresh\",\"handle\":\"fresh123.bsky.social\",\"followersCount\":3,\"followsCount\":400,"
        "\"postsCount\":50,\"createdAt\":\"2024-12-30T00:00:00Z\"},{\"handle\":\"nodid.test\"}]}\n";
    const char *posts =
        PV("at://did:plc:news/app.bsky.feed.post/1", "did:plc:news", "news.example.com",
           REC("story", "") ",\"indexedAt\":\"2025-01-01T00:00:00Z\"") "\n";
    diag_log log = {0};
    ch_corpus *c;
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    assert_int_equal(run_str(c, posts, &log), CHORUS_OK);   /* the post first ... */
    assert_int_equal(run_str(c, profiles, &log), CHORUS_OK); /* ... the profiles after */
    assert_int_equal(run_str(c, EV_POST("did:plc:fresh"), &log), CHORUS_OK);
    assert_int_equal(run_str(c, PV("at://did:plc:news/app.bsky.feed.post/2", "did:plc:news",
                                   "news.example.com", REC("later", "")) "\n", &log),
                     CHORUS_OK); /* a later post's author view has no counts */
    const ch_account *a = ch_corpus_account(c, find_account_any(c, "did:plc:news"));
    assert_int_equal(a->meta.followers, 250000);
    assert_int_equal(a->meta.following, 12);
    assert_int_equal(a->meta.statuses, 9000);
    assert_int_equal(a->meta.verified, 1);
    assert_int_equal(a->meta.default_profile_image, 0);
    assert_string_equal(S(c, a->meta.display_name), "News");
    a = ch_corpus_account(c, find_account_any(c, "did:plc:fresh"));
    assert_string_equal(S(c, a->handle), "fresh123.bsky.social");
    assert_int_equal(a->meta.followers, 3);
    assert_int_equal(a->meta.default_profile_image, 1);
    assert_int_equal(a->meta.verified, -1);
    assert_int_equal(a->meta.created_at, 1735516800);
    assert_true(log.n >= 3);
    assert_string_equal(log.msg[2], "a profile without a did");
    chorus_corpus_free(c);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *doc =
        "{\"feed\":[{\"post\":" PV("at://did:plc:b/app.bsky.feed.post/3", "did:plc:b", "b.test",
                                   REC("orig #t", ",\"facets\":[{\"index\":{\"byteStart\":5,\"byteEnd\":7},"
                                       "\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":\"t\"}]}]")) ","
        "\"reason\":{\"$type\":\"app.bsky.feed.defs#reasonRepost\",\"by\":{\"did\":\"did:plc:a\",\"handle\":\"a.test\"},"
        "\"indexedAt\":\"2024-01-03T00:00:00Z\"}}]}\n";
    for (uint64_t nth = 1; nth < 300; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, doc, &rc, &n))
            continue;
        assert_true(rc == CHORUS_OK || rc == CHORUS_ENOMEM);
        if (rc == CHORUS_OK) {
            assert_int_equal(n, 2);
            return;
        }
    }
    fail_msg("still failing after 300 allocations");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repost_reason),
        cmocka_unit_test(test_mentions_in_quoted_post),
        cmocka_unit_test(test_quote_chain),
        cmocka_unit_test(test_other_atat_views),
        cmocka_unit_test(test_author_feed),
        cmocka_unit_test(test_feeds_and_search),
        cmocka_unit_test(test_records_and_thread),
        cmocka_unit_test(test_automod_captures),
        cmocka_unit_test(test_firehose_commits),
        cmocka_unit_test(test_thread_both_ways),
        cmocka_unit_test(test_deep_thread_bounded),
        cmocka_unit_test(test_view_edge_cases),
        cmocka_unit_test(test_did_documents),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
