/* test_export.c — exports of the account network: structure of each format, escaping of a
 * hostile handle, the combined view, output paths, atomic writes and errors. GraphML is read
 * back with igraph (libxml2 underneath), JSON with the project's JSON parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <igraph.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus.h"
#include "core/alloc.h"
#include "core/json.h"
#include "report/export.h"
#include "store/store.h"

static char dir[256], db[300];

/* Everything a handle can throw at a writer: XML and CSV metacharacters, a control character
 * XML 1.0 forbids, a newline, DEL, a valid accent and a byte that is not UTF-8. */
static const char HOSTILE[] = "a<b&\"c'\x01\n\x7f\xc3\xa9\xff";
/* What it reads back as from XML (and JSON, where \x01 survives as \u0001). */
static const char HOSTILE_XML[] = "a<b&\"c'\xef\xbf\xbd\n\x7f\xc3\xa9\xef\xbf\xbd";
static const char HOSTILE_JSON[] = "a<b&\"c'\x01\n\x7f\xc3\xa9\xef\xbf\xbd";

static void exec(sqlite3 *d, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(d, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* Accounts 1 and 2 in cluster 0 with two behaviours between them; "id&3" (no handle) linked
 * to 1, stored in reverse order; 4 and 5 without edges. */
static void fill(sqlite3 *d)
{
    exec(d, "INSERT INTO run VALUES ('version', '0.1.0'), ('count.posts', '19');"
            "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES ('1', 'alice', 10, 0.1, 0, '{}');"
            "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES ('id&3', NULL, 3, 0.25, NULL, '{}');"
            "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES ('4', 'loner', 1, 0, NULL, '{}');"
            "INSERT INTO clusters VALUES (0, 2, 0.7, 'repost', 100, 200, 'two \"friends\"');"
            "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES ('1', '2', 'repost', 2.5, 3, 3, 1e-5);"
            "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES ('1', '2', 'narrative', 1.0, 2, 1, 0.01);"
            "INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue) VALUES ('id&3', '1', 'link', 0.5, 1, 1, 0.04);");
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(d, "INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons) VALUES (?1, ?2, 5, 0.8, ?3, '{}')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    /* Raw bytes: SQLite stores invalid UTF-8 as given, as a careless writer might. */
    sqlite3_bind_text(q, 1, "2", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, HOSTILE, (int)strlen(HOSTILE), SQLITE_STATIC);
    sqlite3_bind_int(q, 3, 0);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, "5", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, "x\xffy", 3, SQLITE_STATIC);
    sqlite3_bind_null(q, 3);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/chorus-test-export-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, sizeof db, "%s/r.db", dir);
    ch_store *s;
    char err[256];
    if (ch_store_open(db, NULL, &s, err, sizeof err) || ch_store_commit(s, err, sizeof err))
        return -1;
    sqlite3 *d;
    if (sqlite3_open(db, &d) != SQLITE_OK)
        return -1;
    fill(d);
    sqlite3_close(d);
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_attribute_table(&igraph_cattribute_table);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + CH_JSON_PADDING + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    memset(b + n, 0, CH_JSON_PADDING + 1);
    if (len)
        *len = (size_t)n;
    return b;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Valid UTF-8 and, for XML, no character XML 1.0 forbids (we write tab and CR as
 * references, so only newline may appear raw). */
static void check_text(const char *b, size_t n, bool xml)
{
    assert_true(ch_json_validate_utf8(b, n));
    for (size_t i = 0; xml && i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c < 0x20 && c != '\n')
            fail_msg("control byte 0x%02x at %zu", c, i);
    }
}

static char *export(ch_export_format f, const ch_export_opts *o, const char *name,
                    ch_export_stats *st, size_t *len)
{
    char out[400], err[256];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    int rc = ch_export_write(db, f, o, out, st, err, sizeof err);
    if (rc)
        fail_msg("export: %s", err);
    return slurp(out, len);
}

static void no_temp_files(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".chorus-tmp-"))
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

