/*
 * telegram_common.h — what the Telegram readers share (read_telethon.c, read_telegram.c,
 * read_telegram_4cat.c): how messages and accounts are named, and Telegram's entity offsets.
 *
 * Naming, the same from every source so that one message read from a Telethon dump and from
 * a Telegram Desktop export is one post:
 *   - a message id is unique only within its chat, so a post is "<chat id>/<message id>",
 *     with the bare chat id (channel_id, chat_id, or user_id for private chats) — the path of
 *     Telegram's own https://t.me/c/<chat>/<message> links;
 *   - an account is a peer spelled as Telegram Desktop spells it: "channel<id>" (a channel, or
 *     an anonymous admin posting as the group), "user<id>", "chat<id>" (basic group). A
 *     channel's posts are by the channel; a group's messages by their sender.
 * Entity offsets and lengths count UTF-16 code units (a character beyond U+FFFF counts two).
 */
#ifndef CH_TELEGRAM_COMMON_H
#define CH_TELEGRAM_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/post.h"

/* Longest id written by the helpers: "channel" + 20 digits, or 20 + '/' + 20 digits. */
#define CH_TG_ID_MAX 48

/* "<chat>/<msg>" into buf (CH_TG_ID_MAX bytes); empty when either part is. */
ch_slice ch_tg_post_id(char *buf, ch_slice chat, ch_slice msg);
/* "<kind><id>" ("channel", "user", "chat") into buf (CH_TG_ID_MAX bytes); empty when id is. */
ch_slice ch_tg_peer_id(char *buf, const char *kind, ch_slice id);

/* A position in a text, in bytes and in UTF-16 units, so that entities in text order are
 * located in one pass (an entity before the cursor starts again from the beginning). */
typedef struct ch_tg_cursor {
    size_t byte, unit;
} ch_tg_cursor;

/* The bytes of text covering UTF-16 units [off, off + len). False when the range is negative,
 * empty or runs past the text (the entity is then skipped). */
bool ch_tg_u16_range(ch_slice text, ch_tg_cursor *cur, int64_t off, int64_t len, ch_slice *out);

#endif
