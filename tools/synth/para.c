/* para.c — paraphrases of official statements for parroting posts.
 *
 * Kinds (truth "paraphrase"): verbatim (whole short statement), excerpt (one or two
 * consecutive sentences), substitution (synonyms for words and stock phrases), reorder (sentences
 * or clauses swapped), truncation (cut mid-way, with or without an ellipsis), additions
 * (hashtags, emoji, mentions, a link, a lead-in), noise (case, punctuation, spacing), typos,
 * unicode (homoglyphs from Cyrillic/Greek, zero-width characters, full-width forms) and chinese
 * (Chinese statements: excerpts with Chinese synonyms and punctuation changes). A second
 * operation is sometimes stacked on the first (the truth lists all in "ops"). */
#include "synth.h"

#include <ctype.h>
#include <stdlib.h>

const char *const para_name[PA_N] = {"null", "verbatim", "excerpt", "substitution", "reorder", "truncation",
                                     "additions", "noise", "typos", "unicode", "chinese", "journalist_quote"};

#define BMAX (TXT_MAX - 64)

typedef struct {
    const char *from, *to;
} Sub;

static const Sub subs_en[] = {
    {"internal affairs", "domestic affairs|internal matters|own affairs"},
    {"smearing", "slandering|defaming|vilifying"},
    {"the Canadian side", "Canada|the Canadian government|Ottawa"},
    {"We urge", "We call on|We ask|We demand"},
    {"groundless", "baseless|unfounded"},
    {"firmly", "resolutely|strongly"},
    {"so-called", "alleged|supposed"},
    {"ideological prejudice", "ideological bias"},
    {"Cold War mentality", "Cold War thinking|Cold War mindset"},
    {"fabrication", "invention|lies"},
    {"hyping up", "playing up|exaggerating"},
    {"Chinese Canadians", "Canadians of Chinese origin"},
    {"relations", "ties"},
    {"interfered", "meddled"},
    {"interference", "meddling"},
    {"political manipulation", "political games"},
    {"completely", "totally|entirely"},
    {"basic norms", "fundamental norms|basic rules"},
    {"absurd", "ridiculous|preposterous"},
    {"lies", "falsehoods|untruths"},
    {"evidence", "proof"},
    {"strongly dissatisfied", "deeply unhappy"},
    {"must not be", "cannot be"},
    {"will only", "can only"},
    {"abandon", "give up|drop"},
    {"respect", "honour"},
    {"stop", "cease|quit"},
    {"never", "not once"},
    {"Canada", "the Canadian government"},
    {"China", "Beijing"},
};
static const Sub subs_zh[] = {
    {"中方", "中国"},     {"加方", "加拿大"},   {"坚决反对", "强烈反对"}, {"内政", "内部事务"},
    {"抹黑", "污蔑|诋毁"}, {"敦促", "要求|呼吁"}, {"毫无根据", "没有根据|无中生有"}, {"捏造", "编造"},
    {"冷战思维", "冷战心态"}, {"意识形态偏见", "意识形态成见"}, {"停止", "不要再"}, {"干涉", "干预"},
    {"华人", "华裔"},     {"谎言", "假话"},     {"所谓", "所谓的"},
};

/* ---- small string helpers on a bounded buffer ---- */
static void replace_at(char *buf, size_t *len, size_t cap, size_t at, size_t n, const char *with)
{
    size_t wl = strlen(with);
    if (*len - n + wl >= cap)
        return;
    memmove(buf + at + wl, buf + at + n, *len - at - n + 1);
    memcpy(buf + at, with, wl);
    *len = *len - n + wl;
}

static void insert_at(char *buf, size_t *len, size_t cap, size_t at, const char *s)
{
    replace_at(buf, len, cap, at, 0, s);
}

static void pick_alt(Rng *r, const char *alts, char *out, size_t cap)
{
    int n = 1;
    for (const char *p = alts; *p; p++)
        n += *p == '|';
    int k = (int)rng_below(r, (uint32_t)n);
    const char *p = alts;
    while (k > 0) {
        p = strchr(p, '|') + 1;
        k--;
    }
    const char *e = strchr(p, '|');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l >= cap)
        l = cap - 1;
    memcpy(out, p, l);
    out[l] = 0;
}

