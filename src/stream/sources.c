/*
 * sources.c — the source table: every descriptor defined by a src/stream/source_<name>.c, in
 * file-name order. The list (sources_list.h, one CH_SOURCE(name) line per file) is generated
 * by the build from the files present, so a new kind needs no edit here.
 */
#include <string.h>

#include "stream/source.h"

#define CH_SOURCE(n) extern const ch_source_kind ch_source_##n;
#include "sources_list.h"
#undef CH_SOURCE

static const ch_source_kind *const table[] = {
#define CH_SOURCE(n) &ch_source_##n,
#include "sources_list.h"
#undef CH_SOURCE
};

size_t ch_source_kind_count(void)
{
    return sizeof table / sizeof table[0];
}

const ch_source_kind *ch_source_kind_at(size_t i)
{
    return i < ch_source_kind_count() ? table[i] : NULL;
}

/* "scheme://..." with a scheme of letters, digits, '+', '-', '.': a URL, never a path a user
 * meant (a file of that name can still be given as file:scheme://...). */
static bool looks_like_url(const char *spec)
{
    const char *p = spec;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return p > spec && strncmp(p, "://", 3) == 0;
}

const ch_source_kind *ch_source_kind_for(const char *spec)
{
    if (!spec || !*spec)
        return NULL;
    const ch_source_kind *fallback = NULL;
    for (size_t i = 0; i < ch_source_kind_count(); i++) {
        const ch_source_kind *k = table[i];
        if (k->whole ? strcmp(spec, k->prefix) == 0
                     : strncmp(spec, k->prefix, strlen(k->prefix)) == 0)
            return k;
        if (k->fallback && !fallback)
            fallback = k;
    }
    return looks_like_url(spec) ? NULL : fallback;
}
