#!/usr/bin/python3
"""Writes docs/example.ipynb, the example notebook (unexecuted): a case from generator data,
scan -> DataFrames -> the questions of docs/schema.md -> charts. `make notebook` runs this and
executes the result in place with nbconvert, so the notebook in docs/ shows its outputs; the
test tests/python/test_notebook.py executes it again. Edit the cells here, not in the .ipynb.

usage: make_example.py OUT.ipynb
"""
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", """# A chorus case in a notebook

This notebook runs **chorus** inside Python on a generated case (the scenario generator
`chorus-synth`, which plants coordinated campaigns among ordinary accounts, so there is no
third-party data here), then answers the usual questions with pandas and draws the strongest
cluster. The same calls work on your data: `chorus.scan("posts.jsonl", statements="statements/")`.

It needs the Python module (`make python`) and Debian's `python3-pandas`,
`python3-networkx` and `python3-matplotlib`."""),
    ("code", """import os, subprocess, sys, tempfile
try:
    import chorus
except ImportError:                      # running from the source tree before `make python`
    sys.path.insert(0, os.path.abspath("../build/python"))
    import chorus
import pandas as pd
import networkx as nx
import matplotlib.pyplot as plt

pd.set_option("display.max_colwidth", 80)
chorus.version()"""),
    ("md", """## A case to look at

Twelve thousand generated posts over two weeks, with four planted campaigns and the official
statements some of them parrot."""),
    ("code", """synth = os.environ.get("CHORUS_SYNTH", os.path.abspath("../build/chorus-synth"))
work = tempfile.mkdtemp(prefix="chorus-notebook-")
subprocess.run([synth, "--posts", "12000", "--seed", "5", "--campaigns", "4", "--quiet",
                "--format", "chorus", "-o", work], check=True)
sorted(os.listdir(work))"""),
    ("md", """## Scan

`chorus.scan` runs the whole detection in this process and returns the results database
opened for reading; keyword arguments are the scan's options (`chorus.options()` lists them).
Pass `db="case.db"` to keep the file for `chorus report` or SQL tools."""),
    ("code", """res = chorus.scan(os.path.join(work, "posts.chorus.jsonl"),
                  statements=os.path.join(work, "statements.jsonl"), threads=2)
{k: res.summary[k] for k in ("posts", "accounts", "matches", "clusters",
                              "clustered_accounts", "flagged_accounts")}"""),
    ("md", "## The clusters, strongest first"),
    ("code", """res.clusters[["cluster_id", "size", "score", "behaviours", "summary"]]"""),
    ("md", """## Who is in the strongest cluster, and why

`members(c)` reads the `cluster_members` view: every member with its reasons in words and the
profile fields the score used."""),
    ("code", """members = res.members(0)
members[["handle", "score", "reasons_text", "followers", "created_at"]].head(10)"""),
    ("md", """## What a pair shared

The `evidence` table holds every object each pair of accounts shared (not a sample), typed,
with both posts' times and the gap between them; `pairs` says who tended to act first."""),
    ("code", """pairs = res.sql("SELECT * FROM pairs WHERE cluster_a = 0 AND cluster_b = 0 "
                "ORDER BY n_events DESC LIMIT 5")
pairs[["handle_a", "handle_b", "behaviour", "n_events", "leader_handle", "lead_share"]]"""),
    ("code", """top = pairs.iloc[0]
shared = res.sql("SELECT object_type, object_id, t_a, t_b, gap, first_account FROM pair_shared "
                 "WHERE account_a = ? AND account_b = ? AND behaviour = ? ORDER BY t_a",
                 (top.account_a, top.account_b, top.behaviour))
shared["gap"].describe()[["count", "min", "50%", "max"]]"""),
    ("md", """## Who echoed a statement first

`statement_echoes` ranks the posts that repeat each statement by time, with the repeated
passage cut by character offsets (as Python and pandas count)."""),
    ("code", """echoes = res.sql("SELECT statement_id, rank, handle, cluster_id, delay, passage "
                 "FROM statement_echoes WHERE first_of_account ORDER BY statement_id, rank")
first = echoes.groupby("statement_id").head(3)
first.head(9)"""),
    ("md", """## Leaders across the network

Per edge, `leader` is the account that acted first in more of the pair's co-actions. Counting
edges led per account points at the accounts others follow."""),
    ("code", """e = res.edges
led = (e.dropna(subset=["leader"]).groupby("leader").size().rename("edges_led")
       .to_frame().join(res.accounts.set_index("account_id")[["handle", "cluster_id"]])
       .sort_values("edges_led", ascending=False))
led.head(5)"""),
    ("md", """## Charts: the largest cluster's network and its activity over time

`graph(cluster=c)` is a networkx graph of one cluster (edge weight = co-actions, as peers'
tools count them); node size follows the edges each account led, and the three accounts that
led most are named."""),
    ("code", """c = int(res.clusters.sort_values("size").cluster_id.iloc[-1])
g = res.graph(cluster=c)
posts = res.posts
mine = posts[posts.account_id.isin(res.members(c).account_id)]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=80)
pos = nx.spring_layout(g, seed=1, k=1.5 / max(1, g.number_of_nodes()) ** 0.5)
size = [15 + 5 * led.edges_led.get(n, 0) for n in g.nodes]
nx.draw_networkx_edges(g, pos, ax=ax1, alpha=0.25,
                       width=[0.3 + 0.2 * d["weight"] for _, _, d in g.edges(data=True)])
nx.draw_networkx_nodes(g, pos, ax=ax1, node_size=size, node_color="tab:red")
leaders = [n for n in led.index if n in g][:3]
for i, n in enumerate(leaders):          # named off to the side: the core is dense
    ax1.annotate("@" + g.nodes[n]["handle"], pos[n], xytext=(0.0, 0.97 - 0.07 * i),
                 textcoords="axes fraction",
                 fontsize=8, arrowprops={"arrowstyle": "-", "alpha": 0.6})
ax1.set_title(f"cluster {c}: {g.number_of_nodes()} accounts, {g.number_of_edges()} pairs")
ax1.axis("off")
hourly = mine.set_index("created_at").resample("6H").size()
ax2.plot(hourly.index, hourly.values, color="tab:red", label=f"cluster {c}")
every = posts.set_index("created_at").resample("6H").size()
ax2.plot(every.index, every.values / every.max() * hourly.max(), color="grey", alpha=0.5,
         label="all posts (scaled)")
ax2.set_title("posts per 6 hours"); ax2.legend(); fig.autofmt_xdate()
plt.show()"""),
    ("md", """## Files for other tools

The same results as GEXF or GraphML for Gephi, CSV for R, and the HTML report an editor can
read: `res.export("case.gexf")`, `res.export("case", format="csv")`, `res.report("case.html")`."""),
    ("code", """nodes, edges = res.export(os.path.join(work, "case"), format="csv")
pd.read_csv(edges).head(3)"""),
    ("code", """res.close()"""),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_example.py OUT.ipynb")
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src)
                for kind, src in CELLS]
    nbformat.write(nb, sys.argv[1])


if __name__ == "__main__":
    main()