static bool word_bound(const char *buf, size_t len, size_t at, size_t n, bool zh)
{
    if (zh)
        return true;
    bool l = at == 0 || !isalnum((unsigned char)buf[at - 1]);
    bool r = at + n >= len || !isalnum((unsigned char)buf[at + n]);
    return l && r;
}

static int substitute(Rng *r, char *buf, size_t *len, size_t cap, bool zh, int want)
{
    const Sub *t = zh ? subs_zh : subs_en;
    int n = zh ? (int)(sizeof subs_zh / sizeof subs_zh[0]) : (int)(sizeof subs_en / sizeof subs_en[0]);
    int done = 0;
    uint32_t order[64];
    for (int i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    rng_shuffle(r, order, (uint32_t)n);
    for (int k = 0; k < n && done < want; k++) {
        const Sub *s = &t[order[k]];
        size_t fl = strlen(s->from);
        char *p = buf;
        while ((p = strstr(p, s->from)) != NULL) {
            size_t at = (size_t)(p - buf);
            if (word_bound(buf, *len, at, fl, zh)) {
                char alt[64];
                pick_alt(r, s->to, alt, sizeof alt);
                /* keep sentence-initial capitals; proper nouns replaced mid-sentence stay lower */
                bool start = at == 0 || (at >= 2 && (buf[at - 2] == '.' || buf[at - 2] == '?' || buf[at - 2] == '!'));
                if (!zh && start && islower((unsigned char)alt[0]))
                    alt[0] = (char)toupper((unsigned char)alt[0]);
                replace_at(buf, len, cap, at, fl, alt);
                done++;
                break;
            }
            p += fl;
        }
    }
    return done;
}

/* ---- unicode evasion ---- */
static uint32_t homoglyph(uint32_t c, bool greek)
{
    if (greek) {
        switch (c) {
        case 'o': return 0x03BF;
        case 'v': return 0x03BD;
        case 'A': return 0x0391;
        case 'B': return 0x0392;
        case 'E': return 0x0395;
        case 'H': return 0x0397;
        case 'I': return 0x0399;
        case 'K': return 0x039A;
        case 'M': return 0x039C;
        case 'N': return 0x039D;
        case 'O': return 0x039F;
        case 'P': return 0x03A1;
        case 'T': return 0x03A4;
        case 'X': return 0x03A7;
        case 'Y': return 0x03A5;
        case 'Z': return 0x0396;
        }
        return 0;
    }
    switch (c) {
    case 'a': return 0x0430;
    case 'e': return 0x0435;
    case 'o': return 0x043E;
    case 'p': return 0x0440;
    case 'c': return 0x0441;
    case 'x': return 0x0445;
    case 'y': return 0x0443;
    case 'i': return 0x0456;
    case 's': return 0x0455;
    case 'A': return 0x0410;
    case 'B': return 0x0412;
    case 'C': return 0x0421;
    case 'E': return 0x0415;
    case 'H': return 0x041D;
    case 'K': return 0x041A;
    case 'M': return 0x041C;
    case 'O': return 0x041E;
    case 'P': return 0x0420;
    case 'T': return 0x0422;
    case 'X': return 0x0425;
    }
    return 0;
}

void para_unicode(Rng *r, char *buf, size_t *len, size_t cap, double strength)
{
    char out[TXT_MAX * 2];
    size_t o = 0;
    int tech = (int)rng_below(r, 7); /* bit set of techniques: 1 homoglyph, 2 zero-width, 4 full-width */
    if (tech == 0)
        tech = 1;
    bool greek = rng_chance(r, 0.3);
    double p_glyph = 0.08 + 0.3 * strength * rng_u01(r);
    double p_zw = 0.15 + 0.4 * strength * rng_u01(r);
    static const uint32_t zw[] = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF};
    uint32_t zwc = zw[rng_below(r, 5)];
    /* full-width: whole text (rare) or a few words */
    bool fw_all = (tech & 4) && rng_chance(r, 0.15);
    double p_fw_word = (tech & 4) ? 0.2 + 0.3 * strength : 0;
    bool in_word = false, fw_word = false;
    size_t i = 0;
    while (i < *len && o + 8 < sizeof out) {
        size_t adv;
        uint32_t c = utf8_decode(buf + i, *len - i, &adv);
        bool alpha = c < 0x80 && isalpha((int)c);
        if (alpha && !in_word) {
            fw_word = rng_chance(r, p_fw_word);
        }
        if (alpha && in_word && (tech & 2) && rng_chance(r, p_zw / 3))
            o += utf8_encode(zwc, out + o);
        uint32_t oc = c;
        if ((fw_all || fw_word) && c > 0x20 && c < 0x7F)
            oc = c + 0xFEE0;
        else if (fw_all && c == ' ')
            oc = 0x3000;
        else if ((tech & 1) && alpha && rng_chance(r, p_glyph)) {
            uint32_t h = homoglyph(c, greek);
            if (h)
                oc = h;
        }
        o += utf8_encode(oc, out + o);
        in_word = alpha;
        i += adv;
    }
    size_t written = o;
    if (o >= cap)
        o = cap - 1;
    /* when cut, do not end in the middle of a sequence (out[o] exists only below written) */
    while (o > 0 && o < written && ((unsigned char)out[o] & 0xC0) == 0x80)
        o--;
    memcpy(buf, out, o);
    buf[o] = 0;
    *len = o;
}

