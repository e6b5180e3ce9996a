/* stem.c — Snowball stemming through libstemmer, one stemmer per language, made on first use
 * (see stem.h). */
#include <libstemmer.h>
#include <stdbool.h>
#include <string.h>

#include "chorus.h"
#include "core/alloc.h"
#include "text/stem.h"

struct ch_stemmer {
    struct sb_stemmer *sb[2]; /* English, French */
    bool failed[2];           /* creation failed once: do not retry per word */
};

ch_lang ch_lang_from_code(const char *code)
{
    if (!code || !code[0] || !strcmp(code, "und") || !strcmp(code, "zxx"))
        return CH_LANG_UNKNOWN;
    /* "en", "en-GB", "en_US", "eng" */
    if (code[0] == 'e' && code[1] == 'n' && (code[2] == 0 || code[2] == '-' || code[2] == '_' ||
                                             (code[2] == 'g' && code[3] == 0)))
        return CH_LANG_EN;
    if (code[0] == 'f' && code[1] == 'r' && (code[2] == 0 || code[2] == '-' || code[2] == '_' ||
                                             (code[2] == 'a' && code[3] == 0) ||
                                             (code[2] == 'e' && code[3] == 0)))
        return CH_LANG_FR;
    return CH_LANG_OTHER;
}

int ch_stemmer_new(ch_stemmer **out)
{
    *out = ch_calloc(1, sizeof **out);
    return *out ? CHORUS_OK : CHORUS_ENOMEM;
}

void ch_stemmer_free(ch_stemmer *st)
{
    if (!st)
        return;
    sb_stemmer_delete(st->sb[0]);
    sb_stemmer_delete(st->sb[1]);
    ch_free(st);
}

size_t ch_stem(ch_stemmer *st, ch_lang lang, const char *w, size_t n, char *out, size_t cap)
{
    if ((lang != CH_LANG_EN && lang != CH_LANG_FR) || n < 3 || n > 64)
        return 0;
    int k = lang == CH_LANG_FR;
    if (!st->sb[k]) {
        if (st->failed[k])
            return 0;
        st->sb[k] = sb_stemmer_new(k ? "french" : "english", NULL);
        if (!st->sb[k]) {
            st->failed[k] = true;
            return 0;
        }
    }
    const sb_symbol *s = sb_stemmer_stem(st->sb[k], (const sb_symbol *)w, (int)n);
    int l = s ? sb_stemmer_length(st->sb[k]) : 0;
    if (l <= 0 || (size_t)l > cap)
        return 0;
    memcpy(out, s, (size_t)l);
    return (size_t)l;
}
