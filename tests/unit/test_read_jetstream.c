/*
 * test_read_jetstream.c — the Bluesky Jetstream reader against the real captures in
 * ../shared/data/formats/bluesky (skipped with a message when absent) and hand-written hard
 * cases: facets and their byte ranges, quotes, time fallbacks, deletes, identity events before
 * and after an account's posts, the legacy spelling, damaged lines.
 */
#include "helpers.h"

#define BSKY CHORUS_SHARED_DATA "/formats/bluesky/"

READER_RUNNERS(ch_reader_jetstream)

/* A real sample, or a cmocka skip naming the missing file. */
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

/* The index of the first diagnostic whose message contains `part`, or -1. */
static int diag_with(const diag_log *log, const char *part)
{
    for (int i = 0; i < log->n && i < 64; i++)
        if (strstr(log->msg[i], part))
            return i;
    return -1;
}

/* ---- real data ---------------------------------------------------------------------------- */

/* JSONBench's five Jetstream lines (Nov 2024): 2 replies, 2 likes and a follow. */
static void test_jsonbench_sample(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("jetstream/jsonbench-sample-5events.jsonl", &log);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 2);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_LIKE], 2);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 1);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], 3);
    assert_string_equal(log.msg[0], "app.bsky.graph.follow create: not a post");

    const ch_post *p = post(c, "at://did:plc:yj3sjq3blzpynh27cumnp5ks/app.bsky.feed.post/3lbhtyteurk2y");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, author(c, p)->id), "did:plc:yj3sjq3blzpynh27cumnp5ks");
    assert_int_equal(author(c, p)->handle, 0); /* commit events name no handle */
    assert_int_equal(p->created_at, 1732205367); /* createdAt 2024-11-21T16:09:27.095Z */
    assert_string_equal(p->text, "aaaaah.  LIght shines in a corner of WTF....");
    assert_string_equal(S(c, p->lang), "en");
    assert_string_equal(S(c, p->ref_id),
                        "at://did:plc:6tr6tuzlx2db3rduzr2d6r24/app.bsky.feed.post/3lbhqo2rtys2z");
    assert_string_equal(S(c, p->ref_account), "did:plc:6tr6tuzlx2db3rduzr2d6r24");
    assert_string_equal(S(c, p->root_id), S(c, p->ref_id));
    assert_int_equal(ch_corpus_post_platform(c, index_of(c, S(c, p->id))),
                     ch_corpus_platform_find(c, "bluesky"));

    /* a reply whose root is another account's post */
    p = post(c, "at://did:plc:l5o3qjrmfztir54cpwlv2eme/app.bsky.feed.post/3lbhtytjqzk2q");
    assert_string_equal(S(c, p->root_id),
                        "at://did:plc:474ldquxwzrlcvjhhbbk2wte/app.bsky.feed.post/3lbhdzrynik27");
    assert_string_equal(S(c, p->ref_account), "did:plc:6wx2gg5yqgvmlu35r6y3bk6d");
    assert_string_equal(p->text, "okay i take mine back because I hadn\xe2\x80\x99t heard this one yet^^");

    p = post(c, "at://did:plc:3i4xf2v4wcnyktgv6satke64/app.bsky.feed.like/3lbhuvzdked2a");
    assert_int_equal(p->kind, CH_KIND_LIKE);
    assert_int_equal(p->text_len, 0);
    assert_int_equal(p->created_at, 1732206346); /* 2024-11-21T16:25:46.221Z */
    assert_string_equal(S(c, p->ref_id),
                        "at://did:plc:azrv4rcbws6kmcga4fsbphg2/app.bsky.feed.post/3lbgjdpbiec2l");
    assert_string_equal(S(c, p->ref_account), "did:plc:azrv4rcbws6kmcga4fsbphg2");
    chorus_corpus_free(c);
}