void para_typos(Rng *r, char *buf, size_t *len, size_t cap, int n)
{
    static const char *nb[26] = {"qsz", "vgn", "xvd", "sfe", "wrd", "dgr", "fht", "gjy", "uok", "hku", "jlm", "kp",
                                 "nj", "bm", "ipl", "ol", "wa", "etf", "adw", "ryg", "yij", "cb", "qes", "zc", "tuh", "xa"};
    for (int k = 0; k < n; k++) {
        /* pick a word of >= 4 ASCII letters */
        for (int tries = 0; tries < 20; tries++) {
            size_t at = rng_below(r, (uint32_t)(*len ? *len : 1));
            while (at > 0 && isalpha((unsigned char)buf[at - 1]))
                at--;
            size_t e = at;
            while (e < *len && isalpha((unsigned char)buf[e]))
                e++;
            if (e - at < 4)
                continue;
            size_t p = at + 1 + rng_below(r, (uint32_t)(e - at - 2));
            switch (rng_below(r, 4)) {
            case 0: { /* swap */
                char t = buf[p];
                buf[p] = buf[p + 1];
                buf[p + 1] = t;
                break;
            }
            case 1: /* drop */
                memmove(buf + p, buf + p + 1, *len - p);
                (*len)--;
                break;
            case 2: { /* double */
                char s[2] = {buf[p], 0};
                insert_at(buf, len, cap, p, s);
                break;
            }
            default: { /* neighbour key */
                char ch = (char)tolower((unsigned char)buf[p]);
                if (ch >= 'a' && ch <= 'z') {
                    const char *cand = nb[ch - 'a'];
                    buf[p] = cand[rng_below(r, (uint32_t)strlen(cand))];
                }
            }
            }
            break;
        }
    }
}

