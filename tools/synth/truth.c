/* truth.c — statements.jsonl, statements/<id>.txt and truth.jsonl (ground truth).
 * truth.jsonl lines carry a "type": meta, statement, campaign, narrative, account, post,
 * hard_negative. Ids are strings (they exceed 2^53). See docs/generator.md. */
#include "synth.h"

#include <errno.h>
#include <sys/stat.h>

static void kq(Buf *b, const char *k)
{
    buf_puts(b, ",\"");
    buf_puts(b, k);
    buf_puts(b, "\":");
}

void statements_write(void)
{
    Out o;
    out_open(&o, S.p.outdir, "statements.jsonl", "none");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/statements", S.p.outdir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    char t[32];
    for (int i = 0; i < S.n_st; i++) {
        const Statement *s = &S.st[i];
        Buf *b = &o.b;
        buf_puts(b, "{\"id\":");
        buf_json_cstr(b, s->id);
        kq(b, "source");
        buf_json_cstr(b, s->source);
        kq(b, "published_at");
        fmt_iso_s(t, s->published);
        buf_json_cstr(b, t);
        kq(b, "lang");
        buf_json_cstr(b, lang_code[s->lang]);
        kq(b, "text");
        buf_json_cstr(b, s->text);
        buf_puts(b, "}\n");
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.txt", dir, s->id);
        FILE *f = fopen(path, "wb");
        if (!f)
            die("cannot open '%s': %s", path, strerror(errno));
        fputs(s->text, f);
        fputc('\n', f);
        if (fclose(f) != 0)
            die("write error on '%s'", path);
    }
    out_close(&o);
}

static void str_or_null(Buf *b, const char *s)
{
    if (s)
        buf_json_cstr(b, s);
    else
        buf_puts(b, "null");
}

/* A JSON array of names[k] for each bit k (k < n) set in bits, lowest bit first. */
static void names_of_bits(Buf *b, uint32_t bits, int n, const char *const names[])
{
    buf_putc(b, '[');
    bool first = true;
    for (int k = 0; k < n; k++)
        if (bits >> k & 1) {
            buf_sep(b, &first);
            buf_json_cstr(b, names[k]);
        }
    buf_putc(b, ']');
}

static void int_or_null(Buf *b, int v)
{
    if (v >= 0)
        buf_i64(b, v);
    else
        buf_puts(b, "null");
}

