/* rewrite.c — a paraphrase test set for the parroting matcher (--rewrites N): light rewrites of
 * official statements as people really make them, and hard negatives that must not match.
 *
 * Real paraphrase corpora judged by people are not ours to ship, so this models how people
 * lightly rewrite an official line before posting it (the kinds are those that the team saw
 * missed on real human-judged pairs):
 *   hashtag           a name, place or key phrase becomes a hashtag ("#Premier" for "the
 *                     Premier", "#HongKong", "#ForeignInterference", sometimes lower case);
 *   abbreviation      abbreviations and acronyms, both ways ("U.S." / "US" / "United States",
 *                     "intelligence" / "intel", "government" / "govt", "MPs", "Feb.", "&");
 *   numbers           numbers as digits or words, thousands and scales written otherwise
 *                     ("1.7 million" / "1,700,000" / "1.7M", "12,000" / "12k", "three" / "3",
 *                     "per cent" / "%");
 *   source_added      a source appended or prepended (", according to @pollster", "via @x",
 *                     "RT @x:", ", the embassy said", "(Reuters)");
 *   inflection        words in another tense, number or derivation ("warned" / "warns",
 *                     "accusations" / "accused", "interfered" / "interfering");
 *   synonym           words or phrases replaced by synonyms ("claims" / "allegations");
 *   clause_swap       the clauses of a sentence swapped ("X said Y" / "Y, X said");
 *   headline          written as a headline: articles, auxiliaries and "that" dropped, the
 *                     final full stop too ("The RCMP is investigating reports" / "RCMP
 *                     investigating reports");
 *   sentence_added    an own short sentence added before or after the copied sentence;
 *   sentence_dropped  three consecutive sentences with the middle one left out;
 *   mixed             two to four of the kinds above on one text, as real rewrites stack them;
 *   quote_refute      a journalist quoting a sentence verbatim in quotation marks to refute it.
 *                     The quotation is the statement's text, so it counts as a match (the
 *                     matcher finds text; whether a quote endorses it is for the coordination
 *                     stage), see docs/parroting.md.
 * Hard negatives (no statement may match):
 *   other_claim       a sentence of the statements' own idiom (the statement pools, with their
 *                     stock phrases and named entities) that shares no run of five words with
 *                     any indexed statement: another claim said the same way; with 0-2 of the
 *                     rewrite kinds applied so that it looks like the positives;
 *   same_entities     news and comment with the statements' named entities (Canada, China, the
 *                     Premier, the RCMP, U.S. intelligence, ...) and numbers, but another claim;
 *   refutation        a journalist restating the line in own words, with at most a three-word
 *                     quotation, and rebutting it;
 *   stock_phrases     posts stringing together the stock phrases every statement shares
 *                     ("internal affairs", "Cold War mentality", "stop smearing");
 *   organic_topic     ordinary posts on the same debate (the organic grammar of gram_en.c);
 *   slot_swap         a statement template with other slot values: shares a run of five words
 *                     with an indexed sentence but says something else (another place, another
 *                     date). Reported apart: it is not a clear non-paraphrase, and a text
 *                     matcher cannot tell it from a copy.
 *
 * Sources are the English statements of the scenario plus extra statements written here (a
 * provincial premier, U.S. intelligence, a pollster, the RCMP, defence, finance, elections,
 * and French ones from Quebec and Ottawa), which carry the acronyms, numbers and titles that
 * the scenario's statements lack. The extra statements come in two halves that share no
 * template: A for tuning, B held out (--rewrite-pool). Every random choice comes from streams
 * of their own, so the rest of the output does not change with --rewrites.
 *
 * Output: rewrites.jsonl, one line per item
 *   {"id","label":"paraphrase"|"negative","kind","ops":[...],"statement_id"|null,"lang","text"}
 * and rewrite_statements.jsonl (the extra statements, in statements.jsonl format). A matcher is
 * measured with both statement files indexed. All text here is written for chorus-synth. */
#include "synth.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdarg.h>
#include <strings.h>

#define RW_MAX 1024   /* bytes of one rewritten text */
#define SRC_MAX 128   /* source statements */
#define SENT_MAX 96   /* sentences per source */

enum {
    RW_HASHTAG, RW_ABBREV, RW_NUMBERS, RW_SOURCE, RW_INFLECT, RW_SYNONYM, RW_CLAUSE,
    RW_HEADLINE, RW_SENT_ADDED, RW_SENT_DROPPED, RW_MIXED, RW_QUOTE_REFUTE, RW_NPOS,
    NG_OTHER = RW_NPOS, NG_ENTITIES, NG_REFUTATION, NG_STOCK, NG_ORGANIC, NG_SLOT_SWAP, RW_NKIND
};
static const char *const rw_name[RW_NKIND] = {
    "hashtag", "abbreviation", "numbers", "source_added", "inflection", "synonym",
    "clause_swap", "headline", "sentence_added", "sentence_dropped", "mixed", "quote_refute",
    "other_claim", "same_entities", "refutation", "stock_phrases", "organic_topic", "slot_swap"};

/* ---- extra statements ------------------------------------------------------------------ */

/* A statement of the extra pool: sentences with inline choices {a|b|c}, made once per seed. */
typedef struct {
    char half;              /* 'A' tuning, 'B' held out */
    int lang;
    const char *source;
    const char *sent[6];
} Extra;

static const Extra extras[] = {
    /* ---- half A ---- */
    {'A', LANG_EN, "office of the Premier",
     {"The Premier announced today that the province will invest {$2.4 billion|$1.8 billion|$3.1 billion} over {three|four|five} years to build {12|nine|15} new hospitals.",
      "The Premier said the plan would create more than {12,000|15,000|20,000} jobs across the province.",
      "Unemployment in the province fell to {5.2|4.8|5.6} per cent in {February|March|January}, the lowest rate in two decades.",
      "The Premier warned that federal health transfers still cover only {22|24} per cent of the province's health care costs.",
      "The government will table legislation next week to cut wait times for surgeries by half."}},
    {'A', LANG_EN, "ministry spokesperson",
     {"The so-called U.S. intelligence assessment on the origins of the virus is a political farce.",
      "The United States has a long record of using its intelligence agencies to fabricate evidence against other countries.",
      "We urge the U.S. side to stop politicizing the issue and return to scientific cooperation.",
      "More than {70|80} countries have expressed their opposition to politicizing the search for the origins of the virus."}},
    {'A', LANG_EN, "polling firm",
     {"A new poll finds that {62|58|64} per cent of Canadians support a public inquiry into foreign interference.",
      "Support for the governing party has dropped {six|seven|eight} points since January.",
      "Only {one in four|one in three} respondents said they trust the federal government to protect the integrity of elections.",
      "The online survey of {1,500|2,000} adults was conducted between {March 3 and March 6|March 10 and March 13}."}},
    {'A', LANG_EN, "Royal Canadian Mounted Police",
     {"The RCMP is investigating reports of criminal activity linked to so-called police stations in the Greater Toronto Area.",
      "Anyone who has been threatened or intimidated by a foreign state should contact their local police.",
      "The RCMP has disrupted the activities of these stations and will continue to protect members of diaspora communities."}},
    {'A', LANG_EN, "Global Affairs Canada",
     {"Canada will not tolerate any form of foreign interference in our internal affairs.",
      "The Minister of Foreign Affairs summoned the Chinese ambassador to convey Canada's deep concern.",
      "Diplomats who engage in such behaviour will be sent home.",
      "The Prime Minister has asked the national security adviser to brief all party leaders."}},
    {'A', LANG_EN, "Ministry of Health",
     {"The Ministry of Health reported {1,245|987|1,530} new cases this week, down {12|15|9} per cent from the week before.",
      "Hospital admissions have fallen for the {third|fourth} week in a row.",
      "The government is urging everyone over the age of {65|60} to get an updated vaccine dose."}},
    {'A', LANG_FR, "gouvernement du Québec",
     {"Le gouvernement du Québec annonce un investissement de {1,2 milliard|900 millions} de dollars pour construire {trois|quatre|cinq} nouvelles écoles secondaires.",
      "Le premier ministre a dénoncé toute forme d'ingérence étrangère dans les élections.",
      "Selon le ministère, le taux de chômage a baissé à {4,5|4,8} pour cent en février.",
      "Le gouvernement demande au gouvernement fédéral d'augmenter les transferts en santé."}},
    {'A', LANG_FR, "consulat général",
     {"Le consulat rejette fermement les accusations sans fondement publiées par certains médias.",
      "Les diplomates chinois respectent strictement le droit international et les lois du Canada.",
      "Nous exhortons les responsables canadiens à cesser de politiser les échanges normaux entre nos deux pays."}},
    /* ---- half B ---- */
    {'B', LANG_EN, "Department of National Defence",
     {"The Department of National Defence confirmed that {two|three} Canadian warships sailed through the Taiwan Strait on {Tuesday|Wednesday|Sunday}.",
      "The transit was conducted in accordance with international law and was routine.",
      "Canadian forces will continue to operate in the Indo-Pacific region alongside our allies.",
      "A Chinese fighter jet came within {30|50} metres of a Canadian patrol aircraft, the department said."}},
    {'B', LANG_EN, "U.S. Department of State",
     {"The United States strongly condemns the arbitrary detention of {two|three} Canadian citizens.",
      "U.S. officials said the new sanctions would target {14|17|22} senior officials responsible for the crackdown in Hong Kong.",
      "We stand with our Canadian partners and call for the immediate release of those detained.",
      "The Secretary of State raised the issue directly with his counterpart on {Friday|Monday}."}},
    {'B', LANG_EN, "Department of Finance",
     {"The federal government will spend {$4.5 billion|$3.2 billion|$6 billion} over {five|six|seven} years on affordable housing, the finance minister announced.",
      "Inflation slowed to {3.1|2.9|3.4} per cent in {April|May}, down from a peak of 8.1 per cent last summer.",
      "The budget projects a deficit of {$40 billion|$43 billion} this fiscal year.",
      "The minister said the government would not raise income taxes on the middle class."}},
    {'B', LANG_EN, "Elections Canada",
     {"Elections Canada found no evidence that foreign interference changed the outcome of the {2019|2021} election.",
      "The Commissioner of Canada Elections received {158|172} complaints related to foreign interference during the campaign.",
      "Voters can be confident that the results reflect the will of Canadians."}},
    {'B', LANG_EN, "embassy",
     {"The Embassy categorically rejects the unfounded accusations made by the Canadian government.",
      "Canadian officials have once again failed to provide any evidence to support their claims.",
      "Such hostile statements only damage what remains of bilateral relations."}},
    {'B', LANG_EN, "Ministry of Health of British Columbia",
     {"British Columbia will hire {1,200|900} new family doctors over the next {two|three} years, the health minister announced.",
      "About {one million|900,000} people in the province do not have a family doctor.",
      "The new payment model will take effect on {February 1|March 1}."}},
    {'B', LANG_FR, "Affaires mondiales Canada",
     {"Le ministre des Affaires étrangères a convoqué l'ambassadeur de Chine à Ottawa.",
      "Le gouvernement fédéral consacrera {2,5 milliards|3 milliards} de dollars à la sécurité nationale au cours des {cinq|six} prochaines années.",
      "Le Canada ne tolérera aucune ingérence étrangère dans ses affaires internes.",
      "Les députés ont adopté la motion à l'unanimité mercredi."}},
    {'B', LANG_FR, "Ville de Montréal",
     {"La mairesse de Montréal a annoncé la création de {2 000|1 500} nouveaux logements abordables.",
      "Selon la Ville, près de {40|35} pour cent des locataires consacrent plus du tiers de leur revenu au loyer.",
      "Les travaux commenceront au printemps et dureront environ {deux|trois} ans."}},
};
#define N_EXTRA ((int)(sizeof extras / sizeof extras[0]))