void para_noise(Rng *r, char *buf, size_t *len, size_t cap)
{
    int what = 1 + (int)rng_below(r, 31);
    if (what & 1) { /* case */
        double u = rng_u01(r);
        if (u < 0.35) {
            for (size_t i = 0; i < *len; i++)
                buf[i] = (char)tolower((unsigned char)buf[i]);
        } else if (u < 0.55) {
            for (size_t i = 0; i < *len; i++)
                buf[i] = (char)toupper((unsigned char)buf[i]);
        } else {
            /* shout a few words */
            for (int k = 0; k < 3; k++) {
                size_t at = rng_below(r, (uint32_t)(*len ? *len : 1));
                while (at > 0 && isalpha((unsigned char)buf[at - 1]))
                    at--;
                while (at < *len && isalpha((unsigned char)buf[at])) {
                    buf[at] = (char)toupper((unsigned char)buf[at]);
                    at++;
                }
            }
        }
    }
    if (what & 2) { /* punctuation dropped */
        size_t o = 0;
        for (size_t i = 0; i < *len; i++)
            if (!(buf[i] == ',' || buf[i] == '\'' || (buf[i] == '.' && rng_chance(r, 0.5))))
                buf[o++] = buf[i];
        buf[o] = 0;
        *len = o;
    }
    if (what & 4) { /* spacing */
        for (int k = 0; k < 4; k++) {
            char *sp = strchr(buf + rng_below(r, (uint32_t)(*len ? *len : 1)), ' ');
            if (sp)
                insert_at(buf, len, cap, (size_t)(sp - buf), rng_chance(r, 0.7) ? " " : "  ");
        }
        /* a missing space after a full stop */
        char *dot = strstr(buf, ". ");
        if (dot && rng_chance(r, 0.6))
            replace_at(buf, len, cap, (size_t)(dot - buf), 2, ".");
    }
    if (what & 8) { /* emphatic ending */
        while (*len && (buf[*len - 1] == '.' || buf[*len - 1] == ' '))
            buf[--(*len)] = 0;
        static const char *end[] = {"!!!", "!!", "!", "?!", "...", "!!!!"};
        insert_at(buf, len, cap, *len, end[rng_below(r, 6)]);
    }
    if (what & 16) { /* line break in the middle */
        char *sp = strstr(buf + *len / 2, ". ");
        if (sp)
            replace_at(buf, len, cap, (size_t)(sp - buf) + 1, 1, "\n");
    }
}

static void zh_noise(Rng *r, char *buf, size_t *len, size_t cap)
{
    static const struct {
        const char *a, *b;
    } pun[] = {{"，", ","}, {"。", "."}, {"！", "!"}, {"。", "！"}, {"，", " "}, {"“", "\""}, {"”", "\""}};
    for (int k = 0; k < 4; k++) {
        int i = (int)rng_below(r, 7);
        char *p = strstr(buf, pun[i].a);
        if (p)
            replace_at(buf, len, cap, (size_t)(p - buf), strlen(pun[i].a), pun[i].b);
    }
    if (rng_chance(r, 0.4))
        insert_at(buf, len, cap, *len, rng_chance(r, 0.5) ? "！！" : "👍");
}

/* ---- choosing the text ---- */
static bool is_zh(const Statement *s) { return s->lang == LANG_ZH; }

static size_t join_sent(const Statement *s, int a, int b, char *out, size_t cap)
{
    size_t o = 0;
    for (int i = a; i <= b && i < s->n_sent; i++) {
        char tmp[2048];
        size_t n = stmt_sentence(s, i, tmp, sizeof tmp);
        if (i > a && !is_zh(s)) {
            if (o + 1 < cap)
                out[o++] = ' ';
        }
        if (o + n >= cap)
            n = cap - 1 - o;
        memcpy(out + o, tmp, n);
        o += n;
    }
    out[o] = 0;
    return o;
}

/* An excerpt of one or two consecutive sentences within the weight budget. */
static size_t excerpt(Rng *r, const Statement *s, size_t budget, char *out, size_t cap, int *first, int *count)
{
    int cand[STMT_MAX_SENT], nc = 0;
    for (int i = 0; i < s->n_sent; i++)
        if (s->s_par[i] != 255 && tw_weight(s->text + s->s_off[i], s->s_len[i]) <= budget)
            cand[nc++] = i;
    if (nc == 0) {
        /* every sentence is too long: take the shortest, it will be truncated */
        int best = 0;
        for (int i = 1; i < s->n_sent; i++)
            if (s->s_len[i] < s->s_len[best] && s->s_par[i] != 255)
                best = i;
        cand[nc++] = best;
    }
    int i = cand[rng_below(r, (uint32_t)nc)];
    int j = i;
    if (rng_chance(r, 0.45) && i + 1 < s->n_sent && s->s_par[i + 1] != 255) {
        char tmp[TXT_MAX];
        size_t n = join_sent(s, i, i + 1, tmp, sizeof tmp);
        if (tw_weight(tmp, n) <= budget)
            j = i + 1;
    }
    *first = i;
    *count = j - i + 1;
    return join_sent(s, i, j, out, cap);
}

