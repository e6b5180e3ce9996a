"""chorus for notebooks: finds coordinated inauthentic behaviour in dumps of social-media posts
(accounts acting in concert, posts parroting official statements) and hands the results back
as pandas DataFrames and networkx or igraph graphs.

    import chorus
    res = chorus.scan("posts.jsonl", statements="statements/", window=60)
    res.clusters                 # DataFrame, strongest first
    res.accounts[res.accounts.cluster_id == 0]
    g = res.graph()              # networkx.Graph of the coordinated accounts
    res = chorus.open("case.db") # a results database written earlier (chorus scan -o case.db)

The module runs libchorus in the Python process through the public C API (include/chorus.h):
the scan, its options (the keys of `chorus.options()`), diagnostics and progress, the check
that a file is a chorus results database, the report and the exports. The tables come from the
results database itself, every column of it (docs/schema.md says what they hold), read
read-only with Python's sqlite3. Built by `make python` (python/build_ffi.py).
"""
import json as _json
import os as _os
import shutil as _shutil
import sqlite3 as _sqlite3
import tempfile as _tempfile

from ._chorus import ffi as _ffi, lib as _lib

__all__ = ["scan", "open", "match", "Results", "ChorusError", "version", "formats",
           "options", "NULL"]

NULL = _lib.CHORUS_NULL    # an integer the database or summary does not know
SCORE_FLAG = 0.91          # an account scoring at least this is "flagged" (CHORUS_SCORE_FLAG)

_ERR_NAMES = {
    _lib.CHORUS_OK: "ok", _lib.CHORUS_ENOMEM: "nomem", _lib.CHORUS_EIO: "io",
    _lib.CHORUS_EFORMAT: "format", _lib.CHORUS_EPARSE: "parse", _lib.CHORUS_ELIMIT: "limit",
    _lib.CHORUS_EUSAGE: "usage", _lib.CHORUS_EDB: "db", _lib.CHORUS_EINTERNAL: "internal",
    _lib.CHORUS_ENOTFOUND: "notfound",
}

# Columns that hold Unix seconds, shown as UTC datetimes in DataFrames (the database keeps
# the integers; `Results.sql` returns them as stored).
_TIME_COLUMNS = {"created_at", "published_at", "first_seen", "last_seen", "t_a", "t_b"}
# Integer columns that may be NULL, shown as pandas' nullable Int64 (not floats with NaN)
_NULLABLE_INT_COLUMNS = {"cluster_id", "narrative_id", "cluster_a", "cluster_b",
                         "before_publication", "verified", "default_profile",
                         "default_profile_image", "bot", "followers", "following", "statuses",
                         "a_first", "b_first", "same_time", "gap"}
# Columns that hold JSON arrays, shown as Python lists
_LIST_COLUMNS = {"urls", "hashtags", "mentions"}
# Diagnostics kept per scan in Results.diagnostics; the rest are counted in the summary only
_MAX_DIAGS = 10000


class ChorusError(Exception):
    """A failure of libchorus: `code` (a chorus_err number), `kind` ("io", "usage", "db", ...),
    the message, and the file and line it is about when it is about a place in a file."""

    def __init__(self, code, message, file=None, line=0):
        self.code = int(code)
        self.kind = _ERR_NAMES.get(self.code, "unknown")
        self.message = message
        self.file = file or None
        self.line = int(line)
        super().__init__(message)


def _s(p):
    """A C string as str (None for NULL); bytes that are not UTF-8 are replaced, not fatal."""
    return None if p == _ffi.NULL else _ffi.string(p).decode("utf-8", "replace")


def _error(code, e):
    """A ChorusError from a chorus_error *e (may be NULL)."""
    if e == _ffi.NULL or e.message[0] == b"\0":
        return ChorusError(code, _s(_lib.chorus_strerror(code)))
    return ChorusError(code, _ffi.string(e.message).decode("utf-8", "replace"),
                       _ffi.string(e.file).decode("utf-8", "replace"), e.line)


def _b(s):
    return _os.fsencode(s) if isinstance(s, (str, _os.PathLike)) else s


