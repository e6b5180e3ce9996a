/* gram.c — the template grammar used for all generated text, and the Content builder
 * (post text plus entity offsets).
 *
 * Grammar: rules are compiled once from the GramDef tables (gram_en.c, gram_fr.c, gram_zh.c,
 * gram_misc.c, gram_camp.c, gram_cells.c). A reference {name} is looked up as written, then inside the
 * namespace of the rule that uses it ("en.post" may write {opener} for "en.opener").
 * Forms: {name} expand; {?name} expand half the time; {^name} expand and capitalise the first
 * letter; {n:LO:HI} integer; {@} mention hook; {U} URL hook. A definition starting with '~'
 * picks alternatives by Zipf popularity (first = most common). Expansion depth is limited. */
#include "synth.h"

#include <ctype.h>
#include <stdlib.h>

enum { TK_LIT, TK_REF, TK_OPT, TK_CAP, TK_NUM, TK_MENTION, TK_URL };

typedef struct {
    uint8_t type;
    uint32_t a, b;
    const char *s;
} Tok;

typedef struct {
    const char *name;
    const char *def;
    bool zipf;
    int n_alt;
    uint32_t first_alt; /* index into alt_start */
} Rule;

static Rule *rules;
static int n_rules, cap_rules;
static Tok *toks;
static uint32_t n_toks, cap_toks;
static uint32_t *alt_start;
static uint32_t n_alts, cap_alts;

/* name -> rule id, open addressing */
static int *htab;
static uint32_t hcap;

static uint64_t name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int lookup(const char *s, size_t n)
{
    uint64_t h = name_hash(s, n);
    for (uint32_t i = (uint32_t)h & (hcap - 1);; i = (i + 1) & (hcap - 1)) {
        int id = htab[i];
        if (id < 0)
            return -1;
        if (strlen(rules[id].name) == n && !memcmp(rules[id].name, s, n))
            return id;
    }
}

static void insert(int id)
{
    const char *nm = rules[id].name;
    uint64_t h = name_hash(nm, strlen(nm));
    for (uint32_t i = (uint32_t)h & (hcap - 1);; i = (i + 1) & (hcap - 1)) {
        if (htab[i] < 0) {
            htab[i] = id;
            return;
        }
        if (!strcmp(rules[htab[i]].name, nm))
            die("grammar rule '%s' defined twice", nm);
    }
}

static void add_tok(Tok t)
{
    if (n_toks == cap_toks) {
        cap_toks = cap_toks ? cap_toks * 2 : 4096;
        toks = xrealloc(toks, sizeof(Tok) * cap_toks);
    }
    toks[n_toks++] = t;
}

static void add_alt(uint32_t start)
{
    if (n_alts == cap_alts) {
        cap_alts = cap_alts ? cap_alts * 2 : 4096;
        alt_start = xrealloc(alt_start, sizeof(uint32_t) * cap_alts);
    }
    alt_start[n_alts++] = start;
}

static int resolve(const char *owner, const char *s, size_t n)
{
    char tmp[256];
    size_t ol = strlen(owner);
    /* a child of the owner first: {s} in "en.post.daily" is "en.post.daily.s" */
    if (ol + 1 + n < sizeof tmp) {
        memcpy(tmp, owner, ol);
        tmp[ol] = '.';
        memcpy(tmp + ol + 1, s, n);
        int id = lookup(tmp, ol + 1 + n);
        if (id >= 0)
            return id;
    }
    int id = lookup(s, n);
    if (id >= 0)
        return id;
    /* then namespaces of the owner, innermost first: "en.post.x" -> "en.post." then "en." */
    while (ol > 0) {
        while (ol > 0 && owner[ol - 1] != '.')
            ol--;
        if (ol == 0)
            break;
        if (ol + n < sizeof tmp) {
            memcpy(tmp, owner, ol);
            memcpy(tmp + ol, s, n);
            id = lookup(tmp, ol + n);
            if (id >= 0)
                return id;
        }
        ol--;
    }
    die("grammar rule '%s' refers to unknown rule '%.*s'", owner, (int)n, s);
    return -1;
}