static void cut_weight(char *buf, size_t *len, size_t budget, bool zh)
{
    if (tw_weight(buf, *len) <= budget)
        return;
    size_t cut = *len;
    while (cut > 0 && tw_weight(buf, cut) > budget)
        cut--;
    while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
        cut--;
    if (!zh) {
        size_t sp = cut;
        while (sp > 0 && buf[sp] != ' ')
            sp--;
        if (sp > cut / 2)
            cut = sp;
    }
    buf[cut] = 0;
    *len = cut;
}

/* buf = a + sep + b + end, bounded by cap */
static size_t cat4(char *buf, size_t cap, const char *a, const char *sep, const char *b, const char *end)
{
    const char *parts[4] = {a, sep, b, end};
    size_t o = 0;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(parts[i]);
        if (o + n >= cap)
            n = cap - 1 - o;
        memcpy(buf + o, parts[i], n);
        o += n;
    }
    buf[o] = 0;
    return o;
}

static void reorder(Rng *r, const Statement *s, char *buf, size_t *len, size_t cap, int first, int count)
{
    if (count >= 2) {
        char a[2048], b[2048];
        size_t na = stmt_sentence(s, first, a, sizeof a);
        size_t nb = stmt_sentence(s, first + 1, b, sizeof b);
        (void)na;
        (void)nb;
        *len = cat4(buf, cap, b, is_zh(s) ? "" : " ", a, "");
        return;
    }
    /* clause swap: "X, Y." -> "Y, x." */
    if (is_zh(s)) {
        char *p = strstr(buf, "，");
        if (!p)
            return;
        char x[TXT_MAX], y[TXT_MAX];
        size_t xl = (size_t)(p - buf);
        memcpy(x, buf, xl);
        x[xl] = 0;
        snprintf(y, sizeof y, "%s", p + 3);
        size_t yl = strlen(y);
        if (yl >= 3 && !strcmp(y + yl - 3, "。"))
            y[yl - 3] = 0;
        *len = cat4(buf, cap, y, "，", x, "。");
        return;
    }
    char *p = strstr(buf, ", ");
    if (!p || p - buf < 12 || strlen(p) < 14) {
        char *q = strstr(buf, " and ");
        if (!q) {
            (void)r;
            return;
        }
        p = q;
        char x[TXT_MAX], y[TXT_MAX];
        size_t xl = (size_t)(p - buf);
        memcpy(x, buf, xl);
        x[xl] = 0;
        snprintf(y, sizeof y, "%s", p + 5);
        size_t yl = strlen(y);
        if (yl && y[yl - 1] == '.')
            y[yl - 1] = 0;
        if (islower((unsigned char)y[0]))
            y[0] = (char)toupper((unsigned char)y[0]);
        if (isupper((unsigned char)x[0]) && islower((unsigned char)x[1]))
            x[0] = (char)tolower((unsigned char)x[0]);
        *len = cat4(buf, cap, y, " and ", x, ".");
        return;
    }
    char x[TXT_MAX], y[TXT_MAX];
    size_t xl = (size_t)(p - buf);
    memcpy(x, buf, xl);
    x[xl] = 0;
    snprintf(y, sizeof y, "%s", p + 2);
    size_t yl = strlen(y);
    if (yl && y[yl - 1] == '.')
        y[yl - 1] = 0;
    if (islower((unsigned char)y[0]))
        y[0] = (char)toupper((unsigned char)y[0]);
    if (isupper((unsigned char)x[0]) && islower((unsigned char)x[1]) && strncmp(x, "China", 5) && strncmp(x, "Canada", 6))
        x[0] = (char)tolower((unsigned char)x[0]);
    *len = cat4(buf, cap, y, ", ", x, ".");
}

