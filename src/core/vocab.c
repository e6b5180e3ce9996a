/* vocab.c — names of the shared vocabulary (see vocab.h). */
#include "core/vocab.h"

static const char *const beh_names[CH_B__COUNT] = {
    "repost", "reply", "quote", "link", "hashtag", "narrative", "statement", "mention",
};

const char *ch_behaviour_name(ch_behaviour b)
{
    return (unsigned)b < CH_B__COUNT ? beh_names[b] : "?";
}
