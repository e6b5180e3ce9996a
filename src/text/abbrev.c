/* abbrev.c — the tables of abbrev.h and their hash lookup (built once, static storage). */
#include <pthread.h>
#include <string.h>

#include "text/abbrev.h"
#include "text/normalize.h"

#define EN CH_LANG_EN
#define FR CH_LANG_FR

typedef struct row {
    uint8_t lang;
    const char *w;
    uint16_t kind;
    uint8_t caps, num_kind;
    int64_t value;
    const char *canon;
} row;

/* word abbreviations: the word they stand for */
#define W(l, w, c) {l, w, CH_AB_WORD, 0, 0, 0, c}
/* an abbreviation written with a full stop: the stop is part of it */
#define WD(l, w, c) {l, w, CH_AB_WORD | CH_AB_DOTTED, 0, 0, 0, c}
/* a word whose full stop is part of it ("Mr.") */
#define D(l, w) {l, w, CH_AB_DOTTED, 0, 0, 0, NULL}
/* acronyms; AC: only in capitals or with dots (the letters spell a common word) */
#define A(l, w, c) {l, w, CH_AB_ACRONYM, 0, 0, 0, c}
#define AC(l, w, c) {l, w, CH_AB_ACRONYM, 1, 0, 0, c}
#define N(l, w, k, v) {l, w, CH_AB_NUMBER, 0, k, v, NULL}