/* A source statement: the scenario's or an extra one, as sentences. */
typedef struct {
    const char *id;
    int lang;
    int n;
    char *sent[SENT_MAX];
    uint8_t par[SENT_MAX];
} Src;

static Src src[SRC_MAX];
static int n_src;

static int split_words(const char *b, size_t *ws, size_t *we, int max);

/* ---- string helpers on a bounded buffer ------------------------------------------------ */

static void rw_replace(char *b, size_t at, size_t n, const char *with)
{
    size_t len = strlen(b), wl = strlen(with);
    if (len - n + wl >= RW_MAX)
        return;
    memmove(b + at + wl, b + at + n, len - at - n + 1);
    memcpy(b + at, with, wl);
}

/* printf into a text buffer of RW_MAX bytes; a longer result is cut (texts are far shorter). */
static void setf(char *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, RW_MAX, fmt, ap);
    va_end(ap);
}

/* Alternative k of "a|b|c" (uniform) into out. */
static void pick_alt(Rng *r, const char *alts, char *out, size_t cap)
{
    int n = 1;
    for (const char *p = alts; *p; p++)
        n += *p == '|';
    int k = (int)rng_below(r, (uint32_t)n);
    const char *p = alts;
    while (k-- > 0)
        p = strchr(p, '|') + 1;
    const char *e = strchr(p, '|');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l >= cap)
        l = cap - 1;
    memcpy(out, p, l);
    out[l] = 0;
}

/* A template with inline choices {a|b} expanded. */
static void expand_choices(Rng *r, const char *t, char *out, size_t cap)
{
    size_t o = 0;
    while (*t && o + 1 < cap) {
        if (*t == '{') {
            const char *e = strchr(t, '}');
            if (!e)
                break;
            char alts[256], pick[256];
            size_t l = (size_t)(e - t - 1) < sizeof alts - 1 ? (size_t)(e - t - 1) : sizeof alts - 1;
            memcpy(alts, t + 1, l);
            alts[l] = 0;
            pick_alt(r, alts, pick, sizeof pick);
            for (const char *p = pick; *p && o + 1 < cap; p++)
                out[o++] = *p;
            t = e + 1;
        } else {
            out[o++] = *t++;
        }
    }
    out[o] = 0;
}

static bool is_word_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* First occurrence of phrase in b at word boundaries from byte `from`; case-insensitive
 * unless the phrase starts with a capital. SIZE_MAX when absent. */
static size_t find_phrase(const char *b, const char *phrase, size_t from)
{
    size_t pl = strlen(phrase), bl = strlen(b);
    bool exact = isupper((unsigned char)phrase[0]);
    for (size_t i = from; i + pl <= bl; i++) {
        bool eq = exact ? memcmp(b + i, phrase, pl) == 0 : strncasecmp(b + i, phrase, pl) == 0;
        if (!eq)
            continue;
        bool wl = !is_word_byte((unsigned char)phrase[0]) || i == 0 ||
                  !is_word_byte((unsigned char)b[i - 1]);
        bool wr = !is_word_byte((unsigned char)phrase[pl - 1]) || i + pl == bl ||
                  !is_word_byte((unsigned char)b[i + pl]);
        if (wl && wr)
            return i;
    }
    return SIZE_MAX;
}

/* An entry of a replacement table: a phrase and its alternatives "a|b|c". */
typedef struct {
    const char *from, *to;
} Sub;

/* Applies up to `want` entries of the table (in random order) once each; keeps a capital at
 * the start of the replaced text. Returns how many were applied. */
static int apply_table(Rng *r, char *b, const Sub *t, int n, int want)
{
    uint32_t order[256];
    int m = n < 256 ? n : 256;
    for (int i = 0; i < m; i++)
        order[i] = (uint32_t)i;
    rng_shuffle(r, order, (uint32_t)m);
    int done = 0;
    for (int k = 0; k < m && done < want; k++) {
        const Sub *s = &t[order[k]];
        size_t at = find_phrase(b, s->from, 0);
        if (at == SIZE_MAX)
            continue;
        char alt[128];
        pick_alt(r, s->to, alt, sizeof alt);
        if (isupper((unsigned char)b[at]) && islower((unsigned char)alt[0]))
            alt[0] = (char)toupper((unsigned char)alt[0]);
        rw_replace(b, at, strlen(s->from), alt);
        done++;
    }
    return done;
}

static void lower_first(char *b)
{
    /* not for names and acronyms: "Canada", "RCMP", "The" -> "the" only */
    if (isupper((unsigned char)b[0]) && islower((unsigned char)b[1])) {
        static const char *const keep[] = {"Canada", "China", "Chinese", "Canadian", "Elections",
                                           "Le Canada", "British", "Hospital", "Inflation",
                                           "Unemployment", "Support", "Voters", "Diplomats",
                                           "Anyone", "Hong", "Taiwan", "Xinjiang", "Tibet"};
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
            if (!strncmp(b, keep[i], strlen(keep[i])))
                return;
        b[0] = (char)tolower((unsigned char)b[0]);
    }
}

static void upper_first(char *b)
{
    if (islower((unsigned char)b[0]))
        b[0] = (char)toupper((unsigned char)b[0]);
}

/* Drops a final full stop (and spaces). */
static void chop_stop(char *b)
{
    size_t l = strlen(b);
    while (l && (b[l - 1] == '.' || b[l - 1] == ' '))
        b[--l] = 0;
}

/* ---- hashtag ------------------------------------------------------------------------------ */

static const Sub tags_en[] = {
    {"Hong Kong", "#HongKong|#hongkong"},
    {"the Premier", "#Premier|the #Premier"},
    {"The Premier", "#Premier"},
    {"Cold War", "#ColdWar|#coldwar"},
    {"foreign interference", "#ForeignInterference|#foreigninterference"},
    {"human rights", "#HumanRights|#humanrights"},
    {"Chinese Canadians", "#ChineseCanadians"},
    {"Chinese diplomats", "#Chinese diplomats|#ChineseDiplomats"},
    {"Taiwan Strait", "#TaiwanStrait"},
    {"Elections Canada", "#ElectionsCanada"},
    {"national security", "#NationalSecurity|#nationalsecurity"},
    {"affordable housing", "#AffordableHousing|#housing"},
    {"the Prime Minister", "#PM|the #PM|#PrimeMinister"},
    {"mutual respect", "#MutualRespect"},
    {"family doctors", "#FamilyDoctors"},
    {"the United States", "the #US|#USA"},
    {"the Canadian side", "#Canada"},
    {"British Columbia", "#BritishColumbia|#BC"},
    {"Indo-Pacific", "#IndoPacific"},
    {"police stations", "#PoliceStations"},
    {"Greater Toronto Area", "#GTA"},
    {"public inquiry", "#PublicInquiry|#inquiry"},
    {"Xinjiang", "#Xinjiang"},
    {"Tibet", "#Tibet"},
    {"Taiwan", "#Taiwan"},
    {"Canada", "#Canada|#canada"},
    {"China", "#China|#china"},
    {"Toronto", "#Toronto"},
    {"Vancouver", "#Vancouver"},
    {"Ottawa", "#Ottawa"},
    {"Parliament", "#Parliament"},
    {"RCMP", "#RCMP"},
    {"Canadians", "#Canadians"},
    {"inflation", "#inflation"},
    {"unemployment", "#unemployment"},
    {"election", "#election"},
    {"elections", "#elections"},
    {"sanctions", "#sanctions"},
    {"vaccine", "#vaccine"},
    {"hospitals", "#hospitals"},
};
static const Sub tags_fr[] = {
    {"Québec", "#Québec|#Quebec|#QC"},
    {"Montréal", "#Montréal|#Montreal|#mtl"},
    {"Ottawa", "#Ottawa"},
    {"Canada", "#Canada"},
    {"ingérence étrangère", "#IngérenceÉtrangère|#ingérence étrangère"},
    {"logements abordables", "#LogementsAbordables|#logement"},
    {"premier ministre", "#PremierMinistre|#premier ministre"},
    {"sécurité nationale", "#SécuritéNationale"},
    {"chômage", "#chômage"},
    {"écoles", "#écoles"},
    {"santé", "#santé"},
};

static int op_hashtag(Rng *r, char *b, int lang)
{
    int want = 1 + (int)rng_below(r, 2);
    return lang == LANG_FR ? apply_table(r, b, tags_fr, (int)(sizeof tags_fr / sizeof *tags_fr), want)
                           : apply_table(r, b, tags_en, (int)(sizeof tags_en / sizeof *tags_en), want);
}

/* ---- abbreviation ------------------------------------------------------------------------- */

static const Sub abbr_en[] = {
    {"the United States", "the U.S.|the US|the USA"},
    {"The United States", "The U.S.|The US|The USA"},
    {"U.S.", "US|United States"},
    {"intelligence", "intel"},
    {"government", "govt|gov't|gov"},
    {"Government", "Govt|Gov't"},
    {"Canadian", "Cdn"},
    {"international", "int'l|intl"},
    {"members of Parliament", "MPs"},
    {"member of Parliament", "MP"},
    {"Prime Minister", "PM"},
    {"RCMP", "Royal Canadian Mounted Police|Mounties"},
    {"Department of National Defence", "DND|National Defence"},
    {"Minister of Foreign Affairs", "Foreign Minister|foreign minister"},
    {"Ministry of Health", "Health Ministry|MoH"},
    {"Secretary of State", "Secretary|SecState"},
    {"national security adviser", "NSA|natsec adviser"},
    {"Greater Toronto Area", "GTA"},
    {"British Columbia", "B.C.|BC"},
    {"department", "dept"},
    {"and", "&"},
    {"with", "w/"},
    {"without", "w/o"},
    {"because", "b/c"},
    {"people", "ppl"},
    {"about", "abt"},
    {"years", "yrs"},
    {"information", "info"},
    {"Chinese Communist Party", "CCP"},
    {"People's Republic of China", "PRC"},
    {"January", "Jan.|Jan"},
    {"February", "Feb.|Feb"},
    {"March", "Mar.|Mar"},
    {"April", "Apr.|Apr"},
    {"August", "Aug.|Aug"},
    {"September", "Sept.|Sep"},
    {"October", "Oct.|Oct"},
    {"November", "Nov.|Nov"},
    {"December", "Dec.|Dec"},
    {"Tuesday", "Tues.|Tue"},
    {"Wednesday", "Wed."},
    {"Friday", "Fri."},
    {"Monday", "Mon."},
    {"Sunday", "Sun."},
    {"Canadian dollars", "CAD"},
    {"versus", "vs"},
    {"approximately", "approx."},
    {"diplomats", "dips"},
};
static const Sub abbr_fr[] = {
    {"gouvernement", "gouv.|gvt"},
    {"Gouvernement", "Gouv."},
    {"premier ministre", "PM|premier min."},
    {"ministre", "min."},
    {"Québec", "QC|Qc"},
    {"environ", "env."},
    {"Affaires étrangères", "AE"},
    {"Le ministre des Affaires étrangères", "Le ministre des AE|La ministre des AE"},
    {"et", "&"},
    {"avec", "av."},
    {"février", "févr.|fév."},
    {"mercredi", "mer."},
    {"ans", "an"},
};

