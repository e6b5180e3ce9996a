/*
 * vocab.h — the vocabulary the detection stages share, so that each stage, the store, the
 * report and the command line name things the same way without depending on one another:
 *
 *   - the behaviours of co-action (what two accounts did alike: reposted the same post,
 *     shared the same link, ...), with their names as the results database spells them;
 *   - CH_NONE, the "none" value of every per-post and per-account index array (no narrative,
 *     no statement, no community, no cluster).
 */
#ifndef CH_VOCAB_H
#define CH_VOCAB_H

#include <stdint.h>

typedef enum ch_behaviour {
    CH_B_REPOST = 0,   /* reposted the same post */
    CH_B_REPLY,        /* replied to the same post */
    CH_B_QUOTE,        /* quoted the same post */
    CH_B_LINK,         /* shared the same URL (canonical form) */
    CH_B_HASHTAG,      /* used the same hashtag (each post's rarest tag) */
    CH_B_NARRATIVE,    /* posted the same near-duplicate text (a narrative of neardup) */
    CH_B_STATEMENT,    /* parroted the same official statement */
    CH_B_MENTION,      /* mentioned the same account (each post's least-mentioned one) */
    CH_B_LIKE,         /* liked the same post (Bluesky like, Mastodon favourite) */
    CH_B_THREAD,       /* replied inside the same thread (the same root post: a Reddit
                          submission, a Bluesky or Mastodon thread, a video's comments) */
    CH_B__COUNT
} ch_behaviour;

/* "repost", "reply", "quote", "link", "hashtag", "narrative", "statement", "mention", "like",
 * "thread"; "?" out of range. */
const char *ch_behaviour_name(ch_behaviour b);

/* "None" in an index array: no narrative, statement, community or cluster. */
#define CH_NONE UINT32_MAX

#endif