static const row rows[] = {
    /* ---- English word abbreviations ---- */
    W(EN, "intel", "intelligence"), W(EN, "govt", "government"), W(EN, "govts", "governments"),
    WD(EN, "gov", "government"), W(EN, "gvt", "government"), W(EN, "cdn", "canadian"),
    W(EN, "intl", "international"), W(EN, "natl", "national"), WD(EN, "dept", "department"),
    W(EN, "depts", "departments"), W(EN, "admin", "administration"), W(EN, "info", "information"),
    W(EN, "ppl", "people"), W(EN, "abt", "about"), W(EN, "yrs", "years"), W(EN, "yr", "year"),
    WD(EN, "approx", "approximately"), WD(EN, "vs", "versus"), WD(EN, "pres", "president"),
    WD(EN, "amb", "ambassador"), W(EN, "mgmt", "management"), W(EN, "mln", "million"),
    W(EN, "bn", "billion"), W(EN, "tn", "trillion"), W(EN, "dems", "democrats"),
    W(EN, "mounties", "=rcmp"), W(EN, "percent", "=pct"), W(EN, "pct", "=pct"),
    {EN, "w", CH_AB_WORD | CH_AB_SLASH, 0, 0, 0, "with"},
    WD(EN, "jan", "january"), WD(EN, "feb", "february"), WD(EN, "mar", "march"),
    WD(EN, "apr", "april"), WD(EN, "jun", "june"), WD(EN, "jul", "july"), WD(EN, "aug", "august"),
    WD(EN, "sep", "september"), WD(EN, "sept", "september"), WD(EN, "oct", "october"),
    WD(EN, "nov", "november"), WD(EN, "dec", "december"), WD(EN, "mon", "monday"),
    WD(EN, "tue", "tuesday"), WD(EN, "tues", "tuesday"), WD(EN, "wed", "wednesday"),
    WD(EN, "thu", "thursday"), WD(EN, "thur", "thursday"), WD(EN, "thurs", "thursday"),
    WD(EN, "fri", "friday"),
    D(EN, "mr"), D(EN, "mrs"), D(EN, "ms"), D(EN, "dr"), D(EN, "st"), D(EN, "jr"), D(EN, "sr"),
    D(EN, "prof"), D(EN, "gen"), D(EN, "sen"), D(EN, "rep"), D(EN, "lt"), D(EN, "col"),
    D(EN, "sgt"), D(EN, "capt"), D(EN, "adm"), D(EN, "hon"), D(EN, "rev"), D(EN, "etc"),
    D(EN, "inc"), D(EN, "ltd"), D(EN, "corp"), D(EN, "est"), D(EN, "min"),
    /* ---- English acronyms ---- */
    AC(EN, "us", "=us"), A(EN, "usa", "=us"), A(EN, "uk", "=uk"), AC(EN, "un", "=un"),
    A(EN, "eu", "=eu"), AC(EN, "pm", "=pm"), AC(EN, "mp", "=mp"), AC(EN, "mps", "=mp"),
    A(EN, "prc", "=prc"), A(EN, "ccp", "=ccp"), A(EN, "rcmp", "=rcmp"), A(EN, "csis", "=csis"),
    A(EN, "nato", "=nato"), AC(EN, "who", "=who"), A(EN, "dnd", "=dnd"), A(EN, "gac", "=gac"),
    A(EN, "mfa", "=mfa"), A(EN, "hk", "=hk"), A(EN, "gta", "=gta"), AC(EN, "bc", "=bc"),
    AC(EN, "qc", "quebec"), A(EN, "gdp", "=gdp"), AC(EN, "ai", "=ai"),
    /* ---- English numbers ---- */
    N(EN, "zero", CH_NUM_UNIT, 0), N(EN, "one", CH_NUM_UNIT, 1), N(EN, "two", CH_NUM_UNIT, 2),
    N(EN, "three", CH_NUM_UNIT, 3), N(EN, "four", CH_NUM_UNIT, 4), N(EN, "five", CH_NUM_UNIT, 5),
    N(EN, "six", CH_NUM_UNIT, 6), N(EN, "seven", CH_NUM_UNIT, 7), N(EN, "eight", CH_NUM_UNIT, 8),
    N(EN, "nine", CH_NUM_UNIT, 9), N(EN, "ten", CH_NUM_UNIT, 10), N(EN, "eleven", CH_NUM_UNIT, 11),
    N(EN, "twelve", CH_NUM_UNIT, 12), N(EN, "thirteen", CH_NUM_UNIT, 13),
    N(EN, "fourteen", CH_NUM_UNIT, 14), N(EN, "fifteen", CH_NUM_UNIT, 15),
    N(EN, "sixteen", CH_NUM_UNIT, 16), N(EN, "seventeen", CH_NUM_UNIT, 17),
    N(EN, "eighteen", CH_NUM_UNIT, 18), N(EN, "nineteen", CH_NUM_UNIT, 19),
    N(EN, "twenty", CH_NUM_TEN, 20), N(EN, "thirty", CH_NUM_TEN, 30), N(EN, "forty", CH_NUM_TEN, 40),
    N(EN, "fifty", CH_NUM_TEN, 50), N(EN, "sixty", CH_NUM_TEN, 60), N(EN, "seventy", CH_NUM_TEN, 70),
    N(EN, "eighty", CH_NUM_TEN, 80), N(EN, "ninety", CH_NUM_TEN, 90),
    N(EN, "hundred", CH_NUM_HUNDRED, 100), N(EN, "thousand", CH_NUM_SCALE, 1000),
    N(EN, "million", CH_NUM_SCALE, 1000000), N(EN, "millions", CH_NUM_SCALE, 1000000),
    N(EN, "billion", CH_NUM_SCALE, 1000000000), N(EN, "billions", CH_NUM_SCALE, 1000000000),
    N(EN, "trillion", CH_NUM_SCALE, 1000000000000), N(EN, "dozen", CH_NUM_SCALE, 12),
    N(EN, "a", CH_NUM_A, 1), N(EN, "an", CH_NUM_A, 1),
    N(EN, "first", CH_NUM_ORDINAL, 1), N(EN, "second", CH_NUM_ORDINAL, 2),
    N(EN, "third", CH_NUM_ORDINAL, 3), N(EN, "fourth", CH_NUM_ORDINAL, 4),
    N(EN, "fifth", CH_NUM_ORDINAL, 5), N(EN, "sixth", CH_NUM_ORDINAL, 6),
    N(EN, "seventh", CH_NUM_ORDINAL, 7), N(EN, "eighth", CH_NUM_ORDINAL, 8),
    N(EN, "ninth", CH_NUM_ORDINAL, 9), N(EN, "tenth", CH_NUM_ORDINAL, 10),
    /* ---- French word abbreviations ---- */
    WD(FR, "gouv", "gouvernement"), W(FR, "gvt", "gouvernement"), WD(FR, "env", "environ"),
    WD(FR, "fev", "fevrier"), WD(FR, "fevr", "fevrier"), WD(FR, "janv", "janvier"),
    WD(FR, "avr", "avril"), WD(FR, "juil", "juillet"), WD(FR, "oct", "octobre"),
    WD(FR, "nov", "novembre"), WD(FR, "dec", "decembre"), W(FR, "mtl", "montreal"),
    W(FR, "bcp", "beaucoup"), W(FR, "pourcent", "=pct"),
    D(FR, "m"), D(FR, "mme"), D(FR, "mlle"), D(FR, "dr"), D(FR, "st"), D(FR, "ste"),
    /* ---- French acronyms ---- */
    A(FR, "onu", "=un"), AC(FR, "ue", "=eu"), A(FR, "grc", "=rcmp"), A(FR, "scrs", "=csis"),
    A(FR, "otan", "=nato"), A(FR, "oms", "=who"), AC(FR, "pm", "=pm"), AC(FR, "qc", "quebec"),
    AC(FR, "eu", "=us"), A(FR, "rpc", "=prc"), A(FR, "pcc", "=ccp"), A(FR, "usa", "=us"),
    /* ---- French numbers ---- */
    N(FR, "zero", CH_NUM_UNIT, 0), N(FR, "deux", CH_NUM_UNIT, 2), N(FR, "trois", CH_NUM_UNIT, 3),
    N(FR, "quatre", CH_NUM_UNIT, 4), N(FR, "cinq", CH_NUM_UNIT, 5), N(FR, "six", CH_NUM_UNIT, 6),
    N(FR, "sept", CH_NUM_UNIT, 7), N(FR, "huit", CH_NUM_UNIT, 8), N(FR, "neuf", CH_NUM_UNIT, 9),
    N(FR, "dix", CH_NUM_UNIT, 10), N(FR, "onze", CH_NUM_UNIT, 11), N(FR, "douze", CH_NUM_UNIT, 12),
    N(FR, "treize", CH_NUM_UNIT, 13), N(FR, "quatorze", CH_NUM_UNIT, 14),
    N(FR, "quinze", CH_NUM_UNIT, 15), N(FR, "seize", CH_NUM_UNIT, 16),
    N(FR, "vingt", CH_NUM_TEN, 20), N(FR, "trente", CH_NUM_TEN, 30),
    N(FR, "quarante", CH_NUM_TEN, 40), N(FR, "cinquante", CH_NUM_TEN, 50),
    N(FR, "soixante", CH_NUM_TEN, 60), N(FR, "cent", CH_NUM_HUNDRED, 100),
    N(FR, "mille", CH_NUM_SCALE, 1000), N(FR, "million", CH_NUM_SCALE, 1000000),
    N(FR, "millions", CH_NUM_SCALE, 1000000), N(FR, "milliard", CH_NUM_SCALE, 1000000000),
    N(FR, "milliards", CH_NUM_SCALE, 1000000000), N(FR, "un", CH_NUM_A, 1),
    N(FR, "une", CH_NUM_A, 1),
};

