/* out_chorus.c — chorus canonical JSONL: one post per line with id, author_id, author,
 * created_at (Unix seconds), text, lang, kind, ref_id, ref_author_id, urls (expanded),
 * hashtags, mentions (handles) and author_meta. A repost's text is the reposted text. */
#include "synth.h"

void chorus_post(Out *o, const Post *p)
{
    Buf *b = &o->b;
    const Account *a = &S.acct[p->author];
    const Content *c = p->c;
    char t[32];
    buf_reserve(b, 8192);
    buf_puts(b, "{\"id\":");
    buf_u64str(b, p->id);
    buf_puts(b, ",\"author_id\":");
    buf_u64str(b, a->id);
    buf_puts(b, ",\"author\":");
    buf_json_cstr(b, a->handle);
    buf_puts(b, ",\"created_at\":");
    buf_i64(b, p->t_ms / 1000);
    buf_puts(b, ",\"text\":");
    buf_json_str(b, c->t, c->len, false);
    buf_puts(b, ",\"lang\":");
    buf_json_cstr(b, lang_code[p->lang < LANG_N ? p->lang : 0]);
    buf_puts(b, ",\"kind\":\"");
    buf_puts(b, kind_name[p->kind & 3]);
    buf_puts(b, "\",\"ref_id\":");
    if (p->kind != K_POST && p->ref_id)
        buf_u64str(b, p->ref_id);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"ref_author_id\":");
    if (p->kind != K_POST && p->ref_id)
        buf_u64str(b, S.acct[p->ref_author].id);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"urls\":[");
    bool first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_URL) {
            if (!first)
                buf_putc(b, ',');
            first = false;
            buf_json_cstr(b, c->url_exp[c->ent[i].idx]);
        }
    buf_puts(b, "],\"hashtags\":[");
    first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_HASHTAG) {
            if (!first)
                buf_putc(b, ',');
            first = false;
            buf_json_str(b, c->t + c->ent[i].b0 + 1, (size_t)(c->ent[i].b1 - c->ent[i].b0 - 1), false);
        }
    buf_puts(b, "],\"mentions\":[");
    first = true;
    for (int i = 0; i < c->n_ent; i++)
        if (c->ent[i].kind == ENT_MENTION) {
            if (!first)
                buf_putc(b, ',');
            first = false;
            buf_json_cstr(b, S.acct[c->mention[c->ent[i].idx]].handle);
        }
    buf_puts(b, "],\"author_meta\":{\"name\":");
    buf_json_cstr(b, a->name);
    buf_puts(b, ",\"created_at\":\"");
    fmt_iso_s(t, a->created);
    buf_puts(b, t);
    buf_puts(b, "\",\"followers\":");
    buf_u64(b, a->followers);
    buf_puts(b, ",\"following\":");
    buf_u64(b, a->friends);
    buf_puts(b, ",\"statuses\":");
    buf_u64(b, a->statuses);
    buf_puts(b, ",\"verified\":");
    buf_puts(b, a->verified ? "true" : "false");
    buf_puts(b, ",\"default_profile\":");
    buf_puts(b, a->def_profile ? "true" : "false");
    buf_puts(b, ",\"default_profile_image\":");
    buf_puts(b, a->def_image ? "true" : "false");
    buf_puts(b, ",\"description\":");
    buf_json_cstr(b, a->desc ? a->desc : "");
    buf_puts(b, ",\"location\":");
    buf_json_cstr(b, a->location ? a->location : "");
    buf_puts(b, "}}\n");
}