static int op_abbrev(Rng *r, char *b, int lang)
{
    int want = 1 + (int)rng_below(r, 3);
    return lang == LANG_FR ? apply_table(r, b, abbr_fr, (int)(sizeof abbr_fr / sizeof *abbr_fr), want)
                           : apply_table(r, b, abbr_en, (int)(sizeof abbr_en / sizeof *abbr_en), want);
}

/* ---- numbers ------------------------------------------------------------------------------ */

static const char *const words_en[] = {"zero", "one", "two", "three", "four", "five", "six",
                                        "seven", "eight", "nine", "ten", "eleven", "twelve",
                                        "thirteen", "fourteen", "fifteen", "sixteen",
                                        "seventeen", "eighteen", "nineteen", "twenty"};
static const char *const words_fr[] = {"zéro", "un", "deux", "trois", "quatre", "cinq", "six",
                                        "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
                                        "quatorze", "quinze", "seize"};

typedef struct {
    size_t at, n;
    char with[64];
} Edit;

static bool month_before(const char *b, size_t at)
{
    static const char *const mon[] = {"January", "February", "March", "April", "May", "June",
                                      "July", "August", "September", "October", "November",
                                      "December", "Jan.", "Feb.", "Mar."};
    for (size_t k = 0; k < sizeof mon / sizeof mon[0]; k++) {
        size_t l = strlen(mon[k]);
        if (at >= l + 1 && !strncmp(b + at - l - 1, mon[k], l) && b[at - 1] == ' ')
            return true;
    }
    return false;
}

/* Candidate rewrites of the numbers in b (English conventions; French: decimal comma and
 * "pour cent"). */
static int number_edits(Rng *r, const char *b, int lang, Edit *ed, int max)
{
    int ne = 0;
    size_t bl = strlen(b);
    for (size_t i = 0; i < bl && ne < max; i++) {
        if (!isdigit((unsigned char)b[i]) || (i > 0 && (isalnum((unsigned char)b[i - 1]) ||
                                                        b[i - 1] == '.' || b[i - 1] == ',')))
            continue;
        size_t s = i > 0 && b[i - 1] == '$' ? i - 1 : i;
        size_t e = i;
        char digits[32];
        size_t nd = 0;
        int groups = 0, decimals = -1;
        bool grouped_space = false;
        while (e < bl && nd < sizeof digits - 1) {
            if (isdigit((unsigned char)b[e])) {
                digits[nd++] = b[e++];
                if (decimals >= 0)
                    decimals++;
                continue;
            }
            char sep = b[e];
            bool thou = lang == LANG_FR ? sep == ' ' : sep == ',';
            bool dec = lang == LANG_FR ? sep == ',' : sep == '.';
            if (thou && e + 3 < bl + 1 && isdigit((unsigned char)b[e + 1]) &&
                isdigit((unsigned char)b[e + 2]) && isdigit((unsigned char)b[e + 3]) &&
                (e + 4 >= bl || !isdigit((unsigned char)b[e + 4])) && decimals < 0) {
                groups++;
                grouped_space = sep == ' ';
                e++;
                continue;
            }
            if (dec && decimals < 0 && e + 1 < bl && isdigit((unsigned char)b[e + 1])) {
                digits[nd++] = '.';
                decimals = 0;
                e++;
                continue;
            }
            break;
        }
        digits[nd] = 0;
        double v = atof(digits);
        const char *rest = b + e;
        const char *dollar = s < i ? "$" : "";
        /* the number as written, without grouping */
        char plain[40];
        snprintf(plain, sizeof plain, "%s", digits);
        if (lang == LANG_FR)
            for (char *p = plain; *p; p++)
                if (*p == '.')
                    *p = ',';
        Edit *x = &ed[ne];
        x->at = s;
        if (lang == LANG_EN && (!strncmp(rest, " per cent", 9) || !strncmp(rest, " percent", 8))) {
            bool per = rest[4] == ' ';
            x->n = e + (per ? 9 : 8) - s;
            const char *alt[3] = {"%", "pc", per ? " percent" : " per cent"};
            snprintf(x->with, sizeof x->with, "%s%s", plain, alt[rng_below(r, 3)]);
            ne++;
        } else if (lang == LANG_FR && !strncmp(rest, " pour cent", 10)) {
            x->n = e + 10 - s;
            snprintf(x->with, sizeof x->with, "%s%s", plain, rng_chance(r, 0.5) ? " %" : "%");
            ne++;
        } else if (lang == LANG_EN && (!strncmp(rest, " million", 8) || !strncmp(rest, " billion", 8))) {
            bool bil = rest[1] == 'b';
            x->n = e + 8 - s;
            double full = v * (bil ? 1e9 : 1e6);
            int k = (int)rng_below(r, 3);
            if (k == 0 && full < 1e13) {
                /* written out with thousands separators */
                char raw[32], out[48];
                snprintf(raw, sizeof raw, "%.0f", full);
                size_t rl = strlen(raw), o = 0;
                for (size_t j = 0; j < rl; j++) {
                    if (j > 0 && (rl - j) % 3 == 0)
                        out[o++] = ',';
                    out[o++] = raw[j];
                }
                out[o] = 0;
                snprintf(x->with, sizeof x->with, "%s%s", dollar, out);
            } else {
                const char *suf = bil ? (k == 1 ? "B" : "bn") : (k == 1 ? "M" : "m");
                snprintf(x->with, sizeof x->with, "%s%s%s", dollar, plain, suf);
            }
            ne++;
        } else if (lang == LANG_EN && groups == 1 && decimals < 0 && !strncmp(rest, " ", 1) &&
                   strncmp(rest, " million", 8) && strncmp(rest, " billion", 8)) {
            /* 12,000 -> 12000 | 12k | 12 thousand; 1,245 -> 1245 */
            x->n = e - s;
            long iv = (long)v;
            if (iv % 1000 == 0) {
                int k = (int)rng_below(r, 4);
                if (k == 0)
                    snprintf(x->with, sizeof x->with, "%s%ld", dollar, iv);
                else if (k == 1)
                    snprintf(x->with, sizeof x->with, "%s%ldk", dollar, iv / 1000);
                else if (k == 2)
                    snprintf(x->with, sizeof x->with, "%s%ldK", dollar, iv / 1000);
                else
                    snprintf(x->with, sizeof x->with, "%s%ld thousand", dollar, iv / 1000);
            } else {
                snprintf(x->with, sizeof x->with, "%s%ld", dollar, iv);
            }
            ne++;
        } else if (lang == LANG_FR && groups == 1 && grouped_space) {
            x->n = e - s;
            long iv = (long)v;
            if (iv % 1000 == 0 && rng_chance(r, 0.5))
                snprintf(x->with, sizeof x->with, "%ld k", iv / 1000);
            else
                snprintf(x->with, sizeof x->with, "%ld", iv);
            ne++;
        } else if (groups == 0 && decimals < 0 && v >= 1 && v <= 20 && s == i &&
                   !month_before(b, s) && strncmp(rest, " per cent", 9) &&
                   strncmp(rest, " pour cent", 10) && strncmp(rest, " metres", 7)) {
            x->n = e - s;
            int iv = (int)v;
            if (lang == LANG_FR) {
                if (iv > 16)
                    continue;
                snprintf(x->with, sizeof x->with, "%s", words_fr[iv]);
            } else {
                snprintf(x->with, sizeof x->with, "%s", words_en[iv]);
            }
            ne++;
        }
        i = e;
    }
    /* number words to digits */
    const char *const *w = lang == LANG_FR ? words_fr : words_en;
    int nw = lang == LANG_FR ? 17 : 21;
    for (int k = 2; k < nw && ne < max; k++) {
        size_t at = find_phrase(b, w[k], 0);
        if (at == SIZE_MAX)
            continue;
        ed[ne].at = at;
        ed[ne].n = strlen(w[k]);
        snprintf(ed[ne].with, sizeof ed[ne].with, "%d", k);
        ne++;
    }
    if (lang == LANG_EN && ne < max) {
        static const Sub phr[] = {{"a thousand", "1,000|1000"}, {"one in four", "1 in 4"},
                                  {"one in three", "1 in 3"}, {"one million", "1 million|1M"},
                                  {"two decades", "20 years"}, {"half a century", "50 years"},
                                  {"a dozen", "12"}};
        for (size_t k = 0; k < sizeof phr / sizeof phr[0] && ne < max; k++) {
            size_t at = find_phrase(b, phr[k].from, 0);
            if (at == SIZE_MAX)
                continue;
            ed[ne].at = at;
            ed[ne].n = strlen(phr[k].from);
            pick_alt(r, phr[k].to, ed[ne].with, sizeof ed[ne].with);
            ne++;
        }
    }
    return ne;
}