/* Multi-word names, in words as ch_normalize leaves them (apostrophes split words). */
typedef struct phrase {
    uint8_t lang;
    const char *words;
    const char *canon;
} phrase;

static const phrase phrases[] = {
    {EN, "united states of america", "=us"}, {EN, "united states", "=us"},
    {EN, "united kingdom", "=uk"}, {EN, "united nations", "=un"}, {EN, "european union", "=eu"},
    {EN, "prime minister", "=pm"}, {EN, "member of parliament", "=mp"},
    {EN, "members of parliament", "=mp"}, {EN, "people s republic of china", "=prc"},
    {EN, "chinese communist party", "=ccp"}, {EN, "communist party of china", "=ccp"},
    {EN, "royal canadian mounted police", "=rcmp"},
    {EN, "canadian security intelligence service", "=csis"},
    {EN, "north atlantic treaty organization", "=nato"}, {EN, "world health organization", "=who"},
    {EN, "department of national defence", "=dnd"}, {EN, "global affairs canada", "=gac"},
    {EN, "ministry of foreign affairs", "=mfa"}, {EN, "foreign ministry", "=mfa"},
    {EN, "hong kong", "=hk"}, {EN, "greater toronto area", "=gta"}, {EN, "british columbia", "=bc"},
    {EN, "gross domestic product", "=gdp"}, {EN, "artificial intelligence", "=ai"},
    {EN, "per cent", "=pct"}, {EN, "gov t", "government"}, {EN, "govt s", "government s"},
    {EN, "int l", "international"}, {EN, "nat l", "national"}, {EN, "w o", "without"},
    {EN, "b c", "because"},
    {FR, "etats unis", "=us"}, {FR, "nations unies", "=un"}, {FR, "union europeenne", "=eu"},
    {FR, "premier ministre", "=pm"}, {FR, "premiere ministre", "=pm"},
    {FR, "gendarmerie royale du canada", "=rcmp"}, {FR, "pour cent", "=pct"},
    {FR, "republique populaire de chine", "=prc"}, {FR, "hong kong", "=hk"},
    {FR, "organisation mondiale de la sante", "=who"},
    {FR, "ministere des affaires etrangeres", "=mfa"},
};

#define MAX_PHRASE_WORDS 6

/* Function words for telling languages apart (1 English, 2 French, 3 other Latin-script). */
static const char *const fw_en[] = {"the", "of", "and", "to", "in", "is", "that", "for", "on",
                                    "with", "as", "was", "are", "be", "this", "by", "not", "it",
                                    "have", "has", "will", "we", "its", "from", "at", "an",
                                    "they", "their", "should", "which", "our", "been", "would"};
static const char *const fw_fr[] = {"le", "la", "les", "des", "du", "et", "est", "que", "qui",
                                    "pour", "dans", "pas", "une", "sur", "au", "aux", "ce",
                                    "cette", "nous", "il", "ne", "sont", "ont", "par", "avec",
                                    "leur", "l", "d", "qu", "selon", "ses", "son", "entre"};