def version():
    """The version of libchorus, "MAJOR.MINOR.PATCH"."""
    return _s(_lib.chorus_version())


def formats():
    """The input formats, a DataFrame: name, platform, summary, example, detected."""
    import pandas as pd
    rows, i = [], 0
    while True:
        f = _lib.chorus_format_at(i)
        if f == _ffi.NULL:
            break
        rows.append({"name": _s(f.name), "platform": _s(f.platform), "summary": _s(f.summary),
                     "example": _s(f.example), "detected": bool(f.detected)})
        i += 1
    return pd.DataFrame(rows)


def options():
    """The options of a scan (keyword arguments of scan() and match()), a DataFrame: key,
    values, default, help."""
    import pandas as pd
    rows, i = [], 0
    while True:
        o = _lib.chorus_option_at(i)
        if o == _ffi.NULL:
            break
        rows.append({"key": _s(o.key), "values": _s(o.values),
                     "default": _s(o.default_value), "help": _s(o.help)})
        i += 1
    return pd.DataFrame(rows)


# ---- callbacks (declared extern "Python" in build_ffi.py) ---------------------------------

class _Job:
    """What the callbacks of one job share: the user's functions, what was collected, and
    the first exception a user function raised (re-raised when the job returns)."""

    def __init__(self, on_diag=None, on_progress=None, on_match=None):
        self.on_diag, self.on_progress, self.on_match = on_diag, on_progress, on_match
        self.diags, self.n_diags, self.matches = [], 0, []
        self.exc = None


def _fail(job, exc):
    if job.exc is None:
        job.exc = exc


@_ffi.def_extern()
def py_diag(ctx, d):
    job = _ffi.from_handle(ctx)
    try:
        row = {"file": _s(d.file), "line": int(d.line),
               "offset": None if d.offset < 0 else int(d.offset),
               "reason": _s(d.reason), "message": _s(d.message)}
        job.n_diags += 1
        if len(job.diags) < _MAX_DIAGS:
            job.diags.append(row)
        if job.on_diag is not None and job.exc is None:
            job.on_diag(row)
    except BaseException as e:   # never unwind through C: kept and raised after the job
        _fail(job, e)


@_ffi.def_extern()
def py_progress(ctx, p):
    job = _ffi.from_handle(ctx)
    if job.on_progress is None or job.exc is not None:
        return
    try:
        job.on_progress({"stage": _s(p.stage), "what": _s(p.what), "file": _s(p.file),
                         "done": int(p.done), "total": None if p.total < 0 else int(p.total),
                         "records": int(p.records)})
    except BaseException as e:
        _fail(job, e)


def _span(text, n, start, end):
    """The byte span [start, end) of UTF-8 text[0..n) as (passage, start_char, end_char)."""
    raw = _ffi.unpack(text, n) if text != _ffi.NULL else b""
    if start < 0 or end < start or end > len(raw):
        return None, None, None
    # offsets in characters, as pandas and Python count them
    sc = len(raw[:start].decode("utf-8", "replace"))
    return raw[start:end].decode("utf-8", "replace"), sc, sc + len(
        raw[start:end].decode("utf-8", "replace"))


@_ffi.def_extern()
def py_match(ctx, m):
    job = _ffi.from_handle(ctx)
    try:
        passage, ps, pe = _span(m.post_text, m.post_len, m.post_start, m.post_end)
        _, ss, se = _span(m.statement_text, m.statement_len, m.stmt_start, m.stmt_end)
        row = {"post_id": _s(m.post_id), "account_id": _s(m.account_id),
               "handle": _s(m.handle), "statement_id": _s(m.statement_id),
               "created_at": None if m.created_at == NULL else int(m.created_at),
               "similarity": float(m.similarity),
               "post_text": _ffi.unpack(m.post_text, m.post_len).decode("utf-8", "replace"),
               "passage": passage,
               "post_start": int(m.post_start), "post_end": int(m.post_end),
               "stmt_start": int(m.stmt_start), "stmt_end": int(m.stmt_end),
               "post_start_char": ps, "post_end_char": pe,
               "stmt_start_char": ss, "stmt_end_char": se,
               "before_publication": None if m.before_publication < 0
               else bool(m.before_publication)}
        if job.on_match is not None:
            return 1 if job.on_match(row) is False else 0
        job.matches.append(row)
        return 0
    except BaseException as e:
        _fail(job, e)
        return 1