static void add_rule(const char *name, const char *def)
{
    if (n_rules == cap_rules) {
        cap_rules = cap_rules ? cap_rules * 2 : 1024;
        rules = xrealloc(rules, sizeof(Rule) * (size_t)cap_rules);
    }
    rules[n_rules++] = (Rule){name, def, false, 0, 0};
}

/* Inline alternatives "[a|b|c]" become an anonymous rule "owner#k" (registered and compiled
 * after the rules of the tables; refs inside resolve in the owner's namespaces). */
static int anon_rule(int owner, const char *s, size_t n)
{
    static unsigned k;
    char *name = arena_printf("%s#%u", rules[owner].name, k++);
    char *def = arena_strndup(s, n);
    add_rule(name, def);
    int id = n_rules - 1;
    if (htab) {
        /* grow the hash table when needed, then insert */
        if ((uint32_t)n_rules * 2 + 16 > hcap) {
            uint32_t nc = hcap * 2;
            int *nt = xmalloc(sizeof(int) * nc);
            for (uint32_t i = 0; i < nc; i++)
                nt[i] = -1;
            free(htab);
            htab = nt;
            hcap = nc;
            for (int i = 0; i < n_rules; i++)
                insert(i);
        } else {
            insert(id);
        }
    }
    return id;
}

static void compile(int id)
{
    const char *p = rules[id].def;
    const char *owner = rules[id].name;
    if (*p == '~') {
        rules[id].zipf = true;
        p++;
    }
    rules[id].first_alt = n_alts;
    add_alt(n_toks);
    int n_alt = 1;
    const char *lit = p;
    for (;;) {
        if (*p == 0 || *p == '|' || *p == '{' || *p == '[') {
            if (p > lit)
                add_tok((Tok){TK_LIT, (uint32_t)(p - lit), 0, lit});
            if (*p == 0)
                break;
            if (*p == '|') {
                add_alt(n_toks);
                n_alt++;
                p++;
                lit = p;
                continue;
            }
            if (*p == '[') {
                const char *q = strchr(p, ']');
                if (!q)
                    die("grammar rule '%s': unterminated '['", owner);
                int a = anon_rule(id, p + 1, (size_t)(q - p - 1));
                add_tok((Tok){TK_REF, (uint32_t)a, 0, NULL});
                p = q + 1;
                lit = p;
                continue;
            }
            /* reference */
            const char *q = strchr(p, '}');
            if (!q)
                die("grammar rule '%s': unterminated '{'", owner);
            const char *s = p + 1;
            size_t n = (size_t)(q - s);
            if (n == 1 && *s == '@') {
                add_tok((Tok){TK_MENTION, 0, 0, NULL});
            } else if (n == 1 && *s == 'U') {
                add_tok((Tok){TK_URL, 0, 0, NULL});
            } else if (n > 2 && s[0] == 'n' && s[1] == ':') {
                long lo = strtol(s + 2, NULL, 10);
                const char *c2 = memchr(s + 2, ':', n - 2);
                long hi = c2 ? strtol(c2 + 1, NULL, 10) : lo;
                add_tok((Tok){TK_NUM, (uint32_t)lo, (uint32_t)hi, NULL});
            } else if (*s == '?') {
                add_tok((Tok){TK_OPT, (uint32_t)resolve(owner, s + 1, n - 1), 0, NULL});
            } else if (*s == '^') {
                add_tok((Tok){TK_CAP, (uint32_t)resolve(owner, s + 1, n - 1), 0, NULL});
            } else {
                add_tok((Tok){TK_REF, (uint32_t)resolve(owner, s, n), 0, NULL});
            }
            p = q + 1;
            lit = p;
            continue;
        }
        p++;
    }
    rules[id].n_alt = n_alt;
    /* the end of the last alternative is the start of the next rule's first one (or the
     * final sentinel added by gram_init), so alt_start[first_alt + n_alt] is always valid */
}

static void add_table(const GramDef *t)
{
    for (; t->name; t++)
        add_rule(t->name, t->alts);
}