static const char *const fw_other[] = {"el", "los", "las", "y", "del", "por", "con", "para",
                                       "um", "uma", "os", "nao", "der", "die", "das", "und", "ist",
                                       "nicht", "den", "het", "een", "van", "della", "che", "di",
                                       "una", "por", "sono", "zu", "mit", "ein", "eine"};

/* ---- the hash table ------------------------------------------------------------------------ */

#define TAB_CAP 1024 /* power of two, over twice the rows and function words */
_Static_assert(sizeof rows / sizeof rows[0] + 100 <= TAB_CAP / 2, "abbreviation table too small");

/* Everything the tables know of one word. */
typedef struct ch_abbr_word {
    const ch_abbr *en, *fr;   /* NULL when the word has no entry in that language */
    int fw;                   /* function word class, 0 none */
} ch_abbr_word;

typedef struct slot {
    uint64_t key;  /* ch_tok_hash of the word; 0 empty */
    ch_abbr e[2];  /* English, French: kind 0 = no entry */
    ch_abbr_word w;
} slot;

static slot tab[TAB_CAP];
static uint64_t ph_hash[sizeof phrases / sizeof phrases[0]][MAX_PHRASE_WORDS];
static uint8_t ph_len[sizeof phrases / sizeof phrases[0]];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static slot *slot_for(uint64_t h, bool add)
{
    uint64_t key = h ? h : 1;
    for (size_t j = (size_t)(key & (TAB_CAP - 1));; j = (j + 1) & (TAB_CAP - 1)) {
        if (tab[j].key == key)
            return &tab[j];
        if (!tab[j].key) {
            if (!add)
                return NULL;
            tab[j].key = key;
            return &tab[j];
        }
    }
}

static void add_fw(const char *const *list, size_t n, int cls)
{
    for (size_t i = 0; i < n; i++)
        slot_for(ch_tok_hash(list[i], strlen(list[i])), true)->w.fw = cls;
}

static void build(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        ch_abbr *e = &slot_for(ch_tok_hash(r->w, strlen(r->w)), true)->e[r->lang == FR];
        e->kind |= r->kind;
        if (r->kind & (CH_AB_WORD | CH_AB_ACRONYM))
            e->canon = r->canon;
        if (r->kind & CH_AB_ACRONYM)
            e->caps = r->caps;
        if (r->kind & CH_AB_NUMBER) {
            e->num_kind = r->num_kind;
            e->value = r->value;
        }
    }
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        const char *p = phrases[i].words;
        size_t n = 0;
        while (*p && n < MAX_PHRASE_WORDS) {
            const char *e = strchr(p, ' ');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            ph_hash[i][n++] = ch_tok_hash(p, l);
            p += l + (e != NULL);
        }
        ph_len[i] = (uint8_t)n;
        slot_for(ph_hash[i][0], true)->e[phrases[i].lang == FR].kind |= CH_AB_PHRASE;
    }
    add_fw(fw_en, sizeof fw_en / sizeof *fw_en, 1);
    add_fw(fw_fr, sizeof fw_fr / sizeof *fw_fr, 2);
    add_fw(fw_other, sizeof fw_other / sizeof *fw_other, 3);
    for (size_t j = 0; j < TAB_CAP; j++) {
        tab[j].w.en = tab[j].e[0].kind ? &tab[j].e[0] : NULL;
        tab[j].w.fr = tab[j].e[1].kind ? &tab[j].e[1] : NULL;
    }
}

/* The word whose ch_tok_hash is h, NULL when no table has it (most words: one probe). */
static const ch_abbr_word *abbr_lookup(uint64_t h)
{
    pthread_once(&once, build);
    const slot *s = slot_for(h, false);
    return s ? &s->w : NULL;
}

const ch_abbr *ch_abbr_get(ch_lang lang, uint64_t h)
{
    const ch_abbr_word *w = abbr_lookup(h);
    return !w ? NULL : lang == CH_LANG_EN ? w->en : lang == CH_LANG_FR ? w->fr : NULL;
}

size_t ch_abbr_phrase(ch_lang lang, const uint64_t *hashes, size_t avail, const char **canon)
{
    pthread_once(&once, build);
    size_t best = 0;
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        if (phrases[i].lang != lang || ph_len[i] > avail || ph_len[i] <= best ||
            ph_hash[i][0] != hashes[0])
            continue;
        size_t k = 1;
        while (k < ph_len[i] && ph_hash[i][k] == hashes[k])
            k++;
        if (k == ph_len[i]) {
            best = k;
            *canon = phrases[i].canon;
        }
    }
    return best;
}

int ch_abbr_function_word(uint64_t h)
{
    const ch_abbr_word *w = abbr_lookup(h);
    return w ? w->fw : 0;
}
