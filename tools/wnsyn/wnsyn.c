/*
 * wnsyn.c — builds the synonym table of the parroting matcher from WordNet 3.0 (Debian's
 * wordnet-base, /usr/share/wordnet) at build time, as a generated C header.
 *
 * usage: ch-wnsyn WORDNET_DIR EXCLUDE_FILE OUT_HEADER
 *
 * The matcher compares Snowball stems, so the table maps a stem to the stem that represents its
 * synonym set: "groundless" -> "baseless", "unfound" (unfounded) -> "baseless". WordNet groups
 * word senses, not words, and most words have several senses; putting every synset into the
 * table would make "all" a synonym of "completely" and "assumed" of "sham". A synset becomes a
 * synonym set only with the members for which it is safe:
 *   - the synset is the member's FIRST sense (WordNet orders senses by frequency), in the
 *     member's DOMINANT part of speech (most tagged occurrences in cntlist.rev, else most
 *     senses; a tie is no dominant one), and the member has at most MAX_SENSES senses there;
 *   - the member is one word of three letters or more, not a stop word (below);
 *   - the member's stem READS as the member: of all WordNet lemmas with that stem, in any part
 *     of speech, the most frequent one (tagged occurrences, then senses) is in the set, and no
 *     lemma with the stem is in another set ("assumed", a synonym of "sham", shares "assum"
 *     with the far more frequent "assume": the stem is not mapped; "groundlessness" shares
 *     "groundless" with "groundless" and is rarer: the stem is mapped; a lemma of another
 *     set vetoes unless it is under a quarter as frequent, "doctorate" against "doctor");
 *   - the set keeps at least two distinct pure stems, and none of its members is listed in
 *     EXCLUDE_FILE (sets that cost precision on the team's tuning negatives; one word a line,
 *     '#' comments).
 * Each stem maps to the smallest stem of its set; the representative maps to nothing (itself).
 *
 * Irregular inflections: WordNet's exception lists for verbs and nouns (verb.exc, noun.exc:
 * "found find", "chose choose", "crises crisis") give the base form that Snowball cannot
 * reach ("found" stems to "found", "finds" to "find"). A form is mapped only when it is rarer
 * as a word of its own than its base form (tagged occurrences, at most half): "ground" (the
 * noun) is not "grind", "said" is "say".
 *
 * Output: OUT_HEADER with `static const char ch_wn_syn_pairs[]` holding "stem\0rep\0" pairs
 * sorted by stem, CH_WN_SYN_COUNT, `static const char ch_wn_irregular_pairs[]` holding
 * "form\0base\0" pairs and CH_WN_IRREGULAR_COUNT. Statistics go to stderr. Exit 0, or 1 when WordNet
 * cannot be read (the build then fails and names the file).
 *
 * Memory: the WordNet index (~150,000 lemmas) in memory; runs in well under a second.
 */
#include <ctype.h>
#include <errno.h>
#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SENSES 4 /* senses a member may have in its part of speech */
#define MAX_WORD 64

enum { P_N, P_V, P_A, P_R, P_NUM };
static const char *const pos_file[P_NUM] = {"noun", "verb", "adj", "adv"};