/* The Jetstream maintainers' 152 contiguous production events (July 2026). */
static void test_jetstream_corpus(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("jetstream-corpus/expected_v1.jsonl", &log);
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(st->records, 152);
    assert_int_equal(ch_corpus_nposts(c), 137);
    assert_int_equal(st->posts_by_kind[CH_KIND_POST], 9);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPLY], 8);
    assert_int_equal(st->posts_by_kind[CH_KIND_QUOTE], 0);
    assert_int_equal(st->posts_by_kind[CH_KIND_REPOST], 15);
    assert_int_equal(st->posts_by_kind[CH_KIND_LIKE], 105);
    /* 6 follows, 3 follow deletes, 1 block, 2 other-lexicon updates, 1 identity, 1 account */
    assert_int_equal(st->errors[CH_R_NOT_POST], 14);
    assert_int_equal(st->errors[CH_R_DELETED], 1);
    assert_int_equal(st->duplicates, 0);
    int d = diag_with(&log, "deleted ");
    assert_true(d >= 0);
    assert_int_equal(log.line[d], 145);
    assert_string_equal(log.msg[d],
                        "deleted at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p");
    d = diag_with(&log, "identity");
    assert_int_equal(log.line[d], 151);
    assert_string_equal(log.msg[d], "identity event without a handle");
    assert_true(diag_with(&log, "fm.teal.alpha.actor.status update: not a post") >= 0);
    assert_true(diag_with(&log, "app.bsky.graph.follow delete: not a post") >= 0);

    /* a link facet and the link card of the same URL: one URL */
    const ch_post *p = post(c, "at://did:plc:dclwtltrt2ggsryagfzk7dp4/app.bsky.feed.post/3mptbyoeyc22k");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->created_at, 1783175886);
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://www.youtube.com/watch?v=V5lDo-jw8mA");

    /* tag facets; the second one after multi-byte text */
    p = post(c, "at://did:plc:tn3hni2jpphsgl6amfbb7ja6/app.bsky.feed.post/3mptbypfywk2v");
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "HowToTellAiToShutUp");
    assert_string_equal(S(c, ch_post_hashtags(p)[1]), "IndieRebellion");
    assert_string_equal(S(c, p->lang), "de");

    /* createdAt with "+00:00" and no fraction; langs ["en-US", "en"]: the first */
    p = post(c, "at://did:plc:ybqkf2mtfbwx3qhga63mttja/app.bsky.feed.post/3mptbyoigog2b");
    assert_int_equal(p->created_at, 1783175882);
    assert_string_equal(S(c, p->lang), "en-US");
    assert_string_equal(S(c, ch_post_urls(p)[0]),
                        "https://www.ufofeed.com/266486/has-anyone-properly-debunked-tic-tac-video/");

    /* a link facet, then two tag facets; the text holds a shortened link */
    p = post(c, "at://did:plc:ynfp6wddjqpl44gordpsqkuw/app.bsky.feed.post/3mptbyo7tas2u");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://www.tumblr.com/tempo-tales/765681292369166336/"
                                          "behind-them-timmi-and-wankyu-follow-silently-but?source=share");
    assert_int_equal(p->n_hashtags, 2);
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "talesatwonderworld");
    assert_string_equal(S(c, ch_post_hashtags(p)[1]), "balanwonderworldoc");

    /* a thread by one account: 3 posts within 2 ms, the 2nd and 3rd replying in a chain */
    p = post(c, "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyoumc22i");
    assert_int_equal(p->kind, CH_KIND_REPLY);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyou7ls2i");
    assert_string_equal(S(c, p->root_id), "at://did:plc:u4lmvw4wwzaql3z5kcf3r7h4/app.bsky.feed.post/3mptbyospqk2i");

    /* a like that came through a repost (record.via): a like of the subject */
    p = post(c, "at://did:plc:olddpd7kjwh4gmjw7llf2eej/app.bsky.feed.like/3mptbypdnwe2h");
    assert_int_equal(p->kind, CH_KIND_LIKE);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:pmzxw77fwfa56xrn7un6muy5/app.bsky.feed.post/3mpqnk4o3xw2y");
    chorus_corpus_free(c);
}

