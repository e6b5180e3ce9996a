/*
 * bench/gen_statements.h — distractor statements for the parroting benchmarks: random walks
 * over a word-bigram model trained on real texts, jumping to another word half of the time.
 *   - trained on the scenario's statements: text in the statements' idiom (stock phrases,
 *     the story's names), without their sentences: what thousands of real statements on
 *     other matters look like to the posts;
 *   - trained on the posts too (stress): the statements also share the posts' everyday word
 *     pairs, so most post bigrams have long posting lists. Generated posts come from small
 *     templates, so such walks also contain thousands of whole short posts: use it for speed,
 *     not for precision.
 * Deterministic (fixed seed). Header-only, for bench/ only.
 */
#ifndef CHORUS_BENCH_GEN_STATEMENTS_H
#define CHORUS_BENCH_GEN_STATEMENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/post.h"
#include "ingest/statements.h"

/* ---- a word-bigram text model ------------------------------------------------------------- */

typedef struct word {
    const char *s;
    uint32_t n;
    uint32_t *next;       /* successor word ids */
    uint32_t nnext, cap;
} word;

typedef struct model {
    word *w;
    uint32_t nw, capw;
    uint32_t *tab;        /* open addressing: word id + 1 */
    uint32_t mask;
    uint32_t *starts;     /* sentence-initial words */
    uint32_t nstarts, capstarts;
} model;

static inline uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static inline uint32_t word_id(model *m, const char *s, size_t n)
{
    if ((m->nw + 1) * 2 > m->mask + 1) {
        uint32_t nm = (m->mask + 1) * 2 - 1;
        uint32_t *t = calloc((size_t)nm + 1, sizeof *t);
        for (uint32_t i = 0; i < m->nw; i++) {
            uint32_t j = (uint32_t)fnv(m->w[i].s, m->w[i].n) & nm;
            while (t[j])
                j = (j + 1) & nm;
            t[j] = i + 1;
        }
        free(m->tab);
        m->tab = t;
        m->mask = nm;
    }
    uint32_t j = (uint32_t)fnv(s, n) & m->mask;
    while (m->tab[j]) {
        word *w = &m->w[m->tab[j] - 1];
        if (w->n == n && memcmp(w->s, s, n) == 0)
            return m->tab[j] - 1;
        j = (j + 1) & m->mask;
    }
    if (m->nw == m->capw) {
        m->capw = m->capw ? m->capw * 2 : 4096;
        m->w = realloc(m->w, m->capw * sizeof *m->w);
    }
    char *c = malloc(n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    m->w[m->nw] = (word){c, (uint32_t)n, NULL, 0, 0};
    m->tab[j] = m->nw + 1;
    return m->nw++;
}

static inline void add_next(word *w, uint32_t id)
{
    if (w->nnext == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 4;
        w->next = realloc(w->next, w->cap * sizeof *w->next);
    }
    w->next[w->nnext++] = id;
}

static inline bool cjk_lead(unsigned char c) { return c >= 0xE3 && c <= 0xE9; }

/* Adds the words of a text (split at white space; CJK characters are words of their own;
 * links and mentions dropped). */
static inline void train(model *m, const char *t, size_t n)
{
    uint32_t prev = UINT32_MAX;
    for (size_t i = 0; i < n;) {
        while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t'))
            i++;
        size_t a = i;
        if (i < n && cjk_lead((unsigned char)t[i]) && i + 3 <= n) {
            i += 3;
        } else {
            while (i < n && t[i] != ' ' && t[i] != '\n' && t[i] != '\t' &&
                   !cjk_lead((unsigned char)t[i]))
                i++;
        }
        if (i == a || t[a] == '@' || (i - a > 4 && memcmp(t + a, "http", 4) == 0))
            continue;
        uint32_t id = word_id(m, t + a, i - a);
        if (prev == UINT32_MAX) {
            if (m->nstarts == m->capstarts) {
                m->capstarts = m->capstarts ? m->capstarts * 2 : 4096;
                m->starts = realloc(m->starts, m->capstarts * sizeof *m->starts);
            }
            m->starts[m->nstarts++] = id;
        } else {
            add_next(&m->w[prev], id);
        }
        char last = t[i - 1];
        bool end = last == '.' || last == '!' || last == '?' ||
                   (i - a == 3 && !memcmp(t + a, "\xE3\x80\x82", 3)); /* 。 */
        prev = end ? UINT32_MAX : id;
    }
}

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static inline uint64_t rnd(void)
{
    rng_state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = rng_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A statement of about `bytes` bytes: sentences of random walks, 8-30 words each. Half the
 * steps jump to a word that follows a random word (so frequent words stay frequent): the text
 * shares the training texts' words and pairs, not their sentences. */
static inline size_t generate(const model *m, char *out, size_t bytes)
{
    size_t o = 0;
    while (o < bytes) {
        uint32_t id = m->starts[rnd() % m->nstarts];
        unsigned len = 8 + (unsigned)(rnd() % 23);
        bool prev_cjk = false;
        for (unsigned k = 0; k < len; k++) {
            const word *w = &m->w[id];
            if (o + w->n + 2 >= bytes + 256)
                break;
            bool cjk = cjk_lead((unsigned char)w->s[0]);
            if (o && !(cjk && prev_cjk))
                out[o++] = ' ';
            memcpy(out + o, w->s, w->n);
            o += w->n;
            prev_cjk = cjk;
            if (!w->nnext || rnd() % 2 == 0) {
                const word *any = &m->w[m->starts[rnd() % m->nstarts]];
                id = any->nnext ? any->next[rnd() % any->nnext] : m->starts[rnd() % m->nstarts];
            } else {
                id = w->next[rnd() % w->nnext];
            }
        }
        if (o && out[o - 1] != '.' && o + 1 < bytes + 256)
            out[o++] = '.';
    }
    out[o] = '\0';
    return o;
}

/* Adds statements "G000018"... to `set` until it holds `want`, each about `bytes` long, from a
 * model trained on the set's statements (only those in `lang` unless it is NULL), and with
 * `posts` also on up to 200,000 posts of the corpus (c may be NULL without). */
static inline void gen_statements(ch_stmtset *set, const chorus_corpus *c, bool posts,
                                  const char *lang, size_t want, size_t bytes)
{
    size_t own = ch_stmtset_count(set), np = posts && c ? ch_corpus_nposts(c) : 0;
    if (own >= want)
        return;
    model m = {0};
    m.mask = 1023;
    m.tab = calloc(1024, sizeof *m.tab);
    for (size_t i = 0; i < own; i++)
        if (!lang || !strcmp(ch_stmtset_get(set, i)->lang, lang))
            train(&m, ch_stmtset_get(set, i)->text, ch_stmtset_get(set, i)->text_len);
    for (size_t i = 0; i < np && i < 200000; i++)
        train(&m, ch_corpus_post(c, i)->text, ch_corpus_post(c, i)->text_len);
    char *buf = malloc(bytes + 512);
    for (size_t i = own; i < want && m.nstarts; i++) {
        size_t n = generate(&m, buf, bytes);
        char id[32];
        snprintf(id, sizeof id, "G%06zu", i);
        ch_stmtset_add(set, id, strlen(id), buf, n, "generated", lang ? lang : "en",
                       1677628800);
    }
    free(buf);
    for (uint32_t i = 0; i < m.nw; i++) {
        free((void *)m.w[i].s);
        free(m.w[i].next);
    }
    free(m.w);
    free(m.tab);
    free(m.starts);
}

#endif