void gram_init(void)
{
    if (rules)
        return;
    add_table(gram_en);
    add_table(gram_fr);
    add_table(gram_zh);
    add_table(gram_misc);
    add_table(gram_camp);
    add_table(gram_cells);
    hcap = 1;
    while (hcap < (uint32_t)n_rules * 2 + 16)
        hcap *= 2;
    htab = xmalloc(sizeof(int) * hcap);
    for (uint32_t i = 0; i < hcap; i++)
        htab[i] = -1;
    for (int i = 0; i < n_rules; i++)
        insert(i);
    for (int i = 0; i < n_rules; i++)
        compile(i);
    add_alt(n_toks);
}

int gram_find(const char *name) { return lookup(name, strlen(name)); }

int gram_need(const char *name)
{
    int id = gram_find(name);
    if (id < 0)
        die("grammar rule '%s' is missing", name);
    return id;
}

int gram_n_alts(int rule) { return rules[rule].n_alt; }

static void expand(GramCtx *g, int rule, int alt, int depth);

static void expand_tokens(GramCtx *g, const Rule *ru, int alt, int depth)
{
    uint32_t a = alt_start[ru->first_alt + (uint32_t)alt];
    uint32_t b = alt_start[ru->first_alt + (uint32_t)alt + 1];
    for (uint32_t i = a; i < b; i++) {
        const Tok *t = &toks[i];
        switch (t->type) {
        case TK_LIT:
            content_put(g->c, t->s, t->a);
            break;
        case TK_REF:
            expand(g, (int)t->a, -1, depth + 1);
            break;
        case TK_OPT:
            if (rng_next(g->r) & 1)
                expand(g, (int)t->a, -1, depth + 1);
            break;
        case TK_CAP: {
            uint32_t at = g->c->len;
            expand(g, (int)t->a, -1, depth + 1);
            for (uint32_t k = at; k < g->c->len; k++) {
                unsigned char ch = (unsigned char)g->c->t[k];
                if (ch >= 0x80)
                    break;
                if (isalpha(ch)) {
                    g->c->t[k] = (char)toupper(ch);
                    break;
                }
            }
            break;
        }
        case TK_NUM: {
            char tmp[24];
            int64_t v = rng_range(g->r, (int64_t)(int32_t)t->a, (int64_t)(int32_t)t->b);
            snprintf(tmp, sizeof tmp, "%lld", (long long)v);
            content_puts(g->c, tmp);
            break;
        }
        case TK_MENTION:
            if (g->mention)
                g->mention(g->ud, g->c, g->r);
            break;
        case TK_URL:
            if (g->url)
                g->url(g->ud, g->c, g->r);
            break;
        }
    }
}

static void expand(GramCtx *g, int rule, int alt, int depth)
{
    if (depth > 16)
        return;
    const Rule *ru = &rules[rule];
    if (alt < 0)
        alt = ru->zipf ? (int)rng_zipf(g->r, (uint32_t)ru->n_alt, 1.05) : (int)rng_below(g->r, (uint32_t)ru->n_alt);
    expand_tokens(g, ru, alt, depth);
}

void gram_expand(GramCtx *g, int rule) { expand(g, rule, -1, 0); }

void gram_expand_alt(GramCtx *g, int rule, int alt)
{
    if (alt < 0 || alt >= rules[rule].n_alt)
        alt = 0;
    expand(g, rule, alt, 0);
}

void gram_expand_name(GramCtx *g, const char *name) { expand(g, gram_need(name), -1, 0); }

void gram_expand_buf(Rng *r, int rule, char *out, size_t cap)
{
    static Content c;
    content_reset(&c, 0);
    GramCtx g = {r, &c, NULL, NULL, NULL};
    expand(&g, rule, -1, 0);
    size_t n = c.len < cap - 1 ? c.len : cap - 1;
    memcpy(out, c.t, n);
    out[n] = 0;
}

/* ------------------------------------------------------------ Content */

extern Scenario S;

void content_reset(Content *c, uint64_t cseed)
{
    c->len = 0;
    c->t[0] = 0;
    c->cseed = cseed;
    c->n_mention = 0;
    c->n_url = 0;
    c->n_ent = 0;
    c->n_tags = 0;
}