/* The hand-picked golden lines: a like, a reply, a repost, and seven events without posts. */
static void test_golden_lines(void **state)
{
    (void)state;
    diag_log log = {0};
    ch_corpus *c = read_sample("jetstream-corpus/golden_v1.jsonl", &log);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_LIKE], 1);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPLY], 1);
    assert_int_equal(ch_corpus_stats_get(c)->posts_by_kind[CH_KIND_REPOST], 1);
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 7);
    const ch_post *p = post(c, "at://did:plc:eizxoqcsvvvarxeb3pjkblrp/app.bsky.feed.repost/3mmoojpbade2i");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_account), "did:plc:hjloomm2tkve3pmfgbxegl3v");
    assert_true(diag_with(&log, "org.hypercerts.claim.activity delete: not a post") >= 0);
    assert_true(diag_with(&log, "account event (active)") >= 0);
    chorus_corpus_free(c);
}

/* Jetstream names no handles; the DID documents of the same window do (alsoKnownAs), and
 * read after the events (or before them) they name every account. */
static void test_handles_from_did_documents(void **state)
{
    (void)state;
    size_t n1, n2;
    char *events = sample("jetstream-corpus/expected_v1.jsonl", &n1);
    char *docs = sample("jetstream-corpus/did_docs.json.zst", &n2);
    for (int order = 0; order < 2; order++) {
        ch_corpus *c;
        diag_log log = {0};
        assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
        if (order == 0) {
            assert_int_equal(run(c, events, n1, 0, false, &log), CHORUS_OK);
            assert_int_equal(run_reader(&ch_reader_bluesky, c, docs, n2, 0, false, &log), CHORUS_OK);
        } else {
            assert_int_equal(run_reader(&ch_reader_bluesky, c, docs, n2, 0, false, &log), CHORUS_OK);
            assert_int_equal(run(c, events, n1, 0, false, &log), CHORUS_OK);
        }
        assert_int_equal(ch_corpus_nposts(c), 137);
        size_t named = 0;
        for (size_t i = 0; i < ch_corpus_naccounts(c); i++)
            named += ch_corpus_account(c, i)->handle != 0;
        assert_int_equal(named, ch_corpus_naccounts(c));
        size_t a = find_account_any(c, "did:plc:2c6wev5ei4jzcy4imh5afa35");
        if (a != SIZE_MAX)
            assert_string_equal(S(c, ch_corpus_account(c, a)->handle), "konoha0407.bsky.social");
        chorus_corpus_free(c);
    }
    free(events);
    free(docs);
}

/* Every real Jetstream sample is detected as Jetstream; the raw relay frames and the capture
 * manifest are no format chorus reads. */
static void test_samples_detected(void **state)
{
    (void)state;
    const char *files[] = {"jetstream/jsonbench-sample-5events.jsonl",
                           "jetstream-corpus/expected_v1.jsonl", "jetstream-corpus/golden_v1.jsonl"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t n;
        char *b = sample(files[i], &n);
        assert_ptr_equal(ch_ingest_sniff(b, n), &ch_reader_jetstream);
        free(b);
    }
    size_t n;
    char *b = sample("jetstream-corpus/manifest.json", &n);
    assert_null(ch_ingest_sniff(b, n));
    free(b);
    /* frames.bin.zst decompresses to length-prefixed CBOR: not text */
    b = sample("jetstream-corpus/frames.bin.zst", &n);
    ch_input *in;
    assert_int_equal(ch_input_open_mem(b, n, 0, &in), CHORUS_OK);
    const char *data;
    size_t len;
    assert_int_equal(ch_input_peek(in, &data, &len), CHORUS_OK);
    assert_true(len > 0);
    assert_null(ch_ingest_sniff(data, len));
    ch_input_close(in);
    free(b);
}

/* ---- hand-written cases ------------------------------------------------------------------- */