static void additions(Rng *r, const Statement *s, Content *c, const char *body, size_t blen, int camp)
{
    bool zh = is_zh(s);
    static const char *lead_en[] = {"Well said!", "👏👏", "Exactly:", "Important:", "Must read:", "Truth:",
                                    "👇", "Facts:", "Read this:", "💯"};
    static const char *lead_zh[] = {"说得好！", "转发：", "👏👏", "支持！", "真相：", "👍"};
    int what = 1 + (int)rng_below(r, 15); /* 1 lead, 2 tags, 4 mention, 8 link */
    if (what & 1) {
        content_puts(c, zh ? lead_zh[rng_below(r, 6)] : lead_en[rng_below(r, 10)]);
        content_puts(c, zh ? "" : " ");
    }
    if ((what & 4) && rng_chance(r, 0.5)) {
        /* mention the official source or a journalist at the start */
        uint32_t who = S.n_officials ? S.officials[rng_below(r, (uint32_t)S.n_officials)] : 0;
        if (S.n_journalists && rng_chance(r, 0.4))
            who = S.journalists[rng_below(r, (uint32_t)S.n_journalists)];
        content_mention(c, who);
        content_puts(c, " ");
        what &= ~4;
    }
    content_put(c, body, blen);
    if (rng_chance(r, 0.5)) {
        content_puts(c, " ");
        content_puts(c, text_emoji(r));
    }
    if (what & 2) {
        const Campaign *cp = camp >= 0 && camp < S.n_camp ? &S.camp[camp] : NULL;
        int nt = 1 + (int)rng_below(r, 3);
        static const char *gen_en[] = {"China", "Canada", "cdnpoli", "StopSmearingChina", "truth", "ChinaCanada"};
        static const char *gen_zh[] = {"中国", "加拿大", "中加关系", "真相"};
        for (int i = 0; i < nt; i++) {
            const char *tag;
            if (cp && cp->n_tags && rng_chance(r, 0.6))
                tag = cp->tags[rng_below(r, (uint32_t)cp->n_tags)];
            else
                tag = zh ? gen_zh[rng_below(r, 4)] : gen_en[rng_below(r, 6)];
            if (strstr(c->t, tag))
                continue;
            content_puts(c, " ");
            content_hashtag(c, tag);
        }
    }
    if (what & 4) {
        content_puts(c, " ");
        uint32_t who = S.n_officials ? S.officials[rng_below(r, (uint32_t)S.n_officials)] : 0;
        content_mention(c, who);
    }
    if (what & 8) {
        char url[URL_MAX];
        url_variant(r, s->url, hash_str(s->url), (int)rng_below(r, 6), url, sizeof url);
        content_puts(c, " ");
        content_url(c, url);
    }
}