# ---- a scan --------------------------------------------------------------------------------

def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (str, bytes, _os.PathLike)):
        return [x]
    return list(x)


def _option_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class _Scan:
    """A chorus_scan handle set up with inputs, statements and options; freed on close."""

    def __init__(self, inputs, statements, split, fmt, column_map, opts, job):
        p = _ffi.new("chorus_scan **")
        rc = _lib.chorus_scan_new(p)
        if rc:
            raise ChorusError(rc, "out of memory")
        self.s = _ffi.gc(p[0], _lib.chorus_scan_free)
        self.job = job
        self.handle = _ffi.new_handle(job)   # kept alive as long as the scan
        _lib.chorus_scan_set_diag(self.s, _lib.py_diag, self.handle)
        _lib.chorus_scan_set_progress(self.s, _lib.py_progress, self.handle)
        for k, v in opts.items():
            if v is None:
                continue
            for one in (v if k == "map" and isinstance(v, (list, tuple)) else [v]):
                self.check(_lib.chorus_scan_set(self.s, k.encode(), _b(_option_text(one))))
        if not inputs:
            raise ChorusError(_lib.CHORUS_EUSAGE, "no input: give at least one posts file")
        for path in inputs:
            self.check(_lib.chorus_scan_add_input(
                self.s, _b(_os.fspath(path)), _b(fmt) if fmt else _ffi.NULL,
                _b(column_map) if column_map else _ffi.NULL))
        for path in statements:
            self.check(_lib.chorus_scan_add_statements(self.s, _b(_os.fspath(path)), split))

    def check(self, rc):
        if self.job.exc is not None:
            exc, self.job.exc = self.job.exc, None
            raise exc
        if rc:
            raise _error(rc, _lib.chorus_scan_error(self.s))

    def summary(self):
        j = _lib.chorus_scan_summary_json(self.s)
        return _json.loads(_s(j)) if j != _ffi.NULL else {}

    def close(self):
        s, self.s = self.s, None
        if s is not None:
            _ffi.gc(s, None)          # detach the finalizer: freed once, here
            _lib.chorus_scan_free(s)


def scan(inputs, statements=None, db=None, *, split=False, format=None, column_map=None,
         on_diag=None, on_progress=None, **options):
    """Scans posts for coordination and parroting; returns the Results.

    inputs      a path or a list of paths (.gz and .zst are read as is; "-" is stdin)
    statements  a path or list of paths of statements (.txt, .md, .jsonl or a folder) to find
                parroting of (docs/parroting.md); split: one statement per paragraph
    db          where the results database goes; None: a temporary file, removed when the
                Results are closed (pass a path to keep it)
    format      the format of every input (default: detected); column_map: a CSV's map
                ("id=content_id,author_id=account_id,time=ts")
    on_diag     called with a dict (file, line, offset, reason, message) per skipped record;
                they are also in Results.diagnostics
    on_progress called with a dict (stage, what, file, done, total, records) as stages start
    options     the scan's options by key (chorus.options()): window=60, threads=2,
                threshold=0.7, strict=True, report="case.html", ...

    Raises ChorusError (kind "usage" for a bad option, "io" for a file that cannot be read,
    ...). Inputs that cannot be read while others can are not an error: see
    Results.summary["inputs_failed"] and Results.diagnostics.
    """
    job = _Job(on_diag=on_diag, on_progress=on_progress)
    tmpdir = None
    if db is None:
        tmpdir = _tempfile.mkdtemp(prefix="chorus-")
        db = _os.path.join(tmpdir, "results.db")
    try:
        sc = _Scan(_as_list(inputs), _as_list(statements), bool(split), format, column_map,
                   options, job)
        try:
            sc.check(_lib.chorus_scan_run(sc.s, _b(_os.fspath(db))))
            summary = sc.summary()
        finally:
            sc.close()
        res = open(db)
    except BaseException:
        if tmpdir:
            _shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    res.summary = summary
    res._tmpdir = tmpdir
    res._diags, res._n_diags = job.diags, job.n_diags
    return res


