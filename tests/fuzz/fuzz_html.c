/* fuzz_html.c — libFuzzer target: arbitrary bytes as an HTML fragment (Mastodon content);
 * checks the bounds html.h promises: the text fits the input's length and is NUL-terminated,
 * and every link lies in the link half of the caller's buffer. */
#include <stdlib.h>
#include <string.h>

#include "text/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = malloc(ch_html_bufsize(size));
    if (!out)
        return 0;
    ch_html_links links;
    size_t len = ch_html_text((const char *)data, size, out, &links);
    if (len > size || out[len] != '\0' || links.n > CH_HTML_MAX_LINKS)
        __builtin_trap();
    for (size_t i = 0; i < links.n; i++)
        if (links.url[i].p < out + size + 1 ||
            links.url[i].p + links.url[i].n > out + ch_html_bufsize(size))
            __builtin_trap();
    free(out);
    return 0;
}