/* Function words and very common words: never in a synonym set. */
static const char *const stop[] = {
    "about", "above", "across", "after", "again", "against", "all", "almost", "alone", "along",
    "already", "also", "although", "always", "among", "and", "another", "any", "anyone",
    "anything", "are", "around", "away", "back", "because", "been", "before", "behind", "being",
    "below", "between", "both", "but", "can", "come", "could", "did", "does", "doing", "done",
    "down", "during", "each", "either", "else", "enough", "even", "ever", "every", "few", "first",
    "for", "from", "full", "further", "get", "give", "goes", "going", "gone", "good", "got",
    "had", "has", "have", "having", "her", "here", "hers", "him", "his", "how", "however",
    "into", "its", "itself", "just", "keep", "last", "least", "less", "let", "like", "little",
    "long", "made", "make", "many", "may", "might", "more", "most", "much", "must", "near",
    "need", "neither", "never", "new", "next", "nobody", "none", "nor", "not", "nothing", "now",
    "off", "often", "old", "once", "one", "only", "onto", "other", "others", "our", "out",
    "over", "own", "part", "per", "perhaps", "put", "quite", "rather", "really", "right",
    "same", "say", "see", "seem", "set", "several", "shall", "she", "should", "since", "some",
    "still", "such", "take", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "thing", "this", "those", "though", "through", "thus", "till", "together", "too",
    "toward", "towards", "two", "under", "until", "upon", "use", "very", "via", "was", "way",
    "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whole",
    "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
    "yes", "three", "four", "five", "ten", "hundred", "thousand", "million", "billion", "second",
    "third", "time", "times", "year", "years", "day", "days", "man", "men", "people", "thing",
    "things", "world", "want", "know", "think", "look", "find", "tell", "ask", "work", "call",
    "try", "feel", "leave", "mean", "show", "turn", "start", "hold", "bring", "write", "run",
    "move", "live", "play", "stand", "lose", "pay", "meet", "include", "continue", "learn",
    "change", "lead", "watch", "follow", "stop", "speak", "read", "allow", "add", "grow", "open",
    "walk", "win", "offer", "remember", "love", "consider", "appear", "buy", "wait", "serve",
    "die", "send", "expect", "build", "stay", "fall", "cut", "reach", "kill", "remain", "high",
    "low", "big", "small", "large", "great", "real", "best", "better", "sure", "able", "late",
    "early", "young", "certain", "clear", "free", "general", "whole", "main", "major", "key",
    "close", "common", "possible", "public", "able", "likely", "true", "false"};

static bool is_stop(const char *w)
{
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (!strcmp(w, stop[i]))
            return true;
    return false;
}

/* ---- a string-keyed open-addressing table of lemmas ---------------------------------------- */

typedef struct lemma {
    char *w;
    uint32_t first[P_NUM];   /* first synset offset per part of speech, 0 = not in it */
    uint16_t senses[P_NUM];  /* senses per part of speech */
    uint32_t tags[P_NUM];    /* tagged occurrences per part of speech (cntlist.rev) */
    int dominant;            /* part of speech, -1 none */
    int cls;                 /* synonym set, -1 none */
    char stem[MAX_WORD];
} lemma;

static lemma *lem;
static size_t nlem, caplem;
static size_t *slot;         /* lemma index + 1, 0 empty */
static size_t nslot;

static uint64_t hstr(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "ch-wnsyn: out of memory\n");
        exit(1);
    }
    return q;
}

static lemma *lemma_get(const char *w, bool add)
{
    if (nslot == 0 || (add && (nlem + 1) * 2 > nslot)) {
        size_t ns = nslot ? nslot * 2 : 1 << 18;
        free(slot);
        slot = calloc(ns, sizeof *slot);
        if (!slot)
            exit(1);
        nslot = ns;
        for (size_t i = 0; i < nlem; i++) {
            size_t j = hstr(lem[i].w) & (nslot - 1);
            while (slot[j])
                j = (j + 1) & (nslot - 1);
            slot[j] = i + 1;
        }
    }
    size_t j = hstr(w) & (nslot - 1);
    while (slot[j]) {
        if (!strcmp(lem[slot[j] - 1].w, w))
            return &lem[slot[j] - 1];
        j = (j + 1) & (nslot - 1);
    }
    if (!add)
        return NULL;
    if (nlem == caplem) {
        caplem = caplem ? caplem * 2 : 1 << 17;
        lem = xrealloc(lem, caplem * sizeof *lem);
    }
    lemma *l = &lem[nlem];
    memset(l, 0, sizeof *l);
    l->w = strdup(w);
    l->dominant = -1;
    l->cls = -1;
    slot[j] = ++nlem;
    return l;
}

/* ---- reading WordNet ---------------------------------------------------------------------- */