static int cmp_edit_desc(const void *a, const void *b)
{
    const Edit *x = a, *y = b;
    return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

static int op_numbers(Rng *r, char *b, int lang)
{
    Edit ed[16];
    int ne = number_edits(r, b, lang, ed, 16);
    if (ne == 0)
        return 0;
    /* one or two of them, applied from the right so that offsets stay valid; no overlaps */
    uint32_t order[16];
    for (int i = 0; i < ne; i++)
        order[i] = (uint32_t)i;
    rng_shuffle(r, order, (uint32_t)ne);
    int want = 1 + (int)rng_below(r, 2);
    Edit pick[2];
    int np = 0;
    for (int k = 0; k < ne && np < want; k++) {
        const Edit *x = &ed[order[k]];
        bool clash = false;
        for (int j = 0; j < np; j++)
            if (x->at < pick[j].at + pick[j].n && pick[j].at < x->at + x->n)
                clash = true;
        if (!clash)
            pick[np++] = *x;
    }
    qsort(pick, (size_t)np, sizeof *pick, cmp_edit_desc);
    for (int k = 0; k < np; k++)
        rw_replace(b, pick[k].at, pick[k].n, pick[k].with);
    return np;
}

/* ---- source added ------------------------------------------------------------------------- */

static const char *const handles[] = {
    "ChinaEmbOttawa", "ChineseEmbinCA", "AbacusData", "LegerMarketing", "IpsosCanada",
    "CBCNews", "globalnews", "CTVNews", "PremierOffice", "RCMPgrcpolice", "ElectionsCan_E",
    "CanadaFP", "usembassyottawa", "StateDept", "nationalpost", "Radio_Canada", "MFA_China",
    "SpokespersonCHN", "cpc_hq", "HealthMinistry", "NDPress", "capitalviews", "pollwatch_ca",
    "Nanos_Research", "CanadianPress"};
static const char *const outlets[] = {"Reuters", "CP", "AFP", "the embassy", "the ministry",
                                      "officials", "the Premier's office", "a spokesperson",
                                      "Global News", "CBC"};

static int op_source(Rng *r, char *b, int lang)
{
    char h[40], t[RW_MAX];
    snprintf(h, sizeof h, "@%s", handles[rng_below(r, (uint32_t)(sizeof handles / sizeof *handles))]);
    const char *o = outlets[rng_below(r, (uint32_t)(sizeof outlets / sizeof *outlets))];
    int k = (int)rng_below(r, lang == LANG_FR ? 6 : 14);
    snprintf(t, sizeof t, "%s", b);
    if (lang == LANG_FR) {
        switch (k) {
        case 0: chop_stop(t); setf(b, "%s, selon %s", t, h); break;
        case 1: setf(b, "%s via %s", t, h); break;
        case 2: chop_stop(t); setf(b, "%s, affirme %s", t, h); break;
        case 3: setf(b, "%s (%s)", t, h); break;
        case 4: lower_first(t); setf(b, "Selon %s, %s", h, t); break;
        default: setf(b, "RT %s: %s", h, t); break;
        }
        return 1;
    }
    switch (k) {
    case 0: chop_stop(t); setf(b, "%s, according to %s", t, h); break;
    case 1: setf(b, "%s via %s", t, h); break;
    case 2: setf(b, "%s (via %s)", t, h); break;
    case 3: setf(b, "%s h/t %s", t, h); break;
    case 4: setf(b, "%s — %s", t, h); break;
    case 5: chop_stop(t); setf(b, "%s, says %s", t, h); break;
    case 6: chop_stop(t); setf(b, "%s, %s said.", t, o); break;
    case 7: chop_stop(t); setf(b, "%s - %s", t, o); break;
    case 8: setf(b, "%s (%s)", t, o); break;
    case 9: setf(b, "RT %s: %s", h, t); break;
    case 10: lower_first(t); setf(b, "According to %s, %s", h, t); break;
    case 11: setf(b, "%s: %s", h, t); break;
    case 12: setf(b, "Via %s: %s", h, t); break;
    default: chop_stop(t); setf(b, "%s, %s says", t, h); break;
    }
    return 1;
}

/* ---- inflection --------------------------------------------------------------------------- */

/* Phrases, so that the sentence stays grammatical: tense, number and derivation changes as
 * a person rewording the line makes them. */
static const Sub infl_en[] = {
    {"have been hyping up", "are hyping up|hyped up|keep hyping up"},
    {"have kept playing up", "keep playing up|played up"},
    {"have been spreading", "are spreading|spread"},
    {"have been fabricating", "are fabricating|fabricated"},
    {"continue to spread", "continued to spread|keep spreading"},
    {"has taken note of", "takes note of|took note of"},
    {"has never interfered", "never interfered|never interferes"},
    {"has no interest in interfering", "has no interest in interference|is not interested in interfering"},
    {"always adheres to", "has always adhered to|always adhered to"},
    {"has never meddled", "never meddled|never meddles"},
    {"We firmly reject these claims", "We firmly rejected these claims|We are firmly rejecting these claims"},
    {"which have no factual basis", "which had no factual basis"},
    {"is strongly dissatisfied with this and firmly opposes it", "was strongly dissatisfied with this and firmly opposed it"},
    {"has long been", "was long|has for a long time been"},
    {"are pure fabrication driven by", "were pure fabrication driven by|are pure fabrications driven by"},
    {"These accusations are completely groundless and expose", "These accusations were completely groundless and exposed|This accusation is completely groundless and exposes"},
    {"are full of lies", "were full of lies"},
    {"does not make it true", "did not make it true|doesn't make it true"},
    {"have failed to produce", "failed to produce|fail to produce"},
    {"governing international relations", "that govern international relations"},
    {"for developing relations", "for the development of relations"},
    {"will not accept lectures", "do not accept lectures|won't accept lecturing"},
    {"Affairs related to", "Affairs relating to|Matters related to"},
    {"has repeatedly interfered", "repeatedly interferes|repeatedly interfered|keeps interfering"},
    {"are nothing but lies", "were nothing but lies|is nothing but lies"},
    {"should stop using", "should stop the use of"},
    {"who lecture others", "who are lecturing others|lecturing others"},
    {"while ignoring", "while they ignore"},
    {"have supported anti-China forces and undermined", "supported anti-China forces and undermined|support anti-China forces and undermine"},
    {"and yet they accuse China", "and yet they are accusing China|and yet they accused China"},
    {"will only damage", "only damages|would only damage"},
    {"perform their duties", "performed their duties|are performing their duties"},
    {"has nothing to hide", "had nothing to hide"},
    {"that help Chinese nationals", "that helped Chinese nationals|helping Chinese nationals"},
    {"renewing driver's licences", "the renewal of driver's licences"},
    {"have been deliberately distorted", "were deliberately distorted|are being deliberately distorted"},
    {"stop politicizing and stigmatizing the normal work", "stop the politicization and stigmatization of the normal work"},
    {"have made important contributions", "made important contributions|make important contributions"},
    {"Labeling them as", "To label them as"},
    {"live in Canada", "lived in Canada|are living in Canada"},
    {"should not become victims of", "should not be victimized by"},
    {"has already led to a rise in", "already led to a rise in|is already leading to a rise in"},
    {"cited so-called anonymous", "cites so-called anonymous"},
    {"without providing", "and did not provide"},
    {"to declare a Chinese diplomat", "declaring a Chinese diplomat"},
    {"seriously violates", "seriously violated|is a serious violation of"},
    {"tried to influence", "were trying to influence|try to influence"},
    {"are absurd", "were absurd|is absurd"},
    {"are groundless speculation", "were groundless speculation|is groundless speculation"},
    {"once again made irresponsible remarks", "once again make irresponsible remarks|were once again making irresponsible remarks"},
    {"a tool to smear China", "a tool for smearing China"},
    {"unfairly targets China and will hurt", "unfairly targeted China and would hurt"},
    {"have not offered", "did not offer|offer not"},
    {"chose to", "choose to|have chosen to"},
    {"were showing signs of improvement", "showed signs of improvement|were improving"},
    {"have not produced", "did not produce|haven't produced"},
    {"continue to", "continued to"},
    {"moved to", "move to|are moving to"},
    {"We urge", "We are urging|We urged"},
    {"calls on", "called on|is calling on"},
    {"We once again urge", "We once again urged"},
    {"We ask", "We asked|We are asking"},
    {"We once again call on", "We once again called on|Once again we are calling on"},
    {"is doomed to fail", "was doomed to fail|will fail"},
    {"will take resolute measures", "is taking resolute measures|would take resolute measures"},
    {"will only get burned", "only get burned|will only be burned"},
    {"insists on going", "insisted on going"},
    {"must bear all the consequences", "would have to bear all the consequences"},
    {"serves the fundamental interests", "served the fundamental interests|is in the fundamental interests"},
    {"will work with China", "works with China|would work with China"},
    {"is willing to develop relations", "was willing to develop relations|is willing to develop its relations"},
    {"will not solve", "does not solve|won't solve"},
    {"has passed since", "have passed since"},
    {"showed vision and courage", "shows vision and courage"},
    {"have written moving chapters", "wrote moving chapters"},
    {"History shows", "History has shown"},
    {"exceeded", "exceeds|has exceeded"},
    {"remains one of", "remained one of|is still one of"},
    {"are welcomed by", "were welcomed by"},
    {"enrich the daily lives", "enriched the daily lives"},
    {"would only hurt", "will only hurt|only hurts"},
    {"were studying in Canada", "studied in Canada"},
    {"is undergoing profound changes", "was undergoing profound changes|undergoes profound changes"},
    {"share broad common interests", "shared broad common interests|have broad common interests"},
    {"belong to the past", "belonged to the past|belong in the past"},
    {"Following others blindly in containing China", "Blindly following others to contain China"},
    {"does not serve", "did not serve|doesn't serve"},
    {"have abandoned professional ethics and published", "abandon professional ethics and publish"},
    {"replace evidence", "replaced evidence"},
    {"it is the truth that suffers", "the truth suffers|it is the truth that suffered"},
    {"as its politicians claim", "as its politicians claimed"},
    {"Blaming others for", "To blame others for"},
    {"is neither responsible nor wise", "was neither responsible nor wise"},
    {"has neither the intention", "had neither the intention"},
    {"announced today that the province will invest", "announces the province will invest|announced the province would invest"},
    {"said the plan would create", "says the plan will create"},
    {"fell to", "has fallen to|falls to"},
    {"warned that federal health transfers still cover", "warns that federal health transfers still cover|warned that federal health transfers still covered"},
    {"will table legislation", "is tabling legislation|would table legislation"},
    {"is a political farce", "was a political farce"},
    {"has a long record of using", "had a long record of using|has long used"},
    {"to fabricate evidence", "for the fabrication of evidence"},
    {"have expressed their opposition to politicizing", "expressed their opposition to the politicization of|have expressed their opposition to the politicizing of"},
    {"finds that", "found that"},
    {"support a public inquiry", "supported a public inquiry|are in support of a public inquiry"},
    {"has dropped", "dropped|is down"},
    {"said they trust", "say they trust|said they trusted"},
    {"is investigating reports", "investigates reports|has been investigating reports|is investigating a report"},
    {"linked to", "that are linked to"},
    {"Anyone who has been threatened or intimidated", "Anyone threatened or intimidated"},
    {"has disrupted the activities", "disrupted the activities"},
    {"will continue to protect", "continues to protect|will keep protecting"},
    {"will not tolerate", "does not tolerate|won't tolerate"},
    {"summoned the Chinese ambassador", "summons the Chinese ambassador"},
    {"who engage in", "engaging in|who engaged in"},
    {"will be sent home", "would be sent home|are being sent home"},
    {"has asked", "asked|is asking"},
    {"reported", "reports|has reported"},
    {"have fallen for", "fell for"},
    {"is urging", "urges|urged"},
    {"confirmed that", "confirms that|has confirmed that"},
    {"sailed through", "have sailed through"},
    {"was conducted in accordance", "had been conducted in accordance"},
    {"was routine", "is routine"},
    {"will continue to operate", "continue to operate|will keep operating"},
    {"came within", "has come within|comes within"},
    {"the department said", "the department says"},
    {"strongly condemns", "strongly condemned|is strongly condemning"},
    {"said the new sanctions would target", "say the new sanctions will target"},
    {"responsible for", "who are responsible for"},
    {"We stand with", "We are standing with|We stood with"},
    {"the immediate release of those detained", "those detained to be released immediately"},
    {"raised the issue", "raises the issue|has raised the issue"},
    {"will spend", "is spending|would spend"},
    {"the finance minister announced", "the finance minister announces|the finance minister has announced"},
    {"slowed to", "has slowed to|slows to"},
    {"projects a deficit", "projected a deficit|is projecting a deficit"},
    {"would not raise", "will not raise|won't raise"},
    {"found no evidence", "finds no evidence|has found no evidence"},
    {"changed the outcome", "had changed the outcome|changes the outcome"},
    {"received", "has received|receives"},
    {"related to", "relating to"},
    {"the results reflect", "the results reflected"},
    {"categorically rejects", "categorically rejected|has categorically rejected"},
    {"made by the Canadian government", "that the Canadian government made|that the Canadian government is making"},
    {"have once again failed to provide", "once again failed to provide|once again fail to provide"},
    {"to support their claims", "in support of their claims"},
    {"only damage what remains", "only damaged what remains|will only damage what remains"},
    {"will hire", "is hiring|would hire"},
    {"do not have", "don't have|did not have"},
    {"will take effect", "takes effect|is taking effect"},
};
static const Sub infl_fr[] = {
    {"annonce un investissement", "a annoncé un investissement|annonce investir"},
    {"a dénoncé", "dénonce|dénonçait"},
    {"a baissé", "baisse|est en baisse"},
    {"demande au", "a demandé au|demandait au"},
    {"d'augmenter les", "l'augmentation des"},
    {"rejette fermement", "a fermement rejeté|rejetait fermement"},
    {"publiées", "qui ont été publiées"},
    {"respectent strictement", "ont toujours strictement respecté|respectaient strictement"},
    {"Nous exhortons", "Nous avons exhorté|Nous exhortons de nouveau"},
    {"à cesser de politiser les échanges", "à cesser la politisation des échanges"},
    {"pour construire", "pour la construction de"},
    {"a convoqué", "convoque|convoquait"},
    {"consacrera", "consacre|va consacrer"},
    {"ne tolérera aucune", "ne tolère aucune|ne tolérait aucune"},
    {"ont adopté la motion", "adoptent la motion|ont voté l'adoption de la motion"},
    {"a annoncé la création de", "annonce la création de|annonce créer"},
    {"consacrent", "consacraient"},
    {"commenceront", "commencent|vont commencer"},
    {"dureront", "durent|vont durer"},
};

static int op_inflect(Rng *r, char *b, int lang)
{
    int want = 1 + (int)rng_below(r, 3);
    return lang == LANG_FR ? apply_table(r, b, infl_fr, (int)(sizeof infl_fr / sizeof *infl_fr), want)
                           : apply_table(r, b, infl_en, (int)(sizeof infl_en / sizeof *infl_en), want);
}

/* ---- synonym ------------------------------------------------------------------------------ */

static const Sub syn_en[] = {
    {"these claims", "these allegations|these assertions"},
    {"Such claims", "Such allegations"},
    {"their claims", "their allegations"},
    {"interference claims", "interference allegations"},
    {"Claims that", "Allegations that"},
    {"allegations", "claims|accusations"},
    {"accusations", "allegations|charges"},
    {"absurd", "ridiculous|preposterous"},
    {"groundless", "baseless|unfounded"},
    {"unfounded", "baseless|groundless"},
    {"firmly", "strongly|resolutely"},
    {"strongly", "firmly|vehemently"},
    {"reject", "dismiss|deny"},
    {"rejects", "dismisses|denies"},
    {"smearing", "slandering|defaming|vilifying"},
    {"interference", "meddling"},
    {"interfered", "meddled"},
    {"interfering", "meddling"},
    {"stop", "cease|quit"},
    {"We urge", "We call on|We press"},
    {"evidence", "proof"},
    {"completely", "totally|entirely"},
    {"lies", "falsehoods|untruths"},
    {"fabrication", "invention|fiction"},
    {"basic", "fundamental"},
    {"relations", "ties"},
    {"investigating", "probing|looking into"},
    {"announced", "unveiled|revealed"},
    {"build", "construct"},
    {"create", "generate"},
    {"jobs", "positions"},
    {"fell", "dropped|declined"},
    {"dropped", "fallen|declined"},
    {"support a", "back a|endorse a"},
    {"poll", "survey"},
    {"survey", "poll"},
    {"trust", "rely on"},
    {"intimidated", "harassed|bullied"},
    {"contact", "call|reach out to"},
    {"summoned", "called in"},
    {"deep concern", "serious concern"},
    {"behaviour", "conduct"},
    {"sent home", "expelled"},
    {"condemns", "denounces"},
    {"arbitrary", "unjust"},
    {"immediate", "prompt"},
    {"spend", "invest"},
    {"slowed", "eased"},
    {"peak", "high"},
    {"deficit", "shortfall"},
    {"raise", "increase|hike"},
    {"confident", "sure"},
    {"outcome", "result"},
    {"warships", "naval vessels|navy ships"},
    {"routine", "normal|regular"},
    {"allies", "partners"},
    {"hostile", "unfriendly"},
    {"damage", "harm|hurt"},
    {"doctors", "physicians"},
    {"hire", "recruit"},
    {"cases", "infections"},
    {"urging", "encouraging"},
    {"assessment", "report"},
    {"farce", "sham|charade"},
    {"countries", "nations"},
    {"their opposition to", "their objection to"},
    {"politicians", "lawmakers"},
    {"officials", "authorities"},
    {"certain individuals", "some individuals"},
    {"certain people", "some people"},
    {"certain politicians", "some politicians"},
    {"individuals", "people"},
    {"regrettable", "unfortunate"},
    {"deliberately", "intentionally"},
    {"distorted", "twisted|misrepresented"},
    {"cornerstone", "foundation"},
    {"normal", "ordinary|regular"},
    {"undermined", "weakened"},
    {"purely", "entirely|solely"},
    {"disinformation", "misinformation|propaganda"},
    {"solid", "hard|concrete"},
    {"manipulation", "maneuvering|games"},
    {"attacking", "assailing"},
    {"nothing but", "only|just"},
    {"never", "not once|at no time"},
    {"must not", "should not|cannot"},
    {"will only", "can only"},
    {"abandon", "drop|give up"},
    {"immediately", "at once|right away"},
    {"Recently", "Lately"},
    {"recent", "latest"},
    {"wrong", "erroneous|mistaken"},
    {"seriously", "gravely"},
    {"legitimate", "lawful"},
    {"doomed to fail", "bound to fail"},
    {"important", "significant|major"},
    {"prudently", "carefully|cautiously"},
    {"objectively", "fairly"},
    {"correct its", "fix its|rectify its"},
    {"the facts", "the truth"},
    {"credibility", "reputation"},
    {"profound", "deep|far-reaching"},
    {"broad", "wide"},
    {"threats", "dangers"},
    {"businesses", "companies"},
    {"blindly", "uncritically"},
    {"robust", "strong|sound"},
    {"afraid", "scared|fearful"},
    {"wise", "sensible"},
    {"intention", "intent"},
    {"racial discrimination", "racism"},
    {"plain and simple", "pure and simple"},
    {"rise in", "increase in|surge in"},
    {"speculation", "conjecture"},
    {"irresponsible", "reckless"},
    {"remarks", "comments|statements"},
    {"unfairly", "unjustly"},
    {"coincidence", "accident"},
    {"resolute", "firm|decisive"},
    {"safeguard", "protect|defend"},
    {"consequences", "repercussions"},
    {"fundamental", "basic|core"},
    {"stable", "steady"},
};
static const Sub syn_fr[] = {
    {"accusations", "allégations|reproches"},
    {"fermement", "catégoriquement|vigoureusement"},
    {"sans fondement", "infondées|non fondées"},
    {"rejette", "dément|réfute"},
    {"dénoncé", "condamné|critiqué"},
    {"ingérence", "interférence|immixtion"},
    {"construire", "bâtir"},
    {"augmenter", "accroître|hausser"},
    {"cesser", "arrêter"},
    {"politiser", "instrumentaliser"},
    {"échanges normaux", "relations normales"},
    {"convoqué", "fait venir"},
    {"affaires internes", "affaires intérieures"},
    {"adopté", "voté|approuvé"},
    {"près de", "presque|environ"},
    {"commenceront", "débuteront"},
    {"strictement", "rigoureusement"},
    {"médias", "journaux"},
    {"baissé", "reculé|diminué"},
    {"consacrera", "investira|allouera"},
};

static int op_synonym(Rng *r, char *b, int lang)
{
    int want = 1 + (int)rng_below(r, 3);
    return lang == LANG_FR ? apply_table(r, b, syn_fr, (int)(sizeof syn_fr / sizeof *syn_fr), want)
                           : apply_table(r, b, syn_en, (int)(sizeof syn_en / sizeof *syn_en), want);
}

/* ---- clause swap -------------------------------------------------------------------------- */

/* "X said (that) Y." -> "Y, X said."; "X, Y." -> "Y, x."; "A and B" -> "B and a" when B
 * starts a clause of its own (a subject follows "and"). One sentence: the text must not hold
 * another sentence end before its last character, which is kept. */
static bool starts_clause(const char *w)
{
    static const char *const subj[] = {"it ", "they ", "we ", "both ", "il ", "elle ", "nous "};
    for (size_t k = 0; k < sizeof subj / sizeof subj[0]; k++)
        if (!strncmp(w, subj[k], strlen(subj[k])))
            return true;
    return false;
}

/* A fronted adverbial or subordinate phrase ("Recently,", "In the past few days,", "If ...,")
 * that can move to the end of its sentence. */
static bool fronted(const char *w)
{
    static const char *const adv[] = {"Recently", "In ", "For ", "Before ", "When ", "If ", "As ",
                                      "Last ", "On ", "At ", "Since ", "After ", "Over ",
                                      "Selon ", "Pour ", "Depuis ", "Lately", "Today"};
    for (size_t k = 0; k < sizeof adv / sizeof adv[0]; k++)
        if (!strncmp(w, adv[k], strlen(adv[k])))
            return true;
    return false;
}

static int op_clause(Rng *r, char *b, int lang)
{
    (void)r;
    char t[RW_MAX];
    snprintf(t, sizeof t, "%s", b);
    size_t tl = strlen(t);
    char end = tl && (t[tl - 1] == '.' || t[tl - 1] == '?' || t[tl - 1] == '!') ? t[tl - 1] : '.';
    chop_stop(t);
    tl = strlen(t);
    if (tl && (t[tl - 1] == '?' || t[tl - 1] == '!'))
        t[--tl] = 0;
    if (strstr(t, ". ") || strstr(t, "? ") || strstr(t, "! "))
        return 0;
    static const char *const verbs_en[] = {" said that ", " said ", " announced that ", " warned that ",
                                           " confirmed that ", " finds that "};
    static const char *const verbs_fr[] = {" a annoncé que ", " affirme que "};
    const char *const *vv = lang == LANG_FR ? verbs_fr : verbs_en;
    int nv = lang == LANG_FR ? 2 : 6;
    for (int k = 0; k < nv; k++) {
        char *p = strstr(t, vv[k]);
        if (!p || p - t > 60 || end != '.')
            continue;
        char subj[RW_MAX], rest[RW_MAX], verb[64];
        snprintf(subj, sizeof subj, "%.*s", (int)(p - t), t);
        snprintf(rest, sizeof rest, "%s", p + strlen(vv[k]));
        snprintf(verb, sizeof verb, "%s", vv[k] + 1);
        char *sp = strstr(verb, " que ");
        if (!sp)
            sp = strstr(verb, " that ");
        if (sp)
            *sp = 0;
        else
            verb[strlen(verb) - 1] = 0;
        if (strlen(rest) < 20)
            continue;
        lower_first(subj);
        upper_first(rest);
        setf(b, "%s, %s %s.", rest, subj, verb);
        return 1;
    }
    /* a list of two demands after "to": "to A and B" -> "to B and A" */
    static const char *const vps[] = {"abandon ", "respect ", "view ", "stop ", "handle ", "return ",
                                      "do ", "correct ", "cease ", "protect ", "get ", "contact ",
                                      "cesser ", "respecter "};
    char *to = strstr(t, " to ");
    if (lang == LANG_EN && to) {
        char *a0 = to + 4, *andp = strstr(a0, " and ");
        bool va = false, vb = false;
        for (size_t k = 0; andp && k < sizeof vps / sizeof vps[0]; k++) {
            va |= !strncmp(a0, vps[k], strlen(vps[k]));
            vb |= !strncmp(andp + 5, vps[k], strlen(vps[k]));
        }
        if (va && vb && !strchr(a0, ',') && !strstr(andp + 5, " and ")) {
            char x[RW_MAX], y[RW_MAX], head[RW_MAX];
            snprintf(head, sizeof head, "%.*s", (int)(a0 - t), t);
            snprintf(x, sizeof x, "%.*s", (int)(andp - a0), a0);
            snprintf(y, sizeof y, "%s", andp + 5);
            setf(b, "%s%s and %s%c", head, y, x, end);
            return 1;
        }
    }
    char *bc = strstr(t, " because ");
    if (lang == LANG_EN && bc && bc - t >= 12 && strlen(bc + 9) >= 12) {
        char x[RW_MAX], y[RW_MAX];
        snprintf(x, sizeof x, "%.*s", (int)(bc - t), t);
        snprintf(y, sizeof y, "%s", bc + 9);
        lower_first(x);
        setf(b, "Because %s, %s%c", y, x, end);
        return 1;
    }
    char *p = strstr(t, ", ");
    if (p && fronted(t) && strlen(p + 2) >= 14 && !strstr(p + 2, ", ")) {
        char x[RW_MAX], y[RW_MAX];
        snprintf(x, sizeof x, "%.*s", (int)(p - t), t);
        snprintf(y, sizeof y, "%s", p + 2);
        lower_first(x);
        upper_first(y);
        setf(b, "%s, %s%c", y, x, end);
        return 1;
    }
    const char *conj = lang == LANG_FR ? ", et " : ", and ";
    p = strstr(t, conj);
    if (!p) {
        conj = lang == LANG_FR ? " et " : " and ";
        p = strstr(t, conj);
        if (p && !starts_clause(p + strlen(conj)))
            p = NULL;
    }
    if (p && p - t >= 20 && strlen(p + strlen(conj)) >= 20 && !strstr(p + strlen(conj), ", ")) {
        char x[RW_MAX], y[RW_MAX];
        snprintf(x, sizeof x, "%.*s", (int)(p - t), t);
        snprintf(y, sizeof y, "%s", p + strlen(conj));
        lower_first(x);
        upper_first(y);
        setf(b, "%s%s%s%c", y, conj, x, end);
        return 1;
    }
    return 0;
}

/* ---- headline ---------------------------------------------------------------------------- */

static bool word_is(const char *w, size_t n, const char *const *list, size_t nl)
{
    for (size_t k = 0; k < nl; k++)
        if (strlen(list[k]) == n && !strncasecmp(w, list[k], n))
            return true;
    return false;
}

/* Articles dropped (most of them), auxiliaries before a participle or adverb dropped, "that"
 * after a verb of saying dropped, no final full stop. English only. */
static int op_headline(Rng *r, char *b, int lang)
{
    if (lang != LANG_EN)
        return 0;
    static const char *const art[] = {"the", "a", "an"};
    static const char *const aux[] = {"is", "are", "was", "were", "has", "have", "had", "been"};
    static const char *const say[] = {"said", "says", "announced", "warned", "confirmed", "finds"};
    size_t ws[128], we[128];
    int n = split_words(b, ws, we, 128);
    char t[RW_MAX];
    size_t o = 0;
    int dropped = 0;
    for (int i = 0; i < n; i++) {
        const char *w = b + ws[i];
        size_t l = we[i] - ws[i];
        const char *nx = i + 1 < n ? b + ws[i + 1] : "";
        size_t nl = i + 1 < n ? we[i + 1] - ws[i + 1] : 0;
        bool drop = false;
        if (word_is(w, l, art, 3) && i + 1 < n && rng_chance(r, 0.85) &&
            strncmp(nx, "thousand", 8) && strncmp(nx, "dozen", 5) && strncmp(nx, "few", 3))
            drop = true;
        else if (word_is(w, l, aux, 8) && nl > 3 &&
                 (!strncmp(nx + nl - 2, "ed", 2) || !strncmp(nx + nl - 3, "ing", 3) ||
                  !strncmp(nx + nl - 2, "ly", 2) || !strncmp(nx, "been", 4)))
            drop = true;
        else if (l == 4 && !strncmp(w, "that", 4) && i > 0 &&
                 word_is(b + ws[i - 1], we[i - 1] - ws[i - 1], say, 6))
            drop = true;
        if (drop) {
            dropped++; /* a new first word is capitalized below */
            continue;
        }
        if (o)
            t[o++] = ' ';
        if (o + l + 2 >= sizeof t)
            break;
        memcpy(t + o, w, l);
        o += l;
    }
    t[o] = 0;
    if (!dropped)
        return 0;
    upper_first(t);
    chop_stop(t);
    setf(b, "%s", t);
    return 1;
}

/* ---- sentences added ---------------------------------------------------------------------- */

static const char *const own_en[] = {
    "This is the truth.", "Canada needs to hear this.", "Enough is enough.",
    "The media won't tell you this.", "Spread the word.", "Finally someone says it.",
    "Time for Ottawa to listen.", "Read it again.", "Share widely.", "Well said.",
    "We should all pay attention to this.", "Nobody is talking about this.",
    "Big news for the province.", "Good news for families.", "About time.",
    "This matters more than people think.", "Let that sink in.", "Important update."};
static const char *const own_fr[] = {"Enfin une bonne nouvelle.", "À partager.", "C'est la vérité.",
                                     "Il était temps.", "À lire absolument.", "Bravo."};

static int op_sentence_added(Rng *r, char *b, int lang)
{
    const char *s = lang == LANG_FR ? own_fr[rng_below(r, 6)] : own_en[rng_below(r, 18)];
    char t[RW_MAX];
    snprintf(t, sizeof t, "%s", b);
    if (rng_chance(r, 0.5))
        setf(b, "%s %s", s, t);
    else
        setf(b, "%s %s", t, s);
    return 1;
}

/* ---- text choice -------------------------------------------------------------------------- */

static bool usable(const Src *s, int i) { return i >= 0 && i < s->n && s->par[i] != 255; }

/* Words of b as byte ranges (split at spaces). */
static int split_words(const char *b, size_t *ws, size_t *we, int max)
{
    int n = 0;
    for (size_t i = 0; b[i] && n < max;) {
        while (b[i] == ' ')
            i++;
        if (!b[i])
            break;
        ws[n] = i;
        while (b[i] && b[i] != ' ')
            i++;
        we[n++] = i;
    }
    return n;
}

/* Cuts b to what a post typically carries of a long sentence: a run of its clauses, or its
 * beginning, of EX_MIN..EX_MAX words. Clauses start at the text's start or after a word ending
 * in ',' or ';' and end at the text's end or at a word ending in ',' or ';'. Without such a
 * run, the first 8..EX_MAX words are kept (a truncated copy). */
#define EX_MIN 8
#define EX_MAX 14
static bool cut_short; /* the last shorten() kept a sentence's beginning only */

static void shorten_to(Rng *r, char *b, int ex_max)
{
    cut_short = false;
    size_t ws[128], we[128];
    int n = split_words(b, ws, we, 128);
    if (n <= ex_max)
        return;
    int starts[128], ends[128], ns = 0, ne = 0;
    for (int i = 0; i < n; i++) {
        char last = b[we[i] - 1];
        if (i == 0 || b[we[i - 1] - 1] == ',' || b[we[i - 1] - 1] == ';')
            starts[ns++] = i;
        if (last == ',' || last == ';' || i == n - 1)
            ends[ne++] = i + 1;
    }
    int cs[256], ce[256], nc = 0;
    for (int a = 0; a < ns; a++)
        for (int e = 0; e < ne && nc < 256; e++)
            if (ends[e] - starts[a] >= EX_MIN && ends[e] - starts[a] <= ex_max) {
                cs[nc] = starts[a];
                ce[nc++] = ends[e];
            }
    char t[RW_MAX];
    if (nc > 0 && rng_chance(r, 0.75)) {
        int k = (int)rng_below(r, (uint32_t)nc);
        size_t from = ws[cs[k]], to = we[ce[k] - 1];
        while (to > from && (b[to - 1] == ',' || b[to - 1] == ';'))
            to--;
        snprintf(t, sizeof t, "%.*s", (int)(to - from), b + from);
        upper_first(t);
        if (ce[k] < n || b[to - 1] != '.')
            strncat(t, ".", sizeof t - strlen(t) - 1);
    } else {
        int keep = 8 + (int)rng_below(r, (uint32_t)(ex_max - 7));
        size_t to = we[keep - 1];
        while (to > 0 && (b[to - 1] == ',' || b[to - 1] == ';'))
            to--;
        snprintf(t, sizeof t, "%.*s%s", (int)to, b, rng_chance(r, 0.5) ? "..." : "…");
        cut_short = true;
    }
    setf(b, "%s", t);
}

static void shorten(Rng *r, char *b) { shorten_to(r, b, EX_MAX); }

/* An excerpt as a post carries it: one sentence, cut to a clause or its beginning when long
 * (shorten); sometimes two short consecutive sentences of one paragraph. Real paraphrase pairs
 * are tweet-length: a change of two words in a 12-word copy is what the matcher must survive. */
static const Src *pick_excerpt(Rng *r, char *b, int *first, int *count, int ex_max)
{
    for (int tries = 0; tries < 100; tries++) {
        const Src *s = &src[rng_below(r, (uint32_t)n_src)];
        int i = (int)rng_below(r, (uint32_t)s->n);
        if (!usable(s, i) || strlen(s->sent[i]) > 270)
            continue;
        snprintf(b, RW_MAX, "%s", s->sent[i]);
        *first = i;
        *count = 1;
        size_t ws[128], we[128];
        cut_short = false;
        if (rng_chance(r, 0.2) && usable(s, i + 1) && s->par[i + 1] == s->par[i] &&
            split_words(s->sent[i], ws, we, 128) + split_words(s->sent[i + 1], ws, we, 128) <= 20) {
            setf(b, "%s %s", s->sent[i], s->sent[i + 1]);
            *count = 2;
        } else {
            shorten_to(r, b, ex_max);
        }
        return s;
    }
    return NULL;
}

typedef int (*op_fn)(Rng *, char *, int);
static const op_fn ops[RW_NPOS] = {op_hashtag, op_abbrev, op_numbers, op_source, op_inflect,
                                   op_synonym, op_clause, op_headline, op_sentence_added, NULL,
                                   NULL, NULL};

/* ---- negatives ---------------------------------------------------------------------------- */

/* 64-bit hashes of every run of four and of five words (ASCII letters and digits, case
 * folded) of the indexed statements, sorted: the tests of other_claim and slot_swap. */
static uint64_t *runs;
static size_t n_runs, cap_runs;

static int word_hashes(const char *s, uint64_t *h, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s && !is_word_byte((unsigned char)*s))
            s++;
        if (!*s)
            break;
        uint64_t x = 1469598103934665603ULL;
        while (*s && is_word_byte((unsigned char)*s)) {
            x = (x ^ (uint64_t)tolower((unsigned char)*s)) * 1099511628211ULL;
            s++;
        }
        h[n++] = x;
    }
    return n;
}

