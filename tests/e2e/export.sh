#!/usr/bin/env bash
# End-to-end: `chorus export` writes every format from a scanned database, and the readers
# analysts use take them as written: networkx (read_graphml, read_gexf, node_link_graph), the
# csv module, and igraph's GraphML reader when python3-igraph is installed. Every node and
# edge is compared with the database, including a hostile handle planted in it.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 7 --posts 20000 -o "$TMP/s" >/dev/null || bad "synth failed"
db=$TMP/out.db
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$db" --quiet >/dev/null
eq "scan exit" $? 0
q() { sqlite3 "$db" "$1"; }
check "scan found edges" test "$(q 'SELECT count(*) FROM edges')" -gt 0

# A handle with XML/CSV metacharacters, a control character XML 1.0 forbids, a newline and a
# non-ASCII letter, on an account that has edges.
victim=$(q 'SELECT account_a FROM edges ORDER BY weight DESC LIMIT 1')
q "UPDATE accounts SET handle = 'a<b&\"c''' || char(1) || char(10) || 'é,x' WHERE account_id = '$victim'"

nodes=$(q 'SELECT count(*) FROM (SELECT account_a FROM edges UNION SELECT account_b FROM edges)')
edges=$(q 'SELECT count(*) FROM edges')
pairs=$(q 'SELECT count(DISTINCT min(account_a, account_b) || char(0) || max(account_a, account_b)) FROM edges')

# readback.py DB FORMAT PATH VIEW: reads an export back and compares it with the database;
# prints "ok WHAT" or "bad WHAT: detail" lines.
cat >"$TMP/readback.py" <<'EOF'
import csv, inspect, json, math, re, sqlite3, sys
import networkx as nx

db, fmt, path, view = sys.argv[1:5]
con = sqlite3.connect(db)
con.text_factory = lambda b: b.decode("utf-8", "replace")
xml = fmt in ("graphml", "gexf")