static void test_names(void **state)
{
    (void)state;
    ch_export_format f;
    assert_int_equal(ch_export_parse_format("GraphML", &f), CHORUS_OK);
    assert_int_equal(f, CH_EXPORT_GRAPHML);
    assert_int_equal(ch_export_parse_format("json", &f), CHORUS_OK);
    assert_int_equal(f, CH_EXPORT_JSON);
    assert_int_equal(ch_export_parse_format("dot", &f), CHORUS_EUSAGE);
    assert_int_equal(ch_export_format_of_path("a/b.gexf", &f), CHORUS_OK);
    assert_int_equal(f, CH_EXPORT_GEXF);
    assert_int_equal(ch_export_format_of_path("x.CSV", &f), CHORUS_OK);
    assert_int_equal(f, CH_EXPORT_CSV);
    assert_int_equal(ch_export_format_of_path("x.txt", &f), CHORUS_EFORMAT);
    assert_string_equal(ch_export_extension(CH_EXPORT_JSON), ".json");

    char b[64], n[128], e[128];
    assert_int_equal(ch_export_default_path("runs/x.db", CH_EXPORT_GRAPHML, b, sizeof b), 0);
    assert_string_equal(b, "runs/x.graphml");
    assert_int_equal(ch_export_default_path("a.b/results", CH_EXPORT_GEXF, b, sizeof b), 0);
    assert_string_equal(b, "a.b/results.gexf");
    assert_int_equal(ch_export_default_path(".db", CH_EXPORT_JSON, b, sizeof b), 0);
    assert_string_equal(b, ".db.json");
    assert_int_equal(ch_export_default_path("x.db", CH_EXPORT_CSV, b, 4), CHORUS_ELIMIT);

    assert_int_equal(ch_export_csv_paths("out", n, e, sizeof n), 0);
    assert_string_equal(n, "out-nodes.csv");
    assert_string_equal(e, "out-edges.csv");
    assert_int_equal(ch_export_csv_paths("r/x.csv", n, e, sizeof n), 0);
    assert_string_equal(n, "r/x-nodes.csv");
    assert_int_equal(ch_export_csv_paths("d/", n, e, sizeof n), 0);
    assert_string_equal(e, "d/edges.csv");
    assert_int_equal(ch_export_csv_paths(dir, n, e, sizeof n), 0);   /* an existing directory */
    assert_true(strstr(n, "/nodes.csv") != NULL);
    assert_int_equal(ch_export_csv_paths("-", n, e, sizeof n), CHORUS_EUSAGE);
}

static const char *vas(const igraph_t *g, const char *name, igraph_integer_t v)
{
    return VAS(g, name, v);
}

static void test_graphml(void **state)
{
    (void)state;
    ch_export_stats st;
    size_t n;
    char *b = export(CH_EXPORT_GRAPHML, NULL, "g.graphml", &st, &n);
    assert_int_equal(st.nodes, 3);
    assert_int_equal(st.edges, 3);
    check_text(b, n, true);
    assert_int_equal(count(b, "<node "), 3);
    assert_int_equal(count(b, "<edge "), 3);
    assert_non_null(strstr(b, "edgedefault=\"undirected\""));
    assert_null(strstr(b, "for=\"graph\""));   /* Gephi flags graph keys as severe issues */
    assert_non_null(strstr(b, "<edge id=\"e0\""));
    assert_non_null(strstr(b, "<edge id=\"e2\""));
    assert_non_null(strstr(b, "attr.name=\"cluster\" attr.type=\"int\""));
    assert_non_null(strstr(b, "attr.name=\"pvalue\" attr.type=\"double\""));
    assert_non_null(strstr(b, "a&lt;b&amp;&quot;c&apos;\xef\xbf\xbd&#10;"));
    assert_non_null(strstr(b, "<node id=\"id&amp;3\">"));
    assert_non_null(strstr(b, "source=\"1\" target=\"id&amp;3\""));  /* pair normalized */
    assert_non_null(strstr(b, "<data key=\"n_score\">0.1</data>"));  /* shortest form */
    assert_null(strstr(b, "loner"));
    free(b);

    /* A real XML parser (libxml2, through igraph) reads it back. */
    char path[400];
    snprintf(path, sizeof path, "%s/g.graphml", dir);
    FILE *f = fopen(path, "r");
    igraph_t g;
    igraph_error_t e = igraph_read_graph_graphml(&g, f, 0);
    fclose(f);
    if (e == IGRAPH_UNIMPLEMENTED) {
        skip();   /* igraph built without GraphML support */
    }
    assert_int_equal(e, IGRAPH_SUCCESS);
    assert_int_equal(igraph_vcount(&g), 3);
    assert_int_equal(igraph_ecount(&g), 3);
    assert_false(igraph_is_directed(&g));
    bool seen = false;
    for (igraph_integer_t v = 0; v < igraph_vcount(&g); v++) {
        if (!strcmp(vas(&g, "id", v), "2")) {
            assert_string_equal(vas(&g, "handle", v), HOSTILE_XML);
            assert_true(VAN(&g, "cluster", v) == 0);
            assert_true(VAN(&g, "posts", v) == 5);
            seen = true;
        }
        if (!strcmp(vas(&g, "id", v), "id&3")) {
            assert_string_equal(vas(&g, "label", v), "id&3");   /* no handle: the id */
            assert_true(VAN(&g, "cluster", v) == -1);
        }
    }
    assert_true(seen);
    assert_string_equal(EAS(&g, "behaviour", 0), "narrative");  /* (1,2) by behaviour */
    assert_true(EAN(&g, "weight", 1) == 2.5);
    assert_true(EAN(&g, "pvalue", 1) == 1e-5);
    igraph_destroy(&g);
}

