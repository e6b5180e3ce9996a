/* vocab.c — names of the shared vocabulary (see vocab.h). */
#include "core/vocab.h"

static const char *const beh_names[CH_B__COUNT] = {
    [CH_B_REPOST] = "repost",       [CH_B_REPLY] = "reply",     [CH_B_QUOTE] = "quote",
    [CH_B_LINK] = "link",           [CH_B_HASHTAG] = "hashtag",
    [CH_B_NARRATIVE] = "narrative", [CH_B_STATEMENT] = "statement",
    [CH_B_MENTION] = "mention",     [CH_B_LIKE] = "like",       [CH_B_THREAD] = "thread",
};

const char *ch_behaviour_name(ch_behaviour b)
{
    return (unsigned)b < CH_B__COUNT ? beh_names[b] : "?";
}
