/*
 * report.h — the HTML report: one standalone file a journalist can open and read, written from
 * a results database (docs/report.md says what each section shows and how to read it).
 *
 * The file needs nothing but a browser: styles and SVG plots are inline, there is no script,
 * and a Content-Security-Policy forbids every network load, so opening it never contacts
 * anyone (not even the sites an operation links to) and injected markup could not run even if
 * escaping failed. Every string from the database is escaped; invalid UTF-8 is replaced.
 *
 * Size is bounded whatever the database holds: the top clusters and statements get a full
 * section each, the rest a compact list; every list stops after a fixed count with "and N
 * more"; the network picture draws at most max_nodes accounts. Memory is bounded the same way
 * (the largest piece is the network picture: O(max_nodes + its edges)).
 *
 * Reproducible: the same database and options give the same bytes (seeded layout, no clock).
 */
#ifndef CH_REPORT_H
#define CH_REPORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_report_opts {
    unsigned top_clusters;    /* clusters with a full section (default 50) */
    unsigned top_statements;  /* statements with a full section (default 50) */
    unsigned max_items;       /* rows of a list before "and N more" (default 25) */
    unsigned max_nodes;       /* clustered accounts drawn in the network picture (30000) */
    unsigned max_neighbours;  /* faded unclustered neighbours drawn per cluster (default 5) */
    uint64_t seed;            /* seed of the layout's random numbers (default 1) */
} ch_report_opts;

/* What a report holds, for summaries and tests. */
typedef struct ch_report_info {
    uint64_t bytes;             /* size of the file written */
    uint64_t clusters;          /* clusters in the database */
    uint64_t clusters_detailed; /* of which with a full section */
    uint64_t clustered;         /* accounts with a cluster */
    uint64_t nodes;             /* of which drawn in the network picture */
    uint64_t statements;        /* statements in the database */
    double seconds;             /* time to write the report */
} ch_report_info;

void ch_report_opts_default(ch_report_opts *o);

/*
 * Writes the report of the results database at db_path (opened read-only) to out_path:
 * written to "<out_path>.tmp-<pid>" and renamed into place, so a failure never leaves a
 * half-written report where a good one stood. out_path "-" writes to standard output.
 * o may be NULL (defaults); info may be NULL.
 *
 * Returns CHORUS_OK, or: CHORUS_EIO (database missing or unreadable, output not writable),
 * CHORUS_EDB (not a chorus results database, or a query failed), CHORUS_EUSAGE (out_path is
 * the database itself), CHORUS_ENOMEM, CHORUS_EINTERNAL (the layout library failed). err gets a one-line message without a
 * "chorus:" prefix ("cannot open 'x.db': ..."). Never prints, exits or aborts.
 *
 * Cost: a few passes over the posts table (O(posts), no per-post memory) plus bounded work per
 * detailed section; about 1 s for a million posts.
 */
int ch_report_write(const char *db_path, const char *out_path, const ch_report_opts *o,
                    ch_report_info *info, char *err, size_t errlen);

#endif