#define EVN(did, tus, body) "{\"did\":\"" did "\",\"time_us\":" #tus ",\"kind\":\"commit\",\"commit\":" body "}"
#define EV(did, tus, body) EVN(did, tus, body) "\n"
#define POST(rkey, rec) "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"" rkey "\",\"record\":" rec "}"

/* Mentions are the handles written at the facets' UTF-8 byte ranges; multi-byte text before
 * them shifts bytes, not characters. A range that does not hold "@handle" gives the DID. */
static void test_facets_byte_ranges(void **state)
{
    (void)state;
    /* "héllo 🎉 @bob.test hi #Ünï https://x.y/z…": é is 2 bytes, 🎉 4; @bob.test at [12,21) */
    const char *text = "h\xc3\xa9llo \xf0\x9f\x8e\x89 @bob.test hi #\xc3\x9cn\xc3\xaf x.y/z\xe2\x80\xa6";
    char rec[2048];
    snprintf(rec, sizeof rec,
             "{\"text\":\"%s\",\"createdAt\":\"2024-01-01T00:00:00Z\",\"facets\":["
             "{\"index\":{\"byteStart\":12,\"byteEnd\":21},\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:bob\"}]},"
             "{\"index\":{\"byteStart\":25,\"byteEnd\":31},\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":\"\xc3\x9cn\xc3\xaf\"}]},"
             "{\"index\":{\"byteStart\":32,\"byteEnd\":40},\"features\":[{\"$type\":\"app.bsky.richtext.facet#link\",\"uri\":\"https://x.y/zzz\"}]},"
             "{\"index\":{\"byteStart\":0,\"byteEnd\":5},\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:carol\"}]},"
             "{\"index\":{\"byteStart\":12,\"byteEnd\":999},\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:dan\"}]},"
             "{\"index\":{\"byteStart\":-3,\"byteEnd\":2},\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:eve\"}]}"
             "],\"tags\":[\"\xc3\x9cn\xc3\xaf\",\"#extra\"]}",
             text);
    char line[4096];
    snprintf(line, sizeof line,
             "{\"did\":\"did:plc:ana\",\"time_us\":1704067200000000,\"kind\":\"commit\",\"commit\":"
             "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"1\",\"record\":%s}}\n",
             rec);
    diag_log log = {0};
    ch_corpus *c = read_str(line, &log);
    assert_int_equal(log.n, 0);
    const ch_post *p = post(c, "at://did:plc:ana/app.bsky.feed.post/1");
    assert_string_equal(p->text, text);
    assert_int_equal(p->n_mentions, 4);
    assert_string_equal(S(c, ch_post_mentions(p)[0]), "bob.test");
    assert_string_equal(S(c, ch_post_mentions(p)[1]), "did:plc:carol"); /* range holds "h\xc3\xa9ll" */
    assert_string_equal(S(c, ch_post_mentions(p)[2]), "did:plc:dan");   /* range past the text */
    assert_string_equal(S(c, ch_post_mentions(p)[3]), "did:plc:eve");   /* negative start */
    assert_int_equal(p->n_hashtags, 2);                          /* the tag twice: kept once */
    assert_string_equal(S(c, ch_post_hashtags(p)[0]), "\xc3\x9cn\xc3\xaf");
    assert_string_equal(S(c, ch_post_hashtags(p)[1]), "extra");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://x.y/zzz");   /* the facet, not the text */
    chorus_corpus_free(c);
}

/* Quotes: embed.record, recordWithMedia (with a link card as media), a reply that quotes, an
 * embedded feed generator (not a quote), and a quote of a post named by handle. */