int paraphrase(Rng *r, const Statement *s, int kind, Content *c, uint32_t author, int camp, int *ops_mask)
{
    (void)author;
    bool zh = is_zh(s);
    char buf[TXT_MAX];
    size_t len;
    int first = 0, count = 1;
    *ops_mask = 0;
    if (kind == PA_CHINESE && !zh)
        kind = PA_SUBST;
    if (zh && kind != PA_VERBATIM && kind != PA_TRUNC && kind != PA_EXCERPT && kind != PA_ADD)
        kind = PA_CHINESE;
    size_t budget = kind == PA_ADD ? 200 : kind == PA_UNICODE ? 170 : 270;
    size_t whole_w = tw_weight(s->text, strlen(s->text));

    if (kind == PA_VERBATIM) {
        if (whole_w <= 280) {
            len = strlen(s->text);
            memcpy(buf, s->text, len + 1);
        } else {
            kind = PA_EXCERPT;
            len = excerpt(r, s, budget, buf, sizeof buf, &first, &count);
        }
    } else if (kind == PA_TRUNC) {
        /* from the start of a sentence, several sentences, cut */
        int i = s->s_par[0] == 255 && s->n_sent > 1 ? 1 : 0;
        if (s->n_sent > 2 && rng_chance(r, 0.6))
            i = (int)rng_below(r, (uint32_t)(s->n_sent - 1));
        if (s->s_par[i] == 255)
            i++;
        len = join_sent(s, i, i + 3, buf, sizeof buf);
        size_t full = tw_weight(buf, len);
        size_t lim = (size_t)((double)(full < 270 ? full : 270) * (0.45 + 0.4 * rng_u01(r)));
        if (lim < 40)
            lim = 40;
        cut_weight(buf, &len, lim, zh);
        while (len && (buf[len - 1] == ',' || buf[len - 1] == ' '))
            buf[--len] = 0;
        double u = rng_u01(r);
        if (u < 0.5)
            insert_at(buf, &len, sizeof buf, len, "…");
        else if (u < 0.8)
            insert_at(buf, &len, sizeof buf, len, "...");
    } else if (kind == PA_REORDER) {
        len = excerpt(r, s, budget, buf, sizeof buf, &first, &count);
        if (count < 2 && first + 1 < s->n_sent && rng_chance(r, 0.5) && s->s_par[first + 1] != 255) {
            char tmp[TXT_MAX];
            size_t n = join_sent(s, first, first + 1, tmp, sizeof tmp);
            if (tw_weight(tmp, n) <= 275) {
                memcpy(buf, tmp, n + 1);
                len = n;
                count = 2;
            }
        }
        reorder(r, s, buf, &len, sizeof buf, first, count);
    } else {
        len = excerpt(r, s, budget, buf, sizeof buf, &first, &count);
        if (whole_w <= 250 && rng_chance(r, 0.35) && kind != PA_EXCERPT) {
            len = strlen(s->text);
            memcpy(buf, s->text, len + 1);
        }
    }
    cut_weight(buf, &len, 276, zh);
    *ops_mask |= 1 << kind;

    switch (kind) {
    case PA_SUBST:
        if (substitute(r, buf, &len, BMAX, false, 1 + (int)rng_below(r, 4)) == 0)
            substitute(r, buf, &len, BMAX, false, 2);
        break;
    case PA_CHINESE:
        substitute(r, buf, &len, BMAX, true, 1 + (int)rng_below(r, 3));
        if (rng_chance(r, 0.5))
            zh_noise(r, buf, &len, BMAX);
        break;
    case PA_NOISE:
        para_noise(r, buf, &len, BMAX);
        break;
    case PA_TYPO:
        para_typos(r, buf, &len, BMAX, 2 + (int)rng_below(r, 4));
        break;
    case PA_UNICODE:
        para_unicode(r, buf, &len, BMAX, 0.4 + 0.6 * S.p.noise);
        break;
    default:
        break;
    }
    /* stacked second operation */
    double extra = 0.15 + 0.3 * S.p.noise;
    if (kind != PA_VERBATIM && kind != PA_EXCERPT && rng_chance(r, extra * 0.5)) {
        int k2 = zh ? PA_CHINESE : (int)(PA_SUBST + rng_below(r, 5)); /* subst..noise */
        if (k2 == PA_TRUNC || k2 == PA_ADD || k2 == PA_REORDER || k2 == kind)
            k2 = PA_TYPO;
        if (k2 == PA_SUBST)
            substitute(r, buf, &len, BMAX, false, 1);
        else if (k2 == PA_NOISE)
            para_noise(r, buf, &len, BMAX);
        else if (k2 == PA_TYPO)
            para_typos(r, buf, &len, BMAX, 1 + (int)rng_below(r, 2));
        else if (k2 == PA_CHINESE && kind != PA_CHINESE)
            substitute(r, buf, &len, BMAX, true, 1);
        *ops_mask |= 1 << k2;
    }
    cut_weight(buf, &len, 280, zh);
    bool add = kind == PA_ADD || (kind != PA_VERBATIM && rng_chance(r, extra));
    if (add && tw_weight(buf, len) > 200) {
        cut_weight(buf, &len, 200, zh);
        if (kind != PA_ADD)
            *ops_mask |= 1 << PA_TRUNC;
    }
    if (add) {
        additions(r, s, c, buf, len, camp);
        *ops_mask |= 1 << PA_ADD;
    } else {
        content_put(c, buf, len);
    }
    content_trim(c);
    content_scan(c);
    return kind;
}