def clean(s):
    """What an XML export can carry of s: forbidden control characters become U+FFFD."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", s) if xml else s

def report(ok, what, detail=""):
    print(("ok " if ok else "bad ") + what + ("" if ok else ": " + detail))

def read():
    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        return nx.read_gexf(path)
    if fmt == "json":
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        # networkx >= 3.4 takes the name of the edge list; older versions only know "links"
        kw = {"edges": "links"} if "edges" in inspect.signature(nx.node_link_graph).parameters else {}
        return nx.node_link_graph(d, **kw)
    G = nx.Graph() if view == "combined" else nx.MultiGraph()
    num = {"score": float, "cluster": int, "posts": int, "weight": float, "events": int,
           "objects": int, "pvalue": float}
    conv = lambda r: {k: (num[k](v) if k in num and v != "" else v) for k, v in r.items()}
    with open(path + "-nodes.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            r = conv(r)
            G.add_node(r.pop("id"), **r)
    with open(path + "-edges.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            r = conv(r)
            if r.pop("type") != "Undirected":
                report(False, "csv edge type", "not Undirected")
            if view != "combined" and r.pop("kind") != r["behaviour"]:
                report(False, "csv edge kind", "not the behaviour")
            G.add_edge(r.pop("source"), r.pop("target"), **r)
    return G

G = read()
# networkx's GraphML and GEXF readers return a MultiGraph only when the file has parallel
# edges, i.e. when some pair acted together in more than one behaviour.
parallel = con.execute("SELECT count(*) FROM (SELECT 1 FROM edges GROUP BY min(account_a, account_b),"
                       " max(account_a, account_b) HAVING count(*) > 1)").fetchone()[0] > 0
want_multi = view != "combined" and (parallel or not xml)
report(G.is_multigraph() == want_multi, fmt + " multigraph flag", str(type(G)))
report(not G.is_directed(), fmt + " undirected")

where = "" if view == "all" else " WHERE account_id IN (SELECT account_a FROM edges UNION SELECT account_b FROM edges)"
want = {r[0]: r[1:] for r in con.execute(
    "SELECT account_id, handle, score, cluster_id, n_posts FROM accounts" + where)}
report(set(G.nodes) == set(want), fmt + " node ids",
       "%d nodes, want %d" % (G.number_of_nodes(), len(want)))
bad_nodes = []
for n, (handle, score, cluster, posts) in want.items():
    a = G.nodes.get(n, {})
    exp = {"handle": clean(handle), "score": score,
           "cluster": -1 if cluster is None else cluster, "posts": posts,
           "label": clean(handle) if handle else n}
    got = {k: a.get(k) for k in exp}
    if got != exp:
        bad_nodes.append("%s: %r != %r" % (n, got, exp))
report(not bad_nodes, fmt + " node attributes", "; ".join(bad_nodes[:3]))

rows = con.execute("SELECT min(account_a, account_b), max(account_a, account_b), behaviour, "
                   "weight, n_events, n_objects, pvalue FROM edges ORDER BY 1, 2, 3").fetchall()
if view == "combined":
    agg = {}
    for a, b, beh, w, ev, ob, p in rows:
        e = agg.setdefault((a, b), [[], 0.0, 0, 0, p])
        e[0].append(beh); e[1] += w; e[2] += ev; e[3] += ob; e[4] = min(e[4], p)
    want_e = sorted((a, b, ",".join(v[0]), v[1], v[2], v[3], v[4]) for (a, b), v in agg.items())
else:
    want_e = sorted(rows)
got_e = sorted((min(u, v), max(u, v), d.get("behaviour"), d.get("weight"), d.get("events"),
                d.get("objects"), d.get("pvalue")) for u, v, d in G.edges(data=True))
report(len(got_e) == len(want_e), fmt + " edge count", "%d, want %d" % (len(got_e), len(want_e)))
diff = [(g, w) for g, w in zip(got_e, want_e)
        if g[:3] != w[:3] or g[4:6] != w[4:6] or not math.isclose(g[3], w[3], rel_tol=1e-12)
        or not math.isclose(g[6], w[6], rel_tol=1e-12)]
report(not diff, fmt + " edge attributes", repr(diff[:2]))

if fmt == "json":
    n_clusters = con.execute("SELECT count(*) FROM clusters").fetchone()[0]
    version = con.execute("SELECT value FROM run WHERE key = 'version'").fetchone()[0]
    report(len(G.graph.get("clusters", [])) == n_clusters, "json clusters in graph")
    report(G.graph.get("run", {}).get("version") == version, "json run metadata in graph")
EOF

readback() { # readback FORMAT PATH VIEW
  local line
  while IFS= read -r line; do
    case $line in
      ok\ *) ok ;;
      *) bad "$line" ;;
    esac
  done < <(python3 "$TMP/readback.py" "$db" "$1" "$2" "$3" 2>&1)
}

# every format, multigraph (the default)
for f in graphml gexf json; do
  out=$("$CHORUS" export "$db" --format $f -o "$TMP/net.$f"); eq "export $f exit" $? 0
  check "export $f summary names the file" grep -q "net.$f" <<<"$out"
  readback $f "$TMP/net.$f" multi
done
"$CHORUS" export "$db" --format csv -o "$TMP/net" --quiet; eq "export csv exit" $? 0
check "csv nodes file" test -s "$TMP/net-nodes.csv"
check "csv edges file" test -s "$TMP/net-edges.csv"
readback csv "$TMP/net" multi
eq "graphml edges = database" "$(grep -c '<edge ' "$TMP/net.graphml")" "$edges"
eq "gexf nodes = database" "$(grep -c '<node ' "$TMP/net.gexf")" "$nodes"
# Gephi-ready: every node with a colour (one per cluster), a size and a position; the node
# attributes Gephi filters on; the same file twice from the same database
gephi=$(/usr/bin/python3 - "$TMP/net.gexf" "$db" <<'EOF'
import sqlite3, sys
import networkx as nx
G = nx.read_gexf(sys.argv[1])
con = sqlite3.connect(sys.argv[2])
viz = [d.get("viz", {}) for _, d in G.nodes(data=True)]
ok = all("color" in v and "size" in v and "position" in v for v in viz)
col = {}
for _, d in G.nodes(data=True):
    if d.get("cluster", -1) >= 0:
        c = d["viz"]["color"]
        col.setdefault(d["cluster"], set()).add((c["r"], c["g"], c["b"]))
one_each = all(len(v) == 1 for v in col.values())
distinct = len({next(iter(v)) for v in col.values()}) == len(col)
spread = len({(round(v["position"]["x"]), round(v["position"]["y"])) for v in viz}) > 0.9 * len(viz)
attrs = all("top_reason" in d and "platform" in d for _, d in G.nodes(data=True)
            if d.get("cluster", -1) >= 0)
print("ok" if ok and one_each and distinct and spread and attrs and col else
      "bad viz=%s one_each=%s distinct=%s spread=%s attrs=%s clusters=%d" %
      (ok, one_each, distinct, spread, attrs, len(col)))
EOF
)
eq "gexf ready for Gephi (colours, sizes, positions, attributes)" "$gephi" ok
"$CHORUS" export "$db" --format gexf -o "$TMP/net2.gexf" --quiet
check "gexf reproducible (seeded layout)" cmp -s "$TMP/net.gexf" "$TMP/net2.gexf"
check "no temporary files left" test -z "$(ls -A "$TMP" | grep 'chorus-tmp-')"

# the combined view: one edge per pair
for f in graphml gexf json csv; do
  "$CHORUS" export "$db" --format $f --combined -o "$TMP/comb.$f" --quiet
  eq "export $f --combined exit" $? 0
done
for f in graphml gexf json; do readback $f "$TMP/comb.$f" combined; done
readback csv "$TMP/comb" combined
eq "combined graphml edges = pairs" "$(grep -c '<edge ' "$TMP/comb.graphml")" "$pairs"

# every account
"$CHORUS" export "$db" --all-accounts -o "$TMP/all.graphml" --quiet; eq "all-accounts exit" $? 0
readback graphml "$TMP/all.graphml" all
eq "all-accounts nodes" "$(grep -c '<node ' "$TMP/all.graphml")" "$(q 'SELECT count(*) FROM accounts')"

# standard output, default names, format from the extension
j=$("$CHORUS" export "$db" --format json -o -); eq "json to stdout exit" $? 0
eq "stdout json links" "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["links"]))' <<<"$j")" "$edges"
(cd "$TMP" && "$CHORUS" export out.db --quiet); eq "default output exit" $? 0
check "default output is DB.graphml" test -s "$TMP/out.graphml"
(cd "$TMP" && "$CHORUS" export out.db --format csv --quiet)
check "default csv output" test -s "$TMP/out-nodes.csv"
"$CHORUS" export "$db" -o "$TMP/byext.gexf" --quiet
check "format from the extension" grep -q '<gexf' "$TMP/byext.gexf"
mkdir -p "$TMP/dir"
"$CHORUS" export "$db" --format csv -o "$TMP/dir" --quiet
check "csv into a directory" test -s "$TMP/dir/edges.csv"

# igraph reads the GraphML too, when installed (python3-igraph; optional)
ig=""
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import igraph' 2>/dev/null; then ig=$py; break; fi
done
if [ -n "$ig" ]; then
  got=$("$ig" -c 'import igraph,sys; g=igraph.Graph.Read_GraphML(sys.argv[1]); print(g.vcount(), g.ecount(), g.is_directed())' "$TMP/net.graphml")
  eq "igraph reads the GraphML" "$got" "$nodes $edges False"
  h=$("$ig" -c 'import igraph,sys; g=igraph.Graph.Read_GraphML(sys.argv[1]); v=g.vs.find(id=sys.argv[2]); print(v["handle"] == "a<b&\"c\x27\ufffd\n\u00e9,x")' "$TMP/net.graphml" "$victim")
  eq "igraph reads the hostile handle" "$h" "True"
else
  echo "export: python3-igraph not installed, igraph check skipped"
fi

# errors: exit 1 for runtime problems, 2 for usage; a failure keeps the previous export
before=$(md5sum <"$TMP/net.graphml")
"$CHORUS" export "$TMP/nope.db" -o "$TMP/net.graphml" 2>"$TMP/err"; eq "missing db exit" $? 1
check "missing db message" grep -q "chorus: export: cannot open" "$TMP/err"
echo "not a database" >"$TMP/text.db"
"$CHORUS" export "$TMP/text.db" -o "$TMP/net.graphml" 2>"$TMP/err"; eq "not a chorus db exit" $? 1
check "not a chorus db message" grep -q "not a chorus results database" "$TMP/err"
eq "previous export untouched" "$(md5sum <"$TMP/net.graphml")" "$before"
"$CHORUS" export "$db" --format dot 2>/dev/null; eq "unknown format exit" $? 2
"$CHORUS" export "$db" --format csv -o - 2>/dev/null; eq "csv to stdout exit" $? 2
"$CHORUS" export 2>/dev/null; eq "no database exit" $? 2
"$CHORUS" export "$db" --bogus 2>/dev/null; eq "unknown option exit" $? 2
"$CHORUS" export "$db" -o /nonexistent-dir/x.graphml 2>/dev/null; eq "unwritable output exit" $? 1
h=$("$CHORUS" export --help); eq "help exit" $? 0
check "help has examples" grep -q "examples:" <<<"$h"

finish
