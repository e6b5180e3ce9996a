/* fuzz_escape.c — libFuzzer target: hostile text in the report and the exports. The fuzz
 * bytes become the handles of 12 accounts, the text of a statement and of the posts that
 * parrot it, and the statement's source (so the report shows all of them beside each other,
 * and the exports every account). Then:
 *   - the HTML report, parsed with libxml2's HTML parser, holds no element that can run or
 *     load anything (script, iframe, object, embed, img, ...) and no on* attribute, and never
 *     carries a '<' that came from the text: the text is planted after a marker, and the
 *     marker followed by the text up to its first '<' must not appear;
 *   - the GraphML and GEXF exports parse as well-formed XML (libxml2) and hold no '<' from the
 *     text (same marker rule);
 *   - the JSON export parses back (SQLite's JSON parser) and every handle reads back as the
 *     database holds it.
 * Inputs are JSON-escaped by the target, so every run builds a valid chorus-format file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "fuzz_scan.h"

/* Markers put before the handle's and the text's bytes (two, so that one's needle cannot
 * match where the other ends and the file's own markup follows); MARK finds either. */
#define MARK "Zq7Mk"
#define MARK_H MARK "H"
#define MARK_T MARK "T"

static void json_str(FILE *f, const char *prefix, const uint8_t *s, size_t n)
{
    fprintf(f, "\"%s", prefix);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x80)
            fprintf(f, "\\u%04x", c);   /* bytes as Latin-1 letters: valid UTF-8 out */
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The marker and the text up to and including its first '<', or NULL when it has none. */
static char *needle(const char *mark, const uint8_t *s, size_t n)
{
    const uint8_t *lt = memchr(s, '<', n);
    if (!lt)
        return NULL;
    for (const uint8_t *p = s; p < lt; p++)
        if (*p < 0x20 || *p >= 0x7f || *p == '&' || *p == '"' || *p == '\'' || *p == '>' ||
            *p == '\\')
            return NULL;   /* changed on the way (escaped, replaced): the rule says nothing */
    size_t k = (size_t)(lt - s) + 1;
    const size_t m = strlen(mark);
    char *r = malloc(m + k + 1);
    memcpy(r, mark, m);
    memcpy(r + m, s, k);
    r[m + k] = '\0';
    return r;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    fclose(f);
    fclose(m);
    return out;
}

static void no_errors(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

/* Elements and attributes markup injected into a page would add. */
/* The report's own script: a <script> without attributes (allowed by its hash in the page's
 * policy) whose text holds nothing of the posts. One per page. */
static bool own_script(xmlNode *n, int *seen)
{
    if (xmlStrcasecmp(n->name, (const xmlChar *)"script") || n->properties || (*seen)++)
        return false;
    xmlChar *text = xmlNodeGetContent(n);
    bool ok = text && !strstr((const char *)text, MARK);
    xmlFree(text);
    return ok;
}

static bool dangerous_in(xmlNode *n, int *scripts)
{
    static const char *const bad[] = {"script", "iframe", "object", "embed", "img", "frame",
                                      "form", "input", "textarea", "base", "link",
                                      "video", "audio", "math", NULL};
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (own_script(n, scripts))
            continue;
        for (size_t i = 0; bad[i]; i++)
            if (!xmlStrcasecmp(n->name, (const xmlChar *)bad[i]))
                return true;
        for (xmlAttr *a = n->properties; a; a = a->next)
            if ((a->name[0] == 'o' || a->name[0] == 'O') && (a->name[1] == 'n' || a->name[1] == 'N'))
                return true;
        /* a link the text could aim at script */
        xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
        if (href) {
            const xmlChar *h = href;
            while (*h && *h <= ' ')
                h++;
            bool js = !xmlStrncasecmp(h, (const xmlChar *)"javascript:", 11) ||
                      !xmlStrncasecmp(h, (const xmlChar *)"data:", 5);
            xmlFree(href);
            if (js)
                return true;
        }
        if (dangerous_in(n->children, scripts))
            return true;
    }
    return false;
}