static uint64_t run_key(const uint64_t *h, int len)
{
    uint64_t k = (uint64_t)len;
    for (int i = 0; i < len; i++)
        k = hash3(k, h[i], 0);
    return k;
}

static void runs_add_text(const char *s)
{
    uint64_t h[2048];
    int n = word_hashes(s, h, 2048);
    for (int len = 4; len <= 5; len++)
        for (int i = 0; i + len <= n; i++) {
            if (n_runs == cap_runs) {
                cap_runs = cap_runs ? cap_runs * 2 : 4096;
                runs = xrealloc(runs, cap_runs * sizeof *runs);
            }
            runs[n_runs++] = run_key(h + i, len);
        }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether s shares a run of len words (4 or 5) with the indexed statements. */
static bool shares_run(const char *s, int len)
{
    uint64_t h[512];
    int n = word_hashes(s, h, 512);
    for (int i = 0; i + len <= n; i++) {
        uint64_t k = run_key(h + i, len);
        if (bsearch(&k, runs, n_runs, sizeof *runs, cmp_u64))
            return true;
    }
    return false;
}

static const char *const entities_tpl[] = {
    "{Canada|Ottawa} {expels|summons} a Chinese diplomat over {the intimidation of an MP|interference claims|the police stations}, officials say.",
    "CSIS warned the Prime Minister in {2021|2022} that China was targeting {candidates|MPs|diaspora groups} in {Toronto|Vancouver}.",
    "Documents show the {Chinese embassy|Chinese consulate in Toronto} funded {candidates|community groups} in the {2019|2021} election.",
    "The Premier met {Chinese|Canadian} business leaders in {Shanghai|Toronto} to discuss {canola exports|trade|investment}.",
    "{Canada|Ottawa} and {China|Beijing} agreed to resume {trade talks|direct flights|student exchanges} next month.",
    "U.S. intelligence says the balloon was tracked over {Alaska|Canada} for {three|four} days before it was shot down.",
    "The RCMP arrested {two|three} people in {Quebec|Toronto} accused of spying for {China|a foreign state}.",
    "A poll finds {40|45} per cent of Canadians think {China|foreign interference} is a threat to our elections.",
    "Hong Kong activists in {Toronto|Vancouver} say they were followed by people working for the Chinese government.",
    "Taiwan thanks Canada for sending warships through the Taiwan Strait.",
    "The finance minister says the housing plan will cost {$4 billion|$6 billion} and build {100,000|80,000} homes.",
    "Elections Canada says turnout in the {2021|2019} election was {62|67} per cent.",
    "The Chinese ambassador was called in by Global Affairs over {the balloon|the police stations|threats against an MP}.",
    "Canada's intelligence agency briefed {MPs|party leaders} on threats from {China|Russia|India} last {week|month}.",
    "Parliament votes to recognize the treatment of Uyghurs in Xinjiang as genocide.",
    "The Ministry of Health says {flu|COVID} hospitalizations rose {12|20} per cent this week.",
    "The U.S. government is sending {two|three} more intelligence officers to the embassy in Ottawa.",
    "Chinese students in Canada say the interference debate has made them feel unwelcome.",
    "The Premier's approval rating fell to {38|41} per cent in the latest poll.",
    "MPs want the RCMP to explain why the police stations stayed open for months.",
    "Canadian canola exports to China reached {$3 billion|$2.5 billion} last year despite the dispute.",
    "The Prime Minister says he was never briefed on interference in the {2019|2021} election.",
    "A Chinese fighter jet intercepted an Australian aircraft over the South China Sea, Canberra says.",
    "The special rapporteur will hold public hearings on foreign interference this {spring|fall}.",
    "Inflation in Canada rose to {4.3|5.1} per cent in {January|February}, Statistics Canada says.",
};
static const char *const entities_fr[] = {
    "Le gouvernement du Québec annonce la fermeture de {trois|quatre} écoles à Montréal.",
    "Le premier ministre du Québec rencontre l'ambassadeur de Chine à Montréal.",
    "Selon un sondage Léger, {52|48} pour cent des Québécois craignent l'ingérence étrangère.",
    "Ottawa expulse un diplomate chinois accusé d'avoir intimidé un député.",
    "Les députés demandent une enquête publique sur les postes de police chinois à Montréal.",
    "Le taux de chômage grimpe à {5,1|5,4} pour cent au Québec en mars.",
};

static const char *const rebut[] = {
    "The documents say otherwise.", "CSIS disagrees.", "Fact check: false.",
    "That's not what the leaked reports show.", "Tell that to the families who were threatened.",
    "The numbers don't add up.", "Nobody is buying it.", "The evidence says the opposite.",
    "Independent experts call that misleading.", "We'll see what the inquiry finds."};
static const char *const refut_tpl[] = {
    "<SRC> {denies|dismisses|rejects} the {allegations|reports|claims} again, calling them “<Q>”. <R>",
    "So <SRC> says it's all “<Q>”. <R>",
    "<SRC> responds to the latest {story|leak|report}: “<Q>”. <R>",
    "“<Q>”, says <SRC>. <R>",
    "<SRC> {claims|insists} <GIST>. <R>",
    "According to <SRC>, <GIST>. <R>",
};
static const char *const gists[] = {
    "China never interferes in other countries' affairs", "the stations are just volunteer centres",
    "the reports are all lies", "the province is finally fixing health care",
    "the poll shows Canadians want an inquiry", "the intelligence report is politically motivated",
    "nothing happened in the election", "the budget will not raise taxes",
    "everything was done by the book", "the diplomats did nothing wrong"};
static const char *const refut_src[] = {"the embassy", "the Chinese embassy", "the consulate",
                                        "Beijing", "the ministry", "the Premier", "the government",
                                        "Ottawa", "the RCMP", "the pollster"};

static const char *const stock_tpl[] = {
    "“Internal affairs.” “Cold War mentality.” “Stop smearing.” {Bingo card complete|Same script|The usual}.",
    "Every {statement|press release|briefing}: groundless, smear, internal affairs, mutual respect. {Copy, paste, repeat|Yawn|Groundhog Day}.",
    "Another {day|week}, another “so-called” and “Cold War mentality” from the {embassy|consulate|ministry}.",
    "Mutual respect, they say. Internal affairs, they say. <Q>.",
    "How many times can one {embassy|spokesperson} say “ideological prejudice” in a {week|day}?",
    "Stop smearing! Internal affairs! No interference! {Same script every time|We get it}.",
    "If I had a dollar for every “groundless {accusations|claims}” and “so-called” I'd {retire|be rich}.",
    "The {embassy's|ministry's} favourite words: so-called, groundless, smear, Cold War mentality.",
    "Cold War mentality this, internal affairs that. <Q>.",
    "“Firmly opposes”, “strongly dissatisfied”, “political manipulation”. {The usual|Predictable}.",
    "They will call it {“pure fabrication”|“groundless”|“a smear”} and talk about “mutual respect”. <Q>.",
    "Nobody is {smearing|attacking} anyone by asking questions. <Q>.",
    "Calling every question “interference in internal affairs” is not an answer. <Q>.",
    "Expect the words “so-called”, “Cold War” and “smear” by tonight. {Watch|Just watch}.",
    "“Stop politicizing”, says the {embassy|consulate} that politicizes everything.",
    "Respect? Sovereignty? Internal affairs? {Tell that to|Ask} the {families|students|activists} who were threatened.",
};
static const char *const stock_q[] = {"The leaks keep coming", "Nobody answers the questions",
                                      "The inquiry is still pending", "The stations stayed open",
                                      "MPs are still waiting"};
static const char *const organic_rules[] = {"en.post.interf", "en.news.hl.interf", "en.post.cachina",
                                            "en.post.cdnpoli"};

/* One to three consecutive words of b (its punctuation left out) for a short quotation. */
static void short_quote(Rng *r, const char *b, char *out, size_t cap)
{
    size_t ws[128], we[128];
    int n = 0;
    for (size_t i = 0; b[i] && n < 128;) {
        while (b[i] && !is_word_byte((unsigned char)b[i]))
            i++;
        if (!b[i])
            break;
        ws[n] = i;
        while (b[i] && (is_word_byte((unsigned char)b[i]) || b[i] == '-' || b[i] == '\''))
            i++;
        we[n++] = i;
    }
    if (n == 0) {
        snprintf(out, cap, "lies");
        return;
    }
    /* a content word (five letters or more), and the next one when it is one too and no
     * punctuation stands between them */
    int i = -1;
    for (int tries = 0; tries < 32 && i < 0; tries++) {
        int c = (int)rng_below(r, (uint32_t)n);
        if (we[c] - ws[c] >= 5)
            i = c;
    }
    if (i < 0)
        i = 0;
    int j = i;
    if (rng_chance(r, 0.5) && i + 1 < n && we[i + 1] - ws[i + 1] >= 5 && we[i] + 1 == ws[i + 1])
        j = i + 1;
    size_t l = we[j] - ws[i];
    if (l >= cap)
        l = cap - 1;
    memcpy(out, b + ws[i], l);
    out[l] = 0;
}

/* Fills <SRC> <Q> <GIST> <R> and inline choices {a|b}. */
static void fill(Rng *r, const char *tpl, const char *q, char *out)
{
    char t[RW_MAX], v[RW_MAX];
    expand_choices(r, tpl, t, sizeof t);
    v[0] = 0;
    for (const char *p = t; *p;) {
        const char *with = NULL;
        size_t skip = 0;
        if (!strncmp(p, "<SRC>", 5)) {
            with = refut_src[rng_below(r, 10)];
            skip = 5;
        } else if (!strncmp(p, "<Q>", 3)) {
            with = q;
            skip = 3;
        } else if (!strncmp(p, "<GIST>", 6)) {
            with = gists[rng_below(r, 10)];
            skip = 6;
        } else if (!strncmp(p, "<R>", 3)) {
            with = rebut[rng_below(r, 10)];
            skip = 3;
        }
        if (with) {
            strncat(v, with, sizeof v - strlen(v) - 1);
            p += skip;
        } else {
            size_t l = strlen(v);
            if (l + 1 < sizeof v) {
                v[l] = *p;
                v[l + 1] = 0;
            }
            p++;
        }
    }
    upper_first(v);
    snprintf(out, RW_MAX, "%s", v);
}

/* ---- output ------------------------------------------------------------------------------- */

static void write_item(Out *o, int *seq, int label_pos, int kind, unsigned opmask, const char *sid,
                       int lang, const char *text)
{
    Buf *b = &o->b;
    char id[32];
    snprintf(id, sizeof id, "rw%05d", (*seq)++);
    buf_puts(b, "{\"id\":");
    buf_json_cstr(b, id);
    buf_puts(b, ",\"label\":");
    buf_json_cstr(b, label_pos ? "paraphrase" : "negative");
    buf_puts(b, ",\"kind\":");
    buf_json_cstr(b, rw_name[kind]);
    buf_puts(b, ",\"ops\":[");
    bool first = true;
    for (int k = 0; k < RW_NPOS; k++)
        if (opmask >> k & 1) {
            buf_sep(b, &first);
            buf_json_cstr(b, rw_name[k]);
        }
    buf_puts(b, "],\"statement_id\":");
    if (sid)
        buf_json_cstr(b, sid);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"lang\":");
    buf_json_cstr(b, lang_code[lang]);
    buf_puts(b, ",\"text\":");
    buf_json_cstr(b, text);
    buf_puts(b, "}\n");
    out_flush_if(o, 1 << 16);
}