static void test_gexf(void **state)
{
    (void)state;
    size_t n;
    char *b = export(CH_EXPORT_GEXF, NULL, "g.gexf", NULL, &n);
    check_text(b, n, true);
    assert_non_null(strstr(b, "<gexf xmlns=\"http://www.gexf.net/1.2draft\""));
    assert_non_null(strstr(b, "<graph mode=\"static\" defaultedgetype=\"undirected\""));
    assert_non_null(strstr(b, "<attributes class=\"node\" mode=\"static\">"));
    assert_non_null(strstr(b, "<attributes class=\"edge\" mode=\"static\">"));
    assert_non_null(strstr(b, "<attribute id=\"cluster\" title=\"cluster\" type=\"integer\"/>"));
    /* weight is GEXF's own edge attribute, not a declared one */
    assert_null(strstr(b, "title=\"weight\""));
    assert_int_equal(count(b, "<node "), 3);
    assert_int_equal(count(b, "<edge "), 3);
    assert_non_null(strstr(b, "<edge id=\"e1\" source=\"1\" target=\"2\" weight=\"2.5\" "
                              "label=\"repost\" kind=\"repost\">"));
    assert_non_null(strstr(b, "value=\"a&lt;b&amp;&quot;c&apos;\xef\xbf\xbd&#10;\x7f\xc3\xa9"
                              "\xef\xbf\xbd\""));
    assert_non_null(strstr(b, "<node id=\"id&amp;3\" label=\"id&amp;3\">"));
    /* ready for Gephi: a colour and size per node, positions from a layout */
    assert_non_null(strstr(b, "xmlns:viz=\"http://www.gexf.net/1.2draft/viz\""));
    assert_int_equal(count(b, "<viz:color "), 3);
    assert_int_equal(count(b, "<viz:size "), 3);
    assert_int_equal(count(b, "<viz:position "), 3);
    assert_non_null(strstr(b, "<viz:color r=\"180\" g=\"186\" b=\"196\"/>"));  /* no cluster */
    free(b);
}

/* Element i of an array (ch_json_path names object keys only). */
static ch_json_val nth(ch_json_val arr, size_t i)
{
    ch_json_iter it;
    ch_json_val v = {0};
    assert_true(ch_json_iter_init(arr, &it));
    for (size_t k = 0; k <= i; k++)
        assert_true(ch_json_arr_next(&it, &v));
    return v;
}

/* The node of the node-link document with id `id`. */
static ch_json_val json_node(ch_json_val root, const char *id)
{
    ch_json_iter it;
    ch_json_val v;
    assert_true(ch_json_iter_init(ch_json_get(root, "nodes"), &it));
    while (ch_json_arr_next(&it, &v)) {
        const char *s;
        size_t n;
        if (ch_json_get_str(v, "id", &s, &n) && n == strlen(id) && !memcmp(s, id, n))
            return v;
    }
    fail_msg("no node %s", id);
    return v;
}