static void test_quotes_and_embeds(void **state)
{
    (void)state;
    const char *jsonl =
        EV("did:plc:a", 1, POST("q1", "{\"text\":\"look\",\"createdAt\":\"2024-01-01T00:00:00Z\","
           "\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"uri\":\"at://did:plc:b/app.bsky.feed.post/p\",\"cid\":\"x\"}}}"))
        EV("did:plc:a", 1, POST("q2", "{\"text\":\"pic\",\"createdAt\":\"2024-01-01T00:00:01Z\","
           "\"embed\":{\"$type\":\"app.bsky.embed.recordWithMedia\",\"media\":{\"$type\":\"app.bsky.embed.external\","
           "\"external\":{\"uri\":\"https://news.example/a\",\"title\":\"t\"}},"
           "\"record\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"uri\":\"at://did:plc:c/app.bsky.feed.post/r\",\"cid\":\"y\"}}}}"))
        EV("did:plc:a", 1, POST("q3", "{\"text\":\"re\",\"createdAt\":\"2024-01-01T00:00:02Z\","
           "\"reply\":{\"root\":{\"uri\":\"at://did:plc:d/app.bsky.feed.post/root\"},\"parent\":{\"uri\":\"at://did:plc:e/app.bsky.feed.post/par\"}},"
           "\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"uri\":\"at://did:plc:b/app.bsky.feed.post/p\"}}}"))
        EV("did:plc:a", 1, POST("q4", "{\"text\":\"my feed\",\"createdAt\":\"2024-01-01T00:00:03Z\","
           "\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"uri\":\"at://did:plc:a/app.bsky.feed.generator/f\"}}}"))
        EV("did:plc:a", 1, POST("q5", "{\"text\":\"h\",\"createdAt\":\"2024-01-01T00:00:04Z\","
           "\"embed\":{\"record\":{\"uri\":\"at://bob.example.com/app.bsky.feed.post/z\"}}}"));
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(log.n, 0);
    assert_int_equal(ch_corpus_nposts(c), 5);
    const ch_post *p = post(c, "at://did:plc:a/app.bsky.feed.post/q1");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:b/app.bsky.feed.post/p");
    assert_string_equal(S(c, p->ref_account), "did:plc:b");
    p = post(c, "at://did:plc:a/app.bsky.feed.post/q2");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:c/app.bsky.feed.post/r");
    assert_int_equal(p->n_urls, 1);
    assert_string_equal(S(c, ch_post_urls(p)[0]), "https://news.example/a");
    p = post(c, "at://did:plc:a/app.bsky.feed.post/q3");
    assert_int_equal(p->kind, CH_KIND_REPLY); /* a reply that quotes is a reply */
    assert_string_equal(S(c, p->ref_id), "at://did:plc:e/app.bsky.feed.post/par");
    assert_string_equal(S(c, p->root_id), "at://did:plc:d/app.bsky.feed.post/root");
    p = post(c, "at://did:plc:a/app.bsky.feed.post/q4");
    assert_int_equal(p->kind, CH_KIND_POST);
    assert_int_equal(p->ref_id, 0);
    p = post(c, "at://did:plc:a/app.bsky.feed.post/q5");
    assert_int_equal(p->kind, CH_KIND_QUOTE);
    assert_int_equal(p->ref_account, 0);
    assert_string_equal(S(c, p->ref_handle), "bob.example.com");
    chorus_corpus_free(c);
}

/* createdAt, else time_us; a bad createdAt with no time_us is bad_time; neither is
 * missing_time. */
