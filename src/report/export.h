/*
 * export.h — the account network of a results database as files that graph tools read
 * untouched: GraphML and GEXF (Gephi, igraph, networkx), CSV node and edge tables (Gephi's
 * spreadsheet import, R, pandas) and networkx node-link JSON. User documentation:
 * docs/exports.md.
 *
 * What is exported: nodes are accounts (by default only those with at least one edge), with
 * label, handle, score, cluster (-1 = none) and posts; edges are rows of the `edges` table,
 * one per (pair, behaviour), with behaviour, weight, events, objects and pvalue. The graph is
 * undirected and, by default, a multigraph (a pair that co-reposted and also shared a
 * narrative has two edges); `combined` folds them into one edge per pair.
 *
 * Strings are written as valid UTF-8 whatever the database holds: invalid sequences, and the
 * control characters XML 1.0 cannot carry, become U+FFFD; tab, newline and carriage return
 * are kept (as character references in XML, escapes in JSON, quoted in CSV).
 *
 * Cost: the database is read once, streaming (memory does not grow with the graph); the
 * edges are sorted by SQLite, O(E log E).
 *
 * The library never prints: errors come back as a chorus_err code and a message in `err`.
 */
#ifndef CH_EXPORT_H
#define CH_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus.h"

typedef enum ch_export_format {
    CH_EXPORT_GRAPHML,
    CH_EXPORT_GEXF,
    CH_EXPORT_CSV,
    CH_EXPORT_JSON
} ch_export_format;

typedef struct ch_export_opts {
    bool all_accounts;   /* every account of the database, not only those with an edge */
    bool combined;       /* one edge per pair: weights, events and objects summed, behaviours
                            joined by ',' in name order, the smallest p-value */
    bool force;          /* replace an existing file that is not a chorus export of the format */
    chorus_diag_fn notice;   /* told about stale temporary files removed; may be NULL */
    void *notice_ctx;
} ch_export_opts;

typedef struct ch_export_stats {
    uint64_t nodes, edges;   /* written */
} ch_export_stats;

/* Parses a format name ("graphml", "gexf", "csv", "json"; case-insensitive) into *out.
 * Returns CHORUS_OK or CHORUS_EUSAGE. */
int ch_export_parse_format(const char *name, ch_export_format *out);

/* The name of a format ("graphml", ...) and the file extension it is written with
 * (".graphml", ".gexf", ".csv", ".json"). */
const char *ch_export_format_name(ch_export_format f);
const char *ch_export_extension(ch_export_format f);

/* The format a file name implies by its extension (".graphml"/".xml", ".gexf", ".csv",
 * ".json"). Returns CHORUS_OK or CHORUS_EFORMAT when the extension says nothing. */
int ch_export_format_of_path(const char *path, ch_export_format *out);

/* The default output of a database: its path with the extension replaced by the format's
 * ("runs/x.db" -> "runs/x.graphml"; for CSV "runs/x.csv", which names the pair below).
 * Returns CHORUS_OK or CHORUS_ELIMIT when `len` is too small. */
int ch_export_default_path(const char *db_path, ch_export_format f, char *buf, size_t len);

/* The two files CSV writes for `path`: when `path` is a directory (or ends in '/'),
 * PATH/nodes.csv and PATH/edges.csv; otherwise `path` is a prefix, less a final ".csv":
 * "out" or "out.csv" -> out-nodes.csv and out-edges.csv.
 * Returns CHORUS_OK, CHORUS_EUSAGE for "-" or "", or CHORUS_ELIMIT when `len` is too small. */
int ch_export_csv_paths(const char *path, char *nodes, char *edges, size_t len);

/* Writes the network of the results database `db_path` (opened read-only) in format `f` to
 * `out_path`, or to standard output when out_path is "-". A file is written to a temporary
 * file beside it and renamed into place (core/outfile.h), so a failure never leaves a
 * half-written export where a good one stood; CSV renames its two files only after both were
 * written. A character device or FIFO is written directly. The database is never replaced;
 * an existing file is replaced only when it is a chorus export of the same format (its first
 * bytes: the GraphML comment, the GEXF creator, the JSON graph's creator, the CSV header),
 * empty, or o->force is set.
 * `o` may be NULL (defaults: edge accounts only, multigraph); `stats` may be NULL.
 *
 * Returns CHORUS_OK, or (with a message in err):
 *   CHORUS_EIO     the database cannot be opened, or the output cannot be written;
 *   CHORUS_EDB     the file is not a chorus results database, or reading it failed;
 *   CHORUS_EUSAGE  CSV to "-" (two files cannot share standard output), bad arguments, an
 *                  output refused by the policy above;
 *   CHORUS_ENOMEM  out of memory;  CHORUS_ELIMIT  a value exceeds a documented limit. */
int ch_export_write(const char *db_path, ch_export_format f, const ch_export_opts *o,
                    const char *out_path, ch_export_stats *stats, char *err, size_t errlen);

#endif