static void test_json(void **state)
{
    (void)state;
    size_t n;
    char *b = export(CH_EXPORT_JSON, NULL, "g.json", NULL, &n);
    check_text(b, n, false);
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), 0);
    ch_json_val root;
    const char *msg = NULL;
    if (ch_json_parse(p, b, n, true, &root, &msg) != CH_JSON_OK)
        fail_msg("invalid JSON: %s", msg);
    bool t;
    assert_true(ch_json_bool(ch_json_get(root, "directed"), &t) && !t);
    assert_true(ch_json_bool(ch_json_get(root, "multigraph"), &t) && t);
    assert_int_equal(ch_json_len(ch_json_get(root, "nodes")), 3);
    assert_int_equal(ch_json_len(ch_json_get(root, "links")), 3);

    const char *s;
    size_t sn;
    ch_json_val node = json_node(root, "2");
    assert_true(ch_json_get_str(node, "handle", &s, &sn));
    assert_int_equal(sn, strlen(HOSTILE_JSON));
    assert_memory_equal(s, HOSTILE_JSON, sn);
    int64_t i;
    assert_true(ch_json_int64(ch_json_get(node, "cluster"), &i) && i == 0);
    node = json_node(root, "id&3");
    assert_true(ch_json_is_null(ch_json_get(node, "handle")));
    assert_true(ch_json_int64(ch_json_get(node, "cluster"), &i) && i == -1);

    ch_json_val l = nth(ch_json_get(root, "links"), 1);
    double d;
    assert_true(ch_json_get_str(l, "key", &s, &sn) && sn == 2 && !memcmp(s, "e1", 2));
    assert_true(ch_json_get_str(l, "behaviour", &s, &sn) && sn == 6);
    assert_true(ch_json_double(ch_json_get(l, "pvalue"), &d) && d == 1e-5);
    assert_true(ch_json_int64(ch_json_get(l, "objects"), &i) && i == 3);

    assert_true(ch_json_get_str(ch_json_path(root, "graph.run"), "version", &s, &sn));
    assert_true(ch_json_get_str(nth(ch_json_path(root, "graph.clusters"), 0), "summary", &s, &sn));
    assert_memory_equal(s, "two \"friends\"", sn);
    assert_true(ch_json_get_str(ch_json_get(root, "graph"), "view", &s, &sn));
    assert_memory_equal(s, "multigraph", sn);
    ch_json_parser_free(p);
    free(b);
}