/* Sources: the scenario's English statements and the chosen extra ones (written out). */
static void build_sources(char pool)
{
    char tmp[2048];
    n_src = 0;
    for (int i = 0; i < S.n_st && n_src < SRC_MAX; i++) {
        const Statement *st = &S.st[i];
        if (st->lang == LANG_ZH)
            continue;
        Src *s = &src[n_src++];
        s->id = st->id;
        s->lang = st->lang;
        s->n = 0;
        for (int k = 0; k < st->n_sent && s->n < SENT_MAX; k++) {
            stmt_sentence(st, k, tmp, sizeof tmp);
            s->sent[s->n] = arena_strdup(tmp);
            s->par[s->n++] = st->s_par[k];
        }
        runs_add_text(st->text);
    }
    Out o;
    out_open(&o, S.p.outdir, "rewrite_statements.jsonl", "none");
    Rng r = rng_for(S.p.seed, hash_str("rewrites.extra"), 0);
    int made = 0;
    for (int e = 0; e < N_EXTRA && n_src < SRC_MAX; e++) {
        const Extra *x = &extras[e];
        if (pool && x->half != pool)
            continue;
        Src *s = &src[n_src++];
        s->id = arena_printf("X%c%02d", x->half, ++made);
        s->lang = x->lang;
        s->n = 0;
        Buf text;
        buf_init(&text, 1024, 1 << 16);
        for (int k = 0; k < 6 && x->sent[k]; k++) {
            expand_choices(&r, x->sent[k], tmp, sizeof tmp);
            s->sent[s->n] = arena_strdup(tmp);
            s->par[s->n++] = 0;
            if (k)
                buf_putc(&text, ' ');
            buf_puts(&text, tmp);
        }
        runs_add_text(text.p);
        char t[32];
        fmt_iso_s(t, S.t0 + 3600 + (int64_t)made * 20000);
        Buf *b = &o.b;
        buf_puts(b, "{\"id\":");
        buf_json_cstr(b, s->id);
        buf_puts(b, ",\"source\":");
        buf_json_cstr(b, x->source);
        buf_puts(b, ",\"published_at\":");
        buf_json_cstr(b, t);
        buf_puts(b, ",\"lang\":");
        buf_json_cstr(b, lang_code[x->lang]);
        buf_puts(b, ",\"text\":");
        buf_json_cstr(b, text.p);
        buf_puts(b, "}\n");
        buf_free(&text);
    }
    out_close(&o);
    qsort(runs, n_runs, sizeof *runs, cmp_u64);
}