static FILE *open_wn(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "ch-wnsyn: cannot read %s: %s (install wordnet-base: "
                        "scripts/setup-deps.sh)\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

/* A lemma as the matcher sees it: ASCII letters only, lower case, 3..MAX_WORD-1 bytes. */
static bool plain_word(const char *w)
{
    size_t n = strlen(w);
    if (n < 3 || n >= MAX_WORD)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)w[i]))
            return false;
    return true;
}

/* index.POS: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset... */
static void read_index(const char *dir, int pos)
{
    char name[32], line[1 << 16];
    snprintf(name, sizeof name, "index.%s", pos_file[pos]);
    FILE *f = open_wn(dir, name);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == ' ')
            continue; /* licence header */
        char *tok[1024];
        int n = 0;
        for (char *p = strtok(line, " \n"); p && n < 1024; p = strtok(NULL, " \n"))
            tok[n++] = p;
        if (n < 6)
            continue;
        int pcnt = atoi(tok[3]);
        if (4 + pcnt + 2 >= n)
            continue;
        int senses = atoi(tok[4 + pcnt]);
        lemma *l = lemma_get(tok[0], true);
        l->senses[pos] = (uint16_t)senses;
        l->first[pos] = (uint32_t)strtoul(tok[4 + pcnt + 2], NULL, 10);
    }
    fclose(f);
}

/* cntlist.rev: sense_key sense_number tag_cnt; sense_key = lemma%ss_type:... */
static void read_counts(const char *dir)
{
    FILE *f = open_wn(dir, "cntlist.rev");
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *pct = strchr(line, '%');
        if (!pct || !pct[1])
            continue;
        *pct = 0;
        int ss = pct[1] - '0';
        int pos = ss == 1 ? P_N : ss == 2 ? P_V : ss == 3 || ss == 5 ? P_A : ss == 4 ? P_R : -1;
        char *sp = strrchr(pct + 1, ' ');
        if (pos < 0 || !sp)
            continue;
        lemma *l = lemma_get(line, false);
        if (l)
            l->tags[pos] += (uint32_t)strtoul(sp + 1, NULL, 10);
    }
    fclose(f);
}

static void dominance(void)
{
    for (size_t i = 0; i < nlem; i++) {
        lemma *l = &lem[i];
        int best = -1;
        bool tie = false;
        bool tagged = false;
        for (int p = 0; p < P_NUM; p++)
            tagged |= l->tags[p] > 0;
        for (int p = 0; p < P_NUM; p++) {
            if (!l->senses[p])
                continue;
            uint32_t v = tagged ? l->tags[p] : l->senses[p];
            uint32_t bv = best < 0 ? 0 : tagged ? l->tags[best] : l->senses[best];
            if (best < 0 || v > bv) {
                best = p;
                tie = false;
            } else if (v == bv) {
                tie = true;
            }
        }
        l->dominant = tie ? -1 : best;
    }
}

/* ---- synonym sets --------------------------------------------------------------------------- */

typedef struct cls {
    int n;
    size_t m[16];  /* lemma indices */
    bool excluded;
    char rep[MAX_WORD];
} cls;

static cls *sets;
static int nsets, capsets;