static void test_csv(void **state)
{
    (void)state;
    char out[400], err[256], path[420];
    snprintf(out, sizeof out, "%s/t.csv", dir);
    ch_export_stats st;
    assert_int_equal(ch_export_write(db, CH_EXPORT_CSV, NULL, out, &st, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/t-nodes.csv", dir);
    size_t n;
    char *b = slurp(path, &n);
    check_text(b, n, false);
    assert_true(!strncmp(b, "id,label,handle,score,cluster,posts,platform,top_reason\r\n", 56));
    assert_int_equal(count(b, "\r\n"), 4);   /* header and 3 rows; the handle's LF is no CRLF */
    /* RFC 4180: quoted, quotes doubled; only bytes that are not UTF-8 are replaced */
    assert_non_null(strstr(b, "\r\n2,\"a<b&\"\"c'\x01\n\x7f\xc3\xa9\xef\xbf\xbd\","
                              "\"a<b&\"\"c'\x01\n\x7f\xc3\xa9\xef\xbf\xbd\",0.8,0,5,"));
    assert_non_null(strstr(b, "\r\nid&3,id&3,,0.25,-1,3,"));  /* NULL handle: empty */
    free(b);
    snprintf(path, sizeof path, "%s/t-edges.csv", dir);
    b = slurp(path, &n);
    assert_true(!strncmp(b, "source,target,type,kind,id,behaviour,weight,events,objects,pvalue"
                            "\r\n", 67));
    assert_non_null(strstr(b, "\r\n1,2,Undirected,repost,e1,repost,2.5,3,3,1e-05\r\n"));
    assert_int_equal(count(b, "\r\n"), 4);
    free(b);
    no_temp_files();
}

static void test_combined(void **state)
{
    (void)state;
    ch_export_opts o = {.combined = true};
    ch_export_stats st;
    size_t n;
    char *b = export(CH_EXPORT_JSON, &o, "c.json", &st, &n);
    assert_int_equal(st.nodes, 3);
    assert_int_equal(st.edges, 2);
    ch_json_parser *p;
    assert_int_equal(ch_json_parser_new(0, &p), 0);
    ch_json_val root;
    assert_int_equal(ch_json_parse(p, b, n, true, &root, NULL), CH_JSON_OK);
    bool t;
    assert_true(ch_json_bool(ch_json_get(root, "multigraph"), &t) && !t);
    ch_json_val l = nth(ch_json_get(root, "links"), 0);
    const char *s;
    size_t sn;
    double d;
    int64_t i;
    assert_true(ch_json_get_str(l, "behaviour", &s, &sn));
    assert_int_equal(sn, strlen("narrative,repost"));
    assert_memory_equal(s, "narrative,repost", sn);
    assert_false(ch_json_present(ch_json_get(l, "key")));
    assert_true(ch_json_double(ch_json_get(l, "weight"), &d) && d == 3.5);
    assert_true(ch_json_int64(ch_json_get(l, "events"), &i) && i == 5);
    assert_true(ch_json_int64(ch_json_get(l, "objects"), &i) && i == 4);
    assert_true(ch_json_double(ch_json_get(l, "pvalue"), &d) && d == 1e-5);
    ch_json_parser_free(p);
    free(b);

    b = export(CH_EXPORT_GEXF, &o, "c.gexf", NULL, NULL);
    assert_int_equal(count(b, "<edge "), 2);
    assert_null(strstr(b, "kind="));   /* no parallel edges to keep apart */
    assert_non_null(strstr(b, "label=\"narrative,repost\""));
    free(b);

    char out[400], err[256], path[420];
    snprintf(out, sizeof out, "%s/c", dir);
    assert_int_equal(ch_export_write(db, CH_EXPORT_CSV, &o, out, NULL, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/c-edges.csv", dir);
    b = slurp(path, NULL);
    assert_true(!strncmp(b, "source,target,type,id,behaviour,", 32));   /* no kind */
    assert_non_null(strstr(b, "\r\n1,2,Undirected,e0,\"narrative,repost\",3.5,5,4,1e-05\r\n"));
    free(b);
}

static void test_all_accounts(void **state)
{
    (void)state;
    ch_export_opts o = {.all_accounts = true};
    ch_export_stats st;
    size_t n;
    char *b = export(CH_EXPORT_GRAPHML, &o, "all.graphml", &st, &n);
    assert_int_equal(st.nodes, 5);
    assert_int_equal(st.edges, 3);
    check_text(b, n, true);
    assert_non_null(strstr(b, "<data key=\"n_handle\">loner</data>"));
    assert_non_null(strstr(b, "<data key=\"n_handle\">x\xef\xbf\xbdy</data>"));
    free(b);
}

static void test_errors(void **state)
{
    (void)state;
    char out[400], err[256], bad[400];
    snprintf(out, sizeof out, "%s/keep.graphml", dir);
    FILE *f = fopen(out, "w");
    fputs("previous", f);
    fclose(f);

    snprintf(bad, sizeof bad, "%s/missing.db", dir);
    assert_int_equal(ch_export_write(bad, CH_EXPORT_GRAPHML, NULL, out, NULL, err, sizeof err),
                     CHORUS_EIO);
    assert_non_null(strstr(err, "missing.db"));
    assert_int_equal(ch_export_write(dir, CH_EXPORT_GRAPHML, NULL, out, NULL, err, sizeof err),
                     CHORUS_EIO);

    snprintf(bad, sizeof bad, "%s/text.db", dir);   /* not SQLite at all */
    f = fopen(bad, "w");
    fputs("this is not a database, just some text that is long enough to be read\n", f);
    fclose(f);
    assert_int_equal(ch_export_write(bad, CH_EXPORT_JSON, NULL, out, NULL, err, sizeof err),
                     CHORUS_EDB);
    assert_non_null(strstr(err, "not a chorus results database"));

    snprintf(bad, sizeof bad, "%s/other.db", dir);  /* SQLite, but someone else's */
    sqlite3 *d;
    assert_int_equal(sqlite3_open(bad, &d), SQLITE_OK);
    exec(d, "CREATE TABLE t(x)");
    sqlite3_close(d);
    assert_int_equal(ch_export_write(bad, CH_EXPORT_GEXF, NULL, out, NULL, err, sizeof err),
                     CHORUS_EDB);

    size_t n;
    char *b = slurp(out, &n);   /* failures left the previous file alone */
    assert_string_equal(b, "previous");
    free(b);

    assert_int_equal(ch_export_write(db, CH_EXPORT_CSV, NULL, "-", NULL, err, sizeof err),
                     CHORUS_EUSAGE);
    assert_int_equal(ch_export_write(db, CH_EXPORT_GRAPHML, NULL, "/nonexistent-dir/x.graphml",
                                     NULL, err, sizeof err),
                     CHORUS_EIO);
    assert_non_null(strstr(err, "/nonexistent-dir/"));

    /* a directory is no output, except for csv */
    assert_int_equal(ch_export_write(db, CH_EXPORT_GEXF, NULL, dir, NULL, err, sizeof err),
                     CHORUS_EUSAGE);

    /* the database itself is no output */
    assert_int_equal(ch_export_write(db, CH_EXPORT_GRAPHML, NULL, db, NULL, err, sizeof err),
                     CHORUS_EUSAGE);
    b = slurp(db, &n);
    assert_true(!strncmp(b, "SQLite format 3", 15));
    free(b);

    /* a file chorus did not write is refused, and left as it was */
    assert_int_equal(ch_export_write(db, CH_EXPORT_GRAPHML, NULL, out, NULL, err, sizeof err),
                     CHORUS_EUSAGE);
    assert_non_null(strstr(err, "is not a chorus GraphML export"));
    b = slurp(out, &n);
    assert_string_equal(b, "previous");
    free(b);

    /* with force, a good export replaces it; then, being ours, without force too */
    const ch_export_opts force = {.force = true};
    assert_int_equal(ch_export_write(db, CH_EXPORT_GRAPHML, &force, out, NULL, err, sizeof err),
                     0);
    assert_int_equal(ch_export_write(db, CH_EXPORT_GRAPHML, NULL, out, NULL, err, sizeof err),
                     0);
    b = slurp(out, &n);
    assert_true(!strncmp(b, "<?xml", 5));
    free(b);
    no_temp_files();
}

/* A database with only the minimum edges columns of DESIGN.md (no n_objects, pvalue). */
static void test_minimal_schema(void **state)
{
    (void)state;
    char path[400], out[400], err[256];
    snprintf(path, sizeof path, "%s/min.db", dir);
    snprintf(out, sizeof out, "%s/min.graphml", dir);
    sqlite3 *d;
    assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
    exec(d, "CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE accounts(account_id TEXT PRIMARY KEY, handle TEXT, n_posts INTEGER,"
            " score REAL, cluster_id INTEGER, reasons TEXT);"
            "CREATE TABLE clusters(cluster_id INTEGER PRIMARY KEY, size INTEGER, score REAL,"
            " behaviours TEXT, first_seen INTEGER, last_seen INTEGER, summary TEXT);"
            "CREATE TABLE edges(account_a TEXT, account_b TEXT, behaviour TEXT, weight REAL,"
            " n_events INTEGER);"
            "INSERT INTO edges VALUES ('a', 'b', 'reply', 1, 2);");
    sqlite3_close(d);
    ch_export_stats st;
    assert_int_equal(ch_export_write(path, CH_EXPORT_GRAPHML, NULL, out, &st, err, sizeof err),
                     0);
    assert_int_equal(st.nodes, 2);   /* endpoints without an accounts row still become nodes */
    assert_int_equal(st.edges, 1);
    char *b = slurp(out, NULL);
    assert_non_null(strstr(b, "<data key=\"e_events\">2</data>"));
    assert_null(strstr(b, "<data key=\"e_objects\">"));
    assert_non_null(strstr(b, "<data key=\"n_cluster\">-1</data>"));
    free(b);
}

/* Every allocation of the combined view failing in turn: a clean CHORUS_ENOMEM, no temporary
 * file, no leak (under ASan), and eventually success. */
static void test_alloc_failures(void **state)
{
    (void)state;
    ch_export_opts o = {.combined = true};
    char out[400], err[256];
    snprintf(out, sizeof out, "%s/oom.csv", dir);
    int rc = -1;
    for (uint64_t nth = 1; nth < 100 && rc; nth++) {
        ch_alloc_fail_after(nth);
        rc = ch_export_write(db, CH_EXPORT_CSV, &o, out, NULL, err, sizeof err);
        ch_alloc_fail_after(0);
        if (rc)
            assert_int_equal(rc, CHORUS_ENOMEM);
        no_temp_files();
    }
    assert_int_equal(rc, CHORUS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),        cmocka_unit_test(test_graphml),
        cmocka_unit_test(test_gexf),         cmocka_unit_test(test_json),
        cmocka_unit_test(test_csv),          cmocka_unit_test(test_combined),
        cmocka_unit_test(test_all_accounts), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_minimal_schema), cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