static void test_time_fallbacks(void **state)
{
    (void)state;
    const char *jsonl =
        EV("did:plc:a", 1704067260000000, POST("t1", "{\"text\":\"no createdAt\"}"))
        EV("did:plc:a", 1704067320123456, POST("t2", "{\"text\":\"bad\",\"createdAt\":\"yesterday\"}"))
        "{\"did\":\"did:plc:a\",\"kind\":\"commit\",\"commit\":" POST("t3", "{\"text\":\"bad\",\"createdAt\":\"soon\"}") "}\n"
        "{\"did\":\"did:plc:a\",\"kind\":\"commit\",\"commit\":" POST("t4", "{\"text\":\"none\"}") "}\n"
        EV("did:plc:a", 1704067380000000, POST("t5", "{\"text\":\"both\",\"createdAt\":\"2023-12-31T23:00:00.123456+01:00\"}"))
        EV("did:plc:a", 1704067380000000, POST("t6", "{\"text\":\"no zone\",\"createdAt\":\"2023-08-26T12:56:31.044240\"}"));
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(ch_corpus_nposts(c), 4);
    assert_int_equal(post(c, "at://did:plc:a/app.bsky.feed.post/t1")->created_at, 1704067260);
    assert_int_equal(post(c, "at://did:plc:a/app.bsky.feed.post/t2")->created_at, 1704067320);
    assert_int_equal(post(c, "at://did:plc:a/app.bsky.feed.post/t5")->created_at, 1704060000);
    assert_int_equal(post(c, "at://did:plc:a/app.bsky.feed.post/t6")->created_at, 1693054591);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.line[0], 3);
    assert_int_equal(log.reason[0], CH_R_BAD_TIME);
    assert_string_equal(log.msg[0], "bad createdAt 'soon'");
    assert_int_equal(log.line[1], 4);
    assert_int_equal(log.reason[1], CH_R_NO_TIME);
    chorus_corpus_free(c);
}

/* Handles from identity events, before or after the account's posts, across files too; the
 * AppView's "handle.invalid" is no handle, and a newer identity event wins. */
static void test_identity_handles(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"did\":\"did:plc:early\",\"time_us\":1,\"kind\":\"identity\",\"identity\":{\"did\":\"did:plc:early\",\"handle\":\"early.bsky.social\",\"seq\":1,\"time\":\"2024-01-01T00:00:00Z\"}}\n"
        EV("did:plc:early", 1704067200000000, POST("1", "{\"text\":\"a\"}"))
        EV("did:plc:late", 1704067200000000, POST("2", "{\"text\":\"b\"}"))
        "{\"did\":\"did:plc:late\",\"time_us\":2,\"kind\":\"identity\",\"identity\":{\"did\":\"did:plc:late\",\"handle\":\"late.bsky.social\"}}\n"
        "{\"did\":\"did:plc:late\",\"time_us\":3,\"kind\":\"identity\",\"identity\":{\"did\":\"did:plc:late\",\"handle\":\"handle.invalid\"}}\n"
        "{\"did\":\"did:plc:early\",\"time_us\":4,\"kind\":\"identity\",\"identity\":{\"did\":\"did:plc:early\",\"handle\":\"renamed.example.com\"}}\n"
        "{\"did\":\"did:plc:later\",\"time_us\":5,\"kind\":\"identity\",\"identity\":{\"did\":\"did:plc:later\",\"handle\":\"later.bsky.social\"}}\n";
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(ch_corpus_nposts(c), 2);
    assert_int_equal(ch_corpus_naccounts(c), 2); /* an identity event makes no account */
    assert_int_equal(ch_corpus_stats_get(c)->errors[CH_R_NOT_POST], 5);
    assert_string_equal(S(c, ch_corpus_account(c, find_account_any(c, "did:plc:early"))->handle),
                        "renamed.example.com");
    assert_string_equal(S(c, ch_corpus_account(c, find_account_any(c, "did:plc:late"))->handle),
                        "late.bsky.social");
    assert_string_equal(log.msg[0], "identity event: did:plc:early is early.bsky.social");
    /* a second file with the account whose identity came first */
    assert_int_equal(run_str(c, EV("did:plc:later", 1704067200000000, POST("3", "{\"text\":\"c\"}")), &log),
                     CHORUS_OK);
    assert_string_equal(S(c, ch_corpus_account(c, find_account_any(c, "did:plc:later"))->handle),
                        "later.bsky.social");
    chorus_corpus_free(c);
}

/* Deletes are counted, not applied; reposts and likes of posts; a like of a feed generator is
 * no post engagement; the legacy spelling; other kinds of events. */