/* data.POS: offset lex_filenum ss_type w_cnt(hex) word lex_id ... */
static void read_data(const char *dir, int pos)
{
    char name[32], line[1 << 16];
    snprintf(name, sizeof name, "data.%s", pos_file[pos]);
    FILE *f = open_wn(dir, name);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == ' ')
            continue;
        char *save = NULL;
        char *off = strtok_r(line, " ", &save);
        strtok_r(NULL, " ", &save); /* lex_filenum */
        strtok_r(NULL, " ", &save); /* ss_type */
        char *wc = strtok_r(NULL, " ", &save);
        if (!off || !wc)
            continue;
        uint32_t offset = (uint32_t)strtoul(off, NULL, 10);
        int nw = (int)strtol(wc, NULL, 16);
        cls c = {0};
        for (int i = 0; i < nw; i++) {
            char *w = strtok_r(NULL, " ", &save);
            strtok_r(NULL, " ", &save); /* lex_id */
            if (!w)
                break;
            char lw[MAX_WORD * 2];
            snprintf(lw, sizeof lw, "%s", w);
            char *paren = strchr(lw, '('); /* adjective markers: (a) (p) (ip) */
            if (paren)
                *paren = 0;
            for (char *p = lw; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            if (!plain_word(lw) || is_stop(lw))
                continue;
            lemma *l = lemma_get(lw, false);
            if (!l || l->first[pos] != offset || l->dominant != pos ||
                l->senses[pos] > MAX_SENSES || c.n >= 16)
                continue;
            bool dup = false;
            for (int k = 0; k < c.n; k++)
                dup |= c.m[k] == (size_t)(l - lem);
            if (!dup)
                c.m[c.n++] = (size_t)(l - lem);
        }
        if (c.n < 2)
            continue;
        if (nsets == capsets) {
            capsets = capsets ? capsets * 2 : 4096;
            sets = xrealloc(sets, (size_t)capsets * sizeof *sets);
        }
        for (int k = 0; k < c.n; k++)
            lem[c.m[k]].cls = nsets;
        sets[nsets++] = c;
    }
    fclose(f);
}

static void read_exclude(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "ch-wnsyn: cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *h = strchr(line, '#');
        if (h)
            *h = 0;
        char *w = strtok(line, " \t\r\n");
        if (!w)
            continue;
        lemma *l = lemma_get(w, false);
        if (l && l->cls >= 0) {
            sets[l->cls].excluded = true;
            n++;
        }
    }
    fclose(f);
    fprintf(stderr, "ch-wnsyn: %d sets excluded by %s\n", n, path);
}

/* ---- stems ---------------------------------------------------------------------------------- */

typedef struct stemrec {
    char stem[MAX_WORD];
    int cls;       /* the lemma's set, -1 none */
    uint32_t freq; /* the lemma's tagged occurrences */
    uint32_t senses;
} stemrec;

static int cmp_stemrec(const void *a, const void *b)
{
    return strcmp(((const stemrec *)a)->stem, ((const stemrec *)b)->stem);
}

static uint32_t total_tags(const lemma *l)
{
    uint32_t t = 0;
    for (int p = 0; p < P_NUM; p++)
        t += l->tags[p];
    return t;
}