void truth_write(void)
{
    Out o;
    out_open(&o, S.p.outdir, "truth.jsonl", "none");
    Buf *b = &o.b;
    char t[32];
    /* meta */
    long counts[LBL_N] = {0};
    for (uint32_t i = 0; i < S.n_acct; i++)
        counts[S.acct[i].label]++;
    buf_puts(b, "{\"type\":\"meta\",\"generator\":\"chorus-synth " SYNTH_VERSION "\",\"seed\":");
    buf_u64(b, S.p.seed);
    kq(b, "start");
    buf_i64(b, S.t0);
    kq(b, "end");
    buf_i64(b, S.t1);
    kq(b, "days");
    buf_i64(b, S.p.days);
    kq(b, "noise");
    buf_printf(b, "%.3f", S.p.noise);
    kq(b, "scenario");
    buf_json_cstr(b, scenario_name[S.p.scenario]);
    kq(b, "n_posts");
    buf_u64(b, S.n_posts_out);
    kq(b, "n_by_kind");
    buf_printf(b, "{\"post\":%llu,\"repost\":%llu,\"reply\":%llu,\"quote\":%llu}", (unsigned long long)S.n_kind[0],
               (unsigned long long)S.n_kind[1], (unsigned long long)S.n_kind[2], (unsigned long long)S.n_kind[3]);
    kq(b, "n_accounts");
    buf_u64(b, S.n_acct);
    kq(b, "n_accounts_by_label");
    buf_putc(b, '{');
    for (int l = 0; l < LBL_N; l++) {
        if (l)
            buf_putc(b, ',');
        buf_json_cstr(b, label_name[l]);
        buf_putc(b, ':');
        buf_i64(b, counts[l]);
    }
    buf_putc(b, '}');
    kq(b, "n_statements");
    buf_i64(b, S.n_st);
    kq(b, "n_campaigns");
    buf_i64(b, S.n_camp);
    kq(b, "n_planted_posts");
    buf_u64(b, S.n_pl);
    if (mix_on())
        mix_truth_meta(b);
    buf_puts(b, "}\n");

    /* statements */
    for (int i = 0; i < S.n_st; i++) {
        const Statement *s = &S.st[i];
        buf_puts(b, "{\"type\":\"statement\",\"id\":");
        buf_json_cstr(b, s->id);
        kq(b, "source");
        buf_json_cstr(b, s->source);
        kq(b, "kind");
        buf_json_cstr(b, s->kind);
        kq(b, "title");
        buf_json_cstr(b, s->title);
        kq(b, "published_at");
        buf_i64(b, s->published);
        kq(b, "lang");
        buf_json_cstr(b, lang_code[s->lang]);
        kq(b, "n_words");
        buf_i64(b, s->n_words);
        kq(b, "n_sentences");
        buf_i64(b, s->n_sent);
        kq(b, "url");
        buf_json_cstr(b, s->url);
        kq(b, "translation_of");
        str_or_null(b, s->translation_of >= 0 ? S.st[s->translation_of].id : NULL);
        kq(b, "official_account_id");
        buf_u64str(b, S.acct[S.officials[s->official < (uint32_t)S.n_officials ? s->official : 0]].id);
        buf_puts(b, "}\n");
        out_flush_if(&o, 1u << 22);
    }
    /* campaigns */
    for (int i = 0; i < S.n_camp; i++) {
        const Campaign *c = &S.camp[i];
        static const char *timing[] = {"tight", "loose", "spread", "office"};
        static const char *profile[] = {"fresh", "aged", "mixed"};
        buf_puts(b, "{\"type\":\"campaign\",\"id\":");
        buf_i64(b, c->id);
        kq(b, "kind");
        buf_json_cstr(b, ckind_name[c->kind]);
        kq(b, "size");
        buf_i64(b, c->size);
        kq(b, "size_class");
        {
            int sc = size_class_of(c->size);
            if (sc < SZ_N)
                buf_printf(b, "\"%d-%d\"", size_class_lo[sc], size_class_hi[sc]);
            else
                buf_printf(b, "\"%d+\"", size_class_hi[SZ_N - 1] + 1);
        }
        kq(b, "behaviours");
        if (c->kind == CK_MIXED || c->kind == CK_PARROT) {
            names_of_bits(b, c->behaviours, BH_N, behaviour_name);
        } else {
            static const char *const main_behaviour[CK_N] = {NULL, NULL, "echo", "rotating_echo", "repost_ring",
                                                             "hashtag_push", "mention_push", "link_sharing"};
            buf_putc(b, '[');
            buf_json_cstr(b, main_behaviour[c->kind]);
            buf_putc(b, ']');
        }
        kq(b, "twin_of");
        int_or_null(b, c->twin);
        kq(b, "shares_organic");
        buf_puts(b, c->share_organic ? "true" : "false");
        kq(b, "persona");
        buf_puts(b, c->persona ? "true" : "false");
        kq(b, "bursts");
        buf_putc(b, '[');
        for (int k = 0; k < c->n_bursts; k++) {
            if (k)
                buf_putc(b, ',');
            buf_i64(b, c->bursts[k]);
        }
        buf_putc(b, ']');
        kq(b, "n_messages");
        buf_i64(b, c->n_msg);
        kq(b, "n_wordings");
        buf_i64(b, c->kind == CK_ROTATING ? c->n_wordings : c->kind == CK_ECHO ? 1 : 0);
        kq(b, "target_account_id");
        if (c->kind == CK_MENTION)
            buf_u64str(b, S.acct[c->target].id);
        else
            buf_puts(b, "null");
        kq(b, "tag_sets");
        buf_putc(b, '[');
        for (int k = 0; k < c->n_combo; k++) {
            buf_puts(b, k ? ",[" : "[");
            for (int j = 0; j < c->combo_n[k]; j++) {
                if (j)
                    buf_putc(b, ',');
                buf_json_cstr(b, c->tags[c->combo[k][j]]);
            }
            buf_putc(b, ']');
        }
        buf_putc(b, ']');
        kq(b, "window_s");
        buf_i64(b, (int64_t)c->window_s);
        kq(b, "timing");
        buf_json_cstr(b, timing[c->timing & 3]);
        kq(b, "profile");
        buf_json_cstr(b, profile[c->profile % 3]);
        kq(b, "lang");
        buf_json_cstr(b, c->lang == LANG_N ? "en+zh" : lang_code[c->lang]);
        kq(b, "active_from");
        buf_i64(b, c->active_from);
        kq(b, "active_to");
        buf_i64(b, c->active_to);
        kq(b, "hashtags");
        buf_putc(b, '[');
        for (int k = 0; k < c->n_tags; k++) {
            if (k)
                buf_putc(b, ',');
            buf_json_cstr(b, c->tags[k]);
        }
        buf_putc(b, ']');
        kq(b, "narratives");
        buf_putc(b, '[');
        for (int k = 0; k < c->n_narr; k++) {
            if (k)
                buf_putc(b, ',');
            buf_i64(b, c->narr_base + k);
        }
        buf_putc(b, ']');
        kq(b, "statements");
        buf_putc(b, '[');
        for (int k = 0; k < c->n_parroted && k < 32; k++) {
            if (k)
                buf_putc(b, ',');
            buf_json_cstr(b, S.st[c->parroted[k]].id);
        }
        buf_putc(b, ']');
        kq(b, "hub_account_id");
        buf_u64str(b, S.acct[c->hub].id);
        kq(b, "n_posts");
        buf_i64(b, c->n_posts);
        kq(b, "members");
        buf_putc(b, '[');
        for (int k = 0; k < c->size; k++) {
            if (k)
                buf_putc(b, ',');
            buf_u64str(b, S.acct[c->members[k]].id);
        }
        buf_puts(b, "]}\n");
        out_flush_if(&o, 1u << 22);
    }
    /* narratives */
    for (int i = 0; i < S.n_narratives; i++) {
        buf_puts(b, "{\"type\":\"narrative\",\"id\":");
        buf_i64(b, i);
        kq(b, "campaign");
        buf_i64(b, S.narr_campaign[i]);
        kq(b, "example");
        buf_json_cstr(b, S.narr_text[i]);
        buf_puts(b, "}\n");
    }
    /* accounts */
    for (uint32_t i = 0; i < S.n_acct; i++) {
        const Account *a = &S.acct[i];
        buf_puts(b, "{\"type\":\"account\",\"account_id\":");
        buf_u64str(b, a->id);
        kq(b, "handle");
        buf_json_cstr(b, a->handle);
        kq(b, "label");
        buf_json_cstr(b, label_name[a->label]);
        kq(b, "campaign");
        int_or_null(b, a->campaign);
        kq(b, "lang");
        buf_json_cstr(b, lang_code[a->lang]);
        kq(b, "created_at");
        buf_i64(b, a->created);
        kq(b, "followers");
        buf_u64(b, a->followers);
        if (strcmp(a->io_id, "") && a->followers < 5000) {
            kq(b, "io_userid");
            buf_json_cstr(b, a->io_id);
        }
        if (mix_on())
            mix_truth_account(b, a);
        buf_puts(b, "}\n");
        out_flush_if(&o, 1u << 22);
    }
    /* planted posts */
    for (uint32_t i = 0; i < S.n_pl; i++) {
        const Planted *p = &S.pl[i];
        buf_puts(b, "{\"type\":\"post\",\"post_id\":");
        buf_u64str(b, p->id);
        kq(b, "author_id");
        buf_u64str(b, S.acct[p->author].id);
        kq(b, "kind");
        buf_json_cstr(b, kind_name[p->kind & 3]);
        kq(b, "created_at");
        buf_i64(b, p->t_ms / 1000);
        kq(b, "role");
        buf_json_cstr(b, role_name[p->role]);
        kq(b, "statement_id");
        str_or_null(b, p->statement >= 0 ? S.st[p->statement].id : NULL);
        kq(b, "paraphrase");
        if (p->statement >= 0 && p->para != PA_NONE)
            buf_json_cstr(b, para_name[p->para]);
        else
            buf_puts(b, "null");
        if (p->ops) {
            kq(b, "ops");
            names_of_bits(b, p->ops, PA_N, para_name);
        }
        kq(b, "campaign");
        int_or_null(b, p->campaign);
        kq(b, "narrative");
        int_or_null(b, p->narrative);
        kq(b, "ref_id");
        if (p->kind != K_POST && p->ref_id)
            buf_u64str(b, p->ref_id);
        else
            buf_puts(b, "null");
        if (mix_on())
            mix_truth_post(b, i);
        buf_puts(b, "}\n");
        out_flush_if(&o, 1u << 22);
    }
    /* hard-negative events */
    uint64_t viral_id = 0;
    for (uint32_t i = 0; i < S.n_pl; i++)
        if (S.pl[i].role == RO_VIRAL && S.pl[i].kind == K_POST) {
            viral_id = S.pl[i].id;
            break;
        }
    buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":\"viral_repost\",\"post_id\":");
    buf_u64str(b, viral_id);
    kq(b, "at");
    buf_i64(b, S.viral_t0);
    kq(b, "n_reposts");
    buf_i64(b, S.n_viral);
    kq(b, "window_s");
    buf_i64(b, 3600);
    buf_puts(b, "}\n");
    buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":\"news_url\",\"url\":");
    str_or_null(b, S.news_url);
    kq(b, "day");
    fmt_date(t, S.news_t0);
    buf_json_cstr(b, t);
    kq(b, "n_posts");
    buf_i64(b, S.n_newsshare);
    buf_puts(b, "}\n");
    buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":\"hashtag_pair\",\"hashtags\":[");
    str_or_null(b, S.trend_tags[0]);
    buf_putc(b, ',');
    str_or_null(b, S.trend_tags[1]);
    buf_putc(b, ']');
    kq(b, "from");
    buf_i64(b, S.trend_t0);
    kq(b, "to");
    buf_i64(b, S.trend_t1);
    kq(b, "n_posts");
    buf_i64(b, S.n_trend);
    buf_puts(b, "}\n");
    for (int k = 0; k < S.n_hn; k++) {
        const HardNeg *h = &S.hn[k];
        static const char *const hn_name[HN_N] = {"news_event", "fan_community", "niche_tag"};
        buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":");
        buf_json_cstr(b, hn_name[h->kind]);
        kq(b, "hashtags");
        buf_putc(b, '[');
        for (int j = 0; j < h->n_tags; j++) {
            if (j)
                buf_putc(b, ',');
            buf_json_cstr(b, h->tags[j]);
        }
        buf_putc(b, ']');
        if (h->kind == HN_FANS) {
            kq(b, "idol_account_id");
            buf_u64str(b, S.acct[h->idol].id);
        }
        kq(b, "from");
        buf_i64(b, h->from);
        kq(b, "to");
        buf_i64(b, h->to);
        kq(b, "n_accounts");
        buf_i64(b, h->n_accounts);
        kq(b, "n_posts");
        buf_i64(b, h->n_posts);
        buf_puts(b, "}\n");
    }
    buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":\"journalist_quotes\",\"n_accounts\":");
    buf_i64(b, S.n_journalists);
    buf_puts(b, "}\n");
    buf_puts(b, "{\"type\":\"hard_negative\",\"kind\":\"lookalike_accounts\",\"n_accounts\":");
    buf_i64(b, counts[LBL_LOOKALIKE]);
    buf_puts(b, "}\n");
    out_close(&o);
}