/* One positive of kind k: the rewritten text into b; false when the kind does not apply to
 * the excerpts tried. */
static bool make_positive(Rng *r, int k, char *b, const Src **from, unsigned *opmask)
{
    for (int tries = 0; tries < 200; tries++) {
        int first, count;
        /* a clause swap and a headline need a whole sentence more often than a copy does */
        int ex_max = k == RW_CLAUSE || k == RW_HEADLINE ? 24 : EX_MAX;
        const Src *s = pick_excerpt(r, b, &first, &count, ex_max);
        if (!s)
            return false;
        *from = s;
        *opmask = 1u << k;
        /* these need whole clauses: a cut beginning has no clause to swap or to join */
        if (cut_short && (k == RW_CLAUSE || k == RW_HEADLINE || k == RW_SENT_ADDED))
            continue;
        char orig[RW_MAX];
        snprintf(orig, sizeof orig, "%s", b);
        if (k == RW_SENT_DROPPED) {
            int i = first;
            if (!usable(s, i + 2) || s->par[i + 2] != s->par[i] || s->par[i + 1] != s->par[i] ||
                strlen(s->sent[i]) + strlen(s->sent[i + 2]) > 270)
                continue;
            setf(b, "%s %s", s->sent[i], s->sent[i + 2]);
            return true;
        }
        if (k == RW_QUOTE_REFUTE) {
            if (count != 1)
                continue;
            char q[RW_MAX];
            snprintf(q, sizeof q, "%s", b);
            chop_stop(q);
            const char *who = refut_src[rng_below(r, 10)];
            const char *rb = rebut[rng_below(r, 10)];
            switch (rng_below(r, 4)) {
            case 0: setf(b, "%c%s says: “%s.” %s", toupper((unsigned char)who[0]), who + 1, q, rb); break;
            case 1: setf(b, "“%s,” %s wrote today. %s", q, who, rb); break;
            case 2: setf(b, "%c%s: “%s” Really? %s", toupper((unsigned char)who[0]), who + 1, q, rb); break;
            default: setf(b, "Today %s claimed that “%s.” %s", who, q, rb); break;
            }
            return true;
        }
        if (k == RW_MIXED) {
            /* two or three kinds, applied in a natural order: the clause swap needs the
             * sentence intact, the source comes last */
            static const int order[] = {RW_CLAUSE, RW_SYNONYM, RW_INFLECT, RW_HEADLINE,
                                        RW_ABBREV, RW_NUMBERS, RW_HASHTAG, RW_SOURCE};
            uint32_t pick[8] = {0, 1, 2, 3, 4, 5, 6, 7};
            rng_shuffle(r, pick, 8);
            unsigned chosen = 0;
            int want = 2 + (int)rng_below(r, 3);
            for (int j = 0; j < want; j++)
                chosen |= 1u << pick[j];
            *opmask = 0;
            for (int j = 0; j < 8; j++)
                if ((chosen >> j & 1) && ops[order[j]](r, b, s->lang))
                    *opmask |= 1u << order[j];
            if (__builtin_popcount(*opmask) >= 2 && strcmp(b, orig))
                return true;
            continue;
        }
        if (ops[k](r, b, s->lang) && strcmp(b, orig))
            return true;
    }
    return false;
}