static void test_deletes_engagements_and_legacy(void **state)
{
    (void)state;
    const char *jsonl =
        EV("did:plc:a", 1704067200000000, POST("p", "{\"text\":\"said\",\"createdAt\":\"2024-01-01T00:00:00Z\"}"))
        EV("did:plc:a", 1704067300000000, "{\"operation\":\"delete\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"p\"}")
        EV("did:plc:a", 1704067300000000, "{\"operation\":\"delete\",\"collection\":\"app.bsky.feed.repost\",\"rkey\":\"r\"}")
        EV("did:plc:b", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.repost\",\"rkey\":\"r\","
           "\"record\":{\"subject\":{\"uri\":\"at://did:plc:a/app.bsky.feed.post/p\",\"cid\":\"c\"},\"createdAt\":\"2024-01-01T00:01:00Z\"}}")
        EV("did:plc:b", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.like\",\"rkey\":\"l\","
           "\"record\":{\"subject\":{\"uri\":\"at://did:plc:a/app.bsky.feed.generator/f\"},\"createdAt\":\"2024-01-01T00:01:00Z\"}}")
        EV("did:plc:b", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.like\",\"rkey\":\"l2\",\"record\":{}}")
        "{\"did\":\"did:plc:c\",\"time_us\":1704067200000000,\"type\":\"com\",\"commit\":{\"type\":\"c\",\"collection\":\"app.bsky.feed.like\","
        "\"rkey\":\"old\",\"record\":{\"subject\":{\"uri\":\"at://did:plc:a/app.bsky.feed.post/p\"},\"createdAt\":\"2024-01-01T00:02:00Z\"}}}\n"
        EV("did:plc:a", 1704067400000000, "{\"operation\":\"update\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"p\","
           "\"record\":{\"text\":\"edited\",\"createdAt\":\"2024-01-01T00:00:00Z\"}}")
        "{\"did\":\"did:plc:d\",\"time_us\":1,\"kind\":\"account\",\"account\":{\"active\":false,\"status\":\"takendown\"}}\n"
        "{\"did\":\"did:plc:d\",\"time_us\":1,\"kind\":\"sync\"}\n";
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    const ch_corpus_stats *st = ch_corpus_stats_get(c);
    assert_int_equal(ch_corpus_nposts(c), 3);
    assert_int_equal(st->errors[CH_R_DELETED], 2);
    assert_int_equal(st->duplicates, 1); /* the update: the first version is kept */
    assert_string_equal(post(c, "at://did:plc:a/app.bsky.feed.post/p")->text, "said");
    const ch_post *p = post(c, "at://did:plc:b/app.bsky.feed.repost/r");
    assert_int_equal(p->kind, CH_KIND_REPOST);
    assert_string_equal(S(c, p->ref_id), "at://did:plc:a/app.bsky.feed.post/p");
    p = post(c, "at://did:plc:c/app.bsky.feed.like/old");
    assert_int_equal(p->kind, CH_KIND_LIKE);
    assert_int_equal(p->created_at, 1704067320);
    assert_int_equal(log.n, 6);
    assert_string_equal(log.msg[0], "deleted at://did:plc:a/app.bsky.feed.post/p");
    assert_string_equal(log.msg[2], "at://did:plc:b/app.bsky.feed.like/l: a like of something that is not a post");
    assert_string_equal(log.msg[3], "at://did:plc:b/app.bsky.feed.like/l2: no subject.uri");
    assert_string_equal(log.msg[4], "account event (inactive, takendown)");
    assert_string_equal(log.msg[5], "not a Jetstream event (kind 'sync')");
    chorus_corpus_free(c);
}