/* verb.exc and noun.exc: "form base" lines; writes the pairs kept and returns their count. */
static size_t write_irregular(const char *dir, FILE *out)
{
    static const char *const files[] = {"verb.exc", "noun.exc"};
    size_t n = 0;
    fprintf(out, "static const char ch_wn_irregular_pairs[] =\n");
    for (size_t k = 0; k < 2; k++) {
        FILE *f = open_wn(dir, files[k]);
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char *form = strtok(line, " \n"), *base = strtok(NULL, " \n");
            if (!form || !base || strtok(NULL, " \n") || !plain_word(form) ||
                !plain_word(base) || !strcmp(form, base))
                continue; /* one base form only: "lay" is "lie" and "lay" */
            const lemma *lf = lemma_get(form, false), *lb = lemma_get(base, false);
            if (!lb || (lf && (uint64_t)total_tags(lf) * 2 >= total_tags(lb)))
                continue;
            fprintf(out, "    \"%s\\0%s\\0\"\n", form, base);
            n++;
        }
        fclose(f);
    }
    fprintf(out, "    \"\";\n#define CH_WN_IRREGULAR_COUNT %zu\n", n);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: ch-wnsyn WORDNET_DIR EXCLUDE_FILE OUT_HEADER\n");
        return 2;
    }
    const char *dir = argv[1];
    for (int p = 0; p < P_NUM; p++)
        read_index(dir, p);
    read_counts(dir);
    dominance();
    for (int p = 0; p < P_NUM; p++)
        read_data(dir, p);
    read_exclude(argv[2]);

    struct sb_stemmer *st = sb_stemmer_new("english", NULL);
    if (!st) {
        fprintf(stderr, "ch-wnsyn: libstemmer has no English stemmer\n");
        return 1;
    }
    /* every plain lemma's stem, with the set of its lemmas */
    stemrec *sr = malloc(nlem * sizeof *sr);
    size_t nsr = 0;
    for (size_t i = 0; i < nlem; i++) {
        lemma *l = &lem[i];
        if (!plain_word(l->w))
            continue;
        const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)l->w, (int)strlen(l->w));
        int sl = sb_stemmer_length(st);
        if (!s || sl <= 0 || sl >= MAX_WORD)
            continue;
        memcpy(l->stem, s, (size_t)sl);
        l->stem[sl] = 0;
        snprintf(sr[nsr].stem, MAX_WORD, "%s", l->stem);
        sr[nsr].cls = l->cls;
        sr[nsr].freq = sr[nsr].senses = 0;
        for (int p = 0; p < P_NUM; p++) {
            sr[nsr].freq += l->tags[p];
            sr[nsr].senses += l->senses[p];
        }
        nsr++;
    }
    qsort(sr, nsr, sizeof *sr, cmp_stemrec);
    /* merge equal stems: the stem takes the set of its most frequent lemma, unless another
     * lemma with the stem is in another set */
    size_t nu = 0;
    for (size_t i = 0; i < nsr;) {
        size_t j = i, top = i;
        while (j < nsr && !strcmp(sr[j].stem, sr[i].stem)) {
            if (sr[j].freq > sr[top].freq ||
                (sr[j].freq == sr[top].freq && sr[j].senses > sr[top].senses))
                top = j;
            j++;
        }
        int c = sr[top].cls;
        for (size_t k = i; k < j && c >= 0; k++)
            if (sr[k].cls >= 0 && sr[k].cls != c && (uint64_t)sr[k].freq * 4 >= sr[top].freq)
                c = -1;
        sr[nu] = sr[i];
        sr[nu].cls = c;
        nu++;
        i = j;
    }
    /* representative: the smallest pure stem of the set; a set needs two pure stems */
    int *pure = calloc((size_t)nsets, sizeof *pure);
    for (size_t i = 0; i < nu; i++) {
        int c = sr[i].cls;
        if (c < 0 || sets[c].excluded)
            continue;
        pure[c]++;
        if (!sets[c].rep[0] || strcmp(sr[i].stem, sets[c].rep) < 0)
            snprintf(sets[c].rep, MAX_WORD, "%s", sr[i].stem);
    }
    FILE *out = fopen(argv[3], "w");
    if (!out) {
        fprintf(stderr, "ch-wnsyn: cannot write %s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    fprintf(out, "/* generated by ch-wnsyn (tools/wnsyn/wnsyn.c) from WordNet 3.0 (Princeton "
                 "University, WordNet licence) in %s; do not edit */\n", dir);
    fprintf(out, "static const char ch_wn_syn_pairs[] =\n");
    size_t pairs = 0;
    int used_sets = 0;
    for (int c = 0; c < nsets; c++)
        used_sets += pure[c] >= 2;
    for (size_t i = 0; i < nu; i++) {
        int c = sr[i].cls;
        if (c < 0 || sets[c].excluded || pure[c] < 2 || !strcmp(sr[i].stem, sets[c].rep))
            continue;
        fprintf(out, "    \"%s\\0%s\\0\"\n", sr[i].stem, sets[c].rep);
        pairs++;
    }
    fprintf(out, "    \"\";\n#define CH_WN_SYN_COUNT %zu\n", pairs);
    size_t irr = write_irregular(dir, out);
    if (fclose(out) != 0) {
        fprintf(stderr, "ch-wnsyn: write error on %s\n", argv[3]);
        return 1;
    }
    fprintf(stderr, "ch-wnsyn: %zu lemmas, %d candidate sets, %d sets kept, %zu stems mapped, "
                    "%zu irregular forms\n", nlem, nsets, used_sets, pairs, irr);
    sb_stemmer_delete(st);
    free(pure);
    free(sr);
    return 0;
}