def match(inputs, statements, *, split=False, format=None, column_map=None, on_diag=None,
          **options):
    """Parroting only (`chorus match`): every post of inputs that copies, excerpts or
    paraphrases one of the statements, as a DataFrame (post, account, statement, similarity,
    the post's text and the matched passage, offsets in bytes and in characters). No database
    is written. Options as scan's (threshold, all_matches, threads, ...)."""
    import pandas as pd
    job = _Job(on_diag=on_diag)
    sc = _Scan(_as_list(inputs), _as_list(statements), bool(split), format, column_map,
               options, job)
    try:
        sc.check(_lib.chorus_scan_match(sc.s, _lib.py_match, sc.handle))
    finally:
        sc.close()
    df = pd.DataFrame(job.matches, columns=[
        "post_id", "account_id", "handle", "statement_id", "created_at", "similarity",
        "post_text", "passage", "post_start", "post_end", "stmt_start", "stmt_end",
        "post_start_char", "post_end_char", "stmt_start_char", "stmt_end_char",
        "before_publication"])
    df["created_at"] = pd.to_datetime(df["created_at"], unit="s", utc=True)
    return df


# ---- results -------------------------------------------------------------------------------

def open(path):
    """Opens a results database (chorus scan -o PATH) read-only; returns Results.
    Raises ChorusError: kind "io" (cannot open), "db" (not a chorus results database, or one
    written by a newer chorus)."""
    return Results(path)