static bool make_negative(Rng *r, int k, char *b, int *lang)
{
    *lang = LANG_EN;
    char t[RW_MAX];
    for (int tries = 0; tries < 400; tries++) {
        switch (k) {
        case NG_OTHER:
        case NG_SLOT_SWAP: {
            int64_t day = S.t0 / 86400 + (int64_t)rng_below(r, (uint32_t)S.p.days);
            stmt_random_sentence(r, LANG_EN, day, t, sizeof t);
            /* classified on the whole sentence, before it is cut like an excerpt: another
             * claim shares no run of four words with the indexed statements (so no template
             * of theirs); a slot swap shares a run of five but is not one of their sentences */
            bool near = k == NG_SLOT_SWAP ? shares_run(t, 5) : shares_run(t, 4);
            if (near != (k == NG_SLOT_SWAP))
                continue;
            if (k == NG_SLOT_SWAP) {
                /* not a sentence an indexed statement holds */
                bool same = false;
                for (int i = 0; i < n_src && !same; i++)
                    for (int j = 0; j < src[i].n && !same; j++)
                        same = !strcasecmp(src[i].sent[j], t);
                if (same)
                    continue;
            }
            shorten(r, t);
            setf(b, "%s", t);
            if (k == NG_OTHER) {
                /* dressed like the positives: 0-2 rewrite kinds */
                int nops = (int)rng_below(r, 3);
                for (int j = 0; j < nops; j++) {
                    int op = (int)rng_below(r, RW_HEADLINE + 1);
                    ops[op](r, b, LANG_EN);
                }
            }
            return true;
        }
        case NG_ENTITIES:
            if (rng_chance(r, 0.15)) {
                expand_choices(r, entities_fr[rng_below(r, 6)], b, RW_MAX);
                *lang = LANG_FR;
            } else {
                expand_choices(r, entities_tpl[rng_below(r, (uint32_t)(sizeof entities_tpl / sizeof *entities_tpl))], b, RW_MAX);
            }
            if (rng_chance(r, 0.3))
                op_source(r, b, *lang);
            return true;
        case NG_REFUTATION: {
            int first, count;
            const Src *s = pick_excerpt(r, t, &first, &count, EX_MAX);
            if (!s || s->lang != LANG_EN)
                continue;
            char q[256];
            short_quote(r, t, q, sizeof q);
            fill(r, refut_tpl[rng_below(r, 6)], q, b);
            return true;
        }
        case NG_STOCK:
            fill(r, stock_tpl[rng_below(r, (uint32_t)(sizeof stock_tpl / sizeof *stock_tpl))], stock_q[rng_below(r, 5)], b);
            return true;
        case NG_ORGANIC: {
            int rule = gram_need(organic_rules[rng_below(r, 4)]);
            gram_expand_buf(r, rule, b, RW_MAX);
            if (strlen(b) < 20)
                continue;
            return true;
        }
        default:
            return false;
        }
    }
    return false;
}

/* Whether text was already written for this kind (texts are kept distinct within a kind). */
static bool seen_before(uint64_t **set, size_t *n, size_t *cap, const char *text)
{
    uint64_t h = hash_str(text);
    for (size_t i = 0; i < *n; i++)
        if ((*set)[i] == h)
            return true;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *set = xrealloc(*set, *cap * sizeof **set);
    }
    (*set)[(*n)++] = h;
    return false;
}

void rewrites_write(int n, char pool)
{
    build_sources(pool);
    Out o;
    out_open(&o, S.p.outdir, "rewrites.jsonl", "none");
    int seq = 0;
    char b[RW_MAX];
    uint64_t *set = NULL;
    size_t cap = 0;
    for (int k = 0; k < RW_NKIND; k++) {
        Rng r = rng_for(S.p.seed, hash_str("rewrites"), (uint64_t)k);
        size_t nset = 0;
        /* at most n distinct texts; a kind that runs out of material writes fewer */
        for (long attempt = 0, made = 0; made < n && attempt < 20L * n; attempt++) {
            if (k < RW_NPOS) {
                const Src *from;
                unsigned opmask;
                if (!make_positive(&r, k, b, &from, &opmask))
                    break;
                if (seen_before(&set, &nset, &cap, b))
                    continue;
                write_item(&o, &seq, 1, k, opmask, from->id, from->lang, b);
            } else {
                int lang;
                if (!make_negative(&r, k, b, &lang))
                    break;
                if (seen_before(&set, &nset, &cap, b))
                    continue;
                write_item(&o, &seq, 0, k, 0, NULL, lang, b);
            }
            made++;
        }
    }
    free(set);
    out_close(&o);
    free(runs);
    runs = NULL;
    n_runs = cap_runs = 0;
}
