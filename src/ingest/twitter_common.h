/*
 * twitter_common.h — what the Twitter API v1.1 and v2 readers share (read_twitter_v1.c,
 * read_twitter_v2.c): the walk over a post's entities, the created_at check, the rule that
 * keeps or silently drops an embedded post, when an author profile counts as present, and
 * the dispatch of a line (one object, or an array of them).
 *
 * The two formats name their fields differently and v1.1 trims padded values (TwiBot), so the
 * callers say which keys to read and how a string value is taken; the logic is the same.
 * Nothing here allocates; every slice borrows from the parsed line.
 */
#ifndef CH_TWITTER_COMMON_H
#define CH_TWITTER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/json.h"
#include "core/post.h"
#include "ingest/reader.h"

/* One kind of entity: the array's key in the entities object, and the fields of an element
 * that hold its value, tried in order (the first non-empty one wins; unused slots NULL). */
#define CH_TW_FIELDS 3
typedef struct ch_tw_entity {
    ch_json_key array;
    const char *field[CH_TW_FIELDS];
} ch_tw_entity;

/* Where a format keeps its entities, and how it reads a string value (as is, or trimmed). */
typedef struct ch_tw_entities {
    ch_tw_entity urls, hashtags, mentions;
    ch_slice (*str)(ch_json_val v);
} ch_tw_entities;

/* Parts of ch_tw_read_entities (below). */
static inline bool ch_tw_key_is(const char *k, size_t n, ch_json_key key)
{
    return n == key.n && memcmp(k, key.s, n) == 0;
}

static inline void ch_tw_add_each(ch_json_val arr, const ch_tw_entity *what,
                                  ch_slice (*str)(ch_json_val), ch_rawpost *r,
                                  void (*add)(ch_rawpost *, const char *, size_t))
{
    ch_json_iter it;
    ch_json_val e;
    ch_json_iter_init(arr, &it);
    while (ch_json_arr_next(&it, &e)) {
        ch_slice s = {NULL, 0};
        for (int i = 0; !s.n && i < CH_TW_FIELDS && what->field[i]; i++)
            s = str(ch_json_get(e, what->field[i]));
        add(r, s.p, s.n);
    }
}

/* Adds the URLs, hashtags and mentions of an entities object to r (other keys are ignored;
 * an absent or non-object `ent` adds nothing). O(fields).
 * Inline because every post runs it with its reader's constant `keys`: the compiler then
 * folds in the key lengths and the string function, as in a hand-written walk (out of line,
 * with calls through the table, v1 ingest took about 0.5% more instructions). */
static inline void ch_tw_read_entities(ch_json_val ent, const ch_tw_entities *keys,
                                       ch_rawpost *r)
{
    ch_json_iter it;
    const char *k;
    size_t n;
    ch_json_val v;
    ch_json_iter_init(ent, &it);
    while (ch_json_obj_next(&it, &k, &n, &v)) {
        if (ch_tw_key_is(k, n, keys->urls.array))
            ch_tw_add_each(v, &keys->urls, keys->str, r, ch_rawpost_add_url);
        else if (ch_tw_key_is(k, n, keys->hashtags.array))
            ch_tw_add_each(v, &keys->hashtags, keys->str, r, ch_rawpost_add_hashtag);
        else if (ch_tw_key_is(k, n, keys->mentions.array))
            ch_tw_add_each(v, &keys->mentions, keys->str, r, ch_rawpost_add_mention);
    }
}

/* The post's created_at text `t` (empty = absent; `ms`: v1.1 timestamp_ms, a number of
 * milliseconds) into *out. Returns true when the post goes on (no time, or a time that parses
 * and lies in the post window, ch_time_parse_post); false otherwise: the line's own record
 * (`top`) is then reported as CH_R_BAD_TIME (*rc gets ch_ingest_reject's result: 0, or
 * CHORUS_EPARSE in strict mode), an embedded post is dropped silently (*rc untouched). */
bool ch_tw_time(ch_ingest_ctx *ctx, uint64_t line, bool top, ch_slice t, bool ms, int64_t *out,
                int *rc);

/* Hands r to the corpus. The line's own record (`top`) always goes, so the corpus reports what
 * it lacks; an embedded post (context, not a record) that lacks an id, an author or a time is
 * dropped silently. Returns 0, CHORUS_EPARSE (strict) or CHORUS_ENOMEM. */
int ch_tw_emit(ch_ingest_ctx *ctx, uint64_t line, const ch_rawpost *r, bool top);

/* True when the author's profile told anything: a count, the creation time or a flag (names
 * alone do not make a profile). Call after filling r->meta. */
bool ch_tw_meta_present(const ch_rawpost *r);

/* Calls fn(arg, obj, found) for every element of an array `root`, or once for an object root
 * (other roots: never), stopping at the first non-zero result, which it returns. fn counts
 * the posts it finds in *found. */
typedef int (*ch_tw_object_fn)(void *arg, ch_json_val obj, size_t *found);
int ch_tw_each_object(ch_json_val root, ch_tw_object_fn fn, void *arg, size_t *found);

/* The first key of an object root, to name what a line without posts holds ("delete",
 * "limit", ...). False when root is not an object or is empty. */
bool ch_tw_first_key(ch_json_val root, const char **key, size_t *n);

#endif