void content_put(Content *c, const char *s, size_t n)
{
    if (c->len + n >= TXT_MAX - 1) {
        /* cut at a code point boundary */
        n = TXT_MAX - 1 - c->len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(c->t + c->len, s, n);
    c->len += (uint32_t)n;
    c->t[c->len] = 0;
}

void content_puts(Content *c, const char *s) { content_put(c, s, strlen(s)); }

void content_mention(Content *c, uint32_t acct)
{
    if (c->n_mention < MAX_MENTIONS)
        c->mention[c->n_mention++] = acct;
    content_puts(c, "@");
    content_puts(c, S.acct[acct].handle);
}

void content_url(Content *c, const char *expanded)
{
    if (c->n_url >= MAX_URLS)
        return;
    int i = c->n_url++;
    snprintf(c->url_exp[i], URL_MAX, "%s", expanded);
    base62(hash3(hash_str(expanded), c->cseed, (uint64_t)i), c->url_tco[i], 10);
    content_puts(c, "https://t.co/");
    content_puts(c, c->url_tco[i]);
}

void content_hashtag(Content *c, const char *tag)
{
    content_puts(c, "#");
    content_puts(c, tag);
}

void content_trim(Content *c)
{
    while (c->len > 0 && (c->t[c->len - 1] == ' ' || c->t[c->len - 1] == '\n'))
        c->len--;
    c->t[c->len] = 0;
}

static bool same_handle(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

static bool word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) || cp == '_';
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x400 && cp <= 0x4FF))
        return true;
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xAC00 && cp <= 0xD7AF))
        return true;
    return false;
}

static void add_ent(Content *c, int kind, int idx, uint32_t b0, uint32_t b1, uint32_t c0, uint32_t c1)
{
    if (c->n_ent >= MAX_ENTS)
        return;
    c->ent[c->n_ent++] = (Ent){(uint8_t)kind, (uint8_t)idx, (uint16_t)b0, (uint16_t)b1, (uint16_t)c0, (uint16_t)c1};
    if (kind == ENT_HASHTAG)
        c->n_tags++;
}

void content_scan(Content *c)
{
    c->n_ent = 0;
    c->n_tags = 0;
    bool used_url[MAX_URLS] = {0};
    uint32_t i = 0, cpi = 0;
    uint32_t prev = ' ';
    while (i < c->len) {
        size_t adv;
        uint32_t cp = utf8_decode(c->t + i, c->len - i, &adv);
        bool boundary = !word_cp(prev) && prev != '&' && prev != '/';
        if (cp == '#' && boundary) {
            uint32_t j = i + 1, cj = cpi + 1;
            bool nondigit = false;
            while (j < c->len) {
                size_t a2;
                uint32_t c2 = utf8_decode(c->t + j, c->len - j, &a2);
                if (!word_cp(c2))
                    break;
                if (!(c2 >= '0' && c2 <= '9'))
                    nondigit = true;
                j += (uint32_t)a2;
                cj++;
            }
            if (j > i + 1 && nondigit) {
                add_ent(c, ENT_HASHTAG, 0, i, j, cpi, cj);
                i = j;
                cpi = cj;
                prev = 'a';
                continue;
            }
        } else if (cp == '@' && boundary) {
            uint32_t j = i + 1;
            while (j < c->len && j - i <= 15 && (isalnum((unsigned char)c->t[j]) || c->t[j] == '_'))
                j++;
            if (j > i + 1) {
                for (int k = 0; k < c->n_mention; k++) {
                    const char *h = S.acct[c->mention[k]].handle;
                    if (strlen(h) == j - i - 1 && same_handle(h, c->t + i + 1, j - i - 1)) {
                        add_ent(c, ENT_MENTION, k, i, j, cpi, cpi + (j - i));
                        break;
                    }
                }
                cpi += j - i;
                i = j;
                prev = 'a';
                continue;
            }
        } else if (cp == 'h' && c->len - i >= 23 && !memcmp(c->t + i, "https://t.co/", 13)) {
            for (int k = 0; k < c->n_url; k++) {
                if (!used_url[k] && !memcmp(c->t + i + 13, c->url_tco[k], 10)) {
                    used_url[k] = true;
                    add_ent(c, ENT_URL, k, i, i + 23, cpi, cpi + 23);
                    break;
                }
            }
            i += 23;
            cpi += 23;
            prev = 'a';
            continue;
        }
        i += (uint32_t)adv;
        cpi++;
        prev = cp;
    }
}

size_t content_weight(const Content *c) { return tw_weight(c->t, c->len); }
