/* telegram_common.c — naming and entity offsets shared by the Telegram readers (see
 * telegram_common.h). */
#include "ingest/telegram_common.h"

#include <string.h>

static ch_slice join(char *buf, const char *a, size_t an, char sep, ch_slice b)
{
    if (!b.n || an + (sep ? 1 : 0) + b.n > CH_TG_ID_MAX)
        return (ch_slice){NULL, 0};
    memcpy(buf, a, an);
    size_t o = an;
    if (sep)
        buf[o++] = sep;
    memcpy(buf + o, b.p, b.n);
    return (ch_slice){buf, o + b.n};
}

ch_slice ch_tg_post_id(char *buf, ch_slice chat, ch_slice msg)
{
    if (!chat.n)
        return (ch_slice){NULL, 0};
    return join(buf, chat.p, chat.n, '/', msg);
}

ch_slice ch_tg_peer_id(char *buf, const char *kind, ch_slice id)
{
    return join(buf, kind, strlen(kind), 0, id);
}

/* UTF-16 units of the UTF-8 sequence starting with byte c: 2 for 4-byte sequences, 0 for
 * continuation bytes, 1 otherwise (invalid bytes count as one unit each, as a decoder's
 * replacement character would). */
static inline size_t units(unsigned char c)
{
    if ((c & 0xC0) == 0x80)
        return 0;
    return c >= 0xF0 ? 2 : 1;
}

/* Moves the cursor to UTF-16 unit u (or the end of the text); false if u is past the end or
 * falls inside a character. */
static bool seek(ch_slice t, ch_tg_cursor *c, uint64_t u)
{
    if (u < c->unit)
        c->byte = c->unit = 0;
    const unsigned char *s = (const unsigned char *)t.p;
    while (c->unit < u && c->byte < t.n) {
        c->unit += units(s[c->byte]);
        c->byte++;
        while (c->byte < t.n && (s[c->byte] & 0xC0) == 0x80)
            c->byte++;
    }
    return c->unit == u;
}

bool ch_tg_u16_range(ch_slice text, ch_tg_cursor *cur, int64_t off, int64_t len, ch_slice *out)
{
    if (off < 0 || len <= 0 || (uint64_t)off > text.n * 2 || (uint64_t)len > text.n * 2)
        return false;
    if (!seek(text, cur, (uint64_t)off))
        return false;
    size_t b0 = cur->byte;
    ch_tg_cursor end = *cur;
    if (!seek(text, &end, (uint64_t)(off + len)))
        return false;
    *out = (ch_slice){text.p + b0, end.byte - b0};
    return out->n > 0;
}