/* Damaged and odd lines cost only themselves. */
static void test_bad_lines(void **state)
{
    (void)state;
    char big[1500];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char jsonl[8192];
    snprintf(jsonl, sizeof jsonl,
             EV("did:plc:a", 1704067200000000, POST("1", "{\"text\":\"ok\"}"))
             "{\"did\":\"did:plc:a\",\"time_us\":1704067200000000,\"kind\":\"commit\",\"commit\":{\"operation\":\"cre\n"
             "{\"time_us\":1704067200000000,\"kind\":\"commit\",\"commit\":" POST("2", "{\"text\":\"x\"}") "}\n"
             EV("did:plc:a", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3\"}")
             EV("did:plc:a", 1704067200000000, "{\"operation\":\"explode\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"4\"}")
             EV("did:plc:a", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"%s\",\"record\":{}}")
             EV("did:plc:a", 1704067200000000, "{\"operation\":\"create\",\"rkey\":\"5\"}")
             EV("did:plc:a", 1704067200000000, POST("6", "{\"text\":42,\"langs\":\"en\",\"facets\":{\"a\":1},\"embed\":[1]}"))
             "[" EVN("did:plc:a", 1704067200000000, POST("7", "{\"text\":\"in an array\"}")) ",42]\n"
             "\n"
             EV("did:plc:a", 1704067200000000, POST("8", "{\"text\":\"last\"}")),
             big);
    diag_log log = {0};
    ch_corpus *c = read_str(jsonl, &log);
    assert_int_equal(ch_corpus_nposts(c), 4); /* 1, 6 (odd types ignored), 7, 8 */
    assert_int_equal(post(c, "at://did:plc:a/app.bsky.feed.post/6")->text_len, 0);
    assert_string_equal(post(c, "at://did:plc:a/app.bsky.feed.post/7")->text, "in an array");
    assert_int_equal(log.n, 7);
    assert_int_equal(log.reason[0], CH_R_JSON);
    assert_int_equal(log.line[0], 2);
    assert_int_equal(log.reason[1], CH_R_NO_AUTHOR);
    assert_int_equal(log.reason[2], CH_R_BAD_FIELD);
    assert_string_equal(log.msg[2], "commit of at://did:plc:a/app.bsky.feed.post/3 without a record");
    assert_string_equal(log.msg[3], "commit with an unknown operation 'explode'");
    assert_string_equal(log.msg[4], "commit without an rkey, or an at:// URI over 1023 bytes");
    assert_string_equal(log.msg[5], "commit without a collection");
    assert_int_equal(log.reason[6], CH_R_NOT_POST); /* the 42 in the array */
    chorus_corpus_free(c);

    /* strict: the first bad record stops the run */
    assert_int_equal(chorus_corpus_new(&c), CHORUS_OK);
    memset(&log, 0, sizeof log);
    assert_int_equal(run(c, jsonl, strlen(jsonl), 0, true, &log), CHORUS_EPARSE);
    assert_int_equal(ch_corpus_nposts(c), 1);
    chorus_corpus_free(c);

    /* empty input, blank lines */
    c = read_str("", &log);
    assert_int_equal(ch_corpus_nposts(c), 0);
    chorus_corpus_free(c);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"did\":\"did:plc:x\",\"time_us\":1,\"kind\":\"identity\",\"identity\":{\"handle\":\"x.test\"}}\n"
        EV("did:plc:x", 1704067200000000, POST("1", "{\"text\":\"a #t\",\"facets\":[{\"index\":{\"byteStart\":2,\"byteEnd\":4},"
           "\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":\"t\"}]}]}"))
        EV("did:plc:y", 1704067200000000, "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.like\",\"rkey\":\"l\","
           "\"record\":{\"subject\":{\"uri\":\"at://did:plc:x/app.bsky.feed.post/1\"}}}");
    for (uint64_t nth = 1; nth < 300; nth++) {
        int rc;
        size_t n;
        if (!run_failing_from(nth, run_str, jsonl, &rc, &n))
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
        cmocka_unit_test(test_jsonbench_sample),
        cmocka_unit_test(test_jetstream_corpus),
        cmocka_unit_test(test_golden_lines),
        cmocka_unit_test(test_handles_from_did_documents),
        cmocka_unit_test(test_samples_detected),
        cmocka_unit_test(test_facets_byte_ranges),
        cmocka_unit_test(test_quotes_and_embeds),
        cmocka_unit_test(test_time_fallbacks),
        cmocka_unit_test(test_identity_handles),
        cmocka_unit_test(test_deletes_engagements_and_legacy),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