static bool dangerous(xmlNode *n)
{
    int scripts = 0;
    return dangerous_in(n, &scripts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    static bool init;
    if (!init) {
        xmlInitParser();
        xmlSetGenericErrorFunc(NULL, no_errors);
        init = true;
    }
    /* the first part is the handle text, the rest the post text */
    size_t split = size / 4;
    const uint8_t *h = data, *t = data + split;
    size_t hn = split, tn = size - split;
    const char *in = fuzz_path("posts.jsonl"), *st = fuzz_path("statements.jsonl"),
               *db = fuzz_path("e.db");
    /* a sentence after the bytes, long enough for the posts to match the statement */
    static const char tail[] = " the ministry said that the referendum was free and fair";
    uint8_t *tt = malloc(tn + sizeof tail);
    memcpy(tt, t, tn);
    memcpy(tt + tn, tail, sizeof tail - 1);
    FILE *f = fopen(st, "w");
    fprintf(f, "{\"id\":\"s1\",\"published_at\":1709280000,\"lang\":\"en\",\"source\":");
    json_str(f, MARK_H, h, hn);
    fprintf(f, ",\"text\":");
    json_str(f, MARK_T, tt, tn + sizeof tail - 1);
    fprintf(f, "}\n");
    fclose(f);
    f = fopen(in, "w");
    long id = 1;
    for (int k = 0; k < 6; k++)
        for (int a = 0; a < 12; a++) {
            fprintf(f, "{\"id\":\"%ld\",\"author_id\":\"u%d\",\"author\":", id++, a);
            json_str(f, MARK_H, h, hn);   /* the marker then the bytes */
            fprintf(f, ",\"created_at\":%ld,\"text\":", 1709280000L + k * 600 + a);
            json_str(f, MARK_T, tt, tn + sizeof tail - 1);
            fprintf(f, ",\"kind\":\"post\",\"urls\":[\"https://example.org/%d\"]}\n", k);
        }
    fclose(f);
    free(tt);
    if (fuzz_scan(in, "chorus", st, "1", db) != CHORUS_OK)
        return 0;

    char *nt = needle(MARK_T, t, tn), *nh = needle(MARK_H, h, hn);
    chorus_error err;
    const char *html = fuzz_path("r.html");
    if (chorus_report_write(db, html, NULL, NULL, &err) == CHORUS_OK) {
        char *r = slurp(html);
        /* The report shows excerpts: a text cut right after the marker is followed by the
         * page's own markup, so "marker<" proves nothing there; the parser below is the
         * check (no element or attribute the text could have made). */
        if (getenv("FUZZ_ESCAPE_VERBOSE")) {   /* to see that the text reached the page */
            size_t k = 0;
            for (const char *p = strstr(r, MARK); p; p = strstr(p + 1, MARK))
                k++;
            fprintf(stderr, "report: %zu bytes, marker %zu times\n", strlen(r), k);
        }
        htmlDocPtr doc = htmlReadMemory(r, (int)strlen(r), "r.html", "UTF-8",
                                        HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING);
        if (!doc || dangerous(xmlDocGetRootElement(doc))) {
            fprintf(stderr, "the report holds an active element\n");
            abort();
        }
        xmlFreeDoc(doc);
        free(r);
    }
    static const char *const xml[] = {"graphml", "gexf"};
    for (int k = 0; k < 2; k++) {
        const char *out = fuzz_path(k ? "n.gexf" : "n.graphml");
        chorus_export_opts o = {.format = xml[k], .all_accounts = true, .force = true};
        if (chorus_export_write(db, out, &o, NULL, &err) == CHORUS_OK) {
            char *r = slurp(out);
            if ((nh && strstr(r, nh)) || (nt && strstr(r, nt)))
                abort();
            xmlDocPtr doc = xmlReadMemory(r, (int)strlen(r), out, NULL, XML_PARSE_NONET);
            if (!doc) {
                fprintf(stderr, "%s export is not well-formed XML\n", xml[k]);
                abort();
            }
            xmlFreeDoc(doc);
            free(r);
        }
    }
    const char *js = fuzz_path("n.json");
    chorus_export_opts o = {.format = "json", .all_accounts = true, .force = true};
    if (chorus_export_write(db, js, &o, NULL, &err) == CHORUS_OK) {
        char *r = slurp(js);
        sqlite3 *d;
        sqlite3_stmt *q;
        if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
            abort();
        /* each account's handle in the database is the handle of its node in the export */
        if (sqlite3_prepare_v2(d,
                               "SELECT json_valid(?1), (SELECT count(*) FROM accounts a WHERE "
                               "NOT EXISTS (SELECT 1 FROM json_each(?1, '$.nodes') n WHERE "
                               "json_extract(n.value, '$.handle') IS a.handle))",
                               -1, &q, NULL) != SQLITE_OK)
            abort();
        sqlite3_bind_text(q, 1, r, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != 1 ||
            sqlite3_column_int(q, 1) != 0) {
            fprintf(stderr, "JSON export does not read back\n");
            abort();
        }
        sqlite3_finalize(q);
        sqlite3_close(d);
        free(r);
    }
    free(nt);
    free(nh);
    return 0;
}