class Results:
    """A results database, read-only. Each table is a pandas DataFrame (read once, then
    cached): clusters, accounts, edges, evidence, matches, posts, statements, narratives,
    ingest_errors; plus run (dict), summary (dict: the scan's summary when this came from
    scan(), else the run table's counts), diagnostics (DataFrame of skipped records, from
    scan()). Times are UTC datetimes; urls, hashtags and mentions are lists. sql() runs any
    query; graph() builds the account network; report() and export() write files."""

    def __init__(self, path):
        self.path = _os.fspath(path)
        p = _ffi.new("chorus_results **")
        err = _ffi.new("chorus_error *")
        rc = _lib.chorus_results_open(_b(self.path), p, err)
        if rc:
            raise _error(rc, err)
        self._r = _ffi.gc(p[0], _lib.chorus_results_close)
        self.schema = int(_lib.chorus_results_schema(self._r))
        uri = "file:" + _os.path.abspath(self.path).replace("?", "%3f").replace("#", "%23")
        self._db = _sqlite3.connect(uri + "?mode=ro", uri=True, check_same_thread=False)
        self._cache = {}
        self._tmpdir = None
        self._diags, self._n_diags = [], 0
        self.summary = None

    # -- lifetime
    def close(self):
        """Closes the file (and removes it when scan() made it in a temporary folder)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._r is not None:
            r, self._r = self._r, None
            _ffi.gc(r, None)
            _lib.chorus_results_close(r)
        if self._tmpdir:
            _shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        n = {t: self._count(t) for t in ("posts", "accounts", "clusters", "edges")}
        return (f"<chorus.Results {self.path!r} schema {self.schema}: {n['posts']} posts, "
                f"{n['accounts']} accounts, {n['clusters']} clusters, {n['edges']} edges>")

    # -- queries
    def _tables(self):
        return {r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}

    def _count(self, table):
        if table not in self._tables():
            return 0
        return self._db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    def sql(self, query, params=()):
        """The rows of any SQL query on the database as a DataFrame, values as stored
        (times in Unix seconds). The views of docs/schema.md answer the common questions:
        cluster_members, pairs, pair_shared, statement_echoes (schema 2 and later)."""
        import pandas as pd
        if self._db is None:
            raise ChorusError(_lib.CHORUS_EUSAGE, "the results are closed")
        return pd.read_sql_query(query, self._db, params=params)

    def table(self, name, order_by=None):
        """A whole table or view as a DataFrame, times as UTC datetimes and entity lists as
        lists; an empty DataFrame when the file has no such table (an older schema)."""
        import pandas as pd
        if name in self._cache:
            return self._cache[name]
        if name not in self._tables():
            df = pd.DataFrame()
        else:
            df = self.sql(f'SELECT * FROM "{name}"' + (f" ORDER BY {order_by}" if order_by
                                                       else ""))
        df = _typed(df)
        if name == "accounts" and "reasons" in df.columns:
            df["top_reasons"] = [_top_reasons(v) for v in df["reasons"]]
        self._cache[name] = df
        return df

    @property
    def clusters(self):
        return self.table("clusters", "score DESC, cluster_id")

    @property
    def accounts(self):
        return self.table("accounts", "score DESC, account_id")

    @property
    def edges(self):
        return self.table("edges", "pvalue, n_objects DESC")

    @property
    def evidence(self):
        return self.table("evidence")

    @property
    def matches(self):
        return self.table("matches")

    @property
    def posts(self):
        return self.table("posts", "created_at, post_id")

    @property
    def statements(self):
        return self.table("statements")

    @property
    def narratives(self):
        return self.table("narratives")

    @property
    def ingest_errors(self):
        return self.table("ingest_errors")

    @property
    def run(self):
        """The run table as a dict: version, inputs, parameters, counts, stage times."""
        return dict(self._db.execute("SELECT key, value FROM run").fetchall())

    @property
    def diagnostics(self):
        """The records scan() skipped (at most 10,000; the summary has every count)."""
        import pandas as pd
        return pd.DataFrame(self._diags,
                            columns=["file", "line", "offset", "reason", "message"])

    def members(self, cluster):
        """The accounts of one cluster with their reasons in words, highest score first."""
        if "cluster_members" in self._tables():
            return _typed(self.sql("SELECT * FROM cluster_members WHERE cluster_id = ? "
                                   "ORDER BY score DESC, account_id", (int(cluster),)))
        a = self.accounts
        return a[a.cluster_id == cluster].reset_index(drop=True)

    # -- graphs
    def graph(self, kind="networkx", behaviour=None, cluster=None, combined=True):
        """The account network: one node per account with an edge (attributes handle,
        platform, cluster — -1 when in none —, score), and one edge per pair (combined: the
        behaviours summed, n_events the co-action count peers call weight) or one per pair
        and behaviour (combined=False: a MultiGraph keyed by behaviour). behaviour and
        cluster restrict the edges. kind "networkx" (networkx.Graph / MultiGraph) or
        "igraph" (igraph.Graph, the same attributes)."""
        import pandas as pd
        e = self.edges
        if behaviour is not None:
            e = e[e.behaviour == behaviour]
        a = self.accounts.set_index("account_id")
        if cluster is not None:
            members = set(a.index[a.cluster_id == cluster])
            e = e[e.account_a.isin(members) & e.account_b.isin(members)]
        if combined:
            e = (e.groupby(["account_a", "account_b"], sort=True)
                 .agg(n_events=("n_events", "sum"), n_objects=("n_objects", "sum"),
                      pvalue=("pvalue", "min"),
                      behaviours=("behaviour", lambda s: ",".join(sorted(set(s)))))
                 .reset_index())
        nodes = sorted(set(e.account_a) | set(e.account_b))

        def attrs(n):
            if n not in a.index:
                return {"handle": "", "platform": "", "cluster": -1, "score": 0.0}
            r = a.loc[n]
            c, sc, h, p = (r.get(k) for k in ("cluster_id", "score", "handle", "platform"))
            return {"handle": "" if pd.isna(h) else str(h),
                    "platform": "" if pd.isna(p) else str(p),
                    "cluster": -1 if pd.isna(c) else int(c),
                    "score": 0.0 if pd.isna(sc) else float(sc)}

        def eattrs(r):
            d = {"n_events": int(r.n_events), "weight": int(r.n_events),
                 "n_objects": int(r.n_objects), "pvalue": float(r.pvalue)}
            d["behaviours" if combined else "behaviour"] = (r.behaviours if combined
                                                            else r.behaviour)
            return d

        if kind == "networkx":
            import networkx as nx
            g = nx.Graph() if combined else nx.MultiGraph()
            g.add_nodes_from((n, attrs(n)) for n in nodes)
            for r in e.itertuples(index=False):
                if combined:
                    g.add_edge(r.account_a, r.account_b, **eattrs(r))
                else:
                    g.add_edge(r.account_a, r.account_b, key=r.behaviour, **eattrs(r))
            return g
        if kind == "igraph":
            import igraph as ig
            g = ig.Graph(directed=False)
            g.add_vertices(len(nodes))
            g.vs["name"] = nodes
            for k in ("handle", "platform", "cluster", "score"):
                g.vs[k] = [attrs(n)[k] for n in nodes]
            index = {n: i for i, n in enumerate(nodes)}
            rows = [eattrs(r) for r in e.itertuples(index=False)]
            g.add_edges([(index[r.account_a], index[r.account_b])
                         for r in e.itertuples(index=False)])
            for k in (rows[0].keys() if rows else ()):
                g.es[k] = [r[k] for r in rows]
            return g
        raise ChorusError(_lib.CHORUS_EUSAGE, f"graph kind is 'networkx' or 'igraph', "
                                              f"not {kind!r}")

    # -- files
    def report(self, path, top_clusters=None, max_items=None, seed=None):
        """Writes the HTML report (docs/report.md) to path; returns a dict of what it holds."""
        o = _ffi.new("chorus_report_opts *")
        _lib.chorus_report_opts_init(o)
        if top_clusters is not None:
            o.top_clusters = int(top_clusters)
        if max_items is not None:
            o.max_items = int(max_items)
        if seed is not None:
            o.seed = int(seed)
        info = _ffi.new("chorus_report_info *")
        err = _ffi.new("chorus_error *")
        rc = _lib.chorus_report_write(_b(self.path), _b(_os.fspath(path)), o, info, err)
        if rc:
            raise _error(rc, err)
        return {"bytes": int(info.bytes), "clusters": int(info.clusters),
                "clustered": int(info.clustered), "nodes": int(info.nodes),
                "statements": int(info.statements)}

    def export(self, path=None, format=None, combined=False, all_accounts=False):
        """Writes the network for graph tools (docs/exports.md): graphml, gexf, csv or json,
        by format or path's extension. Returns the path written (csv: nodes, edges)."""
        o = _ffi.new("chorus_export_opts *")
        fmt = _ffi.new("char[]", format.encode()) if format else _ffi.NULL
        o.format = fmt
        o.combined = bool(combined)
        o.all_accounts = bool(all_accounts)
        info = _ffi.new("chorus_export_info *")
        err = _ffi.new("chorus_error *")
        rc = _lib.chorus_export_write(_b(self.path), _b(_os.fspath(path)) if path
                                      else _ffi.NULL, o, info, err)
        if rc:
            raise _error(rc, err)
        if info.edges_path[0] != b"\0":
            return (_ffi.string(info.path).decode(), _ffi.string(info.edges_path).decode())
        return _ffi.string(info.path).decode()


def _typed(df):
    """df with times as UTC datetimes, nullable integers as Int64 and entity lists as lists
    (the columns the database's schema defines; others as they are)."""
    import pandas as pd
    for c in df.columns:
        if c in _TIME_COLUMNS:
            df[c] = pd.to_datetime(df[c], unit="s", utc=True, errors="coerce")
        elif c in _NULLABLE_INT_COLUMNS:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
        elif c in _LIST_COLUMNS:
            df[c] = [_json.loads(v) if isinstance(v, str) else [] for v in df[c]]
    return df


def _top_reasons(reasons):
    if not isinstance(reasons, str):
        return []
    try:
        v = _json.loads(reasons).get("top_reasons", [])
        return [str(x) for x in v] if isinstance(v, list) else []
    except (ValueError, AttributeError):
        return []
